"""Hints made from a derivation, for problems whose author wrote none.

Three hints, each saying more than the one before, as a teacher would give them:
1. the rule to start with (and the substitution it makes);
2. the rule's formula, and the rule for each part;
3. for a product, quotient or chain, the derivative of each part, so that only combining
   them is left to do.
No hint states the final answer: a step is cut just before its result.
"""

from __future__ import annotations

from derivtutor.calculus.differentiation import Differentiation
from derivtutor.render import explain as ex
from derivtutor.render.formats.text import TextWriter


def derivative_hints(result: Differentiation, *, ascii: bool = False) -> list[str]:
    """Hints for d/dx of one function."""
    writer = TextWriter(ascii=ascii)
    top = ex.explain(result.orders[0], partial=bool(result.held_constant))
    if not top.children:
        # One rule: naming it is the hint; its table row would be the answer itself.
        return [_line(writer, _before_result(top.head))]
    first = _line(writer, _before_result(top.head))
    second = [_line(writer, note) for note in top.notes]
    second += [_line(writer, _before_result(child.head)) for child in top.children]
    hints = [first, "\n".join(second)]
    if top.rule in _COMBINING:
        # The parts' derivatives, when combining them is still work to do. After a sum, a
        # constant multiple or a rewrite, the parts' results would simply be the answer.
        hints.append(
            "\n".join(
                _line(writer, child.conclusion if child.conclusion else child.head)
                for child in top.children
                if child.rule not in ("constant", "variable")
            )
        )
    out: list[str] = []
    for hint in hints:
        if hint and hint not in out:
            out.append(hint)
    return out


_COMBINING = ("product", "quotient", "chain", "log_differentiation")


def _line(writer: TextWriter, segments: list[ex.Segment]) -> str:
    # A head that introduces a formula ends with ':'; on its own in a hint it needs none.
    return writer.line(segments).rstrip().removesuffix(":")


def gradient_hints(results: list[Differentiation], *, ascii: bool = False) -> list[str]:
    """Hints for a gradient: one partial derivative per variable."""
    writer = TextWriter(ascii=ascii)
    names = ", ".join(writer.notation.show(r.variable) for r in results)
    first = (
        f"Take one partial derivative per variable ({names}), holding the others constant, "
        "and give them in that order, separated by commas."
    )
    starts, parts = [], []
    for result in results:
        top = ex.explain(result.orders[0], partial=True)
        operator = writer.operator(result.variable, partial=True)
        starts.append(f"{operator}: {_line(writer, _before_result(top.head))}")
        # Then the rule for each part of that component, as a one-variable hint gives it.
        parts += [
            f"{operator}: {_line(writer, _before_result(child.head))}"
            for child in top.children
            if child.rule not in ("constant", "variable")
        ]
    hints = [writer.prose(first), "\n".join(starts)]
    if parts:
        hints.append("\n".join(parts))
    return hints


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
