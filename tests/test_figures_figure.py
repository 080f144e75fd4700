"""CourseFigure: matplotlib's pixels with fewer tick computations and no dry draw; nothing stale between draws."""

import io

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from course_lib.figures import _axes as plots
from course_lib.figures import _figure
from course_lib.figures._figure import CourseFigure, tick_memo


def _png(fig, dpi=120, **kw) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, **kw)
    return buf.getvalue()


def _panels(fig_class, case):
    """A figure that exercises what moves ticks during a draw: layout, shared axes, log, offsets, twins."""
    fig, axes = plt.subplots(2, 3, figsize=(9, 5), layout="constrained", FigureClass=fig_class,
                             sharey="row" if case == "shared" else False)
    x = np.linspace(0.01, 10, 50)
    for i, ax in enumerate(axes.flat):
        ax.plot(x, (i + 1) * np.sin(x) + (1e6 if case == "offset" else 0), label=f"series {i}")
        ax.set_title(f"panel {i}: a title")
        ax.set_xlabel("x")
    if case == "log":
        plots.log_axis(axes[0, 0], "x")
        axes[1, 2].set_yscale("symlog")
    if case == "twin":
        axes[0, 1].twinx().plot(x, x ** 3, color="C3")
        axes[1, 0].set_aspect("equal")
    axes[0, 0].legend(loc="upper right")
    fig.suptitle(f"case {case}")
    fig.align_ylabels()
    return fig


@pytest.mark.parametrize("case", ["plain", "shared", "log", "offset", "twin"])
@pytest.mark.parametrize("dpi", [96, 120])
def test_same_pixels_as_a_matplotlib_figure(case, dpi):
    plots.apply_style()
    ours, theirs = _panels(CourseFigure, case), _panels(Figure, case)
    try:
        assert _png(ours, dpi) == _png(theirs, dpi)
        assert _png(ours, dpi, bbox_inches="tight") == _png(theirs, dpi, bbox_inches="tight")
    finally:
        plt.close(ours)
        plt.close(theirs)


def test_the_dry_run_before_saving_only_lays_out():
    """savefig with a layout engine draws every artist twice on a plain Figure, once on a CourseFigure."""
    plots.apply_style()
    drawn = {}
    for cls in (Figure, CourseFigure):
        fig, (ax, ax2) = plt.subplots(1, 2, layout="constrained", FigureClass=cls)
        (line,) = ax.plot([0, 1], [0, 1])
        real, drawn[cls] = line.draw, 0

        def counting(renderer, real=real, cls=cls):
            drawn[cls] += 1
            return real(renderer)
        line.draw = counting
        ax2.set_title("a title the layout makes room for")
        _png(fig)
        drawn[cls, "savefig"] = drawn[cls]
        positions = [a.get_position().bounds for a in (ax, ax2)]
        fig.draw_without_rendering()  # what LivePlot's layout calls: positions as matplotlib's
        np.testing.assert_allclose([a.get_position().bounds for a in (ax, ax2)], positions, rtol=1e-12)
        drawn[cls, "positions"] = positions
        plt.close(fig)
    assert drawn[Figure, "savefig"] == 2 and drawn[CourseFigure, "savefig"] == 1
    assert drawn[Figure] == 3 and drawn[CourseFigure] == 1  # draw_without_rendering: layout only
    assert drawn[Figure, "positions"] == drawn[CourseFigure, "positions"]
    assert not _figure._dry_run(object.__new__(type("Slotted", (), {"__slots__": ()})))


def test_each_axis_computes_its_ticks_once_per_layout_state():
    plots.apply_style()
    fig = _panels(CourseFigure, "shared")
    _png(fig)
    memos = [a._tick_memo for ax in fig.axes for a in (ax.xaxis, ax.yaxis)]
    # savefig draws twice: a dry draw that lays out (the axes at three positions: before, between and after
    # constrained layout's two passes), then the picture (a new scope: the last position once more)
    assert all(1 <= m.computed <= 4 for m in memos)
    asked = [0]
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            def counting(memoised=axis._update_ticks):
                asked[0] += 1
                return memoised()
            axis._update_ticks = counting
    before = sum(m.computed for m in memos)
    _png(fig)
    done = sum(m.computed for m in memos) - before
    assert asked[0] >= 3 * done  # matplotlib asks many times; the memo computes a few
    plt.close(fig)


def test_nothing_is_replayed_from_one_draw_into_the_next():
    """A change between two draws that leaves limits and position alone (a formatter) shows in the next draw."""
    plots.apply_style()
    fig, ax = plt.subplots(FigureClass=CourseFigure, layout="constrained")
    ax.plot([0, 1], [0, 1])
    fig.canvas.draw()
    assert ax.yaxis.get_ticklabels()[1].get_text() != "tick"
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: "tick"))
    fig.canvas.draw()
    assert {t.get_text() for t in ax.yaxis.get_ticklabels()} == {"tick"}
    # outside a draw an axis computes as matplotlib does
    ax.set_ylim(0, 100)
    assert ax.yaxis._update_ticks()[-1].get_loc() == pytest.approx(100)
    plt.close(fig)


def test_scopes_nest_and_start_empty():
    fig, ax = plt.subplots(FigureClass=CourseFigure)
    ax.plot([0, 1], [0, 1])
    renderer = fig.canvas.get_renderer()
    with tick_memo(fig):
        memo = ax.xaxis._tick_memo
        first = ax.xaxis._update_ticks()
        with tick_memo(fig):  # a draw inside a render: the same scope
            assert ax.xaxis._update_ticks() is first
            ax.xaxis.get_tightbbox(renderer)
        assert memo.active and ax.xaxis._update_ticks() is first
        ax.set_xlim(0, 5)  # new limits: computed again
        assert ax.xaxis._update_ticks() is not first
    assert not memo.active and memo.ticks is None and memo.renderer is None
    plt.close(fig)


def test_an_axis_without_the_private_methods_draws_plainly(monkeypatch):
    fig, ax = plt.subplots(FigureClass=CourseFigure)
    ax.plot([0, 1], [0, 1])
    monkeypatch.setattr(ax.xaxis, "_get_ticklabel_bboxes", None)  # as if a matplotlib release renamed it
    assert _figure.memo_ticks(fig) == [ax.yaxis._tick_memo]  # the x axis gets none
    assert not hasattr(ax.xaxis, "_tick_memo")
    monkeypatch.undo()
    assert _png(fig)[:4] == b"\x89PNG"
    plt.close(fig)


def test_new_figure_makes_course_figures():
    fig, _ = plots.new_figure(1, 2)
    assert isinstance(fig, CourseFigure)
    assert repr(fig) == repr(Figure(figsize=fig.get_size_inches(), dpi=fig.dpi)).replace("0 Axes", "2 Axes")
    plt.close(fig)
