"""Several variables: partial derivatives, the gradient, the Jacobian and the Hessian.

Every entry is an ordinary derivation (derive.py) with the other variables held constant, tidied
like any result, so each one has its own step tree. Pure: nothing here reads or prints.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import sympy as sp

from derivtutor.calculus.differentiation import Differentiation, partial
from derivtutor.calculus.notebook import Notebook
from derivtutor.errors import UsageError
from derivtutor.language.inputs import choose_variables, parse_point
from derivtutor.language.parse import parse

if TYPE_CHECKING:
    from derivtutor.calculus.gradient_check import GradientCheck

MAX_FUNCTIONS = 12


# One entry: ∂f/∂v with the other variables held constant, with its own step tree.
Partial = Differentiation


@dataclass(frozen=True, repr=False)
class Gradient(Notebook):
    """∇f = (∂f/∂x₁, ..., ∂f/∂xₙ)."""

    input: str
    expression: sp.Expr
    variables: tuple[sp.Symbol, ...]
    components: tuple[Partial, ...]
    alphabetical: bool  # the variables were not given, so they are in alphabetical order
    at: tuple[GradientCheck, ...] | None = None

    @property
    def vector(self) -> tuple[sp.Expr, ...]:
        return tuple(c.derivative for c in self.components)

    @property
    def is_softmax(self) -> bool:
        """The components are e^(zₖ)/Σⱼ e^(zⱼ): this is the gradient of log-sum-exp."""
        total = sp.Add(*(sp.exp(v) for v in self.variables))
        return len(self.variables) > 1 and all(
            c.derivative == sp.exp(c.variable) / total for c in self.components
        )

    def summary(self) -> str:
        names = ", ".join(v.name for v in self.variables)
        return f"grad [{self.expression}] by ({names}) = ({', '.join(map(str, self.vector))})"


@dataclass(frozen=True, repr=False)
class Jacobian(Notebook):
    """J[i][j] = ∂fᵢ/∂xⱼ: one row per function, one column per variable."""

    inputs: tuple[str, ...]
    expressions: tuple[sp.Expr, ...]
    variables: tuple[sp.Symbol, ...]
    entries: tuple[tuple[Partial, ...], ...]
    alphabetical: bool

    @property
    def matrix(self) -> sp.Matrix:
        return sp.Matrix([[e.derivative for e in row] for row in self.entries])

    def summary(self) -> str:
        names = ", ".join(v.name for v in self.variables)
        functions = ", ".join(map(str, self.expressions))
        return f"J of ({functions}) by ({names}) = {self.matrix.tolist()}"


@dataclass(frozen=True, repr=False)
class Hessian(Notebook):
    """H[i][j] = ∂²f/∂xⱼ∂xᵢ, symmetric: each mixed partial is derived once (Schwarz)."""

    input: str
    expression: sp.Expr
    variables: tuple[sp.Symbol, ...]
    gradient: tuple[Partial, ...]
    entries: tuple[tuple[Partial, ...], ...]  # entries[j][i] is entries[i][j], the same object
    alphabetical: bool

    @property
    def matrix(self) -> sp.Matrix:
        return sp.Matrix([[e.derivative for e in row] for row in self.entries])

    def summary(self) -> str:
        names = ", ".join(v.name for v in self.variables)
        return f"H of {self.expression} by ({names}) = {self.matrix.tolist()}"


def gradient(text: str, vars: str | Sequence[str] | None = None, at: str | None = None) -> Gradient:
    """The gradient of ``text`` with respect to ``vars`` (default: its variables, A to Z)."""
    expression = parse(text)
    chosen, alphabetical = choose_variables([expression], vars)
    components = tuple(partial(expression, v, chosen, text) for v in chosen)
    checks = None
    if at:
        from derivtutor.calculus.gradient_check import gradient_check
        from derivtutor.engine.numeric import constant_value

        point = parse_point(at, expression, to_float=constant_value)
        checks = tuple(
            gradient_check(expression, c.derivative, c.variable, point) for c in components
        )
        # Each component carries its own check, so it is shown beside its derivation.
        components = tuple(replace(c, at=ch) for c, ch in zip(components, checks, strict=True))
    return Gradient(text, expression, chosen, components, alphabetical, checks)


def jacobian(texts: Sequence[str], vars: str | Sequence[str] | None = None) -> Jacobian:
    """The Jacobian of the functions ``texts`` with respect to ``vars``."""
    if isinstance(texts, str):
        texts = [texts]
    if not texts:
        raise UsageError('give at least one expression, e.g. derivtutor jacobian "x y" "x + y"')
    if len(texts) > MAX_FUNCTIONS:
        raise UsageError(f"at most {MAX_FUNCTIONS} functions, not {len(texts)}")
    expressions = tuple(parse(t) for t in texts)
    chosen, alphabetical = choose_variables(expressions, vars)
    entries = tuple(
        tuple(partial(f, v, chosen, t) for v in chosen)
        for f, t in zip(expressions, texts, strict=True)
    )
    return Jacobian(tuple(texts), expressions, chosen, entries, alphabetical)


def hessian(text: str, vars: str | Sequence[str] | None = None) -> Hessian:
    """The Hessian of ``text``: each entry differentiates a gradient component once more."""
    expression = parse(text)
    chosen, alphabetical = choose_variables([expression], vars)
    first = tuple(partial(expression, v, chosen, text) for v in chosen)
    n = len(chosen)
    grid: list[list[Partial | None]] = [[None] * n for _ in range(n)]
    for i in range(n):
        for j in range(i, n):
            # ∂²f/∂xⱼ∂xᵢ = ∂²f/∂xᵢ∂xⱼ (Schwarz): derive the upper triangle, mirror the rest.
            entry = partial(first[i].derivative, chosen[j], chosen)
            grid[i][j] = grid[j][i] = entry
    entries = tuple(tuple(e for e in row if e is not None) for row in grid)
    return Hessian(text, expression, chosen, first, entries, alphabetical)
