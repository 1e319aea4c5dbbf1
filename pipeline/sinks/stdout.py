"""Results to a stream (stdout) instead of a folder: ``article-clean clean - --format html``.

Either the body of the one document (as ``OUT/<name>.txt`` would hold it), or, with
``--jsonl``, one corpus record per article (``corpus.corpus_record``; articles with an empty
body too, so every input gives one line). Cleaned in this process, one document after
another; nothing is written to disk. A stream is written as it goes, so it is the one output
that is not atomic.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import BinaryIO

from pipeline.batch import FileResult, clean_input, cleaned_result, unexpected
from pipeline.discover import InputFile
from pipeline.errors import CleaningError
from pipeline.io import body_bytes
from pipeline.limits import Limits
from pipeline.read import path_text
from pipeline.rules import Rules
from pipeline.sinks.corpus import article_record, record_line


def write_stream(
    items: Iterable[InputFile], out: BinaryIO, rules: Rules, limits: Limits, *, jsonl: bool
) -> Iterator[FileResult]:
    """Clean ``items`` one after another, writing each article to ``out``; yield results."""
    for item in items:
        try:
            article = clean_input(item, rules, limits)
        except CleaningError as exc:
            yield FileResult.failed(item, str(exc))
            continue
        except Exception as exc:  # one bad document, whatever went wrong, must not end the run
            yield FileResult.failed(item, unexpected(exc))
            continue
        if jsonl:
            out.write(record_line(article_record(path_text(item.output), article)))
        else:
            out.write(body_bytes(article))
        out.flush()
        yield cleaned_result(item, article)
