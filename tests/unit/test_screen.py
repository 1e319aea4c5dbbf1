"""The screen (``pipeline.screen``) leaves exactly the rules that testing each rule's word bounds
and needs one by one leaves, and classify decides as the rule-by-rule loop did, on every line
of the seeds, the rules' examples and the dev corpora's raw text (when checked out beside)."""

from __future__ import annotations

import dataclasses
import math
import re
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline import clean_bytes, load_rules
from pipeline.article import Article, Removal, Segment, Stage
from pipeline.classify import _plan, classify, removal_for
from pipeline.clean import _context
from pipeline.matchers import LINE_MATCHERS
from pipeline.rules import Rule, Rules
from pipeline.screen import Screen, trie_regex

RULES = load_rules()
ROOT = Path(__file__).resolve().parents[2]
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
EVAL = ROOT.parent / "shared" / "eval"
CORPUS_TEXTS = sorted(EVAL.glob("*-dev/raw_text_region/*.txt"))


def slow_gate(rule: Rule, seg: Segment) -> bool:
    """What ``match_pattern`` tests before its regex, rule by rule (phrase keywords aside)."""
    if not rule.param("min_words", 0) <= seg.words <= rule.param("max_words", math.inf):
        return False
    if rule.needs is None:
        return True
    text = seg.folded if rule.fold else seg.text
    return text is None or any(need in text for need in rule.needs)


def classify_rule_by_rule(article: Article, rules: Rules, ctx: object) -> tuple[Removal, ...]:
    """The classify pass as it was: every rule in file order through its own matcher."""
    removals = []
    for seg in article.segments:
        for rule in rules.for_stage(Stage.CLASSIFY):
            confidence = LINE_MATCHERS[rule.matcher](seg, rule, ctx)  # type: ignore[arg-type]
            if confidence is not None:
                removals.append(removal_for(rule, seg, confidence, Stage.CLASSIFY))
                break
    return tuple(removals)


@cache
def articles() -> tuple[Article, ...]:
    found = []
    for path in [*SEEDS, *CORPUS_TEXTS]:
        article = clean_bytes(path.read_bytes(), source_id=path.name, rules=RULES)
        found.append(dataclasses.replace(article, removals=()))
    return tuple(found)


def example_lines() -> list[str]:
    odd = ["ſign up for our newsletter", "\u212aelvin PHOTO: AFP", "İstanbul (Reuters)", ""]
    return odd + [e for r in RULES.rules for e in (*r.examples_match, *r.examples_no_match)]


def segments() -> list[Segment]:
    lines = [Segment(0, 0, len(line), line, 0) for line in example_lines() if line]
    return lines + [seg for article in articles() for seg in article.segments]


def assert_screens_as_slow(seg: Segment, rules: Rules = RULES) -> None:
    checks, screen = _plan(rules)
    mask = screen.candidates(seg)
    for i, (rule, _) in enumerate(checks):
        expected = slow_gate(rule, seg) if rule.matcher == "pattern" else True
        assert bool(mask >> i & 1) == expected, (rule.id, seg.text)


def test_the_corpora_are_read_when_present() -> None:
    if EVAL.is_dir():
        assert len(CORPUS_TEXTS) > 100
    assert sum(len(a.segments) for a in articles()) > 40


def test_screen_leaves_the_rules_the_rule_by_rule_tests_leave() -> None:
    for seg in segments():
        assert_screens_as_slow(seg)


def test_a_word_seen_again_is_screened_the_same() -> None:
    # The second pass answers from the per-word cache.
    for seg in segments()[:2000]:
        assert_screens_as_slow(seg)


# Other targets change what the language matchers (never screened out) see, not the screen:
# a few documents each, as langdetect then runs on most lines.
@pytest.mark.parametrize(("lang", "documents"), [(None, None), ("auto", 20), ("de", 10)])
def test_classify_decides_as_rule_by_rule(lang: str | None, documents: int | None) -> None:
    rules = RULES.with_options(target_language=lang)
    for article in articles()[:documents]:
        ctx = _context(article, rules)
        expected = classify_rule_by_rule(article, rules, ctx)
        assert classify(article, ctx).removals == expected, article.source.path


def fragments() -> list[str]:
    """Pieces of lines near the rules' needs, in odd cases and scripts."""
    pieces = [" ", ".", "(", ":", "ſ", "\u212a", "İ", "ı", "’", "©", "Σ", "2024"]
    for rule in RULES.rules:
        for need in rule.needs or ():
            pieces += [need, need.upper(), need.title(), need[:-1], need[1:]]
    return sorted(set(pieces))


@given(st.lists(st.sampled_from(fragments()), min_size=1, max_size=12))
def test_screen_on_lines_made_of_needs(pieces: list[str]) -> None:
    for line in (" ".join(pieces), "".join(pieces)):
        if line.strip():
            assert_screens_as_slow(Segment(0, 0, len(line), line, 0))


def test_rules_without_needs_are_always_left() -> None:
    bare = dataclasses.replace(
        RULES, rules=tuple(dataclasses.replace(r, needs=None) for r in RULES.rules)
    )
    checks, screen = _plan(bare)
    seg = Segment(0, 0, 3, "abc", 0)
    assert screen.candidates(seg) == (1 << len(checks)) - 1
    assert Screen([], []).candidates(seg) == 0


def test_trie_regex_finds_the_longest_word_at_each_position() -> None:
    words = ["ad", "advert", "advertisement", "vert", "tis", "afp", "a"]
    pattern = re.compile(f"(?=({trie_regex(words)}))")
    text = "read advertisements, afp"
    for position in range(len(text)):
        found = pattern.match(text, position)
        starting = [w for w in words if text.startswith(w, position)]
        assert (found.group(1) if found else None) == max(starting, key=len, default=None)
