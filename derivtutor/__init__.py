"""derivtutor: a calculus tutor for the maths behind machine learning.

The public Python API. Imports are lazy, so ``import derivtutor`` (and ``derivtutor --help``)
does not load SymPy.

    >>> from derivtutor import differentiate
    >>> differentiate("tanh(x)").derivative
    sech(x)**2
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, overload

from derivtutor.errors import UsageError

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    import sympy as sp

    from derivtutor.calculus.differentiation import Differentiation
    from derivtutor.calculus.implicit import ImplicitDerivative
    from derivtutor.calculus.matrix_derivative import MatrixDerivative
    from derivtutor.calculus.multivar import Gradient, Hessian, Jacobian
    from derivtutor.grading.matrix_check import MatrixVerdict
    from derivtutor.grading.verdict import Verdict
    from derivtutor.ml.layers import Layers
    from derivtutor.ml.softmax import SoftmaxJacobian

__version__ = "0.1.0"
__all__ = [
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


@overload
def differentiate(
    text: str | sp.Expr,
    wrt: str | sp.Symbol | None = None,
    order: int = 1,
    at: str | Mapping[str | sp.Symbol, object] | None = None,
) -> Differentiation: ...


@overload
def differentiate(
    text: str | sp.Expr,
    wrt: str | sp.Symbol | None = None,
    order: int = 1,
    at: str | Mapping[str | sp.Symbol, object] | None = None,
    *,
    shapes: Mapping[str, str],
    symmetric: Sequence[str] = (),
) -> MatrixDerivative: ...


def differentiate(
    text: str | sp.Expr,
    wrt: str | sp.Symbol | None = None,
    order: int = 1,
    at: str | Mapping[str | sp.Symbol, object] | None = None,
    *,
    shapes: Mapping[str, str] | None = None,
    symmetric: Sequence[str] = (),
) -> Differentiation | MatrixDerivative:
    """Differentiate ``text`` step by step: ``differentiate("x^2 sin(x)")``.

    ``text`` is what you would type, or a SymPy expression (checked against the same
    whitelist, then read as text is). ``wrt`` names the variable (a name or a Symbol; needed
    when there are several), ``order`` repeats the derivative, ``at`` ("x=0.5" or
    ``{"x": 0.5}``) evaluates it beside a finite difference. The result has ``.derivative``
    (SymPy), ``.steps``, ``.to_dict()`` (the JSON shape) and renders itself in Jupyter.
    Raises ``derivtutor.errors.InputError`` for what cannot be read.

    With ``shapes`` (``{"x": "n", "A": "n×n"}``: a column vector, a matrix) the expression is
    one of vectors and matrices, derived by differentials: ``.result`` is the gradient (the
    shape of ``wrt``) or the Jacobian, ``.derivation`` its steps; ``symmetric`` names the
    symmetric matrices, and ``at`` gives each a value ("A=[[1,2],[3,4]],x=[1,-1]").
    """
    text, wrt, at = _text(text), _name(wrt), _point(at)
    if shapes is not None:
        from derivtutor.calculus.matrix_derivative import matrix_derivative

        if order != 1:
            raise UsageError("with shapes the derivative is of first order")
        return matrix_derivative(text, wrt=wrt, shapes=shapes, symmetric=symmetric, at=at)
    from derivtutor.calculus.differentiation import differentiate as _differentiate

    return _differentiate(text, wrt=wrt, order=order, at=at)


def gradient(
    text: str | sp.Expr,
    vars: str | Sequence[str | sp.Symbol] | None = None,
    at: str | Mapping[str | sp.Symbol, object] | None = None,
) -> Gradient:
    """The gradient of ``text``: one partial derivative per variable, each with its steps.

    ``vars`` ("w,b", or ["w", "b"], or Symbols) fixes the variables and their order; by
    default they are all of them, alphabetically. ``at`` ("x=1,y=2" or ``{"x": 1, "y": 2}``)
    adds a finite-difference check per component.
    """
    from derivtutor.calculus.multivar import gradient as _gradient

    return _gradient(_text(text), _names(vars), _point(at))


def jacobian(
    texts: Sequence[str | sp.Expr], vars: str | Sequence[str | sp.Symbol] | None = None
) -> Jacobian:
    """The Jacobian matrix of the functions ``texts``: ``.matrix``, ``.entries``, ``.to_dict()``."""
    from derivtutor.calculus.multivar import jacobian as _jacobian

    given = texts if isinstance(texts, str) else [_text(t) for t in texts]
    return _jacobian(given, _names(vars))


def hessian(text: str | sp.Expr, vars: str | Sequence[str | sp.Symbol] | None = None) -> Hessian:
    """The Hessian of ``text``, each mixed partial derived once (Schwarz)."""
    from derivtutor.calculus.multivar import hessian as _hessian

    return _hessian(_text(text), _names(vars))


def softmax_jacobian(n: int | str) -> SoftmaxJacobian:
    """The softmax Jacobian pᵢ(δᵢⱼ − pⱼ): for n from 2 to 8 with explicit matrices, or "n"."""
    from derivtutor.ml.softmax import softmax_jacobian as _softmax_jacobian

    return _softmax_jacobian(n)


def implicit(
    text: str | sp.Eq, wrt: str | sp.Symbol = "x", dependent: str | sp.Symbol = "y"
) -> ImplicitDerivative:
    """dy/dx from an equation such as "x^2 + y^2 = 25" (or ``sp.Eq(x**2 + y**2, 25)``), by
    implicit differentiation."""
    from derivtutor.calculus.implicit import implicit as _implicit

    equation = text
    if not isinstance(text, str) and type(text).__name__ == "Equality":
        equation = f"{_text(text.lhs)} = {_text(text.rhs)}"
    return _implicit(_text(equation), _name(wrt), _name(dependent))


@overload
def check(
    function: str | sp.Expr,
    answer: str | sp.Expr,
    wrt: str | sp.Symbol | None = None,
    domain: str | None = None,
) -> Verdict: ...


@overload
def check(
    function: str | sp.Expr,
    answer: str | sp.Expr,
    wrt: str | sp.Symbol | None = None,
    domain: str | None = None,
    *,
    shapes: Mapping[str, str],
    symmetric: Sequence[str] = (),
) -> MatrixVerdict: ...


def check(
    function: str | sp.Expr,
    answer: str | sp.Expr,
    wrt: str | sp.Symbol | None = None,
    domain: str | None = None,
    *,
    shapes: Mapping[str, str] | None = None,
    symmetric: Sequence[str] = (),
) -> Verdict | MatrixVerdict:
    """Is ``answer`` the derivative of ``function``? ``check("sin(x^2)", "2x cos(x^2)")``.

    Numeric, at seeded points (so a verdict never changes between runs), then confirmed at
    fresh ones; a wrong answer gets a witness point and, where one of the known mistakes
    reproduces it, the mistake's id and where it was made. Either side may be text or a SymPy
    expression; ``domain`` ("0:3") is where points are drawn. ``.correct``, ``.verdict``,
    ``.to_dict()`` (the JSON shape), and it renders itself in Jupyter.

    With ``shapes``, a matrix answer, compared at random matrices: an answer of the wrong
    shape is ``shape_mismatch`` or, the transpose of the right one, ``layout_mismatch``;
    ``transpose_missing``, ``symmetric_assumed`` and ``constant_factor`` are the other
    mistakes named.
    """
    function, answer, wrt = _text(function, "function"), _text(answer, "answer"), _name(wrt)
    if shapes is not None:
        from derivtutor.grading.matrix_check import check_matrix

        return check_matrix(function, answer, wrt=wrt, shapes=shapes, symmetric=symmetric)
    from derivtutor.grading.verdict import check as _check

    return _check(function, answer, wrt=wrt, domain=domain)


def backprop_layers(text: str, shapes: Mapping[str, str], at: str | None = None) -> Layers:
    """Backpropagation through a network in matrix form, a layer at a time:
    ``backprop_layers("cross_entropy(softmax(W2 tanh(W1 x + b1) + b2), y)", shapes={...})``.
    ``.forward`` names each layer's z and h, ``.backward`` each δ and gradient with its rule,
    ``.gradients`` their values at ``at`` (or at seeded random values), each checked against a
    central difference."""
    from derivtutor.ml.layers import layers

    return layers(text, shapes=shapes, at=at)


# --- what the API takes besides text -----------------------------------------------------------


def _text(given: object, parameter: str = "text") -> str:
    """Text as it is; a SymPy expression checked against the whitelist, then written out."""
    if isinstance(given, str):
        return given
    from derivtutor.language.expressions import as_text

    return as_text(given, parameter)


def _name(given: Any) -> Any:
    """A Symbol's name (λ is SymPy's lamda); anything else as given, for the core to judge."""
    name = getattr(given, "name", None)
    if isinstance(given, str) or not isinstance(name, str):
        return given
    return name.replace("lamda", "lambda")


def _names(given: str | Sequence[object] | None) -> str | list[str] | None:
    if given is None or isinstance(given, str):
        return given
    return [str(_name(g)) for g in given]


def _point(given: object) -> str | None:
    """A point as text: "x=3", or ``{"x": 3}`` (names or Symbols) written as that."""
    if given is None or isinstance(given, str):
        return given
    items = getattr(given, "items", None)
    if items is None:
        raise UsageError(f'a point is text ("x=3") or a dict ({{"x": 3}}), not {given!r}')
    try:
        return ",".join(f"{_name(name)}={value}" for name, value in items())
    except ValueError:  # an integer of more than 4300 digits cannot even be written
        raise UsageError("a value of the point is too large to work with") from None
