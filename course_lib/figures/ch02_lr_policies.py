"""Chapter 02 – learning-rate policies: the draw halves of the chapter's figures.

Each ``draw_*(data, ax)`` draws a ``compute`` result of ``course_lib.experiments.ch02_lr_policies`` on
axes it is given, so the same code serves a static figure and a :class:`course_lib.widgets.LivePlot`.
"""

from __future__ import annotations

import numpy as np

from ._axes import COLORS

__all__ = ["draw_schedules", "draw_quadratic_runs", "draw_training_runs", "draw_plateau"]


def _lr_log_axis(ax, axis="y", subs=(1.0, 2.0, 5.0), numticks=8):
    """A log axis labelled 0.01, 0.02, 0.05, ... in plain text, without minor ticks.

    Tick labels dominate a redraw: mathtext labels (10^-2) and dozens of minor ticks cost
    tens of milliseconds per log axis.
    """
    from matplotlib.ticker import FuncFormatter, LogLocator, NullLocator

    a = ax.yaxis if axis == "y" else ax.xaxis
    (ax.set_yscale if axis == "y" else ax.set_xscale)("log")
    a.set_major_locator(LogLocator(base=10, subs=subs, numticks=numticks))
    a.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    a.set_minor_locator(NullLocator())


def draw_schedules(data, ax):
    """Learning rate against step for ``data = {"steps", "curves": {label: lr}, "title"}``.

    Optional keys: ``"colors"`` (label -> index in COLORS, so a curve keeps its colour when
    others are switched off), ``"steps_post"`` (labels of piecewise-constant curves, drawn as
    steps), ``"vlines"`` (steps to mark), ``"logy"``. One curve is named in the title, several
    in a legend.
    """
    steps, curves = data["steps"], data["curves"]
    colors, post = data.get("colors", {}), data.get("steps_post", ())
    for i, (label, lr) in enumerate(curves.items()):
        ax.plot(steps, lr, lw=1.8, label=label, color=COLORS[colors.get(label, i) % len(COLORS)],
                drawstyle="steps-post" if label in post else "default")
    for b in data.get("vlines", ()):
        ax.axvline(b, color="0.5", lw=0.8, ls=":")
    if data.get("logy"):
        _lr_log_axis(ax)
    else:
        ax.set_ylim(bottom=0)
    ax.set_xlim(steps[0], steps[-1])
    ax.set_xlabel("step t")
    ax.set_ylabel("learning rate")
    if len(curves) == 1:
        ax.set_title(next(iter(curves)), fontsize=8)
    else:
        ax.set_title(data.get("title", ""), fontsize=10)
        if curves:
            ax.legend(loc="upper right", fontsize=8)
    return ax


def draw_quadratic_runs(data, axes):
    """``data = {"runs": {label: minimise_quadratic(...)}, ["reference": {label: run}]}``.

    Three axes: w (optimum -1 dashed), loss (log) and the learning rate, per epoch; or two
    (w and the learning rate: a lighter figure behind a slider). Reference runs are grey, dashed.
    """
    ax_w, ax_loss, ax_lr = axes if len(axes) == 3 else (axes[0], None, axes[1])
    ax_w.axhline(-1, color="k", lw=0.8, ls="--")
    series = [(label, r, COLORS[i % len(COLORS)], "-") for i, (label, r) in enumerate(data["runs"].items())]
    series += [(label, r, "0.55", "--") for label, r in data.get("reference", {}).items()]
    for label, r, c, ls in series:
        ax_w.plot(np.arange(len(r["w_path"])), r["w_path"], lw=1.6, color=c, ls=ls)
        if ax_loss is not None:
            ax_loss.plot(r["epoch"], np.maximum(r["loss"], 1e-16), lw=1.6, color=c, ls=ls)
        ax_lr.plot(r["epoch"], r["lr"], lw=1.6, color=c, ls=ls, label=label)
    ax_w.set_ylim(-12, 12)
    ax_w.set_xlabel("epoch")
    ax_w.set_ylabel("w (optimum -1, dashed)")
    if ax_loss is not None:
        _lr_log_axis(ax_loss, subs=(1.0,), numticks=6)
        ax_loss.set_xlabel("epoch")
        ax_loss.set_ylabel("loss (w + 1)^2")
    top = max(float(np.max(r["lr"])) for _, r, _, _ in series)
    ax_lr.set_ylim(0, top * 1.6)
    ax_lr.set_xlabel("epoch")
    ax_lr.set_ylabel("learning rate")
    ax_lr.legend(loc="upper right", fontsize=7)
    return axes


def draw_training_runs(data, axes):
    """``data = {"runs": {name: TrainingRun}, ["title"]}``: learning rate per step and loss per epoch (log)."""
    ax_lr, ax_loss = axes
    runs = data["runs"]
    for i, (name, run) in enumerate(runs.items()):
        c = COLORS[i % len(COLORS)]
        ax_lr.plot(run.epochs, run.lr, lw=1.4, color=c, label=name)
        ax_loss.plot(np.arange(1, len(run.loss) + 1), run.loss, lw=1.4, color=c, label=name)
    top = max((float(r.lr.max()) for r in runs.values()), default=1.0)
    ax_lr.set_ylim(0, top * (1.15 + 0.08 * ((len(runs) + 2) // 3)))  # room for the legend above the curves
    ax_lr.set_xlabel("epoch")
    ax_lr.set_ylabel("learning rate")
    _lr_log_axis(ax_loss)
    ax_loss.set_xlabel("epoch")
    ax_loss.set_ylabel("training loss (cross-entropy)")
    if runs:
        ax_lr.legend(loc="upper right", fontsize=7, ncols=min(3, len(runs)))
    if data.get("title"):
        ax_lr.set_title(data["title"], fontsize=10)
    return axes


def draw_plateau(data, axes):
    """``data`` from :func:`course_lib.experiments.ch02_lr_policies.plateau_view`: the loss with the cuts, and the learning rate."""
    ax_loss, ax_lr = axes
    ax_loss.plot(data["epoch"], data["loss"], lw=1.4, color=COLORS[0])
    for ax in axes:  # one collection per axes (an axvline per cut costs a millisecond each)
        ax.vlines(data["cuts"], 0, 1, transform=ax.get_xaxis_transform(), color=COLORS[3], lw=0.8, ls=":")
    _lr_log_axis(ax_loss)
    ax_loss.set_xlabel("epoch")
    ax_loss.set_ylabel("monitored loss")
    ax_lr.step(data["epoch"], data["lr"], where="post", lw=1.6, color=COLORS[1])
    _lr_log_axis(ax_lr)
    ax_lr.set_xlabel("epoch")
    ax_lr.set_ylabel("learning rate (dotted: a cut)")
    return axes
