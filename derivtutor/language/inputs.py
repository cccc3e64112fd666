"""Inputs: points, domains, components, and ONE variable chooser.

What a user gives besides the expression itself: a point (x=1,y=pi/4), a sampling domain (0:3),
the components of a gradient answer (2x y, x^2), and the variables to differentiate by. Every
value is read by the safe parser, and every command chooses its variables here, so that ``diff``,
``check``, ``grad`` and the rest accept the same names and refuse them in the same words.

Each reader is told which API parameter its text came from (``at``, ``start``, ``domain``,
``wrt``, ``vars`` ...), and its errors name that parameter (errors.Parameter), never a flag.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from typing import NamedTuple

import sympy as sp

from derivtutor.errors import InputError, Message, Parameter, UsageError
from derivtutor.language.parse import parse, variable, variables

MAX_VARIABLES = 12
DEFAULT_DOMAIN = (-2.0, 2.0)


# --- points --------------------------------------------------------------------------------------


def parse_point(
    text: str,
    expression: sp.Expr,
    parameter: str = "at",
    *,
    to_float: Callable[[sp.Expr], float | None],
) -> dict[sp.Symbol, sp.Expr]:
    """Read 'x=1.5' or 'x=1, y=pi/4'; every variable of ``expression`` needs a value, and each
    value must be a real number that fits a float.

    ``to_float`` evaluates a constant in double precision (None: undefined or not real; ±inf:
    too large). Evaluation is the engine's (engine.numeric.constant_value): this layer only
    reads. ``parameter`` is the API name the text came from (at, start), for the messages."""
    point: dict[sp.Symbol, sp.Expr] = {}
    one = Parameter(parameter, "x=0.5")
    for part in text.split(","):
        name, sep, value_text = part.partition("=")
        if not sep or not name.strip() or not value_text.strip():
            raise InputError(
                Message(
                    "{point} expects VAR=VALUE, not {part!r}",
                    point=Parameter(parameter),
                    part=part.strip(),
                ),
                text=text,
                column=text.find(part) + 1,
                suggestion=Message(
                    "for example {one} (or {several} for several variables)",
                    one=one,
                    several=Parameter(parameter, "x=1,y=2"),
                ),
            )
        symbol = parse(name.strip())
        column = text.find(part) + 1 + len(part) - len(part.lstrip())
        if not isinstance(symbol, sp.Symbol):
            raise InputError(
                Message(
                    "{point}: {name!r} is not a variable name",
                    point=Parameter(parameter),
                    name=name.strip(),
                ),
                text=text,
                column=column,
                suggestion=Message("for example {one}", one=one),
            )
        if expression.free_symbols and symbol not in expression.free_symbols:
            raise InputError(
                Message(
                    "{point}: {symbol} is not a variable of the expression "
                    "(its variables: {known})",
                    point=Parameter(parameter),
                    symbol=symbol,
                    known=", ".join(v.name for v in variables(expression)),
                ),
                text=text,
                column=column,
                suggestion="give a value for each of the expression's variables, and no others",
            )
        start = text.find(value_text) + len(value_text) - len(value_text.lstrip())
        numbers = Message(
            "for example {one} or {quarter}", one=one, quarter=Parameter(parameter, "x=pi/4")
        )
        try:
            value = parse(value_text.strip())
        except InputError as err:
            raise InputError(
                Message(
                    "{point}: the value of {symbol} cannot be read: {reason}",
                    point=Parameter(parameter),
                    symbol=symbol,
                    reason=err.message,
                ),
                text=text,
                column=start + (err.column or 1),
                suggestion=err.suggestion or numbers,
            ) from None
        if value.free_symbols:
            raise InputError(
                Message(
                    "{point}: the value of {symbol} must be a number, not {given!r}",
                    point=Parameter(parameter),
                    symbol=symbol,
                    given=value_text.strip(),
                ),
                text=text,
                column=start + 1,
                suggestion=numbers,
            )
        rough = to_float(value)
        if rough is None or not math.isfinite(rough):
            raise InputError(
                Message(
                    "{point}: the value of {symbol} is {what}",
                    point=Parameter(parameter),
                    symbol=symbol,
                    what="too large" if rough is not None else "not a real number",
                ),
                text=text,
                column=start + 1,
                suggestion=Message("give a real number that fits a float, e.g. {one}", one=one),
            )
        point[symbol] = value
    missing = [v.name for v in variables(expression) if v not in point]
    if missing:
        raise UsageError(
            Message(
                "{point} needs a value for every variable; missing: {missing}",
                point=Parameter(parameter),
                missing=", ".join(missing),
            )
        )
    return point


# --- domains -------------------------------------------------------------------------------------


def parse_domain(
    domain: tuple[float, float] | str | None, parameter: str = "domain"
) -> tuple[float, float]:
    """'a:b' (each side read by the safe parser, so pi/2 works) or a pair of numbers; None is
    DEFAULT_DOMAIN. The interval must be finite and not empty."""
    if domain is None:
        return DEFAULT_DOMAIN
    if isinstance(domain, str):
        parts = domain.split(":")
        if len(parts) != 2:
            raise InputError(
                Message(
                    "{domain} expects a:b, not {given!r}", domain=Parameter(parameter), given=domain
                ),
                text=domain,
                column=1,
                suggestion=Message(
                    "for example {short} or {circle}",
                    short=Parameter(parameter, "0:3"),
                    circle=Parameter(parameter, "-pi:pi"),
                ),
            )
        values = []
        for part in parts:
            value = parse(part.strip())
            if value.free_symbols or not value.is_real:
                raise InputError(
                    Message(
                        "{domain}: {given!r} is not a real number",
                        domain=Parameter(parameter),
                        given=part.strip(),
                    ),
                    text=domain,
                    column=domain.find(part) + 1,
                    suggestion=Message("for example {short}", short=Parameter(parameter, "0:3")),
                )
            values.append(float(value.evalf(17)))
        low, high = values
    else:
        low, high = (float(v) for v in domain)
    if not (math.isfinite(low) and math.isfinite(high) and low < high):
        raise UsageError(
            Message(
                "{domain} needs a < b, both finite, not {low}:{high}",
                domain=Parameter(parameter),
                low=low,
                high=high,
            )
        )
    return low, high


# --- components ----------------------------------------------------------------------------------


def split_components(text: str, parameter: str | None = "answers") -> list[str]:
    """The components of a vector answer ("2x y, x^2 + cos(y)"), split at commas outside
    parentheses and |bars|: log(x, 10) stays one component. ``parameter`` is the API name the
    text came from, or None where the user typed it at a prompt (a quiz)."""
    parts, depth, start, bars = [], 0, 0, 0
    for n, ch in enumerate(text):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|":
            bars ^= 1
        elif ch == "," and depth == 0 and not bars:
            parts.append(text[start:n])
            start = n + 1
    parts.append(text[start:])
    parts = [p.strip() for p in parts]
    if any(not p for p in parts):
        example = "2x y, x^2"
        raise InputError(
            "a gradient component is empty",
            text=text,
            column=None,
            suggestion=Message(
                "separate the components with commas, e.g. {example}",
                example=example if parameter is None else Parameter(parameter, example),
            ),
        )
    return parts


# --- the variable chooser ------------------------------------------------------------------------


class Chosen(NamedTuple):
    """The variables of a command, in order, and whether they were taken A to Z because none
    were named."""

    variables: tuple[sp.Symbol, ...]
    alphabetical: bool


def choose_variables(
    expressions: Sequence[sp.Expr],
    names: str | Sequence[str] | None = None,
    *,
    parameter: str | None = "vars",
    at_most: int | None = MAX_VARIABLES,
) -> Chosen:
    """The variables of a gradient, Jacobian or Hessian: ``names`` ("w,b" or ["w", "b"]) in
    that order, each checked, or, when None, every variable of ``expressions`` A to Z (z1, z2,
    ..., z10 in numeric order). ``parameter`` is the API name ``names`` come from; None where
    the caller offers no way to name them (every variable is taken)."""
    found = variables(sp.Tuple(*expressions))
    if names is None:
        if not found:
            raise UsageError(
                "the expression has no variables"
                if parameter is None
                else Message(
                    "the expression has no variables; give them with {p}", p=Parameter(parameter)
                )
            )
        chosen, alphabetical = tuple(found), True
    else:
        if parameter is None:
            raise ValueError("variables were named, but not by which parameter")
        entries = names.split(",") if isinstance(names, str) else list(names)
        chosen, alphabetical = _named(entries, found, parameter, example="x,y", listed=True), False
    if at_most is not None and len(chosen) > at_most:
        raise UsageError(f"at most {at_most} variables, not {len(chosen)}")
    return Chosen(chosen, alphabetical)


def choose_variable(
    expression: sp.Expr, wrt: str | None = None, *, parameter: str = "wrt"
) -> tuple[sp.Symbol, tuple[sp.Symbol, ...]]:
    """The one variable to differentiate by, and the others, held constant: ``wrt`` (checked),
    or the expression's only variable, or x for a constant. Several variables and no ``wrt`` is
    a UsageError: which one is meant is the user's choice, not ours."""
    found = variables(expression)
    example = found[0].name if found else "x"
    if wrt is not None:
        (chosen,) = _named([wrt], found, parameter, example=example, listed=False)
    elif len(found) > 1:
        raise UsageError(
            Message(
                "the expression has several variables ({names}); choose one with {p}, "
                "e.g. {example} (the others are then held constant)",
                names=", ".join(v.name for v in found),
                p=Parameter(parameter),
                example=Parameter(parameter, example),
            )
        )
    else:
        chosen = found[0] if found else variable("x")
    return chosen, tuple(v for v in found if v != chosen)


def variable_name(text: str, *, parameter: str, example: str = "x") -> sp.Symbol:
    """``text`` read as a variable name, whatever expression it will be used in (implicit's
    wrt and dependent: the equation is checked against them afterwards)."""
    (symbol,) = _named([text], [], parameter, example=example, listed=False)
    return symbol


def _named(
    entries: Sequence[object],
    found: Sequence[sp.Symbol],
    parameter: str,
    *,
    example: str,
    listed: bool,
) -> tuple[sp.Symbol, ...]:
    """The core every choice goes through: each entry read as a variable name, refused when it
    is not a name, is not a variable of the expression (when the expression has variables: a
    constant has none to mistype, and d/dz 5 = 0), or is named twice."""
    given = [e.strip() if isinstance(e, str) else e for e in entries]
    shown = ",".join(str(e) for e in given)
    symbols: list[sp.Symbol] = []
    for position, entry in enumerate(given):
        symbol = parse(entry) if isinstance(entry, str) and entry else None
        if not isinstance(symbol, sp.Symbol):
            wanted = "variable names separated by commas" if listed else "a variable name"
            raise InputError(
                Message(
                    "{p} needs {wanted}, not {entry!r}",
                    p=Parameter(parameter),
                    wanted=wanted,
                    entry=entry,
                ),
                text=shown,
                # The caret goes under the entry that is not a name, not always the first.
                column=len(",".join(str(e) for e in given[:position])) + (2 if position else 1),
                suggestion=Message("for example {e}", e=Parameter(parameter, example)),
            )
        if found and symbol not in found and not listed:
            # d/dz of an expression without z is 0, but nearly always a typo for another name.
            raise UsageError(
                f"{symbol.name} does not appear in the expression; its variables: "
                + ", ".join(v.name for v in found)
            )
        if symbol in symbols:
            raise UsageError(
                Message("{name} is listed twice in {p}", name=symbol.name, p=Parameter(parameter))
            )
        symbols.append(symbol)
    absent = [s for s in symbols if s not in found]
    if found and absent and not set(found) <= set(symbols):
        # f(x, y) = 3x² + 1 is a textbook's function of x and y, with ∂f/∂y = 0: a name the
        # expression lacks is taken when every one it has is listed too; otherwise (x,q for
        # f(x, y)) it is a typo.
        raise UsageError(
            f"{absent[0].name} does not appear in the expression; its variables: "
            + ", ".join(v.name for v in found)
        )
    return tuple(symbols)


_OPERATOR = re.compile(r"\s*[d∂]\s*/\s*[d∂]\s*([A-Za-zα-ωθ][A-Za-z0-9_]*)(?=[\s(\[])\s*")


# \frac{d}{dx}, \dfrac{\mathrm{d}}{\mathrm{d}x}, \frac{\partial}{\partial x}: the same in LaTeX.
_D = r"(?:d|\\mathrm\s*\{\s*d\s*\}|\\partial)"
_LATEX_OPERATOR = re.compile(
    rf"\s*\$?\s*\\[dt]?frac\s*(?:\{{\s*{_D}\s*\}}|{_D})\s*"
    rf"\{{\s*{_D}\s*(\\?[A-Za-z]+)\s*\}}\s*"
)


def leading_derivative(text: str) -> tuple[str | None, str]:
    """``d/dx x^2``, ``d/dx (x^2)`` and ``d/dx [x^2]``, as students write a derivative (and as
    derivtutor prints one), and ``\\frac{d}{dx}`` in LaTeX: the variable and the function.
    ``(None, text)`` without one."""
    latex = _LATEX_OPERATOR.match(text)
    if latex is not None and text[latex.end() :].strip(" $"):
        rest = text[latex.end() :].strip()
        named = latex.group(1).lstrip("\\").replace("vartheta", "theta").replace("varphi", "phi")
        return named, ("$" + rest if text.lstrip().startswith("$") else rest)
    match = _OPERATOR.match(text)
    if match is None or not text[match.end() :].strip():
        return None, text
    rest = text[match.end() :].strip()
    if rest.startswith("[") and rest.endswith("]") and rest.count("[") == 1:
        rest = rest[1:-1]
    return match.group(1), rest


# f'(x) = ..., y' = ..., dy/dx = ..., ∂f/∂x = ..., f(x) = ..., y = ...: students write the left
# side of an answer too.
_LEFT_SIDE = re.compile(
    r"^\s*(?:[a-zA-Z]['′]+(?:\([^()=]*\))?|[d∂][a-zA-Z]*/[d∂][a-zA-Z0-9_]+(?:\([^()=]*\))?"
    r"|[a-zA-Z](?:\([^()=]*\))?"
    r"|\$?\\[dt]?frac\{\s*(?:d|\\partial)\s*[a-zA-Z]*\s*\}\{\s*(?:d|\\partial)\s*[a-zA-Z]\s*\})"
    r"\s*=(?!=)\s*(?P<answer>[^=]+)$"
)


def answer_side(text: str) -> str:
    """The answer without a left side such as f'(x) =, dy/dx = or y =."""
    match = _LEFT_SIDE.match(text)
    if match is None:
        return text
    answer = match.group("answer")
    return "$" + answer if text.lstrip().startswith("$") else answer  # $y = …$ keeps its $…$
