"""Markdown output with $...$ maths, which GitHub and Jupyter render."""

from __future__ import annotations

from derivtutor.differentiation import Differentiation
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


def _tree(node: ex.Node, number: str, depth: int) -> list[str]:
    indent = "    " * depth
    label = number + ("." if "." not in number else "")
    rows = [f"{indent}- **{label}** {line(node.head)}"]
    for note in node.notes:
        rows.append(f"{indent}    - {line(note)}")
    for i, child in enumerate(node.children, start=1):
        rows.extend(_tree(child, f"{number}.{i}", depth + 1))
    if node.conclusion is not None:
        rows.append(f"{indent}    - {line(node.conclusion)}")
    return rows


def render_differentiation(result: Differentiation) -> str:
    out: list[str] = []
    for section in summary.sections(result):
        out.append(f"### {line(section.heading)}")
        out.append("")
        if section.tree is not None:
            out.extend(_tree(section.tree, "1", 0))
            out.append("")
        for i, row in enumerate(section.result):
            out.append(("**Result:** " if i == 0 else "") + line(row).strip())
            out.append("")
    if result.at is not None:
        out.extend(line(r).strip() + "  " for r in summary.gradient_check_lines(result, result.at))
    out.append(f"<!-- derivative: ${latex(result.derivative)}$ -->")
    return "\n".join(out).rstrip() + "\n"
