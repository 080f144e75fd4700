"""Sections 3 and 4 of `make bench`: course_lib against the course's own TF-eager code and Keras.

Each function runs both implementations on this machine in this process and returns one row:
``experiment, ours_s, theirs_s, reference, agreement``. Timings are medians where cheap enough,
single runs where the reference takes seconds.
"""

from __future__ import annotations

import statistics
import time

import numpy as np


def _time(fn, repeats=3):
    times, out = [], None
    for _ in range(repeats):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def yogurt():
    """The three yogurt runs (MSE 15000 epochs, COST/PROFIT 1/99 and 99/1, 10000 epochs)."""
    import course_lib
    from course_lib import losses as L
    from course_lib.data import yogurt as yogurt_data

    course_lib.setup()
    x, y = yogurt_data()
    w0 = L.course_initial_weights()
    runs = [dict(loss="mse", epochs=15000), dict(cost=1.0, profit=99.0, epochs=10000),
            dict(cost=99.0, profit=1.0, epochs=10000)]

    def ours():
        return [L.yogurt_gd(x, y, w0, exact=True, every=r["epochs"], **r)[-1, 0] for r in runs]

    ours_s, w_ours = _time(ours)
    t = time.perf_counter()
    w_tf = [L.yogurt_gd_tf(x, y, w0, **r) for r in runs]
    theirs_s = time.perf_counter() - t
    diff = max(float(np.max(np.abs(a - b))) for a, b in zip(w_ours, w_tf))
    return {"experiment": "yogurt: 3 runs, 35 000 full-batch epochs (bit-exact mode)", "ours_s": ours_s,
            "theirs_s": theirs_s, "reference": "course's TF loop (GradientTape + assign_sub)",
            "agreement": f"max |Δw| = {diff:.1e}"}


ALL = [yogurt]
