"""What gradients, Jacobians, Hessians, the softmax Jacobian and implicit derivatives say, as
blocks: lines of segments, a matrix, or one entry's derivation. The printers of formats/ print
them. No maths here beyond choosing what to show.
"""

from __future__ import annotations

from collections.abc import Sequence

import sympy as sp

from derivtutor.calculus.implicit import ImplicitDerivative
from derivtutor.calculus.multivar import Gradient, Hessian, Jacobian
from derivtutor.ml.softmax import SUM, IndexDerivation, SoftmaxJacobian, i, j, p
from derivtutor.render import explain as ex
from derivtutor.render.blocks import Block, Derivation, Line, Matrix


def _tuple(items: Sequence[sp.Expr]) -> list[ex.Segment]:
    out: list[ex.Segment] = ["("]
    for n, item in enumerate(items):
        out += ([", "] if n else []) + [ex.Math(item)]
    return [*out, ")"]


def _symbols(items: Sequence[sp.Symbol]) -> list[ex.Segment]:
    return _tuple(list(items))


def _f(index: int | None = None) -> str:
    return "f" if index is None else f"f{index}"


def _heading(
    what: list[ex.Segment], variables: Sequence[sp.Symbol], alphabetical: bool
) -> list[Block]:
    """ "<what> with respect to (x, y)", and a note when the order was not given."""
    blocks: list[Block] = [Line([*what, " with respect to ", *_symbols(variables)])]
    if alphabetical:
        blocks.append(Line(["(no --vars given: the variables are taken in alphabetical order)"]))
    return blocks


def gradient_blocks(result: Gradient) -> list[Block]:
    blocks = _heading(
        ["Gradient of f = ", ex.Math(result.expression, typed=True)],
        result.variables,
        result.alphabetical,
    )
    for component in result.components:
        title: list[ex.Segment] = [f"∂{_f()}/∂", ex.Math(component.variable)]
        blocks.append(Derivation(title, component))
    blocks.append(Line(["Gradient: ∇f = ", *_tuple(result.vector)]))
    if result.is_softmax:
        blocks.append(
            Line(
                [
                    "These components are the softmax entries p_k = e^(z_k)/Σ e^(z_j): "
                    "the gradient of log-sum-exp is softmax."
                ]
            )
        )
    return blocks


def jacobian_blocks(result: Jacobian, *, steps: bool) -> list[Block]:
    count = len(result.expressions)
    names = [_f(m + 1) if count > 1 else _f() for m in range(count)]
    functions: list[ex.Segment] = ["("]
    for m, expr in enumerate(result.expressions):
        functions += ([", "] if m else []) + [ex.Math(expr, typed=True)]
    blocks = _heading(
        [f"Jacobian of ({', '.join(names)}) = ", *functions, ")"],
        result.variables,
        result.alphabetical,
    )
    blocks.append(
        Matrix(
            [[name] for name in names],
            [["∂/∂", ex.Math(v)] for v in result.variables],
            [[e.derivative for e in row] for row in result.entries],
        )
    )
    if steps:
        for name, row in zip(names, result.entries, strict=True):
            for entry in row:
                blocks.append(Derivation([f"∂{name}/∂", ex.Math(entry.variable)], entry))
    else:
        blocks.append(Line(["(--steps shows the derivation of every entry)"]))
    return blocks


def hessian_blocks(result: Hessian, *, steps: bool) -> list[Block]:
    blocks = _heading(
        ["Hessian of f = ", ex.Math(result.expression, typed=True)],
        result.variables,
        result.alphabetical,
    )
    blocks.append(Line(["Gradient: ∇f = ", *_tuple([g.derivative for g in result.gradient])]))
    labels: list[list[ex.Segment]] = [["∂/∂", ex.Math(v)] for v in result.variables]
    blocks.append(Matrix(labels, labels, [[e.derivative for e in row] for row in result.entries]))
    if len(result.variables) > 1:
        # Named in the user's own variables: for f(w, b), "∂²f/∂x∂y" would name neither.
        first, second = ex.Math(result.variables[0]), ex.Math(result.variables[1])
        blocks.append(
            Line(
                [
                    "The mixed partials agree, ∂²f/∂",
                    first,
                    "∂",
                    second,
                    " = ∂²f/∂",
                    second,
                    "∂",
                    first,
                    " (Schwarz's theorem, for continuous second partials), so H is "
                    "symmetric: each was derived once and mirrored.",
                ]
            )
        )
    if steps:
        for g in result.gradient:
            blocks.append(Derivation(["∂f/∂", ex.Math(g.variable)], g))
        n = len(result.variables)
        for r in range(n):
            for c in range(r, n):
                entry = result.entries[r][c]
                title: list[ex.Segment] = (
                    ["∂²f/∂", ex.Math(result.variables[r]), "²"]
                    if r == c
                    else ["∂²f/∂", ex.Math(result.variables[c]), "∂", ex.Math(result.variables[r])]
                )
                blocks.append(Derivation(title, entry))
    else:
        blocks.append(Line(["(--steps shows the derivation of every entry)"]))
    return blocks


def _index_lines(derivation: IndexDerivation, what: list[ex.Segment]) -> list[Block]:
    out: list[Block] = []
    for n, line in enumerate(derivation.lines, start=1):
        out.append(Line([f"  {n}. ", *what, " = ", ex.Math(line.statement, typed=True)]))
        out.append(Line([f"     ({line.reason})"]))
    return out


def softmax_blocks(result: SoftmaxJacobian, *, steps: bool) -> list[Block]:
    d_p: list[ex.Segment] = ["∂", ex.Math(p[i]), "/∂", ex.Math(sp.Indexed("z", j))]
    blocks: list[Block] = [
        Line(
            [
                "Softmax: ",
                ex.Math(p[i]),
                " = ",
                ex.Math(result.jacobian.definition, typed=True),
                "   for i = 1..",
                "n" if result.size is None else str(result.size),
                ", where S = ",
                ex.Math(SUM, typed=True),
            ]
        ),
        Line(["The Jacobian entry ", *d_p, ":"]),
        *_index_lines(result.jacobian, d_p),
        Line(
            [
                "Two cases: when i = j, ",
                *d_p,
                " = ",
                ex.Math(p[i] * (1 - p[i])),
                "; when i ≠ j, ",
                *d_p,
                " = ",
                ex.Math(-p[i] * p[j]),
                ".",
            ]
        ),
        Line(["As a matrix: J = diag(p) − p·pᵀ."]),
    ]
    if result.size is not None:
        size = result.size
        blocks.append(Line([f"For N = {size}, with p_k the softmax entries:"]))
        blocks.append(
            Matrix(
                [[ex.Math(sp.Symbol(f"p{m}"))] for m in range(1, size + 1)],
                [["∂/∂", ex.Math(v)] for v in result.variables],
                [list(result.p_matrix.row(r)) for r in range(size)],
            )
        )
        if steps:
            for r, row in enumerate(result.entries, start=1):
                for entry in row:
                    blocks.append(Derivation([f"∂p{r}/∂", ex.Math(entry.variable)], entry))
        else:
            blocks.append(
                Line(["(--steps derives every entry from e^(z_i)/Σ e^(z_k) by the rules)"])
            )
    d_l: list[ex.Segment] = ["∂L/∂", ex.Math(sp.Indexed("z", j))]
    blocks += [
        Line(
            [
                "Cross-entropy over softmax: L = ",
                ex.Math(result.cross_entropy.definition, typed=True),
                ", with a target y whose entries add up to 1:",
            ]
        ),
        *_index_lines(result.cross_entropy, d_l),
        Line(["so the gradient of cross-entropy over softmax is p − y."]),
    ]
    d_s: list[ex.Segment] = ["∂ ln(S)/∂", ex.Math(sp.Indexed("z", j))]
    blocks += [
        Line(
            [
                "Log-sum-exp: LSE = ",
                ex.Math(result.logsumexp.definition, typed=True),
                " = ",
                ex.Math(sp.log(SUM), typed=True),
                ":",
            ]
        ),
        *_index_lines(result.logsumexp, d_s),
        Line(["so the gradient of log-sum-exp is softmax."]),
    ]
    return blocks


def implicit_blocks(result: ImplicitDerivative) -> list[Block]:
    x, y = result.variable, result.dependent
    rate: list[ex.Segment] = [ex.Math(sp.Derivative(result.function, x))]
    equation: list[ex.Segment] = [
        ex.Math(result.left, typed=True),
        " = ",
        ex.Math(result.right, typed=True),
    ]
    left = result.left_derivation.derivative
    right = result.right_derivation.derivative
    return [
        Line(
            [
                "Implicit differentiation of ",
                *equation,
                ", with ",
                ex.Math(y),
                " a function of ",
                ex.Math(x),
            ]
        ),
        Line(
            [
                "1. Differentiate both sides with respect to ",
                ex.Math(x),
                "; wherever ",
                ex.Math(y),
                " appears, the chain rule brings in ",
                *rate,
                ".",
            ]
        ),
        Derivation(["left side"], result.left_derivation),
        Derivation(["right side"], result.right_derivation),
        Line(["2. The two derivatives are equal: ", ex.Math(left), " = ", ex.Math(right)]),
        Line(
            [
                "3. Collect the ",
                *rate,
                " terms on one side: ",
                ex.Math(result.coefficient, grouped=True),
                " · ",
                *rate,
                " = ",
                ex.Math(-result.rest),
            ]
        ),
        Line(["4. Solve: ", *rate, " = ", ex.Math(result.derivative)]),
        Line(
            [
                "Check: with F = ",
                ex.Math(sp.Add(result.left, -result.right, evaluate=False), typed=True),
                f", the shortcut −F_{x}/F_{y} = −(∂F/∂{x})/(∂F/∂{y}) gives ",
                ex.Math(result.shortcut),
                " (the same)" if result.agrees else " (they differ: please report this)",
            ]
        ),
    ]


def blocks(result: object, *, steps: bool = False) -> list[Block]:
    """What a gradient, Jacobian, Hessian, softmax Jacobian or implicit derivative says."""
    if isinstance(result, ImplicitDerivative):
        return implicit_blocks(result)
    if isinstance(result, Gradient):
        return gradient_blocks(result)
    if isinstance(result, Hessian):
        return hessian_blocks(result, steps=steps)
    if isinstance(result, SoftmaxJacobian):
        return softmax_blocks(result, steps=steps)
    assert isinstance(result, Jacobian)
    return jacobian_blocks(result, steps=steps)
