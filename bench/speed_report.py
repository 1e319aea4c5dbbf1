"""The speed benchmark's printout: one table, the ratios between its rows, and issue 6's
targets, each met or missed by how much. Everything here is formatting: it measures nothing.
"""

from __future__ import annotations

import os
import platform
import statistics
import textwrap
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.measure import Measured
from bench.stages import STAGE_NAMES, issue_stages

WIDTH = 100
LABEL = 19
# Issue 6's targets (2 cores; seed-sized text documents unless said).
DOCS_PER_SECOND = 400.0  # text, language filtering on, both cores
HTML_RATIO = 1.3  # the HTML path against trafilatura's extract alone
FLOW_RATIO = 1.2  # the flow against the library alone, plus the server's own start
MEMORY_RATIO = 1.2  # peak RSS at 100,000 files against 1,000
CHECKED_PER_SECOND = 5000.0  # incremental re-run with nothing changed
# The pair job's row: two one-process library runs at once (``bench.run pair``).
PAIR = "library, 2 x 1 proc"
# Issue 16's targets (2 cores).
CLI_DOCS_PER_SECOND = 600.0  # the CLI on seed-like text, language filtering on
CLI_FTFY_RATIO = 0.6  # the CLI's wall against a one-process ftfy.fix_text loop, same files
TWO_PROCESS_SPEEDUP = 1.8  # the library on 2 processes against 1
HTML_CLI_RATIO = 1.4  # the CLI on the dev pages against a trafilatura loop writing its text


@dataclass
class Row:
    """One job's line: what it did (``docs`` inputs, ``bytes``) and what it cost."""

    label: str
    measured: Measured
    docs: int
    bytes: int
    info: dict[str, Any] = field(default_factory=dict)  # the job's own JSON line

    @property
    def wall(self) -> float:
        return self.measured.wall

    def stage_ms(self) -> dict[str, float]:
        """Milliseconds per document by stage (summed over processes); empty when unknown."""
        if not self.docs:
            return {}
        if "read" in self.info and "write" in self.info:  # the floor
            seconds = {"decode": self.info["read"], "write": self.info["write"]}
        elif self.measured.stages:
            seconds = issue_stages(self.measured.stages)
        else:
            return {}
        return {name: value / self.docs * 1e3 for name, value in seconds.items()}


def load() -> str:
    """The load averages over 1, 5 and 15 minutes, as ``uptime`` prints them."""
    return ", ".join(f"{value:.2f}" for value in os.getloadavg())


PROBE_FILES = 200
PROBE_PREFIX = ".creation-probe-"


def creation_cost(folder: Path, files: int = PROBE_FILES) -> float:
    """Median microseconds to create one empty file in ``folder``; the files are left there.

    The write stage creates two files per article, and on this machine's disk what that costs
    is not the product's: ~0.03 ms, or 0.5 to 0.9 ms of the kernel's CPU. The disk is ext4
    without a journal, whose inode allocator passes over every inode of a group freed in the
    last minutes, one by one (``recently_deleted`` in ``fs/ext4/ialloc.c``; ``perf`` put 90%
    of a slow creating loop's time in ``find_inode_bit``): right after thousands of files
    were deleted, by tests or another bench, every new file pays for them. The bench probes
    beside each job's output folder before the job, so that a write stage paid at the slow
    rate shows as such; deleting the probe's files would itself slow the job (``Bench.out``).
    """
    times = []
    for index in range(files):
        path = folder / f"{PROBE_PREFIX}{index}"
        start = time.perf_counter()
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        times.append(time.perf_counter() - start)
        os.close(fd)
    return statistics.median(times) * 1e6


def creation_lines(rows: list[Row]) -> list[str]:
    """Each job's probe of its output folder, wrapped to the report's width."""
    probed = [
        f"{row.label} {row.info['creation_us']:.0f}" for row in rows if "creation_us" in row.info
    ]
    if not probed:
        return []
    text = "creating a file beside each job's output folder, us (median of "
    text += f"{PROBE_FILES}; ~30 is this disk's fast case, ~700 its slow one): " + "; ".join(probed)
    return textwrap.wrap(text, WIDTH)


def machine_line() -> str:
    """Cores, memory, CPU model and Python: the machine the numbers were measured on."""
    model, memory = "unknown CPU", 0.0
    cpuinfo, meminfo = Path("/proc/cpuinfo"), Path("/proc/meminfo")
    if cpuinfo.exists():
        names = [line for line in cpuinfo.read_text().splitlines() if line.startswith("model name")]
        model = names[0].split(":", 1)[1].strip() if names else model
    if meminfo.exists():
        total = meminfo.read_text().split("MemTotal:", 1)[1].split()[0]
        memory = int(total) / 2**20
    return (
        f"machine: {os.cpu_count()} cores, {memory:.0f} GiB, {model}; "
        f"Python {platform.python_version()}"
    )


def _cell(value: float | None, width: int, digits: int = 1) -> str:
    if value is None:
        return " " * width
    if digits and abs(value) >= 10 ** (width - digits - 2):
        digits = 0 if abs(value) >= 10 ** (width - 2) else digits - 1
    return f"{value:{width}.{max(digits, 0)}f}"


SHORT = {"segment": "seg", "language": "lang"}


def _stage_width(name: str) -> int:
    return 6 if name == "decode" else 5


def table(rows: list[Row]) -> list[str]:
    """The table: one line per row, ``WIDTH`` columns at most."""
    stage_heads = " ".join(f"{SHORT.get(name, name):>{_stage_width(name)}}" for name in STAGE_NAMES)
    lines = [
        f"{'':{LABEL}} {'wall':>6} {'docs':>6} {'MB/s':>5} {'RSS':>5} {'tree':>5}  "
        "ms per document, by stage",
        f"{'job':{LABEL}} {'s':>6} {'/s':>6} {'':>5} {'MB':>5} {'MB':>5}  {stage_heads}",
    ]
    for row in rows:
        rate = row.docs / row.wall if row.docs and row.wall else None
        size = row.bytes / row.wall / 1e6 if row.docs and row.wall else None
        rss = row.measured.rss_mb or None
        tree = row.measured.tree_mb or None
        stages = row.stage_ms()
        cells = [_cell(stages.get(name) or None, _stage_width(name), 2) for name in STAGE_NAMES]
        lines.append(
            f"{row.label[:LABEL]:{LABEL}} {_cell(row.wall, 6)} {_cell(rate, 6)} "
            f"{_cell(size, 5, 2)} {_cell(rss, 5, 0)} {_cell(tree, 5, 0)}  {' '.join(cells)}"
        )
    return lines


NOTES = """\
wall: the process, start to exit (imports, and for the flow its server, included); docs/s and
MB/s: inputs (bytes on disk) over that wall; RSS: the biggest single process (its VmHWM); tree:
the job's processes summed (VmRSS); both read from /proc every 0.25 s. By stage: ms of process
time per input, summed over processes: decode = read + gunzip + decode + SHA-256 (the floor:
read); html = parse + pre-clean + trafilatura; ftfy = ftfy with the other line repairs and
hard-wrap joins (one function); language = the document's language + the language line rules;
rules = the other classify, revise and structure rules; write = body + sidecar staged, and
the group commits (sync, rename) they end in."""


def by_label(rows: list[Row]) -> dict[str, Row]:
    return {row.label: row for row in rows}


def ratio_lines(rows: list[Row]) -> list[str]:
    """Each job against the floor and against the library, wall over wall."""
    found = by_label(rows)
    pairs = [
        ("library, 1 process", "floor (read, write)"),
        ("library, 2 procs", "floor (read, write)"),
        ("library, 1 process", "library, 2 procs"),
        ("library, 1 process", PAIR),
        ("CLI", "library, 1 process"),
        ("flow", "library, 2 procs"),
        ("flow re-run", "flow start-up"),
        ("HTML: library", "HTML: trafilatura"),
        ("CLI", "ftfy loop, 1 proc"),
        ("CLI, out in memory", "ftfy loop, 1 proc"),
        ("HTML: CLI, 1 worker", "HTML: trafil. loop"),
    ]
    lines = []
    for top, bottom in pairs:
        if top in found and bottom in found and found[bottom].wall:
            line = f"  {top} / {bottom}: {found[top].wall / found[bottom].wall:.2f}x"
            paired = paired_ratio(found[top], found[bottom])
            if paired is not None:
                median, low, high = paired
                line += f"; per round {median:.2f}x ({low:.2f} to {high:.2f})"
            lines.append(line)
    if "flow" in found and "flow start-up" in found and "library, 2 procs" in found:
        work = found["flow"].wall - found["flow start-up"].wall
        lines.append(f"  (flow - flow start-up) / library, 2 procs: "
                     f"{work / found['library, 2 procs'].wall:.2f}x")  # fmt: skip
    return lines


def round_ratios(top: Row, bottom: Row) -> list[float] | None:
    """``top``'s wall over ``bottom``'s in each round (the two ran one after the other in each
    round, so a slow spell of the machine falls on both of a pair); None unless both ran the
    same two or more rounds."""
    ours, theirs = top.info.get("round_walls"), bottom.info.get("round_walls")
    if not ours or not theirs or len(ours) != len(theirs) or len(ours) < 2 or 0 in theirs:
        return None
    return [a / b for a, b in zip(ours, theirs, strict=True)]


def paired_ratio(top: Row, bottom: Row) -> tuple[float, float, float] | None:
    """The median, lowest and highest of :func:`round_ratios`.

    >>> a = Row("a", Measured(2.0, 0, 0), 1, 1, {"round_walls": [2.0, 3.0, 9.0]})
    >>> b = Row("b", Measured(2.0, 0, 0), 1, 1, {"round_walls": [1.0, 2.0, 3.0]})
    >>> paired_ratio(a, b)
    (2.0, 1.5, 3.0)
    """
    ratios = round_ratios(top, bottom)
    return None if ratios is None else _spread(ratios)


def _spread(ratios: list[float]) -> tuple[float, float, float]:
    return statistics.median(ratios), min(ratios), max(ratios)


def verdict(value: float, limit: float, *, at_least: bool) -> str:
    """``met`` or how far from the limit: a factor short of a minimum, or over a maximum.

    >>> verdict(100, 400, at_least=True), verdict(1.5, 1.3, at_least=False)
    ('MISSED: 4.00x short', 'MISSED: 15% over')
    >>> verdict(12.34, 12.3, at_least=False)
    'MISSED: 0.3% over'
    """
    if (value >= limit) if at_least else (value <= limit):
        return "met"
    if at_least:
        return f"MISSED: {limit / value:.2f}x short" if value > 0 else "MISSED"
    over = value / limit - 1
    return f"MISSED: {over:.0%} over" if over >= 0.1 else f"MISSED: {over:.1%} over"


def target_lines(rows: list[Row], reference: list[Row], docs: int, mixed: bool) -> list[str]:
    """Issue 6's targets: each a heading, then what this run measured, met or missed."""
    found = by_label(rows)
    return [
        *_docs_target(found, mixed),
        *_html_target(found),
        *_flow_target(found, docs),
        *_memory_target(found, by_label(reference), docs),
        *_check_target(found),
    ]


def speed_target_lines(rows: list[Row]) -> list[str]:
    """Issue 16's targets, each a heading, then what this run measured, met or missed."""
    found = by_label(rows)
    head = f">= {CLI_DOCS_PER_SECOND:.0f} docs/s, <= {CLI_FTFY_RATIO}x a 1-process ftfy loop"
    lines = [f"- CLI, seed-like text, language filter on, 2 cores: {head}"]
    cli, ftfy = found.get("CLI"), found.get("ftfy loop, 1 proc")
    if cli is None:
        lines.append("    not measured (job cli)")
    else:
        rate = cli.docs / cli.wall
        lines.append(f"    CLI {rate:.1f} docs/s: "
                     f"{verdict(rate, CLI_DOCS_PER_SECOND, at_least=True)}")  # fmt: skip
        if ftfy is not None:
            ratio = cli.wall / ftfy.wall
            lines.append(f"    CLI / ftfy loop {ratio:.2f}x: "
                         f"{verdict(ratio, CLI_FTFY_RATIO, at_least=False)}")  # fmt: skip
            lines += _by_round(cli, ftfy, CLI_FTFY_RATIO, at_least=False)
    lines += _in_memory_lines(found.get("CLI, out in memory"), ftfy)
    lines.append(f"- library on 2 processes >= {TWO_PROCESS_SPEEDUP}x one")
    one, two = found.get("library, 1 process"), found.get("library, 2 procs")
    if one is None or two is None:
        lines.append("    not measured (jobs lib1, lib2)")
    else:
        speedup = one.wall / two.wall
        lines.append(f"    {speedup:.2f}x: "
                     f"{verdict(speedup, TWO_PROCESS_SPEEDUP, at_least=True)}")  # fmt: skip
        lines += _by_round(one, two, TWO_PROCESS_SPEEDUP, at_least=True)
        pair = found.get(PAIR)
        if pair is not None and pair.wall:
            lines.append(f"    the machine's most (job pair, two independent runs at once): "
                         f"{one.wall / pair.wall:.2f}x; the pool "
                         f"{pair.wall / two.wall:.0%} of it")  # fmt: skip
    lines.append(f"- HTML end to end: the CLI <= {HTML_CLI_RATIO}x a trafilatura loop that "
                 "writes its text")  # fmt: skip
    ours, theirs = found.get("HTML: CLI, 1 worker"), found.get("HTML: trafil. loop")
    if ours is None or theirs is None:
        lines.append("    not measured: job htmlcli, with the dev corpus (CORPUS=...)")
    else:
        ratio = ours.wall / theirs.wall
        lines.append(f"    {ratio:.2f}x over {ours.docs} pages, "
                     f"{verdict(ratio, HTML_CLI_RATIO, at_least=False)}")  # fmt: skip
        lines += _by_round(ours, theirs, HTML_CLI_RATIO, at_least=False)
    return lines


def _in_memory_lines(memory: Row | None, ftfy: Row | None) -> list[str]:
    """The CLI with its output in memory (job ``climem``), against the same target: not the
    target's measure (that is the output on disk), the product's speed without the disk."""
    if memory is None:
        return []
    rate = memory.docs / memory.wall
    line = f"    output in memory, not on this disk (job climem): {rate:.1f} docs/s"
    if ftfy is not None and ftfy.wall:
        line += f", {memory.wall / ftfy.wall:.2f}x the ftfy loop"
    return [line]


def _by_round(top: Row, bottom: Row, limit: float, *, at_least: bool) -> list[str]:
    """The ratio round by round (``paired_ratio``) and in how many rounds it met the target.

    >>> a = Row("a", Measured(2.0, 0, 0), 1, 1, {"round_walls": [1.3, 1.5, 1.2]})
    >>> b = Row("b", Measured(1.0, 0, 0), 1, 1, {"round_walls": [1.0, 1.0, 1.0]})
    >>> _by_round(a, b, 1.4, at_least=False)
    ['    round by round: 1.30x (1.20 to 1.50), met in 2 of 3 rounds']
    """
    ratios = round_ratios(top, bottom)
    if ratios is None:
        return []
    met = sum((r >= limit) if at_least else (r <= limit) for r in ratios)
    median, low, high = _spread(ratios)
    return [f"    round by round: {median:.2f}x ({low:.2f} to {high:.2f}), "
            f"met in {met} of {len(ratios)} rounds"]  # fmt: skip


def _docs_target(found: dict[str, Row], mixed: bool) -> list[str]:
    head = f"- text path, language filtering on, both cores: >= {DOCS_PER_SECOND:.0f} docs/s"
    row = found.get("library, 2 procs")
    if row is None:
        return [head, "    not measured (job lib2)"]
    rate = row.docs / row.wall
    lines = [head, f"    library, 2 procs: {rate:.1f} docs/s: "
             f"{verdict(rate, DOCS_PER_SECOND, at_least=True)}"]  # fmt: skip
    if mixed:
        lines.append("    (this corpus mixes in HTML pages: not the target's workload)")
    return lines


def _html_target(found: dict[str, Row]) -> list[str]:
    head = f"- HTML path: <= {HTML_RATIO}x the time of trafilatura's extract on the same pages"
    ours, theirs = found.get("HTML: library"), found.get("HTML: trafilatura")
    if ours is None or theirs is None:
        return [head, "    not measured: needs the dev corpus (CORPUS=...)"]
    ratio = ours.wall / theirs.wall
    median = ours.info.get("median_page_ratio", float("nan"))
    raw = ours.measured.stages
    extraction, html = raw.get("trafilatura", 0.0), raw.get("html", 0.0)
    return [
        head,
        f"    {ratio:.2f}x over {ours.docs} pages (median page {median:.2f}x): "
        f"{verdict(ratio, HTML_RATIO, at_least=False)}",
        f"    of the library's time: trafilatura's bare_extraction {extraction / ours.wall:.0%} "
        f"(its extract alone: {theirs.wall / ours.wall:.0%}),",
        f"    parse and pre-clean {(html - extraction) / ours.wall:.0%}, "
        f"the text stages {1 - html / ours.wall:.0%}",
    ]


def _flow_target(found: dict[str, Row], docs: int) -> list[str]:
    scale = "" if docs == 10_000 else f" (at 10,000; here {docs:,})"
    head = f"- flow: <= {FLOW_RATIO}x the library alone + the embedded server's start{scale}"
    flow, library = found.get("flow"), found.get("library, 2 procs")
    start, server = found.get("flow start-up"), found.get("server alone")
    if flow is None or library is None or server is None or start is None:
        return [head, "    not measured (jobs flow, lib2, server)"]
    allowed = FLOW_RATIO * library.wall + server.wall
    work = (flow.wall - start.wall) / library.wall
    return [
        head,
        f"    flow {flow.wall:.1f} s against {allowed:.1f} s allowed: "
        f"{verdict(flow.wall, allowed, at_least=False)}",
        f"    (allowed: {FLOW_RATIO} x {library.wall:.1f} s, the library on 2 processes, "
        f"+ {server.wall:.1f} s, the server alone)",
        f"    flow minus its start-up: {work:.2f}x the library: "
        f"{verdict(work, FLOW_RATIO, at_least=False)}",
        f"    start-up (empty folder) {start.wall:.1f} s against the server alone "
        f"{server.wall:.1f} s: {verdict(start.wall, server.wall, at_least=False)}",
        f"    (the server alone: import Prefect {server.info.get('import', 0):.1f} s, start it "
        f"{server.info.get('start', 0):.1f} s, the rest interpreter start and stop)",
    ]


def _memory_target(found: dict[str, Row], small: dict[str, Row], docs: int) -> list[str]:
    head = f"- memory: peak RSS at 100,000 files <= {MEMORY_RATIO}x at 1,000 (here {docs:,})"
    if not small:
        return [head, "    not measured: needs N over the reference size (--reference)"]
    lines = [head]
    for label, reference in small.items():
        row = found.get(label)
        if row is None:
            continue
        pairs = [
            ("biggest process", reference.measured.rss_mb, row.measured.rss_mb),
            ("all processes", reference.measured.tree_mb, row.measured.tree_mb),
        ]
        for what, before, after in pairs:
            ratio = after / max(before, 1e-9)
            lines.append(f"    {label}, {what}: {before:.0f} -> {after:.0f} MB = {ratio:.2f}x: "
                         f"{verdict(ratio, MEMORY_RATIO, at_least=False)}")  # fmt: skip
    return lines


def _check_target(found: dict[str, Row]) -> list[str]:
    head = f"- incremental re-run, nothing changed: >= {CHECKED_PER_SECOND:,.0f} files/s checked"
    lines = [head]
    check = found.get("check alone")
    if check is not None and check.info.get("work"):
        rate = check.docs / check.info["work"]
        lines.append(f"    the check alone (plan_run, 1 process, after imports): {rate:,.0f} "
                     f"files/s: {verdict(rate, CHECKED_PER_SECOND, at_least=True)}")  # fmt: skip
    rerun, start = found.get("flow re-run"), found.get("flow start-up")
    if rerun is not None and start is not None:
        extra = rerun.wall - start.wall
        line = f"    the flow re-run: {rerun.wall:.1f} s, {extra:+.1f} s beside its start-up"
        if extra > 0:
            rate = rerun.docs / extra
            line += f": {rate:,.0f} files/s: {verdict(rate, CHECKED_PER_SECOND, at_least=True)}"
        else:
            line += " (within its variation)"
        lines.append(line)
    if len(lines) == 1:
        lines.append("    not measured (jobs check, flow)")
    return lines


def print_report(rows: list[Row], reference: list[Row], docs: int, mixed: bool) -> None:
    """The table, its notes, the ratios and the targets."""
    print("\n".join(table(rows)))
    print(NOTES)
    print("\n".join(creation_lines(rows)))
    print("\nratios, wall over wall (this run):")
    print("\n".join(ratio_lines(rows)))
    print("\ntargets (issue 6):")
    print("\n".join(target_lines(rows, reference, docs, mixed)))
    print("\ntargets (issue 16):")
    print("\n".join(speed_target_lines(rows)))
