"""The softmax Jacobian ∂pᵢ/∂zⱼ = pᵢ(δᵢⱼ − pⱼ), and the two facts that come with it: the
gradient of cross-entropy over softmax is p − y, and the gradient of log-sum-exp is softmax.

The general derivation is in index notation (i, j, k and a sum over k), which no numeric check
can evaluate as it stands; ``concrete`` puts in a size n and two indices, which is how the tests
check every line against the explicit matrices. For a concrete N, every entry is also derived by
the ordinary engine, step by step.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from derivtutor.calculus.differentiation import partial
from derivtutor.calculus.multivar import Partial
from derivtutor.calculus.notebook import Notebook
from derivtutor.errors import Message, Parameter, UsageError
from derivtutor.language.parse import variable

MIN_N, MAX_N = 2, 8

i, j, k = sp.symbols("i j k", integer=True, positive=True)
n = sp.Symbol("n", integer=True, positive=True)
z = sp.IndexedBase("z", real=True)
p = sp.IndexedBase("p", real=True)
y = sp.IndexedBase("y", real=True)
# S stands for the sum Σₖ e^(zₖ) in every line, as on the board; concrete() writes it out.
S = sp.Symbol("S", positive=True)
SUM = sp.Sum(sp.exp(z[k]), (k, 1, n))


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


def _u(func: type[sp.Basic], *args: sp.Basic) -> sp.Expr:
    """An unevaluated node: each line is shown as it is written on the board."""
    return func(*args, evaluate=False)


def _over(top: sp.Expr, bottom: sp.Expr) -> sp.Expr:
    return _u(sp.Mul, top, _u(sp.Pow, bottom, sp.Integer(-1)))


def jacobian_derivation() -> IndexDerivation:
    """∂pᵢ/∂zⱼ through the quotient rule, down to pᵢ(δᵢⱼ − pⱼ)."""
    delta = sp.KroneckerDelta(i, j)
    top, e_j = sp.exp(z[i]), sp.exp(z[j])
    return IndexDerivation(
        "p_i",
        _over(top, S),
        (
            IndexStep(
                "quotient",
                _over(
                    _u(sp.Add, _u(sp.Mul, delta, top, S), _u(sp.Mul, -1, _u(sp.Mul, top, e_j))),
                    _u(sp.Pow, S, 2),
                ),
                "quotient rule with f = e^(zᵢ) and g = S: ∂f/∂zⱼ = δᵢⱼ·e^(zᵢ), since zᵢ is zⱼ "
                "only when i = j; ∂S/∂zⱼ = e^(zⱼ), since only the k = j term of S has zⱼ",
            ),
            IndexStep(
                "split",
                _u(
                    sp.Add,
                    _u(sp.Mul, delta, _over(top, S)),
                    _u(sp.Mul, -1, _u(sp.Mul, _over(top, S), _over(e_j, S))),
                ),
                "split the fraction in two",
            ),
            IndexStep(
                "definition",
                _u(sp.Add, _u(sp.Mul, delta, p[i]), _u(sp.Mul, -1, _u(sp.Mul, p[i], p[j]))),
                "e^(zᵢ)/S is pᵢ, and e^(zⱼ)/S is pⱼ",
            ),
            IndexStep(
                "factor",
                _u(sp.Mul, p[i], _u(sp.Add, delta, _u(sp.Mul, -1, p[j]))),
                "take out pᵢ",
            ),
        ),
    )


def cross_entropy_derivation() -> IndexDerivation:
    """∂L/∂zⱼ for L = −Σₖ yₖ ln pₖ with Σₖ yₖ = 1 (a one-hot or probability target)."""
    delta = sp.KroneckerDelta(k, j)
    y_sum = sp.Sum(y[k], (k, 1, n))
    return IndexDerivation(
        "L",
        _u(sp.Mul, -1, sp.Sum(_u(sp.Mul, y[k], sp.log(p[k])), (k, 1, n))),
        (
            IndexStep(
                "chain",
                _u(
                    sp.Mul,
                    -1,
                    sp.Sum(
                        _u(sp.Mul, y[k], _over(1, p[k]), p[k], _u(sp.Add, delta, -p[j])),
                        (k, 1, n),
                    ),
                ),
                "chain rule: ∂ ln(pₖ)/∂zⱼ = (1/pₖ)·∂pₖ/∂zⱼ, and ∂pₖ/∂zⱼ = pₖ(δⱼₖ − pⱼ)",
            ),
            IndexStep(
                "sum",
                _u(sp.Add, -y[j], _u(sp.Mul, p[j], y_sum)),
                "the δⱼₖ term keeps only k = j; pⱼ does not depend on k",
            ),
            IndexStep("target", _u(sp.Add, p[j], -y[j]), "the entries of y add up to 1"),
        ),
    )


def logsumexp_derivation() -> IndexDerivation:
    """∂/∂zⱼ ln Σₖ e^(zₖ) = pⱼ."""
    return IndexDerivation(
        "LSE",
        sp.log(S, evaluate=False),
        (
            IndexStep(
                "chain",
                _over(sp.exp(z[j]), S),
                "chain rule: ∂ ln(S)/∂zⱼ = (1/S)·∂S/∂zⱼ, and ∂S/∂zⱼ = e^(zⱼ)",
            ),
            IndexStep("definition", p[j], "e^(zⱼ)/S is pⱼ"),
        ),
    )


def concrete(statement: sp.Expr, size: int, row: int, column: int) -> sp.Expr:
    """An index statement with n, i, j put in, pₖ written out and yₖ as symbols y1, y2, ..."""
    zs = [variable(f"z{m}") for m in range(1, size + 1)]
    total = sp.Add(*(sp.exp(v) for v in zs))
    expr = statement.subs(S, SUM).subs({n: size, i: row, j: column}).doit()
    expr = expr.replace(lambda e: isinstance(e, sp.Indexed), lambda e: _entry(e, zs, total))
    return expr.doit()


def _entry(e: sp.Indexed, zs: list[sp.Symbol], total: sp.Expr) -> sp.Expr:
    index = int(e.indices[0])
    if e.base == z:
        return zs[index - 1]
    if e.base == p:
        return sp.exp(zs[index - 1]) / total
    return variable(f"y{index}")


@dataclass(frozen=True, repr=False)
class SoftmaxJacobian(Notebook):
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

    def summary(self) -> str:
        size = "n" if self.size is None else str(self.size)
        return f"the softmax Jacobian for N = {size}: diag(p) - p*p.T"


def softmax_jacobian(n: int | str) -> SoftmaxJacobian:
    """``n`` from 2 to 8 for explicit matrices, or "n" for the general case only."""
    general = SoftmaxJacobian(
        None, jacobian_derivation(), cross_entropy_derivation(), logsumexp_derivation()
    )
    if n == "n":
        return general
    # int(3.7) would be 3 and int(True) 1: only a whole number, or its digits, is a size.
    whole = isinstance(n, int) and not isinstance(n, bool)
    count = int(n) if whole or (isinstance(n, str) and n.strip().isdecimal()) else None
    if count is None or not MIN_N <= count <= MAX_N:
        raise UsageError(
            Message(
                "{n} takes a size from {low} to {high}, or n; not {given!r}",
                n=Parameter("n"),
                low=MIN_N,
                high=MAX_N,
                given=n if count is None else count,
            )
        )
    zs = tuple(variable(f"z{m}") for m in range(1, count + 1))
    total = sp.Add(*(sp.exp(v) for v in zs), evaluate=False)
    inputs = tuple(sp.Mul(sp.exp(v), sp.Pow(total, -1), evaluate=False) for v in zs)
    entries = tuple(tuple(partial(f, v, zs) for v in zs) for f in inputs)
    return SoftmaxJacobian(
        count, general.jacobian, general.cross_entropy, general.logsumexp, inputs, zs, entries
    )
