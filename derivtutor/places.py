"""Where derivtutor keeps the user's files: ``$DERIVTUTOR_HOME`` when it is set (tests always
set it), else the platform's own directories (platformdirs). The one place that knows them.

- config: the configuration file, config.toml;
- data: the progress store;
- history: the quiz's line-editing history, beside the store;
- cache: the parser's analysed grammar, and what bank validate found (validation_dir).
"""

from __future__ import annotations

import os
from pathlib import Path

APP = "derivtutor"
PROGRESS_FILE = "progress.sqlite3"
HISTORY_FILE = "answers.history"
GRAMMAR_FILE = "grammar.lark-cache"


def _home() -> Path | None:
    home = os.environ.get("DERIVTUTOR_HOME")
    return Path(home) if home else None


def data_dir() -> Path:
    """The directory of the progress store and the answer history."""
    home = _home()
    if home is not None:
        return home
    from platformdirs import user_data_path

    return user_data_path(APP)


def cache_dir() -> Path:
    """The directory for what can be rebuilt at any time."""
    home = _home()
    if home is not None:
        return home / "cache"
    from platformdirs import user_cache_path

    return user_cache_path(APP)


def config_dir() -> Path:
    """The directory of the configuration file (config.py)."""
    home = _home()
    if home is not None:
        return home
    from platformdirs import user_config_path

    return user_config_path(APP)


def progress_path() -> Path:
    return data_dir() / PROGRESS_FILE


def history_path() -> Path:
    return data_dir() / HISTORY_FILE


def grammar_cache() -> str | None:
    """Where the parser's analysed grammar is kept between runs, or None where that is unsafe.

    Lark's cache is a pickle, and a pickle someone else can write is code they can run: it is
    used only in a directory (and a file) that this user owns and nobody else can write.
    """
    directory = cache_dir()
    path = directory / GRAMMAR_FILE
    try:
        os.makedirs(directory, mode=0o700, exist_ok=True)
        for place in (directory, path):
            if place.exists() and not _private(place.stat()):
                return None
    except OSError:
        return None
    return str(path)


def validation_dir() -> Path | None:
    """Where bank validate keeps its verdicts, or None where that is unsafe: a cache someone
    else can write could call a broken bank valid, so only a private directory is used."""
    directory = cache_dir() / "validation"
    try:
        os.makedirs(directory, mode=0o700, exist_ok=True)
        if not (_private(directory.stat()) and _private(directory.parent.stat())):
            return None
    except OSError:
        return None
    return directory


def private_file(path: Path) -> bool:
    """A file of ours that nobody else could have written."""
    try:
        return _private(path.stat())
    except OSError:
        return False


def _private(status: os.stat_result) -> bool:
    """Owned by this user and writable by no one else."""
    owner_ok = not hasattr(os, "getuid") or status.st_uid == os.getuid()
    return owner_ok and not status.st_mode & 0o022
