from __future__ import annotations

import codecs

import pytest

from pipeline.decode import decode, sniff_binary

TEXT = "Café “quoted” — naïve résumé, Ukraine’s talks. The quick brown fox jumps.\n" * 3


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16-le", "utf-16-be", "cp1252"])
def test_round_trips_common_encodings(encoding: str) -> None:
    text, found = decode(TEXT.encode(encoding))
    assert text == TEXT
    assert found == encoding


@pytest.mark.parametrize(
    ("bom", "encoding"),
    [
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ],
)
def test_bom_wins_and_is_dropped(bom: bytes, encoding: str) -> None:
    text, found = decode(bom + TEXT.encode(encoding))
    assert (text, found) == (TEXT, encoding)


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_found_even_when_it_is_valid_utf8(encoding: str) -> None:
    # ASCII and curly quotes in UTF-16 are also valid UTF-8 (NUL, \x1c, \x1d are legal bytes).
    sample = "Russia said the talks “will continue” on Tuesday, officials said.\n"
    assert decode(sample.encode(encoding)) == (sample, encoding)


def test_latin1_text_decodes() -> None:
    sample = "Le président a déclaré à Genève que la réunion était terminée.\n" * 2
    text, _ = decode(sample.encode("latin-1"))
    assert text == sample


def test_cyrillic_legacy_encoding() -> None:
    sample = "Президент заявил, что переговоры продолжатся в Стамбуле."
    assert decode(sample.encode("cp1251")) == (sample, "cp1251")


def test_mixed_utf8_and_cp1252_lines_are_each_decoded() -> None:
    data = "First line says “hello”.\n".encode() + "Second line says “bye”.\n".encode("cp1252")
    text, found = decode(data)
    assert text == "First line says “hello”.\nSecond line says “bye”.\n"
    assert found.startswith("mixed")


def test_sniff_binary_names_formats() -> None:
    assert sniff_binary(b"\x89PNG\r\n\x1a\n....") == "PNG image"
    assert sniff_binary(b"PK\x03\x04rest") == "ZIP archive"
    assert sniff_binary("Plain “text”".encode()) is None
    assert sniff_binary(b"RIFF\xa4\x1f\x00\x00WEBPVP8 ") == "RIFF media file"
    assert sniff_binary(b"RIFF\n") is None  # text may start so (Hypothesis found it)
    assert sniff_binary(b"RIFF RAFF: the band's new album") is None
