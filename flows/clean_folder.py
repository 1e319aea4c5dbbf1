"""The ``clean-folder`` flow: clean every new or changed input of a folder, in batches.

    python -m flows.clean_folder --raw raw --out clean      (what ``make run`` does)

What is new or changed is decided from each input's sidecar (``pipeline.incremental``), not
from Prefect's result cache, whose hits would skip writing a deleted output. The rest is split
into batches: one Prefect task per batch, because each task costs a server round trip. A task
hands its batch to a pool of worker processes that import only the library, so both cores do
the cleaning while one Prefect server records the run. On a Dask cluster (``--dask``) each
task cleans its batch where Dask puts it.

A file that fails is reported and never stops the others; the run ends Failed only when a file
failed. Outputs: per-article files as the library writes them, ``articles.jsonl`` (left as it
is when none of its articles changed), a run report in ``_runs/<flow run id>.json``, markdown
and table artifacts with the same summary, and the folder's state (``pipeline.state``), which
lets the next run skip reading what has not changed. At most two batches per worker are
submitted at a time and their results are folded into a summary as they complete, so memory
does not grow with the number of inputs.
The run holds the output folder's lock (``pipeline.lock``) from planning to the report, so a
CLI run or another flow on the same folder waits; under it, the temporary files of a run that
was killed are swept first. Worker processes exit when the run's process dies.
"""

from __future__ import annotations

import argparse
import atexit
import dataclasses
import multiprocessing
import os
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from itertools import chain, islice
from pathlib import Path
from typing import Any

from prefect import State, flow, task
from prefect.cache_policies import NO_CACHE
from prefect.futures import PrefectFuture, as_completed
from prefect.states import Completed, Failed
from prefect.task_runners import ThreadPoolTaskRunner

from flows.report import (
    KEEP_RUNS,
    RUNS_FOLDER,
    UI_LOG,
    build_report,
    name_failures,
    prune_reports,
    publish,
    quiet_failed_runs,
    summary_line,
    ui_log,
    write_report,
)
from pipeline.batch import (
    IN_FLIGHT_PER_WORKER,
    BatchItem,
    FileResult,
    RulesSpec,
    RunSummary,
    as_item,
    batches,
    clean_batch_summary,
)
from pipeline.cli import add_limit_options
from pipeline.cli_io import recorded, remote_location
from pipeline.discover import InputFile, container_kind, discover, output_is_input
from pipeline.errors import OutputError, RulesError
from pipeline.incremental import Plan, confirm_fresh, finish_corpus, plan_run, sweep_run
from pipeline.learn import (
    changes_removals,
    count_batches,
    count_to_file,
    fresh_scratch,
    learn,
    read_counted,
    save_templates,
)
from pipeline.limits import DEFAULT_MAX_BYTES, DEFAULT_MAX_SECONDS, Limits
from pipeline.lock import output_lock
from pipeline.read import path_text
from pipeline.sinks.corpus import CORPUS_NAME
from pipeline.sinks.parquet import PARQUET_NAME, parquet_missing, write_parquet
from pipeline.sources import Passed, expand
from pipeline.state import STATE_NAME
from pipeline.supervise import STREAM_BATCH, Supervisor
from pipeline.templates import TEMPLATES_FOLDER, TemplateSet
from pipeline.workers import start_workers

quiet_failed_runs()
_SUPERVISORS: dict[int, Supervisor] = {}
_SUPERVISORS_LOCK = threading.Lock()  # batches start on several threads at once


def supervisor(workers: int) -> Supervisor:
    """One set of worker processes per size, kept for the life of the process (``serve``
    reuses it). Workers come from a fork server that imports only ``pipeline``, never a fork
    of this process, which runs Prefect's threads and event loop; each file runs on one of
    them, stopped at its time limit wherever it is (``pipeline.supervise``)."""
    with _SUPERVISORS_LOCK:
        if workers not in _SUPERVISORS:
            _SUPERVISORS[workers] = Supervisor(workers)
        return _SUPERVISORS[workers]


@atexit.register
def _finish_supervisors() -> None:
    """Let the workers end on their own when this process does (not killed mid-write)."""
    with _SUPERVISORS_LOCK:
        for each in _SUPERVISORS.values():
            each.close()


def _infrastructure_error(task: object, task_run: object, state: State[Any]) -> bool:
    """Retry a batch only for I/O: a bad file fails the same way again, and a worker that
    crashes or outlasts the time limit fails only its file (``pipeline.supervise``)."""
    try:
        state.result()
    except OSError:
        return True
    except Exception:
        return False
    return False


@task(cache_policy=NO_CACHE, retries=2, retry_condition_fn=_infrastructure_error)
def clean_batch_task(
    items: list[BatchItem],
    out_dir: str,
    spec: dict[str, Any],
    limits: dict[str, Any],
    workers: int,
    inline: bool,
) -> dict[str, Any]:
    """Clean one batch on the worker processes; ``inline`` (on Dask, where the task runner
    supplies the parallelism), on one worker process of this one's, or in this process when it
    may not start any (a daemonic Dask worker), where the time limit is checked between steps.
    Return the batch's summary (``RunSummary.to_json``), which stays small whatever its size."""
    rules_spec = RulesSpec(**spec)
    if inline and multiprocessing.current_process().daemon:
        return clean_batch_summary(items, out_dir, rules_spec, limits)
    # Inline, a worker process is started for each task running at once (one per Dask worker
    # thread), at most one per core.
    size = (os.cpu_count() or 1) if inline else workers
    results = supervisor(size).clean(items, out_dir, rules_spec, Limits(**limits))
    return RunSummary().add_all(results).to_json()


@task(cache_policy=NO_CACHE, retries=2, retry_condition_fn=_infrastructure_error)
def count_batch_task(
    items: list[BatchItem], spec: dict[str, Any], limits: dict[str, Any], site_from: str | None,
    path: str, workers: int, inline: bool,
) -> int:  # fmt: skip
    """Count the lines of one batch (``pipeline.learn``) into the file ``path``, each input on
    a stoppable worker process as cleaning does (in this process when it may start none);
    return how many documents it counted."""
    daemonic = multiprocessing.current_process().daemon
    counting = None if daemonic else supervisor((os.cpu_count() or 1) if inline else workers)
    return count_to_file(items, RulesSpec(**spec), Limits(**limits), site_from, Path(path),
                         counting)  # fmt: skip


def learn_sites(inputs: list[InputFile], job: Job) -> tuple[RulesSpec, dict[str, TemplateSet]]:
    """Map (count each batch) and reduce (learn each site's template, in input order), then
    save the sets; return the spec that cleans with them and the sets of the sites whose set
    changed."""
    spec, limits = dataclasses.asdict(job.spec), dataclasses.asdict(job.limits)
    scratch = fresh_scratch(job.out)
    paths = [scratch / f"{k:08d}.jsonl" for k in range(len(count_batches(inputs)))]
    futures = [
        count_batch_task.submit(
            group, spec, limits, job.site_from, str(path), job.workers, job.inline
        )
        for group, path in zip(count_batches(inputs), paths, strict=True)
    ]
    for future in futures:
        future.result()  # a batch that cannot be counted fails the run: nothing is cleaned
    settings = job.spec.load().templates
    sets = learn(chain.from_iterable(read_counted(p) for p in paths), settings)
    for path in paths:
        path.unlink()
    scratch.rmdir()
    changed = save_templates(job.out, sets, settings)
    learning = dataclasses.replace(
        job.spec, templates_dir=str(job.out / TEMPLATES_FOLDER), site_from=job.site_from
    )
    return learning, {site: sets[site] for site in changed if site in sets}


def plan(
    raw_dir: Path, out_dir: Path, spec: RulesSpec
) -> tuple[Plan, list[dict[str, str]], list[InputFile]]:
    """Files to clean and files already current; inputs that cannot be given an output; the
    JSONL and WARC files, whose records are all cleaned on every run: a record has no file of
    its own whose identity a later run could check (``pipeline.state``)."""
    files, containers, conflicts = found_inputs(raw_dir, out_dir)
    return plan_run(files, out_dir, spec.load()), conflicts, containers


def found_inputs(
    raw_dir: Path, out_dir: Path
) -> tuple[list[InputFile], list[InputFile], list[dict[str, str]]]:
    """What discovery finds: the files of their own, the JSONL and WARC files, and the
    inputs that cannot be given an output."""
    found = discover([raw_dir], out_dir)
    conflicts = [{"path": str(p), "error": reason} for p, reason in found.conflicts]
    containers = [i for i in found.inputs if container_kind(i.source) is not None]
    files = [i for i in found.inputs if container_kind(i.source) is None]
    return files, containers, conflicts


def plan_learning(
    job: Job,
) -> tuple[Plan, list[dict[str, str]], list[InputFile], RulesSpec]:
    """:func:`plan`, after learning the sites' templates from the files (the records of JSONL
    and WARC files are not counted): a file whose outputs are current but whose removals the
    changed sets change is cleaned again, and only such a file. Also the spec that cleans
    with the templates."""
    files, containers, conflicts = found_inputs(job.raw, job.out)
    spec, changed = learn_sites(files, job)
    planned = plan_run(files, job.out, spec.load())
    if changed:
        stale = {i for i in planned.current if changes_removals(i, job.out, changed, job.site_from)}
        todo = stale | set(planned.todo)
        planned.todo = [i for i in files if i in todo]
        planned.current = [i for i in planned.current if i not in stale]
    return planned, conflicts, containers, spec


# Threads only orchestrate (each waits on a worker process), so two per core keep every
# worker fed.
RUNNER: ThreadPoolTaskRunner[Any] = ThreadPoolTaskRunner(max_workers=(os.cpu_count() or 1) * 2)


# Prefect's runner generics do not line up with its decorator's signature (3.8.8).
@flow(name="clean-folder", task_runner=RUNNER, log_prints=False)  # type: ignore[arg-type]
def clean_folder(
    raw_dir: str = "raw",
    out_dir: str = "clean",
    rules_path: str | None = None,
    target_language: str | None = None,
    disabled_kinds: list[str] | None = None,
    batch_size: int | None = None,
    workers: int | None = None,
    inline: bool = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_seconds: float = DEFAULT_MAX_SECONDS,
    keep_runs: int = KEEP_RUNS,
    learn_templates: bool = False,
    site_from: str | None = None,
    parquet: bool = False,
) -> State[Any]:
    """Clean new and changed inputs of ``raw_dir`` into ``out_dir``.

    ``workers``: cleaning processes (default: one per core). ``inline``: each task cleans
    on a worker process of its own instead (the task runner supplies the parallelism, as on
    Dask). ``batch_size``: files
    per task (default: sized to keep every worker busy). ``max_bytes``, ``max_seconds``: the
    per-file limits; a file over one is reported as failed, never cut short. ``keep_runs``:
    run reports kept in ``out_dir/_runs`` (the newest; older ones are deleted). ``parquet``:
    also write ``out_dir/articles.parquet``. The records of JSONL and WARC files in
    ``raw_dir`` are cleaned on every run (files of their own only when new or changed).
    ``learn_templates``: first learn each site's template (``pipeline.learn``) and remove its
    lines; ``site_from``: a regex taking a text file's site from its path.
    """
    started = time.time()
    if not inline:  # (inline, each task's own process starts its workers: on Dask, not here)
        start_workers()  # their fork server loads the library while this run plans
    spec = RulesSpec(rules_path, target_language, tuple(disabled_kinds or ()))
    workers = (os.cpu_count() or 1) if workers is None else workers
    job = Job(Path(raw_dir), Path(out_dir), spec, Limits(max_bytes, max_seconds),
              batch_size, workers, inline, keep_runs, parquet, learn_templates,
              site_from)  # fmt: skip
    parameters = {"raw_dir": raw_dir, "out_dir": out_dir, "rules_path": rules_path,
                  "target_language": target_language, "disabled_kinds": list(spec.disabled_kinds),
                  "batch_size": batch_size, "workers": workers, "inline": inline,
                  "max_bytes": max_bytes, "max_seconds": max_seconds,
                  "keep_runs": keep_runs, "parquet": parquet,
                  "learn_templates": learn_templates, "site_from": site_from}  # fmt: skip
    outcome = run_locked(job, started, parameters)
    if isinstance(outcome, str):
        print(f"clean-folder: {outcome}", file=sys.stderr)
        ui_log(f"clean-folder: {outcome}")
        return Failed(message=outcome)
    report, page = outcome
    publish(report, page)
    print(summary_line(report), file=sys.stderr)
    UI_LOG.info(f"{summary_line(report)}; report {page}")
    print(f"clean-folder: report {page}", file=sys.stderr)
    failed = report["files"]["failed"]
    if failed:
        name_failures(report, job.out / RUNS_FOLDER / f"{report['run_id']}.json")
        return Failed(message=f"{failed} of {report['files']['seen']} file(s) failed")
    return Completed(message=summary_line(report))


@dataclasses.dataclass(frozen=True)
class Job:
    """One run's inputs, outputs and settings."""

    raw: Path
    out: Path
    spec: RulesSpec
    limits: Limits
    batch_size: int | None
    workers: int
    inline: bool
    keep_runs: int = KEEP_RUNS
    parquet: bool = False
    learn_templates: bool = False
    site_from: str | None = None


def run_locked(
    job: Job, started: float, parameters: dict[str, Any]
) -> tuple[dict[str, Any], Path] | str:
    """The run's report, from under the output folder's lock; or why it could not start."""
    if output_is_input([job.raw], job.out) is not None:
        return f"the output folder is the input folder {job.raw}; choose another"
    try:
        with output_lock(job.out, on_wait=lambda message: print(message, file=sys.stderr)):
            return clean_locked(job, started, parameters)
    except OutputError as exc:  # the folder cannot be locked, or the corpus or report written
        return str(exc)


def clean_locked(
    job: Job, started: float, parameters: dict[str, Any]
) -> tuple[dict[str, Any], Path]:
    """Plan, sweep, clean, then bring the corpus and the state up to date and write the
    report and its page (over the articles this run wrote): all under the lock."""
    if job.learn_templates:
        # Under the lock, before counting: what a killed run left in the scratch folder.
        sweep_run(job.out, (), folders=[job.out / TEMPLATES_FOLDER])
        planned, conflicts, containers, spec = plan_learning(job)
        job = dataclasses.replace(job, spec=spec)
    else:
        planned, conflicts, containers = plan(job.raw, job.out, job.spec)
    sweep_run(
        job.out,
        chain(planned.todo, planned.current),
        files=[job.out / CORPUS_NAME, job.out / STATE_NAME, job.out / PARQUET_NAME],
        folders=[
            job.out / RUNS_FOLDER,
            job.out / TEMPLATES_FOLDER,
            *(job.out / i.output for i in containers),
        ],
    )
    summary = run_batches(
        batches(planned.todo, job.batch_size, job.workers), len(planned.todo), job
    )
    fresh = fresh_items(planned.todo, summary)
    if fresh:
        confirm_fresh(planned, fresh)
    records_fresh = clean_records(containers, job, summary) if containers else []
    if records_fresh:
        # Records are not in the state's corpus digest: rebuild the corpus, record nothing.
        planned.corpus.racy = True
    articles = sorted([*fresh, *planned.current, *records_fresh], key=lambda i: i.output)
    records = finish_corpus(planned, articles)
    if job.parquet:
        write_parquet(job.out)
    report = build_report(summary, len(planned.current), conflicts, records, started, parameters)
    page = write_report(job.out, report, [i.output for i in (*fresh, *records_fresh)])
    prune_reports(job.out, job.keep_runs)
    return report, page


def clean_records(containers: list[InputFile], job: Job, summary: RunSummary) -> list[InputFile]:
    """Clean every record of the JSONL and WARC files, in batches of documents, read as they
    are submitted (never a whole file in memory); fold the results into ``summary``; return
    the records cleaned (their names only)."""
    passed: Passed = Counter()
    names: list[InputFile] = []
    documents = recorded(expand(containers, job.limits.max_bytes, passed), names)
    size = job.batch_size or STREAM_BATCH
    groups = iter(lambda: list(islice(documents, size)), [])
    records = run_batches(groups, 0, job)
    summary.merge(records)
    if passed:
        detail = ", ".join(f"{why} {n}" for why, n in sorted(passed.items()))
        print(
            f"clean-folder: passed over {sum(passed.values())} record(s): {detail}", file=sys.stderr
        )
    return fresh_items(names, records)


def fresh_items(cleaning: list[InputFile], summary: RunSummary) -> list[InputFile]:
    """The inputs whose outputs this run wrote; not a failed input's outputs: they describe
    its earlier content. Results name outputs as UTF-8-safe text (``path_text``), so an input
    whose name is not UTF-8 is compared by that text."""
    failed = {result.output for result in summary.failures}
    return [i for i in cleaning if path_text(i.output) not in failed]


def run_batches(groups: Iterator[list[InputFile]], total: int, job: Job) -> RunSummary:
    """Clean the batches, at most ``IN_FLIGHT_PER_WORKER`` per worker submitted at once, and
    fold each one's results into the summary as it completes; a batch that crashed fails its
    files. Memory does not grow with the number of batches."""
    # Plain data: it travels to workers and the UI.
    spec, limits = dataclasses.asdict(job.spec), dataclasses.asdict(job.limits)
    running: dict[PrefectFuture[dict[str, Any]], list[InputFile]] = {}

    def submit(group: list[InputFile]) -> None:
        items: list[BatchItem] = [as_item(i) for i in group]
        future = clean_batch_task.submit(items, str(job.out), spec, limits, job.workers, job.inline)
        running[future] = group

    for group in islice(groups, max(job.workers, 1) * IN_FLIGHT_PER_WORKER):
        submit(group)
    summary = RunSummary()
    done = 0
    while running:
        future = next(as_completed(list(running)))
        finished = running.pop(future)
        for group in islice(groups, 1):
            submit(group)
        outcome = future.result(raise_on_failure=False)
        if isinstance(outcome, BaseException):
            error = f"batch failed: {outcome!r}"
            summary.add_all(FileResult.failed(i, error) for i in finished)
        else:
            summary.merge(RunSummary.from_json(outcome))
        done += len(finished)
        progress(done, total)
    return summary


def progress(done: int, total: int) -> None:
    """A progress line on a terminal; nothing in logs or pipes."""
    if sys.stderr.isatty() and total:
        end = "\n" if done == total else ""
        print(f"\rclean-folder: {done}/{total} files cleaned", end=end, file=sys.stderr)


def run(*, dask: bool = False, dask_address: str | None = None, **params: object) -> State[Any]:
    """Run the flow once, on worker processes or on Dask; return its final state."""
    flow_fn = clean_folder
    if dask or dask_address:
        from flows.dask import dask_runner

        workers = params.get("workers")
        runner = dask_runner(dask_address, workers if isinstance(workers, int) else None)
        flow_fn = clean_folder.with_options(task_runner=runner)  # type: ignore[arg-type]
        params["inline"] = True
    state: State[Any] = flow_fn(**params, return_state=True)
    return state


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description="Run the clean-folder flow once.")
    parser.add_argument("--raw", default="raw", help="input folder (default raw)")
    parser.add_argument("--out", default="clean", help="output folder (default clean)")
    parser.add_argument("--rules", help="a rules TOML file (default: the built-in)")
    parser.add_argument("--lang", help="target language code, or 'auto' (default en)")
    parser.add_argument("--disable-kind", action="append", default=[], metavar="KIND")
    parser.add_argument("--batch-size", type=int, help="files per task (default: automatic)")
    parser.add_argument("--workers", type=int, help="cleaning processes (default: one per core)")
    add_limit_options(parser)
    parser.add_argument(
        "--keep-runs",
        type=int,
        default=KEEP_RUNS,
        metavar="N",
        help=f"run reports to keep in OUT/_runs (default {KEEP_RUNS})",
    )
    parser.add_argument(
        "--parquet", action="store_true", help="also write OUT/articles.parquet (needs pyarrow)"
    )
    parser.add_argument(
        "--learn-templates", action="store_true", help="learn and remove each site's template"
    )
    parser.add_argument("--site-from", metavar="REGEX", help="a text file's site from its path")
    parser.add_argument("--dask", action="store_true", help="run on a new local Dask cluster")
    parser.add_argument("--dask-address", help="run on the Dask scheduler at this address")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    remote = remote_location([args.raw, args.out])
    if remote is not None:
        print(f"clean-folder: {remote}: remote locations are not supported; give a local path",
              file=sys.stderr)  # fmt: skip
        return 2
    if args.parquet and parquet_missing():
        print(f"clean-folder: {parquet_missing()}", file=sys.stderr)
        return 2
    if not Path(args.raw).is_dir():
        print(f"clean-folder: no such folder: {args.raw}", file=sys.stderr)
        return 2
    if output_is_input([Path(args.raw)], Path(args.out)) is not None:
        print(f"clean-folder: the output folder is the input folder {args.raw}", file=sys.stderr)
        return 2
    try:  # a bad rules file is a usage error, said before any server starts
        RulesSpec(args.rules, args.lang, tuple(args.disable_kind)).load()
    except RulesError as exc:
        print(f"clean-folder: {exc}", file=sys.stderr)
        return 2
    state = run(
        dask=args.dask,
        dask_address=args.dask_address,
        raw_dir=args.raw,
        out_dir=args.out,
        rules_path=args.rules,
        target_language=args.lang,
        disabled_kinds=args.disable_kind,
        batch_size=args.batch_size,
        workers=args.workers,
        max_bytes=args.max_bytes,
        max_seconds=args.max_seconds,
        keep_runs=args.keep_runs,
        parquet=args.parquet,
        learn_templates=args.learn_templates,
        site_from=args.site_from,
    )
    return 1 if state.is_failed() else 0


if __name__ == "__main__":
    # Run as `python -m`, this file is __main__, which a Dask worker cannot import: Dask would
    # pickle the task by value, dragging in the process pool's lock, and fail. The module's
    # importable twin has the same flow under its real name.
    from flows.clean_folder import main as importable_main

    sys.exit(importable_main())
