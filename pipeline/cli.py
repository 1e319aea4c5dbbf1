"""The ``article-clean`` command.

    article-clean clean INPUT... --out DIR   clean files, folders, JSONL and WARC files into
                                             DIR (``pipeline.cli_clean``; - reads stdin, no
                                             --out writes to stdout)
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
import re
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from pipeline import __version__
from pipeline.article import Article, Kind
from pipeline.cli_clean import PARALLEL_FROM, run_clean
from pipeline.cli_io import EXIT_FAILED, EXIT_OK, EXIT_USAGE, limits_from
from pipeline.console import (
    in_command_terms,
    one_line,
)
from pipeline.errors import CleaningError, OutputError, RulesError
from pipeline.io import read_sidecar
from pipeline.limits import DEFAULT_MAX_BYTES, DEFAULT_MAX_SECONDS, parse_size
from pipeline.report import REPORT_NAME, write_report
from pipeline.rules import Rules, builtin_rules_path, load_rules
from pipeline.sniff import FORMAT_CHOICES

RED, YELLOW, DIM, BOLD, RESET = "\033[31m", "\033[33m", "\033[2m", "\033[1m", "\033[0m"


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if getattr(args, "out", None) is not None or args.command is run_explain:
        # Workers will clean: their fork server loads the library while this process loads
        # the rules and finds the inputs (``pipeline.preload``).
        from pipeline.supervise import start_workers

        start_workers()
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
    clean.add_argument(
        "--learn-templates",
        action="store_true",
        help="first learn the lines most of each site's documents repeat, then remove them "
        "(template.repeated); the sets are saved in OUT/_templates",
    )
    clean.add_argument(
        "--site-from",
        type=_regex,
        metavar="REGEX",
        help="with --learn-templates: a text file's site is what REGEX (its first group) finds "
        "in its path (default: its folder under the input folder; a page's is its URL's host)",
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


def _regex(text: str) -> str:
    try:
        re.compile(text)
    except re.error as exc:
        msg = f"not a valid regular expression: {text!r} ({exc})"
        raise argparse.ArgumentTypeError(msg) from None
    return text


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not value > 0:
        msg = f"not a positive number of seconds: {text!r}"
        raise argparse.ArgumentTypeError(msg)
    return value


def _workers(value: str) -> int:
    try:
        workers = int(value)
    except ValueError:
        workers = 0
    if workers < 1:
        msg = f"--workers takes a whole number of processes, at least 1, not {value!r}"
        raise argparse.ArgumentTypeError(msg)
    return workers


def run_explain(args: argparse.Namespace, rules: Rules) -> int:
    if not args.file.exists() and not args.file.is_symlink():
        print(one_line(f"article-clean: no such file: {args.file}"), file=sys.stderr)
        return EXIT_USAGE
    from pipeline.supervise import clean_file_stoppable

    try:  # on a process of its own: the time limit stops it wherever it is
        article = clean_file_stoppable(args.file, rules=rules, limits=limits_from(args))
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
