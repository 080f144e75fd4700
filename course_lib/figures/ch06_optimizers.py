"""Chapter 06a – optimizers, the principles: the draw halves of the lesson's figures.

Each ``draw_*(data, axes)`` draws a result of :mod:`course_lib.experiments.ch06_optimizers` on axes
it is given, so the same code serves a static figure and a :class:`course_lib.widgets.LivePlot`.
Every panel has a title the lesson names it by; all text is at least 9 pt.
"""

from __future__ import annotations

import numpy as np

from ._axes import COLORS, _decades, _round_up, contour_with_paths, labels, log_axis

__all__ = ["RACE_COLORS", "draw_optimizer_race", "draw_race_panels", "draw_newton", "draw_adagrad_slowdown",
           "draw_adam_bias", "draw_nadam_momentum"]

#: One colour per optimizer, the same in every figure of the chapter.
RACE_COLORS = {"SGD": COLORS[0], "SGDM": COLORS[1], "NAG": COLORS[2], "Adagrad": COLORS[3], "Adadelta": COLORS[5],
               "RMSprop": COLORS[4], "Adam": COLORS[6], "Adam (no bias corr.)": COLORS[8], "Nadam": COLORS[9]}


def _color(name):
    return RACE_COLORS.get(name, COLORS[7])


def _gap(data, name):
    s = data["surface"]
    f_min = s.f(*s.minimum) if s.minimum is not None else 0.0
    return data["losses"][name] - f_min


def _loss_panel(data, ax, names, labels):
    steps = data["params"]["steps"]
    for n in names:
        gap = np.maximum(_gap(data, n), 1e-12)
        ax.plot(np.arange(len(gap)), gap, lw=1.6, color=_color(n), label=labels[n])
    log_axis(ax, lim=_decades(np.concatenate([_gap(data, n) for n in names]), low_step=3), numticks=6)
    ax.set_xlim(0, _round_up(steps))
    ax.set_xlabel("step")
    ax.set_ylabel("f(x) - f*")
    ax.set_title("f - f* per step", fontsize=10)
    ax.legend(labels=[labels[n] for n in names], fontsize=9, loc="lower left")


def draw_optimizer_race(data, axes):
    """``data`` from ``race``: panel "path" (the paths on the contours), panel "f - f* per step",
    and (with three axes) panel "step length" (|x(t) − x(t−1)|). One legend, on the loss panel."""
    axes = list(np.atleast_1d(axes))
    s, paths = data["surface"], data["paths"]
    names = list(paths)
    labels = {n: n + (" (diverged)" if data["diverged"][n] else "") for n in names}
    ax = axes[0]
    contour_with_paths(ax, s.f, {}, s.xlim, s.ylim, n=120, optimum=s.minimum, legend=False)
    for n in names:
        p = paths[n]
        ax.plot(p[:, 0], p[:, 1], "-o", ms=2, lw=1.3, color=_color(n), label=labels[n])
    ax.plot(*s.x0, marker="o", ms=6, color="k", ls="none")
    ax.set_title("path: " + s.formula if len(s.formula) < 40 else "path: " + s.name, fontsize=10)
    ax.set_xlabel("x1")  # plain text (mathtext is slow to lay out on every redraw)
    ax.set_ylabel("x2")
    if len(axes) == 1:
        ax.legend(fontsize=9, loc="upper right")
        return axes
    _loss_panel(data, axes[1], names, labels)
    if len(axes) > 2:
        for n in names:
            st = np.maximum(data["steps"][n], 1e-12)
            axes[2].plot(np.arange(1, len(st) + 1), st, lw=1.6, color=_color(n))
        log_axis(axes[2], lim=_decades(np.concatenate([data["steps"][n] for n in names]), low_step=3), numticks=6)
        axes[2].set_xlim(0, _round_up(data["params"]["steps"]))
        axes[2].set_xlabel("step")
        axes[2].set_ylabel("|x(t) - x(t-1)|")
        axes[2].set_title("step length", fontsize=10)
    return axes


def draw_race_panels(data, axes):
    """Small multiples of a race: one panel per optimizer (its path on the contours, titled with its
    name and final f − f*), then a last panel "f - f* per step" with every curve and the legend."""
    axes = list(np.ravel(axes))
    s, paths = data["surface"], data["paths"]
    names = list(paths)
    labels = {n: n + (" (diverged)" if data["diverged"][n] else "") for n in names}
    for ax, n in zip(axes, names):
        contour_with_paths(ax, s.f, {}, s.xlim, s.ylim, levels=15, n=80, optimum=s.minimum, legend=False)
        p = paths[n]
        ax.plot(p[:, 0], p[:, 1], "-", lw=1.4, color=_color(n))
        ax.plot(*s.x0, marker="o", ms=4, color="k", ls="none")
        end = "diverged" if data["diverged"][n] else f"f - f* = {max(_gap(data, n)[-1], 0.0):.1e}"
        ax.set_title(f"{n}: {end}", fontsize=9, color=_color(n))
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_xlabel("")
        ax.set_ylabel("")
    for ax in axes[len(names):-1]:
        ax.set_axis_off()
    _loss_panel(data, axes[-1], names, labels)
    axes[-1].legend(labels=[labels[n] for n in names], fontsize=9, loc="center left", bbox_to_anchor=(1.0, 0.5))
    return axes


def draw_newton(data, axes):
    """``data = {surface name: {"surface": Surface, "newton": path, "gd": path, "gd_label": str}}``:
    per surface a panel titled by it with both paths on the contours; a last panel
    "f - f* per step" (Newton solid, gradient descent dashed)."""
    axes = list(np.ravel(axes))
    for ax, (name, d) in zip(axes, data.items()):
        s = d["surface"]
        contour_with_paths(ax, s.f, {}, s.xlim, s.ylim, levels=20, n=100, optimum=s.minimum, legend=False)
        ax.plot(d["gd"][:, 0], d["gd"][:, 1], "-", lw=1.2, color=COLORS[0], label=d["gd_label"])
        ax.plot(d["newton"][:, 0], d["newton"][:, 1], "-o", ms=4, lw=1.6, color=COLORS[3], label="Newton")
        ax.set_xlim(*s.xlim)
        ax.set_ylim(*s.ylim)
        ax.set_title(name, fontsize=10)
        ax.set_xlabel("x1")
        ax.set_ylabel("x2")
        ax.legend(fontsize=9, loc="lower right")
    ax = axes[-1]
    for i, (name, d) in enumerate(data.items()):
        s = d["surface"]
        for key, ls in (("newton", "-o"), ("gd", "--")):
            p = d[key]
            gap = np.maximum(s.f(p[:, 0], p[:, 1]) - s.f(*s.minimum), 1e-8)  # below 1e-8 drawn on the floor
            ax.plot(np.arange(len(gap)), gap, ls, ms=3, lw=1.4, color=COLORS[(2 * i) % 10 if key == "gd" else 3 + i],
                    label=f"{name}, {'Newton' if key == 'newton' else 'GD'}")
    log_axis(ax, lim=(1e-8, 1e4), ticks=[1e-8, 1e-6, 1e-4, 1e-2, 1, 1e2, 1e4])
    ax.set_xlabel("step")
    ax.set_ylabel("f(x) - f*")
    ax.set_title("f - f* per step", fontsize=10)
    ax.legend(fontsize=9, loc="lower left")
    return axes


def draw_adagrad_slowdown(data, axes):
    """``data`` from ``adagrad_slowdown``: panel "learning rate per coordinate" (AdaGrad's
    lr/√V for x1 and x2 against SGD's constant lr) and panel "x1 shrinks per step by"."""
    ax_lr, ax_f = axes
    eff = data["effective_lr"]
    t = np.arange(1, len(eff) + 1)
    ax_lr.plot(t, eff[:, 0], lw=1.8, color=COLORS[3], label="AdaGrad, x1")
    ax_lr.plot(t, eff[:, 1], lw=1.8, ls="--", color=COLORS[3], label="AdaGrad, x2")
    ax_lr.axhline(data["lr"], lw=1.8, color=COLORS[0], label="SGD (both)")
    log_axis(ax_lr, lim=(1e-3, 1.0))
    labels(ax_lr, "step", "lr / sqrt(V)", "learning rate per coordinate")
    ax_f.plot(t, data["factor_adagrad"], lw=1.8, color=COLORS[3], label="AdaGrad")
    ax_f.axhline(data["factor_sgd"], lw=1.8, color=COLORS[0], label="SGD")
    ax_f.set_ylim(0.9, 1.0)
    labels(ax_f, "step", "x1(t+1) / x1(t)", "x1 shrinks per step by")
    return axes


def draw_adam_bias(data, ax):
    """``data = {label: |Δw| / lr per step}`` (from ``adam_effective_step``), on a log step axis."""
    for i, (label, y) in enumerate(data.items()):
        ax.plot(np.arange(1, len(y) + 1), y, lw=1.8, color=COLORS[i % len(COLORS)], label=label)
    log_axis(ax, "x")
    labels(ax, "step t", "|step| / lr", "Adam's step for a constant gradient")
    return ax


def draw_nadam_momentum(data, ax):
    """``data`` from ``nadam_momentum``: Keras' and Dozat's μₜ against the step (log axis)."""
    ax.plot(data["t"], data["keras"], lw=1.8, color=COLORS[0], label="Keras: 0.96^t")
    ax.plot(data["t"], data["dozat"], lw=1.8, ls="--", color=COLORS[1], label="Dozat 2016: 0.96^(t/250)")
    log_axis(ax, "x")
    labels(ax, "step t", "momentum mu_t", "Nadam's momentum schedule")
    return ax

