"""Reading inputs: only regular files, within the size limit, in one consistent piece.

Guarantees: inputs are only ever opened for reading, never modified, renamed or deleted;
every refusal is a :class:`CleaningError` naming the file, what was wrong and what to do;
bytes that were read while the file changed are never cleaned; gzip data is unpacked no
further than the size limit.
"""

from __future__ import annotations

import errno
import os
import stat
import zlib
from pathlib import Path
from typing import NamedTuple

from pipeline import limits
from pipeline.errors import PERMANENT_ERRNOS, DecodeError, InputError, LimitError
from pipeline.limits import DEFAULT_MAX_BYTES, check_size, describe_size

GZIP_MAGIC = b"\x1f\x8b"
READ_CHUNK = 1 << 20
TRAILING_SHOWN = 16  # bytes of ignored data after a gzip file shown in its sidecar
READ_FLAGS = os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC | os.O_NOFOLLOW
FILE_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)


def path_text(path: Path | str) -> str:
    """The path as text that is always valid UTF-8 (for messages, sidecars and reports).

    A file name's bytes that are not UTF-8 become ``\\xNN`` escapes instead of the lone
    surrogates Python uses for them, which cannot be printed or written as JSON.

    >>> path_text(os.fsdecode(b"caf\\xe9 story.txt"))
    'caf\\\\xe9 story.txt'
    """
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def file_identity(st: os.stat_result) -> int:
    """Which file this is: its device and inode in one number (one object per input, where a
    tuple would be three)."""
    return (st.st_dev << 64) | st.st_ino


def read_input(path: Path, max_bytes: int = DEFAULT_MAX_BYTES, identity: int = 0) -> bytes:
    """The file's bytes, as they are on disk (``clean_bytes`` gunzips).

    Refuses, naming the file: a symbolic link (never followed); anything but a regular file (a
    named pipe would block the run forever, a device never ends); given ``identity`` (what
    discovery saw, :func:`file_identity`), any other file than that one, which is what an input
    or a folder above it swapped for a link since discovery looks like; a file over
    ``max_bytes``, judged by its size before reading and again while reading, in case it
    grows; and a file that changed while it was read (its size or times moved), since the
    bytes read may be half old and half new.
    """
    name = path_text(path)
    fd = open_regular(path)
    try:
        before = os.fstat(fd)
        if identity and file_identity(before) != identity:
            raise _swapped(name)
        check_size(before.st_size, max_bytes, name)
        data = _read_at_most(fd, max_bytes + 1)  # one byte more: it may have grown
        after = os.fstat(fd)
    except OSError as exc:
        raise input_error(name, exc) from exc
    finally:
        os.close(fd)
    if _identity(before) != _identity(after) or len(data) != before.st_size:
        msg = (
            f"{name}: the file changed while it was being read; "
            "run again once whatever writes it has finished"
        )
        raise InputError(msg, retryable=True)
    return data


def _swapped(name: str) -> InputError:
    return InputError(
        f"{name}: this is not the file that was found there when the run started (it, or a "
        "folder above it, was replaced, perhaps by a symbolic link); it was not read. Check "
        "what replaced it, then run again"
    )


def open_regular(path: Path) -> int:
    """A read-only descriptor on ``path``, which must be a regular file, not a link to one.

    Opened non-blocking: opening a named pipe with no writer would otherwise wait forever.
    ``O_NOFOLLOW``: a link may point anywhere (``/etc/passwd``); it is refused, not followed.
    """
    name = path_text(path)
    try:
        fd = os.open(path, READ_FLAGS)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            msg = (
                f"{name}: this is a symbolic link; links are not followed. Name the file it "
                "points to instead, or leave it out"
            )
            raise InputError(msg) from exc
        raise input_error(name, exc) from exc
    try:
        mode = os.fstat(fd).st_mode
    except OSError as exc:
        os.close(fd)
        raise input_error(name, exc) from exc
    if not stat.S_ISREG(mode):
        os.close(fd)
        kind = next((k for test, k in FILE_KINDS if test(mode)), "not a file")
        msg = f"{name}: this is {kind}, not a regular file; only files can be cleaned"
        raise InputError(msg)
    return fd


def input_error(name: str, exc: OSError) -> InputError:
    """An OSError from reading an input, as an error that says what to do."""
    advice = {
        errno.EACCES: "this user may not read it; fix its permissions or leave it out",
        errno.EPERM: "this user may not read it; fix its permissions or leave it out",
        errno.ENOENT: "check the name (if it was there before, it was deleted or moved)",
    }.get(exc.errno or 0, "check the file exists and is readable")
    reason = exc.strerror or str(exc)
    retryable = exc.errno not in PERMANENT_ERRNOS
    return InputError(f"{name}: cannot read: {reason}; {advice}", retryable=retryable)


def _read_at_most(fd: int, limit: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while size < limit:
        chunk = os.read(fd, min(READ_CHUNK, limit - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def _identity(st: os.stat_result) -> tuple[int, ...]:
    """What changes when a file is rewritten, appended to or replaced."""
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


class Unpacked(NamedTuple):
    """What a gzip file held: the data, and what followed its last member that was not gzip."""

    data: bytes
    trailing: int = 0  # bytes after the last member that are not a gzip member; ignored
    trailing_head: bytes = b""  # the first of them, to show in the sidecar


def gunzip_if_needed(data: bytes, source_id: str, max_bytes: int | None = None) -> bytes:
    """Decompress gzip data (recognised by its magic number); other data is returned as is.

    See :func:`gunzip_explained`, which also says what was ignored after the gzip data.
    """
    return gunzip_explained(data, source_id, max_bytes).data


def gunzip_explained(data: bytes, source_id: str, max_bytes: int | None = None) -> Unpacked:
    """Decompress gzip data (recognised by its magic number); other data is returned as is.

    Decompression stops past ``max_bytes`` (default: the limit of the document being
    cleaned): a few kilobytes of gzip can unpack to gigabytes. Bytes after a complete member
    that do not start another one (padding, junk a download appended) are ignored and
    counted, as ``gzip -d`` does ("trailing garbage ignored"); a member that is cut short or
    corrupt is an error.
    """
    if not data.startswith(GZIP_MAGIC):
        return Unpacked(data)
    limit = limits.max_bytes() if max_bytes is None else max_bytes
    try:
        unpacked = _gunzip_at_most(data, limit + 1)
    except (OSError, EOFError, zlib.error) as exc:
        msg = f"{source_id}: not a valid gzip file ({exc}); re-download or re-compress it"
        raise DecodeError(msg) from exc
    if len(unpacked.data) > limit:
        msg = (
            f"{source_id}: unpacks to more than the size limit of {describe_size(limit)}; "
            f"it was not cleaned. Raise the limit ({limits.SIZE_SETTING}) if it really is one "
            "article"
        )
        raise LimitError(msg)
    return unpacked


def _gunzip_at_most(data: bytes, limit: int) -> Unpacked:
    """Every gzip member of ``data``, but no more than ``limit`` bytes of output."""
    out = bytearray()
    rest = data
    while rest and len(out) < limit:
        if rest is not data and not rest.startswith(GZIP_MAGIC):
            return Unpacked(bytes(out), len(rest), rest[:TRAILING_SHOWN])
        unpacker = zlib.decompressobj(wbits=31)  # gzip header and trailer, CRC checked
        out += unpacker.decompress(rest, limit - len(out))
        if len(out) >= limit:
            break
        if not unpacker.eof:
            msg = "compressed data ended before the end-of-stream marker"
            raise EOFError(msg)
        rest = unpacker.unused_data
    return Unpacked(bytes(out))
