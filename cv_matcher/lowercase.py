"""Case-insensitive patterns, run fast: without IGNORECASE, on the lower-cased text.

Under IGNORECASE, Python's `re` cannot skip ahead to where a match may start (the pattern's first
characters are cased), so it tries the whole pattern at every position of the text. The same
pattern written in lower case, without the flag, on `text.lower()`, skips in C to the positions
where one of its first characters stands: the pay cues of a CV's lines are found 6 times faster,
its date ranges twice as fast.

It finds what IGNORECASE finds on the text, at the same offsets, unless the text holds one of
four characters (then it is searched the plain way): "İ" lower-cases to two characters (every
later offset would move), IGNORECASE also equates "ı" with i and "ſ" with s, which lower-casing
does not, and "Σ" lower-cases by what stands around it (a final sigma). Every other character
lower-cases to the one character IGNORECASE compares (tests/test_speedups.py checks the patterns
on texts made to differ), and on its own: any stretch of the lower-cased text is the lower case of
that stretch of the text, so callers may cut clauses and windows from it.
"""
from __future__ import annotations

import re
import sys
from functools import lru_cache
from typing import Iterator

_ODD = ("İ", "ı", "ſ", "Σ")
_CASED_LETTER = re.compile(r"(?<!\\)(?<!\(\?)[A-Z]")  # an upper-case letter, not of an escape (\S) or a group name's (?P


@lru_cache(maxsize=8)
def lowered(text: str) -> str | None:
    """`text.lower()` where a lower-case pattern finds on it what IGNORECASE finds on `text`, else
    None. Kept for the last few texts: a document's text is searched by several patterns."""
    if any(ch in text for ch in _ODD):
        return None
    return text.lower()


def lower_case(text: str) -> str:
    """`text.lower()`: the one lowered() keeps for the other steps where it keeps one."""
    low = lowered(text)
    return text.lower() if low is None else low


class LowerCasePattern:
    """A pattern matched case-insensitively. Its matches are those of IGNORECASE; their offsets are
    the text's, but their groups may come lower-cased: read the text's case from the offsets."""

    __slots__ = ("plain", "_lower", "needs")

    def __init__(self, source: str, flags: int = 0, *, needs: str = "") -> None:
        if _CASED_LETTER.search(source + needs):
            raise ValueError(f"a LowerCasePattern is written in lower case: {source!r}")
        self.plain = re.compile(source, flags | re.IGNORECASE)  # the plain way, for an odd text
        self._lower = re.compile(source, flags)
        self.needs = needs  # a string every match holds: a text without it is not searched at all

    @property
    def pattern(self) -> str:
        return self.plain.pattern

    def search(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        low = lowered(text)
        if low is None:
            return self.plain.search(text, pos, endpos)
        return self._lower.search(low, pos, endpos) if self.needs in low else None

    def finditer(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> Iterator[re.Match[str]]:
        low = lowered(text)
        if low is None:
            return self.plain.finditer(text, pos, endpos)
        return self._lower.finditer(low, pos, endpos) if self.needs in low else iter(())
