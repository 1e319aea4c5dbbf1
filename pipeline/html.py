"""HTML in, article text and page facts out: pre-clean the page, then extract with trafilatura.

Guarantees:

- Nothing is fetched. The page is parsed from the bytes given (lxml, network off) and no
  resource it references is loaded; trafilatura is handed the parsed tree.
- Elements the page itself marks as not article (``<figcaption>``, a class or id saying
  caption, credit, newsletter, subscribe, donate, share, ad, related, promo: the
  ``[[html.rules]]`` of the rules file) are taken out before extraction. Each one that held
  text is returned as a :class:`PageRemoval` naming its rule, in document order.
- The text has one paragraph (blank-line-separated) per block trafilatura kept — paragraph,
  heading, list, quote, table — and the lines inside a block (list items, ``<br>``) on lines
  of their own, so the text stages see the page's structure rather than guessing it.
- The metadata (title, author, date, site name, URL, page language) comes from the page
  alone: trafilatura's ``filedate`` (today) is not used and the date search has a fixed upper
  bound, so the same page gives the same record on any day.

The tree is walked without recursion, so a deeply nested page cannot exhaust the stack here.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache

import lxml.html
from htmldate import find_date
from lxml import etree
from trafilatura import bare_extraction
from trafilatura.metadata import (
    META_URL,
    Document,
    examine_meta,
    extract_author,
    extract_meta_json,
    extract_sitename,
    extract_title,
    extract_url,
)
from trafilatura.utils import load_html
from trafilatura.xml import xmltotxt

from pipeline.article import Kind, PageInfo, PageRemoval
from pipeline.decode import decode
from pipeline.errors import DecodeError
from pipeline.rules import ElementRule, HtmlSettings

# trafilatura logs "discarding data" and the like as warnings; with no handler configured,
# Python would print them on stderr. The outcome is in the article's flags instead.
for _name in ("trafilatura", "htmldate", "courlan"):
    logging.getLogger(_name).addHandler(logging.NullHandler())
LOGGER = logging.getLogger(__name__)

# ``<meta charset="...">`` or ``content="text/html; charset=..."`` near the top of the page.
META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([\w.:-]{1,40})""", re.I)
META_CHARSET_BYTES = 4096
# Class and id values split into lower-case words: "wp-caption-text", "newsletterSignup".
TOKEN_SPLIT = re.compile(r"[\s_-]+|(?<=[a-z])(?=[A-Z])")
SPACES = re.compile(r"\s+")
# Never removed whatever their class says: the whole page.
PROTECTED_TAGS = frozenset({"html", "body"})
# Dates after this are not page dates; fixed (not "today") so the record never changes.
MAX_DATE = "2100-12-31"
# libxml2 stops building the tree 255 elements deep and drops everything after that point,
# even text back at the top level: a page that deep is refused rather than silently emptied.
MAX_PARSER_DEPTH = 255
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
# Is there an element MAX_PARSER_DEPTH deep (the tree's root counting as 1)? One C walk,
# level by level, instead of a Python event per element.
_AT_PARSER_DEPTH = etree.XPath("boolean(" + "/".join(["*"] * (MAX_PARSER_DEPTH - 1)) + ")")


@dataclass(frozen=True)
class Extraction:
    """What the HTML step hands to the text stages."""

    text: str
    encoding: str
    page: PageInfo


def decode_html(data: bytes) -> tuple[str, str]:
    """The page as text: UTF-8 when it is valid, else the charset the page declares, else
    the text decoder's evidence (byte-order marks, UTF-16, a statistical guess)."""
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    declared = META_CHARSET.search(data[:META_CHARSET_BYTES])
    if declared is not None:
        name = declared.group(1).decode("ascii", "replace").lower()
        try:
            return data.decode(name), name
        except (LookupError, UnicodeDecodeError):
            pass  # a wrong or unknown declaration: fall back to the evidence
    return decode(data)


def extract(data: bytes, source_id: str, settings: HtmlSettings) -> Extraction:
    """Pre-clean the page and extract its article text and metadata."""
    html, encoding = decode_html(data)
    tree = _parse(html, source_id)
    if tree is None:
        return Extraction("", encoding, PageInfo(found_article=False))
    removals = preclean(tree, settings)
    language = _page_language(tree)
    try:
        metadata = _page_metadata(tree)
        document = bare_extraction(
            tree,
            url=metadata.url,  # what bare_extraction would pass on from its own metadata
            include_comments=False,
            favor_precision=settings.extraction == "precision",
            favor_recall=settings.extraction == "recall",
            # Not "python": that format also renders the whole body as text (document.text),
            # which is not used; the body is rendered block by block below. Only the
            # rendering depends on the format, not what is extracted.
            output_format="txt",
        )
    except RecursionError as exc:
        msg = f"{source_id}: the page is nested too deeply to extract; it is not a normal page"
        raise DecodeError(msg) from exc
    body = getattr(document, "body", None) if document is not None else None
    text = _body_text(body, settings, removals)
    page = PageInfo(
        found_article=bool(text),
        language=language,
        removals=tuple(removals),
        # No metadata when trafilatura discards the page, as when it found the metadata.
        **_metadata(metadata if document is not None else None),
    )
    return Extraction(text, encoding, page)


def _parse(html: str, source_id: str) -> lxml.html.HtmlElement | None:
    """trafilatura's own parser, so the tree is what its extractor expects."""
    try:
        tree: lxml.html.HtmlElement | None = load_html(html)
    except (ValueError, etree.LxmlError) as exc:
        msg = f"{source_id}: the HTML cannot be parsed ({exc}); check it is a web page"
        raise DecodeError(msg) from exc
    if tree is not None and _AT_PARSER_DEPTH(tree):
        msg = (
            f"{source_id}: the page is nested {MAX_PARSER_DEPTH} elements deep or more, the "
            "most the HTML parser reads, so its text past that point would be lost; "
            "it was not cleaned (check it is a normal page)"
        )
        raise DecodeError(msg)
    return tree


def element_names(element: etree._Element) -> frozenset[str]:
    """The lower-case class names and id of an element.

    >>> sorted(element_names(lxml.html.fromstring('<p class="wp-caption-text x" id="adBox">')))
    ['adbox', 'wp-caption-text', 'x']
    """
    return value_names(f"{element.get('class', '')} {element.get('id', '')}")


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
    if not isinstance(element.tag, str) or element.tag.lower() in PROTECTED_TAGS:
        return None
    tag = element.tag.lower()
    tokens = element_tokens(element)
    names = element_names(element)
    for rule in settings.rules:
        if rule.link_share is not None:
            if tag in rule.tags and is_link_block(element, rule):
                return rule
        elif tag in rule.tags or not (
            tokens.isdisjoint(rule.tokens) and names.isdisjoint(rule.names)
        ):
            return rule
    return None


def preclean(tree: etree._Element, settings: HtmlSettings) -> list[PageRemoval]:
    """Remove marked elements from ``tree`` in place; return those that held text.

    Elements are judged top down, in document order; once one is removed, nothing inside
    it is judged. An element longer than ``max_element_words`` is kept even when marked: a
    class like "post has-share-buttons" can sit on the element that wraps the whole article.
    """
    removals: list[PageRemoval] = []
    dropped: etree._Element | None = None
    for element in _finder(settings.rules).candidates(tree):
        if dropped is not None:
            if _is_inside(element, dropped):
                continue
            # A removed element's descendants come right after it in document order: once
            # past them, no later candidate can be inside it.
            dropped = None
        rule = match_element(element, settings)
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


def _solid_length(text: str) -> int:
    """How many characters ``text`` has besides whitespace (``str.split``'s is ``\\s``'s).

    >>> _solid_length("Two words \\n and\\xa0more")
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


def _page_language(tree: etree._Element) -> str | None:
    """The language the page declares (``<html lang>``, else a content-language meta)."""
    declared = tree.get("lang") or tree.get("{http://www.w3.org/XML/1998/namespace}lang")
    if not declared:
        metas = tree.xpath("//meta[@http-equiv and @content]")
        for meta in metas:
            if str(meta.get("http-equiv", "")).lower() == "content-language":
                declared = meta.get("content")
                break
    return (declared.strip().lower() or None) if declared else None


def _page_metadata(tree: lxml.html.HtmlElement) -> Document:
    """The page's title, author, URL, date and site name, found as trafilatura's
    ``extract_metadata`` (2.3) finds them, less what it also looks for and we never use:
    categories, tags and licence, half of its time. The tree is not changed.

    ``tests/unit/test_html_metadata.py`` holds this to ``extract_metadata`` on varied pages.
    """
    metadata = examine_meta(tree)
    if metadata.author and " " not in metadata.author:
        metadata.author = None  # trafilatura's rule: a one-word author is a user name
    try:
        metadata = extract_meta_json(tree, metadata)
    except Exception:  # trafilatura's own guard, kept: its JSON-LD reader has had bugs
        LOGGER.warning("error in JSON metadata extraction")
    metadata.title = metadata.title or extract_title(tree)
    metadata.author = metadata.author or extract_author(tree)
    metadata.url = metadata.url or extract_url(tree)
    # The date the page was first published, looked for in the text too if the markup has none.
    metadata.date = find_date(
        tree, url=metadata.url, original_date=True, extensive_search=True, max_date=MAX_DATE
    )
    metadata.sitename = _site_name(metadata.sitename or extract_sitename(tree), metadata.url)
    metadata.clean_and_trim()
    return metadata


def _site_name(found: str | None, url: str | None) -> str | None:
    """trafilatura's site name: without a Twitter "@", capitalised unless a domain, else
    the URL's host."""
    if found:
        found = found.lstrip("@")
        if found and "." not in found and not found[0].isupper():
            found = found.title()
        return found
    match = META_URL.match(url) if url else None
    return match[1] if match else None


def _metadata(document: object) -> dict[str, str | None]:
    """Title, author, date, site name and URL from trafilatura's record (never filedate)."""

    def field(name: str) -> str | None:
        value = getattr(document, name, None) if document is not None else None
        return (SPACES.sub(" ", value).strip() or None) if isinstance(value, str) else None

    return {
        "title": field("title"),
        "author": field("author"),
        "date": field("date"),
        "site_name": field("sitename"),
        "url": field("url"),
    }


def _body_text(
    body: etree._Element | None, settings: HtmlSettings, removals: list[PageRemoval]
) -> str:
    """One paragraph per top-level block of trafilatura's output, lines within it kept.

    Blocks that a link-share rule recognises (a list of links to other stories) are left
    out and recorded in ``removals``.
    """
    if body is None:
        return ""
    blocks = []
    for child in body:
        if not isinstance(child.tag, str):
            continue
        text = xmltotxt(child, False).strip()
        if text:
            blocks.append(text)
    return "\n\n".join(blocks)


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
    total = _solid_length(" ".join(_visible_texts(block)) if hidden else _STRING(block))
    return total > 0 and _link_length(block, hidden) >= rule.link_share * total


def _link_length(block: etree._Element, hidden: bool) -> int:
    """The visible text of the block's links (``<a>``), in characters besides whitespace."""
    if not hidden and not _NESTED_LINK(block):
        return _solid_length("".join(_LINK_TEXTS(block)))  # one XPath for all the links
    return sum(_solid_length(" ".join(_visible_texts(a))) for a in block.iter("a"))
