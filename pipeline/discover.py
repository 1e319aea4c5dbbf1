"""Finding the inputs and naming their outputs.

Guarantees: folders are walked in sorted order, without following symbolic links or entering
hidden folders; two inputs never share an output name; no input is given outputs that would
overwrite an input or land inside an input folder; whatever is left out is reported, with why.
"""

from __future__ import annotations

import os
from array import array
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from pipeline.read import file_identity, path_text

TEXT_SUFFIXES = frozenset({".txt", ".text"})
# Pages saved under their server's name for them are pages all the same.
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml", ".shtml", ".php", ".aspx"})
# Files of many documents (``pipeline.sources``): each record is an article.
JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})
WARC_SUFFIXES = frozenset({".warc"})
CONTAINER_SUFFIXES = JSONL_SUFFIXES | WARC_SUFFIXES
INPUT_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | CONTAINER_SUFFIXES
# Unpacked by their magic numbers whatever the name says (``pipeline.unpack``); the name only
# decides what a folder walk picks up and what the outputs are called.
COMPRESSED_SUFFIXES = (".gz", ".bz2", ".xz", ".zst")


class InputFile:
    """An input and where its outputs go, relative to the output folder (no suffix).

    Held as two strings, the way ``str(Path(...))`` spells them: a folder of 100,000 inputs
    keeps 100,000 of these for the whole run, and two path objects each cost several times
    as much memory. ``path`` and ``relative`` build the path objects on demand. Compared and
    hashed by the two strings; not ordered. Discovery names outputs in place; treat one as
    immutable once ``discover`` has returned it.

    ``identity`` is the device and inode of the file discovery found there
    (:func:`pipeline.read.file_identity`; 0 when unknown): reading refuses any other file at
    that path, so an input swapped for a link, or a folder above it swapped for a link to
    another folder, after discovery is never read through.
    """

    __slots__ = ("fmt", "identity", "output", "source")

    def __init__(
        self,
        path: str | os.PathLike[str],
        relative: str | PurePosixPath,
        identity: int = 0,
        fmt: str = "",
    ) -> None:
        self.source = os.fspath(path)  # the input, as text
        self.output = str(relative)  # its outputs' name, POSIX-style, without suffix
        self.identity = identity
        self.fmt = fmt  # text, html or auto given by the user; "": from the name

    @property
    def path(self) -> Path:
        return Path(self.source)

    @property
    def relative(self) -> PurePosixPath:
        return PurePosixPath(self.output)

    def _key(self) -> tuple[str, str]:
        return (self.source, self.output)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, InputFile) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return f"InputFile({self.source!r}, {self.output!r})"


def _suffix(name: str) -> str:
    """The last suffix under any compression suffix, lower-cased ("" when there is none).

    >>> _suffix("page.HTML.gz"), _suffix("crawl.warc.zst"), _suffix("README"), _suffix("x.gz")
    ('.html', '.warc', '', '')
    """
    lowered = name.lower()
    for packed in COMPRESSED_SUFFIXES:
        if lowered.endswith(packed):
            lowered = lowered[: -len(packed)]
            break
    stem, dot, suffix = lowered.rpartition(".")
    return "." + suffix if dot and stem else ""


def input_format(path: Path | str) -> str:
    """``html``, ``text`` or ``auto`` (decided from the content: ``pipeline.sniff``), from the
    suffix under any compression suffix.

    >>> input_format(Path("a/page.php.gz")), input_format("notes.txt"), input_format("page")
    ('html', 'text', 'auto')
    """
    suffix = _suffix(os.fspath(path).rpartition("/")[2])
    if suffix in HTML_SUFFIXES:
        return "html"
    return "text" if suffix in TEXT_SUFFIXES else "auto"


def container_kind(path: Path | str) -> str | None:
    """``jsonl`` or ``warc`` for a file of many documents, from its name; else None.

    >>> container_kind("crawl.warc.gz"), container_kind("a/data.jsonl.zst"), container_kind("a.txt")
    ('warc', 'jsonl', None)
    """
    suffix = _suffix(os.fspath(path).rpartition("/")[2])
    if suffix in JSONL_SUFFIXES:
        return "jsonl"
    return "warc" if suffix in WARC_SUFFIXES else None


def strip_input_suffixes(name: str) -> str:
    """The name without a compression suffix and the input suffix under it.

    >>> strip_input_suffixes("story.txt.gz"), strip_input_suffixes("v1.2 notes")
    ('story', 'v1.2 notes')
    >>> strip_input_suffixes("crawl.warc.gz"), strip_input_suffixes("page.aspx.bz2")
    ('crawl', 'page')
    """
    stem = name
    for packed in COMPRESSED_SUFFIXES:
        if stem.lower().endswith(packed) and len(stem) > len(packed):
            stem = stem[: -len(packed)]
            break
    for suffix in INPUT_SUFFIXES:
        if stem.lower().endswith(suffix) and len(stem) > len(suffix):
            return stem[: -len(suffix)]
    return stem


def is_input_name(name: str) -> bool:
    """Files a folder walk picks up: text, HTML, JSONL or WARC, maybe compressed, and names
    with no suffix at all (a page saved as ``index``: its content decides); no hidden files.

    >>> is_input_name("a.html.bz2"), is_input_name("index"), is_input_name("a.pdf")
    (True, True, False)
    """
    if name.startswith("."):
        return False
    suffix = _suffix(name)
    return suffix in INPUT_SUFFIXES or (suffix == "" and "." not in name)


def passed_over_reason(name: str) -> str:
    """Why a folder walk left a file out that is not hidden and not a link.

    >>> passed_over_reason("scan.pdf")
    'not a text, HTML, JSONL or WARC file name (.pdf)'
    """
    suffix = _suffix(name) or "." + name.rpartition(".")[2]
    return f"not a text, HTML, JSONL or WARC file name ({suffix})"


@dataclass(frozen=True)
class Discovery:
    """What a walk over the inputs found."""

    inputs: list[InputFile]
    # Not an input's name, hidden, a symbolic link inside a folder, or in the output folder;
    # each with why (``-v`` lists them).
    skipped: list[tuple[Path, str]]
    # Inputs (or folders) that cannot be cleaned, with why: their outputs would overwrite
    # another input's outputs or an input, or land inside an input folder; unreadable folders.
    conflicts: list[tuple[Path, str]]


def discover(inputs: Iterable[Path], out_dir: Path | None = None) -> Discovery:
    """Expand files and folders into inputs with collision-free output names.

    Folders are walked recursively in sorted order; symbolic links inside them are not
    followed (they may point outside the folder). An output folder inside an input folder is
    not walked (its outputs are not inputs); that is reported among ``skipped``. No input is
    given outputs that would overwrite an input or land inside an input folder.
    """
    found: list[InputFile] = []  # ``output`` holds the path relative to the root, for now
    cuts = array("I")  # where in each input's path its relative path starts
    skipped: list[tuple[Path, str]] = []
    conflicts: list[tuple[Path, str]] = []
    out = out_dir.resolve() if out_dir is not None else None
    real_inside_out: dict[str, str] = {}  # inputs whose real path is inside the output folder
    inputs = list(inputs)
    roots = [root for root in inputs if root.is_dir() and not root.is_symlink()]
    for root in inputs:
        if root not in roots:
            found.append(InputFile(root, root.name, _named_identity(root)))
            cuts.append(len(str(root)) - len(root.name))
            _note_inside(real_inside_out, str(root), str(root.resolve()), out)
            continue
        real_root = root.resolve()
        nested_out = out if out is not None and _strictly_inside(out, real_root) else None
        for path, relative, kind, identity in _walk(root, real_root, nested_out, conflicts):
            if kind == _FILE and is_input_name(relative.rpartition("/")[2]):
                found.append(InputFile(path, relative, identity))
                cuts.append(len(path) - len(relative))
                # A walk enters no links: the real path is the root's real path and the rest.
                _note_inside(real_inside_out, path, join_text(str(real_root), relative), out)
            else:
                skipped.append((Path(path), _why_passed(kind, relative)))
    if len(inputs) > 1:  # one folder's walk never finds a file twice
        found, cuts = _once_each(found, cuts)
    unique = _unique_outputs(_name_outputs(found, cuts), conflicts)
    if out is not None:
        originals = {real_inside_out[i.source] for i in unique if i.source in real_inside_out}
        unique = _outputs_clear_of_inputs(unique, out, roots, originals, conflicts)
    return Discovery(unique, skipped, conflicts)


def _named_identity(path: Path) -> int:
    """The identity of a file named as an input (of a link itself: links are not read)."""
    try:
        return file_identity(path.lstat())
    except OSError:
        return 0  # missing or unreadable: reading it will say so


def _note_inside(noted: dict[str, str], path: str, real: str, out: Path | None) -> None:
    """Remember ``path``'s real path if it lies inside ``out``: the only inputs an output
    could overwrite, so the only real paths worth keeping."""
    if out is not None and _inside_text(real, str(out)):
        noted[path] = real


def output_is_input(inputs: Iterable[Path], out_dir: Path) -> Path | None:
    """The input folder ``out_dir`` is, if it is one: outputs, and the lock, would be written
    among the inputs, so such a run must not start."""
    out = out_dir.resolve()
    return next((p for p in inputs if p.is_dir() and p.resolve() == out), None)


# What a walk found: an input candidate, or a file passed over (hidden or in a hidden folder,
# a symbolic link, or inside the output folder).
_FILE, _HIDDEN, _LINK, _IN_OUTPUT = 0, 1, 2, 3
_WHY_PASSED = {
    _HIDDEN: "hidden (its name, or a folder's above it, starts with a dot)",
    _LINK: "a symbolic link; links inside folders are not followed",
    _IN_OUTPUT: "inside the output folder",
}


def _why_passed(kind: int, relative: str) -> str:
    return _WHY_PASSED.get(kind) or passed_over_reason(relative.rpartition("/")[2])


# What a folder entry is, as os.walk sees it (not following links into folders).
_ENTRY_FILE, _ENTRY_LINK, _ENTRY_FOLDER, _ENTRY_LINKED_FOLDER = 0, 1, 2, 3


def _walk(
    root: Path, real_root: Path, nested_out: Path | None, errors: list[tuple[Path, str]]
) -> Iterator[tuple[str, str, int, int]]:
    """Every non-folder under ``root`` as ``(path, path relative to root, kind, identity)``,
    in sorted order, without entering linked folders; the folders that cannot be read go to
    ``errors``, with why. ``identity`` (:func:`pipeline.read.file_identity`) is that of the
    file the walk saw, for input candidates (0 for the rest).

    What ``os.walk`` (not following links) would list, as strings, one at a time: a folder
    may hold 100,000 files, so neither path objects nor a folder's ``DirEntry`` objects are
    kept, only names. Visiting each folder's entries sorted by name, folders in place, gives
    the order of sorting the paths. ``nested_out`` is the real path of an output folder inside
    ``root``: what lies in it is passed over. A walk enters no links, so an entry's real path
    is ``real_root`` and the relative path: nothing is resolved.

    Each folder is opened from its parent's descriptor without following links (``openat``
    with ``O_NOFOLLOW``), and listed from its own: a folder swapped for a link while the walk
    goes on is not entered, so every identity is that of a file really under ``root``.
    """
    base = str(root)
    # Paths spelt as ``Path(root, relative)`` would spell them ("x", not "./x").
    lead = "" if base == "." else base if base.endswith("/") else base + "/"
    real, out = str(real_root), None if nested_out is None else str(nested_out)

    def visit(
        folder: str, parent: int | None, prefix: str, passed: int
    ) -> Iterator[tuple[str, str, int, int]]:
        try:
            fd = os.open(
                folder if parent is None else folder.rpartition("/")[2],
                FOLDER_FLAGS,
                dir_fd=parent,
            )
        except OSError as exc:
            _folder_error(errors, folder, exc)
            return
        try:
            try:
                with os.scandir(fd) as listing:
                    entries = sorted(_entry(entry) for entry in listing)
            except OSError as exc:
                _folder_error(errors, folder, exc)
                return
            for name, kind, identity in entries:
                relative = prefix + name
                path = lead + relative
                hidden = passed or (
                    _HIDDEN
                    if name.startswith(".")
                    else _IN_OUTPUT
                    if join_text(real, relative) == out
                    else _FILE
                )
                if kind == _ENTRY_FOLDER:
                    yield from visit(path, fd, relative + "/", hidden)
                elif kind != _ENTRY_LINKED_FOLDER:
                    yield (
                        path,
                        relative,
                        hidden or (_LINK if kind == _ENTRY_LINK else _FILE),
                        identity,
                    )
        finally:
            os.close(fd)

    return visit(base, None, "", _FILE)


# Folders are opened only to be listed, never through a link.
FOLDER_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC


def _folder_error(errors: list[tuple[Path, str]], folder: str, exc: OSError) -> None:
    reason = f"cannot read this folder: {exc.strerror}; its files were not cleaned"
    errors.append((Path(folder), reason))


def _entry(entry: os.DirEntry[str]) -> tuple[str, int, int]:
    """A folder entry's name, kind and, for an input candidate, its identity."""
    kind = _entry_kind(entry)
    identity = 0
    if kind == _ENTRY_FILE and is_input_name(entry.name):
        try:
            identity = file_identity(entry.stat(follow_symlinks=False))
        except OSError:
            identity = 0  # gone already: reading it will say so
    return entry.name, kind, identity


def _entry_kind(entry: os.DirEntry[str]) -> int:
    folder = _is_dir(entry)
    if entry.is_symlink():
        return _ENTRY_LINKED_FOLDER if folder else _ENTRY_LINK
    return _ENTRY_FOLDER if folder else _ENTRY_FILE


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False  # as os.walk: a folder that cannot be checked is listed as a file


def _once_each(found: list[InputFile], cuts: array[int]) -> tuple[list[InputFile], array[int]]:
    """Inputs less later spellings of one already found: the same file (device and inode)
    under the same relative name (``d/a.txt`` and ``d/../d/a.txt``, a folder named twice).
    Hard links under other names stay inputs of their own."""
    seen: set[tuple[int, str]] = set()
    kept: list[InputFile] = []
    kept_cuts = array("I")
    for item, cut in zip(found, cuts, strict=True):
        key = (item.identity, item.output)
        if item.identity and key in seen:
            continue
        seen.add(key)
        kept.append(item)
        kept_cuts.append(cut)
    return kept, kept_cuts


def _unique_outputs(named: list[InputFile], conflicts: list[tuple[Path, str]]) -> list[InputFile]:
    """Drop inputs whose outputs another input already has (reported among ``conflicts``)."""
    owners: dict[str, InputFile] = {}
    unique: list[InputFile] = []
    for item in dict.fromkeys(named):  # the same file named twice is cleaned once
        owner = owners.setdefault(item.output, item)
        if owner is item:
            unique.append(item)
        else:
            reason = (
                f"its outputs would overwrite those of {path_text(owner.source)}; "
                "clean them into separate folders"
            )
            conflicts.append((item.path, reason))
    return unique


def _outputs_clear_of_inputs(
    items: list[InputFile],
    out: Path,
    roots: list[Path],
    originals: set[str],
    conflicts: list[tuple[Path, str]],
) -> list[InputFile]:
    """Drop inputs whose outputs would overwrite an input (``originals``: the real paths of
    ``items`` inside ``out``) or land inside an input folder (``--out`` naming the input
    folder itself, or a folder above it). ``out`` is a real path; paths compare as text."""
    guarded = [str(r.resolve()) for r in roots if not _strictly_inside(out, r.resolve())]
    clear: list[InputFile] = []
    for item in items:
        base = join_text(str(out), item.output)
        inside = next((root for root in guarded if _inside_text(base, root)), None)
        if inside is not None:
            reason = (
                f"its outputs would be written inside the input folder {path_text(inside)}; "
                "choose an output folder outside it"
            )
            conflicts.append((item.path, reason))
        elif base + ".txt" in originals or base + ".json" in originals:
            reason = "its outputs would overwrite an input; choose another output folder"
            conflicts.append((item.path, reason))
        else:
            clear.append(item)
    return clear


def join_text(folder: str, relative: str) -> str:
    """``str(Path(folder) / relative)`` for a normalised relative path, as text.

    >>> join_text("/", "a/b"), join_text("/out", "a")
    ('/a/b', '/out/a')
    """
    return folder + relative if folder.endswith("/") else f"{folder}/{relative}"


def _inside_text(path: str, folder: str) -> bool:
    """``Path(path).is_relative_to(folder)`` for normalised absolute paths, as text.

    >>> _inside_text("/a/b", "/a"), _inside_text("/ab", "/a"), _inside_text("/a", "/")
    (True, False, True)
    """
    return path == folder or path.startswith(folder if folder.endswith("/") else folder + "/")


def _strictly_inside(path: Path, root: Path) -> bool:
    return path != root and path.is_relative_to(root)


def _name_outputs(found: list[InputFile], cuts: array[int]) -> list[InputFile]:
    """Drop input suffixes from output names, unless two inputs would then share a name.

    ``found`` holds each input's path relative to its root as its output name, which
    ``cuts`` locates in its path. Inputs whose names collide keep their full names ("a.txt"
    and "a.html" become "a.txt" and "a.html"), repeated until no two share one: a stem can
    equal another input's full name ("a.txt.txt" strips to "a.txt"). Full names are unique
    within one input root, so this ends; inputs from different roots can still collide, and
    ``discover`` reports those. Names are changed in place: no second list of names.
    """
    for item in found:
        item.output = _stem(item.output)
    while True:
        counts = Counter(item.output for item in found)
        clashing = [
            i
            for i, item in enumerate(found)
            if counts[item.output] > 1 and item.output != item.source[cuts[i] :]
        ]
        if not clashing:
            return found
        for i in clashing:
            found[i].output = found[i].source[cuts[i] :]


def _stem(relative: str) -> str:
    """The output name: the relative path with its last part's input suffixes dropped.

    >>> _stem("sub/z.text"), _stem("y.txt.gz")
    ('sub/z', 'y')
    """
    folder, slash, name = relative.rpartition("/")
    return folder + slash + strip_input_suffixes(name)
