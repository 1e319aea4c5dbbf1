"""Golden files: the exact body and removals for each seed. Regenerate with --update-golden."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline import clean_file
from pipeline.io import body_bytes
from tests.conftest import ROOT, SEED_FILES

GOLDEN = ROOT / "tests" / "golden"


def removals_summary(path: Path) -> list[dict[str, object]]:
    article = clean_file(path)
    return [
        {
            "rule": r.rule,
            "kind": str(r.kind),
            "span": [r.start, r.end],
            "excerpt": article.text[r.start : r.end][:60],
        }
        for r in article.removals
    ]


@pytest.mark.parametrize("seed", SEED_FILES, ids=lambda p: p.stem)
def test_golden(seed: Path, update_golden: bool) -> None:
    body = body_bytes(clean_file(seed))
    removals = json.dumps(removals_summary(seed), ensure_ascii=False, indent=1) + "\n"
    body_file = GOLDEN / f"{seed.stem}.clean.txt"
    removals_file = GOLDEN / f"{seed.stem}.removals.json"
    if update_golden:
        body_file.write_bytes(body)
        removals_file.write_text(removals, encoding="utf-8")
    assert body == body_file.read_bytes()
    assert removals == removals_file.read_text(encoding="utf-8")
