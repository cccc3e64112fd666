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

if TYPE_CHECKING:
    from derivtutor.calculus.differentiation import Differentiation

COMPARED_POINTS = 5  # of the points grading sampled, how many a variant is compared at
DEADLINE = 1.0  # seconds
MAX_VARIANTS = 200


@dataclass(frozen=True)
class Attempt:
    """What a diagnosis reads: the student's answer and the correct derivation."""

    answer: sp.Expr
    differentiation: Differentiation

    @property
    def function(self) -> sp.Expr:
        """What the last derivative was taken of: f itself, or f⁽ⁿ⁻¹⁾ for order n."""
        return self.differentiation.orders[-1].expression

    @property
    def variable(self) -> sp.Symbol:
        return self.differentiation.variable

    @property
    def root(self) -> s.Step:
        """The last order's tree: for order n, a mistake is sought in its final step."""
        return self.differentiation.steps[-1]


# --- the mistakes ----------------------------------------------------------------------------
# One class per mistake id. The docstring is the sentence that teaches the right rule; in it,
# {correct} is the right derivative of the sub-expression, {by} the operator (d/dx, ∂/∂w),
# {rate} the inner rate (du/dx), {u} the inner function and {inner} its derivative. ``variants``
# gives the wrong derivatives of one node of the correct tree; ``answer_variants`` those of the
# whole answer. The classes are defined in order of specificity: where several reproduce an
# answer, the first is named and the rest go in ``also`` (a rule's own mistake before the
# generic missing chain factor, and the whole-answer slips last, which fit many answers).


class Mistake:
    """The right derivative is {correct}."""

    id: ClassVar[str]
    rule: ClassVar[type[s.Step] | None]  # the rule misapplied; None: the whole answer
    example: ClassVar[tuple[str, str]]  # (function, answer) that makes this mistake
    # The lesson without the derivative, for a quiz where the learner tries again; required
    # when the lesson states {correct}.
    withheld: ClassVar[str | None] = None
    # Whether answer_variants reads the student's answer: the others are worked out once per
    # derivation and compared with every answer to it (Mistakes).
    reads_answer: ClassVar[bool] = False

    def __init_subclass__(cls) -> None:
        super().__init_subclass__()
        if "{correct}" in cls.lesson() and cls.withheld is None:
            raise TypeError(f"{cls.__name__} states the derivative, so it needs a withheld lesson")

    @classmethod
    def lesson(cls) -> str:
        return " ".join((cls.__doc__ or "").split())

    @classmethod
    def variants(cls, node: s.Step) -> Iterator[sp.Expr]:
        """The wrong derivatives of ``node`` that this mistake gives."""
        return iter(())

    @classmethod
    def answer_variants(cls, attempt: Attempt, derivative: sp.Expr) -> Iterator[sp.Expr]:
        """Wrong whole answers that this mistake gives, from the correct ``derivative``."""
        return iter(())


class ProductOfDerivatives(Mistake):
    """the derivative of a product is not the product of the derivatives. By the product rule,
    (f·g)′ = f′·g + f·g′."""

    id = "product_of_derivatives"
    rule = s.ProductRule
    example = ("x^2 sin(x)", "2x cos(x)")

    @classmethod
    def variants(cls, node: s.Step) -> Iterator[sp.Expr]:
        if isinstance(node, s.ProductRule):
            yield sp.Mul(*(p.eval() for p in node.parts))


class ProductRuleSign(Mistake):
    """the product rule adds its two terms: (f·g)′ = f′·g + f·g′."""

    id = "product_rule_sign"
    rule = s.ProductRule
    example = ("x^2 sin(x)", "2x sin(x) - x^2 cos(x)")

    @classmethod
    def variants(cls, node: s.Step) -> Iterator[sp.Expr]:
        if isinstance(node, s.ProductRule) and len(node.parts) == 2:
            (f, g), (df, dg) = node.factors, (p.eval() for p in node.parts)
            yield df * g - f * dg


class QuotientRuleSign(Mistake):
    """the quotient rule's numerator is f′·g − f·g′, in that order: yours is the other way
    round."""

    id = "quotient_rule_sign"
    rule = s.QuotientRule
    example = ("sin(x)/x", "(sin(x) - x cos(x))/x^2")

    @classmethod
    def variants(cls, node: s.Step) -> Iterator[sp.Expr]:
        if isinstance(node, s.QuotientRule):
            f, g = node.numerator, node.denominator
            df, dg = (p.eval() for p in node.substeps)
            yield (f * dg - df * g) / g**2  # the order reversed
            yield (df * g + f * dg) / g**2  # + for −


class QuotientDenominatorNotSquared(Mistake):
    """the quotient rule divides by g², not g: (f/g)′ = (f′·g − f·g′)/g²."""

    id = "quotient_denominator_not_squared"
    rule = s.QuotientRule
    example = ("sin(x)/x", "(x cos(x) - sin(x))/x")

    @classmethod
    def variants(cls, node: s.Step) -> Iterator[sp.Expr]:
        if isinstance(node, s.QuotientRule):
            f, g = node.numerator, node.denominator
            df, dg = (p.eval() for p in node.substeps)
            yield (df * g - f * dg) / g


class QuotientOfDerivatives(Mistake):
    """the derivative of a quotient is not f′/g′. By the quotient rule, (f/g)′ = (f′·g −
    f·g′)/g²."""

    id = "quotient_of_derivatives"
    rule = s.QuotientRule
    example = ("sin(x)/x^2", "cos(x)/(2x)")

    @classmethod
    def variants(cls, node: s.Step) -> Iterator[sp.Expr]:
        if isinstance(node, s.QuotientRule):
            df, dg = (p.eval() for p in node.substeps)
            if dg != 0:
                yield df / dg


class PowerRuleOnExponential(Mistake):
    """the variable is in the exponent, so the power rule does not apply: d/dx aˣ = aˣ·ln(a),
    and d/dx eˣ = eˣ."""

    id = "power_rule_on_exponential"
    rule = s.ExponentialRule
    example = ("2^x", "x*2^(x-1)")

    @classmethod
    def variants(cls, node: s.Step) -> Iterator[sp.Expr]:
        x = node.variable
        if isinstance(node, s.ExponentialRule):
            yield x * node.base ** (x - 1)
        elif isinstance(node, s.ExpRule):
            yield x * sp.exp(x - 1)


class ExpPowerRule(Mistake):
    """xⁿ is a power, not an exponential: d/dx xⁿ = n·xⁿ⁻¹."""

    id = "exp_power_rule"
    rule = s.PowerRule
    example = ("x^3", "x^3 log(x)")

    @classmethod
    def variants(cls, node: s.Step) -> Iterator[sp.Expr]:
        if isinstance(node, s.PowerRule):
            x = node.variable
            yield x**node.exponent * sp.log(x)


class LogMissingInner(Mistake):
    """{by} ln(u) = ({rate})/u, not 1/u; here u = {u}, so {rate} = {inner} is missing from
    the top."""

    id = "log_missing_inner"
    rule = s.ChainRule
    example = ("log(x^2 + 1)", "1/(x^2 + 1)")

    @classmethod
    def variants(cls, node: s.Step) -> Iterator[sp.Expr]:
        if isinstance(node, s.ChainRule) and isinstance(node.outer_step, s.LogRule):
            yield _without_chain_factor(node)


class TrigSign(Mistake):
    """the sign is wrong: the derivative is {correct} (d/dx sin = cos, but d/dx cos = −sin)."""

    id = "trig_sign"
    rule = s.TrigRule
    example = ("cos(x)", "sin(x)")
    withheld = "the sign is wrong: d/dx sin = cos, but d/dx cos = −sin."

    @classmethod
    def variants(cls, node: s.Step) -> Iterator[sp.Expr]:
        if isinstance(node, s.TrigRule):
            yield -node.eval()


class TanhSign(Mistake):
    """d/dx tanh(x) = 1 − tanh²(x) = sech²(x), with a minus sign."""

    id = "tanh_sign"
    rule = s.HyperbolicRule
    example = ("tanh(x)", "1 + tanh(x)^2")

    @classmethod
    def variants(cls, node: s.Step) -> Iterator[sp.Expr]:
        if isinstance(node, s.HyperbolicRule) and isinstance(node.expression, sp.tanh):
            yield 1 + sp.tanh(node.variable) ** 2


class PowerNotDecremented(Mistake):
    """the power rule lowers the exponent by one: d/dx xⁿ = n·xⁿ⁻¹, so the derivative is
    {correct}."""

    id = "power_not_decremented"
    rule = s.PowerRule
    example = ("x^3", "3x^3")
    withheld = "the power rule lowers the exponent by one: d/dx xⁿ = n·xⁿ⁻¹."

    @classmethod
    def variants(cls, node: s.Step) -> Iterator[sp.Expr]:
        if isinstance(node, s.PowerRule):
            n = node.exponent
            yield n * node.variable**n


class MissingChainFactor(Mistake):
    """the chain factor {inner} is missing. By the chain rule, {by} f(u) = f′(u)·{rate}, and
    here u = {u}, so {rate} = {inner}."""

    id = "missing_chain_factor"
    rule = s.ChainRule
    example = ("sin(x^2)", "cos(x^2)")

    @classmethod
    def variants(cls, node: s.Step) -> Iterator[sp.Expr]:
        if isinstance(node, s.ChainRule):
            yield _without_chain_factor(node)


class NotDifferentiated(Mistake):
    """your answer is the function itself: it still has to be differentiated."""

    id = "not_differentiated"
    rule = None
    example = ("sin(x^2)", "sin(x^2)")

    @classmethod
    def answer_variants(cls, attempt: Attempt, derivative: sp.Expr) -> Iterator[sp.Expr]:
        yield attempt.function


class Integrated(Mistake):
    """the derivative of your answer is the function: you integrated instead of
    differentiating."""

    id = "integrated"
    rule = None
    example = ("x^2", "x^3/3")
    reads_answer = True

    @classmethod
    def answer_variants(cls, attempt: Attempt, derivative: sp.Expr) -> Iterator[sp.Expr]:
        if _integrated(attempt):
            yield attempt.answer


class SignFlipped(Mistake):
    """the sign is wrong: the derivative is {correct}."""

    id = "sign_flipped"
    rule = s.Step  # any node but a constant or a reuse
    example = ("x^2", "-2x")
    withheld = "the sign is wrong."

    @classmethod
    def variants(cls, node: s.Step) -> Iterator[sp.Expr]:
        if not isinstance(node, (s.ConstantRule, s.ReuseRule)):
            yield -node.eval()

    @classmethod
    def answer_variants(cls, attempt: Attempt, derivative: sp.Expr) -> Iterator[sp.Expr]:
        yield -derivative


class ConstantFactor(Mistake):
    """a constant factor is off: the derivative is {correct}."""

    id = "constant_factor"
    rule = s.ConstantMultipleRule
    example = ("5x^2", "5x")
    withheld = "a constant factor is off."
    reads_answer = True

    @classmethod
    def variants(cls, node: s.Step) -> Iterator[sp.Expr]:
        if isinstance(node, s.ConstantMultipleRule):
            yield node.inner.eval()

    @classmethod
    def answer_variants(cls, attempt: Attempt, derivative: sp.Expr) -> Iterator[sp.Expr]:
        ratio = _constant_ratio(attempt, derivative)
        if ratio is not None:
            yield ratio * derivative


KINDS: tuple[type[Mistake], ...] = tuple(Mistake.__subclasses__())  # in order of specificity
MISTAKES: tuple[str, ...] = tuple(kind.id for kind in KINDS)
_READING = tuple(kind for kind in KINDS if kind.reads_answer)
_BY_ID = {kind.id: kind for kind in KINDS}


# --- the diagnosis ---------------------------------------------------------------------------


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
    def kind(self) -> type[Mistake]:
        return _BY_ID[self.mistake]

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


def diagnose(
    answer: sp.Expr, differentiation: Differentiation, samples: list[dict[sp.Symbol, float]]
) -> Diagnosis | None:
    """The most specific mistake that reproduces ``answer`` at the sample points, if any."""
    return Mistakes(differentiation, samples).diagnose(answer)


Candidate = tuple[str, s.Step, s.Step, list[float | None]]  # mistake, root, node, values


class Mistakes:
    """Every wrong derivative the mistakes give for one derivation, with its values at the
    points, worked out on the first wrong answer and kept: a class's sheet brings the same
    function back many times, and each later answer is only compared with the table. The
    mistakes that read the answer itself (integrated, a constant factor) are tried for each."""

    def __init__(self, differentiation: Differentiation, samples: list[dict[sp.Symbol, float]]):
        self._differentiation = differentiation
        self._points = samples[:COMPARED_POINTS]
        self._symbols = sorted(self._points[0], key=lambda v: v.name) if samples else []
        self._table: list[tuple[s.Step, list[Candidate]]] | None = None

    def diagnose(self, answer: sp.Expr) -> Diagnosis | None:
        if not self._points:
            return None
        attempt = Attempt(answer, self._differentiation)
        values = float_values(answer, self._symbols, self._points)
        if all(a is None for a in values):
            return None
        found: dict[str, tuple[s.Step, s.Step]] = {}
        for root, candidates in self._candidates(attempt):
            for kind_id, _, node, candidate in candidates:
                if kind_id not in found and _matches(candidate, values):
                    found[kind_id] = (root, node)
            derivative = root.eval()
            for kind in _READING:
                if kind.id in found:
                    continue
                for wrong in kind.answer_variants(attempt, derivative):
                    if _matches(float_values(wrong, self._symbols, self._points), values):
                        found[kind.id] = (root, root)
                        break
        if not found:
            return None
        ordered = [m for m in MISTAKES if m in found]
        root, node = found[ordered[0]]
        substitutions = _substitutions(root, node)
        diagnosis = Diagnosis(ordered[0], node, tuple(ordered[1:]), substitutions)
        if substitutions:
            derivative = derivation(diagnosis.where, root.variable).eval()
            diagnosis = replace(diagnosis, derivative=derivative)
        return diagnosis

    def _candidates(self, attempt: Attempt) -> list[tuple[s.Step, list[Candidate]]]:
        """The table, per root: built once, within DEADLINE and MAX_VARIANTS. Diagnosis is a
        bonus: on a huge function it stops with what it has, so that every answer still gets
        its verdict quickly."""
        if self._table is not None:
            return self._table
        deadline = time.perf_counter() + DEADLINE
        tried = 0
        table: list[tuple[s.Step, list[Candidate]]] = []
        for root in _roots(attempt):
            rows: list[Candidate] = []
            table.append((root, rows))
            for kind, node, wrong in _variants(attempt, root):
                tried += 1
                if tried > MAX_VARIANTS or time.perf_counter() > deadline:
                    break
                candidate = wrong if node is root else _with(root, node, wrong).eval()
                values = float_values(candidate, self._symbols, self._points)
                rows.append((kind.id, root, node, values))
        self._table = table
        return table


def _roots(attempt: Attempt) -> Iterator[s.Step]:
    """The derivation shown, then, where the textbook's route rewrote first (x²(x + 1) expanded,
    ln(ab) split), the typed shape's: a student may well have taken the route as typed."""
    yield attempt.root
    if any(isinstance(n, s.RewriteRule | s.LogProductRule) for n in attempt.root.walk()):
        yield derivation(attempt.function, attempt.variable, planned=False)


def _variants(attempt: Attempt, root: s.Step) -> Iterator[tuple[type[Mistake], s.Step, sp.Expr]]:
    """(mistake, node, the node's wrong derivative), for every node of root and every way to
    slip, then the whole answer's slips (those that do not read the answer)."""
    for node in root.walk():
        for kind in KINDS:
            for wrong in kind.variants(node):
                yield kind, node, wrong
    derivative = root.eval()
    for kind in KINDS:
        if not kind.reads_answer:
            for wrong in kind.answer_variants(attempt, derivative):
                yield kind, root, wrong


def _without_chain_factor(node: s.ChainRule) -> sp.Expr:
    return node.substeps[0].eval().subs(node.u, node.inner)


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


def _constant_ratio(attempt: Attempt, derivative: sp.Expr) -> sp.Expr | None:
    """k when the answer looks like k times the derivative, for a simple constant k ≠ ±1
    (confirmed afterwards at every compared point, like any other variant)."""
    symbols = sorted(attempt.function.free_symbols | attempt.answer.free_symbols, key=str)
    point = {v: 0.37 + 0.11 * n for n, v in enumerate(symbols)}
    answer, correct = (float_values(e, symbols, [point])[0] for e in (attempt.answer, derivative))
    if answer is None or correct is None or correct == 0 or not math.isfinite(answer / correct):
        return None
    ratio = Fraction(answer / correct).limit_denominator(12)
    if ratio in (0, 1, -1):
        return None
    return sp.Rational(ratio.numerator, ratio.denominator)


def _far_from_antiderivative(attempt: Attempt) -> bool:
    """A central difference of the answer is nowhere near the function: most wrong answers
    are, and this costs microseconds where deriving the answer costs a millisecond."""
    x, h = attempt.variable, 1e-4
    symbols = sorted(attempt.function.free_symbols | attempt.answer.free_symbols | {x}, key=str)
    points = [{v: 0.37 + 0.29 * n + 0.11 * m for m, v in enumerate(symbols)} for n in range(4)]
    ahead = float_values(attempt.answer, symbols, [{**p, x: p[x] + h} for p in points])
    behind = float_values(attempt.answer, symbols, [{**p, x: p[x] - h} for p in points])
    function = float_values(attempt.function, symbols, points)
    for up, down, f in zip(ahead, behind, function, strict=True):
        if up is None or down is None or f is None or not math.isfinite(up - down):
            continue
        if abs((up - down) / (2 * h) - f) > 1e-3 * max(1.0, abs(f)):
            return True
    return False


def _integrated(attempt: Attempt) -> bool:
    """d/dx(answer) is the function: the student integrated instead. Checked numerically by
    differentiating the answer (never by calling integrate, which can take 14 s)."""
    if not attempt.answer.has(attempt.variable) or _far_from_antiderivative(attempt):
        return False
    back = derivation(attempt.answer, attempt.variable).eval()
    symbols = sorted(attempt.function.free_symbols | back.free_symbols, key=str)
    points = [{v: 0.37 + 0.29 * n + 0.11 * m for m, v in enumerate(symbols)} for n in range(4)]
    return _matches(
        float_values(back, symbols, points), float_values(attempt.function, symbols, points)
    )
