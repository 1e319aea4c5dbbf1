from __future__ import annotations

from pipeline.repair import repair
from pipeline.segment import split_lines


def test_hard_wraps_are_rejoined_and_recorded_by_input_line() -> None:
    text = "Intro.\nAn area recaptured northeast of\nthe capital\non a road towards Rusaniv."
    joined, repairs = repair(text)
    assert (
        joined == "Intro.\nAn area recaptured northeast of the capital on a road towards Rusaniv."
    )
    assert repairs.line_joins == ((1, 3),)


def test_no_join_after_sentence_end_or_before_capital_or_blank() -> None:
    for text in [
        "He said so.\nand then left.",
        "A caption line\nA caption line (Photo: Reuters)",
        "A heading\n\nlower case paragraph.",
        "A well-\nknown case.",
    ]:
        assert repair(text) == (text, repair(text)[1])
        assert repair(text)[1].line_joins == ()


def test_no_join_after_a_credit_or_before_a_camel_case_word() -> None:
    text = "Ukrainian soldiers near Kyiv (Photo: Reuters)\neBay and Amazon have halted sales."
    assert repair(text)[1].line_joins == ()
    assert repair("A line\niPhone sales fell.")[1].line_joins == ()


def test_a_sentence_cut_by_a_blank_line_is_rejoined_and_recorded() -> None:
    text = (
        "Intro.\n\nAnalyst Ming-Chi Kuo has previously predicted that Apple will\n\n"
        "transition its lineup to scissor switches in 2020.\n\nNext paragraph."
    )
    joined, repairs = repair(text)
    assert joined == (
        "Intro.\n\nAnalyst Ming-Chi Kuo has previously predicted that Apple will "
        "transition its lineup to scissor switches in 2020.\n\nNext paragraph."
    )
    assert repairs.line_joins == ((2, 4),)


def test_a_heading_or_a_finished_line_over_a_lower_case_paragraph_stays_apart() -> None:
    for text in [
        "Welcome\n\nto our web gallery, where you will find our photos.",
        "Kuo has previously predicted the keyboards of 2020\n\nissues with sticky keys.",
        "Kuo has previously predicted that Apple will\n\n\ntransition its lineup.",
        "Kuo has previously predicted that Apple will\n\niPhone sales fell.",
    ]:
        assert repair(text) == (text, repair(text)[1])


def test_mojibake_straddling_a_hard_wrap_is_repaired_once_joined() -> None:
    once, _ = repair("à¢\na")
    assert repair(once)[0] == once


def test_split_lines_offsets_and_paragraphs() -> None:
    text = "Title\n\nFirst line\nsecond line\n\n\nLast"
    segments = split_lines(text)
    assert [s.text for s in segments] == ["Title", "First line", "second line", "Last"]
    assert [s.paragraph for s in segments] == [0, 1, 1, 2]
    assert all(text[s.start : s.end] == s.text for s in segments)
