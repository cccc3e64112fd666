"""What every result of the Python API does in a notebook: ``to_dict()`` (its JSON shape), a
rendered Jupyter cell (``_repr_markdown_``, Markdown with maths), and a short ``repr`` that
says what it is in one line, not the dataclass's every field and step tree.

The first two go up through the one door to render/ (derivtutor/display.py), imported inside
the method; the repr is the result's own ``summary()``.
"""

from __future__ import annotations

from typing import Any


class Notebook:
    """A result a notebook user meets: ``to_dict``, ``_repr_markdown_`` and a short repr.
    A dataclass that is one says ``repr=False``, so that this repr is the one it has."""

    def to_dict(self) -> dict[str, Any]:
        from derivtutor import display

        return display.to_dict(self)

    def _repr_markdown_(self) -> str:
        from derivtutor import display

        return display.to_markdown(self)

    def summary(self) -> str:
        """The result in one line, in SymPy's syntax."""
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"<{type(self).__name__}: {self.summary()}>"


def operator(variable: Any, order: int = 1) -> str:
    """d/dx, or d^2/dx^2, for a summary (ASCII, as SymPy prints)."""
    return f"d/d{variable}" if order == 1 else f"d^{order}/d{variable}^{order}"
