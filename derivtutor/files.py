"""Reading a file the user named: only a regular file, and never more than a limit.

A sheet or an export that is a symlink to /dev/zero would be read until memory ran out, and a
FIFO would block for ever. So the file is opened without blocking, checked with fstat (on the
open descriptor, so it cannot be swapped between the check and the read), and read at most to
its limit and one byte more, which is how a file over the limit is seen.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import TextIO


class UnreadableFile(Exception):
    """The file cannot be read as asked: its ``reason`` is a sentence fragment for a message."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def open_regular(path: str | Path) -> TextIO:
    """The regular file at ``path`` opened as UTF-8 text, to be read as a stream (a sheet
    bounds its rows, not its bytes); UnreadableFile if it is not a regular file. Undecodable
    bytes show as U+FFFD, and a row that holds one is reported like any other bad row."""
    fd = _regular(path)
    return open(fd, encoding="utf-8", errors="replace", newline="")


def _regular(path: str | Path) -> int:
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as err:
        raise UnreadableFile(f"cannot read {path}: {err.strerror or err}") from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise UnreadableFile(f"{path} is not a regular file (a device, pipe or directory)")
    return fd


def read_bounded(path: str | Path, limit: int) -> bytes:
    """The bytes of the regular file at ``path``; UnreadableFile if it is not a regular file,
    cannot be opened, or holds more than ``limit`` bytes."""
    fd = _regular(path)
    with open(fd, "rb") as file:
        try:
            data = file.read(limit + 1)
        except OSError as err:
            raise UnreadableFile(f"cannot read {path}: {err.strerror or err}") from None
    if len(data) > limit:
        raise UnreadableFile(f"{path} is larger than {limit:,} bytes")
    return data
