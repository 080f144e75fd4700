"""Chapter 02 – learning-rate policies: the draw halves of the chapter's figures.

Each ``draw_*(data, ax)`` draws a ``compute`` result of ``course_lib.experiments.ch02_lr_policies`` on
axes it is given, so the same code serves a static figure and a :class:`course_lib.widgets.LivePlot`.
Text is at least 9 pt; a legend names every line that must be told apart.
"""

from __future__ import annotations

import numpy as np

from ._axes import COLORS, log_axis

__all__ = ["draw_schedules", "draw_constant_rates", "draw_quadratic_runs", "draw_policy_grid",
           "draw_training_runs"]

#: COLORS without the grey, which marks reference runs.
_LINE_COLORS = [c for c in COLORS if c != "#7f7f7f"]

#: Distance to the optimum shown in § 1: 12 decades, from 1e-5 to 1e7.
DISTANCE_LIM = (1e-5, 1e7)


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
        log_axis(ax, subs=(1.0, 2.0, 5.0))
    else:
        ax.set_ylim(bottom=0)
    ax.set_xlim(steps[0], steps[-1])
    ax.set_xlabel("step t")
    ax.set_ylabel("learning rate")
    if len(curves) == 1:
        ax.set_title(next(iter(curves)), fontsize=10)
    else:
        ax.set_title(data.get("title", ""), fontsize=10)
        if curves:
            ax.legend(loc="upper right", fontsize=9)
    return ax


def draw_constant_rates(data, axes):
    """§ 1: ``data = {"runs": {label: minimise_quadratic(...)}}`` on two axes.

    Titled "w" (the optimum -1 dashed, clipped to ±12 so a diverging run leaves the panel) and
    "distance to the optimum |w + 1|" (log, fixed 12 decades: a constant rate is a straight line).
    The legend sits on the first panel.
    """
    ax_w, ax_d = axes
    ax_w.axhline(-1, color="k", lw=0.8, ls="--")
    for i, (label, r) in enumerate(data["runs"].items()):
        c, w = _LINE_COLORS[i % len(_LINE_COLORS)], np.asarray(r["w_path"], dtype=float)
        t = np.arange(len(w))
        out = np.flatnonzero(~(np.abs(w) <= 12))
        shown = w if out.size == 0 else np.where(t <= out[0], w, np.nan)  # a diverging run: up to where it leaves
        ax_w.plot(t, shown, lw=1.6, color=c)
        with np.errstate(invalid="ignore", over="ignore"):
            d = np.abs(w + 1.0)
        ax_d.plot(t, np.clip(d, DISTANCE_LIM[0] / 10, DISTANCE_LIM[1] * 10), lw=1.6, color=c, label=label)
    ax_w.set_ylim(-12, 12)
    ax_w.set_title("w", fontsize=10)
    ax_w.set_ylabel("w (optimum -1, dashed)")
    log_axis(ax_d, lim=DISTANCE_LIM, ticks=[10.0 ** k for k in range(-5, 8, 2)])
    ax_d.set_title("distance to the optimum |w + 1|", fontsize=10)
    for ax in axes:
        ax.set_xlabel("step")
    ax_d.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize=9)
    return axes


def draw_quadratic_runs(data, axes):
    """§ 2 slider: ``data = {"runs": {label: run}, "reference": {label: run}}`` (``quadratic_view``).

    Two axes titled "w" and "learning rate", per epoch; the reference run grey and dashed; the
    legend on the "w" panel.
    """
    ax_w, ax_lr = axes
    ax_w.axhline(-1, color="k", lw=0.8, ls="--")
    series = [(label, r, COLORS[i % len(COLORS)], "-") for i, (label, r) in enumerate(data["runs"].items())]
    series += [(label, r, "0.55", "--") for label, r in data.get("reference", {}).items()]
    for label, r, c, ls in series:
        ax_w.plot(np.arange(len(r["w_path"])), r["w_path"], lw=1.6, color=c, ls=ls, label=label)
        ax_lr.plot(r["epoch"], r["lr"], lw=1.6, color=c, ls=ls)
    ax_w.set_ylim(-12, 12)
    ax_w.set_title("w", fontsize=10)
    ax_w.set_ylabel("w (optimum -1, dashed)")
    ax_w.legend(loc="upper right", fontsize=9)
    top = max(float(np.max(r["lr"])) for _, r, _, _ in series)
    ax_lr.set_ylim(0, top * 1.15)
    ax_lr.set_title("learning rate", fontsize=10)
    for ax in axes:
        ax.set_xlabel("epoch (= step here)")
    return axes


def draw_policy_grid(runs, axes, baseline="constant", lim=(0.03, 1.0)):
    """§ 6: one panel per run (titled by its name), held-out loss per epoch, ``baseline`` grey in each.

    ``runs`` is ``{name: TrainingRun}``; ``axes`` has at least ``len(runs)`` axes (spare ones are
    hidden). The held-out loss axis is logarithmic with the same limits everywhere, so panels
    compare at a glance; the learning rate of the run is shaded in the background (its own
    scale, not labelled: the shape is what matters).
    """
    axes = list(np.ravel(axes))
    base = runs.get(baseline)
    top = max(float(r.lr.max()) for r in runs.values()) or 1.0
    for i, (ax, (name, r)) in enumerate(zip(axes, runs.items())):
        e = np.arange(len(r.val_loss))  # epochs counted from 0: the value after epoch e
        ax.fill_between(r.epochs, lim[0], lim[0] * (lim[1] / lim[0]) ** (0.9 * r.lr / top),
                        color="0.88", lw=0, step="post", label="learning rate (shape)")
        if base is not None and name != baseline:
            ax.plot(e, base.val_loss, lw=1.0, color="0.55", label=baseline)
        ax.plot(e, r.val_loss, lw=1.6, color=_LINE_COLORS[i % len(_LINE_COLORS)], label=name)
        log_axis(ax, lim=lim, ticks=[0.03, 0.1, 0.3, 1.0])
        ax.set_title(name, fontsize=10)
        ax.set_xlim(0, len(e))
    for ax in axes[len(runs):]:
        ax.set_visible(False)
    for ax in axes[:len(runs)]:
        ax.set_xlabel("epoch")
    axes[0].set_ylabel("held-out loss")
    if len(axes) > 1 and len(runs) > 1:
        ax = axes[1]
        ax.legend(handles=ax.get_legend_handles_labels()[0][:2], fontsize=9, loc="upper right")
    return axes


def draw_training_runs(data, axes):
    """§ 7: ``data = {"runs": {name: TrainingRun}, ["title"]}`` on two axes.

    Titled "learning rate" (per step, on an epoch axis) and "held-out loss" (per epoch, log);
    one legend on the first panel.
    """
    ax_lr, ax_loss = axes
    runs = data["runs"]
    for i, (name, run) in enumerate(runs.items()):
        c = COLORS[i % len(COLORS)]
        ax_lr.plot(run.epochs, run.lr, lw=1.4, color=c, label=name)
        ax_loss.plot(np.arange(len(run.val_loss)), run.val_loss, lw=1.4, color=c)
    top = max((float(r.lr.max()) for r in runs.values()), default=1.0)
    ax_lr.set_ylim(0, top * 1.35)  # room for the legend above the curves
    ax_lr.set_xlabel("epoch")
    ax_lr.set_title(data.get("title", "learning rate"), fontsize=10)
    ax_lr.set_ylabel("learning rate")
    log_axis(ax_loss, lim=(0.03, 3.0), ticks=[0.03, 0.1, 0.3, 1.0, 3.0])
    ax_loss.set_xlabel("epoch")
    ax_loss.set_title("held-out loss", fontsize=10)
    if runs:
        ax_lr.legend(loc="upper right", fontsize=9, ncols=min(3, len(runs)))
    return axes
