"""What progress per topic (`derivtutor stats`) and an empty review say."""

from __future__ import annotations

from datetime import datetime

from derivtutor.practice.progress import TopicStats
from derivtutor.render.blocks import Block, Cell, Gap, Line, Table


def _when(iso: str | None) -> str:
    if iso is None:
        return ""
    return datetime.fromisoformat(iso).astimezone().strftime("%Y-%m-%d %H:%M")


def stats_blocks(rows: list[TopicStats], due: int) -> list[Block]:
    """A table: topic, attempts, accuracy, last practised, current streak; then what is due."""
    if not rows:
        return [Line(["No attempts yet. Start with: derivtutor quiz (or derivtutor review)"])]
    header: list[str] = ["topic", "attempts", "accuracy", "last practised", "streak"]
    table: list[list[Cell]] = [
        [r.topic, str(r.attempts), f"{r.accuracy:.0%}", _when(r.last), str(r.streak)] for r in rows
    ]
    from derivtutor.render.json import stats_dict

    total = stats_dict(rows, due)["total"]
    count = total["attempts"]
    footer = f"{count} attempt{'s' * (count != 1)}, {total['accuracy']:.0%} correct. " + (
        f"{due} problem{'s' * (due != 1)} due for review: derivtutor review"
        if due
        else "Nothing due for review now."
    )
    return [
        Table(list(header), table, title="Progress", right=frozenset({1, 2, 4})),
        Gap(),
        Line([footer]),
    ]


def next_review_text(due: str | None) -> str:
    """What review says when nothing is due: when the next problem will be."""
    if due is None:
        return "Nothing to review, and no new problems left in this bank."
    moment = datetime.fromisoformat(due)
    if moment <= datetime.now(moment.tzinfo):
        return "Nothing to review, and no new problems left in this bank."
    when = moment.astimezone().strftime("%Y-%m-%d %H:%M")
    return f"Nothing is due now. The next review is due at {when}."
