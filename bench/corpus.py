"""The speed benchmark's corpus: N inputs under distinct names in a temporary folder.

The sources are the seed articles and, when a dev corpus is given (a folder laid out like
the Zyte benchmark), its ``raw_text_region/*.txt`` and ``html/*.html.gz``. They are read by
path and copied, in turn, under names ``<index>_<source name>`` until there are N; the dev
corpus itself is never copied into the project.
"""

from __future__ import annotations

import gzip
import shutil
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


@dataclass(frozen=True)
class Sources:
    """What a corpus is built from: text files and (gzipped) HTML pages."""

    texts: tuple[Path, ...]
    pages: tuple[Path, ...]

    @property
    def all(self) -> tuple[Path, ...]:
        return self.texts + self.pages

    def describe(self) -> str:
        return f"{len(self.texts)} text file(s), {len(self.pages)} HTML page(s)"


def find_sources(dev_corpus: Path | None = None) -> Sources:
    """The seeds, plus the dev corpus's raw text regions and pages when a path is given."""
    texts = sorted(SEEDS.glob("*.txt"))
    pages: list[Path] = []
    if dev_corpus is not None:
        if not dev_corpus.is_dir():
            msg = f"no such corpus folder: {dev_corpus}"
            raise SystemExit(msg)
        texts += sorted((dev_corpus / "raw_text_region").glob("*.txt"))
        pages = sorted((dev_corpus / "html").glob("*.html.gz"))
    return Sources(tuple(texts), tuple(pages))


def build_corpus(folder: Path, docs: int, sources: Sources) -> list[Path]:
    """``docs`` copies of the sources, taken in turn, under distinct names in ``folder``.

    Names sort in build order (``000000_...``), so the first 1,000 files of a bigger corpus
    are the 1,000 of a smaller one.
    """
    folder.mkdir(parents=True, exist_ok=True)
    everything = sources.all
    made = []
    for index in range(docs):
        source = everything[index % len(everything)]
        target = folder / f"{index:06d}_{source.name}"
        shutil.copyfile(source, target)
        made.append(target)
    return made


def read_page(path: Path) -> bytes:
    """A page's HTML bytes (gunzipped when the name ends in ``.gz``)."""
    data = path.read_bytes()
    return gzip.decompress(data) if path.suffix == ".gz" else data
