"""A matrix expression written out entry by entry, at small concrete sizes: the scalar picture.

With n = 2, ‖Wx − y‖² is (W₁₁x₁ + W₁₂x₂ − y₁)² + (W₂₁x₁ + W₂₂x₂ − y₂)², a function of
scalars that the scalar engine differentiates like any other. This is where a student sees
that 2(Wx − y)xᵀ is the matrix of the scalar partials ∂f/∂Wᵢⱼ (``diff --entries``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sympy as sp
from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction
from sympy.matrices.expressions.diagonal import DiagMatrix

from derivtutor.language.matrix_functions import (
    CrossEntropy,
    ElementSum,
    LogSoftmax,
    Norm,
    Softmax,
    is_matrix,
)

__all__ = ["entry_symbols", "explicit"]


def entry_symbols(m: sp.MatrixSymbol, sizes: Mapping[sp.Symbol, int]) -> sp.Matrix:
    """The entries of ``m`` as real symbols: x₁, x₂ for a vector, W₁₁, W₁₂, … for a matrix."""
    rows, cols = (int(sp.sympify(d).xreplace(sizes)) for d in m.shape)
    if cols == 1 or rows == 1:
        flat = [sp.Symbol(f"{m.name}{k + 1}", real=True) for k in range(rows * cols)]
        return sp.Matrix(rows, cols, flat)
    return sp.Matrix(rows, cols, lambda i, j: sp.Symbol(f"{m.name}{i + 1}{j + 1}", real=True))


def explicit(e: Any, env: Mapping[Any, Any], sizes: Mapping[sp.Symbol, int]) -> Any:
    """``e`` with each matrix symbol replaced by its entries (``env``): an explicit
    ``sp.Matrix``, or a scalar expression."""
    return _Explicit(env, sizes).of(e)


class _Explicit:
    def __init__(self, env: Mapping[Any, Any], sizes: Mapping[sp.Symbol, int]) -> None:
        self.env, self.sizes = env, sizes

    def size(self, s: Any) -> int:
        return int(sp.sympify(s).xreplace(self.sizes))

    def of(self, e: Any) -> Any:  # noqa: C901 - one branch per kind of node
        if e in self.env:
            return self.env[e]
        if isinstance(e, sp.Symbol) and e in self.sizes:
            return sp.Integer(self.sizes[e])
        if not isinstance(e, sp.Basic) or not e.free_symbols and not is_matrix(e):
            return e
        if isinstance(e, sp.Identity):
            return sp.eye(self.size(e.rows))
        if isinstance(e, sp.ZeroMatrix):
            return sp.zeros(self.size(e.rows), self.size(e.cols))
        if isinstance(e, sp.OneMatrix):
            return sp.ones(self.size(e.rows), self.size(e.cols))
        if isinstance(e, (sp.MatMul, sp.Mul)):
            out: Any = sp.Integer(1)
            for a in e.args:
                out = _times(out, self.of(a))
            return out
        if isinstance(e, (sp.MatAdd, sp.Add)):
            parts = [self.of(a) for a in e.args]
            if not is_matrix(e):
                parts = [_scalar(p) for p in parts]
            total = parts[0]
            for p in parts[1:]:
                total = total + p
            return total
        if isinstance(e, sp.Transpose):
            return self.of(e.arg).T
        if isinstance(e, sp.Inverse):
            return self.of(e.arg).inv()
        if isinstance(e, sp.HadamardProduct):
            parts = [self.of(a) for a in e.args]
            out = parts[0]
            for p in parts[1:]:
                out = out.multiply_elementwise(p)
            return out
        if isinstance(e, DiagMatrix):
            return sp.diag(*self.of(e.args[0]))
        if isinstance(e, ElementwiseApplyFunction):
            t, body = e.function.variables[0], e.function.expr
            return self.of(e.expr).applyfunc(lambda v: body.xreplace({t: v}))
        if isinstance(e, sp.Trace):
            return _scalar(self.of(e.arg)) if e.arg.shape == (1, 1) else self.of(e.arg).trace()
        if isinstance(e, sp.Determinant):
            return self.of(e.arg).det()
        if isinstance(e, Norm):
            v = self.of(e.args[0])
            return sp.sqrt(sum(x**2 for x in v))
        if isinstance(e, ElementSum):
            return sum(self.of(e.args[0]))
        if isinstance(e, Softmax):
            z = self.of(e.arg)
            total = sum(sp.exp(v) for v in z)
            return z.applyfunc(lambda v: sp.exp(v) / total)
        if isinstance(e, LogSoftmax):
            z = self.of(e.arg)
            total = sp.log(sum(sp.exp(v) for v in z))
            return z.applyfunc(lambda v: v - total)
        if isinstance(e, CrossEntropy):
            p, y = (self.of(a) for a in e.args)
            return -sum(yi * sp.log(pi) for pi, yi in zip(p, y, strict=True))
        if isinstance(e, (sp.Pow, sp.Function)):
            return e.func(*(_scalar(self.of(a)) for a in e.args))
        raise TypeError(f"cannot write {type(e).__name__} entry by entry")


def _times(a: Any, b: Any) -> Any:
    """a·b: a matrix product where the shapes fit, else a 1×1 factor is the scalar it is
    ((wᵀx)v)."""
    if isinstance(a, sp.MatrixBase) and isinstance(b, sp.MatrixBase):
        if a.shape[1] == b.shape[0]:
            return a * b
        if a.shape == (1, 1):
            return a[0, 0] * b
        return a * b[0, 0]
    return a * b


def _scalar(v: Any) -> Any:
    if isinstance(v, sp.MatrixBase):
        assert v.shape == (1, 1), v.shape
        return v[0, 0]
    return v
