"""The errors derivtutor raises on purpose. Anything else reaching the CLI is a bug (exit 3)."""

from __future__ import annotations


class DerivtutorError(Exception):
    """Base class: a problem the user can act on, reported without a traceback."""


class InputError(DerivtutorError):
    """Text the user typed cannot be read. Carries the 1-based column and a suggested fix."""

    def __init__(
        self,
        message: str,
        *,
        text: str = "",
        column: int | None = None,
        suggestion: str | None = None,
    ) -> None:
        self.message = message
        self.text = text
        self.column = column
        self.suggestion = suggestion
        super().__init__(self.render())

    def render(self) -> str:
        """The message, a caret under the column, and the suggestion, as plain text."""
        lines = [self.message]
        if self.text and self.column is not None and "\n" not in self.text:
            lines.append(f"  {self.text}")
            lines.append("  " + " " * (self.column - 1) + "^")
        if self.suggestion:
            lines.append(self.suggestion)
        return "\n".join(lines)


class UsageError(DerivtutorError):
    """The arguments do not fit together (for example, several variables and no --wrt)."""


class BankError(DerivtutorError):
    """A problem bank file is wrong at a line: a bad key, a wrong answer, a duplicate id."""

    def __init__(self, message: str, *, file: str, line: int, problem: str | None = None) -> None:
        self.message = message
        self.file = file
        self.line = line
        self.problem = problem
        super().__init__(self.render())

    def render(self) -> str:
        where = f"{self.file}:{self.line}"
        return (
            f"{where}: [{self.problem}] {self.message}"
            if self.problem
            else f"{where}: {self.message}"
        )


class ProgressError(DerivtutorError):
    """The progress database cannot be used as it is (corrupt, or from a newer derivtutor)."""
