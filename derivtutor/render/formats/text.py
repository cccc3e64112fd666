"""Plain-text output: numbered steps, as a teacher writes them on the board.

Unicode by default (x², −, σ); ``ascii=True`` for terminals that cannot show it.
"""

from __future__ import annotations

from functools import cached_property
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
from derivtutor.render.plain import ascii_prose

# SymPy is loaded only when there is maths to print, so that prose and tables (`rules`,
# `stats`) print without it.
if TYPE_CHECKING:
    import sympy as sp

    from derivtutor.calculus.differentiation import Differentiation
    from derivtutor.language.notation import Notation
    from derivtutor.render import explain as ex


class TextWriter:
    """Segments and explanation trees as lines of text."""

    def __init__(self, *, ascii: bool = False) -> None:
        self.ascii = ascii

    @cached_property
    def notation(self) -> Notation:
        from derivtutor.language.notation import Notation

        return Notation(ascii=self.ascii)

    def prose(self, text: str) -> str:
        return ascii_prose(text) if self.ascii else text

    def segment(self, seg: ex.Segment) -> str:
        if isinstance(seg, str):
            return self.prose(seg)
        from derivtutor.render import explain as ex

        if isinstance(seg, ex.Math):
            return self.notation.show(seg.expr, typed=seg.typed, grouped=seg.grouped)
        if isinstance(seg, ex.D):
            operator = self.operator(seg.var, seg.partial, seg.order)
            return f"{operator} [{self.notation.show(seg.expr, typed=True)}]"
        if isinstance(seg, ex.Rate):
            d = "∂" if seg.partial and not self.ascii else "d"
            return f"{d}{self.notation.show(seg.u)}/{d}{self.notation.show(seg.var)}"
        return seg.ascii if self.ascii and seg.ascii else self.prose(seg.text)

    def line(self, segments: list[ex.Segment]) -> str:
        if all(isinstance(s, str) for s in segments):
            return "".join(self.prose(s) for s in segments if isinstance(s, str))  # no SymPy
        from derivtutor.render import explain as ex

        return "".join(self.segment(s) for s in ex.bracketed(segments))

    def operator(self, var: sp.Symbol, partial: bool = False, order: int = 1) -> str:
        d = "∂" if partial and not self.ascii else "d"
        v = self.notation.show(var)
        if order == 1:
            return f"{d}/{d}{v}"
        if self.ascii:
            return f"{d}^{order}/{d}{v}^{order}"
        import sympy as sp

        from derivtutor.language.notation import SUPERSCRIPT

        power = self.notation.show(sp.Integer(order)).translate(SUPERSCRIPT)
        return f"{d}{power}/{d}{v}{power}"

    def tree(self, node: ex.Node) -> list[str]:
        from derivtutor.render import explain as ex

        out = []
        for line in ex.lines(node):
            # Children sit under their parent's text, past its number: 1.2 under "1. ".
            outer = sum(len(label) + 1 for label in line.labels[:-1])
            text = self.line(line.segments)
            if line.kind == "step":
                out.append(" " * outer + f"{line.labels[-1]} {text}")
            else:
                extra = 2 if line.kind == "note" else 0
                out.append(" " * (outer + len(line.labels[-1]) + 1 + extra) + text)
        return out


def render_differentiation(
    result: Differentiation, *, ascii: bool = False, detail: str = "normal"
) -> str:
    """The whole derivation, every order, as text."""
    from derivtutor.render import summary

    w = TextWriter(ascii=ascii)
    out: list[str] = []
    for section in summary.sections(result, detail):
        if section.heading:
            out.append(w.line(section.heading))
        if section.tree is not None:
            out.append("")
            out.extend(w.tree(section.tree))
        out.append("")
        first = "Result: " + w.line(section.result[0])
        out.append(first)
        # Later forms line up under the first '=' (notes under the result itself).
        equals = first.find(" = ") + 1
        for line in section.result[1:]:
            text = w.line(line)
            out.append(" " * (equals if text.startswith("=") else equals + 2) + text)
        out.append("")
    if result.at is not None:
        out.extend(w.line(line) for line in summary.gradient_check_lines(result, result.at))
    return "\n".join(out).rstrip() + "\n"


class TextPrinter(Printer):
    """Blocks as plain text: a matrix as aligned columns, an entry's derivation under a rule."""

    def __init__(self, *, ascii: bool = False, detail: str = "normal") -> None:
        super().__init__(ascii=ascii, detail=detail)
        self.writer = TextWriter(ascii=ascii)

    def _print_Line(self, block: Line) -> list[str]:  # noqa: N802 - named for the block class
        return [self.writer.line(block.segments)]

    def _print_Matrix(self, block: Matrix) -> list[str]:  # noqa: N802
        w = self.writer
        header = [""] + [w.line(c) for c in block.columns]
        rows = [
            [w.line(r)] + [w.notation.show(e) for e in cells]
            for r, cells in zip(block.rows, block.cells, strict=True)
        ]
        widths = [max(len(row[c]) for row in [header, *rows]) for c in range(len(header))]
        grid = [
            "  "
            + "   ".join(
                cell.ljust(width) for cell, width in zip(row, widths, strict=True)
            ).rstrip()
            for row in [header, *rows]
        ]
        return ["", *grid, ""]

    def _print_Derivation(self, block: Derivation) -> list[str]:  # noqa: N802
        body = render_differentiation(block.result, ascii=self.ascii, detail=self.detail).rstrip()
        if not block.title:
            return [body]
        return ["", "── " + self.writer.line(block.title) + " ──", body, ""]

    def _print_Heading(self, block: Heading) -> list[str]:  # noqa: N802
        # The rules of a heading are prose too: "-- ... --" on an ASCII terminal.
        return [
            "",
            self.writer.prose("── ") + self.writer.line(block.segments) + self.writer.prose(" ──"),
        ]

    def _print_Gap(self, block: Gap) -> list[str]:  # noqa: N802
        return [""]

    def cell(self, cell: Cell) -> str:
        return self.writer.prose(cell) if isinstance(cell, str) else self.writer.line(cell)

    def _print_Table(self, block: Table) -> list[str]:  # noqa: N802
        rows = [[self.cell(c) for c in row] for row in [block.header, *block.rows]]
        widths = [max(len(r[c]) for r in rows) for c in range(len(rows[0]))]
        lines = [
            "  ".join(
                cell.rjust(width) if c in block.right else cell.ljust(width)
                for c, (cell, width) in enumerate(zip(row, widths, strict=True))
            ).rstrip()
            for row in rows
        ]
        if block.inset:
            return [self.writer.prose(block.title), *("  " + line for line in lines)]
        return lines

    def _print_DerivativeTable(self, block: DerivativeTable) -> list[str]:  # noqa: N802
        prose = self.writer.prose
        width = max(len(prose(e.function)) for e in block.entries)
        return [
            (
                f"{prose(e.function):<{width}}  ->  {prose(e.derivative)}"
                + (f"   ({prose(e.note)})" if e.note else "")
                if e.function
                else f"{e.name}: {prose(e.note)}"
            )
            + f"   [{e.rule}]"
            for e in block.entries
        ]

    def join(self, pieces: list[str]) -> str:
        return "\n".join(pieces).rstrip() + "\n"
