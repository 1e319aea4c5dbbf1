"""trafilatura's XPaths without Python regex callbacks: the same elements, selected in C.

trafilatura 2.3 writes its class and id tests as EXSLT regular expressions, e.g.
``re:test(@class, 'author-?name|AuthorName|^byline')``. lxml answers each such test by calling
back into Python for every element the expression visits, which was half of the time those
XPaths took on the dev pages. Most of these patterns are a finite set of literal strings, each
anchored or not, so a test whose pattern is one is rewritten into XPath 1.0's own string
functions: ``contains``, ``starts-with``, an ends-with written with ``substring``, and
``=``, when it has at most ``MAX_TESTS`` alternatives. Any other test (a ``\\s``, a flag, a
repetition, a long list) stays a regular expression, behind a test that its attribute exists,
which skips the callback on elements without it (valid because such a pattern matches no
empty string; a pattern that does keeps its form).

Guarantees:

- A rewritten expression selects exactly the elements trafilatura's selects, on any tree:
  ``re:test`` is Python's ``re.search`` on the first node's string value, and each literal
  alternative becomes the string test that is true on the same strings, with ``$`` also
  matching before a final newline as in Python. ``tests/unit/test_fastxpath.py`` holds the two
  expressions to each other on generated attribute values and on the dev pages.
- Nothing is rewritten that is not understood: a pattern outside the literal subset (see
  :func:`alternatives`), an expression that does not compile, keeps trafilatura's form.
- :func:`install` puts the rewritten expressions into trafilatura's lists in place (its
  modules import the lists, so no other way reaches them); :func:`stock` gives trafilatura's
  own back for the length of a ``with`` block (the bench's reference runs).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import NoReturn

import trafilatura.xpaths
from lxml import etree

REGEXP_NS = "http://exslt.org/regular-expressions"
NAMESPACES = {"re": REGEXP_NS}
# ``re:test(@a, 'pattern')`` or ``re:test(@a|@b, 'pattern', 'flags')``. An XPath literal cannot
# hold its own quote, so ``[^']*`` reads the whole pattern.
CALL = re.compile(
    r"re:test\(\s*(?P<arg>@[\w-]+(?:\s*\|\s*@[\w-]+)*)\s*,\s*'(?P<pattern>[^']*)'"
    r"\s*(?:,\s*'(?P<flags>[^']*)'\s*)?\)"
)
# A pattern that expands to more alternatives than this is not read as literals at all.
MAX_ALTERNATIVES = 256
# A cost, not a quality setting: up to this many string tests are cheaper than one callback
# into Python's regex; a long chain of them (trafilatura's 80-token discard lists) is slower
# than the one regex search (measured on the zyte-dev pages, cold: 2 to 8 best, 16 and all worse).
MAX_TESTS = 8
SPECIAL = set(".*+{}()[]|?^$\\")
START, END = object(), object()  # ``^`` and ``$`` in an expanded alternative


class NotLiteral(ValueError):
    """The pattern is not a finite set of literal strings this module rewrites."""


@dataclass(frozen=True)
class Alternative:
    """One string the pattern searches for, and whether it must start or end the value."""

    text: str
    at_start: bool = False
    at_end: bool = False


def alternatives(pattern: str) -> list[Alternative]:
    """The literal alternatives ``re.search(pattern, s)`` looks for, or NotLiteral.

    The subset: literal characters, ``\\`` before punctuation, ``|``, groups ``( )`` and
    ``(?: )``, ``?`` after an atom, classes of characters and ranges (``[-_]``, ``[A-Z]``),
    and ``^``/``$`` at an alternative's ends.

    >>> [(a.text, a.at_start) for a in alternatives("^comment[s-]|post-?body")]
    [('comments', True), ('comment-', True), ('postbody', False), ('post-body', False)]
    >>> alternatives("hid.en")
    Traceback (most recent call last):
    ...
    pipeline.fastxpath.NotLiteral: '.' at 3 in 'hid.en'
    """
    parser = _Parser(pattern)
    expanded = parser.alternation()
    if parser.at < len(pattern):
        msg = f"unbalanced ')' at {parser.at} in {pattern!r}"
        raise NotLiteral(msg)
    found: dict[Alternative, None] = {}
    for sequence in expanded:
        found[_anchored(sequence, pattern)] = None
    return list(found)


def _anchored(sequence: tuple[object, ...], pattern: str) -> Alternative:
    at_start = bool(sequence) and sequence[0] is START
    at_end = bool(sequence) and sequence[-1] is END
    inner = sequence[int(at_start) : len(sequence) - int(at_end)]
    if not inner or any(not isinstance(item, str) for item in inner):
        # An empty alternative matches every string; an anchor inside one, none.
        msg = f"an alternative of {pattern!r} is empty or anchored inside"
        raise NotLiteral(msg)
    return Alternative("".join(str(item) for item in inner), at_start, at_end)


class _Parser:
    """Expands the literal subset of Python's regular expressions into its sequences."""

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self.at = 0

    def _fail(self, what: str) -> NoReturn:
        msg = f"{what!r} at {self.at} in {self.pattern!r}"
        raise NotLiteral(msg)

    def _peek(self) -> str:
        return self.pattern[self.at] if self.at < len(self.pattern) else ""

    def alternation(self) -> list[tuple[object, ...]]:
        branches = self.sequence()
        while self._peek() == "|":
            self.at += 1
            branches = branches + self.sequence()
        if len(branches) > MAX_ALTERNATIVES:
            self._fail("too many alternatives")
        return branches

    def sequence(self) -> list[tuple[object, ...]]:
        result: list[tuple[object, ...]] = [()]
        while self._peek() not in ("", "|", ")"):
            atom = self.atom()
            if self._peek() == "?":
                self.at += 1
                atom = [(), *atom]
            elif self._peek() in ("*", "+", "{"):
                self._fail(self._peek())
            result = [a + b for a, b in itertools.product(result, atom)]
            if len(result) > MAX_ALTERNATIVES:
                self._fail("too many alternatives")
        return result

    def atom(self) -> list[tuple[object, ...]]:
        char = self._peek()
        self.at += 1
        if char == "(":
            if self.pattern.startswith("?:", self.at):
                self.at += 2
            elif self._peek() == "?":
                self._fail("(?")
            inner = self.alternation()
            if self._peek() != ")":
                self._fail("(")
            self.at += 1
            return inner
        if char == "[":
            return [(c,) for c in self.char_class()]
        if char == "\\":
            return [(self.escaped(),)]
        if char == "^":
            return [(START,)]
        if char == "$":
            return [(END,)]
        if char in SPECIAL:
            self.at -= 1
            self._fail(char)
        return [(char,)]

    def escaped(self) -> str:
        char = self._peek()
        self.at += 1
        if not char or char.isalnum() or char == "_":  # \s, \d, \b, \1 ...: not literals
            self._fail("\\" + char)
        return char

    def char_class(self) -> list[str]:
        if self._peek() == "^":
            self._fail("[^")
        chars: list[str] = []
        first = True
        while (char := self._peek()) != "]" or first:
            if not char:
                self._fail("[")
            self.at += 1
            if char == "\\":
                char = self.escaped()
            elif char == "[":
                self._fail("[")  # a set operation, or a warning in Python
            ahead = self.pattern[self.at : self.at + 2]
            if ahead[:1] == "-" and ahead[1:] not in ("", "]"):
                self.at += 1
                last = self._peek()
                self.at += 1
                if last == "\\":
                    last = self.escaped()
                if ord(last) < ord(char) or ord(last) - ord(char) > MAX_ALTERNATIVES:
                    self._fail(f"{char}-{last}")
                chars.extend(chr(c) for c in range(ord(char), ord(last) + 1))
            else:
                chars.append(char)
            first = False
        self.at += 1
        return list(dict.fromkeys(chars))


def _literal(text: str) -> str:
    # The pattern came from a single-quoted XPath literal, so it holds no single quote.
    return f"'{text}'"


def _ends_with(value: str, text: str) -> str:
    return f"substring({value}, string-length({value}) - {len(text) - 1}) = {_literal(text)}"


def _test(value: str, alternative: Alternative) -> str:
    """The XPath test true on the strings where ``re.search`` finds this alternative.
    ``$`` matches at the end and before a final newline, as in Python."""
    text = alternative.text
    if not alternative.at_end:
        function = "starts-with" if alternative.at_start else "contains"
        return f"{function}({value}, {_literal(text)})"
    tests = [
        f"{value} = {_literal(text)}" if alternative.at_start else _ends_with(value, text),
        (
            f"{value} = {_literal(text + chr(10))}"
            if alternative.at_start
            else _ends_with(value, text + "\n")
        ),
    ]
    return "(" + " or ".join(tests) + ")"


def rewrite_call(call: re.Match[str]) -> str:
    """One ``re:test`` call as XPath string tests, or guarded by its attribute's presence
    when its pattern is not literal (or has flags)."""
    args = [part.strip() for part in call["arg"].split("|")]
    value = args[0] if len(args) == 1 else f"string({'|'.join(args)})"
    try:
        if call["flags"]:
            msg = f"flags {call['flags']!r}"
            raise NotLiteral(msg)
        found = alternatives(call["pattern"])
        if len(found) > MAX_TESTS:
            msg = f"{len(found)} alternatives"
            raise NotLiteral(msg)
        tests = [_test(value, alternative) for alternative in found]
        return "(" + " or ".join(tests) + ")"
    except NotLiteral:
        flags = re.IGNORECASE if "i" in (call["flags"] or "") else 0
        if re.search(call["pattern"], "", flags):
            return call[0]  # it matches an empty value: no guard is valid
        return f"(({' or '.join(args)}) and {call[0]})"


def rewrite(path: str) -> str:
    """The XPath with each ``re:test`` on attributes rewritten (:func:`rewrite_call`)."""
    return CALL.sub(rewrite_call, path)


def faster(expression: etree.XPath) -> etree.XPath:
    """The same selection without regex callbacks where possible; else ``expression``."""
    path = str(expression.path)
    if "re:test" not in path:
        return expression
    try:
        return etree.XPath(rewrite(path), namespaces=NAMESPACES)
    except etree.XPathError:
        return expression


def _lists() -> dict[str, list[etree.XPath]]:
    """trafilatura's lists of XPaths, by name."""
    return {
        name: value
        for name, value in vars(trafilatura.xpaths).items()
        if isinstance(value, list) and value and all(isinstance(x, etree.XPath) for x in value)
    }


_STOCK: dict[str, list[etree.XPath]] = {name: list(value) for name, value in _lists().items()}
_FAST: dict[str, list[etree.XPath]] = {
    name: [faster(x) for x in value] for name, value in _STOCK.items()
}


def install() -> None:
    """trafilatura's XPath lists hold the rewritten expressions from now on."""
    for name, value in _lists().items():
        value[:] = _FAST.get(name, value)


@contextmanager
def stock() -> Iterator[None]:
    """trafilatura's own expressions inside the block, the ones before it after it. For
    reference runs (the bench): the lists are global, so another thread's extraction meanwhile
    also runs trafilatura's own (the same elements, only slower)."""
    lists = _lists()
    before = {name: list(value) for name, value in lists.items()}
    for name, value in lists.items():
        value[:] = _STOCK.get(name, value)
    try:
        yield
    finally:
        for name, value in lists.items():
            value[:] = before[name]
