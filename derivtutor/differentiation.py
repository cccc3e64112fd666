"""Differentiate what a user typed: parse, derive each order, tidy, and check numerically.

This is the ``diff`` use case, shared by the CLI and the Python API (``derivtutor.differentiate``).
It reads no files and prints nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import mpmath
import sympy as sp

from derivtutor.derive import derivation
from derivtutor.errors import InputError, UsageError
from derivtutor.parse import parse, variables
from derivtutor.steps import Step
from derivtutor.tidy import operation_count, tidy

MAX_ORDER = 10
# Past this many operations a higher derivative is no longer something to read.
MAX_RESULT_OPS = 4000
FINITE_DIFFERENCE_STEP = mpmath.mpf("1e-6")
DIGITS = 30


@dataclass(frozen=True)
class Order:
    """One order of differentiation: d/dx of ``expression`` is ``derivative``, by ``step``."""

    order: int
    expression: sp.Expr
    step: Step
    derivative: sp.Expr
    forms: tuple[sp.Expr, ...]
    cancelled: tuple[sp.Expr, ...] = ()  # the derivative holds where these are not 0


@dataclass(frozen=True)
class GradientCheck:
    """The derivative at a point beside a central finite difference, as in ML gradient checks."""

    point: dict[sp.Symbol, sp.Expr]
    value: float | None
    finite_difference: float | None
    kink: bool = False  # the point is a corner or jump (|x| or relu at 0): no derivative there


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
        from derivtutor.render.json import differentiation_dict

        return differentiation_dict(self)

    def _repr_markdown_(self) -> str:
        from derivtutor.render.markdown import render_differentiation

        return render_differentiation(self)


def differentiate(
    text: str, wrt: str | None = None, order: int = 1, at: str | None = None
) -> Differentiation:
    """Differentiate ``text`` ``order`` times with respect to ``wrt``; evaluate ``at`` a point."""
    expression = parse(text)
    variable, held = _choose_variable(expression, wrt)
    if not 1 <= order <= MAX_ORDER:
        raise UsageError(f"--order must be between 1 and {MAX_ORDER}, not {order}")
    orders: list[Order] = []
    current = expression
    for k in range(1, order + 1):
        step = derivation(current, variable)
        raw = step.eval()
        size = operation_count(raw)
        if size > MAX_RESULT_OPS:
            raise UsageError(
                f"the derivative of order {k} is too large to show ({size} operations)"
            )
        tidied = tidy(raw)
        orders.append(Order(k, current, step, tidied.derivative, tidied.forms, tidied.cancelled))
        current = tidied.derivative
    check = gradient_check(orders[-1], variable, parse_point(at, expression)) if at else None
    return Differentiation(text, expression, variable, tuple(orders), held, check)


def _choose_variable(
    expression: sp.Expr, wrt: str | None
) -> tuple[sp.Symbol, tuple[sp.Symbol, ...]]:
    found = variables(expression)
    if wrt is not None:
        chosen = parse(wrt)
        if not isinstance(chosen, sp.Symbol):
            raise InputError(
                f"--wrt needs a variable name, not {wrt!r}",
                text=wrt,
                column=1,
                suggestion="for example --wrt x",
            )
    elif len(found) > 1:
        names = ", ".join(v.name for v in found)
        raise UsageError(
            f"the expression has several variables ({names}); choose one with --wrt, "
            f"e.g. --wrt {found[0].name} (the others are then held constant)"
        )
    else:
        chosen = found[0] if found else sp.Symbol("x", real=True)
    held = tuple(v for v in found if v != chosen)
    return chosen, held


def parse_point(text: str, expression: sp.Expr) -> dict[sp.Symbol, sp.Expr]:
    """Read 'x=1.5' or 'x=1, y=pi/4' with the safe parser; every variable needs a value."""
    point: dict[sp.Symbol, sp.Expr] = {}
    for part in text.split(","):
        name, sep, value_text = part.partition("=")
        if not sep or not name.strip() or not value_text.strip():
            raise InputError(
                f"--at expects VAR=VALUE, not {part.strip()!r}",
                text=text,
                column=text.find(part) + 1,
                suggestion="for example --at x=0.5 (or --at x=1,y=2 for several variables)",
            )
        symbol = parse(name.strip())
        if not isinstance(symbol, sp.Symbol):
            raise InputError(f"--at: {name.strip()!r} is not a variable name", text=text, column=1)
        try:
            value = parse(value_text.strip())
        except InputError as err:
            raise InputError(
                f"--at: the value of {symbol} cannot be read: {err.message}",
                text=text,
                column=text.find(value_text)
                + 1
                + len(value_text)
                - len(value_text.lstrip())
                + (err.column or 1)
                - 1,
                suggestion=err.suggestion or "for example --at x=0.5 or --at x=pi/4",
            ) from None
        if value.free_symbols:
            raise InputError(
                f"--at: the value of {symbol} must be a number, not {value_text.strip()!r}",
                text=text,
                column=text.find(value_text) + 1,
                suggestion="for example --at x=0.5 or --at x=pi/4",
            )
        point[symbol] = value
    missing = [v.name for v in variables(expression) if v not in point]
    if missing:
        raise UsageError("--at needs a value for every variable; missing: " + ", ".join(missing))
    return point


def gradient_check(
    order: Order, variable: sp.Symbol, point: dict[sp.Symbol, sp.Expr]
) -> GradientCheck:
    """The derivative's value and (f(x+h) − f(x−h))/2h, both at 30 significant digits."""
    defined = _number(order.expression, point) is not None
    value = _number(order.derivative, point) if defined else None
    h = FINITE_DIFFERENCE_STEP
    centre = point.get(variable, sp.Integer(0))
    ahead = {**point, variable: centre + sp.Float(h, DIGITS)}
    behind = {**point, variable: centre - sp.Float(h, DIGITS)}
    f_ahead, f_behind = _number(order.expression, ahead), _number(order.expression, behind)
    if f_ahead is None or f_behind is None:
        difference = None
    else:
        difference = float((mpmath.mpf(f_ahead) - mpmath.mpf(f_behind)) / (2 * h))
    return GradientCheck(point, value, difference, _at_kink(order.derivative, point))


def _at_kink(derivative: sp.Expr, point: dict[sp.Symbol, sp.Expr]) -> bool:
    """True when a sign(u) or H(u) in the derivative has u = 0 here: the function has a corner
    or a jump at the point, and the value shown is only a convention (a subgradient)."""
    for step in derivative.atoms(sp.sign, sp.Heaviside):
        at_point = _number(step.args[0], point)
        if at_point is not None and at_point == 0:
            return True
    return False


def _number(expr: sp.Expr, point: dict[sp.Symbol, sp.Expr]) -> float | None:
    """expr at point as a float, or None where it is undefined, infinite or not real."""
    try:
        value = sp.sympify(expr).evalf(DIGITS, subs=point)
    except (ValueError, TypeError, ZeroDivisionError):
        return None
    if not value.is_number or value.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
        return None
    real, imaginary = value.as_real_imag()
    if abs(imaginary) > 1e-20:
        return None
    try:
        result = float(real)
    except TypeError:
        return None
    return result if mpmath.isfinite(result) else None
