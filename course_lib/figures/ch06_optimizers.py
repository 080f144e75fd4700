"""Chapter 06 – optimizers: the draw halves of the chapter's figures.

Each ``draw_*(data, ax)`` draws a ``compute`` result of ``course_lib.experiments.ch06_optimizers`` on
axes it is given, so the same code serves a static figure and a :class:`course_lib.widgets.LivePlot`.
"""

from __future__ import annotations

import numpy as np
from matplotlib import ticker as _ticker

from ._axes import COLORS, _decades, _round_up, contour_with_paths, loss_curves

__all__ = ["draw_optimizer_race", "draw_iris_runs", "draw_curves", "draw_step_losses", "draw_loss_vs_updates",
           "draw_restarts", "draw_tuned_race", "draw_adam_bias"]


def _opt_color(name, names):
    return COLORS[list(names).index(name) % len(COLORS)]


def draw_optimizer_race(data, axes):
    """``data`` from :func:`course_lib.experiments.ch06_optimizers.race`: paths on the contours, f − f* and |Δx| per step.

    ``axes`` is one Axes (contours only) or three (contours, loss, step length).
    """
    axes = list(np.atleast_1d(axes))
    s, paths = data["surface"], data["paths"]
    names = list(paths)
    labels = {n: n + (" (diverged)" if data["diverged"][n] else "") for n in names}
    ax = axes[0]
    contour_with_paths(ax, s.f, {labels[n]: p for n, p in paths.items()}, s.xlim, s.ylim, n=120,
                       optimum=s.minimum, legend=len(axes) == 1)  # else the loss panel carries the legend
    ax.plot(*s.x0, marker="o", ms=6, color="k", ls="none")
    ax.set_title(s.formula, fontsize=8)
    ax.set_xlabel("x1")  # plain text, as in the formulas (mathtext is slow to lay out on every redraw)
    ax.set_ylabel("x2")
    if len(axes) > 1:
        f_min = s.f(*s.minimum) if s.minimum is not None else 0.0
        for n in names:
            gap = np.maximum(data["losses"][n] - f_min, 1e-12)
            axes[1].plot(np.arange(len(gap)), gap, lw=1.4, color=_opt_color(n, names), label=n)
        axes[1].set_yscale("log")  # once, not per curve as semilogy would
        axes[1].set_xlabel("step")
        axes[1].set_ylabel("f(x) - f*")
        axes[1].set_xlim(0, _round_up(data["params"]["steps"]))
        axes[1].legend([labels[n] for n in names], fontsize=7, loc="lower left")
    if len(axes) > 2:
        for n in names:
            st = np.maximum(data["steps"][n], 1e-12)
            axes[2].plot(np.arange(1, len(st) + 1), st, lw=1.4, color=_opt_color(n, names), label=n)
        axes[2].set_yscale("log")
        axes[2].set_xlabel("step")
        axes[2].set_ylabel("step length |x(t) - x(t-1)|")
        axes[2].set_xlim(0, _round_up(data["params"]["steps"]))
    if len(axes) > 1:
        axes[1].set_ylim(*_decades(np.concatenate([data["losses"][n] for n in names]) - f_min, low_step=3))
    if len(axes) > 2:
        axes[2].set_ylim(*_decades(np.concatenate([data["steps"][n] for n in names]), low_step=3))
    for a in axes[1:]:
        a.yaxis.set_major_locator(_ticker.LogLocator(numticks=6))
        a.yaxis.set_minor_locator(_ticker.NullLocator())
        a.yaxis.set_major_formatter(_ticker.FuncFormatter(_plain_power))
    return axes


def _plain_power(y, _pos=None):
    """Log-axis tick labels as plain text ("1e-06"): mathtext labels dominate a redraw's time."""
    if not y > 0:
        return ""
    e = int(np.round(np.log10(y)))
    return "1" if e == 0 else f"1e{e}"


def draw_iris_runs(runs, axes, logy=True):
    """``runs = {name: IrisRun}`` (from ``iris_optimizers``): training loss and test accuracy per epoch, two axes."""
    ax_loss, ax_acc = axes
    loss_curves(ax_loss, {r.name: r.loss for r in runs.values()}, ylabel="training loss (MSE)", logy=logy)
    loss_curves(ax_acc, {r.name: r.test_acc for r in runs.values()}, ylabel="test accuracy")
    ax_acc.set_ylim(0, 1.05)
    ax_acc.legend(loc="lower right", fontsize=8)
    ax_loss.legend(fontsize=8)
    return axes


def draw_curves(histories, ax, ylabel="loss", logy=False, xlabel="epoch"):
    """``histories = {name: values per epoch}``: one line each, with a legend."""
    return loss_curves(ax, histories, xlabel=xlabel, ylabel=ylabel, logy=logy)


def draw_step_losses(data, ax, window=20):
    """``data = {label: IrisRun}``: batch loss against the number of updates (moving average)."""
    for i, (label, r) in enumerate(data.items()):
        y = np.asarray(r.step_loss, dtype=float)
        w = min(window, len(y))
        smooth = np.convolve(y, np.ones(w) / w, mode="valid")
        ax.plot(np.arange(w, len(y) + 1), smooth, lw=1.6, color=COLORS[i % len(COLORS)], label=label)
    ax.set_yscale("log")
    ax.set_xlabel("update step")
    ax.set_ylabel(f"batch loss ({window}-step mean)")
    ax.legend(fontsize=8)
    return ax


def draw_loss_vs_updates(data, ax):
    """``data = {label: IrisRun}``: test loss against the number of updates (epoch × batches per epoch)."""
    for i, (label, r) in enumerate(data.items()):
        steps = (np.arange(len(r.test_loss)) + 1) * r.info["batches_per_epoch"]
        ax.plot(steps, r.test_loss, lw=1.6, color=COLORS[i % len(COLORS)], label=label)
    ax.set_yscale("log")
    ax.set_xlabel("update step")
    ax.set_ylabel("test loss (MSE, 30 flowers)")
    ax.legend(fontsize=8)
    return ax


def draw_restarts(runs, ax):
    """``runs``: a list of IrisRun from several random starts; the best one drawn thick."""
    best = int(np.nanargmin([r.final_loss for r in runs]))
    for i, r in enumerate(runs):
        ax.plot(r.loss, lw=2.4 if i == best else 1.0, alpha=1.0 if i == best else 0.6,
                color=COLORS[3] if i == best else "0.5", label="best start" if i == best else None)
    ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel("training loss (MSE)")
    ax.legend(fontsize=8)
    return ax


def draw_tuned_race(data, axes):
    """``data`` from :func:`course_lib.experiments.ch06_optimizers.tuned_race`: final loss vs lr, and the best runs."""
    ax_lr, ax_best = axes
    for i, (name, d) in enumerate(data["runs"].items()):
        c = COLORS[i % len(COLORS)]
        ax_lr.loglog(d["lrs"], np.maximum(d["final"], 1e-30), "-o", ms=3, lw=1.4, color=c, label=name)
        ax_best.semilogy(np.maximum(d["curve"], 1e-30), lw=1.6, color=c, label=f"{name}: {d['label']}")
    ax_lr.set_xlabel("learning rate")
    ax_lr.set_ylabel(f"f after {data['steps']} steps (best of the other knobs)")
    ax_best.set_xlabel("step")
    ax_best.set_ylabel("f(x) - f*")
    ax_lr.legend(fontsize=8)
    ax_best.legend(fontsize=7)
    return axes


def draw_adam_bias(data, ax):
    """``data = {label: |Δw| / lr per step}`` (:func:`course_lib.experiments.ch06_optimizers.adam_effective_step`)."""
    for i, (label, y) in enumerate(data.items()):
        ax.plot(np.arange(1, len(y) + 1), y, lw=1.8, color=COLORS[i % len(COLORS)], label=label)
    ax.set_xscale("log")
    ax.set_xlabel("step t")
    ax.set_ylabel("|step| / lr, constant gradient")
    ax.legend(fontsize=8)
    return ax
