from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipeline import load_rules
from pipeline.errors import RulesError
from pipeline.rules import parse_rules

SHIPPED = (Path(__file__).parents[2] / "pipeline" / "data" / "rules.toml").read_text("utf-8")


def with_rule(body: str) -> bytes:
    return (SHIPPED + "\n[[rules]]\n" + body).encode()


def test_shipped_rules_load_with_hash_and_order() -> None:
    rules = load_rules()
    assert rules.version == 1
    assert re.fullmatch(r"[0-9a-f]{64}", rules.sha256)
    ids = [r.id for r in rules.rules]
    assert ids.index("caption.credit_parenthetical") < ids.index("language.detect")
    assert len(set(ids)) == len(ids)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('id = "Bad Id"\nkind = "caption"', "family.slug"),
        ('id = "x.y"\nkind = "nonsense"\nmatcher = "pattern"\ndescription = "d"', "'kind'"),
        (
            'id = "x.y"\nkind = "caption"\nmatcher = "nope"\ndescription = "d"\npattern = "a"',
            "matcher",
        ),
        (
            'id = "x.y"\nkind = "caption"\nmatcher = "pattern"\ndescription = "d"\npattern = "("',
            "compile",
        ),
        (
            'id = "x.y"\nkind = "caption"\nmatcher = "pattern"\ndescription = "d"\nconfidence = 2',
            "confidence",
        ),
        (
            'id = "x.y"\nkind = "caption"\nmatcher = "pattern"\ndescription = "d"\npatern = "a"',
            "patern",
        ),
        (
            'id = "caption.twin"\nkind = "caption"\nmatcher = "pattern"\n'
            'description = "d"\npattern = "a"',
            "twice",
        ),
    ],
)
def test_bad_rules_fail_at_load_naming_rule_and_field(body: str, message: str) -> None:
    with pytest.raises(RulesError, match=re.escape(message)):
        parse_rules(with_rule(body), "custom.toml")


def test_invalid_toml_and_missing_file() -> None:
    with pytest.raises(RulesError, match="not valid TOML"):
        parse_rules(b"version = ", "broken.toml")
    with pytest.raises(RulesError, match="cannot read rules file"):
        load_rules("/nonexistent/rules.toml")


def test_with_options_switches_kinds_off_and_sets_language() -> None:
    rules = load_rules().with_options(target_language="DE", disabled_kinds=["appeal"])
    assert rules.language.target == "de"
    assert all(r.kind != "appeal" for r in rules.rules)
    with pytest.raises(RulesError, match="kind"):
        load_rules().with_options(disabled_kinds=["adverts"])


def test_a_changed_rules_file_changes_the_hash() -> None:
    assert parse_rules(SHIPPED.encode()).sha256 != parse_rules((SHIPPED + "\n").encode()).sha256


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('id = "teaser.x"\nkind = "teaser"\ndescription = "d"', "give 'tags'"),
        ('id = "teaser.x"\nkind = "teaser"\ndescription = "d"\nlink_share = 0.5', "give 'tags'"),
        ('id = "teaser.x"\nkind = "teaser"\ndescription = "d"\ntags = ["ul"]\nfoo = 1', "unknown"),
        ('id = "caption.figcaption"\nkind = "caption"\ndescription = "d"\ntags = ["a"]', "twice"),
    ],
)
def test_bad_element_rules_are_refused_naming_the_rule(body: str, message: str) -> None:
    # Appended after the last [[rules]] entry, "[[html.rules]]" still adds to the [html] table.
    with pytest.raises(RulesError, match=message):
        parse_rules((SHIPPED + "\n[[html.rules]]\n" + body).encode())


def test_html_extraction_mode_must_be_known() -> None:
    broken = SHIPPED.replace('extraction = "precision"', 'extraction = "fastest"')
    with pytest.raises(RulesError, match="'extraction' must be one of"):
        parse_rules(broken.encode())


EXPLOSIVE = [
    r"(a+)+$",
    r"(\w+\s?)+$",
    r"(a|aa)+$",
    r"^(x+x+)+y",
    r"(a?a)+$",
    r"([^,]*,?)+$",
    r"(?:\w+\W?)+$",
    r"((ab)*)*c",
    r"(\d+)*\.",
    r"(.*a){20}",
    r"^(?:[a-z]+\s*)+!",
]
LINEAR = [r"(a+b)+", r"(?:\s*,\s*\w+)+$", r"\b(?:foo|ba)+\b", r"(?:\s+[A-Z]\w*){1,3}$", r"a+$"]


@pytest.mark.parametrize("pattern", EXPLOSIVE)
def test_patterns_that_can_backtrack_catastrophically_are_refused_at_load(pattern: str) -> None:
    """Issue 17: ``(a+)+$`` on a 40-character line never returned. Such a rule is refused when
    the file is loaded, with a message naming the rule and what to change."""
    body = 'id = "caption.mine"\nkind = "caption"\nmatcher = "pattern"\ndescription = "d"\n'
    body += f"pattern = '''{pattern}'''"
    with pytest.raises(RulesError, match=r"custom\.toml: rule caption\.mine: 'pattern' can "):
        parse_rules(with_rule(body), "custom.toml")


@pytest.mark.parametrize("pattern", LINEAR)
def test_repeats_kept_apart_are_accepted(pattern: str) -> None:
    body = 'id = "caption.mine"\nkind = "caption"\nmatcher = "pattern"\ndescription = "d"\n'
    body += f"pattern = '''{pattern}'''"
    assert parse_rules(with_rule(body), "custom.toml").rules[-1].id == "caption.mine"
