"""JSON output: DESIGN.md's shapes. Every expression is a string SymPy can read back."""

from __future__ import annotations

import math
from typing import Any

import sympy as sp

from derivtutor.differentiation import Differentiation
from derivtutor.render import explain as ex
from derivtutor.render.latex import latex
from derivtutor.render.text import TextWriter
from derivtutor.steps import Step


def expression_string(expr: sp.Expr, *, typed: bool = False) -> str:
    """SymPy syntax: ``sympify`` reads it back (given sigmoid, relu and softplus)."""
    return str(sp.sstr(expr, order="none" if typed else None))


def step_dict(step: Step, node: ex.Node, writer: TextWriter) -> dict[str, Any]:
    explanation = writer.line(node.head)
    for note in node.notes:
        explanation += (" " if explanation.endswith(":") else "; ") + writer.line(note)
    return {
        "rule": step.rule,
        "expression": expression_string(step.expression, typed=True),
        "variable": step.variable.name,
        "derivative": expression_string(step.eval()),
        "explanation": explanation,
        "substeps": [
            step_dict(sub, child, writer)
            for sub, child in zip(step.substeps, node.children, strict=True)
        ],
    }


def differentiation_dict(result: Differentiation) -> dict[str, Any]:
    writer = TextWriter()
    final = result.orders[-1]
    at = None
    if result.at is not None:
        at = {
            "point": {sym.name: _float(value) for sym, value in result.at.point.items()},
            "value": _finite(result.at.value),
            "finite_difference": _finite(result.at.finite_difference),
        }
    return {
        "input": result.input,
        "expression": expression_string(result.expression, typed=True),
        "variable": result.variable.name,
        "order": result.order,
        "derivative": expression_string(final.derivative),
        "latex": latex(final.derivative),
        "forms": [expression_string(f) for f in final.forms],
        "steps": [
            step_dict(o.step, ex.explain(o.step, partial=result.partial), writer)
            for o in result.orders
        ],
        "at": at,
    }


def _float(value: sp.Expr) -> float | None:
    return _finite(float(value.evalf(30)))


def _finite(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) else None
