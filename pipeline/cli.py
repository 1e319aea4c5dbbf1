"""The ``article-clean`` command.

    article-clean clean INPUT... --out DIR   clean files and folders into DIR
    article-clean explain FILE               show what would be removed, and why
    article-clean rules                      list the rules in use

Exit status: 0 when every file was cleaned, 1 when some failed (each is named, with why, and
the last line says how many) or the output folder cannot be used, 2 on usage errors (bad
arguments, missing inputs, an invalid rules file). One run at a time writes an output folder;
a second waits for the first (``pipeline.lock``).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from itertools import chain
from pathlib import Path
from typing import TextIO

from pipeline import __version__
from pipeline.article import Article, Kind
from pipeline.batch import RulesSpec, RunSummary, clean_items
from pipeline.clean import FORMAT_CHOICES, clean_file
from pipeline.cli_io import (
    STDIN,
    jsonl_fields,
    print_passed,
    recorded,
    usage_problem,
    write_corpora,
)
from pipeline.console import (
    in_command_terms,
    name_failures,
    one_line,
    print_notes,
    with_progress,
)
from pipeline.discover import Discovery, InputFile, container_kind, discover, output_is_input
from pipeline.errors import CleaningError, OutputError, RulesError
from pipeline.incremental import sweep_run
from pipeline.io import read_sidecar
from pipeline.limits import DEFAULT_MAX_BYTES, DEFAULT_MAX_SECONDS, Limits, parse_size
from pipeline.lock import output_lock
from pipeline.report import REPORT_NAME, write_report
from pipeline.rules import Rules, builtin_rules_path, load_rules
from pipeline.sinks.stdout import write_stream
from pipeline.sources import Passed, container_folders, expand, read_stdin
from pipeline.supervise import clean_in_processes

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
# From this many inputs on, the default is one cleaning process per core: below it, starting
# the processes (~1 s each, they import trafilatura) costs more than it saves.
PARALLEL_FROM = 200
RED, YELLOW, DIM, BOLD, RESET = "\033[31m", "\033[33m", "\033[2m", "\033[1m", "\033[0m"


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        # ``report`` reads outputs and takes no rules options: it gets the built-in rules.
        rules = load_rules(getattr(args, "rules", None)).with_options(
            target_language=getattr(args, "lang", None),
            disabled_kinds=getattr(args, "disable_kind", None) or (),
        )
    except RulesError as exc:
        print(f"article-clean: {exc}", file=sys.stderr)
        return EXIT_USAGE
    try:
        status: int = args.command(args, rules)
    except BrokenPipeError:
        # The reader (``| head``) went away: not an error. Silence the flush at exit too.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    return status


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="article-clean", description="Clean scraped news articles down to their body."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--rules", type=Path, help="a rules TOML file (default: the built-in)")
    common.add_argument("--lang", help="target language code, or 'auto' (default: en)")
    common.add_argument(
        "--disable-kind",
        action="append",
        metavar="KIND",
        help=f"switch off one kind of removal ({', '.join(k.value for k in Kind)}); repeatable",
    )
    limits = argparse.ArgumentParser(add_help=False)
    add_limit_options(limits)
    sub = parser.add_subparsers(required=True, metavar="COMMAND")
    clean = sub.add_parser("clean", parents=[common, limits], help="clean files and folders")
    clean.add_argument(
        "inputs",
        nargs="+",
        metavar="INPUT",
        help="files and folders to clean (folders recursively), JSONL and WARC files, "
        "or - for stdin",
    )
    clean.add_argument(
        "--out",
        metavar="DIR",
        help="output folder (without it, one document's body goes to stdout)",
    )
    clean.add_argument(
        "--format",
        choices=FORMAT_CHOICES,
        default="auto",
        help="read inputs as text or html; auto (the default): by the name, then the content",
    )
    clean.add_argument(
        "--jsonl",
        action="store_true",
        help="write one JSONL record per article to stdout instead of an output folder",
    )
    clean.add_argument(
        "--parquet", action="store_true", help="also write OUT/articles.parquet (needs pyarrow)"
    )
    clean.add_argument(
        "--jsonl-field",
        action="append",
        metavar="ROLE=NAME",
        help="the field of JSONL input records holding ROLE (id, text, html, url, date); "
        "repeatable",
    )
    clean.add_argument(
        "-q", "--quiet", action="store_true", help="print failures only (no summary, no notes)"
    )
    clean.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="name every failed file and every flagged file (default: the first ten failures, "
        "notes counted by flag)",
    )
    clean.add_argument(
        "--workers",
        type=_workers,
        metavar="N",
        help=f"cleaning processes (default: one per core from {PARALLEL_FROM} files on, else 1)",
    )
    clean.set_defaults(command=run_clean)
    explain = sub.add_parser("explain", parents=[common, limits], help="show removals in a file")
    explain.add_argument(
        "file", type=Path, metavar="FILE", help="a text or HTML file (gzipped or not) to clean"
    )
    explain.add_argument(
        "--color",
        choices=["auto", "always", "never"],
        default="auto",
        help="colour the marks: auto (on a terminal, unless NO_COLOR is set), always or never",
    )
    explain.set_defaults(command=run_explain)
    listing = sub.add_parser("rules", parents=[common], help="list the rules in use")
    listing.set_defaults(command=run_rules)
    report = sub.add_parser("report", help="write an HTML page showing what was removed")
    report.add_argument("folder", type=Path, metavar="OUT", help="an output folder of clean")
    report.add_argument(
        "--html", type=Path, metavar="FILE", help=f"where to write it (default OUT/{REPORT_NAME})"
    )
    report.add_argument(
        "--run",
        type=Path,
        metavar="FILE",
        help="a flow's run report to summarise too (OUT/_runs/ID.json)",
    )
    report.set_defaults(command=run_report)
    return parser


def add_limit_options(parser: argparse.ArgumentParser) -> None:
    """``--max-bytes`` and ``--max-seconds``, for this command and the flow's."""
    parser.add_argument(
        "--max-bytes",
        type=_size,
        default=DEFAULT_MAX_BYTES,
        metavar="SIZE",
        help="refuse files bigger than this, on disk or unpacked (K, M, G suffixes; default 10M)",
    )
    parser.add_argument(
        "--max-seconds",
        type=_seconds,
        default=DEFAULT_MAX_SECONDS,
        metavar="S",
        help=f"stop cleaning a file after this long (default {DEFAULT_MAX_SECONDS:g})",
    )


def _size(text: str) -> int:
    try:
        return parse_size(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not value > 0:
        msg = f"not a positive number of seconds: {text!r}"
        raise argparse.ArgumentTypeError(msg)
    return value


def limits_from(args: argparse.Namespace) -> Limits:
    return Limits(max_bytes=args.max_bytes, max_seconds=args.max_seconds)


def run_clean(args: argparse.Namespace, rules: Rules) -> int:
    problem = usage_problem(args)
    if problem is None and args.out is not None:
        same = output_is_input([Path(n) for n in args.inputs if n != STDIN], Path(args.out))
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
    found = discover([Path(n) for n in args.inputs if n != STDIN], out_dir)
    passed: Passed = Counter()
    limits = limits_from(args)
    if args.format != "auto":  # else each file's name, then its content, decides
        for item in found.inputs:
            item.fmt = args.format
    items: Iterable[InputFile] = expand(found.inputs, limits.max_bytes, passed, fields=fields)
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
    streamed = any(container_kind(i.source) for i in found.inputs) or STDIN in args.inputs
    count = len(found.inputs)
    workers = args.workers or default_workers(PARALLEL_FROM if streamed else count)
    progress = sys.stderr.isatty() and not args.quiet and not streamed
    cleaned: list[InputFile] = []
    inputs = recorded(items, cleaned) if streamed else found.inputs
    problems: list[str] = []

    def finish(summary: RunSummary) -> None:
        corpus = cleaned if streamed else found.inputs
        problem = write_corpora(out_dir, corpus, summary.failures, parquet=args.parquet)
        problems.extend([problem] if problem else [])

    parallel = (spec, workers)
    summary = clean_locked(inputs, found, out_dir, rules, limits_from(args), parallel, progress,
                           finish)  # fmt: skip
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
    finish: Callable[[RunSummary], None] | None = None,
) -> RunSummary:
    """Under the output folder's lock: sweep what a killed run left, then clean every input,
    on ``parallel``'s number of worker processes (loading the rules from its spec), even one:
    the time limit can then stop a file wherever it is (``pipeline.supervise``); without
    ``parallel``, in this process; then ``finish`` (the corpus). Results are folded into a
    summary as they come, not kept; with ``progress``, a progress bar on stderr follows them.
    ``items`` are ``found``'s inputs, or the stream of documents made from them."""

    def say(message: str) -> None:
        print(one_line(f"article-clean: {message}"), file=sys.stderr)

    summary = RunSummary(keep_notes=True)
    with output_lock(out_dir, on_wait=say):
        folders = [out_dir / name for name in container_folders(found.inputs)]
        sweep_run(out_dir, found.inputs, folders=folders)
        if parallel is None:
            results = clean_items(items, out_dir, rules, limits)
        else:
            spec, workers = parallel
            if isinstance(items, list):
                workers = min(workers, len(items))
            results = clean_in_processes(items, out_dir, spec, limits, max(1, workers))
        total = len(found.inputs)
        summary.add_all(with_progress(results, total, sys.stderr, show=progress))
        if finish is not None:
            finish(summary)
        return summary


def default_workers(files: int) -> int:
    """One process per core for a folder big enough to pay for starting them (~1 s each).

    >>> default_workers(3)
    1
    """
    return (os.cpu_count() or 1) if files >= PARALLEL_FROM else 1


def _workers(value: str) -> int:
    try:
        workers = int(value)
    except ValueError:
        workers = 0
    if workers < 1:
        msg = f"--workers takes a whole number of processes, at least 1, not {value!r}"
        raise argparse.ArgumentTypeError(msg)
    return workers


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


def run_explain(args: argparse.Namespace, rules: Rules) -> int:
    if not args.file.exists() and not args.file.is_symlink():
        print(one_line(f"article-clean: no such file: {args.file}"), file=sys.stderr)
        return EXIT_USAGE
    try:
        article = clean_file(args.file, rules=rules, limits=limits_from(args))
    except CleaningError as exc:
        print(one_line(f"article-clean: {in_command_terms(str(exc))}"), file=sys.stderr)
        return EXIT_FAILED
    color = args.color == "always" or (
        args.color == "auto" and sys.stdout.isatty() and "NO_COLOR" not in os.environ
    )
    explain(article, sys.stdout, color=color)
    return EXIT_OK


def explain(article: Article, out: TextIO, *, color: bool) -> None:
    """Every line of the article: headings marked ``#``, removed ones ``-`` with kind, rule
    and confidence; for a page, first the elements taken out before extraction."""

    def paint(code: str, text: str) -> str:
        return f"{code}{text}{RESET}" if color else text

    source = article.source
    out.write(paint(BOLD, f"{source.path}") + f"  encoding {source.encoding}, ")
    fixes = len(article.repairs.encoding_fixes)
    out.write(f"language {article.language}, {fixes} line(s) repaired by ftfy\n")
    if article.page is not None:
        for element in article.page.removals:
            tag = f"[{element.kind} {element.rule} html {element.element}]"
            out.write(paint(RED, "- ") + paint(YELLOW, tag) + " " + paint(DIM, element.text) + "\n")
        if article.page.removals:
            out.write("\n")
    removals = {r.segment: r for r in article.removals}
    paragraph = None
    for seg in article.segments:
        if paragraph is not None and seg.paragraph != paragraph:
            out.write("\n")
        paragraph = seg.paragraph
        removal = removals.get(seg.id)
        if removal is None:
            is_heading = seg.id in article.headings
            out.write(paint(BOLD, f"# {seg.text}") if is_heading else f"  {seg.text}")
            out.write("\n")
            continue
        tag = f"[{removal.kind} {removal.rule} {removal.confidence:.2f}]"
        out.write(paint(RED, "- ") + paint(YELLOW, tag) + " " + paint(DIM, seg.text) + "\n")
    kinds = Counter(str(r.kind) for r in article.removals)
    summary = ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())) or "nothing"
    out.write(f"\nremoved: {summary}; flags: {', '.join(article.flags) or 'none'}\n")


def run_rules(args: argparse.Namespace, rules: Rules) -> int:
    """The rules file (an absolute path), then its text rules and its HTML element rules, as
    ``explain`` and the sidecars cite them."""
    path = Path(rules.source).resolve() if args.rules is not None else builtin_rules_path()
    print(one_line(f"{path} (version {rules.version}, sha256 {rules.sha256[:12]})"))
    for rule in rules.rules:
        print(f"{rule.id:34} {rule.kind:9} {rule.stage:9} {rule.description}")
    for element in rules.html.rules:
        print(f"{element.id:34} {element.kind:9} {'html':9} {element.description}")
    return EXIT_OK


def run_report(args: argparse.Namespace, rules: Rules) -> int:
    folder: Path = args.folder
    if not folder.is_dir():
        print(one_line(f"article-clean: no such folder: {folder}"), file=sys.stderr)
        return EXIT_USAGE
    run = None
    if args.run is not None:
        run = read_sidecar(args.run)
        if run is None or "files" not in run:
            message = f"{args.run} is not a run report (a flow's {folder}/_runs/ID.json)"
            print(one_line(f"article-clean: {message}"), file=sys.stderr)
            return EXIT_USAGE
    try:
        dest, summary = write_report(folder, args.html, run=run)
    except OutputError as exc:
        print(one_line(f"article-clean: {exc}"), file=sys.stderr)
        return EXIT_FAILED
    print(one_line(f"wrote {dest}: {summary.articles} article(s), {summary.removals} removal(s)"))
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
