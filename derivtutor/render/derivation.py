"""One derivation (a ``diff`` result) in one format: a string, or a Rich renderable for rich."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from derivtutor.calculus.differentiation import Differentiation


def render_differentiation(result: Differentiation, fmt: str, *, ascii: bool = False) -> Any:
    """The derivation in one format: a string, or a Rich renderable for 'rich'."""
    if fmt == "json":
        import json

        return json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n"
    if fmt == "latex":
        from derivtutor.render.formats import latex

        return latex.render_differentiation(result)
    if fmt == "markdown":
        from derivtutor.render.formats import markdown

        return markdown.render_differentiation(result)
    if fmt == "rich":
        from derivtutor.render.formats import rich

        return rich.render_differentiation(result, ascii=ascii)
    from derivtutor.render.formats import text

    return text.render_differentiation(result, ascii=ascii)
