"""The softmax Jacobian ∂pᵢ/∂zⱼ = pᵢ(δᵢⱼ − pⱼ), and the two facts that come with it: the
gradient of cross-entropy over softmax is p − y, and the gradient of log-sum-exp is softmax.

The general derivation is in index notation (i, j, k and a sum over k), which no numeric check
can evaluate as it stands; ``concrete`` puts in a size n and two indices, which is how the tests
check every line against the explicit matrices. For a concrete N, every entry is also derived by
the ordinary engine, step by step.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sympy as sp

from derivtutor.errors import UsageError
from derivtutor.multivar import Partial, partial
from derivtutor.parse import variable

MIN_N, MAX_N = 2, 8

i, j, k = sp.symbols("i j k", integer=True, positive=True)
n = sp.Symbol("n", integer=True, positive=True)
z = sp.IndexedBase("z", real=True)
p = sp.IndexedBase("p", real=True)
y = sp.IndexedBase("y", real=True)
S = sp.Sum(sp.exp(z[k]), (k, 1, n))


@dataclass(frozen=True)
class IndexStep:
    """One line of an index-notation derivation: ``statement`` equals the derivative being
    derived, by the rule named in ``rule``, for the reason in ``reason``."""

    rule: str
    statement: sp.Expr
    reason: str


@dataclass(frozen=True)
class IndexDerivation:
    """d(target)/dz_j, line by line."""

    target: str  # what is differentiated, e.g. "p_i"
    definition: sp.Expr
    lines: tuple[IndexStep, ...]

    @property
    def result(self) -> sp.Expr:
        return self.lines[-1].statement


def jacobian_derivation() -> IndexDerivation:
    """∂pᵢ/∂zⱼ through the quotient rule, down to pᵢ(δᵢⱼ − pⱼ)."""
    delta = sp.KroneckerDelta(i, j)
    top, e_j = sp.exp(z[i]), sp.exp(z[j])
    quotient = (delta * top * S - top * e_j) / S**2
    return IndexDerivation(
        "p_i",
        top / S,
        (
            IndexStep(
                "quotient",
                quotient,
                "quotient rule with f = e^(z_i) and g = Σ_k e^(z_k); ∂f/∂z_j = δ_ij·e^(z_i) "
                "(z_i is z_j only when i = j) and ∂g/∂z_j = e^(z_j) (only the k = j term "
                "depends on z_j)",
            ),
            IndexStep(
                "split",
                delta * top / S - (top / S) * (e_j / S),
                "split the fraction into two",
            ),
            IndexStep("definition", delta * p[i] - p[i] * p[j], "e^(z_i)/Σ_k e^(z_k) is p_i"),
            IndexStep("factor", p[i] * (delta - p[j]), "take out p_i"),
        ),
    )


def cross_entropy_derivation() -> IndexDerivation:
    """∂L/∂zⱼ for L = −Σₖ yₖ ln pₖ with Σₖ yₖ = 1 (a one-hot or probability target)."""
    delta = sp.KroneckerDelta(k, j)
    y_sum = sp.Sum(y[k], (k, 1, n))
    return IndexDerivation(
        "L",
        -sp.Sum(y[k] * sp.log(p[k]), (k, 1, n)),
        (
            IndexStep(
                "chain",
                -sp.Sum(y[k] / p[k] * p[k] * (delta - p[j]), (k, 1, n)),
                "chain rule: ∂ ln p_k/∂z_j = (1/p_k)·∂p_k/∂z_j, and ∂p_k/∂z_j = p_k(δ_kj − p_j)",
            ),
            IndexStep(
                "sum",
                -y[j] + p[j] * y_sum,
                "the δ_kj term keeps only k = j; p_j does not depend on k",
            ),
            IndexStep("target", p[j] - y[j], "Σ_k y_k = 1"),
        ),
    )


def logsumexp_derivation() -> IndexDerivation:
    """∂/∂zⱼ ln Σₖ e^(zₖ) = pⱼ."""
    return IndexDerivation(
        "LSE",
        sp.log(S),
        (
            IndexStep(
                "chain",
                sp.exp(z[j]) / S,
                "chain rule: ∂ ln(S)/∂z_j = (1/S)·∂S/∂z_j, and ∂S/∂z_j = e^(z_j)",
            ),
            IndexStep("definition", p[j], "e^(z_j)/Σ_k e^(z_k) is p_j"),
        ),
    )


def concrete(statement: sp.Expr, size: int, row: int, column: int) -> sp.Expr:
    """An index statement with n, i, j put in, pₖ written out and yₖ as symbols y1, y2, ..."""
    zs = [variable(f"z{m}") for m in range(1, size + 1)]
    total = sp.Add(*(sp.exp(v) for v in zs))
    expr = statement.subs({n: size, i: row, j: column}).doit()
    expr = expr.replace(
        lambda e: isinstance(e, sp.Indexed), lambda e: _entry(e, zs, total)
    )
    return expr.doit()


def _entry(e: sp.Indexed, zs: list[sp.Symbol], total: sp.Expr) -> sp.Expr:
    index = int(e.indices[0])
    if e.base == z:
        return zs[index - 1]
    if e.base == p:
        return sp.exp(zs[index - 1]) / total
    return variable(f"y{index}")


@dataclass(frozen=True)
class SoftmaxJacobian:
    """The softmax Jacobian: the index derivations, and for a concrete N every entry."""

    size: int | None  # None for the general case
    jacobian: IndexDerivation
    cross_entropy: IndexDerivation
    logsumexp: IndexDerivation
    inputs: tuple[sp.Expr, ...] = ()  # p_1 .. p_N written out in z
    variables: tuple[sp.Symbol, ...] = ()
    entries: tuple[tuple[Partial, ...], ...] = ()

    @property
    def p_matrix(self) -> sp.Matrix:
        """The explicit matrix in p₁ .. p_N: pᵢ(1 − pᵢ) on the diagonal, −pᵢpⱼ off it."""
        assert self.size is not None
        ps = [sp.Symbol(f"p{m}", real=True) for m in range(1, self.size + 1)]
        return sp.Matrix(
            self.size,
            self.size,
            lambda r, c: ps[r] * (1 - ps[r]) if r == c else -ps[r] * ps[c],
        )

    def to_dict(self) -> dict[str, Any]:
        from derivtutor.render.json import softmax_dict

        return softmax_dict(self)


def softmax_jacobian(size: int | str) -> SoftmaxJacobian:
    """``size`` from 2 to 8 for explicit matrices, or "n" for the general case only."""
    general = SoftmaxJacobian(
        None, jacobian_derivation(), cross_entropy_derivation(), logsumexp_derivation()
    )
    if size == "n":
        return general
    try:
        count = int(size)
    except (TypeError, ValueError):
        raise UsageError(f"--softmax takes a size from {MIN_N} to {MAX_N}, or n") from None
    if not MIN_N <= count <= MAX_N:
        raise UsageError(f"--softmax takes a size from {MIN_N} to {MAX_N}, or n; not {count}")
    zs = tuple(variable(f"z{m}") for m in range(1, count + 1))
    total = sp.Add(*(sp.exp(v) for v in zs), evaluate=False)
    inputs = tuple(sp.Mul(sp.exp(v), sp.Pow(total, -1), evaluate=False) for v in zs)
    entries = tuple(tuple(partial(f, v, zs) for v in zs) for f in inputs)
    return SoftmaxJacobian(
        count, general.jacobian, general.cross_entropy, general.logsumexp, inputs, zs, entries
    )
