"""The context-free pass: each line alone, rules in file order, the first match wins.

Guarantees: at most one removal per segment; a segment's verdict depends only on its own text
and the document-level language decision, so a line kept once is kept again when the output is
cleaned a second time.
"""

from __future__ import annotations

import dataclasses
import math

from pipeline.article import Article, Removal, Segment, Stage
from pipeline.limits import check_time
from pipeline.matchers import LINE_MATCHERS, Context
from pipeline.matchers.base import LineMatcher
from pipeline.matchers.patterns import search_pattern
from pipeline.rules import Rule, Rules


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
    plan = _plan(ctx.rules)
    removals: list[Removal] = []
    for seg in article.segments:
        check_time()
        for rule, match, low, high in plan:
            # Word bounds first, inline: this loop runs rules x lines times, and most rules
            # are bounded to short lines.
            if not low <= seg.words <= high:
                continue
            confidence = match(seg, rule, ctx)
            if confidence is not None:
                removals.append(removal_for(rule, seg, confidence, Stage.CLASSIFY))
                break
    return dataclasses.replace(article, removals=tuple(removals))


Check = tuple[Rule, LineMatcher, int, float]


# Plans by the identity of their rules (Rules hold dicts, so they are not hashable); the
# entry keeps its Rules alive, so the id cannot be reused while it is cached.
_PLANS: dict[int, tuple[Rules, tuple[Check, ...]]] = {}
MAX_PLANS = 16


def _plan(rules: Rules) -> tuple[Check, ...]:
    """Each classify rule with its matcher and the word bounds of the lines it can match.

    Only the ``pattern`` matcher has word bounds (``min_words``, ``max_words``); the plan
    checks them and calls the bare search, which saves reading the rule's params for every
    line. Built once per rule set.
    """
    cached = _PLANS.get(id(rules))
    if cached is not None and cached[0] is rules:
        return cached[1]
    if len(_PLANS) >= MAX_PLANS:
        _PLANS.clear()
    checks: list[Check] = []
    for rule in rules.for_stage(Stage.CLASSIFY):
        bounded = rule.matcher == "pattern"
        low = int(rule.param("min_words", 0)) if bounded else 0
        high = rule.param("max_words") if bounded else None
        # The plan checks the bounds, so a pattern rule needs only the search itself.
        match = search_pattern if bounded else LINE_MATCHERS[rule.matcher]
        checks.append((rule, match, low, math.inf if high is None else high))
    _PLANS[id(rules)] = (rules, tuple(checks))
    return _PLANS[id(rules)][1]
