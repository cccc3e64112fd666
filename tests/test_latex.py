"""LaTeX input (language/latex.py): each form reads as the same expression as its plain form,
errors point at the LaTeX the user wrote, and the bounds and whitelist of the plain grammar
hold, since the translation ends in the same scanner and parser."""

from __future__ import annotations

from pathlib import Path

import pytest
import sympy as sp
import yaml
from hypothesis import given
from hypothesis import strategies as st
from invoke import fails, ok

from derivtutor.errors import InputError
from derivtutor.language.latex import from_latex, is_latex
from derivtutor.language.parse import parse

# (LaTeX as pasted from notes, the plain form it must read as)
SAME_AS_PLAIN = [
    # the issue's own examples
    (r"\frac{1}{1+e^{-x}}", "1/(1+e^(-x))"),
    (r"\sin(x^2)", "sin(x^2)"),
    (r"2x\cos(x^2)", "2x cos(x^2)"),
    (r"\sqrt{x^2+1}", "sqrt(x^2+1)"),
    (r"\sqrt[3]{x}", "x^(1/3)"),
    (r"x^{10}", "x^10"),
    (r"x_{1}^{2} + x_2", "x_1^2 + x_2"),
    (r"3 \cdot x", "3*x"),
    (r"3 \times x", "3*x"),
    (r"\left(x+1\right)^{2}", "(x+1)^2"),
    (r"\ln(x)", "ln(x)"),
    (r"\log(x)", "log(x)"),
    (r"\exp(-x^2)", "exp(-x^2)"),
    (r"\operatorname{softplus}(x)", "softplus(x)"),
    (r"\sigma(z)", "sigmoid(z)"),
    (r"\tanh(\theta)", "tanh(theta)"),
    (r"\alpha x + \beta", "alpha x + beta"),
    (r"\mathrm{ReLU}(x)", "relu(x)"),
    (r"\lvert x \rvert", "abs(x)"),
    # ten more, as lecture notes and Overleaf write them
    (r"\dfrac{x^2+1}{x-1}", "(x^2+1)/(x-1)"),
    (r"\tfrac12 x^2", "(1/2) x^2"),
    (r"\frac{d}{dx}", None),  # alone it is an operator with no function: refused below
    (r"\sin^2(x) + \cos^{2}(x)", "sin(x)^2 + cos(x)^2"),
    (r"\sin^{-1}(x)", "asin(x)"),
    (r"\arctan\left(\frac{x}{2}\right)", "atan(x/2)"),
    (r"\sin x \cos x", "sin(x) cos(x)"),
    (r"\sin 2x", "sin(2x)"),
    (r"\ln x^2", "ln(x^2)"),
    (r"\cos\theta", "cos(theta)"),
    (r"\log_{2}(x)", "log(x, 2)"),
    (r"\log_{10} x", "log(x, 10)"),
    (r"e^{x}\sin x", "e^x sin(x)"),
    (r"\mathrm{e}^{2x}", "e^(2x)"),
    (r"\left\lvert x - 1 \right\rvert", "abs(x - 1)"),
    (r"\left| x \right|", "abs(x)"),
    (r"\frac{\sqrt{x}}{x^{3/2}+1}", "sqrt(x)/(x^(3/2)+1)"),
    (r"x^{\frac{1}{2}}", "x^(1/2)"),
    (r"2^{x}\,\ln 2", "2^x ln(2)"),
    (r"\max(0, x)", "relu(x)"),
    (r"\operatorname{sgn}(x)", "sign(x)"),
    (r"\left[x^2 + 1\right]^{3}", "(x^2 + 1)^3"),
    (r"\pi x^2", "pi x^2"),
    (r"$x^2 \sin x$", "x^2 sin(x)"),
    (r"$$\frac{1}{x}$$", "1/x"),
    (r"\(\tanh(x)\)", "tanh(x)"),
    (r"\displaystyle \frac{x}{1+x}", "x/(1+x)"),
    (r"\frac{-b}{2a}x", "(-b/(2a)) x"),
    (r"w_{1} x_{1} + w_{2} x_{2} + b", "w_1 x_1 + w_2 x_2 + b"),
    (r"\frac{1}{2}\left(y - \hat{y}\right)^2", None),  # \hat is refused: not a name here
    # found by the red team: TeX's readings, not the first token's
    (r"\sin 2\pi x", "sin(2 pi x)"),
    (r"\cos \omega t", "cos(omega t)"),
    (r"\sin 2 x", "sin(2x)"),
    (r"\sqrt xy", "sqrt(x) y"),
    (r"\frac{1}xy", "(1/x) y"),
    (r"\ln \sin x", "ln(sin(x))"),
    (r"\sin\frac{x}{2}", "sin(x/2)"),
    (r"\sin -x", "sin(-x)"),
    (r"\max\{0, x\}", "relu(x)"),
    (r"\ln\left|x\right|", "ln(abs(x))"),
    (r"\ln\left\lvert x + 1\right\rvert", "ln(abs(x + 1))"),
    (r"2\pi\cos 2\pi x", "2 pi cos(2 pi x)"),
    (r"2xe^{x^2}", "2x e^(x^2)"),
    (r"{x^2 + x} 2^x", "(x^2 + x) 2^x"),
    (r"\log_2\left(x\right)", "log(x, 2)"),
    # the second pass: spaces between a function's factors, a power on bars
    (r"\sin x y", "sin(x y)"),
    (r"\cos w t", "cos(w t)"),
    (r"\sin x\,y", "sin(x y)"),
    (r"\ln |x|^2", "ln(abs(x)^2)"),
    (r"\ln\left|x\right|^{2}", "ln(abs(x)^2)"),
    (r"\sigma^2(x)", "sigmoid(x)^2"),
]


@pytest.mark.parametrize(
    ("latex", "plain"),
    [case for case in SAME_AS_PLAIN if case[1] is not None],
    ids=[case[0] for case in SAME_AS_PLAIN if case[1] is not None],
)
def test_latex_reads_as_its_plain_form(latex: str, plain: str) -> None:
    assert is_latex(latex)
    assert parse(latex).doit() == parse(plain).doit()


def test_there_are_ten_more_than_the_issues_examples() -> None:
    assert len([case for case in SAME_AS_PLAIN if case[1] is not None]) >= 20 + 10


# (LaTeX, the column of the caret, words of the message, words of the suggestion)
REFUSED = [
    (r"\int x\,dx", 1, r"\int", "derivatives"),
    (r"\sum_{i} x_i", 1, r"\sum", "terms out"),
    (r"x + \infty", 5, r"\infty", None),
    (r"\frac{1}{x", 9, "never closed", "'}'"),
    (r"x}", 2, "no matching", "'{'"),
    (r"\sqrt[3{x}", 6, "never closed", None),
    (r"\fraq{1}{x}", 1, r"\fraq", r"\frac"),
    (r"\hat{y}", 1, r"\hat", None),
    (r"x \le 1", 3, "statement", None),
    (r"x^23", None, None, None),  # plain text, read as x²³: no backslash, no LaTeX
    (r"\frac{1}{x}^23", 12, "one character", "x^{23}"),
    (r"\sin^{x}(x)", 5, "whole number", None),
    (r"\frac{x}", 9, r"\frac needs its argument", r"\frac{1}{x}"),
    (r"x_{1+2}", 2, "index", None),
    (r"\operatorname{foo}(x)", 15, "unknown", None),
    (r"\mathrm{d}x", 1, "differential", None),
    ("\\", 1, "backslash", None),
    (r"x^\top x", 3, "transpose", None),  # a transpose, never the power T
    (r"x^{T} x", 3, "transpose", None),
    (r"\frac{dy}{dx}", 1, "names a derivative", None),
    (r"\frac{d}{dx}", 1, "needs a function after it", None),
    (r"x + \frac{d}{dx} x", 5, "read only at the start", None),
    (r"\frac{d^2}{dx^2} x^3", 1, "higher derivative", "order=2"),
    (r"\frac{d^2 y}{dx^2}", 1, "higher derivative", None),
    (r"\frac{(x-\mu)^2}{2\sigma^2}", 19, "standard deviation", None),
    ("{" * 60 + "x" + "}" * 60, 41, "nested too deeply", None),
]


@pytest.mark.parametrize(("latex", "column", "says", "suggests"), REFUSED)
def test_latex_errors_point_at_what_was_written(
    latex: str, column: int | None, says: str | None, suggests: str | None
) -> None:
    if column is None:
        assert parse(latex) == parse("x^23")
        return
    with pytest.raises(InputError) as caught:
        parse(latex)
    err = caught.value
    assert err.column == column, err.render()
    assert err.text == latex
    if says is not None:
        assert says in err.message, err.message
    if suggests is not None:
        assert suggests in (err.suggestion or ""), err.suggestion


def test_the_column_map_covers_every_character() -> None:
    latex = r"\frac{1}{1+e^{-x}}"
    plain, columns = from_latex(latex)
    assert len(plain) == len(columns)
    assert all(1 <= c <= len(latex) for c in columns)
    # The 'x' of the plain text came from the 'x' of the LaTeX.
    assert latex[columns[plain.index("x")] - 1] == "x"


@given(st.text(alphabet=r"\{}[]^_x12+-()frac sqrt", max_size=60))
def test_any_latex_is_read_or_refused_with_an_input_error(text: str) -> None:
    try:
        parse(text)
    except InputError as err:
        assert err.column is None or 1 <= err.column <= len(text) + 1


def test_nothing_in_latex_escapes_the_whitelist() -> None:
    """A command that names a Python builtin is an unknown command, never a call."""
    for text in (r"\__import__{os}", r"\eval{1}", r"\operatorname{__import__}(x)"):
        with pytest.raises(InputError):
            parse(text)


# --- the textbook set: LaTeX as the books' own sources write it ------------------------------

BOOK = Path(__file__).parent.parent / "benchmarks" / "textbook" / "latex.yaml"
ITEMS = yaml.safe_load(BOOK.read_text())["items"] if BOOK.exists() else []


@pytest.mark.parametrize("item", ITEMS, ids=[i["id"] for i in ITEMS])
def test_the_books_latex_reads_as_its_plain_form(item: dict[str, str]) -> None:
    assert item["source"] and item["url"].startswith("https://")
    assert parse(item["latex"]).doit() == parse(item["plain"]).doit()


ANSWERED = [item for item in ITEMS if "answer_latex" in item]


@pytest.mark.parametrize("item", ANSWERED, ids=[i["id"] for i in ANSWERED])
def test_the_books_latex_answer_is_graded_correct(item: dict[str, str]) -> None:
    """The book's answer, pasted as LaTeX, is the derivative of its function, pasted as LaTeX."""
    from derivtutor import check

    verdict = check(
        item["latex"], item["answer_latex"], wrt=item["variable"], domain=item.get("domain")
    )
    assert verdict.verdict == "correct", verdict.message


def test_the_book_set_is_large_and_varied() -> None:
    assert len(ITEMS) >= 100 and len(ANSWERED) >= 100
    text = "".join(item["latex"] for item in ITEMS)
    for construct in (r"\dfrac", r"\sqrt[", r"\left", r"\cdot", "^{", r"\sin"):
        assert construct in text


# --- through the command line ----------------------------------------------------------------


def test_diff_reads_latex_and_ends_in_the_sigmoid_form() -> None:
    out = ok(["diff", "--format", "text", r"\frac{1}{1+e^{-x}}"])
    assert out.startswith("d/dx [1/(1 + e^(−x))]")
    assert "σ(x)·(1 − σ(x))" in out


def test_check_reads_latex_on_both_sides() -> None:
    out = ok(["check", "--format", "text", r"\sin(x^2)", r"2x\cos(x^2)"])
    assert "Read as:  2x·cos(x²)" in out
    assert "Verdict:  correct" in out


def test_check_latex_answer_with_its_left_side() -> None:
    out = ok(["check", "--format", "text", r"\sin(x^2)", r"\frac{dy}{dx} = 2x\cos(x^2)"])
    assert "Verdict:  correct" in out


def test_a_wrong_latex_answer_is_wrong() -> None:
    from invoke import runner

    from derivtutor.cli import app

    result = runner.invoke(app, ["check", "--format", "json", r"\sin(x^2)", r"\cos(x^2)"])
    assert result.exit_code == 1
    assert '"mistake": "missing_chain_factor"' in result.stdout


def test_diff_takes_the_latex_operator() -> None:
    out = ok(["diff", "--format", "text", r"\frac{d}{dt}\left(t^2 \sin t\right)"])
    assert out.startswith("d/dt [t²·sin(t)]")


def test_a_latex_error_is_shown_at_its_column() -> None:
    err = fails(["diff", r"\frac{1}{1+e^{-x}"])
    assert "never closed" in err
    lines = err.splitlines()
    caret = next(line for line in lines if line.strip() == "^")
    shown = lines[lines.index(caret) - 1]
    assert shown.strip() == r"\frac{1}{1+e^{-x}"
    assert shown[caret.index("^")] == "{"


def test_the_operator_alone_is_no_function() -> None:
    with pytest.raises(InputError):
        parse(r"\frac{d}{dx}")


def test_the_operator_with_an_unbraced_d() -> None:
    assert ok(["diff", "--format", "text", r"\frac d{dx} x^2"]).startswith("d/dx [x²]")


def test_a_greek_variable_in_the_operator() -> None:
    out = ok(["diff", "--format", "text", r"\frac{d}{d\theta}\theta^3"])
    assert out.startswith("d/dθ [θ³]")


def test_check_reads_the_operator_and_says_how_it_read_the_function() -> None:
    out = ok(["check", "--format", "text", r"\frac{d}{dx}\ln x^2", r"\frac{2}{x}"])
    assert out.splitlines()[:3] == ["Function: ln(x²)", "Read as:  2/x", "Verdict:  correct"]


def test_latex_of_the_output_reads_back() -> None:
    """What derivtutor prints with --format latex can be pasted back in."""
    import json

    data = json.loads(ok(["diff", "--format", "json", "x^2 sin(x) + sqrt(x)/(1+x)"]))
    again = parse(data["latex"])
    assert sp.simplify(again.doit() - sp.sympify(data["derivative"], locals=_LOCALS)) == 0


_LOCALS = {"x": sp.Symbol("x", real=True)}
