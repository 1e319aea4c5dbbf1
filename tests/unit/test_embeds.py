"""Embedded posts (a tweet the story quotes) lifted out of the widgets wrapping them.

The pages are hand-written in the shape of the embed code platforms give: a
``<blockquote class="twitter-tweet">`` with the post, its author and its date, then the
platform's script, inside a widget container of the site's own.
"""

from __future__ import annotations

import dataclasses
import json
from importlib import resources

import lxml.html
import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from pipeline import clean_bytes, load_rules
from pipeline.embeds import lift_posts
from pipeline.io import sidecar_bytes
from pipeline.rules import Rules, RulesError, parse_rules
from tests.unit.story import STORY

RULES = load_rules()
OFF = dataclasses.replace(RULES, html=dataclasses.replace(RULES.html, embedded_posts=()))
POST = "The breakwater is two years late and the boats are still paying for it."
AUTHOR = "— Harbour Watch (@harbourwatch) March 3, 2025"
QUOTE = (
    f'<blockquote class="twitter-tweet" data-lang="en"><p lang="en" dir="ltr">{POST}</p>'
    '&mdash; Harbour Watch (@harbourwatch) <a href="https://twitter.com/hw/status/1">'
    "March 3, 2025</a></blockquote>"
    '<script async src="https://platform.twitter.com/widgets.js" charset="utf-8"></script>'
)
CLASSES = frozenset({"twitter-tweet"})


def page(wrapped: str) -> bytes:
    """The story with ``wrapped`` (the post in its widget) after its third paragraph."""
    paragraphs = [f"<p>{text}</p>" for text in STORY]
    body = "".join(paragraphs[:3]) + wrapped + "".join(paragraphs[3:])
    return f"""<html><head><title>Breakwater two years late</title></head><body>
<article><h1>Breakwater two years late</h1><div class="article-body">{body}</div></article>
<footer><p>Harbour News, 1 Quay Street</p></footer></body></html>""".encode()


def clean(html: bytes, rules: Rules = RULES) -> tuple[str, dict]:  # type: ignore[type-arg]
    article = clean_bytes(html, source_id="page.html", rules=rules, fmt="html")
    return article.clean_text(), json.loads(sidecar_bytes(article))


WIDGETS = [
    f'<div class="social-media-embed">{QUOTE}</div>',
    f'<div class="article-widget article-tweet"><div class="tweet__inner">{QUOTE}</div></div>',
    f'<div class="embed">\n  {QUOTE}\n</div>',
]


@pytest.mark.parametrize("wrapped", WIDGETS)
def test_a_post_the_extraction_discarded_with_its_widget_is_kept_in_its_place(
    wrapped: str,
) -> None:
    before, _ = clean(page(wrapped), OFF)
    assert POST not in before and STORY[0] in before  # trafilatura drops the widget's class
    text, sidecar = clean(page(wrapped))
    paragraphs = text.split("\n\n")
    at = paragraphs.index(f"{POST}\n{AUTHOR}")  # the post, then who posted it and when
    assert paragraphs[at - 1] == STORY[2] and paragraphs[at + 1] == STORY[3]
    assert sidecar["page"]["lifted_posts"] == 1


def test_a_post_not_wrapped_is_left_where_it_is() -> None:
    text, sidecar = clean(page(QUOTE))
    assert POST in text and sidecar["page"]["lifted_posts"] == 0


def tree(html: str) -> etree._Element:
    return lxml.html.fromstring(f"<html><body>{html}</body></html>")


def test_the_wrapper_goes_and_the_text_after_it_stays() -> None:
    root = tree(f'<div class="story"><p>Before.</p><div class="embed">{QUOTE}</div>After.</div>')
    assert lift_posts(root, CLASSES) == 1
    story = root.find(".//div[@class='story']")
    assert [child.tag for child in story] == ["p", "blockquote"]  # the script went with it
    assert story[1].tail == "After."


def test_a_script_beside_the_post_is_no_text_of_the_widget() -> None:
    root = tree(
        f'<div class="story"><p>Before.</p><div class="embed">{QUOTE}'
        "<script>window.embeds = (window.embeds || 0) + 1;</script></div></div>"
    )
    assert lift_posts(root, CLASSES) == 1
    assert [child.tag for child in root.find(".//div[@class='story']")] == ["p", "blockquote"]


@pytest.mark.parametrize(
    "html",
    [
        # The widget has words of its own: it is not only a wrapper.
        f'<div class="embed"><p>Readers reacted on social media:</p>{QUOTE}</div>',
        # Two posts in one widget: neither is the widget's only text.
        f'<div class="embed">{QUOTE}{QUOTE.replace("two years", "three years")}</div>',
        # A sidebar is the page's own mark of what is not the article.
        f'<aside class="sidebar">{QUOTE}</aside>',
        # The embed code before its script has run on a page saved without text: nothing to keep.
        '<div class="embed"><blockquote class="twitter-tweet"> </blockquote></div>',
        # Another blockquote class: not a post.
        f'<div class="embed">{QUOTE.replace("twitter-tweet", "pullquote")}</div>',
    ],
)
def test_a_quote_is_not_lifted_past_other_text_a_sidebar_or_when_it_is_no_post(html: str) -> None:
    root = tree(html)
    before = etree.tostring(root)
    assert lift_posts(root, CLASSES) == 0
    assert etree.tostring(root) == before


def test_a_post_lifted_inside_a_sidebar_stays_in_the_sidebar() -> None:
    root = tree(f'<aside class="sidebar"><p>Latest</p><div class="embed">{QUOTE}</div></aside>')
    assert lift_posts(root, CLASSES) == 1
    assert root.find(".//aside/blockquote") is not None


def test_no_classes_lift_nothing() -> None:
    root = tree(f'<div class="embed">{QUOTE}</div>')
    assert lift_posts(root, frozenset()) == 0 and root.find(".//div[@class='embed']") is not None


# Pages of nested wrappers around posts, with text between and after them.
_WORDS = st.sampled_from(["", " ", "Harbour ", "news. ", "\n"])


@st.composite
def nested(draw: st.DrawFn, depth: int = 0) -> str:
    parts = []
    for _ in range(draw(st.integers(0, 3))):
        kinds = ["text", "script", "post", "wrap"]
        kind = draw(st.sampled_from(kinds if depth < 4 else kinds[:3]))
        if kind == "text":
            parts.append(f"<p>{draw(_WORDS)}</p>")
        elif kind == "script":  # code, not text a reader sees: it may go with a wrapper
            parts.append(f"<script>var a = 1;</script>{draw(_WORDS)}")
        elif kind == "post":
            body = draw(_WORDS)
            link = draw(_WORDS)
            parts.append(f'<blockquote class="twitter-tweet x">{body}<a>{link}</a></blockquote>')
        else:
            tag = draw(st.sampled_from(["div", "section", "aside", "span"]))
            parts.append(f"<{tag}>{draw(nested(depth + 1))}</{tag}>{draw(_WORDS)}")
    return "".join(parts)


_VISIBLE = etree.XPath("descendant-or-self::text()[not(ancestor::script)]", smart_strings=False)


def solid(root: etree._Element) -> str:
    """The text a reader sees, without whitespace."""
    return "".join("".join(str(t) for t in _VISIBLE(root)).split())


@given(nested())
def test_lifting_never_adds_removes_or_reorders_text(html: str) -> None:
    root = tree(f"<div>{html}</div>")
    text_before, posts_before = solid(root), [solid(q) for q in root.iter("blockquote")]
    lift_posts(root, CLASSES)
    assert solid(root) == text_before  # whitespace aside, as the guarantee says
    # Every post with text is still there; an empty one may go with a wrapper.
    assert [solid(q) for q in root.iter("blockquote") if solid(q)] == [p for p in posts_before if p]


def test_the_shipped_rules_name_the_tweet_embed_and_a_file_without_the_setting_gets_it() -> None:
    assert RULES.html.embedded_posts == ("twitter-tweet",)
    shipped = resources.files("pipeline.data").joinpath("rules.toml").read_bytes()
    older = shipped.replace(b'embedded_posts = ["twitter-tweet"]\n', b"")
    assert older != shipped
    assert parse_rules(older, "older.toml").html.embedded_posts == ("twitter-tweet",)


@pytest.mark.parametrize("value", [b'"twitter-tweet"', b'["twitter tweet"]', b'[""]', b"[1]"])
def test_embedded_posts_must_be_class_names(value: bytes) -> None:
    shipped = resources.files("pipeline.data").joinpath("rules.toml").read_bytes()
    wrong = shipped.replace(b'embedded_posts = ["twitter-tweet"]', b"embedded_posts = " + value)
    with pytest.raises(RulesError, match=r"custom.toml: \[html\]: 'embedded_posts' must be"):
        parse_rules(wrong, "custom.toml")
