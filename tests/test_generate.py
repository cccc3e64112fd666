"""Generated problems: every template verifies, the same seed gives the same problems."""

from __future__ import annotations

import hashlib
import random
import re
from itertools import islice

import pytest

from derivtutor.language.parse import parse
from derivtutor.practice import generate
from derivtutor.practice.generate import TEMPLATES, TOPICS, compose, generated
from derivtutor.practice.problem import Problem, verify_problem
from derivtutor.practice.validated import bundled_path

LEVELS = (1, 2, 3, 4, 5)

# A coefficient or factor of 1 written out: "1x", "1sin(x)", "1(x + 2)", "1 e^x".
ONE_WRITTEN_OUT = re.compile(r"(?<![\d.])1(?=\s*[a-z(])")

# Topics and levels whose templates have many fillings: a repeat early on would be a fault.
LARGE = [
    ("polynomials", 1),
    ("polynomials", 3),
    ("chain-rule", 2),
    ("chain-rule", 5),
    ("exp-log", 3),
]


def first(n: int, topic: str | None, level: int | None, seed: int | None) -> list[Problem]:
    return list(islice(generated(topic, level, seed), n))


def test_every_topic_has_templates_at_every_level() -> None:
    assert len(TOPICS) >= 10
    for topic in TOPICS:
        assert sorted(TEMPLATES[topic]) == list(LEVELS), topic
        assert all(TEMPLATES[topic][level] for level in LEVELS), topic


def test_every_generator_topic_is_a_topic_of_the_bundled_bank() -> None:
    bank_topics = {path.stem for path in bundled_path().glob("*.yaml")}
    assert set(TOPICS) <= bank_topics


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("topic", TOPICS)
def test_compose_gives_a_verified_generated_problem(topic: str, level: int) -> None:
    problem = compose(topic, level, random.Random(7))
    assert problem is not None
    assert problem.generated
    assert (problem.topic, problem.level) == (topic, level)
    digest = hashlib.sha256(problem.function.encode()).hexdigest()[:8]
    assert problem.id == f"gen.{topic}.{digest}"
    assert problem.id.startswith("gen.")
    assert "{" not in problem.function and "}" not in problem.function
    assert problem.gradient == (topic == "gradients")
    assert problem.domain in (None, generate.POSITIVE)
    assert verify_problem(problem) is None


@pytest.mark.parametrize("level", LEVELS)
def test_gradient_templates_give_gradients_over_the_right_variables(level: int) -> None:
    problem = compose("gradients", level, random.Random(level))
    assert problem is not None
    assert problem.gradient
    assert len(problem.variables) >= 2
    assert problem.wrt is None
    # In "sigmoid(w x + b)" x is data: the gradient's variables are some of the function's.
    assert set(problem.variables) <= {s.name for s in parse(problem.function).free_symbols}


def test_derivative_templates_have_one_variable_and_no_gradient() -> None:
    for topic in TOPICS:
        if topic == "gradients":
            continue
        problem = compose(topic, 1, random.Random(3))
        assert problem is not None
        assert (problem.gradient, problem.variables, problem.wrt) == (False, (), None)
        assert {s.name for s in parse(problem.function).free_symbols} == {"x"}, topic


@pytest.mark.parametrize(
    ("topic", "level"), [(None, None), ("chain-rule", 3), ("gradients", None), (None, 2)]
)
def test_the_same_seed_gives_the_same_problems(topic: str | None, level: int | None) -> None:
    once = first(5, topic, level, 42)
    again = first(5, topic, level, 42)
    assert [p.function for p in once] == [p.function for p in again]
    assert once == again


@pytest.mark.parametrize(("topic", "level"), [(None, None), ("polynomials", 2)])
def test_different_seeds_give_different_problems(topic: str | None, level: int | None) -> None:
    base = [p.function for p in first(5, topic, level, 0)]
    others = [[p.function for p in first(5, topic, level, seed)] for seed in (1, 2, 3)]
    assert any(other != base for other in others)


@pytest.mark.parametrize(("topic", "level"), LARGE)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_large_template_space_does_not_repeat_early(topic: str, level: int, seed: int) -> None:
    functions = [p.function for p in first(5, topic, level, seed)]
    assert len(set(functions)) == len(functions), functions


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_small_template_space_does_not_repeat_while_fillings_remain(seed: int) -> None:
    functions = [p.function for p in first(5, "trig", 1, seed)]
    assert len(set(functions)) == len(functions), functions


@pytest.mark.parametrize("topic", [None, "polynomials"])
def test_without_a_level_generation_starts_at_1_and_rises_every_three(
    topic: str | None,
) -> None:
    levels = [p.level for p in first(17, topic, None, 5)]
    assert levels == [1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 5, 5, 5, 5, 5]


def test_a_fixed_topic_and_level_are_kept() -> None:
    problems = first(6, "exp-log", 4, 11)
    assert {(p.topic, p.level) for p in problems} == {("exp-log", 4)}


def test_without_a_topic_generation_mixes_topics() -> None:
    problems = first(12, None, 2, 0)
    assert {p.topic for p in problems} <= set(TOPICS)
    assert len({p.topic for p in problems}) >= 3
    assert all(p.id.startswith(f"gen.{p.topic}.") for p in problems)


def test_generation_stops_rather_than_pose_a_problem_that_fails_verification(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(generate, "verify_problem", lambda problem: "the engine cannot")
    assert compose("trig", 1, random.Random(0)) is None
    assert first(3, "trig", 1, 0) == []


@pytest.mark.parametrize("topic", TOPICS)
def test_filled_templates_never_write_a_coefficient_of_1(topic: str) -> None:
    for level, templates in TEMPLATES[topic].items():
        for template in templates:
            for seed in range(60):
                function = generate._fill(template.text, random.Random(seed))
                assert not ONE_WRITTEN_OUT.search(function), (level, template.text, function)


@pytest.mark.parametrize("seed", range(6))
def test_generated_problems_never_write_a_coefficient_of_1(seed: int) -> None:
    for problem in first(15, None, None, seed):
        assert not ONE_WRITTEN_OUT.search(problem.function), problem.function


def test_a_coefficient_of_1_is_dropped_not_the_digit_of_a_larger_number() -> None:
    # b = 1 in "{a}x^2 - {b}x + {c}" must read "- x", while "x^(1/3)" and "+ 1" stay whole.
    fills = [generate._fill("{a}x^2 - {b}x + {c}", random.Random(s)) for s in range(200)]
    assert any(re.search(r"- x \+", f) for f in fills)
    roots = [generate._fill("x^({p}/{q})", random.Random(s)) for s in range(50)]
    assert "x^(1/3)" in roots
    assert generate._fill("{a}x^2 + 1", random.Random(0)).endswith("+ 1")


def test_filled_templates_never_divide_by_1() -> None:
    fills = [
        generate._fill(template.text, random.Random(seed))
        for levels in TEMPLATES.values()
        for templates in levels.values()
        for template in templates
        for seed in range(100)
    ]
    assert [f for f in fills if re.search(r"/1(?![\d.])", f)] == []
