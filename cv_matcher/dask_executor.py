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
from typing import TYPE_CHECKING, Any

from .errors import CvMatcherError

SLACK_S = 5.0  # network and scheduling time allowed on top of the per-file limit
POLL_S = 0.02  # how often the parent looks for finished tasks (no default client needed)

if TYPE_CHECKING:
    from .models import Analysis
    from .batch import Outcome, Settings


def _payload(path: str, max_bytes: int) -> bytes | None:
    """The file's bytes, or None when it cannot or should not be sent (the worker then reports why)."""
    from .batch import _read_for_analysis
    from .readers import ReadLimits

    try:  # the reader's own checks: a FIFO, a device or a huge file is never read here
        return _read_for_analysis(path, ReadLimits(max_file_bytes=max_bytes))
    except CvMatcherError:
        return None


# spaCy's shared vocabulary is not safe to use from two threads at once, and a Dask worker runs
# tasks in threads; the work is CPU-bound Python anyway, so one analysis at a time per process
# costs nothing. Scale with processes (`dask worker --nworkers N --nthreads 1`).
_ONE_AT_A_TIME = threading.Lock()


def _remote_process(path: str, data: bytes | None, settings: "Settings", advert: "Analysis | None") -> "Outcome":
    from .batch import process_one

    with _ONE_AT_A_TIME:
        if data is None:
            return process_one(path, settings, advert, with_sha=True)  # same error text as a local run for unreadable files
        return process_one(path, settings, advert, data=data, with_sha=True)


def connect(scheduler: str) -> Any:
    try:
        from distributed import Client
    except ImportError as exc:
        raise CvMatcherError(None, "the dask executor needs the 'dask' extra: pip install 'pmo-cv-matcher[dask]'") from exc
    try:
        return Client(scheduler, timeout="20s", set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise CvMatcherError(None, f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None


def run_dask(paths: list[str], settings: "Settings", advert: "Analysis | None", scheduler: str) -> Iterator[tuple[str, "Outcome"]]:
    from .batch import _timed_out

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
                future = client.submit(_remote_process, path, _payload(path, settings.limits.max_file_bytes), settings, advert, pure=False)
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
                    yield path, _timed_out(settings)
    finally:
        client.close()


def _lost(future: Any) -> "Outcome":
    from .batch import _failure

    try:
        exc = future.exception()
    except Exception as err:  # noqa: BLE001 - the cluster itself failed
        exc = err
    return _failure(f"internal error: the Dask task failed: {type(exc).__name__}: {exc}", "internal")
