"""`derivtutor check` through Typer's CliRunner: each exit code, each option, each format."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import sympy as sp
from contracts import CHECK_KEYS, WITNESS_KEYS
from typer.testing import CliRunner

from derivtutor.cli import app

runner = CliRunner()


def _run(args: list[str], code: int, **kwargs: Any) -> str:
    """Runs `derivtutor check ARGS`, expecting `code` and a clean stderr; returns stdout."""
    result = runner.invoke(app, ["check", *args], **kwargs)
    assert result.exit_code == code, result.output
    assert result.stderr == ""
    assert "Traceback" not in result.stdout
    return result.stdout


def _fails(args: list[str], **kwargs: Any) -> str:
    """Runs a `check` that is bad input (exit 2): nothing on stdout, a message and no
    traceback on stderr. Returns stderr."""
    result = runner.invoke(app, ["check", *args], **kwargs)
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert result.stderr.strip()
    return result.stderr


# --- exit 0: correct ---------------------------------------------------------------------------


def test_a_correct_answer_exits_0_and_says_how_it_was_read() -> None:
    out = _run(["sin(x^2)", "2x cos(x^2)"], 0)
    assert "Read as:  2x·cos(x²)" in out
    assert "Verdict:  correct" in out
    assert "at all 18 points checked (12 fixed, 6 drawn afresh on this run), with x from " in out
    assert "Likely mistake" not in out


@pytest.mark.parametrize(
    ("function", "answer"),
    [
        ("1/(1+exp(-x))", "sigmoid(x)(1-sigmoid(x))"),
        ("tanh(x)", "1 - tanh(x)^2"),
        ("abs(x)", "|x|/x"),
        ("relu(x)", "heaviside(x)"),
        ("x^x", "e^(x ln(x)) (ln(x) + 1)"),
    ],
)
def test_equivalent_forms_exit_0(function: str, answer: str) -> None:
    assert "Verdict:  correct" in _run([function, answer], 0)


# --- exit 1: incorrect ---------------------------------------------------------------------------


def test_a_wrong_answer_exits_1_with_witness_and_mistake() -> None:
    out = _run(["sin(x^2)", "cos(x^2)"], 1)
    assert "Read as:  cos(x²)" in out
    assert "Verdict:  incorrect" in out
    assert "At x = " in out and "your answer gives" in out and "the derivative is" in out
    assert "Likely mistake (missing_chain_factor), in sin(x²)" in out
    assert "the chain factor 2x is missing" in out
    assert "The derivative is 2x·cos(x²)." in out


def test_the_witness_line_shows_the_numbers() -> None:
    data = json.loads(_run(["sin(x^2)", "cos(x^2)", "--format", "json"], 1))
    w = data["witness"]
    out = _run(["sin(x^2)", "cos(x^2)"], 1)
    line = f"At x = {w['point']['x']:.4g}, your answer gives {w['got']:.4g}, "
    line += f"but the derivative is {w['expected']:.4g}."
    assert line.replace("-", "−") in out  # a true minus sign, as in the maths


def test_an_answer_undefined_at_the_witness_says_so() -> None:
    out = _run(["1/x", "ln(x)"], 1)
    assert "your answer is undefined" in out
    assert "Likely mistake (integrated)" in out


def test_a_wrong_answer_no_mistake_explains_still_has_a_witness() -> None:
    out = _run(["x^2", "2x + 1"], 1)
    assert "At x = " in out
    assert "Likely mistake" not in out


def test_other_fitting_mistakes_are_listed() -> None:
    out = _run(["ln(2x)", "1/(2x)"], 1)
    assert "Likely mistake (log_missing_inner)" in out
    assert "Your answer also fits: missing_chain_factor, constant_factor" in out


# --- exit 2: undecided and bad input -------------------------------------------------------------


@pytest.mark.parametrize("function", ["sqrt(-x^2-1)", "log(-(x^2)-1)"])
def test_no_real_points_is_undecided_exit_2_with_a_domain_hint(function: str) -> None:
    out = _run([function, "0"], 2)
    assert "Verdict:  undecided" in out
    assert "--domain" in out
    assert "not your answer" in out


@pytest.mark.parametrize(
    ("answer", "column", "message"),
    [
        ("2x +", 5, "ends with '+'"),
        ("sin x", 5, "parentheses"),
        ("2x cos(x^2", None, ""),
        ("exec('1')", 1, "unknown function 'exec'"),
        ("__import__('os').system('touch /tmp/pwned')", 1, "unexpected character"),
    ],
)
def test_an_answer_that_cannot_be_read_exits_2_with_a_caret(
    answer: str, column: int | None, message: str
) -> None:
    err = _fails(["x^2", answer])
    assert message in err
    assert f"  {answer}\n" in err
    if column is not None:
        assert "\n  " + " " * (column - 1) + "^" in err
    else:
        assert "^" in err


def test_a_function_that_cannot_be_read_exits_2() -> None:
    err = _fails(["sin(x^2", "2x cos(x^2)"])
    assert "^" in err


def test_a_foreign_variable_exits_2_and_names_it() -> None:
    err = _fails(["x^2", "2t"])
    assert "your answer uses t" in err
    assert "x" in err


def test_several_variables_without_wrt_exit_2() -> None:
    assert "--wrt" in _fails(["x^2 y", "2x y"])


@pytest.mark.parametrize(("domain", "message"), [("3", "a:b"), ("2:1", "a < b"), ("a:b", "'a'")])
def test_a_bad_domain_exits_2(domain: str, message: str) -> None:
    assert message in _fails(["x^2", "2x", "--domain", domain])


# --- options ---------------------------------------------------------------------------------


def test_wrt_checks_a_partial_derivative() -> None:
    assert "Verdict:  correct" in _run(["x^2 y", "2x y", "--wrt", "x"], 0)
    assert "Verdict:  correct" in _run(["x^2 y + sin(y)", "x^2 + cos(y)", "--wrt", "y"], 0)
    out = _run(["x^2 y", "2x", "--wrt", "x"], 1)
    assert "At x = " in out and ", y = " in out


def test_domain_sets_where_points_are_drawn() -> None:
    # 2|x| is the derivative of x² only for x ≥ 0.
    assert "Verdict:  correct" in _run(["x^2", "2*abs(x)", "--domain", "0:3"], 0)
    assert "Verdict:  incorrect" in _run(["x^2", "2*abs(x)", "--domain", "-3:-1"], 1)
    assert "Verdict:  correct" in _run(["x^(5/3)", "(5/3)*x^(2/3)", "--domain", "-3:-1"], 0)
    assert "Verdict:  correct" in _run(["sqrt(x-3)", "1/(2 sqrt(x-3))", "--domain=3:5"], 0)


def test_domain_reaches_a_verdict_where_the_default_cannot() -> None:
    data = json.loads(_run(["x^2", "2x + 1", "--domain", "-pi:pi", "--format", "json"], 1))
    assert -3.15 <= data["witness"]["point"]["x"] <= 3.15


def test_steps_shows_the_correct_derivation_after_the_verdict() -> None:
    out = _run(["sin(x^2)", "cos(x^2)", "--steps"], 1)
    assert "The correct derivation:" in out
    assert "Chain rule, with u₁ = x²" in out
    assert "Result: d/dx [sin(x²)] = 2x·cos(x²)" in out
    assert out.index("Verdict:") < out.index("The correct derivation:") < out.index("Result:")
    assert "The correct derivation:" not in _run(["sin(x^2)", "cos(x^2)"], 1)


def test_steps_of_a_partial_derivative() -> None:
    out = _run(["x^2 y", "2x y", "--wrt", "x", "--steps"], 0)
    assert "y is held constant" in out
    assert "∂/∂x [x²·y] = 2x·y" in out


def test_json_is_exactly_the_check_shape() -> None:
    result = runner.invoke(app, ["check", "sin(x^2)", "cos(x^2)", "--format", "json"])
    assert result.exit_code == 1
    data = json.loads(result.stdout)  # nothing else on stdout
    assert set(data) == CHECK_KEYS
    assert data["function"] == "sin(x**2)"
    assert data["variable"] == "x"
    assert data["answer"] == "cos(x^2)"
    assert data["read_as"] == "cos(x**2)"
    assert data["verdict"] == "incorrect"
    assert data["mistake"] == "missing_chain_factor"
    assert data["also"] == []
    assert data["where"] == "sin(x**2)"
    assert "the chain factor 2x is missing" in data["message"]
    assert set(data["witness"]) == WITNESS_KEYS
    x = sp.Symbol("x", real=True)
    at = data["witness"]["point"]["x"]
    assert data["witness"]["expected"] == pytest.approx(float(2 * at * sp.cos(at**2)))
    assert data["witness"]["got"] == pytest.approx(float(sp.cos(sp.Float(at) ** 2)))
    assert sp.sympify(data["where"], locals={"x": x}) == sp.sin(x**2)


@pytest.mark.parametrize(
    ("args", "code", "verdict"),
    [
        (["x^2", "2x"], 0, "correct"),
        (["sqrt(-x^2-1)", "0"], 2, "undecided"),
        (["x^2 y", "2x", "--wrt", "x"], 1, "incorrect"),
    ],
)
def test_json_for_each_verdict(args: list[str], code: int, verdict: str) -> None:
    data = json.loads(_run([*args, "--format", "json"], code))
    assert set(data) == CHECK_KEYS
    assert data["verdict"] == verdict
    if verdict == "incorrect":
        assert set(data["witness"]["point"]) == {"x", "y"}
    else:
        assert data["witness"] is None and data["mistake"] is None


def test_json_with_steps_is_still_only_json() -> None:
    out = _run(["x^2", "2x", "--format", "json", "--steps"], 0)
    assert set(json.loads(out)) == CHECK_KEYS


def test_markdown_format() -> None:
    out = _run(["sin(x^2)", "cos(x^2)", "--format", "markdown"], 1)
    assert "Read as:  $\\cos{\\left(x^{2} \\right)}$" in out
    assert "Verdict:  incorrect" in out
    assert "missing\\_chain\\_factor" in out
    assert "$2 x \\cos{\\left(x^{2} \\right)}$" in out
    with_steps = _run(["sin(x^2)", "cos(x^2)", "--format", "markdown", "--steps"], 1)
    assert "**Result:**" in with_steps


def test_text_is_the_default_when_piped() -> None:
    args = ["sin(x^2)", "cos(x^2)"]
    assert _run(args, 1) == _run([*args, "--format", "text"], 1)


def test_an_answer_starting_with_a_minus_works_after_double_dash() -> None:
    out = _run(["--", "cos(x)", "-sin(x)"], 0)
    assert "Read as:  −sin(x)" in out
    assert "Verdict:  correct" in out
    out = _run(["--", "x^2", "-2x"], 1)
    assert "Likely mistake (sign_flipped)" in out


@pytest.mark.parametrize(
    "args",
    [
        ["cos(x)", "-sin(x)"],
        ["--domain", "0:1", "cos(x)", "-sin(x)"],
        ["cos(x)", "-sin(x)", "--domain", "0:1"],
        ["cos(x)", "--", "-sin(x)"],
        ["-cos(x)", "sin(x)"],
    ],
)
def test_an_answer_starting_with_a_minus_is_an_answer(args: list[str]) -> None:
    # The commonest answer of all: -sin(x) is not an option.
    assert "Verdict:  correct" in _run(args, 0)


def test_the_function_can_come_from_stdin() -> None:
    assert "Verdict:  correct" in _run(["-", "2x cos(x^2)"], 0, input="sin(x^2)\n")


def test_help_has_an_example() -> None:
    result = runner.invoke(app, ["check", "--help"])
    assert result.exit_code == 0
    assert 'derivtutor check "sin(x^2)" "cos(x^2)"' in result.stdout


@pytest.mark.parametrize(
    ("option", "nearest"), [("--wtr", "--wrt"), ("--domian", "--domain"), ("--oder", "--order")]
)
def test_a_mistyped_option_gets_the_nearest_real_one(option: str, nearest: str) -> None:
    result = runner.invoke(app, ["check", "x^2", "2x", option, "x"])
    assert result.exit_code == 2
    assert f"No such option: {option}. Did you mean {nearest}?" in result.stderr


def test_an_option_value_that_starts_with_a_minus_stays_a_value() -> None:
    result = runner.invoke(app, ["check", "x^2", "2x", "--order", "-1"])
    assert result.exit_code == 2
    assert "-1 is not in the range" in result.stderr


def test_the_readme_shows_what_check_prints() -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    shown = readme.split('$ derivtutor check "sin(x^2)" "cos(x^2)"\n', 1)[1].split("```", 1)[0]
    result = runner.invoke(app, ["check", "sin(x^2)", "cos(x^2)", "--format", "text"])
    assert result.stdout == shown
