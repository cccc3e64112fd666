"""A problem, as a quiz poses it: a function to differentiate (or a gradient to find), with
its id, topic and level; and the engine's check that it can be taught and graded.

Pure: banks (bank.py) read problems from YAML files, generate.py composes them, and both
verify them here before a learner meets them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from derivtutor.errors import DerivtutorError

if TYPE_CHECKING:
    from derivtutor.grading.verdict import Comparison


@dataclass(frozen=True)
class Problem:
    """A problem ready to pose: a derivative (one variable) or a gradient (several)."""

    id: str
    topic: str
    level: int
    function: str
    variables: tuple[str, ...]  # empty: the function's only variable
    gradient: bool = False
    answer: tuple[str, ...] | None = None  # as the author wrote it; the engine's is the truth
    domain: tuple[float, float] | None = None
    order: int = 1  # of a derivative problem: 3 asks for the third derivative
    hints: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    file: str = ""
    line: int = 0
    generated: bool = False  # composed by generate.py: practised, but never scheduled
    # Vectors and matrices: each declared name's shape ("n", "n×n"), and the symmetric ones.
    shapes: tuple[tuple[str, str], ...] = ()
    symmetric: tuple[str, ...] = ()

    @property
    def wrt(self) -> str | None:
        """The variable of a derivative problem (None: the function's only one)."""
        return self.variables[0] if self.variables and not self.gradient else None


def verify_problem(problem: Problem) -> str | None:
    """None when the engine can teach and grade ``problem``; else what is wrong with it: a
    stated answer that is wrong, a part of the function with no named rule, or a domain too
    narrow to sample. The answer is compared with the derivative as derived (quick_check):
    its value is the one the quiz grades against, at a tenth of the cost of the tidied form
    the quiz prints, which is worked out when the problem is posed."""
    from derivtutor.grading.verdict import CORRECT, quick_check

    if problem.shapes:
        return _verify_matrix_problem(problem)
    try:
        if problem.gradient:
            stated = problem.answer or (None,) * len(problem.variables)
            targets: list[tuple[str | None, str | None]] = list(
                zip(problem.variables, stated, strict=True)
            )
        else:
            targets = [(problem.wrt, problem.answer[0] if problem.answer else None)]
        for variable, answer in targets:
            quick = quick_check(
                problem.function, answer, wrt=variable, domain=problem.domain, order=problem.order
            )
            if any(step.rule == "unknown" for tree in quick.steps for step in tree.walk()):
                return "the engine has no named rule for part of this function"
            # With no stated answer, the engine's own derivative must still be gradable.
            if quick.comparison.verdict != CORRECT:
                return _verify_message(quick.comparison, answer, variable)
    except DerivtutorError as err:
        return str(err).splitlines()[0]
    return None


def _verify_message(verdict: Comparison, answer: str | None, variable: str | None) -> str:
    from derivtutor.grading.verdict import INCORRECT

    where = f" (d/d{variable})" if variable else ""
    witness = verdict.witness
    if verdict.verdict == INCORRECT and answer is not None and witness is not None:
        at = ", ".join(f"{v.name} = {x:g}" for v, x in witness.point.items())
        got = "undefined" if witness.got is None else f"{witness.got:.6g}"
        return (
            f"the stated answer{where} {answer!r} is wrong: at {at} it gives {got}, "
            f"but the derivative is {witness.expected:.6g}"
        )
    return (
        f"cannot check answers{where}: too few points in the domain where the derivative is "
        "real; set domain: [low, high]"
    )


def _verify_matrix_problem(problem: Problem) -> str | None:
    """A problem in vectors and matrices: derived by differentials with every step checked,
    and a stated answer checked as a learner's would be."""
    from derivtutor.grading.matrix_check import check_matrix

    try:
        if problem.answer is None:
            from derivtutor.calculus.matrix_derivative import matrix_derivative

            result = matrix_derivative(
                problem.function,
                wrt=problem.wrt,
                shapes=dict(problem.shapes),
                symmetric=problem.symmetric,
            )
            failed = result.checked.failed
        else:
            verdict = check_matrix(
                problem.function,
                problem.answer[0],
                thorough=False,
                wrt=problem.wrt,
                shapes=dict(problem.shapes),
                symmetric=problem.symmetric,
            )
            if verdict.verdict != "correct":
                from derivtutor.language.matrix_notation import matrix_text

                named = f" ({verdict.mistake})" if verdict.mistake else ""
                where = "".join(
                    f", where {matrix_text(n, 'ascii')} = {matrix_text(v, 'ascii')}"
                    for n, v in verdict.derivative.derivation.where
                )
                return (
                    f"the stated answer {problem.answer[0]!r} is wrong{named}: the engine's is "
                    f"{matrix_text(verdict.derivative.result, 'ascii')}{where}"
                )
            failed = verdict.derivative.checked.failed
    except DerivtutorError as err:
        return str(err).splitlines()[0]
    if failed:
        return "a step of the engine's derivation failed its numeric check: " + ", ".join(failed)
    return None
