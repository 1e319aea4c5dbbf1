"""HTML in, article text and page facts out: pre-clean the page, then extract with trafilatura.

Guarantees:

- Nothing is fetched. The page is parsed from the bytes given (lxml, network off) and no
  resource it references is loaded; trafilatura is handed the parsed tree.
- Elements the page itself marks as not article (``<figcaption>``, a class or id saying
  caption, credit, newsletter, subscribe, donate, share, ad, related, promo: the
  ``[[html.rules]]`` of the rules file) are taken out before extraction
  (``pipeline.preclean``). Each one that held text is returned as a :class:`PageRemoval`
  naming its rule, in document order.
- The text has one paragraph (blank-line-separated) per block trafilatura kept — paragraph,
  heading, list, quote, table — and the lines inside a block (list items, ``<br>``) on lines
  of their own, so the text stages see the page's structure rather than guessing it.
- The standfirst (``pipeline.standfirst``) is recorded whether or not the text holds it; it
  is added to the text, as its first block (under the headline if the text starts with
  it), only when the extraction left it out and ``[html] standfirst`` says so: by default
  when it stands right above the body. Failing that, a lead the page marks by its class
  (``[html] lead_words``) that stands right above the body is added, and recorded, instead.
- trafilatura runs with its XPaths rewritten to select the same elements faster
  (``pipeline.fastxpath``, installed when this module is imported), on a tree parsed as it
  parses pages but with each element's class chosen in C (``pipeline.htmlparse``): same
  output, less time.
- The metadata (title, author, date, site name, URL, page language) comes from the page
  alone: trafilatura's ``filedate`` (today) is not used and the date search has a fixed upper
  bound, so the same page gives the same record on any day.

The tree is walked without recursion, so a deeply nested page cannot exhaust the stack here.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import re
from dataclasses import dataclass

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

from pipeline.article import (
    DecodingRepair,
    ExtractionChoice,
    Kind,
    PageInfo,
    PageRemoval,
    Standfirst,
)
from pipeline.candidates import (
    Paragraphs,
    add_siblings,
    coverage,
    first_held,
    missing_siblings,
    paragraphs,
)
from pipeline.decode import Decoded, decode_explained
from pipeline.embeds import lift_posts
from pipeline.errors import DecodeError, LimitError
from pipeline.fastxpath import install as install_fast_xpaths
from pipeline.htmlparse import load_html
from pipeline.preclean import SPACES, preclean
from pipeline.render import blocks_of
from pipeline.repeats import repeated_blocks
from pipeline.rules import HtmlSettings
from pipeline.standfirst import find_leads, find_standfirst_element, stands_above

# trafilatura logs "discarding data" and the like as warnings; with no handler configured,
# Python would print them on stderr. The outcome is in the article's flags instead.
for _name in ("trafilatura", "htmldate", "courlan"):
    logging.getLogger(_name).addHandler(logging.NullHandler())
LOGGER = logging.getLogger(__name__)
# trafilatura's class and id tests in C rather than in Python regex callbacks: the same
# elements, about 12% less time a page (``pipeline.fastxpath``).
install_fast_xpaths()

# ``<meta charset="...">`` or ``content="text/html; charset=..."`` near the top of the page.
META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([\w.:-]{1,40})""", re.I)
META_CHARSET_BYTES = 4096
# Dates after this are not page dates; fixed (not "today") so the record never changes.
MAX_DATE = "2100-12-31"
# The removal of a block that repeats another (settings: ``repeat_*`` in ``[html]``).
REPEAT_RULE = "teaser.repeated_block"
# libxml2 stops building the tree 255 elements deep and drops everything after that point,
# even text back at the top level: a page that deep is refused rather than silently emptied.
MAX_PARSER_DEPTH = 255
# Is there an element MAX_PARSER_DEPTH deep (the tree's root counting as 1)? One C walk,
# level by level, instead of a Python event per element.
# Comments, scripts and styles longer than this, and attribute values, are dropped before
# parsing (``_without_huge_nodes``): a tenth of libxml2's 10 MB text-node limit, so a page
# shorter than this, nearly every page, is not scanned at all.
HUGE_NODE = 1_000_000
_HUGE_ATTRIBUTE = re.compile(rf"""(?P<eq>=\s*)(?:"[^"]{{{HUGE_NODE},}}"|'[^']{{{HUGE_NODE},}}')""")
_AT_PARSER_DEPTH = etree.XPath("boolean(" + "/".join(["*"] * (MAX_PARSER_DEPTH - 1)) + ")")


@dataclass(frozen=True)
class Extraction:
    """What the HTML step hands to the text stages."""

    text: str
    encoding: str
    page: PageInfo
    decoding: tuple[DecodingRepair, ...] = ()  # bytes not read as the encoding


def decode_html(data: bytes) -> Decoded:
    """The page as text: UTF-8 when it is valid, else the charset the page declares, else
    the text decoder's evidence (byte-order marks, UTF-16, UTF-8 with a few stray bytes, a
    statistical guess), with the repairs it made (recorded in the sidecar as for text)."""
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    declared = META_CHARSET.search(data[:META_CHARSET_BYTES])
    if declared is not None:
        name = declared.group(1).decode("ascii", "replace").lower()
        try:
            return Decoded(data.decode(name), name)
        except (LookupError, UnicodeDecodeError):
            pass  # a wrong or unknown declaration: fall back to the evidence
    return decode_explained(data)


def extract(data: bytes, source_id: str, settings: HtmlSettings) -> Extraction:
    """Pre-clean the page and extract its article text and metadata."""
    html, encoding, decoding = decode_html(data)
    tree = _parse(_without_huge_nodes(html), source_id)
    if tree is None:
        return Extraction("", encoding, PageInfo(found_article=False), decoding)
    # Before pre-cleaning: a widget rule must not take the quoted post with its wrapper.
    lifted = lift_posts(tree, frozenset(settings.embedded_posts))
    removals = preclean(tree, settings)
    language = _page_language(tree)
    metadata = _guarded_metadata(tree, source_id)
    blocks, choice, found, body = _choose(tree, metadata.url, settings, source_id)
    standfirst = _standfirst(tree, metadata, blocks, body, settings)
    if standfirst is not None and standfirst.added:
        # Under the headline when the text starts with it, as the page shows it.
        headline = bool(blocks) and _solid(blocks[0]) == _solid(metadata.title or "")
        blocks.insert(1 if headline else 0, standfirst.text)
        if standfirst.found_by == "lead":
            what, where = "the lead the page marks by its class", " (it stands right above it)"
        else:
            what = "the standfirst"
            where = " (it stands right above the body)" if settings.standfirst == "adjacent" else ""
        reason = f"{choice.reason}; {what} it had left out{where} was put atop the text"
        choice = dataclasses.replace(choice, reason=reason)
    text = "\n\n".join(_without_repeats(blocks, settings, removals))
    page = PageInfo(
        found_article=bool(text),
        language=language,
        removals=tuple(removals),
        extraction=choice,
        standfirst=standfirst if found else None,
        lifted_posts=lifted,
        # No metadata when every extraction discards the page, as when it found the metadata.
        **_metadata(metadata if found else None),
    )
    return Extraction(text, encoding, page, decoding)


def _choose(
    tree: lxml.html.HtmlElement, url: str | None, settings: HtmlSettings, source_id: str
) -> tuple[list[str], ExtractionChoice, bool, Paragraphs]:
    """The blocks of the first extraction unless the page shows it lost the article
    (``pipeline.candidates``); the choice made, whether any extraction found a document, and
    the page's paragraph text."""
    found = paragraphs(tree, settings.paragraph_min_words)
    first = _candidate(tree, url, settings.extraction, source_id)
    tried = [(settings.extraction, first, coverage(first.text, found))]
    best = tried[0]
    reason = "the first extraction holds the page's paragraph text"
    if first.error is not None:
        reason = f"the first extraction failed ({first.error})"
    elif best[2] < settings.min_coverage:
        reason = f"the first extraction holds {best[2]:.0%} of the page's paragraph text"
    if (first.error is not None or best[2] < settings.min_coverage) and (
        settings.fallback_extraction != settings.extraction
    ):
        second = _candidate(tree, url, settings.fallback_extraction, source_id)
        tried.append((settings.fallback_extraction, second, coverage(second.text, found)))
        if second.error is None and (tried[1][2], len(second.text)) > (best[2], len(first.text)):
            best = tried[1]
            reason += f"; the {settings.fallback_extraction} extraction holds {best[2]:.0%}"
    if all(candidate.error is not None for _, candidate, _ in tried):
        msg = (
            f"{source_id}: the HTML extractor failed on this page ({first.error}); "
            "check it is a web page (an SVG or XML file saved as .html is not)"
        )
        raise DecodeError(msg)
    name, chosen, _ = best
    blocks = list(chosen.blocks)
    added = add_siblings(blocks, missing_siblings("\n\n".join(blocks), found))
    if added:
        reason += f"; {added} block(s) of sibling containers it had left out were added"
    choice = ExtractionChoice(
        used=f"trafilatura.{name}" + ("+siblings" if added else ""),
        reason=reason,
        candidates=tuple((n, len(c.text), round(s, 3)) for n, c, s in tried),
        added_blocks=added,
        fallback=best is not tried[0] or added > 0,
    )
    return blocks, choice, any(c.document for _, c, _ in tried), found


def _standfirst(
    tree: lxml.html.HtmlElement,
    metadata: Document,
    blocks: list[str],
    body: Paragraphs,
    settings: HtmlSettings,
) -> Standfirst | None:
    """The page's standfirst, whether the extracted blocks hold it, and whether it is to be
    added atop them: the blocks have some text, and ``[html] standfirst`` is "body", or
    "adjacent" and it stands right above the body's first paragraph (``stands_above``).

    Without a standfirst found by the description that the blocks hold or get, the leads the
    page marks by its class (``find_leads``) are taken in page order, unless ``[html]
    standfirst`` is "field": the first that the blocks hold, or that stands right above the
    body, decides; the one standing above is added."""
    description = getattr(metadata, "description", None)
    found = find_standfirst_element(
        tree, description, settings.standfirst_min_words, settings.standfirst_max_ratio
    )
    place = _Placement(blocks, body, settings)
    standfirst = None
    if found is not None:
        element, text = found
        held = place.holds(text)
        added = not held and bool(blocks) and settings.standfirst != "field"
        if added and settings.standfirst == "adjacent":
            added = place.above_body(element)
        standfirst = Standfirst(text, in_body=held or added, added=added)
        if standfirst.in_body:
            return standfirst
    if not blocks or settings.standfirst == "field":
        return standfirst
    for element, text in find_leads(
        tree, frozenset(settings.lead_words), settings.standfirst_min_words
    ):
        if place.holds(text):
            return standfirst  # the extraction has the page's first lead
        if place.above_body(element):
            return Standfirst(text, in_body=True, added=True, found_by="lead")
    return standfirst


@dataclass
class _Placement:
    """What placing a standfirst or a lead asks of the extracted blocks, each worked out
    once a page however many candidates are judged."""

    blocks: list[str]
    body: Paragraphs
    settings: HtmlSettings

    @functools.cached_property
    def _solid_text(self) -> str:
        return _solid("".join(self.blocks))

    @functools.cached_property
    def _first(self) -> etree._Element | None:
        return first_held(self.body, "\n\n".join(self.blocks))

    def holds(self, text: str) -> bool:
        # Compared without whitespace: trafilatura may space inline elements otherwise.
        return _solid(text) in self._solid_text

    def above_body(self, element: etree._Element) -> bool:
        first, settings = self._first, self.settings
        return first is not None and stands_above(
            element, first, settings.standfirst_levels, frozenset(settings.standfirst_header_words)
        )


def _solid(text: str) -> str:
    return "".join(text.split())


def _without_repeats(
    blocks: list[str], settings: HtmlSettings, removals: list[PageRemoval]
) -> list[str]:
    """The blocks less pull quotes and other repeats of a block (``pipeline.repeats``),
    each recorded in ``removals``."""
    if not settings.remove_repeats:
        return blocks
    repeats = repeated_blocks(
        blocks, settings.repeat_min_words, settings.repeat_max_words, settings.repeat_overlap
    )
    for index, original in repeats.items():
        removals.append(
            PageRemoval(
                rule=REPEAT_RULE,
                kind=Kind.TEASER,
                reason=f"repeats block {original + 1} of the page's text (a pull quote)",
                element="block",
                text=blocks[index],
            )
        )
    return [block for index, block in enumerate(blocks) if index not in repeats]


@dataclass(frozen=True)
class _Candidate:
    blocks: tuple[str, ...] = ()
    document: bool = False  # trafilatura kept the page (else it discarded it)
    error: str | None = None  # what the extractor raised on this page

    @property
    def text(self) -> str:
        return "\n\n".join(self.blocks)


def _candidate(
    tree: lxml.html.HtmlElement, url: str | None, mode: str, source_id: str
) -> _Candidate:
    """One trafilatura extraction (the tree is copied by trafilatura, never changed)."""
    try:
        document = bare_extraction(
            tree,
            url=url,  # what bare_extraction would pass on from its own metadata
            include_comments=False,
            favor_precision=mode == "precision",
            favor_recall=mode == "recall",
            # Not "python": that format also renders the whole body as text (document.text),
            # which is not used; the body is rendered block by block below. Only the
            # rendering depends on the format, not what is extracted.
            output_format="txt",
        )
    except RecursionError as exc:
        msg = f"{source_id}: the page is nested too deeply to extract; it is not a normal page"
        raise DecodeError(msg) from exc
    except (LimitError, MemoryError):
        raise
    except Exception as exc:  # the extractor's own bug on this page: another may not have it
        LOGGER.debug("%s: %s extraction failed", source_id, mode, exc_info=True)
        return _Candidate(error=f"{type(exc).__name__}: {exc}"[:200])
    body = getattr(document, "body", None) if document is not None else None
    return _Candidate(tuple(blocks_of(body)), document is not None)


def _without_huge_nodes(html: str) -> str:
    """The page less comments, scripts and styles of more than ``HUGE_NODE`` characters, and
    with such attribute values (a ``data:`` URI, a JSON blob) emptied. libxml2 stops building
    the tree at a text node of 10 MB, so one such node before the article lost the article;
    none of them is text a reader sees. Linear: every search starts where the last ended or
    is remembered until passed, and an opener never closed ends the search (the rest of the
    page is inside it)."""
    if len(html) <= HUGE_NODE:
        return html
    lower = html.lower()  # same length unless a character case-folds to two
    if len(lower) != len(html):
        lower = html
    kept: list[str] = []
    at = 0
    openers = {opener: lower.find(opener) for opener in ("<!--", "<script", "<style")}
    while True:
        for opener, index in openers.items():
            if 0 <= index < at:
                openers[opener] = lower.find(opener, at)
        waiting = [(index, opener) for opener, index in openers.items() if index >= 0]
        if not waiting:
            break
        start, opener = min(waiting)
        block = _block_end(lower, start, opener)
        if block is None:
            break
        body, end = block
        if end - start > HUGE_NODE:
            kept.append(html[at:body])  # a script keeps its tags; a comment goes whole
        else:
            kept.append(html[at:end])
        at = end
    kept.append(html[at:])
    return _HUGE_ATTRIBUTE.sub(r'\g<eq>""', "".join(kept))


def _block_end(lower: str, start: int, opener: str) -> tuple[int, int] | None:
    """Where a comment's or element's content starts (a comment's own start: it goes whole)
    and where what would be dropped ends (a closing tag is kept); None when never closed."""
    if opener == "<!--":
        close = lower.find("-->", start + 4)
        return None if close < 0 else (start, close + 3)
    body = lower.find(">", start)
    close = lower.find("</" + opener[1:], body) if body >= 0 else -1
    return None if close < 0 else (body + 1, close)


def _parse(html: str, source_id: str) -> lxml.html.HtmlElement | None:
    """trafilatura's parsing (``pipeline.htmlparse``), so the tree is what its extractor
    expects."""
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


def _guarded_metadata(tree: lxml.html.HtmlElement, source_id: str) -> Document:
    """The page's metadata; none when the metadata readers (trafilatura's, htmldate's) fail
    on this page (an SVG or XML document saved as .html trips lxml's tree edits): the text
    can still be extracted, and a page without a date or title is not an error."""
    try:
        return _page_metadata(tree)
    except (LimitError, MemoryError, RecursionError):
        raise
    except Exception:  # a dependency's bug on this page, not a reason to lose its text
        LOGGER.debug("%s: metadata extraction failed", source_id, exc_info=True)
        return Document()


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
