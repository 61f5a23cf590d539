"""Installed as the package `cv_matcher.lexicon_data` (pyproject: package-dir), so the wheel ships this folder."""
