"""Speed and memory of the library: ``make bench`` or ``python -m bench.speed``.

Cleans a corpus folder (default: N copies of the seed articles) with ``clean_file`` plus
``write_outputs``, as the CLI does, and reports the median over repeats of: documents per
second, MB per second, time by stage, how much of it langdetect took and how many lines it
saw, and the same run with the language rules switched off. Peak RSS is the process's.
This is a benchmark, not a test: numbers go in notes and the README, never into assertions.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pipeline import clean_file, load_rules
from pipeline.clean import STAGES
from pipeline.discover import discover
from pipeline.io import write_outputs
from pipeline.matchers.language import LanguageJudge
from pipeline.rules import Rules

ROOT = Path(__file__).resolve().parent.parent


def build_corpus(folder: Path, docs: int) -> None:
    """``docs`` copies of the seeds, under distinct names."""
    seeds = sorted((ROOT / "seeds").glob("*.txt"))
    folder.mkdir(parents=True, exist_ok=True)
    for index in range(docs):
        seed = seeds[index % len(seeds)]
        shutil.copyfile(seed, folder / f"{index:06d}_{seed.name}")


@contextmanager
def count_langdetect() -> Iterator[dict[str, float]]:
    """Count langdetect calls and their time, by wrapping the one method that makes them."""
    stats = {"calls": 0.0, "seconds": 0.0}
    original = LanguageJudge.detect

    def timed(self: LanguageJudge, text: str) -> tuple[str, float]:
        start = time.perf_counter()
        try:
            return original(self, text)
        finally:
            stats["calls"] += 1
            stats["seconds"] += time.perf_counter() - start

    LanguageJudge.detect = timed  # type: ignore[method-assign]
    try:
        yield stats
    finally:
        LanguageJudge.detect = original  # type: ignore[method-assign]


def run_once(corpus: Path, out: Path, rules: Rules) -> dict[str, float]:
    """Clean every input once; return wall seconds, bytes, per-stage and langdetect time."""
    inputs = discover([corpus]).inputs
    timings: dict[str, float] = {}
    size = 0
    with count_langdetect() as detect:
        start = time.perf_counter()
        for item in inputs:
            size += item.path.stat().st_size
            article = clean_file(item.path, rules=rules, timings=timings)
            before = time.perf_counter()
            write_outputs(article, out, item)
            timings["write"] = timings.get("write", 0.0) + time.perf_counter() - before
        wall = time.perf_counter() - start
    return {
        "docs": len(inputs),
        "wall": wall,
        "bytes": size,
        **{f"stage:{k}": v for k, v in timings.items()},
        "langdetect_calls": detect["calls"],
        "langdetect_seconds": detect["seconds"],
    }


def median_runs(corpus: Path, rules: Rules, repeats: int) -> dict[str, float]:
    runs = []
    for _ in range(repeats):
        with tempfile.TemporaryDirectory() as out:
            runs.append(run_once(corpus, Path(out), rules))
    return {key: statistics.median(run[key] for run in runs) for key in runs[0]}


def report(label: str, result: dict[str, float]) -> None:
    docs, wall = result["docs"], result["wall"]
    print(f"\n{label}: {docs:.0f} docs in {wall:.2f} s (median)")
    print(f"  {docs / wall:8.1f} docs/s   {result['bytes'] / wall / 1e6:6.2f} MB/s")
    print(f"  {wall / docs * 1e3:8.2f} ms per document, by stage:")
    stages = [k for k in result if k.startswith("stage:")]
    for key in stages:
        share = result[key] / wall
        print(f"    {key[6:]:14} {result[key] / docs * 1e3:7.3f} ms  {share:6.1%}")
    calls = result["langdetect_calls"]
    seconds = result["langdetect_seconds"]
    print(
        f"  langdetect: {calls:.0f} calls ({calls / docs:.2f} per doc), "
        f"{seconds / docs * 1e3:.3f} ms per doc, {seconds / wall:.1%} of the time"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, help="a folder of inputs (default: seed copies)")
    parser.add_argument(
        "--docs", type=int, default=1000, help="seed copies to build (default 1000)"
    )
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    rules = load_rules()
    print(f"python {sys.version.split()[0]}; stages: {', '.join(n for n, _ in STAGES)}")
    with tempfile.TemporaryDirectory() as tmp:
        corpus = args.corpus
        if corpus is None:
            corpus = Path(tmp) / "corpus"
            build_corpus(corpus, args.docs)
        clean_file(next(corpus.rglob("*.txt")), rules=rules)  # warm-up: langdetect profiles
        with_language = median_runs(corpus, rules, args.repeats)
        report("library, language filtering on", with_language)
        without = median_runs(corpus, rules.with_options(disabled_kinds=["language"]), args.repeats)
        report("library, language rules off", without)
    ratio = with_language["wall"] / without["wall"]
    print(f"\nlanguage filtering costs {ratio:.2f}x the time without it")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS: {peak_mb:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
