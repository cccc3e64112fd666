"""What `check` says to a student: how the answer was read, the verdict, where it fails, and a
sentence that teaches the rule behind the mistake. Format-neutral segments."""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING, Any

from derivtutor.engine import steps as s
from derivtutor.grading.mistakes import Diagnosis
from derivtutor.grading.verdict import CORRECT, UNDECIDED, GradientVerdict, Verdict
from derivtutor.render import explain as ex

if TYPE_CHECKING:
    from derivtutor.practice.sheet import Sheet


def lines(verdict: Verdict) -> list[list[ex.Segment]]:
    out: list[list[ex.Segment]] = [
        ["Read as:  ", ex.Math(verdict.answer, typed=True)],
        ["Verdict:  ", verdict.verdict],
    ]
    out.extend(message(verdict))
    return out


def message(verdict: Verdict, *, reveal: bool = True) -> list[list[ex.Segment]]:
    """The explanation of the verdict, a sentence per line. ``reveal=False`` keeps the
    derivative back, for a quiz where the learner tries again."""
    d = verdict.derivative
    if verdict.verdict == CORRECT:
        return [
            ["It equals the derivative ", ex.Math(d), f" at all {verdict.points} points checked."]
        ]
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
    if w is not None:
        at: list[ex.Segment] = []
        for n, (symbol, value) in enumerate(w.point.items()):
            at += ([", "] if n else []) + [ex.Math(symbol), f" = {_signed(value + 0.0, 'g')}"]
        got = "is undefined" if w.got is None else f"gives {_signed(w.got, '.4g')}"
        want = _signed(w.expected, ".4g") if math.isfinite(w.expected) else "too large for a float"
        out.append(["At ", *at, f", your answer {got}, but the derivative is {want}."])
    if verdict.diagnosis is not None:
        out.extend(explain_mistake(verdict.diagnosis, verdict, reveal=reveal))
    if reveal:
        out.append(["The derivative is ", ex.Math(d), "."])
    return out


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


def render_verdict(verdict: Verdict, fmt: str, *, ascii: bool = False, steps: bool = False) -> str:
    """The verdict in one format (rich prints the text form; the derivation follows on --steps)."""
    if fmt == "json":
        import json

        return json.dumps(verdict.to_dict(), ensure_ascii=False, indent=2) + "\n"
    from derivtutor.render.derivation import render_differentiation
    from derivtutor.render.formats.text import TextWriter

    if fmt in ("latex", "markdown"):
        from derivtutor.render.formats import markdown

        body = "\n\n".join(markdown.line(line) for line in lines(verdict)) + "\n"
        if steps:
            body += "\n" + str(render_differentiation(verdict.differentiation, fmt))
        return body
    writer = TextWriter(ascii=ascii)
    body = "\n".join(writer.line(line) for line in lines(verdict)) + "\n"
    if steps:
        body += "\nThe correct derivation:\n\n"
        body += str(render_differentiation(verdict.differentiation, "text", ascii=ascii))
    return body


def render_gradient_verdict(result: GradientVerdict, fmt: str, *, ascii: bool = False) -> str:
    """Each component's verdict under its own heading."""
    if fmt == "json":
        import json

        return json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n"
    from derivtutor.render.formats.text import TextWriter

    writer = TextWriter(ascii=ascii)
    order = ", ".join(writer.notation.show(v) for v in result.variables)
    out = [f"Gradient components, in the order ({order}):"]
    for variable, component in zip(result.variables, result.components, strict=True):
        out.append("")
        out.append(f"── ∂f/∂{writer.notation.show(variable)} ──")
        out.extend(writer.line(line) for line in lines(component))
    out.append("")
    out.append(f"Overall: {result.verdict}")
    return writer.prose("\n".join(out)) + "\n"


def render_sheet(sheet: Sheet, fmt: str, *, ascii: bool = False) -> object:
    """A table of the rows (id, verdict, mistake, witness), the malformed rows, a summary."""
    if fmt == "json":
        import json

        return json.dumps(sheet.to_dict(), ensure_ascii=False, indent=2) + "\n"
    if fmt == "latex":
        from derivtutor.errors import UsageError

        raise UsageError("a sheet has no LaTeX form; use --format markdown, text or json")
    from derivtutor.render.formats.text import TextWriter

    writer = TextWriter(ascii=ascii)
    rows = [
        (
            result.id,
            result.verdict.verdict,
            result.verdict.diagnosis.mistake if result.verdict.diagnosis else "",
            _witness_text(result.verdict, writer),
        )
        for result in sheet.results
    ]
    counts = sheet.to_dict()["summary"]
    summary = f"{counts['correct']} correct, {counts['incorrect']} incorrect"
    if sheet.errors:
        summary += f", {len(sheet.errors)} malformed"
    errors = [f"line {e.line}: {e.message}" for e in sheet.errors]
    if fmt == "rich":
        from rich.console import Group
        from rich.table import Table
        from rich.text import Text

        table = Table("id", "verdict", "mistake", "witness", title=sheet.path, title_justify="left")
        for row in rows:
            style = "green" if row[1] == CORRECT else "red"
            table.add_row(Text(row[0]), Text(row[1], style=style), Text(row[2]), Text(row[3]))
        return Group(table, *(Text(e, style="yellow") for e in errors), Text(summary, style="bold"))
    header = ("id", "verdict", "mistake", "witness")
    widths = [max(len(r[c]) for r in [header, *rows]) for c in range(4)]
    out = [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in [header, *rows]
    ]
    if fmt == "markdown":
        out = ["| " + " | ".join(header) + " |", "|---|---|---|---|"]
        out += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    return "\n".join([*out, *errors, summary]) + "\n"


def _witness_text(verdict: Verdict, writer: Any) -> str:
    w = verdict.witness
    if w is None:
        return ""
    at = ", ".join(f"{writer.notation.show(v)} = {value:g}" for v, value in w.point.items())
    got = "undefined" if w.got is None else f"{w.got:.4g}"
    return f"at {at}: {got}, not {w.expected:.4g}"
