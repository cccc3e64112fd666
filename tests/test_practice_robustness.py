"""Hostile and unusual input to the practice commands: banks, progress files, answers.

Each case here was found by attacking the practice commands; each must end with a clear
message and the right exit code, and must never lose or destroy what was saved.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from derivtutor.calculus.differentiation import differentiate
from derivtutor.cli import app
from derivtutor.practice.bank import load_bank, validate
from derivtutor.practice.progress import Progress
from derivtutor.practice.quiz import _unbracketed
from derivtutor.render.hints import derivative_hints

runner = CliRunner()
SIN = "chain.sin-of-square"
HEADER = "schema_version: 1\ntopic: t\ntitle: T\n"


def home() -> Path:
    return Path(os.environ["DERIVTUTOR_HOME"])


def bank(tmp_path: Path, body: str, name: str = "t.yaml") -> Path:
    directory = tmp_path / "bank"
    directory.mkdir(exist_ok=True)
    (directory / name).write_text(body, encoding="utf-8")
    return directory


def practise_once() -> None:
    result = runner.invoke(app, ["quiz", "--problem", SIN], input="2x cos(x^2)\n")
    assert result.exit_code == 0, result.output


# --- export never destroys anything ---------------------------------------------------------


def test_export_refuses_to_overwrite_the_store_itself() -> None:
    practise_once()
    store = home() / "progress.sqlite3"
    before = store.read_bytes()
    result = runner.invoke(app, ["progress", "export", str(store), "--force"])
    assert result.exit_code == 2
    assert "the progress store itself" in result.stderr
    assert store.read_bytes() == before


def test_export_keeps_an_existing_file_unless_forced(tmp_path: Path) -> None:
    practise_once()
    target = tmp_path / "mine.json"
    target.write_text("precious", encoding="utf-8")
    result = runner.invoke(app, ["progress", "export", str(target)])
    assert result.exit_code == 2 and "--force" in result.stderr
    assert target.read_text(encoding="utf-8") == "precious"
    assert runner.invoke(app, ["progress", "export", str(target), "--force"]).exit_code == 0
    assert json.loads(target.read_text(encoding="utf-8"))["format"] == "derivtutor-progress"


def test_export_into_a_device_writes_through_it_rather_than_replacing_it() -> None:
    practise_once()
    result = runner.invoke(app, ["progress", "export", os.devnull])
    assert result.exit_code == 0, result.output
    assert not Path(os.devnull).is_file()  # still the device


def test_export_to_a_directory_is_refused(tmp_path: Path) -> None:
    practise_once()
    result = runner.invoke(app, ["progress", "export", str(tmp_path)])
    assert result.exit_code == 2 and "is a directory" in result.stderr


# --- progress files that cannot be used --------------------------------------------------------


def test_a_home_that_is_a_file_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    not_a_directory = tmp_path / "file"
    not_a_directory.write_text("x", encoding="utf-8")
    monkeypatch.setenv("DERIVTUTOR_HOME", str(not_a_directory))
    result = runner.invoke(app, ["quiz", "--problem", SIN], input="2x cos(x^2)\n")
    assert result.exit_code == 2
    assert "it is a file, not a directory" in result.stderr
    assert "Problem 1" not in result.stdout  # refused before a problem is posed


@pytest.mark.parametrize(
    "export",
    [
        "[" * 100_000 + "]" * 100_000,
        json.dumps(
            {
                "format": "derivtutor-progress",
                "version": 1,
                "reviews": [],
                "attempts": [
                    {
                        "time": "2024-01-01T00:00:00+00:00",
                        "problem": "p",
                        "topic": "t",
                        "level": 10**30,
                        "function": "x",
                        "answer": "x",
                        "verdict": "correct",
                        "mistake": None,
                        "hints": 0,
                        "seconds": 1.0,
                    }
                ],
            }
        ),
        json.dumps(
            {
                "format": "derivtutor-progress",
                "version": 1,
                "attempts": [],
                "reviews": [{"time": "9999-12-31T23:59:59-23:59", "problem": "p", "rating": 3}],
            }
        ),
    ],
    ids=["deeply-nested", "huge-level", "time-out-of-range"],
)
def test_a_hostile_import_is_refused_and_stores_nothing(tmp_path: Path, export: str) -> None:
    source = tmp_path / "hostile.json"
    source.write_text(export, encoding="utf-8")
    result = runner.invoke(app, ["progress", "import", str(source)])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert not (home() / "progress.sqlite3").exists()


# --- banks ---------------------------------------------------------------------------------------


def test_a_billion_laughs_bank_is_refused_quickly(tmp_path: Path) -> None:
    levels = ["a: &a [" + ", ".join(['"lol"'] * 9) + "]"]
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        levels.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
    body = HEADER + "\n".join(levels) + "\nproblems:\n  - id: t.a\n    level: 1\n"
    body += '    function: "x^2"\n    tags: *i\n'
    (error,) = load_bank(bank(tmp_path, body)).errors
    assert "aliases" in error.message


def test_a_deeply_nested_bank_file_is_an_error_not_a_crash(tmp_path: Path) -> None:
    (error,) = load_bank(bank(tmp_path, "[" * 50_000 + "]" * 50_000)).errors
    assert "nested too deeply" in error.message


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ('function: "x^2"\n    domain: [-1.0e+308, 1.0e+308]', "less than or equal to 1000000"),
        ('function: "x^2"\n    domain: [-1e308, 1e308]', "as text, not a number"),
        ('function: "x^2"\n    domain: [true, "2"]', "domain"),
        ('function: "x y"\n    variables: [x, x]', "listed twice"),
    ],
)
def test_bank_entries_that_cannot_be_graded_are_refused(
    tmp_path: Path, entry: str, message: str
) -> None:
    body = HEADER + f"problems:\n  - id: t.a\n    level: 1\n    {entry}\n"
    errors = validate(load_bank(bank(tmp_path, body)))
    assert any(message in e.message for e in errors), errors


def test_a_greek_variable_may_be_written_as_a_symbol(tmp_path: Path) -> None:
    body = HEADER + 'problems:\n  - id: t.a\n    level: 1\n    function: "sin(θ) r"\n'
    body += '    variable: "θ"\n    answer: "r cos(theta)"\n'
    loaded = load_bank(bank(tmp_path, body))
    assert loaded.errors == () and validate(loaded) == ()
    assert loaded.problems[0].variables == ("theta",)


def test_bank_list_does_not_hide_errors(tmp_path: Path) -> None:
    body = HEADER + 'problems:\n  - id: t.a\n    level: 1\n    function: "x^2"\n'
    body += '  - id: t.b\n    level: 9\n    function: "x^3"\n'
    result = runner.invoke(app, ["bank", "list", str(bank(tmp_path, body))])
    assert result.exit_code == 2
    assert "1 error in the bank" in result.stderr and "bank validate" in result.stderr


def test_a_problem_the_engine_cannot_grade_is_passed_over(tmp_path: Path) -> None:
    body = HEADER + "problems:\n"
    body += '  - id: t.bad\n    level: 1\n    function: "ln(x)"\n    domain: [-3, -1]\n'
    body += '  - id: t.good\n    level: 1\n    function: "x^2"\n'
    result = runner.invoke(
        app, ["quiz", "--bank", str(bank(tmp_path, body)), "--count", "2"], input="2x\n"
    )
    assert result.exit_code == 0, result.output
    assert "t.bad is passed over" in result.stderr
    assert "[t.good]" in result.stdout and "[t.bad]" not in result.stdout


# --- answers and feedback --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("(2x, 2y)", "2x, 2y"),
        ("[2x, 2y]", "2x, 2y"),
        ("⟨2x, 2y⟩", "2x, 2y"),
        ("(x + 1)", "(x + 1)"),
        ("(x+1)(x-1), 2", "(x+1)(x-1), 2"),
        ("(2x), (2y)", "(2x), (2y)"),
    ],
)
def test_a_gradient_may_be_written_as_a_bracketed_vector(typed: str, read: str) -> None:
    assert _unbracketed(typed) == read


def test_a_bracketed_gradient_answer_is_graded() -> None:
    result = runner.invoke(app, ["quiz", "--problem", "grad.sum-of-squares"], input="(2x, 2y)\n")
    assert result.exit_code == 0 and "✓ Correct." in result.stdout


def test_the_chain_lesson_of_a_partial_derivative_names_its_variable() -> None:
    result = runner.invoke(app, ["check", "(w x + b - y)^2", "2(w x + b - y)", "--wrt", "w"])
    assert "∂/∂w f(u) = f′(u)·∂u/∂w" in result.stdout
    assert "so ∂u/∂w = x" in result.stdout and "du/dx" not in result.stdout


@pytest.mark.parametrize(
    ("function", "wrt", "answer"),
    [
        ("sin(x)", None, "cos(x)"),
        ("sigmoid(x)", None, "σ(x)·(1 − σ(x))"),
        ("5x^4 + 8x^2 - 9", None, "20x³"),
        ("-t ln(p)", "p", "t/p"),
        ("6/x^3", None, "18"),
    ],
)
def test_generated_hints_never_state_the_answer(
    function: str, wrt: str | None, answer: str
) -> None:
    hints = derivative_hints(differentiate(function, wrt=wrt))
    assert hints and not any(answer in hint for hint in hints), hints


def test_the_quiz_falls_back_to_ascii_marks_on_lang_c(monkeypatch: pytest.MonkeyPatch) -> None:
    from derivtutor import terminal

    monkeypatch.setattr(terminal, "ascii_only", lambda: True)
    result = runner.invoke(app, ["quiz", "--problem", SIN], input="cos(x^2)\n2x cos(x^2)\n")
    assert result.stdout.isascii(), [c for c in result.stdout if not c.isascii()]
    assert "OK Correct." in result.stdout and "X Not quite." in result.stdout


def test_review_does_not_announce_a_past_due_time_for_a_problem_not_in_the_bank(
    tmp_path: Path,
) -> None:
    with Progress() as store:
        store.add_review("gone.problem", 1, "2018-01-01T00:00:00+00:00")
    body = HEADER + 'problems:\n  - id: t.a\n    level: 1\n    function: "x^2"\n'
    directory = bank(tmp_path, body)
    runner.invoke(app, ["quiz", "--bank", str(directory)], input="2x\n")
    result = runner.invoke(app, ["review", "--bank", str(directory)], input="")
    assert "2018" not in result.stdout


@pytest.mark.parametrize(
    "typed",
    ["f'(x) = 2x cos(x^2)", "y' = 2x cos(x^2)", "dy/dx = 2x cos(x^2)", "d/dx = 2x cos(x^2)"],
)
def test_an_answer_may_carry_its_left_side(typed: str) -> None:
    result = runner.invoke(app, ["quiz", "--problem", SIN], input=typed + "\n")
    assert "✓ Correct." in result.stdout, result.stdout


@pytest.mark.parametrize(
    ("typed", "meant"), [("hnit", "hint"), ("Help me", "help"), ("stpes", "steps")]
)
def test_a_mistyped_command_is_named_not_parsed(typed: str, meant: str) -> None:
    result = runner.invoke(app, ["quiz", "--problem", SIN], input=typed + "\n")
    assert f"did you mean {meant}?" in result.stdout
    assert "not counted as an attempt" in result.stdout
    with Progress(create=False) as store:
        assert store.attempts() == []


@pytest.mark.parametrize(
    "args",
    [
        ["--problem", SIN, "--topic", "trig"],
        ["--problem", SIN, "--count", "3"],
        ["--generate", "--bank", "problems"],
    ],
)
def test_options_that_contradict_each_other_are_refused(args: list[str]) -> None:
    result = runner.invoke(app, ["quiz", *args], input="")
    assert result.exit_code == 2 and result.stdout == ""


def test_a_topic_in_the_wrong_case_gets_a_suggestion() -> None:
    result = runner.invoke(app, ["quiz", "--topic", "Chain-Rule"], input="")
    assert result.exit_code == 2 and "Did you mean chain-rule?" in result.stderr


def test_a_new_learner_starts_with_the_power_rule_and_meets_every_topic() -> None:
    from derivtutor.practice.quiz import CURRICULUM, review_selection

    problems = list(load_bank().problems)
    chosen, due = review_selection(problems, [], set(), len(CURRICULUM))
    assert due == 0
    assert [p.topic for p in chosen] == list(CURRICULUM)
    assert {p.level for p in chosen} == {1}


def test_a_gradient_problem_names_its_constants() -> None:
    result = runner.invoke(app, ["quiz", "--problem", "grad.linear-squared"], input="quit\n")
    assert "(x, y are constants here)" in result.stdout


def test_the_domain_note_names_every_sampled_variable() -> None:
    result = runner.invoke(app, ["quiz", "--problem", "smax.temperature"], input="quit\n")
    assert "(answers are checked for 0.5 ≤ t, z₁, z₂ ≤ 3)" in result.stdout
