"""Gradient checking, as ML practitioners do it: the derivative at a point beside the central
difference (f(x + h) − f(x − h))/2h.

Evaluation is bounded. Each expression (already parsed, so every name in it is whitelisted) is
compiled once with ``lambdify``: first in double precision, which overflows at once instead of
building a number with billions of digits (x^x^x^x at 10), then with mpmath at a fixed
precision. SymPy's own ``evalf`` raises its precision until it is satisfied, which can take
minutes on sin(e^(x³)) at x = 100, so it is not used here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import mpmath
import sympy as sp

from derivtutor.engine.numeric import DIGITS, Compiled, to_mpf
from derivtutor.language.functions import relu

STEP = mpmath.mpf("1e-6")  # h, as gradient checks in ML use it


@dataclass(frozen=True)
class GradientCheck:
    """The derivative at a point beside a central finite difference.

    A value is None where it is undefined or not real, and ±inf where it is too large for a
    float. ``kink`` marks a corner or jump (|x| or relu at 0): no derivative exists there.
    """

    point: dict[sp.Symbol, sp.Expr]
    value: float | None
    finite_difference: float | None
    kink: bool = False


def gradient_check(
    function: sp.Expr,
    derivative: sp.Expr,
    variable: sp.Symbol,
    point: dict[sp.Symbol, sp.Expr],
) -> GradientCheck:
    """derivative at point, and the central difference of function there."""
    symbols = sorted(point, key=lambda s: s.name)
    floats = [float(point[s].evalf(17)) for s in symbols]  # inputs.parse_point made sure they fit
    # A large x needs its own digits on top of the working precision: cos(10^30) is wrong
    # when 10^30 is rounded, and x ± h must still differ from x.
    digits = DIGITS + 10 + max(0, int(math.log10(max([1.0, *map(abs, floats)]))))
    exact = [to_mpf(point[s], digits) for s in symbols]
    f = Compiled(function, symbols, digits)
    at_point = f(floats, exact)
    value = Compiled(derivative, symbols, digits)(floats, exact) if at_point is not None else None
    difference = None
    if variable in point and at_point is not None and math.isfinite(at_point):
        i = symbols.index(variable)
        with mpmath.workdps(digits):
            ahead = [*exact[:i], exact[i] + STEP, *exact[i + 1 :]]
            behind = [*exact[:i], exact[i] - STEP, *exact[i + 1 :]]
        difference = f.slope(ahead, behind, 2 * STEP)
    # A corner or jump sits where the argument of |u|, relu(u), sign(u) or H(u) is 0.
    kink = any(
        Compiled(call.args[0], symbols, digits)(floats, exact) == 0
        for call in (function + derivative).atoms(sp.Abs, relu, sp.sign, sp.Heaviside)
    )
    return GradientCheck(point, value, difference, kink)
