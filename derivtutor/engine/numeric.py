"""Numbers from expressions, bounded: compiled once, evaluated in floats (which overflow at
once rather than building a number with billions of digits) and then with mpmath at a fixed
precision. SymPy's own ``evalf`` raises its precision until satisfied, which can take minutes
on sin(e^(x³)) at x = 100, so it is not used for evaluation here.

Odd roots of negative numbers are real, as students mean them: x^(1/3) at x = −8 is −2, not
SymPy's principal complex value.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import mpmath
import sympy as sp

DIGITS = 30


class real_power(sp.Function):  # type: ignore[misc]  # noqa: N801 - a name for lambdify
    """real_power(b, p, q) = b^(p/q) with q odd, taken real for b < 0: sign(b)^p·|b|^(p/q)."""

    nargs = 3


def real_roots(expr: sp.Expr) -> sp.Expr:
    """expr with every power b^(p/q), q odd and b able to be negative, made a real_power."""

    def odd_root(e: sp.Basic) -> bool:
        return (
            isinstance(e, sp.Pow)
            and e.exp.is_Rational
            and not e.exp.is_Integer
            and e.exp.q % 2 == 1
            and not e.base.is_nonnegative
        )

    return expr.replace(odd_root, lambda e: real_power(e.base, e.exp.p, e.exp.q))


def _float_real_power(b: float, p: int, q: int) -> float:
    magnitude: float = abs(b) ** (p / q)
    return -magnitude if b < 0 and p % 2 else magnitude


def _mpmath_real_power(b: Any, p: int, q: int) -> Any:
    magnitude = mpmath.power(abs(b), mpmath.mpf(p) / q)
    return -magnitude if b < 0 and p % 2 else magnitude


def finite(value: float | None) -> float | None:
    """value, or None where it is undefined or not finite (JSON writes null)."""
    return value if value is not None and math.isfinite(value) else None


def to_mpf(value: sp.Expr, digits: int = DIGITS + 10) -> Any:
    with mpmath.workdps(digits):
        return mpmath.mpf(str(value.evalf(digits)))


def _heaviside(t: Any, at_zero: Any = 0) -> Any:
    return at_zero if t == 0 else (1 if t > 0 else 0)


def _reciprocal_hyperbolic(function: Callable[[float], float]) -> Callable[[float], float]:
    """sech, csch: 1/cosh, 1/sinh, which are 0 where cosh and sinh overflow (|t| > 710)."""

    def value(t: float) -> float:
        try:
            return 1 / function(t)
        except OverflowError:
            return 0.0

    return value


# Our own functions, for lambdify; SymPy's names map to math and mpmath by themselves. The
# reciprocal hyperbolics are here too: without them lambdify rewrites sech(u) in exponentials,
# which overflow for a saturated tanh (sech²(800) is 0) and lose real arguments to complex logs.
_FLOAT_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "sech": _reciprocal_hyperbolic(math.cosh),
    "csch": _reciprocal_hyperbolic(math.sinh),
    "coth": lambda t: 1 / math.tanh(t),
    "sigmoid": lambda t: 1 / (1 + math.exp(-t)) if t > -700 else 0.0,
    "relu": lambda t: max(t, 0.0),
    "softplus": lambda t: math.log1p(math.exp(t)) if t < 700 else t,
    "Heaviside": _heaviside,
    "sign": lambda t: (t > 0) - (t < 0),
    "real_power": _float_real_power,
}
_MPMATH_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "sigmoid": lambda t: 1 / (1 + mpmath.exp(-t)),
    "relu": lambda t: max(t, 0),
    "softplus": lambda t: mpmath.log1p(mpmath.exp(t)),  # log(1 + e^t) loses e^t << 1
    "Heaviside": _heaviside,
    "sign": mpmath.sign,
    "real_power": _mpmath_real_power,
}


class Compiled:
    """One expression, compiled for floats (to find overflow cheaply) and for mpmath."""

    def __init__(self, expr: sp.Expr, symbols: list[sp.Symbol], digits: int = DIGITS) -> None:
        self._digits = digits
        self._expr, self._symbols = real_roots(expr), symbols
        # Compiled on first use (a millisecond each): most checks decide every point with
        # engine.floats and never need either.
        self._compiled_float: Callable[..., Any] | None = None
        self._compiled_mpmath: Callable[..., Any] | None = None
        # Where a float can underflow to 0 (e^(−1000)), "undefined" in floats may only be a
        # division by that 0: mpmath decides.
        self._may_underflow = self._expr.has(sp.exp, sp.Pow)
        # A value past the largest float is worked out exactly only below a tower of three
        # variable exponents: e^(e^(10+x)) has 70,000 digits before the point, x^x^x^x at
        # x = 16 has more digits than there are atoms in the world.
        # And a sine of a huge number needs as many digits as it has, to reduce it mod 2π.
        self._bounded = _tower(self._expr) <= 2 and not any(
            _tower(f.args[0]) for f in self._expr.atoms(*_PERIODIC)
        )

    # The expression came from the safe parser, so every name in it is whitelisted: compiling
    # it (not user text) is safe, as DESIGN.md says.
    def _float(self, *values: Any) -> Any:
        if self._compiled_float is None:
            self._compiled_float = sp.lambdify(
                self._symbols, self._expr, modules=[_FLOAT_FUNCTIONS, "math"]
            )
        return self._compiled_float(*values)

    def _mpmath(self, *values: Any) -> Any:
        if self._compiled_mpmath is None:
            self._compiled_mpmath = sp.lambdify(
                self._symbols, self._expr, modules=[_MPMATH_FUNCTIONS, "mpmath"]
            )
        return self._compiled_mpmath(*values)

    def __call__(self, floats: list[float], exact: list[Any]) -> float | None:
        """The value, or None where undefined, or ±inf where it is too large for a float.

        Floats are tried first, as they are cheap; where they overflow or lose the value
        (e^(1000x) − e^(1000x) is ∞ − ∞, 0·x⁻¹⁰⁰⁰ is 0·∞, 1/e^(−1000) divides by 0), the
        value is worked out in mpmath, whose exponents do not overflow."""
        rough = self._rough(floats)
        if rough is None and not self._may_underflow:
            return None
        if rough is not None and not math.isfinite(rough) and not self._bounded:
            return rough  # x^x^x^x: its true value may not fit in memory at all
        precise = self._precise(exact)
        return None if precise is None else float(precise)

    def exact(self, exact: list[Any]) -> Any:
        """The value as an mpmath number (of any size), or None where undefined."""
        return self._precise(exact)

    def slope(self, ahead: list[Any], behind: list[Any], width: Any) -> float | None:
        """(f(ahead) − f(behind))/width at high precision: h is small, so the digits cancel.
        mpmath throughout: ln(1 + e^1000) overflows a float on the way, not in the value."""
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
        try:
            return float(result)  # a constant can come back as a Python int of any size
        except OverflowError:
            return math.inf if result > 0 else -math.inf

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


_PERIODIC = (sp.sin, sp.cos, sp.tan, sp.sec, sp.csc, sp.cot)


def _tower(expr: sp.Basic) -> int:
    """How deep exponents with a variable in them nest: e^x is 1, x^(x^x) and e^(e^x) are 2."""
    if expr.is_Atom:
        return 0
    if isinstance(expr, sp.exp) or (isinstance(expr, sp.Pow) and expr.exp.free_symbols):
        exponent = expr.args[0] if isinstance(expr, sp.exp) else expr.exp
        base = 0 if isinstance(expr, sp.exp) else _tower(expr.base)
        return max(base, 1 + _tower(exponent))
    return max(_tower(a) for a in expr.args)


def float_function(
    expr: sp.Expr, symbols: list[sp.Symbol]
) -> Callable[[list[float]], float | None]:
    """expr compiled once for double precision: None where it is undefined; ±inf where it
    overflows."""
    # Like Compiled: expr is a SymPy expression the safe parser (or the engine) built, never
    # text, so every name in it is whitelisted and compiling it runs nothing a user typed.
    compiled = sp.lambdify(symbols, real_roots(expr), modules=[_FLOAT_FUNCTIONS, "math"])

    def value(floats: list[float]) -> float | None:
        try:
            result = compiled(*floats)
            # A constant can come back as a Python int of any size: 10^400 overflows here.
            return None if isinstance(result, complex) else float(result)
        except OverflowError:
            return math.inf
        except (ValueError, ZeroDivisionError, TypeError, NameError):
            return None

    return value


def constant_value(value: sp.Expr) -> float | None:
    """A constant (a point's coordinate, say) in double precision: None where it is undefined
    or not real, ±inf where it is too large for a float. Bounded: e^e^e^10 overflows at once."""
    return Compiled(value, [])._rough([])


def float_values(
    expr: sp.Expr, symbols: list[sp.Symbol], points: list[dict[sp.Symbol, float]]
) -> list[float | None]:
    """expr in double precision at each point: enough to tell candidate answers apart quickly.
    None where it is undefined; ±inf where it overflows.

    The tree is walked, not compiled: a diagnosis tries dozens of candidates at a handful of
    points each, and lambdify costs a millisecond per candidate before the first value."""
    try:
        return [_walked(expr, point) for point in points]
    except _NotWalked:
        value = float_function(expr, symbols)  # a node the walker does not know
        return [value([point[v] for v in symbols]) for point in points]


class _NotWalked(Exception):
    pass


# What math has under SymPy's name; sech, sigmoid, Heaviside and the rest come from
# _FLOAT_FUNCTIONS, as the compiled path has them.
_WALKED: dict[type, Callable[[float], float]] = {
    sp.sin: math.sin, sp.cos: math.cos, sp.tan: math.tan,
    sp.sec: lambda t: 1 / math.cos(t), sp.csc: lambda t: 1 / math.sin(t),
    sp.cot: lambda t: 1 / math.tan(t),
    sp.sinh: math.sinh, sp.cosh: math.cosh, sp.tanh: math.tanh,
    sp.asin: math.asin, sp.acos: math.acos, sp.atan: math.atan,
    sp.acot: lambda t: math.atan(1 / t), sp.asec: lambda t: math.acos(1 / t),
    sp.acsc: lambda t: math.asin(1 / t),
    sp.asinh: math.asinh, sp.acosh: math.acosh, sp.atanh: math.atanh,
    sp.exp: math.exp, sp.Abs: abs,
}  # fmt: skip


def _walked(expr: sp.Basic, point: dict[sp.Symbol, float]) -> float | None:
    """expr at point in floats, by its tree; None where undefined, ±inf past a float."""
    try:
        value = _walk(expr, point)
    except OverflowError:
        return math.inf
    except (ValueError, ZeroDivisionError):
        return None
    if isinstance(value, complex) or math.isnan(value):
        return None
    return value


def _walk(e: sp.Basic, point: dict[sp.Symbol, float]) -> float:
    if isinstance(e, sp.Symbol):
        return point[e]
    if e.is_Number or e.is_NumberSymbol:
        return float(e)
    args = e.args
    if isinstance(e, sp.Add):
        return math.fsum(_walk(a, point) for a in args)
    if isinstance(e, sp.Mul):
        product = 1.0
        for a in args:
            product *= _walk(a, point)
        return product
    if isinstance(e, sp.Pow):
        base, exponent = _walk(args[0], point), _walk(args[1], point)
        if base < 0 and not float(exponent).is_integer():
            if isinstance(args[1], sp.Rational) and args[1].q % 2 == 1:
                # A real odd root of a negative number: ∛(−8) = −2, (−8)^(2/3) = 4.
                sign = -1.0 if args[1].p % 2 else 1.0
                return sign * float((-base) ** exponent)
            raise ValueError("not real")
        return float(base**exponent)
    if isinstance(e, sp.log):
        return math.log(_walk(args[0], point)) if len(args) == 1 else math.nan
    if isinstance(e, sp.UnevaluatedExpr):
        return _walk(args[0], point)
    function = _WALKED.get(type(e))
    if function is not None and len(args) == 1:
        return function(_walk(args[0], point))
    name = type(e).__name__
    if name in _FLOAT_FUNCTIONS:  # Heaviside(u, 0) has two arguments
        return float(_FLOAT_FUNCTIONS[name](*(_walk(a, point) for a in args)))
    raise _NotWalked(name)


def overflow_sign(expr: sp.Expr, symbols: list[sp.Symbol], floats: list[float]) -> float:
    """+1.0 or −1.0: the sign of a value too large for a float (a float overflow loses it),
    from mpmath, whose exponents do not overflow. 1.0 when even mpmath cannot tell."""
    value = Compiled(expr, symbols, digits=15)._precise([mpmath.mpf(x) for x in floats])
    return -1.0 if value is not None and value < 0 else 1.0
