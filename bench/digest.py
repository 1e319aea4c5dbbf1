"""One SHA-256 over everything ``article-clean clean`` writes for the seeds and the dev corpora:
``make bench-digest`` or ``python -m bench.digest [CORPUS_ROOT]``.

A speed change must not change a byte of output; run this before and after and compare the
last line. Each input set (the seeds, zyte-dev's raw text regions and HTML pages,
trafilatura-dev's HTML pages) is cleaned twice, with the default target language and with
``--lang auto``, each into its own temporary folder; the digest covers every output file
(``.txt``, ``.json``, ``.jsonl``) by relative path and content. The corpora are read by path,
never copied into the project.
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPORA = ROOT.parent / "shared" / "eval"
LANG_OPTIONS: dict[str, list[str]] = {"default": [], "auto": ["--lang", "auto"]}
SUFFIXES = (".txt", ".json", ".jsonl")


def input_sets(corpora: Path) -> dict[str, Path]:
    """The folders cleaned, by a short name (those missing are left out, and said so)."""
    wanted = {
        "seeds": ROOT / "seeds",
        "zyte-text": corpora / "zyte-dev" / "raw_text_region",
        "zyte-html": corpora / "zyte-dev" / "html",
        "trafilatura-html": corpora / "trafilatura-dev" / "html",
    }
    for name, folder in wanted.items():
        if not folder.is_dir():
            print(f"note: {name}: no folder {folder}; left out", file=sys.stderr)
    return {name: folder for name, folder in wanted.items() if folder.is_dir()}


def digest_folder(folder: Path, total: hashlib._Hash) -> hashlib._Hash:
    """Feed every output file's relative path and bytes into ``total``; also return a digest
    of this folder alone."""
    own = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix in SUFFIXES):
        for target in (total, own):
            target.update(path.relative_to(folder).as_posix().encode() + b"\0")
            target.update(path.read_bytes() + b"\0")
    return own


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpora", nargs="?", type=Path, default=DEFAULT_CORPORA)
    args = parser.parse_args(argv)
    cli = Path(sys.executable).parent / "article-clean"
    total = hashlib.sha256()
    with tempfile.TemporaryDirectory(prefix="bench-digest-") as tmp:
        for name, folder in input_sets(args.corpora).items():
            for lang, options in LANG_OPTIONS.items():
                out = Path(tmp) / name / lang
                command = [str(cli), "clean", folder.name, "--out", str(out), "-q", *options]
                # Run beside the folder: sidecars record the input's path as given, and the
                # digest must not depend on where the project or the corpus is checked out.
                # Failures are part of the output too; the exit status is not checked.
                subprocess.run(command, check=False, stdout=subprocess.DEVNULL, cwd=folder.parent)
                own = digest_folder(out, total)
                print(f"{name:18} {lang:8} {own.hexdigest()}")
    print(f"all {total.hexdigest()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
