"""What a matrix derivative says: the function and its shapes, the layout (stated once), the
differential rule by rule, the algebra that reads the derivative off, the result with its
shape, and how it was checked."""

from __future__ import annotations

from typing import Any

from derivtutor.calculus.matrix_derivative import MatrixDerivative
from derivtutor.engine.differentials import MATRIX_RULES, Step
from derivtutor.language.matrices import shape
from derivtutor.language.matrix_functions import Differential, is_matrix
from derivtutor.language.matrix_notation import matrix_text
from derivtutor.language.shapes import shape_text
from derivtutor.render import explain as ex
from derivtutor.render.blocks import Block, Derivation, Gap, Heading, Line
from derivtutor.render.numbers import number
from derivtutor.render.summary import read_numbers


def math(e: Any) -> ex.Formula:
    """A matrix expression, spelled for each format (the printers set a Formula as given)."""
    return ex.Formula(matrix_text(e, "text"), matrix_text(e, "latex"), matrix_text(e, "ascii"))


def _shape(e: Any) -> str:
    return shape_text(shape(e))


def derivative_name(result: MatrixDerivative) -> list[ex.Segment]:
    """∇f, ∂f/∂W or the Jacobian ∂f/∂z, by kind."""
    v = matrix_text(result.var, "text")
    vl = matrix_text(result.var, "latex")
    if result.derivation.kind == "gradient":
        return [
            ex.Formula(
                f"∇f = ∂f/∂{v}",
                rf"\nabla f = \frac{{\partial f}}{{\partial {vl}}}",
                f"grad f = df/d{v}",
            )
        ]
    return [ex.Formula(f"∂f/∂{v}", rf"\frac{{\partial f}}{{\partial {vl}}}", f"df/d{v}")]


def _title(result: MatrixDerivative) -> list[Block]:
    f = result.expression
    names = [m for m in result.shaped.shapes.symbols.values() if m in f.free_symbols]
    shapes: list[ex.Segment] = []
    for k, m in enumerate(names):
        shapes += ([", "] if k else []) + [math(m), f": {_shape(m)}"]
    symmetric = sorted(m.name for m in result.derivation.symmetric)
    kind = "a scalar" if not is_matrix(f) else f"{_shape(f)}"
    lines: list[Block] = [
        Line(
            [
                "f = ",
                math(f),
                ", with ",
                *shapes,
                f", so f is {kind}.",
                *read_numbers(result.input),
            ],
            role="title",
        )
    ]
    if symmetric:
        lines.append(Line([", ".join(symmetric) + " symmetric (Aᵀ = A)."]))
    lines.append(Line(_layout(result)))
    return lines


def _layout(result: MatrixDerivative) -> list[ex.Segment]:
    var = result.var
    v = math(var)
    d = math(Differential(var))
    kind = result.derivation.kind
    if kind == "gradient":
        return [
            "Layout: the gradient ∇f has the shape of ",
            v,
            f" ({_shape(var)}), so df = (∇f)ᵀ",
            d,
            ".",
        ]
    if kind == "matrix":
        return [
            "Layout: ∂f/∂",
            v,
            " has the shape of ",
            v,
            f" ({_shape(var)}), so df = tr((∂f/∂",
            v,
            ")ᵀ ",
            d,
            ").",
        ]
    return [
        "Layout: the Jacobian ∂f/∂",
        v,
        " has a row per entry of f and a column per entry of ",
        v,
        f" ({_shape(result.result)}), so df = (∂f/∂",
        v,
        ") ",
        d,
        ".",
    ]


def _rule(step: Step) -> str:
    name = MATRIX_RULES[step.rule][0]
    return name[0].upper() + name[1:]


def _differential(step: Step, label: str, top: bool) -> list[Block]:
    segments: list[ex.Segment] = [f"{label} {_rule(step)}: ", math(Differential(step.of)), " = "]
    if step.general is not None:
        segments += [math(step.general), " = "]
    segments.append(math(step.result))
    if not top and is_matrix(step.of) and shape(step.of) != (1, 1):
        segments += ["   (", math(step.of), f" is {_shape(step.of)})"]
    out: list[Block] = [Line(segments)]
    for k, sub in enumerate(step.substeps, 1):
        out.extend(_differential(sub, f"{label}{k}.", top=False))
    return out


def _algebra(step: Step, label: str) -> Line:
    # Each step starts from where the one before ended, so only its new form is written.
    return Line([f"{label} {_rule(step)}, so df = ", math(step.result)])


def _read_off(result: MatrixDerivative, label: str) -> Line:
    read = result.derivation.read_off
    var = result.var
    d = math(Differential(var))
    kind = result.derivation.kind
    if kind == "gradient":
        how: list[ex.Segment] = [" = (∇f)ᵀ", d, ", so ∇f = "]
    elif kind == "matrix":
        how = [" = tr((∂f/∂", math(var), ")ᵀ ", d, "), so ∂f/∂", math(var), " = "]
    else:
        how = [" = (∂f/∂", math(var), ") ", d, ", so ∂f/∂", math(var), " = "]
    return Line([f"{label} Read off: df", *how, math(read.result), f"   ({_shape(read.result)})"])


def _checked(result: MatrixDerivative) -> Line:
    c = result.checked
    sizes = "; ".join(", ".join(f"{k} = {v}" for k, v in s.items()) for s in c.sizes if s)
    where = f" ({sizes})" if sizes else ""
    if c.failed:
        return Line(
            [f"Warning: the numeric check failed at {', '.join(c.failed)}: please report it."],
            role="bad",
        )
    sympy = "; SymPy's own matrix derivative agrees" if c.sympy == "agrees" else ""
    return Line(
        [
            f"Checked: every step and the result, at {len(c.sizes)} random instances{where}, "
            f"against a central difference{sympy}."
        ],
        role="note",
    )


def _grid(rows: list[list[float]]) -> str:
    return "[" + ", ".join("[" + ", ".join(number(v) for v in r) + "]" for r in rows) + "]"


def _point(result: MatrixDerivative) -> list[Block]:
    at = result.at
    if at is None:
        return []
    values = []
    for name, v in at.point.items():
        shown = _grid(_as_floats(v)) if isinstance(v, list) else number(float(v))
        values.append(f"{name} = {shown}")
    return [
        Gap(),
        Line([f"At {', '.join(values)}:"]),
        Line(["  ", *derivative_name(result), f" = {_grid(at.value)}"]),
        Line([f"  central difference, entry by entry: {_grid(at.finite_difference)}"]),
    ]


def _as_floats(v: list[Any]) -> list[list[float]]:
    return [[float(x) for x in row] for row in v]


def matrix_blocks(result: MatrixDerivative) -> list[Block]:
    d = result.derivation
    blocks: list[Block] = [*_title(result), Gap()]
    blocks.extend(_differential(d.differential, "1.", top=True))
    for k, step in enumerate(d.algebra, 2):
        blocks.append(_algebra(step, f"{k}."))
    blocks.append(_read_off(result, f"{len(d.algebra) + 2}."))
    where: list[ex.Segment] = []
    for name, definition in d.where:
        blocks.append(Line(["   where ", math(name), " = ", math(definition)]))
        where += [", where ", math(name), " = ", math(definition)]
    blocks += [
        Gap(),
        Line(
            [
                "Result: ",
                *derivative_name(result),
                " = ",
                math(result.result),
                f"   ({_shape(result.result)})",
                *where,
            ],
            role="good",
        ),
    ]
    if result.symmetric_form is not None:
        square = sorted(
            m.name
            for m in result.shaped.shapes.symbols.values()
            if m.rows == m.cols and m != result.var and m in result.expression.free_symbols
        )
        blocks.append(
            Line(
                [
                    "  which is ",
                    math(result.symmetric_form),
                    f" when {' and '.join(square)} {'is' if len(square) == 1 else 'are'} symmetric",
                ]
            )
        )
    blocks += [*_point(result), _checked(result), *_entry(result)]
    return blocks


def _entry(result: MatrixDerivative) -> list[Block]:
    """∂f/∂X₁₁ by the scalar rules, beside the (1, 1) entry of the matrix result."""
    link = result.entry
    if link is None:
        return []
    sizes = ", ".join(f"{k} = {v}" for k, v in link.sizes.items())
    kind = result.derivation.kind
    name = "entry (1, 1)" if kind != "gradient" else "the first entry"
    what = "partial derivative" if kind != "jacobian" else "partial derivative of f₁"
    blocks: list[Block] = [
        Gap(),
        Heading([f"One entry, by the scalar rules ({sizes})"]),
        Line(
            [
                "Written out entry by entry, f",
                " = " if kind != "jacobian" else "₁ = ",
                ex.Math(link.function),
            ]
        ),
    ]
    for assumption in link.assumed:
        blocks.append(Line(["with ", ex.Math(assumption.lhs), " = 1 (y is a distribution)"]))
    blocks.append(Derivation([f"The {what} by ", ex.Math(link.variable), ":"], link.derivation))
    same = "the same" if link.agree else "NOT the same: please report it"
    blocks.append(
        Line(
            [
                f"The {name} of ",
                math(result.result),
                " is ",
                ex.Math(link.matrix_entry),
                f": {same}. Each entry of the matrix result is such a partial derivative.",
            ],
            role="note" if link.agree else "bad",
        )
    )
    return blocks


# --- a checked matrix answer ----------------------------------------------------------------------


def verdict_sentences(verdict: Any) -> list[str]:
    """What the verdict says, past "correct" or "incorrect", in plain sentences (JSON's
    ``message`` and the printed lines share them)."""
    from derivtutor.grading.matrix_check import MATRIX_MISTAKES

    derivative = verdict.derivative
    var = matrix_text(derivative.var)
    name = "∇f = ∂f/∂" + var if derivative.derivation.kind == "gradient" else "∂f/∂" + var
    out: list[str] = []
    if verdict.refusal is not None:
        out.append(f"The shapes in your answer do not fit: {verdict.refusal}.")
        if verdict.repaired is not None:
            out.append(
                f"Read with the one transpose that makes it fit, it is "
                f"{matrix_text(verdict.repaired)}, which is right."
            )
    elif verdict.answer_shape != verdict.expected_shape:
        if derivative.derivation.kind == "jacobian":
            out.append(
                f"Your answer is {verdict.answer_shape}, and the Jacobian {name} is "
                f"{verdict.expected_shape}."
            )
        else:
            out.append(
                f"Your answer is {verdict.answer_shape}, and {name} has the shape of {var}, "
                f"{verdict.expected_shape}."
            )
    elif verdict.witness is not None:
        w = verdict.witness
        sizes = ", ".join(f"{k} = {v}" for k, v in w.sizes.items())
        at = f"At random matrices ({sizes})" if sizes else "At random matrices"
        i, j = w.entry
        got = "is undefined" if w.got is None else f"is {number(w.got)}"
        out.append(
            f"{at}, entry ({i + 1}, {j + 1}) of your answer {got}, but of {name} it is "
            f"{number(w.expected)}."
        )
    if verdict.mistake is not None:
        out.append(f"Likely mistake ({verdict.mistake}): {MATRIX_MISTAKES[verdict.mistake]}.")
    if verdict.verdict != "correct":
        where = "".join(
            f", where {matrix_text(n)} = {matrix_text(v)}" for n, v in derivative.derivation.where
        )
        out.append(
            f"The derivative is {name} = {matrix_text(derivative.result)} "
            f"({_shape(derivative.result)}){where}."
        )
    return out


def matrix_verdict_blocks(verdict: Any, *, steps: bool = False) -> list[Block]:
    good = verdict.verdict == "correct"
    blocks: list[Block] = []
    if verdict.read_as is not None:
        blocks.append(
            Line(["Read as:  ", math(verdict.read_as), f"   ({_shape(verdict.read_as)})"])
        )
    blocks.append(Line([f"Verdict:  {verdict.verdict}"], role="good" if good else "bad"))
    blocks.extend(Line([s]) for s in verdict_sentences(verdict))
    if steps:
        blocks += [Gap(), *matrix_blocks(verdict.derivative)]
    return blocks
