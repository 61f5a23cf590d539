"""The rough edges a new user hit (issue 14), each pinned down: README commands that work as
written, kind warnings, text output that says what it leaves out, advert duties and whole pay
quotes, the results store found from anywhere, batch saying where its results went, labelled
evaluation output, JSON formats and --quiet."""
from __future__ import annotations

import json
import os
import re
import shlex
import shutil
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from conftest import ROOT
from cv_matcher.cli import cli

README = (ROOT / "README.md").read_text(encoding="utf-8")
CV = str(ROOT / "sample_cvs" / "cv09_pmo_analyst_two_column.pdf")
CV_TXT = ROOT / "sample_cvs" / "cv11_senior_project_admin_rank3.txt"
AD = str(ROOT / "sample_ads" / "ad03_pmo_analyst_contract.txt")
AD14 = str(ROOT / "sample_ads" / "ad14_delivery_pm.txt")


def run(*args: str) -> click.testing.Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


# -- 1. every README command works as written ----------------------------------------------------

def _shell_blocks() -> list[list[str]]:
    return [block.splitlines() for block in re.findall(r"```bash\n(.*?)```", README, flags=re.S)]


def _command_lines() -> list[tuple[int, str, str]]:
    """(block number, how cv-matcher is called, the rest of the line) for every cv-matcher call."""
    out = []
    for n, block in enumerate(_shell_blocks()):
        for line in block:
            code = line.split("  #")[0].strip()
            for m in re.finditer(r"(?:^|&& )((?:\.venv/bin/)?cv-matcher) ([^&]*)", code):
                out.append((n, m.group(1), m.group(2).strip()))
    return out


def test_readme_cv_matcher_commands_find_the_program() -> None:
    """A bare `cv-matcher` is only written in a block that first activates the venv (a new shell
    has no cv-matcher on its PATH); otherwise it is spelt .venv/bin/cv-matcher."""
    blocks = _shell_blocks()
    lines = _command_lines()
    assert len(lines) >= 15
    for n, prog, rest in lines:
        if prog == "cv-matcher":
            before = "\n".join(blocks[n][:[i for i, line in enumerate(blocks[n]) if f"cv-matcher {rest}" in line][0]])
            assert ".venv/bin/activate" in before, f"README: 'cv-matcher {rest}' needs the venv active (block {n})"
    for block in blocks:  # other programs of the venv: dask, python -m ...
        for line in block:
            if re.match(r"\s*(dask|pytest)\b", line):
                assert ".venv/bin/activate" in "\n".join(block), line


def _resolve(words: list[str]) -> tuple[click.Command, list[str]]:
    command: click.Command = cli
    while isinstance(command, click.Group) and words and words[0] in command.commands:
        command = command.commands[words.pop(0)]
    return command, words


@pytest.mark.parametrize("rest", sorted({rest for _, _, rest in _command_lines()}))
def test_readme_command_and_its_options_exist(rest: str) -> None:
    """Each README call names a real command, and every option it writes is one that command takes
    (placeholders such as FOLDER only in the cluster example, whose hosts are the reader's)."""
    words = shlex.split(rest.replace("|", " "))
    command, args = _resolve(words)
    assert not isinstance(command, click.Group), f"README: 'cv-matcher {rest}' names no command"
    accepted = {opt for p in command.params for opt in [*p.opts, *p.secondary_opts]}
    for word in args:
        if word.startswith("-"):
            assert word.split("=")[0] in accepted, f"README: '{rest}': {command.name} has no option {word}"
    for word in args:
        if "/" in word and not word.startswith(("-", "tcp:")) and word.split("/")[0] in ("sample_cvs", "sample_ads"):
            assert (ROOT / word).exists(), f"README: {word} does not exist"


def test_readme_runs_as_written_from_a_fresh_shell(tmp_path: Path) -> None:
    """The Commands block, each line run the way the README writes it (cv-matcher through the CLI
    entry point, in a copy of the samples), exits 0 except where the README says otherwise."""
    for folder in ("sample_cvs", "sample_ads"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    block = next(b for b in _shell_blocks() if any(line.startswith("cv-matcher text") for line in b))
    old = os.getcwd()
    os.chdir(tmp_path)
    try:
        for line in block:
            code = line.split("  #")[0].strip()
            if not code.startswith("cv-matcher ") or code.startswith("cv-matcher serve"):
                continue
            words = shlex.split(code)[1:]
            if words[0] == "batch":
                words += ["--workers", "1"]
            res = CliRunner().invoke(cli, words, catch_exceptions=False)
            assert res.exit_code == 0, f"{code}: exit {res.exit_code}: {res.output[-400:]}"
    finally:
        os.chdir(old)


# -- 3. single-file commands say when the document is the other kind ------------------------------

def test_score_on_an_advert_and_classify_on_a_cv_warn() -> None:
    res = run("score", AD)
    assert res.exit_code == 0 and "warning:" in res.stderr and "looks like a job advert, not a CV" in res.stderr
    assert "cv-matcher classify" in res.stderr
    res = run("classify", CV)
    assert "looks like a CV, not a job advert" in res.stderr and "cv-matcher score" in res.stderr
    assert "warning" not in run("score", CV).stderr and "warning" not in run("classify", AD).stderr
    assert run("score", AD, "-q").stderr == ""
    swapped = run("match", AD, CV)
    assert swapped.stderr.count("warning:") == 2 and "the CV comes first" in swapped.stderr
    assert "warning" not in run("score", CV, "--advert", AD).stderr
    assert "--advert takes a job advert" in run("score", CV, "--advert", CV).stderr


# -- 4. text output says what it leaves out; --all shows everything -------------------------------

def test_text_output_counts_what_it_cuts_and_all_shows_it() -> None:
    short = run("score", CV).stdout
    full = run("score", CV, "--all").stdout
    rep = json.loads(run("score", CV, "--format", "json").stdout)
    hidden = re.search(r"\.\.\. and (\d+) more gaps \(--all shows them\)", short)
    work = [g for g in rep["gaps"]["missing"] if g["category"] != "certifications"]
    assert hidden and int(hidden.group(1)) == len(work) - 8
    assert re.search(r"\.\.\. and \d+ more reasons \(--all shows them\)", short)
    assert "more gaps" not in full and "more reasons" not in full
    assert all(g["label"] in full for g in rep["gaps"]["missing"])
    assert all(r in full for r in rep["reasons"])
    exams = [g for g in rep["gaps"]["missing"] if g["category"] == "certifications"]
    assert exams and "Exams that would close it:" in short and all(g["label"] in short for g in exams)  # never cut


def test_score_against_an_advert_says_so() -> None:
    out = run("score", CV, "--advert", AD).stdout
    assert "Gaps against the advert's requirements" in out and "Gaps for level" not in out
    assert re.search(r"\[(missing|partly-met) (essential|desirable)\]", out)


# -- 5. classify lists the duties asked; pay quotes are whole --------------------------------------

def test_classify_text_lists_duties_and_whole_pay_quote() -> None:
    out = run("classify", AD).stdout
    assert "Duties asked (" in out and "Change control" in out.split("Duties asked")[1]
    pay = run("classify", AD14).stdout
    assert '["£55,000 – £62,000"]' in pay and "+ 10" not in pay
    rep = json.loads(run("classify", AD14, "--format", "json").stdout)
    text = (ROOT / "sample_ads" / "ad14_delivery_pm.txt").read_text(encoding="utf-8")
    assert rep["pay"]["text"] == "£55,000 – £62,000" and text[rep["pay"]["start"]:rep["pay"]["end"]] == rep["pay"]["text"]


def test_pay_keeps_a_plus_that_belongs_to_the_rate() -> None:
    from cv_matcher.pay import find_pay

    assert find_pay("Rate: £500 + VAT per day").text == "£500 + VAT per day"
    assert find_pay("Salary £40k + benefits").text == "£40k"


# -- 6 and 7. results finds the store; deleted files; batch says where the results went -----------

def test_batch_without_out_says_where_results_went_and_results_finds_the_store(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(CV_TXT, docs / "a.txt")
    shutil.copy(ROOT / "sample_cvs" / "cv01_project_administrator.txt", docs / "b.txt")
    old = os.getcwd()
    os.chdir(tmp_path)
    try:
        res = CliRunner().invoke(cli, ["batch", "docs", "--workers", "1"], catch_exceptions=False)
        assert res.exit_code == 0
        assert "no --out given: the results are in the store .cv-matcher/results.sqlite" in res.stderr
        assert "cv-matcher results" in res.stderr
        assert "no --out given" not in CliRunner().invoke(cli, ["batch", "docs", "--workers", "1", "-q"]).stderr
        # `results --out elsewhere/x.csv` finds the store here, not only beside --out
        res = CliRunner().invoke(cli, ["results", "--out", "elsewhere/x.csv"], catch_exceptions=False)
        assert res.exit_code == 0, res.output
        assert len((tmp_path / "elsewhere" / "x.csv").read_text().strip().splitlines()) == 3
        # a stored file deleted since: said on stderr, still exported; --prune removes it
        (docs / "b.txt").unlink()
        res = CliRunner().invoke(cli, ["results"], catch_exceptions=False)
        assert "1 stored file(s) no longer exist: b.txt; still exported (--prune removes them)" in res.stderr
        assert "b.txt" in res.stdout
        assert CliRunner().invoke(cli, ["results", "-q"]).stderr == ""
        res = CliRunner().invoke(cli, ["results", "--prune"], catch_exceptions=False)
        assert "removed from the store" in res.stderr and "b.txt" not in res.stdout
        res = CliRunner().invoke(cli, ["results"], catch_exceptions=False)
        assert res.stderr == "" and "a.txt" in res.stdout and "b.txt" not in res.stdout
    finally:
        os.chdir(old)


# -- 8. labelled confusion matrix, JSON formats, --quiet ------------------------------------------

def test_evaluate_labels_its_confusion_matrix_and_has_json() -> None:
    out = run("evaluate", str(ROOT / "sample_ads"), "-q").stdout
    assert "rows = labelled level, columns = predicted level" in out
    header = next(line for line in out.splitlines() if line.strip().startswith("labelled"))
    assert header.split()[1:] == ["err", "L0", "L1", "L2", "L3", "L4"]
    assert sum(1 for line in out.splitlines() if re.match(r"\s+L[0-4]\s+\d", line)) == 5
    data = json.loads(run("evaluate", str(ROOT / "sample_ads"), "--format", "json").stdout)
    assert data["overall"]["n"] == 15 and set(data["confusion"]["matrix"]["3"]) == {"error", "0", "1", "2", "3", "4"}
    assert 0 <= data["certifications"]["f1"] <= 1


def test_lexicon_show_json() -> None:
    data = json.loads(run("lexicon", "show", "--kind", "certification", "--format", "json").stdout)
    assert data and all(t["kind"] == "certification" for t in data)
    assert {"id", "label", "family", "levels", "aliases"} <= set(data[0])


def test_quiet_on_every_command_that_prints_notes() -> None:
    for name in ("text", "score", "classify", "match", "evaluate", "batch", "results"):
        opts = {o for p in cli.commands[name].params for o in p.opts}
        assert {"--quiet", "-q"} <= opts, name
    assert "--quiet" in {o for p in cli.commands["lexicon"].commands["check"].params for o in p.opts}
    res = run("lexicon", "check", "--quiet")
    assert res.exit_code == 0 and res.output == ""
