"""cv-matcher: read CVs and job adverts and place them on the PMO career ladder, with evidence.

>>> from cv_matcher import Analyzer
>>> engine = Analyzer()                                               # doctest: +SKIP
>>> report = engine.score_cv("sample_cvs/cv09_pmo_analyst_two_column.pdf")  # doctest: +SKIP
>>> report.level.rank, report.reasons[:2]                              # doctest: +SKIP
>>> report.to_dict()["level"]                                          # doctest: +SKIP

`Analyzer` returns frozen `Report` / `MatchReport` objects; the module-level functions
(`score_cv`, ...) return the same reports as JSON-ready dicts. Names are imported on first use,
so `import cv_matcher` (and `cv-matcher --help`) stays fast.
"""
from __future__ import annotations

from importlib import import_module
from typing import Any

__all__ = [
    "Analyzer", "Report", "MatchReport", "Level", "Alternative", "Certification", "Skill", "Title", "Requirement", "LevelFit",
    "Analysis", "CertStatus", "ReadLimits", "Lexicon",
    "score_cv", "classify_advert", "match_cv_to_advert", "analyse", "analyse_file", "load", "report",
    "load_lexicon", "read_document", "Document", "Section", "Evidence", "LevelScore", "GapReport", "GapItem",
    "CvMatcherError", "DocumentReadError", "UnsupportedFormatError", "LexiconError",
]

_WHERE = {
    "Analyzer": "engine", **{name: "results" for name in ("Report", "MatchReport", "Level", "Alternative", "Certification", "Skill",
                                                           "Title", "Requirement", "LevelFit")},
    "Analysis": "models", "CertStatus": "status", "ReadLimits": "readers", "Lexicon": "lexicon",
    "score_cv": "api", "classify_advert": "api", "match_cv_to_advert": "api", "analyse": "api", "analyse_file": "api",
    "load": "api", "report": "api", "load_lexicon": "api", "read_document": "readers",
    "Document": "models", "Section": "models", "Evidence": "models", "LevelScore": "models", "GapReport": "models",
    "GapItem": "models", "CvMatcherError": "errors", "DocumentReadError": "errors", "UnsupportedFormatError": "errors",
    "LexiconError": "errors",
}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(import_module(f".{_WHERE[name]}", __name__), name)
    raise AttributeError(f"module 'cv_matcher' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
