"""Chapter 03 – activations: the draw halves of the chapter's figures.

Each ``draw_*(data, ax)`` draws a result of :mod:`course_lib.experiments.ch03_activations` on
axes it is given, so the same code serves a static figure and a :class:`course_lib.widgets.LivePlot`.
Axes limits are fixed where a slider moves the data (steady axes, fast redraws).
"""

from __future__ import annotations

import numpy as np

from ._axes import COLORS, curve_with_derivative, log_axis

__all__ = ["draw_activation", "draw_feature_fit", "draw_gradient_norms", "GRADIENT_LIMITS", "draw_dead_relu",
           "draw_zero_centring", "draw_softmax_bars"]

LEGEND = 9  # pt: legends a projector can show


def draw_activation(data, ax):
    """``data = (name, x, f(x), f'(x))`` from :func:`course_lib.experiments.ch03_activations.curve_data`."""
    name, x, y, dy = data
    curve_with_derivative(ax, x, y, dy, label=name)
    ax.legend(loc="upper left", fontsize=LEGEND)
    ax.set_title(f"{name} and its derivative")


def draw_feature_fit(data, ax):
    """``data = {"relu": fit, "linear": fit}`` from
    :func:`course_lib.experiments.ch03_activations.relu_features_fit`."""
    first = next(iter(data.values()))
    ax.plot(first["x"], first["y"], color="k", lw=2.5, alpha=0.35, label="target sin(x)")
    for name, fit in data.items():
        ax.plot(fit["x"], fit["fit"], lw=1.6, label=f"{name} units (RMSE {fit['rmse']:.3f})")
    ax.set_ylim(-1.6, 1.6)
    ax.set_xlabel("x")
    ax.set_title("least-squares fit of sin(x) by n units")
    ax.legend(loc="upper left", fontsize=LEGEND)


#: y-limits of :func:`draw_gradient_norms`: every depth (2–12) and initial scale of the slider fits (13 decades).
GRADIENT_LIMITS = (1e-11, 1e2)


def draw_gradient_norms(data, ax):
    """``data = {activation: ‖∂L/∂W_k‖ per layer}`` from
    :func:`course_lib.experiments.ch03_activations.vanishing_view` (fixed axes)."""
    depth = 1
    for i, (name, g) in enumerate(data.items()):
        depth = len(g)
        ax.plot(np.arange(1, len(g) + 1), np.maximum(g, 1e-300), "-o", ms=3.5, lw=1.8, label=name,
                color=COLORS[i % len(COLORS)])
    log_axis(ax, "y", lim=GRADIENT_LIMITS, ticks=list(10.0 ** np.arange(-10, 3, 2)))
    ax.set_xlim(0.5, max(depth, 2) + 0.5)
    ax.set_xlabel("layer k (1 = next to the input)")
    ax.set_ylabel("||dL/dW_k||")
    ax.set_title("gradient norm per layer")
    ax.legend(loc="lower right", fontsize=LEGEND)


def draw_dead_relu(sweep, axes):
    """``sweep`` from :func:`course_lib.experiments.ch03_activations.lr_sweep`: held-out accuracy
    (mean over seeds, band from the worst to the best seed) and dead units vs learning rate."""
    ax_acc, ax_dead = axes
    for i, ((a, init), r) in enumerate(sweep.items()):
        lrs, color, label = np.asarray(r["lrs"]), COLORS[i % len(COLORS)], f"{a}, {init} init"
        acc = r["test_accuracy"]
        ax_acc.fill_between(lrs, acc.min(1), acc.max(1), color=color, alpha=0.15, lw=0)
        ax_acc.plot(lrs, acc.mean(1), "-o", ms=4, lw=1.8, color=color, label=label)
        ax_dead.plot(lrs, r["dead"][:, :, -1].mean(1), "-o", ms=4, lw=1.8, color=color, label=label)
    for ax in axes:
        log_axis(ax, "x", ticks=list(lrs))
        ax.set_xlabel("learning rate")
    ax_acc.set_ylim(0.3, 1.0)
    ax_acc.set_ylabel("held-out accuracy")
    ax_acc.set_title("accuracy on 1000 fresh points")
    top = max(float(np.max(r["dead"][:, :, -1].mean(1))) for r in sweep.values())
    ax_dead.set_ylim(-0.005, max(0.1, 1.25 * top))
    ax_dead.set_ylabel("fraction of hidden units")
    ax_dead.set_title("dead units (zero gradient on every sample)")
    ax_acc.legend(loc="lower left", fontsize=LEGEND)


def draw_zero_centring(runs, axes):
    """``runs`` from :func:`course_lib.experiments.ch03_activations.zero_centring_runs`: median
    training loss per epoch, one panel per slope at 0 (same colour: same slope; dashed: centred)."""
    panels = {axes[0]: ("sigmoid", "sigmoid - 1/2"), axes[1]: ("2 sigmoid(2x)", "tanh", "relu")}
    style = {"sigmoid": (COLORS[0], "-"), "sigmoid - 1/2": (COLORS[0], "--"), "2 sigmoid(2x)": (COLORS[1], "-"),
             "tanh": (COLORS[1], "--"), "relu": (COLORS[2], "-")}
    for ax, names in panels.items():
        for name in names:
            if name in runs:
                color, ls = style[name]
                ax.plot(np.median(runs[name], axis=0), color=color, ls=ls, lw=2, label=name)
        ax.set_xlabel("epoch")
        ax.set_ylim(0.0, 0.8)
        ax.legend(loc="upper right", fontsize=LEGEND)
    axes[0].set_ylabel("training loss (median of seeds)")
    axes[0].set_title("slope 1/4 at 0")
    axes[1].set_title("slope 1 at 0")


def draw_softmax_bars(data, ax):
    """``data = (labels, probabilities, temperature)``."""
    labels, p, T = data
    ax.bar(labels, p, color=COLORS[0])
    for i, v in enumerate(p):
        ax.text(i, v + 0.02, f"{v:.2f}", ha="center", fontsize=10)
    ax.set_ylim(0, 1.1)
    ax.set_ylabel("probability")
    ax.set_title(f"softmax(z / T), T = {T:.2f}")
