"""The command line, through Typer's CliRunner: every option of `diff`, every exit code."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import sympy as sp
from contracts import DIFF_KEYS, STEP_KEYS
from typer.main import get_command
from typer.testing import CliRunner

import derivtutor
from derivtutor import places, terminal
from derivtutor.cli import app
from derivtutor.engine.table import MATRIX_TABLE, TABLE

runner = CliRunner()

SIGMOID = "1/(1+exp(-x))"


def _ok(args: list[str], **kwargs: Any) -> str:
    result = runner.invoke(app, args, **kwargs)
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    return result.stdout


def _fails(args: list[str], code: int = 2, **kwargs: Any) -> str:
    """Runs a failing command; returns stderr, having checked stdout is empty and no traceback."""
    result = runner.invoke(app, args, **kwargs)
    assert result.exit_code == code, result.output
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert result.stderr.strip()
    return result.stderr


def _steps(step: dict[str, Any]) -> list[dict[str, Any]]:
    return [step, *(s for sub in step["substeps"] for s in _steps(sub))]


# --- exit 0: each format -------------------------------------------------------------------------


def test_text_format_shows_the_whole_derivation() -> None:
    out = _ok(["diff", SIGMOID, "--format", "text"])
    for piece in ("Power form", "Chain rule", "u₁", "σ(x)·(1 − σ(x))", "Result"):
        assert piece in out
    assert out.index("Power form") < out.index("Chain rule") < out.index("Result")


def test_default_format_when_piped_is_text() -> None:
    assert _ok(["diff", SIGMOID]) == _ok(["diff", SIGMOID, "--format", "text"])


def test_format_is_case_insensitive() -> None:
    assert _ok(["diff", "x^2", "--format", "JSON"]) == _ok(["diff", "x^2", "--format", "json"])


def test_json_format_has_exactly_the_documented_keys() -> None:
    data = json.loads(_ok(["diff", SIGMOID, "--format", "json"]))  # nothing else on stdout
    assert set(data) == DIFF_KEYS
    assert data["input"] == SIGMOID
    assert data["variable"] == "x"
    assert data["order"] == 1
    assert data["at"] is None
    assert len(data["steps"]) == 1
    assert data["steps"][0]["rule"] == "power_form"
    for step in _steps(data["steps"][0]):
        assert set(step) == STEP_KEYS
    assert "chain" in {s["rule"] for s in _steps(data["steps"][0])}
    # Every expression string is SymPy syntax: sympify reads it back, equal to σ'(x).
    x = sp.Symbol("x", real=True)
    derivative = sp.sympify(data["derivative"], locals={"x": x})
    assert sp.simplify(derivative - sp.exp(-x) / (1 + sp.exp(-x)) ** 2) == 0
    assert data["forms"] == ["(1 - sigmoid(x))*sigmoid(x)"]


def test_json_at_has_point_value_and_finite_difference() -> None:
    data = json.loads(_ok(["diff", "x^2 y^3", "--wrt", "y", "--at", "x=1,y=2", "--format", "json"]))
    assert data["variable"] == "y"
    assert data["at"]["point"] == {"x": 1.0, "y": 2.0}
    assert data["at"]["value"] == 12.0
    assert data["at"]["finite_difference"] == pytest.approx(12.0, rel=1e-6)


def test_latex_format_is_a_balanced_align_block() -> None:
    out = _ok(["diff", SIGMOID, "--format", "latex"])
    assert out.index(r"\begin{align*}") < out.index(r"\end{align*}")
    unescaped = out.replace(r"\{", "").replace(r"\}", "")
    assert unescaped.count("{") == unescaped.count("}")
    assert r"\sigma" in out


def test_markdown_format_uses_dollar_maths() -> None:
    out = _ok(["diff", SIGMOID, "--format", "markdown"])
    assert "$" in out
    assert "**Result:**" in out
    assert r"\frac{e^{- x}}{\left(1 + e^{- x}\right)^{2}}" in out


@pytest.mark.parametrize("expression", [SIGMOID, "e^(sin(x)^2)/(1+x^4)"])
def test_rich_format_draws_a_tree_and_a_result_panel_within_80_columns(expression: str) -> None:
    out = _ok(["diff", expression, "--format", "rich"])
    assert "└── 1. " in out
    assert "╭─ Result" in out
    assert "\x1b[" not in out  # not a terminal: no colour codes
    assert max(len(line) for line in out.splitlines()) <= 80


def test_rich_format_shows_brackets_literally() -> None:
    """d/db [b]: '[b]' is Rich's bold tag, and must reach the screen as text."""
    out = _ok(["diff", "b", "--format", "rich"])
    assert "d/db [b] = 1" in out


# --- the options of diff -------------------------------------------------------------------------


def test_wrt_gives_a_partial_derivative() -> None:
    out = _ok(["diff", "x^2 y^3", "--wrt", "y"])
    assert "partial" in out
    assert "x is held constant" in out
    assert "∂/∂y [x²·y³] = 3x²·y²" in out


def test_order_shows_each_order() -> None:
    out = _ok(["diff", "x^3", "--order", "2"])
    assert "Order 1: d/dx [x³]" in out
    assert "Order 2: d²/dx² [x³] = d/dx [3x²]" in out
    assert "Result: d²/dx² [x³] = 6x" in out
    assert "Order 3" not in out


def test_order_ten_is_allowed() -> None:
    out = _ok(["diff", "x^12", "--order", "10"])
    assert "Order 10" in out
    assert "239500800x²" in out  # 12!/2!


def test_at_compares_with_a_finite_difference() -> None:
    out = _ok(["diff", "x^3", "--at", "x=1"])
    assert "Gradient check at x = 1:" in out
    assert "d/dx [x³] = 3\n" in out
    assert "finite difference" in out
    assert "They agree" in out


def test_at_a_kink_says_the_two_differ() -> None:
    out = _ok(["diff", "relu(x)", "--at", "x=0"])
    assert "d/dx [relu(x)] = 0\n" in out  # the subgradient 0
    assert "finite difference  0.5" in out
    assert "They differ by 0.5" in out
    assert "corner or jump" in out


def test_at_the_corner_of_abs_is_not_called_agreement() -> None:
    out = _ok(["diff", "abs(x)", "--at", "x=0"])
    assert "finite difference  0" in out
    assert "They agree" not in out
    assert "no derivative here" in out


def test_at_a_point_outside_the_domain_is_undefined() -> None:
    out = _ok(["diff", "ln(x)", "--at", "x=-1"])
    assert "d/dx [ln(x)] = undefined" in out
    assert "not defined" in out


def test_at_with_several_variables() -> None:
    out = _ok(["diff", "x^2 y^3", "--wrt", "x", "--at", "x=1,y=2"])
    assert "Gradient check at x = 1, y = 2:" in out
    assert "∂/∂x [x²·y³] = 16\n" in out
    assert "They agree" in out


def test_dash_reads_the_expression_from_stdin() -> None:
    out = _ok(["diff", "-"], input="x^3\n")
    assert "Result: d/dx [x³] = 3x²" in out


@pytest.mark.parametrize("stdin", ["", "\n", "   \n\n"])
def test_empty_stdin_is_bad_input(stdin: str) -> None:
    err = _fails(["diff", "-"], input=stdin)
    assert "no expression on stdin" in err


def test_double_dash_allows_a_leading_minus() -> None:
    out = _ok(["diff", "--", "-x^2"])
    assert "Result: d/dx [−x²] = −2x" in out


@pytest.mark.parametrize(
    ("args", "result"),
    [
        (["diff", "-x^2"], "= −2x"),
        (["diff", "-x y + 1", "--wrt", "x"], "= −y"),
        (["diff", "--order", "2", "-x^3"], "= −6x"),
        (["grad", "-x^2 - y^2"], "(−2x, −2y)"),
    ],
)
def test_an_expression_may_start_with_a_minus(args: list[str], result: str) -> None:
    assert result in _ok(args)


def test_a_mistyped_option_of_diff_gets_the_real_one() -> None:
    assert "Did you mean --wrt?" in _fails(["diff", "x^2", "--wtr", "x"])


@pytest.mark.parametrize("flag", ["-h", "--help"])
def test_help_flags_are_not_mistaken_for_expressions(flag: str) -> None:
    out = _ok(["diff", flag])
    assert "Differentiate EXPR" in out


# --- exit 2: bad input or usage ------------------------------------------------------------------


def test_unparseable_input_points_at_the_column() -> None:
    err = _fails(["diff", "sin x"])
    assert "  sin x\n      ^\n" in err
    assert "did you mean sin(x)?" in err


def test_several_variables_need_wrt() -> None:
    err = _fails(["diff", "x^2 y^3"])
    assert "(x, y)" in err
    assert "--wrt" in err


@pytest.mark.parametrize("order", ["0", "10001", "-1", "two"])
def test_order_out_of_range(order: str) -> None:
    err = _fails(["diff", "x^2", f"--order={order}"])
    assert "--order" in err


@pytest.mark.parametrize(
    ("at", "message"),
    [
        ("x", "--at expects VAR=VALUE"),
        ("x=", "--at expects VAR=VALUE"),
        ("=1", "--at expects VAR=VALUE"),
        ("x=foo", "unknown name 'foo'"),
        ("y=1", "y is not a variable of the expression"),
        ("2=1", "is not a variable name"),
        ("x=y", "must be a number"),
    ],
)
def test_bad_at(at: str, message: str) -> None:
    assert message in _fails(["diff", "x^2", "--at", at])


def test_bad_format() -> None:
    err = _fails(["diff", "x^2", "--format", "pdf"])
    assert "'pdf' is not one of" in err


def test_bad_wrt() -> None:
    assert "--wrt needs a variable name" in _fails(["diff", "x^2", "--wrt", "2"])


@pytest.mark.parametrize("expression", ["", "x^", "(x+1", "sin(x", "f'(x)", "x = 2", "9^9^9"])
def test_malformed_expressions(expression: str) -> None:
    assert _fails(["diff", expression]).startswith("error: ")


def test_input_is_never_read_as_markup() -> None:
    err = _fails(["diff", "x [bold]"])
    assert "  x [bold]\n" in err


def test_option_values_are_never_read_as_markup() -> None:
    """Click's usage errors go through Rich: the echoed value must stay literal."""
    err = _fails(["diff", "x", "--format", "[red]x[/red]"])
    assert "'[red]x[/red]'" in err


# --- exit 3: internal errors ---------------------------------------------------------------------


def _broken(*args: Any, **kwargs: Any) -> Any:
    raise RuntimeError("boom")


def test_internal_error_is_short_without_debug(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("derivtutor.calculus.differentiation.differentiate", _broken)
    err = _fails(["diff", "x^2"], code=3)
    assert "internal error (RuntimeError: boom)" in err
    assert "--debug" in err
    assert len(err.splitlines()) == 1


def test_internal_error_shows_the_traceback_with_debug(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("derivtutor.calculus.differentiation.differentiate", _broken)
    result = runner.invoke(app, ["diff", "x^2", "--debug"])
    assert result.exit_code == 3, result.output
    assert "Traceback (most recent call last)" in result.stderr
    assert "RuntimeError: boom" in result.stderr
    assert result.stdout == ""


# --- version and help ----------------------------------------------------------------------------


def test_version() -> None:
    assert _ok(["--version"]) == f"derivtutor {derivtutor.__version__}\n"


def test_no_arguments_shows_help() -> None:
    result = runner.invoke(app, [])
    assert "Usage" in result.output
    assert "diff" in result.output


@pytest.mark.parametrize("args", [["--help"], ["diff", "--help"], ["rules", "--help"]])
def test_help_has_an_example(args: list[str]) -> None:
    out = _ok(args)
    assert "Example: derivtutor " in out
    assert "[bold]" not in out  # markup is rendered, not printed


def _command_paths(command: Any, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Any]]:
    found = [(path, command)]
    for name, sub in getattr(command, "commands", {}).items():
        found += _command_paths(sub, (*path, name))
    return found


def test_every_command_has_help_with_an_example() -> None:
    paths = _command_paths(get_command(app))
    assert {p for p, _ in paths} >= {(), ("diff",), ("rules",)}
    for path, command in paths:
        assert command.help and "Example" in command.help, path
        assert "Example" in _ok([*path, "--help"]), path


# --- rules ---------------------------------------------------------------------------------------


def test_rules_lists_every_row() -> None:
    out = _ok(["rules"])
    for piece in ("δ_ij", "[sigmoid]", "[relu]", "tanh(x)", "log_b(x)", "[chain]", "[quotient]"):
        assert piece in out
    # The scalar rules, a gap, the matrix identities under their heading.
    assert len(out.splitlines()) == len(TABLE) + 2 + len(MATRIX_TABLE)
    assert "Matrix differentials" in out and "[quadratic_form]" in out


@pytest.mark.parametrize(
    ("name", "expected", "lines"),
    [
        ("chain", "f(g(x))  ->  f'(g(x))·g'(x)", 1),
        ("tanh", "tanh(x)  ->  sech²(x) = 1 − tanh²(x)", 1),
        # softmax has a scalar row and, under its heading, its matrix differential.
        ("softmax", "∂p_i/∂z_j = p_i·(δ_ij − p_j)", 4),
        ("quadratic_form", "d(xᵀAx)  ->  (dx)ᵀAx + xᵀA dx = xᵀ(A + Aᵀ)dx", 1),
        ("rewrite", "rewrite: write the function another way first", 1),
    ],
)
def test_rules_for_one_name(name: str, expected: str, lines: int) -> None:
    out = _ok(["rules", name])
    assert expected in out
    assert len(out.splitlines()) == lines


def test_rules_unknown_name() -> None:
    err = _fails(["rules", "nosuch"])
    assert "no rule called 'nosuch'" in err
    assert "chain" in err


def test_rules_json_is_a_list() -> None:
    rows = json.loads(_ok(["rules", "--format", "json"]))
    assert isinstance(rows, list)
    assert {"rule", "name", "function", "derivative", "note"} == set(rows[0])
    assert {"sigmoid", "relu", "softmax", "log_base"} <= {r["rule"] for r in rows}


def test_rules_rich_is_a_table() -> None:
    out = _ok(["rules", "trig", "--format", "rich"])
    assert "Derivative rules" in out
    assert "sec(x)·tan(x)" in out
    assert max(len(line) for line in out.splitlines()) <= 80


# --- the default format and ASCII terminals ------------------------------------------------------


class _Terminal:
    """A stdout that says it is a terminal."""

    encoding = "utf-8"

    def isatty(self) -> bool:
        return True


def test_default_format_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdout", _Terminal())
    assert terminal.output_format(None) is terminal.Format.rich
    monkeypatch.setenv("NO_COLOR", "1")
    assert terminal.output_format(None) is terminal.Format.text
    assert terminal.output_format(terminal.Format.json) is terminal.Format.json


def test_ascii_fallback_in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(terminal, "ascii_only", lambda: True)
    out = _ok(["diff", SIGMOID])
    assert out.isascii()
    assert "Chain rule, with u2 = -x and du2/dx = -1:" in out
    assert "= sigmoid(x)*(1 - sigmoid(x))" in out
    assert _ok(["rules"]).isascii()


def _run(*args: str, encoding: str | None = None) -> subprocess.CompletedProcess[bytes]:
    env = dict(os.environ)
    if encoding:
        env["PYTHONIOENCODING"] = encoding
    return subprocess.run(
        [sys.executable, *args], capture_output=True, env=env, check=False, timeout=120
    )


@pytest.mark.parametrize(
    "args",
    [
        ["diff", SIGMOID, "--format", "text"],
        ["diff", SIGMOID, "--format", "rich"],
        ["rules"],
        ["rules", "--format", "rich"],
    ],
)
def test_ascii_terminal_gets_ascii(args: list[str]) -> None:
    """PYTHONIOENCODING=ascii, as on LANG=C: no UnicodeEncodeError, no non-ASCII bytes."""
    done = _run("-m", "derivtutor", *args, encoding="ascii")
    assert done.returncode == 0, done.stderr.decode()
    assert done.stderr == b""
    out = done.stdout.decode("ascii")
    if args[0] == "diff":
        assert "Power form" in out
        assert "sigmoid(x)*(1 - sigmoid(x))" in out
    else:
        assert "delta_ij" in out


# --- start-up cost: no SymPy for --help and rules ------------------------------------------------

_NO_SYMPY = """
import sys
from typer.testing import CliRunner
from derivtutor.cli import app
for args in (["--help"], ["diff", "--help"], ["rules"], ["rules", "tanh"], ["--version"]):
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, (args, result.output)
print("sympy" in sys.modules)
"""


def test_help_and_rules_do_not_import_sympy() -> None:
    done = _run("-c", _NO_SYMPY)
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout.decode().strip() == "False"


def test_python_dash_m() -> None:
    done = _run("-m", "derivtutor", "--version")
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout.decode() == f"derivtutor {derivtutor.__version__}\n"


def test_a_cancelled_factor_is_named_in_the_result() -> None:
    out = _ok(["diff", "(x^2-1)/(x-1)"])
    assert "for x ≠ 1 (a factor that cancelled is 0 there)" in out


@pytest.mark.parametrize(
    ("expression", "condition"),
    [("(sin(x)^2-1)/(sin(x)-1)", "sin(x) − 1 ≠ 0"), ("(e^(2x)-1)/(e^x-1)", "e^x − 1 ≠ 0")],
)
def test_a_cancelled_factor_that_is_not_linear(expression: str, condition: str) -> None:
    for fmt in ("text", "rich", "markdown", "latex", "json"):
        result = runner.invoke(app, ["diff", expression, "--format", fmt])
        assert result.exit_code == 0, (fmt, result.output)
    assert f"for {condition}" in _ok(["diff", expression])


def test_the_result_names_the_identity_it_used() -> None:
    out = _ok(["diff", "log(cos(x^2))"])
    assert "= −2x·tan(x²)    (since sin/cos = tan)" in out


def test_a_negative_option_value_is_not_taken_for_an_expression() -> None:
    result = runner.invoke(app, ["diff", "x^2", "--order", "-1"])
    assert result.exit_code == 2
    assert "Put -- before the expressions" not in result.output
    assert "--order" in result.output


@pytest.mark.parametrize(
    ("name", "function"),
    [("atan", "arctan(x)"), ("asinh", "arsinh(x)"), ("arcsinh", "arsinh(x)"), ("acoth", "acoth")],
)
def test_rules_finds_a_function_by_any_name_the_parser_accepts(name: str, function: str) -> None:
    assert function in _ok(["rules", name, "--format", "text"])


def test_rules_for_a_way_of_working_follows_the_format() -> None:
    rows = json.loads(_ok(["rules", "rewrite", "--format", "json"]))
    assert [row["rule"] for row in rows] == ["rewrite"]


def test_the_readme_shows_what_the_first_command_prints() -> None:
    # The README's sample is the newcomer's first impression: it must not drift from the truth.
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    block = readme.split('```text\n$ derivtutor diff "1/(1+exp(-x))"\n', 1)[1].split("```", 1)[0]
    assert block == _ok(["diff", "1/(1+exp(-x))", "--format", "text"])


def test_the_grammar_cache_is_used_only_in_a_private_directory(tmp_path: Path) -> None:
    home = tmp_path / "shared"
    (home / "cache").mkdir(parents=True)
    os.environ["DERIVTUTOR_HOME"] = str(home)  # restored by the autouse fixture
    (home / "cache").chmod(0o777)
    assert places.grammar_cache() is None  # anyone could plant a pickle there
    (home / "cache").chmod(0o700)
    assert places.grammar_cache() == str(home / "cache" / "grammar.lark-cache")


def test_the_readme_shows_what_a_quiz_prints() -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    command = (
        "$ printf 'cos(x^2)\\n2x cos(x^2)\\n' | derivtutor quiz --problem chain.sin-of-square\n"
    )
    block = readme.split("```text\n" + command, 1)[1].split("```", 1)[0]
    answers = "cos(x^2)\n2x cos(x^2)\n"
    # As an 80-column terminal shows it: the long line folded under its start.
    args = ["quiz", "--problem", "chain.sin-of-square"]
    result = runner.invoke(app, args, input=answers, env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    # The session's length is the one figure that may differ between runs.
    printed = re.sub(r"Time: \d+ s", "Time: 0 s", result.stdout.lstrip("\n"))
    assert block == printed


def test_lang_c_gives_ascii_even_after_python_coerces_the_locale() -> None:
    # PEP 538: Python run with LANG=C sets LC_CTYPE=C.UTF-8 itself; the user's terminal still
    # cannot draw x², so the output must be ASCII.
    env = {k: v for k, v in os.environ.items() if not k.startswith("LC_")}
    env["LANG"] = "C"
    done = subprocess.run(
        [sys.executable, "-m", "derivtutor", "diff", "x^2"], capture_output=True, env=env
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.isascii() and b"x^2" in done.stdout


def test_a_closed_pipe_is_not_an_internal_error() -> None:
    # The quiz writes as it goes, so its later writes meet the closed pipe.
    quiz = f"{sys.executable} -m derivtutor quiz --generate --topic chain-rule --seed 1"
    script = f"for i in $(seq 30); do echo steps; done | {quiz} | head -c 1"
    done = subprocess.run(["bash", "-c", script], capture_output=True)
    assert b"internal error" not in done.stderr and b"Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("args", "code", "shown"),
    [
        (["diff", "x^2"], 0, "= 2x"),
        (["bank", "list", "--format", "json"], 0, '"total"'),
        (["rules", "chain"], 0, "chain"),
        (["dif", "x"], 2, "Did you mean 'diff'?"),
        (["--help"], 0, "descend"),
    ],
)
def test_the_console_script_builds_only_the_command_it_runs(
    args: list[str], code: int, shown: str
) -> None:
    # main() keeps just the command asked for (start-up time); the rest must behave as before.
    done = subprocess.run(
        [sys.executable, "-m", "derivtutor", *args], capture_output=True, text=True
    )
    assert done.returncode == code, done.stderr
    assert shown in done.stdout + done.stderr


def test_grad_of_a_quadratic_form_is_refused_not_misread() -> None:
    # Issue 14: `grad "x^T A x"` read T as a variable and printed a gradient in A, T and x.
    result = CliRunner().invoke(app, ["grad", "x^T A x"])
    assert result.exit_code == 2
    assert "reads as a transpose" in result.stderr
    assert "∂" not in result.stdout


# --- scientific notation (issue 15 §1) -----------------------------------------------------------


def test_scientific_notation_in_an_expression_is_read_and_echoed() -> None:
    out = _ok(["diff", "2.5e-3 x^2"])
    assert out.splitlines()[0] == "d/dx [(1/400)x²]   (2.5e-3 read as 0.0025)"
    assert "= x/200" in out
    checked = runner.invoke(app, ["check", "1e-3 x^2", "2e-3 x"])
    assert checked.exit_code == 0
    assert "(2e-3 read as 0.002)" in checked.stdout


def test_scientific_notation_in_options() -> None:
    at = _ok(["diff", "x^2", "--at", "x=1e-3", "--format", "json"])
    assert json.loads(at)["at"]["value"] == pytest.approx(2e-3)
    descent = _ok(["descend", "x^2", "--start", "x=3", "--lr", "1e-2", "--iterations", "2"])
    assert "η = 0.01" in descent
    domain = runner.invoke(app, ["check", "log(x)", "1/x", "--domain", "1e-3:2"])
    assert domain.exit_code == 0, domain.output


def test_a_power_of_ten_past_a_double_is_refused() -> None:
    result = runner.invoke(app, ["diff", "1e400 x"])
    assert result.exit_code == 2
    assert "the power of ten in 1e400 is out of range (from −300 to 300)" in result.stderr


# --- what students naturally type (issue 15 §1) ------------------------------------------------


@pytest.mark.parametrize(
    ("text", "wrt", "derivative"),
    [
        ("d/dx x^2", None, "2*x"),
        ("d/dx (x^2)", None, "2*x"),
        ("d/dt [t sin(t)]", None, "t*cos(t) + sin(t)"),
        ("∂/∂y x^2 y^3", None, "3*x**2*y**2"),
        ("d/dx x^2", "x", "2*x"),
    ],
)
def test_a_leading_operator_names_the_variable(text: str, wrt: str | None, derivative: str) -> None:
    args = ["diff", text, "--format", "json"] + (["--wrt", wrt] if wrt else [])
    data = json.loads(_ok(args))
    assert sp.simplify(sp.sympify(data["derivative"]) - sp.sympify(derivative)) == 0


def test_a_leading_operator_and_another_wrt_are_refused() -> None:
    result = runner.invoke(app, ["diff", "d/dx x^2", "--wrt", "y"])
    assert result.exit_code == 2
    assert "the expression says d/dx, and --wrt says y" in result.stderr


@pytest.mark.parametrize("first", ["x^2", "sin(x)", "x"])
def test_an_expression_without_a_command_suggests_diff(first: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "derivtutor", first], capture_output=True, text=True, check=False
    )
    assert done.returncode == 2
    assert done.stderr.strip() == (
        f'error: "{first}" is not a command: did you mean derivtutor diff "{first}"?'
    )


def test_dash_v_is_the_version() -> None:
    assert _ok(["-V"]).strip() == f"derivtutor {derivtutor.__version__}"


@pytest.mark.parametrize("answer", ["f'(x) = 2x", "y' = 2x", "dy/dx = 2x", "f(x) = 2x", "y = 2x"])
def test_check_drops_an_answer_s_left_side_as_the_quiz_does(answer: str) -> None:
    result = runner.invoke(app, ["check", "x^2", answer])
    assert result.exit_code == 0, result.output
    assert "Read as:  2x" in result.stdout


def test_unquoted_words_are_one_expression() -> None:
    assert _ok(["diff", "x^2", "+", "1"]).splitlines()[0] == "d/dx [x² + 1]"
    assert _ok(["diff", "x^2", "+", "1", "--wrt", "x"]).splitlines()[0] == "d/dx [x² + 1]"
