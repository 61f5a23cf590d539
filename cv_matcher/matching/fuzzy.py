"""Typo-tolerant matching with rapidfuzz, designed for speed.

Only aliases of terms marked fuzzy (certifications, tools, titles by default) take part, each
compared with text n-grams of about its own length, in one `process.cdist` call per length.
Strings are compared without spaces or punctuation, so "Prince 2 Practioner" meets
"PRINCE2 Practitioner" and "MS-Project" meets "MS Project".
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Iterator

from .normalise import fuzzy_key

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from ..lexicon import Lexicon

MIN_ALIAS_CHARS = 7  # short strings ("PMP", "CSM") are too easy to hit by accident
MAX_NGRAM = 5


@dataclass(frozen=True, slots=True)
class FuzzyHit:
    term_id: str
    alias: str
    start: int  # character offsets into the text
    end: int
    score: float


@dataclass(frozen=True)
class FuzzyIndex:
    by_words: dict[int, tuple[list[str], list[tuple[str, str, float]]]]  # n words -> (keys, (term, alias, cutoff))


@lru_cache(maxsize=8)
def build_index(lexicon: "Lexicon") -> FuzzyIndex:
    groups: dict[int, tuple[list[str], list[tuple[str, str, float]]]] = {}
    for term in lexicon.terms.values():
        if not term.fuzzy or term.min_score > 100:
            continue
        for alias in term.aliases:
            key = fuzzy_key(alias)
            if len(key) < MIN_ALIAS_CHARS:
                continue
            n = max(1, min(MAX_NGRAM, len(alias.replace("-", " ").split())))
            keys, meta = groups.setdefault(n, ([], []))
            keys.append(key)
            meta.append((term.id, alias, term.min_score))
    return FuzzyIndex(by_words=groups)


def _words(doc: "Doc") -> list[tuple[int, int, int]]:
    """(token index, start char, end char) of each token that holds a letter or digit."""
    out = []
    for t in doc:
        stripped = t.text.strip("/\\|()[]{}<>:;,.!?\"'*•-–—")
        if any(c.isalnum() for c in stripped):
            start = t.idx + t.text.index(stripped)
            out.append((t.i, start, start + len(stripped)))
    return out


def _ngrams(text: str, words: list[tuple[int, int, int]], n: int) -> Iterator[tuple[str, int, int]]:
    for i in range(len(words) - n + 1):
        first, last = words[i], words[i + n - 1]
        if last[0] - first[0] > 2 * n:  # the words are far apart (punctuation between): not a phrase
            continue
        gram = text[first[1]:last[2]]
        if "\n" not in gram:  # a phrase never runs across lines
            yield gram, first[1], last[2]


_SHORT_WORD = re.compile(r"(?<![a-z0-9])[a-z]{1,4}(?![a-z0-9])")


def short_words(text: str) -> frozenset[str]:
    """Acronym-sized words ("APM", "MoP", "PMO"): a fuzzy match must keep them exactly, or
    "MSP Foundation" would pass for "MoP Foundation" and "Professional" for "APM Professional"."""
    return frozenset(_SHORT_WORD.findall(text.lower()))


def fuzzy_hits(doc: "Doc", index: FuzzyIndex) -> list[FuzzyHit]:
    from rapidfuzz import fuzz, process

    hits: list[FuzzyHit] = []
    text = doc.text
    words = _words(doc)
    for n, (keys, meta) in index.by_words.items():
        grams = [g for size in {max(1, n - 1), n, n + 1} for g in _ngrams(text, words, size)]
        if not grams:
            continue
        queries = [fuzzy_key(g[0]) for g in grams]
        cutoff = min(m[2] for m in meta)
        scores = process.cdist(queries, keys, scorer=fuzz.ratio, score_cutoff=cutoff, dtype="uint8")
        for qi, ai in zip(*scores.nonzero()):
            score = float(scores[qi, ai])
            term_id, alias, term_cutoff = meta[ai]
            if score < term_cutoff:
                continue
            gram, start, end = grams[qi]
            if short_words(gram) != short_words(alias):
                continue
            hits.append(FuzzyHit(term_id, alias, start, end, score))
    return hits
