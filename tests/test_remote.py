"""Remote inputs through fsspec: ``s3://`` against a local S3-compatible server (moto) that
the suite starts on loopback (the ``s3`` fixture, tests/conftest.py); nothing reaches the
network (issue 14)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

from tests.conftest import ROOT, SEED_FILES
from tests.processes import run_cli

PAGE = (ROOT / "tests" / "fixtures" / "page.html").read_bytes()


def clean(s3: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return run_cli("clean", *args, env={**os.environ, **s3})


def test_an_s3_folder_is_cleaned_like_a_local_one(s3: dict[str, str], tmp_path: Path) -> None:
    out = tmp_path / "clean"
    result = clean(s3, "s3://bucket/raw", "--out", str(out))
    assert result.returncode == 0, result.stderr
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.txt"))
    assert written == [
        "crawl/00000000-0000-4000-8000-000000000003.txt",
        "crawl/00000000-0000-4000-8000-000000000005.txt",
        "feed/r1.txt",
        "story.txt",
        "sub/page.txt",
    ]
    sidecar = json.loads((out / "story.json").read_text())
    assert sidecar["source"]["path"] == "s3://bucket/raw/story.txt"
    assert json.loads((out / "sub" / "page.json").read_text())["source"]["format"] == "html"
    local = tmp_path / "local"
    shutil.copy(SEED_FILES[0], tmp_path / "story.txt")
    assert clean(s3, str(tmp_path / "story.txt"), "--out", str(local)).returncode == 0
    assert (out / "story.txt").read_bytes() == (local / "story.txt").read_bytes()
    assert (out / "feed" / "r1.txt").read_bytes() == (local / "story.txt").read_bytes()
    assert "remote file not a text, HTML, JSONL or WARC name 1" in result.stderr  # scan.pdf
    corpus = (out / "articles.jsonl").read_text().splitlines()
    assert len(corpus) == 5


def test_nothing_there_is_a_usage_error(s3: dict[str, str], tmp_path: Path) -> None:
    result = clean(s3, "s3://bucket/none", "--out", str(tmp_path / "o"))
    assert result.returncode == 2
    assert result.stderr == "article-clean: no such file or folder: s3://bucket/none\n"
    assert not (tmp_path / "o").exists()
