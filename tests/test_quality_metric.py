"""The benchmark's metric as bench/quality.py implements it, and the harness end to end."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from bench.quality import corpus_score, leftover_rules, leftovers, main, page_scores, shingles
from pipeline import load_rules

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "page.html"


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
    for folder in ("gold", "raw_text_region", "html"):
        (tmp_path / folder).mkdir()
    body = "Russia promised on Tuesday to scale down military operations around Kyiv."
    (tmp_path / "gold" / "p1.txt").write_text(body)
    (tmp_path / "raw_text_region" / "p1.txt").write_text(
        f"{body}\n\nPeople at the talks (Photo: Reuters)\n"
    )
    page = FIXTURE.read_bytes()
    (tmp_path / "gold" / "p2.txt").write_text("The city’s mayor thanked the volunteers.")
    (tmp_path / "html" / "p2.html.gz").write_bytes(gzip.compress(page, mtime=0))
    (tmp_path / "manifest.tsv").write_text(
        "id\turl\tlanguage\np1\thttp://example.test\ten\np2\thttp://example.test/2\ten\n"
    )
    assert main([str(tmp_path)]) == 0
    shown = capsys.readouterr().out
    assert "English pages, raw_text_region" in shown
    assert "no cleaning" in shown
    ours = next(line for line in shown.splitlines() if line.startswith("  article-clean "))
    assert ours.split()[-6:] == ["1.000", "1.000", "1.000", "0", "1", "0"]
    assert "'caption': 1" in shown
    assert "English pages, html" in shown
    assert "trafilatura (favor_precision)" in shown
    assert "'caption (html element)': 2" in shown


def test_leftovers_are_lines_outside_the_gold_that_a_rule_pattern_knows() -> None:
    rules = leftover_rules(load_rules())
    gold = "The mayor spoke. Smoke over the city (Photo: Reuters)"
    out = "The mayor spoke.\nSmoke over the city (Photo: Reuters)\nDonate now to keep us going"
    assert leftovers(out, gold, rules) == [("appeal.donate", "Donate now to keep us going")]


def test_snippet_metric_sums_counts_over_the_corpus() -> None:
    from bench.quality import Snippets, snippet_score

    gold = Snippets(("the mayor  spoke",), ("Share this",))
    score = snippet_score([("the mayor spoke\nShare this", gold), ("", gold)])
    # tp 1, fn 1, fp 1, tn 1
    assert (score.recall, score.precision, score.absent, score.empty) == (0.5, 0.5, 0.5, 1)
    assert score.f1 == pytest.approx(0.5)


def test_harness_scores_a_snippet_corpus_and_reports_each_rules_cost(
    tmp_path: Path, capsys
) -> None:
    body = "Russia promised on Tuesday to scale down military operations around Kyiv."
    for folder in ("gold", "raw_text_region"):
        (tmp_path / folder).mkdir()
    (tmp_path / "gold" / "p1.json").write_text(
        '{"with": ["scale down military operations"], "without": ["(Photo: Reuters)"]}'
    )
    (tmp_path / "raw_text_region" / "p1.txt").write_text(
        f"{body}\n\nPeople at the talks (Photo: Reuters)\n"
    )
    (tmp_path / "manifest.tsv").write_text("id\tlanguage\np1\ten\n")
    assert main([str(tmp_path), "--workers", "1"]) == 0
    shown = capsys.readouterr().out
    ours = next(line for line in shown.splitlines() if line.startswith("  article-clean "))
    # P, R, F1, absent, empty, pages: the caption is gone, the story kept
    assert ours.split()[-6:] == ["1.000", "1.000", "1.000", "1.000", "0", "1"]
    none = next(line for line in shown.splitlines() if line.startswith("  no cleaning "))
    assert none.split()[-6:-2] == ["0.500", "1.000", "0.667", "0.000"]
    rule_line = next(line for line in shown.splitlines() if line.startswith("caption."))
    assert rule_line.split()[1:] == ["1", "/", "0"]  # one line removed, no must-keep cost
