"""Long lines folded at the terminal's width, as a teacher breaks them on the board: between the
parts of a sentence or an equation, never inside a word or an expression's brackets, and each
continuation indented under the text it continues (a hanging indent).

Plain text in, plain text out: no maths. The text printer's output, the quiz's lines and the
error messages are folded here at the edge; the rich format folds its tree labels with the same
cuts (``cuts``), at the width Rich gives each label.
"""

from __future__ import annotations

import re

_OPENING = "([{⟨"
_CLOSING = ")]}⟩"
# After one of these (with a space before it), a line is not cut: the operator starts the next
# line instead, as a book sets a long sum.
_OPERATORS = set("+-−=×·/→<>≤≥")
# Before one of these a line is not cut either: "= 2" at a line's end reads as the result, when
# "· (1/x)" follows on the next. A product stays whole; a sum or a new "=" may start a line.
_BINDING = set("·×/^<>≤≥")
# A label the continuation lines are indented past: a step's number, "Result:", a hint's head.
_LABEL = re.compile(
    r"\s*(?:\d+(?:\.\d+)*\.?|Result:|Read as:|Verdict:|Hint \d+ of \d+:|error:|[✓✗•-]|so)\s+"
)
# A derivation's line: the operator applied, d/dx [f] (prose quotes a rule as d/dx f(u)).
_DERIVATIVE = re.compile(r"[d∂]/[d∂]\S+ \[")
# A line's text that ends in "= x", one term after an equals sign.
_LONE_RESULT = re.compile(r"= [^ ]+$")
MIN_TEXT = 24  # a continuation keeps at least this many columns for its text


def hanging(line: str, width: int) -> int:
    """How far a line's continuations are indented: past its label, else two past its own
    indent; never so far that less than MIN_TEXT columns are left."""
    label = _LABEL.match(line)
    indent = label.end() if label else len(line) - len(line.lstrip(" ")) + 2
    return max(0, min(indent, width - MIN_TEXT))


def cuts(line: str, width: int, hang: int | None = None) -> list[int]:
    """Where to cut ``line`` (at spaces, which are dropped) so that every piece fits ``width``
    columns, continuations indented by ``hang``. Each cut is at the best place that fits
    (_places): between words or before an "=", else before a + or −, and inside brackets only
    where nothing else fits; a word longer than the line overflows on a line of its own rather
    than being split."""
    if hang is None:
        hang = hanging(line, width)
    ranks = _places(line)
    out: list[int] = []
    start, room = 0, width
    while len(line) - start > room:
        limit = start + room
        fitting = [i for i in ranks if start < i <= limit]
        if fitting:
            best = min(ranks[i] for i in fitting)
            fitting = [i for i in fitting if ranks[i] == best]
        # A derivative's chain of equations is cut before an "=", as a book sets it, where one
        # falls in the second half of the line (a sentence that quotes a formula is not one).
        chain = _DERIVATIVE.search(line) is not None
        equals = [
            i for i in fitting if chain and line[i + 1 : i + 3] == "= " and i > start + room // 2
        ]
        # A word longer than the room: it overflows alone, and the line goes on after it.
        beyond = [i for i in ranks if i > limit][:1]
        if not (fitting or beyond):
            break
        cut = (equals or fitting or beyond)[-1]
        out.append(cut)
        start = cut + 1
        while start < len(line) and line[start] == " ":
            start += 1
        room = width - hang
    return out


def _places(line: str) -> dict[int, int]:
    """Each space of ``line`` (past the indent) and how good a place to cut it is, best
    first: 0 between words or before an "=", at the top level; 1 before a top-level + or −;
    2 elsewhere at the top level; 3 and more inside brackets, deeper the worse. Never right
    after an operator, nor between d/dx and its bracket, where another place fits."""
    depth, bars = 0, 0
    ranks: dict[int, int] = {}
    indent = len(line) - len(line.lstrip(" "))
    for i, ch in enumerate(line):
        if ch in _OPENING:
            depth += 1
        elif ch in _CLOSING:
            depth = max(0, depth - 1)
        elif ch == "|":
            # A bar opens where a term starts and closes where one ends: |2x + 1|.
            opens = i + 1 < len(line) and line[i + 1] != " " and (i == 0 or line[i - 1] in " (")
            bars = bars + 1 if opens or bars == 0 else bars - 1
        elif ch == " " and i > indent and line[i - 1] != " ":
            after_operator = line[i - 1] in _OPERATORS and (i < 2 or line[i - 2] == " ")
            operator_call = line[i + 1 : i + 2] == "["  # d/dx [f]: the operator and its bracket
            following = line[i + 1 : i + 2]
            nested = depth + bars
            if following in _BINDING | set("+-−") and _LONE_RESULT.search(line, 0, i):
                continue  # "= 1" then "− tanh²(x)": the line would end in a false result
            if nested or after_operator or operator_call:
                ranks[i] = 3 + nested + after_operator + operator_call
            elif following == "=" or following not in (_BINDING | set("+-−")):
                ranks[i] = 0
            else:
                ranks[i] = 1 if following in "+-−" else 2
    return ranks


def wrap(line: str, width: int) -> list[str]:
    """``line`` folded to ``width`` columns, continuations under its text."""
    if len(line) <= width:
        return [line]
    hang = hanging(line, width)
    pieces: list[str] = []
    start = 0
    for cut in [*cuts(line, width, hang), len(line)]:
        piece = line[start:cut].rstrip()
        pieces.append(piece if not pieces else " " * hang + piece.lstrip())
        start = cut + 1
    return pieces


def wrap_text(text: str, width: int | None) -> str:
    """Every line of ``text`` folded to ``width`` (None: as it is)."""
    if width is None:
        return text
    end = "\n" if text.endswith("\n") else ""
    lines = text[: len(text) - len(end)].split("\n")
    return "\n".join(piece for line in lines for piece in wrap(line, width)) + end


def wrap_message(text: str, width: int | None) -> str:
    """An error message folded to ``width``, but for the input it echoes and the caret under
    it, which must stay as they are to point at the column."""
    if width is None:
        return text
    lines = text.split("\n")
    caret = {n for n, line in enumerate(lines) if line.strip() == "^"}
    kept = caret | {n - 1 for n in caret}
    out: list[str] = []
    for n, line in enumerate(lines):
        out.extend([line] if n in kept else wrap(line, width))
    return "\n".join(out)
