"""Issue 5, bad input: every case gives a clear per-file error or a correct result, never a
crash; the run goes on, reports how many failed, and leaves the inputs as they were."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline import CleaningError, clean_bytes, clean_file
from pipeline.batch import RulesSpec, clean_items
from pipeline.cli import main
from pipeline.discover import discover, strip_input_suffixes
from pipeline.errors import InputError, LimitError
from pipeline.limits import Limits
from pipeline.read import path_text
from pipeline.rules import load_rules
from pipeline.supervise import clean_file_stoppable, clean_in_processes
from tests.bad_inputs import CASES, WORDS, Case, huge_page, make_fifo, write_cases
from tests.processes import run_cli

# Every message says what to do, not only what went wrong.
ADVICE = re.compile(
    r"remove it|check|re-download|Raise the limit|run again|choose|fix its|free some|give|"
    r"leave it out"
)
ERROR_CASES = [c for c in CASES if c.error]


def snapshot(folder: Path) -> dict[str, tuple[bytes, int, int]]:
    """Every file's bytes, mode and modification time (regular files only)."""
    return {
        path_text(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mode, p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_each_bad_input_gives_a_clear_error_or_a_correct_result(case: Case, tmp_path: Path) -> None:
    path = write_cases(tmp_path, (case,))[case.name]
    if case.error:
        with pytest.raises(CleaningError) as caught:
            clean_file(path)
        message = str(caught.value)
        assert message.startswith(f"{path}: "), message  # names the file
        assert re.search(case.error, message), message  # says what was wrong
        assert ADVICE.search(message), message  # and what to do
    else:
        article = clean_file(path)
        assert set(case.flags) <= set(article.flags)
        assert case.check(article), article.clean_text()[:200]
        json.dumps(article.to_json(), ensure_ascii=False).encode("utf-8")


def test_a_single_5mb_line_is_cleaned_whole() -> None:
    line = (WORDS * (5_000_000 // len(WORDS)))[:5_000_000].strip()
    article = clean_bytes(line.encode(), source_id="one-line.txt")
    assert article.clean_text() == line
    assert article.removals == ()


def test_limits_are_configurable_and_refuse_rather_than_cut(tmp_path: Path) -> None:
    path = tmp_path / "story.txt"
    path.write_bytes(b"The talks resumed on Tuesday, officials said.\n" * 40)  # 1,880 bytes
    with pytest.raises(LimitError, match=r"is 1\.8 KiB, over the size limit of 1000 bytes"):
        clean_file(path, limits=Limits(max_bytes=1000))
    assert clean_file(path, limits=Limits(max_bytes=1880)).clean_text()
    long_document = b"The talks resumed on Tuesday, officials said.\n\n" * 20_000
    with pytest.raises(LimitError, match=r"took longer than the time limit of 0\.001 s"):
        clean_bytes(long_document, source_id="long.txt", limits=Limits(max_seconds=0.001))
    with pytest.raises(ValueError, match="limits must be positive"):
        Limits(max_bytes=0)


def test_the_cli_reports_each_bad_file_and_how_many_failed(tmp_path: Path, capsys) -> None:
    raw = tmp_path / "raw"
    write_cases(raw)
    make_fifo(raw / "pipe.txt")
    before = snapshot(raw)
    out = tmp_path / "out"
    assert main(["clean", str(raw), "--out", str(out), "-v"]) == 1  # -v: every failure named
    err = capsys.readouterr().err.splitlines()
    failed = {
        line.split(": ", 3)[2]: line for line in err if line.startswith("article-clean: failed")
    }
    expected = {c.name: c.error for c in ERROR_CASES} | {"pipe.txt": "is a named pipe, not a"}
    assert {Path(p).name for p in failed} == set(expected)
    for path, line in failed.items():
        assert re.search(expected[Path(path).name], line), line
    assert err[-1] == f"article-clean: {len(expected)} of {len(CASES) + 1} file(s) failed"
    names = {item.path.name: item.relative for item in discover([raw]).inputs}
    for case in CASES:
        base = out / names[case.name]
        written = [base.with_name(base.name + s).exists() for s in (".txt", ".json")]
        assert written == ([False, False] if case.error else [True, True]), case.name
    assert snapshot(raw) == before


def test_the_flow_reports_each_bad_file(prefect_server: None, tmp_path: Path) -> None:
    """The same cases through the flow, with its size limit set to 8 MiB (a parameter that
    must reach the worker processes): a 9 MiB text fails in place of the 50 MB one."""
    from tests.test_flows import run_flow

    raw = tmp_path / "raw"
    write_cases(raw, tuple(c for c in CASES if c.name != "50mb.txt"))
    (raw / "9mb.txt").write_bytes((b"The talks resumed on Tuesday.\n" * 330_000)[: 9 << 20])
    before = snapshot(raw)
    state, report = run_flow(raw, tmp_path / "out", max_bytes=8 << 20)
    assert state.is_failed()
    expected = {c.name: c.error for c in ERROR_CASES if c.name != "50mb.txt"}
    expected["bomb.txt.gz"] = r"unpacks to more than the size limit of 8\.0 MiB"
    expected["9mb.txt"] = r"is 9\.0 MiB, over the size limit of 8\.0 MiB; it was not cleaned"
    assert report["parameters"]["max_bytes"] == 8 << 20
    assert report["files"]["failed"] == len(expected)
    assert report["files"]["cleaned"] == len(CASES) - len(expected)
    for failure in report["failures"]:
        name = Path(failure["path"]).name
        assert re.search(expected[name], failure["error"]), failure
    assert snapshot(raw) == before


NAMES = [
    "with spaces.txt",
    'it\'s "quoted".txt',
    "new\nline.txt",
    "tab\tand\\backslash.txt",
    "naïve — ünïcödé 日本語.txt",
    "-looks-like-an-option.txt",
    os.fsdecode(b"latin-1 caf\xe9.txt"),  # not UTF-8: Python holds it with a lone surrogate
]


def test_file_names_with_spaces_quotes_newlines_and_non_ascii(tmp_path: Path, capsys) -> None:
    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    for name in NAMES:
        (raw / name).write_bytes(b"The talks resumed on Tuesday in Istanbul, officials said.\n")
    (raw / "bad\nname.txt").write_bytes(b"%PDF-1.4 not an article")
    assert main(["clean", str(raw), "--out", str(out)]) == 1
    captured = capsys.readouterr()
    for name in NAMES:
        stem = name.removesuffix(".txt")
        body = out / f"{stem}.txt"  # the same name, bytes for bytes, inside the output folder
        assert body.read_text() == "The talks resumed on Tuesday in Istanbul, officials said.\n"
        sidecar = json.loads((out / f"{stem}.json").read_bytes())
        assert sidecar["source"]["path"] == path_text(raw / name)
    assert os.fsencode(out / "latin-1 caf\udce9.txt") == os.fsencode(out) + b"/latin-1 caf\xe9.txt"
    assert (out / "latin-1 caf\udce9.json").exists()
    (failure,) = [line for line in captured.err.splitlines() if "failed:" in line]
    assert "bad\\nname.txt: this is a PDF document" in failure  # one line, newline escaped
    summary = ("note: ", "cleaned ", "removed ", "characters: ")
    assert all(line.startswith(summary) for line in captured.out.splitlines()), captured.out


def test_symlinks_out_of_the_input_folder_are_not_followed(tmp_path: Path, capsys) -> None:
    outside = tmp_path / "outside"
    (outside / "folder").mkdir(parents=True)
    (outside / "secret.txt").write_text("The secret plan was agreed on Tuesday.")
    (outside / "folder" / "inner.txt").write_text("The inner plan was agreed on Tuesday.")
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "story.txt").write_text("The talks resumed on Tuesday, officials said.")
    (raw / "link.txt").symlink_to(outside / "secret.txt")
    (raw / "linked").symlink_to(outside / "folder")
    out = tmp_path / "out"
    assert main(["clean", str(raw), "--out", str(out)]) == 0
    assert "cleaned 1 file(s)" in capsys.readouterr().out
    written = sorted(p.name for p in out.rglob("*") if p.is_file())
    assert written == [".article-clean.lock", "articles.jsonl", "story.json", "story.txt"]


def test_unreadable_file_and_named_pipe_fail_alone(tmp_path: Path) -> None:
    """As an ordinary user (see tests/processes.py for root): a file without read permission,
    a folder that cannot be listed and a named pipe (which would block a plain open forever)
    are each reported; the rest is cleaned."""
    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    (raw / "good.txt").write_text("The talks resumed on Tuesday, officials said.")
    (raw / "secret.txt").write_text("Nobody may read this.")
    (raw / "secret.txt").chmod(0o000)
    make_fifo(raw / "pipe.txt")
    (raw / "private").mkdir()
    (raw / "private" / "hidden.txt").write_text("Nobody may list this folder.")
    (raw / "private").chmod(0o000)
    try:
        result = run_cli("clean", str(raw), "--out", str(out), ordinary_user=True, timeout=60)
    finally:
        (raw / "private").chmod(0o755)
    assert result.returncode == 1, result.stderr
    err = result.stderr
    assert f"{raw}/secret.txt: cannot read: Permission denied; this user may not read it" in err
    assert f"{raw}/pipe.txt: this is a named pipe, not a regular file" in err
    assert f"{raw}/private: cannot read this folder: Permission denied; its files were" in err
    assert "article-clean: 3 of 4 file(s) failed" in err
    assert "cleaned 1 file(s)" in result.stdout
    assert (out / "good.txt").exists()


def test_a_file_that_changes_while_it_is_read_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The file really changes on disk half-way through the read: the OS call that reads it
    appends to it first (the only stand-in here, at the OS boundary)."""
    path = tmp_path / "growing.txt"
    path.write_bytes(b"The talks resumed on Tuesday, officials said.\n" * 1000)
    real_read = os.read
    appended = []

    def read_while_it_grows(fd: int, size: int) -> bytes:
        if not appended:  # once: the first read sees the file already longer
            with path.open("ab") as writer:
                appended.append(writer.write(b"A scraper is still writing this file.\n"))
        return real_read(fd, size)

    monkeypatch.setattr(os, "read", read_while_it_grows)
    with pytest.raises(InputError, match="changed while it was being read; run again") as error:
        clean_file(path)
    assert error.value.retryable
    assert str(error.value).startswith(str(path))


def test_a_file_rewritten_by_another_process_is_never_cleaned_half_old_half_new(
    tmp_path: Path,
) -> None:
    """A real writer process rewrites the file in place, over and over, with versions of
    different lengths. Every read either is refused as changed, or cleans one whole version
    (or the empty file between truncate and write): never a mix."""
    path = tmp_path / "live.txt"
    versions = [
        f"Version {k} of the story was written on Tuesday.\n" * (k % 7 + 1) for k in range(10)
    ]
    path.write_text(versions[0])
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path), json.dumps(versions)],
        stdout=subprocess.PIPE,
    )
    expected = {clean_bytes(v.encode(), source_id="v").clean_text() for v in versions} | {""}
    outcomes = {"changed": 0, "clean": 0}
    try:
        assert writer.stdout is not None and writer.stdout.readline()  # it has started
        for _ in range(300):
            try:
                article = clean_file(path)
            except InputError as exc:
                assert "changed while it was being read" in str(exc)
                outcomes["changed"] += 1
            else:
                assert article.clean_text() in expected
                outcomes["clean"] += 1
    finally:
        writer.kill()
        writer.wait()
    assert outcomes["clean"] > 0, outcomes


WRITER = """
import json, os, sys, time
path, versions = sys.argv[1], [v.encode() for v in json.loads(sys.argv[2])]
fd = os.open(path, os.O_WRONLY)
print("started", flush=True)
k = 0
while True:
    os.ftruncate(fd, 0)
    os.pwrite(fd, versions[k % len(versions)], 0)
    k += 1
    time.sleep(0.0005)
"""


def test_long_file_names_clean_or_fail_clearly(tmp_path: Path, capsys) -> None:
    """A name that fits with ``.json`` after it is cleaned (its temporary files get a shortened
    name); one that does not fit fails with a clear error, not a crash, and writes nothing
    (not even the body, whose name would fit)."""
    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    fits, too_long = "a" * 245, "b" * 251  # + ".json": 250 and 256 bytes (the limit is 255)
    for stem in (fits, too_long):
        (raw / f"{stem}.txt").write_text("The talks resumed on Tuesday, officials said.")
    assert main(["clean", str(raw), "--out", str(out), "-q"]) == 1
    assert (out / f"{fits}.json").exists()
    err = capsys.readouterr().err
    assert f"{raw}/{too_long}.txt: cannot write {out}/{too_long}.json: File name too long" in err
    assert "give the input a shorter name" in err
    names = sorted(p.name for p in out.iterdir())
    assert names == [".article-clean.lock", f"{fits}.json", f"{fits}.txt", "articles.jsonl"]


def _swap_for_link(path: Path, target: Path) -> None:
    """Replace ``path`` (a file or a folder) by a symbolic link to ``target``, as a hostile
    writer would between discovery and reading: the old one moves aside, the link takes its
    name."""
    path.rename(path.with_name(path.name + ".moved"))
    path.symlink_to(target)


@pytest.mark.parametrize("swapped", ["the file", "its folder", "the input folder"])
def test_an_input_swapped_for_a_link_after_discovery_is_not_read(
    swapped: str, tmp_path: Path
) -> None:
    """Issue 17: discovery refuses links, and so does reading. A link planted after discovery,
    in place of the input or of a folder above it, is never read through: that file fails,
    named, and no output holds what the link points to."""
    secret = "root:x:0:0:root:/root:/bin/bash the secret plan was agreed on Tuesday."
    outside = tmp_path / "outside"
    (outside / "sub").mkdir(parents=True)
    for folder in (outside, outside / "sub"):
        (folder / "story.txt").write_text(secret)
    raw = tmp_path / "raw"
    (raw / "sub").mkdir(parents=True)
    (raw / "sub" / "story.txt").write_text("The talks resumed on Tuesday, officials said.")
    (raw / "other.txt").write_text("The vote was held on Monday, officials said.")
    out = tmp_path / "out"
    found = discover([raw], out)
    victim = {
        "the file": raw / "sub" / "story.txt",
        "its folder": raw / "sub",
        "the input folder": raw,
    }
    target = {
        "the file": outside / "story.txt",
        "its folder": outside / "sub",
        "the input folder": outside,
    }
    _swap_for_link(victim[swapped], target[swapped])
    results = {r.path: r for r in clean_items(found.inputs, out, load_rules(), Limits())}
    failed = results[f"{raw}/sub/story.txt"]
    assert failed.status == "failed"
    assert failed.error is not None and failed.error.startswith(f"{raw}/sub/story.txt: ")
    assert re.search("symbolic link|not the file that was found", failed.error), failed.error
    assert ADVICE.search(failed.error), failed.error
    written = [p.read_text() for p in out.rglob("*") if p.is_file()]
    assert not any("secret plan" in text for text in written)
    if swapped == "the file":  # the rest of the run goes on
        assert results[f"{raw}/other.txt"].status == "cleaned"


def test_a_symbolic_link_named_as_an_input_is_refused(tmp_path: Path, capsys) -> None:
    """Links are never followed, named or found: a named link fails alone, saying so."""
    (tmp_path / "secret.txt").write_text("The secret plan was agreed on Tuesday.")
    link = tmp_path / "link.txt"
    link.symlink_to(tmp_path / "secret.txt")
    with pytest.raises(InputError, match=r"link\.txt: this is a symbolic link; links are not"):
        clean_file(link)
    assert main(["clean", str(link), "--out", str(tmp_path / "out")]) == 1
    assert f"{link}: this is a symbolic link" in capsys.readouterr().err
    assert not (tmp_path / "out" / "link.txt").exists()


def test_names_at_the_length_limit_in_any_script(tmp_path: Path) -> None:
    """Issue 17: inputs named up to the 255-byte limit, in 1- to 4-byte characters, through the
    real command: each is cleaned or fails alone with an error naming it and saying the name
    is too long; no output or temporary name is over the limit, none is left half-written."""
    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    for char in ("a", "é", "€", "𝄞"):
        width = len(char.encode())
        for size in (240, 251, 255):
            stem = char * ((size - 4) // width)
            (raw / f"{stem}.txt").write_text("The talks resumed on Tuesday, officials said.")
            (raw / f"{stem}.htm"[:255]).write_text("<p>The talks resumed on Tuesday.</p>")
    result = run_cli("clean", str(raw), "--out", str(out), timeout=120)
    assert result.returncode == 1, result.stderr
    outputs = {os.fsencode(p.name) for p in out.iterdir()}
    assert all(len(name) <= 255 for name in outputs)
    assert not [name for name in outputs if name.endswith(b".tmp")]
    failed = [line for line in result.stderr.splitlines() if "failed:" in line]
    assert failed and all("the name is too long for this file system" in f for f in failed)
    for path in raw.iterdir():
        stem = strip_input_suffixes(path.name)
        cleaned = {f"{stem}.txt".encode(), f"{stem}.json".encode()} <= outputs
        alike = f"{path.name}.txt".encode() in outputs
        assert cleaned or alike or any(f"/{path.name}: cannot write" in f for f in failed)


def _folder_with_a_huge_page(tmp_path: Path) -> Path:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_text("The talks resumed on Tuesday, officials said.")
    (raw / "huge.html").write_bytes(huge_page())
    (raw / "z.txt").write_text("The vote was held on Monday, officials said.")
    return raw


def _stopped_at_the_limit(message: str | None, raw: Path) -> bool:
    return message is not None and message.startswith(f"{raw}/huge.html: cleaning took longer")


def test_the_time_limit_stops_a_file_inside_one_step_in_the_cli(tmp_path: Path) -> None:
    """Issue 17: the limit was checked between steps, so a page whose extraction alone runs
    for minutes ran minutes. Through the real command, with a 2-second limit, that file is
    stopped wherever it is and reported; the run goes on (the subprocess timeout only keeps
    a hang from stalling the suite)."""
    raw, out = _folder_with_a_huge_page(tmp_path), tmp_path / "out"
    result = run_cli("clean", str(raw), "--out", str(out), "--max-seconds", "2", timeout=45)
    assert result.returncode == 1, result.stderr
    assert (
        f"{raw}/huge.html: cleaning took longer than the time limit of 2 s and was stopped; "
        "raise the limit (--max-seconds)" in result.stderr
    )
    assert "cleaned 2 file(s)" in result.stdout
    assert sorted(p.name for p in out.iterdir()) == [
        ".article-clean.lock", "a.json", "a.txt", "articles.jsonl", "z.json", "z.txt"
    ]  # fmt: skip


def test_the_time_limit_stops_a_file_inside_one_step_in_the_batch_api(tmp_path: Path) -> None:
    """The same through the library's batch API, on two workers; results in input order."""
    raw, out = _folder_with_a_huge_page(tmp_path), tmp_path / "out"
    found = discover([raw], out)
    limits = Limits(max_seconds=2)
    results = list(clean_in_processes(found.inputs, out, RulesSpec(), limits, workers=2))
    assert [r.status for r in results] == ["cleaned", "failed", "cleaned"]
    assert _stopped_at_the_limit(results[1].error, raw), results[1].error


def test_the_time_limit_stops_explain_inside_one_step(tmp_path: Path) -> None:
    """``explain`` cleans one file outside a run: on a process of its own, so the limit
    stops it too, with the run's message, exit 1 (it ran for minutes before)."""
    raw = _folder_with_a_huge_page(tmp_path)
    result = run_cli("explain", str(raw / "huge.html"), "--max-seconds", "2", timeout=45)
    assert result.returncode == 1
    assert result.stderr == (
        f"article-clean: {raw}/huge.html: cleaning took longer than the time limit of 2 s and "
        "was stopped; raise the limit (--max-seconds) or check that the file is an article\n"
    )
    assert result.stdout == ""


def test_clean_file_stoppable_is_clean_file_with_a_hard_limit(tmp_path: Path) -> None:
    """The library's one-file call under the hard limit: the same article as ``clean_file``
    (its sidecar, byte for byte), the same error for a bad file, and a stop for a step that
    outlasts the limit."""
    raw = _folder_with_a_huge_page(tmp_path)
    rules = load_rules()
    ours = clean_file_stoppable(raw / "a.txt", rules=rules)
    assert ours.to_json() == clean_file(raw / "a.txt", rules=rules).to_json()
    (raw / "b.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    with pytest.raises(CleaningError) as theirs:
        clean_file(raw / "b.txt")
    with pytest.raises(type(theirs.value), match=re.escape(str(theirs.value))):
        clean_file_stoppable(raw / "b.txt")
    with pytest.raises(LimitError, match=r"huge\.html: cleaning took longer than the time limit"):
        clean_file_stoppable(raw / "huge.html", limits=Limits(max_seconds=2))


def test_a_worker_that_dies_fails_only_the_file_it_had(tmp_path: Path) -> None:
    """Issue 17: a worker process killed while cleaning (the kernel's out-of-memory killer,
    a crash in C) fails the file it had, with why, leaves no temporary file, and a fresh
    worker cleans the next one. Here the worker is killed with SIGKILL from outside while it
    works on a page that takes far longer than the test."""
    import multiprocessing
    import signal
    import threading
    import time

    from pipeline.batch import FileResult, as_item
    from pipeline.supervise import Supervisor

    raw, out = _folder_with_a_huge_page(tmp_path), tmp_path / "out"
    huge, z = [i for i in discover([raw], out).inputs if i.path.name != "a.txt"]
    supervisor = Supervisor(1)
    others = set(multiprocessing.active_children())  # other tests' workers, still idle
    results: list[FileResult] = []
    items = [as_item(huge), as_item(z)]
    limits = Limits(max_seconds=600)
    cleaning = threading.Thread(
        target=lambda: results.extend(supervisor.clean(items, str(out), RulesSpec(), limits))
    )
    cleaning.start()
    try:
        deadline = time.monotonic() + 120
        while not set(multiprocessing.active_children()) - others:
            assert time.monotonic() < deadline, "no worker started"
            time.sleep(0.05)
        (first,) = set(multiprocessing.active_children()) - others
        time.sleep(1.0)  # let it start on the page (dying before it does fails the file too)
        os.kill(first.pid or 0, signal.SIGKILL)
        cleaning.join(120)
    finally:
        supervisor.close()
    died, cleaned = results
    assert died.status == "failed" and cleaned.status == "cleaned"
    assert died.error == (
        f"{raw}/huge.html: the process cleaning it was killed by signal 9 (out of memory?); "
        "check the file, or lower the size limit (--max-bytes)"
    )
    assert sorted(p.name for p in out.iterdir()) == ["z.json", "z.txt"]


def test_a_worker_that_died_while_idle_is_replaced_before_the_next_file(tmp_path: Path) -> None:
    """A worker killed between files (nothing of the run's in it) costs no file: the next
    batch sees it has ended (``Worker.alive``, its sentinel polled) and starts a fresh one."""
    import signal
    import time

    from pipeline.batch import as_item
    from pipeline.supervise import Supervisor

    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    (raw / "a.txt").write_text("The talks resumed on Tuesday, officials said.")
    (raw / "b.txt").write_text("The vote was held on Monday, officials said.")
    first, second = discover([raw], out).inputs
    supervisor = Supervisor(1)
    try:
        (done,) = supervisor.clean([as_item(first)], str(out), RulesSpec(), Limits())
        worker = supervisor._idle.get_nowait()  # the one idle worker, lent back
        assert worker.alive
        os.kill(worker.process.pid or 0, signal.SIGKILL)
        deadline = time.monotonic() + 30
        while worker.alive:
            assert time.monotonic() < deadline, "the killed worker still looks alive"
            time.sleep(0.01)
        supervisor._idle.put(worker)
        (again,) = supervisor.clean([as_item(second)], str(out), RulesSpec(), Limits())
    finally:
        supervisor.close()
    assert (done.status, again.status) == ("cleaned", "cleaned")
    assert sorted(p.name for p in out.iterdir()) == ["a.json", "a.txt", "b.json", "b.txt"]
