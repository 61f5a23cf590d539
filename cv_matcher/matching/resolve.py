"""The overlap policy, in one place.

1. Exact and alias spans: the longest wins, then the earliest.
2. A fuzzy span is dropped where an exact span of the same term overlaps it (the exact one is
   better evidence); among fuzzy spans the best score wins, then the shortest.
3. A fuzzy span that strictly contains exact spans of other terms is more specific and beats
   them ("Prince 2 Practioner" is the Practitioner exam, not just "Prince 2").
4. Otherwise fuzzy spans only fill text that no exact span claimed.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from typing import NamedTuple


class Candidate(NamedTuple):
    """A term found at [start, end) before the overlap policy. A NamedTuple, not a frozen
    dataclass: a document makes a hundred or so, and a frozen dataclass sets each field through
    object.__setattr__ (three times the cost)."""

    term_id: str
    start: int
    end: int
    method: str  # exact | alias | fuzzy
    alias: str
    score: float = 100.0

    def overlaps(self, other: "Candidate") -> bool:
        return self.start < other.end and other.start < self.end

    def strictly_contains(self, other: "Candidate") -> bool:
        return self.start <= other.start and other.end <= self.end and (self.end - self.start) > (other.end - other.start)


class _Spans:
    """Non-overlapping, non-empty spans sorted by start (so their ends are sorted too): whether
    [start, end) overlaps one of them is a question about one neighbour, found by bisection.
    Comparing every candidate with every span was quadratic: a 150 KB document with thousands of
    findings took half a minute."""

    def __init__(self, spans: list[Candidate]) -> None:
        ordered = sorted(spans, key=lambda c: c.start)
        self.starts = [c.start for c in ordered]
        self.ends = [c.end for c in ordered]

    def overlaps(self, cand: Candidate) -> bool:
        i = bisect_left(self.starts, cand.end)  # the spans that start before cand ends
        return i > 0 and self.ends[i - 1] > cand.start

    def add(self, cand: Candidate) -> None:  # only a span that overlaps none of them
        i = bisect_left(self.starts, cand.end)
        self.starts.insert(i, cand.start)
        self.ends.insert(i, cand.end)


def _greedy(ordered: list[Candidate], taken: list[Candidate]) -> None:
    if any(c.start >= c.end for c in ordered) or any(t.start >= t.end for t in taken):
        for cand in ordered:  # an empty span "overlaps" differently: the plain rule
            if not any(cand.overlaps(t) for t in taken):
                taken.append(cand)
        return
    spans = _Spans(taken)  # `taken` never holds overlapping spans: every call keeps it that way
    for cand in ordered:
        if not spans.overlaps(cand):
            spans.add(cand)
            taken.append(cand)


def _merge_same_term(exact: list[Candidate]) -> list[Candidate]:
    """Overlapping spans of one term become one span ("Set up the PMO" + "PMO from scratch")."""
    out: list[Candidate] = []
    for cand in sorted(exact, key=lambda c: (c.term_id, c.start, -c.end)):
        last = out[-1] if out else None
        if last is not None and last.term_id == cand.term_id and cand.start < last.end:
            if cand.end > last.end:
                out[-1] = Candidate(last.term_id, last.start, cand.end, last.method, last.alias, last.score)
            continue
        out.append(cand)
    return out


def _spans_by_term(exact: list[Candidate], terms: set[str]) -> dict[str, "_Spans | list[Candidate]"]:
    """Exact spans per term, for the given terms (those of fuzzy candidates: no other is asked);
    once merged, the spans of one term never overlap each other."""
    grouped: dict[str, list[Candidate]] = {}
    for e in exact:
        if e.term_id in terms:
            grouped.setdefault(e.term_id, []).append(e)
    return {term: spans if any(e.start >= e.end for e in spans) else _Spans(spans) for term, spans in grouped.items()}


def _overlaps_any(spans: "_Spans | list[Candidate] | None", cand: Candidate) -> bool:
    if spans is None:
        return False
    if isinstance(spans, list):  # holds an empty span: the plain rule
        return any(e.overlaps(cand) for e in spans)
    return spans.overlaps(cand)


class _Nearby:
    """The exact spans that can overlap or lie inside a given span: those starting at most the
    longest exact span's length before it, up to its end."""

    def __init__(self, exact: list[Candidate]) -> None:
        self.spans = sorted(exact, key=lambda c: c.start)
        self.starts = [c.start for c in self.spans]
        self.longest = max((c.end - c.start for c in exact), default=0)

    def around(self, span: Candidate) -> list[Candidate]:
        lo = bisect_left(self.starts, span.start - self.longest)
        hi = bisect_right(self.starts, span.end)
        return self.spans[lo:hi]


def _promoted(f: Candidate, near: list[Candidate]) -> bool:
    """Rule 3: a fuzzy span that strictly contains an exact span and overlaps none as long as it."""
    return any(f.strictly_contains(e) for e in near) and not any(e.overlaps(f) and e.end - e.start >= f.end - f.start for e in near)


def resolve(candidates: list[Candidate]) -> list[Candidate]:
    """Keep a set of non-overlapping candidates, chosen by the policy above."""
    exact = _merge_same_term([c for c in candidates if c.method != "fuzzy"])
    fuzzy = [c for c in candidates if c.method == "fuzzy"]
    by_term = _spans_by_term(exact, {f.term_id for f in fuzzy})
    fuzzy = [f for f in fuzzy if not _overlaps_any(by_term.get(f.term_id), f)]
    fuzzy.sort(key=lambda c: (-c.score, c.end - c.start, c.start))
    fuzzy_kept: list[Candidate] = []
    _greedy(fuzzy, fuzzy_kept)
    nearby = _Nearby(exact)
    promoted = [f for f in fuzzy_kept if _promoted(f, nearby.around(f))]
    taken: list[Candidate] = list(promoted)
    _greedy(sorted(exact, key=lambda c: (-(c.end - c.start), c.start, c.term_id)), taken)
    promoted_set = set(promoted)
    _greedy([f for f in fuzzy_kept if f not in promoted_set], taken)
    return sorted(taken, key=lambda c: (c.start, c.end))
