"""Chapter 05 – the course's dots network trained K times side by side (the speed kernel).

The course's network ``relu(x W1 + b1) W2 + b2`` (class2 p29: 2 → 11 → 1, MSE, plain
mini-batch SGD, batch 32, no shuffling) as one vectorised numpy loop that trains ``K``
networks – a grid of λ, several seeds – in the same matrix products, about as fast as one.
Every slider of chapter 05 reads runs trained here once and cached.

It is the readable loop of :mod:`course_lib.train` (``fit`` with ``mlp_loss_and_grads`` and
``nn.optimizers.SGD``) made fast: ``tests/test_ch05_fitting.py`` checks that both give the
same weights and losses for K = 1, to round-off, and that K runs at once equal K runs alone.

* :func:`train_mlp` – the trainer; :class:`MLPRuns` – its result (weights, losses, curves).
* :func:`train_side_by_side` – several ``train_mlp`` calls on one data set (other penalties, learning
  rates, hidden sizes) as one loop.
* :func:`_train_loop`, :func:`_grads`, :class:`_Batch`, :func:`_pack`, :func:`_unpack` – the hot kernel,
  its preallocated buffers and its flat layout.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import SEED, _check
from .. import train as _train
from ..nn.regularizers import _soft_threshold

__all__ = ["MLPRuns", "train_mlp", "train_side_by_side"]

_KEYS = ("W1", "b1", "W2", "b2")


def _readonly(*arrays):
    for a in arrays:
        if isinstance(a, np.ndarray):
            a.setflags(write=False)


class _Batch:
    """One batch (or one evaluation set) and the buffers its step writes into.

    Every array a step needs is allocated once, here, and reused on every epoch (numpy's
    ``out=``): a grid of runs makes arrays of a few hundred kB, and allocating them afresh
    in every step costs more (page faults) than the arithmetic.
    """

    def __init__(self, xa, yb, K, H, dtype):
        B = xa.shape[0]
        self.B, self.xa, self.xaT, self.yb = B, xa, xa.T, yb
        self.z = np.empty((B, K * H), dtype)           # pre-activation, then relu of it (in place)
        self.h = self.z.reshape(B, K, H)
        self.out = np.empty((K, B, 1), dtype)
        self.diff = np.empty((K, B), dtype).T          # run-major, as numpy lays out out[:, :, 0].T + b2
        self.dy = np.empty((K, B), dtype).T
        self.gw2 = np.empty((K, H, 1), dtype)
        self.dh = np.empty((B, K * H), dtype)
        self.mask = np.empty((B, K * H), bool)
        self.gW1 = np.empty((xa.shape[1], K * H), dtype)

    def forward(self, W1, w2, b2):
        """``diff = output - y``, shape (B, K); leaves relu(x W1 + b1) in ``self.h``."""
        np.matmul(self.xa, W1, out=self.z)
        np.maximum(self.z, 0, out=self.z)
        np.matmul(self.h.transpose(1, 0, 2), w2[:, :, None], out=self.out)
        np.add(self.out[:, :, 0].T, b2, out=self.diff)
        return np.subtract(self.diff, self.yb, out=self.diff)

    def mse(self, W1, w2, b2):
        """Each run's MSE on this set, shape (K,)."""
        d = self.forward(W1, w2, b2)
        return np.einsum("bk,bk->k", d, d) / self.B


def _grads(batch, W1, w2, b2, pen):
    """One batch's gradients for K networks at once, in a flat layout fast on small shapes.

    A documented hot kernel (called once per batch for every run of the chapter).
    ``W1`` (I+1, K*H) stacks every run's ``W1`` (first I rows) and ``b1`` (last row);
    ``w2`` (K, H); ``b2`` (K,); ``batch`` is a :class:`_Batch` (inputs with a column of ones,
    targets (B, 1), buffers). ``pen`` maps ``"l2"`` / ``"l1"`` to ``(row, col, cs, rs)``: the runs' λ as a
    ``(1, n*H)`` row and an ``(n, 1)`` column for the ``n`` runs of the slices ``cs`` (W1's columns) and ``rs``
    (runs) that carry that penalty (:func:`_span`; λ = 0 for a run of the other kind inside them), or holds neither.
    The products with the inputs are single 2-D matrix products whatever K is; the output
    layer uses one stacked product over the K runs. Returns ``(gW1, gw2, gb2, diff)``, all
    buffers of ``batch``: valid until its next step.
    """
    B = batch.B
    K, H = w2.shape
    diff = batch.forward(W1, w2, b2)              # (B, K)
    dy = np.multiply(diff, 2.0 / B, out=batch.dy)
    np.matmul(batch.h.transpose(1, 2, 0), dy.T[:, :, None], out=batch.gw2)
    gw2 = batch.gw2[:, :, 0]
    gb2 = dy.sum(axis=0)  # (a reduction into out= may add in another order)
    dh = batch.dh
    np.multiply(dy[:, :, None], w2, out=dh.reshape(B, K, H))  # dy of run k times its w2
    np.multiply(dh, np.greater(batch.z, 0, out=batch.mask), out=dh)  # ReLU'(0) = 0, as TensorFlow
    gW1 = np.matmul(batch.xaT, dh, out=batch.gW1)  # weights and biases in one product
    w1 = W1[:-1]
    if "l2" in pen:
        row, col, cs, rs = pen["l2"]
        gW1[:-1, cs] += row * w1[:, cs]
        gw2[rs] += col * w2[rs]
    if "l1" in pen:
        row, col, cs, rs = pen["l1"]
        gW1[:-1, cs] += row * np.sign(w1[:, cs])
        gw2[rs] += col * np.sign(w2[rs])
    return gW1, gw2, gb2, diff


def _span(lam, H):
    """The runs (and their W1 columns) from the first to the last with ``lam != 0``, as two slices.

    A penalty term with λ = 0 adds exactly nothing (``w + 0 * g`` is ``w`` for finite numbers), so the
    penalty of one kind is computed only on the block of runs that has it: a grid that mixes L2, L1 and
    proximal runs (05b's 68 networks) pays each penalty on its own runs only.
    """
    on = np.flatnonzero(lam)
    a, b = (int(on[0]), int(on[-1]) + 1) if on.size else (0, 0)
    return slice(a * H, b * H), slice(a, b)


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


def _padded(p, H):
    """Parameters of ``p.hidden <= H`` units as ``H`` units: the extra ones start (and stay) dead.

    A unit with zero incoming weights, zero bias and zero outgoing weight outputs relu(0) = 0 and
    gets zero gradients (ReLU'(0) = 0, no penalty on a zero weight), so it changes nothing.
    """
    h = p["W1"].shape[1]
    if h == H:
        return p
    return {"W1": np.pad(p["W1"], ((0, 0), (0, H - h))), "b1": np.pad(p["b1"], (0, H - h)),
            "W2": np.pad(p["W2"], ((0, H - h), (0, 0))), "b2": p["b2"]}


def _group(x, group, lr, name):
    """One group of :func:`train_side_by_side` (or the arguments of :func:`train_mlp`), checked.

    Returns its runs' initial parameters (a list), λ, seeds, kind, proximal flag, hidden size and lr.
    """
    kind = _check.choice(group.get("kind", "l2"), f"{name}kind", ("l2", "l1"))
    proximal = _check.flag(group.get("proximal", False), f"{name}proximal")
    if proximal and kind != "l1":
        raise ValueError(f"{name}proximal=True needs kind='l1'")
    hidden = _check.integer(group.get("hidden", 11), f"{name}hidden", low=1)
    lr = _check.positive(group.get("lr", lr), f"{name}lr")
    lams, seeds = _runs(group.get("lam", 0.0), group.get("seed", SEED))
    inits = _initial(group.get("init"), seeds, hidden, x.shape[1], lams.size)
    return inits, lams, seeds, kind, proximal, inits[0]["W1"].shape[1], lr


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
    Used in 05a_fitting and 05b_regularization (every dots figure, through ``experiments.ch05_fitting``); several
    such calls on one data set train as one loop with :func:`train_side_by_side`.

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
    group = {"lam": lam, "kind": kind, "seed": seed, "hidden": hidden, "init": init, "proximal": proximal}
    return train_side_by_side(x, y, [group], lr=lr, epochs=epochs, batch_size=batch_size, x_val=x_val,
                              y_val=y_val, record=record, curves=curves, dtype=dtype, _names="")[0]


def train_side_by_side(x, y, groups, *, lr: float = 0.01, epochs: int = 400, batch_size: int = 32, x_val=None,
                       y_val=None, record: bool = False, curves: bool = True, dtype=np.float64,
                       _names: str | None = None) -> tuple:
    """Several :func:`train_mlp` calls on one data set, trained side by side in one vectorised loop.

    ``groups`` is a sequence of dicts, each holding the per-run arguments of one :func:`train_mlp`
    call: ``lam``, ``seed``, ``kind``, ``proximal``, ``hidden``, ``init`` and ``lr`` (the keyword
    arguments here are the defaults of every group and what they all share). Groups may differ in
    penalty, learning rate and hidden size (a smaller network trains beside the others with extra
    units that start and stay dead). One loop over the batches instead of one per group: the
    chapter's grids (L2, L1, L1 proximal; a network of 2 units; two learning rates) train together.
    Used in 05a_fitting (the remedies), 05b_regularization (``experiments.ch05_fitting.dots_grid``) and
    05c_fitting_appendix.

    Returns
    -------
    tuple of MLPRuns
        One per group, each equal to ``train_mlp(x, y, **group, **shared)`` up to round-off.
    """
    dtype = _check.float_dtype(dtype)
    x, y = _xy(x, y, dtype=dtype)
    epochs = _check.integer(epochs, "epochs", low=1)
    batch_size = _check.integer(batch_size, "batch_size", low=1)
    record, curves = _check.flag(record, "record"), _check.flag(curves, "curves")
    if isinstance(groups, (dict, str)) or not isinstance(groups, (list, tuple)) or not groups:
        raise TypeError(f"groups must be a non-empty list of dicts, got {type(groups).__name__}")
    keys = {"lam", "seed", "kind", "proximal", "hidden", "init", "lr"}
    parsed = []
    for i, g in enumerate(groups):
        name = f"groups[{i}]: " if _names is None else _names
        if not isinstance(g, dict) or set(g) - keys:
            raise ValueError(f"{name}a group must be a dict with keys among {sorted(keys)}, got {g!r}")
        parsed.append(_group(x, g, lr, name))
    if (x_val is None) != (y_val is None):
        raise ValueError("x_val and y_val must be given together")
    if x_val is not None:
        x_val, y_val = _xy(x_val, y_val, "x_val", "y_val", dtype=dtype)
        if x_val.shape[1] != x.shape[1]:
            raise ValueError(f"x_val must have {x.shape[1]} columns like x, got {x_val.shape[1]}")
    H = max(g[5] for g in parsed)
    inits = [_padded(p, H) for g in parsed for p in g[0]]
    zeros = [np.zeros(g[1].size) for g in parsed]
    per_run = {
        "l2": np.concatenate([g[1] if g[3] == "l2" else z for g, z in zip(parsed, zeros)]),
        "l1": np.concatenate([g[1] if g[3] == "l1" and not g[4] else z for g, z in zip(parsed, zeros)]),
        "prox": np.concatenate([g[1] if g[4] else z for g, z in zip(parsed, zeros)]),
        "lr": np.concatenate([np.full(g[1].size, g[6]) for g in parsed]),
    }
    kinds = {k for g in parsed for k in (("prox",) if g[4] else (g[3],))}
    res = _train_loop(x, y, inits, per_run, kinds, epochs, batch_size, x_val, y_val, record, curves, dtype)
    out, start = [], 0
    for _, lams, seeds, kind, proximal, hidden, _lr in parsed:
        rows = slice(start, start + lams.size)
        start += lams.size
        cut = {"W1": (rows, slice(None), slice(hidden)), "b1": (rows, slice(hidden)),
               "W2": (rows, slice(hidden)), "b2": (rows,)}
        final = {k: res[k][cut[k]].copy() for k in _KEYS}
        snaps = None
        if record:
            snaps = {k: res["snapshots"][k][(rows, slice(None)) + cut[k][1:]].copy() for k in _KEYS}
        part = {k: None if res[k] is None else res[k][rows].copy() for k in ("loss", "train_mse", "val_mse")}
        runs = MLPRuns(**final, lam=lams.copy(), seed=seeds.astype(np.int64), kind=kind, proximal=proximal,
                       snapshots=snaps, **part)
        _readonly(*final.values(), runs.lam, runs.seed, *part.values(), *(snaps.values() if snaps else ()))
        out.append(runs)
    return tuple(out)


def _train_loop(x, y, inits, per_run, kinds, epochs, batch_size, x_val, y_val, record, curves, dtype):
    """The loop of :func:`train_side_by_side` for ``K = len(inits)`` runs of one hidden size.

    A documented hot kernel. ``per_run`` holds (K,) arrays: λ of the L2, L1 (sub-gradient) and L1
    (proximal) runs (0 for the others) and the learning rates; ``kinds`` the penalties present.
    Returns the final parameters (K, ...), ``loss``, ``train_mse``, ``val_mse`` and ``snapshots``.
    """
    K, H = len(inits), inits[0]["W1"].shape[1]
    W1, w2, b2 = _pack(*(np.stack([q[k] for q in inits]).astype(dtype) for k in _KEYS))
    col = {k: v.astype(dtype).reshape(K, 1) for k, v in per_run.items()}
    row = {k: np.repeat(v.astype(dtype), H)[None, :] for k, v in per_run.items()}
    pen = {}
    for k in ("l2", "l1"):
        if k in kinds:
            cs, rs = _span(per_run[k], H)
            pen[k] = (row[k][:, cs], col[k][rs], cs, rs)
    lr_row, lr_k, lr_v = row["lr"], col["lr"], col["lr"][:, 0]
    if len(set(per_run["lr"])) == 1:  # one learning rate: a scalar, as the readable loop
        lr_row = lr_k = lr_v = dtype.type(per_run["lr"][0])
    prox = None
    if "prox" in kinds:
        pcs, prs = _span(per_run["prox"], H)
        prox = ((lr_row * row["prox"])[:, pcs], (lr_k * col["prox"])[prs])
    lam_l1 = col["l1"][:, 0] + col["prox"][:, 0]  # the L1 penalty's λ, whichever step applies it

    n = x.shape[0]
    xa = np.concatenate([x, np.ones((n, 1), dtype)], axis=1)
    batches = [_Batch(xa[i:i + batch_size], y[i:i + batch_size], K, H, dtype) for i in range(0, n, batch_size)]
    train_set = _Batch(xa, y, K, H, dtype) if curves else None
    val_set = None
    if curves and x_val is not None:
        val_set = _Batch(np.concatenate([x_val, np.ones((len(x_val), 1), dtype)], axis=1), y_val, K, H, dtype)
    loss = np.empty((K, epochs))
    train_mse = np.empty((K, epochs)) if curves else None
    val_mse = np.empty((K, epochs)) if val_set is not None else None
    snaps = {"W1": np.empty((epochs,) + W1.shape, dtype), "w2": np.empty((epochs,) + w2.shape, dtype),
             "b2": np.empty((epochs,) + b2.shape, dtype)} if record else None

    last = batches[-1]
    with np.errstate(over="ignore", invalid="ignore"):
        for e in range(epochs):
            for batch in batches:
                if batch is last:  # the loss this batch saw: its MSE + the penalty before the step
                    penalty = 0.0
                    if "l2" in kinds:
                        penalty = col["l2"][:, 0] * (0.5 * ((W1[:-1] * W1[:-1]).reshape(-1, K, H).sum(axis=(0, 2))
                                                            + (w2 * w2).sum(axis=1)))
                    if kinds & {"l1", "prox"}:
                        penalty = penalty + lam_l1 * (np.abs(W1[:-1]).reshape(-1, K, H).sum(axis=(0, 2))
                                                      + np.abs(w2).sum(axis=1))
                gW1, gw2, gb2, diff = _grads(batch, W1, w2, b2, pen)
                if batch is last:
                    loss[:, e] = np.einsum("bk,bk->k", diff, diff) / batch.B + penalty
                W1 -= np.multiply(gW1, lr_row, out=gW1)
                w2 -= lr_k * gw2
                b2 -= lr_v * gb2
                if prox is not None:  # the exact L1 prox (soft threshold; a threshold of 0 leaves w as it is)
                    W1[:-1, pcs] = _soft_threshold(W1[:-1, pcs], prox[0])
                    w2[prs] = _soft_threshold(w2[prs], prox[1])
            if curves:
                train_mse[:, e] = train_set.mse(W1, w2, b2)
            if val_set is not None:
                val_mse[:, e] = val_set.mse(W1, w2, b2)
            if record:
                snaps["W1"][e], snaps["w2"][e], snaps["b2"][e] = W1, w2, b2
    out = dict(zip(_KEYS, _unpack(W1, w2, b2)))
    out.update(loss=loss, train_mse=train_mse, val_mse=val_mse, snapshots=None)
    if record:
        parts = [_unpack(snaps["W1"][e], snaps["w2"][e], snaps["b2"][e]) for e in range(epochs)]
        out["snapshots"] = {k: np.stack([q[j] for q in parts], axis=1) for j, k in enumerate(_KEYS)}
    return out
