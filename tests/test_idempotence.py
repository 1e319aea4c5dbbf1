"""Issue 17: cleaning an output again removes nothing and changes nothing, for text and for
the text an HTML page gives, fed with tag soup and the seeds' own lines.

Run with ``--hypothesis-profile=thorough`` for thousands of examples.
"""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st

from pipeline import CleaningError, clean_bytes
from pipeline.repair import repair
from tests.conftest import SEED_FILES
from tests.test_fuzz import CLASSES, TAGS
from tests.test_properties import BODY, BOILERPLATE, SHORT

SEED_LINES = sorted(
    {line.strip() for seed in SEED_FILES for line in seed.read_text().splitlines() if line.strip()}
)
# Hard-wrap material: lines that stop mid-sentence, and lines that go on in lower case.
WRAPS = [
    "An area recaptured by Ukrainian forces northeast of the capital",
    "on a road towards the village of Rusaniv was littered with burnt-out tanks.",
    "and the talks",
    "resumed",
    "said the",
    "minister on Tuesday",
]
# Mojibake and invisible characters, which repairing a joined line can change at its ends.
MANGLED = ["Ã", "Ã©", "â€™", "â€", "Ã¢", "œ", "©", "\u00a0", "\u200b", "\u00ad", "&amp;", "&#10;",
           "ﬁ", "ＡＢ", "-", ")", "x.", "said", "and the", "on a"]  # fmt: skip
WORDS = st.lists(st.sampled_from(MANGLED), min_size=1, max_size=4).map(" ".join)
PIECE = st.one_of(
    st.sampled_from(SEED_LINES + BODY + SHORT + BOILERPLATE + WRAPS),
    WORDS,
    st.text(alphabet=st.characters(blacklist_categories=["Cs", "Cc"]), max_size=40),
)
TEXT = st.lists(
    st.tuples(PIECE, st.sampled_from(["\n", "\n", "\n\n", " "])), min_size=1, max_size=20
).map(lambda parts: "".join(piece + sep for piece, sep in parts))


def _element(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.builds(
        lambda tag, cls, inner, close: (
            f'<{tag} class="{cls}">{"".join(inner)}' + (f"</{tag}>" if close else "")
        ),
        st.sampled_from([*TAGS, "p", "p", "h2", "blockquote"]),
        st.sampled_from(CLASSES),
        st.lists(children, max_size=4),
        st.booleans(),
    )


LEAF = st.one_of(PIECE, st.just("<br>"), PIECE.map(lambda p: f"<p>{p}</p>"))
PAGE = st.tuples(st.sampled_from([*SHORT, ""]), st.recursive(LEAF, _element, max_leaves=30)).map(
    lambda parts: f"<html><head><title>{parts[0]}</title></head><body>{parts[1]}</body></html>"
)


def assert_fixed_point(body: str) -> None:
    """``body`` cleaned again as text: no removal, and the very same body."""
    try:
        again = clean_bytes(body.encode(), source_id="again.txt")
    except CleaningError:  # not text at all (noise the first clean refused too): nothing kept
        assert not body.strip()
        return
    assert [(r.rule, r.start) for r in again.removals] == []
    assert again.clean_text() == body


@given(TEXT)
def test_a_text_output_cleaned_again_is_unchanged(document: str) -> None:
    try:
        body = clean_bytes(document.encode(), source_id="doc.txt").clean_text()
    except CleaningError:
        return
    assert_fixed_point(body)


@given(PAGE)
def test_a_page_output_cleaned_again_as_text_is_unchanged(page: str) -> None:
    try:
        body = clean_bytes(page.encode(), source_id="page.html", fmt="html").clean_text()
    except CleaningError:
        return
    assert_fixed_point(body)


def test_a_join_that_repairing_made_possible_is_made_at_once() -> None:
    """ "Ã" + "said" joins into "Ã said", which ftfy reads as "à said": now lower case, it
    continues the line above. The first clean used to leave that join to the second."""
    text = "\u00a0œ â€™ \u00ad\n  Ã\nsaid\n) ＡＢ\nword )"
    once = repair(text)[0]
    assert once == "œ ’ à said\n) AB word )"
    assert repair(once)[0] == once


@given(st.lists(WORDS, min_size=1, max_size=6).map("\n".join))
@example("Ã\nÃ\nÃ\nÃ\nÃ\nÃ Ã")  # each join exposes the next: more passes than a fixed bound
def test_repair_is_a_fixed_point(text: str) -> None:
    once = repair(text)[0]
    assert repair(once)[0] == once
