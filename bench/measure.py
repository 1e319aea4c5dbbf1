"""Run one command in a fresh process and measure it: wall time, peak memory, time by stage.

Peak RSS comes two ways, both read from ``/proc`` every ``SAMPLE_SECONDS`` for the child
and all its descendants (worker processes, Prefect's server):

- ``rss_mb``: the biggest single process: the largest ``VmHWM``, the kernel's own high-water
  mark of a process's resident set, so nothing is missed except growth in a process's last
  interval. (Not ``ru_maxrss`` from ``wait4``: Linux folds the parent's high-water mark into
  a child at ``exec``, so it can report the benchmark's own size; it is the fallback only
  for a child too short-lived to be sampled.)
- ``tree_mb``: the sum of ``VmRSS`` over the processes alive at once, sampled (a peak shorter
  than the interval can be missed).

Each sample scans ``/proc`` with plain ``os.read`` calls (about 2 ms with 80 processes on the
machine: under 1% of one core at this interval).
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench import stages

ROOT = Path(__file__).resolve().parent.parent
HOOK = ROOT / "bench" / "hook"
SAMPLE_SECONDS = 0.25
PAGE_MB = os.sysconf("SC_PAGE_SIZE") / 2**20


@dataclass
class Measured:
    """One command's run."""

    wall: float
    rss_mb: float
    tree_mb: float
    stages: dict[str, float] = field(default_factory=dict)  # raw keys of bench.stages
    output: str = ""


def bench_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment for measured processes: the stage hook first on the path."""
    env = {**os.environ, **(extra or {})}
    path = [str(HOOK), str(ROOT), *filter(None, env.get("PYTHONPATH", "").split(os.pathsep))]
    env["PYTHONPATH"] = os.pathsep.join(path)
    return env


def run(command: list[str], env: dict[str, str], *, with_stages: bool = True) -> Measured:
    """Run ``command`` to completion; raise if it fails, showing what it printed."""
    with tempfile.TemporaryDirectory(prefix="bench-stages-") as dumps:
        env = {**env, stages.ENV: dumps} if with_stages else env
        with tempfile.TemporaryFile() as log:
            start = time.perf_counter()
            process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
            sampler = TreeSampler(process.pid)
            sampler.start()
            _, status, usage = os.wait4(process.pid, 0)
            wall = time.perf_counter() - start
            sampler.stop()
            # A pool's workers can outlive the command by a moment, still writing their stage
            # dumps: read the folder only once every process seen under it has gone.
            wait_gone(sampler.seen - {process.pid})
            process.returncode = os.waitstatus_to_exitcode(status)
            log.seek(0)
            output = log.read().decode("utf-8", "replace")
        if process.returncode != 0:
            msg = f"{' '.join(command)} exited {process.returncode}:\n{output}"
            raise RuntimeError(msg)
        raw = stages.collect(Path(dumps))
    rss = sampler.biggest_mb or usage.ru_maxrss / 1024
    return Measured(wall, rss, sampler.peak_mb, raw, output)


class TreeSampler(threading.Thread):
    """Samples the summed RSS of a process and its descendants until stopped."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak_mb = 0.0  # the most all processes held at once
        self.biggest_mb = 0.0  # the most one process held
        self.seen: set[int] = set()  # every process found under it
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            tree = descendants(self.pid)
            self.seen.update(tree)
            self.peak_mb = max(self.peak_mb, sum(map(_resident_pages, tree)) * PAGE_MB)
            self.biggest_mb = max(self.biggest_mb, *map(high_water_mb, tree))
            self._stop_event.wait(SAMPLE_SECONDS)

    def stop(self) -> None:
        self._stop_event.set()
        self.join()


def wait_gone(pids: set[int], timeout: float = 10.0) -> None:
    """Wait until none of ``pids`` is running (at most ``timeout`` seconds)."""
    deadline = time.monotonic() + timeout
    while any(_running(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.02)


def _running(pid: int) -> bool:
    fields = _stat_fields(pid)
    return bool(fields) and fields[0] != "Z"  # a zombie has ended: only its parent's wait is left


def descendants(root: int) -> list[int]:
    """``root`` and every process under it."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            parent = _parent(int(entry.name))
            if parent is not None:
                children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += children.get(pid, [])
    return found


def tree_rss_mb(root: int) -> float:
    """Summed resident memory of ``root`` and its descendants, in MB (0 once it is gone)."""
    return sum(map(_resident_pages, descendants(root))) * PAGE_MB


def _read(path: str) -> str:
    """A small /proc file's text ('' once the process is gone); pathlib costs 5x more here."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return ""
    try:
        return os.read(fd, 1 << 16).decode("utf-8", "replace")
    except OSError:
        return ""
    finally:
        os.close(fd)


def high_water_mb(pid: int) -> float:
    """A process's peak resident set so far (``VmHWM``), in MB; 0 when it is gone."""
    for line in _read(f"/proc/{pid}/status").splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _parent(pid: int) -> int | None:
    fields = _stat_fields(pid)
    return int(fields[1]) if fields else None


def _stat_fields(pid: int) -> list[str]:
    """The fields of ``/proc/<pid>/stat`` after the name (state, parent id, ...); none once
    the process is gone. The name (field 2) is in parentheses and may hold spaces."""
    stat = _read(f"/proc/{pid}/stat")
    return stat[stat.rindex(")") + 2 :].split() if stat else []


def _resident_pages(pid: int) -> int:
    fields = _read(f"/proc/{pid}/statm").split()
    return int(fields[1]) if len(fields) > 1 else 0
