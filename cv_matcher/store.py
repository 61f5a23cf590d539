"""The results store: one SQLite row per document, so batch runs resume and skip unchanged files.

WAL mode and one transaction per result: a run killed midway keeps every result it committed, and
a reader (`cv-matcher results`) never blocks a writer. The key is the file's absolute path; a new
result for the same path replaces the old one, so a file appears once however often it is run.
"""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import CvMatcherError

SCHEMA_VERSION = "1"
DEFAULT_DB = Path(".cv-matcher") / "results.sqlite"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS results (
    path TEXT PRIMARY KEY,          -- absolute path: the identity of a document
    source TEXT NOT NULL,           -- the path as reports show it
    sha256 TEXT,                    -- content hash (NULL when the file could not be hashed)
    lexicon_version TEXT NOT NULL,
    kind_requested TEXT NOT NULL,   -- cv | advert | auto
    fingerprint TEXT NOT NULL,      -- hash of everything besides content that changes the report
    options TEXT NOT NULL,          -- JSON of those options, for people reading the store
    report TEXT,                    -- public report JSON (NULL for a failed file)
    contexts TEXT NOT NULL,         -- JSON {"start:end": [before, span, after]} for the HTML report
    error TEXT,
    error_kind TEXT,                -- input | timeout | internal
    read_ms REAL NOT NULL,
    analyse_ms REAL NOT NULL,
    processed_at TEXT NOT NULL      -- UTC ISO 8601
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""
_COLUMNS = ("path", "source", "sha256", "lexicon_version", "kind_requested", "fingerprint", "options", "report", "contexts",
            "error", "error_kind", "read_ms", "analyse_ms", "processed_at")


class StoreError(CvMatcherError):
    """The results store cannot be opened, read or written."""


@dataclass
class Record:
    """One document's result, whether fresh from a worker or read back from the store."""

    path: str
    source: str
    sha256: str | None
    lexicon_version: str
    kind_requested: str
    fingerprint: str
    options: dict[str, Any]
    report: dict[str, Any] | None
    contexts: dict[str, list[str]] = field(default_factory=dict)
    error: str | None = None
    error_kind: str | None = None
    read_ms: float = 0.0
    analyse_ms: float = 0.0
    processed_at: str = ""
    reused: bool = False  # not stored: True when this run took the row from the store

    @property
    def kind(self) -> str:
        """The kind analysed (auto resolved), or the kind asked for when the file failed."""
        return str(self.report["kind"]) if self.report else self.kind_requested

    def reusable(self, sha256: str | None, lexicon_version: str, fingerprint: str) -> bool:
        """Same content, lexicon and options, and not a failure that may pass next time."""
        return (sha256 is not None and self.sha256 == sha256 and self.lexicon_version == lexicon_version
                and self.fingerprint == fingerprint and self.error_kind in (None, "input"))


class ResultStore:
    """A results database. Use as a context manager; every `save` is its own committed transaction."""

    def __init__(self, path: str | Path, *, create: bool = True) -> None:
        self.path = Path(path)
        try:
            if create:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            elif not self.path.is_file():
                raise StoreError(self.path, "no results store here (run `cv-matcher batch` first, or pass --db)")
            # isolation_level=None: we issue BEGIN/COMMIT ourselves, one transaction per result.
            self.conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL: durable across a killed process
            self.conn.executescript(_SCHEMA)
            self.conn.execute("INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", (SCHEMA_VERSION,))
        except (sqlite3.Error, OSError) as exc:
            raise StoreError(self.path, f"cannot open results store: {exc}") from None

    def __enter__(self) -> ResultStore:  # noqa: PYI034  (typing.Self needs Python 3.11)
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.conn.close()

    def get(self, path: str) -> Record | None:
        row = self._query(f"SELECT {', '.join(_COLUMNS)} FROM results WHERE path = ?", (path,))
        return next(iter(row), None)

    def save(self, rec: Record) -> None:
        values = (rec.path, rec.source, rec.sha256, rec.lexicon_version, rec.kind_requested, rec.fingerprint,
                  json.dumps(rec.options, sort_keys=True), None if rec.report is None else json.dumps(rec.report, ensure_ascii=False),
                  json.dumps(rec.contexts, ensure_ascii=False), rec.error, rec.error_kind, rec.read_ms, rec.analyse_ms, rec.processed_at)
        try:
            self.conn.execute("BEGIN IMMEDIATE")
            self.conn.execute(f"INSERT OR REPLACE INTO results ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))})", values)
            self.conn.execute("COMMIT")
        except sqlite3.Error as exc:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise StoreError(self.path, f"cannot save the result for {rec.source}: {exc}") from None

    def records(self, *, level: int | None = None, kind: str | None = None) -> list[Record]:
        """All records (sorted by path), optionally only one level (failed files have none) or kind."""
        out = self._query(f"SELECT {', '.join(_COLUMNS)} FROM results ORDER BY path", ())
        if level is not None:
            out = [r for r in out if r.report is not None and r.report["level"]["rank"] == level]
        if kind is not None:
            out = [r for r in out if r.kind == kind]
        return out

    def _query(self, sql: str, params: tuple[Any, ...]) -> list[Record]:
        try:
            rows = self.conn.execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise StoreError(self.path, f"cannot read results store: {exc}") from None
        return [_record(dict(zip(_COLUMNS, row))) for row in rows]

    def __iter__(self) -> Iterator[Record]:
        return iter(self.records())


def _record(row: dict[str, Any]) -> Record:
    row["options"] = json.loads(row["options"])
    row["report"] = None if row["report"] is None else json.loads(row["report"])
    row["contexts"] = json.loads(row["contexts"])
    return Record(**row)
