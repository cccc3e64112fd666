"""What every printer shares: each block printed by the method named for its class."""

from __future__ import annotations

from typing import Any

from derivtutor.render.blocks import Block


class Printer:
    """Prints blocks: each through the method named for its class, then ``join`` puts the
    pieces together as the format wants (a string, or a Rich group)."""

    def __init__(self, *, ascii: bool = False, detail: str = "normal") -> None:
        self.ascii = ascii
        self.detail = detail  # of every derivation printed: brief, normal or full

    def print(self, blocks: list[Block]) -> Any:
        pieces: list[Any] = []
        for block in blocks:
            pieces.extend(getattr(self, f"_print_{type(block).__name__}")(block))
        return self.join(pieces)

    def join(self, pieces: list[Any]) -> Any:
        raise NotImplementedError
