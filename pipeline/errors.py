"""Errors the library raises. Each message names the problem and what to do next.

The library never returns ``None`` to mean "discarded": a document it cannot clean raises a
subclass of :class:`CleaningError`; a document with everything removed is a valid result.
``retryable`` says whether trying the same file again in a moment may succeed (a transient
I/O error); decoding errors, limits and a full disk never heal by retrying.
"""

from __future__ import annotations

import errno

# Output errors that stop a whole run: every later file would fail the same way.
DISK_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT})
# Errors a retry a moment later cannot fix: the file system's answer will be the same.
PERMANENT_ERRNOS = DISK_FULL_ERRNOS | {
    errno.EACCES, errno.EPERM, errno.EROFS, errno.ENAMETOOLONG, errno.ENOTDIR, errno.EISDIR,
    errno.EEXIST, errno.ENOENT, errno.ELOOP, errno.EINVAL, errno.ENXIO, errno.EFBIG,
}  # fmt: skip


class CleaningError(Exception):
    """Base class: one input could not be cleaned. Other inputs are unaffected."""

    retryable: bool = False


class DecodeError(CleaningError):
    """The bytes are not text in any encoding we can recognise (binary, corrupt gzip...)."""


class UnsupportedInputError(CleaningError):
    """The input is of a kind this version does not clean (an unknown format name)."""


class RulesError(CleaningError):
    """The rules file is invalid. Raised at load time, before any article is touched."""


class InputError(CleaningError):
    """The input could not be read: missing, unreadable, not a regular file, or it changed
    while it was being read."""

    def __init__(self, message: str, *, retryable: bool = False) -> None:
        super().__init__(message)
        self.retryable = retryable


class LimitError(CleaningError):
    """The input is over a configured limit (size or time); it was not cleaned, not cut."""


class OutputError(CleaningError):
    """An output could not be written (collision, unwritable folder, full disk)."""

    def __init__(self, message: str, *, errno_code: int | None = None) -> None:
        super().__init__(message)
        self.errno = errno_code
        self.retryable = errno_code is not None and errno_code not in PERMANENT_ERRNOS

    @property
    def disk_full(self) -> bool:
        """No space (or quota) left: the run should stop rather than fail file after file."""
        return self.errno in DISK_FULL_ERRNOS
