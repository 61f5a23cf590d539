"""`cv-matcher serve`: the web app on this computer."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from .options import guarded, reading_context, reading_options


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (anything but loopback is reachable by others).")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Results store: web batches are saved there, and its stored results can be browsed.")
@click.option("--max-upload-mb", type=click.FloatRange(min=0.001), default=20.0, show_default=True,
              help="Refuse uploads larger than this (a batch upload: ten times this).")
@reading_options
@guarded
def serve(host: str, port: int, db: Path | None, max_upload_mb: float, **opts: Any) -> None:
    """Run the web app on this computer: score, classify, match and batch in a browser, plus a JSON API.

    Needs the 'web' extra (pip install '.[web]'). Open the address it prints.

    Example: cv-matcher serve --db .cv-matcher/results.sqlite
    """
    try:
        from ..web.app import ServeError, WebConfig, is_loopback, serve as run_server
    except ImportError as exc:
        raise click.ClickException(f"the web app needs the 'web' extra ({exc.name} is missing): pip install '.[web]'") from None
    if not is_loopback(host):
        click.echo(f"cv-matcher: warning: listening on {host}: anyone who can reach this machine can upload documents "
                   "and read the results (use the default 127.0.0.1 to keep it private)", err=True)
    ctx = reading_context(**opts)
    if ctx["limits"].max_file_bytes > max_upload_mb * 1024 * 1024:  # one file cannot be bigger than its upload
        from dataclasses import replace

        ctx["limits"] = replace(ctx["limits"], max_file_bytes=int(max_upload_mb * 1024 * 1024))
    try:
        run_server(WebConfig(host=host, port=port, lexicon=ctx["lexicon"], db=db, max_upload_mb=max_upload_mb, limits=ctx["limits"],
                             pdf_engine=ctx["pdf_engine"]))
    except ServeError as exc:
        click.echo(f"cv-matcher: error: {exc}", err=True)
        raise click.exceptions.Exit(1) from None
