"""Unicode prose -> ASCII, for terminals that cannot show Unicode (LANG=C).

Light on purpose (no SymPy): `derivtutor rules` uses it too.
"""

from __future__ import annotations

_WORDS = (("ⁿ⁻¹", "^(n-1)"), ("Σ_k", "sum_k"), ("√(", "sqrt("))
_CHARACTERS = str.maketrans(
    {
        "−": "-",
        "·": "*",
        "≠": "!=",
        "≤": "<=",
        "≥": ">=",
        "≈": "~",
        "—": "-",
        "²": "^2",
        "ˣ": "^x",
        "ⁿ": "^n",
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
    }
)


def ascii_prose(text: str) -> str:
    """text with each Unicode symbol spelled in ASCII: σ(x)·(1 − σ(x)) -> sigmoid(x)*(1 - ...)."""
    for unicode, plain in _WORDS:
        text = text.replace(unicode, plain)
    return text.translate(_CHARACTERS)
