"""The learning path (practice/path.py): a new learner starts at level 1 of the first topic in
curriculum order, and climbs a level after FLUENT right in a row at the first try."""

from __future__ import annotations

import re

import pytest
from invoke import runner

from derivtutor.cli import app
from derivtutor.practice.bank import load_bank
from derivtutor.practice.path import FLUENT, LearningPath, curriculum_order, standings
from derivtutor.practice.problem import Problem
from derivtutor.practice.quiz import CURRICULUM, Climb, Rating

BANK = load_bank()
_POSED = re.compile(r"^Problem (\d+) of (\d+) · (\S+) · level (\d) {3}\[(\S+)\]$", re.M)


def _problem(pid: str, topic: str, level: int) -> Problem:
    return Problem(id=pid, topic=topic, level=level, function="x^2", variables=())


# Two topics out of curriculum order in the bank, two levels each: the power rule with three
# problems a level, the chain rule with fewer (a level of fewer than FLUENT needs them all).
TOY = [
    _problem("c1a", "chain-rule", 1),
    _problem("c1b", "chain-rule", 1),
    _problem("c2a", "chain-rule", 2),
    _problem("p1a", "power-rule", 1),
    _problem("p1b", "power-rule", 1),
    _problem("p1c", "power-rule", 1),
    _problem("p2a", "power-rule", 2),
    _problem("p2b", "power-rule", 2),
    _problem("p2c", "power-rule", 2),
]
LEVEL_1 = ["p1a", "p1b", "p1c"]
LEVEL_2 = ["p2a", "p2b", "p2c"]
GOOD, HARD, AGAIN = int(Rating.GOOD), int(Rating.HARD), int(Rating.AGAIN)


def test_topics_come_in_curriculum_order_then_in_bank_order() -> None:
    assert curriculum_order(["zeta", "chain-rule", "power-rule", "alpha"]) == [
        "power-rule",
        "chain-rule",
        "zeta",
        "alpha",
    ]


def test_a_new_learner_starts_at_level_1_of_the_first_topic() -> None:
    path = LearningPath(TOY)
    assert path.place() == ("power-rule", 1)
    assert next(path).id == "p1a"


@pytest.mark.parametrize(
    ("ratings", "level", "streak"),
    [
        ([GOOD] * FLUENT, 2, 0),
        ([GOOD] * (FLUENT - 1), 1, FLUENT - 1),
        ([GOOD, GOOD, AGAIN], 1, 0),
        ([GOOD, HARD, GOOD], 1, 1),  # a hint breaks the run: fluency is without help
        ([AGAIN, GOOD, GOOD, GOOD], 2, 0),
    ],
    ids=["fluent", "one-short", "a-miss-resets", "a-hint-resets", "after-a-miss"],
)
def test_fluency_is_a_run_of_first_try_answers(ratings: list[int], level: int, streak: int) -> None:
    where = {p.id: (p.topic, p.level) for p in TOY}
    history = [(LEVEL_1[n % 3], r) for n, r in enumerate(ratings)]
    found = standings(where, history, {"power-rule": [1, 2]})["power-rule"]
    assert (found.level, found.streak) == (level, streak)


def test_the_same_problem_right_again_is_no_new_evidence() -> None:
    where = {p.id: (p.topic, p.level) for p in TOY}
    found = standings(where, [("p1a", GOOD)] * FLUENT, {"power-rule": [1, 2]})["power-rule"]
    assert (found.level, found.streak) == (1, 1)


def test_a_level_smaller_than_fluent_needs_all_its_problems() -> None:
    where = {p.id: (p.topic, p.level) for p in TOY}
    ratings = [("c1a", GOOD), ("c1b", GOOD), ("c2a", GOOD)]
    found = standings(where, ratings, {"chain-rule": [1, 2]}, whole=True)["chain-rule"]
    assert found.level is None and found.fluent == (1, 2)
    partial = standings(where, ratings, {"chain-rule": [1, 2]})["chain-rule"]
    assert partial.level == 1  # without the whole bank, FLUENT are needed


def test_a_topic_done_moves_the_path_to_the_next() -> None:
    history = [(p, GOOD) for p in LEVEL_1 + LEVEL_2]
    path = LearningPath(TOY, history, frozenset(LEVEL_1 + LEVEL_2))
    assert path.place() == ("chain-rule", 1)


def test_within_a_level_unseen_problems_come_first_then_the_longest_unseen() -> None:
    path = LearningPath(TOY, [("p1a", AGAIN), ("p1c", AGAIN)], frozenset({"p1a", "p1c"}))
    assert next(path).id == "p1b"
    path.posed(TOY[4])
    path.rated(TOY[4], Rating.AGAIN)
    assert next(path).id == "p1a"  # all met now; p1a longest ago


def test_the_path_climbs_within_a_session_and_says_why() -> None:
    path = LearningPath(TOY)
    climbs = []
    for _ in range(FLUENT + 1):
        problem = next(path)
        climbs.append(path.posed(problem))
        path.rated(problem, Rating.GOOD)
    assert climbs[:FLUENT] == [None] * FLUENT
    assert climbs[FLUENT] == Climb(topic="power-rule", level=2, fluent_at=1, after="power-rule")


def test_a_finished_topic_names_the_next_one() -> None:
    history = [(p, GOOD) for p in LEVEL_1 + LEVEL_2[:2]]
    path = LearningPath(TOY, history, frozenset(LEVEL_1 + LEVEL_2[:2]))
    first = next(path)
    assert first.level == 2
    path.posed(first)
    path.rated(first, Rating.GOOD)
    second = next(path)
    assert (second.topic, second.level) == ("chain-rule", 1)
    assert path.posed(second) == Climb(topic="chain-rule", level=1, fluent_at=2, after="power-rule")


def test_a_topic_keeps_the_path_in_it() -> None:
    path = LearningPath(TOY, topic="chain-rule")
    assert path.place() == ("chain-rule", 1)
    topics = set()
    for _ in range(5):
        problem = next(path)
        path.posed(problem)
        topics.add(problem.topic)
    assert topics == {"chain-rule"}


def test_when_everything_is_fluent_the_longest_unpractised_comes_back() -> None:
    history = [(p.id, GOOD) for p in TOY]
    path = LearningPath(TOY, history, frozenset(p.id for p in TOY))
    assert path.place() is None
    assert next(path).id == "c1a"  # rated first of all, so longest ago


def test_the_bundled_curriculum_names_real_topics() -> None:
    assert set(CURRICULUM) <= set(BANK.topics())


# --- through the command line ----------------------------------------------------------------


def _quiz(args: list[str], lines: str) -> str:
    result = runner.invoke(app, ["quiz", *args], input=lines)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_a_new_learners_first_problem_is_level_1_of_the_first_topic() -> None:
    out = _quiz(["--count", "1"], "quit\n")
    _, _, topic, level, pid = _POSED.findall(out)[0]
    first = curriculum_order(BANK.topics())[0]
    assert (topic, level) == (first, "1") == ("power-rule", "1")
    assert pid == BANK.select("power-rule", 1)[0].id


def _answers(topic: str, level: int) -> dict[str, str]:
    from derivtutor import differentiate

    return {
        p.id: str(differentiate(p.function, wrt=p.wrt).derivative).replace("**", "^")
        for p in BANK.select(topic, level)
    }


def test_three_right_at_the_first_try_move_the_quiz_up_a_level() -> None:
    answers = _answers("power-rule", 1)
    order = [p.id for p in BANK.select("power-rule", 1)][:FLUENT]
    lines = "".join(answers[pid] + "\n" for pid in order) + "quit\n"
    out = _quiz(["--count", "5"], lines)
    posed = _POSED.findall(out)
    assert [(t, lv) for _, _, t, lv, _ in posed] == [("power-rule", "1")] * FLUENT + [
        ("power-rule", "2")
    ]
    assert "Level up in power-rule (3 right in a row at the first try at level 1): on to " in out
    # And the next session starts where this one left off.
    again = _POSED.findall(_quiz(["--count", "1"], "quit\n"))
    assert again[0][2:4] == ("power-rule", "2")


def test_a_hint_or_a_miss_keeps_the_learner_at_the_level() -> None:
    answers = _answers("power-rule", 1)
    order = [p.id for p in BANK.select("power-rule", 1)]
    lines = f"hint\n{answers[order[0]]}\n{answers[order[1]]}\n{answers[order[2]]}\nquit\n"
    posed = _POSED.findall(_quiz(["--count", "5"], lines))
    assert {lv for *_, lv, _ in posed} == {"1"}


def test_level_and_topic_still_choose() -> None:
    posed = _POSED.findall(_quiz(["--topic", "trig", "--level", "3", "--count", "2"], "quit\n"))
    assert posed[0][2:4] == ("trig", "3")
    posed = _POSED.findall(_quiz(["--topic", "chain-rule", "--count", "2"], "quit\n"))
    assert posed[0][2:4] == ("chain-rule", "1")


def test_an_unknown_topic_is_refused_with_the_nearest() -> None:
    result = runner.invoke(app, ["quiz", "--topic", "chain_rule"], input="quit\n")
    assert result.exit_code == 2
    assert "Did you mean chain-rule" in result.stderr


def test_a_problem_passed_over_is_not_offered_again() -> None:
    """gradable() passes over a problem that fails its check: the path must move on, not offer
    it for ever."""
    path = LearningPath(TOY[:1])
    assert next(path).id == "c1a"
    with pytest.raises(StopIteration):
        next(path)  # c1a was never posed: passed over
    path = LearningPath(TOY)
    first = next(path)
    second = next(path)  # the first was passed over
    assert first.id == "p1a" and second.id == "p1b"


def test_a_level_up_on_the_last_problem_is_said_in_the_summary() -> None:
    answers = _answers("power-rule", 1)
    order = [p.id for p in BANK.select("power-rule", 1)][:FLUENT]
    out = _quiz(["--count", str(FLUENT)], "".join(answers[pid] + "\n" for pid in order))
    assert "Level up in power-rule (" not in out  # no next problem to announce it before
    assert out.rstrip().endswith("Level up in power-rule: from level 1 to level 2.")
