"""bank validate: a bank's result read from the cache (practice.validated) when its files have
not changed, else the bank loaded and checked, only its new or changed problems against the
engine, on every core the caller gives (``run``), and the result kept for next time."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Any

from derivtutor.practice.validated import (
    Bound,
    Run,
    Store,
    Validation,
    bank_error,
    bank_files,
    error_fields,
    fingerprint,
)

if TYPE_CHECKING:
    from derivtutor.practice.bank import Bank


def validation(
    path: str | Path | None = None,
    *,
    bound: Bound = nullcontext,
    run: Run | None = None,
    prepare: Callable[[], None] = lambda: None,
    cached: bool = True,
) -> Validation:
    """Validate the bank at ``path`` (default: the bundled one), or read what an earlier run
    found for the very same files. ``run`` maps the check of one problem over the problems
    (the CLI passes one that uses every core); ``bound`` holds each problem to a deadline;
    ``prepare`` is called before the bank is loaded, only when it must be (the CLI starts the
    engine there)."""
    root, files = bank_files(path)
    store = Store.open() if cached else None
    key = fingerprint(files)
    if store is not None and key is not None:
        found = store.bank(key)
        if found is not None:
            return found
    from derivtutor.practice.bank import load_and_verify, validate

    prepare()
    known = store.problems() if store is not None else {}
    bank, known = load_and_verify(path, bound, run=run, known=known)
    errors = validate(bank, bound=bound, known=known)  # every verdict is known by now
    result = Validation(bank.root, len(bank.problems), len(bank.titles), errors)
    if store is not None:
        store.save_problems(known)
        if key is not None:
            store.save_bank(key, result)
    return result


def loaded_bank(path: str | Path | None = None) -> Bank:
    """load_bank(path), or the bank as it was read from these very files before: the quiz's
    start-up need not parse every problem of a bank that has not changed."""
    from derivtutor.practice.bank import load_bank

    _, files = bank_files(path)
    store = Store.open()
    key = fingerprint(files)
    if store is None or key is None:
        return load_bank(path)
    found = _bank_from(store.loaded(key))
    if found is None:
        found = load_bank(path)
        store.save_loaded(key, _bank_data(found))
    return found


def _bank_data(bank: Bank) -> dict[str, Any]:
    return {
        "root": bank.root,
        "titles": bank.titles,
        "problems": [dataclasses.asdict(p) for p in bank.problems],
        "errors": [error_fields(e) for e in bank.errors],
    }


def _bank_from(data: Any) -> Bank | None:
    """The Bank again, its lists back as the tuples load_bank makes; None if the data is not
    a bank's (not ours, or damaged: the bank is loaded again)."""
    from derivtutor.practice.bank import Bank
    from derivtutor.practice.problem import Problem

    try:
        problems = tuple(Problem(**_problem_fields(p)) for p in data["problems"])
        errors = tuple(bank_error(e) for e in data["errors"])
        titles = {str(k): str(v) for k, v in data["titles"].items()}
        return Bank(str(data["root"]), titles, problems, errors)
    except (KeyError, TypeError, ValueError, AttributeError):
        return None


_TUPLES = ("variables", "answer", "domain", "hints", "tags")


def _problem_fields(data: dict[str, Any]) -> dict[str, Any]:
    """A Problem's fields from JSON: its lists back as tuples, as load_bank makes them."""
    fields = {k: tuple(v) if k in _TUPLES and isinstance(v, list) else v for k, v in data.items()}
    # shapes are pairs, (name, shape), each a list in JSON.
    fields["shapes"] = tuple(tuple(pair) for pair in data.get("shapes", ()))
    fields["symmetric"] = tuple(data.get("symmetric", ()))
    return fields
