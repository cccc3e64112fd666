"""Gradient checking: the derivative beside a central difference, bounded on any input."""

from __future__ import annotations

import math

import pytest
import sympy as sp

from derivtutor.calculus.gradient_check import GradientCheck, gradient_check
from derivtutor.engine.derive import derivation
from derivtutor.engine.numeric import constant_value
from derivtutor.errors import InputError, UsageError
from derivtutor.language.inputs import parse_point
from derivtutor.language.parse import parse, variable

x, y = variable("x"), variable("y")


def check(text: str, at: str, wrt: sp.Symbol = x) -> GradientCheck:
    function = parse(text)
    derivative = derivation(function, wrt).eval()
    return gradient_check(
        function, derivative, wrt, parse_point(at, function, to_float=constant_value)
    )


@pytest.mark.parametrize(
    ("text", "at", "expected"),
    [
        ("sin(x)", "x=pi/4", math.sqrt(2) / 2),
        ("sigmoid(x)", "x=1", 0.19661193324148185),
        ("x^3", "x=10^20", 3e40),
        # cos(10^300) needs all 300 digits of the point: a rounded point gives another number.
        ("sin(x)", "x=10^300", float(sp.cos(sp.Integer(10) ** 300).evalf(20))),
        ("softplus(x)", "x=-3", 1 / (1 + math.exp(3))),
    ],
)
def test_smooth_functions_agree(text: str, at: str, expected: float) -> None:
    result = check(text, at)
    assert result.value == pytest.approx(expected, rel=1e-12)
    assert result.finite_difference == pytest.approx(expected, rel=1e-8)
    assert not result.kink


@pytest.mark.parametrize(
    "text",
    ["x^x^x^x", "e^e^e^e^x", "e^e^x", "sin(e^(x^3))"],
)
def test_values_too_large_for_a_float_are_reported_not_computed(text: str) -> None:
    # Each of these would take minutes (or all memory) at exact precision; the 30 s timeout
    # guards against a regression.
    result = check(text, "x=100" if "x^3" in text or text == "e^e^x" else "x=10")
    assert result.value == math.inf
    assert result.finite_difference is None


@pytest.mark.parametrize(
    ("text", "value", "difference"),
    [("relu(x)", 0.0, 0.5), ("abs(x)", 0.0, 0.0), ("heaviside(x)", 0.0, 500000.0)],
)
def test_a_corner_or_jump_is_flagged(text: str, value: float, difference: float) -> None:
    result = check(text, "x=0")
    assert result.kink
    assert result.value == value
    assert result.finite_difference == pytest.approx(difference)


@pytest.mark.parametrize(("text", "at"), [("ln(x)", "x=-1"), ("sqrt(x)", "x=0"), ("1/x", "x=0")])
def test_outside_the_domain_is_undefined(text: str, at: str) -> None:
    assert check(text, at).value is None


def test_a_partial_derivative_holds_the_other_variable() -> None:
    result = check("x^2 y", "x=3,y=2", wrt=y)
    assert result.value == pytest.approx(9)
    assert result.finite_difference == pytest.approx(9)


@pytest.mark.parametrize(
    ("at", "error", "fragment"),
    [
        ("x", InputError, "VAR=VALUE"),
        ("x=", InputError, "VAR=VALUE"),
        ("x=y", InputError, "must be a number"),
        ("x=foo", InputError, "cannot be read"),
        ("x=e^e^e^10", InputError, "too large"),
        ("x=sqrt(-1)", InputError, "not a real number"),
        ("2=1", InputError, "not a variable name"),
    ],
)
def test_bad_points_are_refused(at: str, error: type[Exception], fragment: str) -> None:
    with pytest.raises(error) as caught:
        parse_point(at, parse("x^2"), to_float=constant_value)
    assert fragment in str(caught.value)


def test_every_variable_needs_a_value() -> None:
    with pytest.raises(UsageError, match="missing: y"):
        parse_point("x=1", parse("x y"), to_float=constant_value)
