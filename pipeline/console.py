"""What the ``article-clean clean`` command tells a person at a terminal, besides its summary.

Guarantees: a progress bar only when stderr is a terminal (nothing extra in pipes and logs);
failed files named with their reason on stderr, the first ``SHOW_FAILURES`` unless verbose;
notes (flagged files) on stderr, counted by flag unless verbose, when every file is listed.
Messages are one line each (``one_line``), whatever the file names hold.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from typing import TextIO

from pipeline.batch import FileResult
from pipeline.limits import SIZE_SETTING, TIME_SETTING

SHOW_FAILURES = 10
# Control characters (a newline in a file name) would split one message over several lines.
ESCAPES = {c: repr(chr(c))[1:-1] for c in (*range(0x20), 0x7F)}


def one_line(message: str) -> str:
    """The message with control characters escaped, so that it prints as one line.

    >>> one_line("failed: raw/two\\nlines.txt")
    'failed: raw/two\\\\nlines.txt'
    """
    return message.translate(ESCAPES)


def in_command_terms(
    message: str, size: str = "--max-bytes", seconds: str = "--max-seconds"
) -> str:
    """The library's message with a command's option names for the limits.

    >>> in_command_terms("raise the limit (Limits(max_seconds=...)) or check the file")
    'raise the limit (--max-seconds) or check the file'
    """
    return message.replace(SIZE_SETTING, size).replace(TIME_SETTING, seconds)


def name_failures(failures: list[tuple[str, str]], err: TextIO, *, verbose: bool) -> None:
    """``article-clean: failed: <file>: <why>``, for the first ``SHOW_FAILURES`` (all when
    ``verbose``), then how many more."""
    shown = failures if verbose else failures[:SHOW_FAILURES]
    for path, reason in shown:
        message = in_command_terms(reason if reason.startswith(path) else f"{path}: {reason}")
        print(one_line(f"article-clean: failed: {message}"), file=err)
    more = len(failures) - len(shown)
    if more:
        print(f"article-clean: ... and {more} more failed (-v names every one)", file=err)


def print_notes(notes: list[tuple[str, str]], err: TextIO, *, verbose: bool) -> None:
    """Flagged files: each with its flag when ``verbose``, else one line counting each flag.

    >>> import sys
    >>> print_notes([("a.txt", "empty_body"), ("b.txt", "empty_body")], sys.stdout, verbose=False)
    note: 2 file(s) empty body (-v lists them)
    """
    if verbose:
        for path, flag in notes:
            print(one_line(f"note: {path}: {flag.replace('_', ' ')}"), file=err)
        return
    counts = Counter(flag for _, flag in notes)
    if counts:
        parts = [f"{n} file(s) {flag.replace('_', ' ')}" for flag, n in sorted(counts.items())]
        print(f"note: {', '.join(parts)} (-v lists them)", file=err)


def with_progress(
    results: Iterable[FileResult], total: int, err: TextIO, *, show: bool
) -> Iterator[FileResult]:
    """The results, unchanged; when ``show``, a progress bar on ``err`` advances with each
    and is gone when they end (the summary follows it)."""
    if not show or not total:
        yield from results
        return
    # Imported only here: a run in a pipe never pays for it.
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    columns = (TextColumn("cleaning"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=Console(file=err), transient=True) as progress:
        task = progress.add_task("clean", total=total)
        for result in results:
            yield result
            progress.advance(task)
