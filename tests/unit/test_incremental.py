from __future__ import annotations

import json
from pathlib import Path

from pipeline import clean_file, load_rules
from pipeline.discover import discover
from pipeline.incremental import is_current
from pipeline.io import write_outputs
from tests.conftest import SEED_FILES


def test_an_output_is_current_until_input_sidecar_or_body_changes(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    source = raw / "story.txt"
    source.write_bytes(SEED_FILES[0].read_bytes())
    out = tmp_path / "out"
    rules = load_rules()
    (item,) = discover([raw]).inputs
    assert not is_current(item, out, rules)
    write_outputs(clean_file(source, rules=rules), out, item)
    assert is_current(item, out, rules)
    assert not is_current(item, out, rules.with_options(disabled_kinds=["caption"]))
    assert not is_current(item, out, rules.with_options(target_language="de"))
    sidecar = out / "story.json"
    record = json.loads(sidecar.read_text())
    record["pipeline"]["ftfy_version"] = "0.0"
    sidecar.write_text(json.dumps(record))
    assert not is_current(item, out, rules)
    write_outputs(clean_file(source, rules=rules), out, item)
    source.write_bytes(source.read_bytes() + b"\nChanged.")
    assert not is_current(item, out, rules)
    write_outputs(clean_file(source, rules=rules), out, item)
    (out / "story.txt").unlink()
    assert not is_current(item, out, rules)
