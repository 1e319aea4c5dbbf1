"""Context rules stop where they should: they start only from other rules' removals."""

from __future__ import annotations

from pipeline import clean_bytes


def removed(text: str) -> list[str]:
    article = clean_bytes(text.encode(), source_id="doc.txt")
    return [article.text[r.start : r.end] for r in article.removals]


def test_a_caption_takes_one_neighbour_not_the_whole_list_under_it() -> None:
    items = [f"Item number {n} on the list" for n in range(1, 6)]
    text = "Body sentence that opens the story here.\n\n" + "\n".join(
        ["Destroyed tanks near Bucha (Photo: Reuters)", *items]
    )
    gone = removed(text)
    assert "Destroyed tanks near Bucha (Photo: Reuters)" in gone
    assert sum(item in gone for item in items) == 1


def test_at_most_five_headings_go_with_an_appeal() -> None:
    headings = [f"Key Facts {n}" for n in range(1, 9)]
    text = (
        "Body sentence that opens the story here.\n\n"
        + "\n\n".join(headings)
        + "\n\nYour donations keep us going and help us report without fear."
    )
    gone = removed(text)
    assert sum(h in gone for h in headings) == 5
    assert "Key Facts 3" not in gone


def test_sentences_ending_in_cjk_full_stops_are_not_titles_or_teasers() -> None:
    text = (
        "先日、不正に改造したiPhoneを販売したとして、20代の男性が逮捕されました。\n\n"
        "報道によると、今回販売されたのは、いわゆる「脱獄」したiPhone。\n\n"
        "もちろん、Apple社は「脱獄」を認めていません。\n"
    )
    assert removed(text) == []


def test_a_caption_twin_does_not_start_a_chain_of_neighbours() -> None:
    """A credited caption quoting a gallery's title must not take the gallery's label block:
    neighbours start only from lines their own text gave away."""
    text = (
        "The showroom hosts three light installations, the designer said.\n\n"
        "Jewels after Jewels after Jewels, installation views, photos © Inexhibit, 2018\n\n"
        "Michael Anastassiades\n‘Jewels after Jewels after Jewels’\nFlos Showroom\n"
    )
    gone = removed(text)
    assert gone == [
        "Jewels after Jewels after Jewels, installation views, photos © Inexhibit, 2018"
    ]


def test_a_gallery_counter_takes_the_one_caption_under_it() -> None:
    text = (
        "The newly selected five are:\n\nImage 2 of 5\n\n"
        "An artist's concept of Blue Origin's Blue Moon lander.\n\n"
        "Blue Origin says the lander can carry 3.6 tonnes to the surface.\n"
    )
    assert removed(text) == [
        "Image 2 of 5",
        "An artist's concept of Blue Origin's Blue Moon lander.",
    ]


def test_a_gallery_counter_takes_nothing_past_a_removed_line() -> None:
    text = (
        "The newly selected five are:\n\nImage 2 of 5\n\n(Image credit: Blue Origin)\n\n"
        "Blue Origin says the lander can carry 3.6 tonnes to the surface.\n"
    )
    assert removed(text) == ["Image 2 of 5", "(Image credit: Blue Origin)"]


def test_in_text_without_blank_lines_a_captions_neighbour_is_not_taken() -> None:
    """One paragraph per line and no blank lines: the short line after a caption is the
    next section's heading, not a second caption line."""
    body = [f"Sentence number {n} of the story goes on for a while here." for n in range(1, 9)]
    text = "\n".join(
        [*body[:4], "Smoke over the city (Photo: Reuters)", "The aftermath", *body[4:]]
    )
    assert removed(text) == ["Smoke over the city (Photo: Reuters)"]
