"""The HTML batch report: self-contained and escaped (plain checks), and usable in a real browser
(headless Debian Chromium through Playwright; skipped when either is missing)."""
from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from cv_matcher.cli import cli

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = "<script>alert(1)</script>"
XSS_NAME = "cv99_xss<img src=x onerror=alert(3)>.txt"  # a hostile file name too (no slash allowed)
XSS_CV = f"""Jane Doe {SCRIPT}
PMO Analyst

Experience
PMO Analyst, Acme Ltd, 2019 - 2025
- Maintained the RAID log {SCRIPT} for the programme board
- Produced weekly highlight reports and dashboards in Power BI <img src=x onerror=alert(2)>
- Ran change control and supported the steering committee

Certifications
PRINCE2 Practitioner
"""


class Tags(HTMLParser):
    """Every start tag with its attribute names: what a browser would build, not what text mentions."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[tuple[str, list[str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.seen.append((tag, [name for name, _ in attrs]))


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    """The HTML report of every sample CV plus a hostile one: (path, number of documents)."""
    tmp = tmp_path_factory.mktemp("html")
    folder = tmp / "cvs"
    shutil.copytree(ROOT / "sample_cvs", folder)
    (folder / XSS_NAME).write_text(XSS_CV, encoding="utf-8")
    old = os.getcwd()
    os.chdir(tmp)
    try:
        res = CliRunner().invoke(cli, ["batch", "cvs", "--workers", "1", "--out", "report.html"], catch_exceptions=False)
    finally:
        os.chdir(old)
    assert res.exit_code == 0, res.output
    return tmp / "report.html", len([p for p in folder.iterdir() if p.suffix in (".txt", ".pdf", ".docx")])


def test_report_is_self_contained_and_escaped(report: tuple[Path, int]) -> None:
    html = report[0].read_text(encoding="utf-8")
    tags = Tags()
    tags.feed(html)
    assert [t for t, attrs in tags.seen if {"src", "href", "action", "srcset"} & set(attrs)] == []  # no external assets
    assert [t for t, _ in tags.seen if t in ("img", "link", "iframe", "object", "embed")] == []
    assert [t for t, _ in tags.seen].count("script") == 1  # our inline script only: theirs is text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "http://" not in html and "https://" not in html
    assert "Content-Security-Policy" in html


@pytest.fixture()
def page(browser: Any, report: tuple[Path, int]) -> Iterator[Any]:
    page = browser.new_page(viewport={"width": 1300, "height": 900})
    page.dialogs = []  # every alert() that fires lands here; there must be none
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    page.goto(report[0].as_uri())
    yield page
    page.close()


def _column(page: Any, cls: str) -> list[str]:
    return page.eval_on_selector_all(f"table#docs tr.doc-row td.{cls}", "cells => cells.map(c => c.dataset.value ?? c.textContent)")


@pytest.mark.browser
def test_table_sorts_and_filters(page: Any, report: tuple[Path, int]) -> None:
    rows = page.locator("table#docs tbody tr.doc-row")
    assert rows.count() == report[1]
    ranked = _column(page, "file")  # as written: by level, then confidence
    page.click("th[data-sort=confidence]")
    first = [float(v) for v in _column(page, "confidence")]
    assert first == sorted(first, reverse=True) and page.get_attribute("th[data-sort=confidence]", "aria-sort") == "descending"
    page.click("th[data-sort=confidence]")
    assert [float(v) for v in _column(page, "confidence")] == sorted(first)
    page.click("th[data-sort=file]")
    names = _column(page, "file")
    assert names == sorted(names, key=str.lower) and names != ranked and sorted(names) == sorted(ranked)
    page.fill("#filter", "cv09")
    assert page.locator("tr.doc-row:visible").count() == 1
    page.fill("#filter", "")
    page.select_option("#level-filter", "3")
    visible = page.locator("tr.doc-row:visible")
    assert visible.count() >= 1 and {visible.nth(i).get_attribute("data-level") for i in range(visible.count())} == {"3"}


@pytest.mark.browser
def test_detail_panel_shows_highlighted_evidence(page: Any, tmp_path: Path) -> None:
    row = page.locator("tr.doc-row", has_text="cv09_pmo_analyst_two_column.pdf")
    detail = page.locator(f"#{row.get_attribute('data-detail')}")
    assert not detail.locator("mark.evidence").first.is_visible()
    row.click()
    assert detail.get_attribute("open") is not None
    marks = detail.locator("mark.evidence")
    assert marks.count() > 3 and marks.first.is_visible() and marks.first.inner_text().strip()
    assert "PRINCE2 Practitioner" in detail.locator("ul.certs").inner_text()
    assert detail.locator("li.gap").count() > 0  # the gap report with suggestions
    shot = tmp_path / "report.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.exists() and shot.stat().st_size > 20_000 and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.browser
def test_hostile_cv_shows_as_text(page: Any) -> None:
    row = page.locator("tr.doc-row", has_text="cv99_xss")
    assert row.count() == 1 and "<img src=x onerror=alert(3)>" in row.inner_text()
    row.click()
    detail = page.locator(f"#{row.get_attribute('data-detail')}")
    assert SCRIPT in detail.inner_text()
    assert page.evaluate("document.querySelectorAll('script').length") == 1
    assert page.evaluate("document.querySelectorAll('img').length") == 0
    page.wait_for_timeout(200)
    assert page.dialogs == []
