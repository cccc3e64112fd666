"""The functions of vectors that SymPy's matrix expressions lack, as SymPy objects of their own.

SymPy has ``MatrixSymbol``, ``MatMul``, ``MatAdd``, ``Transpose``, ``Inverse``, ``Trace``,
``Determinant``, ``HadamardProduct``, ``DiagMatrix`` and ``ElementwiseApplyFunction``; these
add the Euclidean norm, the sum of a vector's entries, softmax, log-softmax and cross-entropy.
They stay unevaluated, as the user wrote them. A scalar that is a 1×1 product (xᵀAx, wᵀx) is
held as the trace of that product, which equals it; the printers leave the trace out.
"""

from __future__ import annotations

from typing import Any

import sympy as sp
from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction

__all__ = [
    "CrossEntropy",
    "Differential",
    "ElementSum",
    "LogSoftmax",
    "Norm",
    "Softmax",
    "elementwise",
    "is_matrix",
    "scalar",
]


def is_matrix(expr: Any) -> bool:
    return isinstance(expr, sp.MatrixExpr)


def scalar(expr: sp.Expr) -> sp.Expr:
    """A 1×1 matrix expression as the scalar it is (its trace); a scalar stays itself."""
    if is_matrix(expr):
        assert expr.shape == (1, 1), expr
        if isinstance(expr, sp.ZeroMatrix):
            return sp.Integer(0)
        return sp.Trace(expr)
    return expr


class _ScalarOfVectors(sp.Expr):  # type: ignore[misc]
    """A real scalar computed from vectors."""

    is_real = True
    is_commutative = True

    def __new__(cls, *args: Any) -> Any:
        return sp.Expr.__new__(cls, *args)

    def _sympystr(self, printer: Any) -> str:
        return f"{self.sympy_name}({', '.join(printer._print(a) for a in self.args)})"

    sympy_name = ""


class Norm(_ScalarOfVectors):
    """‖v‖ = √(vᵀv), the Euclidean norm of a vector."""

    sympy_name = "norm"
    is_nonnegative = True


class ElementSum(_ScalarOfVectors):
    """sum(v) = 1ᵀv, the sum of a vector's entries."""

    sympy_name = "sum"


class CrossEntropy(_ScalarOfVectors):
    """cross_entropy(p, y) = −Σᵢ yᵢ log pᵢ, for a prediction p and a target distribution y."""

    sympy_name = "cross_entropy"


class _VectorFunction(sp.MatrixExpr):  # type: ignore[misc]
    """A vector-valued function of a column vector, with the shape of its argument."""

    sympy_name = ""

    def __new__(cls, z: sp.MatrixExpr) -> Any:
        return sp.MatrixExpr.__new__(cls, z)

    @property
    def arg(self) -> sp.MatrixExpr:
        return self.args[0]

    @property
    def shape(self) -> tuple[sp.Expr, sp.Expr]:
        return self.args[0].shape  # type: ignore[no-any-return]

    def _sympystr(self, printer: Any) -> str:
        return f"{self.sympy_name}({printer._print(self.args[0])})"


class Softmax(_VectorFunction):
    """softmax(z)ᵢ = e^(zᵢ) / Σⱼ e^(zⱼ)."""

    sympy_name = "softmax"


class LogSoftmax(_VectorFunction):
    """log_softmax(z)ᵢ = zᵢ − log Σⱼ e^(zⱼ)."""

    sympy_name = "log_softmax"


_T = sp.Dummy("t", real=True)


def elementwise(body: sp.Expr, t: sp.Symbol, z: sp.MatrixExpr) -> sp.MatrixExpr:
    """The function t ↦ body applied to each entry of z. Applied to an elementwise function
    itself, the two are composed into one (1 − tanh²(z), not 1 − (tanh(z))² of a vector), so
    that it prints as a textbook writes it."""
    if isinstance(z, ElementwiseApplyFunction):
        inner = z.function
        body = body.subs(t, inner.expr.subs(inner.variables[0], _T))
        z = z.expr
    else:
        body = body.subs(t, _T)
    if body == _T:
        return z
    if body.is_Mul:
        c, rest = body.as_independent(_T, as_Add=False)
        if rest == _T:
            # 2t entry by entry is twice the vector: 2u, a scalar multiple, not a function.
            return sp.MatMul(c, z)
    return ElementwiseApplyFunction(sp.Lambda(_T, body), z)


class Differential(sp.MatrixExpr):  # type: ignore[misc]
    """d(u), the differential of u: dX for the variable itself, whose value is the direction
    in which X moves. A scalar's differential is 1×1."""

    def __new__(cls, u: Any) -> Any:
        return sp.MatrixExpr.__new__(cls, u)

    @property
    def arg(self) -> Any:
        return self.args[0]

    @property
    def shape(self) -> tuple[sp.Expr, sp.Expr]:
        u = self.args[0]
        return u.shape if is_matrix(u) else (sp.Integer(1), sp.Integer(1))

    def _sympystr(self, printer: Any) -> str:
        u = self.args[0]
        if isinstance(u, sp.MatrixSymbol):
            return f"d{u.name}"
        return f"d({printer._print(u)})"
