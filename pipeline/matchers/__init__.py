"""Matchers by name (ftfy's fixers-by-name idea): a rule's ``matcher`` field picks one.

Adding a family of removals takes a matcher function, an entry here, and rules with examples
in the rules file.
"""

from __future__ import annotations

from pipeline.article import Stage
from pipeline.errors import RulesError
from pipeline.matchers.base import Context, ContextMatcher, LineMatcher
from pipeline.matchers.bylines import match_top_byline
from pipeline.matchers.context import (
    match_after,
    match_between,
    match_block_after,
    match_caption_twin,
    match_heading_before,
    match_neighbour,
    match_pattern_beside,
    match_repeated_caption,
)
from pipeline.matchers.language import LanguageJudge, match_langdetect, match_script
from pipeline.matchers.patterns import match_pattern
from pipeline.matchers.structure import (
    match_page_opening,
    match_tail_block,
    match_tail_pattern,
    match_title,
    match_under_title,
)
from pipeline.rules import Rules

LINE_MATCHERS: dict[str, LineMatcher] = {
    "pattern": match_pattern,
    "script": match_script,
    "langdetect": match_langdetect,
}

CONTEXT_MATCHERS: dict[Stage, dict[str, ContextMatcher]] = {
    Stage.REVISE: {
        "caption_twin": match_caption_twin,
        "neighbour": match_neighbour,
        "between": match_between,
        "heading_before": match_heading_before,
        "after": match_after,
        "pattern_beside": match_pattern_beside,
        "block_after": match_block_after,
        "repeated_caption": match_repeated_caption,
    },
    Stage.STRUCTURE: {
        "top_byline": match_top_byline,
        "title": match_title,
        "under_title": match_under_title,
        "page_opening": match_page_opening,
        "tail_pattern": match_tail_pattern,
        "tail_block": match_tail_block,
    },
}


# Matchers that search the rule's own pattern.
PATTERN_MATCHERS = frozenset({"pattern", "tail_pattern", "pattern_beside", "tail_block"})


def check_matchers(rules: Rules) -> None:
    """Every rule names a matcher that exists for its stage, and has what that matcher needs."""
    for rule in rules.rules:
        where = f"{rules.source}: rule {rule.id}"
        if rule.stage is Stage.CLASSIFY:
            known = set(LINE_MATCHERS)
        else:
            known = set(CONTEXT_MATCHERS[rule.stage])
        if rule.matcher not in known:
            msg = (
                f"{where}: matcher {rule.matcher!r} does not exist for stage {rule.stage}; "
                f"choose one of {', '.join(sorted(known))}"
            )
            raise RulesError(msg)
        if rule.matcher in PATTERN_MATCHERS and rule.pattern is None:
            msg = f"{where}: matcher {rule.matcher!r} needs 'pattern' or 'phrases'"
            raise RulesError(msg)


__all__ = [
    "CONTEXT_MATCHERS",
    "LINE_MATCHERS",
    "Context",
    "LanguageJudge",
    "check_matchers",
]
