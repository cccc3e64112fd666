"""The derivative of an expression in vectors and matrices: ``diff EXPR --wrt X --shape …``.

Parse with the declared shapes, derive by differentials (engine/differentials.py), and check:
every step, and the result, at random matrices (each size letter 2 to 4) against a central
difference, and the result against SymPy's own matrix derivative where SymPy has one. With a
point (``--at A=[[1,2],[3,4]],x=[1,-1]``), the derivative's value there, beside the central
difference of every entry. It reads no files and prints nothing.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sympy as sp

from derivtutor.calculus.notebook import Notebook
from derivtutor.engine import matrix_values as mv
from derivtutor.engine.differentials import MatrixDerivation, Step, derive_matrix
from derivtutor.errors import InputError, Message, Parameter, UsageError
from derivtutor.language.matrices import Shaped, parse_shaped, shape
from derivtutor.language.matrix_functions import (
    CrossEntropy,
    Differential,
    ElementSum,
    LogSoftmax,
    Norm,
    Softmax,
    is_matrix,
)
from derivtutor.language.shapes import declared, parse_arrays

if TYPE_CHECKING:
    from derivtutor.calculus.differentiation import Differentiation

__all__ = ["Checked", "MatrixDerivative", "PointValue", "matrix_derivative"]

INSTANCES = 3


@dataclass(frozen=True)
class Checked:
    """How the derivation was checked: at ``sizes`` (one instance each), every step and the
    result against a central difference; ``failed`` names any step that did not agree (none,
    unless derivtutor has a bug), and ``sympy`` is SymPy's own derivative's verdict: "agrees",
    "differs" or "unavailable" (SymPy has no rule for softmax, a norm or an elementwise
    function)."""

    sizes: tuple[Mapping[str, int], ...]
    steps: int
    failed: tuple[str, ...]
    sympy: str  # or "not asked"


@dataclass(frozen=True)
class PointValue:
    """The derivative at a point, as nested lists, beside the central difference of each of its
    entries."""

    point: Mapping[str, Any]
    sizes: Mapping[str, int]
    value: list[list[float]]
    finite_difference: list[list[float]]


@dataclass(frozen=True)
class EntryLink:
    """One entry of the result by the scalar rules: f written out at ``sizes``, its partial
    derivative by ``variable`` (an entry of X) derived by the scalar engine, and the same entry
    of the matrix result, written out; ``agree`` whether the two are equal (at random points)."""

    sizes: Mapping[str, int]
    function: Any
    variable: sp.Symbol
    entry: tuple[int, int]
    derivation: Differentiation
    matrix_entry: Any
    agree: bool
    assumed: tuple[Any, ...] = ()  # y₁ + y₂ = 1, where the matrix rule takes y a distribution


@dataclass(frozen=True, repr=False)
class MatrixDerivative(Notebook):
    """∂f/∂X with its derivation: a gradient (X a vector), a matrix of the shape of X, or a
    Jacobian (f a vector)."""

    input: str
    shaped: Shaped
    var: sp.MatrixSymbol
    derivation: MatrixDerivation
    checked: Checked
    symmetric_form: Any = None  # the result when the square matrices are symmetric (2Ax)
    at: PointValue | None = None
    entry: EntryLink | None = None

    @property
    def expression(self) -> Any:
        return self.shaped.expr

    @property
    def result(self) -> Any:
        return self.derivation.result

    @property
    def shape(self) -> tuple[Any, Any]:
        return shape(self.result)

    def summary(self) -> str:
        from derivtutor.language.matrix_notation import matrix_text

        return f"d/d{self.var} [{self.input}] = {matrix_text(self.result, 'sympy')}"


def matrix_derivative(
    text: str,
    *,
    wrt: str | None,
    shapes: Iterable[str] | Mapping[str, str],
    symmetric: Iterable[str] = (),
    at: str | None = None,
    explained: bool = True,
    entries: bool = False,
    second_opinion: bool = True,
    verified: bool = True,
) -> MatrixDerivative:
    """Differentiate ``text`` by the vector or matrix ``wrt``, with ``shapes`` declared.

    ``explained=False`` is the derivation a grader needs: every step still checked, at one
    instance rather than three, without the symmetric form or SymPy's second opinion.
    ``second_opinion=False`` leaves out SymPy's opinion alone: its array machinery costs
    60 ms to load, a fifth of a command's start. ``verified=False`` leaves out the steps'
    checks (bank validate's, which compares the bank's answers; the quiz checks the steps it
    shows, and each grading its answer key)."""
    declared_shapes = declared(shapes, symmetric)
    shaped = parse_shaped(text, declared_shapes)
    var = _variable(wrt, shaped)
    sym = frozenset(declared_shapes.symbols[n] for n in declared_shapes.symmetric)
    taken = {str(s) for s in shaped.expr.free_symbols} | set(declared_shapes.symbols)
    derivation = derive_matrix(shaped.expr, var, symmetric=sym, taken=taken)
    if verified:
        checked = _check(
            shaped,
            derivation,
            sym,
            count=INSTANCES if explained else 1,
            sympy=explained and second_opinion,
        )
    else:
        checked = Checked((), 0, (), "not asked")
    symmetric_form = _if_symmetric(shaped, var, derivation, taken) if explained else None
    point = _at(shaped, derivation, at) if at is not None else None
    entry = _entry(shaped, derivation, point) if entries else None
    return MatrixDerivative(text, shaped, var, derivation, checked, symmetric_form, point, entry)


def _variable(wrt: str | None, shaped: Shaped) -> sp.MatrixSymbol:
    names = shaped.shapes.symbols
    present = [m for name, m in names.items() if m in shaped.expr.free_symbols]
    if wrt is None:
        if len(present) == 1:
            return present[0]
        raise UsageError(
            Message(
                "say which vector or matrix to differentiate by: {wrt}",
                wrt=Parameter("wrt", present[0].name if present else "x"),
            )
        )
    if wrt not in names:
        raise InputError(
            Message(
                "{wrt} names {name}, which has no declared shape", wrt=Parameter("wrt"), name=wrt
            ),
            suggestion=Message("declare it, e.g. {shapes}", shapes=Parameter("shapes", f"{wrt}=n")),
        )
    return names[wrt]


# --- the checks ---------------------------------------------------------------------------------


def _walk(step: Step) -> Iterator[Step]:
    yield step
    for s in step.substeps:
        yield from _walk(s)


def _distributions(expr: Any) -> set[Any]:
    """The targets y of cross_entropy(p, y), drawn as distributions (Σᵢ yᵢ = 1)."""
    return {a.args[1] for a in sp.preorder_traversal(expr) if isinstance(a, CrossEntropy)}


def _evaluator(derivation: MatrixDerivation, inst: mv.Instance, var: Any) -> Any:
    bind = dict(derivation.where)

    def value(e: Any) -> Any:
        if isinstance(e, sp.Basic):
            e = e.xreplace(bind)
        return mv.value(e, inst, var=var, d=Differential(var))

    return value


def _with_direction(inst: mv.Instance, var: Any, seed: int) -> mv.Instance:
    rng = random.Random(seed)
    dx = mv.direction(mv.concrete_shape(var, inst.sizes), rng)
    return mv.Instance(inst.sizes, {**inst.values, Differential(var): dx})


def _symbols(expr: Any, var: Any) -> set[Any]:
    return {s for s in expr.free_symbols if not (isinstance(s, sp.Symbol) and s.is_integer)} | {var}


def _check(
    shaped: Shaped,
    derivation: MatrixDerivation,
    symmetric: frozenset[Any],
    *,
    count: int = INSTANCES,
    sympy: bool = True,
) -> Checked:
    f, var = shaped.expr, derivation.var
    options: dict[str, Any] = {
        "count": count,
        "seed": 7,
        "symmetric": symmetric,
        "distributions": _distributions(f),
    }
    # Every other instance with a negative diagonal (tr X < 0, det X of either sign), where
    # f is still defined there.
    found = mv.usable(
        f,
        mv.instances(_symbols(f, var), flip=True, **options),
        mv.instances(_symbols(f, var), **options),
    )
    failed: list[str] = []
    checks = 0
    sympy_verdicts: list[str] = []
    theirs = _sympy_derivative(f, var) if sympy else None
    for k, base in enumerate(found):
        inst = _with_direction(base, var, k)
        value = _evaluator(derivation, inst, var)
        moved = value(Differential(f))
        for step in [*_walk(derivation.differential), *derivation.algebra]:
            checks += 1
            sides = [step.result] + ([step.general] if step.general is not None else [])
            start = Differential(step.of) if step in set(_walk(derivation.differential)) else None
            reference = value(start) if start is not None else moved
            if not all(mv.agree(reference, value(s)) for s in sides):
                failed.append(step.rule)
        checks += 1
        if not mv.agree(moved, _applied(derivation, value(derivation.result), inst, var)):
            failed.append(derivation.read_off.rule)
        if theirs is not None:
            try:
                # SymPy writes a Jacobian the other way round: ∂(Wx)/∂x is Wᵀ there.
                ours = derivation.result
                mine = sp.Transpose(ours) if derivation.kind == "jacobian" else ours
                ok = mv.agree(value(mine), value(theirs))
            except (TypeError, KeyError, ZeroDivisionError, ValueError):
                ok = None
            sympy_verdicts.append("unavailable" if ok is None else "agrees" if ok else "differs")
    sizes = tuple({str(s): n for s, n in inst.sizes.items()} for inst in found)
    if not sympy:
        verdict = "not asked"
    elif not sympy_verdicts or "unavailable" in sympy_verdicts:
        verdict = "unavailable"
    else:
        verdict = "agrees" if all(v == "agrees" for v in sympy_verdicts) else "differs"
    return Checked(sizes, checks, tuple(dict.fromkeys(failed)), verdict)


def _applied(derivation: MatrixDerivation, g: Any, inst: mv.Instance, var: Any) -> Any:
    """The derivative applied to the direction dX: ⟨G, dX⟩ for a scalar f, J dx for a vector."""
    dx = inst.values[Differential(var)]
    if derivation.kind == "jacobian":
        return g * dx
    if (g.rows, g.cols) != (dx.rows, dx.cols):
        return None
    import mpmath

    return mpmath.fsum(g[i, j] * dx[i, j] for i in range(g.rows) for j in range(g.cols))


_OURS = (Norm, ElementSum, Softmax, LogSoftmax, CrossEntropy)


def _sympy_derivative(f: Any, var: Any) -> Any:
    """SymPy's own matrix derivative, where it has one: a second opinion on the result. A norm
    squared is given to it as uᵀu; softmax, entrywise functions and the rest it has no rule for."""
    from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction
    from sympy.matrices.expressions.diagonal import DiagMatrix

    traces = any(
        isinstance(a, sp.Trace) and a.arg.shape != (1, 1) for a in sp.preorder_traversal(f)
    )
    if var.shape[1] != 1 and not traces:
        # By a matrix, outside its trace identities, SymPy's answer is a 4-index array, not a
        # matrix to compare with (and costs more than the whole derivation): no opinion.
        return None
    g = f.replace(
        lambda e: isinstance(e, sp.Pow) and isinstance(e.base, Norm) and e.exp == 2,
        lambda e: sp.Trace(sp.MatMul(sp.Transpose(e.base.args[0]), e.base.args[0])),
    )
    if any(
        isinstance(a, (*_OURS, ElementwiseApplyFunction, DiagMatrix))
        for a in sp.preorder_traversal(g)
    ):
        return None
    if isinstance(g, sp.Trace) and g.arg.shape == (1, 1):
        g = g.arg
    try:
        theirs = g.diff(var)
    except Exception:  # noqa: BLE001 - SymPy's matrix derivative fails in many ways; then it has none
        return None
    if not is_matrix(theirs) or type(theirs).__name__.startswith("Array"):
        return None
    if any(
        type(a).__name__.startswith(("Array", "Permute")) for a in sp.preorder_traversal(theirs)
    ):
        return None
    return theirs


def _if_symmetric(shaped: Shaped, var: Any, derivation: MatrixDerivation, taken: set[str]) -> Any:
    """2Ax for (A + Aᵀ)x: the result when every square matrix (but the variable) is symmetric,
    where that differs."""
    square = frozenset(
        m
        for m in shaped.shapes.symbols.values()
        if m.rows == m.cols and m != var and m in shaped.expr.free_symbols and m.rows != 1
    )
    if not square or square <= derivation.symmetric:
        return None
    again = derive_matrix(shaped.expr, var, symmetric=square | derivation.symmetric, taken=taken)
    return None if again.result == derivation.result else again.result


# --- one entry, by the scalar rules -----------------------------------------------------------

ENTRY_SIZE = 2  # each size letter, for an entry written out: small enough to read


def _entry(shaped: Shaped, derivation: MatrixDerivation, point: PointValue | None) -> EntryLink:
    """∂f/∂X₁₁ (or ∂f₁/∂z₁ of a Jacobian) by the scalar engine, beside the (1, 1) entry of
    the matrix result: the link between the two pictures."""
    from derivtutor.calculus.differentiation import differentiated
    from derivtutor.engine.entries import entry_symbols, explicit

    sizes = dict.fromkeys(sorted(shaped.shapes.sizes, key=str), ENTRY_SIZE)
    if point is not None:
        sizes.update({s: point.sizes[str(s)] for s in sizes if str(s) in point.sizes})
    f, var = shaped.expr, derivation.var
    names = {m for m in f.free_symbols if isinstance(m, sp.MatrixSymbol)} | {var}
    names |= {
        m for _, d in derivation.where for m in d.free_symbols if isinstance(m, sp.MatrixSymbol)
    }
    env = {m: entry_symbols(m, sizes) for m in names}
    written = explicit(f, env, sizes)
    if isinstance(written, sp.MatrixBase):
        written = written[0, 0]
    variable = env[var][0, 0]
    scalar_derivation = differentiated(written, variable)
    result = derivation.result.xreplace(dict(derivation.where))
    matrix_entry = explicit(result, env, sizes)
    matrix_entry = matrix_entry[0, 0] if isinstance(matrix_entry, sp.MatrixBase) else matrix_entry
    matrix_entry = sp.factor_terms(matrix_entry)  # 2x₁(W₁₁x₁ + W₁₂x₂ − y₁), not x₁(2W₁₁x₁ + …)
    # softmax with cross-entropy reads y as a distribution: its last entry is 1 − the others.
    constraints: dict[Any, Any] = {}
    for y in _distributions(f):
        entries = list(env[y]) if y in env else list(entry_symbols(y, sizes))
        constraints[entries[-1]] = 1 - sum(entries[:-1])
    agree = _same(
        scalar_derivation.derivative.xreplace(constraints), matrix_entry.xreplace(constraints)
    )
    assumed = tuple(sp.Eq(sum(list(entry_symbols(y, sizes))), 1) for y in _distributions(f))
    return EntryLink(
        {str(k): v for k, v in sizes.items()},
        written,
        variable,
        (1, 1),
        scalar_derivation,
        matrix_entry,
        agree,
        assumed,
    )


def _same(a: Any, b: Any) -> bool:
    """Equal at random points of their symbols (the scalar engine's numeric check)."""
    import random

    rng = random.Random(5)
    symbols = sorted(a.free_symbols | b.free_symbols, key=str)
    for _ in range(3):
        point = {s: sp.Float(rng.uniform(0.2, 0.9)) for s in symbols}
        x, y = complex(a.evalf(30, subs=point)), complex(b.evalf(30, subs=point))
        if abs(x - y) > 1e-9 * max(1.0, abs(x)):
            return False
    return True


# --- at a point ---------------------------------------------------------------------------------


def _at(shaped: Shaped, derivation: MatrixDerivation, text: str) -> PointValue:
    import mpmath

    values, sizes = parse_arrays(text, shaped.shapes)
    var = derivation.var
    needed = _symbols(shaped.expr, var)
    missing = sorted(str(s) for s in needed if s not in values)
    if missing:
        raise InputError(
            Message("{at} gives no value for " + ", ".join(missing), at=Parameter("at")),
            suggestion="give every name a value, e.g. A=[[1,2],[3,4]],x=[1,-1]",
        )
    letters = {
        s for m in shaped.shapes.symbols.values() for s in m.shape if isinstance(s, sp.Symbol)
    }
    unknown = sorted(
        str(s)
        for s in letters
        if s not in sizes
        and any(s in m.shape for m in shaped.shapes.symbols.values() if m in needed)
    )
    if unknown:
        raise InputError(f"the size {', '.join(unknown)} is not given by any value")
    with mpmath.workdps(mv.DIGITS):
        as_mp = {
            k: mpmath.matrix(v) if isinstance(v, list) else mpmath.mpf(sp.Float(v, 40))
            for k, v in values.items()
        }
        inst = mv.Instance(sizes, as_mp)
        bind = dict(derivation.where)
        g = mv.value(derivation.result.xreplace(bind), inst)
        g = g if isinstance(g, mpmath.matrix) else mpmath.matrix([[g]])
        fd = mv.entrywise_difference(shaped.expr, var, inst, jacobian=derivation.kind == "jacobian")
    return PointValue(
        {str(k): v for k, v in values.items()},
        {str(k): v for k, v in sizes.items()},
        _floats(g),
        _floats(fd),
    )


def _floats(m: Any) -> list[list[float]]:
    return [[float(m[i, j]) for j in range(m.cols)] for i in range(m.rows)]
