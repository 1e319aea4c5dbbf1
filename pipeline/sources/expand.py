"""One stream of documents from what discovery found, and from stdin.

Files of their own stay ``InputFile`` (read where they are cleaned); a JSONL or WARC file
becomes its records, read as the stream is consumed, so a file of a million records is never
in memory whole; what was passed over inside them (WARC records that are not pages) is counted
in a :data:`Passed` counter, by why.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from typing import BinaryIO

from pipeline.discover import InputFile, container_kind
from pipeline.limits import describe_size
from pipeline.sources.document import Document
from pipeline.sources.jsonl import JsonlFields, read_jsonl
from pipeline.sources.warc import read_warc

Passed = Counter[str]  # reason -> how many records were passed over for it
STDIN_NAME = "stdin"


def expand(
    inputs: Iterable[InputFile],
    max_bytes: int,
    passed: Passed,
    *,
    fields: JsonlFields | None = None,
) -> Iterator[InputFile]:
    """Each input, or each record (a :class:`Document`) of a JSONL or WARC input, in order."""
    for item in inputs:
        kind = container_kind(item.source)
        if kind == "jsonl":
            yield from read_jsonl(item, fields or JsonlFields(), max_bytes)
        elif kind == "warc":
            yield from read_warc(item, max_bytes, passed)
        else:
            yield item


def container_folders(inputs: Iterable[InputFile]) -> list[str]:
    """The output folders the records of JSONL and WARC inputs go in (relative names)."""
    return [item.output for item in inputs if container_kind(item.source) is not None]


def read_stdin(stream: BinaryIO, max_bytes: int, fmt: str) -> Document:
    """What ``stream`` (stdin) holds, as one document named ``stdin``, read to its end; one
    that is over ``max_bytes`` carries that error instead (it is not read further)."""
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        reason = (
            f"the input is over the size limit of {describe_size(max_bytes)}; it was not "
            "cleaned. Raise the limit (--max-bytes) if it really is one article"
        )
        return Document(STDIN_NAME, STDIN_NAME, error=reason)
    return Document(STDIN_NAME, STDIN_NAME, data, fmt or "auto", container="-")
