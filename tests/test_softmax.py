"""Tests for the softmax Jacobian: the explicit matrices against SymPy's own Jacobian of the
explicit softmax, and every line of the index-notation derivations, made concrete for n = 2..8
(``concrete``) and compared with the derivative it claims to equal.
"""

from __future__ import annotations

import json
import random

import pytest
import sympy as sp
from contracts import STEP_KEYS
from trees import assert_tree_is_true

import derivtutor
from derivtutor.errors import UsageError
from derivtutor.ml.softmax import MAX_N, MIN_N, concrete, i, j, p, softmax_jacobian, y
from derivtutor.ml.softmax import z as z_indexed
from derivtutor.render.show import show as render_result

SIZES = range(MIN_N, MAX_N + 1)
POINTS = 3
TOLERANCE = 1e-12


def z_symbols(n: int) -> list[sp.Symbol]:
    return [sp.Symbol(f"z{m}", real=True) for m in range(1, n + 1)]


def y_symbols(n: int) -> list[sp.Symbol]:
    return [sp.Symbol(f"y{m}", real=True) for m in range(1, n + 1)]


def softmax(n: int) -> list[sp.Expr]:
    """The explicit softmax, written here independently of derivtutor."""
    zs = z_symbols(n)
    total = sum(sp.exp(v) for v in zs)
    return [sp.exp(v) / total for v in zs]


def random_points(n: int, seed: object) -> list[dict[sp.Symbol, sp.Float]]:
    rng = random.Random(str(seed))
    return [{v: sp.Float(rng.uniform(-3, 3), 30) for v in z_symbols(n)} for _ in range(POINTS)]


def value(expr: sp.Expr, point: dict[sp.Symbol, sp.Expr]) -> float:
    number = sp.sympify(expr).doit().evalf(30, subs=point)
    assert number.is_number, f"{expr} still has {number.free_symbols} at {point}"
    return float(number)


def assert_same(got: sp.Expr, expected: sp.Expr, points: list[dict[sp.Symbol, sp.Expr]]) -> None:
    for point in points:
        a, b = value(got, point), value(expected, point)
        assert abs(a - b) <= TOLERANCE * max(1.0, abs(b)), f"{got} != {expected} at {point}"


def p_to_z(n: int) -> dict[sp.Symbol, sp.Expr]:
    return {sp.Symbol(f"p{m}", real=True): f for m, f in enumerate(softmax(n), start=1)}


# --- the explicit matrices ----------------------------------------------------------------------


@pytest.mark.parametrize("n", SIZES)
def test_explicit_matrix_is_sympys_jacobian_and_diag_p_minus_p_p_transpose(n: int) -> None:
    result = softmax_jacobian(n)
    zs = z_symbols(n)
    reference = sp.Matrix(softmax(n)).jacobian(zs)
    ps = sp.Matrix([sp.Symbol(f"p{m}", real=True) for m in range(1, n + 1)])
    # In p, the matrix is exactly diag(p) − p·pᵀ.
    assert sp.expand(result.p_matrix - (sp.diag(*ps) - ps * ps.T)) == sp.zeros(n, n)
    explicit = result.p_matrix.subs(p_to_z(n))
    points = random_points(n, ("matrix", n))
    assert result.variables == tuple(zs)
    assert len(result.entries) == n and all(len(row) == n for row in result.entries)
    for r in range(n):
        for c in range(n):
            assert_same(explicit[r, c], reference[r, c], points)
            entry = result.entries[r][c]
            assert (entry.variable, entry.expression) == (zs[c], result.inputs[r])
            assert_same(entry.derivative, reference[r, c], points)


@pytest.mark.parametrize("n", SIZES)
def test_inputs_are_the_softmax_entries(n: int) -> None:
    result = softmax_jacobian(n)
    points = random_points(n, ("inputs", n))
    for got, want in zip(result.inputs, softmax(n), strict=True):
        assert_same(got, want, points)
    # Probabilities: they add up to 1.
    assert_same(sp.Add(*result.inputs), sp.Integer(1), points)


@pytest.mark.parametrize("n", [2, 3, 4])
def test_every_entry_is_derived_by_true_steps(n: int) -> None:
    for r, row in enumerate(softmax_jacobian(n).entries):
        for c, entry in enumerate(row):
            assert entry.held_constant == tuple(v for v in z_symbols(n) if v != entry.variable)
            assert_tree_is_true(entry.steps[0], seed=100 * n + 10 * r + c)


def test_the_diagonal_and_the_rest_read_as_on_the_board() -> None:
    p1, p2 = sp.symbols("p1 p2", real=True)
    matrix = softmax_jacobian(2).p_matrix
    assert matrix == sp.Matrix([[p1 * (1 - p1), -p1 * p2], [-p1 * p2, p2 * (1 - p2)]])


# --- the index-notation derivations, made concrete ----------------------------------------------

GENERAL = softmax_jacobian("n")


def test_the_general_case_has_no_explicit_matrix() -> None:
    assert GENERAL.size is None
    assert GENERAL.entries == () and GENERAL.inputs == () and GENERAL.variables == ()


def test_the_lines_end_where_the_board_does() -> None:
    delta = sp.KroneckerDelta(i, j)
    jacobian = GENERAL.jacobian.result
    assert sp.expand(jacobian - p[i] * (delta - p[j])) == 0
    assert p[i] in jacobian.args  # written p_i(δ_ij − p_j), factored
    assert sp.expand(GENERAL.cross_entropy.result - (p[j] - y[j])) == 0
    assert GENERAL.logsumexp.result == p[j]
    # Each derivation goes through its rule: the quotient rule, then the chain rule twice.
    assert [line.rule for line in GENERAL.jacobian.lines][0] == "quotient"
    assert GENERAL.cross_entropy.lines[0].rule == "chain"
    assert GENERAL.logsumexp.lines[0].rule == "chain"
    assert all(line.reason for d in (GENERAL.jacobian, GENERAL.cross_entropy) for line in d.lines)


def test_concrete_writes_the_definitions_out() -> None:
    zs = z_symbols(3)
    points = random_points(3, "definitions")
    assert_same(concrete(GENERAL.jacobian.definition, 3, 2, 1), softmax(3)[1], points)
    assert_same(
        concrete(GENERAL.logsumexp.definition, 3, 1, 1),
        sp.log(sum(sp.exp(v) for v in zs)),
        points,
    )
    assert concrete(z_indexed[j], 3, 1, 3) == zs[2]


@pytest.mark.parametrize("n", SIZES)
def test_every_jacobian_line_is_the_concrete_derivative(n: int) -> None:
    zs, ps = z_symbols(n), softmax(n)
    points = random_points(n, ("jacobian", n))
    for row in range(1, n + 1):
        for column in range(1, n + 1):
            derivative = sp.diff(ps[row - 1], zs[column - 1])
            for line in GENERAL.jacobian.lines:
                statement = concrete(line.statement, n, row, column)
                assert statement.free_symbols <= set(zs), line.rule
                assert_same(statement, derivative, points)


@pytest.mark.parametrize("n", SIZES)
def test_every_log_sum_exp_line_is_the_concrete_derivative(n: int) -> None:
    zs = z_symbols(n)
    lse = sp.log(sum(sp.exp(v) for v in zs))
    points = random_points(n, ("lse", n))
    for column in range(1, n + 1):
        derivative = sp.diff(lse, zs[column - 1])
        for line in GENERAL.logsumexp.lines:
            assert_same(concrete(line.statement, n, 1, column), derivative, points)


def cross_entropy(n: int, target: list[sp.Expr]) -> sp.Expr:
    return -sum(t * sp.log(f) for t, f in zip(target, softmax(n), strict=True))


def targets(n: int) -> list[list[sp.Expr]]:
    """Every one-hot target, and a general probability vector (entries adding up to 1)."""
    one_hot = [[sp.Integer(int(m == hot)) for m in range(n)] for hot in range(n)]
    weights = [sp.Integer(m * m + 1) for m in range(1, n + 1)]
    return [*one_hot, [w / sum(weights) for w in weights]]


@pytest.mark.parametrize("n", SIZES)
def test_every_cross_entropy_line_is_the_concrete_derivative(n: int) -> None:
    zs, ys = z_symbols(n), y_symbols(n)
    points = random_points(n, ("cross-entropy", n))
    for target in targets(n):
        assert sum(target) == 1
        loss = cross_entropy(n, target)
        assert_same(
            concrete(GENERAL.cross_entropy.definition, n, 1, 1).subs(
                dict(zip(ys, target, strict=True))
            ),
            loss,
            points,
        )
        for column in range(1, n + 1):
            derivative = sp.diff(loss, zs[column - 1])
            for line in GENERAL.cross_entropy.lines:
                statement = concrete(line.statement, n, 1, column)
                assert statement.free_symbols <= set(zs) | set(ys), line.rule
                assert_same(statement.subs(dict(zip(ys, target, strict=True))), derivative, points)


@pytest.mark.parametrize("n", [2, 3, 5, 8])
def test_the_chain_rule_lines_hold_for_any_target(n: int) -> None:
    """Only the last line uses Σ yₖ = 1; before it, y can be anything."""
    zs, ys = z_symbols(n), y_symbols(n)
    target = [sp.Rational(3 * m - 5, 7) for m in range(1, n + 1)]  # sums to anything but 1
    assert sum(target) != 1
    points = random_points(n, ("any target", n))
    loss = cross_entropy(n, target)
    values = dict(zip(ys, target, strict=True))
    *kept, last = GENERAL.cross_entropy.lines
    assert last.rule == "target" and "add up to 1" in last.reason
    for column in range(1, n + 1):
        derivative = sp.diff(loss, zs[column - 1])
        for line in kept:
            assert_same(concrete(line.statement, n, 1, column).subs(values), derivative, points)
        # With a target that does not add up to 1, p − y is not the gradient: the step matters.
        wrong = concrete(last.statement, n, 1, column).subs(values)
        point = points[0]
        assert abs(value(wrong, point) - value(derivative, point)) > 1e-6


def test_the_first_cross_entropy_line_holds_symbolically_in_y() -> None:
    n = 3
    zs, ys = z_symbols(n), y_symbols(n)
    loss = -sum(t * sp.log(f) for t, f in zip(ys, softmax(n), strict=True))
    for column in range(1, n + 1):
        statement = concrete(GENERAL.cross_entropy.lines[0].statement, n, 1, column)
        difference = statement - sp.diff(loss, zs[column - 1])
        # Linear in y: every coefficient of yₖ vanishes, for any z.
        for coefficient in sp.Poly(sp.expand(difference), *ys).coeffs():
            assert sp.simplify(coefficient) == 0


# --- JSON and the API ---------------------------------------------------------------------------

SOFTMAX_KEYS = {
    "inputs",
    "variables",
    "matrix",
    "steps",
    "general",
    "cross_entropy_gradient",
    "logsumexp_gradient",
}


def read(text: str, n: int) -> sp.Expr:
    names = {s.name: s for s in [*z_symbols(n), *y_symbols(n)]}
    return sp.sympify(text, locals=names)


def assert_step_shape(step: dict[str, object]) -> None:
    assert set(step) == STEP_KEYS
    substeps = step["substeps"]
    assert isinstance(substeps, list)
    for sub in substeps:
        assert_step_shape(sub)


@pytest.mark.parametrize("n", [2, 3, 8])
def test_json_has_the_documented_shape_and_true_strings(n: int) -> None:
    data = json.loads(json.dumps(softmax_jacobian(n).to_dict()))
    assert set(data) == SOFTMAX_KEYS
    assert data["general"] == "p_i*(KroneckerDelta(i, j) - p_j)"
    assert data["variables"] == [f"z{m}" for m in range(1, n + 1)]
    zs, ys = z_symbols(n), y_symbols(n)
    ps = softmax(n)
    reference = sp.Matrix(ps).jacobian(zs)
    points = random_points(n, ("json", n))
    for got, want in zip(data["inputs"], ps, strict=True):
        assert_same(read(got, n), want, points)
    assert len(data["matrix"]) == n
    for r in range(n):
        assert len(data["matrix"][r]) == n and len(data["steps"][r]) == n
        for c in range(n):
            assert read(data["matrix"][r][c], n).free_symbols <= set(zs)
            assert_same(read(data["matrix"][r][c], n), reference[r, c], points)
            step = data["steps"][r][c]
            assert_step_shape(step)
            assert step["variable"] == f"z{c + 1}"
            assert_same(read(step["derivative"], n), reference[r, c], points)
    lse = sp.log(sum(sp.exp(v) for v in zs))
    for k in range(n):
        assert_same(read(data["logsumexp_gradient"][k], n), sp.diff(lse, zs[k]), points)
        gradient = read(data["cross_entropy_gradient"][k], n)
        assert gradient.free_symbols <= set(zs) | {ys[k]}
        for target in targets(n)[-2:]:
            loss = cross_entropy(n, target)
            assert_same(gradient.subs(ys[k], target[k]), sp.diff(loss, zs[k]), points)


def test_json_of_the_general_case() -> None:
    data = softmax_jacobian("n").to_dict()
    assert set(data) == SOFTMAX_KEYS
    assert data["general"] == "p_i*(KroneckerDelta(i, j) - p_j)"
    assert data["matrix"] == [[data["general"]]]
    assert data["cross_entropy_gradient"] == ["p_j - y_j"]
    assert data["logsumexp_gradient"] == ["p_j"]
    general = sp.sympify(data["general"])
    p_i, p_j, i_, j_ = sp.symbols("p_i p_j i j")
    assert general.subs(j_, i_) == p_i * (1 - p_j)
    json.dumps(data)


@pytest.mark.parametrize("size", [2, "2", " 3 ", 8, "n"])
def test_sizes_that_are_accepted(size: int | str) -> None:
    result = derivtutor.softmax_jacobian(size)
    assert result.size == (None if size == "n" else int(size))


@pytest.mark.parametrize("size", [1, 9, 0, -3, "x", "", "3.0", 3.7, True, "N", "1", None])
def test_sizes_out_of_range_or_not_whole_are_refused(size: object) -> None:
    with pytest.raises(UsageError, match="from 2 to 8, or n"):
        softmax_jacobian(size)  # type: ignore[arg-type]


# --- what the text says -------------------------------------------------------------------------


def test_text_walks_through_the_derivation() -> None:
    text = str(render_result(softmax_jacobian(3), "text"))
    order = [
        "quotient rule",
        "∂pᵢ/∂zⱼ = pᵢ·(δᵢⱼ − pⱼ)",
        "when i = j, ∂pᵢ/∂zⱼ = pᵢ·(1 − pᵢ); when i ≠ j, ∂pᵢ/∂zⱼ = −pᵢ·pⱼ",
        "J = diag(p) − p·pᵀ",
        "For N = 3",
        "p₁·(1 − p₁)",
        "gradient of cross-entropy over softmax is p − y",
        "gradient of log-sum-exp is softmax",
    ]
    positions = [text.index(phrase) for phrase in order]
    assert positions == sorted(positions)


def test_steps_show_every_entry_and_the_general_case_shows_no_matrix() -> None:
    text = str(render_result(softmax_jacobian(3), "text", steps=True))
    headings = [line for line in text.splitlines() if line.startswith("── ")]
    assert headings == [f"── ∂p{r}/∂z{sub} ──" for r in (1, 2, 3) for sub in "₁₂₃"]
    general = str(render_result(softmax_jacobian("n"), "text"))
    assert "For N =" not in general and "diag(p) − p·pᵀ" in general
    assert "i = 1..n" in general
