"""derivtutor's check beside the MITx FormulaGrader (../shared/peers), on the same cases, in one
run: the textbook derivatives of textbook/derivatives.yaml with the books' answers (right), and
near misses made from each book answer by the slips students make (wrong).

The near misses are made here, from the book's answer alone, never from derivtutor's own
mistake catalogue (that would favour derivtutor): one term's sign flipped, a coefficient off by
one, a factor or a term dropped, sin for cos (and the like), an exponent off by one. Each is
confirmed wrong at 50 digits at a dozen points before it is used; one that happens to equal the
answer is dropped.

Its syntax: ^ for powers (it refuses **), ln, arcsin and abs, and explicit *.

The peer needs numpy, scipy and pyparsing. They are installed into a virtual environment of
the benchmark's own (in the user cache directory), never into derivtutor's dependencies.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import venv
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
PEERS = HERE.parent.parent / "shared" / "peers"
PEER_NEEDS = ("numpy>=1.24", "scipy>=1.10", "pyparsing>=3")


@dataclass(frozen=True)
class Case:
    function: str
    variable: str
    answer: str  # derivtutor's syntax
    right: bool  # the truth: the book's answer, or a confirmed near miss
    peer_expected: str  # the book's answer in the peer's syntax
    peer_answer: str
    peer_variables: tuple[str, ...]


def _peer_syntax(expr: Any) -> str:
    """SymPy's printed form, renamed into the MITx grader's function names."""
    import re

    text = str(expr)
    for ours, theirs in (
        ("asinh", "arcsinh"), ("acosh", "arccosh"), ("atanh", "arctanh"),
        ("asin", "arcsin"), ("acos", "arccos"), ("atan", "arctan"),
        ("acot", "arccot"), ("asec", "arcsec"), ("acsc", "arccsc"),
        ("Abs", "abs"), ("log", "ln"),
    ):  # fmt: skip
        text = re.sub(rf"\b{ours}\(", f"{theirs}(", text)
    return re.sub(r"\bE\b", "e", text).replace("**", "^")  # its parser takes ^ only


def _near_misses(answer: Any, variable: Any) -> list[Any]:
    """The slips a student makes, applied to the book's answer."""
    import sympy as sp

    misses = []
    terms = sp.Add.make_args(answer)
    if len(terms) > 1:
        misses.append(answer - 2 * terms[-1])  # one term's sign flipped
        misses.append(answer - terms[0])  # a term dropped
    else:
        misses.append(-answer)
    coefficient, rest = answer.as_coeff_Mul()
    if coefficient not in (0, 1, -1):
        misses.append((coefficient + (1 if coefficient > 0 else -1)) * rest)  # off by one
    else:
        misses.append(2 * answer)
    factors = [f for f in sp.Mul.make_args(rest) if f.has(variable)]
    if len(factors) > 1:
        misses.append(answer / factors[-1])  # a factor dropped (the chain rule's, often)
    swaps = {sp.sin: sp.cos, sp.cos: sp.sin, sp.tan: sp.sec, sp.sec: sp.tan, sp.exp: sp.exp}
    for old, new in swaps.items():
        calls = sorted(answer.atoms(old), key=sp.default_sort_key)
        if calls and old is not sp.exp:
            misses.append(answer.xreplace({calls[0]: new(*calls[0].args)}))
            break
    powers = sorted(
        (p for p in answer.atoms(sp.Pow) if p.exp.is_Number and p.base.has(variable)),
        key=sp.default_sort_key,
    )
    if powers:
        p = powers[0]
        misses.append(answer.xreplace({p: p.base ** (p.exp + 1)}))  # exponent off by one
    return misses


def _differs(a: Any, b: Any, symbols: list[Any], seed: int) -> bool:
    """a and b differ at 50 digits at some point where both are real (the truth)."""
    import mpmath
    import sympy as sp

    if a.has(sp.zoo, sp.nan, sp.oo):
        return False
    f = sp.lambdify(symbols, a - b, modules="mpmath")
    scale = sp.lambdify(symbols, a, modules="mpmath")
    rng = random.Random(seed)
    seen = 0
    with mpmath.workdps(50):
        for _ in range(200):
            point = [mpmath.mpf(rng.uniform(0.2, 2.5)) for _ in symbols]
            try:
                difference, size = f(*point), scale(*point)
            except (ValueError, ZeroDivisionError, TypeError, OverflowError):
                continue
            if isinstance(difference, mpmath.mpc) and abs(difference.imag) > 1e-30:
                continue
            seen += 1
            if abs(mpmath.re(difference)) > mpmath.mpf(10) ** -20 * max(1, abs(size)):
                return True
            if seen >= 12:
                return False
    return False


def cases() -> list[Case]:
    """Every textbook item's right answer, each followed by its confirmed near misses."""
    import yaml

    from derivtutor.language.notation import Notation
    from derivtutor.language.parse import parse, variable

    plain = Notation(ascii=True)  # what the parser reads back, as a student types it
    items = yaml.safe_load((HERE / "textbook" / "derivatives.yaml").read_text())["items"]
    out = []
    for number, item in enumerate(items):
        function = parse(item["function"])
        book = parse(item["answer"]).doit()
        wrt = variable(item["variable"])
        symbols = sorted(function.free_symbols | book.free_symbols | {wrt}, key=str)
        names = tuple(str(s) for s in symbols)
        expected = _peer_syntax(book)
        right = Case(
            item["function"], item["variable"], item["answer"], True, expected, expected, names
        )
        out.append(right)
        for miss in _near_misses(book, wrt):
            if _differs(miss, book, symbols, seed=number):
                out.append(
                    Case(
                        item["function"],
                        item["variable"],
                        plain.show(miss),
                        False,
                        expected,
                        _peer_syntax(miss),
                        names,
                    )
                )
    return out


def _peer_python() -> Path:
    """A Python with the peer's needs, in a venv of the benchmark's own (made once)."""
    from platformdirs import user_cache_dir

    home = Path(user_cache_dir("derivtutor")) / "benchmark-peer-venv"
    python = home / "bin" / "python"
    probe = [str(python), "-c", "import numpy, scipy, pyparsing"]
    if python.exists() and subprocess.run(probe, capture_output=True).returncode == 0:
        return python
    venv.create(home, with_pip=True, clear=True)
    installed = subprocess.run(
        [str(python), "-m", "pip", "install", "-q", *PEER_NEEDS], capture_output=True, text=True
    )
    if installed.returncode:
        raise SystemExit(f"could not install the peer's needs:\n{installed.stderr}")
    return python


def _percentile(times: list[float], share: float) -> float:
    ordered = sorted(times)
    return ordered[int(share * (len(ordered) - 1))]


def derivtutor_times(
    all_cases: list[Case], *, diagnose: bool, prepared: bool = True
) -> tuple[list[bool], list[float]]:
    """Each case checked once, in order, in a process whose imports are warm. ``prepared``:
    each function is derived (its answer key made) before its answers are timed, as the peer's
    grader is built from the expected answer before its time starts; else the first answer to
    a function pays for its derivation."""
    from derivtutor.errors import DerivtutorError
    from derivtutor.grading import verdict
    from derivtutor.grading.verdict import check

    verdict.derived.cache_clear()
    verdict._answer_key.cache_clear()
    check("x^3 + 1", "3 x^2")  # warm the imports (a function of no case)
    verdicts, times = [], []
    for case in all_cases:
        if prepared:
            verdict.prepare(case.function, wrt=case.variable)
        start = time.perf_counter()
        try:
            ok = check(case.function, case.answer, wrt=case.variable, diagnose=diagnose).correct
        except DerivtutorError:
            ok = False
        times.append(time.perf_counter() - start)
        verdicts.append(ok)
    return verdicts, times


def peer_times(all_cases: list[Case]) -> tuple[list[bool], list[float]]:
    python = _peer_python()
    rows = [
        {"expected": c.peer_expected, "answer": c.peer_answer, "variables": list(c.peer_variables)}
        for c in all_cases
    ]
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(rows, handle)
    try:
        printed = subprocess.run(
            [str(python), str(PEERS / "mitx_check.py"), handle.name],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    finally:
        os.unlink(handle.name)
    result = json.loads(printed)
    return [bool(v) for v in result["verdicts"]], [ms / 1000 for ms in result["ms"]]


def _accuracy(all_cases: list[Case], verdicts: list[bool]) -> tuple[int, int]:
    accepted = sum(v for c, v in zip(all_cases, verdicts, strict=True) if c.right)
    rejected = sum(not v for c, v in zip(all_cases, verdicts, strict=True) if not c.right)
    return accepted, rejected


def compare() -> list[tuple[str, str, str]]:
    """Rows for benchmarks/run.py: both graders' medians, p99s and accuracy, and the ratios."""
    if not (PEERS / "mitx_check.py").exists():
        return [("peers", f"skipped: {PEERS} is not there", "")]
    all_cases = cases()
    right = sum(c.right for c in all_cases)
    theirs, their_times = peer_times(all_cases)
    ours, our_times = derivtutor_times(all_cases, diagnose=False)
    _, diagnosed_times = derivtutor_times(all_cases, diagnose=True)
    _, cold_times = derivtutor_times(all_cases, diagnose=True, prepared=False)
    their_median, their_p99 = statistics.median(their_times), _percentile(their_times, 0.99)
    median, p99 = statistics.median(our_times), _percentile(our_times, 0.99)
    diagnosed = statistics.median(diagnosed_times)
    a, r = _accuracy(all_cases, ours)
    pa, pr = _accuracy(all_cases, theirs)
    wrong = len(all_cases) - right
    ms = 1000
    return [
        ("peers: cases (right + near misses)", f"{right} + {wrong}", "textbook set"),
        (
            "peers: MITx FormulaGrader",
            f"median {their_median * ms:.1f} ms, p99 {their_p99 * ms:.1f} ms",
            f"accepts {pa}/{right}, rejects {pr}/{wrong}",
        ),
        (
            "peers: derivtutor check, verdict",
            f"median {median * ms:.1f} ms, p99 {p99 * ms:.1f} ms",
            f"accepts {a}/{right}, rejects {r}/{wrong}",
        ),
        (
            "peers: verdict / MITx",
            f"median {median / their_median:.2f}x, p99 {p99 / their_p99:.2f}x",
            _verdict(median <= their_median and p99 <= their_p99, "both <= 1"),
        ),
        (
            "peers: with diagnosis / MITx median",
            f"{diagnosed * ms:.1f} ms = {diagnosed / their_median:.2f}x",
            _verdict(diagnosed <= 2 * their_median, "<= 2x"),
        ),
        (
            "peers: derivtutor, each function derived in its first check",
            f"median {statistics.median(cold_times) * ms:.1f} ms, "
            f"p99 {_percentile(cold_times, 0.99) * ms:.1f} ms",
            "diagnosis included; for information",
        ),
        (
            "peers: accuracy",
            f"derivtutor {a + r}/{len(all_cases)}, MITx {pa + pr}/{len(all_cases)}",
            _verdict(a + r >= pa + pr and a == right, "never below the peer, every right one"),
        ),
    ]


def _verdict(ok: bool, budget: str) -> str:
    return f"ok ({budget})" if ok else f"OVER BUDGET ({budget})"


if __name__ == "__main__":
    for name, value, verdict in compare():
        print(f"  {name:<40}  {value:<40}  {verdict}")
    sys.exit(0)
