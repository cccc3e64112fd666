"""Markdown output with $...$ maths, which GitHub and Jupyter render."""

from __future__ import annotations

from typing import TYPE_CHECKING

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

# Maths is set by the LaTeX printer, loaded (with SymPy) only when there is maths to print.
if TYPE_CHECKING:
    from derivtutor.calculus.differentiation import Differentiation
    from derivtutor.render import explain as ex


def _segment(seg: ex.Segment) -> str:
    if isinstance(seg, str):
        return _escaped(seg)
    from derivtutor.render import explain as ex
    from derivtutor.render.formats.latex import segment

    if isinstance(seg, ex.Formula):
        return f"${seg.latex}$"
    return f"${segment(seg)}$"


def _escaped(prose: str) -> str:
    """Prose as Markdown text: & < > as entities (an id or answer from input is never HTML),
    and * _ as themselves, not emphasis."""
    prose = prose.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return prose.replace("*", r"\*").replace("_", r"\_")


def line(segments: list[ex.Segment]) -> str:
    if all(isinstance(s, str) for s in segments):
        return "".join(_segment(s) for s in segments)  # prose alone: no SymPy
    from derivtutor.render import explain as ex

    return "".join(_segment(s) for s in ex.bracketed(segments))


def _tree(node: ex.Node) -> list[str]:
    from derivtutor.render import explain as ex

    rows = []
    for row in ex.lines(node):
        indent = "    " * (len(row.labels) - 1)
        if row.kind == "step":
            rows.append(f"{indent}- **{row.labels[-1]}** {line(row.segments)}")
        else:
            rows.append(f"{indent}    - {line(row.segments)}")
    return rows


def render_differentiation(result: Differentiation, detail: str = "normal") -> str:
    from derivtutor.render import summary
    from derivtutor.render.formats.latex import latex

    out: list[str] = []
    for section in summary.sections(result, detail):
        if section.heading:
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
        if block.role == "equation":
            # A line of maths alone reads as typed (f'(x) = 2x), as a run's heading always has.
            from derivtutor.render.formats.text import TextWriter

            return [_escaped(TextWriter().line(block.segments).strip()) + "\n"]
        text = line(block.segments).strip()
        return [(f"**{text}**" if block.role == "title" else text) + "\n"]

    def _print_Heading(self, block: Heading) -> list[str]:  # noqa: N802
        return ["#### " + line(block.segments) + "\n"]

    def _print_Gap(self, block: Gap) -> list[str]:  # noqa: N802
        return []

    def _cell(self, cell: Cell) -> str:
        return (line([cell]) if isinstance(cell, str) else line(cell)).replace("|", "\\|")

    def _print_Table(self, block: Table) -> list[str]:  # noqa: N802
        out = ["| " + " | ".join(map(self._cell, block.header)) + " |"]
        out.append(
            "|" + "".join("---:|" if n in block.right else "---|" for n in range(len(block.header)))
        )
        out += ["| " + " | ".join(map(self._cell, row)) + " |" for row in block.rows]
        if block.inset:
            return [line([block.title]) + "\n", "\n".join(out) + "\n"]
        return ["\n".join(out) + "\n"]

    def _print_DerivativeTable(self, block: DerivativeTable) -> list[str]:  # noqa: N802
        def cell(text: str) -> str:
            return text.replace("|", r"\|")

        lines = ["| rule | function | derivative | note |", "|---|---|---|---|"]
        lines += [
            f"| `{e.rule}` | {cell(e.function)} | {cell(e.derivative)} | {cell(e.note)} |"
            for e in block.entries
        ]
        return ["\n".join(lines) + "\n"]

    def _print_Matrix(self, block: Matrix) -> list[str]:  # noqa: N802
        out = ["| | " + " | ".join(line(c) for c in block.columns) + " |"]
        out.append("|---" * (len(block.columns) + 1) + "|")
        from derivtutor.render import explain as ex

        for label, cells in zip(block.rows, block.cells, strict=True):
            row = " | ".join(line([ex.Math(e)]) for e in cells)
            out.append(f"| {line(label)} | {row} |")
        return [*out, ""]

    def _print_Derivation(self, block: Derivation) -> list[str]:  # noqa: N802
        body = render_differentiation(block.result, self.detail)
        if not block.title:
            return [body]
        return ["#### " + line(block.title) + "\n", body]

    def join(self, pieces: list[str]) -> str:
        return "\n".join(pieces).rstrip() + "\n"
