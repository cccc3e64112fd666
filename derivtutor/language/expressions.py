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
    _bounded(given)
    names: dict[str, sp.Symbol] = {}
    for node in sp.preorder_traversal(given):
        _whitelisted(node)
        if isinstance(node, sp.Symbol):
            _one_name(node, names)
    # A float is written with every digit it has (the printer would round it to six), as the
    # exact decimal the parser reads it as.
    floats = {f: _decimal(f) for f in given.atoms(sp.Float)}
    from derivtutor.language.notation import Notation

    try:
        written = given.xreplace(floats).xreplace(_lambdas(given))
        return str(Notation(ascii=True).show(written))
    except RecursionError:
        raise _too_deep() from None


def _decimal(number: sp.Float) -> sp.Rational:
    """A float as the exact decimal its own digits say (1e-400 is not 0, nor 1e400 infinite;
    a long one too long for the parser is refused there, never rounded here)."""
    if not number.is_finite:
        raise InputError(f"{number} is not a number to work with")
    return sp.Rational(str(number))


def _lambdas(given: sp.Basic) -> dict[sp.Symbol, sp.Symbol]:
    """λ as the parser reads it: SymPy names it lamda (lambda is Python's), the text lambda."""
    return {
        s: sp.Symbol(s.name.replace("lamda", "lambda", 1), **s.assumptions0)
        for s in given.atoms(sp.Symbol)
        if s.name.startswith(("lamda", "Lamda"))
    }


def _bounded(given: sp.Basic) -> None:
    """As deep and as long as the parser allows text to be, and numbers of its size."""
    from derivtutor.language.scan import MAX_DEPTH, MAX_LITERAL_DIGITS

    stack = [(given, 1)]
    nodes = 0
    while stack:
        node, depth = stack.pop()
        nodes += 1
        if depth > MAX_DEPTH or nodes > 1000:
            raise _too_deep()
        if isinstance(node, sp.Rational) and max(abs(node.p), node.q).bit_length() > 3.33 * (
            MAX_LITERAL_DIGITS + 1
        ):
            raise InputError(
                f"a number in the expression is too long (at most {MAX_LITERAL_DIGITS} digits)",
                suggestion="scale the problem so that its numbers are of a size to write by hand.",
            )
        stack.extend((arg, depth + 1) for arg in node.args)


def _too_deep() -> InputError:
    return InputError(
        "the expression is nested too deeply, or too large, to read",
        suggestion="give a smaller expression, as you would type it.",
    )


def _one_name(symbol: sp.Symbol, names: dict[str, sp.Symbol]) -> None:
    """Two symbols that the text would write alike (θ and theta) would become one variable."""
    named = classify(symbol.name.replace("lamda", "lambda"))
    key = named.value if named is not None else symbol.name
    other = names.setdefault(key, symbol)
    if other != symbol:
        raise InputError(
            f"the symbols {other.name!r} and {symbol.name!r} are both read as the variable {key}",
            suggestion="give each variable one name.",
        )


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
