"""The configuration file, ``config.toml``: the defaults a user sets once.

It lives at platformdirs' user config path (``$DERIVTUTOR_HOME/config.toml`` where that is
set) and holds at most these settings, each with where its value came from:

    format = "text"        # rich, text, latex, markdown or json
    detail = "brief"       # brief, normal or full
    domain = "-3:3"        # where check samples its points
    color = "never"        # auto, always or never (NO_COLOR, when set, is never)
    pager = "less -R"      # true, false, or the command to page with (else $PAGER, else less)

A command-line option wins over the file, and the file over the defaults. Read with tomllib
(tomli before Python 3.11); light on purpose, since every command reads it.
"""

from __future__ import annotations

import difflib
import os
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from derivtutor import places
from derivtutor.errors import UsageError

FILE = "config.toml"
CHOICES: dict[str, tuple[str, ...]] = {
    "format": ("rich", "text", "latex", "markdown", "json"),
    "detail": ("brief", "normal", "full"),
    "color": ("auto", "always", "never"),
}
DEFAULTS: dict[str, Any] = {
    "format": None,  # rich on a terminal, text when piped
    "detail": "normal",
    "domain": None,  # -2:2, or the bank's
    "color": "auto",
    "pager": True,
}
EXAMPLE = 'format = "text"'


@dataclass(frozen=True)
class Setting:
    name: str
    value: Any
    source: str  # "default", the file's path, or "environment (NO_COLOR)"


def path() -> Path:
    """Where the configuration file is (whether or not it exists)."""
    return places.config_dir() / FILE


def settings() -> dict[str, Setting]:
    """Every setting in force, with its source: the defaults, the file over them, and NO_COLOR
    over the file's colour. Raises UsageError for a file that cannot be read or holds a
    setting that is not one."""
    where = path()
    try:
        version: int | None = where.stat().st_mtime_ns
    except OSError:
        version = None
    return dict(_settings(where, version, bool(os.environ.get("NO_COLOR"))))


@lru_cache(maxsize=4)
def _settings(where: Path, version: int | None, no_color: bool) -> dict[str, Setting]:
    """Read once per file version: every command asks several times."""
    found = {name: Setting(name, value, "default") for name, value in DEFAULTS.items()}
    if version is not None:
        for name, value in _read(where).items():
            found[name] = Setting(name, value, str(where))
    if no_color:
        found["color"] = Setting("color", "never", "environment (NO_COLOR)")
    return found


def value(name: str) -> Any:
    return settings()[name].value


def _read(where: Path) -> dict[str, Any]:
    try:
        text = where.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as err:
        raise UsageError(f"cannot read the configuration file {where}: {err}") from None
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise UsageError(f"{where} is not valid TOML: {err}. For example: {EXAMPLE}") from None
    except RecursionError:  # [[[[…]]]] nested past what the parser can follow
        raise UsageError(f"{where} nests too deeply to read. For example: {EXAMPLE}") from None
    return {name: _checked(where, name, given) for name, given in data.items()}


def _checked(where: Path, name: str, given: Any) -> Any:
    """A setting's value, or UsageError naming the file, the setting and what it may be."""
    if name not in DEFAULTS:
        near = difflib.get_close_matches(name, list(DEFAULTS), n=1)
        hint = f" Did you mean {near[0]}?" if near else f" The settings: {', '.join(DEFAULTS)}."
        raise UsageError(f"{where}: there is no setting {name!r}.{hint}")
    if name in CHOICES:
        if given not in CHOICES[name]:
            wanted = ", ".join(CHOICES[name])
            raise UsageError(f"{where}: {name} is one of {wanted}, not {given!r}")
        return given
    if name == "domain":
        low, _, high = given.partition(":") if isinstance(given, str) else ("", "", "")
        try:
            ordered = float(low) < float(high)
        except ValueError:
            ordered = False
        if not ordered:
            raise UsageError(
                f'{where}: domain is written as "a:b" with a < b, e.g. domain = "-3:3", '
                f"not {given!r}"
            )
        return given
    if isinstance(given, bool) or (isinstance(given, str) and given.strip()):
        return given  # pager: on, off, or the command
    raise UsageError(f'{where}: pager is true, false or a command, e.g. pager = "less -R"')
