"""Text with declared shapes -> a SymPy matrix expression, shape-checked as it is built.

The same guarantees as for scalars (parse.py): a hand-written scanner makes tokens from a
whitelist of names, a Lark LALR grammar checks their order, and the grammar's callbacks build
SymPy objects (``MatrixSymbol``, ``MatMul``, ``Transpose``, ...). Nothing typed is executed.
Every operation checks the shapes of what it joins, so that a mismatch is refused at its
operator with both shapes and a fix ("W x: W is m×n, x is k×1; did you mean x=n?").

The syntax, as ML texts write it: ``A x``, ``A*x`` and ``A @ x`` are the matrix product,
``x^T``, ``xᵀ`` and ``transpose(x)`` the transpose, ``x ⊙ y`` and ``hadamard(x, y)`` the
entrywise product, ``‖v‖`` and ``norm(v)`` the Euclidean norm, ``A^-1`` and ``inv(A)`` the
inverse; ``sum``, ``mean``, ``tr``, ``det``, ``diag``, ``softmax``, ``log_softmax`` and
``cross_entropy`` by name, and sigmoid, tanh, relu, exp, log and the other scalar functions
entry by entry on a vector. A 1×1 result (xᵀAx) is a scalar.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import sympy as sp
from lark import Lark, Token, Transformer, v_args
from lark.exceptions import UnexpectedInput, VisitError
from lark.lexer import Lexer
from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction
from sympy.matrices.expressions.diagonal import DiagMatrix

from derivtutor.errors import InputError
from derivtutor.language.matrix_functions import (
    CrossEntropy,
    ElementSum,
    LogSoftmax,
    Norm,
    Softmax,
    elementwise,
    is_matrix,
    scalar,
)
from derivtutor.language.parse import grammar_cache
from derivtutor.language.scan import MAX_DEPTH, MAX_LENGTH, normalise, number_literal
from derivtutor.language.shapes import Shapes, shape_text
from derivtutor.language.vocabulary import CONSTANTS, FUNCTIONS, classify, variable

__all__ = ["MATRIX_FUNCTIONS", "Shaped", "parse_shaped"]

MAX_EXPONENT = 1000

# The functions of vectors and matrices, by name, with their argument counts.
MATRIX_FUNCTIONS: dict[str, int] = {
    "transpose": 1,
    "hadamard": 2,
    "norm": 1,
    "sum": 1,
    "mean": 1,
    "tr": 1,
    "trace": 1,
    "det": 1,
    "inv": 1,
    "diag": 1,
    "softmax": 1,
    "log_softmax": 1,
    "cross_entropy": 2,
    "ones": 1,
}

_GRAMMAR = r"""
%declare NUMBER NAME FUNC ADD SUB MUL MATMUL HAD DIV IMUL POW TRANSPOSE LPAR RPAR NORM COMMA

?start: sum

?sum: term
    | sum ADD term          -> add
    | sum SUB term          -> sub

?term: signed
     | term MUL signed      -> mul
     | term MATMUL signed   -> matmul
     | term HAD signed      -> hadamard
     | term DIV signed      -> div

?signed: SUB signed         -> neg
       | ADD signed         -> pos
       | implicit

?implicit: postfix
         | implicit IMUL postfix -> imul

?postfix: atom
        | postfix TRANSPOSE -> transpose
        | atom POW exponent -> pow

?exponent: SUB exponent     -> neg
         | ADD exponent     -> pos
         | atom

?atom: NUMBER               -> number
     | NAME                 -> name
     | LPAR sum RPAR        -> group
     | NORM sum NORM        -> norm
     | FUNC LPAR arguments RPAR -> call
     | FUNC POW NUMBER LPAR arguments RPAR -> call_power

arguments: sum (COMMA sum)*
"""


@dataclass(frozen=True)
class Shaped:
    """A parsed expression with declared shapes: its SymPy value (a scalar, or a matrix
    expression with a shape) and the declarations it was read with."""

    expr: Any
    shapes: Shapes
    text: str

    @property
    def shape(self) -> tuple[sp.Expr, sp.Expr]:
        return shape(self.expr)


def shape(value: Any) -> tuple[sp.Expr, sp.Expr]:
    """A value's shape: a matrix expression's, or 1×1 for a scalar."""
    if is_matrix(value):
        return tuple(value.shape)
    return (sp.Integer(1), sp.Integer(1))


# --- the scanner ---------------------------------------------------------------------------------

_TOKEN_RE = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<number>(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)
  | (?P<name>[A-Za-zσ]+(?:_[A-Za-z0-9]+|[0-9]+)*)
  | (?P<op>\*\*|[-+*/(),^@⊙‖])
    """,
    re.VERBOSE,
)
_OPS = {
    "+": "ADD",
    "-": "SUB",
    "*": "MUL",
    "/": "DIV",
    "@": "MATMUL",
    "⊙": "HAD",
    "^": "POW",
    "**": "POW",
    "(": "LPAR",
    ")": "RPAR",
    ",": "COMMA",
    "‖": "NORM",
}
_ENDS = {"NUMBER", "NAME", "RPAR", "TRANSPOSE"}
_STARTS = {"NUMBER", "NAME", "FUNC", "LPAR"}


def _token(kind: str, value: str, column: int, end: int) -> Token:
    return Token(kind, value, column=column, line=1, end_column=end)


def _known(name: str, shapes: Shapes) -> bool:
    if name in shapes.symbols or name in CONSTANTS or name in {str(s) for s in shapes.sizes}:
        return True
    named = classify(name)
    return named is not None and named.kind in {"VAR", "CONST"}


def _split(name: str, shapes: Shapes) -> list[str] | None:
    """A run of letters as the names it is made of, declared names first: Wx is W x."""
    if not name:
        return []
    for length in range(len(name), 0, -1):
        head = name[:length]
        if head in shapes.symbols or (length == 1 and _known(head, shapes)):
            rest = _split(name[length:], shapes)
            if rest is not None:
                return [head, *rest]
    return None


def _scan(text: str, shapes: Shapes) -> list[Token]:
    if len(text) > MAX_LENGTH:
        raise InputError(f"the expression is too long (at most {MAX_LENGTH} characters)")
    if "𝟏" in text:
        raise InputError(
            "𝟏 is the vector of ones, and its size is not written",
            text=text,
            column=text.index("𝟏") + 1,
            suggestion="type ones(n), with its size",
        )
    norm, cols = normalise(text)
    norm, cols = _inverse_transposes(norm, cols)

    def col(i: int) -> int:
        return cols[i] if i < len(cols) else len(text) + 1

    tokens: list[Token] = []
    pos = 0
    while pos < len(norm):
        match = _TOKEN_RE.match(norm, pos)
        if match is None:
            raise InputError(
                f"unexpected character {norm[pos]!r}",
                text=text,
                column=col(pos),
                suggestion="use names, numbers, + - * / ^ @ ⊙ and parentheses",
            )
        kind, value, start = match.lastgroup, match.group(), pos
        pos = match.end()
        if kind == "space":
            continue
        if kind == "number":
            number_literal(value, text, col(start))
            tokens.append(_token("NUMBER", value, col(start), col(pos - 1) + 1))
        elif kind == "op":
            tokens.append(_token(_OPS[value], value, col(start), col(start) + len(value)))
        else:
            tokens.extend(_names(value, start, text, shapes, tokens, col, norm[pos : pos + 1]))
    if not tokens:
        raise InputError("the expression is empty", text=text, column=1)
    return _implicit_products(_pair_norms(tokens, text), text)


def _inverse_transposes(norm: str, cols: list[int]) -> tuple[str, list[int]]:
    """X⁻ᵀ, as derivtutor prints the transpose of an inverse: normalised to ^(-)^T, read as
    ^-1^T, its columns kept."""
    while (at := norm.find("^(-)^T")) >= 0:
        norm = norm[:at] + "^-1^T" + norm[at + 6 :]
        cols = cols[:at] + cols[at : at + 3] + cols[at + 4 :]
    return norm, cols


def _names(
    value: str, start: int, text: str, shapes: Shapes, tokens: list[Token], col: Any, after: str
) -> list[Token]:
    """A run of letters as tokens: a function, a transpose after ^, or names."""
    out: list[Token] = []
    inverse = [t.type for t in tokens[-2:]] == ["POW", "SUB"]
    if inverse and value.startswith("T") and value not in shapes.symbols:
        # X^-T, as derivtutor writes the transpose of the inverse in ASCII: X^-1^T.
        sub = tokens.pop()
        power = tokens.pop()
        one = _token("NUMBER", "1", sub.column or 1, sub.end_column or 1)
        out += [power, sub, one, _token("TRANSPOSE", "^T", col(start), col(start) + 1)]
        value, start = value[1:], start + 1
        if not value:
            return out
    if (
        tokens
        and tokens[-1].type == "POW"
        and value.startswith("T")
        and value not in shapes.symbols
    ):
        # x^T, as ML texts write xᵀ: a transpose, never a power (x^Tx is xᵀx).
        tokens.pop()
        out.append(_token("TRANSPOSE", "^T", col(start) - 1, col(start) + 1))
        value, start = value[1:], start + 1
        if not value:
            return out
    if value in MATRIX_FUNCTIONS or (value in FUNCTIONS and after in ("(", "^")):
        return [*out, _token("FUNC", value, col(start), col(start) + len(value))]
    named = classify(value)
    if named is not None and named.kind == "FUNC" and after in ("(", "^"):
        return [*out, _token("FUNC", named.value, col(start), col(start) + len(value))]
    if _known(value, shapes):
        return [*out, _token("NAME", value, col(start), col(start) + len(value))]
    parts = _split(value, shapes)
    # Wx is W x, where W or x is declared; a run of scalar letters (foo) is not split.
    if parts is None or len(parts) == 1 or not any(p in shapes.symbols for p in parts):
        raise _unknown(value, text, col(start), shapes, after)
    at = start
    for part in parts:
        out.append(_token("NAME", part, col(at), col(at) + len(part)))
        at += len(part)
    return out


def _unknown(name: str, text: str, column: int, shapes: Shapes, after: str) -> InputError:
    if after == "(":
        return InputError(
            f"unknown function {name!r}",
            text=text,
            column=column,
            suggestion="the functions of vectors and matrices are "
            + ", ".join(sorted(set(MATRIX_FUNCTIONS) - {"trace"}))
            + "; sigmoid, tanh, relu, exp and log apply entry by entry",
        )
    declared = ", ".join(shapes.symbols) or "none"
    return InputError(
        f"unknown name {name!r} (declared: {declared})",
        text=text,
        column=column,
        suggestion=f"declare its shape, e.g. {name}=n, or write a product with spaces (W x)",
    )


def _pair_norms(tokens: list[Token], text: str) -> list[Token]:
    """‖ opens a norm where an operand may start and closes one after an operand."""
    opened: list[Token] = []
    out: list[Token] = []
    for tok in tokens:
        if tok.type == "NORM":
            closes = opened and out and out[-1].type in _ENDS | {"NORM_CLOSE"}
            if closes:
                opened.pop()
                out.append(_token("NORM_CLOSE", "‖", tok.column or 1, tok.end_column or 1))
                continue
            opened.append(tok)
        out.append(tok)
    if opened:
        raise InputError(
            "this ‖ is never closed",
            text=text,
            column=opened[-1].column,
            suggestion="write the norm as ‖v‖ or norm(v)",
        )
    depth = 0
    for tok in out:
        depth += {"LPAR": 1, "NORM": 1, "RPAR": -1, "NORM_CLOSE": -1}.get(tok.type, 0)
        if depth > MAX_DEPTH:
            raise InputError(
                f"the expression is nested too deeply (at most {MAX_DEPTH} levels)",
                text=text,
                column=tok.column,
            )
    return out


def _implicit_products(tokens: list[Token], text: str) -> list[Token]:
    out: list[Token] = []
    for tok in tokens:
        starts = tok.type in _STARTS or tok.type == "NORM"
        # tanh^2(z), a function's power, as derivtutor prints tanh²(z): no product before "(".
        power_of_call = [t.type for t in out[-3:]] == ["FUNC", "POW", "NUMBER"]
        if out and starts and out[-1].type in _ENDS | {"NORM_CLOSE"} and not power_of_call:
            out.append(_token("IMUL", " ", tok.column or 1, tok.column or 1))
        out.append(tok)
    # The grammar's NORM is both bars: the pairing above has done its work.
    return [
        _token("NORM", t.value, t.column or 1, t.end_column or 1) if t.type == "NORM_CLOSE" else t
        for t in out
    ]


# --- the grammar's callbacks ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Piece:
    """A value with the columns it was typed at, so that an error can quote it."""

    value: Any
    start: int
    end: int


class _TokenList(Lexer):
    def __init__(self, lexer_conf: Any) -> None:
        pass

    def lex(self, data: Any) -> Iterator[Token]:  # type: ignore[override]
        yield from data


def _span(*parts: _Piece | Token) -> tuple[int, int]:
    starts = [p.start if isinstance(p, _Piece) else (p.column or 1) for p in parts]
    ends = [p.end if isinstance(p, _Piece) else (p.end_column or 1) for p in parts]
    return min(starts), max(ends)


@v_args(inline=True)
class _Build(Transformer[Token, _Piece]):
    def __init__(self, text: str, shapes: Shapes, repair: bool = False) -> None:
        super().__init__()
        self.text = text
        self.shapes = shapes
        # With repair, a product or sum that fits only with one side transposed is read so:
        # how a checker tells "a transpose is missing" from "the shapes are wrong".
        self.repair = repair

    # -- where an error points, and what it quotes

    def _quote(self, piece: _Piece) -> str:
        return self.text[piece.start - 1 : piece.end - 1].strip()

    def _fail(self, message: str, at: Token | _Piece, suggestion: str | None = None) -> InputError:
        column = at.column if isinstance(at, Token) else at.start
        return InputError(message, text=self.text, column=column, suggestion=suggestion)

    def _shaped(self, piece: _Piece) -> str:
        return f"{self._quote(piece)} is {_shape(piece.value)}"

    def _declared(self, piece: _Piece) -> str | None:
        name = self._quote(piece)
        return name if name in self.shapes.symbols else None

    def _piece(self, value: Any, *parts: _Piece | Token) -> _Piece:
        return _Piece(value, *_span(*parts))

    # -- atoms

    def number(self, tok: Token) -> _Piece:
        return self._piece(sp.Rational(str(tok)), tok)

    def name(self, tok: Token) -> _Piece:
        name = str(tok)
        if name in self.shapes.symbols:
            return self._piece(self.shapes.symbols[name], tok)
        sizes = {str(s): s for s in self.shapes.sizes}
        if name in sizes:
            return self._piece(sizes[name], tok)
        if name in CONSTANTS:
            return self._piece(CONSTANTS[name], tok)
        named = classify(name)
        if named is not None and named.kind == "CONST":
            return self._piece(CONSTANTS[named.value], tok)
        if name == "I":
            # The identity, its size taken from what it is added to or multiplied by.
            return self._piece(sp.Identity(UNSIZED), tok)
        return self._piece(variable(name), tok)

    def group(self, left: Token, inner: _Piece, right: Token) -> _Piece:
        return self._piece(inner.value, left, right)

    def norm(self, left: Token, inner: _Piece, right: Token) -> _Piece:
        return self._piece(self._norm(inner, left), left, right)

    def _norm(self, inner: _Piece, at: Token) -> Any:
        value = inner.value
        if not is_matrix(value) or 1 not in value.shape:
            raise self._fail(
                f"‖…‖ is the norm of a vector, and {self._shaped(inner)}",
                at,
                "for a matrix's squared Frobenius norm, write tr(W^T W)"
                if is_matrix(value)
                else "for a scalar's absolute value, write abs(x)",
            )
        return Norm(value)

    # -- operators

    def add(self, a: _Piece, op: Token, b: _Piece) -> _Piece:
        return self._piece(self._sum(a, op, b, b.value), a, b)

    def sub(self, a: _Piece, op: Token, b: _Piece) -> _Piece:
        return self._piece(self._sum(a, op, b, _negative(b.value)), a, b)

    def _sum(self, a: _Piece, op: Token, b: _Piece, right: Any) -> Any:
        left = a.value
        if is_matrix(left) and is_matrix(right):
            left = _sized(left, right.shape[0])
            right = _sized(right, left.shape[0])
        if not is_matrix(left) and not is_matrix(right):
            return sp.Add(left, right, evaluate=False)
        if self.repair and shape(left) == shape(right)[::-1]:
            right = sp.Transpose(right)
        if shape(left) == shape(right):
            if shape(left) == (1, 1):
                return sp.Add(scalar(left), scalar(right), evaluate=False)
            return sp.MatAdd(*_terms(left), *_terms(right))
        if shape(left) == (1, 1) or shape(right) == (1, 1):
            matrix, number = (right, left) if shape(left) == (1, 1) else (left, right)
            if not is_matrix(number) and number.is_Number:
                # 1 − h², as the texts write it: the number is added to every entry.
                t = sp.Dummy("t", real=True)
                body = number + t if matrix is right else t + number
                return elementwise(body, t, matrix)
            raise self._fail(
                f"{self._shaped(a)} and {self._shaped(b)}: a sum needs two of one shape",
                op,
            )
        raise self._fail(
            f"{self._shaped(a)} and {self._shaped(b)}: a sum needs two of one shape",
            op,
            self._fix(a, b, shape(a.value)) or self._fix(b, a, shape(b.value)),
        )

    def _fix(self, piece: _Piece, other: _Piece, wanted: tuple[sp.Expr, sp.Expr]) -> str | None:
        """Did you mean x=n? — when the other operand is a declared name, its shape that fits."""
        name = self._declared(other)
        if name is None:
            return None
        return f"did you mean {name}={_declaration(wanted)}?"

    def mul(self, a: _Piece, op: Token, b: _Piece) -> _Piece:
        return self._piece(self._product(a, op, b), a, b)

    def imul(self, a: _Piece, op: Token, b: _Piece) -> _Piece:
        return self._piece(self._product(a, op, b), a, b)

    def matmul(self, a: _Piece, op: Token, b: _Piece) -> _Piece:
        if not is_matrix(a.value) or not is_matrix(b.value):
            raise self._fail(
                "@ is the matrix product, of two vectors or matrices",
                op,
                "for a scalar multiple, write * or a space",
            )
        return self._piece(self._product(a, op, b), a, b)

    def _product(self, a: _Piece, op: Token, b: _Piece) -> Any:
        left, right = a.value, b.value
        if is_matrix(left) and is_matrix(right):
            left = _sized(left, right.shape[0])
            right = _sized(right, left.shape[1])
        if not is_matrix(left) or not is_matrix(right):
            if not is_matrix(left) and not is_matrix(right):
                return sp.Mul(left, right, evaluate=False)
            return sp.MatMul(*_factors(left), *_factors(right))
        if left.shape[1] == right.shape[0]:
            product = sp.MatMul(*_factors(left), *_factors(right))
            return product
        if left.shape == (1, 1) or right.shape == (1, 1):
            # (wᵀx) v: a 1×1 product is a scalar, and scales what it multiplies.
            return (
                sp.MatMul(*_factors(scalar(left)), *_factors(right))
                if left.shape
                == (
                    1,
                    1,
                )
                else sp.MatMul(*_factors(scalar(right)), *_factors(left))
            )
        if self.repair:
            if left.shape[1] == right.shape[1]:
                return sp.MatMul(*_factors(left), sp.Transpose(right))
            if left.shape[0] == right.shape[0]:
                # 2Wᵀ(…), not (2W)ᵀ(…): the transpose goes on the matrices, not the number.
                scalars = [f for f in _factors(left) if not is_matrix(f)]
                matrices = [f for f in _factors(left) if is_matrix(f)]
                block = matrices[0] if len(matrices) == 1 else sp.MatMul(*matrices)
                return sp.MatMul(*scalars, sp.Transpose(block), *_factors(right))
        message = f"{self._quote(a)} {self._quote(b)}: {self._shaped(a)}, {self._shaped(b)}"
        hint: str | None
        if left.shape[1] == 1 and right.shape[1] == 1:
            hint = (
                f"for the outer product write {self._quote(a)} {self._quote(b)}^T; for the "
                f"inner product, {self._quote(a)}^T {self._quote(b)}"
            )
            if left.shape == right.shape:
                hint += f"; for the entrywise product, {self._quote(a)} ⊙ {self._quote(b)}"
        elif left.shape == right.shape and 1 in left.shape:
            hint = (
                f"for the inner product write {self._quote(a)}^T {self._quote(b)}; for the "
                f"entrywise product, {self._quote(a)} ⊙ {self._quote(b)}"
            )
        else:
            rows = left.shape[1]
            hint = self._fix(b, b, (rows, right.shape[1])) or self._fix(
                a, a, (left.shape[0], right.shape[0])
            )
        raise self._fail(
            message + ", so the columns of the first do not match the rows of the second",
            op if op.type != "IMUL" else b,
            hint,
        )

    def hadamard(self, a: _Piece, op: Token, b: _Piece) -> _Piece:
        return self._piece(self._entrywise(a, op, b), a, b)

    def _entrywise(self, a: _Piece, op: Token | _Piece, b: _Piece) -> Any:
        if not is_matrix(a.value) or not is_matrix(b.value):
            raise self._fail(
                "⊙ multiplies two vectors or matrices entry by entry",
                op,
                "for a scalar multiple, write * or a space",
            )
        if a.value.shape != b.value.shape:
            raise self._fail(
                f"{self._shaped(a)} and {self._shaped(b)}: ⊙ needs two of one shape",
                op,
                self._fix(b, b, shape(a.value)),
            )
        return sp.HadamardProduct(a.value, b.value)

    def div(self, a: _Piece, op: Token, b: _Piece) -> _Piece:
        right = b.value
        if is_matrix(right) and right.shape != (1, 1):
            raise self._fail(
                f"cannot divide by {self._quote(b)}, which is {_shape(right)}",
                op,
                "to solve with a matrix, multiply by its inverse: inv(A) or A^-1",
            )
        right = scalar(right)
        if right.is_Number and right == 0:
            raise self._fail("division by zero", op)
        left = a.value
        inverse = sp.Pow(right, -1, evaluate=False) if not right.is_Number else 1 / right
        if is_matrix(left):
            return self._piece(sp.MatMul(inverse, *_factors(left)), a, b)
        if left.is_Number and right.is_Number:
            return self._piece(left / right, a, b)
        if left == 1:
            return self._piece(inverse, a, b)
        return self._piece(sp.Mul(left, inverse, evaluate=False), a, b)

    def neg(self, op: Token, a: _Piece) -> _Piece:
        return self._piece(_negative(a.value), op, a)

    def pos(self, op: Token, a: _Piece) -> _Piece:
        return self._piece(a.value, op, a)

    def transpose(self, a: _Piece, op: Token) -> _Piece:
        value = a.value
        if not is_matrix(value) and value.free_symbols:
            name = self._quote(a)
            raise self._fail(
                f"{name} is a scalar here, with no declared shape, so it has no transpose",
                a,
                f"declare its shape, e.g. {name}=n for a column vector"
                if name.isidentifier()
                else None,
            )
        return self._piece(sp.Transpose(value) if is_matrix(value) else value, a, op)

    def pow(self, base: _Piece, op: Token, exponent: _Piece) -> _Piece:
        e = exponent.value
        if is_matrix(e) or e.free_symbols:
            raise self._fail(
                "an exponent here is a number",
                exponent,
                "for a transpose, write ^T",
            )
        if abs(e) > MAX_EXPONENT:
            raise self._fail(f"the exponent is too large (at most {MAX_EXPONENT})", exponent)
        value = base.value
        if not is_matrix(value) or value.shape == (1, 1):
            return self._piece(sp.Pow(scalar(value), e, evaluate=False), base, exponent)
        if value.shape[0] == value.shape[1]:
            if e == -1:
                return self._piece(sp.Inverse(value), base, exponent)
            raise self._fail(
                f"{self._quote(base)} is a square matrix: a power of it is a product",
                op,
                f"write {self._quote(base)} {self._quote(base)} for its square, or "
                f"{self._quote(base)}^-1 for its inverse",
            )
        if 1 in value.shape:
            # h², entry by entry, as in 1 − h²: what the texts mean by a vector's square.
            t = sp.Dummy("t", real=True)
            return self._piece(elementwise(t**e, t, value), base, exponent)
        raise self._fail(
            f"{self._shaped(base)}: only a square matrix has an inverse",
            op,
            "for the squared Frobenius norm, write tr(W^T W)",
        )

    # -- calls

    def arguments(self, *items: Any) -> list[_Piece]:
        return [p for p in items if isinstance(p, _Piece)]

    def call(self, name: Token, left: Token, args: list[_Piece], right: Token) -> _Piece:
        fn = str(name)
        wanted = MATRIX_FUNCTIONS.get(fn, None)
        counts = (wanted,) if wanted is not None else FUNCTIONS[fn][1] if fn in FUNCTIONS else (1,)
        if len(args) not in counts:
            raise self._fail(
                f"{fn} takes {' or '.join(map(str, counts))} argument"
                + ("s" if counts != (1,) else ""),
                name,
            )
        if wanted is not None:
            value = self._matrix_function(fn, name, args)
        else:
            value = self._scalar_function(fn, name, args)
        return self._piece(value, name, right)

    def call_power(
        self, name: Token, op: Token, n: Token, left: Token, args: list[_Piece], right: Token
    ) -> _Piece:
        """tanh²(z), as derivtutor prints it: the square of the call."""
        called = self.call(name, left, args, right)
        return self.pow(called, op, self.number(n))

    def _square(self, fn: str, at: Token, a: _Piece) -> Any:
        value = a.value
        if not is_matrix(value) or value.shape[0] != value.shape[1]:
            raise self._fail(f"{fn} needs a square matrix, and {self._shaped(a)}", at)
        return value

    def _vector(self, fn: str, at: Token, a: _Piece, *, column: bool = False) -> Any:
        value = a.value
        ok = is_matrix(value) and (value.shape[1] == 1 if column else 1 in value.shape)
        if not ok:
            kind = "a column vector" if column else "a vector"
            raise self._fail(
                f"{fn} needs {kind}, and {self._shaped(a)}",
                at,
                "declare it as a column with NAME=n" if column else None,
            )
        return value

    def _matrix_function(self, fn: str, at: Token, args: list[_Piece]) -> Any:
        a = args[0]
        if fn == "transpose":
            return self.transpose(a, at).value
        if fn == "hadamard":
            return self._entrywise(a, at, args[1])
        if fn == "norm":
            return self._norm(a, at)
        if fn in {"sum", "mean"}:
            v = self._vector(fn, at, a)
            total = ElementSum(v)
            count = v.shape[0] * v.shape[1]
            return total if fn == "sum" else sp.Mul(sp.Pow(count, -1), total, evaluate=False)
        if fn in {"tr", "trace"}:
            return sp.Trace(self._square(fn, at, a))
        if fn == "det":
            return sp.Determinant(self._square(fn, at, a))
        if fn == "inv":
            return sp.Inverse(self._square(fn, at, a))
        if fn == "diag":
            return DiagMatrix(self._vector(fn, at, a, column=True))
        if fn == "softmax":
            return Softmax(self._vector(fn, at, a, column=True))
        if fn == "log_softmax":
            return LogSoftmax(self._vector(fn, at, a, column=True))
        if fn == "ones":
            size = a.value
            if is_matrix(size) or not (size.is_integer and size.is_positive):
                raise self._fail(
                    "ones(k) is the column of k ones: k is a size, a letter or a whole number",
                    at,
                )
            return sp.OneMatrix(size, 1)
        p = self._vector(fn, at, a, column=True)
        y = self._vector(fn, at, args[1], column=True)
        if p.shape != y.shape:
            raise self._fail(
                f"cross_entropy(p, y) needs two of one shape: {self._shaped(a)} and "
                f"{self._shaped(args[1])}",
                at,
            )
        return CrossEntropy(p, y)

    def _scalar_function(self, fn: str, at: Token, args: list[_Piece]) -> Any:
        function = FUNCTIONS[fn][0]
        values = [a.value for a in args]
        if len(values) == 1 and is_matrix(values[0]) and values[0].shape != (1, 1):
            # sigmoid(z) of a vector: entry by entry, as numpy and the texts apply it.
            t = sp.Dummy("t", real=True)
            return elementwise(function(t), t, values[0])
        if any(is_matrix(v) and v.shape != (1, 1) for v in values):
            raise self._fail(f"{fn} of several arguments takes scalars", at)
        return function(*(scalar(v) for v in values))


UNSIZED = sp.Symbol("unsized", integer=True, positive=True)


def _sized(value: Any, size: Any) -> Any:
    """I, whose size was not known, given the size of what it meets."""
    if UNSIZED in value.free_symbols and size != UNSIZED:
        return value.xreplace({UNSIZED: size})
    return value


def _shape(value: Any) -> str:
    return shape_text(shape(value)) if is_matrix(value) else "a scalar"


def _declaration(wanted: tuple[sp.Expr, sp.Expr]) -> str:
    rows, cols = wanted
    return f"{rows}" if cols == 1 else f"{rows}×{cols}"


def _terms(value: Any) -> tuple[Any, ...]:
    return tuple(value.args) if isinstance(value, sp.MatAdd) else (value,)


def _factors(value: Any) -> tuple[Any, ...]:
    return tuple(value.args) if isinstance(value, sp.MatMul) else (value,)


def _negative(value: Any) -> Any:
    if isinstance(value, ElementwiseApplyFunction):
        t = sp.Dummy("t", real=True)
        return elementwise(-t, t, value)
    if is_matrix(value):
        return sp.MatMul(sp.Integer(-1), *_factors(value))
    if value.is_Number:
        return -value
    return sp.Mul(sp.Integer(-1), value, evaluate=False)


# --- the parser ----------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _parser() -> Lark:
    # Analysed once per grammar and kept beside the scalar grammar's (16 ms a start).
    return Lark(_GRAMMAR, parser="lalr", lexer=_TokenList, cache=grammar_cache(".shaped"))


_READ: dict[Any, Shaped] = {}
MAX_CACHED = 512


def parse_shaped(text: str, shapes: Shapes, *, repair: bool = False, unsized: Any = None) -> Shaped:
    """``text`` read with ``shapes`` declared (see ``_parse_shaped``), each reading kept: a
    bank's problem is read by its loading, its derivation and its check."""
    key = (text, tuple(shapes.symbols.items()), shapes.symmetric, repair, unsized)
    found = _READ.get(key)
    if found is None:
        found = _parse_shaped(text, shapes, repair=repair, unsized=unsized)
        if len(_READ) >= MAX_CACHED:
            _READ.pop(next(iter(_READ)))
        _READ[key] = found
    return found


def _parse_shaped(
    text: str, shapes: Shapes, *, repair: bool = False, unsized: Any = None
) -> Shaped:
    """``text`` read with ``shapes`` declared. A 1×1 result is the scalar it is. With
    ``repair``, a product or sum that fits only with one side transposed is read so; an I
    whose size nothing tells (an answer that is I alone) is ``unsized``×``unsized``."""
    tokens = _scan(text, shapes)
    try:
        tree = _parser().parse(tokens)
    except UnexpectedInput as error:
        token = getattr(error, "token", None)
        column = getattr(token, "column", None) or len(text) + 1
        raise InputError(
            "cannot read the expression here",
            text=text,
            column=min(column, len(text) + 1),
            suggestion="check for a missing operand or parenthesis",
        ) from None
    try:
        piece = _Build(text, shapes, repair).transform(tree)
    except VisitError as error:
        raise error.orig_exc from None
    value = piece.value
    if isinstance(value, sp.Basic) and unsized is not None:
        value = _sized(value, unsized)
    if isinstance(value, sp.Basic) and UNSIZED in value.free_symbols:
        raise InputError(
            "the size of I cannot be told here",
            text=text,
            column=text.find("I") + 1 or None,
            suggestion="write I beside a square matrix (I − A), or declare it, e.g. I=n×n",
        )
    if is_matrix(value) and value.shape == (1, 1):
        value = scalar(value)
    return Shaped(value, shapes, text)
