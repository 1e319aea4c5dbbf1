"""Context-sensitive matchers (the revise pass): a line judged by its removed neighbours.

jusText's insight: a line that says little on its own is boilerplate when what surrounds it
is. Each matcher yields ``(segment id, confidence)`` for kept segments only.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import pairwise

from pipeline.article import Article, Kind
from pipeline.matchers.base import Context
from pipeline.rules import Rule
from pipeline.segment import ends_sentence, is_heading_like

QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "«": '"', "»": '"'})
NON_WORD = re.compile(r"[\W_]+")


def fold(text: str) -> str:
    """Compare captions ignoring case, quote style and punctuation.

    >>> fold("Ukraine's delegation") == fold("UKRAINE’S  delegation!")
    True
    """
    return NON_WORD.sub(" ", text.translate(QUOTES).lower()).strip()


def _kinds(rule: Rule, name: str) -> frozenset[Kind]:
    return frozenset(Kind(k) for k in rule.param(name, ()))


def match_caption_twin(article: Article, rule: Rule, ctx: Context) -> Iterator[tuple[int, float]]:
    """A kept line that repeats a nearby removed caption without its credit.

    Seed Ynetnews prints each caption twice: plain, then with "(Photo: Reuters)"; only the
    second carries the credit the classify pass recognises.
    """
    removed = article.removed_ids()
    window = int(rule.param("window", 2))
    max_extra = int(rule.param("max_extra_words", 12))
    min_words = int(rule.param("min_words", 3))
    for removal in article.removals:
        if removal.kind not in _kinds(rule, "of_kinds"):
            continue
        caption = fold(article.segments[removal.segment].text)
        low, high = max(removal.segment - window, 0), removal.segment + window + 1
        for seg in article.segments[low:high]:
            if seg.id in removed or seg.words < min_words:
                continue
            twin = fold(seg.text)
            if twin and twin in caption and len(caption.split()) - len(twin.split()) <= max_extra:
                yield seg.id, rule.confidence


def match_neighbour(article: Article, rule: Rule, ctx: Context) -> Iterator[tuple[int, float]]:
    """A short unpunctuated line in the same paragraph as, and next to, a removed line."""
    removed = article.removed_ids()
    max_words = int(rule.param("max_words", 25))
    segments = article.segments
    for removal in article.removals:
        # Only from other rules' removals: a caption's neighbour must not become the next
        # starting point, or a whole list under a captioned photo would go line by line.
        if removal.kind not in _kinds(rule, "from_kinds") or removal.rule == rule.id:
            continue
        origin = segments[removal.segment]
        for index in (origin.id - 1, origin.id + 1):
            if not 0 <= index < len(segments) or index in removed:
                continue
            seg = segments[index]
            if seg.paragraph == origin.paragraph and is_heading_like(seg, max_words):
                yield seg.id, rule.confidence


def match_between(article: Article, rule: Rule, ctx: Context) -> Iterator[tuple[int, float]]:
    """Kept lines sandwiched between two removals of one kind, at most ``max_gap`` of them.

    An appeal block holds sentences with no keyword ("While we maintain our independence
    from political affiliations, ..."); its neighbours give it away.
    """
    kinds = _kinds(rule, "of_kinds")
    max_gap = int(rule.param("max_gap", 2))
    removed = article.removed_ids()
    positions = sorted(r.segment for r in article.removals if r.kind in kinds)
    for before, after in pairwise(positions):
        gap = [i for i in range(before + 1, after) if i not in removed]
        if 0 < len(gap) <= max_gap:
            yield from ((i, rule.confidence) for i in gap)


def match_heading_before(article: Article, rule: Rule, ctx: Context) -> Iterator[tuple[int, float]]:
    """Heading-like lines stacked directly above a removal of one kind (an appeal's headings)."""
    kinds = _kinds(rule, "of_kinds")
    max_headings = int(rule.param("max_headings", 5))
    removed = article.removed_ids()
    for removal in article.removals:
        if removal.kind not in kinds or removal.rule == rule.id:  # at most max_headings
            continue
        index = removal.segment - 1
        while index >= 0 and removal.segment - index <= max_headings and index not in removed:
            seg = article.segments[index]
            if ends_sentence(seg.text) or seg.words > ctx.rules.heading_max_words:
                break
            yield seg.id, rule.confidence
            index -= 1
