"""The one entry from a result to its output: ``show(result, fmt)`` picks the renderer for the
kind of result, so that neither the CLI nor the core ever switches on a result's type or format.
"""

from __future__ import annotations

from typing import Any

from derivtutor.errors import UsageError
from derivtutor.render.kinds import is_a


def show(result: Any, fmt: str, *, ascii: bool = False, steps: bool = False) -> Any:
    """``result`` in ``fmt``: a string, or a Rich renderable for rich. ``steps`` adds the
    derivations where a result has them to show (a Jacobian's entries, a checked answer)."""
    if is_a(result, "derivtutor.calculus.differentiation", "Differentiation"):
        from derivtutor.render.derivation import render_differentiation

        return render_differentiation(result, fmt, ascii=ascii)
    if fmt == "json":
        return _json(result)
    from derivtutor.render.formats import printer

    print_ = printer(fmt, ascii=ascii).print
    if is_a(result, "derivtutor.grading.verdict", "Verdict"):
        from derivtutor.render.say import verdict

        return print_(verdict.verdict_blocks(result, steps=steps))
    if is_a(result, "derivtutor.grading.verdict", "GradientVerdict"):
        from derivtutor.render.say import verdict

        return print_(verdict.gradient_verdict_blocks(result))
    if is_a(result, "derivtutor.practice.sheet", "Sheet"):
        from derivtutor.render.say import verdict

        if fmt == "latex":
            raise UsageError("a sheet has no LaTeX form; use --format markdown, text or json")
        return print_(verdict.sheet_blocks(result))
    if is_a(result, "derivtutor.ml.descent", "Descent"):
        from derivtutor.render.descent import render_descent

        return render_descent(result, fmt, ascii=ascii)
    if is_a(result, "derivtutor.ml.backprop", "Backprop"):
        from derivtutor.render.backprop import render_backprop

        return render_backprop(result, fmt, ascii=ascii)
    # A gradient, Jacobian, Hessian, softmax Jacobian or implicit derivative.
    from derivtutor.render.say import several

    return print_(several.blocks(result, steps=steps))


def _json(result: Any) -> str:
    import json

    return json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n"
