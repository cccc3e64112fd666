"""What a learner's history says (`derivtutor stats`): each topic's accuracy, its level on the
learning path and when it is next due; how many reviews are due today and this week, as Anki
counts them; the days practised in a row; and the mistakes made, by type.

Pure but for the store it reads, and the clock and time zone it is given.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, timezone, tzinfo

from derivtutor.practice.path import standings
from derivtutor.practice.progress import Progress, TopicStats, parse_time

WEEK = timedelta(days=7)


@dataclass(frozen=True)
class MistakeCount:
    mistake: str | None  # None: no known mistake reproduces the answers
    count: int
    share: float  # of every wrong answer


@dataclass(frozen=True)
class Report:
    topics: list[TopicStats]
    due_now: int
    due_today: int  # by the end of the learner's day
    due_week: int  # in the next seven days
    days: int  # days practised in a row, up to today (or yesterday: the streak is alive)
    mistakes: list[MistakeCount]
    at: float = 0.0  # when it was made, in seconds since the epoch

    @property
    def attempts(self) -> int:
        return sum(t.attempts for t in self.topics)

    @property
    def correct(self) -> int:
        return sum(t.correct for t in self.topics)


def report(store: Progress, now: float, zone: tzinfo | None = None) -> Report:
    """The learner's report at ``now`` (seconds since the epoch), with days in ``zone`` (the
    local time zone by default)."""
    attempts = store.attempts()
    where = {a["problem"]: (a["topic"], a["level"]) for a in attempts}
    ratings = [(r["problem"], r["rating"]) for r in store.reviews()]
    placed = standings(where, ratings)
    schedule = store.schedule()
    next_due: dict[str, str] = {}
    for problem, due in schedule:  # earliest first
        if problem in where:
            next_due.setdefault(where[problem][0], due)
    topics = [
        replace(
            row,
            # Right in a row as the path counts it: first tries, no hint, distinct problems.
            streak=placed[row.topic].streak if row.topic in placed else 0,
            level=placed[row.topic].level if row.topic in placed else 1,
            fluent=len(placed[row.topic].fluent) if row.topic in placed else 0,
            next_due=next_due.get(row.topic),
        )
        for row in store.stats()
    ]
    moment = datetime.fromtimestamp(now, timezone.utc)
    local = moment.astimezone(zone)
    end_of_day = (local + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    dues = [parse_time(due) for _, due in schedule]
    wrong = Counter(a["mistake"] for a in attempts if a["verdict"] == "incorrect")
    total_wrong = sum(wrong.values())
    # The wrong answers no known mistake reproduces come last, as a type of their own (None).
    named = sorted(wrong.items(), key=lambda item: (item[0] is None, -item[1]))
    return Report(
        topics=topics,
        due_now=sum(d <= moment for d in dues),
        due_today=sum(d < end_of_day for d in dues),
        due_week=sum(d <= moment + WEEK for d in dues),
        days=_days_in_a_row(
            [parse_time(a["time"]).astimezone(zone).date() for a in attempts], local.date()
        ),
        mistakes=[MistakeCount(m, n, n / total_wrong) for m, n in named],
        at=now,
    )


def _days_in_a_row(days: list[date], today: date) -> int:
    """Days practised in a row, back from today, or from yesterday if not yet today."""
    practised = set(days)
    day = today if today in practised else today - timedelta(days=1)
    count = 0
    while day in practised:
        count += 1
        day -= timedelta(days=1)
    return count
