"""What students naturally type gets the right outcome through the command line (issue 15 §1):
each input with the message or the result it must give."""

from __future__ import annotations

import pytest
from invoke import fails, ok


@pytest.mark.parametrize(
    ("typed", "heading", "result"),
    [
        ("max(0, x)", "d/dx [relu(x)]", "H(x)"),
        ("max(x, 0)", "d/dx [relu(x)]", "H(x)"),
        ("min(0, x)", "d/dx [−relu(−x)]", "H(−x)"),
        ("max(x^2, 1)", "d/dx [1 + relu(x² − 1)]", "2x·H(x² − 1)"),
        ("log2(x)", "d/dx [log₂(x)]", "1/(x·ln(2))"),
        ("log10(x)", "d/dx [log₁₀(x)]", "1/(x·ln(10))"),
        ("x^2/3", "d/dx [x²/3]", "2x/3"),
        ("x^-1 / 2", "d/dx [1/(x·2)]", "−1/(2x²)"),
    ],
)
def test_natural_forms_read_as_meant(typed: str, heading: str, result: str) -> None:
    out = ok(["diff", "--format", "text", typed])
    assert out.startswith(heading)
    assert f"= {result}" in out.split("Result:")[1]


def test_max_and_min_are_echoed_as_read() -> None:
    out = ok(["diff", "--format", "text", "max(x^2, 1)"])
    assert "(max(u, v) read as v + relu(u − v))" in out.splitlines()[0]
    checked = ok(["check", "--format", "text", "x^3", "max(3x^2, 0)"])
    assert "Verdict:  correct" in checked and "(max(u, v) read as v + relu(u − v))" in checked


@pytest.mark.parametrize(
    ("typed", "says", "suggests"),
    [
        ("x^-1/2", "x^-1/2 is ambiguous", "write x^(-1/2) for the power, or (x^-1)/2"),
        ("x^1/2", "x^1/2 is ambiguous", "write x^(1/2) for the power, or (x^1)/2"),
        ("1/2 x", "this division is ambiguous", "write 1/(2 x) to divide by the product"),
        ("e^-x/2", "e^-x/2 is ambiguous", "write e^(-x/2) for the power"),
    ],
)
def test_the_ambiguity_rules_are_alike(typed: str, says: str, suggests: str) -> None:
    err = fails(["diff", typed])
    assert says in err and suggests in err


@pytest.mark.parametrize(
    ("args", "suggestion"),
    [
        (["diff", "x^2", "--wtr", "x"], "Did you mean --wrt?"),
        (["check", "x^2", "2x", "--domian", "0:1"], "Did you mean --domain?"),
        (["quiz", "--toppic", "trig"], "--topic"),
        (["stats", "--fromat", "json"], "--format"),
    ],
)
def test_a_mistyped_option_gets_the_nearest_real_one(args: list[str], suggestion: str) -> None:
    assert suggestion in fails(args)


def test_no_pager_after_the_command_is_taken_in_process_too() -> None:
    """In the console script --no-pager is taken anywhere; in-process it is the root option."""
    assert "2x" in ok(["--no-pager", "diff", "--format", "text", "x^2"])
