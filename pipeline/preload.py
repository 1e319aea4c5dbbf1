"""What the fork server of the worker processes imports (``pipeline.supervise``).

Every worker would otherwise start by importing the stages (0.3 s), loading the built-in
rules (0.26 s: their patterns compiled and checked) and, with its first page, the HTML step
(trafilatura and lxml, 0.25 s; 12 MB). Done here once, in the fork server, each worker is
forked with them in memory. The fork server is started as a command begins
(``supervise.start_workers``), so this runs while the command parses its arguments, loads
the rules and finds the inputs, on another core. langdetect's profiles are not loaded here:
62 MB a worker, and most runs of English text never ask langdetect (cheaper tests decide).

Guarantees: importing this never raises (a worker then loads what it needs itself and
reports any problem with the file it cleans); a worker forked from it cleans exactly as one
that loaded everything itself.
"""

from __future__ import annotations

import contextlib

import pipeline.batch
import pipeline.clean
import pipeline.supervise

with contextlib.suppress(Exception):
    import pipeline.html

with contextlib.suppress(Exception):  # the rules most runs clean with (cached per spec)
    pipeline.batch.RulesSpec().load()
