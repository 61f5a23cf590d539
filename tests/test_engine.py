"""The one engine: `Analyzer` returns frozen typed reports whose to_dict() is the JSON contract,
the same JSON the module-level functions give."""
from __future__ import annotations

import dataclasses
import json
from importlib import resources
from pathlib import Path

import jsonschema
import pytest

import cv_matcher
from conftest import ROOT
from cv_matcher import Analyzer, CertStatus, MatchReport, Report
from cv_matcher import api

SCHEMA = json.loads((resources.files("cv_matcher") / "data" / "report.schema.json").read_text(encoding="utf-8"))
CV = ROOT / "sample_cvs" / "cv09_pmo_analyst_two_column.pdf"
CV_TXT = ROOT / "sample_cvs" / "cv11_senior_project_admin_rank3.txt"
ADVERT = ROOT / "sample_ads" / "ad03_pmo_analyst_contract.txt"


@pytest.fixture(scope="module")
def engine() -> Analyzer:
    return Analyzer()


def test_score_cv_is_typed_and_its_dict_is_the_public_json(engine: Analyzer) -> None:
    report = engine.score_cv(CV)
    assert isinstance(report, Report) and report.kind == "cv"
    assert report.level.rank == 3 and report.level.id == "pmo-analyst" and 0 < report.level.confidence <= 1
    assert report.gaps is not None and report.gaps.target_rank == 4
    as_json = report.to_dict()
    jsonschema.validate(as_json, SCHEMA)
    assert as_json == api.score_cv(CV)
    assert json.loads(json.dumps(as_json)) == as_json  # plain JSON types only (statuses are strings)


def test_reports_are_frozen(engine: Analyzer) -> None:
    report = engine.classify_advert(ADVERT)
    with pytest.raises(dataclasses.FrozenInstanceError):
        report.kind = "cv"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        report.level.rank = 1  # type: ignore[misc]
    match = engine.match(CV, ADVERT)
    with pytest.raises(dataclasses.FrozenInstanceError):
        match.fit = 1.0  # type: ignore[misc]


def test_classify_and_auto_agree(engine: Analyzer) -> None:
    advert = engine.classify_advert(ADVERT)
    auto = engine.analyse(ADVERT)  # kind="auto": told apart by its wording
    assert advert.kind == auto.kind == "advert"
    assert advert.to_dict() == auto.to_dict() == api.classify_advert(ADVERT)
    jsonschema.validate(advert.to_dict(), SCHEMA)
    assert advert.pay is not None and advert.pay.period == "day"
    assert engine.analyse(CV_TXT).kind == "cv"


def test_bytes_and_documents_are_sources(engine: Analyzer) -> None:
    data = CV_TXT.read_bytes()
    from_path = engine.score_cv(CV_TXT).to_dict()
    named = engine.score_cv(data, name=str(CV_TXT)).to_dict()
    sniffed = engine.score_cv(data).to_dict()
    assert named == from_path
    assert sniffed["source"] == "<bytes>.txt" and {**sniffed, "source": from_path["source"]} == from_path
    doc = engine.read(CV_TXT)
    assert engine.score_cv(doc).to_dict() == from_path


def test_match_report(engine: Analyzer) -> None:
    match = engine.match(CV, ADVERT)
    assert isinstance(match, MatchReport)
    assert match.to_dict() == api.match_cv_to_advert(CV, ADVERT)
    assert 0 <= match.fit <= 1 and match.level_fit.advert_rank == engine.classify_advert(ADVERT).level.rank
    assert match.requirements and all(r.status in ("met", "partly-met", "missing") for r in match.requirements)
    essentials = [r.requirement == "essential" for r in match.requirements]
    assert essentials == sorted(essentials, reverse=True)  # essentials first
    assert match.missing_essentials == tuple(r.label for r in match.requirements
                                             if r.requirement == "essential" and r.status == "missing")


def test_score_against_an_advert_and_a_chosen_level(engine: Analyzer) -> None:
    against = engine.score_cv(CV, advert=ADVERT)
    assert against.gaps is not None and against.gaps.against == "advert"
    assert {i.term_id for i in against.gaps.items} == {r.id for r in engine.match(CV, ADVERT).requirements}
    chosen = engine.score_cv(CV, target_level=2)
    assert chosen.gaps is not None and (chosen.gaps.target_rank, chosen.gaps.against) == (2, "chosen-level")
    with pytest.raises(ValueError, match="target_level must be one of 1, 2, 3, 4"):
        engine.score_cv(CV, target_level=9)


def test_certification_statuses_are_one_type(engine: Analyzer) -> None:
    report = engine.score_cv(CV_TXT)
    assert report.certifications and all(isinstance(c.status, CertStatus) for c in report.certifications)
    assert all(isinstance(e.status, CertStatus) for e in report.analysis.evidence if e.kind == "certification")  # type: ignore[union-attr]


def test_engine_settings_are_resolved_once(tmp_path: Path) -> None:
    engine = Analyzer(ocr=False, pdf_engine="pdfminer", prepare=False)
    assert engine.limits.ocr is False and engine.pdf_engine == "pdfminer"
    assert engine.lexicon is Analyzer(prepare=False).lexicon  # the shipped lexicon is loaded once per process
    assert engine.score_cv(CV).level.rank == Analyzer(prepare=False).score_cv(CV).level.rank


def test_public_surface() -> None:
    for name in cv_matcher.__all__:
        assert getattr(cv_matcher, name) is not None, name
    assert {"Analyzer", "Report", "MatchReport", "CertStatus"} <= set(cv_matcher.__all__)


GOLDEN_JSON = sorted((ROOT / "tests" / "golden").glob("sample_*/*.json"))


@pytest.mark.parametrize("path", GOLDEN_JSON, ids=[p.name for p in GOLDEN_JSON])
def test_a_stored_report_reads_back_exactly(path: Path) -> None:
    """Report.from_dict (how renderers read a batch's stored JSON) loses nothing the JSON holds."""
    stored = json.loads(path.read_text(encoding="utf-8"))
    report = Report.from_dict(stored)
    assert report.to_dict() == stored
    assert all(e.term_id == c.id and e.status == c.status for c in report.certifications for e in c.evidence)


def test_a_match_reads_back_exactly(engine: Analyzer) -> None:
    stored = engine.match(CV, ADVERT).to_dict()
    assert MatchReport.from_dict(stored).to_dict() == stored


def test_the_csv_has_one_score_column_per_level_of_the_ladder_in_use() -> None:
    from cv_matcher.reporting import csv_out
    from cv_matcher.models import Record

    tiny = Analyzer(ROOT / "tests" / "data" / "lexicon-tiny", prepare=False)
    report = tiny.score_cv(b"Experience\nI take minutes and keep the RAID log.\n", name="tiny.txt").to_dict()
    records = [Record("tiny.txt", "tiny.txt", None, "test", "cv", "", {}, report)]
    header, line = csv_out.render(records).splitlines()
    assert header == "file,kind,level_rank,level_label,confidence,score_l1,score_l2,certifications_held,experience_years,pay,top_gaps,error"
    assert line.startswith("tiny.txt,cv,2,Co-ordinator,")
    failed = [Record("x.txt", "x.txt", None, "test", "cv", "", {}, None, error="unreadable")]
    assert "score_l4" in csv_out.render(failed).splitlines()[0]  # no report: the shipped ladder's columns


def test_the_cli_takes_its_levels_from_the_ladder_in_use() -> None:
    from click.testing import CliRunner

    from cv_matcher.cli import cli

    tiny = str(ROOT / "tests" / "data" / "lexicon-tiny")
    bad = CliRunner().invoke(cli, ["score", str(CV_TXT), "--target-level", "3", "--lexicon", tiny])
    assert bad.exit_code == 2 and "3 is not a level of the ladder in use (1, 2)" in bad.output
    ok = CliRunner().invoke(cli, ["score", str(CV_TXT), "--target-level", "2", "--lexicon", tiny, "--format", "json"])
    assert ok.exit_code == 0, ok.output
    assert json.loads(ok.output)["gaps"]["target"]["id"] == "coordinator"
