"""What ``article-clean clean`` prints: progress on a terminal only, failures named, notes
counted. Each runs the installed command in its own process."""

from __future__ import annotations

import os
import pty
import subprocess
from pathlib import Path

from tests.processes import CLI, run_cli

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256))


def test_no_progress_and_nothing_on_stderr_when_not_a_terminal(raw: Path, tmp_path: Path) -> None:
    result = run_cli("clean", str(raw), "--out", str(tmp_path / "clean"))
    assert result.returncode == 0
    assert result.stderr == ""
    assert result.stdout.startswith("cleaned 2 file(s) into")


def test_a_progress_bar_on_a_terminal(raw: Path, tmp_path: Path) -> None:
    leader, follower = pty.openpty()
    with subprocess.Popen(
        [CLI, "clean", str(raw), "--out", str(tmp_path / "clean")],
        stdout=subprocess.PIPE,
        stderr=follower,
        env={**os.environ, "TERM": "xterm", "COLUMNS": "100"},
    ) as process:
        os.close(follower)
        shown = b""
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # the terminal's other end closed: the command is done
                break
            if not chunk:
                break
            shown += chunk
        stdout = process.communicate(timeout=120)[0]
    os.close(leader)
    assert process.returncode == 0
    assert b"cleaning" in shown
    assert b"2/2" in shown
    assert stdout.startswith(b"cleaned 2 file(s) into")  # the summary is not on the terminal


def test_failures_are_named_ten_at_most_then_counted(raw: Path, tmp_path: Path) -> None:
    for index in range(12):
        (raw / f"picture{index:02d}.txt").write_bytes(PNG)
    result = run_cli("clean", str(raw), "--out", str(tmp_path / "clean"))
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert lines[0] == (
        f"article-clean: failed: {raw}/picture00.txt: this is a PNG image, not text; "
        "remove it from the input folder"
    )
    assert len([line for line in lines if line.startswith("article-clean: failed: ")]) == 10
    assert lines[-2:] == [
        "article-clean: ... and 2 more failed (-v names every one)",
        "article-clean: 12 of 14 file(s) failed",
    ]
    verbose = run_cli("clean", str(raw), "--out", str(tmp_path / "clean"), "-v")
    named = [line for line in verbose.stderr.splitlines() if line.startswith("article-clean: f")]
    assert len(named) == 12
    assert "more failed" not in verbose.stderr


def test_notes_go_to_stderr_counted_by_flag_and_listed_with_v(raw: Path, tmp_path: Path) -> None:
    for name in ("a.txt", "b.txt", "c.txt"):
        (raw / name).write_bytes(b"  \n")
    result = run_cli("clean", str(raw), "--out", str(tmp_path / "clean"))
    assert result.returncode == 0
    assert result.stderr == "note: 3 file(s) empty body, 3 file(s) empty input (-v lists them)\n"
    assert "note:" not in result.stdout
    verbose = run_cli("clean", str(raw), "--out", str(tmp_path / "clean"), "-v")
    assert verbose.stderr.splitlines() == [
        f"note: {raw}/{name}: {flag}"
        for name in ("a.txt", "b.txt", "c.txt")
        for flag in ("empty input", "empty body")
    ]
