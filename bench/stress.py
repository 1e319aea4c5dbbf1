"""The HTML path on pages whose markup extractors read badly: ``make bench-stress`` or
``python -m bench.stress CORPUS``.

Neither dev corpus has many pages where trafilatura fails; the held-out pages do. This bench
makes such pages from the English pages of a corpus with whole gold bodies (zyte-dev) by
rewriting their markup and keeping their text, and scores article-clean and trafilatura
(``favor_precision`` and defaults, comments excluded, its own XPaths) on each with the
corpus's shingle metric (``bench.quality``). The transforms, each a shape real sites have:

- ``hashed``: every class and id value replaced by a hash of it, as CSS-in-JS sites write
  them: no name says caption, body or comments;
- ``divs``: every ``<p>`` a ``<div>``;
- ``flat``: ``<article>``, ``<main>`` and ``<section>`` renamed ``<div>``;
- ``br``: the paragraphs of the element holding the most ``<p>`` children written into it
  as text, each ended by ``<br><br>``;
- ``split``: the second half of those paragraphs moved into a new ``<div>`` after it, an ad
  slot between;
- ``all3``: ``hashed``, ``divs`` and ``flat`` together.

It prints, per transform and system, mean precision, mean recall, their F1 and how many pages
have a recall under 0.5; then the pages where article-clean's recall is 0.2 or more under a
trafilatura mode's or under its own on the page as it is. No randomness: the same corpus
gives the same table.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import lxml.html
import trafilatura
from lxml import etree

from bench.corpus import read_page
from bench.quality import Page, corpus_score, load_pages, page_scores
from pipeline import clean_bytes, fastxpath, load_rules
from pipeline.errors import CleaningError
from pipeline.html import decode_html

Transform = Callable[[lxml.html.HtmlElement], None]
SYSTEMS = ("article-clean", "trafilatura (favor_precision)", "trafilatura (defaults)")
LOW_RECALL = 0.5
BEHIND = 0.2  # recall this much under another system's, or the product's own unchanged
SHOWN = 8
RULES = load_rules()


def hashed(root: lxml.html.HtmlElement) -> None:
    for element in root.iter(etree.Element):
        for name in ("class", "id"):
            value = element.get(name)
            if value is not None:
                words = value.split() if name == "class" else [value]
                element.set(name, " ".join(_hash(word) for word in words) or _hash(value))


def _hash(value: str) -> str:
    return "css-" + hashlib.sha1(value.encode()).hexdigest()[:6]


def divs(root: lxml.html.HtmlElement) -> None:
    for element in root.iter("p"):
        element.tag = "div"


def flat(root: lxml.html.HtmlElement) -> None:
    for element in root.iter("article", "main", "section"):
        element.tag = "div"


def _body_holder(root: lxml.html.HtmlElement) -> lxml.html.HtmlElement | None:
    """The element with the most ``<p>`` children (the first, on a tie)."""
    best, most = None, 0
    for element in root.iter(etree.Element):
        count = sum(1 for child in element if child.tag == "p")
        if count > most:
            best, most = element, count
    return best


def br(root: lxml.html.HtmlElement) -> None:
    holder = _body_holder(root)
    if holder is None:
        return
    for paragraph in [child for child in holder if child.tag == "p"]:
        at = holder.index(paragraph)
        first, second = etree.Element("br"), etree.Element("br")
        second.tail = paragraph.tail
        previous = paragraph.getprevious()
        if previous is None:
            holder.text = (holder.text or "") + paragraph.text_content()
        else:
            previous.tail = (previous.tail or "") + paragraph.text_content()
        holder.remove(paragraph)
        holder.insert(at, first)
        holder.insert(at + 1, second)


def split(root: lxml.html.HtmlElement) -> None:
    holder = _body_holder(root)
    parent = holder.getparent() if holder is not None else None
    if holder is None or parent is None:
        return
    paragraphs = [child for child in holder if child.tag == "p"]
    moved = paragraphs[len(paragraphs) // 2 :]
    slot = etree.Element("div", {"class": "ad-slot"})
    slot.text = "Advertisement"
    rest = etree.Element("div")
    for paragraph in moved:
        tail = paragraph.tail
        holder.remove(paragraph)  # lxml moves the tail with it; keep it on the paragraph
        paragraph.tail = tail
        rest.append(paragraph)
    rest.tail, holder.tail = holder.tail, None
    at = parent.index(holder)
    parent.insert(at + 1, slot)
    parent.insert(at + 2, rest)


def all3(root: lxml.html.HtmlElement) -> None:
    for transform in (hashed, divs, flat):
        transform(root)


TRANSFORMS: dict[str, Transform | None] = {
    "as is": None,
    "hashed": hashed,
    "divs": divs,
    "flat": flat,
    "br": br,
    "split": split,
    "all3": all3,
}


def transformed(html: str, transform: Transform | None) -> str:
    """The page with its markup rewritten (the page itself when ``transform`` is None)."""
    if transform is None:
        return html
    root = lxml.html.fromstring(html)
    transform(root)
    return str(lxml.html.tostring(root, encoding="unicode", doctype="<!DOCTYPE html>"))


def extract_all(page_id: str, html: str) -> dict[str, str]:
    """Each system's body for one page."""
    bodies = {}
    try:
        article = clean_bytes(html.encode(), source_id=page_id, rules=RULES, fmt="html")
        bodies[SYSTEMS[0]] = article.clean_text()
    except CleaningError:
        bodies[SYSTEMS[0]] = ""
    with fastxpath.stock():  # trafilatura as it ships
        for name, precision in zip(SYSTEMS[1:], (True, False), strict=True):
            text = trafilatura.extract(html, include_comments=False, favor_precision=precision)
            bodies[name] = text or ""
    return bodies


@dataclass
class Results:
    """Bodies by transform, system and page id."""

    bodies: dict[str, dict[str, dict[str, str]]]

    def recall(self, transform: str, system: str, page: Page) -> float:
        return page_scores(self.bodies[transform][system][page.id], str(page.gold))[1]


def run(pages: list[Page]) -> Results:
    bodies: dict[str, dict[str, dict[str, str]]] = {
        name: {system: {} for system in SYSTEMS} for name in TRANSFORMS
    }
    for page in pages:
        html = decode_html(read_page(page.inputs["html"]))[0]
        for name, transform in TRANSFORMS.items():
            for system, body in extract_all(page.id, transformed(html, transform)).items():
                bodies[name][system][page.id] = body
    return Results(bodies)


def report(results: Results, pages: list[Page]) -> list[str]:
    lines = [f"{'transform':10}" + "".join(f"{system:>32}" for system in SYSTEMS)]
    lines.append(" " * 10 + f"{'P / R / F1 / R<' + str(LOW_RECALL):>32}" * len(SYSTEMS))
    for name in TRANSFORMS:
        cells = []
        for system in SYSTEMS:
            bodies = results.bodies[name][system]
            score = corpus_score((bodies[page.id], str(page.gold)) for page in pages)
            low = sum(results.recall(name, system, page) < LOW_RECALL for page in pages)
            cell = f"{score.precision:.3f} / {score.recall:.3f} / {score.f1:.3f} / {low}"
            cells.append(f"{cell:>32}")
        lines.append(f"{name:10}" + "".join(cells))
    for name in list(TRANSFORMS)[1:]:
        behind = _behind(results, pages, name)
        lines.append(f"\n{name}: {len(behind)} page(s) where article-clean's recall is "
                     f"{BEHIND} or more under another's or its own as is")  # fmt: skip
        lines.extend(behind[:SHOWN])
    return lines


def _behind(results: Results, pages: list[Page], name: str) -> list[str]:
    found = []
    for page in pages:
        ours = results.recall(name, SYSTEMS[0], page)
        others = {system: results.recall(name, system, page) for system in SYSTEMS[1:]}
        own = results.recall("as is", SYSTEMS[0], page)
        if max(*others.values(), own) - ours >= BEHIND:
            theirs = ", ".join(f"{system} {r:.2f}" for system, r in others.items())
            found.append(f"  {page.id[:12]}  article-clean {ours:.2f} (as is {own:.2f}); {theirs}")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("corpus", type=Path, help="a corpus with gold bodies, e.g. zyte-dev")
    args = parser.parse_args(argv)
    pages = [
        page
        for page in load_pages(args.corpus)
        if page.language == "en" and "html" in page.inputs and isinstance(page.gold, str)
    ]
    if not pages:
        print(f"{args.corpus}: no English page with HTML and a gold body", file=sys.stderr)
        return 2
    print(f"{args.corpus.name}: {len(pages)} English pages, each under {len(TRANSFORMS)} forms")
    print("\n".join(report(run(pages), pages)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
