"""Is extracted text language at all? A PDF whose font maps glyphs to the wrong characters (a
broken ToUnicode map) decodes to "Mdmd Rlhsg" or "#$%&'()", and a binary file can decode to a
run of letters; scoring such text finds nothing and calls it level 0 without a word of why.

Two tests, both needing a sizeable text (MIN_LETTERS) to judge: the share of its words that are
common English words (data/english_words.txt: function words and the everyday words of CVs and
adverts), which real English text passes at 25-60% and gibberish fails at 0-2%; and, for text that
is not English, charset-normalizer's letter-frequency coherence with any of the languages it
knows (0.7-0.9 for real French or Polish, under 0.5 for shifted or random letters). Text failing
both is not language.
"""
from __future__ import annotations

import functools
import re
from importlib import resources

MIN_LETTERS = 300  # fewer letters than this: too little to judge
MIN_WORD_SHARE = 0.08  # of the alphabetic words, at least this share are common English words...
MIN_COHERENCE = 0.6  # ...or the letters fit some language this well
SAMPLE_CHARS = 20_000  # judged on (at most) this much of the text, from its start
_WORD = re.compile(r"[^\W\d_]+")


@functools.lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    text = resources.files("cv_matcher").joinpath("data/english_words.txt").read_text(encoding="utf-8")
    return frozenset(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


def word_share(text: str) -> float:
    words = [w.casefold() for w in _WORD.findall(text)]
    if not words:
        return 0.0
    known = english_words()
    return sum(1 for w in words if w in known) / len(words)


def not_language(text: str) -> str | None:
    """Why `text` is not language (a short phrase for an error message), or None when it is or
    when there is too little to judge."""
    sample = text[:SAMPLE_CHARS]
    letters = sum(1 for ch in sample if ch.isalpha())
    symbols = sum(1 for ch in sample if not ch.isalnum() and not ch.isspace())
    if letters < MIN_LETTERS:
        if symbols >= MIN_LETTERS and letters < MIN_LETTERS // 10:  # "#$%&'()*+" with hardly a letter
            return "the text is symbols, not words"
        return None
    share = word_share(sample)
    if share >= MIN_WORD_SHARE:
        return None
    from charset_normalizer.cd import coherence_ratio

    try:
        languages = coherence_ratio(sample)
    except Exception:  # noqa: BLE001 - judge by the words alone
        languages = []
    if languages and max(ratio for _language, ratio in languages) >= MIN_COHERENCE:
        return None
    return f"only {share:.0%} of its words are words"


def garbled_problem(fmt: str, why: str) -> str:
    """The one-line problem for text that is not language, by the format it came from."""
    if fmt == "txt":
        return f"binary data, not text ({why})"
    if fmt == "pdf":
        return (f"text cannot be decoded: {why} (the PDF's fonts map their glyphs to the wrong characters, "
                "a broken ToUnicode map); OCR it or export it again")
    return f"text cannot be decoded: {why}"


_CID = re.compile(r"\(cid:\d+\)")


def undecodable_glyphs(pages: list[list[str]], per_page: int) -> str | None:
    """The problem when most of a PDF's glyphs are in fonts with no Unicode map (no ToUnicode, an
    Identity encoding): pdfminer writes each as "(cid:NN)", which the cleaning removes, so the
    file would read as empty. None when the rest is readable."""
    cids = sum(line.count("(cid:") for page in pages for line in page)
    if cids < per_page * max(len(pages), 1):
        return None
    rest = sum(ch.isalnum() for page in pages for line in page for ch in _CID.sub("", line))
    if rest >= cids:
        return None
    return (f"text cannot be decoded: {cids:,} glyphs are in fonts without a Unicode map (ToUnicode); "
            "OCR it or export it again")
