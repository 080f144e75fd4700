"""Chapter 03 – activations: the draw halves of the chapter's figures.

Each ``draw_*(data, ax)`` draws a ``compute`` result of ``course_lib.experiments.ch03_activations`` on
axes it is given, so the same code serves a static figure and a :class:`course_lib.widgets.LivePlot`.
"""

from __future__ import annotations

import numpy as np

from ._axes import COLORS, curve_with_derivative, loss_curves

__all__ = ["draw_activation", "draw_feature_fit", "draw_gradient_norms", "draw_dead_units", "draw_loss_curves",
           "draw_softmax_bars"]


def draw_activation(data, ax):
    """``data = (name, x, f(x), f'(x))`` from :func:`course_lib.experiments.ch03_activations.curve_data`."""
    name, x, y, dy = data
    curve_with_derivative(ax, x, y, dy, label=name)
    ax.set_title(f"{name} and its derivative")


def draw_feature_fit(data, ax):
    """``data = {"relu": fit, "linear": fit}`` from :func:`course_lib.experiments.ch03_activations.relu_features_fit`."""
    first = next(iter(data.values()))
    ax.plot(first["x"], first["y"], color="k", lw=2.5, alpha=0.35, label="target sin(x)")
    for name, fit in data.items():
        ax.plot(fit["x"], fit["fit"], lw=1.6, label=f"{name} units (RMSE {fit['rmse']:.3f})")
    ax.set_xlabel("x")
    ax.legend(loc="upper left", fontsize=8)


def draw_gradient_norms(data, ax):
    """``data = {activation: norms per layer}``: gradient size from input side to output side."""
    for name, g in data.items():
        ax.semilogy(np.arange(1, len(g) + 1), np.maximum(g, 1e-30), "-o", ms=3, label=name)
    ax.set_xlabel("layer (1 = next to the input)")
    ax.set_ylabel("||dL/dW_k||")
    ax.legend(loc="lower right", fontsize=8)


def draw_dead_units(data, axes):
    """``data = {activation: run}`` at one learning rate: dead fraction and loss per epoch."""
    ax_dead, ax_loss = axes
    for i, (name, run) in enumerate(data.items()):
        ax_dead.plot(run["dead"], lw=2, label=name, color=COLORS[i])
        ax_loss.plot(run["loss"], lw=2, label=name, color=COLORS[i])
    ax_dead.set_ylim(-0.03, 1.03)
    ax_dead.set_xlabel("epoch")
    ax_dead.set_ylabel("units with z <= 0 on every sample")
    ax_loss.set_yscale("log")
    ax_loss.set_xlabel("epoch")
    ax_loss.set_ylabel("cross-entropy loss")
    ax_dead.legend(loc="upper left", fontsize=8)


def draw_loss_curves(data, ax):
    """``data = {activation: mean loss per epoch}`` from
    :func:`course_lib.experiments.ch03_activations.zero_centred_comparison`."""
    loss_curves(ax, data, ylabel="cross-entropy (mean of 5 seeds)")


def draw_softmax_bars(data, ax):
    """``data = (labels, probabilities, temperature)``."""
    labels, p, T = data
    ax.bar(labels, p, color=COLORS[0])
    for i, v in enumerate(p):
        ax.text(i, v + 0.02, f"{v:.2f}", ha="center", fontsize=9)
    ax.set_ylim(0, 1.1)
    ax.set_ylabel("probability")
    ax.set_title(f"softmax(z / T), T = {T:.2f}")
