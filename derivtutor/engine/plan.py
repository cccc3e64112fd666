"""The method a teacher would choose: ways to write f before differentiating it. Pure.

``derive`` follows the shape that was typed. A teacher first rewrites when that makes the work
simpler: ln(x²·sin x/(2x + 1)) by the log laws, (x⁵ − 2x³ + x²)/x² divided out, a product of
many powers by logarithmic differentiation, (eˣ − e⁻ˣ)/(eˣ + e⁻ˣ) seen to be tanh x. Each
function here proposes one such route, or None; ``derive`` builds the tree both ways and keeps
the one with the shorter derivation and the simpler result.

Every route's rewritten form equals the original wherever the original is defined (the log
laws use |·| for that), so the rewrite is itself a true line, checked like every other node.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sympy as sp

from derivtutor.engine import steps as s

# Polynomials this short are worth multiplying out before differentiating.
_SHORT_DEGREE = 2
_SHORT_TERMS = 3
# A known function is looked for only in expressions this small.
_KNOWN_OPS = 24
# Products with this many varying powers are a case for logarithmic differentiation.
_MANY_FACTORS = 3


@dataclass(frozen=True)
class Route:
    """Differentiate ``rewritten`` instead, by ``rule`` (a RewriteRule kind, or LogProductRule).
    ``always``: the route is the textbook's method, not a candidate to be weighed."""

    rule: type[s.RewriteRule] | type[s.LogProductRule]
    rewritten: sp.Expr
    always: bool = False
    params: dict[str, str] = field(default_factory=dict)


def routes(expr: sp.Expr, var: sp.Symbol) -> list[Route]:
    """The rewrites worth trying on ``expr`` before differentiating it."""
    found = [
        _known_function(expr, var),
        _log_laws(expr, var),
        _combined_powers(expr, var),
        _divided_out(expr, var),
        _expanded(expr, var),
        _log_product(expr, var),
    ]
    return [r for r in found if r is not None]


# --- log laws --------------------------------------------------------------------------------


def _log_laws(expr: sp.Expr, var: sp.Symbol) -> Route | None:
    """ln(a·b/c) = ln|a| + ln|b| − ln|c|, ln uⁿ = n·ln|u|, ln √u = ½·ln u, ln(eᵘ) = u."""
    if not (isinstance(expr, sp.log) and len(expr.args) == 1):
        return None
    (argument,) = expr.args
    varying = [f for f in factors(argument) if f.has(var)]
    # ln(2x) and ln(sin x) are the chain rule's own examples: a law must change the work.
    if len(varying) == 1 and not isinstance(varying[0], (sp.Pow, sp.exp)):
        return None
    terms = _log_terms(argument, var)
    if terms is None or len(terms) == 1 and terms[0] == expr:
        return None
    return Route(s.LogLawsRule, _sum(terms), always=True)


def factors(product: sp.Expr) -> list[sp.Expr]:
    """The factors of a product as typed, nested products and powers of products opened:
    x²·sin(x)/(2x + 1) is [x², sin(x), (2x + 1)⁻¹], −2x³ is [−1, 2, x³]."""
    if isinstance(product, sp.Mul):
        return [f for arg in product.args for f in factors(arg)]
    if isinstance(product, sp.Pow) and isinstance(product.base, sp.Mul):
        if product.exp.is_Integer:
            return [_power(f, product.exp) for f in factors(product.base)]
    if isinstance(product, sp.Pow) and isinstance(product.base, sp.Pow):
        if product.exp.is_Integer and product.base.exp.is_Number:
            return [sp.Pow(product.base.base, product.base.exp * product.exp, evaluate=False)]
    return [product]


def _power(f: sp.Expr, k: sp.Expr) -> sp.Expr:
    if isinstance(f, sp.Pow) and f.exp.is_Number:
        return sp.Pow(f.base, f.exp * k, evaluate=False)
    return f**k if f.is_Number else sp.Pow(f, k, evaluate=False)


def _log_terms(argument: sp.Expr, var: sp.Symbol) -> list[sp.Expr] | None:
    terms: list[sp.Expr] = []
    constants = [f for f in factors(argument) if not f.has(var)]
    constant = sp.Mul(*constants)
    if constant != 1:
        if not constant.is_number or constant.is_zero:
            return None
        terms.append(sp.log(abs(constant)))  # ln|c|, a constant
    for factor in factors(argument):
        if not factor.has(var):
            continue
        base, k = factor, sp.Integer(1)
        if isinstance(factor, sp.Pow) and not factor.exp.has(var):
            base, k = factor.base, factor.exp
        if isinstance(base, sp.exp):
            terms.append(_times(k, base.args[0]))  # ln(eᵘ) = u
            continue
        if isinstance(base, sp.Pow) and not base.base.has(var):
            # ln(aᵘ) = u·ln a, for a constant a > 0
            if not base.base.is_positive:
                return None
            terms.append(_times(k, sp.Mul(base.exp, sp.log(base.base), evaluate=False)))
            continue
        if isinstance(base, sp.Pow) and base.exp.is_Rational:
            base, k = base.base, k * base.exp
        # A root needs its base ≥ 0 anyway, so only a whole power or a plain factor needs |·|.
        positive = bool(base.is_positive) or not k.is_integer
        terms.append(_times(k, sp.log(base if positive else sp.Abs(base))))
    return terms


# --- combined and divided powers, expanded products ------------------------------


def _var_power(factor: sp.Expr, var: sp.Symbol) -> sp.Expr | None:
    """k when factor is var^k with k a number (√x is x^(1/2)), else None."""
    if factor == var:
        return sp.Integer(1)
    if isinstance(factor, sp.Pow) and factor.exp.is_Rational:
        inner = _var_power(factor.base, var)  # (x²)⁻¹, as 1/x² is read, is x⁻²
        return None if inner is None else inner * factor.exp
    return None


def _combined_powers(expr: sp.Expr, var: sp.Symbol) -> Route | None:
    """√x·x = x^(3/2), x²/√x = x^(3/2): powers of the variable written as one power."""
    if not isinstance(expr, sp.Mul):
        return None
    powers = [_var_power(f, var) for f in expr.args if f.has(var)]
    if len(powers) < 2 or any(k is None for k in powers):
        return None
    exponent = sp.Add(*powers)
    constant = sp.Mul(*(f for f in expr.args if not f.has(var)))
    power = sp.Pow(var, exponent, evaluate=False) if exponent != 1 else var
    if exponent == 0:
        return None
    rewritten = power if constant == 1 else sp.Mul(constant, power, evaluate=False)
    return Route(s.SimplifyFirstRule, rewritten, always=True, params={"how": "combine_powers"})


def _divided_out(expr: sp.Expr, var: sp.Symbol) -> Route | None:
    """(x⁵ − 2x³ + x²)/x² = x³ − 2x + 1, (2y + 1/y)·y³ = 2y⁴ + y²: a sum of powers of the
    variable divided by, or multiplied by, a power of it, term by term."""
    if not isinstance(expr, sp.Mul):
        return None
    varying = [f for f in expr.args if f.has(var)]
    sums = [f for f in varying if isinstance(f, sp.Add)]
    others = [f for f in varying if not isinstance(f, sp.Add)]
    if len(sums) != 1 or not others:
        return None
    divisor = [_var_power(f, var) for f in others]
    if any(k is None for k in divisor):
        return None
    k = sp.Add(*divisor)
    if k == 0:
        return None
    constant = sp.Mul(*(f for f in expr.args if not f.has(var)))
    terms = []
    for term in sp.Add.make_args(sums[0]):
        coefficient, rest = sp.Mul(*factors(term)).as_independent(var, as_Add=False)
        power = _var_power(rest, var) if rest != 1 else sp.Integer(0)
        if power is None:
            return None
        exponent = power + k
        part = sp.Integer(1) if exponent == 0 else var if exponent == 1 else var**exponent
        terms.append(_times(constant * coefficient, part))
    how = "divide" if k.is_negative else "expand"
    return Route(s.SimplifyFirstRule, _sum(terms), always=True, params={"how": how})


def _expanded(expr: sp.Expr, var: sp.Symbol) -> Route | None:
    """(x + 1)(x − 1) = x² − 1: a product of two short polynomials, multiplied out."""
    if not isinstance(expr, sp.Mul):
        return None
    varying = [f for f in expr.args if f.has(var)]
    if len(varying) != 2 or not all(_short_polynomial(f, var) for f in varying):
        return None
    if not any(isinstance(f, sp.Add) for f in varying):
        return None
    expanded = sp.expand(expr)
    if len(sp.Add.make_args(expanded)) > _SHORT_TERMS + 1:
        return None
    return Route(s.SimplifyFirstRule, _ordered(expanded, var), params={"how": "expand"})


def _short_polynomial(f: sp.Expr, var: sp.Symbol) -> bool:
    # Evaluated first: Poly refuses a power of a power as typed, ((w)^2)^2.
    f = f.doit()
    if not f.is_polynomial(var) or not all(c.is_number for c in sp.Poly(f, var).coeffs()):
        return False
    return bool(
        sp.degree(f, var) <= _SHORT_DEGREE and len(sp.Add.make_args(sp.expand(f))) <= _SHORT_TERMS
    )


# --- logarithmic differentiation of a product ------------------------------------------------


def _log_product(expr: sp.Expr, var: sp.Symbol) -> Route | None:
    """(x + 1)(x² + 1)²(x³ + 1)³: ln|y| = ln|x + 1| + 2·ln(x² + 1) + 3·ln|x³ + 1|.

    The textbook's method for a product or quotient of three or more algebraic factors, two
    of them powers: the n-factor product rule would bury the point in bookkeeping."""
    outer = sp.Integer(1)
    if isinstance(expr, sp.Pow) and isinstance(expr.base, sp.Mul) and expr.exp.is_Rational:
        # ((x⁴ + 12)(x⁴ − x² + 2)/x³)^(1/4): ln|y| = ¼·(ln(x⁴ + 12) + ⋯ − 3·ln|x|).
        outer, expr = expr.exp, expr.base
        if len([f for f in factors(expr) if f.has(var)]) < _MANY_FACTORS:
            return None
    elif not isinstance(expr, sp.Mul):
        return None
    varying = [f for f in factors(expr) if f.has(var)]
    powers = [f for f in varying if isinstance(f, sp.Pow) and f.exp != -1]
    if len(varying) < _MANY_FACTORS or (len(powers) < 2 and outer == 1):
        return None
    if not all(_algebraic(f, var) for f in varying):
        return None
    terms = _log_terms(sp.Mul(*varying, evaluate=False), var)
    if terms is None:
        return None
    constant = sp.Mul(*(f for f in factors(expr) if not f.has(var)))
    if constant != 1:
        # 2x²(x + 1)²: ln|y| = ln(2) + 2·ln|x| + ⋯. The constant's logarithm differentiates
        # to 0, but without it the equation of logarithms is false.
        terms = [sp.log(sp.Abs(constant)), *terms]
    if outer != 1:
        terms = [_scaled(outer, term) for term in terms]
    return Route(s.LogProductRule, _sum(terms), always=True)


def _scaled(k: sp.Expr, term: sp.Expr) -> sp.Expr:
    """k·(c·ln u) as (k·c)·ln u."""
    if isinstance(term, sp.Mul) and term.args[0].is_Number:
        return _times(k * term.args[0], sp.Mul(*term.args[1:], evaluate=False))
    return _times(k, term)


def _algebraic(f: sp.Expr, var: sp.Symbol) -> bool:
    """A power (any rational exponent) of a polynomial in var."""
    if isinstance(f, sp.Pow):
        return bool(f.exp.is_Rational) and _algebraic(f.base, var)
    return bool(f.is_polynomial(var))


# --- known functions written out -------------------------------------------------------------

_KNOWN = (sp.tanh, sp.coth, sp.sinh, sp.cosh, sp.sech, sp.csch)


def _known_function(expr: sp.Expr, var: sp.Symbol) -> Route | None:
    """(eˣ − e⁻ˣ)/(eˣ + e⁻ˣ) is tanh x, 2/(eˣ + e⁻ˣ) is sech x, and so on."""
    exponentials = expr.atoms(sp.exp)
    if len(exponentials) < 2 or sp.count_ops(expr) > _KNOWN_OPS:
        return None
    arguments = {e.args[0] for e in exponentials}
    u = next((a for a in arguments if -a in arguments and not a.could_extract_minus_sign()), None)
    if u is None or not u.has(var) or arguments != {u, -u}:
        return None
    value = expr.doit()
    for function in _KNOWN:
        written_out = function(u).rewrite(sp.exp)
        if sp.cancel(sp.together(value - written_out)) == 0:
            return Route(s.KnownFunctionRule, function(u), always=True)
    return None


# --- building the rewritten forms, in the order they were written ----------------------------


def _times(k: sp.Expr, term: sp.Expr) -> sp.Expr:
    if term == 1:
        return k
    if k == 1:
        return term
    if k == -1:
        return sp.Mul(-1, term, evaluate=False)
    return sp.Mul(k, term, evaluate=False)


def _sum(terms: list[sp.Expr]) -> sp.Expr:
    terms = [t for t in terms if t != 0]
    if not terms:
        return sp.Integer(0)
    return terms[0] if len(terms) == 1 else sp.Add(*terms, evaluate=False)


def _ordered(polynomial: sp.Expr, var: sp.Symbol) -> sp.Expr:
    """Highest power first, as a book writes x² − 1."""
    poly = sp.Poly(polynomial, var)
    terms = [c * var**m for (m,), c in zip(poly.monoms(), poly.coeffs(), strict=True)]
    return _sum(terms)
