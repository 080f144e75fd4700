"""One readable training loop, and the small network chapters 03 and 05 train with it.

:func:`fit` is mini-batch training as the course writes it (class2's dots and iris scripts)::

    for epoch in range(epochs):
        for x, y in batches(epoch):
            loss, grads = loss_and_grads(params, x, y)
            optimizer.apply_gradients((grads[k], params[k]) for k in params)

:func:`init_mlp`, :func:`mlp_forward` and :func:`mlp_loss_and_grads` are a one-hidden-layer
network ``out = a(x W1 + b1) W2 + b2`` with hand-written back-propagation, any activation of
:mod:`course_lib.nn.activations`, a mean-squared-error or binary cross-entropy loss and an
optional L1/L2 penalty. The chapters' fast kernels (many runs at once, TensorFlow's exact
rounding) live in ``course_lib.experiments`` and are tested equal to this loop.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from . import SEED, _check
from .nn import activations as _act
from .nn import regularizers as _reg

__all__ = ["init_mlp", "mlp_forward", "mlp_loss_and_grads", "minibatches", "fit"]

_INITS = {"he": 2.0, "lecun": 1.0, "normal": None}


def init_mlp(n_in: int = 2, hidden: int = 11, n_out: int = 1, *, seed: int = SEED, init: str = "normal",
             bias: float = 0.0, dtype=np.float64) -> dict:
    """Initial parameters ``{"W1", "b1", "W2", "b2"}`` of a one-hidden-layer network.

    ``W1`` (n_in, hidden) then ``W2`` (hidden, n_out) are drawn, in that order, from one
    ``np.random.default_rng(seed)``:

    * ``init="normal"``: N(0, 1), the course's ``tf.random.normal`` (class2 p29, with ``bias=0.01``);
    * ``init="he"``: W1 ~ N(0, 2/n_in) (He et al., ICCV 2015), W2 ~ N(0, 1/hidden);
    * ``init="lecun"``: W1 ~ N(0, 1/n_in) (LeCun et al., 1998), W2 ~ N(0, 1/hidden).

    Biases are the constant ``bias``.
    """
    n_in, hidden, n_out = (_check.integer(v, k, low=1) for v, k in ((n_in, "n_in"), (hidden, "hidden"),
                                                                    (n_out, "n_out")))
    seed, init = _check.integer(seed, "seed"), _check.choice(init, "init", tuple(_INITS))
    bias, dtype = _check.number(bias, "bias"), _check.float_dtype(dtype)
    rng = np.random.default_rng(seed)
    gain = _INITS[init]
    std1, std2 = (1.0, 1.0) if gain is None else (np.sqrt(gain / n_in), np.sqrt(1.0 / hidden))
    W1 = std1 * rng.standard_normal((n_in, hidden))
    W2 = std2 * rng.standard_normal((hidden, n_out))
    return {"W1": W1.astype(dtype), "b1": np.full(hidden, bias, dtype),
            "W2": W2.astype(dtype), "b2": np.full(n_out, bias, dtype)}


def _params(params):
    if not isinstance(params, dict) or set(params) != {"W1", "b1", "W2", "b2"}:
        raise TypeError("params must be a dict with keys W1, b1, W2, b2 (as init_mlp returns)")
    p = {k: _check.real_array(v, f"params[{k!r}]", finite=False) for k, v in params.items()}
    if p["W1"].ndim != 2 or p["W2"].ndim != 2:
        raise ValueError("params['W1'] and params['W2'] must be 2-D")
    hidden, n_out = p["W2"].shape
    if p["W1"].shape[1] != hidden or p["b1"].shape != (hidden,) or p["b2"].shape != (n_out,):
        raise ValueError("params must have shapes W1 (n_in, hidden), b1 (hidden,), W2 (hidden, n_out), "
                         f"b2 (n_out,); got {({k: v.shape for k, v in p.items()})}")
    return p


def _inputs(p, x):
    x = _check.real_array(x, "x")
    if x.ndim != 2 or x.shape[1] != p["W1"].shape[0]:
        raise ValueError(f"x must have shape (n, {p['W1'].shape[0]}), got {x.shape}")
    return x


def _xy(p, x, y):
    x = _inputs(p, x)
    y = _check.real_array(y, "y")
    y = y.reshape(-1, 1) if y.ndim == 1 else y
    if y.shape != (len(x), p["W2"].shape[1]):
        raise ValueError(f"y must have shape ({len(x)}, {p['W2'].shape[1]}) (one row per row of x), got {y.shape}")
    return x, y


def mlp_forward(params: dict, x, activation: str = "relu", **act_params):
    """``z1 = x W1 + b1``, ``h = a(z1)``, ``out = h W2 + b2``; returns ``(z1, h, out)``."""
    p = _params(params)
    x = _inputs(p, x)
    z1 = x @ p["W1"] + p["b1"]
    h = _act.get(activation, arg="activation")(z1, **act_params)
    return z1, h, h @ p["W2"] + p["b2"]


def mlp_loss_and_grads(params: dict, x, y, *, activation: str = "relu", loss: str = "mse", lam: float = 0.0,
                       kind: str = "l2", **act_params):
    r"""Loss and gradients of :func:`mlp_forward`'s network on one batch.

    .. math::

        L = \ell(y, out) + \lambda\,\big(R(W_1) + R(W_2)\big)

    with ``loss="mse"``: :math:`\ell = \mathrm{mean}((y - out)^2)`; ``loss="bce"``: binary
    cross-entropy of ``sigmoid(out)`` against 0/1 labels, from logits
    (:math:`\max(z,0) - zy + \ln(1 + e^{-|z|})`, averaged); ``kind="l2"``: :math:`R = \tfrac12\sum w^2`
    (``tf.nn.l2_loss``), ``kind="l1"``: :math:`R = \sum |w|`. Back-propagation by hand, with the
    derivative TensorFlow uses at kinks (ReLU'(0) = 0, d|w|/dw = sign(w)).

    Returns
    -------
    loss : float
    grads : dict with the keys and shapes of ``params``
    """
    p = _params(params)
    x, y = _xy(p, x, y)
    loss = _check.choice(loss, "loss", ("mse", "bce"))
    lam, kind = _check.non_negative(lam, "lam"), _check.choice(kind, "kind", ("l1", "l2"))
    z1 = x @ p["W1"] + p["b1"]
    h = _act.get(activation, arg="activation")(z1, **act_params)
    out = h @ p["W2"] + p["b2"]
    if loss == "mse":
        diff = out - y
        value = float(np.mean(diff * diff))
        d_out = diff * (2.0 / y.size)
    else:
        value = float(np.mean(np.maximum(out, 0) - out * y + np.log1p(np.exp(-np.abs(out)))))
        d_out = (_act.sigmoid(out) - y) / y.size
    dz1 = (d_out @ p["W2"].T) * _act.derivative(activation, z1, **act_params)
    grads = {"W1": x.T @ dz1, "b1": dz1.sum(0), "W2": h.T @ d_out, "b2": d_out.sum(0)}
    if lam:
        penalty, grad = (_reg.l2_loss, lambda w: w) if kind == "l2" else (_reg.l1_loss, np.sign)
        value += lam * float(penalty(p["W1"]) + penalty(p["W2"]))
        grads["W1"] = grads["W1"] + lam * grad(p["W1"])
        grads["W2"] = grads["W2"] + lam * grad(p["W2"])
    return value, grads


def minibatches(x, y, batch_size: int = 32, *, shuffle: bool = False, seed: int | None = None) -> Callable:
    """``batches(epoch)`` for :func:`fit`: consecutive slices of ``batch_size`` rows
    (``tf.data.Dataset.from_tensor_slices((x, y)).batch(batch_size)``), in a new random order
    every epoch when ``shuffle`` (one generator seeded once with ``seed``)."""
    x, y = _check.real_array(x, "x"), _check.real_array(y, "y")
    if x.ndim == 0 or y.ndim == 0:
        raise ValueError(f"x and y must be arrays with one row per sample, got shapes {x.shape} and {y.shape}")
    if len(x) != len(y) or len(x) == 0:
        raise ValueError(f"x and y must hold the same, non-zero number of rows, got {len(x)} and {len(y)}")
    batch_size = _check.integer(batch_size, "batch_size", low=1)
    rng = np.random.default_rng(_check.seed(seed)) if _check.flag(shuffle, "shuffle") else None

    def batches(epoch):
        order = rng.permutation(len(x)) if rng is not None else np.arange(len(x))
        for s in range(0, len(x), batch_size):
            idx = order[s:s + batch_size]
            yield x[idx], y[idx]

    return batches


def fit(params: dict, loss_and_grads: Callable, batches: Callable, optimizer, epochs: int, *,
        on_epoch_end: Callable | None = None) -> np.ndarray:
    """Mini-batch training, the course's loop: updates ``params`` in place.

    Parameters
    ----------
    params : dict of name -> writeable float array
    loss_and_grads : callable
        ``loss_and_grads(params, x, y) -> (loss, grads)`` with ``grads`` keyed like ``params``.
    batches : callable
        ``batches(epoch)`` yields the epoch's ``(x, y)`` batches (:func:`minibatches`).
    optimizer : course_lib.nn.optimizers.Optimizer
        Anything with ``apply_gradients(pairs of (gradient, variable))``.
    epochs : int
    on_epoch_end : callable, optional
        ``on_epoch_end(epoch, params, losses)``; returning True stops training.

    Returns
    -------
    ndarray
        The loss of each epoch's last batch (what the course prints).
    """
    epochs = _check.integer(epochs, "epochs")
    loss_and_grads, batches = _check.function(loss_and_grads, "loss_and_grads"), _check.function(batches, "batches")
    on_epoch_end = _check.function(on_epoch_end, "on_epoch_end", optional=True)
    if not callable(getattr(optimizer, "apply_gradients", None)):
        raise TypeError(f"optimizer must have an apply_gradients method (an nn.optimizers optimizer), "
                        f"got {type(optimizer).__name__}")
    losses = []
    for epoch in range(epochs):
        for x, y in batches(epoch):
            loss, grads = loss_and_grads(params, x, y)
            optimizer.apply_gradients((grads[k], params[k]) for k in params)
        losses.append(loss)
        if on_epoch_end is not None and on_epoch_end(epoch, params, losses):
            break
    return np.array(losses)
