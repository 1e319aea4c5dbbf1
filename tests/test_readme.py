"""Every command the README shows, run as written, as a subprocess (issue 14).

``shown_commands`` collects the README's commands: each line of its ``sh`` blocks (a line
that starts with spaces continues the one before: the synopsis) and each inline
``article-clean ...`` or ``python -m flows...`` command. Each must be run below (``RUN``: in
a folder holding ``raw/``, ``feed.jsonl.gz``, ``crawl.warc.gz``, ``page.html.gz`` and
``export.jsonl``, with this environment's ``bin`` first on ``PATH``), or be exempt with the
reason (``EXEMPT``): a README command that is neither fails the suite. The ``python`` block of
the corpus section is run as a script too.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import ROOT, SEED_FILES
from tests.warcs import crawl, gzipped

README = (ROOT / "README.md").read_text(encoding="utf-8")
PAGE = ROOT / "tests" / "fixtures" / "page.html"
Check = Callable[[subprocess.CompletedProcess[str], Path], None]


def shown_commands() -> list[str]:
    commands: list[str] = []
    for block in re.findall(r"```sh\n(.*?)```", README, re.DOTALL):
        for line in block.splitlines():
            if line.startswith(" ") and commands:
                commands[-1] += " " + line.strip()
            elif line.strip():
                commands.append(line.strip())
    spans = re.findall(r"`((?:article-clean \w|python -m flows)[^`]*)`", README)
    return [*commands, *(" ".join(span.split()) for span in spans)]


def sandbox(base: Path) -> Path:
    """A working folder with the inputs the README's commands name."""
    raw = base / "raw"
    raw.mkdir(parents=True)
    for seed in SEED_FILES:
        shutil.copy(seed, raw / seed.name)
    shutil.copy(PAGE, raw / "page.html")
    text = SEED_FILES[0].read_text(encoding="utf-8")
    feed = [{"id": "a1", "text": text}, {"id": "a2", "html": PAGE.read_text(encoding="utf-8")}]
    (base / "feed.jsonl.gz").write_bytes(gzip.compress(_jsonl(feed)))
    export = [{"doc_id": "x1", "content": text}]
    (base / "export.jsonl").write_bytes(_jsonl(export))
    (base / "crawl.warc.gz").write_bytes(gzipped(crawl(PAGE.read_bytes(), text.encode())))
    (base / "page.html.gz").write_bytes(gzip.compress(PAGE.read_bytes()))
    shutil.copy(base / "crawl.warc.gz", raw / "crawl.warc.gz")  # a folder holds them too
    return base


def _jsonl(records: list[dict[str, str]]) -> bytes:
    return "".join(json.dumps(r) + "\n" for r in records).encode()


def environment(**extra: str) -> dict[str, str]:
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    return {**os.environ, "PATH": path, **extra}


def run(command: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-c", command], cwd=cwd, env=env, capture_output=True, text=True,
        timeout=600, check=False,
    )  # fmt: skip


def cleaned(*names: str) -> Check:
    def check(result: subprocess.CompletedProcess[str], cwd: Path) -> None:
        assert result.returncode == 0, result.stderr
        for name in names:
            assert (cwd / "clean" / name).is_file(), name

    return check


def body_on_stdout(result: subprocess.CompletedProcess[str], cwd: Path) -> None:
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Flood defences in York held overnight")


def records_file(result: subprocess.CompletedProcess[str], cwd: Path) -> None:
    assert result.returncode == 0, result.stderr
    lines = (cwd / "records.jsonl").read_text().splitlines()
    assert [json.loads(line)["id"] for line in lines] == ["feed/a1", "feed/a2"]


def succeeds(result: subprocess.CompletedProcess[str], cwd: Path) -> None:
    assert result.returncode == 0, result.stderr


WARC_PAGE = "crawl/00000000-0000-4000-8000-000000000003.txt"
FLOW_OUTPUTS = ("page.txt", "articles.jsonl", "000_b2ee4e91faa6eb03.json", WARC_PAGE)
RUN: dict[str, Check] = {
    "article-clean clean raw --out clean # a folder of files (and JSONL and WARC files)": cleaned(
        "page.txt", "articles.jsonl", WARC_PAGE
    ),
    "article-clean clean feed.jsonl.gz --out clean # each record an article": cleaned(
        "feed/a1.txt", "feed/a2.json", "articles.jsonl"
    ),
    "article-clean clean crawl.warc.gz --out clean # each HTML response an article": cleaned(
        WARC_PAGE, "crawl/00000000-0000-4000-8000-000000000005.txt"
    ),
    "zcat page.html.gz | article-clean clean - --format html # the body on stdout": body_on_stdout,
    "article-clean clean feed.jsonl.gz --jsonl > records.jsonl # corpus records on stdout": (
        records_file
    ),
    "article-clean clean export.jsonl --jsonl-field text=content --jsonl-field id=doc_id "
    "--out clean": cleaned("export/x1.txt"),
    "article-clean report clean # writes clean/report.html; open it in a browser": cleaned(
        "report.html"
    ),
    "article-clean rules": succeeds,
    "article-clean clean s3://bucket/raw --out clean": cleaned("story.txt", "sub/page.txt"),
    "python -m flows.clean_folder --raw raw --out clean": cleaned(*FLOW_OUTPUTS),
    "python -m flows.clean_folder --dask --raw raw --out clean": cleaned(*FLOW_OUTPUTS),
    "python -m flows.clean_folder --dask": cleaned(*FLOW_OUTPUTS),
}
EXEMPT = {
    "make run": "what it runs, python -m flows.clean_folder --raw raw --out clean, runs here",
    "make test": "it is this suite",
    "article-clean clean": "a name, not a command",
    "PREFECT_API_URL=http://127.0.0.1:4200/api .venv/bin/prefect deployment run "
    "'clean-folder/scheduled-clean'": "needs make serve's standing server and its deployment "
    "(tests/test_flows.py serves the deployment)",
    "article-clean clean raw/ --out clean/ --learn-templates": "run as written, on a folder of "
    "sites, by tests/test_templates.py::test_the_readme_commands_learn_templates_as_written",
    "python -m flows.clean_folder --learn-templates": "run as written, on a folder of sites, "
    "by tests/test_templates.py::test_the_readme_commands_learn_templates_as_written",
}
NEEDS_OUTPUTS = ("article-clean report clean",)  # run after a clean of raw/


def _normal(command: str) -> str:
    """The command without its comment, its spaces as one."""
    return " ".join(re.sub(r"\s#\s.*$", "", command).split())


def test_every_command_the_readme_shows_is_run_or_exempt() -> None:
    covered = {_normal(c) for c in [*RUN, *EXEMPT]}
    synopsis = re.compile(r"^article-clean \w+ .*\[")  # ``clean INPUT... [--out DIR ...``
    shown = [_normal(c) for c in shown_commands() if not synopsis.match(c)]
    assert [c for c in shown if c not in covered] == []
    assert [c for c in map(_normal, RUN) if c not in shown] == []  # and still in the README


@pytest.mark.parametrize("command", [c for c in RUN if "flows" not in c and "s3://" not in c])
def test_readme_command(command: str, tmp_path: Path) -> None:
    cwd = sandbox(tmp_path)
    env = environment()
    if command.startswith(NEEDS_OUTPUTS):
        assert run("article-clean clean raw --out clean -q", cwd, env).returncode == 0
    RUN[command](run(command, cwd, env), cwd)


@pytest.mark.parametrize("command", [c for c in RUN if "flows" in c])
def test_readme_flow_command(command: str, tmp_path: Path, prefect_server: None) -> None:
    """The flow's commands against the suite's Prefect server (each would otherwise start
    an embedded one of its own, 10 s more); Dask's workers are given it the same way."""
    from prefect.settings import get_current_settings

    cwd = sandbox(tmp_path)
    env = environment(PREFECT_API_URL=str(get_current_settings().api.url))
    result = run(command, cwd, env)
    RUN[command](result, cwd)
    assert "passed over 4 record(s)" in result.stderr  # the WARC's own


def test_readme_s3_command(s3: dict[str, str], tmp_path: Path) -> None:
    """Against the local S3 server of tests/test_remote.py, which holds ``bucket/raw``."""
    (command,) = [c for c in RUN if "s3://" in c]
    RUN[command](run(command, tmp_path, environment(**s3)), tmp_path)


def test_the_corpus_section_s_python_runs(tmp_path: Path) -> None:
    section = README[README.index("## The corpus") :]
    script = re.search(r"```python\n(.*?)```", section, re.DOTALL)
    assert script is not None
    cwd = sandbox(tmp_path)
    env = environment(HF_DATASETS_OFFLINE="1", HF_HUB_OFFLINE="1", HF_HOME=str(tmp_path / "hf"))
    assert run("article-clean clean raw --out clean --parquet -q", cwd, env).returncode == 0
    result = subprocess.run(
        [sys.executable, "-c", script.group(1)], cwd=cwd, env=env, capture_output=True,
        text=True, timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
