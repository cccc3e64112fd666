"""A homework sheet: many (function, answer) rows from a YAML or CSV file, each checked.

This module reads a file, so it sits at the edge, beside the CLI; the checking itself is
grading.check. A malformed row is reported with its line number, and the other rows are still
checked.

Rows stream: they are read one at a time (PyYAML's event parser, the csv module's reader), so a
class's sheet of 100,000 rows takes no more memory than one of ten. The limits bound the work,
not the size: each row gets the bound the caller gives (the CLI's deadline), each field at most
MAX_FIELD characters, and a sheet at most MAX_ROWS rows.

YAML: a list of mappings with keys function, answer, and optionally id, wrt and order.
CSV: a header row with the same column names.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from derivtutor.controls import visible
from derivtutor.errors import DerivtutorError, UsageError
from derivtutor.files import UnreadableFile, open_regular
from derivtutor.grading.verdict import CORRECT, INCORRECT, Verdict, check

COLUMNS = ("id", "function", "answer", "wrt", "order")
MAX_ROWS = 100_000  # a course's whole term of sheets; more is split (README: batches)
MAX_FIELD = 10_000  # characters in one field: ten times the parser's longest expression
CSV_FIELD_LIMIT = 1_000_000
MAX_NESTING = 20  # a row is a flat mapping: deeper than this is not a sheet at all

Bound = Callable[[], AbstractContextManager[None]]


@dataclass(frozen=True)
class Row:
    line: int
    fields: dict[str, str]
    number: int = 0  # its position in the sheet, from 1: the id of a row without one


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


def check_sheet(path: str | Path, bound: Bound = nullcontext) -> Sheet:
    """Read the sheet at ``path`` and check every row, each within ``bound`` (the CLI passes
    its deadline: a row past it is reported, and the other rows are still checked)."""
    results: list[Result] = []
    errors: list[RowError] = []
    with open_sheet(path) as stream:
        for row in rows(stream, kind_of(path)):
            marked = check_row(row, bound)
            if isinstance(marked, RowError):
                errors.append(marked)
            else:
                results.append(marked)
    return Sheet(str(path), tuple(results), tuple(errors))


def summary(results: list[dict[str, Any]], errors: list[dict[str, Any]]) -> dict[str, int]:
    """The counts of a sheet's reported rows (render.json.sheet_row)."""
    verdicts = [r["verdict"] for r in results]
    return {
        "correct": verdicts.count(CORRECT),
        "incorrect": verdicts.count(INCORRECT),
        "errors": len(errors),
    }


def kind_of(path: str | Path) -> str:
    """csv or yaml, by the file's suffix."""
    return "csv" if Path(path).suffix.lower() == ".csv" else "yaml"


def open_sheet(path: str | Path) -> TextIO:
    """The sheet's text, for rows(): a regular file only (never a device or a pipe)."""
    try:
        return open_regular(path)
    except UnreadableFile as err:
        raise UsageError(err.reason) from None


def rows(stream: TextIO | Any, kind: str) -> Iterator[Row | RowError]:
    """Each row of the sheet in ``stream`` (kind csv or yaml), as it is read: a Row to check,
    or a RowError for a row that cannot be. Ids and answers are echoed in the report, so a
    control character (raw, or a YAML "\\e") is made visible (\\x1b) and never obeyed."""
    count = 0
    for item in _csv_rows(stream) if kind == "csv" else _yaml_rows(stream):
        count += 1
        if count > MAX_ROWS:
            raise UsageError(
                f"the sheet has more than {MAX_ROWS:,} rows: split it, as the README's "
                "section on large batches shows"
            )
        if isinstance(item, RowError):
            yield item
            continue
        fields = {visible(k): visible(v) for k, v in item.fields.items()}
        yield _validated(Row(item.line, fields, count))
    if not count:
        raise UsageError(f"the sheet has no rows to check (columns: {', '.join(COLUMNS)})")


def _validated(row: Row) -> Row | RowError:
    unknown = set(row.fields) - set(COLUMNS)
    missing = [c for c in ("function", "answer") if not row.fields.get(c, "").strip()]
    if unknown or missing:
        problem = (
            f"unknown column {', '.join(sorted(unknown))}"
            if unknown
            else f"missing {' and '.join(missing)}"
        )
        return RowError(row.line, f"{problem} (columns: {', '.join(COLUMNS)})")
    too_long = [k for k, v in row.fields.items() if len(v) > MAX_FIELD]
    if too_long:
        return RowError(row.line, f"{too_long[0]} is longer than {MAX_FIELD:,} characters")
    return row


def check_row(row: Row | RowError, bound: Bound = nullcontext) -> Result | RowError:
    """One row checked within ``bound``: its Result, or why it could not be checked."""
    if isinstance(row, RowError):
        return row
    wrt = row.fields.get("wrt", "").strip() or None
    try:
        order = _order(row.fields.get("order", ""))
        with bound():
            verdict = check(row.fields["function"], row.fields["answer"], wrt=wrt, order=order)
    except (MemoryError, RecursionError):
        return RowError(row.line, "this row is too large to work with")
    except DerivtutorError as err:
        return RowError(row.line, _where(err, row) + str(err).splitlines()[0])
    if verdict.verdict not in (CORRECT, INCORRECT):
        return RowError(row.line, "undecided: too few real points to check")
    return Result(row.fields.get("id", "").strip() or str(row.number), row.line, verdict)


def _where(err: DerivtutorError, row: Row) -> str:
    """Which field an input error is in ("answer: "), for a teacher reading the report."""
    text = getattr(err, "text", None)
    for name in ("function", "answer", "wrt"):  # in the order they are read
        if text is not None and text == row.fields.get(name):
            column = getattr(err, "column", None)
            return f"{name}{f' at column {column}' if column else ''}: "
    return ""


def _order(text: str) -> int:
    """A row's order column: empty means the first derivative."""
    text = text.strip()
    if not text:
        return 1
    if not text.isdecimal() or len(text) > 6:
        raise UsageError(f"order must be a whole number such as 2, not {text!r}")
    return int(text)


def _csv_rows(stream: TextIO) -> Iterator[Row]:
    # A field past MAX_FIELD is its row's error; one past a megabyte is no sheet at all.
    csv.field_size_limit(CSV_FIELD_LIMIT)
    first = stream.read(1)
    # Excel's byte order mark; otherwise the character read belongs to the header.
    reader = csv.DictReader(_prefixed("" if first == "\ufeff" else first, stream))
    try:
        _has_header(reader.fieldnames)  # reads the header row, once
        for record in reader:
            extra = record.pop(None, None)
            fields = {k.strip().lower(): (v or "") for k, v in record.items() if k is not None}
            if extra:
                fields["(extra fields)"] = ""
            yield Row(reader.line_num, fields)
    except csv.Error as err:
        line = max(1, reader.line_num)
        raise UsageError(f"the sheet is not valid CSV at line {line}: {err}") from None


def _has_header(names: Any) -> None:
    if names and not set(COLUMNS) & {str(f).strip().lower() for f in names}:
        raise UsageError("a CSV sheet needs a header row: id,function,answer,wrt,order")


def _prefixed(first: str, stream: TextIO) -> Iterator[str]:
    """The stream's lines, the first of them with the character already read put back."""
    lines = iter(stream)
    yield first + next(lines, "")
    yield from lines


def _yaml_rows(stream: TextIO) -> Iterator[Row | RowError]:
    """The rows of a YAML sheet, from PyYAML's events: one mapping at a time is held, and no
    tag builds an object (events are not constructed into Python values at all)."""
    import yaml

    # libyaml's parser where PyYAML was built with it: ten times the pure-Python one.
    events = yaml.parse(stream, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    try:
        yield from _sequence_of_rows(events)
    except yaml.YAMLError as err:
        if "nesting depth" in str(getattr(err, "problem", None) or err):  # libyaml's limit
            raise UsageError("the sheet nests too deeply to be a list of rows") from None
        mark = getattr(err, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise UsageError(
            f"the sheet is not valid YAML{where}: {getattr(err, 'problem', err)}"
        ) from None


def _sequence_of_rows(events: Iterator[Any]) -> Iterator[Row | RowError]:
    import yaml

    for event in events:
        if isinstance(event, (yaml.StreamStartEvent, yaml.DocumentStartEvent)):
            continue
        if isinstance(event, (yaml.StreamEndEvent, yaml.DocumentEndEvent)):
            return  # an empty document: no rows
        if not isinstance(event, yaml.SequenceStartEvent):
            raise UsageError("a YAML sheet is a list of rows, each with function and answer")
        break
    for event in events:
        if isinstance(event, yaml.SequenceEndEvent):
            return
        line = event.start_mark.line + 1
        if isinstance(event, yaml.MappingStartEvent):
            yield _mapping(events, line)
        else:
            _skip(event, events)  # a row that is not a mapping: reported, not read
            yield Row(line, {"?": ""})


def _mapping(events: Iterator[Any], line: int) -> Row | RowError:
    import yaml

    fields: dict[str, str] = {}
    nested = False
    for key in events:
        if isinstance(key, yaml.MappingEndEvent):
            break
        value = next(events)
        if not isinstance(key, yaml.ScalarEvent) or not isinstance(value, yaml.ScalarEvent):
            _skip(key, events)
            _skip(value, events)
            nested = True
            continue
        name = str(key.value).strip().lower()
        if name in fields:
            name = f"{name} (twice)"  # a duplicate key is reported, not silently dropped
        if _is_null(value):
            continue  # wrt: ~ or null means no wrt
        fields[name] = value.value
    if nested:
        return Row(line, {"(a list or mapping as a value)": ""})
    return Row(line, fields)


def _is_null(event: Any) -> bool:
    import yaml

    resolve: Any = yaml.resolver.Resolver().resolve
    resolved = resolve(yaml.ScalarNode, event.value, event.implicit)
    return bool(event.implicit[0] and resolved == "tag:yaml.org,2002:null")


def _skip(event: Any, events: Iterator[Any]) -> None:
    """Past the collection that ``event`` opens (nothing to skip for a scalar)."""
    import yaml

    if not isinstance(event, yaml.CollectionStartEvent):
        return
    depth = 1
    for following in events:
        if isinstance(following, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_NESTING:
                # [[[[…]]]] 5000 deep: no sheet nests; its rows are one list of mappings.
                raise UsageError("the sheet nests too deeply to be a list of rows")
        elif isinstance(following, yaml.CollectionEndEvent):
            depth -= 1
            if depth == 0:
                return
