"""derivation(expr, var) -> Step: work out which rule applies, recursively. Pure.

The dispatcher follows the shape the user typed (the parser keeps it): a quotient is derived by
the quotient rule, a product by the product rule. Each chain rule introduces a fresh u1, u2, ...
numbered through the whole tree, so no letter means two things. A sub-derivation that appears
twice is derived once; the second time is a ReuseRule ("as above").
"""

from __future__ import annotations

from collections.abc import Callable

import sympy as sp
from sympy.core.function import AppliedUndef

from derivtutor.engine import steps as s
from derivtutor.engine.plan import Route, routes
from derivtutor.engine.tidy import operation_count, tidy
from derivtutor.language.functions import relu, sigmoid, softplus
from derivtutor.language.parse import log_base

_ELEMENTARY: dict[type[sp.Basic], Callable[[sp.Expr, sp.Symbol], s.Step]] = {}
for _f in s.TRIG:
    _ELEMENTARY[_f] = s.TrigRule
for _f in s.INVERSE_TRIG:
    _ELEMENTARY[_f] = s.InverseTrigRule
for _f in s.HYPERBOLIC:
    _ELEMENTARY[_f] = s.HyperbolicRule
for _f in s.INVERSE_HYPERBOLIC:
    _ELEMENTARY[_f] = s.InverseHyperbolicRule
_ELEMENTARY.update(
    {
        sp.exp: s.ExpRule,
        sp.log: s.LogRule,
        sp.Abs: s.AbsRule,
        sigmoid: s.SigmoidRule,
        relu: s.ReluRule,
        softplus: s.SoftplusRule,
        sp.sign: s.PiecewiseConstantRule,
        sp.Heaviside: s.PiecewiseConstantRule,
    }
)

# Steps this simple are shown again rather than referenced "as above".
_LEAVES = (s.ConstantRule, s.VariableRule, s.PowerRule)
# How many times one derivation weighs a rewrite against the typed shape (each builds two trees).
_PLANS = 6


def derivation(expr: sp.Expr, var: sp.Symbol, *, planned: bool = True) -> s.Step:
    """The step tree for d(expr)/d(var): by the textbook's route, or (planned=False) by the
    shape that was typed, the route a student who did not rewrite first would take."""
    return _Deriver(expr, planned=planned).derive(expr, var)


class _Deriver:
    """One derivation's state: the substitution counter and the derived sub-expressions."""

    def __init__(self, expr: sp.Expr, *, planned: bool = True) -> None:
        # Prefer a letter the user did not use at all, so that u₁ cannot be read as their u1.
        self._taken = {str(sym) for sym in expr.free_symbols}
        self._letter = next(
            (c for c in ("u", "v", "w", "t") if not any(n.startswith(c) for n in self._taken)),
            "u",
        )
        self._count = 0
        self._seen: dict[tuple[sp.Expr, sp.Symbol], s.Step] = {}
        self._plans = _PLANS
        self._planned = planned

    def derive(self, expr: sp.Expr, var: sp.Symbol) -> s.Step:
        key = (expr, var)
        if key in self._seen:
            return s.ReuseRule(expr, var, original=self._seen[key])
        step = self._dispatch(expr, var)
        if not isinstance(step, _LEAVES):
            self._seen[key] = step
        return step

    def _fresh(self) -> sp.Symbol:
        self._count += 1
        while f"{self._letter}{self._count}" in self._taken:
            self._count += 1
        return s.Substitution(f"{self._letter}{self._count}", real=True)

    def _dispatch(self, expr: sp.Expr, var: sp.Symbol) -> s.Step:
        if self._planned and expr.has(var) and expr != var:
            candidates = routes(expr, var)
            if candidates:
                return self._plan(expr, var, candidates)
        return self._shape(expr, var)

    def _plan(self, expr: sp.Expr, var: sp.Symbol, candidates: list[Route]) -> s.Step:
        """The textbook's route when there is one; else each candidate and the typed shape are
        built, and the cheapest kept (a shorter derivation to a simpler result)."""
        fixed = next((r for r in candidates if r.always), None)
        if fixed is not None:
            return self._route(expr, var, fixed)
        if self._plans <= 0:
            return self._shape(expr, var)
        self._plans -= 1
        start = (self._count, dict(self._seen))
        built = [(self._shape(expr, var), (self._count, self._seen))]
        for route in candidates:
            self._count, self._seen = start[0], dict(start[1])
            built.append((self._route(expr, var, route), (self._count, self._seen)))
        step, (self._count, self._seen) = min(built, key=lambda b: _cost(b[0]))
        return step

    def _route(self, expr: sp.Expr, var: sp.Symbol, route: Route) -> s.Step:
        inner = self.derive(route.rewritten, var)
        if issubclass(route.rule, s.RewriteRule):
            return route.rule(expr, var, rewritten=route.rewritten, inner=inner, **route.params)
        return s.LogProductRule(expr, var, logarithm=route.rewritten, log_step=inner)

    def _shape(self, expr: sp.Expr, var: sp.Symbol) -> s.Step:
        """The rule for the shape that was typed."""
        if not expr.has(var):
            return s.ConstantRule(expr, var)
        if expr == var:
            return s.VariableRule(expr, var)
        if isinstance(expr, AppliedUndef) and expr.args == (var,):
            return s.DependentRule(expr, var)
        if isinstance(expr, sp.Add):
            return s.SumRule(expr, var, terms=tuple(self.derive(t, var) for t in expr.args))
        if isinstance(expr, sp.Mul):
            return self._product(expr, var)
        if isinstance(expr, sp.Pow):
            return self._power(expr, var)
        if isinstance(expr, sp.log) and len(expr.args) == 1 and isinstance(expr.args[0], sp.Abs):
            return self._apply(s.LogAbsRule, expr, var, argument=expr.args[0].args[0])
        rule = _ELEMENTARY.get(expr.func)
        if rule is not None and (len(expr.args) == 1 or expr.func is sp.Heaviside):
            return self._apply(rule, expr, var)
        return s.UnknownRule(expr, var)

    def _apply(
        self, rule: Callable[..., s.Step], expr: sp.Expr, var: sp.Symbol, **params: sp.Expr
    ) -> s.Step:
        """rule(var) directly, or through the chain rule when the argument is not var itself."""
        arg = params.pop("argument", expr.args[0])
        if arg == var:
            return rule(expr, var, **params)
        return self._substitute(expr, arg, var, lambda outer, u: rule(outer, u, **params))

    def _chain(self, expr: sp.Expr, inner: sp.Expr, var: sp.Symbol) -> s.Step:
        """The chain rule for outer(inner), where the outer function's step comes from dispatch."""
        return self._substitute(expr, inner, var, self._dispatch)

    def _substitute(
        self,
        expr: sp.Expr,
        inner: sp.Expr,
        var: sp.Symbol,
        outer_rule: Callable[[sp.Expr, sp.Symbol], s.Step],
    ) -> s.Step:
        """The chain rule with a fresh u for inner: outer_rule derives the outer part in u."""
        u = self._fresh()
        return s.ChainRule(
            expr,
            var,
            u=u,
            inner=inner,
            outer_step=outer_rule(expr.xreplace({inner: u}), u),
            inner_step=self.derive(inner, var),
        )

    def _product(self, expr: sp.Mul, var: sp.Symbol) -> s.Step:
        log_base_parts = log_base(expr)
        if log_base_parts is not None:
            argument, base = log_base_parts
            if not base.has(var):
                return self._apply(s.LogBaseRule, expr, var, argument=argument, base=base)
            # A varying base has no table entry: change of base, then the quotient rule.
            # (The factors are swapped so that the rewritten form reads as a plain quotient.)
            rewritten = sp.Mul(expr.args[1], expr.args[0], evaluate=False)
            return s.RewriteRule(
                expr, var, rewritten=rewritten, inner=self._dispatch(rewritten, var)
            )
        factors = _factors(expr)
        constants = _constants([f for f in factors if not f.has(var)])
        varying = [f for f in factors if f.has(var)]
        below = [f for f in varying if _is_denominator(f)]
        reciprocal = _reciprocal_power(below, var) if len(varying) == 1 else None
        if reciprocal is not None:
            # c/(k·xⁿ) is (c/k)·x⁻ⁿ: the power rule is the textbook route, not the quotient rule.
            divisor, power = reciprocal
            constant = sp.Mul(*constants) / divisor
            if below[0].base == var and below[0].exp != -1:
                # Typed as x⁻ⁿ already (1/x is x⁻¹ to the parser, so n = 1 is a division).
                if constant == 1:
                    return self.derive(power, var)
                return s.ConstantMultipleRule(
                    expr, var, constant=constant, inner=self.derive(power, var)
                )
            if constant == 1:
                return s.PowerFormRule(expr, var, rewritten=power, inner=self.derive(power, var))
            rewritten = sp.Mul(constant, power, evaluate=False)
            inner = s.ConstantMultipleRule(
                rewritten, var, constant=constant, inner=self.derive(power, var)
            )
            return s.PowerFormRule(expr, var, rewritten=rewritten, inner=inner)
        if len(varying) == 1 and below:
            # c/uⁿ is c·u⁻ⁿ: the power rule through the chain rule, not the quotient rule.
            power = _power_form(below[0])
            constant = _mul(constants)
            if constant == 1:
                return s.PowerFormRule(expr, var, rewritten=power, inner=self.derive(power, var))
            if below[0].exp != -1:  # typed as c·u⁻ⁿ already
                return s.ConstantMultipleRule(
                    expr, var, constant=constant, inner=self.derive(power, var)
                )
            rewritten = sp.Mul(constant, power, evaluate=False)
            inner = s.ConstantMultipleRule(
                rewritten, var, constant=constant, inner=self.derive(power, var)
            )
            return s.PowerFormRule(expr, var, rewritten=rewritten, inner=inner)
        if below:
            above = [*constants, *(f for f in varying if not _is_denominator(f))]
            numerator = _mul(above)
            denominator = _mul([_reciprocal(f) for f in below])
            return s.QuotientRule(
                expr,
                var,
                numerator=numerator,
                denominator=denominator,
                numerator_step=self.derive(numerator, var),
                denominator_step=self.derive(denominator, var),
            )
        if constants:
            constant = _mul(constants)
            rest = _mul(varying)
            return s.ConstantMultipleRule(
                expr, var, constant=constant, inner=self.derive(rest, var)
            )
        return s.ProductRule(
            expr,
            var,
            factors=tuple(varying),
            parts=tuple(self.derive(f, var) for f in varying),
        )

    def _power(self, expr: sp.Pow, var: sp.Symbol) -> s.Step:
        base, exponent = expr.args
        if not exponent.has(var):
            if base == var:
                return s.PowerRule(expr, var, exponent=exponent)
            return self._chain(expr, base, var)
        if not base.has(var):
            if base == sp.E:
                return self._apply(s.ExpRule, sp.exp(exponent, evaluate=False), var)
            if exponent == var:
                return s.ExponentialRule(expr, var, base=base)
            return self._chain(expr, exponent, var)
        log_form = sp.Mul(exponent, sp.log(base, evaluate=False), evaluate=False)
        return s.LogDifferentiationRule(
            expr,
            var,
            base=base,
            exponent=exponent,
            log_step=self.derive(log_form, var),
        )


def _factors(expr: sp.Mul) -> list[sp.Expr]:
    """The factors of a product, a negated product's own factors included: −2x³ is −1·2·x³."""
    out: list[sp.Expr] = []
    for f in expr.args:
        nested = isinstance(f, sp.Mul) and any(a.is_Number for a in f.args)
        out.extend(f.args if nested else [f])
    return out


def _constants(constants: list[sp.Expr]) -> list[sp.Expr]:
    """The numbers multiplied into one (−1·2 is −2), the symbolic constants kept as typed."""
    numbers = [c for c in constants if c.is_Number]
    others = [c for c in constants if not c.is_Number]
    if len(numbers) < 2:
        return constants
    number = sp.Mul(*numbers)
    return others if number == 1 else [number, *others]


def _cost(step: s.Step) -> int:
    """How much a derivation asks of its reader: its lines, and the size of its result."""
    lines = sum(1 for n in step.walk() if not isinstance(n, (s.ConstantRule, s.VariableRule)))
    return lines + operation_count(tidy(step.eval()).derivative)


def _power_form(denominator: sp.Pow) -> sp.Expr:
    """1/uⁿ as u⁻ⁿ: (sinh² x)⁻¹ is sinh(x)⁻²."""
    base, exponent = denominator.args
    if exponent == -1 and isinstance(base, sp.Pow) and base.exp.is_Number:
        return sp.Pow(base.base, -base.exp, evaluate=False)
    return sp.Pow(base, exponent, evaluate=False)


def _reciprocal_power(below: list[sp.Expr], var: sp.Symbol) -> tuple[sp.Expr, sp.Expr] | None:
    """(k, x⁻ⁿ) when the only varying factor is 1/(k·xⁿ) with k constant, else None."""
    if len(below) != 1:
        return None
    base = _reciprocal(below[0])
    factors = base.args if isinstance(base, sp.Mul) else (base,)
    divisor = sp.Mul(*(f for f in factors if not f.has(var)))
    varying = [f for f in factors if f.has(var)]
    if len(varying) != 1:
        return None
    (power,) = varying
    if power == var:
        return divisor, sp.Pow(var, -1, evaluate=False)
    if isinstance(power, sp.Pow) and power.base == var and not power.exp.has(var):
        return divisor, sp.Pow(var, -power.exp, evaluate=False)
    return None


def _is_denominator(factor: sp.Expr) -> bool:
    return isinstance(factor, sp.Pow) and factor.exp.is_Number and bool(factor.exp.is_negative)


def _reciprocal(factor: sp.Pow) -> sp.Expr:
    base, exponent = factor.args
    if exponent == -1:
        return base
    return sp.Pow(base, -exponent, evaluate=False)


def _mul(factors: list[sp.Expr]) -> sp.Expr:
    if not factors:
        return sp.Integer(1)
    if len(factors) == 1:
        return factors[0]
    return sp.Mul(*factors, evaluate=False)
