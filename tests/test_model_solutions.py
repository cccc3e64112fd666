"""Derivations as a textbook writes the model solution (issue 11 §2, §3, §5): the method a
teacher would choose, the algebra shown, every name meaning one thing."""

from __future__ import annotations

import re

import pytest
import sympy as sp
from invoke import fails, ok
from trees import assert_equal_at_random_points

from derivtutor import differentiate, gradient
from derivtutor.engine import steps as s
from derivtutor.language.parse import parse
from derivtutor.render.formats import text

x = sp.Symbol("x", real=True)


def _printed(expression: str, **options: object) -> str:
    return text.render_differentiation(differentiate(expression, **options))  # type: ignore[arg-type]


def _result_line(expression: str, **options: object) -> str:
    lines = _printed(expression, **options).splitlines()
    return next(line for line in lines if line.startswith("Result"))


# --- §2 the method: each route, its printed line, and its result ---------------------------------


@pytest.mark.parametrize(
    ("expression", "route", "line", "result"),
    [
        (
            "log(x^2*sin(x)/(2x+1))",
            s.LogLawsRule,
            "Log laws: ln(x²·sin(x)/(2x + 1)) = 2·ln|x| + ln|sin(x)| − ln|2x + 1|",
            "= 2/x + cot(x) − 2/(2x + 1)",
        ),
        ("log(sqrt(x^2+1))", s.LogLawsRule, "= (1/2)·ln(x² + 1)", "= x/(x² + 1)"),
        ("1/sinh(x)^2", s.PowerFormRule, "Power form: 1/sinh²(x) = sinh(x)⁻²", "/sinh³(x)"),
        (
            "(x^5 - 2x^3 + x^2)/x^2",
            s.SimplifyFirstRule,
            "Simplify first (divide each term): (x⁵ − 2x³ + x²)/x² = x³ − 2x + 1",
            "= 3x² − 2",
        ),
        ("sqrt(x)*x", s.SimplifyFirstRule, "√x·x = x^(3/2)", "= 3√x/2"),
        ("(2y + 1/y) * y^3", s.SimplifyFirstRule, "(multiply out)", "= 8y³ + 2y"),
        (
            "(exp(x)-exp(-x))/(exp(x)+exp(-x))",
            s.KnownFunctionRule,
            "Recognise tanh(x) written out",
            "= sech²(x)",
        ),
        (
            "(x+1)(x^2+1)^2(x^3+1)^3",
            s.LogProductRule,
            "ln|y| = ln|x + 1| + 2·ln(x² + 1) + 3·ln|x³ + 1|",
            "·(1/(x + 1) + 4x/(x² + 1) + 9x²/(x³ + 1))",
        ),
    ],
    ids=["log-laws", "log-root", "power-form", "divide", "powers", "multiply", "tanh", "logdiff"],
)
def test_the_textbook_route_is_taken_and_shown(
    expression: str, route: type[s.Step], line: str, result: str
) -> None:
    diff = differentiate(expression)
    assert isinstance(diff.steps[0], route)
    out = _printed(expression)
    assert line in out
    assert result in _result_line(expression)


def test_the_log_laws_state_where_they_hold() -> None:
    out = _printed("log(x^2*sin(x)/(2x+1))")
    assert "with |·| they hold wherever the left side is defined" in out
    # ln √u needs no |·|: the root is defined only for u ≥ 0.
    assert "|·|" not in _printed("log(sqrt(x^2+1))")


def test_ln_of_a_chain_rule_example_keeps_the_chain_rule() -> None:
    """ln(2x) and ln(sin x) teach the chain rule; no law changes the work."""
    assert differentiate("log(2x)").steps[0].rule == "chain"
    assert differentiate("log(sin(x))").steps[0].rule == "chain"


@pytest.mark.parametrize("printed", ["ln|x − 1|", "2·ln|x| + ln|sin(x)|", "ln|2x + 1|"])
def test_ln_of_an_absolute_value_reads_back(printed: str) -> None:
    expected = parse(printed.replace("ln|", "log(abs(").replace("|", "))"))
    assert_equal_at_random_points(parse(printed), expected)


# --- §3 the algebra shown ------------------------------------------------------------------------


def test_a_quotient_shows_its_numerator_the_identity_and_the_cancelling() -> None:
    out = _printed("sin(x)/(1+cos(x))")
    assert "= (sin²(x) + cos²(x) + cos(x))/(1 + cos(x))²    (multiply out the numerator)" in out
    assert "= (1 + cos(x))/(1 + cos(x))²    (since sin² + cos² = 1)" in out
    assert "= 1/(1 + cos(x))    (cancel (1 + cos(x)), common to top and bottom)" in out


@pytest.mark.parametrize(
    ("expression", "book", "reason"),
    [
        ("asin(x/3)", "1/√(9 − x²)", "(the constant taken inside the root)"),
        ("1/cosh(x)", "−sech(x)·tanh(x)", "(since sinh/cosh = tanh)"),
    ],
)
def test_a_rewriting_of_the_result_gives_its_reason(
    expression: str, book: str, reason: str
) -> None:
    assert f"= {book}    {reason}" in _printed(expression)


def test_roots_of_a_quotient_are_merged_as_the_book_prints_them() -> None:
    assert _result_line("sqrt((x^2+1)/(x^2-1))").endswith("= −2x/((x² − 1)·√(x⁴ − 1))")


def test_term_by_term_results_stay_term_by_term() -> None:
    assert _result_line("3t^4 + 5t^3 - 1/t").endswith("= 12t³ + 15t² + 1/t²")
    assert _result_line("x^2(x+1)").endswith("= 3x² + 2x")


# --- §5 every name means one thing ---------------------------------------------------------------

README_EXAMPLES = [
    "1/(1+exp(-x))",
    "x^2 sin(x)/(x+1)",
    "(2x+1)^5 (3x-2)^7",
    "x*asin(x) + sqrt(1-x^2)",
    "sin(x^2) cos(x)/(x^2+1)",
    "x e^x sin(x)",
]


@pytest.mark.parametrize("expression", README_EXAMPLES)
def test_no_name_is_defined_twice_and_no_leaf_has_a_line(expression: str) -> None:
    out = _printed(expression)
    defined = re.findall(r"(?:with |, | and )([fgh][₀-₉]*) = ", out)
    assert len(defined) == len(set(defined)), defined
    for line in out.splitlines():
        assert not re.match(r"\s*[\d.]+ (Constant|Variable) rule", line), line


def test_a_nested_product_gets_its_own_letters() -> None:
    out = _printed("x^2 sin(x)/(x+1)")
    assert "Quotient rule, with f = x²·sin(x)" in out
    assert "Product rule, with f₁ = x² and g₁ = sin(x)" in out
    assert "d/dx [f₁·g₁] = f₁'·g₁ + f₁·g₁'" in out


def test_a_sub_result_is_substituted_as_it_was_derived() -> None:
    out = _printed("x^2 (x^2+1)^2")
    assert "so g' = 2·(x² + 1) · 2x = 4x·(x² + 1)" in out
    assert "2x·(x² + 1)² + x²·4x·(x² + 1)" in out


def test_the_result_keeps_the_written_term_order() -> None:
    assert _result_line("x^2 - 3x + sin(x)").endswith("= 2x − 3 + cos(x)")


def test_a_higher_order_starts_from_the_printed_result() -> None:
    out = _printed("x^3 - 4x", order=3)
    assert "Order 2: d²/dx² [x³ − 4x] = d/dx [3x² − 4]" in out


def test_parameters_are_constants_not_a_partial_derivative() -> None:
    out = _printed("(1/a)*atan(x/a)", wrt="x")
    assert out.startswith("d/dx [arctan(x/a)/a]   (a is a constant)")
    assert "∂" not in out and "1·" not in out
    # Variables of a model, by contrast, are held constant in a partial derivative.
    assert _printed("w*x + b", wrt="w").startswith("∂/∂w")


@pytest.mark.parametrize("fmt", ["text", "latex", "markdown", "json"])
def test_the_users_term_order_is_kept_inside_arguments(fmt: str) -> None:
    out = ok(["diff", "sigmoid(t0 + t1*x)", "--wrt", "t1", "--format", fmt])
    written, canonical = {
        "text": ("σ(t₀ + t₁·x)", "t₁·x + t₀"),
        "latex": (r"t_{0} + t_{1} x", r"t_{1} x + t_{0}"),
        "markdown": (r"t_{0} + t_{1} x", r"t_{1} x + t_{0}"),
        "json": ("t₀ + t₁·x", "t₁·x + t₀"),
    }[fmt]
    assert written in out and canonical not in out


def test_a_negated_written_sum_keeps_its_order() -> None:
    assert "e^(−t₀ − t₁·x)" in _printed("log(1+exp(-(t0+t1*x)))", wrt="t1")


@pytest.mark.parametrize(
    ("expression", "result"),
    [("(a+b)*sin(x)", "(a + b)·cos(x)"), ("(k-1)*x^2", "2·(k − 1)·x"), ("(x+y)*sin(x)", None)],
)
def test_a_constant_sum_leads_its_product(expression: str, result: str | None) -> None:
    # A book writes (a + b)·cos(x); a sum that varies (x + y) stays after the functions.
    line = _result_line(expression, wrt="x")
    if result is None:
        assert "cos(x)·(x + y)" in line
    else:
        assert line.endswith("= " + result)


def test_a_gradient_may_list_a_variable_the_function_lacks() -> None:
    result = gradient("3x^2 + 1", vars="x,y")
    assert [c.derivative for c in result.components] == [6 * x, 0]
    assert "(the function does not depend on y)" in ok(["grad", "3x^2 + 1", "--vars", "x,y"])
    # Naming a variable it lacks while leaving out one it has is a typo, and is refused.
    assert "z does not appear" in fails(["grad", "3x^2 + y", "--vars", "x,z"])
