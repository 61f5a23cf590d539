"""Typo-tolerant matching with rapidfuzz, designed for speed.

Only aliases of terms marked fuzzy (certifications, tools, titles by default) take part, each
compared with text n-grams of about its own length, in one `process.cdist` call per length.
Strings are compared without spaces or punctuation, so "Prince 2 Practioner" meets
"PRINCE2 Practitioner" and "MS-Project" meets "MS Project".
"""
from __future__ import annotations

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


def _ngrams(doc: "Doc", n: int) -> Iterator[tuple[str, int, int]]:
    words = [t for t in doc if not t.is_space and (t.is_alpha or t.like_num or any(c.isalnum() for c in t.text))]
    for i in range(len(words) - n + 1):
        first, last = words[i], words[i + n - 1]
        if last.i - first.i > 2 * n:  # the words are far apart (punctuation between): not a phrase
            continue
        yield doc.text[first.idx:last.idx + len(last.text)], first.idx, last.idx + len(last.text)


def fuzzy_hits(doc: "Doc", index: FuzzyIndex) -> list[FuzzyHit]:
    from rapidfuzz import fuzz, process

    hits: list[FuzzyHit] = []
    for n, (keys, meta) in index.by_words.items():
        grams = [g for size in {max(1, n - 1), n, n + 1} for g in _ngrams(doc, size)]
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
            _, start, end = grams[qi]
            hits.append(FuzzyHit(term_id, alias, start, end, score))
    return hits
