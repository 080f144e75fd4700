"""Chapter 04 – loss functions: what the chapter runs (numpy only).

The formulas are in :mod:`course_lib.nn.losses`; the drawings in
:mod:`course_lib.figures.ch04_losses`; every comparison with TensorFlow and with the course's
own numbers in :mod:`course_lib.reference.ch04_losses`.

Contents
--------
* regression: :func:`regression_curves` (the Huber / smooth L1 slider)
* cross-entropy: :func:`ce_stability_view` (naive, clipped and fused forms over the logit scale)
* the yogurt example: :func:`yogurt_gd` (the course's full-batch gradient descent, vectorised
  over many (COST, PROFIT) runs; ``exact=True`` follows TensorFlow's order of operations),
  :func:`least_squares` and :func:`yogurt_optimum` (the exact minimisers), :func:`yogurt_grid`
  (every slider run at once, cached) and :func:`yogurt_view`
* boxes: :func:`box_view` (two boxes and the four IoU losses), :func:`box_regression_simulation`
  (the DIoU paper's simulation, scaled down), :func:`box_case_paths` and :func:`box_case_view`
* focal loss: :func:`focal_curve_data`, :func:`focal_toy` (an imbalanced toy trained on a (γ, α)
  grid) and :func:`focal_view`
* a detector's loss = classification + box regression: :func:`detector_toy` (anchors, targets and
  one fixed set of predictions) and :func:`detector_loss_view` (the two parts, weighted)
"""

from __future__ import annotations

import math
import operator
import struct

import numpy as np

from .. import _check
from .._cache import lru_cache
from ..nn import losses as _L
from ..nn.activations import sigmoid, softmax

__all__ = [
    "regression_curves", "ce_stability_view",
    "yogurt_gd", "least_squares", "yogurt_optimum", "YOGURT_GRID", "yogurt_grid", "yogurt_view",
    "box_view", "box_regression_simulation", "box_simulation_view", "box_case_paths", "box_case_view", "SIM_CASES",
    "SIM_SCALES", "SIM_RATIOS",
    "focal_curve_data", "focal_toy", "focal_view", "FOCAL_GAMMAS", "FOCAL_ALPHAS",
    "detector_toy", "detector_loss_view", "DETECTOR_BOX_WEIGHTS",
]


# ----------------------------------------------------------------------------------------------
# regression and cross-entropy sliders
# ----------------------------------------------------------------------------------------------
def regression_curves(delta=1.0, span=4.0):
    """Slider data: MSE, MAE, Huber(δ) and smooth L1(β = δ) of one error ``e = ŷ − y`` over ``[−span, span]``.

    Also the losses of a small data set with one outlier, for each candidate constant
    prediction ``c`` on a grid of step 0.01: the minimiser of MSE is the mean (dragged by the
    outlier); MAE is flat between the two middle values of an even number of points, so every
    ``c`` there is a minimiser (``mae_interval``; the median, their midpoint, is one of them).
    ``best`` is the first grid point where each loss is smallest.
    Used in 04_losses § 离群点与 Huber / smooth L1.
    """
    delta = _check.positive(delta, "delta")
    span = _check.positive(span, "span")
    e = np.linspace(-span, span, 401)
    zero = np.zeros_like(e)[:, None]
    curves = {"MSE": _L.mean_squared_error(zero, e[:, None]), "MAE": np.abs(e),
              f"Huber δ={delta:g}": _L.huber(zero, e[:, None], delta),
              f"smooth L1 β={delta:g}": _L.smooth_l1(zero, e[:, None], delta)}
    data = np.array([1.0, 1.5, 2.0, 2.5, 3.0, 12.0])  # one outlier
    c = np.linspace(0, 13, 1301)
    targets = np.broadcast_to(data, (len(c), len(data)))
    preds = np.broadcast_to(c[:, None], targets.shape)
    fits = {"MSE": _L.mean_squared_error(targets, preds), "MAE": np.mean(np.abs(targets - preds), axis=-1),
            f"Huber δ={delta:g}": _L.huber(targets, preds, delta)}
    best = {k: float(c[np.argmin(v)]) for k, v in fits.items()}
    flat = c[fits["MAE"] <= fits["MAE"].min() + 1e-12]
    return {"e": e, "curves": curves, "delta": delta, "data": data, "c": c, "fits": fits, "best": best,
            "mean": float(np.mean(data)), "median": float(np.median(data)),
            "mae_interval": (float(flat.min()), float(flat.max()))}


def ce_stability_view(z, target="smallest", dtype="float64"):
    """Slider data: cross-entropy of logits ``[z, 0, −z]`` computed three ways, over ``z ∈ [0, 1000]``.

    ``target="smallest"``: the label is the class of logit ``−z`` (a confident wrong answer), the
    true loss ``z + log(e^z + 1 + e^{−z}) ≈ 2z``; the naive form returns inf once ``e^{−z}/Σ``
    underflows to 0 (z > 372 in float64, 52 in float32). ``target="largest"``: the label is the
    class of logit ``z`` (a confident right answer), true loss ``log(1 + e^{−z} + e^{−2z}) ≈ 0``;
    the naive form returns nan once ``e^z`` overflows (``inf/inf``, z > 709 in float64, 88.7 in float32).

    The three forms: naive (:func:`~course_lib.nn.losses.naive_softmax_cross_entropy`), Keras'
    clipped form (softmax, then ``categorical_crossentropy`` on probabilities: finite but capped
    at −log ε ≈ 16.1 and flat there, so its gradient vanishes) and the fused
    ``softmax_cross_entropy_with_logits``. Used in 04_losses § 为什么要直接从 logits 计算.
    """
    z = _check.number(z, "z")
    target = _check.choice(target, "target", ("smallest", "largest"))
    dtype = _check.choice(dtype, "dtype", ("float32", "float64"))
    zs = np.unique(np.concatenate([np.linspace(0, 1000, 1001), [z]]).astype(dtype))
    logits = np.stack([zs, np.zeros_like(zs), -zs], axis=-1)
    labels = np.zeros_like(logits)
    labels[:, 2 if target == "smallest" else 0] = 1
    naive = _L.naive_softmax_cross_entropy(labels, logits)
    clipped = _L.categorical_crossentropy(labels, softmax(logits))
    fused = _L.softmax_cross_entropy_with_logits(labels, logits)
    i = int(np.flatnonzero(zs == np.asarray(z, dtype))[0])
    return {"z": zs.astype(float), "naive": naive.astype(float), "clipped": clipped.astype(float),
            "fused": fused.astype(float), "at": float(zs[i]), "dtype": dtype, "target": target,
            "values": {"naive": float(naive[i]), "clipped": float(clipped[i]), "fused": float(fused[i])}}


# ----------------------------------------------------------------------------------------------
# the yogurt example
# ----------------------------------------------------------------------------------------------
def _yogurt_args(x, y, w0):
    x = _check.as_float(x, "x")
    y = _check.as_float(y, "y")
    if x.ndim != 2 or x.shape[1] != 2:
        raise ValueError(f"x must have shape (n, 2), got {x.shape}")
    y = y.reshape(-1) if y.ndim == 2 and y.shape[1] == 1 else y
    if y.shape != (x.shape[0],):
        raise ValueError(f"y must have shape (n,) or (n, 1) with n = len(x) = {x.shape[0]}, got {y.shape}")
    w0 = _check.as_float(w0, "w0").reshape(-1)
    if w0.shape != (2,):
        raise ValueError(f"w0 must hold 2 weights, got shape {w0.shape}")
    for name, a in (("x", x), ("y", y), ("w0", w0)):
        if not np.all(np.isfinite(a)):
            raise ValueError(f"{name} must hold finite numbers")
    return x, y, w0


def _costs(value, name):
    """cost or profit for :func:`yogurt_gd`: a number or a flat sequence of finite numbers >= 0."""
    if isinstance(value, (str, bytes, bool)) or value is None:
        raise TypeError(f"{name} must be a number or a sequence of numbers, got {value!r}")
    try:
        a = np.atleast_1d(np.asarray(value, dtype=np.float64))
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a number or a sequence of numbers") from None
    if a.ndim != 1 or not a.size:
        raise ValueError(f"{name} must be a number or a flat sequence of numbers, got shape {a.shape}")
    if np.any(~np.isfinite(a) | (a < 0)):
        raise ValueError(f"{name} must be finite and >= 0, got {value!r}")
    return a


def _runs(loss, cost, profit):
    """``loss``, ``cost`` and ``profit`` of :func:`yogurt_gd` as three arrays of one length ``k``."""
    c, p = _costs(cost, "cost"), _costs(profit, "profit")
    if c.shape != p.shape:
        raise ValueError(f"cost and profit must be numbers or sequences of one length, got {c.shape} and {p.shape}")
    kinds = np.atleast_1d(np.asarray(loss, dtype=object))
    if kinds.ndim != 1 or not kinds.size or any(not isinstance(k, str) or k not in ("mse", "custom") for k in kinds):
        raise ValueError(f"loss must be 'mse' or 'custom' (or a sequence of them), got {loss!r}"[:300])
    if len(kinds) == 1:
        kinds = np.repeat(kinds, len(c))
    elif len(c) == 1:
        c, p = np.repeat(c, len(kinds)), np.repeat(p, len(kinds))
    if len(kinds) != len(c):
        raise ValueError(f"loss, cost and profit must have one length, got {len(kinds)} and {len(c)}")
    return kinds, c, p


def yogurt_gd(x, y, w0, *, loss="custom", cost=1.0, profit=99.0, lr=0.002, epochs=10000, every=1,
              exact=False, fma=True):
    """The course's yogurt training (``y = x·w``, no bias, full batch, float32), in vectorised numpy.

    ``loss="mse"``: ``mean((y − x·w)²)``, gradient ``−(2/n) xᵀ(y − x·w)``;
    ``loss="custom"``: :func:`~course_lib.nn.losses.yogurt_loss`, gradient ``xᵀ g`` with
    ``g_i = COST`` where ``x_i·w > y_i`` and ``−PROFIT`` elsewhere. Update ``w ← w − lr·grad``
    (``train.fit`` with ``nn.optimizers.SGD``, run ``k`` times at once).

    ``loss``, ``cost`` and ``profit`` may be sequences of one length ``k``: ``k`` runs at once.
    Used in 04_losses § 自定义损失 (the slider grid) and by ``reference.ch04_losses``.

    Parameters
    ----------
    exact : bool
        ``True``: the order of operations of TensorFlow's CPU kernel for this tiny product – the
        prediction ``x1·w1 + x2·w2`` unfused, the gradient ``xᵀ g`` accumulated sample after
        sample (``fma=False``: one ``np.add.accumulate``, about as fast as ``False`` for a few
        runs; ``fma=True``: a loop over the samples, a few times slower). ``False``: a pairwise
        sum in a fixed order (element-wise float32 adds, so the same on every CPU), the fastest
        for many runs at once (the COST/PROFIT slider's 49). The two
        differ in the last bits; in the oscillating custom-loss runs the difference grows slowly
        (COST 99 / PROFIT 1: 1e-5 after 5000 epochs) until a sample falls on the other side of the
        line in one run only, and the paths part (by about 0.1, the oscillation's size, from about
        epoch 6000): the 04_losses appendix § 1 prints it.
    fma : bool
        With ``exact``: each step of the sum is a fused multiply-add (one rounding), or a
        product rounded to float32 and then added (two roundings). Which one TensorFlow does
        depends on how its kernels were built for the CPU: on some CPUs one of the two equals
        ``reference.ch04_losses.yogurt_gd_tf`` bit for bit (the chapter's appendix shows which on
        the machine that runs it); the tests only assume float32 round-off. ``fma=False`` is
        bit for bit ``train.fit`` with ``nn.optimizers.SGD`` and a sample-by-sample gradient, and
        reproduces the course's printed weights exactly.

    Returns
    -------
    ndarray, float32, shape ``(epochs // every + 1, k, 2)`` (``k = 1`` for scalar arguments)
        ``w`` before the first epoch and after every ``every`` epochs.
    """
    x, y, w0 = _yogurt_args(x, y, w0)
    epochs = _check.integer(epochs, "epochs", low=0)
    every = _check.integer(every, "every", low=1)
    lr = _check.positive(lr, "lr")
    exact, fma = _check.flag(exact, "exact"), _check.flag(fma, "fma")
    kinds, c, p = _runs(loss, cost, profit)
    return _yogurt_kernel(x, y, w0, kinds == "mse", c, p, lr, epochs, every, exact, fma)


def _sequential_sum_f32(terms):
    """``Σ_i terms[i]`` (float64 terms, shape (n, ...)) added in order, each partial sum rounded to float32.

    With exact float64 products as the terms, each step is a fused multiply-add's single rounding.
    The hot inner loop of :func:`yogurt_gd` with ``exact=True, fma=True``: for a few runs it works
    on Python floats and rounds all partial sums of a step at once through ``struct`` (IEEE
    round to nearest, as numpy's float64 → float32 cast; about 10× faster than numpy calls on
    tiny arrays), otherwise – or when a sum overflows float32 – on numpy arrays. Both give the same bits.
    """
    n, shape = terms.shape[0], terms.shape[1:]
    size = math.prod(shape)
    if size <= 16:
        fmt = struct.Struct(f"{size}f")
        pack, unpack, add = fmt.pack, fmt.unpack, operator.add
        s = (0.0,) * size
        try:
            for row in terms.reshape(n, size).tolist():
                s = unpack(pack(*map(add, s, row)))
            return np.array(s, dtype=np.float32).reshape(shape)
        except OverflowError:  # struct refuses a finite double beyond float32's range; numpy rounds it to inf
            pass
    acc, total = np.zeros(shape), np.zeros(shape, dtype=np.float32)
    with np.errstate(over="ignore"):
        for i in range(n):
            np.add(terms[i], total, out=acc)
            np.copyto(total, acc, casting="same_kind")  # round to float32
    return total


def _yogurt_kernel(x, y, w0, mse, c, p, lr, epochs, every, exact, fma):
    """The hot loop of :func:`yogurt_gd` (checked arguments; ``mse`` a boolean per run)."""
    f32 = np.float32
    all_custom = not mse.any()
    mse = mse[:, None]
    x, y = x.astype(f32), y.astype(f32)
    c, neg_p = c.astype(f32)[:, None], (-p).astype(f32)[:, None]
    lr_, inv_n = f32(lr), f32(1.0 / x.shape[0])
    minus_two_inv_n = f32(-2.0) * inv_n
    x1, x2 = x[:, 0], x[:, 1]
    cols = x.astype(np.float64)  # exact products g·x in float64 emulate the fused multiply-add
    n, xt = x.shape[0], np.ascontiguousarray(x.T)
    m = 1 << max(n - 1, 0).bit_length()  # the fast sum's width: the next power of two
    W = np.tile(w0.astype(f32), (len(c), 1))
    out = np.empty((epochs // every + 1, len(c), 2), dtype=f32)
    out[0] = W
    for e in range(1, epochs + 1):
        pred = W[:, :1] * x1 + W[:, 1:] * x2  # (k, n), element-wise: no BLAS kernel choice
        # (y − pred)·(−2/n) rounds exactly as −(1/n·(2·(y − pred))): scaling by 2 is exact
        if all_custom:  # the slider grid: skip the MSE branch (same values)
            g = np.where(pred > y, c, neg_p)
        else:
            g = np.where(mse, (y - pred) * minus_two_inv_n, np.where(pred > y, c, neg_p))
        if exact and fma:  # grad = fma(g_i, x_i, grad), sample after sample: one rounding per step
            grad = _sequential_sum_f32(g.T.astype(np.float64)[:, :, None] * cols[:, None, :])  # exact products
        elif exact:  # products rounded to float32, then added sample after sample
            # np.add.accumulate adds strictly in order (never pairwise), each partial sum in float32
            grad = np.add.accumulate(g[:, :, None] * x, axis=1)[:, -1]
        else:  # a pairwise sum in a fixed order: element-wise float32 adds, the same on every CPU
            P = g[:, None, :] * xt  # (k, 2, n)
            if m != n:  # zero-padded to a power of two (adding 0 is exact)
                P = np.concatenate([P, np.zeros((len(c), 2, m - n), dtype=f32)], axis=-1)
            h = m
            while h > 1:
                h //= 2
                P = P[..., :h] + P[..., h:2 * h]
            grad = P[..., 0]
        W = W - lr_ * grad
        if e % every == 0:
            out[e // every] = W
    return out


def least_squares(x, y):
    """The exact minimiser of the MSE without bias: ``argmin_w ‖x·w − y‖²`` (``numpy.linalg.lstsq``).

    Used in 04_losses § 精确最优解 and by ``reference.ch04_losses.course_comparison``.
    """
    x, y, _ = _yogurt_args(x, y, np.zeros(2))
    return np.linalg.lstsq(x, y, rcond=None)[0]


def yogurt_optimum(x, y, cost=1.0, profit=99.0):
    """The exact minimiser of :func:`~course_lib.nn.losses.yogurt_loss` for ``y ≈ x·w`` (2 weights, no bias).

    The loss is convex and piecewise linear in ``w``: a linear program (quantile regression,
    Koenker & Bassett 1978, with quantile ``τ = profit / (cost + profit)``). A minimum sits
    on a vertex, where two residuals are zero, so we solve every pair ``x_i·w = y_i``,
    ``x_j·w = y_j`` and keep the best (n(n−1)/2 = 496 candidates for 32 samples).
    Used in 04_losses § 精确最优解 and by :func:`yogurt_grid`.

    Returns
    -------
    w : ndarray (2,)
    loss : float
        The minimum (in float64).
    """
    x, y, _ = _yogurt_args(x, y, np.zeros(2))
    cost = _check.positive(cost, "cost")
    profit = _check.positive(profit, "profit")
    i, j = np.triu_indices(len(x), 1)
    A = np.stack([x[i], x[j]], axis=1)  # (m, 2, 2)
    det = np.linalg.det(A)
    ok = np.abs(det) > 1e-12
    W = np.linalg.solve(A[ok], np.stack([y[i], y[j]], axis=1)[ok][..., None])[..., 0]  # (m, 2)
    r = W @ x.T - y  # prediction − truth
    losses = np.sum(np.where(r > 0, r * cost, -r * profit), axis=1)
    best = int(np.argmin(losses))
    return W[best], float(losses[best])


#: The COST/PROFIT values the yogurt sliders offer (precomputed on this grid).
YOGURT_GRID = (1, 2, 5, 10, 20, 50, 99)


@lru_cache(maxsize=4)
def yogurt_grid(w0, values=YOGURT_GRID, epochs=10000, every=10):
    """Every (COST, PROFIT) pair of ``values`` trained at once (vectorised), with its exact optimum.

    ``w0`` is a tuple (hashable: the result is cached). Returns a dict with ``pairs`` (k, 2),
    ``paths`` (epochs // every + 1, k, 2), ``final`` (k, 2) after exactly ``epochs`` epochs and
    ``optimum`` (k, 2). Used by :func:`yogurt_view` (04_losses § COST 与 PROFIT 滑块).
    """
    from ..data import yogurt

    if not isinstance(w0, tuple):
        raise TypeError(f"w0 must be a tuple of 2 numbers (yogurt_grid caches its results), got {type(w0).__name__}")
    w0 = _check.numbers(w0, "w0")
    if len(w0) != 2:
        raise ValueError(f"w0 must hold 2 weights, got {len(w0)}")
    values = _check.numbers(values, "values", low=0.0, low_open=True)
    epochs, every = _check.integer(epochs, "epochs", low=1), _check.integer(every, "every", low=1)
    x, y = yogurt()
    pairs = np.array([(c, p) for c in values for p in values], dtype=float)
    paths = yogurt_gd(x, y, np.asarray(w0), loss="custom", cost=pairs[:, 0], profit=pairs[:, 1],
                      epochs=epochs, every=every)
    optimum = np.array([yogurt_optimum(x, y, c, p)[0] for c, p in pairs])
    return {"pairs": pairs, "paths": paths, "final": paths[-1], "optimum": optimum, "every": every,
            "values": tuple(values), "x": x, "y": y[:, 0], "lr": 0.002}


def yogurt_view(cost, profit, w0, *, tail=200):
    """Slider data: the precomputed run of (``cost``, ``profit``), its optimum and the loss surface.

    Reads :func:`yogurt_grid` (never trains): ``cost`` and ``profit`` must be grid values.
    Also the loss along the path (``loss``), its exact minimum (``loss_opt``) and their gap, and
    the median length of one epoch's step ``|η ∇L|`` at the last ``tail`` recorded points
    (``tail_step``). Used in 04_losses § COST 与 PROFIT 滑块.
    """
    cost, profit = _check.non_negative(cost, "cost"), _check.non_negative(profit, "profit")
    tail = _check.integer(tail, "tail", low=1)
    w0 = _check.as_float(w0, "w0").ravel()
    if w0.shape != (2,) or not np.all(np.isfinite(w0)):
        raise ValueError(f"w0 must hold 2 finite weights, got shape {w0.shape}")
    g = yogurt_grid(tuple(float(v) for v in w0))
    hit = np.flatnonzero((g["pairs"][:, 0] == cost) & (g["pairs"][:, 1] == profit))
    if hit.size == 0:
        raise ValueError(f"cost and profit must be values of the grid {g['values']}, got cost={cost!r}, profit={profit!r}")
    k = int(hit[0])
    path = g["paths"][:, k].astype(float)
    opt = g["optimum"][k]
    x, y = g["x"], g["y"]
    w1s = np.linspace(0.6, 1.6, 81)
    w2s = np.linspace(0.6, 1.6, 81)
    W1, W2 = np.meshgrid(w1s, w2s)
    r = W1[..., None] * x[:, 0] + W2[..., None] * x[:, 1] - y
    surface = np.sum(np.where(r > 0, r * cost, -r * profit), axis=-1)
    final = path[-1]
    under = float(np.mean(x @ final < y))
    rp = path @ x.T - y  # residuals along the path
    loss_path = np.sum(np.where(rp > 0, rp * cost, -rp * profit), axis=1)
    ro = x @ opt - y
    loss_opt = float(np.sum(np.where(ro > 0, ro * cost, -ro * profit)))
    s_tail = np.where(rp[-tail:] > 0, cost, -profit)  # dL/d(prediction) of each sample, at the tail's points
    steps = g["lr"] * np.linalg.norm(s_tail @ x, axis=1)  # one epoch's step |η ∇L| there
    return {"cost": cost, "profit": profit, "path": path, "tail": path[-tail:], "optimum": opt,
            "final": final, "every": g["every"], "grid": (W1, W2, surface),
            "tau": profit / (cost + profit), "under_share": under,
            "under_share_opt": float(np.mean(x @ opt < y - 1e-12)),
            "loss": loss_path, "loss_opt": loss_opt, "gap": loss_path - loss_opt,
            "tail_step": float(np.median(steps))}


# ----------------------------------------------------------------------------------------------
# boxes: the box slider and the DIoU paper's regression simulation
# ----------------------------------------------------------------------------------------------
def box_view(dx, dy, w, h, target_w=2.0, target_h=1.0, span=6.0, iou=None):
    """Slider data: a target box centred at the origin and a predicted box ``(dx, dy, w, h)`` (centre, size).

    Returns both boxes (x1, y1, x2, y2), the enclosing box, the four similarities and losses,
    and each loss as a function of the horizontal offset ``dx`` over ``[−span, span]``.
    ``iou``: a function ``iou(boxes1, boxes2)`` (a student's) that computes the IoU row (its
    value, curve and slope) instead of :func:`~course_lib.nn.losses.iou`; the other three are
    the library's. Used in 04_losses § IoU 家族 and in its exercise 4.
    """
    dx, dy = _check.number(dx, "dx"), _check.number(dy, "dy")
    w, h = _check.positive(w, "w"), _check.positive(h, "h")
    target_w = _check.positive(target_w, "target_w")
    target_h = _check.positive(target_h, "target_h")
    span = _check.positive(span, "span")
    iou = _check.function(iou, "iou", optional=True)
    target = np.array([-target_w / 2, -target_h / 2, target_w / 2, target_h / 2])
    pred = _L._xywh_to_xyxy(np.array([dx, dy, w, h], dtype=float))
    offsets = np.unique(np.concatenate([np.linspace(-span, span, 481), [dx]]))
    preds = _L._xywh_to_xyxy(np.stack([offsets, np.full_like(offsets, dy), np.full_like(offsets, w),
                                       np.full_like(offsets, h)], axis=-1))
    names = list(_L.BOX_LOSSES)
    sims = [float(s) for s in _L._similarities(target, pred)]
    curves = {n: 1 - s for n, s in zip(names, _L._similarities(target, preds))}
    grads = {n: _L.box_loss_gradient(n, target, pred) for n in names}
    if iou is not None:
        sims[0] = _own_iou(iou, target, pred, ())
        curves["IoU"] = 1 - _own_iou(iou, target, preds, (len(preds),))
        hx = 1e-6  # its slope along x by central differences, as box_loss_gradient does
        shift = np.array([hx, 0.0, hx, 0.0])
        slope = (_own_iou(iou, target, pred - shift, ()) - _own_iou(iou, target, pred + shift, ())) / (2 * hx)
        grads["IoU"] = np.array([slope / 2, 0.0, slope / 2, 0.0])
    enclosing = np.array([min(target[0], pred[0]), min(target[1], pred[1]),
                          max(target[2], pred[2]), max(target[3], pred[3])])
    return {"target": target, "pred": pred, "enclosing": enclosing,
            "similarity": dict(zip(names, sims)), "loss": {n: 1 - s for n, s in zip(names, sims)},
            "offsets": offsets, "curves": curves, "dx": dx, "grad": grads,
            "slope": {n: float(g[0] + g[2]) for n, g in grads.items()}}  # d loss / d dx (slide the box)


def _own_iou(iou, boxes1, boxes2, shape):
    """A student's ``iou(boxes1, boxes2)`` as a float array of ``shape``, or a ValueError that says what went wrong."""
    try:
        out = np.asarray(iou(boxes1, boxes2), dtype=float)
    except Exception as exc:  # the student's function failed: say so, naming the argument
        raise ValueError(f"iou(boxes1, boxes2) raised {type(exc).__name__}: {exc}") from exc
    if out.shape != shape:
        raise ValueError(f"iou must return one value per pair of boxes, shape {shape}, got shape {out.shape}")
    return out if shape else float(out)


#: The DIoU paper's 7 anchor scales (areas relative to the target's) and 7 aspect ratios w/h.
SIM_SCALES = (0.5, 0.67, 0.75, 1.0, 1.33, 1.5, 2.0)
SIM_RATIOS = (1 / 4, 1 / 3, 1 / 2, 1.0, 2.0, 3.0, 4.0)


def _sunflower(n, radius):
    """``n`` points spread evenly over a disc (Vogel's spiral): a deterministic uniform sample."""
    k = np.arange(n) + 0.5
    r, th = radius * np.sqrt(k / n), k * math.pi * (3 - math.sqrt(5))
    return np.stack([r * np.cos(th), r * np.sin(th)], axis=-1)


def _own_similarities(a, b, kinds):
    """``nn.losses._similarities(a, b)`` for boxes ``b`` (P, L, n, 4) whose row ``l`` is regressed with the
    similarity ``kinds[l]`` (0–3: IoU, GIoU, DIoU, CIoU): the IoU of every box (P, L, n) and each row's own
    similarity (L, P, n), the same arithmetic (so the same bits) computed only where it is used – the GIoU,
    DIoU and CIoU terms of a row of another loss are never needed (the hot part of :func:`_regress`)."""
    b = np.broadcast_arrays(a, b)[1]
    iou_, (ax1, ay1, ax2, ay2, bx1, by1, bx2, by2, cw, ch, wa, ha, wb, hb, union) = _L._box_terms(a, b)
    own = np.empty((b.shape[1], b.shape[0]) + b.shape[2:-1])
    for kind in sorted(set(kinds)):
        r = [row for row, k in enumerate(kinds) if k == kind]
        r = slice(r[0], r[-1] + 1) if r == list(range(r[0], r[-1] + 1)) else r
        iou_r = iou_[:, r]
        if kind == 0:
            sim = iou_r
        elif kind == 1:
            area_c = cw[:, r] * ch[:, r]
            sim = iou_r - _L._safe_div(area_c - union[:, r], area_c)
        else:
            rho2 = ((ax1[:, r] + ax2[:, r] - bx1[:, r] - bx2[:, r]) ** 2
                    + (ay1[:, r] + ay2[:, r] - by1[:, r] - by2[:, r]) ** 2) / 4
            sim = iou_r - _L._safe_div(rho2, cw[:, r] ** 2 + ch[:, r] ** 2)
            if kind == 3:
                v = (4 / math.pi ** 2) * (np.arctan2(wa[:, r], ha[:, r]) - np.arctan2(wb[:, r], hb[:, r])) ** 2
                sim = sim - _L._safe_div(v, (1 - iou_r) + v) * v
        own[r] = np.moveaxis(sim, 1, 0)
    return iou_, own


def _regress(A, T, kinds, n_iter, lr, decay_at, track=(), paths=False):
    """Regress boxes ``A`` (n, 4) xywh to ``T`` with each loss of ``kinds``: the DIoU paper's update
    ``B ← B − η (2 − IoU) ∂L/∂B``, η multiplied by 0.1 at each epoch of ``decay_at``; gradients by
    forward differences (step 1e-7), all losses and boxes in one vectorised evaluation per step.
    Returns the mean ℓ1 error per step and loss, every box's IoU per step (float32) and the tracked boxes.

    The hot kernel of :func:`box_regression_simulation` and :func:`box_case_paths` (one step is
    tested equal to the update with TensorFlow's autodiff gradient)."""
    Tx = _L._xywh_to_xyxy(T)
    B = np.broadcast_to(A, (len(kinds),) + A.shape).copy()  # (L, n, 4)
    sel, h = list(kinds), 1e-7
    steps = np.eye(4) * h
    err = np.empty((n_iter + 1, len(kinds)))
    ious = np.empty((n_iter + 1, len(kinds), A.shape[0]), dtype=np.float32)  # every box's IoU at every step
    track = list(track) if not paths else list(range(A.shape[0]))
    kept = np.empty((n_iter + 1, len(kinds), len(track), 4))
    for it in range(n_iter + 1):
        probes = np.concatenate([B[None], B[None] + steps[:, None, None, :]])  # (5, L, n, 4)
        iou_all, own_sims = _own_similarities(Tx, _L._xywh_to_xyxy(probes), sel)  # (5, L, n), (L, 5, n)
        iou_now = iou_all[0]  # (L, n)
        err[it] = np.abs(B - T).sum(-1).mean(-1)
        ious[it] = iou_now
        kept[it] = B[:, track]
        if it == n_iter:
            break
        vals = 1 - own_sims  # (L, 5, n): each loss its own similarity
        grad = np.moveaxis((vals[:, 1:] - vals[:, :1]) / h, 1, -1)  # (L, n, 4)
        eta = lr * 0.1 ** sum(it >= d for d in decay_at)
        B = B - eta * (2 - iou_now)[..., None] * grad
        B[..., 2:] = np.maximum(B[..., 2:], 1e-3)  # a box keeps a positive size
    return err, ious, kept


def _losses_arg(losses):
    if isinstance(losses, (str, bytes)) or not isinstance(losses, (list, tuple)) or not losses:
        raise TypeError(f"losses must be a non-empty list or tuple of {list(_L.BOX_LOSSES)}, got {losses!r}"[:300])
    return [_L._kind_of(name, "losses") for name in losses]


@lru_cache(maxsize=2)
def box_regression_simulation(n_centers=5, scales=SIM_SCALES, ratios=SIM_RATIOS, target_ratios=SIM_RATIOS,
                              n_iter=200, lr=0.1, decay_at=(160, 180), radius=3.0,
                              losses=("IoU", "GIoU", "DIoU", "CIoU"), track=()):
    """The DIoU paper's box-regression simulation (Zheng et al. 2020, Sec. 3.3), 1000× smaller.

    The paper: targets of area 1 and 7 aspect ratios at (10, 10); anchors at 5000 points of the
    disc of radius 3 around them, with 7 areas (``scales`` × the target's) and 7 aspect ratios:
    1 715 000 regressions, 200 steps of ``B ← B − η (2 − IoU) ∂L/∂B`` on ``B = (x, y, w, h)``,
    η = 0.1, then 0.01 from step 160 and 0.001 from 180. Here ``n_centers`` points (default 5:
    1715 regressions) spread evenly over the disc, and gradients are exact (forward differences),
    where the paper's MATLAB code derives them by hand. Used in 04_losses § 回归模拟.

    Returns
    -------
    dict
        ``error`` {loss: (n_iter + 1,) mean ℓ1 error of (x, y, w, h)}, ``iou`` {loss: mean IoU
        per step}, ``iou_all`` {loss: (n_iter + 1, n) every regression's IoU, float32}, ``paths`` {loss: (n_iter + 1, len(track), 4)}, ``anchors``/``targets`` (n, 4)
        xywh of each regression, ``n`` their number, ``disjoint_share`` the share of anchors that
        start with no overlap (IoU 0).
    """
    n_centers, n_iter = _check.integer(n_centers, "n_centers", low=1), _check.integer(n_iter, "n_iter", low=1)
    scales = _check.numbers(scales, "scales", low=0.0, low_open=True)
    ratios = _check.numbers(ratios, "ratios", low=0.0, low_open=True)
    target_ratios = _check.numbers(target_ratios, "target_ratios", low=0.0, low_open=True)
    lr = _check.positive(lr, "lr")
    decay_at = _check.integers(decay_at, "decay_at")
    radius = _check.non_negative(radius, "radius")
    kinds = _losses_arg(losses)
    n_regressions = n_centers * len(scales) * len(ratios) * len(target_ratios)
    track = _check.integers(track, "track", high=n_regressions - 1)
    centers = 10 + _sunflower(n_centers, radius)
    rows, targets = [], []
    for q in target_ratios:
        for cx, cy in centers:
            for s in scales:
                for a in ratios:
                    rows.append([cx, cy, math.sqrt(s * a), math.sqrt(s / a)])
                    targets.append([10.0, 10.0, math.sqrt(q), 1 / math.sqrt(q)])
    A, T = np.array(rows), np.array(targets)
    err, ious, kept = _regress(A, T, kinds, n_iter, lr, decay_at, track=track)
    names = [list(_L.BOX_LOSSES)[k] for k in kinds]
    return {"error": {n: err[:, i] for i, n in enumerate(names)},
            "iou": {n: ious[:, i].mean(axis=-1, dtype=np.float64) for i, n in enumerate(names)},
            "iou_all": {n: ious[:, i] for i, n in enumerate(names)},
            "paths": {n: kept[:, i] for i, n in enumerate(names)},
            "anchors": A, "targets": T, "n": len(A),
            "disjoint_share": float(np.mean(_L._similarities(_L._xywh_to_xyxy(T), _L._xywh_to_xyxy(A))[0] == 0))}


def box_simulation_view(step):
    """Slider data: how the IoU of the 1715 regressions of :func:`box_regression_simulation` is spread at ``step``.

    For each loss: the share of regressions in each IoU bin (0, then (0, 0.1], …, (0.9, 1]) and the
    mean IoU. Reads the cached default simulation (never re-runs it). Used in
    04_losses_appendix § DIoU 论文的框回归模拟.
    """
    sim = box_regression_simulation()
    n = len(next(iter(sim["error"].values()))) - 1
    step = _check.integer(step, "step", low=0, high=n)
    edges = np.linspace(0, 1, 11)
    shares, means = {}, {}
    for name, ious in sim["iou_all"].items():
        v = ious[step].astype(np.float64)
        zero = np.mean(v == 0)
        counts = np.histogram(v[v > 0], bins=edges)[0] / len(v)
        shares[name] = np.concatenate([[zero], counts])
        means[name] = float(v.mean())
    return {"step": step, "edges": edges, "shares": shares, "mean": means, "n": sim["n"]}


#: The paper's three typical cases (its Fig. 1 and 4), as (anchor, target) in (x, y, w, h).
SIM_CASES = {
    "diagonal": ([13.0, 13.0, 1.0, 1.0], [10.0, 10.0, 2.0, 2.0]),
    "horizontal": ([13.5, 10.0, 1.0, 1.5], [10.0, 10.0, 2.0, 2.0]),
    "vertical": ([10.0, 13.5, 1.5, 1.0], [10.0, 10.0, 2.0, 2.0]),
}


@lru_cache(maxsize=2)
def box_case_paths(n_iter=200, lr=0.1, decay_at=(160, 180)):
    """The box of every step for the cases of :data:`SIM_CASES`, regressed with each of the four losses.

    Returns ``{case: {"target": (4,), "paths": {loss: (n_iter + 1, 4) xywh}, "iou": {loss: (n_iter + 1,)}}}``.
    Used by :func:`box_case_view`.
    """
    n_iter = _check.integer(n_iter, "n_iter", low=1)
    lr = _check.positive(lr, "lr")
    decay_at = _check.integers(decay_at, "decay_at")
    A = np.array([a for a, _ in SIM_CASES.values()])
    T = np.array([t for _, t in SIM_CASES.values()])
    _, _, kept = _regress(A, T, [0, 1, 2, 3], n_iter, lr, decay_at, paths=True)  # (it, 4, n, 4)
    out = {}
    for j, case in enumerate(SIM_CASES):
        paths = {n: kept[:, i, j] for i, n in enumerate(_L.BOX_LOSSES)}
        out[case] = {"target": T[j], "paths": paths,
                     "iou": {n: _L._similarities(_L._xywh_to_xyxy(T[j]), _L._xywh_to_xyxy(p))[0]
                             for n, p in paths.items()}}
    return out


def box_case_view(case, step):
    """Slider data: each loss's box at ``step`` for one case of :data:`SIM_CASES` (precomputed).

    Used in 04_losses § 回归模拟 (the three typical cases).
    """
    case = _check.choice(case, "case", tuple(SIM_CASES))
    d = box_case_paths()
    n = len(next(iter(d[case]["paths"].values()))) - 1
    if isinstance(step, bool) or not isinstance(step, (int, np.integer)) or not 0 <= step <= n:
        raise ValueError(f"step must be an integer in [0, {n}], got {step!r}")
    c = d[case]
    return {"case": case, "step": int(step), "target": c["target"],
            "boxes": {k: p[step] for k, p in c["paths"].items()},
            "centres": {k: p[: step + 1, :2] for k, p in c["paths"].items()},
            "iou": {k: float(v[step]) for k, v in c["iou"].items()}}


# ----------------------------------------------------------------------------------------------
# focal loss
# ----------------------------------------------------------------------------------------------
def focal_curve_data(gammas=(0, 0.5, 1, 2, 5), n=500):
    """The curves of Lin et al. 2017, Fig. 1: ``FL(p_t) = −(1 − p_t)^γ log p_t`` over ``p_t ∈ (0, 1]``.

    Used in 04_losses § 焦点损失.
    """
    gammas = _check.numbers(gammas, "gammas", low=0.0)
    n = _check.integer(n, "n", low=2)
    pt = np.linspace(1 / n, 1, n)
    return {"p_t": pt, "curves": {g: -(1 - pt) ** g * np.log(pt) for g in gammas}}


def _focal_log_pt(y, z):
    """``s = ±1`` (y = 1 or 0), ``log p_t`` (the stable BCE from logits, negated) and ``p_t = σ(s z)``."""
    s = 2 * y - 1
    log_pt = -(np.maximum(-s * z, 0) + np.log1p(np.exp(-np.abs(z))))
    return s, log_pt, np.exp(log_pt)


def _focal_grad_logit(y, z, a_pos, a_neg, gamma):
    """dFL/dz of the binary focal loss (no clipping): ``α_t s (1 − p_t)^γ (γ p_t log p_t − (1 − p_t))``,
    ``s = +1`` for y = 1 and ``−1`` for y = 0, ``p_t = σ(s z)``, ``α_t = a_pos`` or ``a_neg``.
    ``log p_t = −(max(−s z, 0) + log(1 + e^{−|z|}))`` is the stable BCE from logits, negated."""
    s, log_pt, pt = _focal_log_pt(y, z)
    a = np.where(y == 1, a_pos, a_neg)
    return a * s * (1 - pt) ** gamma * (gamma * pt * log_pt - (1 - pt))


def _focal_value(y, z, a_pos, a_neg, gamma):
    """The binary focal loss of each logit: ``−α_t (1 − p_t)^γ log p_t`` (no clipping)."""
    _, log_pt, pt = _focal_log_pt(y, z)
    return -np.where(y == 1, a_pos, a_neg) * (1 - pt) ** gamma * log_pt


def _focal_curvature(y, z, a_pos, a_neg, gamma):
    """d²FL/dz²: ``α_t p_t u^γ [u (γ log p_t + γ + 1) − γ (γ p_t log p_t − u)]`` with ``u = 1 − p_t``
    (the derivative of :func:`_focal_grad_logit`; negative for some z when γ > 0: FL is not convex in z)."""
    _, log_pt, pt = _focal_log_pt(y, z)
    u = 1 - pt
    return np.where(y == 1, a_pos, a_neg) * pt * u ** gamma * (u * (gamma * log_pt + gamma + 1)
                                                               - gamma * (gamma * pt * log_pt - u))


def _focal_newton(Xb, y, a_pos, a_neg, gamma, tol, max_iter):
    """Minimise the mean focal loss of ``σ(Xb·w)`` for every row of ``gamma``/``a_pos``/``a_neg`` at once.

    Newton's method from ``w = 0``: the step ``H⁻¹∇L`` (``H`` shifted to be positive definite where
    it is not), halved until the loss does not grow. Returns ``W`` (k, 3), ``max |∇L|`` at the end
    and the number of iterations.
    """
    n, k = len(Xb), gamma.shape[0]
    W = np.zeros((k, Xb.shape[1]))
    for it in range(max_iter + 1):
        Z = W @ Xb.T
        grad = _focal_grad_logit(y, Z, a_pos, a_neg, gamma) @ Xb / n
        if np.abs(grad).max() < tol or it == max_iter:
            break
        H = np.einsum("kn,ni,nj->kij", _focal_curvature(y, Z, a_pos, a_neg, gamma), Xb, Xb) / n
        low = np.linalg.eigvalsh(H)[:, 0]
        H = H + np.maximum(0.0, 1e-10 - low)[:, None, None] * np.eye(Xb.shape[1])
        step = np.linalg.solve(H, grad[..., None])[..., 0]
        f0 = _focal_value(y, Z, a_pos, a_neg, gamma).mean(axis=1)
        t = np.ones(k)
        for _ in range(60):  # backtracking: halve the step of every run whose loss would grow
            grows = _focal_value(y, (W - t[:, None] * step) @ Xb.T, a_pos, a_neg, gamma).mean(axis=1) > f0
            if not grows.any():
                break
            t = np.where(grows, t / 2, t)
        W = W - t[:, None] * step
    return W, float(np.abs(grad).max()), it


#: The γ and α values of the focal-loss sliders (precomputed on this grid).
FOCAL_GAMMAS = (0.0, 0.5, 1.0, 2.0, 5.0)
FOCAL_ALPHAS = (0.1, 0.25, 0.5, 0.75, 0.9)


@lru_cache(maxsize=2)
def focal_toy(n_neg=2000, n_pos=40, gammas=FOCAL_GAMMAS, alphas=FOCAL_ALPHAS, seed=4, tol=1e-10, max_iter=60):
    """An imbalanced toy problem: the minimiser of the focal loss for every (γ, α) of a grid.

    Negatives ~ N((0, 0), I), positives ~ N((2.5, 2.5), 0.6²·I) (``n_pos / n_neg = 1/50``);
    logistic regression ``p = σ(w·x + b)`` fitted to the mean class-balanced focal loss (``α`` for
    positives, ``1 − α`` for negatives), plus the cross-entropy as the reference (``W_ce``: γ = 0,
    α = 0.5, i.e. half the cross-entropy, which has the same minimiser). Every model is the loss's
    minimum (Newton's method, all runs at once, until ``max |∇L| < tol``; gradient descent from
    zero heads there too, in thousands of steps – tested on a smaller problem), so comparing two
    models compares what the two losses prefer, not how far a fixed number of steps got.
    Used by :func:`focal_view` (04_losses § 一个不平衡的小问题).

    Returns
    -------
    dict
        ``X``, ``y``, ``W`` (len(gammas), len(alphas), 3) = (w1, w2, b), ``W_ce`` (3,),
        ``grad_max`` (the largest ``|∇L|`` left) and ``iterations``.
    """
    n_neg, n_pos = _check.integer(n_neg, "n_neg", low=1), _check.integer(n_pos, "n_pos", low=1)
    gammas = _check.numbers(gammas, "gammas", low=0.0, high=10.0)
    alphas = _check.numbers(alphas, "alphas", low=0.0, high=1.0, low_open=True, high_open=True)
    seed = _check.integer(seed, "seed", low=0)
    tol = _check.positive(tol, "tol")
    max_iter = _check.integer(max_iter, "max_iter", low=1)
    rng = np.random.default_rng(seed)
    X = np.concatenate([rng.normal(0, 1, (n_neg, 2)), rng.normal(2.5, 0.6, (n_pos, 2))])
    y = np.concatenate([np.zeros(n_neg), np.ones(n_pos)])
    G, A = np.meshgrid(np.asarray(gammas, float), np.asarray(alphas, float), indexing="ij")
    g = np.append(G.ravel(), 0.0)[:, None]
    a_pos = np.append(A.ravel(), 0.5)[:, None]
    a_neg = np.append(1 - A.ravel(), 0.5)[:, None]
    Xb = np.concatenate([X, np.ones((len(X), 1))], axis=1)
    W, grad_max, iterations = _focal_newton(Xb, y, a_pos, a_neg, g, tol, max_iter)
    return {"X": X, "y": y, "W": W[:-1].reshape(G.shape + (3,)), "W_ce": W[-1],
            "gammas": tuple(gammas), "alphas": tuple(alphas), "grad_max": grad_max, "iterations": iterations}


def focal_view(gamma, alpha):
    """Slider data: the focal-trained model at (γ, α) beside cross-entropy (γ = 0, α = 0.5; ``focal_toy``'s ``W_ce``).

    ``focal`` and ``ce``: recall, precision, true and false positives (``tp``, ``fp``) at p = 0.5 and
    the weights ``w``. Also where each loss comes from: on the cross-entropy model's predictions,
    the share of the total loss carried by the easy examples (``p_t > 0.9``) under CE and under
    FL(γ, α). Used in 04_losses § 一个不平衡的小问题.
    """
    gamma, alpha = _check.number(gamma, "gamma"), _check.number(alpha, "alpha")
    d = focal_toy()
    if gamma not in d["gammas"]:
        raise ValueError(f"gamma must be a value of the grid {d['gammas']}, got {gamma!r}")
    if alpha not in d["alphas"]:
        raise ValueError(f"alpha must be a value of the grid {d['alphas']}, got {alpha!r}")
    X, y = d["X"], d["y"]
    W = d["W"][d["gammas"].index(gamma), d["alphas"].index(alpha)]
    W_ce = d["W_ce"]

    def stats(w):
        p = sigmoid(X @ w[:2] + w[2])
        pred = p > 0.5
        tp = int(np.sum(pred & (y == 1)))
        return {"recall": tp / np.sum(y == 1), "precision": tp / max(np.sum(pred), 1), "w": w,
                "tp": tp, "fp": int(np.sum(pred & (y == 0)))}

    p_ce = sigmoid(X @ W_ce[:2] + W_ce[2])
    p_t = np.where(y == 1, p_ce, 1 - p_ce)
    ce = _L.binary_crossentropy(y[:, None], p_ce[:, None])
    fl = _L.binary_focal_crossentropy(y[:, None], p_ce[:, None], apply_class_balancing=True, alpha=alpha,
                                      gamma=gamma)
    easy = p_t > 0.9
    bins = np.linspace(0, 1, 11)
    idx = np.clip(np.digitize(p_t, bins) - 1, 0, 9)
    return {"X": X, "y": y, "gamma": gamma, "alpha": alpha, "focal": stats(W), "ce": stats(W_ce),
            "easy_share_ce": float(ce[easy].sum() / ce.sum()), "easy_share_fl": float(fl[easy].sum() / fl.sum()),
            "bins": bins, "hist_ce": np.bincount(idx, ce, 10) / ce.sum(),
            "hist_fl": np.bincount(idx, fl, 10) / fl.sum(), "n_easy": int(easy.sum())}


# ----------------------------------------------------------------------------------------------
# a detector's loss: classification (focal) + box regression (GIoU or smooth L1)
# ----------------------------------------------------------------------------------------------
#: The box-loss weights λ of the detector slider.
DETECTOR_BOX_WEIGHTS = (0.0, 0.5, 1.0, 2.0, 5.0, 10.0)


def _deltas(boxes, anchors):
    """Faster R-CNN's box encoding of ``boxes`` relative to ``anchors`` (both xyxy):
    ``(10 (x − x_a)/w_a, 10 (y − y_a)/h_a, 5 log(w/w_a), 5 log(h/h_a))`` of the centres and sizes
    (Ren et al., NeurIPS 2015; the weights 10, 10, 5, 5 are those of its common implementations)."""
    wa, ha = anchors[:, 2] - anchors[:, 0], anchors[:, 3] - anchors[:, 1]
    w, h = boxes[:, 2] - boxes[:, 0], boxes[:, 3] - boxes[:, 1]
    dx = ((boxes[:, 0] + boxes[:, 2]) - (anchors[:, 0] + anchors[:, 2])) / 2 / wa
    dy = ((boxes[:, 1] + boxes[:, 3]) - (anchors[:, 1] + anchors[:, 3])) / 2 / ha
    return np.stack([10 * dx, 10 * dy, 5 * np.log(w / wa), 5 * np.log(h / ha)], axis=-1)


@lru_cache(maxsize=2)
def detector_toy(seed=0):
    """A one-image detection problem and one fixed set of predictions, as a one-stage detector sees it.

    Two objects in a 16 × 16 image; 2048 anchors (squares of side 2 and 4 centred on a grid of
    step 0.5). As in RetinaNet (Lin et al., ICCV 2017), an anchor is positive when its IoU with
    an object is ≥ 0.5, negative below 0.4, ignored in between. The "detector output" is drawn
    once (``seed``): a logit per anchor – about −4 for background far from the objects,
    −2.5 near them, +0.5 for positives – and, for the positives, a box moved half of the way
    from the anchor to its object, plus noise. Nothing is trained: the point is how the loss of
    these predictions splits. Used by :func:`detector_loss_view`.
    """
    seed = _check.integer(seed, "seed")
    rng = np.random.default_rng(seed)
    grid = np.arange(0.25, 16, 0.5)
    cx, cy = (v.ravel() for v in np.meshgrid(grid, grid))
    anchors = np.concatenate([np.stack([cx - s / 2, cy - s / 2, cx + s / 2, cy + s / 2], axis=-1) for s in (2.0, 4.0)])
    objects = np.array([[3.0, 4.0, 7.0, 8.5], [10.0, 9.0, 13.0, 12.0]])
    overlap = _L._similarities(anchors[:, None], objects[None])[0]  # (n, 2)
    best, which = overlap.max(axis=1), overlap.argmax(axis=1)
    pos, neg = best >= 0.5, best < 0.4
    near = neg & (best > 0.1)
    n = len(anchors)
    logits = np.where(pos, rng.normal(0.5, 1.0, n), np.where(near, rng.normal(-2.5, 1.0, n), rng.normal(-4.0, 1.0, n)))
    target = objects[which]
    boxes = anchors + 0.5 * (target - anchors) + rng.normal(0, 0.2, anchors.shape)
    return {"anchors": anchors, "objects": objects, "positive": pos, "negative": neg, "logits": logits,
            "boxes": boxes, "target": target}


def detector_loss_view(gamma=2.0, alpha=0.25, box_weight=1.0, box_loss="GIoU"):
    """Slider data: the detector loss ``L = FL_{γ,α}/N_pos + λ·L_box/N_pos`` of :func:`detector_toy`, split by group.

    The classification part is the class-balanced binary focal loss from logits over positive and
    negative anchors (γ = 0 and α = 0.5 is the cross-entropy, halved); the box part sums
    ``1 − GIoU`` of the positives' boxes, or Fast R-CNN's smooth L1 (β = 1) of their encoded
    offsets (:func:`_deltas`); both are divided by the number of positives, as RetinaNet does.
    Groups: easy negatives (``p_t > 0.9``), the other negatives, the positives, the boxes.
    ``loss`` holds each group's part of ``L``; ``grad_share`` each group's share of
    ``Σ |∂L_cls/∂z|`` (who moves the classification output). Used in 04_losses § 检测器的损失.
    """
    gamma = _check.number(gamma, "gamma", low=0.0, high=10.0)
    alpha = _check.number(alpha, "alpha", low=0.0, high=1.0)
    box_weight = _check.non_negative(box_weight, "box_weight")
    box_loss = _check.choice(box_loss, "box_loss", ("GIoU", "smooth L1"))
    d = detector_toy()
    pos, neg, z = d["positive"], d["negative"], d["logits"]
    used = pos | neg
    y = pos.astype(float)
    n_pos = int(pos.sum())
    fl = _L.binary_focal_crossentropy(y[:, None], z[:, None], apply_class_balancing=True, alpha=alpha,
                                      gamma=gamma, from_logits=True)
    grad = np.abs(_focal_grad_logit(y, z, alpha, 1 - alpha, gamma))
    p_t = np.where(pos, sigmoid(z), sigmoid(-z))
    easy = neg & (p_t > 0.9)
    groups = {"easy negatives": easy, "hard negatives": neg & ~easy, "positives": pos}
    if box_loss == "GIoU":
        box = _L.giou_loss(d["target"][pos], d["boxes"][pos])
    else:
        a = d["anchors"][pos]
        box = _L.smooth_l1(_deltas(d["target"][pos], a), _deltas(d["boxes"][pos], a), beta=1.0)
    loss = {k: float(fl[m].sum() / n_pos) for k, m in groups.items()}
    loss["boxes"] = float(box_weight * box.sum() / n_pos)
    g_total = grad[used].sum()
    return {"gamma": gamma, "alpha": alpha, "box_weight": box_weight, "box_loss": box_loss, "loss": loss,
            "total": sum(loss.values()), "grad_share": {k: float(grad[m].sum() / g_total) for k, m in groups.items()},
            "counts": {**{k: int(m.sum()) for k, m in groups.items()}, "boxes": n_pos},
            "anchors": d["anchors"], "objects": d["objects"], "boxes": d["boxes"][pos], "positive": pos,
            "scores": sigmoid(z)}
