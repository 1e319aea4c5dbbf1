"""The line-shape tests (``pipeline.sentences``) decide as their first, direct formulation
did: the fast checks they make first only reorder the same conditions."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from pipeline.sentences import (
    CONTINUATION_WORDS,
    MIN_BROKEN_WORDS,
    ends_sentence,
    is_broken_sentence,
    is_hard_wrap,
)


def reference_hard_wrap(line: str, following: str) -> bool:
    first_word = following.split(" ", 1)[0]
    return (
        bool(line)
        and bool(following)
        and not ends_sentence(line)
        and not line.endswith(("-", ")", "]"))
        and first_word.islower()
        and first_word[0].isalpha()
    )


def reference_broken(line: str, following: str) -> bool:
    words = line.split()
    return (
        len(words) >= MIN_BROKEN_WORDS
        and words[-1] in CONTINUATION_WORDS
        and reference_hard_wrap(line, following)
    )


# Starts that matter: cased and uncased letters, title-case digraphs, digits, marks, spaces.
STARTS = ["a", "A", "ǅ", "ǆ", "中", "ß", "ſ", "İ", "1", " ", "", "(", "é", "É", "ⓐ", "Ⓐ", "\u0301"]
WORDS = ["the", "will", "and", "Photo", "eBay", "iPhone", "x.", "y)", "z-", "”", "中文", "über"]
text = st.builds(
    lambda start, words: start + " ".join(words),
    st.sampled_from(STARTS),
    st.lists(st.sampled_from(WORDS) | st.text(max_size=4), max_size=8),
)


@given(text, text)
def test_hard_wrap_and_broken_sentence_agree_with_the_reference(line: str, following: str) -> None:
    assert is_hard_wrap(line, following) == reference_hard_wrap(line, following)
    assert is_broken_sentence(line, following) == reference_broken(line, following)


@given(st.text(max_size=3), st.text(max_size=12))
def test_any_characters_agree_with_the_reference(line: str, following: str) -> None:
    assert is_hard_wrap(line, following) == reference_hard_wrap(line, following)
    assert is_broken_sentence(line, following) == reference_broken(line, following)


def test_every_code_point_as_a_first_character_agrees() -> None:
    for code in range(0x30000):
        following = chr(code) + "abc"
        assert is_hard_wrap("a line", following) == reference_hard_wrap("a line", following)
