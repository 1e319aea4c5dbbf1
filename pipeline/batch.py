"""Clean a batch of files: the unit of work the CLI loops over and the flow sends to workers.

Everything here takes and returns plain data (strings, lists, dicts), so a batch can be
pickled to another process or a Dask worker. A file that cannot be cleaned becomes a failed
result with its reason; it never stops the batch. Transient I/O errors are retried a few times;
errors that cannot heal (undecodable input, a missing or unreadable file) are not.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from pipeline.clean import clean_file
from pipeline.errors import CleaningError, OutputError
from pipeline.io import InputFile, write_outputs
from pipeline.rules import Rules, load_rules

IO_ATTEMPTS = 3
IO_BACKOFF_SECONDS = 0.2
# OSErrors that will not go away by trying again.
PERMANENT_OS_ERRORS = (PermissionError, FileNotFoundError, IsADirectoryError, NotADirectoryError)


@dataclass(frozen=True)
class RulesSpec:
    """How to build the rules in any process: a rules file (or the built-in) and options."""

    path: str | None = None
    target_language: str | None = None
    disabled_kinds: tuple[str, ...] = ()

    def load(self) -> Rules:
        return _load_rules(self.path, self.target_language, self.disabled_kinds)


@functools.lru_cache(maxsize=8)
def _load_rules(path: str | None, language: str | None, disabled: tuple[str, ...]) -> Rules:
    return load_rules(path).with_options(target_language=language, disabled_kinds=disabled)


@dataclass(frozen=True)
class FileResult:
    """What happened to one input."""

    path: str
    output: str  # output name relative to the output folder, without suffix
    status: str  # cleaned | skipped | failed
    error: str | None = None
    removed_by_kind: dict[str, int] = field(default_factory=dict)
    chars_in: int = 0
    chars_out: int = 0
    flags: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FileResult:
        return cls(**{**data, "flags": tuple(data.get("flags", ()))})


def clean_one(item: InputFile, out_dir: Path, rules: Rules) -> FileResult:
    """Clean and write one input; failures become a result, never an exception."""
    output = item.relative.as_posix()
    error: Exception | None = None
    for attempt in range(IO_ATTEMPTS):
        try:
            article = clean_file(item.path, rules=rules)
            write_outputs(article, out_dir, item)
        except PERMANENT_OS_ERRORS as exc:
            return FileResult(str(item.path), output, "failed", _os_message(item, exc))
        except OutputError as exc:
            error = exc  # the disk or folder may recover: try again
        except CleaningError as exc:
            return FileResult(str(item.path), output, "failed", str(exc))
        except OSError as exc:
            error = exc
        else:
            stats = article.stats()
            return FileResult(
                str(item.path),
                output,
                "cleaned",
                removed_by_kind=stats["removed_by_kind"],
                chars_in=stats["chars_in"],
                chars_out=stats["chars_out"],
                flags=article.flags,
            )
        time.sleep(IO_BACKOFF_SECONDS * (attempt + 1))
    message = str(error) if isinstance(error, OutputError) else _os_message(item, error)
    return FileResult(str(item.path), output, "failed", message)


def _os_message(item: InputFile, exc: BaseException | None) -> str:
    reason = getattr(exc, "strerror", None) or str(exc)
    return f"{item.path}: cannot read: {reason}; check the file exists and is readable"


def clean_batch(
    items: Iterable[tuple[str, str]], out_dir: str, spec: RulesSpec
) -> list[dict[str, Any]]:
    """Clean ``(input path, output name)`` pairs into ``out_dir``; one result dict each."""
    rules = spec.load()
    out = Path(out_dir)
    return [
        clean_one(InputFile(Path(path), PurePosixPath(name)), out, rules).to_json()
        for path, name in items
    ]
