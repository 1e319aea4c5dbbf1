"""Is an extraction plausible, and what to do when it is not.

trafilatura's first answer (the mode the rules file names, ``precision`` by default) is kept
unless the page itself shows it lost the article. Two signals, both read from the pre-cleaned
page alone, with no site names and no per-page thresholds:

- **Coverage.** The page's *paragraph text* is the text of its ``<p>`` elements of at least
  ``paragraph_min_words`` words (sentences, not menus or labels). An extraction holding less
  than ``min_coverage`` of it (only a side box, only one of several body containers, nothing)
  is implausible: the fallback mode (``fallback_extraction``) is tried, and the longer of the
  two answers is used.
- **Sibling containers.** A body split into sibling elements of one tag and class (two
  ``<div class="body__container">`` with an ad slot between), each holding paragraph text,
  of which the extraction holds some but not all: the paragraphs of the missing siblings are
  added after the text of the sibling before them, in page order.

Guarantees: the first candidate is kept whenever it looks complete, so a second extraction
costs time only on the pages that need it; the choice, its reason and the candidates' sizes
are recorded (``page.extraction`` in the sidecar) and a choice other than the first flags the
article ``extraction_fallback``. Nothing is fetched and the tree is not changed.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from lxml import etree

from pipeline.preclean import SPACES

# Elements read as blocks when a missing sibling container's text is added.
BLOCK_TAGS = frozenset(
    {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "dt", "dd"}
)
_BLOCKS = etree.XPath(
    "descendant::*[" + " or ".join(f"self::{tag}" for tag in sorted(BLOCK_TAGS)) + "]"
)
_PARAGRAPHS = etree.XPath("//body//p")
_STRING = etree.XPath("string()", smart_strings=False)
# How far up from a paragraph a body container is looked for.
CONTAINER_DEPTH = 4
# A paragraph is looked for in the output by its first characters (enough to be unique,
# few enough that a repaired quote or space further on does not hide it).
PROBE_CHARS = 60


def text_of(element: etree._Element) -> str:
    """The element's text, whitespace runs as one space."""
    return SPACES.sub(" ", str(_STRING(element))).strip()


@dataclass(frozen=True)
class Paragraphs:
    """The page's paragraph text: ``<p>`` elements long enough to be sentences."""

    elements: tuple[etree._Element, ...]
    texts: tuple[str, ...]

    @property
    def chars(self) -> int:
        return sum(len(t) for t in self.texts)


def paragraphs(tree: etree._Element, min_words: int) -> Paragraphs:
    """Every ``<p>`` in the body with at least ``min_words`` words, in page order."""
    elements, texts = [], []
    for element in _PARAGRAPHS(tree):
        text = text_of(element)
        if len(text.split()) >= min_words:
            elements.append(element)
            texts.append(text)
    return Paragraphs(tuple(elements), tuple(texts))


def coverage(text: str, found: Paragraphs) -> float:
    """The share of the page's paragraph text an extraction holds (1.0 when it has none)."""
    if not found.chars:
        return 1.0
    flat = SPACES.sub(" ", text)
    held = sum(len(t) for t in found.texts if _probe(t) in flat)
    return held / found.chars


def first_held(found: Paragraphs, text: str) -> etree._Element | None:
    """The first paragraph of the page that ``text`` (an extraction) holds, if any."""
    flat = SPACES.sub(" ", text)
    pairs = zip(found.elements, found.texts, strict=True)
    return next((element for element, t in pairs if _probe(t) in flat), None)


def _probe(text: str) -> str:
    return text[:PROBE_CHARS]


@dataclass
class Container:
    """An element holding paragraphs, with the siblings it shares a tag and class with."""

    element: etree._Element
    paragraphs: list[str] = field(default_factory=list)


def sibling_containers(found: Paragraphs) -> list[list[Container]]:
    """Groups of two or more sibling elements of one tag and class that each hold paragraph
    text, in page order. The nearest such group above each paragraph is the one used."""
    holders: dict[etree._Element, Container] = {}
    for element, text in zip(found.elements, found.texts, strict=True):
        ancestor = element.getparent()
        for _ in range(CONTAINER_DEPTH):
            if ancestor is None or ancestor.tag in ("body", "html"):
                break
            if ancestor.get("class"):
                holders.setdefault(ancestor, Container(ancestor)).paragraphs.append(text)
                break
            ancestor = ancestor.getparent()
    groups: dict[tuple[object, str, str], list[Container]] = defaultdict(list)
    for container in holders.values():
        element = container.element
        key = (element.getparent(), str(element.tag), str(element.get("class")))
        groups[key].append(container)
    return [group for group in groups.values() if len(group) >= 2]


def missing_siblings(text: str, found: Paragraphs) -> list[tuple[Container, Container]]:
    """``(previous, missing)`` pairs: a sibling container none of whose paragraphs the text
    holds, after one some of whose paragraphs it does hold."""
    flat = SPACES.sub(" ", text)
    pairs = []
    for group in sibling_containers(found):
        held = [any(_probe(p) in flat for p in c.paragraphs) for c in group]
        if not any(held):
            continue
        previous: Container | None = None
        for container, is_held in zip(group, held, strict=True):
            if is_held:
                previous = container
            elif previous is not None:
                pairs.append((previous, container))
                previous = container
    return pairs


def container_blocks(element: etree._Element) -> list[str]:
    """The text blocks of a container, in page order, a block inside another read once."""
    blocks: list[str] = []
    taken: set[etree._Element] = set()
    for block in _BLOCKS(element):
        if any(ancestor in taken for ancestor in block.iterancestors()):
            continue
        taken.add(block)
        text = text_of(block)
        if text:
            blocks.append(text)
    return blocks


def add_siblings(blocks: list[str], pairs: list[tuple[Container, Container]]) -> int:
    """Insert each missing sibling's blocks after the last block holding the previous
    sibling's last held paragraph (else at the end). Returns how many blocks were added."""
    added = 0
    for previous, missing in pairs:
        new = container_blocks(missing.element)
        probes = [_probe(p) for p in previous.paragraphs]
        at = len(blocks)
        for index in range(len(blocks) - 1, -1, -1):
            flat = SPACES.sub(" ", blocks[index])
            if any(probe in flat for probe in probes):
                at = index + 1
                break
        blocks[at:at] = new
        added += len(new)
    return added
