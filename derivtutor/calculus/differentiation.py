"""Differentiate what a user typed: parse, derive each order, tidy, and check numerically.

This is the ``diff`` use case, shared by the CLI and the Python API (``derivtutor.differentiate``).
It reads no files and prints nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

import sympy as sp

from derivtutor.calculus.notebook import Notebook, operator
from derivtutor.engine.algebra import Algebra, cancelled, factoring, simplified_quotient
from derivtutor.engine.derive import derivation
from derivtutor.engine.steps import (
    LogProductRule,
    ProductRule,
    QuotientRule,
    RewriteRule,
    Step,
    SumRule,
)
from derivtutor.engine.tidy import operation_count, shown_form, tidy
from derivtutor.errors import Message, Parameter, UsageError
from derivtutor.language.inputs import choose_variable, parse_point
from derivtutor.language.notation import as_printed
from derivtutor.language.parse import parse
from derivtutor.language.vocabulary import PARAMETERS

if TYPE_CHECKING:
    from derivtutor.calculus.gradient_check import GradientCheck

MAX_ORDER = 10_000
# Orders derived and shown in full; past this only a repeating pattern reaches the order asked.
MAX_FULL_ORDER = 10
# The periods looked for: sin and cos repeat after 4 orders, e^(ax) and a^x after 1.
MAX_PERIOD = 4
# Past this many operations a higher derivative is no longer something to read.
MAX_RESULT_OPS = 4000


@dataclass(frozen=True)
class Order:
    """One order of differentiation: d/dx of ``expression`` is ``derivative``, by ``step``."""

    order: int
    expression: sp.Expr
    step: Step
    derivative: sp.Expr
    forms: tuple[sp.Expr, ...]
    conditions: tuple[sp.Ne, ...] = ()  # where the tidied derivative holds (x ≠ 1)
    # The forms the explanation shows, by node, worked out when first asked for (by id: a
    # frozen step tree hashes by walking it).
    _shown: dict[int, sp.Expr] = field(default_factory=dict, compare=False, repr=False)

    _algebra: dict[int, tuple[Algebra, ...]] = field(
        default_factory=dict, compare=False, repr=False
    )

    def shown(self, step: Step) -> sp.Expr:
        """What a composite step of this order's tree ends with (engine.tidy.shown_form)."""
        if id(step) not in self._shown:
            if isinstance(step, LogProductRule):
                self._shown[id(step)] = _kept_product(step)
            else:
                self._shown[id(step)] = shown_form(step.eval())
        return self._shown[id(step)]

    def algebra_steps(self, step: Step) -> tuple[Algebra, ...]:
        """The algebra from a step's raw result to the form it is shown in (engine.algebra):
        the common factor of a product rule's terms, the terms of a sum that cancel."""
        if id(step) not in self._algebra:
            self._algebra[id(step)] = _algebra_of(self, step)
        return self._algebra[id(step)]

    def written(self, step: Step) -> sp.Expr | None:
        """A sum's result with its terms in the order the function's terms were written
        (2/x + cot(x) − 2/(2x + 1), not SymPy's cot(x) − 2/(2x + 1) + 2/x), as an unevaluated
        sum of unevaluated terms; None unless the result is exactly those terms."""
        while isinstance(step, RewriteRule):
            step = step.inner
        if isinstance(step, LogProductRule):
            # y·(1/(x + 1) + 4x/(x² + 1) + ⋯), the sum in the order of the factors of y.
            inner = self.written(step.log_step)
            return None if inner is None else sp.Mul(step.expression, inner, evaluate=False)
        if isinstance(step, ProductRule):
            # f'·g + f·g' in that order: arcsin(x) + x/√(1 − x²), as the rule wrote it.
            terms = [
                sp.Mul(part.eval(), *(f for j, f in enumerate(step.factors) if j != i)).doit()
                for i, part in enumerate(step.parts)
            ]
        elif isinstance(step, SumRule):
            terms = [t for part in step.terms for t in self._terms(part)]
        else:
            return None
        terms = [t for t in terms if t != 0]
        value = self.shown(step)
        targets = sp.Add.make_args(value)
        if len(terms) < 2 or len(terms) != len(targets):
            return None
        # A term may be shown tidier in the result than in its own step: cos/sin as cot.
        terms = [t if t in targets else tidy(t).derivative for t in terms]
        if sorted(map(str, terms)) != sorted(map(str, targets)):
            return None
        return sp.Add(*(sp.UnevaluatedExpr(t) for t in terms), evaluate=False)

    def _terms(self, step: Step) -> tuple[sp.Expr, ...]:
        """A part's terms in the order its own line printed them."""
        ordered = self.written(step)
        if ordered is None:
            return tuple(sp.Add.make_args(self.shown(step)))
        return tuple(
            t.args[0] if isinstance(t, sp.UnevaluatedExpr) else t for t in sp.Add.make_args(ordered)
        )

    @cached_property
    def rewritten(self) -> bool:
        """The tree ends with a form other than the tidied derivative, so the result shows the
        rewriting from one to the other instead of jumping."""
        last = self.shown(self.step)
        return bool(last.doit() != self.derivative and last != self.derivative)


def _algebra_of(order: Order, step: Step) -> tuple[Algebra, ...]:
    if isinstance(step, ProductRule):
        return factoring(step.eval(), order.shown(step))
    if isinstance(step, SumRule):
        parts = [order.shown(t) for t in step.terms]
        pairs = cancelled(parts)
        if pairs:
            return (Algebra("cancel_terms", order.shown(step), pairs[0]),)
    if isinstance(step, QuotientRule):
        f, g = step.numerator.doit(), step.denominator.doit()
        df, dg = (s.eval().doit() for s in step.substeps)
        return simplified_quotient(df * g - f * dg, g**2, order.shown(step))
    return ()


@dataclass(frozen=True)
class Pattern:
    """The derivatives repeat, so order n is reached without deriving it.

    ``kind`` "cycle": f⁽ᵖ⁾ = f (sin, cos: p = 4), so f⁽ⁿ⁾ = f⁽ʳ⁾ for n = p·q + r.
    ``kind`` "scale": f⁽ᵖ⁾ = c·f (e^(ax): p = 1, c = a), so f⁽ⁿ⁾ = cᑫ·f⁽ʳ⁾.
    ``kind`` "vanish": f is a polynomial of degree d = p − 1, so f⁽ⁿ⁾ = 0 for n > d.
    """

    kind: str
    period: int
    factor: sp.Expr
    order: int  # n, the order asked for
    derivative: sp.Expr  # f⁽ⁿ⁾

    @property
    def quotient(self) -> int:
        return self.order // self.period

    @property
    def remainder(self) -> int:
        return self.order % self.period


@dataclass(frozen=True, repr=False)
class Differentiation(Notebook):
    """The outcome of ``differentiate``: every order's steps and result."""

    input: str
    expression: sp.Expr
    variable: sp.Symbol
    orders: tuple[Order, ...]
    held_constant: tuple[sp.Symbol, ...]
    at: GradientCheck | None = None
    pattern: Pattern | None = None  # how the order asked for follows from the orders shown
    # The user named one variable (diff --wrt x), not one of several (a gradient's entry).
    single: bool = False

    @property
    def derivative(self) -> sp.Expr:
        """The final (highest-order) derivative, in its tidied form."""
        return self.pattern.derivative if self.pattern else self.orders[-1].derivative

    @property
    def steps(self) -> tuple[Step, ...]:
        """One step tree per order: steps[k] derives order k + 1."""
        return tuple(o.step for o in self.orders)

    @property
    def order(self) -> int:
        """The order asked for (more than the orders shown when a pattern reaches it)."""
        return self.pattern.order if self.pattern else len(self.orders)

    @property
    def partial(self) -> bool:
        """∂ rather than d: other variables are held constant. A function with only
        parameters besides x, such as (1/a)·arctan(x/a), has an ordinary derivative."""
        if self.single and all(s.name in PARAMETERS for s in self.held_constant):
            return False
        return bool(self.held_constant)

    def summary(self) -> str:
        kind = " (partial)" if self.partial else ""
        return (
            f"{operator(self.variable, self.order)} [{self.expression}] = {self.derivative}{kind}"
        )


def differentiate(
    text: str, wrt: str | None = None, order: int = 1, at: str | None = None
) -> Differentiation:
    """Differentiate ``text`` ``order`` times with respect to ``wrt``; evaluate ``at`` a point."""
    if not isinstance(order, int) or isinstance(order, bool) or not 1 <= order <= MAX_ORDER:
        raise UsageError(f"the order must be a whole number from 1 to {MAX_ORDER}, not {order!r}")
    for name, example, value in (("wrt", "x", wrt), ("at", "x=0.5", at)):
        if value is not None and not isinstance(value, str):
            raise UsageError(
                Message(
                    "{name} must be text, not {value!r}: for example {example}",
                    name=Parameter(name),
                    value=value,
                    example=Parameter(name, example),
                )
            )
    expression = parse(text)
    var, held = choose_variable(expression, wrt)
    orders, pattern = derive_orders(expression, var, order)
    check = None
    if at:
        # Imported here: it loads mpmath, which a plain derivation never needs (~20 ms).
        from derivtutor.calculus.gradient_check import gradient_check
        from derivtutor.engine.numeric import constant_value

        point = parse_point(at, expression, to_float=constant_value)
        if pattern is None:
            last = orders[-1]
            check = gradient_check(last.expression, last.derivative, var, point)
        else:
            before = derivative_before(expression, orders, pattern)
            check = gradient_check(before, pattern.derivative, var, point)
    return Differentiation(text, expression, var, tuple(orders), held, check, pattern, single=True)


def differentiated(expression: sp.Expr, var: sp.Symbol) -> Differentiation:
    """The first derivative of an expression made here, not typed (an entry of a matrix
    expression written out: ``diff --shape … --entries``), the other symbols held constant."""
    orders, _ = derive_orders(expression, var, 1)
    held = tuple(sorted(expression.free_symbols - {var}, key=str))
    return Differentiation(str(expression), expression, var, tuple(orders), held)


def derive_orders(
    expression: sp.Expr, var: sp.Symbol, order: int
) -> tuple[list[Order], Pattern | None]:
    """The orders to show for d^order/d(var)^order, and the pattern that reaches ``order``
    when it is past ``MAX_FULL_ORDER``."""
    if order <= MAX_FULL_ORDER:
        return _orders(expression, var, order), None
    degree = _degree(expression, var)
    if degree is not None and degree < MAX_FULL_ORDER:
        orders = _orders(expression, var, degree + 1)
        return orders, Pattern("vanish", degree + 1, sp.Integer(0), order, sp.Integer(0))
    orders = _orders(expression, var, MAX_PERIOD)
    pattern = _repetition(expression, var, orders, order)
    if pattern is None:
        raise UsageError(
            f"derivtutor derives up to order {MAX_FULL_ORDER} in full, and higher orders only "
            "where the derivatives repeat (sin, cos, e^(ax), a^x, polynomials); those of this "
            f"function do not repeat within {MAX_PERIOD} orders. Ask for order "
            f"{MAX_FULL_ORDER} or less."
        )
    return orders[: pattern.period], pattern


def _orders(expression: sp.Expr, var: sp.Symbol, order: int) -> list[Order]:
    orders: list[Order] = []
    current = expression
    for k in range(1, order + 1):
        orders.append(derive_order(current, var, k))
        # The next order starts from the result as it was printed: 3x² − 4, not −4 + 3x².
        last = orders[-1]
        written = last.written(last.step)
        terms = None if written is None else [term.args[0] for term in written.args]
        current = as_printed(last.derivative, terms)
    return orders


def _degree(expression: sp.Expr, var: sp.Symbol) -> int | None:
    if not expression.is_polynomial(var):
        return None
    return int(sp.degree(expression, var)) if expression.has(var) else 0


def _repetition(
    expression: sp.Expr, var: sp.Symbol, orders: list[Order], order: int
) -> Pattern | None:
    """f⁽ᵖ⁾ = c·f for the first p up to MAX_PERIOD; a pure cycle (c = 1) is preferred, as
    books state sin's period as 4 rather than sin'' = −sin."""
    found: tuple[int, sp.Expr] | None = None
    for p, o in enumerate(orders, start=1):
        ratio = sp.cancel(sp.powsimp(o.derivative / expression))
        if ratio.is_zero is not False or ratio.has(var):
            continue
        if ratio == 1:
            found = (p, ratio)
            break
        if found is None:
            found = (p, ratio)
    if found is None:
        return None
    p, factor = found
    derivative = _reach(expression, orders, p, factor, order)
    return Pattern("cycle" if factor == 1 else "scale", p, factor, order, derivative)


def _reach(
    expression: sp.Expr, orders: list[Order], period: int, factor: sp.Expr, n: int
) -> sp.Expr:
    """f⁽ⁿ⁾ = cᑫ·f⁽ʳ⁾ for n = p·q + r, given f⁽ᵖ⁾ = c·f."""
    q, r = divmod(n, period)
    # f itself as f⁽ᵖ⁾/c: the tidied form, not the typed one (e^(−x/3), not e^((1/3)·(−x))).
    base = orders[period - 1].derivative / factor if r == 0 else orders[r - 1].derivative
    return _scaled(factor, q, base)


def _scaled(factor: sp.Expr, q: int, base: sp.Expr) -> sp.Expr:
    """cᑫ·f⁽ʳ⁾, with a long coefficient kept as a power, as books print it: 2⁷⁵·cos(2x), not
    37778931862957161709568·cos(2x)."""
    if factor == 1 or q == 0:
        return base
    scaled = sp.Mul(factor**q, base)
    coefficient, rest = scaled.as_coeff_Mul()
    if not coefficient.is_Rational or coefficient.is_Integer and abs(coefficient) < 10**4:
        return scaled
    numerator, denominator = (_as_power(abs(int(n))) for n in coefficient.as_numer_denom())
    if numerator is None or denominator is None:
        return scaled  # no single power (5·2⁶⁰): the number itself
    factors = [sp.Integer(-1)] if coefficient < 0 else []
    factors += [numerator] if numerator != 1 else []
    factors += [rest]
    factors += [sp.Pow(denominator, -1, evaluate=False)] if denominator != 1 else []
    return sp.Mul(*factors, evaluate=False)


def _as_power(n: int) -> sp.Expr | None:
    """n > 0 as bᵉ when it is long and a perfect power; n itself when it is short."""
    if n < 10**4:
        return sp.Integer(n)
    power = sp.perfect_power(n)
    if not power:
        return None
    return sp.Pow(sp.Integer(power[0]), sp.Integer(power[1]), evaluate=False)


def derivative_before(expression: sp.Expr, orders: list[Order], pattern: Pattern) -> sp.Expr:
    """f⁽ⁿ⁻¹⁾, the function whose derivative f⁽ⁿ⁾ is, for a check at a point."""
    if pattern.kind == "vanish":
        return sp.Integer(0)  # n − 1 ≥ MAX_FULL_ORDER > the degree
    return _reach(expression, orders, pattern.period, pattern.factor, pattern.order - 1)


def derive_order(expression: sp.Expr, var: sp.Symbol, k: int = 1) -> Order:
    """One order: the step tree for d(expression)/d(var), and its tidied result."""
    step = derivation(expression, var)
    raw = step.eval()
    size = operation_count(raw)
    if size > MAX_RESULT_OPS:
        raise UsageError(f"the derivative of order {k} is too large to show ({size} operations)")
    tidied = tidy(raw)
    if isinstance(step, LogProductRule):
        # Books leave logarithmic differentiation as y·(Σ kᵢ·fᵢ'/fᵢ); one fraction is another form.
        kept = _kept_product(step)
        same = (kept, kept.doit())
        forms = tuple(dict.fromkeys(f for f in (tidied.derivative, *tidied.forms) if f not in same))
        return Order(k, expression, step, kept, forms, tidied.conditions)
    return Order(k, expression, step, tidied.derivative, tidied.forms, tidied.conditions)


def _kept_product(step: LogProductRule) -> sp.Expr:
    """y·(k₁·f₁'/f₁ + ⋯), as books leave logarithmic differentiation: y as it was typed
    (SymPy would split ((x⁴ + 12)·(x⁴ − x² + 2)/x³)^(1/4) into two roots)."""
    return sp.Mul(step.expression, tidy(step.log_step.eval()).derivative, evaluate=False)


def partial(
    expression: sp.Expr, var: sp.Symbol, among: Sequence[sp.Symbol] = (), text: str = ""
) -> Differentiation:
    """∂expression/∂var with every other variable (of the expression, or ``among``) held
    constant: one entry of a gradient, Jacobian or Hessian."""
    others = sorted(expression.free_symbols | set(among), key=lambda s: s.name)
    held = tuple(v for v in others if v != var)
    order = derive_order(expression, var)
    return Differentiation(text or str(expression), expression, var, (order,), held)
