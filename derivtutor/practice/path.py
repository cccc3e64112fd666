"""The learning path: where a learner's quiz starts, and how it climbs.

A course starts with the power rule at level 1, not with focal loss. So the quiz takes the
topics in curriculum order (quiz.CURRICULUM, then any other topic in bank order) and, in each,
the levels from 1 up. A learner moves up a level once fluent there: FLUENT problems in a row
right at the first try, with no hint (the spaced-repetition rating Good). A topic whose every
level is fluent is done, and the path goes on to the next.

The learner's place is worked out from their ratings each time (``standings``), never stored,
so an imported history or a reset moves it too. Pure: the history comes in as rows, and the
quiz tells the path each rating as it is given (``rated``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from derivtutor.practice.problem import Problem
from derivtutor.practice.quiz import CURRICULUM, Climb, Rating

FLUENT = 3  # problems right in a row at the first try, no hint, at one level: on to the next


@dataclass(frozen=True)
class Standing:
    """A learner's place in one topic: the level to practise (None when every level is
    fluent) and the problems in a row right at the first try there."""

    topic: str
    level: int | None
    streak: int
    fluent: tuple[int, ...]  # the levels done


def standings(
    where: Mapping[str, tuple[str, int]],
    ratings: Iterable[tuple[str, int]],
    levels: Mapping[str, Sequence[int]] | None = None,
    *,
    whole: bool = False,
) -> dict[str, Standing]:
    """Each topic's standing, from ``ratings`` ((problem id, rating), oldest first) and
    ``where`` each problem is (its topic and level). ``levels``: the levels each topic has
    (a bank's); without it, 1 to 5. ``whole``: ``where`` is the whole bank, so a level of
    fewer than FLUENT problems is done when all of them are (a history alone cannot say)."""
    sizes: dict[tuple[str, int], int] = {}
    for place in where.values():
        sizes[place] = sizes.get(place, 0) + 1 if whole else FLUENT
    runs: dict[tuple[str, int], set[str]] = {}  # the problems of each level's current run
    fluent: dict[str, set[int]] = {}
    for problem, rating in ratings:
        if problem not in where:
            continue  # a problem no longer in the bank
        topic, level = where[problem]
        run = runs.setdefault((topic, level), set())
        if rating != Rating.GOOD:
            run.clear()
            continue
        run.add(problem)  # the same problem right again is no new evidence
        if len(run) >= min(FLUENT, sizes[topic, level]):
            fluent.setdefault(topic, set()).add(level)
    streaks = {key: len(run) for key, run in runs.items()}
    topics = dict.fromkeys(levels or {t for t, _ in where.values()})
    out = {}
    for topic in topics:
        done = fluent.get(topic, set())
        own = sorted(levels[topic]) if levels is not None else [1, 2, 3, 4, 5]
        now = next((n for n in own if n not in done), None)
        streak = streaks.get((topic, now), 0) if now is not None else 0
        out[topic] = Standing(topic, now, streak, tuple(sorted(done)))
    return out


def curriculum_order(topics: Iterable[str]) -> list[str]:
    """Topics as a course meets them: the curriculum's first, then the others as given."""
    given = list(dict.fromkeys(topics))
    return sorted(given, key=lambda t: CURRICULUM.index(t) if t in CURRICULUM else 99)


@dataclass
class LearningPath:
    """Problems along the path, one at a time, told each rating as the quiz gives it.

    ``history``: (problem id, rating) of every earlier rating, oldest first; ``seen``: every
    problem ever answered. With ``topic``, the path stays in that topic."""

    problems: Sequence[Problem]
    history: Sequence[tuple[str, int]] = ()
    seen: frozenset[str] = frozenset()
    topic: str | None = None
    _ratings: list[tuple[str, int]] = field(default_factory=list)
    _posed: list[str] = field(default_factory=list)
    _offered: set[str] = field(default_factory=set)
    _last: tuple[str, int | None] | None = None  # the topic and level of the last posed

    def __post_init__(self) -> None:
        self._ratings = list(self.history)
        self._history = list(self.history)
        scope = [p for p in self.problems if self.topic in (None, p.topic) and not p.generated]
        self._scope = scope
        self._where = {p.id: (p.topic, p.level) for p in scope}
        levels: dict[str, set[int]] = {}
        for p in scope:
            levels.setdefault(p.topic, set()).add(p.level)
        self._levels = {t: sorted(levels[t]) for t in curriculum_order(levels)}
        last_seen: dict[str, int] = {}
        for n, (problem, _) in enumerate(self._ratings):
            last_seen[problem] = n
        self._last_seen = last_seen

    def standings(self) -> dict[str, Standing]:
        return standings(self._where, self._ratings, self._levels, whole=True)

    def place(self) -> tuple[str, int] | None:
        """The topic and level to practise now: the first topic, in curriculum order, with a
        level not yet fluent. None when every level of every topic is."""
        for topic, standing in self.standings().items():
            if standing.level is not None:
                return topic, standing.level
        return None

    def __iter__(self) -> Iterator[Problem]:
        return self

    def __next__(self) -> Problem:
        # A problem offered but never posed was passed over (it failed its check as it was
        # posed): it is not offered again, or a bank of one such problem would never end.
        usable = [p for p in self._scope if p.id in self._posed or p.id not in self._offered]
        place = self.place()
        pool = [p for p in usable if (p.topic, p.level) == place]
        # All fluent, or this level's problems all passed over: what was met longest ago.
        pool = pool or usable
        if not pool:
            raise StopIteration
        problem = min(pool, key=self._freshness)
        self._offered.add(problem.id)
        return problem

    def _freshness(self, problem: Problem) -> tuple[bool, bool, int]:
        """Never seen before anything seen, then the least recently practised, and the problem
        just posed last of all. Bank order breaks ties."""
        just_posed = bool(self._posed) and self._posed[-1] == problem.id
        met = problem.id in self.seen or problem.id in self._posed
        return (just_posed, met, self._last_seen.get(problem.id, -1))

    # --- told by the quiz ---------------------------------------------------------------------

    def posed(self, problem: Problem) -> Climb | None:
        """``problem`` is posed: the climb that led to it, if the learner moved up a level or
        on to another topic because they were fluent."""
        self._posed.append(problem.id)
        before, self._last = self._last, (problem.topic, problem.level)
        if before is None or before == self._last or problem.id not in self._where:
            return None
        topic, level = before
        standing = self.standings().get(topic)
        if standing is None or level not in standing.fluent:
            return None
        size = sum(place == (topic, level) for place in self._where.values())
        return Climb(
            topic=problem.topic,
            level=problem.level,
            fluent_at=level,
            after=topic,
            needed=min(FLUENT, size),
        )

    def progress(self) -> list[tuple[str, int, int | None]]:
        """What this session changed: each topic whose level rose, as (topic, the level it
        was at, the level it is at now, or None when every level is done)."""
        before = standings(self._where, self._history, self._levels, whole=True)
        after = self.standings()
        return [
            (topic, was.level, after[topic].level)
            for topic, was in before.items()
            if was.level is not None and after[topic].level != was.level
        ]

    def rated(self, problem: Problem, rating: Rating) -> None:
        self._ratings.append((problem.id, int(rating)))
        self._last_seen[problem.id] = len(self._ratings)
