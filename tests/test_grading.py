"""grading.check: every correct form of a derivative is accepted; every wrong answer is rejected
with a witness point where both sides are evaluated independently (by SymPy, at 30 digits);
too few valid points give "undecided"; bad input is an error, never a verdict."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
import sympy as sp
from contracts import CHECK_KEYS, WITNESS_KEYS

from derivtutor.errors import InputError, UsageError
from derivtutor.grading.verdict import CORRECT, INCORRECT, UNDECIDED, Verdict, check
from derivtutor.language.functions import relu, sigmoid, softplus
from derivtutor.language.inputs import parse_domain
from derivtutor.language.parse import parse, variable

x = variable("x")


def _case(function: str, answer: str, wrt: str | None = None, domain: str | None = None) -> Any:
    options = "".join(f" [{k}={v}]" for k, v in (("wrt", wrt), ("domain", domain)) if v)
    return pytest.param(function, answer, wrt, domain, id=f"{function} -> {answer}{options}")


def _real_odd_roots(expr: sp.Expr) -> sp.Expr:
    """b^(p/q), q odd, read as a real number for b < 0 (as students mean x^(1/3)); written
    here independently of derivtutor.engine.numeric, which is under test."""

    def odd_root(e: sp.Basic) -> bool:
        return (
            isinstance(e, sp.Pow)
            and e.exp.is_Rational
            and not e.exp.is_Integer
            and e.exp.q % 2 == 1
        )

    return expr.replace(
        odd_root,
        lambda e: sp.sign(e.base) ** e.exp.p * sp.Abs(e.base) ** e.exp,
    )


def _reference(expr: sp.Expr, point: dict[sp.Symbol, float]) -> float | None:
    """expr at point, by SymPy at 30 digits; None where it is not a finite real number."""
    exact = {v: sp.Rational(str(value)) for v, value in point.items()}
    value = sp.N(_real_odd_roots(expr).xreplace(exact), 30)
    if not value.is_number or value.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
        return None
    re, im = (float(part) for part in value.as_real_imag())
    if not math.isfinite(re) or abs(im) > 1e-20 * max(1.0, abs(re)):
        return None
    return re


def assert_true_witness(verdict: Verdict, function: str, answer: str) -> None:
    """The witness point is real, the derivative there is `expected`, the answer there `got`."""
    w = verdict.witness
    assert w is not None
    derivative = sp.diff(parse(function).doit(), verdict.variable)
    expected = _reference(derivative, w.point)
    assert expected is not None
    assert w.expected == pytest.approx(expected, rel=1e-9, abs=1e-12)
    got = _reference(parse(answer).doit(), w.point)
    if w.got is None:
        assert got is None, f"the answer is {got} at {w.point}, not undefined"
    else:
        assert got is not None
        assert w.got == pytest.approx(got, rel=1e-9, abs=1e-12)
        assert not math.isclose(w.got, w.expected, rel_tol=1e-6, abs_tol=1e-10)


# --- correct answers, in another form than the engine's --------------------------------------

CORRECT_FORMS = [
    _case("x^2", "2x"),
    _case("x^2", "x + x"),
    _case("x^3", "3 x x"),
    _case("x^3 - 2x", "3x^2 - 2"),
    _case("(x+1)^2", "2x + 2"),
    _case("(x+1)^2", "2(x+1)"),
    _case("(x+1)^3", "3(x^2 + 2x + 1)"),
    _case("(2x+1)^3", "6(2x+1)^2"),
    _case("(2x+1)^3", "24x^2 + 24x + 6"),
    _case("(x^2+1)^2", "4x^3 + 4x"),
    _case("(x^2+1)^2", "4x(x^2+1)"),
    _case("(x-1)(x+1)", "2x"),
    _case("(x-1)(x+2)(x+3)", "3x^2 + 8x + 1"),
    _case("x^2 (x+1)", "3x^2 + 2x"),
    _case("x^2 (x+1)", "x(3x+2)"),
    _case("(x^2-1)/(x-1)", "1"),
    _case("x/(x+1)", "1/(x+1)^2"),
    _case("x/(x+1)", "((x+1) - x)/(x+1)^2"),
    _case("(x^2+1)/(x-1)", "(x^2 - 2x - 1)/(x-1)^2"),
    _case("(x^2+1)/(x-1)", "(2x(x-1) - (x^2+1))/(x-1)^2"),
    _case("(x^2+1)/(x-1)", "1 - 2/(x-1)^2"),
    _case("1/x", "-1/x^2"),
    _case("1/x", "-x^(-2)"),
    _case("1/x^2", "-2/x^3"),
    _case("1/(x^2+1)", "-2x/(x^2+1)^2"),
    _case("1/(1+x)^2", "-2/(1+x)^3"),
    _case("x + 1/x", "(x^2 - 1)/x^2"),
    _case("x + 1/x", "1 - 1/x^2"),
    _case("1/x + 1/(x+1)", "-1/x^2 - 1/(x+1)^2"),
    _case("1/x + 1/(x+1)", "-((x+1)^2 + x^2)/(x^2 (x+1)^2)"),
    _case("sqrt(x)", "1/(2 sqrt(x))"),
    _case("sqrt(x)", "(1/2) x^(-1/2)"),
    _case("sqrt(x)", "sqrt(x)/(2x)"),
    _case("sqrt(x^2+1)", "x/sqrt(x^2+1)"),
    _case("sqrt(x^2+1)", "x (x^2+1)^(-1/2)"),
    _case("sqrt(1-x^2)", "-x/sqrt(1-x^2)"),
    _case("x sqrt(x)", "(3/2) sqrt(x)"),
    _case("x^(3/2)", "1.5 x^0.5"),
    _case("x^(1/3)", "1/(3 x^(2/3))"),
    _case("x^(1/3)", "(1/3) x^(-2/3)", domain="-3:-1"),
    _case("x^(5/3)", "(5/3)*x^(2/3)"),
    _case("x^(5/3)", "(5/3)*x^(2/3)", domain="-3:-1"),
    _case("x^(5/3)", "5 x^(2/3) / 3", domain="-3:3"),
    _case("x^(2/3)", "2/(3 x^(1/3))"),
    _case("x^(2/3)", "(2/3) x^(-1/3)", domain="-3:-1"),
    _case("(x^2-4)^(1/3)", "2x/(3 (x^2-4)^(2/3))"),
    _case("x^(7/5)", "1.4 x^(2/5)"),
    _case("x^(-1/3)", "-1/(3 x^(4/3))"),
    _case("x^(-1/3)", "-(1/3) x^(-4/3)", domain="-3:-1"),
    _case("exp(x)", "e^x"),
    _case("exp(2x)", "2e^(2x)"),
    _case("exp(2x)", "2 exp(x)^2"),
    _case("exp(x^2)", "2x e^(x^2)"),
    _case("exp(x+1)", "e e^x"),
    _case("e^(-x)", "-1/e^x"),
    _case("e^(-x)", "-exp(-x)"),
    _case("x e^x", "e^x (x+1)"),
    _case("x e^x", "x e^x + e^x"),
    _case("x^2 e^(-x)", "x (2 - x) e^(-x)"),
    _case("x^2 e^(-x)", "(2x - x^2)/e^x"),
    _case("2^x", "2^x ln(2)"),
    _case("2^x", "ln(2) exp(x ln(2))"),
    _case("10^x", "10^x log(10)"),
    _case("2^(x^2)", "2x*ln(2)*2^(x^2)"),
    _case("3^(2x)", "2*9^x*ln(3)"),
    _case("1/(1+exp(-x))", "sigmoid(x)(1-sigmoid(x))"),
    _case("1/(1+exp(-x))", "e^(-x)/(1+e^(-x))^2"),
    _case("1/(1+exp(-x))", "exp(x)/(1+exp(x))^2"),
    _case("1/(1+exp(-x))", "1/(1+exp(-x)) - 1/(1+exp(-x))^2"),
    _case("1/(1+exp(-x))", "σ(x) (1 - σ(x))"),
    _case("sigmoid(x)", "sigmoid(x)(1-sigmoid(x))"),
    _case("sigmoid(x)", "e^(-x)/(1+e^(-x))^2"),
    _case("sigmoid(x)", "1/(2 + e^x + e^(-x))"),
    _case("sigmoid(x)", "1/(4 cosh(x/2)^2)"),
    _case("sigmoid(2x)", "2 sigmoid(2x)(1 - sigmoid(2x))"),
    _case("sigmoid(x^2)", "2x sigmoid(x^2) (1 - sigmoid(x^2))"),
    _case("softplus(x)", "sigmoid(x)"),
    _case("softplus(x)", "1/(1+e^(-x))"),
    _case("softplus(x)", "e^x/(1+e^x)"),
    _case("log(1+exp(x))", "sigmoid(x)"),
    _case("relu(x)", "heaviside(x)"),
    _case("relu(x)", "(sign(x) + 1)/2"),
    _case("relu(x)", "(1 + abs(x)/x)/2"),
    _case("relu(2x)", "2 heaviside(x)"),
    _case("relu(x) + x", "heaviside(x) + 1"),
    _case("x relu(x)", "relu(x) + x heaviside(x)"),
    _case("x relu(x)", "2 relu(x)"),
    _case("abs(x)", "sign(x)"),
    _case("abs(x)", "x/abs(x)"),
    _case("abs(x)", "abs(x)/x"),
    _case("|x|", "|x|/x"),
    _case("abs(x^2-1)", "2x sign(x^2-1)"),
    _case("abs(x^2-1)", "2x (x^2-1)/abs(x^2-1)"),
    _case("x abs(x)", "2 abs(x)"),
    _case("abs(x)^2", "2x"),
    _case("sign(x)", "0"),
    _case("heaviside(x)", "0"),
    _case("x sign(x)", "sign(x)"),
    _case("tanh(x)", "sech(x)^2"),
    _case("tanh(x)", "1 - tanh(x)^2"),
    _case("tanh(x)", "1/cosh(x)^2"),
    _case("tanh(x)", "4/(e^x + e^(-x))^2"),
    _case("tanh(2x)", "2 - 2 tanh(2x)^2"),
    _case("tanh(x^2)", "2x sech(x^2)^2"),
    _case("sinh(x)", "cosh(x)"),
    _case("sinh(x)", "(e^x + e^(-x))/2"),
    _case("cosh(x)", "(e^x - e^(-x))/2"),
    _case("cosh(x)^2", "sinh(2x)"),
    _case("sinh(x) cosh(x)", "cosh(2x)"),
    _case("sinh(x) cosh(x)", "cosh(x)^2 + sinh(x)^2"),
    _case("sinh(x) cosh(x)", "1 + 2 sinh(x)^2"),
    _case("sech(x)", "-sech(x) tanh(x)"),
    _case("sech(x)", "-sinh(x)/cosh(x)^2"),
    _case("coth(x)", "1 - coth(x)^2", domain="0.5:3"),
    _case("coth(x)", "-1/sinh(x)^2", domain="0.5:3"),
    _case("asinh(x)", "1/sqrt(x^2+1)"),
    _case("acosh(x)", "1/sqrt(x^2-1)", domain="1.5:4"),
    _case("atanh(x)", "1/(1-x^2)", domain="-0.9:0.9"),
    _case("atanh(x)", "-1/((x-1)(x+1))", domain="-0.9:0.9"),
    _case("log(x)", "1/x"),
    _case("log(x)", "x^(-1)"),
    _case("ln(x)", "1/x"),
    _case("ln(2x)", "1/x"),
    _case("ln(x^2)", "2/x"),
    _case("ln(x^2)", "2/x", domain="-3:-1"),
    _case("ln(x^2+1)", "2x/(x^2+1)"),
    _case("ln(x^3)", "3/x"),
    _case("ln(x) + ln(x+1)", "(2x+1)/(x(x+1))"),
    _case("ln(x(x+1))", "1/x + 1/(x+1)"),
    _case("ln((x+1)/(x+2))", "1/(x+1) - 1/(x+2)"),
    _case("ln((x+1)/(x+2))", "1/((x+1)(x+2))"),
    _case("ln(sqrt(x))", "1/(2x)"),
    _case("ln(e^x)", "1"),
    _case("ln(exp(x^2))", "2x"),
    _case("log(x, 10)", "1/(x ln(10))"),
    _case("log(x, 2)", "1/(x log(2))"),
    _case("log(x^2, 10)", "2/(x ln(10))"),
    _case("x ln(x)", "ln(x) + 1"),
    _case("x ln(x)", "ln(e x)"),
    _case("x ln(x) - x", "ln(x)"),
    _case("ln(ln(x))", "1/(x ln(x))", domain="1.5:4"),
    _case("ln(cos(x))", "-tan(x)", domain="-1:1"),
    _case("ln(sin(x))", "cot(x)", domain="0.2:3"),
    _case("ln(sin(x))", "cos(x)/sin(x)", domain="0.2:3"),
    _case("ln(abs(x))", "1/x"),
    _case("x^x", "x^x (ln(x) + 1)"),
    _case("x^x", "e^(x ln(x)) (ln(x) + 1)"),
    _case("x^x", "x^x ln(e x)"),
    _case("x^x", "x^x + x^x ln(x)"),
    _case("x^(2x)", "2 x^(2x) (ln(x) + 1)"),
    _case("x^sin(x)", "x^sin(x) (cos(x) ln(x) + sin(x)/x)"),
    _case("(x^2+1)^x", "(x^2+1)^x (ln(x^2+1) + 2x^2/(x^2+1))"),
    _case("sin(x)", "cos(x)"),
    _case("sin(x)", "sin(x + pi/2)"),
    _case("cos(x)", "-sin(x)"),
    _case("cos(x)", "cos(x + pi/2)"),
    _case("sin(x)^2", "2 sin(x) cos(x)"),
    _case("sin(x)^2", "sin(2x)"),
    _case("sin^2(x)", "sin(2x)"),
    _case("cos(x)^2", "-sin(2x)"),
    _case("sin(x)^2 + cos(x)^2", "0"),
    _case("sin(x) cos(x)", "cos(2x)"),
    _case("sin(x) cos(x)", "cos(x)^2 - sin(x)^2"),
    _case("sin(x) cos(x)", "1 - 2 sin(x)^2"),
    _case("sin(2x)", "2 cos(2x)"),
    _case("sin(2x)", "2 (cos(x)^2 - sin(x)^2)"),
    _case("sin(x^2)", "2x cos(x^2)"),
    _case("sin(x^2)", "2 x cos(x x)"),
    _case("cos(x^2)", "-2x sin(x^2)"),
    _case("sin(cos(x))", "-sin(x) cos(cos(x))"),
    _case("sin(cos(x^2))", "-2x sin(x^2) cos(cos(x^2))"),
    _case("tan(x)", "sec(x)^2", domain="-1.2:1.2"),
    _case("tan(x)", "1 + tan(x)^2", domain="-1.2:1.2"),
    _case("tan(x)", "1/cos(x)^2", domain="-1.2:1.2"),
    _case("tan(x)", "(sin(x)^2 + cos(x)^2)/cos(x)^2", domain="-1.2:1.2"),
    _case("sin(x)/cos(x)", "sec(x)^2", domain="-1.2:1.2"),
    _case("cot(x)", "-csc(x)^2", domain="0.2:3"),
    _case("cot(x)", "-1 - cot(x)^2", domain="0.2:3"),
    _case("sec(x)", "sec(x) tan(x)", domain="-1.2:1.2"),
    _case("sec(x)", "sin(x)/cos(x)^2", domain="-1.2:1.2"),
    _case("csc(x)", "-cos(x)/sin(x)^2", domain="0.2:3"),
    _case("1/cos(x)", "tan(x) sec(x)", domain="-1.2:1.2"),
    _case("sin(x)^3", "3 sin(x)^2 cos(x)"),
    _case("sin(x)^3", "3 (1 - cos(x)^2) cos(x)"),
    _case("x sin(x)", "sin(x) + x cos(x)"),
    _case("x^2 sin(x)", "2x sin(x) + x^2 cos(x)"),
    _case("x^2 sin(x)", "x (2 sin(x) + x cos(x))"),
    _case("e^x sin(x)", "e^x (sin(x) + cos(x))"),
    _case("e^x sin(x)", "sqrt(2) e^x sin(x + pi/4)"),
    _case("e^x cos(x)", "e^x (cos(x) - sin(x))"),
    _case("sin(x)/x", "(x cos(x) - sin(x))/x^2"),
    _case("sin(x)/x", "cos(x)/x - sin(x)/x^2"),
    _case("cos(x)/(1+sin(x))", "-1/(1+sin(x))", domain="-1:1"),
    _case("asin(x)", "1/sqrt(1-x^2)", domain="-0.9:0.9"),
    _case("asin(x)", "(1-x^2)^(-1/2)", domain="-0.9:0.9"),
    _case("arcsin(x)", "1/sqrt((1-x)(1+x))", domain="-0.9:0.9"),
    _case("acos(x)", "-1/sqrt(1-x^2)", domain="-0.9:0.9"),
    _case("asin(x) + acos(x)", "0", domain="-0.9:0.9"),
    _case("atan(x)", "1/(1+x^2)"),
    _case("atan(x)", "cos(atan(x))^2"),
    _case("arctan(2x)", "2/(1+4x^2)"),
    _case("atan(1/x)", "-1/(1+x^2)"),
    _case("atan(x) + atan(1/x)", "0"),
    _case("asin(2x)", "2/sqrt(1-4x^2)"),
    _case("asin(x/2)", "1/sqrt(4-x^2)", domain="-1.9:1.9"),
    _case("sqrt(sin(x))", "cos(x)/(2 sqrt(sin(x)))", domain="0.2:3"),
    _case("sin(sqrt(x))", "cos(sqrt(x))/(2 sqrt(x))", domain="0.2:3"),
    _case("exp(sin(x))", "cos(x) e^(sin(x))"),
    _case("exp(sin(x))", "cos(x) exp(sin(x))"),
    _case("sin(exp(x))", "e^x cos(e^x)"),
    _case("cos(exp(-x^2))", "2x e^(-x^2) sin(e^(-x^2))"),
    _case("(sin(x)+cos(x))^2", "2 cos(2x)"),
    _case("(sin(x)+cos(x))^2", "2(cos(x)^2 - sin(x)^2)"),
    _case("(1+x)/(1-x)", "2/(1-x)^2"),
    _case("(1+x)/(1-x)", "2/(x-1)^2"),
    _case("(x+1)^2/(x-1)", "(x+1)(x-3)/(x-1)^2"),
    _case("x^2 y", "2x y", wrt="x"),
    _case("x^2 y", "x^2", wrt="y"),
    _case("x^2 y + sin(y)", "x^2 + cos(y)", wrt="y"),
    _case("x^2 y + sin(y)", "2 x y", wrt="x"),
    _case("x y", "y", wrt="x"),
    _case("exp(x y)", "y e^(x y)", wrt="x"),
    _case("exp(x y)", "x exp(x y)", wrt="y"),
    _case("sin(x y)", "y cos(x y)", wrt="x"),
    _case("ln(x^2 + y^2)", "2x/(x^2+y^2)", wrt="x"),
    _case("x^2 + x y + y^2", "x + 2y", wrt="y"),
    _case("w x + b", "x", wrt="w"),
    _case("w x + b", "1", wrt="b"),
    _case("sigmoid(w x + b)", "x sigmoid(w x + b) (1 - sigmoid(w x + b))", wrt="w"),
    _case("(w x + b - y)^2", "2x (w x + b - y)", wrt="w"),
    _case("tanh(w x)", "x (1 - tanh(w x)^2)", wrt="w"),
    _case("x^y", "y x^(y - 1)", wrt="x"),
    _case("x^y", "x^y ln(x)", wrt="y"),
    _case("theta^2 alpha", "2 theta alpha", wrt="theta"),
    _case("x1^2 + x1 x2", "2 x1 + x2", wrt="x1"),
    _case("1 + 2x + x^2", "2(1+x)"),
    _case("(1+x^2)/(x^2)", "-2/x^3"),
    _case("(x^3 - 1)/(x - 1)", "2x + 1"),
    _case("x^4", "4x^3"),
    _case("5x^4", "20 x^3"),
    _case("5", "0"),
    _case("pi x", "pi"),
    _case("sin(pi/6) x", "1/2"),
    _case("x^2 sin(x) cos(x)", "x sin(2x) + x^2 cos(2x)"),
    _case("log(x^2+1, 2)", "2x/((x^2+1) ln(2))"),
    _case("acosh(x)", "1/(sqrt(x-1) sqrt(x+1))"),
    _case("ln(x)", "exp(-ln(x))"),
    _case("sqrt(x-5)", "1/(2 sqrt(x-5))"),
    _case("acosh(x/3)", "1/sqrt(x^2-9)"),
    _case("x^2", "2*abs(x)", domain="0:3"),
    _case("abs(x)", "-1", domain="-3:-1"),
]


@pytest.mark.parametrize(("function", "answer", "wrt", "domain"), CORRECT_FORMS)
def test_every_correct_form_is_accepted(
    function: str, answer: str, wrt: str | None, domain: str | None
) -> None:
    verdict = check(function, answer, wrt=wrt, domain=domain)
    assert verdict.verdict == CORRECT, verdict.witness
    assert verdict.correct
    assert verdict.witness is None
    assert verdict.diagnosis is None
    assert verdict.points >= 8


def test_there_are_at_least_150_correct_forms() -> None:
    assert len(CORRECT_FORMS) >= 150
    assert len({p.id for p in CORRECT_FORMS}) == len(CORRECT_FORMS)


# --- wrong answers: rejected, with a witness that SymPy confirms -----------------------------

WRONG_ANSWERS = [
    _case("x^2", "x"),
    _case("x^2", "2"),
    _case("x^2", "2x + 1"),
    _case("x^2", "x^2"),
    _case("x^2", "2x^2"),
    _case("x^2", "x^3/3"),
    _case("x^2", "2*abs(x)"),
    _case("abs(x)", "1"),
    _case("abs(x)", "-1"),
    _case("abs(x)", "x/abs(x) + 1"),
    _case("relu(x)", "1"),
    _case("relu(x)", "x"),
    _case("relu(x)", "heaviside(-x)"),
    _case("sqrt(x^2)", "1"),
    _case("x^3", "3x"),
    _case("x^3", "3x^3"),
    _case("x^3", "x^2"),
    _case("x^3", "2x^2"),
    _case("x^3 - 2x", "3x^2 + 2"),
    _case("x^3 - 2x", "3x^2"),
    _case("(x+1)^2", "2(x+1)^2"),
    _case("(x+1)^2", "x + 1"),
    _case("(x+1)^2", "2x"),
    _case("(2x+1)^3", "3(2x+1)^2"),
    _case("(2x+1)^3", "6(2x+1)^3"),
    _case("(x^2+1)^2", "2(x^2+1)"),
    _case("(x^2+1)^2", "4x^3"),
    _case("(x^2+1)^3", "3(x^2+1)^2"),
    _case("(x-1)(x+2)", "1"),
    _case("(x-1)(x+2)", "2x"),
    _case("x^2 (x+1)", "2x"),
    _case("x^2 (x+1)", "2x(x+1) - x^2"),
    _case("x/(x+1)", "1"),
    _case("x/(x+1)", "-1/(x+1)^2"),
    _case("x/(x+1)", "1/(x+1)"),
    _case("(x^2+1)/(x-1)", "2x"),
    _case("(x^2+1)/(x-1)", "(2x(x-1) - (x^2+1))/(x-1)"),
    _case("(x^2+1)/(x-1)", "((x^2+1) - 2x(x-1))/(x-1)^2"),
    _case("(x^2+1)/(x-1)", "(2x(x-1) + (x^2+1))/(x-1)^2"),
    _case("1/x", "1/x^2"),
    _case("1/x", "ln(x)"),
    _case("1/x", "-1/x"),
    _case("1/x^2", "-2/x"),
    _case("1/x^2", "-1/x^3"),
    _case("1/(x^2+1)", "-1/(x^2+1)^2"),
    _case("1/(x^2+1)", "1/(2x)"),
    _case("sqrt(x)", "1/sqrt(x)"),
    _case("sqrt(x)", "sqrt(x)/2"),
    _case("sqrt(x)", "2 sqrt(x)"),
    _case("sqrt(x^2+1)", "1/(2 sqrt(x^2+1))"),
    _case("sqrt(x^2+1)", "2x/sqrt(x^2+1)"),
    _case("sqrt(1-x^2)", "x/sqrt(1-x^2)"),
    _case("x^(5/3)", "(5/3) x^(5/3)"),
    _case("x^(5/3)", "-(5/3) x^(2/3)", domain="-3:-1"),
    _case("x^(5/3)", "(5/3) x^(1/3)", domain="-3:-1"),
    _case("x^(1/3)", "(1/3) x^(2/3)"),
    _case("x^(1/3)", "(1/3) x^(-1/3)", domain="-3:-1"),
    _case("x^(2/3)", "(2/3) x^(1/3)"),
    _case("exp(x)", "x e^(x-1)"),
    _case("exp(2x)", "e^(2x)"),
    _case("exp(2x)", "2x e^(2x)"),
    _case("exp(x^2)", "e^(x^2)"),
    _case("exp(x^2)", "x^2 e^(x^2 - 1)"),
    _case("exp(x^2)", "2 e^(x^2)"),
    _case("e^(-x)", "e^(-x)"),
    _case("e^(-x)", "-x e^(-x-1)"),
    _case("x e^x", "e^x"),
    _case("x e^x", "x e^x"),
    _case("x e^x", "x e^x - e^x"),
    _case("x^2 e^(-x)", "-2x e^(-x)"),
    _case("x^2 e^(-x)", "2x e^(-x) + x^2 e^(-x)"),
    _case("2^x", "x*2^(x-1)"),
    _case("2^x", "2^x"),
    _case("2^x", "2^x/ln(2)"),
    _case("10^x", "x*10^(x-1)"),
    _case("3^(2x)", "3^(2x) ln(3)"),
    _case("1/(1+exp(-x))", "-exp(-x)/(1+exp(-x))^2"),
    _case("1/(1+exp(-x))", "sigmoid(x)(1+sigmoid(x))"),
    _case("1/(1+exp(-x))", "sigmoid(x)"),
    _case("1/(1+exp(-x))", "exp(-x)/(1+exp(-x))"),
    _case("sigmoid(x)", "sigmoid(x)(1+sigmoid(x))"),
    _case("sigmoid(x)", "sigmoid(x)"),
    _case("sigmoid(x)", "1 - sigmoid(x)"),
    _case("sigmoid(2x)", "sigmoid(2x)(1 - sigmoid(2x))"),
    _case("sigmoid(x^2)", "sigmoid(x^2)(1-sigmoid(x^2))"),
    _case("softplus(x)", "1/(1+e^x)"),
    _case("softplus(x)", "e^x"),
    _case("softplus(x)", "sigmoid(x)^2"),
    _case("log(1+exp(x))", "1/(1+exp(x))"),
    _case("tanh(x)", "1 + tanh(x)^2"),
    _case("tanh(x)", "sech(x)"),
    _case("tanh(x)", "tanh(x)^2 - 1"),
    _case("tanh(2x)", "1 - tanh(2x)^2"),
    _case("tanh(2x)", "2 + 2 tanh(2x)^2"),
    _case("tanh(x^2)", "sech(x^2)^2"),
    _case("sinh(x)", "-cosh(x)"),
    _case("cosh(x)", "-sinh(x)"),
    _case("cosh(x)^2", "2 cosh(x) sinh(x) + 1"),
    _case("sech(x)", "sech(x) tanh(x)"),
    _case("log(x)", "1/x^2"),
    _case("log(x)", "x ln(x) - x"),
    _case("ln(x)", "ln(x)"),
    _case("ln(2x)", "1/(2x)"),
    _case("ln(2x)", "2/x"),
    _case("ln(x^2)", "1/x^2"),
    _case("ln(x^2)", "1/x"),
    _case("ln(x^2+1)", "1/(x^2+1)"),
    _case("ln(x^2+1)", "2x"),
    _case("ln(x^3)", "1/x^3"),
    _case("ln(sin(x))", "1/sin(x)", domain="0.2:3"),
    _case("ln(sin(x))", "-cot(x)", domain="0.2:3"),
    _case("ln(cos(x))", "tan(x)", domain="-1:1"),
    _case("log(x, 10)", "1/x"),
    _case("log(x, 10)", "ln(10)/x"),
    _case("x ln(x)", "ln(x)"),
    _case("x ln(x)", "1"),
    _case("x ln(x)", "1/x"),
    _case("x^x", "x x^(x-1)"),
    _case("x^x", "x^x"),
    _case("x^x", "x^x ln(x)"),
    _case("x^x", "x^x (ln(x) - 1)"),
    _case("sin(x)", "-cos(x)"),
    _case("sin(x)", "cos(x) + 1"),
    _case("cos(x)", "sin(x)"),
    _case("sin(x)^2", "2 sin(x)"),
    _case("sin(x)^2", "cos(x)^2"),
    _case("sin(x)^2", "2 cos(x)"),
    _case("sin(x)^2", "-2 sin(x) cos(x)"),
    _case("cos(x)^2", "2 cos(x) sin(x)"),
    _case("sin(2x)", "cos(2x)"),
    _case("sin(2x)", "2 cos(x)"),
    _case("sin(2x)", "-2 cos(2x)"),
    _case("sin(x^2)", "cos(x^2)"),
    _case("sin(x^2)", "cos(2x)"),
    _case("sin(x^2)", "-2x cos(x^2)"),
    _case("cos(x^2)", "-sin(x^2)"),
    _case("cos(x^2)", "2x sin(x^2)"),
    _case("sin(cos(x))", "cos(cos(x))"),
    _case("sin(cos(x))", "sin(x) cos(cos(x))"),
    _case("sin(cos(x^2))", "-sin(x^2) cos(cos(x^2))"),
    _case("tan(x)", "sec(x)", domain="-1.2:1.2"),
    _case("tan(x)", "-sec(x)^2", domain="-1.2:1.2"),
    _case("tan(x)", "1 - tan(x)^2", domain="-1.2:1.2"),
    _case("cot(x)", "csc(x)^2", domain="0.2:3"),
    _case("sec(x)", "-sec(x) tan(x)", domain="-1.2:1.2"),
    _case("sin(x)^3", "3 sin(x)^2"),
    _case("sin(x)^3", "3 cos(x)^2"),
    _case("x sin(x)", "cos(x)"),
    _case("x sin(x)", "x cos(x)"),
    _case("x sin(x)", "sin(x) - x cos(x)"),
    _case("x^2 sin(x)", "2x cos(x)"),
    _case("x^2 sin(x)", "2x sin(x) - x^2 cos(x)"),
    _case("e^x sin(x)", "e^x cos(x)"),
    _case("e^x cos(x)", "e^x (cos(x) + sin(x))"),
    _case("sin(x)/x", "cos(x)"),
    _case("sin(x)/x", "(sin(x) - x cos(x))/x^2"),
    _case("sin(x)/x", "(x cos(x) - sin(x))/x"),
    _case("asin(x)", "1/sqrt(1+x^2)", domain="-0.9:0.9"),
    _case("asin(x)", "-1/sqrt(1-x^2)", domain="-0.9:0.9"),
    _case("acos(x)", "1/sqrt(1-x^2)", domain="-0.9:0.9"),
    _case("atan(x)", "1/(1-x^2)", domain="-0.9:0.9"),
    _case("atan(x)", "-1/(1+x^2)"),
    _case("atan(2x)", "1/(1+4x^2)"),
    _case("atan(2x)", "2/(1+2x^2)"),
    _case("asin(2x)", "1/sqrt(1-4x^2)"),
    _case("sqrt(sin(x))", "1/(2 sqrt(sin(x)))", domain="0.2:3"),
    _case("exp(sin(x))", "exp(sin(x))"),
    _case("exp(sin(x))", "exp(cos(x))"),
    _case("sin(exp(x))", "cos(exp(x))"),
    _case("(1+x)/(1-x)", "-1"),
    _case("(1+x)/(1-x)", "2/(1-x)"),
    _case("x^2 y", "2x", wrt="x"),
    _case("x^2 y", "2 x y", wrt="y"),
    _case("x^2 y + sin(y)", "x^2 - cos(y)", wrt="y"),
    _case("x y", "x", wrt="x"),
    _case("exp(x y)", "exp(x y)", wrt="x"),
    _case("sin(x y)", "cos(x y)", wrt="x"),
    _case("ln(x^2 + y^2)", "1/(x^2+y^2)", wrt="x"),
    _case("w x + b", "w", wrt="w"),
    _case("sigmoid(w x + b)", "sigmoid(w x + b)(1 - sigmoid(w x + b))", wrt="w"),
    _case("(w x + b - y)^2", "2(w x + b - y)", wrt="w"),
    _case("x^y", "y x^(y-1)", wrt="y"),
    _case("5x^4", "4 x^3"),
    _case("5x^4", "5 x^4"),
    _case("5", "5"),
    _case("pi x", "1"),
    _case("x^4", "4x^4"),
    _case("x^4", "x^5/5"),
]


@pytest.mark.parametrize(("function", "answer", "wrt", "domain"), WRONG_ANSWERS)
def test_every_wrong_answer_is_rejected_with_a_true_witness(
    function: str, answer: str, wrt: str | None, domain: str | None
) -> None:
    verdict = check(function, answer, wrt=wrt, domain=domain)
    assert verdict.verdict == INCORRECT
    assert not verdict.correct
    assert_true_witness(verdict, function, answer)


def test_there_are_at_least_150_wrong_answers() -> None:
    assert len(WRONG_ANSWERS) >= 150
    assert len({p.id for p in WRONG_ANSWERS}) == len(WRONG_ANSWERS)


# --- answers right on part of the domain only -------------------------------------------------


@pytest.mark.parametrize(
    ("function", "answer", "wrong_where"),
    [
        ("abs(x)", "1", lambda v: v < 0),
        ("abs(x)", "-1", lambda v: v > 0),
        ("x^2", "2*abs(x)", lambda v: v < 0),
        ("sqrt(x^2)", "1", lambda v: v < 0),
        ("relu(x)", "1", lambda v: v < 0),
        ("relu(x)", "0", lambda v: v > 0),
        ("x abs(x)", "2x", lambda v: v < 0),
        ("abs(x^2-1)", "2x", lambda v: abs(v) < 1),
        ("x^(2/3)", "(2/3) abs(x)^(-1/3)", lambda v: v < 0),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_an_answer_right_on_only_part_of_the_domain_is_rejected(
    function: str, answer: str, wrong_where: Any
) -> None:
    verdict = check(function, answer)
    assert verdict.verdict == INCORRECT
    assert_true_witness(verdict, function, answer)
    assert verdict.witness is not None
    assert wrong_where(verdict.witness.point[x])


def test_the_same_answer_is_right_on_the_part_of_the_domain_where_it_agrees() -> None:
    assert check("x^2", "2*abs(x)", domain="0:3").correct
    assert check("abs(x)", "1", domain="0.5:2").correct
    assert not check("abs(x)", "1", domain="-2:-0.5").correct


# --- undecided: too few points where the derivative is real -----------------------------------


@pytest.mark.parametrize(
    ("function", "answer"),
    [
        ("sqrt(-x^2-1)", "0"),
        ("sqrt(-x^2-1)", "-x/sqrt(-x^2-1)"),
        ("log(-(x^2)-1)", "0"),
        ("ln(-x^2-1)", "2x/(x^2+1)"),
        ("asin(x^2+2)", "2x/sqrt(1-(x^2+2)^2)"),
    ],
)
def test_no_real_points_is_undecided_not_the_students_fault(function: str, answer: str) -> None:
    verdict = check(function, answer)
    assert verdict.verdict == UNDECIDED
    assert verdict.witness is None
    assert verdict.diagnosis is None
    assert verdict.points < 8
    assert "--domain" in verdict.to_dict()["message"]


def test_sampling_keeps_drawing_where_the_function_is_real_on_a_small_part() -> None:
    # asin(2x) is real on a quarter of [-2, 2]: still a verdict, both ways.
    assert check("asin(2x)", "2/sqrt(1-4x^2)").verdict == CORRECT
    wrong = check("asin(2x)", "1/sqrt(1-4x^2)")
    assert wrong.verdict == INCORRECT
    assert wrong.witness is not None and abs(wrong.witness.point[x]) < 0.5
    # sqrt(x - 5) is real nowhere in [-2, 2]: the range widens until it is.
    assert check("sqrt(x-5)", "1/(2 sqrt(x-5))").verdict == CORRECT
    assert check("sqrt(x-5)", "1/sqrt(x-5)").verdict == INCORRECT


def test_points_where_the_function_itself_is_undefined_are_not_compared() -> None:
    # ln(x)' = 1/x is real for x < 0, but ln(x) is not: an answer undefined there is right.
    assert check("ln(x)", "exp(-ln(x))").correct
    # acosh is real for x ≥ 1 only; for x < -1 this product of square roots is real and negative.
    assert check("acosh(x)", "1/(sqrt(x-1) sqrt(x+1))").correct


# --- determinism --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("function", "answer"),
    [("sin(x^2)", "cos(x^2)"), ("x^2 y", "2x"), ("abs(x)", "1"), ("1/x", "ln(x)")],
)
def test_the_same_check_twice_gives_the_same_witness(function: str, answer: str) -> None:
    wrt = "x" if "y" in function else None
    first, second = check(function, answer, wrt=wrt), check(function, answer, wrt=wrt)
    assert first.witness is not None
    assert first.witness == second.witness
    assert first.to_dict() == second.to_dict()


# --- usage errors and --domain ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("function", "answer", "foreign"),
    [("x^2", "2t", "t"), ("x^2", "2x y", "y"), ("sin(x)", "cos(theta)", "theta")],
)
def test_a_variable_the_function_lacks_is_a_usage_error_naming_it(
    function: str, answer: str, foreign: str
) -> None:
    with pytest.raises(UsageError, match=rf"\b{foreign}\b") as error:
        check(function, answer)
    assert "does not have" in str(error.value)


def test_several_variables_need_wrt() -> None:
    with pytest.raises(UsageError, match="choose one with wrt, e.g. wrt='x'"):
        check("x^2 y", "2x y")
    with pytest.raises(UsageError, match="z"):
        check("x^2 y", "2x y", wrt="z")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (None, (-2.0, 2.0)),
        ("0:3", (0.0, 3.0)),
        ("-pi:pi", (-math.pi, math.pi)),
        ("pi/4 : pi/2", (math.pi / 4, math.pi / 2)),
        ("-3:-1", (-3.0, -1.0)),
        ("0.5:1.5", (0.5, 1.5)),
        ((1, 4), (1.0, 4.0)),
    ],
)
def test_domain_parsing(text: str | tuple[float, float] | None, expected: Any) -> None:
    assert parse_domain(text) == pytest.approx(expected)


@pytest.mark.parametrize("text", ["3", "1:2:3", "a:b", "0:x", "0:sin(", ""])
def test_a_domain_that_cannot_be_read_is_an_input_error(text: str) -> None:
    with pytest.raises(InputError):
        parse_domain(text)


@pytest.mark.parametrize("text", ["2:1", "1:1", (3, 3)])
def test_an_empty_domain_is_a_usage_error(text: str | tuple[float, float]) -> None:
    with pytest.raises(UsageError, match="a < b"):
        parse_domain(text)


def test_the_domain_is_where_points_are_drawn() -> None:
    verdict = check("x^2", "2x + 1", domain="5:6")
    assert verdict.witness is not None
    assert 5 <= verdict.witness.point[x] <= 6


# --- bounded, and safe --------------------------------------------------------------------------


def test_an_answer_simplify_chokes_on_still_gets_a_verdict() -> None:
    answer = "(sin(x)+cos(x)+tan(x))^40 (x+1)^40/(x-1)^30"
    verdict = check("x^2", answer)
    assert verdict.verdict == INCORRECT
    assert_true_witness(verdict, "x^2", answer)


@pytest.mark.parametrize(
    "answer",
    [
        "__import__('os').system('touch /tmp/pwned')",
        "().__class__.__bases__",
        "exec('1')",
        "lambda: 1",
        "eval('x')",
        "x.__class__",
        "open('/tmp/pwned', 'w')",
        "getattr(x, 'y')",
        "import os",
        "[x for x in ()]",
        "x; 1",
        "globals()",
    ],
)
def test_code_injection_is_an_input_error_with_no_side_effect(answer: str, tmp_path: Path) -> None:
    pwned = Path("/tmp/pwned")
    existed = pwned.exists()
    local = tmp_path / "pwned"
    for function, given in ((answer.replace("/tmp/pwned", str(local)), "0"), ("x^2", answer)):
        with pytest.raises(InputError):
            check(function, given)
    with pytest.raises(InputError):
        check("x^2", "2x", domain=f"{answer}:1")
    assert not local.exists()
    assert pwned.exists() == existed


# --- the JSON shape -----------------------------------------------------------------------------


def _sympify(text: str) -> sp.Expr:
    names = {"sigmoid": sigmoid, "relu": relu, "softplus": softplus}
    names |= {n: variable(n) for n in ("x", "y", "t")}
    return sp.sympify(text, locals=names)


@pytest.mark.parametrize(
    ("function", "answer", "verdict"),
    [
        ("sin(x^2)", "2x cos(x^2)", CORRECT),
        ("sin(x^2)", "cos(x^2)", INCORRECT),
        ("1/(1+exp(-x))", "sigmoid(x)(1-sigmoid(x))", CORRECT),
        ("relu(x)", "heaviside(x) + relu(x)", INCORRECT),
        ("abs(x)", "|x|/x", CORRECT),
        ("x^(5/3)", "(5/3) x^(2/3)", CORRECT),
        ("1/x", "ln(x)", INCORRECT),
        ("sqrt(-x^2-1)", "0", UNDECIDED),
        ("x^2", "x^2 + 2x - x^2", CORRECT),
    ],
)
def test_to_dict_is_the_check_shape(function: str, answer: str, verdict: str) -> None:
    result = check(function, answer)
    data = result.to_dict()
    assert set(data) == CHECK_KEYS
    json.dumps(data, allow_nan=False)
    assert data["verdict"] == verdict
    assert data["answer"] == answer
    assert data["variable"] == "x"
    assert _sympify(data["read_as"]) == parse(answer).doit()
    assert _sympify(data["function"]) == parse(function).doit()
    assert isinstance(data["message"], str) and data["message"]
    assert isinstance(data["also"], list)
    if verdict == INCORRECT:
        assert set(data["witness"]) == WITNESS_KEYS
        assert set(data["witness"]["point"]) == {"x"}
    else:
        assert data["witness"] is None
        assert data["mistake"] is None and data["where"] is None and data["also"] == []


def test_to_dict_of_a_wrong_answer_names_mistake_where_and_witness() -> None:
    data = check("sin(x^2)", "cos(x^2)").to_dict()
    assert data["mistake"] == "missing_chain_factor"
    assert _sympify(data["where"]) == sp.sin(x**2)
    w = data["witness"]
    assert w["expected"] == pytest.approx(2 * w["point"]["x"] * math.cos(w["point"]["x"] ** 2))
    assert w["got"] == pytest.approx(math.cos(w["point"]["x"] ** 2))


def test_to_dict_writes_null_where_the_answer_is_undefined() -> None:
    data = check("1/x", "ln(x)").to_dict()
    assert data["witness"]["point"]["x"] < 0
    assert data["witness"]["got"] is None
    assert data["mistake"] == "integrated"


def test_to_dict_of_a_partial_derivative() -> None:
    data = check("x^2 y", "2x", wrt="x").to_dict()
    assert data["variable"] == "x"
    assert set(data["witness"]["point"]) == {"x", "y"}


# --- from the review: corners, huge and tiny derivatives, narrow domains ---------------------


@pytest.mark.parametrize("k", range(1, 40))
def test_equivalent_forms_at_a_corner_are_not_sampled_there(k: int) -> None:
    # Points are rounded, so 0 is drawn; |x| has no derivative there, and sign(0) = 0 is only
    # a convention that the student's x/|x| does not share.
    assert check(f"{k} abs(x)", f"{k} x/abs(x)").verdict == "correct"
    assert check(f"relu(x) + {k}", "(x + abs(x))/(2x)").verdict == "correct"


@pytest.mark.parametrize(
    ("function", "answer"),
    [
        ("x^1000 (x+1)^1000 (x+2)^1000 (x+3)^1000", "0"),  # overflows a float almost everywhere
        ("x^2/10^12", "0"),  # tiny, but not zero
        ("0", "10^(-11)"),
    ],
)
def test_a_wrong_answer_is_not_excused_by_the_size_of_the_derivative(
    function: str, answer: str
) -> None:
    assert check(function, answer).verdict == "incorrect"


def test_a_narrow_domain_still_gives_a_verdict() -> None:
    assert check("x^2", "2x", domain="0:0.001").verdict == "correct"
    assert check("x^2", "2x", domain="1000:1000.004").verdict == "correct"


def test_a_huge_function_still_gets_a_verdict() -> None:
    # Diagnosis has its own deadline; the verdict comes first (pytest-timeout guards a hang).
    function = "+".join(f"sin({k}x)" for k in range(1, 80))
    assert check(function, "0").verdict == "incorrect"


def test_the_witness_is_the_most_convincing_failure() -> None:
    witness = check("sin(x)", "1").witness
    assert witness is not None
    assert abs(witness.got - witness.expected) > 0.5  # type: ignore[operator]


# --- close is not equal: an answer within the tolerance must also be exact -------------------


@pytest.mark.parametrize(
    ("function", "answer", "digits"),
    [
        ("x^2", "2x + 1e-9", 9),
        ("pi x^2", "2*3.14159 x", 6),
        ("x^2", "2x + 1e-15 x", 15),
        ("sin(x^2)", "2x cos(x^2) (1 + 1e-12)", 12),
        ("sqrt(2) x", "1.41421356", 8),
        ("x^2", "2x + 1e-21", 21),
        ("x^2", "2x + 10^(-25)", 25),
    ],
)
def test_an_answer_that_is_only_close_is_incorrect(function: str, answer: str, digits: int) -> None:
    from derivtutor.render.say.verdict import message

    verdict = check(function, answer)
    assert verdict.verdict == "incorrect"
    assert verdict.near is not None and verdict.witness is not None
    scale = abs(verdict.witness.expected)
    assert digits - 1 <= -math.log10(abs(verdict.near) / scale) <= digits + 1
    text = " ".join(str(part) for line in message(verdict) for part in line)
    assert "is not equal to it" in text and "Write constants exactly" in text


@pytest.mark.parametrize(
    ("function", "answer"),
    [
        ("x^2", "2x"),
        ("sigmoid(x)", "e^(-x)/(1+e^(-x))^2"),
        ("x^2", "2x + 50e^(50x) - 50e^(50x)"),  # 30 digits cancel; 90 see they are equal
        ("tan(x)", "1 + tan(x)^2"),
        ("x/3", "0.25 + 1/12"),
    ],
)
def test_exact_forms_stay_correct(function: str, answer: str) -> None:
    verdict = check(function, answer)
    assert verdict.verdict == "correct", verdict.witness
    assert verdict.near is None


def test_below_the_graders_resolution_is_said_in_the_readme() -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    assert "one part in 10²⁶" in readme
    assert check("x^2", "2x + 10^(-30)").verdict == "correct"  # the resolution, as said


@pytest.mark.parametrize(
    "answer", ["2x + relu(x - 3)", "2x + heaviside(x - 1.99)", "2x + relu(-x - 3)"]
)
def test_an_answer_wrong_only_past_the_default_domain_is_caught(answer: str) -> None:
    """Two of the fresh points come from the default domain stretched five times."""
    assert check("x^2", answer).verdict == "incorrect"


def test_a_chosen_domain_is_kept_and_the_range_checked_is_said() -> None:
    verdict = check("abs(x)", "1", domain="1:3")
    assert verdict.verdict == "correct"  # |x|' is 1 there: the domain chosen is honoured
    ((symbol, low, high),) = verdict.span
    assert symbol.name == "x" and 1 <= low <= high <= 3
    from derivtutor.render.say.verdict import message

    text = " ".join(str(p) for line in message(verdict) for p in line)
    assert "from 1" in text and "to 2" in text or "to 3" in text
