"""Whole homework sheets (check --file) and gradients checked component by component."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from derivtutor.cli import app
from derivtutor.errors import InputError, UsageError
from derivtutor.grading.verdict import check_gradient
from derivtutor.language.inputs import split_components
from derivtutor.practice.sheet import check_sheet

runner = CliRunner()

SHEET = """\
- id: q1
  function: "x^2 sin(x)"
  answer: "2x sin(x) + x^2 cos(x)"
- id: q2
  function: "sin(x^2)"
  answer: "cos(x^2)"
- id: q3
  function: "x^2 y"
  answer: "2x y"
  wrt: x
- id: q4
  function: "sin x"
  answer: "cos(x)"
- id: q5
  answer: "2x"
- function: "log(x, 10)"
  answer: "1/(x ln(10))"
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_yaml_sheet_checks_every_good_row_and_reports_the_bad_ones(tmp_path: Path) -> None:
    sheet = check_sheet(write(tmp_path, "hw.yaml", SHEET))
    assert [(r.id, r.line, r.verdict.verdict) for r in sheet.results] == [
        ("q1", 1, "correct"),
        ("q2", 4, "incorrect"),
        ("q3", 7, "correct"),
        ("6", 16, "correct"),  # no id: its position in the sheet
    ]
    assert [e.line for e in sheet.errors] == [11, 14]
    assert "parentheses" in sheet.errors[0].message
    assert "missing function" in sheet.errors[1].message
    assert sheet.exit_code == 2


def test_the_sheet_json_shape(tmp_path: Path) -> None:
    data = check_sheet(write(tmp_path, "hw.yaml", SHEET)).to_dict()
    assert set(data) == {"results", "errors", "summary"}
    assert data["summary"] == {"correct": 3, "incorrect": 1, "errors": 2}
    assert {"id", "line", "verdict", "mistake", "witness"} <= set(data["results"][1])
    assert data["results"][1]["mistake"] == "missing_chain_factor"
    assert data["errors"][0] == {"line": 11, "message": data["errors"][0]["message"]}


def test_a_csv_sheet_with_a_wrong_answer_exits_1(tmp_path: Path) -> None:
    path = write(tmp_path, "hw.csv", "id,function,answer,wrt\na,x^3,3x^2,\nb,e^(2x),e^(2x),\n")
    result = runner.invoke(app, ["check", "--file", str(path)])
    assert result.exit_code == 1, result.output
    assert "1 correct, 1 incorrect" in result.stdout
    assert "missing_chain_factor" in result.stdout


def test_an_all_correct_sheet_exits_0(tmp_path: Path) -> None:
    path = write(tmp_path, "hw.yaml", '- function: "x^2"\n  answer: "2x"\n')
    result = runner.invoke(app, ["check", "--file", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["summary"] == {"correct": 1, "incorrect": 0, "errors": 0}


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("bad.yaml", "- function: [x\n", "not valid YAML at line"),
        ("map.yaml", "function: x^2\nanswer: 2x\n", "a list of rows"),
        ("extra.yaml", '- function: "x"\n  answer: "1"\n  grade: 5\n', "unknown column grade"),
    ],
)
def test_malformed_sheets(tmp_path: Path, name: str, text: str, message: str) -> None:
    result = runner.invoke(app, ["check", "--file", str(write(tmp_path, name, text))])
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_a_missing_sheet_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="cannot read"):
        check_sheet(tmp_path / "nope.yaml")


def test_a_sheet_takes_no_other_arguments(tmp_path: Path) -> None:
    path = write(tmp_path, "hw.yaml", '- function: "x^2"\n  answer: "2x"\n')
    result = runner.invoke(app, ["check", "x^2", "--file", str(path)])
    assert result.exit_code == 2
    assert "--file checks a whole sheet" in result.stderr


# --- gradients --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("2x y, x^2 + cos(y)", ["2x y", "x^2 + cos(y)"]),
        ("log(x, 10), 1", ["log(x, 10)", "1"]),  # the comma of log(x, b) stays inside
        ("|x, y|, 2", ["|x, y|", "2"]),
    ],
)
def test_components_split_at_top_level_commas(text: str, parts: list[str]) -> None:
    assert split_components(text) == parts


def test_an_empty_component_is_an_input_error() -> None:
    with pytest.raises(InputError, match="empty"):
        split_components("2x, ")


def test_a_gradient_is_checked_component_by_component() -> None:
    right = check_gradient("x^2 y + sin(y)", "2x y, x^2 + cos(y)")
    assert [c.verdict for c in right.components] == ["correct", "correct"]
    assert right.verdict == "correct"
    wrong = check_gradient("x^2 y + sin(y)", "2x y, x^2 - cos(y)")
    assert [c.verdict for c in wrong.components] == ["correct", "incorrect"]
    assert wrong.verdict == "incorrect"
    assert wrong.components[1].witness is not None


def test_a_gradient_needs_one_component_per_variable() -> None:
    with pytest.raises(UsageError, match="2 components"):
        check_gradient("x^2 y", "2x y")


@pytest.mark.parametrize(
    ("answers", "code"),
    [("2x y, x^2 + cos(y)", 0), ("2x y, x^2 - cos(y)", 1), ("2x y", 2)],
)
def test_check_grad_exit_codes(answers: str, code: int) -> None:
    result = runner.invoke(app, ["check", "x^2 y + sin(y)", "--grad", answers])
    assert result.exit_code == code, result.output
    if code < 2:
        assert "── ∂f/∂y ──" in result.stdout


def test_check_grad_json() -> None:
    result = runner.invoke(app, ["check", "x^2 y", "--grad", "2x y, x^2", "--format", "json"])
    data = json.loads(result.stdout)
    assert set(data) == {"function", "variables", "verdict", "components"}
    assert data["variables"] == ["x", "y"]
    assert [c["verdict"] for c in data["components"]] == ["correct", "correct"]


def test_the_readme_sheet_prints_what_the_readme_shows(tmp_path: Path) -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    sheet = readme.split("```yaml\n", 1)[1].split("```", 1)[0]
    shown = readme.split("$ derivtutor check --file homework.yaml\n", 1)[1].split("```", 1)[0]
    path = write(tmp_path, "homework.yaml", sheet)
    result = runner.invoke(app, ["check", "--file", str(path), "--format", "text"])
    assert result.exit_code == 1
    assert result.stdout == shown


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"id,function,answer\nq,x^2," + b"x" * 1_000_001, "not valid CSV at line"),
        (b'\x00\xff\x10\n\r\x81\x82,\x83\n"a\nb', "needs a header row"),
        (b"x^2,2x\nx^3,3x^2\n", "needs a header row"),
    ],
)
def test_broken_csv_is_a_usage_error(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    result = runner.invoke(app, ["check", "--file", str(path)])
    assert result.exit_code == 2
    assert message in result.output
    assert "internal error" not in result.output


def test_a_csv_with_a_byte_order_mark_reads_its_header(tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    path.write_bytes("\ufeffid,function,answer\nq,x^2,2x\n".encode())
    sheet = check_sheet(path)
    assert [r.id for r in sheet.results] == ["q"] and not sheet.errors


def test_yaml_nulls_lists_and_duplicate_keys(tmp_path: Path) -> None:
    text = (
        '- function: "x^2"\n  answer: "2x"\n  wrt: ~\n'
        '- function: [x]\n  answer: "1"\n'
        '- function: "x"\n  answer: "1"\n  answer: "2"\n'
    )
    sheet = check_sheet(write(tmp_path, "n.yaml", text))
    assert [r.verdict.verdict for r in sheet.results] == ["correct"]  # wrt: ~ is no wrt
    assert [e.line for e in sheet.errors] == [4, 6]
    assert "a list or mapping" in sheet.errors[0].message
    assert "answer (twice)" in sheet.errors[1].message


def test_the_answer_can_come_from_stdin() -> None:
    result = runner.invoke(app, ["check", "x^2", "-"], input="2x\n")
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    ("name", "text"), [("empty.yaml", ""), ("header.csv", "id,function,answer\n")]
)
def test_a_sheet_without_rows_is_a_usage_error(tmp_path: Path, name: str, text: str) -> None:
    result = runner.invoke(app, ["check", "--file", str(write(tmp_path, name, text))])
    assert result.exit_code == 2
    assert "no rows" in result.stderr


def test_a_sheet_has_no_latex_form(tmp_path: Path) -> None:
    path = write(tmp_path, "hw.yaml", '- function: "x^2"\n  answer: "2x"\n')
    result = runner.invoke(app, ["check", "--file", str(path), "--format", "latex"])
    assert result.exit_code == 2
    assert "no LaTeX form" in result.stderr


# --- a class's sheet on every core (issue 13) ---------------------------------------------------


def _class_sheet(tmp_path: Path, rows: int) -> Path:
    """Right and wrong answers, a malformed row and an undecidable one, over a few functions."""
    answers = [
        ("x^2 sin(x)", "2x sin(x) + x^2 cos(x)"),
        ("sin(x^2)", "cos(x^2)"),
        ("e^(3x)", "3e^(3x)"),
        ("e^(3x)", "e^(3x)"),
        ("ln(x^2 + 1)", "2x/(x^2 + 1)"),
        ("sqrt(x)", "1/sqrt(x)"),
        ("x^3", "3x^"),  # does not parse: the row's error
        ("tan(x)", "sec(x)^2"),
    ]
    lines = ["id,function,answer"]
    lines += [
        f"r{n},{answers[n % len(answers)][0]},{answers[n % len(answers)][1]}" for n in range(rows)
    ]
    path = tmp_path / "class.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("fmt", ["jsonl", "json", "text"])
def test_a_sheet_marked_on_several_cores_matches_the_serial_marking(
    tmp_path: Path, fmt: str
) -> None:
    path = _class_sheet(tmp_path, 90)  # several chunks per worker, and a part chunk at the end
    serial = runner.invoke(app, ["check", "--file", str(path), "--format", fmt, "--jobs", "1"])
    parallel = runner.invoke(app, ["check", "--file", str(path), "--format", fmt, "--jobs", "3"])
    assert serial.exit_code == parallel.exit_code == 2  # a malformed row: exit 2, as documented
    if fmt == "jsonl":
        rows = [json.loads(line) for line in parallel.stdout.splitlines()]
        assert [r["line"] for r in rows] == list(range(2, 92))  # every row, in the sheet's order
        assert [r["verdict"] for r in rows[:2]] == ["correct", "incorrect"]
        assert "message" in rows[6] and "verdict" not in rows[6]
    # The same verdicts, mistakes and witnesses; only the fresh points' count is the same, not
    # the points, so the witness of a wrong answer (seeded) is identical too.
    assert parallel.stdout == serial.stdout


def test_jsonl_writes_one_object_per_row_as_each_is_decided(tmp_path: Path) -> None:
    path = _class_sheet(tmp_path, 8)
    result = runner.invoke(app, ["check", "--file", str(path), "--format", "jsonl"])
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r.get("id") for r in rows] == ["r0", "r1", "r2", "r3", "r4", "r5", None, "r7"]
    assert rows[1]["mistake"] == "missing_chain_factor"
    assert rows[6]["line"] == 8 and rows[6]["message"]


def test_jsonl_is_for_a_sheet() -> None:
    result = runner.invoke(app, ["check", "x^2", "2x", "--format", "jsonl"])
    assert result.exit_code == 2
    assert "use --format json" in result.stderr


def test_a_sheet_reads_from_stdin(tmp_path: Path) -> None:
    text = "id,function,answer\na,x^3,3x^2\nb,e^(2x),e^(2x)\n"
    result = runner.invoke(app, ["check", "--file", "-", "--format", "jsonl"], input=text)
    assert [json.loads(line)["verdict"] for line in result.stdout.splitlines()] == [
        "correct",
        "incorrect",
    ]
    yaml_text = '- function: "x^2"\n  answer: "2x"\n'
    result = runner.invoke(app, ["check", "--file", "-", "--format", "jsonl"], input=yaml_text)
    assert json.loads(result.stdout)["verdict"] == "correct"


def test_a_sheet_past_the_row_limit_is_refused_with_how_to_split_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from derivtutor.practice import sheet

    monkeypatch.setattr(sheet, "MAX_ROWS", 5)
    path = _class_sheet(tmp_path, 6)
    result = runner.invoke(app, ["check", "--file", str(path), "--format", "jsonl", "--jobs", "1"])
    assert result.exit_code == 2
    assert "more than 5 rows: split it" in result.stderr
    assert len(result.stdout.splitlines()) == 5  # the rows within the limit were reported


def test_an_over_long_field_is_that_rows_error(tmp_path: Path) -> None:
    path = tmp_path / "long.csv"
    path.write_text("id,function,answer\na,x^2," + "x" * 10_001 + "\nb,x^2,2x\n")
    result = runner.invoke(app, ["check", "--file", str(path), "--format", "jsonl"])
    first, second = (json.loads(line) for line in result.stdout.splitlines())
    assert "longer than 10,000 characters" in first["message"]
    assert second["verdict"] == "correct"


def test_a_rows_input_error_names_its_field_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, "hw.csv", "id,function,answer\na,x^3,3x^\nb,sin(,cos(x)\n")
    result = runner.invoke(app, ["check", "--file", str(path), "--format", "jsonl"])
    first, second = (json.loads(line)["message"] for line in result.stdout.splitlines())
    assert first.startswith("answer at column 4: ")
    assert second.startswith("function at column")
