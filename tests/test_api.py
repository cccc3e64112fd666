"""The public Python API, as a notebook uses it: ``derivtutor.differentiate``."""

from __future__ import annotations

import json
import subprocess
import sys

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
