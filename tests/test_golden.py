"""Golden files: every report of every sample CV and advert, and a batch run over sample_cvs,
compared byte for byte with tests/golden/. They show whether a change moved behaviour.

When a change is meant to move them (a scoring or lexicon change), run
`pytest tests/test_golden.py --update-golden`, review `git diff tests/golden` and explain the
change in the commit. Only what is truly non-deterministic is normalised: the checkout's absolute
path and the HTML page's "generated" time.
"""
from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from cv_matcher.batch import Settings, process_one
from cv_matcher.cli import cli
from cv_matcher.reporting import html, render
from cv_matcher.batch.store import Record

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = Path(__file__).resolve().parent / "golden"
SAMPLES = [(folder, kind, p) for folder, kind in (("sample_cvs", "cv"), ("sample_ads", "advert"))
           for p in sorted((ROOT / folder).iterdir()) if p.name != "labels.csv"]
FORMATS = {"json": "json", "text": "txt", "markdown": "md", "html": "html"}
BATCH_OUTPUTS = ("batch.csv", "batch.jsonl", "batch.html")
GENERATED = re.compile(r'(<span id="generated">)[^<]*(</span>)')


def normalise(text: str) -> str:
    """Take out what differs between runs and checkouts, nothing else."""
    text = text.replace(str(ROOT) + "/", "")
    return GENERATED.sub(r"\1(time)\2", text)


def check(name: str, got: str, update: bool) -> None:
    path = GOLDEN / name
    got = normalise(got)
    if update:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(got, encoding="utf-8", newline="")
        return
    assert path.is_file(), f"{path} is missing: run pytest --update-golden"
    want = path.read_text(encoding="utf-8")
    if got != want:
        diff = difflib.unified_diff(want.splitlines(), got.splitlines(), f"golden/{name}", "now", lineterm="", n=2)
        shown = "\n".join(list(diff)[:60])
        pytest.fail(f"{name} differs from the golden file (pytest --update-golden rewrites it, if meant):\n{shown}")


@pytest.fixture(scope="module")
def outcomes() -> dict[str, dict[str, Any]]:
    """Each sample analysed once, as batch does it (the report and the HTML's evidence contexts)."""
    out = {}
    for folder, kind, path in SAMPLES:
        outcome = process_one(str(path), Settings(kind=kind))
        assert outcome["error"] is None, outcome["error"]
        out[f"{folder}/{path.name}"] = outcome
    return out


def _record(path: Path, kind: str, outcome: dict[str, Any]) -> Record:
    fields = {k: outcome[k] for k in ("report", "contexts", "error", "error_kind")}
    return Record(path=str(path), source=str(path), sha256=None, lexicon_version="", kind_requested=kind, fingerprint="",
                  options={}, **fields)


@pytest.mark.parametrize("fmt", sorted(FORMATS))
@pytest.mark.parametrize(("folder", "kind", "path"), SAMPLES, ids=[p.name for _, _, p in SAMPLES])
def test_report_matches_golden(folder: str, kind: str, path: Path, fmt: str, outcomes: dict[str, dict[str, Any]],
                               update_golden: bool) -> None:
    outcome = outcomes[f"{folder}/{path.name}"]
    if fmt == "html":
        got = html.render([_record(path, kind, outcome)], title=path.name, generated="(time)")
    else:
        got = render(outcome["report"], fmt)
    check(f"{folder}/{path.name}.{FORMATS[fmt]}", got, update_golden)


@pytest.fixture(scope="module")
def batch_outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """`cv-matcher batch sample_cvs` (in this process) writing every output format."""
    where = tmp_path_factory.mktemp("golden-batch")
    outs = [str(where / name) for name in BATCH_OUTPUTS]
    args = ["batch", str(ROOT / "sample_cvs"), "--workers", "1", "--quiet", "--db", str(where / "results.sqlite")]
    result = CliRunner().invoke(cli, args + [a for out in outs for a in ("--out", out)])
    assert result.exit_code == 0, result.output
    return {name: (where / name).read_text(encoding="utf-8") for name in BATCH_OUTPUTS}


@pytest.mark.parametrize("name", BATCH_OUTPUTS)
def test_batch_matches_golden(name: str, batch_outputs: dict[str, str], update_golden: bool) -> None:
    check(name, batch_outputs[name], update_golden)


def test_no_stale_golden_files() -> None:
    """A golden file whose sample is gone would never be checked again."""
    expected = {f"{folder}/{path.name}.{ext}" for folder, _, path in SAMPLES for ext in FORMATS.values()} | set(BATCH_OUTPUTS)
    present = {str(p.relative_to(GOLDEN)) for p in GOLDEN.rglob("*") if p.is_file()}
    assert present - expected == set(), "golden files without a sample: remove them"
