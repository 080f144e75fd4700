"""What every figure shares: the course style, colours, steady axes, traced contours.

Every function draws on axes it is given (``draw(data, ax)`` style) so the same code
serves a static figure and a :class:`course_lib.widgets.LivePlot`. Labels are English and
the font is matplotlib's bundled DejaVu Sans: figures render on machines with no CJK font.

Each chapter's own drawings live in ``course_lib/figures/chNN_<topic>.py``.
"""

from __future__ import annotations

import functools
import hashlib

import matplotlib
import numpy as np

__all__ = ["apply_style", "COLORS", "new_figure", "log_axis", "labels", "curve_with_derivative", "loss_curves",
           "contour_with_paths", "contour_lines"]

#: One colour per series, stable across chapters (matplotlib's tab10).
COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
          "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]


def apply_style() -> None:
    """The course's plot defaults: readable sizes, a grid, no CJK font needed."""
    matplotlib.rcParams.update({
        "figure.figsize": (6.4, 3.6),
        "figure.dpi": 120,  # static figures a projector can show (LivePlot's live PNG has its own dpi)
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
    """A pyplot figure with the course's layout; returns ``(fig, axes)`` like ``plt.subplots``.

    The figure is a :class:`~course_lib.figures._figure.CourseFigure`: matplotlib's pixels, each axis's
    ticks computed once per layout state instead of up to a dozen times per draw.
    """
    import matplotlib.pyplot as plt

    from ._figure import CourseFigure

    kw.setdefault("FigureClass", CourseFigure)
    return plt.subplots(nrows, ncols, figsize=figsize, layout="constrained", **kw)


def log_axis(ax, which="y", *, lim=None, ticks=None, subs=(1.0,), numticks=8):
    """Make ``ax``'s x or y axis logarithmic with plain-text tick labels and no minor ticks.

    Mathtext labels (``$10^{-3}$``) and minor ticks dominate a redraw (the slider target is
    50 ms), so labels are plain: ``0.001``, ``1e-06``, ``1000`` (``f"{v:g}"``).

    Parameters
    ----------
    which : {"x", "y"}
    lim : (low, high), optional
        Axis limits (e.g. from :func:`_decades`, steady while a slider moves).
    ticks : list of values or dict value -> label, optional
        Fixed ticks; otherwise one per decade (``subs`` multiples of each power of ten).
    subs, numticks :
        Of ``matplotlib.ticker.LogLocator`` when ``ticks`` is not given.
    """
    from matplotlib.ticker import FixedFormatter, FixedLocator, FuncFormatter, LogLocator, NullLocator

    if which not in ("x", "y"):
        raise ValueError(f"which must be 'x' or 'y', got {which!r}")
    axis, set_scale, set_lim = ((ax.yaxis, ax.set_yscale, ax.set_ylim) if which == "y"
                                else (ax.xaxis, ax.set_xscale, ax.set_xlim))
    set_scale("log")
    if lim is not None:
        set_lim(*lim)
    if ticks is not None:
        values = list(ticks)
        labels = list(ticks.values()) if isinstance(ticks, dict) else [f"{t:g}" for t in values]
        axis.set_major_locator(FixedLocator(values))
        axis.set_major_formatter(FixedFormatter(labels))
    else:
        axis.set_major_locator(LogLocator(base=10, subs=subs, numticks=numticks))
        axis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:g}"))
    axis.set_minor_locator(NullLocator())
    return ax


def labels(ax, xlabel, ylabel, title, *, legend=True):
    """Name an axes: x and y labels, a 10 pt title (a panel of small multiples), a 9 pt legend."""
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title, fontsize=10)
    if legend:
        ax.legend(fontsize=9)
    return ax


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
