"""What backpropagation says, as micrograd shows it: each node's value and gradient, then each
edge."""

from __future__ import annotations

import math

from derivtutor.ml.backprop import Backprop, Node
from derivtutor.render import explain as ex
from derivtutor.render.blocks import Block, Cell, Gap, Line, Table
from derivtutor.render.numbers import number as _number

FORWARD = (
    "Forward pass, in topological order (each node after its inputs), then the gradient "
    "∂L/∂node that the backward pass leaves in each node:"
)
BACKWARD = (
    "Backward pass, from the output back: each edge multiplies the node's gradient "
    "(upstream) by the local derivative and adds it to the input's gradient:"
)


def _computes(node: Node) -> Cell:
    """What a node computes from its inputs, named by their ids: n4 = n2 + n3."""
    names = [f"n{i}" for i in node.inputs]
    if node.op == "input":
        return ["input ", ex.Math(node.expression, typed=True)]
    if node.op == "const":
        return ["constant ", ex.Math(node.constant)]
    if node.op == "+":
        return " + ".join(names)
    if node.op == "·":
        return "·".join(names)
    if node.op == "^":
        return f"{names[0]}^{names[1]}"
    return f"{node.op}({names[0]})"


def _tables(run: Backprop) -> list[Block]:
    forward: list[list[Cell]] = []
    for node in run.nodes:
        grad = "" if node.op == "const" else _number(node.grad)  # constants get none
        forward.append([f"n{node.id}", _computes(node), _number(node.value), grad])
    backward: list[list[Cell]] = [
        [
            f"n{edge.node} → n{edge.input}",
            _number(edge.local),
            _number(edge.upstream),
            _number(edge.contribution),
        ]
        for edge in run.backward
    ]
    result: list[list[Cell]] = [
        [
            [ex.Math(v, typed=True)],
            _number(g),
            _number(run.symbolic[v]),
            _number(run.finite_difference[v]),
        ]
        for v, g in run.gradient.items()
    ]
    # Numbers line up on the right; what a node computes reads from the left.
    return [
        Table(
            ["node", "computes", "value", "∂L/∂node"],
            forward,
            title=FORWARD,
            right=frozenset({2, 3}),
            inset=True,
        ),
        Gap(),
        Table(
            ["edge", "local ∂node/∂input", "upstream ∂L/∂node", "adds to ∂L/∂input"],
            backward,
            title=BACKWARD,
            right=frozenset({1, 2, 3}),
            inset=True,
        ),
        Gap(),
        Table(
            ["input", "backprop", "symbolic", "finite difference"],
            result,
            title="The gradient of L:",
            right=frozenset({1, 2, 3}),
            inset=True,
        ),
    ]


def _heading(run: Backprop) -> list[Block]:
    at: list[ex.Segment] = ["at "]
    for n, (v, x) in enumerate(run.point.items()):
        at += ([", "] if n else []) + [ex.Math(v, typed=True), f" = {_number(x)}"]
    lines: list[Block] = [Line([f"Example: {run.title}"])] if run.title else []
    return [*lines, Line(["L = ", ex.Math(run.expression, typed=True)]), Line(at)]


def _agreement(run: Backprop) -> str:
    def close(a: float, b: float | None, tolerance: float) -> bool:
        return b is not None and math.isclose(a, b, rel_tol=tolerance, abs_tol=tolerance)

    symbolic = all(close(g, run.symbolic[v], 1e-9) for v, g in run.gradient.items())
    numeric = all(close(g, run.finite_difference[v], 1e-5) for v, g in run.gradient.items())
    if symbolic and numeric:
        return (
            "Each gradient equals the symbolic derivative at the point, and the central "
            "difference (h = 1e−6) agrees: backpropagation is the chain rule, run node by node."
        )
    if symbolic and run.kink:
        return (
            "Each gradient equals the symbolic derivative, which uses the subgradient at a "
            "corner (relu′(0) = 0, as PyTorch does). This point is on a corner, where no "
            "derivative exists, so the central difference averages the two sides and differs."
        )
    return "Warning: backpropagation, the symbolic gradient and the difference disagree."


def backprop_blocks(run: Backprop) -> list[Block]:
    return [*_heading(run), Gap(), *_tables(run), Gap(), Line([_agreement(run)])]
