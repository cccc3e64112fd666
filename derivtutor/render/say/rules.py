"""What the table of derivatives says: its rows, as one block. Imports no SymPy, so that
``derivtutor rules`` stays instant."""

from __future__ import annotations

from derivtutor.engine.table import MATRIX_TABLE, Entry
from derivtutor.render.blocks import Block, DerivativeTable, Heading

MATRIX_TITLE = "Matrix differentials (the gradient has the shape of what it is taken by)"


def rules_blocks(rows: tuple[Entry, ...]) -> list[Block]:
    """The scalar rules, then the identities of matrix calculus under a title of their own."""
    matrix = set(MATRIX_TABLE)
    scalar = tuple(e for e in rows if e not in matrix)
    matrices = tuple(e for e in rows if e in matrix)
    blocks: list[Block] = [DerivativeTable(scalar)] if scalar else []
    if matrices:
        # A heading where the matrix rows follow the scalar ones; alone, they need none.
        blocks += [Heading([MATRIX_TITLE])] if scalar else []
        blocks.append(DerivativeTable(matrices, title=MATRIX_TITLE))
    return blocks
