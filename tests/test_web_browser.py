"""The web app in a real browser: headless Debian Chromium through Playwright, against `cv-matcher
serve`'s app on uvicorn in a thread (loopback, a free port). Upload a CV -> level -> click a finding
-> gap report; a match; a small batch; screenshots at desktop and phone widths. Skipped cleanly
without Playwright, Chromium or the web extra.

Set CV_MATCHER_SCREENSHOTS=DIR to keep the screenshots (they go to a temporary folder otherwise)."""
from __future__ import annotations

import io
import os
import socket
import threading
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("starlette", reason="the web extra is not installed")
uvicorn = pytest.importorskip("uvicorn", reason="the web extra is not installed")


ROOT = Path(__file__).resolve().parents[1]
CV = ROOT / "sample_cvs" / "cv09_pmo_analyst_two_column.pdf"
AD = ROOT / "sample_ads" / "ad03_pmo_analyst_contract.txt"
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}

pytestmark = pytest.mark.browser


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from cv_matcher.web.app import WebConfig, create_app

    port = _free_port()
    db = tmp_path_factory.mktemp("webdb") / "results.sqlite"
    app = create_app(WebConfig(port=port, db=db))
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the web server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = os.environ.get("CV_MATCHER_SCREENSHOTS")
    path = Path(folder) if folder else tmp_path_factory.mktemp("shots")
    path.mkdir(parents=True, exist_ok=True)
    return path


def _page(browser: Any, viewport: dict[str, int]) -> Any:
    page = browser.new_page(viewport=viewport)
    page.problems = []  # CSP violations, script errors and alert()s land here; there must be none
    page.on("console", lambda m: page.problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: page.problems.append(str(e)))
    page.on("dialog", lambda d: (page.problems.append("dialog " + d.message), d.dismiss()))
    return page


def _shot(page: Any, shots: Path, name: str) -> None:
    path = shots / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and path.stat().st_size > 10_000


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_score_click_finding_and_gap_report(browser: Any, server: str, shots: Path, viewport: dict[str, int]) -> None:
    page = _page(browser, viewport)
    width = "desktop" if viewport is DESKTOP else "phone"
    page.goto(server + "/")
    _shot(page, shots, f"{width}-1-home")
    page.set_input_files("#score-form input[type=file]", str(CV))
    page.click("#score-form button[type=submit]")
    page.wait_for_selector("#verdict")
    assert page.inner_text("#level-label").strip() == "PMO / Project Support Analyst"
    assert "Confidence" in page.inner_text("#verdict")
    assert page.locator("#reasons li").count() > 0
    _shot(page, shots, f"{width}-2-score")
    # Click a finding (PRINCE2): the document scrolls to its highlight, which flashes.
    link = page.locator("#findings li.finding", has_text="PRINCE2").locator("a.jump").first
    mark_id = link.get_attribute("data-mark")
    link.click()
    mark = page.locator(f"mark#{mark_id}")
    page.wait_for_function("id => document.getElementById(id).classList.contains('flash')", arg=mark_id)
    assert "PRINCE2" in mark.inner_text()
    # A finding near the end of the text: the text box scrolls to it (the page too, on a phone).
    last = page.evaluate("Math.max(...[...document.querySelectorAll('a.jump')].map(a => +a.dataset.mark.slice(1)))")
    page.locator(f"a.jump[data-mark=m{last}]").first.click()
    page.wait_for_function("id => document.getElementById(id).classList.contains('flash')", arg=f"m{last}")
    box, view = page.locator(f"mark#m{last}").bounding_box(), page.viewport_size
    assert box is not None and 0 <= box["y"] <= view["height"]  # scrolled into view
    assert page.evaluate("document.getElementById('doc-text').scrollTop") > 0
    _shot(page, shots, f"{width}-3-finding")
    # The gap report: the next level up by default, any level on demand, with its exams.
    panel = page.locator(".gap-panel:not([hidden])")
    assert panel.count() == 1 and panel.get_attribute("data-target") == "4"
    assert panel.locator("ul.exams li").count() > 0 and "P3O" in panel.inner_text()
    page.select_option("#gap-target", "2")
    panel = page.locator(".gap-panel:not([hidden])")
    assert panel.get_attribute("data-target") == "2"
    panel.scroll_into_view_if_needed()
    _shot(page, shots, f"{width}-4-gaps")
    assert page.problems == []
    page.close()


def test_match_in_the_browser(browser: Any, server: str, shots: Path) -> None:
    page = _page(browser, DESKTOP)
    page.goto(server + "/match")
    page.set_input_files("input[name=cv]", str(CV))
    page.fill("textarea[name=advert_text]", AD.read_text(encoding="utf-8"))
    page.click("#match-form button[type=submit]")
    page.wait_for_selector("#fit")
    assert page.inner_text("#fit").endswith("%")
    rows = page.locator("table.match-table tbody tr.req")
    assert rows.count() > 3
    statuses = {rows.nth(i).get_attribute("class").split("status-")[1] for i in range(rows.count())}
    assert statuses <= {"met", "partly-met", "missing"} and len(statuses) >= 2
    _shot(page, shots, "desktop-5-match")
    phone = _page(browser, PHONE)
    phone.goto(server + "/match")
    phone.set_input_files("input[name=cv]", str(CV))
    phone.set_input_files("input[name=advert]", str(AD))
    phone.click("#match-form button[type=submit]")
    phone.wait_for_selector("#fit")
    _shot(phone, shots, "phone-5-match")
    assert page.problems == [] and phone.problems == []
    page.close()
    phone.close()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_classify_in_the_browser(browser: Any, server: str, shots: Path, viewport: dict[str, int]) -> None:
    page = _page(browser, viewport)
    page.goto(server + "/classify")
    page.set_input_files("#classify-form input[type=file]", str(AD))
    page.click("#classify-form button[type=submit]")
    page.wait_for_selector("#verdict")
    assert page.inner_text("#level-label").strip() == "PMO / Project Support Analyst"
    assert page.locator("#requirements tr.req").count() > 3 and "essential" in page.inner_text("#requirements")
    assert "325-375 GBP/day" in page.inner_text("#verdict")
    _shot(page, shots, f"{'desktop' if viewport is DESKTOP else 'phone'}-7-classify")
    assert page.problems == []
    page.close()


def test_small_batch_progress_table_and_downloads(browser: Any, server: str, shots: Path, tmp_path: Path) -> None:
    zipped = tmp_path / "cvs.zip"
    with zipfile.ZipFile(zipped, "w") as z:
        for name in ("cv01_project_administrator.txt", "cv11_senior_project_admin_rank3.txt"):
            z.write(ROOT / "sample_cvs" / name, f"folder/{name}")
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4 not really")
    page = _page(browser, DESKTOP)
    page.goto(server + "/batch")
    page.set_input_files("#batch-form input[type=file]", [str(CV), str(zipped), str(broken)])
    page.click("#batch-form button[type=submit]")
    page.wait_for_selector("table#docs", timeout=60_000)  # the progress page reloads into the report when done
    rows = page.locator("table#docs tbody tr.doc-row")
    assert rows.count() == 4
    assert page.locator("tr.doc-row.failed", has_text="broken.pdf").count() == 1
    row = page.locator("tr.doc-row", has_text="cv09_pmo_analyst_two_column.pdf")
    row.click()
    detail = page.locator(f"#{row.get_attribute('data-detail')}")
    assert detail.get_attribute("open") is not None and detail.locator("mark.evidence").count() > 0
    _shot(page, shots, "desktop-6-batch")
    with page.expect_download() as info:
        page.click("nav.webbar a:has-text('Download CSV')")
    csv_text = Path(info.value.path()).read_text(encoding="utf-8")
    assert "cv09_pmo_analyst_two_column.pdf" in csv_text and "broken.pdf" in csv_text
    page.goto(server + "/results")  # the store (--db) has them too
    assert page.locator("table#docs tbody tr.doc-row").count() >= 4
    assert page.problems == []
    page.close()


def test_progress_page_updates(browser: Any, server: str, shots: Path) -> None:
    """The progress bar of a running batch (many small files, so it is caught running)."""
    data = (ROOT / "sample_cvs" / "cv01_project_administrator.txt").read_bytes()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for i in range(40):
            z.writestr(f"cv{i:02d}.txt", data + f"\nref {i}\n".encode())
    path = Path(str(shots)) / "many.zip"
    path.write_bytes(buf.getvalue())
    page = _page(browser, PHONE)
    page.goto(server + "/batch")
    page.set_input_files("#batch-form input[type=file]", str(path))
    page.click("#batch-form button[type=submit]")
    page.wait_for_selector("#batch-progress, table#docs")
    if page.locator("#batch-progress").count():
        _shot(page, shots, "phone-6-batch-progress")
    page.wait_for_selector("table#docs", timeout=120_000)
    assert page.locator("table#docs tbody tr.doc-row").count() == 40
    path.unlink()
    assert page.problems == []
    page.close()
