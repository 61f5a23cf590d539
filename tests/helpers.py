"""Assertion helpers shared by the tests (like presidio's tests/assertions.py)."""
from __future__ import annotations

from cv_matcher.models import Document, Evidence
from cv_matcher.readers import read_bytes


def doc_of(text: str, name: str = "cv.txt") -> Document:
    """A Document read from text exactly as a .txt file would be (sections included)."""
    return read_bytes(text.encode("utf-8"), name)


def find(evidence: tuple[Evidence, ...], term_id: str) -> list[Evidence]:
    return [e for e in evidence if e.term_id == term_id]


def assert_offsets(doc: Document, evidence: tuple[Evidence, ...]) -> None:
    """Every finding's text is exactly the document text at its offsets."""
    for ev in evidence:
        assert doc.text[ev.start:ev.end] == ev.text, ev
