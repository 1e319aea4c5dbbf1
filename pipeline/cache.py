"""Derived data kept between runs, in the user's cache folder: never needed, only faster.

Guarantees: a cache file lives in ``$XDG_CACHE_HOME/article-clean`` (else
``~/.cache/article-clean``), never next to inputs or outputs. Its name is given by its
caller, from a digest of everything its content is derived from, so a changed input is never
read from a stale file. It is written atomically (a temporary file renamed into place), so a
reader sees no file, an old whole one or the new whole one. A cache that cannot be read or
written is only a slower run: :func:`read` gives None and :func:`write` does nothing, never
an error.
"""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path

LOGGER = logging.getLogger(__name__)


def cache_folder() -> Path:
    """Where caches go: ``$XDG_CACHE_HOME/article-clean``, else ``~/.cache/article-clean``."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "article-clean"


def read(name: str) -> bytes | None:
    """The bytes of cache file ``name``; None when there is none or it cannot be read."""
    try:
        return (cache_folder() / name).read_bytes()
    except OSError:
        return None


def write(name: str, data: bytes) -> None:
    """Store ``data`` as cache file ``name``, atomically; on any error, store nothing."""
    path = cache_folder() / name
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    except OSError:
        LOGGER.debug("%s: cache not written", path, exc_info=True)
        return
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        Path(temporary).replace(path)  # readers see no file, the old one or the whole new one
    except OSError:
        LOGGER.debug("%s: cache not written", path, exc_info=True)
        Path(temporary).unlink(missing_ok=True)
