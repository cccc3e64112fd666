"""One derivation (a ``diff`` result) in one format: a string, or a Rich renderable for rich."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from derivtutor.render.blocks import Derivation
from derivtutor.render.formats import printer

if TYPE_CHECKING:
    from derivtutor.calculus.differentiation import Differentiation


def render_differentiation(result: Differentiation, fmt: str, *, ascii: bool = False) -> Any:
    """The derivation in one format: a string, or a Rich renderable for 'rich'."""
    if fmt == "json":
        from derivtutor.render.json import dumps

        return dumps(result.to_dict())
    return printer(fmt, ascii=ascii).print([Derivation([], result)])
