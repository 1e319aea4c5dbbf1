"""Which classify rules a line can match at all, decided for all rules at once.

Each pattern rule carries the substrings one of which any match contains (its ``needs``,
``pipeline.prefilter``). Tested rule by rule, that is a Python call per rule per line, 67 rules
times every line, though most lines match none: after ~40 new rules it was most of the cost
of cleaning (issue 16). A :class:`Screen` tests every rule's needs and word bounds in one pass
over the line and returns the rules left as a bit mask, bit ``i`` for check ``i`` of the plan:

- a need made of word characters can only occur inside one maximal run of them, so the
  lower-cased needs of that kind are looked up in the words of the lower-cased line
  (``Segment.tokens``), each word's answer cached: a common word costs one dict lookup;
- a case-sensitive need of that kind ("AFP", "Getty") can only occur where its lower-cased
  form occurs in the lower-cased line, so the same lookup names the few worth testing with
  ``in`` (testing all 56 on every line cost more than the rest of the screen);
- the other needs (":", "(c)", "©", "REUTERS/") are tested on the line with ``in``, mapped in
  C (only the hits reach Python code);
- a rule without needs is always left, and so is an ignore-case rule on a line that cannot
  be lower-cased safely (``prefilter.foldable``), as ``search_pattern`` does.

Guarantee: bit ``i`` is set exactly when check ``i``'s word bounds admit the line and its rule
has no needs, or the line is not foldable and the rule ignores case, or one of its needs
occurs in the text ``search_pattern`` compares: the same lines as testing rule by rule
(``tests/unit/test_screen.py`` compares both on every seed and dev-corpus line).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from itertools import compress
from typing import TypeAlias

from pipeline.article import Segment
from pipeline.rules import Rule

WORD = re.compile(r"\w+")  # as ``Segment.tokens`` are found
# Caches are dropped when they reach these sizes: words seen grow with the corpus (slowly),
# line lengths with hostile input; a dropped entry is only computed again.
MAX_CACHED_WORDS = 50_000
MAX_CACHED_LENGTHS = 4_096

Bounds = tuple[int, float]  # least and most words of the lines a check can match
Trie: TypeAlias = dict[str, "Trie"]  # next character to subtrie; "" marks a word's end


class Screen:
    """The rules a line can match: a bit mask over the checks of a classify plan."""

    __slots__ = ("_bounds", "_by_length", "_checks", "_fold_rules", "_free", "_others", "_raw",
                 "_raw_words", "_words")  # fmt: skip

    def __init__(self, rules: Sequence[Rule | None], bounds: Sequence[Bounds]) -> None:
        """``rules[i]`` is check ``i``'s pattern rule (None for another matcher), with the word
        bounds ``bounds[i]`` (``math.inf`` for no upper bound)."""
        self._bounds = tuple(bounds)
        self._checks = (1 << len(self._bounds)) - 1
        self._free = self._fold_rules = 0
        folded: dict[str, int] = {}
        raw: dict[str, int] = {}
        for i, rule in enumerate(rules):
            if rule is None or rule.needs is None:
                self._free |= 1 << i
                continue
            if rule.fold:
                self._fold_rules |= 1 << i
            for need in rule.needs:
                table = folded if rule.fold else raw
                table[need] = table.get(need, 0) | 1 << i
        # One lookup per word finds both: lower-cased needs set their checks' bits, and
        # case-sensitive ones the bit of their index in ``_raw_words`` above the checks'.
        keyed = {need: bits for need, bits in folded.items() if _is_word(need)}
        self._raw_words = tuple((n, bits) for n, bits in sorted(raw.items()) if _lowers_to_word(n))
        for index, (need, _) in enumerate(self._raw_words):
            key = need.lower()
            keyed[key] = keyed.get(key, 0) | 1 << (len(self._bounds) + index)
        self._words = _WordNeeds(keyed)
        self._others = _Substrings({n: b for n, b in folded.items() if not _is_word(n)})
        self._raw = _Substrings({n: b for n, b in raw.items() if not _lowers_to_word(n)})
        self._by_length: dict[int, int] = {}

    def candidates(self, seg: Segment) -> int:
        """The checks whose word bounds and needs ``seg`` passes, as a bit mask."""
        found = self._words.bits(seg.tokens)
        text = seg.text
        mask = self._free | self._raw.bits(text)
        mask |= self._verified(text, found >> len(self._bounds))
        folded = seg.folded
        if folded is None:
            mask |= self._fold_rules
        else:
            # ``tokens`` are the word runs of the lower-cased line, which ``folded`` is.
            mask |= (found & self._checks) | self._others.bits(folded)
        return mask & self._within(seg.words)

    def _verified(self, text: str, maybe: int) -> int:
        """The checks of the case-sensitive word needs in ``maybe`` (bits by their index)
        that really occur in ``text``."""
        mask = 0
        while maybe:
            lowest = maybe & -maybe
            maybe ^= lowest
            need, bits = self._raw_words[lowest.bit_length() - 1]
            if bits & ~mask and need in text:
                mask |= bits
        return mask

    def _within(self, words: int) -> int:
        """The checks whose word bounds admit a line of ``words`` words (cached)."""
        bits = self._by_length.get(words)
        if bits is None:
            bits = _union(
                1 << i for i, (low, high) in enumerate(self._bounds) if low <= words <= high
            )
            if len(self._by_length) >= MAX_CACHED_LENGTHS:
                self._by_length.clear()
            self._by_length[words] = bits
        return bits


def _is_word(need: str) -> bool:
    return WORD.fullmatch(need) is not None


def _lowers_to_word(need: str) -> bool:
    """Wherever ``need`` occurs in a line, its lower case occurs in the lower-cased line,
    inside one of its words.

    Lower-casing maps character by character except a capital sigma (final or not, by its
    neighbours), so a need without one lower-cases the same inside a line as alone.

    >>> _lowers_to_word("Getty"), _lowers_to_word("REUTERS/"), _lowers_to_word("ΣΑΣ")
    (True, False, False)
    """
    return "\u03a3" not in need and _is_word(need) and _is_word(need.lower())


class _WordNeeds:
    r"""Needs made only of word characters, looked up per word of a line.

    Such a substring can only occur inside one maximal run of word characters, so it occurs
    in a line exactly when it occurs in one of the line's runs (``\w+``). A word's answer is
    cached: a common word costs one dict lookup.
    """

    __slots__ = ("_by_word", "_finder", "_prefixes")

    def __init__(self, needs: dict[str, int]) -> None:
        """``needs``: word needs, each with the bits it sets when found."""
        # At each position, the longest need that starts there; it stands for every need it
        # begins with too.
        self._finder = re.compile(f"(?=({trie_regex(needs)}))") if needs else None
        self._prefixes = {
            need: _union(bits for other, bits in needs.items() if need.startswith(other))
            for need in needs
        }
        self._by_word: dict[str, int] = {}

    def bits(self, words: Iterable[str]) -> int:
        """The bits of the needs inside one of ``words`` (runs of word characters)."""
        by_word = self._by_word
        mask = 0
        for word in words:
            bits = by_word.get(word)
            mask |= self._word_bits(word) if bits is None else bits
        return mask

    def _word_bits(self, word: str) -> int:
        if self._finder is None:
            return 0
        prefixes = self._prefixes
        bits = _union(prefixes[found] for found in self._finder.findall(word))
        if len(self._by_word) >= MAX_CACHED_WORDS:
            self._by_word.clear()
        self._by_word[word] = bits
        return bits


class _Substrings:
    """Needs tested on the whole line with ``in``; only the hits reach Python code."""

    __slots__ = ("_bits", "_needs")

    def __init__(self, needs: dict[str, int]) -> None:
        ordered = sorted(needs.items())
        self._needs = tuple(need for need, _ in ordered)
        self._bits = tuple(bits for _, bits in ordered)

    def bits(self, text: str) -> int:
        """The checks with a need in ``text``."""
        return _union(compress(self._bits, map(text.__contains__, self._needs)))


def _union(masks: Iterable[int]) -> int:
    total = 0
    for mask in masks:
        total |= mask
    return total


def trie_regex(words: Iterable[str]) -> str:
    """An alternation of ``words`` factored by common prefixes, which at any position
    matches the longest of them that starts there (one branch per next character, each
    word end optional below it).

    >>> pattern = re.compile(trie_regex(["ad", "advert", "advertisement", "afp"]))
    >>> pattern.pattern
    'a(?:d(?:vert(?:isement)?)?|fp)'
    >>> [pattern.match(s).group() for s in ("advertiser", "adverb", "afp.")]
    ['advert', 'ad', 'afp']
    """
    trie: Trie = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}
    return _node_regex(trie)


def _node_regex(node: Trie) -> str:
    branches = [
        re.escape(char) + _node_regex(child) for char, child in sorted(node.items()) if char
    ]
    if not branches:
        return ""
    body = f"(?:{'|'.join(branches)})" if len(branches) > 1 else branches[0]
    if "" not in node:
        return body
    return f"(?:{body})?"
