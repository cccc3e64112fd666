"""The derivative table as a Rich table. Imports no SymPy: ``derivtutor rules`` stays instant."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text

from derivtutor.table import Entry


def rules_table(rows: tuple[Entry, ...], *, title: str = "Derivative rules") -> Table:
    table = Table(title=title, title_justify="left", expand=False)
    table.add_column("rule", style="cyan", no_wrap=True)
    table.add_column("function")
    table.add_column("derivative", style="bold")
    table.add_column("note", style="dim")
    for e in rows:
        table.add_row(Text(e.rule), Text(e.function), Text(e.derivative), Text(e.note))
    return table


def rules_text(rows: tuple[Entry, ...]) -> str:
    width = max(len(e.function) for e in rows)
    lines = [
        f"{e.function:<{width}}  ->  {e.derivative}" + (f"   ({e.note})" if e.note else "")
        + f"   [{e.rule}]"
        for e in rows
    ]
    return "\n".join(lines) + "\n"
