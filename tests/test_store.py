"""The SQLite results store: round trip, one row per path, WAL, commit per result, reuse rules."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from cv_matcher.errors import CvMatcherError
from cv_matcher.batch.store import Record, ResultStore, StoreError


def record(path: str, *, rank: int | None = 2, kind: str = "cv", error_kind: str | None = None, sha: str = "abc") -> Record:
    report = None if rank is None else {"source": path, "kind": kind, "level": {"rank": rank, "label": f"L{rank}", "confidence": 0.5}}
    return Record(path=f"/abs/{path}", source=path, sha256=sha, lexicon_version="1", kind_requested=kind, fingerprint="fp",
                  options={"kind": kind}, report=report, contexts={"1:4": ["a", "PMO", "b"]},
                  error=None if rank is not None else f"{path}: broken", error_kind=error_kind, read_ms=1.5, analyse_ms=2.5,
                  processed_at="2025-01-01T00:00:00.000+00:00")


def test_round_trip_and_one_row_per_path(tmp_path: Path) -> None:
    db = tmp_path / "deep" / "results.sqlite"
    with ResultStore(db) as store:
        store.save(record("a.txt"))
        store.save(record("b.txt", rank=None, error_kind="input"))
        store.save(record("a.txt", rank=3))  # a new result replaces the old one
        got = store.get("/abs/a.txt")
        assert got is not None and got.report == {"source": "a.txt", "kind": "cv", "level": {"rank": 3, "label": "L3", "confidence": 0.5}}
        assert got.contexts == {"1:4": ["a", "PMO", "b"]} and got.options == {"kind": "cv"} and got.read_ms == 1.5
        assert [r.source for r in store.records()] == ["a.txt", "b.txt"]
        assert store.get("/abs/none.txt") is None


def test_wal_mode_and_each_result_committed_at_once(tmp_path: Path) -> None:
    db = tmp_path / "results.sqlite"
    with ResultStore(db) as store:
        store.save(record("a.txt"))
        # Another connection (another process, a killed run's successor) sees it without a close.
        with sqlite3.connect(db) as other:
            assert other.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
            assert other.execute("SELECT source, processed_at FROM results").fetchall() == [("a.txt", "2025-01-01T00:00:00.000+00:00")]


def test_filters_by_level_and_kind(tmp_path: Path) -> None:
    with ResultStore(tmp_path / "r.sqlite") as store:
        store.save(record("a.txt", rank=1))
        store.save(record("b.txt", rank=3))
        store.save(record("ad.txt", rank=3, kind="advert"))
        store.save(record("bad.txt", rank=None, error_kind="input"))
        assert [r.source for r in store.records(level=3)] == ["ad.txt", "b.txt"]
        assert [r.source for r in store.records(kind="advert")] == ["ad.txt"]
        assert [r.source for r in store.records(kind="cv")] == ["a.txt", "b.txt", "bad.txt"]  # a failed file keeps the kind asked for


@pytest.mark.parametrize("change, reusable", [
    ({}, True),
    ({"sha256": "other"}, False),
    ({"sha256": None}, False),
    ({"lexicon_version": "2"}, False),
    ({"fingerprint": "fp2"}, False),
])
def test_reusable_only_when_content_lexicon_and_options_match(change: dict, reusable: bool) -> None:
    args = {"sha256": "abc", "lexicon_version": "1", "fingerprint": "fp", **change}
    assert record("a.txt").reusable(**args) is reusable


@pytest.mark.parametrize("error_kind, reusable", [("input", True), ("timeout", False), ("internal", False)])
def test_failures_that_may_pass_next_time_are_retried(error_kind: str, reusable: bool) -> None:
    assert record("a.txt", rank=None, error_kind=error_kind).reusable("abc", "1", "fp") is reusable


def test_bad_store_files_are_one_line_errors(tmp_path: Path) -> None:
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError) as err:
        ResultStore(junk)
    assert isinstance(err.value, CvMatcherError) and "\n" not in str(err.value)
    with pytest.raises(StoreError, match="no results store"):
        ResultStore(tmp_path / "missing.sqlite", create=False)
    assert not (tmp_path / "missing.sqlite").exists()
