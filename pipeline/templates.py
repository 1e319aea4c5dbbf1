"""Boilerplate learned across a site's articles: the lines most of a site's documents repeat.

Phrase rules catch only the forms someone wrote down; a folder of one outlet's articles says
itself what repeats ("As reported by Ynetnews" under each piece, one donation appeal closing
each). Learning is a pass of its own over the inputs, before cleaning:

1. **Fingerprints.** Each document's lines (segments, after repair and rejoining) are folded
   (case, quotes, punctuation and digits ignored: "© 2024" and "© 2025" are one line) and
   hashed to 64 bits. A document counts a line once, however often it repeats it.
2. **Sites.** A page's site is its URL's host, else its declared site name; a text file's is
   its folder under the input folder, or what ``--site-from REGEX`` takes from its path.
3. **Counting** streams documents in input order into one counter per site. The counter is
   Manku and Motwani's lossy counting: after every ``1/error`` documents of the site, lines
   seen too rarely to be a template are forgotten, so memory stays bounded (about
   ``(1/error) * log(error * documents)`` lines per site, whatever the number of documents)
   while a line's count is low by at most ``error`` times the site's documents. Counting the
   same documents in the same order gives the same counts; inputs are counted in their
   sorted order, so the result does not depend on workers, batches or file system order.
4. **Learning.** A line is a template line of its site when it is in at least ``min_docs``
   documents and at least ``min_share`` of the site's documents. Story text is not: a
   sentence shared by a few articles of a site (a follow-up quoting its predecessor) is far
   below the share a template reaches, which is every article or nearly.

The learned sets are artifacts (``_templates/<site>.json`` in the output folder), each with
the hash of its lines; cleaning removes a kept line whose fingerprint is in its site's set as
``template.repeated``, recording the site, how many documents share the line and the set's
hash in the sidecar.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from pipeline.article import Article, Kind, Removal, Stage

if TYPE_CHECKING:
    from pipeline.discover import InputFile
    from pipeline.matchers import Context
    from pipeline.rules import Rules

TEMPLATES_FOLDER = "_templates"
COUNTING_FOLDER = "_counting"  # under it: a flow's counts per batch, until they are learnt
ARTIFACT_VERSION = 1
DIGITS = str.maketrans("123456789", "000000000")
NON_WORD = re.compile(r"[\W_]+")
TOP_FOLDER = "."  # the site of text files directly in the input folder
RULE_ID = "template.repeated"


@dataclass(frozen=True)
class TemplateSettings:
    """Thresholds of ``[templates]`` in the rules file (see there for why these values)."""

    min_docs: int = 5
    min_share: float = 0.5
    error: float = 0.02  # lossy counting: counts are low by at most this share of documents
    max_chars: int = 2000  # longer lines are never templates (and are not counted)

    @classmethod
    def from_toml(cls, table: Mapping[str, Any]) -> TemplateSettings:
        defaults = cls()
        settings = cls(
            min_docs=int(table.get("min_docs", defaults.min_docs)),
            min_share=float(table.get("min_share", defaults.min_share)),
            error=float(table.get("error", defaults.error)),
            max_chars=int(table.get("max_chars", defaults.max_chars)),
        )
        if settings.min_docs < 2 or not 0 < settings.min_share <= 1:
            msg = "[templates] needs min_docs >= 2 and 0 < min_share <= 1"
            raise ValueError(msg)
        if not 0 < settings.error < settings.min_share:
            msg = "[templates] needs 0 < error < min_share"
            raise ValueError(msg)
        return settings


def fingerprint(text: str) -> int:
    """A line's 64-bit fingerprint, ignoring case, quotes, punctuation, spacing and digits;
    0 for a line with no word character (never a template)."""
    folded = NON_WORD.sub(" ", text.lower().translate(DIGITS)).strip()
    if not folded:
        return 0
    return int.from_bytes(hashlib.blake2b(folded.encode(), digest_size=8).digest(), "big")


def line_fingerprints(lines: Iterable[str], max_chars: int) -> dict[int, str]:
    """A document's distinct line fingerprints, each with its first line's text."""
    found: dict[int, str] = {}
    for line in lines:
        if len(line) > max_chars:
            continue
        key = fingerprint(line)
        if key and key not in found:
            found[key] = line
    return found


def page_site(url: str | None, site_name: str | None) -> str | None:
    """A page's site: its URL's host (without ``www.``), else the name it declares."""
    host = urlsplit(url).hostname if url else None
    if host:
        return host.removeprefix("www.")
    return site_name.strip() or None if site_name else None


def folder_site(source: str, output: str, site_from: str | None = None) -> str:
    """A text file's site: what ``site_from`` (a regex; its first group, else its whole match)
    finds in the input's path, else the folder of its output name under the input folder."""
    if site_from:
        match = re.search(site_from, source)
        if match:
            return match.group(1) if match.re.groups else match.group(0)
    parent = str(PurePosixPath(output).parent)
    return TOP_FOLDER if parent in ("", ".") else parent


@dataclass
class SiteCounter:
    """Lossy counting of the documents of one site that contain each line."""

    error: float
    documents: int = 0
    counts: dict[int, int] = field(default_factory=dict)
    slack: dict[int, int] = field(default_factory=dict)  # lossy counting's delta per line
    texts: dict[int, str] = field(default_factory=dict)  # the first text seen of each line

    @property
    def width(self) -> int:
        return math.ceil(1 / self.error)

    def add(self, lines: Mapping[int, str]) -> None:
        """Count one document's distinct lines."""
        self.documents += 1
        bucket = math.ceil(self.documents / self.width)
        counts, slack, texts = self.counts, self.slack, self.texts
        for key, text in lines.items():
            if key in counts:
                counts[key] += 1
            else:
                counts[key], slack[key], texts[key] = 1, bucket - 1, text
        if self.documents % self.width == 0:
            self._forget(bucket)

    def _forget(self, bucket: int) -> None:
        rare = [k for k, n in self.counts.items() if n + self.slack[k] <= bucket]
        for key in rare:
            del self.counts[key], self.slack[key], self.texts[key]


@dataclass(frozen=True)
class TemplateLine:
    """A line of a site's template: its fingerprint, how many documents have it, its text
    (as the first of them spells it)."""

    fingerprint: int
    documents: int
    text: str

    def to_json(self) -> dict[str, Any]:
        return {"fingerprint": f"{self.fingerprint:016x}", "documents": self.documents,
                "text": self.text}  # fmt: skip


@dataclass(frozen=True)
class TemplateSet:
    """One site's template lines, learned from ``documents`` documents."""

    site: str
    documents: int
    lines: tuple[TemplateLine, ...]

    @property
    def sha256(self) -> str:
        """Names the set of lines (not their counts): it changes only when a line enters or
        leaves the set."""
        keys = ",".join(f"{line.fingerprint:016x}" for line in self.lines)
        return hashlib.sha256(f"{self.site}\n{keys}".encode()).hexdigest()

    def by_fingerprint(self) -> dict[int, TemplateLine]:
        return {line.fingerprint: line for line in self.lines}

    def to_json(self, settings: TemplateSettings) -> dict[str, Any]:
        return {
            "version": ARTIFACT_VERSION,
            "site": self.site,
            "documents": self.documents,
            "sha256": self.sha256,
            "settings": {
                "min_docs": settings.min_docs,
                "min_share": settings.min_share,
                "error": settings.error,
                "max_chars": settings.max_chars,
            },
            "lines": [line.to_json() for line in self.lines],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> TemplateSet:
        lines = tuple(
            TemplateLine(int(line["fingerprint"], 16), int(line["documents"]), str(line["text"]))
            for line in data["lines"]
        )
        return cls(str(data["site"]), int(data["documents"]), lines)


class TemplateLearner:
    """Counts documents' lines per site (:class:`SiteCounter`) and learns their templates."""

    def __init__(self, settings: TemplateSettings) -> None:
        self.settings = settings
        self.sites: dict[str, SiteCounter] = {}

    def add(self, site: str, lines: Mapping[int, str]) -> None:
        counter = self.sites.get(site)
        if counter is None:
            counter = self.sites[site] = SiteCounter(self.settings.error)
        counter.add(lines)

    def learn(self) -> dict[str, TemplateSet]:
        """Every site's template set (sites without template lines have an empty one)."""
        return {site: self._learn(site, c) for site, c in sorted(self.sites.items())}

    def _learn(self, site: str, counter: SiteCounter) -> TemplateSet:
        needed = max(self.settings.min_docs, self.settings.min_share * counter.documents)
        lines = sorted(
            (TemplateLine(key, n, counter.texts[key]) for key, n in counter.counts.items()
             if n >= needed),
            key=lambda line: line.fingerprint,
        )  # fmt: skip
        return TemplateSet(site, counter.documents, tuple(lines))


@dataclass(frozen=True)
class Templates:
    """The learned sets a run cleans with, by site; only sites with template lines."""

    sets: Mapping[str, TemplateSet]
    site_from: str | None = None

    def lookup(self, site: str | None) -> tuple[TemplateSet, dict[int, TemplateLine]] | None:
        found = self.sets.get(site) if site is not None else None
        return (found, _index(found)) if found is not None and found.lines else None


_INDEXES: dict[int, tuple[TemplateSet, dict[int, TemplateLine]]] = {}


def _index(found: TemplateSet) -> dict[int, TemplateLine]:
    """The set's lines by fingerprint, built once per set (cleaning asks per document)."""
    cached = _INDEXES.get(id(found))
    if cached is None or cached[0] is not found:
        cached = _INDEXES[id(found)] = (found, found.by_fingerprint())
    return cached[1]


def artifact_name(site: str) -> str:
    """A file name for a site's artifact: the site made safe, with a short hash of the site
    (two sites that differ only in unsafe characters get different files)."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", site).strip("._")[:80] or "site"
    return f"{safe}-{hashlib.sha256(site.encode()).hexdigest()[:8]}.json"


def artifact_bytes(found: TemplateSet, settings: TemplateSettings) -> bytes:
    return (json.dumps(found.to_json(settings), ensure_ascii=False, indent=2) + "\n").encode()


def read_templates(folder: Path, site_from: str | None = None) -> Templates:
    """The sets saved in ``folder`` (``out/_templates``), with lines; none when it does not
    exist."""
    sets: dict[str, TemplateSet] = {}
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else ():
        try:
            found = TemplateSet.from_json(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError, TypeError):
            continue  # not a set this program wrote: a run that learns removes it
        if found.lines:
            sets[found.site] = found
    return Templates(sets, site_from)


# Sets read per folder, with the listing they were read from: a worker asks for every file,
# and the folder changes only between runs (a long-lived ``serve`` process sees several).
_READ: dict[tuple[str, str | None], tuple[tuple[tuple[str, int, int], ...], Templates]] = {}


def with_templates(rules: Rules, folder: Path, site_from: str | None) -> Rules:
    """``rules`` with the template sets saved in ``folder`` to clean with."""
    listing = tuple(
        (entry.name, entry.stat().st_mtime_ns, entry.stat().st_size)
        for entry in sorted(os.scandir(folder), key=lambda e: e.name)
    ) if folder.is_dir() else ()  # fmt: skip
    key = (str(folder), site_from)
    cached = _READ.get(key)
    if cached is None or cached[0] != listing:
        cached = _READ[key] = (listing, read_templates(folder, site_from))
    return dataclasses.replace(rules, learned=cached[1])


def item_site(item: InputFile, rules: Rules) -> str | None:
    """The site of an input file when the run cleans with learned templates (a page's own
    URL, when it has one, wins at cleaning: ``pipeline.clean``)."""
    if rules.learned is None:
        return None
    return folder_site(item.source, item.output, rules.learned.site_from)


def iter_lines(text: str) -> Iterator[str]:
    """A text's non-blank lines, stripped."""
    for line in text.splitlines():
        stripped = line.strip()
        if stripped:
            yield stripped


def remove_template_lines(article: Article, ctx: Context) -> Article:
    """Stage: remove kept lines of the article's site's learned template; record the set."""
    learned = ctx.rules.learned
    if learned is None or Kind.TEMPLATE in ctx.rules.disabled_kinds:
        return article
    found = learned.lookup(article.site)
    if found is None:
        return article
    template, lines = found
    removed = article.removed_ids()
    added: list[Removal] = []
    for seg in article.segments:
        line = lines.get(fingerprint(seg.text)) if seg.id not in removed else None
        if line is not None:
            reason = f"in {line.documents} of {template.documents} documents of {template.site}"
            added.append(Removal(RULE_ID, Kind.TEMPLATE, reason, seg.id, seg.start, seg.end,
                                 1.0, Stage.SITE))  # fmt: skip
    evidence = (template.site, template.sha256, template.documents)
    removals = tuple(sorted((*article.removals, *added), key=lambda r: r.segment))
    return dataclasses.replace(article, removals=removals, template=evidence)
