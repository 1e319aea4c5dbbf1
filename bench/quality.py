"""Article-body quality against gold, on every corpus given: ``make bench-quality``.

Corpora are data read by path, never copied into the project. Two gold layouts are known:

- **body gold** (zyte-dev): ``gold/<id>.txt``, the whole article body, scored with the
  benchmark's shingle metric (below);
- **snippet gold** (trafilatura-dev): ``gold/<id>.json``, ``{"with": [...], "without":
  [...]}``, snippets that must be in the body and snippets that must not, scored as
  trafilatura's own evaluation does (whitespace-normalised, case-sensitive substring search).

Beside the gold: ``manifest.tsv`` (``id`` and ``language`` columns, ``url`` optional) and the
inputs, ``raw_text_region/<id>.txt`` and/or ``html/<id>.html.gz``. For each corpus and input
kind it scores article-clean and, in the same run, the baselines: doing nothing (raw text),
trafilatura with its defaults and with ``favor_precision`` (HTML; comments excluded). English
pages are cleaned with default settings, all pages with ``--lang auto``. Then:

- removals by kind, and the *leftovers* (body gold only): output lines the gold does not
  contain that a caption, credit or appeal rule's own pattern recognises;
- the pages whose HTML recall is under 0.7 while their raw-text recall is over 0.9 (body gold),
  the HTML extraction having lost what the raw text had;
- the extraction candidates chosen (``page.extraction``) and how often the fallback was used;
- **per rule**, on each corpus, how many lines it removed and how many of those were gold
  lines (body gold: the line is in the gold body) or must-keep lines (snippet gold: the line
  holds a must-keep snippet the output lacks, or is a line of four words or more inside
  one), so a rule that only fits one site, or costs on another corpus, shows.

The shingle metric (the Zyte benchmark's own, reimplemented here): tokens are ``\\w+``
matches; a text is the multiset of its contiguous 4-token shingles (1-3 tokens: one shingle
of all of them; none: no shingles); per page TP is the multiset overlap, P = TP/(TP+FP),
R = TP/(TP+FN), both 1 when FP = FN = 0; corpus P is the mean over pages with a non-empty
prediction, corpus R the mean over pages with a non-empty gold, F1 from the two means.

The snippet metric: over the corpus, tp = "with" found, fn = "with" missing, fp = "without"
found, tn = "without" absent, summed; R = tp/(tp+fn), P = tp/(tp+fp), F1 = 2tp/(2tp+fp+fn),
"absent" = tn/(tn+fp).

Pages are cleaned on one process per core; outputs do not depend on the order.
"""

from __future__ import annotations

import argparse
import dataclasses
import gzip
import json
import os
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from pipeline import CleaningError, Kind, clean_bytes, load_rules
from pipeline.matchers.context import fold
from pipeline.rules import STANDFIRST_PLACES, Rule, Rules

TOKEN = re.compile(r"\w+")
SPACE = re.compile(r"\s+")
SHINGLE = 4
# Leftovers: what the issue asks never to survive when the gold does not have it.
LEFTOVER_KINDS = frozenset({Kind.CAPTION, Kind.APPEAL})
KINDS = {"raw_text_region": ("raw_text_region", ".txt"), "html": ("html", ".html.gz")}
# A removed line inside a must-keep snippet counts against its rule from this many words on
# (a shorter line, "Share", could be inside a snippet by chance).
MIN_WORDS_INSIDE_SNIPPET = 4
# The harness's list of pages where HTML extraction lost the article.
LOW_HTML_RECALL = 0.7
HIGH_TEXT_RECALL = 0.9


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
    absent: float | None = None  # snippet gold: share of must-drop snippets absent


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


def normalise(text: str) -> str:
    """Whitespace runs to one space, trimmed: how snippets and outputs are compared."""
    return SPACE.sub(" ", text).strip()


@dataclass(frozen=True)
class Snippets:
    """Snippet gold of one page: what must be in the body, and what must not."""

    with_: tuple[str, ...]
    without: tuple[str, ...]


def snippet_counts(predicted: str, gold: Snippets) -> tuple[int, int, int, int]:
    """``(tp, fn, fp, tn)`` of one page.

    >>> snippet_counts("The mayor spoke.\\nShare this", Snippets(("mayor  spoke",), ("Share",)))
    (1, 0, 1, 0)
    """
    text = normalise(predicted)
    found = [normalise(s) in text for s in gold.with_]
    leaked = [normalise(s) in text for s in gold.without]
    return sum(found), len(found) - sum(found), sum(leaked), len(leaked) - sum(leaked)


def snippet_score(pairs: Iterable[tuple[str, Snippets]]) -> Score:
    """Summed counts over the corpus: R, P, F1, the share of must-drop snippets absent."""
    tp = fn = fp = tn = empty = pages = 0
    for predicted, gold in pairs:
        pages += 1
        empty += not predicted.strip()
        a, b, c, d = snippet_counts(predicted, gold)
        tp, fn, fp, tn = tp + a, fn + b, fp + c, tn + d
    recall = tp / (tp + fn) if tp + fn else 1.0
    precision = tp / (tp + fp) if tp + fp else 1.0
    f1 = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 1.0
    absent = tn / (tn + fp) if tn + fp else 1.0
    return Score(precision, recall, f1, empty, pages, absent)


Gold = str | Snippets


@dataclass(frozen=True)
class Page:
    id: str
    language: str
    gold: Gold
    inputs: dict[str, Path]  # input kind -> the file


@dataclass(frozen=True)
class Corpus:
    name: str
    pages: list[Page]

    @property
    def snippet_gold(self) -> bool:
        return any(isinstance(page.gold, Snippets) for page in self.pages)


def _read_gold(folder: Path, page_id: str) -> Gold | None:
    body = folder / f"{page_id}.txt"
    if body.exists():
        return body.read_text(encoding="utf-8")
    snippets = folder / f"{page_id}.json"
    if snippets.exists():
        data = json.loads(snippets.read_text(encoding="utf-8"))
        return Snippets(tuple(data.get("with", ())), tuple(data.get("without", ())))
    return None


def load_pages(corpus: Path) -> list[Page]:
    """Every page of the manifest that has gold, with the inputs it has."""
    lines = (corpus / "manifest.tsv").read_text(encoding="utf-8").splitlines()
    header = lines[0].split("\t")
    pages = []
    for line in lines[1:]:
        row = dict(zip(header, line.split("\t"), strict=False))
        gold = _read_gold(corpus / "gold", row["id"])
        if gold is None:
            continue
        inputs = {}
        for kind, (folder, suffix) in KINDS.items():
            path = corpus / folder / f"{row['id']}{suffix}"
            if path.exists():
                inputs[kind] = path
        pages.append(Page(row["id"], row.get("language", ""), gold, inputs))
    return sorted(pages, key=lambda page: page.id)


# --- Systems: each turns (page input, kind) into a body, one process per core --------------


@dataclass(frozen=True)
class Removed:
    """One line or element article-clean removed, for the per-rule report."""

    rule: str
    kind: str
    text: str


@dataclass(frozen=True)
class Output:
    text: str
    removed: tuple[Removed, ...] = ()
    extraction: str | None = None  # the candidate HTML extraction chose
    flags: tuple[str, ...] = ()
    title: str | None = None


_RULES: dict[tuple[str, str], Rules] = {}


def _rules(language: str, standfirst: str = "") -> Rules:
    """The built-in rules for ``language``, with ``[html] standfirst`` set to ``standfirst``
    unless it is empty."""
    if (language, standfirst) not in _RULES:
        rules = load_rules().with_options(target_language=language)
        if standfirst:
            html = dataclasses.replace(rules.html, standfirst=standfirst)
            rules = dataclasses.replace(rules, html=html)
        _RULES[language, standfirst] = rules
    return _RULES[language, standfirst]


def _article_clean(path: Path, kind: str, language: str, standfirst: str = "") -> Output:
    fmt = "html" if kind == "html" else "text"
    try:
        article = clean_bytes(
            path.read_bytes(), source_id=path.name, rules=_rules(language, standfirst), fmt=fmt
        )
    except CleaningError:
        return Output("")
    removed = [
        Removed(r.rule, str(r.kind), article.text[r.start : r.end]) for r in article.removals
    ]
    extraction = None
    if article.page is not None:
        removed += [
            Removed(r.rule, f"{r.kind} (html element)", r.text) for r in article.page.removals
        ]
        if article.page.extraction is not None:
            extraction = article.page.extraction.used
    title = next((r.text for r in removed if r.kind == str(Kind.TITLE)), None)
    return Output(article.clean_text(), tuple(removed), extraction, article.flags, title)


def _trafilatura(path: Path, precision: bool) -> Output:
    import trafilatura  # only the HTML baseline needs it

    from pipeline import fastxpath

    # The bytes, not a decoding of ours: trafilatura detects the page's encoding itself.
    html = gzip.decompress(path.read_bytes())
    with fastxpath.stock():  # trafilatura as it ships
        text = trafilatura.extract(html, include_comments=False, favor_precision=precision)
    return Output(text or "")


def _no_cleaning(path: Path) -> Output:
    return Output(path.read_bytes().decode("utf-8", "replace"))


Job = tuple[str, str, str, str, str]


def run_system(job: Job) -> Output:
    """One page through one system: ``(system, path, kind, language, standfirst)``."""
    system, path, kind, language, standfirst = job
    if system == "article-clean":
        return _article_clean(Path(path), kind, language, standfirst)
    if system == "no cleaning":
        return _no_cleaning(Path(path))
    return _trafilatura(Path(path), precision=system == "trafilatura (favor_precision)")


def baselines(kind: str) -> list[str]:
    if kind == "html":
        return ["trafilatura (defaults)", "trafilatura (favor_precision)"]
    return ["no cleaning"]


class Runner:
    """Runs systems over pages on a process pool, remembering what does not depend on the
    language setting (the baselines), so the English subset reuses the all-pages outputs."""

    def __init__(self, workers: int, standfirst: str = "") -> None:
        self.pool = ProcessPoolExecutor(max_workers=workers)
        self.cache: dict[Job, Output] = {}
        self.standfirst = standfirst  # article-clean's [html] standfirst; "": the rules file's

    def outputs(self, system: str, kind: str, language: str, pages: Sequence[Page]) -> list[Output]:
        ours = system == "article-clean"
        lang, standfirst = (language, self.standfirst) if ours else ("", "")
        jobs = [(system, str(page.inputs[kind]), kind, lang, standfirst) for page in pages]
        todo = [job for job in jobs if job not in self.cache]
        for job, out in zip(todo, self.pool.map(run_system, todo, chunksize=4), strict=True):
            self.cache[job] = out
        return [self.cache[job] for job in jobs]

    def close(self) -> None:
        self.pool.shutdown()


# --- Reports --------------------------------------------------------------------------------


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


def costs_gold(line: str, gold: Gold, output: str = "") -> bool:
    """Did removing this line cost the article? Body gold: the line is in the gold. Snippet
    gold: the line holds a must-keep snippet the output lacks, or is a line of a few words
    inside one (a snippet still in the output, as when a repeat of it was removed, is not
    lost)."""
    if isinstance(gold, str):
        folded = fold(line)
        return bool(folded) and folded in fold(gold)
    text = normalise(line)
    if not text:
        return False
    kept = normalise(output)
    for snippet in gold.with_:
        wanted = normalise(snippet)
        if wanted in kept:
            continue
        if wanted in text:
            return True
        if len(text.split()) >= MIN_WORDS_INSIDE_SNIPPET and text in wanted:
            return True
    return False


@dataclass
class RuleTally:
    """Per rule and corpus: lines removed, and how many of them were gold / must-keep."""

    removed: Counter[tuple[str, str]] = field(default_factory=Counter)
    cost: Counter[tuple[str, str]] = field(default_factory=Counter)
    examples: dict[tuple[str, str], list[str]] = field(default_factory=lambda: defaultdict(list))

    def add(self, corpus: str, outputs: Sequence[Output], pages: Sequence[Page]) -> None:
        for out, page in zip(outputs, pages, strict=True):
            for removal in out.removed:
                key = (removal.rule, corpus)
                self.removed[key] += 1
                if costs_gold(removal.text, page.gold, out.text):
                    self.cost[key] += 1
                    if len(self.examples[key]) < 3:
                        self.examples[key].append(f"{page.id[:12]}: {removal.text[:80]}")

    def lines(self, corpora: list[str], verbose: bool) -> list[str]:
        rules = sorted({rule for rule, _ in self.removed})
        head = "".join(f" {name[:24]:>24}" for name in corpora)
        shown = [
            f"{'rule':34}{head}",
            f"{'':34}" + "".join(f" {'removed / cost':>24}" for _ in corpora),
        ]
        for rule in rules:
            cells = "".join(
                f" {self.removed[(rule, c)]:>14} / {self.cost[(rule, c)]:<7}" for c in corpora
            )
            shown.append(f"{rule[:34]:34}{cells}")
            if verbose:
                for corpus in corpora:
                    shown += [
                        f"      cost {corpus[:16]} {e}" for e in self.examples[(rule, corpus)]
                    ]
        return shown


def report(label: str, score: Score, spotted: int | None) -> str:
    absent = f"{score.absent:7.3f}" if score.absent is not None else f"{'':7}"
    spots = f"{spotted:9d}" if spotted is not None else ""
    return (
        f"{label:34} {score.precision:6.3f} {score.recall:6.3f} {score.f1:6.3f}{absent} "
        f"{score.empty:5d} {score.pages:5d} {spots}"
    )


def score_of(outputs: Sequence[Output], pages: Sequence[Page]) -> Score:
    if pages and isinstance(pages[0].gold, Snippets):
        return snippet_score(
            (o.text, p.gold)
            for o, p in zip(outputs, pages, strict=True)
            if isinstance(p.gold, Snippets)
        )
    return corpus_score(
        (o.text, p.gold) for o, p in zip(outputs, pages, strict=True) if isinstance(p.gold, str)
    )


@dataclass
class Subset:
    """One corpus, one subset of pages (English, or all) and its target language."""

    corpus: Corpus
    label: str
    language: str
    pages: list[Page]


def run_subset(
    runner: Runner,
    subset: Subset,
    tally: RuleTally,
    verbose: bool,
    kinds: Sequence[str] = tuple(KINDS),
) -> dict[str, list[Output]]:
    """Score every system on each input kind of ``kinds`` for one subset; article-clean's
    outputs by kind."""
    rules = _rules(subset.language)
    spot = leftover_rules(rules)
    ours: dict[str, list[Output]] = {}
    for kind in kinds:
        pages = [page for page in subset.pages if kind in page.inputs]
        if not pages:
            continue
        print(f"\n{subset.corpus.name}: {subset.label}, {kind} ({subset.language})")
        absent = "absent" if subset.corpus.snippet_gold else ""
        spots = "leftovers" if not subset.corpus.snippet_gold else ""
        print(f"{'':34} {'P':>6} {'R':>6} {'F1':>6}{absent:>7} {'empty':>5} {'pages':>5} {spots}")
        for system in [*baselines(kind), "article-clean"]:
            outputs = runner.outputs(system, kind, subset.language, pages)
            found = None
            if not subset.corpus.snippet_gold:
                found = [
                    (page.id, *hit)
                    for out, page in zip(outputs, pages, strict=True)
                    if isinstance(page.gold, str)
                    for hit in leftovers(out.text, page.gold, spot)
                ]
            print(
                report(
                    f"  {system}",
                    score_of(outputs, pages),
                    len(found) if found is not None else None,
                )
            )
            if system == "article-clean":
                ours[kind] = outputs
                if verbose and found:
                    for page_id, rule_id, line in found:
                        print(f"      leftover {page_id[:12]} [{rule_id}] {line[:90]}")
        removed = Counter(r.kind for out in ours[kind] for r in out.removed)
        print(f"  article-clean removals by kind: {dict(sorted(removed.items()))}")
        if kind == "html":
            chosen = Counter(out.extraction or "-" for out in ours[kind])
            fallback = sum("extraction_fallback" in out.flags for out in ours[kind])
            used = dict(sorted(chosen.items()))
            print(f"  extraction used: {used}; flagged extraction_fallback: {fallback}")
        if subset.language == "auto":
            tally.add(subset.corpus.name, ours[kind], pages)
    return ours


def lost_in_html(subset: Subset, ours: dict[str, list[Output]]) -> list[str]:
    """Pages whose HTML recall is low while their raw text recall is high (body gold)."""
    if subset.corpus.snippet_gold or not {"html", "raw_text_region"} <= ours.keys():
        return []
    both = [page for page in subset.pages if {"html", "raw_text_region"} <= page.inputs.keys()]
    html_pages = [page for page in subset.pages if "html" in page.inputs]
    text_pages = [page for page in subset.pages if "raw_text_region" in page.inputs]
    html_out = dict(zip((p.id for p in html_pages), ours["html"], strict=True))
    text_out = dict(zip((p.id for p in text_pages), ours["raw_text_region"], strict=True))
    lost = []
    for page in both:
        assert isinstance(page.gold, str)
        html_recall = page_scores(html_out[page.id].text, page.gold)[1]
        text_recall = page_scores(text_out[page.id].text, page.gold)[1]
        if html_recall < LOW_HTML_RECALL and text_recall > HIGH_TEXT_RECALL:
            lost.append(f"{page.id}: HTML recall {html_recall:.3f}, raw text {text_recall:.3f}")
    return lost


def text_titles(subset: Subset, ours: dict[str, list[Output]]) -> list[str]:
    """Every title taken from raw text, so a byline or credit taken as a title can be read."""
    pages = [page for page in subset.pages if "raw_text_region" in page.inputs]
    return [
        f"{page.id[:12]}: {out.title}"
        for page, out in zip(pages, ours.get("raw_text_region", []), strict=True)
        if out.title
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Score cleaning against gold article bodies.")
    parser.add_argument("corpora", type=Path, nargs="+", help="e.g. ../shared/eval/zyte-dev")
    parser.add_argument("--quiet", action="store_true", help="count leftovers, do not list them")
    parser.add_argument(
        "--titles", action="store_true", help="list every title taken from raw text"
    )
    parser.add_argument(
        "--kinds",
        nargs="+",
        choices=list(KINDS),
        default=list(KINDS),
        help="input kinds to score (default: all; raw_text_region alone runs in a minute)",
    )
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument(
        "--standfirst",
        choices=STANDFIRST_PLACES,
        default="",
        help="article-clean's [html] standfirst (default: the built-in rules' setting)",
    )
    args = parser.parse_args(argv)
    corpora = []
    for path in args.corpora:
        if not (path / "manifest.tsv").exists():
            print(f"bench.quality: {path} has no manifest.tsv", file=sys.stderr)
            return 2
        corpora.append(Corpus(path.resolve().name, load_pages(path)))
    runner = Runner(args.workers, args.standfirst)
    tally = RuleTally()
    try:
        for corpus in corpora:
            english = [page for page in corpus.pages if page.language == "en"]
            for subset in (
                Subset(corpus, "English pages", "en", english),
                Subset(corpus, "all pages", "auto", corpus.pages),
            ):
                ours = run_subset(runner, subset, tally, not args.quiet, args.kinds)
                lost = lost_in_html(subset, ours)
                if not subset.corpus.snippet_gold and "html" in ours:
                    limits = f"HTML recall < {LOW_HTML_RECALL}, raw text > {HIGH_TEXT_RECALL}"
                    print(f"  pages with {limits}: {len(lost)}")
                    for line in lost:
                        print(f"      {line}")
                if args.titles:
                    for line in text_titles(subset, ours):
                        print(f"      title {line}")
    finally:
        runner.close()
    print("\nper rule, all pages (--lang auto): lines removed / how many cost the article")
    print("(a gold line, body gold; a line holding or inside a must-keep snippet, snippet gold)")
    for line in tally.lines([c.name for c in corpora], not args.quiet):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
