"""Chapter 01 – network complexity: the draw halves of the chapter's figures.

Each ``draw_*(data, ax)`` draws a result of ``course_lib.experiments.ch01_complexity`` (or a
:class:`course_lib.nn.complexity.LayerTable`) on axes it is given, so the same code serves a
static figure and a :class:`course_lib.widgets.LivePlot`. One quantity per axis: parameters,
FLOPs and bytes are never drawn against one scale.
"""

from __future__ import annotations

import numpy as np

from ._axes import COLORS, _decades, log_axis

__all__ = ["draw_conv_stack", "draw_layer_shares", "draw_params_vs_flops", "draw_memory_traffic",
           "draw_latency_vs_flops", "draw_fit_memory"]

#: (field, title, colour, scale, y limits, ticks) of the three panels of :func:`draw_conv_stack`: limits that
#: hold every value the chapter's sliders can reach, so a move never redraws the axes.
_PANELS = (("params", "parameters", 1, 1.0, (10, 1e8), {1e1: "10", 1e3: "1k", 1e5: "100k", 1e7: "10M"}),
           ("flops", "FLOPs", 0, 1.0, (100, 1e11), {1e2: "100", 1e5: "100k", 1e8: "100M", 1e11: "100G"}),
           ("memory", "feature map (KiB)", 2, 1 / 1024, (0.01, 1e4), {1e-2: "0.01", 1: "1", 1e2: "100", 1e4: "10k"}))


def draw_conv_stack(table, axes):
    """Per-layer parameters, FLOPs and feature-map KiB of a conv stack: three panels, one quantity each.

    ``axes``: three Axes (a row). Each panel has its own log axis with fixed limits and ticks that
    hold every value the chapter's sliders reach (so a move redraws only the bars); a zero (a
    Flatten's parameters) gets no bar. All bars of a panel are one ``PolyCollection``. Used by
    the slider of 01_complexity § 每个旋钮的代价.
    """
    from matplotlib.collections import PolyCollection

    x = np.arange(len(table))
    for ax, (field, title, color, scale, lim, ticks) in zip(axes, _PANELS):
        v = getattr(table, field).astype(float) * scale
        verts = [[(i - 0.35, lim[0]), (i - 0.35, h), (i + 0.35, h), (i + 0.35, lim[0])] for i, h in zip(x, v) if h > 0]
        ax.add_collection(PolyCollection(verts, facecolors=COLORS[color], edgecolors="none"), autolim=False)
        log_axis(ax, "y", lim=lim, ticks=ticks)
        ax.set_xlim(-0.6, len(table) - 0.4)
        ax.set_xticks(x, table.names, rotation=45, ha="right", fontsize=9)
        ax.set_title(title)
    return axes


def draw_layer_shares(table, ax, title=None):
    """Each layer's share (%) of the model's parameters and of its FLOPs, side by side.

    Used in 01_complexity § LeNet-5 手算.
    """
    x = np.arange(len(table))
    p = 100 * table.params / max(table.total_params, 1)
    f = 100 * table.flops / max(table.total_flops, 1)
    ax.bar(x - 0.2, p, 0.4, label="share of parameters", color=COLORS[1])
    ax.bar(x + 0.2, f, 0.4, label="share of FLOPs", color=COLORS[0])
    ax.set_xticks(x, table.names, fontsize=9)
    ax.set_ylabel("% of the model's total")
    ax.set_ylim(0, 100)
    ax.legend(loc="upper center", fontsize=9)
    ax.set_title(title if title is not None else (table.title or "").split(":")[0])
    return ax


def _label_points(ax, names, xs, ys):
    """Name each point, trying four positions around it and keeping the first that overlaps nothing."""
    fig = ax.figure
    fig.draw_without_rendering()  # settle the layout so display coordinates are final
    renderer = fig.canvas.get_renderer()
    taken = [ax.transData.transform((x, y)) for x, y in zip(xs, ys)]
    taken = [(px - 5, py - 5, px + 5, py + 5) for px, py in taken]  # the markers
    spots = [((6, 4), "left", "bottom"), ((6, -4), "left", "top"), ((-6, 4), "right", "bottom"),
             ((-6, -4), "right", "top")]
    for i in np.argsort(xs):
        for offset, ha, va in spots:
            t = ax.annotate(names[i], (xs[i], ys[i]), textcoords="offset points", xytext=offset, ha=ha, va=va,
                            fontsize=9, in_layout=False)
            bb = t.get_window_extent(renderer)
            box = (bb.x0, bb.y0, bb.x1, bb.y1)
            inside = ax.bbox.x0 <= box[0] and box[2] <= ax.bbox.x1 and ax.bbox.y0 <= box[1] and box[3] <= ax.bbox.y1
            if inside and not any(box[0] < o[2] and o[0] < box[2] and box[1] < o[3] and o[1] < box[3] for o in taken):
                break
            if (offset, ha, va) != spots[-1]:
                t.remove()
        taken.append(box)


def draw_params_vs_flops(summaries, ax):
    """``summaries = {model: model_summary(...)}``: FLOPs against parameters, log-log, one point per model.

    Dotted lines mark constant FLOPs per parameter (2 is a Dense layer's: each weight used once).
    Used in 01_complexity § 真实网络.
    """
    names = list(summaries)
    p = np.array([summaries[n]["params"] for n in names], dtype=float)
    f = np.array([summaries[n]["FLOPs"] for n in names], dtype=float)
    xlim, ylim = _decades(p), _decades(f)
    xlim = (xlim[0], xlim[1] * 3)  # room right of the last point for the line labels
    xs = np.geomspace(*xlim, 20)
    for ratio in (2, 20, 200, 2000):
        ax.plot(xs, ratio * xs, ":", color="0.55", lw=1)
        x_end = min(xlim[1], ylim[1] / ratio) / 1.15  # where the line leaves the box, a little inside
        if x_end > xlim[0] * 2 and ratio * x_end > ylim[0] * 1.5:
            ax.text(x_end, ratio * x_end, f"{ratio} FLOPs/param ", fontsize=9, color="0.4", ha="right", va="top")
    ax.plot(p, f, "o", ms=8, color=COLORS[0])
    log_axis(ax, "x", lim=xlim)
    log_axis(ax, "y", lim=ylim)
    ax.set_xlabel("parameters")
    ax.set_ylabel("FLOPs per image")
    ax.set_title("FLOPs vs parameters")
    _label_points(ax, names, p, f)
    return ax


def draw_memory_traffic(summaries, ax, bytes_per_element: int = 4):
    """访存量 of each model in MB: parameters and feature maps stacked (float32, batch 1).

    Used in 01_complexity § 真实网络.
    """
    names = list(summaries)
    y = np.arange(len(names))
    par = np.array([summaries[n]["params"] * bytes_per_element for n in names], dtype=float) / 1e6
    fm = np.array([summaries[n]["feature maps"] for n in names], dtype=float) / 1e6
    ax.barh(y, par, 0.6, color=COLORS[1], label="parameters")
    ax.barh(y, fm, 0.6, left=par, color=COLORS[2], label="feature maps")
    ax.set_yticks(y, names, fontsize=9)
    ax.invert_yaxis()
    ax.set_xlabel("MB (float32, batch 1)")
    ax.set_title("memory traffic = parameters + feature maps")
    ax.legend(loc="lower right", fontsize=9)
    return ax


def draw_latency_vs_flops(table, ax):
    """``table = latency_table(...)``: latency per image against FLOPs, log-log, one named point per model.

    The dashed line is ``time = FLOPs / rate`` at the best rate any model reached: a model on it
    turns FLOPs into time as efficiently as the best one; far above it, time goes to memory
    traffic and per-layer overhead rather than arithmetic. Used in 01_complexity § FLOPs 能预测耗时吗
    and its appendix.
    """
    names = list(table)
    fl = np.array([table[n]["FLOPs"] for n in names], dtype=float)
    ms = np.array([table[n]["seconds"] for n in names], dtype=float) * 1e3
    rate = np.max(fl / ms)
    xs = np.geomspace(fl.min() / 2, fl.max() * 2, 10)
    ax.plot(xs, xs / rate, "--", color="0.5", lw=1,
            label=f"time proportional to FLOPs at the best rate ({rate / 1e6:.0f} GFLOP/s)")
    ax.plot(fl, ms, "o", ms=8, color=COLORS[0], label="measured")
    log_axis(ax, "x", lim=_decades(xs))
    log_axis(ax, "y", lim=_decades(np.concatenate([ms, xs / rate])))
    ax.set_xlabel("FLOPs per image (TensorFlow profiler convention)")
    ax.set_ylabel("latency per image (ms)")
    ax.legend(loc="upper left", fontsize=9)
    _label_points(ax, names, fl, ms)
    return ax


def draw_fit_memory(result, formula, axes):
    """Peak memory (MB) of a training step and of an inference against the batch size B: two panels.

    ``result`` from ``fit_step_memory``, ``formula`` from ``memory_formula``. Each panel shows the
    measured peaks, the least-squares line through them, and what the formula predicts for the
    part that grows with B: every feature map per sample (training, drawn from the fitted
    intercept) and the largest two consecutive feature maps per sample (inference). Used in
    01_complexity § 训练时的内存.
    """
    b = np.asarray(result["batch_sizes"], dtype=float)
    bs = np.linspace(0, b.max() * 1.05, 20)
    per_sample = {"train": formula["all feature maps"], "inference": formula["largest pair"]}
    words = {"train": "every feature map", "inference": "largest two consecutive maps"}
    for ax, mode, title, color in zip(axes, ("train", "inference"), ("training step (train_on_batch)",
                                                                      "inference (predict_on_batch)"), (3, 0)):
        y = np.asarray(result[mode], dtype=float)
        slope, fixed = np.polyfit(b, y, 1)
        ax.plot(b, y / 1e6, "o", color=COLORS[color], ms=8, label="measured peak")
        ax.plot(bs, (fixed + slope * bs) / 1e6, "-", color=COLORS[color], lw=1, label="least-squares line")
        ax.plot(bs, (fixed + per_sample[mode] * bs) / 1e6, "--", color="0.35", lw=1.2,
                label=f"same intercept + B x {words[mode]}")
        ax.set_xlim(0, bs[-1])
        ax.set_ylim(0, max(y.max(), fixed + per_sample[mode] * bs[-1]) / 1e6 * 1.15)
        ax.set_xlabel("batch size B")
        ax.set_ylabel("peak memory above the input (MB)")
        ax.set_title(title)
        ax.legend(loc="lower right", fontsize=9)
    return axes
