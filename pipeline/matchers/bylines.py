"""Top-of-document byline matchers: a reporter's name or a dateline's place on a line of its
own, where a headline would stand.

A scraper's text often starts with the byline ("Dennis Steimels" over a standfirst) or the
dateline ("Pittsburgh" over the first paragraph) on a line of its own. By shape alone such a
line is a short title-like line, and it was taken as the headline. What tells it apart is
what its words are: a given name followed by capitalised words (a person), or the whole line
a city's name (a place). Both lexicons are data in the rules file.

Only the lines at the top count: the first kept lines, or those directly under a title-like
first line, each alone in its paragraph. Inside a story a name or a place alone is a list
item or a heading. The run of such lines is taken whole, so the clean output (which starts
with what followed them) holds none at its top: cleaning it again removes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from pipeline.article import Article, Segment
from pipeline.matchers.base import Context
from pipeline.matchers.structure import _alone, _title_like, output_lines
from pipeline.rules import Rule
from pipeline.sentences import ends_sentence

# A capitalised word of a name ("Steimels", "O'Neil", "Müller-Lüdenscheidt") or an initial.
NAME_WORD = re.compile(r"[^\W\d_][^\W\d_'’-]*(?:['’-][^\W\d_]+)*")
INITIAL = re.compile(r"[^\W\d_]\.")
WORD = re.compile(r"\w+")
_LEXICONS: dict[tuple[str, str], frozenset[str]] = {}


def _lexicon(rule: Rule, name: str) -> frozenset[str]:
    """The rule's word list ``name``, folded to lower case (built once per rules object)."""
    values = rule.param(name, ())
    key = (rule.id, f"{name}:{id(values)}")
    found = _LEXICONS.get(key)
    if found is None:
        found = _LEXICONS[key] = frozenset(str(v).casefold() for v in values)
    return found


def is_person_name(text: str, given_names: frozenset[str], max_words: int = 3) -> bool:
    """Two to ``max_words`` capitalised words (and initials), the first a given name.

    >>> names = frozenset({"dennis", "jane", "hans"})
    >>> is_person_name("Dennis Steimels", names), is_person_name("Hans-Peter J. Müller", names)
    (True, True)
    >>> is_person_name("Historischer Markt", names), is_person_name("Jane and Joe", names)
    (False, False)
    """
    words = text.split()
    if not 2 <= len(words) <= max_words or not all(_capitalised(w) for w in words):
        return False
    if INITIAL.fullmatch(words[-1]):
        return False
    first = words[0].split("-")[0]
    return NAME_WORD.fullmatch(words[0]) is not None and first.casefold() in given_names


def _capitalised(word: str) -> bool:
    if INITIAL.fullmatch(word):
        return word[0].isupper()
    return NAME_WORD.fullmatch(word) is not None and (word.istitle() or word.isupper())


def is_place(text: str, places: frozenset[str], max_words: int = 3) -> bool:
    """The whole line is a place's name, capitalised as a dateline prints it.

    >>> places = frozenset({"pittsburgh", "new york"})
    >>> is_place("Pittsburgh", places), is_place("NEW YORK", places)
    (True, True)
    >>> is_place("pittsburgh", places), is_place("Stammtisch", places)
    (False, False)
    """
    words = text.split()
    if not 1 <= len(words) <= max_words or not all(_capitalised(w) for w in words):
        return False
    return " ".join(words).casefold() in places


def match_top_byline(article: Article, rule: Rule, ctx: Context) -> Iterator[tuple[int, float]]:
    """The byline lines at the top: the first kept lines that are a person's name (``shape =
    "name"``, the first word in ``given_names``) or a place (``shape = "place"``, the line in
    ``places``), and those directly under a title-like first line; each alone in its
    paragraph, with a kept line after it (the headline's place).

    The run of lines at the top is that of every rule of this matcher (a name over a place
    is one run); each rule takes the lines of its own shape. Otherwise a name under a place
    under a headline-like line would be found only once the place was gone.
    """
    output = output_lines(article)
    kept = output.lines
    own = _shape_test(rule)
    others = [_shape_test(r) for r in ctx.rules.for_stage(rule.stage) if r.matcher == rule.matcher]

    def any_shape(kept: tuple[Segment, ...], position: int) -> bool:
        return any(test(kept, position) for test in others)

    max_title = int(rule.param("max_title_words", ctx.rules.heading_max_words))
    position = _run_end(kept, 0, any_shape)
    taken = list(range(position))
    # Under the first line that is not one, when it may be the headline. Looking on from
    # there (not only from the top) keeps the decision the same for the output, which no
    # longer has the lines above it.
    if position + 1 < len(kept) and _title_like(kept, position, max_title):
        taken += range(position + 1, _run_end(kept, position + 1, any_shape))
    for index in taken:
        if own(kept, index):
            yield from output.each(index, rule.confidence)


Test = Callable[[tuple[Segment, ...], int], bool]


def _shape_test(rule: Rule) -> Test:
    max_words = int(rule.param("max_words", 3))
    if rule.param("shape") == "place":
        places = _lexicon(rule, "places")
        return lambda kept, position: is_place(kept[position].text, places, max_words)
    names = _lexicon(rule, "given_names")

    def byline_name(kept: tuple[Segment, ...], position: int) -> bool:
        text = kept[position].text
        return is_person_name(text, names, max_words) and not _is_subject(kept, position)

    return byline_name


def _is_subject(kept: tuple[Segment, ...], position: int) -> bool:
    """The name's last word comes again in the first sentence after it: the person the story
    is about ("Amanda Knox" over a review of the documentary), not its author. A sentence is
    never a title or a teaser, so the output keeps it and decides the same.

    >>> lines = ("Amanda Knox", "The film follows Amanda Knox through her trials.")
    >>> _is_subject(tuple(Segment(i, 0, len(t), t, i) for i, t in enumerate(lines)), 0)
    True
    """
    surname = kept[position].text.split()[-1]
    for seg in kept[position + 1 :]:
        if ends_sentence(seg.text):
            return surname in seg.text.split() or surname in WORD.findall(seg.text)
    return False


def _run_end(kept: tuple[Segment, ...], start: int, test: Test) -> int:
    """The position of the first line from ``start`` on that fails ``test``, is not alone
    in its paragraph, or is the last kept line."""
    position = start
    while position + 1 < len(kept) and test(kept, position) and _alone(kept, position):
        position += 1
    return position
