"""Chapter 05 – under-fitting, over-fitting and regularisation: the draw halves of the chapter's figures.

Each ``draw_*(data, ax)`` draws a ``compute`` result of ``course_lib.experiments.ch05_fitting`` on
axes it is given, so the same code serves a static figure and a :class:`course_lib.widgets.LivePlot`.
Text is at least 9 pt (a projector) and the axes stay put while a slider moves.

Used in 05a_fitting (:func:`draw_capacity`, :func:`draw_remedies`, :func:`draw_features`,
:func:`draw_early_stopping`, :func:`draw_curves`), 05b_regularization (:func:`draw_heldout`, :func:`draw_l1_l2`,
:func:`draw_constraints`, :func:`draw_lambda_choice`) and 05c_fitting_appendix (:func:`draw_seed_spread`).
"""

from __future__ import annotations

import numpy as np

from ._axes import COLORS, _round_up, contour_lines, log_axis

__all__ = ["draw_capacity", "draw_remedy", "draw_remedies", "draw_features", "draw_heldout", "draw_lambda_choice",
           "draw_l1_l2", "draw_constraints", "draw_early_stopping", "draw_curves", "draw_seed_spread"]

_CLASS_COLORS = ("#1f77b4", "#d62728")  # the course's blue (y = 0) and red (y = 1) dots
_SMALL = 9  # the smallest text a projector shows (legends, notes)


def _true_circle(ax):
    t = np.linspace(0, 2 * np.pi, 181)
    ax.plot(np.sqrt(2) * np.cos(t), np.sqrt(2) * np.sin(t), color="0.55", ls=":", lw=1.3)


def _dots_panel(ax, x, y, xx, yy, probs, styles, title=None, point_alpha=0.8, truth=False, legend="lower left"):
    """The course's dots figure: red/blue points and the 0.5 contour of each output grid."""
    from matplotlib.lines import Line2D

    ax.scatter(x[:, 0], x[:, 1], c=[_CLASS_COLORS[int(v)] for v in np.ravel(y)], s=9, alpha=point_alpha, lw=0)
    handles = []
    if truth:
        _true_circle(ax)
        handles.append(Line2D([], [], color="0.55", ls=":", lw=1.3, label="true circle"))
    for p, (label, color, ls) in zip(probs, styles):
        if np.nanmin(p) < 0.5 < np.nanmax(p):
            contour_lines(ax, xx, yy, p, levels=[0.5], colors=[color], linestyles=[ls], linewidths=1.8)
        else:  # the output never reaches 0.5 (or never drops below it): one class everywhere
            label += " (one class)"
        handles.append(Line2D([], [], color=color, ls=ls, lw=1.8, label=label))
    ax.set_xlim(-3, 3)
    ax.set_ylim(-3, 3)
    ax.set_aspect("equal")
    ax.set_xlabel("x1")
    ax.set_ylabel("x2")
    if title:
        ax.set_title(title, fontsize=10)
    ax.legend(handles=handles, loc=legend, fontsize=_SMALL, handlelength=1.6, borderaxespad=0.2)


def draw_capacity(data, axes):
    """``data`` from ``poly_view``: panel "degree d: …" (the fit) and panel "errors against degree"."""
    ax_fit, ax_err = axes
    ax_fit.plot(data["grid"], data["truth"], color="0.45", ls="--", lw=1.4, label="true sin(πx)")
    ax_fit.plot(data["x"], data["y"], "o", ms=5, color=COLORS[0], label="training points")
    ax_fit.plot(data["grid"], np.clip(data["fit"], -5, 5), color=COLORS[3], lw=2, label=f"degree {data['degree']}")
    ax_fit.set_ylim(-2.2, 2.2)
    ax_fit.set_xlabel("x")
    ax_fit.set_ylabel("y")
    ax_fit.set_title(f"degree {data['degree']}: train MSE {data['train_mse']:.3g}, val MSE {data['val_mse']:.3g}",
                     fontsize=10)
    ax_fit.legend(loc="upper left", fontsize=_SMALL)
    c = data["curve"]
    floor = 1e-4
    ax_err.plot(c["degrees"], np.maximum(c["train_mse"], floor), "-o", ms=3, color=COLORS[0], label="training")
    ax_err.plot(c["degrees"], np.maximum(c["val_mse"], floor), "-o", ms=3, color=COLORS[1], label="validation")
    ax_err.axvline(data["degree"], color=COLORS[3], lw=1.2)
    b = c["best_degree"]
    ax_err.plot(b, c["val_mse"][b], "*", ms=12, color="k", label=f"best validation (degree {b})")
    log_axis(ax_err, "y", lim=(floor / 2, 1e3))
    ax_err.set_xlabel("polynomial degree (capacity)")
    ax_err.set_ylabel("MSE (log)")
    ax_err.set_title("errors against degree", fontsize=10)
    ax_err.text(0.02, 0.04, "under-fitting", transform=ax_err.transAxes, fontsize=_SMALL, color="0.3")
    ax_err.text(0.98, 0.5, "over-fitting", transform=ax_err.transAxes, fontsize=_SMALL, color="0.3", ha="right")
    ax_err.legend(loc="upper left", fontsize=_SMALL)


def draw_remedy(item, ax):
    """One remedy of ``remedies``: before (dashed) and after (solid); the title names the remedy."""
    p = item["plot"]
    if p["kind"] == "dots":
        _dots_panel(ax, p["x"], p["y"], p["xx"], p["yy"], [p["before"], p["after"]],
                    [(item["before"], "0.35", "--"), (item["after"], "k", "-")], point_alpha=0.5)
        ax.set_title(f"{item['remedy']}\ntrain acc {item['train'][0]:.0%} → {item['train'][1]:.0%}", fontsize=10)
        return
    ax.plot(p["grid"], p["truth"], color="0.6", lw=1, ls=":")
    ax.plot(p["x_before"], p["y_before"], "x", ms=5, color="0.45")
    ax.plot(p["x_after"], p["y_after"], "o", ms=2.5 if len(p["x_after"]) > 50 else 4, color=COLORS[0], alpha=0.7)
    ax.plot(p["grid"], np.clip(p["before"], -5, 5), color=COLORS[3], ls="--", lw=1.5, label=item["before"])
    ax.plot(p["grid"], np.clip(p["after"], -5, 5), color="k", lw=1.8, label=item["after"])
    ax.set_ylim(-2.2, 3.4)
    ax.set_xlabel("x")
    key, vals = ("train", item["train"]) if item["problem"] == "under-fitting" else ("val", item["val"])
    ax.set_title(f"{item['remedy']}\n{key} MSE {vals[0]:.3g} → {vals[1]:.3g}", fontsize=10)
    ax.legend(loc="upper left", fontsize=_SMALL, handlelength=1.6, borderaxespad=0.2)


def draw_remedies(items, axes):
    """Every remedy, one panel each, in the order given (the panels are named by their titles)."""
    axes = np.ravel(axes)
    for ax, item in zip(axes, items):
        draw_remedy(item, ax)
    for ax in axes[len(items):]:
        ax.set_axis_off()


def draw_features(data, ax):
    """``data`` from ``features_view``: the linear model's 0.5 boundary with the chosen input features."""
    extra = [n for n in data["names"] if n not in ("1", "x1", "x2")]
    label = "features x1, x2" + (" + " + ", ".join(extra) if extra else "")
    _dots_panel(ax, data["x"], data["y"], data["xx"], data["yy"], [data["out"]], [("output = 0.5", "k", "-")],
                title=f"{label}: train acc {data['accuracy']:.1%}", point_alpha=0.6, truth=True)


def _accuracy_panel(ax, lams, train, test, index, title, ceiling=None):
    pos = np.arange(len(lams))
    ax.plot(pos, train, "-o", ms=4, color=COLORS[0], label="training")
    ax.plot(pos, test, "-o", ms=4, color=COLORS[1], label="test (held out)")
    if ceiling is not None:
        ax.axhline(ceiling, color="0.5", ls=":", lw=1.2, label=f"the true circle: {ceiling:.0%}")
    ax.axvline(index, color="k", lw=1.2)
    ax.set_xticks(pos, [f"{v:g}" for v in lams])
    ax.set_ylim(0.5, 1.0)
    ax.set_xlabel("λ (L2)")
    ax.set_ylabel("accuracy")
    ax.set_title(title, fontsize=10)
    ax.legend(loc="lower left", fontsize=_SMALL)


def draw_heldout(data, axes):
    """``data`` from ``heldout_view`` on 2 x 2 axes: one row per setting, boundary and accuracy against λ."""
    axes = np.asarray(axes).reshape(2, 2)
    lam = data["lam"]
    seed = data.get("seed")
    for row, name, title in ((0, "course", f"course: 300 clean dots, 11 units, seed {seed}"),
                             (1, "noisy", f"150 dots, {data['flip']:.0%} flipped, 32 units, seed {seed}")):
        d = data[name]
        _dots_panel(axes[row, 0], d["x"], d["y"], d["xx"], d["yy"], d["probs"],
                    [("λ = 0", "0.35", "--"), (f"λ = {lam:g}", "k", "-")], title=title, point_alpha=0.6,
                    truth=True)
        _accuracy_panel(axes[row, 1], data["lams"], d["train"], d["test"], data["index"],
                        f"{name}: accuracy against λ (mean of 4 seeds)",
                        ceiling=None if name == "course" else 1 - data["flip"])


def draw_lambda_choice(data, ax):
    """``data`` from ``lambda_choice_view``: the chosen λ's boundary beside λ = 0, with their test accuracy."""
    _dots_panel(ax, data["x"], data["y"], data["xx"], data["yy"], data["probs"],
                [(f"λ = 0: test acc {data['test'][0]:.1%}", "0.35", "--"),
                 (f"λ = {data['lam']:g}: test acc {data['test'][1]:.1%}", "k", "-")],
                title=f"your λ = {data['lam']:g} on the noisy dots, seed {data.get('seed')}", point_alpha=0.6,
                truth=True)


def draw_l1_l2(data, axes):
    """``data`` from ``l1_l2_view``: panel "weights after training" and panel "zero weights"."""
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
    ax_h.legend(loc="upper right", fontsize=_SMALL)
    x = np.arange(len(data["names"]))
    exact = [data["stats"][n]["exact"] for n in data["names"]]
    near = [data["stats"][n]["near"] for n in data["names"]]
    ax_c.bar(x - 0.2, near, 0.4, color=COLORS[7], label=f"|w| < {data['tol']:g}")
    ax_c.bar(x + 0.2, exact, 0.4, color=COLORS[3], label="exactly 0")
    for i in range(len(x)):
        ax_c.text(x[i] - 0.2, near[i] + 1, str(near[i]), ha="center", fontsize=_SMALL)
        ax_c.text(x[i] + 0.2, exact[i] + 1, str(exact[i]), ha="center", fontsize=_SMALL)
    total = data["stats"][data["names"][0]]["total"]
    ax_c.set_ylim(0, total)
    ax_c.set_xticks(x, data["names"], fontsize=_SMALL)
    ax_c.set_ylabel(f"weights (of {total})")
    ax_c.set_title("zero weights", fontsize=10)
    ax_c.legend(loc="upper left", fontsize=_SMALL)


def draw_constraints(data, axes):
    """``data`` from ``constraint_geometry``: panel "L1: …" (a diamond) and panel "L2: …" (a circle)."""
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
        ax.legend(loc="lower left", fontsize=_SMALL)


def draw_early_stopping(data, axes):
    """``data`` from ``early_stopping_view``: panel "patience …" (the curves) and panel "40 noisy training points"."""
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
    ax_c.legend(loc="upper right", fontsize=_SMALL)
    _dots_panel(ax_b, data["x_train"], data["y_train"], data["xx"], data["yy"], data["probs"],
                [(f"restored (val {data['val_best']:.3f})", COLORS[2], "-"),
                 (f"epoch {data['epochs'] - 1} (val {data['val_end']:.3f})", "k", "--")],
                title="40 noisy training points")


def draw_curves(data, axes):
    """``data`` from ``curves_view``: panel "accuracy" and panel "loss (MSE)", training against validation."""
    ax_a, ax_m = axes
    epochs = np.arange(len(data["train_acc"]))
    for ax, key, name in ((ax_a, "acc", "accuracy"), (ax_m, "mse", "loss (MSE)")):
        ax.plot(epochs, data[f"train_{key}"], color=COLORS[0], lw=1.5, label="training")
        ax.plot(epochs, data[f"val_{key}"], color=COLORS[1], lw=1.5, label="validation")
        ax.axvline(data["best"], color=COLORS[2], lw=1.3, label=f"early stopping's epoch {data['best']}")
        ax.set_xlabel("epoch")
        ax.set_ylabel(name)
        ax.set_title(f"{name}, seed {data['seed']}", fontsize=10)
    ax_a.set_ylim(0.4, 1.0)
    ax_m.set_ylim(0, 0.7)
    ax_a.legend(loc="lower right", fontsize=_SMALL)
    ax_m.legend(loc="upper right", fontsize=_SMALL)


def draw_seed_spread(data, axes):
    """``data`` from ``reference.ch05_fitting.spread_view``: panel "no L2" and panel "L2, λ = 0.03", every seed's
    last-batch loss (grey), the chosen seed's (coloured) and the course's two printed numbers (stars)."""
    for ax, key, title, color in zip(axes, ("no_l2", "l2"), ("no L2", "L2, λ = 0.03"), (COLORS[0], COLORS[1])):
        curves = data[key]
        for c in curves:
            ax.plot(c, color="0.82", lw=0.8)
        ax.plot(curves[data["seed"]], color=color, lw=1.6, label=f"seed {data['seed']}")
        course = data["course"][key]
        ax.plot(list(course), list(course.values()), "k*", ms=11, label="the course's printed loss")
        log_axis(ax, "y", lim=(0.01, 10))
        ax.set_xlabel("epoch")
        ax.set_ylabel("last-batch loss (log)")
        ax.set_title(f"{title}, lr {data['lr']:g}: {len(curves)} seeds", fontsize=10)
        ax.legend(loc="upper right", fontsize=_SMALL)
