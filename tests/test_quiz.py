"""The quiz as a pure state machine: lines and an injected clock in, events and records out."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable

import pytest
import sympy as sp

from derivtutor.calculus.differentiation import Differentiation
from derivtutor.errors import DerivtutorError
from derivtutor.language.parse import parse
from derivtutor.practice.problem import Problem
from derivtutor.practice.quiz import (
    REVEALED,
    Attempt,
    Empty,
    Event,
    Finished,
    Graded,
    Help,
    Hint,
    Posed,
    Quiz,
    Rating,
    Record,
    Review,
    Skipped,
    Steps,
    Summary,
    Unreadable,
    choose,
    review_selection,
)

START = 1000.0

SIN = Problem(
    id="t.sin",
    topic="chain-rule",
    level=2,
    function="sin(x^2)",
    variables=(),
    hints=("h1", "h2"),
)
CUBE = Problem(id="t.cube", topic="power-rule", level=1, function="x^3", variables=())
GRAD = Problem(
    id="t.g",
    topic="gradients",
    level=1,
    function="x^2 + y^2",
    variables=("x", "y"),
    gradient=True,
)
# Never real anywhere: the grader cannot find points to compare at (verdict "undecided").
NOWHERE_REAL = Problem(id="t.nowhere", topic="t", level=1, function="sqrt(-1 - x^2)", variables=())

RIGHT = {SIN.id: "2x cos(x^2)", CUBE.id: "3x^2", GRAD.id: "2x, 2y"}
WRONG_SIN = "cos(x^2)"  # the chain factor 2x forgotten

_ALL = object()


def start(
    *problems: Problem, total: object = _ALL, hint_texts: Callable[..., object] | None = None
) -> tuple[Quiz, list[Event]]:
    """A session over ``problems`` (total = their number unless given), and its first events."""
    quiz = Quiz(
        problems=iter(problems),
        total=len(problems) if total is _ALL else total,
        started=START,
        hint_texts=hint_texts,
    )
    return quiz, quiz.start()


def play(quiz: Quiz, lines: list[str], first: float = START + 10, step: float = 10) -> list[Event]:
    """Type ``lines`` one after another, ``step`` seconds apart; all the events in order."""
    events: list[Event] = []
    for i, line in enumerate(lines):
        events += quiz.handle(line, now=first + i * step)
    return events


def reviews(records: list[Record]) -> list[Review]:
    return [r for r in records if isinstance(r, Review)]


def attempts(records: list[Record]) -> list[Attempt]:
    return [r for r in records if isinstance(r, Attempt)]


def finished(events: list[Event]) -> Summary:
    assert isinstance(events[-1], Finished), events
    return events[-1].summary


# --- the course of a session -------------------------------------------------------------------


def test_start_poses_the_first_problem_of_n() -> None:
    quiz, events = start(SIN, CUBE)
    assert events == [Posed(SIN, 1, 2)]
    assert quiz.current == SIN
    assert not quiz.finished
    assert quiz.records == []


def test_correct_answer_is_graded_then_the_next_problem_is_posed() -> None:
    quiz, _ = start(SIN, CUBE)
    events = quiz.handle(RIGHT[SIN.id], now=START + 5)
    assert len(events) == 2
    graded, posed = events
    assert isinstance(graded, Graded)
    assert graded.correct
    assert graded.problem == SIN
    assert graded.mistake is None
    assert posed == Posed(CUBE, 2, 2)
    assert quiz.current == CUBE


def test_last_correct_answer_finishes_with_the_summary() -> None:
    quiz, _ = start(SIN, CUBE)
    play(quiz, [WRONG_SIN, RIGHT[SIN.id]], first=START + 5)
    events = quiz.handle(RIGHT[CUBE.id], now=START + 42.5)
    assert isinstance(events[0], Graded) and events[0].correct
    assert events[1:] == [
        Finished(
            Summary(
                posed=2,
                first_try=1,
                solved=2,
                missed=0,
                skipped=0,
                seconds=42.5,
                mistakes={"missing_chain_factor": 1},
            )
        )
    ]
    assert quiz.finished
    assert quiz.current is None


def test_summary_counts_every_mistake_by_id() -> None:
    quiz, _ = start(SIN, CUBE)
    play(quiz, [WRONG_SIN, WRONG_SIN, "quit"])
    summary = quiz.summary(START + 100)
    assert summary.mistakes == {"missing_chain_factor": 2}
    assert summary.seconds == 100


def test_wrong_answer_is_diagnosed_and_stays_on_the_problem() -> None:
    quiz, _ = start(SIN, CUBE)
    events = quiz.handle(WRONG_SIN, now=START + 7)
    assert len(events) == 1
    graded = events[0]
    assert isinstance(graded, Graded)
    assert not graded.correct
    assert graded.mistake == "missing_chain_factor"
    assert quiz.current == SIN
    assert quiz.take_records() == [
        Attempt(START + 7, SIN, WRONG_SIN, "incorrect", "missing_chain_factor", 0, 7.0)
    ]


def test_wrong_then_right_records_both_attempts_and_rates_again() -> None:
    quiz, _ = start(SIN, CUBE)
    quiz.handle(WRONG_SIN, now=START + 10)
    quiz.handle(RIGHT[SIN.id], now=START + 25)
    records = quiz.take_records()
    assert attempts(records) == [
        Attempt(START + 10, SIN, WRONG_SIN, "incorrect", "missing_chain_factor", 0, 10.0),
        # Time is counted from the previous answer, not from when the problem was posed.
        Attempt(START + 25, SIN, RIGHT[SIN.id], "correct", None, 0, 15.0),
    ]
    assert reviews(records) == [Review(START + 25, SIN, Rating.AGAIN)]


def test_records_come_in_order_attempt_before_review() -> None:
    quiz, _ = start(SIN, CUBE)
    quiz.handle(RIGHT[SIN.id], now=START + 3)
    records = quiz.take_records()
    assert [type(r) for r in records] == [Attempt, Review]


# --- ratings -----------------------------------------------------------------------------------

RIGHT_SIN = RIGHT[SIN.id]


@pytest.mark.parametrize(
    ("lines", "ratings", "solved", "first_try", "missed", "skipped"),
    [
        ([RIGHT_SIN], [Rating.GOOD], 1, 1, 0, 0),
        (["hint", RIGHT_SIN], [Rating.HARD], 1, 0, 0, 0),
        (["hint", "hint", RIGHT_SIN], [Rating.HARD], 1, 0, 0, 0),
        ([WRONG_SIN, RIGHT_SIN], [Rating.AGAIN], 1, 0, 0, 0),
        (["hint", WRONG_SIN, RIGHT_SIN], [Rating.AGAIN], 1, 0, 0, 0),
        (["steps"], [Rating.AGAIN], 0, 0, 1, 0),
        (["hint", "steps"], [Rating.AGAIN], 0, 0, 1, 0),
        (["skip"], [Rating.AGAIN], 0, 0, 1, 1),
        (["hint", "skip"], [Rating.AGAIN], 0, 0, 1, 1),
        ([WRONG_SIN, "skip"], [Rating.AGAIN], 0, 0, 1, 1),
        (["sin(", RIGHT_SIN], [Rating.GOOD], 1, 1, 0, 0),
        (["help", "", RIGHT_SIN], [Rating.GOOD], 1, 1, 0, 0),
    ],
    ids=[
        "right-at-once-good",
        "right-after-a-hint-hard",
        "right-after-two-hints-hard",
        "wrong-then-right-again",
        "hint-wrong-right-again",
        "steps-again",
        "hint-then-steps-again",
        "skip-untried-again",
        "skip-after-hint-again",
        "skip-after-wrong-again",
        "parse-error-is-not-an-attempt",
        "help-and-blank-are-not-attempts",
    ],
)
def test_rating_and_counts_of_a_problem(
    lines: list[str],
    ratings: list[Rating],
    solved: int,
    first_try: int,
    missed: int,
    skipped: int,
) -> None:
    # Two problems, so the one rated is not the last (the last one is tested further down).
    quiz, _ = start(SIN, CUBE)
    events = play(quiz, lines)
    assert quiz.current == CUBE
    assert events[-1] == Posed(CUBE, 2, 2)
    assert [r.rating for r in reviews(quiz.take_records())] == ratings
    summary = finished(quiz.stop(START + 500))
    assert quiz.take_records() == []  # the second problem was never tried: no rating
    assert (summary.posed, summary.solved, summary.first_try) == (2, solved, first_try)
    assert (summary.missed, summary.skipped) == (missed, skipped)
    assert summary.answered == solved + missed


@pytest.mark.parametrize("how", ["quit", "QUIT", "exit", "stop()"])
def test_quit_after_a_wrong_answer_rates_again_and_counts_a_miss(how: str) -> None:
    quiz, _ = start(SIN, CUBE)
    quiz.handle(WRONG_SIN, now=START + 10)
    quiz.take_records()
    events = quiz.stop(START + 20) if how == "stop()" else quiz.handle(how, now=START + 20)
    assert quiz.take_records() == [Review(START + 20, SIN, Rating.AGAIN)]
    summary = finished(events)
    assert (summary.posed, summary.solved, summary.missed, summary.skipped) == (1, 0, 1, 0)
    assert summary.seconds == 20
    assert quiz.finished


@pytest.mark.parametrize("lines", [["quit"], ["hint", "quit"], ["sin(", "quit"]])
def test_quit_with_nothing_answered_records_nothing(lines: list[str]) -> None:
    quiz, _ = start(SIN, CUBE)
    events = play(quiz, lines)
    assert quiz.take_records() == []
    summary = finished(events)
    assert summary == Summary(
        posed=1, first_try=0, solved=0, missed=0, skipped=0, seconds=10.0 * len(lines), mistakes={}
    )


def test_steps_records_a_revealed_attempt_and_poses_the_next() -> None:
    quiz, _ = start(SIN, CUBE)
    quiz.handle("hint", now=START + 5)
    events = quiz.handle("steps", now=START + 30)
    assert events == [Steps(SIN), Posed(CUBE, 2, 2)]
    assert quiz.take_records() == [
        Attempt(START + 30, SIN, None, REVEALED, None, 1, 30.0),
        Review(START + 30, SIN, Rating.AGAIN),
    ]


def test_skip_shows_the_answer_counts_a_miss_and_poses_the_next() -> None:
    """As rustlings shows a solution: the answer and its steps, and the problem comes back."""
    quiz, _ = start(SIN, CUBE)
    events = quiz.handle("skip", now=START + 1)
    assert events == [Skipped(SIN), Posed(CUBE, 2, 2)]
    assert (
        events[0]
        .derivations[0]
        .derivative.equals(2 * sp.Symbol("x", real=True) * sp.cos(sp.Symbol("x", real=True) ** 2))
    )
    assert quiz.take_records() == [
        Attempt(START + 1, SIN, None, REVEALED, None, 0, 1.0),
        Review(START + 1, SIN, Rating.AGAIN),
    ]


@pytest.mark.parametrize("total", [1, None], ids=["total-reached", "problems-run-out"])
@pytest.mark.parametrize(
    ("last", "solved", "missed"),
    [(RIGHT_SIN, 1, 0), ("steps", 0, 1), ("skip", 0, 1)],
    ids=["solved", "steps", "skip"],
)
def test_last_problem_finished_after_a_wrong_answer_is_rated_once(
    total: int | None, last: str, solved: int, missed: int
) -> None:
    # Regression: the session's end used to rate the finished problem a second time (AGAIN)
    # and count it missed again.
    quiz, _ = start(SIN, total=total)
    quiz.handle(WRONG_SIN, now=START + 10)
    events = quiz.handle(last, now=START + 20)
    assert reviews(quiz.take_records()) == [Review(START + 20, SIN, Rating.AGAIN)]
    summary = finished(events)
    assert (summary.posed, summary.solved, summary.missed) == (1, solved, missed)
    assert summary.answered <= summary.posed


# --- hints -------------------------------------------------------------------------------------


def test_hints_come_from_the_problem_numbered_one_to_k_then_zero() -> None:
    quiz, _ = start(SIN, CUBE, hint_texts=lambda p, d: ("generated",))
    shown = [quiz.handle("hint", now=START + i)[0] for i in range(1, 4)]
    assert shown == [Hint(SIN, 1, 2), Hint(SIN, 2, 2), Hint(SIN, 0, 2)]
    assert [quiz.hint_text(h) for h in shown] == ["h1", "h2", None]
    assert quiz.hints_used == 2
    assert quiz.records == []  # a hint is not an attempt
    quiz.handle(RIGHT[SIN.id], now=START + 10)
    assert attempts(quiz.take_records())[0].hints == 2


def test_hints_come_from_hint_texts_when_the_problem_has_none() -> None:
    asked: list[Problem] = []

    def texts(problem: Problem, derived: tuple[Differentiation, ...]) -> list[str]:
        asked.append(problem)
        assert derived and derived[0].expression == parse(problem.function)  # the engine's
        return ["a", "b", "c"]

    quiz, _ = start(CUBE, hint_texts=texts)
    shown = [quiz.handle("hint", now=START + i)[0] for i in range(1, 5)]
    assert shown == [Hint(CUBE, 1, 3), Hint(CUBE, 2, 3), Hint(CUBE, 3, 3), Hint(CUBE, 0, 3)]
    assert [quiz.hint_text(h) for h in shown] == ["a", "b", "c", None]
    assert asked and all(p == CUBE for p in asked)
    quiz.handle("2x^3", now=START + 10)
    (attempt,) = attempts(quiz.take_records())
    assert (attempt.verdict, attempt.hints) == ("incorrect", 3)


def test_no_hints_anywhere_gives_hint_zero_of_zero() -> None:
    quiz, _ = start(CUBE)
    events = quiz.handle("hint", now=START + 1)
    assert events == [Hint(CUBE, 0, 0)]
    assert quiz.hint_text(events[0]) is None
    assert quiz.hints_used == 0


def test_hints_start_again_at_one_on_the_next_problem() -> None:
    other = Problem(id="t.other", topic="chain-rule", level=2, function="cos(x^2)", variables=())
    quiz, _ = start(SIN, other, hint_texts=lambda p, d: ("only",))
    quiz.handle("hint", now=START + 1)
    quiz.handle("skip", now=START + 2)
    assert quiz.hints_used == 0
    assert quiz.handle("hint", now=START + 3) == [Hint(other, 1, 1)]


# --- unreadable answers ------------------------------------------------------------------------


@pytest.mark.parametrize("line", ["sin(", "x +", "2t", "2x cos(t^2)", "x )("])
def test_unreadable_answer_records_nothing_and_the_problem_stays(line: str) -> None:
    quiz, _ = start(SIN, CUBE)
    events = quiz.handle(line, now=START + 5)
    assert len(events) == 1
    unreadable = events[0]
    assert isinstance(unreadable, Unreadable)
    assert unreadable.text == line
    assert isinstance(unreadable.error, DerivtutorError)
    assert str(unreadable.error)
    assert quiz.records == []
    assert quiz.current == SIN
    # Not an attempt: the right answer afterwards is still right at once.
    quiz.handle(RIGHT[SIN.id], now=START + 9)
    records = quiz.take_records()
    assert reviews(records) == [Review(START + 9, SIN, Rating.GOOD)]
    assert attempts(records)[0].seconds == 9.0


@pytest.mark.parametrize("line", ["2t", "2x cos(t^2)"])
def test_answer_with_a_foreign_variable_names_it(line: str) -> None:
    quiz, _ = start(SIN)
    (event,) = quiz.handle(line, now=START + 1)
    assert isinstance(event, Unreadable)
    assert re.search(r"\bt\b", str(event.error))


def test_answer_that_cannot_be_checked_is_unreadable_not_an_attempt() -> None:
    quiz, _ = start(NOWHERE_REAL)
    (event,) = quiz.handle("x", now=START + 1)
    assert isinstance(event, Unreadable)
    assert quiz.records == []
    assert quiz.current == NOWHERE_REAL


# --- commands ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("hint", Hint),
        ("  HINT  ", Hint),
        ("Hints", Hint),
        ("help", Help),
        (" HELP\t", Help),
        ("?", Help),
        (" ? ", Help),
        ("", Empty),
        ("   ", Empty),
        ("\t", Empty),
        ("steps", Steps),
        ("STEPS", Steps),
        ("step", Steps),
        ("skip", Skipped),
        ("  Skip ", Skipped),
        ("quit", Finished),
        ("Quit", Finished),
        ("exit", Finished),
        (" EXIT ", Finished),
    ],
)
def test_commands_are_case_insensitive_trimmed_and_aliased(line: str, kind: type) -> None:
    quiz, _ = start(SIN, CUBE)
    events = quiz.handle(line, now=START + 1)
    assert isinstance(events[0], kind)
    if kind is Finished:
        assert quiz.finished
    else:
        assert not quiz.finished


@pytest.mark.parametrize("line", ["", "   ", "help", "?"])
def test_blank_and_help_lines_record_nothing_and_keep_the_problem(line: str) -> None:
    quiz, _ = start(SIN, CUBE)
    assert len(quiz.handle(line, now=START + 1)) == 1
    assert quiz.records == []
    assert quiz.current == SIN


@pytest.mark.parametrize("line", [RIGHT[SIN.id], WRONG_SIN, "hint", "help", "", "quit", "skip"])
def test_after_finished_handle_returns_nothing(line: str) -> None:
    quiz, _ = start(SIN, CUBE)
    quiz.handle("quit", now=START + 1)
    assert quiz.handle(line, now=START + 2) == []
    assert quiz.stop(START + 3) == []
    assert quiz.take_records() == []


# --- gradients ---------------------------------------------------------------------------------


@pytest.mark.parametrize("answer", ["2x, 2y", "2*x,2*y", " 2 x ,  y + y "])
def test_gradient_answer_with_every_component_right_is_correct(answer: str) -> None:
    quiz, _ = start(GRAD)
    events = quiz.handle(answer, now=START + 4)
    graded = events[0]
    assert isinstance(graded, Graded)
    assert len(graded.verdicts) == 2
    assert graded.correct
    assert reviews(quiz.take_records()) == [Review(START + 4, GRAD, Rating.GOOD)]


@pytest.mark.parametrize(("answer", "given"), [("2x", 1), ("2x, 2y, 0", 3)])
def test_gradient_with_the_wrong_component_count_is_unreadable(answer: str, given: int) -> None:
    quiz, _ = start(GRAD)
    (event,) = quiz.handle(answer, now=START + 1)
    assert isinstance(event, Unreadable)
    message = str(event.error)
    assert "2 components" in message
    assert str(given) in message
    assert quiz.records == []


@pytest.mark.parametrize("answer", ["2x, 3y", "x, 2y", "2y, 2x"])
def test_gradient_with_one_wrong_component_is_not_correct(answer: str) -> None:
    quiz, _ = start(GRAD, CUBE)
    (graded,) = quiz.handle(answer, now=START + 1)
    assert isinstance(graded, Graded)
    assert not graded.correct
    assert quiz.current == GRAD
    (attempt,) = quiz.take_records()
    assert isinstance(attempt, Attempt)
    assert (attempt.answer, attempt.verdict) == (answer, "incorrect")


# --- records -----------------------------------------------------------------------------------


def test_take_records_returns_the_new_records_and_empties_them() -> None:
    quiz, _ = start(SIN, CUBE)
    assert quiz.take_records() == []
    quiz.handle(WRONG_SIN, now=START + 1)
    first = quiz.take_records()
    assert [type(r) for r in first] == [Attempt]
    assert quiz.take_records() == []
    assert quiz.records == []
    quiz.handle(RIGHT[SIN.id], now=START + 2)
    second = quiz.take_records()
    assert [type(r) for r in second] == [Attempt, Review]
    assert second[0].answer == RIGHT[SIN.id]
    assert quiz.take_records() == []


# --- endless sessions --------------------------------------------------------------------------


def test_endless_session_poses_until_the_problems_run_out() -> None:
    quiz, events = start(CUBE, SIN, GRAD, total=None)
    assert events == [Posed(CUBE, 1, None)]
    assert quiz.handle(RIGHT[CUBE.id], now=START + 1)[1:] == [Posed(SIN, 2, None)]
    assert quiz.handle(RIGHT[SIN.id], now=START + 2)[1:] == [Posed(GRAD, 3, None)]
    summary = finished(quiz.handle(RIGHT[GRAD.id], now=START + 3))
    assert (summary.posed, summary.solved, summary.first_try) == (3, 3, 3)


def test_endless_session_goes_on_until_quit() -> None:
    quiz = Quiz(problems=itertools.repeat(CUBE), total=None, started=START)
    assert quiz.start() == [Posed(CUBE, 1, None)]
    for n in range(2, 8):
        events = quiz.handle(RIGHT[CUBE.id], now=START + n)
        assert events[-1] == Posed(CUBE, n, None)
    summary = finished(quiz.handle("quit", now=START + 10))
    assert (summary.posed, summary.solved) == (7, 6)


def test_total_stops_the_session_before_the_problems_run_out() -> None:
    quiz, _ = start(CUBE, SIN, GRAD, total=1)
    summary = finished(quiz.handle(RIGHT[CUBE.id], now=START + 1))
    assert summary.posed == 1


def test_empty_problem_list_finishes_at_once() -> None:
    quiz, events = start(total=None)
    assert finished(events).posed == 0
    assert quiz.finished
    assert quiz.handle("2x", now=START + 1) == []


# --- choosing problems -------------------------------------------------------------------------


def bank() -> list[Problem]:
    levels = [3, 1, 5, 2, 1, 4, 2, 3, 1, 5, 2, 4]
    return [
        Problem(id=f"p{i}", topic=f"topic{i % 3}", level=level, function="x", variables=())
        for i, level in enumerate(levels)
    ]


def test_choose_is_deterministic_for_a_seed() -> None:
    problems = bank()
    assert choose(problems, 5, seed=7) == choose(problems, 5, seed=7)
    assert choose(problems, None, seed=7) == choose(problems, None, seed=7)


def test_choose_depends_on_the_seed() -> None:
    problems = bank()
    picks = {tuple(p.id for p in choose(problems, 5, seed=seed)) for seed in range(20)}
    assert len(picks) > 1


@pytest.mark.parametrize(("count", "expected"), [(0, 0), (1, 1), (5, 5), (12, 12), (30, 12)])
def test_choose_returns_min_count_len_distinct_problems(count: int, expected: int) -> None:
    problems = bank()
    picked = choose(problems, count, seed=1)
    assert len(picked) == expected
    assert len({p.id for p in picked}) == expected
    assert all(p in problems for p in picked)


@pytest.mark.parametrize("count", [4, None])
@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_choose_sorts_by_level_easiest_first(count: int | None, seed: int) -> None:
    picked = choose(bank(), count, seed=seed)
    levels = [p.level for p in picked]
    assert levels == sorted(levels)


def test_choose_all_returns_every_problem_and_leaves_the_list_alone() -> None:
    problems = bank()
    before = list(problems)
    picked = choose(problems, None, seed=3)
    assert sorted(p.id for p in picked) == sorted(p.id for p in problems)
    assert problems == before


def _p(id: str, topic: str, level: int) -> Problem:
    return Problem(id=id, topic=topic, level=level, function="x", variables=())


REVIEW_BANK = [
    _p("a1", "a", 1),
    _p("a3", "a", 2),
    _p("b2", "b", 2),
    _p("c1", "c", 3),
    _p("a2", "a", 1),
    _p("b1", "b", 1),
]


def ids(problems: list[Problem]) -> list[str]:
    return [p.id for p in problems]


def test_review_selection_puts_due_problems_first_in_the_given_order() -> None:
    chosen, due_count = review_selection(REVIEW_BANK, ["c1", "a2"], {"c1", "a2"}, 4)
    assert due_count == 2
    assert ids(chosen)[:2] == ["c1", "a2"]
    assert len(chosen) == 4


def test_review_selection_ignores_due_ids_not_in_the_bank() -> None:
    chosen, due_count = review_selection(REVIEW_BANK, ["gone", "a3", "also-gone"], {"a3"}, 2)
    assert due_count == 1
    assert ids(chosen)[0] == "a3"
    assert "gone" not in ids(chosen)


def test_review_selection_adds_new_problems_one_per_topic_lowest_level_first() -> None:
    chosen, due_count = review_selection(REVIEW_BANK, [], set(), 6)
    assert due_count == 0
    # Level 1 of each topic in bank order, then the next level 1, then level 2 by topic...
    assert ids(chosen) == ["a1", "b1", "a2", "a3", "b2", "c1"]


def test_review_selection_never_offers_a_seen_problem_as_new() -> None:
    chosen, _ = review_selection(REVIEW_BANK, [], {"a1", "b1", "c1"}, 10)
    assert ids(chosen) == ["a2", "a3", "b2"]


def test_review_selection_does_not_repeat_a_due_problem_as_new() -> None:
    chosen, due_count = review_selection(REVIEW_BANK, ["b1"], set(), 10)
    assert due_count == 1
    assert ids(chosen).count("b1") == 1
    assert ids(chosen)[0] == "b1"
    assert sorted(ids(chosen)) == sorted(ids(REVIEW_BANK))


@pytest.mark.parametrize("count", [0, 1, 3, 5])
def test_review_selection_respects_count(count: int) -> None:
    chosen, due_count = review_selection(REVIEW_BANK, ["c1", "a3", "b2"], set(), count)
    assert len(chosen) == count
    assert due_count == min(count, 3)
    assert ids(chosen)[:due_count] == ["c1", "a3", "b2"][:due_count]
