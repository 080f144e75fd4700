"""Optimizers (优化器), from scratch in numpy.

Two families live here:

* **Keras' optimizers**, same names, argument names and defaults as ``keras.optimizers``:
  :class:`SGD` (with ``momentum`` and ``nesterov``), :class:`Adagrad`, :class:`Adadelta`,
  :class:`RMSprop`, :class:`Adam` (with ``amsgrad``), :class:`AdamW` and :class:`Nadam`, each
  with Keras' common options: decoupled ``weight_decay``, gradient clipping (``clipnorm``,
  ``clipvalue``, ``global_clipnorm``) and a moving average of the weights (``use_ema``,
  ``ema_momentum``, ``ema_overwrite_frequency``, :meth:`Optimizer.finalize_variable_values`).
  Their update rules are copied operation for operation from Keras 3's source
  (``keras/src/optimizers/*.py``), so a run follows the Keras trajectory step for step to
  float rounding (``tests/test_nn_optimizers.py`` proves it for every class and option).
* **The course's hand-written rules** (the PKU notes' ``class2`` scripts): :class:`CourseSGDM`
  (momentum as an exponential moving average), :class:`CourseAdagrad` and
  :class:`CourseRMSProp` (no epsilon) and :class:`CourseAdam` (no epsilon, bias correction
  on the global batch count).

Every optimizer updates numpy arrays in place, as Keras updates its variables::

    opt = SGD(learning_rate=0.1, momentum=0.9)
    opt.apply_gradients([(grad_w, w), (grad_b, b)])   # w and b change in place

``learning_rate`` is a float or a schedule: any callable of the step (0, 1, 2, ...), such
as a Keras ``LearningRateSchedule`` or one of ``course_lib.nn.schedules``. Arithmetic happens
in each variable's dtype (``float32`` variables are updated in float32, as in Keras: the
trajectories agree to the last bit or two). For float64 variables Keras rounds the learning
rate (a float32 variable) and the hyper-parameters it passes through ``ops.cast`` to float32;
we keep them in float64, so float64 runs agree to ~1e-7 relative, or to 1e-12 when the
hyper-parameters are float32 numbers. (Nadam's constant 0.96 is copied with Keras' rounding.)

Pure one-step functions (:func:`sgd_momentum_step`, :func:`ema_momentum_step`, :func:`adam_step`,
:func:`adamw_step`) write one update on arrays without changing them (the exercises' references).
"""

from __future__ import annotations

import math

import numpy as np

from .. import _check

__all__ = ["Optimizer", "SGD", "Adagrad", "Adadelta", "RMSprop", "Adam", "AdamW", "Nadam",
           "CourseSGDM", "CourseAdagrad", "CourseRMSProp", "CourseAdam", "get", "KERAS_NAMES",
           "COURSE_NAMES", "sgd_momentum_step", "ema_momentum_step", "adam_step", "adamw_step"]


def _show(value):
    return f"an array of shape {np.shape(value)}" if isinstance(value, np.ndarray) else repr(value)


def _array(value, name):
    """A finite float64 copy of ``value`` (a number or an array of numbers)."""
    return np.array(_check.real_array(value, name), dtype=np.float64)


def _same_shapes(**arrays):
    """Arrays meant to match element for element: never broadcast silently."""
    (first, a0), *rest = arrays.items()
    for name, a in rest:
        if a.shape != a0.shape:
            raise ValueError(f"{name} has shape {a.shape} but {first} has shape {a0.shape}; they must match")


def _learning_rate(value, name="learning_rate"):
    return value if callable(value) else _check.non_negative(value, name)


def _optional(value, name):
    """``None`` (the option is off) or a number >= 0 (0 is off too, as in Keras)."""
    return None if value is None else _check.non_negative(value, name)


# --------------------------------------------------------------------------------------------
# the base class: state per variable, a step counter, the learning rate (float or schedule)
# --------------------------------------------------------------------------------------------
class Optimizer:
    """Base class: keeps per-variable slots and the step counter; subclasses define the rule.

    Every step does what Keras' ``BaseOptimizer.apply`` does, in its order: clip the gradients
    (at most one of ``clipnorm``, ``clipvalue``, ``global_clipnorm``), apply the decoupled weight
    decay ``w ← w − w·weight_decay·lr`` to every variable, run the optimizer's own rule with the
    clipped gradients, update the moving average of the weights (``use_ema``), and count the step.

    Parameters
    ----------
    learning_rate : float or callable
        A non-negative number, or a schedule ``step -> learning rate`` called with the
        number of updates made so far (0 for the first), as Keras calls a
        ``LearningRateSchedule`` with ``optimizer.iterations``.
    weight_decay : float, optional
        Decoupled weight decay (Loshchilov & Hutter, "Decoupled Weight Decay Regularization",
        ICLR 2019), scaled by the learning rate as in Keras: before each update
        ``w ← w − w·weight_decay·lr``. Not the same as an L2 penalty in the loss for adaptive
        methods: the penalty's gradient is divided by √v, the decay is not.
    clipnorm : float, optional
        Each variable's gradient is rescaled so that its L2 norm is at most ``clipnorm``
        (``tf.clip_by_norm``).
    clipvalue : float, optional
        Each gradient element is clipped to ``[-clipvalue, clipvalue]``.
    global_clipnorm : float, optional
        All gradients are rescaled together so that their joint L2 norm is at most this
        (``tf.clip_by_global_norm``; Pascanu, Mikolov & Bengio, ICML 2013).
    use_ema : bool, default False
        Keep an exponential moving average of the weights (Polyak averaging):
        ``avg ← ema_momentum·avg + (1 − ema_momentum)·w`` after each update (``avg = w`` after
        the first). The weights themselves are replaced by the average every
        ``ema_overwrite_frequency`` steps, or by :meth:`finalize_variable_values` (what Keras'
        ``fit`` calls after the last epoch).
    ema_momentum : float in [0, 1], default 0.99
    ema_overwrite_frequency : int >= 1, optional

    Attributes
    ----------
    iterations : int
        Number of :meth:`apply_gradients` calls so far (Keras' ``optimizer.iterations``).
    """

    #: slot name -> name of the attribute holding its initial value (``None``: zeros)
    _slots: dict = {}
    _base_defaults = {"weight_decay": None, "clipnorm": None, "clipvalue": None, "global_clipnorm": None,
                      "use_ema": False, "ema_momentum": 0.99, "ema_overwrite_frequency": None}

    def __init__(self, learning_rate, weight_decay=None, clipnorm=None, clipvalue=None, global_clipnorm=None,
                 use_ema=False, ema_momentum=0.99, ema_overwrite_frequency=None):
        self.learning_rate = _learning_rate(learning_rate)
        self.weight_decay = _optional(weight_decay, "weight_decay")
        self.clipnorm = _optional(clipnorm, "clipnorm")
        self.clipvalue = _optional(clipvalue, "clipvalue")
        self.global_clipnorm = _optional(global_clipnorm, "global_clipnorm")
        if sum(v is not None for v in (clipnorm, clipvalue, global_clipnorm)) > 1:
            raise ValueError("Only one of clipnorm, clipvalue and global_clipnorm can be set, got "
                             f"clipnorm={clipnorm!r}, clipvalue={clipvalue!r}, global_clipnorm={global_clipnorm!r}")
        self.use_ema = _check.flag(use_ema, "use_ema")
        self.ema_momentum = _check.number(ema_momentum, "ema_momentum", low=0.0, high=1.0)
        self.ema_overwrite_frequency = (None if ema_overwrite_frequency is None else
                                        _check.integer(ema_overwrite_frequency, "ema_overwrite_frequency", low=1))
        self.iterations = 0
        self._state = {}  # id(variable) -> (variable, {slot: array})
        self._averages = []  # [(variable, its moving average)] in the order first seen (use_ema)
        self._no_decay = {}  # id -> variable, for those exclude_from_weight_decay named

    # -- the public API ------------------------------------------------------------------------
    def current_learning_rate(self, step: int | None = None) -> float:
        """The learning rate used at ``step`` (default: the next update's)."""
        step = self.iterations if step is None else _check.integer(step, "step")
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
        grads = self._clip([g for g, _ in checked])
        variables = [v for _, v in checked]
        if self.weight_decay is not None:
            for v in variables:  # Keras: variable.assign_sub(variable * wd * lr), before the update
                if id(v) not in self._no_decay:
                    v -= v * v.dtype.type(self.weight_decay) * v.dtype.type(lr)
        self._before_step(variables[0].dtype)
        for g, v in zip(grads, variables):
            self._update_step(g, v, v.dtype.type(lr), self._slots_for(v))
        if self.use_ema:
            self._update_averages(variables)
        self.iterations += 1
        return self.iterations

    def exclude_from_weight_decay(self, var_list):
        """Variables that ``weight_decay`` leaves alone (usually the biases), as Keras'
        ``exclude_from_weight_decay(var_list=...)``; call it before the first step."""
        if isinstance(var_list, np.ndarray) or not isinstance(var_list, (list, tuple)):
            raise TypeError(f"var_list must be a list of variables (numpy arrays), got {type(var_list).__name__}")
        for v in var_list:
            if not isinstance(v, np.ndarray):
                raise TypeError(f"var_list must hold numpy arrays, got {type(v).__name__}")
        self._no_decay = {id(v): v for v in var_list}  # the arrays kept alive: their ids stay theirs

    def finalize_variable_values(self, var_list):
        """With ``use_ema``, overwrite the variables with their moving averages, in place
        (Keras' ``finalize_variable_values``; ``fit`` calls it after the last epoch).

        ``var_list`` holds the variables in the order the optimizer first saw them.
        """
        if isinstance(var_list, np.ndarray) or not isinstance(var_list, (list, tuple)):
            raise TypeError(f"var_list must be a list of variables (numpy arrays), got {type(var_list).__name__}")
        if not self.use_ema:
            return
        if len(var_list) != len(self._averages):
            raise ValueError(f"var_list must hold the {len(self._averages)} variable(s) this optimizer updated, "
                             f"got {len(var_list)}")
        for v, (_, avg) in zip(var_list, self._averages):
            if not isinstance(v, np.ndarray) or v.shape != avg.shape or not v.flags.writeable:
                raise ValueError(f"var_list must hold writeable arrays shaped as the variables updated "
                                 f"({avg.shape}), got {_show(v)}")
        for v, (_, avg) in zip(var_list, self._averages):
            v[...] = avg

    def get_config(self) -> dict:
        """The constructor's arguments, as Keras' ``get_config`` gives them (the common options included)."""
        return {"learning_rate": self.learning_rate, **{k: getattr(self, k) for k in self._config},
                **{k: getattr(self, k) for k in self._base_defaults}}

    def __repr__(self):
        """The class with its own arguments, and the common options that differ from their defaults."""
        own = {"learning_rate": self.learning_rate, **{k: getattr(self, k) for k in self._config}}
        own.update({k: getattr(self, k) for k, d in self._base_defaults.items()
                    if getattr(self, k) != d and k not in own})
        args = ", ".join(f"{k}={v!r}" for k, v in own.items())
        return f"{type(self).__name__}({args})"

    # -- gradient clipping and the moving average (Keras' BaseOptimizer) ------------------------
    def _clip(self, grads):
        if self.clipnorm:
            out = []
            for g in grads:  # tf.clip_by_norm: g·c / max(‖g‖, c)
                t = g.dtype.type
                l2sum = np.sum(np.square(g))
                l2norm = np.sqrt(l2sum) if l2sum > 0 else l2sum
                out.append((g * t(self.clipnorm)) / np.maximum(l2norm, t(self.clipnorm)))
            return out
        if self.global_clipnorm:
            t = grads[0].dtype.type
            with np.errstate(divide="ignore"):
                norm = np.sqrt(np.sum(np.stack([np.sum(np.square(g)) for g in grads])))
                c = t(self.global_clipnorm)
                scale = c * np.minimum(t(1.0) / norm, t(1.0) / c) + (norm - norm)
            return [g * scale.astype(g.dtype) for g in grads]
        if self.clipvalue:
            return [np.clip(g, -g.dtype.type(self.clipvalue), g.dtype.type(self.clipvalue)) for g in grads]
        return grads

    def _update_averages(self, variables):
        known = {id(v) for v, _ in self._averages}
        for v in variables:
            if id(v) not in known:
                self._averages.append((v, np.zeros_like(v)))
        momentum = 0.0 if self.iterations == 0 else self.ema_momentum
        for v, avg in self._averages:
            t = v.dtype.type
            mu = t(momentum)
            avg[...] = mu * avg + (t(1) - mu) * v
        if self.ema_overwrite_frequency and (self.iterations + 1) % self.ema_overwrite_frequency == 0:
            for v, avg in self._averages:
                v[...] = avg

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
    **kwargs
        The common options of :class:`Optimizer` (``weight_decay``, clipping, ``use_ema``...).
    """

    _config = ("momentum", "nesterov")
    _slots = {"momentum": None}

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False, **kwargs):
        super().__init__(learning_rate, **kwargs)
        self.momentum = _check.number(momentum, "momentum", low=0.0, high=1.0)
        self.nesterov = _check.flag(nesterov, "nesterov")

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

    def __init__(self, learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7, **kwargs):
        super().__init__(learning_rate, **kwargs)
        self.initial_accumulator_value = _check.non_negative(initial_accumulator_value,
                                                             "initial_accumulator_value")
        self.epsilon = _check.positive(epsilon, "epsilon")

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

    def __init__(self, learning_rate=0.001, rho=0.95, epsilon=1e-7, **kwargs):
        super().__init__(learning_rate, **kwargs)
        self.rho = _check.number(rho, "rho", low=0.0, high=1.0, high_open=True)
        self.epsilon = _check.positive(epsilon, "epsilon")

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

    def __init__(self, learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False, **kwargs):
        super().__init__(learning_rate, **kwargs)
        self.rho = _check.number(rho, "rho", low=0.0, high=1.0, high_open=True)
        self.momentum = _check.number(momentum, "momentum", low=0.0, high=1.0)
        self.epsilon = _check.positive(epsilon, "epsilon")
        self.centered = _check.flag(centered, "centered")

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

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False, **kwargs):
        super().__init__(learning_rate, **kwargs)
        self.beta_1 = _check.number(beta_1, "beta_1", low=0.0, high=1.0, high_open=True)
        self.beta_2 = _check.number(beta_2, "beta_2", low=0.0, high=1.0, high_open=True)
        self.epsilon = _check.positive(epsilon, "epsilon")
        self.amsgrad = _check.flag(amsgrad, "amsgrad")

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


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter, "Decoupled Weight Decay
    Regularization", ICLR 2019), as ``keras.optimizers.AdamW``: :class:`Adam` with
    ``weight_decay=0.004`` by default. Each step first shrinks every weight,
    ``w ← w − w·weight_decay·lr``, then takes Adam's step on the loss gradient alone.

    An L2 penalty ``λ/2·‖w‖²`` in the loss would instead add ``λ·w`` to the gradient, which Adam
    then divides by √v: weights with large gradients would be decayed less. With plain SGD the
    two are the same step (``weight_decay = λ``).

    Parameters
    ----------
    learning_rate : float or callable, default 0.001
    weight_decay : float >= 0, default 0.004
    beta_1, beta_2 : float in [0, 1), defaults 0.9 and 0.999
    epsilon : float > 0, default 1e-7
    amsgrad : bool, default False
    **kwargs
        The other common options of :class:`Optimizer` (clipping, ``use_ema``...).
    """

    def __init__(self, learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 amsgrad=False, **kwargs):
        if weight_decay is None:
            raise ValueError("weight_decay must be a float for AdamW, got None")
        super().__init__(learning_rate, beta_1=beta_1, beta_2=beta_2, epsilon=epsilon, amsgrad=amsgrad,
                         weight_decay=weight_decay, **kwargs)


# Keras' momentum-schedule constant: ``ops.cast(0.96, dtype)`` in update_step goes through a
# float32 tensor (``ops.power(0.96, ...)`` in the Πμ update does not): for float64 variables the
# two differ in the 8th digit, and we copy that to follow Keras to the last bit.
_NADAM_DECAY = float(np.float32(0.96))


class Nadam(Optimizer):
    """Nadam: Adam with Nesterov momentum (Dozat, 2016), as ``keras.optimizers.Nadam``.

    Keras uses a *momentum schedule* μₜ = β₁·(1 − ½·0.96ᵗ) and the product Πμ of all the μ so
    far (the "momentum cache"). Dozat's paper writes μₜ = β₁·(1 − ½·0.96^(t/250)) (PyTorch's
    ``momentum_decay=0.004``): Keras' μₜ reaches 0.99·β₁ after about 100 steps, the paper's
    after about 25 000. The update::

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

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, **kwargs):
        super().__init__(learning_rate, **kwargs)
        self.beta_1 = _check.number(beta_1, "beta_1", low=0.0, high=1.0, high_open=True)
        self.beta_2 = _check.number(beta_2, "beta_2", low=0.0, high=1.0, high_open=True)
        self.epsilon = _check.positive(epsilon, "epsilon")
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

    def __init__(self, learning_rate=0.1, beta=0.9, **kwargs):
        super().__init__(learning_rate, **kwargs)
        self.beta = _check.number(beta, "beta", low=0.0, high=1.0, high_open=True)

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

    def __init__(self, learning_rate=0.1, epsilon=0.0, flush_to_zero=False, **kwargs):
        super().__init__(learning_rate, **kwargs)
        self.epsilon = _check.non_negative(epsilon, "epsilon")
        self.flush_to_zero = _check.flag(flush_to_zero, "flush_to_zero")

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

    def __init__(self, learning_rate=0.1, beta=0.9, epsilon=0.0, flush_to_zero=False, **kwargs):
        super().__init__(learning_rate, **kwargs)
        self.beta = _check.number(beta, "beta", low=0.0, high=1.0, high_open=True)
        self.epsilon = _check.non_negative(epsilon, "epsilon")
        self.flush_to_zero = _check.flag(flush_to_zero, "flush_to_zero")

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
                 flush_to_zero=False, **kwargs):
        super().__init__(learning_rate, **kwargs)
        self.beta_1 = _check.number(beta_1, "beta_1", low=0.0, high=1.0, high_open=True)
        self.beta_2 = _check.number(beta_2, "beta_2", low=0.0, high=1.0, high_open=True)
        self.epsilon = _check.non_negative(epsilon, "epsilon")
        self.bias_correction = _check.flag(bias_correction, "bias_correction")
        self.flush_to_zero = _check.flag(flush_to_zero, "flush_to_zero")

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
KERAS_NAMES = ("sgd", "sgdm", "nag", "adagrad", "adadelta", "rmsprop", "adam", "amsgrad", "adamw", "nadam")
#: The course's variants by name, as :func:`course_lib.experiments.ch06_practice.iris_optimizers` uses them.
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
    course = _check.flag(course, "course")
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
             "amsgrad": (Adam, {"amsgrad": True}), "adamw": (AdamW, {}), "nadam": (Nadam, {})}
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


def adamw_step(w, m, v, g, t, learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    """Step ``t`` (1, 2, ...) of Keras' AdamW; returns the new ``(w, m, v)`` (inputs untouched).

    ``w ← w − w·weight_decay·lr`` first, then Adam's step (:func:`adam_step`) on ``g``.
    """
    if isinstance(t, bool) or not isinstance(t, (int, np.integer)) or t < 1:
        raise ValueError(f"t must be an integer >= 1, got {t!r}")
    opt = AdamW(learning_rate, weight_decay=weight_decay, beta_1=beta_1, beta_2=beta_2, epsilon=epsilon)
    opt.iterations = int(t) - 1
    w, m, v, g = _array(w, "w"), _array(m, "m"), _array(v, "v"), _array(g, "g")
    _same_shapes(w=w, m=m, v=v, g=g)
    if np.any(v < 0):
        raise ValueError("v (the moving average of g²) must be >= 0")
    lr = opt.current_learning_rate()
    w -= w * opt.weight_decay * lr
    opt._update_step(g, w, lr, {"momentum": m, "velocity": v})
    return w, m, v
