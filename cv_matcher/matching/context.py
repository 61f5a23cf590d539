"""Context rules: what a mention means depends on the words around it and its section.

- `requires_context` / `reject_context` guard ambiguous terms ("PMP" the plan, "RAID" the disks,
  an investment "portfolio", "MSP" the managed service provider);
- mentions in ignored sections (Interests) are not findings;
- a certification's status: held / studying / planned in a CV, essential / desirable /
  not-required in an advert.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable, Mapping

from ..models import Document
from ..settings import ContextCues
from ..status import CertStatus

CLAUSE_BREAK = re.compile(r"[;|•\n]|\.\s|,\s(?=[A-Z])")
REJECT_WINDOW = 40


def line_window(text: str, start: int, end: int, width: int) -> str:
    """The text of the mention's line, at most `width` characters either side, lower-cased."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    return text[max(line_start, start - width):min(line_end, end + width)].lower()


@lru_cache(maxsize=4096)
def _cue_regex(cue: str) -> re.Pattern[str]:
    # Cues match on word boundaries where the cue starts/ends with a word character.
    left = r"(?<![a-z0-9])" if cue[:1].isalnum() else ""
    right = r"(?![a-z0-9])" if cue[-1:].isalnum() else ""
    return re.compile(left + re.escape(cue.lower()) + right)


@lru_cache(maxsize=4096)
def _lower(cue: str) -> str:
    return cue.lower()


def has_cue(window: str, cues: Iterable[str]) -> bool:
    # A cue's regex can only match where its lower-case text stands: a substring test (C speed)
    # first rules out nearly every cue, on a whole document's text as on a line.
    return any(_lower(c) in window and _cue_regex(c).search(window) for c in cues)


def passes_guards(doc: Document, start: int, end: int, requires: tuple[str, ...], rejects: tuple[str, ...],
                  window: int, trusted_sections: tuple[str, ...] = ("certifications", "education", "skills", "essential", "desirable", "requirements")) -> bool:
    """False when a reject cue is near, or a required cue is missing outside a trusted section."""
    if rejects and has_cue(line_window(doc.text, start, end, REJECT_WINDOW), rejects):
        return False
    if requires:
        section = doc.section_at(start)
        if section is not None and section.kind in trusted_sections:
            return True
        return has_cue(line_window(doc.text, start, end, window), requires)
    return True


def clause(text: str, start: int, end: int) -> tuple[str, int]:
    """The clause around a mention (between ; | • newlines and sentence ends) and its offset."""
    left = 0
    for m in CLAUSE_BREAK.finditer(text, max(0, start - 200), start):
        left = m.end()
    after = CLAUSE_BREAK.search(text, end, min(len(text), end + 200))
    right = after.start() if after else min(len(text), end + 200)
    left = max(left, start - 200)
    return text[left:right].lower(), left


def _nearest(clause_text: str, offset_in_clause: int, cue_sets: Mapping[CertStatus, Iterable[str]]) -> tuple[CertStatus, int] | None:
    best: tuple[int, CertStatus] | None = None
    for status, cues in cue_sets.items():
        for cue in cues:
            if _lower(cue) not in clause_text:  # (as in has_cue)
                continue
            for m in _cue_regex(cue).finditer(clause_text):
                dist = abs(m.start() - offset_in_clause)
                if best is None or dist < best[0]:
                    best = (dist, status)
    return None if best is None else (best[1], best[0])


def cv_status(doc: Document, start: int, end: int, ctx: ContextCues) -> CertStatus:
    """Held, unless a studying / planned cue (context.toml [cv_status]) is nearest in the clause."""
    text, left = clause(doc.text, start, end)
    found = _nearest(text, start - left, ctx.cv_status)
    return found[0] if found else CertStatus.HELD


def advert_status(doc: Document, start: int, end: int, ctx: ContextCues) -> CertStatus:
    """Essential, desirable or not required, from the clause's cues, else the section's kind."""
    cues = ctx.advert_status
    text, left = clause(doc.text, start, end)
    if has_cue(text, cues.not_required):
        return CertStatus.NOT_REQUIRED
    offset = start - left
    essential = _nearest(text, offset, {CertStatus.ESSENTIAL: cues.essential})
    desirable = _nearest(text, offset, {CertStatus.DESIRABLE: cues.desirable})
    strong = _nearest(text, offset, {CertStatus.ESSENTIAL: cues.strong_essential})
    # A softener ("ideally", "an advantage") in the clause wins over a generic "you will have",
    # unless a firm word ("essential", "must") sits closer to the mention.
    if desirable and not (strong and strong[1] < desirable[1]):
        return CertStatus.DESIRABLE
    if essential:
        return CertStatus.ESSENTIAL
    section = doc.section_at(start)
    if section is not None:
        if section.kind in cues.desirable_sections:
            return CertStatus.DESIRABLE
        if section.kind in cues.essential_sections:
            return CertStatus.ESSENTIAL
    return CertStatus.DESIRABLE
