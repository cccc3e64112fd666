"""A grader nobody can fool (issue 12 §1, §2): answers built to pass the sampling, answers
excused by the size of the derivative, and right answers lost to float overflow.

Each case is one of the issue's own examples, checked through the API and, for the exit
codes, through the CLI."""

from __future__ import annotations

import hashlib
import random

import pytest
import sympy as sp
from typer.testing import CliRunner

from derivtutor import check
from derivtutor.cli import app
from derivtutor.engine.numeric import Compiled
from derivtutor.grading import verdict

runner = CliRunner()
x = sp.Symbol("x", real=True)

# Zero (or tiny) at every point of a grid of rounded coordinates, and far from it elsewhere.
GRID_FORGERIES = [
    ("x^2", "2x + 10^6 sin(10^20 pi x)"),
    ("x^2", "2x + tan(1000 pi x)"),
    ("x^2", "2x + 50 sin(1000 pi x)^2"),
    ("exp(x)", "exp(x)(1 + sin(1000 pi x))"),
]

# A missing term that a tolerance taken from the largest value anywhere would excuse.
MISSING_TERMS = [
    ("x^100 + sin(x)", "100 x^99"),
    ("x^1000 + x^2", "1000 x^999"),
    ("exp(20x) + sin(x)", "20 exp(20x)"),
    ("x^2/10^12", "0"),
]

# Right answers that floats get wrong: ∞ − ∞, 0·∞, and values past the largest float.
OVERFLOWING_RIGHT_ANSWERS = [
    ("x^2", "2x + exp(10^3 x) - exp(10^3 x)"),
    ("x", "1 + 0*x^(-1000)"),
    ("exp(exp(10 + x))", "exp(exp(10 + x)) exp(10 + x)"),
    ("exp(20 x)", "20 exp(20 x)"),
]


@pytest.mark.parametrize(("function", "answer"), GRID_FORGERIES)
def test_an_answer_that_vanishes_on_a_grid_is_wrong(function: str, answer: str) -> None:
    assert check(function, answer).verdict == "incorrect"


@pytest.mark.parametrize(("function", "answer"), GRID_FORGERIES)
@pytest.mark.parametrize("domain", ["-2:2", "0:1", "-100:100"])
def test_a_grid_forgery_is_wrong_on_any_domain(function: str, answer: str, domain: str) -> None:
    assert check(function, answer, domain=domain).verdict == "incorrect"


@pytest.mark.parametrize(("function", "answer"), MISSING_TERMS)
def test_a_missing_term_is_not_excused_by_a_large_derivative(function: str, answer: str) -> None:
    assert check(function, answer).verdict == "incorrect"


@pytest.mark.parametrize(("function", "answer"), OVERFLOWING_RIGHT_ANSWERS)
def test_a_right_answer_survives_float_overflow(function: str, answer: str) -> None:
    assert check(function, answer).verdict == "correct"


def test_twice_an_overflowing_derivative_is_not_the_derivative() -> None:
    # Both are ∞ as floats everywhere near 0; their values are not equal.
    assert check("exp(exp(10 + x))", "2 exp(exp(10 + x)) exp(10 + x)").verdict == "incorrect"


def test_an_overflowing_derivative_against_a_constant_is_incorrect_not_a_crash() -> None:
    result = runner.invoke(app, ["check", "exp(exp(10 + x))", "1"])
    assert result.exit_code == 1, result.output
    assert "Verdict:  incorrect" in result.stdout


def _forged_answer() -> str:
    """2x plus a polynomial that is 0 at each of the public seeded points of check("x^2", …)."""
    seeded = random.Random(int(hashlib.sha256(b"x^2|x").hexdigest()[:16], 16))
    sampler = verdict._Sampler(
        Compiled(2 * x, [x], verdict.DIGITS), [x], (-2.0, 2.0), function=x**2, widen=True
    )
    points = [p[x] for p, _, _ in sampler.draw(seeded, verdict.POINTS)]
    return "2x + " + "*".join(f"(x - ({p!r}))" for p in points)


def test_the_forgery_does_pass_the_public_points(monkeypatch: pytest.MonkeyPatch) -> None:
    # The attack is real: with no fresh points, the forged answer is called correct.
    monkeypatch.setattr(verdict, "FRESH", 0)
    assert check("x^2", _forged_answer()).verdict == "correct"


@pytest.mark.parametrize("run", range(3))
def test_an_answer_built_for_the_public_points_fails_at_fresh_ones(run: int) -> None:
    result = check("x^2", _forged_answer())
    assert result.verdict == "incorrect"
    assert result.witness is not None


@pytest.mark.parametrize(
    ("function", "answer"),
    [("sin(x^2)", "2x cos(x^2)"), ("1/(1+exp(-x))", "exp(-x)/(1+exp(-x))^2")],
)
def test_an_honest_answer_is_correct_on_every_run(function: str, answer: str) -> None:
    assert {check(function, answer).verdict for _ in range(5)} == {"correct"}


def test_a_wrong_answer_shows_the_same_witness_on_every_run() -> None:
    # The witness comes from the seeded points, so a student sees the same numbers twice.
    witnesses = {tuple(check("sin(x^2)", "cos(x^2)").witness.point.values()) for _ in range(3)}  # type: ignore[union-attr]
    assert len(witnesses) == 1


def test_a_sample_point_is_not_rounded() -> None:
    witness = check("sin(x^2)", "cos(x^2)").witness
    assert witness is not None
    (value,) = witness.point.values()
    assert value != round(value, 6)


def test_the_variable_named_with_wrt_is_not_foreign() -> None:
    result = runner.invoke(app, ["check", "9", "t/9", "--wrt", "t"])
    assert result.exit_code == 1, result.output
    assert "Verdict:  incorrect" in result.stdout
    assert "At t = " in result.stdout


def test_a_variable_that_is_neither_named_nor_in_the_function_is_still_refused() -> None:
    result = runner.invoke(app, ["check", "x^2", "2x + y"])
    assert result.exit_code == 2
    assert "your answer uses y" in result.stderr


@pytest.mark.parametrize(
    ("args", "value"),
    [
        (["log(exp(z1)+exp(z2))", "--wrt", "z1", "--at", "z1=710,z2=709"], "0.7310585786"),
        (["log(1+exp(x))", "--at", "x=1000"], "= 1\n"),
    ],
)
def test_at_a_point_where_floats_overflow_the_value_is_still_found(
    args: list[str], value: str
) -> None:
    # The log-sum-exp cases of ML courses: e^710 overflows a float, the answer does not.
    result = runner.invoke(app, ["diff", *args])
    assert result.exit_code == 0, result.output
    assert value in result.stdout
    assert "They agree" in result.stdout
