"""The quiz loop: read a line, let the quiz decide, save what it records, show what it says.

The loop is the edge between the quiz state machine (quiz.py), the progress store and the
terminal, which it is handed as two callables: ``read`` (a line, or EOFError at the end of
input) and ``show`` (the events the quiz produced). Every record is committed as it is made, so
Ctrl-C or a killed terminal loses nothing already answered.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, nullcontext
from typing import Any

from derivtutor.errors import DerivtutorError, ProgressError, TooLarge, UsageError
from derivtutor.practice.bank import Bank
from derivtutor.practice.path import LearningPath
from derivtutor.practice.problem import Problem, verify_problem
from derivtutor.practice.progress import Progress
from derivtutor.practice.quiz import (
    Adaptive,
    Attempt,
    Event,
    Finished,
    Quiz,
    iso,
    known_topic,
    select,
)

Show = Callable[[Quiz, list[Event]], None]


def open_store(create: bool = True) -> Progress:
    """The progress store; one that will be written to is checked for that first."""
    store = Progress(create=create)
    if create:
        store.check_writable()
    return store


def usable(bank: Bank) -> Bank:
    """The bank, if it has no errors: a quiz never poses from a bank that is known wrong."""
    if bank.errors:
        import shlex

        first = "\n".join(e.render() for e in bank.errors[:5])
        more = f"\n... and {len(bank.errors) - 5} more" if len(bank.errors) > 5 else ""
        raise UsageError(
            f"the bank at {bank.root} has errors:\n{first}{more}\n"
            f"Run derivtutor bank validate {shlex.quote(bank.root)} for the full report."
        )
    return bank


def planned(
    bank: Bank,
    store: Progress,
    *,
    topic: str | None = None,
    level: int | None = None,
    count: int | None = None,
    problem: str | None = None,
    seed: int | None = None,
) -> tuple[Iterable[Problem], int, LearningPath | None]:
    """What a quiz poses, how many, and the learning path that chooses them (if one does).

    With no level, problem or seed, the learning path: the topics in curriculum order (or
    ``topic`` alone), each from the learner's own level up. Otherwise the selection asked for,
    at random: a level, one problem by id, or a seed's repeatable draw."""
    if level is not None or problem is not None or seed is not None:
        picked = select(bank, topic=topic, level=level, count=count, problem=problem, seed=seed)
        return picked, len(picked), None
    known_topic(bank, topic)
    history = [(r["problem"], r["rating"]) for r in store.reviews()]
    path = LearningPath(bank.problems, history, frozenset(store.seen()), topic)
    return path, count or 10, path


def gradable(
    problems: Iterable[Problem],
    warn: Callable[[str], None],
    bound: Callable[[], AbstractContextManager[None]] = nullcontext,
) -> Iterator[Problem]:
    """The problems the engine can grade. A bank is checked as a whole by bank validate; here
    each problem is checked as it comes (or its verdict taken from bank validate's cache), and
    derived as it will be shown, within ``bound``, so that a bad one is passed over (with a
    warning), not posed. The derivation is kept for the grading of the answers."""
    from derivtutor.grading.verdict import prepare
    from derivtutor.practice.validated import known_verdicts, problem_key

    known = known_verdicts()
    for problem in problems:
        key = problem_key(problem)
        try:
            with bound():
                message = known[key] if key in known else verify_problem(problem)
                if message is None and not problem.shapes:
                    for variable in problem.variables if problem.gradient else (problem.wrt,):
                        prepare(problem.function, variable, problem.domain, order=problem.order)
        except (DerivtutorError, MemoryError, RecursionError) as err:
            message = _too_large(err)
        if message is None:
            yield problem
        else:
            warn(f"warning: {problem.id} is passed over: {message}")


def _too_large(err: BaseException) -> str:
    if isinstance(err, DerivtutorError) and not isinstance(err, TooLarge):
        return str(err).splitlines()[0]
    return "the function is too large to work with (past 5 s or 1 GB)"


def practise(
    problems: Iterator[Problem],
    total: int | None,
    store: Progress,
    *,
    read: Callable[[], str],
    show: Show,
    hint_texts: Any,
    path: Adaptive | None = None,
) -> None:
    """Pose ``problems`` until they run out or the learner stops, saving every record.
    ``path``: the learning path the problems come from, told of each rating."""
    session = Quiz(problems, total, time.time(), hint_texts=hint_texts, path=path)
    show(session, session.start())
    unsaved: list[Any] = []

    def save() -> None:
        unsaved.extend(session.take_records())
        try:
            while unsaved:  # one commit per record; on Ctrl-C the rest are saved afterwards
                record = unsaved[0]
                if isinstance(record, Attempt):
                    store.add_attempt(record.row())
                elif not record.problem.generated:
                    store.add_review(record.problem.id, int(record.rating), iso(record.time))
                unsaved.pop(0)
        except ProgressError as err:
            # Locked past the busy timeout (another derivtutor writing): the answer is never
            # dropped. It goes to the journal, which the next session saves first.
            kept = store.keep([_journal_record(r) for r in unsaved if _kept(r)])
            unsaved.clear()
            raise ProgressError(
                f"{err} Your answers so far are kept in {kept} and will be saved when "
                "derivtutor next starts a quiz."
            ) from None

    while not session.finished:
        try:
            try:
                line = read()
                events = session.handle(line, time.time())
            except (EOFError, KeyboardInterrupt):
                events = session.stop(time.time())
            save()
            show(session, events)
        except KeyboardInterrupt:
            # Ctrl-C while a verdict was saved or shown: keep it, and end with the summary.
            ending = session.stop(time.time()) or events
            save()
            show(session, [e for e in ending if isinstance(e, Finished)])
        except ProgressError:
            # The store failed under us (a disk filled, a lock held too long): end with the
            # summary, then the reason, so the learner knows the last answer was not kept.
            show(session, [e for e in session.stop(time.time()) if isinstance(e, Finished)])
            raise


def _kept(record: Any) -> bool:
    return isinstance(record, Attempt) or not record.problem.generated


def _journal_record(record: Any) -> tuple[str, dict[str, Any]]:
    if isinstance(record, Attempt):
        return "attempt", record.row()
    row = {"problem": record.problem.id, "rating": int(record.rating), "time": iso(record.time)}
    return "review", row
