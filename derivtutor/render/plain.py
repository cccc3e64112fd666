"""Unicode prose -> ASCII, for terminals that cannot show Unicode (LANG=C).

Light on purpose (no SymPy): `derivtutor rules` uses it too.
"""

from __future__ import annotations

import re

_WORDS = (
    ("ⁿ⁻¹", "^(n-1)"),
    ("Σ_k", "sum_k"),
    ("√(", "sqrt("),
    ("√", "sqrt "),
    ("⋯", "..."),
    ("⁻ᵀ", "^-T"),
    ("ₓ", "_x"),
)
_CHARACTERS = str.maketrans(
    {
        "−": "-",
        "·": "*",
        "≠": "!=",
        "≤": "<=",
        "≥": ">=",
        "≈": "~",
        "—": "-",
        "ᵀ": "^T",
        "σ": "sigmoid",
        "δ": "delta",
        "∂": "d",
        "θ": "theta",
        "ᵢ": "_i",
        "ⱼ": "_j",
        "ₖ": "_k",
        "Σ": "sum",
        "‖": "|",
        "η": "eta",
        "∇": "grad ",
        "←": "<-",
        "→": "->",
        "…": "...",
        "∞": "inf",
        "✓": "OK",
        "✗": "X",
        "×": "x",
        "′": "'",
        "⊙": "(*)",
        "─": "-",
        "∘": "o",
    }
)


_SUPERSCRIPTS = dict(zip("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁽⁾ⁿˣᵘ", "0123456789-()nxu", strict=True))
_SUBSCRIPTS = dict(zip("₀₁₂₃₄₅₆₇₈₉", "0123456789", strict=True))
_RUN = re.compile(f"[{''.join(_SUPERSCRIPTS)}]+")


def _raised(match: re.Match[str]) -> str:
    """x⁵ -> x^5, e⁻ˣ -> e^(-x), sin⁽⁷⁴⁾ -> sin^(74)."""
    run = "".join(_SUPERSCRIPTS[c] for c in match.group())
    if run.startswith("(") and run.endswith(")"):
        return "^" + run
    return "^" + run if len(run) == 1 else f"^({run})"


def ascii_prose(text: str) -> str:
    """text with each Unicode symbol spelled in ASCII: σ(x)·(1 − σ(x)) -> sigmoid(x)*(1 - ...)."""
    for unicode, plain in _WORDS:
        text = text.replace(unicode, plain)
    text = _RUN.sub(_raised, text)
    text = "".join(_SUBSCRIPTS.get(c, c) for c in text)
    return text.translate(_CHARACTERS)
