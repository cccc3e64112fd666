"""Backpropagation: the chain rule run over a computation graph, micrograd-style.

The expression becomes a graph with one node per operation (a sum, a product, a power, a
function) and one per input and constant; a sub-expression that occurs twice is one node, used
twice, as in a real network. The forward pass gives each node its value; the backward pass
starts from ∂L/∂L = 1 at the output and, in reverse topological order, sends each node's
gradient to its inputs, multiplied by the local derivative ∂node/∂input. An input's gradient
is the sum over every path, which is exactly the multivariable chain rule.

Local derivatives are the textbook rules for one node, evaluated at the node's inputs: for a
sum 1, for a product the other factors, for a power n·uⁿ⁻¹ (and uᵛ·ln u for a varying
exponent), written here as numbers; for a function, the engine's own rule (derive.py: sin → cos,
σ → σ(1 − σ), ...) at the input's value. The result is checked against the engine's symbolic
gradient and a central difference, both computed independently of the graph.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import sympy as sp

from derivtutor.engine.derive import derivation
from derivtutor.engine.numeric import constant_value, float_function
from derivtutor.errors import UsageError
from derivtutor.language.inputs import choose_variables, parse_point
from derivtutor.language.parse import parse

MAX_NODES = 500
MAX_INPUTS = 40  # each input's symbolic and numeric check costs a compile


@dataclass
class Node:
    """One node: what it computes, from which nodes, its value, and its gradient ∂L/∂node."""

    id: int
    op: str  # "input", "const", "+", "·", "^", or a function's name
    expression: sp.Expr
    inputs: tuple[int, ...] = ()
    value: float = math.nan
    local: tuple[float, ...] = ()  # ∂node/∂input, one per input
    grad: float = 0.0
    name: str = ""  # an input's variable name

    @property
    def constant(self) -> sp.Expr:
        """A constant node's value, evaluated (the graph keeps it as written: −1·2)."""
        return self.expression.doit()


@dataclass(frozen=True)
class Edge:
    """One step of the backward pass: the gradient node → input."""

    node: int
    input: int
    local: float  # ∂node/∂input
    upstream: float  # ∂L/∂node
    contribution: float  # local × upstream, added to ∂L/∂input


@dataclass(frozen=True)
class Backprop:
    input: str
    expression: sp.Expr
    point: dict[sp.Symbol, float]
    nodes: tuple[Node, ...]  # in topological order: every node after its inputs
    backward: tuple[Edge, ...]  # in the order the backward pass runs
    gradient: dict[sp.Symbol, float]
    symbolic: dict[sp.Symbol, float | None]
    finite_difference: dict[sp.Symbol, float | None]
    title: str = ""  # a built-in example's name
    kink: bool = False  # a corner (|u|, relu(u) at u = 0): no derivative, a subgradient

    @property
    def output(self) -> Node:
        return self.nodes[-1]

    def to_dict(self) -> dict[str, object]:
        from derivtutor import display

        return display.to_dict(self)


@dataclass
class _Graph:
    nodes: list[Node] = field(default_factory=list)
    ids: dict[sp.Expr, int] = field(default_factory=dict)

    def add(self, expr: sp.Expr) -> int:
        """The node for ``expr`` (made once, with its inputs before it)."""
        if expr in self.ids:
            return self.ids[expr]
        if len(self.nodes) >= MAX_NODES:
            raise UsageError(f"the computation graph would have more than {MAX_NODES} nodes")
        op, parts = _operation(expr)
        inputs = tuple(self.add(part) for part in parts)
        node = Node(len(self.nodes), op, expr, inputs)
        if isinstance(expr, sp.Symbol):
            node.name = expr.name
        self.nodes.append(node)
        self.ids[expr] = node.id
        return node.id


def _operation(expr: sp.Expr) -> tuple[str, tuple[sp.Expr, ...]]:
    if isinstance(expr, sp.Symbol):
        return "input", ()
    if not expr.free_symbols:
        return "const", ()
    if isinstance(expr, sp.Add):
        return "+", expr.args
    if isinstance(expr, sp.Mul):
        return "·", expr.args
    if isinstance(expr, sp.Pow):
        return "^", expr.args
    if (
        isinstance(expr, sp.Function)
        and expr.args
        and not any(a.free_symbols for a in expr.args[1:])
    ):
        # One varying argument; the rest are settings, such as H(u, 0)'s value at 0.
        return _name(expr), expr.args[:1]
    raise UsageError(f"backprop has no node for {expr.func.__name__} (in {expr})")


def _name(expr: sp.Expr) -> str:
    names = {"exp": "exp", "log": "ln", "Abs": "abs", "sigmoid": "σ", "Heaviside": "H"}
    name = type(expr).__name__
    return names.get(name, name)


def build(expression: sp.Expr) -> list[Node]:
    graph = _Graph()
    graph.add(expression)
    return graph.nodes


def _local(node: Node, nodes: list[Node]) -> tuple[float, ...]:
    """∂node/∂input for each input, at the input values: the one rule this node applies."""
    values = [nodes[i].value for i in node.inputs]
    if node.op == "+":
        return tuple(1.0 for _ in values)
    if node.op == "·":
        return tuple(math.prod(values[:k] + values[k + 1 :]) for k in range(len(values)))
    if node.op == "^":
        base, exponent = values
        written = nodes[node.inputs[1]].expression
        if written.free_symbols:
            # u^v: v·u^(v−1) and u^v·ln(u), defined for u > 0 only.
            if base <= 0:
                return (math.nan, math.nan)
            return (exponent * base ** (exponent - 1), base**exponent * math.log(base))
        d_base = _power(base, written - 1)
        return (math.nan if d_base is None else float(exponent) * d_base, 0.0)
    # A function: its derivative, as the engine's rule for it states it, at the input's value.
    u = sp.Dummy("u", real=True)
    function = _with_argument(node.expression, u)
    rule = derivation(function, u).eval()
    value = float_function(rule, [u])([values[0]])
    return (math.nan if value is None else value,)


def _forward(nodes: list[Node], point: dict[sp.Symbol, float]) -> None:
    for node in nodes:
        if node.op == "input":
            node.value = point[node.expression]
        else:
            value = float_function(node.expression, [])([]) if node.op == "const" else None
            if node.op != "const":
                value = _combine(node, nodes)
            if value is None or not math.isfinite(value):
                raise UsageError(
                    f"the forward pass breaks at node {node.id} ({node.op}): its value is "
                    "undefined or too large at this point"
                )
            node.value = value


def _combine(node: Node, nodes: list[Node]) -> float | None:
    values = [nodes[i].value for i in node.inputs]
    try:
        if node.op == "+":
            return math.fsum(values)
        if node.op == "·":
            return math.prod(values)
        if node.op == "^":
            written = nodes[node.inputs[1]].expression
            if not written.free_symbols:
                return _power(values[0], written)
            result = values[0] ** values[1]
            return None if isinstance(result, complex) else float(result)
    except (OverflowError, ZeroDivisionError, ValueError):
        return None
    u = sp.Dummy("u", real=True)
    return float_function(_with_argument(node.expression, u), [u])([values[0]])


def _with_argument(call: sp.Expr, u: sp.Symbol) -> sp.Expr:
    """The same function of u: sin(x²) → sin(u), H(x, 0) → H(u, 0)."""
    return call.func(u, *call.args[1:])


def _power(base: float, exponent: sp.Expr) -> float | None:
    """base^exponent for a constant exponent, with odd roots of negatives real (∛−8 = −2),
    as everywhere else in derivtutor."""
    b = sp.Dummy("b", real=True)
    return float_function(sp.Pow(b, exponent), [b])([base])


def backprop(text: str, at: str, title: str = "") -> Backprop:
    """Forward and backward passes over the graph of ``text`` at the point ``at``."""
    from derivtutor.calculus.gradient_check import gradient_check

    expression = parse(text)
    if not expression.free_symbols:
        raise UsageError("backprop needs an expression with inputs, such as w*x + b")
    if len(expression.free_symbols) > MAX_INPUTS:
        raise UsageError(
            f"backprop shows every node and edge; at most {MAX_INPUTS} inputs, not "
            f"{len(expression.free_symbols)}"
        )
    exact = parse_point(at, expression, to_float=constant_value)
    point = {v: float(value.evalf(17)) for v, value in exact.items()}
    nodes = build(expression)
    _forward(nodes, point)
    nodes[-1].grad = 1.0
    edges = []
    for node in reversed(nodes):
        if not node.inputs:
            continue
        node.local = _local(node, nodes)
        for i, local in zip(node.inputs, node.local, strict=True):
            if nodes[i].op == "const":
                continue  # a constant needs no gradient
            if not math.isfinite(local):
                raise UsageError(
                    f"node {node.id} ({node.op}) has no derivative at this point: "
                    "choose another point"
                )
            contribution = local * node.grad
            nodes[i].grad += contribution
            edges.append(Edge(node.id, i, local, node.grad, contribution))
    inputs = {node.expression: node for node in nodes if node.op == "input"}
    ordered = choose_variables([expression], parameter=None, at_most=None).variables
    gradient = {v: inputs[v].grad for v in ordered}
    symbolic: dict[sp.Symbol, float | None] = {}
    difference: dict[sp.Symbol, float | None] = {}
    kink = False
    for v in ordered:
        # The symbolic side comes from the step tree, the engine's own derivation.
        derivative = derivation(expression, v).eval()
        check = gradient_check(expression, derivative, v, exact)
        symbolic[v] = check.value
        difference[v] = check.finite_difference
        kink = kink or check.kink
    return Backprop(
        text,
        expression,
        point,
        tuple(nodes),
        tuple(edges),
        gradient,
        symbolic,
        difference,
        title,
        kink,
    )


# --- built-in examples -----------------------------------------------------------------------


@dataclass(frozen=True)
class Example:
    title: str
    expression: str
    at: str


EXAMPLES = {
    "neuron": Example(
        "one neuron, σ(w·x + b), with the squared loss L = (σ(w·x + b) − y)²/2",
        "(sigmoid(w x + b) - y)^2 / 2",
        "x=1.5,w=0.8,b=-0.3,y=1",
    ),
    "mlp": Example(
        "a 2-2-1 network: h = tanh(W·x + b), ŷ = σ(v·h + c), with L = (ŷ − y)²/2",
        "(sigmoid(v1 tanh(w11 x1 + w12 x2 + b1) + v2 tanh(w21 x1 + w22 x2 + b2) + c) - y)^2 / 2",
        "x1=0.5,x2=-1,w11=0.3,w12=-0.2,w21=0.8,w22=0.4,b1=0.1,b2=-0.1,v1=1.2,v2=-0.7,c=0.05,y=1",
    ),
}


def example(name: str, at: str | None = None) -> Backprop:
    if name not in EXAMPLES:
        raise UsageError(f"no example {name!r}; the examples are {', '.join(EXAMPLES)}")
    chosen = EXAMPLES[name]
    return backprop(chosen.expression, _merged(chosen.at, at), title=chosen.title)


def _merged(defaults: str, given: str | None) -> str:
    """The example's point with the values given in ``at`` put in: at="w11=2" changes one
    weight and keeps the others."""
    if not given:
        return defaults
    values = dict(part.split("=", 1) for part in defaults.split(","))
    for part in given.split(","):
        name, sep, value = part.partition("=")
        if not sep:
            return given  # let parse_point report the malformed part as usual
        values[name.strip()] = value.strip()
    return ",".join(f"{name}={value}" for name, value in values.items())
