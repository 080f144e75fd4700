"""Chapter 05 – under-fitting, over-fitting and regularisation (欠拟合、过拟合与正则化).

Pure numpy; TensorFlow only in :func:`tf_course_loop`, the course's own training loop kept
to check ours against.

* Penalties – :func:`l1_loss`, :func:`l2_loss` (TensorFlow's ``tf.nn.l2_loss`` convention,
  ``sum(w**2) / 2``), :func:`penalty`, :func:`regularized_mse`, :func:`soft_threshold`.
* Capacity – a 1-D polynomial regression (``sin(pi x)`` plus noise) fitted in closed form:
  :func:`poly_data`, :func:`ridge_fit`, :func:`capacity_curve`, :func:`poly_view`.
* The course's dots network (2 → 11 ReLU → 1, MSE, plain SGD, batch 32) as a vectorised
  numpy trainer that runs many networks (a grid of λ, several seeds) in one pass:
  :func:`init_mlp`, :func:`mlp_loss_and_grads`, :func:`train_mlp`, :func:`dots_grid`.
* Remedies for under- and over-fitting, each demonstrated with a run: :func:`remedies`.
* L1 against L2: :func:`weight_stats`, :func:`l1_l2_view`, :func:`constraint_geometry`.
* Early stopping with Keras' rule: :func:`early_stopping_epoch`, :func:`early_stopping_view`.

Every expensive result is cached (``functools.lru_cache``) and returned read-only, so a
slider only looks runs up and never retrains.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import SEED
from ._cache import lru_cache  # functools.lru_cache that names an unhashable argument
from .data import dots

__all__ = [
    # penalties
    "l1_loss", "l2_loss", "penalty", "regularized_mse", "soft_threshold",
    # polynomial capacity
    "target_function", "poly_data", "poly_features", "ridge_fit", "poly_predict", "mse",
    "capacity_curve", "poly_view", "lambda_curve", "select_lambda",
    # the dots network
    "MLPRuns", "init_mlp", "mlp_loss_and_grads", "train_mlp", "tf_course_loop", "decision_grid",
    "LAMBDAS", "L1_LAMBDAS", "GRID_SEEDS", "COURSE_REPORTED", "dots_grid", "dots_view", "course_loss_table",
    "seed_spread", "course_spread_rows", "format_table",
    # remedies, L1 vs L2, early stopping
    "remedies", "weight_stats", "l1_l2_view", "constraint_geometry",
    "compare_with_tensorflow",
    "noisy_dots", "early_stopping_epoch", "ES_SEEDS", "early_stopping_runs", "early_stopping_view",
]

# --------------------------------------------------------------------------------------
# argument checks
# --------------------------------------------------------------------------------------


def _real_array(a, name: str) -> np.ndarray:
    """``a`` as a floating array (ints become float64); TypeError / ValueError name ``name``."""
    if a is None or isinstance(a, (str, bytes)):
        raise TypeError(f"{name} must be an array of real numbers, got {type(a).__name__}")
    try:
        arr = np.asarray(a)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be an array of real numbers ({exc})") from None
    if arr.dtype.kind in "iu":
        arr = arr.astype(np.float64)
    if arr.dtype.kind != "f":
        raise TypeError(f"{name} must be an array of real numbers, got dtype {arr.dtype}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must contain only finite numbers (no nan or inf)")
    return arr


def _number(v, name: str, *, low=None, high=None, low_open=False) -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a real number, got {type(v).__name__}")
    v = float(v)
    if not np.isfinite(v):
        raise ValueError(f"{name} must be finite, got {v!r}")
    if low is not None and (v <= low if low_open else v < low):
        raise ValueError(f"{name} must be {'>' if low_open else '>='} {low}, got {v!r}")
    if high is not None and v > high:
        raise ValueError(f"{name} must be <= {high}, got {v!r}")
    return v


def _integer(v, name: str, *, low: int = 0, high: int | None = None) -> int:
    if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
        raise TypeError(f"{name} must be an integer, got {type(v).__name__}")
    if v < low or (high is not None and v > high):
        bound = f">= {low}" if high is None else f"in {low}..{high}"
        raise ValueError(f"{name} must be an integer {bound}, got {v!r}")
    return int(v)


def _kind(kind) -> str:
    if not isinstance(kind, str) or kind not in ("l1", "l2"):
        raise ValueError(f"kind must be 'l1' or 'l2', got {kind!r}")
    return kind


def _float_dtype(dtype, name: str = "dtype") -> np.dtype:
    try:
        dt = np.dtype(dtype)
    except TypeError:
        dt = None
    if dt is None or dt not in (np.dtype(np.float32), np.dtype(np.float64)):
        raise ValueError(f"{name} must be float32 or float64, got {dtype!r}")
    return dt


def _numbers(values, name: str, *, low=None, low_open=False) -> list:
    """A non-empty sequence of finite numbers (a single number is one value)."""
    if isinstance(values, (str, bytes)) or values is None:
        raise TypeError(f"{name} must be a number or a sequence of numbers, got {type(values).__name__}")
    out = [_number(v, name, low=low, low_open=low_open) for v in np.atleast_1d(np.asarray(values, dtype=object)).ravel()]
    if not out:
        raise ValueError(f"{name} must hold at least one value")
    return out


def _readonly(*arrays):
    for a in arrays:
        if isinstance(a, np.ndarray):
            a.setflags(write=False)


# --------------------------------------------------------------------------------------
# penalties
# --------------------------------------------------------------------------------------


from .nn.callbacks import early_stopping_epoch  # noqa: E402  moved to nn/
from .nn.regularizers import l1_loss, l2_loss, penalty, regularized_mse, soft_threshold  # noqa: E402

# --------------------------------------------------------------------------------------
# 1-D polynomial regression: capacity, under- and over-fitting
# --------------------------------------------------------------------------------------


def target_function(x):
    """The curve behind the polynomial example, ``sin(pi x)`` on ``[-1, 1]``."""
    return np.sin(np.pi * _real_array(x, "x"))


def poly_data(n: int, noise: float = 0.2, seed: int = SEED, stream: int = 0):
    """``n`` points ``y = sin(pi x) + noise * eps`` with ``x`` spread over ``[-1, 1]``.

    ``x`` is stratified (one uniform draw in each of ``n`` equal bins) so a small sample
    still covers the interval; ``eps`` is standard normal. The same ``(seed, stream)``
    draws the same ``x`` and ``eps`` for every ``noise``, so a noise slider only rescales
    the noise. ``stream`` separates independent samples (0 train, 1 validation).

    Returns
    -------
    x, y : ndarray, shape (n,), sorted by x
    """
    n = _integer(n, "n", low=1)
    noise = _number(noise, "noise", low=0.0)
    seed = _integer(seed, "seed", low=0)
    stream = _integer(stream, "stream", low=0)
    rng = np.random.default_rng([stream, seed])
    x = -1.0 + (np.arange(n) + rng.random(n)) * (2.0 / n)
    y = target_function(x) + noise * rng.standard_normal(n)
    return x, y


def poly_features(x, degree: int) -> np.ndarray:
    """Legendre features ``P_0(x) .. P_degree(x)``, shape ``(len(x), degree + 1)``.

    Legendre polynomials span the same functions as ``1, x, .., x**degree`` but stay well
    conditioned on ``[-1, 1]``, so a degree-14 fit is still numerically exact.
    """
    degree = _integer(degree, "degree", low=0)
    x = _real_array(x, "x")
    if x.ndim != 1:
        raise ValueError(f"x must be 1-D, got shape {x.shape}")
    return np.polynomial.legendre.legvander(x, degree)


def ridge_fit(x, y, degree: int, lam: float = 0.0) -> np.ndarray:
    r"""Coefficients minimising ``mean((Phi c - y)**2) + lam * l2_loss(c)``.

    Solved in closed form: :math:`(\tfrac2n\Phi^\top\Phi + \lambda I)\,c = \tfrac2n\Phi^\top y`;
    with ``lam = 0`` the least-squares solution (minimum norm when under-determined).
    """
    x = _real_array(x, "x")
    y = _real_array(y, "y")
    if x.ndim != 1 or y.shape != x.shape:
        raise ValueError(f"y must be 1-D with the shape of x {x.shape}, got {y.shape}")
    lam = _number(lam, "lam", low=0.0)
    P = poly_features(x, degree)
    if lam == 0.0:
        return np.linalg.lstsq(P, y, rcond=None)[0]
    n = len(x)
    return np.linalg.solve(2.0 / n * P.T @ P + lam * np.eye(P.shape[1]), 2.0 / n * P.T @ y)


def poly_predict(coef, x) -> np.ndarray:
    """Value of the Legendre series ``coef`` at ``x``."""
    return np.polynomial.legendre.legval(_real_array(x, "x"), _real_array(coef, "coef"))


def mse(y_true, y_pred) -> float:
    """Mean squared error ``mean((y_true - y_pred)**2)``."""
    yt, yp = _real_array(y_true, "y_true"), _real_array(y_pred, "y_pred")
    if yt.shape != yp.shape:
        raise ValueError(f"y_pred must have the shape of y_true {yt.shape}, got {yp.shape}")
    if yt.size == 0:
        raise ValueError("y_true must not be empty")
    return float(np.mean((yt.astype(np.float64) - yp) ** 2))


@lru_cache(maxsize=64)
def capacity_curve(noise: float = 0.2, n_train: int = 15, lam: float = 0.0, seed: int = SEED,
                   max_degree: int = 14, n_val: int = 200):
    """Training and validation MSE of the polynomial fit for every degree ``0..max_degree``.

    Training points: :func:`poly_data` stream 0; validation points: stream 1 (same noise).

    Returns
    -------
    dict
        ``degrees``, ``train_mse``, ``val_mse`` (read-only arrays) and ``best_degree``
        (lowest validation error).
    """
    max_degree = _integer(max_degree, "max_degree", low=0)
    n_train, n_val = _integer(n_train, "n_train", low=1), _integer(n_val, "n_val", low=1)
    x, y = poly_data(n_train, noise, seed, 0)
    xv, yv = poly_data(n_val, noise, seed, 1)
    degrees = np.arange(max_degree + 1)
    tr, va = np.empty(len(degrees)), np.empty(len(degrees))
    for d in degrees:
        c = ridge_fit(x, y, int(d), lam)
        tr[d], va[d] = mse(y, poly_predict(c, x)), mse(yv, poly_predict(c, xv))
    _readonly(degrees, tr, va)
    return {"degrees": degrees, "train_mse": tr, "val_mse": va, "best_degree": int(np.argmin(va))}


@lru_cache(maxsize=256)
def poly_view(degree: int = 3, noise: float = 0.2, n_train: int = 15, lam: float = 0.0, seed: int = SEED):
    """Everything the capacity figure draws for one slider position.

    Returns
    -------
    dict
        ``x``, ``y`` (training points), ``grid``, ``truth``, ``fit`` (the curve of the
        fitted polynomial on ``grid``), ``degree``, ``train_mse``, ``val_mse`` and the
        whole :func:`capacity_curve` under ``curve``.
    """
    degree = _integer(degree, "degree", low=0, high=14)
    n_train = _integer(n_train, "n_train", low=1)
    x, y = poly_data(n_train, noise, seed, 0)
    curve = capacity_curve(noise, n_train, lam, seed)
    grid = np.linspace(-1, 1, 301)
    fit = poly_predict(ridge_fit(x, y, degree, lam), grid)
    truth = target_function(grid)
    _readonly(x, y, grid, fit, truth)
    return {"x": x, "y": y, "grid": grid, "truth": truth, "fit": fit, "degree": degree, "noise": noise,
            "train_mse": float(curve["train_mse"][degree]), "val_mse": float(curve["val_mse"][degree]),
            "curve": curve}


@lru_cache(maxsize=16)
def lambda_curve(degree: int = 12, noise: float = 0.2, n_train: int = 15, seed: int = SEED, n_lams: int = 29):
    """Training and validation MSE of the degree-``degree`` ridge fit for λ in ``geomspace(1e-6, 10, n_lams)``.

    Returns
    -------
    dict
        ``lams``, ``train_mse``, ``val_mse`` (read-only) and ``best`` (the λ of lowest validation error).
    """
    n_lams = _integer(n_lams, "n_lams", low=2)
    n_train = _integer(n_train, "n_train", low=1)
    x, y = poly_data(n_train, noise, seed, 0)
    xv, yv = poly_data(200, noise, seed, 1)
    lams = np.geomspace(1e-6, 10, n_lams)
    tr, va = np.empty(n_lams), np.empty(n_lams)
    for i, lam in enumerate(lams):
        c = ridge_fit(x, y, degree, float(lam))
        tr[i], va[i] = mse(y, poly_predict(c, x)), mse(yv, poly_predict(c, xv))
    _readonly(lams, tr, va)
    return {"lams": lams, "train_mse": tr, "val_mse": va, "best": float(lams[np.argmin(va)])}


def select_lambda(lams, x_train, y_train, x_val, y_val, degree: int) -> float:
    """The λ of ``lams`` whose ridge fit (:func:`ridge_fit`) has the lowest validation MSE.

    The first one wins a tie. (The chapter's exercise asks for exactly this.)
    """
    lams = _numbers(lams, "lams", low=0.0)
    for name, v in (("x_train", x_train), ("y_train", y_train), ("x_val", x_val), ("y_val", y_val)):
        if _real_array(v, name).ndim != 1:
            raise ValueError(f"{name} must be 1-D, got shape {np.shape(v)}")
    if np.shape(x_train) != np.shape(y_train) or np.shape(x_val) != np.shape(y_val):
        raise ValueError(f"x_train and y_train (and x_val and y_val) must have the same shape, got "
                         f"{np.shape(x_train)}, {np.shape(y_train)}, {np.shape(x_val)}, {np.shape(y_val)}")
    errors = [mse(y_val, poly_predict(ridge_fit(x_train, y_train, degree, lam), x_val)) for lam in lams]
    return float(lams[int(np.argmin(errors))])


# --------------------------------------------------------------------------------------
# the course's dots network, vectorised over many runs
# --------------------------------------------------------------------------------------

#: λ values precomputed for the sliders (the course's 0.03 among them).
LAMBDAS = (0.0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3)
#: λ values precomputed for the L1-against-L2 slider (λ = 0 would be the same run for both).
L1_LAMBDAS = (0.001, 0.003, 0.01, 0.03, 0.1)
#: Seeds of the runs behind the sliders (the first is the notebook's seed).
GRID_SEEDS = (SEED, SEED + 1, SEED + 2, SEED + 3)

#: What the course printed (course-results.md, p29): epoch -> loss of the epoch's last batch.
COURSE_REPORTED = {
    "no_l2": {0: 1.6902, 380: 0.02281},
    "l2": {0: 1.5303, 380: 0.12349},
}


def init_mlp(seed: int = SEED, hidden: int = 11, n_in: int = 2, dtype=np.float64) -> dict:
    """Initial parameters in the course's scheme: weights N(0, 1), biases 0.01.

    The course draws ``w1 = tf.random.normal([2, 11])`` then ``w2 = tf.random.normal([11, 1])``
    (unseeded) and sets ``b1``, ``b2`` to ``tf.constant(0.01)``. This numpy stand-in draws
    from the same distribution, in the same order, with
    ``np.random.default_rng(seed).standard_normal``: the same scheme, reproducible, but
    not TensorFlow's numbers (TensorFlow's unseeded draw cannot be reproduced anyway).

    Returns
    -------
    dict
        ``w1 (n_in, hidden)``, ``b1 (hidden,)``, ``w2 (hidden, 1)``, ``b2 (1,)``.
    """
    seed = _integer(seed, "seed", low=0)
    hidden = _integer(hidden, "hidden", low=1)
    n_in = _integer(n_in, "n_in", low=1)
    dtype = _float_dtype(dtype)
    rng = np.random.default_rng(seed)
    w1 = rng.standard_normal((n_in, hidden))
    w2 = rng.standard_normal((hidden, 1))
    return {"w1": w1.astype(dtype), "b1": np.full(hidden, 0.01, dtype), "w2": w2.astype(dtype),
            "b2": np.full(1, 0.01, dtype)}


def _grads(W1, w2, b2, xa, yb, lam_row, lam_k, kind, need_loss=False):
    """One batch's gradients for K networks at once, in a flat layout fast on small shapes.

    ``W1`` (I+1, K*H) stacks every run's ``w1`` (first I rows) and ``b1`` (last row);
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
    dh = (dy[:, :, None] * w2).reshape(B, K * H)
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


def _pack(w1, b1, w2, b2):
    """(K, I, H), (K, H), (K, H, 1), (K, 1) -> the flat layout of :func:`_grads`."""
    K, I, H = w1.shape
    W1 = np.concatenate([w1, b1[:, None, :]], axis=1).transpose(1, 0, 2).reshape(I + 1, K * H)
    return np.ascontiguousarray(W1), np.ascontiguousarray(w2[:, :, 0]), b2[:, 0].copy()


def _unpack(W1, w2, b2):
    """The flat layout back to (K, I, H), (K, H), (K, H, 1), (K, 1) arrays."""
    K, H = w2.shape
    A = W1.reshape(-1, K, H).transpose(1, 0, 2)
    return A[:, :-1].copy(), A[:, -1].copy(), w2[:, :, None].copy(), b2[:, None].copy()


def _xy(x, y, name_x="x", name_y="y", dtype=np.float64):
    x = _real_array(x, name_x).astype(dtype)
    y = _real_array(y, name_y).astype(dtype)
    if x.ndim != 2 or x.shape[0] == 0:
        raise ValueError(f"{name_x} must be a non-empty 2-D array (samples, features), got shape {x.shape}")
    y = y.reshape(-1, 1) if y.ndim == 1 else y
    if y.shape != (x.shape[0], 1):
        raise ValueError(f"{name_y} must hold one target per row of {name_x} ({x.shape[0]}), got shape {y.shape}")
    return x, y


def _check_params(params, name="params"):
    if not isinstance(params, dict) or set(params) != {"w1", "b1", "w2", "b2"}:
        raise ValueError(f"{name} must be a dict with keys w1, b1, w2, b2")
    p = {k: _real_array(v, name) for k, v in params.items()}
    n_in, hidden = p["w1"].shape if p["w1"].ndim == 2 else (None, None)
    if hidden is None or p["b1"].shape != (hidden,) or p["w2"].shape != (hidden, 1) or p["b2"].shape != (1,):
        raise ValueError(f"{name} must have shapes w1 (n_in, hidden), b1 (hidden,), w2 (hidden, 1), b2 (1,)")
    return p


def mlp_loss_and_grads(params: dict, x, y, lam: float = 0.0, kind: str = "l2"):
    """Loss and gradients of the course's network on one batch.

    ``y_hat = relu(x @ w1 + b1) @ w2 + b2``,
    ``loss = mean((y - y_hat)**2) + lam * (loss(w1) + loss(w2))`` with ``loss`` =
    :func:`l2_loss` or :func:`l1_loss`. Gradients by hand-written back-propagation
    (ReLU's derivative taken as 0 at 0, ``|w|``'s as ``sign(w)``, as TensorFlow does).

    Returns
    -------
    loss : float
    grads : dict with the keys and shapes of ``params``
    """
    p = _check_params(params)
    x, y = _xy(x, y, dtype=p["w1"].dtype)
    if x.shape[1] != p["w1"].shape[0]:
        raise ValueError(f"x must have {p['w1'].shape[0]} columns (w1's rows), got {x.shape[1]}")
    lam = _number(lam, "lam", low=0.0)
    kind = _kind(kind)
    W1, w2, b2 = _pack(p["w1"][None], p["b1"][None], p["w2"][None], p["b2"][None])
    xa = np.c_[x, np.ones(len(x), x.dtype)]
    lam_k = np.full((1, 1), lam, W1.dtype)
    gW1, gw2, gb2, m, pen = _grads(W1, w2, b2, xa, y, lam_k, lam_k, kind, need_loss=True)
    g = _unpack(gW1, gw2, gb2)
    grads = {"w1": g[0][0], "b1": g[1][0], "w2": g[2][0], "b2": g[3][0]}
    return float(m[0] + pen[0]), grads


@dataclass(frozen=True)
class MLPRuns:
    """The result of :func:`train_mlp`: ``K`` networks trained side by side.

    Attributes
    ----------
    w1, b1, w2, b2 : ndarray
        Final parameters with a leading run axis: ``(K, n_in, H)``, ``(K, H)``, ``(K, H, 1)``, ``(K, 1)``.
    lam, seed : ndarray, shape (K,)
        Each run's λ and initialisation seed.
    kind : str
        ``"l2"`` or ``"l1"``; ``proximal`` tells whether L1 used the soft-threshold step.
    loss : ndarray, shape (K, epochs)
        The loss of each epoch's *last batch*, penalty included: what the course prints.
    train_mse : ndarray, shape (K, epochs)
        MSE on the whole training set at each epoch's end (no penalty).
    val_mse : ndarray (K, epochs) or None
        MSE on the validation set at each epoch's end.
    snapshots : dict or None
        With ``record=True``: the parameters after every epoch, ``(K, epochs, ...)``.
    """

    w1: np.ndarray
    b1: np.ndarray
    w2: np.ndarray
    b2: np.ndarray
    lam: np.ndarray
    seed: np.ndarray
    kind: str
    proximal: bool
    loss: np.ndarray
    train_mse: np.ndarray
    val_mse: np.ndarray | None = None
    snapshots: dict | None = None

    def __len__(self) -> int:
        return self.w1.shape[0]

    def predict(self, x, epoch: int | None = None) -> np.ndarray:
        """Network outputs, shape ``(K, n)``; ``epoch`` reads a snapshot (needs ``record=True``)."""
        x = _real_array(x, "x")
        if x.ndim != 2 or x.shape[1] != self.w1.shape[1]:
            raise ValueError(f"x must have shape (n, {self.w1.shape[1]}), got {x.shape}")
        if epoch is None:
            w1, b1, w2, b2 = self.w1, self.b1, self.w2, self.b2
        else:
            if self.snapshots is None:
                raise ValueError("epoch needs a run trained with record=True")
            epoch = _integer(epoch, "epoch", low=0, high=self.loss.shape[1] - 1)
            s = self.snapshots
            w1, b1, w2, b2 = s["w1"][:, epoch], s["b1"][:, epoch], s["w2"][:, epoch], s["b2"][:, epoch]
        return (np.maximum(x @ w1 + b1[:, None, :], 0) @ w2)[..., 0] + b2

    def weights(self) -> np.ndarray:
        """Every weight (no biases) of each run, flattened: shape ``(K, n_in*H + H)``."""
        return np.concatenate([self.w1.reshape(len(self), -1), self.w2.reshape(len(self), -1)], axis=1)

    def accuracy(self, x, y) -> np.ndarray:
        """Share of points on the right side of the 0.5 level (the course's boundary), shape ``(K,)``."""
        p = self.predict(x)
        y = _real_array(y, "y").ravel()
        if y.shape != p.shape[1:]:
            raise ValueError(f"y must hold one label per row of x ({p.shape[1]}), got shape {np.shape(y)}")
        return ((p > 0.5) == (y > 0.5)).mean(axis=1)


def train_mlp(x, y, *, lam=0.0, kind: str = "l2", seed=SEED, hidden: int = 11, lr: float = 0.01,
              epochs: int = 400, batch_size: int = 32, x_val=None, y_val=None, init: dict | None = None,
              proximal: bool = False, record: bool = False, dtype=np.float64) -> MLPRuns:
    r"""Train the course's network ``relu(x w1 + b1) w2 + b2`` with plain mini-batch SGD.

    The loop of the course (class2 p29): batches are consecutive slices of ``batch_size``
    rows in data order (``tf.data...batch(32)``, no shuffling, a short last batch); each
    step does ``w -= lr * grad`` of ``mean((y - y_hat)**2) + lam * (loss(w1) + loss(w2))``.

    Vectorised: ``lam`` and ``seed`` may be sequences (broadcast together), and all the
    ``K`` networks they describe train in the same numpy operations, about as fast as one.

    Parameters
    ----------
    x, y : array_like
        ``(n, n_in)`` inputs, ``n`` targets.
    lam : float or sequence of float
        λ per run, ``>= 0``.
    kind : {"l2", "l1"}
        Penalty: :func:`l2_loss` (gradient ``lam * w``) or :func:`l1_loss` (``lam * sign(w)``).
    seed : int or sequence of int
        Initialisation seed per run (see :func:`init_mlp`); ignored when ``init`` is given.
    hidden, lr, epochs, batch_size :
        Hidden units, learning rate, epochs and batch size (course: 11, 0.01, 400, 32).
    x_val, y_val : array_like, optional
        A validation set, evaluated after every epoch.
    init : dict, optional
        Start every run from these parameters (e.g. drawn with TensorFlow); ``seed`` and
        ``hidden`` are then taken from ``init`` rather than from the arguments.
    proximal : bool
        With ``kind="l1"``: take the MSE gradient step, then :func:`soft_threshold` by
        ``lr * lam`` (exact zeros) instead of adding the sub-gradient.
    record : bool
        Keep the parameters after every epoch (for early stopping).
    dtype : numpy dtype
        float64 (default) or float32 (TensorFlow's default, for step-for-step checks).

    Returns
    -------
    MLPRuns
    """
    kind = _kind(kind)
    dtype = _float_dtype(dtype)
    x, y = _xy(x, y, dtype=dtype)
    hidden = _integer(hidden, "hidden", low=1)
    lr = _number(lr, "lr", low=0.0, low_open=True)
    epochs = _integer(epochs, "epochs", low=1)
    batch_size = _integer(batch_size, "batch_size", low=1)
    if not isinstance(proximal, bool):
        raise TypeError(f"proximal must be True or False, got {type(proximal).__name__}")
    if not isinstance(record, bool):
        raise TypeError(f"record must be True or False, got {type(record).__name__}")
    if proximal and kind != "l1":
        raise ValueError("proximal=True needs kind='l1'")
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
        lams, seeds = np.broadcast_arrays(lams, seeds)
    except ValueError:
        raise ValueError(f"lam and seed must have the same length or length 1, got {lams.size} and "
                         f"{seeds.size}") from None
    if (x_val is None) != (y_val is None):
        raise ValueError("x_val and y_val must be given together")
    if x_val is not None:
        x_val, y_val = _xy(x_val, y_val, "x_val", "y_val", dtype=dtype)
        if x_val.shape[1] != x.shape[1]:
            raise ValueError(f"x_val must have {x.shape[1]} columns like x, got {x_val.shape[1]}")
    K, n_in = lams.size, x.shape[1]

    if init is not None:
        p = _check_params(init, "init")
        if p["w1"].shape[0] != n_in:
            raise ValueError(f"init['w1'] must have {n_in} rows (x's columns), got {p['w1'].shape[0]}")
        inits = [p] * K
    else:
        cache = {}
        inits = [cache.setdefault(int(s), init_mlp(int(s), hidden, n_in)) for s in seeds]
    hidden = inits[0]["w1"].shape[1]
    W1, w2, b2 = _pack(*(np.stack([q[k] for q in inits]).astype(dtype) for k in ("w1", "b1", "w2", "b2")))
    lam_k = lams.astype(dtype).reshape(K, 1)
    lam_row = np.repeat(lams.astype(dtype), hidden)[None, :]
    lr = dtype.type(lr)

    n = x.shape[0]
    ones = np.ones((n, 1), dtype)
    xa = np.concatenate([x, ones], axis=1)
    batches = [(xa[i:i + batch_size], y[i:i + batch_size]) for i in range(0, n, batch_size)]
    xva = np.concatenate([x_val, np.ones((len(x_val), 1), dtype)], axis=1) if x_val is not None else None
    loss = np.empty((K, epochs))
    train_mse = np.empty((K, epochs))
    val_mse = np.empty((K, epochs)) if x_val is not None else None
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
                    W1[:-1] = np.sign(W1[:-1]) * np.maximum(np.abs(W1[:-1]) - lr * lam_row, 0)
                    w2[:] = np.sign(w2) * np.maximum(np.abs(w2) - lr * lam_k, 0)
                else:
                    out = _grads(W1, w2, b2, xb, yb, lam_row, lam_k, kind, need_loss=i == last)
                    W1 -= lr * out[0]
                    w2 -= lr * out[1]
                    b2 -= lr * out[2]
            loss[:, e] = out[3] + out[4]
            train_mse[:, e] = full_mse(xa, y)
            if val_mse is not None:
                val_mse[:, e] = full_mse(xva, y_val)
            if record:
                snaps["W1"][e], snaps["w2"][e], snaps["b2"][e] = W1, w2, b2
    w1, b1, w2, b2 = _unpack(W1, w2, b2)
    if record:
        parts = [_unpack(snaps["W1"][e], snaps["w2"][e], snaps["b2"][e]) for e in range(epochs)]
        snaps = {k: np.stack([q[j] for q in parts], axis=1) for j, k in enumerate(("w1", "b1", "w2", "b2"))}
    runs = MLPRuns(w1=w1, b1=b1, w2=w2, b2=b2, lam=lams.copy(), seed=seeds.astype(np.int64),
                   kind=kind, proximal=proximal, loss=loss, train_mse=train_mse, val_mse=val_mse,
                   snapshots=snaps)
    _readonly(runs.w1, runs.b1, runs.w2, runs.b2, runs.lam, runs.seed, loss, train_mse, val_mse,
              *(snaps.values() if snaps else ()))
    return runs


def tf_course_loop(x, y, init: dict, *, lam: float = 0.0, kind: str = "l2", lr: float = 0.01, epochs: int = 2,
                   batch_size: int = 32, dtype: str = "float64"):
    """The course's TensorFlow loop (class2 ``p29_regularizationcontain.py``), kept as the reference.

    ``tf.data.Dataset.from_tensor_slices((x, y)).batch(batch_size)``, a ``GradientTape``
    around ``relu(x @ w1 + b1) @ w2 + b2``, ``loss = reduce_mean(square(y - out)) +
    lam * (tf.nn.l2_loss(w1) + tf.nn.l2_loss(w2))`` (``reduce_sum(abs(w))`` for L1) and
    ``w.assign_sub(lr * grad)``. Starts from ``init`` so it can be compared with
    :func:`train_mlp` step for step.

    Returns
    -------
    dict
        ``loss`` (last-batch loss of every epoch, like the course's print) and the final
        ``w1, b1, w2, b2`` as numpy arrays.
    """
    from . import import_tf

    tf = import_tf()
    p = _check_params(init, "init")
    kind = _kind(kind)
    if not isinstance(dtype, str) or dtype not in ("float32", "float64"):
        raise ValueError(f"dtype must be 'float32' or 'float64', got {dtype!r}")
    x, y = _xy(x, y)
    lam = _number(lam, "lam", low=0.0)
    lr = _number(lr, "lr", low=0.0, low_open=True)
    epochs = _integer(epochs, "epochs", low=1)
    batch_size = _integer(batch_size, "batch_size", low=1)
    dt = tf.float32 if dtype == "float32" else tf.float64
    train_db = tf.data.Dataset.from_tensor_slices((tf.cast(x, dt), tf.cast(y, dt))).batch(batch_size)
    w1, b1, w2, b2 = (tf.Variable(tf.cast(p[k], dt)) for k in ("w1", "b1", "w2", "b2"))
    reg = tf.nn.l2_loss if kind == "l2" else (lambda w: tf.reduce_sum(tf.abs(w)))
    losses = []
    for _ in range(epochs):
        for xb, yb in train_db:
            with tf.GradientTape() as tape:
                h1 = tf.nn.relu(tf.matmul(xb, w1) + b1)
                out = tf.matmul(h1, w2) + b2
                loss = tf.reduce_mean(tf.square(yb - out)) + lam * tf.reduce_sum([reg(w1), reg(w2)])
            grads = tape.gradient(loss, [w1, b1, w2, b2])
            for v, g in zip((w1, b1, w2, b2), grads):
                v.assign_sub(lr * g)
        losses.append(float(loss))
    return {"loss": np.array(losses), "w1": w1.numpy(), "b1": b1.numpy(), "w2": w2.numpy(), "b2": b2.numpy()}


def decision_grid(runs: MLPRuns, step: float = 0.1, lim: float = 3.0, epoch: int | None = None):
    """The course's prediction grid ``np.mgrid[-lim:lim:step, -lim:lim:step]`` and each run's output on it.

    Returns
    -------
    xx, yy : ndarray (m, m)
    probs : ndarray (K, m, m)
        Network output (the course contours it at 0.5).
    """
    if not isinstance(runs, MLPRuns):
        raise TypeError(f"runs must be the MLPRuns that train_mlp returns, got {type(runs).__name__}")
    step = _number(step, "step", low=0.0, low_open=True)
    lim = _number(lim, "lim", low=0.0, low_open=True)
    xx, yy = np.mgrid[-lim:lim:step, -lim:lim:step]
    grid = np.c_[xx.ravel(), yy.ravel()]
    probs = runs.predict(grid, epoch=epoch).reshape((len(runs),) + xx.shape)
    return xx, yy, probs


@lru_cache(maxsize=8)
def dots_grid(kind: str = "l2", proximal: bool = False, lams: tuple = LAMBDAS, seeds: tuple = GRID_SEEDS) -> MLPRuns:
    """The course's experiment on the dots for every ``(lam, seed)`` pair, trained once and cached.

    Run ``i * len(seeds) + j`` has ``lams[i]`` and ``seeds[j]``. Course settings: 2 → 11 → 1,
    lr 0.01, 400 epochs, batch 32.
    """
    kind = _kind(kind)
    lams = tuple(_numbers(lams, "lams", low=0.0))
    if isinstance(seeds, (str, bytes)) or not isinstance(seeds, (tuple, list)) or not seeds:
        raise TypeError(f"seeds must be a non-empty tuple of integers, got {seeds!r}")
    seeds = tuple(_integer(v, "seeds") for v in seeds)
    x, y = dots()
    lam = np.repeat(np.asarray(lams, float), len(seeds))
    seed = np.tile(np.asarray(seeds, np.int64), len(lams))
    return train_mlp(x, y, lam=lam, seed=seed, kind=kind, proximal=proximal)


def _grid_index(lam, seed, lams=LAMBDAS, seeds=GRID_SEEDS) -> int:
    lam = _number(lam, "lam", low=0.0)
    seed = _integer(seed, "seed")
    matches = [i for i, v in enumerate(lams) if np.isclose(v, lam, rtol=1e-9, atol=1e-12)]
    if not matches:
        raise ValueError(f"lam must be one of the precomputed values {lams}, got {lam!r}")
    if seed not in seeds:
        raise ValueError(f"seed must be one of the precomputed seeds {seeds}, got {seed!r}")
    return matches[0] * len(seeds) + seeds.index(seed)


@lru_cache(maxsize=64)
def dots_view(lam: float = 0.03, seed: int = SEED, kind: str = "l2"):
    """The course's two runs for one slider position: no penalty and penalty ``lam``.

    Read from :func:`dots_grid`; nothing is trained here.

    Returns
    -------
    dict
        ``x``, ``y`` (the dots), ``xx``, ``yy``, ``probs`` (2, m, m) (without / with the
        penalty), ``loss`` (2, epochs), ``accuracy`` (2,), ``lam``, ``kind``.
    """
    kind = _kind(kind)
    runs = dots_grid(kind)
    i0, i1 = _grid_index(0.0, seed), _grid_index(lam, seed)
    x, y = dots()
    xx, yy, probs = decision_grid(runs)
    acc = runs.accuracy(x, y)
    out = {"x": x, "y": y, "xx": xx, "yy": yy, "probs": probs[[i0, i1]], "loss": runs.loss[[i0, i1]],
           "accuracy": acc[[i0, i1]], "lam": float(lam), "kind": kind,
           "weights": runs.weights()[[i0, i1]]}
    _readonly(*[v for v in out.values() if isinstance(v, np.ndarray)])
    return out


def course_loss_table(seed: int = SEED, lam: float = 0.03, every: int = 20):
    """Rows ``(epoch, ours without L2, course, ours with L2, course)`` every ``every`` epochs.

    Our losses are the last-batch losses the course prints (penalty included); the
    course's columns hold its reported numbers where it reported one, else ``None``.
    """
    every = _integer(every, "every", low=1)
    runs = dots_grid("l2")
    i0, i1 = _grid_index(0.0, seed), _grid_index(lam, seed)
    rows = []
    for e in range(0, runs.loss.shape[1], every):
        rows.append((e, float(runs.loss[i0, e]), COURSE_REPORTED["no_l2"].get(e),
                     float(runs.loss[i1, e]), COURSE_REPORTED["l2"].get(e)))
    return rows


@lru_cache(maxsize=4)
def seed_spread(n_seeds: int = 20, lam: float = 0.03, lr: float = 0.01):
    """The course's printed losses (epochs 0 and 380) over ``n_seeds`` initialisations (seeds 0..n-1).

    The course's weights were unseeded, so its numbers are one draw among many: this shows
    how far they move. Returns, for ``"no_l2"`` and ``"l2"``, the per-seed arrays
    ``epoch0`` and ``epoch380``.
    """
    n_seeds = _integer(n_seeds, "n_seeds", low=1)
    lam, lr = _number(lam, "lam", low=0.0), _number(lr, "lr", low=0.0, low_open=True)
    x, y = dots()
    seeds = np.arange(n_seeds)
    runs = train_mlp(x, y, lam=np.repeat([0.0, lam], n_seeds), seed=np.tile(seeds, 2), lr=lr, epochs=381)
    out = {}
    for name, sl in (("no_l2", slice(0, n_seeds)), ("l2", slice(n_seeds, 2 * n_seeds))):
        out[name] = {"epoch0": runs.loss[sl, 0], "epoch380": runs.loss[sl, 380]}
    return out


def course_spread_rows(n_seeds: int = 20, lrs: tuple = (0.01, 0.005)):
    """Rows comparing the course's printed losses with our spread over ``n_seeds`` initialisations.

    One row per learning rate and run (no L2 / L2): ``(lr, run, epoch-0 range, course epoch 0,
    epoch-380 range, course epoch 380, how many seeds end at or above the course's value)``.
    """
    n_seeds, lrs = _integer(n_seeds, "n_seeds", low=1), _numbers(lrs, "lrs", low=0.0, low_open=True)
    rows = []
    for lr in lrs:
        s = seed_spread(n_seeds, 0.03, lr)
        for name in ("no_l2", "l2"):
            e0, e380 = s[name]["epoch0"], s[name]["epoch380"]
            course = COURSE_REPORTED[name]
            rows.append((lr, name, f"{e0.min():.4f} .. {e0.max():.4f}", course[0],
                         f"{e380.min():.4f} .. {e380.max():.4f}", course[380],
                         f"{int(np.sum(e380 >= course[380]))}/{n_seeds}"))
    return rows


from .tables import format_table  # noqa: E402  moved to tables.py

# --------------------------------------------------------------------------------------
# remedies, each shown with a run
# --------------------------------------------------------------------------------------


def _linear_classifier(x, y, features):
    A = np.c_[np.ones(len(x)), features(x)]
    c = np.linalg.lstsq(A, y.astype(float), rcond=None)[0]
    return lambda g: np.c_[np.ones(len(g)), features(g)] @ c


@lru_cache(maxsize=2)
def remedies(seed: int = SEED):
    """The notes' remedies, each trained before and after, on the chapter's two examples.

    Under-fitting (training error high): more features, more parameters, less
    regularisation. Over-fitting (validation error far above training error): cleaning
    the data, more data, regularisation, stronger regularisation.

    Returns
    -------
    list of dict
        One per remedy: ``problem``, ``remedy``, ``before``, ``after`` (what changed),
        ``metric`` (``"train accuracy"`` or ``"MSE"``), ``train`` and ``val`` as
        ``(before, after)`` pairs (``val`` is ``None`` for the dots), and what
        :func:`course_lib.plots.fitting_remedy` draws under ``plot``.
    """
    out = []
    x, y = dots()
    xx, yy = np.mgrid[-3:3:.1, -3:3:.1]
    g = np.c_[xx.ravel(), yy.ravel()]

    # under-fitting 1: more features (a straight boundary cannot draw a circle)
    lin = _linear_classifier(x, y, lambda a: a)
    sq = _linear_classifier(x, y, lambda a: np.c_[a, a ** 2])
    acc = [float(((f(x) > 0.5) == y).mean()) for f in (lin, sq)]
    out.append({"problem": "under-fitting", "remedy": "more features", "before": "features x1, x2",
                "after": "+ x1², x2²", "metric": "train accuracy", "train": tuple(acc), "val": None,
                "plot": {"kind": "dots", "x": x, "y": y, "xx": xx, "yy": yy,
                         "before": lin(g).reshape(xx.shape), "after": sq(g).reshape(xx.shape)}})

    # under-fitting 2: more parameters (hidden units of the course's network)
    small = train_mlp(x, y, hidden=2, seed=seed)
    runs = dots_grid("l2")
    i0 = _grid_index(0.0, seed)
    acc = (float(small.accuracy(x, y)[0]), float(runs.accuracy(x, y)[i0]))
    _, _, p_small = decision_grid(small)
    _, _, p_big = decision_grid(runs)
    out.append({"problem": "under-fitting", "remedy": "more parameters", "before": "2 hidden units",
                "after": "11 hidden units", "metric": "train accuracy", "train": acc, "val": None,
                "plot": {"kind": "dots", "x": x, "y": y, "xx": xx, "yy": yy,
                         "before": p_small[0], "after": p_big[i0]}})

    # the polynomial examples: 15 noisy points, validation on 200 more
    def poly(problem, remedy, before, after, b, a):
        """b, a: dicts with degree, lam, x, y (training points used)."""
        xv, yv = poly_data(200, 0.2, seed, 1)
        grid = np.linspace(-1, 1, 301)
        res, curves = [], []
        for s in (b, a):
            c = ridge_fit(s["x"], s["y"], s["degree"], s["lam"])
            res.append((mse(s["y"], poly_predict(c, s["x"])), mse(yv, poly_predict(c, xv))))
            curves.append(poly_predict(c, grid))
        out.append({"problem": problem, "remedy": remedy, "before": before, "after": after, "metric": "MSE",
                    "train": (res[0][0], res[1][0]), "val": (res[0][1], res[1][1]),
                    "plot": {"kind": "poly", "grid": grid, "truth": target_function(grid),
                             "before": curves[0], "after": curves[1], "x_before": b["x"], "y_before": b["y"],
                             "x_after": a["x"], "y_after": a["y"]}})

    x15, y15 = poly_data(15, 0.2, seed, 0)
    d = {"x": x15, "y": y15}
    poly("under-fitting", "less regularisation", "degree 12, λ=10", "degree 12, λ=0.01",
         {**d, "degree": 12, "lam": 10.0}, {**d, "degree": 12, "lam": 0.01})
    # over-fitting 1: cleaning the data (three mislabelled points)
    xo = np.r_[x15, [-0.5, 0.1, 0.7]]
    yo = np.r_[y15, [2.0, -2.0, 2.5]]
    poly("over-fitting", "cleaning data", "degree 5, 3 outliers", "degree 5, outliers removed",
         {"x": xo, "y": yo, "degree": 5, "lam": 0.0}, {**d, "degree": 5, "lam": 0.0})
    # over-fitting 2: more data
    x200, y200 = poly_data(200, 0.2, seed, 2)
    poly("over-fitting", "more data", "degree 12, 15 points", "degree 12, 200 points",
         {**d, "degree": 12, "lam": 0.0}, {"x": x200, "y": y200, "degree": 12, "lam": 0.0})
    # over-fitting 3 and 4: regularisation, then a stronger one
    poly("over-fitting", "regularisation", "degree 12, λ=0", "degree 12, λ=0.01",
         {**d, "degree": 12, "lam": 0.0}, {**d, "degree": 12, "lam": 0.01})
    poly("over-fitting", "stronger regularisation", "degree 12, λ=1e-4", "degree 12, λ=0.01",
         {**d, "degree": 12, "lam": 1e-4}, {**d, "degree": 12, "lam": 0.01})
    for r in out:
        _readonly(*[v for v in r["plot"].values() if isinstance(v, np.ndarray)])
    return out


# --------------------------------------------------------------------------------------
# L1 against L2
# --------------------------------------------------------------------------------------


def weight_stats(w, tol: float = 1e-3) -> dict:
    """How sparse a set of weights is: ``total``, ``exact`` zeros and ``near`` zeros (``|w| < tol``)."""
    a = _real_array(w, "w").ravel()
    tol = _number(tol, "tol", low=0.0, low_open=True)
    return {"total": int(a.size), "exact": int(np.sum(a == 0)), "near": int(np.sum(np.abs(a) < tol))}


@lru_cache(maxsize=16)
def l1_l2_view(lam: float = 0.03, tol: float = 1e-3):
    """The same network trained with L2, L1 (sub-gradient, as TensorFlow) and L1 (proximal step).

    Uses the runs of :func:`dots_grid` for every seed of ``GRID_SEEDS`` at ``lam`` (one of
    ``L1_LAMBDAS``).

    Returns
    -------
    dict
        ``names``; ``weights`` (name -> all weights of the seeds, flattened); ``stats``
        (name -> :func:`weight_stats`); ``accuracy`` (name -> mean training accuracy).
    """
    lam, tol = _number(lam, "lam", low=0.0), _number(tol, "tol", low=0.0, low_open=True)
    x, y = dots()
    out = {"lam": float(lam), "tol": tol, "names": ("L2", "L1 (SGD)", "L1 (proximal)"),
           "weights": {}, "stats": {}, "accuracy": {}}
    for name, kind, prox in (("L2", "l2", False), ("L1 (SGD)", "l1", False), ("L1 (proximal)", "l1", True)):
        lams = LAMBDAS if kind == "l2" else L1_LAMBDAS
        runs = dots_grid(kind, prox, lams)
        idx = [_grid_index(lam, s, lams) for s in GRID_SEEDS]
        w = runs.weights()[idx].ravel()
        out["weights"][name] = w
        out["stats"][name] = weight_stats(w, tol)
        out["accuracy"][name] = float(runs.accuracy(x, y)[idx].mean())
    return out


@lru_cache(maxsize=64)
def constraint_geometry(budget: float = 1.0, center: tuple = (1.5, 1.0), n: int = 4001):
    r"""The geometric picture: a quadratic loss minimised inside an L1 ball and inside an L2 ball.

    Loss :math:`(w - c)^\top A (w - c)` with an elongated ``A``; constraint
    :math:`|w_1| + |w_2| \le t` (a diamond) or :math:`w_1^2 + w_2^2 \le t^2` (a circle).
    When ``c`` lies outside the ball, the optimum is where the smallest loss contour
    touches the ball: usually a corner of the diamond (one weight exactly 0) but a
    generic point of the circle (both weights non-zero).

    Returns
    -------
    dict
        ``W1, W2, Z`` (loss on a grid), ``center``, ``budget``, and for ``"l1"`` and ``"l2"``
        the ``boundary`` (n, 2), the constrained ``optimum`` (2,) and its ``level``.
    """
    budget = _number(budget, "budget", low=0.0, low_open=True)
    n = _integer(n, "n", low=2)
    try:
        c = np.asarray(center, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"center must be two finite numbers, got {center!r}") from None
    if c.shape != (2,) or not np.all(np.isfinite(c)):
        raise ValueError(f"center must be two finite numbers, got {center!r}")
    A = np.array([[1.0, 0.45], [0.45, 0.6]])

    def loss(w):
        d = w - c
        return np.einsum("...i,ij,...j->...", d, A, d)

    t = np.linspace(0, 2 * np.pi, n)
    shapes = {"l1": budget * np.c_[np.cos(t), np.sin(t)] / (np.abs(np.cos(t)) + np.abs(np.sin(t)))[:, None],
              "l2": budget * np.c_[np.cos(t), np.sin(t)]}
    lim = max(2.5, 1.3 * budget, float(np.abs(c).max()) + 1.0)
    W1, W2 = np.meshgrid(np.linspace(-lim, lim, 121), np.linspace(-lim, lim, 121))
    out = {"W1": W1, "W2": W2, "Z": loss(np.stack([W1, W2], -1)), "center": c, "budget": budget}
    inside = {"l1": np.abs(c).sum() <= budget, "l2": np.hypot(*c) <= budget}
    for k, b in shapes.items():
        if k == "l1":  # the four corners are the candidates that matter: include them exactly
            b = np.r_[b, budget * np.array([[1, 0], [0, 1], [-1, 0], [0, -1]])]
        opt = c.copy() if inside[k] else b[np.argmin(loss(b))]
        out[k] = {"boundary": shapes[k], "optimum": opt, "level": float(loss(opt))}
    return out


# --------------------------------------------------------------------------------------
# early stopping
# --------------------------------------------------------------------------------------


def noisy_dots(n_train: int = 40, flip: float = 0.2, seed: int = SEED):
    """The dots with a share ``flip`` of labels flipped, split into train and validation.

    The course's 300 points (:func:`course_lib.data.dots`); each label is flipped with
    probability ``flip`` (``np.random.default_rng(seed)``), then the first ``n_train``
    rows train and the rest validate (their labels are just as noisy). Few noisy points
    and a wide network: the recipe for over-fitting.

    Returns
    -------
    (x_train, y_train), (x_val, y_val)
    """
    n_train = _integer(n_train, "n_train", low=1, high=299)
    flip = _number(flip, "flip", low=0.0, high=1.0)
    seed = _integer(seed, "seed", low=0)
    x, y = dots()
    y = y.copy()
    mask = np.random.default_rng(seed).random(len(y)) < flip
    y[mask] = 1 - y[mask]
    return (x[:n_train], y[:n_train]), (x[n_train:], y[n_train:])


#: Initialisation seeds of the early-stopping runs (the data's label noise always uses SEED).
ES_SEEDS = tuple(range(SEED, SEED + 8))


@lru_cache(maxsize=2)
def early_stopping_runs(epochs: int = 1000) -> MLPRuns:
    """A wide network (2 → 32 → 1, lr 0.02, batch 32) trained long on 40 noisy dots, once per seed
    of ``ES_SEEDS``; the parameters after every epoch are kept."""
    (xt, yt), (xv, yv) = noisy_dots()
    return train_mlp(xt, yt, x_val=xv, y_val=yv, hidden=32, lr=0.02, epochs=epochs, seed=ES_SEEDS, record=True)


@lru_cache(maxsize=512)
def early_stopping_view(patience: int = 20, seed: int = SEED + 1):
    """What the early-stopping figure draws for one ``patience`` and one run.

    Returns
    -------
    dict
        ``train_mse``, ``val_mse`` (epochs,) of the run, ``all_val`` (every seed's
        validation curve), ``stopped`` (epoch or None), ``best`` (the restored epoch),
        ``epochs_run``, the points, and the decision grids ``probs`` (2, m, m) of the
        restored model and of the model trained to the end, with their validation MSEs
        ``val_best``, ``val_end``.
    """
    patience = _integer(patience, "patience", low=0)
    if seed not in ES_SEEDS:
        raise ValueError(f"seed must be one of the precomputed seeds {ES_SEEDS}, got {seed!r}")
    runs = early_stopping_runs()
    k = ES_SEEDS.index(seed)
    stopped, best = early_stopping_epoch(runs.val_mse[k], patience)
    last = runs.loss.shape[1] - 1
    (xt, yt), (xv, yv) = noisy_dots()
    xx, yy, p_best = decision_grid(runs, epoch=best)  # Keras 3 restores the best epoch in any case
    _, _, p_end = decision_grid(runs, epoch=last)
    out = {"train_mse": runs.train_mse[k], "val_mse": runs.val_mse[k], "all_val": runs.val_mse,
           "stopped": stopped, "best": best, "patience": patience, "seed": seed, "epochs": last + 1,
           "epochs_run": last + 1 if stopped is None else stopped + 1,
           "x_train": xt, "y_train": yt, "x_val": xv, "y_val": yv,
           "xx": xx, "yy": yy, "probs": np.stack([p_best[k], p_end[k]]),
           "val_best": float(runs.val_mse[k, best]), "val_end": float(runs.val_mse[k, last])}
    _readonly(*[v for v in out.values() if isinstance(v, np.ndarray)])
    return out


# --------------------------------------------------------------------------------------
# checked against TensorFlow
# --------------------------------------------------------------------------------------


def _keras_early_stopping(keras, val_loss, patience):
    cb = keras.callbacks.EarlyStopping(monitor="val_loss", patience=patience)
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    cb.set_model(model)
    model.stop_training = False
    cb.on_train_begin()
    for epoch, v in enumerate(val_loss):
        cb.on_epoch_end(epoch, {"val_loss": float(v)})
        if model.stop_training:
            return epoch, cb.best_epoch
    return None, cb.best_epoch


def compare_with_tensorflow(seed: int = SEED, patience: int = 20):
    """Our numbers next to TensorFlow's / Keras' for everything this chapter computes by hand.

    Returns
    -------
    list of tuple
        ``(what, ours, theirs, |difference| as text)``; round-off reads ``"< 1e-12"`` (float64)
        or ``"< 1e-06 (float32)"`` so the table prints the same on every machine.
    """
    seed, patience = _integer(seed, "seed"), _integer(patience, "patience")
    from . import import_tf

    tf = import_tf()
    import keras

    rng = np.random.default_rng(seed)
    w1, w2 = rng.normal(size=(2, 11)), rng.normal(size=(11, 1))
    rows = [("l2_loss(w1) vs tf.nn.l2_loss", float(l2_loss(w1)), float(tf.nn.l2_loss(w1))),
            ("l1_loss(w1) vs reduce_sum(abs)", float(l1_loss(w1)), float(tf.reduce_sum(tf.abs(w1)))),
            ("penalty(l2, 0.03) vs keras L2(0.015)", penalty([w1, w2], 0.03, "l2"),
             float(keras.regularizers.L2(0.015)(w1) + keras.regularizers.L2(0.015)(w2))),
            ("penalty(l1, 0.03) vs keras L1(0.03)", penalty([w1, w2], 0.03, "l1"),
             float(keras.regularizers.L1(0.03)(w1) + keras.regularizers.L1(0.03)(w2)))]
    x, y = dots()
    xb, yb = x[:32], y[:32].reshape(-1, 1).astype(float)
    p = init_mlp(seed)
    loss, grads = mlp_loss_and_grads(p, xb, yb, 0.03)
    v = {k: tf.Variable(a) for k, a in p.items()}
    with tf.GradientTape() as tape:
        out = tf.matmul(tf.nn.relu(tf.matmul(xb, v["w1"]) + v["b1"]), v["w2"]) + v["b2"]
        tf_loss = tf.reduce_mean(tf.square(yb - out)) + 0.03 * (tf.nn.l2_loss(v["w1"]) + tf.nn.l2_loss(v["w2"]))
    tg = tape.gradient(tf_loss, [v[k] for k in ("w1", "b1", "w2", "b2")])
    rows.append(("batch loss vs GradientTape", loss, float(tf_loss)))
    for k, g in zip(("w1", "b1", "w2", "b2"), tg):
        rows.append((f"gradient d loss / d {k} (largest entry) vs GradientTape", float(np.abs(grads[k]).max()),
                     float(np.abs(g.numpy()).max())))
    for dt, npdt in (("float64", np.float64), ("float32", np.float32)):
        ref = tf_course_loop(x, y, p, lam=0.03, epochs=3, dtype=dt)
        ours = train_mlp(x, y, init=p, lam=0.03, epochs=3, dtype=npdt)
        rows.append((f"loss after 3 epochs, course's TF loop ({dt})", float(ours.loss[0, -1]), float(ref["loss"][-1])))
    val = early_stopping_runs().val_mse[ES_SEEDS.index(SEED + 1)]
    ours_stop, _ = early_stopping_epoch(val, patience)
    keras_stop, _ = _keras_early_stopping(keras, val, patience)
    rows.append((f"early-stopping epoch vs keras EarlyStopping (patience {patience})", float(ours_stop),
                 float(keras_stop)))
    # whole-array gradient check: the largest entry-wise difference over all four gradients
    gdiff = max(float(np.abs(grads[k] - g.numpy()).max()) for k, g in zip(("w1", "b1", "w2", "b2"), tg))
    f32 = ("keras L", "float32")  # Keras' regularisers and the float32 loop compute in float32
    out = [(what, a, b, _diff_text(abs(a - b), 1e-6 if any(t in what for t in f32) else 1e-12))
           for what, a, b in rows]
    out.insert(5, ("max entry-wise gradient difference (w1, b1, w2, b2)", None, None, _diff_text(gdiff)))
    return out


def _diff_text(d: float, tol: float = 1e-12) -> str:
    """A difference as printed: round-off below ``tol`` reads the same on every machine."""
    return f"< {tol:.0e}" + (" (float32)" if tol > 1e-9 else "") if d < tol else f"{d:.1e}"
