"""Typed lexicon settings: defaults live once in the shipped data, problems are listed at load time,
a custom lexicon borrows numbers (never word lists or pay bands) from the shipped one."""
from __future__ import annotations

import dataclasses
import re
import shutil
from pathlib import Path

import pytest

from cv_matcher.errors import LexiconError
from cv_matcher.lexicon import cached_lexicon, default_lexicon_path, load_lexicon
from cv_matcher.settings import FEATURES, ScoringSettings, parse_settings
from cv_matcher.status import CertStatus


def _copy(tmp_path: Path) -> Path:
    folder = tmp_path / "lex"
    shutil.copytree(default_lexicon_path(), folder, ignore=shutil.ignore_patterns("*.md"))
    return folder


def _edit(folder: Path, pattern: str, new: str) -> None:
    path = folder / "ladder.toml"
    text = path.read_text(encoding="utf-8")
    changed = re.sub(pattern, new, text, count=1, flags=re.M)
    assert changed != text, pattern
    path.write_text(changed, encoding="utf-8")


def test_every_scoring_field_is_set_by_the_shipped_data() -> None:
    raw = (default_lexicon_path() / "ladder.toml").read_text(encoding="utf-8")
    for field in dataclasses.fields(ScoringSettings):
        assert re.search(rf"^{field.name} = ", raw, re.M), f"ladder.toml [scoring] lacks {field.name}"
    lex = cached_lexicon()
    assert lex.scoring.family_min_points == 2.2  # the data's value (the code's old fallback said 2.0)
    assert set(lex.calibration.weights) == set(FEATURES)
    assert lex.context.cv_status.keys() == {CertStatus.STUDYING, CertStatus.PLANNED}


def test_settings_are_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        cached_lexicon().scoring.dominance = 0.5  # type: ignore[misc]


def test_a_missing_setting_in_the_shipped_shape_is_a_problem() -> None:
    problems: list[str] = []
    parse_settings({"scoring": {"dominance": 2}}, {}, term_kinds=("duty",), families=("pmo", "pm"), where="ladder.toml",
                   problems=problems)
    text = "\n".join(problems)
    assert "ladder.toml: scoring.dominance: must be in [0, 1], not 2" in text
    assert "ladder.toml: scoring.repeat_cap: missing (a number)" in text
    assert "ladder.toml: scoring.kind_factor: needs a value for 'duty'" in text
    assert "ladder.toml: scoring.family_against: needs a value for 'pm'" in text
    assert "context.toml: context.window_chars: missing" in text


@pytest.mark.parametrize("pattern, new, expected", [
    (r"^dominance = [0-9.]+", "dominance = 1.5", "scoring.dominance: must be in [0, 1], not 1.5"),
    (r"^repeat_cap = [0-9.]+", "repeat_cap = -1", "scoring.repeat_cap: must be at least 0, not -1"),
    (r'^generic = \["prince2"', 'generic = ["prince9"', "certifications.generic names unknown term 'prince9'"),
    (r"^\[pay.bands.4\]", "[pay.bands.7]", "pay.bands.7 is for a level not defined"),
    (r"^weights = \{ ", "weights = { bogus = 1.0, ", "calibration.weights.bogus: not a margin feature"),
])
def test_impossible_values_are_named_when_loading(tmp_path: Path, pattern: str, new: str, expected: str) -> None:
    folder = _copy(tmp_path)
    _edit(folder, pattern, new)
    with pytest.raises(LexiconError) as info:
        load_lexicon(folder)  # no trial run: cv_matcher.lexicon.load_lexicon takes none unless given one
    assert any(expected in p for p in info.value.problems), info.value.problems


def test_a_custom_lexicon_borrows_numbers_but_not_words_or_bands(tmp_path: Path) -> None:
    folder = tmp_path / "tiny"
    folder.mkdir()
    (folder / "ladder.toml").write_text(
        'name = "Tiny"\nversion = "1"\n[[level]]\nrank = 0\nid = "none"\nlabel = "None"\n'
        '[[level]]\nrank = 1\nid = "one"\nlabel = "One"\n[scoring]\nkind_factor = { duty = 0.9 }\ndominance = 0.5\n',
        encoding="utf-8")
    (folder / "terms.toml").write_text(
        '[[term]]\nid = "prep"\nlabel = "Prep"\nkind = "duty"\naliases = ["food prep"]\nlevels = { 1 = 1.0 }\npmo = true\n',
        encoding="utf-8")
    lex = load_lexicon(folder)  # no trial run: cv_matcher.lexicon.load_lexicon takes none unless given one
    shipped = cached_lexicon()
    assert lex.scoring.dominance == 0.5 and lex.scoring.kind_factor["duty"] == 0.9
    assert lex.scoring.kind_factor["title"] == shipped.scoring.kind_factor["title"]
    assert lex.scoring.repeat_cap == shipped.scoring.repeat_cap
    assert lex.calibration == shipped.calibration
    assert lex.pay.bands == {} and lex.pay.grades == {} and lex.pay.not_pay_cues == ()
    assert lex.context.setting == () and not any(lex.context.cv_status.values()) and lex.certification_groups.generic == ()
