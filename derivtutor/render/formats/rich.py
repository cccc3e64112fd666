"""Rich output: the derivation as a tree, the result in a panel.

Everything the user typed reaches the screen as ``Text`` objects, never as markup, so a ``[``
in an expression cannot be read as a style. Lines wrap at the terminal's width (a long
expression folds rather than being cut off), and Rich falls back to ASCII guides on terminals
that cannot show Unicode.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.measure import Measurement
from rich.panel import Panel
from rich.text import Text
from rich.tree import Tree

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
from derivtutor.render.formats.text import TextWriter
from derivtutor.render.wrapping import cuts, hanging

if TYPE_CHECKING:
    from derivtutor.calculus.differentiation import Differentiation
    from derivtutor.render import explain as ex

RULE_STYLE = "bold cyan"
NOTE_STYLE = "dim"
# The words before ':', ',' or '(' at the start of a step: "Quotient rule", "As above".
_RULE_NAME = re.compile(r"[A-Z][A-Za-z -]*?(?= *[:,(]| *$)")
CONCLUSION_STYLE = "green"


def _text(writer: TextWriter, segments: list[ex.Segment], style: str = "") -> Text:
    from derivtutor.render import explain as ex

    text = Text(overflow="fold", style=style)
    for i, seg in enumerate(ex.bracketed(segments)):
        piece = writer.segment(seg)
        rule = _RULE_NAME.match(piece) if i == 0 and isinstance(seg, str) else None
        if rule is not None:
            # "Chain rule, with u₁ = ...", "Power rule (...)": the rule's name stands out.
            text.append(rule.group(), style=RULE_STYLE)
            text.append(piece[rule.end() :])
        else:
            text.append(piece)
    return text


class Folded:
    """A Text folded where wrapping.cuts says, at the width Rich gives it: between the parts
    of an equation, never inside a bracket, each continuation under the text it continues.
    (Rich alone folds at any space, |2x + / 1| included, and back at the margin.)"""

    def __init__(self, text: Text) -> None:
        self.text = text

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        for line in self.text.split("\n", allow_blank=True):
            hang = hanging(line.plain, width)
            pieces = line.divide(cuts(line.plain, width, hang))
            for k, piece in enumerate(pieces):
                if k:
                    blank = len(piece.plain) - len(piece.plain.lstrip(" "))
                    piece = Text(" " * hang) + piece[blank:]
                piece.rstrip()
                piece.overflow = "fold"  # a word longer than the line: folded, never cut off
                yield piece

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement.get(console, options, self.text)


def _label(writer: TextWriter, node: ex.Node, number: str) -> Text:
    label = Text()
    label.append(number + ("." if "." not in number else "") + " ", style="bold")
    label.append_text(_text(writer, node.head))
    for note in node.notes:
        label.append("\n")
        label.append_text(_text(writer, note, NOTE_STYLE))
    return label


def _grow(tree: Tree, writer: TextWriter, node: ex.Node, number: str) -> None:
    branch = tree.add(Folded(_label(writer, node, number)))
    for i, child in enumerate(node.children, start=1):
        _grow(branch, writer, child, f"{number}.{i}")
    if node.conclusion is not None:
        branch.add(Folded(_text(writer, node.conclusion, CONCLUSION_STYLE)))
    for step in node.algebra:
        branch.add(Folded(_text(writer, step, CONCLUSION_STYLE)))


def render_differentiation(
    result: Differentiation, *, ascii: bool = False, detail: str = "normal"
) -> RenderableType:
    from derivtutor.render import summary

    writer = TextWriter(ascii=ascii)
    parts: list[RenderableType] = []
    for section in summary.sections(result, detail):
        if section.heading or section.tree is not None:
            tree = Tree(Folded(_text(writer, section.heading, "bold")), guide_style="dim")
            if section.tree is not None:
                _grow(tree, writer, section.tree, "1")
            parts.append(tree)
        lines = Text(overflow="fold")
        for i, line in enumerate(section.result):
            if i:
                lines.append("\n")
            lines.append_text(_text(writer, line))
        panel = Panel(Folded(lines), title="Result", title_align="left", border_style="green")
        parts.append(panel)
    if result.at is not None:
        check = Text(overflow="fold")
        for i, line in enumerate(summary.gradient_check_lines(result, result.at)):
            if i:
                check.append("\n")
            check.append_text(_text(writer, line))
        parts.append(Folded(check))
    return Group(*parts)


# What a line's or a cell's role looks like on a terminal.
STYLES = {
    "title": "bold",
    "good": "green",
    "bad": "red",
    "warn": "yellow",
    "note": "dim",
    "equation": "",
}


class RichPrinter(Printer):
    """Blocks as Rich renderables: a matrix as a table, an entry's derivation as its tree."""

    def __init__(self, *, ascii: bool = False, detail: str = "normal") -> None:
        super().__init__(ascii=ascii, detail=detail)
        self.writer = TextWriter(ascii=ascii)

    def _print_Line(self, block: Line) -> list[RenderableType]:  # noqa: N802
        style = STYLES.get(block.role, "")
        return [Folded(Text(self.writer.line(block.segments), style=style, overflow="fold"))]

    def _print_Heading(self, block: Heading) -> list[RenderableType]:  # noqa: N802
        rule = self.writer.prose("──")
        heading = f"{rule} {self.writer.line(block.segments)} {rule}"
        return [Text(""), Text(heading, style="bold")]

    def _print_Gap(self, block: Gap) -> list[RenderableType]:  # noqa: N802
        return [Text("")]

    def cell(self, cell: Cell) -> str:
        return self.writer.prose(cell) if isinstance(cell, str) else self.writer.line(cell)

    def _print_Table(self, block: Table) -> list[RenderableType]:  # noqa: N802
        from rich.table import Table as RichTable

        header = [self.cell(c) for c in block.header]
        table = RichTable(*header, title=block.title or None, title_justify="left")
        for n, column in enumerate(table.columns):
            column.justify = "right" if n in block.right else "left"
        for r, row in enumerate(block.rows):
            cells = [Text(self.cell(c)) for c in row]
            if block.roles is not None:
                marked, roles = block.roles
                cells[marked].stylize(STYLES.get(roles[r], ""))
            table.add_row(*cells)
        return [table]

    def _print_DerivativeTable(self, block: DerivativeTable) -> list[RenderableType]:  # noqa: N802
        from rich.table import Table as RichTable

        prose = self.writer.prose
        table = RichTable(title=prose(block.title), title_justify="left", expand=False)
        # Folded, never cut with "…": a cut formula is a false one, and "…" is not ASCII.
        table.add_column("rule", style="cyan", no_wrap=True)
        table.add_column("function", overflow="fold")
        table.add_column("derivative", style="bold", overflow="fold")
        table.add_column("note", style="dim", overflow="fold")
        for e in block.entries:
            cells = (e.rule, e.function, e.derivative, e.note)
            table.add_row(*(Text(prose(cell)) for cell in cells))
        return [table]

    def _print_Matrix(self, block: Matrix) -> list[RenderableType]:  # noqa: N802
        from rich.table import Table

        w = self.writer
        table = Table(show_header=True, header_style="bold")
        table.add_column("")
        for column in block.columns:
            table.add_column(w.line(column), overflow="fold")
        for label, cells in zip(block.rows, block.cells, strict=True):
            table.add_row(Text(w.line(label)), *(Text(w.notation.show(e)) for e in cells))
        return [table]

    def _print_Derivation(self, block: Derivation) -> list[RenderableType]:  # noqa: N802
        body = render_differentiation(block.result, ascii=self.ascii, detail=self.detail)
        if not block.title:
            return [body]
        return [Text("── " + self.writer.line(block.title) + " ──", style="bold"), body]

    def join(self, pieces: list[RenderableType]) -> Group:
        return Group(*pieces)
