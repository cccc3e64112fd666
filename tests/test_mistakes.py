"""mistakes.diagnose: each of the 16 mistake ids is named, on several functions (including nested
ones, where the mistake is made in one chain link only), at the sub-expression where it was made.
Where several ids fit, the most specific is reported and the generic ones are listed in `also`."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
import sympy as sp

from derivtutor.engine.steps import Substitution
from derivtutor.grading.mistakes import KINDS, MISTAKES, Mistake
from derivtutor.grading.verdict import INCORRECT, Verdict, check
from derivtutor.language.parse import parse

GENERIC = ("missing_chain_factor", "sign_flipped", "constant_factor")
# Slips of the whole answer, ranked after the missing chain factor (which they often mimic).
WHOLE_ANSWER = ("not_differentiated", "integrated")


def _case(
    mistake: str,
    function: str,
    answer: str,
    where: str | tuple[str, ...],
    *,
    wrt: str | None = None,
    domain: str | None = None,
    ambiguous: bool = False,
) -> Any:
    """where: the sub-expression (as a student types it) where the mistake is made; a tuple
    when the answer is ambiguous by nature between several nodes. ambiguous: the answer also
    fits a more specific id, so `mistake` may be reported or only be listed in `also`."""
    wheres = (where,) if isinstance(where, str) else where
    return pytest.param(
        mistake,
        function,
        answer,
        wheres,
        wrt,
        domain,
        ambiguous,
        id=f"{mistake}: {function} -> {answer}",
    )


def _same(a: sp.Expr, b: sp.Expr) -> bool:
    return bool(a.doit() == b.doit() or sp.srepr(a.doit()) == sp.srepr(b.doit()))


CASES = [
    # --- product_of_derivatives: (fg)' written f'g' ---
    _case("product_of_derivatives", "x e^x", "e^x", "x e^x"),
    _case("product_of_derivatives", "x^2 sin(x)", "2x cos(x)", "x^2 sin(x)"),
    _case("product_of_derivatives", "(x-1)(x+2)", "1", "(x-1)(x+2)"),
    # nested: the product is the inner function of a chain, whose own link is right
    _case("product_of_derivatives", "sin(x cos(x))", "-sin(x) cos(x cos(x))", "x cos(x)"),
    _case("product_of_derivatives", "exp(x^2 sin(x))", "2x cos(x) exp(x^2 sin(x))", "x^2 sin(x)"),
    # --- product_rule_sign: f'g − fg' ---
    # (flipping the sign of g' alone gives the same answer, so sign_flipped is always in also)
    _case("product_rule_sign", "x^2 (x+1)", "2x(x+1) - x^2", "x^2 (x+1)"),
    _case("product_rule_sign", "x ln(x)", "ln(x) - 1", "x ln(x)"),
    _case("product_rule_sign", "sin(x e^x)", "cos(x e^x)(e^x - x e^x)", "x e^x"),
    # ambiguous by nature with trig_sign (d/dx sin = −cos gives the same): still reported first
    _case("product_rule_sign", "e^x sin(x)", "e^x sin(x) - e^x cos(x)", "e^x sin(x)"),
    # --- quotient_rule_sign: the numerator's order reversed, or + for − ---
    _case("quotient_rule_sign", "x/(x+1)", "-1/(x+1)^2", "x/(x+1)"),
    _case("quotient_rule_sign", "sin(x)/x", "(sin(x) - x cos(x))/x^2", "sin(x)/x"),
    _case(
        "quotient_rule_sign",
        "(x^2+1)/(x-1)",
        "(2x(x-1) + (x^2+1))/(x-1)^2",
        "(x^2+1)/(x-1)",
    ),
    _case("quotient_rule_sign", "exp(x/(x+1))", "-exp(x/(x+1))/(x+1)^2", "x/(x+1)"),
    # --- quotient_denominator_not_squared ---
    _case("quotient_denominator_not_squared", "x/(x+1)", "1/(x+1)", "x/(x+1)"),
    _case("quotient_denominator_not_squared", "sin(x)/x", "(x cos(x) - sin(x))/x", "sin(x)/x"),
    _case("quotient_denominator_not_squared", "(1+x)/(1-x)", "2/(1-x)", "(1+x)/(1-x)"),
    _case("quotient_denominator_not_squared", "sin(x/(x+1))", "cos(x/(x+1))/(x+1)", "x/(x+1)"),
    # --- quotient_of_derivatives: (f/g)' written f'/g' ---
    _case("quotient_of_derivatives", "x/(x+1)", "1", "x/(x+1)"),
    _case("quotient_of_derivatives", "sin(x)/x", "cos(x)", "sin(x)/x"),
    _case("quotient_of_derivatives", "(x^2+1)/(x-1)", "2x", "(x^2+1)/(x-1)"),
    _case("quotient_of_derivatives", "exp(x^2/(x+1))", "2x exp(x^2/(x+1))", "x^2/(x+1)"),
    # --- power_rule_on_exponential: d/dx a^x written x a^(x−1) ---
    _case("power_rule_on_exponential", "exp(x)", "x e^(x-1)", "exp(x)"),
    _case("power_rule_on_exponential", "2^x", "x*2^(x-1)", "2^x"),
    _case("power_rule_on_exponential", "10^x", "x*10^(x-1)", "10^x"),
    _case("power_rule_on_exponential", "x^y", "y x^(y-1)", "x^y", wrt="y"),
    _case("power_rule_on_exponential", "sin(2^x)", "x*2^(x-1) cos(2^x)", "2^x"),
    _case("power_rule_on_exponential", "e^(x^2)", "2x^3 e^(x^2-1)", "e^(x^2)"),
    # --- exp_power_rule: d/dx x^n written x^n ln(x) ---
    _case("exp_power_rule", "x^3", "x^3 ln(x)", "x^3"),
    _case("exp_power_rule", "x^2", "x^2 ln(x)", "x^2"),
    _case("exp_power_rule", "sin(x^3)", "x^3 ln(x) cos(x^3)", "x^3"),
    _case("exp_power_rule", "(x^2+1)^3", "2x (x^2+1)^3 ln(x^2+1)", "(x^2+1)^3"),
    # --- log_missing_inner: d/dx ln(u) written 1/u ---
    _case("log_missing_inner", "ln(x^2+1)", "1/(x^2+1)", "ln(x^2+1)"),
    _case("log_missing_inner", "ln(sin(x))", "1/sin(x)", "ln(sin(x))", domain="0.2:3"),
    _case("log_missing_inner", "ln(1+exp(x))", "1/(1+exp(x))", "ln(1+exp(x))"),
    _case("log_missing_inner", "sin(ln(x^2+1))", "cos(ln(x^2+1))/(x^2+1)", "ln(x^2+1)"),
    _case("log_missing_inner", "ln(x^2 + y^2)", "1/(x^2+y^2)", "ln(x^2+y^2)", wrt="x"),
    # --- trig_sign: d/dx sin = −cos, d/dx cos = sin, and so on ---
    _case("trig_sign", "sin(x)", "-cos(x)", "sin(x)"),
    _case("trig_sign", "tan(x)", "-sec(x)^2", "tan(x)", domain="-1.2:1.2"),
    _case("trig_sign", "ln(cos(x))", "tan(x)", "cos(x)", domain="-1:1"),
    _case("trig_sign", "exp(cos(x^2))", "2x sin(x^2) exp(cos(x^2))", "cos(x^2)"),
    # ambiguous by nature: either sign (of sin' or of cos') flipped gives this answer
    _case(
        "trig_sign",
        "sin(cos(x^2))",
        "2x sin(x^2) cos(cos(x^2))",
        ("sin(cos(x^2))", "cos(x^2)"),
    ),
    # ambiguous by nature: sin(x) is also the integral of cos(x); trig_sign is reported
    _case("trig_sign", "cos(x)", "sin(x)", "cos(x)"),
    # --- tanh_sign: d/dx tanh written 1 + tanh² ---
    _case("tanh_sign", "tanh(x)", "1 + tanh(x)^2", "tanh(x)"),
    _case("tanh_sign", "tanh(2x)", "2 + 2 tanh(2x)^2", "tanh(2x)"),
    _case("tanh_sign", "x tanh(x)", "tanh(x) + x(1 + tanh(x)^2)", "tanh(x)"),
    _case("tanh_sign", "sin(tanh(x))", "(1 + tanh(x)^2) cos(tanh(x))", "tanh(x)"),
    _case("tanh_sign", "tanh(x^2)", "2x (1 + tanh(x^2)^2)", "tanh(x^2)"),
    # --- power_not_decremented: d/dx x^n written n x^n ---
    _case("power_not_decremented", "x^2", "2x^2", "x^2"),
    _case("power_not_decremented", "x^4", "4x^4", "x^4"),
    _case("power_not_decremented", "sqrt(x)", "sqrt(x)/2", "sqrt(x)"),
    _case("power_not_decremented", "(x+1)^2", "2(x+1)^2", "(x+1)^2"),
    _case("power_not_decremented", "sin(x^3)", "3x^3 cos(x^3)", "x^3"),
    # --- sign_flipped: generic, reported when no rule's own id fits ---
    _case("sign_flipped", "asin(x)", "-1/sqrt(1-x^2)", "asin(x)", domain="-0.9:0.9"),
    _case("sign_flipped", "sinh(x)", "-cosh(x)", "sinh(x)"),
    _case("sign_flipped", "sin(x) + cosh(x)", "cos(x) - sinh(x)", "cosh(x)"),
    _case("sign_flipped", "x^2 + atan(x)", "2x - 1/(1+x^2)", "atan(x)"),
    _case("sign_flipped", "sin(x^2 + cosh(x))", "(2x - sinh(x)) cos(x^2 + cosh(x))", "cosh(x)"),
    _case("sign_flipped", "x^3 - 2x", "3x^2 + 2", "-2x"),
    # --- constant_factor: generic ---
    _case("constant_factor", "5x^4", "4x^3", "5x^4"),
    _case("constant_factor", "pi x", "1", "pi x"),
    _case("constant_factor", "3 sin(x)", "cos(x)", "3 sin(x)"),
    _case("constant_factor", "x^2", "x", "x^2"),
    _case("constant_factor", "sin(3x^2)", "2x cos(3x^2)", "3x^2"),
    # --- not_differentiated: the answer is the function ---
    _case("not_differentiated", "x^2", "x^2", "x^2"),
    _case("not_differentiated", "sin(x)", "sin(x)", "sin(x)"),
    _case("not_differentiated", "2^x", "2^x", "2^x"),
    _case("not_differentiated", "x e^x", "x e^x", "x e^x"),
    _case("not_differentiated", "ln(x)", "ln(x)", "ln(x)"),
    # ambiguous by nature: e^u with its chain factor dropped is e^u again; the forgotten chain
    # factor is the likelier slip, so it is reported and not_differentiated goes in `also`
    _case("missing_chain_factor", "exp(sin(x))", "exp(sin(x))", "exp(sin(x))"),
    # --- integrated: d/dx(answer) is the function ---
    _case("integrated", "x^2", "x^3/3", "x^2"),
    _case("integrated", "2^x", "2^x/ln(2)", "2^x"),
    _case("integrated", "log(x)", "x ln(x) - x", "log(x)"),
    _case("integrated", "1/x", "ln(x)", "1/x"),
    _case("integrated", "2x cos(x^2)", "sin(x^2)", "2x cos(x^2)"),
    _case("integrated", "x e^x", "x e^x - e^x", "x e^x"),
    # ambiguous by nature: −cos(x) is also sin' with the sign wrong; trig_sign is reported
    _case("integrated", "sin(x)", "-cos(x)", "sin(x)", ambiguous=True),
    # --- missing_chain_factor: generic ---
    _case("missing_chain_factor", "sin(x^2)", "cos(x^2)", "sin(x^2)"),
    _case("missing_chain_factor", "(x^2+1)^3", "3(x^2+1)^2", "(x^2+1)^3"),
    _case("missing_chain_factor", "sqrt(x^2+1)", "1/(2 sqrt(x^2+1))", "sqrt(x^2+1)"),
    _case("missing_chain_factor", "sigmoid(x^2)", "sigmoid(x^2)(1 - sigmoid(x^2))", "sigmoid(x^2)"),
    # nested: only one of several chain links is missing its factor
    _case("missing_chain_factor", "sin(cos(x^2))", "-sin(x^2) cos(cos(x^2))", "cos(x^2)"),
    _case("missing_chain_factor", "sin(cos(x^2))", "cos(cos(x^2))", "sin(cos(x^2))"),
    _case("missing_chain_factor", "exp(sin(x^2))", "cos(x^2) exp(sin(x^2))", "sin(x^2)"),
    _case("missing_chain_factor", "sin(x y)", "cos(x y)", "sin(x y)", wrt="x"),
]


def _diagnosed(function: str, answer: str, wrt: str | None, domain: str | None) -> Verdict:
    verdict = check(function, answer, wrt=wrt, domain=domain)
    assert verdict.verdict == INCORRECT
    assert verdict.witness is not None
    assert verdict.diagnosis is not None, "no mistake found"
    return verdict


@pytest.mark.parametrize(
    ("mistake", "function", "answer", "wheres", "wrt", "domain", "ambiguous"), CASES
)
def test_the_mistake_is_named_where_it_was_made(
    mistake: str,
    function: str,
    answer: str,
    wheres: tuple[str, ...],
    wrt: str | None,
    domain: str | None,
    ambiguous: bool,
) -> None:
    diagnosis = _diagnosed(function, answer, wrt, domain).diagnosis
    assert diagnosis is not None
    if ambiguous:
        assert mistake == diagnosis.mistake or mistake in diagnosis.also
    else:
        assert diagnosis.mistake == mistake, (diagnosis.mistake, diagnosis.also)
        assert any(_same(diagnosis.where, parse(w)) for w in wheres), diagnosis.where
    # The node is stated in the function's own variables: no u₁ the student never wrote.
    assert not any(isinstance(s, Substitution) for s in diagnosis.where.free_symbols)
    assert diagnosis.where.free_symbols <= parse(function).free_symbols


def test_every_mistake_id_has_at_least_three_cases_on_different_functions() -> None:
    functions: dict[str, set[str]] = {}
    for case in CASES:
        mistake, function, *_ = case.values
        functions.setdefault(mistake, set()).add(function)
    assert set(functions) == set(MISTAKES)
    assert all(len(f) >= 3 for f in functions.values()), functions
    assert len(MISTAKES) == 16 and len(set(MISTAKES)) == 16


# --- priority: the most specific id first, the generic ones in `also` ------------------------


@pytest.mark.parametrize(
    ("function", "answer", "mistake", "also"),
    [
        ("(2x+1)^3", "3(2x+1)^2", "missing_chain_factor", {"constant_factor"}),
        ("ln(2x)", "1/(2x)", "log_missing_inner", {"missing_chain_factor", "constant_factor"}),
        ("sin(x)", "-cos(x)", "trig_sign", {"sign_flipped", "integrated"}),
        ("sin(2x)", "-2cos(2x)", "trig_sign", {"sign_flipped"}),
        ("e^x sin(x)", "e^x sin(x) - e^x cos(x)", "product_rule_sign", {"trig_sign"}),
        ("x/(x+1)", "-1/(x+1)^2", "quotient_rule_sign", {"sign_flipped"}),
        (
            "1/(1+exp(-x))",
            "-exp(-x)/(1+exp(-x))^2",
            # By the power form (1 + e^(−x))⁻¹, the sign lost is e^(−x)'s chain factor.
            "missing_chain_factor",
            {"sign_flipped", "constant_factor"},
        ),
        ("exp(2x)", "e^(2x)", "missing_chain_factor", {"not_differentiated", "constant_factor"}),
        ("x e^x", "x e^x - e^x", "integrated", {"sign_flipped"}),
    ],
)
def test_the_most_specific_mistake_is_reported_and_the_others_listed(
    function: str, answer: str, mistake: str, also: set[str]
) -> None:
    diagnosis = _diagnosed(function, answer, None, None).diagnosis
    assert diagnosis is not None
    assert diagnosis.mistake == mistake
    assert also <= set(diagnosis.also)
    assert mistake not in diagnosis.also


@pytest.mark.parametrize(
    ("mistake", "function", "answer", "wheres", "wrt", "domain", "ambiguous"), CASES
)
def test_also_is_in_vocabulary_order_after_the_reported_mistake(
    mistake: str,
    function: str,
    answer: str,
    wheres: tuple[str, ...],
    wrt: str | None,
    domain: str | None,
    ambiguous: bool,
) -> None:
    diagnosis = _diagnosed(function, answer, wrt, domain).diagnosis
    assert diagnosis is not None
    ranks = [MISTAKES.index(m) for m in (diagnosis.mistake, *diagnosis.also)]
    assert ranks == sorted(ranks) and len(set(ranks)) == len(ranks)
    if diagnosis.mistake in GENERIC:
        # A generic id is reported only when no rule's own id fits.
        assert all(m in GENERIC or m in WHOLE_ANSWER for m in diagnosis.also)


# --- wrong answers no mistake explains ----------------------------------------------------------


@pytest.mark.parametrize(
    ("function", "answer"),
    [
        ("x^2", "2x + 1"),
        ("x^2", "2*abs(x)"),
        ("sin(x^2)", "cos(2x)"),
        ("x sin(x)", "x cos(x)"),
        ("abs(x)", "1"),
        ("tan(x)", "sec(x)"),
        ("atan(2x)", "2/(1+2x^2)"),
        ("1/(x^2+1)", "1/(2x)"),
        ("sigmoid(x)", "sigmoid(x)(1 + sigmoid(x))"),
    ],
)
def test_an_unexplained_wrong_answer_has_no_diagnosis_but_a_witness(
    function: str, answer: str
) -> None:
    verdict = check(function, answer)
    assert verdict.verdict == INCORRECT
    assert verdict.diagnosis is None
    assert verdict.witness is not None
    data = verdict.to_dict()
    assert (data["mistake"], data["where"], data["also"]) == (None, None, [])
    assert "Likely mistake" not in data["message"]


def test_a_correct_answer_is_not_diagnosed() -> None:
    assert check("sin(x^2)", "2x cos(x^2)").diagnosis is None


# --- what the student reads ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("function", "answer", "sentence"),
    [
        ("sin(x^2)", "cos(x^2)", "in sin(x²): the chain factor 2x is missing"),
        ("sin(cos(x^2))", "-sin(x^2) cos(cos(x^2))", "in cos(x²): the chain factor 2x is missing"),
        ("ln(x^2+1)", "1/(x^2+1)", "in ln(x² + 1): d/dx ln(u) = (du/dx)/u"),
        ("(x+1)^2", "2(x+1)^2", "in (x + 1)²: the power rule lowers the exponent"),
        ("sin(x^2)", "-2x cos(x^2)", "in sin(x²): the sign is wrong: the derivative is 2x·cos(x²)"),
        ("tanh(2x)", "2 + 2 tanh(2x)^2", "in tanh(2x): d/dx tanh(x) = 1 − tanh²(x)"),
    ],
)
def test_the_message_names_the_node_in_the_students_own_terms(
    function: str, answer: str, sentence: str
) -> None:
    data = check(function, answer).to_dict()
    assert sentence in data["message"]
    assert "u₁" not in data["message"] and "u1" not in data["where"]


def test_mistakes_are_counted_once_per_id() -> None:
    diagnosis = _diagnosed("1/(1+exp(-x))", "-exp(-x)/(1+exp(-x))^2", None, None).diagnosis
    assert diagnosis is not None
    assert max(Counter((diagnosis.mistake, *diagnosis.also)).values()) == 1


# --- the mistakes as classes: one class per id, its docstring the lesson ----------------------


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.id)
def test_each_mistake_class_names_its_own_example(kind: type[Mistake]) -> None:
    verdict = check(*kind.example)
    assert verdict.diagnosis is not None and verdict.diagnosis.mistake == kind.id


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.id)
def test_each_mistake_teaches_with_its_docstring(kind: type[Mistake]) -> None:
    lesson = kind.lesson()
    assert lesson == " ".join((kind.__doc__ or "").split()) and lesson.endswith(".")
    # A lesson that states the derivative has a version that keeps it back, for a retry.
    assert ("{correct}" in lesson) == (kind.withheld is not None)


def test_a_lesson_that_states_the_derivative_needs_a_withheld_form() -> None:
    with pytest.raises(TypeError, match="withheld"):

        class Careless(Mistake):  # noqa: F841 - defining it is the test
            """the derivative is {correct}."""


def test_the_class_order_is_the_specificity_order() -> None:
    assert MISTAKES == tuple(k.id for k in KINDS)
    generic = ["missing_chain_factor", "not_differentiated", "integrated"]
    assert list(MISTAKES[-5:]) == [*generic, "sign_flipped", "constant_factor"]
