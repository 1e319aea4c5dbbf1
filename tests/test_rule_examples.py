"""Every rule's own examples, one test each, named by rule id.

Classify rules are checked on the line alone (their matcher, with English as the target);
revise and structure rules on whole example documents (text, or a page when it starts
``<html``) through the full pipeline.
"""

from __future__ import annotations

import pytest

from pipeline import clean_bytes, load_rules
from pipeline.article import Segment, Stage
from pipeline.matchers import LINE_MATCHERS, Context, LanguageJudge
from pipeline.rules import Rule

RULES = load_rules()
# Line examples are judged as lines of an English article (a one-line German example is a
# German document on its own, and the language filter rightly stands down for those).
ENGLISH_ARTICLE = Context(RULES, LanguageJudge(RULES.language), "en", True, "en")


def cases(expect: bool) -> list[object]:
    params = []
    for rule in RULES.rules:
        examples = rule.examples_match if expect else rule.examples_no_match
        for index, example in enumerate(examples):
            params.append(pytest.param(rule, example, id=f"{rule.id}[{index}]"))
    return params


def fires(rule: Rule, example: str) -> bool:
    if rule.stage is Stage.CLASSIFY:
        segment = Segment(0, 0, len(example), example, 0)
        return LINE_MATCHERS[rule.matcher](segment, rule, ENGLISH_ARTICLE) is not None
    fmt = "html" if example.startswith("<html") else "text"  # a page's own rules: a page
    article = clean_bytes(example.encode(), source_id="example", rules=RULES, fmt=fmt)
    return any(r.rule == rule.id for r in article.removals)


def test_every_rule_has_examples_both_ways() -> None:
    for rule in RULES.rules:
        assert rule.examples_match, f"{rule.id} has no examples.match"
        assert rule.examples_no_match, f"{rule.id} has no examples.no_match"


@pytest.mark.parametrize(("rule", "example"), cases(expect=True))
def test_rule_matches_its_examples(rule: Rule, example: str) -> None:
    assert fires(rule, example)


@pytest.mark.parametrize(("rule", "example"), cases(expect=False))
def test_rule_does_not_match_its_counter_examples(rule: Rule, example: str) -> None:
    assert not fires(rule, example)
