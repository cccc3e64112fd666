"""What a problem bank's contents (`bank list`) and its errors (`bank validate`) say."""

from __future__ import annotations

from typing import TYPE_CHECKING

from derivtutor.render.blocks import Block, Cell, Gap, Line, Table

if TYPE_CHECKING:
    from derivtutor.practice.bank import Bank
    from derivtutor.practice.validated import Validation

LEVELS = (1, 2, 3, 4, 5)


def bank_blocks(bank: Bank) -> list[Block]:
    """One row per topic: its title and how many problems it has at each level."""
    from derivtutor.render.json import bank_dict

    data = bank_dict(bank)
    header: list[str] = ["topic", "title", *(f"L{n}" for n in LEVELS), "total"]
    rows: list[list[Cell]] = [
        [t["topic"], t["title"], *(str(t["levels"][str(n)]) for n in LEVELS), str(t["total"])]
        for t in data["topics"]
    ]
    total, topics = data["total"], len(rows)
    footer = (
        f"{total} problem{'s' * (total != 1)} in {topics} topic{'s' * (topics != 1)}, "
        f"from {bank.root}"
    )
    numbers = frozenset(range(2, len(header)))
    return [
        Table(list(header), rows, title="Problem bank", right=numbers),
        Gap(),
        Line([footer], role="note"),
    ]


def validation_blocks(found: Validation) -> list[Block]:
    """Every error as file:line: [id] message, then a one-line summary."""
    errors = found.errors
    lines: list[Block] = [Line([e.render()]) for e in errors]
    if errors:
        files = len({e.file for e in errors})
        noun = "error" if len(errors) == 1 else "errors"
        lines.append(Line([f"{len(errors)} {noun} in {files} file{'s' * (files != 1)}"]))
    else:
        problems, topics = found.problems, found.topics
        lines.append(
            Line(
                [
                    f"OK: {problems} problem{'s' * (problems != 1)} in {topics} "
                    f"topic{'s' * (topics != 1)}; every expression parses and every answer "
                    "agrees with the engine"
                ],
                role="good",
            )
        )
    return lines
