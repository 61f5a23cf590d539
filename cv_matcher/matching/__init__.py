"""Find lexicon terms in a Document: spaCy phrase matching, rapidfuzz for typos, context rules,
one overlap policy. `find_evidence` is pure: it returns Evidence and never changes the Document."""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..models import Document, Evidence
from ..status import CertStatus
from .context import advert_status, cv_status, has_cue, passes_guards
from .fuzzy import build_index, fuzzy_hits
from .phrases import exact_candidates, make_doc
from .resolve import Candidate, resolve

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


def find_evidence(doc: Document, lexicon: "Lexicon", *, doc_kind: str = "cv") -> tuple[Evidence, ...]:
    """Every lexicon term found in `doc`, with offsets into `doc.text`, section and reason."""
    sdoc = make_doc(doc.text)
    ctx = lexicon.context
    window = ctx.window_chars
    ignored = set(ctx.ignored_sections)
    candidates = _exact_candidates(sdoc, lexicon)
    candidates += [Candidate(h.term_id, h.start, h.end, "fuzzy", h.alias, h.score) for h in fuzzy_hits(sdoc, build_index(lexicon), doc.text)]
    allowed = []
    lowered = doc.text.lower()
    found_terms = (lexicon.terms[t] for t in {c.term_id for c in candidates})  # only these can be ruled out
    ruled_out = {t.id for t in found_terms if t.reject_document and has_cue(lowered, t.reject_document)}
    for cand in candidates:
        if cand.term_id in ruled_out:
            continue
        term = lexicon.terms[cand.term_id]
        section = doc.section_at(cand.start)
        if section is not None and section.kind in ignored:
            continue
        if passes_guards(doc, cand.start, cand.end, term.requires_context, term.reject_context, window):
            allowed.append(cand)
    evidence = []
    for cand in resolve(allowed):
        term = lexicon.terms[cand.term_id]
        section = doc.section_at(cand.start)
        status: CertStatus | None = None
        if term.kind == "certification":
            status = cv_status(doc, cand.start, cand.end, ctx) if doc_kind == "cv" else advert_status(doc, cand.start, cand.end, ctx)
        confidence = {"exact": 1.0, "alias": 0.95}.get(cand.method, round(0.9 * cand.score / 100, 3))
        evidence.append(Evidence(
            term_id=term.id, kind=term.kind, label=term.label, text=doc.text[cand.start:cand.end], start=cand.start, end=cand.end,
            section=None if section is None else section.kind, method=cand.method, confidence=confidence,
            reason=_reason(cand, term.label), status=status))
    return tuple(evidence)
