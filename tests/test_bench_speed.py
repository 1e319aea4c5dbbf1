"""The speed benchmark's structure and printout (bench/speed.py and its helpers), on a few
documents. No timing is asserted: only that the jobs run, the time by stage is collected from
the processes that clean, and the report has its parts and fits in 100 columns."""

from __future__ import annotations

import argparse
import dataclasses
import doctest
import gzip
import importlib
import os
import re
import shlex
import subprocess
from pathlib import Path

import pytest

from bench import measure, speed, speed_report
from bench.corpus import Sources, build_corpus, find_sources
from bench.measure import Measured, tree_rss_mb
from bench.speed_report import (
    WIDTH,
    Row,
    paired_ratio,
    ratio_lines,
    table,
    target_lines,
    verdict,
)
from bench.stages import STAGE_NAMES, issue_stages
from tests.conftest import ROOT

PAGE = b"""<html><head><title>A test page</title></head><body><article>
<h1>A test page</h1><p>The council met on Tuesday and agreed to repair the old bridge over the
river before the winter, after residents had asked for it for years.</p>
<p>Work starts next month and should take about six weeks, the council said.</p>
</article></body></html>"""


@pytest.fixture
def dev_corpus(tmp_path: Path) -> Path:
    """A folder laid out like the Zyte dev corpus: one raw text region, one page."""
    root = tmp_path / "dev"
    (root / "raw_text_region").mkdir(parents=True)
    (root / "html").mkdir()
    (root / "raw_text_region" / "p1.txt").write_text("The council met on Tuesday.\n")
    (root / "html" / "p1.html.gz").write_bytes(gzip.compress(PAGE))
    return root


def test_corpus_cycles_the_sources_under_distinct_names(tmp_path: Path, dev_corpus: Path) -> None:
    sources = find_sources(dev_corpus)
    assert len(sources.texts) == 3  # two seeds and the raw text region
    assert [p.name for p in sources.pages] == ["p1.html.gz"]
    made = build_corpus(tmp_path / "corpus", 9, sources)
    assert len({p.name for p in made}) == 9
    assert [p.name.split("_", 1)[1] for p in made[4:8]] == [s.name for s in sources.all]
    assert gzip.decompress(made[3].read_bytes()) == PAGE
    assert find_sources(None).pages == ()


def test_stages_map_to_the_issues_names() -> None:
    raw = {"read": 1.0, "lap:decode+repair": 5.0, "repair": 3.0, "lap:segment": 0.5,
           "lap:language": 1.0, "lap:classify": 4.0, "language_lines": 1.0,
           "lap:revise": 1.0, "lap:structure": 0.5, "write": 2.0}  # fmt: skip
    stages = issue_stages(raw)
    assert tuple(stages) == STAGE_NAMES
    assert stages == {"decode": 3.0, "html": 0.0, "ftfy": 3.0, "segment": 0.5,
                      "language": 2.0, "rules": 4.5, "write": 2.0}  # fmt: skip
    # Every second of the laps and the wrapped calls lands in exactly one stage.
    assert sum(stages.values()) == raw["read"] + raw["write"] + sum(
        v for k, v in raw.items() if k.startswith("lap:")
    )


def test_verdicts_say_by_how_much() -> None:
    assert verdict(500, 400, at_least=True) == "met"
    assert verdict(1.0, 1.3, at_least=False) == "met"
    assert verdict(100, 400, at_least=True) == "MISSED: 4.00x short"
    assert verdict(2.6, 1.3, at_least=False) == "MISSED: 100% over"


def test_table_fits_in_100_columns_whatever_the_numbers() -> None:
    stages = {"read": 90.0, "lap:decode+repair": 900.0, "lap:classify": 12345.0, "write": 0.01}
    rows = [
        Row("a very long label that goes on", Measured(12345.6, 99999, 99999, stages), 10**5,
            10**10),
        Row("tiny", Measured(0.01, 1, 1, {"lap:segment": 1e-6}), 1, 1),
        Row("no documents", Measured(7.0, 200, 600, {}), 0, 0),
    ]  # fmt: skip
    lines = table(rows)
    assert all(len(line) <= WIDTH for line in lines)
    assert len(lines) == 2 + len(rows)


def test_every_target_line_fits_in_100_columns() -> None:
    def row(label: str, wall: float, docs: int = 100_000, **info: float) -> Row:
        return Row(label, Measured(wall, 123456.0, 654321.0, {"trafilatura": 1.0}), docs, 10**9,
                   info)  # fmt: skip

    labels = ["library, 1 process", "library, 2 procs", "CLI", "flow", "flow start-up",
              "flow re-run", "server alone", "HTML: library", "HTML: trafilatura"]  # fmt: skip
    rows = [row(label, 12345.6) for label in labels]
    rows.append(row("check alone", 99.0, work=98.0))
    reference = [row(label, 1.0, 1000) for label in labels[:4]]
    lines = target_lines(rows, reference, 100_000, mixed=True)
    assert all(len(line) <= WIDTH for line in lines), "\n".join(lines)
    assert sum(1 for line in lines if line.startswith("- ")) == 5
    assert not any("not measured" in line for line in lines)


def test_tree_rss_counts_this_process() -> None:
    assert tree_rss_mb(os.getpid()) > 1
    assert tree_rss_mb(2**22 + 12345) == 0  # no such process


def test_a_small_run_prints_the_table_ratios_and_targets(
    dev_corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    jobs = "floor,ftfy,lib1,lib2,pair,cli,climem,html,htmlcli"
    argv = ["--docs", "6", "--only", jobs, "--repeats", "1",
            "--reference", "3", "--html-repeats", "1", "--corpus", str(dev_corpus)]  # fmt: skip
    assert speed.main(argv) == 0
    out = capsys.readouterr().out
    assert all(len(line) <= WIDTH for line in out.splitlines()), out
    lines = out.splitlines()
    body = lines[lines.index(next(x for x in lines if x.startswith("job "))) + 1 :]
    body = body[: body.index(next(x for x in body if x.startswith("wall: ")))]
    rows = {line[:19].strip(): line[19:] for line in body}
    for label in ("floor (read, write)", "ftfy loop, 1 proc", "library, 1 process",
                  "library, 2 procs", "library, 2 x 1 proc", "CLI", "HTML: library",
                  "HTML: trafilatura", "HTML: CLI, 1 worker", "HTML: trafil. loop"):  # fmt: skip
        assert label in rows, out
    # Time by stage reached the benchmark from every process that cleaned (the CLI's and the
    # pool's workers' too): a number in each text stage's column.
    numbers = re.compile(r"\d+\.\d+|\d+")
    for label in ("library, 1 process", "library, 2 procs", "CLI", "HTML: library"):
        assert len(numbers.findall(rows[label])) >= 5 + 5, (label, rows[label])
    if speed.MEMORY_FOLDER.is_dir():  # the CLI again, writing into memory, beside the disk
        assert len(numbers.findall(rows["CLI, out in memory"])) >= 5 + 5, out
        assert "output in memory, not on this disk (job climem): " in out
    assert "ratios, wall over wall" in out and "targets (issue 6):" in out
    assert "HTML path: <= 1.3x" in out and "pages (median page" in out
    assert "memory: peak RSS" in out and "library, 2 procs, all processes" in out
    assert "not measured (jobs flow, lib2, server)" in out
    assert "targets (issue 16):" in out and "CLI / ftfy loop" in out
    assert "on 2 processes >= 1.8x one" in out and "over 1 pages" in out
    assert "the machine's most (job pair, two independent runs at once): " in out
    probes = " ".join(out.split("creating a file beside each job's output folder", 1)[1].split())
    assert all(f"{label} " in probes for label in ("floor (read, write)", "CLI")), out


def test_unknown_jobs_are_a_usage_error() -> None:
    with pytest.raises(SystemExit):
        speed.main(["--only", "floor,warp"])


def test_sources_without_a_corpus_are_the_seeds() -> None:
    sources = find_sources(None)
    assert sources == Sources(sources.texts, ())
    assert [p.parent.name for p in sources.texts] == ["seeds", "seeds"]


def test_the_readme_s_benchmark_commands_are_what_make_runs() -> None:
    """Every ``make bench...`` command the README's Performance section gives, exactly as
    written, is a valid invocation: ``make -n`` (print, do not run: a full run takes minutes)
    expands it to ``bench.speed`` with jobs the benchmark knows."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Performance", 1)[1].split("\n## ", 1)[0]
    inline = re.findall(r"`(make bench[^`]*)`", section)
    fenced = re.findall(r"^(make bench.*)$", section, flags=re.MULTILINE)
    commands = sorted({" ".join(line.split()) for line in inline + fenced})
    assert "make bench N=3000 JOBS=floor,ftfy,lib1,lib2,cli" in commands
    for line in commands:
        words = shlex.split(line)
        dry_run = [words[0], "-n", "--no-print-directory", *words[1:]]
        result = subprocess.run(dry_run, cwd=ROOT, capture_output=True, text=True, check=False)
        assert result.returncode == 0, (line, result.stderr)
        ran = [step for step in result.stdout.splitlines() if "-m bench." in step]
        assert len(ran) == 1, (line, result.stdout)
        ran = ran[0]
        if "--only" in ran:
            jobs = ran.split("--only", 1)[1].split()[0].split(",")
            assert set(jobs) <= set(speed.MODES), (line, jobs)


def test_the_jsonl_and_warc_jobs_hold_every_input_once(tmp_path: Path, dev_corpus: Path) -> None:
    from collections import Counter

    from bench.containers import build_jsonl, build_warc
    from pipeline.discover import discover
    from pipeline.sources import expand

    made = build_corpus(tmp_path / "corpus", 4, find_sources(dev_corpus))
    build_jsonl(made, tmp_path / "c.jsonl")
    build_warc(made, tmp_path / "c.warc.gz", tmp_path / "pages")
    found = discover([tmp_path / "c.jsonl", tmp_path / "c.warc.gz"])
    passed: Counter[str] = Counter()
    documents = list(expand(found.inputs, 10_000_000, passed))
    assert [d.fmt for d in documents] == ["text", "text", "text", "html", *["html"] * 4]
    assert not passed and not any(getattr(d, "error", None) for d in documents)
    assert len(list((tmp_path / "pages").iterdir())) == 4


def test_jobs_run_in_rounds_and_each_row_is_its_median(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every round runs each job once (so a change in the machine's state falls on all of
    them alike), and a job's row is its run of median wall time."""
    order: list[str] = []
    walls = {"a": iter([3.0, 1.0, 2.0]), "b": iter([5.0, 6.0, 4.0])}

    def run(name: str) -> list[Row]:
        order.append(name)
        return [Row(name, Measured(next(walls[name]), 1.0, 1.0), 1, 1)]

    bench = speed.Bench(tmp_path, tmp_path, 1, 1, repeats=3)
    monkeypatch.setattr(bench, "text_jobs", lambda modes: [lambda: run("a"), lambda: run("b")])
    rows = bench.rounds({"floor"})
    assert order == ["a", "b"] * 3
    assert [(row.label, row.measured.wall) for row in rows] == [("a", 2.0), ("b", 5.0)]
    # Every round's time is kept, in round order: a's and b's ran side by side in each.
    assert [row.info["round_walls"] for row in rows] == [[3.0, 1.0, 2.0], [5.0, 6.0, 4.0]]
    pairs = [a / b for a, b in zip([3.0, 1.0, 2.0], [5.0, 6.0, 4.0], strict=True)]
    assert paired_ratio(*rows) == (sorted(pairs)[1], min(pairs), max(pairs))
    # The report gives both: the medians' ratio, and the median of the rounds' ratios.
    ours = dataclasses.replace(rows[0], label="HTML: CLI, 1 worker")
    theirs = dataclasses.replace(rows[1], label="HTML: trafil. loop")
    line = next(x for x in ratio_lines([ours, theirs]) if "HTML: CLI" in x)
    assert line.endswith(": 0.40x; per round 0.50x (0.17 to 0.60)"), line


def test_no_job_finds_the_files_of_another_deleted_or_in_its_folder(tmp_path: Path) -> None:
    # On ext4 without a journal, files deleted in the last minutes slow every new file's
    # creation (Bench.out): each job gets a new folder, the earlier ones stay, and the probe
    # writes beside the job's folder and deletes nothing.
    from bench.speed_report import creation_lines

    bench = speed.Bench(tmp_path, tmp_path, 1, 1, repeats=1)
    first = bench.out()
    (first / "a.txt").write_text("an output")
    assert bench.probe(first) > 0
    second = bench.out()
    assert second != first and list(second.iterdir()) == []
    assert (first / "a.txt").read_text() == "an output"
    assert sorted(p.name for p in first.iterdir()) == ["a.txt"]
    probed = first.with_name(first.name + ".probe")
    assert len(list(probed.iterdir())) == speed_report.PROBE_FILES
    elsewhere = bench.out(tmp_path / "memory")
    assert elsewhere.parent == tmp_path / "memory" and list(elsewhere.iterdir()) == []
    probe = {"creation_us": 700.0}
    rows = [Row(f"job {i}", Measured(1.0, 1.0, 1.0), 1, 1, probe) for i in range(9)]
    lines = creation_lines(rows)
    assert all(len(line) <= WIDTH for line in lines) and "job 8 700" in " ".join(lines)


def test_measuring_waits_for_the_processes_the_command_left_running() -> None:
    from bench.measure import wait_gone

    straggler = subprocess.Popen(["sleep", "0.3"])
    wait_gone({straggler.pid})
    assert straggler.poll() == 0  # it had ended (a zombie until now), not timed out


def test_stage_times_count_the_documents_only_not_the_fork_servers_warm_up(
    tmp_path: Path,
) -> None:
    # The fork server cleans a warm-up page before it forks the workers; its HTML and repair
    # time, inherited by each worker, made a text run show HTML time and a negative decode.
    texts = tmp_path / "texts"
    texts.mkdir()
    for index, seed in enumerate(find_sources(None).texts[:2]):
        (texts / f"{index}.txt").write_bytes(seed.read_bytes())
    script = str(Path(speed.PYTHON).with_name("article-clean"))
    command = [script, "clean", str(texts), "--out", str(tmp_path / "out"), "-q", "--workers", "2"]
    measured = measure.run(command, measure.bench_env())
    assert measured.stages["docs"] == 2
    assert "html" not in measured.stages
    assert issue_stages(measured.stages)["decode"] >= 0


def test_a_forked_child_starts_its_stage_times_at_zero() -> None:
    # In a process of its own: installing wraps the library's functions for good.
    code = (
        "import os, sys\n"
        "from bench import stages\n"
        "stages.install()\n"
        "stages.RAW['html'] = 1.0\n"
        "pid = os.fork()\n"
        "if pid == 0:\n"
        "    os._exit(0 if not stages.RAW else 1)\n"
        "_, status = os.waitpid(pid, 0)\n"
        "sys.exit(os.waitstatus_to_exitcode(status) or (stages.RAW != {'html': 1.0}))\n"
    )
    done = subprocess.run([speed.PYTHON, "-c", code], cwd=ROOT, check=False)
    assert done.returncode == 0


@pytest.mark.parametrize("name", ["speed_report", "stages", "quality", "hotspots"])
def test_the_bench_modules_examples_hold(name: str) -> None:
    # pytest collects doctests under pipeline/ only (bench/hook must not be imported here).
    module = importlib.import_module(f"bench.{name}")
    failed, attempted = doctest.testmod(module)
    assert attempted > 0 and failed == 0


def test_a_part_of_the_inputs_is_every_nth_from_the_ith() -> None:
    from bench.run import _part

    assert _part("1/2") == (1, 2) and _part("0/1") == (0, 1)
    for bad in ("2/2", "-1/2", "1", "a/b", "0/0"):
        with pytest.raises(argparse.ArgumentTypeError):
            _part(bad)
