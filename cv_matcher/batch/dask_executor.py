"""Scale-out: run batch's per-file work on a Dask cluster (`batch --executor dask --scheduler ADDR`).

The parent reads each file's bytes and sends them with the task, so workers need no access to
the folder (only cv-matcher installed); results come back as the same outcomes the local pool
produces, and the parent writes the same store and outputs. At most `window` files are in flight,
so memory stays flat however large the folder.

Time limit: a Dask task cannot be killed from outside its worker, so the limit is applied to the
wait instead: a file whose result has not arrived `timeout` (+ a little network slack) seconds
after it was sent is reported as timed out and its task cancelled; the worker thread finishes or
hangs on its own, which a cluster's own worker lifetime settings handle.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ..errors import CvMatcherError
from ..models import Analysis
from ..readers import ReadLimits
from .plan import Settings, read_for_analysis
from .work import Outcome, Worker, failure, process_one, timed_out

SLACK_S = 5.0  # network and scheduling time allowed on top of the per-file limit
POLL_S = 0.02  # how often the parent looks for finished tasks (no default client needed)

def _payload(path: str, max_bytes: int) -> bytes | None:
    """The file's bytes, or None when it cannot or should not be sent (the worker then reports why)."""
    try:  # the reader's own checks: a FIFO, a device or a huge file is never read here
        return read_for_analysis(path, ReadLimits(max_file_bytes=max_bytes))
    except CvMatcherError:
        return None


# spaCy's shared vocabulary is not safe to use from two threads at once, and a Dask worker runs
# tasks in threads; the work is CPU-bound Python anyway, so one analysis at a time per process
# costs nothing. Scale with processes (`dask worker --nworkers N --nthreads 1`).
_ONE_AT_A_TIME = threading.Lock()


def _remote_process(path: str, data: bytes | None, settings: Settings, advert: Analysis | None, worker: Worker) -> Outcome:
    with _ONE_AT_A_TIME:
        if data is None:
            return worker(path, settings, advert, with_sha=True)  # same error text as a local run for unreadable files
        return worker(path, settings, advert, data=data, with_sha=True)


def connect(scheduler: str) -> Any:
    try:
        from distributed import Client
    except ImportError as exc:
        raise CvMatcherError(None, "the dask executor needs the 'dask' extra: pip install 'pmo-cv-matcher[dask]'") from exc
    try:
        return Client(scheduler, timeout="20s", set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise CvMatcherError(None, f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None


def run_dask(paths: list[str], settings: Settings, advert: Analysis | None, scheduler: str,
             worker: Worker = process_one) -> Iterator[tuple[str, Outcome]]:
    client = connect(scheduler)
    try:
        # One file in flight per worker thread: each starts as soon as it is sent, so its clock
        # can start at submission, and memory holds only that many files' bytes.
        window = sum(client.nthreads().values()) or 1
        queue = list(reversed(paths))
        running: dict[Any, tuple[str, float]] = {}
        while queue or running:
            while queue and len(running) < window:
                path = queue.pop()
                future = client.submit(_remote_process, path, _payload(path, settings.limits.max_file_bytes), settings, advert, worker,
                                       pure=False)
                running[future] = (path, time.monotonic())
            done = [f for f in running if f.done()]
            if not done:
                time.sleep(POLL_S)
            for future in done:
                path, _ = running.pop(future)
                yield path, future.result() if future.status == "finished" else _lost(future)
            now = time.monotonic()
            for future, (path, since) in list(running.items()):
                if now - since > settings.timeout + SLACK_S:
                    running.pop(future)
                    future.cancel()
                    yield path, timed_out(settings)
    finally:
        client.close()


def _lost(future: Any) -> Outcome:
    try:
        exc = future.exception()
    except Exception as err:  # noqa: BLE001 - the cluster itself failed
        exc = err
    return failure(f"internal error: the Dask task failed: {type(exc).__name__}: {exc}", "internal")


@dataclass(frozen=True)
class DaskCluster:
    """Files analysed on the Dask cluster whose scheduler is at `scheduler`."""

    scheduler: str
    worker: Worker = process_one

    def run(self, paths: list[str], settings: Settings, advert: Analysis | None) -> Iterator[tuple[str, Outcome]]:
        return run_dask(paths, settings, advert, self.scheduler, self.worker)
