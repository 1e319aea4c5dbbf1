"""Telling a page from text by its first bytes, for inputs whose name does not say.

A page saved as ``index``, ``story.php`` served as text, a record of a crawl without a content
type: ``--format auto`` (the default) goes by the name first (``discover.input_format``),
then by this. A document is HTML when, past any byte-order mark, white space and comments, it
opens with markup and an element only pages have (``<html``, ``<head``, ``<body``, a doctype)
appears near the start. Text that merely starts with ``<`` ("<Editor's note>") stays text.
"""

from __future__ import annotations

import re

FORMATS = ("text", "html")
# ``auto``: HTML when the (unpacked) bytes look like a page, else text (:func:`sniff_format`).
FORMAT_CHOICES = (*FORMATS, "auto")
SNIFF_BYTES = 4096  # a page's head is near its start; whatever follows does not change it
PAGE_MARKERS = re.compile(
    rb"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]|<meta\s|<title[\s>]", re.IGNORECASE
)
LEADING_JUNK = re.compile(rb"(?:\s|<!--.*?-->|<\?xml[^>]*>)*", re.DOTALL)


def sniff_format(data: bytes) -> str:
    """``html`` when the start of ``data`` (unpacked) is a page's, else ``text``.

    >>> sniff_format(b"\\xef\\xbb\\xbf  <!DOCTYPE html><html><p>Hi")
    'html'
    >>> sniff_format(b"<!-- saved --><html lang=en>"), sniff_format(b"<Editor's note> text")
    ('html', 'text')
    >>> sniff_format("<html><body>ö".encode("utf-16"))
    'html'
    """
    head = data[:SNIFF_BYTES]
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        head = head.replace(b"\x00", b"")[2:]  # UTF-16: markup is ASCII, one NUL a character
    head = head.removeprefix(b"\xef\xbb\xbf")
    start = LEADING_JUNK.match(head)
    body = head[start.end() if start else 0 :]
    if not body.startswith(b"<"):
        return "text"
    return "html" if PAGE_MARKERS.search(body) else "text"
