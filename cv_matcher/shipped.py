"""Where the shipped vocabulary is: the top-level `lexicon/` folder of the checkout, the one copy,
installed inside the wheel as the package `cv_matcher.lexicon_data` (pyproject's package-dir
mapping) and found with importlib.resources, so `pip install .`, `pip install -e .` and a run
from another folder all find it."""
from __future__ import annotations

from importlib import resources
from pathlib import Path

LEXICON_PACKAGE = "cv_matcher.lexicon_data"


def lexicon_dir() -> Path:
    """The shipped lexicon folder."""
    try:
        return Path(str(resources.files(LEXICON_PACKAGE)))
    except ModuleNotFoundError:
        # A checkout on sys.path without an install (or an editable install made before the
        # mapping existed): the same folder, beside the package.
        return Path(__file__).resolve().parents[1] / "lexicon"
