"""Step tree -> a format-neutral explanation: what to say at each step, not how to typeset it.

Every renderer (text, rich, LaTeX, Markdown, and the JSON ``explanation`` field) walks the same
``Node`` tree, so a rule is explained in exactly one place: the ``_explain_<Rule>`` method here,
after SymPy's printer convention. A node's ``head`` is one line of segments: prose (``str``),
maths (``Math``), a derivative operator applied to an expression (``D``), or a rule's general
formula (``Formula``), which each format spells in its own notation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import sympy as sp

from derivtutor.engine import steps as s
from derivtutor.language.functions import sigmoid, softplus
from derivtutor.language.notation import Notation, Typed

if TYPE_CHECKING:
    from derivtutor.calculus.differentiation import Order
    from derivtutor.engine.algebra import Algebra


@dataclass(frozen=True)
class Math:
    """An expression; ``typed`` keeps the order in which the user wrote it."""

    expr: sp.Expr
    typed: Typed = False
    grouped: bool = False


def as_written(expr: sp.Expr) -> sp.Expr:
    """The parser reads 0.044715 as the exact 8943/200000; a problem, or an answer's reading,
    shows it as it was written. (Short ones, such as 1/2 for 0.5, read well either way and
    stay exact.)"""
    decimals = {
        r: sp.Float(r, 15)
        for r in expr.atoms(sp.Rational)
        if r.q >= 100 and set(sp.factorint(r.q)) <= {2, 5}
    }
    with sp.evaluate(False):  # keep the shape the author typed
        return expr.xreplace(decimals)


@dataclass(frozen=True)
class D:
    """d/dx [expr] (∂/∂x when other variables are held constant)."""

    expr: sp.Expr
    var: sp.Symbol
    partial: bool = False
    order: int = 1


@dataclass(frozen=True)
class Rate:
    """du/dx: the derivative of a substitution variable, by name."""

    u: sp.Symbol
    var: sp.Symbol
    partial: bool = False


@dataclass(frozen=True)
class Formula:
    """A rule's general formula, spelled once for plain text and once for LaTeX."""

    text: str
    latex: str
    ascii: str = ""


Segment = str | Math | D | Rate | Formula


@dataclass
class Node:
    """One step of the explanation: a head line, notes under it, children, and a conclusion."""

    rule: str
    head: list[Segment]
    notes: list[list[Segment]] = field(default_factory=list)
    children: list[Node] = field(default_factory=list)
    conclusion: list[Segment] | None = None
    # Lines of algebra after the conclusion, each "= ..." with its reason (engine.algebra).
    algebra: list[list[Segment]] = field(default_factory=list)
    algebra_rules: list[str] = field(default_factory=list)  # the rule id of each such line


@dataclass(frozen=True)
class Line:
    """One line of an explanation, in reading order: a step's head, a note, or a conclusion.
    ``labels`` are the numbers of the steps it sits in, outermost first ("1.", "1.2")."""

    kind: str  # "step", "note" or "conclusion"
    segments: list[Segment]
    labels: tuple[str, ...]


def lines(node: Node, number: str = "1", labels: tuple[str, ...] = ()) -> Iterator[Line]:
    """The tree as numbered lines (1., 1.1, 1.2.1), for the formats that print it flat."""
    here = (*labels, number + ("." if "." not in number else ""))
    yield Line("step", node.head, here)
    for note in node.notes:
        yield Line("note", note, here)
    for i, child in enumerate(node.children, start=1):
        yield from lines(child, f"{number}.{i}", here)
    if node.conclusion is not None:
        yield Line("conclusion", node.conclusion, here)
    for step in node.algebra:
        yield Line("conclusion", step, here)


# Only to decide whether two forms would read the same; each format prints them itself.
_PLAIN = Notation()
_ASCII = Notation(ascii=True)

# Operators written between the segments of a line that bind tighter than + and −.
_PRODUCT = ("·", "*", "×")
_MINUS = ("−", "-")


def bracketed(segments: list[Segment]) -> list[Segment]:
    """``segments`` with each expression that is an operand of an operator written between
    segments bracketed by precedence: the factors of "c · d/dx [u]" and what follows a "−".
    Every format prints a line through this, so that a sum, a negative or a fraction beside
    an operator keeps its brackets whoever built the line: (a + b) · d/dx [sin(x)], never
    a + b · d/dx [sin(x)]."""
    out = list(segments)
    for i, seg in enumerate(out):
        if not isinstance(seg, str) or not seg.strip():
            continue
        op = seg.strip()
        if op.endswith(_PRODUCT + _MINUS) and i + 1 < len(out):
            out[i + 1] = _grouped(out[i + 1])
        if op.startswith(_PRODUCT) and i > 0:
            out[i - 1] = _grouped(out[i - 1])
    return out


def _grouped(seg: Segment) -> Segment:
    return Math(seg.expr, seg.typed, grouped=True) if isinstance(seg, Math) else seg


DETAILS = ("brief", "normal", "full")


def explain(order: Order, *, partial: bool = False, detail: str = "full") -> Node:
    """The explanation tree of one order's derivation. ``partial`` writes ∂ for d.

    ``detail="full"`` has a node for every step (the JSON, and beginners). ``"normal"`` folds
    the bookkeeping into the line that uses it, as a book writes "·(2)": the derivative of a
    constant, of the variable, of a linear inner function, and a constant times one of these
    gets no line of its own, and a constant times a table derivative is one line."""
    explainer = _Explainer(
        partial, order.shown, order.algebra_steps, fold=detail != "full", written=order.written
    )
    explainer.operator = _Operator.of(order.step.variable, partial)
    explainer.taken = {symbol.name for symbol in order.step.expression.free_symbols}
    return explainer.node(order.step)


def trivial(step: s.Step) -> bool:
    """The derivative is read off at sight: a constant, the variable, or a linear function."""
    if isinstance(step, (s.ConstantRule, s.VariableRule)):
        return True
    if isinstance(step, s.ConstantMultipleRule):
        return trivial(step.inner)
    if isinstance(step, s.SumRule):
        return all(trivial(t) for t in step.terms)
    return False


def rules_used(step: s.Step) -> list[str]:
    """The rules of a tree, each once, in the order they are first met (for brief detail)."""
    seen: list[str] = []
    for node in step.walk():
        if node.rule not in seen:
            seen.append(node.rule)
    return seen


class _Explainer:
    def __init__(
        self,
        partial: bool,
        shown: Callable[[s.Step], sp.Expr],
        algebra_steps: Callable[[s.Step], tuple[Algebra, ...]],
        *,
        fold: bool = False,
        written: Callable[[s.Step], sp.Expr | None] = lambda step: None,
    ) -> None:
        self.partial = partial
        self.shown = shown
        self.algebra_steps = algebra_steps
        self.fold = fold
        self.written = written
        self._named = 0  # product and quotient rules named so far: each gets its own letters
        # The derivative in the rules' formulas: d/dt [f·g] in a derivation in t.
        self.operator = _Operator.of(sp.Symbol("x"), partial)
        self.taken: set[str] = set()  # the problem's own names, which no rule's letter may be

    def algebra_lines(self, step: s.Step) -> list[list[Segment]]:
        """The algebra after a conclusion, a line per step with its reason."""
        out: list[list[Segment]] = []
        for a in self.algebra_steps(step):
            reason: list[Segment]
            if a.rule == "factor_common" and a.factor is not None:
                reason = ["    (factor out ", Math(a.factor), ")"]
            elif a.rule == "cancel_terms" and a.factor is not None:
                reason = ["    (", Math(a.factor), " and ", Math(-a.factor), " cancel)"]
            elif a.rule == "collect":
                reason = ["    (expand and collect the bracket)"]
            elif a.rule == "expand_numerator":
                reason = ["    (multiply out the numerator)"]
            elif a.rule == "pythagoras":
                reason = [f"    (since {_identity_name(a.after)})"]
            elif a.rule == "cancel_common" and a.factor is not None:
                reason = [
                    "    (cancel ",
                    Math(a.factor, grouped=True),
                    ", common to top and bottom)",
                ]
            else:
                reason = ["    (simplify the bracket)"]
            out.append(["= ", Math(a.after, typed=a.written), *reason])
        return out

    def folded(self, step: s.Step) -> bool:
        """This step's derivative is written inline in its parent's line (normal detail)."""
        return self.fold and trivial(step)

    def child(self, step: s.Step, label: list[Segment] | None = None) -> list[Node]:
        """The child node of ``step``, or none when it is folded into the parent."""
        return [] if self.folded(step) else [self.node(step, label)]

    def inline(self, name: list[Segment], step: s.Step) -> list[Segment]:
        """ " (f' = 1)", the folded derivative beside the name it belongs to."""
        return [" (", *name, " = ", Math(step.eval()), ")"] if self.folded(step) else []

    def node(self, step: s.Step, label: list[Segment] | None = None) -> Node:
        method = getattr(self, f"_explain_{type(step).__name__}")
        return method(step, label or [])  # type: ignore[no-any-return]

    def d(self, step: s.Step, expr: sp.Expr | None = None) -> D:
        return D(step.expression if expr is None else expr, step.variable, self._partial(step))

    def _partial(self, step: s.Step) -> bool:
        # Only the user's own variables are partial; u1, u2 are single-variable substitutions.
        return self.partial and not isinstance(step.variable, s.Substitution)

    def lhs(self, step: s.Step, label: list[Segment]) -> list[Segment]:
        """'f' = d/dx [...]' when the parent named this derivative, else 'd/dx [...]'."""
        return [*label, " = ", self.d(step)] if label else [self.d(step)]

    def result(self, step: s.Step) -> Math:
        return Math(step.eval())

    def conclude(self, step: s.Step, label: list[Segment]) -> list[Segment]:
        return ["so ", *(label or [self.d(step)]), " = ", self.readable(step)]

    def derived(self, step: s.Step) -> sp.Expr:
        """A sub-derivative as its own line ended: read off when folded, else its shown form."""
        return step.eval() if self.folded(step) or not step.substeps else self.shown(step)

    def readable(self, step: s.Step) -> Math:
        """A composite step's result, in the form its order chose to show (a sum's terms in
        the order they were written)."""
        ordered_kinds = (s.SumRule, s.LogProductRule, s.ProductRule)
        if isinstance(step, ordered_kinds) and (ordered := self.written(step)) is not None:
            return Math(ordered, typed=True)
        return Math(self.shown(step))

    # --- the rules ---------------------------------------------------------------------------

    def _explain_ConstantRule(self, step: s.ConstantRule, label: list[Segment]) -> Node:
        head: list[Segment] = ["Constant rule: ", *self.lhs(step, label), " = 0"]
        held = sorted(step.expression.free_symbols, key=str)
        if held:
            names: list[Segment] = []
            for i, sym in enumerate(held):
                names += ([", "] if i else []) + [Math(sym)]
            verb = " is" if len(held) == 1 else " are"
            head += ["  (", *names, verb, " held constant)"]
        return Node(step.rule, head)

    def _explain_VariableRule(self, step: s.VariableRule, label: list[Segment]) -> Node:
        return Node(step.rule, ["Variable rule: ", *self.lhs(step, label), " = 1"])

    def _explain_SumRule(self, step: s.SumRule, label: list[Segment]) -> Node:
        rhs: list[Segment] = []
        for term in step.terms:
            if not self.folded(term):
                rhs += [" + " if rhs else "", self.d(term)]
                continue
            value = term.eval()
            if value == 0:
                continue  # d/dx [1] = 0 adds nothing to the line
            negative = value.could_extract_minus_sign()
            sign = (" − " if rhs else "−") if negative else (" + " if rhs else "")
            rhs += [sign, Math(-value if negative else value)]
        children = [c for t in step.terms for c in self.child(t)]
        kept = [t for t in step.terms if not self.folded(t)]
        if len(kept) == 1 and len(rhs) == 2:
            # d/dx [1 − x²]: the constant adds nothing, so the one term's rule is the line,
            # du/dx = d/dx [1 − x²] = d/dx [−x²] = −2x.
            return self.node(kept[0], self.lhs(step, label))
        if not children:
            # Every term read off at sight: one line, d/dx [2x + 1] = 2.
            return Node(step.rule, ["Sum rule: ", *self.lhs(step, label), " = ", *(rhs or ["0"])])
        algebra = self.algebra_lines(step)
        conclusion = self.conclude(step, label)
        if algebra:
            # The parts' results side by side, then what cancels: no silent jump.
            # Each part's terms in the order its own line printed them, each term as printed.
            parts = [
                t if isinstance(t, sp.UnevaluatedExpr) else sp.UnevaluatedExpr(t)
                for term in step.terms
                for t in sp.Add.make_args(self.readable(term).expr)
            ]
            together = Math(sp.Add(*parts, evaluate=False), typed=True)
            conclusion = ["so ", *(label or [self.d(step)]), " = ", together]
        return Node(
            step.rule,
            ["Sum rule: ", *self.lhs(step, label), " = ", *rhs],
            children=children,
            conclusion=conclusion,
            algebra=algebra,
            algebra_rules=[a.rule for a in self.algebra_steps(step)],
        )

    def _explain_ConstantMultipleRule(
        self, step: s.ConstantMultipleRule, label: list[Segment]
    ) -> Node:
        if self.folded(step.inner):
            # c times a derivative read off at sight, in one line: ∂/∂y [x²·y] = x² · 1 = x².
            value = Math(step.inner.eval(), grouped=True)
            times: list[Segment] = (
                ["−", value] if step.constant == -1 else [Math(step.constant), " · ", value]
            )
            head = ["Constant multiple rule: ", *self.lhs(step, label), " = ", *times]
            return Node(step.rule, [*head, " = ", self.result(step)])
        if self.fold and isinstance(step.inner, s.ReuseRule):
            # c times a derivative found above: one line, naming where it was found.
            return Node(
                step.rule,
                [
                    "Constant multiple rule, with ",
                    self.d(step.inner),
                    " as above: ",
                    *self.lhs(step, label),
                    " = ",
                    self.result(step),
                ],
            )
        inner = self.node(step.inner)
        if self.fold and not inner.children and not inner.notes and _named(inner.head):
            return self._times_table_rule(step, label, inner)
        if step.constant == -1:
            rhs: list[Segment] = ["−", self.d(step.inner)]
        else:
            rhs = [Math(step.constant), " · ", self.d(step.inner)]
        return Node(
            step.rule,
            ["Constant multiple rule: ", *self.lhs(step, label), " = ", *rhs],
            children=[self.node(step.inner)],
            conclusion=self.conclude(step, label),
        )

    def _times_table_rule(
        self, step: s.ConstantMultipleRule, label: list[Segment], inner: Node
    ) -> Node:
        """A constant times a table derivative, in one line under the table rule's name:
        Power rule: d/dx [3x²] = 3 · 2x = 6x."""
        name = list(inner.head[: _named(inner.head)])
        first = name[0]
        assert isinstance(first, str)
        name[0] = "Constant multiple and " + first[:1].lower() + first[1:]
        inner_value = step.inner.eval()
        value = Math(inner_value, grouped=True)
        times: list[Segment] = []
        if step.constant != -1:
            times = [Math(step.constant), " · ", value]
            # (a + b)·cos(x) only reordered teaches nothing: stop at the product.
            if set(sp.Mul.make_args(step.eval())) != {step.constant, inner_value}:
                times += [" = "]
        head = [*name, *self.lhs(step, label), " = ", *times]
        if not times or times[-1] == " = ":
            head.append(self.result(step))
        return Node(step.rule, head)

    def _stated(self, step: s.Step) -> _Operator:
        """The derivative a rule's formula is stated with: the step's own variable (u, in
        general, for a chain rule's u₁), in the problem's d or ∂."""
        if isinstance(step.variable, s.Substitution):
            return _Operator.of(sp.Symbol("u"), False)
        return _Operator.of(step.variable, self._partial(step))

    def _explain_PowerRule(self, step: s.PowerRule, label: list[Segment]) -> Node:
        n = step.exponent
        o = self._stated(step)
        k, raised = ("k", "ᵏ") if o.var == "n" else ("n", "ⁿ")  # d/dn nᵏ, never d/dn nⁿ
        head: list[Segment] = [
            "Power rule ",
            Formula(
                f"({o.text} {o.var}{raised} = {k}·{o.var}{raised}⁻¹)",
                rf"\left({o.tex} {o.var_tex}^{k} = {k} {o.var_tex}^{{{k}-1}}\right)",
                f"({o.ascii} {o.var_ascii}^{k} = {k}*{o.var_ascii}^({k}-1))",
            ),
        ]
        head += [": ", *self.lhs(step, label), " = "]
        if not (n.is_Integer and n > 1):
            # n = 1/2, −1, ...: show n·xⁿ⁻¹ before simplifying, e.g. (1/2)·x^(−1/2) = 1/(2√x).
            x = step.variable
            written = sp.Mul(n, sp.Pow(x, n - 1, evaluate=False), evaluate=False)
            head += [Math(written, typed="powers"), " = "]
        head.append(self.result(step))
        return Node(step.rule, head)

    def letters(self, count: int) -> list[str]:
        """f, g (and h) for the first product or quotient rule of a derivation, f₁, g₁ for the
        next, and so on: no name is defined twice with two meanings."""
        trio = next((t for t in ("fgh", "pqr", "FGH") if not set(t) & self.taken), "fgh")
        names = list(trio[:count]) if count <= 3 else [f"{trio[0]}{i + 1}" for i in range(count)]
        k, self._named = self._named, self._named + 1
        return names if k == 0 else [n + str(k).translate(_SUBSCRIPT) for n in names]

    def _explain_ProductRule(self, step: s.ProductRule, label: list[Segment]) -> Node:
        names = self.letters(len(step.factors))
        head: list[Segment] = ["Product rule, with "]
        for i, (name, factor, part) in enumerate(zip(names, step.factors, step.parts, strict=True)):
            if i:
                head.append(" and " if i == len(names) - 1 else ", ")
            head += [f"{name} = ", Math(factor, typed=True), *self.inline([f"{name}'"], part)]
        head.append(":")
        formula = _product_formula(names, self.operator)
        children = [
            c for n, p in zip(names, step.parts, strict=True) for c in self.child(p, [f"{n}'"])
        ]
        # f'·g + f·g', each factor kept whole: x·(1/x), not x/x.
        written: list[Segment] = []
        for i, part in enumerate(step.parts):
            if i:
                written.append(" + ")
            values = [
                # f' as its own step ended (4x·(x² + 1)), not re-derived (2x·(2x² + 2)).
                (self.derived(part), False) if j == i else (factor, True)
                for j, factor in enumerate(step.factors)
            ]
            for j, (value, typed) in enumerate(values):
                if j:
                    written.append("·")
                written.append(Math(value, typed=typed, grouped=True))
        algebra = self.algebra_lines(step)
        return Node(
            step.rule,
            head,
            notes=[[formula]],
            children=children,
            conclusion=[
                "so ",
                *(label or [self.d(step)]),
                " = ",
                *written,
                *([] if algebra else self._unless_reordering(written, self.readable(step))),
            ],
            algebra=algebra,
            algebra_rules=[a.rule for a in self.algebra_steps(step)],
        )

    def _unless_reordering(self, written: list[Segment], result: Math) -> list[Segment]:
        """[' = ', result], or nothing when result only lists the written terms in another
        order (3x²·sin(x) + x³·cos(x) = x³·cos(x) + 3x²·sin(x) teaches nothing)."""
        terms_written = "".join(
            _PLAIN.show(seg.expr, grouped=seg.grouped) if isinstance(seg, Math) else str(seg)
            for seg in written
        ).split(" + ")
        expr = result.expr
        terms_result = [_PLAIN.show(t) for t in (expr.args if isinstance(expr, sp.Add) else [expr])]
        if sorted(terms_written) == sorted(terms_result):
            return []
        return [" = ", result]

    def _explain_QuotientRule(self, step: s.QuotientRule, label: list[Segment]) -> Node:
        f, g = step.numerator, step.denominator
        df_step, dg_step = step.substeps
        n, d = self.letters(2)
        algebra = self.algebra_lines(step)
        # f' and g' are results, printed in their own (textbook) order inside the user's f and g.
        df_value, dg_value = self.derived(df_step), self.derived(dg_step)
        df, dg = sp.UnevaluatedExpr(df_value), sp.UnevaluatedExpr(dg_value)
        written = sp.Mul(
            sp.Add(
                sp.Mul(df, g, evaluate=False),
                sp.Mul(-1, sp.Mul(f, dg, evaluate=False), evaluate=False),
                evaluate=False,
            ),
            sp.Pow(sp.Pow(g, 2, evaluate=False), -1, evaluate=False),
            evaluate=False,
        )
        tail: list[Segment] = [] if algebra else [" = ", self.readable(step)]
        return Node(
            step.rule,
            [
                f"Quotient rule, with {n} = ",
                Math(f, typed=True),
                *self.inline([f"{n}'"], df_step),
                f" and {d} = ",
                Math(g, typed=True),
                *self.inline([f"{d}'"], dg_step),
                ":",
            ],
            notes=[[_quotient_formula(n, d, self.operator)]],
            children=[*self.child(df_step, [f"{n}'"]), *self.child(dg_step, [f"{d}'"])],
            algebra=algebra,
            algebra_rules=[a.rule for a in self.algebra_steps(step)],
            conclusion=[
                "so ",
                *(label or [self.d(step)]),
                " = ",
                Math(written, typed=True),
                *tail,
            ],
        )

    def _explain_ChainRule(self, step: s.ChainRule, label: list[Segment]) -> Node:
        outer_step, inner_step = step.substeps
        u = step.u
        partial = self._partial(step)
        outer_derivative = outer_step.eval()
        rate = Rate(u, step.variable, partial)
        head: list[Segment] = ["Chain rule, with ", Math(u), " = ", Math(step.inner, typed=True)]
        if self.folded(inner_step):
            head += [" and ", rate, " = ", Math(inner_step.eval())]
        return Node(
            step.rule,
            [*head, ":"],
            notes=[
                [
                    D(outer_step.expression, step.variable, partial),
                    " = ",
                    Math(outer_derivative, grouped=True),
                    " · ",
                    Rate(u, step.variable, partial),
                ]
            ],
            children=[self.node(outer_step), *self.child(inner_step, [rate])],
            conclusion=self._chain_conclusion(step, label),
        )

    def _chain_conclusion(self, step: s.ChainRule, label: list[Segment]) -> list[Segment]:
        """Put u back before simplifying, so the last line has no jump in it; skip that middle
        form when it would read exactly like the result (2·sin(x) · cos(x) = 2·sin(x)·cos(x))."""
        outer_step, inner_step = step.substeps
        outer_value = outer_step.eval()
        with sp.evaluate(False):
            # 2·(w·x + b − y), not SymPy's 2w·x + 2b − 2y: u is put back as it stands.
            outer_value = outer_value.xreplace({step.u: step.inner})
        outer = Math(outer_value, grouped=True)
        # The inner derivative as the step above printed it, so nothing changes between lines.
        inner = Math(self.readable(inner_step).expr, grouped=True)
        result = self.readable(step)
        shown = [_PLAIN.show(m.expr, grouped=m.grouped) for m in (outer, inner, result)]
        middle: list[Segment] = [outer, " · ", inner, " = "]
        if shown[0] + "·" + shown[1] == shown[2] or shown[1] == "1":
            middle = []
        return ["so ", *(label or [self.d(step)]), " = ", *middle, result]

    def _table_rule(self, name: str, step: s.Step, label: list[Segment]) -> Node:
        return Node(step.rule, [f"{name}: ", *self.lhs(step, label), " = ", self.result(step)])

    def _explain_ExpRule(self, step: s.ExpRule, label: list[Segment]) -> Node:
        return self._table_rule("Exponential rule", step, label)

    def _explain_ExponentialRule(self, step: s.ExponentialRule, label: list[Segment]) -> Node:
        o = self._stated(step)
        a = "b" if o.var == "a" else "a"  # d/da bᵃ, never d/da aᵃ
        return Node(
            step.rule,
            [
                "Exponential rule ",
                Formula(
                    f"({o.text} {a}{o.raised} = {a}{o.raised}·ln({a}))",
                    rf"\left({o.tex} {a}^{{{o.var_tex}}} = {a}^{{{o.var_tex}}} \ln {a}\right)",
                    f"({o.ascii} {a}^{o.var_ascii} = {a}^{o.var_ascii}*ln({a}))",
                ),
                ": ",
                *self.lhs(step, label),
                " = ",
                self.result(step),
            ],
        )

    def _explain_LogRule(self, step: s.LogRule, label: list[Segment]) -> Node:
        return self._table_rule("Log rule", step, label)

    def _explain_LogBaseRule(self, step: s.LogBaseRule, label: list[Segment]) -> Node:
        return Node(
            step.rule,
            [
                "Log rule for base ",
                Math(step.base),
                " ",
                _log_base_formula(self.operator),
                ": ",
                *self.lhs(step, label),
                " = ",
                self.result(step),
            ],
        )

    def _explain_TrigRule(self, step: s.TrigRule, label: list[Segment]) -> Node:
        return self._table_rule("Trig rule", step, label)

    def _explain_InverseTrigRule(self, step: s.InverseTrigRule, label: list[Segment]) -> Node:
        return self._table_rule("Inverse trig rule", step, label)

    def _explain_HyperbolicRule(self, step: s.HyperbolicRule, label: list[Segment]) -> Node:
        node = self._table_rule("Hyperbolic rule", step, label)
        if isinstance(step.expression, sp.tanh):
            u = step.variable
            node.notes.append(
                ["which is also ", Math(1 - sp.tanh(u) ** 2), ", since sech² = 1 − tanh²"]
            )
        return node

    def _explain_InverseHyperbolicRule(
        self, step: s.InverseHyperbolicRule, label: list[Segment]
    ) -> Node:
        return self._table_rule("Inverse hyperbolic rule", step, label)

    def _explain_AbsRule(self, step: s.AbsRule, label: list[Segment]) -> Node:
        x = step.variable
        return Node(
            step.rule,
            [
                "Absolute value rule: ",
                *self.lhs(step, label),
                " = ",
                Math(x / sp.Abs(x)),
                " = ",
                self.result(step),
                ", for ",
                Math(x),
                " ≠ 0",
            ],
            notes=[
                [Math(sp.Abs(x)), " has a corner at ", Math(x), " = 0, where it has no derivative."]
            ],
        )

    def _explain_SigmoidRule(self, step: s.SigmoidRule, label: list[Segment]) -> Node:
        return Node(
            step.rule,
            ["Sigmoid rule: ", *self.lhs(step, label), " = ", self.result(step)],
            notes=[
                [
                    Math(sigmoid(step.variable)),
                    " = ",
                    Math(
                        sp.Mul(1, 1 / _one_plus(sp.exp(-step.variable)), evaluate=False), typed=True
                    ),
                    ", and its derivative is written with σ itself.",
                ]
            ],
        )

    def _explain_ReluRule(self, step: s.ReluRule, label: list[Segment]) -> Node:
        x = step.variable
        return Node(
            step.rule,
            ["ReLU rule: ", *self.lhs(step, label), " = ", self.result(step)],
            notes=[
                [
                    "H is the step function: H(",
                    Math(x),
                    ") = 0 for ",
                    Math(x),
                    " ≤ 0 and 1 for ",
                    Math(x),
                    " > 0.",
                ],
                [
                    "ReLU has a corner at 0, with no derivative there; we use the subgradient 0, "
                    "as PyTorch and JAX do."
                ],
            ],
        )

    def _explain_SoftplusRule(self, step: s.SoftplusRule, label: list[Segment]) -> Node:
        return Node(
            step.rule,
            ["Softplus rule: ", *self.lhs(step, label), " = ", self.result(step)],
            notes=[
                [
                    Math(softplus(step.variable)),
                    " = ",
                    Math(sp.log(_one_plus(sp.exp(step.variable))), typed=True),
                    ", whose derivative ",
                    Math(sp.exp(step.variable) / _one_plus(sp.exp(step.variable)), typed=True),
                    " is the sigmoid.",
                ]
            ],
        )

    def _explain_PiecewiseConstantRule(
        self, step: s.PiecewiseConstantRule, label: list[Segment]
    ) -> Node:
        x = step.variable
        return Node(
            step.rule,
            ["Step-function rule: ", *self.lhs(step, label), " = 0, for ", Math(x), " ≠ 0"],
            notes=[
                ["it is constant on each side of 0 and jumps at 0, where it has no derivative."]
            ],
        )

    def _explain_LogDifferentiationRule(
        self, step: s.LogDifferentiationRule, label: list[Segment]
    ) -> Node:
        log_form = step.log_step.expression
        y = _free_name(step.expression)
        return Node(
            step.rule,
            [f"Logarithmic differentiation, with {y} = ", Math(step.expression, typed=True), ":"],
            notes=[
                [
                    "the exponent depends on ",
                    Math(step.variable),
                    f", so take logarithms: ln({y}) = ",
                    Math(log_form, typed=True),
                ],
                [f"differentiate both sides: {y}'/{y} = ", self.d(step, log_form)],
            ],
            children=[self.node(step.log_step)],
            conclusion=[
                "so ",
                *(label or [self.d(step)]),
                f" = {y} · ",
                Math(step.log_step.eval(), grouped=True),
                " = ",
                self.readable(step),
            ],
        )

    def _explain_RewriteRule(self, step: s.RewriteRule, label: list[Segment]) -> Node:
        return Node(
            step.rule,
            [
                "Rewrite: ",
                Math(step.expression, typed=True),
                " = ",
                Math(step.rewritten, typed="powers"),
            ],
            children=[self.node(step.inner)],
            conclusion=self.conclude(step, label),
        )

    def _rewriting(self, step: s.RewriteRule, head: list[Segment], label: list[Segment]) -> Node:
        """A rewrite's line, then the rewritten form's derivation under the original's name:
        d/dx [ln(x²)] = d/dx [2·ln|x|] = ..., so nothing is concluded twice."""
        return Node(
            step.rule,
            [*head, Math(step.expression, typed=True), " = ", Math(step.rewritten, typed="powers")],
            children=[self.node(step.inner, label or [self.d(step)])],
        )

    def _explain_LogLawsRule(self, step: s.LogLawsRule, label: list[Segment]) -> Node:
        node = self._rewriting(step, ["Log laws: "], label)
        if step.rewritten.has(sp.Abs):
            node.notes.append(
                [
                    "ln(a·b) = ln a + ln b and ln(aⁿ) = n·ln a need a, b > 0; with |·| they hold "
                    "wherever the left side is defined"
                ]
            )
        return node

    def _explain_PowerFormRule(self, step: s.PowerFormRule, label: list[Segment]) -> Node:
        node = self._rewriting(step, ["Power form: "], label)
        powers = [step.rewritten, *step.rewritten.args]
        if not any(isinstance(p, sp.Pow) and p.base == step.variable for p in powers):
            # 1/x = x⁻¹ needs no reason; 1/sinh²(x) is where the quotient rule tempts.
            node.notes.append(["a constant over a power: the power rule, not the quotient rule"])
        return node

    def _explain_SimplifyFirstRule(self, step: s.SimplifyFirstRule, label: list[Segment]) -> Node:
        how = {
            "divide": "divide each term",
            "expand": "multiply out",
            "combine_powers": "one power of " + _PLAIN.show(step.variable),
        }[step.how]
        return self._rewriting(step, [f"Simplify first ({how}): "], label)

    def _explain_KnownFunctionRule(self, step: s.KnownFunctionRule, label: list[Segment]) -> Node:
        name = _PLAIN.show(step.rewritten.func(sp.Symbol("x")))
        return self._rewriting(step, [f"Recognise {name} written out: "], label)

    def _explain_LogAbsRule(self, step: s.LogAbsRule, label: list[Segment]) -> Node:
        return self._table_rule("Log rule", step, label)

    def _explain_LogProductRule(self, step: s.LogProductRule, label: list[Segment]) -> Node:
        y = _free_name(step.expression)
        return Node(
            step.rule,
            [f"Logarithmic differentiation, with {y} = ", Math(step.expression, typed=True), ":"],
            notes=[
                [
                    f"a product of powers: take logarithms, ln|{y}| = ",
                    Math(step.logarithm, typed=True),
                    "  (log laws)",
                ],
                [f"differentiate both sides: {y}'/{y} = ", self.d(step, step.logarithm)],
            ],
            children=[self.node(step.log_step)],
            conclusion=[
                "so ",
                *(label or [self.d(step)]),
                f" = {y} · ",
                Math(self.readable(step.log_step).expr, typed=True, grouped=True),
                " = ",
                self.readable(step),
            ],
        )

    def _explain_ReuseRule(self, step: s.ReuseRule, label: list[Segment]) -> Node:
        return Node(step.rule, ["As above: ", *self.lhs(step, label), " = ", self.result(step)])

    def _explain_DependentRule(self, step: s.DependentRule, label: list[Segment]) -> Node:
        return Node(
            step.rule,
            [
                "Chain rule for ",
                Math(step.expression),
                ", a function of ",
                Math(step.variable),
                ": ",
                *self.lhs(step, label),
                " = ",
                self.result(step),
            ],
        )

    def _explain_UnknownRule(self, step: s.UnknownRule, label: list[Segment]) -> Node:
        return Node(
            step.rule,
            [
                "No rule here covers this; SymPy's own derivative: ",
                *self.lhs(step, label),
                " = ",
                self.result(step),
            ],
        )


def _identity_name(expr: sp.Expr) -> str:
    """Which Pythagorean identity a line used, by the functions left in it."""
    if expr.has(sp.sec, sp.tan):
        return "1 + tan² = sec²"
    if expr.has(sp.sinh, sp.cosh):
        return "cosh² − sinh² = 1"
    if expr.has(sp.sech, sp.tanh):
        return "1 − tanh² = sech²"
    return "sin² + cos² = 1"


def _named(head: list[Segment]) -> int:
    """How many segments of a leaf's head name its rule ("Trig rule: ", or "Power rule ",
    its formula and ": "); 0 when it names none."""
    for i, seg in enumerate(head):
        if isinstance(seg, str) and seg.endswith(": "):
            return i + 1
        if not isinstance(seg, (str, Formula)):
            return 0
    return 0


def _free_name(expr: sp.Expr) -> str:
    """y for the function being differentiated, unless the user's own y is in it."""
    taken = {str(sym) for sym in expr.free_symbols}
    return next(n for n in ("y", "F", "Y", "f") if n not in taken)


def _one_plus(term: sp.Expr) -> sp.Expr:
    """1 + term, in that order, as the definitions of σ and softplus are written."""
    return sp.Add(sp.Integer(1), term, evaluate=False)


_SUBSCRIPT = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
_PLAIN_DIGITS = str.maketrans("₀₁₂₃₄₅₆₇₈₉", "0123456789")


def _tex(name: str) -> str:
    """f₁ as f_1 for LaTeX, f as f."""
    digits = name[1:].translate(_PLAIN_DIGITS)
    return name if not digits else f"{name[0]}_{{{digits}}}"


def _ascii(text: str) -> str:
    return text.translate(_PLAIN_DIGITS)


_RAISED = dict(zip("xyztuvwsnkab", "ˣʸᶻᵗᵘᵛʷˢⁿᵏᵃᵇ", strict=True))


@dataclass(frozen=True)
class _Operator:
    """d/dt and t, as a rule's formula writes them in a derivation in t (∂/∂x for a partial
    derivative), in text, LaTeX and ASCII."""

    text: str
    tex: str
    ascii: str
    var: str
    var_tex: str
    var_ascii: str

    @property
    def raised(self) -> str:
        """The variable as an exponent: aˣ, aᵗ; a^(θ) where no superscript letter exists."""
        return _RAISED.get(self.var, f"^({self.var})")

    @classmethod
    def of(cls, var: sp.Symbol, partial: bool) -> _Operator:
        v, va, vt = _PLAIN.show(var), _ASCII.show(var), sp.latex(var)
        d = "∂" if partial else "d"
        tex = rf"\tfrac{{\partial}}{{\partial {vt}}}" if partial else rf"\tfrac{{d}}{{d{vt}}}"
        return cls(f"{d}/{d}{v}", tex, f"d/d{va}", v, vt, va)


def _log_base_formula(o: _Operator) -> Formula:
    v, vt, va = o.var, o.var_tex, o.var_ascii
    return Formula(
        f"(log_b({v}) = ln({v})/ln(b), so {o.text} log_b({v}) = 1/({v}·ln(b)))",
        rf"\left(\log_b {vt} = \frac{{\ln {vt}}}{{\ln b}}, \text{{ so }} "
        rf"{o.tex}\log_b {vt} = \frac{{1}}{{{vt} \ln b}}\right)",
        f"(log_b({va}) = ln({va})/ln(b), so {o.ascii} log_b({va}) = 1/({va}*ln(b)))",
    )


def _quotient_formula(f: str, g: str, o: _Operator) -> Formula:
    text = f"{o.text} [{f}/{g}] = ({f}'·{g} − {f}·{g}')/{g}²"
    tf, tg = _tex(f), _tex(g)
    return Formula(
        text,
        rf"{o.tex.replace('tfrac', 'frac')}\left[\frac{{{tf}}}{{{tg}}}\right] = "
        rf"\frac{{{tf}' {tg} - {tf} {tg}'}}{{{tg}^2}}",
        _ascii(f"{o.ascii} [{f}/{g}] = ({f}'*{g} - {f}*{g}')/{g}^2"),
    )


def _product_formula(names: list[str], o: _Operator) -> Formula:
    terms_text, terms_tex = [], []
    for i in range(len(names)):
        text = "·".join(n + ("'" if j == i else "") for j, n in enumerate(names))
        tex = " ".join(_tex(n) + ("'" if j == i else "") for j, n in enumerate(names))
        terms_text.append(text)
        terms_tex.append(tex)
    product = "·".join(names)
    return Formula(
        f"{o.text} [{product}] = " + " + ".join(terms_text),
        rf"{o.tex.replace('tfrac', 'frac')}\left[{' '.join(_tex(n) for n in names)}\right] = "
        + " + ".join(terms_tex),
        _ascii(
            f"{o.ascii} [{product.replace('·', '*')}] = "
            + " + ".join(t.replace("·", "*") for t in terms_text)
        ),
    )
