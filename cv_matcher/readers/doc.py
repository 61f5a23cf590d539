"""Word 97-2003 .doc reader: olefile checks the container, Debian's `antiword` converts it.

olefile (pure Python) opens the OLE2 compound file and reads the Word header (FIB): a file that
is not one, has no WordDocument stream (an Excel or PowerPoint file renamed) or is encrypted
gets its own one-line message before any converter runs; macros (a Macros or VBA storage) are
noted in meta (they are never run: antiword only reads the text). antiword then runs on the
bytes through an in-memory file (memfd: nothing is written to disk), with a time limit and its
output capped; it leaves out hidden text by itself. Its tables ('|cell  |cell  |') read as
'cell | cell' rows, as the other readers give them.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile

from ..errors import DocumentReadError, EncryptedDocumentError
from .base import Extracted, ReadLimits, check_limit

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MISSING = "cannot read .doc: antiword is not installed (Debian/Ubuntu: apt-get install antiword)"
ENCRYPTED = ".doc is password-protected; remove the password first"
TIMEOUT_SECONDS = 30  # antiword reads a CV in milliseconds
_MACRO_STORAGES = ("Macros", "_VBA_PROJECT_CUR", "_VBA_PROJECT")


def read(data: bytes, source: str, limits: ReadLimits, *, engine: str | None = None) -> Extracted:
    """The text of a Word 97-2003 document, through antiword."""
    meta = _check_container(data, source)
    antiword = shutil.which("antiword")
    if antiword is None:
        raise DocumentReadError(source, MISSING)
    output = _run(antiword, data, source)
    check_limit(source, limits, "max_chars", len(output), "extracted text length")
    text = "\n".join(_row(line) for line in output.splitlines())
    return Extracted(text, "doc", meta)


def _check_container(data: bytes, source: str) -> dict[str, str]:
    if not data.startswith(OLE_MAGIC):
        raise DocumentReadError(source, "not a Word 97-2003 .doc: not an OLE2 compound file")
    import olefile  # type: ignore[import-untyped]

    try:
        ole = olefile.OleFileIO(data)
    except Exception as exc:  # olefile raises OSError and its own errors for every kind of damage
        raise DocumentReadError(source, "not a valid .doc (truncated or corrupt)") from exc
    try:
        if not ole.exists("WordDocument"):
            raise DocumentReadError(source, "not a Word document: the file has no WordDocument stream "
                                            "(an Excel or PowerPoint file?)")
        try:
            fib = ole.openstream("WordDocument").read(32)
        except Exception as exc:
            raise DocumentReadError(source, "not a valid .doc (truncated or corrupt)") from exc
        if len(fib) < 12 or fib[:2] != b"\xec\xa5":
            raise DocumentReadError(source, "not a valid .doc: the Word header is missing")
        flags = int.from_bytes(fib[10:12], "little")
        if flags & 0x0100 or flags & 0x8000:  # fEncrypted, fObfuscated
            raise EncryptedDocumentError(source, ENCRYPTED)
        meta = {"converter": "antiword"}
        if any(ole.exists(name) for name in _MACRO_STORAGES):
            meta["macros"] = "present (not run)"
        return meta
    finally:
        ole.close()


def _run(antiword: str, data: bytes, source: str) -> str:
    """antiword's UTF-8 text of `data`, given as a memfd (a temporary file where there is none)."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": "/nonexistent", "LC_ALL": "C.UTF-8"}
    fd = -1
    path = None
    try:
        if hasattr(os, "memfd_create"):
            fd = os.memfd_create("cv.doc", getattr(os, "MFD_CLOEXEC", 0))
            os.write(fd, data)
            path = f"/dev/fd/{fd}"
        else:  # pragma: no cover - not Linux
            handle, path = tempfile.mkstemp(suffix=".doc")
            with os.fdopen(handle, "wb") as file:
                file.write(data)
        try:
            done = subprocess.run([antiword, "-m", "UTF-8.txt", "-w", "0", path], capture_output=True, env=env,
                                  timeout=TIMEOUT_SECONDS, pass_fds=(fd,) if fd >= 0 else (), stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired as exc:
            raise DocumentReadError(source, f"cannot read .doc: antiword took over {TIMEOUT_SECONDS} s") from exc
    finally:
        if fd >= 0:
            os.close(fd)
        elif path is not None:  # pragma: no cover
            os.unlink(path)
    if done.returncode != 0:
        said = " ".join(done.stderr.decode("utf-8", "replace").replace(path or "", "").split())
        said = said.replace("I can't find the name of your HOME directory", "").strip()
        if "encrypt" in said.lower():
            raise EncryptedDocumentError(source, ENCRYPTED)
        raise DocumentReadError(source, f"cannot read .doc: antiword: {said[:160] or f'exit status {done.returncode}'}")
    return done.stdout.decode("utf-8", "replace")


def _row(line: str) -> str:
    """antiword's table row '|a   |b   |' as 'a | b'."""
    stripped = line.strip()
    if len(stripped) > 1 and stripped.startswith("|") and stripped.endswith("|"):
        return " | ".join(cell.strip() for cell in stripped[1:-1].split("|") if cell.strip())
    return line
