"""Kernel-side check of every live figure in a notebook, run by the browser test after Run All.

For each LivePlot and each control: move to several values and check that
* the figure changes and nothing raises,
* the fast redraw path (artists removed, ticks kept) gives the same pixels as a full
  ``Axes.clear()`` redraw at the same values,
* returning to the default value gives back the figure it started from,
* every text stays inside the canvas (no clipped title, label or legend) and is at least 9 pt
  (a projector), at the default values and after every move.

``PROBE`` is Python source executed in the notebook's own kernel (the objects live there); it prints
``PROBE`` followed by a JSON report ``{"plots", "moves", "problems"}``. ``tests/test_browser.py`` runs it
in the kernel JupyterLab started for the chapter, so no notebook is executed twice for it.
"""

import json

PROBE = r'''
import gc, json
import numpy as np
import ipywidgets as W
from course_lib.widgets import LivePlot

def _values(ctl, n=4):
    if isinstance(ctl, (W.SelectionSlider, W.Dropdown, W.ToggleButtons, W.RadioButtons)):
        opts = [o[1] if isinstance(o, tuple) else o for o in ctl.options]
        return [o for o in opts if o != ctl.value][:n]
    if isinstance(ctl, W.Checkbox):
        return [not ctl.value]
    if isinstance(ctl, W.FloatLogSlider):
        return [v for v in ctl.base ** np.linspace(ctl.min, ctl.max, n) if not np.isclose(v, ctl.value)]
    if isinstance(ctl, W.IntSlider):
        return [int(v) for v in np.unique(np.linspace(ctl.min, ctl.max, n).round()) if v != ctl.value]
    return [float(v) for v in np.linspace(ctl.min, ctl.max, n) if not np.isclose(v, ctl.value)]

from matplotlib.text import Text

def _text_problems(w, where):
    fig, renderer = w.fig, w._canvas.get_renderer()
    W_, H_ = fig.canvas.get_width_height()
    out = []
    boxes = [(f"axes {i} ({ax.get_title()!r})", ax.get_tightbbox(renderer)) for i, ax in enumerate(fig.axes)
             if ax.get_visible()]
    boxes += [(repr(t.get_text()), t.get_window_extent(renderer)) for t in fig.texts if t.get_visible() and t.get_text()]
    for what, bb in boxes:
        if bb.x0 < -1 or bb.y0 < -1 or bb.x1 > W_ + 1 or bb.y1 > H_ + 1:
            out.append(f"{where}: {what} drawn beyond the canvas {W_}x{H_}: {tuple(round(v) for v in bb.extents)}")
    small = sorted({(t.get_text(), t.get_fontsize()) for t in fig.findobj(Text)
                    if t.get_visible() and t.get_text().strip() and t.get_fontsize() < 9 - 1e-9})
    if small:
        out.append(f"{where}: text under 9 pt: {small[:4]}")
    return out

_report = {"plots": 0, "moves": 0, "problems": []}
for _k, _w in enumerate(sorted((o for o in gc.get_objects() if isinstance(o, LivePlot)), key=lambda o: o.model_id)):
    _report["plots"] += 1
    _w.refresh()
    _report["problems"] += _text_problems(_w, f"plot {_k} at its defaults")
    _start, _relayouts = _w.image.value, _w.relayouts
    # A linked control (a preset) sets others too; back at its default, every control is put back where it was
    # (in JupyterLab a slider may hold its front end's rounding of the default, not the preset's exact value).
    _initial = {_n: _c.value for _n, _c in _w.controls.items()}
    for _name, _ctl in _w.controls.items():
        _default = _ctl.value
        for _v in _values(_ctl):
            _ctl.value = _v
            _report["moves"] += 1
            _report["problems"] += _text_problems(_w, f"plot {_k} {_name}={_v!r}")
            _fast = _w.image.value
            _w.fast_reset = False
            _w.refresh()
            _w.fast_reset = True
            if _fast != _w.image.value:
                _report["problems"].append(f"plot {_k} {_name}={_v!r}: fast redraw differs from a full redraw")
        _ctl.value = _default
        if _name in _w.links:
            _w.set(**_initial)
        _w.refresh()
        if _w.relayouts != _relayouts:  # a move grew a text beyond the frozen layout: the figure was laid out again
            _start, _relayouts = _w.image.value, _w.relayouts
        elif _w.image.value != _start:
            _report["problems"].append(f"plot {_k} {_name}: back at {_default!r} the figure differs from the start")
print("PROBE" + json.dumps(_report))
'''



def problems(stdout: str, *, expect_plots: bool) -> list[str]:
    """The problems in a probe's output (a missing report is one)."""
    if "PROBE" not in stdout:
        return [f"the probe printed no report: {stdout[-2000:]!r}"]
    report = json.loads(stdout.split("PROBE", 1)[1])
    found = list(report["problems"])
    if expect_plots and not (report["plots"] >= 1 and report["moves"] >= report["plots"]):
        found.append(f"the notebook builds LivePlots but the probe found {report}")
    return found
