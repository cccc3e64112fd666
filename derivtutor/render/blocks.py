"""The format-neutral vocabulary of output: what a result says, before any format prints it.

A ``say`` module turns a result into a list of blocks; a printer of ``formats/`` prints each
kind of block in its format (``TextPrinter._print_Line``, ...). Segments are strings or
``explain.Math``; every expression is printed by the format, bracketed by precedence.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeAlias

# Only for the annotations: the blocks themselves load no SymPy, so an output without maths
# (`derivtutor rules`, `stats`) is printed by the same printers and stays instant.
if TYPE_CHECKING:
    import sympy as sp

    from derivtutor.calculus.differentiation import Differentiation
    from derivtutor.engine.table import Entry
    from derivtutor.render.explain import Segment


@dataclass(frozen=True)
class Line:
    """One line of prose and maths. Its ``role`` says what it is for ("title", "good", "bad",
    "warn", "note"), which a format may show by weight or colour; an "equation" is maths
    alone, which LaTeX sets on a line of its own."""

    segments: list[Segment]
    role: str = ""


@dataclass(frozen=True)
class Matrix:
    """A matrix with a label per row and per column."""

    rows: list[list[Segment]]
    columns: list[list[Segment]]
    cells: list[list[sp.Expr]]


@dataclass(frozen=True)
class Derivation:
    """One derivative's whole derivation, under a title (an entry of a matrix, a side)."""

    title: list[Segment]
    result: Differentiation


@dataclass(frozen=True)
class Heading:
    """The title of what follows (a gradient's component, a section)."""

    segments: list[Segment]


@dataclass(frozen=True)
class Gap:
    """Space between parts, where a format marks it (a blank line in text)."""


Cell: TypeAlias = "str | list[Segment]"


@dataclass(frozen=True)
class Table:
    """Rows under a header. ``right`` names the columns of numbers, aligned right; ``roles``
    gives one column a role per row ("good", "bad"), which a format may colour. ``inset``
    says the title is the sentence that introduces the table, which text prints above it,
    with the table indented under it."""

    header: list[Cell]
    rows: list[list[Cell]]
    title: str = ""
    right: frozenset[int] = frozenset()
    roles: tuple[int, list[str]] | None = None
    inset: bool = False


@dataclass(frozen=True)
class DerivativeTable:
    """Rows of a table of derivatives, function -> derivative, each with a note and the rule
    it is: text lines them up on the arrow, as a book's table does; the table formats give
    each part a column."""

    entries: tuple[Entry, ...]
    title: str = "Derivative rules"


Block = Line | Heading | Gap | Matrix | Table | Derivation | DerivativeTable
