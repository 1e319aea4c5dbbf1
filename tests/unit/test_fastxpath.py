"""``pipeline.fastxpath``: trafilatura's XPaths rewritten select exactly what they selected."""

from __future__ import annotations

import contextlib
import html
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest
import trafilatura.xpaths
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from trafilatura.utils import load_html

from bench.corpus import read_page
from pipeline import fastxpath
from pipeline.fastxpath import CALL, NAMESPACES, Alternative, NotLiteral, alternatives, faster
from pipeline.rules import load_rules

ROOT = Path(__file__).resolve().parents[2]
EVAL = ROOT.parent / "shared" / "eval"
# Every feature of the literal subset, each anchor and the quotes, and patterns outside it.
HANDMADE = [
    "//*[re:test(@class, '^head|tail$|^whole$|mid-?dle')]",
    "//*[re:test(@class, '[A-C]ap|(?:p|q)re|\\.dot|[]x]')]",
    "//*[re:test(@id|@class, '^comment[s-]|x(?:-|__)?y')]",
    '//*[re:test(@class, "it\'s")]',
    "//*[re:test(@class, '(^|\\s)link(\\s|$)') or re:test(@id, 'a.b|c+')]",
    "//*[re:test(@class, 'fulltext', 'i') or re:test(@style, 'x?')]",
]


def trafilatura_pairs() -> list[tuple[etree.XPath, etree.XPath]]:
    """trafilatura's expressions that were rewritten, each beside its rewrite."""
    return [
        (original, fast)
        for name, originals in fastxpath._STOCK.items()
        for original, fast in zip(originals, fastxpath._FAST[name], strict=True)
        if fast is not original
    ]


def handmade_pairs() -> list[tuple[etree.XPath, etree.XPath]]:
    pairs = []
    for path in HANDMADE:
        original = etree.XPath(path, namespaces=NAMESPACES)
        pairs.append((original, faster(original)))
    return pairs


def selected(expression: etree.XPath, tree: etree._Element) -> list[str]:
    root = tree.getroottree()
    return [root.getpath(element) for element in expression(tree)]


def assert_same_selection(
    tree: etree._Element, pairs: list[tuple[etree.XPath, etree.XPath]]
) -> None:
    for original, fast in pairs:
        assert selected(fast, tree) == selected(original, tree), original.path


def patterns() -> list[str]:
    """The patterns of trafilatura's ``re:test`` calls, and the handmade ones."""
    found = {
        call["pattern"]
        for name, originals in fastxpath._STOCK.items()
        for original in originals
        for call in CALL.finditer(str(original.path))
        if not call["flags"]
    }
    found |= {call["pattern"] for path in HANDMADE for call in CALL.finditer(path)}
    return sorted(found)


@cache
def literal_patterns() -> list[tuple[str, list[Alternative]]]:
    result = []
    for pattern in patterns():
        with contextlib.suppress(NotLiteral):
            result.append((pattern, alternatives(pattern)))
    return result


@cache
def fragments() -> list[str]:
    """Pieces of what the patterns look for, so generated values hit and nearly hit them."""
    pieces = {"", " ", "-", "_", "\n", "\t", "Ü", "'"}
    for _, found in literal_patterns():
        for alternative in found:
            text = alternative.text
            pieces |= {text, text[: len(text) // 2], text[len(text) // 2 :], text.swapcase()}
    return sorted(pieces)


def values() -> st.SearchStrategy[str]:
    part = st.one_of(st.sampled_from(fragments()), st.text(max_size=3))
    return st.lists(part, max_size=4).map("".join)


def python_finds(alternative: Alternative, value: str) -> bool:
    """What ``re.search`` finds for one literal alternative ($: at the end or before a
    final newline)."""
    text = alternative.text
    ends = [value, value[:-1]] if value.endswith("\n") else [value]
    if alternative.at_start and alternative.at_end:
        return text in ends
    if alternative.at_end:
        return any(end.endswith(text) for end in ends)
    return value.startswith(text) if alternative.at_start else text in value


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_the_alternatives_are_what_re_search_finds(data: st.DataObject) -> None:
    pattern, found = data.draw(st.sampled_from(literal_patterns()))
    value = data.draw(values())
    assert any(python_finds(a, value) for a in found) == bool(re.search(pattern, value))


ATTRIBUTES = ("id", "class", "style", "role", "rel", "itemprop", "data-component", "aria-hidden")
TAGS = ("div", "p", "span", "section", "a", "h3", "h4", "address", "strong", "ul", "author")


@st.composite
def pages(draw: st.DrawFn) -> str:
    """A page of nested elements whose attribute values are near the patterns."""
    parts = ["<html><body>"]
    depth = 0
    for _ in range(draw(st.integers(1, 12))):
        tag = draw(st.sampled_from(TAGS))
        names = draw(st.lists(st.sampled_from(ATTRIBUTES), max_size=3, unique=True))
        attrs = "".join(f' {n}="{html.escape(draw(values()), quote=True)}"' for n in names)
        parts.append(f"<{tag}{attrs}>text")
        if draw(st.booleans()):
            parts.append(f"</{tag}>")
        else:
            depth += 1
    parts.append("</div>" * depth + "</body></html>")
    return "".join(parts)


@settings(max_examples=200, deadline=None)
@given(pages())
def test_on_generated_pages_each_rewrite_selects_the_same_elements(page: str) -> None:
    tree = load_html(page)
    assert tree is not None, "the generated page did not parse"
    assert_same_selection(tree, trafilatura_pairs() + handmade_pairs())


def dev_pages() -> Iterator[Path]:
    """Every second zyte-dev page and every sixteenth trafilatura-dev page, where the
    corpora are."""
    yield from sorted((EVAL / "zyte-dev" / "html").glob("*"))[::2]
    yield from sorted((EVAL / "trafilatura-dev" / "html").glob("*"))[::16]


def test_on_real_pages_each_rewrite_selects_the_same_elements() -> None:
    """On the fixture page always, and on the dev pages where they are (all 646
    trafilatura-dev pages agreed when the module was written)."""
    paths = [ROOT / "tests" / "fixtures" / "page.html", *dev_pages()]
    pairs = trafilatura_pairs()
    for path in paths:
        tree = load_html(read_page(path))
        if tree is not None:
            assert_same_selection(tree, pairs)


def test_dollar_matches_at_the_end_and_before_a_final_newline_as_in_python() -> None:
    values = ["tail", "tail\n", "tail\n\n", "tail\nx", "whole", "whole\n", "whole\n\n", "xwhole"]
    page = "".join(f'<p class="{value}">{index}</p>' for index, value in enumerate(values))
    tree = load_html(f"<html><body>{page}</body></html>")
    original, fast = handmade_pairs()[0]
    assert fast is not original
    assert [e.text for e in fast(tree)] == [e.text for e in original(tree)] == ["0", "1", "4", "5"]


def test_literal_tests_become_string_functions_and_others_are_guarded() -> None:
    assert fastxpath.rewrite("//*[re:test(@class, '^a|b-?c')]") == (
        "//*[(starts-with(@class, 'a') or contains(@class, 'bc') or contains(@class, 'b-c'))]"
    )
    assert fastxpath.rewrite("//*[re:test(@id|@class, 'x$')]") == (
        "//*[((substring(string(@id|@class), string-length(string(@id|@class)) - 0) = 'x' or "
        "substring(string(@id|@class), string-length(string(@id|@class)) - 1) = 'x\n'))]"
    )
    assert fastxpath.rewrite("//*[re:test(@class, 'a.b')]") == (
        "//*[((@class) and re:test(@class, 'a.b'))]"
    )
    # A pattern matching the empty value cannot be guarded by the attribute's presence.
    assert fastxpath.rewrite("//*[re:test(@class, 'x*')]") == "//*[re:test(@class, 'x*')]"


def test_trafilaturas_author_search_runs_without_a_regex() -> None:
    """The rewrite does its work on trafilatura's lists: of their regex tests, most are
    gone, the author search's all."""
    before = sum(str(x.path).count("re:test") for xs in fastxpath._STOCK.values() for x in xs)
    after = sum(str(x.path).count("re:test") for xs in fastxpath._FAST.values() for x in xs)
    assert after < before / 2
    assert all("re:test" not in str(x.path) for x in fastxpath._FAST["AUTHOR_XPATHS"])


@pytest.mark.parametrize(
    ("pattern", "texts"),
    [
        ("[A-C]ap", ["Aap", "Bap", "Cap"]),
        ("x[-_]?y", ["xy", "x-y", "x_y"]),
        ("a(?:b|c)d|e", ["abd", "acd", "e"]),
        ("[]x]\\.", ["].", "x."]),
    ],
)
def test_a_literal_pattern_expands_to_its_strings(pattern: str, texts: list[str]) -> None:
    assert [alternative.text for alternative in alternatives(pattern)] == texts


def test_the_handmade_expressions_are_rewritten() -> None:
    """So that the generated pages test the rewrite and not the fallback."""
    rewritten = [fast for original, fast in handmade_pairs() if fast is not original]
    assert [str(fast.path).count("re:test") for fast in rewritten[:3]] == [0, 0, 0]


@pytest.mark.parametrize("pattern", ["a*", "a+", "a{2}", "\\d", "[^a]", "(?i)a", "a|", "a^b"])
def test_a_pattern_outside_the_literal_subset_is_not_read_as_literals(pattern: str) -> None:
    with pytest.raises(NotLiteral):
        alternatives(pattern)


def test_stock_gives_trafilatura_its_own_expressions_for_the_block() -> None:
    import pipeline.html  # noqa: F401  (importing it installs the rewrite)

    assert fastxpath._FAST["AUTHOR_XPATHS"] == trafilatura.xpaths.AUTHOR_XPATHS
    with pytest.raises(KeyError), fastxpath.stock():
        assert fastxpath._STOCK["AUTHOR_XPATHS"] == trafilatura.xpaths.AUTHOR_XPATHS
        raise KeyError(0)
    assert fastxpath._FAST["AUTHOR_XPATHS"] == trafilatura.xpaths.AUTHOR_XPATHS


def test_the_html_step_gives_the_same_extraction_either_way() -> None:
    from pipeline import html as html_step

    settings = load_rules().html
    for path in [ROOT / "tests" / "fixtures" / "page.html", *list(dev_pages())[:20]]:
        data = read_page(path)
        fast = html_step.extract(data, path.name, settings)
        with fastxpath.stock():
            own = html_step.extract(data, path.name, settings)
        assert fast == own, path.name
