"""The SQLite progress store: attempts, reviews, FSRS cards, stats, export/import, bad files."""

from __future__ import annotations

import copy
import json
import os
import sqlite3
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest

from derivtutor.errors import ProgressError, UsageError
from derivtutor.practice.progress import (
    ATTEMPT_FIELDS,
    EXPORT_FORMAT,
    FILENAME,
    Progress,
    TopicStats,
    parse_time,
)
from derivtutor.practice.quiz import iso

AGAIN, HARD, GOOD, EASY = 1, 2, 3, 4
T0 = datetime(2024, 3, 1, 10, 0, tzinfo=timezone.utc).timestamp()
MINUTE = 60.0
DAY = 86400.0
FAR = T0 + 10_000 * DAY


def at(seconds: float = 0.0) -> str:
    """The ISO time ``seconds`` after T0, as the quiz writes it."""
    return iso(T0 + seconds)


def attempt(**fields: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "time": at(),
        "problem": "chain.sin-of-square",
        "topic": "chain-rule",
        "level": 2,
        "function": "sin(x^2)",
        "answer": "2x cos(x^2)",
        "verdict": "correct",
        "mistake": None,
        "hints": 0,
        "seconds": 12.5,
    }
    row.update(fields)
    return row


def home() -> Path:
    return Path(os.environ["DERIVTUTOR_HOME"])


def due_times(store: Progress) -> dict[str, datetime]:
    return {problem: parse_time(due) for problem, due in store.due(FAR)}


def card_due(store: Progress, problem: str) -> datetime:
    return due_times(store)[problem]


# --- creating and opening ----------------------------------------------------------------------


def test_new_store_is_created_under_derivtutor_home_with_schema_version_1() -> None:
    with Progress() as store:
        assert store.exists
        assert store.path == home() / FILENAME
    assert (home() / FILENAME).is_file()
    db = sqlite3.connect(home() / FILENAME)
    try:
        assert db.execute("PRAGMA user_version").fetchone()[0] == 1
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    finally:
        db.close()
    assert {"attempts", "reviews", "cards"} <= tables


def test_existing_store_opens_again() -> None:
    Progress().close()
    with Progress() as store:
        assert store.exists
        assert store.attempts() == []


def test_missing_store_without_create_makes_nothing_and_reads_empty() -> None:
    store = Progress(create=False)
    assert not store.exists
    assert store.attempts() == []
    assert store.reviews() == []
    assert store.stats() == []
    assert store.due(FAR) == []
    assert store.next_due() is None
    assert store.seen() == set()
    assert not home().exists()


def test_missing_store_without_create_refuses_writes() -> None:
    store = Progress(create=False)
    with pytest.raises(ProgressError):
        store.add_attempt(attempt())
    with pytest.raises(ProgressError):
        store.add_review("p", GOOD, at())
    assert not home().exists()


def test_explicit_path_is_used(tmp_path: Path) -> None:
    path = tmp_path / "elsewhere" / "mine.sqlite3"
    with Progress(path) as store:
        store.add_attempt(attempt())
    assert path.is_file()
    assert not (home() / FILENAME).exists()


def test_store_at_a_relative_path_opens_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DERIVTUTOR_HOME", "relative-home")
    with Progress() as store:
        store.add_attempt(attempt())
    with Progress() as store:
        assert len(store.attempts()) == 1


# --- attempts ----------------------------------------------------------------------------------


def test_attempt_is_committed_at_once() -> None:
    writer = Progress()
    writer.add_attempt(attempt())
    # Another connection sees it while the writer is still open: nothing waits for a commit.
    with Progress() as reader:
        assert reader.attempts() == [attempt()]
    writer.add_attempt(attempt(time=at(5)))
    del writer  # dropped without close(), as a killed session would
    with Progress() as reader:
        assert len(reader.attempts()) == 2


@pytest.mark.parametrize(
    "row",
    [
        attempt(),
        attempt(verdict="incorrect", answer="cos(x^2)", mistake="missing_chain_factor", hints=2),
        attempt(verdict="revealed", answer=None, hints=1, seconds=0.0),
        attempt(answer="2·x·cos(x²) — ünïcode", seconds=1234.567, level=5),
    ],
    ids=["correct", "incorrect", "revealed", "unicode"],
)
def test_attempt_fields_round_trip(row: dict[str, Any]) -> None:
    with Progress() as store:
        store.add_attempt(row)
    with Progress() as store:
        (back,) = store.attempts()
    assert back == row
    assert list(back) == list(ATTEMPT_FIELDS)


def test_attempts_are_listed_in_time_order() -> None:
    with Progress() as store:
        store.add_attempt(attempt(time=at(30), answer="late"))
        store.add_attempt(attempt(time=at(10), answer="early"))
        store.add_attempt(attempt(time=at(20), answer="middle"))
        assert [a["answer"] for a in store.attempts()] == ["early", "middle", "late"]


def test_seen_is_every_problem_with_an_attempt() -> None:
    with Progress() as store:
        store.add_attempt(attempt(problem="a"))
        store.add_attempt(attempt(problem="b", verdict="revealed", answer=None))
        store.add_attempt(attempt(problem="a"))
        store.add_review("c", GOOD, at())  # a review alone is not an attempt
        assert store.seen() == {"a", "b"}


# --- scheduling --------------------------------------------------------------------------------


def test_first_review_due_times_follow_the_rating() -> None:
    with Progress() as store:
        for problem, rating in [("again", AGAIN), ("hard", HARD), ("good", GOOD), ("easy", EASY)]:
            store.add_review(problem, rating, at())
        due = due_times(store)
    start = parse_time(at())
    assert start < due["again"] < due["hard"] < due["good"] < due["easy"]
    # Learning steps are minutes; Easy graduates the card at once.
    assert due["good"] - start < timedelta(days=1)
    assert due["easy"] - start >= timedelta(days=1)


def test_repeated_good_reviews_give_growing_intervals() -> None:
    intervals = []
    with Progress() as store:
        when = parse_time(at())
        for _ in range(5):
            store.add_review("p", GOOD, when.isoformat())
            due = card_due(store, "p")
            intervals.append(due - when)
            when = due  # reviewed exactly when due
    assert all(a < b for a, b in pairwise(intervals)), intervals
    assert intervals[-1] > timedelta(days=7)


def test_again_after_good_reviews_brings_the_card_back_soon() -> None:
    with Progress() as store:
        when = parse_time(at())
        for _ in range(3):
            store.add_review("p", GOOD, when.isoformat())
            previous = card_due(store, "p") - when
            when = card_due(store, "p")
        store.add_review("p", AGAIN, when.isoformat())
        after_again = card_due(store, "p") - when
    assert previous > timedelta(days=1)
    assert after_again < timedelta(days=1)


def test_same_history_gives_the_same_dates() -> None:
    """No fuzzing: two stores given the same reviews agree to the second."""
    paths = [home() / "one.sqlite3", home() / "two.sqlite3"]
    results = []
    for path in paths:
        with Progress(path) as store:
            for i, rating in enumerate([GOOD, GOOD, HARD, AGAIN, GOOD]):
                store.add_review("p", rating, at(i * DAY))
            results.append(store.due(FAR))
    assert results[0] == results[1]


def test_due_lists_cards_due_by_now_most_overdue_first() -> None:
    with Progress() as store:
        # Written in the opposite order to their due times.
        store.add_review("good", GOOD, at())
        store.add_review("hard", HARD, at())
        store.add_review("again", AGAIN, at())
        due = due_times(store)
        assert store.due(T0) == []
        moment = due["hard"].timestamp()
        assert [p for p, _ in store.due(moment)] == ["again", "hard"]  # due exactly now counts
        assert [p for p, _ in store.due(moment - 1)] == ["again"]
        assert [p for p, _ in store.due(T0 + DAY)] == ["again", "hard", "good"]
        assert store.next_due() == store.due(FAR)[0][1]
        assert parse_time(store.next_due() or "") == due["again"]


def test_reviews_are_logged_in_time_order() -> None:
    with Progress() as store:
        store.add_review("b", HARD, at(60))
        store.add_review("a", GOOD, at(0))
        assert store.reviews() == [
            {"time": at(0), "problem": "a", "rating": GOOD},
            {"time": at(60), "problem": "b", "rating": HARD},
        ]


def test_a_review_survives_reopening_with_its_card() -> None:
    with Progress() as store:
        store.add_review("p", GOOD, at())
        before = store.due(FAR)
    with Progress() as store:
        assert store.due(FAR) == before
        assert len(store.reviews()) == 1


# --- stats -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("verdicts", "streak"),
    [
        (["correct"], 1),
        (["correct", "correct", "correct"], 3),
        (["correct", "incorrect", "correct", "correct"], 2),
        (["correct", "correct", "incorrect"], 0),
        (["correct", "revealed", "correct"], 1),
        (["correct", "correct", "revealed"], 0),
        (["incorrect", "incorrect"], 0),
    ],
)
def test_stats_streak_counts_correct_answers_back_from_the_latest(
    verdicts: list[str], streak: int
) -> None:
    with Progress() as store:
        for i, verdict in enumerate(verdicts):
            store.add_attempt(attempt(time=at(i * MINUTE), verdict=verdict))
        (stats,) = store.stats()
    correct = verdicts.count("correct")
    assert stats == TopicStats(
        "chain-rule", len(verdicts), correct, at((len(verdicts) - 1) * MINUTE), streak
    )
    assert stats.accuracy == pytest.approx(correct / len(verdicts))


def test_stats_are_per_topic_and_sorted_by_topic() -> None:
    with Progress() as store:
        store.add_attempt(attempt(time=at(0), topic="trig", verdict="correct"))
        store.add_attempt(attempt(time=at(1), topic="chain-rule", verdict="correct"))
        store.add_attempt(attempt(time=at(2), topic="trig", verdict="incorrect"))
        store.add_attempt(attempt(time=at(3), topic="chain-rule", verdict="correct"))
        store.add_attempt(attempt(time=at(4), topic="trig", verdict="correct"))
        stats = store.stats()
    assert stats == [
        TopicStats("chain-rule", 2, 2, at(3), 2),
        TopicStats("trig", 3, 2, at(4), 1),
    ]
    assert stats[1].accuracy == pytest.approx(2 / 3)


def test_stats_streak_follows_time_not_insertion_order() -> None:
    with Progress() as store:
        store.add_attempt(attempt(time=at(100), verdict="incorrect"))  # the latest
        store.add_attempt(attempt(time=at(0), verdict="correct"))
        store.add_attempt(attempt(time=at(50), verdict="correct"))
        (stats,) = store.stats()
    assert (stats.streak, stats.last) == (0, at(100))


def test_accuracy_without_attempts_is_zero() -> None:
    assert TopicStats("t", 0, 0, None, 0).accuracy == 0.0


# --- export and import -------------------------------------------------------------------------


def fill(store: Progress) -> None:
    """A small history over three problems and two topics."""
    store.add_attempt(attempt(time=at(0), verdict="incorrect", answer="cos(x^2)", mistake="m"))
    store.add_attempt(attempt(time=at(30)))
    store.add_review("chain.sin-of-square", AGAIN, at(30))
    store.add_attempt(attempt(time=at(60), problem="p.cube", topic="power", function="x^3"))
    store.add_review("p.cube", GOOD, at(60))
    store.add_attempt(attempt(time=at(90), problem="p.sq", topic="power", answer=None, hints=2))
    store.add_review("p.sq", HARD, at(90))
    store.add_review("p.cube", GOOD, at(DAY))


def exported() -> dict[str, Any]:
    with Progress(home() / "source.sqlite3") as store:
        fill(store)
        return store.export()


def test_export_has_the_documented_shape() -> None:
    data = exported()
    assert set(data) == {"format", "version", "attempts", "reviews"}
    assert data["format"] == EXPORT_FORMAT == "derivtutor-progress"
    assert data["version"] == 1
    assert len(data["attempts"]) == 4
    assert len(data["reviews"]) == 4
    assert all(list(a) == list(ATTEMPT_FIELDS) for a in data["attempts"])
    assert all(set(r) == {"time", "problem", "rating"} for r in data["reviews"])
    assert json.loads(json.dumps(data)) == data


def test_export_of_an_empty_or_missing_store_has_no_records() -> None:
    data = Progress(create=False).export()
    assert data == {"format": EXPORT_FORMAT, "version": 1, "attempts": [], "reviews": []}


def test_import_into_a_fresh_store_reproduces_the_history_and_cards(tmp_path: Path) -> None:
    with Progress(home() / "source.sqlite3") as source:
        fill(source)
        data = json.loads(json.dumps(source.export()))  # through JSON, as a file would be
        source_due = source.due(FAR)
        source_next = source.next_due()
    with Progress(tmp_path / "other-home" / FILENAME) as target:
        assert target.import_history(data) == (4, 4)
        assert target.attempts() == data["attempts"]
        assert target.reviews() == data["reviews"]
        assert target.due(FAR) == source_due
        assert target.next_due() == source_next
        assert target.export() == data


def test_importing_twice_adds_nothing_the_second_time(tmp_path: Path) -> None:
    data = exported()
    with Progress(tmp_path / FILENAME) as target:
        target.import_history(data)
        due = target.due(FAR)
        assert target.import_history(copy.deepcopy(data)) == (0, 0)
        assert len(target.attempts()) == 4
        assert len(target.reviews()) == 4
        assert target.due(FAR) == due


def test_import_merges_with_history_already_there(tmp_path: Path) -> None:
    data = exported()
    with Progress(tmp_path / FILENAME) as target:
        target.add_attempt(attempt(time=at(-DAY), problem="own", topic="own"))
        target.add_review("own", GOOD, at(-DAY))
        assert target.import_history(data) == (4, 4)
        assert len(target.attempts()) == 5
        assert len(target.reviews()) == 5
        assert {p for p, _ in target.due(FAR)} == {"own", "chain.sin-of-square", "p.cube", "p.sq"}


def test_import_replays_reviews_in_time_order(tmp_path: Path) -> None:
    """The cards come from the reviews sorted by time, whatever order the file lists them in."""
    data = exported()
    shuffled = copy.deepcopy(data)
    shuffled["reviews"].reverse()
    with Progress(tmp_path / "a.sqlite3") as straight, Progress(tmp_path / "b.sqlite3") as other:
        straight.import_history(data)
        other.import_history(shuffled)
        assert other.due(FAR) == straight.due(FAR)


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target: Any = data
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        target[int(last) if last.isdigit() else last] = value

    return change


def _drop(path: str) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target: Any = data
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        del target[last]

    return change


@pytest.mark.parametrize(
    "spoil",
    [
        _set("format", "anki-deck"),
        _set("version", 2),
        _set("version", "1"),
        _drop("reviews"),
        _drop("attempts.1.verdict"),
        _drop("reviews.0.problem"),
        _set("reviews.2.rating", 7),
        _set("reviews.2.rating", 0),
        _set("reviews.2.rating", "3"),
        _set("reviews.3.time", "yesterday"),
        _set("attempts.3.time", "2024-13-45T99:00:00"),
        _set("attempts.0.verdict", "maybe"),
        _set("attempts.0.hints", -1),
        _set("attempts.0.seconds", -5.0),
        _set("attempts.0.extra", 1),
        _set("surplus", True),
    ],
    ids=[
        "wrong-format",
        "newer-version",
        "version-as-string",
        "missing-reviews",
        "attempt-missing-field",
        "review-missing-field",
        "rating-7",
        "rating-0",
        "rating-as-string",
        "bad-review-time",
        "bad-attempt-time",
        "bad-verdict",
        "negative-hints",
        "negative-seconds",
        "unknown-attempt-field",
        "unknown-top-level-field",
    ],
)
def test_malformed_export_is_refused_and_nothing_is_written(
    tmp_path: Path, spoil: Callable[[dict[str, Any]], None]
) -> None:
    data = exported()
    spoil(data)
    with Progress(tmp_path / FILENAME) as target:
        target.add_attempt(attempt(time=at(-DAY), problem="own"))
        target.add_review("own", GOOD, at(-DAY))
        before = (target.attempts(), target.reviews(), target.due(FAR))
        with pytest.raises(UsageError, match="not a derivtutor progress export"):
            target.import_history(data)
        assert (target.attempts(), target.reviews(), target.due(FAR)) == before


@pytest.mark.parametrize("data", [None, [], "derivtutor-progress", 42])
def test_import_of_something_that_is_not_an_export_is_refused(data: Any) -> None:
    with Progress() as target:
        with pytest.raises(UsageError):
            target.import_history(data)
        assert target.attempts() == []


def test_import_accepts_times_with_a_utc_offset_or_refuses_them_cleanly() -> None:
    data = {
        "format": EXPORT_FORMAT,
        "version": 1,
        "attempts": [attempt(time="2024-03-01T11:00:00+01:00")],
        "reviews": [{"time": "2024-03-01T11:00:00+01:00", "problem": "p", "rating": GOOD}],
    }
    with Progress() as target:
        try:
            target.import_history(data)
        except UsageError:
            assert target.attempts() == []
            assert target.reviews() == []
            assert target.due(FAR) == []
        else:
            ((problem, due),) = target.due(FAR)
            assert problem == "p"
            assert parse_time(due) == datetime(2024, 3, 1, 10, 10, tzinfo=timezone.utc)


# --- reset -------------------------------------------------------------------------------------


def test_reset_empties_attempts_reviews_and_cards_and_returns_counts() -> None:
    with Progress() as store:
        fill(store)
        assert store.reset() == (4, 4)
        assert store.attempts() == []
        assert store.reviews() == []
        assert store.due(FAR) == []
        assert store.next_due() is None
        assert store.stats() == []
        assert store.reset() == (0, 0)
    with Progress() as store:  # and it stays reset
        assert store.attempts() == []
        assert store.next_due() is None


# --- files that are not ours -------------------------------------------------------------------


def _real_database_bytes(tmp_path: Path) -> bytes:
    path = tmp_path / "real.sqlite3"
    with Progress(path) as store:
        for i in range(150):
            store.add_attempt(attempt(time=at(i), answer="x" * 200))
    return path.read_bytes()


@pytest.mark.parametrize(
    "make",
    [
        lambda real: os.urandom(4096),
        lambda real: b"SQLite format 3\x00" + os.urandom(5000),
        lambda real: b"SQLite format 3\x00",
        lambda real: real[: len(real) // 2],
        lambda real: real[:4096],
    ],
    ids=[
        "random-bytes",
        "header-then-garbage",
        "header-only",
        "truncated-half",
        "first-page-only",
    ],
)
@pytest.mark.parametrize("create", [True, False])
def test_corrupt_file_is_reported_and_left_untouched(
    tmp_path: Path, make: Callable[[bytes], bytes], create: bool
) -> None:
    content = make(_real_database_bytes(tmp_path))
    path = home() / FILENAME
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    with pytest.raises(ProgressError, match="cannot be used") as raised:
        Progress(create=create)
    assert str(path) in str(raised.value)
    assert "untouched" in str(raised.value)
    assert path.read_bytes() == content
    assert os.listdir(path.parent) == [FILENAME]


def test_an_empty_file_is_a_store_being_made_not_a_corrupt_one() -> None:
    # Two sessions starting at once: the second finds the first's empty file. It holds
    # nothing to lose, so it becomes the store; and reading alone never writes to it.
    path = home() / FILENAME
    path.parent.mkdir(parents=True)
    path.write_bytes(b"")
    assert Progress(create=False).attempts() == []
    assert path.read_bytes() == b""
    with Progress() as store:
        store.add_attempt(attempt())
    assert len(Progress(create=False).attempts()) == 1


def _sqlite_file(script: str, user_version: int) -> tuple[Path, bytes]:
    path = home() / FILENAME
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path)
    db.executescript(script)
    db.execute(f"PRAGMA user_version = {user_version}")
    db.commit()
    db.close()
    return path, path.read_bytes()


def test_newer_version_database_is_reported_and_left_untouched() -> None:
    path, content = _sqlite_file(
        "CREATE TABLE attempts (x); CREATE TABLE reviews (x); CREATE TABLE cards (x);", 99
    )
    with pytest.raises(ProgressError, match="newer") as raised:
        Progress()
    assert "99" in str(raised.value)
    assert path.read_bytes() == content
    assert os.listdir(path.parent) == [FILENAME]


@pytest.mark.parametrize(
    ("script", "user_version"),
    [
        ("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('mine');", 0),
        ("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('mine');", 1),
        ("CREATE TABLE attempts (x); CREATE TABLE reviews (x);", 1),
        ("", 0),
    ],
    ids=["foreign-tables", "foreign-tables-version-1", "missing-cards-table", "empty-database"],
)
def test_database_without_our_tables_is_reported_and_left_untouched(
    script: str, user_version: int
) -> None:
    path, content = _sqlite_file(script, user_version)
    with pytest.raises(ProgressError, match="no derivtutor progress tables"):
        Progress()
    assert path.read_bytes() == content


def test_sessions_starting_at_once_make_one_store(tmp_path: Path) -> None:
    # Each process opens (and so may create) the same new store at the same moment.
    import subprocess
    import sys

    script = (
        "import sys; from derivtutor.practice.progress import Progress; "
        "Progress(sys.argv[1]).add_attempt(" + repr(attempt()) + ")"
    )
    for round_ in range(3):
        path = tmp_path / f"round{round_}" / FILENAME
        runs = [
            subprocess.Popen([sys.executable, "-c", script, str(path)], stderr=subprocess.PIPE)
            for _ in range(5)
        ]
        errors = [run.communicate()[1].decode() for run in runs]
        assert all(run.returncode == 0 for run in runs), errors
        assert len(Progress(path, create=False).attempts()) == 5
