"""Bytes to text, whatever the encoding. ``decode`` never raises; it always names what it used.

Order of evidence, strongest first: a byte-order mark; UTF-16 without a BOM, recognised by
its NUL bytes (before UTF-8, since ASCII text in UTF-16 is also valid UTF-8); strict UTF-8 (by
far the most common, and a false positive is vanishingly rare for real non-UTF-8 text); a
file that is UTF-8 except for a few lines (scraper dumps concatenated from several sources)
decoded line by line; otherwise charset-normalizer's guess.
Mojibake that survives decoding (UTF-8 read as cp1252 upstream) is ftfy's job, in ``repair``.
"""

from __future__ import annotations

import codecs
import re

import charset_normalizer

# UTF-32 first: its little-endian BOM starts with the UTF-16 one.
BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Magic numbers of formats people leave in scraper folders, matched at the start; text never
# starts like this. A RIFF file is "RIFF", its size in 4 bytes, then its form type: text can
# start "RIFF" too.
BINARY_SIGNATURES: tuple[tuple[re.Pattern[bytes], str], ...] = tuple(
    (re.compile(signature, re.DOTALL), name)
    for signature, name in (
        (rb"\x89PNG\r\n\x1a\n", "PNG image"),
        (rb"%PDF-", "PDF document"),
        (rb"PK\x03\x04", "ZIP archive"),
        (rb"GIF8", "GIF image"),
        (rb"\xff\xd8\xff", "JPEG image"),
        (rb"\x1f\x8b", "gzip archive"),
        (rb"RIFF.{4}(?:WAVE|AVI |WEBP|RMID|CDXA|ACON|sfbk|DLS )", "RIFF media file"),
        (rb"\x7fELF", "executable"),
    )
)

# UTF-16 without a BOM: text in Latin scripts has a NUL in every other byte.
UTF16_NUL_SHARE = 0.3
UTF16_SAMPLE_BYTES = 4096
# Single-byte encoding for the odd non-UTF-8 line: cp1252 is a superset of latin-1's
# printable range and what Windows tools wrote.
LEGACY_LINE_ENCODING = "cp1252"
# Scores within this of charset-normalizer's best count as a tie.
GUESS_TIE = 0.01


def sniff_binary(data: bytes) -> str | None:
    """Name the binary format ``data`` starts with, or ``None`` if it may be text.

    >>> sniff_binary(b"%PDF-1.7 ...")
    'PDF document'
    >>> sniff_binary(b"Plain text") is None
    True
    >>> sniff_binary(b"RIFF\\x24\\x08\\x00\\x00WAVEfmt "), sniff_binary(b"RIFF raff") is None
    ('RIFF media file', True)
    """
    for signature, name in BINARY_SIGNATURES:
        if signature.match(data):
            return name
    return None


def decode(data: bytes) -> tuple[str, str]:
    """Return ``(text, encoding)``. Never raises; undecodable bytes become U+FFFD.

    >>> decode("caf\\u00e9".encode("utf-8"))
    ('café', 'utf-8')
    >>> decode("The café said “no” to the naïve plan on Tuesday.".encode("cp1252"))
    ('The café said “no” to the naïve plan on Tuesday.', 'cp1252')
    """
    for bom, encoding in BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding, errors="replace"), encoding
    # Before UTF-8: English in UTF-16 is valid UTF-8 too, one NUL every other byte.
    utf16 = _sniff_utf16(data)
    if utf16 is not None:
        return data.decode(utf16, errors="replace"), utf16
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    mixed = _decode_mixed(data)
    if mixed is not None:
        return mixed
    return _decode_guess(data)


def _sniff_utf16(data: bytes) -> str | None:
    sample = data[:UTF16_SAMPLE_BYTES]
    half = len(sample) // 2
    if half < 2:
        return None
    even_nuls = sample[0::2].count(0) / half
    odd_nuls = sample[1::2].count(0) / half
    if odd_nuls >= UTF16_NUL_SHARE and even_nuls < odd_nuls / 4:
        return "utf-16-le"
    if even_nuls >= UTF16_NUL_SHARE and odd_nuls < even_nuls / 4:
        return "utf-16-be"
    return None


def _decode_mixed(data: bytes) -> tuple[str, str] | None:
    """Decode line by line when some lines are real UTF-8 and others are not.

    Real UTF-8 means a valid line with non-ASCII characters: without one there is no evidence
    for UTF-8 at all, and a whole-file guess reads a legacy encoding better.
    """
    decoded: list[str] = []
    utf8_evidence = False
    for line in data.split(b"\n"):
        try:
            decoded.append(line.decode("utf-8"))
            utf8_evidence = utf8_evidence or not line.isascii()
        except UnicodeDecodeError:
            decoded.append(line.decode(LEGACY_LINE_ENCODING, errors="replace"))
    if not utf8_evidence:
        return None
    return "\n".join(decoded), f"mixed (utf-8, {LEGACY_LINE_ENCODING})"


def _decode_guess(data: bytes) -> tuple[str, str]:
    matches = charset_normalizer.from_bytes(data)
    best = matches.best()
    if best is None or not best.encoding:
        # charset-normalizer declines on very short or odd inputs; cp1252 with replacement is
        # the least surprising reading of a stray legacy byte.
        return data.decode(LEGACY_LINE_ENCODING, errors="replace"), LEGACY_LINE_ENCODING
    # On Western text cp1250, cp1252 and cp1257 often tie, and charset-normalizer then picks
    # cp1250, which turns "ï" into "ď". Scraped news is far likelier to be cp1252.
    for match in matches:
        if (
            match.encoding == "cp1252"
            and match.chaos <= best.chaos + GUESS_TIE
            and match.coherence >= best.coherence - GUESS_TIE
        ):
            return str(match), "cp1252"
    return str(best), str(best.encoding)
