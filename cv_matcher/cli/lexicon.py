"""`cv-matcher lexicon check` and `lexicon show`."""
from __future__ import annotations

from pathlib import Path

import click

from .options import guarded, quiet_option


@click.group()
def lexicon() -> None:
    """Check or list the lexicon (the vocabulary and the ladder's weights)."""


@lexicon.command("check")
@click.argument("path", required=False, type=click.Path(path_type=Path))
@quiet_option
@guarded
def lexicon_check(path: Path | None, quiet: bool) -> None:
    """Validate a lexicon folder and list every problem at once (default: the shipped lexicon).

    Example: cv-matcher lexicon check my_lexicon/
    """
    from ..errors import LexiconError
    from ..api import load_lexicon

    try:
        lex = load_lexicon(path)
    except LexiconError as exc:
        click.echo(f"cv-matcher: lexicon {exc.path}: {len(exc.problems)} problem(s)", err=True)
        for problem in exc.problems:
            click.echo(f"  - {problem}", err=True)
        raise click.exceptions.Exit(1) from None
    kinds: dict[str, int] = {}
    for term in lex.terms.values():
        kinds[term.kind] = kinds.get(term.kind, 0) + 1
    summary = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items()))
    if not quiet:  # the exit status says it
        click.echo(f"{lex.path}: OK - {lex.name} {lex.version}: {len(lex.terms)} terms ({summary}), {len(lex.ranks)} levels")


@lexicon.command("show")
@click.option("--kind", type=click.Choice(["duty", "skill", "tool", "title", "certification", "experience"]), default=None)
@click.option("--lexicon", "lexicon_path", type=click.Path(file_okay=False, path_type=Path), default=None)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@guarded
def lexicon_show(kind: str | None, lexicon_path: Path | None, fmt: str) -> None:
    """List the lexicon's terms: id, kind, level weights and label.

    Example: cv-matcher lexicon show --kind certification
    """
    from ..api import load_lexicon

    lex = load_lexicon(lexicon_path)
    terms = [t for t in sorted(lex.terms.values(), key=lambda t: (t.kind, t.id)) if kind is None or t.kind == kind]
    if fmt == "json":
        import json

        click.echo(json.dumps([{"id": t.id, "kind": t.kind, "label": t.label, "family": t.family,
                                "levels": {str(r): w for r, w in t.levels}, "aliases": list(t.aliases)} for t in terms],
                              indent=2, ensure_ascii=False))
        return
    for term in terms:
        weights = " ".join(f"L{r}:{w:g}" for r, w in term.levels) or f"({term.family})"
        click.echo(f"{term.id:<32} {term.kind:<13} {weights:<28} {term.label}")
