"""The numeric oracle shared by the engine's tests: every node of a step tree is a true
statement, checked against SymPy's own ``diff`` at random points (30 digits)."""

from __future__ import annotations

import cmath
import random

import sympy as sp

from derivtutor.engine import steps as s
from derivtutor.language.functions import relu

# --- the numeric oracle --------------------------------------------------------------------------

DIGITS = 30
RELATIVE_TOLERANCE = 1e-8
# Below this, a value that should be real counts as real (30-digit arithmetic leaves dust).
IMAGINARY_DUST = 1e-20
# Functions whose derivative jumps where their argument is 0: a point there is not compared.
KINKED = (sp.Abs, sp.sign, sp.Heaviside, relu, sp.DiracDelta)
DRAWS = 60
WANTED_POINTS = 4


def _value(expr: sp.Expr, point: dict[sp.Symbol, sp.Float]) -> complex | None:
    """expr at point, or None where it is undefined, infinite or cannot be evaluated."""
    try:
        value = expr.evalf(DIGITS, subs=point)
        if not value.is_number or value.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
            return None
        result = complex(value)
    except (ArithmeticError, TypeError, ValueError):
        return None
    return result if cmath.isfinite(result) else None


def _is_real(value: complex | None) -> bool:
    return value is not None and abs(value.imag) <= IMAGINARY_DUST * max(1.0, abs(value.real))


def _real_parts(expr: sp.Expr) -> list[sp.Expr]:
    """expr and every sub-expression that can leave the reals (functions, fractional powers).

    A real function of x is only differentiated where all of these are real: abs(log(x)) is real
    at x = -2, but the chain rule's d|u|/du = sign(u) means nothing at a complex u.
    """
    return [
        part
        for part in sp.preorder_traversal(expr)
        if part is expr
        or isinstance(part, sp.Function)
        or (isinstance(part, sp.Pow) and not part.exp.is_Integer)
    ]


def _random_point(symbols: list[sp.Symbol], rng: random.Random) -> dict[sp.Symbol, sp.Float]:
    # Narrow domains (asin(2x) needs |x| < 1/2) are reached by drawing from [-1, 1] half the time.
    width = rng.choice((1.0, 3.0))
    return {sym: sp.Float(rng.uniform(-width, width), DIGITS) for sym in symbols}


def node_agreement(node: s.Step, rng: random.Random, wanted: int = WANTED_POINTS) -> int:
    """At how many random points node.eval() equals diff(node.expression, node.variable).

    Points where the function (or a part of it) is not real, where the reference is not finite,
    or that sit exactly on a kink of abs, sign, Heaviside or relu are skipped. The first point of
    disagreement fails the test, with the node and the point in the message.
    """
    function = node.expression.doit()
    claimed = node.eval().doit()
    reference = sp.diff(function, node.variable)
    symbols = sorted(
        function.free_symbols | claimed.free_symbols | reference.free_symbols | {node.variable},
        key=str,
    )
    parts = _real_parts(function)
    kinks = [k.args[0] for e in (function, claimed, reference) for k in e.atoms(*KINKED)]
    agreed = 0
    for _ in range(DRAWS):
        point = _random_point(symbols, rng)
        if not all(_is_real(_value(part, point)) for part in parts):
            continue
        expected = _value(reference, point)
        if not _is_real(expected):
            continue
        if not all(_is_real(v := _value(k, point)) and abs(v) >= 1e-15 for k in kinks):
            continue
        assert expected is not None
        got = _value(claimed, point)
        assert got is not None and abs(got - expected) <= RELATIVE_TOLERANCE * max(
            1, abs(expected)
        ), (
            f"{node.rule} node is false: d/d{node.variable} [{node.expression}] "
            f"claimed {claimed}, SymPy says {reference}; at {point}: {got} != {expected}"
        )
        agreed += 1
        if agreed == wanted:
            break
    return agreed


def assert_tree_is_true(
    step: s.Step, *, seed: int = 0, min_points: int = 3, wanted: int = WANTED_POINTS
) -> int:
    """Every node of the tree is a true statement, checked at random points of its own variable
    (u1, u2, ... for the outer function of a chain rule). Returns how many nodes were compared.

    Each node needs ``min_points`` valid points; with ``min_points=0`` a node that is nowhere real
    in the sampled range is passed over (random expressions such as log(-x^2 - 1) have such nodes).
    """
    rng = random.Random(seed)
    compared = 0
    for node in step.walk():
        # A rewrite is itself an equation: f = g wherever f is defined (the log laws with |·|).
        if isinstance(node, s.RewriteRule):
            assert_equal_at_random_points(
                node.rewritten, node.expression, domain=node.expression, seed=seed, min_points=0
            )
        if isinstance(node, s.LogProductRule):
            assert_equal_at_random_points(
                node.logarithm,
                sp.log(sp.Abs(node.expression)),
                domain=node.expression,
                seed=seed,
                min_points=0,
            )
        agreed = node_agreement(node, rng, max(wanted, min_points))
        assert agreed >= min_points, (
            f"only {agreed} valid points for the {node.rule} node d/d{node.variable} "
            f"[{node.expression}]"
        )
        compared += agreed > 0
    return compared


def assert_equal_at_random_points(
    got: sp.Expr,
    expected: sp.Expr,
    *,
    domain: sp.Expr | None = None,
    seed: object = 0,
    min_points: int = 3,
) -> int:
    """``got`` equals ``expected`` at random points where ``expected`` (and every part of
    ``domain`` that can leave the reals, such as the function differentiated) is real and
    finite. Returns how many points were compared; fewer than ``min_points`` fails."""
    rng = random.Random(str(seed))
    got, expected = sp.sympify(got).doit(), sp.sympify(expected).doit()
    parts = _real_parts(domain) if domain is not None else []
    symbols = sorted(
        got.free_symbols | expected.free_symbols | (domain.free_symbols if domain else set()),
        key=str,
    )
    agreed = 0
    for _ in range(DRAWS):
        point = _random_point(symbols, rng)
        if not all(_is_real(_value(part, point)) for part in parts):
            continue
        want = _value(expected, point)
        if not _is_real(want):
            continue
        assert want is not None
        have = _value(got, point)
        assert have is not None and abs(have - want) <= RELATIVE_TOLERANCE * max(1, abs(want)), (
            f"{got} != {expected} at {point}: {have} != {want}"
        )
        agreed += 1
        if agreed == WANTED_POINTS:
            break
    assert agreed >= min_points, f"only {agreed} valid points to compare {got} with {expected}"
    return agreed
