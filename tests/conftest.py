"""Shared fixtures. Costly or external things only; small documents are built inside each test."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# ../shared beside the checkout: real documents by others (never copied into the project).
SHARED = Path(__file__).resolve().parents[2] / "shared"
CORPUS = SHARED / "corpus"


def corpus_files(folder: str, pattern: str = "*") -> list[Path]:
    """Files of a corpus folder for parametrize; empty when ../shared is absent."""
    where = CORPUS / folder
    return sorted(p for p in where.glob(pattern) if p.is_file()) if where.is_dir() else []


@pytest.fixture(scope="session")
def corpus() -> Path:
    """The shared corpus folder, or skip the test when this checkout has no ../shared."""
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is absent")
    return CORPUS


ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def samples_cvs() -> Path:
    return ROOT / "sample_cvs"


@pytest.fixture(scope="session")
def samples_ads() -> Path:
    return ROOT / "sample_ads"


# Debian's Chromium, started as this machine allows (no sandbox as root; no background connections,
# which the closed network refuses).
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Chromium through Playwright, or skip when either is missing."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is missing (apt-get install chromium)")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", default=False,
                     help="Rewrite tests/golden/ from what the code gives now (then review the diff and explain it).")


@pytest.fixture(scope="session")
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))
