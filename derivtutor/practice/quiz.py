"""A practice session as a pure state machine: lines in, events out. No I/O, no clock.

The CLI reads each line the learner types and passes it to ``Quiz.handle`` with the current
time; the quiz answers with events to show (a problem, a verdict, a hint, the steps) and records
to keep (each attempt, and the spaced-repetition rating of each finished problem). Because the
records are events, the CLI writes them as they happen, so an interrupted session loses nothing.

Ratings follow the issue's rule: a wrong answer (or asking for the steps) is Again, right after a
hint is Hard, right at once is Good.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from enum import IntEnum
from typing import TYPE_CHECKING, Any, Protocol

from derivtutor.calculus.differentiation import Differentiation, differentiate
from derivtutor.errors import DerivtutorError, InputError, Message, Parameter, UsageError
from derivtutor.grading.matrix_check import MatrixVerdict
from derivtutor.grading.verdict import CORRECT, INCORRECT, Verdict, check
from derivtutor.language.inputs import answer_side, split_components
from derivtutor.practice.problem import Problem

if TYPE_CHECKING:
    from derivtutor.practice.bank import Bank  # a type only: the state machine reads no YAML

COMMANDS = {
    "hint": "show the next hint",
    "steps": "show the whole derivation (the problem counts as missed)",
    "skip": "show the answer and the steps, then go on (the problem counts as missed)",
    "quit": "end the session (exit and Ctrl-D work too)",
    "help": "show this list",
}
_ALIASES = {"exit": "quit", "?": "help", "hints": "hint", "step": "steps"}


class Rating(IntEnum):
    """The spaced-repetition grades (the values of ``fsrs.Rating``)."""

    AGAIN = 1
    HARD = 2
    GOOD = 3


# --- events: what to show ----------------------------------------------------------------------


@dataclass(frozen=True)
class Climb:
    """The learner moved on because they were fluent at ``fluent_at`` in ``after``: now
    ``level`` of ``topic`` (another topic when ``after`` was finished)."""

    topic: str
    level: int
    fluent_at: int
    after: str
    needed: int = 3  # problems right in a row it took (fewer where the level has fewer)


@dataclass(frozen=True)
class Posed:
    problem: Problem
    number: int  # 1-based
    total: int | None  # None: endless (generated problems)
    # The engine's, one per component: what a renderer shows; not part of the event's identity.
    derivations: tuple[Differentiation, ...] = field(default=(), compare=False, repr=False)
    climb: Climb | None = None  # on a learning path, how the learner got here


class Adaptive(Protocol):
    """Problems chosen as the learner goes (practice/path.py): told which problem is posed,
    and each rating."""

    def posed(self, problem: Problem) -> Climb | None: ...

    def rated(self, problem: Problem, rating: Rating) -> None: ...

    def progress(self) -> list[tuple[str, int, int | None]]: ...


@dataclass(frozen=True)
class Graded:
    """An answer was read and checked: one verdict, or one per component of a gradient."""

    problem: Problem
    # A problem in matrices has one MatrixVerdict here, which the renderer tells apart.
    verdicts: tuple[Verdict, ...]

    @property
    def correct(self) -> bool:
        return all(v.verdict == CORRECT for v in self.verdicts)

    @property
    def mistake(self) -> str | None:
        for v in self.verdicts:
            if isinstance(v, MatrixVerdict):
                return v.mistake
            if v.diagnosis is not None:
                return v.diagnosis.mistake
        return None


@dataclass(frozen=True)
class Unreadable:
    """The line could not be read as an answer. Not an attempt: the learner types it again."""

    text: str
    error: DerivtutorError


@dataclass(frozen=True)
class Hint:
    problem: Problem
    number: int  # 1-based; 0 when there are no more
    total: int


@dataclass(frozen=True)
class Steps:
    problem: Problem
    derivations: tuple[Differentiation, ...] = field(default=(), compare=False, repr=False)


@dataclass(frozen=True)
class Skipped:
    """Skipped: the answer and the steps are shown, and the problem counts as missed."""

    problem: Problem
    derivations: tuple[Differentiation, ...] = field(default=(), compare=False, repr=False)


@dataclass(frozen=True)
class Help:
    pass


@dataclass(frozen=True)
class Empty:
    """A blank line: a reminder of what can be typed."""


@dataclass(frozen=True)
class Finished:
    summary: Summary


# --- records: what to keep ---------------------------------------------------------------------


@dataclass(frozen=True)
class Attempt:
    """One answer given (or the steps asked for, verdict "revealed")."""

    time: float  # seconds since the epoch
    problem: Problem
    answer: str | None
    verdict: str  # correct, incorrect or revealed
    mistake: str | None
    hints: int
    seconds: float

    def row(self) -> dict[str, Any]:
        """The attempt as the progress store keeps it (time in ISO 8601, UTC)."""
        return {
            "time": iso(self.time),
            "problem": self.problem.id,
            "topic": self.problem.topic,
            "level": self.problem.level,
            "function": self.problem.function,
            "answer": self.answer,
            "verdict": self.verdict,
            "mistake": self.mistake,
            "hints": self.hints,
            "seconds": round(self.seconds, 3),
        }


@dataclass(frozen=True)
class Review:
    """A problem finished: its spaced-repetition rating."""

    time: float
    problem: Problem
    rating: Rating


Event = Posed | Graded | Unreadable | Hint | Steps | Skipped | Help | Empty | Finished
Record = Attempt | Review
REVEALED = "revealed"


def iso(seconds: float) -> str:
    """A time in seconds since the epoch, as ISO 8601 in UTC."""
    return datetime.fromtimestamp(seconds, timezone.utc).isoformat(timespec="milliseconds")


@dataclass(frozen=True)
class Summary:
    posed: int
    first_try: int  # right at the first answer, no hints
    solved: int  # right in the end, at any try
    missed: int  # steps asked for, or given up after a wrong answer
    skipped: int
    seconds: float
    mistakes: dict[str, int]
    # On a learning path, each topic whose level rose: (topic, from, to; None when all done).
    levels: tuple[tuple[str, int, int | None], ...] = ()

    @property
    def answered(self) -> int:
        return self.solved + self.missed


@dataclass
class _Current:
    problem: Problem
    since: float  # when it was posed, or last answered
    hints: int = 0
    wrong: int = 0


@dataclass
class Quiz:
    """One session over ``problems`` (any iterator: a bank's selection, or endless generated
    ones). Create it, call ``start``, then ``handle`` each line until ``finished``."""

    problems: Iterator[Problem]
    total: int | None
    started: float
    # Problem -> the hints to give, in order, for a problem whose author wrote none.
    hint_texts: Callable[[Problem, tuple[Differentiation, ...]], Sequence[str]] | None = None
    path: Adaptive | None = None  # a learning path, told of each problem and rating
    records: list[Record] = field(default_factory=list)
    finished: bool = False
    _current: _Current | None = None
    _number: int = 0
    _solved: int = 0
    _first_try: int = 0
    _missed: int = 0
    _skipped: int = 0
    _mistakes: Counter[str] = field(default_factory=Counter)
    _derivations: dict[str, tuple[Differentiation, ...]] = field(default_factory=dict)

    @property
    def current(self) -> Problem | None:
        return self._current.problem if self._current else None

    @property
    def hints_used(self) -> int:
        return self._current.hints if self._current else 0

    def start(self) -> list[Event]:
        return self._next(self.started)

    def handle(self, line: str, now: float) -> list[Event]:
        """What the learner typed: a command (hint, steps, skip, quit, help) or an answer."""
        if self.finished or self._current is None:
            return []
        text = line.strip()
        command = _ALIASES.get(text.lower(), text.lower())
        if not text:
            return [Empty()]
        if command == "quit":
            return self.stop(now)
        if command == "help":
            return [Help()]
        if command == "hint":
            return [self._hint()]
        if command == "steps":
            return self._reveal(now)
        if command == "skip":
            return self._skip(now)
        return self._answer(text, now)

    def stop(self, now: float) -> list[Event]:
        """quit, Ctrl-C or the end of input: rate the problem in hand if it was tried."""
        if self.finished:
            return []
        current = self._current
        if current is not None and current.wrong:
            self._rate(now, current.problem, Rating.AGAIN)
            self._missed += 1
        self._current = None
        self.finished = True
        return [Finished(self.summary(now))]

    def summary(self, now: float) -> Summary:
        return Summary(
            posed=self._number,
            first_try=self._first_try,
            solved=self._solved,
            missed=self._missed,
            skipped=self._skipped,
            seconds=max(0.0, now - self.started),
            mistakes=dict(self._mistakes.most_common()),
            levels=tuple(self.path.progress()) if self.path is not None else (),
        )

    def take_records(self) -> list[Record]:
        """The records since the last call, for the caller to store."""
        taken, self.records = self.records, []
        return taken

    # --- transitions -------------------------------------------------------------------------

    def _next(self, now: float) -> list[Event]:
        self._current = None  # the problem in hand is finished, and rated already
        if self.total is not None and self._number >= self.total:
            return self.stop(now)
        problem = next(self.problems, None)
        if problem is None:
            return self.stop(now)
        self._number += 1
        self._current = _Current(problem, now)
        climb = self.path.posed(problem) if self.path is not None else None
        return [Posed(problem, self._number, self.total, self.derivations(problem), climb)]

    def _rate(self, now: float, problem: Problem, rating: Rating) -> None:
        self.records.append(Review(now, problem, rating))
        if self.path is not None:
            self.path.rated(problem, rating)

    def _hint(self) -> Event:
        assert self._current is not None
        texts = self._hints(self._current.problem)
        if self._current.hints >= len(texts):
            return Hint(self._current.problem, 0, len(texts))
        self._current.hints += 1
        return Hint(self._current.problem, self._current.hints, len(texts))

    def derivations(self, problem: Problem) -> tuple[Differentiation, ...]:
        """The engine's derivation of a problem, one per gradient component (made once)."""
        if problem.id not in self._derivations:
            self._derivations[problem.id] = derivations(problem)
        return self._derivations[problem.id]

    def _hints(self, problem: Problem) -> tuple[str, ...]:
        if problem.hints:
            return problem.hints
        if self.hint_texts is None:
            return ()
        return tuple(self.hint_texts(problem, self.derivations(problem)))

    def hint_text(self, event: Hint) -> str | None:
        """The text of a Hint event (None when the hints are used up)."""
        return self._hints(event.problem)[event.number - 1] if event.number else None

    def _reveal(self, now: float, *, skipped: bool = False) -> list[Event]:
        """The steps asked for, or the problem skipped: either way its answer and derivation
        are shown, as rustlings shows a solution, and it counts as missed (it comes back
        soon)."""
        assert self._current is not None
        current = self._current
        self.records.append(
            Attempt(now, current.problem, None, REVEALED, None, current.hints, now - current.since)
        )
        self._rate(now, current.problem, Rating.AGAIN)
        self._missed += 1
        self._skipped += skipped
        derivations = self.derivations(current.problem)
        shown: Event = (
            Skipped(current.problem, derivations)
            if skipped
            else Steps(current.problem, derivations)
        )
        return [shown, *self._next(now)]

    def _skip(self, now: float) -> list[Event]:
        return self._reveal(now, skipped=True)

    def _answer(self, text: str, now: float) -> list[Event]:
        assert self._current is not None
        current = self._current
        try:
            graded = grade(current.problem, answer_side(text))
        except DerivtutorError as err:
            return [Unreadable(text, _command_typo(text) or err)]
        if any(v.verdict not in (CORRECT, INCORRECT) for v in graded.verdicts):
            error = DerivtutorError(
                "this answer cannot be checked here: too few points where both sides are real"
            )
            return [Unreadable(text, error)]
        verdict = CORRECT if graded.correct else INCORRECT
        mistake = graded.mistake
        self.records.append(
            Attempt(
                now, current.problem, text, verdict, mistake, current.hints, now - current.since
            )
        )
        current.since = now
        if not graded.correct:
            current.wrong += 1
            if mistake:
                self._mistakes[mistake] += 1
            return [graded]
        if current.wrong:
            rating = Rating.AGAIN
        else:
            rating = Rating.HARD if current.hints else Rating.GOOD
        self._rate(now, current.problem, rating)
        self._solved += 1
        if rating == Rating.GOOD:
            self._first_try += 1
        return [graded, *self._next(now)]


def _command_typo(text: str) -> DerivtutorError | None:
    """'hnit' or 'Help me' was meant as a command, not an answer: say so."""
    import difflib

    first = text.split()[0].lower() if text.split() else ""
    if not first.isalpha() or len(first) < 3:
        return None
    near = difflib.get_close_matches(first, [*COMMANDS, *_ALIASES], n=1, cutoff=0.6)
    if not near:
        return None
    command = _ALIASES.get(near[0], near[0])
    return DerivtutorError(
        f"{text.strip()!r} is not an answer or a command: did you mean {command}? "
        "(help lists the commands)"
    )


_BRACKETS = {"(": ")", "[": "]", "⟨": "⟩", "<": ">"}


def _unbracketed(text: str) -> str:
    """(2x, 2y) and [2x, 2y] are how vectors are written: the components are inside."""
    text = text.strip()
    close = _BRACKETS.get(text[:1])
    if close is None or not text.endswith(close):
        return text
    depth = 0
    for n, ch in enumerate(text):
        depth += ch == text[0]
        depth -= ch == close
        if depth == 0 and n < len(text) - 1:
            return text  # (x+1)(x-1): the first bracket closes before the end
    inner = text[1:-1]
    # (x + 1) alone is one component in brackets, not a vector.
    return inner if len(split_components(inner, parameter=None)) > 1 else text


def derivations(problem: Problem) -> tuple[Differentiation, ...]:
    """The engine's derivation of ``problem``: one, or one per gradient component (for a
    problem in vectors and matrices, its derivation by differentials)."""
    if problem.shapes:
        from derivtutor.calculus.matrix_derivative import matrix_derivative

        derived = matrix_derivative(
            problem.function,
            wrt=problem.wrt,
            shapes=dict(problem.shapes),
            symmetric=problem.symmetric,
        )
        return (derived,)  # type: ignore[return-value]
    wrts = list(problem.variables) if problem.gradient else [problem.wrt]
    return tuple(differentiate(problem.function, wrt=w, order=problem.order) for w in wrts)


def grade(problem: Problem, text: str) -> Graded:
    """Check an answer to ``problem``: one expression, or comma-separated gradient components.
    Raises InputError or UsageError when the answer cannot be read."""
    domain = problem.domain
    if problem.shapes:
        from derivtutor.grading.matrix_check import check_matrix

        matrix = check_matrix(
            problem.function,
            text,
            wrt=problem.wrt,
            shapes=dict(problem.shapes),
            symmetric=problem.symmetric,
        )
        return Graded(problem, (matrix,))  # type: ignore[arg-type]
    if not problem.gradient:
        verdict = check(problem.function, text, wrt=problem.wrt, domain=domain, order=problem.order)
        return Graded(problem, (verdict,))
    # Typed at the quiz's prompt, so the advice names no parameter.
    parts = split_components(_unbracketed(text), parameter=None)
    if len(parts) != len(problem.variables):
        names = ", ".join(problem.variables)
        raise InputError(
            f"the gradient has {len(problem.variables)} components ({names}), "
            f"but {len(parts)} {'was' if len(parts) == 1 else 'were'} given",
            suggestion="separate the components with commas, e.g. 2x y, x^2",
        )
    verdicts = tuple(
        check(problem.function, part, wrt=name, domain=domain)
        for part, name in zip(parts, problem.variables, strict=True)
    )
    return Graded(problem, verdicts)


# --- choosing problems -------------------------------------------------------------------------


def choose(problems: list[Problem], count: int | None, seed: int | None = None) -> list[Problem]:
    """``count`` of ``problems`` at random (all of them when None), easiest first, so a
    session warms up before it gets hard. The same seed gives the same selection."""
    import random

    rng = random.Random(seed)
    picked = rng.sample(problems, min(count, len(problems))) if count is not None else problems[:]
    if count is None:
        rng.shuffle(picked)
    return sorted(picked, key=lambda p: p.level)  # stable: random order within a level


# The bundled topics in teaching order: a new learner meets the power rule before softmax.
CURRICULUM = (
    "power-rule",
    "polynomials",
    "exp-log",
    "trig",
    "chain-rule",
    "product-rule",
    "quotient-rule",
    "activations",
    "partial-derivatives",
    "hyperbolic",
    "inverse-trig",
    "nested-chain-rule",
    "losses",
    "gradients",
    "log-differentiation",
    "softmax-jacobians",
    "matrix-calculus",
    "backprop-layers",
)


def _curriculum_rank(topic: str) -> int:
    return CURRICULUM.index(topic) if topic in CURRICULUM else len(CURRICULUM)


def review_selection(
    problems: list[Problem], due: list[str], seen: set[str], count: int
) -> tuple[list[Problem], int]:
    """The problems due for review, most overdue first, then new ones to fill ``count``:
    the easiest unseen problem of each topic in turn, so a new learner gets a mix of topics
    at level 1 before anything harder. Returns the problems and how many of them were due."""
    by_id = {p.id: p for p in problems}
    chosen = [by_id[i] for i in due if i in by_id][:count]
    due_count = len(chosen)
    fresh: dict[str, list[Problem]] = {}
    # Topics in the order a course meets them (others after, in bank order); levels rising.
    ordered = sorted(problems, key=lambda p: (p.level, _curriculum_rank(p.topic)))
    for problem in ordered:
        if problem.id not in seen and problem.id not in due:
            fresh.setdefault(problem.topic, []).append(problem)
    while len(chosen) < count and any(fresh.values()):
        # One per topic per round, the lowest level first.
        level = min(queue[0].level for queue in fresh.values() if queue)
        for queue in fresh.values():
            if len(chosen) < count and queue and queue[0].level == level:
                chosen.append(queue.pop(0))
    return chosen, due_count


def select(
    bank: Bank,
    *,
    topic: str | None = None,
    level: int | None = None,
    count: int | None = None,
    problem: str | None = None,
    seed: int | None = None,
) -> list[Problem]:
    """The problems a quiz poses: one by id, or ``count`` (default 10) of a topic and level.
    Raises UsageError, with a suggestion, for a name that is not in the bank."""
    import difflib

    if problem is not None:
        if (topic, level, count) != (None, None, None):
            raise UsageError(
                Message(
                    "{problem} poses one problem: leave out {topic}, {level} and {count}",
                    problem=Parameter("problem"),
                    topic=Parameter("topic"),
                    level=Parameter("level"),
                    count=Parameter("count"),
                )
            )
        found = bank.by_id().get(problem)
        if found is None:
            near = difflib.get_close_matches(problem, list(bank.by_id()), n=3)
            hint = f". Did you mean {', '.join(near)}?" if near else ""
            raise UsageError(f"no problem {problem!r} in {bank.root}{hint}")
        return [found]
    known_topic(bank, topic)
    pool = bank.select(topic, level)
    if not pool:
        raise UsageError(f"no problems at level {level} in {topic or 'the bank'}")
    return choose(pool, count or 10, seed)


def known_topic(bank: Bank, topic: str | None) -> None:
    """Raises UsageError, with the nearest names, for a topic that is not in ``bank``."""
    import difflib

    if topic is not None and topic not in bank.titles:
        near = [t for t in bank.topics() if t.lower() == topic.lower()]
        near = near or difflib.get_close_matches(topic, bank.topics(), n=3)
        hint = f" Did you mean {', '.join(near)}?" if near else ""
        raise UsageError(f"no topic {topic!r}.{hint} Topics: {', '.join(bank.topics())}")
