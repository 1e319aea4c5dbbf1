"""The corpus as Parquet: ``OUT/articles.parquet``, the records of ``articles.jsonl``.

Written only when asked (``--parquet``), from ``articles.jsonl`` as it was just written, in
batches (memory does not grow with the corpus), with the explicit schema of
``corpus.CORPUS_FIELDS``: every column a non-null string. Replaced atomically. Needs
``pyarrow`` (the ``parquet`` extra); without it the request is refused before anything is
cleaned (:func:`parquet_missing`).
"""

from __future__ import annotations

import json
from pathlib import Path

from pipeline.io import atomic_open
from pipeline.sinks.corpus import CORPUS_FIELDS, CORPUS_NAME

PARQUET_NAME = "articles.parquet"
BATCH_RECORDS = 1000


def parquet_missing() -> str | None:
    """Why Parquet cannot be written here, or None when it can."""
    try:
        import pyarrow.parquet  # noqa: F401
    except ImportError:
        return "--parquet needs pyarrow: pip install 'article-clean[parquet]'"
    return None


def write_parquet(out_dir: Path) -> int:
    """Write ``OUT/articles.parquet`` from ``OUT/articles.jsonl``; return its record count."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pa.schema([pa.field(name, pa.string(), nullable=False) for name in CORPUS_FIELDS])
    count = 0
    with (
        (out_dir / CORPUS_NAME).open("rb") as corpus,
        atomic_open(out_dir / PARQUET_NAME) as handle,
        pq.ParquetWriter(handle, schema) as writer,
    ):
        batch: list[dict[str, str]] = []
        for line in corpus:
            batch.append(json.loads(line))
            if len(batch) == BATCH_RECORDS:
                writer.write_table(pa.Table.from_pylist(batch, schema))
                count += len(batch)
                batch = []
        writer.write_table(pa.Table.from_pylist(batch, schema))
        count += len(batch)
    return count
