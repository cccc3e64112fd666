"""Matrix expressions printed as the texts write them: (A + Aᵀ)x, 2Wᵀ(Wx − y), diag(p) − ppᵀ.

Four styles: ``text`` (Unicode, and read back by matrices.py as the same expression), ``ascii``
(typeable on any keyboard: (A + A^T) x), ``latex``, and ``sympy`` (SymPy's syntax, for JSON:
``(A + A.T)*x``). Every operand is bracketed by precedence, so no printed form reads as another
expression. A differential ``dX`` (a matrix symbol named d + the name) is set apart by spaces,
as in xᵀA dx; a 1×1 product held as its trace prints as the product.
"""

from __future__ import annotations

import re
from typing import Any

import sympy as sp
from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction
from sympy.matrices.expressions.diagonal import DiagMatrix
from sympy.printing.str import StrPrinter

from derivtutor.language.functions import relu, sigmoid, softplus
from derivtutor.language.matrix_functions import (
    CrossEntropy,
    Differential,
    ElementSum,
    LogSoftmax,
    Norm,
    Softmax,
    is_matrix,
)

__all__ = ["STYLES", "matrix_text"]

STYLES = ("text", "ascii", "latex", "sympy")

_SUM, _PRODUCT, _NEGATIVE, _POWER, _ATOM = 1, 2, 3, 4, 5
_SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
_SUP = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
_GREEK = {
    "delta": "δ",
    "sigma": "σ",
    "alpha": "α",
    "beta": "β",
    "lamda": "λ",
    "mu": "μ",
    "theta": "θ",
}
# λ is named lamda, as SymPy does (lambda is a Python keyword); LaTeX spells it \lambda.
_GREEK_LATEX = {letter: "\\" + name.replace("lamda", "lambda") for name, letter in _GREEK.items()}
_FUNCTION_NAMES: dict[str, dict[Any, str]] = {
    "text": {sigmoid: "σ"},
    "ascii": {sigmoid: "sigmoid"},
    "latex": {
        sigmoid: r"\sigma",
        relu: r"\operatorname{ReLU}",
        softplus: r"\operatorname{softplus}",
    },
}


def matrix_text(expr: Any, style: str = "text") -> str:
    """``expr`` in ``style``: one of STYLES."""
    if style == "sympy":
        return _sympy(expr)
    return _PRINTERS[style]().show(expr)[0]


def _sympy(expr: Any) -> str:
    """SymPy's own syntax: sympify reads it back given each matrix as a MatrixSymbol (a 1×1
    product at the top is the product: x.T*A*x)."""
    if isinstance(expr, sp.Trace) and expr.arg.shape == (1, 1):
        expr = expr.arg
    return str(_SympyPrinter().doprint(expr))


class _SympyPrinter(StrPrinter):  # type: ignore[misc]
    def _print_ElementwiseApplyFunction(self, e: Any) -> str:
        t = sp.Symbol("t", real=True)
        body = e.function.expr.subs(e.function.variables[0], t)
        inner = self._print(e.expr)
        if isinstance(e.expr, (sp.MatAdd, sp.MatMul)):
            inner = f"({inner})"
        if body.func is not sp.Pow and len(body.args) == 1 and body.args[0] == t:
            return f"{inner}.applyfunc({self._print(body.func)})"
        return f"{inner}.applyfunc(Lambda(t, {self._print(body)}))"


class _Printer:
    def __init__(self, style: str, *, latex: bool = False, ascii: bool = False) -> None:
        self.style = style
        self.latex = latex
        self.ascii = ascii

    # -- the pieces every style spells its own way

    def name(self, name: str) -> str:
        base, _, index = name.partition("_") if "_" in name else _split_index(name)
        if self.latex:
            letter = _GREEK_LATEX.get(_GREEK.get(base, base), base)
            if len(letter) > 1 and not letter.startswith("\\"):
                letter = rf"\mathrm{{{letter}}}"
            return f"{letter}_{{{index}}}" if index else letter
        if self.ascii:
            return name
        letter = _GREEK.get(base, base)
        return (
            letter + index.translate(_SUB)
            if index.isdigit()
            else letter + ("_" + index if index else "")
        )

    def transposed(self, base: str) -> str:
        if self.latex:
            return base + r"^{\top}"
        return base + ("^T" if self.ascii else "ᵀ")

    def inverse(self, base: str, transposed: bool = False) -> str:
        if self.latex:
            return base + (r"^{-\top}" if transposed else "^{-1}")
        if self.ascii:
            return f"inv({base})^T" if transposed else base + "^-1"
        return base + ("⁻ᵀ" if transposed else "⁻¹")

    def power(self, base: str, exponent: sp.Expr) -> str:
        if self.latex:
            return f"{base}^{{{sp.latex(exponent)}}}"
        if self.ascii or not (exponent.is_Integer and exponent > 0):
            shown = str(exponent) if exponent.is_Integer else f"({exponent})"
            return f"{base}^{shown}"
        return base + str(exponent).translate(_SUP)

    def call(self, fn: str, args: list[str]) -> str:
        if self.latex:
            escaped = fn.replace("_", "\\_")
            name = fn if fn.startswith("\\") else rf"\operatorname{{{escaped}}}"
            return rf"{name}\left({', '.join(args)}\right)"
        return f"{fn}({', '.join(args)})"

    def minus(self) -> str:
        return "-" if self.ascii or self.latex else "−"

    def hadamard(self) -> str:
        return r" \odot " if self.latex else " ⊙ "

    # -- the walk: each returns the string and its precedence

    def show(self, e: Any, entrywise: sp.Expr | None = None, over: Any = None) -> tuple[str, int]:
        """``entrywise``: the dummy of an elementwise function's body, printed as ``over``."""
        if entrywise is not None and e == entrywise:
            return self.show(over)
        if isinstance(e, sp.MatrixSymbol):
            return self.name(e.name), _ATOM
        if isinstance(e, Differential):
            return self.differential(e.arg), _ATOM
        if isinstance(e, sp.Symbol):
            return self.name(e.name), _ATOM
        if isinstance(e, sp.Number):
            return self.number(e)
        if e is sp.E:
            return "e", _ATOM
        if isinstance(e, sp.NumberSymbol):
            return (r"\pi" if self.latex else "pi" if self.ascii else "π"), _ATOM
        if isinstance(e, sp.Identity):
            return "I", _ATOM
        if isinstance(e, sp.ZeroMatrix):
            return "0", _ATOM
        if isinstance(e, sp.OneMatrix):
            # 𝟏, the vector of ones, as Boyd and Vandenberghe write it; typed, ones(n).
            if self.ascii:
                column = f"ones({e.shape[0] if e.shape[1] == 1 else e.shape[1]})"
            else:
                column = r"\mathbf{1}" if self.latex else "𝟏"
            return (column if e.shape[1] == 1 else self.transposed(column)), _ATOM
        if isinstance(e, sp.Transpose):
            return self.transpose(e.arg)
        if isinstance(e, sp.Inverse):
            return self.inverse(self.operand(e.arg, _POWER)), _POWER
        if isinstance(e, (sp.MatAdd, sp.Add)):
            return self.sum(list(e.args), entrywise, over)
        if isinstance(e, (sp.MatMul, sp.Mul)):
            return self.product(list(e.args), entrywise, over)
        if isinstance(e, sp.HadamardProduct):
            parts = [self.operand(a, _PRODUCT + 1, entrywise, over) for a in e.args]
            return self.hadamard().join(parts), _PRODUCT
        if isinstance(e, sp.Pow):
            return self.pow(e, entrywise, over)
        if isinstance(e, sp.Trace):
            if e.arg.shape == (1, 1):
                return self.show(e.arg)
            return self.call(
                r"\operatorname{tr}" if self.latex else "tr", [self.show(e.arg)[0]]
            ), _ATOM
        if isinstance(e, sp.Determinant):
            return self.call(r"\det" if self.latex else "det", [self.show(e.arg)[0]]), _ATOM
        if isinstance(e, DiagMatrix):
            return self.call(
                r"\operatorname{diag}" if self.latex else "diag", [self.show(e.args[0])[0]]
            ), _ATOM
        if isinstance(e, Norm):
            inner = self.show(e.args[0])[0]
            if self.latex:
                return rf"\left\lVert {inner} \right\rVert", _ATOM
            return (f"norm({inner})" if self.ascii else f"‖{inner}‖"), _ATOM
        if isinstance(e, (ElementSum, Softmax, LogSoftmax, CrossEntropy)):
            name = {
                ElementSum: "sum",
                Softmax: "softmax",
                LogSoftmax: "log_softmax",
                CrossEntropy: "cross_entropy",
            }[type(e)]
            return self.call(name, [self.show(a)[0] for a in e.args]), _ATOM
        if isinstance(e, ElementwiseApplyFunction):
            fn = e.function
            return self.show(fn.expr, fn.variables[0], e.expr)
        if isinstance(e, sp.Function):
            return self.function(e, entrywise, over), _ATOM
        raise TypeError(f"no matrix notation for {type(e).__name__}")

    def differential(self, u: Any) -> str:
        d = r"\mathrm{d}" if self.latex else "d"
        if isinstance(u, sp.Trace) and u.arg.shape == (1, 1):
            u = u.arg
        if isinstance(u, (sp.MatrixSymbol, sp.Symbol)):
            return d + self.show(u)[0]
        inner = self.show(u)[0]
        return rf"{d}\left({inner}\right)" if self.latex else f"d({inner})"

    def number(self, n: sp.Number) -> tuple[str, int]:
        if n.is_Integer:
            text = str(abs(n))
            return (self.minus() + text, _NEGATIVE) if n < 0 else (text, _ATOM)
        if n.is_Rational:
            p, q = abs(n.p), n.q
            text = rf"\frac{{{p}}}{{{q}}}" if self.latex else f"{p}/{q}"
            prec = _ATOM if self.latex else _PRODUCT
            return (self.minus() + text, _NEGATIVE) if n < 0 else (text, prec)
        return str(n), _ATOM

    def operand(self, e: Any, at_least: int, entrywise: Any = None, over: Any = None) -> str:
        text, prec = self.show(e, entrywise, over)
        if prec < at_least:
            return rf"\left({text}\right)" if self.latex else f"({text})"
        return text

    def transpose(self, inner: Any) -> tuple[str, int]:
        if isinstance(inner, sp.Inverse):
            return self.inverse(self.operand(inner.arg, _POWER), transposed=True), _POWER
        if isinstance(inner, Differential) and isinstance(inner.arg, sp.MatrixSymbol):
            # (dx)ᵀ, as the texts write a transposed differential.
            return self.transposed(self.operand(inner, _ATOM + 1)), _POWER
        return self.transposed(self.operand(inner, _POWER + 1)), _POWER

    def pow(self, e: sp.Pow, entrywise: Any, over: Any) -> tuple[str, int]:
        base, exponent = e.args
        if exponent == -1 and not self.latex:
            return f"1/{self.operand(base, _POWER, entrywise, over)}", _PRODUCT
        if exponent == -1:
            return rf"\frac{{1}}{{{self.show(base, entrywise, over)[0]}}}", _ATOM
        if exponent == sp.Rational(1, 2):
            inner = self.show(base, entrywise, over)[0]
            return (
                rf"\sqrt{{{inner}}}"
                if self.latex
                else f"sqrt({inner})"
                if self.ascii
                else f"√({inner})"
            ), _ATOM
        if (
            isinstance(base, sp.Function)
            and exponent.is_Integer
            and exponent > 0
            and not self.ascii
        ):
            # tanh²(z), as the texts write a function's power.
            called = self.function(base, entrywise, over)
            head, _, rest = called.partition("(" if not self.latex else r"\left(")
            sep = "(" if not self.latex else r"\left("
            return self.power(head, exponent) + sep + rest, _ATOM
        return self.power(self.operand(base, _POWER + 1, entrywise, over), exponent), _POWER

    def function(self, e: sp.Function, entrywise: Any, over: Any) -> str:
        cls = type(e)
        named = _FUNCTION_NAMES.get(self.style, {}).get(cls)
        if named is None:
            named = (
                "\\" + cls.__name__
                if self.latex and cls in (sp.exp, sp.log, sp.tanh, sp.sin, sp.cos, sp.sinh, sp.cosh)
                else cls.__name__
            )
            if cls is sp.Abs:
                named = "abs"
        if cls is sp.Heaviside:
            # relu′ = H, the step (0 at 0, as PyTorch chooses), as the scalar notation names it.
            named = {"text": "H", "ascii": "heaviside", "latex": r"\operatorname{H}"}[self.style]
        shown = e.args[:1] if cls is sp.Heaviside else e.args
        args = [self.show(a, entrywise, over)[0] for a in shown]
        return self.call(named, args)

    def sum(self, terms: list[Any], entrywise: Any, over: Any) -> tuple[str, int]:
        if terms and all(not is_matrix(t) for t in terms):
            # σ(wᵀx) − y, not −y + σ(wᵀx): a sum of scalars leads with a term that is not
            # negative, where it has one (a sum of matrices keeps its order: diag(p) − ppᵀ).
            first = next((t for t in terms if not t.could_extract_minus_sign()), None)
            if first is not None:
                terms = [first, *(t for t in terms if t is not first)]
        out = ""
        for k, term in enumerate(terms):
            text, prec = self.show(term, entrywise, over)
            negative = text.startswith(self.minus()) and prec in (_NEGATIVE, _PRODUCT)
            if negative:
                body = text[len(self.minus()) :]
                out += (f" {self.minus()} " if k else self.minus()) + body
            else:
                out += (" + " if k else "") + text
        return out, _SUM

    def product(self, factors: list[Any], entrywise: Any, over: Any) -> tuple[str, int]:
        scalars = [f for f in factors if not is_matrix(f)]
        matrices = [f for f in factors if is_matrix(f)]
        coefficient = sp.Mul(*scalars) if scalars else sp.Integer(1)
        negative = coefficient.could_extract_minus_sign() if scalars else False
        if isinstance(coefficient, sp.Add) and not all(
            t.could_extract_minus_sign() for t in coefficient.args
        ):
            negative = False  # (σ(wᵀx) − y)x, not −(y − σ(wᵀx))x
        if negative:
            coefficient = -coefficient
        parts: list[str] = []
        kinds: list[bool] = []  # whether each part is a differential, set apart by spaces
        if entrywise is not None and not matrices:
            # Inside an elementwise function's body a product is entry by entry: σ(z) ⊙ (1 − σ(z)).
            factors_ = list(coefficient.args) if isinstance(coefficient, sp.Mul) else [coefficient]
            pieces = [self.operand(f, _PRODUCT + 1, entrywise, over) for f in _ordered(factors_)]
            text = (
                self.hadamard().join(pieces)
                if over is not None and is_matrix(over) and over.shape != (1, 1)
                else self.join(pieces)
            )
            if negative:
                return self.minus() + text, _NEGATIVE
            return text, _PRODUCT
        if coefficient != 1:
            numerator, denominator = sp.fraction(coefficient)
            if coefficient.is_Rational and not coefficient.is_Integer and not self.latex:
                parts.append(f"({self.number(coefficient)[0]})")
            elif denominator != 1 and numerator.is_Number and not self.latex:
                over_ = self.operand(denominator, _POWER)
                parts.append(f"({self.number(numerator)[0]}/{over_})")
            elif denominator != 1 and numerator.is_Number:
                parts.append(
                    rf"\frac{{{self.number(numerator)[0]}}}{{{self.show(denominator)[0]}}}"
                )
            elif isinstance(coefficient, sp.Mul):
                parts.extend(
                    self.operand(f, _PRODUCT + 1) for f in _ordered(list(coefficient.args))
                )
            else:
                parts.append(self.operand(coefficient, _PRODUCT + 1))
        kinds.extend(False for _ in parts)
        alone = coefficient == 1 and negative and len(matrices) == 1
        parts.extend(self.operand(m, _PRODUCT if alone else _PRODUCT + 1) for m in matrices)
        kinds.extend(_has_differential(m) for m in matrices)
        text = self.join(parts, kinds) if parts else "1"
        if negative:
            return self.minus() + text, _NEGATIVE
        return text, _PRODUCT

    def join(self, parts: list[str], kinds: list[bool] | None = None) -> str:
        """Juxtaposed, as the texts write a product; a space where two names would run
        together into one (W1 h) or where a differential stands (xᵀA dx)."""
        if self.latex:
            return r" ".join(parts)
        kinds = kinds or [False] * len(parts)
        out = parts[0]
        for k in range(1, len(parts)):
            left, right = parts[k - 1], parts[k]
            bare_d = kinds[k - 1] and not left.startswith("(")  # dW x, but (dx)ᵀAx
            apart = kinds[k] or bare_d or _needs_space(left, right, self.ascii)
            out += (" " if apart else "") + right
        return out


_PRINTERS = {
    "text": lambda: _Printer("text"),
    "ascii": lambda: _Printer("ascii", ascii=True),
    "latex": lambda: _Printer("latex", latex=True),
}


def _split_index(name: str) -> tuple[str, str, str]:
    head = name.rstrip("0123456789")
    return head, "", name[len(head) :]


def _ordered(factors: list[Any]) -> list[Any]:
    """As the texts order a product: numbers, then the constants of scalars alone ((1 − y)),
    then functions of the vectors and matrices, then their sums, so that σ(s)(1 − σ(s)) reads
    as the rule is stated and (1 − y) log(1 − σ(wᵀx)) as the loss is written."""

    def rank(f: Any) -> int:
        if isinstance(f, sp.Number):
            return 0
        if not any(isinstance(s, sp.MatrixSymbol) for s in f.free_symbols):
            return 1
        return 3 if isinstance(f, sp.Add) else 2

    return sorted(factors, key=rank)


def _has_differential(e: Any) -> bool:
    return isinstance(e, Differential) or (
        isinstance(e, sp.Transpose) and isinstance(e.arg, Differential)
    )


_DIGITS = "0123456789"


_LETTERS = re.compile(r"[A-Za-zα-ωΑ-Ω]+")


def _needs_space(left: str, right: str, ascii: bool) -> bool:
    last, first = left[-1:], right[:1]
    if ascii:
        # 2W^T (W x - y): a space between factors, none after a number that leads.
        return not (left.isdigit() or left.startswith("(") and left.endswith(")") and "/" in left)
    if first == "(" or last == ")":
        return False
    if last in _DIGITS and first not in _DIGITS and left[:1] in _DIGITS:
        return False
    # Two names side by side: one letter each reads as a product (Wx, ppᵀ); a longer run of
    # letters (a function, a long name) needs a gap, or it would read as one name.
    tail = _LETTERS.findall(left)
    head = _LETTERS.match(right)
    return bool(tail and len(tail[-1]) > 1 and left.endswith(tail[-1])) or bool(
        head and len(head.group()) > 1
    )
