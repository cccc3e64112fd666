"""Text -> SymPy expression, safe by construction.

Nothing the user types is ever executed: a hand-written scanner (scan.py) turns the text into
tokens, a Lark LALR grammar (below) checks their order, and the grammar's callbacks build SymPy
objects from a whitelist of names (vocabulary.py). There is no ``eval``, ``sympify`` or
``parse_expr`` anywhere on this path.

The callbacks build the expression *without* SymPy's automatic evaluation, so a quotient the
user wrote stays a quotient. Only constants are worked out (2*3, sec(pi)), and an undefined or
non-real constant is refused.

Every input is bounded: length, nesting depth, literal size and exponent size, so that no input
can hang a command or exhaust memory.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

import mpmath
import sympy as sp
from lark import Lark, Token, Transformer, v_args
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken
from lark.lexer import Lexer

from derivtutor.errors import InputError
from derivtutor.language.scan import MAX_DEPTH, MAX_LENGTH, end_column, scan
from derivtutor.language.vocabulary import CONSTANTS, FUNCTIONS, INVERSES, variable

__all__ = ["MAX_DEPTH", "MAX_EXPONENT", "MAX_LENGTH", "parse", "variable", "variables"]

MAX_EXPONENT = 1000
MAX_NUMBER_BITS = 4096

# --- the grammar -------------------------------------------------------------------------------

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
    if not exponent.free_symbols:
        _bounded_constant_exponent(exponent, tok)
    if base == sp.E:
        return sp.exp(exponent, evaluate=False)
    return sp.Pow(base, exponent, evaluate=False)


def _bounded_constant_exponent(exponent: sp.Expr, tok: Token) -> None:
    """A constant exponent that is no plain number (2^π, 94.6^sinh(68780689323)) is bounded as a
    literal one is: its size at most MAX_EXPONENT. The size is estimated level by level, as a
    logarithm, so a tower whose value would fill any memory is refused before it is sought."""
    size = _log10_size(exponent)
    if size > math.log10(MAX_EXPONENT):
        shown = "astronomically large" if math.isinf(size) else f"about 10^{size:.0f}"
        raise _error_at(
            tok,
            f"the exponent is too large ({shown}; at most {MAX_EXPONENT})",
            suggestion="derivtutor works with exponents a person could expand by hand.",
        )


_BOUNDED = (sp.sin, sp.cos, sp.tanh, sp.atan, sp.asin, sp.acos, sp.acot, sp.sign, sp.Heaviside)


def _log10_size(e: sp.Expr) -> float:
    """An estimate of log10 |e| for a constant e, never computing a number larger than about
    10^(10^6): inf stands for "too large to hold"."""
    if e.is_zero:
        return -math.inf
    if e.is_Number or e.is_NumberSymbol:
        return float(mpmath.log10(abs(mpmath.mpf(sp.N(e, 15)))))
    if isinstance(e, (sp.Pow, sp.exp)):
        base, power = (sp.E, e.args[0]) if isinstance(e, sp.exp) else (e.base, e.exp)
        size = _log10_size(power)
        if size > 6:
            return math.inf  # an exponent beyond a million: the value has a million digits
        value = float(sp.N(power, 15)) if size > -math.inf else 0.0
        return value * _log10_size(base) if value >= 0 else -abs(value * _log10_size(base))
    if isinstance(e, sp.Mul):
        return sum(_log10_size(a) for a in e.args)
    if isinstance(e, sp.Add):
        return max(_log10_size(a) for a in e.args) + math.log10(len(e.args))
    if isinstance(e, _BOUNDED):
        return 1.0  # at most π, whatever the argument
    if all(_log10_size(a) <= 6 for a in e.args):
        value = abs(complex(sp.N(e, 15)))  # sinh(10⁶) is e^(10⁶): mpmath holds it
        return math.log10(value) if value else -math.inf
    return math.inf


def _apply(func: Token, args: list[sp.Expr]) -> sp.Expr:
    name = str(func)
    fn, arities = FUNCTIONS[name]
    if len(args) not in arities:
        wanted = " or ".join(str(a) for a in arities)
        raise _error_at(
            func,
            f"{name} takes {wanted} argument{'s' if arities != (1,) else ''}, not {len(args)}",
            suggestion="log(x, b), max(a, b) and min(a, b) take two arguments; the others one.",
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


def grammar_cache(suffix: str) -> str | bool:
    """Where another grammar of the package keeps its analysis (the shaped one, matrices.py):
    beside this one's, or nowhere when this one has none."""
    return _grammar_cache + suffix if _grammar_cache else False


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
        column = max(end_column(last), (last.column or 1) + 1)
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
    return _parse(text)


# A bank is parsed when it is loaded and again when it is verified, a class's sheet brings the
# same function back on every row: the text alone decides the expression, and SymPy's
# expressions are immutable, so a reading is kept (an error is not: it is raised again).
@lru_cache(maxsize=4096)
def _parse(text: str) -> sp.Expr:
    if len(text) > MAX_LENGTH:
        raise InputError(
            f"the expression is too long ({len(text)} characters; at most {MAX_LENGTH})",
            column=MAX_LENGTH + 1,
            suggestion="split it into smaller parts.",
        )
    try:
        tokens = scan(text)
        try:
            result = _get_parser().parse(tokens)
        except UnexpectedInput as err:
            raise _syntax_error(err, tokens, text) from None
    except InputError as err:
        # Attach the text, and keep the caret on the line even when a mapped character
        # (√ -> sqrt) made the normalised text longer than what was typed.
        column = None if err.column is None else max(1, min(err.column, len(text) + 1))
        raise InputError(
            err._message, text=text, column=column, suggestion=err._suggestion
        ) from None
    except RecursionError:  # pragma: no cover - bounded by MAX_DEPTH and MAX_LENGTH
        raise InputError("the expression is too complex to read") from None
    return result


def variables(expr: sp.Expr) -> list[sp.Symbol]:
    """The free variables of an expression in alphabetical order, with indices in numeric
    order: z1, z2, ..., z10 (not z1, z10, z2)."""
    return sorted(expr.free_symbols, key=lambda s: _natural(s.name))


def _natural(name: str) -> tuple[str, int, str]:
    stem = name.rstrip("0123456789")
    digits = name[len(stem) :]
    return (stem, int(digits) if digits else -1, name)


def log_base(expr: sp.Mul) -> tuple[sp.Expr, sp.Expr] | None:
    """(u, b) when expr is ln(u)·ln(b)⁻¹ in that order, as the parser builds log(u, b)."""
    if len(expr.args) != 2:
        return None
    log_u, reciprocal = expr.args
    if (
        isinstance(log_u, sp.log)
        and isinstance(reciprocal, sp.Pow)
        and reciprocal.exp == -1
        and isinstance(reciprocal.base, sp.log)
    ):
        return log_u.args[0], reciprocal.base.args[0]
    return None
