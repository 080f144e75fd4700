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
    from course_lib.data import yogurt as yogurt_data
    from course_lib.experiments import ch04_losses as L
    from course_lib.reference import ch04_losses as R

    course_lib.setup()
    x, y = yogurt_data()
    w0 = R.course_initial_weights()
    runs = [dict(loss="mse", epochs=15000), dict(cost=1.0, profit=99.0, epochs=10000),
            dict(cost=99.0, profit=1.0, epochs=10000)]

    def ours():
        return [L.yogurt_gd(x, y, w0, exact=True, every=r["epochs"], **r)[-1, 0] for r in runs]

    def ours_fast():
        # the three runs side by side in one vectorised loop; the custom-loss runs are read at epoch 10000
        w = L.yogurt_gd(x, y, w0, loss=["mse", "custom", "custom"], cost=[1.0, 1.0, 99.0],
                        profit=[99.0, 99.0, 1.0], epochs=15000, every=5000)
        return [w[3, 0], w[2, 1], w[2, 2]]

    ours_s, w_ours = _time(ours)
    fast_s, w_fast = _time(ours_fast)
    t = time.perf_counter()
    w_tf = [R.yogurt_gd_tf(x, y, w0, **r) for r in runs]
    theirs_s = time.perf_counter() - t
    diff = max(float(np.max(np.abs(a - b))) for a, b in zip(w_ours, w_tf))
    diff_fast = max(float(np.max(np.abs(a - b))) for a, b in zip(w_fast, w_tf))
    reference = "course's TF loop (GradientTape + assign_sub)"
    return [{"experiment": "yogurt: 3 runs, 35 000 full-batch epochs, bit-exact mode (TF's order of operations)",
             "ours_s": ours_s, "theirs_s": theirs_s, "reference": reference, "agreement": f"max |Δw| = {diff:.1e}"},
            {"experiment": "yogurt: the same 3 runs, vectorised side by side (numpy's summation order)",
             "ours_s": fast_s, "theirs_s": theirs_s, "reference": reference,
             "agreement": f"max |Δw| = {diff_fast:.1e} (float32 round-off, amplified by the oscillating custom loss)"}]


def iris():
    """The course's iris comparison: five optimizers, 500 epochs each."""
    import course_lib
    from course_lib.experiments import ch06_practice as P
    from course_lib.reference import ch06_optimizers as REF

    course_lib.setup()
    ours_s, ours = _time(lambda: P.iris_optimizers(), repeats=3)
    t = time.perf_counter()
    theirs = REF.iris_optimizers_course_tf()
    theirs_s = time.perf_counter() - t
    diffs = []
    for name, run in ours.items():
        a, b = run.loss[-1], theirs[name].loss[-1]
        if np.isfinite(a) and np.isfinite(b):
            diffs.append(abs(a - b))
    nan_both = [n for n in ours if not np.isfinite(ours[n].loss[-1]) and not np.isfinite(theirs[n].loss[-1])]
    return {"experiment": "iris: 5 optimizers x 500 epochs x 4 batches", "ours_s": ours_s, "theirs_s": theirs_s,
            "reference": "course's class2 loop (tf.data, GradientTape, assign_sub)",
            "agreement": f"final losses within {max(diffs):.1e}" + (f"; NaN in both: {', '.join(nan_both)}" if nan_both else "")}


def dots():
    """The dots experiment: 2-11-1 ReLU network, 400 epochs of batch 32, without and with L2 (lam 0.03)."""
    import course_lib
    from course_lib import train
    from course_lib.data import dots as dots_data
    from course_lib.experiments.ch05_dots_runs import train_mlp
    from course_lib.reference.ch05_fitting import tf_course_loop

    course_lib.setup()
    x, y = dots_data()
    init = train.init_mlp(seed=0, init="normal", bias=0.01)
    # both runs side by side in one vectorised loop (train_mlp takes a sequence of λ), as the notebook does
    ours_s, ours = _time(lambda: train_mlp(x, y, lam=(0.0, 0.03), init=init, epochs=400))
    t = time.perf_counter()
    theirs = [tf_course_loop(x, y, init, lam=lam, epochs=400) for lam in (0.0, 0.03)]
    theirs_s = time.perf_counter() - t
    diff = max(float(np.max(np.abs(np.ravel(ours.W1[k]) - np.ravel(t_["W1"])))) for k, t_ in enumerate(theirs))
    return {"experiment": "dots: 2 runs (with / without L2) x 400 epochs x 10 batches, side by side", "ours_s": ours_s,
            "theirs_s": theirs_s, "reference": "course's class2 p29 loop (tf.data, GradientTape, assign_sub), float64",
            "agreement": f"final weights within {diff:.1e}"}


def keras_trajectories(steps=1000):
    """2-D trajectories of 1000 steps on f = 0.1 x1^2 + 2 x2^2: course_lib vs keras.optimizers on tf.Variable."""
    import course_lib
    from course_lib.experiments import ch06_optimizers as X
    from course_lib.nn import optimizers as O

    course_lib.setup()
    tf = course_lib.import_tf()
    import keras

    surface = X.SURFACES["quadratic"]
    cases = [("SGD", dict(learning_rate=0.05)), ("SGD", dict(learning_rate=0.05, momentum=0.9, nesterov=True)),
             ("Adagrad", dict(learning_rate=0.3)), ("Adadelta", dict(learning_rate=1.0)),
             ("RMSprop", dict(learning_rate=0.05)), ("Adam", dict(learning_rate=0.1)), ("Nadam", dict(learning_rate=0.1))]

    def ours():
        return [X.trajectory(getattr(O, name)(**kw), surface.grad, np.float32(surface.x0), steps) for name, kw in cases]

    ours_s, paths = _time(ours)
    t = time.perf_counter()
    keras_paths = []
    for name, kw in cases:
        opt = getattr(keras.optimizers, name)(**kw)
        v = tf.Variable(np.array(surface.x0, np.float32))
        path = [v.numpy()]
        for _ in range(steps):
            g = np.asarray(surface.grad(*v.numpy()), np.float32)
            opt.apply_gradients([(tf.constant(g), v)])
            path.append(v.numpy())
        keras_paths.append(np.array(path))
    theirs_s = time.perf_counter() - t
    diffs = {f"{name}{'+NAG' if kw.get('nesterov') else ''}":
             float(np.max(np.abs(np.asarray(a, np.float64) - b))) if len(a) == len(b) else float("nan")
             for (name, kw), a, b in zip(cases, paths, keras_paths)}
    detail = ", ".join(f"{k} {v:.0e}" for k, v in diffs.items())
    return {"experiment": f"7 optimizers x {steps} steps on 0.1 x1² + 2 x2² (float32)", "ours_s": ours_s,
            "theirs_s": theirs_s, "reference": "keras.optimizers.apply_gradients on a tf.Variable",
            "agreement": f"max |Δx| per optimizer: {detail}"}


ALL = [iris, dots, yogurt, keras_trajectories]
