"""Position rules: the title, the deck under it, the author's blurb at the end."""

from __future__ import annotations

from pipeline import clean_bytes

BODY = (
    "Russia promised on Tuesday to scale down military operations around Kyiv and Chernihiv.\n"
    "Ukraine's delegation said Kyiv would agree not to join military alliances.\n"
    "Negotiators will meet again in Istanbul on Friday, officials said.\n"
)


def removed(text: str) -> dict[str, str]:
    article = clean_bytes(text.encode(), source_id="doc.txt")
    return {article.text[r.start : r.end]: r.rule for r in article.removals}


def cleaned_twice(text: str) -> tuple[str, str]:
    once = clean_bytes(text.encode(), source_id="doc.txt").clean_text()
    return once, clean_bytes(once.encode(), source_id="again.txt").clean_text()


def test_a_headline_over_its_first_paragraph_without_a_blank_line_is_the_title() -> None:
    text = "Cat found in New Mexico after going missing in Oregon\n" + BODY
    assert removed(text) == {
        "Cat found in New Mexico after going missing in Oregon": "structure.title"
    }
    once, twice = cleaned_twice(text)
    assert once == twice


def test_a_short_line_over_another_short_line_is_not_taken_for_a_title() -> None:
    text = "Flos Showroom\nCorso Monforte, 15, Milan\n\n" + BODY
    assert removed(text) == {}


def test_headlines_run_to_twenty_words() -> None:
    title = (
        "‘He died in my hands’: 3 pro-Morales demonstrators killed in clashes with "
        "Bolivia’s police & soldiers near a fuel plant"
    )
    assert removed(f"{title}\n\n{BODY}") == {title: "structure.title"}


def test_a_deck_of_one_or_two_lines_under_the_title_goes() -> None:
    text = "Storm hits the coast\n\nThousands without power\n\nBy Jane Doe and John Roe\n\n" + BODY
    assert set(removed(text).values()) == {
        "structure.title",
        "teaser.under_title",
        "byline.by_line",
    }


def test_a_score_box_under_a_short_first_line_is_the_body_and_stays() -> None:
    """More than two short lines under a short first line: the body opens with a table,
    so there is no title and no deck to take (and cleaning again changes nothing)."""
    box = ["GIRLS BASKETBALL", "Palm Bay d. Rockledge 70-44", "Rockledge 14 11 6 15 — 44"]
    text = "High School Roundup: Viera stays undefeated\n\n" + "\n\n".join(box) + "\n\n" + BODY
    assert removed(text) == {}
    once, twice = cleaned_twice(text)
    assert once == twice


def test_an_authors_blurb_at_the_end_goes_with_the_name_above_it() -> None:
    text = BODY + "\nPhil Helsel\n\nPhil Helsel is a reporter for NBC News.\n"
    assert removed(text) == {
        "Phil Helsel": "trailer.author_blurb",
        "Phil Helsel is a reporter for NBC News.": "trailer.author_blurb",
    }


def test_the_same_words_inside_the_story_are_news() -> None:
    text = "Maria Ressa is a journalist who has been arrested seven times, her lawyers said.\n\n"
    text += BODY + "\nHer supporters gathered outside the court on Tuesday morning.\n"
    assert removed(text) == {}


CUT = (
    "Apple analyst Ming-Chi Kuo has previously predicted that Apple will\n\n"
    "Ukraine’s delegation to talks with Russia in Turkey on Tuesday (Photo: Reuters)\n"
    "transition its entire notebook lineup to scissor switches.\n"
)


def test_the_lines_at_the_top_are_judged_as_the_output_joins_them() -> None:
    """A caption between a sentence's two parts goes and the output joins them: the short
    line over them is the headline over a sentence, in the first pass as in the second."""
    text = "Bombed out cities\n" + CUT
    assert removed(text) == {
        "Bombed out cities": "structure.title",
        "Ukraine’s delegation to talks with Russia in Turkey on Tuesday (Photo: Reuters)": (
            "caption.credit_parenthetical"
        ),
    }
    once, twice = cleaned_twice(text)
    assert once == twice
    assert once.startswith("Apple analyst") and once.endswith("to scissor switches.")


def test_output_lines_are_the_clean_text_s_lines_each_with_its_segments() -> None:
    from pipeline.matchers.structure import output_lines

    article = clean_bytes((CUT + "\n" + BODY).encode(), source_id="doc.txt")
    output = output_lines(article)
    assert [line.text for line in output.lines] == article.clean_text().splitlines()[:1] + [
        line for line in article.clean_text().splitlines()[1:] if line
    ]
    assert len(output.members[0]) == 2  # the sentence's two parts, the caption between gone
    assert [line.id for line in output.lines] == list(range(len(output.lines)))
    # The joined sentence and the body below it are output paragraphs of their own.
    assert output.lines[0].paragraph != output.lines[1].paragraph
    assert output.lines[1].paragraph == output.lines[2].paragraph


def test_a_headline_of_two_parts_is_both_joined() -> None:
    text = (
        "Apple analyst Ming-Chi Kuo has previously predicted that Apple will\n\n\na\n"
        "Russia promised on Tuesday to scale down military operations around Kyiv.\n"
    )
    article = clean_bytes(text.encode(), source_id="doc.txt")
    assert article.title == "Apple analyst Ming-Chi Kuo has previously predicted that Apple will a"
    once, twice = cleaned_twice(text)
    assert (
        once == twice == "Russia promised on Tuesday to scale down military operations around Kyiv."
    )
