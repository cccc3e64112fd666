"""The one entry from a result to its output: ``show(result, fmt)`` picks the renderer for the
kind of result, so that neither the CLI nor the core ever switches on a result's type or format.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from derivtutor.errors import UsageError
from derivtutor.render.kinds import is_a

if TYPE_CHECKING:
    from derivtutor.config import Setting
    from derivtutor.engine.table import Entry
    from derivtutor.practice.bank import Bank
    from derivtutor.practice.report import Report
    from derivtutor.practice.validated import Validation


def show(
    result: Any, fmt: str, *, ascii: bool = False, steps: bool = False, detail: str = "normal"
) -> Any:
    """``result`` in ``fmt``: a string, or a Rich renderable for rich. ``steps`` adds the
    derivations where a result has them to show (a Jacobian's entries, a checked answer);
    ``detail`` is how much of each derivation: brief, normal (bookkeeping folded) or full."""
    if fmt == "json":
        return _json(result, detail)
    from derivtutor.render.blocks import Derivation
    from derivtutor.render.formats import printer

    print_ = printer(fmt, ascii=ascii, detail=detail).print
    if is_a(result, "derivtutor.calculus.differentiation", "Differentiation"):
        return print_([Derivation([], result)])
    if is_a(result, "derivtutor.grading.verdict", "Verdict"):
        from derivtutor.language.notation import written_order
        from derivtutor.render.say import verdict

        # The derivative shown keeps the function's own term order: e^(10 + x), as typed.
        with written_order(result.differentiation.expression):
            return print_(verdict.verdict_blocks(result, steps=steps))
    if is_a(result, "derivtutor.grading.verdict", "GradientVerdict"):
        from derivtutor.render.say import verdict

        return print_(verdict.gradient_verdict_blocks(result))
    if is_a(result, "derivtutor.practice.sheet", "Sheet"):
        from derivtutor.render.json import sheet_row
        from derivtutor.render.say import verdict

        if fmt == "latex":
            raise UsageError("a sheet has no LaTeX form; use --format markdown, text or json")
        results = [sheet_row(r) for r in result.results]
        errors = [sheet_row(e) for e in result.errors]
        return print_(verdict.marked_blocks(result.path, results, errors))
    if is_a(result, "derivtutor.ml.descent", "Descent"):
        from derivtutor.render.say.descent import descent_blocks

        # A run's numbers and prose are ASCII in LaTeX (1e-08, |grad f|): they compile anywhere.
        return printer(fmt, ascii=ascii, ascii_latex=True).print(descent_blocks(result))
    if is_a(result, "derivtutor.ml.layers", "Layers"):
        from derivtutor.render.say.layers import layers_blocks

        return print_(layers_blocks(result))
    if is_a(result, "derivtutor.grading.matrix_check", "MatrixVerdict"):
        from derivtutor.render.say.matrix import matrix_verdict_blocks

        return print_(matrix_verdict_blocks(result, steps=steps))
    if is_a(result, "derivtutor.calculus.matrix_derivative", "MatrixDerivative"):
        from derivtutor.render.say.matrix import matrix_blocks

        return print_(matrix_blocks(result))
    if is_a(result, "derivtutor.ml.backprop", "Backprop"):
        from derivtutor.render.say.backprop import backprop_blocks

        return printer(fmt, ascii=ascii, ascii_latex=True).print(backprop_blocks(result))
    # A gradient, Jacobian, Hessian, softmax Jacobian or implicit derivative.
    from derivtutor.render.say import several

    return print_(several.blocks(result, steps=steps))


def show_rules(rows: tuple[Entry, ...], fmt: str, *, ascii: bool = False) -> Any:
    """Rows of the table of derivatives in ``fmt``. Loads no SymPy."""
    if fmt == "json":
        from derivtutor.render.json import dumps, rules_list

        return dumps(rules_list(rows))
    from derivtutor.render.formats import printer
    from derivtutor.render.say.rules import rules_blocks

    return printer(fmt, ascii=ascii).print(rules_blocks(rows))


def show_stats(found: Report, fmt: str, *, ascii: bool = False) -> Any:
    """A learner's report in ``fmt``; on a terminal (rich) with a bar per topic."""
    from derivtutor.render.json import dumps, stats_dict

    if fmt == "json":
        return dumps(stats_dict(found))
    if fmt == "latex":
        raise UsageError("stats have no LaTeX form; use --format markdown, text or json")
    from derivtutor.render.formats import printer
    from derivtutor.render.say.progress import stats_blocks

    blocks = stats_blocks(found, bars=fmt == "rich", ascii=ascii)
    return printer(fmt, ascii=ascii).print(blocks)


def show_answer(result: Any, fmt: str) -> str:
    """The result alone (``--answer``), for copying and scripts: SymPy's syntax for text and
    rich, the LaTeX alone for latex, ``$…$`` for markdown, both in a JSON object for json."""
    from derivtutor.render.answer import forms
    from derivtutor.render.json import dumps

    sympy_form, latex_form = forms(result)
    point = getattr(result, "at", None)
    value = getattr(point, "value", None)
    if fmt == "json":
        found = {"answer": sympy_form, "latex": latex_form}
        return dumps(found if value is None else {**found, "value": float(value)})
    if value is not None:  # diff --at: the result asked for is the value there
        return f"{float(value)!r}\n"
    if fmt == "latex":
        return latex_form + "\n"
    if fmt == "markdown":
        return f"${latex_form}$\n"
    return sympy_form + "\n"


def show_config(settings: list[Setting], path: str, exists: bool, fmt: str) -> Any:
    """The settings in force, in ``fmt``."""
    from derivtutor.render.json import dumps
    from derivtutor.render.say.config import config_blocks, config_dict

    if fmt == "json":
        return dumps(config_dict(settings, path, exists))
    if fmt == "latex":
        raise UsageError("the settings have no LaTeX form; use --format markdown, text or json")
    from derivtutor.render.formats import printer

    return printer(fmt).print(config_blocks(settings, path, exists))


def show_bank(bank: Bank, fmt: str, *, ascii: bool = False) -> Any:
    """A bank's topics and levels in ``fmt``."""
    from derivtutor.render.json import bank_dict, dumps

    if fmt == "json":
        return dumps(bank_dict(bank))
    if fmt == "latex":
        raise UsageError("a bank listing has no LaTeX form; use --format markdown, text or json")
    from derivtutor.render.formats import printer
    from derivtutor.render.say.bank import bank_blocks

    return printer(fmt, ascii=ascii).print(bank_blocks(bank))


def show_validation(found: Validation, fmt: str, *, ascii: bool = False) -> Any:
    """What ``bank validate`` found, in ``fmt``. Loads no SymPy (a cached result prints
    without it)."""
    if fmt == "json":
        from derivtutor.render.json import dumps, validation_dict

        return dumps(validation_dict(found))
    from derivtutor.render.formats import printer
    from derivtutor.render.say.bank import validation_blocks

    return printer(fmt, ascii=ascii).print(validation_blocks(found))


def _json(result: Any, detail: str = "normal") -> str:
    import json

    data = result.to_dict()
    if is_a(result, "derivtutor.calculus.differentiation", "Differentiation"):
        # A derivation's JSON keeps every node whatever the detail; this says what was asked.
        data["detail"] = detail
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
