"""Batch results folded into summaries: the same totals however they are split."""

from __future__ import annotations

import shutil
from pathlib import Path

from pipeline.batch import FileResult, RulesSpec, RunSummary, clean_batch, clean_batch_summary
from tests.conftest import SEED_FILES


def test_batch_summaries_merge_to_the_summary_of_all_results(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    for seed in SEED_FILES:
        shutil.copy(seed, raw / seed.name)
    (raw / "bad.txt.gz").write_bytes(b"\x1f\x8b not gzip")
    pairs = [(str(p), p.name.split(".")[0]) for p in sorted(raw.iterdir())]
    out = str(tmp_path / "out")
    whole = RunSummary().add_all(
        FileResult.from_json(r) for r in clean_batch(pairs, out, RulesSpec())
    )
    merged = RunSummary()
    for pair in pairs:
        merged.merge(RunSummary.from_json(clean_batch_summary([pair], out, RulesSpec())))
    assert merged == whole
    assert (whole.cleaned, len(whole.failures)) == (2, 1)
    assert whole.removed_by_kind["caption"] == 9
    assert RunSummary.from_json(whole.to_json()) == whole
