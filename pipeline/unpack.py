"""Compressed inputs: gzip, bzip2, xz and zstandard, recognised by their magic numbers.

Two ways in: :func:`unpack_explained` unpacks one document held in memory, never past the
size limit (a few kilobytes can unpack to gigabytes); :func:`open_unpacked` wraps an open
file in a decompressing reader, for JSONL and WARC files that are read as streams, never
whole. The name of a file never decides: its first bytes do, so a ``.gz`` that is not gzip is
read as it is, and a ``.txt`` that is gzip is unpacked.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma

import zstandard

from pipeline import limits
from pipeline.errors import DecodeError, LimitError
from pipeline.limits import describe_size
from pipeline.read import GZIP_MAGIC, Unpacked, gunzip_explained

BZIP2_MAGIC = b"BZh"
XZ_MAGIC = b"\xfd7zXZ\x00"
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
UNPACK_CHUNK = 1 << 20
# bzip2: "BZh", the block size (1-9), then a block's magic or the end-of-stream marker.
BZIP2_BLOCK_MAGICS = (b"1AY&SY", b"\x17rE8P\x90")
# What reading a stream cut short or corrupt raises, whichever the compression.
UNPACK_ERRORS = (OSError, EOFError, ValueError, lzma.LZMAError, zstandard.ZstdError)


def compression(head: bytes) -> str | None:
    """The compression the first bytes of a file announce, if any.

    >>> compression(b"\\x1f\\x8b\\x08"), compression(b"BZh91AY&SY"), compression(b"BZh is text")
    ('gzip', 'bzip2', None)
    """
    if head.startswith(GZIP_MAGIC):
        return "gzip"
    if head.startswith(BZIP2_MAGIC) and head[3:4].isdigit() and head[4:10] in BZIP2_BLOCK_MAGICS:
        return "bzip2"
    if head.startswith(XZ_MAGIC):
        return "xz"
    if head.startswith(ZSTD_MAGIC):
        return "zstd"
    return None


def unpack_explained(data: bytes, source_id: str, max_bytes: int | None = None) -> Unpacked:
    """``data`` unpacked when it is gzip, bzip2, xz or zstandard; other data as it is.

    Unpacking stops past ``max_bytes`` (default: the limit of the document being cleaned),
    which is then a :class:`LimitError`; data cut short or corrupt is a :class:`DecodeError`
    naming ``source_id``. Gzip keeps its own rules (``read.gunzip_explained``: trailing
    bytes after the last member are ignored and counted).
    """
    kind = compression(data[:16])
    if kind is None or kind == "gzip":
        return gunzip_explained(data, source_id, max_bytes)
    limit = limits.max_bytes() if max_bytes is None else max_bytes
    try:
        with _unpacker(kind, io.BytesIO(data)) as reader:
            unpacked = reader.read(limit + 1)
    except UNPACK_ERRORS as exc:
        msg = f"{source_id}: not a valid {kind} file ({exc}); re-download or re-compress it"
        raise DecodeError(msg) from exc
    if len(unpacked) > limit:
        msg = (
            f"{source_id}: unpacks to more than the size limit of {describe_size(limit)}; "
            f"it was not cleaned. Raise the limit ({limits.SIZE_SETTING}) if it really is one "
            "article"
        )
        raise LimitError(msg)
    return Unpacked(unpacked)


def open_unpacked(raw: io.BufferedReader) -> io.BufferedIOBase:
    """A reader of ``raw``'s content, decompressed when its first bytes say it is compressed.

    Reading a stream cut short or corrupt raises one of :data:`UNPACK_ERRORS` at the point
    where it breaks: what came before has been read.
    """
    return _unpacker(compression(raw.peek(16)[:16]), raw)


def _unpacker(kind: str | None, raw: io.BufferedIOBase) -> io.BufferedIOBase:
    if kind == "gzip":
        return gzip.GzipFile(fileobj=raw, mode="rb")
    if kind == "bzip2":
        return bz2.BZ2File(raw, mode="rb")
    if kind == "xz":
        return lzma.LZMAFile(raw, mode="rb")  # type: ignore[arg-type]
    if kind == "zstd":
        return io.BufferedReader(_ZstdReader(raw), UNPACK_CHUNK)
    return raw


class _ZstdReader(io.RawIOBase):
    """Zstandard frames one after another; a frame cut short is an error, not an end.

    (``zstandard``'s own ``stream_reader`` ends quietly, with nothing, on a truncated frame.)
    """

    def __init__(self, raw: io.BufferedIOBase) -> None:
        self.raw = raw
        self.unpacker = zstandard.ZstdDecompressor().decompressobj()
        self.pending = b""
        self.started = False  # some input went into the current frame

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        while not self.pending:
            chunk = self.raw.read(UNPACK_CHUNK)
            if not chunk:
                if self.started:
                    msg = "zstandard data ended inside a frame"
                    raise EOFError(msg)
                return 0
            self._feed(chunk)
        size = min(len(buffer), len(self.pending))
        buffer[:size] = self.pending[:size]
        self.pending = self.pending[size:]
        return size

    def _feed(self, chunk: bytes) -> None:
        while chunk:
            self.started = True
            self.pending += self.unpacker.decompress(chunk)
            if not self.unpacker.eof:
                return
            chunk = self.unpacker.unused_data
            self.unpacker = zstandard.ZstdDecompressor().decompressobj()
            self.started = False
