"""The use cases as plain functions: score a CV, classify an advert, match a CV to an advert.

This is the only module the CLI calls. Everything returns plain dicts in the public JSON shape
(see report.schema.json) plus the typed objects for Python callers who want them.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from .experience import experience_years, is_plural_title, recency, recent_title
from .gaps import gap_report
from .kind import detect_kind
from .lexicon import Lexicon, cached_lexicon
from .lexicon import load_lexicon as read_lexicon
from .matching import find_evidence
from .models import Analysis, Document, Evidence, GapReport, Pay, Verdict
from .pay import find_pay, level_fit
from .readers import ReadLimits, read_bytes, read_document
from .readers.pdf import DEFAULT_ENGINE as DEFAULT_PDF_ENGINE
from .scoring import score_levels
from .sections import with_headings


def get_lexicon(lexicon: Lexicon | str | Path | None) -> Lexicon:
    """The lexicon given, or the one in that folder (loaded once, with its trial run), or the shipped one."""
    if isinstance(lexicon, Lexicon):
        return lexicon
    return cached_lexicon(None if lexicon is None else str(lexicon), trial_problems)


def load_lexicon(path: str | Path | None = None, *, trial: bool = True) -> Lexicon:
    """Read, validate and freeze a lexicon folder (default: the shipped one); another one must also
    score a sample CV and advert without error (`trial`): every problem is reported at once."""
    return read_lexicon(path, check=trial_problems if trial else None)


def load(source: str | Path | Document, *, limits: ReadLimits | None = None, pdf_engine: str = DEFAULT_PDF_ENGINE,
         data: bytes | None = None) -> Document:
    """A Document from a path, from bytes (with `source` as the name) or as given."""
    if isinstance(source, Document):
        return source
    if data is not None:
        return read_bytes(data, str(source), limits=limits, pdf_engine=pdf_engine)
    return read_document(source, limits=limits, pdf_engine=pdf_engine)


def _headline(doc: Document, kind: str, evidence: tuple[Evidence, ...], title: Evidence | None) -> Evidence | None:
    if kind == "advert":
        first_line_end = doc.text.find("\n")
        first = [e for e in evidence if e.kind == "title" and e.start < (first_line_end if first_line_end > 0 else 200)
                 and not is_plural_title(e.text)]
        return first[0] if first else title
    return title


def _warnings(lexicon: Lexicon, verdict: Verdict, pay: Pay | None, headline: Evidence | None) -> tuple[str, ...]:
    out = []
    rank = verdict.rank
    if pay is not None and rank > 0:
        fits = level_fit(pay, lexicon.pay.get("bands", {}), lexicon.pay)
        pay_rank = max(fits, key=lambda r: (fits[r], -abs(r - rank)))
        if fits[pay_rank] > 0 and abs(pay_rank - rank) >= 2:
            out.append(f"pay '{pay.text}' fits level {pay_rank} but the duties point to level {rank}")
    if headline is not None:
        term = lexicon.terms[headline.term_id]
        if term.family == "pmo" and term.levels and rank > 0 and abs(term.top_level - rank) >= 2:
            out.append(f"title '{headline.text}' suggests level {term.top_level} but the duties point to level {rank}")
        if term.family in ("pm", "agile") and rank > 0:
            out.append(f"title '{headline.text}' is a {term.family} track title, but the duties are PMO work")
        if term.family == "pmo" and rank == 0:
            out.append(f"title '{headline.text}' is a PMO title, but the document shows too little PMO work to place it")
    return tuple(out)


def analyse(document: Document, *, kind: str = "cv", lexicon: Lexicon | str | Path | None = None) -> Analysis:
    """Find evidence, pay, years and title, and score the levels."""
    lex = get_lexicon(lexicon)
    document = with_headings(document, lex.headings)
    if kind == "auto":
        kind = detect_kind(document)
    evidence = find_evidence(document, lex, doc_kind=kind)
    pay = find_pay(document.text, lex.pay.get("grades"), lex.pay)
    years = experience_years(document)
    title = recent_title(document, evidence)
    headline = _headline(document, kind, evidence, title)
    weights = lex.scoring.get("recency_weights", ()) if kind == "cv" else ()
    verdict = score_levels(evidence, lex, text=document.text, pay=pay, years=years, headline=headline,
                           recency=recency(document, weights), kind=kind)
    warnings = reading_warnings(document) + _warnings(lex, verdict, pay, headline)
    return Analysis(document, kind, evidence, verdict, pay, years, title, warnings)


def reading_warnings(document: Document) -> tuple[str, ...]:
    """What the reader left out or doubts (hidden text; readers/hidden.py), for the report."""
    from .readers import document_warnings
    from .readers.hidden import hidden_warning

    warning = hidden_warning(getattr(document, "hidden", ()))
    return (() if warning is None else (warning,)) + document_warnings(document)


def _next_rank(lex: Lexicon, rank: int) -> int:
    ranks = lex.ranks
    return min(ranks) if rank == 0 else min(max(ranks), rank + 1)


def report(analysis: Analysis, *, lexicon: Lexicon | str | Path | None = None, target_level: int | None = None,
           advert: Analysis | None = None) -> dict[str, Any]:
    """The public report object (JSON keys are a contract: see report.schema.json). For a CV the
    gap report is against `advert` if given, else `target_level`, else the next level up."""
    from .report_dict import build_report

    lex = get_lexicon(lexicon)
    gaps: GapReport | None = None
    if analysis.kind == "cv" and advert is not None:
        from .fit import advert_gap_report

        gaps = advert_gap_report(analysis, advert, lex)
    elif analysis.kind == "cv":
        target = target_level if target_level is not None else _next_rank(lex, analysis.verdict.rank)
        gaps = gap_report(analysis.evidence, lex, target, years=analysis.years,
                          against="chosen-level" if target_level is not None else "next-level")
    return build_report(analysis, lex, gaps)


def score_cv(source: str | Path | Document, *, lexicon: Lexicon | str | Path | None = None, target_level: int | None = None,
             limits: ReadLimits | None = None, pdf_engine: str = DEFAULT_PDF_ENGINE, data: bytes | None = None) -> dict[str, Any]:
    """Score one CV: level, confidence, reasons, evidence and the gap report."""
    doc = load(source, limits=limits, pdf_engine=pdf_engine, data=data)
    return report(analyse(doc, kind="cv", lexicon=lexicon), lexicon=lexicon, target_level=target_level)


def classify_advert(source: str | Path | Document, *, lexicon: Lexicon | str | Path | None = None, limits: ReadLimits | None = None,
                    pdf_engine: str = DEFAULT_PDF_ENGINE, data: bytes | None = None) -> dict[str, Any]:
    """Classify one job advert: level, pay, requirements."""
    doc = load(source, limits=limits, pdf_engine=pdf_engine, data=data)
    return report(analyse(doc, kind="advert", lexicon=lexicon), lexicon=lexicon)


def analyse_file(source: str | Path, *, kind: str = "cv", lexicon: Lexicon | str | Path | None = None, target_level: int | None = None,
                 limits: ReadLimits | None = None, pdf_engine: str = DEFAULT_PDF_ENGINE, data: bytes | None = None) -> dict[str, Any]:
    """One report for one file, `kind` = cv | advert | auto (batch's unit of work)."""
    doc = load(source, limits=limits, pdf_engine=pdf_engine, data=data)
    return report(analyse(doc, kind=kind, lexicon=lexicon), lexicon=lexicon, target_level=target_level)


def match_cv_to_advert(cv: str | Path | Document, advert: str | Path | Document, *, lexicon: Lexicon | str | Path | None = None,
                       limits: ReadLimits | None = None, pdf_engine: str = DEFAULT_PDF_ENGINE) -> dict[str, Any]:
    """Fit of a CV to an advert: requirements met / partly met / missing, and level fit."""
    from .fit import match_report

    lex = get_lexicon(lexicon)
    cv_an = analyse(load(cv, limits=limits, pdf_engine=pdf_engine), kind="cv", lexicon=lex)
    ad_an = analyse(load(advert, limits=limits, pdf_engine=pdf_engine), kind="advert", lexicon=lex)
    return match_report(cv_an, ad_an, lex)


TRIAL_CV = """Jane Smith
Profile
PMO Analyst with six years of experience supporting programme boards.
Experience
PMO Analyst, Acme Ltd, March 2019 - present
Maintained the RAID log, ran change control and produced consolidated highlight reports for the portfolio board.
Project Administrator, Beta plc, 2015 - 2019
Took minutes, kept the project diary and document control, 28,000 per year.
Certifications
PRINCE2 Practitioner (held); studying for MSP Foundation
Skills: MS Project, Power BI, Excel, stakeholder management
"""
TRIAL_ADVERT = """Senior PMO Analyst
About the role: set up PMO standards and portfolio governance, benefits tracking, line management of two analysts.
Essential: PRINCE2 Practitioner, RAID management, financial tracking. Desirable: MSP.
Salary: 45,000 - 52,000 per annum. Contract, outside IR35, 450 per day.
"""


def trial_problems(lexicon: Lexicon) -> list[str]:
    """Score a small CV and advert (and match them) with `lexicon`: any exception is a problem,
    named with where it happened, so a setting of the wrong shape is found when loading, not
    half-way through a batch."""
    import traceback

    from .fit import match_report

    try:
        cv = analyse(load("trial-cv.txt", data=TRIAL_CV.encode()), kind="cv", lexicon=lexicon)
        advert = analyse(load("trial-advert.txt", data=TRIAL_ADVERT.encode()), kind="advert", lexicon=lexicon)
        report(cv, lexicon=lexicon)
        report(cv, lexicon=lexicon, advert=advert)
        report(advert, lexicon=lexicon)
        match_report(cv, advert, lexicon)
    except RecursionError:
        return ["scoring a sample CV with this lexicon fails: nested too deeply"]
    except Exception as exc:  # noqa: BLE001 - exactly what this trial looks for
        frames = [f for f in traceback.extract_tb(exc.__traceback__) if "cv_matcher" in f.filename]
        where = f" (in {Path(frames[-1].filename).name}, {frames[-1].name})" if frames else ""
        detail = " ".join(str(exc).split())[:160]
        return [f"scoring a sample CV with this lexicon fails: {type(exc).__name__}: {detail}{where}; "
                "a setting probably has the wrong type or an impossible value"]
    return []
