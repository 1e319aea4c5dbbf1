"""The speed benchmark's measured jobs, each run by ``bench.speed`` in a fresh process.

    python -m bench.run library CORPUS --out DIR [--workers K] [--disable-kind KIND] [--part I/N]
    python -m bench.run floor CORPUS --out DIR
    python -m bench.run ftfy CORPUS --out DIR
    python -m bench.run check CORPUS --out DIR
    python -m bench.run html PAGE... [--repeats R]
    python -m bench.run trafilatura CORPUS --out DIR

Each prints one JSON line last: what it did and ``work``, the seconds of the job itself
(after imports). Only the library is imported here, never Prefect (see ``bench.server``).
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench import stages
from bench.corpus import read_page
from pipeline.batch import (
    BATCHES_PER_WORKER,
    MAX_BATCH,
    FileResult,
    RulesSpec,
    RunSummary,
    clean_batch,
)
from pipeline.commit import Group
from pipeline.discover import InputFile, discover
from pipeline.incremental import plan_run
from pipeline.limits import Limits
from pipeline.supervise import clean_in_processes


def pairs(items: list[InputFile]) -> list[tuple[str, str]]:
    return [(i.source, i.output) for i in items]


def inputs(corpus: Path, out: Path | None = None) -> tuple[list[InputFile], int]:
    """The corpus's inputs as the CLI and the flow find them, and their total bytes."""
    found = discover([corpus], out).inputs
    return found, sum(i.path.stat().st_size for i in found)


def run_library(args: argparse.Namespace) -> dict[str, Any]:
    """Clean and write every input with the library's batch API (what the flow's workers run),
    batched as the flow batches, results folded into a summary as they come: in this process
    (``--workers 1``) or on a pool of worker processes (``pipeline.supervise.clean_in_processes``,
    as the CLI). Timed: discovery to the last result."""
    spec = RulesSpec(disabled_kinds=tuple(args.disable_kind))
    start = time.perf_counter()
    items, size = inputs(args.corpus, args.out)
    part, parts = args.part
    items = items[part::parts]
    size = sum(i.path.stat().st_size for i in items) if parts > 1 else size
    summary = RunSummary()
    if args.workers == 1:
        batch = min(MAX_BATCH, math.ceil(len(items) / BATCHES_PER_WORKER) or 1)
        for i in range(0, len(items), batch):
            results = clean_batch(pairs(items[i : i + batch]), str(args.out), spec)
            summary.add_all(FileResult.from_json(result) for result in results)
    else:
        found = clean_in_processes(items, args.out, spec, Limits(), args.workers)
        summary.add_all(found)
    work = time.perf_counter() - start
    failed = len(summary.failures)
    return {"docs": len(items), "bytes": size, "failed": failed, "work": work}


def _part(value: str) -> tuple[int, int]:
    """``I/N``: the I-th of N interleaved parts of the inputs (``0/1``: all of them)."""
    part, _, parts = value.partition("/")
    try:
        index, count = int(part), int(parts)
    except ValueError:
        index, count = -1, 0
    if not 0 <= index < count:
        msg = f"--part takes I/N with 0 <= I < N, not {value!r}"
        raise argparse.ArgumentTypeError(msg)
    return index, count


def run_floor(args: argparse.Namespace) -> dict[str, Any]:
    """The floor: read every input and write its bytes back unchanged, one file each, the
    way outputs are written (staged in a temporary file, committed in groups: synced, then
    renamed, ``pipeline.commit``)."""
    start = time.perf_counter()
    items, size = inputs(args.corpus, args.out)
    read = write = 0.0
    group = Group()
    for item in items:
        before = time.perf_counter()
        data = item.path.read_bytes()
        middle = time.perf_counter()
        group.stage(item.output, [(args.out / item.relative.as_posix(), data)])
        if group.full:
            group.commit()
        read, write = read + middle - before, write + time.perf_counter() - middle
    before = time.perf_counter()
    group.commit()
    write += time.perf_counter() - before
    work = time.perf_counter() - start
    return {"docs": len(items), "bytes": size, "work": work, "read": read, "write": write}


def run_ftfy(args: argparse.Namespace) -> dict[str, Any]:
    """A reference: ``ftfy.fix_text`` over every input, one process, nothing written (each
    input read and decoded as UTF-8, bad bytes replaced)."""
    import ftfy

    start = time.perf_counter()
    items, size = inputs(args.corpus, args.out)
    for item in items:
        ftfy.fix_text(item.path.read_bytes().decode("utf-8", "replace"))
    work = time.perf_counter() - start
    return {"docs": len(items), "bytes": size, "work": work}


def run_trafilatura(args: argparse.Namespace) -> dict[str, Any]:
    """A reference: trafilatura alone over every page of a folder, one process, writing each
    page's text to ``<out>/<name>.txt`` (``extract(include_comments=False,
    favor_precision=True)``, as the ``html`` job), with trafilatura's own XPaths."""
    import trafilatura

    from pipeline import fastxpath

    start = time.perf_counter()
    items, size = inputs(args.corpus, args.out)
    args.out.mkdir(parents=True, exist_ok=True)
    with fastxpath.stock():
        for item in items:
            page = read_page(item.path)
            text = trafilatura.extract(page, include_comments=False, favor_precision=True)
            (args.out / f"{item.path.name}.txt").write_text(text or "", encoding="utf-8")
    work = time.perf_counter() - start
    return {"docs": len(items), "bytes": size, "work": work}


def run_check(args: argparse.Namespace) -> dict[str, Any]:
    """The incremental check alone, as the flow plans a run: every input against ``--out``
    and its state file (``pipeline.incremental.plan_run``)."""
    rules = RulesSpec().load()
    start = time.perf_counter()
    items, size = inputs(args.corpus, args.out)
    current = len(plan_run(items, args.out, rules).current)
    work = time.perf_counter() - start
    return {"docs": len(items), "bytes": size, "current": current, "work": work}


def forget_pages() -> None:
    """Empty the library's caches of texts it has seen (langdetect's answers and its words'
    n-grams, folded captions, judged class names), so that a round over the same pages is
    timed as the first was: repeated lines across different pages still hit them, as in a
    real run."""
    from pipeline import preclean
    from pipeline.matchers import context, fastdetect, language

    language._detect.cache_clear()
    fastdetect._GRAMS.clear()
    context.fold.cache_clear()
    preclean._finder.cache_clear()


def run_html(args: argparse.Namespace) -> dict[str, Any]:
    """Each page cleaned by the library (``clean_bytes``, HTML) and extracted by trafilatura
    alone (``extract(html, include_comments=False, favor_precision=True)``), alternately page
    by page, ``--repeats`` times after one warm-up round, the library's caches emptied before
    each; no files are written. trafilatura runs with its own XPaths, the library with the
    rewritten ones (``pipeline.fastxpath``)."""
    import trafilatura

    from pipeline import clean_bytes, fastxpath

    pages = [(str(path), read_page(path)) for path in args.pages]

    def library(name: str, data: bytes) -> object:
        laps: dict[str, float] = {}
        article = clean_bytes(data, source_id=name, fmt="html", timings=laps)
        for key, seconds in laps.items():
            stages.RAW[f"lap:{key}"] = stages.RAW.get(f"lap:{key}", 0.0) + seconds
        return article

    def baseline(name: str, data: bytes) -> object:
        with fastxpath.stock():
            return trafilatura.extract(data, include_comments=False, favor_precision=True)

    stages.install()
    _round(pages, library, baseline)  # warm-up: lazy imports, langdetect's profiles
    stages.RAW.clear()
    ours: list[float] = [0.0] * len(pages)
    theirs: list[float] = [0.0] * len(pages)
    for _ in range(args.repeats):
        forget_pages()
        times = _round(pages, library, baseline)
        ours = [a + b for a, (b, _) in zip(ours, times, strict=True)]
        theirs = [a + b for a, (_, b) in zip(theirs, times, strict=True)]
    stages.RAW["docs"] = float(len(pages) * args.repeats)
    stages.dump()
    ratios = [a / b for a, b in zip(ours, theirs, strict=True) if b > 0]
    return {
        "docs": len(pages) * args.repeats,
        "bytes": sum(len(data) for _, data in pages) * args.repeats,
        "library": sum(ours),
        "trafilatura": sum(theirs),
        "median_page_ratio": statistics.median(ratios),
        "work": sum(ours) + sum(theirs),
    }


Job = Callable[[str, bytes], object]


def _round(pages: list[tuple[str, bytes]], first: Job, second: Job) -> list[tuple[float, float]]:
    """Seconds of ``first`` and ``second`` on each page; which goes first alternates."""
    times = []
    for index, (name, data) in enumerate(pages):
        order = (first, second) if index % 2 == 0 else (second, first)
        spent: dict[Job, float] = {}
        for job in order:
            start = time.perf_counter()
            job(name, data)
            spent[job] = time.perf_counter() - start
        times.append((spent[first], spent[second]))
    return times


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(required=True)
    jobs = {"library": run_library, "floor": run_floor, "check": run_check, "ftfy": run_ftfy,
            "trafilatura": run_trafilatura}  # fmt: skip
    for name, job in jobs.items():
        command = sub.add_parser(name)
        command.add_argument("corpus", type=Path)
        command.add_argument("--out", type=Path, required=True)
        command.set_defaults(job=job)
        if name == "library":
            command.add_argument("--workers", type=int, default=1)
            command.add_argument("--disable-kind", action="append", default=[])
            command.add_argument("--part", type=_part, default=(0, 1), metavar="I/N")
    html = sub.add_parser("html")
    html.add_argument("pages", nargs="+", type=Path)
    html.add_argument("--repeats", type=int, default=3)
    html.set_defaults(job=run_html)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    print(json.dumps(args.job(args)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
