"""Blocks of a page's text that repeat a passage of another block: pull quotes.

A magazine page prints a sentence of the story again, large, beside it (a pull quote),
often reworded at its edges ("... earlier date," Cooke said. / "... earlier date," he
continued.). Guarantee: a one-line block opening with a quotation mark, of ``min_words``
to ``max_words`` words, is taken out when at least ``overlap`` of its 4-word shingles
(lower case, ``\\w+`` tokens) are in one block ``LONGER`` times its length or more; that
block is kept. Identical blocks are not
repeats by this rule (a recipe or a meal plan repeats its lines on purpose). Bodies of more
than ``MAX_BLOCKS`` blocks are not searched, so the cost stays linear in the page (each
shingle is looked up once, and a shingle shared by more than ``MAX_HOLDERS`` candidate
blocks is common phrasing, not evidence).
"""

from __future__ import annotations

import re
from collections import Counter

TOKEN = re.compile(r"\w+")
SHINGLE = 4
MAX_BLOCKS = 2000
MAX_HOLDERS = 8
# The block a pull quote repeats is a paragraph around it, not a sibling line of a list of
# similar lines (a meal plan's "Portion Fix Containers: 1 Green, 1 Red" day after day).
LONGER = 1.5
# A pull quote is a quotation: it opens with a quotation mark. Lead-ins and headings that
# restate a paragraph's first sentence ("Try setting a regular eating schedule.") are the
# article's own structure, and the gold bodies of zyte-dev keep them.
QUOTES = frozenset("“\"«„‘‚'「『‹")


def _shingles(text: str) -> set[tuple[str, ...]]:
    tokens = TOKEN.findall(text.lower())
    return {tuple(tokens[i : i + SHINGLE]) for i in range(len(tokens) - SHINGLE + 1)}


def repeated_blocks(
    blocks: list[str], min_words: int, max_words: int, overlap: float
) -> dict[int, int]:
    """``{repeat index: index of the block it repeats}``."""
    if len(blocks) > MAX_BLOCKS:
        return {}
    words = [len(block.split()) for block in blocks]
    found: dict[int, int] = {}
    candidates = {
        i: _shingles(block)
        for i, block in enumerate(blocks)
        if min_words <= words[i] <= max_words and "\n" not in block and block[0] in QUOTES
    }
    holders: dict[tuple[str, ...], list[int]] = {}
    for i, shingles in candidates.items():
        for shingle in shingles:
            holders.setdefault(shingle, []).append(i)
    shared: dict[int, Counter[int]] = {i: Counter() for i in candidates}
    for j, block in enumerate(blocks) if holders else ():
        for shingle in candidates[j] if j in candidates else _shingles(block):
            sharing = holders.get(shingle, ())
            if len(sharing) > MAX_HOLDERS:
                continue
            for i in sharing:
                if words[j] >= LONGER * words[i]:
                    shared[i][j] += 1
    for i, counts in shared.items():
        if not counts or not candidates[i]:
            continue
        j, hits = max(counts.items(), key=lambda item: (item[1], -item[0]))
        if hits >= overlap * len(candidates[i]):
            found[i] = j
    return dict(sorted(found.items()))
