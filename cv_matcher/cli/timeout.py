"""The time limit of a single-file command (`--timeout`): the command forks and the parent
watches, so even a long call inside a C library is stopped."""
from __future__ import annotations

import functools
import os
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Callable

import click

from ..errors import CvMatcherError, printable
from .options import SECONDS

DEFAULT_TIMEOUT = 60.0  # seconds for a single-file command (the slowest hostile inputs take 5-10 s)


class _TimedOut(BaseException):
    """SIGALRM in a single-file command (a BaseException: nothing on the way may swallow it)."""


def _real_stdio() -> bool:
    try:
        sys.stdout.fileno(), sys.stderr.fileno()
        return True
    except (AttributeError, OSError, ValueError):  # e.g. click's CliRunner: output lives in this process
        return False


@contextmanager
def time_limit(seconds: float, what: str) -> Iterator[None]:
    """Bound a single-file command to `seconds`. Where it can, the command forks: the child does
    the work (inheriting stdin, stdout and stderr) and the parent only waits, so even a long call
    inside a C library (a regular expression, spaCy's tokenizer, PDFium) is stopped: the parent
    kills the child, prints one line naming the file and exits 1; a crash of the child (a signal)
    is reported the same way. Elsewhere (no fork, or output captured in this process) a timer
    signal interrupts the Python code."""
    if hasattr(os, "fork") and _real_stdio() and os.environ.get("CV_MATCHER_NO_FORK") is None:
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            yield  # the child: the command runs here and exits as usual
            return
        _watch(pid, seconds, what)  # the parent: never returns
    import threading

    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def ring(signum: int, frame: object) -> None:
        raise _TimedOut()

    previous = signal.signal(signal.SIGALRM, ring)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    except _TimedOut:
        raise CvMatcherError(what, f"timed out after {seconds:g}s (raise the limit with --timeout)") from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _watch(pid: int, seconds: float, what: str) -> None:
    def ring(signum: int, frame: object) -> None:
        raise _TimedOut()

    def stop(signum: int, frame: object) -> None:  # pass a kill on to the child, then go
        os.kill(pid, signal.SIGKILL)
        os._exit(128 + signum)

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the child too: it says so and exits 130
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGALRM, ring)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        _, status = os.waitpid(pid, 0)
    except _TimedOut:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.write(2, f"cv-matcher: error: {printable(what)}: timed out after {seconds:g}s (raise the limit with --timeout)\n"
                 .encode("utf-8", "backslashreplace"))
        os._exit(1)
    signal.setitimer(signal.ITIMER_REAL, 0)
    code = os.waitstatus_to_exitcode(status)
    if code < 0:
        if -code == signal.SIGINT:
            os._exit(130)
        os.write(2, f"cv-matcher: error: {printable(what)}: the analysis crashed ({signal.Signals(-code).name})\n"
                 .encode("utf-8", "backslashreplace"))
        os._exit(1)
    os._exit(code)


def timed(func: Callable[..., Any]) -> Callable[..., Any]:
    """Add --timeout to a single-file command and bound the whole command by it (time_limit)."""

    @functools.wraps(func)
    def wrapper(*args: Any, timeout: float, **kwargs: Any) -> Any:
        what = next((kwargs[k] for k in ("file", "cv", "advert") if isinstance(kwargs.get(k), str)), "input")
        with time_limit(timeout, "<stdin>" if what == "-" else what):
            return func(*args, **kwargs)

    return click.option("--timeout", type=SECONDS, default=DEFAULT_TIMEOUT, show_default=True,
                        help="Give up after this many seconds, reading and analysis (one line, exit status 1).")(wrapper)
