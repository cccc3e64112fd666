"""The derivative table as a Rich table. Imports no SymPy: ``derivtutor rules`` stays instant."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text

from derivtutor.engine.table import Entry
from derivtutor.errors import UsageError
from derivtutor.render.plain import ascii_prose


def _plain(text: str, ascii: bool) -> str:
    return ascii_prose(text) if ascii else text


def rules_table(
    rows: tuple[Entry, ...], *, title: str = "Derivative rules", ascii: bool = False
) -> Table:
    table = Table(title=title, title_justify="left", expand=False)
    table.add_column("rule", style="cyan", no_wrap=True)
    table.add_column("function")
    table.add_column("derivative", style="bold")
    table.add_column("note", style="dim")
    for e in rows:
        cells = (e.rule, e.function, e.derivative, e.note)
        table.add_row(*(Text(_plain(cell, ascii)) for cell in cells))
    return table


def rules_text(rows: tuple[Entry, ...], *, ascii: bool = False) -> str:
    width = max(len(_plain(e.function, ascii)) for e in rows)
    lines = [
        (
            f"{_plain(e.function, ascii):<{width}}  ->  {_plain(e.derivative, ascii)}"
            + (f"   ({_plain(e.note, ascii)})" if e.note else "")
            if e.function
            else f"{e.name}: {_plain(e.note, ascii)}"
        )
        + f"   [{e.rule}]"
        for e in rows
    ]
    return "\n".join(lines) + "\n"


def render_rules(rows: tuple[Entry, ...], fmt: str, *, ascii: bool = False) -> str | Table:
    """The rows in an output format: a Rich table for 'rich', text for every other format."""
    if fmt == "json":
        from derivtutor.render.json import dumps, rules_list

        return dumps(rules_list(rows))
    if fmt == "rich":
        return rules_table(rows, ascii=ascii)
    if fmt == "markdown":
        return rules_markdown(rows)
    if fmt == "latex":
        raise UsageError("the rules table has no LaTeX form; use --format markdown, text or json")
    return rules_text(rows, ascii=ascii)


def rules_markdown(rows: tuple[Entry, ...]) -> str:
    def cell(text: str) -> str:
        return text.replace("|", r"\|")

    lines = ["| rule | function | derivative | note |", "|---|---|---|---|"]
    lines += [
        f"| `{e.rule}` | {cell(e.function)} | {cell(e.derivative)} | {cell(e.note)} |" for e in rows
    ]
    return "\n".join(lines) + "\n"
