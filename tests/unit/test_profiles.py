"""langdetect's profiles from the cache are langdetect's own, and the cache is safe to lose."""

from __future__ import annotations

from pathlib import Path

import pytest
from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory

from pipeline.matchers import profiles


@pytest.fixture(scope="module")
def reference() -> tuple[list[str], profiles.Table]:
    factory = DetectorFactory()
    factory.load_profile(PROFILES_DIRECTORY)
    return factory.langlist, {word: tuple(row) for word, row in factory.word_lang_prob_map.items()}


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    return tmp_path / "article-clean"


def same(
    loaded: tuple[list[str], profiles.Table], reference: tuple[list[str], profiles.Table]
) -> bool:
    """The same languages in the same order, the same n-grams in the same order, the same
    floats."""
    (languages, table), (want_languages, want_table) = loaded, reference
    return languages == want_languages and list(table) == list(want_table) and table == want_table


def test_built_then_cached_profiles_are_langdetects(
    cache_home: Path, reference: tuple[list[str], profiles.Table]
) -> None:
    assert same(profiles.load_profiles(), reference)  # built, and the cache written
    cached = profiles.cache_path(PROFILES_DIRECTORY)
    assert cached is not None and cached.parent == cache_home and cached.is_file()
    assert same(profiles.load_profiles(), reference)  # read from the cache
    assert not list(cache_home.glob(".tmp-*"))


def test_the_cache_is_deterministic(reference: tuple[list[str], profiles.Table]) -> None:
    assert profiles.encode(*reference) == profiles.encode(*reference)


def test_a_damaged_cache_is_rebuilt(
    cache_home: Path, reference: tuple[list[str], profiles.Table]
) -> None:
    profiles.load_profiles()
    cached = profiles.cache_path(PROFILES_DIRECTORY)
    assert cached is not None
    cached.write_bytes(cached.read_bytes()[:-100])  # cut short, as by a full disk
    assert profiles.decode(cached.read_bytes()) is None
    assert same(profiles.load_profiles(), reference)
    assert profiles.decode(cached.read_bytes()) is not None  # and written whole again


def test_another_langdetect_version_has_another_cache(
    cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = profiles.cache_path(PROFILES_DIRECTORY)
    monkeypatch.setattr(profiles.metadata, "version", lambda _: "99.0")
    assert profiles.cache_path(PROFILES_DIRECTORY) not in (now, None)


def test_an_unwritable_cache_folder_is_only_slower(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, reference: tuple[list[str], profiles.Table]
) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    assert same(profiles.load_profiles(), reference)


def test_every_way_of_reading_the_cached_table_gives_langdetects_rows(
    cache_home: Path, reference: tuple[list[str], profiles.Table]
) -> None:
    profiles.load_profiles()  # the cache written
    languages, table = profiles.load_profiles()  # and read: rows made on first use
    want = reference[1]
    some = list(want)[::997]
    assert [table[word] for word in some] == [want[word] for word in some]
    assert all(word in table for word in some) and "no such n-gram" not in table
    assert table.get(some[0]) == want[some[0]] and table.get("no such n-gram") is None
    for copied in (dict(table), {**table}, table.copy(), dict(table.items())):
        assert type(copied) is dict and copied == want
    assert list(table.values()) == list(want.values()) and len(table) == len(want)
    assert all(type(row) is tuple and len(row) == len(languages) for row in table.values())


def test_detectors_from_the_cache_answer_as_langdetects_own(cache_home: Path) -> None:
    own = DetectorFactory()
    own.load_profile(PROFILES_DIRECTORY)
    profiles.load_profiles()  # the cache written, then read below
    cached = profiles.factory()
    texts = [
        "The council voted on Tuesday to close the old bridge to traffic.",
        "Die Bundesregierung hat am Mittwoch neue Regeln für den Energiehandel beschlossen.",
        "Le gouvernement a présenté mercredi un projet de loi sur l'énergie.",
        "一个约定，信守15年；他每天都来这里。",
        "Правительство утвердило новый бюджет на следующий год.",
    ]
    for seed, text in enumerate(texts):
        answers = []
        for factory in (own, cached):
            factory.seed = seed
            detector = factory.create()
            detector.append(text)
            answers.append([(p.lang, p.prob) for p in detector.get_probabilities()])
        assert answers[0] == answers[1], text
