"""Planning a batch: walk the folder (`discover`), hash each file and decide what the store
already holds (`plan_batch`: results whose content, lexicon and options are unchanged are reused).
"""
from __future__ import annotations

import fnmatch
import hashlib
import json
import os
import stat
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .. import api
from ..errors import DocumentReadError, printable
from ..models import Analysis, Record
from ..readers import ReadLimits
from .store import ResultStore

DEFAULT_INCLUDE = ("*.pdf", "*.docx", "*.txt", "*.md")  # the historical set; default_include() has every reader's suffix
SKIPPED_NAMES = ("labels.csv",)  # the evaluation labels that sit beside sample documents


@dataclass(frozen=True)
class Settings:
    """What each worker needs to analyse a file (picklable: it crosses to worker processes)."""

    kind: str = "cv"
    target_level: int | None = None
    lexicon: str | None = None
    limits: ReadLimits = field(default_factory=ReadLimits)
    pdf_engine: str = "pdfium"  # readers.pdf.DEFAULT_ENGINE
    timeout: float = 60.0


def _matches(rel: str, patterns: Iterable[str]) -> bool:
    # Case-insensitive, against the file name or the path below the folder: "CV.PDF" is a PDF too.
    rel, name = rel.lower(), rel.rsplit("/", 1)[-1].lower()
    return any(fnmatch.fnmatchcase(name, p.lower()) or fnmatch.fnmatchcase(rel, p.lower()) for p in patterns)


def default_include() -> tuple[str, ...]:
    """A glob per suffix some reader reads (readers.READERS), so a new reader is picked up here."""
    from ..readers import READERS

    return tuple(f"*{suffix}" for suffix in READERS)


LINK_SKIPPED = "symbolic link, not followed (--follow-links reads it)"


def discover(folder: str | Path, *, recursive: bool = False, include: Iterable[str] = (), exclude: Iterable[str] = (),
             skip: Iterable[str | Path] = (), follow_links: bool = False,
             skipped: list[tuple[str, str]] | None = None) -> list[str]:
    """Document paths under `folder`, sorted; hidden files and folders, labels.csv and `skip` left out.
    Symbolic links (to files or folders) are not followed unless `follow_links` (as ripgrep and fd):
    a link could take the run outside the folder (a link to /etc/passwd). Followed folders are
    entered once each (no loops). `skipped`, when given, receives (path, why) for each symbolic
    link left out and, with the default include patterns, each file of a type no reader reads."""
    given = tuple(include)
    include = given or default_include()
    left_out = {os.path.abspath(p) for p in skip}
    note = skipped.append if skipped is not None else (lambda item: None)
    seen = {os.path.realpath(folder)}
    found = []
    for dirpath, dirnames, filenames in os.walk(str(folder), followlinks=follow_links):
        keep = []
        for d in sorted(dirnames) if recursive else ():
            full = os.path.join(dirpath, d)
            if d.startswith("."):
                continue
            if os.path.islink(full) and not follow_links:
                note((full, LINK_SKIPPED))
                continue
            real = os.path.realpath(full)
            if real in seen:  # a link back up the tree, or a second way to the same folder
                continue
            seen.add(real)
            keep.append(d)
        dirnames[:] = keep
        for name in filenames:
            path = os.path.join(dirpath, name)
            rel = os.path.relpath(path, str(folder)).replace(os.sep, "/")
            if name.startswith(".") or name in SKIPPED_NAMES or os.path.abspath(path) in left_out:
                continue
            if os.path.islink(path) and not follow_links:
                if _matches(rel, include) or not given:
                    note((path, LINK_SKIPPED))
                continue
            if _matches(rel, include):
                if not _matches(rel, exclude):
                    found.append(path)
            elif not given and not _matches(rel, exclude):
                suffix = os.path.splitext(name)[1]
                note((path, f"unsupported file type '{suffix}'" if suffix else "unsupported file type (no suffix)"))
    if skipped is not None:
        skipped.sort()
    return sorted(found)


def _open_regular(path: str | Path, max_bytes: int) -> int | None:
    """A file descriptor for `path` when it is a regular file within `max_bytes`, else None; opened
    without blocking (a FIFO) and checked with fstat before a byte is read (a device, a sparse
    file of 20 GB)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return None
    try:
        info = os.fstat(fd)
    except OSError:
        os.close(fd)
        return None
    if not stat.S_ISREG(info.st_mode) or info.st_size > max_bytes:
        os.close(fd)
        return None
    return fd


def file_sha256(path: str | Path, max_bytes: int | None = None) -> str | None:
    """The content hash of a regular file within `max_bytes` (default: no size limit), else None:
    the reader reports why when the file is analysed."""
    fd = _open_regular(path, max_bytes if max_bytes is not None else 1 << 62)
    if fd is None:
        return None
    digest = hashlib.sha256()
    read = 0
    with os.fdopen(fd, "rb") as fh:
        try:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
                read += len(chunk)
                if max_bytes is not None and read > max_bytes:  # grown since fstat: the reader refuses it
                    return None
        except OSError:
            return None
    return digest.hexdigest()


def read_for_analysis(path: str, limits: ReadLimits) -> bytes:
    """The bytes to analyse, read once, with the reader's own checks and messages (directory, suffix,
    regular file, size), so the hash stored is exactly that of what was analysed."""
    from .. import readers

    p = Path(path)
    if p.is_dir():
        raise DocumentReadError(p, "is a directory, not a file")
    readers._reader_for(p.name, str(p))  # an unsupported suffix fails before reading the bytes
    return readers._read_file(p, limits)


def _lexicon_sha256(folder: str) -> str:
    # The version string alone misses a local edit to a custom lexicon; its content does not.
    digest = hashlib.sha256()
    for file in sorted(Path(folder).glob("*.toml")):
        digest.update(file.name.encode() + b"\0" + file.read_bytes())
    return digest.hexdigest()


def fingerprint(options: dict[str, Any]) -> str:
    """Hash of the options that change a report (the advert by content, not by path)."""
    keyed = {k: v for k, v in options.items() if k != "advert"}
    return hashlib.sha256(json.dumps(keyed, sort_keys=True).encode()).hexdigest()[:16]


@dataclass
class Plan:
    """What a run will do: records reused from the store, and the files still to analyse."""

    settings: Settings
    lexicon_version: str
    options: dict[str, Any]
    fingerprint: str
    advert: Analysis | None
    reused: list[Record]
    todo: list[tuple[str, str | None]]  # (path, sha256 or None when it could not be read)


def plan_batch(files: list[str], settings: Settings, store: ResultStore, *, advert_path: str | None = None,
               force: bool = False) -> Plan:
    lex = api.get_lexicon(settings.lexicon)
    advert = advert_sha = None
    if advert_path is not None:  # analysed once here; workers receive the Analysis
        advert = api.analyse(api.load(advert_path, limits=settings.limits, pdf_engine=settings.pdf_engine), kind="advert", lexicon=lex)
        advert_sha = file_sha256(advert_path, settings.limits.max_file_bytes)
    options = {"kind": settings.kind, "target_level": settings.target_level, "advert": advert_path, "advert_sha256": advert_sha,
               "pdf_engine": settings.pdf_engine, "limits": asdict(settings.limits), "lexicon_sha256": _lexicon_sha256(lex.path)}
    fp = fingerprint(options)
    reused, todo = [], []
    for path in files:
        # Only to decide what to reuse: never blocks (FIFO), never reads a device or a file over the
        # size limit (None: the worker reports why); the stored hash is that of the bytes analysed.
        sha = file_sha256(path, settings.limits.max_file_bytes)
        old = None if force else store.get(os.path.abspath(path))
        if old is not None and old.reusable(sha, lex.version, fp):
            if old.source != path:  # same file reached by another spelling of the folder
                _rename(old, path)
                store.save(old)
            old.reused = True
            reused.append(old)
        else:
            todo.append((path, sha))
    return Plan(settings, lex.version, options, fp, advert, reused, todo)


def _rename(rec: Record, source: str) -> None:
    if rec.report is not None:
        rec.report["source"] = printable(source)
        if "match" in rec.report:
            rec.report["match"]["cv"] = printable(source)
    if rec.error and rec.error.startswith(printable(rec.source) + ":"):
        rec.error = printable(source) + rec.error[len(printable(rec.source)):]
    rec.source = source


