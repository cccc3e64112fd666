"""SymPy expressions handed to the Python API, read as text is.

A notebook user may pass ``sp.sin(x**2)`` where the command line takes "sin(x^2)". Such an
expression is walked first, node by node, and refused unless every node is a number, a symbol
whose name is a variable, or a function of the whitelist (vocabulary.py): nothing else, an
unevaluated ``Integral`` or an undefined ``f(x)``, gets in. Then it is written as text
(notation.py, the parser's inverse) and read through the same grammar and bounds as anything
typed, so its symbols become the real ones the parser makes.
"""

from __future__ import annotations

from typing import Any

import sympy as sp

from derivtutor.errors import InputError, Message, Parameter
from derivtutor.language.functions import relu, sigmoid, softplus
from derivtutor.language.vocabulary import FUNCTIONS, classify

# The SymPy classes the whitelist's functions build, and the arithmetic between them.
_ALLOWED: tuple[type, ...] = (
    sp.Add,
    sp.Mul,
    sp.Pow,
    sp.exp,
    sp.log,
    sp.Abs,
    sp.sign,
    sp.Heaviside,
    sigmoid,
    relu,
    softplus,
    *(fn for fn, _ in FUNCTIONS.values() if isinstance(fn, type)),
)


def as_text(given: Any, parameter: str = "text") -> str:
    """``given`` as text for the parser: text as it is; a SymPy expression checked against
    the whitelist, then written out. Raises InputError for anything else."""
    if isinstance(given, str):
        return given
    if isinstance(given, (int, float)) and not isinstance(given, bool):
        return repr(given)  # 3, 0.5, 1e-07: numbers as they are typed
    if not isinstance(given, sp.Basic):
        raise InputError(
            Message(
                "{name} is text or a SymPy expression, not {kind}",
                name=Parameter(parameter),
                kind=type(given).__name__,
            )
        )
    for node in sp.preorder_traversal(given):
        _whitelisted(node)
    from derivtutor.language.notation import Notation

    return str(Notation(ascii=True).show(given))


def _whitelisted(node: sp.Basic) -> None:
    if isinstance(node, sp.Symbol):
        named = classify(node.name.replace("lamda", "lambda"))
        if named is None or named.kind != "VAR":
            raise InputError(
                f"the symbol {node.name!r} is not a variable derivtutor reads",
                suggestion="name variables as in text: a letter (x), a Greek name (theta) "
                "or an indexed name (x1, z_2).",
            )
        return
    if isinstance(node, (sp.Number, sp.NumberSymbol)) and node.is_finite:
        return
    if isinstance(node, (sp.Tuple, sp.core.containers.Tuple)):
        return  # the (x, 0) argument pairs of Heaviside
    if isinstance(node, _ALLOWED):
        return
    raise InputError(
        f"{type(node).__name__} is not something derivtutor reads",
        suggestion="give numbers, variables and the functions listed in the README, "
        "e.g. sin(x**2) or sigmoid(w*x + b).",
    )
