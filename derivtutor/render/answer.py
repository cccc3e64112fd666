"""The result alone (``--answer``), for copying and for scripts, in the two forms it is
printed in (render/show.show_answer picks between them by format): SymPy's syntax
(``2*x*cos(x**2)``, which ``sympify`` reads) and LaTeX. No steps, no prose.

A derivative is one expression; a gradient a list of them; a Jacobian or a Hessian a matrix
(``Matrix([[…], […]])`` in SymPy's syntax, a ``pmatrix`` in LaTeX); a derivative by a vector
or matrix is printed by language/matrix_notation, as the rest of its output is.
"""

from __future__ import annotations

from typing import Any

from derivtutor.errors import UsageError
from derivtutor.render.kinds import is_a


def forms(result: Any) -> tuple[str, str]:
    """The result in SymPy's syntax and in LaTeX (render/show.show_answer picks the format)."""
    from derivtutor.render.formats.latex import latex
    from derivtutor.render.json import expression_string

    if is_a(result, "derivtutor.calculus.matrix_derivative", "MatrixDerivative"):
        from derivtutor.language.matrix_notation import matrix_text

        return matrix_text(result.result, "sympy"), matrix_text(result.result, "latex")
    if is_a(result, "derivtutor.calculus.differentiation", "Differentiation") or is_a(
        result, "derivtutor.calculus.implicit", "ImplicitDerivative"
    ):
        return expression_string(result.derivative), latex(result.derivative)
    if is_a(result, "derivtutor.calculus.multivar", "Gradient"):
        parts = [expression_string(c) for c in result.vector]
        body = r" \\ ".join(latex(c) for c in result.vector)
        return "[" + ", ".join(parts) + "]", r"\begin{pmatrix} " + body + r" \end{pmatrix}"
    if is_a(result, "derivtutor.calculus.multivar", "Jacobian") or is_a(
        result, "derivtutor.calculus.multivar", "Hessian"
    ):
        return _matrix(result.matrix)
    if is_a(result, "derivtutor.ml.softmax", "SoftmaxJacobian"):
        if result.size is None:  # the general case: J = diag(p) − ppᵀ
            return "diag(p) - p*p.T", r"\operatorname{diag}(p) - p p^{\top}"
        return _matrix(result.p_matrix)  # in p, as the texts write it
    raise UsageError("--answer prints a derivative's result: this command has none to print")


def _matrix(matrix: Any) -> tuple[str, str]:
    """A matrix as SymPy's Matrix([[…], […]]) and as a LaTeX pmatrix."""
    from derivtutor.render.formats.latex import latex
    from derivtutor.render.json import expression_string

    rows = matrix.tolist()
    shown = ", ".join("[" + ", ".join(expression_string(e) for e in row) + "]" for row in rows)
    body = r" \\ ".join(" & ".join(latex(e) for e in row) for row in rows)
    return f"Matrix([{shown}])", r"\begin{pmatrix} " + body + r" \end{pmatrix}"
