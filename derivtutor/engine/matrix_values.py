"""Matrix expressions at concrete sizes and values, in mpmath at 30 digits.

A matrix derivative is checked as every scalar one is: at random points, here random matrices.
The size letters get whole numbers from 2 to 4 (distinct where they can be, so that a transpose
in the wrong place fails on shape as well as on value), every declared name random entries, and
each differential ``d(E)`` along a random direction dX is a central difference of E. At 30 digits
with h = 1e−10 the difference is good to about 20 digits, so a tolerance of 1e−12 (relative, per
entry) separates right from wrong with room to spare. mpmath is SymPy's own dependency: no numpy
is needed for matrices of 2 to 4 rows.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import mpmath
import sympy as sp
from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction
from sympy.matrices.expressions.diagonal import DiagMatrix

from derivtutor.language.functions import relu, sigmoid, softplus
from derivtutor.language.matrix_functions import (
    CrossEntropy,
    Differential,
    ElementSum,
    LogSoftmax,
    Norm,
    Softmax,
    is_matrix,
)

__all__ = ["Instance", "agree", "instances", "value"]

DIGITS = 30
STEP = mpmath.mpf("1e-10")
TOLERANCE = mpmath.mpf("1e-12")

_FUNCTIONS: dict[Any, Any] = {
    sp.exp: mpmath.exp,
    sp.log: mpmath.log,
    sp.tanh: mpmath.tanh,
    sp.sinh: mpmath.sinh,
    sp.cosh: mpmath.cosh,
    sp.sin: mpmath.sin,
    sp.cos: mpmath.cos,
    sp.tan: mpmath.tan,
    sp.atan: mpmath.atan,
    sp.Abs: abs,
    sigmoid: lambda t: 1 / (1 + mpmath.exp(-t)),
    softplus: lambda t: mpmath.log1p(mpmath.exp(t)) if t < 30 else t + mpmath.log1p(mpmath.exp(-t)),
    relu: lambda t: t if t > 0 else mpmath.mpf(0),
    sp.Heaviside: lambda t, *_: mpmath.mpf(1) if t > 0 else mpmath.mpf(0),
    sp.sign: mpmath.sign,
}


@dataclass(frozen=True)
class Instance:
    """Concrete sizes and values: each size letter a whole number, each name a value (an
    mpmath matrix, or a number for a scalar), and the direction of each differential."""

    sizes: Mapping[sp.Symbol, int]
    values: Mapping[sp.Basic, Any]
    # What was worked out at this instance, by expression: a derivation evaluates the same
    # parts in many steps (and each central difference at the same two moved instances).
    memo: dict[Any, Any] = field(default_factory=dict, compare=False, repr=False)


def instances(
    symbols: Iterable[sp.Basic],
    *,
    count: int,
    seed: int = 0,
    symmetric: Iterable[sp.Basic] = (),
    distributions: Iterable[sp.Basic] = (),
    fixed: Mapping[sp.Basic, Any] | None = None,
    sizes: Mapping[sp.Symbol, int] | None = None,
    flip: bool = False,
    larger: bool = False,
) -> list[Instance]:
    """``count`` random instances. Square matrices get a heavy diagonal, so that each is
    invertible with a positive determinant (log det X and X⁻¹ are defined); ``symmetric``
    ones are symmetric; ``distributions`` (the targets y of a cross-entropy) have positive
    entries that sum to 1. ``fixed`` values (from --at) and ``sizes`` are kept. With ``flip``,
    of every three instances one has a heavy negative diagonal (a negative trace) and one a
    single negative entry on it (a negative determinant); ``defined_at`` tells where a
    function is still real there; with
    ``larger``, every other instance's sizes are 5 to 8, for a size used as a number (n − 2)."""
    rng = random.Random(seed)
    symbols = sorted(set(symbols), key=str)
    symmetric, distributions = set(symmetric), set(distributions)
    letters = sorted(
        {s for m in symbols if is_matrix(m) for s in m.shape if isinstance(s, sp.Symbol)}
        | {s for s in symbols if isinstance(s, sp.Symbol) and s.is_integer},
        key=str,
    )
    out = []
    for k in range(count):
        chosen = dict(sizes or {})
        free = [s for s in letters if s not in chosen]
        pool = [5, 6, 7, 8] if larger and k % 2 else [2, 3, 4]
        for i, letter in enumerate(free):
            # Up to three letters get three different sizes, rotated from one instance to the
            # next, so that each letter takes each size; a fourth letter on takes any.
            chosen[letter] = pool[(i + k + seed) % len(pool)] if i < 3 else rng.choice(pool)
        values: dict[sp.Basic, Any] = {}
        for s in symbols:
            if fixed and s in fixed:
                values[s] = fixed[s]
            elif is_matrix(s):
                # Of every three instances: a positive diagonal, a negative one (tr X < 0),
                # and one negative entry in a positive diagonal (det X < 0 at any size).
                negative = (k % 3) if flip else 0
                values[s] = _matrix(s, chosen, rng, s in symmetric, s in distributions, negative)
            elif isinstance(s, sp.Symbol) and s.is_integer:
                continue
            else:
                values[s] = mpmath.mpf(rng.uniform(0.3, 1.3)) * rng.choice((-1, 1))
        out.append(Instance(chosen, values))
    return out


def _matrix(
    m: sp.MatrixSymbol,
    sizes: Mapping[sp.Symbol, int],
    rng: random.Random,
    symmetric: bool,
    distribution: bool,
    negative: int = 0,
) -> Any:
    rows, cols = (int(sp.sympify(d).xreplace(sizes)) for d in m.shape)
    with mpmath.workdps(DIGITS):
        if distribution:
            entries = [rng.uniform(0.2, 1.0) for _ in range(rows * cols)]
            total = sum(entries)
            return mpmath.matrix([[mpmath.mpf(e) / total] for e in entries])
        a = mpmath.matrix(rows, cols)
        for i in range(rows):
            for j in range(cols):
                a[i, j] = mpmath.mpf(rng.uniform(-1, 1))
        if rows == cols and rows > 1:
            if symmetric:
                a = (a + a.T) / 2
            for i in range(rows):
                flipped = negative == 1 or (negative == 2 and i == 0)
                a[i, i] += -(rows + 1) if flipped else rows + 1
        return a


def defined_at(e: Any, at: Instance) -> bool:
    """Whether ``e`` is real and finite at the instance (log det X is not where det X < 0)."""
    try:
        v = value(e, at)
    except (ZeroDivisionError, ValueError, TypeError, KeyError, AssertionError):
        return False
    entries = list(v) if isinstance(v, mpmath.matrix) else [v]
    return all(isinstance(x, mpmath.mpf) and mpmath.isfinite(x) for x in entries)


def usable(e: Any, flipped: list[Instance], plain: list[Instance]) -> list[Instance]:
    """Each flipped instance where ``e`` is defined there, else its plain twin (the same
    random entries, the diagonal positive)."""
    return [f if defined_at(e, f) else p for f, p in zip(flipped, plain, strict=True)]


def agree_exactly(a: Any, b: Any, tolerance: Any = None) -> bool:
    """Equal entry by entry, each to a relative 1e−15 (both sides worked out at 30 digits, not
    by a difference: a thousand added to an entry of 10⁸⁶ is not lost in the others' size)."""
    a, b = _as_matrix(a), _as_matrix(b)
    if (a.rows, a.cols) != (b.rows, b.cols):
        return False
    with mpmath.workdps(DIGITS):
        tol = mpmath.mpf("1e-15") if tolerance is None else tolerance
        floor = mpmath.mpf("1e-25")  # what 30 digits leave of a cancellation near zero
        return all(
            abs(x - y) <= tol * max(abs(x), abs(y)) + floor for x, y in zip(a, b, strict=True)
        )


def entrywise_difference(f: Any, var: Any, at: Instance, *, jacobian: bool = False) -> Any:
    """Each entry's central difference at 30 digits: ∂f/∂X_ij, or for a Jacobian ∂f_i/∂x_j
    (a row per entry of f)."""
    with mpmath.workdps(DIGITS):
        x0 = at.values[var]
        rows, cols = x0.rows, x0.cols
        slopes = {}
        for i in range(rows):
            for j in range(cols):
                e = mpmath.matrix(rows, cols)
                e[i, j] = 1
                hi = value(f, Instance(at.sizes, {**at.values, var: x0 + STEP * e}))
                lo = value(f, Instance(at.sizes, {**at.values, var: x0 - STEP * e}))
                slopes[i, j] = (hi - lo) / (2 * STEP)
        if jacobian:
            height = _as_matrix(slopes[0, 0]).rows
            out = mpmath.matrix(height, rows)
            for (i, _), slope in slopes.items():
                for r in range(height):
                    out[r, i] = _as_matrix(slope)[r, 0]
            return out
        out = mpmath.matrix(rows, cols)
        for (i, j), slope in slopes.items():
            out[i, j] = _scalar(slope)
        return out


def direction(shape: tuple[int, int], rng: random.Random) -> Any:
    a = mpmath.matrix(*shape)
    for i in range(shape[0]):
        for j in range(shape[1]):
            a[i, j] = mpmath.mpf(rng.uniform(-1, 1))
    return a


def concrete_shape(m: Any, sizes: Mapping[sp.Symbol, int]) -> tuple[int, int]:
    return tuple(int(sp.sympify(d).xreplace(sizes)) for d in m.shape)  # type: ignore[return-value]


def value(e: Any, at: Instance, *, var: Any = None, d: Any = None) -> Any:
    """``e`` at the instance: an mpf, or an mpmath matrix. ``Differential(u)`` is the central
    difference of u along ``at.values[d]``, the direction of the variable ``var``."""
    with mpmath.workdps(DIGITS):
        return _Walk(at, var, d).of(e)


def agree(a: Any, b: Any) -> bool:
    """Equal to TOLERANCE, relative per entry (absolute near zero); shapes must match."""
    a, b = _as_matrix(a), _as_matrix(b)
    if (a.rows, a.cols) != (b.rows, b.cols):
        return False
    with mpmath.workdps(DIGITS):
        scale = max([abs(v) for v in a] + [abs(v) for v in b] + [mpmath.mpf(1)])
        return all(abs(x - y) <= TOLERANCE * scale for x, y in zip(a, b, strict=True))


def _as_matrix(v: Any) -> Any:
    if isinstance(v, mpmath.matrix):
        return v
    return mpmath.matrix([[v]])


def _scalar(v: Any) -> Any:
    if isinstance(v, mpmath.matrix):
        assert (v.rows, v.cols) == (1, 1), (v.rows, v.cols)
        return v[0, 0]
    return v


class _Walk:
    def __init__(self, at: Instance, var: Any, d: Any) -> None:
        self.at, self.var, self.d = at, var, d

    def size(self, s: Any) -> int:
        return int(sp.sympify(s).xreplace(self.at.sizes))

    def of(self, e: Any) -> Any:
        memo = self.at.memo
        key = (e, self.var, self.d)
        if key not in memo:
            memo[key] = self._of(e)
        return memo[key]

    def _of(self, e: Any) -> Any:  # noqa: C901 - one branch per kind of node
        values = self.at.values
        if e in values:
            return values[e]
        if isinstance(e, sp.Symbol) and e in self.at.sizes:
            return mpmath.mpf(self.at.sizes[e])
        if isinstance(e, sp.Number) or isinstance(e, sp.NumberSymbol):
            return mpmath.mpf(sp.Float(e, DIGITS + 5))
        if isinstance(e, Differential):
            return self.differential(e.args[0])
        if isinstance(e, sp.MatrixSymbol):
            raise KeyError(f"no value for {e}")
        if isinstance(e, sp.Identity):
            return mpmath.eye(self.size(e.rows))
        if isinstance(e, sp.ZeroMatrix):
            return mpmath.zeros(self.size(e.rows), self.size(e.cols))
        if isinstance(e, sp.OneMatrix):
            return mpmath.ones(self.size(e.rows), self.size(e.cols))
        if isinstance(e, sp.MatMul):
            return self.product([self.of(a) for a in e.args])
        if isinstance(e, sp.Mul):
            return self.product([self.of(a) for a in e.args])
        if isinstance(e, (sp.MatAdd, sp.Add)):
            parts = [self.of(a) for a in e.args]
            if any(isinstance(p, mpmath.matrix) for p in parts) and not is_matrix(e):
                parts = [_scalar(p) for p in parts]
            total = parts[0]
            for p in parts[1:]:
                total = total + p
            return total
        if isinstance(e, sp.Transpose):
            return _as_matrix(self.of(e.arg)).T
        if isinstance(e, sp.Inverse):
            return mpmath.inverse(self.of(e.arg))
        if isinstance(e, sp.HadamardProduct):
            parts = [self.of(a) for a in e.args]
            out = parts[0].copy()
            for p in parts[1:]:
                for i in range(out.rows):
                    for j in range(out.cols):
                        out[i, j] *= p[i, j]
            return out
        if isinstance(e, DiagMatrix):
            v = self.of(e.args[0])
            return mpmath.diag([v[i] for i in range(len(v))])
        if isinstance(e, ElementwiseApplyFunction):
            z = self.of(e.expr)
            t, body = e.function.variables[0], e.function.expr
            out = mpmath.matrix(z.rows, z.cols)
            for i in range(z.rows):
                for j in range(z.cols):
                    out[i, j] = _scalar(
                        _Walk(Instance(self.at.sizes, {**values, t: z[i, j]}), self.var, self.d).of(
                            body
                        )
                    )
            return out
        if isinstance(e, sp.Trace):
            m = _as_matrix(self.of(e.arg))
            return mpmath.fsum(m[i, i] for i in range(m.rows))
        if isinstance(e, sp.Determinant):
            return mpmath.det(self.of(e.arg))
        if isinstance(e, Norm):
            v = self.of(e.args[0])
            return mpmath.sqrt(mpmath.fsum(x * x for x in v))
        if isinstance(e, ElementSum):
            return mpmath.fsum(self.of(e.args[0]))
        if isinstance(e, Softmax):
            return _softmax(self.of(e.arg))
        if isinstance(e, LogSoftmax):
            z = self.of(e.arg)
            top = max(z)
            lse = top + mpmath.log(mpmath.fsum(mpmath.exp(v - top) for v in z))
            return mpmath.matrix([[v - lse] for v in z])
        if isinstance(e, CrossEntropy):
            p, y = (self.of(a) for a in e.args)
            return -mpmath.fsum(y[i] * mpmath.log(p[i]) for i in range(len(p)))
        if isinstance(e, sp.Pow):
            base, exponent = (_scalar(self.of(a)) for a in e.args)
            if exponent == mpmath.mpf(0.5):
                return mpmath.sqrt(base)
            if mpmath.isint(exponent):
                return base ** int(exponent)
            return base**exponent
        if isinstance(e, sp.Function) and type(e) in _FUNCTIONS:
            args = [_scalar(self.of(a)) for a in e.args]
            if type(e) is sp.log and len(args) == 2:
                return mpmath.log(args[0]) / mpmath.log(args[1])
            return _FUNCTIONS[type(e)](*args)
        raise TypeError(f"cannot evaluate {type(e).__name__}")

    def product(self, parts: list[Any]) -> Any:
        scalars = [p for p in parts if not isinstance(p, mpmath.matrix)]
        matrices = [p for p in parts if isinstance(p, mpmath.matrix)]
        c = mpmath.mpf(1)
        for s in scalars:
            c *= s
        if not matrices:
            return c
        out = matrices[0]
        for m in matrices[1:]:
            if (out.rows, out.cols) == (1, 1) and m.rows != 1:
                out = out[0, 0] * m
            elif (m.rows, m.cols) == (1, 1) and out.cols != 1:
                out = out * m[0, 0]
            else:
                out = out * m
        return c * out

    def differential(self, u: Any) -> Any:
        """d(u) along the direction: (u(X + h dX) − u(X − h dX)) / 2h."""
        moved = self.at.memo.get(("moved", self.var, self.d))
        if moved is None:
            x0, dx = self.at.values[self.var], self.at.values[self.d]
            moved = (
                Instance(self.at.sizes, {**self.at.values, self.var: x0 + STEP * dx}),
                Instance(self.at.sizes, {**self.at.values, self.var: x0 - STEP * dx}),
            )
            self.at.memo[("moved", self.var, self.d)] = moved
        plus, minus = moved
        hi, lo = _Walk(plus, self.var, self.d).of(u), _Walk(minus, self.var, self.d).of(u)
        return (hi - lo) / (2 * STEP)


def _softmax(z: Any) -> Any:
    top = max(z)
    e = [mpmath.exp(v - top) for v in z]
    total = mpmath.fsum(e)
    return mpmath.matrix([[v / total] for v in e])
