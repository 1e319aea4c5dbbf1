"""Group commit (``pipeline.commit``), seen from the system calls a run makes.

The renames are recorded with a Python audit hook, which the interpreter raises for every
rename (``os.rename``, also for ``os.replace``); the syncs at the seam where the library calls
libc's ``syncfs``, by a stand-in that records the call and makes the real one. Nothing else
of the code under test is replaced.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pipeline import commit
from pipeline.batch import clean_items
from pipeline.commit import Group
from pipeline.discover import discover
from pipeline.limits import Limits
from pipeline.state import STATE_NAME

pytestmark = pytest.mark.skipif(commit._SYNCFS is None, reason="needs libc's syncfs (Linux)")
_RECORDING: list[list[tuple[str, str]]] = []


def _hook(event: str, args: tuple[Any, ...]) -> None:
    if _RECORDING and event == "os.rename":
        _RECORDING[-1].append(("rename", os.fsdecode(args[1])))


sys.addaudithook(_hook)  # an audit hook cannot be removed: it records only inside `recorded`


@pytest.fixture
def recorded(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[str, str]]]:
    """The renames (destination) and syncs this process makes while the test runs, in order."""
    real = commit._SYNCFS
    assert real is not None

    def syncfs(fd: int) -> int:
        if _RECORDING:
            _RECORDING[-1].append(("sync", ""))
        return real(fd)

    monkeypatch.setattr(commit, "_SYNCFS", syncfs)
    _RECORDING.append([])
    try:
        yield _RECORDING[-1]
    finally:
        _RECORDING.clear()


def _syncs_between(events: list[tuple[str, str]], first: int, last: int) -> int:
    return sum(kind == "sync" for kind, _ in events[first + 1 : last])


def _index(events: list[tuple[str, str]], path: Path) -> int:
    return events.index(("rename", str(path)))


@pytest.mark.usefixtures("prefect_server")
def test_the_flow_syncs_each_batch_before_the_state_file_is_written(
    raw: Path, tmp_path: Path, recorded: list[tuple[str, str]]
) -> None:
    """Each body is synced before its sidecar is renamed (a sidecar on disk vouches for its
    body), each sidecar before the corpus and the state file are written (they vouch for the
    sidecars), and the data before any of it is renamed."""
    from flows.clean_folder import clean_folder

    out = tmp_path / "clean"
    state = clean_folder(raw_dir=str(raw), out_dir=str(out), workers=2, return_state=True)
    assert state.is_completed()
    events = list(recorded)
    written = _index(events, out / STATE_NAME)
    corpus = _index(events, out / "articles.jsonl")
    names = sorted(p.stem for p in raw.iterdir())
    assert names
    for name in names:
        body, sidecar = _index(events, out / f"{name}.txt"), _index(events, out / f"{name}.json")
        assert _syncs_between(events, -1, body) >= 1, "the data was not synced first"
        assert _syncs_between(events, body, sidecar) >= 1, f"{name}: body not synced first"
        assert _syncs_between(events, sidecar, min(corpus, written)) >= 1, name
    assert corpus < written


def test_outputs_are_renamed_only_by_the_commit_and_a_result_waits_for_it(
    raw: Path, tmp_path: Path, rules: Any, recorded: list[tuple[str, str]]
) -> None:
    """In one process (``clean_items``, as the library's batches): no output is in place
    until its group commits, and the results come out after the commit's last sync."""
    out = tmp_path / "out"
    results = clean_items(discover([raw], out).inputs, out, rules, Limits())
    first = next(results)
    assert first.status == "cleaned"
    events = list(recorded)
    assert events[0] == ("sync", "")  # the staged data, before any rename
    assert events[-1] == ("sync", "")  # the sidecars' names, before the result
    assert sum(kind == "rename" for kind, _ in events) == 2 * len(list(raw.iterdir()))
    assert [kind for kind, _ in events].count("sync") == 3


def test_a_rename_that_fails_fails_its_output_only(tmp_path: Path) -> None:
    """A folder where an output should go: that output fails with why, the other output of
    the group is committed, and no temporary is left."""
    out = tmp_path / "out"
    (out / "b.json").mkdir(parents=True)
    group = Group()
    group.stage("a", [(out / "a.txt", b"A\n"), (out / "a.json", b"{}\n")])
    group.stage("b", [(out / "b.txt", b"B\n"), (out / "b.json", b"{}\n")])
    failed = group.commit()
    assert list(failed) == ["b"]
    assert "cannot write" in str(failed["b"]) and "b.json" in str(failed["b"])
    assert sorted(p.name for p in out.iterdir()) == ["a.json", "a.txt", "b.json", "b.txt"]
    assert (out / "a.txt").read_bytes() == b"A\n"
    assert not group.staged


def test_a_group_discarded_leaves_the_old_outputs_and_no_temporary(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes(b"old\n")
    group = Group()
    group.stage("a", [(tmp_path / "a.txt", b"new\n")])
    assert len(list(tmp_path.iterdir())) == 2  # the old output and the staged temporary
    group.discard()
    assert [p.name for p in tmp_path.iterdir()] == ["a.txt"]
    assert (tmp_path / "a.txt").read_bytes() == b"old\n"
