"""The corpus record an article's result carries (``sinks.corpus.article_line``) is byte for
byte the one the corpus writer reads back from its outputs, and a corpus written from spooled
results is the corpus written by reading every output back."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from pipeline import clean_bytes
from pipeline.batch import FileResult
from pipeline.discover import InputFile
from pipeline.io import write_outputs
from pipeline.sinks.corpus import Spool, _read_line, article_line, write_corpus
from pipeline.sources.document import Document, clean_document
from pipeline.sources.jsonl import JsonlFields, read_jsonl
from tests.conftest import ROOT, SEED_FILES

EVAL = ROOT.parent / "shared" / "eval"
TEXTS = sorted(EVAL.glob("*-dev/raw_text_region/*.txt"))[:40]
PAGES = sorted(EVAL.glob("*-dev/html/*.html.gz"))[:12]
ODD = [b"", b"   \n\n", b"Line one\r\nline two\rthree\n", "Caf\u00e9 \u2028 na\u00efve\n".encode()]


def inputs() -> list[tuple[str, bytes, str]]:
    found = [(p.name, p.read_bytes(), "text") for p in (*SEED_FILES, *TEXTS)]
    found += [(p.name, p.read_bytes(), "html") for p in PAGES]
    return found + [(f"odd{i}.txt", data, "text") for i, data in enumerate(ODD)]


@pytest.mark.parametrize(("name", "data", "fmt"), inputs(), ids=lambda v: str(v)[:40])
def test_the_carried_record_is_the_one_read_back(
    tmp_path: Path, name: str, data: bytes, fmt: str
) -> None:
    article = clean_bytes(data, source_id=name, fmt=fmt)
    item = InputFile(tmp_path / name, f"sub/{name}")
    write_outputs(article, tmp_path / "out", item)
    line = article_line(item.output, article)
    assert (line.encode() + b"\n" if line else None) == _read_line(tmp_path / "out", item)


def test_a_record_of_a_jsonl_file_carries_its_record(tmp_path: Path) -> None:
    source = tmp_path / "docs.jsonl"
    source.write_text('{"id": "r1", "text": "A story about the town council.", "url": "u"}\n')
    (doc,) = read_jsonl(InputFile(source, "docs"), JsonlFields(), 1 << 20)
    assert isinstance(doc, Document)
    article = clean_document(doc, None, None)
    write_outputs(article, tmp_path / "out", doc)
    line = article_line(doc.output, article)
    assert line.encode() + b"\n" == _read_line(tmp_path / "out", doc)


def test_a_spooled_corpus_is_the_one_read_back(tmp_path: Path) -> None:
    out = tmp_path / "out"
    items, results = [], []
    expected = Counter[int]()  # non-empty records, by kind
    # The seeds come first, so both kinds that write a record (0, 1) have one even where the
    # dev corpora are absent (a fresh clone in CI).
    for index, (name, data, fmt) in enumerate(inputs()[:12]):
        item = InputFile(tmp_path / name, f"{index}")
        article = clean_bytes(data, source_id=name, fmt=fmt)
        write_outputs(article, out, item)
        record = article_line(item.output, article)
        # Cleaned with its record, cleaned without one (read back), failed (left out).
        kind = index % 3
        status = "failed" if kind == 2 else "cleaned"
        results.append(FileResult(name, item.output, status, record=None if kind else record))
        items.append(item)
        if status == "cleaned" and record:
            expected[kind] += 1
    read_back = tmp_path / "read.jsonl"
    failed = {r.output for r in results if r.status == "failed"}
    write_corpus(out, [i for i in items if i.output not in failed], read_back)
    with Spool() as spool:
        for result in results:
            spool.add(result)
        spooled = tmp_path / "spooled.jsonl"
        write_corpus(out, items, spooled, spool=spool)
    assert spooled.read_bytes() == read_back.read_bytes()
    assert spooled.read_bytes().count(b"\n") == sum(expected.values())
    assert expected[0] and expected[1]  # records carried and records read back, both
