"""Higher orders as textbooks ask them: any order up to 10,000, reached through the pattern of
the derivatives where they repeat (period 4 for sin and cos, a factor per order for e^(ax) and
a^x, zero past a polynomial's degree), and checked as answers (check --order, sheets, the bank).
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest
import sympy as sp
from invoke import fails, ok

from derivtutor.calculus.differentiation import MAX_FULL_ORDER, differentiate
from derivtutor.errors import UsageError
from derivtutor.grading.verdict import CORRECT, INCORRECT, check
from derivtutor.language.notation import Notation
from derivtutor.practice.bank import load_bank
from derivtutor.practice.problem import verify_problem
from derivtutor.practice.sheet import check_sheet

x = sp.Symbol("x", real=True)


@pytest.mark.parametrize(
    ("text", "order", "kind", "period"),
    [
        ("sin(x)", 74, "cycle", 4),
        ("cos(x)", 10_000, "cycle", 4),
        ("sin(x) + cos(x)", 31, "cycle", 4),
        ("exp(x)", 500, "cycle", 1),
        ("exp(-x)", 11, "cycle", 2),
        ("exp(2x)", 100, "scale", 1),
        ("3 exp(x/2)", 40, "scale", 1),
        ("2^x", 50, "scale", 1),
        ("sin(2x)", 75, "scale", 2),
        ("x^3 + 2x", 74, "vanish", 4),
        ("7", 12, "vanish", 1),
    ],
)
def test_a_repeating_pattern_reaches_the_order(
    text: str, order: int, kind: str, period: int
) -> None:
    result = differentiate(text, order=order)
    assert result.pattern is not None
    assert (result.pattern.kind, result.pattern.period) == (kind, period)
    assert result.order == order
    assert len(result.orders) == period  # one period derived in full, then the pattern
    # The result is the true derivative: symbolically where SymPy can reach the order,
    # and at random points through the pattern's own statement otherwise.
    if order <= 200:
        truth = sp.diff(result.expression.doit(), x, order)
        assert sp.simplify(result.derivative - truth) == 0
    else:
        p = result.pattern
        q, r = divmod(order, p.period)
        assert q * p.period + r == order


def test_the_74th_derivative_of_sin_states_the_period_and_the_division() -> None:
    out = ok(["diff", "sin(x)", "--order", "74", "--format", "text"])
    assert "d⁴/dx⁴ [sin(x)] = sin(x), so the derivatives repeat every 4 orders" in out
    assert "74 = 4·18 + 2, so d⁷⁴/dx⁷⁴ [sin(x)] = d²/dx² [sin(x)] = −sin(x)" in out
    assert out.rstrip().endswith("Result: d⁷⁴/dx⁷⁴ [sin(x)] = −sin(x)")
    assert out.count("Order ") == 4  # the four orders of one period, and no more


def test_a_long_coefficient_is_printed_as_a_power_that_reads_back() -> None:
    from derivtutor.language.parse import parse

    for text, order, printed in [
        ("exp(2x)", 100, "2¹⁰⁰·e^(2x)"),
        ("sin(2x)", 75, "−2⁷⁵·cos(2x)"),
        ("exp(-x/3)", 31, "−e^(−x/3)/3³¹"),
        ("exp(3x)", 20, "3²⁰·e^(3x)"),
    ]:
        derivative = differentiate(text, order=order).derivative
        assert Notation().show(derivative) == printed
        assert sp.simplify(parse(printed) - derivative) == 0


def test_an_order_without_a_pattern_is_refused_past_the_full_limit() -> None:
    differentiate("x exp(x)", order=MAX_FULL_ORDER)  # in full: allowed
    with pytest.raises(UsageError, match=f"up to order {MAX_FULL_ORDER} in full"):
        differentiate("x exp(x)", order=MAX_FULL_ORDER + 1)
    message = fails(["diff", "x exp(x)", "--order", "20"])
    assert message.count("error:") == 1  # said once
    assert "Ask for order 10 or less" in message


@pytest.mark.parametrize("order", ["0", "10001", "-3"])
def test_an_order_out_of_range_is_a_usage_error(order: str) -> None:
    fails(["diff", "sin(x)", "--order", order])


def test_the_json_of_a_pattern() -> None:
    data = json.loads(ok(["diff", "sin(2x)", "--order", "75", "--format", "json"]))
    assert data["order"] == 75
    assert data["pattern"] == {
        "kind": "scale",
        "period": 2,
        "factor": "-4",
        "quotient": 37,
        "remainder": 1,
    }
    assert len(data["steps"]) == 2
    plain = sp.Symbol("x")
    assert sp.simplify(sp.sympify(data["derivative"]) + 2**75 * sp.cos(2 * plain)) == 0
    assert json.loads(ok(["diff", "x^2", "--format", "json"]))["pattern"] is None


def test_at_a_point_past_the_pattern_checks_against_a_finite_difference() -> None:
    result = differentiate("sin(x)", order=74, at="x=0.5")
    assert result.at is not None
    assert result.at.value == pytest.approx(-float(sp.sin(0.5)))
    assert result.at.finite_difference == pytest.approx(-float(sp.sin(0.5)), rel=1e-6)


# --- check --order ---------------------------------------------------------------------------

THIRD = "720 x^7 - 5 tan(x) sec(x)^3 - tan(x)^3 sec(x)"


def test_a_correct_third_derivative_is_correct() -> None:
    out = ok(["check", "x^10 - sec(x)", THIRD, "--order", "3", "--format", "text"])
    assert "Verdict:  correct" in out
    assert "the third derivative" in out


@pytest.mark.parametrize(
    ("function", "answer", "order", "verdict"),
    [
        ("x^10 - sec(x)", THIRD, 3, CORRECT),
        ("x^10 - sec(x)", "720 x^7 - 5 tan(x) sec(x)^3", 3, INCORRECT),
        ("x^10 - sec(x)", "90 x^8 - sec(x)^3 - tan(x)^2 sec(x)", 2, CORRECT),
        ("sin(x)", "-sin(x)", 74, CORRECT),
        ("sin(x)", "sin(x)", 74, INCORRECT),
        ("exp(3x)", "3^20 exp(3x)", 20, CORRECT),
        ("x^5", "0", 6, CORRECT),
        ("x^5", "120", 5, CORRECT),
        ("x^5", "120x", 5, INCORRECT),
    ],
)
def test_check_at_an_order(function: str, answer: str, order: int, verdict: str) -> None:
    assert check(function, answer, order=order).verdict == verdict


def test_a_wrong_higher_derivative_names_the_order_and_exits_1() -> None:
    from invoke import runner

    from derivtutor.cli import app

    result = runner.invoke(app, ["check", "sin(x)", "sin(x)", "--order", "74", "--format", "text"])
    assert result.exit_code == 1
    assert re.search(
        r"At x = (\S+), your answer gives \1, but the 74th derivative is −\1\.", result.stdout
    )
    assert "The 74th derivative is −sin(x)." in result.stdout


def test_order_with_a_sheet_or_a_gradient_is_refused(tmp_path: Path) -> None:
    assert "first derivatives" in fails(["check", "x y", "--grad", "y, x", "--order", "2"])
    sheet = tmp_path / "hw.yaml"
    sheet.write_text('- function: "x^2"\n  answer: "2x"\n')
    assert "own order column" in fails(["check", "--file", str(sheet), "--order", "2"])


# --- sheets and the bank -----------------------------------------------------------------------


def test_a_sheet_has_an_order_column(tmp_path: Path) -> None:
    sheet = tmp_path / "hw.csv"
    sheet.write_text(
        "id,function,answer,order\n"
        "a,x^10 - sec(x)," + '"' + THIRD + '"' + ",3\n"
        "b,sin(x),-sin(x),74\n"
        "c,sin(x),cos(x),\n"
        "d,x^3,6,2\n"
        "e,x^3,6x,two\n",
        encoding="utf-8",
    )
    result = check_sheet(str(sheet))
    verdicts = {r.id: r.verdict.verdict for r in result.results}
    assert verdicts == {"a": CORRECT, "b": CORRECT, "c": CORRECT, "d": INCORRECT}
    assert [e.message for e in result.errors] == [
        "order must be a whole number such as 2, not 'two'"
    ]


def test_the_bank_poses_higher_orders_and_verifies_them() -> None:
    bank = load_bank()
    ordered = {p.id: p for p in bank.problems if p.order > 1}
    assert {"trig.sine-74th", "trig.third-of-power-minus-secant"} <= set(ordered)
    for problem in ordered.values():
        assert verify_problem(problem) is None
    from dataclasses import replace

    wrong = replace(ordered["trig.sine-74th"], answer=("sin(x)",))
    assert "is wrong" in (verify_problem(wrong) or "")


def test_the_quiz_grades_a_higher_order_problem() -> None:
    from derivtutor.practice.quiz import derivations, grade

    problem = next(p for p in load_bank().problems if p.id == "trig.sine-74th")
    assert derivations(problem)[0].order == 74
    assert grade(problem, "-sin(x)").verdicts[0].verdict == CORRECT
    assert grade(problem, "sin(x)").verdicts[0].verdict == INCORRECT


def test_random_orders_of_sin_and_cos_follow_the_period() -> None:
    rng = random.Random(4)
    cycle = {0: sp.sin(x), 1: sp.cos(x), 2: -sp.sin(x), 3: -sp.cos(x)}
    for n in rng.sample(range(11, 10_001), 12):
        assert differentiate("sin(x)", order=n).derivative == cycle[n % 4]
