"""The standfirst: found by the page's description, recorded, and put atop the body on request.

Each page here is hand-written in the shape seen on real pages: the summary under the
headline sits in the page's header, outside the article element, so the extraction leaves it
out; or it is the article's first paragraph, which the extraction keeps.
"""

from __future__ import annotations

import dataclasses
import json
from importlib import resources
from pathlib import Path

import lxml.html
import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from pipeline import clean_bytes, load_rules
from pipeline.io import sidecar_bytes
from pipeline.rules import Rules, RulesError, parse_rules
from pipeline.sinks.corpus import corpus_record
from pipeline.standfirst import find_standfirst, nothing_between
from tests.unit.story import STORY

RULES = load_rules()
BODY_RULES = dataclasses.replace(RULES, html=dataclasses.replace(RULES.html, standfirst="body"))
SUMMARY = (
    "The harbour's new breakwater will be two years late, because the seabed under its "
    "northern arm proved softer than the surveys had shown."
)


def page(description: str, header: str, story: list[str] = STORY, extra: str = "") -> bytes:
    paragraphs = "".join(f"<p>{text}</p>" for text in story)
    return f"""<html><head><title>Breakwater two years late</title>
<meta name="description" content="{description}"></head><body>
<header class="article-header"><h1>Breakwater two years late</h1>{header}</header>
<article><div class="article-body">{paragraphs}</div></article>{extra}
<footer><p>Harbour News, 1 Quay Street</p></footer></body></html>""".encode()


HEADER_STANDFIRST = page(SUMMARY, f'<p class="standfirst">{SUMMARY}</p>')


def recorded(text: str, *, in_body: bool, added: bool) -> dict[str, object]:
    """The sidecar's record of a standfirst found by the description."""
    return {"text": text, "in_body": in_body, "added": added, "found_by": "description"}


def clean(html: bytes, rules: Rules = RULES) -> tuple[str, dict]:  # type: ignore[type-arg]
    article = clean_bytes(html, source_id="page.html", rules=rules, fmt="html")
    return article.clean_text(), json.loads(sidecar_bytes(article))


FIELD_RULES = dataclasses.replace(RULES, html=dataclasses.replace(RULES.html, standfirst="field"))


def beside(standfirst: str, story: list[str] = STORY) -> bytes:
    """A page whose standfirst is outside the article element, above the body's container:
    the extraction keeps the article element only."""
    paragraphs = "".join(f"<p>{text}</p>" for text in story)
    return f"""<html><head><title>Breakwater two years late</title>
<meta name="description" content="{SUMMARY}"></head><body><main>
<h1>Breakwater two years late</h1>{standfirst}
<article><div class="article-body">{paragraphs}</div></article></main>
<footer><p>Harbour News, 1 Quay Street</p></footer></body></html>""".encode()


def test_a_standfirst_right_above_the_body_is_put_atop_the_text_by_default() -> None:
    html = beside(f'<div class="intro"><p>{SUMMARY}</p></div>')
    before, _ = clean(html, FIELD_RULES)
    assert SUMMARY not in before and before.startswith(STORY[0])  # the extraction left it out
    text, sidecar = clean(html)
    assert text.split("\n\n")[:2] == [SUMMARY, STORY[0]]
    assert sidecar["page"]["standfirst"] == recorded(SUMMARY, in_body=True, added=True)
    assert "right above the body" in sidecar["page"]["extraction"]["reason"]


@pytest.mark.parametrize(
    "standfirst",
    [
        # In a header: the page keeps its headline and summary apart from the article.
        f'<div class="article-header"><p>{SUMMARY}</p></div>',
        f"<header><p>{SUMMARY}</p></header>",
        # Three levels up to the body's container, and the byline between them.
        f'<div class="top"><div class="deck"><div><p>{SUMMARY}</p></div></div></div>'
        '<div class="meta"><span>By Ann Marsh</span> <time>2 May 2024</time></div>',
    ],
)
def test_a_standfirst_in_a_header_or_further_from_the_body_is_not_added(standfirst: str) -> None:
    text, sidecar = clean(beside(standfirst))
    assert SUMMARY not in text and text.startswith(STORY[0])
    assert sidecar["page"]["standfirst"] == recorded(SUMMARY, in_body=False, added=False)


# The teaser of a CMS's news item in rows and columns (TYPO3's news: teaser-text in
# col-sm-12 in row): the standfirst four levels up from the body's container.
GRID = (
    f'<div class="row"><div class="col"><div class="teaser-text"><p>{SUMMARY}</p></div></div></div>'
)


@pytest.mark.parametrize(
    "between",
    ["", '<img src="harbour.jpg" alt="">', "<script>track()</script>", "<div><!-- ad --></div>"],
)
def test_a_standfirst_deep_in_grid_wrappers_with_nothing_visible_before_the_body_is_added(
    between: str,
) -> None:
    # Nothing a reader sees between the two: an image, a script, an empty ad slot.
    text, sidecar = clean(beside(f'<div class="news">{GRID}{between}</div>'))
    assert text.split("\n\n")[:2] == [SUMMARY, STORY[0]]
    assert sidecar["page"]["standfirst"] == recorded(SUMMARY, in_body=True, added=True)


def test_a_caption_between_the_standfirst_and_the_body_keeps_it_out() -> None:
    photo = '<div class="photo"><img src="harbour.jpg"><span>The northern arm in March</span></div>'
    text, sidecar = clean(beside(f'<div class="news">{GRID}{photo}</div>'))
    assert SUMMARY not in text and not sidecar["page"]["standfirst"]["added"]


def test_a_standfirst_after_the_body_is_not_put_above_it() -> None:
    html = beside("").replace(b"</article>", f'</article><p class="intro">{SUMMARY}</p>'.encode())
    text, sidecar = clean(html)
    assert SUMMARY not in text and not sidecar["page"]["standfirst"]["added"]


def test_header_words_are_matched_whatever_their_case() -> None:
    shipped = resources.files("pipeline.data").joinpath("rules.toml").read_bytes()
    mine = shipped.replace(
        b'standfirst_header_words = ["header"]', b'standfirst_header_words = ["Intro"]'
    )
    rules = parse_rules(mine, "mine.toml")
    assert rules.html.standfirst_header_words == ("intro",)
    text, _ = clean(beside(f'<div class="intro"><p>{SUMMARY}</p></div>'), rules)
    assert SUMMARY not in text  # in an element whose class word is now a header's


@pytest.mark.parametrize("value", [b'["site-header"]', b'"header"', b'["a b"]'])
def test_header_words_must_be_single_class_words(value: bytes) -> None:
    # "site-header" is split into the words "site" and "header": as one it would never match.
    shipped = resources.files("pipeline.data").joinpath("rules.toml").read_bytes()
    wrong = shipped.replace(
        b'standfirst_header_words = ["header"]', b"standfirst_header_words = " + value
    )
    with pytest.raises(
        RulesError, match=r"'standfirst_header_words' must be a list of class words"
    ):
        parse_rules(wrong, "custom.toml")


def test_the_standfirst_levels_must_be_one_or_more() -> None:
    shipped = resources.files("pipeline.data").joinpath("rules.toml").read_bytes()
    wrong = shipped.replace(b"standfirst_levels = 2", b"standfirst_levels = 0")
    with pytest.raises(RulesError, match=r"'standfirst_levels' must be 1 or more"):
        parse_rules(wrong, "custom.toml")


def test_a_header_standfirst_the_extraction_leaves_out_is_recorded_not_added_by_default() -> None:
    text, sidecar = clean(HEADER_STANDFIRST)
    assert SUMMARY not in text and STORY[0] in text  # trafilatura kept the article element only
    assert sidecar["page"]["standfirst"] == recorded(SUMMARY, in_body=False, added=False)


def test_with_standfirst_body_it_is_put_atop_the_text_and_the_choice_says_so() -> None:
    text, sidecar = clean(HEADER_STANDFIRST, BODY_RULES)
    assert text.split("\n\n")[:2] == [SUMMARY, STORY[0]]
    assert sidecar["page"]["standfirst"] == recorded(SUMMARY, in_body=True, added=True)
    assert "standfirst" in sidecar["page"]["extraction"]["reason"]
    assert sidecar["page"]["extraction"]["fallback"] is False  # a setting, not a recovery


def test_a_standfirst_the_extraction_kept_is_not_repeated() -> None:
    # A site whose description is the story's first paragraph (a CMS's automatic excerpt).
    html = page(STORY[0], "")
    for rules in (RULES, BODY_RULES):
        text, sidecar = clean(html, rules)
        assert text.count(STORY[0]) == 1
        assert sidecar["page"]["standfirst"] == recorded(STORY[0], in_body=True, added=False)


def test_a_description_cut_short_finds_the_whole_standfirst() -> None:
    cut = " ".join(SUMMARY.split()[:12]) + "..."
    _, sidecar = clean(page(cut, f'<div class="intro"><p>{SUMMARY}</p></div>'))
    assert sidecar["page"]["standfirst"]["text"] == SUMMARY


def test_the_description_must_read_as_a_summary_and_be_shown_on_the_page() -> None:
    short = page("Harbour News: the port's paper", '<p class="tagline">Harbour News: the '
                 "port's paper</p>")  # fmt: skip
    hidden = page(SUMMARY, "", extra=f'<script type="application/json">"{SUMMARY}"</script>')
    for html in (short, hidden):
        _, sidecar = clean(html)
        assert sidecar["page"]["standfirst"] is None


def test_a_description_with_a_character_no_page_text_can_hold_is_no_standfirst() -> None:
    # JSON-LD can spell any character ("\\u0002"); the parsed page's text holds none of them.
    tree = lxml.html.fromstring(f"<html><body><p>{SUMMARY}</p></body></html>")
    assert find_standfirst(tree, SUMMARY.replace(" ", "\x02 ", 1), 8, 2.0) is None


def test_the_smallest_element_is_the_standfirst_not_a_container_that_starts_with_it() -> None:
    tree = lxml.html.fromstring(
        f'<html><body><div class="top"><p class="dek">{SUMMARY}</p>'
        f"<p>{STORY[0]}</p><p>{STORY[1]}</p></div></body></html>"
    )
    assert find_standfirst(tree, SUMMARY, 8, 2.0) == SUMMARY
    # Without the paragraph around it, the container holding more than twice as much is not it.
    bare = lxml.html.fromstring(
        f'<html><body><div class="top">{SUMMARY} {STORY[0]} {STORY[1]}</div></body></html>'
    )
    assert find_standfirst(bare, SUMMARY, 8, 2.0) is None


def test_the_corpus_has_the_standfirst_column() -> None:
    text, sidecar = clean(HEADER_STANDFIRST)
    record = corpus_record("page", text, sidecar)
    assert record["standfirst"] == SUMMARY
    assert corpus_record("page", text, sidecar | {"page": None})["standfirst"] == ""


def test_a_rules_file_with_another_place_for_the_standfirst_is_refused() -> None:
    shipped = resources.files("pipeline.data").joinpath("rules.toml").read_bytes()
    wrong = shipped.replace(b'standfirst = "adjacent"', b'standfirst = "top"')
    assert wrong != shipped
    with pytest.raises(RulesError, match=r"custom.toml: \[html\]: 'standfirst' must be one of"):
        parse_rules(wrong, "custom.toml")


def test_a_rules_file_asking_for_the_standfirst_in_the_body_gets_it(tmp_path: Path) -> None:
    shipped = resources.files("pipeline.data").joinpath("rules.toml").read_bytes()
    mine = tmp_path / "my-rules.toml"
    mine.write_bytes(shipped.replace(b'standfirst = "adjacent"', b'standfirst = "body"'))
    text, sidecar = clean(HEADER_STANDFIRST, load_rules(mine))
    assert text.startswith(SUMMARY + "\n\n") and sidecar["page"]["standfirst"]["added"]


# Pages of nested wrappers, paragraphs, images, scripts and comments, with text or none in
# each: whether nothing visible stands between two elements, against the page's text in
# document order.
_WORDS = st.sampled_from(["", " ", "\n ", "Harbour ", "news."])


@st.composite
def nested(draw: st.DrawFn, depth: int = 0) -> str:
    parts = []
    for _ in range(draw(st.integers(0, 3))):
        kinds = ["p", "img", "script", "comment", "wrap"]
        kind = draw(st.sampled_from(kinds if depth < 4 else kinds[:4]))
        tail = draw(_WORDS)
        if kind == "p":
            parts.append(f"<p>{draw(_WORDS)}</p>{tail}")
        elif kind == "img":
            parts.append(f'<img src="x.jpg">{tail}')
        elif kind == "script":  # code, not text a reader sees
            parts.append(f"<script>var a = 1;</script>{tail}")
        elif kind == "comment":
            parts.append(f"<!-- note -->{tail}")
        else:
            tag = draw(st.sampled_from(["div", "section", "span"]))
            parts.append(f"<{tag}>{draw(_WORDS)}{draw(nested(depth + 1))}</{tag}>{tail}")
    return "".join(parts)


def visible_between(root: etree._Element, a: etree._Element, b: etree._Element) -> bool | None:
    """Whether any visible text lies after ``a`` ends and before ``b`` starts, from every
    text node's place in document order; None when ``b`` does not start after ``a`` ends."""
    order = {node: index for index, node in enumerate(root.iter())}

    def end(node: etree._Element) -> int:
        while len(node):
            node = node[-1]
        return order[node]

    if order[b] <= end(a):
        return None
    inside_a = {a, *a.iterdescendants()}
    for text in root.xpath("//text()[not(ancestor::script)]"):
        owner = text.getparent()
        if owner in inside_a and not (text.is_tail and owner is a):
            continue  # a's own text, and the tails of what it holds
        place = end(owner) + 0.5 if text.is_tail else order[owner]
        if end(a) < place < order[b] and text.strip():
            return True
    return False


@given(nested(), st.integers(0, 60), st.integers(0, 60))
def test_nothing_between_agrees_with_the_text_in_document_order(
    html: str, first: int, second: int
) -> None:
    root = lxml.html.fragment_fromstring(f"<div>{html}<p>Story.</p></div>")
    elements = [node for node in root.iter() if isinstance(node.tag, str) and node is not root]
    a, b = elements[first % len(elements)], elements[second % len(elements)]
    expected = visible_between(root, a, b)
    assert nothing_between(a, b) is (expected is False)
