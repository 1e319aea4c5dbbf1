"""The corpus: every cleaned article with a non-empty body, one JSON object a line.

One schema, :data:`CORPUS_FIELDS`: every record has every field, and every field is always a
string, ``""`` when unknown (never ``null``: ``datasets`` types each column from the file's
first chunk, and a column that is only ``null`` there cannot take a string later, so a folder
of text files then one page would not load). Records are in input order. The file is rebuilt
from the per-article outputs and replaced atomically, streaming, so memory does not grow with
the corpus; it loads with ``datasets.load_dataset("json", data_files=...)`` and
``pandas.read_json(..., lines=True)`` whatever the mix of inputs.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pipeline.discover import InputFile
from pipeline.io import atomic_open, output_paths, read_sidecar
from pipeline.read import path_text

CORPUS_NAME = "articles.jsonl"
# Every field, in order, and what it holds (the README's table says the same).
CORPUS_FIELDS: dict[str, str] = {
    "id": "the article's output name (OUT/<id>.txt)",
    "text": "the body",
    "title": "the headline",
    "language": "the document's language (langdetect code, und when too short to tell)",
    "format": "text or html: how the input was read",
    "source_path": "the input file (for a record, its JSONL or WARC file)",
    "source_sha256": "SHA-256 of the input's bytes (for a record, of its document)",
    "record_id": "a JSONL or WARC record's id",
    "url": "the page's own URL, else the record's (a WARC target URI, a JSONL url)",
    "date": "the page's publication date",
    "record_date": "a WARC record's date, a JSONL record's date",
    "author": "the page's author",
    "site_name": "the page's site name",
}


def corpus_record(record_id: str, text: str, sidecar: dict[str, Any]) -> dict[str, str]:
    """The corpus record of one article, from its body and its sidecar (``Article.to_json``).

    >>> record = corpus_record("a", "Body.", {"source": {"path": "a.txt"}, "language": "en"})
    >>> record["title"], record["source_path"], list(record) == list(CORPUS_FIELDS)
    ('', 'a.txt', True)
    """
    source = sidecar.get("source") or {}
    page = sidecar.get("page") or {}
    record = source.get("record") or {}
    values = {
        "id": record_id,
        "text": text,
        "title": sidecar.get("title"),
        "language": sidecar.get("language"),
        "format": source.get("format"),
        "source_path": source.get("path"),
        "source_sha256": source.get("sha256"),
        "record_id": record.get("id"),
        "url": page.get("url") or record.get("url"),
        "date": page.get("date"),
        "record_date": record.get("date"),
        "author": page.get("author"),
        "site_name": page.get("site_name"),
    }
    return {name: "" if value is None else str(value) for name, value in values.items()}


def record_line(record: dict[str, str]) -> bytes:
    return json.dumps(record, ensure_ascii=False).encode("utf-8") + b"\n"


def write_corpus(out_dir: Path, items: Iterable[InputFile], path: Path | None = None) -> int:
    """Write the corpus for ``items`` whose outputs exist; return the number of records."""
    count = 0
    with atomic_open(path or out_dir / CORPUS_NAME) as handle:
        for item in items:
            body_path, sidecar_path = output_paths(out_dir, item)
            sidecar = read_sidecar(sidecar_path)
            try:
                text = body_path.read_text(encoding="utf-8").rstrip("\n")
            except OSError:
                continue
            if sidecar is None or not text:
                continue
            # A name whose bytes are not UTF-8 is escaped, as in sidecars and reports.
            handle.write(record_line(corpus_record(path_text(item.output), text, sidecar)))
            count += 1
    return count
