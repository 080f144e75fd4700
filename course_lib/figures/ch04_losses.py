"""Chapter 04 – loss functions: the draw halves of the chapter's figures.

Each ``draw_*(data, ax)`` draws a ``compute`` result of ``course_lib.experiments.ch04_losses`` on
axes it is given, so the same code serves a static figure and a :class:`course_lib.widgets.LivePlot`.
"""

from __future__ import annotations

import numpy as np

from ._axes import COLORS, contour_lines, log_axis, loss_curves

__all__ = ["draw_regression_losses", "draw_ce_stability", "draw_yogurt", "draw_box_pair", "draw_box_regression",
           "draw_box_simulation_step", "draw_box_cases", "draw_focal_curves", "draw_focal_toy", "draw_detector_loss"]

_BOX_COLORS = {"IoU": COLORS[0], "GIoU": COLORS[1], "DIoU": COLORS[2], "CIoU": COLORS[3]}


def _lean(*axes):
    """At most ~5 ticks per linear axis: tick lines and labels are most of a redraw's cost."""
    for ax in axes:
        for axis, name in ((ax.xaxis, "x"), (ax.yaxis, "y")):
            if axis.get_scale() == "linear":
                ax.locator_params(axis=name, nbins=4)


def draw_regression_losses(data, axes):
    """Regression losses (``experiments.ch04_losses.regression_curves``): against the error, and fitting data with an outlier."""
    ax, ax2 = axes
    for i, (name, curve) in enumerate(data["curves"].items()):
        ax.plot(data["e"], curve, lw=2, color=COLORS[i], ls="--" if name.startswith("smooth") else "-", label=name)
    ax.set_ylim(0, 6)
    ax.set_xlabel("error  ŷ − y")
    ax.set_ylabel("loss")
    ax.legend(fontsize=9, loc="upper center")
    ax.set_title("each loss against the error", fontsize=10)
    for i, (name, fit) in enumerate(data["fits"].items()):
        scaled = (fit - fit.min()) / (fit.max() - fit.min())
        if name == "MAE":  # flat between the two middle values: every c there is a minimiser
            lo, hi = data["mae_interval"]
            label = f"MAE: best c in [{lo:.2f}, {hi:.2f}]"
            ax2.axvspan(lo, hi, color=COLORS[i], alpha=0.15, lw=0)
        else:
            label = f"{name}: best c = {data['best'][name]:.2f}"
            ax2.axvline(data["best"][name], color=COLORS[i], lw=1, ls=":")
        ax2.plot(data["c"], scaled, lw=2, color=COLORS[i], label=label)
    ax2.plot(data["data"], np.zeros_like(data["data"]), "k|", ms=14, mew=2, label="data (one outlier at 12)")
    ax2.set_xlabel("constant prediction c")
    ax2.set_ylabel("mean loss (rescaled to [0, 1])")
    ax2.set_ylim(-0.05, 1.6)
    ax2.legend(fontsize=9, loc="upper right")
    ax2.set_title("fitting one constant to 6 numbers", fontsize=10)
    _lean(ax, ax2)
    return axes


def draw_ce_stability(data, ax):
    """Cross-entropy over the logit scale z three ways (``experiments.ch04_losses.ce_stability_view``), z marked."""
    z = data["z"]
    bad = ~np.isfinite(data["naive"])
    if bad.any():
        ax.axvspan(z[bad].min(), z.max(), color=COLORS[3], alpha=0.08, lw=0)
        ax.text(z[bad].min() + 10, 0.97, f"naive = {'nan' if np.isnan(data['naive'][bad]).any() else 'inf'}",
                transform=ax.get_xaxis_transform(), va="top", color=COLORS[3], fontsize=9)
    ax.plot(z, data["fused"], lw=3, color=COLORS[2], label="fused (from logits)")
    ax.plot(z, data["clipped"], lw=1.8, ls="--", color=COLORS[1], label="softmax, then clipped CE (Keras)")
    ax.plot(z, np.where(np.isfinite(data["naive"]), data["naive"], np.nan), lw=1.5, ls=":", color=COLORS[3],
            label="naive: exp / sum, then log")
    ax.axvline(data["at"], color="0.3", lw=1, ls=":")
    if data["target"] == "smallest":  # the true loss grows like 2z; the clipped one stops at -log(1e-7)
        log_axis(ax, "y", lim=(0.5, 5000), ticks=[1, 10, 100, 1000])
    else:  # the true loss falls to 0
        ax.set_ylim(-0.05, 1.25)
    ax.set_xlabel("logit scale z   (logits = [z, 0, -z])")
    ax.set_ylabel("cross-entropy")
    ax.set_title(f"label = class of the {data['target']} logit, {data['dtype']}", fontsize=10)
    ax.legend(loc="center right", fontsize=9)
    _lean(ax)
    return ax


def draw_yogurt(data, axes):
    """Yogurt runs (``experiments.ch04_losses.yogurt_view``): the weight path on the loss contours, and w over epochs."""
    ax, ax2 = axes
    W1, W2, Z = data["grid"]
    contour_lines(ax, W1, W2, np.log(Z), levels=25, cmap="Greys", linewidths=0.6)
    path, tail, opt = data["path"], data["tail"], data["optimum"]
    ax.plot(path[:, 0], path[:, 1], lw=0.6, color=COLORS[0], alpha=0.5)
    ax.plot(tail[:, 0], tail[:, 1], ".", ms=3, color=COLORS[0], label="gradient descent, last epochs")
    ax.plot(*data["final"], "o", ms=7, mfc="none", mec=COLORS[0], mew=1.8, label="epoch 10000")
    ax.plot(*opt, "*", ms=14, color="k", label="exact optimum")
    ax.plot(1, 1, "+", ms=10, color=COLORS[3], mew=1.5, label="w = (1, 1)")
    ax.set_xlim(0.6, 1.6)
    ax.set_ylim(0.6, 1.6)
    ax.set_xlabel("w₁")
    ax.set_ylabel("w₂")
    ax.set_title(f"weights: COST = {data['cost']:g}, PROFIT = {data['profit']:g}", fontsize=10)
    ax.legend(loc="lower right", fontsize=9)
    epochs = np.arange(len(path)) * data["every"]
    ax2.plot(epochs, np.maximum(data["gap"], 1e-3), lw=0.8, color=COLORS[0])
    log_axis(ax2, "y", lim=(1e-3, 1e3), ticks=[0.001, 0.1, 10, 1000])
    ax2.set_xlim(0, epochs[-1])
    ax2.set_xlabel("epoch")
    ax2.set_ylabel("loss − its minimum")
    ax2.set_title("loss above the exact minimum", fontsize=10)
    _lean(ax, ax2)
    return axes


def _box_patch(ax, xyxy, **kw):
    import matplotlib.patches as mpatches

    x1, y1, x2, y2 = (float(v) for v in xyxy)
    ax.add_patch(mpatches.Rectangle((x1, y1), x2 - x1, y2 - y1, **kw))


def draw_box_pair(data, axes):
    """Two boxes (``experiments.ch04_losses.box_view``): the canvas with C, ρ and c, and each loss over the offset."""
    ax, ax2 = axes
    t, p, c = data["target"], data["pred"], data["enclosing"]
    _box_patch(ax, c, fill=False, ls="--", lw=1, ec="0.5")
    _box_patch(ax, t, fc="0.85", ec="k", lw=1.8)
    _box_patch(ax, p, fc=COLORS[0], alpha=0.35, ec=COLORS[0], lw=1.8)
    ct, cp = (t[:2] + t[2:]) / 2, (p[:2] + p[2:]) / 2
    ax.plot([ct[0], cp[0]], [ct[1], cp[1]], "-o", ms=3, color=COLORS[3], lw=1.2)
    ax.plot([c[0], c[2]], [c[1], c[3]], ":", color="0.4", lw=1)
    ax.text(*((ct + cp) / 2), " ρ", color=COLORS[3], va="bottom")
    ax.text(c[2], c[3], "c ", color="0.4", ha="right", va="top")
    ax.set_xlim(-6.5, 6.5)
    ax.set_ylim(-3.5, 3.5)
    ax.set_aspect("equal")
    ax.set_title("target (grey), prediction (blue), enclosing box C (dashed)", fontsize=10)
    for name, curve in data["curves"].items():
        ax2.plot(data["offsets"], curve, lw=1.8, color=_BOX_COLORS[name], ls="--" if name == "CIoU" else "-",
                 label=f"{name} loss")
        ax2.plot(data["dx"], data["loss"][name], "o", color=_BOX_COLORS[name])
    ax2.set_xlabel("horizontal offset dx of the prediction")
    ax2.set_ylim(-0.05, 2.05)
    ax2.legend(fontsize=9, loc="lower center", ncol=2)
    ax2.set_title("each loss as the prediction slides sideways", fontsize=10)
    _lean(ax, ax2)
    return axes


def draw_box_regression(data, ax):
    """The box-regression simulation (``experiments.ch04_losses.box_regression_simulation``): mean error per step."""
    loss_curves(ax, data["error"], xlabel="step", ylabel="mean l1 error of (x, y, w, h)")
    log_axis(ax, "y")
    ax.set_title("box regression: mean error per step", fontsize=10)
    return ax


def draw_box_simulation_step(data, axes):
    """The simulation at one step (``experiments.ch04_losses.box_simulation_view``): IoU spread, one panel per loss."""
    labels = ["0"] + [f"{b:.1f}" for b in data["edges"][1:]]
    for ax, (name, shares) in zip(axes, data["shares"].items()):
        ax.bar(np.arange(11), shares, color=["0.25"] + [_BOX_COLORS[name]] * 10, width=0.8)
        ax.set_ylim(0, 1)
        ax.set_xticks([0, 5, 10])
        ax.set_xticklabels([labels[0], labels[5], labels[10]])
        ax.set_xlabel("IoU (first bar: exactly 0)")
        ax.set_title(f"{name} loss: mean IoU {data['mean'][name]:.2f}", fontsize=10)
    axes[0].set_ylabel(f"share of {data['n']} boxes")
    return axes


def draw_box_cases(data, axes):
    """One regression case (``experiments.ch04_losses.box_case_view``): each loss's box at the chosen step."""
    t = data["target"]
    for ax, (name, b) in zip(axes, data["boxes"].items()):
        tx = np.array([t[0] - t[2] / 2, t[1] - t[3] / 2, t[0] + t[2] / 2, t[1] + t[3] / 2])
        bx = np.array([b[0] - b[2] / 2, b[1] - b[3] / 2, b[0] + b[2] / 2, b[1] + b[3] / 2])
        _box_patch(ax, tx, fc="0.85", ec="k", lw=1.5)
        _box_patch(ax, bx, fc=_BOX_COLORS[name], alpha=0.3, ec=_BOX_COLORS[name], lw=1.8)
        path = data["centres"][name]
        ax.plot(path[:, 0], path[:, 1], "-", lw=1, color=_BOX_COLORS[name])
        ax.set_xlim(7.5, 15)
        ax.set_ylim(7.5, 15)
        ax.set_aspect("equal")
        ax.set_xticks([])  # positions speak for themselves; ticks cost more than the boxes to draw
        ax.set_yticks([])
        ax.set_title(f"{name} loss: IoU = {data['iou'][name]:.2f}", fontsize=10)
    return axes


def draw_focal_curves(data, ax):
    """Lin et al. 2017, Fig. 1: the focal loss against the probability of the true class."""
    for i, (g, curve) in enumerate(data["curves"].items()):
        ax.plot(data["p_t"], curve, lw=2, color=COLORS[i], label=f"γ = {g:g}" + (" (CE)" if g == 0 else ""))
    ax.axvspan(0.5, 1.0, color="0.92", lw=0)
    ax.text(0.75, 2.2, "well-classified examples\n(pₜ > 0.5)", ha="center", va="top", fontsize=9)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 5)
    ax.set_xlabel("probability of the ground-truth class pₜ")
    ax.set_ylabel("loss")
    ax.legend(loc="upper center", fontsize=9)
    ax.set_title("focal loss FL = −(1 − pₜ)^γ log pₜ", fontsize=10)
    return ax


def draw_focal_toy(data, axes):
    """The imbalanced toy (``experiments.ch04_losses.focal_view``): boundaries of CE and focal models, and the loss by p_t."""
    ax, ax2 = axes
    X, y = data["X"], data["y"]
    ax.plot(X[y == 0, 0], X[y == 0, 1], ".", ms=2.5, color="0.6", label=f"negatives ({int((y == 0).sum())})")
    ax.plot(X[y == 1, 0], X[y == 1, 1], "o", ms=3, color=COLORS[3], label=f"positives ({int((y == 1).sum())})")
    xs = np.array([-4.0, 5.0])
    for key, style in (("ce", dict(color="k", ls="--", label="CE boundary")),
                       ("focal", dict(color=COLORS[0], lw=2, label="focal boundary"))):
        w1, w2, b = data[key]["w"]
        ax.plot(xs, -(w1 * xs + b) / w2, **style)
    ax.set_xlim(-4, 5)
    ax.set_ylim(-4, 5)
    ax.set_aspect("equal")
    ax.legend(fontsize=9, loc="upper left", markerscale=2)
    ax.set_title("decision boundaries (p = 0.5)", fontsize=10)
    centres = (data["bins"][:-1] + data["bins"][1:]) / 2
    ax2.bar(centres - 0.022, data["hist_ce"], width=0.044, color="0.5", label="cross-entropy")
    ax2.bar(centres + 0.022, data["hist_fl"], width=0.044, color=COLORS[0],
            label=f"focal γ={data['gamma']:g}, α={data['alpha']:g}")
    ax2.set_xlabel("pₜ under the CE model")
    ax2.set_ylabel("share of the total loss")
    ax2.set_ylim(0, 1)
    ax2.legend(fontsize=9, loc="upper center")
    ax2.set_title("loss share by pₜ", fontsize=10)
    _lean(ax, ax2)
    return axes


_GROUP_COLORS = {"easy negatives": "0.7", "hard negatives": COLORS[1], "positives": COLORS[3], "boxes": COLORS[0]}


def draw_detector_loss(data, axes):
    """The toy detector (``experiments.ch04_losses.detector_loss_view``): the image, and how its loss splits."""
    ax, ax2 = axes
    pos = data["positive"]
    for b in data["anchors"][pos]:
        _box_patch(ax, b, fill=False, ec=COLORS[3], lw=0.8, ls=":")
    for b in data["boxes"]:
        _box_patch(ax, b, fill=False, ec=COLORS[0], lw=1.0)
    for b in data["objects"]:
        _box_patch(ax, b, fill=False, ec="k", lw=2.2)
    ax.set_xlim(0, 16)
    ax.set_ylim(0, 16)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    for side in ("top", "right"):
        ax.spines[side].set_visible(True)
    ax.set_title("objects (black), positive anchors (dotted),\npredicted boxes (blue)", fontsize=10)
    rows = {"share of the loss L": {k: v / data["total"] for k, v in data["loss"].items()},
            "share of |dL_cls / dz|": dict(data["grad_share"], boxes=0.0)}
    for y, shares in enumerate(rows.values()):
        left = 0.0
        for name, share in shares.items():
            ax2.barh(y, share, left=left, color=_GROUP_COLORS[name], height=0.6,
                     label=f"{name} ({data['counts'][name]})" if y == 0 else None)
            left += share
    ax2.set_yticks([0, 1])
    ax2.set_yticklabels(list(rows))
    ax2.set_ylim(1.6, -1.0)
    ax2.set_xlim(0, 1)
    ax2.set_xlabel("share")
    ax2.legend(fontsize=9, loc="upper center", ncol=2)
    ax2.set_title(f"where the loss comes from\nγ = {data['gamma']:g}, α = {data['alpha']:g}, "
                  f"λ = {data['box_weight']:g} ({data['box_loss']})", fontsize=10)
    ax2.grid(False)
    return axes
