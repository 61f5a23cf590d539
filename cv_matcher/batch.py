"""Batch: analyse a folder of documents in parallel, with a time limit per file, resuming from the store.

Steps: `discover` the files, `plan_batch` (hash each file; reuse stored results whose content,
lexicon and options are unchanged), `execute` the rest (in-process, or in worker processes that
the parent kills and replaces when a file overruns its time limit). Every result is saved to the
store as it arrives, so an interrupted run loses nothing. Ranking and writing live in batch_cli.

Test hook (tests only): when the environment variable CV_MATCHER_TEST_HANG is set, analysing a
file whose name contains its value sleeps for an hour, so tests can exercise the time limit.
"""
from __future__ import annotations

import fnmatch
import hashlib
import json
import multiprocessing as mp
import os
import pickle
import signal
import stat
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from multiprocessing.connection import Connection
from multiprocessing.connection import wait as mp_wait
from multiprocessing.context import SpawnContext
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import api
from .errors import CvMatcherError, DocumentReadError, printable
from .readers import ReadLimits
from .reporting.html import evidence_contexts
from .store import Record, ResultStore

if TYPE_CHECKING:
    from .models import Analysis

DEFAULT_INCLUDE = ("*.pdf", "*.docx", "*.txt", "*.md")  # the historical set; default_include() has every reader's suffix
SKIPPED_NAMES = ("labels.csv",)  # the evaluation labels that sit beside sample documents
HANG_ENV = "CV_MATCHER_TEST_HANG"
Outcome = dict[str, Any]  # report, contexts, error, error_kind, read_ms, analyse_ms, processed_at


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
    from .readers import READERS

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


def _read_for_analysis(path: str, limits: ReadLimits) -> bytes:
    """The bytes to analyse, read once, with the reader's own checks and messages (directory, suffix,
    regular file, size), so the hash stored is exactly that of what was analysed."""
    from . import readers

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


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def _one_line(text: str) -> str:
    # Our errors are already one printable line (a name's double space kept, so it still names the file).
    return text if text.isprintable() else " ".join(printable(text).split())


def _failure(message: str, kind: str, read_ms: float = 0.0, analyse_ms: float = 0.0) -> Outcome:
    return {"report": None, "contexts": {}, "error": _one_line(message), "error_kind": kind, "read_ms": round(read_ms, 2),
            "analyse_ms": round(analyse_ms, 2), "processed_at": _now()}


def process_one(path: str, settings: Settings, advert: Analysis | None = None, *, data: bytes | None = None,
                with_sha: bool = False) -> Outcome:
    """Analyse one file (or its bytes, named `path`); every failure becomes an error outcome, never an exception.
    With `with_sha` the outcome also holds "sha256", the hash of exactly the bytes analysed (None
    when none could be read): a file edited between planning and analysis is stored as analysed."""
    t0 = time.perf_counter()
    read_ms = 0.0
    sha: str | None = None
    try:
        hang = os.environ.get(HANG_ENV)
        if hang and hang in os.path.basename(path):
            time.sleep(3600)
        if with_sha:
            if data is None:
                data = _read_for_analysis(path, settings.limits)
            sha = hashlib.sha256(data).hexdigest()
        doc = api.load(path, limits=settings.limits, pdf_engine=settings.pdf_engine, data=data)
        read_ms = (time.perf_counter() - t0) * 1000
        lex = api.get_lexicon(settings.lexicon)
        analysis = api.analyse(doc, kind=settings.kind, lexicon=lex)
        report = api.report(analysis, lexicon=lex, target_level=settings.target_level)
        if advert is not None and analysis.kind == "cv":
            from .match import match_report

            report["match"] = match_report(analysis, advert, lex)
        contexts = evidence_contexts(report, doc.text)  # the HTML report's snippets; the text stays here
    except CvMatcherError as exc:
        failed = _failure(str(exc), "input", read_ms, (time.perf_counter() - t0) * 1000 - read_ms)
        return {**failed, "sha256": sha} if with_sha else failed
    except Exception as exc:  # noqa: BLE001  (a bug or a library failure on one file must not stop the run)
        failed = _failure(f"internal error: {type(exc).__name__}: {exc}", "internal", read_ms)
        return {**failed, "sha256": sha} if with_sha else failed
    analyse_ms = (time.perf_counter() - t0) * 1000 - read_ms
    done = {"report": report, "contexts": contexts, "error": None, "error_kind": None, "read_ms": round(read_ms, 2),
            "analyse_ms": round(analyse_ms, 2), "processed_at": _now()}
    return {**done, "sha256": sha} if with_sha else done


def warm_up(settings: Settings) -> None:
    """Build the lexicon, the spaCy pipeline and the readers now, so the first file's time is fair."""
    import docx  # noqa: F401  (python-docx)
    import pdfminer.high_level  # noqa: F401

    lex = api.get_lexicon(settings.lexicon)
    api.analyse(api.load("warm-up.txt", data=b"PMO Analyst\nSkills: RAID log, Excel, PRINCE2 Practitioner\n"), lexicon=lex)


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


def execute(plan: Plan, store: ResultStore, *, workers: int = 1, on_result: Callable[[Record], None] | None = None,
            scheduler: str | None = None) -> list[Record]:
    """Analyse the plan's files, saving each result as it arrives; all records sorted by path.
    With `scheduler` (a Dask scheduler address) the files are analysed on that cluster."""
    paths = [p for p, _ in plan.todo]
    if scheduler is not None:
        from .dask_executor import run_dask

        results: Iterator[tuple[str, Outcome]] = run_dask(paths, plan.settings, plan.advert, scheduler)
    else:
        runner = run_inline if workers <= 1 or len(paths) <= 1 else run_pool
        results = runner(paths, plan.settings, plan.advert, workers)
    records = {r.source: r for r in plan.reused}
    for path, outcome in results:
        sha = outcome.pop("sha256", None)  # of the bytes analysed; None when none were (or the worker was killed)
        rec = Record(path=os.path.abspath(path), source=path, sha256=sha, lexicon_version=plan.lexicon_version,
                     kind_requested=plan.settings.kind, fingerprint=plan.fingerprint, options=plan.options, **outcome)
        store.save(rec)
        records[path] = rec
        if on_result is not None:
            on_result(rec)
    return [records[p] for p in sorted(records)]


# --- Running the files: in this process, or in worker processes the parent can kill. ---------

class _Timeout(BaseException):
    """Raised by SIGALRM in the in-process runner (a BaseException so process_one cannot swallow it)."""


@contextmanager
def _alarm(seconds: float) -> Iterator[None]:
    # In-process there is no worker to kill, so the limit is a timer signal: it interrupts Python
    # code (and sleeps) but not a single long call inside a C library. Off the main thread: no limit.
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def ring(signum: int, frame: object) -> None:
        raise _Timeout()

    previous = signal.signal(signal.SIGALRM, ring)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _timed_out(settings: Settings) -> Outcome:
    return _failure(f"timed out after {settings.timeout:g}s", "timeout", analyse_ms=settings.timeout * 1000)


def run_inline(paths: list[str], settings: Settings, advert: Analysis | None, workers: int = 1) -> Iterator[tuple[str, Outcome]]:
    if paths:  # build the pipeline first, outside any file's time (as a pool worker does before "ready")
        try:
            warm_up(settings)
        except Exception:  # noqa: BLE001  (the first file reports whatever is wrong, in its own row)
            pass
    for path in paths:
        try:
            with _alarm(settings.timeout):
                outcome = process_one(path, settings, advert, with_sha=True)
        except _Timeout:
            outcome = _timed_out(settings)
        yield path, outcome


def _worker_main(conn: Connection, settings: Settings, advert: Analysis | None) -> None:
    """A worker process: warm up, say "ready", then analyse one path per message until told to stop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    parent = mp.parent_process()
    if parent is not None:  # if the parent is killed, exit even while stuck on a file (no orphans)
        threading.Thread(target=lambda: (mp_wait([parent.sentinel]), os._exit(1)), daemon=True).start()
    try:
        warm_up(settings)
    except BaseException as exc:  # noqa: BLE001  (reported to the parent, which stops the run: no worker can start)
        conn.send(("fatal", f"{type(exc).__name__}: {_one_line(str(exc))}"))
        return
    conn.send(("ready", None))
    while True:
        try:
            path = conn.recv()
        except (EOFError, OSError):  # the parent has gone
            return
        if path is None:
            return
        conn.send(("done", process_one(path, settings, advert, with_sha=True)))


@dataclass
class _Worker:
    proc: BaseProcess
    conn: Connection
    started: float
    ready: bool = False
    task: str | None = None
    since: float = 0.0


STARTUP_LIMIT = 180.0  # seconds a worker may take to import and warm up before the run gives up


def _start(ctx: SpawnContext, settings: Settings, advert: Analysis | None) -> _Worker:
    mine, theirs = ctx.Pipe()  # one pipe per worker: killing one never corrupts another's channel
    proc = ctx.Process(target=_worker_main, args=(theirs, settings, advert), daemon=True)
    proc.start()
    theirs.close()
    return _Worker(proc, mine, time.monotonic())


def _stop(worker: _Worker, *, kill: bool) -> None:
    if kill:
        worker.proc.kill()
    else:
        try:
            worker.conn.send(None)
        except OSError:
            pass
    worker.proc.join(timeout=5)
    if worker.proc.is_alive():
        worker.proc.kill()
        worker.proc.join()
    worker.conn.close()


def _drain(worker: _Worker) -> tuple[list[Outcome], bool]:
    """Messages waiting from a worker; the flag says its pipe broke (it died)."""
    done: list[Outcome] = []
    try:
        while worker.conn.poll():
            tag, payload = worker.conn.recv()
            if tag == "fatal":
                raise CvMatcherError(None, f"a batch worker could not start: {payload}")
            if tag == "ready":
                worker.ready = True
            else:
                done.append(payload)
    except (EOFError, OSError, pickle.UnpicklingError):
        return done, True
    return done, False


def run_pool(paths: list[str], settings: Settings, advert: Analysis | None, workers: int) -> Iterator[tuple[str, Outcome]]:
    """Analyse in `workers` processes, one file at a time each, so the parent knows which file a
    worker is on and since when; an overrunning or dead worker is killed and replaced."""
    ctx = mp.get_context("spawn")  # a clean interpreter: no inherited threads or locks
    pending = deque(paths)
    pool = [_start(ctx, settings, advert) for _ in range(min(workers, len(paths)))]
    try:
        while pending or any(w.task for w in pool):
            for w in pool:
                if w.ready and w.task is None and pending:
                    w.task, w.since = pending.popleft(), time.monotonic()
                    w.conn.send(w.task)
            deadlines = [w.since + settings.timeout if w.ready else w.started + STARTUP_LIMIT for w in pool if w.task or not w.ready]
            wait_s = max(0.0, min(deadlines) - time.monotonic()) if deadlines else None
            mp_wait([w.conn for w in pool] + [w.proc.sentinel for w in pool], timeout=wait_s)
            retired = []
            for i, w in enumerate(pool):
                done, broken = _drain(w)
                for outcome in done:
                    yield str(w.task), outcome
                    w.task = None
                now = time.monotonic()
                if broken or not w.proc.is_alive():
                    if not w.ready:
                        raise CvMatcherError(None, f"a batch worker died while starting (exit code {w.proc.exitcode})")
                    if w.task:
                        w.proc.join(timeout=1)
                        yield w.task, _failure(f"internal error: the worker process died (exit code {w.proc.exitcode})", "internal")
                elif w.task and now - w.since > settings.timeout:
                    yield w.task, _timed_out(settings)
                elif not w.ready and now - w.started > STARTUP_LIMIT:
                    raise CvMatcherError(None, f"a batch worker did not start within {STARTUP_LIMIT:g}s")
                else:
                    continue
                _stop(w, kill=True)
                if pending:
                    pool[i] = _start(ctx, settings, advert)
                else:  # nothing left to give a fresh worker
                    retired.append(w)
            pool = [w for w in pool if w not in retired]
    except BaseException:
        for w in pool:
            _stop(w, kill=True)
        raise
    for w in pool:
        _stop(w, kill=False)
