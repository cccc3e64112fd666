"""Differentiate what a user typed: parse, derive each order, tidy, and check numerically.

This is the ``diff`` use case, shared by the CLI and the Python API (``derivtutor.differentiate``).
It reads no files and prints nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

import sympy as sp

from derivtutor.engine.derive import derivation
from derivtutor.engine.steps import Step
from derivtutor.engine.tidy import operation_count, shown_form, tidy
from derivtutor.errors import Message, Parameter, UsageError
from derivtutor.language.inputs import choose_variable, parse_point
from derivtutor.language.parse import parse

if TYPE_CHECKING:
    from derivtutor.calculus.gradient_check import GradientCheck

MAX_ORDER = 10
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

    def shown(self, step: Step) -> sp.Expr:
        """What a composite step of this order's tree ends with (engine.tidy.shown_form)."""
        if id(step) not in self._shown:
            self._shown[id(step)] = shown_form(step.eval())
        return self._shown[id(step)]

    @cached_property
    def rewritten(self) -> bool:
        """The tree ends with a form other than the tidied derivative, so the result shows the
        rewriting from one to the other instead of jumping."""
        last = self.shown(self.step)
        return bool(last.doit() != self.derivative and last != self.derivative)


@dataclass(frozen=True)
class Differentiation:
    """The outcome of ``differentiate``: every order's steps and result."""

    input: str
    expression: sp.Expr
    variable: sp.Symbol
    orders: tuple[Order, ...]
    held_constant: tuple[sp.Symbol, ...]
    at: GradientCheck | None = None

    @property
    def derivative(self) -> sp.Expr:
        """The final (highest-order) derivative, in its tidied form."""
        return self.orders[-1].derivative

    @property
    def steps(self) -> tuple[Step, ...]:
        """One step tree per order: steps[k] derives order k + 1."""
        return tuple(o.step for o in self.orders)

    @property
    def order(self) -> int:
        return len(self.orders)

    @property
    def partial(self) -> bool:
        return bool(self.held_constant)

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of DESIGN.md's ``diff``."""
        from derivtutor import display

        return display.to_dict(self)

    def _repr_markdown_(self) -> str:
        from derivtutor import display

        return display.to_markdown(self)


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
    orders: list[Order] = []
    current = expression
    for k in range(1, order + 1):
        orders.append(derive_order(current, var, k))
        current = orders[-1].derivative
    check = None
    if at:
        # Imported here: it loads mpmath, which a plain derivation never needs (~20 ms).
        from derivtutor.calculus.gradient_check import gradient_check
        from derivtutor.engine.numeric import constant_value

        last = orders[-1]
        point = parse_point(at, expression, to_float=constant_value)
        check = gradient_check(last.expression, last.derivative, var, point)
    return Differentiation(text, expression, var, tuple(orders), held, check)


def derive_order(expression: sp.Expr, var: sp.Symbol, k: int = 1) -> Order:
    """One order: the step tree for d(expression)/d(var), and its tidied result."""
    step = derivation(expression, var)
    raw = step.eval()
    size = operation_count(raw)
    if size > MAX_RESULT_OPS:
        raise UsageError(f"the derivative of order {k} is too large to show ({size} operations)")
    tidied = tidy(raw)
    return Order(k, expression, step, tidied.derivative, tidied.forms, tidied.conditions)


def partial(
    expression: sp.Expr, var: sp.Symbol, among: Sequence[sp.Symbol] = (), text: str = ""
) -> Differentiation:
    """∂expression/∂var with every other variable (of the expression, or ``among``) held
    constant: one entry of a gradient, Jacobian or Hessian."""
    others = sorted(expression.free_symbols | set(among), key=lambda s: s.name)
    held = tuple(v for v in others if v != var)
    order = derive_order(expression, var)
    return Differentiation(text or str(expression), expression, var, (order,), held)
