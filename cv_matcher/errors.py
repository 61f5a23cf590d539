"""The exceptions cv-matcher raises. Catch CvMatcherError to handle every one of them.

Each message names the file (or lexicon path) and the problem on one line, so the CLI can print
it as is and a batch can store it in its error column.
"""
from __future__ import annotations

from pathlib import Path


class CvMatcherError(Exception):
    """Base class: every error cv-matcher raises on purpose derives from this."""

    def __init__(self, path: str | Path | None, problem: str) -> None:
        self.path = None if path is None else str(path)
        self.problem = printable(" ".join(str(problem).split()))  # always one printable line
        super().__init__(self.problem if self.path is None else f"{printable(self.path)}: {self.problem}")


def printable(text: str) -> str:
    """`text` with every unprintable character escaped, so a message stays one safe line: a file
    name's newline or terminal escape sequence, and the bytes of a name that is not UTF-8 (Python
    keeps them as lone surrogates, shown here as \\xNN)."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else _escape(ch) for ch in text)


def _escape(ch: str) -> str:
    code = ord(ch)
    if 0xDC80 <= code <= 0xDCFF:  # os.fsdecode()'s surrogateescape of a byte >= 0x80
        return f"\\x{code - 0xDC00:02x}"
    return ch.encode("unicode_escape").decode("ascii")


class UnsupportedFormatError(CvMatcherError):
    """The file's suffix (or content) is not a format we read."""


class DocumentReadError(CvMatcherError):
    """The file exists but cannot be read: missing, unreadable, corrupt or not what its suffix says."""


class EncryptedDocumentError(DocumentReadError):
    """A PDF (or DOCX) protected by a password we do not have."""


class EmptyDocumentError(DocumentReadError):
    """The file was read but holds no text worth analysing."""


class NoTextLayerError(DocumentReadError):
    """A PDF whose pages are images (a scan): we do not OCR and never invent text."""


class LimitExceededError(DocumentReadError):
    """The file breaks a safety limit (size, pages, characters, uncompressed size)."""


class LexiconError(CvMatcherError):
    """A lexicon failed validation. `problems` holds every problem found, not just the first."""

    def __init__(self, path: str | Path | None, problems: list[str]) -> None:
        self.problems = list(problems)
        summary = f"{len(self.problems)} problem(s) in lexicon: " + "; ".join(self.problems[:3])
        if len(self.problems) > 3:
            summary += f"; ... and {len(self.problems) - 3} more"
        super().__init__(path, summary)
