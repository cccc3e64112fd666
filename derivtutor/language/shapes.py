"""Shape declarations: which names are vectors and matrices, and of what size.

``x=n,A=n×n,W=m×n`` declares x a column vector of n entries (n×1), A an n×n matrix and W an
m×n one; ``1×n`` is a row vector. ``×``, ``x`` and ``*`` all separate the two sizes, and a size
is a letter (a size to be chosen: n, m, N) or a whole number. A name not declared stays a
scalar. Declarations are read by a small hand-written scanner, bounded like every input.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

import sympy as sp

from derivtutor.errors import InputError, Message, Parameter

MAX_DECLARATIONS = 40
MAX_SIZE = 1000  # a whole-number size; the checks substitute 2 to 4 for the letters

_ITEM = re.compile(
    r"\s*(?P<name>[A-Za-z][A-Za-z0-9_]*)\s*=\s*"
    r"(?P<rows>[A-Za-z]|[0-9]+)\s*(?:(?:[x×X*])\s*(?P<cols>[A-Za-z]|[0-9]+))?\s*"
)
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")


def size(text: str) -> sp.Expr:
    """A size as SymPy: the letter n as a positive integer symbol, 3 as 3."""
    if text.isdigit():
        return sp.Integer(int(text))
    return _size_symbol(text)


@lru_cache(maxsize=64)
def _size_symbol(letter: str) -> sp.Symbol:
    return sp.Symbol(letter, integer=True, positive=True)


@dataclass(frozen=True)
class Shapes:
    """The declared names, each a SymPy ``MatrixSymbol`` with its rows and columns, and the
    names declared symmetric."""

    symbols: Mapping[str, sp.MatrixSymbol]
    symmetric: frozenset[str] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.symbols)

    @property
    def sizes(self) -> frozenset[sp.Symbol]:
        """The size letters of every declaration."""
        return frozenset(
            s for m in self.symbols.values() for s in (m.rows, m.cols) if isinstance(s, sp.Symbol)
        )

    def text(self) -> str:
        """The declarations as they can be typed again: x=n,A=n×n."""
        return ",".join(f"{name}={shape_text(m.shape)}" for name, m in self.symbols.items())


def shape_text(shape: tuple[sp.Expr, sp.Expr], *, ascii: bool = False) -> str:
    """n×1 for a column, as the texts write a shape (n×1, 1×n, m×n)."""
    times = "x" if ascii else "×"
    return f"{shape[0]}{times}{shape[1]}"


def declared(texts: Iterable[str] | Mapping[str, str], symmetric: Iterable[str] = ()) -> Shapes:
    """The shapes declared by ``--shape`` (each text a comma-separated list) or by the API's
    ``shapes={"x": "n"}``. A name declared twice with two shapes is refused."""
    items: list[tuple[str, str, str, int]] = []  # name, dims, whole text, column of dims
    if isinstance(texts, Mapping):
        for name, dims in texts.items():
            text = f"{name}={dims}"
            items.append((name, str(dims), text, len(name) + 2))
    else:
        for text in texts:
            items.extend(_items(text))
    if len(items) > MAX_DECLARATIONS:
        raise InputError(f"at most {MAX_DECLARATIONS} names can be declared")
    symbols: dict[str, sp.MatrixSymbol] = {}
    for name, dims, text, column in items:
        if not _NAME.match(name):
            raise InputError(
                f"{name!r} is not a name to declare",
                text=text,
                column=1,
                suggestion="a name is a letter, then letters, digits or _, e.g. W1",
            )
        rows, cols = _dims(dims, text, column)
        made = sp.MatrixSymbol(name, rows, cols)
        if name in symbols and symbols[name].shape != made.shape:
            raise InputError(
                f"{name} is declared twice, as {shape_text(symbols[name].shape)} and "
                f"{shape_text(made.shape)}",
                text=text,
                column=1,
                suggestion="declare each name once",
            )
        symbols[name] = made
    letters = {str(s) for m in symbols.values() for s in (m.rows, m.cols) if s.is_Symbol}
    for name in symbols:
        if name in letters:
            raise InputError(
                f"{name} is declared as a vector or matrix and used as a size",
                suggestion="give the size another letter, e.g. " + _other_letter(letters),
            )
    chosen = frozenset(symmetric)
    for name in chosen:
        if name not in symbols:
            raise InputError(
                Message(
                    "{symmetric} names {name}, which has no declared shape",
                    symmetric=Parameter("symmetric"),
                    name=name,
                ),
                suggestion=Message(
                    "declare it first, e.g. {shape}",
                    shape=Parameter("shapes", f"{name}=n×n"),
                ),
            )
        if symbols[name].rows != symbols[name].cols:
            raise InputError(
                f"{name} is {shape_text(symbols[name].shape)}: only a square matrix can be "
                "symmetric"
            )
    return Shapes(symbols, chosen)


def _items(text: str) -> list[tuple[str, str, str, int]]:
    if len(text) > 1000:
        raise InputError("a shape declaration is at most 1000 characters")
    out = []
    at = 0
    while at < len(text):
        match = _ITEM.match(text, at)
        if match is None or (match.end() < len(text) and text[match.end()] != ","):
            column = at + 1 if match is None else match.end() + 1
            raise InputError(
                "cannot read this shape declaration",
                text=text,
                column=min(column, len(text)),
                suggestion="declare each name's shape, e.g. x=n,A=n×n,W=m×n (a column "
                "vector is n, a row vector 1×n)",
            )
        dims = match.group("rows") + (
            "×" + match.group("cols") if match.group("cols") is not None else ""
        )
        out.append((match.group("name"), dims, text, match.start("rows") + 1))
        at = match.end() + 1
    return out


def _dims(dims: str, text: str, column: int) -> tuple[sp.Expr, sp.Expr]:
    parts = [p.strip() for p in re.split(r"[x×X*]", dims.strip())]
    if len(parts) > 2 or not all(re.fullmatch(r"[A-Za-z]|[0-9]+", p) for p in parts):
        raise InputError(
            f"cannot read the shape {dims!r}",
            text=text,
            column=column,
            suggestion="a shape is n (a column), 1×n (a row) or m×n, each size a letter or a "
            "whole number",
        )
    for p in parts:
        if p.isdigit() and not 1 <= int(p) <= MAX_SIZE:
            raise InputError(
                f"a size is a whole number from 1 to {MAX_SIZE}, or a letter",
                text=text,
                column=column,
            )
    rows = size(parts[0])
    cols = size(parts[1]) if len(parts) == 2 else sp.Integer(1)
    return rows, cols


def _other_letter(used: set[str]) -> str:
    return next(c for c in "nmkpqrd" if c not in used)


# --- values at a point: A=[[1,2],[3,4]],x=[1,-1],t=2 ---------------------------------------------

MAX_ENTRIES = 10_000
MAX_VALUE = 10**12
_NUMBER = re.compile(r"\s*([-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?)\s*")


def parse_arrays(text: str, shapes: Shapes) -> tuple[dict[sp.Basic, object], dict[sp.Symbol, int]]:
    """The values of ``--at``: each declared name a nested list (a vector a flat one, read as a
    column), each scalar a number. Returns the values, as rows of SymPy numbers for a matrix,
    and the sizes they fix. A value of the wrong shape is refused with both shapes."""
    if len(text) > 100_000:
        raise InputError("the point is too long (at most 100000 characters)")
    values: dict[sp.Basic, object] = {}
    sizes: dict[sp.Symbol, int] = {}
    at = 0
    while at < len(text):
        match = re.compile(r"\s*([A-Za-z][A-Za-z0-9_]*)\s*=").match(text, at)
        if match is None:
            raise InputError(
                "cannot read this point",
                text=text,
                column=at + 1,
                suggestion="give each name a value: A=[[1,2],[3,4]],x=[1,-1],t=0.5",
            )
        name, at = match.group(1), match.end()
        value, at = _value(text, at)
        if name in shapes.symbols:
            matrix = shapes.symbols[name]
            rows = value if isinstance(value, list) else None
            if rows is None:
                raise InputError(
                    f"{name} is {shape_text(matrix.shape)}: give it as a list, e.g. "
                    + ("[1,2]" if matrix.cols == 1 else "[[1,2],[3,4]]"),
                    text=text,
                    column=match.start(1) + 1,
                )
            grid = rows if rows and isinstance(rows[0], list) else [[v] for v in rows]
            if any(not isinstance(r, list) or len(r) != len(grid[0]) for r in grid):
                raise InputError(
                    f"the rows of {name} are not all of one length",
                    text=text,
                    column=match.start(1) + 1,
                )
            _fit(name, matrix, len(grid), len(grid[0]), sizes, text, match.start(1) + 1)
            values[matrix] = grid
        else:
            if isinstance(value, list):
                raise InputError(
                    f"{name} has no declared shape, so it is a scalar: give it a number",
                    text=text,
                    column=match.start(1) + 1,
                    suggestion=f"or declare its shape, e.g. {name}=n",
                )
            from derivtutor.language.vocabulary import variable

            values[variable(name)] = value
        rest = re.compile(r"\s*(,|$)").match(text, at)
        if rest is None:
            raise InputError("expected a comma here", text=text, column=at + 1)
        at = rest.end()
    return values, sizes


def _value(text: str, at: int, depth: int = 0) -> tuple[object, int]:
    if depth > 2:
        raise InputError("a value is a number, a list or a list of lists", text=text, column=at + 1)
    while at < len(text) and text[at].isspace():
        at += 1
    if text[at : at + 1] == "[":
        items: list[object] = []
        at += 1
        while True:
            item, at = _value(text, at, depth + 1)
            items.append(item)
            if len(items) > MAX_ENTRIES:
                raise InputError(f"at most {MAX_ENTRIES} entries", text=text, column=at + 1)
            while at < len(text) and text[at].isspace():
                at += 1
            if text[at : at + 1] == ",":
                at += 1
                continue
            if text[at : at + 1] == "]":
                return items, at + 1
            raise InputError("expected , or ] here", text=text, column=at + 1)
    match = _NUMBER.match(text, at)
    if match is None:
        raise InputError(
            "expected a number here",
            text=text,
            column=at + 1,
            suggestion="write numbers such as 1, -0.5 or 1e-3",
        )
    number = sp.Rational(match.group(1))
    if abs(number) > MAX_VALUE:
        raise InputError(
            f"a value is at most {MAX_VALUE:.0e} in size",
            text=text,
            column=at + 1,
            suggestion="scale the problem: derivatives there overflow double precision",
        )
    return number, match.end()


def _fit(
    name: str,
    matrix: sp.MatrixSymbol,
    rows: int,
    cols: int,
    sizes: dict[sp.Symbol, int],
    text: str,
    column: int,
) -> None:
    for declared_size, given in ((matrix.rows, rows), (matrix.cols, cols)):
        if isinstance(declared_size, sp.Symbol):
            if sizes.setdefault(declared_size, given) != given:
                raise InputError(
                    f"{name} is {shape_text(matrix.shape)}, and its value makes "
                    f"{declared_size} = {given}, where another made it {sizes[declared_size]}",
                    text=text,
                    column=column,
                )
        elif int(declared_size) != given:
            raise InputError(
                f"{name} is {shape_text(matrix.shape)}, and its value is {rows}×{cols}",
                text=text,
                column=column,
            )
