"""Readable final forms for a raw derivative. Never a bare ``simplify()``.

``simplify`` turns σ' into 1/(4 cosh²(x/2)), which no course writes, and can run for seconds.
Instead we build a few candidate forms, each by a cheap and bounded transformation (a
transformation is skipped when the expression is above a size or degree limit), and keep the
smallest by a plain size measure. Where a machine-learning identity applies, the identity's form
is offered as well: σ(x)(1 − σ(x)), 1 − tanh²(x), softplus' = σ.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import sympy as sp

from derivtutor.language.functions import sigmoid

# Beyond these, polynomial algorithms (cancel, factor) can take seconds: d/dx ((2x+1)^10+1)^10
# has degree 99, and cancel alone takes 11 s on it.
MAX_OPS = 80
MAX_DEGREE = 16
# Intermediate results larger than this are shown as the rules give them.
SHOWN_OPS = 40


@dataclass(frozen=True)
class Tidied:
    """The derivative in its clearest form, and other forms worth showing beside it."""

    derivative: sp.Expr
    forms: tuple[sp.Expr, ...] = ()
    # Where a factor cancelled from top and bottom is 0, the original has no value: the tidied
    # form holds only under these conditions (x ≠ 1, or sin(x) − 1 ≠ 0).
    conditions: tuple[sp.Ne, ...] = ()


def tidy(raw: sp.Expr) -> Tidied:
    """Choose a readable form of ``raw`` and find the ML identities that apply to it.

    The raw result is what the steps end with, so a candidate replaces it only when it is
    clearly smaller: a quotient brought over one denominator is taken on any gain; other
    rearrangements (factoring out) must save at least two operations.
    """
    # The steps build results from the user's unevaluated pieces; doit() puts every sum and
    # product in SymPy's canonical order, so equal derivatives compare equal.
    raw = raw.doit()
    best = raw
    quotient, cancelled, others = _candidates(raw)
    if quotient is not None and (
        size(quotient)[0] < size(best)[0]
        # A fraction inside a fraction (y/(1/y − x)) reads worse than a slightly longer
        # single one (y²/(1 − x·y)); a sum of simple terms (12t³ + 15t² + 1/t²) does not.
        or (size(quotient)[0] <= size(best)[0] + 2 and _nested_fraction(best))
    ):
        best = quotient
    else:
        cancelled = ()
    gains = [(c, 2) for c in others] + [(c, 1) for c in _book_forms(raw, best)]
    # The smallest candidate that saves enough: factoring out or expanding must save two
    # operations; a book's own rewriting (roots merged, sec and tan, a factor taken out of a
    # sum) any.
    fitting = [c for c, gain in gains if size(c)[0] <= size(best)[0] - gain]
    if fitting:
        best, cancelled = min(fitting, key=size), ()
        # A rearrangement can open a book form of its own (−sin/(1 − cos²) cancels to −1/sin,
        # which reads as −csc); without this pass tidying the result again would still move.
        again = [c for c in _book_forms(best, best) if size(c)[0] <= size(best)[0] - 1]
        if again:
            best = min(again, key=size)
    forms = [f for f in _identities(best) if f != best]
    return Tidied(best, tuple(dict.fromkeys(forms)), tuple(_condition(f) for f in cancelled))


def _book_forms(raw: sp.Expr, best: sp.Expr) -> list[sp.Expr]:
    """Rewritings a textbook makes: roots merged and constants taken inside them, 1/cos as sec
    with sin/cos as tan, and a common factor taken out of a sum inside a product."""
    if operation_count(raw) > MAX_OPS:
        return []
    forms = []
    for expr in dict.fromkeys((raw, best)):
        rooted = _roots(expr)
        forms += [rooted, _factored_inside(rooted)]
        if expr.has(sp.sin, sp.cos, sp.tan, sp.sec, sp.csc, sp.cot, sp.sinh, sp.cosh):
            split = sp.expand(_sin_cos(expr)) if degree_bound(expr) <= MAX_DEGREE else expr
            ratios = pythagoras(_trig_ratios(split, reciprocals=True))
            forms += [ratios, _factored_inside(ratios), _trig_ratios(_sin_cos(expr))]
            numerator, denominator = sp.fraction(expr)
            if denominator != 1 and degree_bound(numerator) <= MAX_DEGREE:
                # The numerator multiplied out in sin and cos, the denominator kept whole.
                top = pythagoras(_trig_ratios(sp.expand(_sin_cos(numerator)), reciprocals=True))
                forms.append(top / denominator)
    return [f for f in forms if f != raw]


def _factored_inside(expr: sp.Expr) -> sp.Expr:
    """A common factor taken out: (x²+1)ˣ·(2x·ln(x²+1) + 2x) is 2x·(x²+1)ˣ·(ln(x²+1) + 1),
    eˣ·sec³u + 15eˣ·tan u·sec³u is eˣ·sec³u·(1 + 15·tan u). A polynomial stays term by term,
    as books print 3x² + 2x (but 10(2x + 1)⁴(3x − 2)⁷ + 21(2x + 1)⁵(3x − 2)⁶ is factored)."""
    if expr.is_Add and expr.is_polynomial() and all(_monomial(t) for t in expr.args):
        return expr
    return sp.factor_terms(expr)


def _monomial(term: sp.Expr) -> bool:
    """3x², 2x·y, 7: no sum inside."""
    return not any(isinstance(p, sp.Add) for p in sp.preorder_traversal(term))


def _sin_cos(expr: sp.Expr) -> sp.Expr:
    """tan, sec, csc and cot written with sin and cos, so that ratios can be found afresh."""
    return expr.replace(
        lambda e: isinstance(e, (sp.tan, sp.sec, sp.csc, sp.cot)),
        lambda e: {
            sp.tan: sp.sin(e.args[0]) / sp.cos(e.args[0]),
            sp.sec: 1 / sp.cos(e.args[0]),
            sp.csc: 1 / sp.sin(e.args[0]),
            sp.cot: sp.cos(e.args[0]) / sp.sin(e.args[0]),
        }[e.func],
    )


def _roots(expr: sp.Expr) -> sp.Expr:
    """In each product, the square roots merged into one and rationalised, and constants taken
    inside: √(x² + 1)·√(1/(x² − 1)) is √(x⁴ − 1)/(x² − 1), 3·√(1 − x²/9) is √(9 − x²).

    Every real root on the domain is of a value ≥ 0, so √a·√b = √(ab); and √(p/q) = √(pq)/|q|,
    where |q| is q when p or q is positive (the quotient is then ≥ 0 only for q > 0)."""

    def merge(mul: sp.Mul) -> sp.Expr:
        halves = [f for f in mul.args if isinstance(f, sp.Pow) and f.exp in (_HALF, -_HALF)]
        if len(halves) == 1:
            (half,) = halves
            for f in mul.args:
                # (t² − 1)/√(1 − t²) is −√(1 − t²): a factor that is ± the root's own base.
                if f != half and f.is_Add and (f == half.base or f == -half.base):
                    others = [g for g in mul.args if g not in (f, half)]
                    sign = 1 if f == half.base else -1
                    return sp.Mul(sign, *others, half.base ** (1 + half.exp))
            if sp.fraction(sp.together(half.base))[1] == 1:
                return mul
        if not halves:
            return mul
        rest = [f for f in mul.args if f not in halves]
        # A root below stays below, as a book writes 1/((x² − 1)·√(x⁴ − 1)).
        sign = -1 if all(f.exp == -_HALF for f in halves) else 1
        inside = sp.together(sp.Mul(*(f.base ** (2 * f.exp * sign) for f in halves)))
        p, q = sp.fraction(inside)
        below = q if (p.is_positive or q.is_positive) else sp.Abs(q)
        product = sp.expand(p * q) if degree_bound(p * q) <= MAX_DEGREE else p * q
        product = min((product, sp.factor_terms(product)), key=size)
        return sp.Mul(*rest, (sp.sqrt(product) / below) ** sign)

    def constants_inside(power: sp.Pow) -> sp.Expr:
        # SymPy takes a positive rational out of a root itself: √((9 − x²)/9) is √(9 − x²)/3.
        return sp.Pow(sp.factor_terms(sp.together(power.base)), power.exp)

    expr = expr.replace(
        lambda e: isinstance(e, sp.Pow) and e.exp.is_Rational and e.exp.q == 2 and e.base.is_Add,
        constants_inside,
    )
    return expr.replace(lambda e: isinstance(e, sp.Mul), merge)


_HALF = sp.Rational(1, 2)


def shown_form(raw: sp.Expr) -> sp.Expr:
    """What a composite step ends with: the raw result when it is already one simple fraction
    (only common factors are taken out: x·(2w·x + 2b − 2y) is 2x·(w·x + b − y)), else the
    tidied form. The final Result then shows any further rewriting with its reason."""
    if operation_count(raw) > SHOWN_OPS:
        return raw
    if is_simple_fraction(raw):
        common = _factored_inside(raw)
        return common if operation_count(common) < operation_count(raw) else raw
    return tidy(raw).derivative


@lru_cache(maxsize=4096)  # the same candidates are measured again and again; printing is slow
def size(expr: sp.Expr) -> tuple[int, int]:
    """A plain measure of clutter: operations (a minus sign is free), then printed length."""
    return operation_count(expr), len(str(expr))


def operation_count(expr: sp.Expr) -> int:
    """Operations in expr, a minus sign free (sp.count_ops is slower and imports more)."""
    if expr.is_Atom:
        return 0
    args = expr.args
    if isinstance(expr, sp.Mul) and args[0] == -1:
        args = args[1:]
        if len(args) == 1:
            return operation_count(args[0])
    extra = len(args) - 1 if isinstance(expr, (sp.Add, sp.Mul)) else 1
    if isinstance(expr, sp.Pow) and expr.exp == -1:
        extra = 1
    return extra + sum(operation_count(a) for a in args)


def _candidates(
    expr: sp.Expr,
) -> tuple[sp.Expr | None, tuple[sp.Expr, ...], list[sp.Expr]]:
    """(the expression over one denominator or None, the factors that cancelled on the way,
    other rearrangements)."""
    cancelled: tuple[sp.Expr, ...] = ()
    if operation_count(expr) > MAX_OPS:
        return None, cancelled, []
    others = [pythagoras(_trig_ratios(expr))]
    quotient = None
    small = degree_bound(expr) <= MAX_DEGREE
    if small and not is_simple_fraction(expr):
        numerator, denominator = sp.fraction(sp.together(expr))
        if denominator != 1:
            numerator, denominator, cancelled = _cancel_pair(numerator, denominator)
            quotient = pythagoras(_trig_ratios(_over(numerator, denominator)))
        elif expr.is_polynomial():
            others.append(sp.expand(expr))
            others.append(sp.factor(expr))
    others.append(pythagoras(_trig_ratios(sp.factor_terms(expr))))
    if small and isinstance(expr, sp.Add):
        # Terms that cancel once multiplied out: −x·y·(1 − σ) + x·(1 − y)·σ is x·(σ − y).
        others.append(sp.factor_terms(sp.expand(expr)))
    return quotient, cancelled, others


def is_simple_fraction(expr: sp.Expr) -> bool:
    """True for p/q where neither p nor q holds a fraction or a sum with common factors:
    e^(−x)/(1 + e^(−x))² is already as a textbook prints it, so together() is not tried."""
    numerator, denominator = sp.fraction(expr)
    if denominator == 1:
        return not any(
            isinstance(p, sp.Pow) and p.exp.is_negative for p in sp.preorder_traversal(expr)
        )
    return all(
        not (isinstance(p, sp.Pow) and p.exp.is_Number and p.exp.is_negative)
        for part in (numerator, denominator)
        for p in sp.preorder_traversal(part)
    ) and not isinstance(numerator, sp.Add)


def _nested_fraction(expr: sp.Expr) -> bool:
    """A fraction inside a denominator or numerator: y/(1/y − x), (1 + 1/x)/x."""
    numerator, denominator = sp.fraction(sp.factor_terms(expr))
    return any(
        isinstance(p, sp.Pow) and p.exp.is_Number and p.exp.is_negative
        for part in (numerator, denominator)
        for p in sp.preorder_traversal(part)
    ) and not (denominator == 1 and isinstance(numerator, sp.Add))


def _cancel_pair(
    numerator: sp.Expr, denominator: sp.Expr
) -> tuple[sp.Expr, sp.Expr, tuple[sp.Expr, ...]]:
    """Cancel common factors but keep the denominator factored, as a textbook prints it.
    Also returns the cancelled factors that vary: the result is not valid where they are 0."""
    # sin² + cos² = 1 first, so that (−sin(x) − 1)/(1 + sin(x))² can cancel to −1/(1 + sin(x)).
    numerator = pythagoras(sp.expand(numerator))
    common = sp.gcd(numerator, denominator)
    cancelled: tuple[sp.Expr, ...] = ()
    if common != 1:
        numerator = sp.cancel(numerator / common)
        denominator = sp.cancel(denominator / common)
        # Only a factor gone from the denominator changes where the result is defined.
        cancelled = tuple(
            base
            for base in sp.factor(common).as_powers_dict()
            if base.free_symbols and sp.gcd(denominator, base) == 1
        )
    numerator = min((sp.expand(numerator), sp.factor_terms(sp.expand(numerator))), key=size)
    if not _has_root(denominator):
        # factor() would pull a sign into a root: (1 − x²)^(3/2) -> (−(x + 1)(x − 1))^(3/2).
        denominator = sp.factor(denominator)
    return numerator, denominator, cancelled


def _has_root(expr: sp.Expr) -> bool:
    return any(
        isinstance(p, sp.Pow) and p.exp.is_Rational and not p.exp.is_Integer
        for p in sp.preorder_traversal(expr)
    )


def _condition(factor: sp.Expr) -> sp.Ne:
    """factor ≠ 0, solved for the variable when the factor is linear in one: x − 1 -> x ≠ 1."""
    symbols = list(factor.free_symbols)
    if len(symbols) == 1 and factor.is_polynomial(symbols[0]):
        poly = sp.Poly(factor, symbols[0])
        if poly.degree() == 1:
            a, b = poly.all_coeffs()
            return sp.Ne(symbols[0], -b / a, evaluate=False)
    return sp.Ne(factor, 0, evaluate=False)


def _over(numerator: sp.Expr, denominator: sp.Expr) -> sp.Expr:
    coefficient, rest = sp.factor_terms(numerator).as_coeff_Mul()
    if coefficient.is_negative and not rest.is_Add:
        return -(-numerator / denominator)
    return numerator / denominator


def degree_bound(expr: sp.Expr) -> int:
    """An upper bound on the polynomial degree that expanding ``expr`` could produce."""
    if expr.is_Atom:
        return 0 if expr.is_number else 1
    if isinstance(expr, sp.Function):
        return 1  # a generator for cancel and factor, like a variable
    if isinstance(expr, sp.Pow):
        base_degree = degree_bound(expr.base)
        if expr.exp.is_Integer:
            return base_degree * abs(int(expr.exp))
        return base_degree + degree_bound(expr.exp)
    if isinstance(expr, sp.Mul):
        return sum(degree_bound(a) for a in expr.args)
    if isinstance(expr, sp.Add):
        return max(degree_bound(a) for a in expr.args)
    return max((degree_bound(a) for a in expr.args), default=0)


_RATIOS = (
    (sp.sin, sp.cos, sp.tan),
    (sp.cos, sp.sin, sp.cot),
    (sp.sinh, sp.cosh, sp.tanh),
    (sp.cosh, sp.sinh, sp.coth),
)
_RECIPROCALS = {sp.cos: sp.sec, sp.sin: sp.csc, sp.cosh: sp.sech, sp.sinh: sp.csch}


def _trig_ratios(expr: sp.Expr, *, reciprocals: bool = False) -> sp.Expr:
    """sin(u)^k / cos(u)^k -> tan(u)^k inside each product, and cos/sin -> cot, sinh/cosh ->
    tanh, cosh/sinh -> coth; what is left below then reads as sec, csc, sech or csch:
    sinh(x)/cosh²(x) is tanh(x)·sech(x), as books print d/dx sech x (with ``reciprocals``,
    every 1/cos reads as sec, ratio or not)."""

    def rewrite(mul: sp.Mul) -> sp.Expr:
        powers = mul.as_powers_dict()
        changed = False
        for top, bottom, ratio in _RATIOS:
            for base, k in list(powers.items()):
                if not (isinstance(base, top) and k.is_positive and base in powers):
                    continue
                below = bottom(base.args[0])
                m = -sp.sympify(powers.get(below, 0))
                if not (m.is_positive and k.is_Integer and m.is_Integer):
                    continue
                j = min(k, m)
                powers[base] = k - j
                powers[below] = -(m - j)
                powers[ratio(base.args[0])] = sp.sympify(powers.get(ratio(base.args[0]), 0)) + j
                changed = True
        if not changed and not reciprocals:
            return mul
        for base, k in list(powers.items()):
            if k.is_negative and base.func in _RECIPROCALS:
                del powers[base]
                powers[_RECIPROCALS[base.func](base.args[0])] = -k
        return sp.Mul(*(b**e for b, e in powers.items()))

    return expr.replace(lambda e: isinstance(e, sp.Mul), rewrite)


def pythagoras(expr: sp.Expr) -> sp.Expr:
    """1 − cos²u -> sin²u, 1 − sin²u -> cos²u, 1 + tan²u -> sec²u, 1 − tanh²u -> sech²u."""
    identities = (
        (sp.cos, -1, sp.sin),
        (sp.sin, -1, sp.cos),
        (sp.tan, 1, sp.sec),
        (sp.tanh, -1, sp.sech),
    )

    def rewrite(add: sp.Add) -> sp.Expr:
        add = _sum_of_squares(add)
        if not isinstance(add, sp.Add) or len(add.args) != 2 or sp.Integer(1) not in add.args:
            return add
        (other,) = [a for a in add.args if a != 1]
        for squared, sign, result in identities:
            if other == sign * squared(_arg_of_square(other, squared)) ** 2:
                return result(_arg_of_square(other, squared)) ** 2
        return add

    return expr.replace(lambda e: isinstance(e, sp.Add), rewrite)


def _sum_of_squares(add: sp.Add) -> sp.Expr:
    """c·sin²u + c·cos²u -> c, and c·cosh²u − c·sinh²u -> c, wherever both terms appear."""
    terms = list(add.args)
    for first, second, sign in ((sp.sin, sp.cos, 1), (sp.cosh, sp.sinh, -1)):
        for term in list(terms):
            coefficient, rest = term.as_coeff_Mul()
            if isinstance(rest, sp.Pow) and rest.exp == 2 and isinstance(rest.base, first):
                partner = sign * coefficient * second(rest.base.args[0]) ** 2
                if partner in terms:
                    terms.remove(term)
                    terms.remove(partner)
                    terms.append(coefficient)
    return sp.Add(*terms) if len(terms) != len(add.args) else add


def _arg_of_square(term: sp.Expr, function: type[sp.Function]) -> sp.Expr:
    for atom in term.atoms(function):
        return atom.args[0]
    return sp.nan


# --- machine-learning identities -----------------------------------------------------------------


def _identities(expr: sp.Expr) -> list[sp.Expr]:
    forms: list[sp.Expr] = []
    forms.extend(_sigmoid_forms(expr))
    forms.extend(_exponential_forms(expr))
    for u in {a.args[0] for a in expr.atoms(sp.sech)}:
        # factor_terms keeps 2·(1 − tanh²(2x)) whole rather than 2 − 2·tanh²(2x).
        forms.append(sp.factor_terms(expr.subs(sp.sech(u) ** 2, 1 - sp.tanh(u) ** 2)))
    return forms


def _sigmoid_forms(expr: sp.Expr) -> list[sp.Expr]:
    """Recognise σ(u) = e^u/(1 + e^u) and σ'(u) = e^(-u)/(1 + e^(-u))² in an exp expression."""
    exponentials = expr.atoms(sp.exp)
    if not exponentials or operation_count(expr) > MAX_OPS:
        return []
    forms = []
    t = sp.Dummy("t", positive=True)
    arguments = {
        -e.args[0] if e.args[0].could_extract_minus_sign() else e.args[0] for e in exponentials
    }
    for u in arguments:
        in_t = _exp_as_power(expr, u, t)
        if in_t is None:
            continue
        for shape, ml in (
            (t / (1 + t) ** 2, sigmoid(u) * (1 - sigmoid(u))),
            (t / (1 + t), sigmoid(u)),
        ):
            ratio = _ratio(in_t, shape, t)
            if not ratio.has(t) and not ratio.has(sp.exp):
                forms.append(ratio * ml)
                break
    return forms


def _exponential_forms(expr: sp.Expr) -> list[sp.Expr]:
    """The other way round: c·σ(u)(1 − σ(u)) as c·e^(−u)/(1 + e^(−u))², c·σ(u) as c/(1 + e^(−u))."""
    calls = expr.atoms(sigmoid)
    if len(calls) != 1 or operation_count(expr) > MAX_OPS:
        return []
    (call,) = calls
    minus_u = sp.expand(-call.args[0])  # e^(−2x − 1) in both places, not once e^(−(2x + 1))
    s = sp.Dummy("s")
    in_s = expr.xreplace({call: s})
    for shape, exponential in (
        (s * (1 - s), sp.exp(minus_u) / (1 + sp.exp(minus_u)) ** 2),
        (s, 1 / (1 + sp.exp(minus_u))),
    ):
        ratio = _ratio(in_s, shape, s)
        if not ratio.has(s):
            return [ratio * exponential]
    return []


def _ratio(expr: sp.Expr, shape: sp.Expr, t: sp.Dummy) -> sp.Expr:
    """expr/shape, simplified enough to see whether t is gone. together() usually suffices and
    is much cheaper than cancel(), whose first call sets up SymPy's polynomial machinery."""
    ratio = sp.together(expr / shape)
    return sp.cancel(ratio) if ratio.has(t) else ratio


def _exp_as_power(expr: sp.Expr, u: sp.Expr, t: sp.Dummy) -> sp.Expr | None:
    """expr with every e^(k·u) written t^k, or None if some exponential is not of that kind."""
    mapping = {}
    for e in expr.atoms(sp.exp):
        k = e.args[0] / u
        if not k.is_Rational:
            k = sp.cancel(k)  # e.g. (−2x − 1)/(2x + 1); rarer, and the costly case
        if not k.is_Rational:
            return None
        mapping[e] = t**k
    return expr.xreplace(mapping)
