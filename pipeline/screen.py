"""Which classify rules a line can match at all, decided for all rules at once.

Each pattern rule carries the substrings one of which any match contains (its ``needs``,
``pipeline.prefilter``). Tested rule by rule, that is a Python call per rule per line, 67 rules
times every line, though most lines match none: after ~40 new rules it was most of the cost
of cleaning (issue 16). A :class:`Screen` tests every rule's needs and word bounds in one pass
over the line and returns the rules left as a bit mask, bit ``i`` for check ``i`` of the plan:

- needs made of word characters, compared lower-cased, are looked up per word of the line
  (``Segment.tokens``): such a substring can only occur inside one maximal run of word
  characters, and a word's answer is cached, so a common word costs one dict lookup;
- the other lower-cased needs (":", "(c)", "©") and the case-sensitive ones are tested on the
  line with ``in``;
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

    __slots__ = ("_bounds", "_by_length", "_by_word", "_fold_rules", "_free", "_others",
                 "_prefixes", "_raw", "_word_needs")  # fmt: skip

    def __init__(self, rules: Sequence[Rule | None], bounds: Sequence[Bounds]) -> None:
        """``rules[i]`` is check ``i``'s pattern rule (None for another matcher), with the word
        bounds ``bounds[i]`` (``math.inf`` for no upper bound)."""
        self._bounds = tuple(bounds)
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
        words = {need: bits for need, bits in folded.items() if WORD.fullmatch(need)}
        self._word_needs = re.compile(f"(?=({trie_regex(words)}))") if words else None
        # A word need found at a position stands for every word need it begins with.
        self._prefixes = {
            need: _union(bits for other, bits in words.items() if need.startswith(other))
            for need in words
        }
        self._others = tuple((n, bits) for n, bits in sorted(folded.items()) if n not in words)
        self._raw = tuple(sorted(raw.items()))
        self._by_word: dict[str, int] = {}
        self._by_length: dict[int, int] = {}

    def candidates(self, seg: Segment) -> int:
        """The checks whose word bounds and needs ``seg`` passes, as a bit mask."""
        mask = self._free
        folded = seg.folded
        if folded is None:
            mask |= self._fold_rules
        else:
            by_word = self._by_word
            for token in seg.tokens:
                bits = by_word.get(token)
                mask |= self._word_bits(token) if bits is None else bits
            for need, bits in self._others:
                if need in folded:
                    mask |= bits
        text = seg.text
        for need, bits in self._raw:
            if need in text:
                mask |= bits
        return mask & self._within(seg.words)

    def _word_bits(self, token: str) -> int:
        """The checks with a word need inside ``token`` (cached)."""
        if self._word_needs is None:
            return 0
        prefixes = self._prefixes
        bits = _union(prefixes[found] for found in self._word_needs.findall(token))
        if len(self._by_word) >= MAX_CACHED_WORDS:
            self._by_word.clear()
        self._by_word[token] = bits
        return bits

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
