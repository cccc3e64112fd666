"""The errors derivtutor raises on purpose. Anything else reaching the CLI is a bug (exit 3).

The core speaks maths, not flags: a message that concerns one of the caller's settings names it
as a ``Parameter``, the name the Python API gives it (``wrt``, ``vars``, ``learning_rate``), and
each front end spells it its own way. ``str(error)`` is what a notebook user sees:

    wrt needs a variable name, not '2'
    for example wrt='x'

and ``for_cli(error, {"wrt": "--wrt"})`` is what the command line prints:

    --wrt needs a variable name, not '2'
    for example --wrt x
"""

from __future__ import annotations

import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Parameter:
    """A setting of the Python API, named in a message: ``Parameter("wrt")`` reads ``wrt`` in
    Python and ``--wrt`` on the command line. With an example value, it is a setting to copy:
    ``Parameter("wrt", "x")`` reads ``wrt='x'`` in Python and ``--wrt x`` on the command line."""

    name: str
    example: object = None


# How a front end writes a parameter: the Python API's own way, or the CLI's flags.
Spelling = Callable[[Parameter], str]


def python(parameter: Parameter) -> str:
    """The Python API's spelling: ``wrt``, or with an example ``wrt='x'``, ``learning_rate=0.1``."""
    if parameter.example is None:
        return parameter.name
    return f"{parameter.name}={parameter.example!r}"


def command_line(flags: Mapping[str, str]) -> Spelling:
    """The command line's spelling, where ``flags`` maps a parameter to its option ("learning_rate"
    to "--lr"): ``--lr``, or with an example ``--lr 0.1``. A parameter without a flag keeps the
    Python spelling, which is at least not an option that does not exist."""

    def spell(parameter: Parameter) -> str:
        flag = flags.get(parameter.name)
        if flag is None:
            return python(parameter)
        if parameter.example is None or parameter.example is True:
            return flag  # a switch (force=True) is the flag alone
        return f"{flag} {_shell_word(str(parameter.example))}"

    return spell


def _shell_word(text: str) -> str:
    """text as one shell word, double-quoted only where the shell needs it: x=0.5, -pi:pi and
    x,y stay bare; "2x y, x^2" is quoted."""
    import shlex

    return text if shlex.quote(text) == text else f'"{text}"'


class Message:
    """Words that may name parameters, spelled when they are shown.

    ``Message("{wrt} needs a variable name, not {given!r}", wrt=Parameter("wrt"), given=text)``:
    the template is ours, and every value, the user's text included, arrives as an argument, so
    braces a user typed are never read as fields. Fields whose value is a ``Parameter`` are
    spelled by the front end; the others are formatted as ``str.format`` would.
    """

    def __init__(self, template: str, /, **values: object) -> None:
        self.template = template
        self.values = values
        self.spell(python)  # a field without a value is our mistake: fail where it is made

    @property
    def parameters(self) -> tuple[str, ...]:
        """The parameters named, in the order the words mention them."""
        named = [
            value.name
            for _, field, _, _ in string.Formatter().parse(self.template)
            if field is not None and isinstance(value := self.values.get(field), Parameter)
        ]
        return tuple(dict.fromkeys(named))

    def spell(self, spelling: Spelling) -> str:
        return self.template.format_map(
            {k: spelling(v) if isinstance(v, Parameter) else v for k, v in self.values.items()}
        )

    def __str__(self) -> str:
        return self.spell(python)

    def __repr__(self) -> str:
        return f"Message({self.template!r}, **{self.values!r})"


# What an error says: plain words, or words that name parameters.
Words = str | Message


def _spell(words: Words | None, spelling: Spelling) -> str:
    if words is None:
        return ""
    return words.spell(spelling) if isinstance(words, Message) else words


class DerivtutorError(Exception):
    """Base class: a problem the user can act on, reported without a traceback.

    ``str(error)`` spells the parameters the error names as the Python API does; ``for_cli``
    spells them as flags. ``parameters`` lists them, for a caller that wants to know which
    setting to fix."""

    def __init__(self, message: Words = "") -> None:
        self._words = message
        super().__init__(self.spelled(python))

    def spelled(self, spelling: Spelling) -> str:
        """The whole error, its parameters written by ``spelling``."""
        return _spell(self._words, spelling)

    @property
    def parameters(self) -> tuple[str, ...]:
        """The API parameters the error concerns, in the order it names them."""
        named = [n for w in self._said() if isinstance(w, Message) for n in w.parameters]
        return tuple(dict.fromkeys(named))

    @property
    def parameter(self) -> str | None:
        """The first parameter the error concerns, or None when it names none."""
        return next(iter(self.parameters), None)

    def _said(self) -> tuple[Words | None, ...]:
        return (self._words,)


class InputError(DerivtutorError):
    """Text the user typed cannot be read. Carries the 1-based column and a suggested fix.

    ``message`` and ``suggestion`` are the Python API's wording (plain text, as before)."""

    def __init__(
        self,
        message: Words,
        *,
        text: str = "",
        column: int | None = None,
        suggestion: Words | None = None,
    ) -> None:
        self._message, self._suggestion = message, suggestion
        self.message = _spell(message, python)
        self.text = text
        self.column = column
        self.suggestion = None if suggestion is None else _spell(suggestion, python)
        super().__init__(message)

    def render(self) -> str:
        """The message, a caret under the column, and the suggestion, as plain text."""
        return self.spelled(python)

    def spelled(self, spelling: Spelling) -> str:
        lines = [_spell(self._message, spelling)]
        if self.text and self.column is not None and "\n" not in self.text:
            lines.append(f"  {self.text}")
            lines.append("  " + " " * (self.column - 1) + "^")
        if self._suggestion:
            lines.append(_spell(self._suggestion, spelling))
        return "\n".join(lines)

    def _said(self) -> tuple[Words | None, ...]:
        return (self._message, self._suggestion)


class UsageError(DerivtutorError):
    """The arguments do not fit together (for example, several variables and none chosen)."""


class BankError(DerivtutorError):
    """A problem bank file is wrong at a line: a bad key, a wrong answer, a duplicate id."""

    def __init__(self, message: str, *, file: str, line: int, problem: str | None = None) -> None:
        self.message = message
        self.file = file
        self.line = line
        self.problem = problem
        super().__init__(self.render())

    def __reduce__(self) -> tuple[Any, ...]:
        # Keyword-only arguments: the default pickling (by args) cannot rebuild it, and a
        # bank's files are read in worker processes that send their errors back.
        return (_bank_error, (self.message, self.file, self.line, self.problem))

    def render(self) -> str:
        where = f"{self.file}:{self.line}"
        return (
            f"{where}: [{self.problem}] {self.message}"
            if self.problem
            else f"{where}: {self.message}"
        )


def _bank_error(message: str, file: str, line: int, problem: str | None) -> BankError:
    return BankError(message, file=file, line=line, problem=problem)


class ProgressError(DerivtutorError):
    """The progress database cannot be used as it is (corrupt, or from a newer derivtutor)."""


class TooLarge(DerivtutorError):
    """Work on an input ran past its bound of time or memory (the CLI's deadline and cap)."""


def for_cli(error: DerivtutorError, flags: Mapping[str, str]) -> str:
    """``error`` as the command line says it: each parameter it names written as its flag,
    ``flags`` mapping the API's name to the option (``{"learning_rate": "--lr"}``). For an
    InputError this is the whole text: message, caret and suggestion."""
    return error.spelled(command_line(flags))
