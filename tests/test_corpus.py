"""The corpus as its users load it: real ``datasets`` and ``pandas``, offline, on a folder
that mixes text files, a page and WARC records (issue 14), and the Parquet copy."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.sinks.corpus import CORPUS_FIELDS, CORPUS_NAME
from tests.conftest import ROOT, SEED_FILES
from tests.warcs import crawl, gzipped

# Before ``datasets`` is imported (it reads these once): never the network, and a cache of
# its own, not the user's.
os.environ["HF_DATASETS_OFFLINE"] = "1"
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["HF_HOME"] = tempfile.mkdtemp(prefix="article-clean-hf-")

PAGE = ROOT / "tests" / "fixtures" / "page.html"


@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Text articles first (every page field unknown), then a page, then WARC records."""
    base = tmp_path_factory.mktemp("mixed")
    raw = base / "raw"
    raw.mkdir()
    for index, seed in enumerate(SEED_FILES * 3):
        shutil.copy(seed, raw / f"a{index}.txt")
    shutil.copy(PAGE, raw / "b-page.html")
    (raw / "c-crawl.warc.gz").write_bytes(gzipped(crawl(PAGE.read_bytes(), b"A story.\n")))
    out = base / "clean"
    assert main(["clean", str(raw), "--out", str(out), "--parquet", "-q"]) == 0
    return out


def test_every_record_has_every_field_and_each_field_one_type(mixed: Path) -> None:
    records = [json.loads(line) for line in (mixed / CORPUS_NAME).read_text().splitlines()]
    assert len(records) == 9
    for record in records:
        assert list(record) == list(CORPUS_FIELDS)
        assert all(isinstance(value, str) for value in record.values())
    assert records[0]["url"] == "" and records[6]["site_name"] == "The Northern Ledger"
    assert records[6]["date"] == "2024-02-12"


def test_datasets_loads_a_mixed_corpus(mixed: Path, tmp_path: Path) -> None:
    """``chunksize`` makes ``datasets`` type the columns from the first text records alone,
    as it does from the first 10 MB of a real folder: where a page field was ``null`` there,
    the first page's string would fail to cast ("Couldn't cast array of type string to
    null")."""
    import datasets

    data = datasets.load_dataset(
        "json", data_files=str(mixed / CORPUS_NAME), cache_dir=str(tmp_path), chunksize=1024
    )["train"]
    assert data.num_rows == 9
    assert set(data.features) == set(CORPUS_FIELDS)
    assert all(feature.dtype == "string" for feature in data.features.values())
    assert data[6]["url"] == "https://ledger.example/news/2024/02/flood-defences-york"


def test_pandas_loads_the_corpus_and_the_parquet_copy(mixed: Path) -> None:
    import pandas

    loaded = pandas.read_json(mixed / CORPUS_NAME, lines=True)  # as the README says
    assert list(loaded.columns) == list(CORPUS_FIELDS) and len(loaded) == 9
    # pandas makes a column named ``date`` datetimes by itself; as text it is the file's.
    frame = pandas.read_json(mixed / CORPUS_NAME, lines=True, dtype=False)
    parquet = pandas.read_parquet(mixed / "articles.parquet")
    assert list(parquet.columns) == list(CORPUS_FIELDS)
    assert parquet.to_dict("records") == frame.to_dict("records")


def test_the_parquet_schema_is_explicit(mixed: Path) -> None:
    import pyarrow.parquet as pq

    schema = pq.read_schema(mixed / "articles.parquet")
    assert schema.names == list(CORPUS_FIELDS)
    assert {str(field.type) for field in schema} == {"string"}
    assert not any(field.nullable for field in schema)


def test_the_same_inputs_give_the_same_corpus_bytes(mixed: Path, tmp_path: Path) -> None:
    raw = mixed.parent / "raw"
    again = tmp_path / "again"
    assert main(["clean", str(raw), "--out", str(again), "--parquet", "-q"]) == 0
    for name in (CORPUS_NAME, "articles.parquet"):
        assert (again / name).read_bytes() == (mixed / name).read_bytes(), name
