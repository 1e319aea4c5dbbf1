"""What an output folder was last found to hold, so that a re-run need not read it all again.

The state file (``.article-clean-state`` in the output folder, replaced atomically) is a cache
of facts, never a source of outputs: deleting it only makes the next run slower. It holds

- the ``pipeline`` fields the outputs were checked against (``incremental.expected_pipeline``):
  other rules, options or versions void the whole file;
- *verified fingerprints*: a 64-bit hash of an input's path and output name and of the
  identity (device, inode, size, modification and change times) of the input, its body and
  its sidecar, for each input whose outputs were found current by reading the sidecar and
  hashing the input. The same fingerprint later means the same three files: a write changes a
  file's change time, a replacement its inode;
- the corpus: the identity of ``articles.jsonl`` as written, its record count, and an
  order-free digest of the output name and the body and sidecar identities of every article
  it was built from.

A file changed less than ``RACY_NS`` before it was looked at is never vouched for: a second
change within the same tick of the file system's clock could leave its identity as it was
(git's "racy" index entries). Memory: 8 bytes per input.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import os
import time
from array import array
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.io import atomic_write

STATE_NAME = ".article-clean-state"
STATE_FORMAT = 1
# File times come from the kernel's coarse clock, a tick (at most 10 ms) behind: a change
# seen 50 ms after it was made cannot be followed by another with the same times. Whole
# seconds suggest a file system that keeps seconds only, where the window is 2 s.
RACY_NS = 50_000_000
COARSE_RACY_NS = 2_000_000_000
SECOND_NS = 1_000_000_000
MODULUS = 1 << 128  # corpus digests add up 128-bit hashes of their articles

Identity = tuple[int, int, int, int, int]


def identity(path: str) -> Identity | None:
    """A regular file's (device, inode, size, mtime, ctime), or None if it is not one."""
    try:
        info = os.stat(path)  # noqa: PTH116 (a path object per file costs more than this)
    except (OSError, ValueError):
        return None
    if (info.st_mode & 0o170000) != 0o100000:  # not a regular file
        return None
    return (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)


def is_racy(ident: Identity | None, seen_ns: int) -> bool:
    """True when the file changed too recently before ``seen_ns`` to vouch for its identity.

    >>> is_racy((0, 1, 5, 10, 1_000_123), 1_000_200), is_racy((0, 1, 5, 10, 7), 3 * 10**9)
    (True, False)
    """
    if ident is None:
        return False
    changed = max(ident[3], ident[4])
    window = COARSE_RACY_NS if changed % SECOND_NS == 0 else RACY_NS
    return changed > seen_ns - window


def fingerprint(source: str, output: str, idents: tuple[Identity | None, ...]) -> int:
    """64 bits identifying an input, its output name and its files' identities."""
    text = f"{source}\0{output}\0{idents!r}".encode("utf-8", "surrogateescape")
    return int.from_bytes(hashlib.blake2b(text, digest_size=8).digest(), "little")


def article_key(output: str, body: Identity | None, sidecar: Identity | None) -> int:
    """128 bits for one article of the corpus: its name and its files' identities."""
    text = f"{output}\0{body!r}\0{sidecar!r}".encode("utf-8", "surrogateescape")
    return int.from_bytes(hashlib.blake2b(text, digest_size=16).digest(), "little")


@dataclass
class CorpusDigest:
    """An order-free digest of the articles a corpus is built from."""

    total: int = 0
    count: int = 0
    racy: bool = False  # some article's files changed too recently to vouch for

    def add(self, key: int, *, racy: bool = False) -> None:
        self.total = (self.total + key) % MODULUS
        self.count += 1
        self.racy = self.racy or racy

    def value(self) -> dict[str, Any]:
        return {"articles": self.count, "digest": f"{self.total:032x}"}


@dataclass
class OutputState:
    """The state of one output folder: loaded at the start of a run, rewritten at its end."""

    pipeline: dict[str, Any]
    verified: array[int] = field(default_factory=lambda: array("Q"))  # sorted
    corpus: dict[str, Any] | None = None

    def knows(self, mark: int) -> bool:
        """Whether ``mark`` (a :func:`fingerprint`) was verified current."""
        index = bisect.bisect_left(self.verified, mark)
        return index < len(self.verified) and self.verified[index] == mark

    def corpus_is_current(self, path: Path, digest: CorpusDigest) -> int | None:
        """The corpus's record count if ``path`` is the corpus built from ``digest``'s
        articles and untouched since; otherwise None."""
        if self.corpus is None or digest.racy:
            return None
        recorded = {k: v for k, v in self.corpus.items() if k != "records"}
        now = {**digest.value(), "file": list(identity(str(path)) or ())}
        return int(self.corpus["records"]) if recorded == now else None


def load_state(out_dir: Path, pipeline: dict[str, Any]) -> OutputState:
    """The folder's state if it was recorded for ``pipeline``; an empty one otherwise
    (missing, unreadable, another format, other rules or options)."""
    empty = OutputState(pipeline)
    try:
        data = (out_dir / STATE_NAME).read_bytes()
        head, _, marks = data.partition(b"\n")
        header = json.loads(head)
    except (OSError, ValueError):
        return empty
    if not isinstance(header, dict) or header.get("format") != STATE_FORMAT:
        return empty
    if header.get("pipeline") != pipeline or len(marks) != 8 * header.get("verified", -1):
        return empty
    verified = array("Q")
    verified.frombytes(marks)
    corpus = header.get("corpus")
    return OutputState(pipeline, verified, corpus if isinstance(corpus, dict) else None)


def save_state(out_dir: Path, state: OutputState) -> None:
    """Write ``state`` atomically: a JSON header line, then the sorted fingerprints."""
    header = {
        "format": STATE_FORMAT,
        "pipeline": state.pipeline,
        "corpus": state.corpus,
        "verified": len(state.verified),
    }
    data = json.dumps(header, sort_keys=True).encode() + b"\n" + state.verified.tobytes()
    atomic_write(out_dir / STATE_NAME, data)


def corpus_record(path: Path, digest: CorpusDigest, records: int) -> dict[str, Any] | None:
    """What the state records of a corpus just written to ``path``: waits out the racy
    window first, so that the identity read is one a later change must alter."""
    if digest.racy:
        return None
    time.sleep(RACY_NS / SECOND_NS)
    ident = identity(str(path))
    if ident is None or is_racy(ident, time.time_ns()):
        return None
    return {**digest.value(), "file": list(ident), "records": records}
