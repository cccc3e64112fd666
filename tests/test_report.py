"""The learner's report (practice/report.py): days in a row, what is due today and this week,
each topic's place on the learning path, and the mistakes by type."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pytest

from derivtutor.practice.path import FLUENT
from derivtutor.practice.progress import Progress
from derivtutor.practice.quiz import iso
from derivtutor.practice.report import report

UTC = timezone.utc
T0 = datetime(2024, 3, 5, 10, 0, tzinfo=UTC).timestamp()  # a Tuesday, 10:00
DAY = 86400.0


def _attempt(seconds: float, problem: str = "p.one", **fields: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "time": iso(T0 + seconds),
        "problem": problem,
        "topic": "power-rule",
        "level": 1,
        "function": "x^2",
        "answer": "2x",
        "verdict": "correct",
        "mistake": None,
        "hints": 0,
        "seconds": 3.0,
    }
    row.update(fields)
    return row


@pytest.mark.parametrize(
    ("days_ago", "streak"),
    [
        ([0], 1),
        ([0, 1, 2], 3),
        ([1, 2], 2),  # not yet today: the streak is alive from yesterday
        ([0, 2, 3], 1),
        ([2, 3], 0),  # a day missed: it is over
        ([0, 0, 1], 2),
    ],
)
def test_days_in_a_row(days_ago: list[int], streak: int) -> None:
    with Progress() as store:
        for n, ago in enumerate(sorted(days_ago, reverse=True)):
            store.add_attempt(_attempt(-ago * DAY + n))
        assert report(store, T0 + 60, UTC).days == streak


def test_due_now_today_and_this_week() -> None:
    with Progress() as store:
        for n, problem in enumerate(["a", "b", "c"]):
            store.add_attempt(_attempt(n, problem))
            store.add_review(problem, 1, iso(T0 + n))  # Again: due again within minutes
        found = report(store, T0 + 3600, UTC)
        assert (found.due_now, found.due_today, found.due_week) == (3, 3, 3)
        found = report(store, T0 - 3600, UTC)  # before they were due
        assert (found.due_now, found.due_today, found.due_week) == (0, 3, 3)
        (topic,) = found.topics
        assert topic.next_due is not None and topic.next_due.startswith("2024-03-05T10:")


def test_the_topic_level_follows_the_learning_path() -> None:
    with Progress() as store:
        for n in range(FLUENT):
            store.add_attempt(_attempt(n, f"p{n}"))
            store.add_review(f"p{n}", 3, iso(T0 + n))
        (topic,) = report(store, T0 + 60, UTC).topics
    assert (topic.level, topic.fluent) == (2, 1)


def test_mistakes_by_type_share_the_wrong_answers() -> None:
    with Progress() as store:
        wrong = ["missing_chain_factor", "missing_chain_factor", "trig_sign", None]
        for n, mistake in enumerate(wrong):
            store.add_attempt(_attempt(n, verdict="incorrect", mistake=mistake))
        store.add_attempt(_attempt(9))
        found = report(store, T0 + 60, UTC)
    assert [(m.mistake, m.count, m.share) for m in found.mistakes] == [
        ("missing_chain_factor", 2, 0.5),
        ("trig_sign", 1, 0.25),
        (None, 1, 0.25),  # no known mistake reproduces it: last
    ]
    assert (found.attempts, found.correct) == (5, 1)
