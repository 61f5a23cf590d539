"""Hostile inputs, round two (issue 11): the batch, the store, the command line and the lexicon.

Inputs and situations come from tests/bad_inputs.py. Single-file behaviour of the new reader-level
entries (long runs, odd names, a FIFO, a sparse file) is covered by tests/test_hostile.py through
EXPECTED; this file covers what happens around the readers: planning, outputs, the results store,
option values, links, lexicons, interruption, and one batch over everything at once.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import time
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from bad_inputs import (
    BAD_NUMBERS,
    BIDI_NAME,
    BROKEN_LEXICONS,
    CORRUPT_ROWS,
    CV_TEXT,
    EXPECTED,
    FORMULA_NAME,
    ODD_NAME,
    READ,
    UNSUPPORTED_FILES,
    broken_lexicons,
    build,
    corrupt_store_row,
    edited_mid_batch,
    letter_run_txt,
    not_a_store,
    outside_links,
    pound_run_txt,
    special_files,
    unsupported_folder,
    unwritable_outputs,
)
from click.testing import CliRunner, Result

from cv_matcher import api
from cv_matcher.batch import Settings, execute, file_sha256, plan_batch
from cv_matcher.cli import cli
from cv_matcher.errors import printable
from cv_matcher.reporting.csv_out import safe_cell
from helpers import hanging, hanging_cli_args
from cv_matcher.batch.store import ResultStore

ROOT = Path(__file__).resolve().parents[1]
CVS = ROOT / "sample_cvs"
GOOD = ["cv01_project_administrator.txt", "cv09_pmo_analyst_two_column.pdf", "cv14_head_of_pmo.docx"]
SECRET_TEXT = "the-secret-outside-the-folder-4b1d"  # content of a file outside the folder, linked from inside
MEMORY_LIMIT = 1536 * 1024 * 1024
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def run(*args: Any, cwd: Path, env: dict[str, str] | None = None, obj: dict[str, Any] | None = None) -> Result:
    """The CLI in this process, from `cwd` (`obj`: functions injected, see helpers.hanging)."""
    old = os.getcwd()
    os.chdir(cwd)
    try:
        return CliRunner().invoke(cli, [a if isinstance(a, (str, bytes)) else str(a) for a in args], catch_exceptions=False,
                                  env=env, obj=obj)
    finally:
        os.chdir(old)


def run_child(args: list[Any], cwd: Path, timeout: float = 120, env: dict[str, str] | None = None,
              command: list[str] | None = None) -> subprocess.CompletedProcess[str]:
    """`cv-matcher ARGS` in a child process with a memory limit; it must end on its own
    (`command`: how to start the CLI, default `python -m cv_matcher`)."""
    full_env = {**os.environ, "HOME": str(cwd), **(env or {})}
    start = command if command is not None else [sys.executable, "-m", "cv_matcher"]
    result = subprocess.run([*start, *[os.fsencode(a) if isinstance(a, Path) else a for a in args]],
                            capture_output=True, text=True, errors="backslashreplace", timeout=timeout, cwd=cwd, env=full_env,
                            preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT)))
    assert result.returncode >= 0, f"killed by signal {-result.returncode}"
    assert "Traceback" not in result.stderr and "MemoryError" not in result.stderr, result.stderr
    return result


def good_folder(tmp_path: Path, name: str = "docs") -> Path:
    folder = tmp_path / name
    folder.mkdir(parents=True, exist_ok=True)
    for n in GOOD:
        shutil.copy(CVS / n, folder / n)
    return folder


def one_line_error(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    assert len(lines) == 1, text
    assert lines[0].isprintable()
    return lines[0]


def csv_rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


# --- 6: the hash stored is that of the bytes analysed ------------------------------------------


def test_file_edited_mid_batch_is_stored_as_analysed(tmp_path: Path) -> None:
    before, after = edited_mid_batch()
    folder = tmp_path / "docs"
    folder.mkdir()
    path = folder / "cv.txt"
    path.write_bytes(before)
    settings = Settings(kind="cv")
    with ResultStore(tmp_path / "r.sqlite") as store:
        plan = plan_batch([str(path)], settings, store)
        path.write_bytes(after)  # edited between planning (hashed) and analysis
        [rec] = execute(plan, store)
        assert rec.sha256 == hashlib.sha256(after).hexdigest()
        assert rec.report is not None and rec.report["level"]["rank"] == api.score_cv(path)["level"]["rank"]
        assert rec.report["level"]["rank"] != api.score_cv("before.txt", data=before)["level"]["rank"]
        again = plan_batch([str(path)], settings, store)  # unchanged since: reused, not redone
        assert [r.source for r in again.reused] == [str(path)] and not again.todo
        path.write_bytes(after[: len(after) // 2])  # truncated: a different content, analysed again
        assert [p for p, _ in plan_batch([str(path)], settings, store).todo] == [str(path)]


# --- 7: planning never blocks on, nor reads, a special file ------------------------------------


def test_planning_checks_regular_file_and_size_first(tmp_path: Path) -> None:
    specials = special_files(tmp_path / "in")
    started = time.monotonic()
    for path in specials.values():
        assert file_sha256(path, 20 * 1024 * 1024) is None  # the FIFO does not block, the sparse file is not hashed
    assert time.monotonic() - started < 2


@pytest.mark.parametrize("follow", [False, True])
def test_batch_over_special_files_finishes(tmp_path: Path, follow: bool) -> None:
    folder = good_folder(tmp_path)
    special_files(folder)
    args = ["batch", folder, "--out", tmp_path / "r.csv", "--workers", "1", "--timeout", "30"] + (["--follow-links"] if follow else [])
    started = time.monotonic()
    res = run_child(args, tmp_path, timeout=120)
    assert time.monotonic() - started < 90
    assert res.returncode == 1, res.stderr
    rows = {Path(r["file"]).name: r for r in csv_rows(tmp_path / "r.csv")}
    assert all(rows[n]["level_rank"] for n in GOOD)
    assert "not a regular file" in rows["fifo.txt"]["error"]
    assert "file size is 20480.0 MB" in rows["sparse.txt"]["error"]
    assert "folder.docx" not in rows  # a folder, not a file: not a document of this (non-recursive) run
    if follow:
        assert "not a regular file" in rows["zero.txt"]["error"]
    else:
        assert "zero.txt" not in rows and "symbolic link, not followed" in res.stderr


# --- 8: quadratic patterns, and a time limit for single-file commands ---------------------------


@pytest.mark.parametrize("make", [letter_run_txt, pound_run_txt], ids=["letter_run", "pound_run"])
def test_long_runs_are_analysed_quickly(make: Any) -> None:
    started = time.monotonic()
    report = api.analyse_file("run.txt", data=make())
    assert report["level"]["rank"] == 3
    assert time.monotonic() - started < 30  # minutes to hours before; a few seconds now on a busy machine


def test_month_regex_is_linear() -> None:
    from cv_matcher.experience import date_ranges

    started = time.monotonic()
    assert date_ranges("jan" * 40_000 + " September 2019 - March 2021") != []
    assert time.monotonic() - started < 2


@pytest.mark.parametrize("command", [["score"], ["classify"], ["text"], ["match", None]])
def test_single_file_commands_time_out(tmp_path: Path, command: list[Any]) -> None:
    (tmp_path / "slow_cv.txt").write_text(CV_TEXT)
    args = [c if c is not None else tmp_path / "slow_cv.txt" for c in command]
    started = time.monotonic()
    res = run_child([*args, tmp_path / "slow_cv.txt", "--timeout", "2"] if command[0] != "match" else
                    ["match", tmp_path / "slow_cv.txt", tmp_path / "slow_cv.txt", "--timeout", "2"], tmp_path,
                    command=hanging_cli_args("slow_"))
    assert time.monotonic() - started < 30
    assert res.returncode == 1 and res.stdout == ""
    line = one_line_error(res.stderr)
    assert line.startswith(f"cv-matcher: error: {tmp_path / 'slow_cv.txt'}: timed out after 2s")


def test_time_limit_in_process(tmp_path: Path) -> None:
    """Under CliRunner (output captured in this process) the limit is a timer signal."""
    (tmp_path / "slow_cv.txt").write_text(CV_TEXT)
    res = run("score", "slow_cv.txt", "--timeout", "0.5", cwd=tmp_path, obj=hanging("slow_"))
    assert res.exit_code == 1
    assert "slow_cv.txt: timed out after 0.5s" in one_line_error(res.output)


# --- 9, 12: option values ------------------------------------------------------------------------


@pytest.mark.parametrize("option,value", [(o, v) for o, values in BAD_NUMBERS.items() for v in values])
@pytest.mark.parametrize("command", ["score", "batch"])
def test_absurd_numbers_are_usage_errors(tmp_path: Path, command: str, option: str, value: str) -> None:
    (tmp_path / "cv.txt").write_text(CV_TEXT)
    target = "cv.txt" if command == "score" else "."
    res = run(command, target, f"{option}={value}", cwd=tmp_path)
    assert res.exit_code == 2, res.output
    assert "Traceback" not in res.output and not (tmp_path / ".cv-matcher").exists()


def test_largest_file_limit_reads_in_chunks(tmp_path: Path) -> None:
    (tmp_path / "cv.txt").write_text(CV_TEXT)
    res = run_child(["score", tmp_path / "cv.txt", "--max-file-mb", "4096"], tmp_path)  # 4 GB would not fit in 1.5 GB
    assert res.returncode == 0, res.stderr


# --- 10, 18: names that are not UTF-8, or hold escapes, newlines, bidi controls ------------------


def _odd_folder(tmp_path: Path) -> Path:
    folder = good_folder(tmp_path)
    with open(os.path.join(os.fsencode(folder), ODD_NAME), "wb") as fh:
        fh.write(CV_TEXT.encode())
    (folder / BIDI_NAME).write_text(CV_TEXT)
    (folder / FORMULA_NAME).write_text(CV_TEXT)
    with open(os.path.join(os.fsencode(folder), b"bad-\xff.pdf"), "wb") as fh:
        fh.write(b"%PDF-1.4 broken")
    return folder


RAW_CONTROLS = ("\x1b", "\u202e", "\u200b", "\udcff")


def test_odd_names_through_batch_and_results(tmp_path: Path) -> None:
    folder = _odd_folder(tmp_path)
    outs = [tmp_path / "r.csv", tmp_path / "r.jsonl", tmp_path / "r.html"]
    res = run_child(["batch", folder, *sum((["--out", o] for o in outs), []), "--workers", "1"], tmp_path)
    assert res.returncode == 1, res.stderr  # the broken PDF
    assert all(line.isprintable() for line in res.stderr.splitlines())
    assert "\\xff" in res.stderr
    for out in outs:
        text = out.read_bytes().decode("utf-8")  # valid UTF-8 throughout
        assert not any(ch in text for ch in RAW_CONTROLS), out
        assert "cv-\\xff\\xfe-odd\\x1b[31m-name\\n.txt" in text or "cv-\\\\xff\\\\xfe-odd" in text
    lines = [json.loads(line) for line in outs[1].read_text(encoding="utf-8").splitlines()]
    assert len(lines) == len(GOOD) + 4
    again = run_child(["batch", folder, "--out", outs[0], "--workers", "1"], tmp_path)  # the store round-trips the names
    assert f"{len(GOOD) + 4} files processed: 0 analysed" in again.stderr, again.stderr
    exported = run_child(["results", "--db", tmp_path / ".cv-matcher" / "results.sqlite", "--format", "jsonl"], tmp_path)
    assert exported.returncode == 0 and len(exported.stdout.splitlines()) == len(GOOD) + 4


def test_odd_name_in_the_score_header(tmp_path: Path) -> None:
    path = os.path.join(os.fsencode(tmp_path), b"cv-\xff-\x1b[2J-\xe2\x80\xae.txt")
    with open(path, "wb") as fh:
        fh.write(CV_TEXT.encode())
    for fmt in ("text", "json", "markdown"):
        res = run_child(["score", os.fsdecode(path), "--format", fmt], tmp_path)
        assert res.returncode == 0, res.stderr
        assert not any(ch in res.stdout for ch in ("\x1b", "\u202e")) and "\\xff" in res.stdout


# --- 11: outputs that cannot be written ---------------------------------------------------------


@pytest.mark.parametrize("case", ["read_only_folder", "parent_is_a_file", "name_too_long", "a_directory"])
@pytest.mark.parametrize("option", ["--out", "--db"])
def test_unwritable_outputs_refused_before_the_run(tmp_path: Path, case: str, option: str) -> None:
    if case == "read_only_folder" and IS_ROOT:
        pytest.skip("root writes into read-only folders")
    folder = good_folder(tmp_path)
    target = unwritable_outputs(tmp_path / "outs")[case]
    args = ["batch", folder, "--workers", "1"] + (["--out", target] if option == "--out" else ["--out", tmp_path / "r.csv", "--db", target])
    started = time.monotonic()
    res = run(*args, cwd=tmp_path)
    assert res.exit_code == 2, res.output
    assert time.monotonic() - started < 5  # refused before any file was analysed
    assert "Traceback" not in res.output and "Error:" in res.output
    assert not (tmp_path / ".cv-matcher").exists() and not (tmp_path / "r.csv").exists()


def test_write_error_at_the_end_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = good_folder(tmp_path)

    def full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    res = run("batch", folder, "--out", tmp_path / "r.csv", "--workers", "1", cwd=tmp_path)
    assert res.exit_code == 1
    assert one_line_error(res.output).startswith("cv-matcher: error:")
    assert "No space left on device" in res.output and "Traceback" not in res.output
    assert not list(tmp_path.glob(".r.csv.*.tmp"))  # the temporary file is gone


# --- 13: broken lexicons ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def lexicons(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return broken_lexicons(tmp_path_factory.mktemp("lexicons"))


@pytest.mark.parametrize("name", sorted(BROKEN_LEXICONS))
def test_broken_lexicon_check_lists_the_problem(lexicons: dict[str, Path], tmp_path: Path, name: str) -> None:
    res = run("lexicon", "check", lexicons[name], cwd=tmp_path)
    assert res.exit_code == 1, res.output
    assert BROKEN_LEXICONS[name][1] in res.output, res.output
    assert "Traceback" not in res.output


@pytest.mark.parametrize("name", ["term_is_a_string", "aliases_are_numbers", "string_for_a_number", "zero_threshold", "not_utf8"])
def test_broken_lexicon_score_and_batch_say_one_line(lexicons: dict[str, Path], tmp_path: Path, name: str) -> None:
    (tmp_path / "cv.txt").write_text(CV_TEXT)
    res = run("score", "cv.txt", "--lexicon", lexicons[name], cwd=tmp_path)
    assert res.exit_code == 1
    assert one_line_error(res.output).startswith(f"cv-matcher: error: {lexicons[name]}: ")
    folder = good_folder(tmp_path)
    res = run("batch", folder, "--lexicon", lexicons[name], "--workers", "1", "--out", tmp_path / "r.csv", cwd=tmp_path)
    assert res.exit_code == 1 and "Traceback" not in res.output
    assert one_line_error(res.output).startswith("cv-matcher: error: ")


def test_every_lexicon_problem_at_once(lexicons: dict[str, Path], tmp_path: Path) -> None:
    res = run("lexicon", "check", lexicons["many"], cwd=tmp_path)
    assert res.exit_code == 1
    for name in ("string_for_a_number", "pair_of_one", "rank_is_a_string"):
        assert BROKEN_LEXICONS[name][1] in res.output, res.output


def test_a_copy_of_the_shipped_lexicon_passes(tmp_path: Path) -> None:
    from cv_matcher.lexicon import default_lexicon_path

    shutil.copytree(default_lexicon_path(), tmp_path / "lex")
    res = run("lexicon", "check", tmp_path / "lex", cwd=tmp_path)
    assert res.exit_code == 0 and ": OK - " in res.output


# --- 14: store rows that cannot be read ---------------------------------------------------------


@pytest.mark.parametrize("how", sorted(CORRUPT_ROWS))
def test_invalid_store_row_is_analysed_again(tmp_path: Path, how: str) -> None:
    folder = good_folder(tmp_path)
    db = tmp_path / "store.sqlite"
    assert run("batch", folder, "--out", tmp_path / "r.csv", "--db", db, "--workers", "1", cwd=tmp_path).exit_code == 0
    victim = str(folder / GOOD[0])
    corrupt_store_row(db, victim, how)
    res = run("results", "--db", db, "--format", "csv", cwd=tmp_path)
    assert res.exit_code == 0 and "warning: results store" in res.output and "Traceback" not in res.output
    assert GOOD[1] in res.output
    res = run("batch", folder, "--out", tmp_path / "r.csv", "--db", db, "--workers", "1", cwd=tmp_path)
    assert res.exit_code == 0, res.output
    assert "warning: results store" in res.output and "3 files processed: 1 analysed, 2 reused" in res.output
    assert {Path(r["file"]).name for r in csv_rows(tmp_path / "r.csv") if r["level_rank"]} == set(GOOD)
    res = run("results", "--db", db, "--format", "csv", cwd=tmp_path)
    assert "warning" not in res.output  # repaired by the re-run


# --- 15: --db that is an output, or not a store ---------------------------------------------------


def test_db_equal_to_an_out_is_refused(tmp_path: Path) -> None:
    folder = good_folder(tmp_path)
    (tmp_path / "r.csv").write_text("keep me\n")
    res = run("batch", folder, "--out", tmp_path / "r.csv", "--db", tmp_path / "r.csv", cwd=tmp_path)
    assert res.exit_code == 2 and "is also an --out" in res.output
    assert (tmp_path / "r.csv").read_text() == "keep me\n"
    assert run("batch", folder, "--out", tmp_path / "r.jsonl", "--db", tmp_path / "s.sqlite", "--workers", "1", cwd=tmp_path).exit_code == 0
    before = (tmp_path / "s.sqlite").read_bytes()
    res = run("results", "--db", tmp_path / "s.sqlite", "--out", tmp_path / "s.sqlite", "--format", "csv", cwd=tmp_path)
    assert res.exit_code == 2 and "is the results store" in res.output
    assert (tmp_path / "s.sqlite").read_bytes() == before


@pytest.mark.parametrize("case", ["csv", "html", "other_sqlite"])
def test_db_that_is_not_a_store_is_left_alone(tmp_path: Path, case: str) -> None:
    folder = good_folder(tmp_path)
    target = not_a_store(tmp_path / "files")[case]
    before = target.read_bytes()
    for args in (["batch", folder, "--out", tmp_path / "r.csv", "--db", target], ["results", "--db", target]):
        res = run(*args, cwd=tmp_path)
        assert res.exit_code == 2, res.output
        assert "results store" in res.output and "Traceback" not in res.output
        assert target.read_bytes() == before
        assert not (tmp_path / "r.csv").exists()
    assert sorted(p.name for p in target.parent.iterdir()) == sorted(["results.csv", "report.html", "other.sqlite"])


# --- 16: links out of the folder ------------------------------------------------------------------


def test_links_are_not_followed_by_default(tmp_path: Path) -> None:
    folder = good_folder(tmp_path)
    secret = tmp_path / "outside.txt"
    secret.write_text(CV_TEXT + SECRET_TEXT + "\n")
    outside_links(folder, secret)
    outs = [tmp_path / "r.csv", tmp_path / "r.jsonl", tmp_path / "r.html"]
    res = run("batch", folder, "-r", *sum((["--out", o] for o in outs), []), "--workers", "1", cwd=tmp_path)
    assert res.exit_code == 0, res.output
    for out in outs:
        text = out.read_text(encoding="utf-8")
        assert SECRET_TEXT not in text and "root:x:0:0" not in text and "secret_link" not in text
    assert "4 skipped" in res.output and "symbolic link, not followed (--follow-links reads it) (4)" in res.output
    res = run("batch", folder, "--follow-links", "--out", tmp_path / "f.csv", "--workers", "1", cwd=tmp_path)
    rows = {Path(r["file"]).name: r for r in csv_rows(tmp_path / "f.csv")}
    assert rows["secret_link.txt"]["level_rank"] == "3" and "passwd.txt" in rows  # read, because asked
    assert "file not found" in rows["dangling.txt"]["error"]


# --- 17: spreadsheet formulas ---------------------------------------------------------------------


def test_formula_cells_are_neutralised(tmp_path: Path) -> None:
    folder = tmp_path / "=SUM(A1)"
    folder.mkdir()
    for name in ("+cmd.txt", "@A1.txt", "-2+3.txt", "=1+1.txt"):
        (folder / name).write_text(CV_TEXT)
    (folder / "=bad.pdf").write_bytes(b"%PDF-1.4 broken")
    res = run("batch", "=SUM(A1)", "--out", "r.csv", "--workers", "1", cwd=tmp_path)
    assert res.exit_code == 1
    rows = list(csv.reader(io.StringIO((tmp_path / "r.csv").read_text(encoding="utf-8"))))
    for row in rows[1:]:
        assert all(not cell.startswith(("=", "+", "-", "@")) for cell in row), row
        assert row[0].startswith("'=SUM(A1)/")
    assert safe_cell("=cmd|' /C calc'!A0") == "'=cmd|' /C calc'!A0" and safe_cell("PMO") == "PMO" and safe_cell(3) == 3


# --- 20, 21, 22: nothing to read, too many workers, Ctrl-C ----------------------------------------


def test_folder_of_unsupported_files(tmp_path: Path) -> None:
    unsupported_folder(tmp_path / "docs")
    res = run("batch", tmp_path / "docs", "--out", tmp_path / "r.csv", cwd=tmp_path)
    assert res.exit_code == 1
    assert "no documents to read" in res.output
    for name in UNSUPPORTED_FILES:
        assert name in res.output
    assert "unsupported file type '.xlsx'" in res.output and "unsupported file type (no suffix)" in res.output
    assert not (tmp_path / ".cv-matcher").exists() and not (tmp_path / "r.csv").exists()
    (tmp_path / "empty").mkdir()
    res = run("batch", tmp_path / "empty", cwd=tmp_path)
    assert res.exit_code == 1 and "no documents to read (no files match)" in res.output


def test_workers_capped_at_the_cpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from cv_matcher import batch as batch_cli

    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    assert batch_cli.usable_workers(24)[0] == 2 and "capped at 2" in str(batch_cli.usable_workers(24)[1])
    assert batch_cli.usable_workers(1) == (1, None) and batch_cli.usable_workers(None) == (2, None)
    seen = {}

    def fake_execute(plan: Any, store: Any, *, workers: int, **kw: Any) -> list[Any]:
        seen["workers"] = workers
        return []

    monkeypatch.setattr("cv_matcher.batch.execute", fake_execute)
    folder = good_folder(tmp_path)
    res = run("batch", folder, "--workers", "24", cwd=tmp_path)
    assert seen["workers"] == 2 and "--workers 24 capped at 2" in res.output


@pytest.mark.parametrize("workers", ["1", "2"])
def test_ctrl_c_exits_130_and_resumes(tmp_path: Path, workers: str) -> None:
    folder = good_folder(tmp_path)
    (folder / "zz_slow.txt").write_text(CV_TEXT)
    args = hanging_cli_args("zz_slow") + ["batch", str(folder), "--out", str(tmp_path / "r.csv"), "--workers", workers]
    # The child gets Ctrl-C's default action even when this test run itself ignores SIGINT (as a
    # shell's background job does); a command started with SIGINT ignored rightly keeps ignoring it.
    child = subprocess.Popen(args, cwd=tmp_path, stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                             preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    db = tmp_path / ".cv-matcher" / "results.sqlite"
    deadline = time.monotonic() + 120
    import sqlite3

    while time.monotonic() < deadline:  # wait until the three good files are stored, then interrupt
        time.sleep(0.5)
        try:
            with sqlite3.connect(db) as conn:
                if conn.execute("SELECT COUNT(*) FROM results").fetchone()[0] >= len(GOOD):
                    break
        except sqlite3.Error:
            pass
    child.send_signal(signal.SIGINT)
    _, err = child.communicate(timeout=60)
    assert child.returncode == 130, err
    assert "run the same command again to resume" in err and "Traceback" not in err and "Aborted" not in err
    assert f"interrupted: {len(GOOD)} new result(s) are saved" in err  # counted without a progress bar (stderr is a pipe)
    res = run_child(["batch", folder, "--out", tmp_path / "r.csv", "--workers", "1"], tmp_path)
    assert "4 files processed: 1 analysed, 3 reused" in res.stderr, res.stderr


# --- 23: the schema describes error rows ---------------------------------------------------------


def test_jsonl_error_rows_follow_the_schema(tmp_path: Path) -> None:
    import jsonschema

    schema = json.loads((resources.files("cv_matcher") / "data" / "report.schema.json").read_text(encoding="utf-8"))
    folder = good_folder(tmp_path)
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4 cut")
    (folder / "empty.txt").write_bytes(b"")
    run("batch", folder, "--out", tmp_path / "r.jsonl", "--workers", "1", cwd=tmp_path)
    lines = [json.loads(line) for line in (tmp_path / "r.jsonl").read_text(encoding="utf-8").splitlines()]
    assert sum("error" in line for line in lines) == 2
    for line in lines:
        jsonschema.validate(line, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"source": "x.txt"}, schema)  # neither a report nor an error row


# --- all of it at once ----------------------------------------------------------------------------


def test_one_batch_over_every_bad_input(tmp_path: Path) -> None:
    """Good files beside every input above: each good file gets its level, each bad one an error
    row, nothing from outside the folder reaches an output, no traceback."""
    folder = tmp_path / "mixed"
    corpus = build(folder)
    for name in GOOD:
        shutil.copy(CVS / name, folder / name)
    special_files(folder / "special")
    secret = tmp_path / "outside.txt"
    secret.write_text(CV_TEXT + SECRET_TEXT + "\n")
    outside_links(folder / "links", secret)
    unsupported_folder(folder / "unsupported")
    _odd_folder(folder / "names")
    outs = [tmp_path / "out" / "r.csv", tmp_path / "out" / "r.jsonl", tmp_path / "out" / "r.html"]
    res = run_child(["batch", folder, "-r", *sum((["--out", o] for o in outs), []), "--timeout", "60"], tmp_path, timeout=900)
    assert res.returncode == 1, res.stderr
    assert all(line.isprintable() for line in res.stderr.splitlines())
    rows = {r["file"]: r for r in csv_rows(outs[0])}
    for name, path in corpus.items():
        key = printable(str(path))
        if os.path.islink(path) or os.path.isdir(path):  # a link is skipped; a folder is walked, not read
            assert key not in rows, name
            continue
        if EXPECTED[name][0] == READ:
            assert rows[key]["level_rank"] != "", (name, rows[key])
        else:
            assert rows[key]["error"] and not rows[key]["level_rank"], (name, rows[key])
    for name in GOOD:
        assert rows[str(folder / name)]["level_rank"] != ""
    for out in outs:
        text = out.read_bytes().decode("utf-8")
        assert SECRET_TEXT not in text and "root:x:0:0" not in text
    assert "symbolic link, not followed" in res.stderr and "unsupported file type" in res.stderr
    jsonl_lines = outs[1].read_text(encoding="utf-8").splitlines()
    assert len(jsonl_lines) == len(rows)
