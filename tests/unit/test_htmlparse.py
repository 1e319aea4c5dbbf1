"""``pipeline.htmlparse``: the tree trafilatura's ``load_html`` gives, each element an
``HtmlElement`` whose class lxml chose in C."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import lxml.html
import pytest
from lxml import etree
from trafilatura.utils import load_html as trafilatura_load_html

from bench.corpus import read_page
from pipeline.htmlparse import load_html

ROOT = Path(__file__).resolve().parents[2]
EVAL = ROOT.parent / "shared" / "eval"

PAGES = {
    "a whole page": "<html><head><title>T</title></head><body><p>One.</p><p>Two.</p></body></html>",
    "a doctype": (
        '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0//EN">\n<html><body><p>x</p></body></html>'
    ),
    "an XML declaration naming an encoding": (
        '<?xml version="1.0" encoding="utf-8"?>\n<html><body><p>Grüße aus Köln</p></body></html>'
    ),
    "a self-closing html tag": '<html lang="en"/>\n<body><p>One paragraph.</p></body>',
    "comments and processing instructions": (
        "<html><body><!-- a comment --><p>Kept<?php echo 1; ?> text</p></body></html>"
    ),
    "the same id twice": '<html><body><p id="a">One</p><p id="a">Two</p></body></html>',
    "characters XML forbids": "<html><body><p>bell\x07 and\x0b tab</p></body></html>",
    "a form with fields": (
        '<html><body><form action="/s"><label for="q">Search</label><input id="q" value="v">'
        "<select><option>One</option></select><textarea>Words</textarea></form>"
        "<p>After the form.</p></body></html>"
    ),
    "a lone paragraph, not a page": "<p>Only this.</p>",
    "two blocks with no html tag": "<div>One</div><div>Two</div>",
    "an empty string": "",
    "only whitespace": "  \n ",
    "a lone surrogate": "<html><body><p>broken \ud800 pair</p></body></html>",
}


def serialised(tree: etree._Element | None) -> bytes | None:
    return None if tree is None else etree.tostring(tree, encoding="utf-8")


def assert_as_trafilatura(page: str) -> None:
    ours, theirs = load_html(page), trafilatura_load_html(page)
    assert serialised(ours) == serialised(theirs)
    if ours is not None:
        kinds = {type(element) for element in ours.iter(etree.Element)}
        assert kinds == {lxml.html.HtmlElement}


@pytest.mark.parametrize("page", PAGES.values(), ids=PAGES.keys())
def test_each_page_parses_to_the_tree_trafilatura_gives(page: str) -> None:
    assert_as_trafilatura(page)


def test_what_is_not_a_page_gives_no_tree_as_with_trafilatura() -> None:
    assert load_html(PAGES["a lone paragraph, not a page"]) is None
    assert load_html(PAGES["an empty string"]) is None


def test_form_fields_are_plain_elements_whose_text_and_attributes_are_kept() -> None:
    tree = load_html(PAGES["a form with fields"])
    assert tree is not None
    form = tree.find(".//form")
    assert form is not None
    assert type(form) is lxml.html.HtmlElement  # not lxml.html's FormElement
    assert form.text_content() == "SearchOneWords"
    assert tree.find(".//input").get("value") == "v"  # type: ignore[union-attr]


def test_an_element_made_inside_the_tree_is_an_html_element_too() -> None:
    tree = load_html(PAGES["a whole page"])
    assert tree is not None
    body = tree.find("body")
    assert body is not None
    added = etree.SubElement(body, "p")
    added.drop_tree()  # an HtmlElement method, as trafilatura calls it
    assert isinstance(added, lxml.html.HtmlElement)
    assert isinstance(tree.__copy__(), lxml.html.HtmlElement)


def dev_pages() -> Iterator[Path]:
    """Every zyte-dev page and every fourth trafilatura-dev page, where the corpora are."""
    yield from sorted((EVAL / "zyte-dev" / "html").glob("*"))
    yield from sorted((EVAL / "trafilatura-dev" / "html").glob("*"))[::4]


def test_on_real_pages_the_tree_is_the_one_trafilatura_gives() -> None:
    """On the fixture page always, and on the dev pages where they are (all 761 agreed
    when the module was written)."""
    for path in [ROOT / "tests" / "fixtures" / "page.html", *dev_pages()]:
        assert_as_trafilatura(read_page(path).decode("utf-8", "replace"))
