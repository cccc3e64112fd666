"""A bank's topic and problem ids at a glance, for shell completion: each file's text scanned
for its ``topic:`` and ``id:`` lines, without YAML, pydantic or SymPy, so that a completion
comes back before the shell gives up on it. (Loading, with every check, is bank.py's.)"""

from __future__ import annotations

import re
from pathlib import Path

from derivtutor.errors import UsageError
from derivtutor.practice.validated import bank_files

_TOPIC = re.compile(r"^topic:\s*[\"']?([\w.-]+)", re.M)
_ID = re.compile(r"^\s*-?\s*id:\s*[\"']?([\w.-]+)", re.M)


def _texts(bank: str | None) -> list[str]:
    try:
        _, files = bank_files(bank)
    except UsageError:
        return []
    texts = []
    for file in files:
        try:
            texts.append(Path(file).read_text(encoding="utf-8", errors="replace"))
        except OSError:
            continue
    return texts


def topics(bank: str | None = None) -> list[str]:
    """The topics of ``bank`` (the bundled one by default), in file order."""
    return [m.group(1) for text in _texts(bank) for m in _TOPIC.finditer(text)]


def problem_ids(bank: str | None = None) -> list[str]:
    """Every problem id of ``bank``, in file order."""
    return [m.group(1) for text in _texts(bank) for m in _ID.finditer(text)]
