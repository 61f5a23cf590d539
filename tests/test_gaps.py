"""Gap reports follow the real certification ladders (pmo-domain.md §1f)."""
from __future__ import annotations

from cv_matcher.api import analyse, report
from cv_matcher.gaps import gap_report
from cv_matcher.lexicon import cached_lexicon
from cv_matcher.models import Evidence


def held(term_id: str) -> Evidence:
    return Evidence(term_id, "certification", term_id, term_id, 0, len(term_id), "certifications", "exact", 1.0, "test", "held")


def cert_advice(evidence: list[Evidence], target: int, years: float | None) -> list[str]:
    gaps = gap_report(evidence, cached_lexicon(), target, years=years)
    return [i.term_id for i in gaps.items if i.category == "certifications" and i.status == "missing"]


def test_no_practitioner_before_its_foundation() -> None:
    advice = cert_advice([], 3, years=5)
    assert "prince2-practitioner" not in advice and "prince2-foundation" in advice
    for practitioner in ("msp-practitioner", "p3o-practitioner"):
        assert practitioner not in cert_advice([], 4, years=10)


def test_practitioner_advised_once_the_foundation_is_held() -> None:
    assert cert_advice([held("prince2-foundation")], 3, years=5)[0] == "prince2-practitioner"


def test_no_pmp_before_36_months_suggest_capm() -> None:
    lex = cached_lexicon()
    junior = gap_report([held("prince2-foundation"), held("prince2-practitioner"), held("apm-pmq"), held("p3o-foundation"),
                         held("msp-foundation"), held("bcs-ppso"), held("pmi-pmocp")], lex, 3, years=2)
    ids = [i.term_id for i in junior.items if i.category == "certifications"]
    assert "pmp" not in ids


def test_a_held_exam_of_the_level_meets_the_certification_need() -> None:
    gaps = gap_report([held("p3o-foundation")], cached_lexicon(), 3, years=4)
    certs = [i for i in gaps.items if i.category == "certifications"]
    assert [(c.term_id, c.status) for c in certs] == [("p3o-foundation", "met")]


def test_senior_cv_is_not_told_to_book_travel(samples_cvs) -> None:
    an = analyse_path(samples_cvs / "cv14_head_of_pmo.docx")
    labels = [i["id"] for i in report(an)["gaps"]["missing"]]
    assert "travel-and-leave" not in labels and "minute-taking" not in labels


def test_gap_items_are_ordered_by_weight_within_category(samples_cvs) -> None:
    gaps = report(analyse_path(samples_cvs / "cv06_project_coordinator_cp1252.txt"))["gaps"]
    assert gaps["target"]["rank"] == 3
    duties = [i["weight"] for i in gaps["missing"] if i["category"] == "duties"]
    assert duties == sorted(duties, reverse=True) and duties
    assert all(i["suggestion"] for i in gaps["missing"])


def test_target_level_option() -> None:
    from helpers import doc_of

    an = analyse(doc_of("Experience\nProject Administrator: took minutes and kept the RAID log.\n"))
    assert report(an, target_level=4)["gaps"]["target"]["rank"] == 4
    assert report(an, target_level=4)["gaps"]["against"] == "chosen-level"


def analyse_path(path):
    from cv_matcher.api import load

    return analyse(load(path))
