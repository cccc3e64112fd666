"""Tests for gradients, Jacobians and Hessians: every entry against SymPy's own, every entry's
step tree node by node, the ML examples as a textbook writes them, and the choice of variables.
"""

from __future__ import annotations

import pytest
import sympy as sp
from trees import assert_equal_at_random_points, assert_tree_is_true

import derivtutor
from derivtutor.calculus.multivar import Gradient
from derivtutor.errors import InputError, UsageError
from derivtutor.language.functions import sigmoid
from derivtutor.language.parse import parse, variable
from derivtutor.render.show import show as render_result

b, w, x, y, z = (variable(name) for name in "bwxyz")


def text_of(result: object) -> str:
    return str(render_result(result, "text"))


def symbols_of(names: str | None, expression: sp.Expr) -> list[sp.Symbol]:
    if names is None:
        return sorted(expression.free_symbols, key=lambda s: s.name)
    return [variable(name) for name in names.split(",")]


# (expression, --vars or None for all of them, alphabetically): 2 to 4 variables each.
EXPRESSIONS: list[tuple[str, str | None]] = [
    # polynomials
    ("x^2 y + sin(y)", None),
    ("x^3 + y^3 - 3 x y", None),
    ("x y z", None),
    ("x^2 + y^2 + z^2 + w^2", None),
    ("(x + y)^3", None),
    ("x^2 y^3 z", None),
    ("x^2 - 2 x y + 3 y^2 - z", None),
    ("x^3 y - x y^3", None),
    ("(a x + b)^2 + (c x + d)^2", "a,b,c,d"),
    # quotients
    ("x/y", None),
    ("(x^2 + y)/(x - y^2)", None),
    ("(x - y)/(x + y)", None),
    ("x/(x^2 + y^2)", None),
    # exponentials and logarithms
    ("exp(x y)", None),
    ("e^(x^2 + y^2)", None),
    ("exp(-(x^2 + y^2)/2)", None),
    ("x e^y + y e^x", None),
    ("x exp(-x y)", None),
    ("exp(x) sin(y) + z^2", None),
    ("log(x^2 + y^2 + 1)", None),
    ("x log(y)", None),
    ("log(x y)", None),
    ("log(x, y)", None),
    ("2^(x y)", None),
    ("x^y", None),
    ("y^x", None),
    # roots, trig, inverse trig, hyperbolic
    ("sqrt(x^2 + y^2)", None),
    ("sqrt(x y + 1)", None),
    ("sqrt(1 - x^2 - y^2)", None),
    ("(x^2 + y^2)^(3/2)", None),
    ("sin(x) cos(y)", None),
    ("sin(x y) + cos(x + y)", None),
    ("sin(x + 2y - z)", None),
    ("tan(x - y)", None),
    ("cos(x)^2 + sin(y)^2", None),
    ("atan(y/x)", None),
    ("asin(x y)", None),
    ("cosh(x) sinh(y)", None),
    ("abs(x - y)", None),
    # neurons and losses
    ("sigmoid(w*x + b)", None),
    ("tanh(w*x + b)", None),
    ("relu(w*x + b)", None),
    ("softplus(w*x + b)", None),
    ("sigmoid(x) sigmoid(y)", None),
    ("tanh(w1 x + w2 y)", "w1,w2,x,y"),
    ("1/(1 + exp(-(w1 x1 + w2 x2 + b)))", "w1,w2,b"),
    ("(w*x + b - y)^2", None),
    ("(w*x + b - y)^2", "w,b"),
    ("(1 - sigmoid(w x + b))^2", None),
    ("-y*log(sigmoid(w*x+b)) - (1-y)*log(1-sigmoid(w*x+b))", "w,b"),
    ("-y*log(sigmoid(w*x+b)) - (1-y)*log(1-sigmoid(w*x+b))", None),
    ("log(1 + exp(w x))", None),
    ("w^2 + softplus(-y (w x + b))", "w,b"),
    ("log(exp(z1)+exp(z2)+exp(z3))", None),
    ("log(exp(z1)+exp(z2)) - z1", None),
]


def test_the_table_is_large_and_distinct() -> None:
    assert len({text for text, _ in EXPRESSIONS}) >= 40
    assert len(set(EXPRESSIONS)) == len(EXPRESSIONS)
    for text, names in EXPRESSIONS:
        assert 2 <= len(symbols_of(names, parse(text))) <= 4, text


@pytest.mark.parametrize(("text", "names"), EXPRESSIONS)
def test_gradient_matches_sympy(text: str, names: str | None) -> None:
    expression = parse(text)
    wrt = symbols_of(names, expression)
    result = derivtutor.gradient(text, names)
    assert result.variables == tuple(wrt)
    assert result.alphabetical is (names is None)
    assert len(result.components) == len(wrt)
    for v, component in zip(wrt, result.components, strict=True):
        assert component.variable == v
        assert component.held_constant == tuple(
            sorted(expression.free_symbols - {v}, key=lambda s: s.name)
        )
        assert_equal_at_random_points(
            component.derivative, sp.diff(expression, v), domain=expression, seed=(text, v)
        )
        assert_tree_is_true(component.steps[0], seed=len(text), wanted=3)
    assert result.vector == tuple(c.derivative for c in result.components)


@pytest.mark.parametrize(("text", "names"), EXPRESSIONS)
def test_hessian_matches_sympy_and_is_symmetric(text: str, names: str | None) -> None:
    expression = parse(text)
    wrt = symbols_of(names, expression)
    result = derivtutor.hessian(text, names)
    reference = sp.hessian(expression, wrt)
    size = len(wrt)
    assert result.variables == tuple(wrt)
    assert result.matrix.shape == (size, size)
    assert [g.variable for g in result.gradient] == wrt
    for r in range(size):
        for c in range(size):
            entry = result.entries[r][c]
            # Schwarz: the mixed partial is derived once, and the mirror is the same object.
            assert entry is result.entries[c][r]
            assert result.matrix[r, c] == result.matrix[c, r]
            if c < r:
                continue
            assert entry.variable == wrt[c]
            assert entry.expression == result.gradient[r].derivative
            assert_equal_at_random_points(
                entry.derivative, reference[r, c], domain=expression, seed=(text, r, c)
            )
            # A second derivative can be zero or undefined almost everywhere (relu, abs).
            assert_tree_is_true(entry.steps[0], seed=r + c, min_points=1, wanted=2)


def test_each_mixed_partial_is_derived_once() -> None:
    result = derivtutor.hessian("x y z + x^2 z")
    distinct = {id(e) for row in result.entries for e in row}
    assert len(distinct) == 6  # the upper triangle of a 3 x 3 matrix
    xz = result.entries[0][2]
    assert xz.expression == result.gradient[0].derivative  # ∂/∂z of ∂f/∂x
    assert xz.variable == z


# (functions, --vars or None): each a vector function of 2 to 4 variables.
JACOBIANS: list[tuple[tuple[str, ...], str | None]] = [
    (("x y", "x + y^2"), None),
    (("x^2 y", "5x + sin(y)"), None),
    (("r cos(t)", "r sin(t)"), "r,t"),
    (("r sin(p) cos(t)", "r sin(p) sin(t)", "r cos(p)"), "r,p,t"),
    (("exp(x) cos(y)", "exp(x) sin(y)"), None),
    (("u^2 - v^2", "2 u v"), None),
    (("x/(x + y)", "y/(x + y)"), None),
    (("exp(z1)/(exp(z1) + exp(z2))", "exp(z2)/(exp(z1) + exp(z2))"), None),
    (("x y z", "x + y + z", "x^2 - z^2"), None),
    (("log(x^2 + y^2)", "atan(y/x)"), None),
    (("sigmoid(w1 x + b1)", "sigmoid(w2 x + b2)"), "w1,b1,w2,b2"),
    (("tanh(x - y)", "relu(x y)", "softplus(x + 2y)"), None),
    (("sqrt(x^2 + y^2 + z^2)", "x/sqrt(x^2 + y^2 + z^2)"), "z,y,x"),
]


@pytest.mark.parametrize(("texts", "names"), JACOBIANS)
def test_jacobian_matches_sympy(texts: tuple[str, ...], names: str | None) -> None:
    expressions = [parse(t) for t in texts]
    wrt = symbols_of(names, sp.Add(*expressions))
    result = derivtutor.jacobian(list(texts), names)
    reference = sp.Matrix(expressions).jacobian(wrt)
    assert result.inputs == texts
    assert result.variables == tuple(wrt)
    assert result.matrix.shape == (len(texts), len(wrt))
    for r, f in enumerate(expressions):
        for c, v in enumerate(wrt):
            entry = result.entries[r][c]
            assert (entry.expression, entry.variable) == (f, v)
            assert_equal_at_random_points(
                entry.derivative, reference[r, c], domain=f, seed=(texts, r, c)
            )
            assert_tree_is_true(entry.steps[0], seed=r + c, min_points=1)


def test_jacobian_of_one_function_is_its_gradient_as_a_row() -> None:
    row = derivtutor.jacobian("x^2 y", "y,x").matrix
    assert row == sp.Matrix([[x**2, 2 * x * y]])


def test_jacobian_needs_an_expression() -> None:
    with pytest.raises(UsageError, match="at least one expression"):
        derivtutor.jacobian([])


# --- the ML examples, as a textbook writes them -------------------------------------------------

SQUARED = "(w*x + b - y)^2"
LOGISTIC = "-y*log(sigmoid(w*x+b)) - (1-y)*log(1-sigmoid(w*x+b))"


def test_squared_loss_gradient_is_factored_as_in_a_textbook() -> None:
    result = derivtutor.gradient(SQUARED, "w,b")
    residual = w * x + b - y
    expected = (2 * x * residual, 2 * residual)
    for got, want in zip(result.vector, expected, strict=True):
        assert sp.expand(got - want) == 0
        # Kept as a multiple of the residual, not multiplied out into 2wx² + 2bx − 2xy.
        assert sp.factor_terms(got) == sp.factor_terms(want)
        assert got.is_Mul and residual in got.args
    text = text_of(result)
    assert "∇f = (2x·(w·x + b − y), 2·(w·x + b − y))" in text
    assert "2x·(w·x + b − y)" in text
    assert "b, x, y are held constant" in text
    assert "w, x, y are held constant" in text
    assert "alphabetical" not in text


def test_logistic_loss_gradient_is_prediction_minus_label() -> None:
    result = derivtutor.gradient(LOGISTIC, "w,b")
    error = sigmoid(w * x + b) - y
    assert result.vector[1] == error
    assert sp.expand(result.vector[0] - x * error) == 0
    assert result.vector[0].is_Mul and error in result.vector[0].args
    text = text_of(result)
    assert "∇f = (x·(σ(w·x + b) − y), σ(w·x + b) − y)" in text
    assert "= σ(w·x + b) − y" in text


def test_log_sum_exp_gradient_is_softmax() -> None:
    result = derivtutor.gradient("log(exp(z1)+exp(z2)+exp(z3))")
    zs = [variable(f"z{k}") for k in (1, 2, 3)]
    total = sum(sp.exp(v) for v in zs)
    assert result.is_softmax
    assert result.vector == tuple(sp.exp(v) / total for v in zs)
    text = text_of(result)
    assert "the gradient of log-sum-exp is softmax" in text
    assert "softmax entries" in text


@pytest.mark.parametrize(
    "text",
    [
        "log(exp(z1)+exp(z2)) - z1",
        "log(exp(2 z1)+exp(z2))",
        "exp(z1)+exp(z2)",
        "log(exp(z1)+exp(z2)+exp(z3))+z3^2",
    ],
)
def test_other_gradients_are_not_called_softmax(text: str) -> None:
    result = derivtutor.gradient(text)
    assert not result.is_softmax
    assert "softmax" not in text_of(result)


def test_log_sum_exp_of_one_variable_is_not_softmax() -> None:
    # d/dz ln(e^z) = 1: a single "softmax" entry is the constant 1, not worth the name.
    assert not derivtutor.gradient("log(exp(z1))").is_softmax


# --- choosing the variables ---------------------------------------------------------------------


def test_without_vars_the_order_is_alphabetical_and_said_so() -> None:
    result = derivtutor.gradient("z y + x w")
    assert result.variables == (w, x, y, z)
    assert result.alphabetical
    assert "(no --vars given: the variables are taken in alphabetical order)" in text_of(result)
    for build in (derivtutor.hessian, lambda t: derivtutor.jacobian([t])):
        assert "alphabetical order" in text_of(build("z y + x w"))


@pytest.mark.parametrize("names", ["y,x", ["y", "x"], " y , x "])
def test_an_explicit_order_is_kept(names: str | list[str]) -> None:
    result = derivtutor.gradient("x^2 y", names)
    assert result.variables == (y, x)
    assert not result.alphabetical
    assert result.vector == (x**2, 2 * x * y)
    assert "alphabetical" not in text_of(result)
    assert derivtutor.hessian("x^2 y", names).matrix == sp.Matrix([[0, 2 * x], [2 * x, 2 * y]])


def test_a_subset_of_the_variables_holds_the_rest_constant() -> None:
    result = derivtutor.gradient("x^2 y + z", "x,y")
    assert result.vector == (2 * x * y, x**2)
    assert [c.held_constant for c in result.components] == [(y, z), (x, z)]
    assert "(a partial derivative: y, z are held constant)" in text_of(result)
    assert "(a partial derivative: x, z are held constant)" in text_of(result)


def test_a_single_variable_gradient_still_names_what_is_held_constant() -> None:
    result = derivtutor.gradient("x^2 y", "y")
    assert result.vector == (x**2,)
    assert result.components[0].held_constant == (x,)
    assert "x is held constant" in text_of(result)


@pytest.mark.parametrize("build", [derivtutor.gradient, derivtutor.hessian, derivtutor.jacobian])
def test_an_unknown_variable_is_named(build: object) -> None:
    assert callable(build)
    with pytest.raises(UsageError, match=r"^q does not appear in the expression.*x, y"):
        build("x^2 y", "x,q")


def test_a_variable_listed_twice_is_refused() -> None:
    with pytest.raises(UsageError, match="x is listed twice"):
        derivtutor.gradient("x^2 y", "x,y,x")


@pytest.mark.parametrize(("names", "column"), [("x+y", 1), ("2", 1), ("x,", 3), ("x,,y", 3)])
def test_vars_must_be_names(names: str, column: int) -> None:
    with pytest.raises(InputError, match="^vars needs variable names") as caught:
        derivtutor.gradient("x^2 y", names)
    # The caret points at the entry that is not a name.
    assert caught.value.column == column


@pytest.mark.parametrize("text", ["5", "pi^2 + 1", "sin(2)"])
def test_an_expression_without_variables_needs_vars(text: str) -> None:
    with pytest.raises(UsageError, match="no variables"):
        derivtutor.gradient(text)


def test_a_constant_has_a_zero_gradient_in_the_variables_given() -> None:
    # As diff does with d/dx 5: with nothing to mistype, any variable named is accepted.
    assert derivtutor.gradient("5", "x,y").vector == (0, 0)


def test_too_many_variables_are_refused() -> None:
    names = [f"x{k}" for k in range(1, 14)]
    with pytest.raises(UsageError, match="at most 12 variables"):
        derivtutor.gradient(" + ".join(names))


# --- the gradient at a point --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "names", "at"),
    [
        ("x^2 y + sin(y)", None, "x=1,y=2"),
        (SQUARED, "w,b", "w=0.5,b=-1,x=2,y=3"),
        (LOGISTIC, "w,b", "w=0.3,b=0.1,x=1.5,y=1"),
        ("log(exp(z1)+exp(z2)+exp(z3))", None, "z1=0.1,z2=-0.4,z3=1"),
        ("sqrt(x^2 + y^2)", None, "x=3,y=4"),
    ],
)
def test_at_checks_every_component_with_a_finite_difference(
    text: str, names: str | None, at: str
) -> None:
    result = derivtutor.gradient(text, names, at=at)
    assert result.at is not None and len(result.at) == len(result.variables)
    expression = parse(text)
    for component, check in zip(result.components, result.at, strict=True):
        assert component.at is check
        exact = float(sp.diff(expression, component.variable).subs(check.point))
        assert check.value == pytest.approx(exact, rel=1e-9, abs=1e-12)
        assert check.finite_difference == pytest.approx(exact, rel=1e-6, abs=1e-8)
        assert not check.kink
    assert text_of(result).count("finite difference") == len(result.variables)


def test_at_of_a_textbook_point() -> None:
    result = derivtutor.gradient("x^2 y + sin(y)", at="x=1,y=0")
    assert result.at is not None
    assert [c.value for c in result.at] == [0.0, 2.0]


def test_at_needs_every_variable() -> None:
    with pytest.raises(UsageError, match="missing: y"):
        derivtutor.gradient("x^2 y", at="x=1")


def test_without_at_there_is_no_check() -> None:
    result = derivtutor.gradient("x^2 y")
    assert result.at is None
    assert all(c.at is None for c in result.components)
    assert "finite difference" not in text_of(result)


# --- what the Hessian and Jacobian say ----------------------------------------------------------


def test_hessian_text_names_schwarz_and_the_variables() -> None:
    text = text_of(derivtutor.hessian("x^2 y + sin(y)"))
    assert "Schwarz" in text
    assert "∇f = (2x·y, x² + cos(y))" in text


def test_hessian_of_one_variable_does_not_mention_mixed_partials() -> None:
    assert "Schwarz" not in text_of(derivtutor.hessian("x^2 y", "y"))


def test_hessian_steps_derive_each_entry_once() -> None:
    result = derivtutor.hessian("x^2 y + sin(y)")
    text = str(render_result(result, "text", steps=True))
    # Two first partials, then the three entries of the upper triangle, each a heading.
    assert text.count("── ") == 5
    assert "── ∂²f/∂y∂x ──" in text
    assert "── ∂²f/∂x∂y ──" not in text
    assert "(--steps shows" not in text
    assert "(--steps shows" in text_of(result)


def test_jacobian_steps_derive_every_entry() -> None:
    result = derivtutor.jacobian(["x y", "x + y^2"])
    text = str(render_result(result, "text", steps=True))
    assert [line for line in text.splitlines() if line.startswith("── ")] == [
        "── ∂f1/∂x ──",
        "── ∂f1/∂y ──",
        "── ∂f2/∂x ──",
        "── ∂f2/∂y ──",
    ]


def test_results_render_themselves_in_jupyter() -> None:
    for result in (
        derivtutor.gradient("x^2 y"),
        derivtutor.jacobian(["x y", "x + y"]),
        derivtutor.hessian("x^2 y"),
    ):
        markdown = result._repr_markdown_()
        assert "x" in markdown and markdown.endswith("\n")


def test_gradient_is_a_gradient() -> None:
    assert isinstance(derivtutor.gradient("x y"), Gradient)
