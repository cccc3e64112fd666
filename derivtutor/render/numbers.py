"""A float as a table shows it: 6 significant digits, a true minus sign, ∞, or "undefined"."""

from __future__ import annotations

import math


def number(value: float | None) -> str:
    if value is None:
        return "undefined"
    if not math.isfinite(value):
        return "∞" if value > 0 else "−∞"
    if value == 0:
        return "0"
    return format(value, ".6g").replace("-", "−")
