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
import tempfile
from collections.abc import Iterable, Iterator
from itertools import repeat
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from pipeline.discover import InputFile
from pipeline.io import atomic_open, output_paths, read_sidecar
from pipeline.read import path_text

if TYPE_CHECKING:
    from pipeline.article import Article
    from pipeline.batch import FileResult

CORPUS_NAME = "articles.jsonl"
# A spooled result (:class:`Spool`): no record (failed, or an empty body), or one to read from
# the outputs as they are on disk (a result that does not carry its record).
SKIP, READ = b"-\n", b"\n"
# Every field, in order, and what it holds (the README's table says the same).
CORPUS_FIELDS: dict[str, str] = {
    "id": "the article's output name (OUT/<id>.txt)",
    "text": "the body",
    "title": "the headline",
    "standfirst": "an HTML page's standfirst, the summary under its headline (in the body only "
    'with [html] standfirst = "body", or where the extraction kept it)',
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
        "standfirst": (page.get("standfirst") or {}).get("text"),
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


def record_text(record: dict[str, str]) -> str:
    """A record as the corpus's JSON text (one line, without its newline)."""
    return json.dumps(record, ensure_ascii=False)


def record_line(record: dict[str, str]) -> bytes:
    return (record_text(record) + "\n").encode("utf-8")


def article_record(record_id: str, article: Article, text: str | None = None) -> dict[str, str]:
    """The corpus record of ``article`` (its body, or ``text``) made from the article itself:
    :func:`corpus_record` given only the sidecar values it reads, not the whole sidecar."""
    source, page = article.source, article.page
    sidecar = {
        "source": {
            "path": source.path,
            "sha256": source.sha256,
            "format": source.format,
            "record": source.record.to_json() if source.record is not None else None,
        },
        "title": article.title,
        "language": article.language,
        "page": None
        if page is None
        else {
            "url": page.url,
            "date": page.date,
            "author": page.author,
            "site_name": page.site_name,
            "standfirst": None if page.standfirst is None else {"text": page.standfirst.text},
        },
    }
    return corpus_record(record_id, article.clean_text() if text is None else text, sidecar)


def article_line(record_id: str, article: Article) -> str:
    """The JSON text of the record :func:`write_corpus` makes from ``article``'s outputs
    (without the newline), made from the article itself; "" when its body is empty."""
    text = article.clean_text().rstrip("\n")
    return record_text(article_record(record_id, article, text)) if text else ""


class Spool:
    """The corpus records of a run's results, in the order they come, kept in an anonymous
    temporary file (memory does not grow with the run, and a killed run leaves nothing): the
    corpus is then written without reading every output back (which cost the CLI 1.2 ms a
    file, after the cleaning, in one process)."""

    def __init__(self) -> None:
        # Closed by ``close`` (the spool is a context manager): it lives as long as the run.
        self.file: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115
        self.count = 0

    def follow(self, results: Iterable[FileResult]) -> Iterator[FileResult]:
        """``results`` unchanged, each one's record spooled."""
        for result in results:
            self.add(result)
            yield result

    def add(self, result: FileResult) -> None:
        if result.status == "failed" or result.record == "":
            self.file.write(SKIP)
        elif result.record is None:
            self.file.write(READ)
        else:
            self.file.write(result.record.encode("utf-8") + b"\n")
        self.count += 1

    def lines(self) -> Iterator[bytes]:
        """The spooled entries, in order."""
        self.file.flush()
        self.file.seek(0)
        yield from self.file

    def close(self) -> None:
        self.file.close()

    def __enter__(self) -> Spool:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def write_corpus(
    out_dir: Path, items: Iterable[InputFile], path: Path | None = None, spool: Spool | None = None
) -> int:
    """Write the corpus for ``items`` whose outputs exist; return the number of records.

    With ``spool``, one entry for each item, in order (:meth:`Spool.add` of its result): an
    item's record is taken from there when its result carried it, else read from its outputs.
    """
    count = 0
    entries: Iterable[bytes | None] = spool.lines() if spool is not None else repeat(None)
    with atomic_open(path or out_dir / CORPUS_NAME) as handle:
        for item, entry in zip(items, entries, strict=spool is not None):
            if entry == SKIP:
                continue
            line = entry if entry is not None and entry != READ else _read_line(out_dir, item)
            if line:
                handle.write(line)
                count += 1
    return count


def _read_line(out_dir: Path, item: InputFile) -> bytes | None:
    """The corpus line of ``item`` from its outputs on disk; None when there is none."""
    body_path, sidecar_path = output_paths(out_dir, item)
    sidecar = read_sidecar(sidecar_path)
    try:
        text = body_path.read_text(encoding="utf-8").rstrip("\n")
    except OSError:
        return None
    if sidecar is None or not text:
        return None
    # A name whose bytes are not UTF-8 is escaped, as in sidecars and reports.
    return record_line(corpus_record(path_text(item.output), text, sidecar))
