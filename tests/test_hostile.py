"""Hostile and broken inputs (tests/bad_inputs.py) and containment.

Every corpus entry, through the reader (both PDF engines) and through `cv-matcher score`, each in
a subprocess with a timeout and a 1.5 GB address-space limit: the exact error class (or a correct
read), one printable line on stderr, exit status 1, no traceback, no MemoryError, no kill. Then
containment: external XML entities are never resolved, nothing touches the network, and the tool
writes nowhere but its outputs.
"""
from __future__ import annotations

import json
import os
import resource
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from bad_inputs import (
    CV_TEXT,
    EXPECTED,
    PDFIUM_EXPECTED,
    PDFIUM_FRAGMENTS,
    READ,
    SECRET_FILE,
    billion_laughs_docx,
    build,
    document_xml,
    docx_package,
    xxe_docx,
)
from click.testing import CliRunner

from cv_matcher.errors import LimitExceededError, printable

ROOT = Path(__file__).resolve().parents[1]
MEMORY_LIMIT = 1536 * 1024 * 1024  # address space of each child: far below what a bomb would take
TIMEOUT = 60  # seconds per child; the slowest entry (glyph_flood.pdf with pdfminer) takes ~5 s
SAMPLES = sorted(p for folder in ("sample_cvs", "sample_ads") for p in (ROOT / folder).iterdir()
                 if p.suffix in (".pdf", ".docx", ".txt"))

READ_SCRIPT = """
import json, sys
from cv_matcher.readers import read_document
for engine in sys.argv[2:]:
    try:
        doc = read_document(sys.argv[1], pdf_engine=engine)
        out = {"engine": engine, "class": "read", "text": doc.text}
    except Exception as exc:
        out = {"engine": engine, "class": type(exc).__name__, "message": str(exc)}
    print(json.dumps(out), flush=True)
"""


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def run_bounded(args: list[Any], tmp_path: Path, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    """Run a child with the memory limit and timeout, HOME and cwd in tmp_path; it must end on
    its own (not killed by a signal) and never mention MemoryError."""
    env = {**os.environ, "HOME": str(tmp_path), "PYTHONDONTWRITEBYTECODE": "1"}
    started = time.monotonic()
    result = subprocess.run(args, capture_output=True, text=True, errors="backslashreplace", timeout=TIMEOUT,
                            preexec_fn=_limit_memory, cwd=tmp_path, env=env, **kwargs)
    assert result.returncode >= 0, f"killed by signal {-result.returncode} after {time.monotonic() - started:.1f}s"
    assert "MemoryError" not in result.stderr + result.stdout
    return result


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return build(tmp_path_factory.mktemp("bad_inputs"))


def _secret() -> str:
    """The content the XXE entries point at, when it is distinctive enough to search for (a short
    host name could occur anywhere; test_external_entities_are_never_resolved uses its own)."""
    try:
        secret = Path(SECRET_FILE).read_text().strip()
    except OSError:
        return ""
    return secret if len(secret) >= 6 else ""


def _engines(name: str) -> list[str]:
    return ["pdfminer", "pdfium"] if name.endswith(".pdf") else ["pdfminer"]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_reader(corpus: dict[str, Path], tmp_path: Path, name: str) -> None:
    """Both PDF engines give the same error class; the message checks are for pdfminer's."""
    path = corpus[name]
    expected, fragment = EXPECTED[name]
    result = run_bounded([sys.executable, "-c", READ_SCRIPT, os.fsencode(path), *_engines(name)], tmp_path)
    outcomes = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["engine"] for o in outcomes] == _engines(name), result.stderr
    for outcome in outcomes:
        want = PDFIUM_EXPECTED.get(name, expected) if outcome["engine"] == "pdfium" else expected
        if want == READ:
            assert outcome["class"] == "read", outcome
            assert fragment in outcome["text"]
            continue
        assert not isinstance(want, str)
        assert outcome["class"] == want.__name__, outcome  # exactly this class, not a subclass
        message = outcome["message"]
        assert message.startswith(printable(str(path)) + ": ")
        assert message.isprintable() and "\n" not in message
        if outcome["engine"] == "pdfminer":
            assert fragment in message, message
    secret = _secret()
    if secret and name.startswith("xxe"):
        assert secret not in result.stdout


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_cli(corpus: dict[str, Path], tmp_path: Path, name: str) -> None:
    path = corpus[name]
    expected, fragment = EXPECTED[name]
    if name.endswith(".pdf"):  # `score` reads with the default engine, pdfium
        expected = PDFIUM_EXPECTED.get(name, expected)
        fragment = PDFIUM_FRAGMENTS.get(name, fragment)
    result = run_bounded([sys.executable, "-m", "cv_matcher", "score", os.fsencode(path)], tmp_path)
    assert "Traceback" not in result.stderr
    if expected == READ:
        assert result.returncode == 0, result.stderr
        assert "level" in result.stdout.lower() and result.stderr == ""
        return
    assert result.returncode == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and result.stderr.endswith("\n"), result.stderr
    assert lines[0].startswith(f"cv-matcher: error: {printable(str(path))}: ")
    assert fragment in lines[0] and lines[0].isprintable()
    secret = _secret()
    if secret and name.startswith("xxe"):
        assert secret not in result.stderr


def test_odd_file_name_is_escaped(corpus: dict[str, Path]) -> None:
    from cv_matcher.readers import read_document

    with pytest.raises(Exception) as info:
        read_document(corpus["odd_name"])
    assert str(info.value).endswith("/cv-\\xff\\xfe-odd\\x1b[31m-name\\n.txt: no usable text: the document is empty")


# --- limits --------------------------------------------------------------------------------------


def test_huge_file_is_never_read(corpus: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """The size comes from fstat; not one byte of the 200 MB file is read."""
    from cv_matcher import readers

    reads: list[int] = []
    real_fdopen = os.fdopen

    class Spy:
        def __init__(self, file: Any) -> None:
            self.file = file

        def __enter__(self) -> "Spy":
            return self

        def __exit__(self, *exc: object) -> None:
            self.file.close()

        def fileno(self) -> int:
            return int(self.file.fileno())

        def read(self, size: int = -1) -> bytes:
            reads.append(size)
            return bytes(self.file.read(size))

    monkeypatch.setattr(readers.os, "fdopen", lambda fd, mode="r": Spy(real_fdopen(fd, mode)))
    with pytest.raises(LimitExceededError, match="file size is 200.0 MB"):
        readers.read_document(corpus["huge.txt"])
    assert reads == []
    readers.read_document(ROOT / "sample_cvs" / "cv01_project_administrator.txt")
    # In chunks of at most 1 MB (a read of the whole limit would allocate it up front: --max-file-mb
    # 4096), and never more than the limit in all, even if the file grows.
    assert reads and all(0 < size <= 1 << 20 for size in reads) and sum(reads) <= readers.ReadLimits().max_file_bytes + 1


def test_file_growing_after_stat_is_cut_at_the_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from cv_matcher import readers

    path = tmp_path / "cv.txt"
    path.write_bytes(b"Experience " * 1000)
    real_fstat = os.fstat

    def small_fstat(fd: int) -> os.stat_result:  # the size stat saw, before the file grew
        info = real_fstat(fd)
        return os.stat_result((info.st_mode, info.st_ino, info.st_dev, info.st_nlink, info.st_uid, info.st_gid, 10,
                               int(info.st_atime), int(info.st_mtime), int(info.st_ctime)))

    monkeypatch.setattr(readers.os, "fstat", small_fstat)
    with pytest.raises(LimitExceededError, match="file size is 1,025 bytes, over the 1,024 bytes limit"):
        readers.read_document(path, limits=readers.ReadLimits(max_file_bytes=1024))


@pytest.mark.parametrize(("option", "value", "field", "expected"), [
    ("--max-file-mb", "2", "max_file_bytes", 2 * 1024 * 1024),
    ("--max-pages", "3", "max_pages", 3),
    ("--max-chars", "1000", "max_chars", 1000),
    ("--max-docx-mb", "0.5", "max_docx_uncompressed_bytes", 512 * 1024),
])
def test_each_limit_has_an_option(option: str, value: str, field: str,
                                  expected: int) -> None:
    from cv_matcher import cli

    seen = {}

    def fake_load(source: Any, *, limits: Any = None, **kwargs: Any) -> Any:
        seen["limits"] = limits
        raise LimitExceededError(str(source), "stop here")

    result = CliRunner().invoke(cli.cli, ["text", "cv.txt", option, value], obj={"load": fake_load})  # the injected reader
    assert result.exit_code == 1
    assert getattr(seen["limits"], field) == expected


def test_max_docx_mb_raises_the_docx_limit(tmp_path: Path) -> None:
    from cv_matcher import cli

    path = tmp_path / "cv.docx"
    path.write_bytes(docx_package(document_xml(CV_TEXT * 10)))  # about 4 KB unzipped
    result = CliRunner().invoke(cli.cli, ["text", str(path), "--max-docx-mb", "0.001"])
    assert result.exit_code == 1
    assert "uncompressed size is" in result.output and "raise it with --max-docx-mb" in result.output


# --- containment ---------------------------------------------------------------------------------


def test_external_entities_are_never_resolved(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Even with our DOCTYPE refusal switched off, python-docx's parser resolves no entity: the
    secret file's content never appears and billion laughs does not expand."""
    from cv_matcher.readers import docx as docx_reader
    from cv_matcher.readers import read_bytes

    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-7f3a")
    with pytest.raises(Exception, match=r"declares a DOCTYPE \(entities refused\)"):
        read_bytes(xxe_docx(str(secret)), "xxe.docx")
    monkeypatch.setattr(docx_reader, "_declares_doctype", lambda archive, name: False)
    try:
        text = read_bytes(xxe_docx(str(secret)), "xxe.docx").text
    except Exception as exc:  # refusing is fine too, as long as nothing leaks
        text = str(exc)
    assert "TOP-SECRET-7f3a" not in text
    started = time.monotonic()
    try:
        text = read_bytes(billion_laughs_docx(), "laughs.docx").text
    except Exception as exc:
        text = str(exc)
    assert len(text) < 10_000 and time.monotonic() - started < 5


def test_no_network_access(monkeypatch: pytest.MonkeyPatch, corpus: dict[str, Path]) -> None:
    """The whole pipeline, on every sample (both PDF engines) and every readable hostile input,
    with every way of opening a connection or resolving a name made to fail loudly."""
    from cv_matcher.api import analyse_file

    attempts: list[str] = []

    def refuse(what: str) -> Any:
        def fail(*args: Any, **kwargs: Any) -> Any:
            attempts.append(what)
            raise OSError(f"network access attempted: {what}")
        return fail

    # (Not bind: importing spaCy imports urllib3, which binds a socket to ::1 to probe for IPv6.)
    for name in ("connect", "connect_ex", "sendto", "sendmsg"):
        monkeypatch.setattr(socket.socket, name, refuse(f"socket.{name}"))
    for name in ("create_connection", "getaddrinfo", "gethostbyname"):
        monkeypatch.setattr(socket, name, refuse(name))
    for path in SAMPLES:
        for engine in _engines(path.name):
            report = analyse_file(path, kind="auto", pdf_engine=engine)
            assert report["level"]["rank"] in range(5)
    for name, (expected, _fragment) in EXPECTED.items():
        if expected == READ:
            analyse_file(corpus[name], kind="auto")
    assert attempts == []


def _tree(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def test_writes_nothing_but_its_outputs(tmp_path: Path) -> None:
    """`score` on a PDF, a DOCX, a text file and a broken file, with cwd, HOME and TMPDIR in empty
    folders: all stay empty and the sample folders are unchanged."""
    work, home, tmp = tmp_path / "work", tmp_path / "home", tmp_path / "tmp"
    for folder in (work, home, tmp):
        folder.mkdir()
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog")
    before = {folder: _tree(ROOT / folder) for folder in ("sample_cvs", "sample_ads")}
    env = {key: value for key, value in os.environ.items() if not key.startswith("XDG_")}
    env.update(HOME=str(home), TMPDIR=str(tmp), PYTHONDONTWRITEBYTECODE="1")
    files = [ROOT / "sample_cvs" / "cv09_pmo_analyst_two_column.pdf", ROOT / "sample_cvs" / "cv12_pmo_analyst_tables.docx",
             ROOT / "sample_cvs" / "cv01_project_administrator.txt", broken]
    for path in files:
        for engine in _engines(path.name):
            result = subprocess.run([sys.executable, "-m", "cv_matcher", "score", str(path), "--format", "json",
                                     "--pdf-engine", engine], capture_output=True, text=True, timeout=TIMEOUT, cwd=work,
                                    env=env)
            assert result.returncode == (1 if path == broken else 0), result.stderr
    for folder in (work, home, tmp):
        assert _tree(folder) == [], folder
    assert {folder: _tree(ROOT / folder) for folder in before} == before
