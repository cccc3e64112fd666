"""The problem bank: YAML files of exercises, one topic per file (schema in DESIGN.md).

Reading files makes this an edge module, beside the CLI, like sheet.py. ``load_bank`` checks
the schema with pydantic (no unknown keys, and strict types, so ``answer: no``, which YAML reads
as the boolean false, is an error rather than the string "False") and parses every expression
with the safe parser. ``verify`` then checks every stated answer against the engine. Every
error names the file, the line and the problem id, and all of them are reported, not the first.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictFloat,
    StrictInt,
    StrictStr,
    ValidationError,
    model_validator,
)

from derivtutor.controls import has_controls, visible
from derivtutor.errors import BankError, InputError, TooLarge
from derivtutor.files import UnreadableFile, read_bounded
from derivtutor.practice.problem import Problem, verify_problem

# bank validate's cache lists and hashes the files without this module's pydantic and YAML.
from derivtutor.practice.validated import (
    MAX_FILE_BYTES,
    Run,
    bank_files,
    problem_key,
)

SCHEMA_VERSION = 1
MAX_NODES = 200_000  # a 1 MB bank has far fewer; aliases must not multiply them
ID_PATTERN = r"^[a-z0-9][a-z0-9._-]*$"
TOPIC_PATTERN = r"^[a-z0-9][a-z0-9-]*$"

_Text = Annotated[StrictStr, Field(min_length=1, max_length=1000)]


class _ProblemEntry(BaseModel):
    """One problem as written in YAML."""

    model_config = ConfigDict(extra="forbid")

    id: Annotated[StrictStr, Field(pattern=ID_PATTERN, max_length=80)]
    level: Annotated[StrictInt, Field(ge=1, le=5)]
    function: _Text
    variable: _Text | None = None
    variables: Annotated[list[_Text], Field(min_length=1, max_length=20)] | None = None
    answer: _Text | Annotated[list[_Text], Field(min_length=1, max_length=20)] | None = None
    domain: (
        Annotated[
            list[Annotated[StrictFloat | StrictInt, Field(ge=-1e6, le=1e6, allow_inf_nan=False)]],
            Field(min_length=2, max_length=2),
        ]
        | None
    ) = None
    order: Annotated[StrictInt, Field(ge=1, le=10_000)] = 1  # 3: the third derivative
    hints: Annotated[list[_Text], Field(max_length=10)] = []
    tags: list[Annotated[StrictStr, Field(pattern=TOPIC_PATTERN)]] = []
    # Vectors and matrices: name -> shape ("n" a column, "1×n" a row, "m×n"); undeclared names
    # are scalars. With shapes, the answer is one matrix expression.
    shapes: Annotated[dict[_Text, _Text], Field(min_length=1, max_length=40)] | None = None
    symmetric: Annotated[list[_Text], Field(max_length=40)] = []

    @model_validator(mode="after")
    def _consistent(self) -> _ProblemEntry:
        if self.variable is not None and self.variables is not None:
            raise ValueError("give variable (a derivative) or variables (a gradient), not both")
        if self.variables is not None and isinstance(self.answer, str):
            raise ValueError("a gradient's answer is a list, one component per variable")
        if self.variables is None and isinstance(self.answer, list):
            raise ValueError("an answer list is for a gradient: list its variables too")
        if self.variables and isinstance(self.answer, list):
            if len(self.answer) != len(self.variables):
                raise ValueError(
                    f"the answer has {len(self.answer)} components but there are "
                    f"{len(self.variables)} variables"
                )
        if self.domain is not None and not self.domain[0] < self.domain[1]:
            raise ValueError("domain is [low, high] with low < high")
        if self.order != 1 and self.variables is not None:
            raise ValueError("order is for a derivative, not a gradient")
        if self.shapes is not None and (self.variables is not None or self.order != 1):
            raise ValueError(
                "with shapes, give variable (the vector or matrix to differentiate by); "
                "variables and order are for scalar problems"
            )
        if self.symmetric and self.shapes is None:
            raise ValueError("symmetric names declared matrices: give shapes too")
        if self.shapes is not None and self.domain is not None:
            raise ValueError("a domain is for scalar problems: matrices are drawn at random")
        return self


class _TopicFile(BaseModel):
    """One YAML file: a topic and its problems."""

    model_config = ConfigDict(extra="forbid")

    schema_version: Annotated[StrictInt, Field(ge=SCHEMA_VERSION, le=SCHEMA_VERSION)]
    topic: Annotated[StrictStr, Field(pattern=TOPIC_PATTERN, max_length=60)]
    title: _Text
    problems: Annotated[list[_ProblemEntry], Field(min_length=1)]


@dataclass(frozen=True)
class Bank:
    """Every problem of a bank, with the errors found while loading it."""

    root: str
    titles: dict[str, str]  # topic -> title, in the order the files were read
    problems: tuple[Problem, ...]
    errors: tuple[BankError, ...] = ()

    def topics(self) -> list[str]:
        return list(self.titles)

    def by_id(self) -> dict[str, Problem]:
        return {p.id: p for p in self.problems}

    def select(self, topic: str | None = None, level: int | None = None) -> list[Problem]:
        return [
            p
            for p in self.problems
            if (topic is None or p.topic == topic) and (level is None or p.level == level)
        ]


def load_bank(path: str | Path | None = None) -> Bank:
    """Read every .yaml file under ``path`` (a directory or one file; default: the bundled
    bank). Schema and parse errors are collected in ``Bank.errors``, never raised."""
    root, files = bank_files(path)
    return _assembled(root, map(_read_one, files))


def load_and_verify(
    path: str | Path | None = None,
    bound: Callable[[], AbstractContextManager[None]] = nullcontext,
    *,
    run: Run | None = None,
    known: dict[str, str | None] | None = None,
) -> tuple[Bank, dict[str, str | None]]:
    """load_bank, and every problem's verdict (validated.problem_key → message), each file
    read and its problems verified in one task of ``run`` (the CLI's runs on every core):
    the expressions a file's reading parsed are still at hand when its problems are checked.
    ``known`` verdicts are used as they are."""
    root, files = bank_files(path)
    task = partial(_read_and_verify, bound=bound, known=known or {})
    verdicts: dict[str, str | None] = dict(known or {})
    # The largest files first, so that no core is left with a long one at the end; the reads
    # are put back in the files' order.
    order = sorted(range(len(files)), key=lambda i: -_size(files[i]))
    reads: list[Read | None] = [None] * len(files)
    results = (run or _serial)(task, [files[i] for i in order])
    for index, (read, found) in zip(order, results, strict=True):
        reads[index] = read
        verdicts.update(found)
    return _assembled(root, [r for r in reads if r is not None]), verdicts


def _size(file: Path) -> int:
    try:
        return file.stat().st_size
    except OSError:
        return 0


Read = tuple[str | None, str | None, list[Problem], list[BankError]]  # topic, title, ...


def _read_one(file: Path) -> Read:
    errors: list[BankError] = []
    try:
        topic, title, found = _read_file(file, str(file), errors)
    except BankError as err:
        return None, None, [], [*errors, err]
    return topic, title, found, errors


def _read_and_verify(
    file: Path, bound: Callable[[], AbstractContextManager[None]], known: dict[str, str | None]
) -> tuple[Read, dict[str, str | None]]:
    read = _read_one(file)
    verdicts = {}
    for problem in read[2]:
        key = problem_key(problem)
        verdicts[key] = known[key] if key in known else checked_problem(problem, bound)
    return read, verdicts


def _assembled(root: Path, reads: Iterable[Read]) -> Bank:
    titles: dict[str, str] = {}
    problems: list[Problem] = []
    errors: list[BankError] = []
    for topic, title, found, file_errors in reads:
        errors.extend(file_errors)
        if topic is None or title is None:
            continue
        titles.setdefault(topic, title)
        problems.extend(found)
    seen: dict[str, Problem] = {}
    for problem in problems:
        first = seen.setdefault(problem.id, problem)
        if first is not problem:
            errors.append(
                BankError(
                    f"duplicate id: already used at {first.file}:{first.line}",
                    file=problem.file,
                    line=problem.line,
                    problem=problem.id,
                )
            )
    errors.sort(key=lambda e: (e.file, e.line))
    return Bank(str(root), titles, tuple(problems), tuple(errors))


def validate(
    bank: Bank,
    bound: Callable[[], AbstractContextManager[None]] = nullcontext,
    *,
    run: Run | None = None,
    known: dict[str, str | None] | None = None,
) -> tuple[BankError, ...]:
    """Every error of the bank, from loading and from the engine, in file and line order;
    each problem checked within ``bound`` (the CLI's deadline for one input)."""
    errors = bank.errors + verify(bank, bound, run=run, known=known)
    return tuple(sorted(errors, key=lambda e: (e.file, e.line)))


def verify(
    bank: Bank,
    bound: Callable[[], AbstractContextManager[None]] = nullcontext,
    *,
    run: Run | None = None,
    known: dict[str, str | None] | None = None,
) -> tuple[BankError, ...]:
    """Check every problem against the engine: a stated answer must be right, and the engine
    must derive the function with named rules and be able to grade answers to it.

    ``known``: verdicts found before (validated.problem_key → message), used as they are and
    added to; ``run``: how the checks are mapped over the problems (in order; the CLI's runs
    them on every core)."""
    known = {} if known is None else known
    keys = [problem_key(p) for p in bank.problems]
    todo = [p for p, key in zip(bank.problems, keys, strict=True) if key not in known]
    check = partial(checked_problem, bound=bound)
    todo_keys = [key for key in keys if key not in known]
    for key, message in zip(todo_keys, (run or _serial)(check, todo), strict=True):
        known[key] = message
    found: list[BankError] = []
    for problem, key in zip(bank.problems, keys, strict=True):
        message = known[key]
        if message:
            found.append(
                BankError(message, file=problem.file, line=problem.line, problem=problem.id)
            )
    return tuple(found)


def checked_problem(
    problem: Problem, bound: Callable[[], AbstractContextManager[None]] = nullcontext
) -> str | None:
    """verify_problem within ``bound``: None when sound, else what is wrong."""
    try:
        with bound():
            return verify_problem(problem)
    except (TooLarge, MemoryError, RecursionError):
        return "the function is too large to work with (past 5 s or 1 GB)"


def _serial(check: Callable[[Any], Any], items: list[Any]) -> Iterator[Any]:
    return map(check, items)


_SAFE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


# --- reading one file ----------------------------------------------------------------------------


def _read_file(file: Path, name: str, errors: list[BankError]) -> tuple[str, str, list[Problem]]:
    try:
        data = read_bounded(file, MAX_FILE_BYTES)  # a regular file only, never read past
    except UnreadableFile as err:
        raise BankError(err.reason, file=name, line=1) from None
    try:
        text = data.decode("utf-8-sig")
        if has_controls(text):
            # A title or hint is printed to the learner's terminal: ESC [ 2 J would clear it.
            at = next(i for i, ch in enumerate(text) if has_controls(ch))
            line = text[:at].count("\n") + 1
            raise BankError(
                f"a control character ({visible(text[at])}) is not allowed in a bank",
                file=name,
                line=line,
            )
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise BankError(f"not UTF-8 text ({err.reason})", file=name, line=line) from None
    try:
        # compose, not load: the nodes keep their line numbers, and no tag builds an object.
        # libyaml's parser where PyYAML was built with it: ten times the pure-Python one.
        loader = _SAFE_LOADER(text)
        try:
            node = loader.get_single_node()
            if node is not None and _expanded_size(node, {}) > MAX_NODES:
                # Aliases can make a tiny file stand for billions of nodes ("billion laughs").
                raise BankError(
                    f"the file expands to more than {MAX_NODES} YAML nodes through its aliases",
                    file=name,
                    line=1,
                )
            value = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        if "nesting depth" in str(getattr(err, "problem", None) or err):  # libyaml's limit
            raise BankError("the YAML is nested too deeply", file=name, line=line) from None
        raise BankError(
            f"not valid YAML: {getattr(err, 'problem', None) or err}", file=name, line=line
        ) from None
    except RecursionError:
        raise BankError("the YAML is nested too deeply", file=name, line=1) from None
    if node is None or not isinstance(value, dict):
        raise BankError(
            "a bank file is a mapping with schema_version, topic, title and problems",
            file=name,
            line=1,
        )
    for key, line, owner in _duplicate_keys(node):
        errors.append(
            BankError(f"the key {key!r} appears twice", file=name, line=line, problem=owner)
        )
    version = value.get("schema_version")
    if isinstance(version, int) and not isinstance(version, bool) and version != SCHEMA_VERSION:
        raise BankError(
            f"schema_version {value['schema_version']} is not supported "
            f"(this derivtutor reads version {SCHEMA_VERSION})",
            file=name,
            line=_line(node, ("schema_version",)),
        )
    try:
        parsed = _TopicFile.model_validate(value)
    except ValidationError as err:
        reported: set[tuple[Any, ...]] = set()
        for e in err.errors():
            if not _branch_taken(e["loc"], value):
                continue  # answer: text or a list; only the branch the author wrote counts
            loc = tuple(part for part in e["loc"] if not _is_type_name(part))
            if loc in reported:
                continue
            reported.add(loc)
            errors.append(
                BankError(
                    _schema_message(e, node, loc),
                    file=name,
                    line=_line(node, loc),
                    problem=_problem_id(value, loc),
                )
            )
        return _salvage(value, node, name, errors)
    problems = []
    for index, entry in enumerate(parsed.problems):
        line = _line(node, ("problems", index))
        problem = _problem(entry, parsed.topic, name, line, errors)
        if problem is not None:
            problems.append(problem)
    return parsed.topic, parsed.title, problems


def _salvage(
    value: dict[str, Any], node: yaml.Node, name: str, errors: list[BankError]
) -> tuple[str, str, list[Problem]]:
    """After a schema error, keep the problems that are valid, so every error is reported."""
    topic = value.get("topic") if isinstance(value.get("topic"), str) else file_topic(name)
    title = value.get("title") if isinstance(value.get("title"), str) else topic
    problems = []
    entries = value.get("problems")
    for index, raw in enumerate(entries if isinstance(entries, list) else []):
        try:
            entry = _ProblemEntry.model_validate(raw)
        except ValidationError:
            continue  # already reported
        problem = _problem(entry, str(topic), name, _line(node, ("problems", index)), errors)
        if problem is not None:
            problems.append(problem)
    return str(topic), str(title), problems


def file_topic(name: str) -> str:
    return Path(name).stem


def _problem(
    entry: _ProblemEntry, topic: str, name: str, line: int, errors: list[BankError]
) -> Problem | None:
    """Parse the expressions of one entry; on any error, report it and drop the problem."""
    import sympy as sp

    from derivtutor.language.parse import parse

    def fail(message: str) -> None:
        errors.append(BankError(message, file=name, line=line, problem=entry.id))

    if entry.shapes is not None:
        return _matrix_problem(entry, topic, name, line, fail)
    try:
        function = parse(entry.function)
    except InputError as err:
        fail(f"function {entry.function!r} does not parse: {_input_message(err)}")
        return None
    names = {s.name for s in function.free_symbols}
    written = entry.variables or ([entry.variable] if entry.variable else [])
    wanted = []
    for variable in written:
        # The parser's own name: θ is theta, z_1 is z1.
        try:
            symbol = parse(variable)
        except InputError:
            symbol = None
        parsed = symbol.name if isinstance(symbol, sp.Symbol) else variable
        if parsed not in names:
            known = ", ".join(sorted(names)) or "none"
            fail(f"{variable!r} is not a variable of {entry.function!r} (its variables: {known})")
            return None
        if parsed in wanted:
            fail(f"{variable!r} is listed twice in variables")
            return None
        wanted.append(parsed)
    if not wanted and len(names) > 1:
        fail(
            f"{entry.function!r} has several variables ({', '.join(sorted(names))}): "
            "set variable, or variables for a gradient"
        )
        return None
    answers = [entry.answer] if isinstance(entry.answer, str) else entry.answer
    for answer in answers or []:
        try:
            parse(answer)
        except InputError as err:
            fail(f"answer {answer!r} does not parse: {_input_message(err)}")
            return None
    return Problem(
        id=entry.id,
        topic=topic,
        level=entry.level,
        function=entry.function,
        variables=tuple(wanted),
        gradient=entry.variables is not None,
        answer=tuple(answers) if answers else None,
        domain=(entry.domain[0], entry.domain[1]) if entry.domain else None,
        order=entry.order,
        hints=tuple(entry.hints),
        tags=tuple(entry.tags),
        file=name,
        line=line,
    )


def _matrix_problem(
    entry: _ProblemEntry, topic: str, name: str, line: int, fail: Callable[[str], None]
) -> Problem | None:
    """A problem in vectors and matrices: its shapes declared, its function and answer read
    with them, its variable a declared name of the function."""
    from derivtutor.language.matrices import parse_shaped
    from derivtutor.language.shapes import declared

    assert entry.shapes is not None
    try:
        shapes = declared(entry.shapes, entry.symmetric)
    except InputError as err:
        fail(f"shapes: {_input_message(err)}")
        return None
    try:
        function = parse_shaped(entry.function, shapes).expr
    except InputError as err:
        fail(f"function {entry.function!r} does not parse: {_input_message(err)}")
        return None
    present = [n for n, m in shapes.symbols.items() if m in function.free_symbols]
    variable = entry.variable
    if variable is None:
        if len(present) != 1:
            fail(
                f"{entry.function!r} has several vectors and matrices ({', '.join(present)}): "
                "set variable, the one to differentiate by"
            )
            return None
        variable = present[0]
    if variable not in present:
        fail(f"{variable!r} is not a declared vector or matrix of {entry.function!r}")
        return None
    if entry.answer is not None:
        if not isinstance(entry.answer, str):
            fail("with shapes, the answer is one matrix expression, not a list")
            return None
        try:
            parse_shaped(entry.answer, shapes)
        except InputError as err:
            fail(f"answer {entry.answer!r} does not parse: {_input_message(err)}")
            return None
    return Problem(
        id=entry.id,
        topic=topic,
        level=entry.level,
        function=entry.function,
        variables=(variable,),
        answer=(entry.answer,) if isinstance(entry.answer, str) else None,
        hints=tuple(entry.hints),
        tags=tuple(entry.tags),
        file=name,
        line=line,
        shapes=tuple(entry.shapes.items()),
        symmetric=tuple(entry.symmetric),
    )


def _input_message(err: InputError) -> str:
    column = f" (column {err.column})" if err.column is not None else ""
    hint = f"; {err.suggestion}" if err.suggestion else ""
    return f"{err.message}{column}{hint}"


# --- YAML nodes and pydantic errors ----------------------------------------------------------


def _child(node: yaml.Node, key: str | int) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if k.value == key:
                return v  # type: ignore[no-any-return]
    if isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
        return node.value[key]  # type: ignore[no-any-return]
    return None


def _key_node(node: yaml.Node, key: str | int) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for k, _ in node.value:
            if k.value == key:
                return k  # type: ignore[no-any-return]
    return None


def _walk(node: yaml.Node, loc: Sequence[str | int]) -> tuple[yaml.Node, yaml.Node | None]:
    """The deepest node that ``loc`` reaches, and the node for the whole of ``loc`` if any."""
    here = node
    for key in loc:
        nxt = _child(here, key)
        if nxt is None:
            # An unknown key lives in the mapping: point at the key itself.
            return (_key_node(here, key) or here), None
        here = nxt
    return here, here


def _line(node: yaml.Node, loc: Sequence[str | int]) -> int:
    deepest, _ = _walk(node, loc)
    return int(deepest.start_mark.line) + 1


def _problem_id(value: dict[str, Any], loc: tuple[Any, ...]) -> str | None:
    if len(loc) >= 2 and loc[0] == "problems" and isinstance(loc[1], int):
        entries = value.get("problems")
        if isinstance(entries, list) and loc[1] < len(entries):
            entry = entries[loc[1]]
            if isinstance(entry, dict) and isinstance(entry.get("id"), str):
                return str(entry["id"])
        return f"problem {loc[1] + 1}"
    return None


_YAML_TYPES = {
    "tag:yaml.org,2002:bool": "a boolean",
    "tag:yaml.org,2002:int": "a number",
    "tag:yaml.org,2002:float": "a number",
    "tag:yaml.org,2002:null": "empty (null)",
    "tag:yaml.org,2002:timestamp": "a date",
}


def _schema_message(error: Any, node: yaml.Node, loc: tuple[Any, ...]) -> str:
    # Inside a problem, the id is shown beside the message: name the field from there.
    inner = loc[2:] if loc[:1] == ("problems",) and len(loc) >= 2 else loc
    field = ".".join(str(part) for part in inner)
    prefix = f"{field}: " if field else ""
    _, target = _walk(node, loc)
    kind = error["type"]
    if kind == "extra_forbidden":
        return f"unknown key {loc[-1]!r}" + _known_keys(loc)
    if kind == "missing":
        return f"missing key {loc[-1]!r}"
    if loc == ("schema_version",):
        return f"schema_version must be the number {SCHEMA_VERSION}"
    if kind == "string_type" and isinstance(target, yaml.ScalarNode) and not target.style:
        seen = _YAML_TYPES.get(target.tag)
        if seen:
            return (
                f"{prefix}YAML reads {target.value!r} as {seen}, not text; "
                f'put it in quotes: "{target.value}"'
            )
    if kind in ("float_type", "int_type") and isinstance(target, yaml.ScalarNode):
        if target.tag == "tag:yaml.org,2002:str":
            # YAML 1.1 reads 1e308 (no decimal point) as text.
            return (
                f"{prefix}YAML reads {target.value!r} as text, not a number; write a plain "
                "number such as -2 or 0.5"
            )
    if kind == "value_error":
        return prefix + str(error["msg"]).removeprefix("Value error, ")
    return prefix + str(error["msg"])


def _known_keys(loc: tuple[Any, ...]) -> str:
    model = _ProblemEntry if loc[0] == "problems" else _TopicFile
    return f" (known keys: {', '.join(model.model_fields)})"


def _branch_taken(loc: tuple[Any, ...], value: Any) -> bool:
    """For an error in one branch of a union (``answer: str | list[str]``), whether the value
    the author wrote is of that branch's kind: a list error for a list, a text error otherwise."""
    here = value
    for part in loc:
        if _is_type_name(part):
            return bool(part.startswith("list[")) == isinstance(here, list)
        try:
            here = here[part]
        except (KeyError, IndexError, TypeError):
            return True
    return True


def _is_type_name(part: Any) -> bool:
    return isinstance(part, str) and bool(
        re.match(r"^(str|int|float|bool|list\[.*\]|constrained-.*)$", part)
    )


def _expanded_size(node: yaml.Node, sizes: dict[int, int]) -> int:
    """How many nodes the document stands for once every alias is expanded (memoised, so
    the count itself stays linear in the file)."""
    known = sizes.get(id(node))
    if known is not None:
        return known
    sizes[id(node)] = 1  # a recursive alias counts once rather than looping
    if isinstance(node, yaml.MappingNode):
        total = 1 + sum(_expanded_size(k, sizes) + _expanded_size(v, sizes) for k, v in node.value)
    elif isinstance(node, yaml.SequenceNode):
        total = 1 + sum(_expanded_size(item, sizes) for item in node.value)
    else:
        total = 1
    sizes[id(node)] = min(total, MAX_NODES + 1)
    return sizes[id(node)]


def _duplicate_keys(
    node: yaml.Node, problem: str | None = None, visited: set[int] | None = None
) -> Iterator[tuple[str, int, str | None]]:
    """YAML keeps the last of two equal keys silently; a bank author wants to know. Yields
    (key, line, id of the problem it is in). An aliased node is visited once."""
    visited = set() if visited is None else visited
    if id(node) in visited:
        return
    visited.add(id(node))
    if isinstance(node, yaml.MappingNode):
        ident = _child(node, "id")
        if isinstance(ident, yaml.ScalarNode):
            problem = str(ident.value)
        seen: set[Any] = set()
        for key, value in node.value:
            if key.value in seen:
                yield str(key.value), key.start_mark.line + 1, problem
            seen.add(key.value)
            yield from _duplicate_keys(value, problem, visited)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            yield from _duplicate_keys(item, problem, visited)
