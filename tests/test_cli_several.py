"""CLI tests for grad, jacobian (with --softmax), hessian and implicit, through CliRunner: every
option, every format, the JSON shapes, and every bad input (exit 2, a message, no traceback).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import sympy as sp
from contracts import STEP_KEYS
from invoke import fails as _fails
from invoke import ok as _ok
from typer.testing import CliRunner

from derivtutor.language.functions import relu, sigmoid, softplus

runner = CliRunner()

GRAD_KEYS = {"input", "expression", "variables", "gradient", "steps"}
MATRIX_KEYS = {"inputs", "variables", "matrix", "steps"}
SOFTMAX_KEYS = MATRIX_KEYS | {"general", "cross_entropy_gradient", "logsumexp_gradient"}
IMPLICIT_KEYS = {"equation", "variable", "dependent", "derivative", "steps"}
FORMATS = ["text", "rich", "markdown", "latex", "json"]
SQUARED = "(w*x + b - y)^2"
LOGISTIC = "-y*log(sigmoid(w*x+b)) - (1-y)*log(1-sigmoid(w*x+b))"


def _json(args: list[str]) -> dict[str, Any]:
    # The format goes first: a command may end with "-- EXPR" (an expression starting with -).
    data = json.loads(_ok([args[0], "--format", "json", *args[1:]]))  # nothing else on stdout
    assert isinstance(data, dict)
    return data


def _steps(step: dict[str, Any]) -> list[dict[str, Any]]:
    return [step, *(s for sub in step["substeps"] for s in _steps(sub))]


def _read(text: str, names: list[str]) -> sp.Expr:
    """DESIGN.md: sympify reads every string, given the ML functions and real variables."""
    local: dict[str, Any] = {"sigmoid": sigmoid, "relu": relu, "softplus": softplus}
    local.update({name: sp.Symbol(name, real=True) for name in names})
    return sp.sympify(text, locals=local)


def _assert_steps_are_well_formed(step: dict[str, Any], names: list[str]) -> None:
    for node in _steps(step):
        assert set(node) == STEP_KEYS
        function = _read(node["expression"], [*names, "u1", "u2", "u3", "u4"])
        derivative = _read(node["derivative"], [*names, "u1", "u2", "u3", "u4"])
        variable = sp.Symbol(node["variable"], real=True)
        assert sp.simplify(derivative - sp.diff(function, variable)) == 0, node


# --- grad ---------------------------------------------------------------------------------------


def test_grad_text_is_the_textbook_squared_loss() -> None:
    out = _ok(["grad", SQUARED, "--vars", "w,b", "--format", "text"])
    assert "Gradient of f = (w·x + b − y)² with respect to (w, b)" in out
    assert "∇f = (2x·(w·x + b − y), 2·(w·x + b − y))" in out
    assert "(a partial derivative: b, x, y are held constant)" in out
    assert "alphabetical" not in out
    assert out.index("── ∂f/∂w ──") < out.index("── ∂f/∂b ──")


def test_grad_default_format_when_piped_is_text() -> None:
    assert _ok(["grad", "x^2 y"]) == _ok(["grad", "x^2 y", "--format", "text"])


def test_grad_without_vars_says_the_order_is_alphabetical() -> None:
    out = _ok(["grad", "y sin(x) + z", "--format", "text"])
    assert "with respect to (x, y, z)" in out
    assert "alphabetical order" in out


def test_grad_vars_order_is_kept() -> None:
    data = _json(["grad", "x^2 y", "--vars", "y,x"])
    assert data["variables"] == ["y", "x"]
    assert data["gradient"] == ["x**2", "2*x*y"]


def test_grad_json_has_exactly_the_documented_keys() -> None:
    data = _json(["grad", "--vars", "w,b", "--", LOGISTIC])
    assert set(data) == GRAD_KEYS
    assert data["input"] == LOGISTIC
    assert data["variables"] == ["w", "b"]
    names = ["w", "b", "x", "y"]
    w, b, x, y = (sp.Symbol(n, real=True) for n in names)
    expression = _read(data["expression"], names)
    assert (
        sp.simplify(
            expression
            - (-y * sp.log(sigmoid(w * x + b)) - (1 - y) * sp.log(1 - sigmoid(w * x + b)))
        )
        == 0
    )
    gradient = [_read(g, names) for g in data["gradient"]]
    assert sp.expand(gradient[0] - x * (sigmoid(w * x + b) - y)) == 0
    assert gradient[1] == sigmoid(w * x + b) - y
    assert [s["variable"] for s in data["steps"]] == ["w", "b"]
    for step in data["steps"]:
        assert set(step) == STEP_KEYS


def test_grad_json_steps_are_true_statements() -> None:
    data = _json(["grad", "x^2 y + sin(x y)"])
    for step in data["steps"]:
        _assert_steps_are_well_formed(step, ["x", "y"])


def test_grad_at_shows_a_finite_difference_per_component() -> None:
    out = _ok(["grad", "x^2 y + sin(y)", "--at", "x=1,y=2", "--format", "text"])
    assert out.count("Gradient check at x = 1, y = 2") == 2
    assert out.count("They agree") == 2
    assert "∂/∂x [x²·y + sin(y)] = 4" in out


def test_grad_at_in_json_keeps_the_documented_shape() -> None:
    # The check is in the text; JSON keeps exactly the documented keys.
    assert set(_json(["grad", "x^2 y", "--at", "x=1,y=2"])) == GRAD_KEYS


@pytest.mark.parametrize("fmt", FORMATS)
def test_grad_every_format(fmt: str) -> None:
    out = _ok(["grad", "x^2 y + sin(y)", "--vars", "x,y", "--at", "x=1,y=2", "--format", fmt])
    assert out.strip()
    if fmt == "json":
        assert set(json.loads(out)) == GRAD_KEYS
    elif fmt == "latex":
        assert "\\partial" in out and "\\begin{align*}" in out
    elif fmt == "markdown":
        assert "#### ∂f/∂" in out
    else:
        assert "∇f = (2x·y, x² + cos(y))" in out


def test_grad_of_an_expression_starting_with_minus_after_double_dash() -> None:
    out = _ok(["grad", "--format", "text", "--", "-x^2 y"])
    assert "∇f = (−2x·y, −x²)" in out


def test_grad_of_a_bare_negative_expression_needs_no_double_dash() -> None:
    assert "∇f = (−2x·y, −x²)" in _ok(["grad", "-x^2 y"])


def test_the_logistic_loss_after_double_dash() -> None:
    out = _ok(["grad", "--vars", "w,b", "--format", "text", "--", LOGISTIC])
    assert "∇f = (x·(σ(w·x + b) − y), σ(w·x + b) − y)" in out


def test_grad_reads_the_expression_from_stdin() -> None:
    out = _ok(["grad", "-", "--format", "json"], input="x y\n")
    assert json.loads(out)["gradient"] == ["y", "x"]


def test_grad_logsumexp_is_softmax() -> None:
    out = _ok(["grad", "log(exp(z1)+exp(z2)+exp(z3))", "--format", "text"])
    assert "the gradient of log-sum-exp is softmax" in out


# --- jacobian -----------------------------------------------------------------------------------


def test_jacobian_text_is_a_matrix() -> None:
    out = _ok(["jacobian", "x y", "x + y^2", "--format", "text"])
    assert "Jacobian of (f1, f2) = (x·y, x + y²) with respect to (x, y)" in out
    rows = [line.split() for line in out.splitlines() if line.startswith("  f")]
    assert rows == [["f1", "y", "x"], ["f2", "1", "2y"]]
    assert "(--steps shows the derivation of every entry)" in out


def test_jacobian_rich_is_a_table() -> None:
    out = _ok(["jacobian", "x y", "x + y^2", "--format", "rich"])
    assert "∂/∂x" in out and "2y" in out
    assert any(corner in out for corner in "┏┌+")


def test_jacobian_vars_choose_the_columns() -> None:
    data = _json(["jacobian", "x y", "x + y^2", "--vars", "y,x"])
    assert data["variables"] == ["y", "x"]
    assert data["matrix"] == [["x", "y"], ["2*y", "1"]]


def test_jacobian_steps_shows_each_entry() -> None:
    out = _ok(["jacobian", "x y", "x + y^2", "--steps", "--format", "text"])
    headings = [line for line in out.splitlines() if line.startswith("── ")]
    assert headings == ["── ∂f1/∂x ──", "── ∂f1/∂y ──", "── ∂f2/∂x ──", "── ∂f2/∂y ──"]
    assert "(--steps shows" not in out


def test_jacobian_json_has_exactly_the_documented_keys() -> None:
    data = _json(["jacobian", "r cos(t)", "r sin(t)", "--vars", "r,t"])
    assert set(data) == MATRIX_KEYS
    assert data["inputs"] == ["r cos(t)", "r sin(t)"]
    names = ["r", "t"]
    r, t = (sp.Symbol(n, real=True) for n in names)
    matrix = sp.Matrix([[_read(e, names) for e in row] for row in data["matrix"]])
    polar = sp.Matrix([[sp.cos(t), -r * sp.sin(t)], [sp.sin(t), r * sp.cos(t)]])
    assert sp.simplify(matrix - polar) == sp.zeros(2, 2)
    assert sp.simplify(matrix.det()) == r
    assert [[s["variable"] for s in row] for row in data["steps"]] == [["r", "t"], ["r", "t"]]
    for row in data["steps"]:
        for step in row:
            _assert_steps_are_well_formed(step, names)


@pytest.mark.parametrize("fmt", FORMATS)
def test_jacobian_every_format(fmt: str) -> None:
    out = _ok(["jacobian", "x y", "sin(x) + y", "--steps", "--format", fmt])
    assert out.strip()
    if fmt == "json":
        assert set(json.loads(out)) == MATRIX_KEYS


@pytest.mark.parametrize("n", range(2, 9))
def test_softmax_sizes(n: int) -> None:
    data = _json(["jacobian", "--softmax", str(n)])
    assert set(data) == SOFTMAX_KEYS
    assert data["variables"] == [f"z{m}" for m in range(1, n + 1)]
    assert len(data["matrix"]) == n and all(len(row) == n for row in data["matrix"])
    assert len(data["cross_entropy_gradient"]) == n == len(data["logsumexp_gradient"])
    assert data["general"] == "p_i*(KroneckerDelta(i, j) - p_j)"
    out = _ok(["jacobian", "--softmax", str(n), "--format", "text"])
    assert f"For N = {n}" in out
    assert f"p{_sub(n)}·(1 − p{_sub(n)})" in out


def _sub(n: int) -> str:
    return "₀₁₂₃₄₅₆₇₈₉"[n]


def test_softmax_json_matrix_is_diag_p_minus_p_p_transpose() -> None:
    data = _json(["jacobian", "--softmax", "3"])
    names = ["z1", "z2", "z3"]
    zs = [sp.Symbol(n, real=True) for n in names]
    p = [sp.exp(v) / sum(sp.exp(u) for u in zs) for v in zs]
    point = {zs[0]: 0.3, zs[1]: -1.2, zs[2]: 0.8}
    for r in range(3):
        for c in range(3):
            expected = (p[r] * (int(r == c) - p[c])).evalf(subs=point)
            got = _read(data["matrix"][r][c], names).evalf(subs=point)
            assert abs(got - expected) < 1e-12


def test_softmax_general_case() -> None:
    data = _json(["jacobian", "--softmax", "n"])
    assert set(data) == SOFTMAX_KEYS
    assert data["matrix"] == [["p_i*(KroneckerDelta(i, j) - p_j)"]]
    out = _ok(["jacobian", "--softmax", "n", "--format", "text"])
    assert "pᵢ·(δᵢⱼ − pⱼ)" in out and "diag(p) − p·pᵀ" in out
    assert "For N =" not in out


def test_softmax_steps_derive_every_entry() -> None:
    out = _ok(["jacobian", "--softmax", "2", "--steps", "--format", "text"])
    headings = [line for line in out.splitlines() if line.startswith("── ")]
    assert headings == ["── ∂p1/∂z₁ ──", "── ∂p1/∂z₂ ──", "── ∂p2/∂z₁ ──", "── ∂p2/∂z₂ ──"]
    assert "Quotient rule" in out


@pytest.mark.parametrize("fmt", FORMATS)
def test_softmax_every_format(fmt: str) -> None:
    out = _ok(["jacobian", "--softmax", "3", "--format", fmt])
    assert out.strip()
    if fmt != "json":
        assert "softmax" in out


# --- hessian ------------------------------------------------------------------------------------


def test_hessian_text() -> None:
    out = _ok(["hessian", "x^2 y + sin(y)", "--format", "text"])
    rows = [line.split() for line in out.splitlines() if line.startswith("  ∂/∂")]
    assert rows == [["∂/∂x", "2y", "2x"], ["∂/∂y", "2x", "−sin(y)"]]
    assert "Schwarz" in out and "∂²f/∂x∂y = ∂²f/∂y∂x" in out


def test_hessian_vars_and_steps() -> None:
    out = _ok(["hessian", "x^2 y + sin(y)", "--vars", "y,x", "--steps", "--format", "text"])
    assert "with respect to (y, x)" in out
    headings = [line for line in out.splitlines() if line.startswith("── ")]
    assert headings == [
        "── ∂f/∂y ──",
        "── ∂f/∂x ──",
        "── ∂²f/∂y² ──",
        "── ∂²f/∂x∂y ──",
        "── ∂²f/∂x² ──",
    ]


def test_hessian_json_is_symmetric() -> None:
    data = _json(["hessian", "x^3 y^2 + exp(x y)"])
    assert set(data) == MATRIX_KEYS
    assert data["inputs"] == ["x^3 y^2 + exp(x y)"]
    assert data["variables"] == ["x", "y"]
    assert data["matrix"][0][1] == data["matrix"][1][0]
    assert data["steps"][0][1] == data["steps"][1][0]
    x, y = sp.symbols("x y", real=True)
    reference = sp.hessian(x**3 * y**2 + sp.exp(x * y), [x, y])
    for r in range(2):
        for c in range(2):
            assert sp.simplify(_read(data["matrix"][r][c], ["x", "y"]) - reference[r, c]) == 0
            _assert_steps_are_well_formed(data["steps"][r][c], ["x", "y"])


@pytest.mark.parametrize("fmt", FORMATS)
def test_hessian_every_format(fmt: str) -> None:
    assert _ok(["hessian", "sigmoid(w x + b)", "--vars", "w,b", "--steps", "--format", fmt])


# --- implicit -----------------------------------------------------------------------------------


def test_implicit_text() -> None:
    out = _ok(["implicit", "x^3 + y^3 = 6 x y", "--format", "text"])
    assert "4. Solve: dy/dx = (2y − x²)/(y² − 2x)" in out
    assert "(the same)" in out


def test_implicit_wrt_and_dependent() -> None:
    out = _ok(["implicit", "t^2 + s^2 = 1", "--wrt", "t", "--dependent", "s", "--format", "text"])
    assert "ds/dt = −t/s" in out


def test_implicit_json_has_exactly_the_documented_keys() -> None:
    data = _json(["implicit", "sin(x y) = x"])
    assert set(data) == IMPLICIT_KEYS
    assert (data["equation"], data["variable"], data["dependent"]) == ("sin(x y) = x", "x", "y")
    x, y = sp.symbols("x y", real=True)
    derivative = _read(data["derivative"], ["x", "y"])
    assert derivative.free_symbols == {x, y}
    assert sp.simplify(derivative - (1 - y * sp.cos(x * y)) / (x * sp.cos(x * y))) == 0
    assert len(data["steps"]) == 2
    for step in data["steps"]:
        for node in _steps(step):
            assert set(node) == STEP_KEYS


@pytest.mark.parametrize("fmt", FORMATS)
def test_implicit_every_format(fmt: str) -> None:
    out = _ok(["implicit", "e^(x y) = x + y", "--format", fmt])
    assert out.strip()
    if fmt in ("text", "rich", "markdown", "latex"):
        assert "left side" in out and "right side" in out


# --- bad input: exit 2, a message on stderr, no traceback ---------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["grad", "x^2 y", "--vars", "x,q"], "q does not appear in the expression"),
        (["grad", "x^2 y", "--vars", "x,x"], "listed twice"),
        (["grad", "x^2 y", "--vars", "x+y"], "--vars needs variable names"),
        (["grad", "5"], "no variables"),
        (["grad", "x^2 y", "--at", "x=1"], "missing: y"),
        (["grad", "x^2 y", "--at", "x1,y=2"], "--at expects VAR=VALUE"),
        (["grad", "x^2 y", "--at", "x=,y=2"], "--at expects VAR=VALUE"),
        (["grad", "x^2 y", "--at", "x=a,y=2"], "must be a number"),
        (["grad", "x^2 y", "--at", "x=1,y=2)"], "cannot be read"),
        (["grad", "x^2 +"], "needs something after it"),
        (["grad", "x^2 = y"], "="),
        (["grad", "x^2 y", "--format", "pdf"], "pdf"),
        (["jacobian"], "give at least one expression"),
        (["jacobian", "--vars", "x"], "give at least one expression"),
        (["jacobian", "x y", "--vars", "z"], "z does not appear"),
        (["jacobian", "x y", "sin x"], "did you mean sin(x)?"),
        (["jacobian", "x y", "(x"], "never closed"),
        (["jacobian", "--softmax", "1"], "from 2 to 8, or n"),
        (["jacobian", "--softmax", "9"], "from 2 to 8, or n"),
        (["jacobian", "--softmax", "abc"], "from 2 to 8, or n"),
        (["jacobian", "--softmax", "2.5"], "from 2 to 8, or n"),
        (["jacobian", "--softmax", ""], "from 2 to 8, or n"),
        (["jacobian", "x y", "--softmax", "3"], "either expressions or --softmax"),
        (["hessian", "x y", "--vars", "x,w"], "w does not appear"),
        (["hessian", "sin(x"], "never closed"),
        (["hessian", "x y", "--vars", ""], "--vars needs variable names"),
        (["implicit", "x^2 + y^2"], "exactly one '='"),
        (["implicit", "x = y = 1"], "exactly one '=', not 2"),
        (["implicit", "x^2 + y^2 = 25 +"], "needs something after it"),
        (["implicit", "x + y + z = 1"], "it also has z"),
        (["implicit", "x^2 = 4"], "has no y"),
        (["implicit", "x^2 + y^2 = 1", "--wrt", "y"], "must be different"),
        (["implicit", "x^2 + y^2 = 1", "--dependent", "2"], "needs a variable name"),
        (["implicit", "= y"], "left side of the equation is empty"),
    ],
)
def test_bad_input_exits_2_with_a_message(args: list[str], message: str) -> None:
    err = _fails(args)
    assert message in err


def test_an_unknown_variable_lists_the_known_ones() -> None:
    err = _fails(["grad", "x^2 y", "--vars", "x,q"])
    assert "its variables: x, y" in err


def test_a_malformed_at_points_at_the_column() -> None:
    err = _fails(["grad", "x^2 y", "--at", "x=1,y=2)"])
    lines = err.splitlines()
    caret = next(line for line in lines if line.strip() == "^")
    assert lines[lines.index(caret) - 1] == "  x=1,y=2)"
    assert caret.index("^") == 2 + len("x=1,y=2")


def test_a_bad_side_of_an_equation_points_into_the_whole_equation() -> None:
    err = _fails(["implicit", "x^2 + y^2 = 25 +"])
    assert "  x^2 + y^2 = 25 +\n" in err
    assert "\n" + " " * (2 + len("x^2 + y^2 = 25 +")) + "^" in err


def test_json_errors_go_to_stderr_only() -> None:
    err = _fails(["grad", "x^2 y", "--vars", "q", "--format", "json"])
    assert err.startswith("error: ")


# --- help ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["grad", "jacobian", "hessian", "implicit"])
def test_help_has_an_example(command: str) -> None:
    out = _ok([command, "--help"])
    assert f"Example: derivtutor {command} " in out
    assert "[bold]" not in out


def test_jacobian_help_mentions_the_softmax_range() -> None:
    out = _ok(["jacobian", "--help"])
    assert "--softmax" in out and "2 to 8" in out


# --- LaTeX compiles -----------------------------------------------------------------------------

LATEX_COMMANDS = [
    ["grad", "x^2 y + sin(y)", "--at", "x=1,y=2"],
    ["grad", "--vars", "w,b", "--", LOGISTIC],
    ["grad", "log(exp(z1)+exp(z2)+exp(z3))"],
    ["jacobian", "r cos(t)", "r sin(t)", "--vars", "r,t", "--steps"],
    ["hessian", "x^2 y + sin(y)", "--steps"],
    ["hessian", "sigmoid(w1 x + b)", "--vars", "w1,b", "--steps"],
    ["implicit", "x^3 + y^3 = 6 x y"],
    ["implicit", "e^(x y) = x + y"],
    ["jacobian", "--softmax", "3", "--steps"],
    ["jacobian", "--softmax", "n"],
]


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex is not installed")
@pytest.mark.parametrize("args", LATEX_COMMANDS, ids=lambda a: " ".join(a)[:40])
def test_latex_compiles(args: list[str], tmp_path: Path) -> None:
    body = _ok([args[0], "--format", "latex", *args[1:]])
    document = (
        "\\documentclass{article}\n\\usepackage{amsmath}\n\\begin{document}\n"
        + body
        + "\n\\end{document}\n"
    )
    (tmp_path / "doc.tex").write_text(document, encoding="utf-8")
    done = subprocess.run(
        ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "doc.tex"],
        cwd=tmp_path,
        capture_output=True,
        check=False,
        stdin=subprocess.DEVNULL,
        timeout=25,
    )
    log = done.stdout.decode(errors="replace")
    assert done.returncode == 0, log[-2000:]
    assert (tmp_path / "doc.pdf").exists()
