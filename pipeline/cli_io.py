"""The ``clean`` command's inputs and outputs: what may be named, where results go.

- Inputs: files, folders, JSONL and WARC files (``pipeline.sources``), and ``-`` for stdin.
- Outputs: a folder (``--out DIR``: the files, then ``articles.jsonl``, and
  ``articles.parquet`` with ``--parquet``), or stdout: the body of one document when there
  is no ``--out``, a corpus record per article with ``--jsonl``.
- A location with a scheme (``s3://bucket/x``) is read through fsspec when its file system is
  installed (``pipeline.sources.remote``), else refused as a usage error in one line; an
  output with a scheme is always refused (``Path`` would otherwise quietly make a local
  folder named ``s3:``).
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TextIO

from pipeline.batch import FileResult
from pipeline.console import one_line
from pipeline.discover import Discovery, InputFile, container_kind
from pipeline.errors import OutputError
from pipeline.limits import Limits
from pipeline.read import path_text
from pipeline.sinks.corpus import Spool, write_corpus
from pipeline.sinks.parquet import parquet_missing, write_parquet
from pipeline.sources import JsonlFields, Passed
from pipeline.sources.remote import remote_problem

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
STDIN = "-"
SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")


def remote_location(names: Iterable[str]) -> str | None:
    """The first name that is a URL-style location (``s3://...``), if any.

    >>> remote_location(["raw", "s3://bucket/out"]), remote_location(["a:b", "./x"])
    ('s3://bucket/out', None)
    """
    return next((name for name in names if SCHEME.match(name)), None)


def usage_problem(args: argparse.Namespace) -> str | None:
    """Why these inputs and outputs cannot be used together, or None."""
    names: list[str] = args.inputs
    if args.out and SCHEME.match(args.out):
        return (
            f"{args.out}: outputs go to a local folder only (remote locations are read, never "
            f"written); write to a local folder, then copy it (for S3: aws s3 sync DIR {args.out})"
        )
    for url in remote_inputs(names):
        problem = remote_problem(url)
        if problem is not None:
            return problem
    if names.count(STDIN) > 1:
        return "stdin (-) can be read once only; name it once"
    missing = [n for n in local_inputs(names) if not _exists(Path(n))]
    if missing:
        return f"no such file or folder: {', '.join(missing)}"
    if args.jsonl and args.out:
        return "--jsonl writes records to stdout; leave out --out (the folder gets articles.jsonl)"
    if args.out is None and not args.jsonl and not _one_document(names):
        return (
            "give --out DIR for these inputs (without it, one document's body goes to stdout, "
            "or --jsonl writes a record per article)"
        )
    if args.parquet and args.out is None:
        return "--parquet writes OUT/articles.parquet: give --out DIR"
    if args.learn_templates and args.out is None:
        return "--learn-templates keeps what it learns in OUT/_templates: give --out DIR"
    return parquet_missing() if args.parquet else None


def local_inputs(names: list[str]) -> list[str]:
    """The inputs that are local paths (not ``-``, not ``scheme://``)."""
    return [n for n in names if n != STDIN and not SCHEME.match(n)]


def remote_inputs(names: list[str]) -> list[str]:
    return [n for n in names if SCHEME.match(n)]


def _exists(path: Path) -> bool:
    return path.exists() or path.is_symlink()


def _one_document(names: list[str]) -> bool:
    if len(names) != 1:
        return False
    name = names[0]
    return name == STDIN or (Path(name).is_file() and container_kind(name) is None)


def limits_from(args: argparse.Namespace) -> Limits:
    return Limits(max_bytes=args.max_bytes, max_seconds=args.max_seconds)


def jsonl_fields(text: list[str] | None) -> JsonlFields:
    try:
        return JsonlFields.parse(text or [])
    except ValueError as exc:
        msg = f"--jsonl-field {exc}"
        raise argparse.ArgumentTypeError(msg) from None


def recorded(items: Iterable[InputFile], names: list[InputFile]) -> Iterator[InputFile]:
    """``items`` unchanged, each one's name kept in ``names`` (not its bytes: the corpus is
    rebuilt from the outputs once the run is over)."""
    for item in items:
        names.append(InputFile(item.source, item.output))
        yield item


def write_corpora(
    out_dir: Path,
    cleaned: list[InputFile],
    failed: list[FileResult],
    *,
    parquet: bool,
    spool: Spool | None = None,
) -> str | None:
    """``OUT/articles.jsonl`` over the inputs this run cleaned (a failed input's outputs, if
    any, are an earlier run's: left out), and ``OUT/articles.parquet`` when asked; why one
    could not be written (the articles' own outputs stand), or None. ``spool``: the records
    of the results, one for each input in order (``sinks.corpus.Spool``)."""
    failures = {result.output for result in failed}
    try:
        if spool is not None and spool.count == len(cleaned):
            write_corpus(out_dir, cleaned, spool=spool)  # failures are skipped there
        else:
            write_corpus(out_dir, (i for i in cleaned if path_text(i.output) not in failures))
        if parquet:
            write_parquet(out_dir)
    except OutputError as exc:
        return str(exc)
    return None


def print_passed(found: Discovery, passed: Passed, err: TextIO, *, verbose: bool) -> None:
    """With ``verbose``, every file passed over with why; records passed over, counted."""
    if verbose:
        for path, reason in found.skipped:
            print(one_line(f"note: passed over {path_text(path)}: {reason}"), file=err)
    if passed:
        detail = ", ".join(f"{why} {n}" for why, n in sorted(passed.items()))
        print(f"note: passed over {sum(passed.values())} record(s): {detail}", file=err)
