"""Article-body quality against gold: ``make bench-quality CORPUS=../shared/eval/zyte-dev``.

The corpus is data read by path, never copied into the project. Layout: ``gold/<id>.txt``,
``manifest.tsv`` (id, url, language), and the inputs: ``raw_text_region/<id>.txt`` and/or
``html/<id>.html.gz``. For each input kind it prints precision, recall, F1 and empty outputs
with the benchmark's metric, for article-clean and, in the same run, the baselines: doing
nothing (raw text), trafilatura with its defaults and with ``favor_precision`` (HTML; comments
excluded, as in the published scores). English pages are cleaned with default settings, all
pages with ``--lang auto``. Then removals by kind, and the *leftovers*: output lines the gold
does not contain that a caption, credit or appeal rule's own pattern recognises (ignoring
the rule's length bounds), listed for article-clean and counted for every system.

The metric (the benchmark's own, reimplemented here): tokens are ``\\w+`` matches; a text is
the multiset of its contiguous 4-token shingles (1-3 tokens: one shingle of all of them; none:
no shingles); per page TP is the multiset overlap, P = TP/(TP+FP), R = TP/(TP+FN), both 1 when
FP = FN = 0; corpus P is the mean over pages with a non-empty prediction, corpus R the mean
over pages with a non-empty gold, F1 from the two means.
"""

from __future__ import annotations

import argparse
import gzip
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pipeline import CleaningError, Kind, clean_bytes, load_rules
from pipeline.matchers.context import fold
from pipeline.rules import Rule, Rules

TOKEN = re.compile(r"\w+")
SHINGLE = 4
# Leftovers: what the issue asks never to survive when the gold does not have it.
LEFTOVER_KINDS = frozenset({Kind.CAPTION, Kind.APPEAL})
KINDS = {"raw_text_region": ("raw_text_region", ".txt"), "html": ("html", ".html.gz")}


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


@dataclass(frozen=True)
class Page:
    id: str
    language: str
    gold: str
    inputs: dict[str, bytes]  # input kind -> the file's bytes


def load_pages(corpus: Path) -> list[Page]:
    """Every page of the manifest that has a gold body, with the inputs it has."""
    pages = []
    for line in (corpus / "manifest.tsv").read_text(encoding="utf-8").splitlines()[1:]:
        page_id, _url, language = line.split("\t")[:3]
        gold = corpus / "gold" / f"{page_id}.txt"
        if not gold.exists():
            continue
        inputs = {}
        for kind, (folder, suffix) in KINDS.items():
            path = corpus / folder / f"{page_id}{suffix}"
            if path.exists():
                inputs[kind] = path.read_bytes()
        pages.append(Page(page_id, language, gold.read_text(encoding="utf-8"), inputs))
    return sorted(pages, key=lambda page: page.id)


System = Callable[[Page, str], str]  # (page, input kind) -> predicted body


def article_clean(rules: Rules, kinds: Counter[str]) -> System:
    def clean(page: Page, kind: str) -> str:
        fmt = "html" if kind == "html" else "text"
        try:
            article = clean_bytes(page.inputs[kind], source_id=page.id, rules=rules, fmt=fmt)
        except CleaningError:
            return ""
        kinds.update(str(r.kind) for r in article.removals)
        if article.page is not None:
            kinds.update(f"{r.kind} (html element)" for r in article.page.removals)
        return article.clean_text()

    return clean


def no_cleaning(page: Page, kind: str) -> str:
    return page.inputs[kind].decode("utf-8", "replace")


@cache
def _trafilatura(page_id: str, data: bytes, precision: bool) -> str:
    import trafilatura  # only the HTML baseline needs it

    html = gzip.decompress(data).decode("utf-8", "replace")
    text = trafilatura.extract(html, include_comments=False, favor_precision=precision)
    return text or ""


def trafilatura_system(precision: bool) -> System:
    return lambda page, kind: _trafilatura(page.id, page.inputs[kind], precision)


def leftover_rules(rules: Rules) -> list[Rule]:
    """Pattern rules of the kinds that must not survive (captions, credits, appeals)."""
    return [
        r for r in rules.rules if r.kind in LEFTOVER_KINDS and r.matcher == "pattern" and r.pattern
    ]


def leftovers(predicted: str, gold: str, rules: list[Rule]) -> list[tuple[str, str]]:
    """``(rule id, line)`` for output lines not in the gold that a rule's pattern matches."""
    folded_gold = fold(gold)
    found = []
    for line in predicted.splitlines():
        folded = fold(line)
        if not folded or folded in folded_gold:
            continue
        for rule in rules:
            if rule.pattern is not None and rule.pattern.search(line):
                found.append((rule.id, line))
                break
    return found


def report(label: str, score: Score, spotted: int) -> str:
    return (
        f"{label:40} {score.precision:6.3f} {score.recall:6.3f} {score.f1:6.3f} "
        f"{score.empty:5d} {score.pages:5d} {spotted:9d}"
    )


def run_subset(pages: list[Page], label: str, language: str | None, verbose: bool) -> None:
    """Score every system on every input kind for one subset of the pages."""
    rules = load_rules().with_options(target_language=language)
    spot = leftover_rules(rules)
    for kind in KINDS:
        subset = [page for page in pages if kind in page.inputs]
        if not subset:
            continue
        print(f"\n{label}, {kind} ({language or 'en'})")
        print(f"{'':40} {'P':>6} {'R':>6} {'F1':>6} {'empty':>5} {'pages':>5} leftovers")
        kinds: Counter[str] = Counter()
        for name, system in systems(kind, rules, kinds):
            outputs = [(system(page, kind), page) for page in subset]
            score = corpus_score((out, page.gold) for out, page in outputs)
            found = [
                (page.id, *hit) for out, page in outputs for hit in leftovers(out, page.gold, spot)
            ]
            print(report(f"  {name}", score, len(found)))
            if name == "article-clean" and verbose:
                for page_id, rule_id, line in found:
                    print(f"      leftover {page_id[:12]} [{rule_id}] {line[:90]}")
        print(f"  article-clean removals by kind: {dict(sorted(kinds.items()))}")


def systems(kind: str, rules: Rules, kinds: Counter[str]) -> list[tuple[str, System]]:
    ours = ("article-clean", article_clean(rules, kinds))
    if kind == "html":
        return [
            ("trafilatura (defaults)", trafilatura_system(precision=False)),
            ("trafilatura (favor_precision)", trafilatura_system(precision=True)),
            ours,
        ]
    return [("no cleaning", no_cleaning), ours]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Score cleaning against gold article bodies.")
    parser.add_argument("corpus", type=Path, help="e.g. ../shared/eval/zyte-dev")
    parser.add_argument("--quiet", action="store_true", help="count leftovers, do not list them")
    args = parser.parse_args(argv)
    if not (args.corpus / "manifest.tsv").exists():
        print(f"bench.quality: {args.corpus} has no manifest.tsv", file=sys.stderr)
        return 2
    pages = load_pages(args.corpus)
    english = [page for page in pages if page.language == "en"]
    run_subset(english, "English pages", None, not args.quiet)
    run_subset(pages, "all pages", "auto", not args.quiet)
    return 0


if __name__ == "__main__":
    sys.exit(main())
