"""Work spread over the cores: a class's sheet marked row by row, a bank's problems verified.

``mapped(function, items)`` runs a function over items in worker processes (the standard
library's multiprocessing pool) and hands the results back in the items' order as soon as
each is ready. ``marked(rows)`` is that for a sheet: each row checked (practice.sheet) and
reported as its JSON row (render.json.sheet_row, the mistake's message included), so that the
workers send back small dicts, never SymPy trees.

Why processes: checking is pure-Python SymPy work, which threads cannot run in parallel. Each
worker keeps its own answer keys (grading.verdict derives each function once per process), and
each row has the caller's bound (the CLI's 5 s deadline) inside its worker; the memory cap of
the console script is inherited by every worker.

Why a window: items are taken only as fast as the workers finish them (at most WINDOW chunks
per worker in flight), so memory stays flat on a sheet of any length, and the first rows are
reported while the last are still being read.
"""

from __future__ import annotations

import os
import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import nullcontext
from functools import partial
from typing import Any, TypeVar

from derivtutor.errors import DerivtutorError
from derivtutor.practice.sheet import Bound, Row, RowError, check_row

CHUNK = 16  # items per task: fewer trips between processes, still a smooth progress bar
WINDOW = 4  # chunks in flight per worker

T = TypeVar("T")
R = TypeVar("R")


def cores() -> int:
    """The cores this process may run on (a container's share, not the machine's)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


def mapped(
    function: Callable[[T], R],
    items: Iterable[T],
    *,
    jobs: int | None = None,
    chunk: int = CHUNK,
) -> Iterator[R]:
    """function(item) for each item, in order, in ``jobs`` worker processes (default: one per
    core), ``chunk`` items per task. With one job it runs here: the results are the same.
    ``function`` must be picklable (a module's function, or a partial of one)."""
    jobs = cores() if jobs is None else jobs
    if jobs <= 1:
        yield from map(function, items)
        return
    import multiprocessing

    # fork where there is one: the workers start with SymPy and the grammar already loaded.
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    pending: deque[Any] = deque()
    with context.Pool(jobs, initializer=_quiet) as pool:
        for task in _chunks(items, chunk):
            pending.append(pool.apply_async(_each, (function, task)))
            while len(pending) >= jobs * WINDOW:
                yield from pending.popleft().get()
        while pending:
            yield from pending.popleft().get()


def _chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    chunk: list[T] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _quiet() -> None:
    """Ctrl-C is the parent's to handle (it stops the pool): no worker prints a traceback."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _each(function: Callable[[T], R], chunk: list[T]) -> list[R]:
    return [function(item) for item in chunk]


def marked(
    rows: Iterable[Row | RowError], *, jobs: int | None = None, bound: Bound = nullcontext
) -> Iterator[dict[str, Any]]:
    """Each row's report (render.json.sheet_row), in the sheet's order, each row within
    ``bound``; ``jobs`` as for mapped."""
    return mapped(partial(report, bound=bound), rows, jobs=jobs)


def report(row: Row | RowError, bound: Bound = nullcontext) -> dict[str, Any]:
    """One row checked and reported as its JSON row."""
    from derivtutor.render.json import sheet_row

    marked = check_row(row, bound)
    try:
        with bound():  # printing the report is part of the row's work
            return sheet_row(marked)
    except (MemoryError, RecursionError, DerivtutorError):
        return sheet_row(RowError(marked.line, "this row is too large to work with"))
