"""HTML input: pre-clean by the page's own markup, extraction, metadata, no network."""

from __future__ import annotations

import dataclasses
import gzip
import json
import socket
from pathlib import Path

import lxml.html
import pytest

from pipeline import clean_bytes, clean_file, load_rules
from pipeline.html import decode_html
from pipeline.io import sidecar_bytes
from pipeline.preclean import element_tokens, preclean
from pipeline.rules import ElementRule

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "page.html"
RULES = load_rules()
STORY = [
    "Flood defences in York held overnight as the River Ouse peaked",
    "Warnings remain in place",
    "“We are not out of the woods yet,” said the agency’s area manager",
    "The city’s mayor thanked the volunteers",
]


def wrap(fragment: str) -> str:
    return f"<html><body><article>{fragment}</article></body></html>"


def fired(rule: ElementRule, fragment: str) -> bool:
    tree = lxml.html.fromstring(wrap(fragment))
    return any(r.rule == rule.id for r in preclean(tree, RULES.html))


def element_cases(expect: bool) -> list[object]:
    return [
        pytest.param(rule, example, id=f"{rule.id}[{index}]")
        for rule in RULES.html.rules
        for index, example in enumerate(rule.examples_match if expect else rule.examples_no_match)
    ]


@pytest.mark.parametrize(("rule", "fragment"), element_cases(expect=True))
def test_element_rule_removes_its_examples(rule: ElementRule, fragment: str) -> None:
    assert fired(rule, fragment)


@pytest.mark.parametrize(("rule", "fragment"), element_cases(expect=False))
def test_element_rule_keeps_its_counter_examples(rule: ElementRule, fragment: str) -> None:
    assert not fired(rule, fragment)


def test_every_element_rule_has_examples_both_ways() -> None:
    for rule in RULES.html.rules:
        assert rule.examples_match and rule.examples_no_match, rule.id


def test_the_fixture_page_comes_out_as_its_story_alone() -> None:
    article = clean_file(FIXTURE)
    body = article.clean_text()
    for sentence in STORY:
        assert sentence in body
    for boilerplate in ["Share on", "Photograph:", "Volunteers fill sandbags", "newsletter",
                        "make a donation", "Read more", "Storm Ciara", "Home", "©"]:  # fmt: skip
        assert boilerplate not in body
    assert body.startswith("Flood defences in York held overnight")  # headline moved out
    assert article.title == "Flood defences hold as river peaks in York"


def test_every_element_taken_out_is_recorded_with_its_rule() -> None:
    page = clean_file(FIXTURE).to_json()["page"]
    found = [(r["rule"], r["element"]) for r in page["removals"]]
    assert found == [
        ("teaser.link_block", "ul"),  # the navigation menu: links only
        ("prompt.marked_element", "div.social-share"),
        ("caption.figcaption", "figcaption"),
        ("caption.marked_element", "p.image-caption"),
        ("appeal.marked_element", "div.newsletter-signup"),
        ("appeal.marked_element", "p.donation-ask"),
        ("teaser.marked_element", "aside.related-stories"),
    ]
    assert page["removals"][2]["text"].endswith("Photograph: John Smith/PA")
    assert all(r["stage"] == "html" and r["reason"] for r in page["removals"])


def test_page_metadata_goes_into_the_sidecar() -> None:
    sidecar = clean_file(FIXTURE).to_json()
    page = sidecar["page"]
    assert (page["title"], page["author"], page["date"]) == (
        "Flood defences hold as river peaks in York",
        "Jane Doe",
        "2024-02-12",
    )
    assert page["site_name"] == "The Northern Ledger"
    assert page["url"] == "https://ledger.example/news/2024/02/flood-defences-york"
    assert page["language"] == "en-gb"
    assert sidecar["source"]["format"] == "html"
    assert sidecar["stats"]["page_elements_removed_by_kind"] == {
        "appeal": 2, "caption": 2, "prompt": 1, "teaser": 2,
    }  # fmt: skip


def test_gzipped_page_gives_the_same_body_and_deterministic_bytes() -> None:
    data = FIXTURE.read_bytes()
    plain = clean_bytes(data, source_id="p", fmt="html")
    zipped = clean_bytes(gzip.compress(data, mtime=0), source_id="p", fmt="html")
    assert zipped.clean_text() == plain.clean_text()
    again = clean_bytes(data, source_id="p", fmt="html")
    assert sidecar_bytes(again) == sidecar_bytes(plain)


def test_nothing_is_fetched(monkeypatch: pytest.MonkeyPatch) -> None:
    # The page links a stylesheet, a script and images on remote hosts: none may be loaded.
    def refuse(*args: object, **kwargs: object) -> None:
        msg = "the HTML step tried to open a network connection"
        raise AssertionError(msg)

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    assert "Flood defences in York" in clean_file(FIXTURE).clean_text()


def test_a_marked_element_that_wraps_the_article_is_kept() -> None:
    paragraphs = "".join(
        f"<p>Paragraph {i} of the story goes on for a while.</p>" for i in range(40)
    )
    tree = lxml.html.fromstring(wrap(f'<div class="post has-share-buttons">{paragraphs}</div>'))
    assert preclean(tree, RULES.html) == []
    assert "Paragraph 39" in tree.text_content()


def test_text_after_a_removed_element_stays() -> None:
    tree = lxml.html.fromstring(wrap('<p>Before <span class="credit">AP</span> after.</p>'))
    preclean(tree, RULES.html)
    assert tree.text_content() == "Before  after."


def test_disabling_a_kind_disables_its_element_rules() -> None:
    rules = RULES.with_options(disabled_kinds=["caption"])
    removals = clean_file(FIXTURE, rules=rules).to_json()["page"]["removals"]
    assert not [r for r in removals if r["kind"] == "caption"]


def test_class_and_id_words_split_on_dashes_underscores_and_camel_case() -> None:
    element = lxml.html.fromstring('<div class="c-picture__caption" id="relatedPosts"></div>')
    assert {"picture", "caption", "related", "posts"} <= element_tokens(element)
    assert "ad" not in element_tokens(lxml.html.fromstring('<div class="shadow load"></div>'))


def test_declared_charset_is_used_when_the_page_is_not_utf8() -> None:
    page = '<html><head><meta charset="windows-1252"></head><body><p>Café “naïve”</p></body></html>'
    text, encoding, _ = decode_html(page.encode("cp1252"))
    assert (text, encoding) == (page, "windows-1252")
    assert decode_html(page.encode("utf-8"))[1] == "utf-8"


def test_a_page_with_no_article_is_an_empty_flagged_body_not_an_error() -> None:
    data = b"<html><head><script>var a = 1;</script><style>p{}</style></head><body></body></html>"
    article = clean_bytes(data, source_id="empty.html", fmt="html")
    assert article.clean_text() == ""
    assert {"empty_body", "no_article_found"} <= set(article.flags)
    json.dumps(article.to_json())


def test_a_break_inside_a_sentence_of_a_page_is_rejoined_like_a_hard_wrap() -> None:
    # Issue 17: it used to be kept, and cleaning the output again as text joined it; a page's
    # text is now rejoined as text is, so its output is a fixed point.
    data = wrap("<p>Opening hours of the centre<br>monday to friday, nine to five.</p>")
    article = clean_bytes(data.encode(), source_id="p.html", fmt="html")
    assert article.repairs.line_joins == ((0, 1),)
    body = article.clean_text()
    assert body == "Opening hours of the centre monday to friday, nine to five."
    assert clean_bytes(body.encode(), source_id="again.txt").clean_text() == body


def test_extraction_mode_is_a_setting() -> None:
    recall = dataclasses.replace(RULES, html=dataclasses.replace(RULES.html, extraction="recall"))
    assert "Flood defences" in clean_file(FIXTURE, rules=recall).clean_text()


def test_a_list_of_links_goes_but_a_list_with_a_link_in_it_stays() -> None:
    links = (
        '<ul><li><a href="/a">Storm Ciara</a></li><li><a href="/b">Rail lines shut</a></li></ul>'
    )
    advice = (
        '<ul><li>Pack a bag with <a href="/kit">essentials</a> and medicines.</li>'
        "<li>Keep your phone charged and listen to the radio.</li></ul>"
    )
    tree = lxml.html.fromstring(wrap(links + advice))
    assert [r.rule for r in preclean(tree, RULES.html)] == ["teaser.link_block"]
    assert "Pack a bag" in tree.text_content()
    one_link = lxml.html.fromstring(wrap('<p><a href="/a">Only one line of link text</a></p>'))
    assert preclean(one_link, RULES.html) == []
