"""Shared test settings: no colour, no real user directories, Hypothesis without deadlines."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

# Speed is measured in benchmarks/, never asserted here: a deadline would make tests flaky.
settings.register_profile("derivtutor", deadline=None, max_examples=200)
settings.load_profile("derivtutor")


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    monkeypatch.setenv("DERIVTUTOR_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.delenv("COLUMNS", raising=False)  # text is folded only where asked
    yield
