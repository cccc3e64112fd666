"""Backpropagation by layers (issue 14 §3): the matrix form of backprop, each δ named and every
gradient checked against a central difference and the whole expression's derivative."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from derivtutor.cli import app
from derivtutor.errors import UsageError
from derivtutor.language.matrix_notation import matrix_text
from derivtutor.ml.layers import layers

runner = CliRunner()

TWO_LAYERS = "x=n,W1=m×n,b1=m,W2=k×m,b2=k,y=k"

NETWORKS = [
    # the loss, the shapes, each backward step as the texts write it
    (
        "cross_entropy(softmax(W2 tanh(W1 x + b1) + b2), y)",
        TWO_LAYERS,
        ["p − y", "δ₂h₁ᵀ", "δ₂", "(W₂ᵀδ₂) ⊙ (1 − h₁²)", "δ₁xᵀ", "δ₁"],
    ),
    (
        "norm(W2 sigmoid(W1 x + b1) + b2 - y)^2",
        TWO_LAYERS,
        ["2(z₂ − y)", "δ₂h₁ᵀ", "δ₂", "(W₂ᵀδ₂) ⊙ h₁ ⊙ (1 − h₁)", "δ₁xᵀ", "δ₁"],
    ),
    (
        "cross_entropy(softmax(W3 relu(W2 tanh(W1 x + b1) + b2) + b3), y)",
        "x=n,W1=m×n,b1=m,W2=q×m,b2=q,W3=k×q,b3=k,y=k",
        [
            "p − y",
            "δ₃h₂ᵀ",
            "δ₃",
            "(W₃ᵀδ₃) ⊙ H(z₂)",
            "δ₂h₁ᵀ",
            "δ₂",
            "(W₂ᵀδ₂) ⊙ (1 − h₁²)",
            "δ₁xᵀ",
            "δ₁",
        ],
    ),
    ("cross_entropy(softmax(W x + b), y)", "x=n,W=k×n,b=k,y=k", ["p − y", "δ₁xᵀ", "δ₁"]),
    (
        "norm(W2 tanh(W1 x) - y)^2",
        "x=n,W1=m×n,W2=k×m,y=k",
        ["2(z₂ − y)", "δ₂h₁ᵀ", "(W₂ᵀδ₂) ⊙ (1 − h₁²)", "δ₁xᵀ"],
    ),
]


@pytest.mark.parametrize(("loss", "shapes", "steps"), NETWORKS)
def test_each_delta_and_gradient_is_the_textbook_one_and_checked(loss, shapes, steps):
    run = layers(loss, shapes=[shapes])
    assert [matrix_text(b.value) for b in run.backward] == steps
    for name, ours in run.gradients.items():
        difference = run.finite_difference[name]
        for row, other in zip(ours, difference, strict=True):
            assert row == pytest.approx(other, abs=1e-9)
        assert run.whole[name], name


def test_the_rules_are_named():
    run = layers(NETWORKS[0][0], shapes=[TWO_LAYERS])
    assert [b.rule for b in run.backward] == [
        "softmax_cross_entropy",
        "linear_layer",
        "linear_layer",
        "chain_jacobians",
        "linear_layer",
        "linear_layer",
    ]
    assert [matrix_text(n) for n, _ in run.forward] == ["z₁", "h₁", "z₂"]


def test_the_cli_shows_every_delta_and_links_the_scalar_backprop():
    out = runner.invoke(app, ["backprop", NETWORKS[0][0], "--shape", TWO_LAYERS])
    assert out.exit_code == 0, out.output
    for piece in (
        "δ₂ = ∂L/∂z₂ = p − y, where p = softmax(z₂)",
        "∂L/∂W₂ = δ₂h₁ᵀ",
        "δ₁ = ∂L/∂z₁ = (W₂ᵀδ₂) ⊙ (1 − h₁²)",
        "∂L/∂W₁ = δ₁xᵀ",
        "the matrix form of backprop without --shape",
        "tanh′(z₁) = 1 − h₁²",
    ):
        assert piece in out.output


def test_at_a_point_the_gradients_are_printed_and_in_json():
    point = "x=[1,2],W1=[[1,0],[0,1],[1,1]],b1=[0,0,0],W2=[[1,1,1]],b2=[0],y=[1]"
    out = runner.invoke(
        app,
        [
            "backprop",
            "norm(W2 sigmoid(W1 x + b1) + b2 - y)^2",
            "--shape",
            TWO_LAYERS,
            "--at",
            point,
            "--format",
            "json",
        ],
    )
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data["sizes"] == {"n": 2, "m": 3, "k": 1}
    assert data["gradients"]["b2"][0][0] == pytest.approx(data["finite_difference"]["b2"][0][0])
    assert [b["rule"] for b in data["backward"]][0] == "norm_squared"


def test_a_loss_that_is_not_a_network_is_refused():
    with pytest.raises(UsageError, match="affine map"):
        layers("norm(tanh(x) - y)^2", shapes=["x=n,y=n"])
