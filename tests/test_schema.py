"""Every report validates against the shipped JSON Schema; its offsets point at the text."""
from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import jsonschema
import pytest

from cv_matcher.api import analyse_file, load
from conftest import ROOT

SCHEMA = json.loads((resources.files("cv_matcher") / "data" / "report.schema.json").read_text(encoding="utf-8"))
SAMPLES = sorted(p for folder in ("sample_cvs", "sample_ads") for p in (ROOT / folder).iterdir() if p.suffix in (".txt", ".pdf", ".docx"))


@pytest.mark.parametrize("path", SAMPLES, ids=[p.name for p in SAMPLES])
def test_report_validates_and_offsets_hold(path: Path) -> None:
    kind = "advert" if path.parent.name == "sample_ads" else "cv"
    report = analyse_file(path, kind=kind)
    jsonschema.validate(report, SCHEMA)
    text = load(path).text
    for entry in report["certifications"] + report["skills"]:
        for ev in entry["evidence"]:
            assert text[ev["start"]:ev["end"]] == ev["text"]
    if report["pay"]:
        assert text[report["pay"]["start"]:report["pay"]["end"]] == report["pay"]["text"]


def test_schema_is_itself_valid() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
