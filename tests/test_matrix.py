"""Vector and matrix calculus (issue 14): parsing with shapes, the derivation by differentials,
its numeric checks, the printed forms read back, and the command line."""

from __future__ import annotations

import json
import random

import mpmath
import pytest
import sympy as sp
from typer.testing import CliRunner

from derivtutor.calculus.matrix_derivative import matrix_derivative
from derivtutor.cli import app
from derivtutor.engine import matrix_values as mv
from derivtutor.errors import InputError, UsageError
from derivtutor.language.matrices import parse_shaped
from derivtutor.language.matrices import shape as shape_of
from derivtutor.language.matrix_functions import CrossEntropy, Differential
from derivtutor.language.matrix_notation import matrix_text
from derivtutor.language.shapes import declared, parse_arrays

runner = CliRunner()

# The floor, and the textbook identities beside it: (expression, variable, shapes,
# symmetric, the result as the texts print it).
TEXTBOOK = [
    ("x^T A x", "x", "x=n,A=n×n", (), "(A + Aᵀ)x"),
    ("x^T A x", "x", "x=n,A=n×n", ("A",), "2Ax"),
    ("norm(W x - y)^2", "x", "W=m×n,x=n,y=m", (), "2Wᵀ(Wx − y)"),
    ("norm(W x - y)^2", "W", "W=m×n,x=n,y=m", (), "2(Wx − y)xᵀ"),
    ("tr(A X)", "X", "A=n×n,X=n×n", (), "Aᵀ"),
    ("log(det(X))", "X", "X=n×n", (), "X⁻ᵀ"),
    ("tanh(z)", "z", "z=n", (), "diag(1 − tanh²(z))"),
    ("softmax(z)", "z", "z=n", (), "diag(p) − ppᵀ"),
    ("cross_entropy(softmax(W x + b), y)", "W", "W=m×n,x=n,b=m,y=m", (), "(p − y)xᵀ"),
    ("cross_entropy(softmax(W x + b), y)", "b", "W=m×n,x=n,b=m,y=m", (), "p − y"),
    ("sigmoid(w^T x)", "w", "w=n,x=n", (), "σ(wᵀx)(1 − σ(wᵀx))x"),
    ("a^T x", "x", "a=n,x=n", (), "a"),
    ("x^T x", "x", "x=n", (), "2x"),
    ("W x + b", "x", "W=m×n,x=n,b=m", (), "W"),
    ("(1/N) norm(X w - y)^2", "w", "X=N×d,w=d,y=N", (), "(2/N)Xᵀ(Xw − y)"),
    # A batch loss, the rows of X the examples: the least-squares gradient of the texts.
    ("(1/(2N)) norm(X w - y)^2", "w", "X=N×d,w=d,y=N", (), "(1/N)Xᵀ(Xw − y)"),
    ("mean((X w - y)^2)", "w", "X=N×d,w=d,y=N", (), "(2/N)Xᵀ(Xw − y)"),
    ("det(X)", "X", "X=n×n", (), "det(X)X⁻ᵀ"),
    ("a^T inv(X) b", "X", "a=n,b=n,X=n×n", (), "−X⁻ᵀabᵀX⁻ᵀ"),
    ("tr(X^T A X)", "X", "A=n×n,X=n×k", (), "(A + Aᵀ)X"),
    ("sum(exp(x))", "x", "x=n", (), "exp(x)"),
    ("x ⊙ y", "x", "x=n,y=n", (), "diag(y)"),
    ("log_softmax(z)", "z", "z=n", (), "I − 𝟏pᵀ"),
    # An empty product is the identity, not the number 1.
    ("x + b", "x", "x=n,b=n", (), "I"),
    ("3 x", "x", "x=n", (), "3I"),
    ("W x + b", "b", "W=m×n,x=n,b=m", (), "I"),
    ("mean(softplus(X w) - hadamard(y, X w))", "w", "X=N×d,w=d,y=N", (), "(1/N)Xᵀ(σ(Xw) − y)"),
]

# More, for the numeric checks only: each step of each must agree with a central difference.
MORE = [
    ("norm(x)", "x", "x=n"),
    ("sigmoid(W x + b)", "x", "W=m×n,x=n,b=m"),
    ("sum(relu(W x))", "W", "W=m×n,x=n"),
    ("sum(tanh(W x))", "W", "W=m×n,x=n"),
    ("norm(W2 tanh(W1 x + b1) + b2 - y)^2", "W1", "W1=h×n,x=n,b1=h,W2=k×h,b2=k,y=k"),
    ("cross_entropy(softmax(W2 tanh(W1 x + b1) + b2), y)", "W1", "W1=h×n,x=n,b1=h,W2=k×h,b2=k,y=k"),
    ("x^T A^-1 x", "A", "x=n,A=n×n"),
    ("exp(a^T x) + x^T x", "x", "a=n,x=n"),
    ("(a^T x)^3", "x", "a=n,x=n"),
    ("log(1 + exp(w^T x))", "w", "w=n,x=n"),
    ("tr(A X B)", "X", "A=m×n,X=n×k,B=k×m"),
    ("x^T A x + b^T x + 3", "x", "x=n,A=n×n,b=n"),
    ("softmax(W x)", "x", "W=m×n,x=n"),
    ("hadamard(x, x)", "x", "x=n"),
    ("cross_entropy(p, y)", "p", "p=n,y=n"),
    ("norm(A x)", "x", "A=m×n,x=n"),
    ("tr(inv(X))", "X", "X=n×n"),
]


def _derive(text: str, wrt: str, shapes: str, symmetric: tuple[str, ...] = ()) -> object:
    return matrix_derivative(text, wrt=wrt, shapes=[shapes], symmetric=symmetric)


@pytest.mark.parametrize(("text", "wrt", "shapes", "symmetric", "expected"), TEXTBOOK)
def test_the_textbook_result(text, wrt, shapes, symmetric, expected):
    result = _derive(text, wrt, shapes, symmetric)
    assert matrix_text(result.result) == expected
    assert result.checked.failed == ()


def _entrywise_difference(result, inst):
    """∂f/∂X_ij by a central difference of f itself, entry by entry: no step is trusted."""
    f, var = result.expression, result.var
    x0 = inst.values[var]
    h = mpmath.mpf("1e-12")
    out = []
    with mpmath.workdps(40):
        for i in range(x0.rows):
            for j in range(x0.cols):
                e = mpmath.matrix(x0.rows, x0.cols)
                e[i, j] = 1
                hi = mv.value(f, mv.Instance(inst.sizes, {**inst.values, var: x0 + h * e}))
                lo = mv.value(f, mv.Instance(inst.sizes, {**inst.values, var: x0 - h * e}))
                out.append((hi - lo) / (2 * h))
    return out


@pytest.mark.parametrize(
    ("text", "wrt", "shapes"), [(t, w, s) for t, w, s, _, _ in TEXTBOOK] + MORE
)
def test_every_step_and_the_result_agree_with_a_central_difference(text, wrt, shapes):
    result = _derive(text, wrt, shapes)
    assert result.checked.failed == ()
    assert result.checked.steps >= 2 * len(result.checked.sizes)
    # An independent check of the result, at fresh instances: entry by entry.
    f, var = result.expression, result.var
    symbols = {s for s in f.free_symbols if not (isinstance(s, sp.Symbol) and s.is_integer)}
    targets = {a.args[1] for a in sp.preorder_traversal(f) if isinstance(a, CrossEntropy)}
    bind = dict(result.derivation.where)
    for inst in mv.instances(symbols | {var}, count=2, seed=99, distributions=targets):
        g = mv.value(result.result.xreplace(bind), inst)
        slopes = _entrywise_difference(result, inst)
        if result.derivation.kind == "jacobian":
            # column j of J is ∂f/∂x_j
            columns = list(slopes)
            for j, col in enumerate(columns):
                for i in range(g.rows):
                    assert abs(g[i, j] - col[i]) < 1e-9
        else:
            flat = [g[i, j] for i in range(g.rows) for j in range(g.cols)]
            assert len(flat) == len(slopes)
            for ours, slope in zip(flat, slopes, strict=True):
                assert abs(ours - slope) < 1e-9 * max(1, abs(slope))


# 𝟏, the vector of ones, is printed as the texts print it, but typed as ones(n): its Unicode
# form is read back in ASCII only.
READ_BACK = [case for case in TEXTBOOK if "𝟏" not in case[4]]


@pytest.mark.parametrize(("text", "wrt", "shapes", "symmetric", "expected"), READ_BACK)
@pytest.mark.parametrize("style", ["text", "ascii"])
def test_the_printed_result_reads_back_as_itself(text, wrt, shapes, symmetric, expected, style):
    """No printed equation is false: the result, printed, parses back to the same values."""
    result = _derive(text, wrt, shapes, symmetric)
    bind = dict(result.derivation.where)
    extra = ",".join(f"{n.name}={n.rows}" for n in bind)
    back_shapes = declared([shapes] + ([extra] if extra else []), symmetric)
    printed = matrix_text(result.result, style)
    rows, cols = result.result.shape
    back = parse_shaped(printed, back_shapes, unsized=rows if rows == cols else None).expr
    mine = result.result
    # The size letters too (I has one, and no name may carry it): each gets a size.
    symbols = mine.free_symbols | back.free_symbols | set(back_shapes.sizes)
    sym = {back_shapes.symbols[n] for n in symmetric}
    for inst in mv.instances(symbols, count=2, seed=3, symmetric=sym):
        assert mv.agree(mv.value(mine, inst), mv.value(back, inst)), printed


@pytest.mark.parametrize(("text", "wrt", "shapes", "symmetric", "expected"), READ_BACK)
@pytest.mark.parametrize("style", ["text", "ascii"])
def test_every_step_prints_an_equation_that_reads_back(
    text, wrt, shapes, symmetric, expected, style
):
    """Each printed form in dX (what each step's differential comes to, and each step of the
    algebra) parses back, with dX declared, to the same values at random matrices."""
    result = _derive(text, wrt, shapes, symmetric)
    var = result.var
    bind = dict(result.derivation.where)
    extra = [f"{n.name}={n.rows}" for n in bind] + [f"d{var.name}={var.rows}×{var.cols}"]
    back_shapes = declared([shapes, ",".join(extra)], symmetric)
    d = back_shapes.symbols[f"d{var.name}"]
    steps = []
    stack = [result.derivation.differential]
    while stack:
        step = stack.pop()
        steps.append(step)
        stack.extend(step.substeps)
    for step in [*steps, *result.derivation.algebra]:
        mine = step.result.xreplace({Differential(var): d})
        if any(isinstance(a, Differential) for a in sp.preorder_traversal(mine)):
            continue
        printed = matrix_text(step.result, style).replace(f"d{var.name}", f" d{var.name} ")
        if "𝟏" in printed:
            continue  # the vector of ones is typed ones(n): read back in the ASCII form
        rows, cols = shape_of(mine)
        back = parse_shaped(printed, back_shapes, unsized=rows if rows == cols else None).expr
        symbols = mine.free_symbols | back.free_symbols | set(back_shapes.sizes)
        sym = {back_shapes.symbols[n] for n in symmetric}
        for inst in mv.instances(symbols, count=2, seed=5, symmetric=sym):
            assert mv.agree(mv.value(mine, inst), mv.value(back, inst)), printed


def test_the_steps_name_the_identities():
    result = _derive("x^T A x", "x", "x=n,A=n×n")
    rules = [s.rule for s in result.derivation.steps]
    assert rules == ["quadratic_form", "scalar_transpose", "collect", "read_off"]
    result = _derive("norm(W x - y)^2", "W", "W=m×n,x=n,y=m")
    assert [s.rule for s in result.derivation.steps] == ["norm_squared", "trace_cyclic", "read_off"]
    assert result.derivation.differential.substeps[0].rule == "linear_form"


def test_sympy_is_a_second_opinion_where_it_has_a_rule():
    assert _derive("x^T A x", "x", "x=n,A=n×n").checked.sympy == "agrees"
    assert _derive("tr(A X)", "X", "A=n×n,X=n×n").checked.sympy == "agrees"
    assert _derive("softmax(z)", "z", "z=n").checked.sympy == "unavailable"


def test_a_point_gives_the_value_beside_a_difference():
    result = matrix_derivative(
        "x^T A x", wrt="x", shapes=["x=n,A=n×n"], at="A=[[1,2],[3,4]],x=[1,-1]"
    )
    # (A + Aᵀ)x = [[2,5],[5,8]] [1,-1] = [-3, -3]
    assert result.at.value == [[-3.0], [-3.0]]
    assert [v for (v,) in result.at.finite_difference] == pytest.approx([-3.0, -3.0])
    assert result.at.sizes == {"n": 2}


# --- the refusals -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "shapes", "words", "column", "suggestion"),
    [
        ("W x", "W=m×n,x=k", "W is m×n, x is k×1", 3, "did you mean x=n?"),
        ("x + y", "x=n,y=m", "x is n×1 and y is m×1", 3, "did you mean y=n?"),
        ("x y", "x=n,y=n", "x is n×1, y is n×1", 3, "x^T y"),
        ("x y", "x=n,y=m", "x is n×1, y is m×1", 3, "outer product write x y^T"),
        ("x^T A x", "A=n×n", "x is a scalar here", 1, "x=n"),
        ("det(x)", "x=n", "det needs a square matrix", 1, None),
        ("norm(A)", "A=n×n", "norm of a vector", 1, "tr(W^T W)"),
        ("x / y", "x=n,y=n", "cannot divide by y", 3, "inv(A)"),
        ("‖x", "x=n", "never closed", 1, None),
        ("A^2", "A=n×n", "a power of it is a product", 2, "A A"),
        ("foo(x)", "x=n", "unknown function 'foo'", 1, None),
        ("𝟏^T x", "x=n", "vector of ones", 1, "ones(n)"),
        ("I", "x=n", "size of I cannot be told", 1, "beside a square matrix"),
    ],
)
def test_a_shape_mismatch_is_refused_at_its_column(text, shapes, words, column, suggestion):
    with pytest.raises(InputError) as caught:
        parse_shaped(text, declared([shapes]))
    assert words in caught.value.message
    assert caught.value.column == column
    if suggestion is not None:
        assert suggestion in (caught.value.suggestion or "")


@pytest.mark.parametrize(
    ("declaration", "words"),
    [
        ("x=n,x=m", "declared twice"),
        ("x=", "cannot read"),
        ("x=n×m×k", "cannot read"),
        ("n=n", "used as a size"),
        ("x=0", "whole number from 1"),
    ],
)
def test_a_bad_declaration_is_refused(declaration, words):
    with pytest.raises(InputError, match=words):
        declared([declaration])


def test_symmetric_needs_a_declared_square_matrix():
    with pytest.raises(InputError, match="no declared shape"):
        declared(["x=n"], ["A"])
    with pytest.raises(InputError, match="only a square matrix"):
        declared(["W=m×n"], ["W"])


@pytest.mark.parametrize(
    ("point", "words"),
    [
        ("A=[[1,2],[3]]", "not all of one length"),
        ("A=[[1,2,3],[4,5,6]]", "n = 3, where another made it 2"),
        ("A=1", "give it as a list"),
        ("t=[1]", "scalar: give it a number"),
        ("A=[[1,2],[3,x]]", "expected a number"),
    ],
)
def test_a_bad_point_is_refused(point, words):
    with pytest.raises(InputError, match=words):
        parse_arrays(point, declared(["A=n×n"]))


def test_a_vector_by_a_matrix_is_refused_as_a_three_index_array():
    with pytest.raises(UsageError, match="3-index array"):
        _derive("W x", "W", "W=m×n,x=n")


# --- the command line ---------------------------------------------------------------------------


def test_diff_with_shapes_shows_the_derivation():
    out = runner.invoke(app, ["diff", "x^T A x", "--wrt", "x", "--shape", "x=n,A=n×n"])
    assert out.exit_code == 0, out.output
    assert "Layout: the gradient ∇f has the shape of x (n×1)" in out.output
    assert "1. Quadratic form: d(xᵀAx) = (dx)ᵀAx + xᵀA dx" in out.output
    assert "Result: ∇f = ∂f/∂x = (A + Aᵀ)x   (n×1)" in out.output
    assert "which is 2Ax when A is symmetric" in out.output


def test_grad_without_shapes_says_how_to_declare_them():
    out = runner.invoke(app, ["grad", "x^T A x"])
    assert out.exit_code == 2
    assert '--shape "x=n,A=n×n"' in out.output
    assert "Traceback" not in out.output


def test_a_shape_mismatch_is_exit_2_with_both_shapes():
    out = runner.invoke(app, ["diff", "W x", "--wrt", "x", "--shape", "W=m×n,x=k"])
    assert out.exit_code == 2
    assert "W is m×n, x is k×1" in out.output
    assert "did you mean x=n?" in out.output


def test_grad_with_shapes_takes_the_variable_from_vars():
    out = runner.invoke(
        app, ["grad", "norm(W x - y)^2", "--vars", "x", "--shape", "W=m×n", "--shape", "x=n,y=m"]
    )
    assert out.exit_code == 0, out.output
    assert "2Wᵀ(Wx − y)" in out.output


def test_json_has_the_result_in_sympy_syntax_and_every_step():
    out = runner.invoke(
        app,
        [
            "diff",
            "cross_entropy(softmax(W x + b), y)",
            "--wrt",
            "W",
            "--shape",
            "W=m×n,x=n,b=m,y=m",
            "--format",
            "json",
        ],
    )
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data["derivative"] == "(p - y)*x.T"
    assert data["where"] == {"p": "softmax(W*x + b)"}
    assert data["kind"] == "matrix"
    assert data["shape"] == "m×n"
    assert [s["rule"] for s in data["steps"]] == [
        "softmax_cross_entropy",
        "trace_cyclic",
        "read_off",
    ]
    assert data["checked"]["failed"] == []
    # SymPy reads the derivative back, given the matrices.
    m, n = sp.symbols("m n", integer=True, positive=True)
    names = {
        "p": sp.MatrixSymbol("p", m, 1),
        "y": sp.MatrixSymbol("y", m, 1),
        "x": sp.MatrixSymbol("x", n, 1),
    }
    assert sp.sympify(data["derivative"], locals=names).shape == (m, n)


@pytest.mark.parametrize("fmt", ["text", "markdown", "latex", "rich"])
def test_every_format_prints_the_result(fmt):
    out = runner.invoke(
        app, ["diff", "log(det(X))", "--wrt", "X", "--shape", "X=n×n", "--format", fmt]
    )
    assert out.exit_code == 0, out.output
    assert ("X^{-\\top}" if fmt in ("latex", "markdown") else "X⁻ᵀ") in out.output


def test_at_gives_the_value_in_json():
    out = runner.invoke(
        app,
        [
            "diff",
            "log(det(X))",
            "--wrt",
            "X",
            "--shape",
            "X=n×n",
            "--at",
            "X=[[2,1],[0,3]]",
            "--format",
            "json",
        ],
    )
    assert out.exit_code == 0, out.output
    at = json.loads(out.output)["at"]
    # X⁻ᵀ for X = [[2,1],[0,3]]: X⁻¹ = [[1/2, -1/6], [0, 1/3]]
    flat = [v for row in at["value"] for v in row]
    assert flat == pytest.approx([0.5, 0.0, -1 / 6, 1 / 3])
    assert [v for row in at["finite_difference"] for v in row] == pytest.approx(flat, abs=1e-9)


def test_a_random_instance_has_distinct_sizes_where_it_can():
    n, m = sp.symbols("n m", integer=True, positive=True)
    x, w = sp.MatrixSymbol("x", n, 1), sp.MatrixSymbol("W", m, n)
    first = mv.instances({x, w}, count=1, seed=random.randrange(1000))[0]
    assert first.sizes[n] != first.sizes[m]


# --- checking a matrix answer -------------------------------------------------------------------

CHECKS = [
    # function, wrt, shapes, answer, verdict, mistake
    ("x^T A x", "x", "x=n,A=n×n", "(A + A^T) x", "correct", None),
    ("x^T A x", "x", "x=n,A=n×n", "A x + A^T x", "correct", None),
    ("x^T A x", "x", "x=n,A=n×n", "2 A x", "incorrect", "symmetric_assumed"),
    ("x^T A x", "x", "x=n,A=n×n", "x^T (A + A^T)", "incorrect", "layout_mismatch"),
    ("x^T A x", "x", "x=n,A=n×n", "A x", "incorrect", None),
    ("norm(W x - y)^2", "x", "W=m×n,x=n,y=m", "2 W^T (W x - y)", "correct", None),
    ("norm(W x - y)^2", "x", "W=m×n,x=n,y=m", "2 W (W x - y)", "incorrect", "transpose_missing"),
    ("norm(W x - y)^2", "x", "W=m×n,x=n,y=m", "2 (W x - y)^T W", "incorrect", "layout_mismatch"),
    ("norm(W x - y)^2", "x", "W=m×n,x=n,y=m", "W^T (W x - y)", "incorrect", "constant_factor"),
    ("norm(W x - y)^2", "W", "W=m×n,x=n,y=m", "2 (W x - y) x^T", "correct", None),
    ("norm(W x - y)^2", "W", "W=m×n,x=n,y=m", "2 x (W x - y)^T", "incorrect", "layout_mismatch"),
    ("norm(W x - y)^2", "W", "W=m×n,x=n,y=m", "2 (W x - y)", "incorrect", "shape_mismatch"),
    ("tr(A X)", "X", "A=n×n,X=n×n", "A^T", "correct", None),
    ("tr(A X)", "X", "A=n×n,X=n×n", "A", "incorrect", "layout_mismatch"),
    ("log(det(X))", "X", "X=n×n", "inv(X)^T", "correct", None),
    ("log(det(X))", "X", "X=n×n", "inv(X)", "incorrect", "layout_mismatch"),
    (
        "cross_entropy(softmax(W x + b), y)",
        "W",
        "W=m×n,x=n,b=m,y=m",
        "(softmax(W x + b) - y) x^T",
        "correct",
        None,
    ),
    (
        "cross_entropy(softmax(W x + b), y)",
        "W",
        "W=m×n,x=n,b=m,y=m",
        "(softmax(W x + b) - y) x",
        "incorrect",
        "transpose_missing",
    ),
    ("sigmoid(w^T x)", "w", "w=n,x=n", "sigmoid(w^T x) (1 - sigmoid(w^T x)) x", "correct", None),
    ("softmax(z)", "z", "z=n", "diag(softmax(z)) - softmax(z) softmax(z)^T", "correct", None),
    ("softmax(z)", "z", "z=n", "diag(softmax(z))", "incorrect", None),
    ("tanh(z)", "z", "z=n", "diag(1 - tanh(z)^2)", "correct", None),
    ("tanh(z)", "z", "z=n", "1 - tanh(z)^2", "incorrect", "shape_mismatch"),
    ("log(det(X))", "X", "X=n×n", "X^-T", "correct", None),
    ("log_softmax(z)", "z", "z=n", "I - ones(n) softmax(z)^T", "correct", None),
    ("x + b", "x", "x=n,b=n", "I", "correct", None),
    ("x + b", "x", "x=n,b=n", "1", "incorrect", "shape_mismatch"),
    ("3 x", "x", "x=n", "3 I", "correct", None),
]


@pytest.mark.parametrize(("function", "wrt", "shapes", "answer", "verdict", "mistake"), CHECKS)
def test_a_matrix_answer_is_checked_and_its_mistake_named(
    function, wrt, shapes, answer, verdict, mistake
):
    from derivtutor.grading.matrix_check import check_matrix

    result = check_matrix(function, answer, wrt=wrt, shapes=[shapes])
    assert (result.verdict, result.mistake) == (verdict, mistake)


def test_check_names_both_shapes_when_they_differ():
    out = runner.invoke(
        app, ["check", "norm(W x - y)^2", "2 (W x - y)", "--wrt", "W", "--shape", "W=m×n,x=n,y=m"]
    )
    assert out.exit_code == 1
    assert "Your answer is m×1, and ∂f/∂W has the shape of W, m×n." in out.output


def test_check_of_a_matrix_answer_exits_by_the_verdict():
    args = ["--wrt", "x", "--shape", "x=n,A=n×n"]
    assert runner.invoke(app, ["check", "x^T A x", "(A + A^T) x", *args]).exit_code == 0
    wrong = runner.invoke(app, ["check", "x^T A x", "2 A x", *args, "--format", "json"])
    assert wrong.exit_code == 1
    data = json.loads(wrong.output)
    assert data["mistake"] == "symmetric_assumed"
    assert data["derivative"] == "(A + A.T)*x"
    assert data["witness"]["entry"] == [1, 1] or data["witness"]["entry"][1] == 1


def test_a_symmetric_declaration_makes_2ax_right():
    from derivtutor.grading.matrix_check import check_matrix

    result = check_matrix("x^T A x", "2 A x", wrt="x", shapes=["x=n,A=n×n"], symmetric=["A"])
    assert result.verdict == "correct"


def test_a_near_miss_is_never_correct():
    """Tolerances are per entry and relative, at 30 digits: a millionth off is wrong, and the
    same answer written another way is right, at seeded and fresh instances alike."""
    from derivtutor.grading.matrix_check import check_matrix

    for _ in range(3):
        same = check_matrix("x^T x", "2 x + x - x", wrt="x", shapes=["x=n"])
        assert same.verdict == "correct"
        wrong = check_matrix("x^T x", "2 x + 0.000001 x", wrt="x", shapes=["x=n"])
        assert wrong.verdict == "incorrect"


# --- the README ---------------------------------------------------------------------------------

README = (__import__("pathlib").Path(__file__).resolve().parent.parent / "README.md").read_text(
    encoding="utf-8"
)


@pytest.mark.parametrize(
    "command",
    [
        ["diff", "x^T A x", "--wrt", "x", "--shape", "x=n,A=n×n"],
        ["check", "norm(W x - y)^2", "2 W (W x - y)", "--wrt", "x", "--shape", "W=m×n,x=n,y=m"],
    ],
)
def test_the_readme_samples_are_what_the_commands_print(command):
    shown = " ".join(f'"{c}"' if " " in c else c for c in command)
    block = README.split(f"```text\n$ derivtutor {shown}\n", 1)[1].split("```", 1)[0]
    out = runner.invoke(app, command)
    assert out.stdout == block


def test_the_readme_lists_every_matrix_identity():
    from derivtutor.engine.table import MATRIX_TABLE

    for entry in MATRIX_TABLE:
        assert f"| `{entry.rule}` |" in README, entry.rule


# --- a property: random compositions, every node checked ----------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

WORLD = "x=n,y=n,A=n×n,B=n×n,W=m×n,v=m"

_VECTORS = st.recursive(
    st.sampled_from(["x", "y", "A x", "B y", "W^T v"]),
    lambda inner: st.one_of(
        st.tuples(inner, inner).map(lambda t: f"({t[0]} + {t[1]})"),
        st.tuples(st.sampled_from(["A", "B", "A^T", "inv(A)"]), inner).map(
            lambda t: f"{t[0]} ({t[1]})"
        ),
        st.tuples(st.sampled_from(["tanh", "sigmoid", "exp"]), inner).map(
            lambda t: f"{t[0]}({t[1]})"
        ),
        st.tuples(inner, inner).map(lambda t: f"hadamard({t[0]}, {t[1]})"),
        st.tuples(st.sampled_from(["2", "-1", "(1/2)"]), inner).map(lambda t: f"{t[0]} ({t[1]})"),
    ),
    max_leaves=4,
)

_SCALARS = st.one_of(
    st.tuples(_VECTORS, _VECTORS).map(lambda t: f"({t[0]})^T ({t[1]})"),
    _VECTORS.map(lambda v: f"norm({v})^2"),
    _VECTORS.map(lambda v: f"sum({v})"),
    st.tuples(_VECTORS, _VECTORS).map(lambda t: f"sigmoid(({t[0]})^T ({t[1]}))"),
    st.just("log(det(A))"),
    st.just("tr(A B)"),
    _VECTORS.map(lambda v: f"cross_entropy(softmax({v}), y)"),
)


@settings(max_examples=60, deadline=None, derandomize=True)
@given(
    st.lists(_SCALARS, min_size=1, max_size=3).map(" + ".join),
    st.sampled_from(["x", "A"]),
)
def test_random_compositions_are_derived_and_every_step_checked(text, wrt):
    """Each step of each derivation is checked at random matrices by the derivation itself; the
    result is also checked here, entry by entry, by a central difference of f alone."""
    try:
        result = matrix_derivative(text, wrt=wrt, shapes=[WORLD])
    except UsageError:
        return  # a function without the variable, or outside the rules: refused, never wrong
    assert result.checked.failed == (), text
    f, var = result.expression, result.var
    symbols = {s for s in f.free_symbols if not (isinstance(s, sp.Symbol) and s.is_integer)}
    targets = {a.args[1] for a in sp.preorder_traversal(f) if isinstance(a, CrossEntropy)}
    inst = mv.instances(symbols | {var}, count=1, seed=17, distributions=targets)[0]
    g = mv.value(result.result.xreplace(dict(result.derivation.where)), inst)
    flat = [g[i, j] for i in range(g.rows) for j in range(g.cols)]
    for ours, slope in zip(flat, _entrywise_difference(result, inst), strict=True):
        assert abs(ours - slope) < 1e-8 * max(1, abs(slope)), text


def test_each_identity_is_a_class_whose_docstring_is_its_row_of_the_rules_table():
    from derivtutor.engine.differentials import RULES
    from derivtutor.engine.table import MATRIX_TABLE

    rows = {e.rule: e for e in MATRIX_TABLE}
    for rule, cls in RULES.items():
        row = rows[rule]
        assert (cls.__doc__ or "").splitlines()[0] == f"{row.function} = {row.derivative}"
    # The two rows that are not steps of a derivation are backprop's, by layers.
    assert set(rows) - set(RULES) == {"linear_layer", "chain_jacobians"}


@pytest.mark.parametrize(
    ("text", "wrt", "shapes"),
    [
        ("norm(W x - y)^2", "W", "W=m×n,x=n,y=m"),
        ("x^T A x", "x", "x=n,A=n×n"),
        ("cross_entropy(softmax(W x + b), y)", "W", "W=m×n,x=n,b=m,y=m"),
        ("tanh(z)", "z", "z=n"),
        ("log(det(X))", "X", "X=n×n"),
        ("sigmoid(w^T x)", "w", "w=n,x=n"),
    ],
)
def test_entries_link_the_matrix_result_to_the_scalar_partials(text, wrt, shapes):
    result = matrix_derivative(text, wrt=wrt, shapes=[shapes], entries=True)
    link = result.entry
    assert link.agree
    assert link.variable in link.function.free_symbols
    assert set(link.sizes.values()) == {2}


def test_entries_on_the_command_line():
    out = runner.invoke(
        app, ["diff", "norm(W x - y)^2", "--wrt", "W", "--shape", "W=m×n,x=n,y=m", "--entries"]
    )
    assert out.exit_code == 0, out.output
    assert "One entry, by the scalar rules (m = 2, n = 2)" in out.output
    assert "f = (W₁₁·x₁ + W₁₂·x₂ − y₁)² + (W₂₁·x₁ + W₂₂·x₂ − y₂)²" in out.output
    assert ": the same. Each entry of the matrix result is such a partial derivative." in out.output
    refused = runner.invoke(app, ["diff", "x^2", "--entries"])
    assert refused.exit_code == 2 and "give --shape" in refused.output


@pytest.mark.parametrize(
    "command",
    [
        [
            "diff",
            "cross_entropy(softmax(W x + b), y)",
            "--wrt",
            "W",
            "--shape",
            "W=m×n,x=n,b=m,y=m",
        ],
        ["diff", "log_softmax(z)", "--wrt", "z", "--shape", "z=n", "--entries"],
        ["check", "x^T A x", "2 A x", "--wrt", "x", "--shape", "x=n,A=n×n"],
        [
            "backprop",
            "cross_entropy(softmax(W2 tanh(W1 x + b1) + b2), y)",
            "--shape",
            "x=n,W1=m×n,b1=m,W2=k×m,b2=k,y=k",
        ],
    ],
)
def test_latex_output_is_ascii_for_pdflatex(command):
    """pdflatex's default encodings know no ᵀ, ⊙ or ×: every one is set as LaTeX."""
    out = runner.invoke(app, [*command, "--format", "latex"])
    assert out.exit_code in (0, 1), out.output
    assert out.stdout.isascii(), sorted({c for c in out.stdout if not c.isascii()})


# --- the red team's findings, each kept as a test -----------------------------------------------

FOOLED = [
    # a wrong answer, and how it tried to pass
    ("x^T A x", "x", "x=n,A=n×n", "(A + A^T) x + (n-2)(n-3)(n-4) x"),  # zero at sizes 2 to 4
    ("x^T A x", "x", "x=n,A=n×n", "(A + A^T) x + (n-3)(n-4) x"),
    ("det(A)", "A", "A=n×n", "abs(det(A)) inv(A)^T"),  # right while det A > 0
    ("x^T A x", "x", "x=n,A=n×n", "(A^T + A) x + relu(-tr(A)) x"),  # right while tr A > 0
    ("x^T A x", "x", "x=n,A=n×n", "(A^T + A) x + relu(-det(A)) x"),
    ("sum(exp(200 x))", "x", "x=n", "200 exp(200 x) + 1000 ones(n)"),  # lost in the large entries
    ("x^T A x", "x", "x=n,A=n×n", "(A + A^T) x + 0.000000000005 x"),
    ("cross_entropy(softmax(z), W x)", "z", "z=k,W=k×n,x=n", "softmax(z) - W x"),  # Σ Wx ≠ 1
]


@pytest.mark.parametrize(("function", "wrt", "shapes", "answer"), FOOLED)
def test_a_wrong_answer_that_is_right_only_somewhere_is_incorrect(function, wrt, shapes, answer):
    from derivtutor.grading.matrix_check import check_matrix

    for _ in range(3):  # fresh instances each time: never once correct
        assert check_matrix(function, answer, wrt=wrt, shapes=[shapes]).verdict == "incorrect"


@pytest.mark.parametrize(
    ("function", "wrt", "shapes", "answer"),
    [
        ("cross_entropy(softmax(z), W x)", "z", "z=k,W=k×n,x=n", "softmax(z) sum(W x) - W x"),
        ("cross_entropy(softmax(z), y)", "y", "z=k,y=k", "-log_softmax(z)"),
        ("tr(A)", "A", "A=n×n", "I"),
        ("exp(tr(A))", "A", "A=n×n", "exp(tr(A)) I"),
        ("log(det(X))", "X", "X=n×n", "inv(X)^T"),
        ("e x^T x", "x", "x=n", "2 e x"),
    ],
)
def test_a_right_answer_the_red_team_found_refused_is_correct(function, wrt, shapes, answer):
    from derivtutor.grading.matrix_check import check_matrix

    assert check_matrix(function, answer, wrt=wrt, shapes=[shapes]).verdict == "correct"


def test_e_prints_as_e_and_scientific_notation_is_a_number():
    result = matrix_derivative("e x^T x", wrt="x", shapes=["x=n"])
    assert matrix_text(result.result) == "2ex" and "π" not in matrix_text(result.expression)
    # 1e-3 is 0.001, never e − 3: the red team's misreading.
    result = matrix_derivative("x^T x + 1e-3 x^T x", wrt="x", shapes=["x=n"])
    assert matrix_text(result.result) == "(1001/500)x"
    with pytest.raises(InputError, match="at most"):
        parse_arrays("x=[1e400,2]", declared(["x=n"]))


def test_sympy_s_opinion_is_shown_at_full_detail():
    args = ["diff", "x^T A x", "--wrt", "x", "--shape", "x=n,A=n×n"]
    assert (
        "SymPy's own matrix derivative agrees"
        in runner.invoke(app, [*args, "--detail", "full"]).output
    )
    plain = runner.invoke(app, [*args, "--format", "json"])
    assert json.loads(plain.output)["checked"]["sympy"] == "not asked"
