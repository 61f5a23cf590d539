"""RTF reader (.rtf, and RTF saved as .txt or .doc): striprtf for the text, after a filter pass.

striprtf turns RTF into text (code pages, \\u escapes, destinations it must skip) but reads hidden
text (\\v) as any other and keeps every group on a stack. So a first pass over the same tokens,
group by group: drops text formatted hidden (\\v until \\v0, \\plain or the group's end) and
counts it; drops the groups striprtf would skip anyway ({\\* ...} destinations, pictures and
embedded objects, whose hex data is most of a large RTF), and raw \\bin data; a list item's
number or bullet (\\pntext, \\listtext) reads as '• '; refuses groups
nested deeper than MAX_DEPTH (Word writes under 20) and stops as soon as the text would pass
max_chars. Table cells, which striprtf ends with '|', read as 'a | b' rows. Headers come first
and footers last, each distinct text once (as the DOCX reader gives them); striprtf alone drops them.
"""
from __future__ import annotations

import re

from ..errors import DocumentReadError
from .base import Extracted, ReadLimits, check_limit

HIDDEN = "marked hidden"  # as hidden.VANISH for DOCX
MAX_DEPTH = 200
# Control word (with its numeric parameter and the one space that ends it), \'hh, a control
# symbol, a brace, or a run of plain text.
_TOKEN = re.compile(r"\\([a-zA-Z]{1,32})(-?\d{1,10})? ?|\\'[0-9a-fA-F]{2}|\\[^a-zA-Z]|[{}]|[^\\{}]+", re.DOTALL)
# Groups whose content is never text: striprtf skips them, we drop them before it sees them.
_DROP = frozenset({"pict", "object", "objdata", "themedata", "datastore", "colorschememapping", "latentstyles",
                   "shppict", "nonshppict", "blipuid", "fonttbl_emb", "fontemb", "fontfile", "xmlnstbl", "rsidtbl",
                   "info", "listtable", "listoverridetable", "stylesheet", "generator"})
# Headers and footers (all pages, left, right, first): read first and last, each text once.
_MARGINS = {word: "header" for word in ("header", "headerl", "headerr", "headerf")} | \
           {word: "footer" for word in ("footer", "footerl", "footerr", "footerf")}
# The text of a list item's number or bullet, written for readers that do not know lists: a bullet.
_LIST_TEXT = frozenset({"pntext", "listtext"})
_TEXT_WORDS = frozenset({"par", "line", "cell", "row", "tab", "sect", "page", "nestcell", "emdash", "endash", "bullet",
                         "lquote", "rquote", "ldblquote", "rdblquote", "u"})


def looks_like_rtf(data: bytes) -> bool:
    return data.lstrip()[:5] == b"{\\rtf"


def read(data: bytes, source: str, limits: ReadLimits, *, engine: str | None = None) -> Extracted:
    """The visible text of an RTF document."""
    if not looks_like_rtf(data):
        raise DocumentReadError(source, "not an RTF: the file does not start with {\\rtf")
    try:
        raw = data.decode("cp1252")
    except UnicodeDecodeError:
        raw = data.decode("latin-1")
    from striprtf.striprtf import rtf_to_text

    margins: dict[str, list[str]] = {"header": [], "footer": []}
    filtered, hidden = _filter(raw, source, limits, margins)
    parts: dict[str, list[str]] = {"header": [], "footer": []}
    for where, groups in margins.items():  # each header and footer on its own, each text once
        for group in groups:
            part, part_hidden = _filter("{\\rtf1 " + group + "}", source, limits)
            parts[where].append(rtf_to_text(part, errors="replace").strip("\n"))
            hidden += part_hidden
    hidden_text = " ".join(rtf_to_text(part, errors="replace") for part in hidden) if hidden else ""
    body = rtf_to_text(filtered, errors="replace").strip("\n")
    text = "\n".join([*dict.fromkeys(t for t in parts["header"] if t.strip()), body,
                      *dict.fromkeys(t for t in parts["footer"] if t.strip())])
    text = "\n".join(_row(line) for line in text.split("\n"))
    check_limit(source, limits, "max_chars", len(text), "extracted text length")
    hidden_lines = [" ".join(line.split()) for line in hidden_text.split("\n")]
    return Extracted(text, "rtf", {}, tuple((HIDDEN, line) for line in hidden_lines if line))


def _row(line: str) -> str:
    if not line.endswith("|"):
        return line
    return " | ".join(cell.strip() for cell in line[:-1].split("|") if cell.strip())


def _filter(rtf: str, source: str, limits: ReadLimits, margins: dict[str, list[str]] | None = None
            ) -> tuple[str, list[str]]:
    """The RTF without hidden text, skipped groups or binary data; and the hidden runs (RTF).
    Header and footer groups are taken out into `margins` (their RTF content), or dropped when
    `margins` is None (inside a header: a header holds no other)."""
    out: list[str] = []
    hidden_stack: list[bool] = []
    hidden = False
    hidden_runs: list[str] = []  # hidden text tokens, each run closed by a paragraph mark
    emitted = 0  # characters of text the RTF will give, an upper bound checked against max_chars
    group_start = -1  # index in `out` of the last '{' when it may still start a group to drop
    pos, end = 0, len(rtf)
    match = _TOKEN.match
    while pos < end:
        m = match(rtf, pos)
        if m is None:  # a lone backslash at the end
            break
        token = m.group()
        pos = m.end()
        word = m.group(1)
        if token == "{":
            if len(hidden_stack) >= MAX_DEPTH:
                raise DocumentReadError(source, f"RTF groups nested over {MAX_DEPTH} deep (Word writes under 20)")
            hidden_stack.append(hidden)
            group_start = len(out)
            out.append(token)
            continue
        if token == "}":
            if hidden_stack:
                hidden = hidden_stack.pop()
            group_start = -1
            out.append(token)
            if not hidden_stack:
                break  # the document group is closed: the rest is out of band
            continue
        first = group_start == len(out) - 1  # the first token of a group
        group_start = -1
        if first and word in _MARGINS:
            start = pos
            pos = _skip_group(rtf, pos, source)
            out.pop()  # the '{'
            if hidden_stack:
                hidden = hidden_stack.pop()
            if margins is not None and not hidden:
                margins[_MARGINS[word]].append(rtf[start:pos - 1])
            continue
        if first and (token == "\\*" or word in _DROP or word in _LIST_TEXT):
            pos = _skip_group(rtf, pos, source)
            out.pop()  # the '{'
            if hidden_stack:
                hidden = hidden_stack.pop()
            if word in _LIST_TEXT and not hidden:
                out.append("\\bullet  ")  # the number or bullet Word wrote for readers without lists
            continue
        if word is not None:
            param = m.group(2)
            if word == "bin":  # raw bytes follow: never text
                pos += max(0, int(param or 0))
                continue
            if word == "v":
                if not hidden and (param is None or int(param) != 0):
                    hidden_runs.append(" ")  # runs apart
                hidden = param is None or int(param) != 0
                continue
            if word == "plain":
                hidden = False
            if word in _TEXT_WORDS:
                if hidden:
                    hidden_runs.append(token)
                    if word in ("u", "par", "line"):  # a hidden paragraph mark joins, as Word shows it
                        continue
                emitted += 1
            out.append(token)
        elif token.startswith("\\"):  # \'hh or a control symbol
            if hidden and (token.startswith("\\'") or token in ("\\~", "\\-", "\\_")):
                hidden_runs.append(token)
                continue
            emitted += 1
            out.append(token)
        else:  # plain text (line breaks in RTF source are not text)
            if hidden:
                hidden_runs.append(token)
                continue
            emitted += len(token)
            out.append(token)
        if emitted > limits.max_chars:
            check_limit(source, limits, "max_chars", emitted, "extracted text length")
    hidden_rtf = "".join(hidden_runs)
    return "".join(out), ["{\\rtf1 " + hidden_rtf + "}"] if hidden_rtf.strip() else []


def _skip_group(rtf: str, pos: int, source: str) -> int:
    """The position after the group that `pos` is inside (at depth one), \\bin data and escaped
    braces skipped; nesting inside it is counted, not stacked."""
    depth = 1
    match = _TOKEN.match
    end = len(rtf)
    while pos < end and depth:
        m = match(rtf, pos)
        if m is None:
            return end
        token = m.group()
        pos = m.end()
        if token == "{":
            depth += 1
            if depth > MAX_DEPTH:
                raise DocumentReadError(source, f"RTF groups nested over {MAX_DEPTH} deep (Word writes under 20)")
        elif token == "}":
            depth -= 1
        elif m.group(1) == "bin":
            pos += max(0, int(m.group(2) or 0))
    return pos
