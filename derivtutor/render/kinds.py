"""Which kind of result this is, without importing every kind to ask.

A result's class is loaded whenever the result exists, so a class whose module has not been
imported cannot be the result's: the dispatchers (show, json) ask only the loaded ones, and
``derivtutor diff`` never loads grading, learning or practice just to be shown.
"""

from __future__ import annotations

import sys


def is_a(result: object, module: str, name: str) -> bool:
    """isinstance(result, module.name), False while that module is not loaded."""
    loaded = sys.modules.get(module)
    kind = getattr(loaded, name, None) if loaded is not None else None
    return isinstance(kind, type) and isinstance(result, kind)
