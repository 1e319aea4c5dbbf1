"""The standfirst: the summary a page shows under its headline, found by its description.

Most article pages state their summary twice: in the ``<head>`` (``<meta name="description">``,
``og:description``, JSON-LD) and, visibly, as the standfirst under the headline. Where the
page shows it varies by site (a ``<p class="lead">`` in the header, an intro ``<div>``, a
subheadline ``<h2>``), and so does whether trafilatura's extraction keeps it: the header is
often outside the article container. The description is the signal any site gives, so the
standfirst is the smallest visible element of the page's body whose text starts with it.

Guarantees: the description must have at least ``standfirst_min_words`` words (a site name
or a slogan is not a summary); a trailing ellipsis is dropped, since descriptions are often
the standfirst cut short; the element's text is at most ``standfirst_max_ratio`` times the
description's length (the element holding the whole story also starts with it); text in
``<head>``, scripts and styles is never read. Nothing is fetched and the tree is not changed.
Whether the standfirst then goes into the body is the caller's choice (``[html] standfirst``).

A page whose description is not its standfirst may still mark its lead by a class or id
word (``<div class="article-intro">``, ``<p class="teaser">``): :func:`find_leads` finds
those, with their own guarantees (sentences, no headline held), for the caller to place as a
standfirst would be.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

from lxml import etree

from pipeline.preclean import INVISIBLE_TAGS, SPACES, element_tokens, value_tokens

# A description cut short: "... said on Tuesday..." or "... said on Tuesday …".
_ELLIPSIS = re.compile(r"\s*(?:\.\.\.|…)$")
# How many of the description's first words locate it: text nodes holding them, found in C.
HEAD_WORDS = 3
_INVISIBLE = " or ".join(f"ancestor::{tag}" for tag in sorted(INVISIBLE_TAGS))
_HITS = etree.XPath(f"//body//text()[contains(normalize-space(.), $head)][not({_INVISIBLE})]")
_LENGTH = etree.XPath("string-length()")
# Elements a lead is found in, as trafilatura's precision mode discards its teasers.
LEAD_TAGS = ("div", "p", "section", "span")
# A headline inside: the block is the page's header, not its lead.
_HOLDS_HEADLINE = etree.XPath("boolean(descendant-or-self::h1 | descendant-or-self::h2)")
# Not the lead's text: a picture and its caption inside the lead's element.
_NOT_LEAD = INVISIBLE_TAGS | {"figure", "figcaption"}
# Text that ends a sentence, perhaps inside quotes or brackets.
_SENTENCE_END = re.compile(r"[.!?…:][\"'”“’»«)\s]*$")
# Elements whose start and end separate words, as a browser lays them out; inline elements
# (<b>, <a>, <span>) do not: "Hel<b>lo</b>" reads "Hello".
BLOCK_TAGS = frozenset(
    {"address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption",
     "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav",
     "ol", "p", "pre", "section", "table", "td", "th", "tr", "ul"}
)  # fmt: skip


def find_standfirst(
    tree: etree._Element, description: str | None, min_words: int, max_ratio: float
) -> str | None:
    """The text (as :func:`rendered`) of the smallest element in ``tree``'s body that starts
    with the ``description`` (whitespace collapsed), or None.

    >>> import lxml.html
    >>> page = lxml.html.fromstring('''<html><head><meta name="description"
    ...   content="Rain is forecast for the whole weekend, the weather office said on Friday.">
    ... </head><body><h1>Rain all weekend</h1><p class="lead">Rain is forecast for the whole
    ... weekend, the weather office said on <b>Fri</b>day.</p><p>The story.</p></body></html>''')
    >>> find_standfirst(page, "Rain is forecast for the whole weekend, the weather office "
    ...                 "said on Friday.", 8, 2.0)
    'Rain is forecast for the whole weekend, the weather office said on Friday.'
    >>> find_standfirst(page, "Rain all weekend", 8, 2.0) is None  # too short to be a summary
    True
    """
    found = find_standfirst_element(tree, description, min_words, max_ratio)
    return None if found is None else found[1]


def find_standfirst_element(
    tree: etree._Element, description: str | None, min_words: int, max_ratio: float
) -> tuple[etree._Element, str] | None:
    """:func:`find_standfirst`'s element, with its text."""
    if description is None or len(description.split()) < min_words:
        return None
    stem = _ELLIPSIS.sub("", SPACES.sub(" ", description).strip())
    head = " ".join(stem.split()[:HEAD_WORDS])
    limit = max_ratio * len(stem)
    try:
        hits = _HITS(tree, head=head)
    except ValueError:  # a character XML cannot hold (from JSON-LD): no text node has it
        return None
    for hit in hits:
        element = hit.getparent()
        if hit.is_tail:  # the text after an element belongs to the element around it
            element = element.getparent()
        # Up from the text to the first element that holds the whole description.
        while element is not None and element.tag != "body" and _LENGTH(element) <= limit:
            text = rendered(element)
            if text.startswith(stem):
                return element, text
            element = element.getparent()
    return None


def find_leads(
    tree: etree._Element, words: frozenset[str], min_words: int
) -> Iterator[tuple[etree._Element, str]]:
    """The page's leads, in page order, with their text (its blocks as
    :func:`rendered_blocks`, a blank line between them): each the outermost ``div``, ``p``,
    ``section`` or ``span`` with a class or id word in ``words``, holding no ``h1`` or ``h2``
    (a block holding the headline is the page's header), whose text has at least
    ``min_words`` words and ends a sentence (a menu, a date line or a link list does not). A
    picture inside (``<figure>``, its caption) is not the lead's text.

    >>> import lxml.html
    >>> page = lxml.html.document_fromstring('<div class="intro"><h1>Rain all weekend</h1>'
    ...     '<p>Rain is forecast for the whole weekend, the weather office said.</p></div>'
    ...     '<div class="article-intro"><p>Rain is forecast for the whole weekend, the '
    ...     'weather office said.</p></div><p class="teaser">Read more: Sun</p>')
    >>> [(element.get("class"), text[:7]) for element, text in find_leads(page, frozenset({"intro",
    ...     "teaser"}), 8)]
    [('article-intro', 'Rain is')]
    """
    if not words:
        return
    taken: set[etree._Element] = set()
    for element in _marked(tree, words):
        taken.add(element)
        if any(ancestor in taken for ancestor in element.iterancestors()):
            continue  # inside a lead already judged: the outermost one is
        text = "\n\n".join(rendered_blocks(element, _NOT_LEAD))
        if (
            len(text.split()) >= min_words
            and _SENTENCE_END.search(text)
            and not _HOLDS_HEADLINE(element)
        ):
            yield element, text


def _marked(tree: etree._Element, words: frozenset[str]) -> Iterator[etree._Element]:
    """The elements of the page's body a lead may be, in page order: a tag of
    ``LEAD_TAGS`` and a class or id word in ``words``, not inside a script or a template.
    lxml's iterator picks the tags; each class and id value is judged once (an XPath testing
    every element's lower-cased attributes took five times as long: 2.3 against 0.45 ms a
    zyte-dev page)."""
    body = tree.find("body")
    if body is None:
        return
    for element in body.iter(*LEAD_TAGS):
        value, ident = element.get("class"), element.get("id")
        if ((value and _holds_word(words, value)) or (ident and _holds_word(words, ident))) and (
            not any(ancestor.tag in INVISIBLE_TAGS for ancestor in element.iterancestors())
        ):
            yield element


@functools.lru_cache(maxsize=4096)
def _holds_word(words: frozenset[str], value: str) -> bool:
    # Class values repeat across a page and a site's pages: each judged once.
    return not words.isdisjoint(value_tokens(value))


def stands_above(
    element: etree._Element,
    first: etree._Element,
    levels: int,
    header_words: frozenset[str],
) -> bool:
    """Whether ``element`` (the standfirst) stands right above ``first`` (the body's first
    paragraph): neither ``element`` nor an ancestor is a header (a tag, class word or id word
    in ``header_words``), where the page keeps its headline and summary apart from the
    article; and ``element`` comes before ``first``, either near it in the tree (their common
    ancestor at most ``levels`` above ``element``; 1: ``element`` is a sibling of the
    paragraph or of the body's container; 2: ``element`` is wrapped once, ``<div
    class="intro"><p>``) or with nothing visible between them (:func:`nothing_between`).

    >>> import lxml.html
    >>> page = lxml.html.fromstring('<div><header><p id="a">Summary.</p></header>'
    ...     '<div class="intro"><p id="b">Standfirst.</p></div><p>By A. Writer</p>'
    ...     '<div class="body"><p id="c">Story.</p></div></div>')
    >>> a, b, c = (page.get_element_by_id(name) for name in "abc")
    >>> stands_above(b, c, 2, frozenset({"header"}))
    True
    >>> stands_above(a, c, 2, frozenset({"header"})), stands_above(b, c, 1, frozenset())
    (False, False)
    >>> stands_above(c, b, 2, frozenset())  # after the paragraph: not above it
    False
    """
    for node in (element, *element.iterancestors()):
        if node.tag in header_words or not header_words.isdisjoint(element_tokens(node)):
            return False
    return _near_above(element, first, levels) or nothing_between(element, first)


def _near_above(element: etree._Element, first: etree._Element, levels: int) -> bool:
    """Whether ``element`` comes before ``first`` and their common ancestor is at most
    ``levels`` above ``element``."""
    ancestors = set(first.iterancestors())
    child = element
    for _ in range(levels):
        parent = child.getparent()
        if parent is None:
            return False
        if parent in ancestors:
            theirs = next(a for a in (first, *ancestors) if a.getparent() is parent)
            return bool(parent.index(child) < parent.index(theirs))
        child = parent
    return False


_VISIBLE_TEXT = etree.XPath(
    f"boolean(descendant-or-self::text()[normalize-space()][not({_INVISIBLE})])"
)


def nothing_between(element: etree._Element, first: etree._Element) -> bool:
    """Whether ``first`` (the body's first paragraph) comes after ``element`` (the
    standfirst) with no visible text between them, as a reader sees the page: an image, an
    empty wrapper, a script may stand between; a byline, a date, a caption or a share bar
    may not. It holds however deep either is nested (grid wrappers, a header around the
    standfirst), which is what the levels of :func:`stands_above` cannot tell.

    >>> import lxml.html
    >>> page = lxml.html.fromstring('<div><div class="row"><div class="col"><p id="a">'
    ...     'Standfirst.</p></div></div><img src="x.jpg"><div class="row"><div class="col">'
    ...     '<p id="b">Story.</p><p id="c">More.</p></div></div></div>')
    >>> a, b, c = (page.get_element_by_id(name) for name in "abc")
    >>> nothing_between(a, b), nothing_between(a, c), nothing_between(b, a)
    (True, False, False)
    """
    ancestors = set(first.iterancestors())
    if element in ancestors or first in set(element.iterancestors()):
        return False
    node = element
    while True:
        if node.tail and node.tail.strip():
            return False
        sibling = node.getnext()
        while sibling is None:  # past the last child: on after the parent
            node = node.getparent()
            if node is None or node in ancestors:  # ``first`` was before ``element``
                return False
            if node.tail and node.tail.strip():
                return False
            sibling = node.getnext()
        if sibling is first:
            return True
        if sibling in ancestors:
            return _leads_to(sibling, first, ancestors)
        if _shows_text(sibling):
            return False
        node = sibling


def _shows_text(node: etree._Element) -> bool:
    """Whether ``node`` holds text a reader sees (a comment holds none)."""
    return isinstance(node.tag, str) and bool(_VISIBLE_TEXT(node))


def _leads_to(
    container: etree._Element, first: etree._Element, ancestors: set[etree._Element]
) -> bool:
    """Whether nothing visible precedes ``first`` inside ``container`` (one of its
    ancestors)."""
    node = container
    while node is not first:
        if node.text and node.text.strip():
            return False
        for child in node:
            if child is first or child in ancestors:
                node = child
                break
            if _shows_text(child) or (child.tail and child.tail.strip()):
                return False
        else:  # not reached: ``container`` is an ancestor of ``first``
            return False
    return True


def rendered(element: etree._Element) -> str:
    """The element's text as a reader sees it: no script, style or comment, a space where a
    block starts or ends (not at an inline element), whitespace collapsed. Walked with a stack,
    not by recursion.

    >>> import lxml.html
    >>> rendered(lxml.html.fromstring("<div><p>One.</p><p><b>Tw</b>o<script>x</script>!</p></div>"))
    'One. Two!'
    >>> rendered(lxml.html.fromstring("<p>Up<!-- note -->date <span>d</span></p>"))
    'Update d'
    """
    return SPACES.sub(" ", _text(element, " ")).strip()


def rendered_blocks(element: etree._Element, skip: frozenset[str] = INVISIBLE_TAGS) -> list[str]:
    """The element's text as :func:`rendered`, one string per block a reader sees apart (a
    heading and the paragraph after it), empty ones left out; elements whose tag is in
    ``skip`` (and their text) are left out too.

    >>> import lxml.html
    >>> page = lxml.html.fromstring("<div><figure><img><figcaption>The quay. Photo: A. Bell"
    ...     "</figcaption></figure>Rain <b>is</b> due.<p> </p></div>")
    >>> rendered_blocks(page)
    ['The quay. Photo: A. Bell', 'Rain is due.']
    >>> rendered_blocks(page, INVISIBLE_TAGS | {"figure"})
    ['Rain is due.']
    """
    blocks = (
        SPACES.sub(" ", block).strip()
        for block in _text(element, _BLOCK_MARK, skip).split(_BLOCK_MARK)
    )
    return [block for block in blocks if block]


# Where a block starts or ends in :func:`_text`'s output: no text of a parsed page holds it.
_BLOCK_MARK = "\x00"


def _text(element: etree._Element, mark: str, skip: frozenset[str] = INVISIBLE_TAGS) -> str:
    """The element's visible text, with ``mark`` where a block starts or ends, less the
    elements whose tag is in ``skip``."""
    parts: list[str] = []
    stack: list[tuple[etree._Element, bool]] = [(element, False)]
    while stack:
        node, closing = stack.pop()
        tag = node.tag if isinstance(node.tag, str) else None
        if closing or tag is None or tag in skip:
            # Past the node: a block's end separates words; then the text after it. Only the
            # tail of a comment, a script or a style is read.
            if closing and tag in BLOCK_TAGS:
                parts.append(mark)
            if node is not element:
                parts.append(node.tail or "")
            continue
        if tag in BLOCK_TAGS:
            parts.append(mark)
        parts.append(node.text or "")
        stack.append((node, True))
        stack.extend((child, False) for child in reversed(node))
    return "".join(parts)
