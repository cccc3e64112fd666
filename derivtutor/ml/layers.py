"""Backpropagation a layer at a time: the matrix form of ``backprop``.

A network written in matrix form, ``cross_entropy(softmax(W2 tanh(W1 x + b1) + b2), y)``, is
read as its layers: each an affine map zₖ = Wₖhₖ₋₁ + bₖ, then an activation hₖ = f(zₖ) applied
entry by entry, and at the top a loss of the last z. The forward pass names each of them, with
its shape. The backward pass is the chain rule with Jacobians, one layer at a time, as the texts
write it: δ = ∂L/∂z at the top from the loss's own identity (p − y for softmax with
cross-entropy), then for each layer ∂L/∂Wₖ = δₖhₖ₋₁ᵀ and ∂L/∂bₖ = δₖ, and the δ of the layer
below, δₖ₋₁ = (Wₖᵀδₖ) ⊙ f′(zₖ₋₁). It is the scalar ``backprop``'s graph, node by node, with a
vector in each node.

Every gradient is checked at the given point (or at seeded random values) against a central
difference of L, entry by entry, and against the derivative of the whole expression by
differentials (engine/differentials.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import mpmath
import sympy as sp
from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction

from derivtutor.calculus.notebook import Notebook
from derivtutor.engine import matrix_values as mv
from derivtutor.engine.differentials import derive_matrix
from derivtutor.errors import Message, Parameter, UsageError
from derivtutor.language.functions import relu, sigmoid
from derivtutor.language.matrices import Shaped, parse_shaped
from derivtutor.language.matrix_functions import CrossEntropy, elementwise, is_matrix
from derivtutor.language.shapes import declared, parse_arrays

__all__ = ["Layer", "Layers", "layers"]

MAX_LAYERS = 20


@dataclass(frozen=True)
class Layer:
    """zₖ = Wₖ·below + bₖ (b may be absent), then hₖ = f(zₖ) (f None for the top layer)."""

    weight: sp.MatrixSymbol
    bias: sp.MatrixSymbol | None
    below: Any  # hₖ₋₁ as named (x for the first layer)
    z: sp.MatrixSymbol  # the name of the pre-activation
    affine: Any  # Wₖ·below + bₖ, in the names
    activation: Any = None  # f(z) as an expression of z, for the layers under the top
    h: sp.MatrixSymbol | None = None  # the name of the activation's output


@dataclass(frozen=True)
class Backward:
    """One step of the backward pass: ``name`` = ``value`` (in the names), by ``rule``; ``where``
    names what the value uses (p = softmax(z₂)); ``slope`` is f′(z) of the layer below, as the
    value writes it (1 − h₁²)."""

    rule: str
    name: str  # "δ2", "∂L/∂W2", ...
    symbol: Any  # what the step names, as a matrix symbol: δ₂, or the parameter W₂
    value: Any
    where: tuple[tuple[Any, Any], ...] = ()
    layer: Layer | None = None
    slope: Any = None


@dataclass(frozen=True, repr=False)
class Layers(Notebook):
    """The forward pass (each name and its definition), the backward pass, the gradients at the
    point, and their checks."""

    input: str
    shaped: Shaped
    loss: Any  # L in the top z
    layers: tuple[Layer, ...]
    backward: tuple[Backward, ...]
    gradients: Mapping[str, list[list[float]]]  # each parameter, at the point
    finite_difference: Mapping[str, list[list[float]]]
    whole: Mapping[str, bool]  # each gradient agrees with the whole expression's derivative
    sizes: Mapping[str, int]
    point: Mapping[str, Any] | None  # None: seeded random values

    @property
    def forward(self) -> list[tuple[Any, Any]]:
        out: list[tuple[Any, Any]] = []
        for layer in self.layers:
            out.append((layer.z, layer.affine))
            if layer.h is not None:
                out.append((layer.h, layer.activation))
        return out

    def summary(self) -> str:
        return (
            f"{len(self.layers)} layers of {self.input}, gradients of {', '.join(self.gradients)}"
        )


def layers(
    text: str,
    *,
    shapes: Iterable[str] | Mapping[str, str],
    at: str | None = None,
) -> Layers:
    """Backpropagate through the network ``text``, layer by layer."""
    declared_shapes = declared(shapes)
    shaped = parse_shaped(text, declared_shapes)
    if is_matrix(shaped.expr):
        raise UsageError("backprop needs a scalar loss, e.g. cross_entropy(softmax(W x + b), y)")
    taken = set(declared_shapes.symbols) | {str(s) for s in shaped.expr.free_symbols}
    found, loss = _peel(shaped.expr, declared_shapes.symbols, taken)
    backward = _backward(found, loss, taken)
    values, sizes, point = _point(shaped, at)
    bind = _bindings(found)
    gradients, difference, whole = {}, {}, {}
    inst = mv.Instance(sizes, values)
    for layer in found:
        for parameter in (layer.weight, layer.bias):
            if parameter is None:
                continue
            step = next(b for b in backward if b.symbol == parameter)
            ours = mv.value(_substituted(step.value, bind, backward), inst)
            gradients[parameter.name] = _floats(ours)
            difference[parameter.name] = _floats(
                mv.entrywise_difference(shaped.expr, parameter, inst)
            )
            again = derive_matrix(shaped.expr, parameter, taken=taken)
            theirs = mv.value(again.result.xreplace(dict(again.where)), inst)
            whole[parameter.name] = mv.agree(ours, theirs)
    return Layers(
        text,
        shaped,
        loss,
        tuple(found),
        tuple(backward),
        gradients,
        difference,
        whole,
        {str(k): v for k, v in sizes.items()},
        point,
    )


# --- reading the layers ---------------------------------------------------------------------------


def _name(letter: str, k: int, shape: tuple[Any, Any], taken: set[str]) -> sp.MatrixSymbol:
    name = f"{letter}{k}"
    while name in taken:
        name += "_"
    taken.add(name)
    return sp.MatrixSymbol(name, *shape)


def _affine(e: Any, symbols: Mapping[str, Any]) -> tuple[Any, Any, Any] | None:
    """W·u + b, or W·u: the weight, what it multiplies, and the bias (or None)."""
    terms = list(e.args) if isinstance(e, sp.MatAdd) else [e]
    products = [t for t in terms if isinstance(t, sp.MatMul)]
    biases = [t for t in terms if isinstance(t, sp.MatrixSymbol)]
    if len(products) != 1 or len(biases) > 1 or len(products) + len(biases) != len(terms):
        return None
    factors = products[0].args
    if len(factors) < 2 or not isinstance(factors[0], sp.MatrixSymbol):
        return None
    below = factors[1] if len(factors) == 2 else sp.MatMul(*factors[1:])
    return factors[0], below, biases[0] if biases else None


def _peel(f: Any, symbols: Mapping[str, Any], taken: set[str]) -> tuple[list[Layer], Any]:
    """The layers, from the input up, and the loss as a function of the top z."""
    found_top = _top(f)
    if found_top is None:
        raise UsageError(
            "backprop by layers reads a loss of a network: cross_entropy(softmax(W2 h + b2), y) "
            "or norm(W2 h + b2 - y)^2, with h = f(W1 x + b1)"
        )
    node, top, rest = found_top
    chain: list[tuple[Any, Any, Any, Any]] = []  # (weight, below, bias, activation of below)
    current = top
    while True:
        found = _affine(current, symbols)
        if found is None:
            raise UsageError(
                "each layer is an affine map, W h + b (or W h), of the layer below: "
                f"cannot read {current} as one"
            )
        weight, below, bias = found
        if isinstance(below, ElementwiseApplyFunction):
            chain.append((weight, below, bias, below))
            current = below.expr
            if len(chain) > MAX_LAYERS:
                raise UsageError(f"at most {MAX_LAYERS} layers")
            continue
        chain.append((weight, below, bias, None))
        break
    chain.reverse()
    out: list[Layer] = []
    below_name: Any = chain[0][1]  # the input, x
    for k, (weight, _below, bias, _) in enumerate(chain, 1):
        z = _name("z", k, weight.shape[0:1] + (sp.Integer(1),), taken)
        affine = (
            sp.MatMul(weight, below_name)
            if bias is None
            else sp.MatAdd(sp.MatMul(weight, below_name), bias)
        )
        activation, h = None, None
        if k < len(chain):
            function = chain[k][3]  # the activation the next layer reads
            t = function.function.variables[0]
            activation = elementwise(function.function.expr, t, z)
            h = _name("h", k, z.shape, taken)
            below_name = h
        out.append(Layer(weight, bias, out[-1].h if out else chain[0][1], z, affine, activation, h))
    z = out[-1].z
    loss = f.xreplace({node: sp.MatAdd(z, *rest) if rest else z})
    return out, loss


def _top(f: Any) -> tuple[Any, Any, tuple[Any, ...]] | None:
    """The top pre-activation: the node of the loss that holds it, the affine map itself, and
    what the node adds to it (−y in ‖W₂h + b₂ − y‖²)."""
    for a in sp.preorder_traversal(f):
        if isinstance(a, CrossEntropy):
            p = a.args[0]
            if not hasattr(p, "arg"):
                return None
            return p.args[0], p.args[0], ()
        if isinstance(a, sp.MatAdd) and any(isinstance(t, sp.MatMul) for t in a.args):
            # norm(W2 h + b2 - y)^2: the affine part of the sum, without the target.
            target = tuple(t for t in a.args if isinstance(t, sp.MatMul) and t.args[0] == -1)
            terms = [t for t in a.args if t not in target]
            top = sp.MatAdd(*terms) if len(terms) > 1 else terms[0]
            return a, top, target
        if isinstance(a, sp.MatMul) and isinstance(a.args[0], sp.MatrixSymbol):
            return a, a, ()
    return None


# --- the backward pass ----------------------------------------------------------------------------


def _backward(found: list[Layer], loss: Any, taken: set[str]) -> list[Backward]:
    out: list[Backward] = []
    top = found[-1]
    first = derive_matrix(loss, top.z, taken=taken)
    delta = _name("δ", len(found), top.z.shape, taken)
    rule = first.differential.rule
    out.append(Backward(rule, f"δ{len(found)}", delta, first.result, first.where, top))
    for k in range(len(found), 0, -1):
        layer = found[k - 1]
        below = layer.below
        out.append(
            Backward(
                "linear_layer",
                f"∂L/∂{layer.weight.name}",
                layer.weight,
                sp.MatMul(delta, sp.Transpose(below)),
            )
        )
        if layer.bias is not None:
            out.append(Backward("linear_layer", f"∂L/∂{layer.bias.name}", layer.bias, delta))
        if k == 1:
            break
        lower = found[k - 2]
        upstream = sp.MatMul(sp.Transpose(layer.weight), delta)
        slope = _slope(lower)
        new_delta = _name("δ", k - 1, lower.z.shape, taken)
        # ⊙ is associative: (W₂ᵀδ₂) ⊙ h₁ ⊙ (1 − h₁), one product.
        parts = slope.args if isinstance(slope, sp.HadamardProduct) else (slope,)
        value = sp.HadamardProduct(upstream, *parts)
        out.append(Backward("chain_jacobians", f"δ{k - 1}", new_delta, value, (), lower, slope))
        delta = new_delta
    return out


def _slope(layer: Layer) -> Any:
    """f′(z) entry by entry, in h where the texts write it so: 1 − h² for tanh, h ⊙ (1 − h)
    for σ; else f′(z)."""
    act = layer.activation
    t = act.function.variables[0]
    body = act.function.expr
    h = layer.h
    assert h is not None
    if body == sp.tanh(t):
        s = sp.Dummy("s", real=True)
        return elementwise(1 - s**2, s, h)
    if body == sigmoid(t):
        s = sp.Dummy("s", real=True)
        ones_minus = elementwise(1 - s, s, h)
        return sp.HadamardProduct(h, ones_minus)
    derivative = sp.diff(body, t)
    if body == relu(t):
        derivative = sp.Heaviside(t, 0)
    return elementwise(derivative, t, layer.z)


# --- values -----------------------------------------------------------------------------------


def _bindings(found: list[Layer]) -> dict[Any, Any]:
    """Each name as what it stands for, down to the inputs: z₂ = W₂h₁ + b₂, h₁ = tanh(z₁), …"""
    bind: dict[Any, Any] = {}
    for layer in found:
        bind[layer.z] = layer.affine.xreplace(bind)
        if layer.h is not None:
            bind[layer.h] = layer.activation.xreplace(bind)
    return bind


def _substituted(e: Any, bind: dict[Any, Any], backward: list[Backward]) -> Any:
    full = dict(bind)
    for step in backward:
        if step.rule != "linear_layer":
            full[step.symbol] = step.value.xreplace(dict(step.where)).xreplace(full)
    previous = None
    while previous != e:
        previous, e = e, e.xreplace(full)
    return e


def _point(shaped: Shaped, at: str | None) -> tuple[dict[Any, Any], dict[Any, int], Any]:
    symbols = {
        s for s in shaped.expr.free_symbols if not (isinstance(s, sp.Symbol) and s.is_integer)
    }
    targets = {a.args[1] for a in sp.preorder_traversal(shaped.expr) if isinstance(a, CrossEntropy)}
    if at is None:
        inst = mv.instances(symbols, count=1, seed=2024, distributions=targets)[0]
        return dict(inst.values), dict(inst.sizes), None
    values, sizes = parse_arrays(at, shaped.shapes)
    missing = sorted(str(s) for s in symbols if s not in values)
    if missing:
        raise UsageError(
            Message("{at} gives no value for " + ", ".join(missing), at=Parameter("at"))
        )
    with mpmath.workdps(mv.DIGITS):
        as_mp = {
            k: mpmath.matrix(v) if isinstance(v, list) else mpmath.mpf(sp.Float(v, 40))
            for k, v in values.items()
        }
    return as_mp, dict(sizes), {str(k): v for k, v in values.items()}


def _floats(m: Any) -> list[list[float]]:
    m = m if isinstance(m, mpmath.matrix) else mpmath.matrix([[m]])
    return [[float(m[i, j]) for j in range(m.cols)] for i in range(m.rows)]
