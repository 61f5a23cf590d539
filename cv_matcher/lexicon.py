"""Load and validate a lexicon folder (TOML files) into a frozen `Lexicon`.

Every problem is collected before anything is raised, so `cv-matcher lexicon check` can list
them all at once (like presidio's load-time validation of its recognizer YAML).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Mapping

# tomli, not the standard library's tomllib (the same parser): its wheels are compiled, which reads
# the lexicon about four times faster (20 -> 5 ms of every command's start-up).
import tomli as tomllib

from .errors import LexiconError
from .sections import load_headings
from .shipped import lexicon_dir
from .settings import (CalibrationSettings, CertificationGroups, ContextCues, PaySettings, ScoringSettings, Settings, parse_settings,
                       with_defaults)
from .settings import kind_of as _kind_of
from .settings import shown_value as _shown_value

TERM_KINDS = ("duty", "skill", "tool", "title", "certification", "experience")
FAMILIES = ("pmo", "pm", "agile", "admin", "other")
ID_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
# Default fuzzy cut-offs per kind (rapidfuzz ratio, 0-100); a term may override with min_score.
DEFAULT_MIN_SCORE = {"certification": 88, "tool": 90, "title": 92, "duty": 92, "skill": 93, "experience": 101}
TERM_FILES_SKIPPED = {"ladder.toml", "context.toml", "sections.toml"}


@dataclass(frozen=True, slots=True)
class Term:
    """One lexicon entry: a duty, skill, tool, title, certification or experience cue."""

    id: str
    label: str
    kind: str
    aliases: tuple[str, ...]
    cased: tuple[str, ...] = ()
    levels: tuple[tuple[int, float], ...] = ()
    family: str = "pmo"
    pmo: float = 0.0  # how strongly the term alone shows PMO-family work (0 = not at all, 1 = fully)
    fuzzy: bool = True
    decides: bool = False  # own work of the current role that alone places a document at this term's top level
    min_score: float = 90.0
    requires_context: tuple[str, ...] = ()
    reject_context: tuple[str, ...] = ()
    reject_document: tuple[str, ...] = ()  # cues anywhere in the document that rule the term out
    cv_reads_as: str | None = None  # in a CV, report this term as that one (a plain "MSP" is the Practitioner)
    prerequisite: str | None = None
    alternative: str | None = None
    min_project_months: int | None = None
    issuer: str | None = None
    suggest: str = ""
    provenance: str = ""
    file: str = ""

    def weight(self, rank: int) -> float:
        return dict(self.levels).get(rank, 0.0)

    @property
    def top_level(self) -> int:
        return max(self.levels, key=lambda kv: (kv[1], kv[0]))[0] if self.levels else 0


@dataclass(frozen=True, slots=True)
class Level:
    rank: int
    id: str
    label: str
    typical_years: tuple[float, float] | None = None
    next_certifications: tuple[str, ...] = ()


@dataclass(frozen=True, eq=False)  # identity hash: compiled matchers are cached per lexicon
class Lexicon:
    """The whole vocabulary plus the ladder's parameters. Built once per process."""

    path: str
    name: str
    version: str
    levels: tuple[Level, ...]
    terms: Mapping[str, Term]
    scoring: ScoringSettings  # ladder.toml [scoring]
    pay: PaySettings  # ladder.toml [pay]
    context: ContextCues  # context.toml
    certification_groups: CertificationGroups  # ladder.toml [certifications]
    calibration: CalibrationSettings  # ladder.toml [calibration]: confidence curve
    headings: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # sections.toml: section kind -> heading aliases

    def certification_family(self, term_id: str) -> str:
        """The family a certification id belongs to ("prince2-practitioner" -> "prince2"), else itself."""
        return self.certification_groups.family_of(term_id)

    def level(self, rank: int) -> Level:
        for lvl in self.levels:
            if lvl.rank == rank:
                return lvl
        raise KeyError(rank)

    @property
    def ranks(self) -> tuple[int, ...]:
        return tuple(lvl.rank for lvl in self.levels if lvl.rank > 0)


def default_lexicon_path() -> Path:
    """The shipped lexicon: the top-level lexicon/ folder (see shipped.py)."""
    return lexicon_dir()


def _headings(folder: Path, problems: list[str]) -> Mapping[str, tuple[str, ...]]:
    """The section headings of the lexicon in `folder` (its sections.toml; the shipped one when it
    has none): readers split with the shipped ones, and a document analysed with this lexicon is
    split again with these when they differ (sections.with_headings)."""
    path = folder / "sections.toml"
    try:
        return load_headings(str(path) if path.exists() else None)
    except LexiconError as exc:
        problems.extend(f"sections.toml: {problem}" for problem in exc.problems
                        if not problem.startswith("cannot load"))  # a TOML error is reported once, by _read_toml
        return {}


def _read_toml(path: Path, problems: list[str]) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except OSError as exc:
        problems.append(f"{path.name}: cannot read ({exc.strerror or exc})")
    except tomllib.TOMLDecodeError as exc:
        problems.append(f"{path.name}: invalid TOML ({exc})")
    except UnicodeDecodeError as exc:
        problems.append(f"{path.name}: not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at offset {exc.start}); TOML files are UTF-8")
    except RecursionError:
        problems.append(f"{path.name}: arrays or tables nested too deeply to read")
    except (ValueError, MemoryError) as exc:
        problems.append(f"{path.name}: cannot read ({type(exc).__name__}: {' '.join(str(exc).split())[:120]})")
    return {}


# --- types, checked against the shipped lexicon ------------------------------------------------
# Scoring, pay, context and sections settings are free-form tables that many modules read. Rather
# than restate every key here (and drift from the code), a custom lexicon is checked against the
# shipped one: every key both have must hold the same type (numbers as numbers, a [low, high]
# pair as two numbers, a list of strings as strings, a table as a table...); new keys in a table
# whose shipped values all have one type must have that type too. What this misses, the trial
# run (engine.trial_problems, passed in as `check`) catches: whatever scoring would trip on, loading reports.

MAX_DEPTH = 12  # tables and lists inside each other; the shipped lexicon uses 4


def _union(tables: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for table in tables:
        for key, value in table.items():
            out.setdefault(key, value)
    return out


def _sample(values: list[Any]) -> Any:
    """The type every value shares (a table: all their keys), or None when they differ."""
    if not values or len({_kind_of(v) for v in values}) != 1:
        return None
    return _union(values) if isinstance(values[0], dict) else values[0]


def check_shape(value: Any, ref: Any, where: str, problems: list[str], depth: int = 0) -> None:
    """Add a problem for each place where `value` does not have the type of `ref` (see above)."""
    if depth > MAX_DEPTH:
        problems.append(f"{where}: nested too deeply (more than {MAX_DEPTH} levels)")
        return
    kind, want = _kind_of(value), _kind_of(ref)
    if kind != want:
        problems.append(f"{where}: must be {want}, not {kind} ({_shown_value(value)})")
        return
    if isinstance(ref, dict):
        sample = _sample(list(ref.values()))
        for key, item in value.items():
            if key in ref:
                check_shape(item, ref[key], f"{where}.{key}", problems, depth + 1)
            elif sample is not None:
                check_shape(item, sample, f"{where}.{key}", problems, depth + 1)
    elif isinstance(ref, list) and ref:
        if len(ref) == 2 and all(_kind_of(r) == "a number" for r in ref):  # a [low, high] pair
            if len(value) != 2 or not all(_kind_of(v) == "a number" for v in value):
                problems.append(f"{where}: must be a [low, high] pair of numbers, not {_shown_value(value)}")
            elif value[0] > value[1]:
                problems.append(f"{where}: low {value[0]:g} is above high {value[1]:g}")
            return
        sample = _sample(ref)
        if sample is not None:
            for i, item in enumerate(value):
                check_shape(item, sample, f"{where}[{i}]", problems, depth + 1)


def _optional(raw: dict[str, Any], key: str, types: type | tuple[type, ...], what: str, where: str, problems: list[str]) -> Any:
    value = raw.get(key)
    if value is None:
        return None
    if isinstance(value, bool) and bool not in (types if isinstance(types, tuple) else (types,)) or not isinstance(value, types):
        problems.append(f"{where}: '{key}' must be {what}, not {_kind_of(value)} ({_shown_value(value)})")
        return None
    return value


def _str_list(raw: dict[str, Any], key: str, where: str, problems: list[str]) -> tuple[str, ...]:
    value = raw.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        problems.append(f"{where}: '{key}' must be a list of non-empty strings")
        return ()
    return tuple(v.strip() for v in value)


def _parse_levels(raw: Any, where: str, valid_ranks: set[int], problems: list[str]) -> tuple[tuple[int, float], ...]:
    if not isinstance(raw, dict):
        problems.append(f"{where}: 'levels' must be a table of rank = weight")
        return ()
    out = []
    for key, weight in raw.items():
        try:
            rank = int(key)
        except ValueError:
            problems.append(f"{where}: level '{key}' is not a rank number")
            continue
        if rank not in valid_ranks:
            problems.append(f"{where}: level {rank} is not defined in ladder.toml")
        if isinstance(weight, bool) or not isinstance(weight, (int, float)) or not 0 <= weight <= 3:
            problems.append(f"{where}: weight for level {rank} must be a number in [0, 3]")
            continue
        out.append((rank, float(weight)))
    return tuple(sorted(out))


def _family_weight(value: Any, where: str, problems: list[str]) -> float:
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, (int, float)) and 0 <= value <= 1:
        return float(value)
    problems.append(f"{where}: 'pmo' must be true/false or a number in [0, 1]")
    return 0.0


def _parse_term(raw: dict[str, Any], file: str, valid_ranks: set[int], problems: list[str]) -> Term | None:
    tid = raw.get("id")
    where = f"{file}: term '{tid}'"
    if not isinstance(tid, str) or not ID_RE.match(tid):
        problems.append(f"{file}: term id {tid!r} must be kebab-case (a-z, 0-9, '-')")
        return None
    kind = raw.get("kind")
    if kind not in TERM_KINDS:
        problems.append(f"{where}: kind {kind!r} must be one of {', '.join(TERM_KINDS)}")
    family = raw.get("family", "pmo")
    if family not in FAMILIES:
        problems.append(f"{where}: family {family!r} must be one of {', '.join(FAMILIES)}")
    label = raw.get("label")
    if not isinstance(label, str) or not label.strip():
        problems.append(f"{where}: 'label' is required")
    aliases = _str_list(raw, "aliases", where, problems)
    cased = _str_list(raw, "cased", where, problems)
    if not aliases and not cased:
        problems.append(f"{where}: needs at least one alias (aliases or cased)")
    known = {"id", "label", "kind", "aliases", "cased", "levels", "family", "pmo", "fuzzy", "decides", "min_score", "requires_context", "reject_context",
             "reject_document", "cv_reads_as", "prerequisite", "alternative", "min_project_months", "issuer", "suggest", "provenance"}
    for key in raw:
        if key not in known:
            problems.append(f"{where}: unknown field '{key}'")
    min_score = raw.get("min_score", DEFAULT_MIN_SCORE.get(str(kind), 90))
    if isinstance(min_score, bool) or not isinstance(min_score, (int, float)) or not 50 <= min_score <= 101:
        problems.append(f"{where}: min_score must be a number in [50, 101]")
        min_score = 90
    fuzzy = _optional(raw, "fuzzy", bool, "true or false", where, problems)
    decides = _optional(raw, "decides", bool, "true or false", where, problems)
    refs = {key: _optional(raw, key, str, "a term id (a string)", where, problems) for key in ("prerequisite", "alternative", "cv_reads_as")}
    months = _optional(raw, "min_project_months", int, "a whole number", where, problems)
    texts = {key: _optional(raw, key, str, "a string", where, problems) for key in ("issuer", "suggest", "provenance")}
    return Term(
        id=tid, label=str(label or tid), kind=str(kind), aliases=aliases, cased=cased,
        levels=_parse_levels(raw.get("levels", {}), where, valid_ranks, problems),
        family=str(family), pmo=_family_weight(raw.get("pmo", 0.0), where, problems), fuzzy=True if fuzzy is None else fuzzy,
        decides=bool(decides),
        min_score=float(min_score),
        requires_context=_str_list(raw, "requires_context", where, problems),
        reject_context=_str_list(raw, "reject_context", where, problems),
        reject_document=_str_list(raw, "reject_document", where, problems),
        prerequisite=refs["prerequisite"], alternative=refs["alternative"], cv_reads_as=refs["cv_reads_as"],
        min_project_months=months, issuer=texts["issuer"],
        suggest=texts["suggest"] or "", provenance=texts["provenance"] or "", file=file,
    )


def _parse_levels_table(ladder: dict[str, Any], problems: list[str]) -> tuple[Level, ...]:
    levels = []
    raw_levels = ladder.get("level", [])
    if not isinstance(raw_levels, list):
        problems.append(f"ladder.toml: 'level' must be a list of [[level]] tables, not {_kind_of(raw_levels)}")
        raw_levels = []
    for raw in raw_levels:
        if not isinstance(raw, dict):
            problems.append(f"ladder.toml: a level must be a [[level]] table, not {_kind_of(raw)} ({_shown_value(raw)})")
            continue
        where = f"ladder.toml: level {raw.get('id', raw.get('rank'))!r}"
        rank_ok = isinstance(raw.get("rank"), int) and not isinstance(raw.get("rank"), bool)
        if "rank" in raw and not rank_ok:
            problems.append(f"{where}: 'rank' must be a whole number, not {_kind_of(raw['rank'])} ({_shown_value(raw['rank'])})")
            continue
        if not all(isinstance(raw.get(key, ""), str) for key in ("id", "label")):
            problems.append(f"{where}: 'id' and 'label' must be strings")
            continue
        years = raw.get("typical_years")
        if years is not None and not (isinstance(years, list) and len(years) == 2
                                      and all(_kind_of(y) == "a number" for y in years) and years[0] <= years[1]):
            problems.append(f"{where}: 'typical_years' must be a [low, high] pair of numbers, not {_shown_value(years)}")
            continue
        if not isinstance(raw.get("next_certifications", []), list) or not all(isinstance(c, str) for c in raw.get("next_certifications", [])):
            problems.append(f"{where}: 'next_certifications' must be a list of certification ids")
            continue
        try:
            years = raw.get("typical_years")
            levels.append(Level(rank=int(raw["rank"]), id=str(raw["id"]), label=str(raw["label"]),
                                typical_years=tuple(years) if years else None,
                                next_certifications=tuple(raw.get("next_certifications", ()))))
        except (KeyError, TypeError, ValueError) as exc:
            problems.append(f"ladder.toml: level {raw!r} is incomplete ({exc})")
    if not levels:
        problems.append("ladder.toml: no [[level]] defined")
    ranks = [lvl.rank for lvl in levels]
    if len(set(ranks)) != len(ranks):
        problems.append("ladder.toml: level ranks must be unique")
    if 0 not in ranks:
        problems.append("ladder.toml: a rank 0 level (not in the family) is required")
    return tuple(sorted(levels, key=lambda lvl: lvl.rank))


def _cross_check(terms: dict[str, Term], levels: tuple[Level, ...], problems: list[str]) -> None:
    for term in terms.values():
        for ref_name in ("prerequisite", "alternative", "cv_reads_as"):
            ref = getattr(term, ref_name)
            if ref is not None and ref not in terms:
                problems.append(f"{term.file}: term '{term.id}' {ref_name} refers to unknown term '{ref}'")
    for lvl in levels:
        for cid in lvl.next_certifications:
            if cid not in terms:
                problems.append(f"ladder.toml: level '{lvl.id}' suggests unknown certification '{cid}'")


def _check_settings(settings: Settings, terms: Mapping[str, Term], levels: tuple[Level, ...], problems: list[str]) -> None:
    """What the settings name must exist: generic certification ids, and a pay band's level."""
    for cid in settings.certifications.generic:
        if cid not in terms:
            problems.append(f"ladder.toml: certifications.generic names unknown term '{cid}'")
    ranks = {lvl.rank for lvl in levels if lvl.rank > 0}
    for rank in settings.pay.bands:
        if rank not in ranks:
            problems.append(f"ladder.toml: pay.bands.{rank} is for a level not defined in ladder.toml")


def _settings(ladder: dict[str, Any], context: dict[str, Any], shipped: bool, problems: list[str], *, shape_ok: bool) -> Settings:
    """The typed settings; a custom lexicon's missing ones are the shipped lexicon's (settings.py).
    A custom lexicon's type problems are already listed by check_shape: not listed twice."""
    if not shipped:
        reference = _reference_tables()
        ladder = with_defaults(ladder, reference["ladder.toml"])
        context = with_defaults(context, reference["context.toml"])
    found: list[str] = []
    settings = parse_settings(ladder, context, term_kinds=TERM_KINDS, families=FAMILIES, where="ladder.toml", problems=found)
    if shipped or shape_ok:
        problems += found
    return settings


Check = Callable[["Lexicon"], list[str]]  # a trial run of a loaded lexicon: its problems (engine.trial_problems)


def load_lexicon(path: str | Path | None = None, *, check: Check | None = None) -> Lexicon:
    """Read, validate and freeze the lexicon in folder `path` (default: the shipped one). Another
    lexicon's settings are checked against the shipped one's types, and `check` (a trial run:
    engine.trial_problems) must find nothing: every problem is reported at once."""
    folder = default_lexicon_path() if path is None else Path(path)
    if not folder.is_dir():
        raise LexiconError(folder, ["not a folder of lexicon TOML files"])
    problems: list[str] = []
    ladder = _read_toml(folder / "ladder.toml", problems)
    context = _read_toml(folder / "context.toml", problems) if (folder / "context.toml").exists() else {}
    sections = _read_toml(folder / "sections.toml", problems) if (folder / "sections.toml").exists() else {}
    headings = _headings(folder, problems)
    levels = _parse_levels_table(ladder, problems)
    valid_ranks = {lvl.rank for lvl in levels if lvl.rank > 0}
    terms: dict[str, Term] = {}
    for file in sorted(folder.glob("*.toml")):
        if file.name in TERM_FILES_SKIPPED:
            continue
        data = _read_toml(file, problems)
        raw_terms = data.get("term", [])
        if not isinstance(raw_terms, list):
            problems.append(f"{file.name}: 'term' must be a list of [[term]] tables, not {_kind_of(raw_terms)} ({_shown_value(raw_terms)})")
            raw_terms = []
        for raw in raw_terms:
            if not isinstance(raw, dict):
                problems.append(f"{file.name}: a term must be a [[term]] table, not {_kind_of(raw)} ({_shown_value(raw)})")
                continue
            term = _parse_term(raw, file.name, valid_ranks, problems)
            if term is None:
                continue
            if term.id in terms:
                problems.append(f"{file.name}: duplicate term id '{term.id}' (also in {terms[term.id].file})")
                continue
            terms[term.id] = term
    _cross_check(terms, levels, problems)
    shipped = folder.resolve() == default_lexicon_path().resolve()
    before_shape = len(problems)
    if not shipped:  # the shipped files are the reference for the free-form settings' types
        reference = _reference_tables()
        for name, table in (("ladder.toml", ladder), ("context.toml", context), ("sections.toml", sections)):
            check_shape({k: v for k, v in table.items() if k != "level"}, reference[name], name.removesuffix(".toml"), problems)
    settings = _settings(ladder, context, shipped, problems, shape_ok=len(problems) == before_shape)
    _check_settings(settings, terms, levels, problems)
    if problems:
        raise LexiconError(folder, problems)
    lexicon = Lexicon(path=str(folder), name=str(ladder.get("name", folder.name)), version=str(ladder.get("version", "0")),
                      levels=levels, terms=terms, scoring=settings.scoring, pay=settings.pay, context=settings.context,
                      certification_groups=settings.certifications, calibration=settings.calibration, headings=headings)
    if not shipped and check is not None:
        problems = check(lexicon)
        if problems:
            raise LexiconError(folder, problems)
    return lexicon


@lru_cache(maxsize=1)
def _reference_tables() -> dict[str, dict[str, Any]]:
    folder = default_lexicon_path()
    unused: list[str] = []
    ladder = _read_toml(folder / "ladder.toml", unused)
    return {"ladder.toml": {k: v for k, v in ladder.items() if k != "level"}, "context.toml": _read_toml(folder / "context.toml", unused),
            "sections.toml": _read_toml(folder / "sections.toml", unused)}


def cached_lexicon(path: str | None = None, check: Check | None = None) -> Lexicon:
    """The lexicon for `path`, loaded once per process (`check` runs for another lexicon than the
    shipped one, so the shipped one is one object whoever asks)."""
    return _cached(path, None if path is None else check)


@lru_cache(maxsize=8)
def _cached(path: str | None, check: Check | None) -> Lexicon:
    return load_lexicon(path, check=check)
