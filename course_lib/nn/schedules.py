"""Learning-rate schedules (学习率策略): the ``keras.optimizers.schedules`` classes in numpy.

Every schedule is a plain function of the optimiser step, vectorised over ``step`` (a scalar
or an array of any shape) and with the names, arguments, defaults and values of its Keras
class::

    exponential_decay(step, initial_learning_rate, decay_steps, decay_rate, staircase=False)
    piecewise_constant_decay(step, boundaries, values)
    inverse_time_decay(step, initial_learning_rate, decay_steps, decay_rate, staircase=False)
    polynomial_decay(step, initial_learning_rate, decay_steps, end_learning_rate=0.0001, power=1.0, cycle=False)
    cosine_decay(step, initial_learning_rate, decay_steps, alpha=0.0, warmup_target=None, warmup_steps=0)
    cosine_decay_restarts(step, initial_learning_rate, first_decay_steps, t_mul=2.0, m_mul=1.0, alpha=0.0)

A scalar ``step`` gives a Python ``float``, an array gives a float64 array of the same shape.
Keras computes in the dtype of ``initial_learning_rate`` (float32 for a Python float); we
compute in float64, so the two agree to float32 rounding.

To pass a schedule where "a callable of the step" is expected (an optimiser's
``learning_rate``), bind its parameters: ``make_schedule("exponential_decay",
initial_learning_rate=0.1, decay_steps=10, decay_rate=0.9)`` returns a :class:`Schedule`
(callable, printable, convertible to its Keras object with ``.to_keras()``);
``lambda step: exponential_decay(step, 0.1, 10, 0.9)`` works as well.

The loss-driven policy (``keras.callbacks.ReduceLROnPlateau``) is a callback, not a function
of the step: :mod:`course_lib.nn.callbacks`.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .. import _check

__all__ = ["exponential_decay", "piecewise_constant_decay", "inverse_time_decay", "polynomial_decay",
           "cosine_decay", "cosine_decay_restarts", "SCHEDULES", "KERAS_NAMES", "Schedule", "make_schedule"]


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
    lr0 = _check.positive(initial_learning_rate, "initial_learning_rate")
    T = _check.positive(decay_steps, "decay_steps")
    r = _check.positive(decay_rate, "decay_rate")
    p = s / T
    if _check.flag(staircase, "staircase"):
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
    b = np.array(_check.numbers(boundaries, "boundaries", min_len=0), dtype=np.float64)
    vals = np.array([_check.positive(v, f"values[{i}]") for i, v in enumerate(_check.numbers(values, "values"))],
                    dtype=np.float64)
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
    lr0 = _check.positive(initial_learning_rate, "initial_learning_rate")
    T = _check.positive(decay_steps, "decay_steps")
    k = _check.non_negative(decay_rate, "decay_rate")
    p = s / T
    if _check.flag(staircase, "staircase"):
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
    lr0 = _check.positive(initial_learning_rate, "initial_learning_rate")
    T = _check.positive(decay_steps, "decay_steps")
    end = _check.non_negative(end_learning_rate, "end_learning_rate")
    pw = _check.positive(power, "power")
    if _check.flag(cycle, "cycle"):
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
    T = _check.positive(decay_steps, "decay_steps")
    a = _check.number(alpha, "alpha", low=0.0, high=1.0)
    if warmup_target is None:
        lr0 = _check.positive(initial_learning_rate, "initial_learning_rate")
        return _out(_cosine(np.minimum(s, T), T, lr0, a), scalar)
    lr0 = _check.non_negative(initial_learning_rate, "initial_learning_rate")
    peak = _check.positive(warmup_target, "warmup_target")
    W = _check.non_negative(warmup_steps, "warmup_steps")
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
    lr0 = _check.positive(initial_learning_rate, "initial_learning_rate")
    T0 = _check.positive(first_decay_steps, "first_decay_steps")
    tm = _check.number(t_mul, "t_mul", low=1.0)
    mm = _check.non_negative(m_mul, "m_mul")
    a = _check.number(alpha, "alpha", low=0.0, high=1.0)
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
        from .. import import_tf

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
