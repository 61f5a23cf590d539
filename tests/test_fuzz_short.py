"""A short fuzzing run in the default test suite; the long one is on demand:

    .venv/bin/python scripts/fuzz.py --inputs 100000 --workers 2

Two parts: scripts/fuzz.py itself on 300 inputs (workers, alarms, memory limits, the whole
pipeline), and a Hypothesis property over the same mutators, in process, on the readers only:
whatever the mutation plan, reading raises nothing but a CvMatcherError, and its message is one
printable line. Hypothesis shrinks a failing plan to a minimal one.
"""
from __future__ import annotations

import importlib.util
import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cv_matcher.errors import CvMatcherError
from cv_matcher.readers import read_bytes

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "fuzz.py"
SEED = int(os.environ.get("CV_MATCHER_FUZZ_SEED", "0"))  # another seed explores other inputs


def load_fuzz():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("cv_matcher_fuzz", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


fuzz = load_fuzz()
SEEDS = fuzz.load_seeds()


def test_short_fuzz_run(tmp_path: Path) -> None:
    out = tmp_path / "failures"
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--inputs", "300", "--workers", "2", "--seed", str(SEED), "--json", "--quiet",
         "--out", str(out)], capture_output=True, text=True, timeout=240, cwd=tmp_path)
    summary = json.loads(result.stdout.splitlines()[-1])
    assert summary["inputs"] == 300
    assert sum(summary["tried"].values()) == 300 and set(summary["tried"]) <= set(fuzz.ROWS)
    assert all(summary["tried"][fmt] > 80 for fmt in fuzz.FORMATS)  # about one in 16 is a structure-aware case
    failures = "\n".join(p.read_text() for p in sorted(out.glob("*.txt"))) if out.is_dir() else ""
    assert summary["failed"] == {}, failures
    assert result.returncode == 0
    # The mutations reach past the first checks: some inputs of each format still make a report.
    assert all(summary["outcomes"][fmt].get("report", 0) > 0 for fmt in ("pdf", "docx", "txt")), summary["outcomes"]


def test_inputs_are_reproducible() -> None:
    first, again = fuzz.make_input(7, 123, SEEDS), fuzz.make_input(7, 123, SEEDS)
    assert (first.name, first.data, first.mutations) == (again.name, again.data, again.mutations)
    assert fuzz.make_input(7, 124, SEEDS).data != first.data


MUTATORS = st.sampled_from(fuzz.MUTATORS)
PLANS = st.lists(st.tuples(MUTATORS, st.integers(0, 2**32 - 1)), min_size=1, max_size=4)


def _read_only_our_errors(data: bytes, name: str) -> None:
    try:
        read_bytes(data, name)
    except CvMatcherError as exc:
        assert str(exc).isprintable(), str(exc)


@settings(max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(fmt=st.sampled_from(fuzz.FORMATS), which=st.integers(0, 100), plan=PLANS,
       suffix=st.sampled_from([None, ".pdf", ".docx", ".txt"]))
def test_mutated_samples_raise_only_our_errors(fmt: str, which: int, plan: list, suffix: str | None) -> None:
    data = bytearray(SEEDS[fmt][which % len(SEEDS[fmt])])
    for mutator, seed in plan:
        mutator(random.Random(seed), data, fmt, SEEDS)
    _read_only_our_errors(bytes(data[:fuzz.MAX_INPUT_BYTES]), f"cv{suffix or '.' + fmt}")


@settings(max_examples=60, deadline=None, database=None)
@given(data=st.binary(max_size=4096), suffix=st.sampled_from([".pdf", ".docx", ".txt"]),
       prefix=st.sampled_from([b"", b"%PDF-1.7\n", b"PK\x03\x04", b"\xff\xfe"]))
def test_random_bytes_raise_only_our_errors(data: bytes, suffix: str, prefix: bytes) -> None:
    _read_only_our_errors(prefix + data, f"cv{suffix}")


@pytest.mark.parametrize("case", fuzz.CASES)
def test_structure_aware_cases_pass(case: str) -> None:
    """The first few hostile names, special files and mutated lexicon files of a seed (each case
    checks the readers, the store and every output around it; see scripts/fuzz.py)."""
    items = [item for item in (fuzz.make_input(3, i, SEEDS) for i in range(4000)) if item.case == case][:4 if case != "lexicon" else 2]
    assert items
    for item in items:
        problems, _ = fuzz.check_one(item)
        assert problems == [], (item.mutations, problems)


def test_hostile_names_are_file_names() -> None:
    rng = random.Random(1)
    for _ in range(500):
        name = fuzz.hostile_name(rng)
        assert b"/" not in name and b"\0" not in name and 0 < len(name) <= 255 and name not in (b".", b"..")


@pytest.mark.parametrize("fmt", fuzz.FORMATS)
def test_every_format_has_seeds(fmt: str) -> None:
    assert len(SEEDS[fmt]) >= 5
