"""The context-free pass: each line alone, rules in file order, the first match wins.

Guarantees: at most one removal per segment; a segment's verdict depends only on its own text
and the document-level language decision, so a line kept once is kept again when the output is
cleaned a second time.
"""

from __future__ import annotations

import dataclasses

from pipeline.article import Article, Removal, Segment, Stage
from pipeline.limits import check_time
from pipeline.matchers import LINE_MATCHERS, Context
from pipeline.rules import Rule


def removal_for(rule: Rule, seg: Segment, confidence: float, stage: Stage) -> Removal:
    """The removal of a whole segment by a rule."""
    return Removal(
        rule=rule.id,
        kind=rule.kind,
        reason=rule.description,
        segment=seg.id,
        start=seg.start,
        end=seg.end,
        confidence=min(confidence, 1.0),
        stage=stage,
    )


def classify(article: Article, ctx: Context) -> Article:
    """Stage: mark every line that some classify rule recognises on its own."""
    checks = [(rule, LINE_MATCHERS[rule.matcher]) for rule in ctx.rules.for_stage(Stage.CLASSIFY)]
    removals: list[Removal] = []
    for seg in article.segments:
        check_time()
        for rule, match in checks:
            confidence = match(seg, rule, ctx)
            if confidence is not None:
                removals.append(removal_for(rule, seg, confidence, Stage.CLASSIFY))
                break
    return dataclasses.replace(article, removals=tuple(removals))
