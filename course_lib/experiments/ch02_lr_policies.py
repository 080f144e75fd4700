"""Chapter 02 – learning-rate policies: what the chapter runs.

* the course's example, gradient descent on ``(w + 1)**2`` (:func:`minimise_quadratic`,
  :data:`COURSE_LR_DECAY`), and its runs (:func:`quadratic_runs`, :func:`quadratic_view`);
* the training task of § 5–§ 8 (:data:`TASK`, :func:`dots_task`: the course's dots, 240 points to
  train, 1000 held out) and the same small Keras model trained once per learning-rate policy
  (:func:`train_with_schedules` → :class:`TrainingRun`, with held-out loss and accuracy per
  epoch; what ``model.fit`` does, in numpy, many runs side by side; TensorFlow is imported only
  to draw Keras' initial weights, :func:`initial_weights`), the policies compared
  (:func:`comparison_policies`, :func:`warmup_policies`, :func:`warmup_grid`) and the numbers read
  from the runs (:func:`comparison_rows`, :func:`first_epoch_below`);
* :func:`warmup_exponential`, the reference of the chapter's Keras exercise;
* the ``*_view`` compute halves of the chapter's interactive figures (their draw halves are in
  :mod:`course_lib.figures.ch02_lr_policies`) and the captions printed under them.

The formulas are in :mod:`course_lib.nn.schedules` and :mod:`course_lib.nn.callbacks`; every
comparison with TensorFlow/Keras is in :mod:`course_lib.reference.ch02_lr_policies`.
"""

from __future__ import annotations

import copy
import functools
import numbers
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from .. import _check
from .. import data as _data
from ..nn.callbacks import ReduceLROnPlateau
from ..nn.schedules import SCHEDULES, exponential_decay, make_schedule

__all__ = [
    "minimise_quadratic", "COURSE_LR_DECAY", "TASK", "dots_task", "TrainingRun", "train_with_schedules",
    "initial_weights", "batch_orders", "comparison_policies", "first_epoch_below", "comparison_rows",
    "warmup_policies", "warmup_grid", "warmup_exponential",
    "DEFAULTS", "exponential_view", "overlay_view", "quadratic_runs", "quadratic_view", "warmup_view",
    "schedule_caption", "training_caption",
]


# --------------------------------------------------------------------------------------------
# the course's example: gradient descent on (w + 1)^2
# --------------------------------------------------------------------------------------------
#: The course's exponential-decay example (class2 p10): its settings. What it prints is
#: :data:`course_lib.reference.ch02_lr_policies.COURSE_NUMBERS`.
COURSE_LR_DECAY = {"w0": 5.0, "lr_base": 0.2, "lr_decay": 0.99, "lr_step": 1, "epochs": 40}


def minimise_quadratic(learning_rate, epochs=40, w0=5.0, dtype="float32"):
    """Gradient descent on ``loss = (w + 1)**2``, exactly the course's loop (class2 p10).

    Each epoch: ``lr = learning_rate(epoch)`` (or the constant), ``loss = (w + 1)**2``,
    ``grad = 2 (w + 1)``, ``w -= lr * grad``. The course keeps ``w`` in a float32
    ``tf.Variable``; ``dtype="float32"`` reproduces its arithmetic bit for bit.

    Used in 02_lr_policies § 1 and § 2 (through :func:`quadratic_runs` and :func:`quadratic_view`).

    Parameters
    ----------
    learning_rate : float or callable
        A constant > 0, or a function of the epoch (e.g. ``lambda e: exponential_decay(e, 0.2, 1, 0.99)``).
    epochs : int
        >= 1.
    w0 : float
        Starting point.
    dtype : {"float32", "float64"}

    Returns
    -------
    dict
        ``epoch``, ``lr``, ``loss`` (before the update, as the course prints it) and ``w``
        (after the update), arrays of length ``epochs``; ``w_path`` has ``epochs + 1``
        entries starting at ``w0``.
    """
    if callable(learning_rate):
        lr_fn = learning_rate
    else:
        const = _check.positive(learning_rate, "learning_rate")
        lr_fn = lambda e: const
    epochs = _check.integer(epochs, "epochs", low=1)
    w0 = _check.number(w0, "w0")
    _check.choice(dtype, "dtype", ("float32", "float64"))
    ft = np.dtype(dtype).type
    w = ft(w0)
    lrs, losses, ws = [], [], []
    with np.errstate(over="ignore", invalid="ignore"):
        for e in range(epochs):
            lr = float(lr_fn(e))
            x = w + ft(1)
            loss = x * x
            grad = ft(2) * x
            w = w - ft(lr) * grad
            lrs.append(lr)
            losses.append(float(loss))
            ws.append(float(w))
    return {"epoch": np.arange(epochs), "lr": np.array(lrs), "loss": np.array(losses),
            "w": np.array(ws), "w_path": np.array([float(ft(w0))] + ws)}


# --------------------------------------------------------------------------------------------
# schedules driving real Keras training: the dots task
# --------------------------------------------------------------------------------------------
#: The training task of § 5–§ 8: the course's dot data (points of a 2-D standard normal, class 1
#: inside the circle x1² + x2² < 2), 240 points to train (the first 240 of ``dot.csv``) and 1000
#: held-out points from the same generator (``dot.csv``'s last 60 and 940 more).
TASK = {"n_train": 240, "n_test": 1000, "batch_size": 32, "hidden": 16}


@functools.lru_cache(maxsize=1)
def _task_arrays():
    (x, y), (xt, yt) = _data.dots_split(TASK["n_train"], TASK["n_test"])
    mu, sd = x.mean(0), x.std(0)  # standardised with the training statistics
    f32 = lambda a: np.ascontiguousarray(a, dtype=np.float32)
    return f32((x - mu) / sd), f32(y[:, None]), f32((xt - mu) / sd), f32(yt[:, None])


def dots_task():
    """The chapter's training task: ``(x_train, y_train), (x_test, y_test)``, float32.

    Inputs standardised with the training set's mean and standard deviation; labels as a
    column of 0.0/1.0 (what a sigmoid output and ``binary_crossentropy`` expect). See :data:`TASK`.
    Used in 02_lr_policies § 5 (the Keras cells) and by :func:`train_with_schedules`.
    """
    return tuple((a.copy(), b.copy()) for a, b in zip(_task_arrays()[::2], _task_arrays()[1::2]))


@dataclass(frozen=True, eq=False)
class TrainingRun:
    """One training run: what a learning-rate policy did to the model.

    Attributes
    ----------
    loss : ndarray (epochs,)
        Mean training loss of each epoch (over its mini-batches, weighted by size), as
        ``model.fit`` reports it.
    val_loss, val_accuracy : ndarray (epochs,)
        Loss and accuracy on the held-out points after each epoch (``fit``'s ``val_loss`` and
        ``val_accuracy`` with ``validation_data``).
    lr : ndarray (epochs * steps_per_epoch,)
        The learning rate of every step, as the optimiser used it (float32).
    steps_per_epoch : int
    dead_units : int
        Hidden ReLU units that output 0 for every training point after the last epoch.
    """

    loss: np.ndarray
    val_loss: np.ndarray
    val_accuracy: np.ndarray
    lr: np.ndarray
    steps_per_epoch: int
    dead_units: int = 0

    @property
    def epochs(self) -> np.ndarray:
        """The x-axis of ``lr``: the epoch (fractional) of every step."""
        return np.arange(len(self.lr)) / self.steps_per_epoch


@functools.lru_cache(maxsize=8)
def _glorot(seed):
    from .. import import_tf

    import_tf()
    import keras

    H = TASK["hidden"]
    draw = lambda k, shape: np.asarray(keras.initializers.GlorotUniform(seed=seed + k)(shape), dtype=np.float64)
    return {"W1": draw(1, (2, H)), "b1": np.zeros(H), "W2": draw(2, (H, 1)), "b2": np.zeros(1)}


def initial_weights(seed=42) -> dict:
    """The initial weights of every run of :func:`train_with_schedules` with this ``seed``.

    ``keras.initializers.GlorotUniform(seed=seed + 1)`` and ``(seed + 2)`` for the two kernels, zero
    biases: the weights of the Keras model ``make_model()`` of 02_lr_policies § 5 (Keras' defaults
    with seeded initialisers), as float64 arrays ``{"W1": (2, 16), "b1": (16,), "W2": (16, 1),
    "b2": (1,)}`` (the keys of :func:`course_lib.train.init_mlp`). TensorFlow is imported here.
    Used by :func:`train_with_schedules` and the appendix's comparison with ``model.fit``.
    """
    return {k: v.copy() for k, v in _glorot(_check.integer(seed, "seed")).items()}


def batch_orders(epochs, seed=42) -> list:
    """The order of the 240 training points in each epoch: ``np.random.RandomState(seed)``'s permutations.

    Every run of :func:`train_with_schedules` with this ``seed`` sees the mini-batches
    ``order[0:32], order[32:64], ..., order[224:240]`` of each epoch. Used there and in the appendix.
    """
    epochs = _check.integer(epochs, "epochs", low=1)
    rs = np.random.RandomState(_check.integer(seed, "seed"))
    return [rs.permutation(TASK["n_train"]) for _ in range(epochs)]


def _bce(z, y):
    """Binary cross-entropy of sigmoid(z) against y, from the logits (Keras does the same), per row."""
    return (np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z)))).mean(-1)


def _train_runs(lr, plateaus, epochs, seed, monitor):
    """The hot kernel of :func:`train_with_schedules`: ``R`` runs of the same network at once, in float64.

    ``lr`` (R, epochs * steps_per_epoch) holds each run's rate at each step (rows of a plateau run are
    filled epoch by epoch); ``plateaus`` maps a row to its ReduceLROnPlateau, fed ``monitor`` after each
    epoch. The arithmetic is :func:`course_lib.train.mlp_loss_and_grads` (ReLU, binary cross-entropy
    from logits) and plain SGD, with a leading axis of runs (a test checks it against ``train.fit``).
    Returns ``(out (3, R, epochs): training loss, held-out loss, held-out accuracy; dead units (R,))``.
    """
    x, y, xt, yt = (a.astype(np.float64) for a in _task_arrays())
    y, yt = y[:, 0], yt[:, 0]
    n, batch = len(x), TASK["batch_size"]
    bounds = [(a, min(a + batch, n)) for a in range(0, n, batch)]
    spe, R = len(bounds), len(lr)
    w0 = _glorot(seed)
    W1, b1 = np.repeat(w0["W1"][None], R, 0), np.repeat(w0["b1"][None], R, 0)  # (R, 2, H), (R, H)
    W2, b2 = np.repeat(w0["W2"][None, :, 0], R, 0), np.repeat(w0["b2"], R)     # (R, H), (R,)
    out = np.empty((3, R, epochs))
    for e, order in enumerate(batch_orders(epochs, seed)):
        for r, policy in plateaus.items():
            lr[r, e * spe:(e + 1) * spe] = policy.learning_rate
        total = np.zeros(R)
        for j, (a, b) in enumerate(bounds):
            xb, yb = x[order[a:b]], y[order[a:b]]
            z1 = xb @ W1 + b1[:, None, :]                      # (R, B, H)
            h = np.maximum(z1, 0)
            z2 = (h @ W2[:, :, None])[..., 0] + b2[:, None]    # (R, B): the logits
            total += _bce(z2, yb) * (b - a)
            d2 = (1 / (1 + np.exp(-z2)) - yb) / (b - a)        # d loss / d z2
            dz1 = d2[:, :, None] * W2[:, None, :] * (z1 > 0)   # ReLU'(0) = 0, as TensorFlow
            g = lr[:, e * spe + j]
            W2 -= g[:, None] * (d2[:, None, :] @ h)[:, 0]
            b2 -= g * d2.sum(1)
            W1 -= g[:, None, None] * (xb.T @ dz1)
            b1 -= g[:, None] * dz1.sum(1)
        zt = (np.maximum(xt @ W1 + b1[:, None, :], 0) @ W2[:, :, None])[..., 0] + b2[:, None]
        out[:, :, e] = total / n, _bce(zt, yt), ((zt > 0) == (yt > 0.5)).mean(1)
        for r, policy in plateaus.items():
            policy.update(out[0 if monitor == "loss" else 1, r, e])
    dead = np.all(x @ W1 + b1[:, None, :] <= 0, axis=1).sum(1)
    return out, dead


def _tabulate(schedule, n_steps):
    steps = np.arange(n_steps)
    if callable(schedule):
        try:
            lr = np.asarray(schedule(steps), dtype=np.float64)
        except Exception:
            lr = None
        if lr is None or lr.shape not in ((), steps.shape):
            lr = np.array([float(schedule(int(s))) for s in steps])
        lr = np.broadcast_to(lr, steps.shape)
    else:
        lr = np.full(n_steps, _check.positive(schedule, "learning_rate"))
    if not np.all(np.isfinite(lr)) or lr.min() < 0:
        raise ValueError("schedules must give finite learning rates >= 0 at every step")
    return lr.astype(np.float32)


def train_with_schedules(schedules: Mapping, *, epochs=100, seed=42, monitor="val_loss") -> dict:
    """Train the chapter's Keras model once per learning-rate policy; return what happened.

    The model is ``Dense(16, relu)`` then ``Dense(1, sigmoid)`` on :func:`dots_task`, trained by
    plain SGD (``keras.optimizers.SGD``) on ``binary_crossentropy`` in mini-batches of 32
    (8 steps per epoch). Every run starts from the same weights (:func:`initial_weights`) and sees
    the same mini-batches in the same order (:func:`batch_orders`); only the learning rate differs.

    It does what ``model.fit(..., validation_data=...)`` does (same updates, same epoch loss, the
    held-out loss and accuracy after each epoch; the appendix and a test compare it with ``fit``),
    written in numpy (float64) with all runs side by side: ten runs of 100 epochs take a fraction
    of a second, where ``fit`` needs seconds per run. The rates are tabulated step by step first
    (rounded to float32, as Keras' optimiser holds them), so any callable of the step works, and a
    plateau policy sets its rate between epochs.

    Used in 02_lr_policies § 6–§ 8, § Exercises and in the appendix.

    Parameters
    ----------
    schedules : mapping of str to float, callable or ReduceLROnPlateau
        The policy of each run: a constant learning rate, a function of the step (one of
        :mod:`course_lib.nn.schedules`, a ``Schedule``, a lambda; evaluated at every step),
        or a :class:`~course_lib.nn.callbacks.ReduceLROnPlateau` fed ``monitor`` after each epoch.
    epochs : int
    seed : int
        Seeds the initial weights and the shuffling.
    monitor : {"val_loss", "loss"}
        What a plateau policy watches: the held-out loss (the notes' advice) or the training loss.

    Returns
    -------
    dict of str to TrainingRun
    """
    if not isinstance(schedules, Mapping) or not schedules:
        raise ValueError("schedules must be a non-empty mapping of name -> learning-rate policy")
    epochs = _check.integer(epochs, "epochs", low=1)
    seed = _check.integer(seed, "seed")
    monitor = _check.choice(monitor, "monitor", ("val_loss", "loss"))
    spe = -(-TASK["n_train"] // TASK["batch_size"])
    names, lr, plateaus = list(schedules), np.zeros((len(schedules), epochs * spe)), {}
    for r, sched in enumerate(schedules.values()):  # check every policy before training any
        if isinstance(sched, ReduceLROnPlateau):
            plateaus[r] = copy.deepcopy(sched)  # the caller's object is left as it was
            plateaus[r].reset()
        else:
            lr[r] = _tabulate(sched, epochs * spe)
    out, dead = np.empty((3, len(names), epochs)), np.empty(len(names), int)
    for lo in range(0, len(names), 32):  # at most 32 runs side by side: bounded memory
        part = slice(lo, lo + 32)
        out[:, part], dead[part] = _train_runs(lr[part], {r - lo: p for r, p in plateaus.items() if lo <= r < lo + 32},
                                               epochs, seed, monitor)
    return {name: TrainingRun(out[0, r], out[1, r], out[2, r], lr[r].astype(np.float32), spe, int(dead[r]))
            for r, name in enumerate(names)}


def comparison_policies(peak=3.0, epochs=100, steps_per_epoch=8) -> dict:
    """The policies § 6 compares: two constant rates and every Keras schedule, starting at (or peaking at) ``peak``.

    Steps are counted as Keras counts them (one per mini-batch); the horizons are given in
    epochs and multiplied by ``steps_per_epoch``. Used in 02_lr_policies § 6 and the appendix.
    """
    p = _check.positive(peak, "peak")
    E = _check.integer(epochs, "epochs", low=10)
    spe = _check.integer(steps_per_epoch, "steps_per_epoch", low=1)
    return {
        "constant": p,
        "small_constant": p / 10,
        "exponential": make_schedule("exponential_decay", initial_learning_rate=p, decay_steps=E // 5 * spe,
                                     decay_rate=0.5),
        "piecewise": make_schedule("piecewise_constant_decay", boundaries=[E * 4 // 10 * spe, E * 7 // 10 * spe],
                                   values=[p, p / 4, p / 20]),
        "inverse_time": make_schedule("inverse_time_decay", initial_learning_rate=p, decay_steps=E // 10 * spe,
                                      decay_rate=1.0),
        "polynomial": make_schedule("polynomial_decay", initial_learning_rate=p, decay_steps=E * spe,
                                    end_learning_rate=p / 100, power=2.0),
        "cosine": make_schedule("cosine_decay", initial_learning_rate=p, decay_steps=E * spe),
        "warmup_cosine": make_schedule("cosine_decay", initial_learning_rate=0.0, decay_steps=(E - E // 10) * spe,
                                       warmup_target=p, warmup_steps=E // 10 * spe),
        "restarts": make_schedule("cosine_decay_restarts", initial_learning_rate=p, first_decay_steps=E // 10 * spe,
                                  t_mul=2.0, m_mul=0.8),
        "plateau": ReduceLROnPlateau(p, factor=0.5, patience=5, min_delta=1e-3),
    }


def first_epoch_below(values, threshold):
    """The first (0-based) epoch whose value is below ``threshold``, or ``None``. Used in § 6."""
    v = _check.real_array(values, "values", finite=False)
    t = _check.number(threshold, "threshold")
    hit = np.flatnonzero(v < t)
    return int(hit[0]) if hit.size else None


def comparison_rows(runs: Mapping, threshold=0.1, last=10):
    """One row per run for the § 6 table.

    ``(name, first epoch with val_loss < threshold, val_loss at the last epoch, max - min of
    val_loss over the last ``last`` epochs, val_accuracy at the last epoch, lowest training loss,
    its epoch)``. Used in 02_lr_policies § 6 and the appendix.
    """
    if not isinstance(runs, Mapping) or not runs:
        raise TypeError(f"runs must be the dict train_with_schedules returns, got {type(runs).__name__}")
    last = _check.integer(last, "last", low=1)
    rows = []
    for name, r in runs.items():
        tail = r.val_loss[-last:]
        rows.append((name, first_epoch_below(r.val_loss, threshold), float(r.val_loss[-1]),
                     float(tail.max() - tail.min()), float(r.val_accuracy[-1]), float(r.loss.min()),
                     int(np.argmin(r.loss))))
    return rows


def warmup_policies(peak, epochs=100, steps_per_epoch=8, warmup_epochs=10) -> dict:
    """Constant, cosine from ``peak``, and linear warm-up to ``peak`` then cosine. Used in § 7."""
    p = _check.positive(peak, "peak")
    E = _check.integer(epochs, "epochs", low=2)
    spe = _check.integer(steps_per_epoch, "steps_per_epoch", low=1)
    W = _check.integer(warmup_epochs, "warmup_epochs", low=1, high=E - 1)
    return {"constant": p,
            "cosine": make_schedule("cosine_decay", initial_learning_rate=p, decay_steps=E * spe),
            "warmup_cosine": make_schedule("cosine_decay", initial_learning_rate=0.0, decay_steps=(E - W) * spe,
                                           warmup_target=p, warmup_steps=W * spe)}


def warmup_grid(peaks=(1.0, 3.0, 5.0, 8.0), epochs=100, seed=42, warmup_epochs=10) -> dict:
    """``{peak: train_with_schedules(warmup_policies(peak))}``: the runs behind § 7's slider (and the appendix)."""
    peaks = _check.numbers(peaks, "peaks", low=0.0, low_open=True)
    epochs = _check.integer(epochs, "epochs", low=2)
    policies = {p: warmup_policies(p, epochs, warmup_epochs=warmup_epochs) for p in peaks}  # checked before training
    # every run of every peak side by side in one call (the kernel's step loop is paid once)
    flat = {(p, name): sched for p, pol in policies.items() for name, sched in pol.items()}
    runs = train_with_schedules(flat, epochs=epochs, seed=seed)
    return {p: {name: runs[p, name] for name in pol} for p, pol in policies.items()}


def warmup_exponential(step, peak, warmup_steps, decay_steps, decay_rate):
    """Linear warm-up from 0 to ``peak`` over ``warmup_steps``, then ``peak * decay_rate ** ((t - W) / T)``.

    The reference of the chapter's Keras exercise (a ``LearningRateSchedule`` subclass); it is
    no Keras class. Used in 02_lr_policies § Exercises.
    """
    s = _check.real_array(step, "step")
    if s.size and s.min() < 0:
        raise ValueError("step must be >= 0 (the optimiser's update count)")
    p = _check.positive(peak, "peak")
    W = _check.positive(warmup_steps, "warmup_steps")
    s = s.astype(np.float64)
    out = np.where(s < W, p * s / W, exponential_decay(np.maximum(s - W, 0.0), p, decay_steps, decay_rate))
    return float(out) if out.ndim == 0 else out


# --------------------------------------------------------------------------------------------
# compute halves of the chapter's interactive figures (draw halves: figures.ch02_lr_policies)
# --------------------------------------------------------------------------------------------
#: Comparable settings over a 100-step horizon, all starting (or peaking) at 0.1.
DEFAULTS = {
    "exponential": ("exponential_decay", dict(initial_learning_rate=0.1, decay_steps=10, decay_rate=0.8)),
    "staircase": ("exponential_decay", dict(initial_learning_rate=0.1, decay_steps=10, decay_rate=0.8,
                                            staircase=True)),
    "piecewise": ("piecewise_constant_decay", dict(boundaries=[30, 60], values=[0.1, 0.05, 0.01])),
    "inverse_time": ("inverse_time_decay", dict(initial_learning_rate=0.1, decay_steps=10, decay_rate=1.0)),
    "polynomial": ("polynomial_decay", dict(initial_learning_rate=0.1, decay_steps=100, end_learning_rate=0.001,
                                            power=2.0)),
    "cosine": ("cosine_decay", dict(initial_learning_rate=0.1, decay_steps=100)),
    "warmup_cosine": ("cosine_decay", dict(initial_learning_rate=0.0, decay_steps=90, warmup_target=0.1,
                                           warmup_steps=10)),
    "restarts": ("cosine_decay_restarts", dict(initial_learning_rate=0.1, first_decay_steps=20, t_mul=2.0,
                                               m_mul=0.8)),
}


def exponential_view(initial_learning_rate=0.1, decay_steps=10, decay_rate=0.8, n_steps=100):
    """Exponential decay, smooth and staircase, on the same axes. Used in 02_lr_policies § 2 (slider)."""
    steps = np.arange(_check.integer(n_steps, "n_steps", low=1) + 1)
    kw = dict(initial_learning_rate=initial_learning_rate, decay_steps=decay_steps, decay_rate=decay_rate)
    stair = "staircase: lr0 * r ** floor(t / T)"
    return {"steps": steps, "title": "exponential_decay", "steps_post": (stair,),
            "curves": {"smooth: lr0 * r ** (t / T)": exponential_decay(steps, **kw),
                       stair: exponential_decay(steps, **kw, staircase=True)}}


def overlay_view(n_steps=100, logy=False, **show):
    """The :data:`DEFAULTS` schedules whose key is switched on in ``show`` (e.g. ``cosine=True``).

    Used in 02_lr_policies § 4 (all schedules overlaid)."""
    unknown = set(show) - set(DEFAULTS)
    if unknown:
        raise ValueError(f"show must use keys of DEFAULTS {sorted(DEFAULTS)}, got {sorted(unknown)}")
    steps = np.arange(_check.integer(n_steps, "n_steps", low=1) + 1)
    logy = _check.flag(logy, "logy")
    show = {k: _check.flag(v, k) for k, v in show.items()}
    keys = [k for k in DEFAULTS if show.get(k)]
    curves = {k: SCHEDULES[DEFAULTS[k][0]](steps, **DEFAULTS[k][1]) for k in keys}
    return {"steps": steps, "curves": curves, "title": "all schedules (DEFAULTS)", "logy": bool(logy),
            "colors": {k: i for i, k in enumerate(DEFAULTS)}, "steps_post": ("staircase", "piecewise")}


def quadratic_runs(policies: Mapping, epochs=40, w0=5.0):
    """:func:`minimise_quadratic` once per ``label -> learning rate or callable of the epoch``.

    Used in 02_lr_policies § 1."""
    if not isinstance(policies, Mapping) or not policies:
        raise ValueError("policies must be a non-empty mapping of label -> learning rate")
    return {"runs": {k: minimise_quadratic(v, epochs=epochs, w0=w0) for k, v in policies.items()}}


def quadratic_view(learning_rate=0.2, decay_rate=0.99, epochs=40):
    """``(w + 1)**2`` from ``w = 5`` with ``lr = learning_rate * decay_rate ** epoch``, beside the course's run.

    Used in 02_lr_policies § 2 (slider)."""
    learning_rate = _check.positive(learning_rate, "learning_rate")
    decay_rate = _check.positive(decay_rate, "decay_rate")
    c = COURSE_LR_DECAY
    data = quadratic_runs({f"lr = {learning_rate:.3g} * {decay_rate:.3g}^epoch":
                           lambda e: exponential_decay(e, learning_rate, 1, decay_rate)}, epochs=epochs)
    data["reference"] = quadratic_runs({"the course: 0.2 * 0.99^epoch": lambda e: exponential_decay(
        e, c["lr_base"], c["lr_step"], c["lr_decay"])}, epochs=epochs)["runs"]
    return data


def warmup_view(grid: Mapping, peak_learning_rate):
    """Pick the runs trained at one peak learning rate from ``{peak: {name: TrainingRun}}``.

    Used in 02_lr_policies § 7 (slider)."""
    if not isinstance(grid, Mapping):
        raise TypeError(f"grid must be a mapping of peak learning rate -> runs, got {type(grid).__name__}")
    if not isinstance(peak_learning_rate, numbers.Real) or peak_learning_rate not in grid:
        raise ValueError(f"peak_learning_rate must be one of {sorted(grid)}, got {peak_learning_rate!r}")
    return {"runs": dict(grid[peak_learning_rate]), "title": f"peak learning rate {peak_learning_rate:g}"}


def _view_data(data, keys, view):
    if not isinstance(data, Mapping) or not all(k in data for k in keys):
        raise TypeError(f"data must be the dict {view} returns (with keys {', '.join(keys)}), "
                        f"got {type(data).__name__}")


def schedule_caption(data, at=(0, 25, 50, 100)):
    """The numbers under a schedule figure: each curve's learning rate at a few steps (§ 2)."""
    _view_data(data, ("steps", "curves"), "schedule_view")
    if isinstance(at, (str, bytes)) or not isinstance(at, (Sequence, np.ndarray)):
        raise TypeError(f"at must be a list of steps, got {type(at).__name__}")
    last = int(data["steps"][-1])
    at = [a for a in (_check.integer(a, "at") for a in at) if a <= last]
    return "\n".join(f"{label}: " + ", ".join(f"lr({a}) = {lr[a]:.4g}" for a in at)
                     for label, lr in data["curves"].items())


def training_caption(data):
    """The numbers under a training figure: held-out loss and accuracy of each run at the last epoch (§ 7)."""
    _view_data(data, ("runs",), "warmup_view")
    return "\n".join(f"{name:<14} held-out loss {r.val_loss[-1]:.3f}   held-out accuracy {r.val_accuracy[-1]:.3f}   "
                     f"dead ReLU units {r.dead_units}/{TASK['hidden']}" for name, r in data["runs"].items())
