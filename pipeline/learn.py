"""Learning the sites' templates over the inputs: the pass before cleaning.

``learn_templates`` is that pass (``pipeline.templates`` says what is learned and how):
it reads every input as cleaning does up to segmenting (decoding, extraction for pages,
repairs, rejoining), so the lines counted are the lines cleaning later judges. Inputs are
counted in the order given (sorted, from discovery), in parallel batches whose results are
counted in that order, so the sets do not depend on the number of workers.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from pipeline.batch import BatchItem, RulesSpec, from_item
from pipeline.discover import InputFile
from pipeline.errors import CleaningError
from pipeline.io import atomic_write_all, output_paths, read_sidecar
from pipeline.limits import Limits
from pipeline.rules import Rules
from pipeline.supervise import HARD_LIMIT_GRACE_SECONDS, Supervisor, in_order
from pipeline.templates import (
    COUNTING_FOLDER,
    RULE_ID,
    TEMPLATES_FOLDER,
    TemplateLearner,
    Templates,
    TemplateSet,
    TemplateSettings,
    artifact_bytes,
    artifact_name,
    fingerprint,
    folder_site,
    iter_lines,
    line_fingerprints,
    page_site,
)

COUNT_BATCH = 200  # inputs a worker counts at a time
# One document's lines, as a worker sends them back: its site and (fingerprint, text) pairs;
# None for an input that could not be read (cleaning reports why).
Counted = tuple[str, list[tuple[int, str]]] | None


def count_one(item: InputFile, spec: RulesSpec, limits: Limits, site_from: str | None) -> Counted:
    """An input's site and distinct lines; None for a file that cannot be read: it counts
    as no document (cleaning reports why)."""
    from pipeline.clean import prepare_file  # it imports this module for the stage

    fallback = folder_site(item.source, item.output, site_from)
    rules = spec.load()
    try:
        article = prepare_file(item.path, rules=rules, limits=limits, identity=item.identity,
                               site=fallback, fmt=item.fmt or None)  # fmt: skip
    except CleaningError:
        return None
    lines = line_fingerprints((s.text for s in article.segments), rules.templates.max_chars)
    return article.site or fallback, list(lines.items())


def count_batch(
    items: Sequence[BatchItem],
    spec: RulesSpec,
    limits: Limits,
    site_from: str | None,
    supervisor: Supervisor | None = None,
) -> list[Counted]:
    """Count a batch, each input on one of ``supervisor``'s stoppable workers (an input that
    outlasts the time limit counts as nothing); without one, in this process, where the
    limit is checked between steps."""
    if supervisor is None:
        return [count_one(from_item(item), spec, limits, site_from) for item in items]
    seconds = limits.max_seconds + HARD_LIMIT_GRACE_SECONDS
    settings = asdict(limits)
    jobs = ((_count_job, spec, (item, spec, settings, site_from)) for item in items)
    return [_counted(answer) for answer in supervisor.each(jobs, seconds)]


def count_inputs(
    items: Sequence[InputFile],
    spec: RulesSpec,
    limits: Limits,
    site_from: str | None,
    workers: int,
) -> Iterator[Counted]:
    """Every input's site and lines, in input order, each counted on a stoppable worker
    process (``pipeline.supervise``): one that outlasts the time limit is stopped wherever
    it is and counts as no document (cleaning it then fails with the limit's message).
    ``workers`` processes count batches side by side, a few batches ahead at most."""
    supervisor = Supervisor(workers)

    def run(batch: Sequence[BatchItem]) -> list[Counted]:
        return count_batch(batch, spec, limits, site_from, supervisor)

    return in_order(supervisor, iter(count_batches(items)), run)


def _count_job(
    rules: Rules, item: BatchItem, spec: RulesSpec, limits: dict[str, Any], site_from: str | None
) -> Counted:
    """A worker's job (``supervise.Worker.run``): count one input."""
    return count_one(from_item(item), spec, Limits(**limits), site_from)


def _counted(answer: object) -> Counted:
    """A worker's answer as a count: a stopped or dead worker's input counts as nothing."""
    if isinstance(answer, tuple) and len(answer) == 1:
        counted: Counted = answer[0]
        return counted
    return None


def learn(counted: Iterable[Counted], settings: TemplateSettings) -> dict[str, TemplateSet]:
    """The template sets of the documents ``counted`` (in a fixed order)."""
    learner = TemplateLearner(settings)
    for document in counted:
        if document is not None:
            learner.add(document[0], dict(document[1]))
    return learner.learn()


def save_templates(
    out_dir: Path, sets: dict[str, TemplateSet], settings: TemplateSettings
) -> list[str]:
    """Write the set of each site that has template lines to ``out_dir/_templates``
    (atomically), only those whose bytes change, and remove the others' files; return the
    sites whose set changed, in order."""
    folder = out_dir / TEMPLATES_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    wanted = {
        artifact_name(site): (site, artifact_bytes(found, settings))
        for site, found in sets.items()
        if found.lines
    }
    written = []
    for name, (site, data) in sorted(wanted.items()):
        path = folder / name
        if not path.is_file() or path.read_bytes() != data:
            written.append((site, path, data))
    atomic_write_all([(path, data) for _, path, data in written])
    changed = {site for site, _, _ in written}
    for stale in sorted(folder.glob("*.json")):
        if stale.name not in wanted:
            changed.add(_site_of(stale))
            stale.unlink()
    return sorted(changed)


def _site_of(artifact: Path) -> str:
    """The site a saved set names; "" for a file that is not one (it is removed all the same)."""
    try:
        return str(json.loads(artifact.read_text(encoding="utf-8"))["site"])
    except (OSError, ValueError, KeyError, TypeError):
        return ""


def fresh_scratch(out_dir: Path) -> Path:
    """The flow's folder for counts per batch, emptied of what a killed run left."""
    scratch = out_dir / TEMPLATES_FOLDER / COUNTING_FOLDER
    scratch.mkdir(parents=True, exist_ok=True)
    for entry in scratch.iterdir():
        entry.unlink()
    return scratch


def learn_templates(
    items: Sequence[InputFile],
    out_dir: Path,
    spec: RulesSpec,
    limits: Limits,
    site_from: str | None = None,
    workers: int = 1,
) -> Templates:
    """The first pass: count ``items`` (discovery's order), learn every site's template,
    save the sets in ``out_dir/_templates``; return them for cleaning."""
    settings = spec.load().templates
    counted = count_inputs(items, spec, limits, site_from, workers)
    sets = learn(counted, settings)
    save_templates(out_dir, sets, settings)
    return Templates({s: t for s, t in sets.items() if t.lines}, site_from)


def count_to_file(
    items: Sequence[BatchItem],
    spec: RulesSpec,
    limits: Limits,
    site_from: str | None,
    path: Path,
    supervisor: Supervisor | None = None,
) -> int:
    """Count a batch (:func:`count_batch`) and write what it counted to ``path`` (JSON lines,
    atomically): a flow's map step, whose results must stay small (Prefect keeps every task's
    result to the end). Returns the number of documents."""
    counted = count_batch(items, spec, limits, site_from, supervisor)
    lines = (json.dumps(None if c is None else [c[0], [[f"{k:016x}", t] for k, t in c[1]]],
                        ensure_ascii=False) for c in counted)  # fmt: skip
    atomic_write_all([(path, ("\n".join(lines) + "\n").encode())])
    return len(counted)


def read_counted(path: Path) -> Iterator[Counted]:
    """What :func:`count_to_file` wrote."""
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                document = json.loads(line)
                if document is None:
                    yield None
                else:
                    site, found = document
                    yield site, [(int(k, 16), text) for k, text in found]


def count_batches(items: Sequence[InputFile]) -> list[list[BatchItem]]:
    """The inputs in counting batches of a fixed size, whatever the number of workers."""
    return [
        [(i.source, i.output, i.identity) for i in items[k : k + COUNT_BATCH]]
        for k in range(0, len(items), COUNT_BATCH)
    ]


def changes_removals(
    item: InputFile, out_dir: Path, sets: dict[str, TemplateSet], site_from: str | None
) -> bool:
    """Whether cleaning ``item`` again with ``sets`` would remove other lines than its
    outputs show: a kept line is now a template line of its site, or a line removed as one
    no longer is. Read from its body and sidecar; outputs it cannot read are changed."""
    body_path, sidecar_path = output_paths(out_dir, item)
    sidecar = read_sidecar(sidecar_path)
    if sidecar is None:
        return True
    try:
        body = body_path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return True
    page = sidecar.get("page") or {}
    site = page_site(page.get("url"), page.get("site_name")) or folder_site(
        item.source, item.output, site_from
    )
    found = sets.get(site)
    keys = found.by_fingerprint() if found is not None else {}
    if any(fingerprint(line) in keys for line in iter_lines(body)):
        return True
    removed = (r["text"] for r in sidecar.get("removals", []) if r.get("rule") == RULE_ID)
    return any(fingerprint(text) not in keys for text in removed)
