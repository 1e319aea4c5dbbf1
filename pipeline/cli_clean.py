"""The ``clean`` command: what runs between parsing its arguments and its exit status.

Usage problems first (``cli_io.usage_problem``), then discovery, the stream of documents
(``pipeline.sources``), cleaning into a folder on worker processes under the folder's lock
(then the corpus) or to stdout, and the report: failures, notes and the summary.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
from collections import Counter
from collections.abc import Callable, Iterable
from itertools import chain
from pathlib import Path

from pipeline.batch import RulesSpec, RunSummary, clean_items
from pipeline.cli_io import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    STDIN,
    jsonl_fields,
    limits_from,
    local_inputs,
    print_passed,
    recorded,
    remote_inputs,
    usage_problem,
    write_corpora,
)
from pipeline.console import name_failures, one_line, print_notes, with_progress
from pipeline.discover import Discovery, InputFile, container_kind, discover, output_is_input
from pipeline.errors import OutputError
from pipeline.incremental import sweep_run
from pipeline.learn import learn_templates
from pipeline.limits import Limits
from pipeline.lock import output_lock
from pipeline.rules import Rules
from pipeline.sinks.corpus import Spool
from pipeline.sinks.stdout import write_stream
from pipeline.sources import Passed, container_folders, expand, read_stdin
from pipeline.sources.remote import remote_documents
from pipeline.supervise import clean_in_processes
from pipeline.templates import TEMPLATES_FOLDER, with_templates
from pipeline.workers import PARALLEL_FROM


def run_clean(args: argparse.Namespace, rules: Rules) -> int:
    problem = usage_problem(args)
    if problem is None and args.out is not None:
        same = output_is_input([Path(n) for n in local_inputs(args.inputs)], Path(args.out))
        if same is not None:
            problem = f"the output folder is the input folder {same}; choose another output folder"
    try:
        fields = jsonl_fields(args.jsonl_field)
    except argparse.ArgumentTypeError as exc:
        problem = problem or str(exc)
    if problem is not None:
        print(one_line(f"article-clean: {problem}"), file=sys.stderr)
        return EXIT_USAGE
    out_dir = Path(args.out) if args.out is not None else None
    found = discover([Path(n) for n in local_inputs(args.inputs)], out_dir)
    passed: Passed = Counter()
    limits = limits_from(args)
    if args.format != "auto":  # else each file's name, then its content, decides
        for item in found.inputs:
            item.fmt = args.format
    items: Iterable[InputFile] = expand(found.inputs, limits.max_bytes, passed, fields=fields)
    remote = [
        remote_documents(u, limits.max_bytes, passed, fields) for u in remote_inputs(args.inputs)
    ]
    items = chain(items, *remote)
    if STDIN in args.inputs:
        items = chain([read_stdin(sys.stdin.buffer, limits.max_bytes, args.format)], items)
    problems: list[str] = []
    if out_dir is None:
        results = write_stream(items, sys.stdout.buffer, rules, limits, jsonl=args.jsonl)
        summary = RunSummary(keep_notes=True).add_all(results)
    else:
        try:
            summary, problems = clean_to_folder(args, found, items, out_dir, rules)
        except OutputError as exc:  # the output folder cannot be locked or swept
            print(one_line(f"article-clean: {exc}"), file=sys.stderr)
            return EXIT_FAILED
    status = report_clean(args, found, passed, summary, out_dir)
    for problem in problems:  # the corpus: its articles' own outputs are written
        print(one_line(f"article-clean: {problem}"), file=sys.stderr)
    return EXIT_FAILED if problems else status


def clean_to_folder(
    args: argparse.Namespace,
    found: Discovery,
    items: Iterable[InputFile],
    out_dir: Path,
    rules: Rules,
) -> tuple[RunSummary, list[str]]:
    """Clean ``items`` into ``out_dir`` on worker processes, then write the corpus; the
    summary, and why the corpus could not be written."""
    spec = RulesSpec(args.rules and str(args.rules), args.lang, tuple(args.disable_kind or ()))
    streamed = (
        any(container_kind(i.source) for i in found.inputs)
        or STDIN in args.inputs
        or bool(remote_inputs(args.inputs))
    )
    count = len(found.inputs)
    workers = args.workers or default_workers(PARALLEL_FROM if streamed else count)
    progress = sys.stderr.isatty() and not args.quiet and not streamed
    cleaned: list[InputFile] = []
    inputs = recorded(items, cleaned) if streamed else found.inputs
    problems: list[str] = []

    def finish(summary: RunSummary, spool: Spool) -> None:
        corpus = cleaned if streamed else found.inputs
        problem = write_corpora(out_dir, corpus, summary.failures, parquet=args.parquet,
                                spool=spool)  # fmt: skip
        problems.extend([problem] if problem else [])

    parallel = (spec, workers)
    learning = Learning(args.site_from) if args.learn_templates else None
    summary = clean_locked(inputs, found, out_dir, rules, limits_from(args), parallel, progress,
                           finish, learning)  # fmt: skip
    return summary, problems


def report_clean(
    args: argparse.Namespace,
    found: Discovery,
    passed: Passed,
    summary: RunSummary,
    out_dir: Path | None,
) -> int:
    """Failures, notes and the summary on stderr and stdout (stderr only when the results
    went to stdout); the exit status."""
    failures = [(str(path), reason) for path, reason in found.conflicts]
    failures += [(r.path, r.error or "") for r in summary.failures]
    name_failures(failures, sys.stderr, verbose=args.verbose)
    if not args.quiet:
        print_notes(summary.notes, sys.stderr, verbose=args.verbose)
        print_passed(found, passed, sys.stderr, verbose=args.verbose)
        if out_dir is not None:
            print_summary(summary, len(failures), len(found.skipped), out_dir)
    if failures:
        total = summary.results + len(found.conflicts)
        print(f"article-clean: {len(failures)} of {total} file(s) failed", file=sys.stderr)
    return EXIT_FAILED if failures else EXIT_OK


def clean_locked(
    items: Iterable[InputFile],
    found: Discovery,
    out_dir: Path,
    rules: Rules,
    limits: Limits,
    parallel: tuple[RulesSpec, int] | None = None,
    progress: bool = False,
    finish: Callable[[RunSummary, Spool], None] | None = None,
    learning: Learning | None = None,
) -> RunSummary:
    """Under the output folder's lock: sweep what a killed run left, with ``learning`` learn
    the sites' templates (``pipeline.learn``), then clean every input, on ``parallel``'s
    number of worker processes (loading the rules from its spec), even one: the time limit
    can then stop a file wherever it is (``pipeline.supervise``); without ``parallel``, in
    this process; then ``finish`` (the corpus, from the records the results carry, spooled as
    they come). Results are folded into a summary as they come, not kept; with ``progress``,
    a progress bar on stderr follows them. ``items`` are ``found``'s inputs, or the stream of
    documents made from them."""

    def say(message: str) -> None:
        print(one_line(f"article-clean: {message}"), file=sys.stderr)

    summary = RunSummary(keep_notes=True)
    with output_lock(out_dir, on_wait=say):
        folders = [out_dir / name for name in container_folders(found.inputs)]
        sweep_run(out_dir, found.inputs, folders=[*folders, out_dir / TEMPLATES_FOLDER])
        if learning is not None:
            spec, workers = parallel or (RulesSpec(), 1)
            rules, parallel = learning.learn(found, out_dir, rules, limits, spec, workers)
        if parallel is None:
            results = clean_items(items, out_dir, rules, limits, records=True)
        else:
            spec, workers = parallel
            if isinstance(items, list):
                workers = min(workers, len(items))
            results = clean_in_processes(items, out_dir, spec, limits, max(1, workers))
        total = len(found.inputs)
        with Spool() as spool:
            if finish is not None:
                results = spool.follow(results)
            summary.add_all(with_progress(results, total, sys.stderr, show=progress))
            if finish is not None:
                finish(summary, spool)
        return summary


@dataclasses.dataclass(frozen=True)
class Learning:
    """``--learn-templates``, and how a text file's site is named (``--site-from``)."""

    site_from: str | None = None

    def learn(
        self,
        found: Discovery,
        out_dir: Path,
        rules: Rules,
        limits: Limits,
        spec: RulesSpec,
        workers: int,
    ) -> tuple[Rules, tuple[RulesSpec, int]]:
        """Learn and save the templates from the files found (the records of JSONL and WARC
        files are not counted); the rules and worker spec that clean with them."""
        files = [i for i in found.inputs if not container_kind(i.source)]
        workers = max(1, min(workers, len(files)))
        learn_templates(files, out_dir, spec, limits, self.site_from, workers)
        folder = out_dir / TEMPLATES_FOLDER
        spec = dataclasses.replace(spec, templates_dir=str(folder), site_from=self.site_from)
        return with_templates(rules, folder, self.site_from), (spec, workers)


def default_workers(files: int) -> int:
    """One process per core for a folder big enough to pay for starting them (~1 s each).

    >>> default_workers(3)
    1
    """
    return (os.cpu_count() or 1) if files >= PARALLEL_FROM else 1


def print_summary(summary: RunSummary, failed: int, skipped: int, out_dir: Path) -> None:
    print(
        f"cleaned {summary.cleaned} file(s) into {out_dir}/ "
        f"({failed} failed, {skipped} other file(s) passed over)"
    )
    kinds = summary.removed_by_kind
    if kinds:
        detail = ", ".join(f"{k} {n}" for k, n in sorted(kinds.items()))
        print(f"removed {sum(kinds.values())} line(s): {detail}")
    chars_in, chars_out = summary.chars_in, summary.chars_out
    if chars_in:
        print(f"characters: {chars_in:,} in, {chars_out:,} out ({chars_out / chars_in:.1%} kept)")
