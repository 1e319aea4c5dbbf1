"""The output folder's state: re-runs trust it only for files exactly as it saw them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import pipeline.incremental
from pipeline import clean_file, load_rules
from pipeline.discover import InputFile, discover
from pipeline.incremental import Plan, confirm_fresh, finish_corpus, plan_run
from pipeline.io import write_outputs
from pipeline.rules import Rules
from pipeline.sinks.corpus import CORPUS_NAME
from pipeline.state import STATE_NAME, load_state
from tests.conftest import SEED_FILES


def run(raw: Path, out: Path, rules: Rules) -> Plan:
    """What the flow does, without Prefect: plan, clean what is not current, confirm, corpus."""
    items = discover([raw], out).inputs
    plan = plan_run(items, out, rules)
    for item in plan.todo:
        write_outputs(clean_file(item.path, rules=rules), out, item)
    if plan.todo:
        confirm_fresh(plan, plan.todo)
    finish_corpus(plan, sorted([*plan.todo, *plan.current], key=lambda i: i.output))
    return plan


def no_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make reading a sidecar or hashing an input fail the test."""

    def refuse(*args: object) -> None:
        msg = "read a file the state vouched for"
        raise AssertionError(msg)

    monkeypatch.setattr(pipeline.incremental, "read_sidecar", refuse)
    monkeypatch.setattr(pipeline.incremental, "file_sha256", refuse)


def corpus_ids(out: Path) -> list[str]:
    return [json.loads(line)["id"] for line in (out / CORPUS_NAME).read_text().splitlines()]


@pytest.fixture
def folders(tmp_path: Path) -> tuple[Path, Path]:
    raw = tmp_path / "raw"
    raw.mkdir()
    for seed in SEED_FILES:
        shutil.copy(seed, raw / seed.name)
    return raw, tmp_path / "out"


def test_a_re_run_reads_nothing_and_rewrites_nothing(
    folders: tuple[Path, Path], rules: Rules, monkeypatch: pytest.MonkeyPatch
) -> None:
    raw, out = folders
    assert len(run(raw, out, rules).todo) == 2
    corpus, state = (out / CORPUS_NAME).stat(), (out / STATE_NAME).stat()
    no_reading(monkeypatch)
    plan = run(raw, out, rules)
    assert (len(plan.todo), len(plan.current)) == (0, 2)
    for path, before in ((out / CORPUS_NAME, corpus), (out / STATE_NAME, state)):
        after = path.stat()
        assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


def test_an_input_changed_in_place_to_the_same_size_is_cleaned_again(
    folders: tuple[Path, Path], rules: Rules
) -> None:
    raw, out = folders
    run(raw, out, rules)
    source = raw / SEED_FILES[0].name
    data = source.read_bytes()
    with source.open("r+b") as handle:  # same inode, same size, other content
        handle.write(b"X" + data[1:2])
    plan = run(raw, out, rules)
    assert [item.path for item in plan.todo] == [source]
    assert (out / f"{SEED_FILES[0].stem}.txt").read_text().startswith("X")


def test_edited_outputs_and_a_touched_corpus_rebuild_the_corpus(
    folders: tuple[Path, Path], rules: Rules
) -> None:
    raw, out = folders
    run(raw, out, rules)
    body = out / f"{SEED_FILES[1].stem}.txt"
    body.write_text("Edited by hand.\n")
    plan = run(raw, out, rules)
    assert plan.todo == []  # a body is current while it exists: only the corpus follows it
    records = [json.loads(line) for line in (out / CORPUS_NAME).read_text().splitlines()]
    assert records[1]["text"] == "Edited by hand."
    (out / CORPUS_NAME).write_text("")
    run(raw, out, rules)
    assert corpus_ids(out) == [s.stem for s in SEED_FILES]
    (out / CORPUS_NAME).unlink()
    run(raw, out, rules)
    assert corpus_ids(out) == [s.stem for s in SEED_FILES]


def test_a_removed_input_or_deleted_sidecar_changes_the_corpus(
    folders: tuple[Path, Path], rules: Rules
) -> None:
    raw, out = folders
    run(raw, out, rules)
    (out / f"{SEED_FILES[0].stem}.json").unlink()
    plan = run(raw, out, rules)
    assert [item.output for item in plan.todo] == [SEED_FILES[0].stem]
    (raw / SEED_FILES[1].name).unlink()
    run(raw, out, rules)
    assert corpus_ids(out) == [SEED_FILES[0].stem]


def test_other_rules_or_a_broken_state_mean_checking_in_full(
    folders: tuple[Path, Path], rules: Rules
) -> None:
    raw, out = folders
    run(raw, out, rules)
    other = rules.with_options(disabled_kinds=["caption"])
    assert len(run(raw, out, other).todo) == 2
    assert len(run(raw, out, other).current) == 2
    (out / STATE_NAME).write_bytes(b"{not json\n\x00")
    assert len(run(raw, out, other).current) == 2  # checked in full, then recorded again
    assert len(load_state(out, plan_run([], out, other).state.pipeline).verified) == 2


def test_the_state_holds_only_inputs_found_current(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "bad.txt.gz").write_bytes(b"\x1f\x8b not gzip")
    out = tmp_path / "out"
    plan = plan_run(discover([raw], out).inputs, out, load_rules())
    assert [i.output for i in plan.todo] == ["bad"]
    finish_corpus(plan, [])
    assert (out / CORPUS_NAME).read_bytes() == b""
    assert len(load_state(out, plan.state.pipeline).verified) == 0


def test_input_file_is_two_strings_with_paths_on_demand() -> None:
    item = InputFile(Path("raw/sub/a.txt"), "sub/a")
    assert (item.source, item.output) == ("raw/sub/a.txt", "sub/a")
    assert item.path == Path("raw/sub/a.txt")
    assert str(item.relative) == "sub/a"
    assert item == InputFile("raw/sub/a.txt", "sub/a")
    assert len({item, InputFile("raw/sub/a.txt", "sub/a")}) == 1


def test_a_state_that_cannot_be_written_does_not_fail_the_run(
    folders: tuple[Path, Path], rules: Rules
) -> None:
    raw, out = folders
    (out / STATE_NAME).mkdir(parents=True)  # a folder where the file goes: writing it fails
    run(raw, out, rules)
    assert corpus_ids(out) == [s.stem for s in SEED_FILES]
    assert len(run(raw, out, rules).current) == 2
