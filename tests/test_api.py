"""The public Python API, as a notebook uses it: ``derivtutor.differentiate``."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest
import sympy as sp

import derivtutor
from derivtutor.errors import InputError, UsageError

x = sp.Symbol("x", real=True)


def test_import_is_cheap() -> None:
    """``import derivtutor`` loads no SymPy: that waits for the first derivative."""
    code = (
        "import sys, derivtutor\n"
        "assert callable(derivtutor.differentiate)\n"
        "print('sympy' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, check=False)
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout.decode().strip() == "False"


def test_public_names() -> None:
    assert derivtutor.__all__ == [
        "__version__",
        "backprop_layers",
        "check",
        "differentiate",
        "gradient",
        "hessian",
        "implicit",
        "jacobian",
        "softmax_jacobian",
    ]
    assert derivtutor.__version__.count(".") == 2


def test_tanh() -> None:
    result = derivtutor.differentiate("tanh(x)")
    assert isinstance(result.derivative, sp.Expr)
    assert result.derivative == sp.sech(x) ** 2
    assert result.variable == x
    assert result.order == 1
    assert len(result.steps) == 1
    assert result.steps[0].rule == "hyperbolic"
    assert result.steps[0].eval() == sp.sech(x) ** 2


def test_to_dict_is_the_json_shape() -> None:
    data = derivtutor.differentiate("tanh(x)").to_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["input"] == "tanh(x)"
    assert data["derivative"] == "sech(x)**2"
    assert data["forms"] == ["1 - tanh(x)**2"]
    assert data["steps"][0]["rule"] == "hyperbolic"
    assert data["steps"][0]["substeps"] == []
    assert data["at"] is None


def test_repr_markdown_for_jupyter() -> None:
    markdown = derivtutor.differentiate("tanh(x)")._repr_markdown_()
    assert markdown.startswith("### $")
    assert r"\operatorname{sech}^{2}{\left(x \right)}" in markdown
    assert "Hyperbolic rule" in markdown


def test_order_and_at() -> None:
    result = derivtutor.differentiate("x^3", order=2, at="x=2")
    assert len(result.steps) == 2
    assert result.derivative == 6 * x
    assert result.at is not None
    assert result.at.value == 12.0
    assert result.at.finite_difference == pytest.approx(12.0, rel=1e-6)


def test_wrt_holds_the_others_constant() -> None:
    result = derivtutor.differentiate("x^2 y^3", wrt="y")
    assert result.partial
    assert [v.name for v in result.held_constant] == ["x"]
    assert result.derivative == 3 * x**2 * sp.Symbol("y", real=True) ** 2


@pytest.mark.parametrize(
    ("text", "options", "error"),
    [
        ("sin x", {}, InputError),
        ("", {}, InputError),
        ("x^2 y", {}, UsageError),
        ("x^2", {"order": 0}, UsageError),
        ("x^2", {"at": "x"}, InputError),
    ],
)
def test_errors(text: str, options: dict[str, object], error: type[Exception]) -> None:
    with pytest.raises(error):
        derivtutor.differentiate(text, **options)  # type: ignore[arg-type]


# --- the API as a notebook user calls it (issue 15 §5) ----------------------------------------


def test_sympy_expressions_are_read_through_the_whitelist() -> None:
    x, t = sp.symbols("x t")  # plain symbols: read as the parser's real ones, by name
    result = derivtutor.differentiate(sp.sin(x**2) * sp.exp(-x))
    assert result.derivative.equals(derivtutor.differentiate("sin(x^2) e^(-x)").derivative)
    assert derivtutor.check(sp.sin(x**2), 2 * x * sp.cos(x**2)).correct
    assert derivtutor.differentiate(t**3, wrt=t).derivative == 3 * sp.Symbol("t", real=True) ** 2


@pytest.mark.parametrize(
    "given",
    [
        "Integral",
        "Function",
        "Derivative",
        "Max",
        "Symbol",
        "list",
    ],
)
def test_what_is_not_on_the_whitelist_is_refused(given: str) -> None:
    x = sp.Symbol("x")
    made = {
        "Integral": sp.Integral(x, x),
        "Function": sp.Function("f")(x),
        "Derivative": sp.Derivative(x**2, x),
        "Max": sp.Max(x, 1),
        "Symbol": sp.Symbol("__import__"),
        "list": [x],
    }[given]
    with pytest.raises(InputError):
        derivtutor.differentiate(made)


def test_at_takes_a_dict_and_wrt_a_symbol() -> None:
    x, y = sp.symbols("x y")
    text = derivtutor.differentiate("x^2 y", wrt="y", at="x=3,y=2")
    mapped = derivtutor.differentiate("x^2 y", wrt=y, at={x: 3, "y": 2})
    assert mapped.at is not None and text.at is not None
    assert mapped.at.value == text.at.value == 9
    assert derivtutor.gradient("x^2 y", vars=[y, x], at={"x": 1, "y": 2}).vector == (
        sp.Symbol("x", real=True) ** 2,
        2 * sp.Symbol("x", real=True) * sp.Symbol("y", real=True),
    )


def test_check_renders_markdown_in_a_notebook() -> None:
    wrong = derivtutor.check("sin(x^2)", "cos(x^2)")._repr_markdown_()
    assert "Verdict:  incorrect" in wrong
    assert "missing\\_chain\\_factor" in wrong
    assert "$\\cos{\\left(x^{2} \\right)}$" in wrong
    right = derivtutor.check("sin(x^2)", "2x cos(x^2)")._repr_markdown_()
    assert "Verdict:  correct" in right


@pytest.mark.parametrize(
    ("made", "derivative"),
    [
        (lambda x: sp.Float(123456789.123) * x, sp.Rational(123456789123, 1000)),
        (lambda x: x ** sp.Float(2.0000004), None),
        (lambda x: sp.Float("1e400") * x, InputError),
        (lambda x: sp.Float("1e-400") * x**2 + x, InputError),
    ],
)
def test_a_float_is_read_with_every_digit_it_has_or_refused(made: Any, derivative: Any) -> None:
    x = sp.Symbol("x")
    if derivative is InputError:
        with pytest.raises(InputError):
            derivtutor.differentiate(made(x))
        return
    result = derivtutor.differentiate(made(x)).derivative
    if derivative is not None:
        assert result == derivative
    else:
        assert result != 2 * sp.Symbol("x", real=True)  # 2.0000004 is not 2
