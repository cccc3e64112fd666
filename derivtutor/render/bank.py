"""A problem bank's contents (`bank list`) and its errors (`bank validate`)."""

from __future__ import annotations

from derivtutor.errors import BankError, UsageError
from derivtutor.practice.bank import Bank

LEVELS = (1, 2, 3, 4, 5)


def render_bank_list(bank: Bank, fmt: str) -> object:
    """One row per topic: its title and how many problems it has at each level."""
    from derivtutor.render.json import bank_dict, dumps

    data = bank_dict(bank)
    if fmt == "json":
        return dumps(data)
    if fmt == "latex":
        raise UsageError("a bank listing has no LaTeX form; use --format markdown, text or json")
    header = ["topic", "title", *(f"L{n}" for n in LEVELS), "total"]
    rows = [
        [t["topic"], t["title"], *(str(t["levels"][str(n)]) for n in LEVELS), str(t["total"])]
        for t in data["topics"]
    ]
    total, topics = data["total"], len(rows)
    footer = (
        f"{total} problem{'s' * (total != 1)} in {topics} topic{'s' * (topics != 1)}, "
        f"from {bank.root}"
    )
    if fmt == "rich":
        from rich.console import Group
        from rich.table import Table
        from rich.text import Text

        table = Table(*header, title="Problem bank", title_justify="left")
        for column in table.columns[2:]:
            column.justify = "right"
        for row in rows:
            table.add_row(*(Text(cell) for cell in row))
        return Group(table, Text(footer, style="dim"))
    if fmt == "markdown":
        out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        out += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
        return "\n".join([*out, "", footer]) + "\n"
    widths = [max(len(r[c]) for r in [header, *rows]) for c in range(len(header))]
    lines = [
        "  ".join(
            cell.ljust(w) if c < 2 else cell.rjust(w)
            for c, (cell, w) in enumerate(zip(row, widths, strict=True))
        ).rstrip()
        for row in [header, *rows]
    ]
    return "\n".join([*lines, "", footer]) + "\n"


def render_validation(bank: Bank, errors: tuple[BankError, ...], fmt: str) -> str:
    """Every error as file:line: [id] message, then a one-line summary."""
    if fmt == "json":
        from derivtutor.render.json import dumps, validation_dict

        return dumps(validation_dict(bank, errors))
    lines = [e.render() for e in errors]
    if errors:
        files = len({e.file for e in errors})
        noun = "error" if len(errors) == 1 else "errors"
        lines.append(f"{len(errors)} {noun} in {files} file{'s' * (files != 1)}")
    else:
        problems, topics = len(bank.problems), len(bank.titles)
        lines.append(
            f"OK: {problems} problem{'s' * (problems != 1)} in {topics} "
            f"topic{'s' * (topics != 1)}; every expression parses and every answer agrees "
            "with the engine"
        )
    return "\n".join(lines) + "\n"
