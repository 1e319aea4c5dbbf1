"""Is an input's output current? Decided from the outputs themselves, never from a cache of
results.

An output is current when its body and sidecar both exist and the sidecar records the same
source SHA-256, pipeline and ftfy versions, rules hash, target language and disabled kinds as
this run would. A changed input, a changed rules file, a new version or a deleted output means the
input is cleaned again. The sidecar is written last, so a complete sidecar implies a complete
body.

Reading every sidecar and hashing every input is most of a re-run's time, so a run also
consults the output folder's state (``pipeline.state``): an input whose input, body and sidecar
still have the identities they had when they were last found current is current without being
read. Anything else (a file written, replaced, deleted or touched; other rules or options; no
state file) is checked in full. The corpus is rebuilt only when the articles it is built from
are not those, untouched, of the last build, or the corpus file itself changed.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import time
from array import array
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import Any

import ftfy

from pipeline import __version__
from pipeline.discover import InputFile, join_text
from pipeline.errors import InputError, OutputError
from pipeline.io import (
    is_temporary,
    output_paths,
    output_texts,
    read_sidecar,
    sweep_temporaries,
)
from pipeline.read import open_regular
from pipeline.rules import Rules
from pipeline.sinks.corpus import CORPUS_NAME, write_corpus
from pipeline.state import (
    RACY_NS,
    SECOND_NS,
    CorpusDigest,
    OutputState,
    article_key,
    corpus_record,
    fingerprint,
    identity,
    is_racy,
    load_state,
    save_state,
)

HASH_CHUNK = 1 << 20


def file_sha256(path: Path | str) -> str:
    """The SHA-256 of a regular file (a named pipe raises InputError instead of blocking)."""
    digest = hashlib.sha256()
    with os.fdopen(open_regular(Path(path)), "rb") as handle:
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
        # Absent (None) in the sidecars of runs that learn no templates.
        "templates": True if rules.learned is not None else None,
    }


def is_current(item: InputFile, out_dir: Path, rules: Rules) -> bool:
    """True when cleaning ``item`` again would write the same outputs (checked in full)."""
    return check(item, str(out_dir), expected_pipeline(rules), None).current


@dataclass(frozen=True)
class Verdict:
    """One input's check: current or not, what the state may record, its corpus key."""

    current: bool
    mark: int | None  # its fingerprint, when current and not too recently changed
    key: int  # its article's key in the corpus digest
    racy: bool  # one of its files changed too recently to vouch for


def check(
    item: InputFile, out_dir: str, expected: dict[str, Any], state: OutputState | None
) -> Verdict:
    """Whether ``item``'s outputs in ``out_dir`` are current for ``expected`` (see
    :func:`expected_pipeline`): from ``state`` when it vouches for the three files as they
    are, else by reading the sidecar and hashing the input. Files are looked at (``stat``)
    before they are read, so a change while reading gives a fingerprint no later run meets."""
    seen = time.time_ns()
    body_path, sidecar_path = output_texts(out_dir, item)
    idents = (identity(item.source), identity(body_path), identity(sidecar_path))
    key = article_key(item.output, idents[1], idents[2])
    racy = any(is_racy(ident, seen) for ident in idents)
    if None in idents:
        return Verdict(False, None, key, racy)
    mark = fingerprint(item.source, item.output, idents)
    if state is not None and state.knows(mark):
        return Verdict(True, mark, key, racy)
    current = _sidecar_matches(sidecar_path, expected, item.source)
    return Verdict(current, mark if current and not racy else None, key, racy)


def _sidecar_matches(sidecar_path: str, expected: dict[str, Any], source: str) -> bool:
    sidecar = read_sidecar(Path(sidecar_path))
    if sidecar is None:
        return False
    recorded = sidecar.get("pipeline", {})
    if any(recorded.get(key) != value for key, value in expected.items()):
        return False
    try:
        return bool(sidecar.get("source", {}).get("sha256") == file_sha256(source))
    except (OSError, InputError):
        return False  # unreadable now: let the cleaning attempt report why


@dataclass
class Plan:
    """A run's inputs split into those to clean and those current, and what it learnt."""

    out_dir: Path
    state: OutputState  # as loaded; its fingerprints answer this run's checks
    todo: list[InputFile] = field(default_factory=list)
    current: list[InputFile] = field(default_factory=list)
    verified: array[int] = field(default_factory=lambda: array("Q"))  # fingerprints found now
    corpus: CorpusDigest = field(default_factory=CorpusDigest)  # over current and fresh

    def note(self, verdict: Verdict) -> None:
        if verdict.mark is not None:
            self.verified.append(verdict.mark)
        self.corpus.add(verdict.key, racy=verdict.racy)


def plan_run(items: Iterable[InputFile], out_dir: Path, rules: Rules) -> Plan:
    """Split ``items`` into inputs to clean and inputs whose outputs are current."""
    expected = expected_pipeline(rules)
    plan = Plan(out_dir, load_state(out_dir, expected))
    folder = str(out_dir)
    for item in items:
        verdict = check(item, folder, expected, plan.state)
        if verdict.current:
            plan.current.append(item)
            plan.note(verdict)
        else:
            plan.todo.append(item)
    return plan


def confirm_fresh(plan: Plan, fresh: Iterable[InputFile]) -> None:
    """After cleaning: check the freshly written outputs in full, so that the next run finds
    them in the state. Waits out the racy window first: they were written just now."""
    time.sleep(RACY_NS / SECOND_NS)
    folder = str(plan.out_dir)
    for item in fresh:
        plan.note(check(item, folder, plan.state.pipeline, None))


def finish_corpus(plan: Plan, articles: Iterable[InputFile]) -> int:
    """Bring ``articles.jsonl`` up to date with ``articles`` (the current and freshly cleaned
    inputs, in corpus order) and save the state; return the corpus's record count.

    The corpus is left as it is when the state shows it was built from these very articles,
    untouched since, and is itself untouched; otherwise it is rebuilt. The state is written
    after the corpus, and only when it changed: a run killed in between leaves a state that
    does not match the new corpus file, so the next run rebuilds it.
    """
    path = plan.out_dir / CORPUS_NAME
    records = plan.state.corpus_is_current(path, plan.corpus)
    corpus = plan.state.corpus
    if records is None:
        records = write_corpus(plan.out_dir, articles)
        corpus = corpus_record(path, plan.corpus, records)
    verified = array("Q", sorted(plan.verified))
    new = OutputState(plan.state.pipeline, verified, corpus)
    if new != plan.state:
        with contextlib.suppress(OutputError):
            # Only a cache: the state left in place still holds true facts (its corpus
            # entry no longer matches the corpus file), so the next run is merely slower.
            save_state(plan.out_dir, new)
    return records


def sweep_run(
    out_dir: Path,
    items: Iterable[InputFile],
    files: Iterable[Path] = (),
    folders: Iterable[Path] = (),
) -> int:
    """``pipeline.io.sweep_temporaries`` for the outputs of ``items``, other ``files`` (the
    corpus, the state) and ``folders`` of this program's only; return how many went.

    Listing every output's temporary-file prefix costs path objects for each input, so the
    folders are first scanned for any name shaped like a temporary file: after a run that was
    not killed there is none, and nothing more is done.
    """
    items, files, folders = list(items), list(files), list(folders)
    scan = {str(out_dir)} | {str(path.parent) for path in files} | {str(f) for f in folders}
    scan |= {join_text(str(out_dir), item.output).rpartition("/")[0] for item in items}
    if not any(_holds_temporary(folder) for folder in scan):
        return 0
    outputs = (path for item in items for path in output_paths(out_dir, item))
    return sweep_temporaries(chain(outputs, files), folders)


def _holds_temporary(folder: str) -> bool:
    """Whether ``folder`` holds a name shaped like ``pipeline.io``'s temporary files."""
    try:
        with os.scandir(folder) as listing:
            return any(is_temporary(entry.name) for entry in listing)
    except (FileNotFoundError, NotADirectoryError):
        return False
    except OSError:
        return True  # unreadable: the sweep itself reports it
