"""Tests for the ``diff`` use case (``derivtutor.calculus.differentiation``): orders, the
variable and the ones held constant, the gradient check at a point, its errors, and the JSON
shape, whose every expression string must read back as the expression it stands for."""

from __future__ import annotations

import cmath
import json
import random
from collections.abc import Iterator
from typing import Any

import pytest
import sympy as sp
from contracts import DIFF_KEYS, STEP_KEYS

from derivtutor.calculus.differentiation import Differentiation, differentiate
from derivtutor.calculus.gradient_check import GradientCheck
from derivtutor.engine.steps import Step
from derivtutor.errors import InputError, UsageError
from derivtutor.language.functions import relu, sigmoid, softplus
from derivtutor.language.parse import variable

x, y = variable("x"), variable("y")

AT_KEYS = {"point", "value", "finite_difference"}


def _value(expr: sp.Expr, point: dict[sp.Symbol, sp.Float]) -> complex | None:
    try:
        value = complex(expr.evalf(30, subs=point))
    except (ArithmeticError, TypeError, ValueError):
        return None
    real = cmath.isfinite(value) and abs(value.imag) <= 1e-20 * max(1.0, abs(value.real))
    return value if real else None


def assert_same_function(a: sp.Expr, b: sp.Expr, *, seed: int = 0) -> None:
    """a and b agree (relative 1e-10) at random points where both are real."""
    rng = random.Random(seed)
    symbols = sorted(a.free_symbols | b.free_symbols, key=str)
    compared = 0
    for _ in range(40):
        point = {s: sp.Float(rng.uniform(-2, 2), 30) for s in symbols}
        va, vb = _value(a, point), _value(b, point)
        if va is None or vb is None:
            continue
        assert abs(va - vb) <= 1e-10 * max(1.0, abs(vb)), f"{a} != {b} at {point}"
        compared += 1
        if compared == 4:
            return
    assert compared >= 1, f"no point to compare {a} and {b}"


# --- orders --------------------------------------------------------------------------------------


def test_the_result_is_the_tidied_derivative_with_one_tree() -> None:
    result = differentiate("1/(1+exp(-x))")
    assert result.derivative == sp.exp(-x) / (1 + sp.exp(-x)) ** 2
    assert len(result.steps) == 1
    assert result.steps[0].rule == "power_form"
    assert result.order == 1
    assert result.variable == x
    assert result.held_constant == ()
    assert not result.partial


def test_third_order_shows_each_order() -> None:
    result = differentiate("sin(x)", order=3)
    assert [o.derivative for o in result.orders] == [sp.cos(x), -sp.sin(x), -sp.cos(x)]
    assert result.derivative == -sp.cos(x)
    assert len(result.steps) == 3
    # steps[k] derives order k + 1 from the tidied result of order k.
    assert [step.expression for step in result.steps] == [
        result.expression,
        sp.cos(x),
        -sp.sin(x),
    ]
    assert [step.rule for step in result.steps] == ["trig", "trig", "constant_multiple"]


def test_each_order_derives_from_the_tidied_result_of_the_last() -> None:
    result = differentiate("x^4 + x^x", order=2)
    first, second = result.orders
    assert second.expression == first.derivative
    assert_same_function(second.step.eval(), sp.diff(first.derivative, x))


@pytest.mark.parametrize("order", [0, -1, 10_001, 10**6, "2", 2.0, True])
def test_order_out_of_range_or_not_a_whole_number(order: object) -> None:
    with pytest.raises(UsageError, match="whole number from 1 to 10"):
        differentiate("sin(x)", order=order)  # type: ignore[arg-type]


@pytest.mark.parametrize(("wrt", "at"), [(5, None), (None, 1.5)])
def test_wrt_and_at_must_be_text(wrt: object, at: object) -> None:
    with pytest.raises(UsageError, match="must be text"):
        differentiate("x^2", wrt=wrt, at=at)  # type: ignore[arg-type]


# --- the variable, and the ones held constant ----------------------------------------------------


@pytest.mark.parametrize(
    ("text", "names"),
    [("x^2 y^3", "x, y"), ("sin(x y z)", "x, y, z"), ("theta^2 + alpha", "alpha, theta")],
)
def test_several_variables_need_wrt(text: str, names: str) -> None:
    with pytest.raises(UsageError) as caught:
        differentiate(text)
    assert names in str(caught.value)
    assert "choose one with wrt, e.g. wrt=" in str(caught.value)


def test_wrt_differentiates_by_that_variable_and_holds_the_others() -> None:
    result = differentiate("x^2 y^3", wrt="y")
    assert result.derivative == 3 * x**2 * y**2
    assert result.variable == y
    assert result.held_constant == (x,)
    assert result.partial


def test_wrt_a_variable_the_expression_does_not_have() -> None:
    # Nearly always a typo: refused, with the variables listed.
    with pytest.raises(UsageError, match="y does not appear in the expression; its variables: x"):
        differentiate("x^2", wrt="y")


def test_wrt_on_a_constant_is_zero() -> None:
    assert differentiate("5", wrt="t").derivative == 0


def test_wrt_must_be_a_variable_name() -> None:
    with pytest.raises(InputError):
        differentiate("x y", wrt="x+y")


def test_a_constant_is_differentiated_by_x() -> None:
    result = differentiate("pi^2")
    assert result.derivative == 0
    assert result.variable == x


# --- the gradient check at a point ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "wrt", "at"),
    [
        ("x^2 sin(x)", None, "x=1"),
        ("1/(1+exp(-x))", None, "x=0.5"),
        ("tanh(x)", None, "x=-0.3"),
        ("x^x", None, "x=1.5"),
        ("log(x, 10)", None, "x=2"),
        ("atan(x/(1+x^2))^3", None, "x=0.7"),
        ("sin(x)", None, "x=pi/4"),
        ("softplus(x)", None, "x=-1"),
        ("x^2 y^3", "y", "x=1, y=2"),
        ("sigmoid(w x + b)", "w", "w=0.5, x=2, b=-1"),
    ],
)
def test_gradient_check_agrees_for_smooth_functions(text: str, wrt: str | None, at: str) -> None:
    check = differentiate(text, wrt=wrt, at=at).at
    assert isinstance(check, GradientCheck)
    assert check.value is not None and check.finite_difference is not None
    assert abs(check.value - check.finite_difference) <= 1e-6 * max(1.0, abs(check.value))
    assert not check.kink


def test_gradient_check_is_of_the_highest_order() -> None:
    check = differentiate("sin(x)", order=2, at="x=0.5").at
    assert check is not None
    assert check.value == pytest.approx(-0.479425538604203, rel=1e-12)
    assert check.finite_difference == pytest.approx(check.value, rel=1e-6)


def test_gradient_check_keeps_the_point_exact() -> None:
    check = differentiate("x^2", at="x=1/3").at
    assert check is not None
    assert check.point == {x: sp.Rational(1, 3)}
    assert check.value == pytest.approx(2 / 3)


def test_relu_at_its_kink_shows_the_chosen_subgradient_and_the_central_difference() -> None:
    check = differentiate("relu(x)", at="x=0").at
    assert check is not None
    assert check.value == 0.0
    assert check.finite_difference == pytest.approx(0.5, rel=1e-9)
    assert check.kink


@pytest.mark.parametrize(("text", "at"), [("log(x)", "x=0"), ("sqrt(x)", "x=-1")])
def test_gradient_check_where_the_function_is_undefined(text: str, at: str) -> None:
    check = differentiate(text, at=at).at
    assert check is not None
    assert check.value is None


def test_at_needs_every_variable() -> None:
    with pytest.raises(UsageError, match="missing: y"):
        differentiate("x^2 y", wrt="x", at="x=1")


@pytest.mark.parametrize("at", ["x", "x=", "=1", "x=y", "2=1", "x=1,", "x=sin(", "x==1"])
def test_at_that_cannot_be_read(at: str) -> None:
    with pytest.raises(InputError):
        differentiate("x^2", at=at)


# --- the JSON shape ------------------------------------------------------------------------------


def _step_dicts(data: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield data
    for sub in data["substeps"]:
        yield from _step_dicts(sub)


def _symbols(result: Differentiation) -> set[sp.Symbol]:
    found = set(result.expression.free_symbols) | {result.variable}
    for step in result.steps:
        for node in step.walk():
            found |= node.expression.free_symbols | node.eval().free_symbols | {node.variable}
    return found


def _read_back(text: str, symbols: set[sp.Symbol]) -> sp.Expr:
    # sympify on our own output, in a test: this is how a consumer of the JSON reads it.
    names: dict[str, Any] = {"sigmoid": sigmoid, "relu": relu, "softplus": softplus}
    names.update({s.name: s for s in symbols})
    return sp.sympify(text, locals=names)


JSON_CASES: list[tuple[str, str | None, int, str | None]] = [
    ("1/(1+exp(-x))", None, 1, "x=0.5"),
    ("tanh(x)", None, 2, None),
    ("x^2 y^3", "y", 1, "x=1, y=2"),
    ("relu(x) + softplus(x) + sigmoid(2x+1)", None, 1, "x=0"),
    ("atan(x/(1+x^2))^3", None, 1, None),
    ("(1+x)^(1/x)", None, 1, "x=1"),
    ("log(x, 10) + 2^x + abs(x)", None, 1, None),
    ("sin(x)^2 + sin(x)^2*cos(x)", None, 2, None),
    ("e^(sin(x)^2)/(1+x^4)", None, 1, None),
    ("theta^2 sin(alpha theta)", "theta", 1, None),
    ("x1^2 + z_2 x1", "x1", 1, None),
    ("sign(x) + heaviside(x - 1) + pi x", None, 1, None),
]


@pytest.fixture(params=JSON_CASES, ids=[case[0] for case in JSON_CASES])
def result(request: pytest.FixtureRequest) -> Differentiation:
    text, wrt, order, at = request.param
    return differentiate(text, wrt=wrt, order=order, at=at)


def test_to_dict_has_exactly_the_documented_keys(result: Differentiation) -> None:
    data = result.to_dict()
    assert set(data) == DIFF_KEYS
    assert data["input"] == result.input
    assert data["variable"] == result.variable.name
    assert data["order"] == result.order
    assert isinstance(data["latex"], str) and data["latex"]
    assert len(data["steps"]) == result.order
    for tree in data["steps"]:
        for step in _step_dicts(tree):
            assert set(step) == STEP_KEYS
            assert isinstance(step["explanation"], str) and step["explanation"]
    if result.at is None:
        assert data["at"] is None
    else:
        assert set(data["at"]) == AT_KEYS
        assert set(data["at"]["point"]) == {s.name for s in result.at.point}


def test_to_dict_is_strict_json(result: Differentiation) -> None:
    data = result.to_dict()
    assert json.loads(json.dumps(data, allow_nan=False)) == data


def test_to_dict_steps_mirror_the_step_trees(result: Differentiation) -> None:
    for tree, step in zip(result.to_dict()["steps"], result.steps, strict=True):
        pairs = list(zip(_step_dicts(tree), step.walk(), strict=True))
        assert [d["rule"] for d, _ in pairs] == [node.rule for _, node in pairs]
        assert [d["variable"] for d, _ in pairs] == [node.variable.name for _, node in pairs]


def test_every_expression_string_reads_back_as_what_it_stands_for(
    result: Differentiation,
) -> None:
    data = result.to_dict()
    symbols = _symbols(result)
    assert_same_function(_read_back(data["expression"], symbols), result.expression.doit())
    assert_same_function(_read_back(data["derivative"], symbols), result.derivative)
    for text, form in zip(data["forms"], result.orders[-1].forms, strict=True):
        assert_same_function(_read_back(text, symbols), form)
    for tree, step in zip(data["steps"], result.steps, strict=True):
        node: Step
        for d, node in zip(_step_dicts(tree), step.walk(), strict=True):
            assert _read_back(d["variable"], symbols) == node.variable
            assert_same_function(_read_back(d["expression"], symbols), node.expression.doit())
            assert_same_function(_read_back(d["derivative"], symbols), node.eval())


@pytest.mark.parametrize(
    ("text", "wrt", "order", "at"),
    [case for case in JSON_CASES if case[3] is not None],
    ids=[case[0] for case in JSON_CASES if case[3] is not None],
)
def test_to_dict_at_for_a_point(text: str, wrt: str | None, order: int, at: str) -> None:
    result = differentiate(text, wrt=wrt, order=order, at=at)
    data = result.to_dict()
    assert result.at is not None
    assert data["at"]["value"] == result.at.value
    assert data["at"]["finite_difference"] == result.at.finite_difference
    for name, value in data["at"]["point"].items():
        assert isinstance(value, float)
        (symbol,) = [s for s in result.at.point if s.name == name]
        assert value == pytest.approx(float(result.at.point[symbol]))


def test_to_dict_writes_undefined_values_as_null() -> None:
    data = differentiate("log(x)", at="x=0").to_dict()
    assert data["at"]["value"] is None
    assert json.loads(json.dumps(data, allow_nan=False))["at"]["value"] is None


def test_forms_in_json_include_the_ml_identity() -> None:
    data = differentiate("1/(1+exp(-x))").to_dict()
    assert data["forms"] == ["(1 - sigmoid(x))*sigmoid(x)"]


# --- Jupyter -------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["1/(1+exp(-x))", "x^x", "relu(x)"])
def test_repr_markdown_is_markdown_with_latex(text: str) -> None:
    markdown = differentiate(text)._repr_markdown_()
    assert isinstance(markdown, str)
    assert markdown.count("$") >= 2 and markdown.count("$") % 2 == 0
    assert "rule" in markdown.lower()
