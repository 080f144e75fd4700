"""Chapter 05 – the course's dots network trained K times side by side (the speed kernel).

The course's network ``relu(x W1 + b1) W2 + b2`` (class2 p29: 2 → 11 → 1, MSE, plain
mini-batch SGD, batch 32, no shuffling) as one vectorised numpy loop that trains ``K``
networks – a grid of λ, several seeds – in the same matrix products, about as fast as one.
Every slider of chapter 05 reads runs trained here once and cached.

It is the readable loop of :mod:`course_lib.train` (``fit`` with ``mlp_loss_and_grads`` and
``nn.optimizers.SGD``) made fast: ``tests/test_ch05_fitting.py`` checks that both give the
same weights and losses for K = 1, to round-off, and that K runs at once equal K runs alone.

* :func:`train_mlp` – the trainer; :class:`MLPRuns` – its result (weights, losses, curves).
* :func:`_grads`, :func:`_pack`, :func:`_unpack` – the hot kernel and its flat layout.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import SEED, _check
from .. import train as _train
from ..nn.regularizers import _soft_threshold

__all__ = ["MLPRuns", "train_mlp"]

_KEYS = ("W1", "b1", "W2", "b2")


def _readonly(*arrays):
    for a in arrays:
        if isinstance(a, np.ndarray):
            a.setflags(write=False)


def _grads(W1, w2, b2, xa, yb, lam_row, lam_k, kind, need_loss=False):
    """One batch's gradients for K networks at once, in a flat layout fast on small shapes.

    A documented hot kernel (called once per batch for every run of the chapter).
    ``W1`` (I+1, K*H) stacks every run's ``W1`` (first I rows) and ``b1`` (last row);
    ``w2`` (K, H); ``b2`` (K,); ``xa`` (B, I+1) is the batch with a column of ones;
    ``yb`` (B, 1); ``lam_row`` (1, K*H) and ``lam_k`` (K, 1) hold each run's λ.
    The products with the inputs are single 2-D matrix products whatever K is; the output
    layer uses one stacked product over the K runs. Returns ``(gW1, gw2, gb2)`` and,
    with ``need_loss``, also the per-run MSE and penalty, both (K,).
    """
    B = xa.shape[0]
    K, H = w2.shape
    z = xa @ W1                                   # (B, K*H)
    h = np.maximum(z, 0).reshape(B, K, H)
    diff = (h.transpose(1, 0, 2) @ w2[:, :, None])[:, :, 0].T + b2 - yb  # (B, K)
    dy = diff * (2.0 / B)
    gw2 = (h.transpose(1, 2, 0) @ dy.T[:, :, None])[:, :, 0]
    gb2 = dy.sum(axis=0)
    dh = np.repeat(dy, H, axis=1) * w2.ravel()    # (B, K*H): dy of run k times its w2 (faster than broadcasting)
    dh *= z > 0                                   # ReLU'(0) = 0, as TensorFlow
    gW1 = xa.T @ dh                               # weights and biases in one product
    w1 = W1[:-1]
    if kind == "l2":
        gW1[:-1] += lam_row * w1
        gw2 += lam_k * w2
    else:
        gW1[:-1] += lam_row * np.sign(w1)
        gw2 += lam_k * np.sign(w2)
    if not need_loss:
        return gW1, gw2, gb2
    m = np.einsum("bk,bk->k", diff, diff) / B
    if kind == "l2":
        pen = 0.5 * ((w1 * w1).reshape(-1, K, H).sum(axis=(0, 2)) + (w2 * w2).sum(axis=1))
    else:
        pen = np.abs(w1).reshape(-1, K, H).sum(axis=(0, 2)) + np.abs(w2).sum(axis=1)
    return gW1, gw2, gb2, m, lam_k[:, 0] * pen


def _pack(W1, b1, W2, b2):
    """(K, I, H), (K, H), (K, H, 1), (K, 1) -> the flat layout of :func:`_grads`."""
    K, I, H = W1.shape
    flat = np.concatenate([W1, b1[:, None, :]], axis=1).transpose(1, 0, 2).reshape(I + 1, K * H)
    return np.ascontiguousarray(flat), np.ascontiguousarray(W2[:, :, 0]), b2[:, 0].copy()


def _unpack(W1, w2, b2):
    """The flat layout back to (K, I, H), (K, H), (K, H, 1), (K, 1) arrays."""
    K, H = w2.shape
    A = W1.reshape(-1, K, H).transpose(1, 0, 2)
    return A[:, :-1].copy(), A[:, -1].copy(), w2[:, :, None].copy(), b2[:, None].copy()


def _xy(x, y, name_x="x", name_y="y", dtype=np.float64):
    x = _check.real_array(x, name_x).astype(dtype)
    y = _check.real_array(y, name_y).astype(dtype)
    if x.ndim != 2 or x.shape[0] == 0:
        raise ValueError(f"{name_x} must be a non-empty 2-D array (samples, features), got shape {x.shape}")
    y = y.reshape(-1, 1) if y.ndim == 1 else y
    if y.shape != (x.shape[0], 1):
        raise ValueError(f"{name_y} must hold one target per row of {name_x} ({x.shape[0]}), got shape {y.shape}")
    return x, y


def _check_params(params, name="params"):
    """``params`` as :func:`course_lib.train.init_mlp` returns them, one output unit."""
    if not isinstance(params, dict) or set(params) != set(_KEYS):
        raise ValueError(f"{name} must be a dict with keys W1, b1, W2, b2 (as train.init_mlp returns)")
    p = {k: _check.real_array(v, name) for k, v in params.items()}
    n_in, hidden = p["W1"].shape if p["W1"].ndim == 2 else (None, None)
    if hidden is None or p["b1"].shape != (hidden,) or p["W2"].shape != (hidden, 1) or p["b2"].shape != (1,):
        raise ValueError(f"{name} must have shapes W1 (n_in, hidden), b1 (hidden,), W2 (hidden, 1), b2 (1,)")
    return p


@dataclass(frozen=True)
class MLPRuns:
    """The result of :func:`train_mlp`: ``K`` networks trained side by side.

    Attributes
    ----------
    W1, b1, W2, b2 : ndarray
        Final parameters with a leading run axis: ``(K, n_in, H)``, ``(K, H)``, ``(K, H, 1)``, ``(K, 1)``.
    lam, seed : ndarray, shape (K,)
        Each run's λ and initialisation seed.
    kind : str
        ``"l2"`` or ``"l1"``; ``proximal`` tells whether L1 used the soft-threshold step.
    loss : ndarray, shape (K, epochs)
        The loss of each epoch's *last batch*, penalty included: what the course prints.
    train_mse : ndarray (K, epochs) or None
        MSE on the whole training set at each epoch's end (no penalty); None with ``curves=False``.
    val_mse : ndarray (K, epochs) or None
        MSE on the validation set at each epoch's end (None without a validation set or with ``curves=False``).
    snapshots : dict or None
        With ``record=True``: the parameters after every epoch, ``(K, epochs, ...)``.
    """

    W1: np.ndarray
    b1: np.ndarray
    W2: np.ndarray
    b2: np.ndarray
    lam: np.ndarray
    seed: np.ndarray
    kind: str
    proximal: bool
    loss: np.ndarray
    train_mse: np.ndarray | None
    val_mse: np.ndarray | None = None
    snapshots: dict | None = None

    def __len__(self) -> int:
        return self.W1.shape[0]

    def predict(self, x, epoch: int | None = None) -> np.ndarray:
        """Network outputs, shape ``(K, n)``; ``epoch`` reads a snapshot (needs ``record=True``)."""
        x = _check.real_array(x, "x")
        if x.ndim != 2 or x.shape[1] != self.W1.shape[1]:
            raise ValueError(f"x must have shape (n, {self.W1.shape[1]}), got {x.shape}")
        if epoch is None:
            W1, b1, W2, b2 = self.W1, self.b1, self.W2, self.b2
        else:
            if self.snapshots is None:
                raise ValueError("epoch needs a run trained with record=True")
            epoch = _check.integer(epoch, "epoch", low=0, high=self.loss.shape[1] - 1)
            W1, b1, W2, b2 = (self.snapshots[k][:, epoch] for k in _KEYS)
        return (np.maximum(x @ W1 + b1[:, None, :], 0) @ W2)[..., 0] + b2

    def weights(self) -> np.ndarray:
        """Every weight (no biases) of each run, flattened: shape ``(K, n_in*H + H)``."""
        return np.concatenate([self.W1.reshape(len(self), -1), self.W2.reshape(len(self), -1)], axis=1)

    def accuracy(self, x, y) -> np.ndarray:
        """Share of points on the right side of the 0.5 level (the course's boundary), shape ``(K,)``."""
        p = self.predict(x)
        y = _check.real_array(y, "y").ravel()
        if y.shape != p.shape[1:]:
            raise ValueError(f"y must hold one label per row of x ({p.shape[1]}), got shape {np.shape(y)}")
        return ((p > 0.5) == (y > 0.5)).mean(axis=1)


def _runs(lam, seed):
    """λ and seed per run, broadcast together (1-D arrays of one length)."""
    try:
        lams = np.atleast_1d(np.asarray(lam, dtype=float))
    except (TypeError, ValueError):
        raise TypeError(f"lam must be a number or a 1-D sequence of numbers >= 0, got {lam!r}") from None
    if lams.ndim != 1 or not np.all(np.isfinite(lams)) or np.any(lams < 0):
        raise ValueError(f"lam must be a number or a 1-D sequence of numbers >= 0, got {lam!r}")
    seeds = np.atleast_1d(np.asarray(seed))
    if seeds.ndim != 1 or seeds.dtype.kind not in "iu" or np.any(seeds < 0):
        raise ValueError(f"seed must be a non-negative integer or a 1-D sequence of them, got {seed!r}")
    try:
        return np.broadcast_arrays(lams, seeds)
    except ValueError:
        raise ValueError(f"lam and seed must have the same length or length 1, got {lams.size} and "
                         f"{seeds.size}") from None


def _initial(init, seeds, hidden, n_in, K):
    """The K runs' initial parameters: ``init`` for all, or ``train.init_mlp`` per seed."""
    if init is not None:
        p = _check_params(init, "init")
        if p["W1"].shape[0] != n_in:
            raise ValueError(f"init['W1'] must have {n_in} rows (x's columns), got {p['W1'].shape[0]}")
        return [p] * K
    cache = {}
    return [cache.setdefault(int(s), _train.init_mlp(n_in, hidden, seed=int(s), init="normal", bias=0.01))
            for s in seeds]


def train_mlp(x, y, *, lam=0.0, kind: str = "l2", seed=SEED, hidden: int = 11, lr: float = 0.01,
              epochs: int = 400, batch_size: int = 32, x_val=None, y_val=None, init: dict | None = None,
              proximal: bool = False, record: bool = False, curves: bool = True, dtype=np.float64) -> MLPRuns:
    r"""Train the course's network ``relu(x W1 + b1) W2 + b2`` with plain mini-batch SGD.

    A documented hot kernel (it trains every run behind chapter 05's sliders). The loop of
    the course (class2 p29): batches are consecutive slices of ``batch_size`` rows in data
    order (``tf.data...batch(32)``, no shuffling, a short last batch); each step does
    ``w -= lr * grad`` of ``mean((y - y_hat)**2) + lam * (loss(W1) + loss(W2))``.

    Vectorised: ``lam`` and ``seed`` may be sequences (broadcast together), and all the
    ``K`` networks they describe train in the same numpy operations, about as fast as one.
    Used in 05_fitting (every dots figure, through ``experiments.ch05_fitting``).

    Parameters
    ----------
    x, y : array_like
        ``(n, n_in)`` inputs, ``n`` targets.
    lam : float or sequence of float
        λ per run, ``>= 0``.
    kind : {"l2", "l1"}
        Penalty: ``nn.regularizers.l2_loss`` (gradient ``lam * w``) or ``l1_loss`` (``lam * sign(w)``).
    seed : int or sequence of int
        Initialisation seed per run: ``train.init_mlp(seed=s, init="normal", bias=0.01)``, the
        course's scheme (weights N(0, 1), biases 0.01); ignored when ``init`` is given.
    hidden, lr, epochs, batch_size :
        Hidden units, learning rate, epochs and batch size (course: 11, 0.01, 400, 32).
    x_val, y_val : array_like, optional
        A validation set, evaluated after every epoch.
    init : dict, optional
        Start every run from these parameters (keys W1, b1, W2, b2; e.g. drawn with
        TensorFlow); ``seed`` and ``hidden`` are then taken from ``init``.
    proximal : bool
        With ``kind="l1"``: take the MSE gradient step, then soft-threshold the weights by
        ``lr * lam`` (``nn.regularizers.soft_threshold``: exact zeros) instead of adding the
        sub-gradient.
    record : bool
        Keep the parameters after every epoch (for early stopping).
    curves : bool
        Compute the training (and validation) MSE after every epoch (default). ``False`` skips them
        (``train_mse`` and ``val_mse`` are then None): the grids that only need the final weights and
        the last-batch losses train about twice as fast.
    dtype : numpy dtype
        float64 (default) or float32 (TensorFlow's default, for step-for-step checks).

    Returns
    -------
    MLPRuns
    """
    kind = _check.choice(kind, "kind", ("l2", "l1"))
    dtype = _check.float_dtype(dtype)
    x, y = _xy(x, y, dtype=dtype)
    hidden = _check.integer(hidden, "hidden", low=1)
    lr = _check.positive(lr, "lr")
    epochs = _check.integer(epochs, "epochs", low=1)
    batch_size = _check.integer(batch_size, "batch_size", low=1)
    proximal, record = _check.flag(proximal, "proximal"), _check.flag(record, "record")
    curves = _check.flag(curves, "curves")
    if proximal and kind != "l1":
        raise ValueError("proximal=True needs kind='l1'")
    lams, seeds = _runs(lam, seed)
    if (x_val is None) != (y_val is None):
        raise ValueError("x_val and y_val must be given together")
    if x_val is not None:
        x_val, y_val = _xy(x_val, y_val, "x_val", "y_val", dtype=dtype)
        if x_val.shape[1] != x.shape[1]:
            raise ValueError(f"x_val must have {x.shape[1]} columns like x, got {x_val.shape[1]}")
    K = lams.size
    inits = _initial(init, seeds, hidden, x.shape[1], K)
    hidden = inits[0]["W1"].shape[1]
    W1, w2, b2 = _pack(*(np.stack([q[k] for q in inits]).astype(dtype) for k in _KEYS))
    lam_k = lams.astype(dtype).reshape(K, 1)
    lam_row = np.repeat(lams.astype(dtype), hidden)[None, :]
    lr = dtype.type(lr)

    n = x.shape[0]
    xa = np.concatenate([x, np.ones((n, 1), dtype)], axis=1)
    batches = [(xa[i:i + batch_size], y[i:i + batch_size]) for i in range(0, n, batch_size)]
    xva = np.concatenate([x_val, np.ones((len(x_val), 1), dtype)], axis=1) if x_val is not None else None
    loss = np.empty((K, epochs))
    train_mse = np.empty((K, epochs)) if curves else None
    val_mse = np.empty((K, epochs)) if curves and x_val is not None else None
    snaps = {"W1": np.empty((epochs,) + W1.shape, dtype), "w2": np.empty((epochs,) + w2.shape, dtype),
             "b2": np.empty((epochs,) + b2.shape, dtype)} if record else None

    def full_mse(xs, ys):
        h = np.maximum(xs @ W1, 0).reshape(len(xs), K, hidden)
        d = (h.transpose(1, 0, 2) @ w2[:, :, None])[:, :, 0].T + b2 - ys
        return np.einsum("bk,bk->k", d, d) / len(xs)

    last = len(batches) - 1
    zero_row, zero_k = np.zeros_like(lam_row), np.zeros_like(lam_k)
    with np.errstate(over="ignore", invalid="ignore"):
        for e in range(epochs):
            for i, (xb, yb) in enumerate(batches):
                if proximal:  # MSE gradient step, then the exact L1 prox (soft threshold) on the weights
                    out = _grads(W1, w2, b2, xb, yb, zero_row, zero_k, kind, need_loss=i == last)
                    if i == last:  # the loss this batch saw: its MSE + the penalty before the step
                        pen = np.abs(W1[:-1]).reshape(-1, K, hidden).sum(axis=(0, 2)) + np.abs(w2).sum(axis=1)
                        out = out[:4] + (lam_k[:, 0] * pen,)
                    W1 -= lr * out[0]
                    w2 -= lr * out[1]
                    b2 -= lr * out[2]
                    W1[:-1] = _soft_threshold(W1[:-1], lr * lam_row)
                    w2[:] = _soft_threshold(w2, lr * lam_k)
                else:
                    out = _grads(W1, w2, b2, xb, yb, lam_row, lam_k, kind, need_loss=i == last)
                    W1 -= lr * out[0]
                    w2 -= lr * out[1]
                    b2 -= lr * out[2]
            loss[:, e] = out[3] + out[4]
            if curves:
                train_mse[:, e] = full_mse(xa, y)
            if val_mse is not None:
                val_mse[:, e] = full_mse(xva, y_val)
            if record:
                snaps["W1"][e], snaps["w2"][e], snaps["b2"][e] = W1, w2, b2
    final = dict(zip(_KEYS, _unpack(W1, w2, b2)))
    if record:
        parts = [_unpack(snaps["W1"][e], snaps["w2"][e], snaps["b2"][e]) for e in range(epochs)]
        snaps = {k: np.stack([q[j] for q in parts], axis=1) for j, k in enumerate(_KEYS)}
    runs = MLPRuns(**final, lam=lams.copy(), seed=seeds.astype(np.int64), kind=kind, proximal=proximal,
                   loss=loss, train_mse=train_mse, val_mse=val_mse, snapshots=snaps)
    _readonly(*final.values(), runs.lam, runs.seed, loss, train_mse, val_mse, *(snaps.values() if snaps else ()))
    return runs
