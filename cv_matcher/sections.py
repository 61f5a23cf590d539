"""Find section headings in a document's final text and split it into Sections with offsets.

A heading is recognised by its words, not its looks (fonts are gone by now): a short line whose
text, once numbering, bullets, markdown and a trailing colon are stripped, is a known alias of a
kind ("Work Experience", "2. SKILLS:", "## Key Responsibilities"). Three looser rules add:
an inline heading at a line start ("Skills: Excel, Word"); an ALL CAPS or colon-ended short line
that ends with an alias ("OTHER TECHNICAL SKILLS"); and, in very long lines that hold a whole CV
or advert, ALL CAPS aliases and "Alias:" after a sentence end ("... weekends. The role: ...").
An inline heading among "Label: value" lines is a field, not a heading of what follows: in a
document's header block ("Employer: ...", "Salary: ...", or one such line right under the title) it
is a section of its own line; inside another section (a job's "Salary: $54,000") it is part of that section.
The vocabulary lives in the lexicon's sections.toml (the lexicon in use: Lexicon.headings).
"""
from __future__ import annotations

import re
from dataclasses import replace
from collections.abc import Iterator, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from .errors import LexiconError
from .models import Document, Section
from .shipped import lexicon_dir

import tomli as tomllib  # compiled: see lexicon.py

MAX_HEADING_WORDS = 6
MAX_LOOSE_WORDS = 4  # the "ends with an alias" rule is riskier; keep it to really short lines
LONG_LINE = 200  # a line this long is a whole document flattened onto one line
_MINOR_WORDS = frozenset({"and", "&", "of", "in", "for", "the", "to", "/"})  # allowed lower-case in Title Case

# Leading decoration: bullets, markdown (#, *, >, _), rules, and list numbering "1." "iv)" "a.".
_LEAD = re.compile(r"(?:[#*=_~>|•·▪►■◆♦●○◦➢✓✔\-–—]+\s*|\(?(?:\d{1,2}|[ivxIVX]{1,4}|[a-zA-Z])[.)]\s+)*")
# Trailing decoration: colon, markdown emphasis, rules. Not a full stop: "skills." ends a sentence.
_TRAIL = re.compile(r"[\s:*#=_~|\-–—]*$")
# "Heading: content" at a line start: up to 60 characters without a colon, then ": " and text.
_INLINE = re.compile(r"([^:\n]{1,60}?)\s*:\s*\S")
# A mid-line "Alias:" heading must follow the line start or the end of a sentence or list item.
_SENTENCE_END = frozenset(".!?•♦▪●■➢✓|;)")
_BULLETS = frozenset("•·▪●○◦➢✓✔►")
_NEXT_WORD = re.compile(r"\s*(\S+)")
_COLON = re.compile(r" *:")
# A line of a field block: a short capitalised label, a colon and a value ("Location: Leeds").
_FIELD = re.compile(r"[A-Z][\w'/&() -]{0,30}:[ \t]*\S")


class Vocabulary(NamedTuple):
    exact: dict[str, str]  # normalised alias -> kind
    squashed: dict[str, str]  # alias without spaces -> kind, for "E X P E R I E N C E"
    anywhere: str  # a regular expression of every alias, for long lines (compiled when one is met)


class _Found(NamedTuple):
    block_start: int  # where the heading's line (with its decoration) starts
    start: int
    end: int
    kind: str
    line_end: int = -1  # set for a field of a "Label: value" block: its section is its own line


def normalise(text: str) -> str:
    """Lower-case words only: 'Skills & Competencies:' -> 'skills and competencies'."""
    text = text.casefold().replace("’", "'").replace("&", " and ")
    return " ".join(re.sub(r"[^\w']+|_", " ", text).split())


def default_headings_path() -> Path:
    return lexicon_dir() / "sections.toml"


def with_headings(document: Document, headings: Mapping[str, Sequence[str]]) -> Document:
    """`document` with its sections found by `headings` (those of the lexicon in use); itself when
    they are the shipped ones, which the readers used."""
    if not headings or headings == load_headings():
        return document
    return replace(document, sections=split_sections(document.text, headings))


@lru_cache(maxsize=4)
def load_headings(path: str | None = None) -> Mapping[str, tuple[str, ...]]:
    """Load and validate `[kinds.<kind>] headings = [...]` (default: the packaged sections.toml)."""
    where = Path(path) if path is not None else default_headings_path()
    try:
        data = tomllib.loads(where.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise LexiconError(where, [f"cannot load section headings: {exc}"]) from exc
    problems: list[str] = []
    kinds = data.get("kinds")
    if not isinstance(kinds, dict) or not kinds:
        raise LexiconError(where, ["no [kinds.<kind>] tables"])
    headings: dict[str, tuple[str, ...]] = {}
    owner: dict[str, str] = {}
    for kind, table in kinds.items():
        aliases = table.get("headings") if isinstance(table, dict) else None
        if not isinstance(aliases, list) or not aliases or not all(isinstance(a, str) for a in aliases):
            problems.append(f"kinds.{kind}.headings must be a non-empty list of strings")
            continue
        for alias in aliases:
            key = normalise(alias)
            if key in owner:
                problems.append(f"heading '{alias}' is listed under both '{owner[key]}' and '{kind}'")
            owner[key] = kind
        headings[kind] = tuple(aliases)
    if problems:
        raise LexiconError(where, problems)
    return headings


@lru_cache(maxsize=8)
def _vocabulary(frozen: tuple[tuple[str, tuple[str, ...]], ...]) -> Vocabulary:
    exact = {normalise(alias): kind for kind, aliases in frozen for alias in aliases}
    squashed = {key.replace(" ", ""): kind for key, kind in exact.items()}
    # Longest first so "work experience" wins over "experience"; flexible spaces and "&"/"and".
    patterns = [r"\s+".join(re.escape(w) if w != "and" else r"(?:and|&)" for w in key.split())
                for key in sorted(exact, key=len, reverse=True)]
    anywhere = r"(?<![\w&])(?:" + "|".join(patterns) + r")(?![\w&])"
    return Vocabulary(exact, squashed, anywhere)


@lru_cache(maxsize=8)
def _compiled(pattern: str) -> re.Pattern[str]:
    # Compiling every alias into one pattern takes a few milliseconds, and most documents have no
    # line long enough to need it.
    return re.compile(pattern, re.IGNORECASE)


def split_sections(text: str, headings: Mapping[str, Sequence[str]] | None = None) -> tuple[Section, ...]:
    """Detect headings in `text` and return its sections in order.

    `text[s.start:s.end] == s.heading`; a section's body runs from `end` to `body_end`, the start
    of the next heading's line (or the end of the text; a header field's body is its own line).

    >>> [(s.kind, s.heading) for s in split_sections("Jane\\nWORK EXPERIENCE\\nPMO Analyst\\nSkills: Excel")]
    [('experience', 'WORK EXPERIENCE'), ('skills', 'Skills')]
    """
    source = load_headings() if headings is None else headings
    vocab = _vocabulary(tuple(sorted((kind, tuple(aliases)) for kind, aliases in source.items())))
    found = list(_find_headings(text, vocab))
    if not found:
        return ()
    body_ends = [f.block_start for f in found[1:]] + [len(text)]
    return tuple(Section(text[f.start:f.end], f.kind, f.start, f.end, body_end if f.line_end < 0 else min(body_end, f.line_end))
                 for f, body_end in zip(found, body_ends, strict=True))


def _lines(text: str) -> Iterator[tuple[int, str]]:
    offset = 0
    for line in text.split("\n"):
        yield offset, line
        offset += len(line) + 1


def _find_headings(text: str, vocab: Vocabulary) -> Iterator[_Found]:
    lines = list(_lines(text))
    seen_heading = False
    for i, (offset, line) in enumerate(lines):
        if len(line) > LONG_LINE:
            yield from _in_long_line(offset, line, vocab)
            continue
        lead = _LEAD.match(line)
        start = lead.end() if lead else 0
        end = start + len(_TRAIL.sub("", line[start:]))
        if end <= start:
            continue
        candidate = line[start:end]
        kind = _line_kind(candidate, line.rstrip().endswith(":"), vocab)
        if kind is not None and _is_list_item(line[:start]) and not candidate.isupper():
            kind = None  # "• Training" in a bullet list is an item; "■ EXPERIENCE" is a heading
        if kind is not None:
            seen_heading = True
            yield _Found(offset, offset + start, offset + end, kind)
            continue
        inline = _INLINE.match(line, start)
        if inline:
            # Exact aliases only (or ALL CAPS): "Delivered staff training: ..." is no heading.
            kind = _line_kind(inline.group(1), False, vocab)
            if kind is None:
                continue
            # A field of a "Label: value" block ("Salary: £30k" among "Employer:", "Location:") is
            # no heading of what follows: inside a section it is part of it (a job's "Salary:
            # $54,000" line); in a document's header block it is a section of its own line.
            in_block = any(0 <= j < len(lines) and _FIELD.match(lines[j][1]) for j in (i - 1, i + 1))
            # A lone field right under the title and closed by a blank line ("Project Officer\nSalary: £28k\n\n
            # You will ...") is the same header block, one line long.
            under_title = (not seen_heading and sum(1 for _, earlier in lines[:i] if earlier.strip()) <= 2
                           and (i + 1 >= len(lines) or not lines[i + 1][1].strip()))
            if in_block or under_title:
                if not seen_heading:
                    yield _Found(offset, offset + inline.start(1), offset + inline.end(1), kind, offset + len(line))
                continue
            seen_heading = True
            yield _Found(offset, offset + inline.start(1), offset + inline.end(1), kind)


def _is_list_item(lead: str) -> bool:
    return lead.strip() in {"-", "*", "+"} or any(c in _BULLETS for c in lead)


def _line_kind(candidate: str, has_colon: bool, vocab: Vocabulary) -> str | None:
    words = candidate.split()
    if not words or candidate[0].islower():
        return None  # a lower-case start is a sentence wrapped onto this line
    key = normalise(candidate)
    if len(words) >= 3 and all(len(w) == 1 for w in words):  # letter-spaced "S K I L L S"
        return vocab.squashed.get(key.replace(" ", ""))
    if len(words) > MAX_HEADING_WORDS:
        return None
    if key in vocab.exact:
        return vocab.exact[key]
    shouting = candidate.isupper() and sum(c.isalpha() for c in candidate) >= 3
    titled = has_colon and all(w[0].isupper() or w in _MINOR_WORDS for w in words)
    if len(words) <= MAX_LOOSE_WORDS and (shouting or titled):
        # "OTHER TECHNICAL SKILLS", "Relevant IT skills:" end with an alias of one kind.
        parts = key.split()
        for i in range(1, len(parts)):
            kind = vocab.exact.get(" ".join(parts[i:]))
            if kind is not None:
                return kind
    return None


def _in_long_line(offset: int, line: str, vocab: Vocabulary) -> Iterator[_Found]:
    """Headings inside a flattened document: ALL CAPS aliases, or 'Alias:' after a sentence end."""
    for match in _compiled(vocab.anywhere).finditer(line):
        heading = match.group()
        if heading.isupper() and sum(c.isalpha() for c in heading) >= 4:
            # ...but not the start of a longer ALL CAPS phrase: "PROJECT WORKER" is a job title.
            following = _NEXT_WORD.match(line, match.end())
            word = following.group(1) if following else ""
            accept = not (word.isupper() and word.isalpha() and len(word) >= 4)
        elif _COLON.match(line, match.end()):  # "Alias:" right after a sentence or list item ends
            before = match.start()
            while before and line[before - 1] == " ":
                before -= 1
            accept = before == 0 or line[before - 1] in _SENTENCE_END
        else:
            accept = False
        if accept:
            start = offset + match.start()
            yield _Found(start, start, offset + match.end(), vocab.exact[normalise(heading)])
