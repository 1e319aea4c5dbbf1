from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline import Article, clean_bytes, clean_file, load_rules
from pipeline.matchers import language
from tests.conftest import SEED_FILES


def test_langdetect_is_asked_about_few_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cheap evidence decides most lines; langdetect sees only the unsure ones."""
    calls: list[str] = []
    original = language.LanguageJudge.detect

    def counting(self: language.LanguageJudge, text: str) -> tuple[str, float]:
        calls.append(text)
        return original(self, text)

    monkeypatch.setattr(language.LanguageJudge, "detect", counting)
    lines = 0
    for seed in SEED_FILES:
        lines += len(clean_file(seed).segments)
    assert lines > 80
    assert len(calls) <= lines // 10


def test_detection_is_deterministic_so_its_cache_changes_nothing() -> None:
    judge = language.LanguageJudge(load_rules().language)
    texts = [
        "Der Bundeskanzler sagte am Dienstag, dass die Gespräche fortgesetzt werden.",
        "Le président a déclaré mardi que les négociations allaient continuer.",
        "Il presidente ha detto martedì che i negoziati continueranno.",
    ]
    answers = []
    for _ in range(3):
        language._detect.cache_clear()  # a fresh detector each time, in another order
        answers.append([judge.detect(t) for t in texts])
        texts.reverse()
        answers[-1].sort()
    assert answers[0] == answers[1] == answers[2]
    assert [judge.detect(t) for t in texts] == [judge.detect(t) for t in texts]  # cached
    assert judge.detect(texts[-1])[0] == "de"


def test_a_whole_article_in_another_language_is_flagged_not_emptied() -> None:
    german = (
        "Der Bundeskanzler sagte am Dienstag, dass die Gespräche fortgesetzt werden.\n\n"
        "Die Delegationen wollen sich nach Angaben beider Seiten in der kommenden Woche treffen.\n"
    )
    article = clean_bytes(german.encode(), source_id="de.txt")
    assert article.language == "de"
    assert "off_target_language" in article.flags
    assert article.clean_text() == german.strip()
    auto = load_rules().with_options(target_language="auto")
    assert clean_bytes(german.encode(), source_id="de.txt", rules=auto).flags == ()


def test_other_target_language_removes_english_lines() -> None:
    text = (
        "Der Bundeskanzler sagte am Dienstag, dass die Gespräche fortgesetzt werden.\n\n"
        "This English sentence about the talks should not be in a German article at all.\n\n"
        "Die Delegationen wollen sich nach Angaben beider Seiten bald treffen.\n\n"
        "Beobachter rechnen nicht mit einer schnellen Einigung über die strittigen Fragen.\n\n"
        "Die Regierung in Kiew hatte zuvor neue Sicherheitsgarantien gefordert.\n"
    )
    german = load_rules().with_options(target_language="de")
    article = clean_bytes(text.encode(), source_id="de.txt", rules=german)
    assert [str(r.kind) for r in article.removals] == ["language"]
    assert "English" not in article.clean_text()


JAPANESE = [
    "東京都は火曜日、新しい防災計画を発表し、住民に備蓄の見直しを呼びかけた。",
    "計画では、避難所の数を来年までに二倍に増やすとしている。",
    "都の担当者は、地震や台風に備えて三日分の水と食料を用意するよう求めた。",
    "専門家は、高齢者の避難を支える仕組みづくりが急務だと指摘している。",
]


def clean_auto(*paragraphs: str) -> Article:
    text = "\n\n".join(paragraphs) + "\n"
    auto = load_rules().with_options(target_language="auto")
    return clean_bytes(text.encode(), source_id="ja.txt", rules=auto)


def test_latin_names_and_addresses_in_a_non_latin_article_are_kept() -> None:
    # Brand names, key combinations and e-mail addresses are written in Latin letters in
    # Japanese and Korean articles alike; they are part of the story, not another language.
    latin = ["Kindle for PCの起動ホットキーがKeePassと被る", "Ctrl+Alt+Kで", "editor@example.co.jp"]
    article = clean_auto(JAPANESE[0], *latin, JAPANESE[1])
    assert article.language == "ja"
    assert article.removals == ()


def test_a_long_english_sentence_in_a_japanese_article_still_goes() -> None:
    english = "Subscribe to our English edition for the latest news from Japan every morning."
    article = clean_auto(JAPANESE[0], english, *JAPANESE[1:])
    assert [r.rule for r in article.removals] == ["language.detect"]


def test_brand_names_in_latin_letters_stay_in_a_japanese_article() -> None:
    japanese = (
        "先日、不正に改造したiPhoneを販売したとして、20代の男性が逮捕されました。\n\n"
        "報道によると、今回販売されたのは、いわゆる「脱獄」したiPhoneです。\n\n"
        "Kindle for PCの起動ホットキーがKeePassと被る\n"
    )
    article = clean_bytes(
        japanese.encode(),
        source_id="ja.txt",
        rules=load_rules().with_options(target_language="auto"),
    )
    assert article.language == "ja"
    assert "Kindle for PC" in article.clean_text()


def test_a_japanese_line_still_leaves_an_english_article() -> None:
    text = (
        "The Olympic torch relay began in Fukushima on Thursday, organisers said.\n\n"
        "東京オリンピック Tokyo 2020\n\n"
        "The relay will pass through all 47 prefectures before the opening ceremony.\n"
    )
    article = clean_bytes(text.encode(), source_id="en.txt")
    assert [r.rule for r in article.removals] == ["language.script"]


def test_an_english_headline_with_one_function_word_is_not_sent_to_langdetect(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # langdetect read this dev-corpus line as French (p = 1.00) and removed it.
    line = "Morrison discusses concerns about Vindman's judgment"
    body = "The committee heard from three witnesses on Tuesday, and more are due next week.\n\n"
    calls: list[str] = []
    original = language.LanguageJudge.detect
    monkeypatch.setattr(
        language.LanguageJudge, "detect", lambda self, t: calls.append(t) or original(self, t)
    )
    article = clean_bytes(f"{body}{line}\n\n{body}".encode(), source_id="en.txt")
    assert line in article.clean_text()
    assert line not in calls


@given(st.text())
def test_letters_are_counted_as_the_unicode_letter_class_counts_them(text: str) -> None:
    letters = re.findall(r"[^\W\d_]", text)
    assert language.count_letters(text) == len(letters)
    assert language.count_ascii_letters(text) == sum(1 for c in letters if c.isascii())
