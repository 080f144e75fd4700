"""Chapter 03 – activations: what the chapter runs behind its figures, tables and sliders.

The formulas are in :mod:`course_lib.nn.activations`; the drawings in
:mod:`course_lib.figures.ch03_activations`; the comparisons with TensorFlow in
:mod:`course_lib.reference.ch03_activations`. Everything here is numpy.
"""

from __future__ import annotations

import numpy as np

from .. import _check, tables
from .. import train as _train
from .._cache import lru_cache
from ..nn import activations as _act
from ..nn import optimizers as _opt

__all__ = ["curve_data", "softmax_temperature", "linear_stack_collapse", "relu_features_fit", "properties",
           "properties_table", "train_classifier", "gradient_norms", "gradient_norm_table", "dead_relu_sweep",
           "zero_centred_comparison", "relative_cost"]

NAMES = _act.NAMES
#: The element-wise activations (softmax normalises a vector; PReLU needs its learned α).
ELEMENTWISE = tuple(n for n in NAMES if n not in ("softmax", "prelu"))


def _apply(name, x, **params):
    return _act.get(name)(x, **params)


def _interval(lo, hi):
    lo, hi = _check.number(lo, "lo"), _check.number(hi, "hi")
    if not lo < hi:
        raise ValueError(f"lo must be < hi, got lo={lo}, hi={hi}")
    return lo, hi


# --------------------------------------------------------------------------------------
# § 1 Why non-linearity, § 2 properties, § 3 the gallery, § 7 softmax
# --------------------------------------------------------------------------------------
def curve_data(name, param=None, lo=-6.0, hi=6.0, n=401):
    """x, f(x), f'(x) on a grid, for the activation gallery (used in 03_activations § 3, the gallery slider).

    ``param`` sets the function's parameter of :data:`~course_lib.nn.activations.PARAMETERS`
    (ignored for the others). Softmax is shown as its first component on the pair (x, 0):
    σ-shaped, with the diagonal of its Jacobian as derivative.
    """
    _check.choice(name, "name", NAMES)
    lo, hi = _interval(lo, hi)
    n = _check.integer(n, "n", low=2)
    if param is not None:
        param = _check.non_negative(param, "param")
    x = np.linspace(lo, hi, n)
    params = {}
    if name in _act.PARAMETERS and param is not None:
        key, _ = _act.PARAMETERS[name]
        params = {key: param}
        if name == "rrelu":
            params["lower"] = min(1 / 8, param)
    if name == "softmax":
        pairs = np.stack([x, np.zeros_like(x)], axis=-1)
        return x, _act.softmax(pairs)[:, 0], _act.derivative("softmax", pairs)[:, 0, 0]
    return x, _apply(name, x, **params), _act.derivative(name, x, **params)


def softmax_temperature(logits, temperature):
    """softmax(z / T): T → 0 approaches one-hot argmax, T → ∞ approaches uniform
    (used in 03_activations § 7, the temperature slider)."""
    temperature = _check.positive(temperature, "temperature")
    logits = _check.real_array(logits, "logits")
    if logits.ndim == 0:
        raise ValueError("logits must have at least one dimension, got a scalar")
    return _act.softmax(logits / temperature)


def linear_stack_collapse(depth=3, width=4, seed=0):
    """Evidence that stacked linear layers are one linear layer (used in 03_activations § 1).

    Builds ``depth`` random matrices, pushes random inputs through them one by one and
    through their single product; returns the largest difference (round-off only).
    """
    depth, width = _check.integer(depth, "depth", low=1), _check.integer(width, "width", low=1)
    rng = np.random.default_rng(_check.seed(seed))
    Ws = [rng.normal(size=(width, width)) for _ in range(depth)]
    X = rng.normal(size=(16, width))
    H = X
    for W in Ws:
        H = H @ W
    P = np.linalg.multi_dot(Ws) if depth > 1 else Ws[0]
    return float(np.max(np.abs(H - X @ P)))


def relu_features_fit(target, n_units, lo=-np.pi, hi=np.pi, n=200, seed=0, activation="relu"):
    """Fit ``target(x)`` with a linear combination of ``n_units`` activation units a(w·x + b)
    (used in 03_activations § 1, the width slider).

    The hidden weights are random and fixed; the output weights are found by least
    squares. With ``activation="linear"`` the best fit is a straight line whatever the
    number of units: without a non-linearity, width buys nothing.

    Returns
    -------
    dict with x, y (target), fit, rmse
    """
    n_units = _check.integer(n_units, "n_units", low=1)
    target = _check.function(target, "target")
    lo, hi = _interval(lo, hi)
    n = _check.integer(n, "n", low=1)
    _check.choice(activation, "activation", NAMES + ("linear",))
    rng = np.random.default_rng(_check.seed(seed))
    x = np.linspace(lo, hi, n)
    y = np.asarray(target(x), dtype=float)
    w = rng.choice([-1.0, 1.0], size=n_units) * rng.uniform(0.5, 2.0, size=n_units)
    b = -w * rng.uniform(lo, hi, size=n_units)  # kinks spread over the interval
    pre = np.outer(x, w) + b
    H = pre if activation == "linear" else _apply(activation, pre)
    H = np.column_stack([H, np.ones_like(x)])
    coef, *_ = np.linalg.lstsq(H, y, rcond=None)
    fit = H @ coef
    return {"x": x, "y": y, "fit": fit, "rmse": float(np.sqrt(np.mean((fit - y) ** 2)))}


def properties(name, n=40001):
    """The notes' properties of an activation, measured numerically (used in 03_activations § 2).

    Returns a dict:

    * ``range`` – (inf f, sup f): the value at ±1e12 when f saturates there, else ∓inf;
    * ``bounded`` – both ends saturate (有界);
    * ``monotonic`` – f' ≥ 0 on [−20, 20] (单调性);
    * ``zero_centred`` – |E f(z)| < 0.05 for z ~ N(0, 1);
    * ``smooth`` – f' has no jump larger than 1e-2 between grid points on [−20, 20] (可微性);
    * ``identity_near_0`` – f(0) = 0 and f'(0) = 1 from both sides (近似恒等性).

    PReLU is measured with α = 0.25, RReLU in inference mode; softmax as its first
    component on the pair (x, 0).
    """
    _check.choice(name, "name", NAMES)
    n = _check.integer(n, "n", low=3)
    params = {"alpha": 0.25} if name == "prelu" else {}
    if name == "softmax":
        def f(v):
            return _act.softmax(np.stack([v, np.zeros_like(v)], -1))[..., 0]

        def d(v):
            return _act.derivative("softmax", np.stack([v, np.zeros_like(v)], -1))[..., 0, 0]
    else:
        def f(v):
            return _apply(name, v, **params)

        def d(v):
            return _act.derivative(name, v, **params)
    x = np.linspace(-20.0, 20.0, n)
    dy = d(x)
    ends = f(np.array([-1e12, -1e9, 1e9, 1e12]))
    low = round(float(ends[0]), 6) if abs(ends[0] - ends[1]) < 1e-2 else -np.inf
    high = round(float(ends[3]), 6) if abs(ends[3] - ends[2]) < 1e-2 else np.inf
    z = np.random.default_rng(0).standard_normal(100_000)
    eps = np.array([-1e-9, 1e-9])
    return {
        "range": (low, high),
        "bounded": bool(np.isfinite(low) and np.isfinite(high)),
        "monotonic": bool(np.all(dy >= 0)),
        "zero_centred": bool(abs(np.mean(f(z))) < 0.05),
        "smooth": bool(np.max(np.abs(np.diff(dy))) < 1e-2),
        "identity_near_0": bool(abs(float(f(np.array([0.0]))[0])) < 1e-12 and np.all(np.abs(d(eps) - 1) < 1e-6)),
    }


def properties_table(names=NAMES) -> str:
    """:func:`properties` of every activation as a text table (used in 03_activations § 2)."""
    def interval(r):
        return "(" + ", ".join("inf" if v == np.inf else "-inf" if v == -np.inf else f"{v:g}" for v in r) + ")"

    names = _check.choices(names, "names", NAMES)
    cols = ("bounded", "monotonic", "zero_centred", "smooth", "identity_near_0")
    rows = []
    for name in names:
        p = properties(name)
        rows.append((name, interval(p["range"]), *("yes" if p[c] else "no" for c in cols)))
    return tables.format_table(rows, ("function", "range") + cols)


# --------------------------------------------------------------------------------------
# Small real training runs behind the chapter's claims (train.fit on the shared MLP)
# --------------------------------------------------------------------------------------
def train_classifier(x, y, activation="relu", hidden=32, lr=0.05, epochs=100, batch_size=32, seed=0,
                     init="he", **act_params):
    """Mini-batch SGD on a one-hidden-layer binary classifier (cross-entropy): :func:`course_lib.train.fit`
    with :func:`~course_lib.train.mlp_loss_and_grads` (``loss="bce"``) and ``nn.optimizers.SGD``
    (used in 03_activations § 5 and § 6 through :func:`dead_relu_sweep` and :func:`zero_centred_comparison`).

    Weights from :func:`~course_lib.train.init_mlp` (``seed``); batches reshuffled every epoch
    by a generator seeded with ``seed + 1``.

    Returns
    -------
    dict
        ``loss`` – full-data loss after each epoch (index 0: before training);
        ``dead`` – fraction of hidden units whose pre-activation is ≤ 0 on every sample
        after each epoch (for ReLU: units that output 0 and get no gradient, ever);
        ``accuracy`` – full-data accuracy after each epoch; ``params`` – final weights.
        A run whose loss overflows stops there; the rest is NaN.
    """
    x = _check.real_array(x, "x").astype(float)
    y = _check.real_array(y, "y").astype(float)
    if x.ndim != 2 or len(x) == 0:
        raise ValueError(f"x must be a non-empty 2-D array, got shape {x.shape}")
    if y.ndim not in (1, 2) or len(y) != len(x):
        raise ValueError(f"y must have shape (n,) or (n, k) with n = len(x) = {len(x)}, got {y.shape}")
    y = y.reshape(len(x), -1)
    _check.choice(activation, "activation", NAMES)
    hidden = _check.integer(hidden, "hidden", low=1)
    epochs, batch_size = _check.integer(epochs, "epochs"), _check.integer(batch_size, "batch_size", low=1)
    seed, lr = _check.integer(seed, "seed"), _check.positive(lr, "lr")
    _check.choice(init, "init", ("he", "lecun"))
    params = _train.init_mlp(x.shape[1], hidden, y.shape[1], seed=seed, init=init)
    history = {"loss": [], "dead": [], "accuracy": []}

    def record(epoch, p, _losses=None):
        z1, _, out = _train.mlp_forward(p, x, activation, **act_params)
        loss, _ = _train.mlp_loss_and_grads(p, x, y, activation=activation, loss="bce", **act_params)
        history["loss"].append(loss)
        history["dead"].append(float(np.mean(np.all(z1 <= 0, axis=0))))
        history["accuracy"].append(float(np.mean((out > 0) == (y > 0.5))))
        return not np.isfinite(loss)

    def loss_and_grads(p, xb, yb):
        return _train.mlp_loss_and_grads(p, xb, yb, activation=activation, loss="bce", **act_params)

    # A too-large learning rate is part of the lesson: overflow ends the run (NaN-padded), quietly.
    with np.errstate(over="ignore", invalid="ignore"):
        if not record(-1, params):
            _train.fit(params, loss_and_grads, _train.minibatches(x, y, batch_size, shuffle=True, seed=seed + 1),
                       _opt.SGD(lr), epochs, on_epoch_end=record)
    pad = epochs + 1 - len(history["loss"])
    out = {k: np.array(v + [np.nan] * pad) for k, v in history.items()}
    out["params"] = params
    return out


def dead_relu_sweep(lrs=(0.3, 1.0, 3.0, 5.0, 10.0, 20.0), activations=("relu", "leaky_relu"), epochs=40,
                    hidden=32, seed=0):
    """:func:`train_classifier` on the course's dots for every (activation, learning rate) pair
    (used in 03_activations § 5, the learning-rate slider; precomputed once).

    Returns ``{(activation, lr): run}``.
    """
    lrs = _check.numbers(lrs, "lrs", low=0.0, low_open=True)
    activations = _check.choices(activations, "activations", NAMES)
    epochs, hidden = _check.integer(epochs, "epochs"), _check.integer(hidden, "hidden", low=1)
    seed = _check.integer(seed, "seed")
    from ..data import dots

    x, y = dots()
    return {(a, lr): train_classifier(x, y, a, hidden=hidden, lr=lr, epochs=epochs, seed=seed)
            for a in activations for lr in lrs}


def zero_centred_comparison(activations=("sigmoid", "tanh"), seeds=range(5), lr=1.0, epochs=60, hidden=32):
    """Mean loss curve over several seeds of the same classifier with each hidden activation
    (used in 03_activations § 6).

    Returns ``{activation: mean loss per epoch}`` on the course's dots; LeCun-normal
    initialisation for all, so only the activation differs.
    """
    activations = _check.choices(activations, "activations", NAMES)
    seeds = _check.integers(seeds, "seeds", min_len=1)
    lr = _check.positive(lr, "lr")
    epochs, hidden = _check.integer(epochs, "epochs"), _check.integer(hidden, "hidden", low=1)
    from ..data import dots

    x, y = dots()
    return {a: np.mean([train_classifier(x, y, a, hidden=hidden, lr=lr, epochs=epochs, seed=s,
                                         init="lecun")["loss"] for s in seeds], axis=0)
            for a in activations}


# --------------------------------------------------------------------------------------
# § 4 vanishing gradients: a deep plain network, back-propagated by hand
# --------------------------------------------------------------------------------------
def gradient_norms(activation, depth, width=32, batch=64, seed=0):
    """‖∂L/∂W_k‖ for every layer k of a deep plain network (used in 03_activations § 4).

    The network is ``depth`` dense layers of ``width`` units with the given activation,
    Glorot-uniform weights (Keras' default), zero biases, a linear read-out ``v`` and
    ``L = mean(output²)`` on standard-normal inputs. Back-propagation by hand in float64;
    :func:`course_lib.reference.ch03_activations.gradient_norms_tf` measures the same
    network with ``tf.GradientTape`` (tests check they agree).

    Returns
    -------
    ndarray, shape (depth,)
        Gradient norms from the first (input-side) layer to the last.
    """
    depth = _check.integer(depth, "depth", low=1)
    _check.choice(activation, "activation", ELEMENTWISE)
    width, batch = _check.integer(width, "width", low=1), _check.integer(batch, "batch", low=1)
    x, Ws, v = _deep_net(depth, width, batch, _check.integer(seed, "seed"))
    f, df = _act.get(activation), _act.GRADS[activation]
    hs, zs = [x], []
    for W in Ws:
        zs.append(hs[-1] @ W)
        hs.append(f(zs[-1]))
    out = hs[-1] @ v
    delta = (2.0 / out.size) * out @ v.T  # dL/dh_depth
    norms = np.empty(depth)
    for k in range(depth - 1, -1, -1):
        delta = delta * df(zs[k])  # dL/dz_k
        norms[k] = np.linalg.norm(hs[k].T @ delta)
        delta = delta @ Ws[k].T
    return norms


def _deep_net(depth, width, batch, seed):
    """Inputs, Glorot-uniform weights and read-out of :func:`gradient_norms`, in that drawing order."""
    rng = np.random.default_rng(seed)
    limit = np.sqrt(6.0 / (width + width))
    x = rng.standard_normal((batch, width))
    Ws = [rng.uniform(-limit, limit, (width, width)) for _ in range(depth)]
    v = rng.uniform(-limit, limit, (width, 1))
    return x, Ws, v


@lru_cache(maxsize=4)
def gradient_norm_table(max_depth=30, activations=("sigmoid", "tanh", "relu"), width=32, seed=0):
    """:func:`gradient_norms` for every depth 1..max_depth: ``{depth: {activation: norms}}``
    (used in 03_activations § 4, the depth slider; cached)."""
    max_depth = _check.integer(max_depth, "max_depth", low=1)
    activations = _check.choices(activations, "activations", ELEMENTWISE)
    width, seed = _check.integer(width, "width", low=1), _check.integer(seed, "seed")
    return {d: {a: gradient_norms(a, d, width=width, seed=seed) for a in activations}
            for d in range(1, max_depth + 1)}


# --------------------------------------------------------------------------------------
# § 2 cost
# --------------------------------------------------------------------------------------
def relative_cost(names=NAMES, n=200_000, repeats=7, seed=0):
    """Measured time of each activation on ``n`` float64 inputs, relative to ReLU (median of ``repeats``)
    (used in 03_activations § 2; machine-dependent, never compared by the tests).

    Returns ``{name: ratio}``.
    """
    import time

    names = _check.choices(names, "names", NAMES)
    n, repeats = _check.integer(n, "n", low=1), _check.integer(repeats, "repeats", low=1)
    x = np.random.default_rng(_check.integer(seed, "seed")).normal(scale=4.0, size=n)

    def median_time(name):
        params = {"alpha": 0.25} if name == "prelu" else {}
        xs = x.reshape(-1, 10) if name == "softmax" and n % 10 == 0 else x
        times = []
        for _ in range(repeats):
            t = time.perf_counter()
            _apply(name, xs, **params)
            times.append(time.perf_counter() - t)
        return float(np.median(times))

    base = median_time("relu")
    return {name: median_time(name) / base for name in names}
