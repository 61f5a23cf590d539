"""`cv-matcher batch` and `cv-matcher results`: ordering, failures, resume, skip, re-export, time limit.

Each test builds a small folder from a few sample documents. Most runs use --workers 1 (in this
process, with the spaCy pipeline already warm); the tests that need real worker processes say so.
The time-limit tests inject a worker function that hangs on one file (helpers.hang_on).
"""
from __future__ import annotations

import csv
import io
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from cv_matcher import api
from cv_matcher.batch import discover
from cv_matcher.cli import cli
from cv_matcher.reporting.csv_out import format_pay
from helpers import hang_on, hanging_cli_args

ROOT = Path(__file__).resolve().parents[1]
CVS, ADS = ROOT / "sample_cvs", ROOT / "sample_ads"
MIXED = ["cv01_project_administrator.txt", "cv03_pa_project_admin.docx", "cv09_pmo_analyst_two_column.pdf",
         "cv14_head_of_pmo.docx", "cv20_dba_raid.txt"]
EIGHT = sorted(p.name for p in CVS.glob("cv*"))[:8]


def folder_of(tmp_path: Path, names: list[str], src: Path = CVS, name: str = "docs") -> Path:
    folder = tmp_path / name
    folder.mkdir(parents=True, exist_ok=True)
    for n in names:
        shutil.copy(src / n, folder / n)
    return folder


def run(*args: str | Path, cwd: Path, worker: object = None) -> Result:
    """Run the CLI in-process from `cwd` (so default paths land in the test's folder), with
    `worker` (when given) as the function that analyses each file."""
    old = os.getcwd()
    os.chdir(cwd)
    try:
        obj = None if worker is None else {"worker": worker}
        return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False, obj=obj)
    finally:
        os.chdir(old)


def csv_rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def store_rows(db: Path) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT source, processed_at, error FROM results ORDER BY source").fetchall()


def committed_rows(db: Path) -> int:
    """Rows a running batch has committed so far (0 while it is still creating the store)."""
    try:
        return len(store_rows(db)) if db.exists() else 0
    except sqlite3.OperationalError:
        return 0


def test_batch_reports_equal_single_file_reports(tmp_path: Path) -> None:
    folder_of(tmp_path, MIXED)
    res = run("batch", "docs", "--workers", "1", "--out", "out.jsonl", "--rank-by", "name", cwd=tmp_path)
    assert res.exit_code == 0, res.output
    old = os.getcwd()
    os.chdir(tmp_path)
    try:
        expected = [api.analyse_file(os.path.join("docs", n)) for n in sorted(MIXED)]
    finally:
        os.chdir(old)
    assert jsonl(tmp_path / "out.jsonl") == expected


def test_csv_columns_and_default_ranking(tmp_path: Path) -> None:
    folder_of(tmp_path, MIXED)
    res = run("batch", "docs", "--workers", "1", "--out", "out.csv", cwd=tmp_path)
    assert res.exit_code == 0, res.output
    rows = csv_rows(tmp_path / "out.csv")
    assert list(rows[0]) == ["file", "kind", "level_rank", "level_label", "confidence", "score_l1", "score_l2", "score_l3",
                             "score_l4", "certifications_held", "experience_years", "pay", "top_gaps", "error"]
    keys = [(-int(r["level_rank"]), -float(r["confidence"]), r["file"]) for r in rows]
    assert keys == sorted(keys)  # level, then confidence, descending; ties by path
    head = next(r for r in rows if r["file"].endswith("cv09_pmo_analyst_two_column.pdf"))
    old = os.getcwd()
    os.chdir(tmp_path)
    try:
        rep = api.analyse_file(head["file"])
    finally:
        os.chdir(old)
    assert head["level_rank"] == str(rep["level"]["rank"]) and head["level_label"] == rep["level"]["label"]
    assert head["certifications_held"].split(";") == [c["id"] for c in rep["certifications"] if c["status"] == "held"]
    assert head["top_gaps"].split(";") == [g["label"] for g in rep["gaps"]["missing"][:3]]
    assert head["pay"] == format_pay(rep["pay"]) and head["error"] == ""
    assert "by level:" in res.stderr and "5 files processed: 5 analysed, 0 reused" in res.stderr


@pytest.mark.parametrize("pay, shown", [
    (None, ""),
    ({"min": 325.0, "max": 375.0, "currency": "GBP", "period": "day"}, "325-375 GBP/day"),
    ({"min": 38.0, "max": 38.0, "currency": "GBP", "period": "hour"}, "38 GBP/hour"),
    ({"min": 31500.5, "max": 40000.0, "currency": "USD", "period": "year"}, "31500.5-40000 USD/year"),
])
def test_pay_column(pay: dict | None, shown: str) -> None:
    assert format_pay(pay) == shown


def test_two_workers_give_the_same_outputs_as_one(tmp_path: Path) -> None:
    folder_of(tmp_path, MIXED)
    outs = {}
    for workers in ("1", "2"):
        res = run("batch", "docs", "--workers", workers, "--out", f"w{workers}/out.csv", "--out", f"w{workers}/out.jsonl", cwd=tmp_path)
        assert res.exit_code == 0, res.output
        outs[workers] = [(tmp_path / f"w{workers}/out.{s}").read_text(encoding="utf-8") for s in ("csv", "jsonl")]
    assert outs["1"] == outs["2"]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork here: workers are always spawned")
def test_workers_are_forked_only_from_a_single_threaded_parent() -> None:
    from cv_matcher.batch.local import _context

    assert _context(True).get_start_method() == "fork"
    assert _context(False).get_start_method() == "spawn"  # the pipeline did not build in the parent
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert _context(True).get_start_method() == "spawn"  # a lock that thread holds would stay locked in a fork
    finally:
        stop.set()
        other.join()


def test_spawned_workers_give_the_same_outputs_as_forked_ones(tmp_path: Path) -> None:
    folder_of(tmp_path, MIXED)
    outs = []
    for name, thread in (("forked", False), ("spawned", True)):
        stop = threading.Event()
        other = threading.Thread(target=stop.wait)  # another thread in this process: workers are spawned
        if thread:
            other.start()
        try:
            res = run("batch", "docs", "--workers", "2", "--out", f"{name}.jsonl", cwd=tmp_path)
        finally:
            stop.set()
            if thread:
                other.join()
        assert res.exit_code == 0, res.output
        outs.append([{k: v for k, v in row.items() if k != "processed_at"} for row in jsonl(tmp_path / f"{name}.jsonl")])
    assert outs[0] == outs[1] and len(outs[0]) == len(MIXED)


def test_a_bad_file_does_not_stop_the_run(tmp_path: Path) -> None:
    folder = folder_of(tmp_path, MIXED[:3])
    (folder / "not_a_zip.docx").write_bytes(b"this is not a zip archive")
    (folder / "truncated.pdf").write_bytes((CVS / "cv09_pmo_analyst_two_column.pdf").read_bytes()[:700])
    res = run("batch", "docs", "--workers", "1", "--out", "out.csv", "--out", "out.jsonl", cwd=tmp_path)
    assert res.exit_code == 1
    assert "Traceback" not in res.output + res.stderr
    rows = {Path(r["file"]).name: r for r in csv_rows(tmp_path / "out.csv")}
    assert set(rows) == set(MIXED[:3]) | {"not_a_zip.docx", "truncated.pdf"}
    assert all(rows[n]["error"] == "" and rows[n]["level_rank"] for n in MIXED[:3])
    assert rows["not_a_zip.docx"]["error"].startswith("docs/not_a_zip.docx: ") and rows["not_a_zip.docx"]["level_rank"] == ""
    assert rows["truncated.pdf"]["error"]
    lines = jsonl(tmp_path / "out.jsonl")
    assert lines[-2:] == [{"source": "docs/not_a_zip.docx", "error": rows["not_a_zip.docx"]["error"]},
                          {"source": "docs/truncated.pdf", "error": rows["truncated.pdf"]["error"]}]  # failed last
    assert "2 failed:" in res.stderr and "not_a_zip.docx" in res.stderr and "truncated.pdf" in res.stderr


def test_unchanged_files_are_skipped_and_changed_ones_redone(tmp_path: Path) -> None:
    folder = folder_of(tmp_path, MIXED[:3])
    first = run("batch", "docs", "--workers", "1", "--out", "out.csv", cwd=tmp_path)
    db = tmp_path / ".cv-matcher" / "results.sqlite"
    before = store_rows(db)
    second = run("batch", "docs", "--workers", "1", "--out", "out.csv", cwd=tmp_path)
    assert second.exit_code == 0 and "3 files processed: 0 analysed, 3 reused" in second.stderr
    assert store_rows(db) == before  # nothing re-analysed: same processed_at
    with open(folder / MIXED[0], "a", encoding="utf-8") as fh:
        fh.write("\nAlso kept the RAID log and action log up to date.\n")
    third = run("batch", "docs", "--workers", "1", "--out", "out.csv", cwd=tmp_path)
    assert "1 analysed, 2 reused" in third.stderr
    changed = [a for a, b in zip(store_rows(db), before) if a != b]
    assert [Path(c[0]).name for c in changed] == [MIXED[0]]
    assert "3 analysed" in run("batch", "docs", "--workers", "1", "--force", cwd=tmp_path).stderr
    assert "3 analysed" in run("batch", "docs", "--workers", "1", "--target-level", "4", cwd=tmp_path).stderr  # options changed
    assert first.exit_code == 0


@pytest.mark.parametrize("killed_after", [1, 5, 7])
def test_resume_after_a_killed_run(tmp_path: Path, killed_after: int) -> None:
    """SIGKILL at several points (after 1, 5 and 7 of 8 results), then a re-run: every file once,
    the outputs equal to an uninterrupted run's."""
    folder_of(tmp_path, EIGHT)
    cmd = [sys.executable, "-m", "cv_matcher", "batch", "docs", "--workers", "1", "--out", "out.csv", "--out", "out.jsonl"]
    hanging = hanging_cli_args(EIGHT[killed_after][:4]) + cmd[3:]  # this file hangs: the ones before it are committed first
    proc = subprocess.Popen(hanging, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    db = tmp_path / ".cv-matcher" / "results.sqlite"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if committed_rows(db) >= killed_after:
            break
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert len(store_rows(db)) == killed_after and not (tmp_path / "out.csv").exists()
    done = store_rows(db)
    res = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False)
    assert res.returncode == 0, res.stderr
    assert f"8 files processed: {8 - killed_after} analysed, {killed_after} reused" in res.stderr
    rows = store_rows(db)
    assert [Path(r[0]).name for r in rows] == EIGHT  # each file exactly once
    assert [r for r in rows if r in done] == done
    clean = subprocess.run([*cmd[:-4], "--out", "clean/out.csv", "--out", "clean/out.jsonl"], cwd=tmp_path, capture_output=True, timeout=120, check=False)
    assert clean.returncode == 0
    for name in ("out.csv", "out.jsonl"):
        assert (tmp_path / name).read_text(encoding="utf-8") == (tmp_path / "clean" / name).read_text(encoding="utf-8")
    assert not list(tmp_path.glob(".*.tmp"))


def test_results_reexports_what_batch_wrote(tmp_path: Path) -> None:
    folder = folder_of(tmp_path, MIXED)
    (folder / "not_a_zip.docx").write_bytes(b"nope")
    res = run("batch", "docs", "--workers", "1", "--out", "out/b.csv", "--out", "out/b.jsonl", cwd=tmp_path)
    assert res.exit_code == 1
    for fmt in ("csv", "jsonl"):
        again = run("results", "--db", "out/.cv-matcher/results.sqlite", "--format", fmt, cwd=tmp_path)
        assert again.exit_code == 0
        assert again.stdout == (tmp_path / f"out/b.{fmt}").read_text(encoding="utf-8")
        assert run("results", "--out", f"out/r.{fmt}", cwd=tmp_path).exit_code == 0  # store found beside --out
        assert (tmp_path / f"out/r.{fmt}").read_text(encoding="utf-8") == (tmp_path / f"out/b.{fmt}").read_text(encoding="utf-8")
    level3 = csv_rows(tmp_path / "out/b.csv")
    only3 = run("results", "--db", "out/.cv-matcher/results.sqlite", "--level", "3", cwd=tmp_path).stdout
    assert [r["file"] for r in csv.DictReader(io.StringIO(only3))] == [r["file"] for r in level3 if r["level_rank"] == "3"]
    html = run("results", "--db", "out/.cv-matcher/results.sqlite", "--format", "html", cwd=tmp_path).stdout
    assert html.count('class="doc-row') == len(MIXED) + 1
    missing = run("results", "--db", "nowhere.sqlite", cwd=tmp_path)
    assert missing.exit_code == 1 and "no results store" in missing.stderr


def test_advert_matching_adds_fit_and_ranks_by_it(tmp_path: Path) -> None:
    folder_of(tmp_path, MIXED[:3])
    advert = ADS / "ad03_pmo_analyst_contract.txt"
    res = run("batch", "docs", "--workers", "1", "--advert", advert, "--out", "m.csv", "--out", "m.jsonl", "--out", "m.html", cwd=tmp_path)
    assert res.exit_code == 0, res.output
    html = (tmp_path / "m.html").read_text(encoding="utf-8")
    assert html.count('<table class="match">') == 3 and 'data-sort="fit"' in html
    fits = [float(r["fit"]) for r in csv_rows(tmp_path / "m.csv")]
    assert len(fits) == 3 and fits == sorted(fits, reverse=True)
    old = os.getcwd()
    os.chdir(tmp_path)
    try:
        for report in jsonl(tmp_path / "m.jsonl"):
            assert report["match"] == api.match_cv_to_advert(report["source"], advert)
    finally:
        os.chdir(old)


def test_kind_auto_decides_per_file(tmp_path: Path) -> None:
    folder_of(tmp_path, MIXED[:2])
    folder_of(tmp_path, ["ad03_pmo_analyst_contract.txt", "ad02_nhs_project_coordinator_band5.docx"], src=ADS)
    res = run("batch", "docs", "--workers", "1", "--kind", "auto", "--out", "a.csv", cwd=tmp_path)
    assert res.exit_code == 0, res.output
    kinds = {Path(r["file"]).name: r["kind"] for r in csv_rows(tmp_path / "a.csv")}
    assert kinds == {MIXED[0]: "cv", MIXED[1]: "cv", "ad03_pmo_analyst_contract.txt": "advert",
                     "ad02_nhs_project_coordinator_band5.docx": "advert"}


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_file_over_the_time_limit_gets_an_error_row(tmp_path: Path, workers: str) -> None:
    folder_of(tmp_path, MIXED[:3])
    res = run("batch", "docs", "--workers", workers, "--timeout", "1.5", "--out", "t.csv", cwd=tmp_path, worker=hang_on("cv03"))
    assert res.exit_code == 1
    rows = {Path(r["file"]).name: r for r in csv_rows(tmp_path / "t.csv")}
    assert rows[MIXED[1]]["error"] == "timed out after 1.5s"
    assert rows[MIXED[0]]["error"] == rows[MIXED[2]]["error"] == "" and rows[MIXED[2]]["level_rank"] == "3"
    again = run("batch", "docs", "--workers", workers, "--out", "t.csv", cwd=tmp_path)  # a timeout is retried, not reused
    assert again.exit_code == 0 and "1 analysed, 2 reused" in again.stderr


@pytest.mark.parametrize("args", [
    ["batch", "docs", "--out", "x.xlsx"],
    ["batch", "docs", "--out", "x"],
    ["batch", "missing_folder"],
    ["batch", "docs", "--workers", "0"],
    ["batch", "docs", "--kind", "letter"],
    ["batch", "docs", "--advert", "docs/cv01_project_administrator.txt", "--kind", "advert"],
    ["batch", "docs", "--advert", "no_such_advert.txt"],
    ["batch", "docs", "--timeout", "0"],
    ["results", "--format", "xml"],
    ["results", "--out", "x.pdf"],
    ["results", "--level", "7"],
])
def test_usage_errors_exit_2(tmp_path: Path, args: list[str]) -> None:
    folder_of(tmp_path, MIXED[:1])
    res = run(*args, cwd=tmp_path)
    assert res.exit_code == 2, res.output
    assert not (tmp_path / ".cv-matcher").exists()  # refused before any work


def test_discover_walks_safely(tmp_path: Path) -> None:
    root = tmp_path / "in"
    (root / "sub" / ".hidden_dir").mkdir(parents=True)
    for rel in ("a.txt", "B.PDF", "c.docx", "d.md", "notes.csv", "labels.csv", ".hidden.txt", "sub/e.txt",
                "sub/.hidden_dir/f.txt", "sub/skip_me.txt"):
        (root / rel).write_text("x", encoding="utf-8")
    os.symlink(root, root / "sub" / "loop")  # a symlink loop must not be followed
    top = [Path(p).relative_to(root).as_posix() for p in discover(root)]
    assert top == ["B.PDF", "a.txt", "c.docx", "d.md"]
    deep = [Path(p).relative_to(root).as_posix() for p in discover(root, recursive=True, exclude=["skip_*"])]
    assert deep == ["B.PDF", "a.txt", "c.docx", "d.md", "sub/e.txt"]
    assert [Path(p).name for p in discover(root, include=["*.csv"])] == ["notes.csv"]
    assert [Path(p).name for p in discover(root, include=["sub/*.txt"], recursive=True)] == ["e.txt", "skip_me.txt"]
