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
are): the test is one array lookup per n-gram size over the whole text (FuzzyIndex.reachable),
not a Python step per n-gram. The n-grams left are scored in one `process.cdist` call per group,
key length and short words (identical keys once), or, for the many small ones, all together in
one `process.cpdist` call; the hits of each n-gram (short words, size, key) are remembered for
later documents. The hits are those that scoring every n-gram against every alias gives
(tests/test_speedups.py compares them).
"""
from __future__ import annotations

import re
import string
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import combinations, repeat
from typing import TYPE_CHECKING, Any, NamedTuple

from .normalise import fuzzy_key, short_words

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from ..lexicon import Lexicon
    from .phrases import Words

MIN_ALIAS_CHARS = 7  # short strings ("PMP", "CSM") are too easy to hit by accident
MAX_NGRAM = 5
PHRASE_BREAKS = frozenset("\n:;|•()[],")
# n-grams (short words, size, key) whose hits are remembered, in all: about 1.6 MB of Python
# objects in a worker (a key and an entry each; most hit nothing and share the empty tuple)
MAX_REMEMBERED = 15_000
MAX_UNION_TABLE = 2048  # sets of short words the table of their unions is kept for (int16: 8 MB at most)
SMALL_CALL = 24  # score a group's n-grams of one length and short words by cpdist below this many pairs

Hits = tuple[tuple[int, int, float], ...]  # (group, key index in the group, score) of one n-gram


class FuzzyHit(NamedTuple):  # (not a frozen dataclass: see resolve.Candidate)
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

    __slots__ = ("cutoff", "group", "indices", "keys", "length", "shorts")

    def __init__(self, group: int, length: int, shorts: frozenset[str], indices: list[int], keys: list[str], cutoff: float) -> None:
        self.group, self.length, self.shorts = group, length, shorts
        self.indices, self.keys, self.cutoff = indices, keys, cutoff


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
    # every subset of an alias's short words -> its number (from 1; 0 is "none": no alias has them)
    _ids: dict[frozenset[str], int] = field(default_factory=dict, compare=False, repr=False)
    _sets: list[frozenset[str]] = field(default_factory=list, compare=False, repr=False)  # number -> short words
    _union_table: list[Any] = field(default_factory=list, compare=False, repr=False)  # [the array of unions()]
    _reachable: list[Any] = field(default_factory=list, compare=False, repr=False)  # [the array of reachable()]
    # the hits of the n-grams scored, for every later document too (headings, skills and stock
    # phrases recur from CV to CV): short words' number * 8 + size -> key -> hits; see remember
    _memo: dict[int, dict[str, Hits]] = field(default_factory=dict, compare=False, repr=False)
    _remembered: list[int] = field(default_factory=lambda: [0], compare=False, repr=False)  # n-grams _memo holds

    def remember(self, scored: dict[tuple[int, int, str], Hits]) -> None:
        """Keep the hits of the n-grams just scored; past MAX_REMEMBERED n-grams all are
        forgotten (bounded memory, for a long batch or the web app: scoring again is harmless)."""
        if self._remembered[0] + len(scored) > MAX_REMEMBERED:
            self._memo.clear()
            self._remembered[0] = 0
        memo = self._memo
        for (shorts, size, key), hits in scored.items():
            table = memo.get(shorts * 8 + size)
            if table is None:
                table = memo[shorts * 8 + size] = {}
            table[key] = hits
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

    def short_ids(self) -> dict[frozenset[str], int]:
        """Every subset of the short words of an alias -> its number (from 1): an n-gram with
        other short words (number 0) can match no alias, nor can any n-gram that holds it."""
        if not self._ids:
            parts: set[frozenset[str]] = set()
            for shorts in self.alias_shorts():
                items = sorted(shorts)
                parts.update(frozenset(c) for k in range(len(items) + 1) for c in combinations(items, k))
            self._sets.append(_DEAD)
            for shorts in sorted(parts, key=sorted):
                self._ids[shorts] = len(self._sets)
                self._sets.append(shorts)
        return self._ids

    def short_parts(self) -> set[frozenset[str]]:
        """Every subset of the short words of an alias (see short_ids)."""
        return set(self.short_ids())

    def short_set(self, number: int) -> frozenset[str]:
        """The short words numbered `number` by short_ids (0: _DEAD)."""
        self.short_ids()
        return self._sets[number]

    def union(self, a: int, b: int) -> int:
        """The number of the union of two numbered sets of short words (0 if no alias has it)."""
        return self.short_ids().get(self._sets[a] | self._sets[b], 0)

    def unions(self, a: Any, b: Any) -> Any:
        """union() of each pair of two arrays of numbers, read in one lookup from a table of every
        pair (558 x 558 for the shipped lexicon, 0.6 MB) filled in as pairs are first met. A
        lexicon with more than MAX_UNION_TABLE sets of short words works them out pair by pair."""
        import numpy

        if not self._union_table:
            size = len(self.short_ids()) + 1
            self._union_table.append(numpy.full((size, size), -1, dtype=numpy.int16) if size <= MAX_UNION_TABLE else None)
        table = self._union_table[0]
        if table is None:
            return numpy.array([self.union(x, y) for x, y in zip(a.tolist(), b.tolist())], dtype=numpy.int64)
        found = table[a, b]
        if found.min() < 0:  # pairs not met before
            for i in numpy.flatnonzero(found < 0).tolist():
                found[i] = table[a[i], b[i]] = self.union(int(a[i]), int(b[i]))
        return found

    def reachable(self) -> Any:
        """A boolean array [short words' number, n-gram size, key length]: whether an n-gram of
        that size, short words and key length meets any bucket (tables(shorts)[size] has the
        length). The last length stands for every longer one (never reachable)."""
        if not self._reachable:
            import numpy

            ids = self.short_ids()
            rows = [(ids[shorts], size, lo, hi) for shorts, keys in self.alias_shorts().items()
                    for _, n, lo, hi, _ in keys for size in sizes_for(n)]
            width = max((row[3] for row in rows), default=0) + 2  # lengths 0 to the longest reachable + 1
            # Filled in place, one length interval at a time (1-2 ms, once): no large temporaries.
            flags = bytearray((len(ids) + 1) * (MAX_NGRAM + 2) * width)
            for number, size, lo, hi in rows:
                at = (number * (MAX_NGRAM + 2) + size) * width
                flags[at + lo:at + hi + 1] = b"\1" * (hi + 1 - lo)
            self._reachable.append(numpy.frombuffer(flags, dtype=numpy.bool_).reshape(len(ids) + 1, MAX_NGRAM + 2, width))
        return self._reachable[0]

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


class _Grams(NamedTuple):
    """The candidate n-grams of one size, column by column (a tuple per n-gram cost more than
    the rest of their making): n-gram j is word firsts[j] to word firsts[j] + size - 1."""

    size: int  # words
    firsts: list[int]  # index of each one's first word
    keys: list[str]
    shorts: list[int]  # their short words' numbers (FuzzyIndex.short_ids)


_DEAD = frozenset({"\0"})  # the short words of an n-gram that no alias's hold (never a real short word)


def _candidate_grams(text: str, words: "Words", index: FuzzyIndex) -> list[_Grams]:
    """The n-grams that could match an alias, per size: of 1 to MAX_NGRAM + 1 words, phrases,
    and with a key length and short words that some alias of a group meeting their size allows
    (FuzzyIndex.reachable). `words`: DocInfo.words.

    An n-gram is text[first word's start:last word's end]; it is a phrase unless its words are far
    apart (punctuation tokens between them) or a PHRASE_BREAKS character stands between its first
    word's start and its last word's start (a phrase never runs across lines, list items, brackets
    or a colon).

    Keys are cut from one string: fuzzy_key keeps characters one by one, so the key of text[a:c]
    is the key of text[a:b] followed by the key of text[b:c], and the key of any n-gram is a slice
    of the key of the whole text, from the number of key characters before its start to the number
    before its end (counted for every offset at once, _text_key; so its length is known before it
    is cut). Short
    words likewise: they are runs of [a-z0-9] and only words hold such characters, so an n-gram's
    short words are its first word's and those of the rest, unless the first two touch (no
    character between them: a run may go on from one into the next); then they are found in its
    text. An n-gram whose short words are in no alias's is dead, and so is every longer one that
    holds it. The short words are worked out size by size, one pass of array operations over every
    position each; the rest is one pass over the n-grams of every size."""
    count = len(words.tokens)
    if not count or not index.by_words:
        return []
    import numpy

    tokens, starts, ends, word_shorts = words
    classes = _CHAR_CLASS.take(numpy.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=numpy.uint32), mode="clip")
    joined, key_before = _text_key(classes)
    breaks_before = _prefix_counts(classes == _BREAK)
    first, last = numpy.array(starts), numpy.array(ends)
    key_from, key_to = key_before[first], key_before[last]  # each word's key in joined
    offsets, key_ends = key_from.tolist(), key_to.tolist()
    touching = numpy.flatnonzero(last[:-1] >= first[1:]).tolist()
    ids = index.short_ids()
    reachable = index.reachable()
    longest = reachable.shape[2] - 1  # stands for every length past the longest reachable
    empty = ids[frozenset()]
    tok = numpy.array(tokens)
    seg = breaks_before[first]  # segment of each word: two words share one when no break is between them
    word_ids = numpy.fromiter(map(ids.get, word_shorts, repeat(0)), dtype=numpy.int64, count=count)
    empty_word = word_ids == empty
    plain_word = ~empty_word & (word_ids != 0)  # short words some alias has
    per_size = [word_ids]  # the short words of the n-grams of each size, from those of the size below
    for size in range(2, MAX_NGRAM + 2):
        n, up = count - size + 1, size - 1
        if n <= 0:
            break
        mine, rest = word_ids[:n], per_size[-1][1:n + 1]
        gram_ids = numpy.where(empty_word[:n], rest, numpy.where(rest == empty, mine, 0))  # 0 stays 0: dead
        both = numpy.flatnonzero(plain_word[:n] & (rest != empty) & (rest != 0))
        if len(both):
            gram_ids[both] = index.unions(mine[both], rest[both])
        for i in touching:
            if i < n:
                gram_ids[i] = ids.get(short_words(text[starts[i]:ends[i + up]]), 0)
        per_size.append(gram_ids)
    # Every n-gram of every size at once (a numpy call costs more than its work on a CV's words):
    # with short words and a key length some alias allows; then phrases (words not far apart: no
    # run of punctuation tokens between them; one segment).
    counts = [len(g) for g in per_size]
    size_of = numpy.repeat(numpy.arange(1, len(per_size) + 1), counts)
    first = numpy.arange(len(size_of)) - numpy.repeat(numpy.cumsum([0] + counts[:-1]), counts)
    last = first + size_of - 1
    gram_ids = numpy.concatenate(per_size)
    keep = reachable[gram_ids, size_of, numpy.minimum(key_to[last] - key_from[first], longest)]
    keep &= (tok[last] - tok[first] <= 2 * size_of) & (seg[last] == seg[first])
    out: list[_Grams] = []
    chosen = numpy.flatnonzero(keep)
    bounds = numpy.searchsorted(chosen, numpy.cumsum(counts)).tolist()  # where each size's n-grams end in chosen
    firsts, shorts = first[chosen].tolist(), gram_ids[chosen].tolist()
    for size, lo, hi in zip(range(1, len(per_size) + 1), [0] + bounds, bounds):
        if hi > lo:
            at, up = firsts[lo:hi], size - 1
            out.append(_Grams(size, at, [joined[offsets[i]:key_ends[i + up]] for i in at], shorts[lo:hi]))
    return out


def _char_table(values: dict[str, int]) -> Any:
    """A byte per code point up to the highest of `values` (0 for the others, and one past it for
    every higher code point: numpy's take clips to it)."""
    import numpy

    table = numpy.zeros(max(map(ord, values)) + 2, dtype=numpy.uint8)
    for char, value in values.items():
        table[ord(char)] = value
    return table


# What each character is to typo matching: the (ASCII) character fuzzy_key keeps of it, its
# lower case ("İ" gives "i" and a dot, the Kelvin sign "k"; tests/test_speedups.py checks every
# code point); _BREAK for PHRASE_BREAKS; 0 for the others.
_BREAK = 1
_CHAR_CLASS = _char_table({c: ord(fuzzy_key(c)) for c in string.ascii_letters + string.digits + "+\u0130\u212a"}
                          | dict.fromkeys(PHRASE_BREAKS, _BREAK))


def _text_key(classes: Any) -> tuple[str, Any]:
    """fuzzy_key of a text given as its characters' _CHAR_CLASS, and for each offset 0..len(text)
    the number of its key's characters before that offset (so the key of text[a:b] is
    key[before[a]:before[b]])."""
    flags = classes > _BREAK
    return classes[flags].tobytes().decode("ascii"), _prefix_counts(flags)


def _prefix_counts(flags: Any) -> Any:
    """For each offset 0..len(flags), how many flags before it are set."""
    import numpy

    counts = numpy.zeros(len(flags) + 1, dtype=numpy.int64)
    numpy.cumsum(flags, dtype=numpy.int64, out=counts[1:])
    return counts


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


def _score(index: FuzzyIndex, grams: dict[tuple[int, int, str], None]) -> dict[tuple[int, int, str], Hits]:
    """The hits of n-grams (short words' number, size, key) not scored before: each key once per
    bucket it meets (n-grams of two sizes may share one); of the buckets with few pairs, all in
    one cpdist call (per cut-off), else one cdist call per bucket."""
    found: dict[tuple[int, int, str], list[tuple[int, int, float]]] = {gram: [] for gram in grams}
    queries_of: dict[_Bucket, dict[str, list[list[tuple[int, int, float]]]]] = {}  # bucket -> key -> the hit lists it feeds
    tables_of: dict[int, tuple[dict[int, tuple[_Bucket, ...]], ...]] = {}  # short words' number -> their tables
    for gram, hits in found.items():
        shorts, size, key = gram
        tables = tables_of.get(shorts)
        if tables is None:
            tables = index.tables(index.short_set(shorts))
            assert tables is not None  # reachable() kept only n-grams with an alias's short words
            tables_of[shorts] = tables
        for bucket in tables[size][len(key)]:
            queries_of.setdefault(bucket, {}).setdefault(key, []).append(hits)
    small: dict[float, tuple[list[str], list[str], list[tuple[int, _Bucket, list[list[tuple[int, int, float]]]]]]] = {}
    for bucket, queries in queries_of.items():
        keys, width = list(queries), len(bucket.keys)
        if len(keys) * width < SMALL_CALL:
            left, right, where = small.setdefault(bucket.cutoff, ([], [], []))
            for key in keys:
                where.append((len(left), bucket, queries[key]))  # its pairs start there
                left.extend([key] * width)
                right.extend(bucket.keys)
            continue
        scores = _cdist(keys, bucket.keys, bucket.cutoff)
        if scores.strip(b"\0"):
            for cell in _NONZERO.finditer(scores):
                row, col = divmod(cell.start(), width)
                hit = (bucket.group, bucket.indices[col], float(scores[cell.start()]))
                for hits in queries[keys[row]]:
                    hits.append(hit)
    for cutoff, (left, right, where) in small.items():
        scores = _cpdist(left, right, cutoff)
        firsts = [w[0] for w in where]
        for cell in _NONZERO.finditer(scores):
            pair = cell.start()
            first, bucket, fed = where[bisect_right(firsts, pair) - 1]
            hit = (bucket.group, bucket.indices[pair - first], float(scores[pair]))
            for hits in fed:
                hits.append(hit)
    return {gram: tuple(hits) if hits else () for gram, hits in found.items()}


def fuzzy_hits(doc: "Doc", index: FuzzyIndex, text: str | None = None) -> list[FuzzyHit]:
    """Each group of aliases of n words meets the text's n-grams of n-1, n and n+1 words; a hit
    scores at least its term's cut-off and keeps the alias's short words exactly. `text` is
    doc.text when the caller has it (a Doc rebuilds its text on each access). Hits are in the
    order one full queries x keys matrix per group would list them: by group, n-gram size,
    position, key."""
    text = doc.text if text is None else text
    from .phrases import doc_info

    words = doc_info(doc).words
    memo = index._memo
    found: list[tuple[int, int, Hits]] = []  # (first word, size, hits) of each n-gram with some
    new: list[tuple[int, int, str, int]] = []  # (first word, size, key, short words) of those not scored before
    for grams in _candidate_grams(text, words, index):
        size = grams.size
        for first, key, shorts in zip(grams.firsts, grams.keys, grams.shorts):
            table = memo.get(shorts * 8 + size)
            hits = None if table is None else table.get(key)
            if hits is None:
                new.append((first, size, key, shorts))
            elif hits:
                found.append((first, size, hits))
    if new:
        scored = _score(index, dict.fromkeys((shorts, size, key) for _, size, key, shorts in new))
        index.remember(scored)
        found += [(first, size, hits) for first, size, key, shorts in new if (hits := scored[shorts, size, key])]
    groups = list(index.by_words.values())
    out: list[FuzzyHit] = []
    # (group, size, first word, key) is one pair of one n-gram and one alias: sorted as the matrices list them
    for group, size, first, key_index, score in sorted((group, size, first, key_index, score) for first, size, hits in found
                                                       for group, key_index, score in hits):
        term_id, alias, term_cutoff = groups[group][1][key_index]
        if score < term_cutoff:
            continue
        start, end = words.starts[first], words.ends[first + size - 1]
        if short_words(text[start:end]) != short_words(alias):
            continue
        out.append(FuzzyHit(term_id, alias, start, end, score))
    return out
