"""Is a line in the target language? Cheap evidence first, langdetect only when unsure.

langdetect costs ~2.4 ms a line here; asking it about every line would cap the pipeline at
about 9 documents a second. Most lines are decided without it:

1. too few letters to judge: keep (langdetect misreads short lines: "Zelensky agrees to talk
   with Russia" comes back as Afrikaans);
2. letters mostly in a script the target language does not use: not the target (a Hebrew
   caption in an English article) — the ``script`` matcher;
3. enough of the target's function words: the target, keep;
4. otherwise a long enough line of natural language (enough words that are only letters,
   some of them lower case: not a table row of names and addresses, a line of code or a
   reference-list entry, which are no evidence of any language) goes to langdetect, seeded so
   the same line always gets the same answer, and only a confident non-target answer removes
   it — the ``langdetect`` matcher.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter

from langdetect.detector_factory import DetectorFactory
from langdetect.lang_detect_exception import LangDetectException

from pipeline.article import Segment
from pipeline.limits import check_time
from pipeline.matchers.base import Context
from pipeline.matchers.fastdetect import FastDetector
from pipeline.matchers.profiles import factory as profiles_factory
from pipeline.rules import LanguageSettings, Rule

WORD = re.compile(r"\w+")
NON_ASCII_LETTER = re.compile(r"[^\W\d_\x00-\x7f]")
# Every byte but A-Z and a-z: what deleting leaves of an ASCII text is its letters.
NOT_ASCII_LETTERS = bytes(b for b in range(256) if not chr(b).isascii() or not chr(b).isalpha())
UNDETERMINED = "und"
# A word of natural language: letters only, maybe joined by an apostrophe or a hyphen, maybe
# inside quotes or brackets, maybe followed by punctuation ("don't", "(Berlin),", "„Wir").
NATURAL_WORD = re.compile(
    r"[\"'„“”‚‘’«»(\[¿¡*]*([^\W\d_]{2,}(?:['’-][^\W\d_]+)*)[\"'“”‘’«»)\].,;:!?…]*"
)


@functools.lru_cache(maxsize=1)
def _factory(seed: int) -> DetectorFactory:
    """langdetect's profiles, loaded once per process (from a cache: ``matchers.profiles``);
    its detectors draw from this seed."""
    factory = profiles_factory()
    factory.seed = seed
    return factory


@functools.lru_cache(maxsize=2048)
def _detect(text: str, seed: int) -> tuple[str, float]:
    """langdetect's answer, cached: each detector is seeded afresh, so the same text always
    gets the same answer, and articles of one site repeat their boilerplate lines."""
    # langdetect's own answers; a document's sample in 3 ms instead of 6 (``fastdetect``).
    detector = FastDetector(_factory(seed))
    detector.append(text)
    try:
        best = detector.get_probabilities()[0]
    except (LangDetectException, IndexError):
        return UNDETERMINED, 0.0
    return str(best.lang), float(best.prob)


@functools.lru_cache(maxsize=4096)
def script_of(char: str) -> str:
    """The Unicode script of a letter, from its character name.

    >>> script_of("a"), script_of("א"), script_of("ж"), script_of("中")
    ('LATIN', 'HEBREW', 'CYRILLIC', 'CJK')
    """
    if char.isascii():
        return "LATIN"
    try:
        return unicodedata.name(char).split(" ", 1)[0]
    except ValueError:
        return "UNKNOWN"


def count_letters(text: str) -> int:
    """Letters in any script (what ``[^\\W\\d_]`` matches).

    >>> count_letters("Kyiv (Київ), 2022")
    8
    """
    ascii_letters = count_ascii_letters(text)
    return ascii_letters if text.isascii() else ascii_letters + len(NON_ASCII_LETTER.findall(text))


def count_ascii_letters(text: str) -> int:
    """Letters A-Z and a-z, counted with bytes operations in C: a regex ``findall`` builds a
    string per letter, and this count runs for most lines of every document.

    >>> count_ascii_letters("Kyiv (Київ), 2022")
    4
    """
    return len(text.encode("ascii", "ignore").translate(None, NOT_ASCII_LETTERS))


def is_natural_language(text: str, settings: LanguageSettings) -> bool:
    """Enough words of natural language to be evidence of a language at all.

    Code, shell commands, a table row of names and e-mail addresses, a reference-list entry
    are mostly tokens that are not plain words, or plain words that are all names: langdetect
    reads them as some language or other, but they are in none.

    >>> from pipeline.rules import load_rules
    >>> settings = load_rules().language
    >>> is_natural_language("Der Kanzler sagte am Dienstag, dass sie weitergehen.", settings)
    True
    >>> is_natural_language("$ conda create --name $ENV_NAME --file $REQUIREMENTS_FILE", settings)
    False
    >>> is_natural_language("Jane Doe | Professor | jane.doe@example.edu | Room 4.12", settings)
    False
    """
    tokens = text.split()
    words = [m.group(1) for m in map(NATURAL_WORD.fullmatch, tokens) if m is not None]
    lower = sum(1 for word in words if word[0].islower())
    return (
        len(words) >= settings.min_natural_words
        and len(words) >= settings.natural_word_share * len(tokens)
        and lower >= settings.min_lowercase_words
    )


class LanguageJudge:
    """Decides line and document languages from one :class:`LanguageSettings`."""

    def __init__(self, settings: LanguageSettings) -> None:
        self.settings = settings

    def letters(self, text: str) -> Counter[str]:
        """Letters counted by script (ASCII letters counted in C: they are all Latin)."""
        counts = Counter(script_of(c) for c in NON_ASCII_LETTER.findall(text))
        ascii_letters = count_ascii_letters(text)
        if ascii_letters:
            counts["LATIN"] += ascii_letters
        return counts

    def script_share(self, text: str, language: str) -> tuple[float, int] | None:
        """Share of letters in the scripts ``language`` is written in, and the letter count.

        Letters in a neutral script the language does not use are left out of both. None when
        the language's scripts are unknown or no letter is left (then scripts prove nothing).
        For ASCII text in a Latin-script language the count is an upper bound: the share is 1
        anyway.
        """
        scripts = self.settings.scripts.get(language)
        if scripts is None:
            return None
        if text.isascii() and "LATIN" in scripts:
            # The common case, decided in C: every ASCII letter is Latin.
            return 1.0, len(text)
        counts = self.letters(text)
        # Latin letters in a Japanese or Russian article are brand names, code, addresses:
        # they prove nothing about the line, so they do not count against the target.
        for script in self.settings.neutral_scripts - scripts:
            counts.pop(script, None)
        total = sum(counts.values())
        if total == 0:
            return None
        return sum(counts[s] for s in scripts) / total, total

    def is_positively(
        self, text: str, language: str, tokens: tuple[str, ...] | None = None
    ) -> bool:
        """Positive evidence the line is in ``language``: its function words, or, for a
        language without a word list, its own non-Latin script, or a Latin-script line and a
        confident langdetect answer. ``tokens`` as for ``has_function_words``."""
        if self.settings.function_words.get(language):
            return self.has_function_words(text, language, tokens=tokens)
        share = self.script_share(text, language)
        if share is not None and share[0] < self.settings.script_share:
            return False
        # Mostly in a script of its own (Japanese, Hebrew, Thai; not Latin, which many
        # languages share): evidence enough, and CJK lines are too short in letters for
        # langdetect's threshold.
        own_script = "LATIN" not in self.settings.scripts.get(language, frozenset({"LATIN"}))
        if own_script and share is not None and share[1] >= self.settings.min_letters:
            return True
        if count_letters(text) < self.settings.min_letters_detect:
            return False
        detected, probability = self.detect(text)
        return detected == language and probability >= self.settings.detect_min_prob

    def has_function_words(
        self,
        text: str,
        language: str,
        share: float | None = None,
        tokens: tuple[str, ...] | None = None,
    ) -> bool:
        """Enough of the language's commonest words to take the text as that language.

        ``share`` overrides the share of words they must make up (documents are judged with
        their own); a line whose letters are all ASCII needs fewer (``*_ascii`` settings).
        ``tokens``, when given, are the text's lower-case words (a segment's own).
        """
        words = self.settings.function_words.get(language)
        if not words:
            return False
        if tokens is None:
            tokens = tuple(WORD.findall(text.lower()))
        hits = sum(map(words.__contains__, tokens))  # counted in C
        least, settings = self.settings.min_function_words, self.settings
        if share is None:
            share = settings.function_word_share
            if text.isascii() or NON_ASCII_LETTER.search(text) is None:  # letters all ASCII
                least, share = settings.min_function_words_ascii, settings.function_word_share_ascii
        return hits >= least and hits / max(len(tokens), 1) >= share

    def detect(self, text: str) -> tuple[str, float]:
        """langdetect's top language and probability (seeded: deterministic)."""
        check_time()  # the one costly call (milliseconds), made once per doubtful line
        return _detect(text, self.settings.seed)

    def document_language(self, text: str) -> str:
        """The language most of the document is in; ``und`` when there is too little text."""
        sample = text[: self.settings.document_sample_chars]
        if count_letters(sample) < self.settings.min_letters_detect:
            return UNDETERMINED
        share = self.settings.document_function_word_share
        # Function words are counted per \w+ token; Japanese or Chinese text has few tokens
        # (no spaces), so one English line in it would look like an English document.
        if self._mostly_latin(sample):
            for language in sorted(self.settings.function_words):
                if self.has_function_words(sample, language, share):
                    return language
        return self.detect(sample)[0]

    def _mostly_latin(self, text: str) -> bool:
        if text.isascii():
            return True
        counts = self.letters(text)
        return counts["LATIN"] * 2 >= sum(counts.values())


def match_script(segment: Segment, rule: Rule, ctx: Context) -> float | None:
    """Most letters are in a script the target language is not written in."""
    if not ctx.filter_language:
        return None
    share = ctx.judge.script_share(segment.text, ctx.target_language)
    if share is None:
        return None
    target_share, letters = share
    if letters < ctx.judge.settings.min_letters or target_share >= ctx.judge.settings.script_share:
        return None
    return rule.confidence * (1.0 - target_share)


def match_langdetect(segment: Segment, rule: Rule, ctx: Context) -> float | None:
    """A long enough line that langdetect confidently puts in another language."""
    if not ctx.filter_language:
        return None
    judge = ctx.judge
    if count_letters(segment.text) < judge.settings.min_letters_detect:
        return None
    if judge.has_function_words(segment.text, ctx.target_language, tokens=segment.tokens):
        return None
    if not is_natural_language(segment.text, judge.settings):
        return None
    language, probability = judge.detect(segment.text)
    if language in (ctx.target_language, UNDETERMINED):
        return None
    if probability < judge.settings.detect_min_prob:
        return None
    return rule.confidence * probability
