"""The machine-learning functions as SymPy functions, each with its derivative beside it.

They stay unevaluated (``sigmoid(x)`` is not rewritten to ``1/(1 + exp(-x))``) so that steps
and answers keep the name a student wrote. Numeric evaluation goes through the rewritten form.
"""

from __future__ import annotations

from typing import Any

import sympy as sp


class sigmoid(sp.Function):  # type: ignore[misc]  # noqa: N801 - SymPy names functions in lower case
    """σ(x) = 1/(1 + e^(-x)), with σ'(x) = σ(x)(1 - σ(x))."""

    nargs = 1

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        s = sigmoid(self.args[0])
        return s * (1 - s)

    @classmethod
    def eval(cls, arg: sp.Expr) -> sp.Expr | None:
        if arg.is_zero:
            return sp.Rational(1, 2)
        return None

    def _eval_rewrite_as_exp(self, arg: sp.Expr, **kwargs: Any) -> sp.Expr:
        return 1 / (1 + sp.exp(-arg))

    def _eval_evalf(self, prec: int) -> sp.Expr:
        return self.rewrite(sp.exp)._eval_evalf(prec)

    def _eval_is_real(self) -> bool | None:
        return self.args[0].is_real  # type: ignore[no-any-return]

    def _latex(self, printer: Any, exp: str | None = None) -> str:
        tex = rf"\sigma\left({printer._print(self.args[0])}\right)"
        return tex if exp is None else rf"{tex}^{{{exp}}}"


class relu(sp.Function):  # type: ignore[misc]  # noqa: N801
    """relu(x) = max(0, x), with relu'(x) = 0 for x <= 0 and 1 for x > 0 (Heaviside(x, 0))."""

    nargs = 1

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        # The subgradient at the kink is a choice; 0 is what PyTorch and JAX use.
        return sp.Heaviside(self.args[0], 0)

    @classmethod
    def eval(cls, arg: sp.Expr) -> sp.Expr | None:
        if arg.is_Number:
            return sp.Max(arg, 0)
        return None

    def _eval_rewrite_as_Max(self, arg: sp.Expr, **kwargs: Any) -> sp.Expr:
        return sp.Max(arg, 0)

    def _eval_rewrite_as_Piecewise(self, arg: sp.Expr, **kwargs: Any) -> sp.Expr:
        return sp.Piecewise((arg, arg > 0), (0, True))

    def _eval_evalf(self, prec: int) -> sp.Expr:
        return sp.Max(self.args[0], 0)._eval_evalf(prec)

    def _eval_is_real(self) -> bool | None:
        return self.args[0].is_real  # type: ignore[no-any-return]

    def _latex(self, printer: Any, exp: str | None = None) -> str:
        tex = rf"\operatorname{{ReLU}}\left({printer._print(self.args[0])}\right)"
        return tex if exp is None else rf"{tex}^{{{exp}}}"


class softplus(sp.Function):  # type: ignore[misc]  # noqa: N801
    """softplus(x) = ln(1 + e^x), with softplus'(x) = σ(x)."""

    nargs = 1

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        return sigmoid(self.args[0])

    @classmethod
    def eval(cls, arg: sp.Expr) -> sp.Expr | None:
        if arg.is_zero:
            return sp.log(2)
        return None

    def _eval_rewrite_as_log(self, arg: sp.Expr, **kwargs: Any) -> sp.Expr:
        return sp.log(1 + sp.exp(arg))

    def _eval_evalf(self, prec: int) -> sp.Expr:
        return self.rewrite(sp.log)._eval_evalf(prec)

    def _eval_is_real(self) -> bool | None:
        return self.args[0].is_real  # type: ignore[no-any-return]

    def _latex(self, printer: Any, exp: str | None = None) -> str:
        tex = rf"\operatorname{{softplus}}\left({printer._print(self.args[0])}\right)"
        return tex if exp is None else rf"{tex}^{{{exp}}}"


def maximum(u: sp.Expr, v: sp.Expr, evaluate: bool = True) -> sp.Expr:
    """max(u, v) in a function the rules know: max(0, u) = relu(u), and in general
    max(u, v) = v + relu(u − v)."""
    if u.is_zero or v.is_zero:
        return relu(v if u.is_zero else u, evaluate=evaluate)
    return sp.Add(v, relu(_minus(u, v, evaluate), evaluate=evaluate), evaluate=evaluate)


def minimum(u: sp.Expr, v: sp.Expr, evaluate: bool = True) -> sp.Expr:
    """min(u, v) in a function the rules know: min(0, u) = −relu(−u), and in general
    min(u, v) = u − relu(u − v)."""
    if u.is_zero or v.is_zero:
        w = v if u.is_zero else u
        return _negated(relu(_negated(w, evaluate), evaluate=evaluate), evaluate)
    return sp.Add(
        u, _negated(relu(_minus(u, v, evaluate), evaluate=evaluate), evaluate), evaluate=evaluate
    )


def _negated(u: sp.Expr, evaluate: bool) -> sp.Expr:
    return sp.Mul(sp.Integer(-1), u, evaluate=evaluate)


def _minus(u: sp.Expr, v: sp.Expr, evaluate: bool) -> sp.Expr:
    return sp.Add(u, _negated(v, evaluate), evaluate=evaluate)
