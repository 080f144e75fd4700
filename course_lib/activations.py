"""Chapter 03 – activation functions (激活函数), from scratch in numpy.

Names, arguments and defaults follow ``keras.activations``; where Keras has no such
function (PReLU as a function, RReLU) the docstring says whose convention we follow.
Every function is numerically safe: inputs of ±1000 give no overflow warning, inf or nan.
``float32`` in gives ``float32`` out (as TensorFlow does); any other numeric input gives float64.

:func:`derivative` returns each function's derivative (softmax: its Jacobian), with the
value TensorFlow's autodiff uses at the kinks (e.g. ReLU'(0) = 0).
"""

from __future__ import annotations

import numpy as np

from ._cache import lru_cache
from ._validate import as_float as _as_float
from ._validate import integer as _int

__all__ = ["sigmoid", "tanh", "relu", "leaky_relu", "prelu", "rrelu", "elu", "softplus", "softsign",
           "softmax", "derivative", "NAMES", "PARAMETERS", "properties", "relu_features_fit",
           "linear_stack_collapse", "curve_data", "softmax_temperature", "mlp_init", "mlp_loss_and_grads",
           "train_mlp", "gradient_norms", "gradient_norm_table", "dead_relu_sweep", "zero_centred_comparison",
           "properties_table", "compare_with_keras", "relative_cost"]



def _check_param(value, name, *, low=None, allow_array=False):
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating, np.ndarray, list)):
        raise TypeError(f"{name} must be a number, got {type(value).__name__}")
    try:
        v = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a number or a list of numbers, got {value!r}") from None
    if v.ndim and not allow_array:
        raise TypeError(f"{name} must be a scalar, got an array of shape {v.shape}")
    if not np.all(np.isfinite(v)):
        raise ValueError(f"{name} must be finite, got {value!r}")
    if low is not None and np.any(v < low):
        raise ValueError(f"{name} must be >= {low}, got {value!r}")
    return v if v.ndim else float(v)


def _seed(seed, name="seed"):
    return None if seed is None else _int(seed, name)


def _choice(value, name, options):
    if not isinstance(value, str) or value not in options:
        raise ValueError(f"{name} must be one of {', '.join(options)}; got {value!r}")
    return value


def _choices(values, name, options):
    """A sequence of names (one name alone is accepted too)."""
    if isinstance(values, str):
        values = (values,)
    if not isinstance(values, (tuple, list)) or not values:
        raise TypeError(f"{name} must be a non-empty tuple of names from {', '.join(options)}; got {values!r}")
    return tuple(_choice(v, name, options) for v in values)


def _numbers(values, name, *, low=None):
    """A non-empty sequence of finite numbers (each > low when low is given)."""
    if isinstance(values, (str, bytes)) or not isinstance(values, (tuple, list, range, np.ndarray)):
        raise TypeError(f"{name} must be a non-empty sequence of numbers, got {values!r}")
    out = [_check_param(v, name) for v in values]
    if not out or (low is not None and min(out) <= low):
        raise ValueError(f"{name} must be a non-empty sequence of numbers > {low}, got {values!r}")
    return out


from .nn.activations import (  # noqa: E402  the formulas moved to nn/activations.py
    NAMES,
    PARAMETERS,
    derivative,
    elu,
    get,
    leaky_relu,
    prelu,
    relu,
    rrelu,
    sigmoid,
    softmax,
    softplus,
    softsign,
    tanh,
)


def _apply(name, x, **params):
    return get(name)(x, **params)


# --------------------------------------------------------------------------------------
# What the chapter computes for its figures (pure functions; drawing is in plots.py)
# --------------------------------------------------------------------------------------

def curve_data(name, param=None, lo=-6.0, hi=6.0, n=401):
    """x, f(x), f'(x) on a grid, for the activation gallery.

    ``param`` sets the function's parameter of :data:`PARAMETERS` (ignored otherwise).
    Softmax is shown as its first component on the pair (x, 0): σ-shaped, with the
    diagonal of its Jacobian as derivative.
    """
    _choice(name, "name", NAMES)
    lo, hi = _check_param(lo, "lo"), _check_param(hi, "hi")
    if not lo < hi:
        raise ValueError(f"lo must be < hi, got lo={lo}, hi={hi}")
    n = _int(n, "n", low=2)
    if param is not None:
        param = _check_param(param, "param", low=0.0)
    x = np.linspace(lo, hi, n)
    params = {}
    if name in PARAMETERS and param is not None:
        key, _ = PARAMETERS[name]
        params = {key: param}
        if name == "rrelu":
            params["lower"] = min(1 / 8, param)
    if name == "softmax":
        pairs = np.stack([x, np.zeros_like(x)], axis=-1)
        return x, softmax(pairs)[:, 0], derivative("softmax", pairs)[:, 0, 0]
    return x, _apply(name, x, **params), derivative(name, x, **params)


def softmax_temperature(logits, temperature):
    """softmax(z / T): T → 0 approaches one-hot argmax, T → ∞ approaches uniform."""
    temperature = _check_param(temperature, "temperature", low=0.0)
    if temperature == 0:
        raise ValueError("temperature must be > 0, got 0")
    logits = _as_float(logits, "logits")
    if logits.ndim == 0:
        raise ValueError("logits must have at least one dimension, got a scalar")
    return softmax(logits / temperature)


def linear_stack_collapse(depth=3, width=4, seed=0):
    """Evidence that stacked linear layers are one linear layer.

    Builds ``depth`` random matrices, pushes random inputs through them one by one and
    through their single product; returns the largest difference (round-off only).
    """
    depth, width = _int(depth, "depth", low=1), _int(width, "width", low=1)
    rng = np.random.default_rng(_seed(seed))
    Ws = [rng.normal(size=(width, width)) for _ in range(depth)]
    X = rng.normal(size=(16, width))
    H = X
    for W in Ws:
        H = H @ W
    P = np.linalg.multi_dot(Ws) if depth > 1 else Ws[0]
    return float(np.max(np.abs(H - X @ P)))


def relu_features_fit(target, n_units, lo=-np.pi, hi=np.pi, n=200, seed=0, activation="relu"):
    """Fit ``target(x)`` with a linear combination of ``n_units`` activation units a(w·x + b).

    The hidden weights are random and fixed; the output weights are found by least
    squares. With ``activation="linear"`` the best fit is a straight line whatever the
    number of units: without a non-linearity, width buys nothing.

    Returns
    -------
    dict with x, y (target), fit, rmse
    """
    if isinstance(n_units, bool) or not isinstance(n_units, (int, np.integer)) or n_units < 1:
        raise ValueError(f"n_units must be a positive integer, got {n_units!r}")
    if not callable(target):
        raise TypeError(f"target must be a function of x, got {type(target).__name__}")
    lo, hi = _check_param(lo, "lo"), _check_param(hi, "hi")
    if not lo < hi:
        raise ValueError(f"lo must be < hi, got lo={lo}, hi={hi}")
    n = _int(n, "n", low=1)
    _choice(activation, "activation", NAMES + ("linear",))
    rng = np.random.default_rng(_seed(seed))
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
    """The notes' properties of an activation, measured numerically (not typed in).

    Returns a dict:

    * ``range`` – (inf f, sup f): the value at ±1e12 when f saturates there, else ∓inf;
    * ``bounded`` – both ends saturate (有界: gradient steps stay stable);
    * ``monotonic`` – f' ≥ 0 on [−20, 20] (单调性);
    * ``zero_centred`` – |E f(z)| < 0.05 for z ~ N(0, 1);
    * ``smooth`` – f' has no jump larger than 1e-2 between grid points on [−20, 20] (可微性);
    * ``identity_near_0`` – f(0) = 0 and f'(0) = 1 from both sides (近似恒等性).

    PReLU is measured with α = 0.25, RReLU in inference mode; softmax as its first
    component on the pair (x, 0).
    """
    _choice(name, "name", NAMES)
    n = _int(n, "n", low=3)
    params = {"alpha": 0.25} if name == "prelu" else {}
    if name == "softmax":
        f = lambda v: softmax(np.stack([v, np.zeros_like(v)], -1))[..., 0]
        d = lambda v: derivative("softmax", np.stack([v, np.zeros_like(v)], -1))[..., 0, 0]
    else:
        f = lambda v: _apply(name, v, **params)
        d = lambda v: derivative(name, v, **params)
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


# --------------------------------------------------------------------------------------
# Small real training runs behind the chapter's claims
# --------------------------------------------------------------------------------------

def mlp_init(n_in, hidden, n_out=1, seed=0, scale="he"):
    """Weights of a one-hidden-layer MLP: normal with std sqrt(2/fan_in) ("he") or sqrt(1/fan_in)."""
    n_in, hidden, n_out = _int(n_in, "n_in", low=1), _int(hidden, "hidden", low=1), _int(n_out, "n_out", low=1)
    _choice(scale, "scale", ("he", "lecun"))
    rng = np.random.default_rng(_seed(seed))
    gain = 2.0 if scale == "he" else 1.0
    return {"W1": rng.normal(0, np.sqrt(gain / n_in), (n_in, hidden)), "b1": np.zeros(hidden),
            "W2": rng.normal(0, np.sqrt(1.0 / hidden), (hidden, n_out)), "b2": np.zeros(n_out)}


def mlp_loss_and_grads(params, X, y, activation="relu", **act_params):
    """Binary cross-entropy of ``σ(a(X W1 + b1) W2 + b2)`` against 0/1 labels ``y``, and its
    gradients by hand-written backpropagation.

    Returns ``(loss, grads, Z1)``; ``Z1`` are the hidden pre-activations (to spot dead units).
    The read-out's gradient is ``p − y``: bounded, so a large learning rate damages the
    hidden layer without sending the loss to infinity.
    """
    if not isinstance(params, dict) or not {"W1", "b1", "W2", "b2"} <= set(params):
        raise TypeError("params must be a dict with W1, b1, W2, b2 (as mlp_init returns)")
    X, y = _as_float(X, "X"), _as_float(y, "y")
    n_in, n_out = np.shape(params["W1"])[0], np.shape(params["W2"])[-1]
    if X.ndim != 2 or X.shape[1] != n_in:
        raise ValueError(f"X must have shape (n, {n_in}), got {X.shape}")
    if y.shape != (len(X), n_out):
        raise ValueError(f"y must have shape ({len(X)}, {n_out}) (one row per row of X), got {y.shape}")
    _choice(activation, "activation", NAMES)
    Z1 = X @ params["W1"] + params["b1"]
    H = _apply(activation, Z1, **act_params)
    logits = H @ params["W2"] + params["b2"]
    # BCE from logits, stable form: max(z, 0) − z·y + log(1 + e^{−|z|})
    loss = float(np.mean(np.maximum(logits, 0) - logits * y + np.log1p(np.exp(-np.abs(logits)))))
    d_logits = (sigmoid(logits) - y) / y.size
    dH = d_logits @ params["W2"].T
    dZ1 = dH * derivative(activation, Z1, **act_params)
    grads = {"W2": H.T @ d_logits, "b2": d_logits.sum(0), "W1": X.T @ dZ1, "b1": dZ1.sum(0)}
    return loss, grads, Z1


def train_mlp(X, y, activation="relu", hidden=32, lr=0.05, epochs=100, batch_size=32, seed=0,
              init_scale="he", **act_params):
    """Mini-batch SGD on a one-hidden-layer binary classifier (cross-entropy), in numpy.

    Returns
    -------
    dict
        ``loss`` – full-data loss after each epoch (index 0: before training);
        ``dead`` – fraction of hidden units whose pre-activation is ≤ 0 on every sample
        after each epoch (for ReLU: units that output 0 and get no gradient, ever);
        ``accuracy`` – full-data accuracy after each epoch; ``params`` – final weights.
    """
    X = _as_float(X, "X").astype(float)
    y = _as_float(y, "y").astype(float)
    if X.ndim != 2 or len(X) == 0:
        raise ValueError(f"X must be a non-empty 2-D array, got shape {X.shape}")
    if y.ndim not in (1, 2) or len(y) != len(X):
        raise ValueError(f"y must have shape (n,) or (n, k) with n = len(X) = {len(X)}, got {y.shape}")
    y = y.reshape(len(X), -1)
    _choice(activation, "activation", NAMES)
    hidden, epochs, batch_size = _int(hidden, "hidden", 1), _int(epochs, "epochs"), _int(batch_size, "batch_size", 1)
    seed = _int(seed, "seed")
    _choice(init_scale, "init_scale", ("he", "lecun"))
    lr = _check_param(lr, "lr")
    if not lr > 0:
        raise ValueError(f"lr must be > 0, got {lr!r}")
    params = mlp_init(X.shape[1], hidden, y.shape[1], seed=seed, scale=init_scale)
    rng = np.random.default_rng(seed + 1)
    losses, dead, acc = [], [], []

    def record():
        loss, _, Z1 = mlp_loss_and_grads(params, X, y, activation, **act_params)
        H = _apply(activation, Z1, **act_params)
        acc.append(float(np.mean(((H @ params["W2"] + params["b2"]) > 0) == (y > 0.5))))
        losses.append(loss)
        dead.append(float(np.mean(np.all(Z1 <= 0, axis=0))))

    # A too-large learning rate is part of the lesson: overflow ends the run (NaN-padded), quietly.
    with np.errstate(over="ignore", invalid="ignore"):
        record()
        for _ in range(epochs):
            order = rng.permutation(len(X))
            for s in range(0, len(X), batch_size):
                idx = order[s:s + batch_size]
                _, g, _ = mlp_loss_and_grads(params, X[idx], y[idx], activation, **act_params)
                for k in params:
                    params[k] -= lr * g[k]
            record()
            if not np.isfinite(losses[-1]):
                pad = epochs + 1 - len(losses)
                losses += [np.nan] * pad
                dead += [np.nan] * pad
                acc += [np.nan] * pad
                break
    return {"loss": np.array(losses), "dead": np.array(dead), "accuracy": np.array(acc), "params": params}


def gradient_norms(activation, depth, width=32, batch=64, seed=0):
    """‖∂L/∂W_k‖ for every layer k of a deep plain network, measured with ``tf.GradientTape``.

    The network is ``depth`` dense layers of ``width`` units with the given activation,
    Glorot-uniform weights (Keras' default) drawn with numpy, zero biases, a linear
    read-out and ``L = mean(output²)`` on standard-normal inputs.

    Returns
    -------
    ndarray, shape (depth,)
        Gradient norms from the first (input-side) layer to the last.
    """
    if isinstance(depth, bool) or not isinstance(depth, (int, np.integer)) or depth < 1:
        raise ValueError(f"depth must be a positive integer, got {depth!r}")
    _choice(activation, "activation", tuple(n for n in NAMES if n not in ("softmax", "prelu")))
    width, batch, seed = _int(width, "width", 1), _int(batch, "batch", 1), _int(seed, "seed")
    from . import import_tf

    tf = import_tf()
    rng = np.random.default_rng(seed)
    limit = np.sqrt(6.0 / (width + width))
    x = tf.constant(rng.standard_normal((batch, width)), tf.float32)
    Ws = [tf.constant(rng.uniform(-limit, limit, (width, width)), tf.float32) for _ in range(depth)]
    v = tf.constant(rng.uniform(-limit, limit, (width, 1)), tf.float32)
    act = {"sigmoid": tf.nn.sigmoid, "tanh": tf.nn.tanh, "relu": tf.nn.relu, "elu": tf.nn.elu,
           "softplus": tf.nn.softplus, "softsign": tf.nn.softsign,
           "leaky_relu": lambda t: tf.nn.leaky_relu(t, 0.2),
           "rrelu": lambda t: tf.nn.leaky_relu(t, (1 / 8 + 1 / 3) / 2)}[activation]
    with tf.GradientTape() as tape:
        tape.watch(Ws)
        h = x
        for W in Ws:
            h = act(h @ W)
        loss = tf.reduce_mean((h @ v) ** 2)
    grads = tape.gradient(loss, Ws)
    return np.array([float(tf.norm(g)) for g in grads])


def dead_relu_sweep(lrs=(0.3, 1.0, 3.0, 5.0, 10.0, 20.0), activations=("relu", "leaky_relu"), epochs=40,
                    hidden=32, seed=0):
    """:func:`train_mlp` on the course's dots for every (activation, learning rate) pair.

    Precomputed once for the chapter's learning-rate slider; returns
    ``{(activation, lr): run}`` with the runs of :func:`train_mlp`.
    """
    lrs, activations = _numbers(lrs, "lrs", low=0.0), _choices(activations, "activations", NAMES)
    epochs, hidden, seed = _int(epochs, "epochs"), _int(hidden, "hidden", 1), _int(seed, "seed")
    from .data import dots

    X, y = dots()
    return {(a, lr): train_mlp(X, y, a, hidden=hidden, lr=lr, epochs=epochs, seed=seed)
            for a in activations for lr in lrs}


def zero_centred_comparison(activations=("sigmoid", "tanh"), seeds=range(5), lr=1.0, epochs=60, hidden=32):
    """Mean loss curve over several seeds of the same classifier with each hidden activation.

    Returns ``{activation: mean loss per epoch}`` on the course's dots; LeCun-normal
    initialisation for both, so only the activation differs.
    """
    activations = _choices(activations, "activations", NAMES)
    if not isinstance(seeds, (tuple, list, range)) or not seeds:
        raise TypeError(f"seeds must be a non-empty sequence of integers, got {seeds!r}")
    seeds = [_int(s, "seeds") for s in seeds]
    lr = _numbers([lr], "lr", low=0.0)[0]
    epochs, hidden = _int(epochs, "epochs"), _int(hidden, "hidden", 1)
    from .data import dots

    X, y = dots()
    return {a: np.mean([train_mlp(X, y, a, hidden=hidden, lr=lr, epochs=epochs, seed=s,
                                  init_scale="lecun")["loss"] for s in seeds], axis=0)
            for a in activations}


def properties_table(names=NAMES) -> str:
    """:func:`properties` of every activation as a fixed-width text table."""
    def rng(r):
        return "(" + ", ".join("inf" if v == np.inf else "-inf" if v == -np.inf else f"{v:g}" for v in r) + ")"
    names = _choices(names, "names", NAMES)
    cols = ("bounded", "monotonic", "zero_centred", "smooth", "identity_near_0")
    lines = [f"{'function':<11}{'range':<14}" + "".join(f"{c:>16}" for c in cols)]
    for n in names:
        p = properties(n)
        lines.append(f"{n:<11}{rng(p['range']):<14}" + "".join(f"{('yes' if p[c] else 'no'):>16}" for c in cols))
    return "\n".join(lines)


@lru_cache(maxsize=4)
def gradient_norm_table(max_depth=30, activations=("sigmoid", "tanh", "relu"), width=32, seed=0):
    """:func:`gradient_norms` for every depth 1..max_depth: ``{depth: {activation: norms}}`` (cached)."""
    elementwise = tuple(n for n in NAMES if n not in ("softmax", "prelu"))
    max_depth, activations = _int(max_depth, "max_depth", 1), _choices(activations, "activations", elementwise)
    width, seed = _int(width, "width", 1), _int(seed, "seed")
    return {d: {a: gradient_norms(a, d, width=width, seed=seed) for a in activations}
            for d in range(1, max_depth + 1)}


def compare_with_keras(seed=0, n=1000):
    """Largest |ours − TensorFlow| for every activation's value and derivative on random inputs.

    Values against ``keras.activations`` (PReLU: ``keras.layers.PReLU``; RReLU in inference:
    ``tf.nn.leaky_relu`` with the mean slope), derivatives against ``tf.GradientTape``.
    Inputs are float64 normal with standard deviation 4.

    Returns
    -------
    list of (name, max value difference, max derivative difference)
    """
    seed, n = _int(seed, "seed"), _int(n, "n", low=10)
    from . import import_tf

    tf = import_tf()
    import keras

    x = np.random.default_rng(seed).normal(scale=4.0, size=(n // 10, 10))
    mean_slope = (1 / 8 + 1 / 3) / 2
    theirs = {
        "sigmoid": (keras.activations.sigmoid, {}), "tanh": (keras.activations.tanh, {}),
        "relu": (keras.activations.relu, {}), "leaky_relu": (keras.activations.leaky_relu, {}),
        "prelu": (lambda t: keras.layers.PReLU(alpha_initializer=keras.initializers.Constant(0.25),
                                               dtype="float64")(t), {"alpha": 0.25}),
        "rrelu": (lambda t: tf.nn.leaky_relu(t, mean_slope), {}),
        "elu": (keras.activations.elu, {}), "softplus": (keras.activations.softplus, {}),
        "softsign": (keras.activations.softsign, {}), "softmax": (keras.activations.softmax, {}),
    }
    rows = []
    for name in NAMES:
        fn, params = theirs[name]
        t = tf.constant(x)
        with tf.GradientTape() as tape:
            tape.watch(t)
            y = fn(t)
        if name == "softmax":
            jac = tape.batch_jacobian(y, t).numpy()
            d_diff = np.max(np.abs(derivative(name, x) - jac))
        else:
            d_diff = np.max(np.abs(derivative(name, x, **params) - tape.gradient(y, t).numpy()))
        v_diff = np.max(np.abs(_apply(name, x, **params) - y.numpy()))
        rows.append((name, float(v_diff), float(d_diff)))
    return rows


def relative_cost(names=NAMES, n=200_000, repeats=7, seed=0):
    """Measured time of each activation on ``n`` float64 inputs, relative to ReLU (median of ``repeats``).

    A machine-dependent measurement of the notes' "幂运算复杂" remark: functions with an
    exponential cost several ReLUs. Returns ``{name: ratio}``.
    """
    import time

    names = _choices(names, "names", NAMES)
    n = _int(n, "n", 1)
    repeats = _int(repeats, "repeats", 1)
    x = np.random.default_rng(_int(seed, "seed")).normal(scale=4.0, size=n)

    def median_time(name):
        params = {"alpha": 0.25} if name == "prelu" else {}
        xs = x.reshape(-1, 10) if name == "softmax" else x
        times = []
        for _ in range(repeats):
            t = time.perf_counter()
            _apply(name, xs, **params)
            times.append(time.perf_counter() - t)
        return float(np.median(times))

    base = median_time("relu")
    return {name: median_time(name) / base for name in names}
