"""Take out of a parsed page the elements it marks as not article, before extraction.

Guarantees: an element is removed when an ``[[html.rules]]`` rule matches it — by tag, by a
word of its class or id, by a whole class name or id, or as a block of mostly link text — and
it has at most ``max_element_words`` words (a marked element may wrap the whole article);
``<html>`` and ``<body>`` never are. Elements are judged top down in document order, and
nothing inside a removed element is judged. A removed element's tail text stays with its
parent. Each removal that held visible text is returned as a :class:`PageRemoval` naming its
rule. Trees are walked by lxml in C, never by recursion here.
"""

from __future__ import annotations

import re
from functools import lru_cache

import lxml.html  # noqa: F401 (the examples in the docstrings parse with it)
from lxml import etree

from pipeline.article import Kind, PageRemoval
from pipeline.rules import ElementRule, HtmlSettings

# Class and id values split into lower-case words: "wp-caption-text", "newsletterSignup".
TOKEN_SPLIT = re.compile(r"[\s_-]+|(?<=[a-z])(?=[A-Z])")
SPACES = re.compile(r"\s+")
# Never removed whatever their class says: the whole page.
PROTECTED_TAGS = frozenset({"html", "body"})
# Their text is code or markup, not words a reader sees.
INVISIBLE_TAGS = frozenset({"script", "style", "noscript", "template"})

# Distinct class and id values remembered across pages, whether some rule's words are in them.
MARKED_CACHE_SIZE = 4096

# Subtrees are read with compiled XPath, which walks them in C; a Python walk makes an
# object per element (a Python class lookup each, in lxml.html). The HTML parser lowercases
# tag names, so ``self::script`` here is ``tag.lower() == "script"`` in Python.
_INVISIBLE = " or ".join(f"self::{tag}" for tag in sorted(INVISIBLE_TAGS))
_TEXTS = etree.XPath("descendant::text()", smart_strings=False)
_STRING = etree.XPath("string()", smart_strings=False)  # all the text, glued
# With invisible elements inside: the text nodes as strings that know their place (the
# element they are the text or the tail of), and those inside invisible elements.
_PLACED_TEXTS = etree.XPath("descendant::text()")
_HIDDEN_TEXTS = etree.XPath(f"descendant::*[{_INVISIBLE}]/descendant::text()")
# The text of a block's links, when no link holds another (each text node counts once).
_LINK_TEXTS = etree.XPath("descendant-or-self::a/descendant::text()", smart_strings=False)
_NESTED_LINK = etree.XPath("boolean(descendant-or-self::a/descendant::a)")
_COUNT_LI = etree.XPath("count(descendant-or-self::li)")
_COUNT_BR = etree.XPath("count(descendant-or-self::br)")


def element_tokens(element: etree._Element) -> frozenset[str]:
    """The lower-case words of an element's class and id.

    >>> sorted(element_tokens(lxml.html.fromstring('<p class="wp-caption-text" id="adBox">')))
    ['ad', 'box', 'caption', 'text', 'wp']
    """
    return value_tokens(f"{element.get('class', '')} {element.get('id', '')}")


def value_names(value: str) -> frozenset[str]:
    """The lower-case names in a class (or id) value: ``value_names("A b") == {"a", "b"}``."""
    return frozenset(name.lower() for name in value.split())


def value_tokens(value: str) -> frozenset[str]:
    """The lower-case words of a class (or id) value.

    Those of ``"{class} {id}"`` are those of the class and of the id together, since the
    space between them splits: so a value's words can be judged alone, once per page.

    >>> sorted(value_tokens("c-picture__caption newsletterSignup"))
    ['c', 'caption', 'newsletter', 'picture', 'signup']
    """
    return frozenset(t.lower() for t in TOKEN_SPLIT.split(value) if t)


def match_element(element: etree._Element, settings: HtmlSettings) -> ElementRule | None:
    """The first rule that marks this element as not article, if any."""
    return _finder(settings.rules).match(element)


def preclean(tree: etree._Element, settings: HtmlSettings) -> list[PageRemoval]:
    """Remove marked elements from ``tree`` in place; return those that held text.

    Elements are judged top down, in document order; once one is removed, nothing inside
    it is judged. An element longer than ``max_element_words`` is kept even when marked: a
    class like "post has-share-buttons" can sit on the element that wraps the whole article.
    """
    removals: list[PageRemoval] = []
    dropped: etree._Element | None = None
    finder = _finder(settings.rules)
    for element in finder.candidates(tree):
        if dropped is not None:
            if _is_inside(element, dropped):
                continue
            # A removed element's descendants come right after it in document order: once
            # past them, no later candidate can be inside it.
            dropped = None
        rule = finder.match(element)
        if rule is None:
            continue
        texts = _visible_texts(element)
        if _more_words(texts, settings.max_element_words):
            continue
        _drop(element)
        dropped = element
        text = _collapse(texts)
        if text:
            removals.append(_page_removal(rule, element, text))
    return removals


class _Finder:
    """A cheap first pass for a set of rules: the elements some rule could match."""

    def __init__(self, rules: tuple[ElementRule, ...]) -> None:
        self.tags = frozenset().union(*(rule.tags for rule in rules))
        self.tokens = frozenset().union(*(rule.tokens for rule in rules))
        self.names = frozenset().union(*(rule.names for rule in rules))
        words = self.tokens | self.names
        # A value holding a token or name holds it as a substring once lower-cased: tested
        # first, with "ad" standing for "ads" and "advert" too. (Not for words beyond ASCII,
        # where lower-casing a word alone can differ from lower-casing it in its value.)
        needles = sorted(w for w in words if not any(o != w and o in w for o in words))
        ascii_words = all(word.isascii() for word in words)
        self.quick = re.compile("|".join(map(re.escape, needles))) if ascii_words else None
        # Class names repeat across a page and across a site's pages: judge each value once.
        self.marked = lru_cache(maxsize=MARKED_CACHE_SIZE)(self._marked)
        self.rules = rules
        self._possible = lru_cache(maxsize=MARKED_CACHE_SIZE)(self._rules_for)

    def match(self, element: etree._Element) -> ElementRule | None:
        """:func:`match_element`'s answer, the rules an element's tag, class and id could
        match worked out once for each such triple (a link-block rule still reads the
        element's text)."""
        if not isinstance(element.tag, str):
            return None
        tag = element.tag.lower()
        if tag in PROTECTED_TAGS:
            return None
        for rule in self._possible(tag, element.get("class", ""), element.get("id", "")):
            if rule.link_share is None or is_link_block(element, rule):
                return rule
        return None

    def _rules_for(self, tag: str, value: str, ident: str) -> tuple[ElementRule, ...]:
        """In order, the rules an element of this tag, class and id matches by them, and
        the link-block rules of its tag, which must still look at its text."""
        joined = f"{value} {ident}"  # the words of both, as the space splits them
        tokens, names = value_tokens(joined), value_names(joined)
        return tuple(
            rule
            for rule in self.rules
            if tag in rule.tags
            or (
                rule.link_share is None
                and not (tokens.isdisjoint(rule.tokens) and names.isdisjoint(rule.names))
            )
        )

    def candidates(self, tree: etree._Element) -> list[etree._Element]:
        """The elements of ``tree`` (itself included), in document order, with a rule's tag
        or a rule's word in their class or id: all that :func:`match_element` can match."""
        tags, marked = self.tags, self.marked
        found = []
        for element in tree.iter(etree.Element):  # elements only, walked in C
            value, ident = element.get("class"), element.get("id")
            if (
                element.tag.lower() in tags
                or (value and marked(value))
                or (ident and marked(ident))
            ):
                found.append(element)
        return found

    def _marked(self, value: str) -> bool:
        if self.quick is not None and not self.quick.search(value.lower()):
            return False
        # The words of "{class} {id}" are those of the class and of the id together.
        return not (
            self.tokens.isdisjoint(value_tokens(value))
            and self.names.isdisjoint(value_names(value))
        )


@lru_cache(maxsize=8)
def _finder(rules: tuple[ElementRule, ...]) -> _Finder:
    return _Finder(rules)


def _is_inside(element: etree._Element, ancestor: etree._Element) -> bool:
    return any(node is ancestor for node in element.iterancestors())


def visible_text(element: etree._Element) -> str:
    """The element's text as a reader sees it: no script or style, whitespace collapsed.

    >>> visible_text(lxml.html.fromstring("<p>Share <script>x()</script>this<br>now</p>"))
    'Share this now'
    """
    return _collapse(_visible_texts(element))


def _collapse(texts: list[str]) -> str:
    # Joined with spaces: block elements ("<li>One</li><li>Two</li>") must not glue words.
    return SPACES.sub(" ", " ".join(texts)).strip()


def _more_words(texts: list[str], limit: int) -> bool:
    """Whether the texts, joined, have more than ``limit`` words; stops counting there (a
    marked element can be the whole page).

    >>> _more_words(["one two", "three"], 2), _more_words(["one two", "three"], 3)
    (True, False)
    """
    count = 0
    for text in texts:
        count += len(text.split())
        if count > limit:
            return True
    return False


def _visible_texts(element: etree._Element) -> list[str]:
    """The text nodes of ``element`` outside script, style and the like, in order."""
    if isinstance(element.tag, str) and element.tag.lower() in INVISIBLE_TAGS:
        return []
    texts: list[str]
    if not _holds_hidden(element):
        texts = _TEXTS(element)
        return texts
    hidden = {(text.getparent(), text.is_tail) for text in _HIDDEN_TEXTS(element)}
    texts = [
        text for text in _PLACED_TEXTS(element) if (text.getparent(), text.is_tail) not in hidden
    ]
    return texts


def _holds_hidden(element: etree._Element) -> bool:
    """Whether a script, style or the like is inside ``element``."""
    return next(element.iterdescendants(*INVISIBLE_TAGS), None) is not None


def solid_length(text: str) -> int:
    """How many characters ``text`` has besides whitespace (``str.split``'s is ``\\s``'s).

    >>> solid_length("Two words \\n and\\xa0more")
    15
    """
    return len("".join(text.split()))


def _drop(element: etree._Element) -> None:
    """Remove an element but keep its tail (the text after it belongs to its parent)."""
    parent = element.getparent()
    if parent is None:
        return
    if element.tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


def _page_removal(rule: ElementRule, element: etree._Element, text: str) -> PageRemoval:
    classes = ".".join(sorted(element.get("class", "").split()))
    ident = element.get("id")
    described = (
        str(element.tag) + (f".{classes}" if classes else "") + (f"#{ident}" if ident else "")
    )
    return PageRemoval(
        rule=rule.id, kind=Kind(rule.kind), reason=rule.description, element=described, text=text
    )


def is_link_block(block: etree._Element, rule: ElementRule) -> bool:
    """At least ``min_lines`` lines (list items, or lines between ``<br>``), their visible
    text at least ``link_share`` link text.

    >>> rule = ElementRule("teaser.x", Kind.TEASER, "", frozenset({"ul"}), frozenset(),
    ...                    link_share=0.7, min_lines=2)
    >>> links = '<ul><li><a href="/a">One story</a></li><li><a href="/b">Another</a></li></ul>'
    >>> is_link_block(lxml.html.fromstring(links), rule)
    True
    >>> is_link_block(lxml.html.fromstring('<ul><li>One <a href="/a">link</a></li></ul>'), rule)
    False
    """
    assert rule.link_share is not None
    lines = max(int(_COUNT_LI(block)), int(_COUNT_BR(block)) + 1)
    if lines < rule.min_lines:
        return False
    hidden = _holds_hidden(block)
    total = solid_length(" ".join(_visible_texts(block)) if hidden else _STRING(block))
    return total > 0 and _link_length(block, hidden) >= rule.link_share * total


def _link_length(block: etree._Element, hidden: bool) -> int:
    """The visible text of the block's links (``<a>``), in characters besides whitespace."""
    if not hidden and not _NESTED_LINK(block):
        return solid_length("".join(_LINK_TEXTS(block)))  # one XPath for all the links
    return sum(solid_length(" ".join(_visible_texts(a))) for a in block.iter("a"))
