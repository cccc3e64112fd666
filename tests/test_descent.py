"""Gradient descent: where the iterates go, how a run ends (and why), the JSON contract, the
other formats, and the descend command through CliRunner, with every bad input (exit 2)."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
import sympy as sp
from invoke import fails as _fails
from invoke import ok as _ok
from typer.testing import CliRunner

from derivtutor.cli import app
from derivtutor.errors import DerivtutorError
from derivtutor.language.functions import relu, sigmoid, softplus
from derivtutor.language.parse import parse
from derivtutor.ml.descent import Descent, descend
from derivtutor.render.json import descent_dict
from derivtutor.render.show import show

runner = CliRunner()

DESCENT_KEYS = {"gradient", "path", "status"}
ENTRY_KEYS = {"point", "value", "gradient"}
FORMATS = ["text", "rich", "markdown", "latex", "json"]
BOWL = "(x-1)^2 + 2(y+2)^2"  # minimum at (1, -2)
OVERSHOOT = "the learning rate is too large: each step overshoots the minimum"


def _read(text: str, names: list[str]) -> sp.Expr:
    """DESIGN.md: sympify reads every string, given the ML functions and real variables."""
    local: dict[str, Any] = {"sigmoid": sigmoid, "relu": relu, "softplus": softplus}
    local.update({name: sp.Symbol(name, real=True) for name in names})
    return sp.sympify(text, locals=local)


def _text(run: Descent, fmt: str = "text") -> str:
    output = show(run, fmt)
    assert isinstance(output, str)
    return output


# --- convergence ---------------------------------------------------------------------------------


def test_x_squared_converges_to_zero() -> None:
    run = descend("x^2", "x=3", learning_rate=0.1, iterations=500, tolerance=1e-8)
    assert (run.status, run.reason) == ("converged", "minimum")
    assert run.last.norm is not None and run.last.norm <= run.tolerance
    assert run.last.point[0] == pytest.approx(0.0, abs=1e-6)
    # It stopped at the first point whose gradient was small enough, not later.
    assert all(it.norm is not None and it.norm > 1e-8 for it in run.path[:-1])
    assert len(run.path) - 1 < 500


def test_two_variable_bowl_converges_to_its_minimum() -> None:
    run = descend(BOWL, "x=3,y=1", learning_rate=0.1, iterations=500, tolerance=1e-8)
    assert [v.name for v in run.variables] == ["x", "y"]
    assert (run.status, run.reason) == ("converged", "minimum")
    assert run.last.norm is not None and run.last.norm <= 1e-8
    x, y = run.last.point
    assert x == pytest.approx(1.0, abs=1e-6)
    assert y == pytest.approx(-2.0, abs=1e-6)
    assert run.last.value == pytest.approx(0.0, abs=1e-12)


def test_a_run_that_starts_at_the_minimum_takes_no_step() -> None:
    run = descend(BOWL, "x=1,y=-2")
    assert run.status == "converged"
    assert len(run.path) == 1
    assert run.last.gradient == (0.0, 0.0)
    assert "Converged after 0 steps" in _text(run)


# --- the update rule, exactly --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expr", "start", "lr", "iterations"),
    [
        ("x^2", "x=3", 0.1, 500),  # converges
        ("x^2", "x=3", 0.9, 20),  # oscillates
        ("x^2", "x=3", 1.1, 50),  # overshoots
        ("-x^2", "x=1", 0.1, 500),  # unbounded below
        ("x", "x=0", 0.1, 50),  # steady
        (BOWL, "x=3,y=1", 0.1, 500),
        ("sin(x) + cos(y)", "x=0.5,y=-2", 0.3, 40),
    ],
)
def test_every_step_is_x_minus_lr_times_the_gradient(
    expr: str, start: str, lr: float, iterations: int
) -> None:
    run = descend(expr, start, learning_rate=lr, iterations=iterations)
    assert len(run.path) >= 2
    assert run.path[0].step == 0.0
    for before, after in zip(run.path, run.path[1:], strict=False):
        assert before.gradient is not None
        expected = tuple(x - lr * g for x, g in zip(before.point, before.gradient, strict=True))
        assert after.point == expected  # exactly, in floats
        assert after.step == lr * math.sqrt(sum(g * g for g in before.gradient))


def test_each_iterate_carries_f_and_its_gradient_at_its_point() -> None:
    run = descend(BOWL, "x=3,y=1", learning_rate=0.1, iterations=500)
    for it in run.path:
        x, y = it.point
        assert it.value == pytest.approx((x - 1) ** 2 + 2 * (y + 2) ** 2, rel=1e-12, abs=1e-15)
        assert it.gradient == pytest.approx((2 * x - 2, 4 * y + 8), rel=1e-12, abs=1e-12)
        assert it.norm == pytest.approx(math.hypot(2 * x - 2, 4 * y + 8), rel=1e-12, abs=1e-12)


def test_the_start_point_is_read_exactly() -> None:
    run = descend("x^2 + y^2", "x=1/4,y=-pi", iterations=1)
    assert run.path[0].point == (0.25, -math.pi)


# --- how a run ends, and the advice --------------------------------------------------------------


@pytest.mark.parametrize(
    ("expr", "start", "lr", "iterations", "status", "reason", "advice"),
    [
        ("x^2", "x=3", 1.1, 50, "diverged", "overshoot", OVERSHOOT),
        ("x^2", "x=3", 1.1, 50, "diverged", "overshoot", "Try a smaller --lr, e.g. 0.275."),
        ("-x^2", "x=1", 0.1, 500, "diverged", "unbounded", "f keeps falling without end"),
        ("x^3", "x=-1", 0.1, 500, "diverged", "unbounded", "it is unbounded below"),
        ("-x^2", "x=1", 0.1, 10, "max_steps", "steady", "f may be unbounded below"),
        ("x^3", "x=1", 0.1, 500, "max_steps", "slow", "f is still falling, but slowly"),
        ("ln(x)", "x=0.5", 1, 50, "diverged", "undefined", "f is undefined at x = −1.5"),
        ("x^2", "x=3", 0.9, 20, "max_steps", "oscillating", "bounce back and forth"),
        ("x", "x=0", 0.1, 50, "max_steps", "steady", "the gradient is not getting smaller"),
    ],
)
def test_each_ending_has_its_reason_and_advice(
    expr: str,
    start: str,
    lr: float,
    iterations: int,
    status: str,
    reason: str,
    advice: str,
) -> None:
    run = descend(expr, start, learning_rate=lr, iterations=iterations)
    assert (run.status, run.reason) == (status, reason)
    verdict = _text(run).rstrip("\n").splitlines()[-1]
    assert advice in verdict
    steps = len(run.path) - 1
    counted = f"{steps} step" + "s" * (steps != 1)
    opening = {
        "diverged": f"Diverged after {counted}: ",
        "max_steps": f"Stopped at the step limit ({counted}): ",
    }[status]
    assert verdict.startswith(opening)


def test_overshooting_swings_further_out_each_time() -> None:
    run = descend("x^2", "x=3", learning_rate=1.1, iterations=50)
    xs = [it.point[0] for it in run.path]
    assert all(a * b < 0 for a, b in zip(xs, xs[1:], strict=False))  # across the minimum
    assert all(abs(b) > abs(a) for a, b in zip(xs, xs[1:], strict=False))  # and further out
    # Detected early, long before the step limit.
    assert len(run.path) - 1 < 50


def test_a_run_out_of_steps_has_taken_exactly_that_many() -> None:
    run = descend("x^2", "x=3", learning_rate=0.9, iterations=20)
    assert len(run.path) == 21
    assert run.last.norm is not None and run.last.norm > run.tolerance


def test_a_steady_run_moves_by_the_same_step_each_time() -> None:
    run = descend("x", "x=0", learning_rate=0.1, iterations=50)
    assert len(run.path) == 51
    assert all(it.gradient == (1.0,) for it in run.path)
    assert all(it.step == pytest.approx(0.1) for it in run.path[1:])
    assert run.last.point[0] == pytest.approx(-5.0)


def test_leaving_the_domain_ends_at_the_undefined_point() -> None:
    run = descend("ln(x)", "x=0.5", learning_rate=1, iterations=50)
    assert len(run.path) == 2
    assert run.last.point == (-1.5,)
    assert run.last.value is None
    assert "the step left the function's domain" in _text(run)


def test_a_far_start_on_a_bowl_still_converges() -> None:
    # x^2 from 2·10^6 with η = 0.1: x_k = 2·10^6 · 0.8^k, which is below 1e-8 in 160 steps.
    run = descend("x^2", "x=2000000", learning_rate=0.1, iterations=500)
    assert run.status == "converged"
    assert len(run.path) > 1


@pytest.mark.parametrize(
    ("expr", "start", "lr"), [("-exp(x)", "x=0", 1000), ("-exp(x^2)", "x=2", 1)]
)
def test_falling_past_the_largest_float_is_unbounded(expr: str, start: str, lr: float) -> None:
    run = descend(expr, start, learning_rate=lr, iterations=50)
    assert run.status == "diverged"
    assert run.reason == "unbounded"
    assert run.last.value is not None and run.last.value < 0  # -inf, not +inf
    assert "f keeps falling without end" in _text(run)


def test_tanh_of_x_squared_descends_the_same_from_either_side() -> None:
    right = descend("tanh(x^2)", "x=1", learning_rate=0.1, iterations=50)
    left = descend("tanh(x^2)", "x=-1", learning_rate=0.1, iterations=50)
    assert left.path[0].gradient == pytest.approx((-2 / math.cosh(1) ** 2,), rel=1e-12)
    assert (left.status, left.reason) == (right.status, right.reason)
    assert [it.point[0] for it in left.path] == pytest.approx([-it.point[0] for it in right.path])


def test_a_saturated_tanh_has_a_vanishing_gradient_like_sigmoid() -> None:
    flat = descend("sigmoid(x)", "x=800")
    assert (flat.status, flat.reason) == ("converged", "flat")  # sigmoid's gradient underflows
    run = descend("tanh(x)", "x=800")
    assert run.path[0].gradient == pytest.approx((0.0,), abs=1e-300)
    assert (run.status, run.reason) == ("converged", "flat")  # saturated: flat, not a minimum


# --- input errors --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"learning_rate": 0.0}, "^learning_rate"),
        ({"learning_rate": -0.5}, "^learning_rate"),
        ({"learning_rate": math.inf}, "^learning_rate"),
        ({"learning_rate": math.nan}, "^learning_rate"),
        ({"tolerance": 0.0}, "^tolerance"),
        ({"iterations": 0}, "^iterations"),
        ({"iterations": 100_001}, "^iterations"),
    ],
)
def test_bad_settings_are_refused(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(DerivtutorError, match=message):
        descend("x^2", "x=3", **kwargs)


@pytest.mark.parametrize(
    ("expr", "start", "message"),
    [
        ("x + y + z", "x=1,y=1,z=1", "one or two variables"),
        ("x^2 + y^2", "x=1", "^start"),
        ("x^2", "x=1,z=2", "^start"),
    ],
)
def test_bad_functions_and_starts_are_refused(expr: str, start: str, message: str) -> None:
    with pytest.raises(DerivtutorError, match=message):
        descend(expr, start)


# --- JSON ----------------------------------------------------------------------------------------


def test_json_has_the_contract_shape() -> None:
    run = descend(BOWL, "x=3,y=1", learning_rate=0.1, iterations=500)
    data = json.loads(_text(run, "json"))
    assert data == descent_dict(run)
    assert set(data) == DESCENT_KEYS
    assert data["status"] == "converged"
    assert len(data["path"]) == len(run.path)
    for entry, it in zip(data["path"], run.path, strict=True):
        assert set(entry) == ENTRY_KEYS
        assert set(entry["point"]) == set(entry["gradient"]) == {"x", "y"}
        assert entry["point"] == {"x": it.point[0], "y": it.point[1]}
        assert entry["value"] == it.value
        assert it.gradient is not None
        assert entry["gradient"] == {"x": it.gradient[0], "y": it.gradient[1]}
    assert data["path"][0] == {
        "point": {"x": 3.0, "y": 1.0},
        "value": 22.0,
        "gradient": {"x": 4.0, "y": 12.0},
    }


@pytest.mark.parametrize(
    ("expr", "start"),
    [
        ("x^2", "x=3"),
        (BOWL, "x=3,y=1"),
        ("softplus(x - 1) + relu(y) + sigmoid(x*y)", "x=1,y=2"),
        ("(sigmoid(w) - 1)^2 + ln(1 + w^2)", "w=0.5"),
    ],
)
def test_json_gradient_strings_read_back_as_the_gradient(expr: str, start: str) -> None:
    data = descent_dict(descend(expr, start, iterations=3))
    f = parse(expr)
    names = sorted(s.name for s in f.free_symbols)
    assert len(data["gradient"]) == len(names)
    for text, name in zip(data["gradient"], names, strict=True):
        component = _read(text, names)
        expected = sp.diff(f, sp.Symbol(name, real=True))
        assert sp.simplify((component - expected).rewrite(sp.Piecewise)) == 0, (text, expected)


def test_json_gives_null_for_numbers_past_the_largest_float() -> None:
    run = descend("x^6", "x=2", learning_rate=10.0**100, iterations=10)
    assert run.status == "diverged"
    data = json.loads(_text(run, "json"))
    assert data["status"] == "diverged"
    first, last = data["path"][0], data["path"][-1]
    assert first == {"point": {"x": 2.0}, "value": 64.0, "gradient": {"x": 192.0}}
    assert last["value"] is None
    assert last["gradient"] == {"x": None}
    assert last["point"]["x"] == pytest.approx(-1.92e102)


def test_json_gives_null_where_f_is_undefined() -> None:
    data = descent_dict(descend("sqrt(x)", "x=1", learning_rate=10))
    assert data["status"] == "diverged"
    assert data["path"][-1] == {"point": {"x": -4.0}, "value": None, "gradient": {"x": None}}


# --- the other formats ---------------------------------------------------------------------------


def test_text_output_is_formula_then_table_then_verdict() -> None:
    run = descend("x^2", "x=3", learning_rate=0.1, iterations=500)
    lines = _text(run).splitlines()
    assert lines[0] == "f(x) = x²"
    assert lines[1].startswith("f'(x) = 2x")
    assert "x ← x − η·f'(x), with η = 0.1, from x = 3" in lines[2]
    assert lines[4].split() == ["k", "x", "f", "‖∇f‖", "step"]
    assert lines[5].split() == ["0", "3", "9", "6"]  # no step into the start
    assert lines[6].split() == ["1", "2.4", "5.76", "4.8", "0.6"]
    assert "…" in [line.strip() for line in lines]  # a long path shows its ends only
    assert lines[-1].startswith(f"Converged after {len(run.path) - 1} steps: ‖∇f‖ = ")
    assert "≤ 1e−08" in lines[-1]


def test_a_short_path_is_shown_whole() -> None:
    run = descend("x^2", "x=3", learning_rate=0.9, iterations=20)
    lines = _text(run).splitlines()
    rows = [line.split()[0] for line in lines[5:-2]]
    assert rows == [str(k) for k in range(21)]


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_renders_the_run(fmt: str) -> None:
    out = _ok(["descend", "--format", fmt, "x^2", "--start", "x=3"])
    flat = " ".join(out.split())  # rich wraps long lines
    if fmt == "json":
        assert json.loads(out)["status"] == "max_steps"
        return
    if fmt == "latex":
        assert out.startswith(r"\[ f(x) = x^{2} \]")
        assert r"\begin{tabular}{rrrrr}" in out
        # escaped ASCII prose
        assert r"\textbar{}grad f\textbar{} = 8.56349e-05 is still above 1e-08" in flat
    else:
        assert "f'(x) = 2x" in out
        assert "‖∇f‖ = 8.56349e−05 is still above 1e−08" in flat
    assert "Stopped at the step limit (50 steps)" in flat
    more = "-{}-iterations" if fmt == "latex" else "--iterations"  # LaTeX keeps both hyphens
    assert f"f is still falling, but slowly. Give it more {more}" in flat


# --- the command ---------------------------------------------------------------------------------


def test_cli_one_variable() -> None:
    out = _ok(["descend", "x^2", "--start", "x=3", "--lr", "0.1", "--iterations", "500"])
    lines = out.splitlines()
    assert lines[0] == "f(x) = x²"
    assert lines[1].startswith("f'(x) = 2x")
    assert lines[4].split() == ["k", "x", "f", "‖∇f‖", "step"]
    assert lines[-1].startswith("Converged after ")


def test_cli_two_variables() -> None:
    out = _ok(["descend", BOWL, "--start", "x=3,y=1", "--iterations", "500"])
    lines = out.splitlines()
    assert lines[0] == "f(x, y) = (x − 1)² + 2·(y + 2)²"
    assert lines[1].startswith("∇f = (2x − 2, 4y + 8)")
    assert "p ← p − η·∇f(p)" in lines[2]
    assert lines[4].split() == ["k", "x", "y", "f", "‖∇f‖", "step"]
    assert lines[-1].startswith("Converged after ")
    assert "at x = 1, y = −2" in lines[-1]


def test_cli_overshoot() -> None:
    out = _ok(["descend", "x^2", "--start", "x=3", "--lr", "1.1"])
    assert OVERSHOOT in out
    assert out.splitlines()[-1].startswith("Diverged after 13 steps")


def test_cli_json_matches_the_library() -> None:
    out = _ok(["descend", "--format", "json", BOWL, "--start", "x=3,y=1", "--iterations", "500"])
    expected = descent_dict(descend(BOWL, "x=3,y=1", 0.1, 500))
    assert json.loads(out) == expected


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["x + y + z", "--start", "x=1,y=1,z=1"], "one or two variables"),
        (["x^2 + y^2", "--start", "x=1"], "--start"),
        (["x^2 + y^2", "--start", "x=1"], "missing: y"),
        (["x^2", "--start", "x=1,y=2"], "--start"),
        (["x^2", "--start", "x=1,y=2"], "y is not a variable"),
        (["x^2", "--start", "x"], "--start"),
        (["x^2", "--start", "x=1", "--lr", "0"], "--lr"),
        (["x^2", "--start", "x=1", "--lr", "-1"], "--lr"),
        (["x^2", "--start", "x=1", "--tol", "0"], "--tol"),
        (["x^2", "--start", "x=1", "--iterations", "0"], "--iterations"),
        (["x^2", "--start", "x=1", "--size", "big"], "--size"),
        (["x^2", "--start", "x=1", "--size", "50x50"], "--size"),
        (["x^2", "--start", "x=1", "--size", "800x"], "--size"),
        (["x^^2", "--start", "x=1"], "x^^2"),
    ],
)
def test_cli_bad_input_exits_2(args: list[str], message: str) -> None:
    assert message in _fails(["descend", *args])


def test_cli_start_is_required() -> None:
    result = runner.invoke(app, ["descend", "x^2"])
    assert result.exit_code == 2
    assert "--start" in result.stderr
    assert "Traceback" not in result.stderr


# --- what each ending means (from a review: verdicts a student could be misled by) -------------


@pytest.mark.parametrize(
    ("expr", "start", "lr", "iterations", "ending", "advice"),
    [
        ("x^2-y^2", "x=1,y=0", 0.1, 1000, ("converged", "not_minimum"), "saddle point"),
        ("-x^2", "x=0", 0.1, 10, ("converged", "not_minimum"), "not a minimum"),
        ("(relu(x)-2)^2", "x=-1", 0.1, 10, ("converged", "flat"), "dead ReLU"),
        ("x^2", "x=3", 0.1, 200, ("converged", "minimum"), "this is a minimum"),
        ("1/x", "x=-1", 0.1, 50, ("diverged", "crossed"), "jumped over a point"),
        ("x^2", "x=3", 3, 4, ("diverged", "overshoot"), "too large"),
        ("x^2", "x=3", 1.01, 50, ("diverged", "overshoot"), "too large"),
        ("x^2", "x=3", 1, 50, ("max_steps", "cycling"), "edge of stability"),
        ("abs(x)", "x=1", 0.1, 50, ("max_steps", "corner"), "corner"),
        ("x^2", "x=3", 0.001, 50, ("max_steps", "small_steps"), "too small"),
        ("tanh(x)^2", "x=5", 0.1, 50, ("max_steps", "plateau"), "vanishing gradient"),
        ("x", "x=3", 0.1, 50, ("max_steps", "steady"), "unbounded below"),
    ],
)
def test_an_ending_is_named_for_what_really_happened(
    expr: str, start: str, lr: float, iterations: int, ending: tuple[str, str], advice: str
) -> None:
    run = descend(expr, start, lr, iterations)
    assert (run.status, run.reason) == ending
    out = _ok(
        ["descend", "--start", start, "--lr", str(lr), "--iterations", str(iterations), "--", expr]
    )
    assert advice in " ".join(out.split())


@pytest.mark.parametrize(
    ("expr", "start", "message"),
    [
        ("ln(x)", "x=-1", "f is undefined (or too large) at the start"),
        ("x^(2/3)", "x=0", "the gradient of f is undefined"),
        ("x^2", "x=10^400", "too large"),
        ("5", "x=1", "not a constant"),
    ],
)
def test_a_start_that_cannot_be_used_is_bad_input(expr: str, start: str, message: str) -> None:
    result = runner.invoke(app, ["descend", "--start", start, "--", expr])
    assert result.exit_code == 2, result.output
    assert message in result.stderr and "Traceback" not in result.output


@pytest.mark.parametrize("fmt", ["json", "latex"])
def test_plot_is_refused_beside_a_machine_format(fmt: str) -> None:
    result = runner.invoke(app, ["descend", "x^2", "--start", "x=1", "--plot", "--format", fmt])
    assert result.exit_code == 2 and result.stdout == ""


@pytest.mark.parametrize(
    ("expr", "start", "lr", "reason"),
    [
        ("x^2 + y^2 - 3x y", "x=0,y=0", 0.1, "not_minimum"),  # falls only along y = x
        ("x y", "x=0,y=0", 0.1, "not_minimum"),  # flat along the axes, a saddle all the same
    ],
)
def test_a_saddle_seen_only_along_a_diagonal_is_no_minimum(
    expr: str, start: str, lr: float, reason: str
) -> None:
    assert descend(expr, start, lr).reason == reason


@pytest.mark.parametrize("start", ["x=0.05", "x=0.25", "x=1"])
def test_a_corner_is_a_corner_wherever_the_hops_fall(start: str) -> None:
    assert descend("abs(x)", start, 0.1, 50).reason == "corner"
