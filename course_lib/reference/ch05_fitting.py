"""Chapter 05 – our numbers beside TensorFlow's, Keras' and the course's own.

* :func:`tf_course_loop` – the course's TensorFlow training loop (class2 ``p29_regularizationcontain.py``),
  line for line, to check the numpy trainer (:mod:`course_lib.experiments.ch05_dots_runs`) against it.
* :func:`ch05_vs_tensorflow` – the rows of the chapter's "checked against TensorFlow" table.
* :data:`COURSE_NUMBERS`, :func:`course_loss_table`, :func:`seed_spread`, :func:`course_spread_rows` –
  what the course printed, beside what we measure.

TensorFlow is imported lazily, inside the functions that need it.
"""

from __future__ import annotations

import numpy as np

from .. import SEED, _check
from .._cache import lru_cache
from ..data import dots
from ..experiments import ch05_fitting as _X
from ..experiments.ch05_dots_runs import _check_params, _xy, train_mlp
from ..nn.callbacks import early_stopping_epoch
from ..nn.regularizers import l1_loss, l2_loss, penalty
from ..tables import diff_text
from ..train import init_mlp, mlp_loss_and_grads
from . import replay_callback

__all__ = ["COURSE_NUMBERS", "tf_course_loop", "ch05_vs_tensorflow", "course_loss_table", "seed_spread",
           "course_spread_rows"]

#: What the course printed (class2 p29): epoch -> loss of the epoch's last batch.
COURSE_NUMBERS = {
    "no_l2": {0: 1.6902, 380: 0.02281},
    "l2": {0: 1.5303, 380: 0.12349},
}

_KEYS = ("W1", "b1", "W2", "b2")


def tf_course_loop(x, y, init: dict, *, lam: float = 0.0, kind: str = "l2", lr: float = 0.01, epochs: int = 2,
                   batch_size: int = 32, dtype: str = "float64"):
    """The course's TensorFlow loop (class2 ``p29_regularizationcontain.py``), kept as the reference.

    ``tf.data.Dataset.from_tensor_slices((x, y)).batch(batch_size)``, a ``GradientTape``
    around ``relu(x @ w1 + b1) @ w2 + b2``, ``loss = reduce_mean(square(y - out)) +
    lam * reduce_sum([tf.nn.l2_loss(w1), tf.nn.l2_loss(w2)])`` (``reduce_sum(abs(w))`` for L1)
    and ``w.assign_sub(lr * grad)``. Starts from ``init`` (keys W1, b1, W2, b2, as
    ``train.init_mlp`` returns them) so it can be compared with ``train_mlp`` step for step.
    Used in 05_fitting § 7 and tests/test_ch05_fitting.py.

    Returns
    -------
    dict
        ``loss`` (last-batch loss of every epoch, like the course's print) and the final
        ``W1, b1, W2, b2`` as numpy arrays.
    """
    from .. import import_tf

    tf = import_tf()
    p = _check_params(init, "init")
    kind = _check.choice(kind, "kind", ("l2", "l1"))
    dtype = _check.choice(dtype, "dtype", ("float32", "float64"))
    x, y = _xy(x, y)
    lam = _check.non_negative(lam, "lam")
    lr = _check.positive(lr, "lr")
    epochs = _check.integer(epochs, "epochs", low=1)
    batch_size = _check.integer(batch_size, "batch_size", low=1)
    dt = tf.float32 if dtype == "float32" else tf.float64
    train_db = tf.data.Dataset.from_tensor_slices((tf.cast(x, dt), tf.cast(y, dt))).batch(batch_size)
    w1, b1, w2, b2 = (tf.Variable(tf.cast(p[k], dt)) for k in _KEYS)
    reg = tf.nn.l2_loss if kind == "l2" else (lambda w: tf.reduce_sum(tf.abs(w)))
    losses = []
    for _ in range(epochs):
        for xb, yb in train_db:
            with tf.GradientTape() as tape:
                h1 = tf.nn.relu(tf.matmul(xb, w1) + b1)
                out = tf.matmul(h1, w2) + b2
                loss = tf.reduce_mean(tf.square(yb - out)) + lam * tf.reduce_sum([reg(w1), reg(w2)])
            grads = tape.gradient(loss, [w1, b1, w2, b2])
            for v, g in zip((w1, b1, w2, b2), grads):
                v.assign_sub(lr * g)
        losses.append(float(loss))
    return {"loss": np.array(losses), "W1": w1.numpy(), "b1": b1.numpy(), "W2": w2.numpy(), "b2": b2.numpy()}


def _keras_early_stopping(val_loss, patience):
    import keras

    cb = keras.callbacks.EarlyStopping(monitor="val_loss", patience=patience)
    _, stopped = replay_callback(cb, val_loss, monitor="val_loss")
    return stopped, cb.best_epoch


def _batch_rows(tf, seed):
    """One batch's loss and gradients against ``GradientTape`` (the course's formula)."""
    x, y = dots()
    xb, yb = x[:32], y[:32].reshape(-1, 1).astype(float)
    p = init_mlp(seed=seed, init="normal", bias=0.01)
    loss, grads = mlp_loss_and_grads(p, xb, yb, lam=0.03)
    v = {k: tf.Variable(a) for k, a in p.items()}
    with tf.GradientTape() as tape:
        out = tf.matmul(tf.nn.relu(tf.matmul(xb, v["W1"]) + v["b1"]), v["W2"]) + v["b2"]
        tf_loss = tf.reduce_mean(tf.square(yb - out)) + 0.03 * (tf.nn.l2_loss(v["W1"]) + tf.nn.l2_loss(v["W2"]))
    tg = dict(zip(_KEYS, tape.gradient(tf_loss, [v[k] for k in _KEYS])))
    rows = [("batch loss vs GradientTape", loss, float(tf_loss))]
    for k, name in zip(_KEYS, ("w1", "b1", "w2", "b2")):
        rows.append((f"gradient d loss / d {name} (largest entry) vs GradientTape", float(np.abs(grads[k]).max()),
                     float(np.abs(tg[k].numpy()).max())))
    gdiff = max(float(np.abs(grads[k] - tg[k].numpy()).max()) for k in _KEYS)
    return p, rows, gdiff


def ch05_vs_tensorflow(seed: int = SEED, patience: int = 20):
    """Our numbers next to TensorFlow's / Keras' for everything chapter 05 computes by hand.

    Used in 05_fitting § 7 (the "checked against TensorFlow" table).

    Returns
    -------
    list of tuple
        ``(what, ours, theirs, |difference| as text)``; round-off reads ``"< 1e-12"`` (float64)
        or ``"< 1e-06 (float32)"`` so the table prints the same on every machine.
    """
    seed, patience = _check.integer(seed, "seed"), _check.integer(patience, "patience")
    from .. import import_tf

    tf = import_tf()
    import keras

    rng = np.random.default_rng(seed)
    w1, w2 = rng.normal(size=(2, 11)), rng.normal(size=(11, 1))
    rows = [("l2_loss(w1) vs tf.nn.l2_loss", float(l2_loss(w1)), float(tf.nn.l2_loss(w1))),
            ("l1_loss(w1) vs reduce_sum(abs)", float(l1_loss(w1)), float(tf.reduce_sum(tf.abs(w1)))),
            ("penalty(l2, 0.03) vs keras L2(0.015)", penalty([w1, w2], 0.03, "l2"),
             float(keras.regularizers.L2(0.015)(w1) + keras.regularizers.L2(0.015)(w2))),
            ("penalty(l1, 0.03) vs keras L1(0.03)", penalty([w1, w2], 0.03, "l1"),
             float(keras.regularizers.L1(0.03)(w1) + keras.regularizers.L1(0.03)(w2)))]
    p, batch_rows, gdiff = _batch_rows(tf, seed)
    rows += batch_rows
    x, y = dots()
    for dt, npdt in (("float64", np.float64), ("float32", np.float32)):
        ref = tf_course_loop(x, y, p, lam=0.03, epochs=3, dtype=dt)
        ours = train_mlp(x, y, init=p, lam=0.03, epochs=3, dtype=npdt)
        rows.append((f"loss after 3 epochs, course's TF loop ({dt})", float(ours.loss[0, -1]), float(ref["loss"][-1])))
    val = _X.early_stopping_runs().val_mse[_X.ES_SEEDS.index(SEED + 1)]
    ours_stop, _ = early_stopping_epoch(val, patience)
    keras_stop, _ = _keras_early_stopping(val, patience)
    rows.append((f"early-stopping epoch vs keras EarlyStopping (patience {patience})", float(ours_stop),
                 float(keras_stop)))
    f32 = ("keras L", "float32")  # Keras' regularisers and the float32 loop compute in float32
    out = [(what, a, b, diff_text(abs(a - b), 1e-6 if any(t in what for t in f32) else 1e-12))
           for what, a, b in rows]
    # whole-array gradient check: the largest entry-wise difference over all four gradients
    out.insert(5, ("max entry-wise gradient difference (w1, b1, w2, b2)", None, None, diff_text(gdiff)))
    return out


def course_loss_table(seed: int = SEED, lam: float = 0.03, every: int = 20):
    """Rows ``(epoch, ours without L2, course, ours with L2, course)`` every ``every`` epochs.

    Our losses are the last-batch losses the course prints (penalty included); the
    course's columns hold its reported numbers where it reported one, else ``None``.
    Used in 05_fitting § 4.
    """
    every = _check.integer(every, "every", low=1)
    runs = _X.dots_grid("l2")
    i0, i1 = _X._grid_index(0.0, seed), _X._grid_index(lam, seed)
    rows = []
    for e in range(0, runs.loss.shape[1], every):
        rows.append((e, float(runs.loss[i0, e]), COURSE_NUMBERS["no_l2"].get(e),
                     float(runs.loss[i1, e]), COURSE_NUMBERS["l2"].get(e)))
    return rows


@lru_cache(maxsize=4)
def seed_spread(n_seeds: int = 20, lam: float = 0.03, lr: float = 0.01):
    """The course's printed losses (epochs 0 and 380) over ``n_seeds`` initialisations (seeds 0..n-1).

    The course's weights were unseeded, so its numbers are one draw among many: this shows
    how far they move. Used in 05_fitting § 4.

    Returns
    -------
    dict
        For ``"no_l2"`` and ``"l2"``, the per-seed arrays ``epoch0`` and ``epoch380``.
    """
    n_seeds = _check.integer(n_seeds, "n_seeds", low=1)
    lam, lr = _check.non_negative(lam, "lam"), _check.positive(lr, "lr")
    x, y = dots()
    seeds = np.arange(n_seeds)
    runs = train_mlp(x, y, lam=np.repeat([0.0, lam], n_seeds), seed=np.tile(seeds, 2), lr=lr, epochs=381)
    out = {}
    for name, sl in (("no_l2", slice(0, n_seeds)), ("l2", slice(n_seeds, 2 * n_seeds))):
        out[name] = {"epoch0": runs.loss[sl, 0], "epoch380": runs.loss[sl, 380]}
    return out


def course_spread_rows(n_seeds: int = 20, lrs: tuple = (0.01, 0.005)):
    """Rows comparing the course's printed losses with our spread over ``n_seeds`` initialisations.

    One row per learning rate and run (no L2 / L2): ``(lr, run, epoch-0 range, course epoch 0,
    epoch-380 range, course epoch 380, how many seeds end at or above the course's value)``.
    Used in 05_fitting § 4.
    """
    n_seeds = _check.integer(n_seeds, "n_seeds", low=1)
    lrs = _check.numbers(lrs, "lrs", low=0.0, low_open=True)
    rows = []
    for lr in lrs:
        s = seed_spread(n_seeds, 0.03, lr)
        for name in ("no_l2", "l2"):
            e0, e380 = s[name]["epoch0"], s[name]["epoch380"]
            course = COURSE_NUMBERS[name]
            rows.append((lr, name, f"{e0.min():.4f} .. {e0.max():.4f}", course[0],
                         f"{e380.min():.4f} .. {e380.max():.4f}", course[380],
                         f"{int(np.sum(e380 >= course[380]))}/{n_seeds}"))
    return rows
