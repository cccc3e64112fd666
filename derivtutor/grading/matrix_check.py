"""Checking a matrix answer: ``check "x^T A x" "2 A x" --wrt x --shape x=n,A=n×n``.

As for scalars, the verdict is numeric: the answer and the derived result are compared at random
matrices, the size letters 2 to 4 (several instances, with different sizes, and a fresh one each
time), every entry to 1e−12 at 30 digits. Before any value, the shape: an answer of another shape
is never just "incorrect"; it is the transpose of the right one (the numerator layout,
``layout_mismatch``) or of the wrong shape (``shape_mismatch``), named with both shapes. A wrong
answer of the right shape is tried against the mistakes of matrix calculus: a transpose missing
or misplaced (``transpose_missing``: the right result with one transpose toggled, or an answer
whose products only fit when the sizes are equal), the symmetric form where nothing is symmetric
(``symmetric_assumed``: 2Ax for (A + Aᵀ)x).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any

import sympy as sp

from derivtutor.calculus.matrix_derivative import MatrixDerivative, matrix_derivative
from derivtutor.calculus.notebook import Notebook
from derivtutor.engine import matrix_values as mv
from derivtutor.errors import InputError, UsageError
from derivtutor.grading.verdict import CORRECT, INCORRECT
from derivtutor.language.matrices import parse_shaped, shape
from derivtutor.language.matrix_functions import CrossEntropy, is_matrix
from derivtutor.language.shapes import Shapes, shape_text

__all__ = ["MATRIX_MISTAKES", "MatrixVerdict", "check_matrix"]

INSTANCES = (
    6  # three from a fixed seed, three from a fresh one (twice that where sizes are numbers)
)

# id -> the lesson, said when the mistake is named.
MATRIX_MISTAKES: dict[str, str] = {
    "layout_mismatch": (
        "your answer is the transpose of the derivative: that is the numerator layout. Here the "
        "derivative of a scalar by a vector or matrix has the shape of what it is taken by (the "
        "denominator layout): from df = tr(M dX), ∂f/∂X = Mᵀ"
    ),
    "transpose_missing": (
        "a transpose is missing or in the wrong place. Read the derivative off df: a scalar is "
        "its own transpose, (AB)ᵀ = BᵀAᵀ, and from df = tr(M dX), ∂f/∂X = Mᵀ"
    ),
    "symmetric_assumed": (
        "your answer is right only for a symmetric matrix, and none is declared symmetric: "
        "d(xᵀAx) = xᵀ(A + Aᵀ)dx, which is 2xᵀA dx only when Aᵀ = A"
    ),
    "constant_factor": (
        "your answer is the derivative times a constant: a factor is lost or doubled (d‖u‖² = "
        "2uᵀdu has its 2; a mean has its 1/N)"
    ),
    "shape_mismatch": (
        "the derivative of a scalar by X has the shape of X, and a Jacobian has a row per "
        "entry of the function and a column per entry of the variable"
    ),
}


@dataclass(frozen=True)
class Witness:
    """Where the answer fails: the sizes, an entry, and the two values there."""

    sizes: Mapping[str, int]
    entry: tuple[int, int]
    expected: float
    got: float | None


@dataclass(frozen=True, repr=False)
class MatrixVerdict(Notebook):
    """The verdict on a matrix answer, with the derivative it was compared with."""

    answer: str
    read_as: Any  # the answer parsed, or None where its shapes do not fit
    derivative: MatrixDerivative
    verdict: str
    mistake: str | None
    answer_shape: str | None
    witness: Witness | None = None
    refusal: str | None = None  # why the answer's own shapes do not fit
    repaired: Any = None  # the answer with the transpose it lacks, where that makes it right

    @property
    def correct(self) -> bool:
        return self.verdict == CORRECT

    @property
    def expected_shape(self) -> str:
        return shape_text(shape(self.derivative.result))

    def summary(self) -> str:
        mistake = f" ({self.mistake})" if self.mistake else ""
        of = f"d/d{self.derivative.var} [{self.derivative.input}]"
        return f"{self.verdict}{mistake}: {self.answer!r} as {of}"


def check_matrix(
    function: str,
    answer: str,
    *,
    wrt: str | None,
    shapes: Iterable[str] | Mapping[str, str],
    symmetric: Iterable[str] = (),
    steps: bool = False,
    thorough: bool = True,
) -> MatrixVerdict:
    """The verdict on ``answer`` as ∂(function)/∂(wrt); ``steps``: with the derivation as
    ``diff`` explains it (checked at three instances, its symmetric form, SymPy's opinion).
    ``thorough=False`` is for an answer key a bank's author wrote: compared at the three
    instances of one fresh seed (a positive, a negative and a mixed diagonal) rather than six."""
    derivative = matrix_derivative(
        function, wrt=wrt, shapes=shapes, symmetric=symmetric, explained=steps, verified=thorough
    )
    if derivative.checked.failed:
        # The answer key itself failed its numeric check: no verdict is safe against it.
        raise UsageError(
            "derivtutor's own derivation of this function failed its numeric check "
            f"({', '.join(derivative.checked.failed)}), so no answer can be graded against it: "
            "please report it"
        )
    declared_shapes = derivative.shaped.shapes
    rows, cols = shape(derivative.result)
    square = rows if rows == cols else None  # an answer of I alone has the result's size
    try:
        read = parse_shaped(answer, declared_shapes, unsized=square).expr
    except InputError as refused:
        return _not_fitting(answer, derivative, refused)
    expected = derivative.result
    world = replace(_world(derivative), thorough=thorough)
    got, want = shape(read), shape(expected)
    if got != want:
        transposed = (want[1], want[0])
        mistake = "shape_mismatch"
        if got == transposed and _agrees(world, sp.Transpose(read), expected):
            mistake = "layout_mismatch"
        return MatrixVerdict(answer, read, derivative, INCORRECT, mistake, shape_text(got))
    failure = _failure(world, read, expected)
    if failure is None:
        return MatrixVerdict(answer, read, derivative, CORRECT, None, shape_text(got))
    return MatrixVerdict(
        answer,
        read,
        derivative,
        INCORRECT,
        _mistake(world, read, expected),
        shape_text(got),
        failure,
    )


def _mistake(world: _World, read: Any, expected: Any) -> str | None:
    if _agrees(world, sp.Transpose(read), expected):
        return "layout_mismatch"
    if world.square and _agrees(world, read, expected, symmetric=True):
        return "symmetric_assumed"
    if any(_agrees(world, read, variant) for variant in _toggled(expected)):
        return "transpose_missing"
    ratio = _ratio(world, read, expected)
    if ratio is not None and _agrees(
        world, read, sp.MatMul(ratio, expected) if is_matrix(expected) else ratio * expected
    ):
        return "constant_factor"
    return None


def _ratio(world: _World, read: Any, expected: Any) -> Any:
    """The constant c with answer = c · derivative, as a simple fraction, if one is near."""
    import mpmath

    inst = _instances(world, (read, expected))[0]
    try:
        got, want = _values(world, read, inst), _values(world, expected, inst)
    except (ZeroDivisionError, ValueError, TypeError):
        return None
    got = got if isinstance(got, mpmath.matrix) else mpmath.matrix([[got]])
    want = want if isinstance(want, mpmath.matrix) else mpmath.matrix([[want]])
    flat_got, flat_want = list(got), list(want)
    k = max(range(len(flat_want)), key=lambda i: abs(flat_want[i]))
    if abs(flat_want[k]) < 1e-9 or len(flat_got) != len(flat_want):
        return None
    c = sp.nsimplify(float(flat_got[k] / flat_want[k]), rational=True, tolerance=1e-9)
    return c if c.q <= 12 and abs(c.p) <= 24 and c not in (0, 1) else None


# --- comparing at random matrices -------------------------------------------------------------


@dataclass(frozen=True)
class _World:
    """Where values are drawn: the names (and what p, h … stand for), and fixed sizes for the
    world in which every size is one letter."""

    bind: Mapping[Any, Any]
    symbols: frozenset[Any]
    square: frozenset[Any]  # the declared square matrices, for symmetric_assumed
    targets: frozenset[Any]
    symmetric: frozenset[Any]
    sizes: Mapping[Any, int] | None = None
    function: Any = None  # f, which must be defined at each instance drawn
    thorough: bool = True


def _world(derivative: MatrixDerivative, shapes: Shapes | None = None) -> _World:
    """The derivative's world, or (``shapes``, every size one letter) its square twin."""
    f = derivative.expression
    bind = dict(derivative.derivation.where)

    def swap(e: Any) -> Any:
        return e if shapes is None else _in(shapes, e, derivative)

    f = swap(f)
    bind = {swap(k): swap(v) for k, v in bind.items()}
    symbols = {s for s in f.free_symbols if not (isinstance(s, sp.Symbol) and s.is_integer)} | {
        swap(derivative.var)
    }
    declared = shapes.symbols if shapes is not None else derivative.shaped.shapes.symbols
    square = {m for m in declared.values() if m.rows == m.cols and m.rows != 1}
    targets = {a.args[1] for a in sp.preorder_traversal(f) if isinstance(a, CrossEntropy)}
    sizes = None
    if shapes is not None:
        sizes = {s: 3 for m in declared.values() for s in m.shape if isinstance(s, sp.Symbol)}
    return _World(
        bind,
        frozenset(symbols),
        frozenset(square - {swap(derivative.var)}),
        frozenset(targets),
        frozenset(swap(m) for m in derivative.derivation.symmetric),
        sizes,
        f,
    )


def _instances(
    world: _World, exprs: Iterable[Any], *, symmetric: bool = False
) -> list[mv.Instance]:
    symbols = {
        s
        for e in exprs
        for s in e.free_symbols
        if not (isinstance(s, sp.Symbol) and s.is_integer) and s not in world.bind
    } | world.symbols
    # A size used as a number ((n − 2)x) is tried at sizes 5 to 8 too, not only 2 to 4.
    larger = world.sizes is None and any(_sizes_as_numbers(e) for e in (*exprs, world.function))
    count = INSTANCES if larger else INSTANCES // 2  # from each of two seeds
    seeds = [11, 23, 37, int.from_bytes(os.urandom(4), "big")]
    options: dict[str, Any] = {
        "count": count,
        "symmetric": (world.square if symmetric else frozenset()) | world.symmetric,
        "distributions": world.targets,
        "sizes": world.sizes,
        "larger": larger,
    }
    out: list[mv.Instance] = []
    for seed in (seeds[0], seeds[-1]) if world.thorough else (seeds[-1],):
        # Every other instance has a negative diagonal (tr X < 0, det X of either sign),
        # where the function is still defined there.
        flipped = mv.instances(symbols, seed=seed, flip=True, **options)
        plain = mv.instances(symbols, seed=seed, **options)
        out.extend(
            mv.usable(world.function, flipped, plain) if world.function is not None else plain
        )
    return out


def _sizes_as_numbers(e: Any) -> bool:
    """Whether a size letter is used as a number in ``e`` (1/N, (n − 2)x), not only as a
    shape."""
    if e is None or not isinstance(e, sp.Basic):
        return False
    if isinstance(e, (sp.MatrixSymbol, sp.Identity, sp.ZeroMatrix, sp.OneMatrix)):
        return False
    if isinstance(e, sp.Symbol):
        return bool(e.is_integer and e.is_positive)
    return any(_sizes_as_numbers(a) for a in e.args)


def _values(world: _World, e: Any, inst: mv.Instance) -> Any:
    return mv.value(e.xreplace(dict(world.bind)), inst)


def _agrees(world: _World, a: Any, b: Any, *, symmetric: bool = False) -> bool:
    try:
        for inst in _instances(world, (a, b), symmetric=symmetric):
            if not mv.agree_exactly(_values(world, a, inst), _values(world, b, inst)):
                return False
    except (ZeroDivisionError, ValueError, TypeError, KeyError, AssertionError):
        return False
    return True


def _failure(world: _World, read: Any, expected: Any) -> Witness | None:
    for inst in _instances(world, (read, expected)):
        want = _values(world, expected, inst)
        try:
            got = _values(world, read, inst)
        except (ZeroDivisionError, ValueError):
            got = None
        if got is not None and mv.agree_exactly(want, got):
            continue
        return _witness(inst, want, got)
    return None


def _witness(inst: mv.Instance, want: Any, got: Any) -> Witness:
    import mpmath

    want = want if isinstance(want, mpmath.matrix) else mpmath.matrix([[want]])
    sizes = {str(k): v for k, v in inst.sizes.items()}
    if got is None:
        return Witness(sizes, (0, 0), float(want[0, 0]), None)
    got = got if isinstance(got, mpmath.matrix) else mpmath.matrix([[got]])
    worst, where = -1.0, (0, 0)
    for i in range(want.rows):
        for j in range(want.cols):
            gap = float(abs(want[i, j] - got[i, j]))
            if gap > worst:
                worst, where = gap, (i, j)
    return Witness(sizes, where, float(want[where]), float(got[where]))


def _toggled(e: Any) -> Iterator[Any]:
    """The expression with one transpose toggled: each name, Aᵀ for A and A for Aᵀ."""
    if isinstance(e, sp.Transpose) and isinstance(e.arg, sp.MatrixSymbol):
        yield e.arg
        return
    if isinstance(e, sp.MatrixSymbol):
        if e.rows != 1 or e.cols != 1:
            yield sp.Transpose(e)
        return
    for k, arg in enumerate(e.args):
        if not isinstance(arg, sp.Basic) or not (is_matrix(arg) or arg.free_symbols):
            continue
        for changed in _toggled(arg):
            args = list(e.args)
            args[k] = changed
            try:
                yield e.func(*args)
            except (sp.matrices.common.ShapeError, ValueError, TypeError):
                continue


# --- an answer whose own products do not fit ------------------------------------------------------


def _not_fitting(answer: str, derivative: MatrixDerivative, refused: InputError) -> MatrixVerdict:
    """An answer such as 2W(Wx − y), whose shapes do not fit the declarations (W is m×n): read
    again with every size equal, it is compared with the right result's variants there. A
    real mistake of reading (a stray operator) is still the input error it is."""
    shapes = derivative.shaped.shapes
    if not _shape_error(refused):
        raise refused
    try:
        repaired = parse_shaped(answer, shapes, repair=True)
    except InputError:
        repaired = None
    if repaired is not None and shape(repaired.expr) == shape(derivative.result):
        if _agrees(_world(derivative), repaired.expr, derivative.result):
            return MatrixVerdict(
                answer,
                None,
                derivative,
                INCORRECT,
                "transpose_missing",
                None,
                refusal=refused.message,
                repaired=repaired.expr,
            )
    square = _square(shapes)
    try:
        read = parse_shaped(answer, square).expr
    except InputError:
        return MatrixVerdict(
            answer, None, derivative, INCORRECT, "shape_mismatch", None, refusal=refused.message
        )
    world = _world(derivative, square)
    mistake = "shape_mismatch"
    variants = (derivative.result, *_toggled(derivative.result))
    if any(_agrees(world, read, _in(square, v, derivative)) for v in variants):
        mistake = "transpose_missing"
    return MatrixVerdict(
        answer, None, derivative, INCORRECT, mistake, None, refusal=refused.message
    )


def _shape_error(refused: InputError) -> bool:
    """Whether the answer was refused for shapes that do not fit; a name with no declared
    shape (Aᵀ where no A is declared) is a reading error, not an attempt."""
    words = refused.message
    if "no declared shape" in words:
        return False
    return " is " in words and ("×" in words or "scalar" in words)


def _square(shapes: Shapes) -> Shapes:
    """The same names with every size letter one letter: each product of them fits."""
    letter = sp.Symbol("n", integer=True, positive=True)
    symbols = {
        name: sp.MatrixSymbol(name, *(letter if isinstance(d, sp.Symbol) else d for d in m.shape))
        for name, m in shapes.symbols.items()
    }
    return Shapes(symbols, shapes.symmetric)


def _in(square: Shapes, e: Any, derivative: MatrixDerivative) -> Any:
    """``e`` with each declared matrix, and each name the derivation made (p), replaced by its
    square twin."""
    shapes = derivative.shaped.shapes
    swap: dict[Any, Any] = {m: square.symbols[name] for name, m in shapes.symbols.items()}
    letter = sp.Symbol("n", integer=True, positive=True)
    for name, _ in derivative.derivation.where:
        dims = [letter if isinstance(d, sp.Symbol) else d for d in name.shape]
        swap[name] = sp.MatrixSymbol(name.name, *dims)
    sizes = dict.fromkeys(shapes.sizes, letter)
    return e.xreplace(swap).xreplace(sizes)
