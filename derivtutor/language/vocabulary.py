"""The names a person can type: functions, constants and variables. Everything else is refused.

This whitelist is the only way a name in user text becomes a SymPy object; the README publishes
it. ``classify`` says what a name means, or None for a name that is not known.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

import sympy as sp

from derivtutor.language.functions import maximum, minimum, relu, sigmoid, softplus

# name -> (SymPy callable, allowed argument counts)
FUNCTIONS: dict[str, tuple[Any, tuple[int, ...]]] = {
    "sin": (sp.sin, (1,)),
    "cos": (sp.cos, (1,)),
    "tan": (sp.tan, (1,)),
    "cot": (sp.cot, (1,)),
    "sec": (sp.sec, (1,)),
    "csc": (sp.csc, (1,)),
    "asin": (sp.asin, (1,)),
    "acos": (sp.acos, (1,)),
    "atan": (sp.atan, (1,)),
    "acot": (sp.acot, (1,)),
    "asec": (sp.asec, (1,)),
    "acsc": (sp.acsc, (1,)),
    "arcsin": (sp.asin, (1,)),
    "arccos": (sp.acos, (1,)),
    "arctan": (sp.atan, (1,)),
    "arccot": (sp.acot, (1,)),
    "arcsec": (sp.asec, (1,)),
    "arccsc": (sp.acsc, (1,)),
    "sinh": (sp.sinh, (1,)),
    "cosh": (sp.cosh, (1,)),
    "tanh": (sp.tanh, (1,)),
    "coth": (sp.coth, (1,)),
    "sech": (sp.sech, (1,)),
    "csch": (sp.csch, (1,)),
    "asinh": (sp.asinh, (1,)),
    "acosh": (sp.acosh, (1,)),
    "atanh": (sp.atanh, (1,)),
    "acoth": (sp.acoth, (1,)),
    "asech": (sp.asech, (1,)),
    "acsch": (sp.acsch, (1,)),
    "arsinh": (sp.asinh, (1,)),
    "arcosh": (sp.acosh, (1,)),
    "artanh": (sp.atanh, (1,)),
    "arcsinh": (sp.asinh, (1,)),
    "arccosh": (sp.acosh, (1,)),
    "arctanh": (sp.atanh, (1,)),
    "exp": (sp.exp, (1,)),
    "ln": (sp.log, (1,)),
    "log": (sp.log, (1, 2)),
    "sqrt": (sp.sqrt, (1,)),
    "abs": (sp.Abs, (1,)),
    "sign": (sp.sign, (1,)),
    "sgn": (sp.sign, (1,)),
    # H(0) = 0, as derivtutor prints H and as relu' is: not SymPy's default of 1/2.
    "heaviside": (lambda u, evaluate=True: sp.Heaviside(u, 0, evaluate=evaluate), (1,)),
    "sigmoid": (sigmoid, (1,)),
    "σ": (sigmoid, (1,)),
    "relu": (relu, (1,)),
    "softplus": (softplus, (1,)),
    # max(0, x) is relu(x), as ML writes it; max and min in general through relu too.
    "max": (maximum, (2,)),
    "min": (minimum, (2,)),
}

# f^-1 notation: sin^-1(x) is arcsin, not 1/sin(x).
INVERSES: dict[str, Any] = {
    "sin": sp.asin,
    "cos": sp.acos,
    "tan": sp.atan,
    "cot": sp.acot,
    "sec": sp.asec,
    "csc": sp.acsc,
    "sinh": sp.asinh,
    "cosh": sp.acosh,
    "tanh": sp.atanh,
    "coth": sp.acoth,
    "sech": sp.asech,
    "csch": sp.acsch,
}

CONSTANTS: dict[str, sp.Expr] = {"e": sp.E, "pi": sp.pi, "π": sp.pi}

GREEK_NAMES = (
    "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron rho tau "
    "upsilon phi chi psi omega"
).split()

# Greek letters typed as symbols map to their written-out names (θ -> theta), so that JSON output
# is plain ASCII SymPy syntax. σ is sigmoid and π is pi, so neither is a variable.
GREEK_LETTERS = {
    unicodedata.lookup(f"GREEK SMALL LETTER {name.upper()}"): name
    for name in GREEK_NAMES
    if name != "lambda"
}
GREEK_LETTERS["λ"] = "lambda"
GREEK_LETTERS.update(
    {
        unicodedata.lookup(f"GREEK CAPITAL LETTER {name.upper()}"): name.capitalize()
        for name in GREEK_NAMES
        if name not in ("lambda",)
    }
)
GREEK_LETTERS["ς"] = "sigma"  # final sigma is not sigmoid; treated like the written name below

# Names a student may try that are not functions here, with the advice to give.
_DERIVATIVES_ONLY = (
    "derivtutor does derivatives; for an integral F of f, check it by differentiating: "
    'derivtutor check "F" "f".'
)
NOT_SUPPORTED = {
    "f": "f(x) is not defined here: type the expression itself, e.g. x^2 + 1.",
    "g": "g(x) is not defined here: type the expression itself, e.g. x^2 + 1.",
    "h": "h(x) is not defined here: type the expression itself, e.g. x^2 + 1.",
    "sigma": "use sigmoid(x) or σ(x) for the sigmoid.",
    "lg": "use log(x, 10) for the base-10 logarithm, or ln(x) for the natural one.",
    "log10": "write log10(x) or log(x, 10) for the base-10 logarithm.",
    "log2": "write log2(x) or log(x, 2) for the base-2 logarithm.",
    "integrate": _DERIVATIVES_ONLY,
    "integral": _DERIVATIVES_ONLY,
    "int": _DERIVATIVES_ONLY,
    "limit": "derivtutor does derivatives, not limits.",
    "lim": "derivtutor does derivatives, not limits.",
    "solve": "derivtutor does derivatives, not equations; for dy/dx from an equation, use "
    "derivtutor implicit.",
    "tg": "use tan(x).",
    "ctg": "use cot(x).",
    "cosec": "use csc(x).",
    "arctg": "use atan(x).",
    "diff": "type the expression itself; derivtutor differentiates it for you.",
    "d": "type the expression itself; derivtutor differentiates it for you.",
    # derivtutor prints the Heaviside step as H(x): read back, it must not be H times (x).
    "H": "H(x) is how derivtutor writes the Heaviside step: type heaviside(x) for it.",
}


def variable(name: str) -> sp.Symbol:
    """The SymPy symbol for a variable name. Symbols are real, so |x| and ln x behave.

    λ is named 'lamda', as SymPy does: 'lambda' is a Python keyword, and JSON output must be
    readable by sympify."""
    if name.startswith(("lambda", "Lambda")):
        name = name.replace("ambda", "amda", 1)
    return sp.Symbol(name, real=True)


@dataclass(frozen=True)
class Name:
    """What a name means: kind is FUNC, VAR or CONST; value is the canonical name."""

    kind: str
    value: str


def classify(name: str) -> Name | None:
    """The meaning of a whole name (sin, x, theta, θ, x1, z_2, pi), or None if unknown."""
    if name in FUNCTIONS:
        return Name("FUNC", name)
    if name in CONSTANTS:
        return Name("CONST", name)
    if name in GREEK_NAMES:
        return Name("VAR", name)
    if name in GREEK_LETTERS and GREEK_LETTERS[name] != "sigma":
        return Name("VAR", GREEK_LETTERS[name])
    stem = re.match(r"([^\d_]+)(_[A-Za-z0-9]+|[0-9]+)?$", name)
    if stem is None:
        return None
    letters, index = stem.group(1), stem.group(2) or ""
    base = GREEK_LETTERS.get(letters, letters)
    if index and base in GREEK_NAMES or base.capitalize() in GREEK_LETTERS.values():
        return Name("VAR", base + index)
    if len(letters) == 1 and letters not in "eσπ" and letters.isascii():
        return Name("VAR", name)
    return None


# Letters a textbook uses for constants: with only these beside x, d/dx is no partial
# derivative, and a sum of them is written first in a product, as (a + b)·cos(x).
PARAMETERS = frozenset("abcdkmnABCDKMN")
