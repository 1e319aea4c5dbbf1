"""Repair decoded text: mojibake (ftfy), Unicode NFC, invisible characters, whitespace, and
hard-wrapped lines.

Guarantees: the result uses ``\\n`` line breaks only, has no control or zero-width characters,
no tabs, no runs of spaces, no spaces at line ends and no blank lines at its ends. Every line
ftfy changed is recorded with ftfy's own plan, so ``ftfy.apply_plan(original, steps)`` replays
it. Quotes keep the author's typography (ftfy's ``uncurl_quotes`` is off), and so does a line
of Chinese, Japanese or Korean: its fullwidth punctuation and letters ("一个约定，信守15年；")
are the script's own forms, so ftfy's ``fix_character_width`` runs only on lines without
those scripts ("ＦＵＬＬ width" becomes "FULL width"). Words are never changed beyond what
ftfy's fixes do.

Hard wraps (see ``sentences.is_hard_wrap``) are rejoined with a space here, not later: the
decision is made on ftfy-fixed lines, and the joined line goes through ftfy once more, because
mojibake can straddle the break ("à¢" + " " reads as a mangled no-break space). The output is
then already what repairing it again would give.

A sentence cut in two by a blank line (``sentences.is_broken_sentence``: "... predicted that
Apple will" / blank / "transition its entire notebook lineup ...") is rejoined the same way,
dropping the blank line; the join is recorded in ``line_joins`` like a hard wrap's.
``Article.clean_text`` joins the same two parts when a removed line stood between them.
"""

from __future__ import annotations

import re

import ftfy
from ftfy.badness import MOJIBAKE_CATEGORIES
from ftfy.fixes import fix_character_width

from pipeline.article import EncodingFix, Repairs
from pipeline.limits import check_time
from pipeline.sentences import is_broken_sentence, is_hard_wrap

FTFY_CONFIG = ftfy.TextFixerConfig(
    uncurl_quotes=False, normalization="NFC", fix_character_width=False
)
# ftfy's own width fix, applied as its plan would apply it (so the plan still replays), but
# only where no CJK character stands: in CJK text "，" and "；" are the punctuation itself.
WIDTH_STEP = ("apply", "fix_character_width")
# Han (with extensions and compatibility ideographs), kana, Hangul, CJK symbols and
# punctuation, bopomofo.
CJK = re.compile(
    "[\u2e80-\u2fdf\u3000-\u303f\u3040-\u30ff\u3100-\u312f\u3130-\u318f\u31a0-\u31ff"
    "\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003134f]"
)

LINE_BREAKS = re.compile(r"\r\n|[\r\x0b\x0c\x85\u2028\u2029]")
# C0/C1 controls except tab and newline, plus Unicode's default-ignorable code points that
# mean nothing in plain text: soft hyphen, Arabic letter mark, Khmer inherent vowels,
# zero-width space, LRM/RLM, bidi embeddings, overrides and isolates, word joiner and the
# invisible operators, Hangul fillers standing alone, BOM, the reserved and interlinear
# annotation characters, shorthand and musical format controls, the language tag. Inside a
# word they stop rules from matching ("Pho\u200eto: Reuters").
INVISIBLE = re.compile(
    "[\x00-\x08\x0e-\x1f\x7f-\x9f\u00ad\u061c\u17b4\u17b5\u200b\u200e\u200f\u202a-\u202e"
    "\u2060-\u206f\u3164\ufeff\uffa0\ufff0-\ufffb\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0000\U000e0001\U000e0002-\U000e001f\U000e0080-\U000e00ff\U000e01f0-\U000e0fff]"
)
# The default-ignorable characters that carry meaning next to some scripts: ZWNJ and ZWJ
# (Persian, Indic scripts, emoji sequences), variation selectors (emoji, CJK), Mongolian
# free variation selectors and vowel separator, emoji tag characters (subdivision flags),
# the combining grapheme joiner, Hangul choseong/jungseong fillers. Between Latin letters,
# digits or ASCII punctuation (or at a line's end) they mean nothing and hide words from
# the rules, so only there they are removed.
LATIN_SIDE = "[\x00-\u024f]"
MEANINGFUL_INVISIBLE = re.compile(
    f"(?:(?<={LATIN_SIDE})|^)"
    "[\u034f\u115f\u1160\u180b-\u180f\u200c\u200d\ufe00-\ufe0f\U000e0020-\U000e007f"
    "\U000e0100-\U000e01ef]+"
    f"(?={LATIN_SIDE}|$)"
)
# The characters of INVISIBLE and MEANINGFUL_INVISIBLE that ``str.isprintable()`` accepts (the
# others are control or format characters, which it refuses); ``tests/unit/test_repair.py``
# checks the list against every code point. A printable line without them has nothing either
# pattern removes.
PRINTABLE_INVISIBLE = re.compile(
    "[\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180d\u180f\u3164\ufe00-\ufe0f\uffa0"
    "\U000e0100-\U000e01ef]"
)
# Any Unicode whitespace inside a line (tabs, NBSP, thin spaces; also a newline that ftfy's
# HTML unescaping made out of "&#10;") becomes one space.
SPACES = re.compile(r"\s+")
# Non-ASCII characters ftfy never changes on their own (see ``needs_ftfy``): ftfy's "common"
# mojibake characters and its quotation punctuation.
FTFY_INERT = "".join(
    sorted(
        set(MOJIBAKE_CATEGORIES["common"])
        | set(MOJIBAKE_CATEGORIES["start_punctuation"])
        | set(MOJIBAKE_CATEGORIES["end_punctuation"])
    )
)
# On a line that is not pure ASCII, ftfy also removes ASCII control characters (and says so).
FTFY_MAY_ACT = re.compile("[^\t\n\x20-\x7e" + re.escape(FTFY_INERT) + "]")
# ftfy + cleanup reach a fixed point in one round for almost every line, two when whitespace
# hid mojibake; the bound only guards against a pathological oscillation.
MAX_REPAIR_ROUNDS = 4


def needs_ftfy(line: str) -> bool:
    """Cheap test: can ftfy change this line at all?

    ftfy fixes HTML entities (need ``&``), terminal escapes (need ESC) and mojibake, which its
    own detector (``ftfy.badness``) only reports for sequences of uncommon characters. Curly
    quotes, dashes, ellipses, no-break spaces, ©, ®, ™ and bullets appear in those sequences
    only beside a rarer character, so a line whose non-ASCII characters are all among them
    cannot be changed (``tests/unit/test_repair.py`` checks this against ftfy itself).

    >>> needs_ftfy("“Plain” text — with curly quotes’ and dashes…")
    False
    >>> needs_ftfy("AT&amp;T"), needs_ftfy("doesnâ€™t"), needs_ftfy("café")
    (True, True, True)
    """
    if "&" in line or "\x1b" in line:
        return True
    return not line.isascii() and FTFY_MAY_ACT.search(line) is not None


def is_settled(line: str) -> bool:
    """Cheap test: would a round of repairs leave this line exactly as it is? True for most
    lines: printable (no control, format or whitespace character but the space), nothing
    ftfy can change, no invisible character, no double space and no space at either end.

    >>> is_settled("“Plain” text — with curly quotes."), is_settled("two  spaces")
    (True, False)
    >>> is_settled("AT&amp;T"), is_settled("tab\\there"), is_settled("zero\\u200bwidth")
    (False, False, False)
    """
    return (
        line.isprintable()
        and "  " not in line
        and not line.startswith(" ")
        and not line.endswith(" ")
        and not needs_ftfy(line)
        and (line.isascii() or PRINTABLE_INVISIBLE.search(line) is None)
    )


def repair(text: str, *, rejoin: bool = True) -> tuple[str, Repairs]:
    """Return the normalised text and a record of what changed.

    ``rejoin=False`` leaves line breaks alone. The pipeline rejoins a page's text too: a
    break mid-sentence there (a ``<br>``, text after a block) would otherwise be joined by
    cleaning the output again as text.
    """
    fixes: list[EncodingFix] = []
    counts = [0, 0]  # control characters removed, lines whose whitespace changed
    lines = [
        _fix_line(number, line, fixes, counts)
        for number, line in enumerate(LINE_BREAKS.sub("\n", text).split("\n"))
    ]
    joined, joins = _rejoin(lines, fixes, counts) if rejoin else (lines, ())
    return "\n".join(joined).strip("\n"), Repairs(
        encoding_fixes=tuple(fixes),
        control_chars_removed=counts[0],
        whitespace_changed_lines=counts[1],
        line_joins=joins,
    )


def _fix_line(number: int, line: str, fixes: list[EncodingFix], counts: list[int]) -> str:
    """ftfy (when it can change anything), then invisible characters, then whitespace;
    again until the line stops changing, since a stripped no-break space can expose
    mojibake ftfy did not see. Each ftfy application is recorded with its own input."""
    check_time()
    if is_settled(line):  # the loop below would return it unchanged, recording nothing
        return line
    fixed = line
    for _ in range(MAX_REPAIR_ROUNDS):
        before = fixed
        if needs_ftfy(fixed):
            text, steps = ftfy_line(fixed)
            if text != fixed:
                fixes.append(EncodingFix(number, fixed, steps))
                fixed = text
        visible, removed = INVISIBLE.subn("", fixed)
        if not visible.isascii():
            visible, joiners = MEANINGFUL_INVISIBLE.subn("", visible)
            removed += joiners
        counts[0] += removed
        fixed = SPACES.sub(" ", visible).strip(" ")
        counts[1] += fixed != visible
        if fixed == before:
            break
    return fixed


def ftfy_line(line: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    """ftfy's fixes and its plan; the width fix last, on a line with no CJK character."""
    explained = ftfy.fix_and_explain(line, FTFY_CONFIG)
    text = explained.text
    steps = tuple((str(a), str(p)) for a, p in explained.explanation or ())
    if not text.isascii() and CJK.search(text) is None:
        narrow = fix_character_width(text)
        if narrow != text:
            text, steps = narrow, (*steps, WIDTH_STEP)
    return text, steps


def _rejoin(
    lines: list[str], fixes: list[EncodingFix], counts: list[int]
) -> tuple[list[str], tuple[tuple[int, int], ...]]:
    """Join hard-wrapped runs of lines; return the lines and each run's first and last line.

    Again until nothing joins: a joined line is repaired once more, which can change how it
    starts or ends, and so whether it continues the line above or goes on in the line below.
    Without the repeat, cleaning the output again would find that join (issue 17): the output
    is a fixed point of this stage, as of the others. Real text settles in one or two passes;
    a chain in which every join exposes the next (mojibake at every break, "Ã" line after
    "Ã" line: Hypothesis found six) takes a pass per link, each pass ending in a time check,
    so the time limit bounds a hostile one. Every pass but the last joins lines, so there are
    at most as many passes as lines.
    """
    spans = [(number, number) for number in range(len(lines))]
    while True:
        check_time()
        joined, joined_spans = _rejoin_once(lines, spans, fixes, counts)
        if len(joined) == len(lines):
            break
        lines, spans = joined, joined_spans
    return lines, tuple(span for span in spans if span[0] != span[1])


def _rejoin_once(
    lines: list[str], spans: list[tuple[int, int]], fixes: list[EncodingFix], counts: list[int]
) -> tuple[list[str], list[tuple[int, int]]]:
    """One pass of joins over ``lines``, each standing for the input lines ``spans`` gives."""
    out: list[str] = []
    out_spans: list[tuple[int, int]] = []
    first = 0
    number = 1
    while number <= len(lines):
        if number < len(lines) and is_hard_wrap(lines[number - 1], lines[number]):
            number += 1
            continue
        if _broken_across_blank(lines, number):
            number += 2  # the blank line and the sentence's second part
            continue
        out_spans.append((spans[first][0], spans[number - 1][1]))
        if number - first == 1:
            out.append(lines[first])
        else:
            parts = " ".join(line for line in lines[first:number] if line)
            out.append(_fix_line(spans[first][0], parts, fixes, counts))
        first = number
        number += 1
    return out, out_spans


def _broken_across_blank(lines: list[str], number: int) -> bool:
    """``lines[number]`` is one blank line between the two parts of a broken sentence."""
    return (
        number + 1 < len(lines)
        and not lines[number]
        and bool(lines[number + 1])
        and is_broken_sentence(lines[number - 1], lines[number + 1])
    )
