"""The design card's layout: the top-level lexicon/ is the one copy of the vocabulary, shipped in
the wheel and found with importlib.resources, and the lexicon in use supplies everything,
section headings included."""
from __future__ import annotations

import shutil
import sys
import sysconfig
from importlib import resources
from pathlib import Path

import pytest

from cv_matcher import api
from cv_matcher.lexicon import default_lexicon_path, load_lexicon
from cv_matcher.shipped import LEXICON_PACKAGE

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]


def _installed_lexicon_files() -> dict[str, bytes]:
    """The lexicon files a (non-editable) install put in this environment's site-packages, by name."""
    folder = Path(sysconfig.get_paths()["purelib"]).joinpath(*LEXICON_PACKAGE.split("."))
    return {p.name: p.read_bytes() for p in folder.glob("*.toml")}


def test_shipped_lexicon_is_found_through_importlib_resources() -> None:
    try:
        found = Path(str(resources.files(LEXICON_PACKAGE)))
    except ModuleNotFoundError:
        # `python -m pytest` in a checkout after `pip install .` imports the checkout's source
        # (the current folder comes first on sys.path), where the mapping does not exist: then
        # the installed wheel must hold the same lexicon, and the source finds lexicon/ beside it.
        import cv_matcher

        if Path(cv_matcher.__file__).resolve().parents[1] != ROOT:
            pytest.fail(f"{LEXICON_PACKAGE} is not importable: reinstall (pip install .) so the package-dir mapping applies")
        installed = _installed_lexicon_files()
        if installed:
            assert installed == {p.name: p.read_bytes() for p in (ROOT / "lexicon").glob("*.toml")}
        assert default_lexicon_path().resolve() == (ROOT / "lexicon").resolve()
        return
    assert found.resolve() == default_lexicon_path().resolve()
    assert (found / "ladder.toml").is_file() and (found / "sections.toml").is_file()


def test_lexicon_folder_is_the_one_copy() -> None:
    """No TOML inside the package's source: the loader reads the top-level lexicon/ (in a
    checkout, or its copy in the installed wheel: the same files)."""
    assert sorted(p.name for p in (ROOT / "cv_matcher").rglob("*.toml")) == [], "vocabulary belongs in lexicon/ only"
    here = {p.name: p.read_bytes() for p in (ROOT / "lexicon").glob("*.toml")}
    assert len(here) >= 9
    assert {p.name: p.read_bytes() for p in default_lexicon_path().glob("*.toml")} == here


def test_every_package_folder_is_in_the_wheel() -> None:
    """pyproject lists the packages (it maps lexicon/ into them): a new package folder must be listed."""
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"])
    folders = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "cv_matcher").rglob("__init__.py")}
    assert folders - listed == set()
    assert LEXICON_PACKAGE in listed


CV = b"""Jane Smith
PMO Analyst
Badges Earned
PRINCE2 Practitioner
"""


def test_a_custom_lexicon_splits_documents_on_its_own_headings(tmp_path: Path) -> None:
    folder = tmp_path / "lexicon"
    shutil.copytree(default_lexicon_path(), folder, ignore=shutil.ignore_patterns("*.py", "*.md"))
    sections = folder / "sections.toml"
    text = sections.read_text(encoding="utf-8")
    assert 'headings = ["certifications",' in text
    sections.write_text(text.replace('headings = ["certifications",', 'headings = ["badges earned", "certifications",'), encoding="utf-8")
    custom = load_lexicon(folder)
    assert "badges earned" in custom.headings["certifications"]

    def cert_sections(lexicon: object) -> list[str | None]:
        report = api.score_cv("cv.txt", data=CV, lexicon=lexicon)  # type: ignore[arg-type]
        return [ev["section"] for c in report["certifications"] for ev in c["evidence"]]

    assert cert_sections(None) != ["certifications"]  # the shipped headings do not know this one
    assert cert_sections(custom) == ["certifications"]
