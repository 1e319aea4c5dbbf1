"""Per-document limits: how big an input may be and how long cleaning it may take.

A document over a limit is refused with a :class:`LimitError` that names it and the limit; it
is never cut short and cleaned in part. The size limit applies to the bytes on disk and again
to what a gzip file unpacks to (a small ``.gz`` can hold gigabytes). The time limit is checked
between stages and between lines inside them, so it stops a document within one line's work of
the deadline: every stage is linear in the size of its input (``make bench-adversarial``), so
with the size limit that overshoot is bounded too.

The limits in force travel with the document being cleaned in a context variable, so that the
stages keep their signatures and any loop can check the clock without plumbing.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from pipeline.errors import LimitError

# News articles are kilobytes and saved web pages rarely pass a few megabytes; 10 MiB leaves
# room for both while keeping a document's cleaning to seconds (about 0.6 MB/s here).
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
# Ten times what the default size limit takes on this project's 2-core machine.
DEFAULT_MAX_SECONDS = 60.0
SIZE_UNITS = {"": 1, "K": 1024, "M": 1024**2, "G": 1024**3}
# How messages name the limits: in the library's terms. The command line and the flow put
# their own option names in their place (``pipeline.console.in_command_terms``).
SIZE_SETTING = "Limits(max_bytes=...)"
TIME_SETTING = "Limits(max_seconds=...)"


@dataclass(frozen=True)
class Limits:
    """Size (bytes) and time (seconds) a single document may take."""

    max_bytes: int = DEFAULT_MAX_BYTES
    max_seconds: float = DEFAULT_MAX_SECONDS

    def __post_init__(self) -> None:
        if self.max_bytes <= 0 or not self.max_seconds > 0:
            msg = f"limits must be positive, not {self.max_bytes} bytes, {self.max_seconds} s"
            raise ValueError(msg)


@dataclass(frozen=True)
class _Active:
    limits: Limits
    source_id: str
    deadline: float  # time.monotonic() value


_ACTIVE: ContextVar[_Active | None] = ContextVar("article_clean_limits", default=None)


@contextmanager
def enforced(limits: Limits, source_id: str, size: int) -> Iterator[None]:
    """Check ``size`` now, and the clock wherever a stage calls :func:`check_time`."""
    check_size(size, limits.max_bytes, source_id)
    active = _Active(limits, source_id, time.monotonic() + limits.max_seconds)
    token = _ACTIVE.set(active)
    try:
        yield
    finally:
        _ACTIVE.reset(token)


def check_size(size: int, max_bytes: int, source_id: str, what: str = "is") -> None:
    """Refuse ``size`` bytes over ``max_bytes``."""
    if size > max_bytes:
        msg = (
            f"{source_id}: {what} {describe_size(size)}, over the size limit of "
            f"{describe_size(max_bytes)}; it was not cleaned. Raise the limit ({SIZE_SETTING}) "
            "if it really is one article, or split it"
        )
        raise LimitError(msg)


def check_time() -> None:
    """Raise :class:`LimitError` when the document being cleaned is past its deadline."""
    active = _ACTIVE.get()
    if active is not None and time.monotonic() > active.deadline:
        raise LimitError(over_time_message(active.source_id, active.limits.max_seconds))


def over_time_message(source_id: str, max_seconds: float) -> str:
    """What a file stopped at the time limit is reported with (here, or by the supervisor
    that stops a worker process, ``pipeline.supervise``)."""
    return (
        f"{source_id}: cleaning took longer than the time limit of {max_seconds:g} s and was "
        f"stopped; raise the limit ({TIME_SETTING}) or check that the file is an article"
    )


def max_bytes() -> int:
    """The size limit for the document being cleaned (the default outside one)."""
    active = _ACTIVE.get()
    return active.limits.max_bytes if active is not None else DEFAULT_MAX_BYTES


def describe_size(size: int) -> str:
    """Bytes in the largest unit that keeps a digit before the point.

    >>> describe_size(52_428_800), describe_size(1536), describe_size(12)
    ('50.0 MiB', '1.5 KiB', '12 bytes')
    """
    for unit, factor in (("GiB", 1024**3), ("MiB", 1024**2), ("KiB", 1024)):
        if size >= factor:
            return f"{size / factor:.1f} {unit}"
    return f"{size} bytes"


def parse_size(text: str) -> int:
    """A byte count with an optional K, M or G suffix (binary: 1K = 1024).

    >>> parse_size("10M"), parse_size("512k"), parse_size("2000")
    (10485760, 524288, 2000)
    """
    cleaned = text.strip().upper().removesuffix("B").removesuffix("I")
    unit = cleaned[-1:] if cleaned[-1:] in SIZE_UNITS else ""
    number = cleaned[: len(cleaned) - len(unit)]
    try:
        value = float(number) * SIZE_UNITS[unit]
    except ValueError:
        msg = f"not a size: {text!r} (write bytes, or a number with K, M or G)"
        raise ValueError(msg) from None
    if not math.isfinite(value) or value < 1:
        msg = f"a size must be at least one byte, not {text!r}"
        raise ValueError(msg)
    return int(value)
