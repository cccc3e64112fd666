"""No printed equation is ever false.

A step tree being true is not enough: what the renderer prints must be true too. Every chain
``A = B = C`` that a derivation prints, in its steps and in its result, is read back through the
project's own parser from the printed text and checked at random points: a missing bracket
(``a + b · d/dx [sin(x)]``) reads back as another expression and fails. Each derivative operator
``d/dx [u]`` stands for its value, and each substitution ``u₁ = ...`` is recorded so that a line
about u₁ is checked in terms of x.

Text and ASCII are read back (Rich prints the text writer's strings, and the JSON explanation is
the text writer's line). LaTeX and Markdown print the same segments with the same ``grouped``
flags, and are checked by their own cases below.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
import sympy as sp
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from test_derive import _NON_FINITE, expressions
from trees import assert_equal_at_random_points

from derivtutor.calculus.differentiation import Differentiation, differentiate, partial
from derivtutor.language.parse import parse, variable
from derivtutor.practice.bank import load_bank
from derivtutor.practice.problem import Problem
from derivtutor.render import explain as ex
from derivtutor.render import summary
from derivtutor.render.formats.text import TextWriter

x, a, b = variable("x"), variable("a"), variable("b")

# A string between maths that is maths too: operators, brackets, numbers, '='. Anything else
# (a rule's name, "so", "f'") is prose, which ends a chain.
GLUE = re.compile(r"[\s·*+−\-/()=0-9.^]*")
OPEN = ("·", "*", "+", "−", "-", "/", "(", "^")
SUBSTITUTION = re.compile(r"u\d+")
STEP = re.compile(r"\bH\(")


def canon(expr: sp.Expr) -> sp.Expr:
    """expr over the parser's symbols (the engine's u₁ and the parser's are one name)."""
    return expr.xreplace({s: variable(s.name) for s in expr.free_symbols})


class Reader:
    """Reads the chains of one derivation's printed lines back, remembering its substitutions."""

    def __init__(
        self,
        writer: TextWriter,
        function: sp.Expr | None = None,
        bracket: Callable[[list[ex.Segment]], list[ex.Segment]] = ex.bracketed,
    ) -> None:
        self.writer = writer
        # Compared only where the function is real: arcosh'(x) = 1/√(x² − 1) holds for x > 1.
        self.function = None if function is None else canon(function)
        self.bracket = bracket
        self.substitutions: dict[sp.Symbol, sp.Expr] = {}
        self.values: dict[sp.Symbol, sp.Expr] = {}
        self.checked = 0

    def in_x(self, expr: sp.Expr) -> sp.Expr:
        for _ in range(8):  # u₂ may be defined in terms of u₁
            expr = expr.subs(self.substitutions)
        return expr

    def placeholder(self, value: sp.Expr) -> str:
        name = f"q{900 + len(self.values)}"
        self.values[variable(name)] = value
        return name

    def piece(self, seg: ex.Segment) -> str | None:
        """The text a segment reads as, or None where it ends a chain."""
        if isinstance(seg, str):
            return seg if GLUE.fullmatch(seg) else None
        if isinstance(seg, ex.Math):
            if isinstance(seg.expr, sp.core.relational.Relational):
                return None
            return self.writer.segment(seg)
        if isinstance(seg, ex.D):
            # The expression inside the operator reads back to the one it stands for.
            inner = self.writer.segment(ex.Math(seg.expr, typed=True))
            expr, var = canon(seg.expr), variable(seg.var.name)
            self.same(parse(inner), expr, f"the inside of {self.writer.segment(seg)}")
            if SUBSTITUTION.fullmatch(var.name):
                value = self.in_x(sp.diff(expr.doit(), var, seg.order))
            else:
                value = sp.diff(self.in_x(expr).doit(), var, seg.order)
            return self.placeholder(value)
        u = variable(seg.u.name) if isinstance(seg, ex.Rate) else None
        if isinstance(seg, ex.Rate) and u in self.substitutions:
            return self.placeholder(sp.diff(self.in_x(u), variable(seg.var.name)))
        return None

    def line(self, segments: list[ex.Segment]) -> None:
        if any(isinstance(seg, str) and " ≠ 0" in seg for seg in segments):
            # "u/|u| = sign(u), for u ≠ 0" holds only off that point, which a reader sampling
            # through u = relu(x) would hit: such a line is claimed with its condition.
            return
        text = ""
        cut = False  # the chain began just after prose that ends in an operator ("= y · ")
        # As every writer prints a line: through explain.bracketed.
        for seg in [*self.bracket(segments), None]:
            piece = None if seg is None else self.piece(seg)
            if piece is None:
                prose = seg if isinstance(seg, str) else ""
                self.chain(text, cut_before=cut, cut_after=prose.strip().startswith(OPEN))
                text, cut = "", prose.strip().endswith(OPEN)
            else:
                text += piece

    def chain(self, text: str, *, cut_before: bool = False, cut_after: bool = False) -> None:
        sides = [side.strip() for side in text.split("=")]
        if cut_before:
            sides = sides[1:]
        if cut_after:
            sides = sides[:-1]
        # Prose may open a bracket the maths sits in: "= 0  (b is held constant)".
        if sides and sides[-1].count("(") > sides[-1].count(")"):
            sides[-1] = sides[-1][: sides[-1].rfind("(")].strip()
        # A side cut by prose (the chain rule's "cos(u₁) · du₁/dx") is not a whole expression.
        if sides and (sides[0].startswith(("·", "*", "+", "/", "^")) or sides[0].endswith(OPEN)):
            sides = sides[1:]
        if sides and sides[-1].endswith(OPEN):
            sides = sides[:-1]
        sides = [side for side in sides if side]
        if len(sides) < 2:
            return
        # H(x) is the step function, as the derivation says where it prints it.
        read = [parse(STEP.sub("heaviside(", side)) for side in sides]
        defined = read[0]
        if isinstance(defined, sp.Symbol) and SUBSTITUTION.fullmatch(defined.name):
            self.substitutions[defined] = read[1]  # "with u₁ = x²" defines u₁
            return
        first = self.in_x(read[0].subs(self.values))
        for side, expr in zip(sides[1:], read[1:], strict=True):
            got = self.in_x(expr.subs(self.values))
            self.same(got, first, f"{sides[0]} = {side}")
        self.checked += 1

    def same(self, got: sp.Expr, expected: sp.Expr, what: str) -> None:
        try:
            assert_equal_at_random_points(
                canon(got), canon(expected), domain=self.function, seed=what, min_points=0
            )
        except AssertionError as err:
            raise AssertionError(f"printed as false: {what}\n{err}") from None


def read_back(result: Differentiation, *, ascii: bool = False) -> int:
    """Reads every printed chain of ``result`` back; returns how many were checked."""
    reader = Reader(TextWriter(ascii=ascii), result.expression)
    for section in summary.sections(result):
        if section.tree is not None:
            for line in ex.lines(section.tree):
                reader.line(line.segments)
        # The result's later forms continue its first line: "= σ(x)·(1 − σ(x))".
        reader.line([seg for line in section.result for seg in line])
    return reader.checked


# --- constant factors, inner functions and exponents that are sums, negatives, fractions -----

CONSTANTS = [
    "(a+b)",
    "(a-b)",
    "(-3)",
    "(1/2)",
    "(-1/2)",
    "(2/3)",
    "(a/b)",
    "a^2",
    "2^(1/2)",
    "(1-a)",
]
SHAPES = [
    "{c}*sin(x)",
    "sin(x)*{c}",
    "{c}*x^3",
    "{c}*exp(2x)",
    "sin({c}*x)",
    "exp({c}*x)",
    "x^{c}",
    "{c}^x",
    "ln({c}*x + 1)",
    "{c}*sin(x)/(1+x)",
    "1/({c}*x)",
]
BRACKET_CASES = [shape.format(c=c) for shape in SHAPES for c in CONSTANTS]


@pytest.mark.parametrize("text", BRACKET_CASES)
@pytest.mark.parametrize("ascii", [False, True], ids=["unicode", "ascii"])
def test_a_constant_factor_prints_true(text: str, ascii: bool) -> None:
    assert read_back(differentiate(text, wrt="x"), ascii=ascii) > 0


def test_the_reader_catches_a_missing_bracket() -> None:
    # The line as it was printed before explain.bracketed: the sum loses its brackets.
    reader = Reader(TextWriter(), bracket=list)
    with pytest.raises(AssertionError, match="printed as false"):
        reader.line(
            [ex.D(sp.sin(x) * (a + b), x), " = ", ex.Math(a + b), " · ", ex.D(sp.sin(x), x)]
        )


def test_the_reader_checks_a_true_line() -> None:
    reader = Reader(TextWriter())
    reader.line(
        [
            ex.D(sp.sin(x) * (a + b), x),
            " = ",
            ex.Math(a + b, grouped=True),
            " · ",
            ex.D(sp.sin(x), x),
        ]
    )
    assert reader.checked == 1


README = [
    "1/(1+exp(-x))",
    "x^2 sin(x)",
    "log(cos(x^2))",
    "-(y*log(sigmoid(w*x + b)) + (1 - y)*log(1 - sigmoid(w*x + b)))",
    "tanh(w x + b)",
    "sqrt(x^2 + 1)",
]


@pytest.mark.parametrize("text", README)
def test_the_readme_examples_print_true(text: str) -> None:
    wrt = "w" if "w" in text else "x"
    assert read_back(differentiate(text, wrt=wrt)) > 0


BANK = load_bank(None)


@pytest.mark.parametrize("problem", [p for p in BANK.problems if not p.shapes], ids=lambda p: p.id)
def test_every_bank_derivation_prints_true(problem: Problem) -> None:
    for wrt in problem.variables or (None,):
        read_back(differentiate(problem.function, wrt=wrt))


# 120 trees read back take about 25 s on a quiet 2-core machine: the 30 s hang guard is too
# close for a loaded one.
@pytest.mark.timeout(180)
@settings(deadline=None, max_examples=120)
@given(expressions, st.sampled_from([sp.Integer(1), a + b, -a, sp.Rational(1, 2), a / b]))
def test_random_derivations_print_true(expr: sp.Expr, factor: sp.Expr) -> None:
    assume(expr.has(x) and not expr.has(*_NON_FINITE))
    read_back(partial(factor * expr, x))


# Found by the property tests: a power of a power as typed, and H at a point where its argument
# is 0 for every x < 0 (so H(0) must be 0 in the tree as in print).
@pytest.mark.parametrize("text", ["((w)^2)^2/(1 + w^2)", "relu(relu(-1/x) + 1/x)"])
def test_found_by_the_property_tests(text: str) -> None:
    read_back(differentiate(text))
