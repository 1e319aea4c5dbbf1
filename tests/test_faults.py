"""Issue 5, faults: nothing lost, nothing half-written.

Real processes killed with SIGKILL, real concurrent runs, a real full file system (a private
tmpfs), real permission errors. ``raw/`` is compared byte for byte, mode and time, after each.
"""

from __future__ import annotations

import ctypes
import errno
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path, PurePosixPath

import pytest

from pipeline import clean_bytes, commit
from pipeline.cli import main
from pipeline.cli_clean import clean_locked
from pipeline.discover import InputFile, discover
from pipeline.errors import OutputError
from pipeline.io import write_outputs
from pipeline.limits import Limits
from pipeline.rules import load_rules
from pipeline.sinks.corpus import CORPUS_NAME, write_corpus
from pipeline.state import STATE_NAME
from tests.processes import command, run_cli
from tests.test_bad_input import snapshot

LOCK = ".article-clean.lock"
SENTENCES = [
    "Russia promised on Tuesday to scale down military operations around Kyiv.",
    "The talks in Istanbul lasted three hours, officials said.",
    "Negotiators will meet again on Friday to discuss the proposals.",
    "Shelling continued overnight in the east of the country.",
]


def make_corpus(folder: Path, count: int) -> Path:
    """``count`` short, different articles: body sentences, a caption, an appeal."""
    folder.mkdir(parents=True)
    for index in range(count):
        body = " ".join(SENTENCES[(index + k) % len(SENTENCES)] for k in range(3))
        text = (
            f"Report number {index} from the talks\n\n{body} Item {index}.\n\n"
            f"Delegates arrive in Istanbul (Photo: Reuters {index})\n\n"
            "Sign up for our newsletter to get the day’s top stories.\n"
        )
        (folder / f"doc-{index:04d}.txt").write_text(text)
    return folder


def files(out: Path) -> dict[str, bytes]:
    """Every file under ``out`` but the lock, the state and run reports, by relative path."""
    return {
        p.relative_to(out).as_posix(): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and p.name not in (LOCK, STATE_NAME) and "_runs" not in p.parts
    }


def assert_only_complete_outputs(out: Path, expected: dict[str, bytes]) -> int:
    """Each output present is whole (identical to the uninterrupted run's), each sidecar has
    its body; return how many temporary files a kill left (hidden, swept by the next run)."""
    temporaries = 0
    for name, data in files(out).items():
        if Path(name).name.startswith(".") and name.endswith(".tmp"):
            temporaries += 1
            continue
        assert data == expected[name], name
        if name.endswith(".json"):
            assert name.removesuffix(".json") + ".txt" in expected
            assert (out / (name.removesuffix(".json") + ".txt")).exists(), name
    return temporaries


def test_cli_killed_at_random_moments_then_finished_gives_identical_outputs(
    tmp_path: Path,
) -> None:
    raw = make_corpus(tmp_path / "raw", 200)
    before = snapshot(raw)
    reference, out = tmp_path / "reference", tmp_path / "out"
    started = time.monotonic()
    assert run_cli("clean", str(raw), "--out", str(reference), "-q").returncode == 0
    duration = time.monotonic() - started
    expected = files(reference)
    rng = random.Random(20240505)
    left, killed = [], 0
    for _ in range(4):
        process = subprocess.Popen(command("clean", str(raw), "--out", str(out), "-q"))
        # Somewhere in the run (start-up included); the machine is shared, so a run may
        # finish first: that is a valid moment too, only not a kill.
        time.sleep(rng.uniform(0.2, 0.75) * duration)
        process.send_signal(signal.SIGKILL)
        status = process.wait()
        assert status in (0, -signal.SIGKILL)
        killed += status == -signal.SIGKILL
        left.append(assert_only_complete_outputs(out, expected))
    assert killed > 0
    assert run_cli("clean", str(raw), "--out", str(out), "-q").returncode == 0
    assert files(out) == expected, f"temporary files left by each kill: {left}"
    assert snapshot(raw) == before


def live_processes(group: int) -> list[int]:
    """Processes of a process group that have not exited (zombies count as exited)."""
    alive = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == group and fields[0] != "Z":
            alive.append(int(entry.name))
    return alive


def test_flow_killed_mid_run_then_finished_gives_identical_outputs(
    prefect_server: None, tmp_path: Path
) -> None:
    """The flow process alone is killed (as ``kill -9 PID`` would): its worker processes exit
    by themselves, and a second run completes the work byte for byte."""
    from prefect.settings import PREFECT_API_URL

    from tests.test_flows import run_flow

    raw = make_corpus(tmp_path / "raw", 200)
    before = snapshot(raw)
    reference, out = tmp_path / "reference", tmp_path / "out"
    assert main(["clean", str(raw), "--out", str(reference), "-q"]) == 0
    write_corpus(reference, sorted(discover([raw]).inputs, key=lambda i: str(i.relative)))
    expected = files(reference)
    env = {**os.environ, "PREFECT_API_URL": str(PREFECT_API_URL.value())}
    flow = [sys.executable, "-m", "flows.clean_folder", "--raw", str(raw), "--out", str(out)]
    process = subprocess.Popen(
        [*flow, "--workers", "2", "--batch-size", "10"], env=env, start_new_session=True
    )
    try:
        deadline = time.monotonic() + 120
        while not any(out.glob("doc-*.json")) and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(random.Random(7).uniform(0.1, 0.8))
        process.send_signal(signal.SIGKILL)
        process.wait()
        deadline = time.monotonic() + 15
        while live_processes(process.pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert live_processes(process.pid) == [], "worker processes outlived the killed run"
    finally:
        if live_processes(process.pid):
            os.killpg(process.pid, signal.SIGKILL)
    assert_only_complete_outputs(out, expected)
    state, report = run_flow(raw, out)
    assert state.is_completed()
    assert report["files"]["cleaned"] + report["files"]["skipped"] == 200
    assert files(out) == expected
    assert snapshot(raw) == before


def test_cli_and_flow_at_once_wait_for_each_other(
    prefect_server: None, tmp_path: Path, capsys
) -> None:
    """Different options, so a body from one run beside a sidecar from the other would show.
    The CLI is paused (SIGSTOP) in the middle of writing, so the flow surely starts while it
    holds the lock; the flow waits, then re-cleans everything its own way."""
    from tests.test_flows import run_flow

    raw = make_corpus(tmp_path / "raw", 60)
    no_captions, default = tmp_path / "ref-a", tmp_path / "ref-b"
    options = ["-q", "--disable-kind", "caption"]
    assert main(["clean", str(raw), "--out", str(no_captions), *options]) == 0
    assert main(["clean", str(raw), "--out", str(default), "-q"]) == 0
    assert files(no_captions) != files(default)
    out = tmp_path / "out"
    cli = subprocess.Popen(command("clean", str(raw), "--out", str(out), *options))
    deadline = time.monotonic() + 60
    while not any(out.glob("doc-*.json")) and time.monotonic() < deadline:
        time.sleep(0.01)
    cli.send_signal(signal.SIGSTOP)
    resume = threading.Timer(4.0, cli.send_signal, args=(signal.SIGCONT,))
    resume.start()
    try:
        state, report = run_flow(raw, out)
    finally:
        resume.cancel()
        cli.send_signal(signal.SIGCONT)
    assert cli.wait(timeout=60) == 0
    assert state.is_completed()
    assert "waiting for another run writing to" in capsys.readouterr().err
    assert report["files"]["cleaned"] == 60
    assert files(out) == files(default)  # the corpus too: the flow's is the CLI's


def run_in_private_tmpfs(script: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run a Python script in a new user and mount namespace, where it may mount a tmpfs."""
    return subprocess.run(
        ["unshare", "--user", "--map-root-user", "--mount", sys.executable, "-c", script, *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def private_tmpfs_available() -> bool:
    if shutil.which("unshare") is None:
        return False
    probe = "import subprocess, tempfile; d = tempfile.mkdtemp(); " + (
        "subprocess.run(['mount', '-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', d], check=True)"
    )
    return run_in_private_tmpfs(probe).returncode == 0


FULL_DISK = """
import hashlib, json, os, subprocess, sys
cli, mount, small, big = sys.argv[1:5]
subprocess.run(["mount", "-t", "tmpfs", "-o", "size=320k", "tmpfs", mount], check=True)
out = os.path.join(mount, "out")
# -v: every failure named (by default the first ten, then a count)
runs = [subprocess.run([cli, "clean", raw, "--out", out, "-q", "-v"], capture_output=True,
                       text=True) for raw in (small, big)]
listing = {}
for folder, _, names in os.walk(out):
    for name in names:
        path = os.path.join(folder, name)
        listing[os.path.relpath(path, out)] = open(path, "rb").read().hex()
print(json.dumps({"runs": [[r.returncode, r.stderr] for r in runs], "files": listing}))
"""


@pytest.mark.skipif(
    not private_tmpfs_available(), reason="needs a private tmpfs mount (unshare --user --mount)"
)
def test_a_full_disk_stops_the_run_clearly_and_keeps_earlier_outputs(tmp_path: Path) -> None:
    """A real 320 KiB tmpfs: a first run's outputs fit; a second run over bigger articles fills
    it. The second run stops at the first full write, names it, reports the rest as not
    cleaned, leaves no temporary file, and the first run's outputs are untouched."""
    small, big = tmp_path / "small", tmp_path / "big"
    small.mkdir()
    big.mkdir()
    for name in ("z1", "z2", "z3"):
        (small / f"{name}.txt").write_text(f"The first version of {name} was short.\n")
        (big / f"{name}.txt").write_text(f"The second version of {name} is different.\n")
    paragraph = " ".join(SENTENCES * 8)
    for index in range(40):
        (big / f"a{index:02d}.txt").write_text(f"Item {index}. {paragraph}\n\n" * 12)
    mount = tmp_path / "disk"
    mount.mkdir()
    result = run_in_private_tmpfs(FULL_DISK, command()[0], str(mount), str(small), str(big))
    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout)
    (first_rc, first_err), (second_rc, second_err) = outcome["runs"]
    assert first_rc == 0, first_err
    assert second_rc == 1
    assert "No space left on device; the disk is full: free some space and run again" in second_err
    assert "(earlier outputs are intact)" in second_err
    assert f"{big}/z1.txt: not cleaned: the run stopped because the disk is full" in second_err
    on_disk = {name: bytes.fromhex(data) for name, data in outcome["files"].items()}
    reference = tmp_path / "reference"
    for raw in (small, big):
        assert main(["clean", str(raw), "--out", str(reference / raw.name), "-q"]) == 0
    for name, data in on_disk.items():
        assert not name.endswith(".tmp"), "a temporary file was left behind"
        if name.startswith("z") or name == CORPUS_NAME:  # the corpus could not be rewritten
            assert data == (reference / "small" / name).read_bytes(), name
        elif name != LOCK:
            assert data == (reference / "big" / name).read_bytes(), name
    assert {f"z{k}.{s}" for k in (1, 2, 3) for s in ("txt", "json")} <= set(on_disk)
    assert any(name.startswith("a") for name in on_disk)  # it did fill the disk itself


def test_a_full_disk_reported_at_the_batch_sync_fails_the_batch_and_keeps_earlier_outputs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same at the OS boundary, where some file systems (NFS, ext4's delayed allocation)
    report it: the batch's sync (``syncfs``) fails with ENOSPC. Nothing of the batch is
    renamed, each of its files fails with the reason, no temporary is left and the earlier
    outputs are untouched. Runs everywhere, unlike the tmpfs test."""
    raw = make_corpus(tmp_path / "raw", 6)
    out = tmp_path / "out"
    assert main(["clean", str(raw), "--out", str(out), "-q"]) == 0
    earlier = files(out)
    for path in raw.iterdir():
        path.write_text(path.read_text().replace("Item", "Changed item"))
    calls: list[int] = []

    def syncfs_full(fd: int) -> int:  # libc's syncfs, as a full disk answers it
        calls.append(fd)
        ctypes.set_errno(errno.ENOSPC)
        return -1

    monkeypatch.setattr(commit, "_SYNCFS", syncfs_full)
    # The CLI's run in this process (its workers are processes of their own, which the stand
    # for the OS call cannot reach): the same batch code, the same messages.
    found = discover([raw], out)
    summary = clean_locked(found.inputs, found, out, load_rules(), Limits())
    errors = [failure.error or "" for failure in summary.failures]
    assert len(errors) == 6
    assert all("No space left on device; the disk is full" in e for e in errors), errors
    assert all("(earlier outputs are intact)" in e for e in errors)
    assert len(calls) == 1  # stopped at once: no retries, no renames
    assert files(out) == earlier  # old and whole, and no temporary file left


def test_an_unwritable_output_folder_fails_clearly_and_keeps_earlier_outputs(
    tmp_path: Path,
) -> None:
    raw = make_corpus(tmp_path / "raw", 3)
    out = tmp_path / "out"
    assert main(["clean", str(raw), "--out", str(out), "-q"]) == 0
    earlier = files(out)
    (out / LOCK).unlink()
    out.chmod(0o555)
    try:
        result = run_cli("clean", str(raw), "--out", str(out), ordinary_user=True)
    finally:
        out.chmod(0o755)
    assert result.returncode == 1
    assert result.stderr == (
        f"article-clean: cannot write {out}/{LOCK}: Permission denied; check that the output "
        "folder is writable (earlier outputs are intact); nothing was cleaned\n"
    )
    assert files(out) == earlier


def test_an_unwritable_sub_folder_fails_only_its_files(tmp_path: Path) -> None:
    raw = make_corpus(tmp_path / "raw", 2)
    (raw / "locked").mkdir()
    (raw / "locked" / "story.txt").write_text("The talks resumed on Tuesday, officials said.")
    out = tmp_path / "out"
    (out / "locked").mkdir(parents=True)
    (out / "locked").chmod(0o555)
    result = run_cli("clean", str(raw), "--out", str(out), ordinary_user=True)
    assert result.returncode == 1
    assert (
        f"{raw}/locked/story.txt: cannot write {out}/locked/story.txt: Permission" in result.stderr
    )
    assert "article-clean: 1 of 3 file(s) failed" in result.stderr
    assert sorted(files(out)) == [
        "articles.jsonl", "doc-0000.json", "doc-0000.txt", "doc-0001.json", "doc-0001.txt"
    ]  # fmt: skip


def test_a_run_killed_earlier_leaves_temporaries_the_next_run_sweeps(tmp_path: Path) -> None:
    raw = make_corpus(tmp_path / "raw", 1)
    out = tmp_path / "out"
    out.mkdir()
    stale = [out / ".doc-0000.txt.k3j_x9a2.tmp", out / ".doc-0000.json.00000000.tmp"]
    others = [out / ".notes.tmp", out / "keep.tmp", out / ".doc-0000.txt.short.tmp"]
    for path in [*stale, *others]:
        path.write_text("half-written")
    assert main(["clean", str(raw), "--out", str(out), "-q"]) == 0
    assert not any(path.exists() for path in stale)
    assert all(path.exists() for path in others)  # not names this program makes


def test_outputs_never_land_outside_the_output_folder(tmp_path: Path, capsys) -> None:
    raw = make_corpus(tmp_path / "raw", 2)
    (raw / "sub").mkdir()
    (raw / "sub" / "story.txt").write_text("The talks resumed on Tuesday, officials said.")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = tmp_path / "out"
    out.mkdir()
    (out / "sub").symlink_to(elsewhere)  # a sub-folder of the output that leads out of it
    assert main(["clean", str(raw), "--out", str(out), "-q"]) == 1
    assert "through a symbolic link" in capsys.readouterr().err
    assert list(elsewhere.iterdir()) == []
    article = clean_bytes(b"Body sentence one.", source_id="x.txt")
    for name in ("../escape", "/etc/passwd", "a/../../b", "."):
        with pytest.raises(OutputError, match="would leave the output folder"):
            write_outputs(article, out, InputFile(raw / "x.txt", PurePosixPath(name)))
    assert not (tmp_path / "escape.txt").exists()


def test_outputs_never_land_among_the_inputs(tmp_path: Path, capsys) -> None:
    """``--out raw`` is refused before anything is written; ``--out`` a folder above the
    input folder refuses only the inputs whose outputs would fall inside it."""
    data = tmp_path / "data"
    raw = make_corpus(data / "raw", 2)
    (raw / "raw").mkdir()
    (raw / "raw" / "deep.txt").write_text("The talks resumed on Tuesday, officials said.")
    before = snapshot(raw)
    assert main(["clean", str(raw), "--out", str(raw)]) == 2
    assert "the output folder is the input folder" in capsys.readouterr().err
    assert main(["clean", str(raw), "--out", str(data), "-q"]) == 1
    err = capsys.readouterr().err
    assert f"{raw}/raw/deep.txt: its outputs would be written inside the input folder" in err
    assert snapshot(raw) == before
    assert sorted(p.name for p in raw.rglob("*")) == [
        "deep.txt",
        "doc-0000.txt",
        "doc-0001.txt",
        "raw",
    ]
