"""Running a batch's files on this computer: in this process (`Inline`), or in worker processes
the parent kills and replaces when a file overruns its time limit (`LocalPool`)."""
from __future__ import annotations

import multiprocessing as mp
import os
import pickle
import signal
import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.connection import wait as mp_wait
from multiprocessing.context import ForkContext, SpawnContext
from multiprocessing.process import BaseProcess

from ..errors import CvMatcherError
from ..models import Analysis
from .plan import Settings
from .work import Outcome, Worker, failure, one_line, process_one, timed_out, warm_up


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


def run_inline(paths: list[str], settings: Settings, advert: Analysis | None, worker: Worker = process_one) -> Iterator[tuple[str, Outcome]]:
    if paths:  # build the pipeline first, outside any file's time (as a pool worker does before "ready")
        try:
            warm_up(settings)
        except Exception:  # noqa: BLE001  (the first file reports whatever is wrong, in its own row)
            pass
    for path in paths:
        try:
            with _alarm(settings.timeout):
                outcome = worker(path, settings, advert, with_sha=True)
        except _Timeout:
            outcome = timed_out(settings)
        yield path, outcome


def _worker_main(conn: Connection, settings: Settings, advert: Analysis | None, worker: Worker) -> None:
    """A worker process: warm up, say "ready", then analyse one path per message until told to stop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    parent = mp.parent_process()
    if parent is not None:  # if the parent is killed, exit even while stuck on a file (no orphans)
        threading.Thread(target=lambda: (mp_wait([parent.sentinel]), os._exit(1)), daemon=True).start()
    try:
        warm_up(settings)
    except BaseException as exc:  # noqa: BLE001  (reported to the parent, which stops the run: no worker can start)
        conn.send(("fatal", f"{type(exc).__name__}: {one_line(str(exc))}"))
        return
    conn.send(("ready", None))
    while True:
        try:
            path = conn.recv()
        except (EOFError, OSError):  # the parent has gone
            return
        if path is None:
            return
        conn.send(("done", worker(path, settings, advert, with_sha=True)))


@dataclass
class _Worker:
    proc: BaseProcess
    conn: Connection
    started: float
    ready: bool = False
    task: str | None = None
    since: float = 0.0


STARTUP_LIMIT = 180.0  # seconds a worker may take to import and warm up before the run gives up


def _start(ctx: ForkContext | SpawnContext, settings: Settings, advert: Analysis | None, worker: Worker) -> _Worker:
    mine, theirs = mp.Pipe()  # one pipe per worker: killing one never corrupts another's channel
    proc = ctx.Process(target=_worker_main, args=(theirs, settings, advert, worker), daemon=True)
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


def _warm_for_fork(settings: Settings) -> bool:
    """Build the pipeline in this process so that workers can be forked from it; whether they can.
    Forked, they are ready at once and share its memory, where spawned ones each pay about a
    second of start-up (importing spaCy, building the matchers) on the CPUs they would work on.
    Where there is no fork, or the pipeline fails to build here, workers are spawned (and report
    what is wrong as "fatal")."""
    if "fork" not in mp.get_all_start_methods() or threading.active_count() > 1:
        return False
    try:
        warm_up(settings)
    except Exception:  # noqa: BLE001
        return False
    return True


def _context(forkable: bool) -> ForkContext | SpawnContext:
    # A fork is only safe from a process with no other thread: a lock another thread holds would
    # stay locked in the child for good. Otherwise: a clean interpreter, no inherited threads or locks.
    if forkable and threading.active_count() == 1:
        return mp.get_context("fork")
    return mp.get_context("spawn")


def run_pool(paths: list[str], settings: Settings, advert: Analysis | None, workers: int,
             worker: Worker = process_one) -> Iterator[tuple[str, Outcome]]:
    """Analyse in `workers` processes, one file at a time each, so the parent knows which file a
    worker is on and since when; an overrunning or dead worker is killed and replaced."""
    forkable = _warm_for_fork(settings)
    pending = deque(paths)
    pool = [_start(_context(forkable), settings, advert, worker) for _ in range(min(workers, len(paths)))]
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
                        yield w.task, failure(f"internal error: the worker process died (exit code {w.proc.exitcode})", "internal")
                elif w.task and now - w.since > settings.timeout:
                    yield w.task, timed_out(settings)
                elif not w.ready and now - w.started > STARTUP_LIMIT:
                    raise CvMatcherError(None, f"a batch worker did not start within {STARTUP_LIMIT:g}s")
                else:
                    continue
                _stop(w, kill=True)
                if pending:
                    pool[i] = _start(_context(forkable), settings, advert, worker)
                else:  # nothing left to give a fresh worker
                    retired.append(w)
            pool = [w for w in pool if w not in retired]
    except BaseException:
        for w in pool:
            _stop(w, kill=True)
        raise
    for w in pool:
        _stop(w, kill=False)


@dataclass(frozen=True)
class Inline:
    """Each file in this process, one after another (a timer signal bounds each)."""

    worker: Worker = process_one

    def run(self, paths: list[str], settings: Settings, advert: Analysis | None) -> Iterator[tuple[str, Outcome]]:
        return run_inline(paths, settings, advert, self.worker)


@dataclass(frozen=True)
class LocalPool:
    """Files spread over `workers` processes of this computer, each file bounded by killing its worker."""

    workers: int
    worker: Worker = process_one

    def run(self, paths: list[str], settings: Settings, advert: Analysis | None) -> Iterator[tuple[str, Outcome]]:
        if self.workers <= 1 or len(paths) <= 1:
            return run_inline(paths, settings, advert, self.worker)
        return run_pool(paths, settings, advert, self.workers, self.worker)


def usable_workers(asked: int | None) -> tuple[int, str | None]:
    """Worker processes for a local run: the CPUs this process may use, at most; a note when capped
    (each worker holds spaCy and the matchers, about 140 MB, and more than one per CPU only competes)."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    if asked is None:
        return cpus, None
    if asked > cpus:
        return cpus, f"cv-matcher: note: --workers {asked} capped at {cpus}, the CPUs available (more would only compete for them)"
    return asked, None
