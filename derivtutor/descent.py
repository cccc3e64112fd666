"""Gradient descent on the derived gradient: x ← x − η·∇f(x), as training does it.

The gradient is the engine's own (each component derived and tidied, as ``grad`` shows it),
compiled once for floats, so a step costs microseconds and a run that blows up overflows at
once instead of hanging. The outcome is one of three, each with a reason the renderer turns
into advice: converged (the gradient vanished), diverged (the iterates ran away or left the
function's domain) or max_steps.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import sympy as sp

from derivtutor.errors import UsageError
from derivtutor.multivar import Gradient, gradient
from derivtutor.numeric import float_function, overflow_sign
from derivtutor.parse import variables

CONVERGED, DIVERGED, MAX_STEPS = "converged", "diverged", "max_steps"
MAX_VARIABLES = 2  # a path one can draw: on the curve, or over contour lines
MAX_ITERATIONS = 100_000
RUNAWAY = 1e12  # |x| or |f| past this is divergence, long before a float overflows
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
    status: str  # converged, diverged or max_steps
    # why: gradient_small; overshoot, unbounded, undefined; slow, oscillating, steady
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
        from derivtutor.render.descent import descent_dict

        return descent_dict(self)


def descend(
    text: str,
    start: str,
    learning_rate: float = 0.1,
    iterations: int = 50,
    tolerance: float = 1e-8,
) -> Descent:
    """Run gradient descent on ``text`` from ``start`` ("x=3" or "x=3,y=1")."""
    from derivtutor.gradient_check import parse_point

    for name, value in (("--lr", learning_rate), ("--tol", tolerance)):
        if not math.isfinite(value) or value <= 0:
            raise UsageError(f"{name} must be a positive number, not {value}")
    if not 1 <= iterations <= MAX_ITERATIONS:
        raise UsageError(f"--iterations must be from 1 to {MAX_ITERATIONS}, not {iterations}")
    result = gradient(text)
    names = result.variables
    if len(names) > MAX_VARIABLES:
        listed = ", ".join(v.name for v in names)
        raise UsageError(
            f"descend takes a function of one or two variables; this one has {len(names)} "
            f"({listed})"
        )
    point = parse_point(start, result.expression, option="--start")
    symbols = list(variables(result.expression))
    f = float_function(result.expression, symbols)
    parts = [float_function(component, symbols) for component in result.vector]

    def at(x: tuple[float, ...], step: float) -> Iterate:
        xs = list(x)
        value = f(xs)
        if value is not None and math.isinf(value):
            # −exp(1000) overflows as +inf: whether f ran off up or down decides the advice.
            value = math.copysign(math.inf, overflow_sign(result.expression, symbols, xs))
        grad = [p(xs) for p in parts]
        if any(g is None for g in grad):
            return Iterate(x, value, None, step)
        return Iterate(x, value, tuple(g for g in grad if g is not None), step)

    here = at(tuple(float(point[v]) for v in symbols), 0.0)
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
            status, reason = CONVERGED, "gradient_small"
            break
        if len(path) > iterations:
            break
        moved = tuple(x - learning_rate * g for x, g in zip(here.point, here.gradient, strict=True))
        here = at(moved, learning_rate * norm)
        path.append(here)
    if status == MAX_STEPS:
        reason = _why_not_yet(path)
    return Descent(text, result, learning_rate, tolerance, iterations, tuple(path), status, reason)


def _trouble(path: list[Iterate]) -> str | None:
    """What makes the latest point the end of a diverging run, if anything."""
    here = path[-1]
    if here.value is None or here.gradient is None:
        return "undefined"
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
    if trouble == "undefined":
        return "undefined"
    values = [it.value for it in path if it.value is not None]
    # Falling without end: the function has no minimum that way. Rising: each step overshoots.
    if len(values) >= 2 and values[-1] < values[0]:
        return "unbounded"
    return "overshoot"


def _why_not_yet(path: list[Iterate]) -> str:
    """Out of steps: bouncing across the minimum (oscillating), falling with a gradient that
    does not shrink (no minimum in sight: steady), or just slow."""
    gradients = [it.gradient for it in path if it.gradient is not None]
    flips = sum(
        sum(a * b for a, b in zip(g, h, strict=True)) < 0
        for g, h in zip(gradients, gradients[1:], strict=False)
    )
    if flips > len(gradients) // 2:
        return "oscillating"
    first, last = path[0].norm, path[-1].norm
    if first is not None and last is not None and last >= 0.9 * first:
        return "steady"
    return "slow"
