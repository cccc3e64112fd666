"""The step tree: one frozen dataclass per differentiation rule.

Each rule's docstring is the rule as a formula. A step holds data only (the expression, the
variable, its substeps, the rule's own parameters); ``eval()`` gives the raw derivative, which
``tidy`` later makes readable. Display strings live in ``render/``, never here.

Every step is a true statement on its own: ``step.eval()`` equals
``diff(step.expression, step.variable)``. Inside a chain rule the outer step is stated in its
own variable (u1), so that each node can be checked by itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import ClassVar

import sympy as sp

from derivtutor.language.functions import sigmoid

# Rules with no parameters of their own are plain subclasses: they inherit Step's dataclass
# methods, and skipping @dataclass on them saves ~5 ms of start-up.


class Substitution(sp.Symbol):  # type: ignore[misc]
    """u1, u2, ...: the name the chain rule gives an inner function. A type of its own, so it
    can never be mistaken for (or equal to) a variable the user typed with the same name."""


@dataclass(frozen=True)
class Step:
    """d/dx f(x): the base of every rule."""

    expression: sp.Expr
    variable: sp.Symbol
    rule: ClassVar[str] = ""

    @property
    def substeps(self) -> tuple[Step, ...]:
        return ()

    def eval(self) -> sp.Expr:
        raise NotImplementedError

    def walk(self) -> Iterator[Step]:
        """This step and every step below it, depth first."""
        yield self
        for sub in self.substeps:
            yield from sub.walk()


class ConstantRule(Step):
    """d/dx c = 0 (c does not depend on x; other variables are held constant)"""

    rule: ClassVar[str] = "constant"

    def eval(self) -> sp.Expr:
        return sp.Integer(0)


class VariableRule(Step):
    """d/dx x = 1"""

    rule: ClassVar[str] = "variable"

    def eval(self) -> sp.Expr:
        return sp.Integer(1)


@dataclass(frozen=True, kw_only=True)
class SumRule(Step):
    """d/dx (f + g) = f' + g'"""

    terms: tuple[Step, ...]
    rule: ClassVar[str] = "sum"

    @property
    def substeps(self) -> tuple[Step, ...]:
        return self.terms

    def eval(self) -> sp.Expr:
        return sp.Add(*(t.eval() for t in self.terms))


@dataclass(frozen=True, kw_only=True)
class ConstantMultipleRule(Step):
    """d/dx (c·f) = c·f'"""

    constant: sp.Expr
    inner: Step
    rule: ClassVar[str] = "constant_multiple"

    @property
    def substeps(self) -> tuple[Step, ...]:
        return (self.inner,)

    def eval(self) -> sp.Expr:
        return self.constant * self.inner.eval()


@dataclass(frozen=True, kw_only=True)
class PowerRule(Step):
    """d/dx x^n = n·x^(n-1)"""

    exponent: sp.Expr
    rule: ClassVar[str] = "power"

    def eval(self) -> sp.Expr:
        n = self.exponent
        return n * self.variable ** (n - 1)


@dataclass(frozen=True, kw_only=True)
class ProductRule(Step):
    """d/dx (f·g) = f'·g + f·g' (and for n factors, one term per factor differentiated)"""

    factors: tuple[sp.Expr, ...]
    parts: tuple[Step, ...]
    rule: ClassVar[str] = "product"

    @property
    def substeps(self) -> tuple[Step, ...]:
        return self.parts

    def eval(self) -> sp.Expr:
        terms = []
        for i, part in enumerate(self.parts):
            others = [f for j, f in enumerate(self.factors) if j != i]
            terms.append(sp.Mul(part.eval(), *others))
        return sp.Add(*terms)


@dataclass(frozen=True, kw_only=True)
class QuotientRule(Step):
    """d/dx (f/g) = (f'·g − f·g') / g²"""

    numerator: sp.Expr
    denominator: sp.Expr
    numerator_step: Step
    denominator_step: Step
    rule: ClassVar[str] = "quotient"

    @property
    def substeps(self) -> tuple[Step, ...]:
        return (self.numerator_step, self.denominator_step)

    def eval(self) -> sp.Expr:
        f, g = self.numerator, self.denominator
        df, dg = (s.eval() for s in self.substeps)
        return (df * g - f * dg) / g**2


@dataclass(frozen=True, kw_only=True)
class ChainRule(Step):
    """d/dx f(g(x)) = f'(g(x))·g'(x), written with u = g(x): d/dx f(u) = f'(u)·du/dx"""

    u: sp.Symbol
    inner: sp.Expr
    outer_step: Step
    inner_step: Step
    rule: ClassVar[str] = "chain"

    @property
    def substeps(self) -> tuple[Step, ...]:
        return (self.outer_step, self.inner_step)

    def eval(self) -> sp.Expr:
        outer, inner = self.substeps
        return outer.eval().subs(self.u, self.inner) * inner.eval()


class ExpRule(Step):
    """d/dx e^x = e^x"""

    rule: ClassVar[str] = "exp"

    def eval(self) -> sp.Expr:
        return sp.exp(self.variable)


@dataclass(frozen=True, kw_only=True)
class ExponentialRule(Step):
    """d/dx a^x = a^x·ln(a)"""

    base: sp.Expr
    rule: ClassVar[str] = "exponential"

    def eval(self) -> sp.Expr:
        return self.base**self.variable * sp.log(self.base)


class LogRule(Step):
    """d/dx ln(x) = 1/x"""

    rule: ClassVar[str] = "log"

    def eval(self) -> sp.Expr:
        return 1 / self.variable


@dataclass(frozen=True, kw_only=True)
class LogBaseRule(Step):
    """d/dx log_b(x) = 1/(x·ln(b))"""

    base: sp.Expr
    rule: ClassVar[str] = "log_base"

    def eval(self) -> sp.Expr:
        return 1 / (self.variable * sp.log(self.base))


# The derivative table, in the forms a textbook prints.
_TABLE: dict[type[sp.Function], Callable[[sp.Symbol], sp.Expr]] = {
    sp.sin: lambda u: sp.cos(u),
    sp.cos: lambda u: -sp.sin(u),
    sp.tan: lambda u: sp.sec(u) ** 2,
    sp.cot: lambda u: -(sp.csc(u) ** 2),
    sp.sec: lambda u: sp.sec(u) * sp.tan(u),
    sp.csc: lambda u: -sp.csc(u) * sp.cot(u),
    sp.asin: lambda u: 1 / sp.sqrt(1 - u**2),
    sp.acos: lambda u: -1 / sp.sqrt(1 - u**2),
    sp.atan: lambda u: 1 / (1 + u**2),
    sp.acot: lambda u: -1 / (1 + u**2),
    sp.asec: lambda u: 1 / (sp.Abs(u) * sp.sqrt(u**2 - 1)),
    sp.acsc: lambda u: -1 / (sp.Abs(u) * sp.sqrt(u**2 - 1)),
    sp.sinh: lambda u: sp.cosh(u),
    sp.cosh: lambda u: sp.sinh(u),
    sp.tanh: lambda u: sp.sech(u) ** 2,
    sp.coth: lambda u: -(sp.csch(u) ** 2),
    sp.sech: lambda u: -sp.sech(u) * sp.tanh(u),
    sp.csch: lambda u: -sp.csch(u) * sp.coth(u),
    sp.asinh: lambda u: 1 / sp.sqrt(u**2 + 1),
    sp.acosh: lambda u: 1 / sp.sqrt(u**2 - 1),
    sp.atanh: lambda u: 1 / (1 - u**2),
    sp.acoth: lambda u: 1 / (1 - u**2),
    sp.asech: lambda u: -1 / (u * sp.sqrt(1 - u**2)),
    sp.acsch: lambda u: -1 / (sp.Abs(u) * sp.sqrt(1 + u**2)),
}


def _table(function: type[sp.Function], u: sp.Symbol) -> sp.Expr:
    return _TABLE[function](u)


TRIG = (sp.sin, sp.cos, sp.tan, sp.cot, sp.sec, sp.csc)
INVERSE_TRIG = (sp.asin, sp.acos, sp.atan, sp.acot, sp.asec, sp.acsc)
HYPERBOLIC = (sp.sinh, sp.cosh, sp.tanh, sp.coth, sp.sech, sp.csch)
INVERSE_HYPERBOLIC = (sp.asinh, sp.acosh, sp.atanh, sp.acoth, sp.asech, sp.acsch)


class TrigRule(Step):
    """d/dx sin x = cos x, d/dx cos x = −sin x, d/dx tan x = sec² x, and so on"""

    rule: ClassVar[str] = "trig"

    def eval(self) -> sp.Expr:
        return _table(self.expression.func, self.variable)


class InverseTrigRule(Step):
    """d/dx arcsin x = 1/√(1 − x²), d/dx arctan x = 1/(1 + x²), and so on"""

    rule: ClassVar[str] = "inverse_trig"

    def eval(self) -> sp.Expr:
        return _table(self.expression.func, self.variable)


class HyperbolicRule(Step):
    """d/dx sinh x = cosh x, d/dx cosh x = sinh x, d/dx tanh x = sech² x = 1 − tanh² x"""

    rule: ClassVar[str] = "hyperbolic"

    def eval(self) -> sp.Expr:
        return _table(self.expression.func, self.variable)


class InverseHyperbolicRule(Step):
    """d/dx arsinh x = 1/√(x² + 1), d/dx artanh x = 1/(1 − x²), and so on"""

    rule: ClassVar[str] = "inverse_hyperbolic"

    def eval(self) -> sp.Expr:
        return _table(self.expression.func, self.variable)


class AbsRule(Step):
    """d/dx |x| = x/|x| = sign(x), for x ≠ 0"""

    rule: ClassVar[str] = "abs"

    def eval(self) -> sp.Expr:
        return sp.sign(self.variable)


class SigmoidRule(Step):
    """d/dx σ(x) = σ(x)·(1 − σ(x))"""

    rule: ClassVar[str] = "sigmoid"

    def eval(self) -> sp.Expr:
        s = sigmoid(self.variable)
        return s * (1 - s)


class ReluRule(Step):
    """d/dx relu(x) = 0 for x ≤ 0 and 1 for x > 0 (the subgradient 0 is chosen at x = 0)"""

    rule: ClassVar[str] = "relu"

    def eval(self) -> sp.Expr:
        return sp.Heaviside(self.variable, 0)


class SoftplusRule(Step):
    """d/dx softplus(x) = d/dx ln(1 + e^x) = σ(x)"""

    rule: ClassVar[str] = "softplus"

    def eval(self) -> sp.Expr:
        return sigmoid(self.variable)


class PiecewiseConstantRule(Step):
    """d/dx sign(x) = d/dx H(x) = 0 for x ≠ 0 (each is constant on either side of 0)"""

    rule: ClassVar[str] = "piecewise_constant"

    def eval(self) -> sp.Expr:
        return sp.Integer(0)


@dataclass(frozen=True, kw_only=True)
class LogDifferentiationRule(Step):
    """y = u^v: ln y = v·ln u, so y' = u^v · d/dx (v·ln u)"""

    base: sp.Expr
    exponent: sp.Expr
    log_step: Step
    rule: ClassVar[str] = "log_differentiation"

    @property
    def substeps(self) -> tuple[Step, ...]:
        return (self.log_step,)

    def eval(self) -> sp.Expr:
        return self.base**self.exponent * self.log_step.eval()


@dataclass(frozen=True, kw_only=True)
class RewriteRule(Step):
    """d/dx f = d/dx g, where g is f written another way (e.g. log_u(v) = ln v / ln u)"""

    rewritten: sp.Expr
    inner: Step
    rule: ClassVar[str] = "rewrite"

    @property
    def substeps(self) -> tuple[Step, ...]:
        return (self.inner,)

    def eval(self) -> sp.Expr:
        return self.inner.eval()


class LogLawsRule(RewriteRule):
    """ln(a·b/c) = ln|a| + ln|b| − ln|c|, ln √u = ½·ln u, ln uⁿ = n·ln|u|, ln(aᵘ) = u·ln a:
    each holds wherever the left side is defined, and |·| keeps every logarithm on the right
    defined (ln(ab) = ln a + ln b alone needs a, b > 0)"""

    rule: ClassVar[str] = "log_laws"


class PowerFormRule(RewriteRule):
    """c/uⁿ = c·u⁻ⁿ: a constant over a power is differentiated by the power rule, not the
    quotient rule"""

    rule: ClassVar[str] = "power_form"


@dataclass(frozen=True, kw_only=True)
class SimplifyFirstRule(RewriteRule):
    """d/dx f = d/dx g, where g is f simplified before differentiating: (x⁵ − 2x³)/x² = x³ − 2x
    (``how`` "divide"), (x + 1)(x − 1) = x² − 1 ("expand"), √x·x = x^(3/2) ("combine_powers")"""

    how: str
    rule: ClassVar[str] = "simplify_first"


class KnownFunctionRule(RewriteRule):
    """(eˣ − e⁻ˣ)/(eˣ + e⁻ˣ) = tanh x, (eˣ + e⁻ˣ)/2 = cosh x, ...: a function recognised where it
    is written out, and differentiated by its own rule"""

    rule: ClassVar[str] = "known_function"


class LogAbsRule(Step):
    """d/dx ln|x| = 1/x, for x ≠ 0"""

    rule: ClassVar[str] = "log_abs"

    def eval(self) -> sp.Expr:
        return 1 / self.variable


@dataclass(frozen=True, kw_only=True)
class LogProductRule(Step):
    """y = f₁^k₁·f₂^k₂⋯/g^m: ln|y| = k₁·ln|f₁| + k₂·ln|f₂| + ⋯ − m·ln|g|, so
    y' = y·(k₁·f₁'/f₁ + k₂·f₂'/f₂ + ⋯ − m·g'/g) (logarithmic differentiation of a product)"""

    logarithm: sp.Expr
    log_step: Step
    rule: ClassVar[str] = "log_differentiation_product"

    @property
    def substeps(self) -> tuple[Step, ...]:
        return (self.log_step,)

    def eval(self) -> sp.Expr:
        return self.expression * self.log_step.eval()


@dataclass(frozen=True, kw_only=True)
class ReuseRule(Step):
    """d/dx f, derived once already above: the same result"""

    original: Step
    rule: ClassVar[str] = "reuse"

    def eval(self) -> sp.Expr:
        return self.original.eval()


class DependentRule(Step):
    """d/dx y = dy/dx, where y stands for an unknown function y(x) (implicit differentiation)"""

    rule: ClassVar[str] = "dependent"

    def eval(self) -> sp.Expr:
        return sp.Derivative(self.expression, self.variable)


class UnknownRule(Step):
    """d/dx f, by SymPy's own diff: no rule here explains it"""

    rule: ClassVar[str] = "unknown"

    def eval(self) -> sp.Expr:
        return sp.diff(self.expression, self.variable)


RULE_IDS: tuple[str, ...] = (
    "constant",
    "variable",
    "sum",
    "constant_multiple",
    "power",
    "product",
    "quotient",
    "chain",
    "exp",
    "exponential",
    "log",
    "log_base",
    "trig",
    "inverse_trig",
    "hyperbolic",
    "inverse_hyperbolic",
    "abs",
    "sigmoid",
    "relu",
    "softplus",
    "piecewise_constant",
    "log_differentiation",
    "rewrite",
    "log_laws",
    "power_form",
    "simplify_first",
    "known_function",
    "log_abs",
    "log_differentiation_product",
    "reuse",
    "dependent",
    "unknown",
)
