"""What progress per topic (`derivtutor stats`) and an empty review say."""

from __future__ import annotations

from datetime import datetime

from derivtutor.practice.report import Report
from derivtutor.render.blocks import Block, Cell, Gap, Line, Table


def _when(iso: str | None) -> str:
    if iso is None:
        return ""
    return datetime.fromisoformat(iso).astimezone().strftime("%Y-%m-%d %H:%M")


def _due(iso: str | None, at: float) -> str:
    """When a topic is next due, seen at ``at``, short: now, today 18:05, tomorrow, Dec 09."""
    if iso is None:
        return "-"
    moment = datetime.fromisoformat(iso).astimezone()
    now = datetime.fromtimestamp(at, moment.tzinfo)
    if moment <= now:
        return "now"
    if moment.date() == now.date():
        return "today " + moment.strftime("%H:%M")
    if (moment.date() - now.date()).days == 1:
        return "tomorrow"
    return moment.strftime("%b %d")


def _bar(fraction: float, ascii: bool, cells: int = 8) -> str:
    full = round(fraction * cells)
    on, off = ("#", ".") if ascii else ("█", "░")
    return on * full + off * (cells - full) + " "


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' * (n != 1)}"


def stats_blocks(found: Report, *, bars: bool = False, ascii: bool = False) -> list[Block]:
    """A table per topic (its level on the path, attempts, accuracy, right in a row, when it
    is next due), what is due for review, the days in a row, and the mistakes by type.
    ``bars``: draw each topic's accuracy as a small bar (on a terminal)."""
    if not found.topics:
        return [Line(["No attempts yet. Start with: derivtutor quiz (or derivtutor review)"])]
    header: list[Cell] = ["topic", "level", "attempts", "accuracy", "in a row", "next due"]
    table: list[list[Cell]] = [
        [
            r.topic,
            "done" if r.level is None else str(r.level),
            str(r.attempts),
            (_bar(r.accuracy, ascii) if bars else "") + f"{r.accuracy:.0%}",
            str(r.streak),
            _due(r.next_due, found.at),
        ]
        for r in found.topics
    ]
    count = found.attempts
    accuracy = found.correct / count if count else 0.0
    days = f" Practised {_plural(found.days, 'day')} in a row." if found.days else ""
    summary = f"{_plural(count, 'attempt')}, {accuracy:.0%} correct.{days}"
    due = (
        f"Due for review: {found.due_now} now, {found.due_today} today, "
        f"{found.due_week} this week." + (" Start with: derivtutor review" if found.due_now else "")
    )
    blocks: list[Block] = [
        Table(list(header), table, title="Progress", right=frozenset({1, 2, 3, 4})),
        Gap(),
        Line([summary]),
        Line([due]),
    ]
    if found.mistakes:
        rows: list[list[Cell]] = [
            [m.mistake or "(none recognised)", str(m.count), f"{m.share:.0%}"]
            for m in found.mistakes
        ]
        title = "Mistakes by type"
        blocks += [
            Gap(),
            Table(
                ["mistake", "times", "of wrong answers"], rows, title=title, right=frozenset({1, 2})
            ),
        ]
    return blocks


def next_review_text(due: str | None) -> str:
    """What review says when nothing is due: when the next problem will be."""
    if due is None:
        return "Nothing to review, and no new problems left in this bank."
    moment = datetime.fromisoformat(due)
    if moment <= datetime.now(moment.tzinfo):
        return "Nothing to review, and no new problems left in this bank."
    when = moment.astimezone().strftime("%Y-%m-%d %H:%M")
    return f"Nothing is due now. The next review is due at {when}."
