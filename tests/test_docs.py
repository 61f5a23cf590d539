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
