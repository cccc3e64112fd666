"""What a gradient descent says, as a teacher shows it: the gradient, the iterations, and what
happened."""

from __future__ import annotations

from derivtutor.ml.descent import CONVERGED, DIVERGED, MAX_ITERATIONS, Descent, Iterate
from derivtutor.render import explain as ex
from derivtutor.render.blocks import Block, Cell, Gap, Line, Table
from derivtutor.render.numbers import number as _number

SHOWN_ROWS = 24  # a longer path shows its first and last rows, with "…" between
NORM = ex.Formula("‖∇f‖", r"\Vert\nabla f\Vert", "|grad f|")


def _point(run: Descent, it: Iterate) -> list[ex.Segment]:
    """x = 3, y = 1"""
    out: list[ex.Segment] = []
    for n, (v, x) in enumerate(zip(run.variables, it.point, strict=True)):
        out += ([", "] if n else []) + [ex.Math(v), f" = {_number(x)}"]
    return out


def _names(run: Descent) -> list[ex.Segment]:
    """x, y: as maths, whose spelling is the format's."""
    out: list[ex.Segment] = []
    for n, v in enumerate(run.variables):
        out += [ex.Formula(", ", ", ")] if n else []
        out.append(ex.Math(v))
    return out


def heading(run: Descent) -> list[Block]:
    f = Line(
        [
            ex.Formula("f(", "f("),
            *_names(run),
            ex.Formula(") = ", ") = "),
            ex.Math(run.expression, typed=True),
        ],
        role="equation",
    )
    if len(run.variables) == 1:
        (v,) = run.variables
        nabla: list[ex.Segment] = [
            ex.Formula("f'(", "f'("),
            ex.Math(v),
            ex.Formula(") = ", ") = "),
            ex.Math(run.gradient[0]),
        ]
        how = "derivtutor diff"
        rule: list[ex.Segment] = [ex.Math(v), " ← ", ex.Math(v), " − η·f'(", ex.Math(v), ")"]
    else:
        nabla = [ex.Formula("∇f = (", r"\nabla f = \left(")]
        for n, g in enumerate(run.gradient):
            nabla += ([ex.Formula(", ", ", ")] if n else []) + [ex.Math(g)]
        nabla.append(ex.Formula(")", r"\right)"))
        rule = ["p ← p − η·∇f(p)"]
        how = "derivtutor grad"
    # The command that shows the steps is a remark for the terminal, not for a document.
    remark = ex.Formula(f"   (step by step: {how})", "")
    return [
        f,
        Line([*nabla, remark], role="equation"),
        Line(
            [
                "Gradient descent: ",
                *rule,
                f", with η = {run.learning_rate:g}, from ",
                *_point(run, run.path[0]),
            ]
        ),
    ]


def table(run: Descent) -> Table:
    variables: list[Cell] = [[ex.Math(v)] for v in run.variables]
    header: list[Cell] = ["k", *variables, [ex.Formula("f", "f")], [NORM], "step"]
    body: list[list[Cell]] = [
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
        gap: list[Cell] = ["…", *[""] * (len(header) - 1)]
        body = [*body[:half], gap, *body[-half:]]
    return Table(header, body, title="Iterations", right=frozenset(range(len(header))))


def verdict(run: Descent) -> list[list[ex.Segment]]:
    """What happened, and what to do about it."""
    steps = len(run.path) - 1
    last = run.last
    where = WHERE  # the last point, placed as maths below
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
    point = _point(run, last)
    return [_placed(line, point) for line in lines]


WHERE = "\0"


def _placed(text: str, point: list[ex.Segment]) -> list[ex.Segment]:
    """text, with the point put where it says WHERE."""
    out: list[ex.Segment] = []
    for n, piece in enumerate(text.split(WHERE)):
        out += [*point] if n else []
        out += [piece] if piece else []
    return out


def descent_blocks(run: Descent) -> list[Block]:
    role = {CONVERGED: "good", DIVERGED: "bad"}.get(run.status, "warn")
    return [
        *heading(run),
        Gap(),
        table(run),
        Gap(),
        *(Line(line, role=role) for line in verdict(run)),
    ]
