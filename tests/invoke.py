"""Running the CLI in a test: a command that must succeed, and one that must fail cleanly."""

from __future__ import annotations

from typing import Any

from typer.testing import CliRunner

from derivtutor.cli import app

runner = CliRunner()


def ok(args: list[str], **kwargs: Any) -> str:
    """A successful command: exit 0, nothing on stderr. Returns stdout."""
    result = runner.invoke(app, args, **kwargs)
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    return result.stdout


def fails(args: list[str], code: int = 2) -> str:
    """A failing command: the exit code, nothing on stdout, a message and no traceback."""
    result = runner.invoke(app, args)
    assert result.exit_code == code, result.output
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert "internal error" not in result.stderr
    assert result.stderr.strip()
    return result.stderr
