"""derivtutor: a calculus tutor for the maths behind machine learning.

The public Python API. Imports are lazy, so ``import derivtutor`` (and ``derivtutor --help``)
does not load SymPy.

    >>> from derivtutor import differentiate
    >>> differentiate("tanh(x)").derivative
    sech(x)**2
"""

from __future__ import annotations

from typing import TYPE_CHECKING, overload

from derivtutor.errors import UsageError

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

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
    text: str, wrt: str | None = None, order: int = 1, at: str | None = None
) -> Differentiation: ...


@overload
def differentiate(
    text: str,
    wrt: str | None = None,
    order: int = 1,
    at: str | None = None,
    *,
    shapes: Mapping[str, str],
    symmetric: Sequence[str] = (),
) -> MatrixDerivative: ...


def differentiate(
    text: str,
    wrt: str | None = None,
    order: int = 1,
    at: str | None = None,
    *,
    shapes: Mapping[str, str] | None = None,
    symmetric: Sequence[str] = (),
) -> Differentiation | MatrixDerivative:
    """Differentiate the expression ``text`` step by step.

    ``wrt`` names the variable (needed when there are several), ``order`` repeats the
    derivative, ``at`` (e.g. "x=0.5") evaluates it beside a finite difference. The result has
    ``.derivative`` (SymPy), ``.steps``, ``.to_dict()`` (the JSON shape) and renders itself in
    Jupyter. Raises ``derivtutor.errors.InputError`` for text that cannot be read.

    With ``shapes`` (``{"x": "n", "A": "n×n"}``: a column vector, a matrix) the expression is
    one of vectors and matrices, derived by differentials: ``.result`` is the gradient (the
    shape of ``wrt``) or the Jacobian, ``.derivation`` its steps; ``symmetric`` names the
    symmetric matrices, and ``at`` gives each a value ("A=[[1,2],[3,4]],x=[1,-1]").
    """
    if shapes is not None:
        from derivtutor.calculus.matrix_derivative import matrix_derivative

        if order != 1:
            raise UsageError("with shapes the derivative is of first order")
        return matrix_derivative(text, wrt=wrt, shapes=shapes, symmetric=symmetric, at=at)
    from derivtutor.calculus.differentiation import differentiate as _differentiate

    return _differentiate(text, wrt=wrt, order=order, at=at)


def gradient(text: str, vars: str | Sequence[str] | None = None, at: str | None = None) -> Gradient:
    """The gradient of ``text``: one partial derivative per variable, each with its steps.

    ``vars`` ("w,b" or ["w", "b"]) fixes the variables and their order; by default they are all
    of them, alphabetically. ``at`` ("x=1,y=2") adds a finite-difference check per component.
    """
    from derivtutor.calculus.multivar import gradient as _gradient

    return _gradient(text, vars, at)


def jacobian(texts: Sequence[str], vars: str | Sequence[str] | None = None) -> Jacobian:
    """The Jacobian matrix of the functions ``texts``: ``.matrix``, ``.entries``, ``.to_dict()``."""
    from derivtutor.calculus.multivar import jacobian as _jacobian

    return _jacobian(texts, vars)


def hessian(text: str, vars: str | Sequence[str] | None = None) -> Hessian:
    """The Hessian of ``text``, each mixed partial derived once (Schwarz)."""
    from derivtutor.calculus.multivar import hessian as _hessian

    return _hessian(text, vars)


def softmax_jacobian(n: int | str) -> SoftmaxJacobian:
    """The softmax Jacobian pᵢ(δᵢⱼ − pⱼ): for n from 2 to 8 with explicit matrices, or "n"."""
    from derivtutor.ml.softmax import softmax_jacobian as _softmax_jacobian

    return _softmax_jacobian(n)


def implicit(text: str, wrt: str = "x", dependent: str = "y") -> ImplicitDerivative:
    """dy/dx from an equation such as "x^2 + y^2 = 25", by implicit differentiation."""
    from derivtutor.calculus.implicit import implicit as _implicit

    return _implicit(text, wrt, dependent)


@overload
def check(
    function: str, answer: str, wrt: str | None = None, domain: str | None = None
) -> Verdict: ...


@overload
def check(
    function: str,
    answer: str,
    wrt: str | None = None,
    domain: str | None = None,
    *,
    shapes: Mapping[str, str],
    symmetric: Sequence[str] = (),
) -> MatrixVerdict: ...


def check(
    function: str,
    answer: str,
    wrt: str | None = None,
    domain: str | None = None,
    *,
    shapes: Mapping[str, str] | None = None,
    symmetric: Sequence[str] = (),
) -> Verdict | MatrixVerdict:
    """Is ``answer`` the derivative of ``function``? Numeric, at seeded points (so a verdict
    never changes between runs); a wrong answer gets a witness point and, where one of the
    known mistakes reproduces it, the mistake's id and where it was made. ``.to_dict()`` gives
    the JSON shape.

    With ``shapes``, a matrix answer, compared at random matrices: an answer of the wrong
    shape is ``shape_mismatch`` or, the transpose of the right one, ``layout_mismatch``;
    ``transpose_missing``, ``symmetric_assumed`` and ``constant_factor`` are the other
    mistakes named.
    """
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
