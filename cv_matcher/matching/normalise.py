"""Word normalisation shared by the patterns and the text, so inflections and spellings meet.

"managing risks", "managed risk" and "manage risks" all become "manag risk"; "co-ordinate" and
"coordinate", "organise" and "organize", "programme" and "program" meet too. The same function
runs on both sides, so an over-eager rule can only merge words, never lose a match.
"""
from __future__ import annotations

import re
from functools import lru_cache

_UK_ISE = re.compile(r"(?<=.{3})is(e|es|ed|ing|ation|ations|er|ers)$")
_PUNCT_ONLY = re.compile(r"^\W+$")


@lru_cache(maxsize=65536)
def norm_word(word: str) -> str:
    """A crude, fast stem: lower case, no hyphens, UK -ise to -ize, plural/-ing/-ed/-e stripped."""
    w = word.lower().replace("’", "'")
    if w == "&":
        return "and"
    if _PUNCT_ONLY.match(w):
        return w
    w = w.replace("-", "").replace("'s", "")
    w = _UK_ISE.sub(r"iz\1", w)
    if len(w) > 4 and w.endswith("ies"):
        w = w[:-3] + "y"
    elif len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    if len(w) > 5 and w.endswith("ing"):
        w = w[:-3]
    elif len(w) > 4 and w.endswith("ed"):
        w = w[:-2]
    if len(w) > 3 and w.endswith("e"):
        w = w[:-1]
    if len(w) > 3 and w[-1] == w[-2] and w[-1].isalpha() and w[-1] not in "ls":
        w = w[:-1]  # planned/planning -> plan, programme -> program
    return w


_FUZZY_STRIP = re.compile(r"[^a-z0-9+]+")


def fuzzy_key(text: str) -> str:
    """The form compared by rapidfuzz: lower case letters and digits only ("Prince 2" == "prince2")."""
    return _FUZZY_STRIP.sub("", text.lower())


_SHORT_WORD = re.compile(r"(?<![a-z0-9])(?=[a-z0-9]{0,3}[a-z])[a-z0-9]{1,4}(?![a-z0-9])")  # 1-4 chars, at least one letter


@lru_cache(maxsize=65536)
def short_words(text: str) -> frozenset[str]:
    """Acronym-sized words ("APM", "MoP", "PMO"): a fuzzy match must keep them exactly, or
    "MSP Foundation" would pass for "MoP Foundation" and "Professional" for "APM Professional"."""
    return frozenset(_SHORT_WORD.findall(text.lower()))


WORD_STRIP = "/\\|()[]{}<>:;,.!?\"'*•-–—"  # stripped from a token to find its word


def word_in_token(token: str) -> tuple[int, int] | None:
    """(start, end) of the word in a token (the token stripped of WORD_STRIP), or None when it
    holds no letter or digit: the words typo matching builds its n-grams of."""
    stripped = token.strip(WORD_STRIP)
    if any(c.isalnum() for c in stripped):
        start = token.index(stripped)
        return start, start + len(stripped)
    return None
