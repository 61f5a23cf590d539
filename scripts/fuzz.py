"""Mutation fuzzing of the readers and the whole pipeline.

    .venv/bin/python scripts/fuzz.py --inputs 100000 --workers 2      # the long run
    .venv/bin/python scripts/fuzz.py --inputs 300 --json               # what tests/test_fuzz_short.py runs
    .venv/bin/python scripts/fuzz.py --replay 1234 --seed 0            # one input again, in this process

Seeds are the sample PDFs, DOCX and text files in sample_cvs/ and sample_ads/ (and, for PDFs, the
same files with their streams inflated, so mutations reach the drawing instructions; for DOCX,
mutations go inside a zip member half the time, so they reach the XML rather than the CRC).
Input i is a pure function of (--seed, i): 1-4 byte-level mutations (bit flips, byte sets,
truncation, splicing with another seed, chunk duplication and deletion, format tokens, extreme
numbers), and one time in five the bytes are read under another format's suffix.

Each input runs in a worker process (forked once the libraries and lexicon are loaded): PDFs
through read_bytes(pdf_engine="pdfium") and then the whole pipeline, cv_matcher.api.analyse_file
(pdfminer), DOCX and text through analyse_file. A failure is:
  exception  anything but a CvMatcherError (the traceback is saved);
  message    a CvMatcherError whose message is not one printable line;
  memory     the worker's peak memory grew by more than --memory-growth-mb on one input, or it
             hit its address-space limit (--memory-mb) and reported running out of memory;
  hang       the input took longer than --timeout seconds of CPU time (a CPU-time alarm in the
             worker, so a busy shared machine does not count; the parent kills a worker stuck
             in native code, or blocked, after five times that in wall time);
  crash      the worker died (a signal, an abort in native code).
The first --keep failing inputs are saved in --out (default fuzz-failures/) with a note each.
Exit status 1 when anything failed.
"""
from __future__ import annotations

import argparse
import io
import json
import multiprocessing
import os
import random
import re
import resource
import signal
import sys
import time
import traceback
import zipfile
import zlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

FORMATS = ("pdf", "docx", "txt")
SEED_FOLDERS = (ROOT / "sample_cvs", ROOT / "sample_ads")
MAX_INPUT_BYTES = 4 * 1024 * 1024  # chunk duplication stops growing an input past this

TOKENS = {
    "pdf": [b" obj ", b" endobj ", b" 0 R ", b"<<", b">>", b"[", b"]", b"(", b")", b"<", b">", b"/Kids [",
            b"/Count 99999", b"/Type /Pages", b"/Parent 1 0 R", b"stream\n", b"\nendstream", b"/Filter /FlateDecode",
            b"/Filter /LZWDecode", b"/Filter /RunLengthDecode", b"/Filter /ASCIIHexDecode", b"/Filter /ASCII85Decode",
            b"/DecodeParms << /Predictor 12 /Columns 4 >>", b"%%EOF", b"xref\n", b"trailer", b"startxref\n",
            b"/Length 999999999", b"/Encrypt", b"/ObjStm", b"/XObject << /X 1 0 R >>", b"/X Do", b" Tj ", b" TJ ",
            b" Tf ", b" cm ", b" BT ", b" ET ", b"BI ID EI", b"/ToUnicode", b"begincmap", b"beginbfchar"],
    "docx": [b"<w:p>", b"</w:p>", b"<w:r><w:t>", b"</w:t></w:r>", b"<w:tbl><w:tr><w:tc>", b"</w:tc></w:tr></w:tbl>",
             b"<w:txbxContent>", b'<w:vMerge w:val="continue"/>', b"<w:sdt><w:sdtContent>", b"&amp;", b"&#0;",
             b"&#x10FFFF;", b"<![CDATA[", b"]]>", b"<!-- ", b" -->", b"<?xml version='1.0'?>", b'encoding="UTF-16"',
             b"<!DOCTYPE x [<!ENTITY a 'b'>]>", b"\xff\xfe", b"\xef\xbb\xbf", b"xmlns:w=\"x\"", b"r:id=\"rId99\""],
    "txt": [b"\x00", b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf", b"\xff\xfe\x00\x00", b"\r", b"\r\n", b"\x1b[31m",
            b"\xc3\xa2\xe2\x82\xac\xe2\x84\xa2", b"\xe2\x80\x8b", b"\xc0\x80", b"\xed\xa0\x80", b"\xf4\x90\x80\x80",
            b"Experience\n", b"Skills:", b"\xa3", b"\x80\x81\x8d", "—é£".encode("utf-16-le")],
}
EXTREME_NUMBERS = [b"0", b"-1", b"-0", b"2147483648", b"4294967296", b"9223372036854775808", b"1e308", b"99999999999999999999",
                   b"0.0000001", b"-99999", b"65535", b"NaN"]
_NUMBER = re.compile(rb"-?\d+(?:\.\d+)?")
# The formats of issue 13, fuzzed as the structure case "formats" (so the byte-level inputs of
# earlier runs stay the same): seeds are the Word 97 samples of tests/data/ and RTF, ODT and HTML
# made from the text seeds by tests/format_builders.py.
NEW_FORMATS = ("doc", "rtf", "odt", "html")
TOKENS.update({
    "doc": [b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"\xec\xa5", b"\xff\xff\xff\xff", b"\xfe\xff\xff\xff", b"\x00" * 64,
            "WordDocument".encode("utf-16-le"), "Macros".encode("utf-16-le"), b"\x01\x01"],
    "rtf": [b"{", b"}", b"{\\rtf1 ", b"\\v ", b"\\v0 ", b"\\par ", b"\\bin99999999 ", b"\\u-32768?", b"\\'ff",
            b"{\\*\\shpinst ", b"{\\pict ", b"\\cell ", b"\\row ", b"{\\header ", b"{\\listtext ", b"\\ansicpg99999 ",
            b"{\\fonttbl{\\f0\\fcharset128 x;}}", b"\\plain "],
    "odt": [b"<text:p>", b"</text:p>", b"<text:span text:style-name=\"Hidden\">", b"</text:span>", b"<table:table-row>",
            b"<text:s text:c=\"99999999\"/>", b"<draw:frame><draw:text-box>", b"<!DOCTYPE x [<!ENTITY a 'b'>]>", b"&#0;",
            b"<text:list><text:list-item>", b"PK\x01\x02", b"PK\x03\x04"],
    "html": [b"<div>", b"</div>", b"<table><tr><td>", b"</td></tr></table>", b"<style>p{display:none}</style>",
             b" style=\"display:none\"", b" hidden", b"<script>", b"</script>", b"&#x10FFFF;", b"&nbsp;", b"<![CDATA[",
             b"<!--", b"-->", b"<pre>", b"<li>", b"<h1>", b"<meta charset=\"utf-16\">", b"<svg><foreignObject>"],
})


# --- seeds ---------------------------------------------------------------------------------------


def inflate_streams(pdf: bytes) -> bytes:
    """The PDF with every Flate (and ASCII85+Flate) stream stored inflated and unfiltered. The
    xref offsets go stale: readers rebuild the table, which is itself worth fuzzing."""
    import base64

    def one(match: re.Match[bytes]) -> bytes:
        head, body = match.group(1), match.group(2)
        if b"/FlateDecode" not in head:
            return match.group(0)
        try:
            data = body.strip()
            if b"/ASCII85Decode" in head:
                data = base64.a85decode(data.rstrip(b"~>").lstrip(b"<~") + b"~>", adobe=False)
            data = zlib.decompress(data)
        except Exception:
            return match.group(0)
        head = re.sub(rb"/Filter\s*(\[[^\]]*\]|/\w+)", b"", head)
        head = re.sub(rb"/Length\s+\d+", b"/Length %d" % len(data), head)
        return head + b"stream\n" + data + b"\nendstream"

    return re.sub(rb"(<<(?:(?!stream).){0,2000}?>>\s*)stream\r?\n(.*?)endstream", one, pdf, flags=re.S)


def load_seeds() -> dict[str, list[bytes]]:
    seeds: dict[str, list[bytes]] = {fmt: [] for fmt in FORMATS}
    for folder in SEED_FOLDERS:
        for path in sorted(folder.iterdir()):
            fmt = path.suffix.lstrip(".").lower()
            if fmt in seeds:
                seeds[fmt].append(path.read_bytes())
    seeds["pdf"] += [inflate_streams(data) for data in list(seeds["pdf"])]
    seeds.update(_new_format_seeds(seeds["txt"]))
    return seeds


def _new_format_seeds(texts: list[bytes]) -> dict[str, list[bytes]]:
    sys.path.insert(0, str(ROOT / "tests"))
    from format_builders import DATA, html_of, odt_of, rtf_of

    from cv_matcher.readers.text import decode

    lines = [decode(data, "seed")[0].replace("\r\n", "\n").split("\n") for data in texts]
    return {"doc": [p.read_bytes() for p in sorted(DATA.glob("*.doc"))],
            "rtf": [rtf_of(seed, hidden="Set up the PMO") for seed in lines],
            "odt": [odt_of(seed, hidden="Set up the PMO") for seed in lines],
            "html": [html_of(seed, hidden="Set up the PMO") for seed in lines]}


# --- mutations -----------------------------------------------------------------------------------


def _bitflip(rng: random.Random, data: bytearray, fmt: str, seeds: dict[str, list[bytes]]) -> str:
    for _ in range(rng.randint(1, 8)):
        if data:
            pos = rng.randrange(len(data))
            data[pos] ^= 1 << rng.randrange(8)
    return "bitflip"


def _byteset(rng: random.Random, data: bytearray, fmt: str, seeds: dict[str, list[bytes]]) -> str:
    for _ in range(rng.randint(1, 8)):
        if data:
            data[rng.randrange(len(data))] = rng.choice([0, 0xFF, 0x7F, 0x80, 0x0A, 0x0D, 0x20, 0x25, 0x28, 0x29, 0x3C, 0x3E,
                                                         0x5B, 0x5D, 0x2F, 0x5C, rng.randrange(256)])
    return "byteset"


def _truncate(rng: random.Random, data: bytearray, fmt: str, seeds: dict[str, list[bytes]]) -> str:
    if len(data) < 2:
        return "truncate(none)"
    cut = rng.randrange(1, len(data))
    if rng.random() < 0.8:
        del data[cut:]
        return f"truncate(at {cut})"
    del data[:cut]
    return f"truncate(first {cut})"


def _splice(rng: random.Random, data: bytearray, fmt: str, seeds: dict[str, list[bytes]]) -> str:
    other = rng.choice(seeds[fmt] if rng.random() < 0.8 else seeds[rng.choice(FORMATS)])
    if not data or not other:
        return "splice(none)"
    cut, start = rng.randrange(len(data)), rng.randrange(len(other))
    data[cut:] = other[start:]
    return f"splice({cut}<-{start})"


def _duplicate(rng: random.Random, data: bytearray, fmt: str, seeds: dict[str, list[bytes]]) -> str:
    if not data:
        return "duplicate(none)"
    start = rng.randrange(len(data))
    chunk = bytes(data[start:start + rng.randint(1, 4096)])
    times = rng.choice([1, 1, 2, 10, 100])
    if len(data) + len(chunk) * times > MAX_INPUT_BYTES:
        times = 1
    pos = rng.randrange(len(data) + 1)
    data[pos:pos] = chunk * times
    return f"duplicate({len(chunk)}x{times})"


def _delete(rng: random.Random, data: bytearray, fmt: str, seeds: dict[str, list[bytes]]) -> str:
    if not data:
        return "delete(none)"
    start = rng.randrange(len(data))
    del data[start:start + rng.randint(1, 1024)]
    return "delete"


def _token(rng: random.Random, data: bytearray, fmt: str, seeds: dict[str, list[bytes]]) -> str:
    token = rng.choice(TOKENS[fmt])
    pos = rng.randrange(len(data) + 1)
    if rng.random() < 0.5:
        data[pos:pos] = token
    else:
        data[pos:pos + len(token)] = token
    return f"token({token[:20]!r})"


def _number(rng: random.Random, data: bytearray, fmt: str, seeds: dict[str, list[bytes]]) -> str:
    if not data:
        return "number(none)"
    start = rng.randrange(len(data))
    match = _NUMBER.search(bytes(data[start:start + 4096]))
    if match is None:
        return "number(none)"
    value = rng.choice(EXTREME_NUMBERS)
    data[start + match.start():start + match.end()] = value
    return f"number({value.decode()})"


MUTATORS = [_bitflip, _byteset, _truncate, _splice, _duplicate, _delete, _token, _number]
MUTATOR_WEIGHTS = [3, 2, 1, 1, 2, 1, 3, 2]


def mutate_bytes(rng: random.Random, data: bytes, fmt: str, seeds: dict[str, list[bytes]]) -> tuple[bytes, list[str]]:
    out = bytearray(data)
    done = [mutator(rng, out, fmt, seeds) for mutator in rng.choices(MUTATORS, MUTATOR_WEIGHTS, k=rng.randint(1, 4))]
    return bytes(out[:MAX_INPUT_BYTES]), done


_ELEMENT = re.compile(rb"<w:(p|tbl|tr|tc|r|sdt|txbxContent)\b[^>]*>.*?</w:\1>", re.S)
_WRAPPERS = [(b"<w:sdt><w:sdtContent>", b"</w:sdtContent></w:sdt>"), (b"<w:customXml>", b"</w:customXml>"),
             (b"<w:tbl><w:tr><w:tc>", b"</w:tc></w:tr></w:tbl>"), (b"<w:r><w:txbxContent>", b"</w:txbxContent></w:r>")]


def mutate_elements(rng: random.Random, xml: bytes) -> tuple[bytes, list[str]]:
    """Element-level changes that keep the XML well-formed (mostly): duplicate, drop or move an
    element, or nest one inside up to 400 containers (libxml2 refuses depth over 256)."""
    found = list(_ELEMENT.finditer(xml))
    if not found:
        return xml, ["elements(none)"]
    match = rng.choice(found)
    element = match.group(0)
    action = rng.choice(["duplicate", "drop", "move", "nest"])
    if action == "duplicate":
        times = rng.choice([2, 10, 1000])
        return xml[:match.end()] + element * (times - 1) + xml[match.end():], [f"elements(duplicate x{times})"]
    if action == "drop":
        return xml[:match.start()] + xml[match.end():], ["elements(drop)"]
    if action == "move":
        rest = xml[:match.start()] + xml[match.end():]
        target = rng.choice(found).start()
        target = min(target, len(rest))
        return rest[:target] + element + rest[target:], ["elements(move)"]
    opener, closer = rng.choice(_WRAPPERS)
    depth = rng.choice([3, 50, 120, 400])
    return xml[:match.start()] + opener * depth + element + closer * depth + xml[match.end():], [f"elements(nest {depth})"]


def mutate_docx_member(rng: random.Random, data: bytes, seeds: dict[str, list[bytes]]) -> tuple[bytes, list[str]]:
    """Mutate one XML member of the package (word/document.xml two times in three), re-zipped:
    element-level changes one time in three, byte-level ones otherwise."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = {info.filename: archive.read(info) for info in archive.infolist()}
    names = sorted(members)
    name = "word/document.xml" if "word/document.xml" in members and rng.random() < 0.67 else rng.choice(names)
    if rng.random() < 0.33:
        members[name], done = mutate_elements(rng, members[name])
    else:
        members[name], done = mutate_bytes(rng, members[name], "docx", seeds)
    if rng.random() < 0.1:
        del members[rng.choice(names)]
        done.append("drop member")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, content in members.items():
            archive.writestr(member, content)
    return out.getvalue(), [f"in {name}:"] + done


# --- structure-aware: hidden text (issue 11, item 1) ----------------------------------------------

HIDDEN_PROBE = "Zebulon Quartermaine chaired the portfolio board"  # in no seed: hidden, it must never be read
HIDE_SHARE = 0.1  # of the PDF and DOCX inputs, this share get hidden text (then byte mutations half the time)
_PDF_STREAM = re.compile(rb"(<<(?:(?!stream).){0,2000}?>>\s*)stream\r?\n(.*?)endstream", re.S)
_PDF_FONT = re.compile(rb"/([A-Za-z0-9_.+-]+)\s+[\d.]+\s+Tf")
_PDF_HIDING = {  # technique -> content drawing the probe with font F so that nobody sees it
    "render-mode-3": b"BT 3 Tr /%s 10 Tf 72 400 Td (%s) Tj ET",
    "white": b"q 1 1 1 rg BT /%s 10 Tf 72 400 Td (%s) Tj ET Q",
    "tiny": b"BT /%s 0.6 Tf 72 400 Td (%s) Tj ET",
    "off-page": b"BT /%s 10 Tf -4000 400 Td (%s) Tj ET",
    "clipped": b"q 0 0 1 1 re W n BT /%s 10 Tf 72 400 Td (%s) Tj ET Q",
}
_DOCX_HIDING = {
    "vanish": '<w:p><w:r><w:rPr><w:vanish/></w:rPr><w:t>{}</w:t></w:r></w:p>',
    "white": '<w:p><w:r><w:rPr><w:color w:val="FFFFFF"/></w:rPr><w:t>{}</w:t></w:r></w:p>',
    "tiny": '<w:p><w:r><w:rPr><w:sz w:val="2"/></w:rPr><w:t>{}</w:t></w:r></w:p>',
    "move-from": '<w:p><w:moveFrom w:id="9001" w:author="f" w:date="2024-01-01T00:00:00Z"><w:r><w:t>{}</w:t></w:r>'
                 "</w:moveFrom></w:p>",
}


def hide_text(rng: random.Random, data: bytes, fmt: str) -> tuple[bytes, str]:
    """Add HIDDEN_PROBE to a PDF or DOCX seed the way a CV games a matcher: PDF text drawn
    invisible, white, 0.6 pt, off the page or clipped away (at the start of a content stream
    that sets a font, its streams inflated); a DOCX paragraph in a hidden, white, 1 pt or
    moved-away run (before a random paragraph). Returns the bytes and a note."""
    if fmt == "pdf":
        pdf = inflate_streams(data)
        streams = [m for m in _PDF_STREAM.finditer(pdf) if b"BT" in m.group(2) and _PDF_FONT.search(m.group(2))]
        if not streams:
            return data, "hide-(no text stream)"
        match = rng.choice(streams)
        way = rng.choice(sorted(_PDF_HIDING))
        font = _PDF_FONT.search(match.group(2)).group(1)  # type: ignore[union-attr]
        body = _PDF_HIDING[way] % (font, HIDDEN_PROBE.encode()) + b"\n" + match.group(2)
        head = re.sub(rb"/Length\s+\d+", b"/Length %d" % len(body), match.group(1))
        return pdf[:match.start()] + head + b"stream\n" + body + b"endstream" + pdf[match.end():], f"hide-{way}"
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = {info.filename: archive.read(info) for info in archive.infolist()}
    xml = members.get("word/document.xml", b"")
    spots = [m.start() for m in re.finditer(rb"<w:p[ >]", xml)]
    if not spots:
        return data, "hide-(no paragraph)"
    way = rng.choice(sorted(_DOCX_HIDING))
    at = rng.choice(spots)
    members["word/document.xml"] = xml[:at] + _DOCX_HIDING[way].format(HIDDEN_PROBE).encode() + xml[at:]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, content in members.items():
            archive.writestr(member, content)
    return out.getvalue(), f"hide-{way}"


@dataclass
class Input:
    index: int
    fmt: str  # the format the bytes came from
    name: str  # the name they are read under (another suffix one time in five)
    data: bytes
    mutations: list[str] = field(default_factory=list)
    case: str = ""  # "" for a byte-level input, else one of CASES (structure-aware)
    raw_name: bytes = b""  # case "name": the file name, as bytes


def make_input(seed: int, index: int, seeds: dict[str, list[bytes]]) -> Input:
    rng = random.Random(f"{seed}:{index}")
    case = _structure_case(seed, index)
    if case:
        return make_structure_input(rng, index, case, seeds)
    fmt = FORMATS[index % len(FORMATS)]
    which = rng.randrange(len(seeds[fmt]))
    original = seeds[fmt][which]
    if fmt in ("pdf", "docx") and rng.random() < HIDE_SHARE:  # structure-aware: hidden text
        data, note = hide_text(rng, original, fmt)
        done = [note]
        if rng.random() < 0.5:
            data, more = mutate_bytes(rng, data, fmt, seeds)
            done += more
    elif fmt == "docx" and rng.random() < 0.5:
        data, done = mutate_docx_member(rng, original, seeds)
    else:
        data, done = mutate_bytes(rng, original, fmt, seeds)
    suffix = fmt if rng.random() < 0.8 else rng.choice([f for f in FORMATS if f != fmt])
    return Input(index, fmt, f"fuzz-{index}.{suffix}", data, [f"seed {fmt}#{which}"] + done)


# --- structure-aware: names, special files, lexicon files (issue 11) -----------------------------
# One input in about 8 is one of these instead of a byte-level one (chosen by its own random
# stream, so the byte-level inputs stay those of earlier runs). Each is tallied in its own row.

CASES = ("name", "special", "lexicon", "formats")
CASE_SHARES = (("name", 0.04), ("special", 0.02), ("lexicon", 0.0025), ("formats", 0.06))
ROWS = FORMATS + CASES
NAME_PARTS = [b"\xff", b"\xfe\xfd", b"\xc0\x80", b"\xed\xa0\x80", b"\n", b"\r", b"\t", b"\x1b[31m", b"\x1b]0;pwned\x07", b"\x1b[2J",
              "\u202e".encode(), "\u200b".encode(), "\u2066".encode(), "\ufeff".encode(), b"=", b"+", b"-", b"@", b"=HYPERLINK(\"x\")",
              b"=cmd|' /C calc'!A0", b" ", b"  ", b"%s%n", b"'", b'"', b"<script>alert(1)</script>", b"&amp;", b"{{7*7}}",
              "é".encode(), "日本語".encode(), "\U0001f600".encode(), b"..", b"\\", b"$(id)", b"`id`", b"*", b"?", b"[a]", b"~",
              b"cv", b"CV", b"labels.csv", b"a" * 120]
NAME_SUFFIXES = [b".txt", b".pdf", b".docx", b".md", b".TXT", b".Pdf", b"", b".", b".txt.exe", b".csv", b".txt\n", b".txt "]
SPECIAL_KINDS = ("fifo", "dev-zero", "dev-null", "dev-urandom", "outside-file", "outside-dir", "loop", "dangling", "folder-named-file",
                 "sparse", "at-limit", "socket", "self-link")
SECRET_MARK = "Outside-The-Folder-7f3a"  # text only the outside target holds: it must never be read by default
_LEXICON_FILES: dict[str, bytes] = {}


def _structure_case(seed: int, index: int) -> str:
    roll = random.Random(f"{seed}:{index}:case").random()
    for case, share in CASE_SHARES:
        if roll < share:
            return case
        roll -= share
    return ""


def hostile_name(rng: random.Random) -> bytes:
    """A file name as a hostile user picks it: bytes that are not UTF-8, escapes, newlines, bidi
    controls, formula starts, markup; any suffix. Never '/' or NUL, at most 250 bytes."""
    parts = [rng.choice(NAME_PARTS) for _ in range(rng.randint(1, 5))]
    if rng.random() < 0.5:
        parts.insert(0, rng.choice([b"=", b"+", b"-", b"@", b"\t", b"\r"]))
    name = (b"".join(parts)[:230] + rng.choice(NAME_SUFFIXES)).replace(b"/", b"_").replace(b"\0", b"_")
    return name if name not in (b".", b"..") else b"x" + name


def _lexicon_files() -> dict[str, bytes]:
    if not _LEXICON_FILES:
        from cv_matcher.lexicon import default_lexicon_path

        _LEXICON_FILES.update({p.name: p.read_bytes() for p in sorted(default_lexicon_path().glob("*.toml"))})
    return _LEXICON_FILES


_TOML_VALUE = re.compile(rb"(?m)^(\s*[\w\"' .-]+\s*=\s*)(.+)$")
_TOML_SWAPS = [b'"text"', b'""', b"0", b"-1", b"1e308", b"inf", b"nan", b"true", b"[]", b"[1, 2]", b'["a", 3]', b"{}",
               b"{ a = 1 }", b"[[1], [2]]", b"1979-05-27", b"[0.0]", b"[5.0, 1.0]", b'"\\u0000"', b"'''\nmulti\n'''"]


def mutate_toml(rng: random.Random, data: bytes) -> tuple[bytes, list[str]]:
    """Type-level changes that keep the TOML mostly valid: a value swapped for one of another type
    (a string for a number, a list for a table...), a line dropped or doubled, a table header
    changed, deep nesting; byte-level mutations one time in four."""
    if rng.random() < 0.25:
        return mutate_bytes(rng, data, "txt", {"txt": [data]})
    lines = data.split(b"\n")
    done = []
    for _ in range(rng.randint(1, 3)):
        action = rng.choice(["swap", "swap", "swap", "drop", "double", "header", "nest"])
        i = rng.randrange(len(lines))
        match = _TOML_VALUE.match(lines[i])
        if action == "swap" and match:
            value = rng.choice(_TOML_SWAPS)
            lines[i] = match.group(1) + value
            done.append(f"toml(swap line {i + 1} -> {value[:12]!r})")
        elif action == "drop":
            del lines[i]
            done.append(f"toml(drop line {i + 1})")
        elif action == "double":
            lines.insert(i, lines[i])
            done.append(f"toml(double line {i + 1})")
        elif action == "header":
            lines.insert(i, rng.choice([b"[[term]]", b"[[level]]", b"[scoring]", b"[pay.bands.9]", b"term = 3", b"[term]"]))
            done.append(f"toml(header at {i + 1})")
        else:
            depth = rng.choice([10, 100, 3000])
            lines.insert(i, b"zz_deep = " + b"[" * depth + b"]" * depth)
            done.append(f"toml(nest {depth})")
    return b"\n".join(lines), done


def make_structure_input(rng: random.Random, index: int, case: str, seeds: dict[str, list[bytes]]) -> Input:
    if case == "lexicon":
        files = _lexicon_files()
        name = rng.choice(sorted(files))
        data, done = mutate_toml(rng, files[name])
        return Input(index, case, name, data, [f"lexicon file {name}"] + done, case=case)
    if case == "formats":  # a .doc, .rtf, .odt or .html seed, mutated at byte level like the others
        fmt = rng.choice(NEW_FORMATS)
        which = rng.randrange(len(seeds[fmt]))
        data, done = mutate_bytes(rng, seeds[fmt][which], fmt, seeds)
        suffix = fmt if rng.random() < 0.8 else rng.choice([f for f in (*FORMATS, *NEW_FORMATS) if f != fmt])
        return Input(index, case, f"fuzz-{index}.{suffix}", data, [f"seed {fmt}#{which}"] + done, case=case)
    fmt = rng.choice(FORMATS)
    which = rng.randrange(len(seeds[fmt]))
    data = seeds[fmt][which]
    done = [f"seed {fmt}#{which}"]
    if rng.random() < 0.3:
        data, more = mutate_bytes(rng, data, fmt, seeds)
        done += more
    if case == "name":
        raw = hostile_name(rng)
        return Input(index, case, os.fsdecode(raw), data, done + [f"name {raw!r}"], case=case, raw_name=raw)
    kind = rng.choice(SPECIAL_KINDS)
    return Input(index, case, kind, data, done + [f"special {kind}"], case=case)


def _outputs_problems(records: list[Any], where: str) -> list[str]:
    """Render every output for `records`: each must be valid UTF-8 text without a raw control or
    bidi character, and no CSV cell may start like a formula."""
    import csv as csv_module

    from cv_matcher.batch.rank import summary_lines
    from cv_matcher.reporting import render_records as render

    problems = []
    for fmt in ("csv", "jsonl", "html"):
        text = render(records, fmt, with_fit=False, title="fuzz")
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as exc:
            problems.append(f"output: {where}: {fmt} is not UTF-8: {exc}")
            continue
        raw = [ch for ch in ("\x1b", "\u202e", "\u2066", "\x07", "\r") if ch in text]
        if raw:
            problems.append(f"output: {where}: {fmt} holds raw {raw!r}")
        if fmt == "csv":
            for row in list(csv_module.reader(io.StringIO(text)))[1:]:
                bad = [cell for cell in row if cell.startswith(("=", "+", "-", "@", "\t", "\r"))]
                if bad:
                    problems.append(f"output: {where}: CSV cell could run as a formula: {bad[0][:60]!r}")
    for line in summary_lines(records, analysed=len(records), elapsed=1.0):
        if not line.isprintable():
            problems.append(f"output: {where}: summary line not printable: {line!r}")
    return problems


def _record_of(path: str, outcome: dict[str, Any]) -> Any:
    from cv_matcher.batch.store import Record

    sha = outcome.pop("sha256", None)
    return Record(path=os.path.abspath(path), source=path, sha256=sha, lexicon_version="fuzz", kind_requested="auto",
                  fingerprint="fuzz", options={}, **outcome)


def _outcome_problems(path: str, outcome: dict[str, Any], where: str) -> list[str]:
    from cv_matcher.errors import printable

    error = outcome.get("error")
    if outcome.get("error_kind") == "internal":
        return [f"exception: {where}: {error}"]
    if error is not None and (not error.isprintable() or not error.startswith(printable(path) + ": ")):
        return [f"message: {where}: not one printable line naming the file: {error!r}"]
    return []


def check_name(item: Input) -> tuple[list[str], str]:
    import tempfile

    from cv_matcher.batch import Settings, discover, process_one
    from cv_matcher.batch.store import ResultStore

    problems: list[str] = []
    with tempfile.TemporaryDirectory(prefix="fuzz-name-") as tmp:
        folder = os.path.join(os.fsencode(tmp), b"in")
        os.mkdir(folder)
        path = os.path.join(folder, item.raw_name)
        with open(path, "wb") as fh:
            fh.write(item.data)
        spath = os.fsdecode(path)
        skipped: list[tuple[str, str]] = []
        discover(os.fsdecode(folder), skipped=skipped)
        outcome = process_one(spath, Settings(kind="auto"), with_sha=True)
        problems += _outcome_problems(spath, outcome, "process_one")
        rec = _record_of(spath, outcome)
        with ResultStore(os.path.join(tmp, "store.sqlite")) as store:
            store.save(rec)
            back = store.get(rec.path)
        if back is None or back.source != spath or back.sha256 != rec.sha256:
            problems.append("store: the record did not round-trip through the store")
            back = rec
        problems += _outputs_problems([back], "name")
    return problems, "report" if rec.report is not None else "error-row"


def _make_special(kind: str, folder: str, outside: str, data: bytes) -> str:
    import socket

    target = os.path.join(folder, f"{kind}.txt")
    if kind == "fifo":
        os.mkfifo(target)
    elif kind in ("dev-zero", "dev-null", "dev-urandom"):
        os.symlink("/dev/" + kind.split("-")[1], target)
    elif kind == "outside-file":
        os.symlink(os.path.join(outside, "secret.txt"), target)
    elif kind == "outside-dir":
        target = os.path.join(folder, "outside-dir")
        os.symlink(outside, target)
    elif kind == "loop":
        os.symlink(target + ".b", target)
        os.symlink(target, target + ".b")
    elif kind == "dangling":
        os.symlink(os.path.join(folder, "nowhere.txt"), target)
    elif kind == "folder-named-file":
        os.mkdir(target)
    elif kind == "sparse":
        with open(target, "wb") as fh:
            fh.write(data[:4096])
            fh.truncate(20 * 1024 ** 3)
    elif kind == "at-limit":
        with open(target, "wb") as fh:
            fh.write(data[:4096])
            fh.truncate(20 * 1024 * 1024 + 1)
    elif kind == "socket":
        target = os.path.join(folder, "s.txt")  # AF_UNIX paths are short
        sock = socket.socket(socket.AF_UNIX)
        try:
            sock.bind(target)
        finally:
            sock.close()
    elif kind == "self-link":
        os.symlink(folder, os.path.join(folder, "again"))
    return target


def check_special(item: Input) -> tuple[list[str], str]:
    import tempfile

    from cv_matcher.batch import Settings, discover, file_sha256, process_one
    from cv_matcher.errors import CvMatcherError
    from cv_matcher.readers import read_document

    problems: list[str] = []
    with tempfile.TemporaryDirectory(prefix="fuzz-special-") as tmp:
        folder, outside = os.path.join(tmp, "in"), os.path.join(tmp, "outside")
        os.mkdir(folder)
        os.mkdir(outside)
        with open(os.path.join(outside, "secret.txt"), "w", encoding="utf-8") as fh:
            fh.write(f"PMO Analyst\nRAID log and consolidated reporting. {SECRET_MARK}\n")
        with open(os.path.join(folder, "good.txt"), "wb") as fh:
            fh.write(item.data)
        target = _make_special(item.name, folder, outside, item.data)
        records = []
        for follow in (False, True):
            files = discover(folder, recursive=True, follow_links=follow, skipped=[])
            if not follow and any(os.path.islink(f) for f in files):
                problems.append("links: a symbolic link was listed without --follow-links")
            for path in files:
                file_sha256(path, 20 * 1024 * 1024)
                outcome = process_one(path, Settings(kind="auto"), with_sha=True)
                problems += _outcome_problems(path, outcome, f"process_one(follow={follow})")
                if not follow and SECRET_MARK in json.dumps(outcome.get("report"), ensure_ascii=False) + json.dumps(outcome.get("contexts")):
                    problems.append("links: text from outside the folder was read without --follow-links")
                records.append(_record_of(path, outcome))
        try:
            read_document(target)
        except CvMatcherError as exc:
            if not str(exc).isprintable():
                problems.append(f"message: read_document: not printable: {str(exc)!r}")
        problems += _outputs_problems(records, "special")
    return problems, "done"


def check_lexicon(item: Input) -> tuple[list[str], str]:
    """Load the lexicon with one file mutated: it must load or raise LexiconError (problems listed,
    each printable); once loaded, scoring and matching documents must not fail otherwise."""
    import tempfile

    from cv_matcher import api
    from cv_matcher.errors import CvMatcherError, LexiconError
    from cv_matcher.fit import match_report

    problems: list[str] = []
    with tempfile.TemporaryDirectory(prefix="fuzz-lexicon-") as tmp:
        for name, content in _lexicon_files().items():
            with open(os.path.join(tmp, name), "wb") as fh:
                fh.write(item.data if name == item.name else content)
        try:
            lex = api.load_lexicon(tmp)
        except LexiconError as exc:
            bad = [p for p in exc.problems if not p.isprintable()]
            if bad or not exc.problems:
                problems.append(f"message: lexicon problems not printable (or none listed): {bad[:1]!r}")
            return problems, "LexiconError"
        except Exception as exc:  # noqa: BLE001
            return [f"exception: load_lexicon: {type(exc).__name__}: {exc}\n{traceback.format_exc()}"], "failure"
        for folder in SEED_FOLDERS:
            docs = sorted(p for p in folder.iterdir() if p.suffix == ".txt")[:2]
            for doc in docs:
                kind = "advert" if folder.name == "sample_ads" else "cv"
                try:
                    analysis = api.analyse(api.load(doc), kind=kind, lexicon=lex)
                    api.report(analysis, lexicon=lex)
                    if kind == "cv":
                        for target in lex.ranks[:2]:
                            api.report(analysis, lexicon=lex, target_level=target)
                    else:
                        cv = api.analyse(api.load(SEED_FOLDERS[0] / "cv01_project_administrator.txt"), kind="cv", lexicon=lex)
                        match_report(cv, analysis, lex)
                        api.report(cv, lexicon=lex, advert=analysis)
                except CvMatcherError:
                    pass
                except Exception as exc:  # noqa: BLE001 - what `lexicon check` passed, scoring must not trip on
                    problems.append(f"exception: lexicon passed its check but scoring {doc.name} failed: {type(exc).__name__}: "
                                    f"{exc}\n{traceback.format_exc()}")
                    return problems, "failure"
    return problems, "loaded"


def check_formats(item: Input) -> tuple[list[str], str]:
    """A new-format input: the same checks as a byte-level one (tallied in its own row)."""
    return check_one(Input(item.index, item.fmt, item.name, item.data, item.mutations))


STRUCTURE_CHECKS = {"name": check_name, "special": check_special, "lexicon": check_lexicon, "formats": check_formats}


# --- the worker ----------------------------------------------------------------------------------


class Hang(BaseException):
    """Raised by the alarm; a BaseException so that no `except Exception` on the way swallows it."""


def _on_alarm(signum: int, frame: Any) -> None:
    raise Hang


def check_one(item: Input) -> tuple[list[str], str]:
    """Run the readers and the pipeline on one input; return the problems (empty: all good) and
    the pipeline's outcome ("report" or the CvMatcherError class it raised)."""
    from cv_matcher.api import analyse_file
    from cv_matcher.errors import CvMatcherError
    from cv_matcher.readers import read_bytes

    if item.case:
        try:
            return STRUCTURE_CHECKS[item.case](item)
        except Hang:
            raise
        except BaseException as exc:  # noqa: BLE001 - exactly what the fuzzer looks for
            return [f"exception: {item.case}: {type(exc).__name__}: {exc}\n{traceback.format_exc()}"], "failure"
    problems = []
    outcome = "report"
    steps: list[tuple[str, Any]] = []
    if item.name.endswith(".pdf"):
        steps.append(("read_bytes(pdfium)", lambda: read_bytes(item.data, item.name, pdf_engine="pdfium")))
    steps.append(("analyse_file", lambda: analyse_file(item.name, data=item.data, kind="auto")))
    for step, run in steps:
        try:
            run()
            outcome = "report"
        except CvMatcherError as exc:
            outcome = type(exc).__name__
            message = str(exc)
            if "out of memory" in message:
                problems.append(f"memory: {step}: {message}")
            elif not message.isprintable():
                problems.append(f"message: {step}: not one printable line: {message!r}")
        except Hang:
            raise
        except MemoryError:
            problems.append(f"memory: {step}: MemoryError\n{traceback.format_exc()}")
        except BaseException as exc:  # noqa: BLE001 - exactly what the fuzzer looks for
            problems.append(f"exception: {step}: {type(exc).__name__}: {exc}\n{traceback.format_exc()}")
            outcome = "failure"
    return problems, outcome


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def worker_main(conn: Connection, timeout: float, memory_mb: int, growth_mb: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles ^C
    signal.signal(signal.SIGALRM, _on_alarm)
    signal.signal(signal.SIGPROF, _on_alarm)
    if memory_mb:
        resource.setrlimit(resource.RLIMIT_AS, (memory_mb << 20, memory_mb << 20))
    while True:
        try:
            item = conn.recv()
        except EOFError:
            return
        if item is None:
            return
        before = _peak_mb()
        started = time.perf_counter()
        # CPU time, not wall time: a niced run on a shared machine can wait minutes for a CPU (two
        # 150 KB texts "hung" for 20 s that way and replay in under a second); the parent's wall
        # limit below still catches a worker that blocks without using the CPU.
        signal.setitimer(signal.ITIMER_PROF, timeout)
        try:
            problems, outcome = check_one(item)
        except Hang:
            problems, outcome = [f"hang: over {timeout:g}s"], "failure"
        finally:
            signal.setitimer(signal.ITIMER_PROF, 0)
        grew = _peak_mb() - before
        if grew > growth_mb:
            problems.append(f"memory: peak memory grew by {grew:.0f} MB on this input")
        conn.send((item.index, problems, outcome, time.perf_counter() - started))


def warm_up() -> None:
    """Load the libraries and the lexicon once, before forking the workers."""
    import docx  # noqa: F401
    import pdfminer.high_level  # noqa: F401

    from cv_matcher.api import analyse_file
    from cv_matcher.readers import pdfguard

    try:
        import pypdfium2  # noqa: F401
    except ImportError:
        pass
    pdfguard.install()
    analyse_file("warm.txt", data=b"Experience\nPMO analyst: RAID log, highlight reports", kind="auto")


# --- the parent ----------------------------------------------------------------------------------


@dataclass
class Worker:
    process: Any
    conn: Connection
    item: Input | None = None
    since: float = 0.0
    done: int = 0


@dataclass
class Tally:
    tried: Counter[str] = field(default_factory=Counter)
    failed: Counter[str] = field(default_factory=Counter)
    outcomes: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    kinds: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    slowest: float = 0.0
    slowest_index: int = -1
    saved: int = 0


def run(args: argparse.Namespace) -> Tally:
    seeds = load_seeds()
    warm_up()
    context = multiprocessing.get_context("fork")
    out = Path(args.out)
    tally = Tally()
    next_index = args.start
    end = args.start + args.inputs
    started = last_report = time.monotonic()

    def spawn() -> Worker:
        ours, theirs = context.Pipe()
        process = context.Process(target=worker_main, args=(theirs, args.timeout, args.memory_mb, args.memory_growth_mb),
                                  daemon=True)
        process.start()
        theirs.close()
        return Worker(process, ours)

    def record(item: Input, problems: list[str], seconds: float, outcome: str = "failure") -> None:
        tally.tried[item.fmt] += 1
        tally.outcomes[item.fmt][outcome] += 1
        if seconds > tally.slowest:
            tally.slowest, tally.slowest_index = seconds, item.index
        if not problems:
            return
        tally.failed[item.fmt] += 1
        for problem in problems:
            tally.kinds[item.fmt][problem.split(":", 1)[0]] += 1
        if tally.saved < args.keep:
            tally.saved += 1
            out.mkdir(parents=True, exist_ok=True)
            stem = out / f"{item.index:07d}-{item.name}"
            stem.with_name(stem.name + ".bin").write_bytes(item.data)
            note = [f"input {item.index} (seed {args.seed}) read as {item.name}", "mutations: " + " ".join(item.mutations),
                    f"replay: .venv/bin/python scripts/fuzz.py --seed {args.seed} --replay {item.index}", ""] + problems
            stem.with_name(stem.name + ".txt").write_text("\n".join(note) + "\n", encoding="utf-8", errors="backslashreplace")
        if not args.quiet:
            first = problems[0].splitlines()[0]
            print(f"FAIL {item.index} {item.name}: {first[:300]}", file=sys.stderr, flush=True)

    def restart(worker: Worker) -> Worker:
        if worker.process.is_alive():
            worker.process.kill()
        worker.process.join(timeout=5)
        worker.conn.close()
        return spawn()

    pool = [spawn() for _ in range(args.workers)]
    try:
        while True:
            for i, worker in enumerate(pool):
                if worker.item is None and next_index < end:
                    if worker.done >= args.recycle:
                        worker.conn.send(None)
                        pool[i] = worker = restart(worker)
                    worker.item = make_input(args.seed, next_index, seeds)
                    worker.since = time.monotonic()
                    next_index += 1
                    try:
                        worker.conn.send(worker.item)
                    except (BrokenPipeError, OSError):
                        pass  # it died: the sentinel says so below
            busy = [w for w in pool if w.item is not None]
            if not busy:
                break
            ready = wait([w.conn for w in busy] + [w.process.sentinel for w in busy], timeout=1.0)
            now = time.monotonic()
            for i, worker in enumerate(pool):
                if worker.item is None:
                    continue
                if worker.conn in ready:
                    try:
                        index, problems, outcome, seconds = worker.conn.recv()
                    except (EOFError, OSError):
                        pass  # died while answering: handled as a crash below
                    else:
                        record(worker.item, problems, seconds, outcome)
                        worker.item = None
                        worker.done += 1
                        continue
                if not worker.process.is_alive() or worker.process.sentinel in ready:
                    worker.process.join(timeout=5)
                    code = worker.process.exitcode
                    kind = "memory" if code == -signal.SIGKILL else "crash"
                    record(worker.item, [f"{kind}: worker died (exit code {code})"], now - worker.since)
                    pool[i] = restart(worker)
                elif now - worker.since > args.timeout * 5 + 10:  # stuck in native code or blocked: the alarm cannot fire
                    record(worker.item, [f"hang: over {args.timeout:g}s, killed by the parent"], now - worker.since)
                    pool[i] = restart(worker)
            if not args.quiet and now - last_report > args.progress:
                last_report = now
                done = sum(tally.tried.values())
                rate = done / max(now - started, 1e-9)
                print(f"... {done}/{args.inputs} inputs, {sum(tally.failed.values())} failed, {rate:.1f}/s", file=sys.stderr,
                      flush=True)
    finally:
        for worker in pool:
            try:
                worker.conn.send(None)
            except (BrokenPipeError, OSError):
                pass
        for worker in pool:
            worker.process.join(timeout=5)
            if worker.process.is_alive():
                worker.process.kill()
    tally.kinds = {fmt: Counter(kinds) for fmt, kinds in tally.kinds.items()}  # type: ignore[assignment]
    elapsed = time.monotonic() - started
    summary = {
        "seed": args.seed, "start": args.start, "inputs": sum(tally.tried.values()), "seconds": round(elapsed, 1),
        "workers": args.workers, "timeout_s": args.timeout, "memory_mb": args.memory_mb,
        "tried": dict(tally.tried), "failed": dict(tally.failed),
        "failure_kinds": {fmt: dict(kinds) for fmt, kinds in tally.kinds.items()},
        "outcomes": {fmt: dict(tally.outcomes[fmt].most_common()) for fmt in ROWS if fmt in tally.outcomes},
        "slowest_input_s": round(tally.slowest, 2), "slowest_input": tally.slowest_index, "saved": tally.saved, "out": str(out),
    }
    if args.json:
        print(json.dumps(summary))
    else:
        print(f"fuzz: {summary['inputs']} inputs in {elapsed:.0f}s with {args.workers} worker(s), seed {args.seed}")
        print(f"{'format':<8}{'tried':>10}{'failed':>10}  failure kinds")
        for fmt in ROWS:
            kinds = ", ".join(f"{k} {n}" for k, n in sorted(tally.kinds.get(fmt, {}).items())) or "-"
            print(f"{fmt:<8}{tally.tried[fmt]:>10}{tally.failed[fmt]:>10}  {kinds}")
        print(f"slowest input: {tally.slowest:.2f}s (input {tally.slowest_index})")
        for fmt in ROWS:
            shown = ", ".join(f"{k} {n}" for k, n in tally.outcomes[fmt].most_common())
            print(f"{fmt} outcomes: {shown}")
        if tally.saved:
            print(f"first {tally.saved} failing input(s) saved in {out}/")
    return tally


def replay(args: argparse.Namespace) -> int:
    item = make_input(args.seed, args.replay, load_seeds())
    print(f"input {item.index}: {len(item.data)} bytes read as {item.name}; mutations: {' '.join(item.mutations)}")
    if args.save:
        Path(args.save).write_bytes(item.data)
        print(f"saved to {args.save}")
    problems, outcome = check_one(item)
    print("\n".join(problems) if problems else f"no problem ({outcome})")
    return 1 if problems else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--inputs", type=int, default=1000, help="how many inputs to try (default 1000)")
    parser.add_argument("--workers", type=int, default=2, help="worker processes (default 2)")
    parser.add_argument("--seed", type=int, default=0, help="input i is a function of (seed, i) (default 0)")
    parser.add_argument("--start", type=int, default=0, help="first input index (default 0)")
    parser.add_argument("--timeout", type=float, default=20.0, help="seconds one input may take (default 20)")
    parser.add_argument("--memory-mb", type=int, default=2048, help="address-space limit of a worker (default 2048)")
    parser.add_argument("--memory-growth-mb", type=int, default=512,
                        help="peak-memory growth on one input that counts as a failure (default 512)")
    parser.add_argument("--recycle", type=int, default=2000, help="restart a worker after this many inputs (default 2000)")
    parser.add_argument("--out", default="fuzz-failures", help="folder for failing inputs (default fuzz-failures)")
    parser.add_argument("--keep", type=int, default=20, help="failing inputs to save (default 20)")
    parser.add_argument("--progress", type=float, default=30.0, help="seconds between progress lines (default 30)")
    parser.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    parser.add_argument("--quiet", action="store_true", help="no progress or per-failure lines")
    parser.add_argument("--replay", type=int, default=None, help="run input REPLAY in this process and report")
    parser.add_argument("--save", default=None, help="with --replay: also write the input's bytes here")
    args = parser.parse_args(argv)
    if args.replay is not None:
        return replay(args)
    tally = run(args)
    return 1 if sum(tally.failed.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
