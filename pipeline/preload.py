"""What the fork server of the worker processes imports (``pipeline.supervise``).

Every worker would otherwise start by importing the stages (0.3 s), loading the built-in
rules (0.26 s: their patterns compiled and checked), langdetect's profiles (0.19 s) and, with
its first page, the HTML step (trafilatura and lxml, 0.25 s). Done here once, in the fork
server, each worker is forked with them in memory. The fork server is started as a command
begins (``supervise.start_workers``), so this runs while the command itself parses its arguments,
loads the rules and finds the inputs, on another core.

Guarantees: importing this never raises (a worker then loads what it needs itself and
reports any problem with the file it cleans); a worker forked from it cleans exactly as one
that loaded everything itself.
"""

from __future__ import annotations

import contextlib

import pipeline.batch
import pipeline.clean
import pipeline.matchers.language
import pipeline.supervise

with contextlib.suppress(Exception):
    import pipeline.html

with contextlib.suppress(Exception):  # the rules most runs clean with (cached per spec)
    _RULES = pipeline.batch.RulesSpec().load()
    # Profiles only: detectors are made afresh, seeded, per line (deterministic answers).
    pipeline.matchers.language._factory(_RULES.language.seed)
