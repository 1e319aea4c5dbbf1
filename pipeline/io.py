"""Reading inputs and writing outputs, safely.

Guarantees: inputs are only ever opened for reading; every output is written to a temporary
file in the same folder and renamed into place, so a reader (or a run killed half-way) never
sees a half-written file; the sidecar (``.json``) is written after the body (``.txt``), so a
sidecar that exists describes a complete body; two inputs never share an output name.
"""

from __future__ import annotations

import gzip
import json
import os
import tempfile
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

from pipeline.article import Article
from pipeline.errors import DecodeError, OutputError

TEXT_SUFFIXES = frozenset({".txt", ".text"})
HTML_SUFFIXES = frozenset({".html", ".htm"})
INPUT_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES
GZIP_MAGIC = b"\x1f\x8b"
# mkstemp makes 0600 files; outputs get what open() would give them. Read once, at import,
# because reading the umask means setting it, which is not safe once threads run.
_UMASK = os.umask(0)
os.umask(_UMASK)
OUTPUT_MODE = 0o666 & ~_UMASK


@dataclass(frozen=True, order=True)
class InputFile:
    """An input and where its outputs go, relative to the output folder (no suffix)."""

    path: Path
    relative: PurePosixPath


def input_format(path: Path) -> str:
    """``html`` or ``text``, from the suffix under any ``.gz``.

    >>> input_format(Path("a/page.html.gz")), input_format(Path("notes.txt"))
    ('html', 'text')
    """
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes.pop()
    return "html" if suffixes and suffixes[-1] in HTML_SUFFIXES else "text"


def strip_input_suffixes(name: str) -> str:
    """The name without ``.gz`` and the text/HTML suffix under it.

    >>> strip_input_suffixes("story.txt.gz"), strip_input_suffixes("v1.2 notes")
    ('story', 'v1.2 notes')
    """
    stem = name
    if stem.lower().endswith(".gz"):
        stem = stem[:-3]
    for suffix in INPUT_SUFFIXES:
        if stem.lower().endswith(suffix) and len(stem) > len(suffix):
            return stem[: -len(suffix)]
    return stem


def is_input_name(name: str) -> bool:
    """Files a folder walk picks up: text or HTML, maybe gzipped; no hidden files."""
    lowered = name.lower().removesuffix(".gz")
    return not name.startswith(".") and any(lowered.endswith(s) for s in INPUT_SUFFIXES)


@dataclass(frozen=True)
class Discovery:
    """What a walk over the inputs found."""

    inputs: list[InputFile]
    skipped: list[Path]  # not text/HTML, hidden, or a symbolic link inside a folder
    conflicts: list[tuple[Path, str]]  # inputs that would overwrite another's outputs


def discover(inputs: Iterable[Path], out_dir: Path | None = None) -> Discovery:
    """Expand files and folders into inputs with collision-free output names.

    Folders are walked recursively in sorted order; symbolic links inside them are not
    followed (they may point outside the folder). An output folder inside an input folder is
    not walked (its outputs are not inputs); that is reported among ``skipped``.
    """
    found: list[tuple[Path, PurePosixPath]] = []
    skipped: list[Path] = []
    out = out_dir.resolve() if out_dir is not None else None
    for root in inputs:
        if root.is_dir() and not root.is_symlink():
            nested_out = out if out is not None and _strictly_inside(out, root.resolve()) else None
            for path in sorted(p for p in root.rglob("*") if not p.is_dir()):
                relative = PurePosixPath(path.relative_to(root).as_posix())
                hidden = any(part.startswith(".") for part in relative.parts)
                in_out = nested_out is not None and path.resolve().is_relative_to(nested_out)
                if in_out or path.is_symlink() or hidden or not is_input_name(path.name):
                    skipped.append(path)
                else:
                    found.append((path, relative))
        else:
            found.append((root, PurePosixPath(root.name)))
    named = _name_outputs(found)
    owners: dict[PurePosixPath, Path] = {}
    unique: list[InputFile] = []
    conflicts: list[tuple[Path, str]] = []
    for item in dict.fromkeys(named):  # the same file named twice is cleaned once
        owner = owners.setdefault(item.relative, item.path)
        if owner == item.path:
            unique.append(item)
        else:
            reason = (
                f"its outputs would overwrite those of {owner}; clean them into separate folders"
            )
            conflicts.append((item.path, reason))
    return Discovery(unique, skipped, conflicts)


def _strictly_inside(path: Path, root: Path) -> bool:
    return path != root and path.is_relative_to(root)


def _name_outputs(found: list[tuple[Path, PurePosixPath]]) -> list[InputFile]:
    """Drop input suffixes from output names, unless two inputs would then share a name.

    Inputs whose names collide keep their full names ("a.txt" and "a.html" become "a.txt"
    and "a.html"), repeated until no two share one: a stem can equal another input's full
    name ("a.txt.txt" strips to "a.txt"). Full names are unique within one input root, so
    this ends; inputs from different roots can still collide, and ``discover`` reports those.
    """

    def stem(rel: PurePosixPath) -> PurePosixPath:
        return rel.with_name(strip_input_suffixes(rel.name))

    names = [stem(rel) for _, rel in found]
    while True:
        counts = Counter(names)
        clashing = [
            i for i, (_, rel) in enumerate(found) if counts[names[i]] > 1 and names[i] != rel
        ]
        if not clashing:
            return [InputFile(path, name) for (path, _), name in zip(found, names, strict=True)]
        for i in clashing:
            names[i] = found[i][1]


def read_input(path: Path) -> bytes:
    """The file's bytes, as they are on disk (``clean_bytes`` gunzips)."""
    return path.read_bytes()


def gunzip_if_needed(data: bytes, source_id: str) -> bytes:
    """Decompress gzip data (recognised by its magic number); other data is returned as is."""
    if not data.startswith(GZIP_MAGIC):
        return data
    try:
        return gzip.decompress(data)
    except (OSError, EOFError, zlib.error) as exc:
        msg = f"{source_id}: not a valid gzip file ({exc}); re-download or re-compress it"
        raise DecodeError(msg) from exc


def output_paths(out_dir: Path, item: InputFile) -> tuple[Path, Path]:
    """Where the body and the sidecar of one input go."""
    base = out_dir / item.relative
    return base.with_name(base.name + ".txt"), base.with_name(base.name + ".json")


def sidecar_bytes(article: Article) -> bytes:
    return (json.dumps(article.to_json(), ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def body_bytes(article: Article) -> bytes:
    text = article.clean_text()
    return (text + "\n").encode("utf-8") if text else b""


def write_outputs(article: Article, out_dir: Path, item: InputFile) -> tuple[Path, Path]:
    """Write ``<name>.txt`` then ``<name>.json``, each atomically."""
    txt, sidecar = output_paths(out_dir, item)
    atomic_write(txt, body_bytes(article))
    atomic_write(sidecar, sidecar_bytes(article))
    return txt, sidecar


def atomic_write(path: Path, data: bytes) -> None:
    """Write to a temporary file beside ``path``, fsync it, then rename it over ``path``."""
    with atomic_open(path) as handle:
        handle.write(data)


@contextmanager
def atomic_open(path: Path) -> Iterator[BinaryIO]:
    """A binary file to stream into; it replaces ``path`` only when the block succeeds.

    On any error the temporary file is removed and ``path`` keeps its earlier content.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        msg = f"cannot write {path}: {exc.strerror}; check the output folder is writable"
        raise OutputError(msg) from exc
    try:
        os.fchmod(fd, OUTPUT_MODE)
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        Path(tmp).replace(path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        msg = f"cannot write {path}: {exc.strerror}; earlier outputs are intact"
        raise OutputError(msg) from exc
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read_sidecar(path: Path) -> dict[str, Any] | None:
    """A sidecar's content, or None when it is missing or unreadable."""
    try:
        loaded = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return None
    return loaded if isinstance(loaded, dict) else None
