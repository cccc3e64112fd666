"""Gradient descent on the derived gradient: x ← x − η·∇f(x), as training does it.

The gradient is the engine's own (each component derived and tidied, as ``grad`` shows it),
compiled once for floats, so a step costs microseconds and a run that blows up overflows at
once instead of hanging. The outcome is one of three, each with a reason the renderer turns
into advice: converged (the gradient vanished), diverged (the iterates ran away or left the
function's domain) or max_steps.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import sympy as sp

from derivtutor.calculus.multivar import Gradient, gradient
from derivtutor.engine.numeric import constant_value, float_function, overflow_sign
from derivtutor.errors import Message, Parameter, UsageError
from derivtutor.language.inputs import parse_point
from derivtutor.language.parse import parse, variables

Status = Literal["converged", "diverged", "max_steps"]
CONVERGED: Status = "converged"
DIVERGED: Status = "diverged"
MAX_STEPS: Status = "max_steps"
MAX_VARIABLES = 2  # a path one can draw: on the curve, or over contour lines
MAX_ITERATIONS = 100_000
RUNAWAY = 1e12  # |x| or |f| past this is divergence, long before a float overflows
CROSSING_SAMPLES = 32  # points looked at along a step that made f rise
RISES, GROWTH = 5, 100.0  # f rising 5 steps running, to 100 times its start: overshooting


@dataclass(frozen=True)
class Iterate:
    """One point of the path: where, f there, ∇f there, and the length of the step to it."""

    point: tuple[float, ...]
    value: float | None  # None: f is undefined (or not real) here
    gradient: tuple[float, ...] | None
    step: float = 0.0

    @property
    def norm(self) -> float | None:
        if self.gradient is None:
            return None
        return math.sqrt(sum(g * g for g in self.gradient))


@dataclass(frozen=True)
class Descent:
    """A whole run: the derived gradient, the path, and how it ended."""

    input: str
    result: Gradient  # the derivation of ∇f, for the formula and --steps
    learning_rate: float
    tolerance: float
    iterations: int
    path: tuple[Iterate, ...]
    status: Status
    # converged: minimum, not_minimum, flat; diverged: overshoot, unbounded, undefined,
    # no_gradient, crossed; max_steps: slow, small_steps, plateau, oscillating, cycling,
    # corner, steady
    reason: str

    @property
    def variables(self) -> tuple[sp.Symbol, ...]:
        return self.result.variables

    @property
    def expression(self) -> sp.Expr:
        return self.result.expression

    @property
    def gradient(self) -> tuple[sp.Expr, ...]:
        return self.result.vector

    @property
    def last(self) -> Iterate:
        return self.path[-1]

    def to_dict(self) -> dict[str, object]:
        from derivtutor import display

        return display.to_dict(self)


def descend(
    text: str,
    start: str,
    learning_rate: float = 0.1,
    iterations: int = 50,
    tolerance: float = 1e-8,
) -> Descent:
    """Run gradient descent on ``text`` from ``start`` ("x=3" or "x=3,y=1")."""
    for name, value in (("learning_rate", learning_rate), ("tolerance", tolerance)):
        if not math.isfinite(value) or value <= 0:
            raise UsageError(
                Message(
                    "{name} must be a positive number, not {value}",
                    name=Parameter(name),
                    value=value,
                )
            )
    if not 1 <= iterations <= MAX_ITERATIONS:
        raise UsageError(
            Message(
                "{iterations} must be from 1 to {most}, not {value}",
                iterations=Parameter("iterations"),
                most=MAX_ITERATIONS,
                value=iterations,
            )
        )
    expression = parse(text)
    if not expression.free_symbols:
        raise UsageError("descend needs a function of one or two variables, not a constant")
    result = gradient(text)
    names = result.variables
    if len(names) > MAX_VARIABLES:
        listed = ", ".join(v.name for v in names)
        raise UsageError(
            f"descend takes a function of one or two variables; this one has {len(names)} "
            f"({listed})"
        )
    point = parse_point(start, result.expression, "start", to_float=constant_value)
    symbols = list(variables(result.expression))
    f = float_function(result.expression, symbols)
    parts = [float_function(component, symbols) for component in result.vector]

    def value_at(xs: list[float]) -> float | None:
        value = f(xs)
        if value is not None and math.isinf(value):
            # −exp(1000) overflows as +inf: whether f ran off up or down decides the advice.
            value = math.copysign(math.inf, overflow_sign(result.expression, symbols, xs))
        return value

    def at(x: tuple[float, ...], step: float) -> Iterate:
        grad = [p(list(x)) for p in parts]
        if any(g is None for g in grad):
            return Iterate(x, value_at(list(x)), None, step)
        return Iterate(x, value_at(list(x)), tuple(g for g in grad if g is not None), step)

    here = at(tuple(float(point[v]) for v in symbols), 0.0)
    _check_start(here, start)
    path = [here]
    status, reason = MAX_STEPS, ""
    for _ in range(iterations + 1):
        trouble = _trouble(path)
        if trouble:
            status, reason = DIVERGED, _why_diverged(path, trouble)
            break
        norm = here.norm
        assert norm is not None and here.gradient is not None
        if norm <= tolerance:
            status, reason = CONVERGED, _critical_kind(value_at, here)
            break
        if len(path) > iterations:
            break
        moved = tuple(x - learning_rate * g for x, g in zip(here.point, here.gradient, strict=True))
        before = here
        here = at(moved, learning_rate * norm)
        path.append(here)
        if _crossed(value_at, before, here):
            status, reason = DIVERGED, "crossed"
            break
    if status == MAX_STEPS:

        def norm_at(x: list[float]) -> float | None:
            return at(tuple(x), 0.0).norm

        reason = _why_not_yet(path, norm_at)
        if reason == "growing":
            status, reason = DIVERGED, "overshoot"
    return Descent(text, result, learning_rate, tolerance, iterations, tuple(path), status, reason)


def _check_start(here: Iterate, start: str) -> None:
    """A start where f or its gradient cannot be evaluated is bad input, not a bad run."""
    numbers = [here.value, *(here.gradient or ())]
    if here.value is None or not math.isfinite(here.value):
        raise UsageError(f"f is undefined (or too large) at the start {start}: start where it is")
    if here.gradient is None or not all(v is not None and math.isfinite(v) for v in numbers):
        raise UsageError(
            f"the gradient of f is undefined (or too large) at the start {start}, so no step "
            "can be taken from there (f may have a cusp or corner there): start elsewhere"
        )


def _critical_kind(value_at: Callable[[list[float]], float | None], here: Iterate) -> str:
    """The gradient vanished: a minimum, or a point that only looks like one (a saddle, a
    maximum, an inflection) or a flat region (a dead ReLU). Compared with points nearby."""
    assert here.value is not None
    tolerance = 1e-12 * (1 + abs(here.value))
    lower = higher = False
    # Along each axis and, with two variables, each diagonal: x² + y² − 3xy rises along the
    # axes but falls along y = x.
    n = len(here.point)
    directions = [tuple(float(i == k) for i in range(n)) for k in range(n)]
    if n == 2:
        directions += [(1.0, 1.0), (1.0, -1.0)]
    for direction in directions:
        for sign in (-1.0, 1.0):
            probe = [
                x + sign * d * 1e-3 * (1 + abs(x))
                for x, d in zip(here.point, direction, strict=True)
            ]
            nearby = value_at(probe)
            if nearby is None:
                continue
            lower = lower or nearby < here.value - tolerance
            higher = higher or nearby > here.value + tolerance
    if lower:
        return "not_minimum"
    return "minimum" if higher else "flat"


def _crossed(
    value_at: Callable[[list[float]], float | None], before: Iterate, after: Iterate
) -> bool:
    """Whether a step jumped over a pole or a gap in f's domain: f rose, and in between it is
    undefined or far outside both ends."""
    if before.value is None or after.value is None or after.value <= before.value:
        return False
    ends = max(abs(before.value), abs(after.value))
    for k in range(1, CROSSING_SAMPLES):
        t = k / CROSSING_SAMPLES
        between = [a + t * (b - a) for a, b in zip(before.point, after.point, strict=True)]
        value = value_at(between)
        if value is None or abs(value) > 10 * (ends + 1):
            return True
    return False


def _trouble(path: list[Iterate]) -> str | None:
    """What makes the latest point the end of a diverging run, if anything."""
    here = path[-1]
    if here.value is None:
        return "undefined"
    if here.gradient is None:
        return "no_gradient"
    numbers = [here.value, *here.gradient, *here.point]
    if not all(math.isfinite(v) for v in numbers):
        return "runaway"
    # Far beyond where it started (a start at x = 2·10⁶ is large, not runaway).
    start = path[0]
    scale = max(1.0, *(abs(v) for v in [start.value or 0.0, *(start.gradient or ()), *start.point]))
    if max(map(abs, numbers)) > RUNAWAY * scale:
        return "runaway"
    # Descent with a small enough step never raises f. Rising step after step, far above
    # where it began, is the signature of overshooting: say so now, not at the step limit.
    values = [it.value for it in path[-RISES - 1 :]]
    first = path[0].value
    if (
        len(values) == RISES + 1
        and all(
            b is not None and a is not None and b > a
            for a, b in zip(values, values[1:], strict=False)
        )
        and first is not None
        and here.value - first > GROWTH * (abs(first) + 1)
    ):
        return "runaway"
    return None


def _why_diverged(path: list[Iterate], trouble: str) -> str:
    if trouble in ("undefined", "no_gradient"):
        return trouble
    values = [it.value for it in path if it.value is not None]
    # Falling without end: the function has no minimum that way. Rising: each step overshoots.
    if len(values) >= 2 and values[-1] < values[0]:
        return "unbounded"
    return "overshoot"


def _why_not_yet(path: list[Iterate], norm_at: Callable[[list[float]], float | None]) -> str:
    """Out of steps, and why: the swings grow (growing), stay the same size (cycling), or
    shrink (oscillating); the gradient keeps its size at a corner (corner) or on a slope
    without end (steady); it is tiny (plateau); the steps are tiny (small_steps); or slow."""
    gradients = [it.gradient for it in path if it.gradient is not None]
    flips = sum(
        sum(a * b for a, b in zip(g, h, strict=True)) < 0
        for g, h in zip(gradients, gradients[1:], strict=False)
    )
    norms = [it.norm or 0.0 for it in path]
    steps = [it.step for it in path[1:]]
    quarter = max(1, len(steps) // 4)
    early, late = sum(steps[:quarter]) / quarter, sum(steps[-quarter:]) / quarter
    ratio = norms[-1] / norms[0] if norms[0] > 0 else 1.0  # how the gradient changed
    same_gradient = abs(ratio - 1) < 0.01
    if flips > len(gradients) // 2:
        if late > 1.05 * early:
            return "growing"
        if late > 0.95 * early:
            # Hopping between points for good: over a smooth minimum (the gradient is small
            # between the two), or around a corner such as |x| at 0 (it is not).
            # Off-centre: at the very middle of a hop over |x| sits the corner, where sign(0) = 0.
            a, b = path[-2].point, path[-1].point
            between = [
                norm_at([p + t * (q - p) for p, q in zip(a, b, strict=True)]) for t in (0.25, 0.75)
            ]
            smooth = all(v is not None and v < 0.75 * norms[-1] for v in between)
            return "cycling" if smooth or not same_gradient else "corner"
        return "oscillating"
    # Near a minimum the gradient shrinks as f does; on a plateau it is tiny and stays so.
    if norms[-1] < 1e-3 and ratio >= 0.5:
        return "plateau"
    if ratio >= 0.99 and len(steps) > 1:
        return "steady"
    point = path[-1].point
    scale = max(1.0, *(abs(x) for x in point))
    # Still far from a minimum (the gradient has barely changed), taking tiny steps.
    return "small_steps" if ratio > 0.5 and late < 1e-2 * scale else "slow"
