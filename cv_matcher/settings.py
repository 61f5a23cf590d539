"""Typed, frozen settings read from the lexicon: scoring, pay, context cues, certification groups and
the confidence curve. Every value lives in the data (ladder.toml, context.toml), never in code.

`parse_settings` turns the raw TOML tables into these types and collects every problem (missing
key, wrong type, impossible value) in the lexicon loader's style, so `load_lexicon` reports them
all at once. A custom lexicon may leave settings out: `with_defaults` fills them from the shipped
lexicon first, except what belongs to that lexicon's own vocabulary and ladder: word lists (cues)
and the pay bands and grades. Left out, those are empty.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .status import CV_STATUSES, CertStatus

# The margin features of the confidence curve, in the order of ladder.toml [calibration] `weights`.
FEATURES = ("family_margin", "level_margin", "evidence", "is_family", "is_advert")
# Evidence kinds beyond the term kinds that scoring weighs (ladder.toml scoring.kind_factor).
EXTRA_FACTOR_KINDS = ("pay", "years")
CURRENCIES = ("GBP", "USD", "EUR")  # what pay.py reads; [pay] to_gbp converts each
PERIOD_KEYS = ("hourly", "daily", "annual")
# Ladder data that is never borrowed from the shipped lexicon (its ranks are the shipped ladder's).
OWN_TABLES = frozenset({"bands", "grades"})


def kind_of(value: Any) -> str:
    """The TOML type of `value`, in words for a problem message."""
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return f"a {type(value).__name__}"


def shown_value(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


Pair = tuple[float, float]


@dataclass(frozen=True, slots=True)
class ScoringSettings:
    """ladder.toml [scoring]; each key is documented there."""

    kind_factor: Mapping[str, float]  # every term kind, plus pay and years
    title_mention_factor: float
    title_top_chars: int
    headline_title_factor: float
    unsupported_title_factor: float
    assisting_factor: float
    assisting_above_rank: int
    setting_family_factor: float
    repeat_bonus: float
    repeat_cap: float
    recency_weights: tuple[float, ...]
    family_min_points: float
    family_min_work: float
    family_min_project_words: int
    family_against: Mapping[str, float]  # every family but pmo
    family_margin: float
    family_close: float
    headline_family_bonus: float
    headline_against_bonus: float
    unnamed_title_family_factor: float
    project_words_needed: int
    dominance: float
    dominance_far: float
    min_level_points: float
    climb_work_share: float
    years_fit_span: float


@dataclass(frozen=True, slots=True)
class PayBand:
    """One level's pay band per period (ladder.toml [pay.bands.N])."""

    hourly: Pair
    daily: Pair
    annual: Pair

    def for_period(self, period: str) -> Pair:
        """The band for "hour", "day" or "year"."""
        return {"hour": self.hourly, "day": self.daily, "year": self.annual}[period]


@dataclass(frozen=True, slots=True)
class PaySettings:
    """ladder.toml [pay]: bands by level, currency conversion, and what is money but not pay."""

    bands: Mapping[int, PayBand]
    grades: Mapping[str, Pair]
    to_gbp: Mapping[str, float]  # every currency pay.py reads
    usd_level_factor: float
    band_fit_slope: float
    not_pay_cues: tuple[str, ...]
    max_annual: float


@dataclass(frozen=True, slots=True)
class AdvertCues:
    """context.toml [advert_status]: the cues that set an advert's requirement."""

    not_required: tuple[str, ...]
    essential: tuple[str, ...]
    desirable: tuple[str, ...]
    strong_essential: tuple[str, ...]
    essential_sections: tuple[str, ...]
    desirable_sections: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ContextCues:
    """context.toml: the words around a mention that decide what it means."""

    window_chars: int
    assisting: tuple[str, ...]
    ignored_sections: tuple[str, ...]
    setting: tuple[str, ...]
    setting_near: tuple[str, ...]
    project_title_words: tuple[str, ...]
    cv_status: Mapping[CertStatus, tuple[str, ...]]  # the cues that turn "held" into another CV status
    advert_status: AdvertCues


@dataclass(frozen=True, slots=True)
class CertificationGroups:
    """ladder.toml [certifications]: "level unstated" ids and the families that partly meet each other."""

    generic: tuple[str, ...]
    families: tuple[str, ...]

    def family_of(self, term_id: str) -> str:
        """The family a certification id belongs to ("prince2-practitioner" -> "prince2"), else itself."""
        return next((f for f in self.families if term_id.startswith(f)), term_id)


@dataclass(frozen=True, slots=True)
class CalibrationSettings:
    """ladder.toml [calibration]: the fitted logistic curve from margins to confidence."""

    intercept: float
    weights: Mapping[str, float]  # one per FEATURES name
    floor: float
    ceiling: float
    rival_share: float
    show_alternative: float


@dataclass(frozen=True, slots=True)
class Settings:
    """All the lexicon's settings, as `load_lexicon` hands them to the Lexicon."""

    scoring: ScoringSettings
    pay: PaySettings
    context: ContextCues
    certifications: CertificationGroups
    calibration: CalibrationSettings


def _is_words(value: Any) -> bool:
    return isinstance(value, list) and any(isinstance(v, str) for v in value)


def with_defaults(value: Any, reference: Any, key: str = "") -> Any:
    """`value` (a custom lexicon's table) with what it leaves out taken from `reference` (the
    shipped one's): numbers and tables of numbers are borrowed; word lists and OWN_TABLES are not."""
    if key in OWN_TABLES:
        return {} if value is None else value
    if value is None:
        if isinstance(reference, dict):
            return with_defaults({}, reference, key)
        return [] if _is_words(reference) else reference
    if isinstance(reference, dict) and isinstance(value, dict):
        out = dict(value)
        for k, ref in reference.items():
            out[k] = with_defaults(value.get(k), ref, k)
        return out
    return value


class _Table:
    """Typed reads from one raw TOML table; each problem is recorded under its dotted name."""

    def __init__(self, raw: Any, where: str, problems: list[str]) -> None:
        self.where, self.problems = where, problems
        if not isinstance(raw, dict):
            problems.append(f"{where}: must be a table, not {kind_of(raw)} ({shown_value(raw)})")
            raw = {}
        self.raw: dict[str, Any] = raw

    def _get(self, key: str, want: str) -> Any:
        if key not in self.raw:
            self.problems.append(f"{self.where}.{key}: missing ({want})")
        return self.raw.get(key)

    def _bad(self, key: str, want: str, value: Any) -> None:
        self.problems.append(f"{self.where}.{key}: must be {want}, not {kind_of(value)} ({shown_value(value)})")

    def num(self, key: str, *, low: float = 0.0, high: float | None = None) -> float:
        value = self._get(key, "a number")
        if value is None:
            return 0.0
        if kind_of(value) != "a number":
            self._bad(key, "a number", value)
            return 0.0
        if value < low or (high is not None and value > high):
            span = f"at least {low:g}" if high is None else f"in [{low:g}, {high:g}]"
            self.problems.append(f"{self.where}.{key}: must be {span}, not {value:g}")
        return float(value)

    def whole(self, key: str) -> int:
        value = self._get(key, "a whole number")
        if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 0):
            self.problems.append(f"{self.where}.{key}: must be a whole number, not {shown_value(value)}")
            return 0
        return int(value or 0)

    def nums(self, key: str) -> tuple[float, ...]:
        value = self._get(key, "a list of numbers")
        if value is None:
            return ()
        if not isinstance(value, list) or not all(kind_of(v) == "a number" for v in value):
            self._bad(key, "a list of numbers", value)
            return ()
        return tuple(float(v) for v in value)

    def words(self, key: str) -> tuple[str, ...]:
        value = self._get(key, "a list of strings")
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self._bad(key, "a list of non-empty strings", value)
            return ()
        return tuple(value)

    def pair_of(self, value: Any, where: str) -> Pair:
        if not (isinstance(value, list) and len(value) == 2 and all(kind_of(v) == "a number" for v in value)):
            self.problems.append(f"{where}: must be a [low, high] pair of numbers, not {shown_value(value)}")
            return (0.0, 0.0)
        if value[0] > value[1]:
            self.problems.append(f"{where}: low {value[0]:g} is above high {value[1]:g}")
        return (float(value[0]), float(value[1]))

    def table(self, key: str) -> _Table:
        value = self._get(key, "a table")
        return _Table({} if value is None else value, f"{self.where}.{key}", self.problems)

    def num_table(self, key: str, needed: Iterable[str] = (), *, low: float = 0.0) -> Mapping[str, float]:
        sub = self.table(key)
        out = {k: sub.num(k, low=low) for k in sub.raw}
        for k in needed:
            if k not in out:
                self.problems.append(f"{sub.where}: needs a value for '{k}'")
        return out


def _scoring(t: _Table, term_kinds: Iterable[str], families: Iterable[str]) -> ScoringSettings:
    return ScoringSettings(
        kind_factor=t.num_table("kind_factor", (*term_kinds, *EXTRA_FACTOR_KINDS)),
        title_mention_factor=t.num("title_mention_factor"), title_top_chars=t.whole("title_top_chars"),
        headline_title_factor=t.num("headline_title_factor"), unsupported_title_factor=t.num("unsupported_title_factor"),
        assisting_factor=t.num("assisting_factor"), assisting_above_rank=t.whole("assisting_above_rank"),
        setting_family_factor=t.num("setting_family_factor"), repeat_bonus=t.num("repeat_bonus"), repeat_cap=t.num("repeat_cap"),
        recency_weights=t.nums("recency_weights"), family_min_points=t.num("family_min_points"),
        family_min_work=t.num("family_min_work"), family_min_project_words=t.whole("family_min_project_words"),
        family_against=t.num_table("family_against", (f for f in families if f != "pmo")), family_margin=t.num("family_margin"),
        family_close=t.num("family_close"), headline_family_bonus=t.num("headline_family_bonus"),
        headline_against_bonus=t.num("headline_against_bonus"), unnamed_title_family_factor=t.num("unnamed_title_family_factor"),
        project_words_needed=t.whole("project_words_needed"), dominance=t.num("dominance", high=1.0),
        dominance_far=t.num("dominance_far", high=1.0), min_level_points=t.num("min_level_points"),
        climb_work_share=t.num("climb_work_share"), years_fit_span=t.num("years_fit_span", low=1e-9),
    )


def _pay(t: _Table) -> PaySettings:
    bands_t, grades_t = t.table("bands"), t.table("grades")
    bands: dict[int, PayBand] = {}
    for key, raw in bands_t.raw.items():
        where = f"{bands_t.where}.{key}"
        if not key.isdigit():
            t.problems.append(f"{where}: a band's key must be a level rank")
            continue
        band = _Table(raw, where, t.problems)
        hourly, daily, annual = (band.pair_of(band._get(p, "a [low, high] pair"), f"{where}.{p}") for p in PERIOD_KEYS)
        bands[int(key)] = PayBand(hourly, daily, annual)
    return PaySettings(
        bands=bands,
        grades={k: grades_t.pair_of(v, f"{grades_t.where}.{k}") for k, v in grades_t.raw.items()},
        to_gbp=t.num_table("to_gbp", CURRENCIES), usd_level_factor=t.num("usd_level_factor"),
        band_fit_slope=t.num("band_fit_slope"), not_pay_cues=t.words("not_pay_cues"), max_annual=t.num("max_annual"),
    )


def _context(t: _Table) -> ContextCues:
    status_t, advert = t.table("cv_status"), t.table("advert_status")
    cv_status: dict[CertStatus, tuple[str, ...]] = {}
    for key in status_t.raw:
        if key not in {s.value for s in CV_STATUSES}:
            t.problems.append(f"{status_t.where}.{key}: not a CV status (one of {', '.join(CV_STATUSES)})")
            continue
        cv_status[CertStatus(key)] = status_t.words(key)
    return ContextCues(
        window_chars=t.whole("window_chars"), assisting=t.words("assisting"), ignored_sections=t.words("ignored_sections"),
        setting=t.words("setting"), setting_near=t.words("setting_near"), project_title_words=t.words("project_title_words"),
        cv_status=cv_status,
        advert_status=AdvertCues(not_required=advert.words("not_required"), essential=advert.words("essential"),
                                 desirable=advert.words("desirable"), strong_essential=advert.words("strong_essential"),
                                 essential_sections=advert.words("essential_sections"),
                                 desirable_sections=advert.words("desirable_sections")),
    )


def _calibration(t: _Table) -> CalibrationSettings:
    weights = t.num_table("weights", FEATURES, low=-float("inf"))
    for name in weights:
        if name not in FEATURES:
            t.problems.append(f"{t.where}.weights.{name}: not a margin feature (one of {', '.join(FEATURES)})")
    return CalibrationSettings(intercept=_signed(t, "intercept"), weights=weights, floor=t.num("floor", high=1.0),
                               ceiling=t.num("ceiling", high=1.0), rival_share=t.num("rival_share", high=1.0),
                               show_alternative=t.num("show_alternative", high=1.0))


def _signed(t: _Table, key: str) -> float:
    return t.num(key, low=-float("inf"))


def parse_settings(ladder: Mapping[str, Any], context: Mapping[str, Any], *, term_kinds: Iterable[str], families: Iterable[str],
                   where: str, problems: list[str]) -> Settings:
    """Typed settings from ladder.toml's [scoring], [pay], [certifications] and [calibration] and
    from context.toml; every problem is added to `problems` ("ladder.toml: scoring.x: ...")."""
    def table(raw: Any, name: str, file: str) -> _Table:
        return _Table({} if raw is None else raw, f"{file}: {name}" if name else f"{file}:", problems)

    certs = table(ladder.get("certifications"), "certifications", where)
    return Settings(
        scoring=_scoring(table(ladder.get("scoring"), "scoring", where), tuple(term_kinds), tuple(families)),
        pay=_pay(table(ladder.get("pay"), "pay", where)),
        context=_context(_Table(dict(context), "context.toml: context", problems)),
        certifications=CertificationGroups(generic=certs.words("generic"), families=certs.words("families")),
        calibration=_calibration(table(ladder.get("calibration"), "calibration", where)),
    )
