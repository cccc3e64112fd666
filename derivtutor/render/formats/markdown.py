"""Markdown output with $...$ maths, which GitHub and Jupyter render."""

from __future__ import annotations

from derivtutor.calculus.differentiation import Differentiation
from derivtutor.render import explain as ex
from derivtutor.render import summary
from derivtutor.render.blocks import Derivation, Line, Matrix
from derivtutor.render.formats.base import Printer
from derivtutor.render.formats.latex import latex, segment


def _segment(seg: ex.Segment) -> str:
    if isinstance(seg, str):
        return seg.replace("*", r"\*").replace("_", r"\_")
    if isinstance(seg, ex.Formula):
        return f"${seg.latex}$"
    return f"${segment(seg)}$"


def line(segments: list[ex.Segment]) -> str:
    return "".join(_segment(s) for s in segments)


def _tree(node: ex.Node) -> list[str]:
    rows = []
    for row in ex.lines(node):
        indent = "    " * (len(row.labels) - 1)
        if row.kind == "step":
            rows.append(f"{indent}- **{row.labels[-1]}** {line(row.segments)}")
        else:
            rows.append(f"{indent}    - {line(row.segments)}")
    return rows


def render_differentiation(result: Differentiation) -> str:
    out: list[str] = []
    for section in summary.sections(result):
        out.append(f"### {line(section.heading)}")
        out.append("")
        if section.tree is not None:
            out.extend(_tree(section.tree))
            out.append("")
        for i, row in enumerate(section.result):
            out.append(("**Result:** " if i == 0 else "") + line(row).strip())
            out.append("")
    if result.at is not None:
        out.extend(line(r).strip() + "  " for r in summary.gradient_check_lines(result, result.at))
    out.append(f"<!-- derivative: ${latex(result.derivative)}$ -->")
    return "\n".join(out).rstrip() + "\n"


class MarkdownPrinter(Printer):
    """Blocks as Markdown with $maths$: a matrix as a table, an entry under a heading."""

    def _print_Line(self, block: Line) -> list[str]:  # noqa: N802
        return [line(block.segments).strip() + "\n"]

    def _print_Matrix(self, block: Matrix) -> list[str]:  # noqa: N802
        out = ["| | " + " | ".join(line(c) for c in block.columns) + " |"]
        out.append("|---" * (len(block.columns) + 1) + "|")
        for label, cells in zip(block.rows, block.cells, strict=True):
            row = " | ".join(line([ex.Math(e)]) for e in cells)
            out.append(f"| {line(label)} | {row} |")
        return [*out, ""]

    def _print_Derivation(self, block: Derivation) -> list[str]:  # noqa: N802
        return ["#### " + line(block.title) + "\n", render_differentiation(block.result)]

    def join(self, pieces: list[str]) -> str:
        return "\n".join(pieces).rstrip() + "\n"
