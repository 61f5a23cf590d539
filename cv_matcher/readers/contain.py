"""Run C-library code (PDFium) in a child process, so that a crash there is a one-line error.

PDFium is C code: a malformed PDF could crash it (a segfault or an abort), which would end a
single-file command, an in-process batch (one worker) or a program using the API, with no message
at all. So the PDFium work runs in a helper: a child forked once per process (on first use; its
pages are shared copy-on-write with ours, so everything imported here is ready there), which
serves calls sent through a pipe, by name, until this process ends (it sees the pipe close) or
it dies. A call costs the pickling of its bytes and result, well under a millisecond; a fork per
call cost 2 ms on an idle machine and up to 20 ms on a loaded one. When the helper dies mid-call
(the crash), the call ends in DocumentReadError "cannot read PDF: the PDF library crashed
(signal 11, SIGSEGV)" and the next call starts a new helper.

Functions that are not plain module-level cv_matcher functions (a test's stand-in) run in a child
forked for that one call instead. A helper forked before a function was replaced (monkeypatched)
notices by the function's identity and is replaced too. Where there is no fork (Windows), in a
batch worker (a process of its own already: a crash ends only the worker, which the batch
replaces), or with CONTAIN set to False, the function runs in this process.
"""
from __future__ import annotations

import atexit
import importlib
import os
import pickle
import signal
import sys
import time
from collections.abc import Callable
from typing import Any, TypeVar, cast

from ..errors import CvMatcherError, DocumentReadError

T = TypeVar("T")
CONTAIN = hasattr(os, "fork")
_HEADER = 8  # bytes of length before each message


def run_contained(func: Callable[..., T], source: str, what: str, *args: Any) -> T:
    """func(*args), run in a child process; its CvMatcherError (or MemoryError, RecursionError)
    is raised here as it was raised there; any other error or a crash becomes a DocumentReadError
    "cannot read <what>: ..." naming `source`."""
    if not CONTAIN or _in_worker():
        return func(*args)
    name = _served_name(func)
    if name is None:
        return cast(T, _unpack(_fork_once(func, args), source, what))
    for _attempt in range(2):
        result = _helper().call(name, id(func), args)
        if result is None:  # it died on this call: a crash
            status = _HELPER.reap() if _HELPER is not None else 0
            raise DocumentReadError(source, f"cannot read {what}: the {what} library crashed ({_describe(status)})")
        if result[0] != "stale":
            return cast(T, _unpack(result, source, what))
        _stop_helper()  # forked before the function was replaced: start one that knows the new one
    return cast(T, _unpack(_fork_once(func, args), source, what))


def _served_name(func: Callable[..., Any]) -> str | None:
    """'module:qualname' for a module-level cv_matcher function that its module still holds."""
    module, qualname = getattr(func, "__module__", None), getattr(func, "__qualname__", "")
    if not isinstance(module, str) or not module.startswith("cv_matcher.") or "." in qualname or "<" in qualname:
        return None
    held = getattr(sys.modules.get(module), qualname, None)
    return f"{module}:{qualname}" if held is func else None


def _run(func: Callable[..., Any], args: tuple[Any, ...]) -> tuple[Any, ...]:
    """The outcome of func(*args) as a picklable tuple (in the child)."""
    try:
        return ("ok", func(*args))
    except CvMatcherError as exc:
        return ("error", type(exc), exc.path, exc.problem)
    except (MemoryError, RecursionError) as exc:
        return ("raise", type(exc))
    except BaseException as exc:  # noqa: BLE001 - everything goes back to the parent
        return ("other", type(exc).__name__, " ".join(str(exc).split())[:160])


def _unpack(result: tuple[Any, ...] | int | None, source: str, what: str) -> Any:
    if result is None or isinstance(result, int):
        status = result if isinstance(result, int) else 0
        raise DocumentReadError(source, f"cannot read {what}: the {what} library crashed ({_describe(status)})")
    kind = result[0]
    if kind == "ok":
        return result[1]
    if kind == "error":
        raise result[1](result[2], result[3])
    if kind == "raise":
        raise result[1]()
    raise DocumentReadError(source, f"cannot read {what}: {result[1]}: {result[2]}")


# --- the helper ----------------------------------------------------------------------------------


class _Helper:
    def __init__(self) -> None:
        self.owner = os.getpid()
        to_child_r, to_child_w = os.pipe()
        from_child_r, from_child_w = os.pipe()
        pid = os.fork()
        if pid == 0:  # the helper: serves until the pipe closes, never returns
            code = 0
            try:
                os.close(to_child_w)
                os.close(from_child_r)
                _quiet()
                signal.signal(signal.SIGINT, signal.SIG_IGN)  # the terminal's Ctrl-C is the parent's to handle
                _serve(to_child_r, from_child_w)
            except BaseException:  # noqa: BLE001
                code = 1
            finally:
                os._exit(code)
        os.close(to_child_r)
        os.close(from_child_w)
        self.pid, self.send_fd, self.recv_fd = pid, to_child_w, from_child_r
        self.reaped: int | None = None

    def call(self, name: str, func_id: int, args: tuple[Any, ...]) -> tuple[Any, ...] | None:
        """The helper's answer, or None when it died before answering."""
        message = pickle.dumps((name, func_id, args), protocol=pickle.HIGHEST_PROTOCOL)
        done = False
        try:
            try:
                _write_all(self.send_fd, len(message).to_bytes(_HEADER, "little") + message)
                header = _read_exactly(self.recv_fd, _HEADER)
                payload = None if header is None else _read_exactly(self.recv_fd, int.from_bytes(header, "little"))
            except (BrokenPipeError, ConnectionResetError):
                payload = None
            done = True
        finally:
            if not done:  # interrupted (Ctrl-C, a time limit) mid-call: the helper's state is unknown
                _stop_helper()
        return None if payload is None else pickle.loads(payload)

    def reap(self) -> int:
        global _HELPER
        if self.reaped is None:
            for fd in (self.send_fd, self.recv_fd):
                try:
                    os.close(fd)
                except OSError:
                    pass
            try:
                _, self.reaped = os.waitpid(self.pid, 0)
            except ChildProcessError:
                self.reaped = 0
        if _HELPER is self:
            _HELPER = None
        return self.reaped


_HELPER: _Helper | None = None


def _helper() -> _Helper:
    global _HELPER
    if _HELPER is None or _HELPER.owner != os.getpid():  # none yet, or inherited by a forked child of ours
        _HELPER = _Helper()
        atexit.register(_end_helper, _HELPER)
    return _HELPER


def _end_helper(helper: _Helper) -> None:
    """At exit: close the helper's pipe (it ends on its own) and wait for it, so that it is never
    left behind and its CPU time counts as this process's children's (what a benchmark reads)."""
    if helper.owner != os.getpid() or helper.reaped is not None:
        return
    for fd in (helper.send_fd, helper.recv_fd):
        try:
            os.close(fd)
        except OSError:
            pass
    status: int | None = None
    for _ in range(200):  # it ends as soon as it reads the end of the pipe; a stuck one is killed after 2 s
        try:
            pid, found = os.waitpid(helper.pid, os.WNOHANG)
        except ChildProcessError:
            status = 0
            break
        if pid:
            status = found
            break
        time.sleep(0.01)
    if status is None:
        try:
            os.kill(helper.pid, signal.SIGKILL)
            _, status = os.waitpid(helper.pid, 0)
        except OSError:
            status = 0
    helper.reaped = status


def _stop_helper() -> None:
    helper = _HELPER
    if helper is None or helper.owner != os.getpid():
        return
    try:
        os.kill(helper.pid, signal.SIGKILL)
    except OSError:
        pass
    helper.reap()


def _serve(recv_fd: int, send_fd: int) -> None:
    while True:
        header = _read_exactly(recv_fd, _HEADER)
        if header is None:
            return  # the parent has gone
        name, func_id, args = pickle.loads(_read_exactly(recv_fd, int.from_bytes(header, "little")) or b"")
        module, _, qualname = name.partition(":")
        func = getattr(importlib.import_module(module), qualname, None)
        result = ("stale",) if func is None or id(func) != func_id else _run(func, args)
        try:
            payload = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # noqa: BLE001 - a result that cannot travel
            payload = pickle.dumps(("other", type(exc).__name__, str(exc)[:160]))
        _write_all(send_fd, len(payload).to_bytes(_HEADER, "little") + payload)


def _read_exactly(fd: int, size: int) -> bytes | None:
    parts, left = [], size
    while left:
        part = os.read(fd, min(left, 1 << 20))
        if not part:
            return None
        parts.append(part)
        left -= len(part)
    return b"".join(parts)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


# --- one fork per call (functions the helper cannot name) ---------------------------------------


def _fork_once(func: Callable[..., Any], args: tuple[Any, ...]) -> tuple[Any, ...] | int:
    """func(*args) in a child forked for it: its outcome, or its wait status when it died."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        code = 0
        try:
            os.close(read_end)
            _quiet()
            result = _run(func, args)
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
    return pickle.loads(payload) if payload else status


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
    the worker, which the batch replaces, so the child process would be paid for nothing."""
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
