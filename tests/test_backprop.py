"""Backpropagation: the gradient equals the symbolic one and the central difference (generated
expressions and the built-in networks), the graph is a proper computation graph, corners are
explained, the JSON contract, and the backprop command through CliRunner."""

from __future__ import annotations

import json
import math
from typing import Any

import mpmath
import pytest
import sympy as sp
from hypothesis import assume, given, reject, settings
from hypothesis import strategies as st
from invoke import fails as _fails
from invoke import ok as _ok
from typer.testing import CliRunner

from derivtutor.errors import DerivtutorError, UsageError
from derivtutor.language.functions import relu
from derivtutor.language.parse import parse, variables
from derivtutor.ml.backprop import EXAMPLES, Backprop, backprop, example
from derivtutor.render.json import backprop_dict
from derivtutor.render.show import show

runner = CliRunner()

BACKPROP_KEYS = {"nodes", "gradient", "symbolic", "finite_difference"}
NODE_KEYS = {"id", "op", "inputs", "value", "grad"}
FORMATS = ["text", "rich", "markdown", "latex", "json"]
AGREES = "Each gradient equals the symbolic derivative at the point"
CORNER = "This point is on a corner, where no derivative exists"
OTHER_POINTS = {
    "neuron": "x=-2,w=1.3,b=0.4,y=0",
    "mlp": "x1=-1,x2=2,w11=-0.5,w12=0.7,w21=1.1,w22=-0.3,b1=0.2,b2=0.3,v1=-0.9,v2=1.5,c=-0.2,y=0",
}


def _text(run: Backprop, fmt: str = "text") -> str:
    output = show(run, fmt)
    assert isinstance(output, str)
    return output


# --- an oracle independent of the engine: SymPy's diff, evaluated with mpmath at 30 digits -------

_MPMATH: dict[str, Any] = {
    "sigmoid": lambda t: 1 / (1 + mpmath.exp(-t)),
    "softplus": lambda t: mpmath.log(1 + mpmath.exp(t)),
    "relu": lambda t: max(t, 0),
    "Heaviside": lambda t, at_zero=0: at_zero if t == 0 else (1 if t > 0 else 0),
}


def _at(expr: sp.Expr, point: dict[str, str]) -> float:
    """expr (a SymPy expression over real symbols) at point (decimal strings), in 30 digits."""
    symbols = variables(expr) if expr.free_symbols else []
    f = sp.lambdify(symbols, expr, modules=[_MPMATH, "mpmath"])
    with mpmath.workdps(30):
        return float(f(*(mpmath.mpf(point[s.name]) for s in symbols)))


def _oracle(run: Backprop, point: dict[str, str]) -> dict[sp.Symbol, float]:
    expression = run.expression.doit()  # x - x may become 0 here: its derivative is still 0
    return {v: _at(sp.diff(expression, v), point) for v in run.gradient}


def _point(at: str) -> dict[str, str]:
    return dict(part.split("=") for part in at.split(","))


def _assert_well_formed_graph(run: Backprop) -> None:
    """A computation graph: topological, one node per sub-expression, the backward pass sums
    each node's edges, constants take no gradient."""
    nodes = run.nodes
    assert [n.id for n in nodes] == list(range(len(nodes)))
    for node in nodes:
        assert all(i < node.id for i in node.inputs), node  # topological order
    expressions = [n.expression for n in nodes]
    assert len(set(expressions)) == len(expressions)  # a repeated sub-expression is one node
    assert run.output is nodes[-1]
    assert run.output.expression == run.expression
    assert run.output.grad == 1.0  # ∂L/∂L
    assert {i for n in nodes for i in n.inputs} == set(range(len(nodes) - 1))  # all feed L
    # The backward pass runs from the output back, node by node.
    order = [e.node for e in run.backward]
    assert order == sorted(order, reverse=True)
    for node in nodes:
        mine = [(e.input, e.local) for e in run.backward if e.node == node.id]
        expected = [
            (i, local)
            for i, local in zip(node.inputs, node.local, strict=True)
            if nodes[i].op != "const"
        ]
        assert mine == expected, node
    for edge in run.backward:
        assert edge.upstream == nodes[edge.node].grad  # complete before it is sent on
        assert edge.contribution == edge.local * edge.upstream
    for node in nodes[:-1]:
        contributions = [e.contribution for e in run.backward if e.input == node.id]
        if node.op == "const":
            assert contributions == []
            assert node.grad == 0.0
        else:
            assert node.grad == sum(contributions, 0.0)
    inputs = {n.expression: n.grad for n in nodes if n.op == "input"}
    assert inputs == run.gradient
    assert list(run.gradient) == variables(run.expression)


# --- generated expressions -----------------------------------------------------------------------

LEAVES = st.sampled_from(["x", "w", "b", "x", "w", "b", "2", "3", "0.5"])
FUNCTIONS = ["sin", "cos", "exp", "tanh", "sigmoid", "softplus", "relu", "abs"]


def _expressions(depth: int) -> st.SearchStrategy[str]:
    if depth == 0:
        return LEAVES
    sub = _expressions(depth - 1)
    return st.one_of(
        LEAVES,
        st.tuples(sub, st.sampled_from(["+", "-", "*"]), sub).map(
            lambda t: f"({t[0]} {t[1]} {t[2]})"
        ),
        st.tuples(st.sampled_from(FUNCTIONS), sub).map(lambda t: f"{t[0]}({t[1]})"),
        st.tuples(sub, st.sampled_from([2, 3])).map(lambda t: f"({t[0]})^{t[1]}"),
        sub.map(lambda s: f"ln(1 + ({s})^2)"),
        sub.map(lambda s: f"({s}) / (1 + w^2)"),
    )


COORDINATES = st.integers(-2000, 2000).map(lambda n: str(n / 1000))  # [-2, 2], exact decimals


@settings(max_examples=40)
@given(_expressions(3), st.tuples(COORDINATES, COORDINATES, COORDINATES))
def test_backprop_equals_the_symbolic_gradient_and_the_difference(
    text: str, coordinates: tuple[str, str, str]
) -> None:
    expression = parse(text)
    assume(expression.free_symbols)
    values = dict(zip(["x", "w", "b"], coordinates, strict=True))
    point = {v.name: values[v.name] for v in variables(expression)}
    exact = {v: sp.Rational(point[v.name]) for v in variables(expression)}
    for corner in expression.atoms(sp.Abs, relu):  # away from |u| and relu(u) at u = 0
        assume(abs(corner.args[0].evalf(30, subs=exact)) > 1e-3)
    at = ",".join(f"{name}={value}" for name, value in point.items())
    try:
        run = backprop(text, at)
    except UsageError as err:
        # Overflow in the forward pass is refused, not a wrong answer.
        assert "forward pass breaks" in str(err), err
        reject()
    _assert_well_formed_graph(run)
    assert run.output.value == pytest.approx(_at(expression.doit(), point), rel=1e-9, abs=1e-12)
    assert not run.kink
    oracle = _oracle(run, point)
    assert set(run.gradient) == set(oracle) == set(run.symbolic) == set(run.finite_difference)
    for v, g in run.gradient.items():
        # abs 1e-12: floats lose the digits of ln(1 + u²) for a tiny u, where the gradient is ~0.
        assert g == pytest.approx(oracle[v], rel=1e-9, abs=1e-12), v
        assert g == pytest.approx(run.symbolic[v], rel=1e-9, abs=1e-12), v
        assert g == pytest.approx(run.finite_difference[v], rel=1e-5, abs=1e-7), v


# --- the built-in networks -----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["neuron", "mlp"])
@pytest.mark.parametrize("other", [False, True])
def test_examples_agree_with_symbolic_and_difference(name: str, other: bool) -> None:
    at = OTHER_POINTS[name] if other else None
    run = example(name, at)
    assert run.title == EXAMPLES[name].title
    assert run.expression == parse(EXAMPLES[name].expression)
    assert {v.name: x for v, x in run.point.items()} == {
        k: float(v) for k, v in _point(at or EXAMPLES[name].at).items()
    }
    _assert_well_formed_graph(run)
    assert not run.kink
    oracle = _oracle(run, _point(at or EXAMPLES[name].at))
    assert len(run.gradient) == (4 if name == "neuron" else 12)
    for v, g in run.gradient.items():
        assert g == pytest.approx(run.symbolic[v], rel=1e-9), v
        assert g == pytest.approx(oracle[v], rel=1e-9), v
        assert g == pytest.approx(run.finite_difference[v], rel=1e-5, abs=1e-7), v
    assert _text(run).rstrip().endswith("backpropagation is the chain rule, run node by node.")


@pytest.mark.parametrize("at", [EXAMPLES["neuron"].at, OTHER_POINTS["neuron"]])
def test_neuron_gradient_is_the_textbook_one(at: str) -> None:
    p = {k: float(v) for k, v in _point(at).items()}
    s = 1 / (1 + math.exp(-(p["w"] * p["x"] + p["b"])))
    delta = (s - p["y"]) * s * (1 - s)
    expected = {"w": delta * p["x"], "x": delta * p["w"], "b": delta, "y": p["y"] - s}
    run = example("neuron", at)
    assert {v.name: g for v, g in run.gradient.items()} == pytest.approx(expected, rel=1e-12)
    assert run.output.value == pytest.approx((s - p["y"]) ** 2 / 2, rel=1e-12)


def test_the_default_example_is_the_expression_at_its_point() -> None:
    chosen = EXAMPLES["mlp"]
    assert example("mlp").gradient == backprop(chosen.expression, chosen.at).gradient


# --- graph structure -----------------------------------------------------------------------------


def test_a_repeated_sub_expression_is_one_node_used_twice() -> None:
    run = backprop("sin(x)*sin(x) + sin(x)", "x=0.7")
    _assert_well_formed_graph(run)
    sines = [n for n in run.nodes if n.op == "sin"]
    assert len(sines) == 1
    sine = sines[0]
    product = next(n for n in run.nodes if n.op == "·")
    assert product.inputs == (sine.id, sine.id)
    assert sorted(run.output.inputs) == sorted((product.id, sine.id))
    edges = [e for e in run.backward if e.input == sine.id]
    assert len(edges) == 3  # twice from the product, once from the sum
    assert sine.grad == pytest.approx(2 * math.sin(0.7) + 1, rel=1e-15)
    x = sp.Symbol("x", real=True)
    assert run.gradient[x] == pytest.approx((2 * math.sin(0.7) + 1) * math.cos(0.7), rel=1e-15)


def test_an_input_used_twice_in_a_sum_gets_both_contributions() -> None:
    run = backprop("x + x", "x=3")
    _assert_well_formed_graph(run)
    assert [n.op for n in run.nodes] == ["input", "+"]
    assert run.nodes[1].inputs == (0, 0)
    assert [e.contribution for e in run.backward] == [1.0, 1.0]
    assert run.nodes[0].grad == 2.0


def test_constants_are_nodes_without_a_backward_edge() -> None:
    run = backprop("x^2 + 3*x + 2", "x=1")
    _assert_well_formed_graph(run)
    constants = [n for n in run.nodes if n.op == "const"]
    # The exponent 2 and the summand 2 are the same constant: one node, used twice.
    assert sorted(n.value for n in constants) == [2.0, 3.0]
    two = next(n.id for n in constants if n.value == 2.0)
    assert [n.id for n in run.nodes if two in n.inputs] == [2, 5]
    assert all(e.input not in {n.id for n in constants} for e in run.backward)
    assert [(e.node, e.input) for e in run.backward] == [(5, 2), (5, 4), (4, 0), (2, 0)]
    assert run.nodes[0].grad == 5.0  # 2x + 3 at x = 1: 3 (from 3x) + 2 (from x²)
    forward = _text(run).split("Backward pass")[0]
    const_rows = [line.split() for line in forward.splitlines() if "constant" in line]
    # node, "constant c", its value, and no ∂L/∂node
    assert const_rows == [["n1", "constant", "2", "2"], ["n3", "constant", "3", "3"]]


def test_values_and_local_derivatives_of_each_operation() -> None:
    run = backprop("sigmoid(w*x + b)", "x=1,w=0.5,b=0.1")
    by_op = {n.op: n for n in run.nodes}
    s = 1 / (1 + math.exp(-0.6))
    assert by_op["σ"].value == pytest.approx(s, rel=1e-15)
    assert by_op["σ"].local == pytest.approx((s * (1 - s),), rel=1e-12)
    assert by_op["+"].value == pytest.approx(0.6) and by_op["+"].local == (1.0, 1.0)
    assert by_op["·"].value == 0.5 and sorted(by_op["·"].local) == [0.5, 1.0]


def test_a_varying_exponent_gets_its_log_term() -> None:
    run = backprop("x^w", "x=2,w=3")
    _assert_well_formed_graph(run)
    names = {v.name: g for v, g in run.gradient.items()}
    assert names == pytest.approx({"x": 12.0, "w": 8 * math.log(2)}, rel=1e-15)


# --- corners -------------------------------------------------------------------------------------


def test_relu_at_its_corner_is_flagged_and_explained() -> None:
    run = backprop("relu(w x)", "w=0,x=1.5")
    assert run.kink
    w, x = sp.symbols("w x", real=True)
    assert run.gradient == {w: 0.0, x: 0.0}  # relu'(0) = 0, the subgradient PyTorch uses
    assert run.symbolic == {w: 0.0, x: 0.0}
    assert run.finite_difference[w] == pytest.approx(0.75)  # the two sides averaged
    text = _text(run)
    assert CORNER in text
    assert "relu′(0) = 0" in text
    assert AGREES not in text
    assert "Warning" not in text


def test_off_the_corner_there_is_no_flag_and_all_three_agree() -> None:
    run = backprop("relu(w x)", "w=0.2,x=1.5")
    assert not run.kink
    assert {v.name: g for v, g in run.gradient.items()} == pytest.approx({"w": 1.5, "x": 0.2})
    text = _text(run)
    assert AGREES in text
    assert CORNER not in text


# --- saturation and sech (once bugs: sech was rewritten in overflowing exponentials) ------------


@pytest.mark.parametrize(("expr", "at"), [("tanh(sin(x))", "x=0.5"), ("tanh(x^2)", "x=-1")])
def test_symbolic_side_of_tanh_is_not_undefined(expr: str, at: str) -> None:
    run = backprop(expr, at)
    x = sp.Symbol("x", real=True)
    assert run.gradient[x] == pytest.approx(run.finite_difference[x], rel=1e-6)
    assert run.symbolic[x] == pytest.approx(run.gradient[x], rel=1e-9)
    assert AGREES in _text(run)


def test_a_saturated_tanh_still_has_a_gradient() -> None:
    run = backprop("tanh(w*x)", "w=100,x=9")
    assert all(g == pytest.approx(0.0, abs=1e-300) for g in run.gradient.values())


def test_a_saturated_sigmoid_has_a_vanishing_gradient() -> None:
    # The same behaviour as a saturated tanh.
    run = backprop("sigmoid(w*x)", "w=100,x=9")
    assert all(g == 0.0 for g in run.gradient.values())
    assert AGREES in _text(run)


# --- errors --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expr", "at", "message"),
    [
        ("2 + 3", "x=1", "with inputs"),
        ("w*x", "x=1", "missing: w"),
        ("w*x", "x=1,w=2,z=3", "z is not a variable"),
        ("ln(x)", "x=-1", "forward pass breaks"),
        ("1/x", "x=0", "forward pass breaks"),
        ("sqrt(x)", "x=0", "no derivative at this point"),
    ],
)
def test_bad_inputs_are_refused(expr: str, at: str, message: str) -> None:
    with pytest.raises(DerivtutorError, match=message):
        backprop(expr, at)


def test_an_unknown_example_is_refused() -> None:
    with pytest.raises(UsageError, match="neuron, mlp"):
        example("nope")


# --- JSON and the other formats ------------------------------------------------------------------


def test_json_has_the_contract_shape() -> None:
    run = backprop("x^2 + 3*x + 2", "x=1")
    data = json.loads(_text(run, "json"))
    assert data == backprop_dict(run)
    assert set(data) == BACKPROP_KEYS
    assert [set(node) for node in data["nodes"]] == [NODE_KEYS] * len(run.nodes)
    assert data["nodes"] == [
        {"id": 0, "op": "input", "inputs": [], "value": 1.0, "grad": 5.0},
        {"id": 1, "op": "const", "inputs": [], "value": 2.0, "grad": 0.0},
        {"id": 2, "op": "^", "inputs": [0, 1], "value": 1.0, "grad": 1.0},
        {"id": 3, "op": "const", "inputs": [], "value": 3.0, "grad": 0.0},
        {"id": 4, "op": "·", "inputs": [3, 0], "value": 3.0, "grad": 1.0},
        {"id": 5, "op": "+", "inputs": [2, 4, 1], "value": 6.0, "grad": 1.0},
    ]
    assert data["gradient"] == {"x": 5.0}
    assert data["symbolic"] == {"x": 5.0}
    assert data["finite_difference"]["x"] == pytest.approx(5.0, rel=1e-9)


def test_json_of_the_mlp_names_every_input() -> None:
    run = example("mlp")
    data = backprop_dict(run)
    names = [name for name, _ in (p.split("=") for p in EXAMPLES["mlp"].at.split(","))]
    for key in ("gradient", "symbolic", "finite_difference"):
        assert set(data[key]) == set(names)
    assert data["gradient"] == {v.name: g for v, g in run.gradient.items()}
    assert {n["op"] for n in data["nodes"]} == {"input", "const", "·", "+", "tanh", "σ", "^"}
    assert data["nodes"][-1]["grad"] == 1.0


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_renders(fmt: str) -> None:
    out = _ok(["backprop", "--format", fmt, "sigmoid(w*x + b)", "--at", "x=1,w=0.5,b=0.1"])
    if fmt == "json":
        assert set(json.loads(out)) == BACKPROP_KEYS
        return
    flat = " ".join(out.split())
    assert "Forward pass" in flat
    assert "Backward pass" in flat
    assert "0.228784" in flat  # ∂L/∂w = σ'(0.6)
    assert "backpropagation is the chain rule" in flat


# --- the command ---------------------------------------------------------------------------------


def test_cli_neuron() -> None:
    out = _ok(["backprop", "--example", "neuron"])
    lines = out.splitlines()
    assert lines[0] == f"Example: {EXAMPLES['neuron'].title}"
    assert lines[1].startswith("L = ")
    assert lines[2] == "at x = 1.5, w = 0.8, b = −0.3, y = 1"
    assert AGREES in out
    assert lines[-1].endswith("run node by node.")


def test_cli_mlp() -> None:
    out = _ok(["backprop", "--example", "mlp"])
    assert out.startswith("Example: a 2-2-1 network")
    assert out.count("tanh(n") == 2  # the two hidden units, one node each
    assert AGREES in out


def test_cli_example_at_another_point() -> None:
    out = _ok(
        ["backprop", "--format", "json", "--example", "neuron", "--at", OTHER_POINTS["neuron"]]
    )
    assert json.loads(out) == backprop_dict(example("neuron", OTHER_POINTS["neuron"]))


def test_cli_expression_json_matches_the_library() -> None:
    out = _ok(["backprop", "--format", "json", "relu(w x)", "--at", "w=0,x=1.5"])
    assert json.loads(out) == backprop_dict(backprop("relu(w x)", "w=0,x=1.5"))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--example", "nope"], "no example 'nope'"),
        (["x*w", "--example", "neuron"], "--example brings its own expression"),
        (["x*w"], "--at"),
        (["x*w", "--at", "x=1"], "missing: w"),
        (["--example", "neuron", "--at", "q=1"], "q is not a variable"),
        ([], "--example neuron"),
        (["2 + 3", "--at", "x=1"], "with inputs"),
        (["ln(x)", "--at", "x=-1"], "forward pass breaks"),
    ],
)
def test_cli_bad_input_exits_2(args: list[str], message: str) -> None:
    assert message in _fails(["backprop", *args])


# --- powers and functions with settings (from a review) -------------------------------------------


@pytest.mark.parametrize(
    ("expr", "at", "expected"),
    [
        ("x^(1/3)", "x=-8", 1 / 12),  # odd roots of negatives are real, as everywhere
        ("heaviside(x) + x", "x=1", 1.0),  # H(u, 0) is a node of one input
        ("x^3", "x=-2", 12.0),
    ],
)
def test_powers_and_settings_backpropagate(expr: str, at: str, expected: float) -> None:
    run = backprop(expr, at)
    (gradient,) = run.gradient.values()
    assert gradient == pytest.approx(expected, rel=1e-12)
    assert AGREES in _text(run)


@pytest.mark.parametrize(("expr", "at"), [("(-2)^x", "x=2"), ("x^y", "x=-2,y=3")])
def test_a_negative_base_with_a_varying_exponent_has_no_gradient(expr: str, at: str) -> None:
    with pytest.raises(UsageError, match="no derivative at this point"):
        backprop(expr, at)


def test_too_many_inputs_are_refused() -> None:
    terms = " + ".join(f"w{k} x{k}" for k in range(1, 22))
    at = ",".join(f"w{k}=1,x{k}=1" for k in range(1, 22))
    with pytest.raises(UsageError, match="at most 40 inputs"):
        backprop(terms, at)


def test_an_example_takes_some_values_from_at_and_keeps_the_rest() -> None:
    run = example("neuron", "w=2")
    assert {v.name: x for v, x in run.point.items()} == {"x": 1.5, "w": 2.0, "b": -0.3, "y": 1.0}
