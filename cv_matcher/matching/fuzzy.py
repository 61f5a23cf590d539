"""Typo-tolerant matching with rapidfuzz, designed for speed.

Only aliases of terms marked fuzzy (certifications, tools, titles by default) take part, each
compared with text n-grams of about its own number of words. Strings are compared without spaces
or punctuation, so "Prince 2 Practioner" meets "PRINCE2 Practitioner" and "MS-Project" meets
"MS Project".

Speed: an n-gram is only scored against the aliases it could match. `fuzz.ratio` can only reach
a cut-off c when the lengths are close enough (|a - b| <= (1 - c/100)(a + b), as every extra
character costs one edit), and a hit must have the alias's short words exactly; so the n-grams of
one length and one set of short words are scored, in one `process.cdist` call, against the
aliases of compatible lengths with the same short words. Identical n-grams are scored once. The
hits are those that scoring every n-gram against every alias gives.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Iterable, NamedTuple

from .normalise import fuzzy_key

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from ..lexicon import Lexicon

MIN_ALIAS_CHARS = 7  # short strings ("PMP", "CSM") are too easy to hit by accident
MAX_NGRAM = 5
PHRASE_BREAKS = frozenset("\n:;|•()[],")


@dataclass(frozen=True, slots=True)
class FuzzyHit:
    term_id: str
    alias: str
    start: int  # character offsets into the text
    end: int
    score: float


def _reaches(key_length: int, cutoff: float, length: int) -> bool:
    """Whether a query of `length` characters can score `cutoff` against a key of `key_length`:
    ratio = 100 (1 - edits / (a + b)) and edits >= |a - b|. Scores are compared rounded to whole
    numbers, so a float score half a point below the cut-off still counts."""
    return abs(key_length - length) <= (1 - (cutoff - 0.5) / 100) * (key_length + length) + 1e-9


@dataclass(frozen=True)
class FuzzyIndex:
    by_words: dict[int, tuple[list[str], list[tuple[str, str, float]]]]  # n words -> (keys, (term, alias, cutoff))
    # n words -> the keys by (key length, cut-off): the query lengths that can reach them, and
    # their indices by the short words of their alias. Built on first use.
    _buckets: dict[int, list[tuple[int, int, dict[frozenset[str], list[int]]]]] = field(default_factory=dict, compare=False, repr=False)
    _near: dict[tuple[int, int], dict[frozenset[str] | None, list[int]]] = field(default_factory=dict, compare=False, repr=False)

    def keys_near(self, n: int, length: int) -> dict[frozenset[str] | None, list[int]]:
        """Indices of group n's keys that a query of `length` characters could match (see
        _reaches), by the short words of their alias (None: all of them)."""
        found = self._near.get((n, length))
        if found is None:
            found = {}
            for lo, hi, by_shorts in self._buckets_of(n):
                if lo <= length <= hi:
                    for shorts, indices in by_shorts.items():
                        found.setdefault(shorts, []).extend(indices)
            if found:
                found[None] = sorted(i for indices in found.values() for i in indices)
                for indices in found.values():
                    indices.sort()
            self._near[(n, length)] = found
        return found

    def _buckets_of(self, n: int) -> list[tuple[int, int, dict[frozenset[str], list[int]]]]:
        buckets = self._buckets.get(n)
        if buckets is None:
            keys, meta = self.by_words[n]
            grouped: dict[tuple[int, float], dict[frozenset[str], list[int]]] = {}
            for i, (key, (_, alias, cutoff)) in enumerate(zip(keys, meta)):
                grouped.setdefault((len(key), cutoff), {}).setdefault(short_words(alias), []).append(i)
            buckets = []
            for (size, cutoff), by_shorts in grouped.items():
                slack = 1 - (cutoff - 0.5) / 100
                # The lengths that reach it form an interval around size; start from its ends
                # (solved without the 1e-9) and step until _reaches agrees.
                lo = max(0, int(size * (1 - slack) / (1 + slack)) - 2)
                while not _reaches(size, cutoff, lo):
                    lo += 1
                hi = int(size * (1 + slack) / (1 - slack)) + 2 if slack < 1 else 10 * size + 10
                while not _reaches(size, cutoff, hi):
                    hi -= 1
                buckets.append((lo, hi, by_shorts))
            self._buckets[n] = buckets
        return buckets


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


def _words(doc: "Doc", text: str) -> list[tuple[int, int, int]]:
    """(token index, start char, end char) of each token that holds a letter or digit."""
    from .pipeline import token_spans

    out = []
    for i, (idx, end) in enumerate(token_spans(doc)):
        token = text[idx:end]
        stripped = token.strip("/\\|()[]{}<>:;,.!?\"'*•-–—")
        if any(c.isalnum() for c in stripped):
            start = idx + token.index(stripped)
            out.append((i, start, start + len(stripped)))
    return out


class _Grams(NamedTuple):
    spans: list[tuple[int, int]]  # the n-grams of one size, in text order: (start, end)
    # key length -> short words (None: not known) -> fuzzy key -> indices into spans
    by_length: dict[int, dict[frozenset[str] | None, dict[str, list[int]]]]


def _grams_by_size(text: str, words: list[tuple[int, int, int]], sizes: Iterable[int]) -> dict[int, _Grams]:
    """The n-grams of n words for each size n, with their fuzzy keys grouped by length, and their
    short words. An n-gram is text[first word's start:last word's end]; it is a phrase unless its
    words are far apart (punctuation tokens between them) or a PHRASE_BREAKS character stands
    between its first word's start and its last word's start (a phrase never runs across lines,
    list items, brackets or a colon).

    Keys are built from per-word pieces: fuzzy_key keeps characters one by one, so the key of
    text[a:c] is the key of text[a:b] followed by the key of text[b:c], and an n-gram's key is the
    key from its first word's start to the second word's start followed by the key of the rest."""
    # Segments: a phrase never runs across lines, list items, brackets or a colon.
    lines: list[int] = []
    line = previous = 0
    for _, start, _ in words:
        line += any(ch in PHRASE_BREAKS for ch in text[previous:start])
        lines.append(line)
        previous = start
    pieces = [fuzzy_key(text[w[1]:nxt[1]]) for w, nxt in zip(words, words[1:])]
    keys = [fuzzy_key(text[w[1]:w[2]]) for w in words]  # keys of the 1-grams, then of the 2-grams, ...
    # Short words likewise: they are runs of [a-z0-9] and only words hold such characters, so an
    # n-gram's short words are its words' short words, unless two of its words touch (no
    # character between them: a run may go on from one into the next). Then: unknown (None).
    word_shorts = [short_words(text[w[1]:w[2]]) for w in words]
    touching = [w[2] >= nxt[1] for w, nxt in zip(words, words[1:])]
    shorts: list[frozenset[str] | None] = list(word_shorts)
    out: dict[int, _Grams] = {}
    for n in range(1, max(sizes, default=0) + 1):
        if n > 1:
            keys = [piece + key for piece, key in zip(pieces, keys[1:])]
            shorts = [None if touch or rest is None else (mine | rest if mine and rest else mine or rest)
                      for touch, mine, rest in zip(touching, word_shorts, shorts[1:])]
        if n not in sizes:
            continue
        spans: list[tuple[int, int]] = []
        by_length: dict[int, dict[frozenset[str] | None, dict[str, list[int]]]] = {}
        for i, key in enumerate(keys):
            first, last = words[i], words[i + n - 1]
            if last[0] - first[0] > 2 * n or lines[i] != lines[i + n - 1]:
                continue  # words far apart (punctuation between), or in different segments: not a phrase
            by_length.setdefault(len(key), {}).setdefault(shorts[i], {}).setdefault(key, []).append(len(spans))
            spans.append((first[1], last[2]))
        out[n] = _Grams(spans, by_length)
    return out


_SHORT_WORD = re.compile(r"(?<![a-z0-9])(?=[a-z0-9]{0,3}[a-z])[a-z0-9]{1,4}(?![a-z0-9])")  # 1-4 chars, at least one letter


def short_words(text: str) -> frozenset[str]:
    """Acronym-sized words ("APM", "MoP", "PMO"): a fuzzy match must keep them exactly, or
    "MSP Foundation" would pass for "MoP Foundation" and "Professional" for "APM Professional"."""
    return frozenset(_SHORT_WORD.findall(text.lower()))


def fuzzy_hits(doc: "Doc", index: FuzzyIndex, text: str | None = None) -> list[FuzzyHit]:
    """Each group of aliases of n words meets the text's n-grams of n-1, n and n+1 words; a hit
    scores at least its term's cut-off and keeps the alias's short words exactly. `text` is
    doc.text when the caller has it (a Doc rebuilds its text on each access)."""
    from rapidfuzz import fuzz, process

    text = doc.text if text is None else text
    words = _words(doc, text)
    sizes_of = {n: sorted({max(1, n - 1), n, n + 1}) for n in index.by_words}
    by_size = _grams_by_size(text, words, {size for sizes in sizes_of.values() for size in sizes})
    # (group, n-gram's position in the group's queries, key, score, n-gram span): sorted, the
    # order in which one full queries x keys matrix per group would list them
    found: list[tuple[int, int, int, float, tuple[int, int]]] = []
    for group, (n, (keys, meta)) in enumerate(index.by_words.items()):
        offsets: dict[int, int] = {}
        position = 0
        for size in sizes_of[n]:  # the group's queries: these sizes' n-grams one after the other
            offsets[size] = position
            position += len(by_size[size].spans)
        cutoff = min(m[2] for m in meta)
        for length in {length for size in offsets for length in by_size[size].by_length}:
            near_by_shorts = index.keys_near(n, length)
            if not near_by_shorts:
                continue
            for shorts in {shorts for size in offsets for shorts in by_size[size].by_length.get(length, ())}:
                near = near_by_shorts.get(shorts)
                if not near:
                    continue
                rows = [(size, key) for size in offsets for key in by_size[size].by_length.get(length, {}).get(shorts, ())]
                scores = process.cdist([key for _, key in rows], [keys[i] for i in near], scorer=fuzz.ratio,
                                       score_cutoff=cutoff, dtype="uint8")
                for row, col in zip(*scores.nonzero()):
                    size, key = rows[row]
                    sized = by_size[size]
                    found += [(group, offsets[size] + gi, near[col], float(scores[row, col]), sized.spans[gi])
                              for gi in sized.by_length[length][shorts][key]]
    groups = list(index.by_words.values())
    hits: list[FuzzyHit] = []
    for group, _, ai, score, (start, end) in sorted(found, key=lambda f: f[:3]):
        term_id, alias, term_cutoff = groups[group][1][ai]
        if score < term_cutoff:
            continue
        if short_words(text[start:end]) != short_words(alias):
            continue
        hits.append(FuzzyHit(term_id, alias, start, end, score))
    return hits
