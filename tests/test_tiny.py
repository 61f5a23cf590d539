"""Table tests of the overlap policy (`resolve`) and of scoring with hand-built evidence against a
tiny lexicon (tests/data/lexicon-tiny): pure functions, no reader and no spaCy."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from cv_matcher.lexicon import Lexicon, load_lexicon
from cv_matcher.matching.resolve import Candidate, resolve
from cv_matcher.models import Evidence
from cv_matcher.scoring import Verdict, score_levels
from cv_matcher.status import CertStatus

TINY = Path(__file__).parent / "data" / "lexicon-tiny"


@pytest.fixture(scope="module")
def tiny() -> Lexicon:
    return load_lexicon(TINY)  # cv_matcher.lexicon.load_lexicon: no trial run unless given one


def C(term: str, start: int, end: int, method: str = "exact", score: float = 100.0) -> Candidate:
    return Candidate(term, start, end, method, term, score)


# (rule, candidates, kept as (term, start, end) in text order); rules as numbered in resolve.py.
RESOLVE_TABLE = [
    ("1 longest exact wins", [C("a", 0, 10), C("b", 5, 8)], [("a", 0, 10)]),
    ("1 then the earliest", [C("b", 3, 8), C("a", 0, 5)], [("a", 0, 5)]),
    ("1 one term's overlapping spans merge", [C("a", 0, 6), C("a", 4, 10)], [("a", 0, 10)]),
    ("1 apart, all kept in order", [C("b", 20, 25), C("a", 0, 5)], [("a", 0, 5), ("b", 20, 25)]),
    ("2 fuzzy under its own exact is dropped", [C("a", 0, 5), C("a", 2, 7, "fuzzy", 95)], [("a", 0, 5)]),
    ("2 best fuzzy score wins", [C("a", 0, 6, "fuzzy", 90), C("b", 2, 8, "fuzzy", 95)], [("b", 2, 8)]),
    ("2 then the shortest", [C("a", 0, 9, "fuzzy", 95), C("b", 2, 8, "fuzzy", 95)], [("b", 2, 8)]),
    ("3 fuzzy containing another term's exact beats it", [C("p2", 0, 8), C("p2-prac", 0, 20, "fuzzy", 92)], [("p2-prac", 0, 20)]),
    ("4 fuzzy does not take claimed text", [C("a", 0, 5), C("b", 3, 9, "fuzzy", 99)], [("a", 0, 5)]),
    ("4 fuzzy fills free text", [C("a", 0, 5), C("b", 10, 15, "fuzzy", 90)], [("a", 0, 5), ("b", 10, 15)]),
]


@pytest.mark.parametrize("rule, candidates, kept", RESOLVE_TABLE, ids=[r[0] for r in RESOLVE_TABLE])
def test_resolve(rule: str, candidates: list[Candidate], kept: list[tuple[str, int, int]]) -> None:
    assert [(c.term_id, c.start, c.end) for c in resolve(candidates)] == kept


TEXT = "Project Manager\nExperience\nI take minutes and keep the RAID log. Basic certificate.\n"


def ev(lex: Lexicon, term_id: str, phrase: str, status: CertStatus | None = None) -> Evidence:
    """A finding of `term_id` where `phrase` stands in TEXT."""
    start = TEXT.index(phrase)
    term = lex.terms[term_id]
    return Evidence(term_id, term.kind, term.label, phrase, start, start + len(phrase), "experience", "exact", 1.0, "test", status)


def verdict(lex: Lexicon, *found: Evidence, years: float | None = None) -> Verdict:
    return score_levels(found, lex, text=TEXT, years=years)


def test_no_evidence_is_not_in_the_family(tiny: Lexicon) -> None:
    v = verdict(tiny)
    assert (v.rank, v.family_points, v.against_points) == (0, 0.0, 0.0)


def test_one_duty_at_the_family_threshold(tiny: Lexicon) -> None:
    v = verdict(tiny, ev(tiny, "minutes", "take minutes"))
    assert v.rank == 1 and v.family_points == 1.0  # pmo 1 x duty factor 1 x weight 1 = family_min_points
    assert v.scores[1].points == 1.0 and v.scores[2].points == 0.0
    assert "level 1 duty: Minute taking, seen as 'take minutes' in experience" in v.reasons


def test_the_higher_level_within_dominance_wins(tiny: Lexicon) -> None:
    v = verdict(tiny, ev(tiny, "minutes", "take minutes"), ev(tiny, "raid-log", "RAID log"))
    # level 1: 1.0 + 0.3; level 2: 1.0 >= dominance 0.7 x 1.3: the higher level is chosen
    assert [s.points for s in v.scores[1:]] == [1.3, 1.0] and v.rank == 2


def test_a_look_alike_title_counts_against(tiny: Lexicon) -> None:
    title = ev(tiny, "project-manager", "Project Manager")
    alone = verdict(tiny, title)
    # pm family weight 1 x title factor 1 x unsupported_title_factor (shipped 0.5): no pm-track work
    assert (alone.rank, alone.against_points) == (0, 0.5)
    with_work = verdict(tiny, title, ev(tiny, "raid-log", "RAID log"))
    assert with_work.rank == 2 and with_work.family_points == 1.0 and with_work.against_points == 0.5


def test_only_held_or_asked_for_certificates_count(tiny: Lexicon) -> None:
    duty = ev(tiny, "minutes", "take minutes")
    held = verdict(tiny, duty, ev(tiny, "cert-basic", "Basic certificate", CertStatus.HELD))
    studying = verdict(tiny, duty, ev(tiny, "cert-basic", "Basic certificate", CertStatus.STUDYING))
    assert "cert-basic" in held.contributions and "cert-basic" not in studying.contributions
    assert held.contributions["cert-basic"] == {1: 0.125, 2: 0.125}  # factor 0.25 x weight 0.5
    assert studying.family_points == 1.0 and held.family_points > 1.0


def test_years_spread_over_the_levels_they_fit(tiny: Lexicon) -> None:
    v = verdict(tiny, ev(tiny, "minutes", "take minutes"), years=1.0)
    # 1 year: fits level 1 (0-2) fully, level 2 (2-5) at 1 - 1/years_fit_span; kind_factor.years 0.5 spread
    assert v.contributions["years"] == pytest.approx({1: 0.3, 2: 0.2})


def test_the_tiny_lexicon_borrows_the_shipped_numbers(tiny: Lexicon) -> None:
    from cv_matcher.lexicon import cached_lexicon

    assert tiny.scoring.unsupported_title_factor == cached_lexicon().scoring.unsupported_title_factor
    assert tiny.scoring.family_min_points == 1.0 and tiny.context.setting == ()


def test_scoring_needs_no_spacy() -> None:
    code = ("import sys; from pathlib import Path; from cv_matcher.lexicon import load_lexicon; "
            "from cv_matcher.scoring import score_levels; from cv_matcher.models import Evidence; "
            f"lex = load_lexicon(Path({str(TINY)!r})); "
            "e = Evidence('minutes', 'duty', 'Minute taking', 'take minutes', 0, 12, None, 'exact', 1.0, 'test'); "
            "v = score_levels([e], lex, text='take minutes'); "
            "print(v.rank, 'spacy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["1", "False"]
