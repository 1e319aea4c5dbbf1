"""Building WARC files for tests: records as a crawler writes them (one gzip member each)."""

from __future__ import annotations

import gzip

HTTP_OK = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"


def record(kind: str, uri: str, block: bytes, number: int, content_type: str = "") -> bytes:
    """One WARC/1.0 record: headers, the block, the two CRLFs that end it."""
    content_type = content_type or (
        f"application/http; msgtype={kind}" if kind in ("request", "response") else "text/plain"
    )
    head = (
        f"WARC/1.0\r\nWARC-Type: {kind}\r\n"
        f"WARC-Record-ID: <urn:uuid:00000000-0000-4000-8000-{number:012d}>\r\n"
        f"WARC-Date: 2024-02-12T09:00:{number:02d}Z\r\nWARC-Target-URI: {uri}\r\n"
        f"Content-Type: {content_type}\r\nContent-Length: {len(block)}\r\n\r\n"
    ).encode()
    return head + block + b"\r\n\r\n"


def page_response(uri: str, html: bytes, number: int, status: bytes = b"200 OK") -> bytes:
    return record("response", uri, HTTP_OK.replace(b"200 OK", status) + html, number)


def crawl(page: bytes, article_text: bytes) -> list[bytes]:
    """A small crawl: warcinfo, a request, two pages, an image, a 404 page."""
    image = b"HTTP/1.1 200 OK\r\nContent-Type: image/png\r\n\r\n\x89PNG\r\n\x1a\n...."
    story = b"<html><head><title>Story</title></head><body><article>"
    story += b"".join(b"<p>" + line + b"</p>" for line in article_text.splitlines() if line)
    story += b"</article></body></html>"
    return [
        record("warcinfo", "", b"software: tests\r\n", 1, "application/warc-fields"),
        record("request", "https://ledger.example/a", b"GET /a HTTP/1.1\r\n\r\n", 2),
        page_response("https://ledger.example/a", page, 3),
        record("response", "https://ledger.example/i.png", image, 4),
        page_response("https://ledger.example/b", story, 5),
        page_response(
            "https://ledger.example/gone",
            b"<html><body>Not found</body></html>",
            6,
            b"404 Not Found",
        ),
    ]


def gzipped(records: list[bytes]) -> bytes:
    return b"".join(gzip.compress(r, mtime=0) for r in records)
