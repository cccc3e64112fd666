"""--answer: the result alone, in each format, and each form reads back as the derivative."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import sympy as sp
from invoke import ok

from derivtutor.language.functions import relu, sigmoid, softplus
from derivtutor.language.parse import parse

x, y = sp.symbols("x y", real=True)
NAMES = {"x": x, "y": y, "sigmoid": sigmoid, "relu": relu, "softplus": softplus}


def _sympy(text: str) -> sp.Expr:
    """Our own output read back, as DESIGN.md promises SymPy can (never user text)."""
    return sp.sympify(text, locals=NAMES)


@pytest.mark.parametrize(
    ("function", "derivative"),
    [
        ("sin(x^2)", 2 * x * sp.cos(x**2)),
        ("1/(1+exp(-x))", sigmoid(x) * (1 - sigmoid(x))),
        ("x^3 ln(x)", 3 * x**2 * sp.log(x) + x**2),
    ],
)
def test_text_is_sympy_syntax_alone(function: str, derivative: sp.Expr) -> None:
    out = ok(["diff", function, "--answer", "--format", "text"])
    assert out.count("\n") == 1 and "Result" not in out
    got = _sympy(out)
    assert sp.simplify((got - derivative).rewrite(sp.exp)) == 0


def test_text_of_sin_squared_is_exactly_as_sympy_writes_it() -> None:
    assert ok(["diff", "sin(x^2)", "--answer", "--format", "text"]) == "2*x*cos(x**2)\n"


def test_latex_alone_reads_back() -> None:
    out = ok(["diff", "sin(x^2)", "--answer", "--format", "latex"])
    assert out == "2 x \\cos{\\left(x^{2} \\right)}\n"
    assert parse(out.strip()).doit() == 2 * x * sp.cos(x**2)  # and derivtutor reads it back


def test_markdown_is_the_latex_in_dollars() -> None:
    assert ok(["diff", "sin(x^2)", "--answer", "--format", "markdown"]) == (
        "$2 x \\cos{\\left(x^{2} \\right)}$\n"
    )


def test_json_holds_both() -> None:
    data = json.loads(ok(["diff", "sin(x^2)", "--answer", "--format", "json"]))
    assert data == {"answer": "2*x*cos(x**2)", "latex": "2 x \\cos{\\left(x^{2} \\right)}"}


def test_rich_is_the_copyable_text_too() -> None:
    assert ok(["diff", "sin(x^2)", "--answer", "--format", "rich"]) == "2*x*cos(x**2)\n"


@pytest.mark.parametrize(
    ("args", "text", "latex"),
    [
        (["grad", "x^2 y + sin(y)"], "[2*x*y, x**2 + cos(y)]", r"\begin{pmatrix} 2 x y \\"),
        (["jacobian", "x y", "x + y^2"], "Matrix([[y, x], [1, 2*y]])", r"& 2 y \end{pmatrix}"),
        (["hessian", "x^2 y"], "Matrix([[2*y, 2*x], [2*x, 0]])", r"\begin{pmatrix} 2 y & 2 x"),
        (["implicit", "x^2 + y^2 = 25"], "-x/y", r"- \frac{x}{y}"),
        (["jacobian", "--softmax", "n"], "diag(p) - p*p.T", r"\operatorname{diag}(p)"),
        (
            ["diff", "x^T A x", "--wrt", "x", "--shape", "x=n,A=n×n"],
            "(A + A.T)*x",
            r"\left(A + A^{\top}\right) x",
        ),
    ],
    ids=["grad", "jacobian", "hessian", "implicit", "softmax", "matrix"],
)
def test_every_derivative_command_has_an_answer(args: list[str], text: str, latex: str) -> None:
    assert ok([*args, "--answer", "--format", "text"]) == text + "\n"
    assert latex in ok([*args, "--answer", "--format", "latex"])


def test_the_console_script_prints_the_answer_for_a_pipe() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "derivtutor", "diff", "tanh(x)", "--answer"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert _sympy(out).equals(1 - sp.tanh(x) ** 2)


def test_with_at_the_answer_is_the_value_there() -> None:
    assert ok(["diff", "x^3", "--at", "x=2", "--answer", "--format", "text"]) == "12.0\n"
    data = json.loads(ok(["diff", "x^3", "--at", "x=2", "--answer", "--format", "json"]))
    assert data == {"answer": "3*x**2", "latex": "3 x^{2}", "value": 12.0}
