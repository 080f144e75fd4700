"""Chapter 06 – optimizers (优化器), from scratch in numpy.

Two families live here:

* **Keras' optimizers**, same names, argument names and defaults as ``keras.optimizers``:
  :class:`SGD` (with ``momentum`` and ``nesterov``), :class:`Adagrad`, :class:`Adadelta`,
  :class:`RMSprop`, :class:`Adam` (with ``amsgrad``) and :class:`Nadam`. Their update
  rules are copied operation for operation from Keras 3's source
  (``keras/src/optimizers/*.py``), so a run follows the Keras trajectory step for step to
  float rounding (``tests/test_optimizers.py`` proves it for every class and option).
* **The course's hand-written rules** (the PKU notes' ``class2`` scripts): :class:`CourseSGDM`
  (momentum as an exponential moving average), :class:`CourseAdagrad` and
  :class:`CourseRMSProp` (no epsilon) and :class:`CourseAdam` (no epsilon, bias correction
  on the global batch count).

Every optimizer updates numpy arrays in place, as Keras updates its variables::

    opt = SGD(learning_rate=0.1, momentum=0.9)
    opt.apply_gradients([(grad_w, w), (grad_b, b)])   # w and b change in place

``learning_rate`` is a float or a schedule: any callable of the step (0, 1, 2, ...), such
as a Keras ``LearningRateSchedule`` or one of ``course_lib.schedules``. Arithmetic happens
in each variable's dtype (``float32`` variables are updated in float32, as in Keras: the
trajectories agree to the last bit or two). For float64 variables Keras rounds the learning
rate (a float32 variable) and the hyper-parameters it passes through ``ops.cast`` to float32;
we keep them in float64, so float64 runs agree to ~1e-7 relative, or to 1e-12 when the
hyper-parameters are float32 numbers. (Nadam's constant 0.96 is copied with Keras' rounding.)

For the chapter's figures: :data:`SURFACES` (2-D test functions with their gradients),
:func:`trajectory` (an optimizer's path on one), :func:`race` (several optimizers on the
same surface, cached for sliders), :func:`tuned_race` (no free lunch: each optimizer tuned
on a grid), :func:`compare_with_keras` (the one-cell check, imports TensorFlow), and pure
one-step functions (:func:`sgd_momentum_step`, :func:`adam_step`, :func:`ema_momentum_step`)
used as the exercises' references.
"""

from __future__ import annotations

import collections
import functools
import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from ._validate import flag as _flag
from ._validate import integer as _int

__all__ = ["Optimizer", "SGD", "Adagrad", "Adadelta", "RMSprop", "Adam", "Nadam",
           "CourseSGDM", "CourseAdagrad", "CourseRMSProp", "CourseAdam", "get", "KERAS_NAMES",
           "COURSE_NAMES", "sgd_momentum_step", "ema_momentum_step", "adam_step",
           "Surface", "SURFACES", "trajectory", "race", "RACE_NAMES", "adam_effective_step",
           "rotated_quadratic", "tuned_race", "KERAS_CASES", "compare_with_keras"]


# --------------------------------------------------------------------------------------------
# argument checks
# --------------------------------------------------------------------------------------------
def _number(value, name):
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a number, got {type(value).__name__}")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return value


def _in_range(value, name, low, high, *, high_open=False, low_open=False):
    value = _number(value, name)
    bad = value < low or value > high or (high_open and value == high) or (low_open and value == low)
    if bad:
        lo = "(" if low_open else "["
        hi = ")" if high_open else "]"
        raise ValueError(f"{name} must be in {lo}{low}, {high}{hi}, got {value!r}")
    return value


def _positive(value, name, *, allow_zero=False):
    value = _number(value, name)
    if value < 0 or (value == 0 and not allow_zero):
        raise ValueError(f"{name} must be {'>= 0' if allow_zero else '> 0'}, got {value!r}")
    return value


def _show(value):
    return f"an array of shape {np.shape(value)}" if isinstance(value, np.ndarray) else repr(value)


def _array(value, name):
    """A finite float64 copy of ``value`` (a number or an array of numbers)."""
    if value is None or isinstance(value, (str, bytes)):
        raise TypeError(f"{name} must be a number or an array of numbers, got {type(value).__name__}")
    try:
        a = np.array(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a number or an array of numbers, got {_show(value)}") from None
    if not np.all(np.isfinite(a)):
        raise ValueError(f"{name} must be finite (no NaN or inf)")
    return a


def _same_shapes(**arrays):
    """Arrays meant to match element for element: never broadcast silently."""
    (first, a0), *rest = arrays.items()
    for name, a in rest:
        if a.shape != a0.shape:
            raise ValueError(f"{name} has shape {a.shape} but {first} has shape {a0.shape}; they must match")


def _learning_rate(value, name="learning_rate"):
    if callable(value):
        return value
    return _positive(value, name, allow_zero=True)


# --------------------------------------------------------------------------------------------
# the base class: state per variable, a step counter, the learning rate (float or schedule)
# --------------------------------------------------------------------------------------------
class Optimizer:
    """Base class: keeps per-variable slots and the step counter; subclasses define the rule.

    Parameters
    ----------
    learning_rate : float or callable
        A non-negative number, or a schedule ``step -> learning rate`` called with the
        number of updates made so far (0 for the first), as Keras calls a
        ``LearningRateSchedule`` with ``optimizer.iterations``.

    Attributes
    ----------
    iterations : int
        Number of :meth:`apply_gradients` calls so far (Keras' ``optimizer.iterations``).
    """

    #: slot name -> name of the attribute holding its initial value (``None``: zeros)
    _slots: dict = {}

    def __init__(self, learning_rate):
        self.learning_rate = _learning_rate(learning_rate)
        self.iterations = 0
        self._state = {}  # id(variable) -> (variable, {slot: array})

    # -- the public API ------------------------------------------------------------------------
    def current_learning_rate(self, step: int | None = None) -> float:
        """The learning rate used at ``step`` (default: the next update's)."""
        step = self.iterations if step is None else _int(step, "step", 0)
        lr = self.learning_rate
        if callable(lr):
            lr = float(np.asarray(lr(step)))
            if not math.isfinite(lr) or lr < 0:
                raise ValueError(f"learning_rate schedule returned {lr!r} at step {step}; "
                                 "it must give a finite number >= 0")
        return lr

    def apply_gradients(self, grads_and_vars):
        """Apply one update to every variable, in place.

        Parameters
        ----------
        grads_and_vars : iterable of (gradient, variable)
            ``variable`` is a writeable floating-point numpy array, updated in place;
            ``gradient`` has its shape (it is cast to the variable's dtype, as Keras does).

        Returns
        -------
        int
            The new step count :attr:`iterations`.
        """
        if isinstance(grads_and_vars, (str, bytes, np.ndarray)):
            raise TypeError(f"grads_and_vars must be an iterable of (gradient, variable) pairs, got "
                            f"{type(grads_and_vars).__name__}")
        try:
            pairs = list(grads_and_vars)
        except TypeError:
            raise TypeError("grads_and_vars must be an iterable of (gradient, variable) pairs, got "
                            f"{type(grads_and_vars).__name__}") from None
        if not pairs:
            raise ValueError("grads_and_vars must hold at least one (gradient, variable) pair")
        checked = []
        for pair in pairs:
            try:
                g, v = pair
            except (TypeError, ValueError):
                raise TypeError("grads_and_vars must hold (gradient, variable) pairs") from None
            if not isinstance(v, np.ndarray) or v.dtype.kind != "f":
                raise TypeError("grads_and_vars: each variable must be a floating-point numpy array, "
                                f"got {type(v).__name__}")
            if not v.flags.writeable:
                raise ValueError("grads_and_vars: a variable is read-only; it must be updated in place")
            try:
                g = np.asarray(g, dtype=v.dtype)
            except (TypeError, ValueError):
                raise TypeError(f"grads_and_vars: a gradient must be an array of numbers, got {_show(g)}") from None
            if g.shape != v.shape:
                raise ValueError(f"grads_and_vars: gradient shape {g.shape} differs from variable shape {v.shape}")
            checked.append((g, v))
        lr = self.current_learning_rate()
        self._before_step(checked[0][1].dtype)
        for g, v in checked:
            self._update_step(g, v, v.dtype.type(lr), self._slots_for(v))
        self.iterations += 1
        return self.iterations

    def get_config(self) -> dict:
        """The constructor's arguments, as Keras' ``get_config`` gives them."""
        return {"learning_rate": self.learning_rate, **{k: getattr(self, k) for k in self._config}}

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"

    # -- for subclasses ------------------------------------------------------------------------
    _config: tuple = ()

    def _slots_for(self, v):
        entry = self._state.get(id(v))
        if entry is None or entry[0] is not v:
            slots = {}
            for name, init in self._slots.items():
                value = 0.0 if init is None else getattr(self, init)
                slots[name] = np.full_like(v, value)
            entry = (v, slots)
            self._state[id(v)] = entry
        return entry[1]

    def _before_step(self, dtype):
        pass

    def _update_step(self, g, w, lr, s):  # pragma: no cover - abstract
        """Update ``w`` in place from its gradient ``g``, the learning rate ``lr`` (in w's dtype) and
        ``s``, this variable's slots (moment estimates), also updated in place."""
        raise NotImplementedError


# --------------------------------------------------------------------------------------------
# Keras' optimizers
# --------------------------------------------------------------------------------------------
class SGD(Optimizer):
    """Stochastic gradient descent, with optional (Nesterov) momentum, as ``keras.optimizers.SGD``.

    Without momentum: ``w ← w − lr·g``. With momentum μ (Polyak's heavy ball, Keras' form)::

        m ← μ·m − lr·g
        w ← w + m                      (nesterov=False)
        w ← w + μ·m − lr·g             (nesterov=True: Nesterov, 1983; Sutskever et al., 2013)

    Keras' velocity ``m`` already contains the learning rate. The course's momentum is an
    exponential moving average (:class:`CourseSGDM`): the same path with lr scaled by (1 − μ).

    Parameters
    ----------
    learning_rate : float or callable, default 0.01
    momentum : float in [0, 1], default 0.0
    nesterov : bool, default False
    """

    _config = ("momentum", "nesterov")
    _slots = {"momentum": None}

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False):
        super().__init__(learning_rate)
        self.momentum = _in_range(momentum, "momentum", 0.0, 1.0)
        self.nesterov = _flag(nesterov, "nesterov")

    def _update_step(self, g, w, lr, s):
        if self.momentum != 0:
            mu = w.dtype.type(self.momentum)
            m = s["momentum"]
            m[...] = m * mu - g * lr
            if self.nesterov:
                w += m * mu - g * lr
            else:
                w += m
        else:
            w -= g * lr


class Adagrad(Optimizer):
    """Adagrad (Duchi, Hazan & Singer, 2011), as ``keras.optimizers.Adagrad``::

        a ← a + g²                     (a starts at initial_accumulator_value)
        w ← w − lr·g / √(a + ε)

    Each coordinate's step shrinks as its squared gradients pile up: good for sparse
    features, but the steps decay to nothing on long runs.

    Parameters
    ----------
    learning_rate : float or callable, default 0.001
    initial_accumulator_value : float >= 0, default 0.1
    epsilon : float > 0, default 1e-7
    """

    _config = ("initial_accumulator_value", "epsilon")
    _slots = {"accumulator": "initial_accumulator_value"}

    def __init__(self, learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7):
        super().__init__(learning_rate)
        self.initial_accumulator_value = _positive(initial_accumulator_value, "initial_accumulator_value",
                                                   allow_zero=True)
        self.epsilon = _positive(epsilon, "epsilon")

    def _update_step(self, g, w, lr, s):
        acc = s["accumulator"]
        acc += np.square(g)
        w -= (lr * g) / np.sqrt(acc + w.dtype.type(self.epsilon))


class Adadelta(Optimizer):
    """Adadelta (Zeiler, 2012), as ``keras.optimizers.Adadelta``::

        E[g²] ← ρ·E[g²] + (1 − ρ)·g²
        Δ     ← −√(E[Δ²] + ε) / √(E[g²] + ε) · g
        E[Δ²] ← ρ·E[Δ²] + (1 − ρ)·Δ²
        w     ← w + lr·Δ

    The ratio of two running RMS values gives each step the units of ``w``; the paper uses
    lr = 1 (Keras' default 0.001 makes it very slow).

    Parameters
    ----------
    learning_rate : float or callable, default 0.001
    rho : float in [0, 1), default 0.95
    epsilon : float > 0, default 1e-7
    """

    _config = ("rho", "epsilon")
    _slots = {"accumulated_grad": None, "accumulated_delta_var": None}

    def __init__(self, learning_rate=0.001, rho=0.95, epsilon=1e-7):
        super().__init__(learning_rate)
        self.rho = _in_range(rho, "rho", 0.0, 1.0, high_open=True)
        self.epsilon = _positive(epsilon, "epsilon")

    def _update_step(self, g, w, lr, s):
        t = w.dtype.type
        rho, one_m_rho, eps = t(self.rho), t(1 - self.rho), t(self.epsilon)
        ag, ad = s["accumulated_grad"], s["accumulated_delta_var"]
        ag[...] = rho * ag + one_m_rho * np.square(g)
        delta = -((np.sqrt(ad + eps) * g) / np.sqrt(ag + eps))
        ad[...] = rho * ad + one_m_rho * np.square(delta)
        w += lr * delta


class RMSprop(Optimizer):
    """RMSProp (Hinton, Coursera lecture 6e, 2012), as ``keras.optimizers.RMSprop``::

        v ← ρ·v + (1 − ρ)·g²
        Δ = lr·g / √(v + ε)            (centered: √(v − ḡ² + ε), ḡ ← ρ·ḡ + (1 − ρ)·g)
        w ← w − Δ                      (momentum μ > 0: m ← μ·m + Δ; w ← w − m)

    A moving average instead of Adagrad's sum: old gradients are forgotten, so the steps
    stop shrinking.

    Parameters
    ----------
    learning_rate : float or callable, default 0.001
    rho : float in [0, 1), default 0.9
    momentum : float in [0, 1], default 0.0
    epsilon : float > 0, default 1e-7
    centered : bool, default False
    """

    _config = ("rho", "momentum", "epsilon", "centered")
    _slots = {"velocity": None, "momentum_slot": None, "average_gradient": None}

    def __init__(self, learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False):
        super().__init__(learning_rate)
        self.rho = _in_range(rho, "rho", 0.0, 1.0, high_open=True)
        self.momentum = _in_range(momentum, "momentum", 0.0, 1.0)
        self.epsilon = _positive(epsilon, "epsilon")
        self.centered = _flag(centered, "centered")

    def _update_step(self, g, w, lr, s):
        t = w.dtype.type
        rho, one_m_rho, eps = t(self.rho), t(1 - self.rho), t(self.epsilon)
        v = s["velocity"]
        v[...] = rho * v + one_m_rho * np.square(g)
        if self.centered:
            ag = s["average_gradient"]
            ag[...] = rho * ag + one_m_rho * g
            denominator = v - np.square(ag) + eps
        else:
            denominator = v + eps
        increment = (lr * g) / np.sqrt(denominator)
        if self.momentum > 0:
            m = s["momentum_slot"]
            m[...] = t(self.momentum) * m + increment
            w -= m
        else:
            w -= increment


class Adam(Optimizer):
    """Adam (Kingma & Ba, 2015), as ``keras.optimizers.Adam``::

        m ← m + (g − m)·(1 − β₁)        (= β₁·m + (1 − β₁)·g)
        v ← v + (g² − v)·(1 − β₂)
        α = lr · √(1 − β₂ᵗ) / (1 − β₁ᵗ)  (bias correction folded into the step, t = 1, 2, ...)
        w ← w − α·m / (√v + ε)

    Keras adds ε to √v *before* bias correction (the paper's "ε-hat" form of section 2):
    the same as the paper's ``m̂/(√v̂ + ε̂)`` with ε̂ = ε·√(1 − β₂ᵗ).
    ``amsgrad=True`` (Reddi et al., 2018) divides by the running maximum of v instead.

    Parameters
    ----------
    learning_rate : float or callable, default 0.001
    beta_1, beta_2 : float in [0, 1), defaults 0.9 and 0.999
    epsilon : float > 0, default 1e-7
    amsgrad : bool, default False
    """

    _config = ("beta_1", "beta_2", "epsilon", "amsgrad")
    _slots = {"momentum": None, "velocity": None, "velocity_hat": None}

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False):
        super().__init__(learning_rate)
        self.beta_1 = _in_range(beta_1, "beta_1", 0.0, 1.0, high_open=True)
        self.beta_2 = _in_range(beta_2, "beta_2", 0.0, 1.0, high_open=True)
        self.epsilon = _positive(epsilon, "epsilon")
        self.amsgrad = _flag(amsgrad, "amsgrad")

    def _update_step(self, g, w, lr, s):
        t = w.dtype.type
        step = t(self.iterations + 1)
        b1_power = np.power(t(self.beta_1), step)
        b2_power = np.power(t(self.beta_2), step)
        alpha = lr * np.sqrt(t(1) - b2_power) / (t(1) - b1_power)
        m, v = s["momentum"], s["velocity"]
        m += (g - m) * t(1 - self.beta_1)
        v += (np.square(g) - v) * t(1 - self.beta_2)
        if self.amsgrad:
            vh = s["velocity_hat"]
            np.maximum(vh, v, out=vh)
            v = vh
        w -= (m * alpha) / (np.sqrt(v) + t(self.epsilon))


# Keras' momentum-schedule constant: ``ops.cast(0.96, dtype)`` in update_step goes through a
# float32 tensor (``ops.power(0.96, ...)`` in the Πμ update does not): for float64 variables the
# two differ in the 8th digit, and we copy that to follow Keras to the last bit.
_NADAM_DECAY = float(np.float32(0.96))


class Nadam(Optimizer):
    """Nadam: Adam with Nesterov momentum (Dozat, 2016), as ``keras.optimizers.Nadam``.

    Keras follows Dozat's paper with its *momentum schedule* μₜ = β₁·(1 − ½·0.96ᵗ)
    and the product Πμ of all the μ so far (the "momentum cache")::

        m ← m + (g − m)·(1 − β₁);   v ← v + (g² − v)·(1 − β₂)
        m̂ = μₜ₊₁·m / (1 − Πμ·μₜ₊₁) + (1 − μₜ)·g / (1 − Πμ)
        v̂ = v / (1 − β₂ᵗ)
        w ← w − lr·m̂ / (√v̂ + ε)

    Parameters
    ----------
    learning_rate : float or callable, default 0.001
    beta_1, beta_2 : float in [0, 1), defaults 0.9 and 0.999
    epsilon : float > 0, default 1e-7
    """

    _config = ("beta_1", "beta_2", "epsilon")
    _slots = {"momentum": None, "velocity": None}

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
        super().__init__(learning_rate)
        self.beta_1 = _in_range(beta_1, "beta_1", 0.0, 1.0, high_open=True)
        self.beta_2 = _in_range(beta_2, "beta_2", 0.0, 1.0, high_open=True)
        self.epsilon = _positive(epsilon, "epsilon")
        self._u_product = None

    def _before_step(self, dtype):
        # Keras keeps Πμ in one variable of the first variable's dtype, updated once per step.
        t = np.dtype(dtype).type
        if self._u_product is None:
            self._u_product = t(1.0)
        u = self._u_product
        self._u_product = u * type(u)(self.beta_1) * (
            type(u)(1.0) - type(u)(0.5) * np.power(type(u)(0.96), type(u)(self.iterations + 1)))

    def _update_step(self, g, w, lr, s):
        t = w.dtype.type
        local_step, next_step = t(self.iterations + 1), t(self.iterations + 2)
        decay, beta_1, beta_2 = t(_NADAM_DECAY), t(self.beta_1), t(self.beta_2)
        u_t = beta_1 * (t(1.0) - t(0.5) * np.power(decay, local_step))
        u_t_1 = beta_1 * (t(1.0) - t(0.5) * np.power(decay, next_step))
        u_product_t = t(self._u_product)
        u_product_t_1 = u_product_t * u_t_1
        beta_2_power = np.power(beta_2, local_step)
        m, v = s["momentum"], s["velocity"]
        m += (g - m) * (t(1) - beta_1)
        v += (np.square(g) - v) * (t(1) - beta_2)
        m_hat = (u_t_1 * m) / (t(1) - u_product_t_1) + ((t(1) - u_t) * g) / (t(1) - u_product_t)
        v_hat = v / (t(1) - beta_2_power)
        w -= (m_hat * lr) / (np.sqrt(v_hat) + t(self.epsilon))


# --------------------------------------------------------------------------------------------
# the course's hand-written rules (class2/p34–p38 of the PKU notes)
# --------------------------------------------------------------------------------------------
_TINY = {np.dtype(t): np.finfo(t).tiny for t in (np.float16, np.float32, np.float64)}


def _ftz(x):
    """Flush subnormal floats to zero in place, as TensorFlow's CPU kernels do (FTZ/DAZ)."""
    x[np.abs(x) < _TINY[x.dtype]] = 0
    return x


class CourseSGDM(Optimizer):
    """The course's SGD with momentum: an exponential moving average of the gradients::

        m ← β·m + (1 − β)·g;   w ← w − lr·m

    Unrolled, ``lr·m`` is Keras' velocity with lr scaled by (1 − β): ``CourseSGDM(lr, β)``
    follows exactly the path of ``SGD(lr·(1 − β), momentum=β)``. The EMA form keeps the
    step's size at about ``lr·|g|`` whatever β is; Keras' form gives steps up to 1/(1 − β)
    times larger once the velocity has built up.

    Parameters
    ----------
    learning_rate : float or callable, default 0.1 (the course's)
    beta : float in [0, 1), default 0.9
    """

    _config = ("beta",)
    _slots = {"m": None}

    def __init__(self, learning_rate=0.1, beta=0.9):
        super().__init__(learning_rate)
        self.beta = _in_range(beta, "beta", 0.0, 1.0, high_open=True)

    def _update_step(self, g, w, lr, s):
        t = w.dtype.type
        m = s["m"]
        m *= t(self.beta)
        m += t(1 - self.beta) * g
        w -= lr * m


class _NoEpsilon(Optimizer):
    """The course's rules divide by √v with no ε; ``flush_to_zero`` mimics TensorFlow's CPU arithmetic."""

    def _prepare(self, g):
        if self.flush_to_zero:
            g = _ftz(g.copy())
        return g

    def _divide(self, num, v_hat, t):
        if self.epsilon == 0:
            den = np.sqrt(v_hat)
        else:
            den = np.sqrt(v_hat) + t(self.epsilon)
        return num / den


class CourseAdagrad(_NoEpsilon):
    """The course's Adagrad: ``v ← v + g²;  w ← w − lr·g/√v``, no ε, v starting at 0.

    Without ε a coordinate whose gradients have all been exactly 0 divides 0 by 0.

    Parameters
    ----------
    learning_rate : float or callable, default 0.1 (the course's)
    epsilon : float >= 0, default 0.0 (the course has none; Keras' Adagrad uses 1e-7 and
        an initial accumulator of 0.1)
    flush_to_zero : bool, default False
        Treat subnormal numbers (below 1.2e-38 in float32) as 0, as TensorFlow's CPU kernels do.
    """

    _config = ("epsilon", "flush_to_zero")
    _slots = {"v": None}

    def __init__(self, learning_rate=0.1, epsilon=0.0, flush_to_zero=False):
        super().__init__(learning_rate)
        self.epsilon = _positive(epsilon, "epsilon", allow_zero=True)
        self.flush_to_zero = _flag(flush_to_zero, "flush_to_zero")

    def _update_step(self, g, w, lr, s):
        g = self._prepare(g)
        v = s["v"]
        sq = np.square(g)
        if self.flush_to_zero:
            _ftz(sq)
        v += sq
        w -= self._divide(lr * g, v, w.dtype.type)


class CourseRMSProp(_NoEpsilon):
    """The course's RMSProp: ``v ← β·v + (1 − β)·g²;  w ← w − lr·g/√v``, no ε.

    With no ε the step is ``lr·g/√v``: ``lr·sign(g)/√(1 − β)`` on the first step (3.16·lr for
    β = 0.9) however small the gradient is, so the weights keep moving after the loss is low.
    On the iris run the logits grow past 100, some gradients fall to 1e-20, their squares
    underflow, v decays below the smallest normal float and TensorFlow, which flushes
    subnormal numbers to 0, divides by √0: inf, then NaN – the course's RMSProp result.
    Plain numpy keeps subnormals and survives; ``flush_to_zero=True`` reproduces TensorFlow.

    Parameters
    ----------
    learning_rate : float or callable, default 0.1 (the course's)
    beta : float in [0, 1), default 0.9
    epsilon : float >= 0, default 0.0
    flush_to_zero : bool, default False
        Treat subnormal numbers as 0 (TensorFlow's CPU arithmetic).
    """

    _config = ("beta", "epsilon", "flush_to_zero")
    _slots = {"v": None}

    def __init__(self, learning_rate=0.1, beta=0.9, epsilon=0.0, flush_to_zero=False):
        super().__init__(learning_rate)
        self.beta = _in_range(beta, "beta", 0.0, 1.0, high_open=True)
        self.epsilon = _positive(epsilon, "epsilon", allow_zero=True)
        self.flush_to_zero = _flag(flush_to_zero, "flush_to_zero")

    def _update_step(self, g, w, lr, s):
        t = w.dtype.type
        g = self._prepare(g)
        v = s["v"]
        v *= t(self.beta)
        sq = t(1 - self.beta) * np.square(g)
        if self.flush_to_zero:
            _ftz(v)
            _ftz(sq)
        v += sq
        if self.flush_to_zero:
            _ftz(v)
        w -= self._divide(lr * g, v, t)


class CourseAdam(_NoEpsilon):
    """The course's Adam: moving averages, each bias-corrected with the global step t, no ε::

        m ← β₁·m + (1 − β₁)·g;   v ← β₂·v + (1 − β₂)·g²
        m̂ = m/(1 − β₁ᵗ);  v̂ = v/(1 − β₂ᵗ);  w ← w − lr·m̂/√v̂

    t counts every batch since the start (1 … 2000 in the iris run), not the epoch.
    ``bias_correction=False`` drops the two divisions, to show what they are for.

    Parameters
    ----------
    learning_rate : float or callable, default 0.1 (the course's)
    beta_1, beta_2 : float in [0, 1), defaults 0.9 and 0.999
    epsilon : float >= 0, default 0.0 (added to √v̂ when > 0, the paper's form)
    bias_correction : bool, default True
    flush_to_zero : bool, default False
        Treat subnormal numbers as 0 (TensorFlow's CPU arithmetic).
    """

    _config = ("beta_1", "beta_2", "epsilon", "bias_correction", "flush_to_zero")
    _slots = {"m": None, "v": None}

    def __init__(self, learning_rate=0.1, beta_1=0.9, beta_2=0.999, epsilon=0.0, bias_correction=True,
                 flush_to_zero=False):
        super().__init__(learning_rate)
        self.beta_1 = _in_range(beta_1, "beta_1", 0.0, 1.0, high_open=True)
        self.beta_2 = _in_range(beta_2, "beta_2", 0.0, 1.0, high_open=True)
        self.epsilon = _positive(epsilon, "epsilon", allow_zero=True)
        self.bias_correction = _flag(bias_correction, "bias_correction")
        self.flush_to_zero = _flag(flush_to_zero, "flush_to_zero")

    def _update_step(self, g, w, lr, s):
        t = w.dtype.type
        g = self._prepare(g)
        m, v = s["m"], s["v"]
        m *= t(self.beta_1)
        m += t(1 - self.beta_1) * g
        v *= t(self.beta_2)
        sq = t(1 - self.beta_2) * np.square(g)
        if self.flush_to_zero:
            _ftz(m)
            _ftz(v)
            _ftz(sq)
        v += sq
        if self.bias_correction:
            step = t(self.iterations + 1)
            m_hat = m / (t(1) - t(self.beta_1) ** step)
            v_hat = v / (t(1) - t(self.beta_2) ** step)
        else:
            m_hat, v_hat = m, v
        w -= self._divide(lr * m_hat, v_hat, t)


#: Keras-style optimizers by lower-case name (``nag`` is SGD with Nesterov momentum).
KERAS_NAMES = ("sgd", "sgdm", "nag", "adagrad", "adadelta", "rmsprop", "adam", "amsgrad", "nadam")
#: The course's variants by name, as :func:`course_lib.experiments.iris_optimizers` uses them.
COURSE_NAMES = ("sgd", "sgdm", "adagrad", "rmsprop", "adam")


def get(name: str, learning_rate=None, *, course: bool = False, **kwargs) -> Optimizer:
    """An optimizer by name: ``get("adam", 0.01)``, ``get("sgdm", 0.1, course=True)``.

    Parameters
    ----------
    name : str
        One of :data:`KERAS_NAMES` (or :data:`COURSE_NAMES` with ``course=True``).
        ``"sgdm"`` is ``SGD(momentum=0.9)``, ``"nag"`` adds ``nesterov=True``,
        ``"amsgrad"`` is ``Adam(amsgrad=True)``.
    learning_rate : float or callable, optional
        Default: the class's default.
    course : bool
        Build the course's hand-written variant instead of the Keras one.
    **kwargs
        Passed to the class (e.g. ``momentum=0.5``).
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be a string, got {type(name).__name__}")
    course = _flag(course, "course")
    key = name.lower()
    lr = {} if learning_rate is None else {"learning_rate": learning_rate}
    if course:
        table = {"sgd": SGD, "sgdm": CourseSGDM, "adagrad": CourseAdagrad, "rmsprop": CourseRMSProp,
                 "adam": CourseAdam}
        if key not in table:
            raise ValueError(f"name must be one of {COURSE_NAMES} with course=True, got {name!r}")
        return table[key](**lr, **kwargs)
    table = {"sgd": (SGD, {}), "sgdm": (SGD, {"momentum": 0.9}), "nag": (SGD, {"momentum": 0.9, "nesterov": True}),
             "adagrad": (Adagrad, {}), "adadelta": (Adadelta, {}), "rmsprop": (RMSprop, {}), "adam": (Adam, {}),
             "amsgrad": (Adam, {"amsgrad": True}), "nadam": (Nadam, {})}
    if key not in table:
        raise ValueError(f"name must be one of {KERAS_NAMES}, got {name!r}")
    cls, extra = table[key]
    return cls(**lr, **{**extra, **kwargs})


# --------------------------------------------------------------------------------------------
# pure one-step rules (the exercises' references)
# --------------------------------------------------------------------------------------------
def sgd_momentum_step(w, m, g, learning_rate=0.01, momentum=0.9, nesterov=False):
    """One step of Keras' SGD with momentum; returns the new ``(w, m)`` (inputs untouched).

    ``m ← μ·m − lr·g``, then ``w ← w + m`` (or ``w + μ·m − lr·g`` with Nesterov).
    """
    opt = SGD(learning_rate, momentum=momentum, nesterov=nesterov)
    w, m, g = _array(w, "w"), _array(m, "m"), _array(g, "g")
    _same_shapes(w=w, m=m, g=g)
    opt._update_step(g, w, opt.current_learning_rate(), {"momentum": m})
    return w, m


def ema_momentum_step(w, m, g, learning_rate=0.1, beta=0.9):
    """One step of the course's momentum ``m ← β·m + (1 − β)·g; w ← w − lr·m``; returns ``(w, m)``."""
    opt = CourseSGDM(learning_rate, beta=beta)
    w, m, g = _array(w, "w"), _array(m, "m"), _array(g, "g")
    _same_shapes(w=w, m=m, g=g)
    opt._update_step(g, w, opt.current_learning_rate(), {"m": m})
    return w, m


def adam_step(w, m, v, g, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    """Step ``t`` (1, 2, ...) of Keras' Adam; returns the new ``(w, m, v)`` (inputs untouched)."""
    if isinstance(t, bool) or not isinstance(t, (int, np.integer)) or t < 1:
        raise ValueError(f"t must be an integer >= 1, got {t!r}")
    opt = Adam(learning_rate, beta_1=beta_1, beta_2=beta_2, epsilon=epsilon)
    opt.iterations = int(t) - 1
    w, m, v, g = _array(w, "w"), _array(m, "m"), _array(v, "v"), _array(g, "g")
    _same_shapes(w=w, m=m, v=v, g=g)
    if np.any(v < 0):
        raise ValueError("v (the moving average of g²) must be >= 0")
    opt._update_step(g, w, opt.current_learning_rate(), {"momentum": m, "velocity": v})
    return w, m, v


def adam_effective_step(steps=100, beta_1=0.9, beta_2=0.999, bias_correction=True):
    """|Δw|/lr of Adam for a constant gradient, per step: 1 with bias correction.

    Without it the ratio is ``(1 − β₁ᵗ)/√(1 − β₂ᵗ)``: 3.16 at t = 1 for the default betas,
    and it takes about 1/(1 − β₂) steps to settle.
    """
    steps = _int(steps, "steps", 1)
    beta_1 = _in_range(beta_1, "beta_1", 0.0, 1.0, high_open=True)
    beta_2 = _in_range(beta_2, "beta_2", 0.0, 1.0, high_open=True)
    t = np.arange(1, steps + 1, dtype=np.float64)
    if _flag(bias_correction, "bias_correction"):
        return np.ones_like(t)
    return (1 - beta_1 ** t) / np.sqrt(1 - beta_2 ** t)


# --------------------------------------------------------------------------------------------
# 2-D test functions and paths on them
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Surface:
    """A 2-D test function: ``f(x1, x2)`` (vectorised), its gradient, a start and a view."""

    name: str
    f: Callable
    grad: Callable
    x0: tuple
    xlim: tuple
    ylim: tuple
    minimum: tuple | None
    formula: str
    preset: dict = field(default_factory=dict)  # race() settings that show the surface well


def _quad_f(x, y):
    return 0.1 * x ** 2 + 2 * y ** 2


def _quad_g(x, y):
    return np.array([0.2 * x, 4 * y])


def _rosen_f(x, y):
    return (1 - x) ** 2 + 100 * (y - x ** 2) ** 2


def _rosen_g(x, y):
    return np.array([-2 * (1 - x) - 400 * x * (y - x ** 2), 200 * (y - x ** 2)])


def _saddle_f(x, y):
    return 0.5 * x ** 2 + 0.25 * y ** 4 - 0.5 * y ** 2


def _saddle_g(x, y):
    return np.array([x, y ** 3 - y])


def _beale_f(x, y):
    return (1.5 - x + x * y) ** 2 + (2.25 - x + x * y ** 2) ** 2 + (2.625 - x + x * y ** 3) ** 2


def _beale_g(x, y):
    a, b, c = 1.5 - x + x * y, 2.25 - x + x * y ** 2, 2.625 - x + x * y ** 3
    return np.array([2 * a * (y - 1) + 2 * b * (y ** 2 - 1) + 2 * c * (y ** 3 - 1),
                     2 * a * x + 4 * b * x * y + 6 * c * x * y ** 2])


#: The chapter's 2-D test functions by name.
SURFACES = {
    "quadratic": Surface("quadratic", _quad_f, _quad_g, (-5.0, -2.0), (-5.5, 1.5), (-2.5, 2.5), (0.0, 0.0),
                         "f = 0.1·x1² + 2·x2²",
                         dict(lr=0.3, lr_adaptive=0.2, momentum=0.8, steps=50)),
    "rosenbrock": Surface("rosenbrock", _rosen_f, _rosen_g, (-1.5, 2.0), (-2.0, 2.0), (-1.0, 3.0), (1.0, 1.0),
                          "f = (1 − x1)² + 100·(x2 − x1²)²",
                          dict(lr=0.001, lr_adaptive=0.1, momentum=0.9, steps=200)),
    "saddle": Surface("saddle", _saddle_f, _saddle_g, (-2.0, 1e-3), (-2.2, 2.2), (-1.6, 1.6), (0.0, 1.0),
                      "f = x1²/2 + x2⁴/4 − x2²/2 (saddle at 0, minima at x2 = ±1)",
                      dict(lr=0.1, lr_adaptive=0.1, momentum=0.9, steps=60)),
    "beale": Surface("beale", _beale_f, _beale_g, (1.0, 1.4), (-1.0, 4.5), (-1.5, 2.0), (3.0, 0.5),
                     "Beale: (1.5 − x1 + x1·x2)² + (2.25 − x1 + x1·x2²)² + (2.625 − x1 + x1·x2³)²",
                     dict(lr=0.005, lr_adaptive=0.1, momentum=0.9, steps=200)),
}


def trajectory(optimizer: Optimizer, grad: Callable, x0, steps: int, *, limit: float = 1e6):
    """Run ``optimizer`` from ``x0`` for ``steps`` updates; return the path, shape ``(k + 1, d)``.

    ``grad(*x)`` returns the gradient at ``x``. A path that leaves the box ``|x| < limit`` or
    becomes non-finite is cut there (k < steps): a diverging run ends instead of overflowing.
    """
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"optimizer must be a course_lib.optimizers.Optimizer, got {type(optimizer).__name__}")
    if not callable(grad):
        raise TypeError("grad must be a callable returning the gradient")
    steps = _int(steps, "steps", 0)
    limit = _positive(limit, "limit")
    x = _array(x0, "x0").ravel()
    if x.size == 0:
        raise ValueError("x0 must hold at least one coordinate")
    try:
        g0 = np.asarray(grad(*x), dtype=np.float64)
    except TypeError as exc:
        raise TypeError(f"grad(*x0) failed ({exc}); x0 must have one coordinate per argument of grad") from None
    if g0.shape != x.shape:
        raise ValueError(f"grad must return one number per coordinate of x0 (shape {x.shape}), got shape {g0.shape}")
    path = np.empty((steps + 1, x.size))
    path[0] = x
    with np.errstate(all="ignore"):
        for k in range(1, steps + 1):
            optimizer.apply_gradients([(np.asarray(grad(*x), dtype=np.float64), x)])
            if not np.all(np.isfinite(x)) or np.max(np.abs(x)) > limit:
                return path[:k]
            path[k] = x
    return path


#: The optimizers :func:`race` knows, in the notes' order, with the family of their lr.
RACE_NAMES = ("SGD", "SGDM", "NAG", "Adagrad", "Adadelta", "RMSprop", "Adam", "Adam (no bias corr.)", "Nadam")


def _race_optimizer(name, lr, lr_adaptive, momentum, beta_1, beta_2, rho):
    if name == "SGD":
        return SGD(lr)
    if name == "SGDM":
        return SGD(lr, momentum=momentum)
    if name == "NAG":
        return SGD(lr, momentum=momentum, nesterov=True)
    if name == "Adagrad":
        return Adagrad(lr_adaptive, initial_accumulator_value=0.0)
    if name == "Adadelta":
        return Adadelta(1.0, rho=rho, epsilon=1e-6)
    if name == "RMSprop":
        return RMSprop(lr_adaptive, rho=rho)
    if name == "Adam":
        return Adam(lr_adaptive, beta_1=beta_1, beta_2=beta_2)
    if name == "Adam (no bias corr.)":
        return CourseAdam(lr_adaptive, beta_1=beta_1, beta_2=beta_2, epsilon=1e-7, bias_correction=False)
    if name == "Nadam":
        return Nadam(lr_adaptive, beta_1=beta_1, beta_2=beta_2)
    raise ValueError(f"names must be taken from {RACE_NAMES}, got {name!r}")


def race(surface="quadratic", names=("SGD", "SGDM", "Adagrad", "RMSprop", "Adam"), lr=0.3, lr_adaptive=0.2,
         momentum=0.8, beta_1=0.9, beta_2=0.999, rho=0.9, steps=50):
    """Several optimizers from the same start on one surface (cached: slider moves are free).

    Parameters
    ----------
    surface : str
        A key of :data:`SURFACES`.
    names : tuple of str
        Taken from :data:`RACE_NAMES`.
    lr : float
        Learning rate of the SGD family (SGD, SGDM, NAG): the step is ``lr·|g|``.
    lr_adaptive : float
        Learning rate of Adagrad, RMSprop, Adam, Nadam: the step is about ``lr`` whatever |g|
        is, so the two scales differ. Adadelta needs none (lr = 1, as in its paper).
    momentum, beta_1, beta_2, rho : float
        SGDM/NAG's μ, Adam/Nadam's betas, RMSprop/Adadelta's ρ.
    steps : int
        Number of updates.

    Returns
    -------
    dict
        ``surface`` (a :class:`Surface`), ``paths`` (name -> array ``(k + 1, 2)``),
        ``losses`` (name -> f along the path), ``steps`` (name -> step lengths |Δx|),
        ``diverged`` (name -> bool) and the parameters.
    """
    if not isinstance(surface, str) or surface not in SURFACES:
        raise ValueError(f"surface must be one of {tuple(SURFACES)}, got {_show(surface)}")
    if isinstance(names, str):
        names = (names,)
    if not isinstance(names, (tuple, list)) or not names:
        raise TypeError(f"names must be a non-empty tuple of names from {RACE_NAMES}, got {_show(names)}")
    for n in names:
        if not isinstance(n, str) or n not in RACE_NAMES:
            raise ValueError(f"names must be taken from {RACE_NAMES}, got {n!r}")
    return _race(surface, tuple(names), _positive(lr, "lr", allow_zero=True),
                 _positive(lr_adaptive, "lr_adaptive", allow_zero=True), _in_range(momentum, "momentum", 0.0, 1.0),
                 _in_range(beta_1, "beta_1", 0.0, 1.0, high_open=True),
                 _in_range(beta_2, "beta_2", 0.0, 1.0, high_open=True), _in_range(rho, "rho", 0.0, 1.0, high_open=True),
                 _int(steps, "steps", 0, 100_000))


_RACE_RUNS: collections.OrderedDict = collections.OrderedDict()  # settings -> the longest run computed so far


@functools.lru_cache(maxsize=256)
def _race(surface, names, lr, lr_adaptive, momentum, beta_1, beta_2, rho, steps):
    """A cached race; a shorter race with the same settings is a prefix of a longer one.

    So a ``steps`` slider slices a run already computed (asking for more than the cached
    run holds computes at least twice as many steps, so dragging it up stays cheap).
    """
    key = (surface, names, lr, lr_adaptive, momentum, beta_1, beta_2, rho)
    run = _RACE_RUNS.get(key)
    if run is None or run["params"]["steps"] < steps:
        longer = steps if run is None else max(steps, min(2 * run["params"]["steps"], 100_000))
        run = _race_run(surface, names, lr, lr_adaptive, momentum, beta_1, beta_2, rho, longer)
        _RACE_RUNS[key] = run
        if len(_RACE_RUNS) > 256:
            _RACE_RUNS.popitem(last=False)
    _RACE_RUNS.move_to_end(key)
    if run["params"]["steps"] == steps:
        return run
    paths = {n: p[:steps + 1] for n, p in run["paths"].items()}
    return {"surface": run["surface"], "paths": paths,
            "losses": {n: v[:len(paths[n])] for n, v in run["losses"].items()},
            "steps": {n: v[:len(paths[n]) - 1] for n, v in run["steps"].items()},
            "diverged": {n: len(p) < steps + 1 for n, p in paths.items()},
            "params": {**run["params"], "steps": steps}}


def _race_run(surface, names, lr, lr_adaptive, momentum, beta_1, beta_2, rho, steps):
    s = SURFACES[surface]
    paths, losses, step_sizes, diverged = {}, {}, {}, {}
    for name in names:
        opt = _race_optimizer(name, lr, lr_adaptive, momentum, beta_1, beta_2, rho)
        p = trajectory(opt, s.grad, s.x0, int(steps), limit=1e3)
        paths[name] = p
        with np.errstate(all="ignore"):
            losses[name] = s.f(p[:, 0], p[:, 1])
        step_sizes[name] = np.linalg.norm(np.diff(p, axis=0), axis=1)
        diverged[name] = len(p) < int(steps) + 1
    return {"surface": s, "paths": paths, "losses": losses, "steps": step_sizes, "diverged": diverged,
            "params": dict(lr=lr, lr_adaptive=lr_adaptive, momentum=momentum, beta_1=beta_1, beta_2=beta_2,
                           rho=rho, steps=int(steps))}


# --------------------------------------------------------------------------------------------
# no free lunch: each optimizer tuned on a grid, on a problem where momentum wins
# --------------------------------------------------------------------------------------------
def rotated_quadratic(dim=10, condition=100.0, seed=0):
    """``f(x) = ½ xᵀAx`` with A's eigenvalues spread log-uniformly over [1, condition] and its
    eigenvectors in a random orientation (so no coordinate is special); returns ``(A, x0)``."""
    dim = _int(dim, "dim", 1, 1000)
    condition = _number(condition, "condition")
    if condition < 1:
        raise ValueError(f"condition must be >= 1, got {condition}")
    rng = np.random.default_rng(_int(seed, "seed", 0))
    Q, _ = np.linalg.qr(rng.normal(size=(dim, dim)))
    A = Q @ np.diag(np.logspace(0, np.log10(condition), dim)) @ Q.T
    return A, rng.normal(size=dim) * 3


def _quadratic_run(opt, A, x0, steps):
    x = x0.copy()
    f = np.full(steps + 1, np.inf)
    f[0] = 0.5 * x @ A @ x
    with np.errstate(all="ignore"):
        for k in range(1, steps + 1):
            opt.apply_gradients([(A @ x, x)])
            if not np.all(np.isfinite(x)) or np.abs(x).max() > 1e8:
                break
            f[k] = 0.5 * x @ A @ x
    return f


_TUNE_GRIDS = {
    "SGD + momentum": (lambda lr, k: SGD(lr, momentum=k), (0.5, 0.8, 0.9, 0.95), "momentum"),
    "Adam": (lambda lr, k: Adam(lr, beta_1=k), (0.5, 0.9), "beta_1"),
}


def tuned_race(dim=10, condition=100.0, steps=150, seed=0, n_lrs=17):
    """SGD + momentum against Adam on :func:`rotated_quadratic`, each tuned on a grid.

    Learning rates ``logspace(-4, 0, n_lrs)``; SGD's momentum in {0.5, 0.8, 0.9, 0.95}, Adam's
    β₁ in {0.5, 0.9} (β₂ = 0.999). For each optimizer: the final ``f`` per learning rate (best
    over the other knob) and the curve of its best run.

    Returns
    -------
    dict
        ``steps`` and ``runs``: name -> ``{"lrs", "final", "curve", "label", "best"}``.
    """
    dim, seed = _int(dim, "dim", 1, 1000), _int(seed, "seed", 0)
    condition = _number(condition, "condition")
    return _tuned_race(dim, condition, _int(steps, "steps", 1, 100_000), seed, _int(n_lrs, "n_lrs", 1, 1000))


@functools.lru_cache(maxsize=8)
def _tuned_race(dim, condition, steps, seed, n_lrs):
    A, x0 = rotated_quadratic(dim, condition, seed)
    lrs = np.logspace(-4, 0, int(n_lrs))
    runs = {}
    for name, (make, knobs, knob_name) in _TUNE_GRIDS.items():
        final = np.full(len(lrs), np.inf)
        best = (np.inf, None, None, None)
        for i, lr in enumerate(lrs):
            for k in knobs:
                curve = _quadratic_run(make(float(lr), k), A, x0, int(steps))
                if curve[-1] < final[i]:
                    final[i] = curve[-1]
                if curve[-1] < best[0]:
                    best = (curve[-1], float(lr), k, curve)
        runs[name] = {"lrs": lrs, "final": final, "curve": best[3],
                      "label": f"lr={best[1]:.3g}, {knob_name}={best[2]}",
                      "best": {"learning_rate": best[1], knob_name: best[2], "final": float(best[0])}}
    return {"steps": int(steps), "runs": runs, "dim": dim, "condition": condition}


# --------------------------------------------------------------------------------------------
# checked against Keras (TensorFlow imported only here)
# --------------------------------------------------------------------------------------------
#: One run per class and option, as ``(label, class name, kwargs)``, for :func:`compare_with_keras`.
KERAS_CASES = (
    ("SGD", "SGD", {"learning_rate": 0.1}),
    ("SGD momentum", "SGD", {"learning_rate": 0.05, "momentum": 0.9}),
    ("SGD nesterov (NAG)", "SGD", {"learning_rate": 0.05, "momentum": 0.9, "nesterov": True}),
    ("Adagrad", "Adagrad", {"learning_rate": 0.1}),
    ("Adadelta", "Adadelta", {"learning_rate": 1.0}),
    ("RMSprop", "RMSprop", {"learning_rate": 0.01}),
    ("RMSprop momentum centered", "RMSprop", {"learning_rate": 0.01, "momentum": 0.9, "centered": True}),
    ("Adam", "Adam", {"learning_rate": 0.05}),
    ("Adam amsgrad", "Adam", {"learning_rate": 0.05, "amsgrad": True}),
    ("Nadam", "Nadam", {"learning_rate": 0.05}),
)


def compare_with_keras(steps=20, seed=0):
    """Run each of :data:`KERAS_CASES` with ours and with ``keras.optimizers`` on the same
    float32 variables and gradients; return ``[(label, max |w_ours − w_keras|, max |w|)]``
    over all steps and variables. Imports TensorFlow."""
    from . import import_tf

    steps, seed = _int(steps, "steps", 1, 10_000), _int(seed, "seed", 0)
    tf = import_tf()
    import keras

    rng = np.random.default_rng(seed)
    shapes = [(4, 3), (3,)]
    init = [rng.normal(size=sh).astype(np.float32) for sh in shapes]
    grads = [[rng.normal(size=sh).astype(np.float32) for sh in shapes] for _ in range(int(steps))]
    rows = []
    for label, cls, kwargs in KERAS_CASES:
        ours = globals()[cls](**kwargs)
        theirs = getattr(keras.optimizers, cls)(**kwargs)
        ws = [a.copy() for a in init]
        ks = [keras.Variable(a.copy()) for a in init]
        diff = scale = 0.0
        for g in grads:
            ours.apply_gradients(zip(g, ws))
            theirs.apply_gradients(zip([tf.constant(x) for x in g], ks))
            for w, k in zip(ws, ks):
                diff = max(diff, float(np.max(np.abs(w - k.numpy()))))
                scale = max(scale, float(np.max(np.abs(w))))
        rows.append((label, diff, scale))
    return rows
