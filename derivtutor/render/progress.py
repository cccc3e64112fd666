"""Progress per topic (`derivtutor stats`)."""

from __future__ import annotations

from datetime import datetime

from derivtutor.errors import UsageError
from derivtutor.practice.progress import TopicStats


def _when(iso: str | None) -> str:
    if iso is None:
        return ""
    return datetime.fromisoformat(iso).astimezone().strftime("%Y-%m-%d %H:%M")


def render_stats(rows: list[TopicStats], due: int, fmt: str) -> object:
    """A table: topic, attempts, accuracy, last practised, current streak; then what is due."""
    from derivtutor.render.json import dumps, stats_dict

    data = stats_dict(rows, due)
    if fmt == "json":
        return dumps(data)
    if fmt == "latex":
        raise UsageError("stats have no LaTeX form; use --format markdown, text or json")
    if not rows:
        return "No attempts yet. Start with: derivtutor quiz (or derivtutor review)\n"
    header = ["topic", "attempts", "accuracy", "last practised", "streak"]
    table = [
        [r.topic, str(r.attempts), f"{r.accuracy:.0%}", _when(r.last), str(r.streak)] for r in rows
    ]
    total = data["total"]
    count = total["attempts"]
    footer = f"{count} attempt{'s' * (count != 1)}, {total['accuracy']:.0%} correct. " + (
        f"{due} problem{'s' * (due != 1)} due for review: derivtutor review"
        if due
        else "Nothing due for review now."
    )
    if fmt == "rich":
        from rich.console import Group
        from rich.table import Table
        from rich.text import Text

        grid = Table(*header, title="Progress", title_justify="left")
        for column in grid.columns[1:]:
            column.justify = "right"
        for row in table:
            grid.add_row(*(Text(cell) for cell in row))
        return Group(grid, Text(footer))
    if fmt == "markdown":
        out = ["| " + " | ".join(header) + " |", "|---|---:|---:|---|---:|"]
        out += ["| " + " | ".join(row) + " |" for row in table]
        return "\n".join([*out, "", footer]) + "\n"
    widths = [max(len(r[c]) for r in [header, *table]) for c in range(len(header))]
    lines = [
        "  ".join(
            cell.ljust(w) if c in (0, 3) else cell.rjust(w)
            for c, (cell, w) in enumerate(zip(row, widths, strict=True))
        ).rstrip()
        for row in [header, *table]
    ]
    return "\n".join([*lines, "", footer]) + "\n"


def next_review_text(due: str | None) -> str:
    """What review says when nothing is due: when the next problem will be."""
    if due is None:
        return "Nothing to review, and no new problems left in this bank."
    from datetime import datetime

    moment = datetime.fromisoformat(due)
    if moment <= datetime.now(moment.tzinfo):
        return "Nothing to review, and no new problems left in this bank."
    when = moment.astimezone().strftime("%Y-%m-%d %H:%M")
    return f"Nothing is due now. The next review is due at {when}."
