"""The algebra between a rule's raw result and the form it is shown in, as steps a textbook
writes: factor out a common factor, then collect what is left in the bracket; terms that
cancel. Each step is an equality (before and after are the same function), so the renderers can
print it with its reason and the tests can check it numerically.

A step is only offered when it is cheap and bounded: above ``MAX_OPS`` operations the result is
shown as it is, with no intermediate form.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from derivtutor.engine.tidy import MAX_DEGREE, degree_bound, pythagoras
from derivtutor.language.notation import as_printed

MAX_OPS = 60


@dataclass(frozen=True)
class Algebra:
    """One line of algebra: ``after`` equals the line before it, by ``rule``.

    ``rule`` "factor_common": ``factor`` was taken out of every term;
    ``rule`` "collect": the bracket was expanded and its like terms collected;
    ``rule`` "simplify_bracket": the bracket was rewritten otherwise (factored in part);
    ``rule`` "cancel_terms": ``factor`` and −``factor`` cancelled;
    ``rule`` "expand_numerator": a quotient's numerator multiplied out and collected;
    ``rule`` "pythagoras": sin² + cos² = 1 (or 1 + tan² = sec², cosh² − sinh² = 1) applied;
    ``rule`` "cancel_common": ``factor``, common to the numerator and the denominator, cancelled.
    """

    rule: str
    after: sp.Expr
    factor: sp.Expr | None = None
    written: bool = False  # ``after`` is built unevaluated: print it in the order it was built


def factoring(raw: sp.Expr, final: sp.Expr) -> tuple[Algebra, ...]:
    """From a sum of products to its factored ``final`` form, through the common factor:
    10(2x + 1)⁴(3x − 2)⁷ + 21(2x + 1)⁵(3x − 2)⁶ = (2x + 1)⁴(3x − 2)⁶·(10(3x − 2) + 21(2x + 1))
    = (2x + 1)⁴(3x − 2)⁶·(72x + 1). Empty when ``final`` is not that factored form."""
    if not isinstance(raw, sp.Add) or not isinstance(final, sp.Mul):
        return ()  # a sum shown as a sum: no factor was taken out
    if sp.count_ops(raw) > MAX_OPS:
        return ()
    terms = [_powers(t) for t in raw.args]
    shared = set(terms[0][1]).intersection(*(p for _, p in terms[1:]))
    if not shared:
        return ()
    least = {b: min(p[b] for _, p in terms) for b in shared}
    common = sp.Mul(*[b ** least[b] for b in sorted(shared, key=sp.default_sort_key)])
    # What is left of each term, kept as written (10·(3x − 2): SymPy would distribute the 10).
    kept = [_left(c, p, least) for c, p in terms]
    collected = sp.expand(sp.Add(*kept))
    if sp.expand(common * collected - final) != 0:
        return ()  # the shown form is not this factoring: nothing to explain this way
    if not any(_needs_expanding(k) for k in kept) and len(sp.Add.make_args(collected)) == len(kept):
        return (Algebra("factor_common", final, common),)  # the bracket is already collected
    middle = sp.Mul(common, sp.Add(*kept, evaluate=False), evaluate=False)
    # "collect" only when the bracket of the final form is the collected one, 72x + 1.
    # (Compared as printed: tidy builds its powers its own way, so == can differ.)
    same = sp.srepr(sp.Mul(common, collected)) == sp.srepr(final)
    last = "collect" if same else "simplify_bracket"
    return (Algebra("factor_common", middle, common, written=True), Algebra(last, final))


def _powers(term: sp.Expr) -> tuple[sp.Expr, dict[sp.Expr, sp.Expr]]:
    """A term as its number and its factors' powers: 10(2x + 1)⁴ is 10, {2x + 1: 4}. e^x is
    a factor of its own, not a power of e; a negative power is not taken out."""
    coefficient, factors = term.as_coeff_mul()
    powers: dict[sp.Expr, sp.Expr] = {}
    for f in factors:
        base, exp = f.as_base_exp()
        if not exp.is_Rational:
            base, exp = f, sp.Integer(1)
        powers[base] = powers.get(base, sp.Integer(0)) + exp
    return coefficient, {b: e for b, e in powers.items() if e > 0}


def _left(
    coefficient: sp.Expr, powers: dict[sp.Expr, sp.Expr], least: dict[sp.Expr, sp.Expr]
) -> sp.Expr:
    factors = [coefficient] if coefficient != 1 else []
    for base, exp in powers.items():
        left = exp - least.get(base, 0)
        if left:
            factors.append(base**left)
    if not factors:
        return sp.Integer(1)
    return factors[0] if len(factors) == 1 else sp.Mul(*factors, evaluate=False)


def _needs_expanding(term: sp.Expr) -> bool:
    """10·(3x − 2) is to be expanded; x·cos(x) is not."""
    return isinstance(term, sp.Mul) and any(
        isinstance(a, sp.Add) or (isinstance(a, sp.Pow) and isinstance(a.base, sp.Add))
        for a in term.args
    )


def cancelled(terms: list[sp.Expr]) -> tuple[sp.Expr, ...]:
    """The terms among ``terms`` (each a sum, flattened) whose negation is also there: in
    d/dx [x·arcsin x + √(1 − x²)], x/√(1 − x²) from one part and −x/√(1 − x²) from the other."""
    flat = [t for term in terms for t in sp.Add.make_args(term)]
    found: list[sp.Expr] = []
    used: set[int] = set()
    for i, t in enumerate(flat):
        if i in used or t.could_extract_minus_sign():
            continue
        for j, other in enumerate(flat):
            if j != i and j not in used and (t + other) == 0:
                found.append(t)
                used |= {i, j}
                break
    return tuple(found)


def simplified_quotient(
    numerator: sp.Expr, denominator: sp.Expr, final: sp.Expr
) -> tuple[Algebra, ...]:
    """From the quotient rule's (f'·g − f·g')/g² to its ``final`` form, a line per change:
    the numerator multiplied out, an identity, a common factor cancelled.
    (2x·(x − 1) − (x² − 1))/(x − 1)² = (x² − 2x + 1)/(x − 1)² = 1, for x ≠ 1.
    Empty unless those lines reach ``final`` exactly."""
    if sp.count_ops(numerator) > MAX_OPS or degree_bound(numerator) > MAX_DEGREE:
        return ()
    steps: list[Algebra] = []
    expanded = sp.expand(numerator)
    if expanded != numerator:
        steps.append(Algebra("expand_numerator", _over(expanded, denominator), written=True))
    identity = pythagoras(expanded)
    if identity != expanded:
        steps.append(Algebra("pythagoras", _over(identity, denominator), written=True))
    common = sp.gcd(identity, denominator)
    if common.free_symbols:
        steps.append(Algebra("cancel_common", final, sp.factor(common)))
    elif steps and sp.srepr(steps[-1].after.doit()) != sp.srepr(final):
        return ()  # the shown form came another way: no lines to explain it by
    if not steps or sp.expand(sp.cancel(steps[-1].after.doit() - final)) != 0:
        return ()
    return tuple(steps)


def _over(numerator: sp.Expr, denominator: sp.Expr) -> sp.Expr:
    """numerator/denominator, unevaluated, each sum in the order it is printed elsewhere."""
    below = _printed(denominator)
    return sp.Mul(_printed(numerator), sp.Pow(below, -1, evaluate=False), evaluate=False)


def _printed(expr: sp.Expr) -> sp.Expr:
    if isinstance(expr, sp.Pow) and isinstance(expr.base, sp.Add):
        return sp.Pow(as_printed(expr.base), expr.exp, evaluate=False)
    if isinstance(expr, sp.Mul):
        return sp.Mul(*(_printed(f) for f in expr.args), evaluate=False)
    return as_printed(expr)
