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
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import mpmath
import sympy as sp

from derivtutor.errors import InputError, UsageError
from derivtutor.functions import relu
from derivtutor.parse import parse, variables

DIGITS = 30
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


def parse_point(text: str, expression: sp.Expr) -> dict[sp.Symbol, sp.Expr]:
    """Read 'x=1.5' or 'x=1, y=pi/4' with the safe parser; every variable needs a value."""
    point: dict[sp.Symbol, sp.Expr] = {}
    for part in text.split(","):
        name, sep, value_text = part.partition("=")
        if not sep or not name.strip() or not value_text.strip():
            raise InputError(
                f"--at expects VAR=VALUE, not {part.strip()!r}",
                text=text,
                column=text.find(part) + 1,
                suggestion="for example --at x=0.5 (or --at x=1,y=2 for several variables)",
            )
        symbol = parse(name.strip())
        column = text.find(part) + 1 + len(part) - len(part.lstrip())
        if not isinstance(symbol, sp.Symbol):
            raise InputError(
                f"--at: {name.strip()!r} is not a variable name",
                text=text,
                column=column,
                suggestion="for example --at x=0.5",
            )
        if expression.free_symbols and symbol not in expression.free_symbols:
            known = ", ".join(v.name for v in variables(expression))
            raise InputError(
                f"--at: {symbol} is not a variable of the expression (its variables: {known})",
                text=text,
                column=column,
                suggestion="give a value for each of the expression's variables, and no others",
            )
        start = text.find(value_text) + len(value_text) - len(value_text.lstrip())
        try:
            value = parse(value_text.strip())
        except InputError as err:
            raise InputError(
                f"--at: the value of {symbol} cannot be read: {err.message}",
                text=text,
                column=start + (err.column or 1),
                suggestion=err.suggestion or "for example --at x=0.5 or --at x=pi/4",
            ) from None
        if value.free_symbols:
            raise InputError(
                f"--at: the value of {symbol} must be a number, not {value_text.strip()!r}",
                text=text,
                column=start + 1,
                suggestion="for example --at x=0.5 or --at x=pi/4",
            )
        rough = _Compiled(value, [])._rough([])
        if rough is None or not math.isfinite(rough):
            raise InputError(
                f"--at: the value of {symbol} is "
                + ("too large" if rough is not None else "not a real number"),
                text=text,
                column=start + 1,
                suggestion="give a real number that fits a float, e.g. --at x=0.5",
            )
        point[symbol] = value
    missing = [v.name for v in variables(expression) if v not in point]
    if missing:
        raise UsageError("--at needs a value for every variable; missing: " + ", ".join(missing))
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
    exact = [_to_mpf(point[s], digits) for s in symbols]
    f = _Compiled(function, symbols, digits)
    at_point = f(floats, exact)
    value = _Compiled(derivative, symbols, digits)(floats, exact) if at_point is not None else None
    difference = None
    if variable in point and at_point is not None and math.isfinite(at_point):
        i = symbols.index(variable)
        with mpmath.workdps(digits):
            ahead = [*exact[:i], exact[i] + STEP, *exact[i + 1 :]]
            behind = [*exact[:i], exact[i] - STEP, *exact[i + 1 :]]
        difference = f.slope(ahead, behind, 2 * STEP)
    # A corner or jump sits where the argument of |u|, relu(u), sign(u) or H(u) is 0.
    kink = any(
        _Compiled(call.args[0], symbols, digits)(floats, exact) == 0
        for call in (function + derivative).atoms(sp.Abs, relu, sp.sign, sp.Heaviside)
    )
    return GradientCheck(point, value, difference, kink)


def _to_mpf(value: sp.Expr, digits: int = DIGITS + 10) -> Any:
    with mpmath.workdps(digits):
        return mpmath.mpf(str(value.evalf(digits)))


def _heaviside(t: Any, at_zero: Any = 0) -> Any:
    return at_zero if t == 0 else (1 if t > 0 else 0)


# Our own functions, for lambdify; SymPy's names map to math and mpmath by themselves.
_FLOAT_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "sigmoid": lambda t: 1 / (1 + math.exp(-t)) if t > -700 else 0.0,
    "relu": lambda t: max(t, 0.0),
    "softplus": lambda t: math.log1p(math.exp(t)) if t < 700 else t,
    "Heaviside": _heaviside,
    "sign": lambda t: (t > 0) - (t < 0),
}
_MPMATH_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "sigmoid": lambda t: 1 / (1 + mpmath.exp(-t)),
    "relu": lambda t: max(t, 0),
    "softplus": lambda t: mpmath.log(1 + mpmath.exp(t)),
    "Heaviside": _heaviside,
    "sign": mpmath.sign,
}


class _Compiled:
    """One expression, compiled for floats (to find overflow cheaply) and for mpmath."""

    def __init__(self, expr: sp.Expr, symbols: list[sp.Symbol], digits: int = DIGITS) -> None:
        self._digits = digits
        # The expression came from the safe parser, so every name in it is whitelisted:
        # compiling it (not user text) is safe, as DESIGN.md says.
        self._float = sp.lambdify(symbols, expr, modules=[_FLOAT_FUNCTIONS, "math"])
        self._mpmath = sp.lambdify(symbols, expr, modules=[_MPMATH_FUNCTIONS, "mpmath"])

    def __call__(self, floats: list[float], exact: list[Any]) -> float | None:
        """The value, or None where undefined, or ±inf where it overflows a float."""
        rough = self._rough(floats)
        if rough is None or not math.isfinite(rough):
            return rough
        precise = self._precise(exact)
        return None if precise is None else float(precise)

    def slope(self, ahead: list[Any], behind: list[Any], width: Any) -> float | None:
        """(f(ahead) − f(behind))/width at high precision: h is small, so the digits cancel."""
        for point in (ahead, behind):
            rough = self._rough([float(v) for v in point])
            if rough is None or not math.isfinite(rough):
                return None
        high, low = self._precise(ahead), self._precise(behind)
        if high is None or low is None:
            return None
        with mpmath.workdps(self._digits):
            return float((high - low) / width)

    def _rough(self, values: list[float]) -> float | None:
        try:
            result = self._float(*values)
        except OverflowError:
            return math.inf
        except (ValueError, ZeroDivisionError, TypeError, NameError):
            # Outside the domain (log of a negative number, 1/0, ...), or a function with no
            # numeric form (SymPy's DiracDelta in an `unknown` step).
            return None
        if isinstance(result, complex):
            return None
        return float(result)

    def _precise(self, values: list[Any]) -> Any:
        with mpmath.workdps(self._digits):
            try:
                result = self._mpmath(*values)
            except (ValueError, ZeroDivisionError, TypeError, OverflowError, NameError):
                return None
            if isinstance(result, mpmath.mpc):
                if abs(result.imag) > mpmath.mpf(10) ** (5 - DIGITS) * max(1, abs(result)):
                    return None
                result = result.real
            return result if mpmath.isfinite(result) else None
