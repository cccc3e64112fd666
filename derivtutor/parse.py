"""Text -> SymPy expression, safe by construction.

Nothing the user types is ever executed: a hand-written scanner turns the text into tokens, a
Lark LALR grammar checks their order, and the grammar's callbacks build SymPy objects from a
whitelist of names. There is no ``eval``, ``sympify`` or ``parse_expr`` anywhere on this path.

The pipeline:
1. ``_normalise``: Unicode superscripts become ``^``, typographic operators become ASCII, then NFKC
   (full-width digits). A column map keeps every error pointing at what the user typed.
2. ``_scan``: tokens, with names classified (function, variable, constant) and rejected with a
   suggestion when unknown. Bars ``|x|`` are paired here, and implicit multiplication becomes an
   explicit IMUL token, so the grammar stays LALR(1).
3. The grammar (below), whose callbacks build the expression *without* SymPy's automatic
   evaluation, so a quotient the user wrote stays a quotient.

Every input is bounded: length, nesting depth, literal size and exponent size, so that no input
can hang a command or exhaust memory.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import sympy as sp
from lark import Lark, Token, Transformer, v_args
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken
from lark.lexer import Lexer

from derivtutor.errors import InputError
from derivtutor.functions import relu, sigmoid, softplus

MAX_LENGTH = 1000
MAX_DEPTH = 40
MAX_LITERAL_DIGITS = 20
MAX_EXPONENT = 1000
MAX_NUMBER_BITS = 4096

# --- the whitelist -------------------------------------------------------------------------------

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
    "heaviside": (sp.Heaviside, (1,)),
    "sigmoid": (sigmoid, (1,)),
    "σ": (sigmoid, (1,)),
    "relu": (relu, (1,)),
    "softplus": (softplus, (1,)),
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
_GREEK_LETTERS = {
    unicodedata.lookup(f"GREEK SMALL LETTER {name.upper()}"): name
    for name in GREEK_NAMES
    if name != "lambda"
}
_GREEK_LETTERS["λ"] = "lambda"
_GREEK_LETTERS.update(
    {
        unicodedata.lookup(f"GREEK CAPITAL LETTER {name.upper()}"): name.capitalize()
        for name in GREEK_NAMES
        if name not in ("lambda",)
    }
)
_GREEK_LETTERS["ς"] = "sigma"  # final sigma is not sigmoid; treated like the written name below

# Names a student may try that are not functions here, with the advice to give.
_NOT_SUPPORTED = {
    "f": "f(x) is not defined here: type the expression itself, e.g. x^2 + 1.",
    "g": "g(x) is not defined here: type the expression itself, e.g. x^2 + 1.",
    "h": "h(x) is not defined here: type the expression itself, e.g. x^2 + 1.",
    "sigma": "use sigmoid(x) or σ(x) for the sigmoid.",
    "lg": "use log(x, 10) for the base-10 logarithm, or ln(x) for the natural one.",
    "log10": "use log(x, 10) for the base-10 logarithm.",
    "log2": "use log(x, 2) for the base-2 logarithm.",
    "max": "use relu(x) for max(0, x).",
    "tg": "use tan(x).",
    "ctg": "use cot(x).",
    "cosec": "use csc(x).",
    "arctg": "use atan(x).",
    "diff": "type the expression itself; derivtutor differentiates it for you.",
    "d": "type the expression itself; derivtutor differentiates it for you.",
}


def variable(name: str) -> sp.Symbol:
    """The SymPy symbol for a variable name. Symbols are real, so |x| and ln x behave."""
    return sp.Symbol(name, real=True)


# --- stage 1: normalisation ----------------------------------------------------------------------

_SUPERSCRIPTS = {
    "⁰": "0",
    "¹": "1",
    "²": "2",
    "³": "3",
    "⁴": "4",
    "⁵": "5",
    "⁶": "6",
    "⁷": "7",
    "⁸": "8",
    "⁹": "9",
    "⁻": "-",
    "⁺": "+",
    "ⁿ": "n",
    "⁽": "(",
    "⁾": ")",
}
_OPERATORS = {
    "−": "-",
    "–": "-",
    "‐": "-",
    "·": "*",
    "⋅": "*",
    "×": "*",
    "∗": "*",
    "÷": "/",
    "∕": "/",
    "√": "sqrt",
}


def _normalise(text: str) -> tuple[str, list[int]]:
    """Map Unicode to the ASCII grammar. Returns the text and, per character, its source column."""
    out: list[str] = []
    cols: list[int] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch in _SUPERSCRIPTS:
            j = i
            while j < len(text) and text[j] in _SUPERSCRIPTS:
                j += 1
            run = "".join(_SUPERSCRIPTS[c] for c in text[i:j])
            piece = "^" + run if run.isdigit() else "^(" + run + ")"
            out.append(piece)
            cols.extend([i + 1] * len(piece))
            i = j
            continue
        if ch == "√":
            # √x and √2 take the atom that follows; √(x + 1) takes the parenthesised group.
            j = i + 1
            while (
                j < len(text)
                and (text[j].isalnum() or text[j] in "._")
                and (text[j] not in _SUPERSCRIPTS)
            ):
                j += 1
            if j > i + 1:
                piece = "sqrt(" + unicodedata.normalize("NFKC", text[i + 1 : j]) + ")"
                out.append(piece)
                cols.extend([i + 1] * 5 + [i + 2 + k for k in range(len(piece) - 6)] + [j])
                i = j
                continue
        mapped = _OPERATORS.get(ch)
        if mapped is None:
            piece = unicodedata.normalize("NFKC", ch)
            # NFKC may itself produce an operator we map (e.g. a full-width minus).
            piece = "".join(_OPERATORS.get(c, c) for c in piece)
        else:
            piece = mapped
        out.append(piece)
        cols.extend([i + 1] * len(piece))
        i += 1
    return "".join(out), cols


# --- stage 2: scanning ---------------------------------------------------------------------------

_GREEK_CHARS = "".join(_GREEK_LETTERS) + "σπ"
_TOKEN_RE = re.compile(
    rf"""
    (?P<space>\s+)
  | (?P<number>[0-9]+(?:\.[0-9]*)?|\.[0-9]+)
  | (?P<name>[A-Za-z{_GREEK_CHARS}]+(?:_[A-Za-z0-9]+|[0-9]+)?)
  | (?P<pow>\*\*|\^)
  | (?P<op>[-+*/(),|])
    """,
    re.VERBOSE,
)

_OPERAND_END = {"NUMBER", "VAR", "CONST", "RPAR", "RBAR"}
_OPERAND_START = {"NUMBER", "VAR", "CONST", "FUNC", "LPAR", "LBAR"}
_OP_TYPES = {"+": "ADD", "-": "SUB", "*": "MUL", "/": "DIV", "(": "LPAR", ")": "RPAR", ",": "COMMA"}


@dataclass(frozen=True)
class _Name:
    kind: str  # FUNC, VAR or CONST
    value: str


def _classify(name: str) -> _Name | None:
    if name in FUNCTIONS:
        return _Name("FUNC", name)
    if name in CONSTANTS:
        return _Name("CONST", name)
    if name in GREEK_NAMES:
        return _Name("VAR", name)
    if name in _GREEK_LETTERS and _GREEK_LETTERS[name] != "sigma":
        return _Name("VAR", _GREEK_LETTERS[name])
    stem = re.match(r"([^\d_]+)(_[A-Za-z0-9]+|[0-9]+)?$", name)
    if stem is None:
        return None
    letters, index = stem.group(1), stem.group(2) or ""
    base = _GREEK_LETTERS.get(letters, letters)
    if index and base in GREEK_NAMES or base.capitalize() in _GREEK_LETTERS.values():
        return _Name("VAR", base + index)
    if len(letters) == 1 and letters not in "eσπ" and letters.isascii():
        return _Name("VAR", name)
    return None


def _split_name(name: str) -> list[str] | None:
    """Split an unknown run of letters into known names, e.g. 'sinx' -> ['sin', 'x']."""
    if not name:
        return []
    for cut in range(len(name), 0, -1):
        head = name[:cut]
        if head in _NOT_SUPPORTED:
            continue
        if _classify(head) is not None:
            rest = _split_name(name[cut:])
            if rest is not None:
                return [head, *rest]
    return None


def _unknown_name(name: str, text: str, column: int, next_char: str) -> InputError:
    if name in _NOT_SUPPORTED:
        return InputError(
            f"'{name}' is not something derivtutor knows",
            text=text,
            column=column,
            suggestion=_NOT_SUPPORTED[name],
        )

    if re.fullmatch(r"[eE][0-9]+", name):
        return InputError(
            "scientific notation is not supported",
            text=text,
            column=column,
            suggestion=f"write 10^{name[1:]} for a power of ten.",
        )

    def corrected(replacement: str) -> str:
        return text[: column - 1] + replacement + text[column - 1 + len(name) :]

    parts = _split_name(name)
    ends_in_function = parts is not None and _classify(parts[-1]) == _Name("FUNC", parts[-1])
    if parts is not None and len(parts) > 1 and (next_char != "(" or ends_in_function):
        if _classify(parts[0]) == _Name("FUNC", parts[0]) and not ends_in_function:
            return InputError(
                f"'{name}' is not a name: a function needs parentheses around its argument",
                text=text,
                column=column,
                suggestion=f"did you mean {corrected(parts[0] + '(' + '*'.join(parts[1:]) + ')')}?",
            )
        return InputError(
            f"unknown name '{name}'",
            text=text,
            column=column,
            suggestion=f"did you mean {corrected('*'.join(parts))}? "
            "Write a space or * between factors.",
        )
    if next_char == "(":
        close = difflib.get_close_matches(name, list(FUNCTIONS), n=1, cutoff=0.5)
        hint = (
            f"did you mean {close[0]}?"
            if close
            else "the functions known are listed in the README."
        )
        return InputError(f"unknown function '{name}'", text=text, column=column, suggestion=hint)
    close = difflib.get_close_matches(name, [*FUNCTIONS, *CONSTANTS, *GREEK_NAMES], n=1)
    hint = (
        f"did you mean {close[0]}?"
        if close
        else "variables are single letters (x, y, θ), written-out Greek letters (theta) "
        "or indexed names (x1, z_2)."
    )
    return InputError(f"unknown name '{name}'", text=text, column=column, suggestion=hint)


def _scan(text: str) -> list[Token]:
    """Tokens for the grammar, with column numbers pointing into the original text."""
    norm, cols = _normalise(text)

    def col(pos: int) -> int:
        return cols[pos] if pos < len(cols) else len(text) + 1

    tokens: list[Token] = []
    pos = 0
    while pos < len(norm):
        match = _TOKEN_RE.match(norm, pos)
        if match is None:
            raise _bad_character(norm[pos], text, col(pos))
        kind = match.lastgroup
        value = match.group()
        start = pos
        pos = match.end()
        end = col(pos - 1) + 1
        if kind == "space":
            continue
        if kind == "number":
            digits = value.replace(".", "")
            if len(digits.lstrip("0")) > MAX_LITERAL_DIGITS:
                raise InputError(
                    f"the number {value[:12]}... is too long (at most {MAX_LITERAL_DIGITS} digits)",
                    text=text,
                    column=col(start),
                    suggestion="round it, or write it with a power of ten, e.g. 3*10^24.",
                )
            tokens.append(_token("NUMBER", value, col(start), end))
        elif kind == "name":
            named = _classify(value)
            if named is None:
                following = norm[pos : pos + 1]
                raise _unknown_name(value, text, col(start), following)
            tokens.append(_token(named.kind, named.value, col(start), end))
        elif kind == "pow":
            tokens.append(_token("POW", "^", col(start), end))
        elif value == "|":
            tokens.append(_token("BAR", "|", col(start)))
        else:
            tokens.append(_token(_OP_TYPES[value], value, col(start)))
    if not tokens:
        raise InputError(
            "the expression is empty",
            text=text,
            column=1,
            suggestion='type a function of x, e.g. "x^2 sin(x)"',
        )
    tokens = _pair_bars(tokens, text)
    _check_depth(tokens, text)
    _check_function_calls(tokens, text)
    tokens = _insert_implicit_products(tokens, text)
    _check_ambiguous_division(tokens, text)
    _check_ambiguous_exponent(tokens, text)
    return tokens


def _col(tok: Token) -> int:
    return tok.column or 1


def _token(kind: str, value: str, column: int, end_column: int | None = None) -> Token:
    """A token; end_column is one past its last character in the user's text."""
    end = end_column if end_column is not None else column + len(value)
    return Token(kind, value, column=column, line=1, end_column=end)


def _bad_character(ch: str, text: str, column: int) -> InputError:
    if ch == "=":
        return InputError(
            "'=' is not allowed here: give the expression, not an equation",
            text=text,
            column=column,
            suggestion='for y = x^2, type "x^2" (equations are only for `derivtutor implicit`).',
        )
    if ch in "'′":
        return InputError(
            "a prime (') is not part of an expression",
            text=text,
            column=column,
            suggestion='type the function itself, e.g. "x^2 sin(x)"; derivtutor finds its '
            "derivative.",
        )
    if ch in "[]{}":
        return InputError(
            f"'{ch}' is not used for grouping here",
            text=text,
            column=column,
            suggestion="use round parentheses ( ) for grouping.",
        )
    if ch == "!":
        return InputError(
            "factorials are not supported",
            text=text,
            column=column,
            suggestion="write a number's factorial as a product, e.g. 4*3*2*1 for 4!.",
        )
    if ch == ".":
        return InputError(
            "a decimal point needs digits",
            text=text,
            column=column,
            suggestion="write a digit next to it, e.g. 0.5, and * for a product.",
        )
    return InputError(
        f"unexpected character {ch!r}",
        text=text,
        column=column,
        suggestion="expressions use numbers, names, + - * / ^ ( ) , and |x|.",
    )


def _pair_bars(tokens: list[Token], text: str) -> list[Token]:
    """Decide which '|' opens and which closes: a bar closes when one is open and an operand
    has just ended, so |x|·|y|, ||x| - 1| and 2|x| all read as a person reads them."""
    out: list[Token] = []
    open_bars: list[Token] = []
    for tok in tokens:
        if tok.type == "BAR":
            prev = out[-1].type if out else None
            if open_bars and prev in _OPERAND_END:
                open_bars.pop()
                out.append(_token("RBAR", "|", _col(tok)))
            else:
                open_bars.append(tok)
                out.append(_token("LBAR", "|", _col(tok)))
        else:
            out.append(tok)
    if open_bars:
        raise InputError(
            "this '|' is never closed",
            text=text,
            column=open_bars[-1].column,
            suggestion="write |x| with a bar on each side, or abs(x).",
        )
    return out


def _check_depth(tokens: list[Token], text: str) -> None:
    """Bound how deeply the expression nests, and check that groups close in order.

    Parentheses and bars nest, and so do chains of signs and powers (---x, x^x^x): each one
    wraps the rest in a new node, so 999 minus signs would build a tree too deep for SymPy's
    printers and diff (RecursionError). Both count towards MAX_DEPTH.
    """
    stack: list[Token] = []
    saved: list[int] = []  # the chain length of each enclosing level, restored when it closes
    chain = 0  # signs and powers nested at this level since its last binary operator
    outer = 0  # sum(saved), kept as we go
    prev: Token | None = None
    for tok in tokens:
        if prev is not None and prev.type in _OPERAND_END and tok.type in _OPERAND_START:
            chain = 0  # an implicit product: a new factor starts
        if tok.type in ("LPAR", "LBAR"):
            stack.append(tok)
            saved.append(chain)
            outer += chain
            chain = 0
        elif tok.type in ("RPAR", "RBAR"):
            if tok.type == "RPAR" and not stack:
                raise InputError(
                    "this ')' has no matching '('",
                    text=text,
                    column=tok.column,
                    suggestion="remove it, or add a '(' where the group starts.",
                )
            opener = stack.pop()
            if opener.type != {"RPAR": "LPAR", "RBAR": "LBAR"}[tok.type]:
                # |x)| once popped the bar for the ')' and then crashed with an IndexError.
                raise InputError(
                    f"this '{tok!s}' does not match the '{opener!s}' at column {opener.column}",
                    text=text,
                    column=tok.column,
                    suggestion="close groups in the reverse order of opening: (|x|) or |(x)|.",
                )
            chain = saved.pop()
            outer -= chain
        elif tok.type in ("ADD", "SUB") and (prev is None or prev.type not in _OPERAND_END):
            chain += 1  # a sign: -x is Mul(-1, x)
        elif tok.type == "POW":
            chain += 1
        elif tok.type in ("ADD", "SUB", "MUL", "DIV", "COMMA"):
            chain = 0  # a binary operator: its operands are siblings, not nested
        if len(stack) + outer + chain > MAX_DEPTH:
            raise InputError(
                f"the expression is nested too deeply (more than {MAX_DEPTH} levels)",
                text=text if len(text) <= 80 else "",
                column=tok.column,
                suggestion="remove redundant parentheses or signs, or split the expression "
                "into smaller parts.",
            )
        prev = tok
    if stack:
        raise InputError(
            "this '(' is never closed",
            text=text,
            column=stack[-1].column,
            suggestion=f"add ')' at the end: {text})" if stack[-1].type == "LPAR" else None,
        )


def _check_function_calls(tokens: list[Token], text: str) -> None:
    """A function name must be followed by '(' (or by ^n and then '('): 'sin x' is refused."""
    for i, tok in enumerate(tokens):
        if tok.type != "FUNC":
            continue
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        name = str(tok)
        if nxt is not None and nxt.type == "LPAR":
            continue
        if nxt is not None and nxt.type == "POW":
            j = i + 2
            if j < len(tokens) and tokens[j].type == "SUB":
                j += 1
            if j + 1 < len(tokens) and tokens[j].type == "NUMBER" and tokens[j + 1].type == "LPAR":
                continue
            # Echo the power and argument the user typed: sin^-1 x is not told "sin^2(x)".
            if j < len(tokens) and tokens[j].type == "NUMBER":
                sign = "-" if tokens[j - 1].type == "SUB" else ""
                hint = f"{name}^{sign}{tokens[j]!s}({_argument_text(tokens, j + 1, text)})"
            else:
                hint = f"{name}^2(x), i.e. ({name}(x))^2"
            raise InputError(
                f"after {name}^ write a whole number and then the argument in parentheses",
                text=text,
                column=tok.column,
                suggestion=f"did you mean {hint}?",
            )
        arg = _argument_text(tokens, i + 1, text)
        raise InputError(
            f"the function {name} needs parentheses around its argument",
            text=text,
            column=(_col(nxt) if nxt is not None else _col(tok) + len(name)),
            suggestion=f"did you mean {name}({arg})?",
        )


def _argument_text(tokens: list[Token], j: int, text: str) -> str:
    """What the user typed for the operand starting at token j (e.g. |x| in 'sin |x|'), or x."""
    if j >= len(tokens) or tokens[j].type not in _OPERAND_START:
        return "x"
    end = _skip_atom(tokens, j)
    return text[(tokens[j].column or 1) - 1 : _end_column(tokens[end - 1]) - 1]


def _insert_implicit_products(tokens: list[Token], text: str) -> list[Token]:
    """Make implicit multiplication explicit (2x -> 2 IMUL x), so the grammar stays LALR(1)."""
    out: list[Token] = []
    for i, tok in enumerate(tokens):
        prev = out[-1] if out else None
        if prev is not None and prev.type in _OPERAND_END and tok.type in _OPERAND_START:
            in_function_power = (
                prev.type == "NUMBER"
                and tok.type == "LPAR"
                and i >= 2
                and (
                    tokens[i - 2].type == "POW"
                    and i >= 3
                    and tokens[i - 3].type == "FUNC"
                    or tokens[i - 2].type == "SUB"
                    and i >= 4
                    and tokens[i - 3].type == "POW"
                    and tokens[i - 4].type == "FUNC"
                )
            )
            if not in_function_power:
                if tok.type == "NUMBER":
                    # Swapping is advice for x 2 (-> 2x); for 2 3 it would give 32, and 1.2.3
                    # is a mistyped decimal.
                    if prev.type != "NUMBER":
                        hint = f"put the number first ({tok!s}{prev!s}) or write * between them."
                    elif str(tok).startswith(".") and _end_column(prev) == tok.column:
                        hint = "a number has at most one decimal point."
                    else:
                        hint = f"write * between them: {prev!s}*{tok!s}."
                    raise InputError(
                        f"a number cannot follow {prev!s} directly",
                        text=text,
                        column=tok.column,
                        suggestion=hint,
                    )
                if prev.type == "VAR" and str(prev) in _NOT_SUPPORTED and tok.type == "LPAR":
                    raise InputError(
                        f"'{prev!s}(' looks like function notation",
                        text=text,
                        column=prev.column,
                        suggestion=_NOT_SUPPORTED[str(prev)]
                        + f" For a product, write {prev!s}*(...).",
                    )
                out.append(_token("IMUL", "", _col(tok)))
        out.append(tok)
    return out


def _check_ambiguous_division(tokens: list[Token], text: str) -> None:
    """Refuse x/2x: some read it as x/(2x), others as (x/2)·x, so we ask which."""
    i = 0
    while i < len(tokens):
        if tokens[i].type != "DIV":
            i += 1
            continue
        j = i + 1
        while j < len(tokens) and tokens[j].type in ("SUB", "ADD"):
            j += 1
        j = _skip_power(tokens, j)
        if j < len(tokens) and tokens[j].type == "IMUL":
            k = j
            while k < len(tokens) and tokens[k].type == "IMUL":
                k = _skip_power(tokens, k + 1)
            start = tokens[i + 1].column or 1
            stop = _end_column(tokens[k - 1])
            left = text[start - 1 : (tokens[j].column or 1) - 1].strip()
            whole = text[start - 1 : stop - 1].strip()
            head, tail = text[: start - 1].rstrip(), text[stop - 1 :]
            right = text[(tokens[j].column or 1) - 1 : stop - 1].strip()
            raise InputError(
                "this division is ambiguous: is the product below the line or not?",
                text=text,
                column=tokens[i].column,
                suggestion=f"write {head}({whole}){tail} to divide by the product, "
                f"or {head}{left}*{right}{tail} to divide by {left} only.",
            )
        i += 1


def _check_ambiguous_exponent(tokens: list[Token], text: str) -> None:
    """Refuse e^2x: it is e²·x by precedence, but nearly always meant as e^(2x)."""
    for i, tok in enumerate(tokens[:-3]):
        if not (tok.type == "CONST" and str(tok) == "e" and tokens[i + 1].type == "POW"):
            continue
        j = i + 2
        while j < len(tokens) and tokens[j].type in ("SUB", "ADD"):
            j += 1
        if j + 2 < len(tokens) and tokens[j].type == "NUMBER" and tokens[j + 1].type == "IMUL":
            factor = tokens[j + 2]
            if _end_column(tokens[j]) == factor.column and factor.type in ("VAR", "CONST"):
                exponent = text[(tokens[i + 2].column or 1) - 1 : _end_column(factor) - 1]
                raise InputError(
                    f"e^{exponent} is ambiguous",
                    text=text,
                    column=tokens[i + 1].column,
                    suggestion=f"write e^({exponent}) for the exponential of {exponent}, "
                    f"or e^{exponent[: -len(str(factor))]}*{str(factor)} for a product.",
                )


def _skip_power(tokens: list[Token], j: int) -> int:
    """Index just past one factor (an atom, a call, and any ^exponent) starting at j."""
    j = _skip_atom(tokens, j)
    while j < len(tokens) and tokens[j].type == "POW":
        j += 1
        while j < len(tokens) and tokens[j].type in ("SUB", "ADD"):
            j += 1
        j = _skip_atom(tokens, j)
    return j


def _skip_atom(tokens: list[Token], j: int) -> int:
    if j >= len(tokens):
        return j
    kind = tokens[j].type
    if kind == "FUNC":
        j += 1
        while j < len(tokens) and tokens[j].type != "LPAR":
            j += 1
        return _skip_group(tokens, j)
    if kind in ("LPAR", "LBAR"):
        return _skip_group(tokens, j)
    return j + 1


def _skip_group(tokens: list[Token], j: int) -> int:
    depth = 0
    while j < len(tokens):
        if tokens[j].type in ("LPAR", "LBAR"):
            depth += 1
        elif tokens[j].type in ("RPAR", "RBAR"):
            depth -= 1
            if depth == 0:
                return j + 1
        j += 1
    return j


def _end_column(tok: Token) -> int:
    return tok.end_column or (tok.column or 1) + len(str(tok))


# --- stage 3: the grammar ------------------------------------------------------------------------

_GRAMMAR = r"""
%declare NUMBER VAR CONST FUNC ADD SUB MUL DIV IMUL POW LPAR RPAR LBAR RBAR COMMA

?start: sum

?sum: term
    | sum ADD term          -> add
    | sum SUB term          -> sub

?term: signed
     | term MUL signed      -> mul
     | term DIV signed      -> div

?signed: SUB signed         -> neg
       | ADD signed         -> pos
       | implicit

?implicit: power
         | implicit IMUL power -> imul

?power: atom
      | atom POW exponent   -> pow

?exponent: SUB exponent     -> neg
         | ADD exponent     -> pos
         | power

?atom: NUMBER               -> number
     | VAR                  -> variable
     | CONST                -> constant
     | LPAR sum RPAR        -> group
     | LBAR sum RBAR        -> bars
     | FUNC LPAR arguments RPAR                      -> call
     | FUNC POW NUMBER LPAR arguments RPAR           -> call_power
     | FUNC POW SUB NUMBER LPAR arguments RPAR       -> call_inverse

arguments: sum (COMMA sum)*
"""


class _TokenList(Lexer):
    """Lark 'lexer' that hands over the tokens _scan already made."""

    def __init__(self, lexer_conf: Any) -> None:
        pass

    def lex(self, data: Any) -> Iterator[Token]:  # type: ignore[override]
        yield from data


def _n(expr: sp.Expr) -> bool:
    return bool(expr.is_Number)


@v_args(inline=True)
class _Build(Transformer[Token, sp.Expr]):
    """Grammar callbacks: build SymPy objects without automatic evaluation.

    Only sub-expressions made purely of numbers are evaluated (2*3 -> 6, 1/2 -> a Rational),
    and powers of numbers only within MAX_NUMBER_BITS, so that 9^9^9 is refused, not computed.
    """

    def number(self, tok: Token) -> sp.Expr:
        return sp.Rational(str(tok))

    def variable(self, tok: Token) -> sp.Expr:
        return variable(str(tok))

    def constant(self, tok: Token) -> sp.Expr:
        return CONSTANTS[str(tok)]

    def group(self, _l: Token, inner: sp.Expr, _r: Token) -> sp.Expr:
        return inner

    def bars(self, _l: Token, inner: sp.Expr, _r: Token) -> sp.Expr:
        return sp.Abs(inner, evaluate=not inner.free_symbols)

    def add(self, a: sp.Expr, _op: Token, b: sp.Expr) -> sp.Expr:
        if _n(a) and _n(b):
            return a + b
        return sp.Add(*_terms(a), b, evaluate=False)

    def sub(self, a: sp.Expr, _op: Token, b: sp.Expr) -> sp.Expr:
        if _n(a) and _n(b):
            return a - b
        return sp.Add(*_terms(a), _negate(b), evaluate=False)

    def mul(self, a: sp.Expr, _op: Token, b: sp.Expr) -> sp.Expr:
        return _product(a, b)

    def imul(self, a: sp.Expr, _op: Token, b: sp.Expr) -> sp.Expr:
        return _product(a, b)

    def div(self, a: sp.Expr, op: Token, b: sp.Expr) -> sp.Expr:
        if b.is_Number and b == 0:
            raise _error_at(op, "division by zero", suggestion="check the denominator.")
        if _n(a) and _n(b):
            return a / b
        if _n(b):
            return _product(a, 1 / b)
        return sp.Mul(a, sp.Pow(b, -1, evaluate=False), evaluate=False)

    def neg(self, _op: Token, a: sp.Expr) -> sp.Expr:
        return _negate(a)

    def pos(self, _op: Token, a: sp.Expr) -> sp.Expr:
        return a

    def pow(self, base: sp.Expr, op: Token, exponent: sp.Expr) -> sp.Expr:
        return _power(base, exponent, op)

    def call(self, func: Token, _l: Token, args: list[sp.Expr], _r: Token) -> sp.Expr:
        return _apply(func, args)

    def call_power(
        self, func: Token, _p: Token, n: Token, _l: Token, args: list[sp.Expr], _r: Token
    ) -> sp.Expr:
        return _power(_apply(func, args), sp.Rational(str(n)), n)

    def call_inverse(
        self,
        func: Token,
        _p: Token,
        _m: Token,
        n: Token,
        _l: Token,
        args: list[sp.Expr],
        _r: Token,
    ) -> sp.Expr:
        name = str(func)
        if str(n) != "1" or name not in INVERSES:
            raise _error_at(
                func,
                f"{name}^-{n}(...) is ambiguous",
                suggestion=f"write 1/{name}(x)^{n}" if str(n) != "1" else f"write 1/{name}(x)",
            )
        if len(args) != 1:
            raise _error_at(
                func, f"{name}^-1 takes one argument", suggestion=f"write {name}^-1(x)."
            )
        return INVERSES[name](args[0], evaluate=False)

    def arguments(self, *items: Any) -> list[sp.Expr]:
        return [item for item in items if not isinstance(item, Token)]


def _error_at(tok: Token, message: str, suggestion: str | None = None) -> InputError:
    # The source text is attached by parse(), which knows it.
    return InputError(message, column=tok.column, suggestion=suggestion)


def _terms(a: sp.Expr) -> tuple[sp.Expr, ...]:
    return a.args if isinstance(a, sp.Add) else (a,)


def _negate(a: sp.Expr) -> sp.Expr:
    if _n(a):
        return -a
    return sp.Mul(sp.Integer(-1), a, evaluate=False)


def _product(a: sp.Expr, b: sp.Expr) -> sp.Expr:
    if _n(a) and _n(b):
        return a * b
    factors = [*(a.args if isinstance(a, sp.Mul) else (a,)), b]
    return sp.Mul(*factors, evaluate=False)


def _power(base: sp.Expr, exponent: sp.Expr, tok: Token) -> sp.Expr:
    if exponent.is_Number:
        if abs(exponent) > MAX_EXPONENT:
            raise _error_at(
                tok,
                f"the exponent {exponent} is too large (at most {MAX_EXPONENT})",
                suggestion="derivtutor works with exponents a person could expand by hand.",
            )
        if base.is_Number:
            if base.is_zero and exponent.is_negative:
                raise _error_at(
                    tok,
                    "0 to a negative power is undefined",
                    suggestion="0^-n is 1/0^n, a division by zero: check the base.",
                )
            if isinstance(base, sp.Rational) and exponent.is_Integer:
                bits = max(abs(base.p), abs(base.q)).bit_length() * abs(int(exponent))
                if bits > MAX_NUMBER_BITS:
                    raise _error_at(
                        tok,
                        f"the number {base}^{exponent} is too large to work with",
                        suggestion="use a smaller base or exponent.",
                    )
            return _real_constant(sp.Pow(base, exponent), tok, f"({base})^({exponent})")
    if base == sp.E:
        return sp.exp(exponent, evaluate=False)
    return sp.Pow(base, exponent, evaluate=False)


def _apply(func: Token, args: list[sp.Expr]) -> sp.Expr:
    name = str(func)
    fn, arities = FUNCTIONS[name]
    if len(args) not in arities:
        wanted = " or ".join(str(a) for a in arities)
        raise _error_at(
            func,
            f"{name} takes {wanted} argument{'s' if arities != (1,) else ''}, not {len(args)}",
            suggestion="log(x, b) is the only function with two arguments (the base b).",
        )
    if name == "log" and len(args) == 2:
        base = args[1]
        if base.is_Number and (base <= 0 or base == 1):
            raise _error_at(
                func,
                f"a logarithm's base must be positive and not 1, not {base}",
                suggestion="use a base such as 10, 2 or e: log(x, 10).",
            )
        return sp.Mul(
            sp.log(args[0], evaluate=False),
            sp.Pow(sp.log(base, evaluate=False), -1, evaluate=False),
            evaluate=False,
        )
    if not any(a.free_symbols for a in args):
        # A constant such as sec(pi) is worked out now: left unevaluated, SymPy cannot even
        # tell whether it is real, and an undefined one (sec(pi/2)) must be refused here.
        shown = f"{name}({', '.join(str(a.doit()) for a in args)})"
        return _real_constant(fn(*args), func, shown)
    if name == "sqrt":
        return sp.Pow(args[0], sp.Rational(1, 2), evaluate=False)
    if name == "exp":
        return sp.exp(args[0], evaluate=False)
    return fn(*args, evaluate=False)


def _real_constant(value: sp.Expr, tok: Token, shown: str) -> sp.Expr:
    """value, or an InputError when it is undefined or not a real number."""
    if value.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
        raise _error_at(
            tok,
            f"{shown} is undefined",
            suggestion="check the argument: this value is outside the function's domain.",
        )
    if value.is_real is False:
        raise _error_at(
            tok,
            f"{shown} is not a real number",
            suggestion="derivtutor works with real numbers: check the argument's sign or range.",
        )
    return value


_parser: Lark | None = None
_grammar_cache: str | None = None


def use_grammar_cache(path: str | None) -> None:
    """Keep Lark's analysed grammar in ``path`` (a file the user owns), to start ~20 ms faster.

    The command line sets this to a file in the user's cache directory; the library alone never
    writes a file. Never point it at a shared directory such as /tmp: Lark stores the analysis
    as a pickle, and a pickle someone else can write is code they can run.
    """
    global _grammar_cache, _parser
    _grammar_cache, _parser = path, None


def _get_parser() -> Lark:
    global _parser
    if _parser is None:
        _parser = Lark(
            _GRAMMAR,
            parser="lalr",
            lexer=_TokenList,
            transformer=_Build(),
            cache=_grammar_cache or False,
        )
    return _parser


_EXPECTED = {
    "NUMBER": "a number",
    "VAR": "a variable",
    "CONST": "a constant",
    "FUNC": "a function",
    "LPAR": "'('",
    "RPAR": "')'",
    "LBAR": "'|'",
    "RBAR": "'|'",
    "SUB": "'-'",
    "ADD": "'+'",
    "COMMA": "','",
}


def _syntax_error(err: UnexpectedInput, tokens: list[Token], text: str) -> InputError:
    if isinstance(err, UnexpectedEOF) or (
        isinstance(err, UnexpectedToken) and err.token.type == "$END"
    ):
        last = tokens[-1]
        # Just past the last token as typed: x** ends at column 4, though its token is '^'.
        column = max(_end_column(last), (last.column or 1) + 1)
        what = str(last) or "the last operator"
        if last.type in ("ADD", "SUB", "MUL", "DIV", "POW"):
            return InputError(
                f"the expression ends with '{what}', which needs something after it",
                text=text,
                column=min(column, len(text) + 1),
                suggestion=f"finish it, e.g. {text.rstrip()} 1, or remove the '{what}'.",
            )
        return InputError(
            "the expression ends too early",
            text=text,
            column=min(column, len(text) + 1),
            suggestion="finish the expression.",
        )
    if isinstance(err, UnexpectedToken):
        tok = err.token
        expected = [_EXPECTED[e] for e in _EXPECTED if e in err.expected]
        expected = list(dict.fromkeys(expected))
        shown = str(tok) if tok.type != "IMUL" else "a product"
        if tok.type in ("ADD", "SUB", "MUL", "DIV", "POW", "COMMA", "RPAR", "RBAR"):
            message = f"unexpected '{shown}'"
        else:
            message = f"unexpected {shown!r}"
        index = next((k for k, t in enumerate(tokens) if t is tok), 0)
        if tok.type == "RPAR" and index > 0 and tokens[index - 1].type == "LPAR":
            suggestion = "the parentheses are empty: put the argument inside, e.g. sin(x)."
        elif tok.type == "COMMA":
            suggestion = "a comma only separates log(x, b)'s argument from its base."
        elif tok.type in ("MUL", "DIV", "POW", "ADD") and expected:
            suggestion = "an operator is missing its left-hand side; remove it or add a number."
        else:
            suggestion = "expected " + ", ".join(expected[:5]) if expected else ""
        return InputError(message, text=text, column=tok.column, suggestion=suggestion)
    assert isinstance(err, UnexpectedCharacters)  # not produced: _scan makes every token
    return InputError("unexpected input", text=text, column=err.column)


def parse(text: str) -> sp.Expr:
    """Read a mathematical expression typed by a person. Raises InputError, and nothing else."""
    if not isinstance(text, str):
        raise InputError("the expression must be text")
    if len(text) > MAX_LENGTH:
        raise InputError(
            f"the expression is too long ({len(text)} characters; at most {MAX_LENGTH})",
            column=MAX_LENGTH + 1,
            suggestion="split it into smaller parts.",
        )
    try:
        tokens = _scan(text)
        try:
            result = _get_parser().parse(tokens)
        except UnexpectedInput as err:
            raise _syntax_error(err, tokens, text) from None
    except InputError as err:
        # Attach the text, and keep the caret on the line even when a mapped character
        # (√ -> sqrt) made the normalised text longer than what was typed.
        column = None if err.column is None else max(1, min(err.column, len(text) + 1))
        raise InputError(err.message, text=text, column=column, suggestion=err.suggestion) from None
    except RecursionError:  # pragma: no cover - bounded by MAX_DEPTH and MAX_LENGTH
        raise InputError("the expression is too complex to read") from None
    return result


def variables(expr: sp.Expr) -> list[sp.Symbol]:
    """The free variables of an expression, sorted by name."""
    return sorted(expr.free_symbols, key=lambda s: s.name)
