"""Plain-text reader (.txt, .md, .text) with explicit encoding detection and mojibake repair.

Order of evidence, strongest first: a byte-order mark; strict UTF-8 (almost never decodes text
that is not UTF-8); UTF-16 without a BOM, recognised by NULs in every other byte; then
charset-normalizer's guess, which also says when no encoding makes text of the bytes (binary
data, refused); then cp1252, the Windows default for Western text, with latin-1 (which decodes
any byte) as the last resort. Decoded text that is not language ("DDDD...") is refused after
cleaning, for every format (language.py).
"""
from __future__ import annotations

import codecs

from ..errors import DocumentReadError
from .base import Extracted, ReadLimits, check_limit
from .clean import repair_mojibake

# UTF-32 before UTF-16: the UTF-32-LE BOM starts with the UTF-16-LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
BINARY = "binary data, not text"
_TEXT_CONTROLS = frozenset("\t\n\r\f\v\x1b")
MAX_CONTROL_SHARE = 0.01  # more control characters than this and it is not a text file


def read(data: bytes, source: str, limits: ReadLimits, *, engine: str | None = None) -> Extracted:
    """Decode a text file; record the encoding (and any mojibake repair) in meta."""
    text, encoding = decode(data, source)
    # The character limit, before the per-character checks and repairs (as fast as the decoding).
    check_limit(source, limits, "max_chars", len(text), "extracted text length")
    controls = sum(1 for ch in text if ch < " " and ch not in _TEXT_CONTROLS)
    if controls > MAX_CONTROL_SHARE * len(text):
        raise DocumentReadError(source, BINARY)
    text, repaired = repair_mojibake(text)
    meta = {"encoding": encoding}
    if repaired:
        meta["mojibake_repaired"] = str(repaired)
    return Extracted(text, "txt", meta)


def decode(data: bytes, source: str) -> tuple[str, str]:
    """Return (text, encoding name) following the order in the module docstring."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding.replace("-sig", "") + " (BOM)"
            except UnicodeDecodeError as exc:
                raise DocumentReadError(source, f"not valid {encoding} despite its byte-order mark") from exc
    if b"\x00" in data:
        # NULs in text only come from UTF-16 (or UTF-32); anything else with NULs is binary.
        utf16 = _utf16_without_bom(data)
        if utf16 is None:
            raise DocumentReadError(source, BINARY)
        try:
            return data.decode(utf16), utf16
        except UnicodeDecodeError as exc:
            raise DocumentReadError(source, BINARY) from exc
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    guessed = _charset_normalizer(data, source)
    if guessed is not None:
        return guessed
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def _utf16_without_bom(data: bytes) -> str | None:
    """'utf-16-le'/'utf-16-be' when NULs sit in every other byte, as ASCII-range UTF-16 text does."""
    if len(data) < 4 or len(data) % 2:
        return None
    even, odd = data[0::2].count(0), data[1::2].count(0)
    half = len(data) // 2
    # Mostly-ASCII UTF-16 has a NUL in nearly every high byte and almost none in the low bytes.
    if odd >= 0.3 * half and even <= 0.05 * half:
        return "utf-16-le"
    if even >= 0.3 * half and odd <= 0.05 * half:
        return "utf-16-be"
    return None


def _charset_normalizer(data: bytes, source: str) -> tuple[str, str] | None:
    """charset-normalizer's guess, biased to cp1252: on short Western text it often proposes
    cp1250 or cp932 for bytes that cp1252 decodes just as cleanly, so cp1252 wins any tie.
    When no encoding gives it text (random bytes, high-bit junk: every decoding is a mess), the
    bytes are binary data: latin-1 would decode them, into nonsense that scores level 0."""
    # Imported here: it costs start-up time and is only needed for non-UTF-8 files.
    from charset_normalizer import from_bytes

    matches = list(from_bytes(data))
    if not matches:
        raise DocumentReadError(source, BINARY)
    best = min(matches, key=lambda m: m.chaos)
    for match in matches:
        if match.chaos <= best.chaos + 0.01 and "cp1252" in match.could_be_from_charset:
            return None  # the caller's cp1252 step decodes it
    return str(best), best.encoding
