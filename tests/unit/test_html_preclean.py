"""The pre-clean's fast search against a plain walk of every element: same removals, same tree.

``reference_preclean`` is the pre-clean written the obvious way (judge every element top down,
skip what was removed); ``pipeline.preclean.preclean`` must agree with it on any page.
"""

from __future__ import annotations

import dataclasses
import re

import lxml.html
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from pipeline import clean_bytes, load_rules
from pipeline.article import Kind
from pipeline.errors import DecodeError
from pipeline.preclean import INVISIBLE_TAGS, SPACES, match_element, preclean
from pipeline.rules import ElementRule, HtmlSettings

RULES = load_rules()
TAGS = ["div", "p", "ul", "ol", "li", "a", "br", "span", "figcaption", "aside", "script",
        "style", "noscript", "b"]  # fmt: skip
CLASSES = ["", "story", "Share-Bar", "newsletterSignup", "wp-caption-text", "AD", "shadow",
           "related_posts", "credit", "photo-credit x", "header", "\u212aicker"]  # fmt: skip
WORDS = st.sampled_from(["", " ", "Storm hits coast", "Read more", "\xa0", "Photo: AP", "x()"])


def reference_visible_text(element: etree._Element) -> str:
    parts: list[str] = []

    def walk(node: etree._Element) -> None:
        if isinstance(node.tag, str) and node.tag.lower() in INVISIBLE_TAGS:
            return
        parts.append(node.text or "" if isinstance(node.tag, str) else "")
        for child in node:
            walk(child)
            parts.append(child.tail or "")

    walk(element)
    return SPACES.sub(" ", " ".join(parts)).strip()


def reference_link_block(block: etree._Element, rule: ElementRule) -> bool:
    assert rule.link_share is not None
    lines = max(sum(1 for _ in block.iter("li")), sum(1 for _ in block.iter("br")) + 1)
    if lines < rule.min_lines:
        return False
    total = len(SPACES.sub("", reference_visible_text(block)))
    linked = sum(len(SPACES.sub("", reference_visible_text(a))) for a in block.iter("a"))
    return total > 0 and linked >= rule.link_share * total


def reference_match(element: etree._Element, html: HtmlSettings) -> ElementRule | None:
    if not isinstance(element.tag, str) or element.tag.lower() in {"html", "body"}:
        return None
    value = f"{element.get('class', '')} {element.get('id', '')}"
    tokens = {t.lower() for t in re.split(r"[\s_-]+|(?<=[a-z])(?=[A-Z])", value)}
    names = {n.lower() for n in value.split()}
    tag = element.tag.lower()
    for rule in html.rules:
        if rule.link_share is not None:
            if tag in rule.tags and reference_link_block(element, rule):
                return rule
        elif tag in rule.tags or tokens & rule.tokens or names & rule.names:
            return rule
    return None


def reference_preclean(element: etree._Element, html: HtmlSettings) -> list[tuple[str, str]]:
    """(rule id, text) of each element taken out, the tree changed in place."""
    rule = reference_match(element, html)
    if rule is not None:
        text = reference_visible_text(element)
        if len(text.split()) <= html.max_element_words:
            parent = element.getparent()
            if parent is not None:
                previous = element.getprevious()
                if element.tail and previous is not None:
                    previous.tail = (previous.tail or "") + element.tail
                elif element.tail:
                    parent.text = (parent.text or "") + element.tail
                parent.remove(element)
            return [(rule.id, text)] if text else []
    found = []
    for child in [c for c in element if isinstance(c.tag, str)]:
        found += reference_preclean(child, html)
    return found


def _element(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.builds(
        lambda tag, cls, ident, inner, tail: (
            f'<{tag} class="{cls}" id="{ident}">{"".join(inner)}</{tag}>{tail}'
        ),
        st.sampled_from(TAGS),
        st.sampled_from(CLASSES),
        st.sampled_from(["", "donateBox", "main", "Sponsored"]),
        st.lists(children, max_size=4),
        WORDS,
    )


PAGES = st.recursive(WORDS, _element, max_leaves=30).map(lambda b: f"<html><body>{b}</body></html>")
KICKER = ElementRule("teaser.kicker", Kind.TEASER, "", frozenset(), frozenset({"kicker"}))


@settings(max_examples=300, deadline=None)
@given(PAGES, st.sampled_from([3, 150]), st.booleans())
def test_preclean_agrees_with_a_plain_walk_of_every_element(
    page: str, max_words: int, extra_rule: bool
) -> None:
    rules = RULES.html.rules + ((KICKER,) if extra_rule else ())
    html = dataclasses.replace(RULES.html, max_element_words=max_words, rules=rules)
    ours, theirs = lxml.html.fromstring(page), lxml.html.fromstring(page)
    removals = preclean(ours, html)
    assert [(r.rule, r.text) for r in removals] == reference_preclean(theirs, html)
    assert etree.tostring(ours) == etree.tostring(theirs)


def test_a_class_in_capitals_or_with_a_kelvin_sign_is_still_its_words() -> None:
    html = dataclasses.replace(RULES.html, rules=(*RULES.html.rules, KICKER))
    tree = lxml.html.fromstring(
        '<div><p class="NEWSLETTER">Sign up</p><p class="\u212aicker">Also read</p>'
        "<p>Kept</p></div>"
    )
    assert [r.rule for r in preclean(tree, html)] == ["appeal.marked_element", "teaser.kicker"]
    assert match_element(tree, html) is None


def test_inside_a_removed_element_nothing_more_is_recorded() -> None:
    tree = lxml.html.fromstring(
        '<div><aside class="related"><p class="credit">AP</p><a href="/x">Next</a></aside>'
        '<p class="credit">Reuters</p></div>'
    )
    removals = preclean(tree, RULES.html)
    assert [(r.rule, r.text) for r in removals] == [
        ("teaser.marked_element", "AP Next"),
        ("caption.marked_element", "Reuters"),
    ]


def test_script_text_is_neither_text_nor_link_text() -> None:
    script = '<script>var promo = "a very long string of script that nobody reads";</script>'
    links = f'<ul><li><a href="/a">One</a>{script}</li><li><a href="/b">Two</a></li></ul>'
    tree = lxml.html.fromstring(f"<div>{links}<p>Story.</p></div>")
    assert [r.rule for r in preclean(tree, RULES.html)] == ["teaser.link_block"]
    # Inside a link, the script does not make a list of sentences a list of links.
    sentences = (
        f'<ul><li><a href="/a">One{script}</a> plus some words not linked</li>'
        '<li><a href="/b">Two</a></li></ul>'
    )
    assert preclean(lxml.html.fromstring(f"<div>{sentences}</div>"), RULES.html) == []


@pytest.mark.parametrize(("levels", "refused"), [(251, False), (252, True)])
def test_pages_nested_as_deep_as_the_parser_reads_are_refused(levels: int, refused: bool) -> None:
    # html, body, the divs and the p: levels + 3 elements deep; the parser reads 255.
    page = b"<html><body>" + b"<div>" * levels + b"<p>Deep enough.</p>" + b"</div>" * levels
    if refused:
        with pytest.raises(DecodeError, match="nested 255 elements deep"):
            clean_bytes(page, source_id="deep.html", fmt="html")
    else:
        clean_bytes(page, source_id="deep.html", fmt="html")
