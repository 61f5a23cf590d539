"""The lexicon loads, validates every problem at once, and another ladder works from data alone."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cv_matcher.api import analyse
from cv_matcher.errors import LexiconError
from cv_matcher.lexicon import default_lexicon_path, load_lexicon
from helpers import doc_of


def test_shipped_lexicon_is_valid_and_complete() -> None:
    lex = load_lexicon()
    assert [lvl.rank for lvl in lex.levels] == [0, 1, 2, 3, 4]
    kinds = {t.kind for t in lex.terms.values()}
    assert kinds == {"duty", "skill", "tool", "title", "certification", "experience"}
    assert all(t.provenance for t in lex.terms.values()), "every term says where it comes from"


def test_article_terms_are_recorded_under_their_real_names() -> None:
    lex = load_lexicon()
    assert "central point of contact" in [a.lower() for a in lex.terms["point-of-contact"].aliases]
    assert "product deliverable tracker" in [a.lower() for a in lex.terms["deliverable-tracking"].aliases]
    assert "APM Introductory Certificate" in lex.terms["apm-pfq"].aliases


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "lex"
    shutil.copytree(default_lexicon_path(), target)
    return target


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    lex_dir = _copy(tmp_path)
    (lex_dir / "broken.toml").write_text(
        '[[term]]\nid = "Bad Id"\nlabel = "x"\nkind = "duty"\naliases = ["x"]\n\n'
        '[[term]]\nid = "no-kind"\nlabel = "y"\nkind = "gadget"\naliases = ["y"]\nlevels = { 7 = 1.0 }\n\n'
        '[[term]]\nid = "minute-taking"\nlabel = "dup"\nkind = "duty"\naliases = []\nprerequisite = "nowhere"\nwhatever = 1\n',
        encoding="utf-8")
    with pytest.raises(LexiconError) as info:
        load_lexicon(lex_dir)
    problems = "\n".join(info.value.problems)
    for expected in ["'Bad Id' must be kebab-case", "kind 'gadget'", "level 7 is not defined", "duplicate term id 'minute-taking'",
                     "needs at least one alias", "unknown term 'nowhere'", "unknown field 'whatever'"]:
        assert expected in problems
    assert "\n" not in str(info.value)


def test_invalid_toml_names_the_file(tmp_path: Path) -> None:
    lex_dir = _copy(tmp_path)
    (lex_dir / "titles.toml").write_text("[[term]\nid = ", encoding="utf-8")
    with pytest.raises(LexiconError, match="titles.toml: invalid TOML"):
        load_lexicon(lex_dir)


def test_another_ladder_from_data_alone(tmp_path: Path) -> None:
    """A two-level ladder for a different job family, with no code change."""
    lex_dir = tmp_path / "chefs"
    lex_dir.mkdir()
    (lex_dir / "ladder.toml").write_text(
        'name = "Kitchen"\nversion = "1"\n[[level]]\nrank = 0\nid = "none"\nlabel = "Not kitchen"\n'
        '[[level]]\nrank = 1\nid = "commis"\nlabel = "Commis chef"\n[[level]]\nrank = 2\nid = "head-chef"\nlabel = "Head chef"\n'
        '[scoring]\nkind_factor = { duty = 1.0 }\nfamily_min_points = 1.0\n', encoding="utf-8")
    (lex_dir / "terms.toml").write_text(
        '[[term]]\nid = "prep"\nlabel = "Food prep"\nkind = "duty"\naliases = ["chop vegetables", "food prep"]\nlevels = { 1 = 1.0 }\n'
        'pmo = true\nprovenance = "test"\n'
        '[[term]]\nid = "menu"\nlabel = "Menu design"\nkind = "duty"\naliases = ["design the menu", "menu design"]\nlevels = { 2 = 1.0 }\n'
        'pmo = true\nprovenance = "test"\n', encoding="utf-8")
    lex = load_lexicon(lex_dir)
    head = analyse(doc_of("Experience\nI design the menu and lead the brigade. Some food prep.\n"), lexicon=lex)
    commis = analyse(doc_of("Experience\nI chop vegetables and do food prep all day.\n"), lexicon=lex)
    assert (head.verdict.rank, commis.verdict.rank) == (2, 1)
