"""The one door from the results up to render/: ``to_dict()`` and Jupyter's ``_repr_markdown_``.

The result classes live below render/, yet a notebook user expects ``result.to_dict()`` and a
rendered cell. So each result method imports this module inside the method, never at the top:
the layers below never load render/ unless a shape or a cell is asked for, and
tests/test_architecture.py lets only these lazy imports point up the stack.
"""

from __future__ import annotations

from typing import Any


def to_dict(result: object) -> dict[str, Any]:
    """The JSON shape of any result (render/json.py holds every shape)."""
    from derivtutor.render.json import shape

    return shape(result)


def to_markdown(result: object) -> str:
    """A result as a Jupyter cell: Markdown with maths."""
    from derivtutor.render.show import show

    return str(show(result, "markdown"))
