"""The seed articles' expected results, as the issue states them, line by line."""

from __future__ import annotations

from collections import Counter

import pytest

from pipeline import Article, clean_bytes, clean_file
from tests.conftest import SEEDS

YNET = SEEDS / "000_b2ee4e91faa6eb03.txt"
HEARTLANDS = SEEDS / "002_754f91255f0be33b.txt"


@pytest.fixture(scope="module")
def ynet() -> Article:
    return clean_file(YNET)


@pytest.fixture(scope="module")
def heartlands() -> Article:
    return clean_file(HEARTLANDS)


def removed_texts(article: Article) -> dict[str, str]:
    return {article.text[r.start : r.end]: str(r.kind) for r in article.removals}


def test_ynet_removes_the_four_caption_pairs(ynet: Article) -> None:
    removed = removed_texts(ynet)
    captions = [
        "Ukraine's delegation to talks with Russia in Turkey on Tuesday",  # straight apostrophe
        "Colonel general Oleksandr Syrskyi commander of Ukraine ground forces visits troops north "
        "of Kyiv on Tuesday",
        "People walk by the buildings destroyed by Russian attacks in Mariupol",
        "A food depot destroyed by Russian bombing near Kyiv on Tuesday",
    ]
    for caption in captions:
        assert removed.get(caption) == "caption", caption
        credited = caption.replace("'", "’") + " (Photo: Reuters)"
        assert removed.get(credited) == "caption", credited


def test_ynet_removes_hebrew_line_its_caption_and_trailer(ynet: Article) -> None:
    removed = removed_texts(ynet)
    hebrew = [t for t, kind in removed.items() if kind == "language"]
    assert len(hebrew) == 1
    assert any("\u0590" <= c <= "\u05ff" for c in hebrew[0])
    abramovich = (
        "Russian oligarch Roman Abramovich at the Russian Ukraine talks in Turkey on Tuesday"
    )
    assert removed[abramovich] == "caption"
    assert removed["As reported by Ynetnews"] == "trailer"
    assert Counter(removed.values()) == {"caption": 9, "language": 1, "trailer": 1}


def test_ynet_keeps_standfirst_heading_and_joins_the_wrapped_line(ynet: Article) -> None:
    body = ynet.clean_text()
    assert body.startswith("In proposal made in Ukraine-Russia talks, Kyiv to agree")
    assert "\n\nBombed out cities\n\n" in body
    assert (
        "An area recaptured by Ukrainian forces northeast of the capital on a road towards "
        "the village of Rusaniv" in body
    )
    assert ynet.title is None
    assert len(ynet.repairs.line_joins) == 1


def test_ynet_keeps_every_body_paragraph(ynet: Article) -> None:
    removed = set(removed_texts(ynet))
    raw_lines = [line for line in YNET.read_text(encoding="utf-8").splitlines() if line]
    body_lines = [line for line in raw_lines if line.endswith((".", "”", "?"))]
    assert len(body_lines) > 25
    for line in body_lines:
        assert line not in removed
        assert line in ynet.clean_text()


def test_heartlands_title_goes_to_metadata(heartlands: Article) -> None:
    assert heartlands.title == "Russia-Ukraine Peace Talks: The Proposal"
    assert "Russia-Ukraine Peace Talks: The Proposal" not in heartlands.clean_text()
    assert removed_texts(heartlands)["Zelensky agrees to talk with Russia"] == "teaser"


def test_heartlands_removes_the_whole_appeal_and_nothing_before_it(heartlands: Article) -> None:
    appeal = [r for r in heartlands.removals if r.kind == "appeal"]
    first, last = appeal[0], appeal[-1]
    assert heartlands.text[first.start : first.end] == "Support Labour Heartlands"
    assert heartlands.text[last.start : last.end] == "Just click the donate button below"
    assert [r.segment for r in appeal] == list(range(first.segment, last.segment + 1))
    assert last.segment == len(heartlands.segments) - 1
    body = heartlands.clean_text()
    assert body.endswith("according to the White House.")


def test_heartlands_keeps_headings_and_numbered_headings(heartlands: Article) -> None:
    body = heartlands.clean_text().split("\n")
    recognised = {heartlands.segments[i].text for i in heartlands.headings}
    for heading in [
        "Ukraine’s Proposal For Peace Treaty",
        "1/ Russian offensive scaled down",
        "2/ NATO-like security guarantees",
        "3/ No military blocs and non-nuclear Ukraine",
        "4/ Crimea, Donbas unresolved",
        "5/ Borders in question",
        "6/ New conditions for Zelensky-Putin meeting",
        "Ukraine-Russia talks: ‘We’ll see,’ says Biden",
        "Cautious reaction to Ukraine-Russia talks from Western leaders",
    ]:
        assert heading in body
        assert heading in recognised


@pytest.mark.parametrize("seed", [YNET, HEARTLANDS], ids=lambda p: p.stem)
def test_cleaning_a_clean_output_removes_nothing(seed) -> None:
    first = clean_file(seed)
    again = clean_bytes((first.clean_text() + "\n").encode(), source_id="again")
    assert again.removals == ()
    assert again.clean_text() == first.clean_text()
