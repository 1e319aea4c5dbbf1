"""Speed and memory, end to end: ``make bench`` or ``python -m bench.speed --docs N``.

Builds a corpus of N inputs (seed copies; with ``--corpus``, the dev corpus's raw text and
HTML pages too) and runs on it, each in a fresh process, in one run:

- ``floor``: read every input and write its bytes back (staged, then synced and renamed in
  groups, as outputs are written);
- ``ftfy``: a reference, ``ftfy.fix_text`` over every input in one process;
- ``lib1``, ``lib2``: the library's batch API, in one process and on a pool of two;
- ``pair``: two one-process library runs at once, each on every other input, sharing
  nothing but the machine: over ``lib1``, the most two processes can give here;
- ``cli``: ``article-clean clean`` (the console script);
- ``climem``: the same, its output folder in memory (``/dev/shm``, where there is one): what
  the product does where neither creating a file nor syncing touches a disk; beside ``cli``,
  the disk's share (``speed_report.creation_cost``);
- ``flow``: ``python -m flows.clean_folder`` on an empty folder (twice: a new database,
  then the fixed start-up), on the corpus, and again with nothing changed;
- ``check``: the incremental check alone, against the flow's outputs;
- ``server``: Prefect's embedded server started and stopped, alone;
- ``html`` (with ``--corpus``): each dev page cleaned by the library and by trafilatura;
- ``htmlcli`` (with ``--corpus``): the dev pages end to end, ``article-clean clean
  --workers 1`` against a one-process trafilatura loop that writes each page's text.
- ``jsonl``: the CLI on the corpus as one JSONL file (``bench.containers``);
- ``warc``: the CLI on the corpus as one ``.warc.gz`` of HTML responses, and on the same
  pages as a folder of files.

The jobs that run one command on the corpus (floor to warc) run in ``--repeats`` rounds, each
round running each of them once, and each job's run of median wall time is its row. It prints
one table (wall time, docs/s, MB/s, peak RSS, ms per document by stage), the ratios between
the rows, each target met or missed by how much, and what creating a file cost in each job's
output folder (the write stage's cost depends on it). When N is over
``--reference`` (1,000), the jobs that clean are run at that size too, for memory.
This is a benchmark, not a test: numbers go in the README, never into assertions.
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench import containers, measure, speed_report
from bench.corpus import Sources, build_corpus, find_sources
from bench.speed_report import Row

MODES = (
    "floor", "ftfy", "lib1", "lib2", "pair", "cli", "climem", "jsonl", "warc", "flow", "check",
    "server", "html", "htmlcli",
)  # fmt: skip
# Where the ``climem`` job writes: memory (tmpfs), where creating a file costs microseconds.
MEMORY_FOLDER = Path("/dev/shm")
# Below this much free space on the disk, the jobs' earlier outputs are deleted (``Bench.out``).
KEEP_FREE = 2 * 2**30
PAIR = speed_report.PAIR
LARGE_DOCS = 100_000
PYTHON = sys.executable


def job(name: str, *args: str) -> list[str]:
    return [PYTHON, "-m", name, *args]


def json_tail(output: str) -> dict[str, Any]:
    """The last line of a job's output that is a JSON object."""
    for line in reversed(output.splitlines()):
        if line.startswith("{"):
            loaded: dict[str, Any] = json.loads(line)
            return loaded
    return {}


class Bench:
    """One run: a corpus in a temporary folder, every job measured on it."""

    def __init__(self, root: Path, corpus: Path, docs: int, size: int, repeats: int) -> None:
        self.root, self.corpus, self.docs, self.size = root, corpus, docs, size
        self.repeats = repeats
        self._kept: list[Path] = []  # every job's output folder, kept until the bench ends
        self.env = measure.bench_env({"PYTHONUNBUFFERED": "1"})
        self.flow_env = measure.bench_env(
            {
                "PREFECT_HOME": str(root / "prefect"),
                "PREFECT_SERVER_ANALYTICS_ENABLED": "false",  # nothing reaches the network
                "DO_NOT_TRACK": "1",
            }
        )
        self.flow_env.pop("PREFECT_API_URL", None)  # the embedded server, as a user gets it

    def out(self, base: Path | None = None) -> Path:
        """A new, empty output folder under ``base`` (default: the run's ``out`` folder).

        Nothing a job wrote is deleted before the bench ends (the run's temporary folder
        goes then), unless the disk runs short of room (:data:`KEEP_FREE`). This machine's
        disk is ext4 without a journal, whose inode allocator passes over every inode freed
        in the last minutes, one by one (``recently_deleted`` in ``fs/ext4/ialloc.c``): a job
        creating its files just after the last job's 6,000 were deleted paid 0.5 to 0.9 ms
        of kernel CPU a file instead of ~0.03 ms, and ``perf`` put 90% of such a loop's time
        in ``find_inode_bit``. Emptying one folder between jobs, as the bench once did, made
        every job but the first pay the one before it.
        """
        base = self.root / "out" if base is None else base
        if shutil.disk_usage(self.root).free < KEEP_FREE:
            for kept in self._kept:
                shutil.rmtree(kept, ignore_errors=True)
            self._kept.clear()
        base.mkdir(parents=True, exist_ok=True)
        folder = Path(tempfile.mkdtemp(prefix="job-", dir=base))
        self._kept.append(folder)
        return folder

    def probe(self, out: Path) -> float:
        """What creating a file costs beside ``out``: in a folder of its own, its files
        kept, so that neither the job's folder nor the allocator sees them deleted."""
        folder = out.with_name(f"{out.name}.probe")
        folder.mkdir()
        self._kept.append(folder)
        return speed_report.creation_cost(folder)

    def measured(self, label: str, command: list[str]) -> Row:
        """Run ``command`` (of Prefect's, cleaning nothing) ``repeats`` times; the row of the
        median wall time."""
        runs = []
        for _ in range(self.repeats):
            result = measure.run(command, self.flow_env)
            runs.append(Row(label, result, 0, 0, json_tail(result.output)))
        return median_row(runs)

    def library(self, workers: int) -> Row:
        label = "library, 1 process" if workers == 1 else f"library, {workers} procs"
        args = [str(self.corpus), "--workers", str(workers)]
        return self._fresh(label, lambda out: job("bench.run", "library", *args, "--out", out))

    def pair(self) -> Row:
        return self._fresh(PAIR, lambda out: job("bench.pair", str(self.corpus), "--out",
                           out))  # fmt: skip

    def floor(self) -> Row:
        return self._fresh("floor (read, write)", lambda out: job("bench.run", "floor",
                           str(self.corpus), "--out", out))  # fmt: skip

    def ftfy(self) -> Row:
        return self._fresh("ftfy loop, 1 proc", lambda out: job("bench.run", "ftfy",
                           str(self.corpus), "--out", out))  # fmt: skip

    def cli(self) -> Row:
        return self._cli_on("CLI", self.corpus, self.size)

    def cli_in_memory(self) -> list[Row]:
        """The ``cli`` job with its output folder in memory (:data:`MEMORY_FOLDER`): the
        product's own speed where the disk does not bound it. None where that folder is
        missing or has not four times the corpus's size free."""
        if not MEMORY_FOLDER.is_dir() or not os.access(MEMORY_FOLDER, os.W_OK):
            return []
        if shutil.disk_usage(MEMORY_FOLDER).free < 4 * self.size:
            return []
        with tempfile.TemporaryDirectory(prefix="bench-out-", dir=MEMORY_FOLDER) as tmp:
            return [self._cli_on("CLI, out in memory", self.corpus, self.size, Path(tmp))]

    def html_cli(self, sources: Sources) -> list[Row]:
        """The dev pages end to end, each job in a fresh process, alternately: the CLI on one
        worker, and trafilatura's loop writing each page's text."""
        pages = self.root / "pages"
        pages.mkdir(exist_ok=True)
        for page in sources.pages:
            shutil.copyfile(page, pages / page.name)
        size = sum(page.stat().st_size for page in sources.pages)
        script = str(Path(PYTHON).with_name("article-clean"))
        ours: list[Row] = []
        theirs: list[Row] = []
        docs = len(sources.pages)
        for _ in range(self.repeats):
            ours.append(self._fresh("HTML: CLI, 1 worker", lambda out: [script, "clean",
                        str(pages), "--out", out, "-q", "--workers", "1"], size, docs))  # fmt: skip
            theirs.append(self._fresh("HTML: trafil. loop", lambda out: job("bench.run",
                          "trafilatura", str(pages), "--out", out), size, docs))  # fmt: skip
        return [median_row(ours), median_row(theirs)]

    def _fresh(
        self,
        label: str,
        command: Callable[[str], list[str]],
        size: int | None = None,
        docs: int | None = None,
        folder: Path | None = None,
    ) -> Row:
        """One run of ``command`` into a new output folder (:meth:`out`), under ``folder``
        if given (of the corpus, unless ``size`` and ``docs`` say otherwise). What creating a
        file costs beside it is measured first and shown under the table."""
        out = self.out(folder)
        creation = self.probe(out)
        result = measure.run(command(str(out)), self.env)
        bytes_in = self.size if size is None else size
        info = json_tail(result.output) | {"creation_us": creation}
        return Row(label, result, self.docs if docs is None else docs, bytes_in, info)

    def _cli_on(self, label: str, source: Path, size: int, folder: Path | None = None) -> Row:
        """``article-clean clean SOURCE --out OUT -q``, as :meth:`_fresh` runs a job."""
        script = str(Path(PYTHON).with_name("article-clean"))
        return self._fresh(label, lambda out: [script, "clean", str(source), "--out", out, "-q"],
                           size, folder=folder)  # fmt: skip

    @functools.cached_property
    def _jsonl_size(self) -> int:
        """The corpus as one JSONL file (built once, for every round): its size."""
        return containers.build_jsonl(sorted(self.corpus.iterdir()), self.root / "corpus.jsonl")

    @functools.cached_property
    def _warc_sizes(self) -> tuple[int, int]:
        """The corpus as one ``.warc.gz`` and as a folder of pages (built once): their sizes."""
        inputs, root = sorted(self.corpus.iterdir()), self.root
        return containers.build_warc(inputs, root / "corpus.warc.gz", root / "pages-of-text")

    def jsonl(self) -> list[Row]:
        """The CLI on the corpus as one JSONL file: the folder's documents, as records."""
        return [self._cli_on("CLI, one JSONL file", self.root / "corpus.jsonl", self._jsonl_size)]

    def warc(self) -> list[Row]:
        """The CLI on the corpus as pages: a folder of them, then one ``.warc.gz``."""
        size, pages_size = self._warc_sizes
        return [self._cli_on("CLI, pages as files", self.root / "pages-of-text", pages_size),
                self._cli_on("CLI, one WARC file", self.root / "corpus.warc.gz", size)]  # fmt: skip

    def text_jobs(self, modes: set[str]) -> list[Callable[[], list[Row]]]:
        """The chosen jobs that run one command on the corpus, in the table's order."""
        jobs: dict[str, Callable[[], list[Row]]] = {
            "floor": lambda: [self.floor()],
            "ftfy": lambda: [self.ftfy()],
            "lib1": lambda: [self.library(1)],
            "lib2": lambda: [self.library(2)],
            "pair": lambda: [self.pair()],
            "cli": lambda: [self.cli()],
            "climem": self.cli_in_memory,
            "jsonl": self.jsonl,
            "warc": self.warc,
        }
        return [run for mode, run in jobs.items() if mode in modes]

    def rounds(self, modes: set[str]) -> list[Row]:
        """The jobs of :meth:`text_jobs` in ``repeats`` rounds, each round running every
        job once, so that a change in the machine's state while the bench runs (another
        process, the disk) falls on all of them alike; each job's row of median wall time."""
        runs: dict[str, list[Row]] = {}
        for _ in range(self.repeats):
            for run in self.text_jobs(modes):
                for row in run():
                    runs.setdefault(row.label, []).append(row)
        return [median_row(rows) for rows in runs.values()]

    @staticmethod
    def flow_job(raw: Path, out: Path) -> list[str]:
        return job("flows.clean_folder", "--raw", str(raw), "--out", str(out))

    def flow_alone(self) -> Row:
        """The flow on the corpus once (for memory at the reference size)."""
        result = measure.run(self.flow_job(self.corpus, self.out()), self.flow_env)
        return Row("flow", result, self.docs, self.size, {})

    def flow(self) -> list[Row]:
        """Start-up on an empty folder (new database, then existing), the corpus, a re-run;
        then the check alone against the flow's outputs."""
        empty = self.root / "empty"
        empty.mkdir(exist_ok=True)

        new_db = measure.run(self.flow_job(empty, self.out()), self.flow_env)
        rows = [Row("flow, new database", new_db, 0, 0, {})]
        rows.append(self.measured("flow start-up", self.flow_job(empty, self.out())))
        runs: list[tuple[Row, Row, Row]] = []
        for _ in range(self.repeats):
            out = self.out()
            first = measure.run(self.flow_job(self.corpus, out), self.flow_env)
            again = measure.run(self.flow_job(self.corpus, out), self.flow_env)
            check = measure.run(job("bench.run", "check", str(self.corpus), "--out", str(out)),
                                self.env)  # fmt: skip
            runs.append((Row("flow", first, self.docs, self.size, {}),
                         Row("flow re-run", again, self.docs, self.size, {}),
                         Row("check alone", check, self.docs, self.size,
                             json_tail(check.output))))  # fmt: skip
        for index in range(3):
            rows.append(median_row([run[index] for run in runs]))
        return rows

    def server(self) -> Row:
        return self.measured("server alone", job("bench.server"))

    def html(self, sources: Sources, repeats: int) -> list[Row]:
        """The dev pages, cleaned by the library and extracted by trafilatura, alternately."""
        pages = [str(p) for p in sources.pages]
        result = measure.run(job("bench.run", "html", *pages, "--repeats", str(repeats)),
                             self.env)  # fmt: skip
        info = json_tail(result.output)
        docs, size = info["docs"], info["bytes"]
        ours = measure.Measured(info["library"], result.rss_mb, result.tree_mb, result.stages)
        theirs = measure.Measured(info["trafilatura"], 0.0, 0.0, {})
        return [Row("HTML: library", ours, docs, size, info),
                Row("HTML: trafilatura", theirs, docs, size, info)]  # fmt: skip


def median_row(rows: list[Row]) -> Row:
    """The row with the median wall time (the lower middle one for an even count), holding
    every round's wall time in round order (``info["round_walls"]``: what paired ratios are
    made of, ``speed_report.paired_ratio``)."""
    ordered = sorted(rows, key=lambda row: row.measured.wall)
    middle = ordered[(len(ordered) - 1) // 2]
    walls = [row.measured.wall for row in rows]
    return dataclasses.replace(middle, info={**middle.info, "round_walls": walls})


def run_modes(bench: Bench, modes: set[str], sources: Sources, html_repeats: int) -> list[Row]:
    """Every chosen job, in the table's order."""
    rows = bench.rounds(modes)
    if "flow" in modes:
        flow_rows = bench.flow()
        rows += flow_rows if "check" in modes else flow_rows[:-1]
    if "server" in modes:
        rows.append(bench.server())
    if "html" in modes and sources.pages:
        rows += bench.html(sources, html_repeats)
    if "htmlcli" in modes and sources.pages:
        rows += bench.html_cli(sources)
    return rows


def reference_rows(bench: Bench, modes: set[str]) -> list[Row]:
    """The jobs that clean, once each at the reference size: for the memory ratios."""
    rows = run_modes(bench, modes & {"lib1", "lib2", "cli"}, Sources((), ()), 0)
    if "flow" in modes:
        rows.append(bench.flow_alone())
    return rows


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=1000, help="corpus size N (default 1000)")
    parser.add_argument("--large", action="store_true", help=f"N = {LARGE_DOCS:,}")
    parser.add_argument("--corpus", type=Path, help="a dev corpus to add (raw text and HTML)")
    parser.add_argument("--only", help=f"comma-separated jobs (default all: {','.join(MODES)})")
    parser.add_argument("--repeats", type=int, help="rounds of every job, median (default 3 "
                        "to 1,000 docs, else 1)")  # fmt: skip
    parser.add_argument("--html-repeats", type=int, default=3, help="rounds over the pages")
    parser.add_argument("--reference", type=int, default=1000,
                        help="corpus size to compare memory with (0: none)")  # fmt: skip
    args = parser.parse_args(argv)
    if args.large:
        args.docs = LARGE_DOCS
    args.modes = set(args.only.split(",")) if args.only else set(MODES)
    unknown = args.modes - set(MODES)
    if unknown:
        parser.error(f"unknown job(s) {', '.join(sorted(unknown))}; choose from {MODES}")
    if args.repeats is None:
        args.repeats = 3 if args.docs <= 1000 else 1
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    sources = find_sources(args.corpus)
    print(speed_report.machine_line())
    print(f"corpus: {args.docs:,} inputs from {sources.describe()}; "
          f"{args.repeats} round(s) of the jobs, median")  # fmt: skip
    print(f"load average before: {speed_report.load()}")
    with tempfile.TemporaryDirectory(prefix="bench-speed-") as tmp:
        root = Path(tmp)
        built = build_corpus(root / "corpus", args.docs, sources)
        size = sum(path.stat().st_size for path in built)
        bench = Bench(root, root / "corpus", args.docs, size, args.repeats)
        rows = run_modes(bench, args.modes, sources, args.html_repeats)
        reference: list[Row] = []
        if 0 < args.reference < args.docs:
            small = build_corpus(root / "reference", args.reference, sources)
            small_size = sum(path.stat().st_size for path in small)
            bench_small = Bench(root, root / "reference", args.reference, small_size, 1)
            reference = reference_rows(bench_small, args.modes)
    print(f"load average after: {speed_report.load()}\n")
    speed_report.print_report(rows, reference, args.docs, bool(sources.pages))
    return 0


if __name__ == "__main__":
    sys.exit(main())
