"""The lead a page marks by its class, put atop the text when the extraction left it out.

Each page here is hand-written in the shape seen on real pages: a news item whose
description is not its lead (or that has none), the lead in ``<p class="teaser">`` or
``<div class="article-intro">`` right above the body. trafilatura's precision mode discards
every element whose class holds "teaser", so the extraction starts below it.
"""

from __future__ import annotations

import dataclasses
import json
from importlib import resources

import pytest

from pipeline import clean_bytes, load_rules
from pipeline.io import sidecar_bytes
from pipeline.rules import Rules, RulesError, parse_rules
from tests.unit.story import STORY

RULES = load_rules()
LEAD = (
    "The harbour's new breakwater will be two years late, because the seabed under its "
    "northern arm proved softer than the surveys had shown."
)
# A description that is not the lead: the site's own line for every page.
DESCRIPTION = "Harbour News brings you the port's news every day, from the quay to the council."


def news_item(lead: str, after: str = "") -> bytes:
    """A page with its lead above the body's container, and ``after`` below the article."""
    paragraphs = "".join(f"<p>{text}</p>" for text in STORY)
    return f"""<html><head><title>Breakwater two years late</title>
<meta name="description" content="{DESCRIPTION}"></head><body><main>
<h1>Breakwater two years late</h1>{lead}
<article><div class="article-body">{paragraphs}</div></article>{after}</main>
<footer><p>Harbour News, 1 Quay Street</p></footer></body></html>""".encode()


def clean(html: bytes, rules: Rules = RULES) -> tuple[str, dict]:  # type: ignore[type-arg]
    article = clean_bytes(html, source_id="page.html", rules=rules, fmt="html")
    return article.clean_text(), json.loads(sidecar_bytes(article))


def without_leads(rules: Rules) -> Rules:
    return dataclasses.replace(rules, html=dataclasses.replace(rules.html, lead_words=()))


@pytest.mark.parametrize(
    "lead",
    [
        f'<p class="teaser">{LEAD}</p>',
        f'<div class="row"><div class="col"><div class="article-intro"><p>{LEAD}</p></div>'
        "</div></div>",
        f'<div class="chapo"><figure><img src="quay.jpg"><figcaption>The quay in March'
        f"</figcaption></figure><p>{LEAD}</p></div>",
    ],
)
def test_a_lead_marked_by_its_class_right_above_the_body_is_put_atop_the_text(lead: str) -> None:
    html = news_item(lead)
    before, _ = clean(html, without_leads(RULES))
    assert LEAD not in before and before.startswith(STORY[0])  # the extraction left it out
    text, sidecar = clean(html)
    assert text.split("\n\n")[:2] == [LEAD, STORY[0]]
    assert "The quay in March" not in text  # a picture's caption is not the lead
    assert sidecar["page"]["standfirst"] == {
        "text": LEAD,
        "in_body": True,
        "added": True,
        "found_by": "lead",
    }
    assert "the lead the page marks by its class" in sidecar["page"]["extraction"]["reason"]


@pytest.mark.parametrize(
    ("lead", "after"),
    [
        # A block holding the headline is the page's header, not its lead.
        (f'<div class="intro"><h2>Two years late</h2><p>{LEAD}</p></div>', ""),
        # Not sentences: a teaser list of links.
        ('<p class="teaser"><a>Ferry timetable changes from Monday</a> <a>Council meets on '
         "the quay budget</a></p>", ""),
        # Too short to be a lead.
        ('<p class="teaser">Two years late.</p>', ""),
        # In the page's header.
        (f'<header><p class="teaser">{LEAD}</p></header>', ""),
        # Another story's teaser, below the article.
        ("", f'<p class="teaser">{LEAD}</p>'),
        # A byline between it and the body, three levels up.
        (f'<div class="a"><div class="b"><p class="teaser">{LEAD}</p></div></div>'
         "<p>By Ann Marsh, 2 May 2024</p>", ""),
    ],
)  # fmt: skip
def test_what_is_not_a_lead_standing_right_above_the_body_is_not_added(
    lead: str, after: str
) -> None:
    text, sidecar = clean(news_item(lead, after))
    assert text.startswith(STORY[0]) and LEAD not in text
    assert sidecar["page"]["standfirst"] is None


def test_a_lead_is_not_added_with_standfirst_field() -> None:
    field = dataclasses.replace(RULES, html=dataclasses.replace(RULES.html, standfirst="field"))
    text, sidecar = clean(news_item(f'<p class="teaser">{LEAD}</p>'), field)
    assert LEAD not in text and sidecar["page"]["standfirst"] is None


def test_a_lead_the_extraction_kept_is_left_as_it_is() -> None:
    html = news_item("").replace(
        b'<div class="article-body">',
        f'<div class="article-body"><p class="intro">{LEAD}</p>'.encode(),
    )
    text, sidecar = clean(html)
    assert text.count(LEAD) == 1 and text.index(LEAD) < text.index(STORY[0])
    assert sidecar["page"]["standfirst"] is None  # nothing was added


def test_the_shipped_lead_words_and_a_rules_file_without_them() -> None:
    assert RULES.html.lead_words == ("intro", "teaser", "lead", "chapo", "excerpt")
    shipped = resources.files("pipeline.data").joinpath("rules.toml").read_bytes()
    line = b'lead_words = ["intro", "teaser", "lead", "chapo", "excerpt"]\n'
    assert line in shipped
    assert parse_rules(shipped.replace(line, b""), "older.toml").html.lead_words == (
        RULES.html.lead_words
    )
    mine = parse_rules(shipped.replace(line, b'lead_words = ["Kicker"]\n'), "mine.toml")
    assert mine.html.lead_words == ("kicker",)  # matched as the lower-case words of a class


@pytest.mark.parametrize("value", [b'"intro"', b'["article-intro"]', b'["it\'s"]', b"[1]"])
def test_lead_words_must_be_single_class_words(value: bytes) -> None:
    shipped = resources.files("pipeline.data").joinpath("rules.toml").read_bytes()
    wrong = shipped.replace(
        b'lead_words = ["intro", "teaser", "lead", "chapo", "excerpt"]', b"lead_words = " + value
    )
    with pytest.raises(RulesError, match=r"'lead_words' must be a list of class words"):
        parse_rules(wrong, "custom.toml")
