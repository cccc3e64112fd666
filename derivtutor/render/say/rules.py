"""What the table of derivatives says: its rows, as one block. Imports no SymPy, so that
``derivtutor rules`` stays instant."""

from __future__ import annotations

from derivtutor.engine.table import Entry
from derivtutor.render.blocks import Block, DerivativeTable


def rules_blocks(rows: tuple[Entry, ...]) -> list[Block]:
    return [DerivativeTable(rows)]
