"""Load and validate a lexicon folder (TOML files) into a frozen `Lexicon`.

Every problem is collected before anything is raised, so `cv-matcher lexicon check` can list
them all at once (like presidio's load-time validation of its recognizer YAML).
"""
from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Mapping

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

from .errors import LexiconError

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
    scoring: Mapping[str, Any]
    pay: Mapping[str, Any]
    context: Mapping[str, Any]
    sections: Mapping[str, Any] = field(default_factory=dict)
    certification_groups: Mapping[str, Any] = field(default_factory=dict)  # ladder.toml [certifications]
    calibration: Mapping[str, Any] = field(default_factory=dict)  # ladder.toml [calibration]: confidence curve

    def certification_family(self, term_id: str) -> str:
        """The family a certification id belongs to ("prince2-practitioner" -> "prince2"), else itself."""
        return next((f for f in self.certification_groups.get("families", ()) if term_id.startswith(f)), term_id)

    def level(self, rank: int) -> Level:
        for lvl in self.levels:
            if lvl.rank == rank:
                return lvl
        raise KeyError(rank)

    @property
    def ranks(self) -> tuple[int, ...]:
        return tuple(lvl.rank for lvl in self.levels if lvl.rank > 0)

    def of_kind(self, kind: str) -> list[Term]:
        return [t for t in self.terms.values() if t.kind == kind]


def default_lexicon_path() -> Path:
    return Path(str(resources.files("cv_matcher") / "data" / "lexicon"))


def _read_toml(path: Path, problems: list[str]) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except OSError as exc:
        problems.append(f"{path.name}: cannot read ({exc.strerror or exc})")
    except tomllib.TOMLDecodeError as exc:
        problems.append(f"{path.name}: invalid TOML ({exc})")
    return {}


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
        if not isinstance(weight, (int, float)) or not 0 <= weight <= 3:
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
    known = {"id", "label", "kind", "aliases", "cased", "levels", "family", "pmo", "fuzzy", "min_score", "requires_context", "reject_context",
             "reject_document", "cv_reads_as", "prerequisite", "alternative", "min_project_months", "issuer", "suggest", "provenance"}
    for key in raw:
        if key not in known:
            problems.append(f"{where}: unknown field '{key}'")
    min_score = raw.get("min_score", DEFAULT_MIN_SCORE.get(str(kind), 90))
    if not isinstance(min_score, (int, float)) or not 50 <= min_score <= 101:
        problems.append(f"{where}: min_score must be a number in [50, 101]")
        min_score = 90
    return Term(
        id=tid, label=str(label or tid), kind=str(kind), aliases=aliases, cased=cased,
        levels=_parse_levels(raw.get("levels", {}), where, valid_ranks, problems),
        family=str(family), pmo=_family_weight(raw.get("pmo", 0.0), where, problems), fuzzy=bool(raw.get("fuzzy", True)), min_score=float(min_score),
        requires_context=_str_list(raw, "requires_context", where, problems),
        reject_context=_str_list(raw, "reject_context", where, problems),
        reject_document=_str_list(raw, "reject_document", where, problems),
        prerequisite=raw.get("prerequisite"), alternative=raw.get("alternative"), cv_reads_as=raw.get("cv_reads_as"),
        min_project_months=raw.get("min_project_months"), issuer=raw.get("issuer"),
        suggest=str(raw.get("suggest", "")), provenance=str(raw.get("provenance", "")), file=file,
    )


def _parse_levels_table(ladder: dict[str, Any], problems: list[str]) -> tuple[Level, ...]:
    levels = []
    for raw in ladder.get("level", []):
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


def load_lexicon(path: str | Path | None = None) -> Lexicon:
    """Read, validate and freeze the lexicon in folder `path` (default: the shipped one)."""
    folder = default_lexicon_path() if path is None else Path(path)
    if not folder.is_dir():
        raise LexiconError(folder, [f"not a folder of lexicon TOML files"])
    problems: list[str] = []
    ladder = _read_toml(folder / "ladder.toml", problems)
    context = _read_toml(folder / "context.toml", problems) if (folder / "context.toml").exists() else {}
    sections = _read_toml(folder / "sections.toml", problems) if (folder / "sections.toml").exists() else {}
    levels = _parse_levels_table(ladder, problems)
    valid_ranks = {lvl.rank for lvl in levels if lvl.rank > 0}
    terms: dict[str, Term] = {}
    for file in sorted(folder.glob("*.toml")):
        if file.name in TERM_FILES_SKIPPED:
            continue
        data = _read_toml(file, problems)
        for raw in data.get("term", []):
            term = _parse_term(raw, file.name, valid_ranks, problems)
            if term is None:
                continue
            if term.id in terms:
                problems.append(f"{file.name}: duplicate term id '{term.id}' (also in {terms[term.id].file})")
                continue
            terms[term.id] = term
    _cross_check(terms, levels, problems)
    if problems:
        raise LexiconError(folder, problems)
    return Lexicon(path=str(folder), name=str(ladder.get("name", folder.name)), version=str(ladder.get("version", "0")),
                   levels=levels, terms=terms, scoring=ladder.get("scoring", {}), pay=ladder.get("pay", {}),
                   context=context, sections=sections, certification_groups=ladder.get("certifications", {}),
                   calibration=ladder.get("calibration", {}))


@lru_cache(maxsize=8)
def cached_lexicon(path: str | None = None) -> Lexicon:
    """The lexicon for `path`, loaded once per process."""
    return load_lexicon(path)
