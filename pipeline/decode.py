"""Bytes to text, whatever the encoding. ``decode`` never raises; it always names what it used.

Order of evidence, strongest first: a byte-order mark, unless what follows it is plainly UTF-8
(a UTF-16 mark pasted in front of UTF-8 text would otherwise read as CJK); UTF-16 without a
BOM, recognised by its NUL bytes (before UTF-8, since ASCII text in UTF-16 is also valid
UTF-8); strict UTF-8 (by far the most common, and a false positive is vanishingly rare for
real non-UTF-8 text); UTF-8 with a few invalid bytes, or a file that is UTF-8 except for a few
lines (scraper dumps concatenated from several sources), decoded line by line; otherwise
charset-normalizer's guess. The text's own UTF-8 wins over a guess whenever the bytes of its
valid characters beyond ASCII outnumber the invalid bytes: a guess would misread every
character to save a few.

Guarantees: every byte that is not read as the chosen encoding says so, in a
:class:`~pipeline.article.DecodingRepair` (its line, its bytes, what it became, why): an
invalid byte in UTF-8 text is read as cp1252 (a Windows curly quote pasted in), an incomplete
UTF-8 character becomes U+FFFD. Mojibake that survives decoding (UTF-8 read as cp1252
upstream) is ftfy's job, in ``repair``.
"""

from __future__ import annotations

import codecs
import re
from typing import NamedTuple

import charset_normalizer

from pipeline.article import DecodingRepair

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
# Invalid UTF-8 bytes, as ``surrogateescape`` spells them, and characters beyond ASCII.
ESCAPED = re.compile("[\udc80-\udcff]+")
NON_ASCII = re.compile("[^\x00-\x7f]")
ASCII_BYTES = bytes(range(0x80))
# C0 controls that text never holds; UTF-16 read as bytes is full of them.
BINARY_CONTROLS = re.compile(rb"[\x00-\x08\x0e-\x1f]")
# An incomplete UTF-8 character: a lead byte and some, not all, of its continuation bytes. A
# lead byte alone is likelier a cp1252 letter ("é" is 0xE9) than a character cut short.
TRUNCATED = re.compile(rb"[\xe0-\xef][\x80-\xbf]|[\xf0-\xf4][\x80-\xbf]{1,2}")


class Decoded(NamedTuple):
    """The text, the encoding it was read as, and every byte that was not read as that."""

    text: str
    encoding: str
    repairs: tuple[DecodingRepair, ...] = ()


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
    """Return ``(text, encoding)``. Never raises; see :func:`decode_explained`.

    >>> decode("caf\u00e9".encode("utf-8"))
    ('café', 'utf-8')
    >>> decode("The café said “no” to the naïve plan on Tuesday.".encode("cp1252"))
    ('The café said “no” to the naïve plan on Tuesday.', 'cp1252')
    """
    decoded = decode_explained(data)
    return decoded.text, decoded.encoding


def decode_explained(data: bytes) -> Decoded:
    """The text, its encoding and the repairs made decoding it. Never raises.

    >>> decode_explained("“Curly” quotes, one stray byte: ".encode() + b"\\x93")[:2]
    ('“Curly” quotes, one stray byte: “', 'utf-8')
    """
    for bom, encoding in BOMS:
        if data.startswith(bom):
            return _decode_marked(data[len(bom) :], bom, encoding)
    # Before UTF-8: English in UTF-16 is valid UTF-8 too, one NUL every other byte.
    utf16 = _sniff_utf16(data)
    if utf16 is not None:
        return _decode_wide(data, utf16, ())
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    # Bytes in valid UTF-8 characters beyond ASCII against invalid bytes: in legacy text
    # (cp1252, cp1251, GBK, Shift-JIS) valid sequences are accidents, far fewer than the rest.
    escaped = data.decode("utf-8", "surrogateescape")
    invalid = sum(len(run) for run in ESCAPED.findall(escaped))
    if len(data.translate(None, ASCII_BYTES)) - invalid > invalid:
        return _decode_lines(data)
    mixed = _decode_mixed(data)
    if mixed is not None:
        return mixed
    return _decode_guess(data)


def _decode_marked(rest: bytes, bom: bytes, encoding: str) -> Decoded:
    """Text after a byte-order mark: in its encoding, unless it is plainly UTF-8."""
    if encoding == "utf-8":
        return _decode_utf8(rest, ())
    if _plainly_utf8(rest):
        note = DecodingRepair(
            0, bom.hex(), "", f"a {encoding} byte-order mark in front of UTF-8 text; dropped"
        )
        return _decode_utf8(rest, (note,))
    return _decode_wide(rest, encoding, ())


def _plainly_utf8(data: bytes) -> bool:
    """Valid UTF-8 without the control bytes that UTF-16 or UTF-32 text is full of."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return BINARY_CONTROLS.search(data) is None


def _decode_utf8(data: bytes, notes: tuple[DecodingRepair, ...]) -> Decoded:
    try:
        return Decoded(data.decode("utf-8"), "utf-8", notes)
    except UnicodeDecodeError:
        decoded = _decode_lines(data)
        return decoded._replace(repairs=notes + decoded.repairs)


def _decode_wide(data: bytes, encoding: str, notes: tuple[DecodingRepair, ...]) -> Decoded:
    """UTF-16 or UTF-32; code units that do not decode become U+FFFD, and are counted."""
    try:
        return Decoded(data.decode(encoding), encoding, notes)
    except UnicodeDecodeError:
        text = data.decode(encoding, errors="replace")
    count = text.count("\ufffd")
    note = DecodingRepair(None, "", "\ufffd", f"{count} invalid {encoding} code unit(s) replaced")
    return Decoded(text, encoding, (*notes, note))


def _decode_lines(data: bytes) -> Decoded:
    """UTF-8, line by line; in a line that is not valid UTF-8, each invalid byte is read as
    cp1252 and each incomplete character becomes U+FFFD, all recorded.

    Named ``mixed (utf-8, cp1252)`` when some line has no valid UTF-8 character beyond ASCII
    at all (a legacy line), else ``utf-8``: its few invalid bytes are repairs.
    """
    decoded: list[str] = []
    repairs: list[DecodingRepair] = []
    legacy_line = False
    for number, line in enumerate(data.split(b"\n")):
        try:
            decoded.append(line.decode("utf-8"))
            continue
        except UnicodeDecodeError:
            pass
        escaped = line.decode("utf-8", "surrogateescape")
        parts: list[str] = []
        last = 0
        for run in ESCAPED.finditer(escaped):
            raw = run.group().encode("utf-8", "surrogateescape")
            text, reason = _read_invalid(raw)
            repairs.append(DecodingRepair(number, raw.hex(), text, reason))
            parts += [escaped[last : run.start()], text]
            last = run.end()
        parts.append(escaped[last:])
        decoded.append("".join(parts))
        legacy_line = legacy_line or NON_ASCII.search(ESCAPED.sub("", escaped)) is None
    encoding = f"mixed (utf-8, {LEGACY_LINE_ENCODING})" if legacy_line else "utf-8"
    return Decoded("\n".join(decoded), encoding, tuple(repairs))


def _read_invalid(raw: bytes) -> tuple[str, str]:
    """What a run of bytes that is not UTF-8 most likely was.

    >>> _read_invalid(b"\\x93"), _read_invalid(b"\\xe2\\x80")
    (('“', 'not UTF-8: read as cp1252'), ('�', 'an incomplete UTF-8 character'))
    """
    if TRUNCATED.fullmatch(raw):
        return "\ufffd", "an incomplete UTF-8 character"
    return raw.decode(LEGACY_LINE_ENCODING, errors="replace"), "not UTF-8: read as cp1252"


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


def _decode_mixed(data: bytes) -> Decoded | None:
    """Decode line by line when some lines are real UTF-8 and others are not.

    Real UTF-8 means a valid line with non-ASCII characters: without one there is no evidence
    for UTF-8 at all, and a whole-file guess reads a legacy encoding better.
    """
    for line in data.split(b"\n"):
        if not line.isascii():
            try:
                line.decode("utf-8")
            except UnicodeDecodeError:
                continue
            return _decode_lines(data)
    return None


def _decode_guess(data: bytes) -> Decoded:
    matches = charset_normalizer.from_bytes(data)
    best = matches.best()
    if best is None or not best.encoding:
        # charset-normalizer declines on very short or odd inputs; cp1252 with replacement is
        # the least surprising reading of a stray legacy byte.
        return Decoded(data.decode(LEGACY_LINE_ENCODING, errors="replace"), LEGACY_LINE_ENCODING)
    # On Western text cp1250, cp1252 and cp1257 often tie, and charset-normalizer then picks
    # cp1250, which turns "ï" into "ď". Scraped news is far likelier to be cp1252.
    for match in matches:
        if (
            match.encoding == "cp1252"
            and match.chaos <= best.chaos + GUESS_TIE
            and match.coherence >= best.coherence - GUESS_TIE
        ):
            return Decoded(str(match), "cp1252")
    return Decoded(str(best), str(best.encoding))
