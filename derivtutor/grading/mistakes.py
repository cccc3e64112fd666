"""Name the mistake: re-derive with one rule misapplied at one node at a time, and see which
variant reproduces the student's answer.

The variants come from the same step tree the engine built for the correct derivative (there is
no second differentiator): a node's derivative is replaced by a buggy one, the tree above it is
evaluated again, and the result is compared with the answer at the points grading already drew.
Where several mistakes reproduce the answer, the most specific one is reported (a rule's own id
before the generic missing_chain_factor, sign_flipped and constant_factor), the rest in ``also``.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from dataclasses import dataclass, fields, replace
from fractions import Fraction
from typing import TYPE_CHECKING, ClassVar

import sympy as sp

from derivtutor.engine import steps as s
from derivtutor.engine.derive import derivation
from derivtutor.engine.numeric import float_values
from derivtutor.grading.verdict import DIAGNOSIS_POINTS

if TYPE_CHECKING:
    from derivtutor.grading.verdict import Verdict

# Most specific first: a rule's own id, then the missing chain factor (e^(3x) answered e^(3x)
# is a forgotten 3 more often than a forgotten derivative), then whole-answer slips; the last
# two fit many answers and are reported only when nothing else does (DESIGN.md).
MISTAKES: tuple[str, ...] = (
    "product_of_derivatives",
    "product_rule_sign",
    "quotient_rule_sign",
    "quotient_denominator_not_squared",
    "quotient_of_derivatives",
    "power_rule_on_exponential",
    "exp_power_rule",
    "log_missing_inner",
    "trig_sign",
    "tanh_sign",
    "power_not_decremented",
    "missing_chain_factor",
    "not_differentiated",
    "integrated",
    "sign_flipped",
    "constant_factor",
)

COMPARED_POINTS = DIAGNOSIS_POINTS
DEADLINE = 1.0  # seconds
MAX_VARIANTS = 200


@dataclass(frozen=True)
class Diagnosis:
    """The mistake that reproduces the answer, where it was made, and the other candidates."""

    mistake: str
    node: s.Step  # the step of the correct derivation where the rule was misapplied
    also: tuple[str, ...] = ()
    # (u, what u stands for) for each chain rule whose outer step holds the node, outermost
    # first: the node of sin(x²) misapplied is sin(u₁), which the student never wrote.
    substitutions: tuple[tuple[sp.Symbol, sp.Expr], ...] = ()
    # The correct derivative of ``where`` (d/dx sin(x²) = 2x·cos(x²), not the node's cos(u₁)).
    derivative: sp.Expr | None = None

    @property
    def correct(self) -> sp.Expr:
        """The derivative of ``where``, which the answer got wrong."""
        return self.node.eval() if self.derivative is None else self.derivative

    @property
    def where(self) -> sp.Expr:
        """The sub-expression where it went wrong, in the function's own variables."""
        return self.unsubstituted(self.node.expression)

    def unsubstituted(self, expr: sp.Expr) -> sp.Expr:
        """expr with every u the chain rule introduced replaced by what it stands for."""
        for u, inner in reversed(self.substitutions):
            expr = expr.subs(u, inner)
        return expr


@dataclass(frozen=True, kw_only=True)
class _Replaced(s.Step):
    """A step whose derivative was replaced by a buggy one."""

    value: sp.Expr
    rule: ClassVar[str] = "replaced"

    def eval(self) -> sp.Expr:
        return self.value


def diagnose(verdict: Verdict, samples: list[dict[sp.Symbol, float]]) -> Diagnosis | None:
    """The most specific mistake that reproduces the answer at the sample points, if any."""
    if not samples:
        return None
    points = samples[:COMPARED_POINTS]
    symbols = sorted(points[0], key=lambda v: v.name)
    answer = float_values(verdict.answer, symbols, points)
    if all(a is None for a in answer):
        return None
    root = verdict.differentiation.steps[0]
    found: dict[str, s.Step] = {}
    # Diagnosis is a bonus: on a huge function it stops at the deadline with what it found,
    # so that every answer still gets its verdict quickly.
    deadline = time.perf_counter() + DEADLINE
    for tried, (mistake, node, wrong) in enumerate(_variants(root, verdict)):
        if tried >= MAX_VARIANTS or time.perf_counter() > deadline:
            break
        if mistake in found:
            continue
        candidate = wrong if node is root else _with(root, node, wrong).eval()
        if _matches(float_values(candidate, symbols, points), answer):
            found[mistake] = node
    if not found:
        return None
    ordered = [m for m in MISTAKES if m in found]
    node = found[ordered[0]]
    substitutions = _substitutions(root, node)
    diagnosis = Diagnosis(ordered[0], node, tuple(ordered[1:]), substitutions)
    if substitutions:
        derivative = derivation(diagnosis.where, root.variable).eval()
        diagnosis = replace(diagnosis, derivative=derivative)
    return diagnosis


def _substitutions(root: s.Step, target: s.Step) -> tuple[tuple[sp.Symbol, sp.Expr], ...]:
    """(u, inner) for every chain rule between root and target whose outer step holds target."""
    if root is target:
        return ()
    for sub in root.substeps:
        if _contains(sub, target):
            below = _substitutions(sub, target)
            if isinstance(root, s.ChainRule) and sub is root.outer_step:
                return ((root.u, root.inner), *below)
            return below
    return ()


def _matches(candidate: list[float | None], answer: list[float | None]) -> bool:
    pairs = [(c, a) for c, a in zip(candidate, answer, strict=True) if a is not None]
    return bool(pairs) and all(
        c is not None and math.isfinite(c) and abs(c - a) <= max(1e-9, 1e-6 * abs(a))
        for c, a in pairs
    )


def _with(root: s.Step, target: s.Step, value: sp.Expr) -> s.Step:
    """root, with target's derivative replaced by value (the steps above it re-evaluate)."""
    if root is target:
        return _Replaced(root.expression, root.variable, value=value)
    changes: dict[str, object] = {}
    for field in fields(root):
        old = getattr(root, field.name)
        if isinstance(old, s.Step) and _contains(old, target):
            changes[field.name] = _with(old, target, value)
        elif isinstance(old, tuple) and any(
            isinstance(o, s.Step) and _contains(o, target) for o in old
        ):
            changes[field.name] = tuple(
                _with(o, target, value) if isinstance(o, s.Step) else o for o in old
            )
    return replace(root, **changes) if changes else root


def _contains(step: s.Step, target: s.Step) -> bool:
    return any(node is target for node in step.walk())


def _variants(root: s.Step, verdict: Verdict) -> Iterator[tuple[str, s.Step, sp.Expr]]:
    """(mistake, node, the node's wrong derivative), for every node and every way to slip."""
    for node in root.walk():
        yield from _node_variants(node)
    # The whole answer: undifferentiated, integrated, negated, or off by a constant factor.
    function, derivative = verdict.function, root.eval()
    yield "not_differentiated", root, function
    yield "sign_flipped", root, -derivative
    ratio = _constant_ratio(verdict, derivative)
    if ratio is not None:
        yield "constant_factor", root, ratio * derivative
    if _integrated(verdict):
        yield "integrated", root, verdict.answer


def _node_variants(node: s.Step) -> Iterator[tuple[str, s.Step, sp.Expr]]:
    x = node.variable
    if isinstance(node, s.ChainRule):
        outer, inner = node.substeps
        without = outer.eval().subs(node.u, node.inner)
        kind = "log_missing_inner" if isinstance(outer, s.LogRule) else "missing_chain_factor"
        yield kind, node, without
        if kind != "missing_chain_factor":
            yield "missing_chain_factor", node, without
    elif isinstance(node, s.ProductRule):
        parts = [p.eval() for p in node.parts]
        yield "product_of_derivatives", node, sp.Mul(*parts)
        if len(parts) == 2:
            f, g = node.factors
            yield "product_rule_sign", node, parts[0] * g - f * parts[1]
    elif isinstance(node, s.QuotientRule):
        f, g = node.numerator, node.denominator
        df, dg = (p.eval() for p in node.substeps)
        yield "quotient_rule_sign", node, (f * dg - df * g) / g**2  # the order reversed
        yield "quotient_rule_sign", node, (df * g + f * dg) / g**2  # + for −
        yield "quotient_denominator_not_squared", node, (df * g - f * dg) / g
        if dg != 0:
            yield "quotient_of_derivatives", node, df / dg
    elif isinstance(node, s.ExponentialRule):
        yield "power_rule_on_exponential", node, x * node.base ** (x - 1)
    elif isinstance(node, s.ExpRule):
        yield "power_rule_on_exponential", node, x * sp.exp(x - 1)
    elif isinstance(node, s.PowerRule):
        n = node.exponent
        yield "power_not_decremented", node, n * x**n
        yield "exp_power_rule", node, x**n * sp.log(x)
    elif isinstance(node, s.TrigRule):
        yield "trig_sign", node, -node.eval()
    elif isinstance(node, s.HyperbolicRule) and isinstance(node.expression, sp.tanh):
        yield "tanh_sign", node, 1 + sp.tanh(x) ** 2
    elif isinstance(node, s.ConstantMultipleRule):
        yield "constant_factor", node, node.inner.eval()
    if not isinstance(node, (s.ConstantRule, s.ReuseRule)) and node.variable == x:
        yield "sign_flipped", node, -node.eval()


def _constant_ratio(verdict: Verdict, derivative: sp.Expr) -> sp.Expr | None:
    """k when the answer looks like k times the derivative, for a simple constant k ≠ ±1
    (confirmed afterwards at every compared point, like any other variant)."""
    symbols = sorted(verdict.function.free_symbols | verdict.answer.free_symbols, key=str)
    point = {v: 0.37 + 0.11 * n for n, v in enumerate(symbols)}
    answer, correct = (float_values(e, symbols, [point])[0] for e in (verdict.answer, derivative))
    if answer is None or correct is None or correct == 0 or not math.isfinite(answer / correct):
        return None
    ratio = Fraction(answer / correct).limit_denominator(12)
    if ratio in (0, 1, -1):
        return None
    return sp.Rational(ratio.numerator, ratio.denominator)


def _integrated(verdict: Verdict) -> bool:
    """d/dx(answer) is the function: the student integrated instead. Checked numerically by
    differentiating the answer (never by calling integrate, which can take 14 s)."""
    if not verdict.answer.has(verdict.variable):
        return False
    back = derivation(verdict.answer, verdict.variable).eval()
    symbols = sorted(verdict.function.free_symbols | back.free_symbols, key=str)
    points = [{v: 0.37 + 0.29 * n + 0.11 * m for m, v in enumerate(symbols)} for n in range(4)]
    return _matches(
        float_values(back, symbols, points), float_values(verdict.function, symbols, points)
    )
