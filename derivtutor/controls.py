"""Control characters from input, made visible before anything is echoed.

A terminal obeys what it is sent: ESC ] 52 sets the clipboard, ESC ] 0 the window title,
ESC [ 2 J clears the screen. derivtutor echoes input (an expression under an error caret, a
quiz answer, a sheet's ids, a bank's text, an export's topics), so every C0 and C1 control
character except newline and tab is written as a visible escape, \\x1b, before it can reach a
terminal. derivtutor's own colours are added by Rich when it prints, never carried in text.
"""

from __future__ import annotations

import re

# C0 (except tab and newline), DEL, and C1: the bytes that start or carry escape sequences.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def has_controls(text: str) -> bool:
    return _CONTROL.search(text) is not None


def visible(text: str) -> str:
    """``text`` with each control character written as \\xNN: seen, and never obeyed."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
