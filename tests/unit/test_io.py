from __future__ import annotations

import gzip
import hashlib
import os
from pathlib import Path, PurePosixPath

import pytest

from pipeline import clean_bytes, clean_file
from pipeline.discover import discover
from pipeline.errors import DecodeError, OutputError
from pipeline.io import atomic_write, is_temporary, temp_prefix, write_outputs


def test_gzip_is_read_transparently_and_bad_gzip_is_a_clear_error(tmp_path: Path) -> None:
    good = tmp_path / "a.txt.gz"
    packed = gzip.compress(b"Hello there.")
    good.write_bytes(packed)
    article = clean_file(good)
    assert article.clean_text() == "Hello there."
    assert article.source.sha256 == hashlib.sha256(packed).hexdigest()  # the file as on disk
    assert article.source.bytes == len(packed)
    bad = tmp_path / "b.txt.gz"
    bad.write_bytes(b"\x1f\x8b not really gzip")
    with pytest.raises(DecodeError, match=r"b\.txt\.gz.*gzip"):
        clean_file(bad)


def test_discover_names_outputs_without_suffixes_and_avoids_collisions(tmp_path: Path) -> None:
    for name in ["x.txt", "y.txt.gz", "sub/z.text", "a.txt", "a.html", "notes.md", ".hidden.txt"]:
        path = tmp_path / name
        path.parent.mkdir(exist_ok=True)
        path.write_text("text")
    found = discover([tmp_path])
    names = {item.path.name: item.relative for item in found.inputs}
    assert names["x.txt"] == PurePosixPath("x")
    assert names["y.txt.gz"] == PurePosixPath("y")
    assert names["z.text"] == PurePosixPath("sub/z")
    assert names["a.txt"] == PurePosixPath("a.txt")
    assert names["a.html"] == PurePosixPath("a.html")
    assert sorted(p.name for p, _ in found.skipped) == [".hidden.txt", "notes.md"]
    assert len({item.relative for item in found.inputs}) == len(found.inputs)


def test_stems_that_equal_another_full_name_still_get_unique_outputs(tmp_path: Path) -> None:
    for name in ["a.txt", "a.html", "a.txt.txt"]:
        (tmp_path / name).write_text("text")
    found = discover([tmp_path])
    assert found.conflicts == []
    assert sorted(str(i.relative) for i in found.inputs) == ["a.html", "a.txt", "a.txt.txt"]


def test_an_output_folder_inside_the_input_folder_is_not_walked(tmp_path: Path) -> None:
    _write(tmp_path / "raw" / "a.txt")
    _write(tmp_path / "raw" / "clean" / "a.txt")
    found = discover([tmp_path / "raw"], tmp_path / "raw" / "clean")
    assert [i.path for i in found.inputs] == [tmp_path / "raw" / "a.txt"]
    assert found.skipped == [(tmp_path / "raw" / "clean" / "a.txt", "inside the output folder")]
    # and an input folder inside the output folder is walked as usual
    inside = discover([tmp_path / "raw"], tmp_path)
    assert len(inside.inputs) == 2


def test_outputs_get_ordinary_permissions(tmp_path: Path) -> None:
    atomic_write(tmp_path / "out.txt", b"data")
    mode = (tmp_path / "out.txt").stat().st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    assert mode == 0o666 & ~umask


def test_discover_reports_cross_folder_collisions(tmp_path: Path) -> None:
    for folder in ("one", "two"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "same.txt").write_text("text")
    found = discover([tmp_path / "one", tmp_path / "two"])
    assert [i.path.parent.name for i in found.inputs] == ["one"]
    assert found.conflicts[0][0] == tmp_path / "two" / "same.txt"
    assert "overwrite" in found.conflicts[0][1]


def test_discover_does_not_follow_symlinks_inside_folders(tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text("secret")
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "link.txt").symlink_to(outside)
    found = discover([raw])
    assert found.inputs == []
    assert [path for path, _ in found.skipped] == [raw / "link.txt"]
    assert "symbolic link" in found.skipped[0][1]


def test_write_outputs_is_atomic_and_leaves_no_temporary_files(tmp_path: Path) -> None:
    article = clean_bytes(b"Body sentence one.\n\nPhoto: Reuters", source_id="s.txt")
    (item,) = discover([_write(tmp_path / "in" / "s.txt")]).inputs
    txt, sidecar = write_outputs(article, tmp_path / "out", item)
    assert txt.read_text() == "Body sentence one.\n"
    assert '"rule": "caption.credit_line"' in sidecar.read_text()
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["s.json", "s.txt"]


def test_atomic_write_into_unwritable_folder_is_a_clear_error(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        blocker = tmp_path / "file"
        blocker.write_text("not a folder")
        target = blocker / "out.txt"  # a folder path through a file fails even for root
    else:
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
        target = locked / "out.txt"
    with pytest.raises(OutputError, match="cannot write"):
        atomic_write(target, b"data")


def _write(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("Body sentence one.")
    return path


def test_temporary_names_of_long_outputs_fit_and_stay_apart() -> None:
    """Issue 17: a long output name's temporaries are cut to fit 255 bytes and end in a hash
    of the whole name, so two names alike in their first 240 bytes never share them; the cut
    never splits a UTF-8 character."""
    for char in ("x", "é", "€", "𝄞"):
        stem = char * (245 // len(char.encode()))
        names = [stem + ".txt", stem + ".json", stem + "a.txt"]
        prefixes = [temp_prefix(name) for name in names]
        assert len(set(prefixes)) == len(prefixes)
        for name, prefix in zip(names, prefixes, strict=True):
            temporary = prefix + "k2j4x9qa.tmp"
            assert len(os.fsencode(temporary)) <= 255
            assert is_temporary(temporary, {temp_prefix(name)})
            prefix.encode("utf-8")  # whole characters only
