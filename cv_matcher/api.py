"""The use cases as plain functions returning JSON-ready dicts (report.schema.json): thin wrappers
over a default `Analyzer` (engine.py) per lexicon, read limits and PDF engine. Python callers who
want typed, frozen reports use `Analyzer` itself.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from .engine import Analyzer, get_lexicon, reading_warnings, trial_problems
from .lexicon import Lexicon
from .lexicon import load_lexicon as read_lexicon
from .matching import find_evidence
from .models import Analysis, Document
from .readers import ReadLimits
from .readers.pdf import DEFAULT_ENGINE as DEFAULT_PDF_ENGINE

__all__ = ["Analysis", "analyse", "analyse_file", "classify_advert", "engine", "find_evidence", "get_lexicon", "load", "load_lexicon",
           "match_cv_to_advert", "reading_warnings", "report", "score_cv"]

LexiconArg = Lexicon | str | Path | None


@lru_cache(maxsize=16)
def _engine(lexicon: Lexicon | str | None, limits: ReadLimits | None, pdf_engine: str) -> Analyzer:
    return Analyzer(lexicon, limits=limits, pdf_engine=pdf_engine, prepare=False)


def engine(lexicon: LexiconArg = None, *, limits: ReadLimits | None = None, pdf_engine: str = DEFAULT_PDF_ENGINE) -> Analyzer:
    """The default Analyzer for these settings, built once per process."""
    key = lexicon if isinstance(lexicon, Lexicon) or lexicon is None else str(lexicon)
    return _engine(key, limits, pdf_engine)


def load(source: str | Path | Document, *, limits: ReadLimits | None = None, pdf_engine: str = DEFAULT_PDF_ENGINE,
         data: bytes | None = None) -> Document:
    """A Document from a path, from bytes (with `source` as the name) or as given."""
    if isinstance(source, Document):
        return source
    src: str | Path | bytes = source if data is None else data
    return engine(limits=limits, pdf_engine=pdf_engine).read(src, name=None if data is None else str(source))


def analyse(document: Document, *, kind: str = "cv", lexicon: LexiconArg = None) -> Analysis:
    """Find evidence, pay, years and title, and score the levels."""
    return engine(lexicon).analysis(document, kind=kind)


def report(analysis: Analysis, *, lexicon: LexiconArg = None, target_level: int | None = None,
           advert: Analysis | None = None) -> dict[str, Any]:
    """The public report object (JSON keys are a contract: see report.schema.json). For a CV the
    gap report is against `advert` if given, else `target_level`, else the next level up."""
    return engine(lexicon).report(analysis, target_level=target_level, advert=advert).to_dict()


def score_cv(source: str | Path | Document, *, lexicon: LexiconArg = None, target_level: int | None = None,
             limits: ReadLimits | None = None, pdf_engine: str = DEFAULT_PDF_ENGINE, data: bytes | None = None) -> dict[str, Any]:
    """Score one CV: level, confidence, reasons, evidence and the gap report."""
    doc = load(source, limits=limits, pdf_engine=pdf_engine, data=data)
    return engine(lexicon).score_cv(doc, target_level=target_level).to_dict()


def classify_advert(source: str | Path | Document, *, lexicon: LexiconArg = None, limits: ReadLimits | None = None,
                    pdf_engine: str = DEFAULT_PDF_ENGINE, data: bytes | None = None) -> dict[str, Any]:
    """Classify one job advert: level, pay, requirements."""
    doc = load(source, limits=limits, pdf_engine=pdf_engine, data=data)
    return engine(lexicon).classify_advert(doc).to_dict()


def analyse_file(source: str | Path, *, kind: str = "cv", lexicon: LexiconArg = None, target_level: int | None = None,
                 limits: ReadLimits | None = None, pdf_engine: str = DEFAULT_PDF_ENGINE, data: bytes | None = None) -> dict[str, Any]:
    """One report for one file, `kind` = cv | advert | auto (batch's unit of work)."""
    doc = load(source, limits=limits, pdf_engine=pdf_engine, data=data)
    return engine(lexicon).analyse(doc, kind, target_level=target_level).to_dict()


def match_cv_to_advert(cv: str | Path | Document, advert: str | Path | Document, *, lexicon: LexiconArg = None,
                       limits: ReadLimits | None = None, pdf_engine: str = DEFAULT_PDF_ENGINE) -> dict[str, Any]:
    """Fit of a CV to an advert: requirements met / partly met / missing, and level fit."""
    return engine(lexicon, limits=limits, pdf_engine=pdf_engine).match(cv, advert).to_dict()


def load_lexicon(path: str | Path | None = None, *, trial: bool = True) -> Lexicon:
    """Read, validate and freeze a lexicon folder (default: the shipped one); another one must also
    score a sample CV and advert without error (`trial`): every problem is reported at once."""
    return read_lexicon(path, check=trial_problems if trial else None)
