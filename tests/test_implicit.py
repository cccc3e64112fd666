"""Tests for implicit differentiation: dy/dx for a table of curves against −F_x/F_y computed
here with SymPy, every node of both sides' step trees, the bad equations, and the JSON shape.
"""

from __future__ import annotations

import json
import random

import pytest
import sympy as sp
from contracts import STEP_KEYS

import derivtutor
from derivtutor.errors import InputError, UsageError
from derivtutor.language.functions import sigmoid
from derivtutor.render.show import show as render_result

x, y = sp.Symbol("x", real=True), sp.Symbol("y", real=True)
Y = sp.Function("y")(x)
IMPLICIT_KEYS = {"equation", "variable", "dependent", "derivative", "steps"}

# (equation, F = left − right written out here in SymPy, independently of the parser).
CURVES: list[tuple[str, sp.Expr]] = [
    ("x^2 + y^2 = 25", x**2 + y**2 - 25),
    ("(x-1)^2 + (y+2)^2 = 9", (x - 1) ** 2 + (y + 2) ** 2 - 9),
    ("x^2/4 + y^2/9 = 1", x**2 / 4 + y**2 / 9 - 1),
    ("x^2 + x y + y^2 = 7", x**2 + x * y + y**2 - 7),
    ("x^2 - y^2 = 1", x**2 - y**2 - 1),
    ("x y = 1", x * y - 1),
    ("x^3 + y^3 = 6 x y", x**3 + y**3 - 6 * x * y),
    ("(x^2 + y^2)^2 = 2 (x^2 - y^2)", (x**2 + y**2) ** 2 - 2 * (x**2 - y**2)),
    ("sin(x y) = x", sp.sin(x * y) - x),
    ("e^(x y) = x + y", sp.exp(x * y) - x - y),
    ("ln(y) = x y", sp.log(y) - x * y),
    ("y^2 = x^3 - x", y**2 - x**3 + x),
    ("x^2 y + y^3 = 2", x**2 * y + y**3 - 2),
    ("cos(y) = x", sp.cos(y) - x),
    ("tan(x+y) = y", sp.tan(x + y) - y),
    ("sqrt(x) + sqrt(y) = 3", sp.sqrt(x) + sp.sqrt(y) - 3),
    ("x^(2/3) + y^(2/3) = 4", x ** sp.Rational(2, 3) + y ** sp.Rational(2, 3) - 4),
    ("y^5 + x y = 3", y**5 + x * y - 3),
    ("x sin(y) + y cos(x) = 1", x * sp.sin(y) + y * sp.cos(x) - 1),
    ("exp(y) = x^2 + 1", sp.exp(y) - x**2 - 1),
    ("atan(y/x) = x", sp.atan(y / x) - x),
    ("sigmoid(y) = x", sigmoid(y) - x),
    ("y = x^2", y - x**2),
    ("25 = x^2 + y^2", 25 - x**2 - y**2),
]


def test_the_table_has_at_least_fifteen_curves() -> None:
    assert len({equation for equation, _ in CURVES}) >= 15


def _value(expr: sp.Expr, point: dict[sp.Symbol, float]) -> complex | None:
    number = expr.evalf(30, subs=point)
    if not number.is_number or number.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
        return None
    return complex(number)


def assert_equal_near(got: sp.Expr, expected: sp.Expr, seed: str) -> None:
    """Equal at random (x, y): dy/dx = −F_x/F_y is an identity in x and y, on the curve or not.

    x > 0 (sqrt(x), atan(y/x)); y of either sign half the time. Points where the shortcut is not
    real and finite are skipped."""
    rng = random.Random(seed)
    compared = 0
    for draw in range(80):
        low = -2.5 if draw % 2 else 0.1
        point = {x: rng.uniform(0.1, 2.5), y: rng.uniform(low, 2.5)}
        a, b = _value(got, point), _value(expected, point)
        if a is None or b is None or abs(b.imag) > 1e-20 or abs(b) > 1e8:
            continue
        assert abs(a - b) <= 1e-9 * max(1.0, abs(b)), f"{got} != {expected} at {point}"
        compared += 1
        if compared == 6:
            break
    assert compared >= 3, f"only {compared} points to compare {got} with {expected}"


def vanishes(difference: sp.Expr) -> bool:
    """Zero symbolically; tan² + 1 against sec² needs the rewrite to cos first."""
    return sp.simplify(difference) == 0 or sp.simplify(difference.rewrite(sp.cos)) == 0


@pytest.mark.parametrize(("equation", "f"), CURVES)
def test_dy_dx_is_minus_f_x_over_f_y(equation: str, f: sp.Expr) -> None:
    result = derivtutor.implicit(equation)
    shortcut = -sp.diff(f, x) / sp.diff(f, y)
    assert result.agrees
    assert result.derivative.free_symbols <= {x, y}
    assert not result.derivative.has(sp.Derivative, sp.Function("y"))
    assert_equal_near(result.derivative, shortcut, equation)
    assert_equal_near(result.shortcut, shortcut, equation + "shortcut")
    # A·dy/dx + B = 0: the collected coefficient is F_y, the rest F_x.
    assert_equal_near(result.coefficient, sp.diff(f, y), equation + "A")
    assert_equal_near(result.rest, sp.diff(f, x), equation + "B")


@pytest.mark.parametrize(("equation", "f"), CURVES)
def test_every_node_of_both_sides_is_true(equation: str, f: sp.Expr) -> None:
    result = derivtutor.implicit(equation)
    for side in (result.left_derivation, result.right_derivation):
        assert side.variable == x
        assert side.expression.free_symbols <= {x}  # y has become y(x)
        for node in side.steps[0].walk():
            claimed = node.eval()
            assert vanishes(claimed - sp.diff(node.expression, node.variable)), (
                f"{node.rule} node is false: d/d{node.variable} [{node.expression}] "
                f"is not {claimed}"
            )
    # Both sides, put back together, are F differentiated with y as y(x).
    total = result.left_derivation.steps[0].eval() - result.right_derivation.steps[0].eval()
    assert vanishes(total - sp.diff(f.subs(y, Y), x))


@pytest.mark.parametrize("equation", ["x^2 + y^2 = 25", "x^3 + y^3 = 6 x y", "sin(x y) = x"])
def test_the_chain_rule_brings_in_dy_dx_wherever_y_appears(equation: str) -> None:
    result = derivtutor.implicit(equation)
    rules = [n.rule for n in result.left_derivation.steps[0].walk()]
    assert "dependent" in rules
    dependent = [n for n in result.left_derivation.steps[0].walk() if n.rule == "dependent"]
    assert all(n.eval() == sp.Derivative(Y, x) for n in dependent)


def test_points_on_the_circle() -> None:
    result = derivtutor.implicit("x^2 + y^2 = 25")
    assert result.derivative == -x / y
    # The tangent at (3, 4) has slope −3/4; at (0, 5) it is horizontal.
    assert result.derivative.subs({x: 3, y: 4}) == sp.Rational(-3, 4)
    assert result.derivative.subs({x: 0, y: 5}) == 0


def test_the_folium_at_its_textbook_point() -> None:
    result = derivtutor.implicit("x^3 + y^3 = 6 x y")
    assert result.derivative.subs({x: 3, y: 3}) == -1


def test_other_letters_for_the_variables() -> None:
    result = derivtutor.implicit("t^2 + s^2 = 1", wrt="t", dependent="s")
    t, s = sp.Symbol("t", real=True), sp.Symbol("s", real=True)
    assert (result.variable, result.dependent) == (t, s)
    assert result.derivative == -t / s
    assert "ds/dt" in str(render_result(result, "text"))


def test_swapping_the_roles_gives_dx_dy() -> None:
    result = derivtutor.implicit("x^2 y = 1", wrt="y", dependent="x")
    assert sp.simplify(result.derivative - (-x / (2 * y))) == 0


# --- what the text says -------------------------------------------------------------------------


def test_text_shows_the_four_steps_and_the_check() -> None:
    text = str(render_result(derivtutor.implicit("x^3 + y^3 = 6 x y"), "text"))
    order = [
        "Implicit differentiation of x³ + y³ = 6x·y",
        "1. Differentiate both sides",
        "── left side ──",
        "d/dx [y³] = 3y²·dy/dx",
        "── right side ──",
        "2. The two derivatives are equal",
        "3. Collect the dy/dx terms",
        "4. Solve: dy/dx = (2y − x²)/(y² − 2x)",
        "−F_x/F_y = −(∂F/∂x)/(∂F/∂y) gives (2y − x²)/(y² − 2x) (the same)",
    ]
    positions = [text.index(phrase) for phrase in order]
    assert positions == sorted(positions)
    assert "please report" not in text


# --- bad equations ------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["x^2 + y^2", "x^2 + y^2 < 25", ""])
def test_an_equation_needs_an_equals_sign(text: str) -> None:
    with pytest.raises(InputError, match="exactly one '='") as caught:
        derivtutor.implicit(text)
    assert caught.value.column is None


@pytest.mark.parametrize(("text", "column"), [("x = y = 1", 7), ("x^2 + y^2 == 25", 12)])
def test_two_equals_signs_point_at_the_second(text: str, column: int) -> None:
    with pytest.raises(InputError, match="exactly one '=', not 2") as caught:
        derivtutor.implicit(text)
    assert caught.value.column == column
    assert text[column - 1] == "="


@pytest.mark.parametrize(
    ("text", "column"),
    [
        ("x^2 + y^2 = 25 +", 17),  # the right side's error, counted in the whole equation
        ("x^2 + y^2 = 2 sin x", 19),
        ("x^2 + ) = y", 7),
        ("x^2 + y^2 = 25 y(", 17),
    ],
)
def test_a_side_that_does_not_parse_points_into_the_whole_equation(text: str, column: int) -> None:
    with pytest.raises(InputError) as caught:
        derivtutor.implicit(text)
    assert caught.value.text == text
    assert caught.value.column == column


@pytest.mark.parametrize(("text", "column"), [("= y", 1), ("y =", 4), ("  =  ", 1)])
def test_an_empty_side_is_named(text: str, column: int) -> None:
    with pytest.raises(InputError, match="side of the equation is empty") as caught:
        derivtutor.implicit(text)
    assert caught.value.column == column


def test_a_suggestion_quotes_the_side_without_its_spaces() -> None:
    with pytest.raises(InputError) as caught:
        derivtutor.implicit("x^2 + y^2 = 25 +")
    assert caught.value.suggestion is not None
    assert "  25" not in caught.value.suggestion


def test_a_third_variable_is_refused() -> None:
    with pytest.raises(UsageError, match="only x and y; it also has z"):
        derivtutor.implicit("x + y + z = 1")


def test_an_equation_without_y_is_refused() -> None:
    with pytest.raises(UsageError, match="has no y"):
        derivtutor.implicit("x^2 = 4")


def test_wrt_and_dependent_must_differ() -> None:
    with pytest.raises(UsageError, match="must be different"):
        derivtutor.implicit("x^2 + y^2 = 1", wrt="y", dependent="y")


@pytest.mark.parametrize(("wrt", "dependent"), [("x+1", "y"), ("x", ""), ("2", "y")])
def test_the_variables_must_be_names(wrt: str, dependent: str) -> None:
    with pytest.raises(InputError, match="needs a variable name"):
        derivtutor.implicit("x^2 + y^2 = 1", wrt=wrt, dependent=dependent)


@pytest.mark.parametrize("text", ["y = y", "x^2 + y = y + 1"])
def test_an_equation_in_which_dy_dx_cancels_says_so(text: str) -> None:
    with pytest.raises(UsageError, match="cancels out"):
        derivtutor.implicit(text)


# --- JSON ---------------------------------------------------------------------------------------


def assert_step_shape(step: dict[str, object]) -> None:
    assert set(step) == STEP_KEYS
    substeps = step["substeps"]
    assert isinstance(substeps, list)
    for sub in substeps:
        assert_step_shape(sub)


@pytest.mark.parametrize(("equation", "f"), CURVES[:8] + CURVES[-4:])
def test_json_shape_and_a_derivative_in_x_and_y(equation: str, f: sp.Expr) -> None:
    result = derivtutor.implicit(equation)
    data = json.loads(json.dumps(result.to_dict()))
    assert set(data) == IMPLICIT_KEYS
    assert (data["equation"], data["variable"], data["dependent"]) == (equation, "x", "y")
    derivative = sp.sympify(data["derivative"], locals={"x": x, "y": y, "sigmoid": sigmoid})
    assert derivative.free_symbols <= {x, y}
    assert_equal_near(derivative, -sp.diff(f, x) / sp.diff(f, y), equation)
    assert len(data["steps"]) == 2
    for step in data["steps"]:
        assert_step_shape(step)
        assert step["variable"] == "x"


def test_renders_itself_in_jupyter() -> None:
    markdown = derivtutor.implicit("x^2 + y^2 = 25")._repr_markdown_()
    assert "left side" in markdown and "right side" in markdown
