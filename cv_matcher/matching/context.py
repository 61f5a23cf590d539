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

# ; | • newlines, a sentence's end, a comma before a capital. Each alternative starts with a
# literal, so re skips to the next of those characters in C (a character class first stops that).
CLAUSE_BREAK = re.compile(r";|\||•|\n|\.\s|,\s(?=[A-Z])")
CLAUSE_REACH = 200  # characters a clause reaches either side of a mention, at most
LOOK_BACK = 40  # a clause start is looked for this far back first (see clause_start)
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


@lru_cache(maxsize=1024)
def _cue_tests(cues: tuple[str, ...]) -> tuple[tuple[str, re.Pattern[str]], ...]:
    """Each cue's lower-case text and regex, looked up once per list of cues, not per call."""
    return tuple((_lower(c), _cue_regex(c)) for c in cues)


def has_cue(window: str, cues: Iterable[str]) -> bool:
    # A cue's regex can only match where its lower-case text stands: a substring test (C speed)
    # first rules out nearly every cue, on a whole document's text as on a line.
    for low, regex in _cue_tests(tuple(cues)):
        if low in window and regex.search(window):
            return True
    return False


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
    left = clause_start(text, start)
    return text[left:clause_end(text, end)].lower(), left


def clause_start(text: str, start: int) -> int:
    """Where the clause of a mention at `start` begins: after the last break in the CLAUSE_REACH
    characters before it, else CLAUSE_REACH characters before it.

    The breaks are looked for in the last LOOK_BACK characters first (a CV's lines are short).
    Found there, the last is the last of the whole reach too: scanning from further back meets the
    same breaks once past the short look's first character (a break may start just before it and
    end on it, and then ends where the short look's own break there ends)."""
    reach = max(0, start - CLAUSE_REACH)
    near = max(reach, start - LOOK_BACK)
    left = _last_break_end(text, near, start)
    if left is None and near > reach:
        left = _last_break_end(text, reach, start)
    return max(left or 0, start - CLAUSE_REACH)


def _last_break_end(text: str, pos: int, endpos: int) -> int | None:
    end = None
    for m in CLAUSE_BREAK.finditer(text, pos, endpos):
        end = m.end()
    return end


def clause_end(text: str, end: int) -> int:
    """Where the clause of a mention ending at `end` ends: at the first break in the CLAUSE_REACH
    characters after it, else CLAUSE_REACH characters after it."""
    stop = min(len(text), end + CLAUSE_REACH)
    after = CLAUSE_BREAK.search(text, end, stop)
    return after.start() if after else stop


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
