"""Writing outputs, safely (finding inputs is ``pipeline.discover``, reading them
``pipeline.read``; making a batch of outputs durable at once is ``pipeline.commit``).

Guarantees: every output is written to a temporary file in the same folder and renamed into
place, so a reader (or a run killed half-way) never sees a half-written file; an article's body
(``.txt``) and sidecar (``.json``) are both written before either is renamed, the sidecar
last, so an error leaves the earlier pair whole and a sidecar describes a complete body;
outputs never land outside the output folder; the temporary files a killed run leaves behind
are recognised and swept. A file written alone (:func:`atomic_write`, :func:`atomic_open`, or
:func:`write_outputs` without a group) is on disk, with its folder entry, when the call
returns; outputs staged into a group (``pipeline.commit.Group``) are when the group commits.
"""

from __future__ import annotations

import base64
import errno
import hashlib
import json
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from pipeline import jsontext
from pipeline.article import Article
from pipeline.discover import InputFile, join_text
from pipeline.errors import DISK_FULL_ERRNOS, OutputError
from pipeline.read import path_text

if TYPE_CHECKING:
    from pipeline.commit import Group, Staged

# The mode new files are created with; the umask then applies, as for any file open() makes.
OUTPUT_MODE = 0o666
# Temporary output files are ".<name>.<8 random characters>.tmp" (base 32 here; sweeping
# also knows tempfile.mkstemp's alphabet, which earlier versions used). A name too long for
# that is cut and given a hash of the whole name (``temp_prefix``), so the whole fits the
# usual 255-byte limit on a file name and two long names never share temporaries.
NAME_MAX_BYTES = 255
TEMP_HASH_CHARS = 16
SHORT_NAME_BYTES = 143
TEMP_ATTEMPTS = 100
TEMP_TAIL = re.compile(r"[a-z0-9_]{8}\.tmp")
TEMP_TAIL_CHARS = 12
TEMP_EXTRA_BYTES = 2 + TEMP_TAIL_CHARS  # two dots around the name, then the tail


def output_paths(out_dir: Path, item: InputFile) -> tuple[Path, Path]:
    """Where the body and the sidecar of one input go: always inside ``out_dir``."""
    parts = item.relative.parts
    if item.relative.is_absolute() or not parts or any(p in ("", ".", "..") for p in parts):
        msg = (
            f"{path_text(item.path)}: its output name {path_text(str(item.relative))!r} would "
            "leave the output folder; give it an ordinary file name"
        )
        raise OutputError(msg)
    base = out_dir / item.relative
    return base.with_name(base.name + ".txt"), base.with_name(base.name + ".json")


def output_texts(out_dir: str, item: InputFile) -> tuple[str, str]:
    """:func:`output_paths` as text, without building path objects for the usual name (a
    re-run checks every input); an unusual one goes through ``output_paths``, which refuses
    names that leave ``out_dir``.

    >>> output_texts("clean", InputFile("raw/a.txt", "sub/a"))
    ('clean/sub/a.txt', 'clean/sub/a.json')
    """
    name = item.output
    if name.startswith("/") or any(part in ("", ".", "..") for part in name.split("/")):
        body, sidecar = output_paths(Path(out_dir), item)
        return str(body), str(sidecar)
    base = join_text(out_dir, name)
    return base + ".txt", base + ".json"


def sidecar_bytes(article: Article) -> bytes:
    """The sidecar: ``json.dumps(article.to_json(), ensure_ascii=False, indent=2)`` and a
    newline, written by ``pipeline.jsontext`` (the same bytes, faster)."""
    return (jsontext.dumps(article.to_json()) + "\n").encode("utf-8")


def body_bytes(article: Article) -> bytes:
    text = article.clean_text()
    return (text + "\n").encode("utf-8") if text else b""


def write_outputs(
    article: Article, out_dir: Path, item: InputFile, group: Group | None = None
) -> tuple[Path, Path]:
    """Write ``<name>.txt`` and ``<name>.json`` inside ``out_dir``, both or neither.

    Both are written to temporary files first and only then renamed, the body before the
    sidecar: a full disk or any write error leaves the earlier pair as it was. Given a
    ``group``, they are only staged there, under the output name, and renamed when the group
    commits (``pipeline.commit``); without one they are synced and renamed now. A sub-folder
    of ``out_dir`` that is a symbolic link to somewhere else is refused before anything is
    created through it.
    """
    txt, sidecar = output_paths(out_dir, item)
    # Directly in ``out_dir`` no link can lead elsewhere: resolving costs a system call for
    # each component of both paths, for every article.
    if txt.parent != out_dir and not txt.parent.resolve().is_relative_to(out_dir.resolve()):
        msg = (
            f"{path_text(item.path)}: its outputs would be written outside the output folder, "
            f"through a symbolic link in {path_text(out_dir)}; remove the link"
        )
        raise OutputError(msg)
    files = [(txt, body_bytes(article)), (sidecar, sidecar_bytes(article))]
    if group is None:
        atomic_write_all(files)
    else:
        group.stage(item.output, files)
    return txt, sidecar


def atomic_write(path: Path, data: bytes) -> None:
    """Write to a temporary file beside ``path``, fsync it, rename it over ``path`` and fsync
    the folder: on disk when this returns."""
    atomic_write_all([(path, data)])


def atomic_write_all(files: Sequence[tuple[Path, bytes]]) -> None:
    """Replace each path with its data, in order, once every one of them is safely written;
    on disk, with the folders' entries, when this returns.

    An error before the renames leaves every path as it was and no temporary file behind.
    Names too long for the file system are refused first: that error would otherwise come
    from a rename, after the files before it were replaced.
    """
    staged = stage_all(files, sync=True)
    renamed = 0
    try:
        for tmp, path in staged:
            try:
                Path(tmp).replace(path)
            except OSError as exc:
                raise output_error(Path(path), exc) from exc
            renamed += 1
    finally:
        _unlink_all(staged[renamed:])
    for folder in dict.fromkeys(Path(path).parent for _, path in staged):
        sync_folder(folder)


def stage_all(files: Sequence[tuple[Path, bytes]], *, sync: bool = False) -> Staged:
    """Each path's data in a new temporary file beside it (fsynced when ``sync``); return the
    ``(temporary, path)`` pairs, for the caller to rename. An error leaves no temporary
    behind. Names too long for the file system are refused before anything is written."""
    for path, _ in files:
        check_name_fits(path)
    staged: list[tuple[str, str]] = []
    try:
        for path, data in files:
            staged.append((str(_stage(path, data, sync=sync)), str(path)))
    except BaseException:
        _unlink_all(staged)
        raise
    return tuple(staged)


def _unlink_all(staged: Iterable[tuple[str, str]]) -> None:
    for tmp, _ in staged:
        Path(tmp).unlink(missing_ok=True)


def sync_folder(folder: Path) -> None:
    """fsync a folder, so that the names just renamed into it are on disk."""
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as exc:
        raise output_error(folder, exc) from exc


def _stage(path: Path, data: bytes, *, sync: bool) -> Path:
    """``data`` in a new temporary file beside ``path``; fsynced when ``sync``.

    Plain file-descriptor calls: a buffered file object adds nothing to one write, and this
    runs twice for every article.
    """
    fd, tmp = _temporary(path)
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            if sync:
                os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise output_error(path, exc) from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def _temporary(path: Path) -> tuple[int, Path]:
    """A new, empty temporary file beside ``path``, with the permissions open() gives.

    Its name is ``temp_prefix(name)``, 8 random characters from ``[a-z2-7]`` and ``.tmp``, as
    :func:`sweep_temporaries` expects. ``O_EXCL`` never opens an existing file (a clash, or a
    link planted there): another name is drawn. The folder is made only when it is missing.
    """
    prefix = str(path.parent / temp_prefix(path.name))
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC
    for _attempt in range(TEMP_ATTEMPTS):
        tmp = prefix + base64.b32encode(os.urandom(5)).decode("ascii").lower() + ".tmp"
        try:
            return os.open(tmp, flags, OUTPUT_MODE), Path(tmp)
        except FileExistsError:
            continue
        except FileNotFoundError:
            _make_folder(path)
        except OSError as exc:
            raise output_error(path, exc) from exc
    clash = OSError(errno.EEXIST, "no free temporary file name")
    raise output_error(path, clash)


def _make_folder(path: Path) -> None:
    """Create the folder ``path`` goes in, and any missing above it."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise output_error(path, exc) from exc


@contextmanager
def atomic_open(path: Path) -> Iterator[BinaryIO]:
    """A binary file to stream into; it replaces ``path`` only when the block succeeds.

    On any error the temporary file is removed and ``path`` keeps its earlier content. A run
    killed outright leaves the temporary file (``.<name>.<random>.tmp``) for
    :func:`sweep_temporaries` to remove.
    """
    fd, tmp = _temporary(path)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        tmp.replace(path)
        sync_folder(path.parent)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise output_error(path, exc) from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def output_error(path: Path, exc: OSError) -> OutputError:
    """An OSError from writing an output, as an error that says what to do."""
    code = exc.errno or 0
    reason = exc.strerror or str(exc)
    if code in DISK_FULL_ERRNOS:
        advice = "the disk is full: free some space and run again"
    elif code in (errno.EACCES, errno.EPERM, errno.EROFS):
        advice = "check that the output folder is writable"
    elif code == errno.ENAMETOOLONG:
        advice = "the name is too long for this file system: give the input a shorter name"
    else:
        advice = "check the output folder"
    msg = f"cannot write {path_text(path)}: {reason}; {advice} (earlier outputs are intact)"
    return OutputError(msg, errno_code=code or None)


def temp_prefix(name: str) -> str:
    """How the temporary files for output ``name`` start: hidden, and short enough that the
    whole temporary name (8 random characters and ``.tmp`` follow) fits in 255 bytes. A name
    too long for that is cut and ends in a hash of the whole name: the prefix stays one
    output's own (two names alike in their first 240 bytes would otherwise share one).

    >>> temp_prefix("story.txt")
    '.story.txt.'
    >>> len(temp_prefix("x" * 251 + ".txt") + "k2j4_x9q.tmp"), temp_prefix("x" * 251 + ".txt")[-18:]
    (255, '~tdwhhg36f54llmg5.')
    """
    encoded = os.fsencode(name)
    room = NAME_MAX_BYTES - TEMP_EXTRA_BYTES
    if len(encoded) <= room:
        return "." + name + "."
    digest = hashlib.sha256(encoded).digest()
    tag = base64.b32encode(digest).decode("ascii").lower()[:TEMP_HASH_CHARS]
    cut = room - 1 - TEMP_HASH_CHARS
    while cut and encoded[cut] & 0xC0 == 0x80:  # not inside a UTF-8 character
        cut -= 1
    return "." + os.fsdecode(encoded[:cut]) + "~" + tag + "."


def name_max(folder: Path) -> int:
    """The longest file name, in bytes, the file system of ``folder`` (or of the nearest
    folder above it that exists) takes; 255, the usual limit, when it does not say."""
    for candidate in (folder, *folder.parents):
        try:
            return min(os.pathconf(candidate, "PC_NAME_MAX"), NAME_MAX_BYTES)
        except (OSError, ValueError):
            continue
    return NAME_MAX_BYTES


def check_name_fits(path: Path) -> None:
    """Refuse an output whose name the file system cannot hold, with an error that names it
    and says what to do, before anything is written (or cleaned: see ``batch.clean_one``)."""
    size = len(os.fsencode(path.name))
    # Names up to 143 bytes fit every common file system (eCryptfs has the smallest limit):
    # only longer ones cost the system call.
    if size > SHORT_NAME_BYTES and size > name_max(path.parent):
        too_long = OSError(errno.ENAMETOOLONG, os.strerror(errno.ENAMETOOLONG))
        raise output_error(path, too_long)


def sweep_temporaries(outputs: Iterable[Path], folders: Iterable[Path] = ()) -> int:
    """Delete temporary files a killed run left behind; return how many.

    Only names :func:`atomic_open` makes are touched: those for the given ``outputs``, and any
    in ``folders`` that hold nothing but this program's outputs. Call it only while holding the
    output lock (``pipeline.lock``): a running writer's temporary files look just the same.
    """
    wanted: dict[Path, set[str] | None] = {folder: None for folder in folders}
    for path in outputs:
        prefixes = wanted.setdefault(path.parent, set())
        if prefixes is not None:
            prefixes.add(temp_prefix(path.name))
    removed = 0
    for folder, prefixes in wanted.items():
        try:
            entries = list(os.scandir(folder))
        except (FileNotFoundError, NotADirectoryError):
            continue
        except OSError as exc:
            raise output_error(folder, exc) from exc
        for entry in entries:
            if is_temporary(entry.name, prefixes) and entry.is_file(follow_symlinks=False):
                Path(entry.path).unlink(missing_ok=True)
                removed += 1
    return removed


def is_temporary(name: str, prefixes: set[str] | None = None) -> bool:
    """Whether ``name`` is shaped like a temporary output file, and, given ``prefixes``,
    one of the outputs those prefixes (``temp_prefix``) stand for.

    >>> is_temporary(".a.txt.k2j4_x9q.tmp"), is_temporary("a.txt")
    (True, False)
    >>> is_temporary(".a.txt.k2j4_x9q.tmp", {".b.txt."})
    False
    """
    stem, tail = name[:-TEMP_TAIL_CHARS], name[-TEMP_TAIL_CHARS:]
    if not name.startswith(".") or TEMP_TAIL.fullmatch(tail) is None:
        return False
    return prefixes is None or stem in prefixes


def read_sidecar(path: Path) -> dict[str, Any] | None:
    """A sidecar's content, or None when it is missing or unreadable."""
    try:
        loaded = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return None
    return loaded if isinstance(loaded, dict) else None
