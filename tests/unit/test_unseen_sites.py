"""Issue 12: cleaning that holds on sites the rules were not written from.

Each document is built from the shapes of real pages in the dev corpora (short excerpts,
rewritten where they named people who are not public figures).
"""

from __future__ import annotations

from pipeline import Article, clean_bytes, load_rules
from pipeline.article import Kind

ENGLISH_WITHOUT_PROSE = [
    # A table of names and e-mail addresses (a faculty page)
    "Jane Doe | Professor | jane.doe@example.edu | Room 4.12",
    "Hans Müller | Lecturer | h.mueller@example.edu | Room 2.07",
    "Zoë Dubois | Research Fellow | zoe.dubois@example.edu | Room 3.01",
    # shell and Python lines
    "$ cd /usr/src $ git clone https://github.com/PaulStoffregen/teensy_loader_cli.git",
    "$ conda list --export > $REQUIREMENTS_FILE $ conda create --name $ENV_NAME",
    "def even (number) : if number % 2 == 0 : return True filter(even, [ 1 , 2 , 3 ])",
    "self.browser.get(self.live_server_url + settings.STATIC_URL + 'index.html')",
    # reference-list entries
    "₄ FAO(2012): World Agriculture Towards 2030/2050, The 2012 Revision, In: ESA Working Paper",
    "Junki Tanaka, Zaihong Yang, Stefan Typel, Satoshi Adachi et al.:",
    "Bus 001 Device 006: ID 16c0:0478 Van Ooijen Technische Informatica Teensy Halfkay",
    # a keyword list
    "Kubernetes, Docker, Ansible, Terraform, Prometheus, Grafana, Helm, Istio, Envoy",
]


def clean(text: str, language: str = "en") -> Article:
    rules = load_rules().with_options(target_language=language)
    return clean_bytes(text.encode(), source_id="t.txt", rules=rules)


def test_lines_without_natural_language_are_no_evidence_of_another_language() -> None:
    text = (
        "The team set up the build machine last week, and these are the notes we kept.\n\n"
        + "\n\n".join(ENGLISH_WITHOUT_PROSE)
        + "\n\nThat was all it took, and the board has worked since then."
    )
    article = clean(text)
    assert [r for r in article.removals if r.kind is Kind.LANGUAGE] == []


def test_a_german_sentence_in_an_english_article_still_goes() -> None:
    text = (
        "The chancellor spoke to reporters after the talks, which lasted for hours.\n\n"
        "Der Bundeskanzler sagte am Dienstag, dass die Gespräche fortgesetzt werden sollen.\n\n"
        "Officials said the next round would be held in Istanbul in the spring."
    )
    article = clean(text)
    assert [r.rule for r in article.removals] == ["language.detect"]


GERMAN_ARTICLE = "\n\n".join(
    [
        "Die elektronische Patientenakte: der lange Marsch ins digitale Gesundheitswesen",
        "Status Quo",
        "Seit Jahren wird über die elektronische Patientenakte diskutiert, doch in den "
        "meisten Praxen werden Befunde noch immer auf Papier oder per Fax ausgetauscht.",
        "Technische Standards",
        "* Integrating the Healthcare Enterprise (IHE)",
        "Für den Austausch der Daten gibt es mehrere Standards, die von den Herstellern "
        "unterschiedlich gut unterstützt werden, und nicht jede Praxis kann sie nutzen.",
        "Fazit",
        "Die Akte kommt, aber sie kommt langsam, und viele Fragen sind noch nicht geklärt.",
    ]
)


def test_a_foreign_article_with_one_target_line_is_kept_whole_and_flagged() -> None:
    """zyte-dev 57b4dafd: one English line made the whole German article 'English', and
    everything but its headings was removed."""
    article = clean(GERMAN_ARTICLE)
    body = article.clean_text()
    assert "Integrating the Healthcare" in body
    assert "Seit Jahren" in body and "Die Akte kommt" in body
    assert not [r for r in article.removals if r.kind is Kind.LANGUAGE]
    assert "off_target_language" in article.flags
    assert article.language == "de"


def first_title(text: str, *disabled: str) -> str | None:
    rules = load_rules().with_options(disabled_kinds=disabled)
    article = clean_bytes(text.encode(), source_id="t.txt", rules=rules)
    return article.title


BODY = "\n\nThe utility said on Wednesday that the outages could last for several days."


def test_bylines_agencies_datelines_and_credits_are_never_the_title() -> None:
    for first in [
        "Associated Press",
        "Staff Reports",
        "Getty",
        "JANIE HAR",
        "BAAR, SWITZERLAND",
        "Düsseldorf -",
        "von Daniela Obers",
        "Foto: Jure Makovec (OC Ljubno)",
        "Copyright: Accurec",
        "9. Dezember 2013",
        "Tested by: John Milbank RRP: £23.99 More info: www.clymer.co.uk",
    ]:
        assert first_title(first + BODY) is None, first
    assert first_title("Power shutoffs begin in California" + BODY) is not None


def test_a_credit_is_not_the_title_when_captions_are_switched_off() -> None:
    text = "(Image: gargantiopa / Getty Images)" + BODY
    assert first_title(text, "caption") is None


def test_bylines_are_removed_as_bylines() -> None:
    text = "JANIE HAR\n\nNov. 20, 2019Updated: Nov. 20, 2019 1:35 a.m." + BODY
    article = clean(text)
    assert [(r.rule, r.kind) for r in article.removals] == [
        ("byline.name_beside", Kind.BYLINE),
        ("byline.date_stamp", Kind.BYLINE),
    ]


def removed(text: str, language: str = "en") -> list[tuple[str, str]]:
    article = clean(text, language)
    return [(r.rule, article.text[r.start : r.end]) for r in article.removals]


STORY = "The council approved the new budget on Tuesday after a long debate, officials said."
GESCHICHTE = "Der Stadtrat hat den Haushalt am Dienstag nach langer Debatte beschlossen, hieß es."


def test_a_related_box_goes_with_its_label_and_the_story_after_it_stays() -> None:
    """trafilatura-dev 1000things and dtb-tennis: a bare label over other stories' headlines."""
    text = (
        f"{GESCHICHTE}\n\nWeiterlesen:\n\n"
        "Ein Roadtrip entlang der Route 66 im Thermen- & Vulkanland\n\n"
        "Herbstlicher Wochenend-Ausflug in die Südoststeiermark\n\n"
        "Der Haushalt sieht Ausgaben von 40 Millionen Euro vor, sagte die Kämmerin."
    )
    rules = [rule for rule, _ in removed(text, "de")]
    assert rules == ["teaser.more_label", "teaser.more_block", "teaser.more_block"]


def test_a_credit_label_right_after_the_caption_goes() -> None:
    """Issue 12: "... suffered during treatment Credit: EPA", no full stop before the label."""
    line = "A patient shows the burns she suffered during treatment Credit: EPA"
    assert removed(f"{STORY}\n\n{line}\n\n{STORY}") == [("caption.credit_suffix", line)]


def test_a_copyright_credit_ending_a_caption_goes() -> None:
    line = "Eine Fracking-Anlage zur Förderung von Gas im US-Bundesstaat Pennsylvania © Noah Addis"
    text = f"{GESCHICHTE}\n\n{line}\n\n{GESCHICHTE}"
    assert removed(text, "de") == [("caption.copyright_mark", line)]


def test_a_gallery_caption_printed_again_and_again_goes() -> None:
    """zyte-dev 8cad00dc22: the same caption under each of nine photos."""
    caption = "2018 Jeongdong Theater Tradition Series Performance [The Palace: Tale of Jang Noksu]"
    paragraphs = [
        "The refreshing autumn sky welcomed the festival's first visitors.",
        "This is the park where the air is filled with music all weekend.",
        "The opening ceremony began at six, as the organisers had promised.",
    ]
    text = "\n\n".join(f"{p}\n\n{caption}" for p in paragraphs)
    assert [rule for rule, _ in removed(text)] == ["caption.repeated"] * 3


def test_a_table_header_repeated_with_its_rows_stays() -> None:
    rows = "\n".join(f"QB Player {n} Plays 12 % Stats {n}" for n in range(3))
    text = "\n\n".join(f"Pos Player Plays % Stats\n{rows}" for _ in range(4))
    assert [rule for rule, _ in removed(f"{STORY}\n\n{text}")] == []


def test_photos_opening_a_sentence_is_not_a_widget_label() -> None:
    assert removed(f"{STORY}\n\nPhotos\n\n{STORY}") == []
