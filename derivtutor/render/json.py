"""JSON output: every shape of DESIGN.md, in this one file. Every expression is a string SymPy
can read back. Light on purpose: what a shape needs is imported inside it, so that the rules
table and the stats give their JSON without loading SymPy."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from derivtutor.render.kinds import is_a

if TYPE_CHECKING:
    import sympy as sp

    from derivtutor.calculus.differentiation import Differentiation, Pattern
    from derivtutor.calculus.implicit import ImplicitDerivative
    from derivtutor.calculus.multivar import Gradient
    from derivtutor.engine.steps import Step
    from derivtutor.engine.table import Entry
    from derivtutor.grading.verdict import GradientVerdict, Verdict
    from derivtutor.ml.backprop import Backprop
    from derivtutor.ml.descent import Descent, Iterate
    from derivtutor.ml.softmax import SoftmaxJacobian
    from derivtutor.practice.bank import Bank
    from derivtutor.practice.report import Report
    from derivtutor.practice.sheet import Result, RowError, Sheet
    from derivtutor.practice.validated import Validation
    from derivtutor.render import explain as ex
    from derivtutor.render.formats.text import TextWriter


def expression_string(expr: sp.Expr, *, typed: bool = False) -> str:
    """SymPy syntax: ``sympify`` reads it back (given sigmoid, relu and softplus)."""
    import sympy as sp

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
        # The algebra from the rule's raw result to the form shown (engine.algebra).
        "algebra": [
            {"rule": rule, "explanation": writer.line(line)}
            for rule, line in zip(node.algebra_rules, node.algebra, strict=True)
        ],
        "substeps": [
            step_dict(sub, child, writer)
            for sub, child in zip(step.substeps, node.children, strict=True)
        ],
    }


def differentiation_dict(result: Differentiation) -> dict[str, Any]:
    from derivtutor.engine.numeric import finite as _finite
    from derivtutor.render.formats.latex import latex
    from derivtutor.render.formats.text import TextWriter

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
        "derivative": expression_string(result.derivative),
        "latex": latex(result.derivative),
        "forms": [] if result.pattern else [expression_string(f) for f in final.forms],
        "steps": _steps(result, writer),
        "at": at,
        "pattern": None if result.pattern is None else pattern_dict(result.pattern),
        "detail": "normal",  # what the text shows; the steps here are always complete
    }


def pattern_dict(pattern: Pattern) -> dict[str, Any]:
    """How an order past the ones derived in full was reached."""
    return {
        "kind": pattern.kind,
        "period": pattern.period,
        "factor": expression_string(pattern.factor),
        "quotient": pattern.quotient,
        "remainder": pattern.remainder,
    }


def _float(value: sp.Expr) -> float | None:
    from derivtutor.engine.numeric import finite as _finite

    return _finite(float(value.evalf(30)))


def _steps(result: Differentiation, writer: TextWriter) -> list[dict[str, Any]]:
    from derivtutor.language.notation import written_order
    from derivtutor.render import explain as ex

    with written_order(result.expression):
        return [
            step_dict(o.step, ex.explain(o, partial=result.partial), writer) for o in result.orders
        ]


def _entry_step(entry: Differentiation, writer: TextWriter) -> dict[str, Any]:
    from derivtutor.language.notation import written_order
    from derivtutor.render import explain as ex

    order = entry.orders[0]
    with written_order(entry.expression):
        return step_dict(order.step, ex.explain(order, partial=entry.partial), writer)


def gradient_dict(result: Gradient) -> dict[str, Any]:
    from derivtutor.render.formats.text import TextWriter

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
    from derivtutor.render.formats.text import TextWriter

    writer = TextWriter()
    return {
        "inputs": list(inputs),
        "variables": [v.name for v in variables],
        "matrix": [[expression_string(e.derivative) for e in row] for row in entries],
        "steps": [[_entry_step(e, writer) for e in row] for row in entries],
    }


def softmax_dict(result: SoftmaxJacobian) -> dict[str, Any]:
    import sympy as sp

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
    from derivtutor.render.formats.text import TextWriter

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
    from derivtutor.engine.numeric import finite as _finite
    from derivtutor.render.formats.text import TextWriter
    from derivtutor.render.say import verdict as feedback

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
        "order": verdict.differentiation.order,
        "answer": verdict.answer_text,
        "read_as": expression_string(verdict.answer, typed=True),
        "verdict": verdict.verdict,
        "mistake": diagnosis.mistake if diagnosis else None,
        "also": list(diagnosis.also) if diagnosis else [],
        "where": expression_string(diagnosis.where, typed=True) if diagnosis else None,
        "message": " ".join(writer.line(line) for line in feedback.message(verdict)),
        "witness": witness,
    }


def gradient_verdict_dict(result: GradientVerdict) -> dict[str, Any]:
    return {
        "function": result.function_text,
        "variables": [v.name for v in result.variables],
        "verdict": result.verdict,
        "components": [verdict_dict(c) for c in result.components],
    }


def sheet_dict(sheet: Sheet) -> dict[str, Any]:
    from derivtutor.practice.sheet import summary

    results = [sheet_row(r) for r in sheet.results]
    errors = [sheet_row(e) for e in sheet.errors]
    return {"results": results, "errors": errors, "summary": summary(results, errors)}


def sheet_row(marked: Result | RowError) -> dict[str, Any]:
    """One row of a sheet as it is reported: a checked answer with its id and line, or a row
    that could not be checked ({"line", "message"}). A --format jsonl line is one of these."""
    from derivtutor.practice.sheet import RowError

    if isinstance(marked, RowError):
        return {"line": marked.line, "message": marked.message}
    return {**verdict_dict(marked.verdict), "id": marked.id, "line": marked.line}


def backprop_dict(run: Backprop) -> dict[str, Any]:
    from derivtutor.engine.numeric import finite as _finite

    return {
        "nodes": [
            {
                "id": node.id,
                "op": node.op,
                "inputs": list(node.inputs),
                "value": _finite(node.value),
                "grad": _finite(node.grad),
            }
            for node in run.nodes
        ],
        "gradient": {v.name: _finite(g) for v, g in run.gradient.items()},
        "symbolic": {v.name: _finite(g) for v, g in run.symbolic.items()},
        "finite_difference": {v.name: _finite(g) for v, g in run.finite_difference.items()},
    }


def descent_dict(run: Descent) -> dict[str, Any]:
    from derivtutor.engine.numeric import finite as _finite

    names = [v.name for v in run.variables]

    def path_entry(it: Iterate) -> dict[str, Any]:
        gradient = it.gradient or (None,) * len(names)
        return {
            "point": {n: _finite(x) for n, x in zip(names, it.point, strict=True)},
            "value": _finite(it.value),
            "gradient": {n: _finite(g) for n, g in zip(names, gradient, strict=True)},
        }

    return {
        "gradient": [expression_string(g) for g in run.gradient],
        "path": [path_entry(it) for it in run.path],
        "status": run.status,
    }


def shape(result: Any) -> dict[str, Any]:
    """The JSON shape of any result, the one dispatch behind every ``to_dict()``."""
    if is_a(result, "derivtutor.calculus.differentiation", "Differentiation"):
        return differentiation_dict(result)
    if is_a(result, "derivtutor.calculus.multivar", "Gradient"):
        return gradient_dict(result)
    if is_a(result, "derivtutor.calculus.multivar", "Jacobian"):
        return matrix_dict(result.inputs, result.variables, result.entries)
    if is_a(result, "derivtutor.calculus.multivar", "Hessian"):
        return matrix_dict((result.input,), result.variables, result.entries)
    if is_a(result, "derivtutor.ml.softmax", "SoftmaxJacobian"):
        return softmax_dict(result)
    if is_a(result, "derivtutor.calculus.implicit", "ImplicitDerivative"):
        return implicit_dict(result)
    if is_a(result, "derivtutor.grading.verdict", "Verdict"):
        return verdict_dict(result)
    if is_a(result, "derivtutor.grading.verdict", "GradientVerdict"):
        return gradient_verdict_dict(result)
    if is_a(result, "derivtutor.practice.sheet", "Sheet"):
        return sheet_dict(result)
    if is_a(result, "derivtutor.calculus.matrix_derivative", "MatrixDerivative"):
        return matrix_derivative_dict(result)
    if is_a(result, "derivtutor.grading.matrix_check", "MatrixVerdict"):
        return matrix_verdict_dict(result)
    if is_a(result, "derivtutor.ml.layers", "Layers"):
        return layers_dict(result)
    if is_a(result, "derivtutor.ml.backprop", "Backprop"):
        return backprop_dict(result)
    if is_a(result, "derivtutor.ml.descent", "Descent"):
        return descent_dict(result)
    raise TypeError(f"no JSON shape for {type(result).__name__}")


def matrix_derivative_dict(result: Any) -> dict[str, Any]:
    """diff with shapes: every expression in SymPy's syntax (each matrix a MatrixSymbol),
    beside the typed form; the layout is named once."""
    from derivtutor.engine.differentials import MATRIX_RULES
    from derivtutor.language.matrices import shape as shape_of
    from derivtutor.language.matrix_functions import Differential
    from derivtutor.language.matrix_notation import matrix_text
    from derivtutor.language.shapes import shape_text

    var = result.var

    def step(s: Any, differential: bool = True) -> dict[str, Any]:
        name, formula = MATRIX_RULES[s.rule]
        return {
            "rule": s.rule,
            "expression": matrix_text(s.of, "sympy"),
            "variable": var.name,
            "differential": matrix_text(Differential(s.of), "sympy") if differential else None,
            "general": None if s.general is None else matrix_text(s.general, "sympy"),
            "result": matrix_text(s.result, "sympy"),
            "text": matrix_text(s.result, "text"),
            "explanation": f"{name}: {formula}",
            "substeps": [step(c) for c in s.substeps],
        }

    d = result.derivation
    checked = result.checked
    return {
        "input": result.input,
        "expression": matrix_text(result.expression, "sympy"),
        "typed": matrix_text(result.expression, "ascii"),
        "variable": var.name,
        "shapes": {name: shape_text(m.shape) for name, m in result.shaped.shapes.symbols.items()},
        "symmetric": sorted(m.name for m in d.symmetric),
        "kind": d.kind,
        "layout": "denominator: the gradient has the shape of the variable; a Jacobian has a "
        "row per entry of the function",
        "derivative": matrix_text(result.result, "sympy"),
        "text": matrix_text(result.result, "text"),
        "typed_derivative": matrix_text(result.result, "ascii"),
        "latex": matrix_text(result.result, "latex"),
        "shape": shape_text(shape_of(result.result)),
        "where": {matrix_text(n, "sympy"): matrix_text(v, "sympy") for n, v in d.where},
        "if_symmetric": None
        if result.symmetric_form is None
        else matrix_text(result.symmetric_form, "sympy"),
        "steps": [step(d.differential)] + [step(s, False) for s in (*d.algebra, d.read_off)],
        "checked": {
            "sizes": [dict(s) for s in checked.sizes],
            "steps": checked.steps,
            "failed": list(checked.failed),
            "sympy": checked.sympy,
        },
        "at": None
        if result.at is None
        else {
            "point": {
                k: [[float(x) for x in r] for r in v] if isinstance(v, list) else float(v)
                for k, v in result.at.point.items()
            },
            "sizes": dict(result.at.sizes),
            "value": result.at.value,
            "finite_difference": result.at.finite_difference,
        },
        "entry": None
        if result.entry is None
        else {
            "sizes": dict(result.entry.sizes),
            "function": expression_string(result.entry.function),
            "variable": result.entry.variable.name,
            "derivative": expression_string(result.entry.derivation.derivative),
            "matrix_entry": expression_string(result.entry.matrix_entry),
            "agree": result.entry.agree,
            "assumed": [expression_string(a.lhs) + " = 1" for a in result.entry.assumed],
        },
    }


def matrix_verdict_dict(verdict: Any) -> dict[str, Any]:
    """check with shapes: DESIGN's check shape, with the shapes beside it."""
    from derivtutor.language.matrix_notation import matrix_text
    from derivtutor.render.say.matrix import verdict_sentences

    derivative = verdict.derivative
    w = verdict.witness
    return {
        "function": matrix_text(derivative.expression, "sympy"),
        "variable": derivative.var.name,
        "shapes": matrix_derivative_dict(derivative)["shapes"],
        "answer": verdict.answer,
        "read_as": None if verdict.read_as is None else matrix_text(verdict.read_as, "sympy"),
        "verdict": verdict.verdict,
        "mistake": verdict.mistake,
        "also": [],
        "answer_shape": verdict.answer_shape,
        "expected_shape": verdict.expected_shape,
        "derivative": matrix_text(derivative.result, "sympy"),
        "where": {
            matrix_text(n, "sympy"): matrix_text(v, "sympy") for n, v in derivative.derivation.where
        },
        "message": " ".join(verdict_sentences(verdict)),
        "witness": None
        if w is None
        else {
            "sizes": dict(w.sizes),
            "entry": [w.entry[0] + 1, w.entry[1] + 1],
            "expected": w.expected,
            "got": w.got,
        },
    }


def layers_dict(run: Any) -> dict[str, Any]:
    """backprop with shapes: the forward names, each backward step, the gradients."""
    from derivtutor.language.matrix_notation import matrix_text

    return {
        "input": run.input,
        "expression": matrix_text(run.shaped.expr, "sympy"),
        "shapes": {name: shape_text_of(m) for name, m in run.shaped.shapes.symbols.items()},
        "forward": [
            {"name": matrix_text(n, "sympy"), "value": matrix_text(v, "sympy")}
            for n, v in run.forward
        ],
        "loss": matrix_text(run.loss, "sympy"),
        "backward": [
            {
                "rule": b.rule,
                "name": b.name,
                "value": matrix_text(b.value, "sympy"),
                "where": {matrix_text(n, "sympy"): matrix_text(v, "sympy") for n, v in b.where},
            }
            for b in run.backward
        ],
        "gradients": dict(run.gradients),
        "finite_difference": dict(run.finite_difference),
        "whole_expression_agrees": dict(run.whole),
        "sizes": dict(run.sizes),
        "point": None
        if run.point is None
        else {
            k: [[float(x) for x in r] for r in v] if isinstance(v, list) else float(v)
            for k, v in run.point.items()
        },
    }


def shape_text_of(m: Any) -> str:
    from derivtutor.language.shapes import shape_text

    return shape_text(m.shape)


BANK_LEVELS = (1, 2, 3, 4, 5)


def bank_dict(bank: Bank) -> dict[str, Any]:
    from collections import Counter

    counts = Counter((p.topic, p.level) for p in bank.problems)
    return {
        "bank": bank.root,
        "topics": [
            {
                "topic": topic,
                "title": title,
                "levels": {str(level): counts[topic, level] for level in BANK_LEVELS},
                "total": sum(counts[topic, level] for level in BANK_LEVELS),
            }
            for topic, title in bank.titles.items()
        ],
        "total": len(bank.problems),
    }


def stats_dict(found: Report) -> dict[str, Any]:
    attempts, correct = found.attempts, found.correct
    return {
        "topics": [
            {
                "topic": r.topic,
                "attempts": r.attempts,
                "correct": r.correct,
                "accuracy": round(r.accuracy, 4),
                "last_practised": r.last,
                "streak": r.streak,
                "level": r.level,
                "levels_fluent": r.fluent,
                "next_due": r.next_due,
            }
            for r in found.topics
        ],
        "total": {
            "attempts": attempts,
            "correct": correct,
            "accuracy": round(correct / attempts, 4) if attempts else None,
        },
        "due": found.due_now,
        "due_today": found.due_today,
        "due_this_week": found.due_week,
        "days_in_a_row": found.days,
        "mistakes": [
            {"mistake": m.mistake, "count": m.count, "share": round(m.share, 4)}
            for m in found.mistakes
        ],
    }


def validation_dict(found: Validation) -> dict[str, Any]:
    return {
        "bank": found.root,
        "problems": found.problems,
        "topics": found.topics,
        "errors": [
            {"file": e.file, "line": e.line, "problem": e.problem, "message": e.message}
            for e in found.errors
        ],
        "valid": not found.errors,
    }


def rules_list(rows: Sequence[Entry]) -> list[dict[str, str]]:
    return [row._asdict() for row in rows]


def dumps(shape: object) -> str:
    """A shape as the JSON that goes to stdout."""
    import json

    return json.dumps(shape, ensure_ascii=False, indent=2) + "\n"
