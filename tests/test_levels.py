"""Level scoring on the project's samples (incl. the hard cases the issue names) and on the real
documents of ../shared/corpus, plus the scorer's explainability."""
from __future__ import annotations

import csv
from pathlib import Path

import pytest

from cv_matcher.api import analyse, analyse_file, load
from cv_matcher.evaluation import evaluate_folder
from conftest import CORPUS, ROOT
from helpers import doc_of


@pytest.fixture(scope="module")
def sample_results():
    return {name: evaluate_folder(ROOT / name, lambda p, k: analyse_file(p, kind=k)) for name in ("sample_cvs", "sample_ads")}


@pytest.mark.parametrize("folder", ["sample_cvs", "sample_ads"])
def test_sample_accuracy(sample_results, folder: str) -> None:
    result = sample_results[folder]
    assert result.overall.exact / result.overall.n >= 0.9, result.lines()
    assert result.overall.within == result.overall.n, result.lines()
    assert result.hard.n >= 5 and result.hard.exact / result.hard.n >= 0.9, result.lines()


@pytest.mark.parametrize("folder", ["sample_cvs", "sample_ads"])
def test_sample_certifications(sample_results, folder: str) -> None:
    result = sample_results[folder]
    assert result.precision >= 0.95 and result.recall >= 0.95, result.lines()


# The hard cases named in the scoring issue, each as a sample written for it.
HARD_CASES = [
    ("sample_cvs/cv15_pmo_officer_rank4.pdf", "cv", 4),            # "PMO Officer" who set up a programme office, £450/day
    ("sample_cvs/cv07_charity_pm_coordinator.docx", "cv", 2),      # "Project Manager" coordinating office moves for £27k
    ("sample_cvs/cv16_portfolio_lead_no_certs.txt", "cv", 4),      # senior PMO with no certificates
    ("sample_cvs/cv03_pa_project_admin.docx", "cv", 1),            # PA with PRINCE2 Foundation
    ("sample_cvs/cv19_delivery_pm_prince2.docx", "cv", 0),         # delivery PM, PRINCE2 Practitioner, no PMO duties
    ("sample_cvs/cv18_developer_prince2.pdf", "cv", 0),            # developer with PRINCE2 Practitioner
    ("sample_ads/ad07_care_coordinator.txt", "advert", 0),         # care coordinator
    ("sample_ads/ad14_delivery_pm.txt", "advert", 0),              # Project Manager delivery role
]


@pytest.mark.parametrize("path, kind, rank", HARD_CASES)
def test_named_hard_cases(path: str, kind: str, rank: int) -> None:
    report = analyse_file(ROOT / path, kind=kind)
    assert report["level"]["rank"] == rank, report["reasons"]


def test_reasons_say_what_each_piece_of_evidence_added() -> None:
    report = analyse_file(ROOT / "sample_cvs/cv15_pmo_officer_rank4.pdf")
    assert report["reasons"][0].startswith("PMO-family document: ")
    assert any(r.startswith("level 4 duty: ") and "Setting up a PMO" in r for r in report["reasons"])
    assert 0 < report["level"]["confidence"] <= 1
    assert abs(sum(s["score"] for s in report["level_scores"] if s["rank"] > 0) - 1) < 0.01


def test_title_duty_clash_is_a_warning() -> None:
    report = analyse_file(ROOT / "sample_cvs/cv04_pmo_manager_title_admin.pdf")
    assert report["level"]["rank"] == 1
    assert any("title 'PMO Manager' suggests level 4" in w for w in report["warnings"])


def test_certificates_never_decide_alone() -> None:
    cv = ("Experience\nProject Administrator, Acme transformation programme\n- Took minutes at project meetings and kept the RAID log"
          " up to date\n- Supported the project manager with diary management and document control\n")
    bare = analyse(doc_of(cv))
    certified = analyse(doc_of(cv + "Certifications\nPRINCE2 Practitioner, MSP Practitioner, PgMP\n"))
    assert bare.verdict.rank == certified.verdict.rank == 1


def test_adding_evidence_never_lowers_that_levels_points() -> None:
    base = "Experience\nConsolidated weekly highlight reports and managed the RAID log.\n"
    more = base + "Tracked budget vs actuals and ran change control.\n"
    p0 = {s.rank: s.points for s in analyse(doc_of(base)).verdict.scores}
    p1 = {s.rank: s.points for s in analyse(doc_of(more)).verdict.scores}
    assert all(p1[r] >= p0[r] for r in p0)


def _corpus_labels() -> list[dict[str, str]]:
    path = CORPUS / "labels.csv"
    if not path.is_file():
        return []
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


# Issue 10: no non-PMO CV of another profession gets a PMO level. (Among the real PMO-family
# adverts and resumes, level-0 look-alikes are scored by the cross-validated figures instead.)
NON_PMO = [lab for lab in _corpus_labels() if lab["rank"].rstrip("?") == "0" and lab["file"].split("/")[0] in ("files", "resume-dataset")]


@pytest.mark.parametrize("label", NON_PMO, ids=[lab["file"] for lab in NON_PMO])
def test_no_non_pmo_corpus_document_gets_a_pmo_level(label: dict[str, str], corpus: Path) -> None:
    report = analyse_file(corpus / label["file"], kind=label["kind"])
    assert report["level"]["rank"] == 0, report["reasons"][:4]
    # Nothing is invented: each certification is in the text, and the document is not given a PMO job title.
    text = load(corpus / label["file"]).text
    assert all(text[e["start"]:e["end"]] == e["text"] for c in report["certifications"] for e in c["evidence"])
    assert report["title"] is None or report["title"]["family"] != "pmo", report["title"]


def test_corpus_pmo_documents_are_placed(corpus: Path) -> None:
    assert analyse(load(corpus / "resume-dataset/PMO_02.txt")).verdict.rank == 3
    # PMO_01 is labelled 4, and the reviewer's note adds "could be 3": much of it is analyst work.
    an = analyse(load(corpus / "resume-dataset/PMO_01.txt"))
    assert an.verdict.rank in (3, 4)
    assert any(e.term_id == "establish-pmo" for e in an.evidence)


def test_kind_detection_on_samples_and_corpus() -> None:
    from cv_matcher.kind import detect_kind

    paths = [(p, "cv") for p in (ROOT / "sample_cvs").iterdir() if p.suffix in (".txt", ".pdf", ".docx")]
    paths += [(p, "advert") for p in (ROOT / "sample_ads").iterdir() if p.suffix in (".txt", ".pdf", ".docx")]
    paths += [(CORPUS / lab["file"], lab["kind"]) for lab in _corpus_labels()]
    wrong = [str(p) for p, kind in paths if detect_kind(load(p)) != kind]
    assert not wrong


@pytest.mark.parametrize("folder", ["benchmarks/holdout", "benchmarks/holdout2"])
def test_held_out_sets(folder: str) -> None:
    """36 + 40 documents written apart from the lexicon and scorer, by writers who never saw it.
    Some rules were later informed by their misses, so the bar is below the samples'."""
    result = evaluate_folder(ROOT / folder, lambda p, k: analyse_file(p, kind=k))
    assert result.overall.exact / result.overall.n >= 0.85, result.lines()
    assert result.overall.within / result.overall.n >= 0.95, result.lines()
    assert result.f1 >= 0.9, result.lines()
