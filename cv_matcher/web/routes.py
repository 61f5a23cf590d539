"""The web app's pages and JSON API. Handlers parse the form, call the engine in a worker thread
and render a template; every CvMatcherError becomes 422 with its one line."""
from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from ..errors import CvMatcherError
from ..kind import detect_kind
from ..readers import READERS, supported_suffixes
from . import views
from .responses import BATCH_FACTOR, error_response, inline_csp
from .engine import MAX_BATCH_FILES, Engine, Job, Upload, safe_name

ACCEPT = ",".join(sorted(READERS))  # the file picker offers what the readers read
FORMAT_WORDS = ((".pdf", "PDF"), (".docx", "Word"), (".doc", "Word 97"), (".odt", "OpenDocument"), (".rtf", "RTF"),
                (".html", "web pages"), (".txt", "plain text"), (".png", "scans and photos"))


def format_words() -> str:
    """'PDF, Word, ..., plain text' for the formats the readers take, in words people use."""
    words = [w for suffix, w in FORMAT_WORDS if suffix in READERS]
    return ", ".join(words[:-1]) + " or " + words[-1] if len(words) > 1 else "".join(words)


class BadInput(Exception):
    """A form or API call that cannot be served as asked (422, one line)."""


def _engine(request: Request) -> Engine:
    return request.app.state.engine  # type: ignore[no-any-return]


def _render(request: Request, template: str, status: int = 200, **ctx: Any) -> HTMLResponse:
    env = request.app.state.templates
    engine = _engine(request)
    levels = [engine.lexicon.level(r) for r in sorted(engine.lexicon.ranks) if r > 0]
    html = env.get_template(template).render(request_path=request.url.path, levels=levels, accept=ACCEPT, suffixes=format_words(),
                                         has_db=request.app.state.config.db is not None,
                                         max_upload_mb=request.app.state.config.max_upload_mb, **ctx)
    return HTMLResponse(html, status_code=status)


async def _form(request: Request, max_files: int = 4) -> FormData:
    config = request.app.state.config
    try:
        return await request.form(max_files=max_files, max_fields=20, max_part_size=config.max_upload_bytes * BATCH_FACTOR)
    except HTTPException as exc:
        raise BadInput(f"cannot read the form: {exc.detail}") from None
    except (ValueError, KeyError, UnicodeDecodeError) as exc:
        raise BadInput(f"cannot read the form: {type(exc).__name__}") from None


async def _upload(form: FormData, field: str, text_field: str | None = None, default_name: str = "pasted.txt") -> Upload | None:
    """The file in `field`, else the text pasted in `text_field` (or sent as `field` itself)."""
    value = form.get(field)
    if isinstance(value, UploadFile):
        data = await value.read()
        if value.filename or data:
            return Upload(safe_name(value.filename), data)
    if isinstance(value, str) and value.strip():
        return Upload(default_name, value.encode("utf-8"))
    text = form.get(text_field) if text_field else None
    if isinstance(text, str) and text.strip():
        return Upload(default_name, text.encode("utf-8"))
    return None


def _target_level(form: FormData | Any, engine: Engine) -> int | None:
    raw = form.get("target_level")
    if raw is None or (isinstance(raw, str) and raw.strip() in ("", "next")):
        return None
    ranks = sorted(r for r in engine.lexicon.ranks if r > 0)
    try:
        value = int(str(raw).strip())
    except ValueError:
        value = -1
    if value not in ranks:
        raise BadInput(f"target_level must be one of {', '.join(map(str, ranks))}")
    return value


def _fail(request: Request, exc: Exception, template: str | None = None, **ctx: Any) -> Response:
    message = str(exc)
    if template is None or request.url.path.startswith("/api/"):
        return error_response(request.url.path, 422, message, request.app.state.templates)
    return _render(request, template, status=422, error=" ".join(message.split()), **ctx)


# -- pages -----------------------------------------------------------------------------------

async def score_form(request: Request) -> Response:
    return _render(request, "score_form.html.j2", error=None, active="score")


async def classify_form(request: Request) -> Response:
    return _render(request, "classify_form.html.j2", error=None, active="classify")


async def match_form(request: Request) -> Response:
    return _render(request, "match_form.html.j2", error=None, active="match")


async def batch_form(request: Request) -> Response:
    return _render(request, "batch_form.html.j2", error=None, active="batch", max_files=MAX_BATCH_FILES)


def _document_view(engine: Engine, analysis: Any, report: dict[str, Any]) -> dict[str, Any]:
    found = views.findings(report)
    pieces = views.highlight(analysis.document.text, found, [(sec.start, sec.end) for sec in analysis.document.sections])
    return {"report": report, "level": views.level_view(report), "found": found, "pieces": pieces,
            "name": analysis.document.source, "sections": len(analysis.document.sections)}


async def score_page(request: Request) -> Response:
    engine = _engine(request)
    try:
        form = await _form(request)
        upload = await _upload(form, "file", "text")
        if upload is None:
            raise BadInput("choose a CV file or paste its text")
        target = _target_level(form, engine)
        analysis = await run_in_threadpool(engine.analyse, upload, "cv")
        report = await run_in_threadpool(engine.report, analysis, target_level=target)
        all_gaps = await run_in_threadpool(engine.gap_reports, analysis)
    except (CvMatcherError, BadInput) as exc:
        return _fail(request, exc, "score_form.html.j2", active="score")
    gaps = {rank: views.gap_view(g) for rank, g in all_gaps.items()}
    default_target = report["gaps"]["target"]["rank"] if report.get("gaps") else None
    if default_target is not None:
        gaps[default_target] = views.gap_view(report["gaps"])  # the report's own (next level, or the chosen one)
    looks_like = detect_kind(analysis.document)
    return _render(request, "score.html.j2", active="score", gaps=sorted(gaps.items()), default_target=default_target,
                   chosen=target, looks_like=looks_like, **_document_view(engine, analysis, report))


async def classify_page(request: Request) -> Response:
    engine = _engine(request)
    try:
        form = await _form(request)
        upload = await _upload(form, "file", "text", "pasted-advert.txt")
        if upload is None:
            raise BadInput("choose an advert file or paste its text")
        analysis = await run_in_threadpool(engine.analyse, upload, "advert")
        report = await run_in_threadpool(engine.report, analysis)
    except (CvMatcherError, BadInput) as exc:
        return _fail(request, exc, "classify_form.html.j2", active="classify")
    return _render(request, "classify.html.j2", active="classify", requirements=engine.requirements(analysis),
                   looks_like=detect_kind(analysis.document), **_document_view(engine, analysis, report))


async def _match_pair(request: Request, engine: Any, missing: str) -> tuple[Any, Any, Any, Any, Any]:
    """The CV and advert of a match form (files or pasted text), their analyses, and their match."""
    form = await _form(request)
    cv = await _upload(form, "cv", "cv_text", "pasted-cv.txt")
    ad = await _upload(form, "advert", "advert_text", "pasted-advert.txt")
    if cv is None or ad is None:
        raise BadInput(missing)
    cv_an = await run_in_threadpool(engine.analyse, cv, "cv")
    ad_an = await run_in_threadpool(engine.analyse, ad, "advert")
    return cv, ad, cv_an, ad_an, await run_in_threadpool(engine.match, cv_an, ad_an)


async def match_page(request: Request) -> Response:
    engine = _engine(request)
    try:
        cv, ad, cv_an, ad_an, result = await _match_pair(request, engine, "give both a CV and an advert (a file or pasted text for each)")
        cv_rep = await run_in_threadpool(engine.report, cv_an)
        ad_rep = await run_in_threadpool(engine.report, ad_an)
    except (CvMatcherError, BadInput) as exc:
        return _fail(request, exc, "match_form.html.j2", active="match")
    order = {"missing": 0, "partly-met": 1, "met": 2}
    reqs = sorted(result["requirements"], key=lambda r: (r["requirement"] != "essential", order.get(r["status"], 3), r["label"]))
    counts = {s: sum(1 for r in reqs if r["status"] == s) for s in ("met", "partly-met", "missing")}
    return _render(request, "match.html.j2", active="match", match=result, requirements=reqs, counts=counts,
                   cv_level=views.level_view(cv_rep), ad_level=views.level_view(ad_rep), cv_name=cv.name, ad_name=ad.name)


# -- batch -----------------------------------------------------------------------------------

async def batch_start(request: Request) -> Response:
    engine = _engine(request)
    try:
        form = await _form(request, max_files=MAX_BATCH_FILES)
        uploads = []
        for value in form.getlist("files"):
            if isinstance(value, UploadFile) and value.filename:
                uploads.append(Upload(safe_name(value.filename), await value.read()))
        if not uploads:
            raise BadInput("choose some files (PDF, DOCX, text) or a zip of them")
        kind = str(form.get("kind") or "cv")
        if kind not in ("cv", "advert", "auto"):
            raise BadInput("kind must be cv, advert or auto")
        target = _target_level(form, engine)
        job = await run_in_threadpool(engine.start_batch, uploads, kind=kind, target_level=target)
    except (CvMatcherError, BadInput) as exc:
        return _fail(request, exc, "batch_form.html.j2", active="batch", max_files=MAX_BATCH_FILES)
    if request.url.path.startswith("/api/"):
        return JSONResponse(job.progress(), status_code=202)
    return RedirectResponse(f"/batch/{job.id}", status_code=303)


def _job(request: Request) -> Job:
    job = _engine(request).job(request.path_params["job"])
    if job is None:
        raise HTTPException(404)
    return job


async def batch_status(request: Request) -> Response:
    return JSONResponse(_job(request).progress())


def _report_page(records: list[Any], *, title: str, links: list[tuple[str, str]], with_fit: bool = False) -> HTMLResponse:
    """The batch report (reporting/html.py, as `report.html`), with this app's bar on top."""
    from markupsafe import escape

    from ..batch.rank import rank_records
    from ..reporting import render_records

    html = render_records(rank_records(records, "fit" if with_fit else "level"), "html", with_fit=with_fit, advert=None, title=title)
    bar = ('<nav class="webbar"><a class="brand" href="/">cv-matcher</a>'
           + "".join(f'<a href="{escape(href)}">{escape(text)}</a>' for href, text in links) + "</nav>")
    style = ("<style>.webbar{display:flex;flex-wrap:wrap;gap:6px 18px;align-items:center;padding:10px 28px;background:#1d2733}"
             ".webbar a{color:#fff;text-decoration:none;font-weight:600}.webbar a.brand{margin-right:12px}"
             ".webbar a:hover{text-decoration:underline}</style>")
    html = html.replace("</head>", style + "\n</head>", 1).replace("<body>", "<body>\n" + bar, 1)
    return HTMLResponse(html, headers={"Content-Security-Policy": inline_csp(html)})


async def batch_page(request: Request) -> Response:
    job = _job(request)
    if not job.done:
        return _render(request, "batch_progress.html.j2", active="batch", job=job, progress=job.progress())
    base = f"/batch/{job.id}"
    links = [("Score a CV", "/"), ("New batch", "/batch"), ("Download CSV", f"{base}/results.csv"),
             ("Download JSONL", f"{base}/results.jsonl")]
    if request.app.state.config.db is not None:
        links.append(("Stored results", "/results"))
    return _report_page(job.records, title=f"cv-matcher: batch of {job.total} files", links=[(h, t) for t, h in links])


def _download(records: list[Any], fmt: str, name: str) -> Response:
    from ..batch.rank import rank_records
    from ..reporting import render_records

    with_fit = any(r.report and "match" in r.report for r in records)
    text = render_records(rank_records(records, "fit" if with_fit else "level"), fmt, with_fit=with_fit)
    media = "text/csv" if fmt == "csv" else "application/x-ndjson"
    return Response(text, media_type=f"{media}; charset=utf-8", headers={"Content-Disposition": f'attachment; filename="{name}"'})


async def batch_download(request: Request) -> Response:
    job = _job(request)
    fmt = request.path_params["fmt"]
    if fmt not in ("csv", "jsonl"):
        raise HTTPException(404)
    if not job.done:
        raise HTTPException(409, "the batch is still running")
    return _download(job.records, fmt, f"results.{fmt}")


# -- stored results (--db) -------------------------------------------------------------------

def _stored(request: Request) -> list[Any] | None:
    from ..batch.store import ResultStore

    db = request.app.state.config.db
    if db is None:
        return None
    level = request.query_params.get("level")
    kind = request.query_params.get("kind")
    try:
        level_n = int(level) if level not in (None, "") else None
    except ValueError:
        raise BadInput("level must be a number from 0 to 4") from None
    if kind not in (None, "", "cv", "advert"):
        raise BadInput("kind must be cv or advert")
    if not db.is_file():
        return []
    with ResultStore(db, create=False) as store:
        return store.records(level=level_n, kind=kind or None)


async def results_page(request: Request) -> Response:
    try:
        records = await run_in_threadpool(_stored, request)
    except (CvMatcherError, BadInput) as exc:
        return error_response(request.url.path, 422, str(exc), request.app.state.templates)
    if not records:
        return _render(request, "results_empty.html.j2", active="results", records=records)
    query = request.url.query
    suffix = f"?{query}" if query else ""
    links = [("/", "Score a CV"), ("/batch", "New batch"), (f"/results.csv{suffix}", "Download CSV"),
             (f"/results.jsonl{suffix}", "Download JSONL")]
    return _report_page(records, title=f"cv-matcher: stored results ({request.app.state.config.db})", links=links,
                        with_fit=any(r.report and "match" in r.report for r in records))


async def results_download(request: Request) -> Response:
    try:
        records = await run_in_threadpool(_stored, request)
    except (CvMatcherError, BadInput) as exc:
        return error_response(request.url.path, 422, str(exc), request.app.state.templates)
    fmt = request.path_params["fmt"]
    if records is None or fmt not in ("csv", "jsonl"):
        raise HTTPException(404)
    return _download(records, fmt, f"results.{fmt}")


# -- JSON API --------------------------------------------------------------------------------

async def api_health(request: Request) -> Response:
    engine = _engine(request)
    return JSONResponse({"status": "ok", "lexicon": {"name": engine.lexicon.name, "version": engine.lexicon.version},
                         "pdf_engine": engine.pdf_engine, "max_upload_mb": request.app.state.config.max_upload_mb,
                         "formats": sorted(s.lstrip(".") for s in supported_suffixes().split(", "))})


async def _api_one(request: Request, kind: str) -> Response:
    engine = _engine(request)
    try:
        form = await _form(request)
        upload = await _upload(form, "file", "text", "pasted.txt")
        if upload is None:
            raise BadInput("send the document as the multipart field 'file' (or its text as 'text')")
        target = _target_level(form, engine) if kind == "cv" else None
        analysis = await run_in_threadpool(engine.analyse, upload, kind)
        report = await run_in_threadpool(engine.report, analysis, target_level=target)
    except (CvMatcherError, BadInput) as exc:
        return error_response(request.url.path, 422, str(exc))
    return JSONResponse(report)


async def api_score(request: Request) -> Response:
    return await _api_one(request, "cv")


async def api_classify(request: Request) -> Response:
    return await _api_one(request, "advert")


async def api_match(request: Request) -> Response:
    engine = _engine(request)
    try:
        *_, result = await _match_pair(request, engine, "send the fields 'cv' and 'advert' (files, or their text)")
    except (CvMatcherError, BadInput) as exc:
        return error_response(request.url.path, 422, str(exc))
    return JSONResponse(result)


# -- static ----------------------------------------------------------------------------------

_STATIC: dict[str, tuple[str, str]] = {}


def _static_text(request: Request, name: str) -> tuple[str, str]:
    if not _STATIC:
        env = request.app.state.templates
        _STATIC["app.css"] = (env.get_template("report.css.j2").render() + "\n" + env.get_template("app.css").render(), "text/css")
        _STATIC["app.js"] = (env.get_template("app.js").render(), "text/javascript")
    return _STATIC[name]


async def static(request: Request) -> Response:
    name = request.path_params["name"]
    if name not in ("app.css", "app.js"):
        raise HTTPException(404)
    body, media = _static_text(request, name)
    return PlainTextResponse(body, media_type=f"{media}; charset=utf-8", headers={"Cache-Control": "max-age=3600"})


async def score_get(request: Request) -> Response:
    return RedirectResponse("/", status_code=303)


def routes() -> list[Route]:
    return [
        Route("/", score_form, methods=["GET"]),
        Route("/score", score_page, methods=["POST"]),
        Route("/score", score_get, methods=["GET"]),
        Route("/classify", classify_form, methods=["GET"]),
        Route("/classify", classify_page, methods=["POST"]),
        Route("/match", match_form, methods=["GET"]),
        Route("/match", match_page, methods=["POST"]),
        Route("/batch", batch_form, methods=["GET"]),
        Route("/batch", batch_start, methods=["POST"]),
        Route("/batch/{job}", batch_page, methods=["GET"]),
        Route("/batch/{job}/results.{fmt:str}", batch_download, methods=["GET"]),
        Route("/results", results_page, methods=["GET"]),
        Route("/results.{fmt:str}", results_download, methods=["GET"]),
        Route("/api/health", api_health, methods=["GET"]),
        Route("/api/score", api_score, methods=["POST"]),
        Route("/api/classify", api_classify, methods=["POST"]),
        Route("/api/match", api_match, methods=["POST"]),
        Route("/api/batch", batch_start, methods=["POST"]),
        Route("/api/batch/{job}", batch_status, methods=["GET"]),
        Route("/static/{name}", static, methods=["GET"]),
    ]
