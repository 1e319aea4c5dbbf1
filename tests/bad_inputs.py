"""The bad inputs of issue 5, as real files, with what each must give.

Each case is a file name, a function that writes it, and the expectation: ``error`` (a regex
the per-file error message must match, besides naming the file) or ``flags`` (the result is a
cleaned article with at least these flags) plus an optional check of the article.
"""

from __future__ import annotations

import gzip
import io
import os
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pipeline import Article

GERMAN = (
    "Die Regierung hat am Dienstag erklärt, dass die Gespräche in der nächsten Woche "
    "fortgesetzt werden sollen. Die Opposition hat das begrüßt und mehr Tempo gefordert.\n\n"
    "Nach Angaben des Ministeriums wurden die Vorschläge bereits an alle Beteiligten "
    "verschickt, und eine Antwort wird bis zum Ende des Monats erwartet.\n"
)
BOILERPLATE = (
    "Photo: Reuters\n\nShare this\n\n"
    "Sign up for our newsletter to get the day’s top stories.\n\nAdvertisement\n"
)
WORDS = "the quick brown fox jumps over the lazy dog and "
# caption.slash_credit is the one rule with a repeated group inside a repeat; with no closing
# bracket every repetition must be given back before the match fails.
BACKTRACK_LINE = "(A" + "/A" * 49_999


def huge_page(paragraphs: int = 200_000) -> bytes:
    """A legal page just under the 10 MiB size limit: a few hundred thousand ``<p>``. One step
    (the extractor) runs on it for minutes, past any time limit checked between steps."""
    body = "".join(f"<p>Paragraph {i} of the story says little.</p>" for i in range(paragraphs))
    return f"<html><body><article>{body}</article></body></html>".encode()


def _png() -> bytes:
    return b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("story.txt", "A story inside an archive.")
    return buffer.getvalue()


@dataclass(frozen=True)
class Case:
    name: str
    data: Callable[[], bytes]
    error: str | None = None  # regex for the message; None means it must clean
    flags: tuple[str, ...] = ()
    check: Callable[[Article], bool] = field(default=lambda article: True)
    html: bool = False


def _body(expected: str) -> Callable[[Article], bool]:
    return lambda article: article.clean_text() == expected


CASES: tuple[Case, ...] = (
    Case("empty.txt", lambda: b"", flags=("empty_input", "empty_body"), check=_body("")),
    Case("whitespace.txt", lambda: b"  \n\t\n \r\n\n", flags=("empty_input", "empty_body")),
    Case("png.txt", _png, error="is a PNG image, not text; remove it"),
    Case("pdf.txt", lambda: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", error="PDF document"),
    Case("zip.txt", _zip, error="ZIP archive"),
    Case("png-in-gzip.txt.gz", lambda: gzip.compress(_png()), error="PNG image"),
    Case(
        "noise-in-gzip.txt.gz",
        lambda: gzip.compress(bytes(range(32)) * 200),
        error="do not decode to text",
    ),
    Case("corrupt.txt.gz", lambda: b"\x1f\x8b\x08\x00broken", error="not a valid gzip file"),
    Case(
        "invalid-utf8.txt",
        lambda: b"The caf\xe9 served cr\xe8me br\xfbl\xe9e to the delegation on Tuesday.\n",
        check=_body("The café served crème brûlée to the delegation on Tuesday."),
    ),
    Case(
        "utf16-bom.txt",
        lambda: b"\xff\xfe" + "Talks “will continue” on Tuesday, he said.".encode("utf-16-le"),
        check=_body("Talks “will continue” on Tuesday, he said."),
    ),
    Case(
        "utf16-no-bom.txt",
        lambda: "Talks “will continue” on Tuesday, he said.\n".encode("utf-16-be"),
        check=_body("Talks “will continue” on Tuesday, he said."),
    ),
    Case(
        "cp1252.txt",
        lambda: "The minister said “no” to the naïve plan on Tuesday.\n".encode("cp1252"),
        check=_body("The minister said “no” to the naïve plan on Tuesday."),
    ),
    Case(
        "latin1.txt",
        lambda: "Le président a déclaré à Genève que la réunion était terminée.\n".encode(
            "latin-1"
        ),
        check=lambda a: "président a déclaré à Genève" in a.clean_text(),
    ),
    Case(
        "mixed-encodings.txt",
        lambda: (
            "First line says “hello” to you.\n".encode()
            + "Second line says “bye” to you.\n".encode("cp1252")
        ),
        check=lambda a: (
            a.source.encoding.startswith("mixed")
            and a.clean_text() == "First line says “hello” to you.\nSecond line says “bye” to you."
        ),
    ),
    # Issue 17: the text's own UTF-8 wins over a guess when nearly all of it is valid; every
    # byte not read as UTF-8 is recorded and flagged.
    Case(
        "utf8-one-stray-byte.txt",
        lambda: "He said “no” to the plan on Tuesday, ".encode() + b"\x93officials\x94 said.\n",
        flags=("decoding_repaired",),
        check=lambda a: (
            a.clean_text() == "He said “no” to the plan on Tuesday, “officials” said."
            and a.source.encoding == "utf-8"
            and [(r.line, r.data) for r in a.repairs.decoding] == [(0, "93"), (0, "94")]
        ),
    ),
    Case(
        "utf8-stray-byte-on-one-line.txt",
        lambda: (
            "First line says “hello” to you.\n".encode()
            + "He said “no” to the plan ".encode()
            + b"\xe9t\xe9 on Tuesday.\n"
        ),
        flags=("decoding_repaired",),
        check=lambda a: "He said “no” to the plan été on Tuesday." in a.clean_text(),
    ),
    Case(
        "utf16-bom-before-utf8.txt",
        lambda: b"\xff\xfe" + "Talks “will continue” on Tuesday, he said.\n".encode(),
        flags=("decoding_repaired",),
        check=lambda a: (
            a.clean_text() == "Talks “will continue” on Tuesday, he said."
            and a.to_json()["decoding_repairs"][0]["bytes"] == "fffe"
        ),
    ),
    Case(
        "trailing-garbage.txt.gz",
        lambda: gzip.compress(b"The talks resumed on Tuesday, officials said.\n") + b"\0junk",
        flags=("gzip_trailing_data",),
        check=lambda a: (
            a.clean_text() == "The talks resumed on Tuesday, officials said."
            and a.to_json()["decoding_repairs"][0]["bytes"] == "006a756e6b"
        ),
    ),
    # Issue 17: invisible format characters inside words (LRM, RLM, bidi embeddings and
    # isolates, a stray ZWJ) are removed and counted before the rules run, so rules match.
    Case(
        "invisible-in-words.txt",
        lambda: (
            "The talks resumed on Tuesday, officials said.\n\n"
            "Pho\u200eto: Reu\u202ater\u202cs\n\nSha\u200fre\u2066 this\u2069\n\n"
            "Sign up for our news\u200dletter to get the day’s top stories.\n\n"
            "Adver\u2067tise\u2069ment\n"
        ).encode(),
        check=lambda a: (
            a.clean_text() == "The talks resumed on Tuesday, officials said."
            and len(a.removals) == 4
            and a.repairs.control_chars_removed == 9
        ),
    ),
    Case(
        "some-nul-bytes.txt",
        lambda: b"The talks\x00 resumed on Tuesday\x00 in Istanbul, officials said.\n",
        check=lambda a: (
            a.clean_text() == "The talks resumed on Tuesday in Istanbul, officials said."
            and a.repairs.control_chars_removed == 2
        ),
    ),
    Case(
        "mostly-nul-bytes.txt",
        lambda: b"The talks resumed.\n" + b"\x00" * 4000,
        error="do not decode to text",
    ),
    Case(
        "50mb.txt",
        lambda: ((WORDS[:-1] + ".\n").encode() * (50 * 1024 * 1024 // len(WORDS)))[: 50 << 20],
        error=r"is 50\.0 MiB, over the size limit of 10\.0 MiB; it was not cleaned\. Raise",
    ),
    Case(
        "bomb.txt.gz",
        lambda: gzip.compress(b"a" * (20 * 1024 * 1024)),
        error=r"unpacks to more than the size limit of 10\.0 MiB",
    ),
    Case(
        "backtrack.txt",
        lambda: BACKTRACK_LINE.encode(),
        check=lambda a: a.clean_text() == BACKTRACK_LINE,
    ),
    Case(
        "all-boilerplate.txt",
        lambda: BOILERPLATE.encode(),
        flags=("empty_body",),
        check=lambda a: a.clean_text() == "" and len(a.removals) == 4,
    ),
    Case(
        "german.txt",
        lambda: GERMAN.encode(),
        flags=("off_target_language",),
        check=lambda a: a.language == "de" and a.clean_text() == GERMAN.strip(),
    ),
    Case(
        "deep.html",
        lambda: b"<html><body>" + b"<div>" * 100_000 + b"<p>Deep.</p>" + b"</div>" * 100_000,
        error="nested 255 elements deep or more",
        html=True,
    ),
    Case(
        "script-only.html",
        lambda: (
            b"<html><head><script>var story = 'not this';</script><style>p {color: red}"
            b"</style></head><body><script>document.write('nor this')</script></body></html>"
        ),
        flags=("empty_body", "no_article_found"),
        html=True,
    ),
    Case(
        "all-boilerplate.html",
        lambda: (
            b"<html><body><nav>Home | News | Sport</nav><div class='share'>Share this on "
            b"Facebook</div><footer>Copyright 2024 News Corp. All rights reserved.</footer>"
            b"</body></html>"
        ),
        flags=("empty_body",),
        html=True,
    ),
    Case(
        "german.html",
        lambda: (
            "<html lang='de'><body><article>"
            + "".join(f"<p>{p}</p>" for p in GERMAN.strip().split("\n\n"))
            + "</article></body></html>"
        ).encode(),
        flags=("off_target_language",),
        check=lambda a: a.language == "de" and "Gespräche" in a.clean_text(),
        html=True,
    ),
)


def write_cases(folder: Path, cases: tuple[Case, ...] = CASES) -> dict[str, Path]:
    """Write every case into ``folder``; return the paths by case name."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for case in cases:
        path = folder / case.name
        path.write_bytes(case.data())
        paths[case.name] = path
    return paths


def make_fifo(path: Path) -> Path:
    """A named pipe with no writer: opening it for reading the usual way blocks forever."""
    os.mkfifo(path)
    return path
