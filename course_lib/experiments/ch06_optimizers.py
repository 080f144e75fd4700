"""Chapter 06a – optimizers, the principles: what the lesson runs on 2-D test functions.

* :data:`SURFACES` – the chapter's test functions (an ill-conditioned quadratic, Rosenbrock, a
  saddle, Beale) with gradients (and Hessians where Newton's method is shown);
  :func:`trajectory` runs one optimizer on one; :func:`race` several from the same start
  (prefix-cached for sliders), :func:`race_summary` turns a race into the sentences the lesson
  prints, :func:`largest_stable_lr` scans learning rates.
* First against second order: :func:`newton_path`, :func:`hessian_cost`.
* One optimizer explained: :func:`adagrad_slowdown` (why AdaGrad crawls on the quadratic),
  :func:`adam_effective_step` (what bias correction does), :func:`nadam_momentum` (Keras' and
  Dozat's momentum schedules).
* No free lunch: :func:`tuned_race` (each optimizer tuned on a grid, on :func:`rotated_quadratic`)
  and :func:`tuned_race_surface` (the same on a 2-D surface).
* :func:`step_optimizer` turns a pure one-step function (an exercise's answer) into an optimizer.

The optimizers themselves are :mod:`course_lib.nn.optimizers`; the iris runs and the practical
tips are :mod:`course_lib.experiments.ch06_practice`.
"""

from __future__ import annotations

import collections
import functools
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from .. import _check
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

__all__ = ["adam_effective_step", "Surface", "SURFACES", "trajectory", "RACE_NAMES", "race", "race_summary",
           "largest_stable_lr", "newton_path", "hessian_cost", "adagrad_slowdown", "nadam_momentum",
           "rotated_quadratic", "tuned_race", "tuned_race_surface", "step_optimizer"]


def _unit(value, name, *, high_open=True):
    """A number in [0, 1) (or [0, 1] with ``high_open=False``): betas, rho, momentum."""
    return _check.number(value, name, low=0.0, high=1.0, high_open=high_open)


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
    hess: Callable | None = None  # the Hessian (2, 2) at a point, where Newton's method is shown


def _quad_f(x, y):
    return 0.1 * x ** 2 + 2 * y ** 2


def _quad_g(x, y):
    return np.array([0.2 * x, 4 * y])


def _quad_h(x, y):
    return np.array([[0.2, 0.0], [0.0, 4.0]])


def _rosen_f(x, y):
    return (1 - x) ** 2 + 100 * (y - x ** 2) ** 2


def _rosen_g(x, y):
    return np.array([-2 * (1 - x) - 400 * x * (y - x ** 2), 200 * (y - x ** 2)])


def _rosen_h(x, y):
    return np.array([[2 - 400 * (y - x ** 2) + 800 * x ** 2, -400 * x], [-400 * x, 200.0]])


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
                         dict(lr=0.3, lr_adaptive=0.2, momentum=0.8, steps=50), _quad_h),
    "rosenbrock": Surface("rosenbrock", _rosen_f, _rosen_g, (-1.5, 2.0), (-2.0, 2.0), (-1.0, 3.0), (1.0, 1.0),
                          "f = (1 − x1)² + 100·(x2 − x1²)²",
                          dict(lr=0.001, lr_adaptive=0.1, momentum=0.9, steps=200), _rosen_h),
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


def race_summary(data) -> list:
    """The sentences the lesson prints under a race, computed from it (so they hold at any setting).

    ``data`` is a :func:`race` result. Returns lines (Chinese): the ranking by the final
    ``f − f*`` (lowest first), which runs diverged, which end below and above SGD, and the best
    and the worst. Used in 06a § The race.
    """
    if not isinstance(data, dict) or not {"surface", "losses", "diverged"} <= set(data):
        raise TypeError("data must be a race() result")
    s = data["surface"]
    f_min = s.f(*s.minimum) if s.minimum is not None else 0.0
    gaps = {n: float(v[-1] - f_min) for n, v in data["losses"].items() if not data["diverged"][n]}
    ranked = sorted(gaps, key=gaps.get)
    steps = data["params"]["steps"]
    lines = [f"{s.name}，{steps} 步后的 f − f*（从低到高）：" + "，".join(f"{n} {gaps[n]:.2g}" for n in ranked)]
    diverged = [n for n, d in data["diverged"].items() if d]
    lines.append("发散 (diverged)：" + ("、".join(diverged) if diverged else "没有"))
    if "SGD" in gaps:
        better = [n for n in ranked if gaps[n] < gaps["SGD"]]
        worse = [n for n in ranked if gaps[n] > gaps["SGD"]]
        lines.append("比 SGD 低：" + ("、".join(better) or "没有") + "；比 SGD 高：" + ("、".join(worse) or "没有"))
    if len(ranked) >= 2:
        lines.append(f"最好：{ranked[0]}；最差：{ranked[-1]}（相差 {gaps[ranked[-1]] / max(gaps[ranked[0]], 1e-300):.1e} 倍）")
    return lines


def largest_stable_lr(surface, name, lrs, steps=None):
    """The largest of ``lrs`` (sorted) for which optimizer ``name`` of :data:`RACE_NAMES` does not
    diverge on ``surface`` (with every smaller rate stable too), using the surface's preset for the
    other settings; ``None`` if the smallest already diverges. Used in 06a § The race (Beale).

    ``lrs`` sets ``lr`` for the SGD family and ``lr_adaptive`` for the others.
    """
    surface = _check.choice(surface, "surface", tuple(SURFACES))
    name = _check.choice(name, "name", RACE_NAMES)
    lrs = sorted(_check.numbers(lrs, "lrs", low=0.0))
    preset = dict(SURFACES[surface].preset)
    if steps is not None:
        preset["steps"] = _check.integer(steps, "steps", low=1, high=100_000)
    key = "lr" if name in ("SGD", "SGDM", "NAG") else "lr_adaptive"
    best = None
    for lr in lrs:
        if race(surface, (name,), **{**preset, key: lr})["diverged"][name]:
            break
        best = lr
    return best


# --------------------------------------------------------------------------------------------
# first against second order
# --------------------------------------------------------------------------------------------
def newton_path(surface="quadratic", steps=10, x0=None):
    """Newton's method ``x ← x − H(x)⁻¹·∇f(x)`` on a surface with a Hessian; the path ``(steps + 1, 2)``
    and ``f − f*`` along it. Used in 06a § First and second order.
    """
    surface = _check.choice(surface, "surface", tuple(n for n, s in SURFACES.items() if s.hess is not None))
    s = SURFACES[surface]
    steps = _check.integer(steps, "steps", high=1000)
    x = np.array(s.x0 if x0 is None else _check.real_array(x0, "x0"), dtype=np.float64)
    if x.shape != (2,):
        raise ValueError(f"x0 must be a point (x1, x2), got shape {x.shape}")
    path = [x.copy()]
    for _ in range(steps):
        x = x - np.linalg.solve(s.hess(*x), s.grad(*x))
        path.append(x.copy())
    path = np.array(path)
    return {"path": path, "gap": s.f(path[:, 0], path[:, 1]) - s.f(*s.minimum)}


def hessian_cost(n_params, bytes_per_number=4, flops_per_second=1e11):
    """What one Newton step costs for a model with ``n_params`` parameters (float32 by default):
    the gradient's memory ``n·b``, the Hessian's ``n²·b``, and the time to solve ``H·d = g``
    (a Cholesky factorisation, ``n³/3`` multiply-adds) at ``flops_per_second``.

    Returns a dict of floats: ``grad_bytes``, ``hessian_bytes``, ``solve_flops``, ``solve_seconds``.
    Used in 06a § First and second order.
    """
    n = float(_check.integer(n_params, "n_params", low=1))
    b = _check.positive(bytes_per_number, "bytes_per_number")
    rate = _check.positive(flops_per_second, "flops_per_second")
    flops = n ** 3 / 3.0
    return {"grad_bytes": n * b, "hessian_bytes": n * n * b, "solve_flops": flops, "solve_seconds": flops / rate}


# --------------------------------------------------------------------------------------------
# one optimizer explained
# --------------------------------------------------------------------------------------------
def adagrad_slowdown(lr=0.4, steps=100):
    """Why AdaGrad crawls on ``f = 0.1·x1² + 2·x2²`` although its axes are the coordinates.

    AdaGrad's step on coordinate i is ``lr/√V_t,i · g_i``: SGD with a per-coordinate rate
    ``lr/√V_t,i``. V only grows, and it is dominated by the large gradients of the first steps,
    so the rate keeps falling: x1 shrinks by ``1 − 0.2·lr/√V_t,1`` per step instead of SGD's
    ``1 − 0.2·lr``. Returns ``effective_lr`` (steps, 2) and the ``factor`` of x1 per step for
    both, and their final ``f``. Used in 06a § AdaGrad.
    """
    lr = _check.positive(lr, "lr")
    steps = _check.integer(steps, "steps", low=1, high=100_000)
    s = SURFACES["quadratic"]
    d = race("quadratic", ("SGD", "Adagrad"), lr=lr, lr_adaptive=lr, steps=steps)
    g = np.array([s.grad(*x) for x in d["paths"]["Adagrad"][:-1]])
    with np.errstate(divide="ignore"):
        eff = lr / np.sqrt(np.cumsum(g ** 2, axis=0))
    return {"effective_lr": eff, "factor_adagrad": 1 - 0.2 * eff[:, 0], "factor_sgd": 1 - 0.2 * lr,
            "f_adagrad": float(d["losses"]["Adagrad"][-1]), "f_sgd": float(d["losses"]["SGD"][-1]), "lr": lr}


def nadam_momentum(steps=1000, beta_1=0.9):
    """Nadam's momentum schedule μₜ, t = 1..steps: Keras' ``β₁(1 − ½·0.96ᵗ)`` and Dozat's paper's
    ``β₁(1 − ½·0.96^(t/250))``. Used in 06a § Nadam."""
    steps = _check.integer(steps, "steps", low=1, high=10 ** 7)
    beta_1 = _unit(beta_1, "beta_1")
    t = np.arange(1, steps + 1, dtype=np.float64)
    return {"t": t, "keras": beta_1 * (1 - 0.5 * 0.96 ** t), "dozat": beta_1 * (1 - 0.5 * 0.96 ** (t / 250))}


class _StepOptimizer(Optimizer):
    """An optimizer that calls a pure one-step function (see :func:`step_optimizer`)."""

    def __init__(self, fn, learning_rate, kind, hyper):
        super().__init__(learning_rate)
        self._fn, self._kind, self._hyper = fn, kind, hyper
        self._slots = {"m": None} if kind == "sgdm" else {"m": None, "v": None}

    def _update_step(self, g, w, lr, s):
        if self._kind == "sgdm":
            new = self._fn(w.copy(), s["m"].copy(), g.copy(), learning_rate=float(lr), **self._hyper)
            names = ("m",)
        else:
            new = self._fn(w.copy(), s["m"].copy(), s["v"].copy(), g.copy(), self.iterations + 1,
                           learning_rate=float(lr), **self._hyper)
            names = ("m", "v")
        w[...] = new[0]
        for k, v in zip(names, new[1:]):
            s[k][...] = v


def step_optimizer(fn, learning_rate, kind="adam", **hyper):
    """An :class:`~course_lib.nn.optimizers.Optimizer` that applies ``fn``, a pure one-step function:

    * ``kind="sgdm"``: ``fn(w, m, g, learning_rate=..., **hyper) -> (w, m)``;
    * ``kind="adam"``: ``fn(w, m, v, g, t, learning_rate=..., **hyper) -> (w, m, v)``, t = 1, 2, ...

    So an exercise's answer can drive a later experiment (06a: your Adam in the race; 06c: your
    AdamW on the dots). ``fn`` gets copies: it cannot change the optimizer's state by mistake.
    """
    fn = _check.function(fn, "fn")
    kind = _check.choice(kind, "kind", ("sgdm", "adam"))
    return _StepOptimizer(fn, learning_rate, kind, hyper)


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
    over the other knob) and the curve of its best run. Used in 06c_optimizers_monitoring § 6 (how to choose).

    Returns
    -------
    dict
        ``steps`` and ``runs``: name -> ``{"lrs", "final", "curve", "label", "best"}``.
    """
    dim, seed = _check.integer(dim, "dim", low=1, high=1000), _check.integer(seed, "seed")
    condition = _check.number(condition, "condition", low=1.0)
    return _tuned_race(dim, condition, _check.integer(steps, "steps", low=1, high=100_000), seed,
                       _check.integer(n_lrs, "n_lrs", low=1, high=1000))


def _quadratic_runs(name, lrs, knobs, A, x0, steps):
    """:func:`_quadratic_run` for every ``(lr, knob)`` of the grid at once (rows in the order
    ``for lr in lrs: for knob in knobs``): Keras' SGD with momentum or Adam (β₂ = 0.999, ε = 1e-7),
    the rule written out on a stack of points with a learning rate and a knob per row; the same
    numbers as the optimizer classes (the gradient ``A @ x`` and ``f`` per row, as there).
    Returns ``f (rows, steps + 1)``, ``inf`` from the step a run left the box on.
    """
    lr = np.repeat(np.asarray(lrs, dtype=np.float64), len(knobs))[:, None]
    knob = np.tile(np.asarray(knobs, dtype=np.float64), len(lrs))[:, None]
    X = np.tile(x0, (len(lr), 1))
    m, v = np.zeros_like(X), np.zeros_like(X)
    f = np.full((len(X), steps + 1), np.inf)
    f[:, 0] = [0.5 * x @ A @ x for x in X]
    alive = np.ones(len(X), dtype=bool)
    with np.errstate(all="ignore"):
        for k in range(1, steps + 1):
            g = np.array([A @ x for x in X])
            if name == "SGD + momentum":  # SGD._update_step
                m[...] = m * knob - g * lr
                X += m
            else:  # Adam._update_step
                alpha = lr * np.sqrt(1.0 - np.power(0.999, float(k))) / (1.0 - np.power(knob, float(k)))
                m += (g - m) * (1 - knob)
                v += (np.square(g) - v) * (1 - 0.999)
                X -= (m * alpha) / (np.sqrt(v) + 1e-7)
            alive &= np.all(np.isfinite(X), axis=1) & (np.abs(X).max(axis=1) <= 1e8)
            if not alive.any():
                break
            f[alive, k] = [0.5 * X[r] @ A @ X[r] for r in np.flatnonzero(alive)]
    return f


@functools.lru_cache(maxsize=8)
def _tuned_race(dim, condition, steps, seed, n_lrs):
    A, x0 = rotated_quadratic(dim, condition, seed)
    lrs = np.logspace(-4, 0, int(n_lrs))
    runs = {}
    for name, (_make, knobs, knob_name) in _TUNE_GRIDS.items():
        final = np.full(len(lrs), np.inf)
        best = (np.inf, None, None, None)
        curves = _quadratic_runs(name, lrs, knobs, A, x0, int(steps))
        for i, lr in enumerate(lrs):
            for j, k in enumerate(knobs):
                curve = curves[i * len(knobs) + j]
                if curve[-1] < final[i]:
                    final[i] = curve[-1]
                if curve[-1] < best[0]:
                    best = (curve[-1], float(lr), k, curve)
        runs[name] = {"lrs": lrs, "final": final, "curve": best[3],
                      "label": f"lr={best[1]:.3g}, {knob_name}={best[2]}",
                      "best": {"learning_rate": best[1], knob_name: best[2], "final": float(best[0])}}
    return {"steps": int(steps), "runs": runs, "dim": dim, "condition": condition}


def tuned_race_surface(surface="saddle", steps=60, n_lrs=21, lr_range=(-4.0, 1.0), window=10):
    """:func:`tuned_race`'s grids (SGD + momentum against Adam, each tuned over the learning rates
    ``logspace(*lr_range, n_lrs)`` and its other knob) on a 2-D test function from its start.

    A run is ranked by its **worst** ``f − f*`` over its last ``window`` steps (a run that
    bounces around the minimum does not win by landing close on one step); a run that diverges is
    out. Used in the 06d appendix (does the no-free-lunch verdict turn around on the saddle?).

    Returns
    -------
    dict
        name -> ``{"worst": max f − f* over the last window steps, "final": f − f* at the last
        step, "learning_rate", <knob>, "at_edge": the best rate is an end of the grid}`` of the
        best run (``worst`` is ``inf`` and the rest ``None`` when every run diverged).
    """
    surface = _check.choice(surface, "surface", tuple(SURFACES))
    steps = _check.integer(steps, "steps", low=1, high=100_000)
    n_lrs = _check.integer(n_lrs, "n_lrs", low=1, high=1000)
    exps = _check.numbers(lr_range, "lr_range", low=-12.0, high=3.0)
    if len(exps) != 2 or exps[0] > exps[1]:
        raise ValueError(f"lr_range must be two exponents (low, high) with low <= high, got {lr_range!r}")
    lo, hi = exps
    window = _check.integer(window, "window", low=1, high=steps + 1)
    s = SURFACES[surface]
    f_min = s.f(*s.minimum)
    lrs = np.logspace(lo, hi, n_lrs)
    out = {}
    for name, (make, knobs, knob_name) in _TUNE_GRIDS.items():
        best = {"worst": np.inf, "final": None, "learning_rate": None, knob_name: None, "at_edge": None}
        for i, lr in enumerate(lrs):
            for k in knobs:
                p = trajectory(make(float(lr), k), s.grad, s.x0, steps, limit=1e3)
                if len(p) < steps + 1:
                    continue
                tail = s.f(p[-window:, 0], p[-window:, 1]) - f_min
                if tail.max() < best["worst"]:
                    best = {"worst": float(tail.max()), "final": float(tail[-1]), "learning_rate": float(lr),
                            knob_name: k, "at_edge": n_lrs > 1 and i in (0, n_lrs - 1)}
        out[name] = best
    return out
