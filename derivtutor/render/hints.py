"""Hints made from a derivation, for problems whose author wrote none.

Three hints, each saying more than the one before, as a teacher would give them:
1. the rule to start with (and the substitution it makes);
2. the rule's formula, and the rule for each part;
3. the derivative of each part, so only the last combination is left to do.
No hint states the final answer: a leaf step is cut just before its result.
"""

from __future__ import annotations

from derivtutor.differentiation import Differentiation
from derivtutor.render import explain as ex
from derivtutor.render.text import TextWriter


def derivative_hints(result: Differentiation, *, ascii: bool = False) -> list[str]:
    """Hints for d/dx of one function."""
    writer = TextWriter(ascii=ascii)
    top = ex.explain(result.steps[0], partial=bool(result.held_constant))
    if not top.children:
        return [writer.line(_before_result(top.head)), *_table_rows(result, writer)]
    first = writer.line(top.head)
    second = [writer.line(note) for note in top.notes]
    second += [writer.line(_before_result(child.head)) for child in top.children]
    third = [
        writer.line(child.conclusion if child.conclusion else child.head)
        for child in top.children
        if child.rule not in ("constant", "variable")
    ]
    hints = [first, "\n".join(second), "\n".join(third)]
    out: list[str] = []
    # A head that introduces a formula ends with ':'; on its own as a hint it needs none.
    hints = [hint.removesuffix(":") for hint in hints]
    for hint in hints:
        if hint and hint not in out:
            out.append(hint)
    return out


def gradient_hints(results: list[Differentiation], *, ascii: bool = False) -> list[str]:
    """Hints for a gradient: one partial derivative per variable."""
    writer = TextWriter(ascii=ascii)
    names = ", ".join(writer.notation.show(r.variable) for r in results)
    first = (
        f"Take one partial derivative per variable ({names}), holding the others constant, "
        "and give them in that order, separated by commas."
    )
    starts = []
    for result in results:
        top = ex.explain(result.steps[0], partial=True)
        operator = writer.operator(result.variable, partial=True)
        starts.append(f"{operator}: {writer.line(_before_result(top.head))}")
    return [writer.prose(first), "\n".join(starts)]


def _table_rows(result: Differentiation, writer: TextWriter) -> list[str]:
    """The derivative table's row for a one-rule function, e.g. "σ(x) → σ(x)·(1 − σ(x))"."""
    from derivtutor.table import TABLE

    rule = result.steps[0].rule
    shown = writer.notation.show(result.expression)
    rows = [e for e in TABLE if e.rule == rule and e.function]
    if len(rows) > 1:
        rows = [e for e in rows if shown.startswith(e.function.split("(")[0])][:1]
    return [
        writer.prose(
            f"From the table: d/dx {e.function} = {e.derivative}"
            + (f" ({e.note})" if e.note else "")
        )
        for e in rows[:1]
    ]


def _before_result(head: list[ex.Segment]) -> list[ex.Segment]:
    """A step's head up to the '=' that follows its d/dx [...], so it names the rule and what
    to differentiate but not the result."""
    seen_d = False
    for n, segment in enumerate(head):
        if isinstance(segment, ex.D):
            seen_d = True
        elif seen_d and isinstance(segment, str) and segment.lstrip().startswith("="):
            return head[:n]
    return head
