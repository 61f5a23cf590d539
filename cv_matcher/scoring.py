"""Place evidence on the ladder. Pure: evidence, pay and years in; LevelScores and a verdict out.

How a recruiter reads a document, in code:
1. Is it PMO-family at all? Only PMO-specific evidence counts for (project/programme office
   duties and PMO titles); look-alike titles and other professions' work count against.
2. Which level? Every finding adds its lexicon weight per level, times a factor for its kind
   (duties decide, titles are a prior, certifications only support), plus pay and years.
3. The answer is the highest level that holds most of the best level's weight: a PMO Manager's
   CV also shows reporting and RAID work, but its level-4 duties decide.
All numbers come from the lexicon (ladder.toml [scoring]); nothing here knows a term by name.
"""
from __future__ import annotations

import math
import re
from collections import defaultdict
from functools import lru_cache
from itertools import islice
from typing import Callable, Iterable, Mapping

from . import calibration
from .lexicon import Lexicon, Term
from .lowercase import lowered
from .matching.wrap import on_one_line
from .models import Evidence, LevelScore, Verdict
from .experience import is_plural_title
from .pay import level_fit
from .models import Pay
from .settings import ScoringSettings
from .status import COUNTED
SETTING_BREAK = re.compile(r"[,;:()]| to | by | for | including | providing | who | which | that ")


def title_position_factor(text: str, ev: Evidence, settings: ScoringSettings) -> float:
    """1.0 when a title stands as a title, else small. A title stands as one at the top of the
    document, or at the start of a line and written with a capital ("PMO Manager, Acme"); a
    lower-case mention mid-sentence ("sent to the account managers") is only a mention."""
    if ev.start < settings.title_top_chars:
        return 1.0
    line_start = text.rfind("\n", 0, ev.start) + 1
    at_line_start = not text[line_start:ev.start].strip(" \t•-*|:>·")
    if at_line_start and ev.text[:1].isupper():
        return 1.0
    return settings.title_mention_factor


def _multiplier(mentions: list[Evidence], term: Term, settings: ScoringSettings) -> float:
    distinct = len({m.text.lower() for m in mentions}) if term.family == "other" else len(mentions)
    return min(settings.repeat_cap, 1.0 + settings.repeat_bonus * (distinct - 1))


def _supporting_role(term: Term, mentions: list[Evidence], assisted: Callable[[list[Evidence]], bool],
                     lexicon: Lexicon) -> tuple[tuple[int, float], ...]:
    """Senior work done *for* someone else ("collect updates so the PMO Manager can write the
    highlight report") shows the supporting level, not the owner's: when every mention sits in a
    clause with an assisting cue (`assisted`, _assisting_test), the weight above
    scoring.assisting_above_rank is scaled down."""
    above = lexicon.scoring.assisting_above_rank
    if not lexicon.context.assisting or not any(rank > above for rank, _ in term.levels):
        return term.levels
    if not assisted(mentions):
        return term.levels
    factor = lexicon.scoring.assisting_factor
    return tuple((rank, w * factor if rank > above else w) for rank, w in term.levels)


def _assisting_test(text: str, lexicon: Lexicon) -> Callable[[list[Evidence]], bool]:
    """Whether every mention sits in a clause with an assisting cue (context.assisting). The
    clauses are only read when some cue stands somewhere in the text: most CVs have none."""
    cues = lexicon.context.assisting
    low = lowered(text)
    if low is not None and not _substring_regex(tuple(cue.lower() for cue in cues)).search(low):
        return lambda mentions: not mentions  # (as all() of no clause)
    from .matching.context import clause, has_cue

    return lambda mentions: all(has_cue(clause(text, m.start, m.end)[0], cues) for m in mentions)


def _setting_test(text: str, lexicon: Lexicon) -> Callable[[Evidence], bool]:
    """Whether a finding names the role's setting rather than its own work: the employer's line,
    the team it joins, the person it reports or escalates to ("reporting to the Head of PMO",
    "join our Project Management Office"). Certifications are never setting."""
    clause_cues, near_cues = lexicon.context.setting, lexicon.context.setting_near
    if not clause_cues and not near_cues:
        return lambda ev: False
    from .matching.context import clause, clause_start, has_cue

    low = lowered(text)
    any_cue = _substring_regex(clause_cues)

    def test(ev: Evidence) -> bool:
        if ev.kind == "certification":
            return False
        if ev.kind == "title" and is_plural_title(ev.text):
            return True  # "Project Managers", "Heads of PMO": the people around the role, not its title
        if low is None:  # the plain way, for a text whose offsets lower-casing moves
            before, left = clause(text, ev.start, ev.end)
            before = before[:ev.start - left]
        else:  # the clause's text before the finding, cut from the document's lower-cased text
            left = clause_start(text, ev.start)
            before = low[left:ev.start]
        if has_cue(before[-14:], near_cues):
            return True
        if not any_cue.search(before):
            return False  # no cue anywhere before it: the loop below would find none (one pass, not one per cue)
        # The cue must govern the finding itself: a few words before it, with no break or verb
        # phrase between ("report to the Head of PMO", not "report to X, providing project planning").
        for cue in clause_cues:
            at = before.rfind(cue)
            if at >= 0 and has_cue(before[at:], (cue,)):
                gap = before[at + len(cue):]
                if len(gap.split()) <= 6 and not SETTING_BREAK.search(gap):
                    return True
        return False

    return test


_Trie = dict[str, "_Trie"]  # a character -> the trie of what follows it ("" -> {}: a string ends here)


@lru_cache(maxsize=16)
def _substring_regex(cues: tuple[str, ...]) -> re.Pattern[str]:
    """Any of the cues as a plain substring (what str.find looks for). Written as a trie ("report
    (?:ing (?:into|to)|s (?:into|to)|...)"): at each place re tries the few cues that begin with
    its letter, one letter at a time, instead of all fifty in turn."""
    if not cues:
        return re.compile(r"(?!x)x")
    trie: _Trie = {}
    for cue in cues:
        node = trie
        for char in cue:
            node = node.setdefault(char, {})
        node[""] = {}  # a cue ends here
    return re.compile(_trie_pattern(trie))


def _trie_pattern(node: _Trie) -> str:
    """The pattern of the strings below a trie node (its "" key: one ends there)."""
    branches = [re.escape(char) + _trie_pattern(child) for char, child in sorted(node.items()) if char]
    if not branches:
        return ""
    if "" in node:
        return "(?:" + "|".join(branches) + ")?"
    return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"


def _headline_weight(headline: Evidence, evidence: tuple[Evidence, ...], text: str, lexicon: Lexicon,
                     recency: Callable[..., float] | None) -> float:
    """What the role's own title (an advert's first line, a CV's latest job) adds for the family
    (positive) or against it (negative): a PMO title that names project work and no other field
    counts for; a look-alike title of the current job counts against."""
    s = lexicon.scoring
    head = lexicon.terms[headline.term_id]
    if head.family == "pmo":
        if head.pmo and _projects_named(headline.text, lexicon) and not _qualified(headline, evidence, text, lexicon):
            return s.headline_family_bonus
        return 0.0
    current = recency is None or recency(headline.start, either_side=True) >= 0.99
    if current and s.family_against[head.family] > 0:
        return -s.headline_against_bonus
    return 0.0


def _qualified(headline: Evidence, evidence: Iterable[Evidence], text: str, lexicon: Lexicon) -> bool:
    """Whether another field's work stands on the title's own line ("Project Coordinator - Live
    Events"): then the title is that field's, and says nothing of a project office."""
    line_start = text.rfind("\n", 0, headline.start) + 1
    line_end = text.find("\n", headline.end)
    line_end = len(text) if line_end < 0 else line_end
    return any(line_start <= e.start < line_end and lexicon.terms[e.term_id].family == "other" for e in evidence)


def _project_words(text: str, lexicon: Lexicon, upto: int) -> int:
    """How many times the text names project work (context.project_title_words), counted up to
    `upto`: the search stops there, not at the text's end."""
    low = lowered(text)
    found = _any_word_regex(lexicon.context.project_title_words).finditer(text.lower() if low is None else low)
    return sum(1 for _ in islice(found, upto))


@lru_cache(maxsize=16)
def _any_word_regex(words: tuple[str, ...]) -> re.Pattern[str]:
    """One pass for all the words (each on word boundaries), longest first."""
    if not words:
        return re.compile(r"(?!x)x")
    return re.compile(r"(?<![a-z0-9])(?:" + "|".join(re.escape(w.lower()) for w in sorted(words, key=len, reverse=True)) + r")(?![a-z0-9])")


def _projects_named(title: str, lexicon: Lexicon) -> bool:
    """Whether a title names project work itself ("Project Support Officer", "PMO Lead"); a bare
    "programme" or "portfolio" is as often a clinical, training or research one."""
    words = lexicon.context.project_title_words
    from .matching.context import has_cue

    return not words or has_cue(title.lower(), words)


def _setting_family(setting_only: Mapping[str, list[Evidence]], own: Mapping[str, list[Evidence]], lexicon: Lexicon,
                    family_parts: list[tuple[float, str]]) -> float:
    """A PMO team or title named as the setting says the document is PMO-family (a little), never
    which level: it adds family evidence at scoring.setting_family_factor and no level points."""
    factor = lexicon.scoring.setting_family_factor
    gain = 0.0
    for term_id, mentions in setting_only.items():
        term = lexicon.terms[term_id]
        if term_id in own or term.family != "pmo" or not term.pmo:
            continue
        g = term.pmo * factor * (max(w for _, w in term.levels) if term.levels else 1.0)
        gain += g
        family_parts.append((g, f"{term.label} ('{on_one_line(mentions[0].text)}', the setting)"))
    return gain


def _years_fit(years: float, lexicon: Lexicon) -> dict[int, float]:
    fits = {}
    span = lexicon.scoring.years_fit_span
    for lvl in lexicon.levels:
        if lvl.rank == 0 or lvl.typical_years is None:
            continue
        lo, hi = lvl.typical_years
        fits[lvl.rank] = 1.0 if lo <= years <= hi else max(0.0, 1.0 - min(abs(years - lo), abs(years - hi)) / span)
    return fits


def _spread(fits: Mapping[int, float], weight: float) -> dict[int, float]:
    total = sum(fits.values())
    return {r: weight * f / total for r, f in fits.items()} if total else {}


def score_levels(evidence: Iterable[Evidence], lexicon: Lexicon, *, text: str, pay: Pay | None = None,
                 years: float | None = None, headline: Evidence | None = None,
                 recency: Callable[..., float] | None = None, kind: str = "cv") -> Verdict:
    """The verdict for one document; see the module docstring for the rules. `recency(offset)`
    weighs a finding by how recent its job is (experience.recency); the latest mention counts."""
    evidence = tuple(evidence)
    s = lexicon.scoring
    kind_factor, against_w = s.kind_factor, s.family_against
    by_term: dict[str, list[Evidence]] = defaultdict(list)
    setting_only: dict[str, list[Evidence]] = defaultdict(list)
    is_setting = _setting_test(text, lexicon)
    assisted = _assisting_test(text, lexicon)
    for ev in evidence:
        if ev.status in COUNTED:
            (setting_only if is_setting(ev) else by_term)[ev.term_id].append(ev)
    points: dict[int, float] = defaultdict(float)
    contributions: dict[str, dict[int, float]] = {}
    floor = 0  # the level a deciding duty of one of the two latest jobs places the document at, at least
    recent = s.recency_weights[min(1, len(s.recency_weights) - 1)]  # the weight of the next-latest job
    family = against = work = 0.0  # work: the family evidence from the role's own duties, not titles
    # Families whose work (not just a title) shows: a look-alike title without its track's duties
    # is a weaker prior ("Project Manager" who only coordinates is not on the delivery track).
    track_work = {lexicon.terms[t].family for t in by_term if lexicon.terms[t].kind != "title"}
    family_parts: list[tuple[float, str]] = []
    # Project work named in the text itself (not only "programme"), a few times over.
    # Counted only as far as a rule asks (most CVs say "project" in their first lines).
    project_words = _project_words(text, lexicon, max(s.project_words_needed, s.family_min_project_words))
    projects_in_text = project_words >= s.project_words_needed
    for term_id, mentions in by_term.items():
        term = lexicon.terms[term_id]
        factor = kind_factor[term.kind] * _multiplier(mentions, term, s)
        if recency is not None:
            factor *= max(recency(m.start, either_side=term.kind == "title") for m in mentions)
        if term.kind == "title":
            pos = max(title_position_factor(text, m, s) for m in mentions)
            if headline is not None and any(m.start == headline.start for m in mentions):
                pos *= s.headline_title_factor
            factor *= pos
        if term.family != "pmo":
            if term.kind == "title" and term.family not in track_work:
                factor *= s.unsupported_title_factor
            against += against_w[term.family] * factor
            family_parts.append((-against_w[term.family] * factor, f"{term.label} ('{on_one_line(mentions[0].text)}')"))
            continue
        if term.pmo:
            gain = term.pmo * factor * (max(w for _, w in term.levels) if term.levels else 1.0)
            if term.kind == "title" and not projects_in_text and not any(_projects_named(m.text, lexicon) for m in mentions):
                gain *= s.unnamed_title_family_factor  # a bare "Programme Administrator"
            family += gain
            if term.kind != "title":
                work += gain
            family_parts.append((gain, f"{term.label} ('{on_one_line(mentions[0].text)}')"))
        if term.decides and (recency is None or max(recency(m.start) for m in mentions) >= recent - 1e-9):
            floor = max(floor, term.top_level)  # work only that level does ("set up the PMO")
        levels = _supporting_role(term, mentions, assisted, lexicon) if term.kind == "duty" else term.levels
        contributions[term_id] = {rank: factor * w for rank, w in levels}
        for rank, w in levels:
            points[rank] += factor * w
    family += _setting_family(setting_only, by_term, lexicon, family_parts)
    if headline is not None and headline.term_id in by_term:
        weight = _headline_weight(headline, evidence, text, lexicon, recency)
        if weight:
            family, against = family + max(weight, 0.0), against + max(-weight, 0.0)
            family_parts.append((weight, f"the role's own title is '{on_one_line(headline.text)}'"))
    if pay is not None:
        contributions["pay"] = _spread(level_fit(pay, lexicon.pay), kind_factor["pay"])
    if years is not None:
        contributions["years"] = _spread(_years_fit(years, lexicon), kind_factor["years"])
    for key in ("pay", "years"):
        for rank, v in contributions.get(key, {}).items():
            points[rank] += v
    quotes = {t: f"'{on_one_line(m[0].text)}'" + (f" in {m[0].section}" if m[0].section else "") for t, m in by_term.items()}
    if pay is not None:
        quotes["pay"] = f"'{pay.text}'"
    if years is not None:
        quotes["years"] = f"{years:g} years"
    # A lexicon with no project words (another job family's) has nothing to ask the text for.
    names_projects = not lexicon.context.project_title_words or project_words >= s.family_min_project_words
    return _decide(lexicon, dict(points), contributions, family, against, family_parts, quotes, kind == "advert", work, floor,
                   names_projects)


def _decide(lexicon: Lexicon, points: dict[int, float], contributions: dict[str, dict[int, float]], family: float,
            against: float, family_parts: list[tuple[float, str]], quotes: Mapping[str, str], is_advert: bool,
            family_work: float, floor: int, names_projects: bool) -> Verdict:
    s = lexicon.scoring
    ranks = lexicon.ranks
    total = sum(points.get(r, 0.0) for r in ranks) or 1.0
    by_evidence = family >= s.family_min_points - 1e-9 and family >= s.family_margin * against and family_work >= s.family_min_work
    is_family = by_evidence and names_projects
    best = max(ranks, key=lambda r: points.get(r, 0.0))
    chosen = 0
    if is_family:
        # The highest level that holds most of the best level's points; a jump of two or more
        # levels above the best needs nearly all of them.
        near, far = s.dominance, s.dominance_far
        top = points.get(best, 0.0)
        # Climbing above the best level takes that level's own work: its duties, not the spread of
        # a title's prior or a pay band that straddles two levels.
        work = _work_points(lexicon, contributions)
        chosen = max((r for r in ranks if r >= best and points.get(r, 0.0) >= max(s.min_level_points,
                                                                                 (near if r - best <= 1 else far) * top)
                      and (r == best or work.get(r, 0.0) >= s.climb_work_share * max(work.get(best, 0.0), 1e-9))),
                     default=best)
        chosen = max(chosen, floor)
    family_share = family / (family + against + s.family_min_points)
    scores = [LevelScore(0, lexicon.level(0).id, lexicon.level(0).label, round(0.0 if is_family else 1.0 - family_share, 3), 0.0)]
    for r in ranks:
        reasons = _reasons_for(lexicon, contributions, r, quotes)
        scores.append(LevelScore(r, lexicon.level(r).id, lexicon.level(r).label, round(points.get(r, 0.0) / total, 3),
                                 round(points.get(r, 0.0), 3), reasons))
    call = _call(points, chosen, best, family, against, is_family, s, is_advert)
    cal = lexicon.calibration
    confidence = calibration.confidence(call, cal)
    alt = calibration.alternative(call, confidence, cal)
    family_parts.sort(key=lambda p: -abs(p[0]))
    # The reason that decided: the text's silence on projects only when the evidence alone would pass.
    why_not = "title_only" if family_work < s.family_min_work else "no_projects" if by_evidence and not is_family else ""
    reasons = (_family_reason(family, against, is_family, family_parts, why_not),) + (scores[chosen].reasons if chosen else ())
    return Verdict(chosen, confidence, tuple(scores), round(family, 3), round(against, 3), reasons, contributions, alt, call)


def _work_points(lexicon: Lexicon, contributions: Mapping[str, Mapping[int, float]]) -> dict[int, float]:
    """Points per level from duties alone."""
    out: dict[int, float] = defaultdict(float)
    for key, per in contributions.items():
        if key in lexicon.terms and lexicon.terms[key].kind == "duty":
            for r, v in per.items():
                out[r] += v
    return out


def _call(points: Mapping[int, float], chosen: int, best: int, family: float, against: float, is_family: bool,
          s: ScoringSettings, is_advert: bool) -> calibration.Call:
    """The margins of the decision: how safely the family call and the level call were made."""
    threshold, margin = s.family_min_points, s.family_margin
    to_threshold = math.log((family + 0.1) / threshold)
    to_against = math.log((family + 0.1) / (margin * against + 0.1))
    family_margin = min(to_threshold, to_against)
    if not is_family:
        family_margin = -family_margin if family_margin < 0 else 0.0
        rival = best if points.get(best, 0.0) > 0 else 0
        return calibration.Call(0, rival, round(family_margin, 4), 1.0, round(math.log1p(family), 4), is_advert)
    mine = points.get(chosen, 0.0)
    others = [r for r in points if r != chosen]
    level_rival = max(others, key=lambda r: points.get(r, 0.0), default=chosen)
    rival_pts = points.get(level_rival, 0.0)
    level_margin = (mine - rival_pts) / (mine + rival_pts + 1e-9)
    # The nearer of the two ways to be wrong: a family call that barely passed, or a close level.
    rival = 0 if family_margin < s.family_close and family_margin < level_margin else level_rival
    return calibration.Call(chosen, rival, round(family_margin, 4), round(level_margin, 4), round(math.log1p(family), 4), is_advert)


def _family_reason(family: float, against: float, is_family: bool, parts: list[tuple[float, str]], why_not: str) -> str:
    """The family call in plain words, naming the strongest evidence each way."""
    pro = [label for v, label in parts if v > 0][:3]
    con = [label for v, label in parts if v < 0][:2]
    if is_family:
        head = "PMO-family document: " + ("; ".join(pro) if pro else "PMO work found")
        return head + (f" (outweighs {'; '.join(con)})" if con else "")
    if not pro:
        return "Not a PMO-family document: no project-office work or PMO title found" + (f"; it reads as {'; '.join(con)}" if con else "")
    if why_not == "no_projects":
        weak = "it never names a project, a PMO or programme management"
    elif why_not == "title_only":
        weak = "a PMO title but none of the project-office work it names"
    else:
        weak = "too little project-office work" if family < against or not con else "the other profession's work weighs more"
    return f"Not a PMO-family document: {weak} (found {'; '.join(pro)}" + (f"; against it {'; '.join(con)})" if con else ")")


KIND_WORDS = {"duty": "duty", "title": "job title", "certification": "certification", "skill": "skill", "tool": "tool",
              "experience": "experience"}


def _reasons_for(lexicon: Lexicon, contributions: Mapping[str, Mapping[int, float]], rank: int,
                 quotes: Mapping[str, str]) -> tuple[str, ...]:
    """What supports level `rank`, strongest first, in words a person can check against the text
    (the weights themselves are in the JSON's level_scores)."""
    parts = [(v.get(rank, 0.0), key) for key, v in contributions.items() if v.get(rank, 0.0) > 0]
    parts.sort(key=lambda p: -p[0])
    out = []
    for _, key in parts[:10]:
        quote = quotes.get(key, "")
        if key == "pay":
            out.append(f"level {rank}: the pay {quote} is in or near this level's band")
        elif key == "years":
            out.append(f"level {rank}: {quote} of experience is typical of this level")
        else:
            term = lexicon.terms[key]
            out.append(f"level {rank} {KIND_WORDS.get(term.kind, term.kind)}: {term.label}" + (f", seen as {quote}" if quote else ""))
    return tuple(out)
