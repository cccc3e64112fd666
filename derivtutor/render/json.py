"""JSON output: DESIGN.md's shapes. Every expression is a string SymPy can read back."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import sympy as sp

from derivtutor.calculus.differentiation import Differentiation
from derivtutor.engine.numeric import finite as _finite
from derivtutor.engine.steps import Step
from derivtutor.render import explain as ex
from derivtutor.render.latex import latex
from derivtutor.render.text import TextWriter

if TYPE_CHECKING:
    from derivtutor.calculus.implicit import ImplicitDerivative
    from derivtutor.calculus.multivar import Gradient
    from derivtutor.grading.verdict import Verdict
    from derivtutor.ml.softmax import SoftmaxJacobian


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


def _entry_step(entry: Differentiation, writer: TextWriter) -> dict[str, Any]:
    step = entry.steps[0]
    return step_dict(step, ex.explain(step, partial=entry.partial), writer)


def gradient_dict(result: Gradient) -> dict[str, Any]:
    writer = TextWriter()
    return {
        "input": result.input,
        "expression": expression_string(result.expression, typed=True),
        "variables": [v.name for v in result.variables],
        "gradient": [expression_string(c.derivative) for c in result.components],
        "steps": [_entry_step(c, writer) for c in result.components],
    }


def matrix_dict(
    inputs: Sequence[str],
    variables: Sequence[sp.Symbol],
    entries: Sequence[Sequence[Differentiation]],
) -> dict[str, Any]:
    writer = TextWriter()
    return {
        "inputs": list(inputs),
        "variables": [v.name for v in variables],
        "matrix": [[expression_string(e.derivative) for e in row] for row in entries],
        "steps": [[_entry_step(e, writer) for e in row] for row in entries],
    }


def softmax_dict(result: SoftmaxJacobian) -> dict[str, Any]:
    general = "p_i*(KroneckerDelta(i, j) - p_j)"
    if result.size is None:
        shape = {
            "inputs": ["exp(z_i)/Sum(exp(z_k), (k, 1, n))"],
            "variables": ["z_j"],
            "matrix": [[general]],
            "steps": [[]],
        }
        cross_entropy, logsumexp = ["p_j - y_j"], ["p_j"]
    else:
        shape = matrix_dict(
            [expression_string(f) for f in result.inputs], result.variables, result.entries
        )
        cross_entropy = [
            expression_string(f - sp.Symbol(f"y{m}", real=True))
            for m, f in enumerate(result.inputs, start=1)
        ]
        logsumexp = [expression_string(f) for f in result.inputs]
    return {
        **shape,
        "general": general,
        "cross_entropy_gradient": cross_entropy,
        "logsumexp_gradient": logsumexp,
    }


def implicit_dict(result: ImplicitDerivative) -> dict[str, Any]:
    writer = TextWriter()
    return {
        "equation": result.equation,
        "variable": result.variable.name,
        "dependent": result.dependent.name,
        "derivative": expression_string(result.derivative),
        "steps": [
            _entry_step(result.left_derivation, writer),
            _entry_step(result.right_derivation, writer),
        ],
    }


def verdict_dict(verdict: Verdict) -> dict[str, Any]:
    """DESIGN.md's check shape."""
    from derivtutor.render import feedback

    writer = TextWriter()
    witness = None
    if verdict.witness is not None:
        witness = {
            "point": {v.name: value for v, value in verdict.witness.point.items()},
            "expected": _finite(verdict.witness.expected),
            "got": _finite(verdict.witness.got),
        }
    diagnosis = verdict.diagnosis
    return {
        "function": expression_string(verdict.function, typed=True),
        "variable": verdict.variable.name,
        "answer": verdict.answer_text,
        "read_as": expression_string(verdict.answer, typed=True),
        "verdict": verdict.verdict,
        "mistake": diagnosis.mistake if diagnosis else None,
        "also": list(diagnosis.also) if diagnosis else [],
        "where": expression_string(diagnosis.where, typed=True) if diagnosis else None,
        "message": " ".join(writer.line(line) for line in feedback.message(verdict)),
        "witness": witness,
    }
