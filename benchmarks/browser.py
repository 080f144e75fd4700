"""Slider latency as the student sees it: JupyterLab in Chromium, input event -> new picture painted.

For every chapter notebook with live figures: open it in JupyterLab (the server and page helpers of
``tests/test_browser.py``), Run All, then for one slider of every live figure press → (or ←) ``MOVES``
times. Each move is timed inside the page: the clock starts in a capturing ``keydown`` listener (the
input event) and stops in the first ``requestAnimationFrame`` after the figure's ``<img>`` has loaded
*and decoded* its new PNG, i.e. the next frame that can show it. The test process only waits for the
page's own record, so polling never adds to the time.

The in-kernel time of the same kind of move (value change -> PNG ready) is in ``run.py``'s slider
section. Each move is also split into phases (``PHASES``), timed from the kernel connection's own
message signal: where the time between the key and the picture goes.

Used by ``make bench`` (``run.py --only browser``); needs Chromium and playwright like ``make browser``.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
from pathlib import Path

import nbformat

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

MOVES = 10           # moves per control (one slider per live figure)
TARGET_P95_MS = 100  # issue 23

# Armed before each move: resolves with the milliseconds from the keydown to the frame after the new
# image decoded, split into phases (when each was seen), or null when no new image arrives within ``ms``.
# Phases: the page sends the change (comm message out), the kernel's update with the PNG arrives (comm
# message in, with a binary buffer: the kernel's redraw and both transports), the <img> gets its new
# blob URL (the widget manager), the image is decoded, the next frame.
PHASES = ("input to message sent", "kernel round trip", "message to img src", "decode", "to next frame")
ARM = """([img, ms]) => {
  const k = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
  window.__nnLatency = new Promise(resolve => {
    let t0 = null, tSent = null, tRecv = null;
    const start = () => { if (t0 === null) t0 = performance.now(); };
    const onMsg = (_, a) => {
      if (a.msg.header.msg_type !== 'comm_msg' || t0 === null) return;
      if (a.direction === 'send' && tSent === null) tSent = performance.now();
      if (a.direction === 'recv' && tRecv === null && a.msg.buffers && a.msg.buffers.length) tRecv = performance.now();
    };
    k.anyMessage.connect(onMsg);
    document.addEventListener('keydown', start, {capture: true, once: true});
    const seen = img.src;
    const finish = (v) => { k.anyMessage.disconnect(onMsg); resolve(v); };
    const timer = setTimeout(() => { obs.disconnect(); finish(null); }, ms);
    const obs = new MutationObserver(async () => {
      if (img.src === seen) return;
      obs.disconnect();
      const tSrc = performance.now();
      try { await img.decode(); } catch (e) { /* a broken image still ends the move */ }
      const tDec = performance.now();
      requestAnimationFrame(() => { clearTimeout(timer);
        const t = performance.now();
        if (t0 === null) { finish(null); return; }
        const phases = (tSent === null || tRecv === null) ? null
          : [tSent - t0, tRecv - tSent, tSrc - tRecv, tDec - tSrc, t - tDec];
        finish({total: t - t0, phases}); });
    });
    obs.observe(img, {attributes: true, attributeFilter: ['src']});
  });
}"""


def _percentile(values, q):
    values = sorted(values)
    k = (len(values) - 1) * q / 100
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def _time_slider(page, plot, moves):
    """``{total, phases}`` of ``moves`` one-step moves of the plot's first slider, bouncing off its ends."""
    plot.scroll_into_view_if_needed()
    img = plot.locator(":scope > img.widget-image").element_handle()
    handle = plot.locator(".noUi-handle").first
    times = []
    key = "ArrowRight"
    for _ in range(moves):
        now, top = float(handle.get_attribute("aria-valuenow")), float(handle.get_attribute("aria-valuemax"))
        low = float(handle.get_attribute("aria-valuemin"))
        key = "ArrowLeft" if now >= top else "ArrowRight" if now <= low else key
        page.evaluate(ARM, [img, 10_000])
        handle.press(key)
        got = page.evaluate("() => window.__nnLatency")
        if got is not None:
            times.append(got)
        page.wait_for_timeout(150)  # let the kernel go idle: moves are a student's, not a burst
    return times


def bench_browser(notebooks, moves=MOVES):
    """Rows ``{notebook, plot, label, moves, median_ms, p95_ms, max_ms}`` for one slider of every live figure."""
    import test_browser as tb

    if tb._missing_browser():
        raise RuntimeError(f"browser benchmark needs {tb._missing_browser()}")
    from playwright.sync_api import sync_playwright

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        lab = tb.Lab(Path(tmp))
        pw = sync_playwright().start()
        browser = pw.chromium.launch(executable_path=str(tb.CHROMIUM), args=tb.CHROMIUM_ARGS, headless=True)
        try:
            for path in notebooks:
                if not tb._has_live_plot(path):
                    continue
                nb = nbformat.read(path, as_version=4)
                p = tb.Page(browser, f"bench-{path.stem}", lab)
                try:
                    tb.open_notebook(p, lab, path.name, len(nb.cells))
                    tb.run_all(p)
                    plots = p.page.locator(tb.LIVE_PLOTS)
                    for k in range(plots.count()):
                        plot = plots.nth(k)
                        if not plot.locator(".noUi-handle").count():
                            continue
                        times = _time_slider(p.page, plot, moves)
                        label = plot.locator(".widget-label").first.inner_text().strip()
                        row = {"notebook": path.stem, "plot": k, "label": label, "moves": len(times)}
                        totals = [t["total"] for t in times]
                        if totals:
                            row.update(median_ms=statistics.median(totals), p95_ms=_percentile(totals, 95),
                                       max_ms=max(totals))
                        split = [t["phases"] for t in times if t["phases"]]
                        if split:  # the median of each phase over the moves
                            row["phases_ms"] = [statistics.median(ph[i] for ph in split) for i in range(len(PHASES))]
                        rows.append(row)
                        print(f"  {path.stem} plot {k} ({label}): "
                              + (f"median {row['median_ms']:.0f} ms, p95 {row['p95_ms']:.0f} ms, phases "
                                 + " / ".join(f"{v:.0f}" for v in row.get("phases_ms", [])) if times else "no redraw"),
                              flush=True)
                finally:
                    p.close()
                    lab.shutdown_kernels()
        finally:
            browser.close()
            pw.stop()
            lab.stop()
    return rows
