"""The command line: outputs, exit codes, one-line errors without tracebacks, stdin."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from cv_matcher.cli import FORMATS, cli
from cv_matcher.reporting import REPORTERS
from conftest import ROOT

CV = str(ROOT / "sample_cvs/cv09_pmo_analyst_two_column.pdf")
AD = str(ROOT / "sample_ads/ad03_pmo_analyst_contract.txt")


def run(*args: str, input: bytes | None = None):
    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)


def test_format_choices_follow_the_registry() -> None:
    assert set(FORMATS) == set(REPORTERS)


def test_score_text_json_markdown() -> None:
    text = run("score", CV)
    assert text.exit_code == 0 and "Level: 3 - PMO / Project Support Analyst" in text.output and "Gaps for level 4" in text.output
    report = json.loads(run("score", CV, "--format", "json").output)
    assert report["level"]["rank"] == 3 and report["kind"] == "cv"
    assert run("score", CV, "--format", "markdown").output.startswith("# ")


def test_classify_shows_pay() -> None:
    result = run("classify", AD)
    assert result.exit_code == 0 and "Pay: 325.00-375.00 GBP per day (contract, outside IR35)" in result.output


def test_match() -> None:
    report = json.loads(run("match", CV, AD, "--format", "json").output)
    assert 0 <= report["fit"] <= 1 and report["level_fit"]["fits"]
    assert {r["status"] for r in report["requirements"]} <= {"met", "partly-met", "missing"}


def test_score_against_an_advert() -> None:
    report = json.loads(run("score", CV, "--advert", AD, "--format", "json").output)
    assert report["gaps"]["against"] == "advert" and report["gaps"]["missing"]


def test_stdin() -> None:
    data = (ROOT / "sample_cvs/cv11_senior_project_admin_rank3.txt").read_bytes()
    report = json.loads(run("score", "-", "--format", "json", input=data).output)
    assert report["level"]["rank"] == 3


def test_text_command_marks_sections() -> None:
    result = run("text", str(ROOT / "sample_cvs/cv12_pmo_analyst_tables.docx"))
    assert result.exit_code == 0 and "[[experience]]" in result.output and "olumide.adebayo@example.com" in result.output
    doc = json.loads(run("text", str(ROOT / "sample_cvs/cv12_pmo_analyst_tables.docx"), "--format", "json").output)
    assert all(doc["text"][s["start"]:s["end"]] for s in doc["sections"])


@pytest.mark.parametrize("name, content, message", [
    ("missing.pdf", None, "missing.pdf: "),
    ("cv.xyz", b"x", "unsupported"),
    ("bad.pdf", b"%PDF-1.4\n1 0 obj <<", "bad.pdf: "),
    ("bad.docx", b"not a zip", "bad.docx: "),
    ("empty.txt", b"", "empty.txt: "),
])
def test_bad_input_is_one_line_without_traceback(tmp_path: Path, name: str, content: bytes | None, message: str) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    proc = subprocess.run([sys.executable, "-m", "cv_matcher", "score", str(path)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1
    assert proc.stdout == "" and "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("cv-matcher: error: ") and message.lower() in lines[0].lower()


def test_usage_error_exits_2() -> None:
    assert CliRunner().invoke(cli, ["score"]).exit_code == 2
    assert CliRunner().invoke(cli, ["score", CV, "--target-level", "9"]).exit_code == 2


def test_lexicon_commands(tmp_path: Path) -> None:
    ok = run("lexicon", "check")
    assert ok.exit_code == 0 and "OK" in ok.output
    shown = run("lexicon", "show", "--kind", "certification").output
    assert "prince2-practitioner" in shown and "minute-taking" not in shown
    (tmp_path / "ladder.toml").write_text("not = [toml", encoding="utf-8")
    bad = CliRunner().invoke(cli, ["lexicon", "check", str(tmp_path)])
    assert bad.exit_code == 1 and "ladder.toml: invalid TOML" in bad.output


def test_other_lexicon_option(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["score", CV, "--lexicon", str(tmp_path)])
    assert result.exit_code == 1 and "lexicon" in result.output


def test_evaluate_command() -> None:
    result = run("evaluate", str(ROOT / "sample_ads"), "--quiet")
    assert result.exit_code == 0 and result.output.strip().splitlines()[-1].startswith("n=15 exact=")


def test_help_does_not_import_spacy() -> None:
    code = ("import sys; from cv_matcher.cli import cli\ntry:\n    cli(['--help'])\nexcept SystemExit:\n    pass\n"
            "print('spacy' in sys.modules, 'pdfminer' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60).stdout
    assert out.strip().splitlines()[-1] == "False False"
