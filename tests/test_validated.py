"""bank validate's cache (issue 13): a bank that has not changed is not checked again, a change
to a file is seen at once, and only the problems that changed are checked again."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from derivtutor import places
from derivtutor.cli import app
from derivtutor.practice import bank as bank_module
from derivtutor.practice.validation import validation

runner = CliRunner()

HEAD = "schema_version: 1\ntopic: t\ntitle: T\nproblems:\n"
PROBLEMS = (
    '  - id: t.a\n    level: 1\n    function: "x^2"\n    answer: "2x"\n'
    '  - id: t.b\n    level: 1\n    function: "sin(x)"\n    answer: "cos(x)"\n'
)


def _bank(tmp_path: Path, problems: str = PROBLEMS) -> Path:
    root = tmp_path / "bank"
    root.mkdir(exist_ok=True)
    (root / "t.yaml").write_text(HEAD + problems, encoding="utf-8")
    return root


def _counting(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The ids of the problems checked against the engine from now on (in this process)."""
    checked: list[str] = []
    real = bank_module.checked_problem

    def counting(problem: object, bound: object = None) -> str | None:
        checked.append(problem.id)  # type: ignore[attr-defined]
        return real(problem)  # type: ignore[arg-type]

    monkeypatch.setattr(bank_module, "checked_problem", counting)
    return checked


def test_an_unchanged_bank_is_not_loaded_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _bank(tmp_path)
    first = validation(root)
    assert first.errors == () and first.problems == 2

    def no_loading(*args: object, **kwargs: object) -> None:
        raise AssertionError("the bank was loaded again")

    monkeypatch.setattr(bank_module, "load_and_verify", no_loading)
    assert validation(root) == first


def test_the_cache_is_invalidated_when_a_bank_file_changes(tmp_path: Path) -> None:
    root = _bank(tmp_path)
    assert runner.invoke(app, ["bank", "validate", str(root)]).exit_code == 0
    # The same file, one answer wrong: the next run must see it, not the cached "OK".
    _bank(tmp_path, PROBLEMS.replace('answer: "cos(x)"', 'answer: "-cos(x)"'))
    result = runner.invoke(app, ["bank", "validate", str(root)])
    assert result.exit_code == 2, result.output
    assert "[t.b] the stated answer" in result.output
    # And back: valid again (its earlier verdicts are still in the cache).
    _bank(tmp_path)
    assert runner.invoke(app, ["bank", "validate", str(root)]).exit_code == 0


def test_only_the_problems_that_changed_are_checked_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _bank(tmp_path)
    checked = _counting(monkeypatch)
    validation(root)
    assert checked == ["t.a", "t.b"]
    checked.clear()
    _bank(tmp_path, PROBLEMS.replace('"sin(x)"', '"sin(2x)"').replace('"cos(x)"', '"2cos(2x)"'))
    assert validation(root).errors == ()
    assert checked == ["t.b"]  # t.a is unchanged, so its verdict is taken as it was


def test_a_hint_or_a_tag_does_not_change_a_problems_verdict(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _bank(tmp_path)
    validation(root)
    checked = _counting(monkeypatch)
    _bank(tmp_path, PROBLEMS + "    hints: [Use the chain rule.]\n    tags: [trig]\n")
    assert validation(root).errors == ()
    assert checked == []


def test_the_cache_lives_in_the_user_cache_directory_never_beside_the_bank(
    tmp_path: Path,
) -> None:
    root = _bank(tmp_path)
    validation(root)
    assert sorted(p.name for p in root.iterdir()) == ["t.yaml"]
    directory = places.validation_dir()
    assert directory is not None and any(directory.glob("bank-*.json"))
    assert (directory / "problems.json").exists()


@pytest.mark.parametrize("content", ["{not json", '{"root": 1}', "[]"])
def test_a_damaged_cache_is_passed_over(tmp_path: Path, content: str) -> None:
    root = _bank(tmp_path)
    first = validation(root)
    directory = places.validation_dir()
    assert directory is not None
    for entry in [*directory.glob("bank-*.json"), directory / "problems.json"]:
        entry.write_text(content)
    assert validation(root) == first


def test_a_cache_someone_else_could_write_is_not_believed(tmp_path: Path) -> None:
    root = _bank(tmp_path, PROBLEMS.replace('answer: "cos(x)"', 'answer: "-cos(x)"'))
    assert len(validation(root).errors) == 1
    directory = places.validation_dir()
    assert directory is not None
    # A forged entry that calls the bank valid, writable by others: it must be ignored.
    for entry in directory.glob("bank-*.json"):
        data = json.loads(entry.read_text())
        entry.write_text(json.dumps({**data, "errors": []}))
        entry.chmod(0o666)
    assert len(validation(root).errors) == 1


def test_warm_bank_validate_loads_no_sympy(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    root = _bank(tmp_path)
    env = {**os.environ, "DERIVTUTOR_HOME": str(tmp_path / "home")}
    probe = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from derivtutor.cli import app\n"
        f"r = CliRunner().invoke(app, ['bank', 'validate', {str(root)!r}])\n"
        "print(r.exit_code, 'sympy' in sys.modules)\n"
    )
    first = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True)
    again = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True)
    assert first.stdout.split() == ["0", "True"], first.stderr
    assert again.stdout.split() == ["0", "False"], again.stderr


def test_the_quiz_reads_an_unchanged_bank_from_the_cache_as_load_bank_reads_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from derivtutor.practice.validation import loaded_bank

    root = _bank(tmp_path, PROBLEMS + "    hints: [Use the chain rule.]\n    domain: [0, 3]\n")
    fresh = bank_module.load_bank(root)
    assert loaded_bank(root) == fresh  # the first time: loaded, and kept

    def no_loading(*args: object, **kwargs: object) -> None:
        raise AssertionError("the bank was parsed again")

    monkeypatch.setattr(bank_module, "load_bank", no_loading)
    assert loaded_bank(root) == fresh  # the problems, their tuples, the titles and errors
    monkeypatch.undo()
    _bank(tmp_path, PROBLEMS.replace("t.b", "t.c"))  # a change: read again, not the old one
    assert [p.id for p in loaded_bank(root).problems] == ["t.a", "t.c"]


def test_the_bundled_bank_from_the_cache_is_the_bank() -> None:
    from derivtutor.practice.validation import loaded_bank

    assert loaded_bank() == bank_module.load_bank()
    assert loaded_bank() == bank_module.load_bank()  # the second from the cache
