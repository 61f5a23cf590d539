"""Gap reports: what a CV shows and lacks for a target level, and the advice that closes it.

Certification advice follows the real ladders (pmo-domain.md §1f), from lexicon data:
never a Practitioner before its Foundation (`prerequisite`), never PMP before about 36 months
of experience (`min_project_months`, suggest the `alternative` instead).
"""
from __future__ import annotations

from collections import defaultdict
from functools import lru_cache
from typing import Iterable

from .lexicon import Lexicon, Term
from .models import Evidence, GapItem, GapReport
from .status import is_held

CATEGORY = {"duty": "duties", "skill": "skills", "tool": "tools", "certification": "certifications", "experience": "experience"}
CORE_WEIGHT = 0.8  # a term is part of a level's profile when it weighs at least this much there
MAX_CERT_ADVICE = 3


def _held(evidence: Iterable[Evidence]) -> dict[str, list[Evidence]]:
    out: dict[str, list[Evidence]] = defaultdict(list)
    for ev in evidence:
        if ev.kind != "certification" or is_held(ev.status):
            out[ev.term_id].append(ev)
    return out


def _certification_items(lexicon: Lexicon, target: int, held: dict[str, list[Evidence]], years: float | None) -> list[GapItem]:
    wanted = lexicon.level(target).next_certifications
    have = [cid for cid in wanted if cid in held]
    if have:
        ev = tuple(held[have[0]][:1])
        return [GapItem(have[0], lexicon.terms[have[0]].label, "certifications", 1.0, "met", "Already held.", ev)]
    items: list[GapItem] = []
    seen: set[str] = set()
    for cid in wanted:
        term = _advisable(lexicon, lexicon.terms[cid], held, years)
        if term.id in seen or term.id in held:
            continue
        seen.add(term.id)
        weight = term.weight(target) or 0.5
        items.append(GapItem(term.id, term.label, "certifications", weight, "missing", _advice(term, cid, lexicon)))
        if len(items) == MAX_CERT_ADVICE:
            break
    return items


def _advisable(lexicon: Lexicon, term: Term, held: dict[str, list[Evidence]], years: float | None) -> Term:
    """Walk down the ladder: the prerequisite first, the alternative when experience is short."""
    for _ in range(4):
        if term.min_project_months and (years is None or years * 12 < term.min_project_months) and term.alternative:
            term = lexicon.terms[term.alternative]
        elif term.prerequisite and term.prerequisite not in held:
            term = lexicon.terms[term.prerequisite]
        else:
            break
    return term


def _advice(term: Term, wanted_id: str, lexicon: Lexicon) -> str:
    if term.id == wanted_id:
        return term.suggest or f"Consider {term.label}."
    wanted = lexicon.terms[wanted_id]
    return f"{term.suggest} It is the step before {wanted.label}." if term.suggest else f"Take {term.label} first."


def _experience_item(lexicon: Lexicon, target: int, years: float | None) -> GapItem | None:
    span = lexicon.level(target).typical_years
    if span is None:
        return None
    lo = span[0]
    shown = 0.0 if years is None else years
    status = "met" if shown >= lo else ("partly-met" if shown >= lo / 2 else "missing")
    suggestion = (f"{lo:g}+ years are typical at this level; the CV shows {shown:g}." if status != "met"
                  else f"{shown:g} years shown; {lo:g}+ are typical.")
    return GapItem("years-of-experience", f"About {lo:g}+ years of relevant experience", "experience", 1.0, status, suggestion)


@lru_cache(maxsize=64)
def _profile(lexicon: Lexicon, target: int) -> tuple[tuple[Term, float, str], ...]:
    """The level's profile: its PMO duties, skills, tools and experience that weigh at least
    CORE_WEIGHT there, in lexicon order, each with that weight and its advice. The same for every
    CV: found once per lexicon and level, not by a pass over the whole lexicon per CV."""
    return tuple((term, term.weight(target), term.suggest or f"Gain and show experience of {term.label[0].lower() + term.label[1:]}.")
                 for term in lexicon.terms.values()
                 if term.kind in ("duty", "skill", "tool", "experience") and term.family == "pmo" and term.weight(target) >= CORE_WEIGHT)


def gap_report(evidence: Iterable[Evidence], lexicon: Lexicon, target: int, *, years: float | None = None,
               against: str = "next-level") -> GapReport:
    """Present and missing items for `target`, duties first, each list ordered by weight."""
    evidence = list(evidence)
    found: dict[str, list[Evidence]] = defaultdict(list)
    for ev in evidence:
        found[ev.term_id].append(ev)
    items: list[GapItem] = []
    for term, weight, advice in _profile(lexicon, target):
        hits = found.get(term.id, [])
        in_work = [h for h in hits if h.section not in ("skills", "summary")]
        status = "met" if in_work else ("partly-met" if hits else "missing")
        suggestion = "Shown in the CV." if status == "met" else (
            "Listed, but no role shows it in practice: " + advice if status == "partly-met" else advice)
        items.append(GapItem(term.id, term.label, CATEGORY[term.kind], weight, status, suggestion, tuple(hits[:2])))
    items += _certification_items(lexicon, target, _held(evidence), years)
    exp = _experience_item(lexicon, target, years)
    if exp is not None:
        items.append(exp)
    order = {"duties": 0, "experience": 1, "certifications": 2, "skills": 3, "tools": 4}
    items.sort(key=lambda i: (order[i.category], -i.weight))  # stable: ties keep the lexicon's (advice) order
    lvl = lexicon.level(target)
    return GapReport(lvl.rank, lvl.id, lvl.label, against, tuple(items))
