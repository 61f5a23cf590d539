"""Build the public report object from an Analysis. The JSON keys are a contract."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from typing import Any

from .errors import printable
from .lexicon import Lexicon
from .models import Analysis, Evidence, GapReport
from .results import (
    SCHEMA_VERSION,
    Alternative,
    Certification,
    Level,
    Report,
    Skill,
    Title,
)
from .models import Verdict
from .status import STRENGTH, CertStatus

__all__ = ["SCHEMA_VERSION", "build", "build_report"]


def _group(evidence: list[Evidence]) -> dict[str, list[Evidence]]:
    out: dict[str, list[Evidence]] = defaultdict(list)
    for ev in evidence:
        out[ev.term_id].append(ev)
    return out


def _certifications(evidence: list[Evidence], lex: Lexicon, kind: str) -> tuple[Certification, ...]:
    certs = [e for e in evidence if e.kind == "certification"]
    if kind == "cv":  # e.g. a plain "MSP" on a CV is the Practitioner (certification-ids.md)
        certs = [replace(e, term_id=lex.terms[e.term_id].cv_reads_as or e.term_id) for e in certs]
    groups = _group(certs)
    for generic in lex.certification_groups.generic:  # "level unstated", redundant beside a specific one
        if generic in groups and any(k.startswith(generic + "-") for k in groups):
            del groups[generic]
    # One entry per certification; its status is the strongest one found (held beats studying).
    return tuple(Certification(term_id, lex.terms[term_id].label, min((e.status or CertStatus.HELD for e in evs), key=STRENGTH.index),
                               tuple(evs)) for term_id, evs in groups.items())


def _skills(evidence: list[Evidence], lex: Lexicon) -> tuple[Skill, ...]:
    out = []
    for term_id, evs in _group([e for e in evidence if e.kind != "certification"]).items():
        term = lex.terms[term_id]
        out.append(Skill(term_id, term.label, term.kind, term.family, term.levels, tuple(evs)))
    return tuple(out)


def _level(lex: Lexicon, v: Verdict) -> Level:
    level = lex.level(v.rank)
    alternative = None
    if v.alternative is not None:
        rank, prob = v.alternative
        alt = lex.level(rank)
        alternative = Alternative(alt.rank, alt.id, alt.label, prob)
    return Level(level.rank, level.id, level.label, v.confidence, alternative)


def build(an: Analysis, lex: Lexicon, gaps: GapReport | None) -> Report:
    """The typed report of one analysed document (its to_dict() is the JSON contract)."""
    v = an.verdict
    evidence = list(an.evidence)
    title = None if an.title is None else Title(an.title.term_id, an.title.text, an.title.start, an.title.end,
                                                 lex.terms[an.title.term_id].family)
    return Report(
        source=printable(an.document.source),  # a name can hold a newline, an escape, non-UTF-8 bytes
        kind=an.kind, level=_level(lex, v), level_scores=v.scores, certifications=_certifications(evidence, lex, an.kind),
        skills=_skills(evidence, lex), pay=an.pay, years=an.years, title=title, gaps=gaps, warnings=an.warnings,
        meta={"format": an.document.format, **dict(an.document.meta)}, reasons=v.reasons, pmo_points=v.family_points,
        against_points=v.against_points, lexicon_name=lex.name, lexicon_version=lex.version, analysis=an,
    )


def build_report(an: Analysis, lex: Lexicon, gaps: GapReport | None) -> dict[str, Any]:
    """`build(...).to_dict()`: the report as JSON-ready dicts."""
    return build(an, lex, gaps).to_dict()
