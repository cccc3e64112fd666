"""The terminal beside cli.py: formats and the ASCII fallback, reading arguments, stdin and
files, writing output, errors as exit codes, the terminal's size and line editing.

Light on purpose: ``derivtutor --help`` and ``derivtutor rules`` import this without SymPy.
"""

from __future__ import annotations

import itertools
import os
import sys
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import Enum
from typing import Any, NoReturn

import typer
from typer.core import TyperCommand

from derivtutor.controls import visible
from derivtutor.errors import DerivtutorError, InputError, UsageError, for_cli

# The longest expression read from stdin; the parser's own limit then gives the message.
STDIN_LIMIT = 100_000
FILE_LIMIT = 200_000_000  # bytes: far above a lifetime of practice


class Detail(str, Enum):
    """How much of a derivation is shown (render.explain.DETAILS)."""

    brief = "brief"
    normal = "normal"
    full = "full"


class Format(str, Enum):
    rich = "rich"
    text = "text"
    latex = "latex"
    markdown = "markdown"
    json = "json"

    @property
    def for_programs(self) -> bool:
        """JSON and LaTeX are read by programs: nothing else may share stdout with them."""
        return self in (Format.json, Format.latex)

    @property
    def coloured(self) -> bool:
        return self is Format.rich


class ReportFormat(str, Enum):
    """check's formats: the others, and jsonl (a sheet's rows, one JSON object per line)."""

    rich = "rich"
    text = "text"
    latex = "latex"
    markdown = "markdown"
    json = "json"
    jsonl = "jsonl"


def output_format(requested: Format | None, *, latex: bool = True) -> Format:
    """The format asked for, else the configuration's; by default rich on a terminal, text
    when piped or where colour is off (NO_COLOR, color = "never"); color = "always" is rich
    even when piped. ``latex=False``: the output has no LaTeX form (a table), so a
    configured format = "latex" falls back to the default (asked for, it is refused)."""
    from derivtutor import config

    if requested is not None:
        return requested
    configured = config.value("format")
    if configured is not None and (latex or configured != "latex"):
        return Format(configured)
    colour = config.value("color")
    if colour == "always":
        return Format.rich
    if colour == "never" or not sys.stdout.isatty():
        return Format.text
    return Format.rich


def domain(requested: str | None) -> str | None:
    """Where check samples: as asked, else the configuration's (None: the default)."""
    from derivtutor import config

    return requested if requested is not None else config.value("domain")


def detail(requested: Detail | None) -> Detail:
    """How much of a derivation to show: as asked, else the configuration's (normal)."""
    from derivtutor import config

    return requested if requested is not None else Detail(config.value("detail"))


_COERCED = ("C.UTF-8", "C.utf8", "UTF-8")


def ascii_only() -> bool:
    """True on a terminal that cannot show Unicode maths (e.g. LANG=C)."""
    # Python coerces the C locale to UTF-8 for its own streams, but a terminal set to LANG=C
    # still cannot draw the characters, so the locale the user chose decides.
    ctype = os.environ.get("LC_CTYPE")
    if ctype in _COERCED and os.environ.get("LANG", "C") in ("C", "POSIX"):
        # PEP 538: on LANG=C, Python itself sets LC_CTYPE=C.UTF-8 before we run.
        ctype = None
    chosen = os.environ.get("LC_ALL") or ctype or os.environ.get("LANG")
    if chosen in ("C", "POSIX"):
        return True
    encoding = getattr(sys.stdout, "encoding", None) or "ascii"
    try:
        "−²σ·√∂".encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return True
    return False


class ExpressionCommand(TyperCommand):
    """A command whose arguments are expressions: '-sin(x)' is an answer, not an option.

    Click would read every argument that starts with '-' as an option. Here only the command's
    own options are options; an unknown '--name' gets "did you mean"; anything else that starts
    with '-' (-sin(x), -x^2, -2x) is an expression, as the student meant."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        # get_params, not self.params: it includes the help option, so '-h' stays an option.
        params = self.get_params(ctx)
        known = {opt for p in params for opt in (*p.opts, *p.secondary_opts)}
        # Options that take a value: '--order -1' is a (bad) value, not an expression.
        valued = {opt for p in params if not getattr(p, "is_flag", True) for opt in p.opts}
        options: list[str] = []
        positional: list[str] = []
        rest = iter(args)
        for arg in rest:
            if arg == "--":
                positional.extend(rest)
                break
            name = arg.split("=", 1)[0]
            if arg.startswith("-") and arg != "-" and name in known:
                options.append(arg)
                if arg in valued:
                    options.extend(itertools.islice(rest, 1))
            elif arg.startswith("--") and len(arg) > 2:
                fail(_unknown_option(name, known))
            else:
                positional.append(arg)
        arguments = [p for p in params if getattr(p, "param_type_name", "") == "argument"]
        if len(arguments) == 1 and getattr(arguments[0], "nargs", 1) == 1 and len(positional) > 1:
            # derivtutor diff x^2 + 1: the words of one expression, as a shell user means.
            positional = [" ".join(positional)]
        return super().parse_args(ctx, [*options, "--", *positional])


def _unknown_option(name: str, known: set[str]) -> str:
    """No such option, with the nearest real one: --wtr is --wrt."""
    import difflib

    longs = sorted(k for k in known if k.startswith("--"))
    near = difflib.get_close_matches(name, longs, n=1, cutoff=0.6)
    hint = f" Did you mean {near[0]}?" if near else f" The options are: {', '.join(longs)}."
    return f"No such option: {name}.{hint}"


# --- reading ---------------------------------------------------------------------------------


def read_expression(expression: str) -> str:
    """An expression argument, or stdin's text for '-'."""
    if expression != "-":
        return expression
    text = sys.stdin.read(STDIN_LIMIT)
    if not text.strip():
        raise InputError("no expression on stdin", suggestion='echo "x^2" | derivtutor diff -')
    return text.strip()


def read_text(path: str) -> str:
    """A file's text ('-' for stdin), bounded, with a clear error for what cannot be read."""
    if path == "-":
        return sys.stdin.read(FILE_LIMIT)
    from derivtutor.errors import UsageError
    from derivtutor.files import UnreadableFile, read_bounded

    try:
        return read_bounded(path, FILE_LIMIT).decode("utf-8")
    except UnreadableFile as err:
        raise UsageError(err.reason) from None
    except UnicodeDecodeError:
        raise UsageError(f"{path} is not UTF-8 text") from None


def line_reader() -> Callable[[], str]:
    """Line editing and history (prompt_toolkit) on a terminal; plain lines otherwise. Raises
    EOFError at the end of input."""
    if sys.stdin.isatty() and sys.stdout.isatty():
        from prompt_toolkit import PromptSession
        from prompt_toolkit.history import FileHistory

        from derivtutor import places

        session: Any = PromptSession(history=FileHistory(str(places.history_path())))
        return lambda: visible(str(session.prompt("> ")))

    def plain() -> str:
        typer.echo("> ", nl=False)
        line = sys.stdin.readline(STDIN_LIMIT)
        if not line:
            typer.echo("")
            raise EOFError
        if not line.endswith("\n") and len(line) == STDIN_LIMIT:
            while (rest := sys.stdin.readline(STDIN_LIMIT)) and not rest.endswith("\n"):
                pass  # the rest of an overlong line is part of the same (refused) answer
        line = visible(line.rstrip("\n")) + "\n"  # an answer is echoed, so never obeyed
        typer.echo(line.rstrip("\n"))  # so a transcript shows what was answered
        return line

    return plain


def columns(stream: Any = None) -> int | None:
    """The width to fold text at: COLUMNS where it is set, else the terminal's, else None
    (piped output is not folded, unless COLUMNS asks for it)."""
    stream = sys.stdout if stream is None else stream
    given = os.environ.get("COLUMNS", "")
    if given.isdigit() and int(given) >= 20:
        return int(given)
    try:
        if stream.isatty():
            return max(20, os.get_terminal_size(stream.fileno()).columns)
    except (AttributeError, OSError, ValueError):
        pass
    return None


def terminal_size() -> tuple[int, int]:
    """Columns and rows for a terminal plot: the terminal's width, a readable height."""
    import shutil

    columns = shutil.get_terminal_size((100, 30)).columns
    return max(40, min(columns, 200)), 22


# --- writing ---------------------------------------------------------------------------------


def console(*, ascii: bool = False) -> Any:
    """The Rich console for stdout; its boxes and tree guides are ASCII on a LANG=C terminal."""
    from rich.console import Console

    class AsciiConsole(Console):
        @property
        def encoding(self) -> str:
            return "ascii"

    from derivtutor import config

    colour = config.value("color")
    forced = {"always": True, "never": None}.get(colour)
    return (AsciiConsole if ascii else Console)(
        highlight=False, force_terminal=forced, no_color=colour == "never"
    )


def emit(output: Any, fmt: str | None = None) -> None:
    """Write a renderer's output: text folded to the terminal's width (the ``text`` format;
    the others are read by programs, or folded by Rich), a Rich renderable through a
    console. Output taller than the terminal goes through the pager, as git's does."""
    if isinstance(output, str):
        if fmt == "text":
            from derivtutor.render.wrapping import wrap_text

            output = wrap_text(output, columns())
        if not page(output):
            typer.echo(output, nl=False)
        return
    shown = console(ascii=ascii_only())
    if pager() is None:
        shown.print(output)
        return
    with shown.capture() as captured:  # rendered for this terminal, colours and all
        shown.print(output)
    text = captured.get()
    if not page(text):
        sys.stdout.write(text)


paging = True  # --no-pager turns it off for the run


def pager() -> str | None:
    """The command to page with, or None where output is not paged: not a terminal, paging
    turned off (--no-pager, pager = false), or no pager to be found. As git: the config's
    command, else $PAGER, else less."""
    if not paging or not sys.stdout.isatty():
        return None
    import shlex
    import shutil

    from derivtutor import config

    setting = config.value("pager")
    if setting is False:
        return None
    command = setting if isinstance(setting, str) else os.environ.get("PAGER", "less")
    try:
        words = shlex.split(command)
    except ValueError:
        return None
    if not words or words[0] == "cat" or shutil.which(words[0]) is None:
        return None
    return command


def page(text: str) -> bool:
    """Show ``text`` through the pager if it is taller than the terminal; False when it was
    not paged (and is still to be written)."""
    command = pager()
    if command is None or text.count("\n") < os.get_terminal_size(sys.stdout.fileno()).lines:
        return False
    import subprocess

    environment = dict(os.environ)
    environment.setdefault("LESS", "FRX")  # git's: quit if one screen, keep colours, no clear
    sys.stdout.flush()
    with subprocess.Popen(command, shell=True, stdin=subprocess.PIPE, env=environment) as run:
        try:
            assert run.stdin is not None
            run.stdin.write(text.encode(sys.stdout.encoding or "utf-8", "replace"))
            run.stdin.close()
        except BrokenPipeError:
            pass  # the reader quit the pager early (q in less)
        run.wait()
    return True


def say(text: str) -> None:
    """A line for the user on stderr (a warning, where a file was saved), not the output."""
    from derivtutor.render.wrapping import wrap_text

    typer.echo(wrap_text(text, columns(sys.stderr)), err=True)


class QuizScreen:
    """Prints quiz events: plain lines, or styled through Rich on a terminal."""

    def __init__(self, writer: Any, styled: bool) -> None:
        self.writer = writer
        self.console = console(ascii=ascii_only()) if styled else None

    def __call__(self, session: Any, events: list[Any]) -> None:
        for event in events:
            self.print(self.writer.event(event, session))

    def print(self, lines: list[tuple[str, str]]) -> None:
        if self.console is None:
            from derivtutor.render.wrapping import wrap_text

            width = columns()
            for text, _ in lines:
                typer.echo(wrap_text(text, width))
            return
        from rich.text import Text

        from derivtutor.render.formats.rich import Folded

        for text, style in lines:
            self.console.print(Folded(Text(text, style=style)))


# --- errors as exit codes --------------------------------------------------------------------


# The core names the setting an error is about as the Python API does; here each becomes the
# option that sets it on the command line.
FLAGS = {
    "wrt": "--wrt",
    "shapes": "--shape",
    "symmetric": "--symmetric",
    "vars": "--vars",
    "at": "--at",
    "domain": "--domain",
    "answers": "--grad",
    "dependent": "--dependent",
    "n": "--softmax",
    "start": "--start",
    "learning_rate": "--lr",
    "tolerance": "--tol",
    "iterations": "--iterations",
    "problem": "--problem",
    "topic": "--topic",
    "level": "--level",
    "count": "--count",
    "force": "--force",
    "order": "--order",
}


def fail(message: str, code: int = 2) -> NoReturn:
    """The message on stderr, folded to the terminal (but for an echoed input and its caret),
    in red on a terminal; then exit with ``code``."""
    from derivtutor.render.wrapping import wrap_message

    text = wrap_message(f"error: {visible(message)}", columns(sys.stderr))  # an echo never obeyed
    if _coloured(sys.stderr):
        text = typer.style(text, fg="red")
    typer.echo(text, err=True)
    raise typer.Exit(code)


def _coloured(stream: Any) -> bool:
    """Colour on this stream: color = "always", or a terminal that shows colour (not
    TERM=dumb) with colour not turned off (NO_COLOR, color = "never")."""
    from derivtutor import config

    try:
        colour = config.value("color")
    except DerivtutorError:
        colour = "auto"  # the error being reported may be the configuration's own
    if colour != "auto":
        return bool(colour == "always")
    try:
        return bool(stream.isatty()) and os.environ.get("TERM") != "dumb"
    except (AttributeError, ValueError):
        return False


# Every command that works on one input finishes within these (DESIGN.md's 5 s and 1 GB).
DEADLINE = 5.0  # seconds of wall-clock time
MEMORY = 1 << 30  # bytes of address space, set once for the console script (main)
_TOO_LARGE = (
    "this expression is too large to work with ({}). "
    "Try a smaller exponent, or fewer nested powers."
)


@contextmanager
def errors(debug: bool, *, bounded: bool = True) -> Iterator[None]:
    """Domain errors become exit codes here and only here (DESIGN.md: 2 input, 3 internal).
    ``bounded``: the body has DEADLINE seconds (the quiz waits for a person, and a sheet or
    a bank bounds each row instead)."""
    try:
        with _deadline(_time_left() if bounded else None):
            yield
    except DerivtutorError as err:  # TooLarge from the deadline among them
        fail(for_cli(err, FLAGS))
    except MemoryError:
        fail(_TOO_LARGE.format(f"it would need more than {MEMORY >> 30} GB of memory"))
    except RecursionError:
        fail(_TOO_LARGE.format("it nests deeper than Python allows"))
    except ValueError as err:
        if "integer string conversion" not in str(err):
            _internal(err, debug)
        fail(_TOO_LARGE.format("it makes a number of more than 4300 digits"))
    except (typer.Exit, typer.Abort, KeyboardInterrupt):
        raise
    except BrokenPipeError:
        # The reader went away (derivtutor ... | head): not an error of ours. Point stdout at
        # /dev/null so that Python's flush at exit does not complain again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        raise typer.Exit(0) from None
    except Exception as err:  # the last line of defence: a bug, reported briefly
        _internal(err, debug)


def _internal(err: Exception, debug: bool) -> NoReturn:
    """A bug is exit 3. But an error raised deep inside SymPy or mpmath on an input it cannot
    handle (asec(csc(asin(cosh(x)))) trips an AttributeError there) is about the input: exit 2,
    saying so."""
    if debug:
        traceback.print_exc()
    frames = traceback.extract_tb(err.__traceback__)
    where = frames[-1].filename.replace("\\", "/") if frames else ""
    if "/sympy/" in where or "/mpmath/" in where:
        fail(
            "SymPy cannot work with this expression "
            f"({type(err).__name__} inside {where.rsplit('/site-packages/', 1)[-1]}). "
            "Try writing it another way, e.g. with fewer nested inverse functions."
        )
    detail = "" if debug else " Rerun with --debug to see the traceback."
    fail(f"internal error ({type(err).__name__}: {err}). This is a bug.{detail}", code=3)


# Where the deadline may stop the work: derivtutor's own code and the libraries it computes with.
_MATHS = ("/derivtutor/", "/sympy/", "/mpmath/", "/lark/")


@contextmanager
def _deadline(seconds: float | None) -> Iterator[None]:
    """SIGALRM after ``seconds``: pure-Python SymPy work stops at its next bytecode. Only in
    the main thread of a platform that has it; elsewhere the memory cap still holds."""
    import signal
    import threading

    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if seconds is None or not usable:
        yield
        return

    def ring(_signum: int, frame: Any) -> None:
        # Only into the maths: raised inside a test runner's or the traceback module's own
        # work it would break that work; the next ring, 0.1 s on, finds the maths again.
        where = "" if frame is None else frame.f_code.co_filename.replace("\\", "/")
        if not any(part in where for part in _MATHS):
            return
        from derivtutor.errors import TooLarge

        raise TooLarge(_TOO_LARGE.format(f"it would take more than {DEADLINE:g} seconds"))

    previous = signal.signal(signal.SIGALRM, ring)
    # And again every 0.1 s: an exception raised while Python runs a finaliser (__del__) is
    # reported as "unraisable" and lost, so one ring alone may not stop the work.
    signal.setitimer(signal.ITIMER_REAL, seconds, 0.1)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def row_bound() -> Any:
    """The deadline for one row of a sheet: the sheet as a whole has none, each row has all
    of DEADLINE."""
    return _deadline(DEADLINE)


_started: float | None = None  # when the console script began (main), for the deadline


def _time_left() -> float:
    """What is left of DEADLINE for this command: all of it when called in-process (a test,
    a notebook); less Python's and Typer's start-up in the console script, so that the whole
    run ends within DEADLINE, and a little kept back for printing the message and exiting."""
    import time

    if _started is None:
        return DEADLINE
    return max(0.5, DEADLINE - (time.monotonic() - _started) - 0.8)


def bound_process() -> None:
    """At most MEMORY bytes of address space for this process (the console script only: a
    test runner calling commands in-process keeps its own limits). It also starts the clock
    of the deadline."""
    import time

    global _started
    _started = time.monotonic()
    try:
        import resource
    except ImportError:  # pragma: no cover - not on Windows
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = MEMORY if hard == resource.RLIM_INFINITY else min(MEMORY, hard)
    if soft == resource.RLIM_INFINITY or soft > limit:
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def exit_now(code: Any) -> NoReturn:
    """End the console script with ``code`` (SystemExit's: None, a number or a message), its
    output flushed and its atexit handlers run, but without tearing the interpreter down:
    freeing SymPy's objects one by one at exit takes 90 ms, a quarter of a `diff`. Nothing is
    lost by it: every file derivtutor writes is written and closed (or committed) before the
    command returns."""
    import atexit

    if isinstance(code, str):
        sys.stderr.write(code + "\n")
        code = 1
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # the reader went away (| head), or it is closed
            pass
    os._exit(0 if code is None else int(code))


def start_engine() -> None:
    """Load the maths, with the parser's grammar cached in the user's own directory."""
    from derivtutor import places
    from derivtutor.language.parse import use_grammar_cache

    use_grammar_cache(places.grammar_cache())


# --- a class's sheet ---------------------------------------------------------------------------


class SheetSource:
    """Where a sheet's rows come from: a file, or stdin ('-'), which is CSV unless its first
    line starts a YAML list. ``estimate``: the rows expected, for the progress bar (None
    when unknown, as for stdin)."""

    def __init__(self, path: str) -> None:
        from derivtutor.practice import sheet

        self.path = path
        self.stream: Any
        self.estimate: int | None
        if path == "-":
            first = sys.stdin.readline()
            self.kind = "yaml" if first.lstrip().startswith(("-", "[", "#", "%")) else "csv"
            self.stream = itertools.chain([first], sys.stdin)  # the first line, put back
            self.estimate = None
        else:
            self.kind = sheet.kind_of(path)
            self.stream = sheet.open_sheet(path)
            self.estimate = _count_rows(path, self.kind)

    def rows(self) -> Iterator[Any]:
        from derivtutor.practice.sheet import rows

        return rows(_Lines(self.stream), self.kind)


class _Lines:
    """Lines as a text stream (csv takes any iterable; PyYAML wants read())."""

    def __init__(self, lines: Any) -> None:
        self._lines = iter(lines)
        self._rest = ""

    def __iter__(self) -> Iterator[str]:
        if self._rest:
            yield self._rest
        yield from self._lines

    def read(self, size: int = -1) -> str:
        text = self._rest
        while size < 0 or len(text) < size:
            line = next(self._lines, None)
            if line is None:
                break
            text += line
        if size < 0:
            self._rest = ""
            return text
        self._rest = text[size:]
        return text[:size]


def _count_rows(path: str, kind: str) -> int | None:
    """About how many rows: lines after the header (CSV), or lines that start a list item
    (YAML). Only for the progress bar's time left; None if the file cannot be scanned."""
    try:
        with open(path, "rb") as file:
            if kind == "csv":
                return max(0, sum(1 for _ in file) - 1)
            return sum(line.startswith(b"- ") or line.rstrip() == b"-" for line in file)
    except OSError:
        return None


def report_sheet(
    source: SheetSource, marked: Iterator[dict[str, Any]], requested: ReportFormat | None
) -> int:
    """Write a marked sheet as it is decided, and return its exit code (0 all correct, 1 some
    incorrect, 2 some row malformed). json and jsonl stream row by row; the table formats
    gather the rows (small dicts) and print one table. A progress bar goes to stderr on a
    terminal, for the table formats."""
    from derivtutor.practice.sheet import summary

    fmt = requested.value if requested is not None else output_format(None, latex=False).value
    if fmt == "latex":
        raise UsageError("a sheet has no LaTeX form; use --format markdown, text or json")
    results: list[dict[str, Any]] = []
    errors: list[dict[str, Any]] = []
    write = _JsonStream(fmt) if fmt in ("json", "jsonl") else None
    show = write is None and sys.stderr.isatty()
    with progress(source.estimate, label="checking", show=show) as advance:
        for row in marked:
            is_error = "verdict" not in row
            if write is not None:
                write.row(row, is_error=is_error)  # streamed: only the errors are kept
                if is_error:
                    errors.append(row)
            else:
                (errors if is_error else results).append(row)
            advance()
    counts = write.counts if write is not None else summary(results, errors)
    if write is not None:
        write.end(errors)
    else:
        from derivtutor.render.formats import printer
        from derivtutor.render.say.verdict import marked_blocks

        print_ = printer(fmt, ascii=ascii_only()).print
        emit(print_(marked_blocks(source.path, results, errors)), fmt)
    if counts["errors"]:
        return 2
    return 1 if counts["incorrect"] else 0


class _JsonStream:
    """A sheet's JSON as it is decided: jsonl writes each row on its own line at once; json
    writes the document of DESIGN.md, its results streamed, its errors and summary at the end."""

    def __init__(self, fmt: str) -> None:
        self.lines = fmt == "jsonl"
        self.counts = {"correct": 0, "incorrect": 0, "errors": 0}
        self._first = True

    def row(self, row: dict[str, Any], *, is_error: bool) -> None:
        import json

        if is_error:
            self.counts["errors"] += 1
        else:
            key = "correct" if row["verdict"] == "correct" else "incorrect"
            self.counts[key] += 1
        if self.lines:
            sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
            sys.stdout.flush()  # a pipe's reader sees each row as it is decided
        elif not is_error:
            text = json.dumps(row, ensure_ascii=False, indent=2).replace("\n", "\n    ")
            sys.stdout.write(('{\n  "results": [\n    ' if self._first else ",\n    ") + text)
            self._first = False

    def end(self, errors: list[dict[str, Any]]) -> None:
        import json

        if self.lines:
            return
        if self._first:
            sys.stdout.write('{\n  "results": [')
        tail = {"errors": errors, "summary": self.counts}
        rest = json.dumps(tail, ensure_ascii=False, indent=2)[1:]  # without its opening brace
        sys.stdout.write("\n  ]," + rest + "\n")
        sys.stdout.flush()


@contextmanager
def progress(
    total: int | None, *, label: str = "checking", show: bool | None = None, after: float = 0.0
) -> Iterator[Callable[[], None]]:
    """A Rich progress bar on stderr (done of total, rows per second, time left), shown on a
    terminal only (``show``: stderr is one), and only once the work has taken ``after``
    seconds: a quick job shows none. Yields the function that counts one item done."""
    import time

    if show is None:
        show = sys.stderr.isatty()
    if not show:
        yield lambda: None
        return
    bar: list[Any] = []  # the Progress and its task, once started
    done = 0
    start = time.monotonic()

    def advance() -> None:
        nonlocal done
        done += 1
        if not bar and time.monotonic() - start >= after:
            bar.extend(_progress_bar(total, label))
            bar[0].start()
        if bar:
            bar[0].update(bar[1], completed=done)

    try:
        yield advance
    finally:
        if bar:
            bar[0].stop()


def _progress_bar(total: int | None, label: str) -> tuple[Any, Any]:
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        ProgressColumn,
        TaskProgressColumn,
        TextColumn,
        TimeRemainingColumn,
    )
    from rich.text import Text

    class PerSecond(ProgressColumn):
        def render(self, task: Any) -> Text:
            return Text(f"{task.speed or 0:.0f}/s")

    columns = (
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TaskProgressColumn(),
        PerSecond(),
        TimeRemainingColumn(),
    )
    bar = Progress(*columns, console=Console(stderr=True), transient=True)
    return bar, bar.add_task(label, total=total)


def exit_code(result: Any) -> int:
    """DESIGN.md's exit codes for a checked answer, gradient or sheet: 0 when all is correct,
    1 when something is incorrect, 2 for an undecided verdict or a malformed row."""
    from derivtutor.grading.verdict import CORRECT, INCORRECT
    from derivtutor.practice.sheet import Sheet

    if isinstance(result, Sheet):
        return result.exit_code
    return {CORRECT: 0, INCORRECT: 1}.get(result.verdict, 2)


def quiz(problems: Iterator[Any], total: int | None, store: Any, path: Any = None) -> None:
    """Run the quiz loop at this terminal: its line editing, its styles, its Ctrl-C.
    ``path``: the learning path the problems come from, if any."""
    from derivtutor.practice.session import practise
    from derivtutor.render.quiz import QuizWriter

    writer = QuizWriter(ascii=ascii_only())
    screen = QuizScreen(writer, styled=output_format(None) is Format.rich)
    read, hints = line_reader(), writer.hints
    practise(problems, total, store, read=read, show=screen, hint_texts=hints, path=path)


def confirm(question: str) -> bool:
    """A yes/no question; the end of input is no answer, and no answer is not a yes."""
    try:
        return bool(typer.confirm(question, default=False))
    except typer.Abort:
        typer.echo("")
        return False
