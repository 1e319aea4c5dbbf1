"""WARC input (``.warc``, ``.warc.gz``, read with FastWARC): HTML responses are articles.

A ``response`` (or ``resource``) record whose HTTP status is 2xx and whose content is HTML
(its ``Content-Type``, else its first bytes: ``pipeline.sniff``) is cleaned as a page; its
outputs are ``OUT/<file's name>/<record id>.txt`` and ``.json``, and its sidecar's
``source.record`` holds the record id, its byte offset in the file, the target URI and the
WARC date. Every other record (requests, metadata, images, redirects, errors) is counted by
why it was passed over (:class:`pipeline.sources.expand.Passed`) and never cleaned. The file
is read record by record, never whole. A record cut short (a truncated file) fails with its
offset; data that cannot be read at all (corrupt gzip) ends the file there, with one failure
saying at which offset: the records before it are cleaned.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator
from typing import TYPE_CHECKING, BinaryIO

from fastwarc import ArchiveIterator, WarcRecord, WarcRecordType

from pipeline.article import Record
from pipeline.discover import InputFile
from pipeline.errors import InputError
from pipeline.limits import describe_size
from pipeline.read import open_regular, path_text
from pipeline.sniff import sniff_format
from pipeline.sources.document import Document, record_name

if TYPE_CHECKING:
    from fastwarc.warc import HeaderMap

DOCUMENT_TYPES = WarcRecordType.response | WarcRecordType.resource
HTML_TYPES = ("text/html", "application/xhtml+xml")
HEADER_LIMIT = 64 << 10  # HTTP headers longer than this are not a response's headers


def read_warc(item: InputFile, max_bytes: int, passed: Counter[str]) -> Iterator[Document]:
    """Every HTML response of the WARC file ``item`` as a document, in file order; every
    other record counted in ``passed`` by why it was left out."""
    name = path_text(item.source)
    try:
        handle = os.fdopen(open_regular(item.path), "rb")
    except InputError as exc:
        yield Document(name, item.output, error=str(exc).removeprefix(f"{name}: "))
        return
    with handle:
        yield from warc_documents(handle, name, item.output, max_bytes, passed)


def warc_documents(
    handle: BinaryIO, name: str, folder: str, max_bytes: int, passed: Counter[str]
) -> Iterator[Document]:
    """The HTML responses of the WARC data read from ``handle``, named ``name`` in messages,
    with outputs under ``folder``; other records counted in ``passed``."""
    # Parsing HTTP ourselves: FastWARC hands a record cut short over as if it were whole.
    records = iter(ArchiveIterator(handle, parse_http=False))
    offset = 0
    seen: dict[str, int] = {}
    while True:
        try:
            record = next(records)
        except StopIteration:
            return
        except OSError as exc:  # FastWARC's own reader: corrupt compressed data
            reason = (
                f"the file cannot be read past offset {offset} ({exc}); the records after "
                "it were not read. Re-download it"
            )
            yield Document(
                f"{name} after offset {offset}", f"{folder}/offset-{offset}", error=reason
            )
            return
        offset = record.stream_pos
        if not record.record_type & DOCUMENT_TYPES:
            passed[f"WARC {record.record_type} record"] += 1
            continue
        doc = _document(record, name, folder, max_bytes, passed, seen)
        if doc is not None:
            yield doc


def _document(
    record: WarcRecord,
    name: str,
    folder: str,
    max_bytes: int,
    passed: Counter[str],
    seen: dict[str, int],
) -> Document | None:
    """The record as a document; None when it is not an HTML page (counted in ``passed``)."""
    offset = record.stream_pos
    record_id = (record.record_id or "").strip("<>").removeprefix("urn:uuid:") or None
    output = f"{folder}/{record_name(record_id)}" if record_id else f"{folder}/offset-{offset}"
    where = f"{name} offset {offset}" + (f" (id {record_id})" if record_id else "")
    headers = record.headers
    info = Record(
        record_id,
        offset=offset,
        url=headers.get("WARC-Target-URI") or None,
        date=headers.get("WARC-Date") or None,
    )
    block, error = _read_block(record, max_bytes)
    if error is None and output in seen:
        error = f"its record id is that of the record at offset {seen[output]}; give each its own"
        output = f"{folder}/offset-{offset}"
    if error is not None:
        return Document(where, output, container=name, record=info, error=error)
    payload, content_type = _http_payload(block) if _is_http(headers) else (block, None)
    status = _status(block) if _is_http(headers) else 200
    if not 200 <= status < 300:
        passed[f"WARC response with HTTP status {status}"] += 1
        return None
    if not _is_html(content_type, payload):
        passed[f"WARC response not HTML ({content_type or 'no content type'})"] += 1
        return None
    seen[output] = offset
    return Document(where, output, payload, "html", name, info)


def _read_block(record: WarcRecord, max_bytes: int) -> tuple[bytes, str | None]:
    """The record's block, or why it cannot be cleaned: over the size limit (judged by its
    declared length, before reading), or cut short."""
    expected = record.content_length
    if expected > max_bytes + HEADER_LIMIT:
        reason = (
            f"the record is over the size limit of {describe_size(max_bytes)}; it was not "
            "cleaned. Raise the limit (--max-bytes) if it really is one article"
        )
        return b"", reason
    block = record.reader.read(expected)
    if len(block) < expected:
        reason = (
            f"the record is cut short: {len(block)} of its {expected} bytes are in the file "
            "(a truncated download?); it was not cleaned"
        )
        return b"", reason
    return block, None


def _is_http(headers: HeaderMap) -> bool:
    return (headers.get("Content-Type") or "").lower().startswith("application/http")


def _http_payload(block: bytes) -> tuple[bytes, str | None]:
    """The HTTP body and its ``Content-Type``; the whole block when it has no headers.

    >>> _http_payload(b"HTTP/1.1 200 OK\\r\\nContent-Type: text/html\\r\\n\\r\\n<p>x")
    (b'<p>x', 'text/html')
    """
    head, sep, body = block.partition(b"\r\n\r\n")
    if not sep:
        head, sep, body = block.partition(b"\n\n")
    if not sep or len(head) > HEADER_LIMIT:
        return block, None
    content_type = None
    for line in head.split(b"\n")[1:]:
        key, colon, value = line.partition(b":")
        if colon and key.strip().lower() == b"content-type":
            content_type = value.strip().decode("latin-1")
    return body, content_type


def _status(block: bytes) -> int:
    """The HTTP status of a response block (0 when there is none).

    >>> _status(b"HTTP/1.1 404 Not Found\\r\\n"), _status(b"junk")
    (404, 0)
    """
    parts = block[:64].split(b"\n", 1)[0].split()
    return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0


def _is_html(content_type: str | None, payload: bytes) -> bool:
    if content_type:
        return content_type.split(";")[0].strip().lower() in HTML_TYPES
    return sniff_format(payload) == "html"
