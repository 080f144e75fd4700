"""Figures the chapters share.

Every function draws on axes it is given (``draw(data, ax)`` style) so the same code
serves a static figure and a :class:`course_lib.widgets.LivePlot`. Labels are English and
the font is matplotlib's bundled DejaVu Sans: figures render on machines with no CJK font.

Chapter-specific drawings live in sections below, one per chapter, in chapter order.
"""

from __future__ import annotations

import functools
import hashlib

import matplotlib
import numpy as np

__all__ = ["apply_style", "COLORS", "curve_with_derivative", "loss_curves", "contour_with_paths", "contour_lines",
           "new_figure"]

#: One colour per series, stable across chapters (matplotlib's tab10).
COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
          "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]


def apply_style() -> None:
    """The course's plot defaults: readable sizes, a grid, no CJK font needed."""
    matplotlib.rcParams.update({
        "figure.figsize": (6.4, 3.6),
        "figure.dpi": 100,
        "font.family": "DejaVu Sans",
        "font.size": 10,
        "axes.grid": True,
        "grid.alpha": 0.3,
        "axes.axisbelow": True,  # grid under the data, as LivePlot composes its layers
        "axes.spines.top": False,
        "axes.spines.right": False,
        "legend.frameon": False,
        "savefig.bbox": None,
        "axes.prop_cycle": matplotlib.cycler(color=COLORS),
    })


def new_figure(nrows=1, ncols=1, figsize=None, **kw):
    """A pyplot figure with the course's layout; returns ``(fig, axes)`` like ``plt.subplots``."""
    import matplotlib.pyplot as plt

    return plt.subplots(nrows, ncols, figsize=figsize, layout="constrained", **kw)


def curve_with_derivative(ax, x, y, dy, label="f", ylim=None):
    """A function and its derivative on one axes (solid and dashed)."""
    ax.axhline(0, color="0.6", lw=0.8)
    ax.axvline(0, color="0.6", lw=0.8)
    ax.plot(x, y, lw=2, label=f"{label}(x)")
    ax.plot(x, dy, lw=2, ls="--", label=f"{label}'(x)")
    if ylim is not None:
        ax.set_ylim(*ylim)
    ax.set_xlabel("x")
    ax.legend(loc="upper left")
    return ax


def loss_curves(ax, histories, xlabel="epoch", ylabel="loss", logy=False, title=None):
    """Several curves keyed by name (``{"SGD": [..], "Adam": [..]}``) on one axes."""
    for i, (name, values) in enumerate(histories.items()):
        values = np.asarray(values, dtype=float)
        ax.plot(np.arange(len(values)), values, lw=1.8, label=name, color=COLORS[i % len(COLORS)])
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    ax.legend()
    return ax


def contour_with_paths(ax, f, paths, xlim, ylim, levels=30, n=200, logscale=True, optimum=None, legend=True):
    """Contours of ``f(x, y)`` (vectorised) with optimiser paths ``{name: array (k, 2)}``.

    The contour lines are computed once per ``(f, xlim, ylim, levels, n, logscale)`` and
    reused: a slider that moves only the paths does not re-trace the surface.
    """
    _add_traced(ax, _contour_lines(f, tuple(xlim), tuple(ylim), levels, n, logscale))
    for i, (name, p) in enumerate(paths.items()):
        p = np.asarray(p, dtype=float)
        ax.plot(p[:, 0], p[:, 1], "-o", ms=2, lw=1.3, label=name, color=COLORS[i % len(COLORS)])
    if optimum is not None:
        ax.plot(*optimum, marker="*", ms=12, color="k", ls="none", label="optimum")
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_xlabel("$w_1$")
    ax.set_ylabel("$w_2$")
    if legend:
        ax.legend(loc="upper right", fontsize=8)
    return ax


@functools.lru_cache(maxsize=32)
def _contour_lines(f, xlim, ylim, levels, n, logscale):
    """matplotlib's contour lines of ``f`` (paths, colours, widths, styles), traced on a scratch figure."""
    X, Y = np.meshgrid(np.linspace(*xlim, n), np.linspace(*ylim, n))
    Z = f(X, Y)
    if logscale:
        Z = np.log1p(Z - Z.min())
    return _trace(X, Y, Z, dict(levels=levels, cmap="Greys", linewidths=0.6))


def contour_lines(ax, X, Y, Z, **kw):
    """``ax.contour(X, Y, Z, **kw)``'s lines, traced once per distinct input and then reused.

    A slider that redraws the same surface (a loss landscape, a decision boundary that
    did not move) pays for drawing the lines, not for tracing them again.
    """
    X, Y, Z = (np.ascontiguousarray(a, dtype=float) for a in (X, Y, Z))
    key = hashlib.blake2b(b"".join((str(X.shape).encode(), X.tobytes(), Y.tobytes(), Z.tobytes())),
                          digest_size=16).digest()
    return _add_traced(ax, _trace_cached(key, X, Y, Z, kw))


def _add_traced(ax, traced):
    """Add lines from :func:`_trace` to ``ax`` as one collection (as ``ax.contour`` draws them)."""
    from matplotlib.collections import PathCollection

    paths, colors, widths, styles = traced
    return ax.add_collection(PathCollection(paths, facecolors="none", edgecolors=colors, linewidths=widths,
                                            linestyles=styles), autolim=False)


_TRACED: dict = {}


def _trace_cached(key, X, Y, Z, kw):
    k = (key, repr(sorted(kw.items())))
    if k not in _TRACED:
        if len(_TRACED) >= 256:
            _TRACED.pop(next(iter(_TRACED)))
        _TRACED[k] = _trace(X, Y, Z, kw)
    return _TRACED[k]


@functools.lru_cache(maxsize=1)
def _scratch_axes():
    from matplotlib.figure import Figure

    return Figure().subplots()


def _trace(X, Y, Z, kw):
    cs = _scratch_axes().contour(X, Y, Z, **kw)
    cs.remove()
    # the dash patterns as given (get_linestyle() has them scaled by the line width already)
    return cs.get_paths(), cs.get_edgecolor(), cs.get_linewidth(), getattr(cs, "_us_linestyles", cs.get_linestyle())


def _round_up(n):
    """The next round number ≥ n (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 × 10^k): steady axes under a slider."""
    if not n > 0:
        return 1.0
    scale = 10.0 ** np.floor(np.log10(n))
    return next(m * scale for m in (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10) if m * scale >= n * (1 - 1e-12))


def _decades(values, floor=1e-12, low_step=1):
    """Log-axis limits rounded out to whole decades (steady axes while a slider moves).

    ``low_step=3`` rounds the lower end down to 1e-3, 1e-6, 1e-9...: a converging run lowers
    its minimum by a decade every few steps, and the axis should not follow each one.
    """
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    v = np.maximum(v, floor)
    if v.size == 0:
        return floor, 1.0
    lo = max(low_step * np.floor(np.log10(v.min()) / low_step), np.floor(np.log10(floor)))
    hi = np.ceil(np.log10(v.max()))
    return 10.0 ** lo, 10.0 ** max(hi, lo + 1)


# ======================================================================================
# Chapter 03 – activations
# ======================================================================================

def draw_activation(data, ax):
    """``data = (name, x, f(x), f'(x))`` from :func:`course_lib.activations.curve_data`."""
    name, x, y, dy = data
    curve_with_derivative(ax, x, y, dy, label=name)
    ax.set_title(f"{name} and its derivative")


def draw_feature_fit(data, ax):
    """``data = {"relu": fit, "linear": fit}`` from :func:`course_lib.activations.relu_features_fit`."""
    first = next(iter(data.values()))
    ax.plot(first["x"], first["y"], color="k", lw=2.5, alpha=0.35, label="target sin(x)")
    for name, fit in data.items():
        ax.plot(fit["x"], fit["fit"], lw=1.6, label=f"{name} units (RMSE {fit['rmse']:.3f})")
    ax.set_xlabel("x")
    ax.legend(loc="upper left", fontsize=8)


def draw_gradient_norms(data, ax):
    """``data = {activation: norms per layer}``: gradient size from input side to output side."""
    for name, g in data.items():
        ax.semilogy(np.arange(1, len(g) + 1), np.maximum(g, 1e-30), "-o", ms=3, label=name)
    ax.set_xlabel("layer (1 = next to the input)")
    ax.set_ylabel("||dL/dW_k||")
    ax.legend(loc="lower right", fontsize=8)


def draw_dead_units(data, axes):
    """``data = {activation: run}`` at one learning rate: dead fraction and loss per epoch."""
    ax_dead, ax_loss = axes
    for i, (name, run) in enumerate(data.items()):
        ax_dead.plot(run["dead"], lw=2, label=name, color=COLORS[i])
        ax_loss.plot(run["loss"], lw=2, label=name, color=COLORS[i])
    ax_dead.set_ylim(-0.03, 1.03)
    ax_dead.set_xlabel("epoch")
    ax_dead.set_ylabel("units with z <= 0 on every sample")
    ax_loss.set_yscale("log")
    ax_loss.set_xlabel("epoch")
    ax_loss.set_ylabel("cross-entropy loss")
    ax_dead.legend(loc="upper left", fontsize=8)


def draw_softmax_bars(data, ax):
    """``data = (labels, probabilities, temperature)``."""
    labels, p, T = data
    ax.bar(labels, p, color=COLORS[0])
    for i, v in enumerate(p):
        ax.text(i, v + 0.02, f"{v:.2f}", ha="center", fontsize=9)
    ax.set_ylim(0, 1.1)
    ax.set_ylabel("probability")
    ax.set_title(f"softmax(z / T), T = {T:.2f}")


# ======================================================================================
# Chapter 01 – network complexity
# ======================================================================================
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
    """Per-layer FLOPs, parameters and feature-map bytes of a :class:`course_lib.complexity.LayerTable`.

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


# ======================================================================================
# Chapter 02 – learning-rate policies
# ======================================================================================
# (appended; compute halves in course_lib.schedules)

__all__ += ["draw_schedules", "draw_quadratic_runs", "draw_training_runs", "draw_plateau"]


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
    """``data`` from :func:`course_lib.schedules.plateau_view`: the loss with the cuts, and the learning rate."""
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


# ======================================================================================
# Chapter 05 – under-fitting, over-fitting and regularisation
# ======================================================================================

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
    """``data`` from :func:`course_lib.regularization.poly_view`: the fit (left), errors vs degree (right)."""
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
    """One remedy of :func:`course_lib.regularization.remedies`: before (dashed) and after (solid)."""
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
    """``data`` from :func:`course_lib.regularization.dots_view`: both boundaries and both loss curves."""
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
    """``data`` from :func:`course_lib.regularization.l1_l2_view`: weight histograms and zero counts."""
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
    """``data`` from :func:`course_lib.regularization.constraint_geometry`: diamond (L1) and circle (L2)."""
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
    """``data`` from :func:`course_lib.regularization.early_stopping_view`."""
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


# ======================================================================================
# Chapter 06 – optimizers
# ======================================================================================
# (appended; compute halves in course_lib.optimizers and course_lib.experiments)

__all__ += ["draw_optimizer_race", "draw_iris_runs", "draw_step_losses", "draw_loss_vs_updates", "draw_restarts",
            "draw_tuned_race", "draw_adam_bias"]


from matplotlib import ticker as _ticker  # noqa: E402  (section-local import, append-only file)


def _opt_color(name, names):
    return COLORS[list(names).index(name) % len(COLORS)]


def draw_optimizer_race(data, axes):
    """``data`` from :func:`course_lib.optimizers.race`: paths on the contours, f − f* and |Δx| per step.

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
    """``runs = {name: IrisRun}``: training loss and test accuracy per epoch on two axes."""
    ax_loss, ax_acc = axes
    loss_curves(ax_loss, {r.name: r.loss for r in runs.values()}, ylabel="training loss (MSE)", logy=logy)
    loss_curves(ax_acc, {r.name: r.test_acc for r in runs.values()}, ylabel="test accuracy")
    ax_acc.set_ylim(0, 1.05)
    ax_acc.legend(loc="lower right", fontsize=8)
    ax_loss.legend(fontsize=8)
    return axes


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
    """``data`` from :func:`course_lib.optimizers.tuned_race`: final loss vs lr, and the best runs."""
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
    """``data = {label: |Δw| / lr per step}`` (:func:`course_lib.optimizers.adam_effective_step`)."""
    for i, (label, y) in enumerate(data.items()):
        ax.plot(np.arange(1, len(y) + 1), y, lw=1.8, color=COLORS[i % len(COLORS)], label=label)
    ax.set_xscale("log")
    ax.set_xlabel("step t")
    ax.set_ylabel("|step| / lr, constant gradient")
    ax.legend(fontsize=8)
    return ax


# ======================================================================================
# Chapter 04 – loss functions
# ======================================================================================

__all__ += ["draw_regression_losses", "draw_ce_stability", "draw_yogurt", "draw_box_pair", "draw_box_cases",
            "draw_focal_curves", "draw_focal_toy"]

_BOX_COLORS = {"IoU": COLORS[0], "GIoU": COLORS[1], "DIoU": COLORS[2], "CIoU": COLORS[3]}


def _lean(*axes):
    """At most ~5 ticks per linear axis: tick lines and labels are most of a redraw's cost."""
    for ax in axes:
        for axis, name in ((ax.xaxis, "x"), (ax.yaxis, "y")):
            if axis.get_scale() == "linear":
                ax.locator_params(axis=name, nbins=4)


def _plain_log_ticks(axis, ticks):
    """Fixed ticks with plain labels on a log axis: mathtext tick labels (10^3) cost ~30 ms per redraw."""
    import matplotlib.ticker as mticker

    axis.set_major_locator(mticker.FixedLocator(ticks))
    axis.set_major_formatter(mticker.FixedFormatter([f"{t:g}" for t in ticks]))
    axis.set_minor_locator(mticker.NullLocator())


def draw_regression_losses(data, axes):
    """Regression losses (``losses.regression_curves``): against the error, and fitting data with an outlier."""
    ax, ax2 = axes
    for i, (name, curve) in enumerate(data["curves"].items()):
        ax.plot(data["e"], curve, lw=2, color=COLORS[i], ls="--" if name.startswith("smooth") else "-", label=name)
    ax.set_ylim(0, 6)
    ax.set_xlabel("error  ŷ − y")
    ax.set_ylabel("loss")
    ax.legend(fontsize=8, loc="upper center")
    for i, (name, fit) in enumerate(data["fits"].items()):
        scaled = (fit - fit.min()) / (fit.max() - fit.min())
        ax2.plot(data["c"], scaled, lw=2, color=COLORS[i], label=f"{name}: best c = {data['best'][name]:.2f}")
        ax2.axvline(data["best"][name], color=COLORS[i], lw=1, ls=":")
    ax2.plot(data["data"], np.zeros_like(data["data"]), "k|", ms=14, mew=2, label="data (one outlier at 12)")
    ax2.set_xlabel("constant prediction c")
    ax2.set_ylabel("mean loss (rescaled to [0, 1])")
    ax2.set_ylim(-0.05, 1.45)
    ax2.legend(fontsize=7, loc="upper center", ncol=2)
    _lean(ax, ax2)
    return axes


def draw_ce_stability(data, ax):
    """Cross-entropy over the logit scale z three ways (``losses.ce_stability_view``), z marked."""
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
        ax.set_yscale("log")
        ax.set_ylim(0.5, 5000)
        _plain_log_ticks(ax.yaxis, [1, 10, 100, 1000])
    else:  # the true loss falls to 0
        ax.set_ylim(-0.05, 1.25)
    ax.set_xlabel("logit scale z   (logits = [z, 0, -z])")
    ax.set_ylabel("cross-entropy")
    ax.set_title(f"label = class of the {data['target']} logit, {data['dtype']}", fontsize=10)
    ax.legend(loc="center right", fontsize=8)
    _lean(ax)
    return ax


def draw_yogurt(data, axes):
    """Yogurt runs (``losses.yogurt_view``): the weight path on the loss contours, and w over epochs."""
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
    ax.set_title(f"COST = {data['cost']:g}, PROFIT = {data['profit']:g}", fontsize=10)
    ax.legend(loc="lower right", fontsize=7)
    epochs = np.arange(len(path)) * data["every"]
    for j, c in enumerate((COLORS[0], COLORS[1])):
        ax2.plot(epochs, path[:, j], lw=0.7, color=c, alpha=0.8, label=f"w{'₁₂'[j]}")
        ax2.axhline(opt[j], color=c, ls="--", lw=1.2)
    ax2.axhline(1, color="0.5", lw=0.8)
    ax2.set_xscale("symlog", linthresh=100)
    ax2.set_xlim(0, epochs[-1])
    _plain_log_ticks(ax2.xaxis, [0, 100, 1000, 10000])
    ax2.set_ylim(0.4, 1.8)
    ax2.set_xlabel("epoch (dashed: exact optimum)")
    ax2.legend(loc="upper left", fontsize=8)
    _lean(ax, ax2)
    return axes


def _box_patch(ax, xyxy, **kw):
    import matplotlib.patches as mpatches

    x1, y1, x2, y2 = (float(v) for v in xyxy)
    ax.add_patch(mpatches.Rectangle((x1, y1), x2 - x1, y2 - y1, **kw))


def draw_box_pair(data, axes):
    """Two boxes (``losses.box_view``): the canvas with C, ρ and c, and each loss over the offset."""
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
    ax.set_title("target (grey), prediction (blue), enclosing box C (dashed)", fontsize=9)
    for name, curve in data["curves"].items():
        ax2.plot(data["offsets"], curve, lw=1.8, color=_BOX_COLORS[name], ls="--" if name == "CIoU" else "-",
                 label=f"{name} loss")
        ax2.plot(data["dx"], data["loss"][name], "o", color=_BOX_COLORS[name])
    ax2.set_xlabel("horizontal offset dx of the prediction")
    ax2.set_ylim(-0.05, 2.05)
    ax2.legend(fontsize=8, loc="lower center", ncol=2)
    _lean(ax, ax2)
    return axes


def draw_box_cases(data, axes):
    """One regression case (``losses.box_case_view``): each loss's box at the chosen step."""
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
        ax.set_title(f"{name} loss: IoU = {data['iou'][name]:.2f}", fontsize=9)
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
    ax.legend(loc="upper center", fontsize=8)
    return ax


def draw_focal_toy(data, axes):
    """The imbalanced toy (``losses.focal_view``): boundaries of CE and focal models, and the loss by p_t."""
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
    ax.legend(fontsize=7, loc="upper left", markerscale=2)
    centres = (data["bins"][:-1] + data["bins"][1:]) / 2
    ax2.bar(centres - 0.022, data["hist_ce"], width=0.044, color="0.5", label="cross-entropy")
    ax2.bar(centres + 0.022, data["hist_fl"], width=0.044, color=COLORS[0],
            label=f"focal γ={data['gamma']:g}, α={data['alpha']:g}")
    ax2.set_xlabel("pₜ under the CE model")
    ax2.set_ylabel("share of the total loss")
    ax2.set_ylim(0, 1)
    ax2.legend(fontsize=8, loc="upper center")
    _lean(ax, ax2)
    return axes


# Every public drawing function, whichever chapter section defines it (sections only append).
__all__ = sorted({*__all__, *(n for n, v in list(globals().items())
                             if callable(v) and not n.startswith("_") and getattr(v, "__module__", None) == __name__)})
