"""Keep the docs honest: every command is in the README and has help with an example."""
from __future__ import annotations

import click
import pytest

from cv_matcher.cli import cli
from conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _commands(group: click.Group, prefix: str = ""):
    for name, command in sorted(group.commands.items()):
        yield f"{prefix}{name}", command
        if isinstance(command, click.Group):
            yield from _commands(command, f"{prefix}{name} ")


COMMANDS = list(_commands(cli))


@pytest.mark.parametrize("name, command", COMMANDS, ids=[c[0] for c in COMMANDS])
def test_command_is_documented(name: str, command: click.Command) -> None:
    assert f"cv-matcher {name}" in README, f"README.md does not mention 'cv-matcher {name}'"
    assert command.help, f"{name} has no help"
    if not isinstance(command, click.Group):
        assert "Example: cv-matcher" in command.help, f"{name} help has no runnable example"


def test_readme_shows_the_two_commands_a_newcomer_needs() -> None:
    first_screen = "\n".join(README.splitlines()[:40])
    assert "pytest" in first_screen and "cv-matcher batch sample_cvs" in first_screen


def test_readme_python_api_example_runs(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """The README's Python API example runs as written (from the checkout's root)."""
    block = README.split("## Python API", 1)[1].split("```python\n", 1)[1].split("```", 1)[0]
    monkeypatch.chdir(ROOT)
    exec(compile(block, "README.md", "exec"), {})  # noqa: S102 - the project's own documentation
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("3 PMO / Project Support Analyst") and len(out) == 5
