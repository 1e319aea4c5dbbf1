"""JSONL input: one JSON object a line, each an article (gzip, bzip2, xz or zstd too).

A record holds its document in an ``html`` or a ``text`` string (``html`` wins when both are
there) and may hold an ``id``, a ``url`` and a ``date``; the field names are settings
(:class:`JsonlFields`, ``--jsonl-field text=content``). Its outputs are
``OUT/<file's name>/<id>.txt`` and ``.json`` (``line-<n>`` when it has no id). The file is
read line by line, never whole. What cannot be read fails alone, named by the file, the line
(counted from 1) and the id when there is one: a line that is not a JSON object, a record
without a document, a line over the size limit, an id another line already has. Compressed
data that breaks off or is corrupt ends the file there: the records before it are cleaned,
and one failure says where it broke.
"""

from __future__ import annotations

import io
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pipeline.article import Record
from pipeline.discover import InputFile
from pipeline.errors import InputError
from pipeline.limits import describe_size
from pipeline.read import open_regular, path_text
from pipeline.sources.document import Document, record_name
from pipeline.unpack import UNPACK_ERRORS, open_unpacked

SKIP_CHUNK = 1 << 20  # an over-long line is skipped in pieces of this size
ROLES = ("id", "text", "html", "url", "date")


@dataclass(frozen=True)
class JsonlFields:
    """Which field of a record holds what."""

    id: str = "id"
    text: str = "text"
    html: str = "html"
    url: str = "url"
    date: str = "date"

    @classmethod
    def parse(cls, settings: list[str]) -> JsonlFields:
        """From ``ROLE=NAME`` settings (``text=content``); a bad one raises ValueError.

        >>> JsonlFields.parse(["text=content", "id=doc_id"]).text
        'content'
        """
        names: dict[str, str] = {}
        for setting in settings:
            role, equals, name = setting.partition("=")
            if role not in ROLES or not equals or not name:
                msg = f"{setting!r}: give ROLE=NAME, ROLE one of {', '.join(ROLES)}"
                raise ValueError(msg)
            names[role] = name
        return cls(**names)


def read_jsonl(item: InputFile, fields: JsonlFields, max_bytes: int) -> Iterator[Document]:
    """Every record of the JSONL file ``item`` as a document, in order (blank lines skipped).

    The file cannot be opened: one failed document for the file. Outputs go under
    ``item.output``."""
    name = path_text(item.source)
    try:
        handle = os.fdopen(open_regular(item.path), "rb")
    except InputError as exc:  # it names the file already
        yield Document(name, item.output, error=str(exc).removeprefix(f"{name}: "))
        return
    with handle:
        yield from jsonl_documents(handle, name, item.output, fields, max_bytes)


def jsonl_documents(
    handle: io.BufferedReader, name: str, folder: str, fields: JsonlFields, max_bytes: int
) -> Iterator[Document]:
    """The records of the JSONL data read from ``handle`` (unpacked when compressed), named
    ``name`` in messages, with outputs under ``folder``."""
    stream = open_unpacked(handle)
    seen: dict[str, int] = {}  # output names given, and the line that has each
    line = 0
    while True:
        try:
            raw = stream.readline(max_bytes + 1)
            if len(raw) > max_bytes and not raw.endswith(b"\n"):
                _skip_line(stream)
        except UNPACK_ERRORS as exc:
            where = f"after line {line}" if line else "at its start"
            reason = (
                f"the file cannot be read on {where} ({exc}); the records after it were not "
                "read. Re-download or re-compress it"
            )
            yield Document(f"{name} line {line + 1}", f"{folder}/line-{line + 1}", error=reason)
            return
        if not raw:
            return
        line += 1
        if raw.strip():
            yield _document(raw, line, name, folder, fields, max_bytes, seen)


def _document(
    raw: bytes,
    line: int,
    name: str,
    folder: str,
    fields: JsonlFields,
    max_bytes: int,
    seen: dict[str, int],
) -> Document:
    where = f"{name} line {line}"
    fallback = f"{folder}/line-{line}"
    if len(raw) > max_bytes:
        reason = (
            f"the line is over the size limit of {describe_size(max_bytes)}; it was not "
            "cleaned. Raise the limit (--max-bytes) if it really is one article"
        )
        return Document(where, fallback, error=reason)
    try:
        record = json.loads(raw)
    except ValueError as exc:
        return Document(where, fallback, error=f"not valid JSON ({exc}); fix or remove the line")
    if not isinstance(record, dict):
        reason = f"a JSON {type(record).__name__}, not an object; each line must be one record"
        return Document(where, fallback, error=reason)
    record_id = _text(record.get(fields.id), numbers=True)
    if record_id is not None:
        where = f"{where} (id {record_id})"
    output = f"{folder}/{record_name(record_id)}" if record_id is not None else fallback
    if output in seen:
        reason = (
            f"its id is that of line {seen[output]}; give each record an id of its own "
            "(its outputs would overwrite that record's)"
        )
        return Document(where, fallback if record_id is not None else output, error=reason)
    seen[output] = line
    return _with_document(record, where, output, name, line, record_id, fields)


def _with_document(
    record: dict[str, Any],
    where: str,
    output: str,
    container: str,
    line: int,
    record_id: str | None,
    fields: JsonlFields,
) -> Document:
    html, text = _text(record.get(fields.html)), _text(record.get(fields.text))
    url, date = _text(record.get(fields.url)), _text(record.get(fields.date), numbers=True)
    info = Record(record_id, line=line, url=url, date=date)
    if html is None and text is None:
        reason = (
            f"the record has no {fields.html!r} or {fields.text!r} string; name the field that "
            "holds the document with --jsonl-field text=NAME (or html=NAME)"
        )
        return Document(where, output, container=container, record=info, error=reason)
    data = (html if html is not None else text or "").encode("utf-8", "surrogatepass")
    fmt = "html" if html is not None else "text"
    return Document(where, output, data, fmt, container, info)


def _text(value: object, *, numbers: bool = False) -> str | None:
    """A string field's value; numbers as text when ``numbers`` (ids, dates); else None.

    >>> _text("a"), _text(7, numbers=True), _text(True, numbers=True), _text(None)
    ('a', '7', None, None)
    """
    if isinstance(value, str):
        return value
    if numbers and isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


def _skip_line(stream: io.BufferedIOBase) -> None:
    """Read on to the end of an over-long line."""
    while True:
        chunk = stream.readline(SKIP_CHUNK)
        if not chunk or chunk.endswith(b"\n"):
            return
