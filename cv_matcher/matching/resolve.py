"""The overlap policy, in one place.

1. Exact and alias spans: the longest wins, then the earliest.
2. A fuzzy span is dropped where an exact span of the same term overlaps it (the exact one is
   better evidence); among fuzzy spans the best score wins, then the shortest.
3. A fuzzy span that strictly contains exact spans of other terms is more specific and beats
   them ("Prince 2 Practioner" is the Practitioner exam, not just "Prince 2").
4. Otherwise fuzzy spans only fill text that no exact span claimed.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Candidate:
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


def _greedy(ordered: list[Candidate], taken: list[Candidate]) -> None:
    for cand in ordered:
        if not any(cand.overlaps(t) for t in taken):
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


def resolve(candidates: list[Candidate]) -> list[Candidate]:
    """Keep a set of non-overlapping candidates, chosen by the policy above."""
    exact = _merge_same_term([c for c in candidates if c.method != "fuzzy"])
    fuzzy = [f for f in candidates if f.method == "fuzzy"
             and not any(e.term_id == f.term_id and e.overlaps(f) for e in exact)]
    fuzzy.sort(key=lambda c: (-c.score, c.end - c.start, c.start))
    fuzzy_kept: list[Candidate] = []
    _greedy(fuzzy, fuzzy_kept)
    promoted = [f for f in fuzzy_kept if any(f.strictly_contains(e) for e in exact)
                and not any(e.overlaps(f) and e.end - e.start >= f.end - f.start for e in exact)]
    taken: list[Candidate] = list(promoted)
    _greedy(sorted(exact, key=lambda c: (-(c.end - c.start), c.start, c.term_id)), taken)
    _greedy([f for f in fuzzy_kept if f not in promoted], taken)
    return sorted(taken, key=lambda c: (c.start, c.end))
