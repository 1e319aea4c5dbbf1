"""The benchmark's corpus as one JSONL file and as one WARC file (issue 14).

- JSONL: one record per input, ``{"id", "text"}`` or ``{"id", "html"}``: the same documents
  as the folder, so its docs/s compares with the folder's CLI row directly;
- WARC: one gzip member per record, each input an HTML ``response`` (a text input becomes a
  page: its title, then its lines as paragraphs, since only HTML responses are articles),
  and the same pages as files, for the folder job to clean beside it.
"""

from __future__ import annotations

import gzip
import html
import json
from pathlib import Path

from bench.corpus import read_page

HTTP_HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"


def is_page(path: Path) -> bool:
    return ".html" in path.suffixes


def build_jsonl(inputs: list[Path], path: Path) -> int:
    """Every input as a record of one JSONL file; return its size in bytes."""
    with path.open("w", encoding="utf-8") as handle:
        for source in inputs:
            field = "html" if is_page(source) else "text"
            data = read_page(source) if is_page(source) else source.read_bytes()
            record = {"id": source.name, field: data.decode("utf-8", "replace")}
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path.stat().st_size


def as_page(source: Path) -> bytes:
    """An input as a page: as it is when it is one, else its lines as paragraphs."""
    if is_page(source):
        return read_page(source)
    lines = [line for line in source.read_text("utf-8", "replace").splitlines() if line.strip()]
    title, body = (lines[0], lines[1:]) if lines else ("", [])
    paragraphs = "".join(f"<p>{html.escape(line)}</p>\n" for line in body)
    page = f"<html><head><title>{html.escape(title)}</title></head><body><article>"
    return (page + f"<h1>{html.escape(title)}</h1>\n{paragraphs}</article></body></html>").encode()


def build_warc(inputs: list[Path], path: Path, pages: Path) -> tuple[int, int]:
    """Every input as an HTML response of one ``.warc.gz``, and as a file in ``pages``;
    return the sizes in bytes of the WARC and of the pages."""
    pages.mkdir(parents=True, exist_ok=True)
    total = 0
    with path.open("wb") as handle:
        for number, source in enumerate(inputs):
            page = as_page(source)
            (pages / f"{source.name.split('.')[0]}.html").write_bytes(page)
            total += len(page)
            handle.write(gzip.compress(_response(number, source.name, page), mtime=0))
    return path.stat().st_size, total


def _response(number: int, name: str, page: bytes) -> bytes:
    block = HTTP_HEAD + page
    head = (
        f"WARC/1.0\r\nWARC-Type: response\r\n"
        f"WARC-Record-ID: <urn:uuid:00000000-0000-4000-8000-{number:012d}>\r\n"
        f"WARC-Date: 2024-01-01T00:00:00Z\r\nWARC-Target-URI: https://bench.example/{name}\r\n"
        f"Content-Type: application/http; msgtype=response\r\nContent-Length: {len(block)}\r\n\r\n"
    ).encode()
    return head + block + b"\r\n\r\n"
