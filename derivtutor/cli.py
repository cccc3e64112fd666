"""The command line: commands only. Each takes its arguments, makes one call into the core and
renders the result once; reading, writing and errors are terminal.py's, the maths the core's.

Heavy modules (SymPy and everything that uses it) are imported inside the commands, so that
``derivtutor --help`` and ``derivtutor rules`` start without loading SymPy.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from typing import Annotated, Any

import typer

from derivtutor import __version__, terminal
from derivtutor.errors import UsageError
from derivtutor.terminal import Detail, ExpressionCommand, Format, ReportFormat

# No help= here: it would replace the callback's docstring, and with it the example in --help.
app = typer.Typer(
    name="derivtutor",
    no_args_is_help=True,
    add_completion=True,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _topics(incomplete: str) -> list[str]:
    """Shell completion of --topic: the bundled bank's topics."""
    from derivtutor.practice.names import topics

    return [t for t in topics() if t.startswith(incomplete)]


def _problem_ids(incomplete: str) -> list[str]:
    """Shell completion of --problem: the bundled bank's problem ids."""
    from derivtutor.practice.names import problem_ids

    return [p for p in problem_ids() if p.startswith(incomplete)]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"derivtutor {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option("--version", "-V", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
    no_pager: Annotated[
        bool, typer.Option("--no-pager", help="Never page the output (anywhere on the line).")
    ] = False,
) -> None:
    """A calculus tutor for the maths behind machine learning: derivatives step by step.

    Example: [bold]derivtutor diff "1/(1+exp(-x))"[/bold]
    """
    if no_pager:
        terminal.paging = False


# --- the options that several commands share -----------------------------------------------------

FormatOption = Annotated[
    Format | None,
    typer.Option(
        "--format",
        metavar="FORMAT",
        help="rich, text, latex, markdown or json. Default: rich on a terminal, text when "
        "piped or NO_COLOR is set.",
        case_sensitive=False,
    ),
]
ReportFormatOption = Annotated[
    ReportFormat | None,
    typer.Option(
        "--format",
        metavar="FORMAT",
        help="rich, text, latex, markdown, json or jsonl (a sheet's rows, one JSON object per "
        "line, as each is decided). Default: rich on a terminal, text when piped.",
        case_sensitive=False,
    ),
]
DetailOption = Annotated[
    Detail | None,
    typer.Option(
        "--detail",
        metavar="LEVEL",
        help="brief: the rules and the result; normal (the default): bookkeeping folded; "
        "full: every step.",
        case_sensitive=False,
        show_default=False,
    ),
]
DebugOption = Annotated[
    bool, typer.Option("--debug", help="Show the traceback of an internal error.")
]
WrtOption = Annotated[
    str | None,
    typer.Option("--wrt", metavar="VAR", help="The variable (needed when there are several)."),
]
OrderOption = Annotated[
    int,
    typer.Option(
        "--order",
        metavar="N",
        min=1,
        max=10_000,
        help="The N-th derivative: every order shown up to 10, and past 10 where they repeat.",
    ),
]
VarsOption = Annotated[
    str | None,
    typer.Option(
        "--vars",
        metavar="X,Y,...",
        help="The variables, in order (default: all of them, alphabetically).",
    ),
]
ShapeOption = Annotated[
    list[str] | None,
    typer.Option(
        "--shape",
        metavar="NAME=SHAPE[,...]",
        help="Declare vectors and matrices: x=n (a column), 1×n (a row), A=n×n, W=m×n. "
        "Repeatable; undeclared names are scalars.",
    ),
]
SymmetricOption = Annotated[
    list[str] | None,
    typer.Option("--symmetric", metavar="NAME", help="A declared square matrix that is symmetric."),
]
StepsOption = Annotated[bool, typer.Option("--steps", help="Show the derivation of every entry.")]
AnswerOption = Annotated[
    bool,
    typer.Option(
        "--answer",
        help="Print only the result: SymPy syntax for text, the LaTeX alone for latex.",
    ),
]
SizeOption = Annotated[
    str,
    typer.Option("--size", metavar="WxH", help="The size of a saved PNG, in pixels."),
]
BankOption = Annotated[
    str | None,
    typer.Option("--bank", metavar="DIR", help="A problem bank to use instead of the bundled one."),
]
BankPath = Annotated[
    str | None,
    typer.Argument(
        metavar="[PATH]",
        help="A bank: a directory of YAML files, or one file. Default: the bundled bank.",
        show_default=False,
    ),
]


def _show(
    result: Any,
    output: Format | None,
    *,
    steps: bool = False,
    detail: Detail | None = None,
    answer: bool = False,
) -> None:
    """Render a result once, in the format asked for, and write it (only its result, with
    ``answer``)."""
    fmt = terminal.output_format(output).value
    if answer:
        from derivtutor.render.show import show_answer

        return terminal.emit(show_answer(result, fmt))
    from derivtutor.render.show import show

    ascii, shown = terminal.ascii_only(), terminal.detail(detail).value
    terminal.emit(show(result, fmt, ascii=ascii, steps=steps, detail=shown), fmt)


# --- derivatives: diff, grad, jacobian, hessian, implicit, check, rules --------------------------


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
    order: OrderOption = 1,
    at: Annotated[
        str | None,
        typer.Option(
            "--at",
            metavar="VAR=VALUE",
            help="Evaluate there, beside a finite-difference estimate (e.g. x=0.5 or x=1,y=2).",
        ),
    ] = None,
    detail: DetailOption = None,
    shape: ShapeOption = None,
    symmetric: SymmetricOption = None,
    entries: Annotated[
        bool,
        typer.Option(
            "--entries",
            help="With --shape: also one entry, written out and derived by the scalar rules.",
        ),
    ] = False,
    answer: AnswerOption = False,
    output: FormatOption = None,
    debug: DebugOption = False,
) -> None:
    """Differentiate EXPR step by step; with --shape, by a vector or matrix.

    Example: [bold]derivtutor diff "1/(1+exp(-x))"[/bold]

    More: [bold]derivtutor diff "x^T A x" --wrt x --shape x=n,A=n×n[/bold]
    """
    with terminal.errors(debug):
        terminal.start_engine()
        if shape:
            text = terminal.read_expression(expr)
            full = terminal.detail(detail) is Detail.full  # SymPy's second opinion too
            result = _diff_matrix(text, wrt, shape, symmetric, at, order, entries, full)
            return _show(result, output, answer=answer)
        if entries:
            raise UsageError("--entries writes out a vector or matrix expression: give --shape")
        from derivtutor.calculus.differentiation import differentiate

        text, wrt = _operator_read(terminal.read_expression(expr), wrt)
        result = differentiate(text, wrt=wrt, order=order, at=at)
        _show(result, output, detail=detail, answer=answer)


def _operator_read(text: str, wrt: str | None) -> tuple[str, str | None]:
    """d/dx x^2: the function, and x as --wrt (which may not name another variable)."""
    from derivtutor.language.inputs import leading_derivative

    named, function = leading_derivative(text)
    if named is None:
        return text, wrt
    if wrt is not None and wrt != named:
        raise UsageError(f"the expression says d/d{named}, and --wrt says {wrt}: give one")
    return function, named


def _diff_matrix(
    text: str,
    wrt: str | None,
    shape: list[str],
    symmetric: list[str] | None,
    at: str | None,
    order: int,
    entries: bool = False,
    second_opinion: bool = False,
) -> Any:
    """The derivative by a vector or matrix (calculus/matrix_derivative.py)."""
    from derivtutor.calculus.matrix_derivative import matrix_derivative

    if order != 1:
        raise UsageError(
            "--order is for scalar functions; with --shape the derivative is first order"
        )
    return matrix_derivative(
        text,
        wrt=wrt,
        shapes=shape,
        symmetric=symmetric or (),
        at=at,
        entries=entries,
        second_opinion=second_opinion,
    )


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
    detail: DetailOption = None,
    shape: ShapeOption = None,
    symmetric: SymmetricOption = None,
    answer: AnswerOption = False,
    output: FormatOption = None,
    debug: DebugOption = False,
) -> None:
    """The gradient of EXPR: each component derived as a partial derivative; with --shape,
    by a vector or matrix (--vars names it).

    Example: [bold]derivtutor grad "(w*x + b - y)^2" --vars w,b[/bold]
    """
    with terminal.errors(debug):
        terminal.start_engine()
        if shape:
            text = terminal.read_expression(expr)
            return _show(_diff_matrix(text, vars, shape, symmetric, at, 1), output, answer=answer)
        from derivtutor.calculus.multivar import gradient

        result = gradient(terminal.read_expression(expr), vars, at)
        _show(result, output, detail=detail, answer=answer)


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
    detail: DetailOption = None,
    answer: AnswerOption = False,
    output: FormatOption = None,
    debug: DebugOption = False,
) -> None:
    """The Jacobian matrix of EXPR1 EXPR2 ...: one row per function, one column per variable.

    Example: [bold]derivtutor jacobian "x y" "x + y^2"[/bold]

    More: [bold]derivtutor jacobian --softmax 3 --steps[/bold]
    """
    with terminal.errors(debug):
        terminal.start_engine()
        if softmax is not None:
            if exprs:
                raise UsageError("give either expressions or --softmax, not both")
            from derivtutor.ml.softmax import softmax_jacobian

            _show(softmax_jacobian(softmax), output, steps=steps, detail=detail, answer=answer)
        else:
            from derivtutor.calculus.multivar import jacobian as jacobian_of

            texts = [terminal.read_expression(e) for e in exprs or []]
            _show(jacobian_of(texts, vars), output, steps=steps, detail=detail, answer=answer)


@app.command(cls=ExpressionCommand)
def hessian(
    expr: Annotated[str, typer.Argument(help='The function, e.g. "x^2 y + sin(y)".')],
    vars: VarsOption = None,
    steps: StepsOption = False,
    detail: DetailOption = None,
    answer: AnswerOption = False,
    output: FormatOption = None,
    debug: DebugOption = False,
) -> None:
    """The Hessian of EXPR: every second partial derivative, each mixed one derived once.

    Example: [bold]derivtutor hessian "x^2 y + sin(y)"[/bold]
    """
    with terminal.errors(debug):
        from derivtutor.calculus.multivar import hessian as hessian_of

        terminal.start_engine()
        result = hessian_of(terminal.read_expression(expr), vars)
        _show(result, output, steps=steps, detail=detail, answer=answer)


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
    detail: DetailOption = None,
    answer: AnswerOption = False,
    output: FormatOption = None,
    debug: DebugOption = False,
) -> None:
    """dy/dx from an equation, by implicit differentiation (the only command that takes '=').

    Example: [bold]derivtutor implicit "x^3 + y^3 = 6 x y"[/bold]
    """
    with terminal.errors(debug):
        from derivtutor.calculus.implicit import implicit as implicit_of

        terminal.start_engine()
        text = terminal.read_expression(equation)
        result = implicit_of(text, wrt=wrt, dependent=dependent)
        _show(result, output, detail=detail, answer=answer)


@app.command(cls=ExpressionCommand)
def check(
    function: Annotated[
        str | None, typer.Argument(help='The function, e.g. "sin(x^2)".', show_default=False)
    ] = None,
    answer: Annotated[
        str | None,
        typer.Argument(help='Your derivative, e.g. "2x cos(x^2)".', show_default=False),
    ] = None,
    wrt: WrtOption = None,
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
            help="A YAML or CSV sheet of rows: function, answer, id, wrt, order. '-' reads stdin.",
        ),
    ] = None,
    jobs: Annotated[
        int | None,
        typer.Option(
            "--jobs", metavar="N", help="Processes for a sheet (default: one per core).", min=1
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
    order: OrderOption = 1,
    detail: DetailOption = None,
    shape: ShapeOption = None,
    symmetric: SymmetricOption = None,
    output: ReportFormatOption = None,
    debug: DebugOption = False,
) -> None:
    """Check ANSWER as the derivative of FUNCTION, and name the mistake if it is wrong.

    Exit code 0 when correct, 1 when incorrect, 2 for bad input or an undecided verdict.

    Example: [bold]derivtutor check "sin(x^2)" "cos(x^2)"[/bold]

    More: [bold]derivtutor check "x^2 y + sin(y)" --grad "2x y, x^2 + cos(y)"[/bold]   and
    [bold]derivtutor check --file homework.yaml[/bold]
    """
    with terminal.errors(debug, bounded=file is None):
        terminal.start_engine()
        if file is not None:
            given = bool(function or answer or grad)
            code = _mark_sheet(file, given=given, order=order, jobs=jobs, output=output)
        else:
            result = _checked(
                function,
                answer,
                wrt=wrt,
                grad=grad,
                domain=terminal.domain(domain),
                order=order,
                shape=shape,
                symmetric=symmetric,
                steps=steps,
            )
            _show(result, _one_answer(output), steps=steps, detail=detail)
            code = terminal.exit_code(result)
    raise typer.Exit(code)


def _mark_sheet(
    file: str, *, given: bool, order: int, jobs: int | None, output: ReportFormat | None
) -> int:
    """A whole sheet, marked on every core (or ``jobs``) and reported as it goes."""
    if order != 1:
        raise UsageError("--order checks one answer: a sheet has its own order column")
    if given:
        raise UsageError("--file checks a whole sheet: give no FUNCTION, ANSWER or --grad")
    from derivtutor import parallel

    source = terminal.SheetSource(file)
    marked = parallel.marked(source.rows(), jobs=jobs, bound=terminal.row_bound)
    return terminal.report_sheet(source, marked, output)


def _one_answer(output: ReportFormat | None) -> Format | None:
    if output is ReportFormat.jsonl:
        raise UsageError("--format jsonl writes a sheet's rows (check --file); use --format json")
    return None if output is None else Format(output.value)


def _checked(
    function: str | None,
    answer: str | None,
    *,
    wrt: str | None,
    grad: str | None,
    domain: str | None,
    order: int = 1,
    shape: list[str] | None = None,
    symmetric: list[str] | None = None,
    steps: bool = False,
) -> Any:
    """check's forms for one function, by which of its arguments were given: a gradient, one
    answer, or (with shapes) a vector or matrix answer. An answer's left side (f'(x) =, y =)
    is dropped, as the quiz drops it."""
    from derivtutor.language.inputs import answer_side

    read = terminal.read_expression
    if answer is not None:
        answer = answer_side(read(answer))
    if function is not None and not shape:
        function, wrt = _operator_read(read(function), wrt)  # d/dx x^2 names the variable
    if shape and function is not None and answer is not None:
        from derivtutor.grading.matrix_check import check_matrix

        if grad is not None or order != 1:
            raise UsageError("with --shape, check one answer of first order: no --grad, --order")
        return check_matrix(
            read(function),
            read(answer),
            wrt=wrt,
            shapes=shape,
            symmetric=symmetric or (),
            steps=steps,
        )
    if order != 1 and grad is not None:
        raise UsageError("--order checks one answer: a gradient has first derivatives")
    if function is None:
        raise UsageError('give FUNCTION and ANSWER, e.g. derivtutor check "x^2" "2x"')
    if grad is not None:
        if answer is not None:
            raise UsageError("with --grad, the answer is the --grad list: give no ANSWER")
        from derivtutor.grading.verdict import check_gradient

        return check_gradient(read(function), grad, domain=domain)
    if answer is None:
        raise UsageError("give the ANSWER to check after the FUNCTION")
    from derivtutor.grading.verdict import check as check_answer

    return check_answer(read(function), read(answer), wrt=wrt, domain=domain, order=order)


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
    from derivtutor.render.show import show_rules

    with terminal.errors(debug=False):
        rows = entries(name)
        if not rows:
            raise UsageError(f"no rule called {name!r}. Known rules: {', '.join(rule_ids())}")
        fmt = terminal.output_format(output, latex=False).value
        terminal.emit(show_rules(rows, fmt, ascii=terminal.ascii_only()), fmt)


@app.command("config")
def config_command(output: FormatOption = None) -> None:
    """The settings in force (format, detail, domain, color, pager) and where each comes
    from: the defaults, your config.toml, or NO_COLOR. Command-line options win over them.

    Example: [bold]derivtutor config[/bold]
    """
    from derivtutor import config
    from derivtutor.render.show import show_config

    with terminal.errors(debug=False):
        found, where = list(config.settings().values()), config.path()
        fmt = terminal.output_format(output, latex=False).value
        terminal.emit(show_config(found, str(where), where.exists(), fmt), fmt)


# --- problem banks -------------------------------------------------------------------------------

bank_app = typer.Typer(
    no_args_is_help=True, context_settings={"help_option_names": ["-h", "--help"]}
)
app.add_typer(
    bank_app,
    name="bank",
    help="List or validate a problem bank."
    "\n\nExample: [bold]derivtutor bank validate mybank/[/bold]",
)


@bank_app.command("list")
def bank_list(path: BankPath = None, output: FormatOption = None) -> None:
    """Show the topics of a bank, with problem counts by level.

    Example: [bold]derivtutor bank list[/bold]
    """
    import shlex

    from derivtutor.practice.bank import load_bank
    from derivtutor.render.show import show_bank

    with terminal.errors(debug=False, bounded=False):
        bank = load_bank(path)
        fmt = terminal.output_format(output, latex=False).value
        terminal.emit(show_bank(bank, fmt), fmt)
        if bank.errors:
            count = len(bank.errors)
            terminal.fail(
                f"{count} error{'s' * (count != 1)} in the bank: problems with errors are not "
                f"listed. See derivtutor bank validate {shlex.quote(bank.root)}"
            )


@bank_app.command("validate")
def bank_validate(path: BankPath = None, output: FormatOption = None) -> None:
    """Check a bank: schema, expressions, ids, and every stated answer against the engine.

    Every error is reported with its file, line and problem id; the exit code is 2 if any.

    Example: [bold]derivtutor bank validate mybank/[/bold]
    """
    from derivtutor.practice.validation import validation
    from derivtutor.render.show import show_validation

    with terminal.errors(debug=False, bounded=False):
        # The engine is started only if the bank must be checked: a result found in the cache
        # prints without SymPy.
        found = validation(
            path, bound=terminal.row_bound, run=_on_every_core, prepare=terminal.start_engine
        )
        fmt = terminal.output_format(output, latex=False).value
        terminal.emit(show_validation(found, fmt), fmt)
        if found.errors:
            terminal.fail(f"the bank at {found.root} has errors")


def _on_every_core(check: Any, files: list[Any]) -> Iterator[Any]:
    """check over a bank's files on every core, with a progress bar once it takes over a
    second."""
    from derivtutor import parallel

    with terminal.progress(len(files), label="validating files", after=1.0) as advance:
        for result in parallel.mapped(check, files, chunk=1):
            advance()
            yield result


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
    with terminal.errors(debug):
        from derivtutor import plot as plotting
        from derivtutor.ml.descent import descend as run_descent

        terminal.start_engine()
        pixels, fmt = plotting.parse_size(size), terminal.output_format(output)
        plotting.check_png(save)
        if plot and fmt.for_programs:
            raise UsageError(
                f"--plot draws in the terminal, which would spoil the {fmt.value} on stdout: "
                "leave it out, or use --save FILE.png"
            )
        if plot or save:
            plotting.require_plotting(terminal=plot, png=save is not None)
        run = run_descent(terminal.read_expression(expr), start, lr, iterations, tol)
        _show(run, fmt)
        if plot:
            ascii, color = terminal.ascii_only(), fmt.coloured
            typer.echo(plotting.descent_plot(run, terminal.terminal_size(), color, ascii))
        if save:
            plotting.save_descent(run, save, pixels)
            terminal.say(f"Saved the path to {save}")


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
    shape: ShapeOption = None,
    output: FormatOption = None,
    debug: DebugOption = False,
) -> None:
    """Backpropagation through EXPR's computation graph: forward values, backward gradients;
    with --shape, a network in matrix form, a layer at a time.

    Example: [bold]derivtutor backprop "sigmoid(w*x + b)" --at x=1,w=0.5,b=0.1[/bold]

    More: [bold]derivtutor backprop "cross_entropy(softmax(W2 tanh(W1 x + b1) + b2), y)"
    --shape x=n,W1=m×n,b1=m,W2=k×m,b2=k,y=k[/bold]
    """
    with terminal.errors(debug):
        from derivtutor.ml.backprop import backprop as run_backprop
        from derivtutor.ml.backprop import example as run_example

        terminal.start_engine()
        if shape:
            from derivtutor.ml.layers import layers

            return _show(layers(terminal.read_expression(expr or "-"), shapes=shape, at=at), output)
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
            run = run_backprop(terminal.read_expression(expr), at)
        _show(run, output)


@app.command(cls=ExpressionCommand)
def plot(
    expr: Annotated[
        str,
        typer.Argument(help="The function to draw with its derivative.", show_default=False),
    ],
    wrt: WrtOption = None,
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
    with terminal.errors(debug):
        from derivtutor import plot as plotting

        pixels = plotting.parse_size(size)
        plotting.check_png(save)
        interval = plotting.parse_range(x_range)
        plotting.require_plotting(terminal=save is None, png=save is not None)
        terminal.start_engine()
        ascii = terminal.ascii_only()
        text = terminal.read_expression(expr)
        drawn = plotting.plotted_function(text, wrt, interval, ascii=ascii)
        if save:
            plotting.save_function_plot(drawn, save, pixels)
            terminal.say(f"Saved f and f' to {save}")
            return
        color = terminal.output_format(None).coloured
        size_here = terminal.terminal_size()
        typer.echo(plotting.terminal_function_plot(drawn, size_here, color=color, ascii=ascii))


# --- practice: quiz, review, stats, progress -----------------------------------------------------


@app.command()
def quiz(
    topic: Annotated[
        str | None,
        typer.Option(
            "--topic", metavar="T", help="Only this topic (see bank list).", autocompletion=_topics
        ),
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
        str | None,
        typer.Option(
            "--problem", metavar="ID", help="Just this problem, by id.", autocompletion=_problem_ids
        ),
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

    Without --level, --problem or --seed, the learning path: topics in curriculum order, each
    from level 1, a level up after 3 right in a row at the first try. At the prompt, type your
    answer, or hint, steps, skip, quit or help.

    Example: [bold]derivtutor quiz --topic chain-rule --count 5[/bold]
    """
    with terminal.errors(debug, bounded=False):
        from derivtutor.practice.session import gradable, open_store, planned, usable
        from derivtutor.practice.validation import loaded_bank

        terminal.start_engine()
        if generate:
            from derivtutor.practice.generate import TOPICS, generated

            if problem is not None or bank is not None:
                raise UsageError(
                    "--generate composes new problems: it takes neither --problem nor --bank"
                )
            if topic is not None and topic not in TOPICS:
                raise UsageError(f"no generator for {topic!r}. Topics: {', '.join(TOPICS)}")
            terminal.quiz(generated(topic, level, seed), count, open_store())
            return
        store, loaded = open_store(), usable(loaded_bank(bank))
        problems, total, path = planned(
            loaded, store, topic=topic, level=level, count=count, problem=problem, seed=seed
        )
        terminal.quiz(gradable(problems, terminal.say, terminal.row_bound), total, store, path)


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

    with terminal.errors(debug, bounded=False):
        from derivtutor.practice.quiz import review_selection
        from derivtutor.practice.session import gradable, open_store, usable
        from derivtutor.practice.validation import loaded_bank
        from derivtutor.render.say.progress import next_review_text

        terminal.start_engine()
        store = open_store()
        loaded = usable(loaded_bank(bank))
        due = [problem for problem, _ in store.due(time.time())]
        chosen, due_count = review_selection(list(loaded.problems), due, store.seen(), count)
        if not chosen:
            typer.echo(next_review_text(store.next_due(loaded.by_id())))
            return
        typer.echo(f"{due_count} due for review, {len(chosen) - due_count} new.")
        terminal.quiz(gradable(chosen, terminal.say, terminal.row_bound), len(chosen), store)


@app.command()
def stats(output: FormatOption = None) -> None:
    """Your progress per topic: level, accuracy, right in a row, when next due; what is due
    today and this week, the days in a row, and your mistakes by type.

    Example: [bold]derivtutor stats --format json[/bold]
    """
    import time

    with terminal.errors(debug=False, bounded=False):
        from derivtutor.practice.report import report
        from derivtutor.practice.session import open_store
        from derivtutor.render.show import show_stats

        found = report(open_store(create=False), time.time())
        fmt = terminal.output_format(output, latex=False).value
        terminal.emit(show_stats(found, fmt, ascii=terminal.ascii_only()), fmt)


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

    with terminal.errors(debug=False, bounded=False):
        from derivtutor.practice.progress import write_export
        from derivtutor.practice.session import open_store

        store = open_store(create=False)
        data = json.dumps(store.export(), ensure_ascii=False, indent=2) + "\n"
        if file == "-":
            typer.echo(data, nl=False)
            return
        write_export(file, data, store.path, force)
        count = len(store.attempts())
        terminal.say(f"Exported {count} attempt{'s' * (count != 1)} to {file}")


@progress_app.command("import")
def progress_import(
    file: Annotated[str, typer.Argument(help="A JSON file from progress export; '-' for stdin.")],
) -> None:
    """Merge an exported history into yours (records you already have are skipped).

    Example: [bold]derivtutor progress import progress.json[/bold]
    """
    with terminal.errors(debug=False, bounded=False):
        from derivtutor.practice.progress import load_export
        from derivtutor.practice.session import open_store

        data = load_export(terminal.read_text(file), file)
        attempts, reviews = open_store().import_history(data)
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
    with terminal.errors(debug=False, bounded=False):
        from derivtutor.practice.session import open_store

        store = open_store(create=False)
        if not store.exists:
            typer.echo("There is no progress to reset.")
            return
        count = len(store.attempts())
        question = (
            f"Delete all {count} attempt{'s' * (count != 1)} and every review schedule in "
            f"{store.path}? (derivtutor progress export FILE keeps a copy)"
        )
        if not yes and not terminal.confirm(question):
            typer.echo("Nothing was deleted.")
            return
        attempts, _ = store.reset()
        typer.echo(
            f"Deleted {attempts} attempt{'s' * (attempts != 1)}; your progress starts afresh."
        )


# --- help that fits the terminal -----------------------------------------------------------------


def _reflowed(doc: str | None) -> str | None:
    """A docstring as help: each paragraph one line, for Rich to fold at the terminal's width
    (kept as written, the source's own line breaks would show, ragged)."""
    if doc is None:
        return None
    import inspect

    paragraphs = inspect.cleandoc(doc).split("\n\n")
    return "\n\n".join(" ".join(line.strip() for line in p.splitlines()) for p in paragraphs)


def _reflow(typer_app: typer.Typer) -> None:
    for info in typer_app.registered_commands:
        info.help = _reflowed(info.help or (info.callback.__doc__ if info.callback else None))
    for group in typer_app.registered_groups:
        group.help = _reflowed(group.help) if isinstance(group.help, str) else group.help
        if group.typer_instance is not None:
            _reflow(group.typer_instance)
    callback = typer_app.registered_callback
    if callback is not None and callback.callback is not None:
        callback.help = _reflowed(callback.help or callback.callback.__doc__)


_reflow(app)


# --- the console script --------------------------------------------------------------------------


def main() -> None:
    """The console script's entry point."""
    from derivtutor.startup import defer_tensors

    terminal.bound_process()
    defer_tensors()  # SymPy's first sum would load its tensor module: 60 ms that diff needs
    _no_pager_anywhere()
    _completion_for_the_shell_named()
    first = sys.argv[1] if len(sys.argv) > 1 else ""
    _not_a_command(first)
    _only(first)
    try:
        app()
    except SystemExit as done:
        terminal.exit_now(done.code)


def _no_pager_anywhere() -> None:
    """--no-pager is git's switch before the command; here it is taken anywhere before a
    '--' (after one, it would be an expression)."""
    words = sys.argv[1:]
    end = words.index("--") if "--" in words else len(words)
    if "--no-pager" in words[:end]:
        terminal.paging = False
        words.remove("--no-pager")
        sys.argv[1:] = words


_SHELLS = ("bash", "zsh", "fish", "powershell", "pwsh")


def _completion_for_the_shell_named() -> None:
    """`derivtutor --show-completion zsh` prints zsh's script. Typer takes a shell name only
    with its shell detection off; on, it prints the script of the shell it detects and leaves
    the name as a stray argument. A name given is the one meant."""
    words = sys.argv[1:]
    for n, word in enumerate(words[:-1]):
        if word in ("--show-completion", "--install-completion") and words[n + 1] in _SHELLS:
            os.environ["_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION"] = "1"


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


def _not_a_command(first: str) -> None:
    """derivtutor "x^2", with no command: an expression where a command was expected is
    answered with the command it surely meant, not Click's "no such command"."""
    names = {_command_name(c) for c in app.registered_commands} | {
        str(g.name) for g in app.registered_groups
    }
    if not first or first.startswith("-") or first in names:
        return
    word = first.replace("-", "").replace("_", "")
    if word.isalpha() and len(word) > 1:
        return  # a mistyped command: Click names the commands
    from derivtutor.controls import visible

    quoted = f'"{first}"' if '"' not in first and "$" not in first else f"'{first}'"
    typer.echo(
        f"error: {visible(quoted)} is not a command: did you mean derivtutor diff "
        f"{visible(quoted)}?",
        err=True,
    )
    terminal.exit_now(2)


def _command_name(command: Any) -> str:
    return str(command.name or command.callback.__name__.replace("_", "-"))
