"""The practice commands through the CLI: `quiz`, `review`, `stats` and `progress`.

Whole sessions are scripted through Typer's CliRunner (stdin is not a terminal there, so the
quiz reads plain lines and echoes them) and what they store is read back with Progress. A few
tests drive a real pseudo-terminal with pexpect: prompt_toolkit, Ctrl-C and a killed process.
"""

from __future__ import annotations

import io
import json
import os
import re
import signal
import sqlite3
import sys
import time
from contextlib import closing
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from derivtutor.cli import app
from derivtutor.practice.bank import load_bank
from derivtutor.practice.progress import Progress
from derivtutor.practice.quiz import choose
from derivtutor.render.quiz import QuizWriter

runner = CliRunner()
REPO = Path(__file__).resolve().parents[1]
BANK = load_bank()
SIN = "chain.sin-of-square"  # sin(x^2), two written hints
EXP = "chain.exp-of-square"  # e^(x^2)
GRAD = "grad.sum-of-squares"  # x^2 + y^2 over x, y
# A repeatable three-problem quiz, and the problems it poses, in order.
SEQUENCE = ["--topic", "chain-rule", "--level", "2", "--count", "3", "--seed", "1"]
PICKED = choose(BANK.select("chain-rule", 2), 3, 1)
GENERATE = ["--generate", "--topic", "chain-rule", "--level", "1", "--seed", "3"]
YEAR = 365 * 24 * 3600.0
SUMMARY_TIME = r"Time: (\d+ min )?\d+ s\."
_POSED = re.compile(r"^Problem (\d+)(?: of (\d+))? · (\S+) · level (\d)\s+\[(\S+)\]$", re.M)


@pytest.fixture(autouse=True)
def _unicode(monkeypatch: pytest.MonkeyPatch) -> None:
    """Unicode output whatever the locale of the machine running the tests."""
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_CTYPE", raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")


@pytest.fixture
def home() -> Path:
    """The DERIVTUTOR_HOME that conftest set for this test."""
    return Path(os.environ["DERIVTUTOR_HOME"])


def _run(args: list[str], input: str | None = None, code: int = 0) -> Result:
    result = runner.invoke(app, args, input=input)
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    return result


def _quiz(args: list[str], input: str) -> str:
    """A whole quiz: exit 0 and nothing on stderr. Returns stdout."""
    result = _run(["quiz", *args], input)
    assert result.stderr == ""
    return result.stdout


def _fails(args: list[str], input: str | None = "") -> str:
    """Bad input: exit 2, nothing on stdout, a message and no traceback on stderr."""
    result = runner.invoke(app, args, input=input)
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert result.stderr.strip()
    return result.stderr


def _posed(out: str) -> list[tuple[int, int | None, str]]:
    """(number, total or None when endless, problem id) of each problem posed."""
    return [(int(n), int(t) if t else None, pid) for n, t, _, _, pid in _POSED.findall(out)]


def _stored(path: Path | None = None) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    with Progress(path, create=False) as store:
        return store.attempts(), store.reviews()


def _attempts() -> list[tuple[Any, ...]]:
    attempts, _ = _stored()
    return [(a["problem"], a["answer"], a["verdict"], a["mistake"], a["hints"]) for a in attempts]


def _ratings() -> list[tuple[str, int]]:
    _, reviews = _stored()
    return [(r["problem"], r["rating"]) for r in reviews]


def _later(monkeypatch: pytest.MonkeyPatch, seconds: float) -> None:
    """Moves the clock the commands read forward."""
    now = time.time() + seconds
    monkeypatch.setattr(time, "time", lambda: now)


def _bank(root: Path, function: str = "x^2", answer: str = "2x") -> str:
    """A one-problem bank."""
    root.mkdir()
    (root / "squares.yaml").write_text(
        "schema_version: 1\ntopic: squares\ntitle: Squares\nproblems:\n"
        f'  - id: sq.one\n    level: 1\n    function: "{function}"\n    answer: "{answer}"\n',
        encoding="utf-8",
    )
    return str(root)


def _export(attempts: list[dict[str, Any]], reviews: list[dict[str, Any]]) -> str:
    return json.dumps(
        {"format": "derivtutor-progress", "version": 1, "attempts": attempts, "reviews": reviews}
    )


def _attempt(when: str, verdict: str = "correct") -> dict[str, Any]:
    """One attempt at sin(x^2), as an export holds it."""
    return {
        "time": when,
        "problem": SIN,
        "topic": "chain-rule",
        "level": 2,
        "function": "sin(x^2)",
        "answer": "2x cos(x^2)" if verdict == "correct" else "cos(x^2)",
        "verdict": verdict,
        "mistake": None if verdict == "correct" else "missing_chain_factor",
        "hints": 0,
        "seconds": 1.5,
    }


# --- one problem, each thing the learner can type -------------------------------------------------


def test_a_right_answer_at_once_is_correct_and_stored() -> None:
    out = _quiz(["--problem", SIN], "2x cos(x^2)\n")
    assert _posed(out) == [(1, 1, SIN)]
    assert "Problem 1 of 1 · chain-rule · level 2" in out
    assert "d/dx [sin(x²)] = ?" in out
    assert "> 2x cos(x^2)\n" in out  # the line read is echoed
    assert "read as 2x·cos(x²)" in out
    assert "✓ Correct." in out
    assert "Score: 1 of 1 right" in out
    assert "1 at the first try" in out
    assert _attempts() == [(SIN, "2x cos(x^2)", "correct", None, 0)]
    attempts, _ = _stored()
    assert {k: attempts[0][k] for k in ("topic", "level", "function")} == {
        "topic": "chain-rule",
        "level": 2,
        "function": "sin(x^2)",
    }
    assert attempts[0]["seconds"] >= 0
    assert _ratings() == [(SIN, 3)]  # right at once: Good


def test_a_wrong_answer_names_the_mistake_without_giving_the_derivative_away() -> None:
    out = _quiz(["--problem", SIN], "cos(x^2)\nquit\n")
    assert "read as cos(x²)" in out
    assert "✗ Not quite." in out
    assert "Likely mistake (missing_chain_factor)" in out
    assert "Try again, or type hint, steps or skip." in out
    assert "✓ Correct." not in out
    assert "2x·cos(x²)" not in out  # the derivative is not revealed
    assert "Result:" not in out
    assert _attempts() == [(SIN, "cos(x^2)", "incorrect", "missing_chain_factor", 0)]
    assert _ratings() == [(SIN, 1)]  # quitting after a miss: Again


def test_hints_come_from_the_bank_in_order_then_run_out() -> None:
    written = BANK.by_id()[SIN].hints
    assert len(written) == 2
    out = _quiz(["--problem", SIN], "hint\nhint\nhint\n2x cos(x^2)\n")
    assert f"Hint 1 of 2: {written[0]}" in out
    assert f"Hint 2 of 2: {written[1]}" in out
    assert out.index("Hint 1 of 2") < out.index("Hint 2 of 2")
    assert "(no more hints: type steps to see the derivation)" in out
    assert "✓ Correct." in out
    assert "1 at the first try" not in out  # a hint was used
    assert _attempts() == [(SIN, "2x cos(x^2)", "correct", None, 2)]
    assert _ratings() == [(SIN, 2)]  # right after a hint: Hard


def test_steps_show_the_derivation_and_count_as_missed() -> None:
    out = _quiz(["--problem", SIN], "steps\n")
    assert "The derivation (this one counts as missed):" in out
    assert "Chain rule" in out
    assert "Result: d/dx [sin(x²)] = 2x·cos(x²)" in out
    assert "Score: 0 of 1 right." in out
    assert re.search(rf"^Problems: 1 posed, 1 missed\. {SUMMARY_TIME}$", out, re.M)
    assert _attempts() == [(SIN, None, "revealed", None, 0)]
    assert _ratings() == [(SIN, 1)]


def test_an_unreadable_answer_is_explained_and_not_counted() -> None:
    out = _quiz(["--problem", SIN], "2x cos(x^2\n2x cos(x^2)\n")
    lines = out.splitlines()
    assert "  this '(' is never closed" in lines
    shown = lines.index("    2x cos(x^2")
    caret = lines[shown + 1]
    assert caret.strip() == "^"
    assert caret.index("^") == lines[shown].index("(")  # under the unclosed bracket
    assert "(not counted as an attempt: type it again)" in out
    assert "✓ Correct." in out
    assert "1 at the first try" in out  # the unreadable line was not a try
    assert _attempts() == [(SIN, "2x cos(x^2)", "correct", None, 0)]
    assert _ratings() == [(SIN, 3)]


def test_help_lists_every_command_and_a_blank_line_is_a_reminder() -> None:
    out = _quiz(["--problem", SIN], "help\n?\n\nquit\n")
    for command in ("hint", "steps", "skip", "quit", "help"):
        assert re.search(rf"^    {command}\s+\w", out, re.M), command
    assert (
        out.count("Type your answer as you would write it, e.g. 3x^2 + 1, or a command:") == 2
    )  # help and ?
    assert "Type your answer, or help for the commands." in out
    assert "No answers given (1 posed)." in out
    assert _stored() == ([], [])


def test_a_gradient_is_answered_with_comma_separated_components() -> None:
    out = _quiz(["--problem", GRAD], "2x\n2x, y\n2x, 2y\n")
    assert "Find the gradient of f = x² + y² over (x, y)." in out
    assert "Type its components, ∂f/∂x, ∂f/∂y, separated by commas." in out
    # One component: unreadable, not an attempt.
    assert "the gradient has 2 components (x, y), but 1 was given" in out
    # One wrong component: only that one is explained.
    assert "  In ∂f/∂y:" in out
    assert "  In ∂f/∂x:" not in out
    assert "∂f/∂x: read as 2x" in out
    assert "∂f/∂y: read as 2y" in out
    assert "✓ Correct." in out
    assert [(a[1], a[2]) for a in _attempts()] == [("2x, y", "incorrect"), ("2x, 2y", "correct")]
    assert _ratings() == [(GRAD, 1)]  # right in the end, after a miss: Again


# --- several problems: skip, quit, the end of input -----------------------------------------------


def test_the_sequence_is_repeatable() -> None:
    out = _quiz(SEQUENCE, "skip\nskip\nskip\n")
    assert _posed(out) == [(n, 3, p.id) for n, p in enumerate(PICKED, 1)]
    assert "Problems: 3 posed, 3 missed (3 of them skipped)." in out
    # A skip shows the answer, so it counts as missed and the problem comes back soon.
    assert _attempts() == [(p.id, None, "revealed", None, 0) for p in PICKED]
    assert _ratings() == [(p.id, 1) for p in PICKED]


def test_skip_shows_the_answer_and_the_steps_and_counts_a_miss() -> None:
    first, second, third = PICKED
    out = _quiz(SEQUENCE, f"skip\n{second.answer[0]}\nquit\n")
    assert [pid for _, _, pid in _posed(out)] == [first.id, second.id, third.id]
    assert out.count("  Skipped (this one counts as missed). The answer:") == 1
    shown = out[out.index("The answer:") : out.index(f"[{second.id}]")]
    assert "    d/dx [e^(x²)] = 2x·e^(x²)" in shown  # the answer, then the derivation
    assert "1. Chain rule" in shown and "Result: d/dx [e^(x²)] = 2x·e^(x²)" in shown
    assert "Score: 1 of 2 right" in out
    assert re.search(
        rf"^Problems: 3 posed, 1 missed \(1 of them skipped\)\. {SUMMARY_TIME}$", out, re.M
    )
    assert _attempts() == [
        (first.id, None, "revealed", None, 0),
        (second.id, second.answer[0], "correct", None, 0),
    ]
    assert _ratings() == [(first.id, 1), (second.id, 3)]


@pytest.mark.parametrize(
    "ending", ["quit\n", "exit\n", "QUIT\n", ""], ids=["quit", "exit", "upper-case", "eof"]
)
def test_ending_early_prints_the_summary_and_keeps_what_was_answered(ending: str) -> None:
    first, second, third = PICKED
    out = _quiz(SEQUENCE, f"{first.answer[0]}\n{ending}")
    assert _posed(out) == [(1, 3, first.id), (2, 3, second.id)]
    assert f"[{third.id}]" not in out  # later problems are not posed
    assert "Score: 1 of 1 right" in out
    assert re.search(rf"^Problems: 2 posed\. {SUMMARY_TIME}$", out, re.M)
    assert _attempts() == [(first.id, first.answer[0], "correct", None, 0)]
    assert _ratings() == [(first.id, 3)]


def test_ctrl_c_while_a_verdict_is_printed_still_ends_with_the_summary(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def interrupted(self: QuizWriter, event: Any) -> Any:
        raise KeyboardInterrupt  # Ctrl-C arrives as the verdict is being printed

    monkeypatch.setattr(QuizWriter, "graded", interrupted)
    result = runner.invoke(app, ["quiz", "--problem", SIN], input="2x cos(x^2)\n")
    assert _attempts() == [(SIN, "2x cos(x^2)", "correct", None, 0)]  # stored before printed
    assert _ratings() == [(SIN, 3)]
    assert "Score: 1 of 1 right" in result.stdout
    assert result.exit_code == 0, result.output


# --- the summary ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lines", "score", "problems"),
    [
        ("cos(x^2)\n2x cos(x^2)\n", "Score: 1 of 1 right", "Problems: 1 posed."),
        (
            "cos(x^2)\nskip\n",
            "Score: 0 of 1 right.",
            "Problems: 1 posed, 1 missed (1 of them skipped).",
        ),
        ("cos(x^2)\nsteps\n", "Score: 0 of 1 right.", "Problems: 1 posed, 1 missed."),
        ("cos(x^2)\nquit\n", "Score: 0 of 1 right.", "Problems: 1 posed, 1 missed."),
        ("cos(x^2)\n", "Score: 0 of 1 right.", "Problems: 1 posed, 1 missed."),
    ],
    ids=["then-right", "then-skip", "then-steps", "then-quit", "then-eof"],
)
def test_a_miss_on_the_last_problem_is_counted_and_rated_once(
    lines: str, score: str, problems: str
) -> None:
    out = _quiz(["--problem", SIN], lines)
    assert score in out
    assert "1 at the first try" not in out
    assert re.search(rf"^{re.escape(problems)} {SUMMARY_TIME}$", out, re.M)
    assert "Mistakes by type: missing_chain_factor ×1." in out
    assert _ratings() == [(SIN, 1)]  # one review, Again


def test_the_summary_counts_mistakes_by_type_across_problems() -> None:
    assert [p.id for p in PICKED[:2]] == [EXP, "chain.ln-of-quadratic"]
    out = _quiz(SEQUENCE, "e^(x^2)\n2x e^(x^2)\n1/(x^2+1)\nx/(x^2+1)\nskip\nquit\n")
    summary = out[out.index("\nScore:") :]
    assert "Score: 1 of 2 right" in summary
    assert re.search(
        rf"^Problems: 3 posed, 1 missed \(1 of them skipped\)\. {SUMMARY_TIME}$", summary, re.M
    )
    assert (
        "Mistakes by type: missing_chain_factor ×1, log_missing_inner ×1, constant_factor ×1."
        in summary
    )
    stored = [a["mistake"] for a in _stored()[0] if a["verdict"] == "incorrect"]
    assert stored == ["missing_chain_factor", "log_missing_inner", "constant_factor"]


@pytest.mark.parametrize(
    ("answer", "mistake"),
    [("4x cos(x^2)", "constant_factor"), ("-2x cos(x^2)", "trig_sign")],
    ids=["constant-factor", "sign"],
)
def test_no_wrong_answer_is_told_the_derivative(answer: str, mistake: str) -> None:
    out = _quiz(["--problem", SIN], f"{answer}\nquit\n")
    feedback = out[out.index("✗ Not quite.") : out.index("Try again")]
    assert f"Likely mistake ({mistake})" in feedback
    assert "2x·cos(x²)" not in feedback


# --- errors ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["quiz", "--topic", "nope"], ["no topic 'nope'", "Topics: ", "chain-rule", "gradients"]),
        (
            ["quiz", "--problem", "chain.sin-of-sqare"],
            ["no problem 'chain.sin-of-sqare'", "Did you mean chain.sin-of-square"],
        ),
        (["quiz", "--level", "9"], ["'--level'", "9 is not in the range"]),
        (["quiz", "--count", "0"], ["'--count'", "0 is not in the range"]),
        (["quiz", "--generate", "--problem", SIN], ["--generate", "neither --problem nor --bank"]),
        (["quiz", "--generate", "--topic", "nope"], ["no generator for 'nope'", "chain-rule"]),
        (["quiz", "--bank", "no-such-bank"], ["no bank at no-such-bank"]),
        (["review", "--count", "0"], ["'--count'"]),
        (["progress", "import", "no-such-file.json"], ["cannot read no-such-file.json"]),
    ],
    ids=[
        "unknown-topic",
        "unknown-problem",
        "level-9",
        "count-0",
        "generate-problem",
        "generate-unknown-topic",
        "missing-bank",
        "review-count-0",
        "import-missing-file",
    ],
)
def test_bad_options_exit_2_with_a_message(args: list[str], expected: list[str]) -> None:
    message = _fails(args)
    for text in expected:
        assert text in message


@pytest.mark.parametrize("command", ["quiz", "review"])
def test_a_bad_bank_is_refused_with_its_errors(tmp_path: Path, command: str) -> None:
    bank = _bank(tmp_path / "bad", function="sin(x", answer="cos(x)")
    message = _fails([command, "--bank", bank])
    assert f"the bank at {bank} has errors" in message
    assert "squares.yaml:5: [sq.one]" in message
    assert "does not parse" in message
    assert f"Run derivtutor bank validate {bank} for the full report." in message


# --- generated problems ---------------------------------------------------------------------------


def test_generate_poses_endless_new_problems_and_never_schedules_them() -> None:
    out = _quiz(GENERATE, "skip\nx^2\nsteps\nquit\n")
    posed = _posed(out)
    assert [n for n, _, _ in posed] == [1, 2, 3]
    assert all(total is None for _, total, _ in posed)  # no "of N": endless
    assert all(pid.startswith("gen.chain-rule.") for _, _, pid in posed)
    assert " · chain-rule · level 1 " in out
    first, second = posed[0][2], posed[1][2]
    attempts, reviews = _stored()
    assert [(a["problem"], a["answer"], a["verdict"]) for a in attempts] == [
        (first, None, "revealed"),
        (second, "x^2", "incorrect"),
        (second, None, "revealed"),
    ]
    assert {(a["topic"], a["level"]) for a in attempts} == {("chain-rule", 1)}
    assert reviews == []  # practised, never scheduled
    with Progress() as store:
        assert store.next_due() is None
    assert "0 due for review" in _run(["review", "--count", "1"], "quit\n").stdout


def test_generate_with_a_seed_is_repeatable() -> None:
    first = _posed(_quiz(GENERATE, "skip\nskip\nquit\n"))
    again = _posed(_quiz(GENERATE, "skip\nskip\nquit\n"))
    assert len(first) == 3
    assert first == again


def test_generate_with_a_count_stops_after_that_many() -> None:
    out = _quiz([*GENERATE, "--count", "2"], "skip\nskip\n")
    assert [(n, total) for n, total, _ in _posed(out)] == [(1, 2), (2, 2)]
    assert "Problems: 2 posed, 2 missed (2 of them skipped)." in out


# --- stats ----------------------------------------------------------------------------------------


def _practise_two_topics() -> None:
    _quiz(["--problem", SIN], "cos(x^2)\n2x cos(x^2)\n")  # chain-rule: wrong, right
    _quiz(["--problem", EXP], "2x e^(x^2)\n")  # chain-rule: right
    _quiz(["--problem", GRAD], "2x, 2y\n")  # gradients: right


@pytest.mark.parametrize("output", [[], ["--format", "text"]])
def test_stats_on_a_fresh_home_say_so_and_create_nothing(home: Path, output: list[str]) -> None:
    result = _run(["stats", *output])
    assert result.stdout.startswith("No attempts yet.")
    assert "derivtutor quiz" in result.stdout
    assert not (home / "progress.sqlite3").exists()


def test_stats_json_on_a_fresh_home_is_empty(home: Path) -> None:
    data = json.loads(_run(["stats", "--format", "json"]).stdout)
    assert data == {
        "topics": [],
        "total": {"attempts": 0, "correct": 0, "accuracy": None},
        "due": 0,
        "due_today": 0,
        "due_this_week": 0,
        "days_in_a_row": 0,
        "mistakes": [],
    }
    assert not (home / "progress.sqlite3").exists()


def test_stats_text_show_each_topic_after_a_quiz() -> None:
    _practise_two_topics()
    out = _run(["stats"]).stdout
    lines = out.splitlines()
    assert lines[0].split() == [
        "topic",
        "level",
        "attempts",
        "accuracy",
        "in",
        "a",
        "row",
        "next",
        "due",
    ]
    rows = {line.split()[0]: line.split() for line in lines[1 : lines.index("")]}
    assert set(rows) == {"chain-rule", "gradients"}
    for topic, attempts, accuracy, streak in [("chain-rule", 3, 67, 0), ("gradients", 1, 100, 1)]:
        # Each was last answered a moment ago: its review is due today, a minute or so on.
        assert rows[topic][:5] == [topic, "1", str(attempts), f"{accuracy}%", str(streak)]
        assert rows[topic][5] in ("today", "tomorrow")  # tomorrow only just before midnight
    assert "4 attempts, 75% correct. Practised 1 day in a row." in out
    assert "Due for review: 0 now, " in out
    assert re.search(r"^Mistakes by type$", out, re.M) or "missing_chain_factor" in out
    mistakes = out[out.index("mistake") :].splitlines()
    assert mistakes[1].split() == ["missing_chain_factor", "1", "100%"]


def test_stats_draw_a_bar_per_topic_on_a_terminal_only() -> None:
    _practise_two_topics()
    from derivtutor.practice.progress import Progress
    from derivtutor.practice.report import report
    from derivtutor.render.show import show_stats

    with Progress() as store:
        found = report(store, time.time())
    from rich.console import Console

    console = Console(width=80, record=True, color_system=None)
    console.print(show_stats(found, "rich"))
    drawn = console.export_text()
    assert "█████░░░ 67%" in drawn and "████████ 100%" in drawn
    assert "█" not in _run(["stats"]).stdout  # piped: no bars
    ascii = show_stats(found, "rich", ascii=True)
    console = Console(width=80, record=True, color_system=None)
    console.print(ascii)
    assert "#####... 67%" in console.export_text()


def test_stats_json_shape_and_what_is_due(monkeypatch: pytest.MonkeyPatch) -> None:
    _practise_two_topics()
    data = json.loads(_run(["stats", "--format", "json"]).stdout)
    assert set(data) == {
        "topics",
        "total",
        "due",
        "due_today",
        "due_this_week",
        "days_in_a_row",
        "mistakes",
    }
    assert [t["topic"] for t in data["topics"]] == ["chain-rule", "gradients"]
    chain, gradients = data["topics"]
    attempts, _ = _stored()
    assert chain == {
        "topic": "chain-rule",
        "attempts": 3,
        "correct": 2,
        "accuracy": 0.6667,
        "last_practised": attempts[-2]["time"],
        "streak": 0,  # at its level on the path (1): its answers were at level 2
        "level": 1,
        "levels_fluent": 0,
        "next_due": chain["next_due"],
    }
    assert chain["next_due"] > attempts[-2]["time"]
    assert gradients["attempts"] == 1 and gradients["accuracy"] == 1.0
    assert gradients["last_practised"] == attempts[-1]["time"]
    assert data["total"] == {"attempts": 4, "correct": 3, "accuracy": 0.75}
    assert (data["due"], data["due_this_week"], data["days_in_a_row"]) == (0, 3, 1)
    assert data["mistakes"] == [{"mistake": "missing_chain_factor", "count": 1, "share": 1.0}]
    _later(monkeypatch, YEAR)  # by then every card of the three problems is due
    later = json.loads(_run(["stats", "--format", "json"]).stdout)
    assert (later["due"], later["due_today"], later["days_in_a_row"]) == (3, 3, 0)
    assert "Due for review: 3 now, 3 today, 3 this week. Start with: derivtutor review" in (
        _run(["stats"]).stdout
    )


def test_stats_streak_counts_back_from_the_latest_answer() -> None:
    _quiz(["--problem", SIN], "2x cos(x^2)\n")
    _quiz(["--problem", EXP], "x^2\nquit\n")
    data = json.loads(_run(["stats", "--format", "json"]).stdout)
    assert data["topics"][0]["streak"] == 0
    assert data["topics"][0]["accuracy"] == 0.5


def test_stats_have_no_latex_form() -> None:
    _quiz(["--problem", SIN], "2x cos(x^2)\n")
    assert "no LaTeX form" in _fails(["stats", "--format", "latex"])


# --- review ---------------------------------------------------------------------------------------


def test_review_on_a_fresh_home_mixes_new_level_1_problems_from_different_topics() -> None:
    out = _run(["review", "--count", "4"], "skip\n" * 4).stdout
    assert out.startswith("0 due for review, 4 new.")
    posed = _POSED.findall(out)
    assert [(int(n), int(total)) for n, total, *_ in posed] == [(n, 4) for n in range(1, 5)]
    assert {level for *_, level, _ in posed} == {"1"}
    topics = [topic for _, _, topic, _, _ in posed]
    assert len(set(topics)) == 4


def test_review_poses_a_missed_problem_first_once_it_is_due(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _quiz(["--problem", SIN], "cos(x^2)\nquit\n")
    _later(monkeypatch, 24 * 3600)
    out = _run(["review", "--count", "3"], "quit\n").stdout
    assert out.startswith("1 due for review, 2 new.")
    assert _posed(out) == [(1, 3, SIN)]


def test_review_poses_an_overdue_card_first() -> None:
    with Progress() as store:
        store.add_review(GRAD, 1, "2020-01-01T00:00:00+00:00")
    out = _run(["review", "--count", "2"], "2x, 2y\nquit\n").stdout
    assert out.startswith("1 due for review, 1 new.")
    posed = _posed(out)
    assert posed[0] == (1, 2, GRAD)
    assert posed[1][2] != GRAD
    assert _ratings() == [(GRAD, 1), (GRAD, 3)]


def test_review_says_when_the_next_review_is_due_when_nothing_is(tmp_path: Path) -> None:
    bank = _bank(tmp_path / "bank")
    first = _run(["review", "--bank", bank], "2x\n").stdout
    assert first.startswith("0 due for review, 1 new.")
    assert "✓ Correct." in first
    out = _run(["review", "--bank", bank], "").stdout
    with Progress() as store:
        due = store.next_due()
    assert due is not None
    when = datetime.fromisoformat(due).astimezone().strftime("%Y-%m-%d %H:%M")
    assert out == f"Nothing is due now. The next review is due at {when}.\n"


# --- progress export, import, reset ---------------------------------------------------------------


def test_export_on_a_fresh_home_is_an_empty_history_and_creates_nothing(home: Path) -> None:
    data = json.loads(_run(["progress", "export", "-"]).stdout)
    assert data == {"format": "derivtutor-progress", "version": 1, "attempts": [], "reviews": []}
    assert not (home / "progress.sqlite3").exists()


def test_export_writes_every_attempt_and_review(tmp_path: Path) -> None:
    _quiz(["--problem", SIN], "cos(x^2)\n2x cos(x^2)\n")
    target = tmp_path / "progress.json"
    result = _run(["progress", "export", str(target)])
    assert result.stdout == ""
    assert f"Exported 2 attempts to {target}" in result.stderr
    data = json.loads(target.read_text(encoding="utf-8"))
    attempts, reviews = _stored()
    assert data == {
        "format": "derivtutor-progress",
        "version": 1,
        "attempts": attempts,
        "reviews": reviews,
    }
    assert [a["verdict"] for a in data["attempts"]] == ["incorrect", "correct"]
    assert json.loads(_run(["progress", "export", "-"]).stdout) == data
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temp file


@pytest.mark.parametrize("source", ["file", "stdin"])
def test_import_into_a_fresh_home_reproduces_the_history(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, home: Path, source: str
) -> None:
    _practise_two_topics()
    exported = _run(["progress", "export", "-"]).stdout
    stats_text = _run(["stats"]).stdout
    stats_json = _run(["stats", "--format", "json"]).stdout
    (tmp_path / "progress.json").write_text(exported, encoding="utf-8")
    monkeypatch.setenv("DERIVTUTOR_HOME", str(tmp_path / "other"))
    if source == "file":
        args, input = ["progress", "import", str(tmp_path / "progress.json")], None
    else:
        args, input = ["progress", "import", "-"], exported
    assert "Imported 4 attempts and 3 reviews" in _run(args, input).stdout
    assert _run(["stats"]).stdout == stats_text
    assert _run(["stats", "--format", "json"]).stdout == stats_json
    assert _stored() == _stored(home / "progress.sqlite3")
    later = time.time() + YEAR
    with Progress(home / "progress.sqlite3") as mine, Progress() as theirs:
        assert theirs.due(later) == mine.due(later)  # the cards are rebuilt the same
    # A second import adds nothing.
    assert "Imported 0 attempts and 0 reviews" in _run(args, input).stdout
    assert len(_stored()[0]) == 4


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not json", "is not JSON"),
        (b"\xff\xfe\x00garbage", "is not UTF-8 text"),
        (b"[]", "not a derivtutor progress export"),
        (b'{"a": 1}', "not a derivtutor progress export"),
        (
            _export([], []).replace('"version": 1', '"version": 2').encode(),
            "not a derivtutor progress export: version",
        ),
        (
            _export(
                [
                    _attempt("2024-01-01T00:00:00+00:00"),
                    _attempt("2024-01-02T00:00:00+00:00", verdict="maybe"),
                ],
                [],
            ),
            "attempts.1.verdict",
        ),
        (
            _export([_attempt("2024-01-01T00:00:00+00:00")], [{"time": "soon", "problem": SIN}]),
            "reviews.0.rating",
        ),
        (_export([_attempt("yesterday")], []), "a bad time"),
    ],
    ids=["text", "not-utf8", "list", "other-object", "version", "bad-verdict", "no-rating", "time"],
)
def test_a_bad_import_exits_2_and_stores_nothing(
    tmp_path: Path, content: bytes | str, message: str
) -> None:
    _quiz(["--problem", SIN], "2x cos(x^2)\n")
    before = _stored()
    source = tmp_path / "bad.json"
    source.write_bytes(content.encode() if isinstance(content, str) else content)
    assert message in _fails(["progress", "import", str(source)])
    assert _stored() == before


def test_import_accepts_a_review_time_with_a_utc_offset(tmp_path: Path) -> None:
    source = tmp_path / "progress.json"
    source.write_text(
        _export([], [{"time": "2020-01-01T01:00:00+01:00", "problem": SIN, "rating": 1}]),
        encoding="utf-8",
    )
    result = _run(["progress", "import", str(source)])
    assert "Imported 0 attempts and 1 review " in result.stdout
    assert _ratings() == [(SIN, 1)]
    with Progress() as store:
        assert [problem for problem, _ in store.due(time.time())] == [SIN]


def test_imported_attempts_are_ordered_by_their_real_time(tmp_path: Path) -> None:
    right = _attempt("2020-01-01T00:30:00+00:00", "correct")
    wrong = _attempt("2020-01-01T01:00:00+01:00", "incorrect")  # 00:00 UTC: the earlier one
    source = tmp_path / "progress.json"
    source.write_text(_export([right, wrong], []), encoding="utf-8")
    assert "Imported 2 attempts" in _run(["progress", "import", str(source)]).stdout
    (row,) = json.loads(_run(["stats", "--format", "json"]).stdout)["topics"]
    assert datetime.fromisoformat(row["last_practised"]) == datetime.fromisoformat(right["time"])


@pytest.mark.parametrize("answer", ["n\n", "no\n", "\n", ""], ids=["n", "no", "enter", "eof"])
def test_reset_keeps_everything_unless_confirmed(home: Path, answer: str) -> None:
    _quiz(["--problem", SIN], "cos(x^2)\n2x cos(x^2)\n")
    before = _stored()
    result = runner.invoke(app, ["progress", "reset"], input=answer)
    assert result.exit_code == 0, result.output  # declining is not an error
    assert "Traceback" not in result.output
    assert f"Delete all 2 attempts and every review schedule in {home / 'progress.sqlite3'}?" in (
        result.stdout
    )
    assert "Nothing was deleted." in result.stdout
    assert _stored() == before
    with Progress() as store:
        assert store.next_due() is not None  # the card is kept too


@pytest.mark.parametrize(
    ("args", "answer"),
    [([], "y\n"), ([], "yes\n"), (["--yes"], None), (["-y"], None)],
    ids=["y", "yes", "--yes", "-y"],
)
def test_reset_deletes_everything_once_confirmed(args: list[str], answer: str | None) -> None:
    _quiz(["--problem", SIN], "cos(x^2)\n2x cos(x^2)\n")
    result = _run(["progress", "reset", *args], answer)
    assert ("Delete all 2 attempts" in result.stdout) == (answer is not None)
    assert "Deleted 2 attempts; your progress starts afresh." in result.stdout
    assert _stored() == ([], [])
    with Progress() as store:
        assert store.next_due() is None
    assert _run(["stats"]).stdout.startswith("No attempts yet.")


# --- a progress file that is not ours -------------------------------------------------------------


def _not_ours(kind: str, tmp_path: Path) -> bytes:
    if kind == "text":
        return b"this is not a database\n" * 20
    if kind == "damaged":
        return b"SQLite format 3\x00" + bytes(range(256)) * 16
    other = tmp_path / "other.sqlite3"  # a real SQLite database, without derivtutor's tables
    with closing(sqlite3.connect(other)) as db:
        db.execute("CREATE TABLE notes (text TEXT)")
        db.commit()
    return other.read_bytes()


@pytest.mark.parametrize("kind", ["text", "damaged", "foreign"])
@pytest.mark.parametrize(
    "command",
    [
        ["quiz", "--problem", SIN],
        ["review"],
        ["stats"],
        ["progress", "export", "-"],
        ["progress", "import", "{export}"],
        ["progress", "reset", "--yes"],
    ],
    ids=["quiz", "review", "stats", "export", "import", "reset"],
)
def test_a_progress_file_that_is_not_ours_is_reported_and_left_untouched(
    tmp_path: Path, home: Path, kind: str, command: list[str]
) -> None:
    home.mkdir()
    path = home / "progress.sqlite3"
    content = _not_ours(kind, tmp_path)
    path.write_bytes(content)
    export = tmp_path / "progress.json"
    export.write_text(_export([_attempt("2024-01-01T00:00:00+00:00")], []), encoding="utf-8")
    args = [str(export) if arg == "{export}" else arg for arg in command]
    message = _fails(args, "2x cos(x^2)\n")
    assert f"{path} cannot be used" in message
    assert "It was left untouched." in message
    assert path.read_bytes() == content
    assert sorted(p.name for p in home.iterdir() if p.name.startswith("progress")) == [
        "progress.sqlite3"
    ]


# --- a real terminal (pexpect) --------------------------------------------------------------------


@pytest.fixture
def pexpect() -> Any:
    if sys.platform == "win32":
        pytest.skip("pexpect.spawn needs a POSIX pseudo-terminal")
    return pytest.importorskip("pexpect")


def _spawn(pexpect: Any, args: list[str], term: str = "dumb") -> Any:
    """`python -m derivtutor ARGS` on a pseudo-terminal, its output kept in .transcript."""
    # pexpect never answers prompt_toolkit's cursor-position request: ask it not to send one.
    env = dict(os.environ, TERM=term, COLUMNS="80", PROMPT_TOOLKIT_NO_CPR="1")
    env.pop("NO_COLOR", None)
    child = pexpect.spawn(
        sys.executable,
        ["-m", "derivtutor", *args],
        env=env,
        cwd=str(REPO),
        encoding="utf-8",
        timeout=20,
        dimensions=(24, 80),
    )
    child.transcript = io.StringIO()
    child.logfile_read = child.transcript
    return child


def _prompt(child: Any) -> None:
    """Waits for the prompt, and for prompt_toolkit to read the terminal in raw mode (echo off):
    before that, a Ctrl-C would be a SIGINT that lands anywhere, not a key read at the prompt."""
    child.expect_exact(">")
    assert child.waitnoecho(timeout=10), "the prompt never switched the terminal to raw mode"


def _finish(pexpect: Any, child: Any) -> str:
    child.expect(pexpect.EOF)
    child.close()
    return str(child.transcript.getvalue())


@pytest.mark.parametrize("term", ["dumb", "xterm"])
def test_a_quiz_on_a_terminal_reads_answers_through_prompt_toolkit(
    pexpect: Any, home: Path, term: str
) -> None:
    child = _spawn(pexpect, ["quiz", "--problem", SIN], term)
    try:
        child.expect_exact(f"[{SIN}]")
        child.expect_exact("d/dx [sin(x²)] = ?")
        _prompt(child)
        child.sendline("hint")
        child.expect_exact("Hint 1 of 2")
        _prompt(child)
        child.sendline("2x cos(x^2)")
        child.expect_exact("Correct")
        child.expect_exact("Score: 1 of 1 right")
        transcript = _finish(pexpect, child)
    finally:
        child.close(force=True)
    assert child.exitstatus == 0, transcript
    assert child.signalstatus is None
    assert "Traceback" not in transcript
    # prompt_toolkit keeps a history of the lines typed.
    assert "+2x cos(x^2)" in (home / "answers.history").read_text(encoding="utf-8")
    assert _attempts() == [(SIN, "2x cos(x^2)", "correct", None, 1)]


@pytest.mark.parametrize("second", [None, "0"], ids=["at-the-prompt", "after-a-miss"])
def test_ctrl_c_ends_the_quiz_with_a_summary_and_keeps_the_answers(
    pexpect: Any, second: str | None
) -> None:
    first, posed_second, third = PICKED
    child = _spawn(pexpect, ["quiz", *SEQUENCE])
    try:
        child.expect_exact(f"[{first.id}]")
        _prompt(child)
        child.sendline(first.answer[0])
        child.expect_exact("Correct")
        child.expect_exact(f"[{posed_second.id}]")
        _prompt(child)
        if second is not None:
            child.sendline(second)
            child.expect_exact("Not quite")
            _prompt(child)
        child.sendintr()
        child.expect_exact("Score: ")
        transcript = _finish(pexpect, child)
    finally:
        child.close(force=True)
    assert child.exitstatus == 0, transcript
    assert child.signalstatus is None
    assert "Traceback" not in transcript
    assert "KeyboardInterrupt" not in transcript
    assert f"[{third.id}]" not in transcript
    if second is None:
        assert "1 of 1 right" in transcript
        assert re.search(r"Problems: 2 posed\. Time:", transcript)
        assert [a[:3] for a in _attempts()] == [(first.id, first.answer[0], "correct")]
        assert _ratings() == [(first.id, 3)]
    else:
        assert "1 of 2 right" in transcript
        assert re.search(r"Problems: 2 posed, 1 missed\. Time:", transcript)
        assert [a[:3] for a in _attempts()] == [
            (first.id, first.answer[0], "correct"),
            (posed_second.id, "0", "incorrect"),
        ]
        assert _ratings() == [(first.id, 3), (posed_second.id, 1)]


def test_a_killed_quiz_keeps_the_answer_already_judged(pexpect: Any, home: Path) -> None:
    first = PICKED[0]
    child = _spawn(pexpect, ["quiz", *SEQUENCE])
    try:
        child.expect_exact(f"[{first.id}]")
        _prompt(child)
        child.sendline(first.answer[0])
        child.expect_exact("Correct")  # printed after the attempt is stored
        child.kill(signal.SIGKILL)
        _finish(pexpect, child)
    finally:
        child.close(force=True)
    assert child.signalstatus == signal.SIGKILL
    with closing(sqlite3.connect(home / "progress.sqlite3")) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert [a[:3] for a in _attempts()] == [(first.id, first.answer[0], "correct")]
    assert _ratings() == [(first.id, 3)]
    data = json.loads(_run(["stats", "--format", "json"]).stdout)
    assert data["total"] == {"attempts": 1, "correct": 1, "accuracy": 1.0}


@pytest.mark.parametrize(
    ("problem", "shown", "hidden"),
    [
        ("act.gelu-tanh", "0.044715x³", "8943/200000"),
        ("act.gelu-sigmoid", "1.702x", "851/500"),
    ],
)
def test_a_problem_shows_its_decimals_as_the_author_wrote_them(
    problem: str, shown: str, hidden: str
) -> None:
    out = _quiz(["--problem", problem], "quit\n")
    assert shown in out and hidden not in out
