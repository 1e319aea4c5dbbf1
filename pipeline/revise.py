"""The context passes: neighbours (revise), then document position (structure).

Revise rules run in file order, over and over, until a round adds nothing: a heading above an
appeal can only be seen once the appeal's sentences are marked. Every round only adds
removals, so this ends after at most as many rounds as there are lines; but each round reads
the whole document, so a chain that grows a line a round (a hostile page of one caption
repeated thousands of times) would cost time quadratic in its length. Rounds are therefore
capped at ``MAX_REVISE_ROUNDS``; real documents settle in one or two, and a document that hits
the cap is flagged ``revise_round_limit``. Structure rules run once, in order (the title first,
then the teasers under it), on whatever is still kept.
"""

from __future__ import annotations

import dataclasses

from pipeline.article import Article, Stage
from pipeline.classify import removal_for
from pipeline.limits import check_time
from pipeline.matchers import CONTEXT_MATCHERS, Context
from pipeline.matchers.structure import find_headings
from pipeline.rules import Rule

# The 117 documents of the dev corpus and the seeds settle after at most one productive round
# (two counting the one that finds nothing new); eight leaves room and keeps the cost linear.
MAX_REVISE_ROUNDS = 8


def _apply(article: Article, rule: Rule, ctx: Context) -> Article:
    """Run one context rule; return the article with its new removals (or unchanged)."""
    matcher = CONTEXT_MATCHERS[rule.stage][rule.matcher]
    removed = set(article.removed_ids())
    added = []
    for segment_id, confidence in matcher(article, rule, ctx):
        if segment_id not in removed:
            removed.add(segment_id)
            seg = article.segments[segment_id]
            added.append(removal_for(rule, seg, confidence, rule.stage))
    if not added:
        return article
    removals = tuple(sorted((*article.removals, *added), key=lambda r: r.segment))
    return dataclasses.replace(article, removals=removals)


def revise(article: Article, ctx: Context) -> Article:
    """Stage: neighbour rules until nothing changes, or ``MAX_REVISE_ROUNDS`` rounds."""
    rules = ctx.rules.for_stage(Stage.REVISE)
    for _ in range(MAX_REVISE_ROUNDS):
        before = len(article.removals)
        for rule in rules:
            check_time()
            article = _apply(article, rule, ctx)
        if len(article.removals) == before:
            return article
    return dataclasses.replace(article, flags=(*article.flags, "revise_round_limit"))


def structure(article: Article, ctx: Context) -> Article:
    """Stage: title and teasers, once, on what the other passes kept; then the headings."""
    for rule in ctx.rules.for_stage(Stage.STRUCTURE):
        article = _apply(article, rule, ctx)
    headings = find_headings(article, ctx.rules.heading_max_words)
    return article.annotated(headings=headings)
