"""Values in double precision that know how far to trust themselves.

An expression is walked once for many points at a time. Each value carries a bound on its
relative rounding error, propagated to first order with each operation's condition number: a
sum's error grows by the size of its terms over the size of the sum (cancellation), a
function's by |u·f′(u)/f(u)| (sin of a large u, exp of a large u, log near 1).

Where the bound is small the float is the value, to far more digits than a grader's tolerance
needs, and no work at higher precision is done. Where it is not (overflow, a division by a
number that may have underflowed, cancellation, a point outside the domain, a function the
walk does not know) the value is ``UNKNOWN``, and the caller works it out in mpmath. So the
float pass decides almost every point of almost every check, and mpmath only the hard ones.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Sequence

import sympy as sp

EPS = 2.0**-53  # the unit roundoff of a double
UNKNOWN = math.inf  # an error bound that says the float tells nothing
TRUSTED = 1e-10  # a relative error bound below this is the value, for any tolerance ≥ 1e-6

Column = list[float]  # one number per point

_log, _sqrt, _sin, _cos = math.log, math.sqrt, math.sin, math.cos


def values(
    expr: sp.Basic, symbols: Sequence[sp.Symbol], points: Sequence[Sequence[float]]
) -> list[float | None]:
    """expr at each point (coordinates in the order of ``symbols``): the float where its
    rounding error is below TRUSTED, else None (work it out at higher precision)."""
    if not points:
        return []
    columns = {s: [p[i] for p in points] for i, s in enumerate(symbols)}
    try:
        value, error = _walk(expr, columns, len(points))
    except _Unknown:
        return [None] * len(points)
    return [v if e <= TRUSTED else None for v, e in zip(value, error, strict=True)]


class _Unknown(Exception):
    """A node the walk cannot bound: every point goes to higher precision."""


def _walk(e: sp.Basic, columns: dict[sp.Symbol, Column], n: int) -> tuple[Column, Column]:
    if isinstance(e, sp.Symbol):
        if e not in columns:
            raise _Unknown(e.name)
        return columns[e], [0.0] * n
    if e.is_Number or e.is_NumberSymbol:
        return _constant(e, n)
    if isinstance(e, sp.Add):
        return _sum([_walk(a, columns, n) for a in e.args], n)
    if isinstance(e, sp.Mul):
        return _product([_walk(a, columns, n) for a in e.args], n)
    if isinstance(e, sp.Pow):
        return _power(e, columns, n)
    if isinstance(e, sp.UnevaluatedExpr):
        return _walk(e.args[0], columns, n)
    if len(e.args) == 1:
        known = _FUNCTIONS.get(type(e).__name__)
        if known is not None:
            return _apply(*known, _walk(e.args[0], columns, n))
    if isinstance(e, sp.Heaviside) and len(e.args) == 2 and e.args[1].is_Number:
        return _step(_walk(e.args[0], columns, n), float(e.args[1]))
    raise _Unknown(type(e).__name__)


def _constant(e: sp.Basic, n: int) -> tuple[Column, Column]:
    if e.is_Integer and abs(int(e)) < 2**53:
        return [float(e)] * n, [0.0] * n
    try:
        value = float(e)
    except (TypeError, OverflowError):  # I, zoo, 10^400
        raise _Unknown(str(e)) from None
    if not _usable(value):
        raise _Unknown(str(e))
    return [value] * n, [EPS] * n


def _usable(v: float) -> bool:
    """Finite, and 0 or a normal float: a subnormal one (e^(−740)) has lost its digits."""
    return math.isfinite(v) and (v == 0.0 or abs(v) >= _SMALLEST)


_SMALLEST = sys.float_info.min


def _unknown(n: int) -> tuple[Column, Column]:
    return [math.nan] * n, [UNKNOWN] * n


def _sum(terms: list[tuple[Column, Column]], n: int) -> tuple[Column, Column]:
    out, bound = _unknown(n)
    rounding = len(terms) * EPS
    for i in range(n):
        total = size = 0.0
        for value, error in terms:
            if not error[i] <= TRUSTED:
                break
            v = value[i]
            total += v
            size += abs(v) * (error[i] + rounding)
        else:
            # A sum's error is its terms' errors measured against the sum: cancellation shows.
            if total and _usable(total):
                out[i], bound[i] = total, size / abs(total)
    return out, bound


def _product(factors: list[tuple[Column, Column]], n: int) -> tuple[Column, Column]:
    out, bound = _unknown(n)
    for i in range(n):
        product, error, exact_zero = 1.0, 0.0, False
        for value, errors in factors:
            if not errors[i] <= TRUSTED:
                break
            product *= value[i]
            error += errors[i] + EPS
            exact_zero = exact_zero or (value[i] == 0.0 and errors[i] == 0.0)
            if product != 0.0 and abs(product) < _SMALLEST:
                # Subnormal on the way (e^(−372)·e^(−373)): its digits are lost, even if later
                # factors (cosh(372)·cosh(373)) bring the product back to a normal size.
                break
        else:
            # A 0 that is no factor's own is an underflow (e^(−1000)·e^(1000) is 1, not 0).
            if _usable(product) and (product != 0.0 or exact_zero):
                out[i], bound[i] = product, error
    return out, bound


def _power(e: sp.Pow, columns: dict[sp.Symbol, Column], n: int) -> tuple[Column, Column]:
    base, base_error = _walk(e.base, columns, n)
    exponent = e.exp
    out, bound = _unknown(n)
    if exponent.is_Number:
        try:
            p = float(exponent)
        except OverflowError:
            return out, bound
        odd_root = exponent.is_Rational and not exponent.is_Integer and exponent.q % 2 == 1
        sign = -1.0 if odd_root and exponent.p % 2 else 1.0
        for i in range(n):
            b = base[i]
            if not base_error[i] <= TRUSTED:
                continue
            try:
                if b < 0 and not p.is_integer():
                    if not odd_root:
                        continue  # not real: mpmath (or the domain) decides
                    v = sign * (-b) ** p  # a real odd root: ∛(−8) = −2
                else:
                    v = b**p
            except (OverflowError, ZeroDivisionError):
                continue
            if isinstance(v, complex) or not _usable(v) or (v == 0.0 and b != 0.0):
                continue
            out[i], bound[i] = v, abs(p) * base_error[i] + 2 * EPS
        return out, bound
    power, power_error = _walk(exponent, columns, n)
    for i in range(n):
        b, p = base[i], power[i]
        if not (base_error[i] <= TRUSTED and power_error[i] <= TRUSTED) or b <= 0:
            continue  # a variable power of a non-positive base: mpmath decides
        try:
            v = b**p
        except (OverflowError, ZeroDivisionError):
            continue
        if v == 0.0 or not _usable(v):
            continue
        # b^p = e^(p ln b): the base's error times |p|, the exponent's times |p ln b|.
        out[i] = v
        bound[i] = abs(p) * base_error[i] + abs(p * _log(b)) * power_error[i] + 2 * EPS
    return out, bound


def _apply(
    function: Callable[[float], float],
    condition: Callable[[float, float], float],
    argument: tuple[Column, Column],
) -> tuple[Column, Column]:
    """f(u) at each point, its error bound κ(u)·(u's error) + ε, κ = |u·f′(u)/f(u)|."""
    value, error = argument
    n = len(value)
    out, bound = _unknown(n)
    exact_zero = condition is _exact
    for i in range(n):
        u, r = value[i], error[i]
        if not r <= TRUSTED:
            continue  # the argument is not known well enough to bound anything
        try:
            v = function(u)
            kappa = condition(u, v)
        except (ValueError, OverflowError, ZeroDivisionError):
            continue  # outside the domain, past a float, or a 0 of f: mpmath decides
        if not _usable(v) or not math.isfinite(kappa) or (v == 0.0 and not exact_zero):
            continue
        out[i], bound[i] = v, kappa * r + 2 * EPS
    return out, bound


def _step(argument: tuple[Column, Column], at_zero: float) -> tuple[Column, Column]:
    """H(u): exact, as long as u's sign is known."""
    value, error = argument
    out, bound = _unknown(len(value))
    for i, (u, r) in enumerate(zip(value, error, strict=True)):
        if r <= TRUSTED and (u != 0.0 or r == 0.0):
            out[i] = at_zero if u == 0.0 else (1.0 if u > 0 else 0.0)
            bound[i] = 0.0
    return out, bound


# --- each function, its value and its condition number |u·f′(u)/f(u)| ------------------------
# Bounds from above are enough (the hyperbolic ones by |u| + 1); where f(u) is 0 the relative
# error is unbounded and the division raises, so the point goes to mpmath.


def _sec(u: float) -> float:
    return 1 / _cos(u)


def _csc(u: float) -> float:
    return 1 / _sin(u)


def _cot(u: float) -> float:
    return _cos(u) / _sin(u)


def _near_one(u: float) -> float:
    """1/√(1 − u²) for the arcsines: large near ±1, where the float loses the value."""
    return 1 / _sqrt(1 - u * u)


def _sigmoid(u: float) -> float:
    if u >= 0:
        return 1 / (1 + math.exp(-u))
    t = math.exp(u)  # e^(−u) would overflow for u < −709
    return t / (1 + t)


def _softplus(u: float) -> float:
    return math.log1p(math.exp(u)) if u < 700 else u


def _hyperbolic(u: float, v: float) -> float:
    return abs(u) + 1


def _bounded(u: float, v: float) -> float:
    return 1.0


def _exact(u: float, v: float) -> float:
    """|u|, relu(u), sign(u): exact once u's sign is known, 0 included."""
    return 1.0


_FUNCTIONS: dict[str, tuple[Callable[[float], float], Callable[[float, float], float]]] = {
    "sin": (math.sin, lambda u, v: abs(u * _cos(u) / v)),
    "cos": (math.cos, lambda u, v: abs(u * _sin(u) / v)),
    "tan": (math.tan, lambda u, v: abs(u / (_sin(u) * _cos(u)))),
    "sec": (_sec, lambda u, v: abs(u * math.tan(u))),
    "csc": (_csc, lambda u, v: abs(u / math.tan(u))),
    "cot": (_cot, lambda u, v: abs(u / (_sin(u) * _cos(u)))),
    "exp": (math.exp, lambda u, v: abs(u)),
    "log": (math.log, lambda u, v: 1 / abs(v)),
    "Abs": (abs, _exact),
    "sinh": (math.sinh, _hyperbolic),
    "cosh": (math.cosh, _hyperbolic),
    "tanh": (math.tanh, _bounded),
    "sech": (lambda u: 1 / math.cosh(u), _hyperbolic),
    "csch": (lambda u: 1 / math.sinh(u), _hyperbolic),
    "coth": (lambda u: 1 / math.tanh(u), _bounded),
    "asin": (math.asin, lambda u, v: abs(u * _near_one(u) / v)),
    "acos": (math.acos, lambda u, v: abs(u * _near_one(u) / v)),
    "atan": (math.atan, _bounded),
    "acot": (lambda u: math.atan(1 / u), _bounded),
    "asec": (lambda u: math.acos(1 / u), lambda u, v: abs(_near_one(1 / u) / (u * v))),
    "acsc": (lambda u: math.asin(1 / u), lambda u, v: abs(_near_one(1 / u) / (u * v))),
    "asinh": (math.asinh, _bounded),
    "acosh": (math.acosh, lambda u, v: abs(u / (_sqrt(u * u - 1) * v))),
    "atanh": (math.atanh, lambda u, v: abs(u / ((1 - u * u) * v))),
    "sigmoid": (_sigmoid, _hyperbolic),
    "relu": (lambda u: max(u, 0.0), _exact),
    "softplus": (_softplus, _hyperbolic),
    "sign": (lambda u: float((u > 0) - (u < 0)), _exact),
}
