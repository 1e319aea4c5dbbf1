"""Time by stage, in any process that cleans: the benchmark's instrumentation.

``install()`` wraps, in the running process, the library functions a document passes through
and adds their seconds into one dict (``RAW``); ``dump()`` writes that dict to
``$ARTICLE_CLEAN_BENCH_STAGES/<pid>.json``. In a process the benchmark starts (the library
runner, the CLI, the flow and its worker processes) ``bench/hook/sitecustomize.py`` calls
:func:`install_on_import`, so the wrapping happens as ``pipeline.batch`` is imported and the
dict is dumped after every batch and at exit. The wrappers add two clock reads per call
(well under 1% of a document's time); nothing else about the code measured changes.

What is wrapped (raw keys), and how :func:`issue_stages` maps them to the issue's stages:

- ``read``: ``read_input`` (reading the file): reported under *decode* (a JSONL or WARC
  record is read by the parent process, outside any stage: its wall time only);
- lap ``decode+repair`` / ``html+repair`` of ``clean_bytes(timings=...)``: gunzip, binary
  sniffing, decoding, the garbage test, the source SHA-256, and ``repair`` (ftfy and the
  other line repairs) or, for HTML, ``html.extract`` (parse, pre-clean, trafilatura);
- ``repair``: ``pipeline.repair.repair`` — reported as *ftfy* (it is ftfy plus the control
  character, whitespace and NFC clean-up and the hard-wrap joins, which cannot be split off);
- ``html`` (of which ``trafilatura``: ``bare_extraction``): reported as *html*;
- laps ``segment``, ``language`` (the document's language and the on-target test), and
  ``classify``, ``revise``, ``structure``;
- ``language_lines``: the ``script`` and ``langdetect`` line matchers, which run inside
  ``classify``: moved from *rules* to *language*;
- ``write``: ``write_outputs`` (body and sidecar, each fsynced, then renamed).
"""

from __future__ import annotations

import atexit
import functools
import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import json
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

ENV = "ARTICLE_CLEAN_BENCH_STAGES"
# The issue's stages in pipeline order, with the HTML step beside them: the table's columns.
STAGE_NAMES = ("decode", "html", "ftfy", "segment", "language", "rules", "write")
RAW: dict[str, float] = {}
_INSTALLED: list[bool] = []


def _add(key: str, seconds: float) -> None:
    RAW[key] = RAW.get(key, 0.0) + seconds


def timed(key: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    """``fn``, adding the seconds each call takes to ``RAW[key]``."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            _add(key, time.perf_counter() - start)

    return wrapper


def _with_laps(fn: Callable[..., Any]) -> Callable[..., Any]:
    """``clean_file`` with ``timings=`` pointing at a dict whose laps go into ``RAW``."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        laps: dict[str, float] = {}
        try:
            return fn(*args, timings=laps, **kwargs)
        finally:
            for name, seconds in laps.items():
                _add(f"lap:{name}", seconds)
            _add("docs", 1.0)

    return wrapper


def install() -> None:
    """Wrap the library's stage functions in this process (once)."""
    if _INSTALLED:
        return
    batch = importlib.import_module("pipeline.batch")  # may be half-way through its import
    clean = importlib.import_module("pipeline.clean")
    matchers = importlib.import_module("pipeline.matchers")
    classify = importlib.import_module("pipeline.classify")
    _wrap(clean, "clean_file", _with_laps)  # ``batch.clean_input`` looks it up there per call
    _wrap(batch, "clean_document", _with_laps)  # a JSONL or WARC record (read by the parent)
    _wrap(batch, "write_outputs", functools.partial(timed, "write"))
    _wrap(clean, "read_input", functools.partial(timed, "read"))
    _wrap(clean, "repair", functools.partial(timed, "repair"))
    for name in ("script", "langdetect"):
        matchers.LINE_MATCHERS[name] = timed("language_lines", matchers.LINE_MATCHERS[name])
    classify._PLANS.clear()  # plans hold the matchers: rebuild them with the wrappers
    # A worker forked from the fork server would inherit what the server spent on its
    # warm-up page (``pipeline.preload``) and count it as its own: each child starts at zero.
    os.register_at_fork(after_in_child=RAW.clear)
    _INSTALLED.append(True)
    # The HTML step is imported with the first page (``pipeline.clean``): wrapped then, so
    # that measuring does not make a text run import it.
    if "pipeline.html" in sys.modules:
        _on_html_import(sys.modules["pipeline.html"])
    elif not any(isinstance(finder, _Finder) for finder in sys.meta_path):
        sys.meta_path.insert(0, _Finder({"pipeline.html"}))


def _on_html_import(module: ModuleType) -> None:
    if getattr(module, "_bench_wrapped", False):
        return
    _wrap(module, "extract", functools.partial(timed, "html"))
    _wrap(module, "bare_extraction", functools.partial(timed, "trafilatura"))
    module._bench_wrapped = True  # type: ignore[attr-defined]


def _wrap(module: ModuleType, name: str, wrapper: Callable[[Any], Any]) -> None:
    """Replace ``module.name`` (the name the calling code looks up) with its wrapped self."""
    setattr(module, name, wrapper(getattr(module, name)))


def dump() -> None:
    """Write ``RAW`` to ``$ARTICLE_CLEAN_BENCH_STAGES/<pid>.json`` (replacing the last dump),
    if this process cleaned a document: the fork server's warm-up page is not one (it is
    cleaned without laps), and counting its HTML and repair time but not its laps made the
    decode stage (the laps less those) negative on runs of a few documents."""
    folder = os.environ.get(ENV)
    if not folder or not RAW.get("docs"):
        return
    path = Path(folder) / f"{os.getpid()}.json"
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(RAW))
    tmp.replace(path)


def _dump_after(fn: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        finally:
            dump()

    return wrapper


def _on_batch_import(module: ModuleType) -> None:
    install()
    # Worker processes may end without running atexit: dump after every batch as well.
    _wrap(module, "clean_batch", _dump_after)
    _wrap(module, "clean_batch_summary", _dump_after)  # what the flow's Dask tasks run
    atexit.register(dump)


def _on_supervise_import(module: ModuleType) -> None:
    # A stoppable worker's life (``pipeline.supervise``): dump when it ends.
    _wrap(module, "_serve", _dump_after)


HOOKS: dict[str, Callable[[ModuleType], None]] = {
    "pipeline.batch": _on_batch_import,
    "pipeline.supervise": _on_supervise_import,
    "pipeline.html": _on_html_import,
}


class _Then(importlib.abc.Loader):
    """A loader that runs ``then(module)`` once the real loader has executed the module."""

    def __init__(self, inner: importlib.abc.Loader, then: Callable[[ModuleType], None]) -> None:
        self.inner, self.then = inner, then

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return self.inner.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        self.inner.exec_module(module)
        self.then(module)


class _Finder(importlib.abc.MetaPathFinder):
    """Finds nothing itself; hooks ``HOOKS`` onto the loaders of the modules they name."""

    def __init__(self, names: set[str] | None = None) -> None:
        self.waiting = {name for name in names or HOOKS if name not in sys.modules}

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname not in self.waiting:
            return None
        self.waiting.discard(fullname)
        sys.meta_path.remove(self)  # so that the real spec is found, not this finder again
        try:
            spec = importlib.util.find_spec(fullname)
        finally:
            if self.waiting:
                sys.meta_path.insert(0, self)
        if spec is not None and spec.loader is not None:
            spec.loader = _Then(spec.loader, HOOKS[fullname])
        return spec


def install_on_import() -> None:
    """Instrument this process as soon as it imports ``pipeline.batch`` and
    ``pipeline.supervise`` (when it ever does: Prefect's server process never does, so it
    pays nothing)."""
    for name, hook in HOOKS.items():
        if name in sys.modules:
            hook(sys.modules[name])
    if any(name not in sys.modules for name in HOOKS):
        sys.meta_path.insert(0, _Finder())


def collect(folder: Path) -> dict[str, float]:
    """The sum of every process's dump in ``folder``."""
    total: dict[str, float] = {}
    for path in sorted(folder.glob("*.json")):
        for key, value in json.loads(path.read_text()).items():
            total[key] = total.get(key, 0.0) + value
    return total


def issue_stages(raw: dict[str, float]) -> dict[str, float]:
    """Seconds per issue stage (``STAGE_NAMES``) from the raw keys; see the module docstring.

    >>> raw = {"read": 1.0, "lap:decode+repair": 5.0, "repair": 3.0, "lap:classify": 4.0,
    ...        "language_lines": 1.0, "lap:language": 1.0, "write": 2.0}
    >>> stages = issue_stages(raw)
    >>> stages["decode"], stages["ftfy"], stages["language"], stages["rules"]
    (3.0, 3.0, 2.0, 3.0)
    """
    get = raw.get
    html = get("html", 0.0)
    laps = get("lap:decode+repair", 0.0) + get("lap:html+repair", 0.0)
    rules = get("lap:classify", 0.0) + get("lap:revise", 0.0) + get("lap:structure", 0.0)
    return {
        "decode": get("read", 0.0) + laps - get("repair", 0.0) - html,
        "html": html,
        "ftfy": get("repair", 0.0),
        "segment": get("lap:segment", 0.0),
        "language": get("lap:language", 0.0) + get("language_lines", 0.0),
        "rules": rules - get("language_lines", 0.0),
        "write": get("write", 0.0),
    }
