"""Substrings a regex cannot match without: a cheap test that a line cannot match a rule.

RE2's and Hyperscan's prefilter idea. Any match of
``\\bsign\\s+up\\b[^.!?]{0,60}\\bnewsletters?\\b`` contains "newsletter"; a line without it
cannot match, and ``in`` on a string runs in C, many times faster than the regex engine trying
the pattern at every position of the line. Most lines of an article match no rule, so most
searches end here.

Guarantee of :func:`required_substrings`: when it returns a tuple ``L`` (never empty), every
string ``s`` that ``pattern.search(s)`` matches contains some member of ``L``: ``s`` itself for
a case-sensitive pattern, ``s.lower()`` for an ignore-case one whenever ``foldable(s)``.
``None`` means no such set was found, and the caller must search.
"""

from __future__ import annotations

import importlib
import re
from typing import Any

# The standard library's regex parser (``sre_parse`` before 3.11, deprecated under that name).
_parser: Any = importlib.import_module("re._parser")

Needs = frozenset[str]  # one of these substrings must occur

# The non-ASCII characters an ignore-case regex matches to ASCII letters ("ſ" to "s", the
# Kelvin sign to "k"); a test checks every code point. A line holding one is not folded.
FOLDS_TO_ASCII = frozenset("\u0130\u0131\u017f\u212a")
_FOLDERS = tuple(sorted(FOLDS_TO_ASCII))


def foldable(text: str) -> bool:
    """An ignore-case pattern's substrings can be tested in ``text.lower()``.

    >>> foldable("Sign up"), foldable("ſign up")
    (True, False)
    """
    # Four substring tests in C, not ``FOLDS_TO_ASCII.isdisjoint(text)``, which makes a
    # string of every character of the line: 0.8 µs, not 8, on a 230-character line.
    return text.isascii() or not any(char in text for char in _FOLDERS)


def required_substrings(pattern: re.Pattern[str]) -> tuple[str, ...] | None:
    """Substrings one of which every match contains (sorted), or None.

    >>> required_substrings(re.compile(r"\\bsign\\s+up\\b[^.!?]{0,60}\\bnewsletters?\\b", re.I))
    ('newsletter',)
    >>> required_substrings(re.compile(r"^(?:photo|image)s?\\s*:"))
    ('image', 'photo')
    >>> required_substrings(re.compile(r"^\\W+$")) is None
    True
    """
    fold = bool(pattern.flags & re.IGNORECASE)
    needs = _sequence(_parser.parse(pattern.pattern, pattern.flags), fold)
    return tuple(sorted(needs)) if needs else None


def _sequence(items: Any, fold: bool) -> Needs | None:
    """What a sequence needs: the most selective need among its items and literal runs."""
    candidates: list[Needs] = []
    run: list[str] = []
    for op, arg in items:
        char = _literal(op, arg, fold)
        if char is not None:
            run.append(char)
            continue
        # Anything else ends the run (even a zero-width \b: kept simple, still sound).
        if run:
            candidates.append(frozenset({"".join(run)}))
            run = []
        needs = _item(op, arg, fold)
        if needs is not None:
            candidates.append(needs)
    if run:
        candidates.append(frozenset({"".join(run)}))
    return max(candidates, key=_selectivity, default=None)


def _literal(op: Any, arg: Any, fold: bool) -> str | None:
    """The character a LITERAL item matches, as the caller will compare it; else None.

    In an ignore-case pattern only ASCII characters and non-letters without case ("©", "’")
    are used: no other character lower- or upper-cases to one of those (a test checks every
    code point), while a letter such as the Kelvin sign matches "k".
    """
    if op is not _parser.LITERAL:
        return None
    char = chr(arg)
    if not fold:
        return char
    if char.isascii():
        return char.lower()
    caseless = not char.isalpha() and char.lower() == char == char.upper()
    return char if caseless else None


def _item(op: Any, arg: Any, fold: bool) -> Needs | None:
    """What one non-literal item needs; None for classes, anchors, assertions, references."""
    if op is _parser.SUBPATTERN:
        _group, add_flags, del_flags, inner = arg
        # A scoped flag such as (?-i:...) changes how literals compare: not worth the cases.
        return None if add_flags or del_flags else _sequence(inner, fold)
    if op is _parser.BRANCH:
        return _branch(arg[1], fold)
    if op in (_parser.MAX_REPEAT, _parser.MIN_REPEAT, _parser.POSSESSIVE_REPEAT):
        low, _high, inner = arg
        return _sequence(inner, fold) if low >= 1 else None
    if op is _parser.ATOMIC_GROUP:
        return _sequence(arg, fold)
    return None


def _branch(alternatives: Any, fold: bool) -> Needs | None:
    """Alternatives need the union of their needs, and nothing if one needs nothing."""
    union: set[str] = set()
    for alternative in alternatives:
        needs = _sequence(alternative, fold)
        if needs is None:
            return None
        union |= needs
    return frozenset(union)


def _selectivity(needs: Needs) -> tuple[int, int]:
    """Longer substrings are rarer; fewer of them are cheaper to test."""
    return min(map(len, needs)), -len(needs)
