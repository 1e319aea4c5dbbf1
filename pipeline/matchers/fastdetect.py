"""langdetect's detector, with its per-character loops done by ``str`` methods in C.

A document-sized detection (the first 3,000 characters of a document) cost about 6 ms, half
of it Python loops over the text one character at a time: collapsing spaces (``append``),
counting scripts (``cleaning_text``) and, above all, cutting the text into 1- to 3-grams
(``_extract_ngrams``, an ``NGram`` object fed each character). :class:`FastDetector` does
each with ``str`` methods and caches the n-grams of each word, and updates the 55 language
probabilities with a list comprehension instead of an indexed loop (a quarter faster; the
normalisation is left as it is, which nothing tried beat).

Guarantee: the same answers, to the bit. Every override computes exactly what the method it
replaces computes, in the same order: the same text, the same list of n-grams (the random
trials draw from it by index, so its order matters), the same floating-point operations on
each probability. ``tests/unit/test_fastdetect.py`` holds each override to langdetect's own
method on varied and random texts; ``make bench-digest`` checks the outputs are unchanged.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping, Sequence

from langdetect.detector import Detector
from langdetect.utils.ngram import NGram

# What ``append`` keeps of a run of spaces: the first.
_SPACE_RUN = re.compile(" {2,}")
# ``cleaning_text``'s two counts: characters from "A" to "z" (the ASCII range, so "[" to "`"
# too), and characters from U+0300 on. (langdetect means to leave out the Latin Extended
# Additional block, but compares the block's number with its name, so it never does.)
_WITHOUT_A_TO_Z = dict.fromkeys(range(ord("A"), ord("z") + 1))
_NON_LATIN = re.compile("[\u0300-\U0010ffff]")

Grams = Callable[[str, bool], tuple[str, ...]]


class _Normalized(dict[int, str]):
    """``str.translate``'s table for ``NGram.normalize``: each character's normal form,
    worked out the first time it is met (one entry per distinct character ever seen)."""

    def __missing__(self, code: int) -> str:
        normal: str = NGram.normalize(chr(code))
        self[code] = normal
        return normal


_NORMALIZED = _Normalized()


# Per n-gram table (by identity, the table kept alive with it): its cached word function.
# Profiles are loaded once per process, so this holds one or two tables.
_GRAMS: dict[int, tuple[Mapping[str, Sequence[float]], Grams]] = {}


def _grams_in(known: Mapping[str, Sequence[float]]) -> Grams:
    """The n-grams of one word that ``known`` holds, cached per word, as ``NGram`` gives them."""
    found = _GRAMS.get(id(known))
    if found is not None and found[0] is known:
        return found[1]

    @functools.lru_cache(maxsize=65536)
    def grams(word: str, spaced: bool) -> tuple[str, ...]:
        return tuple(_word_grams(word, spaced, known))

    _GRAMS[id(known)] = (known, grams)
    return grams


def _word_grams(word: str, spaced: bool, known: Mapping[str, Sequence[float]]) -> list[str]:
    """``_extract_ngrams`` over one word (normalised, no space in it) that follows a space or
    starts the text, and over the space after it when ``spaced``.

    ``NGram.add_char`` keeps the last three characters, the space before the word included,
    so after the word's character ``i`` its 1-, 2- and 3-grams end there; it gives none at a
    capital that follows a capital (inside "NATO"). After the word, the space's 2- and
    3-grams: the word's last character, or last two (or the space before a one-letter word),
    then the space.
    """
    out: list[str] = []
    padded = " " + word
    upper = [ch.isupper() for ch in word]
    for i, ch in enumerate(word):
        if i and upper[i] and upper[i - 1]:
            continue
        if ch in known:
            out.append(ch)
        if padded[i : i + 2] in known:
            out.append(padded[i : i + 2])
        if i and padded[i - 1 : i + 2] in known:
            out.append(padded[i - 1 : i + 2])
    if spaced:
        for gram in (word[-1] + " ", padded[-2:] + " "):
            if gram in known:
                out.append(gram)
    return out


class FastDetector(Detector):  # type: ignore[misc]
    """langdetect's ``Detector``, built the same way (``FastDetector(factory)``), giving the
    same probabilities."""

    text: str  # langdetect's attributes this reads, as its __init__ sets them
    max_text_length: int
    word_lang_prob_map: Mapping[str, Sequence[float]]

    def append(self, text: str) -> None:
        text = self.URL_RE.sub(" ", text)
        text = self.MAIL_RE.sub(" ", text)
        text = NGram.normalize_vi(text)
        self.text += _SPACE_RUN.sub(" ", text[: self.max_text_length])

    def cleaning_text(self) -> None:
        text = self.text
        latin = len(text) - len(text.translate(_WITHOUT_A_TO_Z))
        non_latin = 0 if text.isascii() else len(_NON_LATIN.findall(text))
        if latin * 2 < non_latin:
            self.text = text.translate(_WITHOUT_A_TO_Z)

    def _extract_ngrams(self) -> list[str]:
        grams = _grams_in(self.word_lang_prob_map)
        words = self.text.translate(_NORMALIZED).split(" ")
        result: list[str] = []
        last = len(words) - 1
        for index, word in enumerate(words):
            if word:  # between two spaces: "" (a second space adds no n-gram)
                result.extend(grams(word, index < last))
        return result

    def _update_lang_prob(self, prob: list[float], word: str | None, alpha: float) -> bool:
        if word is None or word not in self.word_lang_prob_map:
            return False
        weight = alpha / self.BASE_FREQ
        row = self.word_lang_prob_map[word]
        # prob[i] * (weight + row[i]) for each i, as langdetect's indexed loop computes it.
        prob[:] = [p * (weight + q) for p, q in zip(prob, row)]  # noqa: B905 (equal lengths)
        return True
