"""Is an input's output current? Decided from the sidecar, never from a cache.

An output is current when its body and sidecar both exist and the sidecar records the same
source SHA-256, pipeline and ftfy versions, rules hash, target language and disabled kinds as
this run would. A changed input, a changed rules file, a new version or a deleted output means the
input is cleaned again. The sidecar is written last, so a complete sidecar implies a complete
body.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

import ftfy

from pipeline import __version__
from pipeline.discover import InputFile
from pipeline.errors import InputError
from pipeline.io import output_paths, read_sidecar
from pipeline.read import open_regular
from pipeline.rules import Rules

HASH_CHUNK = 1 << 20


def file_sha256(path: Path) -> str:
    """The SHA-256 of a regular file (a named pipe raises InputError instead of blocking)."""
    digest = hashlib.sha256()
    with os.fdopen(open_regular(path), "rb") as handle:
        while chunk := handle.read(HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def expected_pipeline(rules: Rules) -> dict[str, Any]:
    """The sidecar's ``pipeline`` fields that must match for an output to be current."""
    return {
        "version": __version__,
        "ftfy_version": ftfy.__version__,
        "rules_sha256": rules.sha256,
        "target_language": rules.language.target,
        "disabled_kinds": sorted(rules.disabled_kinds),
    }


def is_current(item: InputFile, out_dir: Path, rules: Rules) -> bool:
    """True when cleaning ``item`` again would write the same outputs."""
    body, sidecar_path = output_paths(out_dir, item)
    if not body.is_file():
        return False
    sidecar = read_sidecar(sidecar_path)
    if sidecar is None:
        return False
    recorded = sidecar.get("pipeline", {})
    expected = expected_pipeline(rules)
    if any(recorded.get(key) != value for key, value in expected.items()):
        return False
    try:
        return bool(sidecar.get("source", {}).get("sha256") == file_sha256(item.path))
    except (OSError, InputError):
        return False  # unreadable now: let the cleaning attempt report why
