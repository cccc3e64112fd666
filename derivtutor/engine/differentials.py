"""Matrix derivatives by differentials, as the matrix-calculus texts derive them.

The differential of f is worked out rule by rule, from the outside in (d(xᵀAx) = (dx)ᵀAx +
xᵀA dx), each rule an identity with an id (``MATRIX_RULES``). It is then brought to the form
from which the derivative is read off: for a scalar f, df = tr(M dX), so that ∂f/∂X = Mᵀ has the
shape of X (the denominator layout of ML courses, where the gradient has the shape of what it
is taken by); for a vector f of a vector x, df = J dx, with J the Jacobian, a row per entry of f.

A differential is held as a sum of terms c·L dX R (or c·L (dX)ᵀ R, or the trace of either), with
c a scalar and L, R products of matrices: the form that every rule keeps and the read-off needs.
Steps hold data only; the renderers say them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import reduce
from typing import Any, ClassVar

import sympy as sp
from sympy.matrices.expressions.diagonal import DiagMatrix

from derivtutor.engine.table import MATRIX_TABLE
from derivtutor.errors import UsageError
from derivtutor.language.matrix_functions import (
    Differential,
    ElementSum,
    Norm,
    Softmax,
    elementwise,
    is_matrix,
)

__all__ = ["MATRIX_RULES", "MatrixDerivation", "Step", "derive_matrix"]

# rule id -> (name, formula): the renderers name each step; `derivtutor rules` lists them.
MATRIX_RULES: dict[str, tuple[str, str]] = {
    e.rule: (e.name, f"{e.function} = {e.derivative}") for e in MATRIX_TABLE
}


class NotDerived(UsageError):
    """A matrix expression outside the rules (a vector by a matrix is a 3-index array)."""


# --- a differential as terms c·L dX R ------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    """c·L dX R, or c·L (dX)ᵀ R (``transposed``), or its trace (``traced``)."""

    coefficient: Any
    left: tuple[Any, ...]
    transposed: bool
    right: tuple[Any, ...]
    traced: bool = False


Linear = tuple[Term, ...]


@dataclass(frozen=True)
class Step:
    """One identity applied: d(``of``) = ``general`` (in the differentials of its parts, the
    rule as it is stated) = ``result`` (in dX). Or, for a step of algebra on df
    (``scalar_transpose``, ``collect``, ...), ``general`` and ``result`` are the forms before and
    after, and ``of`` is the function f. One subclass per identity, its docstring the formula
    (``derivtutor rules`` prints the same, from engine/table.py)."""

    of: Any
    general: Any
    result: Any
    substeps: tuple[Step, ...] = ()
    where: tuple[tuple[Any, Any], ...] = ()
    rule: ClassVar[str] = ""


class MatrixSum(Step):
    """d(U + V) = dU + dV"""

    rule: ClassVar[str] = "matrix_sum"


class ConstantMultiple(Step):
    """d(cU) = c dU

    for a constant c"""

    rule: ClassVar[str] = "constant_multiple"


class MatrixProduct(Step):
    """d(UV) = (dU)V + U dV"""

    rule: ClassVar[str] = "matrix_product"


class TransposeRule(Step):
    """d(Uᵀ) = (dU)ᵀ"""

    rule: ClassVar[str] = "transpose"


class LinearForm(Step):
    """d(aᵀx), d(Ax) = aᵀdx, A dx

    a and A constant: ∇ₓ(aᵀx) = a"""

    rule: ClassVar[str] = "linear_form"


class QuadraticForm(Step):
    """d(xᵀAx) = (dx)ᵀAx + xᵀA dx = xᵀ(A + Aᵀ)dx

    ∇ₓ(xᵀAx) = (A + Aᵀ)x, which is 2Ax for a symmetric A"""

    rule: ClassVar[str] = "quadratic_form"


class EntrywiseProduct(Step):
    """d(u ⊙ v) = du ⊙ v + u ⊙ dv"""

    rule: ClassVar[str] = "hadamard"


class TraceRule(Step):
    """d tr(U) = tr(dU)

    ∂ tr(AX)/∂X = Aᵀ"""

    rule: ClassVar[str] = "trace"


class DeterminantRule(Step):
    """d det(X) = det(X) tr(X⁻¹dX)

    ∂ det(X)/∂X = det(X)X⁻ᵀ"""

    rule: ClassVar[str] = "determinant"


class LogDet(Step):
    """d log(det(X)) = tr(X⁻¹dX)

    ∂ log det(X)/∂X = X⁻ᵀ"""

    rule: ClassVar[str] = "log_det"


class InverseRule(Step):
    """d(X⁻¹) = −X⁻¹(dX)X⁻¹"""

    rule: ClassVar[str] = "inverse"


class NormSquared(Step):
    """d‖u‖² = 2uᵀdu

    ∂‖Wx − y‖²/∂W = 2(Wx − y)xᵀ"""

    rule: ClassVar[str] = "norm_squared"


class NormRule(Step):
    """d‖u‖ = uᵀdu / ‖u‖"""

    rule: ClassVar[str] = "norm"


class SumOfEntries(Step):
    """d sum(u) = 1ᵀdu"""

    rule: ClassVar[str] = "sum_entries"


class Elementwise(Step):
    """d f(u) = f′(u) ⊙ du = diag(f′(u)) du

    its Jacobian is diag(f′(u)): diag(1 − tanh²(z)) for tanh"""

    rule: ClassVar[str] = "elementwise"


class SoftmaxRule(Step):
    """d softmax(z) = (diag(p) − ppᵀ) dz

    p = softmax(z); the Jacobian is diag(p) − ppᵀ"""

    rule: ClassVar[str] = "softmax"


class LogSoftmaxRule(Step):
    """d log_softmax(z) = (I − 1pᵀ) dz

    p = softmax(z)"""

    rule: ClassVar[str] = "log_softmax"


class CrossEntropyRule(Step):
    """d cross_entropy(p, y) = −yᵀ diag(p)⁻¹ dp"""

    rule: ClassVar[str] = "cross_entropy"


class SoftmaxCrossEntropy(Step):
    """d cross_entropy(softmax(z), y) = (p − y)ᵀdz

    p = softmax(z), for a target with Σᵢ yᵢ = 1: ∂L/∂z = p − y"""

    rule: ClassVar[str] = "softmax_cross_entropy"


class ScalarChain(Step):
    """d g(s) = g′(s) ds"""

    rule: ClassVar[str] = "scalar_chain"


class ScalarProduct(Step):
    """d(st) = t ds + s dt"""

    rule: ClassVar[str] = "scalar_product"


class ScalarTranspose(Step):
    """(dx)ᵀa = aᵀdx

    so every term of df can be written … dx"""

    rule: ClassVar[str] = "scalar_transpose"


class TraceTrick(Step):
    """s = tr(s), tr(ABC) = tr(CAB)

    so every term of df can be written tr(… dX)"""

    rule: ClassVar[str] = "trace_cyclic"


class Collect(Step):
    """AB + AC = A(B + C)"""

    rule: ClassVar[str] = "collect"


class ReadOff(Step):
    """df = tr(M dX) = ∂f/∂X = Mᵀ

    the shape of X (the denominator layout); for a vector, df = (∇f)ᵀdx"""

    rule: ClassVar[str] = "read_off"


class ReadOffJacobian(Step):
    """df = J dx = ∂f/∂x = J

    a row per entry of f, a column per entry of x"""

    rule: ClassVar[str] = "read_off_jacobian"


RULES: dict[str, type[Step]] = {cls.rule: cls for cls in Step.__subclasses__()}


def identity(
    rule: str, of: Any, general: Any, result: Any, substeps: tuple[Step, ...] = ()
) -> Step:
    """The step of the identity ``rule``."""
    return RULES[rule](of, general, result, substeps)


@dataclass(frozen=True)
class MatrixDerivation:
    """The whole derivation: the differential's tree, the algebra that brings it to the form
    read off, and the derivative (``result``, of the shape of X for a scalar f, the Jacobian
    for a vector f). ``where`` names what the result uses (p = softmax(z))."""

    function: Any
    var: sp.MatrixSymbol
    kind: str  # "gradient" (X a vector), "matrix" (X a matrix) or "jacobian"
    differential: Step
    algebra: tuple[Step, ...]
    read_off: Step
    result: Any
    where: tuple[tuple[Any, Any], ...] = ()
    symmetric: frozenset[Any] = frozenset()

    @property
    def steps(self) -> tuple[Step, ...]:
        return (self.differential, *self.algebra, self.read_off)


# --- helpers on matrix expressions ---------------------------------------------------------------


def T(e: Any, symmetric: frozenset[Any] = frozenset()) -> Any:  # noqa: N802 - the transpose
    """The transpose pushed inside as the texts write it: (AB)ᵀ = BᵀAᵀ, (Aᵀ)ᵀ = A, a
    symmetric A and a diagonal matrix their own; a 1×1 product is its own transpose."""
    if not is_matrix(e):
        return e
    if isinstance(e, sp.Transpose):
        return e.arg
    if e in symmetric or isinstance(e, (sp.Identity, DiagMatrix, sp.ZeroMatrix)):
        return e
    if isinstance(e, sp.OneMatrix):
        return sp.OneMatrix(e.cols, e.rows)
    if isinstance(e, sp.MatMul):
        scalars = [a for a in e.args if not is_matrix(a)]
        matrices = [T(a, symmetric) for a in reversed(e.args) if is_matrix(a)]
        return _mul(*scalars, *matrices)
    if isinstance(e, sp.Inverse) and e.arg in symmetric:
        return e
    return sp.Transpose(e)


def _mul(*factors: Any) -> Any:
    """A product, flattened, its numbers multiplied together in front."""
    flat: list[Any] = []
    for f in factors:
        flat.extend(f.args if isinstance(f, sp.MatMul) else (sp.sympify(f),))
    number = sp.Integer(1)
    rest: list[Any] = []
    for f in flat:
        if isinstance(f, sp.Number):
            number *= f
        else:
            rest.append(f)
    if number == 0:
        return sp.Integer(0)
    matrices = [f for f in rest if is_matrix(f)]
    # A coefficient made of scalars alone is worked out: 2·(1/(2N)) is 1/N. One that holds a
    # matrix (σ(wᵀx), det(X)) is kept as written.
    scalars = [
        f.doit() if not any(isinstance(s, sp.MatrixSymbol) for s in f.free_symbols) else f
        for f in rest
        if not is_matrix(f)
    ]
    if scalars and all(
        not any(isinstance(s, sp.MatrixSymbol) for s in f.free_symbols) for f in scalars
    ):
        combined = sp.Mul(number, *scalars)
        number, scalars = (combined, []) if combined.is_Number else (sp.Integer(1), [combined])
    if not matrices:
        return sp.Mul(number, *scalars)
    if len(matrices) == 1 and number == 1 and not scalars:
        return matrices[0]
    head = [number] if number != 1 else []
    return sp.MatMul(*head, *scalars, *matrices)


def _add(*terms: Any) -> Any:
    terms = tuple(t for t in terms if not (t == 0 or isinstance(t, sp.ZeroMatrix)))
    if not terms:
        return sp.Integer(0)
    if len(terms) == 1:
        return terms[0]
    if any(is_matrix(t) for t in terms):
        return sp.MatAdd(*terms)
    return sp.Add(*terms)


def form(lin: Linear, var: Any) -> Any:
    """The differential as an expression in dX."""
    d = Differential(var)
    out = []
    for t in lin:
        chain = _mul(t.coefficient, *t.left, sp.Transpose(d) if t.transposed else d, *t.right)
        out.append(sp.Trace(chain) if t.traced else chain)
    if any(is_matrix(o) for o in out) and not all(is_matrix(o) for o in out):
        # A scalar's differential: its 1×1 products beside traces, each as the scalar it is.
        out = [sp.Trace(o) if is_matrix(o) else o for o in out]
    return _add(*out) if out else sp.Integer(0)


def _scale(lin: Linear, c: Any) -> Linear:
    return tuple(replace(t, coefficient=t.coefficient * c) for t in lin)


def _left(factors: Iterable[Any], lin: Linear) -> Linear:
    factors = tuple(factors)
    out = []
    for t in lin:
        if t.traced:
            raise NotDerived("a trace inside a product is not derived in matrix form yet")
        out.append(replace(t, left=factors + t.left))
    return tuple(out)


def _right(lin: Linear, factors: Iterable[Any]) -> Linear:
    factors = tuple(factors)
    out = []
    for t in lin:
        if t.traced:
            raise NotDerived("a trace inside a product is not derived in matrix form yet")
        out.append(replace(t, right=t.right + factors))
    return tuple(out)


def _transpose(lin: Linear, symmetric: frozenset[Any]) -> Linear:
    return tuple(
        Term(
            t.coefficient,
            tuple(T(r, symmetric) for r in reversed(t.right)),
            not t.transposed,
            tuple(T(a, symmetric) for a in reversed(t.left)),
            t.traced,
        )
        for t in lin
    )


def _shape(e: Any) -> tuple[Any, Any]:
    return tuple(e.shape) if is_matrix(e) else (sp.Integer(1), sp.Integer(1))


def _diag(v: Any) -> Any:
    return DiagMatrix(v)


# --- the differential, rule by rule ---------------------------------------------------------------


@dataclass
class _Deriver:
    var: sp.MatrixSymbol
    symmetric: frozenset[Any]
    taken: set[str]
    where: list[tuple[Any, Any]] = field(default_factory=list)

    def depends(self, e: Any) -> bool:
        return self.var in e.free_symbols if isinstance(e, sp.Basic) else False

    def name_for(self, e: Any, letter: str) -> Any:
        """p for softmax(z): a name the derivation can use, bound to what it stands for."""
        for name, definition in self.where:
            if definition == e:
                return name
        base, k = letter, 1
        while letter in self.taken:
            k += 1
            letter = f"{base}{k}"
        self.taken.add(letter)
        name = sp.MatrixSymbol(letter, *e.shape)
        self.where.append((name, e))
        return name

    def d(self, e: Any) -> tuple[Linear, Step | None]:
        """d(e) as terms, and the step that derives it (None where it is immediate: d of a
        constant is 0, dX is dX, d(Xᵀ) = (dX)ᵀ)."""
        if not self.depends(e):
            return (), None
        if e == self.var:
            return (Term(sp.Integer(1), (), False, ()),), None
        if isinstance(e, sp.Transpose) and e.arg == self.var:
            return (Term(sp.Integer(1), (), True, ()),), None
        if isinstance(e, sp.Trace) and _shape(e.arg) == (1, 1):
            return self.d(e.arg)  # the scalar view of a 1×1 product: nothing to do
        method = getattr(self, "_" + type(e).__name__, None)
        if method is None:
            if isinstance(e, sp.Function) and len(e.args) == 1:
                return self._function(e)
            raise NotDerived(f"no matrix rule differentiates {type(e).__name__} yet")
        lin, rule, general, substeps = method(e)
        return lin, self.made(rule, e, general, lin, substeps)

    def made(
        self, rule: str, e: Any, general: Any, lin: Linear, substeps: list[Step | None]
    ) -> Step:
        result = form(lin, self.var)
        kept = tuple(s for s in substeps if s is not None)
        return identity(rule, e, None if general == result else general, result, kept)

    def inner(self, u: Any) -> tuple[Linear, Step | None, Any]:
        """d(u), with what stands for it in a rule's statement: du itself where it is
        immediate, else d(u) to be derived below."""
        lin, step = self.d(u)
        shown = form(lin, self.var) if step is None else Differential(u)
        return lin, step, shown

    # -- sums and products

    def _MatAdd(self, e: Any) -> Any:  # noqa: N802
        return self._sum(e)

    def _Add(self, e: Any) -> Any:  # noqa: N802
        return self._sum(e)

    def _sum(self, e: Any) -> Any:
        dependent = [a for a in e.args if self.depends(a)]
        if len(dependent) == 1:
            # d(Wx + b) = dW x: the constant terms have no differential, and no step of their own.
            lin, step = self.d(dependent[0])
            if step is None:
                return lin, "linear_form", None, []
            return lin, step.rule, step.general, list(step.substeps)
        lins: list[Term] = []
        steps: list[Step | None] = []
        shown: list[Any] = []
        for a in e.args:
            lin, step, s = self.inner(a)
            lins.extend(lin)
            steps.append(step)
            if lin:
                shown.append(s)
        return tuple(lins), "matrix_sum", _add(*shown), steps

    def _MatMul(self, e: Any) -> Any:  # noqa: N802
        scalars = [a for a in e.args if not is_matrix(a)]
        matrices = [a for a in e.args if is_matrix(a)]
        c = sp.Mul(*scalars)
        if self.depends(c):
            return self._scaled(c, _mul(*matrices), e)
        lins: list[Term] = []
        steps: list[Step | None] = []
        shown: list[Any] = []
        for i, f in enumerate(matrices):
            lin, step, s = self.inner(f)
            if not lin:
                continue
            lins.extend(_scale(_right(_left(matrices[:i], lin), matrices[i + 1 :]), c))
            steps.append(step)
            shown.append(_mul(c, *matrices[:i], s, *matrices[i + 1 :]))
        dependent = [f for f in matrices if self.depends(f)]
        if len(dependent) == 1:
            rule = "linear_form"
        elif _is_quadratic(matrices, self.var):
            rule = "quadratic_form"
        else:
            rule = "matrix_product"
        return tuple(lins), rule, _add(*shown), steps

    def _scaled(self, c: Any, m: Any, e: Any) -> Any:
        """d(sM) = ds·M + s dM, for a scalar s that depends on X and a vector M."""
        lc, sc, shown_c = self.inner(c)
        lm, sm, shown_m = self.inner(m)
        if lc and _shape(m)[1] != 1 and _shape(m)[0] != 1:
            raise NotDerived("a scalar function times a matrix is not derived in matrix form yet")
        first: Linear = _left([m], lc) if _shape(m)[1] == 1 else _right(lc, [m])
        lin = first + _scale(lm, c)
        general = _add(_mul(m, shown_c) if lc else 0, _mul(c, shown_m) if lm else 0)
        return lin, "scalar_product", general, [sc, sm]

    def _Mul(self, e: Any) -> Any:  # noqa: N802
        # −(y·log σ) is one constant multiple, −y, not two nested ones.
        factors = _flat_product(e)
        constant = sp.Mul(*(a for a in factors if not self.depends(a)))
        dependent = [a for a in factors if self.depends(a)]
        if len(dependent) == 1:
            lin, step, shown = self.inner(dependent[0])
            if step is not None and constant == 1:
                return lin, step.rule, step.general, list(step.substeps)
            return _scale(lin, constant), "constant_multiple", _mul(constant, shown), [step]
        first, rest = dependent[0], sp.Mul(*dependent[1:])
        l1, s1, d1 = self.inner(first)
        l2, s2, d2 = self.inner(rest)
        lin = _scale(l1, constant * rest) + _scale(l2, constant * first)
        general = _add(_mul(constant * rest, d1), _mul(constant * first, d2))
        return lin, "scalar_product", general, [s1, s2]

    def _Transpose(self, e: Any) -> Any:  # noqa: N802
        lin, step, shown = self.inner(e.arg)
        return _transpose(lin, self.symmetric), "transpose", sp.Transpose(shown), [step]

    def _HadamardProduct(self, e: Any) -> Any:  # noqa: N802
        a, b = e.args[0], sp.HadamardProduct(*e.args[1:]) if len(e.args) > 2 else e.args[1]
        if _shape(a)[1] != 1:
            raise NotDerived("⊙ of two matrices is not derived in matrix form yet")
        la, sa, da = self.inner(a)
        lb, sb, db = self.inner(b)
        lin = _left([_diag(b)], la) + _left([_diag(a)], lb)
        general = _add(
            sp.HadamardProduct(da, b) if la else 0, sp.HadamardProduct(a, db) if lb else 0
        )
        return lin, "hadamard", general, [sa, sb]

    def _Inverse(self, e: Any) -> Any:  # noqa: N802
        lin, step, shown = self.inner(e.arg)
        inv = sp.Inverse(e.arg)
        return (
            _scale(_right(_left([inv], lin), [inv]), -1),
            "inverse",
            _mul(-1, inv, shown, inv),
            [step],
        )

    # -- scalars of matrices

    def _Trace(self, e: Any) -> Any:  # noqa: N802
        lin, step, shown = self.inner(e.arg)
        traced = tuple(replace(t, traced=True) for t in lin)
        return traced, "trace", sp.Trace(shown), [step]

    def _Determinant(self, e: Any) -> Any:  # noqa: N802
        x = e.arg
        lin, step, shown = self.inner(x)
        inv = sp.Inverse(x)
        out = tuple(replace(t, traced=True) for t in _scale(_left([inv], lin), e))
        return out, "determinant", _mul(e, sp.Trace(_mul(inv, shown))), [step]

    def _log_det(self, e: Any) -> Any:
        (s,) = e.args
        if isinstance(s, sp.Determinant):
            x = s.arg
            lin, step, shown = self.inner(x)
            inv = sp.Inverse(x)
            out = tuple(replace(t, traced=True) for t in _left([inv], lin))
            return out, "log_det", sp.Trace(_mul(inv, shown)), [step]
        return None

    def _Pow(self, e: Any) -> Any:  # noqa: N802
        base, exponent = e.args
        if isinstance(base, Norm) and exponent == 2:
            u = base.args[0]
            lin, step, shown = self.inner(u)
            ut = T(u, self.symmetric)
            return _scale(_left([ut], lin), 2), "norm_squared", _mul(2, ut, shown), [step]
        if self.depends(exponent):
            raise NotDerived(
                "a power with the variable in its exponent is not derived in matrix form"
            )
        return self._chain(e, base, exponent * base ** (exponent - 1))

    def _Norm(self, e: Any) -> Any:  # noqa: N802
        u = e.args[0]
        lin, step, shown = self.inner(u)
        ut = T(u, self.symmetric)
        return _scale(_left([ut], lin), 1 / e), "norm", _mul(1 / e, ut, shown), [step]

    def _ElementSum(self, e: Any) -> Any:  # noqa: N802
        u = e.args[0]
        lin, step, shown = self.inner(u)
        ones = sp.OneMatrix(1, _shape(u)[0])
        return _left([ones], lin), "sum_entries", _mul(ones, shown), [step]

    def _CrossEntropy(self, e: Any) -> Any:  # noqa: N802
        p, y = e.args
        terms: Linear = ()
        shown: list[Any] = []
        steps: list[Step | None] = []
        rule = "cross_entropy"
        if self.depends(p):
            if isinstance(p, Softmax):
                z = p.arg
                lin, step, dz = self.inner(z)
                name = self.name_for(p, "p")
                if isinstance(y, sp.MatrixSymbol):
                    # A target named alone is a distribution, Σᵢ yᵢ = 1: the texts' p − y.
                    row: Any = sp.Transpose(sp.MatAdd(name, _mul(-1, y)))
                    rule = "softmax_cross_entropy"
                else:
                    # Any other target: (sum(y) p − y)ᵀ dz, which is p − y only when Σᵢ yᵢ = 1.
                    row = sp.Transpose(sp.MatAdd(_mul(ElementSum(y), name), _mul(-1, y)))
                terms += _left([row], lin)
                shown.append(_mul(row, dz))
                steps.append(step)
            else:
                lin, step, dp = self.inner(p)
                factors = [T(y), sp.Inverse(_diag(p))]
                terms += _scale(_left(factors, lin), -1)
                shown.append(_mul(-1, *factors, dp))
                steps.append(step)
        if self.depends(y):
            # Linear in the target: d(−yᵀ log p) = −(log p)ᵀ dy.
            lin, step, dy = self.inner(y)
            t = sp.Dummy("t", real=True)
            logs = sp.Transpose(elementwise(sp.log(t), t, p))
            terms += _scale(_left([logs], lin), -1)
            shown.append(_mul(-1, logs, dy))
            steps.append(step)
        return terms, rule, _add(*shown), steps

    # -- vector functions

    def _Softmax(self, e: Any) -> Any:  # noqa: N802
        z = e.arg
        lin, step, shown = self.inner(z)
        p = self.name_for(e, "p")
        jac = sp.MatAdd(_diag(p), _mul(-1, p, sp.Transpose(p)))
        return _left([jac], lin), "softmax", _mul(jac, shown), [step]

    def _LogSoftmax(self, e: Any) -> Any:  # noqa: N802
        z = e.arg
        lin, step, shown = self.inner(z)
        p = self.name_for(Softmax(z), "p")
        n = _shape(z)[0]
        jac = sp.MatAdd(sp.Identity(n), _mul(-1, sp.OneMatrix(n, 1), sp.Transpose(p)))
        return _left([jac], lin), "log_softmax", _mul(jac, shown), [step]

    def _ElementwiseApplyFunction(self, e: Any) -> Any:  # noqa: N802
        u = e.expr
        t = e.function.variables[0]
        derivative = sp.diff(e.function.expr, t)
        slope = elementwise(derivative, t, u)
        lin, step, shown = self.inner(u)
        if _shape(u)[1] != 1:
            raise NotDerived(
                "a function applied to each entry of a matrix is not derived in matrix form yet"
            )
        return _left([_diag(slope)], lin), "elementwise", _mul(_diag(slope), shown), [step]

    # -- scalar functions of scalars

    def _function(self, e: Any) -> tuple[Linear, Step | None]:
        if isinstance(e, sp.log):
            made = self._log_det(e)
            if made is not None:
                lin, rule, general, substeps = made
                return lin, self.made(rule, e, general, lin, substeps)
        (s,) = e.args
        t = sp.Dummy("t", real=True)
        slope = sp.diff(e.func(t), t).subs(t, s)
        lin, rule, general, substeps = self._chain(e, s, slope)
        return lin, self.made(rule, e, general, lin, substeps)

    def _chain(self, e: Any, s: Any, slope: Any) -> Any:
        lin, step, shown = self.inner(s)
        return _scale(lin, slope), "scalar_chain", _mul(slope, shown), [step]


def _flat_product(e: Any) -> list[Any]:
    """The factors of a product, nested products opened: −1·(y·log σ) is −1, y, log σ."""
    out: list[Any] = []
    for a in e.args:
        out.extend(_flat_product(a) if isinstance(a, sp.Mul) else [a])
    return out


def _is_quadratic(matrices: list[Any], var: Any) -> bool:
    return (
        len(matrices) == 3
        and matrices[0] == sp.Transpose(var)
        and matrices[2] == var
        and var not in matrices[1].free_symbols
    )


# --- from df to the derivative --------------------------------------------------------------------


def _untransposed(t: Term, symmetric: frozenset[Any]) -> Term:
    """c·L (dX)ᵀ R as c·Rᵀ dX Lᵀ: the same scalar (its own transpose, or the same trace)."""
    if not t.transposed:
        return t
    return Term(
        t.coefficient,
        tuple(T(r, symmetric) for r in reversed(t.right)),
        False,
        tuple(T(a, symmetric) for a in reversed(t.left)),
        t.traced,
    )


def _combine(pieces: list[tuple[Any, tuple[Any, ...]]]) -> list[tuple[Any, tuple[Any, ...]]]:
    """Like terms added: 2·xᵀA + xᵀA is 3xᵀA."""
    out: dict[tuple[Any, ...], Any] = {}
    for c, chain in pieces:
        out[chain] = out.get(chain, 0) + c
    return [(_plainer(c), chain) for chain, c in out.items() if c != 0]


def _plainer(c: Any) -> Any:
    """A sum of coefficients multiplied out where that is shorter: y(1 − σ) − σ(1 − y) is
    y − σ (σ(wᵀx) is an atom here, so nothing inside a function is touched)."""
    if not isinstance(c, (sp.Add, sp.Mul)):
        return c
    # Each scalar of matrices (σ(wᵀx), a trace, a norm) stands in as a symbol, so that the
    # multiplying out never reaches inside it (it would rewrite x ⊙ x as a power).
    atoms = {
        a: sp.Dummy()
        for a in sp.preorder_traversal(c)
        if isinstance(a, sp.Expr)
        and not isinstance(a, (sp.Add, sp.Mul, sp.Pow, sp.Number))
        and _has_matrix(a)
    }
    outermost = {a: d for a, d in atoms.items() if not any(a != b and b.has(a) for b in atoms)}
    expanded = sp.expand_mul(c.xreplace(outermost)).xreplace({d: a for a, d in outermost.items()})
    return expanded if sp.count_ops(expanded) < sp.count_ops(c) else c


def collected(pieces: list[tuple[Any, tuple[Any, ...]]]) -> Any:
    """A sum of products, like terms added and a common first or last factor taken out:
    xᵀAᵀ + xᵀA is xᵀ(Aᵀ + A)."""
    pieces = _combine(pieces)
    if not pieces:
        return sp.Integer(0)
    if len(pieces) == 1:
        c, chain = pieces[0]
        return _mul(c, *chain)
    chains = [chain for _, chain in pieces]
    coefficients = [c for c, _ in pieces]
    # A factor every coefficient shares comes out: (1/N)σ(Xw) − (1/N)y is (1/N)(σ(Xw) − y).
    # Only for coefficients of scalars alone: a gcd through σ(wᵀx) would rewrite the traces.
    same = coefficients[0] if all(c == coefficients[0] for c in coefficients) else sp.Integer(1)
    common_c = same
    if same == 1 and not any(_has_matrix(c) for c in coefficients):
        try:
            common_c = reduce(sp.gcd, coefficients)
        except (sp.PolynomialError, TypeError, ValueError):
            common_c = same
    if common_c == 0:
        common_c = sp.Integer(1)
    shortest = min(len(c) for c in chains)
    head = 0
    while head < shortest - 1 and all(c[head] == chains[0][head] for c in chains):
        head += 1
    tail = 0
    while tail < shortest - 1 - head and all(c[-1 - tail] == chains[0][-1 - tail] for c in chains):
        tail += 1
    if head == 0 and tail == 0:
        return _add(*(_mul(c, *chain) for c, chain in _ordered(pieces)))
    inner = [(c / common_c, chain[head : len(chain) - tail]) for c, chain in pieces]
    middle = _add(*(_mul(c, *chain) for c, chain in _ordered(inner)))
    return _mul(common_c, *chains[0][:head], middle, *chains[0][len(chains[0]) - tail :])


def _has_matrix(e: Any) -> bool:
    return any(isinstance(s, sp.MatrixSymbol) for s in sp.sympify(e).free_symbols)


def _ordered(pieces: list[tuple[Any, tuple[Any, ...]]]) -> list[tuple[Any, tuple[Any, ...]]]:
    """As the texts order a sum: A + Aᵀ, the term with fewer transposes first."""
    return sorted(pieces, key=lambda p: sum(isinstance(f, sp.Transpose) for f in p[1]))


def _chain_of(e: Any) -> tuple[Any, tuple[Any, ...]]:
    if isinstance(e, sp.MatMul):
        scalars = sp.Mul(*(a for a in e.args if not is_matrix(a)))
        return scalars, tuple(a for a in e.args if is_matrix(a))
    return sp.Integer(1), (e,)


def _transposed_pieces(
    pieces: list[tuple[Any, tuple[Any, ...]]], symmetric: frozenset[Any]
) -> list[tuple[Any, tuple[Any, ...]]]:
    out = []
    for c, chain in pieces:
        t = T(_mul(*chain), symmetric)
        c2, chain2 = _chain_of(t)
        out.append((c * c2, chain2))
    return out


def _entrywise(e: Any) -> Any:
    """diag(a) v as a ⊙ v, as a gradient is written (δ = (Wᵀδ′) ⊙ f′(z))."""
    if isinstance(e, sp.MatMul):
        args = list(e.args)
        # Only a vector: diag(a)W, a row scaling of a matrix, stays as it is.
        if (
            len(args) >= 2
            and isinstance(args[-2], DiagMatrix)
            and is_matrix(args[-1])
            and _shape(args[-1])[1] == 1
        ):
            rest, entries = args[-1], args[-2].args[0]
            if isinstance(rest, sp.OneMatrix):
                return _mul(*args[:-2], entries)  # diag(a) 1 = a
            return _mul(*args[:-2], sp.HadamardProduct(rest, entries))
    if isinstance(e, sp.MatAdd):
        return sp.MatAdd(*(_entrywise(a) for a in e.args))
    return e


def derive_matrix(
    f: Any,
    var: sp.MatrixSymbol,
    *,
    symmetric: frozenset[Any] = frozenset(),
    taken: Iterable[str] = (),
) -> MatrixDerivation:
    """The derivation of ∂f/∂X by differentials."""
    deriver = _Deriver(var, symmetric, set(taken))
    if not deriver.depends(f):
        raise NotDerived(f"{var.name} does not appear in the function, so its derivative is 0")
    lin, step = deriver.d(f)
    if step is None:
        step = identity("matrix_sum", f, None, form(lin, var))
    vector_f = is_matrix(f) and _shape(f) != (1, 1)
    if vector_f:
        if _shape(f)[1] != 1 or _shape(var)[1] != 1:
            raise NotDerived(
                "the derivative of a vector or matrix by a matrix is a 3-index array: take it of a "
                "scalar (a loss), or by a vector"
            )
        return _jacobian(f, var, lin, step, deriver, symmetric)
    return _gradient(f, var, lin, step, deriver, symmetric)


def _gradient(
    f: Any, var: Any, lin: Linear, step: Step, deriver: _Deriver, symmetric: frozenset[Any]
) -> MatrixDerivation:
    matrix = _shape(var)[1] != 1
    algebra: list[Step] = []
    current = form(lin, var)
    untransposed = tuple(_untransposed(t, symmetric) for t in lin)
    if any(t.transposed for t in lin):
        after = form(untransposed, var)
        algebra.append(
            identity("trace_cyclic" if matrix else "scalar_transpose", f, current, after)
        )
        current = after
    # df = Σ c·tr(L dX R) = tr(M dX), with M = Σ c·R L (an empty product is I: d tr(X) = tr(I dX)).
    rows = _shape(var)[0]
    pieces = [(t.coefficient, (*t.right, *t.left) or (sp.Identity(rows),)) for t in untransposed]
    d = Differential(var)
    m = collected(pieces)
    if matrix or any(t.right for t in untransposed):
        if matrix:
            target = sp.Trace(_mul(m, d))
        else:
            target = _mul(m, d)
        rule = "trace_cyclic" if matrix else "scalar_transpose"
        if target != current:
            algebra.append(identity(rule, f, current, target))
            current = target
    elif len(pieces) > 1 or m != _mul(pieces[0][0], *pieces[0][1]):
        target = _mul(m, d)
        if target != current:
            algebra.append(identity("collect", f, current, target))
            current = target
    # diag(a)·1 is a, and diag(a)·v is a ⊙ v, in each term before the terms are collected.
    gradient = collected(
        [
            _chain_of(_entrywise(_mul(c, *chain)))
            for c, chain in _transposed_pieces(pieces, symmetric)
        ]
    )
    gradient = _entrywise(gradient)
    read = identity("read_off", f, current, gradient)
    kind = "matrix" if matrix else "gradient"
    return MatrixDerivation(
        f, var, kind, step, tuple(algebra), read, gradient, tuple(deriver.where), symmetric
    )


def _jacobian(
    f: Any, var: Any, lin: Linear, step: Step, deriver: _Deriver, symmetric: frozenset[Any]
) -> MatrixDerivation:
    pieces = []
    for t in lin:
        if t.traced:
            raise NotDerived("a trace inside a vector function is not derived in matrix form yet")
        if t.transposed:
            # L (dx)ᵀ R with (dx)ᵀR a scalar: L Rᵀ dx.
            pieces.append((t.coefficient, (*t.left, *(T(r, symmetric) for r in reversed(t.right)))))
        elif t.right:
            scale = _mul(*t.right)
            pieces.append((t.coefficient * _as_scalar(scale), t.left))
        else:
            pieces.append((t.coefficient, t.left))
    n = _shape(var)[0]
    # An empty product is the identity: d(x + b)/dx = I, d(3x)/dx = 3I.
    pieces = [(c, chain or (sp.Identity(n),)) for c, chain in pieces]
    jac = _entrywise(collected(pieces))
    d = Differential(var)
    current = form(lin, var)
    target = _mul(jac, d)
    algebra = [] if target == current else [identity("collect", f, current, target)]
    read = identity("read_off_jacobian", f, target, jac)
    return MatrixDerivation(
        f, var, "jacobian", step, tuple(algebra), read, jac, tuple(deriver.where), symmetric
    )


def _as_scalar(e: Any) -> Any:
    return sp.Trace(e) if is_matrix(e) else e
