"""Render tests against exact text: what a student reads, frozen line by line.

Each expected string was read as a student would before it was frozen (see the notes beside
them). A change in wording, numbering, layout or final form shows up here as a diff.
"""

from __future__ import annotations

import io
import re

import pytest
import sympy as sp
from rich.console import Console

from derivtutor import differentiate
from derivtutor.language import notation
from derivtutor.language.functions import relu, sigmoid, softplus
from derivtutor.practice.bank import load_bank
from derivtutor.practice.problem import Problem
from derivtutor.render.formats import latex, rich, text

# --- text: whole derivations ---------------------------------------------------------------------

# Reads well: every rule named, u₁ explicit, and the σ(x)·(1 − σ(x)) form a course writes.
SIGMOID = """\
d/dx [1/(1 + e^(−x))]

1. Power form: 1/(1 + e^(−x)) = (1 + e^(−x))⁻¹
     a constant over a power: the power rule, not the quotient rule
   1.1 Chain rule, with u₁ = 1 + e^(−x):
         d/dx [u₁⁻¹] = (−1/u₁²) · du₁/dx
       1.1.1 Power rule (d/du uⁿ = n·uⁿ⁻¹): d/du₁ [u₁⁻¹] = −u₁⁻² = −1/u₁²
       1.1.2 Sum rule: du₁/dx = d/dx [1 + e^(−x)] = d/dx [1] + d/dx [e^(−x)]
             1.1.2.1 Constant rule: d/dx [1] = 0
             1.1.2.2 Chain rule, with u₂ = −x:
                       d/dx [e^u₂] = e^u₂ · du₂/dx
                     1.1.2.2.1 Exponential rule: d/du₂ [e^u₂] = e^u₂
                     1.1.2.2.2 Constant multiple rule: du₂/dx = d/dx [−x] = −d/dx [x]
                               1.1.2.2.2.1 Variable rule: d/dx [x] = 1
                               so du₂/dx = −1
                     so d/dx [e^(−x)] = e^(−x) · (−1) = −e^(−x)
             so du₁/dx = −e^(−x)
       so d/dx [1/(1 + e^(−x))] = (−1/(1 + e^(−x))²) · (−e^(−x)) = e^(−x)/(1 + e^(−x))²

Result: d/dx [1/(1 + e^(−x))] = e^(−x)/(1 + e^(−x))²
                              = σ(x)·(1 − σ(x))    since σ(x) = 1/(1 + e^(−x)) and 1 − σ(x) = e^(−x)/(1 + e^(−x))
"""  # noqa: E501

QUOTIENT = """\
d/dx [(x² + 1)/(x − 1)]

1. Quotient rule, with f = x² + 1 and g = x − 1:
     d/dx [f/g] = (f'·g − f·g')/g²
   1.1 Sum rule: f' = d/dx [x² + 1] = d/dx [x²] + d/dx [1]
       1.1.1 Power rule (d/dx xⁿ = n·xⁿ⁻¹): d/dx [x²] = 2x
       1.1.2 Constant rule: d/dx [1] = 0
       so f' = 2x
   1.2 Sum rule: g' = d/dx [x − 1] = d/dx [x] + d/dx [−1]
       1.2.1 Variable rule: d/dx [x] = 1
       1.2.2 Constant rule: d/dx [−1] = 0
       so g' = 1
   so d/dx [(x² + 1)/(x − 1)] = (2x·(x − 1) − (x² + 1)·1)/(x − 1)²
   = (x² − 2x − 1)/(x − 1)²    (multiply out the numerator)

Result: d/dx [(x² + 1)/(x − 1)] = (x² − 2x − 1)/(x − 1)²
"""  # noqa: E501

# Each chain step ends by putting u back ((1/cos(x²))·(−2x·sin(x²))), and the Result shows the
# raw form before the tan form, naming the identity, so there is no unexplained jump.
LOG_COS = """\
d/dx [ln(cos(x²))]

1. Chain rule, with u₁ = cos(x²):
     d/dx [ln(u₁)] = (1/u₁) · du₁/dx
   1.1 Log rule: d/du₁ [ln(u₁)] = 1/u₁
   1.2 Chain rule, with u₂ = x²:
         d/dx [cos(u₂)] = (−sin(u₂)) · du₂/dx
       1.2.1 Trig rule: d/du₂ [cos(u₂)] = −sin(u₂)
       1.2.2 Power rule (d/dx xⁿ = n·xⁿ⁻¹): du₂/dx = d/dx [x²] = 2x
       so du₁/dx = (−sin(x²)) · 2x = −2x·sin(x²)
   so d/dx [ln(cos(x²))] = (1/cos(x²)) · (−2x·sin(x²)) = −2x·sin(x²)/cos(x²)

Result: d/dx [ln(cos(x²))] = −2x·sin(x²)/cos(x²)
                           = −2x·tan(x²)    (since sin/cos = tan)
"""

# Factors in textbook order: powers of x, then the simpler function first.
SIN_COS = """\
d/dx [sin(cos(x³))]

1. Chain rule, with u₁ = cos(x³):
     d/dx [sin(u₁)] = cos(u₁) · du₁/dx
   1.1 Trig rule: d/du₁ [sin(u₁)] = cos(u₁)
   1.2 Chain rule, with u₂ = x³:
         d/dx [cos(u₂)] = (−sin(u₂)) · du₂/dx
       1.2.1 Trig rule: d/du₂ [cos(u₂)] = −sin(u₂)
       1.2.2 Power rule (d/dx xⁿ = n·xⁿ⁻¹): du₂/dx = d/dx [x³] = 3x²
       so du₁/dx = (−sin(x³)) · 3x² = −3x²·sin(x³)
   so d/dx [sin(cos(x³))] = cos(cos(x³)) · (−3x²·sin(x³)) = −3x²·sin(x³)·cos(cos(x³))

Result: d/dx [sin(cos(x³))] = −3x²·sin(x³)·cos(cos(x³))
"""

SIGMOID_ASCII = """\
d/dx [1/(1 + e^(-x))]

1. Power form: 1/(1 + e^(-x)) = (1 + e^(-x))^(-1)
     a constant over a power: the power rule, not the quotient rule
   1.1 Chain rule, with u1 = 1 + e^(-x):
         d/dx [u1^(-1)] = (-1/u1^2) * du1/dx
       1.1.1 Power rule (d/du u^n = n*u^(n-1)): d/du1 [u1^(-1)] = -u1^(-2) = -1/u1^2
       1.1.2 Sum rule: du1/dx = d/dx [1 + e^(-x)] = d/dx [1] + d/dx [e^(-x)]
             1.1.2.1 Constant rule: d/dx [1] = 0
             1.1.2.2 Chain rule, with u2 = -x:
                       d/dx [e^u2] = e^u2 * du2/dx
                     1.1.2.2.1 Exponential rule: d/du2 [e^u2] = e^u2
                     1.1.2.2.2 Constant multiple rule: du2/dx = d/dx [-x] = -d/dx [x]
                               1.1.2.2.2.1 Variable rule: d/dx [x] = 1
                               so du2/dx = -1
                     so d/dx [e^(-x)] = e^(-x) * (-1) = -e^(-x)
             so du1/dx = -e^(-x)
       so d/dx [1/(1 + e^(-x))] = (-1/(1 + e^(-x))^2) * (-e^(-x)) = e^(-x)/(1 + e^(-x))^2

Result: d/dx [1/(1 + e^(-x))] = e^(-x)/(1 + e^(-x))^2
                              = sigmoid(x)*(1 - sigmoid(x))    since sigmoid(x) = 1/(1 + e^(-x)) and 1 - sigmoid(x) = e^(-x)/(1 + e^(-x))
"""  # noqa: E501

PARTIAL = """\
∂/∂y [x²·y³]   (a partial derivative: x is held constant)

1. Constant multiple rule: ∂/∂y [x²·y³] = x² · ∂/∂y [y³]
   1.1 Power rule (∂/∂y yⁿ = n·yⁿ⁻¹): ∂/∂y [y³] = 3y²
   so ∂/∂y [x²·y³] = 3x²·y²

Result: ∂/∂y [x²·y³] = 3x²·y²
"""

SECOND_ORDER = """\
Order 1: d/dx [x³]

1. Power rule (d/dx xⁿ = n·xⁿ⁻¹): d/dx [x³] = 3x²

Result: d/dx [x³] = 3x²

Order 2: d²/dx² [x³] = d/dx [3x²]

1. Constant multiple rule: d/dx [3x²] = 3 · d/dx [x²]
   1.1 Power rule (d/dx xⁿ = n·xⁿ⁻¹): d/dx [x²] = 2x
   so d/dx [3x²] = 6x

Result: d²/dx² [x³] = 6x
"""


@pytest.mark.parametrize(
    ("expression", "options", "expected"),
    [
        ("1/(1+exp(-x))", {}, SIGMOID),
        ("(x^2+1)/(x-1)", {}, QUOTIENT),
        ("log(cos(x^2))", {}, LOG_COS),
        ("sin(cos(x^3))", {}, SIN_COS),
        ("x^2 y^3", {"wrt": "y"}, PARTIAL),
        ("x^3", {"order": 2}, SECOND_ORDER),
    ],
    ids=["sigmoid", "quotient", "log-cos-square", "sin-cos-cube", "partial", "second-order"],
)
def test_text_derivation_in_full(
    expression: str, options: dict[str, object], expected: str
) -> None:
    """--detail full: every node on a line of its own, as before folding."""
    result = differentiate(expression, **options)  # type: ignore[arg-type]
    assert text.render_differentiation(result, detail="full") == expected


def test_text_derivation_ascii() -> None:
    rendered = text.render_differentiation(
        differentiate("1/(1+exp(-x))"), ascii=True, detail="full"
    )
    assert rendered == SIGMOID_ASCII
    assert rendered.isascii()


def test_chain_substitutions_are_numbered_once_each() -> None:
    """u₁ names the outer inner function and u₂ the next one down; neither is reused."""
    rendered = text.render_differentiation(differentiate("log(cos(x^2))"))
    assert rendered.count("Chain rule, with u₁ = cos(x²)") == 1
    assert rendered.count("Chain rule, with u₂ = x²") == 1
    assert "u₃" not in rendered


# --- notation: linear maths ----------------------------------------------------------------------

x, y = sp.symbols("x y", real=True)
theta = sp.Symbol("theta", real=True)
x1, z_2 = sp.Symbol("x1", real=True), sp.Symbol("z_2", real=True)
half = sp.Rational(1, 2)

NOTATION = [
    # (expression, Unicode, ASCII)
    (2 * x * sp.cos(x**2), "2x·cos(x²)", "2x*cos(x^2)"),
    (sp.exp(-x), "e^(−x)", "e^(-x)"),
    (sp.exp(x), "e^x", "e^x"),
    (sp.exp(2 * x), "e^(2x)", "e^(2x)"),
    (sp.exp(sp.sqrt(x)), "e^(√x)", "e^(sqrt(x))"),
    (sp.sin(x) ** 2, "sin²(x)", "sin(x)^2"),
    (sp.tanh(x) ** 2, "tanh²(x)", "tanh(x)^2"),
    (1 - sp.tanh(x) ** 2, "1 − tanh²(x)", "1 - tanh(x)^2"),
    (sp.sech(x) ** 2, "sech²(x)", "sech(x)^2"),
    (sp.atan(x) ** 3, "arctan(x)³", "arctan(x)^3"),
    (sp.asin(x), "arcsin(x)", "arcsin(x)"),
    (sp.sqrt(x**2 + 1), "√(x² + 1)", "sqrt(x^2 + 1)"),
    (sp.sqrt(x), "√x", "sqrt(x)"),
    (sp.Abs(x), "|x|", "|x|"),
    (sigmoid(x), "σ(x)", "sigmoid(x)"),
    (sigmoid(x) * (1 - sigmoid(x)), "σ(x)·(1 − σ(x))", "sigmoid(x)*(1 - sigmoid(x))"),
    (relu(x), "relu(x)", "relu(x)"),
    (softplus(x), "softplus(x)", "softplus(x)"),
    (sp.Heaviside(x), "H(x)", "heaviside(x)"),  # ASCII is what the parser reads back
    (sp.sign(x), "sign(x)", "sign(x)"),
    (-(x**2), "−x²", "-x^2"),
    (-2 * x * sp.sin(x**2), "−2x·sin(x²)", "-2x*sin(x^2)"),
    (x**2 - 2 * x - 1, "x² − 2x − 1", "x^2 - 2x - 1"),
    (-(x + 1), "−x − 1", "-x - 1"),
    (2 * (x + 1), "2x + 2", "2x + 2"),
    (1 / x, "1/x", "1/x"),
    (x**-2, "1/x²", "1/x^2"),
    (y / x, "y/x", "y/x"),
    (half * x, "x/2", "x/2"),
    (3 * x**2 / 2, "3x²/2", "3x^2/2"),
    (sp.Float(0.5) * x, "0.5x", "0.5x"),
    ((x**2 - 2 * x - 1) / (x - 1) ** 2, "(x² − 2x − 1)/(x − 1)²", "(x^2 - 2x - 1)/(x - 1)^2"),
    (sp.exp(-x) / (1 + sp.exp(-x)) ** 2, "e^(−x)/(1 + e^(−x))²", "e^(-x)/(1 + e^(-x))^2"),
    (1 / (x * (1 + x)), "1/(x·(x + 1))", "1/(x*(x + 1))"),
    (x ** sp.Rational(1, 3), "x^(1/3)", "x^(1/3)"),
    (sp.sqrt(x) ** 3, "x^(3/2)", "x^(3/2)"),
    (x**x, "x^x", "x^x"),
    (2**x, "2^x", "2^x"),
    (sp.log(x), "ln(x)", "ln(x)"),
    (sp.log(x) / sp.log(2), "ln(x)/ln(2)", "ln(x)/ln(2)"),
    (x * sp.sin(x) * sp.exp(x) * (x + 1), "x·sin(x)·e^x·(x + 1)", "x*sin(x)*e^x*(x + 1)"),
    (x**2 * y**3, "x²·y³", "x^2*y^3"),
    (theta**2, "θ²", "theta^2"),
    (x1 * z_2, "x₁·z₂", "x1*z_2"),
    (sp.E, "e", "e"),
    # Constants lead, as a textbook writes them.
    (sp.pi * x, "π·x", "pi*x"),
]


@pytest.mark.parametrize(("expr", "unicode", "plain"), NOTATION, ids=[u for _, u, _ in NOTATION])
def test_notation(expr: sp.Expr, unicode: str, plain: str) -> None:
    assert notation.Notation().show(expr) == unicode
    shown = notation.Notation(ascii=True).show(expr)
    assert shown == plain
    assert shown.isascii()


def _unevaluated_add(*terms: sp.Expr) -> sp.Expr:
    return sp.Add(*terms, evaluate=False)


TYPED = [
    # (expression as the user typed it, typed=True, typed=False)
    (_unevaluated_add(1, x**2), "1 + x²", "x² + 1"),
    (_unevaluated_add(3, -x), "3 − x", "3 − x"),
    (sp.Mul(x**2, x**3, evaluate=False), "x²·x³", "x²·x³"),
    (sp.Pow(x, -2, evaluate=False), "x⁻²", "1/x²"),
    (
        sp.Mul(1, sp.Pow(_unevaluated_add(1, sp.exp(-x)), -1, evaluate=False), evaluate=False),
        "1/(1 + e^(−x))",
        "1/(1 + e^(−x))",
    ),
]


@pytest.mark.parametrize(("expr", "typed", "untyped"), TYPED, ids=[t for _, t, _ in TYPED])
def test_notation_keeps_the_typed_order(expr: sp.Expr, typed: str, untyped: str) -> None:
    assert notation.Notation().show(expr, typed=True) == typed
    assert notation.Notation().show(expr) == untyped


@pytest.mark.parametrize(
    ("expr", "grouped"),
    [
        (x + 1, "(x + 1)"),
        (x / 2, "(x/2)"),
        (-(x**2), "(−x²)"),
        (sp.sin(x), "sin(x)"),
        # Variables in alphabetical order, as a textbook writes them.
        (x**2 * y, "x²·y"),
    ],
)
def test_notation_grouped(expr: sp.Expr, grouped: str) -> None:
    """grouped: a sum, fraction or negative term about to be multiplied gets parentheses."""
    assert notation.Notation().show(expr, grouped=True) == grouped


# --- LaTeX ---------------------------------------------------------------------------------------


def _braces_balance(tex: str) -> bool:
    depth = 0
    for token in re.findall(r"\\[{}]|[{}]", tex):
        if token in (r"\{", r"\}"):
            continue
        depth += 1 if token == "{" else -1
        if depth < 0:
            return False
    return depth == 0


def _text_runs(tex: str) -> list[str]:
    """The contents of every \\text{...}, which pdflatex sets in the text font."""
    runs = []
    for match in re.finditer(r"\\text\{", tex):
        depth, start = 1, match.end()
        i = start
        while depth:
            if tex[i] == "\\":
                i += 2
                continue
            depth += {"{": 1, "}": -1}.get(tex[i], 0)
            i += 1
        runs.append(tex[start : i - 1])
    return runs


def test_latex_sigmoid_is_an_align_block() -> None:
    tex = latex.render_differentiation(differentiate("1/(1+exp(-x))"))
    lines = tex.splitlines()
    begin, end = lines.index(r"\begin{align*}"), lines.index(r"\end{align*}")
    assert end == len(lines) - 1
    rows = lines[begin + 1 : end]
    assert len(rows) > 5
    assert all(row.startswith("&") for row in rows)
    assert all(row.endswith(r" \\") for row in rows[:-1])
    assert not rows[-1].endswith("\\")
    assert _braces_balance(tex)
    assert tex.isascii()
    # The result and its sigmoid form, as LaTeX rather than Unicode text.
    assert r"\frac{e^{- x}}{\left(1 + e^{- x}\right)^{2}}" in rows[-2]
    assert r"\sigma\left(x\right)" in rows[-1]


_q, _x = sp.symbols("q x")


@pytest.mark.parametrize(
    ("expr", "tex"),
    [
        # SymPy's printer hands a negative power to _print_Mul, whose args are then (q, -1):
        # read as factors it printed the false "q \cdot (-1)".
        (sp.Pow(_q, -1, evaluate=False), r"\frac{1}{q}"),
        (sp.Pow(_x, -2, evaluate=False), r"\frac{1}{x^{2}}"),
        (sp.Pow(_x, sp.Rational(-1, 2), evaluate=False), r"\frac{1}{\sqrt{x}}"),
        (sp.Mul(3, sp.Pow(_x, -1, evaluate=False), evaluate=False), r"\frac{3}{x}"),
    ],
)
def test_latex_typed_negative_powers(expr: sp.Expr, tex: str) -> None:
    assert latex.latex(expr, typed=True) == tex


@pytest.mark.parametrize(
    ("expression", "negative_term"),
    [
        ("x^3 sqrt(x + 1)/(x + 2)^2", r" - \frac{2}{x + 2}\right)"),
        ("(x^2 + 1)^3 (x - 1)^4/(x + 2)^5", r" - \frac{5}{x + 2}\right)"),
    ],
)
def test_latex_written_sum_inside_a_product_keeps_its_signs(
    expression: str, negative_term: str
) -> None:
    """y·(3/x + 1/(2(x + 1)) − 2/(x + 2)) of logarithmic differentiation: a sum in its written
    order inside a product prints "- 2/(x + 2)", never "+ -2/(x + 2)"."""
    tex = latex.render_differentiation(differentiate(expression))
    assert negative_term in tex
    assert "+ -" not in tex


@pytest.mark.parametrize(
    "problem", [p for p in load_bank(None).problems if not p.shapes][::4], ids=lambda p: p.id
)
def test_latex_bank_derivations_have_no_doubled_signs(problem: Problem) -> None:
    wrt = problem.variables[0] if problem.variables else None
    tex = latex.render_differentiation(differentiate(problem.function, wrt=wrt))
    assert "+ -" not in tex
    assert _braces_balance(tex)


@pytest.mark.parametrize(
    ("expression", "options"),
    [
        ("1/(1+exp(-x))", {}),
        ("relu(x)", {"at": "x=0"}),
        ("sigmoid(x)", {}),
        ("abs(x)", {}),
        ("tanh(x)", {}),
        ("softplus(x)", {}),
        ("x^x", {}),
        ("log(x, 2)", {}),
        ("theta^2", {}),
        ("x^2 y^3", {"wrt": "y", "at": "x=1,y=2"}),
        ("x^3", {"order": 2}),
    ],
)
def test_latex_text_is_plain_ascii(expression: str, options: dict[str, object]) -> None:
    """Outside maths only what pdflatex's default text font prints as itself: ASCII, and no
    < > | (which OT1 sets as ¡ ¿ and a dash)."""
    tex = latex.render_differentiation(differentiate(expression, **options))  # type: ignore[arg-type]
    assert tex.isascii()
    assert _braces_balance(tex)
    runs = _text_runs(tex)
    assert runs
    for run in runs:
        # Drop inline maths and escapes such as \^{} and \_, which print as themselves.
        outside_math = re.sub(r"\$[^$]*\$|\\[^a-zA-Z]|\\[a-zA-Z]+", "", run)
        assert not set(outside_math) & set("<>|^_~"), run


# --- Rich ----------------------------------------------------------------------------------------

_DRAWING = "│├└─╭╮╰╯"


@pytest.mark.parametrize("expression", ["e^(sin(x)^2)/(1+x^4)", "atan(x/(1+x^2))^3"])
def test_rich_wraps_long_lines_without_losing_them(expression: str) -> None:
    result = differentiate(expression)
    console = Console(file=io.StringIO(), width=60, color_system=None)
    console.print(rich.render_differentiation(result))
    out = console.file.getvalue()  # type: ignore[attr-defined]
    assert max(len(line) for line in out.splitlines()) <= 60
    assert "Result" in out
    # Wrapping only inserts line breaks, guides and borders: take them out and every piece
    # of the heading, the steps and the final result is there in full.
    flat = re.sub(rf"[\s{_DRAWING}]", "", out)
    shown = notation.Notation()
    with notation.written_order(result.expression):  # as the derivation prints them
        pieces = (shown.show(result.expression, typed=True), shown.show(result.derivative))
    for piece in (*pieces, "Quotientrule" if "/(1+x^4)" in expression else "Chainrule"):
        assert re.sub(r"\s", "", piece) in flat, piece


def test_rich_reads_no_markup_in_maths() -> None:
    """d/db [b] must not become a bold tag: maths reaches Rich as Text, never as markup."""
    console = Console(file=io.StringIO(), width=100, color_system=None)
    console.print(rich.render_differentiation(differentiate("b")))
    out = console.file.getvalue()  # type: ignore[attr-defined]
    assert "Variable rule: d/db [b] = 1" in out
    assert "d/db [b] = 1" in out.split("Result")[1]


def test_rich_ascii_uses_no_unicode() -> None:
    console = Console(file=io.StringIO(), width=80, color_system=None)
    console.print(rich.render_differentiation(differentiate("1/(1+exp(-x))"), ascii=True))
    out = console.file.getvalue()  # type: ignore[attr-defined]
    assert "sigmoid(x)*(1 - sigmoid(x))" in out
    # The tree guides and the panel are Rich's (it picks ASCII ones on an ASCII stream).
    assert re.sub(f"[{_DRAWING}]", "", out).isascii()


def test_a_chain_step_does_not_repeat_a_form_that_reads_the_same() -> None:
    out = text.render_differentiation(differentiate("e^(sin(x)^2)"))
    assert "so du₁/dx = 2·sin(x)·cos(x)\n" in out
    assert "2·sin(x) · cos(x) =" not in out


def test_results_inside_a_written_quotient_keep_their_own_order() -> None:
    out = text.render_differentiation(differentiate("e^(sin(x)^2)/(1+x^4)"))
    assert "(2·sin(x)·cos(x)·e^(sin²(x))·(1 + x⁴) − e^(sin²(x))·4x³)/(1 + x⁴)²" in out


# --- the rules' formulas in the derivation's own variable (issue 15 §3) ----------------------


@pytest.mark.parametrize(
    ("function", "wrt", "formula"),
    [
        ("t^2 sin(t)", "t", "d/dt [f·g] = f'·g + f·g'"),
        ("sin(t)/t", "t", "d/dt [f/g] = (f'·g − f·g')/g²"),
        ("theta^3", "theta", "Power rule (d/dθ θⁿ = n·θⁿ⁻¹)"),
        ("2^t", "t", "Exponential rule (d/dt aᵗ = aᵗ·ln(a))"),
        ("log(t, 2)", "t", "d/dt log_b(t) = 1/(t·ln(b))"),
        ("x^2 y^3 sin(y)", "y", "∂/∂y [f₁·g₁] = f₁'·g₁ + f₁·g₁'"),
        ("x^2 sin(x)", "x", "d/dx [f·g] = f'·g + f·g'"),
        # no letter of a formula is the problem's own, nor means two things
        ("n^3", "n", "Power rule (d/dn nᵏ = k·nᵏ⁻¹)"),
        ("x^a", "a", "Exponential rule (∂/∂a bᵃ = bᵃ·ln(b))"),
        ("f^2 sin(f)", "f", "Product rule, with p = f² and q = sin(f)"),
        ("sin(t)^3", "t", "Power rule (d/du uⁿ = n·uⁿ⁻¹): d/du₁ [u₁³]"),
    ],
)
def test_a_rules_formula_speaks_of_the_problems_variable(
    function: str, wrt: str, formula: str
) -> None:
    from derivtutor import differentiate
    from derivtutor.render.formats.text import render_differentiation

    text = render_differentiation(differentiate(function, wrt=wrt), detail="full")
    assert formula in text
    if wrt != "x":
        assert "d/dx" not in text and "∂/∂x" not in text


def test_a_rules_formula_in_latex_names_the_variable() -> None:
    from derivtutor import differentiate
    from derivtutor.render.show import show

    tex = show(differentiate("t^2 sin(t)"), "latex")
    assert r"\frac{d}{dt}\left[f g\right] = f' g + f g'" in tex
    assert r"\tfrac{d}{dt} t^n = n t^{n-1}" in tex


def test_a_power_of_ln_of_bars_is_bracketed() -> None:
    """ln|x|² would read as ln(|x|²)."""
    from derivtutor.language.notation import Notation
    from derivtutor.language.parse import parse

    written = Notation().show(parse("ln(abs(x))^2"))
    assert written == "(ln|x|)²"
    assert parse(written) == parse("ln(abs(x))^2")
