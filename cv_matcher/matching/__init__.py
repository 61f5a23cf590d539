"""Find lexicon terms in a Document: spaCy phrase matching, rapidfuzz for typos, context rules,
one overlap policy. `find_evidence` is pure: it returns Evidence and never changes the Document."""
from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from ..lowercase import lower_case
from ..models import Document, Evidence
from ..status import CertStatus
from .context import advert_status, cv_status, has_cue, passes_guards
from .fuzzy import build_index, fuzzy_hits
from .phrases import exact_candidates, make_doc
from .resolve import Candidate, resolve
from .wrap import reading_text

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from ..lexicon import Lexicon

__all__ = ["find_evidence", "Candidate", "resolve"]


def _exact_candidates(sdoc: "Doc", lexicon: "Lexicon") -> list[Candidate]:
    return exact_candidates(sdoc, lexicon)


def _reason(cand: Candidate, label: str) -> str:
    if cand.method == "fuzzy":
        return f"fuzzy {cand.score:.0f}/100 against '{cand.alias}' ({label})"
    if cand.method == "exact":
        return f"matches '{cand.alias}'" + ("" if cand.alias.lower() == label.lower() else f" ({label})")
    return f"variant of '{cand.alias}' ({label})"


def _ing_for_other_form(said: str, alias: str, other_endings: tuple[str, ...] = ("ing",), ending: str = "ing") -> bool:
    """Whether the text's last word is an -ing (or `ending`) form where the alias's last word is
    another form (the normalised matching treats "engineering" as "engineer", "supporting" as
    "support", "associated" as "associate")."""
    if not said.rstrip().lower().endswith(ending):  # the last word's ending, read without splitting it off
        return False
    last_meant = alias.split()[-1:]
    return bool(last_meant) and not last_meant[0].lower().endswith(other_endings)


def _discipline_not_person(text: str, alias: str) -> bool:
    """Whether a title matched only through a word form that names a discipline or an act, not a
    person: "Civil Engineering" (a degree) or "Project Engineering" is not a Civil or Project
    Engineer, and "projects associated with" is not a Project Associate."""
    return _ing_for_other_form(text, alias) or _ing_for_other_form(text, alias, ("ed",), ending="ed")


# Words after which an -ing form may still be the noun ("status reporting to the board", "project
# planning and control"): prepositions, conjunctions. Any other word after it makes it a verb with
# its object ("a programme supporting individuals", "project supporting HSBC").
_NOUN_MAY_FOLLOW = frozenset("to and or of for in on at with by from across within as into via under through including per & nor but".split())
_NEXT_WORD = re.compile(r"[ \t]*([A-Za-z&]+)")


def _verb_not_noun(text: str, cand: Candidate) -> bool:
    """Whether a duty alias that ends in a noun ("programme support") matched a verb form that takes
    an object ("programme supporting individuals"): the phrase is then about something else.
    (Gapped aliases, "accountable for ... delivery", are phrases of verbs already: not asked.)"""
    if not _ing_for_other_form(text[cand.start:cand.end], cand.alias, ("ing", "ed")) or len(cand.alias.split()) < 2:
        return False
    nxt = _NEXT_WORD.match(text, cand.end)
    return nxt is not None and nxt.group(1).lower() not in _NOUN_MAY_FOLLOW


_CONFIDENCE = {"exact": 1.0, "alias": 0.95}  # and 0.9 x the score for a fuzzy match


def find_evidence(doc: Document, lexicon: "Lexicon", *, doc_kind: str = "cv") -> tuple[Evidence, ...]:
    """Every lexicon term found in `doc`, with offsets into `doc.text`, section and reason."""
    # What the matchers and the context tests read: on a laid-out page a phrase, or the clause
    # around it, may wrap onto the next line. Same offsets; the evidence quotes doc.text itself.
    text = reading_text(doc)
    view = doc if text is doc.text else replace(doc, text=text)
    sdoc = make_doc(text)
    ctx = lexicon.context
    window = ctx.window_chars
    # Only a document with an ignored section (interests, references) needs each finding's section here.
    ignored = {sec.kind for sec in doc.sections} & set(ctx.ignored_sections)
    candidates = _exact_candidates(sdoc, lexicon)
    candidates += [Candidate(h.term_id, h.start, h.end, "fuzzy", h.alias, h.score) for h in fuzzy_hits(sdoc, build_index(lexicon), text)]
    allowed = []
    lowered = lower_case(text)
    found_terms = (lexicon.terms[t] for t in {c.term_id for c in candidates})  # only these can be ruled out
    ruled_out = {t.id for t in found_terms if t.reject_document and has_cue(lowered, t.reject_document)}
    for cand in candidates:
        if cand.term_id in ruled_out:
            continue
        term = lexicon.terms[cand.term_id]
        if ignored:
            section = doc.section_at(cand.start)
            if section is not None and section.kind in ignored:
                continue
        if term.kind == "title" and _discipline_not_person(text[cand.start:cand.end], cand.alias):
            continue
        if term.kind == "duty" and _verb_not_noun(text, cand) and cand.alias in term.aliases:
            continue
        requires, rejects = term.requires_context, term.reject_context
        if not (requires or rejects) or passes_guards(view, cand.start, cand.end, requires, rejects, window):
            allowed.append(cand)
    evidence = []
    for cand in resolve(allowed):
        term = lexicon.terms[cand.term_id]
        section = doc.section_at(cand.start)
        status: CertStatus | None = None
        if term.kind == "certification":
            status = cv_status(view, cand.start, cand.end, ctx) if doc_kind == "cv" else advert_status(view, cand.start, cand.end, ctx)
        confidence = _CONFIDENCE.get(cand.method, round(0.9 * cand.score / 100, 3))
        evidence.append(Evidence(
            term_id=term.id, kind=term.kind, label=term.label, text=doc.text[cand.start:cand.end], start=cand.start, end=cand.end,
            section=None if section is None else section.kind, method=cand.method, confidence=confidence,
            reason=_reason(cand, term.label), status=status))
    return tuple(evidence)
