"""What bank validate found (practice.validation), kept in the user's cache directory
(places.validation_dir), never beside the bank, so that what has not changed is not checked
again.

Two kinds of entry, both JSON (never a pickle: nothing read back is ever run):

- a whole bank's result, keyed on derivtutor's and SymPy's versions and the content hash of
  every file: a bank validated before prints its result without loading SymPy at all;
- each problem's verdict, keyed on the same versions and the problem's own content, so that
  after an edit only the problems that changed are checked again, and so that the quiz's
  start-up need not check a problem it poses.

A cache that cannot be read, or was written by anyone but this user, is passed over: the bank
is simply checked again.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from derivtutor import places
from derivtutor.errors import BankError, UsageError
from derivtutor.files import UnreadableFile, read_bounded

if TYPE_CHECKING:
    from derivtutor.practice.problem import Problem

MAX_FILE_BYTES = 1_000_000  # one topic file of a bank
LAYOUT = 1  # of the cache's own files: a change of layout is a change of key
MAX_BANKS = 64  # whole-bank results kept; the oldest go first
PROBLEMS_FILE = "problems.json"

Bound = Callable[[], AbstractContextManager[None]]
Run = Callable[[Callable[[Any], Any], list[Any]], Iterable[Any]]


@dataclass(frozen=True)
class Validation:
    """A bank's validation: where it is, its size, and every error in file and line order."""

    root: str
    problems: int
    topics: int
    errors: tuple[BankError, ...]


def bundled_path() -> Path:
    """The bank shipped with derivtutor: inside the wheel, or problems/ beside the source."""
    from importlib import resources

    packaged = resources.files("derivtutor") / "problems"
    if packaged.is_dir():
        return Path(str(packaged))
    # An editable install (or a source checkout) has the bank at the top of the repository.
    return Path(__file__).resolve().parents[2] / "problems"


def bank_files(path: str | Path | None) -> tuple[Path, list[Path]]:
    """The bank's root and its .yaml files, in the order they are read."""
    root = Path(path) if path is not None else bundled_path()
    if root.is_dir():
        files = sorted(p for p in root.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())
        if not files:
            raise UsageError(f"{root} has no .yaml files: a bank is one YAML file per topic")
        return root, files
    if root.is_file():
        return root, [root]
    raise UsageError(f"no bank at {root}: give a directory of .yaml files or one file")


def known_verdicts() -> dict[str, str | None]:
    """Every problem's verdict in the cache (problem_key → None when it is sound, else what
    is wrong with it), for the quiz: a problem validated before is posed without a check."""
    store = Store.open()
    return store.problems() if store is not None else {}


def problem_key(problem: Problem) -> str:
    """A problem's verdict depends on its maths alone: not on its hints, tags or place."""
    content = [
        problem.function,
        list(problem.variables),
        problem.gradient,
        list(problem.answer) if problem.answer is not None else None,
        list(problem.domain) if problem.domain is not None else None,
        problem.order,
        [list(pair) for pair in problem.shapes],
        list(problem.symmetric),
    ]
    return hashlib.sha256(json.dumps([_versions(), content]).encode()).hexdigest()


@lru_cache(maxsize=1)
def _versions() -> str:
    """What the verdicts depend on besides the bank: derivtutor's and SymPy's versions."""
    from importlib.metadata import PackageNotFoundError, version

    from derivtutor import __version__

    try:
        sympy = version("sympy")
    except PackageNotFoundError:  # pragma: no cover - SymPy is a dependency
        sympy = "?"
    return f"layout {LAYOUT}, derivtutor {__version__}, sympy {sympy}"


def fingerprint(files: list[Path]) -> str | None:
    """The versions and every file's name and content hash; None if a file cannot be read
    (load_bank then reports it)."""
    digest = hashlib.sha256(_versions().encode())
    for file in files:
        try:
            content = read_bounded(file, MAX_FILE_BYTES)
        except UnreadableFile:
            return None
        digest.update(str(file.resolve()).encode() + b"\0")
        digest.update(hashlib.sha256(content).digest())
    return digest.hexdigest()


class Store:
    """The cache directory's JSON files, written whole and atomically (a temporary file
    renamed over the old one), so that a reader never sees half of one."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    @classmethod
    def open(cls) -> Store | None:
        directory = places.validation_dir()
        return None if directory is None else cls(directory)

    def bank(self, key: str) -> Validation | None:
        data = self._read(f"bank-{key}.json")
        try:
            errors = tuple(bank_error(e) for e in data["errors"])
            return Validation(str(data["root"]), int(data["problems"]), int(data["topics"]), errors)
        except (KeyError, TypeError, ValueError):
            return None  # not ours, or damaged: validate again

    def save_bank(self, key: str, result: Validation) -> None:
        errors = [error_fields(e) for e in result.errors]
        data = {
            "root": result.root,
            "problems": result.problems,
            "topics": result.topics,
            "errors": errors,
        }
        self._write(f"bank-{key}.json", data)
        self._prune()

    def loaded(self, key: str) -> Any:
        """The JSON of a bank as load_bank read it from these very files (see
        validation.loaded_bank), or None."""
        return self._read(f"loaded-{key}.json")

    def save_loaded(self, key: str, data: Any) -> None:
        self._write(f"loaded-{key}.json", data)
        self._prune()

    def problems(self) -> dict[str, str | None]:
        data = self._read(PROBLEMS_FILE)
        if not isinstance(data, dict):
            return {}
        return {k: v for k, v in data.items() if isinstance(k, str) and isinstance(v, str | None)}

    def save_problems(self, known: dict[str, str | None]) -> None:
        self._write(PROBLEMS_FILE, known)

    def _read(self, name: str) -> Any:
        path = self.directory / name
        if not places.private_file(path):
            return None
        try:
            return json.loads(read_bounded(path, 64 * MAX_FILE_BYTES))
        except (UnreadableFile, ValueError):
            return None

    def _write(self, name: str, data: Any) -> None:
        try:
            fd, temporary = tempfile.mkstemp(dir=self.directory, prefix=".", suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as file:
                json.dump(data, file)
            os.replace(temporary, self.directory / name)
        except OSError:
            return  # a full or read-only disk: the cache is only a saving of time

    def _prune(self) -> None:
        for kind in ("bank", "loaded"):
            entries = sorted(self.directory.glob(f"{kind}-*.json"), key=_modified, reverse=True)
            for old in entries[MAX_BANKS:]:
                try:
                    old.unlink()
                except OSError:
                    pass


def error_fields(error: BankError) -> dict[str, Any]:
    return {
        "file": error.file,
        "line": error.line,
        "problem": error.problem,
        "message": error.message,
    }


def bank_error(data: dict[str, Any]) -> BankError:
    return BankError(data["message"], file=data["file"], line=data["line"], problem=data["problem"])


def _modified(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0
