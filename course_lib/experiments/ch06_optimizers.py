"""The course's experiments as plain functions returning results (numpy; TF only where stated).

Each chapter appends its own section below.

Chapter 06 – the iris optimizer comparison (PKU notes, class2 p32–p40)
----------------------------------------------------------------------
* :func:`iris_optimizers` – the course's five runs (SGD, SGDM, Adagrad, RMSProp, Adam), in
  vectorised numpy float32; the final losses match the course's to 1e-5.
* :func:`fit_iris` – one run of the same model with any optimizer and the notes' practical
  tips as options (shuffle every epoch, early stopping, switching optimizer mid-way,
  a training subset, other initial weights).
* :func:`iris_optimizers_course_tf` – the course's own TF-eager loop (``tf.data`` batches,
  ``GradientTape``, ``assign_sub``), line for line, to check the numpy runs against it and
  to measure how much faster they are.
"""

from __future__ import annotations

import copy
import time
from dataclasses import dataclass, field

import numpy as np

from .. import data as _data
from .. import optimizers as _opt

__all__ = ["IRIS_W1_INIT", "IRIS_B1_INIT", "iris_initial_weights", "IrisRun", "fit_iris", "iris_optimizers",
           "iris_restarts", "iris_optimizers_course_tf", "iris_forward_backward", "COURSE_IRIS_RESULTS"]

# ============================================================================================
# Chapter 06 – iris optimizers
# ============================================================================================

#: ``w1`` the course starts from: ``tf.random.set_seed(116)``, then
#: ``tf.random.truncated_normal([4, 3], stddev=0.1, seed=1)`` (float32; tests/test_experiments.py
#: draws it with TensorFlow and checks every bit).
IRIS_W1_INIT = np.array([[0.08249953, -0.0683137, 0.19668601],
                         [-0.05480815, 0.045705207, 0.1357149],
                         [0.07750896, -0.16734955, -0.10294553],
                         [0.15784004, -0.13311003, 0.060453128]], dtype=np.float32)
#: ``b1``: the next draw, ``tf.random.truncated_normal([3], stddev=0.1, seed=1)``.
IRIS_B1_INIT = np.array([-0.09194934, -0.123769484, -0.053814966], dtype=np.float32)

#: What the course reports (``../shared/reference/course-results.md``): final loss, test accuracy,
#: and the three students' total times in seconds. RMSProp's loss was NaN.
COURSE_IRIS_RESULTS = {
    "sgd": (0.032300276681780815, 1.0, (12.70, 12.68, 16.27)),
    "sgdm": (0.030630568508058786, 1.0, (10.62, 17.32, 12.10)),
    "adagrad": (0.03173917159438133, 1.0, (7.39, 13.08, 25.28)),
    "rmsprop": (float("nan"), 0.3667, (12.02, 16.43, 19.53)),
    "adam": (0.013926223502494395, 1.0, (8.11, 22.04, 43.83)),
}

_DISPLAY = {"sgd": "SGD", "sgdm": "SGDM", "adagrad": "Adagrad", "rmsprop": "RMSProp", "adam": "Adam"}


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
    ``∂L/∂b1 = Σ_rows ∂L/∂z``. Tests check it against ``tf.GradientTape``.

    Returns
    -------
    loss : float32, grad_w1 : (4, 3), grad_b1 : (3,)
    """
    x = _opt._array(x, "x").astype(np.float32)
    y_onehot = _opt._array(y_onehot, "y_onehot").astype(np.float32)
    w1, b1 = _opt._array(w1, "w1"), _opt._array(b1, "b1")
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


def _check_int(value, name, low):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
        raise ValueError(f"{name} must be an integer >= {low}, got {_opt._show(value)}")
    return int(value)


def fit_iris(optimizer="sgd", epochs=500, *, lr=0.1, batch_size=32, shuffle=False, seed=0, weights=None,
             n_train=120, switch=None, patience=None, monitor="loss", min_delta=0.0, name=None) -> IrisRun:
    """Train the course's iris model (Dense 4→3, softmax, MSE on one-hot labels) in numpy float32.

    Parameters
    ----------
    optimizer : str or Optimizer
        A name of the course's rules (``"sgd"``, ``"sgdm"``, ``"adagrad"``, ``"rmsprop"``, ``"adam"``,
        built with ``lr``) or any :class:`course_lib.optimizers.Optimizer` (used as given, state and all).
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
        Early stopping: stop once ``monitor`` has not improved by more than ``min_delta`` for
        ``patience`` epochs, and keep the best epoch's weights (Keras' ``EarlyStopping`` with
        ``restore_best_weights=True``).
    monitor : {"loss", "test_loss"}
        What early stopping watches.
    min_delta : float
        Smallest change that counts as an improvement.
    name : str, optional
        Label of the run (default: the optimizer's name).

    Returns
    -------
    IrisRun
    """
    epochs = _check_int(epochs, "epochs", 1)
    batch_size = _check_int(batch_size, "batch_size", 1)
    n_train = _check_int(n_train, "n_train", 1)
    if n_train > 120:
        raise ValueError(f"n_train must be <= 120 (the course's training set), got {n_train}")
    if not isinstance(monitor, str) or monitor not in ("loss", "test_loss"):
        raise ValueError(f"monitor must be 'loss' or 'test_loss', got {_opt._show(monitor)}")
    if patience is not None:
        patience = _check_int(patience, "patience", 0)
    min_delta = _opt._positive(min_delta, "min_delta", allow_zero=True)
    shuffle = _opt._flag(shuffle, "shuffle")
    seed = _opt._int(seed, "seed", 0)
    if name is not None and not isinstance(name, str):
        raise TypeError(f"name must be a string or None, got {type(name).__name__}")
    lr = _opt._learning_rate(lr, "lr")
    opt = _as_optimizer(optimizer, lr, "optimizer")
    if switch is not None:
        if not (isinstance(switch, (tuple, list)) and len(switch) == 2):
            raise TypeError(f"switch must be a tuple (epoch, optimizer), got {_opt._show(switch)}")
        switch = (_check_int(switch[0], "switch", 0), _as_optimizer(switch[1], lr, "switch"))
    label = name or (optimizer if isinstance(optimizer, str) else type(optimizer).__name__)

    (x_tr, y_tr), (x_te, y_te) = _data.iris()
    x_tr, y_tr = x_tr[:n_train], y_tr[:n_train]
    eye = np.eye(3, dtype=np.float32)
    xa_all, Y_all = _augment(x_tr), eye[y_tr]
    xa_te, Y_te = _augment(x_te), eye[y_te]
    if weights is None:
        w1, b1 = iris_initial_weights()
    else:
        if not (isinstance(weights, (tuple, list)) and len(weights) == 2):
            raise TypeError(f"weights must be a pair (w1, b1), got {_opt._show(weights)}")
        w1, b1 = _opt._array(weights[0], "weights"), _opt._array(weights[1], "weights")
    if w1.shape != (4, 3) or b1.shape != (3,):
        raise ValueError(f"weights must be (w1 (4, 3), b1 (3,)), got shapes {w1.shape} and {b1.shape}")
    W = np.concatenate([w1.astype(np.float32), b1.astype(np.float32)[None]], axis=0)

    def batches_of(order):
        out = []
        for s in range(0, n_train, batch_size):
            idx = slice(s, s + batch_size) if order is None else order[s: s + batch_size]
            xa = np.ascontiguousarray(xa_all[idx])
            Y = Y_all[idx]
            out.append((xa, np.ascontiguousarray(xa.T), Y, np.float32(2.0 / Y.size)))
        return out

    fixed = batches_of(None)
    n_b = len(fixed)
    rng = np.random.default_rng(seed)
    loss = np.empty(epochs)
    step_loss = np.empty(epochs * n_b, dtype=np.float32)
    Ws = np.empty((epochs, 5, 3), dtype=np.float32)
    best, best_epoch, best_W, stopped = np.inf, -1, None, None
    t0 = time.perf_counter()
    k = 0
    with np.errstate(all="ignore"):  # RMSProp without epsilon divides 0 by 0, as in the course
        for epoch in range(epochs):
            if switch is not None and epoch == switch[0]:
                opt = switch[1]
            batches = batches_of(rng.permutation(n_train)) if shuffle else fixed
            total = 0.0
            for xa, xaT, Y, scale in batches:
                lb, gW = _loss_grad(xa, xaT, Y, scale, W)
                opt.apply_gradients(((gW, W),))
                step_loss[k] = lb
                total += float(lb)
                k += 1
            loss[epoch] = total / n_b
            Ws[epoch] = W
            if patience is not None:
                value = loss[epoch] if monitor == "loss" else _test_loss(xa_te, Y_te, W)
                if value < best - min_delta:
                    best, best_epoch, best_W = value, epoch, W.copy()
                elif epoch - best_epoch >= patience:
                    stopped = epoch
                    break
    elapsed = time.perf_counter() - t0
    n = epoch + 1
    loss, Ws, step_loss = loss[:n], Ws[:n], step_loss[:k]
    with np.errstate(all="ignore"):
        P = _softmax_rows(np.einsum("nf,efc->enc", xa_te, Ws))  # every epoch's test predictions at once
        test_acc = (P.argmax(axis=2) == y_te).mean(axis=1)
        test_loss = ((P - Y_te) ** 2).mean(axis=(1, 2))
    if stopped is not None:
        W = best_W
    return IrisRun(label, loss, test_acc, test_loss, step_loss, W[:4].copy(), W[4].copy(), elapsed, stopped,
                   {"best_epoch": best_epoch if patience is not None else None, "n_train": n_train,
                    "batches_per_epoch": n_b})


def _test_loss(xa, Y, W):
    p = _softmax_rows(xa @ W)
    return float(np.mean((p - Y) ** 2))


def _as_optimizer(value, lr, name):
    if isinstance(value, _opt.Optimizer):
        return value
    if isinstance(value, str):
        if value.lower() not in _opt.COURSE_NAMES:
            raise ValueError(f"{name} must be one of {_opt.COURSE_NAMES} or an Optimizer, got {value!r}")
        return _opt.get(value, lr, course=True)
    raise TypeError(f"{name} must be an optimizer name or a course_lib.optimizers.Optimizer, "
                    f"got {type(value).__name__}")


def _check_names(names):
    if isinstance(names, str):
        names = (names,)
    if not isinstance(names, (tuple, list)):
        raise TypeError(f"names must be a tuple of names from {_opt.COURSE_NAMES}, got {_opt._show(names)}")
    names = tuple(names)
    for n in names:
        if not isinstance(n, str) or n not in _opt.COURSE_NAMES:
            raise ValueError(f"names must be taken from {_opt.COURSE_NAMES}, got {n!r}")
    if not names:
        raise ValueError("names must not be empty")
    return names


def iris_optimizers(names=("sgd", "sgdm", "adagrad", "rmsprop", "adam"), epochs=500, lr=0.1, *,
                    flush_to_zero=True) -> dict:
    """The course's iris comparison: each optimizer from the same start, with the course's rules.

    One Dense layer 4→3 with softmax, MSE against one-hot labels, the 120 training flowers in
    batches of 32 in order, weights from ``tf.random.truncated_normal(stddev=0.1, seed=1)``
    after ``tf.random.set_seed(116)``, and the course's hand-written updates (see
    :func:`course_lib.optimizers.get` with ``course=True``): SGD; SGDM ``m = 0.9m + 0.1g``;
    Adagrad and RMSProp without ε; Adam with bias correction on the global batch count.

    ``flush_to_zero`` (default True) makes the rules without ε treat subnormal numbers as 0,
    as TensorFlow's CPU kernels do: the course's RMSProp then ends in NaN as the course's did;
    with ``False`` (IEEE arithmetic, numpy's default) it survives. The other four runs do not
    depend on it.

    Returns
    -------
    dict
        ``name -> IrisRun``, in the order of ``names``.
    """
    names = _check_names(names)
    epochs = _check_int(epochs, "epochs", 1)
    lr = _opt._learning_rate(lr, "lr")
    _opt._flag(flush_to_zero, "flush_to_zero")
    runs = {}
    for n in names:
        extra = {"flush_to_zero": flush_to_zero} if n in ("adagrad", "rmsprop", "adam") else {}
        runs[n] = fit_iris(_opt.get(n, lr, course=True, **extra), epochs, name=_DISPLAY[n])
    return runs


def iris_restarts(optimizer="sgd", n_starts=8, epochs=100, *, lr=0.1, stddev=1.0, seed=0) -> list:
    """Several random initialisations of the iris model (``w, b ~ N(0, stddev²)``, truncated at 2σ).

    Returns the list of :class:`IrisRun`; the notes' tip is to keep the best (lowest loss).
    """
    n_starts = _check_int(n_starts, "n_starts", 1)
    epochs = _check_int(epochs, "epochs", 1)
    stddev = _opt._positive(stddev, "stddev")
    lr = _opt._learning_rate(lr, "lr")
    _as_optimizer(optimizer, lr, "optimizer")  # checked once, built fresh for every start
    rng = np.random.default_rng(_opt._int(seed, "seed", 0))
    runs = []
    for i in range(n_starts):
        w = rng.normal(0.0, stddev, size=15)
        while np.any(bad := np.abs(w) > 2 * stddev):  # truncated normal, as tf.random.truncated_normal
            w[bad] = rng.normal(0.0, stddev, size=int(bad.sum()))
        w = w.astype(np.float32)
        fresh = copy.deepcopy(optimizer)  # an Optimizer instance must not carry its state from start to start
        runs.append(fit_iris(fresh, epochs, lr=lr, weights=(w[:12].reshape(4, 3), w[12:]), name=f"start {i}"))
    return runs


def iris_optimizers_course_tf(names=("sgd", "sgdm", "adagrad", "rmsprop", "adam"), epochs=500, lr=0.1) -> dict:
    """The course's own TensorFlow-eager loop, line for line (slow: about the course's speed).

    For each optimizer, as the course's ``class2/p3x_*.py`` scripts do: ``tf.random.set_seed(116)``,
    ``w1, b1 = tf.Variable(tf.random.truncated_normal(..., stddev=0.1, seed=1))``,
    ``tf.data.Dataset.from_tensor_slices(...).batch(32)``, a ``tf.GradientTape`` per batch,
    the hand-written update with ``assign_sub``, ``loss_all += loss.numpy()``, and a test pass
    after every epoch. Resets TensorFlow's global seed to 116 (as the course does).

    Returns
    -------
    dict
        ``name -> IrisRun`` (``step_loss`` holds the batch losses; ``w1``/``b1`` the final weights).
    """
    names = _check_names(names)
    epochs = _check_int(epochs, "epochs", 1)
    lr = _opt._positive(lr, "lr", allow_zero=True)
    from .. import import_tf

    tf = import_tf()
    (x_train, y_train), (x_test, y_test) = _data.iris()
    x_train = tf.cast(x_train, tf.float32)
    x_test = tf.cast(x_test, tf.float32)
    train_db = tf.data.Dataset.from_tensor_slices((x_train, y_train)).batch(32)
    test_db = tf.data.Dataset.from_tensor_slices((x_test, y_test)).batch(32)
    return {n: _course_tf_run(tf, n, train_db, test_db, epochs, lr) for n in names}


def _course_tf_run(tf, name, train_db, test_db, epochs, lr):
    tf.random.set_seed(116)
    w1 = tf.Variable(tf.random.truncated_normal([4, 3], stddev=0.1, seed=1))
    b1 = tf.Variable(tf.random.truncated_normal([3], stddev=0.1, seed=1))
    train_loss_results, test_acc, step_losses = [], [], []
    loss_all = 0.0  # the course's `0` became float64 once a numpy float32 was added (numpy < 2)
    m_w, m_b, v_w, v_b = 0, 0, 0, 0
    beta, beta1, beta2 = 0.9, 0.9, 0.999
    global_step = 0
    now_time = time.time()
    for _epoch in range(epochs):
        for _step, (x_tr, y_tr) in enumerate(train_db):
            global_step += 1
            with tf.GradientTape() as tape:
                y = tf.matmul(x_tr, w1) + b1
                y = tf.nn.softmax(y)
                y_ = tf.one_hot(y_tr, depth=3)
                loss = tf.reduce_mean(tf.square(y_ - y))
                loss_all += float(loss.numpy())
                step_losses.append(loss.numpy())
            grads = tape.gradient(loss, [w1, b1])
            if name == "sgd":
                w1.assign_sub(lr * grads[0])
                b1.assign_sub(lr * grads[1])
            elif name == "sgdm":
                m_w = beta * m_w + (1 - beta) * grads[0]
                m_b = beta * m_b + (1 - beta) * grads[1]
                w1.assign_sub(lr * m_w)
                b1.assign_sub(lr * m_b)
            elif name == "adagrad":
                v_w += tf.square(grads[0])
                v_b += tf.square(grads[1])
                w1.assign_sub(lr * grads[0] / tf.sqrt(v_w))
                b1.assign_sub(lr * grads[1] / tf.sqrt(v_b))
            elif name == "rmsprop":
                v_w = beta * v_w + (1 - beta) * tf.square(grads[0])
                v_b = beta * v_b + (1 - beta) * tf.square(grads[1])
                w1.assign_sub(lr * grads[0] / tf.sqrt(v_w))
                b1.assign_sub(lr * grads[1] / tf.sqrt(v_b))
            else:  # adam
                m_w = beta1 * m_w + (1 - beta1) * grads[0]
                m_b = beta1 * m_b + (1 - beta1) * grads[1]
                v_w = beta2 * v_w + (1 - beta2) * tf.square(grads[0])
                v_b = beta2 * v_b + (1 - beta2) * tf.square(grads[1])
                m_w_correction = m_w / (1 - tf.pow(beta1, int(global_step)))
                m_b_correction = m_b / (1 - tf.pow(beta1, int(global_step)))
                v_w_correction = v_w / (1 - tf.pow(beta2, int(global_step)))
                v_b_correction = v_b / (1 - tf.pow(beta2, int(global_step)))
                w1.assign_sub(lr * m_w_correction / tf.sqrt(v_w_correction))
                b1.assign_sub(lr * m_b_correction / tf.sqrt(v_b_correction))
        train_loss_results.append(loss_all / 4)
        loss_all = 0.0
        total_correct, total_number = 0, 0
        for x_te, y_te in test_db:
            y = tf.matmul(x_te, w1) + b1
            y = tf.nn.softmax(y)
            pred = tf.argmax(y, axis=1)
            pred = tf.cast(pred, dtype=y_te.dtype)
            correct = tf.cast(tf.equal(pred, y_te), dtype=tf.int32)
            correct = tf.reduce_sum(correct)
            total_correct += int(correct)
            total_number += x_te.shape[0]
        test_acc.append(total_correct / total_number)
    total_time = time.time() - now_time
    return IrisRun(_DISPLAY[name], np.array(train_loss_results), np.array(test_acc), np.full(epochs, np.nan),
                   np.array(step_losses, dtype=np.float32), w1.numpy(), b1.numpy(), total_time)
