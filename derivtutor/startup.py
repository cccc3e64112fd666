"""The console script's start-up, trimmed of one import SymPy makes that derivtutor never needs.

SymPy's ``Add.flatten`` runs ``from sympy.tensor.tensor import TensExpr, TensAdd`` on its first
call, to test each term of a sum against the tensor classes. That import builds the polyhedra
of ``sympy.combinatorics`` on the way: about 60 ms of a `derivtutor diff` that takes 0.6 s, and
derivtutor has no tensors.

``defer_tensors()`` puts a stand-in for that module in ``sys.modules``. Its ``TensExpr`` and
``TensAdd`` are classes no object is an instance of, which is exactly true while the real
module has not been loaded (no tensor can exist before its classes do). Anything else asked of
the stand-in loads the real module in its place, and from then on the stand-in's two classes
answer for the real ones (isinstance and construction both), so code that does use tensors
cannot tell. Only the console script calls this; ``import derivtutor`` changes nothing.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import Any

TENSORS = "sympy.tensor.tensor"
_ASKED_BY_ADD = ("TensExpr", "TensAdd")


def defer_tensors() -> None:
    """Stand in for sympy.tensor.tensor until something other than Add.flatten asks for it."""
    if TENSORS not in sys.modules:
        sys.modules[TENSORS] = _DeferredTensors(TENSORS)


def _real() -> types.ModuleType:
    """The real sympy.tensor.tensor, loaded in the stand-in's place on first need."""
    module = sys.modules.get(TENSORS)
    if module is None or isinstance(module, _DeferredTensors):
        sys.modules.pop(TENSORS, None)
        module = importlib.import_module(TENSORS)
    return module


def _loaded() -> types.ModuleType | None:
    module = sys.modules.get(TENSORS)
    return None if module is None or isinstance(module, _DeferredTensors) else module


class _StandIn(type):
    """TensExpr or TensAdd before the real module is loaded: nothing is an instance of it.
    After, it defers to the real class of its name."""

    def __instancecheck__(cls, obj: Any) -> bool:
        real = _loaded()
        return real is not None and isinstance(obj, getattr(real, cls.__name__))

    def __subclasscheck__(cls, sub: Any) -> bool:
        real = _loaded()
        return real is not None and issubclass(sub, getattr(real, cls.__name__))

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        return getattr(_real(), cls.__name__)(*args, **kwargs)


_STAND_INS = {name: _StandIn(name, (), {}) for name in _ASKED_BY_ADD}


class _DeferredTensors(types.ModuleType):
    def __getattr__(self, name: str) -> Any:
        if name in _STAND_INS:
            return _STAND_INS[name]
        if name.startswith("__"):  # the import system's own questions (__path__, __spec__)
            raise AttributeError(name)
        return getattr(_real(), name)
