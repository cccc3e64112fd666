"""The command line: arguments -> a call into the core -> a renderer. No maths here.

Heavy modules (SymPy and everything that uses it) are imported inside the commands, so that
``derivtutor --help`` and ``derivtutor rules`` start without loading SymPy.
"""

from __future__ import annotations

import os
import shlex
import sys
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from enum import Enum
from typing import Annotated, Any, NoReturn

import typer
from typer.core import TyperCommand

from derivtutor import __version__
from derivtutor.errors import DerivtutorError, InputError, ProgressError, UsageError

# The longest expression read from stdin; the parser's own limit then gives the message.
_STDIN_LIMIT = 100_000


class Format(str, Enum):
    rich = "rich"
    text = "text"
    latex = "latex"
    markdown = "markdown"
    json = "json"


class ExpressionCommand(TyperCommand):
    """A command whose argument is an expression: '-x^2' would otherwise read as options."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        # get_params, not self.params: it includes the help option, so '-h' stays an option.
        params = self.get_params(ctx)
        known = {opt for p in params for opt in (*p.opts, *p.secondary_opts)}
        # Options that take a value: '--order -1' is a (bad) value, not an expression.
        valued = {opt for p in params if not getattr(p, "is_flag", True) for opt in p.opts}
        skip = False
        options: list[str] = []  # what stays before '--' in the suggested command
        positional: list[str] = []
        negative = None
        for arg in args:
            if arg == "--":
                break
            if skip:
                options.append(arg)
                skip = False
                continue
            skip = arg in valued
            if arg.startswith("-") and arg != "-" and arg.split("=", 1)[0] in known:
                options.append(arg)
            else:
                positional.append(arg)
                if arg.startswith("-") and arg != "-" and negative is None:
                    negative = arg
        if negative is not None:
            # Every expression goes after --, quoted so that the line can be pasted as it is.
            suggestion = " ".join(
                [
                    "derivtutor",
                    str(ctx.info_name),
                    *map(shlex.quote, options),
                    "--",
                    *map(shlex.quote, positional),
                ]
            )
            _fail(
                f"'{negative}' starts with '-', so it reads as an option.\n"
                f"Put -- before the expressions:  {suggestion}"
            )
        return super().parse_args(ctx, args)


# No help= here: it would replace the callback's docstring, and with it the example in --help.
app = typer.Typer(
    name="derivtutor",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"derivtutor {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """A calculus tutor for the maths behind machine learning: derivatives step by step.

    Example: [bold]derivtutor diff "1/(1+exp(-x))"[/bold]
    """


FormatOption = Annotated[
    Format | None,
    typer.Option(
        "--format",
        help="Output format. Default: rich on a terminal, text when piped or NO_COLOR is set.",
        case_sensitive=False,
    ),
]
DebugOption = Annotated[
    bool, typer.Option("--debug", help="Show the traceback of an internal error.")
]


@app.command(cls=ExpressionCommand)
def diff(
    expr: Annotated[
        str,
        typer.Argument(
            help="The function to differentiate, e.g. \"x^2 sin(x)\". '-' reads it from stdin.",
            show_default=False,
        ),
    ],
    wrt: Annotated[
        str | None,
        typer.Option(
            "--wrt",
            metavar="VAR",
            help="The variable to differentiate by (needed when there are several).",
        ),
    ] = None,
    order: Annotated[
        int, typer.Option("--order", min=1, max=10, help="Differentiate N times, showing each.")
    ] = 1,
    at: Annotated[
        str | None,
        typer.Option(
            "--at",
            metavar="VAR=VALUE",
            help="Evaluate there, beside a finite-difference estimate (e.g. x=0.5 or x=1,y=2).",
        ),
    ] = None,
    output: FormatOption = None,
    debug: DebugOption = False,
) -> None:
    """Differentiate EXPR step by step.

    Example: [bold]derivtutor diff "1/(1+exp(-x))"[/bold]

    More: [bold]derivtutor diff "x^2 y^3" --wrt y --at x=1,y=2[/bold]
    """
    with _errors(debug):
        from derivtutor.calculus.differentiation import differentiate
        from derivtutor.render import render_differentiation

        _start_engine()
        result = differentiate(_read(expr), wrt=wrt, order=order, at=at)
        _emit(render_differentiation(result, _format(output).value, ascii=_ascii_only()))


VarsOption = Annotated[
    str | None,
    typer.Option(
        "--vars",
        metavar="X,Y,...",
        help="The variables, in order (default: all of them, alphabetically).",
    ),
]
StepsOption = Annotated[bool, typer.Option("--steps", help="Show the derivation of every entry.")]


@app.command(cls=ExpressionCommand)
def grad(
    expr: Annotated[str, typer.Argument(help='The function, e.g. "x^2 y + sin(y)".')],
    vars: VarsOption = None,
    at: Annotated[
        str | None,
        typer.Option(
            "--at",
            metavar="X=..,Y=..",
            help="Evaluate there, beside a finite difference for each component.",
        ),
    ] = None,
    output: FormatOption = None,
    debug: DebugOption = False,
) -> None:
    """The gradient of EXPR: each component derived as a partial derivative.

    Example: [bold]derivtutor grad "(w*x + b - y)^2" --vars w,b[/bold]
    """
    with _errors(debug):
        from derivtutor.calculus.multivar import gradient

        _start_engine()
        _several(gradient(_read(expr), vars, at), output)


@app.command(cls=ExpressionCommand)
def jacobian(
    exprs: Annotated[
        list[str] | None, typer.Argument(help="The functions, one argument each.")
    ] = None,
    vars: VarsOption = None,
    softmax: Annotated[
        str | None,
        typer.Option(
            "--softmax",
            metavar="N",
            help="The softmax Jacobian for N from 2 to 8, or n for the general case.",
        ),
    ] = None,
    steps: StepsOption = False,
    output: FormatOption = None,
    debug: DebugOption = False,
) -> None:
    """The Jacobian matrix of EXPR1 EXPR2 ...: one row per function, one column per variable.

    Example: [bold]derivtutor jacobian "x y" "x + y^2"[/bold]

    More: [bold]derivtutor jacobian --softmax 3 --steps[/bold]
    """
    with _errors(debug):
        _start_engine()
        if softmax is not None:
            if exprs:
                raise UsageError("give either expressions or --softmax, not both")
            from derivtutor.ml.softmax import softmax_jacobian

            _several(softmax_jacobian(softmax), output, steps)
        else:
            from derivtutor.calculus.multivar import jacobian as jacobian_of

            _several(jacobian_of([_read(e) for e in exprs or []], vars), output, steps)


@app.command(cls=ExpressionCommand)
def hessian(
    expr: Annotated[str, typer.Argument(help='The function, e.g. "x^2 y + sin(y)".')],
    vars: VarsOption = None,
    steps: StepsOption = False,
    output: FormatOption = None,
    debug: DebugOption = False,
) -> None:
    """The Hessian of EXPR: every second partial derivative, each mixed one derived once.

    Example: [bold]derivtutor hessian "x^2 y + sin(y)"[/bold]
    """
    with _errors(debug):
        from derivtutor.calculus.multivar import hessian as hessian_of

        _start_engine()
        _several(hessian_of(_read(expr), vars), output, steps)


@app.command(cls=ExpressionCommand)
def implicit(
    equation: Annotated[
        str, typer.Argument(help="An equation in x and y with one '=', e.g. \"x^2 + y^2 = 25\".")
    ],
    wrt: Annotated[
        str, typer.Option("--wrt", metavar="VAR", help="The independent variable.")
    ] = "x",
    dependent: Annotated[
        str,
        typer.Option("--dependent", metavar="VAR", help="The variable that is a function of it."),
    ] = "y",
    output: FormatOption = None,
    debug: DebugOption = False,
) -> None:
    """dy/dx from an equation, by implicit differentiation (the only command that takes '=').

    Example: [bold]derivtutor implicit "x^3 + y^3 = 6 x y"[/bold]
    """
    with _errors(debug):
        from derivtutor.calculus.implicit import implicit as implicit_of

        _start_engine()
        _several(implicit_of(_read(equation), wrt=wrt, dependent=dependent), output)


@app.command(cls=ExpressionCommand)
def check(
    function: Annotated[
        str | None, typer.Argument(help='The function, e.g. "sin(x^2)".', show_default=False)
    ] = None,
    answer: Annotated[
        str | None,
        typer.Argument(help='Your derivative, e.g. "2x cos(x^2)".', show_default=False),
    ] = None,
    wrt: Annotated[
        str | None,
        typer.Option("--wrt", metavar="VAR", help="The variable (needed when there are several)."),
    ] = None,
    grad: Annotated[
        str | None,
        typer.Option(
            "--grad",
            metavar="ANSWERS",
            help="A gradient to check, its components separated by commas (variables A to Z).",
        ),
    ] = None,
    file: Annotated[
        str | None,
        typer.Option(
            "--file",
            metavar="SHEET",
            help="A YAML or CSV sheet of rows: function, answer, id, wrt.",
        ),
    ] = None,
    domain: Annotated[
        str | None,
        typer.Option(
            "--domain", metavar="A:B", help="Where to sample points (default -2:2), e.g. 0:3."
        ),
    ] = None,
    steps: Annotated[
        bool, typer.Option("--steps", help="Also show the correct derivation.")
    ] = False,
    output: FormatOption = None,
    debug: DebugOption = False,
) -> None:
    """Check ANSWER as the derivative of FUNCTION, and name the mistake if it is wrong.

    Exit code 0 when correct, 1 when incorrect, 2 for bad input or an undecided verdict.

    Example: [bold]derivtutor check "sin(x^2)" "cos(x^2)"[/bold]

    More: [bold]derivtutor check "x^2 y + sin(y)" --grad "2x y, x^2 + cos(y)"[/bold]   and
    [bold]derivtutor check --file homework.yaml[/bold]
    """
    with _errors(debug):
        from derivtutor.grading.verdict import CORRECT, INCORRECT

        _start_engine()
        fmt, ascii = _format(output).value, _ascii_only()
        if file is not None:
            if function or answer or grad:
                raise UsageError("--file checks a whole sheet: give no FUNCTION, ANSWER or --grad")
            from derivtutor.practice.sheet import check_sheet
            from derivtutor.render.feedback import render_sheet

            sheet = check_sheet(file)
            _emit(render_sheet(sheet, fmt, ascii=ascii))
            raise typer.Exit(sheet.exit_code)
        if function is None:
            raise UsageError('give FUNCTION and ANSWER, e.g. derivtutor check "x^2" "2x"')
        if grad is not None:
            if answer is not None:
                raise UsageError("with --grad, the answer is the --grad list: give no ANSWER")
            from derivtutor.grading.verdict import check_gradient
            from derivtutor.render.feedback import render_gradient_verdict

            result = check_gradient(_read(function), grad, domain=domain)
            _emit(render_gradient_verdict(result, fmt, ascii=ascii))
            verdict = result.verdict
        else:
            if answer is None:
                raise UsageError("give the ANSWER to check after the FUNCTION")
            from derivtutor.grading.verdict import check as check_answer
            from derivtutor.render.feedback import render_verdict

            single = check_answer(_read(function), _read(answer), wrt=wrt, domain=domain)
            _emit(render_verdict(single, fmt, ascii=ascii, steps=steps))
            verdict = single.verdict
    raise typer.Exit({CORRECT: 0, INCORRECT: 1}.get(verdict, 2))


@app.command()
def rules(
    name: Annotated[
        str | None,
        typer.Argument(help="A rule id or function name, e.g. chain, quotient, tanh, softmax."),
    ] = None,
    output: FormatOption = None,
) -> None:
    """Show the table of derivative rules, or the rows for one rule.

    Example: [bold]derivtutor rules chain[/bold]
    """
    from derivtutor.engine.table import entries, rule_ids
    from derivtutor.render.rules import render_rules

    with _errors(debug=False):
        rows = entries(name)
        if not rows:
            raise UsageError(f"no rule called {name!r}. Known rules: {', '.join(rule_ids())}")
        _emit(render_rules(rows, _format(output).value, ascii=_ascii_only()))


bank_app = typer.Typer(
    no_args_is_help=True, context_settings={"help_option_names": ["-h", "--help"]}
)
app.add_typer(
    bank_app,
    name="bank",
    help="List or validate a problem bank."
    "\n\nExample: [bold]derivtutor bank validate mybank/[/bold]",
)

SizeOption = Annotated[
    str,
    typer.Option("--size", metavar="WxH", help="The size of a saved PNG, in pixels."),
]


BankPath = Annotated[
    str | None,
    typer.Argument(
        metavar="[PATH]",
        help="A bank: a directory of YAML files, or one file. Default: the bundled bank.",
        show_default=False,
    ),
]


@bank_app.command("list")
def bank_list(path: BankPath = None, output: FormatOption = None) -> None:
    """Show the topics of a bank, with problem counts by level.

    Example: [bold]derivtutor bank list[/bold]
    """
    from derivtutor.practice.bank import load_bank
    from derivtutor.render.bank import render_bank_list

    with _errors(debug=False):
        bank = load_bank(path)
        _emit(render_bank_list(bank, _format(output).value))
        if bank.errors:
            count = len(bank.errors)
            _fail(
                f"{count} error{'s' * (count != 1)} in the bank: problems with errors are not "
                f"listed. See derivtutor bank validate {shlex.quote(bank.root)}"
            )


@bank_app.command("validate")
def bank_validate(path: BankPath = None, output: FormatOption = None) -> None:
    """Check a bank: schema, expressions, ids, and every stated answer against the engine.

    Every error is reported with its file, line and problem id; the exit code is 2 if any.

    Example: [bold]derivtutor bank validate mybank/[/bold]
    """
    from derivtutor.practice.bank import load_bank, validate
    from derivtutor.render.bank import render_validation

    with _errors(debug=False):
        _start_engine()
        bank = load_bank(path)
        errors = validate(bank)
        _emit(render_validation(bank, errors, _format(output).value))
        if errors:
            _fail(f"the bank at {bank.root} has errors")


# --- from derivatives to learning: descend, backprop, plot ----------------------------------------


@app.command(cls=ExpressionCommand)
def descend(
    expr: Annotated[
        str,
        typer.Argument(
            help="A function of one or two variables to minimise. '-' reads it from stdin.",
            show_default=False,
        ),
    ],
    start: Annotated[
        str,
        typer.Option("--start", metavar="VAR=VALUE[,...]", help="Where to start, e.g. x=3,y=1."),
    ],
    lr: Annotated[float, typer.Option("--lr", metavar="ETA", help="The learning rate η.")] = 0.1,
    iterations: Annotated[
        int, typer.Option("--iterations", metavar="N", help="At most this many steps.")
    ] = 50,
    tol: Annotated[
        float,
        typer.Option("--tol", metavar="EPS", help="Stop when the gradient norm is this small."),
    ] = 1e-8,
    plot: Annotated[
        bool, typer.Option("--plot", help="Draw the path in the terminal (the plot extra).")
    ] = False,
    save: Annotated[
        str | None,
        typer.Option("--save", metavar="FILE.png", help="Save the path as a PNG (the plot extra)."),
    ] = None,
    size: SizeOption = "800x600",
    output: FormatOption = None,
    debug: DebugOption = False,
) -> None:
    """Gradient descent on EXPR with its derived gradient: the path, and how it ended.

    Example: [bold]derivtutor descend "(x-1)^2 + 2(y+2)^2" --start x=3,y=1 --lr 0.1[/bold]
    """
    from derivtutor.ml.descent import descend as run_descent
    from derivtutor.render.descent import render_descent

    with _errors(debug):
        _start_engine()
        pixels = _pixels(size)
        if save is not None and not save.lower().endswith(".png"):
            raise UsageError(f"--save writes a PNG: give a file name ending in .png, not {save!r}")
        if plot and output in (Format.json, Format.latex):
            raise UsageError(
                f"--plot draws in the terminal, which would spoil the {output.value} on stdout: "
                "leave it out, or use --save FILE.png"
            )
        if plot or save:
            from derivtutor.plot import require_plotting

            require_plotting(terminal=plot, png=save is not None)
        run = run_descent(_read(expr), start, lr, iterations, tol)
        fmt = _format(output)
        _emit(render_descent(run, fmt.value, ascii=_ascii_only()))
        if plot:
            from derivtutor.plot import descent_plot

            color = fmt is Format.rich
            typer.echo(descent_plot(run, _terminal_size(), color=color, ascii=_ascii_only()))
        if save:
            from derivtutor.plot import save_descent

            save_descent(run, save, pixels)
            typer.echo(f"Saved the path to {save}", err=True)


@app.command(cls=ExpressionCommand)
def backprop(
    expr: Annotated[
        str | None,
        typer.Argument(
            help="The expression (a loss) to backpropagate through. '-' reads it from stdin.",
            show_default=False,
        ),
    ] = None,
    at: Annotated[
        str | None,
        typer.Option("--at", metavar="VAR=VALUE[,...]", help="The value of every input."),
    ] = None,
    example: Annotated[
        str | None,
        typer.Option(
            "--example", metavar="NAME", help="A built-in network: neuron or mlp (2-2-1)."
        ),
    ] = None,
    output: FormatOption = None,
    debug: DebugOption = False,
) -> None:
    """Backpropagation through EXPR's computation graph: forward values, backward gradients.

    Example: [bold]derivtutor backprop "sigmoid(w*x + b)" --at x=1,w=0.5,b=0.1[/bold]
    """
    from derivtutor.ml.backprop import backprop as run_backprop
    from derivtutor.ml.backprop import example as run_example
    from derivtutor.render.backprop import render_backprop

    with _errors(debug):
        _start_engine()
        if example is not None:
            if expr is not None:
                raise UsageError("--example brings its own expression: leave EXPR out")
            run = run_example(example, at)
        else:
            if expr is None:
                raise UsageError(
                    "give an expression and --at, or --example neuron or --example mlp"
                )
            if at is None:
                raise UsageError("--at gives every input a value, e.g. --at x=1,w=0.5,b=0.1")
            run = run_backprop(_read(expr), at)
        _emit(render_backprop(run, _format(output).value, ascii=_ascii_only()))


@app.command(cls=ExpressionCommand)
def plot(
    expr: Annotated[
        str,
        typer.Argument(help="The function to draw with its derivative.", show_default=False),
    ],
    wrt: Annotated[
        str | None,
        typer.Option("--wrt", metavar="VAR", help="The variable (needed when there are several)."),
    ] = None,
    x_range: Annotated[
        str, typer.Option("--range", metavar="A:B", help="The interval to draw over.")
    ] = "-5:5",
    save: Annotated[
        str | None,
        typer.Option("--save", metavar="FILE.png", help="Save a PNG instead of drawing here."),
    ] = None,
    size: SizeOption = "800x600",
    debug: DebugOption = False,
) -> None:
    """Draw f and f′ side by side: in the terminal, or as a PNG (needs the plot extra).

    Example: [bold]derivtutor plot "relu(x)" --range -2:2[/bold]
    """
    from derivtutor.calculus.differentiation import differentiate
    from derivtutor.grading.verdict import parse_domain
    from derivtutor.plot import function_plot, require_plotting

    with _errors(debug):
        pixels = _pixels(size)
        if save is not None and not save.lower().endswith(".png"):
            raise UsageError(f"--save writes a PNG: give a file name ending in .png, not {save!r}")
        try:
            low, high = parse_domain(x_range)
        except DerivtutorError as err:
            raise UsageError(str(err).replace("--domain", "--range")) from None
        require_plotting(terminal=save is None, png=save is not None)
        _start_engine()
        text = _read(expr)
        from derivtutor.language.parse import parse, variables

        found = variables(parse(text))
        if len(found) > 1:
            names = ", ".join(v.name for v in found)
            raise UsageError(
                f"plot draws a function of one variable; this one has {names}. "
                "Put numbers in for all but one, e.g. replace y by 2."
            )
        result = differentiate(text, wrt=wrt)
        plotted = function_plot(
            result.expression,
            result.derivative,
            result.variable,
            (low, high),
            _plot_titles(result),
        )
        if save:
            from derivtutor.plot import save_function_plot

            save_function_plot(plotted, save, pixels)
            typer.echo(f"Saved f and f' to {save}", err=True)
            return
        from derivtutor.plot import terminal_function_plot

        color = _format(None) is Format.rich
        typer.echo(
            terminal_function_plot(plotted, _terminal_size(), color=color, ascii=_ascii_only())
        )


def _plot_titles(result: Any) -> tuple[str, str]:
    from derivtutor.language.notation import Notation

    show = Notation(ascii=_ascii_only()).show
    x = show(result.variable)
    prime = "'" if _ascii_only() else "′"
    return (
        f"f({x}) = {show(result.expression)}",
        f"f{prime}({x}) = {show(result.derivative)}",
    )


# --- practice: quiz, review, stats, progress -----------------------------------------------------

BankOption = Annotated[
    str | None,
    typer.Option("--bank", metavar="DIR", help="A problem bank to use instead of the bundled one."),
]


@app.command()
def quiz(
    topic: Annotated[
        str | None, typer.Option("--topic", metavar="T", help="Only this topic (see bank list).")
    ] = None,
    level: Annotated[
        int | None, typer.Option("--level", min=1, max=5, metavar="L", help="Only this level, 1-5.")
    ] = None,
    count: Annotated[
        int | None,
        typer.Option(
            "--count",
            min=1,
            metavar="N",
            help="How many problems. Default: 10, or endless with --generate.",
        ),
    ] = None,
    problem: Annotated[
        str | None, typer.Option("--problem", metavar="ID", help="Just this problem, by id.")
    ] = None,
    seed: Annotated[
        int | None, typer.Option("--seed", metavar="S", help="Seed for a repeatable selection.")
    ] = None,
    bank: BankOption = None,
    generate: Annotated[
        bool,
        typer.Option(
            "--generate", help="Compose new problems for the topic and level, without end."
        ),
    ] = False,
    debug: DebugOption = False,
) -> None:
    """Practise: one problem at a time, with hints, steps after a miss, and saved progress.

    At the prompt, type your answer, or hint, steps, skip, quit or help.

    Example: [bold]derivtutor quiz --topic chain-rule --count 5[/bold]
    """
    from derivtutor.practice.bank import load_bank
    from derivtutor.practice.quiz import select

    with _errors(debug):
        _start_engine()
        if generate:
            from derivtutor.practice.generate import TOPICS, generated

            if problem is not None or bank is not None:
                raise UsageError(
                    "--generate composes new problems: it takes neither --problem nor --bank"
                )
            if topic is not None and topic not in TOPICS:
                raise UsageError(f"no generator for {topic!r}. Topics: {', '.join(TOPICS)}")
            _practise(generated(topic, level, seed), count, _progress())
            return
        loaded = _usable_bank(load_bank(bank))
        picked = select(loaded, topic=topic, level=level, count=count, problem=problem, seed=seed)
        _practise(_gradable(iter(picked)), len(picked), _progress())


@app.command()
def review(
    count: Annotated[
        int, typer.Option("--count", min=1, metavar="N", help="At most this many problems.")
    ] = 10,
    bank: BankOption = None,
    debug: DebugOption = False,
) -> None:
    """Practise what is due: spaced repetition (FSRS) over your history, then new problems.

    Example: [bold]derivtutor review[/bold]
    """
    import time

    from derivtutor.practice.bank import load_bank
    from derivtutor.practice.quiz import review_selection
    from derivtutor.render.progress import next_review_text

    with _errors(debug):
        _start_engine()
        store = _progress()
        loaded = _usable_bank(load_bank(bank))
        due = [problem for problem, _ in store.due(time.time())]
        chosen, due_count = review_selection(list(loaded.problems), due, store.seen(), count)
        if not chosen:
            typer.echo(next_review_text(store.next_due(loaded.by_id())))
            return
        new = len(chosen) - due_count
        typer.echo(f"{due_count} due for review, {new} new.")
        _practise(_gradable(iter(chosen)), len(chosen), store)


@app.command()
def stats(output: FormatOption = None) -> None:
    """Your progress per topic: attempts, accuracy, last practised, current streak.

    Example: [bold]derivtutor stats --format json[/bold]
    """
    import time

    from derivtutor.render.progress import render_stats

    with _errors(debug=False):
        store = _progress(create=False)
        _emit(render_stats(store.stats(), len(store.due(time.time())), _format(output).value))


progress_app = typer.Typer(
    no_args_is_help=True, context_settings={"help_option_names": ["-h", "--help"]}
)
app.add_typer(
    progress_app,
    name="progress",
    help="Export, import or reset your progress."
    "\n\nExample: [bold]derivtutor progress export progress.json[/bold]",
)


@progress_app.command("export")
def progress_export(
    file: Annotated[str, typer.Argument(help="Where to write the JSON; '-' for stdout.")],
    force: Annotated[
        bool, typer.Option("--force", help="Replace FILE if it exists already.")
    ] = False,
) -> None:
    """Write your whole history (attempts and reviews) as JSON.

    Example: [bold]derivtutor progress export progress.json[/bold]
    """
    import json

    with _errors(debug=False):
        store = _progress(create=False)
        data = json.dumps(store.export(), ensure_ascii=False, indent=2) + "\n"
        if file == "-":
            typer.echo(data, nl=False)
            return
        _write_export(file, data, store.path, force)
        count = len(store.attempts())
        typer.echo(f"Exported {count} attempt{'s' * (count != 1)} to {file}", err=True)


@progress_app.command("import")
def progress_import(
    file: Annotated[str, typer.Argument(help="A JSON file from progress export; '-' for stdin.")],
) -> None:
    """Merge an exported history into yours (records you already have are skipped).

    Example: [bold]derivtutor progress import progress.json[/bold]
    """
    import json

    from derivtutor.practice.progress import read_export

    with _errors(debug=False):
        text = sys.stdin.read(_IMPORT_LIMIT) if file == "-" else _read_file(file)
        try:
            data = json.loads(text)
        except json.JSONDecodeError as err:
            raise UsageError(f"{file} is not JSON: {err.msg} at line {err.lineno}") from None
        except RecursionError:
            raise UsageError(f"{file} is nested too deeply for a progress export") from None
        read_export(data)  # a bad file is refused before any store is made
        attempts, reviews = _progress().import_history(data)
        typer.echo(
            f"Imported {attempts} attempt{'s' * (attempts != 1)} and "
            f"{reviews} review{'s' * (reviews != 1)} from {file}"
        )


@progress_app.command("reset")
def progress_reset(
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Delete your whole history and every review schedule. Asks first.

    Example: [bold]derivtutor progress reset[/bold]
    """
    with _errors(debug=False):
        store = _progress(create=False)
        if not store.exists:
            typer.echo("There is no progress to reset.")
            return
        count = len(store.attempts())
        if not yes:
            question = (
                f"Delete all {count} attempt{'s' * (count != 1)} and every review schedule in "
                f"{store.path}? "
                "(derivtutor progress export FILE keeps a copy)"
            )
            try:
                confirmed = typer.confirm(question, default=False)
            except typer.Abort:  # end of input: no answer is not a yes
                confirmed = False
                typer.echo("")
            if not confirmed:
                typer.echo("Nothing was deleted.")
                return
        attempts, _ = store.reset()
        typer.echo(
            f"Deleted {attempts} attempt{'s' * (attempts != 1)}; your progress starts afresh."
        )


def _progress(create: bool = True) -> Any:
    """The progress store; one that will be written to is checked for that first."""
    from derivtutor.practice.progress import Progress

    store = Progress(create=create)
    if create:
        store.check_writable()
    return store


def _usable_bank(bank: Any) -> Any:
    if bank.errors:
        first = "\n".join(e.render() for e in bank.errors[:5])
        more = f"\n... and {len(bank.errors) - 5} more" if len(bank.errors) > 5 else ""
        raise UsageError(
            f"the bank at {bank.root} has errors:\n{first}{more}\n"
            f"Run derivtutor bank validate {shlex.quote(bank.root)} for the full report."
        )
    return bank


def _gradable(problems: Iterator[Any]) -> Iterator[Any]:
    """The problems the engine can grade. A bank is checked as a whole by bank validate; here
    each problem is checked as it comes, so that a bad one is passed over, not posed."""
    from derivtutor.practice.problem import verify_problem

    for problem in problems:
        message = verify_problem(problem)
        if message is None:
            yield problem
        else:
            typer.echo(f"warning: {problem.id} is passed over: {message}", err=True)


def _practise(problems: Iterator[Any], total: int | None, store: Any) -> None:
    """The quiz loop: read a line, let the quiz decide, save what it records, show what it says."""
    import time

    from derivtutor.practice.quiz import Attempt, Finished, Quiz, iso
    from derivtutor.render.quiz import QuizWriter

    writer = QuizWriter(ascii=_ascii_only())
    show = _QuizScreen(writer, styled=_format(None) is Format.rich)
    session = Quiz(problems, total, time.time(), hint_texts=writer.hints)
    show(session, session.start())
    read = _line_reader()
    unsaved: list[Any] = []

    def save() -> None:
        unsaved.extend(session.take_records())
        while unsaved:  # one commit per record; on Ctrl-C the rest are saved afterwards
            record = unsaved[0]
            if isinstance(record, Attempt):
                store.add_attempt(record.row())
            elif not record.problem.generated:
                store.add_review(record.problem.id, int(record.rating), iso(record.time))
            unsaved.pop(0)

    while not session.finished:
        try:
            try:
                line = read()
                events = session.handle(line, time.time())
            except (EOFError, KeyboardInterrupt):
                events = session.stop(time.time())
            save()
            show(session, events)
        except KeyboardInterrupt:
            # Ctrl-C while a verdict was saved or shown: keep it, and end with the summary.
            ending = session.stop(time.time()) or events
            save()
            show(session, [e for e in ending if isinstance(e, Finished)])
        except ProgressError:
            # The store failed under us (a disk filled, a lock held too long): end with the
            # summary, then the reason, so the learner knows the last answer was not kept.
            show(session, [e for e in session.stop(time.time()) if isinstance(e, Finished)])
            raise


class _QuizScreen:
    """Prints quiz events: plain lines, or styled through Rich on a terminal."""

    def __init__(self, writer: Any, styled: bool) -> None:
        self.writer = writer
        self.console = None
        if styled:
            from derivtutor.render.console import console

            self.console = console(ascii=_ascii_only())

    def __call__(self, session: Any, events: list[Any]) -> None:
        for event in events:
            self.print(self.writer.event(event, session))

    def print(self, lines: list[tuple[str, str]]) -> None:
        if self.console is None:
            for text, _ in lines:
                typer.echo(text)
            return
        from rich.text import Text

        for text, style in lines:
            self.console.print(Text(text, style=style))


def _line_reader() -> Any:
    """Line editing and history (prompt_toolkit) on a terminal; plain lines otherwise."""
    if sys.stdin.isatty() and sys.stdout.isatty():
        from prompt_toolkit import PromptSession
        from prompt_toolkit.history import FileHistory

        from derivtutor.practice.progress import default_path

        history = default_path().parent / "answers.history"
        session: Any = PromptSession(history=FileHistory(str(history)))
        return lambda: session.prompt("> ")

    def plain() -> str:
        typer.echo("> ", nl=False)
        line = sys.stdin.readline(_STDIN_LIMIT)
        if not line:
            typer.echo("")
            raise EOFError
        if not line.endswith("\n") and len(line) == _STDIN_LIMIT:
            while (rest := sys.stdin.readline(_STDIN_LIMIT)) and not rest.endswith("\n"):
                pass  # the rest of an overlong line is part of the same (refused) answer
        typer.echo(line.rstrip("\n"))  # so a transcript shows what was answered
        return line

    return plain


_IMPORT_LIMIT = 200_000_000  # bytes: far above a lifetime of practice


def _pixels(size: str) -> tuple[int, int]:
    """'800x600' as (800, 600), within sensible bounds."""
    import re

    width, sep, height = size.lower().partition("x")
    if (
        not sep
        or not re.fullmatch(r"[0-9]+", width.strip())
        or not re.fullmatch(r"[0-9]+", height.strip())
    ):
        raise UsageError(f"--size is WIDTHxHEIGHT in pixels, e.g. 800x600, not {size!r}")
    pixels = int(width), int(height)
    if not all(100 <= n <= 8000 for n in pixels):
        raise UsageError(f"--size: each side must be from 100 to 8000 pixels, not {size}")
    return pixels


def _terminal_size() -> tuple[int, int]:
    """Columns and rows for a terminal plot: the terminal's width, a readable height."""
    import shutil

    columns = shutil.get_terminal_size((100, 30)).columns
    return max(40, min(columns, 200)), 22


def _read_file(path: str) -> str:
    try:
        if os.path.getsize(path) > _IMPORT_LIMIT:
            raise UsageError(f"{path} is larger than {_IMPORT_LIMIT // 1_000_000} MB")
        with open(path, encoding="utf-8") as file:
            return file.read()
    except OSError as err:
        raise UsageError(f"cannot read {path}: {err.strerror}") from None
    except UnicodeDecodeError:
        raise UsageError(f"{path} is not UTF-8 text") from None


def _write_export(path: str, text: str, store: Any, force: bool) -> None:
    """Write an export without ever destroying something: not the store itself, not a file
    that exists (without --force), and not a device such as /dev/null (written, not replaced)."""
    target = os.path.abspath(path)
    if os.path.exists(target):
        if os.path.exists(store) and os.path.samefile(target, store):
            raise UsageError(f"{path} is the progress store itself: export to another file")
        if os.path.isdir(target):
            raise UsageError(f"{path} is a directory: give a file name, e.g. {path}/progress.json")
        if not os.path.isfile(target):  # a device or a pipe: write into it
            try:
                with open(target, "w", encoding="utf-8") as stream:
                    stream.write(text)
            except OSError as err:
                raise UsageError(f"cannot write {path}: {err.strerror}") from None
            return
        if not force:
            raise UsageError(f"{path} exists already: pass --force to replace it")
    # Through a temporary file and a rename, so that a half-written export never exists.
    directory = os.path.dirname(target)
    temporary = os.path.join(directory, f".{os.path.basename(target)}.{os.getpid()}.tmp")
    try:
        with open(temporary, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temporary, target)
    except OSError as err:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise UsageError(f"cannot write {path}: {err.strerror}") from None


# --- helpers -------------------------------------------------------------------------------------


def _read(expression: str) -> str:
    if expression != "-":
        return expression
    text = sys.stdin.read(_STDIN_LIMIT)
    if not text.strip():
        raise InputError("no expression on stdin", suggestion='echo "x^2" | derivtutor diff -')
    return text.strip()


def _format(requested: Format | None) -> Format:
    if requested is not None:
        return requested
    if os.environ.get("NO_COLOR") or not sys.stdout.isatty():
        return Format.text
    return Format.rich


_COERCED = ("C.UTF-8", "C.utf8", "UTF-8")


def _ascii_only() -> bool:
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


def _several(result: Any, output: Format | None, steps: bool = False) -> None:
    from derivtutor.render.several import render_result

    _emit(render_result(result, _format(output).value, ascii=_ascii_only(), steps=steps))


def _emit(output: Any) -> None:
    """Write a renderer's output: text as it is, a Rich renderable through a console."""
    if isinstance(output, str):
        typer.echo(output, nl=False)
        return
    from derivtutor.render.console import console

    console(ascii=_ascii_only()).print(output)


def _fail(message: str, code: int = 2) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


@contextmanager
def _errors(debug: bool) -> Iterator[None]:
    """Domain errors become exit codes here and only here (DESIGN.md: 2 input, 3 internal)."""
    try:
        yield
    except InputError as err:
        _fail(err.render())
    except DerivtutorError as err:
        _fail(str(err))
    except (typer.Exit, typer.Abort, KeyboardInterrupt):
        raise
    except BrokenPipeError:
        # The reader went away (derivtutor ... | head): not an error of ours. Point stdout at
        # /dev/null so that Python's flush at exit does not complain again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        raise typer.Exit(0) from None
    except Exception as err:  # the last line of defence: a bug, reported briefly
        if debug:
            traceback.print_exc()
        detail = "" if debug else " Rerun with --debug to see the traceback."
        _fail(f"internal error ({type(err).__name__}: {err}). This is a bug.{detail}", code=3)


def _start_engine() -> None:
    """Load the maths, with the parser's grammar cached in the user's own directory."""
    from derivtutor.language.parse import use_grammar_cache

    use_grammar_cache(_grammar_cache())


def _grammar_cache() -> str | None:
    """Where the parser's analysed grammar is kept between runs: the user's own cache dir."""
    home = os.environ.get("DERIVTUTOR_HOME")
    if home:
        directory = os.path.join(home, "cache")
    else:
        from platformdirs import user_cache_dir

        directory = user_cache_dir("derivtutor")
    path = os.path.join(directory, "grammar.lark-cache")
    try:
        os.makedirs(directory, mode=0o700, exist_ok=True)
        # Lark's cache is a pickle: use it only where nobody else can write it.
        for place in (directory, path):
            if os.path.exists(place) and not _private(os.stat(place)):
                return None
    except OSError:
        return None
    return path


def _private(status: os.stat_result) -> bool:
    """Owned by this user and writable by no one else."""
    owner_ok = not hasattr(os, "getuid") or status.st_uid == os.getuid()
    return owner_ok and not status.st_mode & 0o022


def main() -> None:
    """The console script's entry point."""
    _only(sys.argv[1] if len(sys.argv) > 1 else "")
    app()


def _only(name: str) -> None:
    """Keep just the command being run. Typer turns every registered command into a Click
    command before it runs any (about 1 ms each), which `diff`'s start-up budget cannot spare.
    Anything else (no command, an option, a name that is no command) keeps them all, so that
    help and "no such command" stay whole."""
    commands = [c for c in app.registered_commands if _command_name(c) == name]
    groups = [g for g in app.registered_groups if g.name == name]
    if commands or groups:
        app.registered_commands = commands
        app.registered_groups = groups


def _command_name(command: Any) -> str:
    return str(command.name or command.callback.__name__.replace("_", "-"))
