"""The Dask executor: a LocalCluster on loopback gives the same outputs and store as a local run."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from cv_matcher.cli import cli
from conftest import ROOT

distributed = pytest.importorskip("distributed")

FILES = ["cv01_project_administrator.txt", "cv09_pmo_analyst_two_column.pdf", "cv12_pmo_analyst_tables.docx",
         "cv16_portfolio_lead_no_certs.txt", "cv20_dba_raid.txt"]


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=True, host="127.0.0.1",
                                  dashboard_address=None, silence_logs=40) as lc:
        yield lc


def _run(folder: Path, out: Path, *extra: str) -> str:
    result = CliRunner().invoke(cli, ["batch", str(folder), "--out", str(out / "r.jsonl"), "--out", str(out / "r.csv"),
                                      "--db", str(out / "store.sqlite"), "--quiet", *extra], catch_exceptions=False)
    assert result.exit_code in (0, 1), result.output
    return result.output


def test_dask_run_equals_local_run(tmp_path: Path, cluster) -> None:
    folder = tmp_path / "cvs"
    folder.mkdir()
    for name in FILES:
        shutil.copy(ROOT / "sample_cvs" / name, folder / name)
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4 truncated")
    local, remote = tmp_path / "local", tmp_path / "dask"
    _run(folder, local, "--workers", "1")
    _run(folder, remote, "--executor", "dask", "--scheduler", cluster.scheduler_address)
    assert (local / "r.csv").read_text() == (remote / "r.csv").read_text()
    assert (local / "r.jsonl").read_text() == (remote / "r.jsonl").read_text()
    assert "broken.pdf" in (remote / "r.csv").read_text()


def test_dask_needs_a_scheduler(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["batch", str(tmp_path), "--executor", "dask"])
    assert result.exit_code == 2 and "--scheduler" in result.output


def test_unreachable_scheduler_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "cv.txt").write_text("PMO Analyst\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["batch", str(tmp_path), "--executor", "dask", "--scheduler", "tcp://127.0.0.1:1",
                                      "--db", str(tmp_path / "s.sqlite")])
    assert result.exit_code == 1 and "cannot reach the Dask scheduler" in result.output
