"""Learning-rate policies (chapter 02): the schedules of ``keras.optimizers.schedules`` in numpy.

Every schedule is a plain function of the optimiser step, vectorised over ``step`` (a scalar
or an array of any shape) and with the names, arguments, defaults and values of its Keras
class::

    exponential_decay(step, initial_learning_rate, decay_steps, decay_rate, staircase=False)
    piecewise_constant_decay(step, boundaries, values)
    inverse_time_decay(step, initial_learning_rate, decay_steps, decay_rate, staircase=False)
    polynomial_decay(step, initial_learning_rate, decay_steps, end_learning_rate=0.0001, power=1.0, cycle=False)
    cosine_decay(step, initial_learning_rate, decay_steps, alpha=0.0, warmup_target=None, warmup_steps=0)
    cosine_decay_restarts(step, initial_learning_rate, first_decay_steps, t_mul=2.0, m_mul=1.0, alpha=0.0)

plus :func:`reduce_lr_on_plateau` / :class:`ReduceLROnPlateau`, the loss-driven policy of
``keras.callbacks.ReduceLROnPlateau``.

A scalar ``step`` gives a Python ``float``, an array gives a float64 array of the same shape.
Keras computes in the dtype of ``initial_learning_rate`` (float32 for a Python float); we
compute in float64, so the two agree to float32 rounding.

To pass a schedule where "a callable of the step" is expected (an optimiser's
``learning_rate``), bind its parameters: ``make_schedule("exponential_decay",
initial_learning_rate=0.1, decay_steps=10, decay_rate=0.9)`` returns a :class:`Schedule`
(callable, printable, convertible to its Keras object with ``.to_keras()``);
``lambda step: exponential_decay(step, 0.1, 10, 0.9)`` works as well.

:func:`train_with_schedules` trains one small Keras model per schedule on the course's data
(TensorFlow is imported only when it is called). The ``*_view`` functions are the pure
``compute`` halves of the chapter's interactive figures (their ``draw`` halves are in
:mod:`course_lib.plots`).
"""

from __future__ import annotations

import copy
import functools
import math
import numbers
import types
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

__all__ = [
    "exponential_decay", "piecewise_constant_decay", "inverse_time_decay", "polynomial_decay",
    "cosine_decay", "cosine_decay_restarts", "reduce_lr_on_plateau", "ReduceLROnPlateau",
    "SCHEDULES", "KERAS_NAMES", "Schedule", "make_schedule",
    "minimise_quadratic", "COURSE_LR_DECAY", "course_lr_decay_table",
    "TrainingRun", "train_with_schedules",
    "DEFAULTS", "schedule_view", "exponential_view", "piecewise_view", "overlay_view", "quadratic_runs",
    "quadratic_view", "plateau_view", "training_view", "warmup_view", "compare_with_keras",
    "schedule_caption", "training_caption", "plateau_caption",
]


# --------------------------------------------------------------------------------------------
# argument checks (first thing every public function does)
# --------------------------------------------------------------------------------------------
def _number(name: str, v, *, low=None, low_open=False, high=None, high_open=False) -> float:
    """``v`` as a finite float within the given bounds, else TypeError / ValueError naming ``name``."""
    if isinstance(v, (bool, np.bool_)) or not isinstance(v, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(v).__name__} {v!r}")
    v = float(v)
    bad = not math.isfinite(v)
    if low is not None:
        bad |= v <= low if low_open else v < low
    if high is not None:
        bad |= v >= high if high_open else v > high
    if bad:
        lo = "" if low is None else (f"> {low}" if low_open else f">= {low}")
        hi = "" if high is None else (f"< {high}" if high_open else f"<= {high}")
        rule = " and ".join(s for s in (lo, hi) if s) or "finite"
        raise ValueError(f"{name} must be {rule}, got {v!r}")
    return v


def _positive(name, v):
    return _number(name, v, low=0.0, low_open=True)


def _non_negative(name, v):
    return _number(name, v, low=0.0)


def _bool(name: str, v) -> bool:
    if not isinstance(v, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {type(v).__name__} {v!r}")
    return bool(v)


def _int(name: str, v, *, low: int = 0) -> int:
    if isinstance(v, (bool, np.bool_)) or not isinstance(v, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {type(v).__name__} {v!r}")
    if v < low:
        raise ValueError(f"{name} must be an integer >= {low}, got {v!r}")
    return int(v)


def _choice(name: str, v, options):
    if not isinstance(v, str) or v not in options:
        raise ValueError(f"{name} must be one of {', '.join(repr(o) for o in options)}, got {v!r}")
    return v


def _steps(step):
    """``step`` as a float64 array (and whether it was a scalar); finite and >= 0."""
    if isinstance(step, (bool, np.bool_)):
        raise TypeError("step must be a number or an array of numbers, got bool")
    s = np.asarray(step)
    if s.dtype.kind not in "iuf":
        raise TypeError(f"step must be a number or an array of numbers, got dtype {s.dtype}")
    s = s.astype(np.float64)
    if s.size and (not np.all(np.isfinite(s)) or s.min() < 0):
        raise ValueError("step must be finite and >= 0 (the optimiser's update count)")
    return s, s.ndim == 0


def _out(lr, scalar):
    return float(lr) if scalar else lr


# --------------------------------------------------------------------------------------------
# the schedules
# --------------------------------------------------------------------------------------------
def exponential_decay(step, initial_learning_rate, decay_steps, decay_rate, staircase=False):
    r"""Exponential decay, the course's first policy (``keras.optimizers.schedules.ExponentialDecay``).

    .. math:: \eta(t) = \eta_0 \cdot r^{\,t / T} \qquad
              \text{(staircase: } \eta_0 \cdot r^{\lfloor t / T \rfloor}\text{)}

    The course writes it ``lr = LR_BASE * LR_DECAY ** (epoch / LR_STEP)``.

    Parameters
    ----------
    step : number or array
        Optimiser step(s) ``t >= 0``.
    initial_learning_rate : float
        :math:`\eta_0 > 0`.
    decay_steps : float
        :math:`T > 0`: the learning rate is multiplied by ``decay_rate`` every ``T`` steps.
    decay_rate : float
        :math:`r > 0` (``r < 1`` decays, ``r > 1`` grows).
    staircase : bool
        Decay in jumps every ``decay_steps`` steps (integer division) instead of smoothly.

    Returns
    -------
    float or ndarray
        The learning rate at ``step`` (float64, the shape of ``step``).
    """
    s, scalar = _steps(step)
    lr0 = _positive("initial_learning_rate", initial_learning_rate)
    T = _positive("decay_steps", decay_steps)
    r = _positive("decay_rate", decay_rate)
    p = s / T
    if _bool("staircase", staircase):
        p = np.floor(p)
    return _out(lr0 * np.power(r, p), scalar)


def piecewise_constant_decay(step, boundaries, values):
    r"""Piecewise-constant learning rate, the course's second policy (``PiecewiseConstantDecay``).

    ``values[0]`` while ``step <= boundaries[0]``, ``values[i]`` while
    ``boundaries[i-1] < step <= boundaries[i]``, ``values[-1]`` after ``boundaries[-1]``.

    Parameters
    ----------
    step : number or array
    boundaries : sequence of numbers
        Strictly increasing step counts where the learning rate changes.
    values : sequence of numbers
        ``len(boundaries) + 1`` learning rates, each > 0.

    Returns
    -------
    float or ndarray
    """
    s, scalar = _steps(step)
    if isinstance(boundaries, (str, bytes)) or not isinstance(boundaries, (Sequence, np.ndarray)):
        raise TypeError(f"boundaries must be a list of numbers, got {type(boundaries).__name__}")
    if isinstance(values, (str, bytes)) or not isinstance(values, (Sequence, np.ndarray)):
        raise TypeError(f"values must be a list of numbers, got {type(values).__name__}")
    b = np.array([_number(f"boundaries[{i}]", v) for i, v in enumerate(boundaries)], dtype=np.float64)
    vals = np.array([_positive(f"values[{i}]", v) for i, v in enumerate(values)], dtype=np.float64)
    if len(vals) != len(b) + 1:
        raise ValueError(f"values must have len(boundaries) + 1 = {len(b) + 1} entries, got {len(vals)}")
    if np.any(np.diff(b) <= 0):
        raise ValueError(f"boundaries must be strictly increasing, got {list(boundaries)}")
    # index i with boundaries[i-1] < step <= boundaries[i]
    return _out(vals[np.searchsorted(b, s, side="left")], scalar)


def inverse_time_decay(step, initial_learning_rate, decay_steps, decay_rate, staircase=False):
    r"""Inverse-time (1/t) decay (``keras.optimizers.schedules.InverseTimeDecay``).

    .. math:: \eta(t) = \frac{\eta_0}{1 + k \, t / T}
              \qquad \text{(staircase: } \lfloor t / T \rfloor \text{)}

    The classic stochastic-approximation rate (Robbins & Monro, 1951): the steps sum to
    infinity while their squares do not.

    Parameters
    ----------
    step : number or array
    initial_learning_rate : float
        :math:`\eta_0 > 0`.
    decay_steps : float
        :math:`T > 0`.
    decay_rate : float
        :math:`k >= 0`.
    staircase : bool
    """
    s, scalar = _steps(step)
    lr0 = _positive("initial_learning_rate", initial_learning_rate)
    T = _positive("decay_steps", decay_steps)
    k = _non_negative("decay_rate", decay_rate)
    p = s / T
    if _bool("staircase", staircase):
        p = np.floor(p)
    return _out(lr0 / (1.0 + k * p), scalar)


def polynomial_decay(step, initial_learning_rate, decay_steps, end_learning_rate=0.0001, power=1.0,
                     cycle=False):
    r"""Polynomial decay from ``initial_learning_rate`` to ``end_learning_rate`` (``PolynomialDecay``).

    .. math:: \eta(t) = (\eta_0 - \eta_{end}) \left(1 - \frac{\min(t, T)}{T}\right)^{p} + \eta_{end}

    With ``cycle=True`` the horizon becomes the first multiple of ``T`` at or above ``t``,
    :math:`T \lceil t / T \rceil` (``T`` at ``t = 0``), so the rate jumps back up after each ``T``.

    Parameters
    ----------
    step : number or array
    initial_learning_rate : float
        :math:`\eta_0 > 0`.
    decay_steps : float
        :math:`T > 0`.
    end_learning_rate : float
        :math:`\eta_{end} >= 0`.
    power : float
        :math:`p > 0` (1 = linear).
    cycle : bool
    """
    s, scalar = _steps(step)
    lr0 = _positive("initial_learning_rate", initial_learning_rate)
    T = _positive("decay_steps", decay_steps)
    end = _non_negative("end_learning_rate", end_learning_rate)
    pw = _positive("power", power)
    if _bool("cycle", cycle):
        horizon = T * np.maximum(np.ceil(s / T), 1.0)  # Keras: 1 at step 0 (and -inf for a subnormal step)
    else:
        s, horizon = np.minimum(s, T), T
    p = s / horizon
    return _out((lr0 - end) * np.power(1.0 - p, pw) + end, scalar)


def _cosine(s, T, decay_from, alpha):
    cosine = 0.5 * (1.0 + np.cos(np.pi * (s / T)))
    return decay_from * ((1.0 - alpha) * cosine + alpha)


def cosine_decay(step, initial_learning_rate, decay_steps, alpha=0.0, warmup_target=None, warmup_steps=0):
    r"""Cosine decay with optional linear warm-up (``keras.optimizers.schedules.CosineDecay``).

    Without warm-up (``warmup_target=None``), from :math:`\eta_0`:

    .. math:: \eta(t) = \eta_0 \left[(1 - \alpha)\, \tfrac12 \left(1 + \cos \tfrac{\pi \min(t, T)}{T}\right) + \alpha\right]

    With warm-up, the rate first rises linearly from ``initial_learning_rate`` to
    ``warmup_target`` over ``warmup_steps`` steps (Goyal et al., 2017, arXiv:1706.02677),
    then decays by the formula above from ``warmup_target`` over ``decay_steps`` steps
    (Loshchilov & Hutter, SGDR, ICLR 2017, arXiv:1608.03983).

    Parameters
    ----------
    step : number or array
    initial_learning_rate : float
        > 0, or >= 0 when warming up (warm-up usually starts from 0).
    decay_steps : float
        :math:`T > 0`, the length of the cosine (after the warm-up).
    alpha : float
        Floor of the decay as a fraction of the peak, in [0, 1].
    warmup_target : float, optional
        Peak learning rate reached at the end of the warm-up (> 0).
    warmup_steps : float
        Length of the warm-up, >= 0 (0 = start at ``warmup_target``).
    """
    s, scalar = _steps(step)
    T = _positive("decay_steps", decay_steps)
    a = _number("alpha", alpha, low=0.0, high=1.0)
    if warmup_target is None:
        lr0 = _positive("initial_learning_rate", initial_learning_rate)
        return _out(_cosine(np.minimum(s, T), T, lr0, a), scalar)
    lr0 = _non_negative("initial_learning_rate", initial_learning_rate)
    peak = _positive("warmup_target", warmup_target)
    W = _non_negative("warmup_steps", warmup_steps)
    s = np.minimum(s, T + W)
    warm = s < W
    lr = _cosine(s - W, T, peak, a)
    if W > 0:
        lr = np.where(warm, (peak - lr0) * (s / W) + lr0, lr)
    return _out(lr, scalar)


def cosine_decay_restarts(step, initial_learning_rate, first_decay_steps, t_mul=2.0, m_mul=1.0, alpha=0.0):
    r"""Cosine decay with warm restarts, SGDR (``keras.optimizers.schedules.CosineDecayRestarts``).

    Period :math:`i` (from 0) lasts :math:`T_0 t_{mul}^i` steps and starts at
    :math:`\eta_0 m_{mul}^i`; inside it, with :math:`f \in [0, 1)` the fraction done,

    .. math:: \eta = \eta_0 \left[(1 - \alpha)\, m_{mul}^i \, \tfrac12 (1 + \cos \pi f) + \alpha\right]

    Loshchilov & Hutter, "SGDR: Stochastic Gradient Descent with Warm Restarts", ICLR 2017.

    Parameters
    ----------
    step : number or array
    initial_learning_rate : float
        :math:`\eta_0 > 0`.
    first_decay_steps : float
        :math:`T_0 > 0`, length of the first period.
    t_mul : float
        Growth of the period length, >= 1 (Keras also accepts < 1, whose periods shrink
        to nothing after a finite number of steps and then give NaN).
    m_mul : float
        Factor of the restart value per period, >= 0.
    alpha : float
        Floor as a fraction of ``initial_learning_rate``, in [0, 1].
    """
    s, scalar = _steps(step)
    lr0 = _positive("initial_learning_rate", initial_learning_rate)
    T0 = _positive("first_decay_steps", first_decay_steps)
    tm = _number("t_mul", t_mul, low=1.0)
    mm = _non_negative("m_mul", m_mul)
    a = _number("alpha", alpha, low=0.0, high=1.0)
    f = s / T0
    if tm == 1.0:
        i = np.floor(f)
        f = f - i
    else:
        # period i starts at (t_mul**i - 1) / (t_mul - 1) periods of T0 (Keras' closed form)
        i = np.floor(np.log(1.0 - f * (1.0 - tm)) / np.log(tm))
        # the logarithm can land a hair below an integer exactly at a restart: fix i so that
        # start(i) <= f < start(i + 1) holds (the restart step then gets the restarted rate,
        # as with t_mul == 1; Keras' float rounding sometimes gives the end of the old period)
        start = lambda k: (1.0 - np.power(tm, k)) / (1.0 - tm)
        i = np.where(f >= start(i + 1), i + 1, i)
        i = np.where(f < start(i), i - 1, i)
        f = (f - start(i)) / np.power(tm, i)
    cosine = 0.5 * np.power(mm, i) * (1.0 + np.cos(np.pi * f))
    return _out(lr0 * ((1.0 - a) * cosine + a), scalar)


#: Every step schedule by name (the Keras class's name in snake case).
SCHEDULES: dict[str, Callable] = {
    "exponential_decay": exponential_decay,
    "piecewise_constant_decay": piecewise_constant_decay,
    "inverse_time_decay": inverse_time_decay,
    "polynomial_decay": polynomial_decay,
    "cosine_decay": cosine_decay,
    "cosine_decay_restarts": cosine_decay_restarts,
}

#: The matching class of ``keras.optimizers.schedules``.
KERAS_NAMES = {
    "exponential_decay": "ExponentialDecay",
    "piecewise_constant_decay": "PiecewiseConstantDecay",
    "inverse_time_decay": "InverseTimeDecay",
    "polynomial_decay": "PolynomialDecay",
    "cosine_decay": "CosineDecay",
    "cosine_decay_restarts": "CosineDecayRestarts",
}


class Schedule:
    """A step schedule with its parameters bound: a callable of the step.

    >>> lr = Schedule("exponential_decay", initial_learning_rate=0.2, decay_steps=1, decay_rate=0.99)
    >>> round(lr(39), 6)
    0.135146

    Parameters are checked once, here. ``to_keras()`` builds the equivalent
    ``keras.optimizers.schedules`` object (imports TensorFlow).
    """

    def __init__(self, name: str, **params):
        if not isinstance(name, str) or name not in SCHEDULES:
            raise ValueError(f"name must be one of {sorted(SCHEDULES)}, got {name!r}")
        SCHEDULES[name](0, **params)  # raises on a bad or missing parameter
        self.name = name
        self.params = dict(params)

    def __call__(self, step):
        return SCHEDULES[self.name](step, **self.params)

    def to_keras(self):
        """The same schedule as a ``keras.optimizers.schedules`` object."""
        from . import import_tf

        import_tf()
        import keras

        return getattr(keras.optimizers.schedules, KERAS_NAMES[self.name])(**self.params)

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.params.items())
        return f"Schedule({self.name!r}, {args})"

    def __eq__(self, other):
        return isinstance(other, Schedule) and (self.name, self.params) == (other.name, other.params)

    __hash__ = None


def make_schedule(name: str, **params) -> Schedule:
    """Bind a schedule's parameters: ``make_schedule("cosine_decay", initial_learning_rate=0.1,
    decay_steps=100)(step)`` equals ``cosine_decay(step, 0.1, 100)``. See :class:`Schedule`."""
    return Schedule(name, **params)


# --------------------------------------------------------------------------------------------
# reduce on plateau (driven by the loss, not by the step)
# --------------------------------------------------------------------------------------------
from .nn.callbacks import ReduceLROnPlateau, reduce_lr_on_plateau  # noqa: E402  moved to nn/

# --------------------------------------------------------------------------------------------
# the course's example: gradient descent on (w + 1)^2
# --------------------------------------------------------------------------------------------
#: The course's exponential-decay example (class2 p10) and what it prints
#: (``../shared/reference/course-results.md``).
COURSE_LR_DECAY = {
    "w0": 5.0, "lr_base": 0.2, "lr_decay": 0.99, "lr_step": 1, "epochs": 40,
    "printed": {0: {"w": 2.6, "loss": 36.0, "lr": 0.2}, 39: {"w": -0.999999, "lr": 0.135146}},
}


def minimise_quadratic(learning_rate, epochs=40, w0=5.0, dtype="float32"):
    """Gradient descent on ``loss = (w + 1)**2``, exactly the course's loop (class2 p10).

    Each epoch: ``lr = learning_rate(epoch)`` (or the constant), ``loss = (w + 1)**2``,
    ``grad = 2 (w + 1)``, ``w -= lr * grad``. The course keeps ``w`` in a float32
    ``tf.Variable``; ``dtype="float32"`` reproduces its arithmetic bit for bit.

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
        const = _positive("learning_rate", learning_rate)
        lr_fn = lambda e: const
    epochs = _int("epochs", epochs, low=1)
    w0 = _number("w0", w0)
    _choice("dtype", dtype, ("float32", "float64"))
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


def course_lr_decay_table(dtype="float32"):
    """Rows ``(quantity, course, ours)`` for the numbers the course prints in its decay example.

    ``ours`` are computed by :func:`minimise_quadratic` with the course's schedule
    ``0.2 * 0.99 ** (epoch / 1)``, rounded as the course's ``%f`` prints them.
    """
    _choice("dtype", dtype, ("float32", "float64"))
    c = COURSE_LR_DECAY
    run = minimise_quadratic(lambda e: exponential_decay(e, c["lr_base"], c["lr_step"], c["lr_decay"]),
                             epochs=c["epochs"], w0=c["w0"], dtype=dtype)
    rows = []
    for e, printed in c["printed"].items():
        for q, course in printed.items():
            rows.append((f"epoch {e} {q}", course, float(f"{run[q][e]:f}")))
    return rows


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
    from . import data

    if name == "dots":  # the course's dot.csv: 240 to train, 60 to test
        X, y = data.dots()
        (x, y_), (xt, yt) = (X[:240], y[:240]), (X[240:], y[240:])
    else:
        (x, y_), (xt, yt) = data.iris()
    mu, sd = x.mean(0), x.std(0)
    return ((x - mu) / sd).astype(np.float32), y_, ((xt - mu) / sd).astype(np.float32), yt


@functools.lru_cache(maxsize=4)
def _trainer(dataset, hidden, batch_size, epochs, seed):
    """Build once: the model, an SGD optimiser reading its rate from a table, one traced epoch."""
    from . import import_tf

    tf = import_tf()
    import keras

    x, y, xt, yt = _dataset(dataset)
    n, n_classes = len(x), int(y.max()) + 1
    bounds = [(a, min(a + batch_size, n)) for a in range(0, n, batch_size)]
    spe = len(bounds)
    init = lambda k: keras.initializers.GlorotUniform(seed=seed + k)
    layers = [keras.Input((x.shape[1],))]
    if hidden:
        layers.append(keras.layers.Dense(hidden, activation="relu", kernel_initializer=init(1)))
    if n_classes == 2:
        layers.append(keras.layers.Dense(1, activation="sigmoid", kernel_initializer=init(2)))
        loss_fn = keras.losses.BinaryCrossentropy()
        y_tf = tf.constant(y.reshape(-1, 1).astype(np.float32))
    else:
        layers.append(keras.layers.Dense(n_classes, activation="softmax", kernel_initializer=init(2)))
        loss_fn = keras.losses.SparseCategoricalCrossentropy()
        y_tf = tf.constant(y)
    model = keras.Sequential(layers)
    init_weights = [w.copy() for w in model.get_weights()]
    table = tf.Variable(np.zeros(epochs * spe, np.float32), trainable=False)

    class _Table(keras.optimizers.schedules.LearningRateSchedule):
        def __call__(self, step):
            return tf.gather(table, tf.minimum(tf.cast(step, tf.int32), epochs * spe - 1))

    opt = keras.optimizers.SGD(learning_rate=_Table())
    opt.build(model.trainable_variables)
    x_tf = tf.constant(x)

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

    rs = np.random.RandomState(seed)
    perms = [rs.permutation(n).astype(np.int32) for _ in range(epochs)]

    def run(lr_table=None, policy=None):
        model.set_weights(init_weights)
        for v in opt.variables:
            v.assign(tf.zeros_like(v))
        if policy is None:
            table.assign(lr_table)
        losses = np.empty(epochs)
        used = np.zeros(epochs * spe, np.float32)
        for e in range(epochs):
            if policy is not None:
                used[e * spe:(e + 1) * spe] = policy.learning_rate
                table.assign(used)  # only entries of this epoch and earlier are read
            losses[e] = float(one_epoch(perms[e]))
            if policy is not None:
                policy.update(losses[e])
        if policy is None:
            used = np.asarray(lr_table, np.float32)
        p = np.asarray(model(xt))
        pred = (p[:, 0] > 0.5).astype(int) if n_classes == 2 else p.argmax(1)
        return TrainingRun(losses, used, spe, float(np.mean(pred == yt)))

    # everything a test needs to replay the same training with model.fit
    return types.SimpleNamespace(steps_per_epoch=spe, run=run, model=model, initial_weights=init_weights,
                                 perms=perms, x=x, y=y, loss=loss_fn)


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
        lr = np.full(n_steps, _positive("learning_rate", schedule))
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

    Parameters
    ----------
    schedules : mapping of str to float, callable or ReduceLROnPlateau
        The policy of each run: a constant learning rate, a function of the step (one of
        this module's schedules, a :class:`Schedule`, a lambda; evaluated at every step),
        or a :class:`ReduceLROnPlateau` fed the epoch's training loss.
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
    _choice("dataset", dataset, _DATASETS)
    epochs = _int("epochs", epochs, low=1)
    batch_size = _int("batch_size", batch_size, low=1)
    hidden = _int("hidden", hidden, low=0)
    seed = _int("seed", seed)
    trainer = _trainer(dataset, hidden, batch_size, epochs, seed)
    spe, run = trainer.steps_per_epoch, trainer.run
    tables = {}
    for name, sched in schedules.items():  # check every policy before training any
        if not isinstance(sched, ReduceLROnPlateau):
            tables[name] = _tabulate(sched, epochs * spe)
    out = {}
    for name, sched in schedules.items():
        if isinstance(sched, ReduceLROnPlateau):
            policy = copy.deepcopy(sched)  # the caller's object is left as it was
            policy.reset()
            out[name] = run(policy=policy)
        else:
            out[name] = run(lr_table=tables[name])
    return out


# --------------------------------------------------------------------------------------------
# compute halves of the chapter's interactive figures (draw halves: course_lib.plots, chapter 02)
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
    """One schedule over ``0..n_steps``: ``{"steps", "curves": {label: lr}, "title"}``."""
    if not isinstance(name, str) or name not in SCHEDULES:
        raise ValueError(f"name must be one of {sorted(SCHEDULES)}, got {name!r}")
    steps = np.arange(_int("n_steps", n_steps, low=1) + 1)
    label = _curve_label(name, params)
    jumps = name == "piecewise_constant_decay" or params.get("staircase") is True
    return {"steps": steps, "curves": {label: SCHEDULES[name](steps, **params)}, "title": name,
            "steps_post": (label,) if jumps else ()}


def exponential_view(initial_learning_rate=0.1, decay_steps=10, decay_rate=0.8, n_steps=100):
    """Exponential decay, smooth and staircase, on the same axes."""
    steps = np.arange(_int("n_steps", n_steps, low=1) + 1)
    kw = dict(initial_learning_rate=initial_learning_rate, decay_steps=decay_steps, decay_rate=decay_rate)
    stair = "staircase: lr0 * r ** floor(t / T)"
    return {"steps": steps, "title": "exponential_decay", "steps_post": (stair,),
            "curves": {"smooth: lr0 * r ** (t / T)": exponential_decay(steps, **kw),
                       stair: exponential_decay(steps, **kw, staircase=True)}}


def piecewise_view(boundary_1=30, length_2=30, value_1=0.1, value_2=0.05, value_3=0.01, n_steps=100):
    """Piecewise-constant decay with two boundaries, given as the first one and the gap to the second
    (so that any slider position is valid)."""
    _non_negative("boundary_1", boundary_1)  # checked here (under the slider's names), kept as given
    for name, v in (("length_2", length_2), ("value_1", value_1), ("value_2", value_2), ("value_3", value_3)):
        _positive(name, v)
    b = [boundary_1, boundary_1 + length_2]
    data = schedule_view("piecewise_constant_decay", n_steps, boundaries=b, values=[value_1, value_2, value_3])
    data["vlines"] = b
    return data


def overlay_view(n_steps=100, logy=False, **show):
    """The :data:`DEFAULTS` schedules whose key is switched on in ``show`` (e.g. ``cosine=True``)."""
    unknown = set(show) - set(DEFAULTS)
    if unknown:
        raise ValueError(f"show must use keys of DEFAULTS {sorted(DEFAULTS)}, got {sorted(unknown)}")
    steps = np.arange(_int("n_steps", n_steps, low=1) + 1)
    logy = _bool("logy", logy)
    show = {k: _bool(k, v) for k, v in show.items()}
    keys = [k for k in DEFAULTS if show.get(k)]
    curves = {k: SCHEDULES[DEFAULTS[k][0]](steps, **DEFAULTS[k][1]) for k in keys}
    return {"steps": steps, "curves": curves, "title": "all schedules (DEFAULTS)", "logy": bool(logy),
            "colors": {k: i for i, k in enumerate(DEFAULTS)}, "steps_post": ("staircase", "piecewise")}


def quadratic_runs(policies: Mapping, epochs=40, w0=5.0):
    """:func:`minimise_quadratic` once per ``label -> learning rate or callable of the epoch``."""
    if not isinstance(policies, Mapping) or not policies:
        raise ValueError("policies must be a non-empty mapping of label -> learning rate")
    return {"runs": {k: minimise_quadratic(v, epochs=epochs, w0=w0) for k, v in policies.items()}}


def quadratic_view(learning_rate=0.2, decay_rate=0.99, epochs=40):
    """``(w + 1)**2`` from ``w = 5`` with ``lr = learning_rate * decay_rate ** epoch``, beside the course's run."""
    learning_rate, decay_rate = _positive("learning_rate", learning_rate), _positive("decay_rate", decay_rate)
    c = COURSE_LR_DECAY
    data = quadratic_runs({f"lr = {learning_rate:.3g} * {decay_rate:.3g}^epoch":
                           lambda e: exponential_decay(e, learning_rate, 1, decay_rate)}, epochs=epochs)
    data["reference"] = quadratic_runs({"the course: 0.2 * 0.99^epoch": lambda e: exponential_decay(
        e, c["lr_base"], c["lr_step"], c["lr_decay"])}, epochs=epochs)["runs"]
    return data


def plateau_view(losses, initial_learning_rate=0.1, factor=0.5, patience=5, min_delta=1e-3, cooldown=0):
    """The learning rates ReduceLROnPlateau chooses for a given loss history, and where it cut them."""
    lr = reduce_lr_on_plateau(losses, initial_learning_rate, factor=factor, patience=patience,
                              min_delta=min_delta, cooldown=cooldown)
    cuts = np.flatnonzero(lr[1:] < lr[:-1]) + 1
    return {"epoch": np.arange(len(lr)), "loss": np.asarray(losses, float), "lr": lr, "cuts": cuts}


def training_view(runs: Mapping, schedule, show_all=False, baseline="constant"):
    """Precomputed runs (:func:`train_with_schedules`): ``baseline`` and ``schedule``, or every run."""
    if not isinstance(runs, Mapping):
        raise TypeError(f"runs must be a mapping of name -> TrainingRun (train_with_schedules), got {type(runs).__name__}")
    show_all = _bool("show_all", show_all)
    for arg, name in (("schedule", schedule), ("baseline", baseline)):
        if not isinstance(name, str) or name not in runs:
            raise ValueError(f"{arg} must be one of the runs {sorted(runs)}, got {name!r}")
    names = list(runs) if show_all else list(dict.fromkeys([baseline, schedule]))
    return {"runs": {k: runs[k] for k in names}}


def warmup_view(grid: Mapping, peak_learning_rate):
    """Pick the runs trained at one peak learning rate from ``{peak: {name: TrainingRun}}``."""
    if not isinstance(grid, Mapping):
        raise TypeError(f"grid must be a mapping of peak learning rate -> runs, got {type(grid).__name__}")
    if not isinstance(peak_learning_rate, numbers.Real) or peak_learning_rate not in grid:
        raise ValueError(f"peak_learning_rate must be one of {sorted(grid)}, got {peak_learning_rate!r}")
    return {"runs": dict(grid[peak_learning_rate]), "title": f"peak learning rate {peak_learning_rate:g}"}


def _view_data(data, keys, view):
    if not isinstance(data, Mapping) or not all(k in data for k in keys):
        raise TypeError(f"data must be the dict {view} returns (with keys {', '.join(keys)}), got {type(data).__name__}")


def schedule_caption(data, at=(0, 25, 50, 100)):
    """The numbers under a schedule figure: each curve's learning rate at a few steps."""
    _view_data(data, ("steps", "curves"), "schedule_view")
    if isinstance(at, (str, bytes)) or not isinstance(at, (Sequence, np.ndarray)):
        raise TypeError(f"at must be a list of steps, got {type(at).__name__}")
    last = int(data["steps"][-1])
    at = [a for a in (_int("at", a) for a in at) if a <= last]
    return "\n".join(f"{label}: " + ", ".join(f"lr({a}) = {lr[a]:.4g}" for a in at)
                     for label, lr in data["curves"].items())


def training_caption(data):
    """The numbers under a training figure: last-epoch loss and test accuracy of each run."""
    _view_data(data, ("runs",), "training_view")
    return "\n".join(f"{name:<14} loss at the last epoch {r.loss[-1]:.4f}   lowest {r.loss.min():.4f}   "
                     f"test accuracy {r.test_accuracy:.2f}" for name, r in data["runs"].items())


def plateau_caption(data):
    """The numbers under the reduce-on-plateau figure."""
    _view_data(data, ("cuts", "lr"), "plateau_view")
    cuts = ", ".join(str(int(e)) for e in data["cuts"]) or "none"
    return f"{len(data['cuts'])} cuts (first epoch at the new rate: {cuts}); last learning rate {data['lr'][-1]:.3g}"


# --------------------------------------------------------------------------------------------
# checked against TensorFlow
# --------------------------------------------------------------------------------------------
def _course_loop_tf(epochs=40):
    """The course's class2 p10 loop, run in TensorFlow as written: ``w`` after each epoch."""
    from . import import_tf

    tf = import_tf()
    w = tf.Variable(tf.constant(5, dtype=tf.float32))
    out = []
    for epoch in range(epochs):
        lr = 0.2 * 0.99 ** (epoch / 1)
        with tf.GradientTape() as tape:
            loss = tf.square(w + 1)
        w.assign_sub(lr * tape.gradient(loss, w))
        out.append(float(w.numpy()))
    return np.array(out)


def _keras_plateau(losses, initial_learning_rate, **kw):
    import keras

    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(initial_learning_rate), loss="mse")
    cb = keras.callbacks.ReduceLROnPlateau(monitor="loss", **kw)
    cb.set_model(model)
    cb.on_train_begin()
    out = []
    for e, v in enumerate(losses):
        logs = {"loss": float(v)}
        cb.on_epoch_end(e, logs)
        out.append(logs["learning_rate"])
    return np.array(out)


def compare_with_keras(n_steps=5000, losses=None, plateau=None):
    """Our values next to TensorFlow's: rows ``(what, keras counterpart, max |ours - theirs|)``.

    * every :data:`DEFAULTS` schedule on steps ``0..n_steps-1`` against its
      ``keras.optimizers.schedules`` object (Keras' default float32 arithmetic);
    * :func:`minimise_quadratic` against the course's own TensorFlow loop (``w`` per epoch);
    * given ``losses`` and ``plateau`` (keyword arguments of :func:`reduce_lr_on_plateau`), our
      learning rates against ``keras.callbacks.ReduceLROnPlateau`` fed the same losses.
    """
    from . import import_tf

    tf = import_tf()
    import warnings

    import keras

    steps = np.arange(_int("n_steps", n_steps, low=1))
    if losses is not None:  # checked here, before anything is computed
        if not isinstance(plateau, Mapping) or "initial_learning_rate" not in plateau:
            raise TypeError("plateau must be a dict of reduce_lr_on_plateau's arguments with initial_learning_rate, "
                            f"got {plateau!r}")
        reduce_lr_on_plateau(losses, **plateau)
    rows = []
    for key, (name, params) in DEFAULTS.items():
        sched = getattr(keras.optimizers.schedules, KERAS_NAMES[name])(**params)
        if params.get("warmup_target") is not None:  # Keras' warm-up branch takes one scalar step at a time
            theirs = tf.function(lambda s, f=sched: tf.map_fn(f, s, fn_output_signature=tf.float32))(
                tf.constant(steps, tf.float32))
        else:
            theirs = sched(steps)
        diff = np.max(np.abs(SCHEDULES[name](steps, **params) - np.asarray(theirs, dtype=np.float64)))
        rows.append((key, f"schedules.{KERAS_NAMES[name]}", float(diff)))
    c = COURSE_LR_DECAY
    ours = minimise_quadratic(lambda e: exponential_decay(e, c["lr_base"], c["lr_step"], c["lr_decay"]))["w"]
    rows.append(("course (w+1)^2 loop", "the course's tf code", float(np.max(np.abs(ours - _course_loop_tf())))))
    if losses is not None:
        plateau = dict(plateau or {})
        lr0 = plateau.pop("initial_learning_rate")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # numpy 2 notice from inside Keras
            theirs = _keras_plateau(losses, lr0, **plateau)
        ours = reduce_lr_on_plateau(losses, lr0, **plateau)
        rows.append(("reduce_lr_on_plateau", "callbacks.ReduceLROnPlateau", float(np.max(np.abs(ours - theirs)))))
    return rows
