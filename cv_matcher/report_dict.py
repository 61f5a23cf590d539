"""Build the public report object from an Analysis. The JSON keys are a contract."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from .errors import printable
from .lexicon import Lexicon
from .models import Evidence, GapReport

if TYPE_CHECKING:
    from .models import Analysis

SCHEMA_VERSION = "1"
CERT_STATUS_ORDER = ("held", "essential", "desirable", "studying", "planned", "not-required")


def _group(evidence: list[Evidence]) -> dict[str, list[Evidence]]:
    out: dict[str, list[Evidence]] = defaultdict(list)
    for ev in evidence:
        out[ev.term_id].append(ev)
    return out


def _cert_entries(evidence: list[Evidence], lex: Lexicon, kind: str) -> list[dict[str, Any]]:
    entries = []
    certs = [e for e in evidence if e.kind == "certification"]
    if kind == "cv":  # e.g. a plain "MSP" on a CV is the Practitioner (certification-ids.md)
        certs = [replace(e, term_id=lex.terms[e.term_id].cv_reads_as or e.term_id) for e in certs]
    groups = _group(certs)
    for generic in lex.certification_groups.get("generic", ()):  # "level unstated", redundant beside a specific one
        if generic in groups and any(k.startswith(generic + "-") for k in groups):
            del groups[generic]
    for term_id, evs in groups.items():
        # One entry per certification; its status is the strongest one found (held beats studying).
        status = min((e.status or "held" for e in evs), key=lambda s: CERT_STATUS_ORDER.index(s) if s in CERT_STATUS_ORDER else 99)
        entries.append({"id": term_id, "label": lex.terms[term_id].label, "status": status,
                        "evidence": [e.to_dict() for e in evs]})
    return entries


def _skill_entries(evidence: list[Evidence], lex: Lexicon) -> list[dict[str, Any]]:
    entries = []
    for term_id, evs in _group([e for e in evidence if e.kind != "certification"]).items():
        term = lex.terms[term_id]
        entries.append({"id": term_id, "label": term.label, "kind": term.kind, "family": term.family,
                        "levels": {str(r): w for r, w in term.levels}, "evidence": [e.to_dict() for e in evs]})
    return entries


def _level_entry(lex: Lexicon, v: Any) -> dict[str, Any]:
    level = lex.level(v.rank)
    out: dict[str, Any] = {"rank": level.rank, "id": level.id, "label": level.label, "confidence": v.confidence}
    if v.alternative is not None:
        rank, prob = v.alternative
        alt = lex.level(rank)
        out["alternative"] = {"rank": alt.rank, "id": alt.id, "label": alt.label, "probability": prob}
    return out


def build_report(an: "Analysis", lex: Lexicon, gaps: GapReport | None) -> dict[str, Any]:
    v = an.verdict
    evidence = list(an.evidence)
    pay = None
    if an.pay is not None:
        p = an.pay
        pay = {"min": p.min, "max": p.max, "currency": p.currency, "period": p.period, "text": p.text, "start": p.start,
               "end": p.end, "employment": p.employment, "ir35": p.ir35, "grade": p.grade}
    return {
        "source": printable(an.document.source),  # a name can hold a newline, an escape, non-UTF-8 bytes
        "kind": an.kind,
        "level": _level_entry(lex, v),
        "level_scores": [{"rank": s.rank, "id": s.id, "score": s.score, "points": s.points} for s in v.scores],
        "certifications": _cert_entries(evidence, lex, an.kind),
        "skills": _skill_entries(evidence, lex),
        "pay": pay,
        "experience_years": an.years if an.kind == "cv" else None,
        "required_years": an.years if an.kind == "advert" else None,
        "title": None if an.title is None else {"id": an.title.term_id, "text": an.title.text, "start": an.title.start,
                                                 "end": an.title.end, "family": lex.terms[an.title.term_id].family},
        "gaps": None if gaps is None else gaps.to_dict(),
        "warnings": list(an.warnings),
        "meta": {"format": an.document.format, **dict(an.document.meta)},
        "reasons": list(v.reasons),
        "family": {"pmo_points": v.family_points, "against_points": v.against_points},
        "lexicon": {"name": lex.name, "version": lex.version},
        "schema_version": SCHEMA_VERSION,
    }
