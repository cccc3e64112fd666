"""The Rich console for stdout. Light on purpose: `derivtutor rules` prints through it without
loading SymPy."""

from __future__ import annotations

from rich.console import Console


class _AsciiConsole(Console):
    """A console whose boxes and tree guides are ASCII, for terminals set to LANG=C."""

    @property
    def encoding(self) -> str:
        return "ascii"


def console(*, ascii: bool = False) -> Console:
    return (_AsciiConsole if ascii else Console)(highlight=False)
