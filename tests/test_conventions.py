"""The conventions of a modern CLI (issue 15 §4): config.toml with options over it, the pager
as git has it, shell completion, colour on verdicts and errors, NO_COLOR respected."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from invoke import fails, ok, runner

from derivtutor import config
from derivtutor.cli import app

REPO = Path(__file__).parent.parent
SCRIPT = str(Path(sys.executable).parent / "derivtutor")  # the console script, as installed


@pytest.fixture
def home(tmp_path: Path) -> Path:
    home = Path(os.environ["DERIVTUTOR_HOME"])
    home.mkdir(parents=True, exist_ok=True)
    return home


def _configure(home: Path, text: str) -> Path:
    path = home / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


# --- config.toml -----------------------------------------------------------------------------


def test_the_file_is_where_platformdirs_says_or_in_the_home(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert config.path() == home / "config.toml"
    monkeypatch.delenv("DERIVTUTOR_HOME")
    from platformdirs import user_config_path

    assert config.path() == user_config_path("derivtutor") / "config.toml"


def test_without_a_file_every_setting_is_its_default(home: Path) -> None:
    data = json.loads(ok(["config", "--format", "json"]))
    assert data["exists"] is False
    assert {k: v["from"] for k, v in data["settings"].items()} == dict.fromkeys(
        ["format", "detail", "domain", "color", "pager"], "default"
    )


def test_the_file_is_read_and_options_override_it(home: Path) -> None:
    path = _configure(home, 'format = "json"\ndetail = "brief"\n')
    data = json.loads(ok(["diff", "x^2 sin(x)"]))  # json, from the file
    assert data["derivative"] == "x*(x*cos(x) + 2*sin(x))"
    text = ok(["diff", "x^2 sin(x)", "--format", "text"])  # the option wins
    assert text.startswith("\nResult: d/dx [x²·sin(x)]")  # brief, from the file
    assert "by the product, power and trig rules" in text
    full = ok(["diff", "x^2 sin(x)", "--format", "text", "--detail", "normal"])
    assert full.startswith("d/dx [x²·sin(x)]\n\n1. Product rule")
    shown = json.loads(ok(["config", "--format", "json"]))
    assert shown["settings"]["format"] == {"value": "json", "from": str(path)}
    assert shown["settings"]["detail"] == {"value": "brief", "from": str(path)}
    assert shown["settings"]["color"] == {"value": "auto", "from": "default"}


def test_the_domain_setting_is_checks_default(home: Path) -> None:
    # sqrt(x) has no real derivative on [-2, 0): with the file's domain, check can decide.
    _configure(home, 'domain = "1:4"\n')
    out = ok(["check", "--format", "json", "sqrt(x)", "1/(2 sqrt(x))"])
    assert json.loads(out)["verdict"] == "correct"
    point = json.loads(
        runner.invoke(app, ["check", "--format", "json", "sqrt(x)", "1/sqrt(x)"]).stdout
    )
    assert 1 <= point["witness"]["point"]["x"] <= 4


def test_config_text_names_each_source(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _configure(home, 'pager = false\ncolor = "always"\n')
    monkeypatch.setenv("NO_COLOR", "1")
    out = ok(["config", "--format", "text"])
    lines = {line.split()[0]: line for line in out.splitlines() if line}
    assert lines["pager"].split()[1:] == ["off", "config.toml"]
    assert lines["color"].split()[1:] == ["never", "environment", "(NO_COLOR)"]
    assert f"Configuration file: {path}" in out


def test_a_latex_default_falls_back_where_there_is_no_latex(home: Path) -> None:
    _configure(home, 'format = "latex"\n')
    assert ok(["config"]).startswith("setting")  # a table: text, not refused
    assert "\\begin{align*}" in ok(["diff", "x^2"])  # where there is LaTeX, LaTeX
    assert "no LaTeX form" in fails(["stats", "--format", "latex"])  # asked for: refused


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ('formt = "text"\n', "there is no setting 'formt'. Did you mean format?"),
        ('format = "txt"\n', "format is one of rich, text, latex, markdown, json, not 'txt'"),
        ("detail = 3\n", "detail is one of brief, normal, full, not 3"),
        ('domain = "0-3"\n', 'domain is written as "a:b"'),
        ("format = \n", "is not valid TOML"),
    ],
)
def test_a_bad_file_is_a_clear_error(home: Path, text: str, words: str) -> None:
    path = _configure(home, text)
    err = fails(["diff", "x^2"])
    assert str(path) in err and words in err


# --- the pager -------------------------------------------------------------------------------


def test_piped_output_is_never_paged(home: Path, tmp_path: Path) -> None:
    paged = tmp_path / "paged"
    env = dict(os.environ, PAGER=f"tee {paged} > /dev/null")
    out = subprocess.run(
        [sys.executable, "-m", "derivtutor", "rules"], capture_output=True, text=True, env=env
    )
    assert out.returncode == 0 and "chain" in out.stdout
    assert not paged.exists()


@pytest.fixture
def pexpect() -> Any:
    if sys.platform == "win32":
        pytest.skip("pexpect.spawn needs a POSIX pseudo-terminal")
    return pytest.importorskip("pexpect")


def _on_a_terminal(pexpect: Any, args: list[str], **env: str) -> str:
    environment = {**os.environ, "TERM": "dumb", **env}
    environment.pop("COLUMNS", None)
    child = pexpect.spawn(
        sys.executable,
        ["-m", "derivtutor", *args],
        env=environment,
        cwd=str(REPO),
        encoding="utf-8",
        timeout=30,
        dimensions=(20, 80),
    )
    child.logfile_read = io.StringIO()
    child.expect(pexpect.EOF)
    child.close()
    return str(child.logfile_read.getvalue())


def test_output_taller_than_the_terminal_goes_through_the_pager(
    pexpect: Any, tmp_path: Path
) -> None:
    paged = tmp_path / "paged"
    _on_a_terminal(pexpect, ["rules"], PAGER=f"tee {paged} > /dev/null")
    assert "chain" in paged.read_text()  # the whole table went to the pager


def test_the_pager_gets_less_options_as_git_gives_them(pexpect: Any, tmp_path: Path) -> None:
    seen = tmp_path / "less"
    _on_a_terminal(pexpect, ["rules"], PAGER=f"sh -c 'echo \"$LESS\" > {seen}; cat >/dev/null'")
    assert seen.read_text().strip() == "FRX"
    _on_a_terminal(
        pexpect, ["rules"], PAGER=f"sh -c 'echo \"$LESS\" > {seen}; cat >/dev/null'", LESS="R"
    )
    assert seen.read_text().strip() == "R"  # the user's own LESS is kept


@pytest.mark.parametrize("where", ["before", "after"])
def test_no_pager_writes_to_the_terminal(pexpect: Any, tmp_path: Path, where: str) -> None:
    paged = tmp_path / "paged"
    args = ["--no-pager", "rules"] if where == "before" else ["rules", "--no-pager"]
    shown = _on_a_terminal(pexpect, args, PAGER=f"tee {paged} > /dev/null")
    assert not paged.exists()
    assert "chain" in shown


def test_short_output_is_not_paged(pexpect: Any, tmp_path: Path) -> None:
    paged = tmp_path / "paged"
    shown = _on_a_terminal(pexpect, ["diff", "x^2"], PAGER=f"tee {paged} > /dev/null")
    assert not paged.exists()
    assert "2x" in shown


def test_the_config_can_turn_the_pager_off(pexpect: Any, home: Path, tmp_path: Path) -> None:
    _configure(home, "pager = false\n")
    paged = tmp_path / "paged"
    _on_a_terminal(pexpect, ["rules"], PAGER=f"tee {paged} > /dev/null")
    assert not paged.exists()


# --- completion and the version --------------------------------------------------------------


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_show_completion_prints_a_script(shell: str) -> None:
    out = subprocess.run(
        [SCRIPT, "--show-completion", shell],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "_DERIVTUTOR_COMPLETE" in out
    assert {"bash": "complete -o default -F", "zsh": "compdef", "fish": "complete --command"}[
        shell
    ] in out


def _complete(words: str) -> list[str]:
    env = dict(
        os.environ,
        _DERIVTUTOR_COMPLETE="complete_bash",
        COMP_WORDS=words,
        COMP_CWORD=str(len(words.split()) - 1),
    )
    out = subprocess.run([SCRIPT], capture_output=True, text=True, env=env, check=True)
    return out.stdout.split()


def test_topics_and_problem_ids_complete_from_the_bank() -> None:
    assert _complete("derivtutor quiz --topic chain") == ["chain-rule"]
    ids = _complete("derivtutor quiz --problem chain.si")
    assert "chain.sin-of-square" in ids and all(i.startswith("chain.si") for i in ids)
    assert _complete("derivtutor sta") == ["stats"]


def test_dash_v_shows_the_version() -> None:
    from derivtutor import __version__

    assert ok(["-V"]) == f"derivtutor {__version__}\n"


# --- colour ------------------------------------------------------------------------------------


def test_check_verdicts_are_coloured_on_a_terminal(pexpect: Any) -> None:
    wrong = _on_a_terminal(pexpect, ["check", "sin(x^2)", "cos(x^2)"], TERM="xterm-256color")
    right = _on_a_terminal(pexpect, ["check", "sin(x^2)", "2x cos(x^2)"], TERM="xterm-256color")
    assert "\x1b[31mVerdict:  incorrect" in wrong
    assert "\x1b[32mVerdict:  correct" in right


def test_errors_are_red_on_a_terminal_and_plain_with_no_color(pexpect: Any) -> None:
    red = _on_a_terminal(pexpect, ["diff", "sin x"], TERM="xterm-256color")
    assert "\x1b[31merror: the function sin needs parentheses" in red
    plain = _on_a_terminal(pexpect, ["diff", "sin x"], TERM="xterm-256color", NO_COLOR="1")
    assert "\x1b[" not in plain and "error: the function sin needs parentheses" in plain
    plain = _on_a_terminal(pexpect, ["diff", "sin x"], TERM="dumb")
    assert "\x1b[" not in plain
    plain = _on_a_terminal(pexpect, ["check", "sin(x^2)", "cos(x^2)"], NO_COLOR="1")
    assert "\x1b[" not in plain and "Verdict:  incorrect" in plain
