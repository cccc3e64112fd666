"""Output that fits the terminal (render/wrapping.py): lines folded at the width, between the
parts of an equation, never inside a word or a bracket, continuations under their text."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from invoke import runner
from rich.console import Console
from rich.text import Text

from derivtutor.cli import app
from derivtutor.render.formats.rich import Folded
from derivtutor.render.wrapping import cuts, hanging, wrap, wrap_message, wrap_text

LONG_STEP = (
    "    1.1 Sum rule: d/dx [ln(x²·sin(x)/(2x + 1))] = d/dx [2·ln|x| + ln|sin(x)| − ln|2x + 1|]"
    " = d/dx [2·ln|x|] + d/dx [ln|sin(x)|] + d/dx [−ln|2x + 1|]"
)


def _depth_at(line: str, i: int) -> int:
    depth = 0
    for ch in line[:i]:
        depth += ch in "([{"
        depth -= ch in ")]}"
    return depth


@pytest.mark.parametrize("width", [80, 100, 120])
def test_a_long_step_folds_between_its_parts(width: int) -> None:
    lines = wrap(LONG_STEP, width)
    assert all(len(line) <= width for line in lines)
    assert " ".join(" ".join(lines).split()) == " ".join(LONG_STEP.split())
    for cut in cuts(LONG_STEP, width):
        assert _depth_at(LONG_STEP, cut) == 0  # never inside a bracket
        assert (
            LONG_STEP[cut - 1] not in "+−=" or LONG_STEP[cut - 2] != " "
        )  # never after an operator
    # Continuations sit past the step's number.
    assert all(line.startswith(" " * len("    1.1 ")) for line in lines[1:])


def test_an_operator_starts_the_next_line() -> None:
    line = "so d/dx [f] = " + " + ".join(f"{n}·(x + {n})²" for n in range(1, 12))
    for piece in wrap(line, 60)[1:]:
        assert piece.lstrip()[0] in "+="


def test_the_hanging_indent_leaves_room_for_text() -> None:
    assert hanging("Result: d/dx [x] = 1", 80) == len("Result: ")
    assert hanging("  plain prose here", 80) == 4
    assert hanging(" " * 70 + "deep", 80) == 80 - 24


def test_a_word_longer_than_the_line_is_never_split() -> None:
    word = "x" * 50
    assert wrap(f"a {word} b", 30) == ["a", f"  {word}", "  b"]
    assert wrap(word * 2, 30) == [word * 2]


@given(
    st.lists(
        st.sampled_from(["x", "(x + 1)", "=", "+", "sin(x)", "d/dx", "[f]", "word"]), max_size=60
    ),
    st.integers(min_value=20, max_value=120),
)
def test_folding_keeps_every_word(words: list[str], width: int) -> None:
    line = " ".join(words)
    folded = wrap(line, width)
    assert " ".join(folded).split() == line.split()
    long = [w for w in line.split() if len(w) > width - 24]
    if not long:
        assert all(len(piece) <= width for piece in folded)


def test_an_error_message_keeps_its_echo_and_caret() -> None:
    message = (
        "error: this division is ambiguous: is the product below the line or not, as the reader"
        " cannot tell?\n  1/2 x\n   ^\nwrite 1/(2 x) to divide by the product, or 1/2*x to "
        "divide by 2 only, and then run the command again."
    )
    lines = wrap_message(message, 50).splitlines()
    assert "  1/2 x" in lines and "   ^" in lines
    assert lines[lines.index("   ^") - 1] == "  1/2 x"
    assert all(len(line) <= 50 for line in lines)


def test_no_width_no_folding() -> None:
    assert wrap_text(LONG_STEP + "\n", None) == LONG_STEP + "\n"


def test_rich_folds_a_label_the_same_way() -> None:
    console = Console(width=60, record=True, color_system=None)
    console.print(Folded(Text(LONG_STEP.strip(), style="bold")))
    shown = console.export_text().splitlines()
    assert all(len(line) <= 60 for line in shown)
    assert " ".join(" ".join(shown).split()) == " ".join(LONG_STEP.split())
    assert "ln|2x +" not in [line.rstrip()[-7:] for line in shown]


# --- COLUMNS=80: every command's text output fits, and no word is split --------------------

EIGHTY = {"COLUMNS": "80"}


def _words(text: str) -> list[str]:
    return text.split()


def _both(args: list[str], **kwargs: Any) -> tuple[str, str]:
    """The output at 80 columns and unfolded (no width asked for)."""
    folded = runner.invoke(app, args, env=EIGHTY, **kwargs)
    wide = runner.invoke(app, args, env={"COLUMNS": ""}, **kwargs)
    return folded.output, wide.output


@pytest.mark.parametrize(
    "args",
    [
        ["check", "sin(x^2)", "cos(x^2)"],
        ["check", "x^2 y", "--grad", "2x, x^2"],
        ["check", "x^3 sin(x)", "3x^2 cos(x)", "--steps"],
        ["diff", "log(x^2*sin(x)/(2x+1))"],
        ["diff", "(2x+1)^5 (3x-2)^7", "--detail", "full"],
        ["diff", "1/(1+exp(-x))"],
        ["diff", "x^T A x", "--wrt", "x", "--shape", "x=n,A=n×n"],
        ["diff", "1/2 x"],  # an error, with its echo and caret
        ["rules"],
    ],
    ids=lambda a: " ".join(a)[:40],
)
def test_text_output_fits_80_columns_and_keeps_every_word(args: list[str]) -> None:
    folded, wide = _both([args[0], "--format", "text", *args[1:]])
    assert max(len(line) for line in folded.splitlines()) <= 80, folded
    assert _words(folded) == _words(wide)
    assert max(len(line) for line in wide.splitlines()) > 80 or args[1] in (
        "1/(1+exp(-x))",
        "1/2 x",
    )


def test_the_quiz_fits_80_columns_and_keeps_its_indent() -> None:
    lines = "cos(x^2)\nhint\nskip\n"
    args = ["quiz", "--problem", "chain.sin-of-square"]
    folded, wide = _both(args, input=lines)
    assert max(len(line) for line in folded.splitlines()) <= 80
    assert _words(folded) == _words(wide)
    # A folded message stays indented under its first line.
    at = next(n for n, line in enumerate(folded.splitlines()) if line.startswith("  Likely"))
    assert folded.splitlines()[at + 1].startswith("    ")


def test_stats_fit_80_columns() -> None:
    runner.invoke(app, ["quiz", "--problem", "chain.sin-of-square"], input="cos(x^2)\nskip\n")
    folded, wide = _both(["stats"])
    assert max(len(line) for line in folded.splitlines()) <= 80
    assert _words(folded) == _words(wide)


@pytest.mark.parametrize(
    "args",
    [["--help"], ["diff", "--help"], ["check", "--help"], ["quiz", "--help"], ["stats", "--help"]],
)
def test_help_fits_80_columns_and_splits_no_word(args: list[str]) -> None:
    out = runner.invoke(app, args, env=EIGHTY).output
    assert max(len(line) for line in out.splitlines()) <= 80
    for word in ("json", "markdown", "derivative", "Example"):
        if word in runner.invoke(app, args, env={"COLUMNS": "200"}).output:
            assert word in out
    assert not re.search(r"\bj\s*│?\s*\n.*son\b", out)


def test_a_product_is_never_cut_so_that_a_line_ends_in_a_false_result() -> None:
    """'= 2' at a line's end, '· (1/x)' on the next, reads as if the derivative were 2."""
    line = "   1.1 Constant multiple and log rule: d/dx [ln(x²)] = d/dx [2·ln|x|] = 2 · (1/x)"
    for width in range(40, len(line)):
        pieces = wrap(line, width)
        assert not any(p.lstrip().startswith(("·", "/", ">")) for p in pieces[1:]), pieces


def test_a_chain_of_equations_is_cut_before_its_equals_signs() -> None:
    line = (
        "   1.1 Sum rule: d/dx [ln(x²·sin(x)/(2x + 1))] = d/dx [2·ln|x| + ln|sin(x)| − ln|2x + 1|]"
        " = d/dx [2·ln|x|] + d/dx [ln|sin(x)|] + d/dx [−ln|2x + 1|]"
    )
    pieces = wrap(line, 80)
    assert [p.strip()[:1] for p in pieces[1:]] == ["=", "="]
