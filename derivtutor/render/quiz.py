"""What a quiz says: the problem, how an answer was read, the verdict, hints, steps, the summary.

Each function gives lines of (text, style); the CLI prints them plainly, or styled through Rich
on a terminal. The style names are Rich's.
"""

from __future__ import annotations

from typing import Any

import sympy as sp

from derivtutor.calculus.differentiation import Differentiation
from derivtutor.errors import InputError
from derivtutor.language.shapes import shape_text
from derivtutor.practice import quiz as q
from derivtutor.practice.problem import Problem
from derivtutor.render import explain as ex
from derivtutor.render.explain import as_written
from derivtutor.render.formats.text import TextWriter
from derivtutor.render.hints import derivative_hints, gradient_hints
from derivtutor.render.say.verdict import message

Lines = list[tuple[str, str]]


class QuizWriter:
    """Renders quiz events as styled lines, in Unicode or ASCII."""

    def __init__(self, *, ascii: bool = False) -> None:
        self.ascii = ascii
        self.writer = TextWriter(ascii=ascii)

    def text(self, segments: list[ex.Segment]) -> str:
        return self.writer.line(segments)

    def prose(self, text: str) -> str:
        return self.writer.prose(text)

    def hints(self, problem: Problem, derivations: tuple[Differentiation, ...]) -> tuple[str, ...]:
        """Generated hints, for a problem that has none of its own."""
        if problem.gradient:
            return tuple(gradient_hints(list(derivations), ascii=self.ascii))
        return tuple(derivative_hints(derivations[0], ascii=self.ascii))

    def partial_f(self, variable: sp.Symbol) -> str:
        d = "d" if self.ascii else "∂"
        return f"{d}f/{d}{self.writer.notation.show(variable)}"

    def event(self, event: q.Event, session: q.Quiz) -> Lines:
        """Any event's lines."""
        if isinstance(event, q.Posed):
            return self.posed(event)
        if isinstance(event, q.Graded):
            return self.graded(event)
        if isinstance(event, q.Unreadable):
            return self.unreadable(event)
        if isinstance(event, q.Hint):
            return self.hint(event, session.hint_text(event))
        if isinstance(event, q.Steps):
            return self.steps(event)
        if isinstance(event, q.Skipped):
            return self.skipped(event)
        if isinstance(event, q.Help):
            return self.help()
        if isinstance(event, q.Empty):
            return self.empty()
        return self.summary(event.summary)

    # --- events --------------------------------------------------------------------------------

    def posed(self, event: q.Posed) -> Lines:
        p = event.problem
        of = f" of {event.total}" if event.total else ""
        head = f"Problem {event.number}{of} · {p.topic} · level {p.level}   [{p.id}]"
        out: Lines = [("", "")]
        if event.climb is not None:
            out.append((self.prose(self.climbed(event.climb)), "bold green"))
        out.append((self.prose(head), "bold cyan"))
        if p.shapes:
            return out + self.posed_matrix(event)
        function = as_written(event.derivations[0].expression)
        if p.gradient:
            symbols = [sp.Symbol(v, real=True) for v in p.variables]
            names = ", ".join(self.writer.notation.show(v) for v in symbols)
            parts = ", ".join(self.partial_f(v) for v in symbols)
            out.append(
                (
                    self.text(
                        [
                            "  Find the gradient of f = ",
                            ex.Math(function, typed=True),
                            f" over ({names}).",
                        ]
                    ),
                    "",
                )
            )
            out.append((self.prose(f"  Type its components, {parts}, separated by commas."), "dim"))
            constants = sorted(function.free_symbols - set(symbols), key=lambda v: v.name)
            if constants:
                held = ", ".join(self.writer.notation.show(v) for v in constants)
                verb = "is a constant" if len(constants) == 1 else "are constants"
                out.append((self.prose(f"  ({held} {verb} here)"), "dim"))
        else:
            result = event.derivations[0]
            d = ex.D(function, result.variable, bool(result.held_constant), result.order)
            out.append(("  " + self.text([d, " = ?"]), "bold"))
            if result.held_constant:
                held = ", ".join(self.writer.notation.show(v) for v in result.held_constant)
                out.append((self.prose(f"  ({held} held constant)"), "dim"))
        if p.domain:
            low, high = (f"{bound:g}".replace("-", "−") for bound in p.domain)
            # Every variable of the function is sampled in the domain, not only the one asked.
            sampled = sorted(function.free_symbols, key=lambda v: v.name)
            where = ", ".join(self.writer.notation.show(v) for v in sampled)
            out.append((self.prose(f"  (answers are checked for {low} ≤ {where} ≤ {high})"), "dim"))
        return out

    def climbed(self, climb: q.Climb) -> str:
        n = climb.needed
        because = f"{n} right in a row at the first try at level {climb.fluent_at}"
        if n == 1:
            because = f"its one problem right at the first try at level {climb.fluent_at}"
        if climb.after != climb.topic:
            return (
                f"Every level of {climb.after} is done ({because}): "
                f"on to {climb.topic}, level {climb.level}."
            )
        return f"Level up in {climb.topic} ({because}): on to level {climb.level}."

    def posed_matrix(self, event: q.Posed) -> Lines:
        """∂f/∂W = ? for f = ‖Wx − y‖², with its shapes and the layout."""
        from derivtutor.render.say.matrix import derivative_name, math

        result: Any = event.derivations[0]
        shapes = ", ".join(
            f"{self.text([math(m)])}: {shape_text(m.shape)}"
            for m in result.shaped.shapes.symbols.values()
            if m in result.expression.free_symbols
        )
        name = self.text(derivative_name(result)).split(" = ")[-1]
        out: Lines = [
            ("  " + self.text([name + " = ?   for f = ", math(result.expression)]), "bold"),
            (self.prose(f"  with {shapes}."), "dim"),
        ]
        if result.derivation.symmetric:
            names = ", ".join(sorted(m.name for m in result.derivation.symmetric))
            out.append((self.prose(f"  ({names} symmetric)"), "dim"))
        kind = result.derivation.kind
        var = self.text([math(result.var)])
        layout = (
            f"a row per entry of f, a column per entry of {var}"
            if kind == "jacobian"
            else f"the shape of {var}, {shape_text(result.var.shape)}"
        )
        out.append(
            (self.prose(f"  (the answer has {layout}; type x^T for a transpose, inv(A), ⊙)"), "dim")
        )
        return out

    def graded(self, event: q.Graded) -> Lines:
        if event.problem.shapes:
            return self.graded_matrix(event)
        out: Lines = []
        gradient = event.problem.gradient
        for verdict in event.verdicts:
            label = ""
            if gradient:
                label = self.partial_f(verdict.variable) + ": "
            read = self.text([label + "read as ", ex.Math(verdict.answer, typed=True)])
            out.append(("  " + read, "dim"))
        if event.correct:
            out.append((self.prose("✓ Correct."), "bold green"))
            return out
        out.append((self.prose("✗ Not quite."), "bold red"))
        for verdict in event.verdicts:
            if verdict.correct:
                continue
            if gradient:
                out.append(("  In " + self.partial_f(verdict.variable) + ":", ""))
            for line in message(verdict, reveal=False):
                out.append(("  " + self.text(line), ""))
        out.append(
            (self.prose("  Try again, or type hint, steps or skip."), "dim"),
        )
        return out

    def graded_matrix(self, event: q.Graded) -> Lines:
        from derivtutor.render.say.matrix import math, verdict_sentences

        verdict: Any = event.verdicts[0]
        out: Lines = []
        if verdict.read_as is not None:
            out.append(("  " + self.text(["read as ", math(verdict.read_as)]), "dim"))
        if verdict.correct:
            out.append((self.prose("✓ Correct."), "bold green"))
            return out
        out.append((self.prose("✗ Not quite."), "bold red"))
        # The last sentence gives the derivative away: kept for steps.
        for sentence in verdict_sentences(verdict)[:-1]:
            out.append((self.prose("  " + sentence), ""))
        out.append((self.prose("  Try again, or type hint, steps or skip."), "dim"))
        return out

    def unreadable(self, event: q.Unreadable) -> Lines:
        error = event.error
        text = error.render() if isinstance(error, InputError) else str(error)
        lines = [(self.prose("  " + line), "yellow") for line in text.splitlines()]
        return [*lines, (self.prose("  (not counted as an attempt: type it again)"), "dim")]

    def hint(self, event: q.Hint, text: str | None) -> Lines:
        if text is None:
            more = "no more hints" if event.total else "no hints for this one"
            return [(self.prose(f"  ({more}: type steps to see the derivation)"), "dim")]
        body = text.splitlines() or [""]
        head = f"  Hint {event.number} of {event.total}: "
        out = [(self.prose(head + body[0]), "magenta")]
        out += [(self.prose(" " * len(head) + line), "magenta") for line in body[1:]]
        return out

    def steps(self, event: q.Steps) -> Lines:
        out: Lines = [(self.prose("  The derivation (this one counts as missed):"), "bold")]
        return out + self.derivation(event.problem, event.derivations)

    def skipped(self, event: q.Skipped) -> Lines:
        """The answer first, then how it is found (the problem counts as missed)."""
        out: Lines = [(self.prose("  Skipped (this one counts as missed). The answer:"), "bold")]
        for result in event.derivations:
            if event.problem.shapes:
                from derivtutor.render.say.matrix import derivative_name, math

                matrix: Any = result
                name = self.text(derivative_name(matrix)).split(" = ")[-1]
                out.append(("    " + self.text([name, " = ", math(matrix.result)]), "bold green"))
                continue
            function = as_written(result.expression)
            d = ex.D(function, result.variable, bool(result.held_constant), result.order)
            out.append(("    " + self.text([d, " = ", ex.Math(result.derivative)]), "bold green"))
        return out + self.derivation(event.problem, event.derivations)

    def derivation(self, problem: Problem, derivations: tuple[Differentiation, ...]) -> Lines:
        from derivtutor.render.formats.text import render_differentiation

        out: Lines = []
        for result in derivations:
            if problem.shapes:
                from derivtutor.render.formats.text import TextPrinter
                from derivtutor.render.say.matrix import matrix_blocks

                matrix: Any = result
                body = str(TextPrinter(ascii=self.ascii).print(matrix_blocks(matrix)))
            else:
                body = render_differentiation(result, ascii=self.ascii)
            out.append(("", ""))
            out += [("  " + line if line else "", "") for line in body.rstrip().splitlines()]
        return out

    def help(self) -> Lines:
        out: Lines = [
            (
                self.prose(
                    "  Type your answer as you would write it, e.g. 3x^2 + 1, or a command:"
                ),
                "",
            )
        ]
        out += [(f"    {name:<6} {what}", "") for name, what in q.COMMANDS.items()]
        return out

    def empty(self) -> Lines:
        return [(self.prose("  Type your answer, or help for the commands."), "dim")]

    def summary(self, summary: q.Summary) -> Lines:
        minutes, seconds = divmod(round(summary.seconds), 60)
        took = f"{minutes} min {seconds} s" if minutes else f"{seconds} s"
        if not summary.answered:
            skipped = f", {summary.skipped} skipped" if summary.skipped else ""
            return [
                ("", ""),
                (
                    self.prose(f"No answers given ({summary.posed} posed{skipped}). Time: {took}."),
                    "bold",
                ),
            ]
        score = f"{summary.solved} of {summary.answered} right"
        if summary.solved:
            first = summary.first_try or "none"
            score += f" ({first} at the first try, without hints)"
        out: Lines = [("", ""), (self.prose(f"Score: {score}."), "bold")]
        extra = []
        if summary.missed:
            skipped = f" ({summary.skipped} of them skipped)" if summary.skipped else ""
            extra.append(f"{summary.missed} missed{skipped}")
        out.append(
            (
                self.prose(
                    f"Problems: {summary.posed} posed"
                    + "".join(f", {e}" for e in extra)
                    + f". Time: {took}."
                ),
                "",
            )
        )
        if summary.mistakes:
            listed = ", ".join(f"{name} ×{n}" for name, n in summary.mistakes.items())
            out.append((self.prose(f"Mistakes by type: {listed}."), ""))
        return out + self.levels(summary)

    def levels(self, summary: q.Summary) -> Lines:
        """What the session did for the learning path: a level up, or a topic done."""
        out: Lines = []
        for topic, was, now in summary.levels:
            if now is None:
                said = f"Every level of {topic} is done: the next quiz goes on to the next topic."
            else:
                said = f"Level up in {topic}: from level {was} to level {now}."
            out.append((self.prose(said), "bold green"))
        return out
