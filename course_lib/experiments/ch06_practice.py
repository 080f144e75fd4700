"""Chapter 06 – optimizers in practice: what the two practice lessons run (06b_optimizers_practice:
the course's comparison and tips 1–7; 06c_optimizers_monitoring: tips 8–11, weight decay, how to choose).

* **The course's iris model** (PKU notes, class2 p32–p40: Dense 4→3, softmax, MSE on one-hot
  labels, batches of 32 in order): :func:`fit_iris` (one run, with the notes' tips as options:
  reshuffling, a class-sorted training set, early stopping, switching optimizer, a subset),
  :func:`iris_optimizers` (the course's five runs), :func:`iris_restarts` (random starts),
  :func:`epoch_orders` (one order of the rows per epoch: tip 7's reshuffling, 06b's exercise 2),
  :func:`iris_forward_backward` (the loss and its gradient by hand). The training loop is a
  fast float32 kernel, tested equal to :func:`course_lib.train.fit`.
* **Sparse features** (06b tip 3): :func:`sparse_problem`, :func:`sparse_race`.
* **A run watched on validation data** (06b tip 1; 06c tips 8, 9, 10 and weight decay): :func:`noisy_dots`,
  :func:`dots_run` (a 2 → 32 → 1 ReLU network with a binary cross-entropy, its loss, accuracy
  and AUC on both sets after every epoch; optional reduce-on-plateau, L2 penalty).
* **Local minima** (06c tip 11): :func:`abs_fit_starts` (a two-unit ReLU network fitting |x| from
  many starts, and the convex problem of its output layer alone).

The optimizers are :mod:`course_lib.nn.optimizers`; the callbacks :mod:`course_lib.nn.callbacks`.
"""

from __future__ import annotations

import copy
import time
from dataclasses import dataclass, field

import numpy as np

from .. import SEED, _check
from .. import data as _data
from ..nn import callbacks as _callbacks
from ..nn import metrics as _metrics
from ..nn import optimizers as _opt
from ..nn.optimizers import Optimizer

__all__ = ["IRIS_W1_INIT", "IRIS_B1_INIT", "IRIS_NAMES", "iris_initial_weights", "IrisRun", "iris_forward_backward",
           "fit_iris", "epoch_orders", "iris_optimizers", "iris_restarts", "sparse_problem", "sparse_race", "noisy_dots", "DotsRun",
           "dots_run", "dots_runs", "early_stopping_view", "abs_fit_starts"]


def _shown(value):
    return f"an array of shape {np.shape(value)}" if isinstance(value, np.ndarray) else repr(value)


def _learning_rate(value, name):
    """A number >= 0 or a schedule (a callable of the step)."""
    return value if callable(value) else _check.non_negative(value, name)


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
             n_train=120, switch=None, patience=None, monitor="loss", min_delta=0.0, name=None,
             order="course", orders=None) -> IrisRun:
    """Train the course's iris model (Dense 4→3, softmax, MSE on one-hot labels) in numpy float32.

    Used in 06b_optimizers_practice for the course's comparison, its TensorFlow twin (§ 1), the tips
    run on iris (§ 4 tips 5, 6; § 5 tip 7) and exercises 3 and 4.

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
    order : {"course", "by_class"}
        The training set in the course's (shuffled once) order, or sorted by class (all setosa,
        then versicolor, then virginica; a stable sort of the course's order): tip 7's case.
    orders : array of int (epochs, n_train), optional
        The order of the training rows in each epoch (row ``e`` a permutation of ``range(n_train)``,
        e.g. from :func:`epoch_orders`); replaces ``shuffle``'s own permutations. 06b_optimizers_practice's exercise 3.

    Returns
    -------
    IrisRun
    """
    epochs = _check.integer(epochs, "epochs", low=1)
    batch_size = _check.integer(batch_size, "batch_size", low=1)
    n_train = _check.integer(n_train, "n_train", low=1, high=120)
    monitor = _check.choice(monitor, "monitor", ("loss", "test_loss"))
    order = _check.choice(order, "order", ("course", "by_class"))
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
    if order == "by_class":
        rows = np.argsort(y_tr, kind="stable")
        x_tr, y_tr = x_tr[rows], y_tr[rows]
    eye = np.eye(3, dtype=np.float32)
    train = (_augment(x_tr[:n_train]), eye[y_tr[:n_train]])
    test = (_augment(x_te), eye[y_te], y_te)
    if orders is not None:
        orders = _orders(orders, epochs, n_train)
    elif shuffle:  # the same permutations as drawing one per epoch from default_rng(seed)
        orders = epoch_orders(n_train, epochs, seed)
    return _train_iris(label, opt, W, train, test, epochs, batch_size, orders, switch, stopper, monitor)


def _orders(orders, epochs, n_train):
    """``orders`` checked: an integer array (epochs, n_train), each row a permutation of ``range(n_train)``."""
    a = np.asarray(orders)
    if a.dtype.kind not in "iu":
        raise TypeError(f"orders must be an integer array (epochs, n_train), got {_shown(orders)}")
    if a.shape != (epochs, n_train):
        raise ValueError(f"orders must have shape (epochs, n_train) = {(epochs, n_train)}, got {a.shape}")
    if not (np.sort(a, axis=1) == np.arange(n_train)).all():
        raise ValueError("each row of orders must be a permutation of range(n_train)")
    return a


def epoch_orders(n, epochs, seed=0, reshuffle=True):
    """The order of the ``n`` training rows in each of ``epochs`` epochs.

    ``rng = np.random.default_rng(seed)``; with ``reshuffle`` (as ``model.fit(shuffle=True)``)
    one ``rng.permutation(n)`` per epoch, in order; without it one permutation for every epoch
    ("shuffled once"). Row ``e`` of the result is epoch ``e``'s order. The model answer of
    06b_optimizers_practice's exercise 2 (its exercise 3 feeds it to :func:`fit_iris` through ``orders``).

    Returns
    -------
    ndarray of int (epochs, n)
    """
    n = _check.integer(n, "n", low=1, high=10_000_000)
    epochs = _check.integer(epochs, "epochs", low=1, high=100_000)
    rng = np.random.default_rng(_check.integer(seed, "seed", low=0))
    if not _check.flag(reshuffle, "reshuffle"):
        return np.tile(rng.permutation(n), (epochs, 1))
    out = np.empty((epochs, n), dtype=np.int64)
    for e in range(epochs):
        out[e] = rng.permutation(n)
    return out


def _train_iris(label, opt, W, train, test, epochs, batch_size, orders, switch, stopper, monitor):
    """The training loop of :func:`fit_iris` (a documented hot kernel: every iris run of 06b and 06d).

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
            batches = fixed if orders is None else _iris_batches(xa_all, Y_all, batch_size, orders[epoch])
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
    test_acc, test_loss = _iris_test_metrics(xa_te, Y_te, y_te, Ws)
    if stopped is not None:
        W = best_W
    return IrisRun(label, loss, test_acc, test_loss, step_loss, W[:4].copy(), W[4].copy(), elapsed, stopped,
                   {"best_epoch": None if stopper is None else stopper.best_epoch, "n_train": n_train,
                    "batches_per_epoch": n_b})


def _iris_test_metrics(xa_te, Y_te, y_te, Ws):
    """Test accuracy and MSE of every recorded epoch's weights ``Ws (epochs, 5, 3)`` at once."""
    with np.errstate(all="ignore"):
        P = _softmax_rows(np.einsum("nf,efc->enc", xa_te, Ws))  # every epoch's test predictions at once
        return (P.argmax(axis=2) == y_te).mean(axis=1), ((P - Y_te) ** 2).mean(axis=(1, 2))


def _train_iris_starts(label, opt, W, train, test, epochs, batch_size):
    """:func:`_train_iris` for several starts at once: ``W (S, 5, 3)``, one start per leading index.

    Batches in the course's order, no reshuffling, switching or early stopping. ``opt`` must be
    element-wise (the course's rules are), so one optimizer updating the stacked ``W`` is the same
    as one optimizer per start; the products are the same ones per start (broadcast over the
    leading axis). Returns one :class:`IrisRun` per start (``time_s``: the loop's time shared out).
    """
    xa_all, Y_all = train
    xa_te, Y_te, y_te = test
    fixed = _iris_batches(xa_all, Y_all, batch_size)
    n_b, S = len(fixed), len(W)
    loss = np.empty((epochs, S))
    step_loss = np.empty((epochs * n_b, S), dtype=np.float32)
    Ws = np.empty((epochs, S, 5, 3), dtype=np.float32)
    t0 = time.perf_counter()
    k = 0
    with np.errstate(all="ignore"):
        for epoch in range(epochs):
            total = np.zeros(S)
            for xa, xaT, Y, scale in fixed:
                z = xa @ W                                            # (S, n, 3)
                z -= np.maximum(np.maximum(z[..., :1], z[..., 1:2]), z[..., 2:])
                np.exp(z, out=z)
                p = z / (z @ _ONES)
                d = p - Y
                lb = np.array([dd @ dd for dd in d.reshape(S, -1)]) / np.float32(d[0].size)  # as _loss_grad
                gp = d * scale
                gz = p * (gp - (gp * p) @ _ONES)
                opt.apply_gradients(((xaT @ gz, W),))
                step_loss[k] = lb
                total += lb
                k += 1
            loss[epoch] = total / n_b
            Ws[epoch] = W
    elapsed = (time.perf_counter() - t0) / S
    runs = []
    for s in range(S):
        test_acc, test_loss = _iris_test_metrics(xa_te, Y_te, y_te, Ws[:, s])
        runs.append(IrisRun(f"{label} {s}", loss[:, s].copy(), test_acc, test_loss, step_loss[:, s].copy(),
                            W[s, :4].copy(), W[s, 4].copy(), elapsed, None,
                            {"best_epoch": None, "n_train": len(xa_all), "batches_per_epoch": n_b}))
    return runs


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
    depend on it. Used in 06b_optimizers_practice § 1 (the course's comparison, its TensorFlow twin)
    and in the 06d appendix.

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
    Used in the 06d appendix (initial plateaus, not local minima).
    """
    n_starts = _check.integer(n_starts, "n_starts", low=1)
    epochs = _check.integer(epochs, "epochs", low=1)
    stddev = _check.positive(stddev, "stddev")
    lr = _learning_rate(lr, "lr")
    _as_optimizer(optimizer, lr, "optimizer")  # checked once, built fresh for every start
    rng = np.random.default_rng(_check.integer(seed, "seed"))
    starts = []
    for _ in range(n_starts):
        w = rng.normal(0.0, stddev, size=15)
        while np.any(bad := np.abs(w) > 2 * stddev):  # truncated normal, as tf.random.truncated_normal
            w[bad] = rng.normal(0.0, stddev, size=int(bad.sum()))
        starts.append(w.astype(np.float32))
    if isinstance(optimizer, str):  # the course's rules are element-wise: every start in one stacked run
        (x_tr, y_tr), (x_te, y_te) = _data.iris()
        eye = np.eye(3, dtype=np.float32)
        W = np.stack([_iris_weights((w[:12].reshape(4, 3), w[12:])) for w in starts])
        return _train_iris_starts("start", _as_optimizer(optimizer, lr, "optimizer"), W,
                                  (_augment(x_tr), eye[y_tr]), (_augment(x_te), eye[y_te], y_te), epochs, 32)
    runs = []
    for i, w in enumerate(starts):
        fresh = copy.deepcopy(optimizer)  # an Optimizer instance must not carry its state from start to start
        runs.append(fit_iris(fresh, epochs, lr=lr, weights=(w[:12].reshape(4, 3), w[12:]), name=f"start {i}"))
    return runs


# --------------------------------------------------------------------------------------------
# tip 3: sparse features
# --------------------------------------------------------------------------------------------
def sparse_problem(scale=1.0, d_dense=6, d_rare=24, n=4000, noise=0.1, seed=SEED):
    """A linear regression on 0/1 features, as word counts are: ``d_dense`` common features present
    in half the samples, and ``d_rare`` rare ones present with probability from ``0.1·scale`` down
    to ``0.01·scale`` (log-spaced; a smaller ``scale`` makes the rare ones rarer). ``y = x·w* + noise``,
    ``w*`` entries ±1.

    Returns ``(X (n, d), y (n,), w_star (d,), p (d,))``, the dense features first. Used by
    :func:`sparse_race`.
    """
    scale = _check.number(scale, "scale", low=0.0, high=5.0, low_open=True)
    d_dense = _check.integer(d_dense, "d_dense", low=0, high=1000)
    d_rare = _check.integer(d_rare, "d_rare", low=1, high=10_000)
    n = _check.integer(n, "n", low=1, high=10 ** 6)
    noise = _check.non_negative(noise, "noise")
    rng = np.random.default_rng(_check.integer(seed, "seed"))
    p = np.r_[np.full(d_dense, 0.5), np.logspace(np.log10(0.1 * scale), np.log10(0.01 * scale), d_rare)]
    w_star = rng.choice([-1.0, 1.0], size=len(p))
    X = (rng.random((n, len(p))) < p).astype(np.float64)
    y = X @ w_star + noise * rng.normal(size=n)
    return X, y, w_star, p


#: The learning rates :func:`sparse_race` tries per optimizer: 13 per decade-spread grid, each
#: around its own scale (SGD's step is lr·|g|, the adaptive ones' about lr).
SPARSE_LRS = {"SGD": tuple(np.logspace(-2, 1, 13)), "Adagrad": tuple(np.logspace(-1.5, 1.5, 13)),
              "RMSprop": tuple(np.logspace(-3.5, -0.5, 13)), "Adam": tuple(np.logspace(-3, 0, 13))}


def _elementwise_runs(runs, X, y, batches, track):
    """Keras' SGD, Adagrad, RMSprop and Adam (default hyper-parameters) on ``½·mean((x·w − y)²)``,
    every ``(name, learning rate)`` of ``runs`` at once, one row of ``W`` each, on the same batches
    (a documented hot kernel of :func:`sparse_race`; tested equal to :mod:`course_lib.nn.optimizers`).

    Returns the final ``W (len(runs), d)`` and the mean ``|W − w*|`` over the columns ``track``
    after every step, ``(steps, len(runs))``, with ``track = (columns, w_star)``.
    """
    names = [r[0] for r in runs]
    lr = np.array([r[1] for r in runs], dtype=np.float64)[:, None]
    W = np.zeros((len(runs), X.shape[1]))
    a = np.zeros_like(W)  # Adagrad's accumulator (starts at 0.1), RMSprop's and Adam's v
    m = np.zeros_like(W)
    rows = {n: slice(names.index(n), len(names) - names[::-1].index(n)) for n in set(names)}
    if "Adagrad" in rows:
        a[rows["Adagrad"]] = 0.1
    cols, w_star = track
    err = np.empty((len(batches), len(runs)))
    eps = 1e-7
    with np.errstate(all="ignore"):  # a learning rate too large for SGD diverges: its row becomes inf
        for k, idx in enumerate(batches):
            xb = X[idx]
            G = ((xb @ W.T - y[idx][:, None]).T @ xb) / len(idx)
            for name, r in rows.items():
                g, w, acc, lr_r = G[r], W[r], a[r], lr[r]
                if name == "SGD":
                    w -= g * lr_r
                elif name == "Adagrad":
                    acc += np.square(g)
                    w -= (lr_r * g) / np.sqrt(acc + eps)
                elif name == "RMSprop":
                    acc[...] = 0.9 * acc + 0.1 * np.square(g)
                    w -= (lr_r * g) / np.sqrt(acc + eps)
                else:  # Adam
                    t = k + 1
                    alpha = lr_r * np.sqrt(1 - 0.999 ** t) / (1 - 0.9 ** t)
                    mm = m[r]
                    mm += (g - mm) * (1 - 0.9)
                    acc += (np.square(g) - acc) * (1 - 0.999)
                    w -= (mm * alpha) / (np.sqrt(acc) + eps)
            err[k] = np.abs(W[:, cols] - w_star[cols]).mean(axis=1)
    return W, err


def sparse_race(scales=(1.0, 0.3, 0.1), steps=500, batch_size=10, seed=SEED,
                names=("SGD", "Adagrad", "RMSprop", "Adam")):
    """Tip 3 and "Adam beats RMSProp as gradients get sparse": on :func:`sparse_problem` at each
    of ``scales`` (the rare features rarer and rarer, the common ones unchanged), each optimizer
    with its best learning rate of :data:`SPARSE_LRS` (the lowest error on the rare features after
    ``steps``); the same mini-batches for all.

    Used in 06b_optimizers_practice § 3 (tip 3) and the 06d appendix (another seed).

    Returns
    -------
    dict
        ``scales``; ``zero_share[scale]`` (the share of gradient entries that are exactly 0: a
        feature absent from the whole batch); ``runs[scale][name]`` with ``lr`` (the best),
        ``rare_curve`` (mean |w − w*| over the rare features after each step), ``rare`` and
        ``dense`` (the final errors), ``at_edge`` (the best rate is an end of the grid).
    """
    scales = _check.numbers(scales, "scales", low=0.0, high=5.0, low_open=True)
    steps = _check.integer(steps, "steps", low=1, high=100_000)
    batch_size = _check.integer(batch_size, "batch_size", low=1, high=1000)
    names = _check.choices(names, "names", tuple(SPARSE_LRS))
    seed = _check.integer(seed, "seed")
    out = {"scales": scales, "steps": steps, "zero_share": {}, "runs": {}}
    runs = [(n, lr) for n in names for lr in SPARSE_LRS[n]]
    for scale in scales:
        X, y, w_star, p = sparse_problem(scale, seed=seed)
        dense = p == 0.5
        batches = np.random.default_rng(seed + 1).integers(0, len(X), size=(steps, batch_size))
        out["zero_share"][scale] = float(np.mean((1 - p) ** batch_size))
        W, err = _elementwise_runs(runs, X, y, batches, (~dense, w_star))
        final = np.where(np.isfinite(err[-1]), err[-1], np.inf)
        out["runs"][scale] = {}
        for n in names:
            idx = [i for i, r in enumerate(runs) if r[0] == n]
            best = idx[int(np.argmin(final[idx]))]
            out["runs"][scale][n] = {"lr": runs[best][1], "rare_curve": err[:, best], "rare": float(final[best]),
                                     "dense": float(np.abs(W[best, dense] - w_star[dense]).mean()),
                                     "at_edge": best in (idx[0], idx[-1])}
    return out


# --------------------------------------------------------------------------------------------
# a run watched on validation data: tips 1, 8, 9, 10 and weight decay
# --------------------------------------------------------------------------------------------
def noisy_dots(n_train=100, flip=0.1, seed=SEED):
    """The course's 300 dots with ``flip`` of the labels flipped at random, split into ``n_train``
    training and ``300 − n_train`` validation points (both noisy), float64, labels 0/1.

    A small, noisy training set: a 32-unit network can learn its noise, so the validation
    curves show over-fitting. Used by :func:`dots_run`.
    """
    n_train = _check.integer(n_train, "n_train", low=2, high=298)
    flip = _check.number(flip, "flip", low=0.0, high=0.5)
    rng = np.random.default_rng(_check.integer(seed, "seed"))
    X, y = _data.dots(300, 2)
    y = y.astype(np.float64)
    flipped = rng.random(len(y)) < flip
    y[flipped] = 1.0 - y[flipped]
    rows = rng.permutation(len(y))
    tr, va = rows[:n_train], rows[n_train:]
    return (X[tr], y[tr]), (X[va], y[va])


@dataclass
class DotsRun:
    """One run of :func:`dots_run`.

    Attributes
    ----------
    name : str
    history : dict of ndarray (epochs,)
        ``loss``, ``accuracy``, ``auc`` on the training set and ``val_loss``, ``val_accuracy``,
        ``val_auc`` on the validation set after each epoch (Keras' ``History.history`` keys),
        and ``learning_rate`` (the rate used during each epoch).
    params : dict
        The final ``W1, b1, W2, b2``.
    """

    name: str
    history: dict
    params: dict
    info: dict = field(default_factory=dict)

    @property
    def epochs(self) -> int:
        return len(self.history["loss"])


def _dots_optimizer(optimizer, lr):
    if isinstance(optimizer, Optimizer):
        return optimizer
    names = ("sgd", "sgdm", "nag", "adam", "adamw", "rmsprop", "adagrad")
    name = _check.choice(optimizer, "optimizer", names)
    return _opt.get(name, lr) if lr is not None else _opt.get(name)


def _ranks_auc(z, y):
    """:func:`course_lib.nn.metrics.roc_auc` of every row of ``z`` (epochs, n) at once; rows with tied
    scores go through ``roc_auc`` itself (average ranks)."""
    pos = y == 1
    n_pos, n_neg = int(pos.sum()), int((~pos).sum())
    order = np.argsort(z, axis=1, kind="mergesort")
    ranks = np.empty_like(z)
    np.put_along_axis(ranks, order, np.arange(1, z.shape[1] + 1, dtype=np.float64)[None], axis=1)
    auc = (ranks[:, pos].sum(axis=1) - n_pos * (n_pos + 1) / 2.0) / (n_pos * n_neg)
    tied = np.any(np.diff(np.take_along_axis(z, order, axis=1), axis=1) == 0, axis=1)
    for e in np.flatnonzero(tied):
        auc[e] = _metrics.roc_auc(y, z[e])
    return auc


def _dots_logits(Ws, x):
    """The network's logits for every recorded epoch at once: ``(epochs, n)``."""
    W1, b1, W2, b2 = Ws
    h = np.maximum(np.einsum("nf,efh->enh", x, W1) + b1[:, None, :], 0)
    return np.einsum("enh,ehk->enk", h, W2)[..., 0] + b2


def _sigmoid(z):
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def dots_run(optimizer="adam", epochs=200, *, lr=None, hidden=32, batch_size=20, lam=0.0, plateau=None, seed=SEED,
             name=None, n_train=100, flip=0.1) -> DotsRun:
    """Train a 2 → ``hidden`` → 1 ReLU network on :func:`noisy_dots` with a binary cross-entropy on
    logits (``keras.losses.BinaryCrossentropy(from_logits=True)``), batches in order, and record
    what Keras' ``fit(..., validation_data=...)`` would log with ``metrics=["accuracy", "auc"]``.

    Parameters
    ----------
    optimizer : str or Optimizer
        ``"sgd"``, ``"sgdm"``, ``"nag"``, ``"adam"``, ``"adamw"``, ``"rmsprop"``, ``"adagrad"`` (Keras'
        defaults, ``lr`` if given) or an :class:`~course_lib.nn.optimizers.Optimizer`.
    epochs, hidden, batch_size : int
    lam : float
        L2 penalty ``lam·½(‖W1‖² + ‖W2‖²)`` in the loss (``tf.nn.l2_loss``), biases excluded (an
        optimizer's ``weight_decay`` leaves the biases alone too).
    plateau : dict, optional
        Reduce the learning rate when ``val_loss`` stops improving: the arguments of
        :class:`course_lib.nn.callbacks.ReduceLROnPlateau` (``factor``, ``patience``, ``min_lr``...).
    seed : int
        Initial weights (``course_lib.train.init_mlp(init="he")``) and the label noise.
    n_train, flip : int, float
        :func:`noisy_dots`' split and label noise.

    Used in 06b_optimizers_practice § 2 (tip 1) and 06c_optimizers_monitoring § 1–3 (tips 8, 9, 10),
    § 5 (weight decay) and its exercise 3. The loop is a documented hot kernel
    (:func:`_dots_epochs`), tested equal to :func:`course_lib.train.fit`. Several runs that share
    the data and the start train side by side with :func:`dots_runs` (the same numbers, faster).
    """
    if name is not None and not isinstance(name, str):
        raise TypeError(f"name must be a string or None, got {type(name).__name__}")
    label = name or (optimizer if isinstance(optimizer, str) else type(optimizer).__name__)
    return dots_runs({label: dict(optimizer=optimizer, lr=lr, lam=lam, plateau=plateau)}, epochs, hidden=hidden,
                     batch_size=batch_size, seed=seed, n_train=n_train, flip=flip)[label]


def dots_runs(runs, epochs=200, *, hidden=32, batch_size=20, seed=SEED, n_train=100, flip=0.1) -> dict:
    """Several :func:`dots_run` networks trained side by side: the same data, batches and initial
    weights, each with its own optimizer, ``lr``, ``lam`` and ``plateau``.

    Parameters
    ----------
    runs : dict
        ``{name: {"optimizer": ..., "lr": ..., "lam": ..., "plateau": ...}}`` (any key left out takes
        :func:`dots_run`'s default).
    epochs, hidden, batch_size, seed, n_train, flip :
        As :func:`dots_run`, shared by every run.

    Returns
    -------
    dict
        ``{name: DotsRun}`` (``DotsRun.name`` is the key), each equal, bit for bit, to the
        :func:`dots_run` with the same arguments (tested): the forward and backward passes of all
        networks are one stacked numpy operation per layer, each network then takes its own
        optimizer's step.
    """
    from .. import train as _train

    if not isinstance(runs, dict) or not runs:
        raise TypeError(f"runs must be a non-empty dict name -> dots_run arguments, got {_shown(runs)}")
    epochs = _check.integer(epochs, "epochs", low=1, high=100_000)
    hidden = _check.integer(hidden, "hidden", low=1, high=10_000)
    batch_size = _check.integer(batch_size, "batch_size", low=1)
    seed = _check.integer(seed, "seed")
    opts, lams, plateaus = [], [], []
    for name, spec in runs.items():
        if not isinstance(name, str) or not isinstance(spec, dict):
            raise TypeError(f"runs must map names (str) to dicts of dots_run arguments, got {name!r}: {_shown(spec)}")
        unknown = set(spec) - {"optimizer", "lr", "lam", "plateau"}
        if unknown:
            raise ValueError(f"runs[{name!r}]: unknown argument(s) {sorted(unknown)}; expected optimizer, lr, lam, "
                             "plateau")
        optimizer, lr, plateau = spec.get("optimizer", "adam"), spec.get("lr"), spec.get("plateau")
        lams.append(_check.non_negative(spec.get("lam", 0.0), "lam"))
        opt = _dots_optimizer(optimizer, None if lr is None else _learning_rate(lr, "lr"))
        if plateau is not None:
            if not isinstance(plateau, dict):
                raise TypeError(f"plateau must be a dict of ReduceLROnPlateau arguments, got {_shown(plateau)}")
            plateau = _callbacks.ReduceLROnPlateau(_check.positive(opt.current_learning_rate(), "lr"), **plateau)
            opt.learning_rate = plateau.learning_rate  # Keras keeps the rate in a float32 variable
        opts.append(opt)
        plateaus.append(plateau)
    train_set, val_set = noisy_dots(n_train, flip, seed)
    params = _train.init_mlp(2, hidden, 1, seed=seed, init="he")
    Ws, lrs, finals = _dots_epochs(params, opts, train_set, val_set, epochs, batch_size, lams, plateaus)
    out = {}
    for k, name in enumerate(runs):
        history = {}
        for prefix, (x, y) in (("", train_set), ("val_", val_set)):
            z = _dots_logits([w[k] for w in Ws], x)
            history[prefix + "loss"] = np.mean(np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z))), axis=1)
            history[prefix + "accuracy"] = np.mean((z > 0) == (y == 1), axis=1)
            history[prefix + "auc"] = _ranks_auc(z, y)
        history["learning_rate"] = lrs[k]
        out[name] = DotsRun(name, history, finals[k], {"seed": seed, "n_train": n_train, "flip": flip})
    return out


def _dots_epochs(p, opts, train_set, val_set, epochs, batch_size, lams, plateaus):
    """The training loop of :func:`dots_runs` (a documented hot kernel: every dots run of 06b and 06c).

    Forward and backward by hand for ``z = relu(x W1 + b1) W2 + b2`` and the BCE on logits (the
    gradient ``(σ(z) − y)/n``), plus ``lam·W`` for the penalty, for K networks at once: their
    parameters are rows of one array, each layer one stacked matmul (per network the same BLAS
    call as alone: bit-identical). Each network's optimizer then updates its own row -- as one
    packed variable when that gives the same numbers (:func:`_packable`), else as four views.
    Records the parameters after each epoch (the metrics are computed from them afterwards, all
    epochs at once) and the learning rate of each epoch; a network with a plateau rule gets its
    validation loss every epoch to drive it.

    Returns ``(Ws, lrs, finals)``: the four recorded parameters ``(K, epochs, ...)``, the rates
    ``(K, epochs)`` and each network's final ``{"W1", "b1", "W2", "b2"}``.
    """
    (xt, yt), (xv, yv) = train_set, val_set
    K, names = len(opts), ("W1", "b1", "W2", "b2")
    shapes = [p[n].shape for n in names]
    ends = np.cumsum([0] + [int(np.prod(s)) for s in shapes])
    theta = np.empty((K, ends[-1]))
    theta[:] = np.concatenate([p[n].ravel() for n in names])
    W1, b1, W2, b2 = (theta[:, a:b].reshape((K,) + s) for a, b, s in zip(ends[:-1], ends[1:], shapes))
    rows = [theta[k] for k in range(K)]  # one object per network: an optimizer keys its slots by the variable
    views = [[row[a:b].reshape(s) for a, b, s in zip(ends[:-1], ends[1:], shapes)] for row in rows]
    flat = []
    for opt, v in zip(opts, views):
        opt.exclude_from_weight_decay([v[1], v[3]])
        flat.append(_packable(opt))
    lam = np.array(lams, dtype=np.float64)[:, None, None]
    penalised = bool(np.any(lam))
    Ws = [np.empty((K, epochs) + s) for s in shapes]
    lrs = np.empty((K, epochs))
    watched = [k for k in range(K) if plateaus[k] is not None]
    batches = [(xt[s:s + batch_size], yt[s:s + batch_size, None]) for s in range(0, len(xt), batch_size)]
    W2T, hT = W2.transpose(0, 2, 1), None
    for e in range(epochs):
        for k, opt in enumerate(opts):
            lrs[k, e] = opt.current_learning_rate()
        for x, y in batches:
            z1 = x @ W1 + b1[:, None, :]
            h = np.maximum(z1, 0)
            d = (_sigmoid(h @ W2 + b2[:, None, :]) - y) / len(y)
            dz1 = (d @ W2T) * (z1 > 0)
            hT = h.transpose(0, 2, 1)
            gW1, gW2 = x.T @ dz1, hT @ d
            if penalised:  # lam = 0 adds exact zeros: the same numbers as no penalty
                gW1, gW2 = gW1 + lam * W1, gW2 + lam * W2
            gb1, gb2 = dz1.sum(1), d.sum(1)
            for k, opt in enumerate(opts):
                if flat[k]:
                    opt.apply_gradients(((np.concatenate((gW1[k].ravel(), gb1[k], gW2[k].ravel(), gb2[k])), rows[k]),))
                else:
                    v = views[k]
                    opt.apply_gradients(((gW1[k], v[0]), (gb1[k], v[1]), (gW2[k], v[2]), (gb2[k], v[3])))
        for rec, v in zip(Ws, (W1, b1, W2, b2)):
            rec[:, e] = v
        for k in watched:
            z = (np.maximum(xv @ views[k][0] + views[k][1], 0) @ views[k][2] + views[k][3])[:, 0]
            loss = float(np.mean(np.maximum(z, 0) - z * yv + np.log1p(np.exp(-np.abs(z)))))
            opts[k].learning_rate = plateaus[k].update(loss)
    finals = [{n: v.copy() for n, v in zip(names, views[k])} for k in range(K)]
    return Ws, lrs, finals


def _packable(opt):
    """True when updating the four parameters as one concatenated variable gives the same numbers as
    four variables: a fresh optimizer whose rule is element-wise with nothing per variable (no weight
    decay, which skips the biases; no clipping by norm; no moving average)."""
    from .ch06_optimizers import _StepOptimizer

    plain = type(opt) in (_opt.SGD, _opt.Adam, _opt.RMSprop, _opt.Adagrad, _StepOptimizer)
    return (plain and opt.iterations == 0 and not opt.weight_decay and not opt.use_ema
            and opt.clipnorm is None and opt.clipvalue is None and opt.global_clipnorm is None)


def early_stopping_view(run, patience=20):
    """Where ``EarlyStopping(monitor="val_loss", patience=patience, restore_best_weights=True)`` stops
    on a recorded :class:`DotsRun` (no training: the rule applied to ``run.history["val_loss"]``).

    Returns ``{"run", "marks": {"stop": epoch, "restored": epoch}, "caption"}``. Used by the patience
    slider of 06c_optimizers_monitoring § 3 (tip 10).
    """
    if not isinstance(run, DotsRun):
        raise TypeError(f"run must be a DotsRun (from dots_run), got {type(run).__name__}")
    patience = _check.integer(patience, "patience", high=100_000)
    h = run.history
    stopped, best = _callbacks.early_stopping_epoch(h["val_loss"], patience)
    marks = {"restored": best} if stopped is None else {"stop": stopped, "restored": best}
    end = "never stops" if stopped is None else f"stops after epoch {stopped + 1}"
    caption = (f"patience {patience}: {end}, restores epoch {best + 1} (val loss {h['val_loss'][best]:.3f}, "
               f"val accuracy {h['val_accuracy'][best]:.3f}, val AUC {h['val_auc'][best]:.3f})")
    return {"run": run, "marks": marks, "caption": caption}


# --------------------------------------------------------------------------------------------
# tip 11: local minima, and the convex case
# --------------------------------------------------------------------------------------------
def abs_fit_starts(n_starts=20, hidden=2, steps=600, lr=0.1, momentum=0.9, seed=SEED):
    """Fit ``y = |x|`` on 21 points of [−1, 1] with a ``hidden``-unit ReLU network from ``n_starts``
    random starts (``init_mlp(init="he")``, seeds ``seed, seed + 1, ...``), full-batch SGD with
    momentum, MSE loss; then a convex problem: the hidden layer fixed to the same
    ``relu(x), relu(x − 0.5), ...`` for every start and only the output layer trained from each
    start's own output weights (a linear least-squares fit: one minimum value for all).

    Two ReLU units can fit |x| exactly (relu(x) + relu(−x)); a start where a unit is dead or
    both units face the same way ends in a different, worse minimum that gradient descent
    cannot leave. Used in 06c_optimizers_monitoring § 4 (tip 11).

    Returns
    -------
    dict
        ``final`` (n_starts,) the loss at the end, ``curves`` (n_starts, steps + 1), and
        ``convex_final``, ``convex_curves`` for the output-layer-only runs.
    """
    from .. import train as _train

    n_starts = _check.integer(n_starts, "n_starts", low=1, high=1000)
    hidden = _check.integer(hidden, "hidden", low=1, high=100)
    steps = _check.integer(steps, "steps", low=1, high=100_000)
    lr, momentum = _check.non_negative(lr, "lr"), _check.number(momentum, "momentum", low=0.0, high=1.0)
    seed = _check.integer(seed, "seed")
    x = np.linspace(-1.0, 1.0, 21)[:, None]
    y = np.abs(x)
    starts = [_train.init_mlp(1, hidden, 1, seed=seed + i, init="he") for i in range(n_starts)]
    stacked = {k: np.stack([s[k] for s in starts]) for k in starts[0]}  # one leading axis per start
    out = {}
    for label, train_hidden in (("", True), ("convex_", False)):
        p = {k: v.copy() for k, v in stacked.items()}
        if not train_hidden:  # one fixed hidden layer for every start: relu(x), relu(x − 0.5), ...
            p["W1"][...] = 1.0
            p["b1"][...] = -0.5 * np.arange(hidden)
        curves = _abs_fit_kernel(p, x, y, steps, _opt.SGD(lr, momentum=momentum), train_hidden)
        out[label + "curves"], out[label + "final"] = curves, curves[:, -1].copy()
    return out


def _abs_fit_kernel(p, x, y, steps, opt, train_hidden):
    """Full-batch gradient descent for every start at once (the starts are a leading axis of each
    parameter; the optimizers are element-wise, so one optimizer serves them all)."""
    n = len(x)
    curves = np.empty((p["W1"].shape[0], steps + 1))
    for k in range(steps + 1):
        z1 = x[None] @ p["W1"] + p["b1"][:, None, :]            # (S, n, H)
        h = np.maximum(z1, 0)
        diff = h @ p["W2"] + p["b2"][:, None, :] - y[None]       # (S, n, 1)
        curves[:, k] = np.mean(diff[..., 0] ** 2, axis=1)
        if k == steps:
            break
        d = diff * (2.0 / n)
        pairs = [(np.swapaxes(h, 1, 2) @ d, p["W2"]), (d.sum(1), p["b2"])]
        if train_hidden:
            dz1 = (d @ np.swapaxes(p["W2"], 1, 2)) * (z1 > 0)
            pairs += [(np.swapaxes(x[None], 1, 2) @ dz1, p["W1"]), (dz1.sum(1), p["b1"])]
        opt.apply_gradients(pairs)
    return curves
