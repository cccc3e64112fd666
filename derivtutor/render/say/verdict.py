"""What `check` says to a student: how the answer was read, the verdict, where it fails, and a
sentence that teaches the rule behind the mistake; for a gradient, each component; for a sheet,
a table of its rows."""

from __future__ import annotations

import math
import re
from typing import Any

import sympy as sp

from derivtutor.engine import steps as s
from derivtutor.grading.mistakes import Diagnosis
from derivtutor.grading.verdict import CORRECT, UNDECIDED, GradientVerdict, Verdict
from derivtutor.language.latex import is_latex
from derivtutor.render import explain as ex
from derivtutor.render.blocks import Block, Cell, Derivation, Gap, Heading, Line, Table
from derivtutor.render.summary import read_numbers


def lines(verdict: Verdict) -> list[list[ex.Segment]]:
    answer = ex.Math(ex.as_written(verdict.answer), typed=True)
    out: list[list[ex.Segment]] = [
        ["Read as:  ", answer, *read_numbers(verdict.answer_text)],
        ["Verdict:  ", verdict.verdict],
    ]
    if is_latex(verdict.function_text):
        # Pasted LaTeX is read by rules of its own (\ln x^2 is ln(x²)): say how it was.
        out.insert(0, ["Function: ", ex.Math(ex.as_written(verdict.function), typed=True)])
    out.extend(message(verdict))
    return out


def message(verdict: Verdict, *, reveal: bool = True) -> list[list[ex.Segment]]:
    """The explanation of the verdict, a sentence per line. ``reveal=False`` keeps the
    derivative back, for a quiz where the learner tries again."""
    d = verdict.derivative
    which = _which(verdict.differentiation.order)
    if verdict.verdict == CORRECT:
        fresh = verdict.points - verdict.fixed
        how = f" ({verdict.fixed} fixed, {fresh} drawn afresh on this run)" if fresh > 0 else ""
        where: list[ex.Segment] = []
        for n, (symbol, low, high) in enumerate(verdict.span):
            where += [", with " if not n else " and ", ex.Math(symbol)]
            where.append(f" from {_signed(low, '.2g')} to {_signed(high, '.2g')}")
        line: list[ex.Segment] = [f"It equals {which} ", ex.Math(d)]
        return [[*line, f" at all {verdict.points} points checked{how}", *where, "."]]
    if verdict.verdict == UNDECIDED:
        return [
            [
                "Too few points in the domain give the derivative a real value "
                f"({verdict.points} found), so no verdict is possible. This is a problem with "
                "the question, not your answer: give a domain where the function is defined, "
                "e.g. --domain 0:2."
            ]
        ]
    out: list[list[ex.Segment]] = []
    w = verdict.witness
    if w is not None and verdict.near is not None:
        return _near(verdict, w, which)
    if w is not None:
        at: list[ex.Segment] = []
        for n, (symbol, value) in enumerate(w.point.items()):
            at += ([", "] if n else []) + [ex.Math(symbol), f" = {_signed(value + 0.0, '.4g')}"]
        got = "is undefined" if w.got is None else f"gives {_signed(w.got, '.4g')}"
        want = _signed(w.expected, ".4g") if math.isfinite(w.expected) else "too large for a float"
        out.append(["At ", *at, f", your answer {got}, but {which} is {want}."])
    if verdict.diagnosis is not None:
        out.extend(explain_mistake(verdict.diagnosis, verdict, reveal=reveal))
    if reveal:
        out.append([f"{which[0].upper()}{which[1:]} is ", ex.Math(d), "."])
    return out


_ORDINALS = ("", "", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth")


def _which(order: int) -> str:
    """'the derivative', 'the third derivative', 'the 74th derivative'."""
    if order == 1:
        return "the derivative"
    if order < len(_ORDINALS):
        return f"the {_ORDINALS[order]} derivative"
    suffix = "th" if 10 <= order % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(order % 10, "th")
    return f"the {order}{suffix} derivative"


def _signed(value: float, spec: str) -> str:
    """A number with a true minus sign, as the maths around it is printed (ASCII output turns
    it back into '-')."""
    return format(value, spec).replace("-", "−")


def explain_mistake(
    diagnosis: Diagnosis, verdict: Verdict, *, reveal: bool = True
) -> list[list[ex.Segment]]:
    where: list[ex.Segment] = ["in ", ex.Math(diagnosis.where, typed=True), ": "]
    if diagnosis.kind.rule is None:  # the whole answer: not differentiated, or integrated
        where = []
    d = "∂" if verdict.differentiation.held_constant else "d"
    lesson = _lesson(diagnosis, reveal, f"{d}/{d}{verdict.variable.name}")
    out = [[f"Likely mistake ({diagnosis.mistake}), ", *where, *lesson]]
    if diagnosis.also:
        out.append([f"(Your answer also fits: {', '.join(diagnosis.also)}.)"])
    return out


def _lesson(diagnosis: Diagnosis, reveal: bool, by: str = "d/dx") -> list[ex.Segment]:
    """The mistake's teaching sentence (its docstring), its placeholders filled in; ``by`` is
    the operator, d/dx or ∂/∂w."""
    kind, node = diagnosis.kind, diagnosis.node
    template = kind.lesson()
    if not reveal and kind.withheld is not None:
        # In a quiz the learner tries again: teach the rule, keep the derivative back.
        return [kind.withheld]
    rate = by.replace("/", "u/", 1)  # du/dx, ∂u/∂w
    template = template.replace("{by}", by).replace("{rate}", rate)
    values: dict[str, ex.Segment] = {}
    if "{correct}" in template:
        values["correct"] = ex.Math(diagnosis.correct)
    if isinstance(node, s.ChainRule):
        values["u"] = ex.Math(diagnosis.unsubstituted(node.inner), typed=True)
        values["inner"] = ex.Math(diagnosis.unsubstituted(node.inner_step.eval()))
    out: list[ex.Segment] = []
    for n, piece in enumerate(re.split(r"\{(\w+)\}", template)):
        if n % 2:
            out.append(values[piece])
        elif piece:
            out.append(piece)
    return out


# The verdict's line in colour where a format has it: green correct, red incorrect.
ROLES = {CORRECT: "good", UNDECIDED: "warn"}


def role(verdict: str) -> str:
    return ROLES.get(verdict, "bad")


def _lines(verdict: Verdict) -> list[Block]:
    return [
        Line(line, role=role(verdict.verdict) if line[0] == "Verdict:  " else "")
        for line in lines(verdict)
    ]


def _near(verdict: Verdict, w: Any, which: str) -> list[list[ex.Segment]]:
    """An answer within the tolerance everywhere, but not equal: how close, where, and why it
    is still wrong."""
    near = verdict.near or 0.0
    scale = max(abs(w.expected), abs(w.got or 0.0), 1e-300)
    digits = max(1, int(-math.log10(abs(near) / scale)))
    at: list[ex.Segment] = []
    for n, (symbol, value) in enumerate(w.point.items()):
        at += ([", "] if n else []) + [ex.Math(symbol), f" = {_signed(value + 0.0, '.4g')}"]
    shown = min(17, digits + 3)
    values = ""
    if w.got is not None and w.got != w.expected:  # a float tells them apart
        got, want = _signed(w.got, f".{shown}g"), _signed(w.expected, f".{shown}g")
        values = f" (it gives {got}, and {which} is {want})"
    return [
        [
            f"Your answer agrees with {which} to about {digits} digits, but it is not equal "
            "to it: at ",
            *at,
            f", it differs by {_signed(near, '.2g')}{values}.",
        ],
        [
            "A rounded constant, or a stray small term? Write constants exactly (π, √2, 1/3, "
            "not 3.14159, 1.414, 0.333) and leave out any tiny term."
        ],
    ]


def verdict_blocks(verdict: Verdict, *, steps: bool = False) -> list[Block]:
    """How the answer was read, the verdict (in colour on a terminal) and what it teaches;
    ``steps`` adds the correct derivation."""
    out: list[Block] = _lines(verdict)
    if steps:
        out += [Gap(), Line(["The correct derivation:"]), Gap()]
        out.append(Derivation([], verdict.differentiation))
    return out


def gradient_verdict_blocks(result: GradientVerdict) -> list[Block]:
    """Each component's verdict under its own heading, then the verdict on the whole."""
    order: list[ex.Segment] = ["Gradient components, in the order ("]
    for n, variable in enumerate(result.variables):
        order += ([", "] if n else []) + [ex.Math(variable)]
    out: list[Block] = [Line([*order, "):"])]
    for variable, component in zip(result.variables, result.components, strict=True):
        out.append(Heading(["∂f/∂", ex.Math(variable)]))
        out += _lines(component)
    return [*out, Gap(), Line([f"Overall: {result.verdict}"], role=role(result.verdict))]


def marked_blocks(
    path: str, results: list[dict[str, Any]], errors: list[dict[str, Any]]
) -> list[Block]:
    """A table of a sheet's rows (id, verdict, mistake, witness), the malformed rows and a
    summary, from the rows as reported (render.json.sheet_row): what a sheet marked in worker
    processes sends back."""
    from derivtutor.practice.sheet import summary

    rows: list[list[Cell]] = [
        [r["id"], r["verdict"], r["mistake"] or "", _reported_witness(r["witness"])]
        for r in results
    ]
    roles = ["good" if r["verdict"] == CORRECT else "bad" for r in results]
    counts = summary(results, errors)
    totals = f"{counts['correct']} correct, {counts['incorrect']} incorrect"
    if errors:
        totals += f", {len(errors)} malformed"
    return [
        Table(["id", "verdict", "mistake", "witness"], rows, title=path, roles=(1, roles)),
        *(Line([f"line {e['line']}: {e['message']}"], role="warn") for e in errors),
        Line([totals], role="title"),
    ]


def _reported_witness(w: dict[str, Any] | None) -> list[ex.Segment]:
    if w is None:
        return []
    at: list[ex.Segment] = ["at "]
    for n, (name, value) in enumerate(w["point"].items()):
        at += ([", "] if n else []) + [ex.Math(sp.Symbol(name)), f" = {value:.4g}"]
    got = "undefined" if w["got"] is None else f"{w['got']:.4g}"
    expected = "> 1.8e308" if w["expected"] is None else f"{w['expected']:.4g}"  # past a float
    return [*at, f": {got}, not {expected}"]
