"""The pipeline: bytes in, an annotated :class:`Article` out.

``clean_bytes`` decodes and repairs the bytes into the normalised text, cuts it into line
segments, judges the document's language once, then runs ``STAGES`` in order. Each stage is
a pure function of the article and the per-document context and returns a new article, so the
whole is deterministic: the same bytes and rules give the same article, and the same output.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import time
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

import ftfy

from pipeline import __version__
from pipeline.article import Article, DecodingRepair, Kind, PageInfo, PipelineInfo, Source
from pipeline.classify import classify
from pipeline.decode import decode_explained, sniff_binary
from pipeline.discover import input_format
from pipeline.errors import DecodeError, UnsupportedInputError
from pipeline.limits import Limits, check_time, enforced
from pipeline.matchers import Context, LanguageJudge
from pipeline.matchers.language import UNDETERMINED, count_letters
from pipeline.read import path_text, read_input
from pipeline.repair import repair
from pipeline.revise import revise, structure
from pipeline.rules import Rules, load_rules
from pipeline.segment import segment
from pipeline.sniff import FORMAT_CHOICES, sniff_format
from pipeline.templates import page_site, remove_template_lines
from pipeline.unpack import unpack_explained

StageFn = Callable[[Article, Context], Article]
# Run after decode, repair and segment, which need no context.
STAGES: tuple[tuple[str, StageFn], ...] = (
    ("classify", classify),
    ("templates", remove_template_lines),  # only when the run learned its sites' templates
    ("revise", revise),
    ("structure", structure),
)
# Decoded text with more than this share of U+FFFD or control characters is not text; a few
# stray ones (fewer than MIN_GARBAGE_CHARS) are just removed by the repair stage.
MAX_GARBAGE_SHARE = 0.1
MIN_GARBAGE_CHARS = 16
GARBAGE = re.compile("[\ufffd\x00-\x08\x0e-\x1f]")
# Flag a document when language removals took more than this share of its text.
MOSTLY_OTHER_LANGUAGE_SHARE = 0.5


@lru_cache(maxsize=1)
def default_rules() -> Rules:
    """The rules shipped with the package, loaded once per process."""
    return load_rules()


def clean_bytes(
    data: bytes,
    *,
    source_id: str,
    rules: Rules | None = None,
    fmt: str = "text",
    timings: dict[str, float] | None = None,
    limits: Limits | None = None,
    site: str | None = None,
) -> Article:
    """Clean one document (gzipped or not). Raises :class:`DecodeError` when it is not text,
    :class:`LimitError` when it is over the size or time limit (``Limits()`` by default).

    The source hash and size recorded are those of ``data`` as given.

    ``timings``, when given, accumulates seconds per stage (for the benchmark). ``site``: the
    site whose learned template applies (``pipeline.templates``) when a page names none.
    """
    if not isinstance(data, bytes | bytearray | memoryview):
        # A str would fail deep inside, in the gzip test, with a TypeError that names no one.
        msg = (
            f"clean_bytes takes the document's bytes, not {type(data).__name__}; pass "
            "text.encode('utf-8') for text already decoded, or clean_file(path) for a file"
        )
        raise TypeError(msg)
    with enforced(limits or Limits(), source_id, len(data)):
        return _clean_bytes(data, source_id, rules, fmt, timings, site)


def _clean_bytes(
    data: bytes,
    source_id: str,
    rules: Rules | None,
    fmt: str,
    timings: dict[str, float] | None,
    site: str | None = None,
) -> Article:
    rules = rules or default_rules()
    clock = _Clock(timings)
    article = _prepare(data, source_id, rules, fmt, clock, site)
    ctx = _context(article, rules)
    clock.lap("language")
    for name, stage in STAGES:
        article = stage(article, ctx)
        clock.lap(name)
    return _finish(article, ctx)


def _prepare(
    data: bytes, source_id: str, rules: Rules, fmt: str, clock: _Clock, site: str | None
) -> Article:
    """Decoded (or extracted), repaired and cut into segments: what the stages judge."""
    if fmt not in FORMAT_CHOICES:
        msg = f"{source_id}: unknown input format {fmt!r}; use one of {', '.join(FORMAT_CHOICES)}"
        raise UnsupportedInputError(msg)
    article = _load(data, source_id, rules, fmt)  # ``auto`` is decided there
    clock.lap("decode+repair" if article.source.format == "text" else "html+repair")
    page = article.page
    article = segment(dataclasses.replace(
        article, site=(page_site(page.url, page.site_name) if page else None) or site
    ))  # fmt: skip
    clock.lap("segment")
    return article


def clean_file(
    path: str | Path,
    *,
    rules: Rules | None = None,
    source_id: str | None = None,
    timings: dict[str, float] | None = None,
    limits: Limits | None = None,
    identity: int = 0,
    site: str | None = None,
    fmt: str | None = None,
) -> Article:
    """Read (unpacking if needed) and clean one file. Every error is a :class:`CleaningError`
    naming the file: unreadable, a symbolic link, not a regular file, over a limit, changed
    while read, not the file ``identity`` says was found there (``InputFile.identity``), ...

    ``fmt``: ``text``, ``html`` or ``auto``; by default from the name
    (``discover.input_format``: ``auto`` when the name does not say)."""
    path = Path(path)
    limits = limits or Limits()
    data = read_input(path, limits.max_bytes, identity)
    source = source_id or path_text(path)
    fmt = fmt or input_format(path)
    return clean_bytes(data, source_id=source, rules=rules, fmt=fmt, timings=timings,
                       limits=limits, site=site)  # fmt: skip


def prepare_file(
    path: Path,
    *,
    rules: Rules,
    limits: Limits,
    identity: int = 0,
    site: str | None = None,
    fmt: str | None = None,
) -> Article:
    """Read one file and take it as far as cleaning does before any rule runs (the lines
    learning counts); errors as :func:`clean_file`'s."""
    data = read_input(path, limits.max_bytes, identity)
    source = path_text(path)
    with enforced(limits, source, len(data)):
        return _prepare(data, source, rules, fmt or input_format(path), _Clock(None), site)


def _load(raw: bytes, source_id: str, rules: Rules, fmt: str) -> Article:
    unpacked = unpack_explained(raw, source_id)
    data = unpacked.data
    binary = sniff_binary(data)
    if binary is not None:
        msg = f"{source_id}: this is a {binary}, not text; remove it from the input folder"
        raise DecodeError(msg)
    if fmt == "auto":
        fmt = sniff_format(data)
    page: PageInfo | None = None
    decoding: tuple[DecodingRepair, ...] = ()
    if fmt == "html":
        # Imported with the first page: text alone never loads trafilatura and lxml (0.25 s
        # of every worker's start).
        from pipeline import html

        extraction = html.extract(data, source_id, rules.html)
        raw_text, encoding, page = extraction.text, extraction.encoding, extraction.page
        decoding = extraction.decoding
    else:
        raw_text, encoding, decoding = decode_explained(data)
    if _is_garbage(raw_text):
        msg = f"{source_id}: the bytes do not decode to text (binary or corrupt); check the file"
        raise DecodeError(msg)
    # A page's text is rejoined too: a line break inside a sentence (a <br> mid-sentence, text
    # after a block) would be joined by cleaning the output again as text (issue 17).
    text, repairs = repair(raw_text)
    flags: tuple[str, ...] = ("decoding_repaired",) if decoding else ()
    if unpacked.trailing:
        flags += ("gzip_trailing_data",)
        reason = f"{unpacked.trailing} byte(s) after the gzip data are not gzip; ignored"
        decoding += (DecodingRepair(None, unpacked.trailing_head.hex(), "", reason),)
    repairs = dataclasses.replace(repairs, decoding=decoding)
    source = Source(
        path=source_id,
        sha256=hashlib.sha256(raw).hexdigest(),
        bytes=len(raw),
        encoding=encoding,
        format=fmt,
    )
    info = PipelineInfo(
        version=__version__,
        rules_sha256=rules.sha256,
        rules_version=rules.version,
        target_language=rules.language.target,
        ftfy_version=ftfy.__version__,
        disabled_kinds=rules.disabled_kinds,
        templates=rules.learned is not None,
    )
    return Article(source=source, text=text, pipeline=info, repairs=repairs, page=page, flags=flags)


def _is_garbage(text: str) -> bool:
    bad = sum(1 for _ in GARBAGE.finditer(text))
    return bad >= MIN_GARBAGE_CHARS and bad > MAX_GARBAGE_SHARE * len(text)


def _context(article: Article, rules: Rules) -> Context:
    """Judge the document's language once; decide whether lines are filtered by language.

    The filter stands down only when no line at all is positively in the target language:
    then the article is kept whole and flagged, not emptied. Because removals only ever take
    lines away, cleaning an output again reaches the same decision, so it removes nothing.
    """
    judge = LanguageJudge(rules.language)
    language = judge.document_language(article.text)
    target = rules.language.target
    if target == "auto":
        target = language
    on_target = target != UNDETERMINED and _on_target(judge, article, target, language)
    return Context(
        rules=rules,
        judge=judge,
        target_language=target,
        filter_language=on_target,
        document_language=language,
    )


def _on_target(judge: LanguageJudge, article: Article, target: str, language: str) -> bool:
    """Is the article (partly) in the target language, so that lines in others are removed?

    When the document is judged to be in the target language (or is too short to judge), one
    line positively in it is enough. When it is judged to be in another, its lines in the
    target must hold at least ``min_target_share`` of its letters: a German article quoting
    one English line ("Integrating the Healthcare Enterprise (IHE)") is a German article,
    kept whole, not an English one with everything else removed (dev: zyte-dev 57b4dafd).
    """
    segments = article.segments
    positive = (seg for seg in segments if judge.is_positively(seg.text, target, seg.tokens))
    if language in (target, UNDETERMINED):
        return next(positive, None) is not None
    letters = sum(count_letters(seg.text) for seg in positive)
    total = sum(count_letters(seg.text) for seg in segments)
    return letters > 0 and letters >= judge.settings.min_target_share * total


def _finish(article: Article, ctx: Context) -> Article:
    """Record the document's language and flag what a reader of the run should know."""
    flags: list[str] = list(article.flags)  # stages may have flagged already
    if not article.segments and article.page is None:
        flags.append("empty_input")  # a text file with nothing but whitespace in it
    if not ctx.filter_language and article.segments:
        flags.append("off_target_language")
    removed = sum(r.end - r.start for r in article.removals if r.kind is Kind.LANGUAGE)
    if removed > MOSTLY_OTHER_LANGUAGE_SHARE * sum(s.end - s.start for s in article.segments):
        flags.append("mostly_other_language")
    if not article.kept():
        flags.append("empty_body")
    if article.page is not None and not article.page.found_article:
        flags.append("no_article_found")
    if article.page is not None and article.page.extraction and article.page.extraction.fallback:
        flags.append("extraction_fallback")
    return article.annotated(language=ctx.document_language, flags=tuple(flags))


class _Clock:
    """Adds elapsed seconds per stage into a dict, when one is given."""

    def __init__(self, timings: dict[str, float] | None) -> None:
        self.timings = timings
        self.last = time.perf_counter()

    def lap(self, name: str) -> None:
        check_time()  # between stages, besides the checks inside them
        if self.timings is None:
            return
        now = time.perf_counter()
        self.timings[name] = self.timings.get(name, 0.0) + now - self.last
        self.last = now
