"""Chapter 01 – network complexity: the draw halves of the chapter's figures.

Each ``draw_*(data, ax)`` draws a ``compute`` result of ``course_lib.experiments.ch01_complexity`` on
axes it is given, so the same code serves a static figure and a :class:`course_lib.widgets.LivePlot`.
"""

from __future__ import annotations

import numpy as np

from ._axes import COLORS

__all__ = ["draw_complexity_bars", "draw_layer_shares", "draw_architectures", "draw_latency_vs_flops"]


# (appended after chapter 03's section: this file is append-only while chapters are written)

_CX_SERIES = (("FLOPs", 0), ("params", 1), ("feature-map bytes", 2))  # (label, colour index)
_CX_TICKS = ([1e0, 1e3, 1e6, 1e9], ["1", "1k", "1M", "1G"])  # few ticks: each costs ~1 ms per redraw


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
    """Per-layer FLOPs, parameters and feature-map bytes of a :class:`course_lib.nn.complexity.LayerTable`.

    Grouped bars on a log axis whose limits never change (``slots`` layer positions, ``ylim``), so
    a slider move shows growth as taller bars rather than as a rescaled axis. Zero values (a
    Flatten's FLOPs) get no bar. All bars are one ``PolyCollection`` (one artist instead of one
    ``Rectangle`` per bar) so that a redraw stays around 30 ms.
    """
    from matplotlib.collections import PolyCollection

    verts, colors = [], []
    for i, ((_, c), values) in enumerate(zip(_CX_SERIES, (table.flops, table.params, table.memory))):
        for x, v in enumerate(values):
            if v > 0:
                x0 = x + (i - 1.5) * 0.27
                verts.append([(x0, ylim[0]), (x0, v), (x0 + 0.27, v), (x0 + 0.27, ylim[0])])
                colors.append(COLORS[c])
    ax.add_collection(PolyCollection(verts, facecolors=colors, edgecolors="none"), autolim=False)
    _cx_log_axis(ax, "y", ylim)
    ax.set_xlim(-0.6, max(slots, len(table)) - 0.4)
    ax.set_xticks(np.arange(len(table)), table.names, fontsize=8)
    ax.set_ylabel("count / bytes (log)")
    _cx_key(ax, [(label, COLORS[c]) for label, c in _CX_SERIES])
    return ax


def draw_layer_shares(table, ax, title=None):
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
    ax.set_title(title if title is not None else (table.title or "").split(":")[0])
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
    rate = np.max(fl / ms)
    xs = np.geomspace(fl.min() / 2, fl.max() * 2, 10)
    ax.loglog(xs, xs / rate, "--", color="0.5", lw=1, label=f"time ∝ FLOPs at the best rate ({rate / 1e6:.0f} GFLOP/s)")
    ax.set_xlabel("FLOPs per image (TensorFlow profiler convention)")
    ax.set_ylabel("latency per image (ms)")
    ax.legend(loc="upper left", fontsize=8)
    _cx_label_points(ax, names, fl, ms)
    return ax


def _cx_label_points(ax, names, xs, ys):
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
                            fontsize=8, in_layout=False)
            bb = t.get_window_extent(renderer)
            box = (bb.x0, bb.y0, bb.x1, bb.y1)
            inside = ax.bbox.x0 <= box[0] and box[2] <= ax.bbox.x1 and ax.bbox.y0 <= box[1] and box[3] <= ax.bbox.y1
            if inside and not any(box[0] < o[2] and o[0] < box[2] and box[1] < o[3] and o[1] < box[3] for o in taken):
                break
            if (offset, ha, va) != spots[-1]:
                t.remove()
        taken.append(box)
