"""The console script defers SymPy's tensor module (startup.py): sums still work, and code that
does use tensors gets the real module and classes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest


def _run(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_a_derivation_under_the_console_script_never_loads_the_tensor_module() -> None:
    # main() ends the process itself (exit_now), running atexit handlers first: the probe is one.
    out = _run(
        "import atexit, sys\n"
        "atexit.register(lambda: print('combinatorics', 'sympy.combinatorics' in sys.modules))\n"
        "from derivtutor.cli import main\n"
        "sys.argv = ['derivtutor', 'diff', '1/(1+exp(-x))']\n"
        "main()\n"
    )
    assert "σ(x)·(1 − σ(x))" in out
    assert out.splitlines()[-1] == "combinatorics False"


@pytest.mark.parametrize(
    "use",
    [
        "from sympy.tensor.tensor import TensorIndexType, TensorHead, tensor_indices, TensAdd",
        "import sympy.tensor.tensor as T; TensorIndexType, TensorHead, tensor_indices, TensAdd = "
        "T.TensorIndexType, T.TensorHead, T.tensor_indices, T.TensAdd",
    ],
)
def test_code_that_uses_tensors_after_the_deferral_gets_the_real_module(use: str) -> None:
    out = _run(
        "from derivtutor.startup import defer_tensors\n"
        "defer_tensors()\n"
        "import sympy as sp\n"
        "x = sp.Symbol('x')\n"
        "assert sp.Add(x, 1, x) == 2*x + 1  # a sum, before any tensor exists\n"
        f"{use}\n"
        "L = TensorIndexType('L')\n"
        "i = tensor_indices('i', L)\n"
        "A, B = TensorHead('A', [L]), TensorHead('B', [L])\n"
        "total = A(i) + B(i)\n"
        "from sympy.tensor.tensor import TensExpr\n"
        "print(type(total).__name__, isinstance(total, TensAdd), isinstance(A(i), TensExpr))\n"
    )
    assert out == "TensAdd True True"


def test_the_stand_in_classes_answer_for_the_real_ones_once_it_is_loaded() -> None:
    out = _run(
        "from derivtutor.startup import defer_tensors\n"
        "defer_tensors()\n"
        "import sympy as sp\n"
        "from sympy.tensor.tensor import TensExpr as early  # the stand-in, as Add sees it\n"
        "print(isinstance(sp.Symbol('x'), early))\n"
        "from sympy.tensor.tensor import TensorIndexType, TensorHead, tensor_indices\n"
        "L = TensorIndexType('L'); i = tensor_indices('i', L)\n"
        "print(isinstance(TensorHead('A', [L])(i), early))\n"
    )
    assert out.split() == ["False", "True"]


def _console(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    script = Path(sys.executable).with_name("derivtutor")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "derivtutor"]
    return subprocess.run(
        [*command, *args], input=stdin, capture_output=True, text=True, check=False
    )


@pytest.mark.parametrize(
    ("args", "code", "stream", "text"),
    [
        (("check", "x^2", "3x"), 1, "stdout", "constant_factor"),
        (("check", "x^2", "2x"), 0, "stdout", "Verdict:  correct"),
        (("diff", "x^("), 2, "stderr", "is never closed"),
        (("nonsense-command",), 2, "stderr", "No such command"),
    ],
)
def test_the_console_script_ends_with_its_code_and_all_its_output(
    args: tuple[str, ...], code: int, stream: str, text: str
) -> None:
    # It exits without tearing the interpreter down (terminal.exit_now): the output must still
    # all be flushed, and the exit code be the command's.
    done = _console(*args)
    assert done.returncode == code, done.stderr
    assert text in getattr(done, stream)


def test_a_long_output_is_flushed_whole_before_the_fast_exit() -> None:
    from typer.testing import CliRunner

    from derivtutor.cli import app

    done = _console("rules", "--format", "json")
    assert done.returncode == 0
    assert done.stdout == CliRunner().invoke(app, ["rules", "--format", "json"]).stdout
