"""Problems in vectors and matrices in a bank (issue 14 §4): the schema's shapes, bank
validate's checks of them, and the quiz posing, grading and explaining them."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from derivtutor.cli import app
from derivtutor.practice.bank import load_bank, validate

runner = CliRunner()

HEAD = "schema_version: 1\ntopic: matrix-calculus\ntitle: Matrix calculus\nproblems:\n"

GOOD = """\
  - id: mc.quadratic
    level: 1
    function: "x^T A x"
    variable: x
    shapes: {x: "n", A: "n×n"}
    answer: "(A + A^T) x"
    hints: ["d(xᵀAx) = (dx)ᵀAx + xᵀA dx: bring both terms to the form … dx."]
  - id: mc.symmetric
    level: 1
    function: "x^T A x"
    variable: x
    shapes: {x: "n", A: "n×n"}
    symmetric: [A]
    answer: "2 A x"
  - id: mc.least-squares
    level: 2
    function: "norm(W x - y)^2"
    variable: W
    shapes: {W: "m×n", x: "n", y: "m"}
"""


def _bank(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "bank"
    path.mkdir()
    (path / "matrix-calculus.yaml").write_text(HEAD + body, encoding="utf-8")
    return path


def test_a_bank_with_shapes_validates(tmp_path: Path) -> None:
    bank = load_bank(_bank(tmp_path, GOOD))
    assert validate(bank) == ()
    quadratic = bank.by_id()["mc.quadratic"]
    assert quadratic.shapes == (("x", "n"), ("A", "n×n"))
    assert quadratic.wrt == "x"


@pytest.mark.parametrize(
    ("entry", "words"),
    [
        (
            '    function: "x^T A x"\n    variable: x\n    shapes: {x: "n", A: "n×n"}\n'
            '    answer: "2 A x"\n',
            "is wrong (symmetric_assumed): the engine's is (A + A^T) x",
        ),
        (
            '    function: "W x"\n    variable: x\n    shapes: {W: "m×n", x: "k"}\n',
            "does not parse: W x: W is m×n, x is k×1",
        ),
        (
            '    function: "x^T A x"\n    variable: y\n    shapes: {x: "n", A: "n×n"}\n',
            "'y' is not a declared vector or matrix",
        ),
        (
            '    function: "x^T A x"\n    shapes: {x: "n", A: "n×n"}\n',
            "set variable, the one to differentiate by",
        ),
        ('    function: "x^T x"\n    variable: x\n    shapes: {x: "n×"}\n', "shapes: cannot read"),
        ('    function: "x^2"\n    symmetric: [A]\n', "give shapes too"),
        (
            '    function: "x^T A x"\n    variable: x\n    shapes: {x: "n", A: "n×n"}\n'
            '    answer: "(A + A^T) x x"\n',
            "answer '(A + A^T) x x' does not parse",
        ),
    ],
)
def test_bank_validate_names_what_is_wrong(tmp_path: Path, entry: str, words: str) -> None:
    bank = load_bank(_bank(tmp_path, "  - id: mc.bad\n    level: 1\n" + entry))
    errors = validate(bank)
    assert len(errors) == 1
    assert words in errors[0].message
    assert errors[0].line == 5 and errors[0].problem == "mc.bad"


def test_the_quiz_poses_grades_and_explains_a_matrix_problem(tmp_path: Path) -> None:
    bank = str(_bank(tmp_path, GOOD))
    answers = "2 A x\nx^T (A + A^T)\n(A + A^T) x\n"
    out = runner.invoke(app, ["quiz", "--bank", bank, "--problem", "mc.quadratic"], input=answers)
    assert out.exit_code == 0, out.output
    text = out.output
    assert "∂f/∂x = ?   for f = xᵀAx" in text
    assert "with x: n×1, A: n×n." in text
    assert "Likely mistake (symmetric_assumed)" in text
    assert "Your answer is 1×n, and ∇f = ∂f/∂x has the shape of x, n×1." in text
    assert "✓ Correct." in text
    # A miss does not give the answer away; the stats keep the mistakes.
    assert "(A + Aᵀ)x (n×1)" not in text.split("✓ Correct.")[0]
    stats = runner.invoke(app, ["stats", "--format", "json"])
    assert "matrix-calculus" in stats.output


def test_steps_show_the_derivation_by_differentials(tmp_path: Path) -> None:
    bank = str(_bank(tmp_path, GOOD))
    out = runner.invoke(
        app, ["quiz", "--bank", bank, "--problem", "mc.least-squares"], input="steps\n"
    )
    assert out.exit_code == 0, out.output
    assert "1. Squared norm: d(‖Wx − y‖²) = 2(Wx − y)ᵀ d(Wx − y) = 2(Wx − y)ᵀ dW x" in out.output
    assert "Result: ∂f/∂W = 2(Wx − y)xᵀ   (m×n)" in out.output


BUNDLED = [p for p in load_bank(None).problems if p.shapes]


def test_the_bundled_bank_has_both_matrix_topics_at_every_level() -> None:
    from collections import Counter

    counts = Counter((p.topic, p.level) for p in BUNDLED)
    for topic in ("matrix-calculus", "backprop-layers"):
        assert sum(n for (t, _), n in counts.items() if t == topic) >= 30
        assert all(counts[(topic, level)] >= 5 for level in range(1, 6))
    assert all(p.hints for p in BUNDLED)


@pytest.mark.parametrize("problem", BUNDLED, ids=lambda p: p.id)
def test_every_bundled_matrix_result_prints_true(problem) -> None:
    """The engine's result for each problem, printed as typed (ASCII), is accepted by the
    checker as the answer: what derivtutor prints for a learner to type back is right."""
    from derivtutor.grading.matrix_check import check_matrix
    from derivtutor.language.matrix_notation import matrix_text
    from derivtutor.practice.quiz import derivations

    (derived,) = derivations(problem)
    bind = dict(derived.derivation.where)
    printed = matrix_text(derived.result.xreplace(bind), "ascii")
    verdict = check_matrix(
        problem.function,
        printed,
        wrt=problem.wrt,
        shapes=dict(problem.shapes),
        symmetric=problem.symmetric,
    )
    assert verdict.verdict == "correct", printed
