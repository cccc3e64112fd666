"""LaTeX -> the plain syntax: a front end of the same grammar, not a second parser.

Students copy maths from lecture notes and Overleaf, so ``\\frac{1}{1+e^{-x}}`` is read as
``((1)/(1+e^(-x)))`` would be typed. The translation is text to text, with a column map, and
the plain text then goes through scan.py and parse.py like anything typed: the same whitelist of
names, the same bounds, nothing executed, and every error's caret on the LaTeX the user wrote.

Only the maths a derivative needs is read: ``\\frac`` (and ``\\dfrac``, ``\\tfrac``),
``\\sqrt`` and ``\\sqrt[n]``, ``^{}`` and ``_{}``, ``\\cdot`` and ``\\times``, ``\\left(`` and
``\\right)``, the named functions (``\\sin``, ``\\ln``, ``\\operatorname{...}``,
``\\mathrm{ReLU}``), Greek letters, ``|x|`` and ``\\lvert x \\rvert``. A function written without
parentheses takes the factor after it, as a book sets it: ``\\sin 2x`` is sin(2x) and
``\\ln x^2`` is ln(x²). Anything else (``\\int``, ``\\sum``, ``\\infty``) is refused at its column,
with what to write instead.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from derivtutor.errors import InputError, Message, Parameter, Words
from derivtutor.language.vocabulary import classify

# Deeper brace nesting than the grammar's own bound is refused before the translation recurses.
MAX_BRACES = 40

_FUNCTIONS = {
    **{
        name: name
        for name in (
            "sin cos tan cot sec csc arcsin arccos arctan arccot arcsec arccsc sinh cosh tanh "
            "coth sech csch arsinh arcosh artanh arcsinh arccosh arctanh exp ln log max min"
        ).split()
    },
    "sgn": "sign",
    "sigma": "σ",  # σ(x), the sigmoid, as the plain syntax reads σ
}
# Names that \operatorname{...} and \mathrm{...} may hold, in any case: ReLU is relu.
_NAMED = {
    **{name: name for name in _FUNCTIONS if name != "sigma"},
    "sgn": "sign",
    "sign": "sign",
    "relu": "relu",
    "sigmoid": "sigmoid",
    "softplus": "softplus",
    "abs": "abs",
    "heaviside": "heaviside",
    "asin": "asin",
    "acos": "acos",
    "atan": "atan",
    "asinh": "asinh",
    "acosh": "acosh",
    "atanh": "atanh",
}
_GREEK = {
    **{
        name: name
        for name in (
            "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi rho tau "
            "upsilon phi chi psi omega Gamma Delta Theta Lambda Xi Phi Psi Omega Upsilon"
        ).split()
    },
    "varepsilon": "epsilon",
    "vartheta": "theta",
    "varphi": "phi",
    "varrho": "rho",
    "pi": "pi",
}
_SYMBOLS = {
    "cdot": "*",
    "times": "*",
    "ast": "*",
    "div": "/",
    "lvert": "|",
    "rvert": "|",
    "vert": "|",
    "mid": "|",
    "lVert": "‖",
    "rVert": "‖",
    "Vert": "‖",
    "|": "‖",
    "{": "(",
    "}": ")",
    "lbrace": "(",
    "rbrace": ")",
    "lbrack": "(",
    "rbrack": ")",
    "top": "T",
    "intercal": "T",
    "e": "e",
}
# Commands that only set spacing or size: read as a space.
_SPACING = {
    ",",
    ";",
    ":",
    "!",
    " ",
    "quad",
    "qquad",
    "displaystyle",
    "textstyle",
    "left",
    "right",
    "bigl",
    "bigr",
    "Bigl",
    "Bigr",
    "big",
    "Big",
    "biggl",
    "biggr",
    "Biggl",
    "Biggr",
}
_FRACTIONS = {"frac", "dfrac", "tfrac", "cfrac"}
# What sizes a delimiter: \left| … \right|, \bigl( … \bigr).
_SIZED = {"left", "bigl", "Bigl", "big", "Big", "biggl", "Biggl"}
_LETTERING = {"operatorname", "mathrm", "text", "textrm", "mathit", "mathbf", "boldsymbol", "bm"}
_DERIVATIVES_ONLY = 'derivtutor does derivatives; check an integral F of f with check "F" "f"'
_REFUSED = {
    "int": _DERIVATIVES_ONLY,
    "iint": _DERIVATIVES_ONLY,
    "oint": _DERIVATIVES_ONLY,
    "lim": "derivtutor does derivatives, not limits.",
    "sum": "write the terms out: x_1 + x_2 + x_3.",
    "prod": "write the factors out: x_1 x_2 x_3.",
    "infty": "infinity is not a number to work with: give a function of a variable.",
    "partial": "give the function alone, and name the variable to differentiate by.",
    "pm": "± stands for two expressions: give one of them.",
    "mp": "∓ stands for two expressions: give one of them.",
    "cdots": "write every term out.",
    "ldots": "write every term out.",
    "dots": "write every term out.",
}
_RELATIONS = {"le", "leq", "ge", "geq", "lt", "gt", "neq", "ne", "approx", "to", "rightarrow"}

_LATEX = re.compile(r"\\|[{}]|^\s*\$")


def is_latex(text: str) -> bool:
    """True for text in LaTeX: a backslash, a brace or a leading $, none of which the plain
    syntax uses."""
    return _LATEX.search(text) is not None


def from_latex(text: str) -> tuple[str, list[int]]:
    """The plain syntax for LaTeX ``text``, and for each of its characters the column (from 1)
    in ``text`` that it came from. Raises InputError at the column of what cannot be read."""
    return _Translation(text).run()


class _Token:
    __slots__ = ("kind", "value", "column")

    def __init__(self, kind: str, value: str, column: int) -> None:
        self.kind = kind  # "cmd" (\name or \,), "{", "}", or "char"
        self.value = value
        self.column = column


def _tokens(text: str) -> list[_Token]:
    out: list[_Token] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\\":
            j = i + 1
            while j < len(text) and text[j].isascii() and text[j].isalpha():
                j += 1
            if j == i + 1:
                j = min(i + 2, len(text))  # a control symbol: \, \; \| \{
            name = text[i + 1 : j]
            if not name:
                raise InputError(
                    "a backslash must start a LaTeX command",
                    text=text,
                    column=i + 1,
                    suggestion="remove it, or finish the command, e.g. \\frac{1}{x}.",
                )
            out.append(_Token("cmd", name, i + 1))
            i = j
            continue
        out.append(_Token(ch if ch in "{}" else "char", ch, i + 1))
        i += 1
    return _without_delimiters(out, text)


def _without_delimiters(tokens: list[_Token], text: str) -> list[_Token]:
    """Maths as pasted with its delimiters: $…$, $$…$$, \\(…\\) and \\[…\\]."""
    body = [t for t in tokens if not (t.kind == "char" and t.value.isspace())]
    if not body:
        return tokens
    first, last = body[0], body[-1]
    pairs = {"(": ")", "[": "]"}
    if first.kind == "cmd" and first.value in pairs:
        if last.kind == "cmd" and last.value == pairs[first.value]:
            return [t for t in tokens if t is not first and t is not last]
        return tokens
    dollars = [t for t in tokens if t.kind == "char" and t.value == "$"]
    if dollars and first in dollars and last in dollars and len(dollars) in (2, 4):
        return [t for t in tokens if t not in dollars]
    return tokens


class _Translation:
    """One pass over the tokens, writing the plain text and its column map."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = _tokens(text)
        self.at = 0
        self.out: list[str] = []
        self.columns: list[int] = []
        self.depth = 0

    def run(self) -> tuple[str, list[int]]:
        self.sequence(closing=None)
        return "".join(self.out), self.columns

    # --- reading the tokens ---------------------------------------------------------------------

    def peek(self, skip_spaces: bool = True) -> _Token | None:
        k = self.at
        while skip_spaces and k < len(self.tokens) and self._blank(self.tokens[k]):
            k += 1
        return self.tokens[k] if k < len(self.tokens) else None

    def take(self, skip_spaces: bool = True) -> _Token | None:
        while skip_spaces and self.at < len(self.tokens) and self._blank(self.tokens[self.at]):
            self.at += 1
        if self.at >= len(self.tokens):
            return None
        self.at += 1
        return self.tokens[self.at - 1]

    @staticmethod
    def _blank(tok: _Token) -> bool:
        return (tok.kind == "char" and tok.value.isspace()) or (
            tok.kind == "cmd" and tok.value in _SPACING
        )

    def write(self, piece: str, column: int) -> None:
        self.out.append(piece)
        self.columns.extend([column] * len(piece))

    def error(self, message: str, column: int, suggestion: Words | None = None) -> InputError:
        return InputError(message, text=self.text, column=column, suggestion=suggestion)

    # --- the grammar of what is read ------------------------------------------------------------

    def sequence(self, closing: str | None, until: int | None = None) -> None:
        """Tokens up to ``closing`` ("}" or "]"), or up to the token at ``until``, or to the
        end."""
        while True:
            tok = self.peek(skip_spaces=False)
            if tok is None or (until is not None and self.at >= until):
                return
            if closing is not None and tok.kind == "char" and tok.value == closing:
                return
            if tok.kind == "}":
                if closing == "}":
                    return
                raise self.error(
                    "this '}' has no matching '{'", tok.column, "remove it, or add the '{'."
                )
            self.one(self.take(skip_spaces=False))  # type: ignore[arg-type]

    def one(self, tok: _Token) -> None:
        if tok.kind == "{":
            self.braced(tok, "(", ")")
        elif tok.kind == "cmd":
            self.command(tok)
        elif tok.value == "^":
            self.superscript(tok)
        elif tok.value == "_":
            self.subscript(tok)
        elif tok.value == "[":
            self.write("(", tok.column)
        elif tok.value == "]":
            self.write(")", tok.column)
        elif tok.value == "~":
            self.write(" ", tok.column)
        elif tok.value.isascii() and tok.value.isalpha():
            self.letters(tok)
        elif tok.value.isdigit() and self._after_a_factor():
            self.write("*" + tok.value, tok.column)  # (x + 1) 2^x: TeX sets a product
        else:
            self.write(tok.value, tok.column)

    def letters(self, first: _Token) -> None:
        """A run of letters: a name the plain syntax knows (sin, theta, pi) as it is, else one
        variable per letter, as TeX sets them (2xe^{x^2} is 2·x·e^(x²))."""
        run = [first]
        while self.at < len(self.tokens):
            tok = self.tokens[self.at]
            if not (tok.kind == "char" and tok.value.isascii() and tok.value.isalpha()):
                break
            run.append(tok)
            self.at += 1
        word = "".join(t.value for t in run)
        if len(run) == 1 or classify(word) is not None:
            self.write(word, first.column)
            return
        for tok in run:
            self.write(" " + tok.value, tok.column)
        self.write(" ", run[-1].column)

    def _after_a_factor(self) -> bool:
        """A number that follows a closed group or a name across a space or a brace."""
        before = self.tokens[self.at - 2] if self.at >= 2 else None
        if before is None or not (before.kind == "}" or before.value.isspace()):
            return False
        written = "".join(self.out).rstrip()
        return bool(written) and (written[-1] == ")" or written[-1].isalpha())

    def braced(self, opening: _Token, before: str, after: str) -> None:
        """A {…} group, already opened, written between ``before`` and ``after``."""
        self.depth += 1
        if self.depth > MAX_BRACES:
            raise self.error(
                f"the expression is nested too deeply (more than {MAX_BRACES} levels)",
                opening.column,
                "remove redundant braces.",
            )
        self.write(before, opening.column)
        self.sequence(closing="}")
        end = self.take(skip_spaces=False)
        if end is None:
            raise self.error(
                "this '{' is never closed", opening.column, "add '}' where the group ends."
            )
        self.write(after, end.column)
        self.depth -= 1

    def argument(self, owner: _Token) -> None:
        """One TeX argument in parentheses: a {group}, a command such as \\pi, or one
        character (\\frac12 is 1/2)."""
        tok = self.take()
        if tok is None or tok.kind == "}" or (tok.kind == "char" and tok.value in "^_)]"):
            raise self.error(
                f"\\{owner.value} needs its argument here",
                tok.column if tok is not None else len(self.text) + 1,
                "write it in braces, e.g. "
                + ("\\frac{1}{x}." if owner.value in _FRACTIONS else f"\\{owner.value}{{x}}."),
            )
        if tok.kind == "{":
            self.braced(tok, "(", ")")
            return
        self.write("(", tok.column)
        if tok.kind == "char":
            self.write(tok.value, tok.column)  # one character: \sqrt xy is √x·y, as TeX sets it
        else:
            self.one(tok)
        self.write(")", tok.column)

    def superscript(self, caret: _Token) -> None:
        """^{…} as ^(…); ^\\pi as ^(pi). A bare ^2 stays as it is, but ^23 is refused: TeX
        sets it as x²3, which nobody means."""
        self.write("^", caret.column)
        tok = self.peek()
        if tok is None:
            return
        if self._transpose():
            self.write("T", tok.column)  # ^T, read as a transpose (or refused), never a power
            return
        if tok.kind in ("{", "cmd"):
            self.argument(caret)
            return
        following = self.tokens[self.at + 1] if self.at + 1 < len(self.tokens) else None
        if tok.value.isdigit() and following is not None and following.value.isdigit():
            raise self.error(
                "in LaTeX, ^ takes one character: this reads as a power of "
                f"{tok.value} followed by {following.value}",
                caret.column,
                "put the exponent in braces, e.g. x^{23}.",
            )

    def _transpose(self) -> bool:
        """^T, ^{T}, ^\\top, ^{\\top}, ^\\intercal: a transpose, as ML texts write it.
        Consumed when it is one."""
        k = self.at
        while k < len(self.tokens) and self._blank(self.tokens[k]):
            k += 1
        ahead = self.tokens[k : k + 3]
        marks = ("T", "top", "intercal")
        if ahead and ahead[0].value in ("top", "intercal") and ahead[0].kind == "cmd":
            self.at = k + 1
            return True
        if (
            len(ahead) == 3
            and ahead[0].kind == "{"
            and ahead[1].value in marks
            and ahead[2].kind == "}"
        ):
            self.at = k + 3
            return True
        return False

    def subscript(self, underscore: _Token) -> None:
        """x_{1} and x_1 as the indexed name x_1; \\log_{10} as log_10."""
        tok = self.take(skip_spaces=False)
        if tok is not None and tok.kind == "{":
            pieces: list[_Token] = []
            while (inner := self.take(skip_spaces=False)) is not None and inner.kind != "}":
                pieces.append(inner)
            index = "".join(t.value for t in pieces if t.kind == "char").strip()
            if inner is None or not index.isalnum() or any(t.kind != "char" for t in pieces):
                raise self.error(
                    "a subscript here is an index: letters and digits",
                    underscore.column,
                    "write x_{1} or x_1.",
                )
        elif tok is not None and tok.kind == "char" and tok.value.isalnum():
            index = tok.value
        else:
            raise self.error(
                "a subscript here is an index: letters and digits",
                underscore.column,
                "write x_{1} or x_1.",
            )
        self.write("_" + index, underscore.column)

    def command(self, tok: _Token) -> None:
        name = tok.value
        if name in _SPACING:
            self.write(" ", tok.column)
            nxt = self.peek(skip_spaces=False)
            if name in ("left", "right") and nxt is not None and nxt.value == ".":
                self.take(skip_spaces=False)  # \left. or \right.: no delimiter at all
        elif name in _FRACTIONS:
            self.fraction(tok)
        elif name == "sqrt":
            self.root(tok)
        elif name in _FUNCTIONS:
            self.function(tok, _FUNCTIONS[name])
        elif name in _LETTERING:
            self.lettering(tok)
        elif name in _GREEK:
            self.write(f" {_GREEK[name]} ", tok.column)
        elif name in _SYMBOLS:
            self.write(_SYMBOLS[name], tok.column)
        elif name == "abs":
            self.write("|", tok.column)
            self.argument(tok)
            self.write("|", tok.column)
        else:
            raise self.unknown(tok)

    def fraction(self, tok: _Token) -> None:
        """\\frac{a}{b} as ((a)/(b)); \\frac{d}{dx} is refused here: as an operator it is
        read only at the start, before the function (inputs.leading_derivative)."""
        above = self.captured(lambda: self.argument(tok))
        under = self.peek()
        below = self.captured(lambda: self.argument(tok))
        top, bottom = ("".join(part[0]).replace(" ", "") for part in (above, below))
        power = r"(?:\^\(?[0-9]+\)?)?"
        if re.fullmatch(rf"\(d{power}[A-Za-z]*\)", top) and re.fullmatch(
            rf"\(d[A-Za-z]+{power}\)", bottom
        ):
            if "^" in top or "^" in bottom:  # d²/dx²: a second derivative's operator
                raise self.error(
                    "\\frac{d^2}{dx^2} is the operator of a higher derivative, not a fraction",
                    tok.column,
                    Message(
                        "give the function alone, and the order: {order}.",
                        order=Parameter("order", 2),
                    ),
                )
            if top != "(d)":  # dy/dx: the name of a derivative
                raise self.error(
                    f"{top[1:-1]}/{bottom[1:-1]} names a derivative; derivtutor needs the "
                    "function itself",
                    tok.column,
                    "give the function, e.g. \\frac{d}{dx} x^2 or x^2.",
                )
            at_start = not "".join(self.out).strip()
            raise self.error(
                "the operator \\frac{d}{dx} needs a function after it"
                if at_start and self.peek() is None
                else "\\frac{d}{dx} is an operator, read only at the start, before the function",
                tok.column,
                "write it once, first, then the function: \\frac{d}{dx} x^2.",
            )
        self.write("(", tok.column)
        self.restore(above)
        self.write("/", under.column if under is not None else tok.column)
        self.restore(below)
        self.write(")", tok.column)

    def unknown(self, tok: _Token) -> InputError:
        name = tok.value
        if name in _REFUSED:
            return self.error(f"\\{name} is not read here", tok.column, _REFUSED[name])
        if name in _RELATIONS:
            return self.error(
                f"\\{name} makes a statement, not an expression",
                tok.column,
                "give the expression alone.",
            )
        from difflib import get_close_matches

        known = [*_FUNCTIONS, *_GREEK, *_SYMBOLS, *_FRACTIONS, "sqrt", *_LETTERING]
        near = get_close_matches(name, known, n=1, cutoff=0.75)
        hint = f"did you mean \\{near[0]}?" if near else "the LaTeX read is listed in the README."
        return self.error(
            f"the LaTeX command \\{name} is not one derivtutor reads", tok.column, hint
        )

    def root(self, tok: _Token) -> None:
        """\\sqrt{x} as sqrt(x); \\sqrt[n]{x} as ((x)^(1/(n)))."""
        nxt = self.peek()
        if nxt is None or nxt.kind != "char" or nxt.value != "[":
            self.write(" sqrt", tok.column)
            self.argument(tok)
            return
        opening = self.take()
        assert opening is not None
        index = self.captured(lambda: self.sequence(closing="]"))
        if self.take() is None:
            raise self.error("this '[' is never closed", opening.column, "write \\sqrt[3]{x}.")
        radicand = self.captured(lambda: self.argument(tok))
        self.write("(", tok.column)
        self.restore(radicand)
        self.write("^(1/(", opening.column)
        self.restore(index)
        self.write(")))", tok.column)

    def captured(self, read: Callable[[], None]) -> tuple[list[str], list[int]]:
        """What ``read`` writes, taken back out of the output (to be written in another order)."""
        pieces, columns = len(self.out), len(self.columns)
        read()
        taken = (self.out[pieces:], self.columns[columns:])
        del self.out[pieces:], self.columns[columns:]
        return taken

    def restore(self, taken: tuple[list[str], list[int]]) -> None:
        self.out.extend(taken[0])
        self.columns.extend(taken[1])

    def function(self, tok: _Token, name: str) -> None:
        """\\sin(x), \\sin^2(x), \\log_{2}(x); and without parentheses, the factor after it:
        \\sin x, \\sin 2x, \\ln x^2, \\cos\\theta."""
        self.write(f" {name}", tok.column)
        while (nxt := self.peek()) is not None and nxt.kind == "char" and nxt.value in "^_":
            self.take()
            if nxt.value == "_":
                self.subscript(nxt)
            else:
                self.function_power(nxt)
        if name == "σ" and not self._called():
            raise self.error(
                "\\sigma is read as the sigmoid σ(x), and a standard deviation σ is no "
                "variable derivtutor reads",
                tok.column,
                "write \\sigma(x) for the sigmoid; for a standard deviation, another letter, "
                "e.g. s.",
            )
        nxt = self.peek()
        if nxt is None:
            return
        if nxt.kind == "{" or (nxt.kind == "char" and nxt.value in "(["):
            return  # its argument is a group, read as one
        if nxt.kind == "cmd" and nxt.value in ("{", "lbrace", "lbrack"):
            return
        end = self._bars_end()  # (\left and \bigl are blanks to peek: \left( is a "(")
        self.write("(", nxt.column)
        if end is not None:
            self.sequence(closing=None, until=end)  # \ln|x|, \ln\left|x\right|: the bars
            after = self.peek()
            if after is not None and after.kind == "char" and after.value == "^":
                caret = self.take()  # \ln|x|^2 is ln(|x|²), as TeX sets it
                assert caret is not None
                self.write("^", caret.column)
                self.argument(caret)
        else:
            self.factor()
        self.write(")", nxt.column)

    @staticmethod
    def _bar(tok: _Token) -> bool:
        return (tok.kind == "char" and tok.value == "|") or (
            tok.kind == "cmd" and tok.value in ("lvert", "rvert", "vert", "mid")
        )

    def _bars_end(self) -> int | None:
        """Where |…| (or \\lvert…\\rvert, \\left|…\\right|) that starts here ends: the index
        just past its closing bar; None where no bars start here."""
        k = self.at
        while (
            k < len(self.tokens)
            and self._blank(self.tokens[k])
            and (self.tokens[k].value not in _SIZED)
        ):
            k += 1
        if k < len(self.tokens) and self.tokens[k].value in _SIZED:
            k += 1
        if k >= len(self.tokens) or not self._bar(self.tokens[k]):
            return None
        depth = 0
        for n in range(k + 1, len(self.tokens)):
            tok = self.tokens[n]
            depth += {"{": 1, "}": -1}.get(tok.kind, 0)
            if depth == 0 and self._bar(tok):
                return n + 1
        return None

    def _called(self) -> bool:
        """The next token opens a call's argument: ( or [ or {, \\left( included."""
        nxt = self.peek()
        return nxt is not None and (nxt.kind == "{" or (nxt.kind == "char" and nxt.value in "(["))

    def function_power(self, caret: _Token) -> None:
        """sin^2 and sin^{-1}: the plain syntax takes the whole number without parentheses."""
        tok = self.take()
        if tok is not None and tok.kind == "{":
            pieces: list[_Token] = []
            while (inner := self.take()) is not None and inner.kind != "}":
                pieces.append(inner)
            power = "".join(t.value for t in pieces)
            if inner is None or any(t.kind != "char" for t in pieces):
                power = ""
        else:
            power = tok.value if tok is not None and tok.kind == "char" else ""
        if not re.fullmatch(r"-?[0-9]+", power):
            raise self.error(
                "a function's power is a whole number here",
                caret.column,
                "write \\sin^2(x) for (sin x)², or \\sin^{-1}(x) for arcsin.",
            )
        self.write("^" + power, caret.column)

    def factor(self) -> None:
        """The argument a function takes without parentheses, as TeX sets it: the product that
        follows (spaces mean nothing in TeX), up to an operator, a bracket or another function.
        \\sin 2\\pi x is sin(2πx), \\cos \\omega t is cos(ωt), \\ln x^2 is ln(x²),
        \\sin\\frac{x}{2} is sin(x/2), \\sin x \\cos x is sin(x)·cos(x); a sign may lead
        (\\sin -x), and a function first takes the rest (\\ln \\sin x is ln(sin(x)))."""
        first = True
        while (tok := self.peek()) is not None:
            if not first and self.tokens[self.at] is not tok:
                self.write(" ", tok.column)  # \\sin x y: x and y two factors, not the name xy
            if first and tok.kind == "char" and tok.value in "+-":
                self.write(tok.value, tok.column)
                self.take()
                continue
            if tok.kind == "cmd" and (tok.value in _FUNCTIONS or tok.value in _LETTERING):
                if first:
                    self.command(self.take())  # type: ignore[arg-type]
                return
            atom = (
                (tok.kind == "char" and (tok.value.isalnum() or tok.value == "."))
                or tok.kind == "{"
                or (tok.kind == "cmd" and tok.value in (*_GREEK, *_FRACTIONS, "sqrt", "e"))
            )
            if atom:
                self.one(self.take())  # type: ignore[arg-type]
            elif not first and tok.kind == "char" and tok.value in "^_":
                self.one(self.take())  # type: ignore[arg-type]
            else:
                return
            first = False

    def lettering(self, tok: _Token) -> None:
        """\\operatorname{ReLU}, \\mathrm{e}, \\mathbf{x}: the name inside, as the plain
        syntax spells it."""
        opening = self.take()
        if opening is None or opening.kind != "{":
            raise self.error(
                f"\\{tok.value} needs its name in braces", tok.column, f"\\{tok.value}{{relu}}"
            )
        pieces: list[_Token] = []
        while (inner := self.take(skip_spaces=False)) is not None and inner.kind != "}":
            pieces.append(inner)
        if inner is None:
            raise self.error("this '{' is never closed", opening.column, "add '}'.")
        word = "".join(t.value for t in pieces if t.kind == "char").strip()
        if any(t.kind != "char" for t in pieces) or not word.replace(" ", "").isalnum():
            raise self.error(
                f"\\{tok.value}{{…}} holds a name here", tok.column, "e.g. \\operatorname{ReLU}"
            )
        named = _NAMED.get(word.lower())
        if named is not None:
            self.function(_Token("cmd", named, tok.column), named)
            return
        if word == "d":
            raise self.error(
                "a differential d is not part of the function",
                tok.column,
                "give the function alone; derivtutor finds its derivative.",
            )
        self.write(" ", opening.column)
        self.write(word, pieces[0].column)
        self.write(" ", inner.column)
