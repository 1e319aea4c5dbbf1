"""The pattern prefilter never skips a line its rule's regex would match."""

from __future__ import annotations

import dataclasses
import re
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline import clean_bytes, load_rules
from pipeline.article import Segment, Stage
from pipeline.prefilter import FOLDS_TO_ASCII, foldable, required_substrings
from pipeline.rules import Rule

RULES = load_rules()
PATTERN_RULES = [r for r in RULES.rules if r.pattern is not None]
SEEDS = sorted((Path(__file__).parents[2] / "seeds").glob("*.txt"))


def every_code_point() -> list[str]:
    return [chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c < 0xE000]


def passes(rule: Rule, text: str) -> bool:
    """The prefilter's verdict on a line: True when the regex must still be searched."""
    assert rule.needs is not None
    if rule.fold:
        if not foldable(text):
            return True
        text = text.lower()
    return any(need in text for need in rule.needs)


@pytest.mark.parametrize(
    ("pattern", "flags", "needs"),
    [
        (r"\bsign\s+up\b[^.!?]{0,60}\bnewsletters?\b", re.I, ("newsletter",)),
        (r"^(?:Photo|IMAGE)s?:", re.I, ("image", "photo")),  # compared lower-cased
        (r"REUTERS/\s?[A-Z]", 0, ("REUTERS/",)),  # case kept for a case-sensitive pattern
        (r"(?:photo)?\s*credit", re.I, ("credit",)),  # an optional group needs nothing
        (r"(?:ab)+c|xyz", 0, ("ab", "xyz")),  # a repeat needs its body once
        (r"^\W+$", 0, None),  # nothing literal
        (r"a|\d", 0, None),  # one alternative needs nothing
        (r"(?-i:Getty) images", re.I, (" images",)),  # a scoped flag: its group is not used
        (r"\u212aelvin", re.I, ("elvin",)),  # the Kelvin sign also matches "k"
        (r"©\s?\d{4}", re.I, ("©",)),  # a caseless non-letter matches only itself
    ],
)
def test_required_substrings(pattern: str, flags: int, needs: tuple[str, ...] | None) -> None:
    found = required_substrings(re.compile(pattern, flags))
    assert found == (tuple(sorted(needs)) if needs else None)


def test_folds_to_ascii_is_every_character_matching_an_ascii_letter() -> None:
    letter = re.compile("[a-z]", re.IGNORECASE)
    found = {c for c in every_code_point() if not c.isascii() and letter.fullmatch(c)}
    assert found == FOLDS_TO_ASCII


def test_no_character_cases_to_a_caseless_non_letter() -> None:
    # Why the prefilter may use "©" or "’" from an ignore-case pattern as they are.
    for char in every_code_point():
        for mapped in (char.lower(), char.upper()):
            if len(mapped) == 1 and mapped != char and not mapped.isalpha():
                assert mapped.lower() != mapped or mapped.upper() != mapped, hex(ord(char))


def test_most_shipped_pattern_rules_have_needs() -> None:
    # Only the classify pass tests needs before its searches; the context passes' patterns
    # (a title guard, a name's shape) are searched on a few lines a document.
    without = [r.id for r in PATTERN_RULES if r.needs is None and r.stage is Stage.CLASSIFY]
    assert len(without) <= 2, without


def known_lines() -> list[str]:
    lines = [e for r in PATTERN_RULES for e in (*r.examples_match, *r.examples_no_match)]
    for seed in SEEDS:
        lines += seed.read_text(encoding="utf-8").splitlines()
    return lines


@pytest.mark.parametrize("rule", [r for r in PATTERN_RULES if r.needs], ids=lambda r: r.id)
def test_prefilter_passes_every_known_line_the_regex_matches(rule: Rule) -> None:
    assert rule.pattern is not None
    for line in known_lines():
        if rule.pattern.search(line):
            assert passes(rule, line), line


def fragments() -> list[str]:
    """Pieces that build lines near the rules' matches: their needs in odd cases, examples."""
    pieces = [" ", ".", "(", ")", ":", "/", "ſ", "\u212a", "İ", "ı", "’", "©", "2024", "Photo"]
    for rule in PATTERN_RULES:
        for need in rule.needs or ():
            pieces += [need, need.upper(), need.title()]
        pieces += [word for e in rule.examples_match for word in e.split()]
    return sorted(set(pieces))


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(fragments()), max_size=12), st.sampled_from(PATTERN_RULES))
def test_prefilter_never_skips_a_match(pieces: list[str], rule: Rule) -> None:
    assert rule.pattern is not None
    for line in (" ".join(pieces), "".join(pieces)):
        if rule.needs and rule.pattern.search(line):
            assert passes(rule, line), line


def test_removals_are_the_same_without_the_prefilter() -> None:
    bare = dataclasses.replace(
        RULES, rules=tuple(dataclasses.replace(r, needs=None) for r in RULES.rules)
    )
    for seed in SEEDS:
        data = seed.read_bytes()
        fast = clean_bytes(data, source_id=seed.name, rules=RULES)
        slow = clean_bytes(data, source_id=seed.name, rules=bare)
        assert fast.removals == slow.removals
        assert fast.removals


def test_segments_fold_only_when_sound() -> None:
    assert Segment(0, 0, 9, "Sign UP now", 0).folded == "sign up now"
    assert Segment(0, 0, 9, "“Sign” up", 0).folded == "“sign” up"
    assert Segment(0, 0, 9, "ſign up", 0).folded is None
