"""The typed results the engine returns: `Report` (one CV or advert) and `MatchReport` (a CV
against an advert). Frozen: a result is a record of what was found, never edited afterwards.

`to_dict()` gives the public JSON shape (report.schema.json; the keys are a contract), so the
renderers, the store and the web app read attributes and only the edge turns them into JSON.
`from_dict()` reads a stored report back (a batch's results store): `from_dict(d).to_dict() == d`.
The JSON leaves out some of a finding's fields; read back, a finding carries its entry's id,
kind, label and status.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from .models import Evidence, GapItem, GapReport, LevelScore
from .models import Pay
from .status import CertStatus

if TYPE_CHECKING:
    from .models import Analysis

SCHEMA_VERSION = "1"
KIND_OF_CATEGORY = {"duties": "duty", "skills": "skill", "tools": "tool", "certifications": "certification", "experience": "experience"}


def evidence_from(d: Mapping[str, Any], term_id: str, kind: str, label: str, status: CertStatus | None = None) -> Evidence:
    """A finding read back from its JSON, with the id, kind, label and status of its entry."""
    return Evidence(term_id, kind, label, d["text"], d["start"], d["end"], d["section"], d["method"], d["confidence"], d["reason"],
                    status)


def gaps_from(d: Mapping[str, Any]) -> GapReport:
    """A gap report read back from its JSON (present items first: to_dict() splits them again)."""
    items = []
    for i in list(d["present"]) + list(d["missing"]):
        kind = KIND_OF_CATEGORY.get(i["category"], i["category"])
        items.append(GapItem(i["id"], i["label"], i["category"], i["weight"], i["status"], i["suggestion"],
                             tuple(evidence_from(e, i["id"], kind, i["label"]) for e in i["evidence"]), i.get("requirement")))
    target = d["target"]
    return GapReport(target["rank"], target["id"], target["label"], d["against"], tuple(items))


@dataclass(frozen=True, slots=True)
class Alternative:
    """The close rival level, and the chance that it is the right one."""

    rank: int
    id: str
    label: str
    probability: float


@dataclass(frozen=True, slots=True)
class Level:
    """The level a document is placed at, with the chance that it is right."""

    rank: int
    id: str
    label: str
    confidence: float
    alternative: Alternative | None = None

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Level:
        alt = d.get("alternative")
        return cls(d["rank"], d["id"], d["label"], d["confidence"], None if alt is None else Alternative(**alt))

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"rank": self.rank, "id": self.id, "label": self.label, "confidence": self.confidence}
        if self.alternative is not None:
            out["alternative"] = asdict(self.alternative)
        return out


@dataclass(frozen=True, slots=True)
class Certification:
    """One certification the document names, with its strongest status."""

    id: str
    label: str
    status: CertStatus
    evidence: tuple[Evidence, ...]

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Certification:
        status = CertStatus(d["status"])
        return cls(d["id"], d["label"], status, tuple(evidence_from(e, d["id"], "certification", d["label"], status) for e in d["evidence"]))

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "label": self.label, "status": self.status.value, "evidence": [e.to_dict() for e in self.evidence]}


@dataclass(frozen=True, slots=True)
class Skill:
    """One duty, skill, tool, title or experience cue found, with its weight per level."""

    id: str
    label: str
    kind: str
    family: str
    levels: tuple[tuple[int, float], ...]
    evidence: tuple[Evidence, ...]

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Skill:
        return cls(d["id"], d["label"], d["kind"], d["family"], tuple((int(r), w) for r, w in d["levels"].items()),
                   tuple(evidence_from(e, d["id"], d["kind"], d["label"]) for e in d["evidence"]))

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "label": self.label, "kind": self.kind, "family": self.family,
                "levels": {str(r): w for r, w in self.levels}, "evidence": [e.to_dict() for e in self.evidence]}


@dataclass(frozen=True, slots=True)
class Title:
    """The document's most recent (a CV) or headline (an advert) job title."""

    id: str
    text: str
    start: int
    end: int
    family: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Report:
    """Everything reported about one CV or advert; `to_dict()` is the JSON report."""

    source: str
    kind: str  # cv | advert
    level: Level
    level_scores: tuple[LevelScore, ...]
    certifications: tuple[Certification, ...]
    skills: tuple[Skill, ...]
    pay: Pay | None
    years: float | None  # experience shown (a CV) or required (an advert)
    title: Title | None
    gaps: GapReport | None
    warnings: tuple[str, ...]
    meta: Mapping[str, str]  # "format" first, then what the reader recorded (pages, encoding, ...)
    reasons: tuple[str, ...]
    pmo_points: float
    against_points: float
    lexicon_name: str
    lexicon_version: str
    analysis: Analysis | None = field(default=None, repr=False, compare=False)  # the document and all evidence

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Report:
        """A report read back from its JSON (no `analysis`: the document is not stored)."""
        return cls(
            source=d["source"], kind=d["kind"], level=Level.from_dict(d["level"]),
            level_scores=tuple(LevelScore(s["rank"], s["id"], "", s["score"], s["points"]) for s in d["level_scores"]),
            certifications=tuple(Certification.from_dict(c) for c in d["certifications"]),
            skills=tuple(Skill.from_dict(s) for s in d["skills"]), pay=None if d["pay"] is None else Pay(**d["pay"]),
            years=d["experience_years"] if d["kind"] == "cv" else d["required_years"],
            title=None if d["title"] is None else Title(**d["title"]), gaps=None if d["gaps"] is None else gaps_from(d["gaps"]),
            warnings=tuple(d["warnings"]), meta=dict(d["meta"]), reasons=tuple(d["reasons"]),
            pmo_points=d["family"]["pmo_points"], against_points=d["family"]["against_points"],
            lexicon_name=d["lexicon"]["name"], lexicon_version=d["lexicon"]["version"])

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "kind": self.kind,
            "level": self.level.to_dict(),
            "level_scores": [{"rank": s.rank, "id": s.id, "score": s.score, "points": s.points} for s in self.level_scores],
            "certifications": [c.to_dict() for c in self.certifications],
            "skills": [s.to_dict() for s in self.skills],
            "pay": None if self.pay is None else _pay(self.pay),
            "experience_years": self.years if self.kind == "cv" else None,
            "required_years": self.years if self.kind == "advert" else None,
            "title": None if self.title is None else self.title.to_dict(),
            "gaps": None if self.gaps is None else self.gaps.to_dict(),
            "warnings": list(self.warnings),
            "meta": dict(self.meta),
            "reasons": list(self.reasons),
            "family": {"pmo_points": self.pmo_points, "against_points": self.against_points},
            "lexicon": {"name": self.lexicon_name, "version": self.lexicon_version},
            "schema_version": SCHEMA_VERSION,
        }


def _pay(p: Pay) -> dict[str, Any]:
    return {"min": p.min, "max": p.max, "currency": p.currency, "period": p.period, "text": p.text, "start": p.start,
            "end": p.end, "employment": p.employment, "ir35": p.ir35, "grade": p.grade}


@dataclass(frozen=True, slots=True)
class Requirement:
    """One advert requirement and whether the CV meets it (met | partly-met | missing)."""

    id: str
    label: str
    kind: str
    requirement: str  # essential | desirable
    advert_evidence: Evidence
    status: str
    cv_evidence: tuple[Evidence, ...]

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Requirement:
        kind = d["kind"]
        return cls(d["id"], d["label"], d["kind"], d["requirement"], evidence_from(d["advert_evidence"], d["id"], kind, d["label"]),
                   d["status"], tuple(evidence_from(e, d["id"], kind, d["label"]) for e in d["cv_evidence"]))

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "label": self.label, "kind": self.kind, "requirement": self.requirement,
                "advert_evidence": self.advert_evidence.to_dict(), "status": self.status,
                "cv_evidence": [e.to_dict() for e in self.cv_evidence]}


@dataclass(frozen=True, slots=True)
class LevelFit:
    """How the CV's level compares with the advert's."""

    cv_rank: int
    advert_rank: int
    score: float
    fits: bool
    note: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class MatchReport:
    """A CV against an advert: each requirement, the level fit and the overall fit (0..1)."""

    cv: str
    advert: str
    fit: float
    requirements_fit: float
    level_fit: LevelFit
    requirements: tuple[Requirement, ...]  # essentials first, then missing before met

    @property
    def missing_essentials(self) -> tuple[str, ...]:
        return tuple(r.label for r in self.requirements if r.requirement == "essential" and r.status == "missing")

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> MatchReport:
        return cls(d["cv"], d["advert"], d["fit"], d["requirements_fit"], LevelFit(**d["level_fit"]),
                   tuple(Requirement.from_dict(r) for r in d["requirements"]))

    def to_dict(self) -> dict[str, Any]:
        return {"cv": self.cv, "advert": self.advert, "fit": self.fit, "requirements_fit": self.requirements_fit,
                "level_fit": self.level_fit.to_dict(), "requirements": [r.to_dict() for r in self.requirements],
                "missing_essentials": list(self.missing_essentials)}
