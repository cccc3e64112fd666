"""A grader nobody can fool (issue 12 §1, §2): answers built to pass the sampling, answers
excused by the size of the derivative, and right answers lost to float overflow.

Each case is one of the issue's own examples, checked through the API and, for the exit
codes, through the CLI."""

from __future__ import annotations

import hashlib
import json
import os
import random
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from derivtutor import check
from derivtutor.cli import app
from derivtutor.engine.numeric import Compiled
from derivtutor.grading import verdict

runner = CliRunner()
x = sp.Symbol("x", real=True)

# Zero (or tiny) at every point of a grid of rounded coordinates, and far from it elsewhere.
GRID_FORGERIES = [
    ("x^2", "2x + 10^6 sin(10^20 pi x)"),
    ("x^2", "2x + tan(1000 pi x)"),
    ("x^2", "2x + 50 sin(1000 pi x)^2"),
    ("exp(x)", "exp(x)(1 + sin(1000 pi x))"),
]

# A missing term that a tolerance taken from the largest value anywhere would excuse.
MISSING_TERMS = [
    ("x^100 + sin(x)", "100 x^99"),
    ("x^1000 + x^2", "1000 x^999"),
    ("exp(20x) + sin(x)", "20 exp(20x)"),
    ("x^2/10^12", "0"),
]

# Right answers that floats get wrong: ∞ − ∞, 0·∞, and values past the largest float.
OVERFLOWING_RIGHT_ANSWERS = [
    ("x^2", "2x + exp(10^3 x) - exp(10^3 x)"),
    ("x", "1 + 0*x^(-1000)"),
    ("exp(exp(10 + x))", "exp(exp(10 + x)) exp(10 + x)"),
    ("exp(20 x)", "20 exp(20 x)"),
]


@pytest.mark.parametrize(("function", "answer"), GRID_FORGERIES)
def test_an_answer_that_vanishes_on_a_grid_is_wrong(function: str, answer: str) -> None:
    assert check(function, answer).verdict == "incorrect"


@pytest.mark.parametrize(("function", "answer"), GRID_FORGERIES)
@pytest.mark.parametrize("domain", ["-2:2", "0:1", "-100:100"])
def test_a_grid_forgery_is_wrong_on_any_domain(function: str, answer: str, domain: str) -> None:
    assert check(function, answer, domain=domain).verdict == "incorrect"


@pytest.mark.parametrize(("function", "answer"), MISSING_TERMS)
def test_a_missing_term_is_not_excused_by_a_large_derivative(function: str, answer: str) -> None:
    assert check(function, answer).verdict == "incorrect"


@pytest.mark.parametrize(("function", "answer"), OVERFLOWING_RIGHT_ANSWERS)
def test_a_right_answer_survives_float_overflow(function: str, answer: str) -> None:
    assert check(function, answer).verdict == "correct"


# Found by a red-team review of the float pass (issue 13): a product that went subnormal on the
# way and came back, and a difference that cancellation hides at 30 digits.
@pytest.mark.parametrize(
    ("answer", "verdict"),
    [
        # 4·e^(−372)·e^(−373)·cosh(372)·cosh(373) is 1; floats make it 0.8753 (subnormal midway)
        ("2x (4 exp(-372) exp(-373) cosh(372) cosh(373)) / 0.875273297019736", "incorrect"),
        ("2x sech(370) sech(371) cosh(370) cosh(371)", "correct"),
        ("8x exp(-370) exp(-371) cosh(370) cosh(371)", "correct"),
        # (cosh(u) − sinh(u))·e^u is 1 and cosh² − sinh² is 1: both vanish at 30 digits
        ("2x + (cosh(x^2+100) - sinh(x^2+100))*exp(x^2+100)", "incorrect"),
        ("2x + sin(x)*(cosh(x^2+100)^2 - sinh(x^2+100)^2)", "incorrect"),
    ],
)
def test_rounding_cannot_hide_a_difference_nor_make_one(answer: str, verdict: str) -> None:
    assert check("x^2", answer).verdict == verdict


def test_twice_an_overflowing_derivative_is_not_the_derivative() -> None:
    # Both are ∞ as floats everywhere near 0; their values are not equal.
    assert check("exp(exp(10 + x))", "2 exp(exp(10 + x)) exp(10 + x)").verdict == "incorrect"


def test_an_overflowing_derivative_against_a_constant_is_incorrect_not_a_crash() -> None:
    result = runner.invoke(app, ["check", "exp(exp(10 + x))", "1"])
    assert result.exit_code == 1, result.output
    assert "Verdict:  incorrect" in result.stdout


def _forged_answer() -> str:
    """2x plus a polynomial that is 0 at each of the public seeded points of check("x^2", …)."""
    seeded = random.Random(int(hashlib.sha256(b"x^2|x").hexdigest()[:16], 16))
    sampler = verdict._Sampler(
        Compiled(2 * x, [x], verdict.DIGITS), [x], (-2.0, 2.0), function=x**2, widen=True
    )
    points = [p[x] for p, _, _ in sampler.draw(seeded, verdict.POINTS)]
    return "2x + " + "*".join(f"(x - ({p!r}))" for p in points)


def test_the_forgery_does_pass_the_public_points(monkeypatch: pytest.MonkeyPatch) -> None:
    # The attack is real: with no fresh points (and no check that close is equal, which
    # catches this one too: its decimals miss the float points by 1e-17), it is called correct.
    for constant in ("FRESH", "FAR", "FAR_FRESH"):  # only the public points in the domain
        monkeypatch.setattr(verdict, constant, 0)
    monkeypatch.setattr(verdict, "_inexact", lambda *args: (None, None))
    verdict._answer_key.cache_clear()  # made afresh, without its points past the domain
    assert check("x^2", _forged_answer()).verdict == "correct"


def test_the_forgery_is_not_even_equal_at_the_public_points(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for constant in ("FRESH", "FAR", "FAR_FRESH"):
        monkeypatch.setattr(verdict, constant, 0)
    verdict._answer_key.cache_clear()
    forged = check("x^2", _forged_answer())
    assert forged.verdict == "incorrect" and forged.near is not None


@pytest.mark.parametrize("run", range(3))
def test_an_answer_built_for_the_public_points_fails_at_fresh_ones(run: int) -> None:
    verdict._answer_key.cache_clear()  # with every point, not a patched key of a test above
    result = check("x^2", _forged_answer())
    assert result.verdict == "incorrect"
    assert result.witness is not None


@pytest.mark.parametrize(
    ("function", "answer"),
    [("sin(x^2)", "2x cos(x^2)"), ("1/(1+exp(-x))", "exp(-x)/(1+exp(-x))^2")],
)
def test_an_honest_answer_is_correct_on_every_run(function: str, answer: str) -> None:
    assert {check(function, answer).verdict for _ in range(5)} == {"correct"}


def test_the_answer_key_of_a_function_is_shared_but_no_answer_leaks_into_it() -> None:
    # A function is derived once per process; each answer is still judged on its own.
    verdicts = [check("sin(x^2)", a).verdict for a in ("2x cos(x^2)", "cos(x^2)", "2x cos(x^2)")]
    assert verdicts == ["correct", "incorrect", "correct"]
    forged = _forged_answer()  # agrees at the shared public points
    assert check("x^2", "2x").verdict == "correct"
    assert check("x^2", forged).verdict == "incorrect"


def test_a_wrong_answer_shows_the_same_witness_on_every_run() -> None:
    # The witness comes from the seeded points, so a student sees the same numbers twice.
    witnesses = {tuple(check("sin(x^2)", "cos(x^2)").witness.point.values()) for _ in range(3)}  # type: ignore[union-attr]
    assert len(witnesses) == 1


def test_a_sample_point_is_not_rounded() -> None:
    witness = check("sin(x^2)", "cos(x^2)").witness
    assert witness is not None
    (value,) = witness.point.values()
    assert value != round(value, 6)


def test_the_variable_named_with_wrt_is_not_foreign() -> None:
    result = runner.invoke(app, ["check", "9", "t/9", "--wrt", "t"])
    assert result.exit_code == 1, result.output
    assert "Verdict:  incorrect" in result.stdout
    assert "At t = " in result.stdout


def test_a_variable_that_is_neither_named_nor_in_the_function_is_still_refused() -> None:
    result = runner.invoke(app, ["check", "x^2", "2x + y"])
    assert result.exit_code == 2
    assert "your answer uses y" in result.stderr


@pytest.mark.parametrize(
    ("args", "value"),
    [
        (["log(exp(z1)+exp(z2))", "--wrt", "z1", "--at", "z1=710,z2=709"], "0.7310585786"),
        (["log(1+exp(x))", "--at", "x=1000"], "= 1\n"),
    ],
)
def test_at_a_point_where_floats_overflow_the_value_is_still_found(
    args: list[str], value: str
) -> None:
    # The log-sum-exp cases of ML courses: e^710 overflows a float, the answer does not.
    result = runner.invoke(app, ["diff", *args])
    assert result.exit_code == 0, result.output
    assert value in result.stdout
    assert "They agree" in result.stdout


# --- §3, §4: every input bounded in time and memory; SymPy's failures are exit 2 -------------

# The console script, as a user runs it: its own memory cap and deadline, in a child process.
SCRIPT = str(Path(sys.executable).with_name("derivtutor"))
BOUND = 5.0 + 3.0  # the command's deadline, plus Python's and SymPy's start-up on a busy machine

HOSTILE_INPUTS = [
    ("x^(4^94.6484573004^sinh(68780689323))", "the exponent is too large"),
    ("cot^2(((5)^(820.9268844 )) (x^511.29^x))", "too large to work with"),
    ("x^99999999999999999999^884.31", "the exponent is too large"),
    ("asec(csc(asin(cosh(x))))", "SymPy cannot work with this expression"),
]


def _run(args: list[str]) -> tuple[subprocess.CompletedProcess[str], float]:
    start = time.perf_counter()
    done = subprocess.run(
        [SCRIPT, *args], capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL
    )
    return done, time.perf_counter() - start


@pytest.mark.parametrize(("expression", "message"), HOSTILE_INPUTS)
def test_a_hostile_input_is_refused_within_the_bound(expression: str, message: str) -> None:
    # Refused by the parser where it can see the cause (a tower of constant powers), else by
    # the command's own deadline or memory cap.
    done, seconds = _run(["diff", expression])
    assert done.returncode == 2, done.stderr
    assert message in done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert seconds < BOUND


def test_x_squared_written_499_times_finishes_within_the_bound() -> None:
    done, seconds = _run(["diff", "x²" * 499])
    assert done.returncode in (0, 2), done.stderr
    assert "Traceback" not in done.stderr
    assert seconds < BOUND


_ATOMS = st.sampled_from(["x", "2", "0.5", "pi", "e", "10^20", "x^x"])
_FUNCTIONS = st.sampled_from(["sin", "cosh", "exp", "log", "asin", "sec", "tanh", "sqrt"])


def _nasty(depth: int = 3) -> st.SearchStrategy[str]:
    """Valid but nasty: towers of powers, huge constants, inverse functions of functions."""
    if depth == 0:
        return _ATOMS
    inner = _nasty(depth - 1)
    return st.one_of(
        _ATOMS,
        st.builds(lambda a, b: f"({a})^({b})", inner, inner),
        st.builds(lambda f, a: f"{f}({a})", _FUNCTIONS, inner),
        st.builds(lambda a, b: f"{a}*{b}", inner, inner),
        st.builds(lambda a, b: f"({a})/({b})", inner, inner),
    )


@pytest.mark.timeout(600)
@settings(deadline=None, max_examples=12, suppress_health_check=list(HealthCheck))
@given(_nasty(), st.sampled_from(["diff", "check"]))
def test_fuzzed_nasty_expressions_end_cleanly_and_in_time(expression: str, command: str) -> None:
    args = ["diff", expression] if command == "diff" else ["check", expression, "--", "-x"]
    done, seconds = _run(args)
    assert done.returncode in (0, 1, 2), (expression, done.stderr)
    assert "Traceback" not in done.stderr + done.stdout
    assert seconds < BOUND, expression


# --- §4, §5: files and stores that are not what they claim ------------------------------------


def _cli(args: list[str], code: int, **kwargs: Any) -> str:
    result = runner.invoke(app, args, **kwargs)
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    return result.stderr if code else result.stdout


def test_a_sheet_nested_5000_deep_is_refused(tmp_path: Path) -> None:
    sheet = tmp_path / "deep.yaml"
    sheet.write_text("[" * 5000 + "]" * 5000)
    assert "nests too deeply" in _cli(["check", "--file", str(sheet)], 2)


@pytest.mark.parametrize("kind", ["fifo", "dev-zero", "directory"])
@pytest.mark.parametrize("command", [["check", "--file"], ["progress", "import"]])
def test_only_a_regular_file_is_read(tmp_path: Path, kind: str, command: list[str]) -> None:
    path = tmp_path / "sheet.yaml"
    if kind == "fifo":
        os.mkfifo(path)  # opened for reading, it would block for ever
    elif kind == "dev-zero":
        path.symlink_to("/dev/zero")  # read whole, it would never end
    else:
        path.mkdir()
    assert "is not a regular file" in _cli([*command, str(path)], 2)


def _export(tmp_path: Path, **changes: Any) -> Path:
    attempt = {
        "time": "2026-01-02T03:04:05.000+00:00", "problem": "hyp.cosh", "topic": "hyperbolic",
        "level": 1, "function": "cosh(x)", "answer": "sinh(x)", "verdict": "correct",
        "mistake": None, "hints": 0, "seconds": 1.5,
    }  # fmt: skip
    review = {"time": "2026-01-02T03:04:06.000+00:00", "problem": "hyp.cosh", "rating": 3}
    attempt.update(changes.get("attempt", {}))
    review.update(changes.get("review", {}))
    data = {"format": "derivtutor-progress", "version": 1, "attempts": [attempt]}
    text = json.dumps({**data, "reviews": [review]})
    for old, new in changes.get("raw", {}).items():
        text = text.replace(old, new)
    path = tmp_path / "export.json"
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"raw": {'"level": 1': '"level": ' + "9" * 5000}}, "a number too large"),
        ({"review": {"time": "9999-12-31T23:59:59.999+00:00"}}, "is in the future"),
        ({"attempt": {"topic": "hyp\x1b]0;owned\x07"}}, "control characters"),
        ({"attempt": {"answer": "x\x1b]52;c;cHduZWQ=\x07"}}, "control characters"),
    ],
)
def test_a_hostile_export_is_refused_before_any_store_is_made(
    tmp_path: Path, changes: dict[str, Any], message: str
) -> None:
    assert message in _cli(["progress", "import", str(_export(tmp_path, **changes))], 2)
    assert not (tmp_path / "home").exists() or not any((tmp_path / "home").rglob("*.sqlite3"))


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        ("UPDATE attempts SET time = 'not-a-time'", "attempts.time holds a value"),
        ("UPDATE cards SET card = '{not json'", "cards.card holds a value"),
        ("UPDATE reviews SET rating = 9", "reviews.rating holds a value"),
        (  # an OSC sequence planted in a topic that stats would print
            "UPDATE attempts SET topic = 'hyp' || char(27) || ']0;owned' || char(7)",
            "attempts.topic holds a value",
        ),
        (
            "CREATE TRIGGER wipe AFTER INSERT ON attempts BEGIN DELETE FROM attempts; END",
            "a trigger named 'wipe'",
        ),
        ("CREATE VIEW everything AS SELECT * FROM attempts", "a view named 'everything'"),
    ],
)
@pytest.mark.parametrize("command", [["stats"], ["quiz", "--count", "1"]])
def test_a_store_with_bad_values_or_foreign_objects_is_damaged_and_untouched(
    tmp_path: Path, damage: str, message: str, command: list[str]
) -> None:
    _cli(["progress", "import", str(_export(tmp_path))], 0)
    (store,) = (tmp_path / "home").rglob("*.sqlite3")
    db = sqlite3.connect(store)
    db.execute(damage)
    db.commit()
    db.close()
    before = store.read_bytes()
    err = _cli(command, 2, input="sinh(x)\n")
    assert message in err and "left untouched" in err
    assert store.read_bytes() == before


# --- §6: nothing from input reaches the terminal raw ------------------------------------------

OSC_CLIPBOARD = "\x1b]52;c;cHduZWQ=\x07"


def test_an_error_caret_never_echoes_a_control_character() -> None:
    err = _cli(["diff", f"x{OSC_CLIPBOARD}"], 2)
    assert "\x1b" not in err and "\x07" not in err
    assert "x\\x1b]52;c;cHduZWQ=\\x07" in err


def test_a_sheet_id_is_echoed_visibly(tmp_path: Path) -> None:
    sheet = tmp_path / "sheet.yaml"
    sheet.write_text('- id: "q\\e]0;title\\a1"\n  function: x^2\n  answer: 2x\n')
    out = _cli(["check", "--file", str(sheet)], 0)
    assert "\x1b" not in out and "q\\x1b]0;title\\x071" in out


def test_the_quiz_echo_of_an_answer_is_visible() -> None:
    out = _cli(["quiz", "--count", "1"], 0, input=f"x{OSC_CLIPBOARD}\n")
    assert "\x1b]" not in out and "\\x1b]52" in out


def test_bank_validate_refuses_control_characters(tmp_path: Path) -> None:
    (tmp_path / "bank").mkdir()
    bank = tmp_path / "bank" / "b.yaml"
    bank.write_text(
        "- id: t.one\n  topic: t\n  level: 1\n  title: 'clear \x1b[2J'\n  function: x^2\n"
    )
    result = runner.invoke(app, ["bank", "validate", str(tmp_path / "bank")])
    assert result.exit_code == 2
    assert "b.yaml:4: a control character (\\x1b) is not allowed" in result.output
    assert "\x1b" not in result.output


# --- §7: writing files safely -----------------------------------------------------------------


def test_an_export_never_follows_a_planted_link(tmp_path: Path) -> None:
    _cli(["progress", "import", str(_export(tmp_path))], 0)
    precious = tmp_path / "precious.txt"
    precious.write_text("mine")
    target = tmp_path / "out.json"
    # The old temporary name was predictable: links planted at it for the next few pids.
    for pid in range(os.getpid(), os.getpid() + 50):
        (tmp_path / f".out.json.{pid}.tmp").symlink_to(precious)
    _cli(["progress", "export", str(target)], 0)
    assert precious.read_text() == "mine"
    assert target.is_file() and not target.is_symlink()
    assert json.loads(target.read_text())["format"] == "derivtutor-progress"


def test_an_export_to_a_link_to_a_file_is_refused(tmp_path: Path) -> None:
    _cli(["progress", "import", str(_export(tmp_path))], 0)
    precious = tmp_path / "precious.txt"
    precious.write_text("mine")
    link = tmp_path / "out.json"
    link.symlink_to(precious)
    assert "is a symbolic link" in _cli(["progress", "export", str(link), "--force"], 2)
    assert precious.read_text() == "mine" and link.is_symlink()


def test_an_answer_given_while_the_store_is_locked_is_kept_and_saved_next_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from derivtutor.practice import progress

    _cli(["progress", "import", str(_export(tmp_path))], 0)
    (store,) = (tmp_path / "home").rglob("*.sqlite3")
    monkeypatch.setattr(progress, "BUSY_TIMEOUT", 0.2)
    holder = sqlite3.connect(store, isolation_level=None)
    try:
        # Lock it only once the quiz has checked it can write (as another derivtutor would,
        # mid-quiz): the answer arrives while the lock is held.
        original = progress.Progress.check_writable

        def check_then_lock(self: progress.Progress) -> None:
            original(self)
            holder.execute("BEGIN EXCLUSIVE")

        monkeypatch.setattr(progress.Progress, "check_writable", check_then_lock)
        # One problem, named: an answer a random one might refuse uncounted (in p and t, or a
        # gradient of two components) would never reach the store.
        err = _cli(["quiz", "--problem", "act.sigmoid"], 2, input="12345\n")
        assert "busy" in err and "kept in" in err
    finally:
        holder.close()
    monkeypatch.undo()
    monkeypatch.setenv("DERIVTUTOR_HOME", str(tmp_path / "home"))
    with progress.Progress(create=False) as before:
        assert len(before.attempts()) == 1  # only the imported one: the answer is not in yet
    _cli(["quiz", "--count", "1"], 0, input="")  # the next session saves the journal first
    with progress.Progress(create=False) as after:
        answers = [a["answer"] for a in after.attempts()]
    assert "12345" in answers
    assert not any((tmp_path / "home").rglob("*.journal"))


def test_markdown_escapes_html_from_input(tmp_path: Path) -> None:
    sheet = tmp_path / "sheet.yaml"
    sheet.write_text('- id: "<img src=x onerror=alert(1)> & co"\n  function: x^2\n  answer: 2x\n')
    out = _cli(["check", "--file", str(sheet), "--format", "markdown"], 0)
    assert "<img" not in out and "&lt;img src=x onerror=alert(1)&gt; &amp; co" in out


@pytest.mark.parametrize(
    ("expression", "refused"),
    [
        ("x^(2^pi)", False),
        ("x^(e^2)", False),
        ("x^(pi/2)", False),
        ("x^(sin(10^20))", False),
        ("x^sinh(10)", True),  # about 11,000
        ("x^(e^e^3)", True),
        ("x^(4^94.6484573004^sinh(68780689323))", True),
    ],
)
def test_a_constant_exponent_is_bounded_like_a_literal_one(expression: str, refused: bool) -> None:
    from derivtutor.errors import InputError
    from derivtutor.language.parse import parse

    if refused:
        with pytest.raises(InputError, match="the exponent is too large"):
            parse(expression)
    else:
        assert parse(expression).has(sp.Symbol("x", real=True))


def test_a_sheet_bounds_each_row_and_checks_the_others(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from derivtutor import terminal

    monkeypatch.setattr(terminal, "DEADLINE", 0.5)  # the slow row needs many seconds
    sheet = tmp_path / "sheet.yaml"
    sheet.write_text(
        "- id: fast\n  function: x^2\n  answer: 2x\n"
        '- id: slow\n  function: "cot^2(((5)^(820.9268844 )) (x^511.29^x))"\n  answer: "1"\n'
        "- id: after\n  function: sin(x)\n  answer: cos(x)\n"
    )
    result = runner.invoke(app, ["check", "--file", str(sheet)])
    assert result.exit_code == 2, result.output
    assert "fast" in result.stdout and "after" in result.stdout
    assert "line 4: this expression is too large to work with" in result.output


def test_bank_validate_bounds_each_problem(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from derivtutor import terminal

    monkeypatch.setattr(terminal, "DEADLINE", 0.5)
    (tmp_path / "bank").mkdir()
    (tmp_path / "bank" / "b.yaml").write_text(
        "schema_version: 1\ntopic: t\ntitle: T\nproblems:\n"
        '  - id: t.slow\n    level: 1\n    function: "x^x^x^x^x^x^x^x^x^x"\n'
        "  - id: t.fast\n    level: 1\n    function: x^2\n"
    )
    result = runner.invoke(app, ["bank", "validate", str(tmp_path / "bank")])
    assert result.exit_code == 2, result.output
    assert "[t.slow] this expression is too large to work with" in result.output
    assert "1 error" in result.output


def test_the_quiz_passes_over_a_problem_too_large_to_show(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Its derivative's value is quickly checked, so bank validate passes it; the derivation as
    # the quiz prints it (tidied) runs past the bound, so the quiz warns and poses the next.
    from derivtutor import terminal

    monkeypatch.setattr(terminal, "DEADLINE", 0.5)
    (tmp_path / "bank").mkdir()
    (tmp_path / "bank" / "b.yaml").write_text(
        "schema_version: 1\ntopic: t\ntitle: T\nproblems:\n"
        '  - id: t.slow\n    level: 1\n    function: "cot^2(((5)^(820.9268844 )) (x^511.29^x))"\n'
    )
    result = runner.invoke(app, ["quiz", "--bank", str(tmp_path / "bank"), "--count", "1"])
    # Past the bound while it is checked or while it is derived: either way, passed over.
    assert "t.slow is passed over:" in result.output
    assert "too large to work with" in result.output
    assert "Traceback" not in result.output


def test_a_checked_answer_shows_the_derivative_in_the_functions_own_order() -> None:
    result = runner.invoke(app, ["check", "exp(exp(10 + x))", "1"])
    assert result.exit_code == 1
    assert "The derivative is e^(10 + x)·e^(e^(10 + x))." in result.stdout
