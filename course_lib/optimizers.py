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


from .nn.optimizers import (  # noqa: E402  the formulas moved to nn/optimizers.py
    COURSE_NAMES,
    KERAS_NAMES,
    SGD,
    Adadelta,
    Adagrad,
    Adam,
    CourseAdagrad,
    CourseAdam,
    CourseRMSProp,
    CourseSGDM,
    Nadam,
    Optimizer,
    RMSprop,
    adam_step,
    ema_momentum_step,
    get,
    sgd_momentum_step,
)


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
