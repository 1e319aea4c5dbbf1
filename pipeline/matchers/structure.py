"""Structure matchers: the title at the top of a document, and teasers under it.

Both run last, on what the other passes kept, so a caption or credit above the headline does
not hide it. "Title-like" means short, not a sentence, and alone in its paragraph among kept
lines. Teasers are the title-like lines between the title and the first real paragraph (seed
Labour Heartlands: "Zelensky agrees to talk with Russia"). Because the clean body therefore
always starts with a sentence-like line, cleaning an output again finds no title and removes
nothing. The lines at the top are judged as the clean output has them
(:func:`output_lines`): a sentence's two parts that removed lines stood between are one line
there, so they are one line here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from pipeline.article import Article, Kind, Segment, is_next_line
from pipeline.matchers.base import Context
from pipeline.matchers.context import fold
from pipeline.rules import Rule
from pipeline.segment import is_heading_like
from pipeline.sentences import ends_sentence

LETTERS = re.compile(r"[^\W\d_]+")
# A name over an author's blurb: "Phil Helsel", "Jane van der Berg".
NAME_MAX_WORDS = 4


@dataclass(frozen=True)
class OutputLines:
    """The kept lines as the clean output has them (``Article.clean_text``): a sentence's
    parts that it joins are one line, numbered so that neighbouring lines of one output
    paragraph have consecutive ids and the same paragraph, as cleaning the output again
    would number them; ``members[i]`` are the kept segments ``lines[i]`` is made of."""

    lines: tuple[Segment, ...]
    members: tuple[tuple[Segment, ...], ...]

    def each(self, index: int, confidence: float) -> Iterator[tuple[int, float]]:
        """A matcher's answer for line ``index``: every segment of it."""
        for seg in self.members[index]:
            yield seg.id, confidence


def output_lines(article: Article) -> OutputLines:
    """The article's kept lines as its clean output has them (see :class:`OutputLines`).

    Where the output joins no lines (nearly always: a join needs removed lines inside a
    sentence) they are the kept segments themselves, whose ids and paragraphs already say
    which are neighbours; only a join makes new lines, numbered afresh.
    """
    kept = article.kept()
    groups = article.output_groups()
    if len(groups) == len(kept):
        return OutputLines(kept, groups)
    lines: list[Segment] = []
    paragraph = 0
    for index, group in enumerate(groups):
        if index and not is_next_line(groups[index - 1][-1], group[0]):
            paragraph += 1
        text = " ".join(seg.text for seg in group)
        lines.append(Segment(index, group[0].start, group[-1].end, text, paragraph))
    return OutputLines(tuple(lines), groups)


def _alone(kept: tuple[Segment, ...], position: int) -> bool:
    """No kept line directly above or below it in the same paragraph, except sentences.

    Text with one paragraph per line and no blank lines (trafilatura's, many scrapers')
    puts the headline directly over the first paragraph; a line beside full sentences is a
    block of its own. The test looks only at the kept neighbours, which the clean output
    keeps beside it, so cleaning an output again decides the same.
    """
    seg = kept[position]
    above = kept[position - 1] if position else None
    below = kept[position + 1] if position + 1 < len(kept) else None
    return not (
        (above is not None and is_next_line(above, seg) and not ends_sentence(above.text))
        or (below is not None and is_next_line(seg, below) and not ends_sentence(below.text))
    )


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
    return upper is not None and lower is not None and is_next_line(upper, lower)


def match_title(article: Article, rule: Rule, ctx: Context) -> Iterator[tuple[int, float]]:
    """The headline, moved to metadata.

    In text, the first kept line, when it is title-like and a real paragraph follows it
    within ``max_deck`` more title-like lines (the deck, taken by ``teaser.under_title``). A
    longer run of short lines under a short first line is the body opening with a list, a
    table or a score box (dev: "GIRLS BASKETBALL", "Palm Bay d. Rockledge 70-44", the line
    scores): then nothing is taken, and cleaning the output again decides the same.

    In a page's extracted text the headline is known from the page's metadata, and its
    length is no guide: one of the first ``headline_window`` kept lines is the title when it
    repeats that headline (at least ``headline_min_words`` words of it, or all of it).
    """
    output = output_lines(article)
    kept = output.lines
    if len(kept) < 2:
        return
    if article.page is not None:
        window = int(rule.param("headline_window", 3))
        min_words = int(rule.param("headline_min_words", 4))
        for index, seg in enumerate(kept[:window]):
            if _repeats_headline(seg.text, article.page.title, min_words):
                yield from output.each(index, rule.confidence)
                return
        return
    max_words = int(rule.param("max_words", ctx.rules.heading_max_words))
    if not _title_like(kept, 0, max_words) or never_title(kept[0].text, rule):
        return
    deck = 0
    while 1 + deck < len(kept) and _title_like(kept, 1 + deck, max_words):
        deck += 1
    if 1 + deck < len(kept) and deck <= int(rule.param("max_deck", deck)):
        yield from output.each(0, rule.confidence)


def never_title(line: str, rule: Rule) -> bool:
    """A credit, byline, agency, dateline or spec line (the rule's pattern), or a line of
    nothing but a date: never a headline, whatever its shape.

    >>> from pipeline.article import Stage
    >>> rule = Rule("t.t", Kind.TITLE, "title", Stage.STRUCTURE, "", 1.0,
    ...             params={"date_words": ["dezember", "jul"]})
    >>> never_title("9. Dezember 2013", rule), never_title("Jul 29", rule)
    (True, True)
    >>> never_title("Storm hits the coast", rule)
    False
    """
    if rule.pattern is not None and rule.pattern.search(line):
        return True
    if not any(c.isdigit() for c in line):
        return False
    words = frozenset(rule.param("date_words", ()))
    return all(word in words for word in LETTERS.findall(line.lower()))


def match_page_opening(article: Article, rule: Rule, ctx: Context) -> Iterator[tuple[int, float]]:
    """In a page's text whose headline was not found: the title-like lines at the top when a
    real paragraph follows within ``max_deck`` more, as the text rule would take them.

    They are what cleaning the output again as text would take as its title and deck; taken
    now (as teasers: the title stays the page's own), the body of a page starts, like that
    of a text, with a real paragraph or with a run of short lines the text rule leaves too.
    """
    if article.page is None or any(r.kind is Kind.TITLE for r in article.removals):
        return
    output = output_lines(article)
    kept = output.lines
    max_words = int(rule.param("max_words", ctx.rules.heading_max_words))
    if len(kept) < 2 or not _title_like(kept, 0, max_words):
        return
    deck = 0
    while 1 + deck < len(kept) and _title_like(kept, 1 + deck, max_words):
        deck += 1
    if 1 + deck < len(kept) and deck <= int(rule.param("max_deck", deck)):
        for index in range(1 + deck):
            yield from output.each(index, rule.confidence)


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
    output = output_lines(article)
    max_words = int(rule.param("max_words", ctx.rules.heading_max_words))
    for position in range(len(output.lines)):
        if not _title_like(output.lines, position, max_words):
            return
        yield from output.each(position, rule.confidence)


def match_tail_pattern(article: Article, rule: Rule, ctx: Context) -> Iterator[tuple[int, float]]:
    """Among the last ``within_last`` kept lines, those the rule's pattern matches; and the
    kept line directly above such a line when it is only the name the line begins with.

    An author's blurb closes a story ("Phil Helsel is a reporter for NBC News."); the same
    words inside a story are a sentence about someone, so the position is part of the rule.
    """
    if rule.pattern is None:
        return
    kept = article.kept()
    within = int(rule.param("within_last", 3))
    max_words = int(rule.param("max_words", 80))
    for position in range(max(len(kept) - within, 0), len(kept)):
        seg = kept[position]
        if seg.words > max_words or not rule.pattern.search(seg.text):
            continue
        if position and _is_name_over(kept[position - 1], seg):
            yield kept[position - 1].id, rule.confidence
        yield seg.id, rule.confidence


def _is_name_over(above: Segment, line: Segment) -> bool:
    """``above`` is the line directly before ``line`` and only the words ``line`` opens with
    (the author's name over the author's blurb).

    >>> name = Segment(0, 0, 11, "Phil Helsel", 0)
    >>> _is_name_over(name, Segment(1, 12, 38, "Phil Helsel is a reporter.", 1))
    True
    """
    words = above.text.split()
    return (
        above.id == line.id - 1
        and 0 < len(words) <= NAME_MAX_WORDS
        and line.text.split()[: len(words)] == words
    )


def match_tail_block(article: Article, rule: Rule, ctx: Context) -> Iterator[tuple[int, float]]:
    """From the first heading-like line the rule's pattern matches among the last
    ``within_last`` kept lines, that line and every kept line after it.

    A press release or a blog post ends with boxes about someone else than the story: "About
    Ascom" and "About Dräger" over their boilerplate, "Über den Autor" over a biography. At
    the end of a document such a heading opens what is left of it; inside, it is a section.
    """
    if rule.pattern is None:
        return
    kept = article.kept()
    within = int(rule.param("within_last", 8))
    max_words = int(rule.param("max_words", ctx.rules.heading_max_words))
    if not kept:
        return
    # The heading itself may be gone already (an author box's heading has a rule of its own).
    first = kept[max(len(kept) - within, 0)].id
    for seg in article.segments[first:]:
        if is_heading_like(seg, max_words) and rule.pattern.search(seg.text):
            yield from ((s.id, rule.confidence) for s in kept if s.id >= seg.id)
            return
