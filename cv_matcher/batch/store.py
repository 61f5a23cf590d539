"""The results store: one SQLite row per document, so batch runs resume and skip unchanged files.

WAL mode and one transaction per result: a run killed midway keeps every result it committed, and
a reader (`cv-matcher results`) never blocks a writer. The key is the file's absolute path; a new
result for the same path replaces the old one, so a file appears once however often it is run.
"""
from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import CvMatcherError, printable
from ..models import Record

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


class NotAStoreError(StoreError):
    """The path holds a file that is not a results store: it is left untouched."""


SQLITE_HEADER = b"SQLite format 3\x00"


def check_store_file(path: str | Path) -> None:
    """Raise NotAStoreError when `path` exists and is not a results store (a CSV, an HTML report,
    another program's SQLite database); nothing is written. A missing or empty file is fine."""
    path = Path(path)
    try:
        if not path.exists() or (path.is_file() and path.stat().st_size == 0):
            return
        if not path.is_file():
            raise NotAStoreError(path, "is not a file, so it cannot be a results store")
        with path.open("rb") as fh:
            header = fh.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise StoreError(path, f"cannot open results store: {exc.strerror or exc}") from None
    if header != SQLITE_HEADER:
        raise NotAStoreError(path, "is not a cv-matcher results store (not an SQLite database); refusing to overwrite it")
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            conn.close()
    except sqlite3.Error as exc:
        if "not a database" in str(exc) or "malformed" in str(exc):
            raise NotAStoreError(path, f"is not a readable results store ({exc}); refusing to overwrite it") from None
        return  # e.g. a read-only folder: opening the store reports it in its own words
    if tables and "results" not in tables:
        raise NotAStoreError(path, "is an SQLite database but not a cv-matcher results store; refusing to change it")


def _to_db(text: str) -> str | bytes:
    """A path for the store: as text, or as its bytes when it is not valid UTF-8 (a file name
    with bytes such as 0xff, which Python holds as lone surrogates)."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return os.fsencode(text)


def _from_db(value: str | bytes) -> str:
    return os.fsdecode(value) if isinstance(value, bytes) else value


def _json_text(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:  # a lone surrogate (a non-UTF-8 name): JSON's \u escapes keep it
        return json.dumps(value)


class ResultStore:
    """A results database. Use as a context manager; every `save` is its own committed transaction."""

    def __init__(self, path: str | Path, *, create: bool = True) -> None:
        self.path = Path(path)
        self.warnings: list[str] = []  # rows that could not be read (left out, so a batch redoes them)
        check_store_file(self.path)
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
        row = self._query(f"SELECT {', '.join(_COLUMNS)} FROM results WHERE path = ?", (_to_db(path),))
        return next(iter(row), None)

    def save(self, rec: Record) -> None:
        values = (_to_db(rec.path), _to_db(rec.source), rec.sha256, rec.lexicon_version, rec.kind_requested, rec.fingerprint,
                  json.dumps(rec.options, sort_keys=True), None if rec.report is None else _json_text(rec.report),
                  _json_text(rec.contexts), rec.error, rec.error_kind, rec.read_ms, rec.analyse_ms, rec.processed_at)
        try:
            self.conn.execute("BEGIN IMMEDIATE")
            self.conn.execute(f"INSERT OR REPLACE INTO results ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))})", values)
            self.conn.execute("COMMIT")
        except sqlite3.Error as exc:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise StoreError(self.path, f"cannot save the result for {rec.source}: {exc}") from None

    def delete(self, paths: list[str]) -> None:
        """Forget these documents (`results --prune`: files deleted since), in one transaction."""
        try:
            self.conn.execute("BEGIN IMMEDIATE")
            self.conn.executemany("DELETE FROM results WHERE path = ?", [(p,) for p in paths])
            self.conn.execute("COMMIT")
        except sqlite3.Error as exc:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise StoreError(self.path, f"cannot remove results: {exc}") from None

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
        out = []
        for row in rows:
            fields = dict(zip(_COLUMNS, row))
            try:
                out.append(_record(fields))
            except (ValueError, TypeError, KeyError, AttributeError) as exc:  # invalid JSON, or not a report's shape
                shown = printable(_from_db(fields["source"]) if isinstance(fields["source"], (str, bytes)) else repr(fields["source"]))
                self.warnings.append(f"results store {printable(str(self.path))}: the stored result for {shown} cannot be "
                                     f"read ({type(exc).__name__}); it is left out and analysed again by the next batch")
        return out

    def __iter__(self) -> Iterator[Record]:
        return iter(self.records())


def _record(row: dict[str, Any]) -> Record:
    row["path"], row["source"] = _from_db(row["path"]), _from_db(row["source"])
    row["options"] = json.loads(row["options"])
    row["report"] = None if row["report"] is None else json.loads(row["report"])
    row["contexts"] = json.loads(row["contexts"])
    _check_shape(row)
    return Record(**row)


def _check_shape(row: dict[str, Any]) -> None:
    """The little every output relies on, so a damaged row is left out instead of crashing a render."""
    if not isinstance(row["options"], dict) or not isinstance(row["contexts"], dict) or not isinstance(row["source"], str):
        raise TypeError("options, contexts and source have the wrong type")
    rep = row["report"]
    if rep is None:
        if not isinstance(row["error"], str):
            raise TypeError("a failed row without its error")
        return
    level = rep.get("level") if isinstance(rep, dict) else None
    if not (isinstance(level, dict) and isinstance(level.get("rank"), int) and isinstance(level.get("confidence"), (int, float))
            and isinstance(level.get("label"), str) and isinstance(rep.get("kind"), str) and isinstance(rep.get("source"), str)
            and all(isinstance(rep.get(k, []), list) for k in ("level_scores", "certifications", "skills", "reasons", "warnings"))):
        raise TypeError("the report does not have a report's shape")
