"""`Analyzer`: the one engine. Built once from a lexicon, read limits and a PDF engine; every use
case (score a CV, classify an advert, analyse either, match a CV to an advert) is a method that
returns a frozen report (results.py).

>>> from cv_matcher import Analyzer
>>> engine = Analyzer()                                        # doctest: +SKIP
>>> report = engine.score_cv("sample_cvs/cv09_pmo_analyst_two_column.pdf")  # doctest: +SKIP
>>> report.level.rank, report.level.label, report.level.confidence          # doctest: +SKIP
>>> engine.match("cv.docx", "advert.pdf").fit                              # doctest: +SKIP

A source is a path, the bytes of a file (its format named by `name=`'s suffix, else sniffed), or
a `Document` already read.
"""
from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path
from typing import Union

from .experience import experience_years, is_plural_title, recency, recent_title
from .gaps import gap_report
from .kind import detect_kind
from .lexicon import Lexicon, cached_lexicon
from .matching import find_evidence
from .matching.wrap import on_one_line, reading_text
from .models import KINDS, Analysis, Document, Evidence, GapReport, Pay, Verdict
from .pay import find_pay, level_fit
from .readers import ReadLimits, read_bytes, read_document
from .readers.pdf import DEFAULT_ENGINE as DEFAULT_PDF_ENGINE
from .results import MatchReport, Report
from .scoring import score_levels
from .sections import with_headings

Source = Union[str, "os.PathLike[str]", bytes, Document]

__all__ = ["KINDS", "Analyzer", "Source", "get_lexicon", "reading_warnings", "trial_problems"]


def get_lexicon(lexicon: Lexicon | str | Path | None) -> Lexicon:
    """A Lexicon as given, or the one in folder `lexicon` (None: the shipped one), loaded once."""
    if isinstance(lexicon, Lexicon):
        return lexicon
    return cached_lexicon(None if lexicon is None else str(lexicon), trial_problems)


def sniffed_name(data: bytes, stem: str = "<bytes>") -> str:
    """A name for bytes without one, its suffix from the first bytes (PDF, a zip is DOCX, else text)."""
    return stem + (".pdf" if data.startswith(b"%PDF") else ".docx" if data.startswith(b"PK") else ".txt")


def reading_warnings(document: Document) -> tuple[str, ...]:
    """What the reader left out or doubts (hidden text; readers/hidden.py), for the report."""
    from .readers import document_warnings
    from .readers.hidden import hidden_warning

    warning = hidden_warning(getattr(document, "hidden", ()))
    return (() if warning is None else (warning,)) + document_warnings(document)


class Analyzer:
    """Reads, analyses and reports documents with one lexicon, one set of read limits and one PDF
    engine, all resolved once here. `ocr=False` turns OCR of scans off (as `--no-ocr`); `prepare`
    compiles the phrase and fuzzy matchers now rather than on the first document."""

    def __init__(self, lexicon: Lexicon | str | Path | None = None, *, limits: ReadLimits | None = None,
                 pdf_engine: str | None = None, ocr: bool | None = None, prepare: bool = True) -> None:
        self.lexicon = get_lexicon(lexicon)
        base = ReadLimits() if limits is None else limits
        self.limits = base if ocr is None else replace(base, ocr=ocr)
        self.pdf_engine = DEFAULT_PDF_ENGINE if pdf_engine is None else pdf_engine
        if prepare:
            self.prepare()

    def __repr__(self) -> str:
        return f"Analyzer(lexicon={self.lexicon.path!r}, pdf_engine={self.pdf_engine!r})"

    def prepare(self) -> None:
        """Compile the lexicon's matchers (cached per lexicon: later documents reuse them)."""
        from .matching.fuzzy import build_index
        from .matching.phrases import compile_matchers

        compile_matchers(self.lexicon)
        build_index(self.lexicon)

    # --- reading and analysis -------------------------------------------------------------------

    def read(self, src: Source, *, name: str | None = None) -> Document:
        """A Document from a path, from bytes (`name` gives the format by its suffix) or as given."""
        if isinstance(src, Document):
            return src
        if isinstance(src, bytes):
            return read_bytes(src, sniffed_name(src) if name is None else name, limits=self.limits, pdf_engine=self.pdf_engine)
        return read_document(os.fspath(src), limits=self.limits, pdf_engine=self.pdf_engine)

    def analysis(self, src: Source | Analysis, *, kind: str = "cv", name: str | None = None) -> Analysis:
        """Evidence, pay, years, title and the verdict of one document (`kind`: cv | advert | auto)."""
        if isinstance(src, Analysis):
            return src
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
        lex = self.lexicon
        document = with_headings(self.read(src, name=name), lex.headings)  # the readers split with the shipped headings
        if kind == "auto":
            kind = detect_kind(document)
        evidence = find_evidence(document, lex, doc_kind=kind)
        pay = find_pay(document.text, lex.pay.grades, lex.pay)
        years = experience_years(document)
        title = recent_title(document, evidence)
        headline = _headline(document, kind, evidence, title)
        weights = lex.scoring.recency_weights if kind == "cv" else ()
        verdict = score_levels(evidence, lex, text=reading_text(document), pay=pay, years=years, headline=headline,
                               recency=recency(document, weights), kind=kind)
        warnings = reading_warnings(document) + _warnings(lex, verdict, pay, headline)
        return Analysis(document, kind, evidence, verdict, pay, years, title, warnings)

    def report(self, analysis: Analysis, *, target_level: int | None = None, advert: Analysis | None = None) -> Report:
        """The report of an analysed document. For a CV the gap report is against `advert` if
        given, else `target_level`, else the next level up."""
        from .report_dict import build

        return build(analysis, self.lexicon, self._gaps(analysis, target_level, advert))

    def _gaps(self, analysis: Analysis, target_level: int | None, advert: Analysis | None) -> GapReport | None:
        if analysis.kind != "cv":
            return None
        if advert is not None:
            from .fit import advert_gap_report

            return advert_gap_report(analysis, advert, self.lexicon)
        ranks = self.lexicon.ranks
        if target_level is not None and target_level not in ranks:
            raise ValueError(f"target_level must be one of {', '.join(map(str, ranks))}, not {target_level!r}")
        rank = analysis.verdict.rank
        target = target_level if target_level is not None else (min(ranks) if rank == 0 else min(max(ranks), rank + 1))
        return gap_report(analysis.evidence, self.lexicon, target, years=analysis.years,
                          against="chosen-level" if target_level is not None else "next-level")

    # --- the use cases ----------------------------------------------------------------------------

    def score_cv(self, src: Source, *, name: str | None = None, target_level: int | None = None,
                 advert: Source | Analysis | None = None) -> Report:
        """Score one CV: level, confidence, reasons, evidence and the gap report (against
        `advert` if given, else `target_level`, else the next level up)."""
        ad = None if advert is None else self.analysis(advert, kind="advert")
        return self.report(self.analysis(src, kind="cv", name=name), target_level=target_level, advert=ad)

    def classify_advert(self, src: Source, *, name: str | None = None) -> Report:
        """Classify one job advert: level, pay, requirements."""
        return self.report(self.analysis(src, kind="advert", name=name))

    def analyse(self, src: Source, kind: str = "auto", *, name: str | None = None, target_level: int | None = None) -> Report:
        """One report for one document; `kind` = cv | advert | auto (told apart by its wording)."""
        return self.report(self.analysis(src, kind=kind, name=name), target_level=target_level)

    def match(self, cv: Source | Analysis, advert: Source | Analysis) -> MatchReport:
        """Fit of a CV to an advert: requirements met / partly met / missing, and level fit."""
        from .fit import fit_report

        return fit_report(self.analysis(cv, kind="cv"), self.analysis(advert, kind="advert"), self.lexicon)


def _headline(doc: Document, kind: str, evidence: tuple[Evidence, ...], title: Evidence | None) -> Evidence | None:
    """The role's own title: an advert's first-line title (not a plural one), else the CV's latest."""
    if kind == "advert":
        first_line_end = doc.text.find("\n")
        first = [e for e in evidence if e.kind == "title" and e.start < (first_line_end if first_line_end > 0 else 200)
                 and not is_plural_title(e.text)]
        return first[0] if first else title
    return title


def _warnings(lexicon: Lexicon, verdict: Verdict, pay: Pay | None, headline: Evidence | None) -> tuple[str, ...]:
    """Where pay or the title disagree with the duties by two levels or more, or name another track."""
    out = []
    rank = verdict.rank
    fits = level_fit(pay, lexicon.pay) if pay is not None and rank > 0 else {}
    if pay is not None and fits:
        pay_rank = max(fits, key=lambda r: (fits[r], -abs(r - rank)))
        if fits[pay_rank] > 0 and abs(pay_rank - rank) >= 2:
            out.append(f"pay '{pay.text}' fits level {pay_rank} but the duties point to level {rank}")
    if headline is not None:
        term, shown = lexicon.terms[headline.term_id], on_one_line(headline.text)
        if term.family == "pmo" and term.levels and rank > 0 and abs(term.top_level - rank) >= 2:
            out.append(f"title '{shown}' suggests level {term.top_level} but the duties point to level {rank}")
        if term.family in ("pm", "agile") and rank > 0:
            out.append(f"title '{shown}' is a {term.family} track title, but the duties are PMO work")
        if term.family == "pmo" and rank == 0:
            out.append(f"title '{shown}' is a PMO title, but the document shows too little PMO work to place it")
    return tuple(out)


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

    try:
        engine = Analyzer(lexicon, prepare=False)
        cv = engine.analysis(TRIAL_CV.encode(), kind="cv", name="trial-cv.txt")
        advert = engine.analysis(TRIAL_ADVERT.encode(), kind="advert", name="trial-advert.txt")
        for report in (engine.report(cv), engine.report(cv, advert=advert), engine.report(advert), engine.match(cv, advert)):
            report.to_dict()
    except RecursionError:
        return ["scoring a sample CV with this lexicon fails: nested too deeply"]
    except Exception as exc:  # noqa: BLE001 - exactly what this trial looks for
        frames = [f for f in traceback.extract_tb(exc.__traceback__) if "cv_matcher" in f.filename]
        where = f" (in {Path(frames[-1].filename).name}, {frames[-1].name})" if frames else ""
        detail = " ".join(str(exc).split())[:160]
        return [f"scoring a sample CV with this lexicon fails: {type(exc).__name__}: {detail}{where}; "
                "a setting probably has the wrong type or an impossible value"]
    return []
