"""The visual report: one static HTML page over an output folder's sidecars.

    article-clean report clean          (writes clean/report.html)

Guarantees: the page needs nothing but itself (inline CSS, script and SVG; no network); every
removal of every article it covers appears in it, in place among the article's kept lines,
with its kind, rule and reason; the same sidecars (and run report) give the same bytes, so the
per-article part holds no timestamps. Articles travel as one JSON blob that a small script
renders a page at a time, so the page stays usable at 10,000 articles. The folder is read
twice (once for the summary and its charts, once for the articles), so memory holds one
article at a time, not the corpus. Written atomically, like every output.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from pipeline.io import atomic_open, read_sidecar
from pipeline.read import path_text
from pipeline.report_page import REPORT_NAME, page_end, page_start

RUNS_FOLDER = "_runs"  # the flow's run reports: not sidecars
SIDECAR_KEYS = frozenset({"source", "removals", "stats", "pipeline"})
KEPT, HEADING = -1, -2  # line marks besides an index into the removal types
SHARE_BINS = 10  # the histogram of the share of text kept: 0-10%, ..., 90-100%


@dataclass
class Summary:
    """What the charts show: counts over every article the report covers."""

    articles: int = 0
    removals: int = 0
    chars_in: int = 0
    chars_out: int = 0
    by_kind: Counter[str] = field(default_factory=Counter)
    by_rule: Counter[str] = field(default_factory=Counter)
    rule_kinds: dict[str, str] = field(default_factory=dict)
    flagged: int = 0
    flags: Counter[str] = field(default_factory=Counter)
    kept_share: list[int] = field(default_factory=lambda: [0] * SHARE_BINS)

    def add(self, sidecar: dict[str, Any]) -> None:
        stats = sidecar["stats"]
        self.articles += 1
        self.chars_in += stats["chars_in"]
        self.chars_out += stats["chars_out"]
        removals = [*sidecar["removals"], *page_removals(sidecar)]
        self.removals += len(removals)
        self.by_kind.update(r["kind"] for r in removals)
        self.by_rule.update(r["rule"] for r in removals)
        self.rule_kinds.update((r["rule"], r["kind"]) for r in removals)
        flags = sidecar.get("flags", ())
        self.flags.update(flags)
        self.flagged += bool(flags)
        share = stats["chars_out"] / stats["chars_in"] if stats["chars_in"] else 0.0
        self.kept_share[min(int(share * SHARE_BINS), SHARE_BINS - 1)] += 1


def page_removals(sidecar: dict[str, Any]) -> list[dict[str, Any]]:
    """The HTML elements taken out of a page before extraction (none for text)."""
    page = sidecar.get("page")
    return list(page.get("removals", ())) if isinstance(page, dict) else []


def find_articles(out_dir: Path, names: Iterable[str] | None = None) -> list[str]:
    """Output names (``sub/story``) of the articles in ``out_dir``, sorted: each a sidecar
    with its body beside it. ``names`` limits them to those (a run's own articles). Run
    reports and hidden files are passed over."""
    if names is not None:
        wanted = sorted(set(names))
        return [n for n in wanted if _is_article(out_dir, n)]
    found: list[str] = []
    for path in out_dir.rglob("*.json"):
        relative = path.relative_to(out_dir)
        if relative.parts[0] == RUNS_FOLDER or any(p.startswith(".") for p in relative.parts):
            continue
        name = relative.as_posix()[: -len(".json")]
        if _is_article(out_dir, name):
            found.append(name)
    return sorted(found)


def _is_article(out_dir: Path, name: str) -> bool:
    sidecar = read_sidecar(out_dir / f"{name}.json")
    return sidecar is not None and set(sidecar) >= SIDECAR_KEYS and _body(out_dir, name).exists()


def _body(out_dir: Path, name: str) -> Path:
    return out_dir / f"{name}.txt"


def load(out_dir: Path, name: str) -> tuple[dict[str, Any], str]:
    """An article's sidecar and body."""
    sidecar = read_sidecar(out_dir / f"{name}.json") or {}
    return sidecar, _body(out_dir, name).read_text(encoding="utf-8")


def marked_lines(sidecar: dict[str, Any], body: str) -> list[tuple[int, str, int, bool]]:
    """The article's lines in document order: ``(start, text, removal index or KEPT,
    paragraph break before)``, a removal's index being its place in ``sidecar["removals"]``.

    From the ``kept`` offsets when the sidecar has them (exact); an older sidecar has only
    the body, whose lines are put before the next removal while they fit in the gap before
    it: exact unless a run of blank lines is longer than a kept line.
    """
    removals = sidecar["removals"]
    kept_lines = [line for line in body.split("\n") if line]
    spans = sidecar.get("kept")
    if spans is None or len(spans) != len(kept_lines):
        spans = _guess_spans(kept_lines, removals)
    items = [(s, e, text, KEPT) for (s, e), text in zip(spans, kept_lines, strict=True)]
    items += [(r["start"], r["end"], r["text"], i) for i, r in enumerate(removals)]
    items.sort()
    lines: list[tuple[int, str, int, bool]] = []
    previous_end: int | None = None
    for start, end, text, mark in items:
        # Segments are lines: more than one character between two means a blank line.
        lines.append((start, text, mark, previous_end is not None and start - previous_end > 1))
        previous_end = end
    return lines


def _guess_spans(kept: list[str], removals: list[dict[str, Any]]) -> list[list[int]]:
    spans: list[list[int]] = []
    position = -1  # the end of the previous segment: the next starts at least one later
    queue = sorted((r["start"], r["end"]) for r in removals)
    for text in kept:
        while queue and position + 1 + len(text) + 1 > queue[0][0]:
            position = queue.pop(0)[1]  # the removal comes first: the line does not fit
        spans.append([position + 1, position + 1 + len(text)])
        position += 1 + len(text)
    return spans


class Marks:
    """The removal types the page refers to by number: (kind, rule, reason, confidence,
    stage), numbered in order of first use, so the same articles give the same numbers."""

    def __init__(self) -> None:
        self.index: dict[tuple[Any, ...], int] = {}

    def of(self, removal: dict[str, Any]) -> int:
        key = (
            removal["kind"],
            removal["rule"],
            removal.get("reason", ""),
            removal.get("confidence", 1.0),
            removal.get("stage", ""),
        )
        return self.index.setdefault(key, len(self.index))

    def table(self) -> list[list[Any]]:
        return [list(key) for key in self.index]


def article_record(name: str, sidecar: dict[str, Any], body: str, marks: Marks) -> dict[str, Any]:
    """One article as the page's script reads it (short keys: 10,000 of them travel)."""
    removals = sidecar["removals"]
    headings = {h["start"] for h in sidecar.get("headings", ())}
    lines: list[list[Any]] = []
    for start, text, mark, brk in marked_lines(sidecar, body):
        if mark == KEPT:
            code = HEADING if start in headings else KEPT
        else:
            code = marks.of(removals[mark])
        lines.append([text, code, int(brk)])
    stats = sidecar["stats"]
    return {
        "n": path_text(name),
        "p": sidecar["source"].get("path", ""),
        "t": sidecar.get("title") or "",
        "g": sidecar.get("language") or "",
        "f": list(sidecar.get("flags", ())),
        "i": stats["chars_in"],
        "o": stats["chars_out"],
        "l": lines,
        "e": [[marks.of(r), r.get("element", ""), r["text"]] for r in page_removals(sidecar)],
    }


def summarise(out_dir: Path, names: list[str]) -> Summary:
    summary = Summary()
    for name in names:
        summary.add(load(out_dir, name)[0])
    return summary


def write_report(
    out_dir: Path,
    dest: Path | None = None,
    *,
    run: dict[str, Any] | None = None,
    names: Iterable[str] | None = None,
) -> tuple[Path, Summary]:
    """Write the page for the articles in ``out_dir`` (only ``names`` when given) to
    ``dest`` (default ``out_dir/report.html``), with ``run`` (a flow's run report: files
    seen, failures) in its summary. Returns where it went and what it counted."""
    dest = dest if dest is not None else out_dir / REPORT_NAME
    articles = find_articles(out_dir, names)
    summary = summarise(out_dir, articles)
    with atomic_open(dest) as handle:
        handle.write(page_start(summary, run, str(out_dir)).encode())
        _write_data(handle, out_dir, articles)
        handle.write(page_end().encode())
    return dest, summary


def _write_data(handle: BinaryIO, out_dir: Path, articles: list[str]) -> None:
    """The articles as one JSON object, streamed: ``{"a": [...], "m": [...]}``."""
    marks = Marks()
    handle.write(b'{"a":[')
    for number, name in enumerate(articles):
        sidecar, body = load(out_dir, name)
        record = article_record(name, sidecar, body, marks)
        handle.write((b"," if number else b"") + _json(record))
    handle.write(b'],"m":' + _json(marks.table()) + b"}")


def _json(value: object) -> bytes:
    """JSON that is safe inside a ``<script>`` element: no ``<`` can close it.

    >>> _json(["</script>"])
    b'["\\\\u003c/script>"]'
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").encode()
