"""Finding the inputs and naming their outputs.

Guarantees: folders are walked in sorted order, without following symbolic links or entering
hidden folders; two inputs never share an output name; no input is given outputs that would
overwrite an input or land inside an input folder; whatever is left out is reported, with why.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from pipeline.read import path_text

TEXT_SUFFIXES = frozenset({".txt", ".text"})
HTML_SUFFIXES = frozenset({".html", ".htm"})
INPUT_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES


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
    found: list[tuple[Path, PurePosixPath]] = []
    skipped: list[Path] = []
    conflicts: list[tuple[Path, str]] = []
    out = out_dir.resolve() if out_dir is not None else None
    roots = [root for root in inputs if root.is_dir() and not root.is_symlink()]
    for root in inputs:
        if root not in roots:
            found.append((root, PurePosixPath(root.name)))
            continue
        nested_out = out if out is not None and _strictly_inside(out, root.resolve()) else None
        paths, unreadable = _walk(root)
        conflicts += unreadable
        for path in paths:
            relative = PurePosixPath(path.relative_to(root).as_posix())
            hidden = any(part.startswith(".") for part in relative.parts)
            in_out = nested_out is not None and path.resolve().is_relative_to(nested_out)
            if in_out or path.is_symlink() or hidden or not is_input_name(path.name):
                skipped.append(path)
            else:
                found.append((path, relative))
    unique = _unique_outputs(_name_outputs(found), conflicts)
    if out is not None:
        unique = _outputs_clear_of_inputs(unique, out, roots, conflicts)
    return Discovery(unique, skipped, conflicts)


def output_is_input(inputs: Iterable[Path], out_dir: Path) -> Path | None:
    """The input folder ``out_dir`` is, if it is one: outputs, and the lock, would be written
    among the inputs, so such a run must not start."""
    out = out_dir.resolve()
    return next((p for p in inputs if p.is_dir() and p.resolve() == out), None)


def _walk(root: Path) -> tuple[list[Path], list[tuple[Path, str]]]:
    """Every non-folder under ``root``, sorted, without entering linked folders; and the
    folders that could not be read, with why."""
    files: list[Path] = []
    errors: list[tuple[Path, str]] = []

    def unreadable(exc: OSError) -> None:
        reason = f"cannot read this folder: {exc.strerror}; its files were not cleaned"
        errors.append((Path(exc.filename), reason))

    for folder, _, names in os.walk(root, onerror=unreadable):
        files += [Path(folder, name) for name in names]
    return sorted(files), errors


def _unique_outputs(named: list[InputFile], conflicts: list[tuple[Path, str]]) -> list[InputFile]:
    """Drop inputs whose outputs another input already has (reported among ``conflicts``)."""
    owners: dict[PurePosixPath, Path] = {}
    unique: list[InputFile] = []
    for item in dict.fromkeys(named):  # the same file named twice is cleaned once
        owner = owners.setdefault(item.relative, item.path)
        if owner == item.path:
            unique.append(item)
        else:
            reason = (
                f"its outputs would overwrite those of {path_text(owner)}; "
                "clean them into separate folders"
            )
            conflicts.append((item.path, reason))
    return unique


def _outputs_clear_of_inputs(
    items: list[InputFile], out: Path, roots: list[Path], conflicts: list[tuple[Path, str]]
) -> list[InputFile]:
    """Drop inputs whose outputs would overwrite an input or land inside an input folder
    (``--out`` naming the input folder itself, or a folder above it)."""
    guarded = [r.resolve() for r in roots if not _strictly_inside(out, r.resolve())]
    originals = {item.path.resolve() for item in items}
    clear: list[InputFile] = []
    for item in items:
        base = out / item.relative
        targets = (base.with_name(base.name + ".txt"), base.with_name(base.name + ".json"))
        inside = next((root for root in guarded if base.is_relative_to(root)), None)
        if inside is not None:
            reason = (
                f"its outputs would be written inside the input folder {path_text(inside)}; "
                "choose an output folder outside it"
            )
            conflicts.append((item.path, reason))
        elif any(target in originals for target in targets):
            reason = "its outputs would overwrite an input; choose another output folder"
            conflicts.append((item.path, reason))
        else:
            clear.append(item)
    return clear


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
