"""Chapter 05 – under-fitting, over-fitting and regularisation: the draw halves of the chapter's figures.

Each ``draw_*(data, ax)`` draws a ``compute`` result of ``course_lib.experiments.ch05_fitting`` on
axes it is given, so the same code serves a static figure and a :class:`course_lib.widgets.LivePlot`.
"""

from __future__ import annotations

import numpy as np

from ._axes import COLORS, _decades, _round_up, contour_lines

__all__ = ["draw_capacity", "draw_remedy", "draw_remedies", "draw_dots_l2", "draw_l1_l2", "draw_constraints",
           "draw_early_stopping", "draw_lambda_curve"]


_CLASS_COLORS = ("#1f77b4", "#d62728")  # the course's blue (y = 0) and red (y = 1) dots


def _lean_log_axis(axis, subs=(1.0,)):
    """A log axis without minor ticks: far fewer tick labels to lay out, so redraws are faster.

    ``subs=(1.0,)`` labels decades only; ``(1, 2, 5)`` suits a range of one or two decades
    and labels the ticks as plain numbers (0.05, 0.1, 0.2).
    """
    from matplotlib.ticker import FuncFormatter, LogLocator, NullLocator

    axis.set_major_locator(LogLocator(subs=subs, numticks=9))
    axis.set_minor_locator(NullLocator())
    if len(subs) > 1:
        axis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))


def _dots_panel(ax, x, y, xx, yy, probs, styles, title=None, point_alpha=0.8):
    """The course's dots figure: red/blue points and the 0.5 contour of each output grid."""
    from matplotlib.lines import Line2D

    ax.scatter(x[:, 0], x[:, 1], c=[_CLASS_COLORS[int(v)] for v in np.ravel(y)], s=9, alpha=point_alpha, lw=0)
    handles = []
    for p, (label, color, ls) in zip(probs, styles):
        if np.nanmin(p) < 0.5 < np.nanmax(p):
            contour_lines(ax, xx, yy, p, levels=[0.5], colors=[color], linestyles=[ls], linewidths=1.8)
        else:  # the output never reaches 0.5 (or never drops below it): one class everywhere
            label += " (one class everywhere)"
        handles.append(Line2D([], [], color=color, ls=ls, lw=1.8, label=label))
    ax.set_xlim(-3, 3)
    ax.set_ylim(-3, 3)
    ax.set_aspect("equal")
    ax.set_xlabel("x1")
    ax.set_ylabel("x2")
    if title:
        ax.set_title(title, fontsize=10)
    ax.legend(handles=handles, loc="lower left", fontsize=7)


def draw_capacity(data, axes):
    """``data`` from :func:`course_lib.experiments.ch05_fitting.poly_view`: the fit (left), errors vs degree (right)."""
    ax_fit, ax_err = axes
    ax_fit.plot(data["grid"], data["truth"], color="0.45", ls="--", lw=1.4, label="true sin(πx)")
    ax_fit.plot(data["x"], data["y"], "o", ms=5, color=COLORS[0], label="training points")
    ax_fit.plot(data["grid"], np.clip(data["fit"], -5, 5), color=COLORS[3], lw=2, label=f"degree {data['degree']}")
    ax_fit.set_ylim(-2.2, 2.2)
    ax_fit.set_xlabel("x")
    ax_fit.set_ylabel("y")
    ax_fit.set_title(f"degree {data['degree']}: train MSE {data['train_mse']:.3g}, val MSE {data['val_mse']:.3g}",
                     fontsize=10)
    ax_fit.legend(loc="upper left", fontsize=7)
    c = data["curve"]
    floor = 1e-4
    ax_err.semilogy(c["degrees"], np.maximum(c["train_mse"], floor), "-o", ms=3, color=COLORS[0], label="training")
    ax_err.semilogy(c["degrees"], np.maximum(c["val_mse"], floor), "-o", ms=3, color=COLORS[1], label="validation")
    ax_err.axvline(data["degree"], color=COLORS[3], lw=1.2)
    b = c["best_degree"]
    ax_err.plot(b, c["val_mse"][b], "*", ms=12, color="k", label=f"best validation (degree {b})")
    ax_err.set_ylim(floor / 2, 1e3)
    _lean_log_axis(ax_err.yaxis)
    ax_err.set_xlabel("polynomial degree (capacity)")
    ax_err.set_ylabel("MSE (log)")
    ax_err.text(0.02, 0.04, "under-fitting", transform=ax_err.transAxes, fontsize=8, color="0.3")
    ax_err.text(0.98, 0.5, "over-fitting", transform=ax_err.transAxes, fontsize=8, color="0.3", ha="right")
    ax_err.legend(loc="upper left", fontsize=7)


def draw_remedy(item, ax):
    """One remedy of :func:`course_lib.experiments.ch05_fitting.remedies`: before (dashed) and after (solid)."""
    p = item["plot"]
    fmt = (lambda v: f"{v:.0%}") if item["metric"] == "train accuracy" else (lambda v: f"{v:.3g}")
    if p["kind"] == "dots":
        _dots_panel(ax, p["x"], p["y"], p["xx"], p["yy"], [p["before"], p["after"]],
                    [(item["before"], "0.35", "--"), (item["after"], "k", "-")], point_alpha=0.5)
        ax.set_title(f"{item['remedy']}\ntrain acc {fmt(item['train'][0])} → {fmt(item['train'][1])}", fontsize=9)
        return
    ax.plot(p["grid"], p["truth"], color="0.6", lw=1, ls=":")
    ax.plot(p["x_before"], p["y_before"], "x", ms=5, color="0.45")
    ax.plot(p["x_after"], p["y_after"], "o", ms=2.5 if len(p["x_after"]) > 50 else 4, color=COLORS[0], alpha=0.7)
    ax.plot(p["grid"], np.clip(p["before"], -5, 5), color=COLORS[3], ls="--", lw=1.5, label=item["before"])
    ax.plot(p["grid"], np.clip(p["after"], -5, 5), color="k", lw=1.8, label=item["after"])
    ax.set_ylim(-2.2, 2.8)
    ax.set_xlabel("x")
    key, vals = ("train", item["train"]) if item["problem"] == "under-fitting" else ("val", item["val"])
    ax.set_title(f"{item['remedy']}\n{key} MSE {fmt(vals[0])} → {fmt(vals[1])}", fontsize=9)
    ax.legend(loc="upper left", fontsize=6.5)


def draw_remedies(items, axes):
    """All remedies: under-fitting on the first row, over-fitting on the second (2 x 4 axes)."""
    under = [r for r in items if r["problem"] == "under-fitting"]
    over = [r for r in items if r["problem"] == "over-fitting"]
    axes = np.asarray(axes).reshape(2, -1)
    for row, group, name in ((0, under, "under-fitting"), (1, over, "over-fitting")):
        for j in range(axes.shape[1]):
            if j < len(group):
                draw_remedy(group[j], axes[row, j])
            else:
                axes[row, j].set_axis_off()
        axes[row, 0].annotate(name, xy=(-0.38, 0.5), xycoords="axes fraction", rotation=90, va="center",
                              fontsize=11, fontweight="bold")


def draw_dots_l2(data, axes):
    """``data`` from :func:`course_lib.experiments.ch05_fitting.dots_view`: both boundaries and both loss curves."""
    ax0, ax1, ax2 = axes
    name = "L2" if data["kind"] == "l2" else "L1"
    _dots_panel(ax0, data["x"], data["y"], data["xx"], data["yy"], data["probs"][:1],
                [("output = 0.5", "k", "-")], title=f"no regularisation (train acc {data['accuracy'][0]:.0%})")
    _dots_panel(ax1, data["x"], data["y"], data["xx"], data["yy"], data["probs"][1:],
                [("output = 0.5", "k", "-")],
                title=f"{name}, λ = {data['lam']:g} (train acc {data['accuracy'][1]:.0%})")
    ax2.semilogy(data["loss"][0], color=COLORS[0], lw=1.2, label="no regularisation")
    ax2.semilogy(data["loss"][1], color=COLORS[1], lw=1.2, label=f"{name}, λ = {data['lam']:g} (penalty included)")
    ax2.set_xlabel("epoch")
    ax2.set_ylabel("last-batch loss (log)")
    ax2.set_ylim(*_decades(np.concatenate([data["loss"][0], data["loss"][1]])))
    _lean_log_axis(ax2.yaxis, subs=(1.0, 2.0, 5.0))
    ax2.legend(loc="upper right", fontsize=7)


def draw_l1_l2(data, axes):
    """``data`` from :func:`course_lib.experiments.ch05_fitting.l1_l2_view`: weight histograms and zero counts."""
    ax_h, ax_c = axes
    bins = np.linspace(-1.6, 1.6, 65)
    top = 0
    for i, name in enumerate(data["names"]):
        counts, *_ = ax_h.hist(data["weights"][name], bins=bins, histtype="step", lw=1.8, color=COLORS[i], label=name)
        top = max(top, counts.max())
    ax_h.set_ylim(0, _round_up(1.05 * top))  # round numbers: the axis stays put while λ moves
    ax_h.set_xlabel("weight value")
    ax_h.set_ylabel("count (4 seeds x 33 weights)")
    ax_h.set_title(f"weights after training, λ = {data['lam']:g}", fontsize=10)
    ax_h.legend(loc="upper right", fontsize=7)
    x = np.arange(len(data["names"]))
    exact = [data["stats"][n]["exact"] for n in data["names"]]
    near = [data["stats"][n]["near"] for n in data["names"]]
    ax_c.bar(x - 0.2, near, 0.4, color=COLORS[7], label=f"|w| < {data['tol']:g}")
    ax_c.bar(x + 0.2, exact, 0.4, color=COLORS[3], label="exactly 0")
    for i in range(len(x)):
        ax_c.text(x[i] - 0.2, near[i] + 1, str(near[i]), ha="center", fontsize=8)
        ax_c.text(x[i] + 0.2, exact[i] + 1, str(exact[i]), ha="center", fontsize=8)
    total = data["stats"][data["names"][0]]["total"]
    ax_c.set_ylim(0, total)
    ax_c.set_xticks(x, data["names"], fontsize=8)
    ax_c.set_ylabel(f"weights (of {total})")
    ax_c.set_title("zero weights", fontsize=10)
    ax_c.legend(loc="upper left", fontsize=7)


def draw_constraints(data, axes):
    """``data`` from :func:`course_lib.experiments.ch05_fitting.constraint_geometry`: diamond (L1) and circle (L2)."""
    from matplotlib.patches import Polygon

    for ax, k, title in zip(axes, ("l1", "l2"), ("L1: |w1| + |w2| <= t", "L2: w1² + w2² <= t²")):
        contour_lines(ax, data["W1"], data["W2"], data["Z"], levels=np.geomspace(0.02, 30, 14), colors="0.65",
                      linewidths=0.6)
        b = data[k]["boundary"]
        b = b[:: max(1, (len(b) - 1) // 400)]  # ≤ ~400 vertices are plenty for the eye
        # add_artist, not fill(): the limits are set below, and fill() walks every vertex to update them
        ax.add_artist(Polygon(b, closed=True, color=COLORS[0], alpha=0.18))
        ax.plot(b[:, 0], b[:, 1], color=COLORS[0], lw=1.5)
        contour_lines(ax, data["W1"], data["W2"], data["Z"], levels=[max(data[k]["level"], 1e-9)],
                      colors=[COLORS[3]], linewidths=1.5)
        c, o = data["center"], data[k]["optimum"]
        ax.plot(*c, "k*", ms=10, label="unconstrained minimum")
        ax.plot(*o, "o", ms=8, color=COLORS[3], label=f"constrained: ({o[0]:.2f}, {o[1]:.2f})")
        ax.axhline(0, color="0.6", lw=0.8)
        ax.axvline(0, color="0.6", lw=0.8)
        lim = float(data["W1"].max())
        ax.set_xlim(-lim, lim)
        ax.set_ylim(-lim, lim)
        ax.set_aspect("equal")
        ax.set_xlabel("w1")
        ax.set_ylabel("w2")
        ax.set_title(f"{title}, t = {data['budget']:.2f}", fontsize=10)
        ax.legend(loc="lower left", fontsize=7)


def draw_early_stopping(data, axes):
    """``data`` from :func:`course_lib.experiments.ch05_fitting.early_stopping_view`."""
    ax_c, ax_b = axes
    for v in data["all_val"]:
        ax_c.plot(v, color="0.8", lw=0.8)
    ax_c.plot(data["train_mse"], color=COLORS[0], lw=1.5, label="training MSE")
    ax_c.plot(data["val_mse"], color=COLORS[1], lw=1.8, label=f"validation MSE (seed {data['seed']})")
    ax_c.axvline(data["best"], color=COLORS[2], lw=1.3, label=f"best epoch {data['best']} (restored)")
    if data["stopped"] is not None:
        ax_c.axvline(data["stopped"], color="k", ls="--", lw=1.3, label=f"stopped after epoch {data['stopped']}")
        ax_c.axvspan(data["stopped"], data["epochs"], color="0.5", alpha=0.12)
    ax_c.set_ylim(0, 0.7)
    ax_c.set_xlabel("epoch")
    ax_c.set_ylabel("MSE")
    ax_c.set_title(f"patience {data['patience']}: {data['epochs_run']} of {data['epochs']} epochs run", fontsize=10)
    ax_c.legend(loc="upper right", fontsize=7)
    _dots_panel(ax_b, data["x_train"], data["y_train"], data["xx"], data["yy"], data["probs"],
                [(f"restored (val {data['val_best']:.3f})", COLORS[2], "-"),
                 (f"epoch {data['epochs'] - 1} (val {data['val_end']:.3f})", "k", "--")],
                title="40 noisy training points")


def draw_lambda_curve(data, ax):
    """``data = {"lams", "train_mse", "val_mse", "best"}``: errors against λ (log x)."""
    ax.loglog(data["lams"], data["train_mse"], "-o", ms=3, color=COLORS[0], label="training")
    ax.loglog(data["lams"], data["val_mse"], "-o", ms=3, color=COLORS[1], label="validation")
    ax.axvline(data["best"], color="k", ls="--", lw=1, label=f"best λ = {data['best']:.3g}")
    ax.set_xlabel("λ (log)")
    ax.set_ylabel("MSE (log)")
    _lean_log_axis(ax.xaxis)
    _lean_log_axis(ax.yaxis)
    ax.text(0.02, 0.45, "over-fitting", transform=ax.transAxes, fontsize=8, color="0.3")
    ax.text(0.98, 0.9, "under-fitting", transform=ax.transAxes, fontsize=8, color="0.3", ha="right")
    ax.legend(loc="upper center", fontsize=7)
