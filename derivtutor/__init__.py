"""derivtutor: a calculus tutor for the maths behind machine learning.

The public Python API. Imports are lazy, so ``import derivtutor`` (and ``derivtutor --help``)
does not load SymPy.

    >>> from derivtutor import differentiate
    >>> differentiate("tanh(x)").derivative
    sech(x)**2
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

    from derivtutor.calculus.differentiation import Differentiation
    from derivtutor.calculus.implicit import ImplicitDerivative
    from derivtutor.calculus.multivar import Gradient, Hessian, Jacobian
    from derivtutor.grading.verdict import Verdict
    from derivtutor.ml.softmax import SoftmaxJacobian

__version__ = "0.1.0"
__all__ = [
    "__version__",
    "check",
    "differentiate",
    "gradient",
    "hessian",
    "implicit",
    "jacobian",
    "softmax_jacobian",
]


def differentiate(
    text: str, wrt: str | None = None, order: int = 1, at: str | None = None
) -> Differentiation:
    """Differentiate the expression ``text`` step by step.

    ``wrt`` names the variable (needed when there are several), ``order`` repeats the
    derivative, ``at`` (e.g. "x=0.5") evaluates it beside a finite difference. The result has
    ``.derivative`` (SymPy), ``.steps``, ``.to_dict()`` (the JSON shape) and renders itself in
    Jupyter. Raises ``derivtutor.errors.InputError`` for text that cannot be read.
    """
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


def check(function: str, answer: str, wrt: str | None = None, domain: str | None = None) -> Verdict:
    """Is ``answer`` the derivative of ``function``? Numeric, at seeded points (so a verdict
    never changes between runs); a wrong answer gets a witness point and, where one of the
    known mistakes reproduces it, the mistake's id and where it was made. ``.to_dict()`` gives
    the JSON shape.
    """
    from derivtutor.grading.verdict import check as _check

    return _check(function, answer, wrt=wrt, domain=domain)
