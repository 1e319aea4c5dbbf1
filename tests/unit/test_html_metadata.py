"""The page metadata is trafilatura's: ``_page_metadata`` skips only what we never use, so on
pages of every kind it must find what ``trafilatura.extract_metadata`` finds."""

from __future__ import annotations

from pathlib import Path

import lxml.html
import pytest
from trafilatura import extract_metadata

from pipeline import clean_bytes
from pipeline.html import MAX_DATE, _page_metadata

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "page.html"
STORY = "<p>" + "The council met on Tuesday and voted to rebuild the bridge. " * 8 + "</p>"
JSON_LD = (
    '<script type="application/ld+json">{"@context": "https://schema.org", "@type": '
    '"NewsArticle", "headline": "Bridge to be rebuilt", "author": {"@type": "Person", '
    '"name": "Ada Lovelace"}, "datePublished": "2023-05-04", "publisher": {"@type": '
    '"Organization", "name": "the daily example"}}</script>'
)
PAGES = {
    "fixture": FIXTURE.read_text(encoding="utf-8"),
    "json-ld": f"<html><head>{JSON_LD}</head><body><article>{STORY}</article></body></html>",
    "meta tags": (
        '<html><head><meta property="og:site_name" content="@exampletimes">'
        '<meta name="author" content="jdoe"><link rel="canonical" '
        'href="https://www.example.org/news/bridge"><title>Bridge news | example.org</title>'
        f'</head><body><article><h1>Bridge</h1><p class="byline">By Jane Roe</p>{STORY}'
        "<time datetime='2022-01-02'>2 January</time></article></body></html>"
    ),
    "title only": f"<html><head><title>Bridge - Example</title></head><body>{STORY}</body></html>",
    "nothing": f"<html><body><div>{STORY}</div></body></html>",
}
FIELDS = ("title", "author", "date", "sitename", "url")


@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_metadata_is_what_trafilatura_finds(name: str) -> None:
    ours = _page_metadata(lxml.html.fromstring(PAGES[name]))
    params = {"original_date": True, "extensive_search": True, "max_date": MAX_DATE}
    theirs = extract_metadata(lxml.html.fromstring(PAGES[name]), date_config=params)
    assert [getattr(ours, f) for f in FIELDS] == [getattr(theirs, f) for f in FIELDS]


def test_a_page_trafilatura_discards_has_no_metadata() -> None:
    page = (
        b"<html><head><title>Only a title - Example</title><script>var x = 1;</script></head>"
        b"<body><script>document.write('no')</script></body></html>"
    )
    info = clean_bytes(page, source_id="p.html", fmt="html").page
    assert info is not None and not info.found_article
    assert (info.title, info.author, info.date, info.site_name, info.url) == (None,) * 5
