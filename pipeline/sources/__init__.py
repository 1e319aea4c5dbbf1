"""Where documents come from: files found in folders, records of JSONL and WARC files, stdin.

Every source yields what the batch machinery cleans (``pipeline.batch.clean_one``): an
``InputFile`` (a file of its own, read where it is cleaned, so a folder's run can skip what
has not changed: ``pipeline.incremental``) or a :class:`Document` (bytes already in hand: a
record of a JSONL or WARC file, or stdin). Files of many documents are read as streams,
record by record, never whole (``jsonl``, ``warc``); a record that cannot be read becomes a
``Document`` carrying its error, so it fails with its own name (file, line or offset, id)
and the rest goes on. ``expand`` turns what discovery found into one stream of both;
``remote`` lists and reads ``s3://`` (any fsspec file system installed) the same way.
"""

from pipeline.sources.document import Document, clean_document
from pipeline.sources.expand import Passed, container_folders, expand, read_stdin
from pipeline.sources.jsonl import JsonlFields

__all__ = [
    "Document",
    "JsonlFields",
    "Passed",
    "clean_document",
    "container_folders",
    "expand",
    "read_stdin",
]
