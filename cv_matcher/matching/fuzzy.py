"""Typo-tolerant matching with rapidfuzz, designed for speed.

Only aliases of terms marked fuzzy (certifications, tools, titles by default) take part, each
compared with text n-grams of about its own number of words. Strings are compared without spaces
or punctuation, so "Prince 2 Practioner" meets "PRINCE2 Practitioner" and "MS-Project" meets
"MS Project".

Speed: an n-gram is only scored against the aliases it could match. `fuzz.ratio` can only reach
a cut-off c when the lengths are close enough (|a - b| <= (1 - c/100)(a + b), as every extra
character costs one edit), and a hit must have the alias's short words exactly. So the index
keeps, per n-gram size, short words and key length, the aliases (by group) that such an n-gram
could match, and an n-gram with none is dropped before its key is even cut from the text (most
are). The n-grams left are scored in one `process.cdist` call per group, key length and short
words (identical keys once), or, for the many small ones, all together in one `process.cpdist`
call. The hits are those that scoring every n-gram against every alias gives
(tests/test_speedups.py compares them).
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate, combinations
from typing import TYPE_CHECKING, Any, NamedTuple

from .normalise import fuzzy_key, short_words

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from ..lexicon import Lexicon

MIN_ALIAS_CHARS = 7  # short strings ("PMP", "CSM") are too easy to hit by accident
MAX_NGRAM = 5
PHRASE_BREAKS = frozenset("\n:;|•()[],")
_PHRASE_BREAK = re.compile("[" + re.escape("".join(sorted(PHRASE_BREAKS))) + "]")
MAX_REMEMBERED = 15_000  # n-gram keys whose hits the buckets remember, in all (about 10 MB in a worker)
SMALL_CALL = 24  # score a group's n-grams of one length and short words by cpdist below this many pairs


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


def sizes_for(n: int) -> list[int]:
    """The n-gram sizes that meet a group of aliases of n words: n-1, n and n+1 words."""
    return sorted({max(1, n - 1), n, n + 1})


class _Bucket:
    """A group's keys that an n-gram of one key length and one set of short words could match."""

    __slots__ = ("cutoff", "group", "indices", "keys", "length", "seen", "shorts")

    def __init__(self, group: int, length: int, shorts: frozenset[str], indices: list[int], keys: list[str], cutoff: float) -> None:
        self.group, self.length, self.shorts = group, length, shorts
        self.indices, self.keys, self.cutoff = indices, keys, cutoff
        # n-gram key -> its hits here, (column, score): scored once, for every later document too
        # (headings, skills and stock phrases recur from CV to CV); see FuzzyIndex.remember
        self.seen: dict[str, tuple[tuple[int, float], ...]] = {}


@dataclass(frozen=True)
class FuzzyIndex:
    by_words: dict[int, tuple[list[str], list[tuple[str, str, float]]]]  # n words -> (keys, (term, alias, cutoff))
    # Built on first use: short words -> the keys of aliases with them: (group, n words, the
    # query lengths that can reach the key (lo, hi), its index in the group)
    _keys: dict[frozenset[str], list[tuple[int, int, int, int, int]]] = field(default_factory=dict, compare=False, repr=False)
    # short words -> per n-gram size, key length -> the _Buckets of the groups such an n-gram meets
    _tables: dict[frozenset[str], tuple[dict[int, tuple[_Bucket, ...]], ...]] = field(default_factory=dict, compare=False, repr=False)
    _bucket_of: dict[tuple[int, int, frozenset[str]], _Bucket] = field(default_factory=dict, compare=False, repr=False)
    _cutoffs: list[float] = field(default_factory=list, compare=False, repr=False)
    _parts: set[frozenset[str]] = field(default_factory=set, compare=False, repr=False)
    _remembered: list[int] = field(default_factory=lambda: [0], compare=False, repr=False)  # keys the buckets hold

    def remember(self, scored: dict[tuple[_Bucket, str], tuple[_Gram, list[tuple[int, float]]]]) -> None:
        """Keep the hits of the keys just scored in their buckets; past MAX_REMEMBERED keys every
        bucket forgets (bounded memory, for a long batch or the web app: scoring again is harmless)."""
        if self._remembered[0] + len(scored) > MAX_REMEMBERED:
            for bucket in self._bucket_of.values():
                bucket.seen.clear()
            self._remembered[0] = 0
        for (bucket, key), (_, hits) in scored.items():
            bucket.seen[key] = tuple(hits)
        self._remembered[0] += len(scored)

    def tables(self, shorts: frozenset[str]) -> tuple[dict[int, tuple[_Bucket, ...]], ...] | None:
        """For n-grams with these short words: per size (0 to MAX_NGRAM + 1 words), key length ->
        the buckets (one per group that meets this size) of the keys they could match (see
        _reaches). None when no alias has these short words (a text's n-grams have endless others:
        only those of aliases are kept)."""
        found = self._tables.get(shorts)
        if found is None:
            keys = self.alias_shorts().get(shorts)
            if keys is None:
                return None
            by_size: list[dict[int, dict[int, list[int]]]] = [{} for _ in range(MAX_NGRAM + 2)]
            for group, n, lo, hi, index in keys:
                for size in sizes_for(n):
                    by_length = by_size[size]
                    for length in range(lo, hi + 1):
                        by_length.setdefault(length, {}).setdefault(group, []).append(index)
            found = self._tables[shorts] = tuple(
                {length: tuple(self._bucket(group, length, shorts, indices) for group, indices in sorted(groups.items()))
                 for length, groups in by_length.items()} for by_length in by_size)
        return found

    def alias_shorts(self) -> dict[frozenset[str], list[tuple[int, int, int, int, int]]]:
        """The short words of the aliases -> their keys (see _keys)."""
        if not self._keys:
            for group, (n, (keys, meta)) in enumerate(self.by_words.items()):
                for index, (key, (_, alias, cutoff)) in enumerate(zip(keys, meta)):
                    lo, hi = _reach(len(key), cutoff)
                    self._keys.setdefault(short_words(alias), []).append((group, n, lo, hi, index))
        return self._keys

    def short_parts(self) -> set[frozenset[str]]:
        """Every subset of the short words of an alias: an n-gram with other short words can
        match no alias, nor can any n-gram that holds it."""
        if not self._parts:
            for shorts in self.alias_shorts():
                items = sorted(shorts)
                self._parts.update(frozenset(c) for k in range(len(items) + 1) for c in combinations(items, k))
        return self._parts

    def _bucket(self, group: int, length: int, shorts: frozenset[str], indices: list[int]) -> _Bucket:
        """The one _Bucket of (group, key length, short words), shared by every n-gram size."""
        bucket = self._bucket_of.get((group, length, shorts))
        if bucket is None:
            keys, meta = list(self.by_words.values())[group]
            indices = sorted(set(indices))
            if not self._cutoffs:  # each group's lowest cut-off: its scores are computed with it
                self._cutoffs.extend(min(m[2] for m in meta) for _, meta in self.by_words.values())
            cutoff = self._cutoffs[group]  # each hit is checked against its own term's
            bucket = self._bucket_of[(group, length, shorts)] = _Bucket(group, length, shorts, indices, [keys[i] for i in indices], cutoff)
        return bucket



@lru_cache(maxsize=4096)
def _reach(size: int, cutoff: float) -> tuple[int, int]:
    """The query lengths (lo, hi) that can reach `cutoff` against a key of `size` characters: an
    interval around size. Start from its ends (solved without the 1e-9) and step until _reaches
    agrees."""
    slack = 1 - (cutoff - 0.5) / 100
    lo = max(0, int(size * (1 - slack) / (1 + slack)) - 2)
    while not _reaches(size, cutoff, lo):
        lo += 1
    hi = int(size * (1 + slack) / (1 - slack)) + 2 if slack < 1 else 10 * size + 10
    while not _reaches(size, cutoff, hi):
        hi -= 1
    return lo, hi


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
    from .phrases import doc_info

    return [w[:3] for w in doc_info(doc).words]


_key = lru_cache(maxsize=65536)(fuzzy_key)


class _Gram(NamedTuple):
    key: str
    size: int  # words
    first: int  # index of its first word
    start: int  # character offsets into the text
    end: int


def _candidate_grams(text: str, words: list[tuple[int, int, int, str, frozenset[str]]], index: FuzzyIndex) -> dict[_Bucket, list[_Gram]]:
    """The n-grams that could match an alias, by the buckets of keys they could match: of 1 to
    MAX_NGRAM + 1 words, phrases, and with a key length and short words that some alias of a group
    meeting their size allows. `words`: DocInfo.words.

    An n-gram is text[first word's start:last word's end]; it is a phrase unless its words are far
    apart (punctuation tokens between them) or a PHRASE_BREAKS character stands between its first
    word's start and its last word's start (a phrase never runs across lines, list items, brackets
    or a colon).

    Keys are cut from one string: fuzzy_key keeps characters one by one, so the key of text[a:c]
    is the key of text[a:b] followed by the key of text[b:c], and the key of any n-gram is a slice
    of the key of the text from the first word on (its length is known before it is cut). Short
    words likewise: they are runs of [a-z0-9] and only words hold such characters, so an n-gram's
    short words are its first word's and those of the rest, unless the first two touch (no
    character between them: a run may go on from one into the next); then they are found in its
    text. An n-gram whose short words are in no alias's is dead, and so is every longer one that
    holds it."""
    count = len(words)
    pending: dict[_Bucket, list[_Gram]] = defaultdict(list)
    if not count:
        return pending
    tokens, starts, ends, word_keys, word_shorts = (list(column) for column in zip(*words))
    breaks = [m.start() for m in _PHRASE_BREAK.finditer(text, 0, starts[-1])]
    # segment of each word: the breaks before its start (two words share one when none is between them)
    segments = [bisect_left(breaks, start) for start in starts] if breaks else [0] * count
    between = [_key(text[b:a]) if a - b > 1 or text[b:a] != " " else "" for b, a in zip(ends, starts[1:])] + [""]
    joined = "".join([k + g for k, g in zip(word_keys, between)])
    offsets = list(accumulate((len(k) + len(g) for k, g in zip(word_keys, between)), initial=0))  # of each word's key in joined
    key_ends = [o + len(k) for o, k in zip(offsets, word_keys)]
    touching = [i for i, (end, start) in enumerate(zip(ends, starts[1:])) if end >= start]
    tables_of, alias_shorts = index._tables, index.alias_shorts()
    parts = index.short_parts()  # every subset of an alias's short words
    dead = _DEAD
    shorts = [sh if sh in parts else dead for sh in word_shorts]
    shorts_1 = shorts  # the single words' short words: each n-gram's are built from them and the size below
    for size in range(1, MAX_NGRAM + 2):
        span, up = 2 * size, size - 1
        if size > 1:  # the short words of each n-gram of this size, from those of the size below
            shorts = [dead if rest is dead or mine is dead else rest if not mine else mine if not rest
                      else union if (union := mine | rest) in parts else dead
                      for mine, rest in zip(shorts_1, shorts[1:])]
            for i in touching:
                if i + up < count:
                    found = short_words(text[starts[i]:ends[i + up]])
                    shorts[i] = found if found in parts else dead
        for gram_shorts in set(shorts).difference(tables_of):
            if gram_shorts in alias_shorts:
                index.tables(gram_shorts)
        # with short words and a key length some alias allows; then phrases (words not far apart:
        # no run of punctuation tokens between them; one segment)
        for i, buckets in [(i, buckets) for i, gram_shorts, offset, key_end in zip(range(count), shorts, offsets, key_ends[up:])
                           if (tables := tables_of.get(gram_shorts)) is not None
                           and (buckets := tables[size].get(key_end - offset)) is not None]:
            last = i + up
            if tokens[last] - tokens[i] > span or segments[i] != segments[last]:
                continue
            gram = _Gram(joined[offsets[i]:key_ends[last]], size, i, starts[i], ends[last])
            for bucket in buckets:
                pending[bucket].append(gram)
    return pending


_DEAD = frozenset({"\0"})  # the short words of an n-gram that no alias's hold (never a real short word)


_NONZERO = re.compile(rb"[^\0]")


def _cdist(queries: list[str], keys: list[str], cutoff: float) -> bytes:
    """`process.cdist(queries, keys, scorer=fuzz.ratio, score_cutoff=cutoff, dtype="uint8")`,
    row by row as bytes. rapidfuzz's own wrapper costs twice the call it wraps (it converts the
    dtype and makes a numpy array each time), and most calls find nothing: its C function is
    called directly where it is there."""
    from rapidfuzz import fuzz

    cdist, _, uint8 = _rapidfuzz_impl()
    if uint8 is None:
        import numpy

        return numpy.asarray(cdist(queries, keys, scorer=fuzz.ratio, score_cutoff=cutoff, dtype="uint8")).tobytes()
    return bytes(memoryview(cdist(queries, keys, scorer=fuzz.ratio, score_cutoff=cutoff, dtype=uint8)))


def _cpdist(left: list[str], right: list[str], cutoff: float) -> bytes:
    """`process.cpdist(left, right, ...)` (pair by pair) as bytes, as _cdist."""
    from rapidfuzz import fuzz

    _, cpdist, uint8 = _rapidfuzz_impl()
    if uint8 is None:
        import numpy

        return numpy.asarray(cpdist(left, right, scorer=fuzz.ratio, score_cutoff=cutoff, dtype="uint8")).tobytes()
    return bytes(memoryview(cpdist(left, right, scorer=fuzz.ratio, score_cutoff=cutoff, dtype=uint8)))


@lru_cache(maxsize=1)
def _rapidfuzz_impl() -> tuple[Any, Any, Any]:
    """(cdist, cpdist, UINT8): rapidfuzz's C implementation and its dtype code, or its public
    functions and None where that module is not there (another rapidfuzz build)."""
    try:
        from rapidfuzz.process_cpp_impl import UINT8, cdist, cpdist
        return cdist, cpdist, UINT8
    except ImportError:
        from rapidfuzz import process

        return process.cdist, process.cpdist, None


def _note(scored: dict[tuple[_Bucket, str], tuple[_Gram, list[tuple[int, float]]]], bucket: _Bucket, gram: _Gram,
          col: int, score: float) -> None:
    """Keep a hit for the bucket's memory of its key, from the first n-gram with that key only."""
    first, hits = scored[bucket, gram.key]
    if first is gram:
        hits.append((col, score))


def fuzzy_hits(doc: "Doc", index: FuzzyIndex, text: str | None = None) -> list[FuzzyHit]:
    """Each group of aliases of n words meets the text's n-grams of n-1, n and n+1 words; a hit
    scores at least its term's cut-off and keeps the alias's short words exactly. `text` is
    doc.text when the caller has it (a Doc rebuilds its text on each access). Hits are in the
    order one full queries x keys matrix per group would list them: by group, n-gram size,
    position, key."""
    text = doc.text if text is None else text
    from .phrases import doc_info

    pending = _candidate_grams(text, doc_info(doc).words, index)
    found: list[tuple[int, int, int, int, float, _Gram]] = []  # (group, size, first word, key, score, n-gram)

    def add(bucket: _Bucket, gram: _Gram, col: int, score: float) -> None:
        key_index = bucket.indices[col]
        found.append((bucket.group, gram.size, gram.first, key_index, score, gram))

    # Keys scored before (in this document or an earlier one) are not scored again; of the rest,
    # few pairs: one cpdist call for all of them (per cut-off); else one cdist call per bucket.
    small: dict[float, tuple[list[str], list[str], list[tuple[int, _Bucket, _Gram]]]] = {}
    # the keys scored now: the first n-gram with each (a key met twice is scored twice), its hits
    scored: dict[tuple[_Bucket, str], tuple[_Gram, list[tuple[int, float]]]] = {}
    for bucket, grams in pending.items():
        seen = bucket.seen
        fresh = []
        for gram in grams:
            known = seen.get(gram.key)
            if known is None:
                fresh.append(gram)
                scored.setdefault((bucket, gram.key), (gram, []))
            else:
                for col, score in known:
                    add(bucket, gram, col, score)
        if not fresh:
            continue
        keys = bucket.keys
        if len(fresh) * len(keys) < SMALL_CALL:
            left, right, where = small.setdefault(bucket.cutoff, ([], [], []))
            width = len(keys)
            for gram in fresh:
                where.append((len(left), bucket, gram))  # its pairs start there
                left.extend([gram.key] * width)
                right.extend(keys)
            continue
        scores = _cdist([gram.key for gram in fresh], keys, bucket.cutoff)
        if scores.strip(b"\0"):
            width = len(keys)
            for cell in _NONZERO.finditer(scores):
                row, col = divmod(cell.start(), width)
                _note(scored, bucket, fresh[row], col, float(scores[cell.start()]))
                add(bucket, fresh[row], col, float(scores[cell.start()]))
    for cutoff, (left, right, where) in small.items():
        scores = _cpdist(left, right, cutoff)
        firsts = [w[0] for w in where]
        for cell in _NONZERO.finditer(scores):
            pair = cell.start()
            first, bucket, gram = where[bisect_right(firsts, pair) - 1]
            _note(scored, bucket, gram, pair - first, float(scores[pair]))
            add(bucket, gram, pair - first, float(scores[pair]))
    index.remember(scored)
    groups = list(index.by_words.values())
    hits: list[FuzzyHit] = []
    for group, _, _, key_index, score, gram in sorted(found, key=lambda f: f[:4]):
        term_id, alias, term_cutoff = groups[group][1][key_index]
        if score < term_cutoff:
            continue
        if short_words(text[gram.start:gram.end]) != short_words(alias):
            continue
        hits.append(FuzzyHit(term_id, alias, gram.start, gram.end, score))
    return hits
