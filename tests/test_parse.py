"""Tests for the safe parser: what it accepts, what it refuses (and how it says so), its bounds,
and a property test that it raises InputError and nothing else."""

from __future__ import annotations

import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from derivtutor.errors import InputError
from derivtutor.language.functions import relu, sigmoid, softplus
from derivtutor.language.parse import MAX_DEPTH, MAX_LENGTH, parse, variable

x, y, z, b = (variable(n) for n in "xyzb")
theta, alpha, beta = (variable(n) for n in ("theta", "alpha", "beta"))
x1, z_2, w1 = (variable(n) for n in ("x1", "z_2", "w1"))


# --- accepted forms ------------------------------------------------------------------------------
#
# The parser keeps the user's structure (unevaluated SymPy trees), so each case is compared after
# doit(), which re-evaluates the tree, against the expected expression built the ordinary way.
# The comparison is structural (==), so it also checks that every symbol is real.

ACCEPTED: list[tuple[str, str, sp.Expr]] = [
    # implicit multiplication
    ("number-var", "2x", 2 * x),
    ("space-product", "x y", x * y),
    ("three-spaced", "x y z", x * y * z),
    ("paren-paren", "(x+1)(x-1)", (x + 1) * (x - 1)),
    ("number-paren", "2(x+1)", 2 * (x + 1)),
    ("var-paren", "x(x+1)", x * (x + 1)),
    ("chain-product", "2x cos(x^2)", 2 * x * sp.cos(x**2)),
    ("number-func", "3sin(x)", 3 * sp.sin(x)),
    ("func-func", "sin(x)cos(x)", sp.sin(x) * sp.cos(x)),
    ("paren-var", "(x+1)x", (x + 1) * x),
    # e, exp, pi
    ("e-power", "e^x", sp.exp(x)),
    ("e-alone", "e", sp.E),
    ("exp", "exp(x)", sp.exp(x)),
    ("e-neg-power", "e^-x", sp.exp(-x)),
    ("e-paren-power", "e^(2x)", sp.exp(2 * x)),
    ("e-neg-square", "e^-x^2", sp.exp(-(x**2))),
    ("pi", "pi", sp.pi),
    ("pi-symbol-times-x", "π x", sp.pi * x),
    ("two-pi-x", "2pi x", 2 * sp.pi * x),
    # trig, inverse trig, powers of functions
    ("sin-squared", "sin^2(x)", sp.sin(x) ** 2),
    ("cos-cubed", "cos^3(2x)", sp.cos(2 * x) ** 3),
    ("arcsin", "arcsin(x)", sp.asin(x)),
    ("asin", "asin(x)", sp.asin(x)),
    ("sin-inverse", "sin^-1(x)", sp.asin(x)),
    ("cos-inverse", "cos^-1(x)", sp.acos(x)),
    ("tanh-inverse", "tanh^-1(x)", sp.atanh(x)),
    ("arccos", "arccos(x)", sp.acos(x)),
    ("arctan", "arctan(x)", sp.atan(x)),
    ("atan", "atan(x)", sp.atan(x)),
    ("arccot", "arccot(x)", sp.acot(x)),
    ("arcsec", "arcsec(x)", sp.asec(x)),
    ("acsc", "acsc(x)", sp.acsc(x)),
    ("sec", "sec(x)", sp.sec(x)),
    ("csc", "csc(x)", sp.csc(x)),
    ("cot", "cot(x)", sp.cot(x)),
    ("tan", "tan(x)", sp.tan(x)),
    ("func-power-after", "sin(x)^2", sp.sin(x) ** 2),
    ("func-reciprocal", "sin(x)^-1", 1 / sp.sin(x)),
    # hyperbolic and inverse hyperbolic
    ("sinh", "sinh(x)", sp.sinh(x)),
    ("cosh", "cosh(x)", sp.cosh(x)),
    ("tanh", "tanh(x)", sp.tanh(x)),
    ("coth", "coth(x)", sp.coth(x)),
    ("sech", "sech(x)", sp.sech(x)),
    ("csch", "csch(x)", sp.csch(x)),
    ("asinh", "asinh(x)", sp.asinh(x)),
    ("arsinh", "arsinh(x)", sp.asinh(x)),
    ("arccosh", "arccosh(x)", sp.acosh(x)),
    ("artanh", "artanh(x)", sp.atanh(x)),
    # absolute value
    ("bars", "|x|", sp.Abs(x)),
    ("abs", "abs(x)", sp.Abs(x)),
    ("nested-bars", "||x|-1|", sp.Abs(sp.Abs(x) - 1)),
    ("number-bars", "2|x|", 2 * sp.Abs(x)),
    ("bars-times-bars", "|x||y|", sp.Abs(x) * sp.Abs(y)),
    ("bars-dot-bars", "|x|·|y|", sp.Abs(x) * sp.Abs(y)),
    ("neg-bars", "-|x|", -sp.Abs(x)),
    ("bars-in-exponent", "x^|y|", x ** sp.Abs(y)),
    # machine-learning functions
    ("sigma-symbol", "σ(x)", sigmoid(x)),
    ("sigmoid", "sigmoid(x)", sigmoid(x)),
    ("relu", "relu(x)", relu(x)),
    ("softplus", "softplus(x)", softplus(x)),
    ("sigmoid-linear", "σ(w1 x1 + b)", sigmoid(w1 * x1 + b)),
    # Unicode
    ("superscript-2", "x²", x**2),
    ("superscript-minus-1", "x⁻¹", 1 / x),
    ("superscripts-product", "x³y²", x**3 * y**2),
    ("superscript-paren", "x⁽²⁾", x**2),
    ("unicode-minus", "x − 1", x - 1),
    ("en-dash-minus", "x – 1", x - 1),
    ("middle-dot", "x·y", x * y),
    ("times-sign", "3×x", 3 * x),
    ("division-sign", "x÷2", x / 2),
    ("fullwidth-digit", "２x", 2 * x),
    ("fullwidth-plus-parens", "（x＋１）", x + 1),
    ("math-italic-x", "𝑥", x),
    ("sqrt-sign-paren", "√(x)", sp.sqrt(x)),
    # Found by the property test: the root of a call read its superscripts and dots raw.
    ("sqrt-call-superscript", "√sin(x²)", sp.sqrt(sp.sin(x**2))),
    ("sqrt-call-middle-dot", "√sin(x·(1 + x))", sp.sqrt(sp.sin(x * (x + 1)))),
    ("sqrt-call-group-squared", "√sin((1 + x)²)", sp.sqrt(sp.sin((x + 1) ** 2))),
    # logarithms and roots
    ("log-base", "log(x, 10)", sp.log(x) / sp.log(10)),
    ("log-base-2", "log(x,2)", sp.log(x) / sp.log(2)),
    ("ln", "ln(x)", sp.log(x)),
    ("log-natural", "log(x)", sp.log(x)),
    ("log2", "log2(x)", sp.log(x) / sp.log(2)),
    ("log10", "log10(x^2)", sp.log(x**2) / sp.log(10)),
    # max and min, read through relu
    ("max-zero-x", "max(0, x)", relu(x)),
    ("max-x-zero", "max(x, 0)", relu(x)),
    ("min-zero-x", "min(0, x)", -relu(-x)),
    ("max-general", "max(x^2, 1)", 1 + relu(x**2 - 1)),
    ("min-general", "min(x, y)", x - relu(x - y)),
    ("max-constants", "max(2, 3)", sp.Integer(3)),
    # a power divided, where the other reading cannot be meant
    ("power-whole-fraction", "x^2/2", x**2 / 2),
    ("power-spaced-fraction", "x^3 / 2", x**3 / 2),
    ("power-fraction-by-precedence", "x^2/3", x**2 / 3),
    ("superscript-fraction", "x⁻¹/2", 1 / (2 * x)),
    ("spaced-negative-power", "x^-1 / 2", 1 / (2 * x)),
    ("exp-fraction", "e^x/2", sp.exp(x) / 2),
    ("power-parenthesised", "x^(-1/2)", x ** sp.Rational(-1, 2)),
    ("sqrt", "sqrt(x)", sp.sqrt(x)),
    ("sqrt-sum", "sqrt(x^2+1)", sp.sqrt(x**2 + 1)),
    # decimals are exact rationals
    ("half-x", "0.5x", x / 2),
    ("leading-point", ".25", sp.Rational(1, 4)),
    ("trailing-zero", "1.10", sp.Rational(11, 10)),
    ("trailing-point", "2.", sp.Integer(2)),
    ("decimal-power", "x^0.5", sp.sqrt(x)),
    ("twenty-digits", "12345678901234567890", sp.Integer(12345678901234567890)),
    # powers and signs
    ("double-star", "x**2", x**2),
    ("neg-exponent", "x^-1", 1 / x),
    ("neg-square", "-x^2", -(x**2)),
    ("neg-var-exponent", "2^-x", 2 ** (-x)),
    ("right-assoc", "x^2^3", x**8),
    ("tower", "x^y^z", x ** (y**z)),
    ("paren-base-power", "(x+1)^2", (x + 1) ** 2),
    ("sin-of-power", "sin(x^2)", sp.sin(x**2)),
    ("neg-neg", "--x", x),
    ("unary-plus", "+x", x),
    ("sub-neg", "x - -x", 2 * x),
    ("exponent-1000", "x^1000", x**1000),
    ("numbers-evaluated", "2*3 + 1/2", sp.Rational(13, 2)),
    ("quotient", "x/2", x / 2),
    # names
    ("theta-symbol", "θ^2", theta**2),
    ("theta-name", "theta", theta),
    ("theta-indexed", "θ1", variable("theta1")),
    ("greek-product", "alpha*beta", alpha * beta),
    ("lambda-symbol", "λ x", variable("lambda") * x),
    ("capital-letter", "A x", variable("A") * x),
    ("indexed", "x1", x1),
    ("underscore-indexed", "z_2", z_2),
    ("neuron", "w1 x1 + b", w1 * x1 + b),
    ("sign", "sign(x)", sp.sign(x)),
    ("sgn", "sgn(x)", sp.sign(x)),
    ("heaviside", "heaviside(x)", sp.Heaviside(x, 0)),  # H(0) = 0, as H is printed
    # whitespace
    ("surrounding-space", "  x + 1  ", x + 1),
    ("newline-space", "x\ny", x * y),
    ("tab", "x\t+\t1", x + 1),
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [(text, expected) for _, text, expected in ACCEPTED],
    ids=[case_id for case_id, _, _ in ACCEPTED],
)
def test_accepted(text: str, expected: sp.Expr) -> None:
    parsed = parse(text)
    assert isinstance(parsed, sp.Basic)
    assert parsed.doit() == expected


def test_accepted_table_is_large_enough() -> None:
    assert len(ACCEPTED) >= 70
    assert len({case_id for case_id, _, _ in ACCEPTED}) == len(ACCEPTED)


# --- the user's structure is kept ----------------------------------------------------------------


def test_quotient_stays_a_quotient() -> None:
    parsed = parse("(x^2+1)/(x-1)")
    assert isinstance(parsed, sp.Mul)
    reciprocals = [
        f for f in parsed.args if isinstance(f, sp.Pow) and f.exp == -1 and f.base.doit() == x - 1
    ]
    assert len(reciprocals) == 1
    # the numerator is not expanded or cancelled against the denominator
    assert x**2 + 1 in [f.doit() for f in parsed.args]


def test_product_of_powers_is_not_combined() -> None:
    parsed = parse("x^2 * x^3")
    assert isinstance(parsed, sp.Mul)
    assert sorted(parsed.args, key=str) == [x**2, x**3]
    assert parsed != x**5
    assert parsed.doit() == x**5


def test_constant_times_sum_is_not_distributed() -> None:
    parsed = parse("2(x+1)")
    assert isinstance(parsed, sp.Mul)
    assert sp.Integer(2) in parsed.args
    assert any(isinstance(f, sp.Add) for f in parsed.args)


def test_negated_square_is_minus_of_power() -> None:
    parsed = parse("-x^2")
    assert isinstance(parsed, sp.Mul)
    assert sp.Integer(-1) in parsed.args
    assert x**2 in parsed.args


def test_e_to_a_power_is_exp() -> None:
    parsed = parse("e^(x^2)")
    assert isinstance(parsed, sp.exp)
    assert parsed.args == (x**2,)


def test_symbols_are_real() -> None:
    parsed = parse("x y theta z_2")
    assert {s.name for s in parsed.free_symbols} == {"x", "y", "theta", "z_2"}
    assert all(s.is_real for s in parsed.free_symbols)


def test_deep_but_allowed_expression_prints() -> None:
    # 40 signs is the limit; the tree they build must still be usable by SymPy's printers.
    parsed = parse("-" * MAX_DEPTH + "x")
    assert parsed.doit() == x
    assert "x" in str(parsed)
    assert parse("(" * MAX_DEPTH + "x" + ")" * MAX_DEPTH) == x


# --- rejected forms ------------------------------------------------------------------------------
#
# (id, text, 1-based column, fragment of the suggestion or None, fragment of the message or None)
# Every rejection must carry a non-empty suggestion; the fragment pins the useful part of it.

REJECTED: list[tuple[str, str, int, str | None, str | None]] = [
    ("func-space-arg", "sin x", 5, "sin(x)", "parentheses"),
    ("func-glued-arg", "sinx", 1, "sin(x)", "sinx"),
    ("abs-space-arg", "abs x", 5, "abs(x)", None),
    ("bare-func", "sin", 4, "sin(x)", None),
    ("func-then-bars", "sin|x|", 4, "sin(|x|)", None),
    ("func-then-func", "sin sin(x)", 5, "sin(sin(x))", None),
    ("unknown-func", "foo(x)", 1, "README", "foo"),
    ("misspelt-func", "sine(x)", 1, "sin", "sine"),
    ("glued-var-func", "xsin(x)", 1, "x*sin(x)", "xsin"),
    ("glued-vars", "xy", 1, "x*y", "xy"),
    ("glued-three-vars", "xyz", 1, "x*y*z", None),
    ("ambiguous-division", "x/2x", 2, "x/(2x)", "ambiguous"),
    ("ambiguous-division-2", "2x/3y", 3, "2x/(3y)", "ambiguous"),
    ("ambiguous-division-bars", "x/2|x|", 2, "x/(2|x|)", None),
    ("ambiguous-e-power", "e^2x", 2, "e^(2x)", "ambiguous"),
    ("ambiguous-e-neg-power", "e^-2x", 2, "e^(-2x)", None),
    ("unclosed-paren", "(x+1", 1, "(x+1)", "never closed"),
    ("unclosed-second-paren", "(x+1)(x-1", 6, "(x+1)(x-1)", "never closed"),
    ("unclosed-call", "sin(", 4, "')'", "never closed"),
    ("unmatched-close", "x)", 2, "'('", "no matching"),
    ("unclosed-bar", "|x", 1, "abs(x)", "never closed"),
    ("bar-at-end", "x|", 2, "abs(x)", None),
    ("empty-bars", "||", 2, "abs(x)", None),
    ("crossed-bar-paren", "|x)|", 3, "(|x|)", "does not match"),
    ("crossed-paren-bar", "|(x|", 4, "|(x)|", "does not match"),
    ("dangling-plus", "x+", 3, "remove the '+'", "ends with"),
    ("dangling-power", "x^", 3, "remove the '^'", "ends with"),
    ("dangling-double-star", "x**", 4, None, "ends with"),
    ("dangling-neg-exponent", "x^-", 4, None, "ends with"),
    ("lone-minus", "-", 2, None, "ends with"),
    ("dangling-after-superscript", "x² +", 5, "x² + 1", None),
    ("leading-times", "*x", 1, "remove it", "'*'"),
    ("leading-divide", "/x", 1, "remove it", None),
    ("leading-power", "^x", 1, "remove it", None),
    ("double-power", "x^^2", 3, None, "'^'"),
    ("plus-times", "x+*y", 3, None, "'*'"),
    ("triple-star", "x***2", 4, None, None),
    ("equals-alone", "=", 1, "implicit", "'='"),
    ("equation", "x = 2", 3, "implicit", "'='"),
    ("prime", "f'(x)", 2, "derivative", "prime"),
    ("double-prime", "x″", 2, None, "prime"),
    ("empty", "", 1, "x^2 sin(x)", "empty"),
    ("whitespace-only", "   ", 1, "x^2 sin(x)", "empty"),
    ("var-then-number", "x 2", 3, "2x", None),
    ("number-then-number", "2 3", 3, "2*3", None),
    ("two-decimal-points", "1.2.3", 4, "one decimal point", None),
    ("lone-point", ".", 1, "0.5", "decimal point"),
    ("comma-outside-call", "x,y", 2, "log(x, b)", "','"),
    ("leading-comma", "log(,x)", 5, "log(x, b)", None),
    ("log-base-1", "log(x, 1)", 1, "log(x, 10)", "base"),
    ("log-base-0", "log(x, 0)", 1, "log(x, 10)", "base"),
    ("log-base-negative", "log(x,-2)", 1, "log(x, 10)", None),
    ("log-three-args", "log(x, y, z)", 1, "log(x, b)", "3"),
    ("ln-two-args", "ln(x, 2)", 1, "log(x, b)", None),
    ("sin-two-args", "sin(x, y)", 1, "log(x, b)", "1 argument"),
    ("sqrt-two-args", "sqrt(x, 2)", 1, "log(x, b)", None),
    ("power-then-space-arg", "sin^2 x", 1, "sin^2(x)", None),
    ("inverse-then-space-arg", "sin^-1 x", 1, "sin^-1(x)", None),
    ("func-power-no-arg", "sin^2", 1, "sin^2(x)", None),
    ("func-var-power", "sin^x(x)", 1, "(sin(x))^2", None),
    ("func-minus-two", "sin^-2(x)", 1, "1/sin(x)^2", "ambiguous"),
    ("exp-inverse", "exp^-1(x)", 1, "1/exp(x)", None),
    ("inverse-two-args", "sin^-1(x, y)", 1, "sin^-1(x)", "one argument"),
    ("function-notation-f", "f(x)", 1, "type the expression itself", "function notation"),
    ("function-notation-g", "g(x)", 1, "type the expression itself", None),
    ("divide-by-zero", "1/0", 2, "denominator", "division by zero"),
    ("zero-negative-power", "0^-1", 2, "division by zero", "undefined"),
    ("empty-call", "sin()", 5, "sin(x)", "')'"),
    ("empty-parens", "()", 2, None, None),
    ("scientific-too-large", "1e400 x", 1, "fit a double", "power of ten"),
    ("square-brackets", "[x]", 1, "( )", "'['"),
    ("braces-unclosed", "{x", 1, "'}'", "never closed"),
    ("brace-unopened", "x}", 2, "'{'", "no matching"),
    ("factorial", "x!", 2, "4*3*2*1", "factorial"),
    ("snowman", "x ☃ 1", 3, "+ - * /", "☃"),
    ("euro", "x€", 2, None, "€"),
    ("partial", "x ∂ y", 3, None, "∂"),
    ("less-equal", "x ≤ 1", 3, None, "≤"),
    ("backslash-unknown", "\\foo(x)", 1, None, "\\foo"),
    ("backslash-near", "\\fraq{1}{x}", 1, "\\frac", None),
    ("backslash-alone", "x \\", 3, None, "backslash"),
    ("bad-underscore", "x_", 2, None, "'_'"),
    ("max-one-arg", "max(x)", 1, "max(a, b)", "2 arguments"),
    ("log2-no-parens", "log2 x", 1, "log2(x)", None),
    # x^-1/2 is refused as 1/2 x is: written tight, both readings are meant by someone.
    ("power-neg-fraction", "x^-1/2", 2, "x^(-1/2)", "ambiguous"),
    ("power-fraction", "x^1/2", 2, "(x^1)/2", "ambiguous"),
    ("power-one-third", "3x^1/3 + 1", 3, "3x^(1/3) + 1", "ambiguous"),
    ("power-neg-var-fraction", "e^-x/2", 2, "e^(-x/2)", "ambiguous"),
    ("power-of-group-fraction", "(x+1)^-1/2", 6, "(x+1)^(-1/2)", "ambiguous"),
    ("sigma-name", "sigma(x)", 1, "sigmoid", None),
    ("lg", "lg(x)", 1, "log(x, 10)", None),
    ("tg", "tg(x)", 1, "tan(x)", None),
    ("cosec", "cosec(x)", 1, "csc(x)", None),
    ("diff", "diff(x^2)", 1, "differentiates", None),
    ("unknown-name", "foo", 1, None, "foo"),
    ("unknown-greek-index", "sigma_1", 1, "indexed names", None),
]


@pytest.mark.parametrize(
    ("text", "column", "suggests", "says"),
    [case[1:] for case in REJECTED],
    ids=[case[0] for case in REJECTED],
)
def test_rejected(text: str, column: int, suggests: str | None, says: str | None) -> None:
    with pytest.raises(InputError) as info:
        parse(text)
    err = info.value
    assert err.column == column, err.render()
    assert isinstance(err.suggestion, str)
    assert err.suggestion.strip(), f"no suggestion for {text!r}: {err.message}"
    if suggests is not None:
        assert suggests in err.suggestion
    if says is not None:
        assert says in err.message
    # the error keeps the user's text, so that render() can put a caret under the column
    assert err.text == text


def test_rejected_table_is_large_enough() -> None:
    assert len(REJECTED) >= 45
    assert len({case[0] for case in REJECTED}) == len(REJECTED)


def test_error_render_points_at_the_column() -> None:
    with pytest.raises(InputError) as info:
        parse("x/2x")
    lines = info.value.render().splitlines()
    assert lines[1] == "  x/2x"
    assert lines[2] == "   ^"  # two spaces of indent, then under column 2
    assert "x/(2x)" in lines[3]


def test_non_text_is_an_input_error() -> None:
    with pytest.raises(InputError):
        parse(42)  # type: ignore[arg-type]


# --- bounds --------------------------------------------------------------------------------------
#
# Each of these must fail with a clear InputError; none may hang or run out of memory (the global
# pytest-timeout of 30 s is the guard, not a timing assertion).

BOUNDS: list[tuple[str, str, int]] = [
    ("power-tower-of-nines", "9^9^9", 2),
    ("huge-exponent", "x^100000", 2),
    ("huge-exponent-of-sum", "(x+1)^100000", 6),
    ("exponent-1001", "x^1001", 2),
    ("negative-huge-exponent", "x^-1001", 2),
    ("tower-of-twos", "2^2^2^2^2", 2),
    ("exponent-from-arithmetic", "x^(2^10)", 2),
    ("huge-number-power", "12345678901234567890^1000", 21),
    ("ten-thousand-parens", "(" * 10_000 + "x" + ")" * 10_000, MAX_LENGTH + 1),
    ("41-parens", "(" * (MAX_DEPTH + 1) + "x" + ")" * (MAX_DEPTH + 1), MAX_DEPTH + 1),
    ("41-bars", "|" * (MAX_DEPTH + 1) + "x" + "|" * (MAX_DEPTH + 1), MAX_DEPTH + 1),
    ("41-calls", "sin(" * (MAX_DEPTH + 1) + "x" + ")" * (MAX_DEPTH + 1), 4 * MAX_DEPTH + 4),
    ("41-signs", "-" * (MAX_DEPTH + 1) + "x", MAX_DEPTH + 1),
    ("999-signs", "-" * 999 + "x", MAX_DEPTH + 1),
    ("power-chain", "x^" * 499 + "x", 2 * MAX_DEPTH + 2),
    # each "x^-" adds a power and a sign: the 21st "^" (column 62) is the 41st level
    ("signed-power-chain", "x^-" * 300 + "x", 3 * (MAX_DEPTH // 2) + 2),
    ("signs-inside-parens", "(-" * 21 + "x" + ")" * 21, 2 * 20 + 1),
    ("2000-chars", "x+" * 999 + "xx", MAX_LENGTH + 1),
    ("25-digit-literal", "1234567890123456789012345", 1),
    ("25-digit-decimal", "0.1234567890123456789012345", 1),
    ("21-digit-literal-in-expr", "x + 123456789012345678901", 5),
]


@pytest.mark.parametrize(
    ("text", "column"),
    [(text, column) for _, text, column in BOUNDS],
    ids=[case_id for case_id, _, _ in BOUNDS],
)
def test_bounds(text: str, column: int) -> None:
    with pytest.raises(InputError) as info:
        parse(text)
    assert info.value.column == column
    assert info.value.suggestion


def test_largest_allowed_literal_and_exponent() -> None:
    assert parse("x^1000") == sp.Pow(x, 1000)
    assert parse("2^1000") == sp.Integer(2) ** 1000
    assert parse("1" * 20) == sp.Integer(int("1" * 20))
    # leading zeros do not count towards the digit limit
    assert parse("0" * 30 + "7") == sp.Integer(7)


def test_length_limit_is_exact() -> None:
    almost = "x+" * ((MAX_LENGTH - 1) // 2) + "x"
    assert len(almost) <= MAX_LENGTH
    assert parse(almost).doit() == (MAX_LENGTH - 1) // 2 * x + x
    with pytest.raises(InputError):
        parse(almost + "+x")


# --- property tests ------------------------------------------------------------------------------


def _parse_or_input_error(text: str) -> None:
    try:
        result = parse(text)
    except InputError as err:
        assert err.column is None or 1 <= err.column <= max(len(text), MAX_LENGTH) + 1
        return
    assert isinstance(result, sp.Basic)
    str(result)  # a result must be printable: no tree too deep for SymPy's printers


@settings(deadline=None, max_examples=500)
@given(st.text())
def test_any_text_parses_or_raises_input_error(text: str) -> None:
    _parse_or_input_error(text)


@settings(deadline=None, max_examples=500)
@given(st.text(alphabet="x y()+-*/^|2.,sinexpo", max_size=60))
def test_grammar_like_text_parses_or_raises_input_error(text: str) -> None:
    _parse_or_input_error(text)


# Pieces that each scan cleanly, so that joined at random they reach the grammar and the builders.
TOKEN_SOUP = (
    "x y 2 0 0.5 e pi θ σ sin log abs tanh sin^-1 sin^2 1000 99 ^ ** - + * / ( ) | , ² ⁻ − ·"
)


@settings(deadline=None, max_examples=300)
@given(st.lists(st.sampled_from([*TOKEN_SOUP.split(), " "]), max_size=40).map("".join))
def test_token_soup_parses_or_raises_input_error(text: str) -> None:
    _parse_or_input_error(text)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("sec(pi/2) + x", "sec(pi/2) is undefined"),
        ("tan(log(x/csc(pi), 10))", "csc(pi) is undefined"),
        ("log(0) + x", "log(0) is undefined"),
        ("sqrt(-1) x", "sqrt(-1) is not a real number"),
        ("asin(2) x", "asin(2) is not a real number"),
        ("(-1)^(1/2)", "is not a real number"),
    ],
)
def test_undefined_constants_are_refused(text: str, message: str) -> None:
    with pytest.raises(InputError) as caught:
        parse(text)
    assert message in caught.value.message
    assert caught.value.suggestion


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("atanh(sec(pi) + x)", sp.atanh(x - 1)),
        ("sin(1) x", sp.sin(1) * x),
        ("|pi| x", sp.pi * x),
    ],
)
def test_constant_function_values_are_worked_out(text: str, expected: sp.Expr) -> None:
    assert parse(text).doit() == expected


@pytest.mark.parametrize(
    "text",
    ["sin" * 300 + "ς", "sinh" * 200 + "ς", "x" * 999 + "ς", "ab" * 400],
    ids=["sin-run", "sinh-run", "x-run", "ab-run"],
)
def test_long_unknown_names_are_refused_without_backtracking(text: str) -> None:
    # Splitting 'sinsin...' into known names once took exponential time; the 30 s timeout
    # would catch a regression.
    with pytest.raises(InputError) as caught:
        parse(text)
    assert caught.value.column == 1


@pytest.mark.parametrize("text", ["λ", "lambda", "λ_2"])
def test_lambda_is_named_as_sympy_names_it(text: str) -> None:
    # 'lambda' is a Python keyword: SymPy spells the symbol 'lamda', and so does the JSON.
    assert str(parse(text)).startswith("lamda")


# x^T is a transpose, as ML texts write it: never x to the power of a variable T (issue 14).
@pytest.mark.parametrize(
    ("text", "column"),
    [("x^T A x", 3), ("xᵀ A x", 2), ("x^Tx", 3), ("(W x)^T y", 7), ("sin(x)^T", 8)],
)
def test_a_transpose_is_refused_never_read_as_a_power(text: str, column: int) -> None:
    with pytest.raises(InputError) as caught:
        parse(text)
    assert "reads as a transpose" in caught.value.message
    assert caught.value.column == column
    assert "^(T)" in (caught.value.suggestion or "")


def test_a_power_of_a_variable_t_is_written_in_parentheses() -> None:
    t = variable("T")
    assert parse("x^(T)") == x**t
    assert parse("T^2 + x").doit() == t**2 + x


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1e-3 x", sp.Rational(1, 1000) * x),
        ("2.5e-3 x^2", sp.Rational(1, 400) * x**2),
        ("2.5E4 x", 25000 * x),
        ("1e5", sp.Integer(100000)),
        ("x^1e2", x**100),
        ("3e+2 x", 300 * x),
        # e alone is Euler's number, as before: 2e x is 2·e·x, e^2 x is e²·x.
        ("2e x", 2 * sp.E * x),
        ("e^2 x", sp.exp(2) * x),
        ("3e-x", 3 * sp.E - x),
    ],
)
def test_scientific_notation_is_read_as_the_number_it_is(text: str, expected: sp.Expr) -> None:
    assert sp.simplify(parse(text) - expected) == 0


def test_scientific_readings_are_echoed_as_decimals() -> None:
    from derivtutor.language.scan import readings

    assert readings("2.5e-3 x^2 + 1E4") == [("2.5e-3", "0.0025"), ("1E4", "10000")]
    assert readings("2e x") == []


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("integrate(x)", "derivtutor does derivatives"),
        ("int(x)", "derivtutor does derivatives"),
        ("limit(x)", "not limits"),
        ("solve(x)", "not equations"),
    ],
)
def test_what_derivtutor_does_not_do_is_said(text: str, words: str) -> None:
    with pytest.raises(InputError) as caught:
        parse(text)
    assert words in (caught.value.suggestion or "")


@pytest.mark.parametrize(
    ("text", "suggestion"),
    [
        ("sine(x)", "did you mean sin?"),
        ("tanhh(x)", "did you mean tanh?"),
        ("sigmod(x)", "did you mean sigmoid?"),
        ("xyz", "did you mean x*y*z?"),
        # No silly suggestions: nothing near, or a product of many letters no one means.
        ("clear", "variables are single letters"),
        ("frobnicate(x)", "the functions known are listed"),
    ],
)
def test_suggestions_are_near_and_real(text: str, suggestion: str) -> None:
    with pytest.raises(InputError) as caught:
        parse(text)
    assert (caught.value.suggestion or "").startswith(suggestion)
