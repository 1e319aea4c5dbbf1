"""The hard time limit: each file is cleaned in a worker process that can be stopped.

The time limit inside the library (``pipeline.limits``) is checked between steps, so a step
that runs long (trafilatura on a legal 10 MB page, a regex that backtracks) runs past it. Here
each file goes to a worker process on its own, and the parent waits for its result no longer
than the limit and ``HARD_LIMIT_GRACE_SECONDS``: a worker still busy then is killed, the file
is reported as over the time limit (the same message the library gives), the temporary files
it may have left are swept, and the next file gets a fresh worker.

Workers are started from a fork server that has imported the library and loaded the
built-in rules once (``pipeline.preload``; started early by ``pipeline.workers``), so a
worker, and a replacement, costs milliseconds, not the second an interpreter takes to get
there; they never fork the parent, which may run threads (Prefect's). A worker exits when
the process that started it does (``batch.exit_with_parent``). A worker that dies by itself
(out of memory, a crash in C) fails the file it had, with why, and is replaced. Outputs are
those of cleaning in one process, byte for byte.

One document outside a run (``article-clean explain``, or the library's
:func:`clean_file_stoppable`) is cleaned the same way, on a process of its own that returns
the article instead of writing it.

A worker only stages a file's outputs (``pipeline.commit``) and says where; the process that
supervises commits them, a group at a time, and gives out the results once committed. A
worker stopped at the limit therefore loses nothing but the file it had: the outputs it
staged before are committed all the same.
"""

from __future__ import annotations

import contextlib
import functools
import math
import multiprocessing
import os
import queue
import select
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict
from itertools import islice
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from pipeline.batch import (
    IN_FLIGHT_PER_WORKER,
    BatchItem,
    FileResult,
    RulesSpec,
    RunStop,
    as_item,
    clean_one,
    exit_with_parent,
    from_item,
    in_groups,
    shrinking_batches,
    unexpected,
)
from pipeline.commit import Group, Staged
from pipeline.discover import InputFile
from pipeline.errors import CleaningError, LimitError, OutputError
from pipeline.io import output_paths, sweep_temporaries
from pipeline.limits import Limits, over_time_message
from pipeline.read import path_text
from pipeline.workers import CONTEXT

if TYPE_CHECKING:
    from pipeline.article import Article
    from pipeline.rules import Rules

# Beyond the limit, for what the library's own check does not cover (reading, writing) and
# for that check to stop the file first, with the same message, when it can.
HARD_LIMIT_GRACE_SECONDS = 2.0
# A new worker has this long to say it is ready (it only loads the rules).
START_SECONDS = 300.0
FINISH_SECONDS = 5.0  # for an idle worker to end once its pipe is closed
STREAM_BATCH = 50  # documents a batch from a stream: small, as each holds its bytes
_GO = "go"


G = TypeVar("G")
R = TypeVar("R")
# A job a worker runs: a module-level function (sent by reference) of the loaded rules and
# its arguments, returning what the worker sends back.
Job = Callable[..., Any]


def _serve(conn: Connection) -> None:
    """A worker's life: run the jobs it is sent, one at a time, until the pipe closes; each
    answer is sent as a 1-tuple, so that a job may return None."""
    parent = os.getppid()  # the fork server, which ends when the process it serves does
    if parent == 1:  # it is gone already: this worker was orphaned before it started
        return
    exit_with_parent(parent)
    loaded: set[RulesSpec] = set()
    while True:
        try:
            job, spec, args = conn.recv()
        except EOFError:
            return
        rules = spec.load()  # cached per spec: loaded once per worker
        if spec not in loaded:  # the clock starts now, not while the rules load
            conn.send(_GO)
            loaded.add(spec)
        conn.send((job(rules, *args),))


def _clean_job(
    rules: Rules, item: BatchItem, out_dir: str, limits: dict[str, Any]
) -> tuple[dict[str, Any], Staged, int]:
    """Clean one input, staging its outputs: its result, and the staged outputs and their
    size for the supervising process to commit."""
    group = Group()
    # The record goes back with the result: the process that supervises writes the corpus
    # from it (``sinks.corpus.Spool``); results are not kept, so memory does not grow.
    result = clean_one(from_item(item), Path(out_dir), rules, Limits(**limits), group,
                       records=True)  # fmt: skip
    return (result.to_json(), *group.take())


class Worker:
    """One worker process and the pipe to it."""

    def __init__(self) -> None:
        self.conn, child = CONTEXT.Pipe()
        self.process = CONTEXT.Process(target=_serve, args=(child,), daemon=True)
        self.process.start()
        child.close()
        self.ready: set[RulesSpec] = set()  # rules it has loaded (it said so once, "go")
        # The process's sentinel turns readable when it ends: one poll(2) says whether it
        # has, where ``is_alive`` builds a selector each time, and it is asked before every
        # file (the supervising process's CPU on 3,000 files: 0.77 s with it, 0.63 without).
        # Once stopped here, the sentinel's news has been read (``join``): ``stopped`` says.
        self._ended = select.poll()
        self._ended.register(self.process.sentinel, select.POLLIN)
        # The same for the worker's answers: ``Connection.poll`` builds a selector each time.
        self._answered = select.poll()
        self._answered.register(self.conn.fileno(), select.POLLIN)
        self.stopped = False

    def clean(
        self, item: BatchItem, out_dir: str, spec: RulesSpec, limits: Limits
    ) -> tuple[FileResult, Staged, int]:
        """Clean one file: its result and the outputs it staged, with their size, for the
        caller to commit. If it outlasts its limit, stop this worker (``alive`` is then
        False) and report the file as over the limit."""
        seconds = limits.max_seconds + HARD_LIMIT_GRACE_SECONDS
        answer = self.run(_clean_job, spec, (item, out_dir, _as_dict(limits)), seconds)
        if isinstance(answer, tuple):
            found, staged, size = answer[0]
            return FileResult.from_json(found), staged, size
        if answer is None:  # stopped at the limit
            _sweep_after(item, out_dir)
            name = path_text(from_item(item).source)
            over = over_time_message(name, limits.max_seconds)
            return FileResult.failed(from_item(item), over), (), 0
        return self._died(item, out_dir), (), 0

    def run(self, job: Job, spec: RulesSpec, args: tuple[Any, ...], seconds: float) -> object:
        """Run ``job(rules, *args)`` on this worker: its answer as a 1-tuple; None when it
        outlasts ``seconds`` (counted once the rules are loaded), and the worker is then
        stopped (``alive`` is False); the exception when the worker died (it is stopped)."""
        try:
            self.conn.send((job, spec, args))
        except OSError as exc:  # it died while idle
            self.stop()
            return exc
        if spec not in self.ready:  # one message less a job once the rules are loaded
            started = self._receive(START_SECONDS)
            if started != _GO:
                self.stop()
                return started if isinstance(started, BaseException) else EOFError()
            self.ready.add(spec)
        answer = self._receive(seconds)
        if not isinstance(answer, tuple):
            self.stop()
        return answer

    def _receive(self, seconds: float) -> object:
        """The worker's next message; None when it sends none in time; an exception
        when it died."""
        try:
            if not self._answered.poll(math.ceil(seconds * 1000)):
                return None
            return self.conn.recv()
        except (EOFError, OSError) as exc:
            return exc

    def _died(self, item: BatchItem, out_dir: str) -> FileResult:
        _sweep_after(item, out_dir)
        error = (
            f"the process cleaning it {self.ending()} (out of memory?); check the file, or "
            "lower the size limit (--max-bytes)"
        )
        return FileResult.failed(from_item(item), error)

    def ending(self) -> str:
        """How the stopped worker ended, for a message: killed by which signal, or died."""
        code = self.process.exitcode
        return f"was killed by signal {-code}" if code is not None and code < 0 else "died"

    @property
    def alive(self) -> bool:
        return not self.stopped and not self._ended.poll(0)

    def stop(self) -> None:
        """End the worker now, whatever it is doing (again: a no-op)."""
        self.stopped = True
        self.process.kill()
        self.process.join()
        self.conn.close()

    def finish(self) -> None:
        """Let an idle worker end on its own (its pipe closes, it returns), else stop it."""
        self.conn.close()
        self.process.join(FINISH_SECONDS)
        if self.process.is_alive():
            self.stop()


@functools.cache
def _as_dict(limits: Limits) -> dict[str, Any]:
    """``limits`` as plain data for a worker, worked out once (``asdict`` copies deeply)."""
    return asdict(limits)


def _sweep_after(item: BatchItem, out_dir: str) -> None:
    """Remove the temporary files a stopped worker may have left for ``item``'s outputs (the
    run holds the output lock, so no one else writes them)."""
    with contextlib.suppress(OutputError):  # else the next run sweeps them
        sweep_temporaries(output_paths(Path(out_dir), from_item(item)))


class Supervisor:
    """Up to ``size`` workers, lent to one batch at a time (threads may share it)."""

    def __init__(self, size: int) -> None:
        self.size = max(size, 1)
        self._idle: queue.SimpleQueue[Worker] = queue.SimpleQueue()
        self._free = threading.Semaphore(self.size)

    def clean(
        self,
        items: Sequence[BatchItem],
        out_dir: str,
        spec: RulesSpec,
        limits: Limits,
        run: RunStop | None = None,
    ) -> Iterator[FileResult]:
        """Clean the batch on one worker (a fresh one after a stop), committing its outputs
        in groups here, in the background (``batch.in_groups``), so the worker goes on while
        the disk syncs, and lending the worker out again before the last commit; after a full
        disk (in any batch of ``run``), report the rest as not cleaned, as
        ``batch.clean_items`` does."""
        self._free.acquire()
        worker = self._take()
        lent = True
        group = Group()

        def clean(done: InputFile) -> FileResult:
            nonlocal worker
            if not worker.alive:
                worker = Worker()
            result, staged, size = worker.clean(as_item(done), out_dir, spec, limits)
            group.add(done.output, staged, size)
            return result

        def give_back() -> None:
            nonlocal lent
            if lent:
                lent = False
                self._give(worker)
                self._free.release()

        try:
            inputs = (from_item(item) for item in items)
            yield from in_groups(inputs, group, clean, background=True, cleaned=give_back, run=run)
        finally:
            group.discard()  # only when the caller stopped early: the next run cleans those
            give_back()

    def each(
        self, jobs: Iterable[tuple[Job, RulesSpec, tuple[Any, ...]]], seconds: float
    ) -> Iterator[object]:
        """Run ``jobs`` one after another on one worker (a fresh one after a stop); yield each
        answer as :meth:`Worker.run` gives it."""
        self._free.acquire()
        worker = self._take()
        try:
            for job, spec, args in jobs:
                if not worker.alive:
                    worker = Worker()
                yield worker.run(job, spec, args, seconds)
        finally:
            self._give(worker)
            self._free.release()

    def _take(self) -> Worker:
        try:
            return self._idle.get_nowait()
        except queue.Empty:
            return Worker()

    def _give(self, worker: Worker) -> None:
        if worker.alive:
            self._idle.put(worker)

    def close(self) -> None:
        """End the idle workers."""
        while True:
            try:
                self._idle.get_nowait().finish()
            except queue.Empty:
                return


def clean_in_processes(
    items: Iterable[InputFile], out_dir: Path, spec: RulesSpec, limits: Limits, workers: int
) -> Iterator[FileResult]:
    """Clean ``items`` on ``workers`` stoppable worker processes; yield the results in input
    order. The library's batch API with the hard time limit: the CLI cleans this way.

    The inputs go in contiguous batches that shrink as the inputs run out
    (``batch.shrinking_batches``), so that all workers finish together; no more than
    ``IN_FLIGHT_PER_WORKER`` batches a worker are handed out at once, so memory does not
    grow with the number of inputs. A full disk stops the run: the batch that met it and,
    from their next input on, the others (``batch.RunStop``).
    """
    supervisor = Supervisor(workers)
    stream = iter(items)
    # A list is cut to keep every worker busy to the end; a stream (the records of JSONL and
    # WARC files, read as they are cleaned) in batches of a fixed size.
    groups = (
        shrinking_batches(items, workers)
        if isinstance(items, list)
        else iter(lambda: list(islice(stream, STREAM_BATCH)), [])
    )

    stop = RunStop()  # a full disk met by one batch stops the others

    def run(group: list[InputFile]) -> list[FileResult]:
        batch = [as_item(i) for i in group]
        return list(supervisor.clean(batch, str(out_dir), spec, limits, stop))

    return in_order(supervisor, groups, run)


def in_order(
    supervisor: Supervisor, groups: Iterator[G], run: Callable[[G], list[R]]
) -> Iterator[R]:
    """``run`` each group on a thread of its own (each borrowing one of ``supervisor``'s
    workers), at most ``IN_FLIGHT_PER_WORKER`` groups a worker handed out at once; yield
    their results in the groups' order; close the supervisor at the end. A thread for every
    group handed out, not for every worker: one that has lent its worker out again (to commit
    its last outputs) does not hold up the next group."""
    ahead = supervisor.size * IN_FLIGHT_PER_WORKER
    with ThreadPoolExecutor(max_workers=ahead) as threads:
        pending = deque(threads.submit(run, g) for g in islice(groups, ahead))
        try:
            while pending:
                done = pending.popleft().result()
                pending.extend(threads.submit(run, g) for g in islice(groups, 1))
                yield from done
        finally:
            for future in pending:
                future.cancel()
            supervisor.close()


def clean_file_stoppable(
    path: str | Path, *, rules: Rules | None = None, limits: Limits | None = None
) -> Article:
    """``clean.clean_file`` under the hard time limit: on a process of its own, stopped if
    it outlasts ``limits.max_seconds`` (and the grace), whatever step it is in. Raises what
    ``clean_file`` raises, a :class:`LimitError` when stopped, a :class:`CleaningError` when
    the process dies. In a daemonic process (which may not start one) it cleans in-process,
    with the limit checked between steps."""
    limits = limits or Limits()
    if multiprocessing.current_process().daemon:
        from pipeline.clean import clean_file

        return clean_file(path, rules=rules, limits=limits)
    worker = Worker()
    try:
        seconds = limits.max_seconds + HARD_LIMIT_GRACE_SECONDS
        # The worker loads the built-in rules (its fork server has them) before it says it
        # is ready; the file is cleaned with ``rules`` as given.
        answer = worker.run(_clean_file_job, RulesSpec(), (str(path), rules, limits), seconds)
    finally:
        worker.stop()  # a no-op once stopped at the limit
    name = path_text(Path(path))
    if answer is None:
        raise LimitError(over_time_message(name, limits.max_seconds))
    if not isinstance(answer, tuple):  # it died (``run`` gives why as an exception)
        msg = f"{name}: the process cleaning it {worker.ending()} (out of memory?); check the file"
        raise CleaningError(msg)
    done, value = answer[0]
    if not done:
        raise value
    article: Article = value
    return article


def _clean_file_job(
    _: Rules, path: str, rules: Rules | None, limits: Limits
) -> tuple[bool, Article | CleaningError]:
    """A worker's job (:meth:`Worker.run`): clean one file and return the article, or the
    error it fails with (a worker's loop must not end on it)."""
    from pipeline.clean import clean_file

    try:
        return True, clean_file(path, rules=rules, limits=limits)
    except CleaningError as exc:
        return False, exc
    except Exception as exc:  # as a run reports it: the file fails, with why
        return False, CleaningError(f"{path}: {unexpected(exc)}")
