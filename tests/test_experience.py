"""Years of experience and what "Present" means in a document that was written years ago."""
from __future__ import annotations

from datetime import date

import pytest

from cv_matcher.experience import date_ranges, experience_years, written_month
from cv_matcher.models import Document
from cv_matcher.sections import split_sections

TODAY = date(2026, 12, 1)


def _cv(body: str) -> Document:
    text = "Jane Smith\nExperience\n" + body
    return Document(source="cv.txt", text=text, sections=split_sections(text))


@pytest.mark.parametrize(("text", "expected"), [
    ("no dates at all", 2026 * 12 + 11),                       # nothing to go on: today
    ("Project Coordinator 2014 to Current", 2016 * 12),       # two years after the latest year named
    ("PMO Analyst 2026 - Present", 2026 * 12 + 11),           # ... but never after today
    ("PMO Analyst 2024 - Present", 2026 * 12),
    ("Born 1980. Analyst 2009 - 2012. Award 2013", 2015 * 12),
    ("Target for 2031 and 2045", 2026 * 12 + 11),             # future years are plans, not dates written
])
def test_written_month(text: str, expected: int) -> None:
    assert written_month(text, TODAY) == expected


@pytest.mark.parametrize(("body", "years"), [
    # A CV last touched in 2015: "Current" is not eleven years of work.
    ("PMO Analyst\nJanuary 2014 to Current\nRan the RAID log.\n", 2.1),
    ("Project Administrator\nMarch 2010 to December 2012\nProject Coordinator\nJanuary 2013 to Present\n", 4.9),
    ("PMO Manager\n2026 - Present\nPMO Analyst\n2019 - 2025\n", 8.0),   # recent CV: up to today
    ("Analyst\n2016 - 2018\n", 3.0),
])
def test_experience_years_reads_present_as_the_documents_date(body: str, years: float) -> None:
    assert experience_years(_cv(body), TODAY) == years


def test_explicit_present_month_overrides() -> None:
    (rng,) = date_ranges("2014 to Current", TODAY, present=2020 * 12)
    assert rng[:2] == (2014 * 12, 2020 * 12)
