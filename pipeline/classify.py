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
from pipeline.matchers.patterns import search_screened
from pipeline.rules import Rule, Rules
from pipeline.screen import Screen


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
    checks, screen = _plan(ctx.rules)
    removals: list[Removal] = []
    for seg in article.segments:
        check_time()
        # Only the rules whose word bounds and needs the line passes, in file order: most
        # lines pass few of them (``pipeline.screen``).
        mask = screen.candidates(seg)
        while mask:
            lowest = mask & -mask
            mask ^= lowest
            rule, match = checks[lowest.bit_length() - 1]
            confidence = match(seg, rule, ctx)
            if confidence is not None:
                removals.append(removal_for(rule, seg, confidence, Stage.CLASSIFY))
                break
    return dataclasses.replace(article, removals=tuple(removals))


Check = tuple[Rule, LineMatcher]
Plan = tuple[tuple[Check, ...], Screen]

# Plans by the identity of their rules (Rules hold dicts, so they are not hashable); the
# entry keeps its Rules alive, so the id cannot be reused while it is cached.
_PLANS: dict[int, tuple[Rules, Plan]] = {}
MAX_PLANS = 16


def _plan(rules: Rules) -> Plan:
    """Each classify rule with its matcher, and the screen of their word bounds and needs.

    Only the ``pattern`` matcher has word bounds (``min_words``, ``max_words``) and needs;
    the screen tests them, so a pattern rule is left with ``search_screened``. Built once
    per rule set.
    """
    cached = _PLANS.get(id(rules))
    if cached is not None and cached[0] is rules:
        return cached[1]
    if len(_PLANS) >= MAX_PLANS:
        _PLANS.clear()
    checks: list[Check] = []
    screened: list[Rule | None] = []
    bounds: list[tuple[int, float]] = []
    for rule in rules.for_stage(Stage.CLASSIFY):
        bounded = rule.matcher == "pattern"
        low = int(rule.param("min_words", 0)) if bounded else 0
        high = rule.param("max_words") if bounded else None
        match = search_screened if bounded else LINE_MATCHERS[rule.matcher]
        checks.append((rule, match))
        screened.append(rule if bounded else None)
        bounds.append((low, math.inf if high is None else high))
    plan = (tuple(checks), Screen(screened, bounds))
    _PLANS[id(rules)] = (rules, plan)
    return plan
