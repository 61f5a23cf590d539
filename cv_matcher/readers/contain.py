"""Run C-library code (PDFium) in a forked child, so that a crash there is a one-line error.

PDFium is C code: a malformed PDF could crash it (a segfault or an abort), which would end a
single-file command with no message at all (batch workers are separate processes already). A
fork costs a few milliseconds, even with spaCy loaded (the pages are shared copy-on-write); the
child runs the function and sends its result, or its error, back through a pipe, then leaves with
os._exit (nothing of the parent's state is flushed or cleaned up twice). Where there is no fork
(Windows), in a batch worker (a process of its own already), or with CONTAIN set to False,
the function runs in this process.
"""
from __future__ import annotations

import os
import pickle
import signal
import sys
from collections.abc import Callable
from typing import Any, TypeVar

from ..errors import CvMatcherError, DocumentReadError

T = TypeVar("T")
CONTAIN = hasattr(os, "fork")


def run_contained(func: Callable[..., T], source: str, what: str, *args: Any) -> T:
    """func(*args), run in a child process; its CvMatcherError (or MemoryError, RecursionError)
    is raised here as it was raised there; any other error or a crash becomes a DocumentReadError
    "cannot read <what>: ..." naming `source`."""
    if not CONTAIN or _in_worker():
        return func(*args)
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        code = 0
        try:
            os.close(read_end)
            _quiet()
            try:
                result: tuple[Any, ...] = ("ok", func(*args))
            except CvMatcherError as exc:
                result = ("error", type(exc), exc.path, exc.problem)
            except (MemoryError, RecursionError) as exc:
                result = ("raise", type(exc))
            except BaseException as exc:  # noqa: BLE001 - everything goes back to the parent
                result = ("other", type(exc).__name__, " ".join(str(exc).split())[:160])
            with os.fdopen(write_end, "wb") as pipe:
                pipe.write(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
        except BaseException:  # noqa: BLE001 - the parent sees an empty answer
            code = 1
        finally:
            os._exit(code)
    os.close(write_end)
    reaped = False
    try:
        with os.fdopen(read_end, "rb") as pipe:
            payload = pipe.read()
        _, status = os.waitpid(pid, 0)
        reaped = True
    finally:
        if not reaped:  # interrupted (Ctrl-C): do not leave the child behind
            try:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            except OSError:
                pass
    if not payload:
        raise DocumentReadError(source, f"cannot read {what}: the {what} library crashed ({_describe(status)})")
    result = pickle.loads(payload)
    kind = result[0]
    if kind == "ok":
        return result[1]  # type: ignore[no-any-return]
    if kind == "error":
        raise result[1](result[2], result[3])
    if kind == "raise":
        raise result[1]()
    raise DocumentReadError(source, f"cannot read {what}: {result[1]}: {result[2]}")


def _quiet() -> None:
    """In the child: no crash report of Python's (faulthandler) nor the C library's own noise on
    stderr; the parent turns a crash into its one line."""
    import faulthandler

    faulthandler.disable()
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)


def _in_worker() -> bool:
    """Whether this is a multiprocessing child (a batch worker): a crash there already ends only
    the worker, which the batch replaces, so the fork would be paid for nothing."""
    mp = sys.modules.get("multiprocessing")  # not imported: certainly not one of its children
    return mp is not None and mp.parent_process() is not None


def _describe(status: int) -> str:
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        try:
            return f"signal {number}, {signal.Signals(number).name}"
        except ValueError:
            return f"signal {number}"
    return f"exit status {os.WEXITSTATUS(status)}" if os.WIFEXITED(status) else f"status {status}"
