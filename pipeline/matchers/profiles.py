"""langdetect's language profiles, loaded from a compact cached form.

``DetectorFactory.load_profile`` parses 2.3 MB of JSON and fills a dict of 87,600 n-grams,
each a list of 55 floats, in Python: about 0.6 s, paid by every worker process that meets a
doubtful line. Most of it is not the JSON but the cyclic garbage collector, which walks the
growing lists (4.8 million items) again and again while they are made. Here the table is
read from a sparse cache (the 184,000 non-zero probabilities, a few MB) into a
:class:`LazyTable`: every n-gram is a key from the start, and its row of probabilities (a
tuple) is made the first time a detector asks for it. A run meets a few thousand of the
87,600, so a load is the n-gram index alone: about 0.02 s, where making every row took
0.17 s, and a detector's first look at a row costs a few microseconds more.

Guarantees:

- :func:`load_profiles` gives the languages in langdetect's own order and, for every n-gram,
  the same probabilities (float for float) as ``load_profile`` on the installed profiles:
  detectors made from it give the same answers. The cache is built from langdetect's own
  ``load_profile``, never from code that re-implements it.
- The cache is a function of its inputs alone: the same profiles give the same bytes. Its
  name holds a digest of langdetect's version, the profile files (names in listing order,
  sizes, modification times) and this format, so an upgraded langdetect or edited profiles
  are never read from a stale cache. It lives in the user's cache folder
  (``$XDG_CACHE_HOME/article-clean``, else ``~/.cache/article-clean``), never next to inputs.
- It is written atomically (a temporary file renamed into place); a cache that cannot be
  written, or one that does not read back whole, is only a slower load: never an error.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sys
from array import array
from collections.abc import Iterator
from importlib import metadata
from itertools import accumulate
from pathlib import Path

from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory

from pipeline import cache

LOGGER = logging.getLogger(__name__)

# Bump when the file's layout changes: the digest in its name changes with it.
FORMAT = b"article-clean langdetect profiles 1\n"
# Between n-grams in the file; an n-gram holding it is not cached (none does).
SEPARATOR = "\x00"

Row = tuple[float, ...]
Table = dict[str, Row]


def load_profiles(directory: str = PROFILES_DIRECTORY) -> tuple[list[str], Table]:
    """The languages and the n-gram probability table ``DetectorFactory`` would load."""
    path = cache_path(directory)
    if path is not None:
        loaded = _read(path)
        if loaded is not None:
            return loaded
    languages, table = _from_langdetect(directory)
    if path is not None:
        _write(path, languages, table)
    return languages, table


def factory(directory: str = PROFILES_DIRECTORY) -> DetectorFactory:
    """A ``DetectorFactory`` holding the profiles, as after its ``load_profile``."""
    made = DetectorFactory()
    made.langlist, made.word_lang_prob_map = load_profiles(directory)
    return made


def cache_path(directory: str) -> Path | None:
    """The cache file for these profiles and this langdetect; None when they cannot be read."""
    try:
        # The order langdetect numbers the languages in is its own call's, os.listdir's.
        names = os.listdir(directory)  # noqa: PTH208
        stats = [(Path(directory) / name).stat() for name in names]
        version = metadata.version("langdetect")
    except (OSError, metadata.PackageNotFoundError):
        return None
    key = hashlib.sha256(FORMAT)
    key.update(json.dumps([version, sys.byteorder, names]).encode())
    for stat in stats:
        key.update(f"{stat.st_size} {stat.st_mtime_ns};".encode())
    return cache.cache_folder() / f"langdetect-{version}-{key.hexdigest()[:20]}.profiles"


def _from_langdetect(directory: str) -> tuple[list[str], Table]:
    """langdetect's own load, its lists made tuples."""
    loaded = DetectorFactory()
    loaded.load_profile(directory)
    table = {word: tuple(row) for word, row in loaded.word_lang_prob_map.items()}
    return list(loaded.langlist), table


def encode(languages: list[str], table: Table) -> bytes | None:
    """The cache's bytes: a header line (the languages, the counts), the n-grams, then per
    n-gram the number of non-zero probabilities, their language indexes and their values.
    None when the table does not fit this form."""
    if len(languages) > 255 or any(SEPARATOR in word for word in table):
        return None
    counts, indexes, values = bytearray(), bytearray(), array("d")
    for row in table.values():
        found = [(index, value) for index, value in enumerate(row) if value != 0.0]
        counts.append(len(found))
        indexes.extend(index for index, _ in found)
        values.extend(value for _, value in found)
    if max(counts, default=0) > 255 or any(len(row) != len(languages) for row in table.values()):
        return None
    words = SEPARATOR.join(table).encode()
    header = {
        "languages": languages,
        "words": len(words),
        "ngrams": len(table),
        "entries": len(values),
    }
    return b"".join(
        (FORMAT, json.dumps(header).encode(), b"\n", words, counts, indexes, values.tobytes())
    )


def decode(data: bytes) -> tuple[list[str], Table] | None:
    """The profiles from the cache's bytes; None unless they are whole and consistent."""
    if not data.startswith(FORMAT):
        return None
    line_end = data.find(b"\n", len(FORMAT))
    try:
        header = json.loads(data[len(FORMAT) : line_end])
        languages, ngrams = list(header["languages"]), int(header["ngrams"])
        entries, at = int(header["entries"]), line_end + 1
        words = data[at : at + int(header["words"])].decode().split(SEPARATOR)
    except (ValueError, KeyError, TypeError):
        return None
    at += int(header["words"])
    counts, indexes = data[at : at + ngrams], data[at + ngrams : at + ngrams + entries]
    values = array("d")
    packed = data[at + ngrams + entries :]
    if len(packed) != entries * values.itemsize:
        return None
    values.frombytes(packed)
    if not (len(words) == len(counts) == ngrams and len(indexes) == len(values) == entries):
        return None
    if sum(counts) != entries or (indexes and max(indexes) >= len(languages)):
        return None
    return languages, LazyTable(words, counts, indexes, values, len(languages))


class LazyTable(Table):
    """The n-gram table, each n-gram's row of probabilities made on first use.

    It is the dict ``load_profile`` fills, as every reader sees it: ``in``, ``len`` and
    iteration (the n-grams, in the cache's order) are the dict's own; ``[]``, ``get``,
    ``values``, ``items`` and ``==`` give the rows, each a tuple of one float per language,
    zero but where the cache holds a value. Inside, a row not yet asked for is stored as its
    n-gram's number: langdetect's detector asks only ``in`` (C speed, as before) and ``[]``.
    """

    __slots__ = ("_indexes", "_size", "_starts", "_values")

    def __init__(
        self, words: list[str], counts: bytes, indexes: bytes, values: array[float], size: int
    ) -> None:
        # Numbers in place of rows until asked for: the one place the values are not Rows.
        super().__init__(zip(words, range(len(words)), strict=True))  # type: ignore[arg-type]
        self._starts = list(accumulate(counts, initial=0))  # n-gram i: entries starts[i:i+2]
        self._indexes, self._values, self._size = indexes, values, size

    def __getitem__(self, word: str) -> Row:
        row = dict.__getitem__(self, word)
        if type(row) is tuple:  # else the number of a row not made yet
            return row
        return self._make(word, row)  # type: ignore[arg-type]

    def _make(self, word: str, number: int) -> Row:
        dense = [0.0] * self._size
        for entry in range(self._starts[number], self._starts[number + 1]):
            dense[self._indexes[entry]] = self._values[entry]
        row = tuple(dense)
        dict.__setitem__(self, word, row)
        return row

    def get(self, word: str, default: Row | None = None) -> Row | None:  # type: ignore[override]
        return self[word] if word in self else default  # noqa: SIM401 (this is get)

    def values(self) -> list[Row]:  # type: ignore[override]
        return [self[word] for word in self]

    def items(self) -> list[tuple[str, Row]]:  # type: ignore[override]
        return [(word, self[word]) for word in self]

    def copy(self) -> Table:
        return dict(self.items())

    def __iter__(self) -> Iterator[str]:
        # Its own ``__iter__`` also keeps ``dict(table)`` and ``{**table}`` off the C copy
        # of the stored values: they read the rows through ``[]``.
        return dict.__iter__(self)

    def __eq__(self, other: object) -> bool:
        return dict(self.items()) == other

    def __ne__(self, other: object) -> bool:
        return not self == other

    def __repr__(self) -> str:
        return f"<LazyTable of {len(self)} n-grams>"

    __hash__ = None


def _read(path: Path) -> tuple[list[str], Table] | None:
    data = cache.read(path.name)
    loaded = decode(data) if data is not None else None
    if data is not None and loaded is None:
        LOGGER.debug("%s: not a whole profile cache; rebuilt", path)
    return loaded


def _write(path: Path, languages: list[str], table: Table) -> None:
    data = encode(languages, table)
    if data is not None:
        cache.write(path.name, data)
