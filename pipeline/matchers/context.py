"""Context-sensitive matchers (the revise pass): a line judged by its removed neighbours.

jusText's insight: a line that says little on its own is boilerplate when what surrounds it
is. Each matcher yields ``(segment id, confidence)`` for kept segments only.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Iterator
from itertools import pairwise

from pipeline.article import Article, Kind, Stage
from pipeline.matchers.base import Context
from pipeline.rules import Rule
from pipeline.segment import is_heading_like
from pipeline.sentences import ends_sentence

QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "«": '"', "»": '"'})
NON_WORD = re.compile(r"[\W_]+")
CLOSING = "\"'”’»)]"
LIST_MARKERS = ("*", "-", "–", "•", "·")
# How a table row's cells are divided in the text of a page (``pipeline.html``) and in
# scrapers' text: a row repeats down a table (its header row with every page of it).
TABLE_CELL = " | "
# How a sentence or a label ends; a headline may end in "?" or "!" ("... klappt's!").
SENTENCE_ENDS = frozenset(".:;,")


@functools.lru_cache(maxsize=1024)
def fold(text: str) -> str:
    """Compare captions ignoring case, quote style and punctuation (cached: every revise
    round folds the same lines near each caption again).

    >>> fold("Ukraine's delegation") == fold("UKRAINE’S  delegation!")
    True
    """
    return NON_WORD.sub(" ", text.translate(QUOTES).lower()).strip()


def _kinds(rule: Rule, name: str) -> frozenset[Kind]:
    return frozenset(Kind(k) for k in rule.param(name, ()))


def match_caption_twin(article: Article, rule: Rule, ctx: Context) -> Iterator[tuple[int, float]]:
    """A kept line that repeats a nearby removed caption without its credit.

    Seed Ynetnews prints each caption twice: plain, then with "(Photo: Reuters)"; only the
    second carries the credit the classify pass recognises.
    """
    removed = article.removed_ids()
    window = int(rule.param("window", 2))
    min_words = int(rule.param("min_words", 3))
    kinds = _kinds(rule, "of_kinds")
    for removal in article.removals:
        if removal.kind not in kinds:
            continue
        caption = fold(article.segments[removal.segment].text)
        low, high = max(removal.segment - window, 0), removal.segment + window + 1
        for seg in article.segments[low:high]:
            if seg.id in removed or seg.words < min_words:
                continue
            if is_twin(fold(seg.text), caption, rule):
                yield seg.id, rule.confidence


def is_twin(twin: str, caption: str, rule: Rule) -> bool:
    """``twin`` is most of ``caption`` (both folded): the caption less a short credit.

    A phrase the caption merely quotes is not its twin: a gallery's title ("Jewels after
    Jewels") inside "Jewels after Jewels, installation views, photos © Name" is half of it.

    >>> rule = Rule("caption.twin", Kind.CAPTION, "caption_twin", Stage.REVISE, "", 1.0)
    >>> is_twin("smoke over kyiv at dawn", "smoke over kyiv at dawn photo reuters", rule)
    True
    >>> is_twin("jewels after jewels", "jewels after jewels installation views photos", rule)
    False
    """
    if not twin or twin not in caption:
        return False
    twin_words, caption_words = len(twin.split()), len(caption.split())
    extra = caption_words - twin_words
    return (
        extra <= int(rule.param("max_extra_words", 12))
        and twin_words >= float(rule.param("min_share", 0.6)) * caption_words
    )


def match_neighbour(article: Article, rule: Rule, ctx: Context) -> Iterator[tuple[int, float]]:
    """A short unpunctuated line in the same paragraph as, and next to, a removed line, in a
    paragraph of at most ``max_block_lines`` lines.

    A caption block is a few lines; a "paragraph" of dozens is text without blank lines (one
    paragraph per line), where the line next to a caption may be the next section's heading.
    """
    removed = article.removed_ids()
    max_words = int(rule.param("max_words", 25))
    max_block = int(rule.param("max_block_lines", 8))
    segments = article.segments
    sizes = Counter(seg.paragraph for seg in segments)
    kinds = _kinds(rule, "from_kinds")
    for removal in article.removals:
        # Only from what a line's own text gave away (the classify pass): a neighbour, or a
        # caption's twin, must not become the next starting point, or a whole list under a
        # captioned photo would go line by line (dev: a credit, its twin, then the gallery
        # label's name and address).
        if removal.kind not in kinds or removal.stage is not Stage.CLASSIFY:
            continue
        origin = segments[removal.segment]
        if sizes[origin.paragraph] > max_block:
            continue
        for index in (origin.id - 1, origin.id + 1):
            if not 0 <= index < len(segments) or index in removed:
                continue
            seg = segments[index]
            if seg.paragraph == origin.paragraph and is_heading_like(seg, max_words):
                yield seg.id, rule.confidence


def match_between(article: Article, rule: Rule, ctx: Context) -> Iterator[tuple[int, float]]:
    """Kept lines sandwiched between two removals of one kind, at most ``max_gap`` of them.

    An appeal block holds sentences with no keyword ("While we maintain our independence
    from political affiliations, ..."); its neighbours give it away.
    """
    kinds = _kinds(rule, "of_kinds")
    max_gap = int(rule.param("max_gap", 2))
    removed = article.removed_ids()
    positions = sorted(r.segment for r in article.removals if r.kind in kinds)
    for before, after in pairwise(positions):
        gap = [i for i in range(before + 1, after) if i not in removed]
        if 0 < len(gap) <= max_gap:
            yield from ((i, rule.confidence) for i in gap)


def match_heading_before(article: Article, rule: Rule, ctx: Context) -> Iterator[tuple[int, float]]:
    """Heading-like lines stacked directly above a removal of one kind (an appeal's headings)."""
    kinds = _kinds(rule, "of_kinds")
    max_headings = int(rule.param("max_headings", 5))
    removed = article.removed_ids()
    for removal in article.removals:
        if removal.kind not in kinds or removal.rule == rule.id:  # at most max_headings
            continue
        index = removal.segment - 1
        while index >= 0 and removal.segment - index <= max_headings and index not in removed:
            seg = article.segments[index]
            if ends_sentence(seg.text) or seg.words > ctx.rules.heading_max_words:
                break
            yield seg.id, rule.confidence
            index -= 1


def match_after(article: Article, rule: Rule, ctx: Context) -> Iterator[tuple[int, float]]:
    """Up to ``max_lines`` kept lines right after a removal by one of ``of_rules``, each of
    at most ``max_words`` words; a removed line ends the run.

    Some removed lines announce what follows them: a gallery counter its caption.
    """
    rules = frozenset(rule.param("of_rules", ()))
    max_lines = int(rule.param("max_lines", 1))
    max_words = int(rule.param("max_words", ctx.rules.heading_max_words))
    removed = article.removed_ids()
    for removal in article.removals:
        if removal.rule not in rules:
            continue
        following = article.segments[removal.segment + 1 : removal.segment + 1 + max_lines]
        for seg in following:
            if seg.id in removed or seg.words > max_words:
                break
            yield seg.id, rule.confidence


def match_pattern_beside(article: Article, rule: Rule, ctx: Context) -> Iterator[tuple[int, float]]:
    """A kept line directly above or below a line of ``of_kinds`` that its own text gave away
    (the classify pass), when the rule's pattern matches it.

    A byline has company that says nothing alone: the reporter's name in capitals over the
    date stamp ("JANIE HAR" / "Nov. 20, 2019Updated: ..."), the name under "Von:".
    """
    if rule.pattern is None:
        return
    kinds = _kinds(rule, "of_kinds")
    removed = article.removed_ids()
    segments = article.segments
    for removal in article.removals:
        if removal.kind not in kinds or removal.stage is not Stage.CLASSIFY:
            continue
        for index in (removal.segment - 1, removal.segment + 1):
            beside = 0 <= index < len(segments) and index not in removed
            if beside and rule.pattern.search(segments[index].text):
                yield index, rule.confidence


def match_block_after(article: Article, rule: Rule, ctx: Context) -> Iterator[tuple[int, float]]:
    """The headline-shaped lines right under a bare label removed by one of ``of_rules``
    (a label line of at most ``label_max_words`` words): up to ``max_lines`` of them, each of
    at most ``max_words`` words and not ending like a sentence (a headline may end in "?" or
    "!", not in "." or ":"); the first other kept line ends the block.

    "Weiterlesen:", "You may also like...", "Most read in world news" head a box of other
    stories' headlines (and their kickers); the label alone gives the box away. A label with
    a headline after its colon ("Related post: Pickled Brussels Sprouts Recipe") is the whole
    link: the lines under it are the story again (zyte-dev gold: a recipe's next heading).
    """
    rules = frozenset(rule.param("of_rules", ()))
    label_max = int(rule.param("label_max_words", 6))
    max_lines = int(rule.param("max_lines", 8))
    max_words = int(rule.param("max_words", ctx.rules.heading_max_words))
    removed = article.removed_ids()
    segments = article.segments
    for removal in article.removals:
        label = segments[removal.segment]
        if removal.rule not in rules or label.words > label_max or not _bare_label(label.text):
            continue
        taken = 0
        for seg in segments[removal.segment + 1 :]:
            if seg.id in removed:
                continue  # a date stamp or credit inside the box
            if taken == max_lines or not _headline_shaped(seg.text, seg.words, max_words):
                break
            taken += 1
            yield seg.id, rule.confidence


def _bare_label(text: str) -> bool:
    """A label with nothing after its colon: a box's heading, not a link with its headline.

    >>> _bare_label("Weiterlesen:"), _bare_label("You may also like...")
    (True, True)
    >>> _bare_label("Related post: Pickled Brussels Sprouts Recipe")
    False
    """
    _, colon, rest = text.partition(":")
    return not (colon and rest.strip())


def _headline_shaped(text: str, words: int, max_words: int) -> bool:
    """Short, and not ending like a sentence or a label (a headline may ask or exclaim).

    >>> _headline_shaped("Warum nehme ich nicht ab? 4 mögliche Gründe", 8, 16)
    True
    >>> _headline_shaped("The talks resumed on Tuesday.", 5, 16)
    False
    """
    end = text.rstrip(CLOSING)[-1:]
    return words <= max_words and end not in SENTENCE_ENDS


def match_repeated_caption(
    article: Article, rule: Rule, ctx: Context
) -> Iterator[tuple[int, float]]:
    """Every copy of a caption-shaped line (``min_words`` to ``max_words`` words, no terminal
    punctuation) printed ``min_count`` times or more among the kept lines.

    A gallery prints each picture's caption again for every view of it (zyte-dev 8cad00dc22:
    nine copies, between different paragraphs). Only kept lines count: that is what cleaning
    the output again sees, and it can only see fewer copies, so it removes none.
    """
    min_count = int(rule.param("min_count", 3))
    min_words = int(rule.param("min_words", 5))
    max_words = int(rule.param("max_words", 60))
    max_digits = int(rule.param("max_digit_tokens", 2))
    copies: dict[str, list[int]] = {}
    for seg in article.kept():
        if min_words <= seg.words <= max_words and _caption_shaped(seg.text, max_digits):
            copies.setdefault(fold(seg.text), []).append(seg.id)
    for key, ids in copies.items():
        if key and len(ids) >= min_count:
            yield from ((i, rule.confidence) for i in ids)


def _caption_shaped(text: str, max_digits: int) -> bool:
    """Not a sentence, not a list item, and not a line of quantities (a recipe's or a
    schedule's line, repeated day after day, has numbers throughout).

    >>> _caption_shaped("Actors on stage during the dress rehearsal at the theatre", 2)
    True
    >>> _caption_shaped("Asparagus and Eggs [1 cup asparagus, 2 eggs, 4 oz. cooked chicken]", 2)
    False
    >>> _caption_shaped("* NPC: Village Chief Bukra von Wind Town", 2)
    False
    >>> _caption_shaped("Pos | Player | Plays | % | Stats", 2)  # a table's header row
    False
    """
    # The shape tests first: most lines of 5 to 60 words are sentences, and counting digit
    # tokens costs a test per character (issue 16: this was 40% of cleaning seed-like text).
    if ends_sentence(text) or text.startswith(LIST_MARKERS) or text.count(TABLE_CELL) >= 2:
        return False
    return _digit_tokens(text) <= max_digits


def _digit_tokens(text: str) -> int:
    """How many whitespace-separated tokens hold a digit (``str.isdigit``: "²" counts).

    >>> _digit_tokens("4 oz. cooked chicken, 2 eggs (x²)"), _digit_tokens("No numbers here")
    (3, 0)
    """
    return sum(1 for token in text.split() if any(map(str.isdigit, token)))
