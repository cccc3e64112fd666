"""Linear maths notation as a person writes it: 2x·cos(x²), e^(−x), σ(x)·(1 − σ(x)).

One printer serves the text and rich formats (Unicode, with an ASCII fallback for terminals that
cannot show it). What it prints can be typed back into derivtutor: the parser reads ², −, · and
the function names used here.

``typed=True`` keeps the order in which the user wrote sums and products; results of
differentiation are printed in the usual polynomial order instead.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from types import MappingProxyType
from typing import Literal

import sympy as sp
from sympy.core.function import AppliedUndef

from derivtutor.language.functions import relu, sigmoid, softplus
from derivtutor.language.parse import log_base
from derivtutor.language.scan import SUPERSCRIPTS
from derivtutor.language.vocabulary import GREEK_LETTERS, PARAMETERS

# The reverse of the scanner's table, which reads x² as x^2: what we print can be typed back.
SUPERSCRIPT = str.maketrans({v: k for k, v in SUPERSCRIPTS.items() if v in "0123456789-"})
_SUBSCRIPT = str.maketrans("0123456789ijkn", "₀₁₂₃₄₅₆₇₈₉ᵢⱼₖₙ")

_NAMES = {
    sp.log: "ln",
    sp.asin: "arcsin",
    sp.acos: "arccos",
    sp.atan: "arctan",
    sp.acot: "arccot",
    sp.asec: "arcsec",
    sp.acsc: "arccsc",
    sp.asinh: "arsinh",
    sp.acosh: "arcosh",
    sp.atanh: "artanh",
    sp.acoth: "acoth",
    sp.asech: "asech",
    sp.acsch: "acsch",
    sp.sign: "sign",
    relu: "relu",
    softplus: "softplus",
}

# Powers of these print as a textbook does: sin²(x), tanh²(x).
_POWER_BEFORE_ARGUMENT = (
    sp.sin,
    sp.cos,
    sp.tan,
    sp.cot,
    sp.sec,
    sp.csc,
    sp.sinh,
    sp.cosh,
    sp.tanh,
    sp.coth,
    sp.sech,
    sp.csch,
)

_ADD, _MUL, _POW, _ATOM = 1, 2, 4, 5

Typed = bool | Literal["powers"]

# theta -> θ: the reverse of the whitelist's reading of θ, plus SymPy's spelling of λ.
_GREEK_LETTERS = {
    name: letter for letter, name in GREEK_LETTERS.items() if letter.islower() and name != "sigma"
}
_GREEK_LETTERS["lamda"] = "λ"


class Notation:
    """Print SymPy expressions in linear notation, in Unicode or plain ASCII."""

    def __init__(self, *, ascii: bool = False) -> None:
        self.ascii = ascii
        self.minus = "-" if ascii else "−"
        self.times = "*" if ascii else "·"

    def show(self, expr: sp.Expr, *, typed: Typed = False, grouped: bool = False) -> str:
        """expr in linear notation; ``grouped`` puts a sum, product or fraction in parentheses,
        for an expression that is about to be multiplied. ``typed="powers"`` also keeps the
        order, and shows negative powers as powers (a rewrite of 2/x into 2x⁻¹)."""
        text, prec = self._prec(expr, typed)
        if grouped and (prec <= _ADD or _is_fraction(expr) or text.startswith(self.minus)):
            return f"({text})"
        return text

    # --- dispatch ---------------------------------------------------------------------------

    def _print(self, e: sp.Basic, typed: Typed) -> str:
        return self._prec(e, typed)[0]

    def _wrap(self, e: sp.Basic, typed: Typed, level: int) -> str:
        """e printed, in parentheses if it binds more loosely than ``level``."""
        text, prec = self._prec(e, typed)
        return f"({text})" if prec < level else text

    def _prec(self, e: sp.Basic, typed: Typed) -> tuple[str, int]:
        if isinstance(e, sp.UnevaluatedExpr):
            # A result placed inside the user's expression: printed in its own order.
            return self._prec(e.args[0], False)
        if isinstance(e, sp.Ne):
            ne = "!=" if self.ascii else "≠"
            return f"{self._print(e.lhs, typed)} {ne} {self._print(e.rhs, typed)}", 0
        if isinstance(e, sp.Add):
            return self._add(e, typed), _ADD
        if isinstance(e, sp.Mul):
            return self._mul(e, typed)
        if isinstance(e, sp.Pow):
            return self._pow(e, typed)
        if isinstance(e, sp.exp):
            return self._exp(e.args[0], typed), _POW
        if isinstance(e, sp.Rational) and not isinstance(e, sp.Integer):
            sign = self.minus if e.p < 0 else ""
            return f"{sign}{abs(e.p)}/{e.q}", _MUL
        if isinstance(e, sp.Number):
            if e.is_negative:
                return self.minus + self._number(-e), _MUL
            return self._number(e), _ATOM
        if isinstance(e, sp.Symbol):
            return self._symbol(e.name), _ATOM
        if isinstance(e, sp.Indexed):
            # z[i] is zᵢ, p[j] is pⱼ: the index notation of the softmax derivation.
            index = "".join(self._index(a) for a in e.indices)
            return f"{self._symbol(str(e.base))}{index}", _ATOM
        if isinstance(e, sp.KroneckerDelta):
            name = "delta_" if self.ascii else "δ"
            return name + "".join(self._index(a) for a in e.args), _ATOM
        if isinstance(e, sp.Sum):
            (index, _low, _high), *_ = e.limits
            sigma = "sum_" if self.ascii else "Σ"
            return f"{sigma}{self._index(index)} {self._wrap(e.function, typed, _MUL)}", _MUL
        if e == sp.E:
            return "e", _ATOM
        if e == sp.pi:
            return "pi" if self.ascii else "π", _ATOM
        if isinstance(e, sp.Abs):
            return f"|{self._print(e.args[0], typed)}|", _ATOM
        if isinstance(e, sp.Heaviside):
            name = "heaviside" if self.ascii else "H"  # ASCII output can be typed back in
            return f"{name}({self._print(e.args[0], typed)})", _ATOM
        if isinstance(e, sigmoid):
            name = "sigmoid" if self.ascii else "σ"
            return f"{name}({self._print(e.args[0], typed)})", _ATOM
        if isinstance(e, AppliedUndef):
            return self._symbol(e.func.__name__), _ATOM  # y(x) is written y
        if isinstance(e, sp.Derivative) and isinstance(e.expr, AppliedUndef):
            (var, count), *_ = e.variable_count
            order = "" if count == 1 else str(count)
            name = self._symbol(e.expr.func.__name__)
            return f"d{order}{name}/d{self._print(var, typed)}{order}", _ATOM
        if isinstance(e, sp.Derivative):
            (var, count), *_ = e.variable_count
            order = "" if count == 1 else str(count)
            return (
                f"d{order}/d{self._print(var, typed)}{order} [{self._print(e.expr, typed)}]",
                _ATOM,
            )
        if isinstance(e, sp.log) and isinstance(e.args[0], sp.Abs):
            return f"ln{self._print(e.args[0], typed)}", _ATOM  # ln|x|, as books write it
        if isinstance(e, sp.Function):
            name = _NAMES.get(e.func, e.func.__name__)
            args = ", ".join(self._print(a, typed) for a in e.args)
            return f"{name}({args})", _ATOM
        return str(e), _ATOM

    # --- pieces ------------------------------------------------------------------------------

    def _index(self, index: sp.Basic) -> str:
        text = str(index)
        if self.ascii:
            return "_" + text
        return text.translate(_SUBSCRIPT)

    def _number(self, n: sp.Number) -> str:
        if isinstance(n, sp.Float):
            return f"{float(n):.15g}"  # every digit written (0.044715), none invented
        return str(n)

    def _symbol(self, name: str) -> str:
        if self.ascii:
            return name
        stem, index = name, ""
        if "_" in name:
            stem, index = name.split("_", 1)
        else:
            cut = len(name.rstrip("0123456789"))
            stem, index = name[:cut], name[cut:]
        stem = _GREEK_LETTERS.get(stem, stem)
        if stem[:1].isupper() and stem.lower() in _GREEK_LETTERS:
            stem = _GREEK_LETTERS[stem.lower()].upper()
        if index.isdigit():
            return stem + index.translate(_SUBSCRIPT)
        return stem + ("_" + index if index else "")

    def _exp(self, arg: sp.Basic, typed: Typed) -> str:
        text, prec = self._prec(arg, typed)
        # e^2 and e^x, but e^(1/2) and e^(0.5·x): a fraction's slash binds looser than ^.
        if (arg.is_Symbol or arg.is_Integer or arg.is_Float) and not text.startswith(self.minus):
            return f"e^{text}"
        return f"e^({text})"

    def _add(self, e: sp.Add, typed: Typed) -> str:
        written = _WRITTEN.get()
        if typed:
            # A sum built in the engine's order (cos(x) + 1) that the user wrote as 1 + cos(x).
            terms = (written and written.get(sp.Add(*e.args))) or list(e.args)
        else:
            terms = written.get(e) or printed_order(e)
        out = ""
        for i, term in enumerate(terms):
            negative, magnitude = _split_sign(term)
            text = self._wrap(magnitude, typed, _MUL) if negative else self._print(term, typed)
            if i == 0:
                out = (self.minus if negative else "") + text
            else:
                out += f" {self.minus} {text}" if negative else f" + {text}"
        return out

    def _mul(self, e: sp.Mul, typed: Typed) -> tuple[str, int]:
        negative, magnitude = _split_sign(e)
        if negative:
            text, prec = self._prec(magnitude, typed)
            if prec <= _ADD:
                text = f"({text})"
            return self.minus + text, _MUL
        if not isinstance(magnitude, sp.Mul):
            return self._prec(magnitude, typed)
        log_base_parts = log_base(magnitude) if isinstance(magnitude, sp.Mul) else None
        if log_base_parts is not None:
            argument, base = log_base_parts
            if base.is_Integer and not self.ascii:
                return f"log{self._subscript(int(base))}({self._print(argument, typed)})", _ATOM
            return f"log({self._print(argument, typed)}, {self._print(base, typed)})", _ATOM
        numerator, denominator = _fraction_parts(magnitude, typed)
        if len(numerator) == 1:
            top = self._wrap(numerator[0], typed, _MUL)
        else:
            top = self._product(numerator, typed)
        if not denominator:
            return top, _MUL
        if len(denominator) == 1:
            bottom = self._wrap(denominator[0], typed, _POW)
        else:
            bottom = f"({self._product(denominator, typed)})"
        return f"{top}/{bottom}", _MUL

    def _product(self, factors: list[sp.Basic], typed: Typed) -> str:
        if not factors:
            return "1"
        if not typed:
            factors = sorted(factors, key=factor_rank)
        out = ""
        previous: sp.Basic | None = None
        for factor in factors:
            text, prec = self._prec(factor, typed)
            bare = factor.args[0] if isinstance(factor, sp.UnevaluatedExpr) else factor
            plain_product = isinstance(bare, sp.Mul) and "/" not in text
            negative_inside = previous is not None and text.startswith(self.minus)
            if (prec <= _MUL and not plain_product) or negative_inside:
                text = f"({text})"
            if previous is None:
                out = text
            elif previous.is_Number and _juxtaposes(factor, text):
                out += text
            else:
                out += self.times + text
            previous = factor
        return out

    def _pow(self, e: sp.Pow, typed: Typed) -> tuple[str, int]:
        base, exponent = e.args
        if exponent == sp.Rational(1, 2):
            inner, prec = self._prec(base, typed)
            root = "sqrt" if self.ascii else "√"
            # A root binds like a power: (√x)², e^(√x).
            return (
                f"{root}{inner}" if prec >= _ATOM and not self.ascii else f"{root}({inner})"
            ), _POW
        if exponent.is_Number and exponent.is_negative and not typed:
            # Unevaluated: SymPy would split √((x² + 1)/(x² − 1)) into two roots.
            flipped = sp.Pow(base, -exponent, evaluate=not isinstance(base, sp.Mul))
            return f"1/{self._wrap(flipped, typed, _POW)}", _MUL
        if (
            exponent.is_Integer
            and exponent > 0
            and isinstance(base, _POWER_BEFORE_ARGUMENT)
            and not self.ascii
        ):
            name = _NAMES.get(base.func, base.func.__name__)
            arg = self._print(base.args[0], typed)
            return f"{name}{self._superscript(exponent)}({arg})", _POW
        base_text, base_prec = self._prec(base, typed)
        # ln|x| to a power is (ln|x|)²: ln|x|² would read as ln(|x|²).
        bars = isinstance(base, sp.log) and isinstance(base.args[0], sp.Abs)
        if base_prec <= _POW or base_text.startswith(self.minus) or bars:
            base_text = f"({base_text})"
        if exponent.is_Integer and not self.ascii:
            return base_text + self._superscript(exponent), _POW
        exp_text, exp_prec = self._prec(exponent, typed)
        if exp_prec < _ATOM or exp_text.startswith(self.minus) and not exponent.is_Integer:
            exp_text = f"({exp_text})"
        return f"{base_text}^{exp_text}", _POW

    def _superscript(self, n: sp.Integer) -> str:
        return str(n).translate(SUPERSCRIPT)

    def _subscript(self, n: int) -> str:
        return str(n).translate(_SUBSCRIPT)


# The sums of the function being printed, in the order the user wrote them (see written_order).
_NONE: Mapping[sp.Expr, list[sp.Expr]] = MappingProxyType({})
_WRITTEN: ContextVar[Mapping[sp.Expr, list[sp.Expr]]] = ContextVar("written", default=_NONE)


@contextmanager
def written_order(typed: sp.Expr) -> Iterator[None]:
    """While printing the derivation of ``typed``, each of its sums that reappears in a result
    keeps the order the user wrote: σ(t₀ + t₁·x), not σ(t₁·x + t₀), and −t₀ − t₁·x for
    −(t₀ + t₁·x). A sum the user did not write is printed in the textbook order as always."""
    token = _WRITTEN.set({**_WRITTEN.get(), **written_sums(typed)})
    try:
        yield
    finally:
        _WRITTEN.reset(token)


def written_terms(e: sp.Add) -> list[sp.Expr] | None:
    """e's terms in the order the user wrote them, while written_order is in force."""
    return _WRITTEN.get().get(e)


def written_sums(typed: sp.Expr) -> dict[sp.Expr, list[sp.Expr]]:
    """Each sum in ``typed`` (built unevaluated by the parser), as SymPy evaluates it, mapped
    to its terms in the written order; the negated sum too."""
    sums: dict[sp.Expr, list[sp.Expr]] = {}
    for node in sp.preorder_traversal(typed):
        if not isinstance(node, sp.Add) or not node.free_symbols:
            continue
        terms = [t.doit() for t in node.args]
        for sign in (1, -1):
            signed = [sign * t for t in terms]
            value = sp.Add(*signed)
            # Only where evaluating kept every term: x + 2x is 3x, with no order to keep.
            if isinstance(value, sp.Add) and sorted(map(str, value.args)) == sorted(
                map(str, signed)
            ):
                sums.setdefault(value, signed)
    return sums


def printed_order(e: sp.Add) -> list[sp.Expr]:
    """A sum's terms in the order they are printed: higher degree first, and a positive term
    leading, as a textbook writes 2x·cos(x) − x²·sin(x), not −x²·sin(x) + ..."""
    terms: list[sp.Expr] = sorted(e.as_ordered_terms(), key=_degree_first)
    if _split_sign(terms[0])[0]:
        first_positive = next((t for t in terms if not _split_sign(t)[0]), None)
        if first_positive is not None:
            terms.remove(first_positive)
            terms.insert(0, first_positive)
    return terms


def as_printed(expr: sp.Expr, terms: list[sp.Expr] | None = None) -> sp.Expr:
    """expr with its top-level sum in printed order, unevaluated: the next order of a
    derivative starts from 3x² − 4 as it was printed, not SymPy's −4 + 3x². ``terms``: the
    order to use instead (a sum's terms as the function's were written)."""
    if terms is not None:
        return sp.Add(*(_factors_printed(t) for t in terms), evaluate=False)
    if not isinstance(expr, sp.Add):
        return expr
    return sp.Add(*(_factors_printed(t) for t in printed_order(expr)), evaluate=False)


def _factors_printed(term: sp.Expr) -> sp.Expr:
    """A product's factors in the order they are printed: sec(x)·tan²(x)."""
    if not isinstance(term, sp.Mul):
        return term
    return sp.Mul(*sorted(term.args, key=factor_rank), evaluate=False)


def _degree_first(term: sp.Basic) -> int:
    """Higher degree first, as a textbook writes w·x + b − y (SymPy orders b + w·x − y)."""
    degree = 0
    for factor in sp.Mul.make_args(term):
        base, exponent = factor.as_base_exp()
        if isinstance(base, sp.Symbol) and exponent.is_Integer:
            degree += int(exponent)
    return -degree


def _is_fraction(e: sp.Basic) -> bool:
    """True when e prints as a/b at its top level."""
    if isinstance(e, sp.UnevaluatedExpr):
        return _is_fraction(e.args[0])
    if isinstance(e, sp.Rational):
        return not isinstance(e, sp.Integer)
    if isinstance(e, sp.Pow):
        return bool(e.exp.is_negative)
    return isinstance(e, sp.Mul) and any(_is_fraction(f) for f in e.args)


def _split_sign(e: sp.Basic) -> tuple[bool, sp.Basic]:
    """(True, -e) when e is written with a leading minus, else (False, e)."""
    if isinstance(e, sp.UnevaluatedExpr):
        negative, magnitude = _split_sign(e.args[0])
        return negative, sp.UnevaluatedExpr(-e.args[0]) if negative else e
    if isinstance(e, sp.Number):
        return bool(e.is_negative), -e if e.is_negative else e
    if isinstance(e, sp.Mul):
        coefficient = e.args[0]
        if coefficient.is_Number and coefficient.is_negative:
            rest = e.args[1:]
            if coefficient == -1:
                magnitude = rest[0] if len(rest) == 1 else sp.Mul(*rest, evaluate=False)
            else:
                magnitude = sp.Mul(-coefficient, *rest, evaluate=False)
            return True, magnitude
    return False, e


def _fraction_parts(e: sp.Mul, typed: Typed) -> tuple[list[sp.Basic], list[sp.Basic]]:
    """Split a product into the factors above and below the line."""
    above: list[sp.Basic] = []
    below: list[sp.Basic] = []
    factors: list[sp.Basic] = []
    for factor in e.args:
        # (1/x)·(1/(1 + x)) prints as 1/(x·(1 + x)), not 1/x/(1 + x).
        nested = isinstance(factor, sp.Mul) and not _split_sign(factor)[0]
        # A nested 1 is the numerator of the user's 1/x: (1/x)·ln(1 + x) is ln(1 + x)/x.
        factors.extend((a for a in factor.args if a != 1) if nested else (factor,))
    for factor in factors:
        if (typed == "powers" and factor.is_Pow) or (typed and factor.is_Rational):
            # A rewrite into powers shows 2x⁻¹, not 2/x; a typed (5/3)·x stays as typed.
            above.append(factor)
        elif typed and isinstance(factor, sp.Pow) and factor.exp != -1:
            above.append(factor)  # the user wrote x^-3 as a power, not a division
        elif isinstance(factor, sp.Pow) and factor.exp.is_Number and factor.exp.is_negative:
            exponent = -factor.exp
            flipped = sp.Pow(factor.base, exponent, evaluate=not isinstance(factor.base, sp.Mul))
            below.append(factor.base if exponent == 1 else flipped)
        elif isinstance(factor, sp.Rational) and not isinstance(factor, sp.Integer):
            if factor.p != 1:
                above.append(sp.Integer(factor.p))
            below.insert(0, sp.Integer(factor.q))
        else:
            above.append(factor)
    if not typed or below:
        # A 1 the user typed stays only as a numerator on its own: 1/(1 + e^(−x)), but
        # (1/a)·arctan(x/a) is arctan(x/a)/a.
        above = [f for f in above if f != 1]
    above = above or [sp.Integer(1)]
    return above, below


# sin·cos, sec·tan, csc·cot: the order of the derivative table.
_FUNCTION_ORDER = {f: i for i, f in enumerate((sp.sin, sp.cos, sp.sec, sp.csc, sp.tan, sp.cot))}


def factor_rank(factor: sp.Basic) -> tuple[int, int, int, str]:
    """The order a textbook writes factors in: numbers and constants, powers of variables
    (alphabetically), functions (simpler first, sin before cos), exponentials, then sums:
    3π·x²·y·sin(x³)·cos(cos(x³))·e^x·(x + 1)."""
    base = factor.base if isinstance(factor, sp.Pow) else factor
    if factor.is_Number or base.is_NumberSymbol or base == sp.E:
        return (0, 0, 0, "")
    if isinstance(factor, sp.Pow) and base.is_Number and factor.exp.is_Number:
        return (0, 0, 0, "")  # 2¹⁰⁰ kept as a power: 2¹⁰⁰·e^(2x)
    if isinstance(base, AppliedUndef):
        return (1, 0, 0, base.func.__name__)  # y(x) is written, and ordered, as the letter y
    if isinstance(base, sp.Derivative):
        return (6, 0, 0, "")  # dy/dx last: 2y·dy/dx
    if not factor.free_symbols:
        return (5, 0, 0, str(factor))  # a constant such as ln(2) goes last: 2^x·ln(2)
    if isinstance(base, sp.Symbol):
        return (1, 0, 0, base.name)
    if isinstance(base, sp.Add):
        if all(isinstance(s, sp.Symbol) and s.name in PARAMETERS for s in base.free_symbols):
            return (0, 1, 0, str(base))  # a constant factor leads: (a + b)·cos(x)
        return (4, 0, 0, "")
    if isinstance(base, sp.exp) or (isinstance(factor, sp.Pow) and factor.exp.free_symbols):
        return (3, 0, 0, "")
    depth = _depth(base)
    return (2, depth, _FUNCTION_ORDER.get(base.func, len(_FUNCTION_ORDER)), str(base.func))


def _depth(e: sp.Basic) -> int:
    """How deeply functions are nested in e: sin(x³) is 1, cos(cos(x³)) is 2."""
    own = 1 if isinstance(e, sp.Function) else 0
    return own + max((_depth(a) for a in e.args), default=0)


def _juxtaposes(factor: sp.Basic, text: str) -> bool:
    """After a number, write 2x and 3x² with no sign between (but 2·(x + 1), 2·sin(x))."""
    base = factor.base if isinstance(factor, sp.Pow) else factor
    return isinstance(base, (sp.Symbol, AppliedUndef)) and not text.startswith("(")
