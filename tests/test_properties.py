"""Properties over generated input: decoding never fails, invariants hold, cleaning is
deterministic and idempotent, and every removal's offsets point at its text."""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st

from pipeline import Article, CleaningError, clean_bytes
from pipeline.decode import decode, sniff_binary

BODY = [
    "Russia promised on Tuesday to scale down military operations around Kyiv.",
    "“It does not mean that the threat to Kyiv is over,” spokesman John Kirby told a briefing.",
    "Military exercises would take place with the consent of the guarantor countries.",
    "They were boiling soup on a makeshift stove in the stairwell.",
    "In proposal made in Ukraine-Russia talks, Kyiv to agree not to join military alliances or "
    "host foreign bases, with its security guaranteed by NATO members",
]
SHORT = [
    "Bombed out cities",
    "Zelensky agrees to talk with Russia",
    "1/ Russian offensive scaled down",
    "Ukraine's delegation to talks with Russia in Turkey on Tuesday",
    "Support Labour Heartlands",
    "Independent Journalism Needs You",
    # A byline's name and a dateline's place, alone at the top (byline.name_top, place_top).
    "Jane Doe",
    "Thomas J. Becker",
    "Pittsburgh",
]
BOILERPLATE = [
    "Ukraine’s delegation to talks with Russia in Turkey on Tuesday (Photo: Reuters)",
    "Photograph: Alastair Grant/AP",
    "Just click the donate button below",
    "Your donations keep us going and help us uphold the principles of independent journalism.",
    "As reported by Ynetnews",
    "רומן אברמוביץ' בשיחות בטורקיה",
    "Sign up for our newsletter to get the day’s top stories.",
    "on a road towards the village of Rusaniv was littered with burnt-out tanks.",
    # A sentence's first part, cut off by a blank line or a caption (repair, clean_text).
    "Apple analyst Ming-Chi Kuo has previously predicted that Apple will",
    "transition its entire notebook lineup to scissor switch keyboards in 2020.",
]
LINE = st.one_of(
    st.sampled_from(BODY + SHORT + BOILERPLATE),
    # Text, not binary: control characters are the arbitrary-bytes test's business.
    st.text(alphabet=st.characters(blacklist_categories=["Cs", "Cc"]), max_size=60),
)
# Text that starts like a binary format ("GIF8...") is refused by design
# (``decode.sniff_binary``): documents here are ones the library cleans.
DOCUMENT = (
    st.lists(st.tuples(LINE, st.sampled_from(["\n", "\n\n", "\n\n\n"])), min_size=0, max_size=25)
    .map(lambda parts: "".join(line + sep for line, sep in parts))
    .filter(lambda text: sniff_binary(text.encode()) is None)
)


def check_invariants(article: Article) -> None:
    previous_end = -1
    for index, seg in enumerate(article.segments):
        assert seg.id == index
        assert previous_end < seg.start <= seg.end <= len(article.text)
        assert article.text[seg.start : seg.end] == seg.text
        assert seg.text and "\n" not in seg.text
        previous_end = seg.end
    assert len({r.segment for r in article.removals}) == len(article.removals)
    for removal in article.removals:
        seg = article.segments[removal.segment]
        assert (removal.start, removal.end) == (seg.start, seg.end)
        assert 0 < removal.confidence <= 1
    # The body is the kept lines in order, each followed by a line break, a blank line or
    # (between a broken sentence's parts) a space.
    body, position = article.clean_text(), 0
    for index, seg in enumerate(article.kept()):
        assert body.startswith(seg.text, position)
        position += len(seg.text)
        if index + 1 < len(article.kept()):
            separator = next(s for s in ("\n\n", "\n", " ") if body.startswith(s, position))
            position += len(separator)
    assert position == len(body)


@given(st.binary(max_size=2000))
def test_decode_never_raises(data: bytes) -> None:
    text, encoding = decode(data)
    assert isinstance(text, str)
    assert encoding


@given(st.binary(max_size=2000))
def test_arbitrary_bytes_clean_or_fail_clearly(data: bytes) -> None:
    try:
        article = clean_bytes(data, source_id="fuzz.txt")
    except CleaningError as exc:
        assert "fuzz.txt" in str(exc)
    else:
        check_invariants(article)
        article.clean_text().encode("utf-8")  # always valid UTF-8


@given(DOCUMENT)
def test_invariants_and_offsets(document: str) -> None:
    article = clean_bytes(document.encode(), source_id="doc.txt")
    check_invariants(article)
    for entry in article.to_json()["removals"]:
        assert article.text[entry["start"] : entry["end"]] == entry["text"]


@given(DOCUMENT)
def test_deterministic(document: str) -> None:
    first = clean_bytes(document.encode(), source_id="doc.txt")
    second = clean_bytes(document.encode(), source_id="doc.txt")
    assert first.to_json() == second.to_json()
    assert first.clean_text() == second.clean_text()


@given(DOCUMENT)
# Found by this test: a caption between a sentence's two parts goes, and the output joins
# them into one line, so the lines at the top are judged as the output has them
# (``structure.output_lines``): here the short line above the joined sentence is a headline,
# and a short first part joined to "a" is one short line, the headline.
@example(
    "Bombed out cities\nApple analyst Ming-Chi Kuo has previously predicted that Apple will\n\n"
    "Ukraine’s delegation to talks with Russia in Turkey on Tuesday (Photo: Reuters)\n"
    "on a road towards the village of Rusaniv was littered with burnt-out tanks.\n"
)
@example(
    "Apple analyst Ming-Chi Kuo has previously predicted that Apple will\n\n\na\n"
    "Russia promised on Tuesday to scale down military operations around Kyiv.\n"
)
def test_cleaning_an_output_again_removes_nothing(document: str) -> None:
    body = clean_bytes(document.encode(), source_id="doc.txt").clean_text()
    again = clean_bytes(body.encode(), source_id="again.txt")
    assert again.removals == ()
    assert again.clean_text() == body
