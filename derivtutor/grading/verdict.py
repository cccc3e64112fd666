"""Is this the derivative? Numeric first, as WeBWorK and STACK check answers.

``simplify(a − b) == 0`` is slow and wrong in both directions: it rejects correct answers with
|x|, H(x), x^x or logs, and can run for more than 20 s on a 43-character answer. Instead both
sides are compared at sampled points, at 30 digits, re-checked at 90 digits (and then at the
precision SymPy's evalf needs) before an answer is called wrong. The points come from a seed
made from the function, so a wrong answer's witness is the same on every run; a "correct" must
also hold at fresh points from the system's randomness, which no one can predict. Where too
few points are valid, the verdict is "undecided": a problem with the question, not the
student's error.
"""

from __future__ import annotations

import hashlib
import itertools
import math
import random
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

import mpmath
import sympy as sp

from derivtutor.calculus.differentiation import MAX_FULL_ORDER, Differentiation, differentiate
from derivtutor.calculus.notebook import Notebook, operator
from derivtutor.engine import floats
from derivtutor.engine.derive import derivation
from derivtutor.engine.numeric import Compiled, float_function
from derivtutor.engine.numeric import finite as _finite
from derivtutor.engine.steps import Step
from derivtutor.errors import UsageError
from derivtutor.grading import mistakes
from derivtutor.grading.mistakes import Diagnosis
from derivtutor.language.inputs import (
    choose_variable,
    choose_variables,
    parse_domain,
    split_components,
)
from derivtutor.language.parse import parse, variables

POINTS = 8  # agreeing points needed for "correct"
FRESH = 4  # and more, from the system's randomness, for a "correct" to stand
DRAWS = 400  # points tried before "undecided"
FAR_DRAWS = 24  # past the domain, fewer: where the function is not defined (ln x, x < −2), give up
WIDEN_EVERY = 100  # draws after which the sampling interval doubles
DIGITS, RECHECK_DIGITS = 30, 90
MAX_WORKING_DIGITS = 2000  # evalf's limit: e^(1000·2) has 869 digits before the point
# Per point: 1e-6 of the values there; below 1e-20 two values are both 0 (30-digit work on
# terms up to 1e10 is good to 1e-20, and larger terms go to the 90-digit recheck).
RELATIVE, ABSOLUTE = 1e-6, 1e-20
# Within RELATIVE is not yet equal: an answer judged correct must also agree with the derivative
# to EXACT at a seeded point, at 30 digits (or at 90, where 30 lost digits to cancellation), so
# that 2x + 1e-9 and 3.14159x for πx are not the derivative. Below EXACT (and ABSOLUTE) no
# difference is seen: that is the grader's resolution.
EXACT, EXACT_ABSOLUTE = 1e-26, 1e-40
# Past the default domain, on each side out to FARTHER times it: FAR seeded points and one fresh,
# so that an answer wrong only past x = 2 (2x + relu(x − 3)) is seen. A domain the user chose
# is where the answer is meant to hold (x/|x| is 1 on 0:3): it is not stretched.
FAR, FAR_FRESH, FARTHER = 2, 1, 5.0

CORRECT, INCORRECT, UNDECIDED = "correct", "incorrect", "undecided"


@dataclass(frozen=True)
class Witness:
    """A point where the answer and the derivative differ (got is None: the answer is
    undefined there, though the derivative is not)."""

    point: dict[sp.Symbol, float]
    expected: float
    got: float | None


@dataclass(frozen=True, repr=False)
class Verdict(Notebook):
    """The outcome of checking one answer."""

    function_text: str
    answer_text: str
    answer: sp.Expr
    differentiation: Differentiation  # the correct derivation, for --steps
    verdict: str  # correct, incorrect or undecided
    witness: Witness | None = None
    diagnosis: Diagnosis | None = None
    points: int = 0  # how many points were compared
    # Within RELATIVE of the derivative everywhere, but not equal to it: the difference at the
    # witness (answer − derivative), from the 30-digit values.
    near: float | None = None
    span: tuple[tuple[sp.Symbol, float, float], ...] = ()  # where a correct answer was checked
    fixed: int = POINTS  # of the points compared, the seeded ones

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

    def summary(self) -> str:
        mistake = f" ({self.diagnosis.mistake})" if self.diagnosis is not None else ""
        of = f"{operator(self.variable, self.differentiation.order)} [{self.function}]"
        return f"{self.verdict}{mistake}: {self.answer_text!r} as {of}"


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
    result = derived(function, wrt, order)
    given = parse(answer)
    _refuse_foreign(given, result.expression, result.variable)
    # A domain the user chose is kept as it is; the default one widens where too few points
    # are defined.
    key = _answer_key(function, wrt, order, parse_domain(domain), widen=domain is None)
    comparison = key.compare(given)
    verdict = Verdict(
        function,
        answer,
        given,
        result,
        comparison.verdict,
        comparison.witness,
        None,
        comparison.points,
        comparison.near,
        comparison.span,
        comparison.fixed,
    )
    # A mistake is sought in the last order derived; past a pattern there is no such step
    # (nor in an answer that is the derivative but for a tiny difference).
    if verdict.verdict == INCORRECT and diagnose and result.pattern is None and not verdict.near:
        verdict = replace(verdict, diagnosis=key.mistakes(result).diagnose(given))
    return verdict


# A class's sheet asks the same few hundred functions again and again: each is derived, and its
# points drawn, once per process. The results are frozen, so sharing them is safe.
CACHED_FUNCTIONS = 512


@dataclass(frozen=True)
class Quick:
    """A verdict alone: the derivation trees (one per order) and how the answer compared."""

    steps: tuple[Step, ...]
    comparison: Comparison


def quick_check(
    function: str,
    answer: str | None,
    wrt: str | None = None,
    domain: tuple[float, float] | str | None = None,
    *,
    order: int = 1,
) -> Quick:
    """``answer`` against the derivative as the engine derives it, not tidied (None: the
    derivative against itself, which shows that it can be sampled at all). This is
    what a bank's validation needs: tidying changes the derivative's form, never its value,
    and costs ten times the derivation. The points are check()'s, so a witness is the same."""
    if order > MAX_FULL_ORDER:  # far orders go through the pattern, as check() does
        result = derived(function, wrt, order)
        steps, derivative = tuple(result.steps), result.derivative
        expression, var = result.expression, result.variable
    else:
        expression = parse(function)
        var, _ = choose_variable(expression, wrt)
        trees, derivative = [], expression
        for _ in range(order):
            trees.append(derivation(derivative, var))
            derivative = trees[-1].eval()
        steps = tuple(trees)
    given = parse(answer) if answer is not None else derivative
    _refuse_foreign(given, expression, var)
    symbols = variables(sp.Tuple(expression, var)) or [var]
    comparison = compare(
        derivative,
        given,
        symbols,
        parse_domain(domain),
        seed=f"{function}|{var}",
        function=expression,
        widen=domain is None,
        exact=False,  # a bank's own answers: validated for their value, as the engine's are
    )
    return Quick(steps, comparison)


def _refuse_foreign(given: sp.Expr, function: sp.Expr, variable: sp.Symbol) -> None:
    """The variable named with wrt is never foreign: d/dt [9] = t/9 is simply wrong."""
    foreign = sorted(given.free_symbols - function.free_symbols - {variable}, key=lambda s: s.name)
    if foreign:
        names = ", ".join(v.name for v in foreign)
        known = ", ".join(v.name for v in variables(function)) or "none"
        raise UsageError(
            f"your answer uses {names}, which the function does not have (its variables: {known})"
        )


def prepare(
    function: str,
    wrt: str | None = None,
    domain: tuple[float, float] | str | None = None,
    *,
    order: int = 1,
) -> None:
    """Derive ``function`` and draw its points ahead of the first answer, as a teacher writes
    the answer key before marking: every later ``check`` of it reuses them."""
    _answer_key(function, wrt, order, parse_domain(domain), widen=domain is None)


@lru_cache(maxsize=CACHED_FUNCTIONS)
def derived(function: str, wrt: str | None, order: int) -> Differentiation:
    return differentiate(function, wrt=wrt, order=order)


@lru_cache(maxsize=CACHED_FUNCTIONS)
def _answer_key(
    function: str, wrt: str | None, order: int, domain: tuple[float, float], *, widen: bool
) -> _AnswerKey:
    result = derived(function, wrt, order)
    symbols = variables(sp.Tuple(result.expression, result.variable)) or [result.variable]
    return _AnswerKey(
        result.derivative,
        symbols,
        domain,
        seed=f"{function}|{result.variable}",
        function=result.expression,
        widen=widen,
    )


@dataclass(frozen=True)
class Comparison:
    verdict: str
    witness: Witness | None
    points: int
    samples: list[dict[sp.Symbol, float]]  # the points where the derivative is defined
    near: float | None = None  # within RELATIVE but not equal: the difference at the witness
    span: tuple[tuple[sp.Symbol, float, float], ...] = ()  # each variable's range, all points
    fixed: int = POINTS  # of the points, the seeded ones (in the domain and past it)


def _span(points: list[Sample]) -> tuple[tuple[sp.Symbol, float, float], ...]:
    """Where the points compared lie: each variable from its least to its greatest value."""
    if not points:
        return ()
    symbols = list(points[0][0])
    return tuple(
        (v, min(p[v] for p, _, _ in points), max(p[v] for p, _, _ in points)) for v in symbols
    )


def compare(
    expected: sp.Expr,
    given: sp.Expr,
    symbols: list[sp.Symbol],
    domain: tuple[float, float],
    *,
    seed: str,
    function: sp.Expr | None = None,
    widen: bool = True,
    exact: bool = True,
) -> Comparison:
    """Compare two expressions at seeded random points where ``expected`` is real and finite,
    and where ``function`` (when given) is real and has no corner: ln(x)' = 1/x says nothing
    about x < 0, and |x|' = sign(x) has a value at 0 only by convention. ``exact=False``
    (a bank's own answers, validated for their value) leaves out the check that an answer
    within the tolerance is equal, not only close, and the points past the domain."""
    key = _AnswerKey(
        expected, symbols, domain, seed=seed, function=function, widen=widen, far=exact
    )
    return key.compare(given, exact=exact)


Sample = tuple[dict[sp.Symbol, float], list[Any], float]  # point, exact coordinates, value


class _AnswerKey:
    """What checking any answer against one derivative needs, prepared once: the derivative
    compiled, and its seeded points with its values there.

    The seeded points are public (anyone can compute them from the source), so an answer
    built to agree there and nowhere else would pass them; a verdict of *correct* must also
    hold at FRESH points drawn from the operating system's randomness, new on every run. An
    honest answer agrees everywhere, so its verdict never changes between runs."""

    def __init__(
        self,
        expected: sp.Expr,
        symbols: list[sp.Symbol],
        domain: tuple[float, float],
        *,
        seed: str,
        function: sp.Expr | None,
        widen: bool,
        far: bool = True,
    ) -> None:
        self.expected, self.symbols = expected, symbols
        self._want = Compiled(expected, symbols, DIGITS)
        self._sampler = _Sampler(
            self._want, symbols, domain, function=function, widen=widen, expected=expected
        )
        low, high = domain
        sides = [(low * FARTHER, low), (high, high * FARTHER)] if widen and far else []
        self._far = [
            _Sampler(
                self._want,
                symbols,
                side,
                function=function,
                widen=False,
                expected=expected,
                draws=FAR_DRAWS,
                settled=True,
                like=self._sampler,
            )
            for side in sides
        ]
        beyond = random.Random(int(hashlib.sha256(f"{seed}|far".encode()).hexdigest()[:16], 16))
        drawn = [side.draw(beyond, FAR) for side in self._far]
        self.far = [point for points in drawn for point in points]
        # A side where no point was found (ln x past −2) is not tried again for every answer.
        self._far = [side for side, points in zip(self._far, drawn, strict=True) if points]
        self._far_floats = self._floats(expected, self.far)
        seeded = random.Random(int(hashlib.sha256(seed.encode()).hexdigest()[:16], 16))
        self.seeded = self._sampler.draw(seeded, POINTS)
        self.samples = [p for p, _, _ in self.seeded]
        # Where the derivative's own float is trusted too, a float that differs from it is a
        # difference, with no re-check at higher precision.
        self._seeded_floats = self._floats(expected, self.seeded)
        self._mistakes: mistakes.Mistakes | None = None

    def mistakes(self, differentiation: Differentiation) -> mistakes.Mistakes:
        """The wrong derivatives of this function at its seeded points, made on first need."""
        if self._mistakes is None:
            self._mistakes = mistakes.Mistakes(differentiation, self.samples)
        return self._mistakes

    def _floats(self, expr: sp.Expr, points: list[Sample]) -> list[float | None]:
        # A point's coordinates are in the order of the symbols (the sampler zips them).
        return floats.values(expr, self.symbols, [list(p.values()) for p, _, _ in points])

    def compare(self, given: sp.Expr, *, exact: bool = True) -> Comparison:
        if len(self.seeded) < POINTS:
            return Comparison(UNDECIDED, None, len(self.seeded), self.samples)
        got = _Answer(given, self.symbols)
        recheck = _Recheck(self.expected, given, self.symbols)
        witness = _witness(got, self._want, recheck, self.seeded, self._seeded_floats)
        if witness is None and self.far:  # a witness in the domain first: it teaches more
            witness = _witness(got, self._want, recheck, self.far, self._far_floats, far=True)
        near = None
        if witness is None:
            chance = secrets.SystemRandom()
            near_fresh = self._sampler.draw(chance, FRESH)
            far = [point for side in self._far for point in side.draw(chance, FAR_FRESH)]
            fresh = near_fresh + far
            witness = _witness(
                got, self._want, recheck, near_fresh, self._floats(self.expected, near_fresh)
            ) or _witness(got, self._want, recheck, far, self._floats(self.expected, far), far=True)
            if witness is None and exact:
                witness, near = _inexact(got, self._want, recheck, self.seeded[0])
            if witness is None:
                fixed = self.seeded + self.far
                count = len(fixed) + len(fresh)
                span = _span(fixed)  # the seeded ones: a verdict says the same on every run
                return Comparison(CORRECT, None, count, self.samples, span=span, fixed=len(fixed))
        others = [p for p in self.samples if p is not witness.point]
        points = [witness.point, *others]
        return Comparison(INCORRECT, witness, len(self.seeded), points, near)


class _Answer:
    """The student's answer at points: in floats where their rounding error is known to be
    small (almost always), else compiled for mpmath, once, on first need."""

    def __init__(self, given: sp.Expr, symbols: list[sp.Symbol]) -> None:
        self._given, self._symbols = given, symbols
        self._compiled: Compiled | None = None

    def floats(self, points: list[Sample]) -> list[float | None]:
        return floats.values(self._given, self._symbols, [list(p.values()) for p, _, _ in points])

    @property
    def compiled(self) -> Compiled:
        if self._compiled is None:
            self._compiled = Compiled(self._given, self._symbols, DIGITS)
        return self._compiled


def _witness(
    got: _Answer,
    want: Compiled,
    recheck: _Recheck,
    points: list[Sample],
    want_floats: list[float | None],
    *,
    far: bool = False,
) -> Witness | None:
    """The most convincing point where the answer differs from the derivative, or None.
    ``far``: points past the domain, where only a difference that both floats settle counts:
    there values grow past what any precision settles (2x + e^(10⁴) − e^(10⁴) at x = 10)."""
    failures: list[tuple[float, bool, Witness]] = []
    for (point, exact, value), fast, want_fast in zip(
        points, got.floats(points), want_floats, strict=True
    ):
        if far and (fast is None or want_fast is None):
            continue  # past the domain, a point the floats do not settle says nothing
        answer = fast if fast is not None else got.compiled(list(point.values()), exact)
        if math.isinf(value) or (answer is not None and math.isinf(answer)):
            # Too large for a float: compare the values themselves, at 30 digits (e^(e^(10+x))
            # and twice it are both ∞ as floats, and must not agree for that).
            exact_want, exact_got = want.exact(exact), got.compiled.exact(exact)
            if exact_got is not None and exact_want is not None and close(exact_got, exact_want):
                continue
            failures.append((math.inf, True, Witness(point, value, _finite(answer))))
            continue
        if answer is not None and math.isfinite(answer) and close(answer, value):
            if (fast is not None and want_fast is not None) or recheck.agrees(point):
                continue
            # Agreement at 30 digits only: cancellation had hidden a difference there
            # ((cosh(u) − sinh(u))·e^u is 1, and is 0 at 30 digits for u > 70).
            answer = None
        error = math.inf if answer is None or not math.isfinite(answer) else abs(answer - value)
        # Both floats trusted: the difference is real, whatever the precision.
        settled = fast is not None and want_fast is not None
        failures.append(
            (error / max(abs(value), ABSOLUTE), settled, Witness(point, value, _finite(answer)))
        )
    # The most convincing failure first; a difference at 30 digits may be cancellation, so it
    # must survive the re-check at 90 before the answer is called wrong.
    failures.sort(key=lambda f: f[0], reverse=True)
    confirmed = (
        w for _, settled, w in failures if settled or math.isinf(w.expected) or recheck.differs(w)
    )
    return next(confirmed, None)


def _inexact(
    got: _Answer, want: Compiled, recheck: _Recheck, sample: Sample
) -> tuple[Witness | None, float | None]:
    """An answer within RELATIVE of the derivative at every point, but not equal to it at the
    first seeded one (2x + 1e-9): there, the witness and the difference. Exact forms agree to
    EXACT at 30 digits; where they do not, 90 digits decide, as cancellation may have taken
    the derivative's."""
    point, exact, value = sample
    # Both compiled at 30 digits: the derivative's once for every answer; the answer's costs a
    # millisecond, where evalf costs from a fifth of that on x² to ten times it on a long one.
    a, b = want.exact(exact), got.compiled.exact(exact)
    if a is None or b is None or equal(a, b) or recheck.equal(point):
        return None, None
    return Witness(point, value, float(b)), float(b - a)


def equal(a: Any, b: Any) -> bool:
    """Equal as far as the grader can see: within EXACT of each other, or both below
    EXACT_ABSOLUTE (30 digits tell 2x from 2x + 1e-21)."""
    return bool(abs(a - b) <= max(EXACT_ABSOLUTE, EXACT * max(abs(a), abs(b))))


class _Sampler:
    """Points where the derivative (and the function) is real and finite, drawn from a
    generator: the seeded one, for a witness that is the same on every run, or the system's."""

    def __init__(
        self,
        want: Compiled,
        symbols: list[sp.Symbol],
        domain: tuple[float, float],
        *,
        function: sp.Expr | None,
        widen: bool,
        expected: sp.Expr | None = None,
        draws: int = DRAWS,
        settled: bool = False,
        like: _Sampler | None = None,
    ) -> None:
        self._want = want
        self._draws = draws
        # Points past the domain need only be where floats settle the derivative: a difference
        # counts there only if they settle the answer too, so no point is worked out in mpmath.
        self._settled = settled
        self._symbols = symbols
        self._domain = domain
        self._widen = widen
        self._defined: _FloatAt | None
        self._corners: list[_FloatAt]
        if like is not None:  # the same function: its float form is compiled once, not thrice
            self._defined, self._corners = like._defined, like._corners
        else:
            self._defined = None if function is None else _FloatAt(function, symbols)
            self._corners = [] if function is None else _corners(function, symbols)
        self._expected = expected

    def draw(self, rng: random.Random, count: int) -> list[Sample]:
        """Up to ``count`` (point, exact coordinates, derivative there), the first that qualify
        of DRAWS tries. The derivative's value is its float wherever that is trusted (when
        the sampler was given the expression), else mpmath's. Candidates are judged a batch at
        a time (one walk of each expression for the batch); the points taken are the same as
        one at a time."""
        points: list[Sample] = []
        if count <= 0:
            return points
        candidates = self._candidates(rng)
        while len(points) < count:
            batch = list(itertools.islice(candidates, max(8, 2 * (count - len(points)))))
            if not batch:
                break
            for coordinates, value in zip(batch, self._judged(batch), strict=True):
                if value is None:
                    continue
                exact = [mpmath.mpf(v) for v in coordinates]  # the float itself, exactly
                points.append((dict(zip(self._symbols, coordinates, strict=True)), exact, value))
                if len(points) >= count:
                    break
        return points

    def _candidates(self, rng: random.Random) -> Iterator[list[float]]:
        """DRAWS points from rng, none twice; the interval doubles every WIDEN_EVERY draws
        when widening is allowed."""
        low, high = self._domain
        seen: set[tuple[float, ...]] = set()
        for draw in range(self._draws):
            if self._widen and draw and draw % WIDEN_EVERY == 0:
                centre, half = (low + high) / 2, (high - low)
                low, high = centre - half, centre + half
            # Full-precision coordinates: rounded ones (0.73) make sin(10^k·π·x) vanish at
            # every point. Only the display rounds.
            coordinates = [rng.uniform(low, high) + 0.0 for _ in self._symbols]
            key = tuple(coordinates)
            if key not in seen:
                seen.add(key)
                yield coordinates

    def _judged(self, batch: list[list[float]]) -> list[float | None]:
        """The derivative at each candidate, or None where the point does not qualify: the
        function undefined, a corner, or the derivative undefined there."""
        defined = [
            (self._defined is None or self._defined(c) is not None)
            and not any(corner(c) == 0 for corner in self._corners)
            for c in batch
        ]
        trusted: list[float | None] = [None] * len(batch)
        if self._expected is not None:
            trusted = floats.values(self._expected, self._symbols, batch)
        return [
            None
            if not ok
            else value
            if value is not None or self._settled
            else self._want(c, [mpmath.mpf(v) for v in c])
            for c, ok, value in zip(batch, defined, trusted, strict=True)
        ]


def _corners(function: sp.Expr, symbols: list[sp.Symbol]) -> list[_FloatAt]:
    """The arguments of |u|, relu(u), sign(u) and H(u): where one is 0, there is no derivative."""
    from derivtutor.language.functions import relu

    return [
        _FloatAt(call.args[0], symbols)
        for call in function.atoms(sp.Abs, sp.sign, sp.Heaviside, relu)
    ]


class _FloatAt:
    """expr in double precision at a point: the float pass where it is trusted, else the
    compiled form (made on first need). None where undefined; ±inf past a float."""

    def __init__(self, expr: sp.Expr, symbols: list[sp.Symbol]) -> None:
        self._expr, self._symbols = expr, symbols
        self._compiled: Any = None

    def __call__(self, coordinates: list[float]) -> float | None:
        (value,) = floats.values(self._expr, self._symbols, [coordinates])
        if value is not None:
            return value
        if self._compiled is None:
            self._compiled = float_function(self._expr, self._symbols)
        result: float | None = self._compiled(coordinates)
        return result


def close(a: Any, b: Any) -> bool:
    """Within RELATIVE of the values at this point, or within ABSOLUTE of each other near 0.
    Per point: a tolerance taken from the largest value anywhere would let a missing term
    pass wherever the derivative is small (x¹⁰⁰ + sin(x) against 100x⁹⁹)."""
    return bool(abs(a - b) <= max(ABSOLUTE, RELATIVE * max(abs(a), abs(b))))


class _Recheck:
    """The same comparison at 90 digits, compiled only if some point needs it."""

    def __init__(self, expected: sp.Expr, given: sp.Expr, symbols: list[sp.Symbol]) -> None:
        self._args = expected, given, symbols
        self._compiled: tuple[Compiled, Compiled] | None = None

    def agrees(self, point: dict[sp.Symbol, float]) -> bool:
        """Both sides have every digit known by SymPy's adaptive evalf, and agree; or evalf
        cannot have them (then the 30-digit agreement stands, as nothing better is known).
        Asked only where a side's float was not trusted: a rare point, a millisecond."""
        expected, given, symbols = self._args
        a, b = (_adaptive(e, symbols, point) for e in (expected, given))
        return a is None or b is None or close(b, a)

    def _at(self, point: dict[sp.Symbol, float]) -> tuple[Any, Any]:
        """Both sides at 90 digits."""
        expected, given, symbols = self._args
        if self._compiled is None:
            self._compiled = (
                Compiled(expected, symbols, RECHECK_DIGITS),
                Compiled(given, symbols, RECHECK_DIGITS),
            )
        exact = [mpmath.mpf(point[v]) for v in symbols]  # the same point, exactly
        a, b = (compiled.exact(exact) for compiled in self._compiled)
        return a, b

    def equal(self, point: dict[sp.Symbol, float]) -> bool:
        """Equal to EXACT at 90 digits, or by SymPy's adaptive evalf of the answer."""
        a, b = self._at(point)
        if a is not None and b is not None and equal(a, b):
            return True
        expected, given, symbols = self._args
        b = _adaptive(given, symbols, point)
        return a is not None and b is not None and equal(a, b)

    def differs(self, witness: Witness) -> bool:
        """The difference at the witness stands at 90 digits and by evalf."""
        expected, given, symbols = self._args
        a, b = self._at(witness.point)
        if a is not None and b is not None and close(b, a):
            return False
        # Still apart: a term may be lost beside a huge one that cancels (2x + e^(1000x) −
        # e^(1000x) is 0 at any fixed precision near x = 2). SymPy's evalf raises its working
        # precision until each sum is known to DIGITS, so it has the last word.
        # The answer's value only: the derivative is our own tidied form, whose 90-digit value
        # stands (an evalf costs about a millisecond, and every wrong answer comes here).
        b = _adaptive(given, symbols, witness.point)
        return not (a is not None and b is not None and close(b, a))


def _adaptive(expr: sp.Expr, symbols: list[sp.Symbol], point: dict[sp.Symbol, float]) -> Any:
    """expr at point, every digit of it known (None where that cannot be had)."""
    subs = {v: sp.Float(point[v], RECHECK_DIGITS) for v in symbols}
    try:
        value = expr.evalf(DIGITS, subs=subs, maxn=MAX_WORKING_DIGITS)
        real, imaginary = value.as_real_imag()
        if not (real.is_Float or real.is_zero) or (imaginary != 0 and abs(imaginary) > ABSOLUTE):
            return None
        if not real.is_Float:
            return mpmath.mpf(0)
        with mpmath.workdps(RECHECK_DIGITS):  # every digit evalf found, not the first 15
            return mpmath.mpf(str(real))
    except (ArithmeticError, ValueError, TypeError, RecursionError):
        return None


@dataclass(frozen=True, repr=False)
class GradientVerdict(Notebook):
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

    def summary(self) -> str:
        names = ", ".join(v.name for v in self.variables)
        return f"{self.verdict}: the gradient of {self.function_text} by ({names})"


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
