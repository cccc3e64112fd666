"""Text -> tokens for the grammar: the first two stages of reading what a person typed.

1. ``_normalise``: Unicode superscripts become ``^``, typographic operators become ASCII, then
   NFKC (full-width digits). A column map keeps every error pointing at what the user typed.
2. ``scan``: tokens, with names classified by the whitelist (vocabulary.py) and refused with a
   suggestion when unknown. Bars ``|x|`` are paired here, implicit multiplication becomes an
   explicit IMUL token (so the grammar stays LALR(1)), and ambiguous input (x/2x, e^2x) is
   refused with the two readings spelled out.

Length, nesting depth and literal size are bounded here, before any parsing starts.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from lark import Token

from derivtutor.errors import InputError, Message, Parameter
from derivtutor.language.latex import from_latex, is_latex
from derivtutor.language.vocabulary import (
    CONSTANTS,
    FUNCTIONS,
    GREEK_LETTERS,
    GREEK_NAMES,
    NOT_SUPPORTED,
    Name,
    classify,
)

MAX_LENGTH = 1000
MAX_DEPTH = 40
MAX_LITERAL_DIGITS = 20
# Splitting an unknown run of letters into known names ('sinx' -> sin, x) is only tried on
# runs this short: nobody types a longer one by accident.
MAX_SPLIT = 30

# --- stage 1: normalisation ----------------------------------------------------------------------

SUPERSCRIPTS = {
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
_SUBSCRIPT_DIGITS = {chr(0x2080 + n): str(n) for n in range(10)}
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
    "√": " sqrt",
    "ᵀ": "^T",  # a transpose, refused with its own message (before NFKC makes it a plain T)
}


def _normalise(text: str) -> tuple[str, list[int]]:
    """Map LaTeX and Unicode to the ASCII grammar. Returns the text and, per character, its
    source column."""
    if not is_latex(text):
        return _normalise_plain(text)
    plain, latex_columns = from_latex(text)
    norm, columns = _normalise_plain(plain)
    return norm, [latex_columns[c - 1] if c <= len(plain) else len(text) + 1 for c in columns]


def _normalise_plain(text: str) -> tuple[str, list[int]]:
    """Map Unicode to the ASCII grammar. Returns the text and, per character, its source column."""
    out: list[str] = []
    cols: list[int] = []
    closing: set[int] = set()  # the bars that end an ln|…|, each followed by ")"
    i = 0
    while i < len(text):
        ch = text[i]
        if i in closing:
            out.append("|)")
            cols.extend([i + 1, i + 1])
            i += 1
            continue
        if ch in SUPERSCRIPTS:
            j = i
            while j < len(text) and text[j] in SUPERSCRIPTS:
                j += 1
            run = "".join(SUPERSCRIPTS[c] for c in text[i:j])
            piece = "^" + run if run.isdigit() else "^(" + run + ")"
            out.append(piece)
            cols.extend([i + 1] * len(piece))
            i = j
            continue
        if ch in _SUBSCRIPT_DIGITS and "".join(out).endswith("log"):
            # log₁₀(x), as derivtutor prints the base-10 logarithm: the name log_10.
            j = i
            while j < len(text) and text[j] in _SUBSCRIPT_DIGITS:
                j += 1
            piece = "_" + "".join(_SUBSCRIPT_DIGITS[c] for c in text[i:j])
            out.append(piece)
            cols.extend([i + 1] * len(piece))
            i = j
            continue
        if ch == "|" and "".join(out).endswith("ln") and "|" in text[i + 1 :]:
            # ln|x|, as derivtutor prints the logarithm of an absolute value: ln(|x|).
            closing.add(text.index("|", i + 1))
            out.append("(|")
            cols.extend([i + 1, i + 1])
            i += 1
            continue
        if ch == "√":
            # √x and √2 take the atom that follows; √(x + 1) takes the parenthesised group.
            j = i + 1
            while (
                j < len(text)
                and (text[j].isalnum() or text[j] in "._")
                and (text[j] not in SUPERSCRIPTS)
            ):
                j += 1
            if j < len(text) and text[j] == "(" and _is_function(text[i + 1 : j]):
                # √sin(x), as derivtutor prints it: the root of the whole call.
                depth, k = 0, j
                while k < len(text):
                    depth += {"(": 1, ")": -1}.get(text[k], 0)
                    k += 1
                    if depth == 0:
                        break
                j = k
            elif j == i + 1 and j < len(text) and text[j] == "|" and "|" in text[j + 1 :]:
                # √|x|, as derivtutor prints the root of an absolute value.
                j = text.index("|", j + 1) + 1
            # A space first, so that x√x reads as x·√x, not as the name 'xsqrt'.
            if j > i + 1:
                # The root's argument is read as any text is (√sin(x²) holds x^2, not x2).
                inner, inner_cols = _normalise_plain(text[i + 1 : j])
                piece = " sqrt(" + inner + ")"
                out.append(piece)
                cols.extend([i + 1] * 6 + [i + 1 + c for c in inner_cols] + [j])
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


MAX_TEN_POWER = 300  # 1e300, as a double reaches; a literal 1e100000 would be a huge integer


def number_literal(value: str, text: str, column: int) -> None:
    """A number as typed, 2.5 or 1e-3 (scientific notation, as ML writes learning rates: 1e-3
    is 0.001, never 1·e − 3; e alone is still Euler's number). Refused past its bounds: more
    than MAX_LITERAL_DIGITS digits, or a power of ten past MAX_TEN_POWER."""
    mantissa, _, power = value.lower().partition("e")
    if len(mantissa.replace(".", "").lstrip("0")) > MAX_LITERAL_DIGITS:
        raise InputError(
            f"the number {value[:12]}... is too long (at most {MAX_LITERAL_DIGITS} digits)",
            text=text,
            column=column,
            suggestion="round it, or write it with a power of ten, e.g. 3*10^24.",
        )
    if power and abs(int(power)) > MAX_TEN_POWER:
        raise InputError(
            f"the power of ten in {value} is out of range (from −{MAX_TEN_POWER} to "
            f"{MAX_TEN_POWER})",
            text=text,
            column=column,
            suggestion="scale the problem so that its numbers fit a double",
        )


# Functions read through others, with what the reading says.
_REWRITTEN = {"max": ("max(u, v)", "v + relu(u − v)"), "min": ("min(u, v)", "u − relu(u − v)")}


def readings(text: str) -> list[tuple[str, str]]:
    """What was read otherwise than typed, to be echoed: each number in scientific notation
    ("1e-3", "0.001"), and max and min, read through relu ("max(u, v)", "v + relu(u − v)")."""
    from decimal import Decimal

    norm, _ = _normalise(text)
    out = []
    for match in _TOKEN_RE.finditer(norm):
        value, name = match.group("number"), match.group("name")
        if value and "e" in value.lower():
            decimal = format(Decimal(value), "f")
            if "." in decimal:
                decimal = decimal.rstrip("0").rstrip(".")
            out.append((value, decimal))
        elif name in _REWRITTEN and _REWRITTEN[name] not in out:
            out.append(_REWRITTEN[name])
    return out


def normalise(text: str) -> tuple[str, list[int]]:
    """The text mapped to the ASCII grammar, with each character's column in what was typed
    (for the shaped grammar, matrices.py, which shares this first stage)."""
    return _normalise(text)


# --- stage 2: scanning ---------------------------------------------------------------------------

_GREEK_CHARS = "".join(GREEK_LETTERS) + "σπ"
_TOKEN_RE = re.compile(
    rf"""
    (?P<space>\s+)
  | (?P<number>(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)
  | (?P<name>[A-Za-z{_GREEK_CHARS}]+(?:_[A-Za-z0-9]+|[0-9]+)?)
  | (?P<pow>\*\*|\^)
  | (?P<op>[-+*/(),|])
    """,
    re.VERBOSE,
)

_OPERAND_END = {"NUMBER", "VAR", "CONST", "RPAR", "RBAR"}
_OPERAND_START = {"NUMBER", "VAR", "CONST", "FUNC", "LPAR", "LBAR"}
_OP_TYPES = {"+": "ADD", "-": "SUB", "*": "MUL", "/": "DIV", "(": "LPAR", ")": "RPAR", ",": "COMMA"}


def _split_name(name: str) -> list[str] | None:
    """Split an unknown run of letters into known names, e.g. 'sinx' -> ['sin', 'x']."""
    if len(name) > MAX_SPLIT:
        return None
    split = _split_suffix(name)
    return list(split) if split is not None else None


@lru_cache(maxsize=256)
def _split_suffix(name: str) -> tuple[str, ...] | None:
    # Memoised: 'sinsin...' splits in many ways, and plain backtracking takes exponential time.
    if not name:
        return ()
    for cut in range(len(name), 0, -1):
        head = name[:cut]
        if head in NOT_SUPPORTED:
            continue
        if classify(head) is not None:
            rest = _split_suffix(name[cut:])
            if rest is not None:
                return (head, *rest)
    return None


def _near(name: str, known: list[str]) -> str | None:
    """The known name a typo most likely meant, within a small edit distance (one edit for a
    name of up to four letters, two past that): sine is sin; limit is nothing."""
    bound = 1 if len(name) <= 4 else 2
    best: tuple[int, str] | None = None
    for candidate in known:
        if abs(len(candidate) - len(name)) > bound:
            continue
        distance = _edits(name.lower(), candidate.lower())
        if distance <= bound and (best is None or distance < best[0]):
            best = (distance, candidate)
    return best[1] if best else None


def _edits(a: str, b: str) -> int:
    """Levenshtein distance, for the short names a typo is made in."""
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        previous, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (ca != cb))
    return row[-1]


def _unknown_name(name: str, text: str, column: int, next_char: str) -> InputError:
    if name in NOT_SUPPORTED:
        return InputError(
            f"'{name}' is not something derivtutor knows",
            text=text,
            column=column,
            suggestion=NOT_SUPPORTED[name],
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
    if parts is not None and len(parts) > 3 and all(len(p) == 1 for p in parts):
        parts = None  # clear is not c*l*e*a*r: a product of many letters is no one's meaning
    ends_in_function = parts is not None and classify(parts[-1]) == Name("FUNC", parts[-1])
    if parts is not None and len(parts) > 1 and (next_char != "(" or ends_in_function):
        if classify(parts[0]) == Name("FUNC", parts[0]) and not ends_in_function:
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
        near = _near(name, list(FUNCTIONS))
        hint = f"did you mean {near}?" if near else "the functions known are listed in the README."
        return InputError(f"unknown function '{name}'", text=text, column=column, suggestion=hint)
    near = _near(name, [*FUNCTIONS, *CONSTANTS, *GREEK_NAMES])
    hint = (
        f"did you mean {near}?"
        if near
        else "variables are single letters (x, y, θ), written-out Greek letters (theta) "
        "or indexed names (x1, z_2)."
    )
    return InputError(f"unknown name '{name}'", text=text, column=column, suggestion=hint)


def scan(text: str) -> list[Token]:
    """Tokens for the grammar, with column numbers pointing into the original text."""
    norm, cols = _normalise(text)

    def col(pos: int) -> int:
        return cols[pos] if pos < len(cols) else len(text) + 1

    tokens: list[Token] = []
    bases: dict[int, str] = {}  # the log tokens written with a base, log₁₀(x)
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
            number_literal(value, text, col(start))
            tokens.append(_token("NUMBER", value, col(start), end))
        elif kind == "name" and (base := _LOG_BASE.fullmatch(value)):
            if norm[pos:].lstrip()[:1] != "(":
                raise InputError(
                    f"the function {value} needs parentheses around its argument",
                    text=text,
                    column=col(start),
                    suggestion=f"did you mean {value}(x)? (or log(x, {base.group(1)}))",
                )
            tokens.append(_token("FUNC", "log", col(start), end))
            bases[len(tokens) - 1] = base.group(1)
        elif kind == "name":
            named = classify(value)
            if named is None and value.startswith("T") and tokens and tokens[-1].type == "POW":
                # x^Tx, as xᵀx is written: a transpose, not a name to split.
                raise InputError(_TRANSPOSE, text=text, column=col(start), suggestion=_FOR_A_POWER)
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
    tokens = _with_bases(tokens, bases)
    _check_transpose(tokens, text)
    tokens = _pair_bars(tokens, text)
    _check_depth(tokens, text)
    _check_function_calls(tokens, text)
    tokens = _insert_implicit_products(tokens, text)
    _check_ambiguous_division(tokens, text)
    _check_ambiguous_exponent(tokens, text)
    _check_ambiguous_power_fraction(tokens, text)
    return tokens


def _check_transpose(tokens: list[Token], text: str) -> None:
    """x^T is a transpose as ML texts write it (xᵀAx), never x to the power T: read as a
    power it would give a silently wrong derivative, with T as a third variable."""
    for before, tok in zip(tokens, tokens[1:], strict=False):
        if before.type == "POW" and tok.type == "VAR" and tok.value == "T":
            raise InputError(_TRANSPOSE, text=text, column=_col(tok), suggestion=_FOR_A_POWER)


_TRANSPOSE = Message(
    "^T reads as a transpose (xᵀ), and no vector or matrix is declared: declare each one's "
    "shape, e.g. {shapes}",
    shapes=Parameter("shapes", "x=n,A=n×n"),
)
_FOR_A_POWER = "for a power whose exponent is a variable T, write ^(T), e.g. e^(T)."


def _is_function(name: str) -> bool:
    named = classify(unicodedata.normalize("NFKC", name))
    return named is not None and named.kind == "FUNC"


_LOG_BASE = re.compile(r"log_?([0-9]+)")  # log_10(x), log₁₀(x) and log10(x)


def _with_bases(tokens: list[Token], bases: dict[int, str]) -> list[Token]:
    """log₁₀(u) as log(u, 10): the base goes in before the call's closing parenthesis."""
    if not bases:
        return tokens
    closing: dict[int, str] = {}
    for at, base in bases.items():
        depth = 0
        for k in range(at + 1, len(tokens)):
            depth += {"LPAR": 1, "RPAR": -1}.get(tokens[k].type, 0)
            if depth == 1 and tokens[k].type == "COMMA":
                raise InputError(
                    f"log with base {base} takes one argument",
                    column=tokens[at].column,
                    suggestion=f"write log_{base}(x), or log(x, b) for another base b.",
                )
            if depth == 0:
                closing[k] = base
                break
    out: list[Token] = []
    for k, tok in enumerate(tokens):
        if k in closing:
            out += [_token("COMMA", ",", _col(tok)), _token("NUMBER", closing[k], _col(tok))]
        out.append(tok)
    return out


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
    if ch == "ᵀ":
        return InputError(_TRANSPOSE, text=text, column=column, suggestion=_FOR_A_POWER)
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
    return text[(tokens[j].column or 1) - 1 : end_column(tokens[end - 1]) - 1]


def _insert_implicit_products(tokens: list[Token], text: str) -> list[Token]:
    """Make implicit multiplication explicit (2x -> 2 IMUL x), so the grammar stays LALR(1)."""
    out: list[Token] = []
    for i, tok in enumerate(tokens):
        prev = out[-1] if out else None
        if prev is not None and prev.type in _OPERAND_END and tok.type in _OPERAND_START:
            # sin^2(x) and sin^-1(x): the number is the function's power, not a factor.
            kinds = [t.type for t in tokens[max(0, i - 4) : i]]
            in_function_power = tok.type == "LPAR" and (
                kinds[-3:] == ["FUNC", "POW", "NUMBER"]
                or kinds[-4:] == ["FUNC", "POW", "SUB", "NUMBER"]
            )
            # (x + 1) 2^x and x 2^x: a power of a number is a factor like any other.
            power_of_number = (
                tok.type == "NUMBER" and i + 1 < len(tokens) and tokens[i + 1].type == "POW"
            )
            if not in_function_power:
                if tok.type == "NUMBER" and not power_of_number:
                    # Swapping is advice for x 2 (-> 2x); for 2 3 it would give 32, and 1.2.3
                    # is a mistyped decimal.
                    if prev.type != "NUMBER":
                        hint = f"put the number first ({tok!s}{prev!s}) or write * between them."
                    elif str(tok).startswith(".") and end_column(prev) == tok.column:
                        hint = "a number has at most one decimal point."
                    else:
                        hint = f"write * between them: {prev!s}*{tok!s}."
                    raise InputError(
                        f"a number cannot follow {prev!s} directly",
                        text=text,
                        column=tok.column,
                        suggestion=hint,
                    )
                if prev.type == "VAR" and str(prev) in NOT_SUPPORTED and tok.type == "LPAR":
                    raise InputError(
                        f"'{prev!s}(' looks like function notation",
                        text=text,
                        column=prev.column,
                        suggestion=NOT_SUPPORTED[str(prev)]
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
            stop = end_column(tokens[k - 1])
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
            if end_column(tokens[j]) == factor.column and factor.type in ("VAR", "CONST"):
                exponent = text[(tokens[i + 2].column or 1) - 1 : end_column(factor) - 1]
                raise InputError(
                    f"e^{exponent} is ambiguous",
                    text=text,
                    column=tokens[i + 1].column,
                    suggestion=f"write e^({exponent}) for the exponential of {exponent}, "
                    f"or e^{exponent[: -len(str(factor))]}*{str(factor)} for a product.",
                )


def _check_ambiguous_power_fraction(tokens: list[Token], text: str) -> None:
    """Refuse x^-1/2 and x^1/2, as 1/2 x is refused: by precedence each is a power divided by
    2, but a signed exponent run into a slash, or the power 1 that no one writes, is as often
    meant as the power -1/2 or 1/2. Otherwise precedence holds, as everywhere: x^2/3 is x²/3,
    x^-1 / 2 spaced is half of x⁻¹, and x³/2, set as a power, is a quotient."""
    for i, tok in enumerate(tokens):
        if tok.type != "POW" or i == 0:
            continue
        j = i + 1
        signed = j < len(tokens) and tokens[j].type in ("SUB", "ADD")
        j += signed
        if j + 2 >= len(tokens):
            continue
        power, slash, below = tokens[j], tokens[j + 1], tokens[j + 2]
        if (
            power.type not in ("NUMBER", "VAR", "CONST")
            or slash.type != "DIV"
            or below.type not in ("NUMBER", "VAR", "CONST")
            or end_column(power) != slash.column
            or end_column(slash) != below.column
        ):
            continue
        if text[(power.column or 1) - 1] in SUPERSCRIPTS:
            continue  # x³/2 is set as a power, then a quotient: nothing to ask
        if not signed and not (power.type == "NUMBER" and float(str(power)) == 1):
            continue
        start, stop = _base_column(tokens, i - 1), end_column(below)
        head, tail = text[: start - 1], text[stop - 1 :]
        base = text[start - 1 : (tok.column or 1) - 1].strip()
        exponent = text[(tokens[i + 1].column or 1) - 1 : stop - 1]
        above = text[(tokens[i + 1].column or 1) - 1 : end_column(power) - 1]
        raise InputError(
            f"{base}^{exponent} is ambiguous: a power of {exponent}, or {base}^{above} "
            f"divided by {below!s}?",
            text=text,
            column=tok.column,
            suggestion=f"write {head}{base}^({exponent}){tail} for the power, or "
            f"{head}({base}^{above})/{below!s}{tail} for the quotient.",
        )


def _base_column(tokens: list[Token], k: int) -> int:
    """The column where the operand ending at token k starts: a name, a number, a group or a
    call."""
    if tokens[k].type in ("RPAR", "RBAR"):
        depth = 0
        while k >= 0:
            depth += {"RPAR": 1, "RBAR": 1, "LPAR": -1, "LBAR": -1}.get(tokens[k].type, 0)
            if depth == 0:
                break
            k -= 1
        if k > 0 and tokens[k - 1].type == "FUNC":
            k -= 1
    return tokens[max(k, 0)].column or 1


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


def end_column(tok: Token) -> int:
    return tok.end_column or (tok.column or 1) + len(str(tok))
