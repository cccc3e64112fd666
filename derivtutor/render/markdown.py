"""Markdown output with $...$ maths, which GitHub and Jupyter render."""

from __future__ import annotations

from derivtutor.calculus.differentiation import Differentiation
from derivtutor.render import explain as ex
from derivtutor.render import summary
from derivtutor.render.latex import latex, segment


def _segment(seg: ex.Segment) -> str:
    if isinstance(seg, str):
        return seg.replace("*", r"\*").replace("_", r"\_")
    if isinstance(seg, ex.Formula):
        return f"${seg.latex}$"
    return f"${segment(seg)}$"


def line(segments: list[ex.Segment]) -> str:
    return "".join(_segment(s) for s in segments)


def _tree(node: ex.Node) -> list[str]:
    rows = []
    for row in ex.lines(node):
        indent = "    " * (len(row.labels) - 1)
        if row.kind == "step":
            rows.append(f"{indent}- **{row.labels[-1]}** {line(row.segments)}")
        else:
            rows.append(f"{indent}    - {line(row.segments)}")
    return rows


def render_differentiation(result: Differentiation) -> str:
    out: list[str] = []
    for section in summary.sections(result):
        out.append(f"### {line(section.heading)}")
        out.append("")
        if section.tree is not None:
            out.extend(_tree(section.tree))
            out.append("")
        for i, row in enumerate(section.result):
            out.append(("**Result:** " if i == 0 else "") + line(row).strip())
            out.append("")
    if result.at is not None:
        out.extend(line(r).strip() + "  " for r in summary.gradient_check_lines(result, result.at))
    out.append(f"<!-- derivative: ${latex(result.derivative)}$ -->")
    return "\n".join(out).rstrip() + "\n"
