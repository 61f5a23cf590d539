"""cv-matcher: read CVs and job adverts and place them on the PMO career ladder, with evidence.

>>> from cv_matcher import score_cv
>>> report = score_cv("sample_cvs/cv15_pmo_officer_rank4.pdf")  # doctest: +SKIP
>>> report["level"]["rank"], report["reasons"][:2]                # doctest: +SKIP

Names are imported on first use, so `import cv_matcher` (and `cv-matcher --help`) stays fast.
"""
from __future__ import annotations

from importlib import import_module
from typing import Any

__all__ = [
    "score_cv", "classify_advert", "match_cv_to_advert", "analyse", "analyse_file", "load", "report",
    "load_lexicon", "read_document", "Document", "Section", "Evidence", "LevelScore", "GapReport", "GapItem",
    "CvMatcherError", "DocumentReadError", "UnsupportedFormatError", "LexiconError",
]

_WHERE = {
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
