"""Context-free matchers: a regex (or phrase list compiled to one) searched in the line."""

from __future__ import annotations

from pipeline.article import Segment
from pipeline.matchers.base import Context
from pipeline.rules import Rule


def match_pattern(segment: Segment, rule: Rule, ctx: Context) -> float | None:
    """The rule's pattern occurs in the line, and the line is within the rule's word bounds.

    ``params.max_words`` keeps a pattern meant for a short credit line from firing inside a
    long sentence that happens to contain the same words.
    """
    max_words = rule.param("max_words")
    if max_words is not None and segment.words > max_words:
        return None
    if segment.words < rule.param("min_words", 0):
        return None
    return search_pattern(segment, rule, ctx)


def search_pattern(segment: Segment, rule: Rule, ctx: Context) -> float | None:
    """``match_pattern`` without the word bounds, for callers that checked them already."""
    if rule.keywords is not None and rule.keywords.isdisjoint(segment.tokens):
        return None  # a phrase rule, and none of its phrases' first words is in the line
    if rule.needs is not None:
        text = segment.folded if rule.fold else segment.text
        if text is not None and not any(map(text.__contains__, rule.needs)):
            return None  # the line lacks every substring a match needs
    if rule.pattern is not None and rule.pattern.search(segment.text):
        return rule.confidence
    return None


def search_screened(segment: Segment, rule: Rule, ctx: Context) -> float | None:
    """``search_pattern`` for a line that passed the rule's word bounds and needs already
    (``pipeline.screen``): the phrase rule's first words, then the regex."""
    if rule.keywords is not None and rule.keywords.isdisjoint(segment.tokens):
        return None
    if rule.pattern is not None and rule.pattern.search(segment.text):
        return rule.confidence
    return None
