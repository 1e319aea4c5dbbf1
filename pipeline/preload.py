"""What the fork server of the worker processes imports (``pipeline.supervise``).

Every worker would otherwise start by importing the stages (0.3 s), loading the built-in
rules (0.05 s from their cache, ``pipeline.rules_cache``; 0.13 s without) and, with its
first page, the HTML step
(trafilatura and lxml, 0.25 s; 12 MB), and building what its first document needs (the
classify plan of the rules, 0.2 s, and patterns compiled on first use: a warm-up page is
cleaned here). Done here once, in the fork server, each worker is forked with them in
memory. The fork server is started as a command begins, before the command imports the
library (``pipeline.workers``), so this runs while the command imports it, loads the rules
and finds the inputs, on another core. langdetect's profiles are not loaded here: most
runs of English text never ask langdetect (cheaper tests decide), and a worker that does
loads them from their cache in about 0.05 s and 18 MB (``pipeline.matchers.profiles``).

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

# A page cleaned once here builds what the first document would build in each worker: the
# classify plan of the built-in rules (its screen: 0.2 s), the patterns compiled on first
# use, the HTML step's own lazy set-up. English enough that langdetect is never asked (its
# profiles stay out of the fork server: ``pipeline.matchers.profiles`` loads them fast).
WARM_UP_PAGE = b"""<html lang="en"><head><title>Warm-up page</title></head><body><article>
<h1>A page that the workers never see</h1>
<p>This is the first paragraph of a short page, and it is cleaned once when the worker
processes are prepared, so that the first file of a run does not have to wait for it.</p>
<figure><img src="a.png"><figcaption>A caption under a picture (Photo: Reuters)</figcaption>
</figure><p>The second paragraph is here to make the article long enough to be kept by the
extractor, with a few more words that are there only for the length of it.</p>
</article></body></html>"""

with contextlib.suppress(Exception):  # the rules most runs clean with (cached per spec)
    pipeline.clean.clean_bytes(
        WARM_UP_PAGE, source_id="warm-up.html", rules=pipeline.batch.RulesSpec().load(), fmt="html"
    )
