"""Sliders bound to a compute function and a draw function.

Every interactive figure in the course is split in two pure pieces:

* ``compute(**params) -> data`` – the numbers (cache it when it is expensive),
* ``draw(data, axes)`` – the picture, drawn on axes that already exist.

:class:`LivePlot` only wires them: a slider move calls ``compute`` then ``draw`` on the
same figure and swaps the PNG of an ``ipywidgets.Image``. Using an Image widget rather
than an ``Output`` widget means a move sends one comm message and no display message,
so notebook tests see nothing but the cell's own output.

A redraw costs mostly the axes, ticks and labels (text). :meth:`LivePlot._render` draws
them as a background layer, keeps it, and on later moves that leave the axes unchanged
draws only the data, titles and legends over the kept pixels; a draw function helps by
keeping its limits steady (fixed or rounded) as the slider moves.

The displayed cell output also carries a static PNG of the figure at the default
values, so a reader without a kernel (an exported HTML, a code-hosting site, a
JupyterLab without the widget extension) still sees the plot.
"""

from __future__ import annotations

import base64
import collections
import io
import struct
import time
import warnings
import zlib
from collections.abc import Callable, Mapping

import ipywidgets as W
import matplotlib
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from .figures._figure import CourseFigure, tick_memo

__all__ = ["LivePlot", "slider", "int_slider", "log_slider", "choice_slider", "dropdown", "checkbox", "figure_png"]


def figure_png(fig: Figure, dpi: float | None = None) -> bytes:
    """Render a matplotlib figure to PNG bytes."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, pil_kwargs={"compress_level": 1})  # speed over bytes
    return buf.getvalue()


_LAYOUT = W.Layout(width="420px")
_STYLE = {"description_width": "130px"}


def slider(value, min, max, step, description, readout_format=".3g", continuous_update=True):
    """A float slider with the course's layout (the readout box can be typed into)."""
    return W.FloatSlider(value=value, min=min, max=max, step=step, description=description,
                         readout_format=readout_format, continuous_update=continuous_update,
                         layout=_LAYOUT, style=_STYLE)


def int_slider(value, min, max, description, step=1, continuous_update=True):
    """An integer slider with the course's layout."""
    return W.IntSlider(value=value, min=min, max=max, step=step, description=description,
                       continuous_update=continuous_update, layout=_LAYOUT, style=_STYLE)


def log_slider(value, min, max, description, base=10, step=0.1, readout_format=".3g"):
    """A slider over ``base**min .. base**max`` (learning rates, regularisation strengths)."""
    return W.FloatLogSlider(value=value, min=min, max=max, base=base, step=step,
                            description=description, readout_format=readout_format,
                            layout=_LAYOUT, style=_STYLE)


def choice_slider(options, value, description):
    """A slider over a fixed list of values (e.g. the learning rates a run was precomputed for)."""
    return W.SelectionSlider(options=list(options), value=value, description=description,
                             layout=_LAYOUT, style=_STYLE)


def dropdown(options, value, description):
    """A drop-down list with the course's layout."""
    return W.Dropdown(options=options, value=value, description=description,
                      layout=_LAYOUT, style=_STYLE)


def checkbox(value, description):
    """A check box with the course's layout."""
    return W.Checkbox(value=value, description=description, style=_STYLE, indent=False)


class LivePlot(W.VBox):
    """Controls, a figure and an optional text line, redrawn on every change.

    Parameters
    ----------
    compute : callable
        ``compute(**params) -> data``; ``params`` are the controls' current values,
        keyed as in ``controls``. Must not touch matplotlib.
    draw : callable
        ``draw(data, axes)``; ``axes`` is a single Axes when the figure has one,
        otherwise the array of Axes. Axes are cleared before each call.
    controls : mapping of str to ipywidget
        The widgets whose ``value`` feeds ``compute``.
    nrows, ncols, figsize :
        The figure's grid and size in inches.
    caption : callable, optional
        ``caption(data) -> str`` shown under the figure (numbers to read).
    dpi : float
        Resolution of the PNG a move sends to the browser (96: a CSS pixel per dot, text at its point
        size). The first picture is drawn once at :data:`STATIC_DPI` and shown at that same CSS size:
        it is also the static copy saved in the notebook (projectors, exported pages).
    links : mapping of str to callable, optional
        ``{control: fn}``: when ``control`` changes, ``fn(new_value)`` returns a dict of other
        controls' new values (e.g. a preset per test function); they are applied together
        and the figure is redrawn once.
    fast_reset : bool
        Between moves, remove only what ``draw`` added instead of ``Axes.clear()``, which
        rebuilds every tick (a third of a redraw). Tests check that a figure redrawn this
        way is pixel-identical to a freshly drawn one; turn it off for a ``draw`` that
        changes axes state this reset does not undo (twin axes, insets). Off, every move
        also redraws the background (see :meth:`_render`) instead of reusing a kept one.

    Attributes
    ----------
    fig : matplotlib.figure.Figure
        The one figure every redraw reuses.
    last_data : object
        What ``compute`` returned for the current values.
    backgrounds_reused : int
        How many redraws restored a kept background instead of drawing it.
    relayouts : int
        How many times a move drew something beyond the frozen layout, which was then laid out again.
    """

    def __init__(self, compute: Callable, draw: Callable, controls: Mapping[str, W.ValueWidget], *,
                 nrows: int = 1, ncols: int = 1, figsize=(6.4, 3.6), caption: Callable | None = None,
                 dpi: float = 96, fast_reset: bool = True, links: Mapping[str, Callable] | None = None,
                 **subplot_kw):
        if not callable(compute) or not callable(draw):
            raise TypeError("compute and draw must be callables")
        if not isinstance(controls, Mapping) or not controls:
            raise ValueError("controls must be a non-empty mapping of name -> widget")
        self.compute, self.draw, self.controls = compute, draw, dict(controls)
        self.caption_fn, self.dpi = caption, dpi
        self.fast_reset = fast_reset
        self.links = dict(links or {})
        unknown = set(self.links) - set(controls)
        if unknown:
            raise ValueError(f"links must name controls, got unknown {sorted(unknown)}")
        # A bare Figure (not pyplot) so the inline backend never shows it by itself.
        self.fig = CourseFigure(figsize=figsize, dpi=dpi, layout="constrained")
        self._canvas = FigureCanvasAgg(self.fig)
        self._backgrounds = collections.OrderedDict()  # background key -> pixels (a few, most recent last)
        self.backgrounds_reused = 0
        axes = self.fig.subplots(nrows, ncols, squeeze=False, subplot_kw=subplot_kw or None)
        self.axes = axes[0, 0] if nrows * ncols == 1 else axes.ravel()
        self.fig._n_axes0 = nrows * ncols  # a draw that adds axes (twins, insets) disables the fast reset
        # Natural size (never stretched to the output's width, which blurs it and, in a
        # slide, pushes the sliders off screen), shrinking on narrow screens.
        # The CSS width is the live PNG's own: the first picture (drawn at STATIC_DPI, see refresh) shows at
        # the size every move will have.
        self.image = W.Image(format="png", layout=W.Layout(align_self="flex-start", max_width="100%",
                                                            width=f"{round(figsize[0] * dpi)}px", height="auto"))
        self.text = W.HTML()
        self.last_data = None
        self.last_redraw_s = None
        for w in self.controls.values():
            w.observe(self._on_change, names="value")
        box = W.VBox(list(self.controls.values()))
        super().__init__([box, self.image, self.text])
        self._fast = _private_api_ok()  # else every move is a plain full redraw
        self._laid_out = False
        self.relayouts = 0
        self._static_png = None  # the first picture, at STATIC_DPI: also the copy the saved notebook holds
        self.refresh()

    # -- the update path (a slider move ends here) ---------------------------------
    def params(self) -> dict:
        """The controls' current values, keyed as ``compute`` expects."""
        return {k: w.value for k, w in self.controls.items()}

    def refresh(self) -> None:
        """Recompute and redraw for the current control values."""
        t0 = time.perf_counter()
        data = self.compute(**self.params())
        self.last_data = data
        axes = [self.axes] if not hasattr(self.axes, "__len__") else list(self.axes)
        reused = self.last_redraw_s is not None and self.fast_reset and self._fast
        for ax in axes:
            if not reused or not _reset_axes(ax):
                reused = False
                ax.clear()
        self.draw(data, self.axes)
        if self.last_redraw_s is None:
            # The first picture is drawn once, at STATIC_DPI, laid out by matplotlib as a saved figure is: it is
            # the live image until the first move and the static copy the notebook saves. The live resolution's
            # frozen layout waits for that first move (Run All never pays for it).
            self._static_png = figure_png(self.fig, STATIC_DPI)
            self.image.value = self._static_png
        else:
            self._static_png = None
            self.image.value = self._render(axes, reuse_background=reused)
        if self.caption_fn is not None:
            self.text.value = f"<pre style='margin:0'>{self.caption_fn(data)}</pre>"
        self.last_redraw_s = time.perf_counter() - t0

    def set(self, **values) -> None:
        """Set several controls at once, redrawing once (used by tests and benchmarks)."""
        unknown = set(values) - set(self.controls)
        if unknown:
            raise ValueError(f"unknown control(s) {sorted(unknown)}; expected some of {sorted(self.controls)}")
        with self.hold_trait_notifications():
            for w in self.controls.values():
                w.unobserve(self._on_change, names="value")
            try:
                for k, v in values.items():
                    self.controls[k].value = v
            finally:
                for w in self.controls.values():
                    w.observe(self._on_change, names="value")
        self.refresh()

    def _on_change(self, change) -> None:
        name = next((k for k, w in self.controls.items() if w is change.owner), None)
        if name in self.links:
            self.set(**{name: change.new, **self.links[name](change.new)})  # one redraw for the whole preset
        else:
            self.refresh()

    def _render(self, axes, reuse_background: bool) -> bytes:
        """The figure as PNG bytes, drawn in two layers.

        The background (axes, ticks, tick labels, grid, axis labels: most of matplotlib's
        time, mostly text) is drawn with the data artists hidden and kept; the data
        artists, titles and legends are then drawn on top. When a move leaves everything
        the background shows unchanged (same limits, ticks, labels: :func:`_background_key`),
        the kept background is restored instead of redrawn. Every picture, first or not,
        is composed the same way, so a reused background gives the same pixels as a
        fresh one (tests check it for every slider of every solution).
        """
        canvas = self._canvas
        if not self._laid_out:
            self._lay_out()
        if not self._fast:
            with tick_memo(self.fig):  # the draw's ticks serve the overflow check
                canvas.draw()
                overflow = self.relayouts < _MAX_RELAYOUTS and _overflows(self.fig, canvas.get_renderer())
            if overflow:
                self.relayouts += 1
                self._lay_out()  # computes the layout only: draw the picture again on it
                canvas.draw()
            return _rgba_png(canvas)
        try:
            return self._render_layers(axes, reuse_background)
        except (AttributeError, TypeError) as exc:  # a private matplotlib detail changed: draw it plainly
            self._fast = False
            warnings.warn(f"LivePlot: fast redraw unavailable with matplotlib {matplotlib.__version__} ({exc}); "
                          "drawing every move in full", RuntimeWarning, stacklevel=2)
            for ax in axes:
                ax.clear()
            self.draw(self.last_data, self.axes)
            canvas.draw()
            return _rgba_png(canvas)

    def _lay_out(self) -> None:
        """Lay the figure out with every artist visible (titles and legends take room), then freeze the
        layout: constrained layout costs more than the drawing itself, so moves reuse it."""
        self.fig.set_layout_engine("constrained")
        self.fig.draw_without_rendering()  # the layout, without rasterising a picture nobody sees
        self.fig.set_layout_engine(None)
        if self.fig.get_layout_engine() is not None:  # savefig would lay out again on every move
            self.fig.set_layout_engine("none")
        self._backgrounds.clear()  # drawn for the old positions
        self._laid_out = True

    def _render_layers(self, axes, reuse_background: bool) -> bytes:
        # Within one render nothing moves the ticks: each axis computes them (and its tick-label boxes) once,
        # and the background key, the draw, the title placement and the overflow check share them.
        with tick_memo(self.fig):
            png = self._compose(axes, reuse_background)
        if png is None:  # drew beyond the canvas: lay out again
            self.relayouts += 1
            self._lay_out()
            return self._render_layers(axes, reuse_background=False)
        return png

    def _compose(self, axes, reuse_background: bool) -> bytes | None:
        """Background (kept or drawn) + foreground, as PNG; None when a fresh one overflows the canvas."""
        canvas = self._canvas
        layers = [(ax, _foreground(ax)) for ax in axes]
        key = _background_key(self.fig, axes) if reuse_background and len(self.fig.axes) == len(axes) else None
        fresh = not (key is not None and key in self._backgrounds)
        if not fresh:
            self._backgrounds.move_to_end(key)
            canvas.restore_region(self._backgrounds[key])
            self.backgrounds_reused += 1  # (computing the key placed the axes boxes for this background)
        else:
            hidden = [a for _, arts in layers for a in arts if a.get_visible()]
            for a in hidden:
                a.set_visible(False)
            try:
                canvas.draw()
            finally:
                for a in hidden:
                    a.set_visible(True)
            if key is not None:  # a few are kept: flipping a dropdown back and forth finds its background again
                self._backgrounds[key] = canvas.copy_from_bbox(self.fig.bbox)
                w, h = canvas.get_width_height()
                while len(self._backgrounds) > max(1, _BACKGROUND_BYTES // (4 * w * h)):
                    self._backgrounds.popitem(last=False)
        renderer = canvas.get_renderer()
        for ax, arts in layers:
            _place_titles(ax, renderer)
            for a in arts:
                a.draw(renderer)
        # A move that drew new ticks or labels wider than the frozen layout allows (a longer tick label, a
        # second title line) would be cut at the edge: lay out again, once per such growth.
        if fresh and self.relayouts < _MAX_RELAYOUTS and _overflows(self.fig, renderer):
            return None
        return _rgba_png(canvas)

    # -- what the saved notebook holds ----------------------------------------------
    def _repr_mimebundle_(self, **kwargs):
        parent = getattr(super(), "_repr_mimebundle_", None)  # ipywidgets 7 (Colab) has none: picture only
        bundle = (parent(**kwargs) if parent is not None else None) or {}
        # A deterministic text form (nbval compares text/plain) and a static picture.
        text = ", ".join(f"{k}={_fmt(v)}" for k, v in self.params().items())
        bundle["text/plain"] = f"LivePlot({text})"
        png = self._static_png
        if png is None:  # moved since: draw the current picture at STATIC_DPI
            png = figure_png(self.fig, STATIC_DPI)
            self._backgrounds.clear()  # savefig drew at another resolution: draw the backgrounds afresh
        bundle["image/png"] = base64.b64encode(png).decode("ascii")
        if self.caption_fn is not None:
            bundle["text/plain"] += "\n" + self.caption_fn(self.last_data)
        return bundle


#: Resolution of the static figure a saved notebook holds (projectors, exported pages).
STATIC_DPI = 120

_BACKGROUND_BYTES = 8 * 2**20  # kept per LivePlot: 6 backgrounds of the widest figure, 9 of a typical one


def _rgba_png(canvas) -> bytes:
    """The canvas as PNG: 8-bit RGB (RGBA if the figure is see-through), no row filter, zlib level 1.

    Twice as fast as Pillow's encoder, which tries a filter per row: a slider move pays it.
    """
    rgba = np.asarray(canvas.buffer_rgba())
    h, w, _ = rgba.shape
    patch = canvas.figure.patch  # an opaque figure background makes every pixel opaque
    opaque = patch.get_visible() and patch.get_alpha() in (None, 1) and patch.get_facecolor()[3] == 1
    channels = 3 if opaque else 4
    raw = np.empty((h, 1 + channels * w), np.uint8)
    raw[:, 0] = 0  # filter type "none" for every row
    raw[:, 1:] = rgba[:, :, :channels].reshape(h, -1)

    def chunk(tag, data):
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))

    header = struct.pack(">IIBBBBB", w, h, 8, 2 if opaque else 6, 0, 0, 0)  # colour type 2 = RGB, 6 = RGBA
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw.tobytes(), 1))
            + chunk(b"IEND", b""))


#: Lay-outs after the first one, at most (each follows a move whose texts grew beyond the canvas).
_MAX_RELAYOUTS = 4


def _overflows(fig, renderer) -> bool:
    """True when an axes' ticks, labels, title or legend, or a figure text, reach beyond the canvas.

    Call it inside the :func:`~course_lib.figures._figure.tick_memo` scope of the draw it checks: each axis
    then hands out the ticks and tick-label boxes that draw computed, which were most of the check's cost.
    """
    w, h = fig.canvas.get_width_height()
    with tick_memo(fig):
        boxes = [ax.get_tightbbox(renderer) for ax in fig.axes if ax.get_visible()]
    boxes += [t.get_window_extent(renderer) for t in fig.texts if t.get_visible() and t.get_text()]
    return any(b is not None and (b.x0 < -0.5 or b.y0 < -0.5 or b.x1 > w + 0.5 or b.y1 > h + 0.5) for b in boxes)


#: What the fast path reads from matplotlib beyond its public API (checked once per process).
_PRIVATE = {"Axes": ("_autotitlepos", "_left_title", "_right_title", "_twinned_axes", "_update_title_position"),
            "Figure": ("_align_label_groups",),
            "Axis": ("_update_ticks", "_get_ticklabel_bboxes", "_major_tick_kw", "_minor_tick_kw"),
            "Spine": ("_bounds",)}


def _private_api_ok() -> bool:
    """True when this matplotlib has every private attribute the two-layer redraw relies on (asked once)."""
    key = repr(sorted(_PRIVATE.items()))
    if key not in _PRIVATE_OK:
        _PRIVATE_OK[key] = _probe_private_api()
    return _PRIVATE_OK[key]


_PRIVATE_OK: dict = {}  # repr(_PRIVATE) -> answer: one throw-away figure per process, not one per LivePlot


def _probe_private_api() -> bool:
    fig = Figure()
    ax = fig.subplots()
    objects = {"Axes": ax, "Figure": fig, "Axis": ax.xaxis, "Spine": ax.spines["left"]}
    try:
        ax.get_figure(root=False)
    except TypeError:  # matplotlib < 3.10
        return False
    return all(hasattr(objects[k], a) for k, attrs in _PRIVATE.items() for a in attrs)


def _place_titles(ax, renderer) -> None:
    """What ``Axes.draw`` does to the titles before drawing them, with a shortcut.

    matplotlib lifts a title above anything at the top of the axes (top ticks or labels,
    an offset text such as "1e-3" on the y axis). When there is none, the title simply
    sits at y = 1 (plus its pad); that case skips the tight-bbox computation of the y axis,
    which costs more than drawing the title.
    """
    titles = (ax.title, ax._left_title, ax._right_title)
    simple = (ax._autotitlepos is None or ax._autotitlepos) and not ax.child_axes
    simple = simple and ax.xaxis.get_ticks_position() == "bottom" and ax.xaxis.get_label_position() == "bottom"
    simple = simple and not (ax.yaxis.offsetText.get_visible() and ax.yaxis.offsetText.get_text())
    simple = simple and len(ax._twinned_axes.get_siblings(ax)) == 1
    simple = simple and len(ax.get_figure(root=False)._align_label_groups["title"].get_siblings(ax)) == 1
    if simple:
        top = ax.bbox.ymax
        for t in titles:
            t.set_position((t.get_position()[0], 1.0))
        if all(not t.get_text() or t.get_window_extent(renderer).ymin >= top for t in titles):
            return
    ax._update_title_position(renderer)


def _foreground(ax) -> list:
    """What a ``draw`` call adds to ``ax`` (data artists, titles, legend), in Axes.draw's order."""
    background = {*ax.spines.values(), ax.xaxis, ax.yaxis, ax.patch, *ax.child_axes}
    return sorted((a for a in ax.get_children() if a not in background), key=lambda a: a.get_zorder())


def _background_key(fig, axes) -> str | None:
    """Everything the background layer of ``axes`` shows, as one comparable string.

    Limits, scales, aspect and position; per axis its label, offset text, tick parameters
    and every drawn tick (location, label text, size, rotation, colour); spines; the
    figure's size, resolution and colour, and its own texts (a ``suptitle``). Two equal keys
    mean pixel-identical backgrounds. ``None`` (never reuse) for a figure holding artists of
    its own other than texts (a figure legend, sub-figures).
    """
    if fig.legends or fig.lines or fig.patches or fig.images or fig.artists or fig.subfigs:
        return None
    parts = [tuple(fig.get_size_inches()), fig.dpi, fig.patch.get_facecolor()]
    parts.extend((t.get_visible(), t.get_text(), t.get_position(), hash(t.get_fontproperties()), t.get_color(),
                  t.get_rotation(), t.get_horizontalalignment(), t.get_verticalalignment()) for t in fig.texts)
    for ax in axes:
        ax.apply_aspect()  # as Axes.draw does first: the ticks depend on the final size of the box
        parts.append((ax.get_position(original=True).bounds, ax.axison, ax.get_frame_on(), ax.get_xlim(),
                      ax.get_ylim(), ax.get_xscale(), ax.get_yscale(), ax.get_aspect(), ax.get_adjustable(),
                      ax.get_anchor(), ax.patch.get_facecolor(), ax.patch.get_visible(), ax.get_axisbelow()))
        for axis in (ax.xaxis, ax.yaxis):
            ticks = axis._update_ticks()  # what Axis.draw will draw
            axis.offsetText.set_text(axis.major.formatter.get_offset())  # as Axis.draw does next
            label = axis.label
            parts.append((axis.get_visible(), label.get_text(), hash(label.get_fontproperties()), label.get_color(),
                          label.get_visible(), axis.get_label_position(), axis.offsetText.get_text(),
                          sorted(axis._major_tick_kw.items()), sorted(axis._minor_tick_kw.items())))
            parts.extend((t.get_loc(), t.label1.get_text(), t.label2.get_text(), hash(t.label1.get_fontproperties()),
                          t.label1.get_rotation(), t.label1.get_color(), t.label1.get_visible(),
                          t.label2.get_visible(), t.gridline.get_visible(), t.tick1line.get_visible(),
                          t.tick2line.get_visible()) for t in ticks)
        parts.extend((name, sp.get_visible(), sp.get_position(), sp._bounds, sp.get_edgecolor(), sp.get_linewidth())
                     for name, sp in ax.spines.items())
    return repr(parts)


def _reset_axes(ax) -> bool:
    """Undo what a ``draw(data, ax)`` call did to ``ax``, keeping the axis machinery.

    Removes the artists, legend, titles and labels; restores linear scales, default
    tick locators/formatters, autoscaling, the colour cycle, 'auto' aspect and the axis
    frame when a draw changed them. Anything else a draw sets, it sets again every time.
    Returns False (and changes nothing) for axes it cannot restore this way: axes with
    units (categorical or date data) or with twins; the caller clears those.
    """
    from matplotlib.ticker import AutoLocator, NullLocator, ScalarFormatter

    if ax.xaxis.units is not None or ax.yaxis.units is not None or len(ax.figure.axes) != ax.figure._n_axes0:
        return False
    for artist in (*ax.lines, *ax.patches, *ax.collections, *ax.texts, *ax.images, *ax.tables, *ax.artists):
        artist.remove()
    ax.containers.clear()  # bar/errorbar/stem containers: the legend would still list them
    if ax.legend_ is not None:
        ax.legend_.remove()
    for loc in ("center", "left", "right"):
        ax.set_title("", loc=loc)
    ax.set_xlabel("")
    ax.set_ylabel("")
    for axis, set_scale in ((ax.xaxis, ax.set_xscale), (ax.yaxis, ax.set_yscale)):
        if (axis.get_scale() != "linear" or type(axis.get_major_locator()) is not AutoLocator
                or type(axis.get_major_formatter()) is not ScalarFormatter
                or type(axis.get_minor_locator()) is not NullLocator):
            set_scale("linear")  # also restores the scale's default locators and formatters
    if ax.get_aspect() != "auto":
        ax.set_aspect("auto")
    if not ax.axison:
        ax.set_axis_on()
    ax.set_prop_cycle(None)
    ax.set_autoscale_on(True)
    ax.relim()
    return True


def _fmt(v) -> str:
    return f"{v:.6g}" if isinstance(v, float) else repr(v)
