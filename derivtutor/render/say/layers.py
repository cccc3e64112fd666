"""What backpropagation by layers says: the layers forward with their shapes, then the backward
pass a layer at a time, each step with its identity, and how the gradients were checked."""

from __future__ import annotations

from typing import Any

from derivtutor.engine.differentials import MATRIX_RULES
from derivtutor.language.matrices import shape
from derivtutor.language.matrix_notation import matrix_text
from derivtutor.language.shapes import shape_text
from derivtutor.ml.layers import Backward, Layers
from derivtutor.render import explain as ex
from derivtutor.render.blocks import Block, Gap, Line
from derivtutor.render.numbers import number
from derivtutor.render.say.matrix import math

INTRODUCTION = (
    "Backpropagation by layers: the matrix form of backprop without --shape, which runs the "
    "same chain rule over a graph of scalars, node by node. Here each node holds a vector, and "
    "δₖ = ∂L/∂zₖ is passed back one layer at a time."
)


def _shape(e: Any) -> str:
    return shape_text(shape(e))


def _title(run: Layers) -> list[Block]:
    f = run.shaped.expr
    names = [m for m in run.shaped.shapes.symbols.values() if m in f.free_symbols]
    shapes: list[ex.Segment] = []
    for k, m in enumerate(names):
        shapes += ([", "] if k else []) + [math(m), f": {_shape(m)}"]
    return [Line(["L = ", math(f), ", with ", *shapes, "."], role="title"), Line([INTRODUCTION])]


def _forward(run: Layers) -> list[Block]:
    lines: list[Block] = [Line(["Forward pass:"])]
    for name, definition in run.forward:
        lines.append(Line(["  ", math(name), " = ", math(definition), f"   ({_shape(name)})"]))
    lines.append(Line(["  L = ", math(run.loss)]))
    return lines


def _rule(step: Backward) -> str:
    return MATRIX_RULES[step.rule][0]


def _derivative_of(activation: Any) -> str:
    """tanh′(z₁) from tanh(z₁): the activation's name, primed."""
    text = matrix_text(activation)
    head, paren, rest = text.partition("(")
    return f"{head}′{paren}{rest}" if paren else f"({text})′"


def _step(step: Backward, k: int) -> list[Block]:
    label = f"  {k}. "
    indent = " " * len(label)
    if step.rule == "linear_layer":
        weight = step.symbol.shape[1] != 1 or step.name.startswith("∂L/∂W")
        return [
            Line(
                [
                    label if weight else indent,
                    "∂L/∂",
                    math(step.symbol),
                    " = ",
                    math(step.value),
                    f"   ({_shape(step.value)})",
                    f"   [{_rule(step)}]" if weight else "",
                ]
            )
        ]
    delta = math(step.symbol)
    z = step.layer.z if step.layer is not None else None
    head: list[ex.Segment] = [label, delta, " = ∂L/∂", math(z), " = ", math(step.value)]
    for name, definition in step.where:
        head += [", where ", math(name), " = ", math(definition)]
    head += [f"   ({_shape(step.symbol)})   [{_rule(step)}]"]
    lines: list[Block] = [Line(head)]
    if step.rule == "chain_jacobians" and step.layer is not None:
        upper = step.value.args[0]
        lines.append(
            Line(
                [
                    indent,
                    "∂L/∂",
                    math(step.layer.h),
                    " = ",
                    math(upper),
                    " (the transposed Jacobian of the layer above times its δ), and ",
                    f"{_derivative_of(step.layer.activation)} = ",
                    math(step.slope),
                    " entry by entry",
                ]
            )
        )
    return lines


def _backward(run: Layers) -> list[Block]:
    lines: list[Block] = [Line(["Backward pass:"])]
    k = 0
    for step in run.backward:
        if not (step.rule == "linear_layer" and step.name.startswith("∂L/∂b")):
            k += 1
        lines.extend(_step(step, k))
    return lines


def _grid(rows: list[list[float]]) -> str:
    return "[" + ", ".join("[" + ", ".join(number(v) for v in r) + "]" for r in rows) + "]"


def _checked(run: Layers) -> list[Block]:
    gap = max(
        abs(a - b)
        for name in run.gradients
        for ra, rb in zip(run.gradients[name], run.finite_difference[name], strict=True)
        for a, b in zip(ra, rb, strict=True)
    )
    sizes = ", ".join(f"{k} = {v}" for k, v in run.sizes.items())
    where = "at the point given" if run.point is not None else f"at seeded random values ({sizes})"
    lines: list[Block] = []
    symbols = run.shaped.shapes.symbols
    if run.point is not None:
        lines.append(Line([f"At the point ({sizes}):"]))
        for name, value in run.gradients.items():
            lines.append(Line(["  ∂L/∂", math(symbols[name]), f" = {_grid(value)}"]))
        lines.append(Gap())
    agree = all(run.whole.values())
    whole = (
        " and the derivative of the whole expression by differentials agrees"
        if agree
        else "; the derivative of the whole expression by differentials disagrees: a bug"
    )
    ok = gap < 1e-8
    lines.append(
        Line(
            [
                f"Checked {where}: each gradient "
                + ("equals" if ok else "differs from")
                + f" a central difference of L, entry by entry (largest gap {number(gap)}),"
                + whole
                + "."
            ],
            role="note" if ok and agree else "bad",
        )
    )
    return lines


def layers_blocks(run: Layers) -> list[Block]:
    return [*_title(run), Gap(), *_forward(run), Gap(), *_backward(run), Gap(), *_checked(run)]
