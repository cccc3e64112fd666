"""The float pass: a float it trusts is the value (checked against mpmath at 50 digits), and
where rounding could have lost the value it says so, for mpmath to decide."""

from __future__ import annotations

import random

import mpmath
import pytest
import sympy as sp
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from test_derive import _NON_FINITE, expressions, x

from derivtutor.engine.floats import TRUSTED, values
from derivtutor.engine.numeric import real_roots
from derivtutor.language.functions import relu, sigmoid, softplus
from derivtutor.language.parse import parse

_MPMATH = {
    "sigmoid": lambda t: 1 / (1 + mpmath.exp(-t)),
    "relu": lambda t: max(t, 0),
    "softplus": lambda t: mpmath.log1p(mpmath.exp(t)),  # log(1 + e^t) loses e^t << 1
    "real_power": lambda b, p, q: (-1 if b < 0 and p % 2 else 1) * abs(b) ** (mpmath.mpf(p) / q),
}


def _exact(expr: sp.Expr, point: float) -> mpmath.mpf | None:
    """expr at point, at 50 digits; None where it is not real."""
    f = sp.lambdify([x], real_roots(expr), modules=[_MPMATH, "mpmath"])
    with mpmath.workdps(50):
        try:
            value = f(mpmath.mpf(point))
        except (ValueError, ZeroDivisionError, OverflowError, TypeError):
            return None
        if isinstance(value, mpmath.mpc):
            if abs(value.imag) > mpmath.mpf(10) ** -40:
                return None
            value = value.real
        return value if mpmath.isfinite(value) else None


@settings(deadline=None, max_examples=300)
@given(expressions, st.integers(0, 2**32))
def test_a_trusted_float_is_the_value(expr: sp.Expr, seed: int) -> None:
    assume(not expr.has(*_NON_FINITE))
    rng = random.Random(seed)
    points = [rng.uniform(-3, 3) for _ in range(6)] + [rng.uniform(-40, 40) for _ in range(2)]
    for point, value in zip(points, values(expr, [x], [[p] for p in points]), strict=True):
        if value is None:
            continue
        exact = _exact(expr, point)
        assert exact is not None, (expr, point, value)
        # Trusted means within TRUSTED of the value; allow a factor for the first-order bound.
        assert abs(value - exact) <= 100 * TRUSTED * abs(exact), (expr, point, value, exact)


@pytest.mark.parametrize(
    ("text", "point"),
    [
        ("2x + exp(1000x) - exp(1000x)", 0.5),  # ∞ − ∞: the terms overflow
        ("sin(10^20 pi x)", 0.3),  # the argument's rounding is larger than a period
        ("exp(-800) exp(x)", 0.5),  # e^(−800) underflows to 0
        ("x - 10^20 + 10^20", 0.5),  # cancellation of 20 digits
        ("exp(x)^300 / exp(x)^299", 3.0),  # each power overflows; the quotient does not
        ("exp(-740)", 0.0),  # a subnormal float has lost its digits
        ("exp(-372) exp(-373) cosh(372) cosh(373)", 0.0),  # and so has a product, midway
        ("log(x)", -1.0),  # not real: mpmath says so
        # Near a pole or a zero of f the condition number is unbounded: the argument's own
        # rounding (in x + 1) is amplified past any use.
        ("tan(x + 1)", float(mpmath.pi / 2) - 1),
        ("cos(x + 1)", float(mpmath.pi / 2) - 1),
    ],
)
def test_where_rounding_may_have_lost_the_value_the_float_is_not_trusted(
    text: str, point: float
) -> None:
    expr = parse(text)
    assert values(expr, [x], [[point]]) == [None]


@pytest.mark.parametrize(
    ("expr", "point", "value"),
    [
        (parse("x^(1/3)"), -8.0, -2.0),  # the real odd root, as students mean it
        (parse("x^(2/3)"), -8.0, 4.0),
        (parse("abs(x)"), -2.5, 2.5),
        (parse("heaviside(x)"), -1.0, 0.0),
        (relu(x), -1.0, 0.0),
        (sigmoid(x), -700.0, float(1 / (1 + mpmath.exp(700)))),  # e^(−x) is not worked out
        (softplus(x), 2.0, float(mpmath.log(1 + mpmath.e**2))),
        (parse("x^x"), 2.0, 4.0),
        (parse("sqrt(1 - x^2)"), 0.6, 0.8),
    ],
)
def test_values_the_float_pass_knows(expr: sp.Expr, point: float, value: float) -> None:
    (got,) = values(expr, [x], [[point]])
    assert got == pytest.approx(value, rel=1e-12)


def test_an_exact_argument_is_trusted_even_where_f_is_ill_conditioned() -> None:
    # tan of the double nearest π/2 is computed to within a unit in the last place: only an
    # argument's own error is amplified by the condition number, and a point has none.
    (got,) = values(sp.tan(x), [x], [[float(mpmath.pi / 2)]])
    assert got == pytest.approx(float(mpmath.tan(mpmath.mpf(float(mpmath.pi / 2)))), rel=1e-12)


def test_an_underflow_to_zero_is_not_trusted() -> None:
    assert values(sigmoid(x), [x], [[-800.0]]) == [None]  # e^(−800) is below every float


def test_a_symbol_with_no_coordinate_sends_every_point_to_mpmath() -> None:
    y = sp.Symbol("y", real=True)
    assert values(x + y, [x], [[1.0], [2.0]]) == [None, None]


def test_a_function_the_walk_does_not_know_sends_every_point_to_mpmath() -> None:
    assert values(sp.erf(x), [x], [[1.0], [2.0]]) == [None, None]
