"""Clean a batch of files in this process: the unit of work a worker process runs
(``pipeline.supervise`` sends it one file at a time, to stop any at its time limit).

Everything here takes and returns plain data (strings, lists, dicts), so a batch can be
pickled to another process or a Dask worker. A file that cannot be cleaned becomes a failed
result with its reason, for any error at all; it never stops the batch. Transient I/O errors
are retried a few times; errors that cannot heal (undecodable input, a missing or unreadable
file, a limit, a full disk) are not. A full disk ends the batch: every later file would fail
the same way, so they are reported as not cleaned instead of being tried one by one.

Outputs are committed in groups (``pipeline.commit``): a file's result is given out only once
its outputs are durable and in place, so a result never reports an output a crash could
still take back.
"""

from __future__ import annotations

import functools
import math
import os
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from pipeline.article import Article
from pipeline.commit import Group
from pipeline.discover import InputFile
from pipeline.errors import PERMANENT_ERRNOS, CleaningError, InputError, OutputError
from pipeline.io import check_name_fits, output_paths, write_outputs
from pipeline.limits import SIZE_SETTING, Limits
from pipeline.read import path_text
from pipeline.rules import Rules, load_rules
from pipeline.sinks.corpus import article_line
from pipeline.sources.document import Document, clean_document
from pipeline.templates import item_site, with_templates

IO_ATTEMPTS = 3
IO_BACKOFF_SECONDS = 0.2
PARENT_POLL_SECONDS = 0.2
BATCHES_PER_WORKER = 4  # enough batches to keep every worker busy to the end
MAX_BATCH = 500  # files a batch at most: its results travel back as one list
MIN_BATCH = 10  # files a shrinking batch at least: each batch ends in a commit of its own
IN_FLIGHT_PER_WORKER = 2  # batches handed out at once: one running, one queued


# An input as plain data, for a worker process: path, output name and, when known, the
# identity discovery saw (``InputFile.identity``) and the format asked for; or a document
# with its bytes (a JSONL or WARC record: ``pipeline.sources``).
BatchItem = tuple[str, str] | tuple[str, str, int] | tuple[str, str, int, str] | Document


def as_item(item: InputFile) -> BatchItem:
    """``item`` as plain data for another process (:data:`BatchItem`)."""
    if isinstance(item, Document):
        return item
    if item.fmt:
        return (item.source, item.output, item.identity, item.fmt)
    return (item.source, item.output, item.identity)


def from_item(item: BatchItem) -> InputFile:
    """The input :func:`as_item` made plain."""
    return item if isinstance(item, Document) else InputFile(*item)


@dataclass(frozen=True)
class RulesSpec:
    """How to build the rules in any process: a rules file (or the built-in) and options."""

    path: str | None = None
    target_language: str | None = None
    disabled_kinds: tuple[str, ...] = ()
    # The run learned its sites' templates into this folder (``pipeline.learn``); how a text
    # file's site is taken from its path.
    templates_dir: str | None = None
    site_from: str | None = None

    def load(self) -> Rules:
        rules = _load_rules(self.path, self.target_language, self.disabled_kinds)
        if self.templates_dir is None:
            return rules
        return with_templates(rules, Path(self.templates_dir), self.site_from)


@functools.lru_cache(maxsize=8)
def _load_rules(path: str | None, language: str | None, disabled: tuple[str, ...]) -> Rules:
    return load_rules(path).with_options(target_language=language, disabled_kinds=disabled)


@dataclass(frozen=True)
class FileResult:
    """What happened to one input."""

    path: str  # as text that is always valid UTF-8 (``path_text``)
    output: str  # output name relative to the output folder, without suffix
    status: str  # cleaned | skipped | failed
    error: str | None = None
    removed_by_kind: dict[str, int] = field(default_factory=dict)
    chars_in: int = 0
    chars_out: int = 0
    flags: tuple[str, ...] = ()
    disk_full: bool = False  # the failure was a full disk: later files will fail too
    # Cleaned: its corpus record's JSON text ("" for an empty body: none), made where it was
    # cleaned, so that the corpus is not rebuilt by reading every output back; None: unknown.
    record: str | None = None

    def to_json(self) -> dict[str, Any]:
        # ``asdict`` without its deep copy: a result crosses a pipe for every file.
        return {name: getattr(self, name) for name in _RESULT_FIELDS}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FileResult:
        return cls(**{**data, "flags": tuple(data.get("flags", ()))})

    @classmethod
    def failed(cls, item: InputFile, error: str, *, disk_full: bool = False) -> FileResult:
        name = path_text(item.source)
        message = error if error.startswith(name) else f"{name}: {error}"
        output = path_text(item.output)
        return cls(name, output, "failed", message, disk_full=disk_full)


_RESULT_FIELDS = tuple(f.name for f in fields(FileResult))


@dataclass
class RunSummary:
    """A run's results, folded in as they arrive: what a report needs, in memory that does
    not grow with the number of files. Failures are kept whole (they are rare and each is
    reported); so are the flags of flagged files when ``keep_notes`` (the CLI prints them)."""

    keep_notes: bool = False
    cleaned: int = 0
    removed_by_kind: Counter[str] = field(default_factory=Counter)
    flags: Counter[str] = field(default_factory=Counter)
    chars_in: int = 0
    chars_out: int = 0
    failures: list[FileResult] = field(default_factory=list)
    notes: list[tuple[str, str]] = field(default_factory=list)  # (path, flag), in order

    def add(self, result: FileResult) -> None:
        if result.status == "failed":
            self.failures.append(result)
            return
        self.cleaned += result.status == "cleaned"
        self.removed_by_kind.update(result.removed_by_kind)
        self.flags.update(result.flags)
        self.chars_in += result.chars_in
        self.chars_out += result.chars_out
        if self.keep_notes:
            self.notes += [(result.path, flag) for flag in result.flags]

    def add_all(self, results: Iterable[FileResult]) -> RunSummary:
        for result in results:
            self.add(result)
        return self

    @property
    def results(self) -> int:
        return self.cleaned + len(self.failures)

    def merge(self, other: RunSummary) -> RunSummary:
        """Fold in another summary (a batch's), as if its results had been added here."""
        self.cleaned += other.cleaned
        self.removed_by_kind.update(other.removed_by_kind)
        self.flags.update(other.flags)
        self.chars_in += other.chars_in
        self.chars_out += other.chars_out
        self.failures += other.failures
        if self.keep_notes:
            self.notes += other.notes
        return self

    def to_json(self) -> dict[str, Any]:
        # Not ``asdict``: it would rebuild each Counter from (key, count) pairs, counting those.
        return {
            "keep_notes": self.keep_notes,
            "cleaned": self.cleaned,
            "removed_by_kind": dict(self.removed_by_kind),
            "flags": dict(self.flags),
            "chars_in": self.chars_in,
            "chars_out": self.chars_out,
            "failures": [failure.to_json() for failure in self.failures],
            "notes": [list(note) for note in self.notes],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RunSummary:
        return cls(
            keep_notes=data["keep_notes"],
            cleaned=data["cleaned"],
            removed_by_kind=Counter(data["removed_by_kind"]),
            flags=Counter(data["flags"]),
            chars_in=data["chars_in"],
            chars_out=data["chars_out"],
            failures=[FileResult.from_json(failure) for failure in data["failures"]],
            notes=[(path, flag) for path, flag in data["notes"]],
        )


def clean_one(
    item: InputFile,
    out_dir: Path,
    rules: Rules,
    limits: Limits,
    group: Group | None = None,
    *,
    records: bool = False,
) -> FileResult:
    """Clean and write one input; failures become a result, never an exception. Given a
    ``group``, the outputs are staged there (``io.write_outputs``), for its commit to write.
    With ``records``, a cleaned result carries its corpus record (``FileResult.record``)."""
    for attempt in range(1, IO_ATTEMPTS + 1):
        try:
            # An output name the file system cannot hold fails now, not after cleaning.
            for output in output_paths(out_dir, item):
                check_name_fits(output)
            article = clean_input(item, rules, limits)
            write_outputs(article, out_dir, item, group)
        except CleaningError as exc:
            error: CleaningError = exc
        except OSError as exc:  # one the library did not wrap: an I/O error all the same
            reason = f"{exc.strerror or exc}; check the file and the output folder"
            error = InputError(reason, retryable=exc.errno not in PERMANENT_ERRNOS)
        except Exception as exc:  # one bad file, whatever went wrong, must not end the run
            return FileResult.failed(item, unexpected(exc))
        else:
            return cleaned_result(item, article, record=records)
        if not error.retryable or attempt == IO_ATTEMPTS:
            full = isinstance(error, OutputError) and error.disk_full
            return FileResult.failed(item, str(error), disk_full=full)
        time.sleep(IO_BACKOFF_SECONDS * attempt)
    raise AssertionError  # unreachable: the last attempt always returns


def clean_input(item: InputFile, rules: Rules, limits: Limits) -> Article:
    """Clean one input, a file or a document in hand (``pipeline.sources``); no output."""
    # Imported here: a process that only hands files to workers never loads the stages.
    from pipeline.clean import clean_file

    site = item_site(item, rules)
    if isinstance(item, Document):
        return clean_document(item, rules, limits, site=site)
    fmt = item.fmt or None
    return clean_file(item.path, rules=rules, limits=limits, identity=item.identity, fmt=fmt,
                      site=site)  # fmt: skip


def cleaned_result(item: InputFile, article: Article, *, record: bool = False) -> FileResult:
    """What cleaning ``item`` into ``article`` did; with ``record``, its corpus record too (a
    list of results, as ``clean_batch`` returns, would otherwise hold every body)."""
    stats = article.stats()
    output = path_text(item.output)
    return FileResult(
        path_text(item.source),
        output,
        "cleaned",
        removed_by_kind=stats["removed_by_kind"],
        chars_in=stats["chars_in"],
        chars_out=stats["chars_out"],
        flags=article.flags,
        record=article_line(output, article) if record else None,
    )


def unexpected(exc: Exception) -> str:
    """The message for an error the library did not foresee (a bug, or no memory left)."""
    if isinstance(exc, RecursionError):
        return "it is nested too deeply to clean; check the file is an article"
    if isinstance(exc, MemoryError):
        return f"cleaning it ran out of memory; lower the size limit ({SIZE_SETTING}) or split it"
    return (
        f"unexpected error ({type(exc).__name__}: {exc}); this is a bug in article-clean, "
        "please report it with the file"
    )


def clean_items(
    items: Iterable[InputFile],
    out_dir: Path,
    rules: Rules,
    limits: Limits,
    *,
    records: bool = False,
) -> Iterator[FileResult]:
    """Clean one input after another, committing their outputs in groups and giving out the
    results of each group once it is committed; after a full disk, report the rest as not
    cleaned. ``records``: as for :func:`clean_one`."""
    group = Group()

    def clean(item: InputFile) -> FileResult:
        return clean_one(item, out_dir, rules, limits, group, records=records)

    yield from in_groups(items, group, clean)


Held = tuple[InputFile, FileResult]  # an item cleaned, and its result until its group commits


@dataclass
class RunStop:
    """Shared by the batches of one run (threads of one process): the first full disk any of
    them meets stops them all, each reporting the rest of its inputs as not cleaned. A full
    batch's temporaries are removed, which frees room: a batch that went on could then
    write, and the run would not have stopped at the first full write."""

    why: str | None = None

    def meet(self, why: str | None) -> str | None:
        """Why the run stops: ``why`` (now shared), or what another batch met."""
        if why is not None and self.why is None:
            self.why = why
        return why or self.why


def in_groups(
    items: Iterable[InputFile],
    group: Group,
    clean: Callable[[InputFile], FileResult],
    *,
    background: bool = False,
    cleaned: Callable[[], None] | None = None,
    run: RunStop | None = None,
) -> Iterator[FileResult]:
    """``clean`` each item (it stages the outputs in ``group``); commit the group whenever it
    is full and at the end, giving out each group's results once committed; after a full disk
    (cleaning or committing; in any batch of ``run``), report the rest as not cleaned.
    ``cleaned`` is called once the last item is cleaned, before the last commit (a caller
    can lend out what cleaned it).

    ``background``: a full group commits on a thread of its own while the next one is cleaned
    (:class:`Committer`). For a caller that waits on another process to clean (the
    supervisor); where this process cleans, the commit's thread would wait for the
    interpreter's lock at every rename."""
    held: list[Held] = []
    full: str | None = None
    stop = run or RunStop()
    commits = Committer(background)
    try:
        for item in items:
            full = stop.meet(full)
            if full is not None:
                held.append((item, FileResult.failed(item, f"not cleaned: {stopped(full)}")))
                continue
            result = clean(item)
            held.append((item, result))
            full = full or full_disk(result)
            if group.full:
                results = commits.submit(group.split(), held)
                yield from results
                full = full or next(filter(None, map(full_disk, results)), None)
                held = []
        stop.meet(full)
        if cleaned is not None:
            cleaned()
        results = commits.submit(group.split(), held) + commits.wait()
        stop.meet(next(filter(None, map(full_disk, results)), None))
        yield from results
    finally:
        commits.close()


class Committer:
    """Commits groups one at a time, in the order given: each at once, or (``background``)
    each on a thread of its own while the caller cleans the next, the next commit waiting
    for it. A group's results are given out only once it is committed, so what a result
    reports is durable either way; in the background a worker process does not sit idle
    while the disk syncs (0.15 of the CLI's 4 s on 3,000 files here)."""

    def __init__(self, background: bool) -> None:
        self._threads = ThreadPoolExecutor(1, "commit") if background else None
        self._pending: tuple[Future[dict[str, OutputError]], list[Held]] | None = None

    def submit(self, group: Group, held: list[Held]) -> list[FileResult]:
        """Commit ``group``, whose items' results are ``held``; the results that are final
        now: this group's, or in the background the group's before it."""
        if self._threads is None:
            return with_failures(group.commit(), held)
        done = self.wait()
        self._pending = (self._threads.submit(group.commit), held)
        return done

    def wait(self) -> list[FileResult]:
        """The results of the group committing in the background, once it is committed."""
        if self._pending is None:
            return []
        (future, held), self._pending = self._pending, None
        return with_failures(future.result(), held)

    def close(self) -> None:
        """Wait for a commit under way (the caller stopped early: it is not given out)."""
        if self._threads is not None:
            self._threads.shutdown(wait=True)


def with_failures(failures: dict[str, OutputError], held: list[Held]) -> list[FileResult]:
    """The results ``held`` for a group after its commit, a file whose commit failed failed."""
    results = []
    for item, result in held:
        error = failures.get(item.output)
        if error is not None:
            result = FileResult.failed(item, str(error), disk_full=error.disk_full)
        results.append(result)
    return results


def full_disk(result: FileResult) -> str | None:
    """Why the run stops after ``result``, when it met a full disk."""
    return f"the disk is full (writing {result.output})" if result.disk_full else None


def stopped(why: str) -> str:
    return f"the run stopped because {why}"


def clean_batch(
    items: Iterable[BatchItem],
    out_dir: str,
    spec: RulesSpec,
    limits: dict[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """Clean ``(input path, output name[, identity])`` items into ``out_dir``; one result dict
    each. ``identity`` is ``InputFile.identity``: given, no other file at the path is read."""
    return [result.to_json() for result in _clean_pairs(items, out_dir, spec, limits)]


def clean_batch_summary(
    items: Iterable[BatchItem],
    out_dir: str,
    spec: RulesSpec,
    limits: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """:func:`clean_batch`, returning the batch's summary (``RunSummary.to_json``) instead
    of a record per file: what the flow's tasks return. Prefect keeps an entry for every
    element of every task's result until the flow ends, so a result must stay small."""
    return RunSummary().add_all(_clean_pairs(items, out_dir, spec, limits)).to_json()


def _clean_pairs(
    items: Iterable[BatchItem],
    out_dir: str,
    spec: RulesSpec,
    limits: dict[str, Any] | None,
) -> Iterator[FileResult]:
    rules = spec.load()
    inputs = (from_item(item) for item in items)
    return clean_items(inputs, Path(out_dir), rules, Limits(**(limits or {})))


def batches(
    items: list[InputFile], batch_size: int | None, workers: int
) -> Iterator[list[InputFile]]:
    """Contiguous batches, made as they are needed: of ``batch_size``, or enough for every
    worker to stay busy to the end, at most ``MAX_BATCH`` files each.

    >>> [len(b) for b in batches([InputFile(str(i), str(i)) for i in range(10)], None, 2)]
    [2, 2, 2, 2, 2]
    """
    if not items:
        return iter(())
    size = batch_size or min(
        MAX_BATCH, math.ceil(len(items) / (max(workers, 1) * BATCHES_PER_WORKER))
    )
    return (items[i : i + size] for i in range(0, len(items), size))


def shrinking_batches(items: list[InputFile], workers: int) -> Iterator[list[InputFile]]:
    """Contiguous batches for workers that each take the next one as they finish one, made
    as they are needed: each holds a ``1 / (workers * BATCHES_PER_WORKER)`` share of the
    inputs not handed out yet, between ``MIN_BATCH`` and ``MAX_BATCH`` files (guided
    self-scheduling). The last batches are small, so the workers finish together: with
    equal batches one of two workers sat idle at the end for 0.15 to 0.56 s of a 6 to 7 s
    run on 3,000 files.

    >>> [len(b) for b in shrinking_batches([InputFile(str(i), str(i)) for i in range(100)], 2)]
    [13, 11, 10, 10, 10, 10, 10, 10, 10, 6]
    """
    start, share = 0, max(workers, 1) * BATCHES_PER_WORKER
    while start < len(items):
        size = min(MAX_BATCH, max(MIN_BATCH, math.ceil((len(items) - start) / share)))
        yield items[start : start + size]
        start += size


def exit_with_parent(parent: int) -> None:
    """For worker processes: exit as soon as ``parent`` (the process that started them) is gone.

    A pool's workers otherwise outlive a parent killed with SIGKILL, waiting forever for work,
    and one still cleaning could write after the next run has started. The parent's id is
    passed in, not read here: a worker that starts after its parent died must see that too.
    """

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_POLL_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()
