"""Chapter 05 – our numbers beside TensorFlow's, Keras' and the course's own.

* :func:`tf_course_loop` – the course's TensorFlow training loop (class2 ``p29_regularizationcontain.py``),
  line for line, to check the numpy trainer (:mod:`course_lib.experiments.ch05_dots_runs`) against it.
* :func:`course_l1_step`, :func:`tf_step_loop` – exercise 4 of 05b_regularization: one step of that loop with an L1
  penalty and a Keras optimizer (the answer), and the course's batches run through any such step.
* :func:`keras_stop`, :func:`accuracy_early_stopping` – Keras' ``EarlyStopping`` replayed on a curve, and the
  answer of 05a_fitting's exercise 4 (a callback that watches the validation accuracy).
* :func:`ch05_vs_tensorflow` – the rows of 05b_regularization's "checked against TensorFlow" table;
  :func:`ch05_vs_tensorflow_full` – every number behind it, and the early-stopping rule (05c_fitting_appendix).
* :data:`COURSE_NUMBERS`, :func:`course_loss_table`, :func:`seed_spread`, :func:`course_spread_rows` –
  what the course printed, beside what we measure.

TensorFlow is imported lazily, inside the functions that need it.
"""

from __future__ import annotations

import time

import numpy as np

from .. import SEED, _check
from .._cache import lru_cache
from ..data import dots
from ..experiments import ch05_fitting as _X
from ..experiments.ch05_dots_runs import _check_params, _xy, train_mlp, train_side_by_side
from ..nn.callbacks import early_stopping_epoch
from ..nn.regularizers import l1_loss, l2_loss, penalty
from ..tables import diff_text
from ..train import init_mlp, mlp_loss_and_grads
from . import replay_callback

__all__ = ["COURSE_NUMBERS", "course_regularization", "tf_course_loop", "course_l1_step", "tf_step_loop",
           "keras_stop", "accuracy_early_stopping", "ch05_vs_tensorflow", "ch05_vs_tensorflow_full",
           "course_loss_table", "seed_spread", "spread_view", "course_spread_rows"]

#: What the course printed (class2 p29): epoch -> loss of the epoch's last batch.
COURSE_NUMBERS = {
    "no_l2": {0: 1.6902, 380: 0.02281},
    "l2": {0: 1.5303, 380: 0.12349},
}

_KEYS = ("W1", "b1", "W2", "b2")


def course_regularization(w1, w2, kind: str = "l2"):
    """The notes' ``loss_regularization`` in TensorFlow: a list of one term per weight matrix, then ``tf.reduce_sum``.

    ``kind="l2"``: ``tf.nn.l2_loss(w)`` (the notes' code); ``kind="l1"``: ``tf.reduce_sum(tf.abs(w))``
    (the penalty of 05b_regularization's exercise 4, which switches the loop to L1: :func:`course_l1_step`).
    """
    from .. import import_tf

    tf = import_tf()
    kind = _check.choice(kind, "kind", ("l2", "l1"))
    w1, w2 = (w if tf.is_tensor(w) else _check.real_array(w, name) for w, name in ((w1, "w1"), (w2, "w2")))
    term = tf.nn.l2_loss if kind == "l2" else (lambda w: tf.reduce_sum(tf.abs(w)))
    loss_regularization = [term(w1), term(w2)]
    return tf.reduce_sum(loss_regularization)


def tf_course_loop(x, y, init: dict, *, lam: float = 0.0, kind: str = "l2", lr: float = 0.01, epochs: int = 2,
                   batch_size: int = 32, dtype: str = "float64", regularization=None, compiled: bool = False):
    """The course's TensorFlow loop (class2 ``p29_regularizationcontain.py``), kept as the reference.

    ``tf.data.Dataset.from_tensor_slices((x, y)).batch(batch_size)``, a ``GradientTape``
    around ``relu(x @ w1 + b1) @ w2 + b2``, ``loss = reduce_mean(square(y - out)) +
    lam * regularization(w1, w2)`` with :func:`course_regularization` of ``kind`` by default,
    and ``w.assign_sub(lr * grad)``. Starts from ``init`` (keys W1, b1, W2, b2, as
    ``train.init_mlp`` returns them) so it can be compared with ``train_mlp`` step for step.
    ``compiled=True`` runs the whole loop as one ``tf.function`` graph (the same steps, fast
    enough for the course's 400 epochs; ``loss`` then holds the last epoch only, and ``seconds``
    the time spent tracing the graph, in its first call and per step after it: the appendix's speed table).
    Used in 05c_fitting_appendix (the step-for-step and speed checks) and tests/test_ch05_fitting.py.

    Returns
    -------
    dict
        ``loss`` (last-batch loss of every epoch, like the course's print), the final
        ``W1, b1, W2, b2`` as numpy arrays and, with ``compiled=True``, ``seconds``
        (``{"trace": ..., "first_epoch": ..., "per_step": ...}``, see :func:`_compiled_run`).
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
    regularization = _check.function(regularization, "regularization", optional=True)
    compiled = _check.flag(compiled, "compiled")
    if regularization is None:
        def regularization(a, b):
            return course_regularization(a, b, kind)
    dt = tf.float32 if dtype == "float32" else tf.float64
    train_db = tf.data.Dataset.from_tensor_slices((tf.cast(x, dt), tf.cast(y, dt))).batch(batch_size)
    w1, b1, w2, b2 = (tf.Variable(tf.cast(p[k], dt)) for k in _KEYS)

    def step(xb, yb):
        with tf.GradientTape() as tape:
            h1 = tf.nn.relu(tf.matmul(xb, w1) + b1)
            out = tf.matmul(h1, w2) + b2
            loss = tf.reduce_mean(tf.square(yb - out)) + lam * regularization(w1, w2)
        grads = tape.gradient(loss, [w1, b1, w2, b2])
        for v, g in zip((w1, b1, w2, b2), grads):
            v.assign_sub(lr * g)
        return loss

    seconds = None
    if compiled:
        loss, seconds = _compiled_run(tf, step, x, y, batch_size, epochs, dt)
        losses = [float(loss)]
    else:
        losses = []
        for _ in range(epochs):
            for xb, yb in train_db:
                loss = step(xb, yb)
            losses.append(float(loss))
    out = {"loss": np.array(losses), "W1": w1.numpy(), "b1": b1.numpy(), "W2": w2.numpy(), "b2": b2.numpy()}
    if seconds is not None:
        out["seconds"] = seconds
    return out


def _compiled_run(tf, step, x, y, batch_size, epochs, dt):
    """``epochs`` passes of ``step(xb, yb)`` over the batches as one ``tf.function`` graph.

    Returns the last batch's loss and the seconds spent: ``trace`` (building the graph), ``first_epoch``
    (its first call, which also optimises the graph) and ``per_step`` over the other epochs (None for one
    epoch). The epochs run as two calls of one graph (1, then ``epochs - 1``): the same steps in order.

    The same batches in the same order as ``tf.data...batch(batch_size)``, sliced from the data inside
    the graph (a ``tf.data`` loop inside the graph is slow); the step is traced once, for every batch.
    """
    xs, ys = tf.cast(x, dt), tf.cast(y, dt)
    n_batches = -(-len(x) // batch_size)  # the last one may be short, as tf.data's

    def one_batch(i, loss):
        return i + 1, step(xs[i * batch_size:(i + 1) * batch_size], ys[i * batch_size:(i + 1) * batch_size])

    def one_epoch(e, loss):  # one traced step for every batch, the short one too
        return e + 1, tf.while_loop(lambda i, _: i < n_batches, one_batch, (tf.constant(0), loss))[1]

    # The loops written as tf.while_loop: no AutoGraph conversion of this code and of ``step`` (tracing
    # the converted code took longer than running the 4000 steps).
    @tf.function(autograph=False)
    def run(n):
        return tf.while_loop(lambda e, _: e < n, one_epoch, (tf.constant(0), tf.constant(0.0, dt)))[1]

    t0 = time.perf_counter()
    graph = run.get_concrete_function(tf.TensorSpec([], tf.int32))  # tracing: Python runs once, builds the graph
    t1 = time.perf_counter()
    loss = graph(tf.constant(1))  # the first call also optimises the graph
    t2 = time.perf_counter()
    if epochs > 1:
        loss = graph(tf.constant(epochs - 1))
    t3 = time.perf_counter()
    steps = (epochs - 1) * n_batches
    return loss, {"trace": t1 - t0, "first_epoch": t2 - t1, "per_step": (t3 - t2) / steps if steps else None}


def _tensor_or_array(tf, v, name, ndim):
    """A tensor as it is (inside a graph its values are unknown), anything else as a finite float array."""
    a = v if tf.is_tensor(v) else _check.real_array(v, name)
    if len(a.shape) != ndim:
        raise ValueError(f"{name} must have {ndim} dimension(s), got shape {tuple(a.shape)}")
    return a


def course_l1_step(x_train, y_train, w1, b1, w2, b2, optimizer, lam):
    """One step of the course's loop with an L1 penalty, a Keras optimizer applying the gradients.

    The answer of 05b_regularization's exercise 4: a ``GradientTape`` around the course's forward pass
    ``relu(x_train @ w1 + b1) @ w2 + b2`` and ``loss = mean((y_train - y_out)**2) + lam * (Σ|w1| + Σ|w2|)``
    (the notes' list of terms and ``tf.reduce_sum``, :func:`course_regularization` with ``kind="l1"``),
    then ``optimizer.apply_gradients``. ``w1, b1, w2, b2`` are ``tf.Variable`` s, changed in place.
    Its numpy twin is ``train_mlp(kind="l1")``. Returns the step's loss (a scalar tensor).
    """
    from .. import import_tf

    tf = import_tf()
    variables = [w1, b1, w2, b2]
    for v, name in zip(variables, ("w1", "b1", "w2", "b2")):
        if not isinstance(v, tf.Variable):
            raise TypeError(f"{name} must be a tf.Variable (the step changes it in place), got {type(v).__name__}")
    if not callable(getattr(optimizer, "apply_gradients", None)):
        raise TypeError(f"optimizer must be a Keras optimizer (with apply_gradients), got {type(optimizer).__name__}")
    lam = lam if tf.is_tensor(lam) else _check.non_negative(lam, "lam")
    n_in, hidden = tuple(w1.shape) if w1.shape.rank == 2 else (None, None)
    if hidden is None or tuple(b1.shape) != (hidden,) or tuple(w2.shape) != (hidden, 1) or tuple(b2.shape) != (1,):
        raise ValueError("w1, b1, w2, b2 must have shapes (n_in, hidden), (hidden,), (hidden, 1), (1,); got "
                         f"{tuple(w1.shape)}, {tuple(b1.shape)}, {tuple(w2.shape)}, {tuple(b2.shape)}")
    x_train = _tensor_or_array(tf, x_train, "x_train", 2)
    y_train = _tensor_or_array(tf, y_train, "y_train", 2)
    if x_train.shape[1] != n_in:
        raise ValueError(f"x_train must have {n_in} columns (w1 has {n_in} rows), got shape {tuple(x_train.shape)}")
    if y_train.shape[1] != 1 or (x_train.shape[0] is not None and y_train.shape[0] != x_train.shape[0]):
        raise ValueError(f"y_train must have shape ({x_train.shape[0]}, 1) (one target per row of x_train), "
                         f"got {tuple(y_train.shape)}")
    x_train, y_train = tf.cast(x_train, w1.dtype), tf.cast(y_train, w1.dtype)
    with tf.GradientTape() as tape:
        h1 = tf.nn.relu(tf.matmul(x_train, w1) + b1)
        y_out = tf.matmul(h1, w2) + b2
        loss_mse = tf.reduce_mean(tf.square(y_train - y_out))
        loss = loss_mse + lam * course_regularization(w1, w2, "l1")
    grads = tape.gradient(loss, variables)
    optimizer.apply_gradients(zip(grads, variables))
    return loss


def tf_step_loop(step, x, y, init: dict, *, lam: float = 0.03, lr: float = 0.01, epochs: int = 1,
                 batch_size: int = 32, compiled: bool = False):
    """The course's loop (batches of ``batch_size`` in data order, ``epochs`` passes) around a step function.

    ``step(x_train, y_train, w1, b1, w2, b2, optimizer, lam)`` is :func:`course_l1_step` or a student's
    answer to 05b_regularization's exercise 4; the variables start from ``init`` (float64, keys W1, b1, W2, b2
    as ``train.init_mlp`` returns them), the optimizer is ``keras.optimizers.SGD(learning_rate=lr)``.
    Eager by default (a ``tf.data`` loop, as the course); ``compiled=True`` runs every epoch in one
    ``tf.function`` graph (the same steps, fast enough for 400 epochs). Used in 05b_regularization (exercise 4)
    and tests/test_ch05_fitting.py.

    Returns
    -------
    dict
        ``loss`` (the last batch's loss, a float) and the final ``W1, b1, W2, b2`` as numpy arrays.
    """
    from .. import import_tf

    tf = import_tf()
    import keras

    step = _check.function(step, "step")
    p = _check_params(init, "init")
    x, y = _xy(x, y)
    if x.shape[1] != p["W1"].shape[0]:
        raise ValueError(f"x must have {p['W1'].shape[0]} columns (init['W1'] rows), got shape {x.shape}")
    lam = _check.non_negative(lam, "lam")
    lr = _check.positive(lr, "lr")
    epochs = _check.integer(epochs, "epochs", low=1)
    batch_size = _check.integer(batch_size, "batch_size", low=1)
    compiled = _check.flag(compiled, "compiled")
    w1, b1, w2, b2 = (tf.Variable(p[k]) for k in _KEYS)
    optimizer = keras.optimizers.SGD(learning_rate=lr)
    optimizer.build([w1, b1, w2, b2])  # its variables exist before a graph traces the step

    def one(xb, yb):
        return step(xb, yb, w1, b1, w2, b2, optimizer, lam)

    if compiled:
        loss = _compiled_run(tf, one, x, y, batch_size, epochs, tf.float64)[0]
    else:
        train_db = tf.data.Dataset.from_tensor_slices((x, y)).batch(batch_size)
        for _ in range(epochs):
            for xb, yb in train_db:
                loss = one(xb, yb)
    return {"loss": float(loss), "W1": w1.numpy(), "b1": b1.numpy(), "W2": w2.numpy(), "b2": b2.numpy()}


def keras_stop(callback, values, monitor: str = "val_loss"):
    """Where a Keras ``EarlyStopping`` callback stops on ``values`` (one per epoch), replayed without training.

    Returns ``(stopped_epoch or None, best_epoch)``, as :func:`course_lib.nn.callbacks.early_stopping_epoch`
    does (``replay_callback`` feeds the values as ``fit`` would). Used in 05a_fitting's exercise 4 (the
    student's callback on validation accuracy) and the appendix table.
    """
    from .. import import_tf

    import_tf()
    import keras

    if not isinstance(callback, keras.callbacks.EarlyStopping):
        raise TypeError(f"callback must be a keras.callbacks.EarlyStopping, got {type(callback).__name__}")
    monitor = _check.choice(monitor, "monitor", ("val_loss", "val_accuracy", "loss", "accuracy"))
    v = _check.real_array(values, "values")
    if v.ndim != 1 or v.size == 0:
        raise ValueError(f"values must be a non-empty 1-D sequence of numbers, got shape {v.shape}")
    _, stopped = replay_callback(callback, v, monitor=monitor)
    return stopped, int(callback.best_epoch)


def accuracy_early_stopping(patience: int = 20):
    """The answer of 05a_fitting's exercise 4: ``EarlyStopping`` that watches the validation *accuracy*.

    ``monitor="val_accuracy"``, ``mode="max"`` (higher is better), ``restore_best_weights=True``.
    """
    patience = _check.integer(patience, "patience")
    from .. import import_tf

    import_tf()
    import keras

    return keras.callbacks.EarlyStopping(monitor="val_accuracy", mode="max", patience=patience,
                                         restore_best_weights=True)


def _keras_early_stopping(val_loss, patience):
    import keras

    return keras_stop(keras.callbacks.EarlyStopping(monitor="val_loss", patience=patience), val_loss)


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


def ch05_vs_tensorflow(seed: int = SEED):
    """The regularisation lesson's one "checked against TensorFlow" table: ``(what, max |difference| as text)`` rows.

    The penalties against ``tf.nn.l2_loss`` and Keras' regularisers, one batch's loss and gradients
    against ``tf.GradientTape``. Used in 05b_regularization § 4, which adds the rows its § 1 already
    measured (three epochs of the numpy loop against the course's ``GradientTape`` loop and against
    ``model.fit``); every number behind it is in :func:`ch05_vs_tensorflow_full` (the appendix).
    The early-stopping rule is checked against ``keras.callbacks.EarlyStopping`` in 05a_fitting § 3
    (a ``model.fit`` beside its numpy twin) and in the appendix.
    """
    seed = _check.integer(seed, "seed")
    from .. import import_tf

    tf = import_tf()
    import keras

    rng = np.random.default_rng(seed)
    w1, w2 = rng.normal(size=(2, 11)), rng.normal(size=(11, 1))
    l2 = max(abs(float(l2_loss(w)) - float(tf.nn.l2_loss(w))) for w in (w1, w2))
    keras_l2 = abs(penalty([w1, w2], 0.03, "l2") - float(sum(keras.regularizers.L2(0.015)(w) for w in (w1, w2))))
    keras_l1 = abs(penalty([w1, w2], 0.03, "l1") - float(sum(keras.regularizers.L1(0.03)(w) for w in (w1, w2))))
    _, batch_rows, gdiff = _batch_rows(tf, seed)
    return [("l2_loss(w) vs tf.nn.l2_loss(w)", diff_text(l2)),
            ("0.03 * sum(l2_loss(w)) vs keras.regularizers.L2(0.015)", diff_text(keras_l2, 1e-6)),
            ("0.03 * sum(|w|) vs keras.regularizers.L1(0.03)", diff_text(keras_l1, 1e-6)),
            ("one batch: loss and gradients vs tf.GradientTape",
             diff_text(max(gdiff, abs(batch_rows[0][1] - batch_rows[0][2]))))]


def ch05_vs_tensorflow_full(seed: int = SEED, patience: int = 20):
    """Our numbers next to TensorFlow's / Keras' for everything chapter 05 computes by hand.

    Used in 05c_fitting_appendix § 2 (the long table behind the lesson's :func:`ch05_vs_tensorflow`).

    Returns
    -------
    list of tuple
        ``(what, ours, theirs, |difference| as text)``; round-off reads ``"< 1e-12"`` (float64)
        or ``"< 1e-06 (float32)"``, and float32 values are shown to 6 digits, so the table prints
        the same on every machine. Two rows give the largest difference of all parameters after the
        30 steps (float64, float32); the early-stopping row, last, holds the (0-based) stopped epochs.
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
    steps = []
    for dt, npdt in (("float64", np.float64), ("float32", np.float32)):
        ref = tf_course_loop(x, y, p, lam=0.03, epochs=3, dtype=dt)
        ours = train_mlp(x, y, init=p, lam=0.03, epochs=3, dtype=npdt)
        rows.append((f"loss after 3 epochs, course's TF loop ({dt})", float(ours.loss[0, -1]), float(ref["loss"][-1])))
        d = max(float(np.abs(getattr(ours, k)[0] - ref[k]).max()) for k in _KEYS)
        steps.append((f"all parameters after 3 epochs (30 steps), max entry-wise difference ({dt})", None, None,
                      diff_text(d, 1e-12 if dt == "float64" else 1e-5)))
    f32 = ("keras L", "float32")  # Keras' regularisers and the float32 loop compute in float32: 6 digits
    out = []
    for what, a, b in rows:
        single = any(t in what for t in f32)
        shown = (f"{a:.6g}", f"{b:.6g}") if single else (a, b)
        out.append((what, *shown, diff_text(abs(a - b), 1e-6 if single else 1e-12)))
    # whole-array gradient check: the largest entry-wise difference over all four gradients
    out.insert(5, ("max entry-wise gradient difference (w1, b1, w2, b2)", None, None, diff_text(gdiff)))
    out += steps
    val = _X.early_stopping_runs().val_mse[_X.ES_SEEDS.index(SEED + 1)]
    stops = early_stopping_epoch(val, patience)[0], _keras_early_stopping(val, patience)[0]
    out.append((f"early-stopping epoch vs keras EarlyStopping (patience {patience})", *stops,
                "0" if stops[0] == stops[1] else "differ"))
    return out


def course_loss_table(seed: int = SEED, lam: float = 0.03, every: int = 20):
    """Rows ``(epoch, ours without L2, course, ours with L2, course)`` every ``every`` epochs.

    Our losses are the last-batch losses the course prints (penalty included); the
    course's columns hold its reported numbers where it reported one, else ``None``.
    Used in 05b_regularization § 2 and 05c_fitting_appendix § 1.
    """
    every = _check.integer(every, "every", low=1)
    runs = _X.dots_grid("l2")
    i0, i1 = _X._grid_index(0.0, seed), _X._grid_index(lam, seed)
    rows = []
    for e in range(0, runs.loss.shape[1], every):
        rows.append((e, float(runs.loss[i0, e]), COURSE_NUMBERS["no_l2"].get(e),
                     float(runs.loss[i1, e]), COURSE_NUMBERS["l2"].get(e)))
    return rows


#: The learning rates of the seed spread: the course's 0.01 and the other copy of its code's 0.005.
_SPREAD_LRS = (0.01, 0.005)


@lru_cache(maxsize=4)
def _spread_pair(n_seeds, lam):
    """Both learning rates of :data:`_SPREAD_LRS`, trained side by side in one loop (one group each)."""
    x, y = dots()
    group = {"lam": np.repeat([0.0, lam], n_seeds), "seed": np.tile(np.arange(n_seeds), 2)}
    runs = train_side_by_side(x, y, [{**group, "lr": lr} for lr in _SPREAD_LRS], epochs=381, curves=False)
    return dict(zip(_SPREAD_LRS, runs))


@lru_cache(maxsize=4)
def _spread_runs(n_seeds, lam, lr):
    if lr in _SPREAD_LRS:
        return _spread_pair(n_seeds, lam)[lr]
    x, y = dots()
    seeds = np.arange(n_seeds)
    return train_mlp(x, y, lam=np.repeat([0.0, lam], n_seeds), seed=np.tile(seeds, 2), lr=lr, epochs=381,
                     curves=False)


def seed_spread(n_seeds: int = 20, lam: float = 0.03, lr: float = 0.01):
    """The course's printed losses (epochs 0 and 380) over ``n_seeds`` initialisations (seeds 0..n-1).

    The course's weights were unseeded, so its numbers are one draw among many: this shows
    how far they move. Used in 05c_fitting_appendix § 1.

    Returns
    -------
    dict
        For ``"no_l2"`` and ``"l2"``, the per-seed arrays ``epoch0`` and ``epoch380``.
    """
    n_seeds = _check.integer(n_seeds, "n_seeds", low=1)
    lam, lr = _check.non_negative(lam, "lam"), _check.positive(lr, "lr")
    runs = _spread_runs(n_seeds, lam, lr)
    out = {}
    for name, sl in (("no_l2", slice(0, n_seeds)), ("l2", slice(n_seeds, 2 * n_seeds))):
        out[name] = {"epoch0": runs.loss[sl, 0], "epoch380": runs.loss[sl, 380]}
    return out


def spread_view(seed: int = 0, lr: float = 0.01, n_seeds: int = 20):
    """The last-batch loss curves of all ``n_seeds`` initialisations, one of them picked, beside the course's
    two printed numbers (05c_fitting_appendix § 1, the seed slider).

    Returns
    -------
    dict
        ``seed``, ``lr``, ``course`` (:data:`COURSE_NUMBERS`), and for ``"no_l2"`` and ``"l2"`` the
        ``(n_seeds, 381)`` loss curves.
    """
    n_seeds = _check.integer(n_seeds, "n_seeds", low=1)
    seed = _check.integer(seed, "seed", low=0, high=n_seeds - 1)
    lr = _check.positive(lr, "lr")
    runs = _spread_runs(n_seeds, 0.03, lr)
    return {"seed": seed, "lr": lr, "course": COURSE_NUMBERS,
            "no_l2": runs.loss[:n_seeds], "l2": runs.loss[n_seeds:]}


def course_spread_rows(n_seeds: int = 20, lrs: tuple = (0.01, 0.005)):
    """Rows comparing the course's printed losses with our spread over ``n_seeds`` initialisations.

    One row per learning rate and run (no L2 / L2): ``(lr, run, epoch-0 range, course epoch 0,
    epoch-380 range, course epoch 380, how many seeds end at or above the course's value)``.
    The table of 05c_fitting_appendix § 1, as rows.
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
