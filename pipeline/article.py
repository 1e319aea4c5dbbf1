"""The data model: an article is its normalised text plus annotations over it.

Stages never delete text; they annotate. Invariants every :class:`Article` keeps (checked by
the property tests):

- ``segments`` are sorted by offset, do not overlap, lie inside ``text``, and
  ``segment.text == text[segment.start:segment.end]``;
- each removal covers exactly one whole segment, and a segment has at most one removal;
- ``clean_text()`` is the kept segments, in order, separated by a newline when they were
  neighbouring lines of one paragraph, by a space when they are the two parts of a sentence
  that removed lines stood between, and by a blank line otherwise.

Nothing here carries a timestamp, so the same input and rules give the same bytes.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from typing import Any

from pipeline.kinds import Kind as Kind
from pipeline.kinds import Stage as Stage
from pipeline.prefilter import foldable
from pipeline.sentences import is_broken_sentence

WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class Segment:
    """One line of the normalised text (hard-wrapped lines already rejoined).

    ``paragraph`` numbers the blank-line-separated blocks; ids are in document order.
    """

    id: int
    start: int
    end: int
    text: str
    paragraph: int
    words: int = field(init=False, compare=False, repr=False)
    tokens: tuple[str, ...] = field(init=False, compare=False, repr=False)
    folded: str | None = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        # Whitespace-separated tokens, counted once: every length-bounded rule asks.
        object.__setattr__(self, "words", len(self.text.split()))
        # Its lower-case words (``\w+``), once: phrase rules skip lines that lack their first
        # words, and the language tests count function words among them.
        lower = self.text.lower()
        object.__setattr__(self, "tokens", tuple(WORD.findall(lower)))
        # Pattern rules first look for the substrings they need (``pipeline.prefilter``).
        object.__setattr__(self, "folded", lower if foldable(self.text) else None)


@dataclass(frozen=True, slots=True)
class Removal:
    """A whole segment judged not to be article body, with the rule that decided."""

    rule: str
    kind: Kind
    reason: str
    segment: int
    start: int
    end: int
    confidence: float
    stage: Stage

    def to_json(self, text: str) -> dict[str, Any]:
        return {
            "kind": str(self.kind),
            "rule": self.rule,
            "start": self.start,
            "end": self.end,
            "text": text[self.start : self.end],
            "confidence": round(self.confidence, 3),
            "stage": str(self.stage),
            "reason": self.reason,
        }


@dataclass(frozen=True, slots=True)
class EncodingFix:
    """What ftfy changed on one line: replay with ``ftfy.apply_plan(original, steps)``."""

    line: int
    original: str
    steps: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class DecodingRepair:
    """Bytes the decoder could not read as the file's own encoding, and what it made of them.

    ``line`` counts ``\n`` line breaks from 0 (``None``: not about a line, such as data after
    a gzip member); ``data`` is the bytes in hex; ``text`` what they became ("" when dropped).
    """

    line: int | None
    data: str
    text: str
    reason: str

    def to_json(self) -> dict[str, Any]:
        return {"line": self.line, "bytes": self.data, "text": self.text, "reason": self.reason}


@dataclass(frozen=True, slots=True)
class Repairs:
    """Every change made to the decoded text before segmentation, so it can be audited."""

    encoding_fixes: tuple[EncodingFix, ...] = ()
    decoding: tuple[DecodingRepair, ...] = ()  # before the text existed: see DecodingRepair
    control_chars_removed: int = 0
    whitespace_changed_lines: int = 0
    line_joins: tuple[tuple[int, int], ...] = ()  # first and last input line of each rejoin

    def to_json(self) -> dict[str, Any]:
        return {
            "control_chars_removed": self.control_chars_removed,
            "whitespace_changed_lines": self.whitespace_changed_lines,
            "line_joins": [list(run) for run in self.line_joins],
        }


@dataclass(frozen=True, slots=True)
class PageRemoval:
    """An HTML element taken out before extraction because the page marks it as not article.

    It has no offsets: its text never reached the normalised text. ``element`` says which
    element it was (``tag.class.names#id``).
    """

    rule: str
    kind: Kind
    reason: str
    element: str
    text: str

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": str(self.kind),
            "rule": self.rule,
            "element": self.element,
            "text": self.text,
            "stage": "html",
            "reason": self.reason,
        }


@dataclass(frozen=True, slots=True)
class ExtractionChoice:
    """Which extraction candidate became the text of a page, and why (``pipeline.candidates``).

    ``candidates`` are ``(name, characters, coverage)`` of every candidate tried, the first
    choice first; ``fallback`` is True when the text is not the first candidate's alone.
    """

    used: str
    reason: str
    candidates: tuple[tuple[str, int, float], ...] = ()
    added_blocks: int = 0  # blocks of sibling containers the candidate had left out
    fallback: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "used": self.used,
            "reason": self.reason,
            "fallback": self.fallback,
            "added_blocks": self.added_blocks,
            "candidates": [
                {"name": name, "chars": chars, "coverage": round(share, 3)}
                for name, chars, share in self.candidates
            ],
        }


@dataclass(frozen=True, slots=True)
class Standfirst:
    """The page's standfirst (``pipeline.standfirst``): its text, whether the extracted text
    holds it (before the text stages, which may remove it as any line), whether it was added
    there because the extraction had left it out (``[html] standfirst``), and how it was
    found."""

    text: str
    in_body: bool
    added: bool = False
    # "description": the element starting with the page's description; "lead": an element
    # the page marks as its lead by a class or id word (``[html] lead_words``), put atop the
    # text because it stood right above the body.
    found_by: str = "description"

    def to_json(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "in_body": self.in_body,
            "added": self.added,
            "found_by": self.found_by,
        }


@dataclass(frozen=True, slots=True)
class PageInfo:
    """What an HTML page said about itself, and what was taken out of it before extraction.

    ``found_article`` is False when the extractor found no article text on the page.
    """

    found_article: bool = True
    title: str | None = None
    author: str | None = None
    date: str | None = None
    site_name: str | None = None
    url: str | None = None
    language: str | None = None  # as the page declares it (``<html lang>``)
    removals: tuple[PageRemoval, ...] = ()
    extraction: ExtractionChoice | None = None
    standfirst: Standfirst | None = None
    lifted_posts: int = 0  # embedded posts moved out of their widget wrappers (``embeds``)

    def to_json(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "standfirst": self.standfirst.to_json() if self.standfirst is not None else None,
            "author": self.author,
            "date": self.date,
            "site_name": self.site_name,
            "url": self.url,
            "language": self.language,
            "found_article": self.found_article,
            "extraction": self.extraction.to_json() if self.extraction is not None else None,
            "lifted_posts": self.lifted_posts,
            "removals": [r.to_json() for r in self.removals],
        }


@dataclass(frozen=True, slots=True)
class Record:
    """Where in a file of many documents (JSONL, WARC) a document was: its ``line`` (JSONL,
    from 1) or byte ``offset`` (WARC), its id, and the URL and date the record gives."""

    id: str | None
    line: int | None = None
    offset: int | None = None
    url: str | None = None
    date: str | None = None

    def to_json(self) -> dict[str, Any]:
        where = {"line": self.line} if self.line is not None else {"offset": self.offset}
        return {"id": self.id, **where, "url": self.url, "date": self.date}


@dataclass(frozen=True, slots=True)
class Source:
    """Where the text came from: enough to tell whether it changed since it was cleaned.

    For a record of a JSONL or WARC file, ``path`` is that file, ``record`` says where in it,
    and ``sha256`` and ``bytes`` are the record's document's own."""

    path: str
    sha256: str
    bytes: int
    encoding: str
    format: str = "text"
    record: Record | None = None


@dataclass(frozen=True, slots=True)
class PipelineInfo:
    """What produced the output: a change here means the output may change."""

    version: str
    rules_sha256: str
    rules_version: int
    target_language: str
    ftfy_version: str
    disabled_kinds: tuple[str, ...] = ()
    templates: bool = False  # cleaned with its sites' learned templates


@dataclass(frozen=True)
class Article:
    """A document after cleaning; the clean body is a view over the kept segments."""

    source: Source
    text: str
    pipeline: PipelineInfo
    segments: tuple[Segment, ...] = ()
    removals: tuple[Removal, ...] = ()
    repairs: Repairs = field(default_factory=Repairs)
    language: str | None = None
    flags: tuple[str, ...] = ()
    headings: tuple[int, ...] = ()  # ids of kept segments recognised as section headings
    page: PageInfo | None = None  # HTML inputs only
    site: str | None = None  # what its template lines are learned over (``pipeline.templates``)
    # The template set it was cleaned with, when there was one: site, set hash, documents.
    template: tuple[str, str, int] | None = None

    # ``removed_ids``, ``kept`` and ``clean_text`` are computed once per article and kept in
    # its ``__dict__`` (not fields: equality, repr and ``dataclasses.replace`` never see
    # them). The context passes ask for them once per rule and round (issue 16), writing asks
    # for the body three times, and a frozen article's removals never change; ``replace``
    # makes a new article, which computes its own.

    def removed_ids(self) -> frozenset[int]:
        cached: frozenset[int] | None = self.__dict__.get("_removed_ids")
        if cached is None:
            cached = frozenset(r.segment for r in self.removals)
            object.__setattr__(self, "_removed_ids", cached)
        return cached

    def kept(self) -> tuple[Segment, ...]:
        cached: tuple[Segment, ...] | None = self.__dict__.get("_kept")
        if cached is None:
            removed = self.removed_ids()
            cached = tuple(s for s in self.segments if s.id not in removed)
            object.__setattr__(self, "_kept", cached)
        return cached

    @property
    def title(self) -> str | None:
        """The headline: the line moved out of the body (its parts joined with a space, when
        removed lines stood inside it), else the one the page declares."""
        parts = [self.text[r.start : r.end] for r in self.removals if r.kind is Kind.TITLE]
        if parts:
            return " ".join(parts)
        return self.page.title if self.page is not None else None

    def clean_text(self) -> str:
        """The article body: kept lines, paragraph breaks where anything was taken out.

        Two kept lines that are a sentence's two parts (``sentences.is_broken_sentence``)
        with removed lines between them are joined with a space, as the repair stage joins
        them across a blank line: a caption cut into a sentence leaves no break that
        cleaning the output again would join.
        """
        # Asked for three times an article (body, sidecar stats, run result): built once.
        cached: str | None = self.__dict__.get("_clean_text")
        if cached is None:
            cached = self._join_kept()
            object.__setattr__(self, "_clean_text", cached)
        return cached

    def annotated(
        self,
        *,
        headings: tuple[int, ...] | None = None,
        language: str | None = None,
        flags: tuple[str, ...] | None = None,
    ) -> Article:
        """A copy with the annotations given (section headings, language, flags) instead of
        these; one not given (None) stays as it is. The segments and removals are the same,
        so what is worked out from them (the kept lines, the output's lines, the clean text)
        is kept, not worked out again."""
        found = dataclasses.replace(
            self,
            headings=self.headings if headings is None else headings,
            language=self.language if language is None else language,
            flags=self.flags if flags is None else flags,
        )
        for name in ("_removed_ids", "_kept", "_groups", "_clean_text"):
            if name in self.__dict__:
                object.__setattr__(found, name, self.__dict__[name])
        return found

    def output_groups(self) -> tuple[tuple[Segment, ...], ...]:
        """The kept segments grouped into the lines of :meth:`clean_text`: a sentence's two
        parts that removed lines stood between (:func:`joined_in_output`) are one line."""
        cached: tuple[tuple[Segment, ...], ...] | None = self.__dict__.get("_groups")
        if cached is None:
            groups: list[list[Segment]] = []
            for seg in self.kept():
                if groups and joined_in_output(groups[-1][-1], seg):
                    groups[-1].append(seg)
                else:
                    groups.append([seg])
            cached = tuple(tuple(group) for group in groups)
            object.__setattr__(self, "_groups", cached)
        return cached

    def _join_kept(self) -> str:
        parts: list[str] = []
        last: Segment | None = None
        for group in self.output_groups():
            if last is not None:
                parts.append("\n" if is_next_line(last, group[0]) else "\n\n")
            parts.append(" ".join(seg.text for seg in group))
            last = group[-1]
        return "".join(parts)

    def _template_json(self) -> dict[str, Any]:
        site, sha256, documents = self.template or ("", "", 0)
        return {"site": site, "sha256": sha256, "documents": documents}

    def stats(self) -> dict[str, Any]:
        by_kind: dict[str, int] = {}
        for removal in self.removals:
            by_kind[str(removal.kind)] = by_kind.get(str(removal.kind), 0) + 1
        page_by_kind: dict[str, int] = {}
        for element in self.page.removals if self.page is not None else ():
            page_by_kind[str(element.kind)] = page_by_kind.get(str(element.kind), 0) + 1
        return {
            "chars_in": len(self.text),
            "chars_out": len(self.clean_text()),
            "segments": len(self.segments),
            "segments_kept": len(self.segments) - len(self.removals),
            "removed_by_kind": dict(sorted(by_kind.items())),
            "page_elements_removed_by_kind": dict(sorted(page_by_kind.items())),
        }

    def to_json(self) -> dict[str, Any]:
        """The provenance sidecar: deterministic, no timestamps, offsets into ``text``."""
        return {
            "source": {
                "path": self.source.path,
                "sha256": self.source.sha256,
                "bytes": self.source.bytes,
                "encoding": self.source.encoding,
                "format": self.source.format,
                # Only for records, so that files' sidecars keep their bytes.
                **(
                    {"record": self.source.record.to_json()}
                    if self.source.record is not None
                    else {}
                ),
            },
            "title": self.title,
            "page": self.page.to_json() if self.page is not None else None,
            "headings": [
                {"start": s.start, "end": s.end, "text": s.text}
                for s in self.segments
                if s.id in self.headings
            ],
            "language": self.language,
            "flags": list(self.flags),
            "encoding_fixes": [
                {"line": f.line, "original": f.original, "steps": [list(s) for s in f.steps]}
                for f in self.repairs.encoding_fixes
            ],
            # Only when there were any, so that other sidecars keep their bytes.
            **(
                {"decoding_repairs": [r.to_json() for r in self.repairs.decoding]}
                if self.repairs.decoding
                else {}
            ),
            "normalisation": self.repairs.to_json(),
            # Only when cleaned with a learned template set.
            **({"template": self._template_json()} if self.template is not None else {}),
            "removals": [r.to_json(self.text) for r in self.removals],
            # Where each kept line sits: with the removals, the whole text minus its blank
            # lines, so the report can show every removal in place (the body alone cannot say
            # on which side of a run of blank lines a removed line stood).
            "kept": [[s.start, s.end] for s in self.kept()],
            "stats": self.stats(),
            "pipeline": {
                "version": self.pipeline.version,
                "rules_sha256": self.pipeline.rules_sha256,
                "rules_version": self.pipeline.rules_version,
                "target_language": self.pipeline.target_language,
                "disabled_kinds": list(self.pipeline.disabled_kinds),
                "ftfy_version": self.pipeline.ftfy_version,
                # Only when true, so that sidecars of runs that learn nothing keep their bytes.
                **({"templates": True} if self.pipeline.templates else {}),
            },
        }


def is_next_line(previous: Segment, following: Segment) -> bool:
    """Whether two kept lines were neighbouring lines of one paragraph: the clean text puts
    them on consecutive lines."""
    return following.id == previous.id + 1 and following.paragraph == previous.paragraph


def joined_in_output(previous: Segment, following: Segment) -> bool:
    """Whether the clean text joins two consecutive kept lines into one with a space: they are
    not neighbours (lines were removed between them, or a paragraph break) and they are a
    sentence's two parts (``sentences.is_broken_sentence``)."""
    return not is_next_line(previous, following) and is_broken_sentence(
        previous.text, following.text
    )
