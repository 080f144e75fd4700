"""Figures the chapters share.

Every function draws on axes it is given (``draw(data, ax)`` style) so the same code
serves a static figure and a :class:`course_lib.widgets.LivePlot`. Labels are English and
the font is matplotlib's bundled DejaVu Sans: figures render on machines with no CJK font.

Chapter-specific drawings live in sections below, one per chapter, in chapter order.
"""

from __future__ import annotations

import matplotlib
import numpy as np

__all__ = ["apply_style", "COLORS", "curve_with_derivative", "loss_curves", "contour_with_paths",
           "new_figure"]

#: One colour per series, stable across chapters (matplotlib's tab10).
COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
          "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]


def apply_style() -> None:
    """The course's plot defaults: readable sizes, a grid, no CJK font needed."""
    matplotlib.rcParams.update({
        "figure.figsize": (6.4, 3.6),
        "figure.dpi": 100,
        "font.family": "DejaVu Sans",
        "font.size": 10,
        "axes.grid": True,
        "grid.alpha": 0.3,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "legend.frameon": False,
        "savefig.bbox": None,
        "axes.prop_cycle": matplotlib.cycler(color=COLORS),
    })


def new_figure(nrows=1, ncols=1, figsize=None, **kw):
    """A pyplot figure with the course's layout; returns ``(fig, axes)`` like ``plt.subplots``."""
    import matplotlib.pyplot as plt

    return plt.subplots(nrows, ncols, figsize=figsize, layout="constrained", **kw)


def curve_with_derivative(ax, x, y, dy, label="f", ylim=None):
    """A function and its derivative on one axes (solid and dashed)."""
    ax.axhline(0, color="0.6", lw=0.8)
    ax.axvline(0, color="0.6", lw=0.8)
    ax.plot(x, y, lw=2, label=f"{label}(x)")
    ax.plot(x, dy, lw=2, ls="--", label=f"{label}'(x)")
    if ylim is not None:
        ax.set_ylim(*ylim)
    ax.set_xlabel("x")
    ax.legend(loc="upper left")
    return ax


def loss_curves(ax, histories, xlabel="epoch", ylabel="loss", logy=False, title=None):
    """Several curves keyed by name (``{"SGD": [..], "Adam": [..]}``) on one axes."""
    for i, (name, values) in enumerate(histories.items()):
        values = np.asarray(values, dtype=float)
        ax.plot(np.arange(len(values)), values, lw=1.8, label=name, color=COLORS[i % len(COLORS)])
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    ax.legend()
    return ax


def contour_with_paths(ax, f, paths, xlim, ylim, levels=30, n=200, logscale=True, optimum=None):
    """Contours of ``f(x, y)`` (vectorised) with optimiser paths ``{name: array (k, 2)}``."""
    xs = np.linspace(*xlim, n)
    ys = np.linspace(*ylim, n)
    X, Y = np.meshgrid(xs, ys)
    Z = f(X, Y)
    if logscale:
        Z = np.log1p(Z - Z.min())
    ax.contour(X, Y, Z, levels=levels, cmap="Greys", linewidths=0.6)
    for i, (name, p) in enumerate(paths.items()):
        p = np.asarray(p, dtype=float)
        ax.plot(p[:, 0], p[:, 1], "-o", ms=2, lw=1.3, label=name, color=COLORS[i % len(COLORS)])
    if optimum is not None:
        ax.plot(*optimum, marker="*", ms=12, color="k", ls="none", label="optimum")
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_xlabel("$w_1$")
    ax.set_ylabel("$w_2$")
    ax.legend(loc="upper right", fontsize=8)
    return ax


# ======================================================================================
# Chapter 03 – activations
# ======================================================================================

def draw_activation(data, ax):
    """``data = (name, x, f(x), f'(x))`` from :func:`course_lib.activations.curve_data`."""
    name, x, y, dy = data
    curve_with_derivative(ax, x, y, dy, label=name)
    ax.set_title(f"{name} and its derivative")


def draw_feature_fit(data, ax):
    """``data = {"relu": fit, "linear": fit}`` from :func:`course_lib.activations.relu_features_fit`."""
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
    ax_dead.set_ylabel("fraction of units never active")
    ax_loss.set_yscale("log")
    ax_loss.set_xlabel("epoch")
    ax_loss.set_ylabel("cross-entropy loss")
    ax_dead.legend(loc="upper left", fontsize=8)


def draw_softmax_bars(data, ax):
    """``data = (labels, probabilities, temperature)``."""
    labels, p, T = data
    ax.bar(labels, p, color=COLORS[0])
    for i, v in enumerate(p):
        ax.text(i, v + 0.02, f"{v:.2f}", ha="center", fontsize=9)
    ax.set_ylim(0, 1.1)
    ax.set_ylabel("probability")
    ax.set_title(f"softmax(z / T), T = {T:.2f}")
