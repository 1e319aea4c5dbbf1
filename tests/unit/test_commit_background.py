"""Groups committed in the background (``batch.in_groups(background=True)``, as the
supervisor commits): the next group is cleaned while one commits, results still come out
only once their group is committed, in order, and a full disk still stops the run, all
of its batches."""

from __future__ import annotations

import errno
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

from pipeline.batch import FileResult, RunStop, in_groups
from pipeline.commit import Group, sync_folders
from pipeline.discover import InputFile

WAIT_SECONDS = 30.0  # only a failing test waits this long


def _items(folder: Path, count: int) -> list[InputFile]:
    return [InputFile(str(folder / f"in{k}.txt"), f"doc{k}") for k in range(count)]


def _cleaner(
    group: Group,
    out: Path,
    events: list[str],
    on_clean: Callable[[InputFile], None] | None = None,
) -> Callable[[InputFile], FileResult]:
    """A stand for the worker: records each item, stages its one output, says cleaned."""

    def clean(item: InputFile) -> FileResult:
        events.append(f"clean {item.output}")
        if on_clean is not None:
            on_clean(item)
        group.stage(item.output, [(out / f"{item.output}.txt", item.output.encode())])
        return FileResult(item.source, item.output, "cleaned")

    return clean


def test_the_next_group_is_cleaned_while_one_commits(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    events: list[str] = []
    third_cleaned = threading.Event()

    def slow_sync(folders: Iterable[str]) -> None:
        # The first sync returns only once the next group's first item is cleaned: with
        # commits in line with the cleaning it would wait out WAIT_SECONDS.
        events.append("sync")
        if events.count("sync") == 1 and not third_cleaned.wait(WAIT_SECONDS):
            events.append("sync waited in vain")
        sync_folders(folders)

    group = Group(sync=slow_sync, max_files=2)

    def seen(item: InputFile) -> None:
        if item.output == "doc2":
            third_cleaned.set()

    clean = _cleaner(group, out, events, seen)
    results = []
    for result in in_groups(_items(tmp_path, 5), group, clean, background=True):
        # Given out only once committed: its output is in place.
        assert (out / f"{result.output}.txt").read_bytes() == result.output.encode()
        results.append(result.output)
    assert "sync waited in vain" not in events
    assert results == [f"doc{k}" for k in range(5)]
    assert sorted(p.name for p in out.iterdir()) == [f"doc{k}.txt" for k in range(5)]


def test_cleaned_is_called_before_the_last_commit(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    events: list[str] = []
    group = Group(max_files=2)
    clean = _cleaner(group, out, events)
    seen: list[tuple[list[str], bool]] = []

    def cleaned() -> None:  # the worker lent out: everything cleaned, the last group not in place
        seen.append((list(events), (out / "doc2.txt").exists()))

    results = in_groups(_items(tmp_path, 3), group, clean, background=True, cleaned=cleaned)
    assert [r.output for r in results] == ["doc0", "doc1", "doc2"]
    assert seen == [(["clean doc0", "clean doc1", "clean doc2"], False)]
    assert (out / "doc2.txt").read_bytes() == b"doc2"


def test_a_full_disk_in_the_background_still_stops_the_run(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    events: list[str] = []

    def full(folders: Iterable[str]) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    group = Group(sync=full, max_files=2)
    clean = _cleaner(group, out, events)
    results = list(in_groups(_items(tmp_path, 7), group, clean, background=True))
    assert [r.output for r in results] == [f"doc{k}" for k in range(7)]
    assert all(r.status == "failed" for r in results)
    # The first group fails at its sync; the second was cleaned while it synced and fails
    # at its own; after that nothing more is cleaned.
    assert all("the disk is full" in (r.error or "") for r in results)
    assert all(r.disk_full for r in results[:4])
    assert all("not cleaned: the run stopped" in (r.error or "") for r in results[4:])
    assert events == [f"clean doc{k}" for k in range(4)]
    assert list(out.iterdir()) == []  # no temporary left, nothing renamed


def test_a_full_disk_one_batch_met_stops_the_batches_after_it(tmp_path: Path) -> None:
    # The first batch's temporaries are removed when its sync fails, which frees room: the
    # second must not go on writing into it (the run stops at the first full write).
    out = tmp_path / "out"
    out.mkdir()
    events: list[str] = []
    stop = RunStop()

    def full(folders: Iterable[str]) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    first, second = Group(sync=full), Group()
    items = _items(tmp_path, 4)
    clean_first = _cleaner(first, out, events)
    met = list(in_groups(items[:2], first, clean_first, background=True, run=stop))
    assert all(r.disk_full for r in met)
    clean_second = _cleaner(second, out, events)
    after = list(in_groups(items[2:], second, clean_second, background=True, run=stop))
    assert events == ["clean doc0", "clean doc1"]
    assert [r.error for r in after] == [
        f"{item.source}: not cleaned: the run stopped because the disk is full (writing doc0)"
        for item in items[2:]
    ]
    assert list(out.iterdir()) == []
