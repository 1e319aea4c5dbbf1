from __future__ import annotations

import gzip
import os
from pathlib import Path

import pytest

from pipeline.errors import DecodeError, InputError, LimitError
from pipeline.read import gunzip_explained, gunzip_if_needed, path_text, read_input


def test_gzip_members_unpack_up_to_the_limit_and_no_further() -> None:
    two_members = gzip.compress(b"first part. ") + gzip.compress(b"second part.")
    assert gunzip_if_needed(two_members, "a.gz", 1000) == b"first part. second part."
    assert gunzip_if_needed(two_members, "a.gz", 24) == b"first part. second part."
    with pytest.raises(LimitError, match=r"a\.gz: unpacks to more than the size limit of 23"):
        gunzip_if_needed(two_members, "a.gz", 23)
    with pytest.raises(DecodeError, match="not a valid gzip file"):
        gunzip_if_needed(two_members[:-3], "a.gz", 1000)  # trailer cut off
    # Issue 17: junk after a complete member is ignored, counted, as ``gzip -d`` does.
    unpacked = gunzip_explained(gzip.compress(b"text") + b"trailing junk", "a.gz", 1000)
    assert unpacked == (b"text", 13, b"trailing junk")
    with pytest.raises(DecodeError, match="not a valid gzip file"):  # a second member, corrupt
        gunzip_if_needed(gzip.compress(b"text") + gzip.compress(b"more")[:-3], "a.gz", 1000)


def test_only_regular_files_are_read(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="this is a folder, not a regular file"):
        read_input(tmp_path)
    with pytest.raises(InputError, match="this is a character device"):
        read_input(Path("/dev/zero"))  # would never end
    with pytest.raises(InputError, match=r"missing\.txt: cannot read: No such file or director"):
        read_input(tmp_path / "missing.txt")


def test_the_size_limit_is_checked_before_reading(tmp_path: Path) -> None:
    sparse = tmp_path / "sparse.txt"
    with sparse.open("wb") as handle:
        handle.truncate(1 << 40)  # a terabyte that takes no space: reading it would take hours
    with pytest.raises(LimitError, match=r"is 1024\.0 GiB, over the size limit of 10\.0 MiB"):
        read_input(sparse)


def test_path_text_is_always_printable_utf8() -> None:
    name = os.fsdecode(b"caf\xe9\nx.txt")
    assert path_text(name) == "caf\\xe9\nx.txt"
    path_text(name).encode("utf-8")
