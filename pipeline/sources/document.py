"""A document that is not a file of its own, and how it is named and cleaned.

Guarantees: a document's output name is always inside its container's output folder and made
of safe characters (an id such as ``../x`` or ``a/b`` is slugged and given a hash of itself,
so two ids never share outputs); the same record gives the same name and the same bytes on
every run.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re

from pipeline.article import Article, Record
from pipeline.discover import InputFile
from pipeline.errors import InputError
from pipeline.limits import Limits
from pipeline.rules import Rules

# Ids used as they are for output names; any other is slugged and hashed (``record_name``).
PLAIN_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_@+=,-]{0,99}(?:\.[A-Za-z0-9_@+=,-]{1,20}){0,3}")
UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")
SLUG_CHARS = 60
HASH_CHARS = 12


class Document(InputFile):
    """One document in hand: a record of a JSONL or WARC file, or stdin.

    An input as the batch machinery knows them (``discover.InputFile``), with its bytes:
    ``source`` is how messages name it (``data.jsonl line 12 (id a7)``), ``output`` its output
    name relative to the output folder (no suffix), ``container`` the file it came from
    (``source.path`` in its sidecar), ``fmt`` ``text``, ``html`` or ``auto``. ``error``, when
    set, says why the record could not be read: cleaning it fails with that reason.
    """

    __slots__ = ("container", "data", "error", "record")

    def __init__(
        self,
        name: str,
        output: str,
        data: bytes = b"",
        fmt: str = "auto",
        container: str = "",
        record: Record | None = None,
        error: str | None = None,
    ) -> None:
        super().__init__(name, output, 0, fmt)
        self.data = data
        self.container = container
        self.record = record
        self.error = error

    def __repr__(self) -> str:
        return f"Document({self.source!r}, {self.output!r})"


def clean_document(
    doc: Document,
    rules: Rules,
    limits: Limits,
    timings: dict[str, float] | None = None,
    site: str | None = None,
) -> Article:
    """Clean ``doc``'s bytes; its sidecar names its container and where in it it was.

    Raises the :class:`InputError` the record carries when it could not be read.
    ``timings`` and ``site``: as for ``clean_bytes``."""
    # Imported here: a process that only reads records for workers never loads the stages.
    from pipeline.clean import clean_bytes

    if doc.error is not None:
        msg = f"{doc.source}: {doc.error}"
        raise InputError(msg)
    article = clean_bytes(
        doc.data,
        source_id=doc.source,
        rules=rules,
        fmt=doc.fmt,
        limits=limits,
        timings=timings,
        site=site,
    )
    path = doc.container or doc.source
    source = dataclasses.replace(article.source, path=path, record=doc.record)
    return dataclasses.replace(article, source=source)


def record_name(record_id: str) -> str:
    """A file name for a record's outputs: the id itself when it is plain, else a slug of it
    and a hash of the whole id (ids may hold ``/``, ``..`` or anything at all).

    >>> record_name("a7-2024"), record_name("urn:uuid:1/../x")
    ('a7-2024', 'urn_uuid_1_.._x~3bc729b89a03')
    """
    if PLAIN_ID.fullmatch(record_id):
        return record_id
    digest = hashlib.sha256(record_id.encode("utf-8", "surrogatepass")).hexdigest()
    slug = UNSAFE.sub("_", record_id)[:SLUG_CHARS].strip(".") or "record"
    return f"{slug}~{digest[:HASH_CHARS]}"
