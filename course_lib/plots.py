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
    ax_dead.set_ylabel("units with z <= 0 on every sample")
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


# ======================================================================================
# Chapter 01 – network complexity
# ======================================================================================
# (appended after chapter 03's section: this file is append-only while chapters are written)

_CX_SERIES = (("FLOPs", 0), ("params", 1), ("feature-map bytes", 2))  # (label, colour index)
_CX_TICKS = ([1e0, 1e2, 1e4, 1e6, 1e8, 1e10], ["1", "100", "10k", "1M", "100M", "10G"])


def _cx_log_axis(ax, axis, lim):
    """A log axis with fixed plain-text ticks: mathtext tick labels cost milliseconds per redraw."""
    from matplotlib.ticker import FixedFormatter, FixedLocator, NullLocator

    a = ax.yaxis if axis == "y" else ax.xaxis
    (ax.set_yscale if axis == "y" else ax.set_xscale)("log")
    (ax.set_ylim if axis == "y" else ax.set_xlim)(*lim)
    ticks, labels = _CX_TICKS
    a.set_major_locator(FixedLocator(ticks))
    a.set_major_formatter(FixedFormatter(labels))
    a.set_minor_locator(NullLocator())


def _cx_key(ax, labels_colors, x0=0.42, dx=0.17):
    """A legend made of three coloured words (a matplotlib legend costs ~10 ms per redraw)."""
    for i, (label, c) in enumerate(labels_colors):
        ax.text(x0 + dx * i, 0.97, "■ " + label, color=c, transform=ax.transAxes, fontsize=8, va="top")


def draw_complexity_bars(table, ax, slots=8, ylim=(1, 1e11)):
    """Per-layer FLOPs, parameters and feature-map bytes of a :class:`course_lib.complexity.LayerTable`.

    Grouped bars on a log axis whose limits never change (``slots`` layer positions, ``ylim``), so
    a slider move shows growth as taller bars rather than as a rescaled axis. Zero values (a
    Flatten's FLOPs) get no bar.
    """
    x = np.arange(len(table))
    cols = (table.flops, table.params, table.memory)
    for i, ((label, c), values) in enumerate(zip(_CX_SERIES, cols)):
        v = np.asarray(values, dtype=float)
        ax.bar(x + (i - 1) * 0.27, np.where(v > 0, v, np.nan), 0.27, color=COLORS[c])
    _cx_log_axis(ax, "y", ylim)
    ax.set_xlim(-0.6, max(slots, len(table)) - 0.4)
    ax.set_xticks(x, table.names, fontsize=8)
    ax.set_ylabel("count / bytes (log)")
    _cx_key(ax, [(label, COLORS[c]) for label, c in _CX_SERIES])
    return ax


def draw_layer_shares(table, ax):
    """Each layer's share (%) of the model's parameters and of its FLOPs, side by side."""
    x = np.arange(len(table))
    p = 100 * table.params / max(table.total_params, 1)
    f = 100 * table.flops / max(table.total_flops, 1)
    ax.bar(x - 0.2, p, 0.4, label="share of parameters", color=COLORS[1])
    ax.bar(x + 0.2, f, 0.4, label="share of FLOPs", color=COLORS[0])
    ax.set_xticks(x, table.names, fontsize=8)
    ax.set_ylabel("% of the model's total")
    ax.set_ylim(0, 100)
    ax.legend(loc="upper center", fontsize=8)
    if table.title:
        ax.set_title(table.title.split(":")[0])
    return ax


def draw_architectures(data, ax):
    """``data = {model name: (params, FLOPs, feature-map bytes)}``: grouped bars on a log axis."""
    names = list(data)
    vals = np.array([data[n] for n in names], dtype=float)
    x = np.arange(len(names))
    for i, (label, c) in enumerate((("params", 1), ("FLOPs", 0), ("feature-map bytes", 2))):
        ax.bar(x + (i - 1) * 0.27, vals[:, i], 0.27, label=label, color=COLORS[c])
    ax.set_yscale("log")
    ax.set_ylim(1e3, 1e10)
    ax.set_xticks(x, names, fontsize=8)
    ax.set_ylabel("count / bytes (log)")
    ax.legend(loc="upper left", fontsize=8, ncols=3)
    return ax


def draw_latency_vs_flops(data, ax):
    """``data = {model name: (FLOPs, seconds)}``: measured latency against FLOPs, log-log.

    The dashed line is ``time = FLOPs / rate`` at the best rate any of the models reached: a
    model on it turns FLOPs into time as efficiently as the best one; above it, time goes to
    memory traffic and per-layer overhead rather than arithmetic.
    """
    names = list(data)
    fl = np.array([data[n][0] for n in names], dtype=float)
    ms = np.array([data[n][1] for n in names], dtype=float) * 1e3
    ax.loglog(fl, ms, "o", ms=7, color=COLORS[0])
    for n, a, b in zip(names, fl, ms):
        ax.annotate(n, (a, b), textcoords="offset points", xytext=(6, 3), fontsize=8)
    rate = np.max(fl / ms)
    xs = np.geomspace(fl.min() / 2, fl.max() * 2, 10)
    ax.loglog(xs, xs / rate, "--", color="0.5", lw=1, label=f"time ∝ FLOPs at the best rate ({rate / 1e6:.0f} GFLOP/s)")
    ax.set_xlabel("FLOPs per image (TensorFlow profiler convention)")
    ax.set_ylabel("latency per image (ms)")
    ax.legend(loc="upper left", fontsize=8)
    return ax
