"""The built-in rules from the cache are the rules the file gives, and the cache is safe to lose."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest

import pipeline.rules
from pipeline import rules_cache
from pipeline.rules import load_rules, parse_document, parse_rules, read_toml

SOURCE = "pipeline/data/rules.toml"


@pytest.fixture(scope="module")
def data() -> bytes:
    return resources.files("pipeline.data").joinpath("rules.toml").read_bytes()


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    return tmp_path / "article-clean"


def test_the_cached_rules_are_the_files_rules(cache_home: Path, data: bytes) -> None:
    built = load_rules()  # parsed, and the cache written
    assert [path.name for path in cache_home.glob("rules-*.json")] == [rules_cache.cache_name(data)]
    cached = load_rules()  # from the cache
    assert cached == built == parse_rules(data, SOURCE)
    assert [rule.needs for rule in cached.rules] == [rule.needs for rule in built.rules]
    assert not list(cache_home.glob(".tmp-*"))


def test_a_load_from_the_cache_does_not_analyse_the_patterns_again(
    cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_rules()

    def refuse(*_: object) -> bool:
        msg = "analysed again"
        raise AssertionError(msg)

    monkeypatch.setattr(pipeline.rules, "explosive_repeat", refuse)
    monkeypatch.setattr(pipeline.rules, "required_substrings", refuse)
    assert load_rules().rules  # every pattern's facts came from the cache
    with pytest.raises(AssertionError, match="analysed again"):
        parse_rules(b'version = 1\n[[rules]]\nid = "x.y"\npattern = "z"\n', "<new>")


def test_a_damaged_cache_is_a_slower_load(cache_home: Path, data: bytes) -> None:
    want = load_rules()
    cached = cache_home / str(rules_cache.cache_name(data))
    for damage in (cached.read_bytes()[:-100], b"", b'{"format": "another"}', b"[1, 2]"):
        cached.write_bytes(damage)
        assert load_rules() == want
        assert cached.read_bytes() != damage  # and written whole again


def test_an_unwritable_cache_folder_is_a_slower_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, data: bytes
) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    assert load_rules() == parse_rules(data, SOURCE)


def test_other_rules_or_another_python_have_another_cache(
    data: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    name = rules_cache.cache_name(data)
    assert name is not None and name != rules_cache.cache_name(data + b"\n# edited\n")
    monkeypatch.setattr(rules_cache.sys, "version", "3.99.0")
    assert rules_cache.cache_name(data) not in (name, None)


def test_parsing_leaves_the_document_as_read(data: bytes) -> None:
    """The cache stores the document after parsing it: parsing must not change it."""
    doc = read_toml(data, SOURCE)
    parse_document(doc, data, SOURCE, {})
    assert doc == read_toml(data, SOURCE)
