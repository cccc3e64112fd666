"""The derivative table that ``derivtutor rules`` prints: plain data, so it loads no SymPy.

Each row: the rule id (as in the step tree and JSON), a name, the function, its derivative,
and a note. The engine's own formulas live beside each rule in steps.py; tests check that every
row here agrees with them.
"""

from __future__ import annotations

from typing import NamedTuple


class Entry(NamedTuple):
    rule: str
    name: str
    function: str
    derivative: str
    note: str = ""


TABLE: tuple[Entry, ...] = (
    Entry("constant", "constant", "c", "0", "also any variable held constant"),
    Entry("variable", "variable", "x", "1"),
    Entry("sum", "sum", "f + g", "f' + g'"),
    Entry("constant_multiple", "constant multiple", "c·f", "c·f'"),
    Entry("power", "power", "xⁿ", "n·xⁿ⁻¹", "any real n: roots, 1/x, ..."),
    Entry("product", "product", "f·g", "f'·g + f·g'", "n factors: one term per factor"),
    Entry("quotient", "quotient", "f/g", "(f'·g − f·g')/g²"),
    Entry("chain", "chain", "f(g(x))", "f'(g(x))·g'(x)", "with u = g(x): d/dx f(u) = f'(u)·du/dx"),
    Entry("exp", "exponential", "eˣ", "eˣ"),
    Entry("exponential", "exponential, base a", "aˣ", "aˣ·ln(a)"),
    Entry("log", "natural logarithm", "ln(x)", "1/x", "for x > 0; log(x) is ln(x)"),
    Entry("log_abs", "logarithm of |x|", "ln|x|", "1/x", "for x ≠ 0, after the log laws"),
    Entry("log_base", "logarithm, base b", "log_b(x)", "1/(x·ln(b))", "log(x, b) = ln(x)/ln(b)"),
    Entry(
        "log_differentiation",
        "logarithmic differentiation",
        "u^v",
        "u^v·(v'·ln(u) + v·u'/u)",
        "take ln of both sides when the exponent varies too",
    ),
    Entry("trig", "sine", "sin(x)", "cos(x)"),
    Entry("trig", "cosine", "cos(x)", "−sin(x)"),
    Entry("trig", "tangent", "tan(x)", "sec²(x)", "= 1 + tan²(x)"),
    Entry("trig", "cotangent", "cot(x)", "−csc²(x)"),
    Entry("trig", "secant", "sec(x)", "sec(x)·tan(x)"),
    Entry("trig", "cosecant", "csc(x)", "−csc(x)·cot(x)"),
    Entry("inverse_trig", "arcsine", "arcsin(x)", "1/√(1 − x²)", "for |x| < 1"),
    Entry("inverse_trig", "arccosine", "arccos(x)", "−1/√(1 − x²)", "for |x| < 1"),
    Entry("inverse_trig", "arctangent", "arctan(x)", "1/(1 + x²)"),
    Entry("inverse_trig", "arccotangent", "arccot(x)", "−1/(1 + x²)"),
    Entry("inverse_trig", "arcsecant", "arcsec(x)", "1/(|x|·√(x² − 1))", "for |x| > 1"),
    Entry("inverse_trig", "arccosecant", "arccsc(x)", "−1/(|x|·√(x² − 1))", "for |x| > 1"),
    Entry("hyperbolic", "hyperbolic sine", "sinh(x)", "cosh(x)"),
    Entry("hyperbolic", "hyperbolic cosine", "cosh(x)", "sinh(x)"),
    Entry(
        "hyperbolic",
        "hyperbolic tangent",
        "tanh(x)",
        "sech²(x) = 1 − tanh²(x)",
        "the tanh activation",
    ),
    Entry("hyperbolic", "hyperbolic cotangent", "coth(x)", "−csch²(x)"),
    Entry("hyperbolic", "hyperbolic secant", "sech(x)", "−sech(x)·tanh(x)"),
    Entry("hyperbolic", "hyperbolic cosecant", "csch(x)", "−csch(x)·coth(x)"),
    Entry("inverse_hyperbolic", "inverse sinh", "arsinh(x)", "1/√(x² + 1)"),
    Entry("inverse_hyperbolic", "inverse cosh", "arcosh(x)", "1/√(x² − 1)", "for x > 1"),
    Entry("inverse_hyperbolic", "inverse tanh", "artanh(x)", "1/(1 − x²)", "for |x| < 1"),
    Entry("inverse_hyperbolic", "inverse coth", "acoth(x)", "1/(1 − x²)", "for |x| > 1"),
    Entry("inverse_hyperbolic", "inverse sech", "asech(x)", "−1/(x·√(1 − x²))", "for 0 < x < 1"),
    Entry("inverse_hyperbolic", "inverse csch", "acsch(x)", "−1/(|x|·√(1 + x²))", "for x ≠ 0"),
    Entry("abs", "absolute value", "|x|", "x/|x| = sign(x)", "for x ≠ 0 (a corner at 0)"),
    Entry(
        "sigmoid", "sigmoid", "σ(x) = 1/(1 + e^(−x))", "σ(x)·(1 − σ(x))", "the logistic activation"
    ),
    Entry(
        "relu",
        "ReLU",
        "relu(x) = max(0, x)",
        "0 for x ≤ 0, 1 for x > 0",
        "subgradient 0 chosen at x = 0, as in PyTorch",
    ),
    Entry("softplus", "softplus", "softplus(x) = ln(1 + eˣ)", "σ(x)"),
    Entry("piecewise_constant", "step functions", "sign(x), H(x)", "0", "for x ≠ 0 (a jump at 0)"),
    Entry(
        "softmax",
        "softmax",
        "p_i = e^(z_i)/Σ_k e^(z_k)",
        "∂p_i/∂z_j = p_i·(δ_ij − p_j)",
        "δ_ij is 1 when i = j, else 0; as a matrix: diag(p) − p·pᵀ",
    ),
)

# The identities of matrix calculus, by differentials (engine/differentials.py): each row is
# d(function) -> its differential. The layout is the denominator one: from df = tr(M dX),
# ∂f/∂X = Mᵀ has the shape of X.
MATRIX_TABLE: tuple[Entry, ...] = (
    Entry("matrix_sum", "sum", "d(U + V)", "dU + dV"),
    Entry("constant_multiple", "constant multiple", "d(cU)", "c dU", "for a constant c"),
    Entry("matrix_product", "product rule for matrix products", "d(UV)", "(dU)V + U dV"),
    Entry("transpose", "transpose", "d(Uᵀ)", "(dU)ᵀ"),
    Entry(
        "linear_form", "linear form", "d(aᵀx), d(Ax)", "aᵀdx, A dx", "a and A constant: ∇ₓ(aᵀx) = a"
    ),
    Entry(
        "quadratic_form",
        "quadratic form",
        "d(xᵀAx)",
        "(dx)ᵀAx + xᵀA dx = xᵀ(A + Aᵀ)dx",
        "∇ₓ(xᵀAx) = (A + Aᵀ)x, which is 2Ax for a symmetric A",
    ),
    Entry("hadamard", "entrywise product", "d(u ⊙ v)", "du ⊙ v + u ⊙ dv"),
    Entry("trace", "trace", "d tr(U)", "tr(dU)", "∂ tr(AX)/∂X = Aᵀ"),
    Entry("determinant", "determinant", "d det(X)", "det(X) tr(X⁻¹dX)", "∂ det(X)/∂X = det(X)X⁻ᵀ"),
    Entry("log_det", "log-determinant", "d log(det(X))", "tr(X⁻¹dX)", "∂ log det(X)/∂X = X⁻ᵀ"),
    Entry("inverse", "inverse", "d(X⁻¹)", "−X⁻¹(dX)X⁻¹"),
    Entry("norm_squared", "squared norm", "d‖u‖²", "2uᵀdu", "∂‖Wx − y‖²/∂W = 2(Wx − y)xᵀ"),
    Entry("norm", "norm", "d‖u‖", "uᵀdu / ‖u‖"),
    Entry("sum_entries", "sum of entries", "d sum(u)", "1ᵀdu"),
    Entry(
        "elementwise",
        "function entry by entry",
        "d f(u)",
        "f′(u) ⊙ du = diag(f′(u)) du",
        "its Jacobian is diag(f′(u)): diag(1 − tanh²(z)) for tanh",
    ),
    Entry(
        "softmax",
        "softmax",
        "d softmax(z)",
        "(diag(p) − ppᵀ) dz",
        "p = softmax(z); the Jacobian is diag(p) − ppᵀ",
    ),
    Entry("log_softmax", "log-softmax", "d log_softmax(z)", "(I − 1pᵀ) dz", "p = softmax(z)"),
    Entry("cross_entropy", "cross-entropy", "d cross_entropy(p, y)", "−yᵀ diag(p)⁻¹ dp"),
    Entry(
        "softmax_cross_entropy",
        "softmax with cross-entropy",
        "d cross_entropy(softmax(z), y)",
        "(p − y)ᵀdz",
        "p = softmax(z), for a target with Σᵢ yᵢ = 1: ∂L/∂z = p − y",
    ),
    Entry("scalar_chain", "chain rule for a scalar", "d g(s)", "g′(s) ds"),
    Entry("scalar_product", "product rule for scalars", "d(st)", "t ds + s dt"),
    Entry(
        "scalar_transpose",
        "a scalar is its own transpose",
        "(dx)ᵀa",
        "aᵀdx",
        "so every term of df can be written … dx",
    ),
    Entry(
        "trace_cyclic",
        "trace trick",
        "s = tr(s), tr(ABC)",
        "tr(CAB)",
        "so every term of df can be written tr(… dX)",
    ),
    Entry("collect", "collect terms", "AB + AC", "A(B + C)"),
    Entry(
        "read_off",
        "read off the derivative",
        "df = tr(M dX)",
        "∂f/∂X = Mᵀ",
        "the shape of X (the denominator layout); for a vector, df = (∇f)ᵀdx",
    ),
    Entry(
        "read_off_jacobian",
        "read off the Jacobian",
        "df = J dx",
        "∂f/∂x = J",
        "a row per entry of f, a column per entry of x",
    ),
    Entry(
        "linear_layer",
        "linear layer",
        "z = Wh + b",
        "∂L/∂W = δhᵀ, ∂L/∂b = δ",
        "δ = ∂L/∂z; from dz = (dW)h + db: dL = δᵀ(dW)h = tr(hδᵀ dW)",
    ),
    Entry(
        "chain_jacobians",
        "chain rule with Jacobians",
        "∂L/∂x for z = g(x)",
        "(∂z/∂x)ᵀ ∂L/∂z",
        "backpropagation: δ passes back through each layer",
    ),
)
MATRIX_IDS = frozenset(e.rule for e in MATRIX_TABLE)

# Rule ids that name a way of working rather than a row of the table.
OTHER_RULES: tuple[Entry, ...] = (
    Entry(
        "rewrite",
        "rewrite",
        "",
        "",
        "write the function another way first: 1/x = x⁻¹, log_u(v) = ln(v)/ln(u)",
    ),
    Entry("reuse", "as above", "", "", "a sub-derivation already done above, not repeated"),
    Entry(
        "log_laws",
        "log laws",
        "ln(x²·sin(x)/(2x + 1))",
        "2·ln|x| + ln|sin(x)| − ln|2x + 1|",
        "first, where the logarithm is defined; |u| keeps each term defined",
    ),
    Entry("power_form", "power form", "c/uⁿ", "c·u⁻ⁿ", "the power rule, not the quotient rule"),
    Entry(
        "simplify_first",
        "simplify first",
        "(x⁵ − 2x³ + x²)/x², √x·x",
        "x³ − 2x + 1, x^(3/2)",
        "divide or multiply out, combine powers",
    ),
    Entry(
        "known_function",
        "known function",
        "(eˣ − e⁻ˣ)/(eˣ + e⁻ˣ)",
        "tanh(x)",
        "recognised, then its own rule: sech²(x)",
    ),
    Entry(
        "log_differentiation_product",
        "logarithmic differentiation of a product",
        "y = f₁^k₁·f₂^k₂⋯",
        "y·(k₁·f₁'/f₁ + k₂·f₂'/f₂ + ⋯)",
        "ln|y| by the log laws, then differentiate both sides",
    ),
    Entry("factor_common", "factor out", "a·b + a·c", "a·(b + c)", "algebra after a rule"),
    Entry("collect", "collect", "10(3x − 2) + 21(2x + 1)", "72x + 1", "expand the bracket"),
    Entry("simplify_bracket", "simplify the bracket", "", "", "the bracket rewritten otherwise"),
    Entry("cancel_terms", "terms that cancel", "u + v − u", "v", "algebra after the sum rule"),
    Entry(
        "expand_numerator",
        "multiply out the numerator",
        "(2x·(x − 1) − (x² − 1))/(x − 1)²",
        "(x² − 2x + 1)/(x − 1)²",
        "algebra after the quotient rule",
    ),
    Entry("pythagoras", "Pythagorean identity", "sin²(x) + cos²(x)", "1", "also 1 + tan² = sec²"),
    Entry(
        "cancel_common",
        "cancel a common factor",
        "(cos(x) + 1)/(cos(x) + 1)²",
        "1/(cos(x) + 1)",
        "where the factor is not 0",
    ),
    Entry(
        "pattern",
        "repeating derivatives",
        "sin(x), e^(ax), aˣ, polynomials",
        "f⁽ⁿ⁾ from one period",
        "past order 10: 74 = 4·18 + 2, so sin⁽⁷⁴⁾ = sin'' = −sin",
    ),
    Entry(
        "unknown",
        "unknown",
        "",
        "",
        "no rule here covers it; SymPy's own derivative is shown instead",
    ),
)

# Other names for the functions in the table, as the parser accepts them.
ALIASES: dict[str, str] = {
    "asin": "arcsin",
    "acos": "arccos",
    "atan": "arctan",
    "acot": "arccot",
    "asec": "arcsec",
    "acsc": "arccsc",
    "asinh": "arsinh",
    "arcsinh": "arsinh",
    "acosh": "arcosh",
    "arccosh": "arcosh",
    "atanh": "artanh",
    "arctanh": "artanh",
    "arccoth": "acoth",
    "log": "ln",
    "sigmoid": "σ",
    "sigma": "σ",
    "abs": "|x|",
    "exp": "eˣ",
    "sqrt": "xⁿ",
    "heaviside": "sign",
    "sgn": "sign",
}


def entries(name: str | None = None) -> tuple[Entry, ...]:
    """The rows for a rule id, a rule's name or a function name (case-insensitive); every row
    of the table for None; () when nothing matches."""
    if name is None:
        return (*TABLE, *MATRIX_TABLE)
    key = name.strip().lower()
    key = ALIASES.get(key, key)
    return tuple(
        e
        for e in (*TABLE, *OTHER_RULES, *MATRIX_TABLE)
        if key in (e.rule, e.name.lower(), e.function.split("(")[0].lower())
        or key.replace(" ", "_") == e.rule
    )


def rule_ids() -> list[str]:
    return sorted({e.rule for e in (*TABLE, *OTHER_RULES, *MATRIX_TABLE)})
