"""The tree-walking float evaluator that diagnosis uses agrees with the compiled one."""

from __future__ import annotations

import math
import random

import pytest
import sympy as sp
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from test_derive import _NON_FINITE, expressions, x

from derivtutor.engine.numeric import float_function, float_values
from derivtutor.language.parse import parse


def _same(walked: float | None, compiled: float | None) -> bool:
    if walked is None or compiled is None:
        return walked is compiled
    if math.isinf(walked) or math.isinf(compiled):
        return walked == compiled
    return math.isclose(walked, compiled, rel_tol=1e-9, abs_tol=1e-12)


def _points(seed: int) -> list[dict[sp.Symbol, float]]:
    rng = random.Random(seed)
    return [{x: rng.uniform(-3, 3)} for _ in range(6)]


@settings(deadline=None, max_examples=150)
@given(expressions, st.integers(0, 2**32))
def test_walking_the_tree_gives_what_lambdify_gives(expr: sp.Expr, seed: int) -> None:
    assume(not expr.has(*_NON_FINITE))
    points = _points(seed)
    compiled = float_function(expr, [x])
    walked = float_values(expr, [x], points)
    for point, value in zip(points, walked, strict=True):
        assert _same(value, compiled([point[x]])), (expr, point)


@pytest.mark.parametrize(
    "text",
    ["(x-1)^(2/3)", "(x-1)^(1/3)", "x^(-5/3)", "sqrt(1-x^2)", "asec(x)", "acot(x)", "x^x",
     "heaviside(x)", "sign(x)", "exp(1000*x)", "1/x", "log(x, 2)", "softplus(x)"],
)  # fmt: skip
def test_real_roots_domains_and_overflow_agree(text: str) -> None:
    expr = parse(text).doit()
    (var,) = expr.free_symbols
    points = [{var: v} for v in (-2.5, -1.0, -0.3, 0.0, 0.4, 1.0, 2.7)]
    compiled = float_function(expr, [var])
    walked = float_values(expr, [var], points)
    for point, value in zip(points, walked, strict=True):
        assert _same(value, compiled([point[var]])), (text, point)
