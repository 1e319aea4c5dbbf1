"""The command's start-up: it parses its arguments and starts the workers' fork server before
it imports the library (``pipeline.cli``, ``pipeline.workers``), and the package's public
names are there all the same (``pipeline.__init__``)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import pipeline

# What the cleaning stages bring in; the fork server imports them, the command not yet.
HEAVY = ["pipeline.clean", "pipeline.batch", "pipeline.cli_clean", "trafilatura", "lxml", "ftfy"]


def _modules_after(code: str) -> set[str]:
    """The modules a fresh interpreter has imported after running ``code``."""
    probe = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    return set(json.loads(done.stdout.splitlines()[-1]))


def test_the_command_parses_its_arguments_without_the_library() -> None:
    loaded = _modules_after(
        "from pipeline.cli import build_parser\n"
        "build_parser().parse_args(['clean', 'raw', '--out', 'clean'])"
    )
    assert "pipeline.workers" in loaded
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))


def test_importing_the_package_imports_no_stage() -> None:
    loaded = _modules_after("import pipeline")
    assert not loaded & {*HEAVY, "pipeline.rules", "pipeline.article"}


def test_the_public_names_resolve_on_first_use() -> None:
    from pipeline.clean import clean_bytes
    from pipeline.rules import load_rules

    assert pipeline.clean_bytes is clean_bytes
    assert pipeline.load_rules is load_rules
    assert set(pipeline.__all__) <= {*dir(pipeline), *pipeline._PUBLIC}
    article = pipeline.clean_bytes(
        b"A sentence of the story, long enough to be kept.\n", source_id="story.txt"
    )
    assert isinstance(article, pipeline.Article)


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no_such_name"):
        _ = pipeline.no_such_name
