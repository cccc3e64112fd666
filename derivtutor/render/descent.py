"""Gradient descent as a teacher shows it: the gradient, the iterations, and what happened."""

from __future__ import annotations

import json

from derivtutor.ml.descent import CONVERGED, DIVERGED, MAX_ITERATIONS, Descent, Iterate
from derivtutor.render import explain as ex
from derivtutor.render.formats.latex import escape_text
from derivtutor.render.formats.text import TextWriter
from derivtutor.render.numbers import number as _number

SHOWN_ROWS = 24  # a longer path shows its first and last rows, with "…" between


class _Writer:
    def __init__(self, ascii: bool) -> None:
        self.text = TextWriter(ascii=ascii)

    def show(self, segments: list[ex.Segment]) -> str:
        return self.text.line(segments)

    def prose(self, text: str) -> str:
        return self.text.prose(text)

    def names(self, run: Descent) -> list[str]:
        return [self.text.notation.show(v) for v in run.variables]

    def point(self, run: Descent, it: Iterate) -> str:
        names = self.names(run)
        inner = ", ".join(f"{n} = {_number(x)}" for n, x in zip(names, it.point, strict=True))
        return inner


def heading(run: Descent, w: _Writer) -> list[str]:
    names = ", ".join(w.names(run))
    f = w.show([f"f({names}) = ", ex.Math(run.expression, typed=True)])
    if len(run.variables) == 1:
        nabla = w.show(["f'(", ex.Math(run.variables[0]), ") = ", ex.Math(run.gradient[0])])
        how = "derivtutor diff"
        rule = "x ← x − η·f'(x)".replace("x", w.names(run)[0])
    else:
        parts: list[ex.Segment] = ["∇f = ("]
        for i, g in enumerate(run.gradient):
            parts += ([", "] if i else []) + [ex.Math(g)]
        nabla = w.show([*parts, ")"])
        rule = "p ← p − η·∇f(p)"
        how = "derivtutor grad"
    start = w.point(run, run.path[0])
    return [
        f,
        nabla + w.prose(f"   (step by step: {how})"),
        w.prose(f"Gradient descent: {rule}, with η = {run.learning_rate:g}, from {start}"),
    ]


def rows(run: Descent, w: _Writer) -> tuple[list[str], list[list[str]]]:
    names = w.names(run)
    header = ["k", *names, "f", "‖∇f‖", "step"]
    body = [
        [
            str(k),
            *(_number(x) for x in it.point),
            _number(it.value),
            _number(it.norm),
            _number(it.step) if k else "",
        ]
        for k, it in enumerate(run.path)
    ]
    if len(body) > SHOWN_ROWS:
        half = SHOWN_ROWS // 2
        body = [*body[:half], ["…"] + [""] * (len(header) - 1), *body[-half:]]
    return [w.prose(h) for h in header], [[w.prose(c) for c in row] for row in body]


def verdict(run: Descent, w: _Writer) -> list[str]:
    """What happened, and what to do about it."""
    steps = len(run.path) - 1
    last = run.last
    where = w.point(run, last)
    plural = "s" * (steps != 1)
    lr = run.learning_rate
    more = (
        "more --iterations, or a larger --lr"
        if run.iterations < MAX_ITERATIONS
        else "a larger --lr (the step limit is at its most)"
    )
    if run.status == CONVERGED:
        found = (
            f"Converged after {steps} step{plural}: ‖∇f‖ = {_number(last.norm)} ≤ "
            f"{_number(run.tolerance)} at {where}, where f = {_number(last.value)}"
        )
        advice = {
            "minimum": ". Nearby, f is higher on every side: this is a minimum.",
            "not_minimum": (
                ". But f is lower nearby: this is a saddle point, a maximum or an inflection, "
                "not a minimum. Gradient descent stops wherever the gradient vanishes; start "
                "elsewhere to find a minimum."
            ),
            "flat": (
                ". f is flat around here (a plateau, or a dead ReLU whose gradient is 0), so "
                "descent cannot move; this need not be a minimum. Start elsewhere."
            ),
        }.get(run.reason, "")  # a reason without advice yet still reports the run
        lines = [found + advice]
    elif run.status == DIVERGED:
        advice = {
            "overshoot": (
                "the learning rate is too large: each step overshoots the minimum, and the "
                f"iterates swing further out each time. Try a smaller --lr, e.g. {lr / 4:g}."
            ),
            "unbounded": (
                "f keeps falling without end: it has no minimum in the direction of descent "
                "(it is unbounded below), so no learning rate can make this converge."
            ),
            "undefined": (
                f"the step left the function's domain: f is undefined at {where}. "
                "A smaller --lr takes shorter steps; a function like ln has no minimum at all."
            ),
            "no_gradient": (
                f"the gradient is undefined at {where} (f has a cusp or corner there), so no "
                "step can be taken from it."
            ),
            "crossed": (
                "the last step jumped over a point where f is undefined (a pole, as 1/x has at "
                "0), and f went up: descent only sees the slope where it stands. Start on the "
                "side you mean, or take a smaller --lr."
            ),
        }.get(run.reason, "")  # a reason without advice yet still reports the run
        lines = [f"Diverged after {steps} step{plural}: {advice}"]
    else:
        advice = {
            "slow": f"f is still falling, but slowly. Give it {more}.",
            "small_steps": (
                f"the steps are tiny (η·‖∇f‖ = {_number(last.step)}): the learning rate is "
                f"too small to get anywhere soon. Try a larger --lr, e.g. {lr * 10:g}."
            ),
            "plateau": (
                "the gradient is tiny here (a plateau, or a saturated function such as tanh "
                "far from 0), so each step barely moves. This is the vanishing gradient."
            ),
            "oscillating": (
                "the iterates bounce back and forth across the minimum: each step overshoots "
                "it a little. A smaller --lr would get there sooner."
            ),
            "cycling": (
                "the iterates jump between the same points without getting closer: the "
                "learning rate sits exactly at the edge of stability. Take a smaller --lr."
            ),
            "corner": (
                "the gradient keeps its size while the iterates hop around one point: f has a "
                "corner there (like |x| at 0), where no gradient vanishes, so the test "
                f"‖∇f‖ ≤ {_number(run.tolerance)} can never be met. The iterates are within "
                "one step of the minimum; a learning rate that shrinks over time would settle."
            ),
            "steady": (
                "f keeps falling but the gradient is not getting smaller, so no minimum is in "
                "sight: f may be unbounded below in this direction."
            ),
        }.get(run.reason, "")  # a reason without advice yet still reports the run
        lines = [
            f"Stopped at the step limit ({steps} step{plural}): ‖∇f‖ = {_number(last.norm)} is "
            f"still above {_number(run.tolerance)} at {where}; {advice}"
        ]
    return [w.prose(line) for line in lines]


def render_descent(run: Descent, fmt: str, *, ascii: bool = False) -> object:
    if fmt == "json":
        return json.dumps(run.to_dict(), ensure_ascii=False, indent=2) + "\n"
    w = _Writer(ascii)
    header, body = rows(run, w)
    if fmt == "rich":
        from rich.console import Group
        from rich.table import Table
        from rich.text import Text

        grid = Table(*header, title="Iterations", title_justify="left")
        for column in grid.columns:
            column.justify = "right"
        for row in body:
            grid.add_row(*(Text(c) for c in row))
        style = {"converged": "bold green", "diverged": "bold red"}.get(run.status, "bold yellow")
        return Group(
            *(Text(line) for line in heading(run, w)),
            Text(""),
            grid,
            *(Text(line, style=style) for line in verdict(run, w)),
        )
    if fmt == "markdown":
        lines = [f"**{line}**" if i == 0 else line for i, line in enumerate(heading(run, w))]
        table = ["| " + " | ".join(header) + " |", "|" + "---:|" * len(header)]
        table += ["| " + " | ".join(row) + " |" for row in body]
        return (
            "\n\n".join(lines)
            + "\n\n"
            + "\n".join(table)
            + "\n\n"
            + "\n".join(verdict(run, w))
            + "\n"
        )
    if fmt == "latex":
        return _latex(run, header, body, w)
    widths = [max(len(r[c]) for r in [header, *body]) for c in range(len(header))]
    lines = [
        "  ".join(cell.rjust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in [header, *body]
    ]
    return "\n".join([*heading(run, w), "", *lines, "", *verdict(run, w)]) + "\n"


def _latex(run: Descent, header: list[str], body: list[list[str]], w: _Writer) -> str:
    from derivtutor.render.formats.latex import latex

    names = [latex(v) for v in run.variables]
    columns = ["k", *(f"${n}$" for n in names), "$f$", r"$\lVert\nabla f\rVert$", "step"]
    lines = [
        r"\[ f(" + ", ".join(names) + ") = " + latex(run.expression) + r" \]",
        r"\[ \nabla f = \left(" + ", ".join(latex(g) for g in run.gradient) + r"\right) \]",
        r"\begin{tabular}{" + "r" * len(columns) + "}",
        " & ".join(columns) + r" \\ \hline",
    ]
    plain = _Writer(ascii=True)  # ASCII prose, escaped, compiles anywhere
    for row in body:
        lines.append(" & ".join(escape_text(plain.prose(c)) for c in row) + r" \\")
    lines.append(r"\end{tabular}")
    lines.append("")
    lines.extend(escape_text(line) for line in verdict(run, plain))
    return "\n".join(lines) + "\n"
