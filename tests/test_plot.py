"""Tests for the optional plot extra (plotext in the terminal, matplotlib for PNG): `plot`,
`descend --plot/--save`, the sampling that cuts curves at jumps and poles, the contour points,
and everything that must keep working, or fail cleanly, when the extra is not installed.
"""

from __future__ import annotations

import math
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from derivtutor.calculus.differentiation import differentiate
from derivtutor.cli import app
from derivtutor.engine.numeric import float_function
from derivtutor.plot import Sampled, contour_points, sample

runner = CliRunner()

REPO = Path(__file__).resolve().parent.parent
BRAILLE = re.compile("[\u2801-\u28ff]")  # plotext's braille marker (U+2800 is a blank)
ANSI = "\x1b["
EXTRA = "derivtutor[plot]"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

Fn = Callable[[float], float | None]


@pytest.fixture(autouse=True)
def _fresh_plotext() -> None:
    """plotext keeps one global figure. Start every test from a clean one, so that no test sees
    the panels of another (the code under test does not reset it fully: see
    test_a_second_plot_in_the_same_process_starts_afresh)."""
    plotext = sys.modules.get("plotext")
    if plotext is not None:
        plotext.main()
        plotext.clear_figure()


@pytest.fixture
def plotext() -> Any:
    return pytest.importorskip("plotext")


@pytest.fixture
def pyplot() -> Any:
    pytest.importorskip("matplotlib")
    return pytest.importorskip("matplotlib.pyplot")


def _ok(args: list[str], **kwargs: Any) -> Result:
    result = runner.invoke(app, args, **kwargs)
    assert result.exit_code == 0, result.output
    return result


def _fails(args: list[str], code: int = 2) -> str:
    """A failing command: the exit code, nothing on stdout, a message and no traceback."""
    result = runner.invoke(app, args)
    assert result.exit_code == code, result.output
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert "internal error" not in result.stderr
    assert result.stderr.startswith("error: ")
    return result.stderr


def _png_size(path: Path) -> tuple[int, int]:
    """Width and height from the PNG's IHDR chunk."""
    data = path.read_bytes()
    assert data[:8] == PNG_SIGNATURE
    assert data[12:16] == b"IHDR"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def _frame(output: str) -> tuple[list[str], list[str]]:
    """The lines of a plotext picture: the rows inside the frame, and all lines from the title to
    the x tick labels."""
    lines = output.splitlines()
    top = next(i for i, line in enumerate(lines) if "┌" in line)
    bottom = next(i for i, line in enumerate(lines) if "└" in line)
    return lines[top + 1 : bottom], lines[top - 1 : bottom + 3]


def _halves(output: str) -> tuple[list[str], list[str]]:
    """The rows of a two-panel plot, cut where the right panel's frame begins."""
    rows, lines = _frame(output)
    border = next(line for line in lines if "┌" in line)
    split = border.index("┌", border.index("┌") + 1)
    return [row[:split] for row in rows], [row[split:] for row in rows]


def _dots(row: str) -> list[int]:
    return [i for i, ch in enumerate(row) if BRAILLE.match(ch)]


def _ticks(output: str) -> set[float]:
    """The numbers under the x axis."""
    lines = output.splitlines()
    below = next(i for i, line in enumerate(lines) if "└" in line) + 1
    return {float(token) for token in lines[below].split()}


def _fn(text: str, derivative: bool = False) -> Fn:
    """f (or f′) compiled for floats the way the plot command does it."""
    result = differentiate(text)
    expr = result.derivative if derivative else result.expression
    compiled = float_function(expr, [result.variable])
    return lambda x: compiled([x])


def _pieces_are_ordered(curve: Sampled) -> None:
    """Pieces run left to right, each one's x non-decreasing, no two overlapping."""
    previous = -math.inf
    for xs, ys in curve.pieces:
        assert len(xs) == len(ys) > 0
        assert all(a <= b for a, b in zip(xs, xs[1:], strict=False))
        assert xs[0] >= previous
        previous = xs[-1]


# --- plot in the terminal -------------------------------------------------------------------------


def test_plot_draws_the_axes_both_titles_and_both_curves(plotext: Any) -> None:
    out = _ok(["plot", "x^2"]).stdout
    for corner in "┌┐└┘┤┬":
        assert corner in out
    assert {-5.0, 0.0, 5.0} <= _ticks(out)
    title = out.splitlines()[0]
    assert "f(x) = x²" in title
    assert "f′(x) = 2x" in title
    assert title.index("f(x) = x²") < title.index("f′(x) = 2x")  # f on the left, f′ on the right
    left, right = _halves(out)
    assert sum(len(_dots(row)) for row in left) > 20
    assert sum(len(_dots(row)) for row in right) > 20


def test_plot_draws_the_shapes_of_f_and_f_prime(plotext: Any) -> None:
    left, right = _halves(_ok(["plot", "x^2"]).stdout)
    # x²: high at both ends of the range, at the bottom in the middle.
    every = [c for row in left for c in _dots(row)]
    lo, hi = min(every), max(every)
    mid, quarter = (lo + hi) / 2, (hi - lo) / 4
    assert min(_dots(left[0])) <= lo + 2
    assert max(_dots(left[0])) >= hi - 2
    assert all(abs(c - mid) < quarter for c in _dots(left[-1]))
    # 2x: rises from the bottom left to the top right.
    every = [c for row in right for c in _dots(row)]
    mid = (min(every) + max(every)) / 2
    assert all(c > mid for c in _dots(right[0]))
    assert all(c < mid for c in _dots(right[-1]))


def test_plot_of_relu_shows_the_step_of_its_derivative_without_a_riser(plotext: Any) -> None:
    out = _ok(["plot", "relu(x)", "--range", "-2:2"]).stdout
    assert "f′(x) = H(x)" in out.splitlines()[0]
    _, right = _halves(out)
    every = [c for row in right for c in _dots(row)]
    mid = (min(every) + max(every)) / 2
    assert _dots(right[0]) and min(_dots(right[0])) >= mid - 1  # 1 for x > 0
    assert _dots(right[-1]) and max(_dots(right[-1])) <= mid + 1  # 0 for x < 0
    assert not any(_dots(row) for row in right[1:-1])  # nothing joins them


def test_piped_plot_has_no_ansi_codes(plotext: Any) -> None:
    # color=True stops Click from stripping codes: only derivtutor's own choice is tested.
    result = _ok(["plot", "x^2"], color=True)
    assert ANSI not in result.stdout
    assert ANSI not in result.stderr
    assert BRAILLE.search(result.stdout)


@pytest.mark.parametrize(("columns", "width"), [(60, 60), (80, 80), (120, 120), (300, 200)])
def test_plot_is_as_wide_as_the_terminal_up_to_a_limit(
    plotext: Any, monkeypatch: pytest.MonkeyPatch, columns: int, width: int
) -> None:
    monkeypatch.setenv("COLUMNS", str(columns))
    out = _ok(["plot", "x^2"]).stdout
    assert max(len(line) for line in out.splitlines()) == width


@pytest.mark.parametrize(
    ("args", "ticks"),
    [
        (["--range", "-2:2"], {-2.0, 2.0}),
        (["--range", "0:10"], {0.0, 10.0}),
        (["--range", "-pi:pi"], {-3.14, 3.14}),
    ],
)
def test_plot_range_sets_the_x_axis(plotext: Any, args: list[str], ticks: set[float]) -> None:
    out = _ok(["plot", "x^2", *args]).stdout
    shown = _ticks(out)
    assert min(shown) == pytest.approx(min(ticks), abs=0.05)
    assert max(shown) == pytest.approx(max(ticks), abs=0.05)


def test_plot_wrt_chooses_the_variable(plotext: Any) -> None:
    out = _ok(["plot", "t^3", "--wrt", "t"]).stdout
    title = out.splitlines()[0]
    assert "f(t) = t³" in title
    assert "f′(t) = 3t²" in title


# --- sampling: pieces, jumps and poles ------------------------------------------------------------


def test_the_heaviside_step_is_two_pieces_with_nothing_joining_them() -> None:
    curve = sample(_fn("relu(x)", derivative=True), -2, 2)
    assert len(curve.pieces) == 2
    (left_x, left_y), (right_x, right_y) = curve.pieces
    assert max(left_x) < 0 < min(right_x)
    assert set(left_y) == {0.0}
    assert set(right_y) == {1.0}
    for _, ys in curve.pieces:
        assert all(abs(b - a) < 0.5 for a, b in zip(ys, ys[1:], strict=False))
    _pieces_are_ordered(curve)


def _branch(x: float) -> int:
    """Which branch of tan x is at: poles at π/2 + kπ."""
    return math.floor((x - math.pi / 2) / math.pi)


def test_tan_is_cut_at_its_poles_with_no_segment_across_one() -> None:
    curve = sample(math.tan, -3, 3)
    assert len(curve.pieces) == 3
    branches = []
    for xs, _ in curve.pieces:
        assert len({_branch(x) for x in xs}) == 1  # no consecutive pair straddles a pole
        branches.append(_branch(xs[0]))
    assert branches == [-2, -1, 0]
    (a, _), (b, _), (c, _) = curve.pieces
    assert max(a) < -math.pi / 2 < min(b)
    assert max(b) < math.pi / 2 < min(c)
    _pieces_are_ordered(curve)


def test_tan_keeps_a_readable_y_range_and_runs_each_branch_to_its_edge() -> None:
    curve = sample(_fn("tan(x)"), -3, 3)
    bottom, top = curve.y_range
    assert -100 < bottom < -3  # the pole's huge values do not flatten the rest ...
    assert 3 < top < 100  # ... and the curve is not squashed either
    (_, a), (_, b), (_, c) = curve.pieces
    span = top - bottom
    # Each branch meets the top or bottom of the window instead of stopping short of it.
    assert a[-1] == pytest.approx(top, abs=0.02 * span)
    assert b[0] == pytest.approx(bottom, abs=0.02 * span)
    assert b[-1] == pytest.approx(top, abs=0.02 * span)
    assert c[0] == pytest.approx(bottom, abs=0.02 * span)


def test_one_over_x_splits_at_zero() -> None:
    curve = sample(_fn("1/x"), -3, 3)
    assert len(curve.pieces) == 2
    (left, _), (right, _) = curve.pieces
    assert max(left) < 0 < min(right)
    assert left[0] == -3
    assert right[-1] == 3
    bottom, top = curve.y_range
    assert -100 < bottom < -1
    assert 1 < top < 100
    _pieces_are_ordered(curve)


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("tanh(50x)", -3, 3),
        ("x^3", -5, 5),
        ("sigmoid(30x)", -1, 1),
        ("exp(x)", 0, 10),
        ("sin(20x)", -3, 3),
        ("relu(x)", -2, 2),  # a kink is not a jump
        ("abs(x)", -1, 1),
    ],
)
def test_a_steep_but_continuous_curve_stays_one_piece(text: str, low: float, high: float) -> None:
    curve = sample(_fn(text), low, high)
    assert len(curve.pieces) == 1
    xs, ys = curve.pieces[0]
    assert xs[0] == low
    assert xs[-1] == high
    assert len(xs) == 400
    assert curve.y_range == (min(ys), max(ys))  # nothing hidden: no pole to crop


@pytest.mark.parametrize(
    ("text", "low", "high", "pieces", "domain"),
    [
        ("sqrt(x)", -1, 1, 1, lambda x: x >= 0),
        ("log(x)", -1, 1, 1, lambda x: x > 0),
        ("sqrt(1 - x^2)", -2, 2, 1, lambda x: -1 <= x <= 1),
        ("log(x^2 - 1)", -3, 3, 2, lambda x: abs(x) > 1),
    ],
)
def test_a_curve_is_drawn_only_where_it_is_defined(
    text: str, low: float, high: float, pieces: int, domain: Callable[[float], bool]
) -> None:
    curve = sample(_fn(text), low, high)
    assert len(curve.pieces) == pieces
    assert all(domain(x) for xs, _ in curve.pieces for x in xs)
    _pieces_are_ordered(curve)


@pytest.mark.parametrize(
    ("fn", "low", "high"),
    [
        (math.tan, -3, 3),
        (lambda x: 1 / x if x else None, -3, 3),
        (lambda x: 1 / x**2 if x else None, -3, 3),
        (lambda x: float(math.floor(x)), -2.5, 2.5),
        (lambda x: math.sqrt(x) if x >= 0 else None, -1, 1),
        (lambda x: x**3, -5, 5),
    ],
)
def test_every_point_drawn_is_on_the_curve_or_at_the_window_edge(
    fn: Fn, low: float, high: float
) -> None:
    curve = sample(fn, low, high)
    bottom, top = curve.y_range
    for xs, ys in curve.pieces:
        for x, y in zip(xs, ys, strict=True):
            assert low <= x <= high
            on_curve = fn(x) is not None and math.isclose(fn(x), y, rel_tol=1e-9, abs_tol=1e-12)
            assert on_curve or y in (bottom, top), (x, y)


def test_a_floor_function_is_one_piece_per_step() -> None:
    curve = sample(lambda x: float(math.floor(x)), -2.5, 2.5)
    assert [sorted(set(ys)) for _, ys in curve.pieces] == [
        [-3.0],
        [-2.0],
        [-1.0],
        [0.0],
        [1.0],
        [2.0],
    ]


def test_a_constant_gets_a_window_around_it() -> None:
    curve = sample(lambda x: 2.0, -1, 1)
    assert len(curve.pieces) == 1
    bottom, top = curve.y_range
    assert bottom < 2.0 < top


def test_a_function_undefined_everywhere_has_nothing_to_draw() -> None:
    curve = sample(lambda x: None, -1, 1)
    assert curve.pieces == []
    assert curve.y_range == (-1.0, 1.0)


# --- contour points -------------------------------------------------------------------------------


def test_contour_points_of_a_bowl_lie_on_its_level_sets() -> None:
    def f(p: list[float]) -> float:
        return p[0] ** 2 + p[1] ** 2

    window = [(-1.0, 1.0), (-2.0, 2.0)]
    lines = contour_points(f, window, (41, 81))
    assert 2 <= len(lines) <= 6
    levels = []
    for line in lines:
        assert line
        values = [f(list(point)) for point in line]
        assert max(values) - min(values) < 0.01  # one level per line
        assert all(-1 <= x <= 1 and -2 <= y <= 2 for x, y in line)
        levels.append(sum(values) / len(values))
    assert levels == sorted(levels)
    assert len({round(level, 3) for level in levels}) == len(levels)


def test_contour_points_skip_where_the_function_is_undefined() -> None:
    def f(p: list[float]) -> float | None:
        return math.log(p[0]) + p[1] ** 2 if p[0] > 0 else None

    lines = contour_points(f, [(-1.0, 1.0), (-1.0, 1.0)], (40, 40))
    assert any(lines)
    assert all(x > 0 for line in lines for x, _ in line)
    assert contour_points(lambda p: None, [(-1.0, 1.0), (-1.0, 1.0)], (10, 10)) == []


# --- descend --plot -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "status"),
    [
        (["--start", "x=2"], "η = 0.1: max steps"),
        (["--start", "x=2", "--lr", "0.5"], "η = 0.5: converged"),
        (["--start", "x=2", "--lr", "1.5"], "η = 1.5: diverged"),
    ],
)
def test_descend_plot_of_one_variable_shows_the_curve_the_path_and_the_status(
    plotext: Any, args: list[str], status: str
) -> None:
    out = _ok(["descend", "x^2", *args, "--plot"]).stdout
    table, picture = out.split("gradient descent, η", 1)
    assert "Gradient descent:" in table  # the run's own report comes first
    rows, lines = _frame(out)
    assert f"gradient descent, {status}" in lines[0]
    assert "path" in rows[0]  # the legend
    assert "●" in "\n".join(rows)  # the steps
    assert sum(len(_dots(row)) for row in rows) > 20  # the curve
    assert lines[-1].strip() == "x"


def test_descend_plot_colours_the_curve_blue_and_the_path_red(plotext: Any) -> None:
    out = _ok(["descend", "x^2", "--start", "x=2", "--plot", "--format", "rich"], color=True).stdout
    blue, red, gray = (plotext.colorize("●", hue).split("●")[0] for hue in ("blue", "red", "gray"))
    assert re.search(re.escape(blue) + "[\u2801-\u28ff]", out)
    assert re.search(re.escape(red) + "●", out)
    assert gray not in out  # no contours for one variable


def test_descend_plot_of_two_variables_shows_gray_contours_and_the_red_path(plotext: Any) -> None:
    args = ["descend", "x^2 + 3y^2", "--start", "x=2,y=1", "--plot"]
    plain = _ok(args).stdout
    rows, lines = _frame(plain)
    assert "gradient descent, η = 0.1: max steps" in lines[0]
    assert "path" in rows[0]
    assert "●" in "\n".join(rows)
    assert sum(len(_dots(row)) for row in rows) > 100  # contour lines fill the picture
    assert lines[-1].split() == ["y", "x"]  # plotext puts both axis labels under the plot

    coloured = _ok([*args, "--format", "rich"], color=True).stdout
    gray, red = (plotext.colorize("●", hue).split("●")[0] for hue in ("gray", "red"))
    assert re.search(re.escape(gray) + "[\u2801-\u28ff]", coloured)
    assert re.search(re.escape(red) + "●", coloured)


def test_descend_without_plot_draws_nothing() -> None:
    out = _ok(["descend", "x^2", "--start", "x=2"]).stdout
    assert "┌" not in out
    assert not BRAILLE.search(out)


# --- PNG ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("size", "expected"),
    [(["--size", "640x480"], (640, 480)), ([], (800, 600)), (["--size", "300X1000"], (300, 1000))],
)
def test_plot_save_writes_a_png_of_the_requested_size(
    pyplot: Any, tmp_path: Path, size: list[str], expected: tuple[int, int]
) -> None:
    path = tmp_path / "out.png"
    result = _ok(["plot", "x^2", "--save", str(path), *size])
    assert _png_size(path) == expected
    assert result.stdout == ""  # saved instead of drawn
    assert f"Saved f and f' to {path}" in result.stderr


@pytest.mark.parametrize(
    ("expr", "start"), [("x^2", "x=2"), ("(x-1)^2 + 2(y+2)^2", "x=3,y=1")], ids=["one", "two"]
)
@pytest.mark.parametrize(
    ("size", "expected"), [(["--size", "500x400"], (500, 400)), ([], (800, 600))]
)
def test_descend_save_writes_a_png_of_the_requested_size(
    pyplot: Any,
    tmp_path: Path,
    expr: str,
    start: str,
    size: list[str],
    expected: tuple[int, int],
) -> None:
    path = tmp_path / "path.png"
    result = _ok(["descend", expr, "--start", start, "--save", str(path), *size])
    assert _png_size(path) == expected
    assert "Gradient descent:" in result.stdout  # the report still comes
    assert f"Saved the path to {path}" in result.stderr


def test_descend_save_of_a_diverging_run_writes_a_png(pyplot: Any, tmp_path: Path) -> None:
    path = tmp_path / "diverged.png"
    _ok(["descend", "x^2+y^2", "--start", "x=1,y=1", "--lr", "5", "--save", str(path)])
    assert _png_size(path) == (800, 600)


@pytest.mark.parametrize("where", ["missing/dir/out.png", "out.png/"])
def test_save_to_a_place_that_cannot_be_written_says_so(
    pyplot: Any, tmp_path: Path, where: str
) -> None:
    target = str(tmp_path / where) + ("/" if where.endswith("/") else "")
    if where.endswith("/"):
        (tmp_path / "out.png").mkdir()  # a directory named like the PNG
    message = _fails(["plot", "x^2", "--save", target.rstrip("/")])
    assert f"cannot write {target.rstrip('/')}" in message
    assert not (tmp_path / "missing").exists()


# --- without the extra ----------------------------------------------------------------------------


@pytest.fixture
def no_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("plotext", "matplotlib", "matplotlib.pyplot"):
        monkeypatch.setitem(sys.modules, name, None)


@pytest.mark.parametrize(
    "args",
    [
        ["plot", "x^2"],
        ["plot", "x^2", "--save", "f.png"],
        ["descend", "x^2", "--start", "x=1", "--plot"],
        ["descend", "x^2", "--start", "x=1", "--save", "f.png"],
        ["descend", "x^2+y^2", "--start", "x=1,y=1", "--plot", "--save", "f.png"],
    ],
)
def test_plotting_without_the_extra_names_it_and_writes_nothing(
    no_extra: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    message = _fails(args)
    assert EXTRA in message
    assert "optional plot extra" in message
    assert not list(tmp_path.rglob("*.png"))


@pytest.mark.parametrize(
    ("args", "needs"),
    [
        (["diff", "x^2"], "2x"),
        (["descend", "x^2", "--start", "x=1"], "Gradient descent:"),
        (["descend", "x^2+y^2", "--start", "x=1,y=1"], "Gradient descent:"),
        (["backprop", "--example", "neuron"], "σ"),
        (["grad", "x^2*y"], "∇f = (2x·y, x²)"),
        (["plot", "--help"], "--save"),
    ],
)
def test_every_other_command_works_without_the_extra(
    no_extra: None, args: list[str], needs: str
) -> None:
    result = _ok(args)
    assert needs in result.stdout
    assert EXTRA not in result.stdout + result.stderr


def test_the_terminal_plot_needs_only_plotext(
    plotext: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    assert "f(x) = x²" in _ok(["plot", "x^2"]).stdout
    assert "path" in _ok(["descend", "x^2", "--start", "x=1", "--plot"]).stdout
    message = _fails(["plot", "x^2", "--save", str(tmp_path / "f.png")])
    assert "saving a PNG" in message
    assert EXTRA in message


def test_saving_a_png_needs_only_matplotlib(
    pyplot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "plotext", None)
    _ok(["plot", "x^2", "--save", str(tmp_path / "f.png")])
    _ok(["descend", "x^2", "--start", "x=1", "--save", str(tmp_path / "d.png")])
    assert _png_size(tmp_path / "f.png") == (800, 600)
    assert _png_size(tmp_path / "d.png") == (800, 600)
    message = _fails(["plot", "x^2"])
    assert "plotting in the terminal" in message
    assert EXTRA in message


_LOADED = "print('plotext' in sys.modules, 'matplotlib' in sys.modules)"
_STARTUP = f"""
import sys
from typer.testing import CliRunner
from derivtutor.cli import app
{_LOADED}
for args in (["descend", "x^2", "--start", "x=1"], ["diff", "x^2"], ["plot", "--help"]):
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
{_LOADED}
"""


def test_nothing_imports_the_plotting_libraries_until_a_picture_is_asked_for() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _STARTUP],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "False", "False", "False"]


def test_the_real_entry_point_does_not_import_them_either() -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-X",
            "importtime",
            "-m",
            "derivtutor",
            "descend",
            "x^2",
            "--start",
            "x=1",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        stdin=subprocess.DEVNULL,
        timeout=60,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    assert done.returncode == 0, done.stderr
    assert "Gradient descent:" in done.stdout
    imported = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines()}
    assert "sympy" in imported  # the check sees real imports
    assert not any(name.split(".")[0] in ("plotext", "matplotlib") for name in imported)


# --- bad options ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["plot", "x^2", "--range", "5:1"], ["--range", "a < b"]),
        (["plot", "x^2", "--range", "1:1"], ["--range", "a < b"]),
        (["plot", "x^2", "--range", "abc"], ["--range", "a:b"]),
        (["plot", "x^2", "--range", "1:2:3"], ["--range", "a:b"]),
        (["plot", "x^2", "--range", "0:y"], ["--range", "not a real number"]),
        (["plot", "x^2", "--size", "10x10"], ["--size", "100 to 8000"]),
        (["plot", "x^2", "--size", "9000x600"], ["--size", "100 to 8000"]),
        (["plot", "x^2", "--size", "800"], ["--size", "WIDTHxHEIGHT"]),
        (["plot", "x^2", "--size", "800x"], ["--size", "WIDTHxHEIGHT"]),
        (["plot", "x^2", "--size", "-800x600"], ["--size", "WIDTHxHEIGHT"]),
        (["plot", "x^2", "--save", "f.png", "--size", "10x10"], ["--size"]),
        (["descend", "x^2", "--start", "x=1", "--save", "f.png", "--size", "800"], ["--size"]),
        (["descend", "x^2", "--start", "x=1", "--plot", "--size", "10x10"], ["--size"]),
        pytest.param(
            ["plot", "x^2", "--size", "100x1²"],
            ["--size"],
            id="superscript-digit",
        ),
    ],
)
def test_bad_plot_options_exit_2_with_a_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], words: list[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    message = _fails(args)
    for word in words:
        assert word in message
    assert "--domain" not in message  # the plot command's own option is named
    assert not (tmp_path / "f.png").exists()


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["plot", "x*y"], ["one variable", "x, y"]),
        (["plot", "x*y", "--save", "f.png"], ["one variable", "x, y"]),
        (["plot", "x^2", "--wrt", "y"], ["y does not appear"]),
        (["plot", "x^"], ["x^"]),
    ],
)
def test_a_function_plot_cannot_draw_exits_2_with_a_message(
    plotext: Any,
    pyplot: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    words: list[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    message = _fails(args)
    for word in words:
        assert word in message
    assert not (tmp_path / "f.png").exists()


# --- bugs -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "second",
    [["plot", "x^2"], ["descend", "x^2", "--start", "x=2", "--plot"]],
    ids=["plot", "descend"],
)
def test_a_second_plot_in_the_same_process_starts_afresh(plotext: Any, second: list[str]) -> None:
    alone = _ok(second).stdout
    plotext.main()
    plotext.clear_figure()
    _ok(["plot", "x^3"])
    assert _ok(second).stdout == alone


@pytest.mark.parametrize("save", [[], ["--save", "f.png"]], ids=["terminal", "png"])
def test_plot_wrt_of_a_function_of_several_variables_is_a_usage_error(
    plotext: Any, pyplot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, save: list[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    message = _fails(["plot", "x*y", "--wrt", "x", *save])
    assert "y" in message


def test_descend_plot_from_an_undefined_start_is_bad_input(plotext: Any) -> None:
    result = runner.invoke(app, ["descend", "log(x)", "--start", "x=-1", "--plot"])
    assert "internal error" not in result.stderr
    assert result.exit_code == 2, result.output
    assert "f is undefined (or too large) at the start x=-1" in result.stderr


def test_descend_plot_of_a_path_that_leaves_the_domain_at_once(plotext: Any) -> None:
    result = runner.invoke(app, ["descend", "log(x)", "--start", "x=0.5", "--lr", "1", "--plot"])
    assert "internal error" not in result.stderr
    assert result.exit_code == 0, result.output
    assert "gradient descent, η = 1: diverged" in result.stdout


def test_range_in_scientific_notation_is_read_as_a_number(plotext: Any) -> None:
    # 1e-3 is 0.001, never 1·e − 3 (issue 15): a range from a thousandth to 1.
    result = runner.invoke(app, ["plot", "x", "--range", "1e-3:1"])
    assert result.exit_code == 0, result.output


def test_the_derivative_is_not_drawn_where_f_is_undefined() -> None:
    from derivtutor.calculus.differentiation import differentiate
    from derivtutor.plot import function_plot

    result = differentiate("ln(x)")
    drawn = function_plot(
        result.expression, result.derivative, result.variable, (-5, 5), ("f", "g")
    )
    for xs, _ in drawn.curves[1].pieces:
        assert min(xs) > 0  # 1/x is ln′ only where ln is defined


def test_a_range_where_f_is_nowhere_defined_is_refused(plotext: Any) -> None:
    message = _fails(["plot", "ln(x)", "--range", "-5:-1"])
    assert "undefined (or not real) everywhere on -5:-1" in message


def test_a_path_far_from_zero_still_has_a_window(plotext: Any) -> None:
    result = runner.invoke(
        app, ["descend", "x^2", "--start", "x=10^17", "--lr", "0.1", "--iterations", "3", "--plot"]
    )
    assert result.exit_code == 0, result.output


def test_lang_c_gets_an_ascii_plot(plotext: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from derivtutor import terminal

    monkeypatch.setattr(terminal, "ascii_only", lambda: True)
    for args in (["plot", "relu(x)"], ["descend", "x^2+y^2", "--start", "x=1,y=1", "--plot"]):
        out = _ok(args).stdout
        assert out.isascii(), [c for c in out if not c.isascii()][:5]
        assert "+----" in out and "*" in out  # the frame and the curve, in ASCII
