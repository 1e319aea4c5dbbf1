"""Where the library's time goes: ``make bench-profile`` or ``python -m bench.hotspots``.

Profiles (cProfile) the library's batch API cleaning and writing N inputs in this process —
seed copies by default, or the dev corpus's raw text regions or HTML pages — after loading
langdetect's profiles, and prints the top functions by own time and own time summed by module
(``pipeline.*`` modules by name, other packages by their top-level name). cProfile slows
Python-level calls more than C ones, so read the shares, not the absolute times.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import tempfile
from collections import Counter
from pathlib import Path

from bench.corpus import Sources, build_corpus, find_sources
from pipeline.batch import RulesSpec, clean_batch
from pipeline.discover import discover
from pipeline.matchers.language import LanguageJudge
from pipeline.rules import load_rules

SITE = "site-packages/"


def module_of(filename: str) -> str:
    """A short name for the module a profiled function lives in.

    >>> module_of("/w/pipeline/matchers/language.py"), module_of("/v/site-packages/ftfy/x.py")
    ('pipeline.matchers.language', 'ftfy')
    >>> module_of("~"), module_of("/usr/lib/python3.11/json/encoder.py")
    ('builtins (C)', 'stdlib json')
    """
    if filename == "~" or filename.startswith("<"):
        return "builtins (C)"
    if SITE in filename:
        return filename.split(SITE, 1)[1].split("/", 1)[0].removesuffix(".py")
    parts = Path(filename).with_suffix("").parts
    if "pipeline" in parts:
        return ".".join(parts[parts.index("pipeline") :])
    if "bench" in parts:
        return ".".join(parts[parts.index("bench") :])
    after = [i for i, part in enumerate(parts) if part.startswith("python3")]
    return f"stdlib {parts[after[-1] + 1]}" if after and after[-1] + 1 < len(parts) else filename


def by_module(stats: pstats.Stats) -> Counter[str]:
    """Own time summed by module; a built-in (C) function's time goes to the modules that
    called it, in proportion (a regex search counts for the matcher that ran it)."""
    totals: Counter[str] = Counter()
    for (filename, _, _), (_, _, own, _, callers) in stats.stats.items():  # type: ignore[attr-defined]
        if module_of(filename) != "builtins (C)" or not callers:
            totals[module_of(filename)] += own
            continue
        for (caller_file, _, _), timing in callers.items():
            totals[module_of(caller_file)] += timing[2]
    return totals


def pick_sources(kind: str, corpus: Path | None) -> Sources:
    found = find_sources(corpus)
    if kind == "seeds":
        return Sources(found.texts[:2], ())
    if corpus is None:
        msg = f"--kind {kind} needs --corpus"
        raise SystemExit(msg)
    return Sources(found.texts[2:], ()) if kind == "text" else Sources((), found.pages)


def warm_up() -> None:
    """Load what the library loads lazily (langdetect's profiles), outside the profile."""
    judge = LanguageJudge(load_rules().language)
    judge.detect("Ceci n'est pas une phrase anglaise, elle sert à charger les profils.")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=300)
    parser.add_argument("--kind", choices=["seeds", "text", "html"], default="seeds")
    parser.add_argument("--corpus", type=Path, help="the dev corpus (for --kind text or html)")
    parser.add_argument("--top", type=int, default=10)
    args = parser.parse_args(argv)
    sources = pick_sources(args.kind, args.corpus)
    with tempfile.TemporaryDirectory(prefix="bench-profile-") as tmp:
        corpus, out = Path(tmp) / "corpus", Path(tmp) / "out"
        build_corpus(corpus, args.docs, sources)
        items = [(str(i.path), i.relative.as_posix()) for i in discover([corpus], out).inputs]
        warm_up()
        profiler = cProfile.Profile()
        profiler.enable()
        clean_batch(items, str(out), RulesSpec())
        profiler.disable()
    stats = pstats.Stats(profiler)
    total = stats.total_tt  # type: ignore[attr-defined]
    print(f"{args.docs} {args.kind} documents, {total:.2f} s profiled; top {args.top} by own time:")
    stats.sort_stats("tottime").print_stats(args.top)
    print(f"own time by module, built-in calls counted for their caller (top {args.top + 5}):")
    for module, seconds in by_module(stats).most_common(args.top + 5):
        print(f"  {module:40} {seconds:7.2f} s  {seconds / total:6.1%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
