"""LaTeX output: the derivation as an ``align*`` block (amsmath), ready to paste into homework."""

from __future__ import annotations

from typing import Any

import sympy as sp
from sympy.core.function import AppliedUndef
from sympy.printing.latex import LatexPrinter as SympyLatexPrinter
from sympy.printing.precedence import PRECEDENCE

from derivtutor.calculus.differentiation import Differentiation
from derivtutor.errors import UsageError
from derivtutor.language.notation import factor_rank, written_terms
from derivtutor.render import explain as ex
from derivtutor.render import summary
from derivtutor.render.blocks import (
    Cell,
    Derivation,
    DerivativeTable,
    Gap,
    Heading,
    Line,
    Matrix,
    Table,
)
from derivtutor.render.formats.base import Printer
from derivtutor.render.plain import ascii_prose

_PROSE = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "_": r"\_",
    "%": r"\%",
    "&": r"\&",
    "#": r"\#",
    "$": r"\$",
    "^": r"\^{}",
    "~": r"\~{}",
    # In pdflatex's default OT1 text font these print as ¡, ¿ and an em dash.
    "<": "$<$",
    ">": "$>$",
    "|": "$|$",
    "−": "$-$",
    "—": "---",
    "≠": r"$\neq$",
    "≤": r"$\leq$",
    "≥": r"$\geq$",
    "σ": r"$\sigma$",
    "²": "$^2$",
    "ˣ": "$^x$",
    "ⁿ": "$^n$",
    "·": r"$\cdot$",
    "∂": r"$\partial$",
    "θ": r"$\theta$",
    "ᵢ": "$_i$",
    "ⱼ": "$_j$",
    "ₖ": "$_k$",
    "ₙ": "$_n$",
    "Σ": r"$\Sigma$",
    "δ": r"$\delta$",
    "ᵀ": "$^T$",
    "∇": r"$\nabla$",
    "⁻": "$^-$",
    "¹": "$^1$",
    "³": "$^3$",
    # The prose of matrix derivations: shapes (m×n), the entrywise product, the norm.
    "×": r"$\times$",
    "⊙": r"$\odot$",
    "‖": r"$\|$",
    "′": "$'$",
    "𝟏": r"$\mathbf{1}$",
    "ₓ": "$_x$",
    "─": "-",
    "→": r"$\to$",
    "₁": "$_1$",
    "₂": "$_2$",
    "₃": "$_3$",
}


class _Printer(SympyLatexPrinter):  # type: ignore[misc]
    """SymPy's LaTeX, with the names a course uses: ln, arcsin, H(x) for the step function."""

    def _print_Mul(self, expr: sp.Mul) -> str:
        if isinstance(expr, sp.Pow):
            # SymPy's _print_Pow hands q^(-1) to _print_Mul: its args are (q, -1), not factors.
            return str(super()._print_Mul(expr))
        # SymPy prints the unevaluated 1/(1 + e^-x) the user typed as "1 \frac{1}{...}".
        below = [a.base for a in expr.args if isinstance(a, sp.Pow) and a.exp == -1]
        if below and self._settings["order"] == "none":
            above = [a for a in expr.args if not (isinstance(a, sp.Pow) and a.exp == -1)]
            return rf"\frac{{{self._join(above)}}}{{{self._join(below)}}}"
        if self._settings["order"] == "none":
            return self._typed_product(list(expr.args))
        coefficient, factors = expr.as_coeff_mul()
        plain = all(not (f.is_Pow and f.exp.is_negative) for f in factors)
        if self._settings["order"] != "none" and plain and coefficient.is_Integer:
            # The factor order of the text output: σ(x) (1 - σ(x)), not (1 - σ(x)) σ(x).
            parts = [
                self.parenthesize(f, PRECEDENCE["Mul"]) for f in sorted(factors, key=factor_rank)
            ]
            sign = "- " if coefficient == -1 else ""
            if abs(coefficient) != 1:
                sign += f"{abs(coefficient) if coefficient > 0 else coefficient} "
            return sign + " ".join(parts)
        return str(super()._print_Mul(expr))

    def _print_Add(self, expr: sp.Add, order: str | None = None) -> str:
        if all(isinstance(a, sp.UnevaluatedExpr) for a in expr.args):
            terms = [a.args[0] for a in expr.args]
        elif (written := written_terms(expr)) is not None:
            terms = written  # a sum of the function, in the order the user wrote it
        else:
            return str(super()._print_Add(expr, order))
        # A result's terms in the order they were written, each printed in its own order,
        # with "- 2/(x + 2)" for a negative term, never "+ -2/(x + 2)".
        out = ""
        for i, term in enumerate(terms):
            negative = term.could_extract_minus_sign()
            tex = latex(-term if negative else term)
            out += ("-" if negative else "") + tex if i == 0 else f" {'-+'[not negative]} {tex}"
        return out

    def _print_UnevaluatedExpr(self, expr: sp.UnevaluatedExpr) -> str:
        # A result placed inside a typed expression: printed in its own (canonical) order.
        return latex(expr.args[0])

    def _typed_product(self, factors: list[sp.Expr]) -> str:
        """A product as the user wrote it, with the signs a reader needs: 0 \\cdot (1 + e^{-x}),
        1 \\cdot (-e^{-x}), 2 x. SymPy's own printer would write "0 (1 + e^{-x}) - 1 - e^{-x}"."""
        if factors and factors[0] == -1 and len(factors) > 1:
            return "-" + self._typed_product(factors[1:])
        out = ""
        previous: sp.Expr | None = None
        for factor in factors:
            tex = str(self._print(factor))
            if isinstance(factor, sp.Add) or (previous is not None and tex.startswith("-")):
                tex = rf"\left({tex}\right)"
            if previous is not None:
                base = factor.base if isinstance(factor, sp.Pow) else factor
                juxtapose = previous.is_Number and isinstance(base, sp.Symbol)
                out += " " if juxtapose else r" \cdot "
            out += tex
            previous = factor
        return out

    def _join(self, factors: list[sp.Expr]) -> str:
        if not factors:
            return "1"
        if len(factors) == 1:
            return str(self._print(factors[0]))
        return str(self._print(sp.Mul(*factors, evaluate=False)))

    def _print_Function(self, expr: sp.Expr, exp: str | None = None) -> str:
        if isinstance(expr, AppliedUndef):
            # y(x) in implicit differentiation is written y.
            name = str(self._print(sp.Symbol(expr.func.__name__)))
            return name if exp is None else f"{name}^{{{exp}}}"
        return str(super()._print_Function(expr, exp))

    def _print_Derivative(self, expr: sp.Derivative) -> str:
        if isinstance(expr.expr, AppliedUndef) and len(expr.variables) == 1:
            name = self._print(sp.Symbol(expr.expr.func.__name__))
            return rf"\frac{{d{name}}}{{d{self._print(expr.variables[0])}}}"
        return str(super()._print_Derivative(expr))

    def _print_Heaviside(self, expr: sp.Heaviside, exp: str | None = None) -> str:
        tex = rf"H\left({self._print(expr.args[0])}\right)"
        return tex if exp is None else rf"{tex}^{{{exp}}}"

    def _print_sign(self, expr: sp.sign, exp: str | None = None) -> str:
        tex = rf"\operatorname{{sign}}\left({self._print(expr.args[0])}\right)"
        return tex if exp is None else rf"{tex}^{{{exp}}}"


def latex(expr: sp.Expr, *, typed: bool | str = False) -> str:
    settings: dict[str, Any] = {"ln_notation": True, "inv_trig_style": "full"}
    if typed:
        settings["order"] = "none"
    return str(_Printer(settings).doprint(expr))


def prose(text: str) -> str:
    return r"\text{" + "".join(_PROSE.get(c, c) for c in text) + "}"


def segment(seg: ex.Segment) -> str:
    if isinstance(seg, str):
        return prose(seg) if seg.strip() else r"\ "
    if isinstance(seg, ex.Math):
        tex = latex(seg.expr, typed=seg.typed)
        if seg.grouped and isinstance(seg.expr, (sp.Add, sp.Mul)):
            return rf"\left({tex}\right)"
        return tex
    if isinstance(seg, ex.D):
        d = r"\partial" if seg.partial else "d"
        v = latex(seg.var)
        if seg.order == 1:
            op = rf"\frac{{{d}}}{{{d} {v}}}"
        else:
            op = rf"\frac{{{d}^{{{seg.order}}}}}{{{d} {v}^{{{seg.order}}}}}"
        return rf"{op}\left[{latex(seg.expr, typed=True)}\right]"
    if isinstance(seg, ex.Rate):
        d = r"\partial" if seg.partial else "d"
        return rf"\frac{{{d} {latex(seg.u)}}}{{{d} {latex(seg.var)}}}"
    return seg.latex


def line(segments: list[ex.Segment]) -> str:
    return " ".join(segment(s) for s in ex.bracketed(segments))


def _tree(node: ex.Node) -> list[str]:
    rows = []
    for row in ex.lines(node):
        indent = r"\quad" * (len(row.labels) - 1)
        if row.kind == "step":
            rows.append(rf"&{indent} \text{{{row.labels[-1]}}}\ {line(row.segments)}")
        else:
            rows.append(rf"&{indent}\qquad {line(row.segments)}")
    return rows


def render_differentiation(result: Differentiation, detail: str = "normal") -> str:
    rows: list[str] = []
    for section in summary.sections(result, detail):
        if section.heading:
            rows.append("&" + line(section.heading))
        if section.tree is not None:
            rows.extend(_tree(section.tree))
        rows.extend(
            "&" + (r"\text{Result: }" if i == 0 else r"\qquad ") + line(r)
            for i, r in enumerate(section.result)
        )
    if result.at is not None:
        rows.extend("&" + line(r) for r in summary.gradient_check_lines(result, result.at))
    body = " \\\\\n".join(rows)
    return (
        "% derivtutor: needs \\usepackage{amsmath}\n\\begin{align*}\n" + body + "\n\\end{align*}\n"
    )


_TEX = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "^": r"\^{}",
    "~": r"\~{}",
    "|": r"\textbar{}",
    "<": r"\textless{}",
    ">": r"\textgreater{}",
}


def escape_text(text: str) -> str:
    """Plain ASCII prose, escaped for LaTeX (and --lr kept as two hyphens, not a dash)."""
    return "".join(_TEX.get(ch, ch) for ch in text).replace("--", "-{}-")


# What needs \usepackage{amsmath}, so that the note asking for it is printed only where it is
# true: a descent's table and equations compile in plain LaTeX.
AMSMATH = (r"\text{", r"\begin{align*}", r"\begin{pmatrix}", r"\operatorname", r"\lVert")


class LatexPrinter(Printer):
    """Blocks as a LaTeX fragment: a matrix as a pmatrix, an entry's derivation under a bold
    title. ``ascii=True`` writes the prose in ASCII, escaped (escape_text), which compiles
    with any engine; maths is LaTeX either way."""

    def _prose(self, text: str) -> str:
        if self.ascii:
            return escape_text(ascii_prose(text))
        return prose(text)[len("\\text{") : -1]

    def _inline(self, segments: list[ex.Segment]) -> str:
        return "".join(
            self._prose(s) if isinstance(s, str) else "$" + segment(s) + "$"
            for s in ex.bracketed(segments)
        )

    def _print_Line(self, block: Line) -> list[str]:  # noqa: N802
        if block.role == "equation":
            # Maths alone, on a line of its own; a Formula with no LaTeX spelling (a remark for
            # the terminal) is left out.
            tex = "".join(segment(s) for s in ex.bracketed(block.segments))
            return [r"\[ " + tex.strip() + r" \]"]
        inline = self._inline(block.segments)
        if block.role == "title":
            inline = "\\textbf{" + inline + "}"
        return ["\\noindent " + inline + "\n"]

    def _print_Heading(self, block: Heading) -> list[str]:  # noqa: N802
        return ["\\noindent\\textbf{" + self._inline(block.segments) + "}\n"]

    def _print_Gap(self, block: Gap) -> list[str]:  # noqa: N802
        return []

    def _cell(self, cell: Cell) -> str:
        return self._inline([cell] if isinstance(cell, str) else cell)

    def _print_Table(self, block: Table) -> list[str]:  # noqa: N802
        spec = "".join("r" if n in block.right else "l" for n in range(len(block.header)))
        lines = [r"\begin{tabular}{" + spec + "}"]
        lines.append(" & ".join(map(self._cell, block.header)) + r" \\ \hline")
        lines += [" & ".join(map(self._cell, row)) + r" \\" for row in block.rows]
        table = "\n".join([*lines, r"\end{tabular}"]) + "\n"
        if block.inset:
            return ["\\noindent " + self._prose(block.title) + "\n", table]
        return [table]

    def _print_DerivativeTable(self, block: DerivativeTable) -> list[str]:  # noqa: N802
        raise UsageError("the rules table has no LaTeX form; use --format markdown, text or json")

    def _print_Matrix(self, block: Matrix) -> list[str]:  # noqa: N802
        rows = [" & ".join(latex(e) for e in cells) + r" \\" for cells in block.cells]
        return ["\\[\n\\begin{pmatrix}\n" + "\n".join(rows) + "\n\\end{pmatrix}\n\\]"]

    def _print_Derivation(self, block: Derivation) -> list[str]:  # noqa: N802
        # The title says which entry (or which side) this is, as in the other formats; the
        # amsmath note is said once, at the top, not before every entry.
        body = render_differentiation(block.result, self.detail).split("\n", 1)[1]
        if not block.title:
            return [body.rstrip("\n")]
        return ["\\noindent\\textbf{" + self._inline(block.title) + "}\n", body]

    def join(self, pieces: list[str]) -> str:
        body = "\n".join(pieces) + "\n"
        if any(command in body for command in AMSMATH):
            return "% derivtutor: needs \\usepackage{amsmath}\n" + body
        return body
