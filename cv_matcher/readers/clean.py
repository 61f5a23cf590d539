"""Text normalisation shared by the readers.

`clean_text` is the last step of every reader: after it the text is final and every offset
(sections, evidence) refers to it. The other functions are format-specific repairs that run before
it: PDF artefacts (ligatures, hyphenation, `(cid:NN)` glyphs, running headers) and mojibake.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

# Presentation-form ligatures. A table rather than NFKC: NFKC would also rewrite "²", "½", "™",
# full-width letters... which we want to keep as written.
_LIGATURES = str.maketrans({"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st"})

# Spaces of every width become a plain space; invisible characters are removed. The soft hyphen
# (U+00AD) is invisible unless a line breaks at it, so it goes too.
_SPACES = re.compile(r"[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
# Bidirectional controls (U+202A-202E, U+2066-2069, the marks U+200E/200F/061C) go as well: they
# only reorder how text is shown ("\u202efdp.vc" displays as "cv.pdf"), never add to it.
_INVISIBLE = re.compile(r"[\u200b\u200c\u200d\u2060-\u2064\ufeff\u00ad\u180e\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]")
# C0/C1 control characters other than tab/newline: noise from extraction, never content.
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_LINE_BREAKS = re.compile(r"\r\n?|[\x0b\x0c\x85\u2028\u2029]")
_MANY_BLANKS = re.compile(r"\n{4,}")  # 4 newlines = 3 blank lines; keep at most two


def clean_text(text: str) -> str:
    """Normalise whitespace and invisible characters; nothing else is rewritten.

    >>> clean_text("Project\\u00a0 Manager  \\r\\n\\r\\n\\r\\n\\r\\n\\r\\nPRINCE2\\u200b")
    'Project Manager\\n\\n\\nPRINCE2'
    """
    text = _LINE_BREAKS.sub("\n", text)
    text = _INVISIBLE.sub("", text.translate(_LIGATURES))
    text = _CONTROLS.sub("", text)
    text = _SPACES.sub(" ", text)
    # Leading spaces are indentation that no longer means anything once collapsed; strip both ends.
    text = "\n".join(line.strip(" ") for line in text.split("\n"))
    return _MANY_BLANKS.sub("\n\n\n", text).strip("\n")


# --- PDF artefacts -------------------------------------------------------------------------------

# "manage-\nment": a word, a hyphen (ASCII, U+2010 or soft) at the end of a line, and a lower-case
# word starting the next line. "co-ordinator" on one line is untouched; "Smith-\nJones" too.
_HYPHEN_BREAK = re.compile(r"([^\W\d_]+)[-\u2010\u00ad][ \t]*\n[ \t]*([a-z]+)")
# pdfminer writes glyphs it cannot map to Unicode as "(cid:123)"; at a line start they are almost
# always bullet symbols, elsewhere icons or junk.
_CID_AT_LINE_START = re.compile(r"^[ \t]*(?:\(cid:\d+\)[ \t]*)+", re.MULTILINE)
_CID = re.compile(r"\(cid:\d+\)")


def dehyphenate(text: str) -> str:
    """Re-join words hyphenated across a line end: 'manage-\\nment' -> 'management'.

    A compound the document also writes hyphenated on one line ('cloud-native') keeps its hyphen.
    """
    folded = text.casefold()

    def join(match: re.Match[str]) -> str:
        head, tail = match.groups()
        compound = f"{head}-{tail}"
        return compound if compound.casefold() in folded else head + tail

    return _HYPHEN_BREAK.sub(join, text)


def strip_cid(text: str) -> str:
    """Replace '(cid:NN)' placeholders: a bullet at a line start, nothing elsewhere."""
    return _CID.sub("", _CID_AT_LINE_START.sub("• ", text))


def _line_key(line: str) -> str:
    # "Jane Smith – CV – Page 1 of 2" and "... Page 2 of 2" must compare equal.
    return re.sub(r"\d+", "#", " ".join(line.split()).casefold())


def drop_repeated_margins(pages: Sequence[Sequence[str]], margins: Sequence[set[int]]) -> list[list[str]]:
    """Remove running headers/footers: lines in a page margin that recur on 2+ pages.

    `pages` holds each page's lines; `margins[i]` the indices of page i's lines that sit in its top
    or bottom margin. A margin line whose digit-normalised text appears in the margin of at least
    two pages is kept on its first page only (contact details often live there).
    """
    seen_on: Counter[str] = Counter()
    for lines, idx in zip(pages, margins, strict=True):
        seen_on.update({_line_key(lines[i]) for i in idx if any(c.isalnum() for c in lines[i])})
    repeated = {key for key, count in seen_on.items() if count >= 2}
    kept_once: set[str] = set()
    out: list[list[str]] = []
    for lines, idx in zip(pages, margins, strict=True):
        page: list[str] = []
        for i, line in enumerate(lines):
            key = _line_key(line)
            if i in idx and key in repeated:
                if key in kept_once:
                    continue
                kept_once.add(key)
            page.append(line)
        out.append(page)
    return out


# Some generators draw one hyphen as "-", soft hyphen and U+2010 ("on-\u00ad\u2010campus").
_HYPHEN_GLYPHS = re.compile(r"-?\u00ad?[\u2010\u2011]")


def join_pdf_pages(pages: Sequence[Sequence[str]]) -> str:
    """Join page lines into one text and repair what PDF extraction breaks (cid glyphs, hyphens)."""
    text = "\n\n".join("\n".join(lines) for lines in pages)
    return dehyphenate(strip_cid(_HYPHEN_GLYPHS.sub("-", text)))


# --- Mojibake ------------------------------------------------------------------------------------


# Byte <-> character of cp1252 as Windows applies it: the five bytes cp1252 leaves undefined
# (81 8D 8F 90 9D) pass through as the C1 controls U+0081... so "â€\x9d" (a mangled ”) survives.
_BYTE_CHARS = {b: bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in range(0x80, 0x100)}
_CHAR_BYTES = {ord(ch): b for b, ch in _BYTE_CHARS.items()}


def _chars(first: int, last: int) -> str:
    return "[" + re.escape("".join(_BYTE_CHARS[b] for b in range(first, last + 1))) + "]"


# UTF-8 read as cp1252 turns each multi-byte sequence into a lead char (bytes C2-F4: Â...ô) followed
# by continuation chars (bytes 80-BF: € ‚ ... ¿). Match exactly that shape so ordinary accented
# words ("café", "Zürich") never match.
_CONT = _chars(0x80, 0xBF)
_MOJIBAKE = re.compile(
    f"(?:{_chars(0xC2, 0xDF)}{_CONT}|{_chars(0xE0, 0xEF)}{_CONT}{{2}}|{_chars(0xF0, 0xF4)}{_CONT}{{3}})+"
)


def _plausible(ch: str) -> bool:
    # What a Western CV's mojibake decodes to: Latin letters, punctuation (• ’ –), currency,
    # letterlike symbols (™), arrows, geometric shapes and dingbats (■ ✓ ➢).
    return "\u00a0" <= ch <= "\u024f" or "\u2000" <= ch <= "\u27bf"


def repair_mojibake(text: str) -> tuple[str, int]:
    """Undo UTF-8-read-as-cp1252 runs ('â€¢' -> '•', 'Ã©' -> 'é'); returns (text, runs repaired)."""
    repaired = 0

    def fix(match: re.Match[str]) -> str:
        nonlocal repaired
        try:
            fixed = bytes(_CHAR_BYTES[ord(ch)] for ch in match.group()).decode("utf-8")
        except UnicodeError:
            return match.group()
        if not all(_plausible(ch) for ch in fixed):
            return match.group()  # "Ø\xa0" is a Wingdings bullet, not a mangled Arabic letter
        repaired += 1
        return fixed

    return _MOJIBAKE.sub(fix, text), repaired
