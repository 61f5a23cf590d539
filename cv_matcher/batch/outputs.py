"""A batch's outputs: checked before any work (a run must not fail at the end for want of a
writable output), then written atomically. Problems raise OutputError, which the CLI shows as a
usage error (nothing was done yet)."""
from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from ..errors import CvMatcherError, printable
from .store import DEFAULT_DB, StoreError, check_store_file

FORMATS = ("csv", "jsonl", "html")  # reporting.RECORD_REPORTERS


class OutputError(CvMatcherError):
    """An output or results store that cannot be used; raised before any document is read."""

    def __init__(self, message: str) -> None:  # already printable: names are shown with printable()
        self.path, self.problem = None, message
        Exception.__init__(self, message)


def format_of(path: Path) -> str:
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise OutputError(f"{path}: unknown output format '{path.suffix}' (use .csv, .jsonl or .html)")
    return fmt


def write_atomic(path: Path, text: str) -> None:
    """Write beside the target, then rename over it: a reader sees the old file or the new, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def check_writable(path: Path, what: str) -> None:
    """Before any work: refuse (usage error) an output that could not be written at the end, a
    directory, a parent that is a file, a read-only folder, a name too long for the temporary file."""
    shown = f"{what} {printable(str(path))}"
    if path.is_dir():
        raise OutputError(f"{shown}: is a directory")
    tmp_name = f".{path.name}.{os.getpid()}.tmp"  # write_atomic's temporary file
    folder = path.parent
    while not os.path.lexists(folder) and folder != folder.parent:
        folder = folder.parent
    if not folder.is_dir():
        raise OutputError(f"{shown}: {printable(str(folder))} is not a folder")
    try:
        name_max = os.pathconf(folder, "PC_NAME_MAX")
    except (OSError, ValueError, AttributeError):
        name_max = 255
    if len(os.fsencode(tmp_name)) > name_max:
        raise OutputError(f"{shown}: the file name is too long to write safely (over {name_max - 16} bytes)")
    if folder != path.parent:  # created at the end: the nearest existing folder must take new entries
        if not os.access(folder, os.W_OK | os.X_OK):
            raise OutputError(f"{shown}: cannot create a folder in {printable(str(folder))}: permission denied")
        return
    probe = folder / tmp_name
    try:
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise OutputError(f"{shown}: cannot write here: {exc.strerror or exc}") from None
    if path.exists() and not os.access(path, os.W_OK) and not os.access(folder, os.W_OK):
        raise OutputError(f"{shown}: cannot be replaced: permission denied")


def check_store_path(db: Path, outs: Iterable[Path] = ()) -> None:
    """Refuse (usage error, nothing touched) a store that is also an output, or an existing file
    that is not a results store; then check it can be written like any output."""
    for out in outs:
        if os.path.abspath(out) == os.path.abspath(db) or (out.exists() and db.exists() and os.path.samefile(out, db)):
            raise OutputError(f"--db {printable(str(db))} is also an --out: the output would overwrite the results store")
    try:
        check_store_file(db)
    except StoreError as exc:
        raise OutputError(f"--db {exc}") from None
    if db.exists():
        if not os.access(db, os.R_OK | os.W_OK) or not os.access(db.parent, os.W_OK | os.X_OK):
            raise OutputError(f"--db {printable(str(db))}: cannot write the results store here: permission denied")
    else:
        check_writable(db, "--db")


def default_db(out: Path | None) -> Path:
    """The store beside the first output (so outputs and their store travel together), else here."""
    return (out.parent if out is not None else Path(".")) / DEFAULT_DB


def results_db(out: Path | None) -> Path:
    """`results` without --db: the store here (where `batch` puts it when its outputs are here too),
    else the one beside --out; `results --out elsewhere/x.html` must not look only there."""
    here = default_db(None)
    if here.is_file() or out is None:
        return here
    return default_db(out)
