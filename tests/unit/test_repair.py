from __future__ import annotations

import string
import sys

import ftfy
from hypothesis import given
from hypothesis import strategies as st

from pipeline.repair import (
    FTFY_INERT,
    INVISIBLE,
    MEANINGFUL_INVISIBLE,
    PRINTABLE_INVISIBLE,
    SPACES,
    ftfy_line,
    is_settled,
    needs_ftfy,
    repair,
)

ORDINARY = string.ascii_letters + string.digits + string.punctuation.replace("&", "") + " "


def test_mojibake_is_fixed_and_explained_per_line() -> None:
    broken = "Clean first line.\nUkraineâ€™s delegation said â€œnoâ€\x9d."
    text, repairs = repair(broken)
    assert text == "Clean first line.\nUkraine’s delegation said “no”."
    assert len(repairs.encoding_fixes) == 1
    fix = repairs.encoding_fixes[0]
    assert fix.line == 1
    assert ftfy.apply_plan(fix.original, list(fix.steps)) == text.split("\n")[1]


def test_curly_quotes_are_kept() -> None:
    line = "“We’ll see,” he said."
    assert repair(line)[0] == line


def test_invisible_characters_and_whitespace() -> None:
    text, repairs = repair(
        "  Zero\u200bwidth\u00a0\u00a0and\ttabs.  \r\nsoft\u00adhyphen\x00\n\n\n"
    )
    assert text == "Zerowidth and tabs.\nsofthyphen"
    # ftfy removes the NUL on the non-ASCII line itself (and says so); we remove the rest.
    assert repairs.control_chars_removed == 2
    assert ("apply", "remove_control_chars") in repairs.encoding_fixes[0].steps
    assert repairs.whitespace_changed_lines == 1


def test_cjk_lines_keep_their_fullwidth_punctuation_and_others_are_narrowed() -> None:
    """Chinese and Japanese punctuation is fullwidth by design: ftfy's width fix would turn
    "，" into ",". It applies only to lines without CJK characters, and its plan replays."""
    for kept in (
        "一个约定，信守15年；感人至深！",
        "Ｔｏｋｙｏ（東京）で会議：",
        "서울（연합뉴스）",
    ):
        assert repair(kept) == (kept, repair("")[1]), kept
    # Mojibake of Chinese text: repaired, its punctuation left fullwidth.
    assert repair("ä¸€ä¸ªçº¦å®šï¼Œä¿¡å®ˆ")[0] == "一个约定，信守"
    text, repairs = repair("ＦＵＬＬ width and ｶﾀｶﾅ")
    assert text == "FULL width and カタカナ"
    fix = repairs.encoding_fixes[0]
    assert fix.steps[-1] == ("apply", "fix_character_width")
    assert ftfy.apply_plan(fix.original, list(fix.steps)) == text


def test_nfc_normalisation() -> None:
    decomposed = "Cafe\u0301 au lait"
    assert repair(decomposed)[0] == "Café au lait"


def test_html_entity_newline_does_not_split_the_line() -> None:
    assert repair("A&#10;B &amp; C")[0] == "A B & C"


@given(st.text(alphabet=ORDINARY + FTFY_INERT + "\t", max_size=60))
def test_lines_the_cheap_test_skips_are_lines_ftfy_leaves_alone(line: str) -> None:
    if not needs_ftfy(line):
        assert ftfy_line(line)[0] == line


def test_every_inert_character_is_inert_next_to_every_other() -> None:
    for first in FTFY_INERT:
        for second in FTFY_INERT + "aZ.":
            line = f"x{first}{second}y {second}{first}"
            assert not needs_ftfy(line)
            assert ftfy_line(line)[0] == line, repr(line)


def test_lines_that_may_need_ftfy_are_sent_to_it() -> None:
    for line in ["doesnâ€™t", "AT&amp;T", "café\x00", "ﬁnance", "ＦＵＬＬ", "é", "x\x1b[31m"]:
        assert needs_ftfy(line), repr(line)


def test_format_characters_go_but_meaningful_joiners_stay() -> None:
    """Issue 17: bidi controls and other invisible format characters are removed anywhere;
    ZWJ, ZWNJ and variation selectors only between Latin letters, digits or punctuation,
    where they mean nothing, not in Persian words or emoji sequences."""
    text, repairs = repair("Pho\u200eto: Reu\u202ater\u202cs, news\u200dletter\u2069")
    assert (text, repairs.control_chars_removed) == ("Photo: Reuters, newsletter", 5)
    for kept in ("می\u200cخواهم", "1\ufe0f\u20e3", "\u2764\ufe0f", "\U0001f468\u200d\U0001f4bb"):
        assert repair(kept)[0] == kept


def test_the_printable_invisible_characters_are_all_listed() -> None:
    """``is_settled`` trusts ``str.isprintable`` to rule out every other character either
    pattern removes: check that against every code point."""
    listed = set()
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        if char.isprintable() and PRINTABLE_INVISIBLE.match(char):
            listed.add(char)
        if not char.isprintable() or char in listed:
            continue
        assert INVISIBLE.match(char) is None, hex(code)
        assert MEANINGFUL_INVISIBLE.search(f"a{char}a") is None, hex(code)
    assert listed  # the list is not empty, and each entry is printable


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=40))
def test_a_settled_line_is_one_every_repair_leaves_alone(line: str) -> None:
    line = line.replace("\n", " ")
    if is_settled(line):
        assert ftfy_line(line)[0] == line
        assert INVISIBLE.search(line) is None
        assert MEANINGFUL_INVISIBLE.search(line) is None
        assert SPACES.sub(" ", line).strip(" ") == line


def test_settled_lines_pass_through_repair_unrecorded() -> None:
    text = "A plain line.\n\n“Curly” quotes — and dashes…\nCafé au lait, déjà vu."
    repaired, repairs = repair(text, rejoin=False)
    assert repaired == text
    assert repairs == type(repairs)()
