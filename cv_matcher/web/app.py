"""`cv-matcher serve`: the whole tool in a browser, on the user's own machine (Starlette + uvicorn).

Safe by default:
- binds to 127.0.0.1 (the CLI warns when told otherwise) and, when bound there, answers only to
  the loopback host names and refuses form posts from other sites' pages (a DNS-rebinding or
  cross-site page cannot drive it);
- request bodies are capped (`max_upload_bytes`; a batch may send ten times that) before and
  while they arrive: 413, and the server carries on; uploads are parsed in memory and never
  written to disk; every reader limit applies;
- every page is Jinja2 with autoescape; a Content-Security-Policy that allows only this server's
  own script and style; no traceback ever reaches a page (one line, and the status).
"""
from __future__ import annotations

import ipaddress
import json
import socket
import sys
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from jinja2 import ChoiceLoader, Environment, PackageLoader, StrictUndefined, select_autoescape
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..readers import ReadLimits
from .engine import Engine
from .responses import BATCH_FACTOR, error_response

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1", "[::1]")


@dataclass
class WebConfig:
    host: str = "127.0.0.1"
    port: int = 8000
    lexicon: str | None = None
    db: Path | None = None
    max_upload_mb: float = 20.0
    limits: ReadLimits = field(default_factory=ReadLimits)
    pdf_engine: str = "pdfminer"
    allowed_hosts: tuple[str, ...] | None = None  # None: the loopback names when bound to loopback, else any

    @property
    def max_upload_bytes(self) -> int:
        return int(self.max_upload_mb * 1024 * 1024)


def is_loopback(host: str) -> bool:
    if host in ("localhost",):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class TooLarge(Exception):
    def __init__(self, limit: int) -> None:
        super().__init__(limit)
        self.limit = limit


def _mb(n: float) -> str:
    return f"{n / 1048576:.1f}".rstrip("0").rstrip(".")


class Guard:
    """Pure ASGI middleware: host and origin checks, the body-size cap, and the security headers."""

    def __init__(self, app: ASGIApp, *, config: WebConfig, templates: Environment) -> None:
        self.app, self.config, self.templates = app, config, templates
        hosts = config.allowed_hosts
        if hosts is None:
            hosts = LOOPBACK_NAMES if is_loopback(config.host) else ("*",)
        self.hosts = {h.lower() for h in hosts}

    def _host_ok(self, value: str) -> bool:
        if "*" in self.hosts:
            return True
        host = value.lower()
        host = host.rsplit(":", 1)[0] if not host.endswith("]") and host.count(":") == 1 else host
        if host.startswith("[") and "]:" in host:
            host = host.split("]:")[0] + "]"
        return host in self.hosts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        if not self._host_ok(headers.get("host", "")):
            await error_response(path, 400, "unknown host name: open this app by the address it printed", self.templates)(scope, receive, send)
            return
        origin = headers.get("origin")
        # "null" too: a sandboxed frame on any site sends it, so it proves nothing. (Our own pages send
        # their origin: Referrer-Policy is same-origin; with no-referrer Chromium would send "null".)
        if scope.get("method") not in ("GET", "HEAD") and origin and (origin == "null" or not self._host_ok(urlsplit(origin).netloc)):
            await error_response(path, 403, "request from another site's page refused", self.templates)(scope, receive, send)
            return
        limit = self.config.max_upload_bytes * (BATCH_FACTOR if path in ("/batch", "/api/batch") else 1) + 64 * 1024  # form overhead
        try:
            declared = int(headers.get("content-length", "0") or 0)
        except ValueError:
            declared = 0
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                raw = list(message.get("headers", []))
                names = {k.lower() for k, _ in raw}
                extra = {b"content-security-policy": CSP.encode(), b"x-content-type-options": b"nosniff",
                         b"referrer-policy": b"same-origin", b"x-frame-options": b"DENY", b"cache-control": b"no-store"}
                raw += [(k, v) for k, v in extra.items() if k not in names]
                message = {**message, "headers": raw}
            await send(message)

        if declared > limit:
            await self._too_large(path, limit, scope, receive, send_with_headers)
            return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise TooLarge(limit)
            return message

        try:
            await self.app(scope, limited_receive, send_with_headers)
        except TooLarge:
            if not started:
                await self._too_large(path, limit, scope, receive, send_with_headers)
        except Exception as exc:  # noqa: BLE001  (a bug: one line in the server's log, one line to the client)
            print(f"cv-matcher serve: internal error on {path}: {type(exc).__name__}: {' '.join(str(exc).split())[:200]}",
                  file=sys.stderr)
            if not started:
                await error_response(path, 500, "internal error: the server could not finish this request",
                                     self.templates)(scope, receive, send_with_headers)

    async def _too_large(self, path: str, limit: int, scope: Scope, receive: Receive, send: Send) -> None:
        shown = _mb(limit - 64 * 1024)
        await error_response(path, 413, f"upload too large: over the {shown} MB limit (cv-matcher serve --max-upload-mb)",
                             self.templates)(scope, receive, send)


def make_templates() -> Environment:
    env = Environment(loader=ChoiceLoader([PackageLoader("cv_matcher", "web/templates"), PackageLoader("cv_matcher", "data/templates")]),
                      undefined=StrictUndefined, autoescape=select_autoescape(default=True, default_for_string=True),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["pct"] = lambda x: f"{100 * float(x):.0f}%"
    env.filters["tojson_attr"] = lambda x: json.dumps(x)
    return env


def create_app(config: WebConfig | None = None, *, engine: Engine | None = None, warm_up: bool = True) -> Starlette:
    """The ASGI app. Builds the pipeline once (the engine), here, not per request."""
    from starlette.formparsers import MultiPartParser
    from starlette.middleware import Middleware

    from . import routes

    config = config or WebConfig()
    # Uploaded files are held in memory, never spooled to a temporary file: the body cap bounds them.
    MultiPartParser.spool_max_size = max(MultiPartParser.spool_max_size, config.max_upload_bytes * BATCH_FACTOR + 1)
    templates = make_templates()
    if engine is None:
        engine = Engine(lexicon=config.lexicon, limits=config.limits, pdf_engine=config.pdf_engine, db=config.db)
    if warm_up:
        engine.warm_up()

    async def server_error(request: Request, exc: Exception) -> Response:
        print(f"cv-matcher serve: internal error on {request.url.path}: {type(exc).__name__}: {' '.join(str(exc).split())[:200]}",
              file=sys.stderr)
        return error_response(request.url.path, 500, "internal error: the server could not finish this request", templates)

    async def not_found(request: Request, exc: Exception) -> Response:
        status = getattr(exc, "status_code", 404)
        detail = getattr(exc, "detail", "") or "not found"
        return error_response(request.url.path, status, str(detail) if status != 404 else "not found", templates)

    app = Starlette(routes=routes.routes(), middleware=[Middleware(Guard, config=config, templates=templates)],
                    exception_handlers={Exception: server_error, 404: not_found, 405: not_found, 400: not_found})
    app.state.config = config
    app.state.engine = engine
    app.state.templates = templates
    return app


class ServeError(Exception):
    """The server cannot start (the address is taken, or not this machine's): one line, exit 1."""


def _listen(host: str, port: int) -> socket.socket:
    """The listening socket, made before the pipeline is built, so a taken port fails at once and in one line."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
        family, kind, proto, _, address = infos[0]
        sock = socket.socket(family, kind, proto)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError as exc:
        raise ServeError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    sock.set_inheritable(True)
    return sock


def serve(config: WebConfig) -> None:
    import uvicorn

    sock = _listen(config.host, config.port)
    try:
        app = create_app(config)
        url_host = f"[{config.host}]" if ":" in config.host else config.host
        print(f"cv-matcher: serving on http://{url_host}:{config.port}/ (Ctrl+C to stop)", file=sys.stderr)
        server = uvicorn.Server(uvicorn.Config(app, log_level="warning", server_header=False, lifespan="off"))
        server.run(sockets=[sock])
    finally:
        sock.close()
