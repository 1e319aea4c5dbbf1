"""One run at a time per output folder.

Two runs writing the same outputs (the CLI and a scheduled flow, or two flows) could leave a
body from one beside a sidecar from the other, and one could sweep the other's temporary files
as leftovers. So a run holds an exclusive lock on ``<output folder>/.article-clean.lock`` while
it plans, sweeps, cleans and writes; a second run waits for it, saying so once.

``flock`` locks belong to the open file, so the operating system drops the lock the moment
its holder exits, even when killed with SIGKILL: there is never a stale lock to clear by hand.
The file stays, empty (removing it would race with a run about to lock it; writing a process
id in it would make two runs' output folders differ). It is a file and not the folder itself
because NFS emulates ``flock`` with write locks, which need a file open for writing. Worker
processes never hold the lock; the run that started them does.
"""

from __future__ import annotations

import errno
import fcntl
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from pipeline.errors import OutputError
from pipeline.io import OUTPUT_MODE, output_error
from pipeline.read import path_text

LOCK_NAME = ".article-clean.lock"


@contextmanager
def output_lock(out_dir: Path, on_wait: Callable[[str], None] | None = None) -> Iterator[Path]:
    """Hold the output folder's lock for the block (creating the folder if needed).

    When another run holds it, ``on_wait`` is called once with a message, then this waits.
    An output folder that cannot be created or written raises :class:`OutputError`.
    """
    path = out_dir / LOCK_NAME
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        # Never through a link planted at the lock's name: it would create a file elsewhere.
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW, OUTPUT_MODE)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            msg = (
                f"cannot lock {path_text(path)}: it is a symbolic link, which a run never "
                "follows; remove it (nothing was cleaned)"
            )
            raise OutputError(msg, errno_code=exc.errno) from exc
        msg = f"{output_error(path, exc)}; nothing was cleaned"
        raise OutputError(msg, errno_code=exc.errno) from exc
    try:
        _acquire(fd, out_dir, on_wait)
        yield path
    finally:
        os.close(fd)  # releases the lock


def _acquire(fd: int, out_dir: Path, on_wait: Callable[[str], None] | None) -> None:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        if on_wait is not None:
            on_wait(f"waiting for another run writing to {path_text(out_dir)} to finish")
        fcntl.flock(fd, fcntl.LOCK_EX)
