"""Structure matchers: the title at the top of a document, and teasers under it.

Both run last, on what the other passes kept, so a caption or credit above the headline does
not hide it. "Title-like" means short, not a sentence, and alone in its paragraph among kept
lines. Teasers are the title-like lines between the title and the first real paragraph (seed
Labour Heartlands: "Zelensky agrees to talk with Russia"). Because the clean body therefore
always starts with a sentence-like line, cleaning an output again finds no title and removes
nothing.
"""

from __future__ import annotations

from collections.abc import Iterator

from pipeline.article import Article, Kind, Segment
from pipeline.matchers.base import Context
from pipeline.matchers.context import fold
from pipeline.rules import Rule
from pipeline.segment import is_heading_like


def _alone(kept: tuple[Segment, ...], position: int) -> bool:
    """No kept line directly above or below it in the same paragraph."""
    seg = kept[position]
    neighbours = kept[max(position - 1, 0) : position] + kept[position + 1 : position + 2]
    return not any(abs(n.id - seg.id) == 1 and n.paragraph == seg.paragraph for n in neighbours)


def _title_like(kept: tuple[Segment, ...], position: int, max_words: int) -> bool:
    seg = kept[position]
    return is_heading_like(seg, max_words) and _alone(kept, position)


def find_headings(article: Article, max_words: int) -> tuple[int, ...]:
    """Kept heading-shaped lines inside the body: alone in their paragraph, or opening it
    above sentence text ("1/ Russian offensive scaled down" over its paragraph)."""
    kept = article.kept()
    found = []
    for i, seg in enumerate(kept):
        if not is_heading_like(seg, max_words):
            continue
        above = kept[i - 1] if i else None
        below = kept[i + 1] if i + 1 < len(kept) else None
        if _same_block(above, seg):
            continue
        if not _same_block(seg, below) or (below and not is_heading_like(below, max_words)):
            found.append(seg.id)
    return tuple(found)


def _same_block(upper: Segment | None, lower: Segment | None) -> bool:
    """Neighbouring lines of one paragraph."""
    return (
        upper is not None
        and lower is not None
        and lower.id == upper.id + 1
        and lower.paragraph == upper.paragraph
    )


def match_title(article: Article, rule: Rule, ctx: Context) -> Iterator[tuple[int, float]]:
    """The headline, moved to metadata.

    In text, the first kept line when it is title-like and real paragraphs follow it. In a
    page's extracted text the headline is known from the page's metadata, and its length is
    no guide: one of the first ``headline_window`` kept lines is the title when it repeats
    that headline (at least ``headline_min_words`` words of it, or all of it).
    """
    kept = article.kept()
    if len(kept) < 2:
        return
    if article.page is not None:
        window = int(rule.param("headline_window", 3))
        min_words = int(rule.param("headline_min_words", 4))
        for seg in kept[:window]:
            if _repeats_headline(seg.text, article.page.title, min_words):
                yield seg.id, rule.confidence
                return
        return
    max_words = ctx.rules.heading_max_words
    if not _title_like(kept, 0, max_words):
        return
    if any(not _title_like(kept, i, max_words) for i in range(1, len(kept))):
        yield kept[0].id, rule.confidence


def _repeats_headline(line: str, headline: str | None, min_words: int) -> bool:
    """The line is the page's headline, maybe without the site name the <title> adds.

    >>> _repeats_headline("Storm hits the coast", "Storm Hits the Coast | Daily News", 4)
    True
    >>> _repeats_headline("BAAR, SWITZERLAND", "Ascom and Draeger team up - Ascom", 4)
    False
    """
    if headline is None:
        return False
    folded, whole = fold(line), fold(headline)
    long_enough = len(folded.split()) >= min_words or folded == whole
    return bool(folded) and long_enough and whole.startswith(folded)


def match_under_title(article: Article, rule: Rule, ctx: Context) -> Iterator[tuple[int, float]]:
    """Title-like lines between the title and the first real paragraph."""
    if not any(r.kind is Kind.TITLE for r in article.removals):
        return
    kept = article.kept()
    max_words = ctx.rules.heading_max_words
    for position in range(len(kept)):
        if not _title_like(kept, position, max_words):
            return
        yield kept[position].id, rule.confidence
