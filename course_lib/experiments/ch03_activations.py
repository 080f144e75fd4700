"""Chapter 03 – activations: what the chapter runs behind its figures, tables and sliders.

The formulas are in :mod:`course_lib.nn.activations`; the drawings in
:mod:`course_lib.figures.ch03_activations`; the comparisons with TensorFlow in
:mod:`course_lib.reference.ch03_activations`. Everything here is numpy (float64).

The chapter's three experiments, each changing one thing at a time:

* **vanishing gradients** (:func:`gradient_norms`, :func:`vanishing_view`, :func:`vanishing_table`):
  a deep plain network at three initial scales, back-propagated by hand;
* **dead ReLU** (:func:`lr_sweep`, :func:`dead_relu_table`): the course's dots network trained at
  learning rates where nothing diverges, held-out accuracy and dead units per activation;
* **zero-centring** (:func:`zero_centring_runs`): pairs of activations with the same slope that
  differ only in their centre (σ(x) vs σ(x) − ½, 2σ(2x) vs tanh(x) = 2σ(2x) − 1), and ReLU.

The many training runs go through :func:`train_many`, a vectorised copy of
:func:`course_lib.train.fit` (tests check it equals :func:`train_classifier`, which *is* ``train.fit``).
"""

from __future__ import annotations

import numpy as np

from .. import _check, tables
from .. import train as _train
from .._cache import lru_cache
from ..data import dots as _dots
from ..nn import activations as _act
from ..nn import optimizers as _opt

__all__ = ["NAMES", "ELEMENTWISE", "VARIANTS", "sigmoid_minus_half", "two_sigmoid_2x", "two_sigmoid_2x_grad",
           "centred_sigmoid", "centred_sigmoid_grad", "activation_pair", "curve_data", "softmax_temperature",
           "linear_stack_collapse", "relu_features_fit", "properties", "properties_table", "convexity_check",
           "TRANSCENDENTALS", "cost_table", "held_out", "train_classifier", "train_many", "forward_many", "lr_sweep",
           "dead_relu_table", "dead_relu_facts", "output_range_facts", "output_range_table", "zero_centring_runs",
           "zero_centring_grid", "deep_net", "gradient_norms", "INIT_SCALES", "vanishing_view", "vanishing_table",
           "RECORDED"]

NAMES = _act.NAMES
#: The element-wise activations (softmax normalises a vector; PReLU needs its learned α).
ELEMENTWISE = tuple(n for n in NAMES if n not in ("softmax", "prelu"))


# --------------------------------------------------------------------------------------
# Variants built from the formulas, to change one property at a time
# --------------------------------------------------------------------------------------
def sigmoid_minus_half(x):
    """σ(x) − ½: sigmoid moved to be centred on 0, same slope (¼ at 0); its derivative is σ'(x)."""
    return _act.sigmoid(x) - 0.5


def two_sigmoid_2x(x):
    """2σ(2x) = tanh(x) + 1: tanh's slope (1 at 0), range (0, 2), *not* centred."""
    return 2.0 * _act.sigmoid(2.0 * _check.as_float(x))


def two_sigmoid_2x_grad(x):
    """d/dx 2σ(2x) = 4σ'(2x) = tanh'(x)."""
    return 4.0 * _act.sigmoid_grad(2.0 * _check.as_float(x))


def centred_sigmoid(x):
    """4σ(x) − 2 = 2·tanh(x/2): sigmoid stretched so that f(0) = 0 and f'(0) = 1 (exercise 4's activation)."""
    return 4.0 * _act.sigmoid(x) - 2.0


def centred_sigmoid_grad(x):
    """d/dx (4σ(x) − 2) = 4σ(x)(1 − σ(x)), 1 at x = 0."""
    return 4.0 * _act.sigmoid_grad(x)


#: name -> (f, f') of the variants the chapter trains and differentiates besides :data:`ELEMENTWISE`.
VARIANTS = {"sigmoid - 1/2": (sigmoid_minus_half, _act.sigmoid_grad),
            "2 sigmoid(2x)": (two_sigmoid_2x, two_sigmoid_2x_grad),
            "4 sigmoid - 2": (centred_sigmoid, centred_sigmoid_grad)}


def activation_pair(activation, *, arg="activation"):
    """``(f, f')`` for a name of :data:`ELEMENTWISE` or :data:`VARIANTS`, or a pair of callables given as is."""
    if isinstance(activation, tuple) and len(activation) == 2 and all(callable(a) for a in activation):
        return activation
    if isinstance(activation, tuple):
        raise TypeError(f"{arg} must be a name or a pair (f, f_grad) of functions, got {activation!r}"[:200])
    name = _check.choice(activation, arg, ELEMENTWISE + tuple(VARIANTS))
    return VARIANTS[name] if name in VARIANTS else (_act.get(name), _act.GRADS[name])


def _interval(lo, hi):
    lo, hi = _check.number(lo, "lo"), _check.number(hi, "hi")
    if not lo < hi:
        raise ValueError(f"lo must be < hi, got lo={lo}, hi={hi}")
    return lo, hi


# --------------------------------------------------------------------------------------
# § 1 why non-linearity, § 2 properties, § 3 the gallery, § 9 softmax
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
    return x, _act.get(name)(x, **params), _act.derivative(name, x, **params)


def softmax_temperature(logits, temperature):
    """softmax(z / T): T → 0 approaches one-hot argmax, T → ∞ approaches uniform
    (used in 03_activations § 9, the temperature slider)."""
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
    number of units: without a non-linearity, width buys nothing. With ``activation="square"``
    (a(z) = z², non-linear but a polynomial) every unit is a quadratic in x, so the best fit is
    the best quadratic whatever the number of units (used in 03_activations § 1, the box on the
    universal approximation theorem).

    Returns
    -------
    dict with x, y (target), fit, rmse
    """
    n_units = _check.integer(n_units, "n_units", low=1)
    target = _check.function(target, "target")
    lo, hi = _interval(lo, hi)
    n = _check.integer(n, "n", low=1)
    _check.choice(activation, "activation", NAMES + ("linear", "square"))
    rng = np.random.default_rng(_check.seed(seed))
    x = np.linspace(lo, hi, n)
    y = np.asarray(target(x), dtype=float)
    w = rng.choice([-1.0, 1.0], size=n_units) * rng.uniform(0.5, 2.0, size=n_units)
    b = -w * rng.uniform(lo, hi, size=n_units)  # kinks spread over the interval
    pre = np.outer(x, w) + b
    H = pre if activation == "linear" else pre ** 2 if activation == "square" else _act.get(activation)(pre)
    H = np.column_stack([H, np.ones_like(x)])
    coef, *_ = np.linalg.lstsq(H, y, rcond=None)
    fit = H @ coef
    return {"x": x, "y": y, "fit": fit, "rmse": float(np.sqrt(np.mean((fit - y) ** 2)))}


def _scalar_fns(name):
    """f and f' of one activation as functions of a 1-D grid (softmax: first component on (x, 0))."""
    params = {"alpha": 0.25} if name == "prelu" else {}
    if name == "softmax":
        def f(v):
            return _act.softmax(np.stack([v, np.zeros_like(v)], -1))[..., 0]

        def d(v):
            return _act.softmax_jacobian(np.stack([v, np.zeros_like(v)], -1))[..., 0, 0]
        return f, d
    return (lambda v: _act.get(name)(v, **params)), (lambda v: _act.derivative(name, v, **params))


def properties(name, n=40001):
    """The notes' properties of an activation, measured numerically (used in 03_activations § 2).

    Returns a dict:

    * ``range`` – (inf f, sup f): the value at ±1e12 when f saturates there, else ∓inf;
    * ``attained`` – (bool, bool): whether f takes the end value itself on [−5, 5]
      (ReLU's 0 is attained: its range is [0, ∞); sigmoid's 0 and 1 are not: (0, 1));
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
    f, d = _scalar_fns(name)
    x = np.linspace(-20.0, 20.0, n)
    dy = d(x)
    ends = f(np.array([-1e12, -1e9, 1e9, 1e12]))
    low = round(float(ends[0]), 6) if abs(ends[0] - ends[1]) < 1e-2 else -np.inf
    high = round(float(ends[3]), 6) if abs(ends[3] - ends[2]) < 1e-2 else np.inf
    z = np.random.default_rng(0).standard_normal(100_000)
    eps = np.array([-1e-9, 1e-9])
    near = f(np.linspace(-5.0, 5.0, 1001))  # is an end value taken at a finite x? (tanh(20) rounds to 1)
    return {
        "range": (low, high),
        "attained": (bool(np.any(near == low)), bool(np.any(near == high))),
        "bounded": bool(np.isfinite(low) and np.isfinite(high)),
        "monotonic": bool(np.all(dy >= 0)),
        "zero_centred": bool(abs(np.mean(f(z))) < 0.05),
        "smooth": bool(np.max(np.abs(np.diff(dy))) < 1e-2),
        "identity_near_0": bool(abs(float(f(np.array([0.0]))[0])) < 1e-12 and np.all(np.abs(d(eps) - 1) < 1e-6)),
    }


def _interval_text(p):
    (low, high), (lo_in, hi_in) = p["range"], p["attained"]
    text = {np.inf: "inf", -np.inf: "-inf"}
    return (("[" if lo_in else "(") + text.get(low, f"{low:g}") + ", " + text.get(high, f"{high:g}")
            + ("]" if hi_in else ")"))


def properties_table(names=NAMES) -> str:
    """:func:`properties` of every activation as a text table (used in 03_activations § 2).

    The range is written as an interval: ``[0, inf)`` when the end value is taken, ``(0, 1)`` when not.
    """
    names = _check.choices(names, "names", NAMES)
    cols = ("bounded", "monotonic", "zero_centred", "smooth", "identity_near_0")
    rows = []
    for name in names:
        p = properties(name)
        rows.append((name, _interval_text(p), *("yes" if p[c] else "no" for c in cols)))
    return tables.format_table(rows, ("function", "range") + cols)


def convexity_check(x=1.0, y=1.0, w=(-6.0, -3.0, 0.0)):
    """A one-weight "single-layer network" ``p = σ(w·x)`` on one sample, three weights ``w``
    (used in 03_activations § 2, the convexity box).

    A convex L satisfies L(middle) ≤ the mean of L at the two ends (for equally spaced w).

    Returns
    -------
    dict
        ``w``; ``mse`` and ``bce``: the loss at each w for (y − σ(wx))² and for the
        cross-entropy −y ln σ(wx) − (1 − y) ln(1 − σ(wx)); ``mse_convex_here`` and
        ``bce_convex_here``: whether the midpoint test holds.
    """
    x, y = _check.number(x, "x"), _check.number(y, "y", low=0.0, high=1.0)
    w = _check.numbers(w, "w", min_len=3)
    if len(w) != 3 or not np.isclose(w[1] - w[0], w[2] - w[1]) or not w[0] < w[1] < w[2]:
        raise ValueError(f"w must be three equally spaced increasing weights, got {w!r}")
    z = np.asarray(w) * x
    p = _act.sigmoid(z)
    mse = (y - p) ** 2
    bce = np.logaddexp(0.0, -z) * y + np.logaddexp(0.0, z) * (1 - y)  # stable −y ln p − (1−y) ln(1−p)
    return {"w": w, "mse": mse, "bce": bce, "mse_convex_here": bool(mse[1] <= (mse[0] + mse[2]) / 2),
            "bce_convex_here": bool(bce[1] <= (bce[0] + bce[2]) / 2)}


# --------------------------------------------------------------------------------------
# § 8 cost: operation counts
# --------------------------------------------------------------------------------------
#: name -> (exponentials/logarithms per element, other elementary operations per element) of the
#: formula as written in the notes (forward pass; softmax: per element of the vector).
#: sigmoid 1/(1 + e^{−x}): exp, negate, add, divide; tanh (e^{2x} − 1)/(e^{2x} + 1): exp, double, subtract, add,
#: divide; ReLU: one comparison; Leaky/PReLU/RReLU: comparison, multiply; ELU: comparison, exp, subtract,
#: multiply; softplus ln(1 + e^x): exp, log, add; softsign x/(1 + |x|): abs, add, divide; softmax: exp,
#: subtract the maximum, add to the sum, divide.
TRANSCENDENTALS = {"sigmoid": (1, 3), "tanh": (1, 4), "relu": (0, 1), "leaky_relu": (0, 2), "prelu": (0, 2),
                   "rrelu": (0, 2), "elu": (1, 3), "softplus": (2, 1), "softsign": (0, 3), "softmax": (1, 3)}


def cost_table(fan_ins=(2, 32, 784), names=("sigmoid", "tanh", "relu", "leaky_relu", "elu", "softplus")):
    """Operations of a Dense layer's activation beside those of its matrix product
    (used in 03_activations § 8).

    Each output of a Dense layer with ``fan_in`` inputs costs ``fan_in`` multiply-adds; its
    activation costs :data:`TRANSCENDENTALS`. Returns a text table: per activation, the
    transcendental and other operations per element, and for each fan-in the activation's
    share of the layer's elementary operations if one exp/log counted as one operation
    (a lower bound of its share: an exp costs more than one multiply-add).
    """
    fan_ins = _check.integers(fan_ins, "fan_ins", low=1, min_len=1)
    names = _check.choices(names, "names", NAMES)
    rows = []
    for name in names:
        exps, other = TRANSCENDENTALS[name]
        ops = exps + other
        rows.append((name, exps, other, *(f"{ops / (2 * k + ops):.1%}" for k in fan_ins)))
    return tables.format_table(rows, ("function", "exp/log", "other ops")
                               + tuple(f"share, fan_in {k}" for k in fan_ins))


# --------------------------------------------------------------------------------------
# § 5 dead ReLU, § 6 zero-centring, § 7 output range: the course's dots network, trained many times
# --------------------------------------------------------------------------------------
@lru_cache(maxsize=2)
def held_out(n=1000, seed=3):
    """Fresh points from the dots' distribution (same circle rule, another seed): a held-out set."""
    x, y = _dots(n=_check.integer(n, "n", low=1), seed=_check.integer(seed, "seed"))
    return x, y.reshape(-1, 1).astype(float)


def _dots_xy():
    x, y = _dots()
    return x, y.reshape(-1, 1).astype(float)


def train_classifier(x, y, activation="relu", hidden=11, lr=0.5, epochs=40, batch_size=32, seed=0,
                     init="normal", bias=0.01):
    """One run of the chapter's classifier with the course's readable loop (the reference :func:`train_many`
    is tested against; used in tests and in 03_activations_appendix).

    :func:`course_lib.train.fit` with :func:`~course_lib.train.init_mlp` (``seed``, ``init``,
    ``bias``), :func:`~course_lib.train.mlp_loss_and_grads` (``loss="bce"``), batches reshuffled
    every epoch by :func:`~course_lib.train.minibatches` (``seed + 1``) and ``nn.optimizers.SGD(lr)``.

    Returns
    -------
    dict
        ``loss`` – full-data loss after each epoch (index 0: before training); ``params`` – final weights.
    """
    x, y = _xy(x, y)
    _check.choice(activation, "activation", ELEMENTWISE)
    hidden = _check.integer(hidden, "hidden", low=1)
    epochs, batch_size = _check.integer(epochs, "epochs"), _check.integer(batch_size, "batch_size", low=1)
    seed, lr = _check.integer(seed, "seed"), _check.positive(lr, "lr")
    init, bias = _check.choice(init, "init", ("normal", "he", "lecun")), _check.number(bias, "bias")
    params = _train.init_mlp(x.shape[1], hidden, y.shape[1], seed=seed, init=init, bias=bias)

    def loss_and_grads(p, xb, yb):
        return _train.mlp_loss_and_grads(p, xb, yb, activation=activation, loss="bce")

    losses = [loss_and_grads(params, x, y)[0]]
    _train.fit(params, loss_and_grads, _train.minibatches(x, y, batch_size, shuffle=True, seed=seed + 1),
               _opt.SGD(lr), epochs, on_epoch_end=lambda e, p, _: losses.append(loss_and_grads(p, x, y)[0]))
    return {"loss": np.array(losses), "params": params}


def _xy(x, y):
    x, y = _check.real_array(x, "x").astype(float), _check.real_array(y, "y").astype(float)
    if x.ndim != 2 or len(x) == 0:
        raise ValueError(f"x must be a non-empty 2-D array, got shape {x.shape}")
    if y.ndim not in (1, 2) or len(y) != len(x) or (y.ndim == 2 and y.shape[1] != 1):
        raise ValueError(f"y must have shape (n,) or (n, 1) with n = len(x) = {len(x)}, got {y.shape}")
    return x, y.reshape(-1, 1)


def train_many(x, y, activation, inits, lrs, seeds, epochs, batch_size=32, on_epoch_end=None):
    """K runs of :func:`train_classifier`'s loop side by side: a documented hot kernel.

    Run k starts from ``inits[k]`` (an :func:`~course_lib.train.init_mlp` dict, one hidden
    layer, one output), uses learning rate ``lrs[k]`` and the batch order of
    ``minibatches(shuffle=True, seed=seeds[k] + 1)``. Each step is the arithmetic of
    ``mlp_loss_and_grads(loss="bce")`` and ``SGD``, on stacked arrays (tests check it
    equals :func:`train_classifier` to round-off). Runs that overflow go on quietly (NaN).

    Parameters
    ----------
    activation : str or (f, f_grad), or a list of them, one per run
        See :func:`activation_pair`; runs with different activations share every step but the
        activation itself (applied to each run's slice).
    on_epoch_end : callable, optional
        ``on_epoch_end(epoch, params)`` with the stacked parameters (W1 (K, n_in, H), b1 (K, 1, H),
        W2 (K, H, 1), b2 (K, 1, 1)), after every epoch (and with ``epoch = -1`` before the first).

    Returns
    -------
    dict of the stacked final parameters
    """
    x, y = _xy(x, y)
    p = _stack_inits(inits, x.shape[1])
    K = len(p["W1"])
    f, df = _per_run(activation, K)
    lrs = np.array(_check.numbers(lrs, "lrs", low=0.0, low_open=True))
    seeds = _check.integers(seeds, "seeds")
    if len(lrs) != K or len(seeds) != K:
        raise ValueError(f"lrs and seeds must hold one value per run in inits ({K}), got {len(lrs)} and {len(seeds)}")
    epochs, batch_size = _check.integer(epochs, "epochs"), _check.integer(batch_size, "batch_size", low=1)
    on_epoch_end = _check.function(on_epoch_end, "on_epoch_end", optional=True)
    distinct = sorted(set(seeds))
    rngs = [np.random.default_rng(s + 1) for s in distinct]
    which = np.array([distinct.index(s) for s in seeds])
    lr = lrs[:, None, None]
    n = len(x)
    with np.errstate(over="ignore", invalid="ignore"):
        if on_epoch_end is not None:
            on_epoch_end(-1, p)
        for epoch in range(epochs):
            orders = np.stack([r.permutation(n) for r in rngs])[which]
            for s in range(0, n, batch_size):
                idx = orders[:, s:s + batch_size]
                xb, yb = x[idx], y[idx]  # (K, B, n_in), (K, B, 1)
                z1 = xb @ p["W1"] + p["b1"]
                h = f(z1)
                d_out = (_act.sigmoid(h @ p["W2"] + p["b2"]) - yb) / yb.shape[1]
                dz1 = (d_out @ p["W2"].transpose(0, 2, 1)) * df(z1)
                grads = {"W1": xb.transpose(0, 2, 1) @ dz1, "b1": dz1.sum(1, keepdims=True),
                         "W2": h.transpose(0, 2, 1) @ d_out, "b2": d_out.sum(1, keepdims=True)}
                for k in p:
                    p[k] -= grads[k] * lr
            if on_epoch_end is not None:
                on_epoch_end(epoch, p)
    return p


def _per_run(activation, K):
    """``(f, f')`` acting on stacked (K, ...) arrays: one activation for all runs, or one per run
    (consecutive runs with the same activation are applied as one slice)."""
    if not isinstance(activation, list):
        return activation_pair(activation)
    if len(activation) != K:
        raise ValueError(f"activation must be one activation or a list of one per run ({K}), got {len(activation)}")
    keys = [a if isinstance(a, str) else id(a) for a in activation]
    groups, start = [], 0
    for k in range(1, K + 1):
        if k == K or keys[k] != keys[start]:
            groups.append((slice(start, k), activation_pair(activation[start])))
            start = k
    if len(groups) == 1:
        return groups[0][1]

    def apply(which):
        def fn(z):
            out = np.empty_like(z)
            for sl, pair in groups:
                out[sl] = pair[which](z[sl])
            return out
        return fn

    return apply(0), apply(1)


def _stack_inits(inits, n_in):
    if not isinstance(inits, (list, tuple)) or not inits or not all(isinstance(q, dict) for q in inits):
        raise TypeError("inits must be a non-empty list of init_mlp dicts (W1, b1, W2, b2)")
    try:
        p = {k: np.stack([_check.real_array(q[k], f"inits[{k!r}]").astype(float) for q in inits])
             for k in ("W1", "b1", "W2", "b2")}
    except KeyError as exc:
        raise TypeError(f"inits must hold W1, b1, W2, b2 (as init_mlp returns); missing {exc}") from None
    except ValueError as exc:
        raise ValueError(f"inits must all have the same shapes ({exc})") from None
    K, hidden = len(inits), p["W1"].shape[-1]
    if p["W1"].shape != (K, n_in, hidden) or p["b1"].shape != (K, hidden) or p["W2"].shape != (K, hidden, 1) \
            or p["b2"].shape != (K, 1):
        raise ValueError(f"inits must be one-hidden-layer networks with {n_in} inputs and one output")
    p["b1"], p["b2"] = p["b1"][:, None, :], p["b2"][:, None, :]
    return p


def forward_many(p, x, activation):
    """``(z1, out)`` of the stacked networks :func:`train_many` returns, on inputs ``x`` (n, n_in): hidden
    pre-activations (K, n, H) and logits (K, n, 1) (used in 03_activations_appendix)."""
    if not isinstance(p, dict) or not {"W1", "b1", "W2", "b2"} <= set(p):
        raise TypeError("p must be the stacked parameters train_many returns")
    x = _check.real_array(x, "x")
    n_in = np.shape(p["W1"])[-2] if np.ndim(p["W1"]) == 3 else None
    if x.ndim != 2 or x.shape[1] != n_in:
        raise ValueError(f"x must have shape (n, {n_in}) (one row per sample), got {x.shape}")
    return _forward(p, x, _per_run(activation, len(p["W1"]))[0])


def _forward(p, x, f):
    z1 = x @ p["W1"] + p["b1"]
    return z1, f(z1) @ p["W2"] + p["b2"]


def _bce(out, y):
    return np.mean(np.maximum(out, 0) - out * y + np.log1p(np.exp(-np.abs(out))), axis=(1, 2))


@lru_cache(maxsize=8)
def lr_sweep(arms=(("relu", "normal"), ("leaky_relu", "normal"), ("relu", "he")), lrs=(0.1, 0.3, 1.0, 2.0, 3.0),
             seeds=tuple(range(8)), epochs=40, hidden=11, bias=0.01):
    """The course's dots network (2-``hidden``-1, cross-entropy, batch 32) for every arm, learning
    rate and seed (used in 03_activations § 5 and § 7; cached).

    An arm is ``(activation, init)``: ``init="normal"`` is the course's ``tf.random.normal``
    (std 1) with biases ``bias``, ``"he"`` the He et al. (2015) scale. Held-out accuracy on
    :func:`held_out`. The default learning rates stop at 3: from about 3.5 on, the Leaky ReLU
    runs are chaotic (a 1e-12 change of the initial weights changes their predictions; see
    03_activations_appendix), and no printed digit of a chaotic run holds on another CPU.

    Returns
    -------
    dict
        arm -> dict of arrays indexed ``[lr, seed]`` (and ``[lr, seed, epoch]``, epoch 0 = before
        training; measured after the epochs of :data:`RECORDED` up to ``epochs``, listed in
        ``recorded``; the last is ``epochs``):
        ``loss`` (training loss), ``dead`` (fraction of hidden units whose
        derivative is 0 on every training sample, per epoch: a unit that gets no gradient at
        all), ``negative`` (units with z ≤ 0 on every sample), ``zeros`` (fraction of
        hidden outputs exactly 0 on the training set, before and after training), ``max_abs_h``
        (largest |hidden output| at those epochs), ``test_accuracy``, ``finite`` (the run ended
        with a finite loss).
    """
    if not isinstance(arms, tuple) or not arms or not all(isinstance(a, tuple) and len(a) == 2 for a in arms):
        raise TypeError(f"arms must be a tuple of (activation, init) pairs, got {arms!r}"[:200])
    for a, init in arms:
        activation_pair(a, arg="arms")
        _check.choice(init, "arms", ("normal", "he", "lecun"))
    lrs = _check.numbers(lrs, "lrs", low=0.0, low_open=True)
    seeds = _check.integers(seeds, "seeds", min_len=1)
    epochs, hidden = _check.integer(epochs, "epochs"), _check.integer(hidden, "hidden", low=1)
    bias = _check.number(bias, "bias")
    x, y = _dots_xy()
    xt, yt = held_out()
    runs = [(lr, s) for lr in lrs for s in seeds]
    inits = [_train.init_mlp(2, hidden, 1, seed=s, init=init, bias=bias) for _, init in arms for _, s in runs]
    res = _sweep_runs(x, y, xt, yt, [a for a, _ in arms for _ in runs], inits, runs * len(arms), epochs)
    recorded = tuple(sorted({e for e in RECORDED if e <= epochs} | {epochs}))
    out = {}
    for j, arm in enumerate(arms):  # one vectorised call for every arm, split back here
        part = {k: v[j * len(runs):(j + 1) * len(runs)].reshape(len(lrs), len(seeds), *v.shape[1:])
                for k, v in res.items()}
        part["lrs"], part["seeds"], part["recorded"] = lrs, seeds, recorded
        out[arm] = part
    return out


#: The epochs after which :func:`lr_sweep` measures its runs (0: before training; the last epoch is added).
RECORDED = (0, 1, 2, 3, 5, 10, 20, 40)


def _sweep_runs(x, y, xt, yt, activations, inits, runs, epochs):
    """:func:`train_many` with the measurements :func:`lr_sweep` reports (per run)."""
    f, df = _per_run(activations, len(inits))
    hist = {"loss": [], "dead": [], "negative": [], "max_abs_h": []}
    keep = {e for e in RECORDED if e <= epochs} | {epochs}

    def record(epoch, p):
        if epoch + 1 not in keep:
            return
        z1 = x @ p["W1"] + p["b1"]  # _forward's arithmetic, keeping the hidden outputs h for the measures
        h = f(z1)
        o = h @ p["W2"] + p["b2"]
        if epoch == -1:
            zeros0.append(np.mean(h == 0, axis=(1, 2)))
        hist["loss"].append(_bce(o, y))
        hist["dead"].append(np.mean(np.all(df(z1) == 0, axis=1), axis=1))
        hist["negative"].append(np.mean(np.all(z1 <= 0, axis=1), axis=1))
        hist["max_abs_h"].append(np.max(np.abs(h), axis=(1, 2)))
        last["h"] = h

    zeros0, last = [], {}
    p = train_many(x, y, activations, inits, [r[0] for r in runs], [r[1] for r in runs], epochs, on_epoch_end=record)
    with np.errstate(over="ignore", invalid="ignore"):
        _, ot = _forward(p, xt, f)
        res = {k: np.array(v).T for k, v in hist.items() if k != "max_abs_h"}
        res["max_abs_h"] = np.nanmax(np.array(hist["max_abs_h"]), axis=0)
        res["zeros"] = np.stack([zeros0[0], np.mean(last["h"] == 0, axis=(1, 2))], -1)  # h after the last epoch
        res["test_accuracy"] = np.mean((ot > 0) == (yt > 0.5), axis=(1, 2))
    res["finite"] = np.isfinite(res["loss"][:, -1])
    return res


def dead_relu_table(sweep=None):
    """The dead-ReLU sweep as text: per learning rate and arm, mean held-out accuracy over seeds
    and mean dead fraction (used in 03_activations § 5). ``sweep``: a :func:`lr_sweep` result
    (default: the default sweep)."""
    sweep = lr_sweep() if sweep is None else _sweep_arg(sweep)
    arms = list(sweep)
    lrs = sweep[arms[0]]["lrs"]
    headers = ["lr"]
    for a, init in arms:
        tag = f"{a} ({init})"
        headers += [f"{tag} acc", f"{tag} dead"]
    rows = []
    for i, lr in enumerate(lrs):
        row = [f"{lr:g}"]
        for arm in arms:
            r = sweep[arm]
            row += [f"{np.mean(r['test_accuracy'][i]):.3f}", f"{np.mean(r['dead'][i, :, -1]):.0%}"]
        rows.append(row)
    return tables.format_table(rows, headers)


def dead_relu_facts(sweep=None):
    """What the dead-ReLU sweep shows, as numbers for the chapter's observation lines (used in 03_activations § 5).

    Returns
    -------
    dict
        ``lrs``; per arm (keyed like the sweep): ``accuracy`` and ``dead`` (means over seeds, per lr),
        ``dead_at_5`` (mean dead fraction after epoch 5, or the last recorded before it, per lr), ``never_revive`` (no run's dead
        fraction ever fell), ``negative`` (mean all-negative fraction at the end, per lr),
        ``negative_fell`` (some run's all-negative fraction fell: units came back), ``zeros``
        (mean fraction of exact-zero outputs before and after training, per lr), ``live_zeros`` (mean over
        the runs with a living unit of the fraction of the living units' outputs that are exactly 0 after
        training, per lr; a dead unit's outputs are all 0), ``finite`` (every
        run ended with a finite loss) and ``above_start`` (how many runs ended with a training loss
        above their starting loss, per lr: unstable, though not diverged); and ``seeds`` (runs per lr).
    """
    sweep = lr_sweep() if sweep is None else _sweep_arg(sweep)
    first = next(iter(sweep.values()))
    i5 = max(i for i, e in enumerate(first["recorded"]) if e <= 5)
    out = {"lrs": first["lrs"], "seeds": len(first["seeds"])}
    for arm, r in sweep.items():
        out[arm] = {"accuracy": r["test_accuracy"].mean(1), "dead": r["dead"][..., -1].mean(1),
                    "dead_at_5": r["dead"][..., i5].mean(1),
                    "never_revive": bool(np.all(np.diff(r["dead"], axis=-1) >= 0)),
                    "negative": r["negative"][..., -1].mean(1),
                    "negative_fell": bool(np.any(np.diff(r["negative"], axis=-1) < 0)),
                    "zeros": r["zeros"].mean(1), "live_zeros": _live_zeros(r),
                    "finite": bool(np.all(r["finite"])),
                    "above_start": np.sum(~(r["loss"][..., -1] < r["loss"][..., 0]), axis=1)}
    return out


def _live_zeros(r):
    """Per lr: mean over runs of (zeros − dead) / (1 − dead) after training (runs with a living unit).

    A dead unit outputs 0 on every training sample, so the exact zeros are the dead units' outputs plus
    the zeros among the living units' outputs."""
    zeros, dead = r["zeros"][..., 1], r["dead"][..., -1]
    alive = dead < 1
    frac = np.where(alive, (zeros - dead) / np.where(alive, 1 - dead, 1.0), np.nan)
    with np.errstate(invalid="ignore"):
        return np.array([np.nanmean(row) if np.any(np.isfinite(row)) else np.nan for row in frac])


def _sweep_arg(sweep):
    if not isinstance(sweep, dict) or not sweep or not all(
            isinstance(v, dict) and {"lrs", "test_accuracy", "dead", "recorded"} <= set(v) for v in sweep.values()):
        raise TypeError("sweep must be what lr_sweep returns")
    return sweep


def output_range_facts(lrs=(1.0, 100.0), activations=("sigmoid", "tanh", "relu", "leaky_relu"),
                       seeds=tuple(range(8))):
    """Bounded vs unbounded activations trained at a normal and an absurd learning rate: the numbers
    behind :func:`output_range_table` and the chapter's observation line (used in 03_activations § 7).

    :func:`lr_sweep` with the course's initialisation (40 epochs), one arm per activation.

    Returns
    -------
    dict
        ``lrs``, ``seeds``; per activation: ``bounded`` (from :func:`properties`), and per lr
        ``blew_up`` (some run's hidden outputs passed 1e6 or its loss overflowed: its digits are chaos,
        only the fact is reproducible), ``max_abs_h`` (largest |hidden output| seen during training, at
        the epochs of :data:`RECORDED`, over all seeds), ``loss`` (final training loss per seed) and
        ``accuracy`` (held-out accuracy per seed), arrays indexed ``[lr, seed]``.
    """
    activations = _check.choices(activations, "activations", ELEMENTWISE)
    lrs = _check.numbers(lrs, "lrs", low=0.0, low_open=True)
    seeds = _check.integers(seeds, "seeds", min_len=1)
    sweep = lr_sweep(arms=tuple((a, "normal") for a in activations), lrs=lrs, seeds=seeds)
    out = {"lrs": lrs, "seeds": seeds}
    for a in activations:
        r = sweep[(a, "normal")]
        big = np.max(r["max_abs_h"], axis=1)
        out[a] = {"bounded": properties(a)["bounded"], "max_abs_h": big,
                  "blew_up": ~np.all(r["finite"], axis=1) | ~np.isfinite(big) | (big > 1e6),
                  "loss": r["loss"][..., -1], "accuracy": r["test_accuracy"]}
    return out


def output_range_table(lrs=(1.0, 100.0), activations=("sigmoid", "tanh", "relu", "leaky_relu"),
                       seeds=tuple(range(8)), facts=None):
    """:func:`output_range_facts` as text (used in 03_activations § 7, output range).

    Per activation: whether it is bounded; at each learning rate the largest |hidden output| seen
    during training (``blew up`` for a run that passed 1e6 or overflowed); and at the first learning
    rate (the normal one) the final training loss (median over seeds; ``loss range``: best–worst seed)
    and the held-out accuracy (mean over seeds; ``worst acc``: the worst seed's). ``facts``: an :func:`output_range_facts`
    result to print (default: computed from the other arguments).
    """
    if facts is None:
        facts = output_range_facts(lrs, activations, seeds)
    elif not isinstance(facts, dict) or not {"lrs", "seeds"} <= set(facts):
        raise TypeError("facts must be what output_range_facts returns")
    lrs = facts["lrs"]
    rows = []
    for a, r in ((k, v) for k, v in facts.items() if k not in ("lrs", "seeds")):
        row = [a, "yes" if r["bounded"] else "no"]
        row += ["blew up" if r["blew_up"][i] else f"{r['max_abs_h'][i]:.3g}"
                for i in range(len(lrs))]
        if r["blew_up"][0]:
            row += ["-"] * 4
        else:
            loss, acc = r["loss"][0], r["accuracy"][0]
            row += [f"{np.median(loss):.3f}", f"{loss.min():.3f}-{loss.max():.3f}", f"{acc.mean():.3f}",
                    f"{acc.min():.3f}"]
        rows.append(row)
    return tables.format_table(rows, ["function", "bounded"] + [f"max |h|, lr {lr:g}" for lr in lrs]
                               + [f"loss, lr {lrs[0]:g}", "loss range", "held-out acc", "worst acc"])


_CENTRING = ("sigmoid", "sigmoid - 1/2", "2 sigmoid(2x)", "tanh", "relu")


@lru_cache(maxsize=4)
def zero_centring_runs(lr=1.0, seeds=tuple(range(8)), epochs=40, hidden=11, activations=_CENTRING):
    """Training loss per epoch of the dots network with each hidden activation
    (used in 03_activations § 6; cached).

    The pairs σ(x) / σ(x) − ½ and 2σ(2x) / tanh(x) = 2σ(2x) − 1 have the same slope everywhere
    and differ only in their centre; the course's initialisation (std 1, biases 0.01) and the
    same ``lr`` for all. Returns ``{activation: losses}``, losses of shape (seeds, epochs + 1).
    """
    lr = _check.positive(lr, "lr")
    return zero_centring_grid((lr,), seeds, epochs, hidden, activations)[lr]


@lru_cache(maxsize=4)
def zero_centring_grid(lrs=(0.3, 3.0), seeds=tuple(range(8)), epochs=40, hidden=11, activations=_CENTRING):
    """:func:`zero_centring_runs` at several learning rates, trained in one vectorised call
    (used in 03_activations_appendix, the learning-rate slider; cached).

    Returns ``{lr: {activation: losses}}``; each run is the run :func:`zero_centring_runs` makes
    (tests check they are equal).
    """
    lrs = _check.numbers(lrs, "lrs", low=0.0, low_open=True, min_len=1)
    seeds = _check.integers(seeds, "seeds", min_len=1)
    epochs, hidden = _check.integer(epochs, "epochs"), _check.integer(hidden, "hidden", low=1)
    activations = _check.choices(activations, "activations", ELEMENTWISE + tuple(VARIANTS))
    x, y = _dots_xy()
    arms = [(lr, a) for lr in lrs for a in activations]  # run order: lr, then activation, then seed
    per_run = [a for _, a in arms for _ in seeds]
    f, _ = _per_run(per_run, len(per_run))
    inits = [_train.init_mlp(2, hidden, 1, seed=s, init="normal", bias=0.01) for _ in arms for s in seeds]
    losses = []
    train_many(x, y, per_run, inits, [lr for lr, _ in arms for _ in seeds], list(seeds) * len(arms), epochs,
               on_epoch_end=lambda e, p: losses.append(_bce(_forward(p, x, f)[1], y)))
    losses = np.array(losses).T  # (runs, epochs + 1)
    n = len(seeds)
    out = {lr: {} for lr in lrs}
    for i, (lr, a) in enumerate(arms):
        out[lr][a] = losses[i * n:(i + 1) * n]
    return out


# --------------------------------------------------------------------------------------
# § 4 vanishing gradients: a deep plain network, back-propagated by hand
# --------------------------------------------------------------------------------------
#: The initial scales of § 4: a gain times Keras' default Glorot-uniform weights (variance 1/width).
INIT_SCALES = {"0.5 x Glorot": 0.5, "Glorot (Keras default)": 1.0, "He = 1.41 x Glorot": float(np.sqrt(2.0))}


def deep_net(depth, width=32, batch=64, seed=0, gain=1.0):
    """Inputs, weights, read-out and targets of the vanishing-gradient network (used in 03_activations § 4).

    Drawn in this order from ``np.random.default_rng(seed)``: inputs ``x`` ~ N(0, 1)
    (batch, width), targets ``t`` ~ N(0, 1) (batch, 1), ``depth`` weight matrices
    ``gain`` × Glorot-uniform (Keras' default: U(±√(6 / (fan_in + fan_out)))), and the read-out
    ``v`` Glorot-uniform (width, 1). No biases.

    Returns
    -------
    x, Ws (list), v, t
    """
    depth, width = _check.integer(depth, "depth", low=1), _check.integer(width, "width", low=1)
    batch, seed = _check.integer(batch, "batch", low=1), _check.integer(seed, "seed")
    gain = _check.positive(gain, "gain")
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((batch, width))
    t = rng.standard_normal((batch, 1))
    limit = np.sqrt(6.0 / (width + width))
    Ws = [gain * rng.uniform(-limit, limit, (width, width)) for _ in range(depth)]
    v = rng.uniform(-np.sqrt(6.0 / (width + 1)), np.sqrt(6.0 / (width + 1)), (width, 1))
    return x, Ws, v, t


def gradient_norms(activation, depth, width=32, batch=64, seed=0, gain=1.0):
    """‖∂L/∂W_k‖ for every layer k of :func:`deep_net`'s network (used in 03_activations § 4 and exercise 4).

    ``h_k = f(h_{k−1} W_k)`` for k = 1..depth, ``out = h_depth v``, ``L = mean((out − t)²)``
    (Keras' ``MeanSquaredError``). Back-propagation by hand in float64:
    ``δ_k = (δ_{k+1} W_{k+1}ᵀ) ⊙ f'(z_k)``, ``∂L/∂W_k = h_{k−1}ᵀ δ_k``.

    Parameters
    ----------
    activation : str or (f, f_grad)
        A name of :data:`ELEMENTWISE` or :data:`VARIANTS`, or your own pair of functions.

    Returns
    -------
    ndarray, shape (depth,)
        Gradient norms from the first (input-side) layer to the last.
    """
    f, df = activation_pair(activation)
    x, Ws, v, t = deep_net(depth, width, batch, seed, gain)
    hs, zs = [x], []
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        for W in Ws:
            zs.append(hs[-1] @ W)
            hs.append(np.asarray(f(zs[-1]), dtype=float))
        out = hs[-1] @ v
        delta = ((2.0 / out.size) * (out - t)) @ v.T  # dL/dh_depth
        norms = np.empty(len(Ws))
        for k in range(len(Ws) - 1, -1, -1):
            delta = delta * np.asarray(df(zs[k]), dtype=float)  # dL/dz_k
            norms[k] = np.linalg.norm(hs[k].T @ delta)
            delta = delta @ Ws[k].T
    return norms


@lru_cache(maxsize=256)
def vanishing_view(depth=10, init="Glorot (Keras default)", activations=("sigmoid", "tanh", "relu")):
    """``{activation: gradient norms per layer}`` at one depth and initial scale (used in
    03_activations § 4, the depth/initial-scale slider; cached)."""
    init = _check.choice(init, "init", tuple(INIT_SCALES))
    activations = _check.choices(activations, "activations", ELEMENTWISE + tuple(VARIANTS))
    return {a: gradient_norms(a, depth, gain=INIT_SCALES[init]) for a in activations}


def vanishing_table(depth=10, gains=(0.5, 1.0, 2.0 ** 0.5, 2.0, 4.0),
                    activations=("sigmoid", "tanh", "relu")):
    """First- and last-layer gradient norms at several initial scales, as text
    (used in 03_activations § 4), with 0.25^(depth − 1), the product of sigmoid's largest derivatives.

    Returns
    -------
    (str, dict)
        The table, and ``{(activation, gain): (first, last)}``.
    """
    depth = _check.integer(depth, "depth", low=2)
    gains = _check.numbers(gains, "gains", low=0.0, low_open=True)
    activations = _check.choices(activations, "activations", ELEMENTWISE + tuple(VARIANTS))
    numbers, rows = {}, []
    for a in activations:
        for g in gains:
            n = gradient_norms(a, depth, gain=g)
            numbers[(a, g)] = (float(n[0]), float(n[-1]))
            rows.append((a, f"{g:.2f}", f"{n[0]:.1e}", f"{n[-1]:.1e}", f"{n[0] / n[-1]:.1e}"))
    table = tables.format_table(rows, ("function", "gain", "first layer", "last layer", "first / last"))
    return table + f"\n0.25^(depth - 1) = {0.25 ** (depth - 1):.1e}", numbers
