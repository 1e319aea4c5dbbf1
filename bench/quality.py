"""Article-body quality against gold: ``make bench-quality CORPUS=../shared/eval/zyte-dev``.

The corpus is data read by path, never copied into the project. Layout: ``gold/<id>.txt``,
``raw_text_region/<id>.txt``, ``manifest.tsv`` (id, url, language). For each input kind it
prints precision, recall, F1 and empty outputs with the benchmark's metric, beside the score
of doing nothing, plus removals by kind — English pages with default settings, and all pages
with ``--lang auto``. HTML input is not cleaned yet (issue 4), so only raw text is scored.

The metric (the benchmark's own, reimplemented here): tokens are ``\\w+`` matches; a text is
the multiset of its contiguous 4-token shingles (1-3 tokens: one shingle of all of them; none:
no shingles); per page TP is the multiset overlap, P = TP/(TP+FP), R = TP/(TP+FN), both 1 when
FP = FN = 0; corpus P is the mean over pages with a non-empty prediction, corpus R the mean
over pages with a non-empty gold, F1 from the two means.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from pipeline import CleaningError, clean_bytes, load_rules
from pipeline.rules import Rules

TOKEN = re.compile(r"\w+")
SHINGLE = 4


def shingles(text: str) -> Counter[tuple[str, ...]]:
    """The multiset of 4-token shingles.

    >>> sorted(shingles("a b c"))
    [('a', 'b', 'c')]
    >>> len(shingles("one two three four five"))
    2
    """
    tokens = TOKEN.findall(text)
    if not tokens:
        return Counter()
    if len(tokens) < SHINGLE:
        return Counter([tuple(tokens)])
    return Counter(tuple(tokens[i : i + SHINGLE]) for i in range(len(tokens) - SHINGLE + 1))


def page_scores(predicted: str, gold: str) -> tuple[float, float]:
    """Precision and recall of one page.

    >>> page_scores("the cat sat on the mat", "the cat sat on the mat")
    (1.0, 1.0)
    >>> page_scores("", "")
    (1.0, 1.0)
    """
    pred, true = shingles(predicted), shingles(gold)
    tp = sum((pred & true).values())
    fp = sum(pred.values()) - tp
    fn = sum(true.values()) - tp
    precision = 1.0 if tp + fp == 0 else tp / (tp + fp)
    recall = 1.0 if tp + fn == 0 else tp / (tp + fn)
    return precision, recall


@dataclass(frozen=True)
class Score:
    precision: float
    recall: float
    f1: float
    empty: int
    pages: int


def corpus_score(pairs: Iterable[tuple[str, str]]) -> Score:
    """Mean precision over non-empty predictions, mean recall over non-empty gold, F1."""
    precisions: list[float] = []
    recalls: list[float] = []
    empty = pages = 0
    for predicted, gold in pairs:
        pages += 1
        p, r = page_scores(predicted, gold)
        if shingles(predicted):
            precisions.append(p)
        else:
            empty += 1
        if shingles(gold):
            recalls.append(r)
    precision = sum(precisions) / len(precisions) if precisions else 0.0
    recall = sum(recalls) / len(recalls) if recalls else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Score(precision, recall, f1, empty, pages)


def load_pages(corpus: Path, english_only: bool) -> list[tuple[str, bytes, str]]:
    """``(id, raw text bytes, gold text)`` for every page with both files."""
    languages = {}
    for line in (corpus / "manifest.tsv").read_text(encoding="utf-8").splitlines()[1:]:
        page_id, _url, language = line.split("\t")[:3]
        languages[page_id] = language
    pages = []
    for page_id in sorted(languages):
        if english_only and languages[page_id] != "en":
            continue
        raw = corpus / "raw_text_region" / f"{page_id}.txt"
        gold = corpus / "gold" / f"{page_id}.txt"
        if raw.exists() and gold.exists():
            pages.append((page_id, raw.read_bytes(), gold.read_text(encoding="utf-8")))
    return pages


def pipeline_cleaner(rules: Rules, kinds: Counter[str]) -> Callable[[str, bytes], str]:
    def clean(page_id: str, raw: bytes) -> str:
        try:
            article = clean_bytes(raw, source_id=page_id, rules=rules)
        except CleaningError:
            return ""
        kinds.update(str(r.kind) for r in article.removals)
        return article.clean_text()

    return clean


def report(label: str, score: Score) -> str:
    return (
        f"{label:44} {score.precision:6.3f} {score.recall:6.3f} {score.f1:6.3f} "
        f"{score.empty:5d} {score.pages:5d}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Score cleaning against gold article bodies.")
    parser.add_argument("corpus", type=Path, help="e.g. ../shared/eval/zyte-dev")
    args = parser.parse_args(argv)
    if not (args.corpus / "manifest.tsv").exists():
        print(f"bench.quality: {args.corpus} has no manifest.tsv", file=sys.stderr)
        return 2
    print(f"{'raw_text_region':44} {'P':>6} {'R':>6} {'F1':>6} {'empty':>5} {'pages':>5}")
    for label, english_only, language in (
        ("English pages", True, None),
        ("all pages", False, "auto"),
    ):
        pages = load_pages(args.corpus, english_only)
        rules = load_rules().with_options(target_language=language)
        kinds: Counter[str] = Counter()
        ours = corpus_score(
            (pipeline_cleaner(rules, kinds)(i, raw), gold) for i, raw, gold in pages
        )
        nothing = corpus_score((raw.decode("utf-8", "replace"), gold) for _, raw, gold in pages)
        print(report(f"{label}: no cleaning", nothing))
        print(report(f"{label}: article-clean ({language or 'en'})", ours))
        print(f"  removed lines by kind: {dict(sorted(kinds.items()))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
