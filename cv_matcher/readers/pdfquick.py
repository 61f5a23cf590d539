"""A cheap proof that a PDF is within the bounds pdfium needs, from its bytes alone.

pdfium has no bounds of its own (pdfguard.py): before it gets a file, pdfguard's
check_before_pdfium() reads the whole structure with pdfminer, about 13 ms a CV, ten times what
pdfium then takes to extract the text. This module tries to prove the same bounds in about a
millisecond, with regular expressions and zlib over the raw bytes, and says "not proven" (None)
whenever the file is anything but plain; the caller then runs pdfminer's exact check as before.
So a file this module cannot judge costs what it cost before, and the bounds it proves are upper
bounds of what pdfminer's check would count:

* decoded bytes: every `stream` keyword in the file is found, its dictionary read (the object
  header before it, its /Filter and /Subtype) and its data inflated from where the data starts to
  wherever deflate stops (a /Length that cuts it short only makes pdfium decode less), within
  what is left of max_pdf_decoded_bytes. Images are not decoded (as in pdfguard). Only FlateDecode
  and ASCII85Decode (alone or chained) are understood; any other filter, an indirect /Filter, a
  corrupt deflate stream, an encrypted file, or a `stream` keyword without a readable dictionary
  make the proof fail.
* drawing cost (max_pdf_content_bytes): content streams are drawn only through an indirect
  reference (a page's /Contents) and forms through a Do operator. A stream may be drawn at most
  (references to it, those from /FontFile, /Metadata and /ICCBased excepted) x pages times, and
  each Do draws at most the costliest form; a form that itself draws (a Do inside a form) makes
  the proof fail, so nested forms ("billion laughs" of drawing) always get the exact check.
  Each stream costs at least pdfguard.MIN_STREAM_COST, as there.
"""
from __future__ import annotations

import base64
import binascii
import re
import zlib
from collections import Counter
from dataclasses import dataclass

from .base import ReadLimits
from .pdfguard import _DO, MIN_STREAM_COST

_DELIMS = rb"\s()<>\[\]{}/%"
_DELIM_BYTES = frozenset(b" \t\n\r\f\x00()<>[]{}/%")
_HEADER = re.compile(rb"(\d+)\s+\d+\s+$")  # "12 0 " before an "obj" keyword
# whitespace, comments included (a comment is whitespace in PDF); a comment runs to the end of
# its line (the lookahead), so each stretch has one reading and the pattern cannot backtrack badly
_WS = rb"(?:\s|%[^\r\n]*(?=[\r\n]))+"
_REF = re.compile(rb"(?<![\d.+-])(\d+)" + _WS + rb"\d+" + _WS + rb"R(?![^" + _DELIMS + rb"])")
# The same read backwards, on the reversed text: it starts with the literal "R", which the regex
# engine finds at C speed (the forward pattern is tried at every digit of a font's binary data).
# A comment reversed is its text then "%", after (reversed: before) a line end.
_WS_BACK = rb"(?:\s|(?<=[\r\n])[^\r\n]*%)+"
_REF_BACK = re.compile(rb"R(?<![^" + _DELIMS + rb"]R)" + _WS_BACK + rb"\d+" + _WS_BACK + rb"(\d+)(?![\d.+-])")
# References that only name a font program, metadata or a colour profile: never drawn through them.
# Plain whitespace only, so that each of these is also a _REF match (which it is subtracted from).
_NOT_DRAWN = re.compile(rb"(?:/FontFile[23]?|/Metadata|/ICCBased)\s+(\d+)\s+\d+\s+R(?![^" + _DELIMS + rb"])")
_FILTER = re.compile(rb"/Filter\s*(/[^" + _DELIMS + rb"]+|\[[^\]]*\])")
_NAME = re.compile(rb"/([^" + _DELIMS + rb"]+)")
_SUBTYPE = re.compile(rb"/Subtype\s*/(\w+)")
_TYPE = re.compile(rb"/Type\s*/(\w+)")
_IMAGE_FILTERS = {b"DCTDecode", b"DCT", b"JPXDecode", b"JBIG2Decode", b"CCITTFaxDecode", b"CCF"}


@dataclass
class _Stream:
    objid: int
    size: int  # decoded bytes (raw bytes for an image)
    content: bytes  # decoded (empty for an image): its Do operators are counted when it can be drawn
    form: bool
    image: bool = False  # an image left encoded (size: its raw bytes)


class _NotProven(Exception):
    """The file is not plain enough for this module to judge."""


@dataclass
class Facts:
    """What drawing the file can cost, once its decoded size is proven within the limit."""

    streams: list[_Stream]
    texts: list[bytes]  # where references are read: the file and its decoded object streams

    @property
    def decoded(self) -> int:
        """The bound of the decoded bytes of every stream, images aside."""
        return sum(s.size for s in self.streams if not s.image)


def decoding_within(data: bytes, limits: ReadLimits) -> Facts | None:
    """The file's streams when decoding all of them (images aside) is proven to stay within
    max_pdf_decoded_bytes; None when it is not (over it, or not judged): run the exact check.
    Before pdfium opens the file (opening decodes its object streams)."""
    if b"/Encrypt" in data:
        return None  # encrypted streams cannot be inflated here
    try:
        return Facts(*_streams(data, limits))
    except _NotProven:
        return None


def drawing_within(facts: Facts, pages: int, limits: ReadLimits) -> bool:
    """Whether drawing the `pages` pages pdfium counts is proven to stay within
    max_pdf_content_bytes; False: run the exact check before any page is drawn."""
    return drawing_cost(facts, pages) <= limits.max_pdf_content_bytes


def _streams(data: bytes, limits: ReadLimits) -> tuple[list[_Stream], list[bytes]]:
    """Every stream's decoded size and Do count, and the texts references are read from (the
    file itself and its decoded object streams)."""
    view = memoryview(data)
    room = limits.max_pdf_decoded_bytes
    streams: list[_Stream] = []
    objstms: list[bytes] = []
    for keyword in _keywords(data):
        objid, head = _dictionary(data, keyword)
        after = keyword + 6
        if data[after:after + 1] not in (b"\r", b"\n"):
            raise _NotProven
        start = after + (2 if data.startswith(b"\r\n", after) else 1)
        filters = _filters(head)
        subtype = _SUBTYPE.search(head)
        if subtype is not None and subtype.group(1) == b"Image" and filters and filters[-1] in _IMAGE_FILTERS:
            # not decoded by pdfium to read text (nor counted by pdfguard); drawn, it costs its raw bytes
            end = data.find(b"endstream", start)
            streams.append(_Stream(objid, (end if end >= 0 else len(data)) - start, b"", False, image=True))
            continue
        decoded = _decode(data, view, start, filters, room)
        room -= len(decoded)
        if room < 0:
            raise _NotProven
        kind = _TYPE.search(head)
        if kind is not None and kind.group(1) == b"ObjStm":
            objstms.append(decoded)
        form = subtype is not None and subtype.group(1) == b"Form"
        streams.append(_Stream(objid, len(decoded), decoded, form))
    return streams, [data, *objstms]


def _keywords(data: bytes) -> list[int]:
    """Where "stream" stands as a keyword: after and before a delimiter (so not "endstream",
    nor "Mainstream" in a string). bytes.find, as a regex with a lookbehind tries every offset."""
    found = []
    at = data.find(b"stream")
    while at >= 0:
        if (at == 0 or data[at - 1] in _DELIM_BYTES) and (at + 6 == len(data) or data[at + 6] in _DELIM_BYTES):
            found.append(at)
        at = data.find(b"stream", at + 6)
    return found


def _dictionary(data: bytes, keyword: int) -> tuple[int, bytes]:
    """The object number and dictionary of the stream whose keyword is at `keyword`."""
    at = data.rfind(b"obj", 0, keyword)
    header = _HEADER.search(data, max(0, at - 40), at) if at >= 0 else None
    head = data[at + 3:keyword].strip() if at >= 0 else b""
    if header is None or not head.startswith(b"<<") or not head.endswith(b">>") or b"endobj" in head:
        raise _NotProven
    return int(header.group(1)), head


def _filters(head: bytes) -> list[bytes]:
    if b"/Filter" not in head:
        return []
    found = _FILTER.search(head)
    if found is None or head.count(b"/Filter") != 1:
        raise _NotProven  # an indirect filter, or one this module cannot read
    return _NAME.findall(found.group(1))


def _decode(data: bytes, view: memoryview, start: int, filters: list[bytes], room: int) -> bytes:
    """The stream's data decoded, at most `room` + 1 bytes of it: from `start` to wherever its
    first filter says it ends (deflate's end, "~>"), or the next "endstream" when unfiltered."""
    if not filters:
        end = data.find(b"endstream", start)
        return data[start:end if end >= 0 else len(data)][:room + 1]
    current: bytes | memoryview = view[start:]
    for number, name in enumerate(filters):
        if name in (b"FlateDecode", b"Fl"):
            inflater = zlib.decompressobj()
            try:
                current = inflater.decompress(current, room + 1)
            except zlib.error as exc:
                raise _NotProven from exc
            if len(current) > room:
                raise _NotProven
        elif name in (b"ASCII85Decode", b"A85"):
            raw = data if number == 0 else bytes(current)
            begin = start if number == 0 else 0
            end = raw.find(b"~>", begin)
            if end < 0:
                raise _NotProven
            current = _a85decode(raw[begin:end])
        else:
            raise _NotProven
    return bytes(current)


_A85_SPACE = b" \t\n\r\f\x00"


def _a85decode(text: bytes) -> bytes:
    """ASCII85 (PDF's form, without the "~>"): vectorised (base64.a85decode is a Python loop,
    2 ms for an embedded font), or base64's where a "z" (four zero bytes) is met."""
    import numpy as np

    text = text.translate(None, _A85_SPACE)
    if b"z" in text:
        try:
            return base64.a85decode(text)
        except (ValueError, binascii.Error) as exc:
            raise _NotProven from exc
    tail = len(text) % 5
    if tail == 1:
        raise _NotProven  # one character cannot hold a byte
    digits = np.frombuffer(text + b"u" * ((5 - tail) % 5), dtype=np.uint8).astype(np.uint64)
    if digits.size and (digits.min() < 33 or digits.max() > 117):
        raise _NotProven  # not an ASCII85 character
    values = (digits - 33).reshape(-1, 5) @ np.array([85 ** 4, 85 ** 3, 85 ** 2, 85, 1], dtype=np.uint64)
    if values.size and values.max() > 0xFFFFFFFF:
        raise _NotProven
    out = values.astype(">u4").tobytes()
    return out[:len(out) - (5 - tail) % 5] if tail else out


def references(text: bytes) -> list[int]:
    """The object numbers of the references ("12 0 R") in `text`, as _REF finds them."""
    return [int(m.group(1)[::-1]) for m in _REF_BACK.finditer(text[::-1])]


def drawing_cost(facts: Facts, pages: int) -> float:
    """An upper bound of the content bytes drawing every page would interpret (see the module
    docstring); infinite when a form draws other forms."""
    streams, texts = facts.streams, facts.texts
    if any(s.form and _DO.search(s.content) for s in streams):
        return float("inf")
    refs: Counter[int] = Counter()
    for text in texts:
        refs.update(references(text))
        refs.subtract(int(m.group(1)) for m in _NOT_DRAWN.finditer(text))
    costliest_form = max((max(s.size, MIN_STREAM_COST) for s in streams if s.form), default=0)
    total = 0
    for s in streams:
        times = refs[s.objid]  # (a reference not seen: never drawn)
        if times > 0:
            draws = len(_DO.findall(s.content)) if costliest_form else 0
            total += times * (max(s.size, MIN_STREAM_COST) + draws * costliest_form)
    return pages * total


__all__ = ["Facts", "decoding_within", "drawing_cost", "drawing_within"]
