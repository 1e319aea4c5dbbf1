"""The commands of ``article-clean`` (``pipeline.cli`` parses their arguments): ``clean``
(``pipeline.cli_clean``), ``explain``, ``rules`` and ``report``.

Each takes the parsed arguments and the rules in use, prints what it did or why it could not,
and returns the exit status ``pipeline.cli`` documents.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from pipeline.article import Article
from pipeline.cli_clean import run_clean
from pipeline.cli_io import EXIT_FAILED, EXIT_OK, EXIT_USAGE, limits_from
from pipeline.console import in_command_terms, one_line
from pipeline.errors import CleaningError, OutputError, RulesError
from pipeline.io import read_sidecar
from pipeline.report import write_report
from pipeline.rules import Rules, builtin_rules_path, load_rules

RED, YELLOW, DIM, BOLD, RESET = "\033[31m", "\033[33m", "\033[2m", "\033[1m", "\033[0m"

Command = Callable[[argparse.Namespace, Rules], int]


def run(args: argparse.Namespace) -> int:
    """Load the rules the arguments ask for and run ``args.command``; its exit status."""
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
        status: int = COMMANDS[args.command](args, rules)
    except BrokenPipeError:
        # The reader (``| head``) went away: not an error. Silence the flush at exit too.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    return status


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


COMMANDS: dict[str, Command] = {
    "clean": run_clean,
    "explain": run_explain,
    "rules": run_rules,
    "report": run_report,
}
