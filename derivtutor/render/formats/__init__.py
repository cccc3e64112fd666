"""One printer class per output format, with one method per kind of block (``_print_Line``,
``_print_Matrix``, ``_print_Derivation``), in the style of SymPy's printers. A new format is one
file here and one line in ``printer``. (JSON is not a printer: it is the results' own shape,
in render/json.py.) May import the layers below render/,
render/blocks.py and render/explain.py; never a say/ module.
"""

from __future__ import annotations

from derivtutor.render.formats.base import Printer


def printer(
    fmt: str, *, ascii: bool = False, ascii_latex: bool = False, detail: str = "normal"
) -> Printer:
    """The printer of a format: text, rich, latex or markdown. ``ascii`` is for terminals
    that cannot show Unicode; ``ascii_latex`` writes LaTeX's prose in ASCII; ``detail`` is
    how much of each derivation is shown (render.explain.DETAILS)."""
    if fmt == "rich":
        from derivtutor.render.formats.rich import RichPrinter

        return RichPrinter(ascii=ascii, detail=detail)
    if fmt == "latex":
        from derivtutor.render.formats.latex import LatexPrinter

        return LatexPrinter(ascii=ascii_latex, detail=detail)
    if fmt == "markdown":
        from derivtutor.render.formats.markdown import MarkdownPrinter

        return MarkdownPrinter(detail=detail)
    from derivtutor.render.formats.text import TextPrinter

    return TextPrinter(ascii=ascii, detail=detail)
