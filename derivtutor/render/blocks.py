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
    """One line of prose and maths."""

    segments: list[Segment]


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


Block = Line | Matrix | Derivation
