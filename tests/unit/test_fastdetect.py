"""``FastDetector`` gives langdetect's own answers: each override against the method it replaces.

Texts are drawn from the characters langdetect treats apart: ASCII letters of both cases
(capital runs skip n-grams), spaces and punctuation (word breaks), Latin-1 letters and the
ones it excludes, Romanian and Vietnamese forms it rewrites, Cyrillic, Arabic and Farsi yeh,
kana, Chinese and Hangul (mapped to one character each), and URLs and e-mail addresses.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from hypothesis import given
from hypothesis import strategies as st
from langdetect.detector import Detector
from langdetect.lang_detect_exception import LangDetectException

from pipeline.matchers.fastdetect import FastDetector
from pipeline.matchers.language import _factory
from pipeline.rules import load_rules
from tests.conftest import SEED_FILES

FACTORY = _factory(load_rules().language.seed)
CHARS = st.sampled_from(
    list("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
    + list("  ,.;!?'\"-()0123456789\n\t[]^_`")
    + list("äöüßÄÖÜéèàçñøåÆ×÷ªº")  # Latin-1, with some that normalise to a space
    + list("\u0219\u021b\u1ea0\u1ec3\u1e00")  # Romanian comma forms, Latin Extended Additional
    + ["a\u0300", "e\u0301", "o\u0303", "u\u0309", "i\u0323"]  # Vietnamese letter + mark
    + list("жизньПРАВДА")
    + list("\u06cc\u064a\u0627\u0644")  # Farsi yeh, Arabic
    + list("ひらがなカタカナㄅ中文字한국어")
    + [" http://example.com/a?b=1 ", " someone@example.org ", "\u2014", "\u201c"]
)
TEXTS = st.lists(CHARS, max_size=400).map("".join)


def _pair(text: str) -> tuple[Detector, FastDetector]:
    slow, fast = Detector(FACTORY), FastDetector(FACTORY)
    slow.append(text)
    fast.append(text)
    return slow, fast


def _answer(detector: Detector) -> object:
    try:
        return [(lang.lang, lang.prob) for lang in detector.get_probabilities()]
    except LangDetectException as exc:
        return str(exc)


@given(TEXTS)
def test_the_text_and_its_ngrams_are_langdetects(text: str) -> None:
    slow, fast = _pair(text)
    assert fast.text == slow.text
    slow.cleaning_text()
    fast.cleaning_text()
    assert fast.text == slow.text
    assert fast._extract_ngrams() == slow._extract_ngrams()  # in order: trials draw by index


@given(TEXTS)
def test_the_probabilities_are_langdetects_to_the_bit(text: str) -> None:
    slow, fast = _pair(text)
    assert _answer(fast) == _answer(slow)
    assert fast.langprob == slow.langprob


@given(st.integers(min_value=0, max_value=2**32), st.floats(min_value=0.0, max_value=1.0))
def test_one_update_and_normalisation_are_langdetects(seed: int, alpha: float) -> None:
    rng = random.Random(seed)
    words = sorted(FACTORY.word_lang_prob_map)
    slow, fast = Detector(FACTORY), FastDetector(FACTORY)
    prob = [rng.random() for _ in FACTORY.langlist]
    a, b = list(prob), list(prob)
    for word in [rng.choice(words) for _ in range(20)] + ["not an n-gram", None]:
        assert fast._update_lang_prob(b, word, alpha) == slow._update_lang_prob(a, word, alpha)
        assert a == b
    assert _outcome(fast._normalize_prob, b) == _outcome(slow._normalize_prob, a)
    assert a == b


def _outcome(normalize: Callable[[list[float]], float], prob: list[float]) -> object:
    try:
        return normalize(prob)
    except ZeroDivisionError:  # every probability gone to zero (alpha 0): both raise
        return "ZeroDivisionError"


def test_long_documents_are_cut_and_answered_as_langdetect_does() -> None:
    # The seeds, whole (past max_text_length) and in parts, and a page of Cyrillic with a
    # Latin URL in it (the Latin letters are dropped when the other script dominates).
    texts = [seed.read_text(encoding="utf-8") for seed in SEED_FILES]
    texts += [text[i : i + 700] for text in texts for i in range(0, 3000, 700)]
    texts.append("Правда жизни http://example.com/path " * 200)
    for text in texts:
        slow, fast = _pair(text)
        assert (_answer(fast), fast.langprob) == (_answer(slow), slow.langprob)
