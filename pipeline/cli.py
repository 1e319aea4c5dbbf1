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

This module imports only what parsing the arguments needs: a command that will clean starts
its worker processes' fork server (``pipeline.workers``) before it imports the library, and
the commands themselves are in ``pipeline.cli_commands``.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from pathlib import Path

from pipeline import __version__
from pipeline.kinds import Kind
from pipeline.limits import DEFAULT_MAX_BYTES, DEFAULT_MAX_SECONDS, parse_size
from pipeline.report_page import REPORT_NAME
from pipeline.sniff import FORMAT_CHOICES
from pipeline.workers import PARALLEL_FROM, start_workers


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if getattr(args, "out", None) is not None or args.command == "explain":
        # Workers will clean: their fork server imports the library and loads the rules
        # (``pipeline.preload``) while this process does the same and finds the inputs.
        start_workers()
    from pipeline.cli_commands import run

    return run(args)


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
    clean.set_defaults(command="clean")
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
    explain.set_defaults(command="explain")
    listing = sub.add_parser("rules", parents=[common], help="list the rules in use")
    listing.set_defaults(command="rules")
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
    report.set_defaults(command="report")
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


if __name__ == "__main__":
    sys.exit(main())
