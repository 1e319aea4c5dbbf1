"""Hostile rules files (issue 17, item 10): each is a usage error of one clear line, read in
bounded time and memory, never a traceback, a MemoryError or a hang."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.processes import run_cli


def nested(tmp_path: Path) -> Path:
    path = tmp_path / "nested.toml"
    path.write_text("version = 1\nx = " + "[" * 5000 + "]" * 5000 + "\n")
    return path


def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "rules.fifo"
    os.mkfifo(path)  # nobody writes to it: reading it would block forever
    return path


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (nested, "values nested too deeply to read"),
        (lambda _: Path("/dev/zero"), "not a regular file"),
        (fifo, "not a regular file"),
    ],
    ids=["deeply nested TOML", "/dev/zero", "a FIFO"],
)
def test_a_hostile_rules_file_is_a_usage_error_of_one_line(
    make: Callable[[Path], Path], says: str, tmp_path: Path
) -> None:
    path = make(tmp_path)
    result = run_cli("rules", "--rules", str(path), timeout=60)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert says in result.stderr
    assert str(path) in result.stderr
    assert "Traceback" not in result.stderr
