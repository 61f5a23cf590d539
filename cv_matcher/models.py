"""Frozen data types passed between the steps: Document, Section, Evidence, LevelScore, GapReport,
Pay, Verdict and Analysis (what one document gave). Lower layers import these, never the api."""
from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from .calibration import Call
from .status import CertStatus


@dataclass(frozen=True, slots=True)
class Section:
    """A titled part of a document. `text[start:end]` of the owning Document is the heading;
    the section body runs from `end` to `body_end`."""

    heading: str
    kind: str  # experience | education | skills | certifications | summary | contact | interests | ...
    start: int
    end: int
    body_end: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _section_start(section: Section) -> int:
    return section.start


@dataclass(frozen=True, slots=True)
class Document:
    """What a reader returns: the cleaned text (never changed afterwards) and its sections."""

    source: str
    text: str
    sections: tuple[Section, ...] = ()
    format: str = "txt"  # pdf | docx | txt
    meta: tuple[tuple[str, str], ...] = ()  # e.g. (("pages", "2"), ("encoding", "utf-8"))
    hidden: tuple[tuple[str, str], ...] = ()  # (reason, text) the reader left out: text a person would
    # not see (white on white, invisible, tiny, off the page, w:vanish...); readers/hidden.py

    def section_at(self, offset: int) -> Section | None:
        """The section whose heading or body contains `offset`, or None (text before any heading).
        Of several, the last in order: sections are in text order, so search back from the last
        one that starts at or before `offset` (usually the first one looked at is the answer)."""
        sections = self.sections
        for i in range(bisect_right(sections, offset, key=_section_start) - 1, -1, -1):
            sec = sections[i]
            if offset < max(sec.body_end, sec.end):
                return sec
        return None

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "format": self.format,
            "meta": dict(self.meta),
            "text": self.text,
            "sections": [s.to_dict() for s in self.sections],
        }


@dataclass(frozen=True, slots=True)
class Evidence:
    """One finding: a lexicon term seen in the document, with where and how it was matched."""

    term_id: str
    kind: str  # duty | skill | tool | title | certification | experience | pay
    label: str
    text: str
    start: int
    end: int
    section: str | None
    method: str  # exact | alias | fuzzy | pattern
    confidence: float
    reason: str
    status: CertStatus | None = None  # certifications only (status.py)

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "section": self.section,
            "method": self.method,
            "confidence": round(self.confidence, 3),
            "reason": self.reason,
        }


@dataclass(frozen=True, slots=True)
class LevelScore:
    """How strongly the evidence points at one level, and why."""

    rank: int
    id: str
    label: str
    score: float  # normalised 0..1 across levels
    points: float  # raw weighted evidence
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class GapItem:
    """One requirement of the target level or advert, and whether the CV meets it."""

    term_id: str
    label: str
    category: str  # duties | skills | tools | certifications | experience
    weight: float
    status: str  # met | partly-met | missing
    suggestion: str
    evidence: tuple[Evidence, ...] = ()
    requirement: str | None = None  # adverts: essential | desirable

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.term_id,
            "label": self.label,
            "category": self.category,
            "weight": round(self.weight, 3),
            "status": self.status,
            "suggestion": self.suggestion,
            "evidence": [e.to_dict() for e in self.evidence],
        }
        if self.requirement is not None:
            out["requirement"] = self.requirement
        return out


@dataclass(frozen=True, slots=True)
class GapReport:
    """What a CV has and lacks for a target level (or an advert)."""

    target_rank: int
    target_id: str
    target_label: str
    against: str  # "next-level" | "chosen-level" | "advert"
    items: tuple[GapItem, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        return {
            "target": {"rank": self.target_rank, "id": self.target_id, "label": self.target_label},
            "against": self.against,
            "present": [i.to_dict() for i in self.items if i.status == "met"],
            "missing": [i.to_dict() for i in self.items if i.status != "met"],
        }


@dataclass(frozen=True, slots=True)
class Pay:
    """Pay stated in a document (pay.find_pay)."""

    min: float
    max: float
    currency: str
    period: str  # hour | day | year | month | week
    text: str
    start: int
    end: int
    employment: str | None = None  # permanent | contract | temporary
    ir35: str | None = None  # inside | outside
    grade: str | None = None


@dataclass(frozen=True)
class Verdict:
    """The scorer's placement (scoring.score_levels)."""

    rank: int
    confidence: float
    scores: tuple[LevelScore, ...]
    family_points: float
    against_points: float
    reasons: tuple[str, ...]
    contributions: Mapping[str, Mapping[int, float]] = field(default_factory=dict)
    alternative: tuple[int, float] | None = None  # (rank, probability) of the close rival, if any
    call: Call | None = None  # the decision's margins (what the confidence is read from)


@dataclass(frozen=True)
class Analysis:
    """Everything cv-matcher learnt about one document (the engine's step before a Report)."""

    document: Document
    kind: str
    evidence: tuple[Evidence, ...]
    verdict: Verdict
    pay: Pay | None
    years: float | None
    title: Evidence | None
    warnings: tuple[str, ...]


@dataclass
class Record:
    """One document's result in a batch, whether fresh from a worker or read back from the results
    store (batch/store.py); the batch renderers (csv, jsonl, html) read these."""

    path: str
    source: str
    sha256: str | None
    lexicon_version: str
    kind_requested: str
    fingerprint: str
    options: dict[str, Any]
    report: dict[str, Any] | None
    contexts: dict[str, list[str]] = field(default_factory=dict)
    error: str | None = None
    error_kind: str | None = None
    read_ms: float = 0.0
    analyse_ms: float = 0.0
    processed_at: str = ""
    reused: bool = False  # not stored: True when this run took the row from the store

    @property
    def kind(self) -> str:
        """The kind analysed (auto resolved), or the kind asked for when the file failed."""
        return str(self.report["kind"]) if self.report else self.kind_requested

    def reusable(self, sha256: str | None, lexicon_version: str, fingerprint: str) -> bool:
        """Same content, lexicon and options, and not a failure that may pass next time."""
        return (sha256 is not None and self.sha256 == sha256 and self.lexicon_version == lexicon_version
                and self.fingerprint == fingerprint and self.error_kind in (None, "input"))
