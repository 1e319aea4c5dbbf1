"""The JSONL corpus: every cleaned article with a non-empty body, one JSON object a line.

Records are ``{"id", "text", "title", "language", "source_path", "source_sha256", "url",
"date", "author", "site_name"}`` in input order (the last four from an HTML page's metadata,
``null`` for text inputs), loadable by ``datasets.load_dataset("json", data_files=...)`` and
``pandas.read_json(..., lines=True)``. The file is rebuilt from the per-article outputs and
replaced atomically, streaming, so memory does not grow with the corpus.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from pipeline.discover import InputFile
from pipeline.io import atomic_open, output_paths, read_sidecar
from pipeline.read import path_text

CORPUS_NAME = "articles.jsonl"
PAGE_FIELDS = ("url", "date", "author", "site_name")


def write_corpus(out_dir: Path, items: Iterable[InputFile], path: Path | None = None) -> int:
    """Write the corpus for ``items`` whose outputs exist; return the number of records."""
    count = 0
    with atomic_open(path or out_dir / CORPUS_NAME) as handle:
        for item in items:
            body_path, sidecar_path = output_paths(out_dir, item)
            sidecar = read_sidecar(sidecar_path)
            try:
                text = body_path.read_text(encoding="utf-8").rstrip("\n")
            except OSError:
                continue
            if sidecar is None or not text:
                continue
            source = sidecar.get("source", {})
            page = sidecar.get("page") or {}
            record = {
                # A name whose bytes are not UTF-8 is escaped, as in sidecars and reports.
                "id": path_text(item.relative.as_posix()),
                "text": text,
                "title": sidecar.get("title"),
                "language": sidecar.get("language"),
                "source_path": source.get("path"),
                "source_sha256": source.get("sha256"),
                **{name: page.get(name) for name in PAGE_FIELDS},
            }
            handle.write(json.dumps(record, ensure_ascii=False).encode("utf-8") + b"\n")
            count += 1
    return count
