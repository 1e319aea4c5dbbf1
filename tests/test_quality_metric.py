"""The benchmark's metric as bench/quality.py implements it, and the harness end to end."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.quality import corpus_score, main, page_scores, shingles


def test_shingles_are_a_multiset_of_four_token_windows() -> None:
    assert shingles("") == {}
    assert shingles("Hello, world!") == {("Hello", "world"): 1}
    assert shingles("a b c d a b c d") == {
        ("a", "b", "c", "d"): 2,
        ("b", "c", "d", "a"): 1,
        ("c", "d", "a", "b"): 1,
        ("d", "a", "b", "c"): 1,
    }


def test_page_precision_and_recall() -> None:
    gold = "one two three four five six"  # 3 shingles
    assert page_scores(gold, gold) == (1.0, 1.0)
    assert page_scores(gold + " seven", gold) == (0.75, 1.0)
    assert page_scores("one two three four", gold) == (1.0, pytest.approx(1 / 3))
    assert page_scores("", gold) == (1.0, 0.0)


def test_corpus_means_skip_empty_predictions_and_count_them() -> None:
    score = corpus_score([("a b c d e", "a b c d e"), ("", "x y z w")])
    assert (score.precision, score.recall, score.empty, score.pages) == (1.0, 0.5, 1, 2)
    assert score.f1 == pytest.approx(2 / 3)


def test_harness_runs_on_a_corpus_folder(tmp_path: Path, capsys) -> None:
    for folder in ("gold", "raw_text_region"):
        (tmp_path / folder).mkdir()
    body = "Russia promised on Tuesday to scale down military operations around Kyiv."
    (tmp_path / "gold" / "p1.txt").write_text(body)
    (tmp_path / "raw_text_region" / "p1.txt").write_text(
        f"{body}\n\nPeople at the talks (Photo: Reuters)\n"
    )
    (tmp_path / "manifest.tsv").write_text("id\turl\tlanguage\np1\thttp://example.test\ten\n")
    assert main([str(tmp_path)]) == 0
    shown = capsys.readouterr().out
    assert "English pages: no cleaning" in shown
    (ours,) = [line for line in shown.splitlines() if "English pages: article-clean" in line]
    assert ours.split()[-5:] == ["1.000", "1.000", "1.000", "0", "1"]
    assert "'caption': 1" in shown
