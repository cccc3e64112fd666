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
    from derivtutor.differentiation import Differentiation

__version__ = "0.1.0"
__all__ = ["__version__", "differentiate"]


def differentiate(
    text: str, wrt: str | None = None, order: int = 1, at: str | None = None
) -> Differentiation:
    """Differentiate the expression ``text`` step by step.

    ``wrt`` names the variable (needed when there are several), ``order`` repeats the
    derivative, ``at`` (e.g. "x=0.5") evaluates it beside a finite difference. The result has
    ``.derivative`` (SymPy), ``.steps``, ``.to_dict()`` (the JSON shape) and renders itself in
    Jupyter. Raises ``derivtutor.errors.InputError`` for text that cannot be read.
    """
    from derivtutor.differentiation import differentiate as _differentiate

    return _differentiate(text, wrt=wrt, order=order, at=at)
