"""A homework sheet: many (function, answer) rows from a YAML or CSV file, each checked.

This module reads a file, so it sits at the edge, beside the CLI; the checking itself is
grading.check. A malformed row is reported with its line number, and the other rows are still
checked.

YAML: a list of mappings with keys function, answer, and optionally id, wrt and order.
CSV: a header row with the same column names.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from derivtutor.controls import visible
from derivtutor.errors import DerivtutorError, UsageError
from derivtutor.files import UnreadableFile, read_bounded
from derivtutor.grading.verdict import CORRECT, INCORRECT, Verdict, check

COLUMNS = ("id", "function", "answer", "wrt", "order")
MAX_BYTES = 1_000_000
MAX_ROWS = 2000


@dataclass(frozen=True)
class Row:
    line: int
    fields: dict[str, str]


@dataclass(frozen=True)
class Result:
    id: str
    line: int
    verdict: Verdict


@dataclass(frozen=True)
class RowError:
    line: int
    message: str


@dataclass(frozen=True)
class Sheet:
    path: str
    results: tuple[Result, ...]
    errors: tuple[RowError, ...]

    def count(self, verdict: str) -> int:
        return sum(r.verdict.verdict == verdict for r in self.results)

    @property
    def exit_code(self) -> int:
        """0 when every row is correct, 1 when some are incorrect, 2 when any is malformed."""
        if self.errors:
            return 2
        return 0 if self.count(CORRECT) == len(self.results) else 1

    def to_dict(self) -> dict[str, Any]:
        from derivtutor import display

        return display.to_dict(self)


def check_sheet(
    path: str | Path, bound: Callable[[], AbstractContextManager[None]] = nullcontext
) -> Sheet:
    """Read the sheet at ``path`` and check every row, each within ``bound`` (the CLI passes
    its deadline: a row past it is reported, and the other rows are still checked)."""
    file = Path(path)
    try:
        data = read_bounded(file, MAX_BYTES)
    except UnreadableFile as err:
        raise UsageError(err.reason) from None
    text = data.decode("utf-8", errors="replace")
    rows = _csv_rows(text) if file.suffix.lower() == ".csv" else _yaml_rows(text)
    # Ids and answers are echoed in the report: a control character (raw, or a YAML "\e")
    # shows as \x1b and is never obeyed.
    rows = [Row(r.line, {visible(k): visible(v) for k, v in r.fields.items()}) for r in rows]
    if not rows:
        raise UsageError(f"{file} has no rows to check (columns: {', '.join(COLUMNS)})")
    if len(rows) > MAX_ROWS:
        raise UsageError(f"{file} has {len(rows)} rows; at most {MAX_ROWS}")
    results: list[Result] = []
    errors: list[RowError] = []
    for n, row in enumerate(rows, start=1):
        unknown = set(row.fields) - set(COLUMNS)
        missing = [c for c in ("function", "answer") if not row.fields.get(c, "").strip()]
        if unknown or missing:
            problem = (
                f"unknown column {', '.join(sorted(unknown))}"
                if unknown
                else f"missing {' and '.join(missing)}"
            )
            errors.append(RowError(row.line, f"{problem} (columns: {', '.join(COLUMNS)})"))
            continue
        wrt = row.fields.get("wrt", "").strip() or None
        try:
            order = _order(row.fields.get("order", ""))
            with bound():
                verdict = check(row.fields["function"], row.fields["answer"], wrt=wrt, order=order)
        except (MemoryError, RecursionError):
            errors.append(RowError(row.line, "this row is too large to work with"))
            continue
        except DerivtutorError as err:
            errors.append(RowError(row.line, str(err).splitlines()[0]))
            continue
        if verdict.verdict not in (CORRECT, INCORRECT):
            errors.append(RowError(row.line, "undecided: too few real points to check"))
            continue
        results.append(Result(row.fields.get("id", "").strip() or str(n), row.line, verdict))
    return Sheet(str(file), tuple(results), tuple(errors))


def _order(text: str) -> int:
    """A row's order column: empty means the first derivative."""
    text = text.strip()
    if not text:
        return 1
    if not text.isdecimal() or len(text) > 6:
        raise UsageError(f"order must be a whole number such as 2, not {text!r}")
    return int(text)


def _csv_rows(text: str) -> list[Row]:
    csv.field_size_limit(MAX_BYTES)
    reader = csv.DictReader(io.StringIO(text.removeprefix("\ufeff")))  # Excel's BOM
    rows = []
    try:
        for record in reader:
            extra = record.pop(None, None)
            fields = {k.strip().lower(): (v or "") for k, v in record.items() if k is not None}
            if extra:
                fields["(extra fields)"] = ""
            rows.append(Row(reader.line_num, fields))
    except csv.Error as err:
        line = max(1, reader.line_num)
        raise UsageError(f"the sheet is not valid CSV at line {line}: {err}") from None
    if reader.fieldnames and not set(COLUMNS) & {f.strip().lower() for f in reader.fieldnames}:
        raise UsageError("a CSV sheet needs a header row: id,function,answer,wrt,order")
    return rows


def _yaml_rows(text: str) -> list[Row]:
    import yaml

    try:
        # compose, not load: the nodes keep their line numbers, and no tag builds an object.
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except RecursionError:
        # [[[[…]]]] 5000 deep: no sheet nests; its rows are one list of mappings.
        raise UsageError("the sheet nests too deeply to be a list of rows") from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise UsageError(
            f"the sheet is not valid YAML{where}: {getattr(err, 'problem', err)}"
        ) from None
    if root is None:
        return []
    if not isinstance(root, yaml.SequenceNode):
        raise UsageError("a YAML sheet is a list of rows, each with function and answer")
    rows = []
    for item in root.value:
        line = item.start_mark.line + 1
        if not isinstance(item, yaml.MappingNode):
            rows.append(Row(line, {"?": ""}))
            continue
        fields: dict[str, str] = {}
        for key, value in item.value:
            name = str(key.value).strip().lower()
            if name in fields:
                name = f"{name} (twice)"  # a duplicate key is reported, not silently dropped
            if value.tag == "tag:yaml.org,2002:null":
                continue  # wrt: ~ or null means no wrt
            fields[name] = value.value if isinstance(value, yaml.ScalarNode) else "\x00"
        if "\x00" in fields.values():
            fields = {"(a list or mapping as a value)": ""}
        rows.append(Row(line, fields))
    return rows
