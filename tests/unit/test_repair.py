from __future__ import annotations

import ftfy

from pipeline.repair import repair


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


def test_nfc_normalisation() -> None:
    decomposed = "Cafe\u0301 au lait"
    assert repair(decomposed)[0] == "Café au lait"


def test_html_entity_newline_does_not_split_the_line() -> None:
    assert repair("A&#10;B &amp; C")[0] == "A B & C"
