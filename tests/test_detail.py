"""How much of a derivation is shown (--detail brief|normal|full), the bookkeeping folded into
the line that uses it, and the algebra between a rule's raw result and its shown form
(engine.algebra): factor out a common factor, collect the bracket, terms that cancel."""

from __future__ import annotations

import json

import pytest
import sympy as sp
from invoke import ok
from trees import assert_equal_at_random_points

from derivtutor.calculus.differentiation import differentiate
from derivtutor.engine import steps as s
from derivtutor.engine.algebra import cancelled, factoring
from derivtutor.practice.bank import load_bank
from derivtutor.render import explain as ex
from derivtutor.render.formats import text

x = sp.Symbol("x", real=True)

# The README's examples, and what a first session types.
EXAMPLES = [
    "x^3 sin(x)",
    "log(cos(x^2))",
    "1/(1+exp(-x))",
    "sigmoid(x)",
    "tanh(x)",
    "(2x+1)^5 (3x-2)^7",
    "x*asin(x) + sqrt(1-x^2)",
    "3x^2 + 5x - 1",
    "sin(x^2 + 1)",
    "(x^2+1)/(x-1)",
    "exp(-x^2/2)",
    "x^2 e^(3x+1)",
]


def _nodes(node: ex.Node, depth: int = 0) -> list[tuple[int, ex.Node]]:
    out = [(depth, node)]
    for child in node.children:
        out += _nodes(child, depth + 1)
    return out


def _problems() -> list[tuple[str, str | None]]:
    return [(p.function, p.wrt) for p in load_bank().problems if not p.gradient and not p.shapes]


@pytest.mark.parametrize("expression", EXAMPLES)
def test_no_constant_or_variable_leaf_has_a_line_of_its_own(expression: str) -> None:
    order = differentiate(expression).orders[0]
    for depth, node in _nodes(ex.explain(order, detail="normal")):
        if depth:
            assert node.rule not in ("constant", "variable"), (expression, node.head)


def test_the_whole_bank_folds_its_bookkeeping() -> None:
    """Across the bank, the share of numbered lines that are bookkeeping (sum, constant
    multiple, constant, variable) falls from full to normal detail, and no non-root line is a
    constant or the variable."""
    full = normal = bookkeeping_full = bookkeeping_normal = 0
    bookkeeping = {"sum", "constant_multiple", "constant", "variable"}
    for function, wrt in _problems():
        order = differentiate(function, wrt=wrt).orders[0]
        for detail in ("full", "normal"):
            nodes = _nodes(ex.explain(order, partial=wrt is not None, detail=detail))
            count = len(nodes)
            kept = sum(n.rule in bookkeeping for _, n in nodes)
            if detail == "full":
                full, bookkeeping_full = full + count, bookkeeping_full + kept
            else:
                normal, bookkeeping_normal = normal + count, bookkeeping_normal + kept
                assert all(n.rule not in ("constant", "variable") for d, n in nodes if d)
    assert normal < 0.8 * full
    assert bookkeeping_normal / normal < 0.6 * bookkeeping_full / full


def test_a_linear_inner_function_is_written_in_the_chain_rule_line() -> None:
    out = text.render_differentiation(differentiate("(2x+1)^5 (3x-2)^7"))
    assert "1.1 Chain rule, with u₁ = 2x + 1 and du₁/dx = 2:" in out
    assert "Sum rule" not in out and "Variable rule" not in out
    assert "= (2x + 1)⁴·(3x − 2)⁶·(10·(3x − 2) + 21·(2x + 1))    (factor out" in out
    assert "= (2x + 1)⁴·(3x − 2)⁶·(72x + 1)    (expand and collect the bracket)" in out


def test_a_trivial_factor_derivative_is_written_beside_its_name() -> None:
    out = text.render_differentiation(differentiate("x*asin(x) + sqrt(1-x^2)"))
    assert "Product rule, with f = x (f' = 1) and g = arcsin(x):" in out
    assert "= arcsin(x) + x/√(1 − x²) − x/√(1 − x²)" in out
    assert "= arcsin(x)    (x/√(1 − x²) and −x/√(1 − x²) cancel)" in out


def test_a_constant_times_a_table_derivative_is_one_line() -> None:
    out = text.render_differentiation(differentiate("3x^2 + 5x - 1"))
    assert "1. Sum rule: d/dx [3x² + 5x − 1] = d/dx [3x²] + 5" in out
    assert (
        "1.1 Constant multiple and power rule (d/dx xⁿ = n·xⁿ⁻¹): d/dx [3x²] = 3 · 2x = 6x" in out
    )
    assert "Constant rule" not in out


def test_full_detail_keeps_every_node() -> None:
    out = ok(["diff", "2x+1", "--detail", "full", "--format", "text"])
    assert "1.1.1 Variable rule: d/dx [x] = 1" in out
    assert "1.2 Constant rule: d/dx [1] = 0" in out


def test_brief_detail_gives_the_result_first_then_the_rules() -> None:
    out = ok(["diff", "x^2 sin(x)", "--detail", "brief", "--format", "text"])
    lines = out.strip().splitlines()
    assert lines[0].startswith("Result: d/dx [x²·sin(x)] = ")
    assert lines[-1].strip() == "by the product, power and trig rules"
    assert "1." not in out


@pytest.mark.parametrize("fmt", ["text", "markdown", "latex", "rich"])
@pytest.mark.parametrize("detail", ["brief", "normal", "full"])
def test_every_format_takes_every_detail(fmt: str, detail: str) -> None:
    out = ok(["diff", "sin(x^2)", "--detail", detail, "--format", fmt])
    assert ("Chain rule" in out) == (detail != "brief")


def test_the_json_records_the_detail_and_keeps_every_node() -> None:
    data = json.loads(ok(["diff", "2x+1", "--detail", "brief", "--format", "json"]))
    assert data["detail"] == "brief"
    rules = []
    stack = list(data["steps"])
    while stack:
        node = stack.pop()
        rules.append(node["rule"])
        stack += node["substeps"]
    assert sorted(rules) == ["constant", "constant_multiple", "sum", "variable"]


# --- the algebra is true -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "final", "rules"),
    [
        (
            10 * (2 * x + 1) ** 4 * (3 * x - 2) ** 7 + 21 * (2 * x + 1) ** 5 * (3 * x - 2) ** 6,
            (2 * x + 1) ** 4 * (3 * x - 2) ** 6 * (72 * x + 1),
            ["factor_common", "collect"],
        ),
        (
            sp.exp(x) * sp.sin(x) + sp.exp(x) * sp.cos(x),
            sp.exp(x) * (sp.sin(x) + sp.cos(x)),
            ["factor_common"],
        ),
        (2 * x + 4, 2 * x + 4, []),  # only a number in common: nothing to take out
        (x**2 + sp.sin(x), x**2 + sp.sin(x), []),
    ],
)
def test_factoring(raw: sp.Expr, final: sp.Expr, rules: list[str]) -> None:
    steps = factoring(raw, final)
    assert [a.rule for a in steps] == rules
    for a in steps:
        assert_equal_at_random_points(a.after, raw, seed=str(raw))


def test_cancelled_terms_are_found_across_parts() -> None:
    t = x / sp.sqrt(1 - x**2)
    assert cancelled([t + sp.asin(x), -t]) == (t,)
    assert cancelled([t, sp.asin(x)]) == ()


def test_every_algebra_step_of_the_bank_is_true() -> None:
    """Each line of algebra equals the raw result of its rule, numerically."""
    checked = 0
    for function, wrt in _problems():
        order = differentiate(function, wrt=wrt).orders[0]
        for step in order.step.walk():
            if not isinstance(step, (s.ProductRule, s.SumRule)):
                continue
            for a in order.algebra_steps(step):
                assert_equal_at_random_points(a.after, step.eval(), seed=function)
                checked += 1
    assert checked >= 20
