"""The format-neutral vocabulary of output: what a result says, before any format prints it.

A ``say`` module turns a result into a list of blocks; a printer of ``formats/`` prints each
kind of block in its format (``TextPrinter._print_Line``, ...). Segments are strings or
``explain.Math``; every expression is printed by the format, bracketed by precedence.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from derivtutor.calculus.differentiation import Differentiation
from derivtutor.render.explain import Segment


@dataclass(frozen=True)
class Line:
    """One line of prose and maths. Its ``role`` says what it is for ("title", "good", "bad",
    "warn"), which a format may show by weight or colour."""

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


Cell = str | list[Segment]


@dataclass(frozen=True)
class Table:
    """Rows under a header. ``right`` names the columns of numbers, aligned right; ``roles``
    gives one column a role per row ("good", "bad"), which a format may colour."""

    header: list[str]
    rows: list[list[Cell]]
    title: str = ""
    right: frozenset[int] = frozenset()
    roles: tuple[int, list[str]] | None = None


Block = Line | Heading | Gap | Matrix | Table | Derivation
