"""The API reference in the README is the docstrings: generated from them, and checked here so
that it never drifts. To write it again after a docstring changes:

    DERIVTUTOR_WRITE_DOCS=1 python -m pytest tests/test_api_docs.py
"""

from __future__ import annotations

import inspect
import os
from pathlib import Path

import derivtutor

README = Path(__file__).parent.parent / "README.md"
START = "<!-- api: generated from the docstrings by tests/test_api_docs.py; do not edit -->"
END = "<!-- api: end -->"


def reference() -> str:
    """Each public function: its signature, then its docstring as it is."""
    out = [START, ""]
    for name in derivtutor.__all__:
        if name.startswith("__"):
            continue
        function = getattr(derivtutor, name)
        signature = str(inspect.signature(function)).replace("'", "")
        out += [f"#### `{name}{signature}`", "", inspect.getdoc(function) or "", ""]
    return "\n".join([*out, END])


def test_the_readme_holds_the_docstrings_as_they_are() -> None:
    text = README.read_text(encoding="utf-8")
    assert START in text and END in text, "the README has no generated API reference"
    before, rest = text.split(START, 1)
    _, after = rest.split(END, 1)
    expected = before + reference() + after
    if os.environ.get("DERIVTUTOR_WRITE_DOCS"):
        README.write_text(expected, encoding="utf-8")
    assert text == expected, "the API reference drifted: rerun with DERIVTUTOR_WRITE_DOCS=1"


def test_every_public_function_has_a_docstring_with_an_example_or_its_arguments() -> None:
    for name in derivtutor.__all__:
        if name.startswith("__"):
            continue
        doc = inspect.getdoc(getattr(derivtutor, name)) or ""
        assert len(doc) > 40, name


def test_every_result_renders_in_jupyter_and_has_a_short_repr() -> None:
    results = [
        derivtutor.differentiate("sin(x^2)"),
        derivtutor.gradient("x^2 y"),
        derivtutor.jacobian(["x y", "x + y^2"]),
        derivtutor.hessian("x^2 y"),
        derivtutor.implicit("x^2 + y^2 = 25"),
        derivtutor.softmax_jacobian(2),
        derivtutor.check("sin(x^2)", "cos(x^2)"),
        derivtutor.differentiate("x^T A x", wrt="x", shapes={"x": "n", "A": "n×n"}),
        derivtutor.check("x^T A x", "2 A x", wrt="x", shapes={"x": "n", "A": "n×n"}),
    ]
    for result in results:
        assert result._repr_markdown_().strip()
        assert isinstance(result.to_dict(), dict)
        shown = repr(result)
        assert shown.startswith(f"<{type(result).__name__}: ") and len(shown) < 200, shown
