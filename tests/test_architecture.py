"""The layers of ARCHITECTURE.md, enforced: every import in the package, including those inside
functions, points down the stack, there are no cycles, and render/ does no maths.

The only upward import allowed is the door ``derivtutor.display``, imported inside a function:
the result classes use it for ``to_dict()`` and Jupyter's ``_repr_markdown_``.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import NamedTuple

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "derivtutor"

# Lower numbers are lower layers. Modules of one rank in different folders are siblings and may
# not import each other (ml/ and grading/ both stand on calculus/, beside each other).
LAYERS: dict[str, int] = {
    "derivtutor.errors": 0,
    "derivtutor.controls": 0,
    "derivtutor.language": 1,
    "derivtutor.engine": 2,
    "derivtutor.calculus": 3,
    "derivtutor.ml": 4,
    "derivtutor.grading": 4,
    "derivtutor": 5,  # the public API: thin functions over the use cases
    "derivtutor.places": 6,
    "derivtutor.files": 6,
    "derivtutor.config": 7,  # config.toml: read by the terminal, shown by render/say/config
    "derivtutor.practice": 7,
    "derivtutor.render": 8,
    "derivtutor.display": 9,  # the door: see its docstring
    "derivtutor.terminal": 10,
    "derivtutor.plot": 10,
    "derivtutor.parallel": 10,  # a sheet marked, a bank verified, in worker processes
    "derivtutor.startup": 10,  # the console script's start-up
    "derivtutor.cli": 11,
    "derivtutor.__main__": 12,
}
DOOR = "derivtutor.display"

# What rendering may not call: it shows the forms the results carry and works none out.
MATHS_MODULES = ("derivtutor.engine.tidy", "derivtutor.engine.derive")
MATHS_CALLS = frozenset(
    {
        "simplify", "cancel", "factor", "together", "expand", "trigsimp", "powsimp", "radsimp",
        "ratsimp", "nsimplify", "collect", "apart", "logcombine", "expand_log", "factor_terms",
        "doit", "diff",
    }
)  # fmt: skip


class Import(NamedTuple):
    source: str  # the importing module
    target: str  # the imported module
    line: int
    lazy: bool  # inside a function


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _imports(name: str, path: Path) -> list[Import]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: list[Import] = []

    def visit(node: ast.AST, lazy: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inner = lazy or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            if isinstance(child, ast.Import):
                found.extend(
                    Import(name, a.name, child.lineno, lazy)
                    for a in child.names
                    if a.name.split(".")[0] == "derivtutor"
                )
            elif isinstance(child, ast.ImportFrom):
                if child.level:
                    base = package.split(".")[: len(package.split(".")) - child.level + 1]
                    module = ".".join([*base, *([child.module] if child.module else [])])
                else:
                    module = child.module or ""
                if module.split(".")[0] == "derivtutor":
                    for a in child.names:
                        full = f"{module}.{a.name}"
                        found.append(
                            Import(name, full if full in MODULES else module, child.lineno, lazy)
                        )
            visit(child, inner)

    visit(tree, False)
    return found


IMPORTS = [i for name, path in MODULES.items() for i in _imports(name, path)]


def layer(module: str) -> tuple[str, int]:
    """The layer a module belongs to: its longest prefix in LAYERS."""
    parts = module.split(".")
    for n in range(len(parts), 0, -1):
        prefix = ".".join(parts[:n])
        if prefix in LAYERS:
            return prefix, LAYERS[prefix]
    raise KeyError(module)


def violations(imports: list[Import]) -> list[str]:
    """Every import that points up the stack, or across to a sibling, except the lazy door."""
    bad = []
    for i in imports:
        (home, rank), (there, target_rank) = layer(i.source), layer(i.target)
        if i.target == DOOR and i.lazy:
            continue
        if target_rank > rank or (target_rank == rank and home != there):
            bad.append(f"{i.source}:{i.line} imports {i.target} ({home} -> {there})")
    return bad


def cycles(imports: list[Import]) -> list[list[str]]:
    """The import cycles among modules (the door's lazy imports left out), each as a path."""
    graph: dict[str, set[str]] = {}
    for i in imports:
        if i.target != DOOR and i.target != i.source:
            graph.setdefault(i.source, set()).add(i.target)
    found, state = [], {}
    stack: list[str] = []

    def walk(node: str) -> None:
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                found.append([*stack[stack.index(nxt) :], nxt])
            elif nxt not in state:
                walk(nxt)
        stack.pop()
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            walk(node)
    return found


def test_every_module_has_a_layer() -> None:
    unplaced = [m for m in MODULES if not any(m == p or m.startswith(p + ".") for p in LAYERS)]
    assert not unplaced


def test_imports_point_down() -> None:
    assert violations(IMPORTS) == []


def test_no_import_cycles() -> None:
    assert cycles(IMPORTS) == []


def test_render_does_no_maths() -> None:
    bad = [
        f"{i.source}:{i.line} imports {i.target}"
        for i in IMPORTS
        if i.source.startswith("derivtutor.render") and i.target.startswith(MATHS_MODULES)
    ]
    for name, path in MODULES.items():
        if not name.startswith("derivtutor.render"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                f = node.func
                called = f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", "")
                if called in MATHS_CALLS:
                    bad.append(f"{name}:{node.lineno} calls {called}")
    assert bad == []


def test_every_package_says_what_it_may_import() -> None:
    for init in PACKAGE.rglob("__init__.py"):
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        assert doc, init
        if init.parent != PACKAGE:
            assert "import" in doc, init


# The checker itself: a planted upward import, a sibling import and a cycle must each be caught.
@pytest.mark.parametrize(
    ("planted", "caught"),
    [
        (Import("derivtutor.engine.tidy", "derivtutor.render.formats.text", 1, True), True),
        (Import("derivtutor.language.parse", "derivtutor.engine.steps", 1, False), True),
        (Import("derivtutor.grading.verdict", "derivtutor.ml.softmax", 1, True), True),
        (Import("derivtutor.calculus.multivar", "derivtutor.display", 1, False), True),
        (Import("derivtutor.calculus.multivar", "derivtutor.display", 1, True), False),
        (Import("derivtutor.render.formats.text", "derivtutor.engine.steps", 1, False), False),
    ],
)
def test_a_planted_import_is_caught(planted: Import, caught: bool) -> None:
    assert bool(violations([planted])) is caught


def test_a_planted_cycle_is_caught() -> None:
    a, b = "derivtutor.grading.verdict", "derivtutor.grading.mistakes"
    assert cycles([Import(a, b, 1, False), Import(b, a, 9, True)]) == [[b, a, b]]


def _commands() -> list[ast.FunctionDef]:
    tree = ast.parse((PACKAGE / "cli.py").read_text(encoding="utf-8"))
    return [
        node
        for node in tree.body
        if isinstance(node, ast.FunctionDef)
        and any("command" in ast.unparse(d) for d in node.decorator_list)
    ]


@pytest.mark.parametrize("command", _commands(), ids=lambda c: c.name)
def test_a_command_body_is_short(command: ast.FunctionDef) -> None:
    # The body after the docstring: past ~25 lines, the logic belongs in the core.
    body = command.body[1:] if ast.get_docstring(command) else command.body
    lines = body[-1].end_lineno - body[0].lineno + 1  # type: ignore[operator]
    assert ast.get_docstring(command) and "Example:" in ast.get_docstring(command)  # type: ignore[operator]
    assert lines <= 25, f"{command.name} has {lines} lines"


# --- a format is one file ------------------------------------------------------------------------

FORMAT_NAMES = {"rich", "text", "latex", "markdown", "json"}
# Where a format is chosen: the printer for a name, the JSON-or-printer choice of the one entry,
# and the terminal's default format.
CHOOSERS = {"render/formats/__init__.py", "render/show.py", "terminal.py"}


def _format_switches(tree: ast.AST) -> list[int]:
    """Lines that compare something with a format's name: ``fmt == "latex"``, ``in ("json",)``."""
    lines = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Compare):
            continue
        for side in [node.left, *node.comparators]:
            names = side.elts if isinstance(side, ast.Tuple | ast.List | ast.Set) else [side]
            if any(isinstance(n, ast.Constant) and n.value in FORMAT_NAMES for n in names):
                lines.append(node.lineno)
    return lines


def test_only_the_choosers_switch_on_a_format() -> None:
    found = {
        f"{path.relative_to(PACKAGE)}:{line}"
        for path in PACKAGE.rglob("*.py")
        if str(path.relative_to(PACKAGE)) not in CHOOSERS
        for line in _format_switches(ast.parse(path.read_text(encoding="utf-8")))
    }
    assert not found, f"a format is switched on outside its printer: {sorted(found)}"


def test_a_planted_format_switch_is_caught() -> None:
    assert _format_switches(ast.parse('if fmt == "latex":\n    pass\n')) == [1]
    assert _format_switches(ast.parse('ok = fmt in ("json", "latex")\n')) == [1]
    assert _format_switches(ast.parse('ok = fmt == "sheet"\n')) == []
