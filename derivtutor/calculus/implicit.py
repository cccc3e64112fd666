"""Implicit differentiation of an equation in x and y: dy/dx without solving for y.

Both sides are read by the safe parser (the text is split at its single '=' first: this is the
only place an equation is accepted). y is replaced by an unknown function y(x), so the engine's
chain rule produces dy/dx wherever y appears; the dy/dx terms are then collected and solved
for. The result is checked against the shortcut −F_x/F_y, with F = left − right.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from derivtutor.calculus.differentiation import Differentiation, derive_order
from derivtutor.calculus.notebook import Notebook
from derivtutor.engine.tidy import tidy
from derivtutor.errors import InputError, Message, Parameter, UsageError
from derivtutor.language.inputs import variable_name
from derivtutor.language.parse import parse


@dataclass(frozen=True, repr=False)
class ImplicitDerivative(Notebook):
    """dy/dx from an equation, with the derivations of both sides and the check."""

    equation: str
    left: sp.Expr
    right: sp.Expr
    variable: sp.Symbol
    dependent: sp.Symbol
    left_derivation: Differentiation  # d/dx of the left side, y as y(x)
    right_derivation: Differentiation
    coefficient: sp.Expr  # A in A·dy/dx + B = 0, in x and y
    rest: sp.Expr  # B
    derivative: sp.Expr  # dy/dx = −B/A, in x and y
    shortcut: sp.Expr  # −F_x/F_y
    agrees: bool

    @property
    def function(self) -> sp.Expr:
        """y as the unknown function y(x)."""
        return sp.Function(self.dependent.name)(self.variable)

    def summary(self) -> str:
        return f"d{self.dependent}/d{self.variable} = {self.derivative}, from {self.equation}"


def implicit(text: str, wrt: str = "x", dependent: str = "y") -> ImplicitDerivative:
    """dy/dx for the equation ``text`` (one '='), with ``dependent`` a function of ``wrt``."""
    if not isinstance(text, str) or text.count("=") != 1:
        found = text.count("=") if isinstance(text, str) else 0
        raise InputError(
            "an equation needs exactly one '='" + (f", not {found}" if found else ""),
            text=text if isinstance(text, str) else "",
            column=(text.index("=", text.index("=") + 1) + 1) if found > 1 else None,
            suggestion='for example: derivtutor implicit "x^2 + y^2 = 25"',
        )
    left_text, right_text = text.split("=")
    left = _side(left_text, text, 0, "left")
    right = _side(right_text, text, len(left_text) + 1, "right")
    x = variable_name(wrt, parameter="wrt", example="x")
    y = variable_name(dependent, parameter="dependent", example="y")
    if x == y:
        raise UsageError(
            Message(
                "{wrt} and {dependent} must be different variables, not both {x}",
                wrt=Parameter("wrt"),
                dependent=Parameter("dependent"),
                x=x,
            )
        )
    present = (left.free_symbols | right.free_symbols) - {x, y}
    if present:
        names = ", ".join(sorted(s.name for s in present))
        raise UsageError(
            f"the equation may contain only {x} and {y}; it also has {names}",
        )
    if y not in (left.free_symbols | right.free_symbols):
        raise UsageError(f"the equation has no {y}: there is nothing to differentiate implicitly")

    function = sp.Function(y.name)(x)
    as_function = {y: function}
    left_d = _derivation(left.xreplace(as_function), x, left_text)
    right_d = _derivation(right.xreplace(as_function), x, right_text)

    rate = sp.Symbol("rate")  # dy/dx, as a symbol to collect and solve for
    back = {sp.Derivative(function, x): rate, function: y}
    difference = sp.expand(
        (left_d.orders[0].step.eval() - right_d.orders[0].step.eval()).xreplace(back)
    )
    coefficient = difference.coeff(rate)
    rest = sp.expand(difference - coefficient * rate)
    if coefficient == 0:
        # y = y, or x^2 + y = y + 1: F_y = 0, so the equation does not fix y as a function of x.
        raise UsageError(
            f"d{y}/d{x} cancels out of the differentiated equation, so it cannot be solved for "
            f"(∂F/∂{y} = 0: the equation does not define {y} as a function of {x})"
        )
    if rest.has(rate):
        raise UsageError(f"d{y}/d{x} cannot be solved for: it does not appear linearly")
    derivative = tidy(-rest / coefficient).derivative

    f = left - right
    shortcut = tidy(-sp.diff(f, x) / sp.diff(f, y)).derivative
    agrees = _same(derivative, shortcut, x, y)
    return ImplicitDerivative(
        text,
        left,
        right,
        x,
        y,
        left_d,
        right_d,
        sp.factor_terms(coefficient),
        sp.factor_terms(rest),
        derivative,
        shortcut,
        agrees,
    )


def _side(part: str, text: str, offset: int, which: str) -> sp.Expr:
    if not part.strip():
        raise InputError(
            f"the {which} side of the equation is empty",
            text=text,
            column=offset + 1 if which == "left" else len(text) + 1,
            suggestion='for example: derivtutor implicit "x^2 + y^2 = 25"',
        )
    # Parsed without the spaces around '=', so a suggestion quotes the side as typed.
    offset += len(part) - len(part.lstrip())
    try:
        return parse(part.strip())
    except InputError as err:
        column = None if err.column is None else err.column + offset
        raise InputError(err.message, text=text, column=column, suggestion=err.suggestion) from None


def _derivation(expression: sp.Expr, x: sp.Symbol, text: str) -> Differentiation:
    order = derive_order(expression, x)
    return Differentiation(text.strip(), expression, x, (order,), ())


def _same(a: sp.Expr, b: sp.Expr, x: sp.Symbol, y: sp.Symbol) -> bool:
    """Equal at a few points where both are defined (numeric, as the rest of derivtutor)."""
    checked = 0
    for px, py in ((0.37, 1.21), (1.3, -0.45), (-0.8, 0.66), (2.1, 1.7), (0.5, 0.25)):
        va = complex(a.evalf(20, subs={x: px, y: py}))
        vb = complex(b.evalf(20, subs={x: px, y: py}))
        if not (abs(va) < 1e12 and abs(vb) < 1e12):
            continue
        if abs(va - vb) > 1e-9 * max(1.0, abs(vb)):
            return False
        checked += 1
    return checked > 0
