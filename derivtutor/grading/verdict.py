"""Is this the derivative? Numeric first, as WeBWorK and STACK check answers.

``simplify(a − b) == 0`` is slow and wrong in both directions: it rejects correct answers with
|x|, H(x), x^x or logs, and can run for more than 20 s on a 43-character answer. Instead both
sides are compared at sampled points, at 30 digits, re-checked at 90 digits before an answer is
called wrong. The points come from a seed made from the function, so a verdict never changes
between runs. Where too few points are valid, the verdict is "undecided": a problem with the
question, not the student's error.
"""

from __future__ import annotations

import hashlib
import math
import random
from dataclasses import dataclass, replace
from typing import Any

import mpmath
import sympy as sp

from derivtutor.calculus.differentiation import Differentiation, differentiate
from derivtutor.engine.numeric import Compiled, float_function, to_mpf
from derivtutor.engine.numeric import finite as _finite
from derivtutor.errors import UsageError
from derivtutor.grading import mistakes
from derivtutor.grading.mistakes import Diagnosis
from derivtutor.language.inputs import choose_variables, parse_domain, split_components
from derivtutor.language.parse import parse, variables

POINTS = 8  # agreeing points needed for "correct"
DRAWS = 400  # points tried before "undecided"
WIDEN_EVERY = 100  # draws after which the sampling interval doubles
DIGITS, RECHECK_DIGITS = 30, 90
RELATIVE, ABSOLUTE = 1e-6, 1e-10

CORRECT, INCORRECT, UNDECIDED = "correct", "incorrect", "undecided"


@dataclass(frozen=True)
class Witness:
    """A point where the answer and the derivative differ (got is None: the answer is
    undefined there, though the derivative is not)."""

    point: dict[sp.Symbol, float]
    expected: float
    got: float | None


@dataclass(frozen=True)
class Verdict:
    """The outcome of checking one answer."""

    function_text: str
    answer_text: str
    answer: sp.Expr
    differentiation: Differentiation  # the correct derivation, for --steps
    verdict: str  # correct, incorrect or undecided
    witness: Witness | None = None
    diagnosis: Diagnosis | None = None
    points: int = 0  # how many points were compared

    @property
    def function(self) -> sp.Expr:
        return self.differentiation.expression

    @property
    def variable(self) -> sp.Symbol:
        return self.differentiation.variable

    @property
    def derivative(self) -> sp.Expr:
        return self.differentiation.derivative

    @property
    def correct(self) -> bool:
        return self.verdict == CORRECT

    def to_dict(self) -> dict[str, Any]:
        from derivtutor import display

        return display.to_dict(self)


def check(
    function: str,
    answer: str,
    wrt: str | None = None,
    domain: tuple[float, float] | str | None = None,
    *,
    order: int = 1,
    diagnose: bool = True,
) -> Verdict:
    """Check ``answer`` as the derivative of ``function`` with respect to ``wrt``, or as its
    derivative of ``order`` (the third derivative for ``order=3``)."""
    result = differentiate(function, wrt=wrt, order=order)
    expected = result.derivative
    given = parse(answer)
    foreign = sorted(given.free_symbols - result.expression.free_symbols, key=lambda s: s.name)
    if foreign:
        names = ", ".join(v.name for v in foreign)
        known = ", ".join(v.name for v in variables(result.expression)) or "none"
        raise UsageError(
            f"your answer uses {names}, which the function does not have (its variables: {known})"
        )
    low, high = parse_domain(domain)
    symbols = variables(sp.Tuple(result.expression, given)) or [result.variable]
    comparison = compare(
        expected,
        given,
        symbols,
        (low, high),
        seed=f"{function}|{result.variable}",
        function=result.expression,
        widen=domain is None,  # a domain the user chose is kept as it is
    )
    verdict = Verdict(
        function,
        answer,
        given,
        result,
        comparison.verdict,
        comparison.witness,
        None,
        comparison.points,
    )
    # A mistake is sought in the last order derived; past a pattern there is no such step.
    if verdict.verdict == INCORRECT and diagnose and result.pattern is None:
        verdict = replace(verdict, diagnosis=mistakes.diagnose(given, result, comparison.samples))
    return verdict


@dataclass(frozen=True)
class Comparison:
    verdict: str
    witness: Witness | None
    points: int
    samples: list[dict[sp.Symbol, float]]  # the points where the derivative is defined


def compare(
    expected: sp.Expr,
    given: sp.Expr,
    symbols: list[sp.Symbol],
    domain: tuple[float, float],
    *,
    seed: str,
    function: sp.Expr | None = None,
    widen: bool = True,
) -> Comparison:
    """Compare two expressions at seeded random points where ``expected`` is real and finite,
    and where ``function`` (when given) is real and has no corner: ln(x)' = 1/x says nothing
    about x < 0, and |x|' = sign(x) has a value at 0 only by convention."""
    points = _sample(expected, symbols, domain, seed=seed, function=function, widen=widen)
    if len(points) < POINTS:
        return Comparison(UNDECIDED, None, len(points), [p for p, _, _ in points])
    # Tolerances scale with the derivative's size here: 0 is not 10^-12·x.
    scale = max(1e-6, *(abs(v) for _, _, v in points if math.isfinite(v)))
    got = Compiled(given, symbols, DIGITS)
    failures: list[tuple[float, Witness]] = []
    for point, exact, value in points:
        floats = list(point.values())
        answer = got(floats, exact)
        if math.isinf(value):
            # Too large for a float: the answer must be too, with the same sign (a point
            # skipped here would leave only the points where the derivative is tiny).
            if answer is None or answer != value:
                failures.append((math.inf, Witness(point, value, _finite(answer))))
            continue
        if answer is not None and math.isfinite(answer) and close(answer, value, scale):
            continue
        error = math.inf if answer is None or not math.isfinite(answer) else abs(answer - value)
        failures.append((error / max(abs(value), ABSOLUTE), Witness(point, value, _finite(answer))))
    # The most convincing failure first; a difference at 30 digits may be cancellation, so it
    # must survive the re-check at 90 before the answer is called wrong.
    failures.sort(key=lambda f: f[0], reverse=True)
    recheck = _Recheck(expected, given, symbols, scale)
    witness = next((w for _, w in failures if math.isinf(w.expected) or recheck.differs(w)), None)
    samples = [p for p, _, _ in points]
    if witness is None:
        return Comparison(CORRECT, None, len(points), samples)
    others = [p for p in samples if p is not witness.point]
    return Comparison(INCORRECT, witness, len(points), [witness.point, *others])


def _sample(
    expected: sp.Expr,
    symbols: list[sp.Symbol],
    domain: tuple[float, float],
    *,
    seed: str,
    function: sp.Expr | None,
    widen: bool,
) -> list[tuple[dict[sp.Symbol, float], list[Any], float]]:
    """Up to POINTS (point, exact coordinates, derivative there), drawn from a seeded generator."""
    rng = random.Random(int(hashlib.sha256(seed.encode()).hexdigest()[:16], 16))
    want = Compiled(expected, symbols, DIGITS)
    defined = None if function is None else float_function(function, symbols)
    corners = [] if function is None else _corners(function, symbols)
    low, high = domain
    points: list[tuple[dict[sp.Symbol, float], list[Any], float]] = []
    seen: set[tuple[float, ...]] = set()
    for draw in range(DRAWS):
        if widen and draw and draw % WIDEN_EVERY == 0:
            centre, half = (low + high) / 2, (high - low)
            low, high = centre - half, centre + half
        # Few digits, so that "at x = 0.73" reads well; more on a narrow domain.
        digits = max(2, 3 - math.floor(math.log10(high - low)))
        floats = [round(rng.uniform(low, high), digits) + 0.0 for _ in symbols]
        key = tuple(floats)
        if key in seen:
            continue
        seen.add(key)
        if defined is not None and defined(floats) is None:
            continue
        if any(corner(floats) == 0 for corner in corners):
            continue
        exact = [mpmath.mpf(str(v)) for v in floats]
        value = want(floats, exact)
        if value is None:
            continue
        points.append((dict(zip(symbols, floats, strict=True)), exact, value))
        if len(points) >= POINTS:
            break
    return points


def _corners(function: sp.Expr, symbols: list[sp.Symbol]) -> list[Any]:
    """The arguments of |u|, relu(u), sign(u) and H(u): where one is 0, there is no derivative."""
    from derivtutor.language.functions import relu

    return [
        float_function(call.args[0], symbols)
        for call in function.atoms(sp.Abs, sp.sign, sp.Heaviside, relu)
    ]


def close(a: float, b: float, scale: float = 1.0) -> bool:
    """Within RELATIVE of b, or within ABSOLUTE of the derivative's size (scale) near zero."""
    return abs(a - b) <= max(ABSOLUTE * scale, RELATIVE * abs(b))


class _Recheck:
    """The same comparison at 90 digits, compiled only if some point needs it."""

    def __init__(
        self, expected: sp.Expr, given: sp.Expr, symbols: list[sp.Symbol], scale: float
    ) -> None:
        self._args = expected, given, symbols
        self._scale = scale
        self._compiled: tuple[Compiled, Compiled] | None = None

    def differs(self, witness: Witness) -> bool:
        expected, given, symbols = self._args
        if self._compiled is None:
            self._compiled = (
                Compiled(expected, symbols, RECHECK_DIGITS),
                Compiled(given, symbols, RECHECK_DIGITS),
            )
        floats = [witness.point[v] for v in symbols]
        exact = [to_mpf(sp.Rational(str(v)), RECHECK_DIGITS) for v in floats]
        a, b = (compiled(floats, exact) for compiled in self._compiled)
        return not (
            a is not None and b is not None and math.isfinite(b) and close(b, a, self._scale)
        )


@dataclass(frozen=True)
class GradientVerdict:
    """A gradient checked component by component, in the order of ``variables``."""

    function_text: str
    variables: tuple[sp.Symbol, ...]
    components: tuple[Verdict, ...]

    @property
    def verdict(self) -> str:
        kinds = {c.verdict for c in self.components}
        if kinds == {CORRECT}:
            return CORRECT
        return INCORRECT if INCORRECT in kinds else UNDECIDED

    def to_dict(self) -> dict[str, Any]:
        from derivtutor import display

        return display.to_dict(self)


def check_gradient(
    function: str, answers: str, domain: tuple[float, float] | str | None = None
) -> GradientVerdict:
    """Check "2x y, x^2 + cos(y)" as the gradient of ``function``, one component per variable
    in alphabetical order. Only top-level commas separate: log(x, 10) stays one component."""
    expression = parse(function)
    # Every variable, A to Z: the order the components are written in.
    names = choose_variables([expression], parameter=None, at_most=None).variables
    parts = split_components(answers)
    if len(parts) != len(names):
        listed = ", ".join(v.name for v in names)
        raise UsageError(
            f"the gradient has {len(names)} components (one per variable: {listed}), "
            f"but {len(parts)} were given"
        )
    components = tuple(
        check(function, part, wrt=v.name, domain=domain)
        for part, v in zip(parts, names, strict=True)
    )
    return GradientVerdict(function, tuple(names), components)
