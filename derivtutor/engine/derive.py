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


def derivation(expr: sp.Expr, var: sp.Symbol) -> s.Step:
    """The step tree for d(expr)/d(var)."""
    return _Deriver(expr).derive(expr, var)


class _Deriver:
    """One derivation's state: the substitution counter and the derived sub-expressions."""

    def __init__(self, expr: sp.Expr) -> None:
        # Prefer a letter the user did not use at all, so that u₁ cannot be read as their u1.
        self._taken = {str(sym) for sym in expr.free_symbols}
        self._letter = next(
            (c for c in ("u", "v", "w", "t") if not any(n.startswith(c) for n in self._taken)),
            "u",
        )
        self._count = 0
        self._seen: dict[tuple[sp.Expr, sp.Symbol], s.Step] = {}

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
        constants = [f for f in expr.args if not f.has(var)]
        varying = [f for f in expr.args if f.has(var)]
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
                return s.RewriteRule(expr, var, rewritten=power, inner=self.derive(power, var))
            rewritten = sp.Mul(constant, power, evaluate=False)
            inner = s.ConstantMultipleRule(
                rewritten, var, constant=constant, inner=self.derive(power, var)
            )
            return s.RewriteRule(expr, var, rewritten=rewritten, inner=inner)
        if below:
            above = [f for f in expr.args if not _is_denominator(f) or not f.has(var)]
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
