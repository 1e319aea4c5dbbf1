"""Bylines at the top: a reporter's name or a dateline's place alone where a headline stands
is removed as a byline, never taken as the title; the same shapes elsewhere stay. And a
sentence's two parts with a removed caption between them are one line of the body."""

from __future__ import annotations

from pipeline import Article, clean_bytes

BODY = (
    "The storm reached the coast on Tuesday night and cut power to 40,000 homes.\n\n"
    "Crews worked through the night to clear the roads, the county said.\n"
)


def clean(text: str) -> Article:
    return clean_bytes(text.encode(), source_id="doc.txt")


def removed(article: Article) -> dict[str, str]:
    return {article.text[r.start : r.end]: r.rule for r in article.removals}


def assert_idempotent(article: Article) -> None:
    again = clean(article.clean_text())
    assert again.removals == ()


def test_a_name_over_the_standfirst_is_the_byline_not_the_title() -> None:
    article = clean("Petra Hoffmann\n\n" + BODY)
    assert removed(article) == {"Petra Hoffmann": "byline.name_top"}
    assert article.title is None
    assert_idempotent(article)


def test_a_name_under_the_headline_is_the_byline_and_the_headline_is_the_title() -> None:
    article = clean("Storm cuts power to 40,000 homes\n\nMichael R. Turner\n\n" + BODY)
    assert removed(article) == {
        "Storm cuts power to 40,000 homes": "structure.title",
        "Michael R. Turner": "byline.name_top",
    }
    assert_idempotent(article)


def test_two_capitalised_words_that_are_no_name_are_still_the_headline() -> None:
    # German capitalises nouns: a heading of two has the shape of a name.
    article = clean("Historischer Markt\n\n" + BODY)
    assert removed(article) == {"Historischer Markt": "structure.title"}


def test_names_listed_one_a_line_or_inside_the_story_stay() -> None:
    signatories = "Anne Miller\nJohn Smith, Rutgers University\nPeter Brown, writer\n\n"
    assert removed(clean(signatories + BODY)) == {}
    inside = BODY + "\nPetra Hoffmann\n\nShe has lived on the coast for forty years.\n"
    assert removed(clean(inside)) == {}


def test_a_name_the_first_paragraph_speaks_of_is_the_subject_not_the_byline() -> None:
    text = "Petra Hoffmann\n\nThe film follows Petra Hoffmann through her two trials.\n\n" + BODY
    assert "byline.name_top" not in removed(clean(text)).values()


def test_a_city_alone_over_the_first_paragraph_is_the_dateline() -> None:
    article = clean("Pittsburgh\n\n" + BODY)
    assert removed(article) == {"Pittsburgh": "byline.place_top"}
    assert article.title is None
    assert_idempotent(article)


def test_a_single_word_that_is_no_place_is_not_a_dateline() -> None:
    assert removed(clean("Stammtisch\n\n" + BODY)) == {"Stammtisch": "structure.title"}


def test_a_chinese_reporter_byline_is_a_byline() -> None:
    text = (
        "本报记者 李华\n\n这个城市六十年前就曾在作家的笔下展现风貌。\n\n"
        "经营者告诉记者，收入可达六万元。\n"
    )
    article = clean(text)
    assert removed(article) == {"本报记者 李华": "byline.cjk_reporter"}
    assert article.title is None


def test_a_sentence_cut_by_a_caption_is_one_line_of_the_body() -> None:
    text = (
        "Apple is expected to launch a new keyboard next year, reports say.\n\n"
        "Analyst Ming-Chi Kuo has previously predicted that Apple will\n\n"
        "A MacBook Pro on a desk (Photo: Reuters)\n\n"
        "transition its lineup to scissor switches in 2020.\n\n" + BODY
    )
    article = clean(text)
    assert removed(article) == {
        "A MacBook Pro on a desk (Photo: Reuters)": "caption.credit_parenthetical"
    }
    assert (
        article.clean_text()
        .split("\n\n")[1]
        .startswith(
            "Analyst Ming-Chi Kuo has previously predicted that Apple will transition its lineup"
        )
    )
    assert_idempotent(article)
