"""What a derivation says around its step tree: the heading, the result, ML identities and the
gradient check. Format-neutral segments, shared by every renderer."""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import sympy as sp

from derivtutor.calculus.differentiation import Differentiation, Order, Pattern
from derivtutor.language.functions import sigmoid
from derivtutor.language.notation import written_order
from derivtutor.render import explain as ex

if TYPE_CHECKING:
    from derivtutor.calculus.gradient_check import GradientCheck

# A gradient check passes when the two agree to this relative tolerance.
AGREEMENT = 1e-5


@dataclass
class Section:
    """One order of a derivation: a heading, its explanation tree, and its result lines."""

    heading: list[ex.Segment]
    tree: ex.Node | None
    result: list[list[ex.Segment]]


def sections(result: Differentiation, detail: str = "normal") -> Iterator[Section]:
    """The derivation's sections, one per order shown (and one for a pattern). ``brief``
    gives each order's result first, then the rules it used, with no tree."""
    # Printed while the caller consumes them: the function's own sums keep the user's order
    # in every format (σ(t₀ + t₁·x), not σ(t₁·x + t₀)).
    with written_order(result.expression):
        yield from _sections(result, detail)


def _sections(result: Differentiation, detail: str) -> Iterator[Section]:
    if detail == "brief":
        yield from _brief(result)
        return
    var = result.variable
    partial = result.partial
    for order in result.orders:
        k = order.order
        heading = _heading(result, order)
        tree = ex.explain(order, partial=partial, detail=detail)
        lines: list[list[ex.Segment]] = []
        if order.rewritten:
            raw = order.shown(order.step)
            # The last step ended with the raw form; show the rewriting instead of jumping.
            lines.append([ex.D(result.expression, var, partial, k), " = ", ex.Math(raw)])
            lines.append(["= ", ex.Math(order.derivative), *_reason(raw, order.derivative)])
        else:
            ordered = order.written(order.step)
            shown = ex.Math(order.derivative) if ordered is None else ex.Math(ordered, typed=True)
            lines.append([ex.D(result.expression, var, partial, k), " = ", shown])
        for form in order.forms:
            lines.append(["= ", ex.Math(form), *_form_note(form, result.expression)])
        lines.extend(_result_notes(order.derivative))
        lines.extend(_condition_notes(order.conditions))
        yield Section(heading, tree, lines)
    if result.pattern is not None:
        yield _pattern_section(result, result.pattern)


def read_numbers(text: str) -> list[ex.Segment]:
    """What was read otherwise than typed: "   (2.5e-3 read as 0.0025)",
    "   (max(u, v) read as v + relu(u − v))"."""
    from derivtutor.language.scan import readings

    found = readings(text)
    if not found:
        return []
    return ["   (" + ", ".join(f"{typed} read as {value}" for typed, value in found) + ")"]


def _heading(result: Differentiation, order: Order) -> list[ex.Segment]:
    """d/dx [f], with what the other letters are: constants, held constant, or absent."""
    var, partial, k = result.variable, result.partial, order.order
    heading: list[ex.Segment] = []
    if result.order > 1:
        heading.append(f"Order {k}: ")
    heading.append(ex.D(result.expression, var, partial, k))
    if k > 1:
        return [*heading, " = ", ex.D(order.expression, var, partial)]
    heading += read_numbers(result.input)
    held = result.held_constant
    if not held:
        return heading
    if var not in result.expression.free_symbols:
        return [*heading, "   (the function does not depend on ", ex.Math(var), ")"]
    names: list[ex.Segment] = []
    for i, symbol in enumerate(held):
        names += [", "] if i else []
        names.append(ex.Math(symbol))
    if not partial:
        verb = " is a constant)" if len(held) == 1 else " are constants)"
        return [*heading, "   (", *names, verb]
    verb = "is" if len(held) == 1 else "are"
    return [*heading, "   (a partial derivative: ", *names, f" {verb} held constant)"]


def _brief(result: Differentiation) -> Iterator[Section]:
    """The result first, then the rules used: one section for the whole derivation."""
    var, partial = result.variable, result.partial
    lines: list[list[ex.Segment]] = [
        [ex.D(result.expression, var, partial, result.order), " = ", ex.Math(result.derivative)]
    ]
    if not result.pattern:
        lines += [["= ", ex.Math(form)] for form in result.orders[-1].forms]
    rules: list[str] = []
    for order in result.orders:
        # The bookkeeping (constants, the variable) goes without saying in a summary.
        rules += [
            r
            for r in ex.rules_used(order.step)
            if r not in rules and r not in ("constant", "variable")
        ]
    rules = rules or ["constant"]
    names = [_RULE_NAMES.get(r, r.replace("_", " ")) for r in rules]
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    lines.append([f"by the {listed} rule{'s' if len(names) > 1 else ''}"])
    if result.pattern:
        p = result.pattern
        lines.append(
            [
                f"then the pattern of period {p.period}: {p.order} = {p.period}·{p.quotient} + "
                f"{p.remainder}"
            ]
        )
    lines.extend(_condition_notes(result.orders[-1].conditions))
    yield Section([], None, lines)


# How a rule id reads in a sentence ("by the chain, power and sum rules").
_RULE_NAMES = {
    "constant_multiple": "constant multiple",
    "exp": "exponential",
    "exponential": "exponential (base a)",
    "log_base": "logarithm (base b)",
    "inverse_trig": "inverse trig",
    "inverse_hyperbolic": "inverse hyperbolic",
    "log_differentiation": "logarithmic differentiation",
    "piecewise_constant": "step function",
}


def _pattern_section(result: Differentiation, pattern: Pattern) -> Section:
    """How the order asked for follows from the orders shown: 74 = 4·18 + 2, so
    d⁷⁴/dx⁷⁴ [sin(x)] = d²/dx² [sin(x)] = −sin(x)."""
    f, var, partial = result.expression, result.variable, result.partial
    n, p, q, r = pattern.order, pattern.period, pattern.quotient, pattern.remainder

    def d(k: int) -> ex.Segment:
        return ex.D(f, var, partial, k) if k else ex.Math(f, typed=True)

    head: list[ex.Segment]
    notes: list[list[ex.Segment]]
    if pattern.kind == "vanish":
        head = [
            "Pattern: ",
            ex.Math(f, typed=True),
            f" is a polynomial of degree {p - 1}, and each derivative lowers the degree by "
            "one, so ",
            d(p),
            " = 0",
        ]
        notes = [["and every later derivative is 0 too: ", d(n), " = 0"]]
    elif pattern.kind == "cycle":
        head = ["Pattern: ", d(p), " = ", ex.Math(f, typed=True)]
        head.append(
            ": each derivative is the function itself"
            if p == 1
            else f", so the derivatives repeat every {p} orders"
        )
        shown = [" = ", d(r), " = ", ex.Math(pattern.derivative)] if r else [" = ", d(0)]
        notes = [[f"{n} = {p}·{q} + {r}, so ", d(n), *shown]]
    else:
        c = pattern.factor
        head = ["Pattern: ", d(p), " = ", ex.Math(c), " · ", ex.Math(f, typed=True)]
        head.append(
            ": each derivative multiplies by " if p == 1 else f", so every {p} orders multiply by "
        )
        head.append(ex.Math(c))
        power = ex.Math(sp.Pow(c, q, evaluate=False))
        if p == 1:
            notes = [["so ", d(n), " = ", power, " · ", d(0)]]
        else:
            notes = [
                [f"{n} = {p}·{q} + {r}, so ", d(n), " = ", power, " · ", d(r)]
                + [" = ", ex.Math(pattern.derivative)]
            ]
    tree = ex.Node("pattern", head, notes)
    return Section([d(n)], tree, [[d(n), " = ", ex.Math(pattern.derivative)]])


def _reason(before: sp.Expr, after: sp.Expr) -> list[ex.Segment]:
    """Why the tidied form equals the raw one, when a named identity did the work."""
    gained = {type(f) for f in after.atoms(sp.Function)} - {
        type(f) for f in before.atoms(sp.Function)
    }
    if sp.tan in gained or sp.tanh in gained:
        return ["    (since sin/cos = tan)" if sp.tan in gained else "    (since sinh/cosh = tanh)"]
    if sp.cot in gained:
        return ["    (since cos/sin = cot)"]
    if sp.sec in gained or sp.sech in gained:
        return ["    (since 1/cos = sec)" if sp.sec in gained else "    (since 1/cosh = sech)"]
    roots = [_roots(e) for e in (before, after)]
    if roots[1] and len(roots[1]) < len(roots[0]):
        return ["    (the roots combined into one)"]
    if roots[1] and roots[0] != roots[1]:
        return ["    (the constant taken inside the root)"]
    if isinstance(before, sp.Add) and sp.fraction(after)[1] != 1 and not isinstance(after, sp.Add):
        return ["    (over a common denominator)"]
    below = [sp.fraction(e)[1] for e in (before, after)]
    if below[0] != 1 and below[1] != below[0] and not isinstance(after, sp.Add):
        return ["    (a common factor cancelled)"]
    for add in before.atoms(sp.Add):
        if len(add.args) == 2 and sp.Integer(1) in add.args:
            (other,) = [a for a in add.args if a != 1]
            square = -other
            if isinstance(square, sp.Pow) and square.exp == 2:
                pair = _PYTHAGORAS.get(type(square.base))
                if pair is not None:
                    return [f"    (since {pair})"]
    return []


def _roots(expr: sp.Expr) -> set[sp.Expr]:
    return {p.base for p in expr.atoms(sp.Pow) if p.exp in (sp.Rational(1, 2), sp.Rational(-1, 2))}


_PYTHAGORAS = {sp.cos: "1 − cos² = sin²", sp.sin: "1 − sin² = cos²", sp.tanh: "1 − tanh² = sech²"}


def _form_note(form: sp.Expr, expression: sp.Expr) -> list[ex.Segment]:
    if form.has(sigmoid) and not expression.has(sigmoid):
        calls = form.atoms(sigmoid)
        (u,) = calls.pop().args if len(calls) == 1 else (None,)
        if u is not None and form.has(1 - sigmoid(u)):
            # The jump from e^(−u)/(1 + e^(−u))² is the product of these two fractions.
            return [
                "    since ",
                ex.Math(sigmoid(u)),
                " = ",
                ex.Math(1 / (1 + sp.exp(-u))),
                " and ",
                ex.Math(1 - sigmoid(u)),
                " = ",
                ex.Math(sp.exp(-u) / (1 + sp.exp(-u))),
            ]
        x = sp.Symbol("x")
        return [
            "    where ",
            ex.Math(sigmoid(x)),
            " = ",
            ex.Math(1 / (1 + sp.exp(-x))),
            " is the sigmoid",
        ]
    if form.has(sp.tanh):
        return ["    (in terms of tanh itself, as backpropagation uses it)"]
    return []


def _result_notes(derivative: sp.Expr) -> list[list[ex.Segment]]:
    notes: list[list[ex.Segment]] = []
    # The definitions need a letter of their own: not one of the function's variables.
    used = {str(v) for v in derivative.free_symbols}
    t = next(name for name in ("t", "s", "v", "r", "q", "k") if name not in used)
    if derivative.has(sp.Heaviside):
        notes.append(
            [
                f"where H is the step function: H({t}) = 0 for {t} ≤ 0 and 1 for {t} > 0"
                " (the subgradient 0 is used at the kink)"
            ]
        )
    if derivative.has(sp.sign):
        notes.append([f"where sign({t}) = {t}/|{t}| for {t} ≠ 0"])
    return notes


def _condition_notes(conditions: tuple[sp.Ne, ...]) -> list[list[ex.Segment]]:
    """Where a cancelled factor is 0 the original has no value, so neither has its derivative."""
    return [
        ["for ", ex.Math(condition), " (a factor that cancelled is 0 there)"]
        for condition in conditions
    ]


def gradient_check_lines(result: Differentiation, check: GradientCheck) -> list[list[ex.Segment]]:
    var = result.variable
    point: list[ex.Segment] = []
    for i, (symbol, value) in enumerate(check.point.items()):
        shown: ex.Segment = (
            ex.Math(value) if len(str(value)) <= 12 else _number(float(sp.Float(value, 17)))
        )
        point += ([", "] if i else []) + [ex.Math(symbol), " = ", shown]
    derivative = ex.D(result.expression, var, result.partial, result.order)
    lines: list[list[ex.Segment]] = [["Gradient check at ", *point, ":"]]
    lines.append(["  derivative         ", derivative, " = ", _number(check.value)])
    lines.append(
        [
            "  finite difference  ",
            _number(check.finite_difference),
            "   (central, h = 1e-6)",
        ]
    )
    if check.value is not None and math.isinf(check.value):
        lines.append(["  The values here are too large for a floating-point number."])
    elif check.value is None:
        lines.append(["  The function or its derivative is not defined (or not real) here."])
    elif check.kink:
        gap = (
            abs(check.value - check.finite_difference)
            if check.finite_difference is not None
            else 0.0
        )
        opening = f"They differ by {gap:.3g}: this" if gap > AGREEMENT else "This"
        lines.append(
            [
                f"  {opening} point is a corner or jump of the function, so it has no "
                "derivative here. The value shown is a convention (a subgradient, such as "
                "relu'(0) = 0); the finite difference averages the slopes on either side."
            ]
        )
    elif check.finite_difference is None:
        lines.append(["  The function is not real or not defined on both sides of this point."])
    else:
        gap = abs(check.value - check.finite_difference)
        if gap <= AGREEMENT * max(1.0, abs(check.value)):
            lines.append([f"  They agree (difference {gap:.1e})."])
        else:
            lines.append(
                [
                    f"  They differ by {gap:.3g}: the function is not smooth here (a kink or "
                    "a jump, so the slopes on either side differ), or it changes too fast "
                    "for a step of 1e-6."
                ]
            )
    return lines


def _number(value: float | None) -> ex.Segment:
    if value is None:
        return "undefined"
    if math.isinf(value):
        return "too large" if value > 0 else "−(too large)"
    return f"{value:.10g}".replace("-", "−")
