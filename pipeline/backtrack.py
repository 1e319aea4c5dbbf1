"""Patterns that can backtrack catastrophically, found from the regex's own parse.

Python's regex engine backtracks: a repeat whose body can match the same text in more than
one way (``(a+)+``, ``(\\w+\\s?)+``, ``(a|aa)+``) tries every way of cutting a line that
almost matches, and ``(a+)+$`` on 40 characters never returns. Rules files are data a user
may write, so :func:`explosive_repeat` is asked about every pattern at load time and a rule
it flags is refused, with a message naming the rule.

The test, per repeat of more than ``MAX_SAFE_REPEATS`` repetitions: its body is ambiguous when
it holds a repeat of its own (``+``, ``*``, ``{2,}``) that nothing else in the body keeps
apart from the next repetition (every other part of the body can match nothing, or can match
a character the inner repeat also matches), or when two alternatives of the body can start
with the same character. ``(\\s*/\\s*[A-Z]\\w*)+`` is safe: each repetition must pass a
``/`` that neither ``\\s*`` nor ``\\w*`` can match. The test is conservative: it may refuse a
pattern that is in fact fine (rewrite it, or use a bounded repeat), and it never passes the
textbook shapes above. What it misses, the hard time limit still stops
(``pipeline.limits``).
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from typing import Any

_parser: Any = importlib.import_module("re._parser")

# Up to this many repetitions even an ambiguous body costs a bounded, small number of tries
# (the shipped rules repeat name words {1,3}, share buttons {2,10}).
MAX_SAFE_REPEATS = 16
# Characters the overlap test tries: every Latin-1 character, and a few from other blocks.
SAMPLE = [chr(c) for c in range(256)] + list("\u2019\u201c\u2014\u2028\u3000\u4e2d\u0416\u05d0")
_REPEATS = ("MAX_REPEAT", "MIN_REPEAT")
_ZERO_WIDTH = ("AT", "ASSERT", "ASSERT_NOT")
CharTest = Callable[[str], bool]


def explosive_repeat(pattern: re.Pattern[str]) -> bool:
    r"""Whether some repeat of ``pattern`` can backtrack catastrophically (see the module).

    >>> explosive_repeat(re.compile(r"(a+)+$")), explosive_repeat(re.compile(r"(a|aa)+$"))
    (True, True)
    >>> explosive_repeat(re.compile(r"\(\s*[A-Z][\w.&-]*(?:\s*/\s*[A-Z][\w.&-]*)+\s*\)"))
    False
    """
    fold = bool(pattern.flags & re.IGNORECASE)
    return _walk(_parser.parse(pattern.pattern, pattern.flags), fold)


def _walk(items: Any, fold: bool) -> bool:
    for op, arg in items:
        name = str(op)
        if name in _REPEATS:
            _low, high, body = arg
            if high > MAX_SAFE_REPEATS and _ambiguous(list(_flatten(body)), fold):
                return True
            found = _walk(body, fold)
        elif name == "SUBPATTERN":
            found = _walk(arg[3], fold)
        elif name == "BRANCH":
            found = any(_walk(alt, fold) for alt in arg[1])
        elif name in ("ASSERT", "ASSERT_NOT"):
            found = _walk(arg[1], fold)
        else:  # atomic groups and possessive repeats never backtrack into themselves
            found = False
        if found:
            return True
    return False


def _flatten(items: Any) -> Any:
    """The items of a sequence, with groups of one alternative opened up."""
    for op, arg in items:
        if str(op) == "SUBPATTERN" and not (arg[1] or arg[2]):
            yield from _flatten(arg[3])
        else:
            yield op, arg


def _ambiguous(body: list[Any], fold: bool) -> bool:
    """Whether one repetition of ``body`` can end, or split, in more than one way."""
    for index, (op, arg) in enumerate(body):
        name = str(op)
        repeats = name in _REPEATS and arg[1] > 1
        # A part of varying length (``a?``, ``(?:|a)``) beside others can end in two places.
        varies = len(body) > 1 and _width(op, arg)[0] != _width(op, arg)[1]
        if repeats or varies:
            inner = _chars([(op, arg)], fold)
            others = body[:index] + body[index + 1 :]
            if all(_nullable(o) or _overlap(inner, _chars([o], fold)) for o in others):
                return True
        if name == "BRANCH":
            firsts = [_chars(list(_flatten(alt))[:1], fold) for alt in arg[1]]
            pairs = ((a, b) for i, a in enumerate(firsts) for b in firsts[i + 1 :])
            if any(_overlap(a, b) for a, b in pairs):
                return True
    return False


def _width(op: Any, arg: Any) -> tuple[int, int]:
    """The shortest and longest text the item matches."""
    low, high = _parser.SubPattern(_parser.State(), [(op, arg)]).getwidth()
    return int(low), int(high)


def _nullable(item: Any) -> bool:
    """Whether the item can match the empty string."""
    op, arg = item
    name = str(op)
    if name in _ZERO_WIDTH:
        return True
    if name in (*_REPEATS, "POSSESSIVE_REPEAT"):
        return bool(arg[0] == 0 or all(_nullable(i) for i in arg[2]))
    if name == "SUBPATTERN":
        return all(_nullable(i) for i in arg[3])
    if name == "BRANCH":
        return any(all(_nullable(i) for i in alt) for alt in arg[1])
    return False


def _chars(items: Any, fold: bool) -> CharTest:
    """A test for the characters the items can match (any character, for what is unknown)."""
    tests: list[CharTest] = []
    for op, arg in items:
        name = str(op)
        if name in (*_REPEATS, "POSSESSIVE_REPEAT"):
            tests.append(_chars(arg[2], fold))
        elif name == "SUBPATTERN":
            tests.append(_chars(arg[3], fold))
        elif name == "BRANCH":
            tests += [_chars(alt, fold) for alt in arg[1]]
        elif name not in _ZERO_WIDTH:
            tests.append(_char_test(name, arg, fold))
    return lambda c: any(test(c) for test in tests)


def _char_test(name: str, arg: Any, fold: bool) -> CharTest:
    """The characters one single-character item matches."""
    if name == "LITERAL":
        return _literal(arg, fold)
    if name == "NOT_LITERAL":
        literal = _literal(arg, fold)
        return lambda c: not literal(c)
    if name == "IN":
        members = [_member(op, value, fold) for op, value in arg if str(op) != "NEGATE"]
        negated = any(str(op) == "NEGATE" for op, _ in arg)
        return lambda c: negated != any(test(c) for test in members)
    return lambda c: True  # ANY, and whatever this test does not know


def _literal(code: int, fold: bool) -> CharTest:
    char = chr(code)
    return (lambda c: c.lower() == char.lower()) if fold else (lambda c: c == char)


def _member(op: Any, value: Any, fold: bool) -> CharTest:
    name = str(op)
    if name == "LITERAL":
        return _literal(value, fold)
    if name == "RANGE":
        low, high = value
        return lambda c: low <= ord(c) <= high or (fold and low <= ord(c.swapcase()[:1]) <= high)
    if name == "CATEGORY":
        return CATEGORIES.get(str(value), lambda c: True)
    return lambda c: True


CATEGORIES: dict[str, CharTest] = {
    "CATEGORY_DIGIT": str.isdecimal,
    "CATEGORY_NOT_DIGIT": lambda c: not c.isdecimal(),
    "CATEGORY_SPACE": str.isspace,
    "CATEGORY_NOT_SPACE": lambda c: not c.isspace(),
    "CATEGORY_WORD": lambda c: c.isalnum() or c == "_",
    "CATEGORY_NOT_WORD": lambda c: not (c.isalnum() or c == "_"),
}


def _overlap(first: CharTest, second: CharTest) -> bool:
    return any(first(c) and second(c) for c in SAMPLE)
