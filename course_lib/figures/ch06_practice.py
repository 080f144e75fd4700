"""Chapter 06 – optimizers in practice: the draw halves of the figures of 06b_optimizers_practice,
06c_optimizers_monitoring and the 06d appendix.

Each ``draw_*(data, axes)`` draws a result of :mod:`course_lib.experiments.ch06_practice` (or of
``tuned_race`` in :mod:`course_lib.experiments.ch06_optimizers`) on axes it is given. Every panel
has a title the lessons name it by; all text is at least 9 pt.
"""

from __future__ import annotations

import numpy as np

from ._axes import COLORS, labels, log_axis, loss_curves
from .ch06_optimizers import RACE_COLORS

__all__ = ["draw_iris_runs", "draw_curves", "draw_loss_vs_updates", "draw_restarts", "draw_sparse_race",
           "draw_monitor", "draw_plateau", "draw_local_minima", "draw_tuned_race"]


def draw_iris_runs(runs, axes, logy=True):
    """``runs = {key: IrisRun}`` (from ``iris_optimizers``): panels "training loss" and "test accuracy"."""
    ax_loss, ax_acc = axes
    loss_curves(ax_loss, {r.name: r.loss for r in runs.values()}, ylabel="training loss (MSE)")
    if logy:
        log_axis(ax_loss)
    loss_curves(ax_acc, {r.name: r.test_acc for r in runs.values()}, ylabel="test accuracy")
    ax_acc.set_ylim(0, 1.05)
    ax_loss.set_title("training loss", fontsize=10)
    ax_acc.set_title("test accuracy", fontsize=10)
    ax_acc.legend(loc="lower right", fontsize=9)
    ax_loss.legend(fontsize=9)
    return axes


def draw_curves(histories, ax, ylabel="loss", logy=False, xlabel="epoch", title=None):
    """``histories = {name: values per epoch}``: one line each, with a legend."""
    loss_curves(ax, histories, xlabel=xlabel, ylabel=ylabel)
    if logy:
        log_axis(ax)
    if title:
        ax.set_title(title, fontsize=10)
    ax.legend(fontsize=9)
    return ax


def draw_loss_vs_updates(data, ax):
    """``data = {label: IrisRun}``: test loss against the number of updates (epoch × batches per epoch)."""
    for i, (label, r) in enumerate(data.items()):
        steps = (np.arange(len(r.test_loss)) + 1) * r.info["batches_per_epoch"]
        ax.plot(steps, r.test_loss, lw=1.6, color=COLORS[i % len(COLORS)], label=label)
    log_axis(ax)
    labels(ax, "update step", "test loss (MSE, 30 flowers)", "test loss per update")
    return ax


def draw_restarts(runs, ax):
    """``runs``: a list of IrisRun from several random starts; the best one drawn thick."""
    best = int(np.nanargmin([r.final_loss for r in runs]))
    for i, r in enumerate(runs):
        ax.plot(r.loss, lw=2.4 if i == best else 1.0, alpha=1.0 if i == best else 0.6,
                color=COLORS[3] if i == best else "0.5", label="best start" if i == best else None)
    log_axis(ax)
    labels(ax, "epoch", "training loss (MSE)", "random starts")
    return ax


def draw_sparse_race(data, axes):
    """``data`` from ``sparse_race``: one panel per scale, titled with the share of zero gradient
    entries, each optimizer's error on the rare features against the step."""
    axes = list(np.ravel(axes))
    top = max(max(r["rare_curve"][0] for r in runs.values()) for runs in data["runs"].values())
    for ax, scale in zip(axes, data["scales"]):
        for name, r in data["runs"][scale].items():
            ax.plot(np.arange(1, len(r["rare_curve"]) + 1), r["rare_curve"], lw=1.6, color=RACE_COLORS[name],
                    label=f"{name} (lr {r['lr']:.2g})")
        log_axis(ax, lim=(0.01, 1.5 * top), ticks=[0.01, 0.03, 0.1, 0.3, 1.0])
        ax.set_title(f"rare features x{scale:g}: {data['zero_share'][scale]:.0%} of g = 0", fontsize=10)
        ax.set_xlabel("step")
        ax.legend(fontsize=9, loc="lower left")
    axes[0].set_ylabel("mean |w - w*|, rare features")
    return axes


def draw_monitor(run, axes, marks=None):
    """``run``: a DotsRun. Panels "loss", "accuracy" and "AUC", training (solid) and validation
    (dashed) per epoch; ``marks = {label: epoch}`` draws dotted vertical lines (best epoch, stop)."""
    h = run.history
    e = np.arange(1, run.epochs + 1)
    for ax, key, title in zip(axes, ("loss", "accuracy", "auc"), ("loss (BCE)", "accuracy", "AUC")):
        ax.plot(e, h[key], lw=1.6, color=COLORS[0], label="training")
        ax.plot(e, h["val_" + key], lw=1.6, ls="--", color=COLORS[1], label="validation")
        for i, (label, epoch) in enumerate((marks or {}).items()):
            ax.axvline(epoch + 1, color=COLORS[2 + i], lw=1.2, ls=":", label=label)
        ax.set_xlabel("epoch")
        ax.set_title(title, fontsize=10)
    axes[0].legend(fontsize=9)
    return axes


def draw_plateau(runs, axes):
    """``runs = {label: DotsRun}``: panels "validation loss" and "learning rate" per epoch."""
    ax_loss, ax_lr = axes
    for i, (label, r) in enumerate(runs.items()):
        e = np.arange(1, r.epochs + 1)
        ax_loss.plot(e, r.history["val_loss"], lw=1.6, color=COLORS[i], label=label)
        ax_lr.plot(e, r.history["learning_rate"], lw=1.6, color=COLORS[i], label=label)
    ax_loss.set_title("validation loss", fontsize=10)
    ax_loss.set_xlabel("epoch")
    ax_loss.legend(fontsize=9)
    log_axis(ax_lr)
    ax_lr.set_title("learning rate", fontsize=10)
    ax_lr.set_xlabel("epoch")
    return axes


def draw_local_minima(data, axes):
    """``data`` from ``abs_fit_starts``: panel "network, every start" (each start's loss, coloured by
    the value it ends at) and panel "output layer only (convex)"."""
    ax_nn, ax_cx = axes
    finals = np.round(data["final"], 4)
    levels = sorted(set(finals))
    for curve, f in zip(data["curves"], finals):
        ax_nn.plot(np.maximum(curve, 1e-12), lw=1.0, color=COLORS[levels.index(f) % 10])
    for lv in levels:
        ax_nn.plot([], [], lw=2, color=COLORS[levels.index(lv) % 10], label=f"ends at {lv:.4f}")
    for curve in data["convex_curves"]:
        ax_cx.plot(np.maximum(curve, 1e-12), lw=1.0, color=COLORS[0])
    for ax, title in ((ax_nn, "network, every start"), (ax_cx, "output layer only (convex)")):
        log_axis(ax, lim=(1e-12, 10.0), ticks=[1e-12, 1e-9, 1e-6, 1e-3, 1])
        ax.set_xlabel("step")
        ax.set_title(title, fontsize=10)
    ax_nn.set_ylabel("MSE")
    ax_nn.legend(fontsize=9, loc="lower left")
    return axes


def draw_tuned_race(data, axes):
    """``data`` from ``tuned_race``: panels "final f per learning rate" and "best run of each"."""
    ax_lr, ax_best = axes
    for i, (name, d) in enumerate(data["runs"].items()):
        c = COLORS[i % len(COLORS)]
        ax_lr.plot(d["lrs"], np.clip(d["final"], 1e-12, 1e2), "-o", ms=3, lw=1.4, color=c, label=name)
        ax_best.plot(np.clip(d["curve"], 1e-12, 1e2), lw=1.6, color=c, label=f"{name}: {d['label']}")
    log_axis(ax_lr, "x")
    ticks = [1e-12, 1e-9, 1e-6, 1e-3, 1]  # 14 decades; values above 100 (no progress) sit on the top edge
    log_axis(ax_lr, lim=(1e-12, 1e2), ticks=ticks)
    log_axis(ax_best, lim=(1e-12, 1e2), ticks=ticks)
    ax_lr.set_xlabel("learning rate")
    ax_lr.set_ylabel(f"f after {data['steps']} steps")
    ax_lr.set_title("final f per learning rate", fontsize=10)
    ax_best.set_xlabel("step")
    ax_best.set_ylabel("f(x) - f*")
    ax_best.set_title("best run of each", fontsize=10)
    ax_lr.legend(fontsize=9)
    ax_best.legend(fontsize=9)
    return axes
