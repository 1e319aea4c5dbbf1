"""Inputs beyond files of their own: JSONL and WARC records, stdin, sniffed formats,
compressed files, and locations that are not local (issue 14)."""

from __future__ import annotations

import bz2
import gzip
import json
import lzma
import shutil
from pathlib import Path

import pytest
import zstandard
from hypothesis import example, given, settings
from hypothesis import strategies as st

from pipeline.cli import main
from tests.conftest import ROOT, SEED_FILES
from tests.processes import run_cli
from tests.warcs import crawl, gzipped

PAGE = (ROOT / "tests" / "fixtures" / "page.html").read_bytes()
SEED_TEXT = SEED_FILES[0].read_text(encoding="utf-8")


def jsonl(*records: object) -> bytes:
    return b"".join(
        (r if isinstance(r, bytes) else json.dumps(r).encode()) + b"\n" for r in records
    )


def outputs(out: Path) -> list[str]:
    return sorted(
        p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file() and p.suffix == ".txt"
    )


def test_jsonl_records_are_articles_keyed_by_id_and_failures_by_line(tmp_path: Path) -> None:
    data = tmp_path / "data.jsonl"
    data.write_bytes(
        jsonl(
            {"id": "a7", "text": SEED_TEXT, "url": "https://x.example/a7"},
            {"html": PAGE.decode()},  # no id: named by its line
            b"{not json",
            {"id": "no-text", "body": "where the text is not"},
            {"id": "a7", "text": "the same id again"},
            b"",
            {"id": "../../etc/passwd", "text": "An id that is a path stays inside.\n"},
        )
    )
    before = data.read_bytes()
    out = tmp_path / "clean"
    result = run_cli("clean", str(data), "--out", str(out))
    assert result.returncode == 1, result.stderr
    assert data.read_bytes() == before  # inputs are never modified
    names = outputs(out)
    assert names[1:] == ["data/a7.txt", "data/line-2.txt"]
    assert names[0].startswith("data/_.._etc_passwd~")  # slugged and hashed: inside the folder
    sidecar = json.loads((out / "data" / "a7.json").read_text())
    assert sidecar["source"]["path"] == str(data)
    assert sidecar["source"]["record"] == {
        "id": "a7", "line": 1, "url": "https://x.example/a7", "date": None
    }  # fmt: skip
    assert (out / "data" / "a7.txt").read_text() == (
        run_cli("clean", str(SEED_FILES[0])).stdout  # the same text as a file: the same body
    )
    errors = result.stderr
    assert f"{data} line 3: not valid JSON" in errors
    assert f"{data} line 4 (id no-text): the record has no 'html' or 'text' string" in errors
    assert f"{data} line 5 (id a7): its id is that of line 1" in errors
    assert errors.strip().endswith("3 of 6 file(s) failed")


def test_jsonl_fields_are_settings_and_compressed_jsonl_is_read(tmp_path: Path) -> None:
    records = jsonl({"doc_id": 1, "content": SEED_TEXT}, {"doc_id": 2, "content": "Short."})
    for name, packed in (
        ("a.jsonl.gz", gzip.compress(records)),
        ("b.jsonl.zst", zstandard.ZstdCompressor().compress(records)),
        ("c.jsonl.bz2", bz2.compress(records)),
    ):
        (tmp_path / "in").mkdir(exist_ok=True)
        (tmp_path / "in" / name).write_bytes(packed)
    out = tmp_path / "clean"
    args = ["--jsonl-field", "id=doc_id", "--jsonl-field", "text=content"]
    assert main(["clean", str(tmp_path / "in"), "--out", str(out), *args]) == 0
    assert outputs(out) == [f"{c}/{n}.txt" for c in "abc" for n in (1, 2)]
    assert (out / "a" / "1.txt").read_bytes() == (out / "b" / "1.txt").read_bytes()
    assert main(["clean", str(tmp_path / "in"), "--out", str(out), "--jsonl-field", "x"]) == 2


def test_a_gzip_error_in_the_middle_fails_there_and_keeps_what_came_before(
    tmp_path: Path,
) -> None:
    lines = [{"id": f"r{i}", "text": f"Record number {i} of the file.\n"} for i in range(40)]
    # Members as ``cat a.gz b.gz`` joins them, with junk between: gzip fails at the junk.
    members = [gzip.compress(jsonl(*lines[i : i + 10]), mtime=0) for i in range(0, 40, 10)]
    broken = b"".join(members[:2]) + b"junk" + b"".join(members[2:])
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "broken.jsonl.gz").write_bytes(broken)
    (tmp_path / "in" / "fine.txt").write_text(SEED_TEXT)
    out = tmp_path / "clean"
    result = run_cli("clean", str(tmp_path / "in"), "--out", str(out))
    assert result.returncode == 1
    assert "fine.txt" in outputs(out)  # the rest goes on
    read = [n for n in outputs(out) if n.startswith("broken/")]
    assert len(read) == 20
    assert "broken.jsonl.gz line 21: the file cannot be read on after line 20 (" in result.stderr
    assert "the records after it were not read" in result.stderr


def test_warc_html_responses_are_articles_and_other_records_are_counted(tmp_path: Path) -> None:
    warc = tmp_path / "crawl.warc.gz"
    warc.write_bytes(gzipped(crawl(PAGE, SEED_TEXT.encode())))
    out = tmp_path / "clean"
    result = run_cli("clean", str(warc), "--out", str(out))
    assert result.returncode == 0, result.stderr
    ids = [f"00000000-0000-4000-8000-{n:012d}" for n in (3, 5)]
    assert outputs(out) == [f"crawl/{i}.txt" for i in ids]
    sidecar = json.loads((out / "crawl" / f"{ids[0]}.json").read_text())
    record = sidecar["source"]["record"]
    assert record["url"] == "https://ledger.example/a"
    assert record["date"] == "2024-02-12T09:00:03Z"
    assert record["id"] == ids[0] and record["offset"] > 0
    assert sidecar["source"]["format"] == "html"
    assert (
        "passed over 4 record(s): WARC request record 1, WARC response not HTML (image/png) 1"
        in (result.stderr)
    )
    assert "WARC response with HTTP status 404 1, WARC warcinfo record 1" in result.stderr
    corpus = [json.loads(line) for line in (out / "articles.jsonl").read_text().splitlines()]
    assert [r["record_id"] for r in corpus] == ids
    assert corpus[0]["url"] == "https://ledger.example/news/2024/02/flood-defences-york"
    assert corpus[1]["url"] == "https://ledger.example/b"  # no URL of its own: the record's
    assert corpus[1]["record_date"] == "2024-02-12T09:00:05Z"


def test_a_truncated_warc_fails_its_last_record_with_its_offset(tmp_path: Path) -> None:
    records = crawl(PAGE, SEED_TEXT.encode())[:5]
    for name, data in (("plain.warc", b"".join(records)), ("packed.warc.gz", gzipped(records))):
        (tmp_path / name).write_bytes(data[:-200])
    out = tmp_path / "clean"
    result = run_cli("clean", str(tmp_path / "plain.warc"), str(tmp_path / "packed.warc.gz"),
                     "--out", str(out))  # fmt: skip
    assert result.returncode == 1
    assert outputs(out) == [
        "packed/00000000-0000-4000-8000-000000000003.txt",
        "plain/00000000-0000-4000-8000-000000000003.txt",
    ]
    for name in ("plain.warc", "packed.warc.gz"):
        assert f"{name} offset " in result.stderr
    assert result.stderr.count("the record is cut short") == 2


def test_a_corrupt_warc_gzip_member_ends_the_file_there(tmp_path: Path) -> None:
    members = [gzip.compress(r, mtime=0) for r in crawl(PAGE, SEED_TEXT.encode())]
    members[4] = members[4][:30] + b"garbage" + members[4][37:]
    (tmp_path / "bad.warc.gz").write_bytes(b"".join(members))
    out = tmp_path / "clean"
    result = run_cli("clean", str(tmp_path / "bad.warc.gz"), "--out", str(out))
    assert result.returncode == 1
    assert outputs(out) == ["bad/00000000-0000-4000-8000-000000000003.txt"]
    assert "bad.warc.gz after offset " in result.stderr
    assert "the records after it were not read" in result.stderr


def test_stdin_to_stdout_body_and_jsonl(tmp_path: Path) -> None:
    zipped = gzip.compress(PAGE)
    body = run_cli("clean", "-", "--format", "html", input=zipped.decode("latin-1"),
                   encoding="latin-1")  # fmt: skip
    assert body.returncode == 0, body.stderr
    assert body.stdout.startswith("Flood defences in York held overnight")
    out = tmp_path / "o"
    assert main(["clean", str(Path("tests/fixtures/page.html").resolve()), "--out", str(out)]) == 0
    assert body.stdout.encode("latin-1") == (out / "page.txt").read_bytes()
    records = run_cli("clean", "-", "--jsonl", input=SEED_TEXT)
    assert records.returncode == 0
    (record,) = [json.loads(line) for line in records.stdout.splitlines()]
    assert record["id"] == "stdin" and record["source_path"] == "-" and record["format"] == "text"
    assert not list(Path.cwd().glob("stdin*"))  # nothing written


def test_without_out_several_inputs_need_jsonl(tmp_path: Path) -> None:
    result = run_cli("clean", str(SEED_FILES[0]), str(SEED_FILES[1]))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "give --out DIR" in result.stderr
    both = run_cli("clean", str(SEED_FILES[0]), str(SEED_FILES[1]), "--jsonl")
    assert [json.loads(line)["title"] for line in both.stdout.splitlines()][1] == (
        "Russia-Ukraine Peace Talks: The Proposal"
    )


@pytest.mark.parametrize("suffix", [".php", ".aspx", ".xhtml", ".shtml", ""])
def test_pages_under_other_names_are_pages(tmp_path: Path, suffix: str) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / f"story{suffix}").write_bytes(PAGE)
    out = tmp_path / "clean"
    assert main(["clean", str(tmp_path / "in"), "--out", str(out)]) == 0
    sidecar = json.loads((out / "story.json").read_text())
    assert sidecar["source"]["format"] == "html"
    assert sidecar["title"] == "Flood defences hold as river peaks in York"


def test_format_forces_and_auto_sniffs_named_files(tmp_path: Path) -> None:
    named = tmp_path / "page.dat"
    named.write_bytes(PAGE)
    sniffed = run_cli("clean", str(named))
    assert sniffed.stdout.startswith("Flood defences in York held overnight")
    as_text = run_cli("clean", str(named), "--format", "text")
    assert as_text.stdout.startswith("<!DOCTYPE html>")


def test_bzip2_and_xz_are_unpacked_and_passed_over_files_are_named_with_v(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt.bz2").write_bytes(bz2.compress(SEED_TEXT.encode()))
    (raw / "b.html.xz").write_bytes(lzma.compress(PAGE))
    (raw / "scan.pdf").write_bytes(b"%PDF-1.7")
    (raw / ".hidden.txt").write_text("x")
    shutil.copy(SEED_FILES[0], raw / "c.txt")
    out = tmp_path / "clean"
    quiet = run_cli("clean", str(raw), "--out", str(out))
    assert quiet.returncode == 0
    assert "2 other file(s) passed over" in quiet.stdout and "scan.pdf" not in quiet.stderr
    assert (out / "a.txt").read_bytes() == (out / "c.txt").read_bytes()
    assert json.loads((out / "b.json").read_text())["source"]["format"] == "html"
    verbose = run_cli("clean", str(raw), "--out", str(out), "-v")
    assert (
        f"note: passed over {raw / 'scan.pdf'}: not a text, HTML, JSONL or WARC file name (.pdf)"
        in (verbose.stderr)
    )
    assert f"note: passed over {raw / '.hidden.txt'}: hidden" in verbose.stderr


def test_a_remote_output_is_a_usage_error(tmp_path: Path) -> None:
    result = run_cli("clean", str(SEED_FILES[0]), "--out", "s3://bucket/out", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == (
        "article-clean: s3://bucket/out: outputs go to a local folder only (remote locations "
        "are read, never written); write to a local folder, then copy it (for S3: aws s3 sync "
        "DIR s3://bucket/out)\n"
    )
    assert list(tmp_path.iterdir()) == []  # no ./s3:/bucket/out


def test_a_scheme_without_its_file_system_is_a_usage_error(tmp_path: Path) -> None:
    """gcsfs is not installed: ``gs://`` cannot be read (and nothing is tried)."""
    result = run_cli("clean", "gs://bucket/raw", "--out", str(tmp_path / "o"), cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "gs://bucket/raw: gs:// locations cannot be read here (" in result.stderr
    assert "gcsfs" in result.stderr
    assert list(tmp_path.iterdir()) == []


@settings(max_examples=100)
@example(lines=[b"\x1f\x8b", b"\x00"])  # gzip's magic, then nothing gzip: found by Hypothesis
@given(st.lists(st.binary(max_size=40) | st.sampled_from([b'{"text": "A line."}', b""]),
                max_size=12))  # fmt: skip
def test_every_line_of_any_jsonl_file_is_one_document_or_one_failure(
    tmp_path_factory: pytest.TempPathFactory, lines: list[bytes]
) -> None:
    """Nothing lost, nothing invented: each non-blank line gives exactly one document, in
    order, named by its line; a line that cannot be a record carries why."""
    from collections import Counter

    from pipeline.discover import discover
    from pipeline.sources import expand
    from pipeline.unpack import compression

    folder = tmp_path_factory.mktemp("jsonl")
    data = b"\n".join(line.replace(b"\n", b" ") for line in lines) + b"\n"
    (folder / "any.jsonl").write_bytes(data)
    documents = list(expand(discover([folder / "any.jsonl"]).inputs, 1000, Counter()))
    if compression(data[:16]) is not None:  # it says it is compressed, and is not: one failure
        (failure,) = documents
        assert "the records after it were not read" in (failure.error or "")
        return
    wanted = [n for n, line in enumerate(data.split(b"\n")[:-1], 1) if line.strip()]
    assert [int(d.source.split(" line ")[1].split()[0]) for d in documents] == wanted
    for document in documents:
        assert document.error or document.data
