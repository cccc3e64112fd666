"""Pictures of f and f′, and of descent paths: plotext in the terminal, matplotlib for PNG.

Both libraries come with the optional ``plot`` extra and are imported only here, only when a
picture is asked for. Without them, every other command works, and a plotting option says which
extra to install.

Curves are sampled in floats and cut into pieces wherever the function is undefined, leaves the
visible range, or jumps (a jump survives bisection down to a tiny interval, where a steep but
continuous curve does not), so relu′ has a step and tan has no vertical lines joining branches.
Saving a PNG writes a file, so this module sits at the edge, beside the CLI.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sympy as sp

from derivtutor.engine.numeric import finite as _finite
from derivtutor.engine.numeric import float_function
from derivtutor.errors import UsageError

if TYPE_CHECKING:
    from derivtutor.ml.descent import Descent

EXTRA = 'pip install "derivtutor[plot]"'
SAMPLES = 400
BISECTIONS = 40
CONTOURS = 6

Curve = list[tuple[list[float], list[float]]]  # pieces to draw, each without gaps or jumps


def require_plotting(*, terminal: bool = True, png: bool = False) -> None:
    """Fail now, with the extra to install, if the plotting libraries are missing."""
    if terminal:
        _plotext()
    if png:
        _pyplot()


def _plotext() -> Any:
    try:
        import plotext
    except ImportError:
        raise UsageError(
            f"plotting in the terminal needs the optional plot extra: {EXTRA}"
        ) from None
    return plotext


def _pyplot() -> Any:
    try:
        import matplotlib

        matplotlib.use("Agg")  # files only: no window, no display needed
        import matplotlib.pyplot as pyplot
    except ImportError:
        raise UsageError(f"saving a PNG needs the optional plot extra: {EXTRA}") from None
    return pyplot


# --- sampling ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sampled:
    """A function sampled over [low, high], cut into drawable pieces, with a y-range."""

    pieces: Curve
    y_range: tuple[float, float]


def sample(
    fn: Callable[[float], float | None], low: float, high: float, count: int = SAMPLES
) -> Sampled:
    xs = [low + (high - low) * i / (count - 1) for i in range(count)]
    ys = [_finite(fn(x)) for x in xs]
    y_range = _visible_range([y for y in ys if y is not None])
    bottom, top = y_range
    span = (top - bottom) or 1.0
    pieces: Curve = []
    current: tuple[list[float], list[float]] = ([], [])
    for i, (x, y) in enumerate(zip(xs, ys, strict=True)):
        visible = y is not None and bottom - 0.05 * span <= y <= top + 0.05 * span
        broken = (
            i > 0
            and visible
            and ys[i - 1] is not None
            and _jumps(fn, xs[i - 1], x, ys[i - 1], y, span)  # type: ignore[arg-type]
        )
        before = ys[i - 1] if i else None
        if not visible or broken:
            if current[0]:
                if not visible and y is not None:  # leaving the window: run on to its edge
                    _append(current, _edge(fn, xs[i - 1], x, y, y_range))
                pieces.append(current)
            current = ([], [])
        if visible:
            if i and not current[0] and before is not None and not broken:
                _append(current, _edge(fn, x, xs[i - 1], before, y_range))  # entering it
            current[0].append(x)
            current[1].append(y)  # type: ignore[arg-type]
    if current[0]:
        pieces.append(current)
    return Sampled(pieces, y_range)


def _append(piece: tuple[list[float], list[float]], point: tuple[float, float] | None) -> None:
    if point is not None:
        piece[0].append(point[0])
        piece[1].append(point[1])


def _edge(
    fn: Callable[[float], float | None],
    inside: float,
    outside: float,
    beyond: float,
    y_range: tuple[float, float],
) -> tuple[float, float] | None:
    """Where the curve meets the top or bottom of the window between a visible sample and one
    beyond it, so a branch runs to the edge instead of stopping short. None when the curve
    does not get there continuously (a pole between the two samples)."""
    bottom, top = y_range
    edge = top if beyond > top else bottom
    here = _finite(fn(inside))
    if here is None or (here > edge) == (beyond > edge):
        return None  # the visible sample is in the margin past the edge already
    a, b = inside, outside
    for _ in range(BISECTIONS):
        m = (a + b) / 2
        fm = _finite(fn(m))
        if fm is None:
            return None
        if (fm > edge) == (beyond > edge):
            b = m
        else:
            a = m
    fa = _finite(fn(a))
    if fa is None or abs(fa - edge) > 0.02 * ((top - bottom) or 1.0):
        return None
    return (a, edge)


def _visible_range(values: list[float]) -> tuple[float, float]:
    """The y-range to show: all of it, unless a pole's huge values would flatten the rest."""
    if not values:
        return -1.0, 1.0
    ordered = sorted(values)
    low, high = ordered[0], ordered[-1]
    q_low = ordered[int(0.05 * (len(ordered) - 1))]
    q_high = ordered[int(0.95 * (len(ordered) - 1))]
    spread = (q_high - q_low) or 1.0
    # A pole: the extremes lie far outside the bulk. Show the bulk, with room around it.
    if high - q_high > 3 * spread:
        high = q_high + 0.5 * spread
    if q_low - low > 3 * spread:
        low = q_low - 0.5 * spread
    if high - low <= 1e-9 * max(1e-300, abs(low), abs(high)):  # flat, relative to its size
        pad = max(1.0, abs(high)) if high == low else 1e-9 * max(abs(low), abs(high))
        return low - pad, high + pad
    return low, high


def _jumps(
    fn: Callable[[float], float | None], a: float, b: float, fa: float, fb: float, span: float
) -> bool:
    """Whether f jumps between a and b (a pole or a step), not merely rises steeply."""
    if abs(fb - fa) <= 0.1 * span:
        return False
    for _ in range(BISECTIONS):
        m = (a + b) / 2
        fm = _finite(fn(m))
        if fm is None:
            return True  # undefined inside: a pole or a hole
        if abs(fm - fa) >= abs(fb - fm):
            b, fb = m, fm
        else:
            a, fa = m, fm
    return abs(fb - fa) > 0.02 * span


def _function(expr: sp.Expr, variable: sp.Symbol) -> Callable[[float], float | None]:
    compiled = float_function(expr, [variable])
    return lambda x: compiled([x])


# --- f and f′ ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class FunctionPlot:
    """f and f′ over a range, sampled, with their titles."""

    titles: tuple[str, str]
    curves: tuple[Sampled, Sampled]
    x_range: tuple[float, float]
    variable: str


def function_plot(
    expression: sp.Expr,
    derivative: sp.Expr,
    variable: sp.Symbol,
    x_range: tuple[float, float],
    titles: tuple[str, str],
) -> FunctionPlot:
    low, high = x_range
    f = _function(expression, variable)
    slope = _function(derivative, variable)

    def where_f_is(x: float) -> float | None:
        # f′ is drawn only where f itself is defined: ln′ = 1/x means nothing for x < 0.
        return slope(x) if _finite(f(x)) is not None else None

    curves = (sample(f, low, high), sample(where_f_is, low, high))
    if not curves[0].pieces:
        raise UsageError(
            f"f is undefined (or not real) everywhere on {low:g}:{high:g}: "
            "choose a --range where it is defined"
        )
    return FunctionPlot(titles, curves, x_range, variable.name)


def terminal_function_plot(
    plot: FunctionPlot, size: tuple[int, int], color: bool, ascii: bool = False
) -> str:
    """f and f′ side by side, drawn with plotext."""
    plt = _plotext()
    _fresh(plt)
    plt.subplots(1, 2)
    plt.plotsize(*size)
    for column, (title, curve, hue) in enumerate(
        zip(plot.titles, plot.curves, ("blue", "red"), strict=True), start=1
    ):
        plt.subplot(1, column)
        plt.theme("clear")
        for xs, ys in curve.pieces:
            plt.plot(xs, ys, color=hue, marker="braille")
        plt.title(title)
        plt.xlim(*plot.x_range)
        plt.ylim(*curve.y_range)
        plt.xlabel(plot.variable)
    return _built(plt, color, ascii)


def _fresh(plt: Any) -> None:
    """A clean figure: plotext keeps one global figure, and clear_figure() clears only the
    active panel of it, so go back to the main figure first."""
    plt.main()
    plt.clear_figure()


def _built(plt: Any, color: bool, ascii: bool = False) -> str:
    text: str = plt.build()
    text = text if color else plt.uncolorize(text)
    return text.translate(_ASCII) if ascii else text


# For terminals that cannot show Unicode (LANG=C): frames in + - |, any braille dot as *.
_ASCII = {
    **{ord(c): "-" for c in "─━"},
    **{ord(c): "|" for c in "│┃"},
    **{ord(c): "+" for c in "┌┐└┘├┤┬┴┼"},
    **dict.fromkeys(range(0x2801, 0x2900), "*"),
    0x2800: " ",
    ord("●"): "o",
    ord("•"): ".",
    ord("′"): "'",
    ord("η"): "eta",
    ord("−"): "-",
}


def save_function_plot(plot: FunctionPlot, path: str, pixels: tuple[int, int]) -> None:
    pyplot = _pyplot()
    figure, axes = pyplot.subplots(1, 2, figsize=(pixels[0] / 100, pixels[1] / 100), dpi=100)
    for ax, title, curve, hue in zip(
        axes, plot.titles, plot.curves, ("tab:blue", "tab:red"), strict=True
    ):
        for xs, ys in curve.pieces:
            ax.plot(xs, ys, color=hue)
        ax.set_title(title)
        ax.set_xlim(*plot.x_range)
        ax.set_ylim(*curve.y_range)
        ax.set_xlabel(plot.variable)
        ax.axhline(0, color="0.8", linewidth=0.8)
        ax.axvline(0, color="0.8", linewidth=0.8)
        ax.grid(alpha=0.3)
    _save(pyplot, figure, path)


def _save(pyplot: Any, figure: Any, path: str) -> None:
    try:
        figure.savefig(path, dpi=100, format="png")  # exact pixels: no tight bounding box
    except OSError as err:
        raise UsageError(f"cannot write {path}: {err.strerror or err}") from None
    finally:
        pyplot.close(figure)


# --- descent paths ----------------------------------------------------------------------------


def _path_window(run: Descent) -> list[tuple[float, float]]:
    """The ranges to draw over: around the path's finite points, with a margin."""
    points = [it.point for it in run.path if all(math.isfinite(x) for x in it.point)]
    if run.status == "diverged":
        points = points[:8]  # a diverging path runs away: frame its first steps
    window = []
    for i in range(len(run.variables)):
        values = [p[i] for p in points]
        low, high = min(values), max(values)
        # Relative as well: far from 0 (x = 10^17) an absolute 0.5 is lost in rounding.
        pad = max(0.25 * (high - low), 0.5, 1e-6 * max(abs(low), abs(high)))
        window.append((low - pad, high + pad))
    return window


def _visible_path(run: Descent, window: list[tuple[float, float]]) -> list[tuple[float, ...]]:
    inside = []
    for it in run.path:
        if not all(lo <= x <= hi for x, (lo, hi) in zip(it.point, window, strict=True)):
            break
        inside.append(it.point)
    return inside


def contour_points(
    fn: Callable[[list[float]], float | None],
    window: list[tuple[float, float]],
    grid: tuple[int, int],
) -> list[list[tuple[float, float]]]:
    """For each of a few levels of f, the grid points where f crosses it (marching squares,
    simplified: a point per crossing between neighbours), for a terminal's dots."""
    (x0, x1), (y0, y1) = window
    nx, ny = grid
    xs = [x0 + (x1 - x0) * i / (nx - 1) for i in range(nx)]
    ys = [y0 + (y1 - y0) * j / (ny - 1) for j in range(ny)]
    values = [[_finite(fn([x, y])) for x in xs] for y in ys]
    finite = sorted(v for row in values for v in row if v is not None)
    if not finite:
        return []
    # Levels spaced by quantile, so both the bowl's floor and its walls get lines.
    levels = sorted({finite[int(q * (len(finite) - 1))] for q in _quantiles()})
    lines: list[list[tuple[float, float]]] = []
    for level in levels:
        found = []
        for j in range(ny):
            for i in range(nx):
                here = values[j][i]
                if here is None:
                    continue
                for di, dj in ((1, 0), (0, 1)):
                    if i + di < nx and j + dj < ny:
                        there = values[j + dj][i + di]
                        if there is not None and (here - level) * (there - level) < 0:
                            t = (level - here) / (there - here)
                            found.append(
                                (xs[i] + t * (xs[i + di] - xs[i]), ys[j] + t * (ys[j + dj] - ys[j]))
                            )
        lines.append(found)
    return lines


def _quantiles() -> list[float]:
    return [(k / (CONTOURS + 1)) ** 2 for k in range(1, CONTOURS + 1)]


def descent_plot(run: Descent, size: tuple[int, int], color: bool, ascii: bool = False) -> str:
    """The path in the terminal: on the curve of f (one variable) or over contours (two)."""
    plt = _plotext()
    _fresh(plt)
    plt.plotsize(*size)
    plt.theme("clear")
    window = _path_window(run)
    path = _visible_path(run, window)
    f = float_function(run.expression, list(run.variables))
    names = [v.name for v in run.variables]
    if len(names) == 1:
        curve = sample(lambda x: f([x]), *window[0])
        for xs, ys in curve.pieces:
            plt.plot(xs, ys, color="blue", marker="braille")
        values = [_finite(f([p[0]])) for p in path]
        steps = [(p[0], v) for p, v in zip(path, values, strict=True) if v is not None]
        if steps:  # none when the path left f's domain at once
            xs, ys = [s[0] for s in steps], [s[1] for s in steps]
            plt.plot(xs, ys, color="red", marker="braille")
            plt.scatter(xs, ys, color="red", marker="●", label="path")
        plt.xlabel(names[0])
        plt.xlim(*window[0])
    else:
        columns, rows = size
        # Braille dots: 2×4 per character cell, fine enough for contour lines to read as lines.
        for level in contour_points(f, window, (columns * 2, rows * 4)):
            if level:
                xs, ys = [p[0] for p in level], [p[1] for p in level]
                plt.scatter(xs, ys, color="gray", marker="braille")
        plt.plot([p[0] for p in path], [p[1] for p in path], color="red", marker="braille")
        plt.scatter(
            [p[0] for p in path], [p[1] for p in path], color="red", marker="●", label="path"
        )
        plt.xlabel(names[0])
        plt.ylabel(names[1])
        plt.xlim(*window[0])
        plt.ylim(*window[1])
    plt.title(f"gradient descent, η = {run.learning_rate:g}: {run.status.replace('_', ' ')}")
    return _built(plt, color, ascii)


def save_descent(run: Descent, path: str, pixels: tuple[int, int]) -> None:
    """The path as a PNG: on the curve, or over filled contour lines."""
    pyplot = _pyplot()
    figure, ax = pyplot.subplots(figsize=(pixels[0] / 100, pixels[1] / 100), dpi=100)
    window = _path_window(run)
    steps = _visible_path(run, window)
    f = float_function(run.expression, list(run.variables))
    names = [v.name for v in run.variables]
    if len(names) == 1:
        curve = sample(lambda x: f([x]), *window[0])
        for xs, ys in curve.pieces:
            ax.plot(xs, ys, color="tab:blue")
        heights = [_finite(f([p[0]])) for p in steps]
        shown = [(p[0], y) for p, y in zip(steps, heights, strict=True) if y is not None]
        ax.plot([s[0] for s in shown], [s[1] for s in shown], "o-", color="tab:red", markersize=4)
        if shown:
            ax.plot(*shown[0], "s", color="black", markersize=7, label="start")
            ax.legend(loc="best")
        ax.set_xlabel(names[0])
        ax.set_ylabel("f")
    else:
        (x0, x1), (y0, y1) = window
        n = 120
        xs = [x0 + (x1 - x0) * i / (n - 1) for i in range(n)]
        ys = [y0 + (y1 - y0) * j / (n - 1) for j in range(n)]
        grid = [[_finite(f([x, y])) for x in xs] for y in ys]
        z = [[math.nan if v is None else v for v in row] for row in grid]
        ax.contour(xs, ys, z, levels=15, cmap="viridis")
        ax.plot([p[0] for p in steps], [p[1] for p in steps], "o-", color="tab:red", markersize=4)
        if steps:
            ax.plot(*steps[0], "s", color="black", markersize=7, label="start")
            ax.legend(loc="best")
        ax.set_xlabel(names[0])
        ax.set_ylabel(names[1])
    ax.set_title(f"gradient descent, η = {run.learning_rate:g}: {run.status.replace('_', ' ')}")
    ax.grid(alpha=0.3)
    _save(pyplot, figure, path)


# --- what the plot and descend commands are given ----------------------------------------------


def parse_size(size: str) -> tuple[int, int]:
    """'800x600' as (800, 600), within sensible bounds."""
    import re

    width, sep, height = size.lower().partition("x")
    if (
        not sep
        or not re.fullmatch(r"[0-9]+", width.strip())
        or not re.fullmatch(r"[0-9]+", height.strip())
    ):
        raise UsageError(f"--size is WIDTHxHEIGHT in pixels, e.g. 800x600, not {size!r}")
    pixels = int(width), int(height)
    if not all(100 <= n <= 8000 for n in pixels):
        raise UsageError(f"--size: each side must be from 100 to 8000 pixels, not {size}")
    return pixels


def check_png(save: str | None) -> None:
    if save is not None and not save.lower().endswith(".png"):
        raise UsageError(f"--save writes a PNG: give a file name ending in .png, not {save!r}")


def parse_range(text: str) -> tuple[float, float]:
    """The interval to draw over, 'a:b', read as a sampling domain is."""
    from derivtutor.errors import DerivtutorError, for_cli
    from derivtutor.language.inputs import parse_domain

    try:
        return parse_domain(text)
    except DerivtutorError as err:
        raise UsageError(for_cli(err, {"domain": "--range"})) from None


def plotted_function(
    text: str, wrt: str | None, interval: tuple[float, float], *, ascii: bool = False
) -> FunctionPlot:
    """f and f′ of one variable, sampled over ``interval``, with their titles."""
    from derivtutor.calculus.differentiation import differentiate
    from derivtutor.language.notation import Notation
    from derivtutor.language.parse import parse, variables

    found = variables(parse(text))
    if len(found) > 1:
        names = ", ".join(v.name for v in found)
        raise UsageError(
            f"plot draws a function of one variable; this one has {names}. "
            "Put numbers in for all but one, e.g. replace y by 2."
        )
    result = differentiate(text, wrt=wrt)
    show = Notation(ascii=ascii).show
    x = show(result.variable)
    prime = "'" if ascii else "′"
    titles = (
        f"f({x}) = {show(result.expression)}",
        f"f{prime}({x}) = {show(result.derivative)}",
    )
    return function_plot(result.expression, result.derivative, result.variable, interval, titles)
