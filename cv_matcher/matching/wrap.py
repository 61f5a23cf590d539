"""Line breaks that only wrap a paragraph: a PDF page (or a scan) breaks its lines wherever the
width runs out, so a phrase can stand on two lines ("... lead the Programme\\nManagement Office
..."), and so can the clause around it. The phrase matchers and the clause, cue and guard tests
read such a document with those breaks as spaces (`reading_text`); its text, offsets and
sections keep them (one character for one, so every offset is the same in both).

Only laid-out formats are read so (LAID_OUT): the other readers give a paragraph as one line, and
a text file's breaks are as its writer made them. (Measured on the shared corpus, whose text CVs
are hard-wrapped: unwrapping them too moved one of 164 levels, the wrong way; the same texts
made into PDFs got five more levels right.)

A break wraps a paragraph when the line before it is full (near the document's usual long line),
does not end a sentence, a field or a list item, and the next line goes on with a word. Short lines
(titles, headings, list items, the lines of an address) never wrap: their breaks stay breaks.
"""
from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..models import Document

LAID_OUT = frozenset({"pdf", "image"})  # Document.format values whose line breaks are the page's
MIN_FULL_LINE = 30  # characters: a shorter line is a title, a heading or a list item, not a wrapped paragraph
FULL_SHARE = 0.6  # of the document's long line (the 90th percentile of its line lengths)
_ENDS_UNIT = frozenset(".:;!?")  # a line ending so has said its piece


def _long_line(lengths: list[int]) -> int:
    """The document's usual long line: the 90th percentile of its non-blank line lengths."""
    ordered = sorted(lengths)
    return ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))] if ordered else 0


@lru_cache(maxsize=8)  # the matchers and the scorer ask for the same document's in turn
def unwrapped(text: str) -> str:
    """`text` with each break that only wraps a paragraph made a space (the same length)."""
    if "\n" not in text:
        return text
    lines = text.split("\n")
    bodies = [line.rstrip() for line in lines]
    full = max(MIN_FULL_LINE, FULL_SHARE * _long_line([len(b) for b in bodies if b.strip()]))
    soft = []
    at = 0
    for line, body, following in zip(lines, bodies, lines[1:]):
        at += len(line)  # the break after `line`
        if len(body) >= full and body[-1] not in _ENDS_UNIT and following.lstrip(" \t")[:1].isalnum():
            soft.append(at)
        at += 1
    if not soft:
        return text  # the very same string: nothing to read differently
    out = list(text)
    for at in soft:
        out[at] = " "
    return "".join(out)


def reading_text(doc: "Document") -> str:
    """The text the matchers and scorers read: a laid-out page's wrapping breaks as spaces, any
    other document's text as it is (the very same string)."""
    return unwrapped(doc.text) if doc.format in LAID_OUT else doc.text


def on_one_line(text: str) -> str:
    """A matched phrase as a reason or a report line quotes it: a line break that it wraps over (and
    any run of white space) shown as one space. Its offsets still point at the text as it is."""
    return " ".join(text.split())
