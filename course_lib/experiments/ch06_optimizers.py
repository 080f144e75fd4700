"""Chapter 06 – optimizers: what the chapter runs.

Two kinds of experiments, both pure numpy (TensorFlow only in :mod:`course_lib.reference.ch06_optimizers`):

* **2-D test functions** (:data:`SURFACES`) and paths on them: :func:`trajectory` (one
  optimizer), :func:`race` (several from the same start, prefix-cached for sliders),
  :func:`tuned_race` (no free lunch: each optimizer tuned on a grid, on
  :func:`rotated_quadratic`), :func:`adam_effective_step` (what bias correction does).
* **The course's iris model** (PKU notes, class2 p32–p40: Dense 4→3, softmax, MSE on one-hot
  labels, batches of 32 in order): :func:`fit_iris` (one run, with the notes' tips as options),
  :func:`iris_optimizers` (the course's five runs), :func:`iris_restarts` (several random
  starts), :func:`iris_forward_backward` (the loss and its gradient by hand). The training
  loop is a fast float32 kernel, tested equal to :func:`course_lib.train.fit`.

The optimizers themselves are :mod:`course_lib.nn.optimizers`.
"""

from __future__ import annotations

import collections
import copy
import functools
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from .. import _check
from .. import data as _data
from ..nn import callbacks as _callbacks
from ..nn import optimizers as _opt
from ..nn.optimizers import (
    SGD,
    Adadelta,
    Adagrad,
    Adam,
    CourseAdam,
    Nadam,
    Optimizer,
    RMSprop,
)

__all__ = ["adam_effective_step", "Surface", "SURFACES", "trajectory", "RACE_NAMES", "race", "rotated_quadratic",
           "tuned_race", "IRIS_W1_INIT", "IRIS_B1_INIT", "IRIS_NAMES", "iris_initial_weights", "IrisRun",
           "iris_forward_backward", "fit_iris", "iris_optimizers", "iris_restarts"]


def _unit(value, name, *, high_open=True):
    """A number in [0, 1) (or [0, 1] with ``high_open=False``): betas, rho, momentum."""
    return _check.number(value, name, low=0.0, high=1.0, high_open=high_open)


def _shown(value):
    return f"an array of shape {np.shape(value)}" if isinstance(value, np.ndarray) else repr(value)


def _learning_rate(value, name):
    """A number >= 0 or a schedule (a callable of the step)."""
    return value if callable(value) else _check.non_negative(value, name)


def adam_effective_step(steps=100, beta_1=0.9, beta_2=0.999, bias_correction=True):
    """|Δw|/lr of Adam for a constant gradient, per step: 1 with bias correction.

    Without it the ratio is ``(1 − β₁ᵗ)/√(1 − β₂ᵗ)``: 3.16 at t = 1 for the default betas,
    and it takes about 1/(1 − β₂) steps to settle. Used in 06a § Adam (the bias-correction figure).
    """
    steps = _check.integer(steps, "steps", low=1)
    beta_1, beta_2 = _unit(beta_1, "beta_1"), _unit(beta_2, "beta_2")
    t = np.arange(1, steps + 1, dtype=np.float64)
    if _check.flag(bias_correction, "bias_correction"):
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
    Used by :func:`race` and in 06a § SGDM (the course's EMA form against Keras' form).
    """
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"optimizer must be a course_lib.nn.optimizers.Optimizer, got {type(optimizer).__name__}")
    grad = _check.function(grad, "grad")
    steps = _check.integer(steps, "steps")
    limit = _check.positive(limit, "limit")
    x = np.array(_check.real_array(x0, "x0"), dtype=np.float64).ravel()
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


#: The optimizers :func:`race` knows, in the notes' order.
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

    Used in 06a for every optimizer's figure and for the race slider.

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
    surface = _check.choice(surface, "surface", tuple(SURFACES))
    names = _check.choices(names, "names", RACE_NAMES)
    return _race(surface, names, _check.non_negative(lr, "lr"), _check.non_negative(lr_adaptive, "lr_adaptive"),
                 _unit(momentum, "momentum", high_open=False), _unit(beta_1, "beta_1"), _unit(beta_2, "beta_2"),
                 _unit(rho, "rho"), _check.integer(steps, "steps", high=100_000))


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
    eigenvectors in a random orientation (so no coordinate is special); returns ``(A, x0)``.
    Used by :func:`tuned_race`."""
    dim = _check.integer(dim, "dim", low=1, high=1000)
    condition = _check.number(condition, "condition", low=1.0)
    rng = np.random.default_rng(_check.integer(seed, "seed"))
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
    over the other knob) and the curve of its best run. Used in 06b § How to choose.

    Returns
    -------
    dict
        ``steps`` and ``runs``: name -> ``{"lrs", "final", "curve", "label", "best"}``.
    """
    dim, seed = _check.integer(dim, "dim", low=1, high=1000), _check.integer(seed, "seed")
    condition = _check.number(condition, "condition", low=1.0)
    return _tuned_race(dim, condition, _check.integer(steps, "steps", low=1, high=100_000), seed,
                       _check.integer(n_lrs, "n_lrs", low=1, high=1000))


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
# the course's iris model (class2 p32–p40)
# --------------------------------------------------------------------------------------------
#: ``w1`` the course starts from: ``tf.random.set_seed(116)``, then
#: ``tf.random.truncated_normal([4, 3], stddev=0.1, seed=1)`` (float32; tests/test_ch06_optimizers.py
#: draws it with TensorFlow and checks every bit).
IRIS_W1_INIT = np.array([[0.08249953, -0.0683137, 0.19668601],
                         [-0.05480815, 0.045705207, 0.1357149],
                         [0.07750896, -0.16734955, -0.10294553],
                         [0.15784004, -0.13311003, 0.060453128]], dtype=np.float32)
#: ``b1``: the next draw, ``tf.random.truncated_normal([3], stddev=0.1, seed=1)``.
IRIS_B1_INIT = np.array([-0.09194934, -0.123769484, -0.053814966], dtype=np.float32)

#: The course's five runs by key, with their display names.
IRIS_NAMES = {"sgd": "SGD", "sgdm": "SGDM", "adagrad": "Adagrad", "rmsprop": "RMSProp", "adam": "Adam"}


def iris_initial_weights():
    """Copies of the course's initial ``(w1 (4, 3), b1 (3,))``, float32."""
    return IRIS_W1_INIT.copy(), IRIS_B1_INIT.copy()


@dataclass
class IrisRun:
    """One training run of the course's iris model.

    Attributes
    ----------
    name : str
    loss : ndarray (epochs,)
        Epoch loss: the mean of the epoch's batch losses (the course's ``loss_all / 4``).
    test_acc : ndarray (epochs,)
        Accuracy on the 30 test flowers after each epoch.
    test_loss : ndarray (epochs,)
        MSE on the test flowers after each epoch.
    step_loss : ndarray (steps,)
        Every batch's loss, in order.
    w1, b1 : ndarray
        Final weights (the best epoch's when early stopping restored them).
    time_s : float
        Wall time of the training loop in seconds.
    stopped_epoch : int or None
        The epoch early stopping ended the run at (``None``: it ran every epoch).
    info : dict
        ``best_epoch`` (early stopping), ``n_train`` and ``batches_per_epoch``.
    """

    name: str
    loss: np.ndarray
    test_acc: np.ndarray
    test_loss: np.ndarray
    step_loss: np.ndarray
    w1: np.ndarray
    b1: np.ndarray
    time_s: float
    stopped_epoch: int | None = None
    info: dict = field(default_factory=dict)

    @property
    def final_loss(self) -> float:
        """The last epoch's loss."""
        return float(self.loss[-1])

    @property
    def final_acc(self) -> float:
        """The last epoch's test accuracy."""
        return float(self.test_acc[-1])

    @property
    def epochs(self) -> int:
        return len(self.loss)


def _augment(x):
    """``[x, 1]``: one matrix product gives ``x @ w1 + b1`` with ``W = [[w1], [b1]]``."""
    x = np.asarray(x, dtype=np.float32)
    return np.concatenate([x, np.ones((len(x), 1), np.float32)], axis=1)


def iris_forward_backward(x, y_onehot, w1, b1):
    """The course's loss and its gradient, by hand (float32, as the course computes them).

    ``p = softmax(x @ w1 + b1)``, ``L = mean((y − p)²)`` over the batch and the 3 classes.
    Backward: ``∂L/∂p = 2(p − y)/(3n)``, softmax's Jacobian-vector product
    ``∂L/∂z = p ⊙ (∂L/∂p − Σ_k p_k ∂L/∂p_k)``, then ``∂L/∂w1 = xᵀ ∂L/∂z`` and
    ``∂L/∂b1 = Σ_rows ∂L/∂z``. Tests check it against ``tf.GradientTape``; the training
    loop of :func:`fit_iris` runs the same kernel.

    Returns
    -------
    loss : float32, grad_w1 : (4, 3), grad_b1 : (3,)
    """
    x = _check.real_array(x, "x").astype(np.float32)
    y_onehot = _check.real_array(y_onehot, "y_onehot").astype(np.float32)
    w1, b1 = _check.real_array(w1, "w1"), _check.real_array(b1, "b1")
    if x.ndim != 2 or y_onehot.shape != (len(x), 3) or np.shape(w1) != (x.shape[1], 3) or np.shape(b1) != (3,):
        raise ValueError("x (n, 4), y_onehot (n, 3), w1 (4, 3) and b1 (3,) must have matching shapes, got "
                         f"{x.shape}, {y_onehot.shape}, {np.shape(w1)}, {np.shape(b1)}")
    W = np.concatenate([np.asarray(w1, np.float32), np.asarray(b1, np.float32)[None]], axis=0)
    xa = _augment(x)
    loss, gW = _loss_grad(xa, xa.T.copy(), y_onehot, np.float32(2.0 / y_onehot.size), W)
    return loss, gW[:-1], gW[-1]


_ONES = np.ones((3, 3), dtype=np.float32)  # z @ _ONES puts each row's sum in all 3 columns


def _loss_grad(xa, xaT, Y, scale, W):
    # The hot loop of every iris run: ~10 small numpy calls, row sums done as products with
    # a matrix of ones (faster than .sum(axis=1, keepdims=True) on (32, 3) arrays).
    z = xa @ W
    z -= np.maximum(np.maximum(z[:, :1], z[:, 1:2]), z[:, 2:])
    np.exp(z, out=z)
    p = z / (z @ _ONES)
    d = p - Y
    dd = d.ravel()
    loss = (dd @ dd) / np.float32(dd.size)
    gp = d * scale
    gz = p * (gp - (gp * p) @ _ONES)
    return loss, xaT @ gz


def _softmax_rows(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _as_optimizer(value, lr, name):
    if isinstance(value, Optimizer):
        return value
    if isinstance(value, str):
        if value.lower() not in _opt.COURSE_NAMES:
            raise ValueError(f"{name} must be one of {_opt.COURSE_NAMES} or an Optimizer, got {value!r}")
        return _opt.get(value, lr, course=True)
    raise TypeError(f"{name} must be an optimizer name or a course_lib.nn.optimizers.Optimizer, "
                    f"got {type(value).__name__}")


def _iris_weights(weights):
    """The starting ``W = [[w1], [b1]]`` (5, 3) float32: the course's, or ``weights = (w1, b1)``."""
    if weights is None:
        w1, b1 = iris_initial_weights()
    else:
        if not (isinstance(weights, (tuple, list)) and len(weights) == 2):
            raise TypeError(f"weights must be a pair (w1, b1), got {_shown(weights)}")
        w1, b1 = _check.real_array(weights[0], "weights"), _check.real_array(weights[1], "weights")
    if w1.shape != (4, 3) or b1.shape != (3,):
        raise ValueError(f"weights must be (w1 (4, 3), b1 (3,)), got shapes {w1.shape} and {b1.shape}")
    return np.concatenate([w1.astype(np.float32), b1.astype(np.float32)[None]], axis=0)


def _iris_batches(xa_all, Y_all, batch_size, order=None):
    """The epoch's batches ``(xa, xaᵀ, Y, 2/size)`` in order (or in ``order``), the last one shorter."""
    out = []
    n = len(xa_all)
    for s in range(0, n, batch_size):
        idx = slice(s, s + batch_size) if order is None else order[s: s + batch_size]
        xa = np.ascontiguousarray(xa_all[idx])
        Y = Y_all[idx]
        out.append((xa, np.ascontiguousarray(xa.T), Y, np.float32(2.0 / Y.size)))
    return out


def fit_iris(optimizer="sgd", epochs=500, *, lr=0.1, batch_size=32, shuffle=False, seed=0, weights=None,
             n_train=120, switch=None, patience=None, monitor="loss", min_delta=0.0, name=None) -> IrisRun:
    """Train the course's iris model (Dense 4→3, softmax, MSE on one-hot labels) in numpy float32.

    Used in 06b for the course's comparison and for every tip run on iris.

    Parameters
    ----------
    optimizer : str or Optimizer
        A name of the course's rules (``"sgd"``, ``"sgdm"``, ``"adagrad"``, ``"rmsprop"``, ``"adam"``,
        built with ``lr``) or any :class:`course_lib.nn.optimizers.Optimizer` (used as given, state and all).
    epochs : int
        Number of passes over the training set.
    lr : float or callable
        Learning rate when ``optimizer`` is a name (a callable is a schedule of the global step).
    batch_size : int
        Batches are taken in order, the last one shorter (the course's ``tf.data.batch(32)``).
    shuffle : bool
        Reshuffle the training set at the start of every epoch (numpy ``default_rng(seed)``);
        the course does not.
    seed : int
        Seed of the reshuffling.
    weights : (w1, b1), optional
        Initial weights; default the course's (:func:`iris_initial_weights`).
    n_train : int
        Train on the first ``n_train`` of the 120 training flowers (1..120).
    switch : (int, Optimizer or str), optional
        ``(epoch, optimizer)``: continue with another optimizer from that epoch ("Adam first,
        then SGD").
    patience : int, optional
        Early stopping (:class:`course_lib.nn.callbacks.EarlyStopping`): stop once ``monitor`` has
        not improved by more than ``min_delta`` for ``patience`` epochs, and keep the best epoch's
        weights (Keras' ``EarlyStopping`` with ``restore_best_weights=True``).
    monitor : {"loss", "test_loss"}
        What early stopping watches.
    min_delta : float
        Smallest change that counts as an improvement.
    name : str, optional
        Label of the run (default: the optimizer's name).

    Returns
    -------
    IrisRun
    """
    epochs = _check.integer(epochs, "epochs", low=1)
    batch_size = _check.integer(batch_size, "batch_size", low=1)
    n_train = _check.integer(n_train, "n_train", low=1, high=120)
    monitor = _check.choice(monitor, "monitor", ("loss", "test_loss"))
    stopper = None if patience is None else _callbacks.EarlyStopping(_check.integer(patience, "patience"),
                                                                     _check.non_negative(min_delta, "min_delta"))
    shuffle, seed = _check.flag(shuffle, "shuffle"), _check.integer(seed, "seed")
    if name is not None and not isinstance(name, str):
        raise TypeError(f"name must be a string or None, got {type(name).__name__}")
    lr = _learning_rate(lr, "lr")
    opt = _as_optimizer(optimizer, lr, "optimizer")
    if switch is not None:
        if not (isinstance(switch, (tuple, list)) and len(switch) == 2):
            raise TypeError(f"switch must be a tuple (epoch, optimizer), got {_shown(switch)}")
        switch = (_check.integer(switch[0], "switch"), _as_optimizer(switch[1], lr, "switch"))
    label = name or (optimizer if isinstance(optimizer, str) else type(optimizer).__name__)
    W = _iris_weights(weights)
    (x_tr, y_tr), (x_te, y_te) = _data.iris()
    eye = np.eye(3, dtype=np.float32)
    train = (_augment(x_tr[:n_train]), eye[y_tr[:n_train]])
    test = (_augment(x_te), eye[y_te], y_te)
    rng = np.random.default_rng(seed) if shuffle else None
    return _train_iris(label, opt, W, train, test, epochs, batch_size, rng, switch, stopper, monitor)


def _train_iris(label, opt, W, train, test, epochs, batch_size, rng, switch, stopper, monitor):
    """The training loop of :func:`fit_iris` (a documented hot kernel: every iris run of 06b).

    Updates ``W`` in place through ``opt``; per epoch it records the mean batch loss and the
    weights, and feeds early stopping; the test metrics of every epoch come after the loop,
    from the recorded weights in one ``einsum``. Tested equal to :func:`course_lib.train.fit`
    with :func:`iris_forward_backward`.
    """
    xa_all, Y_all = train
    xa_te, Y_te, y_te = test
    n_train = len(xa_all)
    fixed = _iris_batches(xa_all, Y_all, batch_size)
    n_b = len(fixed)
    loss = np.empty(epochs)
    step_loss = np.empty(epochs * n_b, dtype=np.float32)
    Ws = np.empty((epochs, 5, 3), dtype=np.float32)
    best_W, stopped = None, None
    t0 = time.perf_counter()
    k = 0
    with np.errstate(all="ignore"):  # RMSProp without epsilon divides 0 by 0, as in the course
        for epoch in range(epochs):
            if switch is not None and epoch == switch[0]:
                opt = switch[1]
            batches = fixed if rng is None else _iris_batches(xa_all, Y_all, batch_size, rng.permutation(n_train))
            total = 0.0
            for xa, xaT, Y, scale in batches:
                lb, gW = _loss_grad(xa, xaT, Y, scale, W)
                opt.apply_gradients(((gW, W),))
                step_loss[k] = lb
                total += float(lb)
                k += 1
            loss[epoch] = total / n_b
            Ws[epoch] = W
            if stopper is not None:
                value = loss[epoch] if monitor == "loss" else _test_loss(xa_te, Y_te, W)
                if stopper.update(float(value)):
                    stopped = epoch
                    break
                if stopper.best_epoch == epoch:
                    best_W = W.copy()
    elapsed = time.perf_counter() - t0
    n = epoch + 1
    loss, Ws, step_loss = loss[:n], Ws[:n], step_loss[:k]
    with np.errstate(all="ignore"):
        P = _softmax_rows(np.einsum("nf,efc->enc", xa_te, Ws))  # every epoch's test predictions at once
        test_acc = (P.argmax(axis=2) == y_te).mean(axis=1)
        test_loss = ((P - Y_te) ** 2).mean(axis=(1, 2))
    if stopped is not None:
        W = best_W
    return IrisRun(label, loss, test_acc, test_loss, step_loss, W[:4].copy(), W[4].copy(), elapsed, stopped,
                   {"best_epoch": None if stopper is None else stopper.best_epoch, "n_train": n_train,
                    "batches_per_epoch": n_b})


def _test_loss(xa, Y, W):
    p = _softmax_rows(xa @ W)
    return float(np.mean((p - Y) ** 2))


def _check_names(names):
    return _check.choices(names, "names", _opt.COURSE_NAMES)


def iris_optimizers(names=("sgd", "sgdm", "adagrad", "rmsprop", "adam"), epochs=500, lr=0.1, *,
                    flush_to_zero=True) -> dict:
    """The course's iris comparison: each optimizer from the same start, with the course's rules.

    One Dense layer 4→3 with softmax, MSE against one-hot labels, the 120 training flowers in
    batches of 32 in order, weights from ``tf.random.truncated_normal(stddev=0.1, seed=1)``
    after ``tf.random.set_seed(116)``, and the course's hand-written updates (see
    :func:`course_lib.nn.optimizers.get` with ``course=True``): SGD; SGDM ``m = 0.9m + 0.1g``;
    Adagrad and RMSProp without ε; Adam with bias correction on the global batch count.

    ``flush_to_zero`` (default True) makes the rules without ε treat subnormal numbers as 0,
    as TensorFlow's CPU kernels do: the course's RMSProp then ends in NaN as the course's did;
    with ``False`` (IEEE arithmetic, numpy's default) it survives. The other four runs do not
    depend on it. Used in 06b § The course's comparison.

    Returns
    -------
    dict
        ``name -> IrisRun``, in the order of ``names``.
    """
    names = _check_names(names)
    epochs = _check.integer(epochs, "epochs", low=1)
    lr = _learning_rate(lr, "lr")
    _check.flag(flush_to_zero, "flush_to_zero")
    runs = {}
    for n in names:
        extra = {"flush_to_zero": flush_to_zero} if n in ("adagrad", "rmsprop", "adam") else {}
        runs[n] = fit_iris(_opt.get(n, lr, course=True, **extra), epochs, name=IRIS_NAMES[n])
    return runs


def iris_restarts(optimizer="sgd", n_starts=8, epochs=100, *, lr=0.1, stddev=1.0, seed=0) -> list:
    """Several random initialisations of the iris model (``w, b ~ N(0, stddev²)``, truncated at 2σ).

    Returns the list of :class:`IrisRun`; the notes' tip is to keep the best (lowest loss).
    Used in 06b § Several starts.
    """
    n_starts = _check.integer(n_starts, "n_starts", low=1)
    epochs = _check.integer(epochs, "epochs", low=1)
    stddev = _check.positive(stddev, "stddev")
    lr = _learning_rate(lr, "lr")
    _as_optimizer(optimizer, lr, "optimizer")  # checked once, built fresh for every start
    rng = np.random.default_rng(_check.integer(seed, "seed"))
    runs = []
    for i in range(n_starts):
        w = rng.normal(0.0, stddev, size=15)
        while np.any(bad := np.abs(w) > 2 * stddev):  # truncated normal, as tf.random.truncated_normal
            w[bad] = rng.normal(0.0, stddev, size=int(bad.sum()))
        w = w.astype(np.float32)
        fresh = copy.deepcopy(optimizer)  # an Optimizer instance must not carry its state from start to start
        runs.append(fit_iris(fresh, epochs, lr=lr, weights=(w[:12].reshape(4, 3), w[12:]), name=f"start {i}"))
    return runs
