"""Document readers: a file (or bytes) in, a Document with final text and sections out.

Readers are looked up by suffix in READERS. Each one turns bytes into raw text; this module then
applies the shared cleaning, the character limit, the emptiness check and section detection, and
translates any unexpected library exception into a one-line DocumentReadError.

The heavy libraries (pdfminer, python-docx, pypdfium2, charset-normalizer) are imported inside
the readers, so reading a .txt file never loads them.

>>> from cv_matcher.readers import read_bytes
>>> doc = read_bytes(b"Jane Smith\\nSkills: Excel, MS Project\\n", "cv.txt")
>>> doc.format, doc.sections[0].kind, doc.text[doc.sections[0].start:doc.sections[0].end]
('txt', 'skills', 'Skills')
"""
from __future__ import annotations

import os
import re
import stat
from dataclasses import replace
from pathlib import Path
from typing import BinaryIO

from ..errors import CvMatcherError, DocumentReadError, EmptyDocumentError, UnsupportedFormatError
from ..models import Document
from ..sections import split_sections
from . import doc, docx, html, ocr, odt, pdf, rtf, text
from .base import Extracted, Reader, ReadLimits, check_limit
from .clean import clean_text
from .hidden import all_hidden
from .language import garbled_problem, not_language

__all__ = ["READERS", "ReadLimits", "Reader", "read_bytes", "read_document", "supported_suffixes"]

READERS: dict[str, Reader] = {
    ".pdf": pdf.read,
    ".docx": docx.read,
    ".txt": text.read,
    ".md": text.read,
    ".text": text.read,
    ".doc": doc.read,
    ".rtf": rtf.read,
    ".odt": odt.read,
    ".html": html.read,
    ".htm": html.read,
    ".png": ocr.read_image,
    ".jpg": ocr.read_image,
    ".jpeg": ocr.read_image,
    ".tif": ocr.read_image,
    ".tiff": ocr.read_image,
}
# A web page or an RTF saved under a text suffix (or as .doc, as Word's "Save as" often does), a
# DOCX renamed .doc: read as what the bytes are, not as what the name says.
_SNIFFED_SUFFIXES = {".txt", ".md", ".text", ".doc"}
_MAX_DETAIL = 160  # characters of a library's own message kept in ours


def supported_suffixes() -> str:
    return ", ".join(sorted(READERS))


def read_document(path: str | Path, *, limits: ReadLimits | None = None, pdf_engine: str = pdf.DEFAULT_ENGINE) -> Document:
    """Read a CV or advert file (any suffix in READERS) into a Document.

    Raises UnsupportedFormatError for other suffixes and DocumentReadError (or one of its
    subclasses: EncryptedDocumentError, NoTextLayerError, EmptyDocumentError,
    LimitExceededError) when the file cannot be read.
    """
    limits = limits if limits is not None else ReadLimits()
    path = Path(path)
    if path.is_dir():
        raise DocumentReadError(path, "is a directory, not a file")
    if not path.exists():
        raise DocumentReadError(path, _missing(path))
    _reader_for(path.name, str(path))  # an unsupported suffix fails before reading the bytes
    return read_bytes(_read_file(path, limits), path.name, limits=limits, pdf_engine=pdf_engine, source=str(path))


def _missing(path: Path) -> str:
    """Why a path that does not exist does not: a symbolic link loop or a dangling link say so
    (exists() is False for both, and "file not found" sends the user looking for a file)."""
    import errno

    try:
        os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "symbolic link loop (the link leads back to itself): not a file"
        if path.is_symlink():
            try:
                target = os.readlink(path)
            except OSError:
                target = "?"
            return f"broken symbolic link (to {target}, which does not exist)"
        if exc.errno == errno.ENOENT:
            return "file not found"
        return f"cannot read file: {exc.strerror or exc}"
    return "file not found"


def _read_file(path: Path, limits: ReadLimits) -> bytes:
    """The file's bytes, its size checked (fstat) before reading and at most the limit read, so
    neither a huge file nor one that grows meanwhile is pulled into memory. Only regular files:
    a FIFO would block and a device (a link to /dev/zero named cv.txt) would never end.
    O_NONBLOCK keeps open() from waiting on a FIFO; it changes nothing for regular files."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError as exc:
        raise DocumentReadError(path, "file not found") from exc
    except OSError as exc:
        raise DocumentReadError(path, f"cannot read file: {exc.strerror or exc}") from exc
    with os.fdopen(fd, "rb") as file:
        try:
            info = os.fstat(file.fileno())
            if stat.S_ISDIR(info.st_mode):
                raise DocumentReadError(path, "is a directory, not a file")
            if not stat.S_ISREG(info.st_mode):
                raise DocumentReadError(path, "not a regular file (a device, pipe or socket)")
            check_limit(str(path), limits, "max_file_bytes", info.st_size, "file size")
            data = read_capped(file, limits.max_file_bytes + 1)
        except OSError as exc:
            raise DocumentReadError(path, f"cannot read file: {exc.strerror or exc}") from exc
    check_limit(str(path), limits, "max_file_bytes", len(data), "file size")
    return data


def read_capped(file: "BinaryIO", most: int, chunk: int = 1 << 20) -> bytes:
    """At most `most` bytes of `file`, read in chunks: a read of `most` at once would allocate
    it up front (a limit of 1e12 bytes is a MemoryError before a byte is read)."""
    parts, left = [], most
    while left > 0:
        part = file.read(min(chunk, left))
        if not part:
            break
        parts.append(part)
        left -= len(part)
    return b"".join(parts)


MAX_RUN = 60  # characters without a space: no word is longer; a long URL is cut, which no finding needs
_LONG_RUN = re.compile(r"\S{%d,}" % (MAX_RUN + 1))


def break_long_runs(text: str, most: int = MAX_RUN) -> str:
    """`text` with a space put into every run of more than `most` characters without one. spaCy's
    tokenizer is quadratic in the length of such a run (its suffix search rescans the rest of the
    run for every character it splits off: 400,000 '£' took minutes), as are a few patterns."""
    if len(text) <= most or not _LONG_RUN.search(text):
        return text
    return _LONG_RUN.sub(lambda m: " ".join(m.group(0)[i:i + most] for i in range(0, len(m.group(0)), most)), text)


def read_bytes(data: bytes, name: str, *, limits: ReadLimits | None = None, pdf_engine: str = pdf.DEFAULT_ENGINE,
               source: str | None = None) -> Document:
    """Read a document held in memory (stdin, an upload, a remote worker); `name`'s suffix picks
    the reader and `source` (default: `name`) is what the Document and errors report."""
    limits = limits if limits is not None else ReadLimits()
    source = source if source is not None else name
    reader = _reader_for(name, source)
    check_limit(source, limits, "max_file_bytes", len(data), "file size")
    if pdf_engine not in pdf.ENGINES:
        raise ValueError(f"unknown pdf_engine {pdf_engine!r}; choose one of {', '.join(pdf.ENGINES)}")
    kind = Path(name).suffix.lstrip(".").upper()
    reader, sniffed = _sniff(data, Path(name).suffix.lower(), reader)
    try:
        raw = reader(data, source, limits, engine=pdf_engine)
        if sniffed:
            raw = replace(raw, meta={**raw.meta, "read_as": f"{raw.format} (by content)"})
    except CvMatcherError:
        raise
    except MemoryError as exc:  # the limits should prevent it; if not, one line, not a crash
        raise DocumentReadError(source, f"cannot read {kind}: too large to read (out of memory)") from exc
    except RecursionError as exc:  # a page tree or object nested thousands deep
        raise DocumentReadError(source, f"cannot read {kind}: structure nested too deeply") from exc
    except Exception as exc:  # a library's own exception: report it on one line, never a traceback
        detail = " ".join(str(exc).split())[:_MAX_DETAIL]
        raise DocumentReadError(source, f"cannot read {kind}: {type(exc).__name__}: {detail}") from exc
    return _finish(source, raw, limits)


def _reader_for(name: str, source: str) -> Reader:
    suffix = Path(name).suffix.lower()
    reader = READERS.get(suffix)
    if reader is None:
        shown = f"'{suffix}'" if suffix else "without a suffix"
        raise UnsupportedFormatError(source, f"unsupported file type {shown}; supported: {supported_suffixes()}")
    return reader


def document_warnings(document: Document) -> tuple[str, ...]:
    """What the report should say about how a document was read: OCR with low confidence, a
    .doc with macros, a PDF pdfium could not read."""
    meta = dict(document.meta)
    out = []
    if "ocr_confidence" in meta:
        confidence = float(meta["ocr_confidence"])
        if confidence < ocr.LOW_CONFIDENCE:
            out.append(f"text read by OCR with low confidence (mean word confidence {confidence:.0f}%): "
                       "check the findings against the document")
    if "macros" in meta:
        out.append("the .doc holds macros; they were not run (only the text is read)")
    return tuple(out)


def _sniff(data: bytes, suffix: str, reader: Reader) -> tuple[Reader, bool]:
    """The reader for what the bytes are, when a text or .doc suffix hides RTF, HTML or a DOCX."""
    if suffix not in _SNIFFED_SUFFIXES:
        return reader, False
    if rtf.looks_like_rtf(data):
        return rtf.read, True
    if suffix == ".doc" and data.startswith(b"PK\x03\x04"):
        return docx.read, True
    if html.looks_like_html(data):
        return html.read, True
    return reader, False


def _finish(source: str, raw: Extracted, limits: ReadLimits) -> Document:
    check_limit(source, limits, "max_chars", len(raw.text), "extracted text length")
    final = break_long_runs(clean_text(raw.text))
    if not any(ch.isalnum() for ch in final):
        if raw.hidden:
            raise EmptyDocumentError(source, f"no usable text: {all_hidden(raw.hidden)}")
        raise EmptyDocumentError(source, "no usable text: the document is empty")
    garbled = not_language(final)  # a broken font map, binary data decoded as letters (language.py)
    if garbled is not None:
        raise DocumentReadError(source, garbled_problem(raw.format, garbled))
    return Document(
        source=source,
        text=final,
        sections=split_sections(final),
        format=raw.format,
        meta=tuple(sorted(raw.meta.items())),
        hidden=tuple((reason, clean_text(text)) for reason, text in raw.hidden),
    )
