"""Chapter 02 – learning-rate policies: what the chapter runs.

* the course's example, gradient descent on ``(w + 1)**2`` (:func:`minimise_quadratic`,
  :data:`COURSE_LR_DECAY`), and its runs behind the sliders (:func:`quadratic_runs`,
  :func:`quadratic_view`);
* the same small Keras model trained once per learning-rate policy
  (:func:`train_with_schedules`, :class:`TrainingRun`; TensorFlow is imported only when it is
  called);
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
from ..nn.callbacks import ReduceLROnPlateau, reduce_lr_on_plateau
from ..nn.schedules import SCHEDULES, exponential_decay

__all__ = [
    "minimise_quadratic", "COURSE_LR_DECAY", "TrainingRun", "train_with_schedules",
    "DEFAULTS", "schedule_view", "exponential_view", "piecewise_view", "overlay_view", "quadratic_runs",
    "quadratic_view", "plateau_view", "training_view", "warmup_view",
    "schedule_caption", "training_caption", "plateau_caption",
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
# schedules driving real Keras training
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class TrainingRun:
    """One training run: what a schedule did to a model.

    Attributes
    ----------
    loss : ndarray (epochs,)
        Mean training loss of each epoch (over its mini-batches, weighted by size), as
        ``model.fit`` reports it.
    lr : ndarray (epochs * steps_per_epoch,)
        The learning rate of every step, as the optimiser used it (float32).
    steps_per_epoch : int
    test_accuracy : float
        Accuracy on the held-out samples after the last epoch.
    """

    loss: np.ndarray
    lr: np.ndarray
    steps_per_epoch: int
    test_accuracy: float

    @property
    def epochs(self) -> np.ndarray:
        """The x-axis of ``lr``: the epoch (fractional) of every step."""
        return np.arange(len(self.lr)) / self.steps_per_epoch


_DATASETS = ("dots", "iris")


def _dataset(name):
    """Standardised float32 inputs (training statistics) and integer labels, train and test."""
    (x, y), (xt, yt) = _data.dots_split() if name == "dots" else _data.iris()
    mu, sd = x.mean(0), x.std(0)
    return ((x - mu) / sd).astype(np.float32), y, ((xt - mu) / sd).astype(np.float32), yt


class _Trainer:
    """One model, one SGD optimiser reading its rate from a table, one traced epoch; many runs.

    Built once per ``(dataset, hidden, batch_size, epochs, seed)`` (:func:`_trainer`); every
    :meth:`run` starts from the same weights and sees the same mini-batches. Tests replay
    the same training with ``model.fit`` from ``model``, ``initial_weights``, ``perms``, ``x``, ``y``.
    """

    def __init__(self, dataset, hidden, batch_size, epochs, seed):
        from .. import import_tf

        tf = import_tf()
        import keras

        x, y, self.xt, self.yt = _dataset(dataset)
        n, self.n_classes = len(x), int(y.max()) + 1
        bounds = [(a, min(a + batch_size, n)) for a in range(0, n, batch_size)]
        self.steps_per_epoch, self.epochs, self.x, self.y = len(bounds), epochs, x, y
        self.model, self.loss, y_tf = self._model(keras, tf, x.shape[1], hidden, seed, y)
        self.initial_weights = [w.copy() for w in self.model.get_weights()]
        self.table = tf.Variable(np.zeros(epochs * self.steps_per_epoch, np.float32), trainable=False)
        table, last = self.table, epochs * self.steps_per_epoch - 1

        class _Table(keras.optimizers.schedules.LearningRateSchedule):
            def __call__(self, step):
                return tf.gather(table, tf.minimum(tf.cast(step, tf.int32), last))

        self.opt = opt = keras.optimizers.SGD(learning_rate=_Table())
        opt.build(self.model.trainable_variables)
        x_tf, model, loss_fn = tf.constant(x), self.model, self.loss

        @tf.function
        def one_epoch(perm):
            total = 0.0
            for a, b in bounds:  # unrolled: a few mini-batches per epoch
                idx = perm[a:b]
                with tf.GradientTape() as tape:
                    loss = loss_fn(tf.gather(y_tf, idx), model(tf.gather(x_tf, idx), training=True))
                grads = tape.gradient(loss, model.trainable_variables)
                opt.apply_gradients(zip(grads, model.trainable_variables))
                total += loss * float(b - a)
            return total / float(n)

        self.one_epoch, self._tf = one_epoch, tf
        rs = np.random.RandomState(seed)
        self.perms = [rs.permutation(n).astype(np.int32) for _ in range(epochs)]

    def _model(self, keras, tf, n_in, hidden, seed, y):
        init = lambda k: keras.initializers.GlorotUniform(seed=seed + k)
        layers = [keras.Input((n_in,))]
        if hidden:
            layers.append(keras.layers.Dense(hidden, activation="relu", kernel_initializer=init(1)))
        if self.n_classes == 2:
            layers.append(keras.layers.Dense(1, activation="sigmoid", kernel_initializer=init(2)))
            return keras.Sequential(layers), keras.losses.BinaryCrossentropy(), tf.constant(
                y.reshape(-1, 1).astype(np.float32))
        layers.append(keras.layers.Dense(self.n_classes, activation="softmax", kernel_initializer=init(2)))
        return keras.Sequential(layers), keras.losses.SparseCategoricalCrossentropy(), tf.constant(y)

    def run(self, lr_table=None, policy=None) -> TrainingRun:
        """Train from the initial weights with a table of rates or a plateau ``policy``."""
        tf, spe, epochs = self._tf, self.steps_per_epoch, self.epochs
        self.model.set_weights(self.initial_weights)
        for v in self.opt.variables:
            v.assign(tf.zeros_like(v))
        if policy is None:
            self.table.assign(lr_table)
        losses = np.empty(epochs)
        used = np.zeros(epochs * spe, np.float32)
        for e in range(epochs):
            if policy is not None:
                used[e * spe:(e + 1) * spe] = policy.learning_rate
                self.table.assign(used)  # only entries of this epoch and earlier are read
            losses[e] = float(self.one_epoch(self.perms[e]))
            if policy is not None:
                policy.update(losses[e])
        if policy is None:
            used = np.asarray(lr_table, np.float32)
        p = np.asarray(self.model(self.xt))
        pred = (p[:, 0] > 0.5).astype(int) if self.n_classes == 2 else p.argmax(1)
        return TrainingRun(losses, used, spe, float(np.mean(pred == self.yt)))


@functools.lru_cache(maxsize=4)
def _trainer(dataset, hidden, batch_size, epochs, seed) -> _Trainer:
    return _Trainer(dataset, hidden, batch_size, epochs, seed)


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


def train_with_schedules(schedules: Mapping, *, dataset="dots", epochs=100, batch_size=32, hidden=16,
                         seed=42) -> dict:
    """Train the same small Keras model once per learning-rate policy; return what happened.

    Every run starts from the same weights and sees the same mini-batches in the same
    order; only the learning rate differs. The model is ``Dense(hidden, relu)`` then a
    sigmoid (``"dots"``: the course's dot.csv, 240 training / 60 test points) or softmax
    output (``"iris"``: 120 / 30), inputs standardised, trained by plain SGD
    (``keras.optimizers.SGD``) with a cross-entropy loss.

    The loop is what ``model.fit`` does (same updates, same epoch loss; a test checks it)
    written as one ``tf.function`` per epoch, traced once for every run: a run takes a few
    hundredths of a second instead of the ~3 s that ``fit``'s per-epoch overhead costs. The
    optimiser reads its learning rate from a table filled with the schedule's values, so
    any callable of the step works, and a plateau policy can change it between epochs.

    Used in 02_lr_policies § 5, § 6 and § 7.

    Parameters
    ----------
    schedules : mapping of str to float, callable or ReduceLROnPlateau
        The policy of each run: a constant learning rate, a function of the step (one of
        :mod:`course_lib.nn.schedules`, a ``Schedule``, a lambda; evaluated at every step),
        or a :class:`~course_lib.nn.callbacks.ReduceLROnPlateau` fed the epoch's training loss.
    dataset : {"dots", "iris"}
    epochs, batch_size, hidden : int
    seed : int
        Seeds the initial weights and the shuffling.

    Returns
    -------
    dict of str to TrainingRun
    """
    if not isinstance(schedules, Mapping) or not schedules:
        raise ValueError("schedules must be a non-empty mapping of name -> learning-rate policy")
    _check.choice(dataset, "dataset", _DATASETS)
    epochs = _check.integer(epochs, "epochs", low=1)
    batch_size = _check.integer(batch_size, "batch_size", low=1)
    hidden = _check.integer(hidden, "hidden", low=0)
    seed = _check.integer(seed, "seed")
    trainer = _trainer(dataset, hidden, batch_size, epochs, seed)
    tables = {}
    for name, sched in schedules.items():  # check every policy before training any
        if not isinstance(sched, ReduceLROnPlateau):
            tables[name] = _tabulate(sched, epochs * trainer.steps_per_epoch)
    out = {}
    for name, sched in schedules.items():
        if isinstance(sched, ReduceLROnPlateau):
            policy = copy.deepcopy(sched)  # the caller's object is left as it was
            policy.reset()
            out[name] = trainer.run(policy=policy)
        else:
            out[name] = trainer.run(lr_table=tables[name])
    return out


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


def _curve_label(name, params):
    short = {"initial_learning_rate": "lr0", "decay_steps": "T", "decay_rate": "r", "end_learning_rate": "end",
             "first_decay_steps": "T0", "warmup_target": "peak", "warmup_steps": "warm-up"}
    body = ", ".join(f"{short.get(k, k)}={v:g}" if isinstance(v, (int, float)) and not isinstance(v, bool)
                     else f"{short.get(k, k)}={v}" for k, v in params.items() if k != "staircase")
    return f"{name}({body})"


def schedule_view(name, n_steps=100, **params):
    """One schedule over ``0..n_steps``: ``{"steps", "curves": {label: lr}, "title"}``.

    Used in 02_lr_policies § 4 (one slider figure per schedule)."""
    if not isinstance(name, str) or name not in SCHEDULES:
        raise ValueError(f"name must be one of {sorted(SCHEDULES)}, got {name!r}")
    steps = np.arange(_check.integer(n_steps, "n_steps", low=1) + 1)
    label = _curve_label(name, params)
    jumps = name == "piecewise_constant_decay" or params.get("staircase") is True
    return {"steps": steps, "curves": {label: SCHEDULES[name](steps, **params)}, "title": name,
            "steps_post": (label,) if jumps else ()}


def exponential_view(initial_learning_rate=0.1, decay_steps=10, decay_rate=0.8, n_steps=100):
    """Exponential decay, smooth and staircase, on the same axes. Used in 02_lr_policies § 2."""
    steps = np.arange(_check.integer(n_steps, "n_steps", low=1) + 1)
    kw = dict(initial_learning_rate=initial_learning_rate, decay_steps=decay_steps, decay_rate=decay_rate)
    stair = "staircase: lr0 * r ** floor(t / T)"
    return {"steps": steps, "title": "exponential_decay", "steps_post": (stair,),
            "curves": {"smooth: lr0 * r ** (t / T)": exponential_decay(steps, **kw),
                       stair: exponential_decay(steps, **kw, staircase=True)}}


def piecewise_view(boundary_1=30, length_2=30, value_1=0.1, value_2=0.05, value_3=0.01, n_steps=100):
    """Piecewise-constant decay with two boundaries, given as the first one and the gap to the second
    (so that any slider position is valid). Used in 02_lr_policies § 3."""
    _check.non_negative(boundary_1, "boundary_1")  # checked here (under the slider's names), kept as given
    for name, v in (("length_2", length_2), ("value_1", value_1), ("value_2", value_2), ("value_3", value_3)):
        _check.positive(v, name)
    b = [boundary_1, boundary_1 + length_2]
    data = schedule_view("piecewise_constant_decay", n_steps, boundaries=b, values=[value_1, value_2, value_3])
    data["vlines"] = b
    return data


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


def plateau_view(losses, initial_learning_rate=0.1, factor=0.5, patience=5, min_delta=1e-3, cooldown=0):
    """The learning rates ReduceLROnPlateau chooses for a given loss history, and where it cut them.

    Used in 02_lr_policies § 7 (slider)."""
    lr = reduce_lr_on_plateau(losses, initial_learning_rate, factor=factor, patience=patience,
                              min_delta=min_delta, cooldown=cooldown)
    cuts = np.flatnonzero(lr[1:] < lr[:-1]) + 1
    return {"epoch": np.arange(len(lr)), "loss": np.asarray(losses, float), "lr": lr, "cuts": cuts}


def training_view(runs: Mapping, schedule, show_all=False, baseline="constant"):
    """Precomputed runs (:func:`train_with_schedules`): ``baseline`` and ``schedule``, or every run.

    Used in 02_lr_policies § 5 (dropdown)."""
    if not isinstance(runs, Mapping):
        raise TypeError("runs must be a mapping of name -> TrainingRun (train_with_schedules), "
                        f"got {type(runs).__name__}")
    show_all = _check.flag(show_all, "show_all")
    for arg, name in (("schedule", schedule), ("baseline", baseline)):
        if not isinstance(name, str) or name not in runs:
            raise ValueError(f"{arg} must be one of the runs {sorted(runs)}, got {name!r}")
    names = list(runs) if show_all else list(dict.fromkeys([baseline, schedule]))
    return {"runs": {k: runs[k] for k in names}}


def warmup_view(grid: Mapping, peak_learning_rate):
    """Pick the runs trained at one peak learning rate from ``{peak: {name: TrainingRun}}``.

    Used in 02_lr_policies § 6 (slider)."""
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
    """The numbers under a schedule figure: each curve's learning rate at a few steps (§ 2–§ 4)."""
    _view_data(data, ("steps", "curves"), "schedule_view")
    if isinstance(at, (str, bytes)) or not isinstance(at, (Sequence, np.ndarray)):
        raise TypeError(f"at must be a list of steps, got {type(at).__name__}")
    last = int(data["steps"][-1])
    at = [a for a in (_check.integer(a, "at") for a in at) if a <= last]
    return "\n".join(f"{label}: " + ", ".join(f"lr({a}) = {lr[a]:.4g}" for a in at)
                     for label, lr in data["curves"].items())


def training_caption(data):
    """The numbers under a training figure: last-epoch loss and test accuracy of each run (§ 5, § 6)."""
    _view_data(data, ("runs",), "training_view")
    return "\n".join(f"{name:<14} loss at the last epoch {r.loss[-1]:.4f}   lowest {r.loss.min():.4f}   "
                     f"test accuracy {r.test_accuracy:.2f}" for name, r in data["runs"].items())


def plateau_caption(data):
    """The numbers under the reduce-on-plateau figure (§ 7)."""
    _view_data(data, ("cuts", "lr"), "plateau_view")
    cuts = ", ".join(str(int(e)) for e in data["cuts"]) or "none"
    return f"{len(data['cuts'])} cuts (first epoch at the new rate: {cuts}); last learning rate {data['lr'][-1]:.3g}"


