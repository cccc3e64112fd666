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
from derivtutor.errors import InputError, UsageError
from derivtutor.language.functions import relu
from derivtutor.language.parse import parse, variables

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


def parse_point(text: str, expression: sp.Expr, option: str = "--at") -> dict[sp.Symbol, sp.Expr]:
    """Read 'x=1.5' or 'x=1, y=pi/4' with the safe parser; every variable needs a value.
    ``option`` names the option in messages (--at, --start)."""
    point: dict[sp.Symbol, sp.Expr] = {}
    for part in text.split(","):
        name, sep, value_text = part.partition("=")
        if not sep or not name.strip() or not value_text.strip():
            raise InputError(
                f"{option} expects VAR=VALUE, not {part.strip()!r}",
                text=text,
                column=text.find(part) + 1,
                suggestion=(
                    f"for example {option} x=0.5 (or {option} x=1,y=2 for several variables)"
                ),
            )
        symbol = parse(name.strip())
        column = text.find(part) + 1 + len(part) - len(part.lstrip())
        if not isinstance(symbol, sp.Symbol):
            raise InputError(
                f"{option}: {name.strip()!r} is not a variable name",
                text=text,
                column=column,
                suggestion=f"for example {option} x=0.5",
            )
        if expression.free_symbols and symbol not in expression.free_symbols:
            known = ", ".join(v.name for v in variables(expression))
            raise InputError(
                f"{option}: {symbol} is not a variable of the expression (its variables: {known})",
                text=text,
                column=column,
                suggestion="give a value for each of the expression's variables, and no others",
            )
        start = text.find(value_text) + len(value_text) - len(value_text.lstrip())
        try:
            value = parse(value_text.strip())
        except InputError as err:
            raise InputError(
                f"{option}: the value of {symbol} cannot be read: {err.message}",
                text=text,
                column=start + (err.column or 1),
                suggestion=err.suggestion or f"for example {option} x=0.5 or {option} x=pi/4",
            ) from None
        if value.free_symbols:
            raise InputError(
                f"{option}: the value of {symbol} must be a number, not {value_text.strip()!r}",
                text=text,
                column=start + 1,
                suggestion=f"for example {option} x=0.5 or {option} x=pi/4",
            )
        rough = Compiled(value, [])._rough([])
        if rough is None or not math.isfinite(rough):
            raise InputError(
                f"{option}: the value of {symbol} is "
                + ("too large" if rough is not None else "not a real number"),
                text=text,
                column=start + 1,
                suggestion=f"give a real number that fits a float, e.g. {option} x=0.5",
            )
        point[symbol] = value
    missing = [v.name for v in variables(expression) if v not in point]
    if missing:
        raise UsageError(
            f"{option} needs a value for every variable; missing: " + ", ".join(missing)
        )
    return point


def gradient_check(
    function: sp.Expr,
    derivative: sp.Expr,
    variable: sp.Symbol,
    point: dict[sp.Symbol, sp.Expr],
) -> GradientCheck:
    """derivative at point, and the central difference of function there."""
    symbols = sorted(point, key=lambda s: s.name)
    floats = [float(point[s].evalf(17)) for s in symbols]  # parse_point made sure they fit
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
