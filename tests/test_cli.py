"""The article-clean command, run in-process through ``main`` and as an installed script."""

from __future__ import annotations

import gzip
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.cli import main
from tests.conftest import ROOT, SEED_FILES
from tests.processes import run_cli


@pytest.fixture
def raw(tmp_path: Path) -> Path:
    folder = tmp_path / "raw"
    (folder / "nested").mkdir(parents=True)
    for seed in SEED_FILES:
        shutil.copy(seed, folder / seed.name)
    shutil.copy(SEED_FILES[0], folder / "nested" / "copy.txt")
    return folder


def test_clean_folder_writes_body_and_sidecar_per_input(raw: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "clean"
    assert main(["clean", str(raw), "--out", str(out)]) == 0
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    stems = [s.stem for s in SEED_FILES]
    expected = [f"{s}.{ext}" for s in stems for ext in ("json", "txt")]
    lock = ".article-clean.lock"  # held while a run writes; stays, empty
    corpus = "articles.jsonl"  # the corpus of the run's articles
    assert written == sorted([*expected, "nested/copy.json", "nested/copy.txt", lock, corpus])
    sidecar = json.loads((out / f"{stems[1]}.json").read_text())
    assert sidecar["title"] == "Russia-Ukraine Peace Talks: The Proposal"
    assert sidecar["source"]["path"] == str(raw / SEED_FILES[1].name)
    assert set(sidecar) >= {"source", "language", "encoding_fixes", "removals", "stats", "pipeline"}
    assert "cleaned 3 file(s)" in capsys.readouterr().out


def test_outputs_are_byte_identical_across_runs(raw: Path, tmp_path: Path) -> None:
    assert main(["clean", str(raw), "--out", str(tmp_path / "a"), "-q"]) == 0
    assert main(["clean", str(raw), "--out", str(tmp_path / "b"), "-q"]) == 0

    def files(folder: Path) -> dict[str, bytes]:
        return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*.*")}

    first = files(tmp_path / "a")
    assert len(first) == 8  # three bodies, three sidecars, the corpus, the lock file
    assert first == files(tmp_path / "b")


def test_raw_is_never_modified(raw: Path, tmp_path: Path) -> None:
    before = {p: p.read_bytes() for p in raw.rglob("*") if p.is_file()}
    assert before
    assert main(["clean", str(raw), "--out", str(tmp_path / "out"), "-q"]) == 0
    assert {p: p.read_bytes() for p in raw.rglob("*") if p.is_file()} == before


def test_inputs_inside_the_output_folder_are_cleaned(raw: Path, capsys) -> None:
    # "clean data/raw --out data": the inputs sit below the output folder, not among outputs.
    assert main(["clean", str(raw), "--out", str(raw.parent)]) == 0
    assert "cleaned 3 file(s)" in capsys.readouterr().out
    assert (raw.parent / f"{SEED_FILES[0].stem}.txt").exists()


def test_a_bad_file_fails_alone_with_exit_1(raw: Path, tmp_path: Path, capsys) -> None:
    (raw / "picture.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    out = tmp_path / "out"
    assert main(["clean", str(raw), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "picture.txt" in err
    assert "PNG image" in err
    assert (out / f"{SEED_FILES[0].stem}.txt").exists()
    assert not (out / "picture.txt").exists()


def test_html_pages_are_cleaned_beside_text(tmp_path: Path, capsys) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    page = (ROOT / "tests" / "fixtures" / "page.html").read_bytes()
    (folder / "story.html.gz").write_bytes(gzip.compress(page, mtime=0))
    (folder / "other.htm").write_bytes(page)
    out = tmp_path / "out"
    assert main(["clean", str(folder), "--out", str(out)]) == 0
    assert "cleaned 2 file(s)" in capsys.readouterr().out
    body = (out / "story.txt").read_text()
    assert body.startswith("Flood defences in York held overnight")
    assert body == (out / "other.txt").read_text()
    sidecar = json.loads((out / "story.json").read_text())
    assert sidecar["source"]["format"] == "html"
    assert sidecar["page"]["site_name"] == "The Northern Ledger"


def test_explain_shows_the_elements_a_page_lost_before_extraction(capsys) -> None:
    assert main(["explain", str(ROOT / "tests" / "fixtures" / "page.html")]) == 0
    shown = capsys.readouterr().out
    assert "- [caption caption.figcaption html figcaption] The River Ouse burst" in shown
    assert "- [title structure.title 0.90] Flood defences hold as river peaks in York" in shown
    assert "  Flood defences in York held overnight" in shown


def test_usage_errors_exit_2(tmp_path: Path, capsys) -> None:
    assert main(["clean", str(tmp_path / "missing"), "--out", str(tmp_path)]) == 2
    assert "no such file or folder" in capsys.readouterr().err
    bad_rules = tmp_path / "rules.toml"
    bad_rules.write_text("version = 'x'")
    assert main(["clean", str(tmp_path), "--out", str(tmp_path), "--rules", str(bad_rules)]) == 2
    with pytest.raises(SystemExit) as exc:
        main(["clean"])
    assert exc.value.code == 2


def test_disable_kind_keeps_those_lines(raw: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    main(["clean", str(raw / SEED_FILES[1].name), "--out", str(out), "--disable-kind", "appeal"])
    assert "Just click the donate button below" in (out / f"{SEED_FILES[1].stem}.txt").read_text()


def test_explain_marks_every_removal_plainly_when_not_a_terminal(capsys) -> None:
    assert main(["explain", str(SEED_FILES[0])]) == 0
    shown = capsys.readouterr().out
    assert "- [trailer trailer.reported_by 1.00] As reported by Ynetnews" in shown
    assert "# Bombed out cities" in shown
    assert "\033[" not in shown
    assert main(["explain", str(SEED_FILES[0]), "--color", "always"]) == 0
    assert "\033[31m" in capsys.readouterr().out


def test_installed_console_script_runs(tmp_path: Path) -> None:
    script = Path(sys.executable).with_name("article-clean")
    result = subprocess.run(
        [str(script), "clean", str(SEED_FILES[0]), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / f"{SEED_FILES[0].stem}.txt").read_text().startswith("In proposal made")


def test_worker_processes_write_the_same_bytes_as_one_process(tmp_path: Path, capsys) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for index in range(12):
        seed = SEED_FILES[index % len(SEED_FILES)]
        (folder / f"{index:02d}_{seed.name}").write_bytes(seed.read_bytes())
    shutil.copyfile(ROOT / "tests" / "fixtures" / "page.html", folder / "page.html")
    (folder / "broken.txt").write_bytes(b"%PDF-1.7 not text")
    one, two = tmp_path / "one", tmp_path / "two"
    assert main(["clean", str(folder), "--out", str(one), "--workers", "1", "-q"]) == 1
    first = capsys.readouterr().err
    assert main(["clean", str(folder), "--out", str(two), "--workers", "2", "-q"]) == 1
    assert capsys.readouterr().err == first  # the same failure, reported the same way
    names = sorted(p.name for p in one.iterdir() if p.is_file())
    assert names == sorted(p.name for p in two.iterdir() if p.is_file())
    assert len(names) > 26
    for name in names:
        assert (one / name).read_bytes() == (two / name).read_bytes(), name


def test_workers_must_be_a_positive_number(capsys) -> None:
    with pytest.raises(SystemExit):
        main(["clean", "x", "--out", "y", "--workers", "0"])
    assert "--workers takes a whole number" in capsys.readouterr().err


def test_a_rules_file_with_a_backtracking_pattern_is_a_usage_error(tmp_path: Path) -> None:
    """Issue 17: the real command refuses it before touching any file, naming the rule."""
    shipped = (Path(__file__).parents[1] / "pipeline" / "data" / "rules.toml").read_text()
    rules = tmp_path / "mine.toml"
    rules.write_text(
        shipped + '\n[[rules]]\nid = "caption.slow"\nkind = "caption"\nmatcher = "pattern"\n'
        "description = \"d\"\npattern = '''(a+)+$'''\n"
    )
    (tmp_path / "a.txt").write_text("a" * 40 + "!\n")
    result = run_cli("clean", str(tmp_path / "a.txt"), "--out", str(tmp_path / "out"),
                     "--rules", str(rules), timeout=60)  # fmt: skip
    assert result.returncode == 2
    assert "rule caption.slow: 'pattern' can backtrack catastrophically" in result.stderr
    assert not (tmp_path / "out").exists()


def test_one_file_named_twice_is_cleaned_once_and_is_no_failure(tmp_path: Path) -> None:
    # Issue 17, item 11: `d/a.txt d/../d/a.txt` was cleaned, then reported as failed (its
    # outputs "would overwrite" its own). A different file of the same name still conflicts.
    (tmp_path / "d").mkdir()
    (tmp_path / "e").mkdir()
    shutil.copy(SEED_FILES[0], tmp_path / "d" / "a.txt")
    shutil.copy(SEED_FILES[1], tmp_path / "e" / "a.txt")
    out = tmp_path / "out"
    result = run_cli("clean", "d/a.txt", "d/../d/a.txt", "--out", str(out), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "cleaned 1 file(s)" in result.stdout
    assert sorted(p.name for p in out.glob("*.txt")) == ["a.txt"]
    result = run_cli("clean", "d/a.txt", "e/a.txt", "--out", str(tmp_path / "o2"), cwd=tmp_path)
    assert result.returncode == 1
    assert "e/a.txt: its outputs would overwrite those of d/a.txt" in result.stderr


def test_a_link_planted_at_the_lock_is_not_followed(tmp_path: Path) -> None:
    # Issue 17, item 9: a symlink at .article-clean.lock made the run create a file elsewhere.
    out = tmp_path / "out"
    out.mkdir()
    target = tmp_path / "created-through-the-link"
    (out / ".article-clean.lock").symlink_to(target)
    shutil.copy(SEED_FILES[0], tmp_path / "a.txt")
    result = run_cli("clean", str(tmp_path / "a.txt"), "--out", str(out))
    assert result.returncode == 1
    assert "it is a symbolic link, which a run never follows" in result.stderr
    assert not target.exists()
    assert not (out / "a.txt").exists()
