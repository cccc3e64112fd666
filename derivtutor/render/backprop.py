"""Backpropagation as micrograd shows it: each node's value and gradient, then each edge."""

from __future__ import annotations

import json
import math
from typing import Any

from derivtutor.ml.backprop import Backprop, Node
from derivtutor.render import explain as ex
from derivtutor.render.formats.latex import escape_text as _tex
from derivtutor.render.formats.text import TextWriter
from derivtutor.render.numbers import number as _number


class _Writer:
    def __init__(self, ascii: bool) -> None:
        self.text = TextWriter(ascii=ascii)

    def prose(self, text: str) -> str:
        return self.text.prose(text)

    def math(self, expr: Any) -> str:
        return self.text.line([ex.Math(expr, typed=True)])

    def computes(self, node: Node, run: Backprop) -> str:
        """What a node computes from its inputs, named by their ids: n4 = n2 + n3."""
        names = [f"n{i}" for i in node.inputs]
        if node.op == "input":
            return self.prose(f"input {self.math(node.expression)}")
        if node.op == "const":
            return self.prose(f"constant {self.text.line([ex.Math(node.constant)])}")
        if node.op == "+":
            body = " + ".join(names)
        elif node.op == "·":
            body = "·".join(names)
        elif node.op == "^":
            body = f"{names[0]}^{names[1]}"
        else:
            body = f"{node.op}({names[0]})"
        return self.prose(body)


def _tables(run: Backprop, w: _Writer) -> tuple[list[list[str]], list[list[str]], list[list[str]]]:
    forward = [["node", "computes", "value", "∂L/∂node"]]
    for node in run.nodes:
        grad = "" if node.op == "const" else _number(node.grad)  # constants get none
        forward.append([f"n{node.id}", w.computes(node, run), _number(node.value), grad])
    backward = [["edge", "local ∂node/∂input", "upstream ∂L/∂node", "adds to ∂L/∂input"]]
    for edge in run.backward:
        backward.append(
            [
                w.prose(f"n{edge.node} → n{edge.input}"),
                _number(edge.local),
                _number(edge.upstream),
                _number(edge.contribution),
            ]
        )
    result = [["input", "backprop", "symbolic", "finite difference"]]
    for v, g in run.gradient.items():
        result.append(
            [
                w.math(v),
                _number(g),
                _number(run.symbolic[v]),
                _number(run.finite_difference[v]),
            ]
        )
    return (
        [[w.prose(c) for c in row] for row in forward],
        [[w.prose(c) for c in row] for row in backward],
        [[w.prose(c) for c in row] for row in result],
    )


def _heading(run: Backprop, w: _Writer) -> list[str]:
    at = ", ".join(f"{w.math(v)} = {_number(x)}" for v, x in run.point.items())
    lines = []
    if run.title:
        lines.append(w.prose(f"Example: {run.title}"))
    lines.append(w.prose(f"L = {w.math(run.expression)}"))
    lines.append(w.prose(f"at {at}"))
    return lines


def _agreement(run: Backprop, w: _Writer) -> str:
    def close(a: float, b: float | None, tolerance: float) -> bool:
        return b is not None and math.isclose(a, b, rel_tol=tolerance, abs_tol=tolerance)

    symbolic = all(close(g, run.symbolic[v], 1e-9) for v, g in run.gradient.items())
    numeric = all(close(g, run.finite_difference[v], 1e-5) for v, g in run.gradient.items())
    if symbolic and numeric:
        return w.prose(
            "Each gradient equals the symbolic derivative at the point, and the central "
            "difference (h = 1e−6) agrees: backpropagation is the chain rule, run node by node."
        )
    if symbolic and run.kink:
        return w.prose(
            "Each gradient equals the symbolic derivative, which uses the subgradient at a "
            "corner (relu′(0) = 0, as PyTorch does). This point is on a corner, where no "
            "derivative exists, so the central difference averages the two sides and differs."
        )
    return w.prose("Warning: backpropagation, the symbolic gradient and the difference disagree.")


def _grid(rows: list[list[str]], align_left: int = 2) -> list[str]:
    widths = [max(len(r[c]) for r in rows) for c in range(len(rows[0]))]
    return [
        "  ".join(
            cell.ljust(width) if c < align_left else cell.rjust(width)
            for c, (cell, width) in enumerate(zip(row, widths, strict=True))
        ).rstrip()
        for row in rows
    ]


def _tabular(rows: list[list[str]]) -> list[str]:
    spec = "l" + "r" * (len(rows[0]) - 1)
    lines = [r"\begin{tabular}{" + spec + "}", " & ".join(map(_tex, rows[0])) + r" \\ \hline"]
    lines += [" & ".join(map(_tex, row)) + r" \\" for row in rows[1:]]
    return [*lines, r"\end{tabular}"]


def render_backprop(run: Backprop, fmt: str, *, ascii: bool = False) -> object:
    if fmt == "json":
        return json.dumps(run.to_dict(), ensure_ascii=False, indent=2) + "\n"
    w = _Writer(ascii or fmt == "latex")
    forward, backward, result = _tables(run, w)
    intro_forward = w.prose(
        "Forward pass, in topological order (each node after its inputs), then the gradient "
        "∂L/∂node that the backward pass leaves in each node:"
    )
    intro_backward = w.prose(
        "Backward pass, from the output back: each edge multiplies the node's gradient "
        "(upstream) by the local derivative and adds it to the input's gradient:"
    )
    intro_result = w.prose("The gradient of L:")
    if fmt == "rich":
        from rich.console import Group
        from rich.table import Table
        from rich.text import Text

        def table(rows: list[list[str]], title: str) -> Table:
            grid = Table(*rows[0], title=title, title_justify="left")
            for column in grid.columns[1:]:
                # Numbers line up on the right; what a node computes reads from the left.
                column.justify = "left" if column.header == "computes" else "right"
            for row in rows[1:]:
                grid.add_row(*(Text(c) for c in row))
            return grid

        return Group(
            *(Text(line) for line in _heading(run, w)),
            Text(""),
            table(forward, intro_forward),
            table(backward, intro_backward),
            table(result, intro_result),
            Text(_agreement(run, w)),
        )
    if fmt == "latex":
        parts = [*(_tex(line) + r"\\" for line in _heading(run, w)), ""]
        for intro, rows in (
            (intro_forward, forward),
            (intro_backward, backward),
            (intro_result, result),
        ):
            parts += [_tex(intro), "", *_tabular(rows), ""]
        return "\n".join([*parts, _tex(_agreement(run, w))]) + "\n"
    if fmt == "markdown":

        def md(rows: list[list[str]]) -> list[str]:
            out = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * len(rows[0])]
            return out + [
                "| " + " | ".join(c.replace("|", "\\|") for c in r) + " |" for r in rows[1:]
            ]

        heading = "\n\n".join(_heading(run, w))  # separate paragraphs, not one run-on line
        parts = [heading, "", intro_forward, "", *md(forward), "", intro_backward, ""]
        parts += [*md(backward), "", intro_result, "", *md(result), "", _agreement(run, w)]
        return "\n".join(parts) + "\n"
    lines = [*_heading(run, w), "", intro_forward, *("  " + r for r in _grid(forward))]
    lines += ["", intro_backward, *("  " + r for r in _grid(backward, 1))]
    lines += ["", intro_result, *("  " + r for r in _grid(result, 1)), "", _agreement(run, w)]
    return "\n".join(lines) + "\n"
