"""`cv-matcher serve`: the JSON API and the pages through Starlette's TestClient (no browser, no port).
Bad and oversized uploads, escaping, the security headers, host and origin checks, batches and the
results store. Skipped without the web extra."""
from __future__ import annotations

import io
import json
import re
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("starlette", reason="the web extra is not installed")
pytest.importorskip("multipart", reason="the web extra is not installed")
pytest.importorskip("httpx", reason="httpx is needed by Starlette's TestClient")

from click.testing import CliRunner  # noqa: E402
from starlette.testclient import TestClient  # noqa: E402

from cv_matcher.cli import cli  # noqa: E402
from cv_matcher.web.app import WebConfig, create_app  # noqa: E402
from cv_matcher.web.engine import Engine  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

ROOT = Path(__file__).resolve().parents[1]
CV = ROOT / "sample_cvs" / "cv09_pmo_analyst_two_column.pdf"
CV_TXT = ROOT / "sample_cvs" / "cv11_senior_project_admin_rank3.txt"
AD = ROOT / "sample_ads" / "ad03_pmo_analyst_contract.txt"
BASE = "http://127.0.0.1:8000"
XSS_CV = """Jane Doe <script>alert(1)</script>
PMO Analyst

Experience
PMO Analyst, Acme Ltd, 2019 - 2025
- Maintained the RAID log <script>alert(2)</script> for the programme board
- Produced weekly highlight reports <img src=x onerror=alert(3)> in Power BI
- Ran change control and supported the steering committee

Certifications
PRINCE2 Practitioner
"""


@pytest.fixture(scope="module")
def engine() -> Engine:
    eng = Engine()
    eng.warm_up()
    return eng


@pytest.fixture(scope="module")
def client(engine: Engine) -> Iterator[TestClient]:
    app = create_app(WebConfig(max_upload_mb=1), engine=engine, warm_up=False)
    with TestClient(app, base_url=BASE, raise_server_exceptions=False) as c:
        yield c


@pytest.fixture()
def db_client(engine: Engine, tmp_path: Path) -> Iterator[tuple[TestClient, Path]]:
    db = tmp_path / "store" / "results.sqlite"
    eng = Engine(db=db)
    app = create_app(WebConfig(db=db), engine=eng, warm_up=False)
    with TestClient(app, base_url=BASE, raise_server_exceptions=False) as c:
        yield c, db


def _one_line_error(resp: Any) -> str:
    body = resp.json()
    assert set(body) == {"error"} and "\n" not in body["error"] and "Traceback" not in body["error"]
    return str(body["error"])


# -- JSON API ------------------------------------------------------------------------------------

def test_health(client: TestClient) -> None:
    resp = client.get("/api/health")
    assert resp.status_code == 200
    body = resp.json()
    assert body["status"] == "ok" and body["lexicon"]["version"] and "pdf" in body["formats"] and body["max_upload_mb"] == 1


def test_api_score_is_the_report_object(client: TestClient) -> None:
    resp = client.post("/api/score", files={"file": (CV.name, CV.read_bytes(), "application/pdf")})
    assert resp.status_code == 200 and resp.headers["content-type"].startswith("application/json")
    rep = resp.json()
    assert rep["kind"] == "cv" and rep["level"]["rank"] == 3 and rep["source"] == CV.name
    assert rep["gaps"]["target"]["rank"] == 4 and rep["gaps"]["against"] == "next-level"
    from cv_matcher.api import score_cv

    direct = score_cv(CV)
    assert rep["level"] == direct["level"] and rep["certifications"] == direct["certifications"]  # same as the Python API


def test_api_score_target_level_and_pasted_text(client: TestClient) -> None:
    resp = client.post("/api/score", files={"file": (CV_TXT.name, CV_TXT.read_bytes())}, data={"target_level": "2"})
    assert resp.status_code == 200 and resp.json()["gaps"]["target"]["rank"] == 2
    resp = client.post("/api/score", data={"text": CV_TXT.read_text(encoding="utf-8")})
    assert resp.status_code == 200 and resp.json()["source"] == "pasted.txt"
    resp = client.post("/api/score", files={"file": (CV_TXT.name, CV_TXT.read_bytes())}, data={"target_level": "9"})
    assert resp.status_code == 422 and "target_level" in _one_line_error(resp)


def test_api_classify(client: TestClient) -> None:
    resp = client.post("/api/classify", files={"file": (AD.name, AD.read_bytes())})
    assert resp.status_code == 200
    rep = resp.json()
    assert rep["kind"] == "advert" and rep["level"]["rank"] == 3 and rep["pay"]["period"] == "day"
    assert {c["status"] for c in rep["certifications"]} <= {"essential", "desirable", "not-required"}


def test_api_match_files_or_text(client: TestClient) -> None:
    resp = client.post("/api/match", files={"cv": (CV.name, CV.read_bytes()), "advert": (AD.name, AD.read_bytes())})
    assert resp.status_code == 200
    rep = resp.json()
    assert 0 < rep["fit"] <= 1 and {r["status"] for r in rep["requirements"]} <= {"met", "partly-met", "missing"}
    resp2 = client.post("/api/match", data={"cv": CV_TXT.read_text(encoding="utf-8"), "advert": AD.read_text(encoding="utf-8")})
    assert resp2.status_code == 200 and resp2.json()["requirements"]
    resp3 = client.post("/api/match", files={"cv": (CV.name, CV.read_bytes())})
    assert resp3.status_code == 422 and "advert" in _one_line_error(resp3)


@pytest.mark.parametrize("name, data, words", [
    ("broken.pdf", b"%PDF-1.4\n1 0 obj <<", "not a valid PDF"),
    ("cv.exe", b"MZ\x90\x00", "unsupported file type"),
    ("empty.txt", b"", "choose|send|empty"),
    ("binary.txt", bytes(range(256)) * 20, "binary"),
    ("notadocx.docx", b"hello", "not a DOCX"),
])
def test_unreadable_upload_is_422_one_line_and_the_server_carries_on(client: TestClient, name: str, data: bytes, words: str) -> None:
    resp = client.post("/api/score", files={"file": (name, data)})
    assert resp.status_code == 422
    assert re.search(words, _one_line_error(resp))
    assert client.get("/api/health").status_code == 200


def test_oversized_upload_is_413_declared_or_streamed(client: TestClient) -> None:
    big = b"PMO Analyst RAID log\n" * 60_000  # 1.2 MB, over the 1 MB limit of this app
    resp = client.post("/api/score", files={"file": ("big.txt", big)})
    assert resp.status_code == 413 and "1 MB" in _one_line_error(resp)

    def chunks() -> Iterator[bytes]:  # no Content-Length: the cap is counted as the body arrives
        boundary = b"--x\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.txt\"\r\n\r\n"
        yield boundary
        for _ in range(30):
            yield b"x" * 65536
        yield b"\r\n--x--\r\n"

    resp = client.post("/api/score", content=chunks(), headers={"content-type": "multipart/form-data; boundary=x"})
    assert resp.status_code == 413 and "too large" in _one_line_error(resp)
    page = client.post("/score", files={"file": ("big.txt", big)})
    assert page.status_code == 413 and "text/html" in page.headers["content-type"] and "Traceback" not in page.text
    assert client.get("/api/health").status_code == 200


def test_reader_limits_apply(engine: Engine) -> None:
    from dataclasses import replace

    eng = Engine(limits=replace(engine.limits, max_chars=200))
    app = create_app(WebConfig(), engine=eng, warm_up=False)
    with TestClient(app, base_url=BASE) as c:
        resp = c.post("/api/score", files={"file": (CV_TXT.name, CV_TXT.read_bytes())})
    assert resp.status_code == 422 and "limit" in _one_line_error(resp)


# -- pages ---------------------------------------------------------------------------------------

def test_pages_and_security_headers(client: TestClient) -> None:
    for path in ("/", "/classify", "/match", "/batch", "/results"):
        resp = client.get(path)
        assert resp.status_code == 200, path
        csp = resp.headers["content-security-policy"]
        assert "default-src 'none'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp.split("style-src")[0]
        assert resp.headers["x-content-type-options"] == "nosniff" and resp.headers["x-frame-options"] == "DENY"
        assert resp.headers["referrer-policy"] == "same-origin"  # not no-referrer: Chromium would then post Origin: null
        assert "<script src=\"/static/app.js\"" in resp.text and "<script>" not in resp.text  # no inline script
    assert client.get("/static/app.js").headers["content-type"].startswith("text/javascript")
    assert "pre.doc-text" in client.get("/static/app.css").text
    assert client.get("/static/../app.py").status_code == 404
    resp = client.get("/no/such/page")
    assert resp.status_code == 404 and "Traceback" not in resp.text


def test_score_page_level_findings_text_and_gaps(client: TestClient) -> None:
    resp = client.post("/score", files={"file": (CV.name, CV.read_bytes(), "application/pdf")})
    assert resp.status_code == 200
    html = resp.text
    assert 'id="level-label">PMO / Project Support Analyst<' in html and "Confidence" in html
    marks = set(re.findall(r'<mark id="(m\d+)"', html))
    jumps = set(re.findall(r'class="jump" href="#(m\d+)"', html))
    assert len(marks) > 10 and jumps and jumps <= marks  # every finding link lands on a highlight
    panels = re.findall(r'class="gap-panel" data-target="(\d)"( hidden)?', html)
    assert [p[0] for p in panels] == ["1", "2", "3", "4"] and [p[0] for p in panels if not p[1]] == ["4"]  # next level shown
    assert "Exams that would close it" in html and "P3O Practitioner" in html
    chosen = client.post("/score", files={"file": (CV.name, CV.read_bytes())}, data={"target_level": "2"}).text
    assert [p[0] for p in re.findall(r'class="gap-panel" data-target="(\d)"( hidden)?', chosen) if not p[1]] == ["2"]


def test_score_page_shows_the_alternative_when_the_report_has_one(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    from cv_matcher.web.engine import Engine as E

    real = E.report

    def with_alternative(self: Engine, analysis: Any, **kw: Any) -> dict[str, Any]:
        rep = real(self, analysis, **kw)
        rep["level"]["alternative"] = {"rank": 4, "id": "senior-pmo", "label": "Senior PMO / PMO Manager / ProgMO", "probability": 0.31}
        return rep

    monkeypatch.setattr(E, "report", with_alternative)
    html = client.post("/score", files={"file": (CV.name, CV.read_bytes())}).text
    assert 'id="alternative"' in html and "Senior PMO / PMO Manager / ProgMO (31%)" in html


def test_score_page_says_when_it_looks_like_an_advert(client: TestClient) -> None:
    html = client.post("/score", files={"file": (AD.name, AD.read_bytes())}).text
    assert "This looks like a job advert" in html


def test_classify_and_match_pages(client: TestClient) -> None:
    html = client.post("/classify", data={"text": AD.read_text(encoding="utf-8")}).text
    assert "What the advert asks for" in html and "status-essential" in html and "325-375 GBP/day" in html
    html = client.post("/match", files={"cv": (CV.name, CV.read_bytes()), "advert": (AD.name, AD.read_bytes())}).text
    assert 'id="fit"' in html and "status-met" in html and "status-missing" in html and "The CV says" in html


def test_page_errors_are_one_line_in_the_form(client: TestClient) -> None:
    resp = client.post("/score", files={"file": ("broken.pdf", b"%PDF-1.4 nothing")})
    assert resp.status_code == 422 and 'class="error-box"' in resp.text and "not a valid PDF" in resp.text
    assert 'id="score-form"' in resp.text  # the form again, to try another file
    resp = client.post("/match", data={"cv_text": "x"})
    assert resp.status_code == 422 and "give both a CV and an advert" in resp.text


def test_document_text_and_file_names_are_escaped(client: TestClient) -> None:
    name = "cv<img src=x onerror=alert(9)>.txt"
    resp = client.post("/score", files={"file": (name, XSS_CV.encode())})
    assert resp.status_code == 200
    html = resp.text
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "cv&lt;img src=x onerror=alert(9)&gt;.txt" in html
    assert html.count("<script") == 1  # ours, by src


def test_internal_error_never_shows_a_traceback(client: TestClient, engine: Engine, monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    def boom(*a: Any, **k: Any) -> None:
        raise RuntimeError("secret detail\nline two")

    monkeypatch.setattr(engine, "analyse", boom)
    for path in ("/score", "/api/score"):
        resp = client.post(path, files={"file": ("cv.txt", b"PMO Analyst")})
        assert resp.status_code == 500
        assert "Traceback" not in resp.text and "secret detail" not in resp.text and "internal error" in resp.text
    assert "Traceback" not in capsys.readouterr().err


def test_host_and_origin_checks(client: TestClient) -> None:
    assert client.get("/api/health", headers={"host": "evil.example"}).status_code == 400  # DNS rebinding
    assert client.get("/api/health", headers={"host": "localhost:8000"}).status_code == 200
    resp = client.post("/api/score", files={"file": ("cv.txt", b"PMO Analyst")}, headers={"origin": "http://evil.example"})
    assert resp.status_code == 403
    resp = client.post("/api/score", files={"file": ("cv.txt", b"PMO Analyst")}, headers={"origin": "null"})
    assert resp.status_code == 403
    resp = client.post("/api/score", files={"file": ("cv.txt", b"PMO Analyst RAID log")}, headers={"origin": BASE})
    assert resp.status_code == 200


def test_uploads_are_parsed_in_memory(client: TestClient) -> None:
    from starlette.formparsers import MultiPartParser

    assert MultiPartParser.spool_max_size > client.app.state.config.max_upload_bytes  # never spooled to a temporary file


# -- batch and the results store -----------------------------------------------------------------

def _wait(c: TestClient, job: str) -> dict[str, Any]:
    deadline = time.monotonic() + 120
    while True:
        progress = c.get(f"/api/batch/{job}").json()
        if progress["finished"]:
            return progress  # type: ignore[no-any-return]
        assert time.monotonic() < deadline, progress
        time.sleep(0.2)


def test_batch_upload_zip_progress_report_and_downloads(db_client: tuple[TestClient, Path]) -> None:
    c, db = db_client
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.write(CV_TXT, f"cvs/{CV_TXT.name}")
        z.writestr("../../escape.txt", XSS_CV)  # a hostile member name: only the base name is kept
        z.writestr("notes.xlsx", b"PK")  # not a document: left out, and said so
        z.writestr("__MACOSX/._cv.txt", b"junk")
    files = [("files", (CV.name, CV.read_bytes())), ("files", ("cvs.zip", buf.getvalue())), ("files", ("broken.pdf", b"%PDF-1.4 x"))]
    resp = c.post("/batch", files=files, follow_redirects=False)
    assert resp.status_code == 303
    job = resp.headers["location"].rsplit("/", 1)[1]
    running = c.get(f"/batch/{job}")
    assert running.status_code == 200
    progress = _wait(c, job)
    assert progress["total"] == 4 and progress["done"] == 4 and progress["failed"] == 1
    assert any("notes.xlsx" in s for s in progress["skipped"])
    page = c.get(f"/batch/{job}")
    assert page.status_code == 200 and 'id="docs"' in page.text and page.text.count('class="doc-row') == 4
    csp = page.headers["content-security-policy"]
    assert "'sha256-" in csp and "'unsafe-inline'" not in csp.split("style-src")[0]  # its one inline script, by hash
    assert "escape.txt" in page.text and "../" not in re.sub(r"<script>.*?</script>", "", page.text, flags=re.S)
    assert "&lt;script&gt;alert(1)" in page.text
    csv_text = c.get(f"/batch/{job}/results.csv").text
    assert CV.name in csv_text and "broken.pdf" in csv_text and len(csv_text.strip().splitlines()) == 5
    lines = c.get(f"/batch/{job}/results.jsonl").text.strip().splitlines()
    assert len(lines) == 4 and all(json.loads(x) for x in lines)
    assert c.get(f"/batch/{job}/results.exe").status_code == 404
    assert c.get("/batch/nosuchjob").status_code == 404
    # --db: the results were stored, and can be browsed and exported
    assert db.is_file()
    stored = c.get("/results")
    assert stored.status_code == 200 and stored.text.count('class="doc-row') == 4
    assert c.get("/results?level=3").text.count('class="doc-row') >= 1
    assert len(c.get("/results.csv").text.strip().splitlines()) == 5
    assert c.get("/results?level=x").status_code == 422


def test_batch_needs_files(db_client: tuple[TestClient, Path]) -> None:
    c, _ = db_client
    resp = c.post("/batch", data={"kind": "cv"})
    assert resp.status_code == 422 and "choose some files" in resp.text
    resp = c.post("/batch", files=[("files", ("bad.zip", b"PK\x03\x04 not a zip"))])
    assert resp.status_code == 422 and "zip" in resp.text


def test_results_page_without_a_store(client: TestClient) -> None:
    html = client.get("/results").text
    assert "--db" in html
    assert client.get("/results.csv").status_code == 404


# -- the command ---------------------------------------------------------------------------------

def test_serve_command_warns_off_loopback_and_passes_options(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    seen: list[Any] = []
    monkeypatch.setattr("cv_matcher.web.app.serve", lambda config: seen.append(config))
    runner = CliRunner()
    res = runner.invoke(cli, ["serve", "--port", "8123", "--db", str(tmp_path / "r.sqlite"), "--max-upload-mb", "5", "--max-pages", "9"])
    assert res.exit_code == 0, res.output
    cfg = seen[-1]
    assert cfg.host == "127.0.0.1" and cfg.port == 8123 and cfg.max_upload_mb == 5 and cfg.limits.max_pages == 9
    assert cfg.limits.max_file_bytes == 5 * 1024 * 1024  # a file cannot be bigger than its upload
    assert "warning" not in res.output
    res = runner.invoke(cli, ["serve", "--host", "0.0.0.0"])
    assert res.exit_code == 0 and "warning: listening on 0.0.0.0" in res.output
    assert runner.invoke(cli, ["serve", "--port", "0"]).exit_code == 2


def test_highlight_pieces_rebuild_the_text_and_anchor_every_finding() -> None:
    from cv_matcher.web.views import highlight

    text = "Skills\nPMO Analyst with RAID log and RAID"
    found = [{"idx": 0, "kind": "title", "family": "pmo", "label": "t", "evidence": [{"start": 7, "end": 18, "reason": "r"}]},
             {"idx": 1, "kind": "duty", "family": "pmo", "label": "d",
              "evidence": [{"start": 24, "end": 32, "reason": "r"}, {"start": 37, "end": 41, "reason": "r"}]},
             {"idx": 2, "kind": "skill", "family": "other", "label": "s", "evidence": [{"start": 24, "end": 28, "reason": "r"}]},
             {"idx": 3, "kind": "tool", "family": "pmo", "label": "x", "evidence": [{"start": 99, "end": 120, "reason": "r"}]}]
    pieces = highlight(text, found, [(0, 6)])
    assert "".join(p["text"] for p in pieces) == text  # nothing lost, nothing doubled
    marks = {p["mark"]: p for p in pieces if p["mark"]}
    assert [p["text"] for p in marks.values()] == ["PMO Analyst", "RAID log", "RAID"]
    assert pieces[0] == {"text": "Skills", "mark": None, "heading": True}
    assert found[2]["evidence"][0]["anchor"] == found[1]["evidence"][0]["anchor"]  # overlapped: lands on the longer mark
    assert found[3]["evidence"][0]["anchor"] is None  # out of range: no link


def test_serve_on_a_taken_port_is_one_line_and_exit_1() -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        res = CliRunner().invoke(cli, ["serve", "--port", str(port)])
    assert res.exit_code == 1
    assert res.stderr.strip().splitlines() == [f"cv-matcher: error: cannot listen on 127.0.0.1:{port}: Address already in use"]
