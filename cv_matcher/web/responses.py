"""What the app's middleware and its routes both send: error responses and the inline-script CSP."""
from __future__ import annotations

import base64
import hashlib
import re

from jinja2 import Environment
from starlette.responses import HTMLResponse, JSONResponse, Response

BATCH_FACTOR = 10  # a batch upload may be this many times --max-upload-mb


def error_response(request_path: str, status: int, message: str, templates: Environment | None = None) -> Response:
    """JSON {"error": ...} for the API, a small page otherwise: always one line, never a traceback."""
    message = " ".join(message.split())
    if request_path.startswith("/api/") or templates is None:
        return JSONResponse({"error": message}, status_code=status)
    html = templates.get_template("error.html.j2").render(status=status, message=message, active="")
    return HTMLResponse(html, status_code=status)


def inline_csp(html: str) -> str:
    """A CSP for a page with its own inline script (the batch report): only that script, by hash."""
    hashes = []
    for body in re.findall(r"<script>(.*?)</script>", html, flags=re.S):
        hashes.append("'sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest()).decode() + "'")
    scripts = " ".join(hashes) or "'none'"
    return (f"default-src 'none'; script-src {scripts}; style-src 'unsafe-inline'; "
            "img-src data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
