"""The problem bank: the bundled bank, every kind of authoring error, and `bank list|validate`."""

from __future__ import annotations

import dataclasses
import json
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner, Result

from derivtutor.cli import app
from derivtutor.errors import BankError, UsageError
from derivtutor.practice import bank as bank_module
from derivtutor.practice.bank import Bank, load_bank, validate
from derivtutor.practice.quiz import derivations
from derivtutor.practice.validated import bundled_path
from derivtutor.render.quiz import QuizWriter

runner = CliRunner()

BUNDLED_TOPICS = (
    "power-rule",
    "polynomials",
    "exp-log",
    "trig",
    "inverse-trig",
    "hyperbolic",
    "product-rule",
    "quotient-rule",
    "chain-rule",
    "nested-chain-rule",
    "log-differentiation",
    "activations",
    "losses",
    "partial-derivatives",
    "gradients",
    "softmax-jacobians",
)

# Line 1-4 of every small bank file below; its first problem entry starts on line 5.
HEAD = "schema_version: 1\ntopic: t\ntitle: T\nproblems:\n"
GOOD = '  - id: t.good\n    level: 1\n    function: "x^2"\n    answer: "2x"\n'


def entry(pid: str = "t.a", **fields: str | None) -> str:
    """One problem entry as YAML: id, then level, function and the fields given, in order."""
    values = {"level": "1", "function": '"x^2"', **fields}
    return f"  - id: {pid}\n" + "".join(
        f"    {key}: {value}\n" for key, value in values.items() if value is not None
    )


def write_bank(root: Path, files: dict[str, str]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")
    return root


# --- the bundled bank, fully verified once --------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Verified:
    bank: Bank  # what `bank validate` loaded: load_bank() with no path
    errors: tuple[BankError, ...]  # what validate() returned for it
    result: Result  # the command's own output


@pytest.fixture(scope="module")
def verified(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Verified]:
    """`bank validate --format json` on the bundled bank, run once (the full verification takes
    seconds). validate() is wrapped so that the bank and errors it computed are kept too."""
    calls: list[tuple[Bank, tuple[BankError, ...]]] = []
    real_validate = bank_module.validate

    def recording(bank: Bank, **options: Any) -> tuple[BankError, ...]:
        errors = real_validate(bank, **options)
        calls.append((bank, errors))
        return errors

    with pytest.MonkeyPatch.context() as mp:
        # Module scope runs before the per-test isolation in conftest: isolate here too.
        mp.setenv("DERIVTUTOR_HOME", str(tmp_path_factory.mktemp("home")))
        mp.setattr(bank_module, "validate", recording)
        result = runner.invoke(app, ["bank", "validate", "--format", "json"])
    assert len(calls) == 1, result.output
    yield Verified(calls[0][0], calls[0][1], result)


@pytest.fixture(scope="module")
def bundled() -> Bank:
    return load_bank()


def test_the_bundled_bank_loads_without_errors(bundled: Bank) -> None:
    assert bundled.errors == ()
    assert Path(bundled.root) == bundled_path()


def test_every_bundled_answer_agrees_with_the_engine(verified: Verified) -> None:
    assert Path(verified.bank.root) == bundled_path()
    assert verified.errors == ()


def test_bank_validate_json_on_the_bundled_bank_is_valid_and_exits_0(verified: Verified) -> None:
    assert verified.result.exit_code == 0, verified.result.output
    assert verified.result.stderr == ""
    report = json.loads(verified.result.stdout)
    assert report["valid"] is True
    assert report["errors"] == []
    assert report["problems"] == len(verified.bank.problems)
    assert report["topics"] == len(verified.bank.titles)


def test_the_bundled_bank_has_enough_problems_topics_and_levels(bundled: Bank) -> None:
    assert len(bundled.problems) >= 240
    assert len(bundled.topics()) >= 14
    assert {p.level for p in bundled.problems} == {1, 2, 3, 4, 5}


@pytest.mark.parametrize("topic", BUNDLED_TOPICS)
def test_the_bundled_bank_has_this_topic_with_problems(bundled: Bank, topic: str) -> None:
    assert topic in bundled.topics()
    assert bundled.select(topic=topic)
    assert bundled.titles[topic].strip()


def test_bundled_problem_ids_are_unique(bundled: Bank) -> None:
    ids = Counter(p.id for p in bundled.problems)
    assert [pid for pid, n in ids.items() if n > 1] == []
    assert len(bundled.by_id()) == len(bundled.problems)


def test_every_bundled_problem_has_hints(bundled: Bank) -> None:
    writer = QuizWriter()
    missing = []
    for problem in bundled.problems:
        hints = problem.hints or writer.hints(problem, derivations(problem))
        if not any(isinstance(h, str) and h.strip() for h in hints):
            missing.append(problem.id)
    assert missing == []


@pytest.mark.parametrize("topic", BUNDLED_TOPICS)
def test_hints_are_generated_for_a_bundled_problem_stripped_of_its_own(
    bundled: Bank, topic: str
) -> None:
    problem = dataclasses.replace(bundled.select(topic=topic)[0], hints=())
    hints = QuizWriter().hints(problem, derivations(problem))
    assert len(hints) >= 1
    assert all(isinstance(h, str) and h.strip() for h in hints)


def test_each_bundled_file_names_its_own_topic() -> None:
    files = sorted(bundled_path().glob("*.yaml"))
    assert len(files) >= 14
    for file in files:
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
        assert data["topic"] == file.stem, file.name


def test_each_bundled_problem_records_its_file_and_topic(bundled: Bank) -> None:
    for problem in bundled.problems:
        assert Path(problem.file).stem == problem.topic, problem.id
        assert problem.line >= 5, problem.id
        assert not problem.generated


def test_bundled_path_is_a_directory_of_the_yaml_files() -> None:
    path = bundled_path()
    assert path.is_dir()
    assert {f"{topic}.yaml" for topic in BUNDLED_TOPICS} <= {p.name for p in path.iterdir()}


# --- bad banks ------------------------------------------------------------------------------------

# (files, [(file, line, problem id, message pattern), ...]): each error that must be found.
BAD_BANKS = {
    "unknown key": (
        {"t.yaml": HEAD + entry(anwser='"2x"')},
        [("t.yaml", 8, "t.a", r"unknown key 'anwser'.*known keys: .*answer")],
    ),
    "yaml boolean for a string": (
        {"t.yaml": HEAD + entry(answer="no")},
        [("t.yaml", 8, "t.a", r"answer: YAML reads 'no' as a boolean.*quotes: \"no\"")],
    ),
    "duplicate id in one file": (
        {"t.yaml": HEAD + GOOD + GOOD},
        [("t.yaml", 9, "t.good", r"duplicate id: already used at .*t\.yaml:5$")],
    ),
    "duplicate id across files": (
        {
            "a.yaml": HEAD.replace("topic: t", "topic: a") + entry("same"),
            "b.yaml": HEAD.replace("topic: t", "topic: b")
            + entry("other", function='"x^3"')
            + entry("same", function='"x^4"'),
        },
        [("b.yaml", 8, "same", r"duplicate id: already used at .*a\.yaml:5$")],
    ),
    "wrong answer": (
        {"t.yaml": HEAD + entry(answer='"3x"')},
        [("t.yaml", 5, "t.a", r"'3x' is wrong: at x = -?[\d.]+ it gives .* derivative is")],
    ),
    "function does not parse": (
        {"t.yaml": HEAD + entry(function='"sin(x"')},
        [("t.yaml", 5, "t.a", r"function 'sin\(x' does not parse: .*\(column 4\)")],
    ),
    "answer does not parse": (
        {"t.yaml": HEAD + entry(answer='"2x +"')},
        [("t.yaml", 5, "t.a", r"answer '2x \+' does not parse: .*\(column \d+\)")],
    ),
    "level above 5": (
        {"t.yaml": HEAD + entry(level="6")},
        [("t.yaml", 6, "t.a", r"^level: .*less than or equal to 5")],
    ),
    "level below 1": (
        {"t.yaml": HEAD + entry(level="0")},
        [("t.yaml", 6, "t.a", r"^level: .*greater than or equal to 1")],
    ),
    "missing required key": (
        {"t.yaml": HEAD + entry(level=None)},
        [("t.yaml", 5, "t.a", r"missing key 'level'")],
    ),
    "variable and variables both given": (
        {"t.yaml": HEAD + entry(function='"x^2 y"', variable="x", variables="[x, y]")},
        [("t.yaml", 5, "t.a", r"variable .* or variables .*not both")],
    ),
    "gradient answer of the wrong length": (
        {"t.yaml": HEAD + entry(function='"x^2 y"', variables="[x, y]", answer='["2x y"]')},
        [("t.yaml", 5, "t.a", r"the answer has 1 components but there are 2 variables")],
    ),
    "variable not in the function": (
        {"t.yaml": HEAD + entry(variable="z")},
        [("t.yaml", 5, "t.a", r"'z' is not a variable of 'x\^2' \(its variables: x\)")],
    ),
    "gradient variable not in the function": (
        {"t.yaml": HEAD + entry(function='"x^2 y"', variables="[x, z]")},
        [("t.yaml", 5, "t.a", r"'z' is not a variable of 'x\^2 y' \(its variables: x, y\)")],
    ),
    "duplicate yaml key": (
        {"t.yaml": HEAD.replace("title: T\n", "title: T\ntitle: U\n") + GOOD},
        [("t.yaml", 4, None, r"the key 'title' appears twice")],
    ),
    "wrong schema_version": (
        {"t.yaml": HEAD.replace("schema_version: 1", "schema_version: 2") + GOOD},
        [("t.yaml", 1, None, r"schema_version 2 is not supported.*version 1")],
    ),
    "invalid yaml syntax": (
        {"t.yaml": HEAD + '  - id: t.a\n\tlevel: 1\n    function: "x^2"\n'},
        [("t.yaml", 6, None, r"not valid YAML: .*(\\t|tab)")],
    ),
}


@pytest.mark.parametrize(("files", "expected"), BAD_BANKS.values(), ids=BAD_BANKS.keys())
def test_validate_reports_each_bad_bank_at_its_file_line_and_problem(
    tmp_path: Path,
    files: dict[str, str],
    expected: list[tuple[str, int, str | None, str]],
) -> None:
    root = write_bank(tmp_path / "bank", files)
    errors = validate(load_bank(root))
    assert [(e.file, e.line, e.problem) for e in errors] == [
        (str(root / name), line, pid) for name, line, pid, _ in expected
    ]
    for error, (*_, pattern) in zip(errors, expected, strict=True):
        assert re.search(pattern, error.message), error.message


@pytest.mark.parametrize(("files", "expected"), BAD_BANKS.values(), ids=BAD_BANKS.keys())
def test_bank_validate_prints_each_bad_bank_error_and_exits_2(
    tmp_path: Path,
    files: dict[str, str],
    expected: list[tuple[str, int, str | None, str]],
) -> None:
    root = write_bank(tmp_path / "bank", files)
    result = runner.invoke(app, ["bank", "validate", str(root), "--format", "text"])
    assert result.exit_code == 2, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == len(expected) + 1
    for line, (name, number, pid, pattern) in zip(lines, expected, strict=False):
        where = f"{root / name}:{number}: " + (f"[{pid}] " if pid else "")
        assert line.startswith(where), line
        assert re.search(pattern, line.removeprefix(where)), line
    assert lines[-1] == f"{len(expected)} error{'s' * (len(expected) != 1)} in 1 file"
    assert result.stderr.startswith("error: ")
    assert str(root) in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("field", "value", "seen"),
    [
        ("answer", "no", "a boolean"),
        ("answer", "yes", "a boolean"),
        ("answer", "off", "a boolean"),
        ("answer", "3", "a number"),
        ("answer", "0.5", "a number"),
        ("answer", "2024-01-01", "a date"),
        ("function", "~", "empty (null)"),
    ],
)
def test_an_unquoted_yaml_scalar_for_a_string_asks_for_quotes(
    tmp_path: Path, field: str, value: str, seen: str
) -> None:
    root = write_bank(tmp_path, {"t.yaml": HEAD + entry(**{field: value})})
    bank = load_bank(root)
    assert bank.problems == ()
    [error] = bank.errors
    assert (error.line, error.problem) == (8 if field == "answer" else 7, "t.a")
    assert f"YAML reads {value!r} as {seen}, not text" in error.message
    assert f'put it in quotes: "{value}"' in error.message


def test_every_error_in_a_file_is_reported_not_just_the_first(tmp_path: Path) -> None:
    text = (
        HEAD
        + entry("t.a", level="9")
        + entry("t.b", anwser='"2x"')
        + entry("t.c", answer='"5x"')
        + GOOD
    )
    root = write_bank(tmp_path, {"t.yaml": text})
    errors = validate(load_bank(root))
    assert [(e.line, e.problem) for e in errors] == [(6, "t.a"), (11, "t.b"), (12, "t.c")]
    assert "level" in errors[0].message
    assert "unknown key 'anwser'" in errors[1].message
    assert "'5x' is wrong" in errors[2].message


def test_a_good_problem_beside_a_bad_one_in_the_same_file_is_still_loaded(
    tmp_path: Path,
) -> None:
    root = write_bank(tmp_path, {"t.yaml": HEAD + entry(level="9") + GOOD})
    bank = load_bank(root)
    assert [p.id for p in bank.problems] == ["t.good"]
    assert [e.problem for e in bank.errors] == ["t.a"]
    [good] = bank.problems
    assert (good.topic, good.level, good.function, good.answer) == ("t", 1, "x^2", ("2x",))
    assert (good.file, good.line) == (str(root / "t.yaml"), 8)


def test_a_good_file_beside_a_bad_one_is_still_loaded(tmp_path: Path) -> None:
    good = HEAD.replace("topic: t", "topic: good") + GOOD
    root = write_bank(tmp_path, {"bad.yaml": "topic: [unclosed\n", "good.yaml": good})
    bank = load_bank(root)
    assert bank.topics() == ["good"]
    assert [p.id for p in bank.problems] == ["t.good"]
    assert [(Path(e.file).name, e.problem) for e in bank.errors] == [("bad.yaml", None)]


def test_a_duplicate_id_loaded_twice_is_reported_at_every_later_use(tmp_path: Path) -> None:
    root = write_bank(tmp_path, {"t.yaml": HEAD + GOOD + GOOD + GOOD})
    errors = load_bank(root).errors
    assert [(e.line, e.problem) for e in errors] == [(9, "t.good"), (13, "t.good")]


@pytest.mark.parametrize(
    ("text", "pattern"),
    [
        ("", "a bank file is a mapping"),
        ("- a\n- b\n", "a bank file is a mapping"),
        (HEAD.replace("title: T\n", "") + GOOD, "missing key 'title'"),
        (HEAD.replace("schema_version: 1\n", "") + GOOD, "missing key 'schema_version'"),
    ],
    ids=["empty file", "a list", "no title", "no schema_version"],
)
def test_a_malformed_file_is_reported_at_line_1(tmp_path: Path, text: str, pattern: str) -> None:
    root = write_bank(tmp_path, {"t.yaml": text})
    [error] = load_bank(root).errors
    assert (error.file, error.line, error.problem) == (str(root / "t.yaml"), 1, None)
    assert pattern in error.message


def test_a_file_that_is_not_utf8_is_an_error_not_a_crash(tmp_path: Path) -> None:
    (tmp_path / "t.yaml").write_bytes(b"\xff\xfe\x00 not text")
    [error] = load_bank(tmp_path).errors
    assert (error.line, error.problem) == (1, None)
    assert "not UTF-8" in error.message


def test_an_empty_directory_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("not a bank", encoding="utf-8")
    with pytest.raises(UsageError, match="no .yaml files"):
        load_bank(tmp_path)


def test_a_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no bank at"):
        load_bank(tmp_path / "nowhere")


@pytest.mark.parametrize("command", ["list", "validate"])
@pytest.mark.parametrize(
    ("name", "message"),
    [("", "has no .yaml files"), ("nowhere", "no bank at")],
    ids=["empty directory", "missing path"],
)
def test_bank_commands_on_a_path_without_a_bank_exit_2(
    tmp_path: Path, command: str, name: str, message: str
) -> None:
    path = tmp_path / name
    result = runner.invoke(app, ["bank", command, str(path)])
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert result.stderr.startswith("error: ")
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_a_bank_may_be_one_file_or_nested_directories_of_yaml_and_yml(tmp_path: Path) -> None:
    write_bank(tmp_path / "sub", {"b.yml": HEAD.replace("topic: t", "topic: b") + entry("b.1")})
    write_bank(tmp_path, {"a.yaml": HEAD.replace("topic: t", "topic: a") + entry("a.1")})
    assert [p.id for p in load_bank(tmp_path).problems] == ["a.1", "b.1"]
    one = load_bank(tmp_path / "a.yaml")
    assert (one.topics(), [p.id for p in one.problems]) == (["a"], ["a.1"])


def test_a_gradient_problem_keeps_its_variables_and_answer_list(tmp_path: Path) -> None:
    text = HEAD + entry(function='"x^2 y"', variables="[x, y]", answer='["2x y", "x^2"]')
    bank = load_bank(write_bank(tmp_path, {"t.yaml": text}))
    assert validate(bank) == ()
    [problem] = bank.problems
    assert problem.gradient
    assert problem.variables == ("x", "y")
    assert problem.answer == ("2x y", "x^2")
    assert problem.wrt is None


def test_a_wrong_gradient_component_names_its_variable(tmp_path: Path) -> None:
    text = HEAD + entry(function='"x^2 y"', variables="[x, y]", answer='["2x y", "x"]')
    [error] = validate(load_bank(write_bank(tmp_path, {"t.yaml": text})))
    assert error.problem == "t.a"
    assert re.search(r"\(d/dy\) 'x' is wrong: at x = .*, y = ", error.message)


def test_a_function_of_several_variables_needs_variable_or_variables(tmp_path: Path) -> None:
    [error] = load_bank(write_bank(tmp_path, {"t.yaml": HEAD + entry(function='"x y"')})).errors
    assert (error.line, error.problem) == (5, "t.a")
    assert "set variable, or variables for a gradient" in error.message


def test_a_duplicate_key_inside_a_problem_names_that_problem(tmp_path: Path) -> None:
    text = HEAD + entry(function='"x^2"') + '    function: "x^3"\n'
    root = write_bank(tmp_path, {"t.yaml": text})
    [error] = load_bank(root).errors
    assert (error.line, error.problem) == (8, "t.a")
    assert "the key 'function' appears twice" in error.message


def test_a_boolean_in_a_gradient_answer_list_is_reported_once(tmp_path: Path) -> None:
    text = HEAD + entry(function='"x y"', variables="[x, y]", answer='[no, "x"]')
    errors = load_bank(write_bank(tmp_path, {"t.yaml": text})).errors
    assert [e.problem for e in errors] == ["t.a"]
    assert 'put it in quotes: "no"' in errors[0].message


def test_a_boolean_schema_version_is_rejected(tmp_path: Path) -> None:
    text = HEAD.replace("schema_version: 1", "schema_version: true") + GOOD
    errors = load_bank(write_bank(tmp_path, {"t.yaml": text})).errors
    assert [(e.line, e.problem) for e in errors] == [(1, None)]
    assert "schema_version" in errors[0].message


def test_an_entry_level_error_is_not_prefixed_with_a_zero_based_path(tmp_path: Path) -> None:
    text = HEAD + entry(domain="[2, 1]")
    [error] = load_bank(write_bank(tmp_path, {"t.yaml": text})).errors
    assert error.problem == "t.a"
    assert "domain is [low, high] with low < high" in error.message
    assert "problems." not in error.message


def test_bank_validate_json_on_a_bad_bank_lists_every_error_and_exits_2(tmp_path: Path) -> None:
    root = write_bank(
        tmp_path, {"t.yaml": HEAD + entry("t.a", level="9") + entry("t.b", answer='"5x"')}
    )
    result = runner.invoke(app, ["bank", "validate", str(root), "--format", "json"])
    assert result.exit_code == 2, result.output
    report = json.loads(result.stdout)
    assert report["valid"] is False
    assert [set(e) for e in report["errors"]] == [{"file", "line", "problem", "message"}] * 2
    assert [(e["file"], e["line"], e["problem"]) for e in report["errors"]] == [
        (str(root / "t.yaml"), 6, "t.a"),
        (str(root / "t.yaml"), 8, "t.b"),
    ]
    assert "'5x' is wrong" in report["errors"][1]["message"]
    assert (report["problems"], report["topics"]) == (1, 1)
    assert result.stderr.startswith("error: ")


# --- bank list ------------------------------------------------------------------------------------


def test_bank_list_text_shows_each_topic_with_its_counts_by_level(bundled: Bank) -> None:
    result = runner.invoke(app, ["bank", "list", "--format", "text"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert re.split(r"\s+", lines[0]) == ["topic", "title", "L1", "L2", "L3", "L4", "L5", "total"]
    counts = Counter((p.topic, p.level) for p in bundled.problems)
    for topic, title in bundled.titles.items():
        levels = [counts[topic, level] for level in range(1, 6)]
        numbers = r"\s+".join(str(n) for n in [*levels, sum(levels)])
        row = rf"^{re.escape(topic)}\s+{re.escape(title)}\s+{numbers}$"
        assert any(re.match(row, line) for line in lines), (topic, result.stdout)
    total = f"{len(bundled.problems)} problems in {len(bundled.titles)} topics, from {bundled.root}"
    assert lines[-1] == total


def test_bank_list_json_has_the_documented_shape_and_agrees_with_load_bank(
    bundled: Bank,
) -> None:
    result = runner.invoke(app, ["bank", "list", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) == {"bank", "topics", "total"}
    assert data["bank"] == bundled.root
    assert data["total"] == len(bundled.problems)
    assert [t["topic"] for t in data["topics"]] == bundled.topics()
    counts = Counter((p.topic, p.level) for p in bundled.problems)
    for row in data["topics"]:
        assert set(row) == {"topic", "title", "levels", "total"}
        assert row["title"] == bundled.titles[row["topic"]]
        assert row["levels"] == {str(n): counts[row["topic"], n] for n in range(1, 6)}
        assert row["total"] == len(bundled.select(topic=row["topic"]))
    assert sum(row["total"] for row in data["topics"]) == data["total"]


def test_bank_list_on_a_custom_bank_shows_that_banks_topics(tmp_path: Path) -> None:
    root = write_bank(
        tmp_path,
        {
            "alpha.yaml": HEAD.replace("topic: t\ntitle: T", "topic: alpha\ntitle: Alpha things")
            + entry("a.1")
            + entry("a.2", level="3", function='"x^3"'),
            "beta.yaml": HEAD.replace("topic: t\ntitle: T", "topic: beta\ntitle: Beta things")
            + entry("b.1", level="5", function='"sin(x)"'),
        },
    )
    text = runner.invoke(app, ["bank", "list", str(root), "--format", "text"])
    assert text.exit_code == 0, text.output
    assert re.search(r"^alpha\s+Alpha things\s+1\s+0\s+1\s+0\s+0\s+2$", text.stdout, re.M)
    assert re.search(r"^beta\s+Beta things\s+0\s+0\s+0\s+0\s+1\s+1$", text.stdout, re.M)
    assert "chain-rule" not in text.stdout
    assert text.stdout.splitlines()[-1] == f"3 problems in 2 topics, from {root}"
    data = json.loads(runner.invoke(app, ["bank", "list", str(root), "--format", "json"]).stdout)
    assert data["bank"] == str(root)
    assert [(t["topic"], t["total"]) for t in data["topics"]] == [("alpha", 2), ("beta", 1)]
    assert data["total"] == 3


def test_bank_list_has_no_latex_form(tmp_path: Path) -> None:
    root = write_bank(tmp_path, {"t.yaml": HEAD + GOOD})
    result = runner.invoke(app, ["bank", "list", str(root), "--format", "latex"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "no LaTeX form" in result.stderr
