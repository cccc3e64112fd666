"""What ``derivtutor config`` says: each setting in force, its value and where it came from,
then where the file is and how to write one."""

from __future__ import annotations

from typing import Any

from derivtutor.config import EXAMPLE, Setting
from derivtutor.render.blocks import Block, Cell, Gap, Line, Table

# What a setting left at its default means, in words.
_DEFAULT_MEANS = {
    "format": "rich on a terminal, text when piped",
    "domain": "-2:2, or a bank problem's own",
    "pager": "$PAGER, else less, for output taller than the terminal",
}


def shown(setting: Setting) -> str:
    """A setting's value as a person reads it."""
    if setting.value is None or (setting.name == "pager" and setting.value is True):
        return _DEFAULT_MEANS[setting.name]
    if setting.value is False:
        return "off"
    return str(setting.value)


def config_blocks(settings: list[Setting], path: str, exists: bool) -> list[Block]:
    # The file by its name: its whole path is said once, below.
    rows: list[list[Cell]] = [
        [s.name, shown(s), "config.toml" if s.source == path else s.source] for s in settings
    ]
    state = "" if exists else " (not there yet: every setting is at its default)"
    return [
        Table(["setting", "value", "from"], rows, title="Settings"),
        Gap(),
        Line([f"Configuration file: {path}{state}"]),
        Line([f"Each line sets one, e.g. {EXAMPLE}; a command-line option wins over the file."]),
    ]


def config_dict(settings: list[Setting], path: str, exists: bool) -> dict[str, Any]:
    return {
        "file": path,
        "exists": exists,
        "settings": {s.name: {"value": s.value, "from": s.source} for s in settings},
    }
