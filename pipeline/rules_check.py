"""A rules file's own examples, checked when it is loaded: a user's file as the built-in one
is checked by the test suite (``tests/test_rule_examples.py``, the same judgement).

Guarantees: every rule's ``examples.match`` is removed by that rule and none of its
``examples.no_match`` is, or loading fails with a :class:`RulesError` naming the rule, the
example and what to do. Line (classify) rules are judged on the example line alone, as a line
of an English article; revise and structure rules on the example as a whole document, through
the full pipeline with the file's rules (as a page when it starts ``<html``); HTML element
rules on the example fragment inside an ``<article>``, by the pre-clean (as
``tests/unit/test_html.py`` does).
"""

from __future__ import annotations

from pipeline.article import Segment, Stage
from pipeline.errors import RulesError
from pipeline.rules import ElementRule, Rule, Rules

# Line examples are lines of an English article (a one-line German example would be a German
# document on its own, and the language filter rightly stands down for those).
EXAMPLE_LANGUAGE = "en"


def check_examples(rules: Rules) -> None:
    """Raise :class:`RulesError` at the first rule that disagrees with one of its examples."""
    every: tuple[Rule | ElementRule, ...] = (*rules.rules, *rules.html.rules)
    for rule in every:
        for expected, examples, field in (
            (True, rule.examples_match, "examples.match"),
            (False, rule.examples_no_match, "examples.no_match"),
        ):
            for example in examples:
                removed = (
                    fires(rules, rule, example)
                    if isinstance(rule, Rule)
                    else element_fires(rules, rule, example)
                )
                if removed != expected:
                    raise RulesError(_message(rules, rule, example, field, expected))


def element_fires(rules: Rules, rule: ElementRule, fragment: str) -> bool:
    """Whether the pre-clean takes ``fragment`` out of an article by ``rule``."""
    import lxml.html

    from pipeline.preclean import preclean

    tree = lxml.html.fromstring(f"<html><body><article>{fragment}</article></body></html>")
    return any(removal.rule == rule.id for removal in preclean(tree, rules.html))


def _message(
    rules: Rules, rule: Rule | ElementRule, example: str, field: str, expected: bool
) -> str:
    shown = example if len(example) <= 80 else example[:79] + "…"
    if expected:
        what = "is not removed by the rule; change the rule so that it matches, or the example"
    else:
        what = "is removed by the rule; change the rule so that it does not, or the example"
    return f"{rules.source}: rule {rule.id}: {field} {shown!r} {what}"


def fires(rules: Rules, rule: Rule, example: str) -> bool:
    """Whether ``rule`` removes ``example``, judged as the rule's stage sees it."""
    # Imported here: the matchers and the pipeline import the rules module this one extends.
    from pipeline.clean import clean_bytes
    from pipeline.matchers import LINE_MATCHERS, Context, LanguageJudge

    if rule.stage is Stage.CLASSIFY:
        language = EXAMPLE_LANGUAGE
        context = Context(rules, LanguageJudge(rules.language), language, True, language)
        segment = Segment(0, 0, len(example), example, 0)
        return LINE_MATCHERS[rule.matcher](segment, rule, context) is not None
    fmt = "html" if example.startswith("<html") else "text"  # a page's own rules: a page
    article = clean_bytes(example.encode(), source_id="example", rules=rules, fmt=fmt)
    return any(removal.rule == rule.id for removal in article.removals)
