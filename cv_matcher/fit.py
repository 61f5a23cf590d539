"""CV against advert: each advert requirement met / partly met / missing, a fit score, level fit."""
from __future__ import annotations

from typing import Any

from .errors import printable
from .lexicon import Lexicon
from .matching.context import clause, has_cue
from .models import Analysis, Evidence, GapItem, GapReport
from .results import LevelFit, MatchReport, Requirement
from .status import CertStatus, is_held

REQUIREMENT_WEIGHT = {"essential": 2.0, "desirable": 1.0}
STATUS_CREDIT = {"met": 1.0, "partly-met": 0.5, "missing": 0.0}
LEVEL_FIT = {0: 1.0, 1: 0.8, -1: 0.7, 2: 0.4, -2: 0.3}  # cv rank - advert rank -> how well the level fits


def _requirement(ev: Evidence, advert: Analysis, lex: Lexicon) -> str | None:
    if ev.kind == "certification":
        return None if ev.status == CertStatus.NOT_REQUIRED else str(ev.status or CertStatus.DESIRABLE)
    section = advert.document.section_at(ev.start)
    cues = lex.context.advert_status
    text, _ = clause(advert.document.text, ev.start, ev.end)
    if (section is not None and section.kind in cues.desirable_sections) or has_cue(text, cues.desirable):
        return "desirable"
    return "essential"


def _implies(held_id: str, wanted_id: str, lex: Lexicon) -> bool:
    """A held certification meets a requirement for itself or for any exam before it on its ladder."""
    seen = set()
    current: str | None = held_id
    while current is not None and current not in seen:
        if current == wanted_id:
            return True
        seen.add(current)
        current = lex.terms[current].prerequisite
    return False


def _status(term_id: str, kind: str, cv: Analysis, lex: Lexicon) -> tuple[str, list[Evidence]]:
    same = [e for e in cv.evidence if e.term_id == term_id]
    if kind == "certification":
        held = [e for e in cv.evidence if e.kind == "certification" and is_held(e.status) and _implies(e.term_id, term_id, lex)]
        if held:
            return "met", held
        family = lex.certification_family(term_id)
        related = [e for e in cv.evidence if e.kind == "certification" and lex.certification_family(e.term_id) == family]
        return ("partly-met", same + related) if same or related else ("missing", [])
    if same:
        work = [e for e in same if e.section not in ("skills", "summary")]
        return ("met", same) if work or kind in ("tool", "skill") else ("partly-met", same)
    return "missing", []


def _requirements(advert: Analysis, lex: Lexicon) -> dict[str, tuple[str, Evidence]]:
    """The advert's requirements: term id -> (essential | desirable, its first mention)."""
    found: dict[str, tuple[str, Evidence]] = {}
    for ev in advert.evidence:
        term = lex.terms[ev.term_id]
        if term.family != "pmo" or term.kind == "title" or (not term.levels and term.kind != "certification"):
            continue
        need = _requirement(ev, advert, lex)
        if need is None:
            continue
        first = found.get(ev.term_id)
        if first is None or need == "essential":  # any essential mention makes it essential
            found[ev.term_id] = (need, ev if first is None else first[1])
    return found


def fit_report(cv: Analysis, advert: Analysis, lex: Lexicon) -> MatchReport:
    """Each advert requirement met / partly met / missing, the level fit and the overall fit."""
    requirements = []
    total = got = 0.0
    for term_id, (need, advert_ev) in _requirements(advert, lex).items():
        term = lex.terms[term_id]
        status, evs = _status(term_id, term.kind, cv, lex)
        requirements.append(Requirement(term_id, term.label, term.kind, need, advert_ev, status, tuple(evs[:3])))
        weight = REQUIREMENT_WEIGHT[need]
        total += weight
        got += weight * STATUS_CREDIT[status]
    cv_rank, ad_rank = cv.verdict.rank, advert.verdict.rank
    diff = max(-2, min(2, cv_rank - ad_rank))
    level_fit = 0.0 if cv_rank == 0 or ad_rank == 0 else LEVEL_FIT[diff]
    req_fit = got / total if total else 0.0
    fit = round(0.7 * req_fit + 0.3 * level_fit, 3)
    requirements.sort(key=lambda r: (r.requirement != "essential", list(STATUS_CREDIT).index(r.status) * -1, r.label))
    return MatchReport(
        cv=printable(cv.document.source), advert=printable(advert.document.source), fit=fit, requirements_fit=round(req_fit, 3),
        level_fit=LevelFit(cv_rank, ad_rank, level_fit, cv_rank > 0 and ad_rank > 0 and -1 <= cv_rank - ad_rank <= 1,
                           _level_note(cv_rank, ad_rank, lex)),
        requirements=tuple(requirements))


def match_report(cv: Analysis, advert: Analysis, lex: Lexicon) -> dict[str, Any]:
    """`fit_report(...).to_dict()`: the match as JSON-ready dicts."""
    return fit_report(cv, advert, lex).to_dict()


def advert_gap_report(cv: Analysis, advert: Analysis, lex: Lexicon, fit: MatchReport | None = None) -> GapReport:
    """The advert's requirements as a gap report for the CV (used by `score --advert`)."""
    from .gaps import CATEGORY

    result = fit_report(cv, advert, lex) if fit is None else fit
    items = []
    for req in result.requirements:
        term = lex.terms[req.id]
        evs = tuple(e for e in cv.evidence if e.term_id == req.id)[:2]
        suggestion = "Shown in the CV." if req.status == "met" else (term.suggest or f"Show {term.label}.")
        items.append(GapItem(term.id, term.label, CATEGORY[term.kind], REQUIREMENT_WEIGHT[req.requirement], req.status,
                             suggestion, evs, req.requirement))
    lvl = lex.level(advert.verdict.rank)
    return GapReport(lvl.rank, lvl.id, lvl.label, "advert", tuple(items))


def _level_note(cv_rank: int, ad_rank: int, lex: Lexicon) -> str:
    if ad_rank == 0:
        return "the advert is not a PMO-family role"
    if cv_rank == 0:
        return "the CV is not a PMO-family profile"
    if cv_rank == ad_rank:
        return f"same level: {lex.level(ad_rank).label}"
    if cv_rank > ad_rank:
        return f"the CV is above the advert's level ({lex.level(cv_rank).label} vs {lex.level(ad_rank).label})"
    return f"the advert is a step up ({lex.level(ad_rank).label}; the CV reads as {lex.level(cv_rank).label})"
