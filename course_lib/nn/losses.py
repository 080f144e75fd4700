"""Loss functions (损失函数), from scratch in numpy.

Where Keras or ``tf.nn`` has the same function, ours has its name, arguments, defaults,
probability clipping (``keras.config.epsilon() = 1e-7``) and per-sample shape: the Keras
function forms reduce over the last axis (``mean`` for the regression losses and binary
cross-entropy, ``sum`` over classes for the categorical ones). ``float32`` in gives
``float32`` out (as TensorFlow does); any other numeric input gives ``float64``.

Every function is numerically safe: logits of ±1000 and probabilities of exactly 0 and 1
give finite values without overflow warnings. Bad input raises ``ValueError`` (bad value) or
``TypeError`` (bad type) naming the argument.

Contents
--------
* regression: :func:`mean_squared_error`, :func:`huber`, :func:`smooth_l1`, :func:`yogurt_loss`
* classification: :func:`binary_crossentropy`, :func:`categorical_crossentropy`,
  :func:`sparse_categorical_crossentropy`, :func:`softmax_cross_entropy_with_logits`,
  :func:`sparse_softmax_cross_entropy_with_logits`, :func:`binary_focal_crossentropy`,
  :func:`categorical_focal_crossentropy`, :func:`naive_softmax_cross_entropy` (the unstable form, for the demo)
* boxes ``[..., 4] = (x1, y1, x2, y2)``: :func:`iou`, :func:`giou`, :func:`diou`, :func:`ciou` and
  :func:`iou_loss`, :func:`giou_loss`, :func:`diou_loss`, :func:`ciou_loss` (:data:`BOX_LOSSES`);
  :func:`box_loss_gradient` (central differences)

The sigmoid and the softmax come from :mod:`course_lib.nn.activations`; the fused, stable
binary cross-entropy from logits is written once (``_bce_from_logits``).
"""

from __future__ import annotations

import math

import numpy as np

from .. import _check
from .activations import sigmoid, softmax

__all__ = [
    # regression
    "mean_squared_error", "huber", "smooth_l1", "yogurt_loss", "pinball_loss",
    # classification
    "binary_crossentropy", "categorical_crossentropy", "sparse_categorical_crossentropy",
    "softmax_cross_entropy_with_logits", "sparse_softmax_cross_entropy_with_logits",
    "binary_focal_crossentropy", "categorical_focal_crossentropy", "naive_softmax_cross_entropy",
    "EPSILON",
    # boxes
    "iou", "giou", "diou", "ciou", "iou_loss", "giou_loss", "diou_loss", "ciou_loss", "BOX_LOSSES",
    "box_loss_gradient",
]

#: Keras' fuzz factor ``keras.config.epsilon()``: probabilities are clipped to [ε, 1 − ε].
EPSILON = 1e-7


# ----------------------------------------------------------------------------------------------
# argument checks (the generic ones are in course_lib._check)
# ----------------------------------------------------------------------------------------------
def _same_rank(t, p):
    """Keras' ``squeeze_or_expand_to_same_rank``: ranks that differ by one, with a last axis of 1, are matched.

    ``(n,)`` with ``(n, 1)``: the rank-1 array gains the axis (both ``(n, 1)``); ``(b, n)`` with
    ``(b, n, 1)``: the rank-3 array loses it. Anything else is left as it is.
    """
    if t.ndim == p.ndim + 1 and t.shape[-1:] == (1,):
        return (t, p[..., None]) if p.ndim == 1 else (t[..., 0], p)
    if p.ndim == t.ndim + 1 and p.shape[-1:] == (1,):
        return (t[..., None], p) if t.ndim == 1 else (t, p[..., 0])
    return t, p


def _pair(y_true, y_pred, names=("y_true", "y_pred"), min_ndim=0, match_rank=False):
    """Both arrays as floats of y_pred's dtype, with equal shapes (after Keras' rank matching if asked)."""
    p = _check.as_float(y_pred, names[1])
    t = _check.as_float(y_true, names[0]).astype(p.dtype, copy=False)
    if match_rank:
        t, p = _same_rank(t, p)
    if t.shape != p.shape:
        hint = ""
        if abs(t.ndim - p.ndim) == 1 and (t.shape[-1:] == (1,) or p.shape[-1:] == (1,)):
            hint = (" (numpy would broadcast them to a matrix of every pair; reshape one of them, e.g. "
                    f"{names[1]}.reshape({names[0]}.shape))")
        raise ValueError(f"{names[0]} and {names[1]} must have the same shape, got "
                         f"{names[0]}.shape={t.shape} and {names[1]}.shape={p.shape}{hint}")
    if p.ndim < min_ndim:
        raise ValueError(f"{names[1]} must have at least {min_ndim} dimension(s), got shape {p.shape}")
    if min_ndim and p.shape[-1] == 0:  # the axis the loss reduces: its mean or log-sum-exp needs a value
        raise ValueError(f"{names[1]} must have at least one value along its last axis, got shape {p.shape}")
    return t, p


def _alpha(alpha, dtype):
    if isinstance(alpha, (str, bytes, bool)) or alpha is None:
        raise TypeError(f"alpha must be a number or a list of numbers, got {alpha!r}")
    try:
        a = np.asarray(alpha, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError("alpha must be a number or a list of numbers") from None
    if a.ndim > 1:
        raise ValueError(f"alpha must be a number or a flat list of numbers, got shape {a.shape}")
    if not np.all(np.isfinite(a)) or np.any((a < 0) | (a > 1)):
        raise ValueError(f"alpha must be in [0, 1], got {alpha!r}")
    return a.astype(dtype)


def _smooth(label_smoothing):
    return _check.number(label_smoothing, "label_smoothing", low=0.0, high=1.0)


def _c(value, dtype):
    """A Python constant in the working dtype (TF converts constants to the tensor's dtype)."""
    return np.asarray(value, dtype=dtype)


# ----------------------------------------------------------------------------------------------
# numerically safe building blocks
# ----------------------------------------------------------------------------------------------
def _log_softmax(z, axis=-1):
    """``z − max z − log Σ e^{z − max z}`` (the log-sum-exp trick): never inf or nan for finite z."""
    m = np.max(z, axis=axis, keepdims=True)
    m = np.where(np.isfinite(m), m, 0)
    s = z - m
    return s - np.log(np.sum(np.exp(s), axis=axis, keepdims=True))


def _clip(p):
    eps = _c(EPSILON, p.dtype)
    return np.clip(p, eps, _c(1.0 - EPSILON, p.dtype))


def _bce_probs(t, p):
    """Keras' element-wise binary cross-entropy from probabilities (clipped to [ε, 1 − ε])."""
    p = _clip(p)
    return -(t * np.log(p) + (1 - t) * np.log(1 - p))


def _bce_from_logits(t, z):
    """``tf.nn.sigmoid_cross_entropy_with_logits``: ``max(z, 0) − z·t + log(1 + e^{−|z|})``, exact for any z."""
    return np.maximum(z, 0) - z * t + np.log1p(np.exp(-np.abs(z)))


# ----------------------------------------------------------------------------------------------
# regression
# ----------------------------------------------------------------------------------------------
def mean_squared_error(y_true, y_pred):
    """Mean squared error over the last axis, as ``keras.losses.mean_squared_error``.

    .. math:: \\mathrm{MSE} = \\frac{1}{n}\\sum_i (y_i - \\hat y_i)^2

    Shapes as in Keras: ``y_true`` and ``y_pred`` have one shape, or ranks that differ by one
    with a last axis of 1 (``(n,)`` with ``(n, 1)``), which are matched first as Keras'
    ``squeeze_or_expand_to_same_rank`` does – plain numpy would broadcast ``(n,) − (n, 1)`` to an
    ``(n, n)`` matrix of every pair and average that. Any other mismatch is refused.

    Parameters
    ----------
    y_true, y_pred : array_like, shape ``[..., n]`` (see above)

    Returns
    -------
    ndarray, shape ``[...]`` (a scalar for 1-D input; ``(n,)`` for ``(n,)`` with ``(n, 1)``)
    """
    t, p = _pair(y_true, y_pred, min_ndim=1, match_rank=True)
    return np.mean(np.square(t - p), axis=-1)


def huber(y_true, y_pred, delta=1.0):
    """Huber loss over the last axis, as ``keras.losses.huber`` (Huber, "Robust estimation of a
    location parameter", Ann. Math. Statist. 1964).

    .. math:: L_\\delta(e) = \\begin{cases} \\tfrac12 e^2 & |e| \\le \\delta \\\\
              \\delta |e| - \\tfrac12 \\delta^2 & |e| > \\delta \\end{cases},\\quad e = \\hat y - y

    averaged over the last axis: quadratic near zero, linear (robust to outliers) far away.

    Parameters
    ----------
    y_true, y_pred : array_like, same shape (ranks matched as :func:`mean_squared_error` does)
    delta : float, >= 0
        Where the quadratic part turns linear.
    """
    t, p = _pair(y_true, y_pred, min_ndim=1, match_rank=True)
    delta = _c(_check.non_negative(delta, "delta"), p.dtype)
    e = p - t
    a = np.abs(e)
    half = _c(0.5, p.dtype)
    return np.mean(np.where(a <= delta, half * np.square(e), delta * a - half * np.square(delta)), axis=-1)


def smooth_l1(y_true, y_pred, beta=1.0):
    """Smooth L1 loss of Fast R-CNN (Girshick, ICCV 2015), mean over the last axis.

    .. math:: \\mathrm{smooth}_{L1}(x) = \\begin{cases} 0.5 x^2/\\beta & |x| < \\beta \\\\
              |x| - 0.5\\beta & \\text{otherwise} \\end{cases}

    It equals ``huber(y_true, y_pred, delta=beta) / beta``; ``beta = 0`` gives the L1 loss
    (the convention of ``torch.nn.functional.smooth_l1_loss``). Keras has no such function.

    Parameters
    ----------
    y_true, y_pred : array_like, same shape (ranks matched as :func:`mean_squared_error` does)
    beta : float, >= 0
    """
    t, p = _pair(y_true, y_pred, min_ndim=1, match_rank=True)
    b = _check.non_negative(beta, "beta")
    a = np.abs(p - t)
    if b == 0.0:
        return np.mean(a, axis=-1)
    beta_ = _c(b, p.dtype)
    return np.mean(np.where(a < beta_, _c(0.5, p.dtype) * np.square(a) / beta_, a - _c(0.5 * b, p.dtype)), axis=-1)


def yogurt_loss(y_true, y_pred, cost=1.0, profit=99.0):
    """The course's custom loss for yogurt sales: over-stocking costs ``cost``, under-stocking ``profit``.

    .. math:: L = \\sum_i \\begin{cases} (\\hat y_i - y_i)\\,\\mathrm{COST} & \\hat y_i > y_i \\\\
              (y_i - \\hat y_i)\\,\\mathrm{PROFIT} & \\text{otherwise} \\end{cases}

    the course's ``tf.reduce_sum(tf.where(tf.greater(y, y_), (y - y_)*COST, (y_ - y)*PROFIT))``:
    a sum over every element (a scalar). Its minimiser is the ``profit / (cost + profit)``
    quantile regression (Koenker & Bassett, "Regression quantiles", Econometrica 1978):
    predictions sit above that share of the samples.

    Parameters
    ----------
    y_true, y_pred : array_like, same shape
    cost, profit : float, >= 0
        Price of one unit predicted too many / too few.
    """
    t, p = _pair(y_true, y_pred)
    cost = _c(_check.non_negative(cost, "cost"), p.dtype)
    profit = _c(_check.non_negative(profit, "profit"), p.dtype)
    return np.sum(np.where(p > t, (p - t) * cost, (t - p) * profit))


def pinball_loss(y_true, y_pred, tau=0.5):
    """The pinball (quantile) loss, mean over the last axis: one value per sample, like a Keras loss.

    .. math:: \\rho_\\tau(y, \\hat y) = \\tau\\,\\max(y - \\hat y, 0) + (1 - \\tau)\\,\\max(\\hat y - y, 0)

    Minimising its sum fits the ``tau`` quantile (Koenker & Bassett, "Regression quantiles",
    Econometrica 1978). :func:`yogurt_loss` is ``(cost + profit) · Σ ρ_τ`` with
    ``τ = profit / (cost + profit)``. Keras has no such loss (TensorFlow Addons had
    ``tfa.losses.PinballLoss``): 04_losses exercise 5 writes it as a ``keras.losses.Loss``
    subclass and checks it against this function.

    Parameters
    ----------
    y_true, y_pred : array_like, shape ``[..., n]`` (ranks matched as in :func:`mean_squared_error`)
    tau : float in [0, 1]
        The quantile: an under-prediction costs ``tau``, an over-prediction ``1 − tau`` per unit.

    Returns
    -------
    ndarray, shape ``[...]``
    """
    t, p = _pair(y_true, y_pred, min_ndim=1, match_rank=True)
    tau = _c(_check.number(tau, "tau", low=0.0, high=1.0), p.dtype)
    d = t - p
    return np.mean(np.where(d > 0, tau * d, (tau - 1) * d), axis=-1)


# ----------------------------------------------------------------------------------------------
# classification
# ----------------------------------------------------------------------------------------------
def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """Binary cross-entropy, mean over ``axis``, as ``keras.losses.binary_crossentropy``.

    .. math:: \\mathrm{BCE} = -\\big[y\\log p + (1-y)\\log(1-p)\\big]

    From probabilities, ``p`` is clipped to ``[ε, 1 − ε]`` (ε = 1e-7) as Keras does, so
    ``p = 0`` or ``1`` gives at most ``−log ε ≈ 16.1``. From logits ``z`` the fused form
    ``max(z, 0) − z·y + log(1 + e^{−|z|})`` (``tf.nn.sigmoid_cross_entropy_with_logits``)
    is exact for any ``z``. Also called *log loss* (logloss).

    Parameters
    ----------
    y_true : array_like
        Targets in [0, 1].
    y_pred : array_like, same shape
        Probabilities, or logits when ``from_logits``.
    from_logits : bool
    label_smoothing : float in [0, 1]
        Targets become ``y·(1 − s) + 0.5·s``.
    axis : int
        The axis the mean runs over.
    """
    t, p = _pair(y_true, y_pred, min_ndim=1)
    from_logits = _check.flag(from_logits, "from_logits")
    s = _smooth(label_smoothing)
    axis = _check.axis(axis, p.ndim)
    if s:
        t = t * _c(1.0 - s, p.dtype) + _c(0.5 * s, p.dtype)
    bce = _bce_from_logits(t, p) if from_logits else _bce_probs(t, p)
    return np.mean(bce, axis=axis)


def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """Categorical cross-entropy over ``axis``, as ``keras.losses.categorical_crossentropy``.

    .. math:: \\mathrm{CE}(y, p) = -\\sum_k y_k \\log p_k = H(y) + \\mathrm{KL}(y \\,\\|\\, p)

    It measures how far the prediction ``p`` is from the target distribution ``y``, but it is
    not a distance: ``CE(y, y) = H(y)`` is 0 only for a one-hot ``y``, and ``CE(y, p) ≠ CE(p, y)``.

    From probabilities, Keras first rescales ``p`` to sum to 1 along ``axis``, then clips to
    ``[ε, 1 − ε]``. From logits it is :func:`softmax_cross_entropy_with_logits`
    (log-softmax through the log-sum-exp trick: never inf or nan).

    ``label_smoothing = s`` turns the targets into ``y·(1 − s) + s/K`` with ``K`` the number of
    classes, the size of ``axis`` (Szegedy et al., "Rethinking the Inception Architecture",
    CVPR 2016). Keras up to 3.15 divides by the size of the *last* axis whatever ``axis`` is
    (fixed upstream in keras-team/keras#23437); we divide by the size of ``axis``, so with
    ``axis != -1`` our values are the fixed Keras', not Keras 3.15's.

    Examples
    --------
    The course's numbers: ``CE([1, 0], [0.6, 0.4]) = −log 0.6 = 0.5108256``.
    """
    t, p = _pair(y_true, y_pred, min_ndim=1)
    from_logits = _check.flag(from_logits, "from_logits")
    s = _smooth(label_smoothing)
    axis = _check.axis(axis, p.ndim)
    if s:
        t = t * _c(1.0 - s, p.dtype) + _c(s, p.dtype) / _c(t.shape[axis], p.dtype)
    if from_logits:
        return -np.sum(t * _log_softmax(p, axis), axis=axis)
    p = _clip(p / np.sum(p, axis=axis, keepdims=True))
    return -np.sum(t * np.log(p), axis=axis)


def _sparse_labels(labels, logits_shape, name, ignore_class=None, pred_name="y_pred"):
    if isinstance(labels, (str, bytes)) or labels is None:
        raise TypeError(f"{name} must be an array of integer class ids, got {type(labels).__name__}")
    lab = np.asarray(labels)
    if lab.dtype.kind == "f":
        if not np.all(np.isfinite(lab)) or np.any(lab != np.round(lab)):
            raise ValueError(f"{name} must hold integer class ids, got non-integer values")
    elif lab.dtype.kind not in "iub":
        raise TypeError(f"{name} must be an array of integer class ids, got dtype {lab.dtype}")
    lab = lab.astype(np.int64)
    if lab.shape == tuple(logits_shape[:-1]) + (1,) and len(logits_shape) >= 1:
        lab = lab[..., 0]
    if lab.shape != tuple(logits_shape[:-1]):
        raise ValueError(f"{name} must have shape {tuple(logits_shape[:-1])} ({pred_name}'s shape without "
                         f"its class axis, {pred_name}.shape={tuple(logits_shape)}), got {name}.shape={lab.shape}")
    n = logits_shape[-1]
    valid = np.ones(lab.shape, bool) if ignore_class is None else lab != ignore_class
    if np.any(valid & ((lab < 0) | (lab >= n))):
        raise ValueError(f"{name} must be class ids in [0, {n - 1}], got values {np.unique(lab[valid])}")
    return lab, valid


def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False, ignore_class=None, axis=-1):
    """Cross-entropy with integer targets, as ``keras.losses.sparse_categorical_crossentropy``.

    .. math:: \\mathrm{CE} = -\\log p_{y}

    From probabilities Keras clips ``p`` to ``[ε, 1 − ε]``, takes the log and hands it to
    :func:`sparse_softmax_cross_entropy_with_logits` (so the clipped ``p`` is renormalised).

    Parameters
    ----------
    y_true : array_like of int, shape ``[...]`` or ``[..., 1]``
    y_pred : array_like, shape ``[..., n_classes]``
    from_logits : bool
    ignore_class : int, optional
        Samples with this label contribute 0.
    axis : int
        Only ``-1`` (the last axis), as in Keras' TensorFlow backend.
    """
    p = _check.as_float(y_pred, "y_pred")
    if p.ndim < 1:
        raise ValueError(f"y_pred must have at least 1 dimension (the classes), got shape {p.shape}")
    if _check.axis(axis, p.ndim) != p.ndim - 1:
        raise ValueError(f"axis must be -1 (the class axis last), got {axis}")
    from_logits = _check.flag(from_logits, "from_logits")
    if ignore_class is not None and (isinstance(ignore_class, bool) or not isinstance(ignore_class, (int, np.integer))):
        raise TypeError(f"ignore_class must be an int or None, got {ignore_class!r}")
    lab, valid = _sparse_labels(y_true, p.shape, "y_true", ignore_class)
    logits = p if from_logits else np.log(_clip(p))
    out = -np.take_along_axis(_log_softmax(logits), np.where(valid, lab, 0)[..., None], axis=-1)[..., 0]
    return np.where(valid, out, _c(0.0, p.dtype))


def softmax_cross_entropy_with_logits(labels, logits, axis=-1):
    """``tf.nn.softmax_cross_entropy_with_logits``: ``−Σ_k labels_k · log softmax(logits)_k``.

    The "softmax loss": the log-softmax is computed as ``z − max z − log Σ e^{z − max z}``
    (the log-sum-exp trick), so logits of ±1000 give exact, finite losses where
    :func:`naive_softmax_cross_entropy` returns inf or nan.

    Parameters
    ----------
    labels : array_like
        A probability distribution per row (one-hot or soft), same shape as ``logits``.
    logits : array_like
    axis : int
        The class axis.
    """
    t, z = _pair(labels, logits, names=("labels", "logits"), min_ndim=1)
    axis = _check.axis(axis, z.ndim)
    return -np.sum(t * _log_softmax(z, axis), axis=axis)


def sparse_softmax_cross_entropy_with_logits(labels, logits):
    """``tf.nn.sparse_softmax_cross_entropy_with_logits``: ``−log softmax(logits)[labels]``.

    Parameters
    ----------
    labels : array_like of int, shape ``logits.shape[:-1]``
        Class ids in ``[0, n_classes)``.
    logits : array_like, shape ``[..., n_classes]``
    """
    z = _check.as_float(logits, "logits")
    if z.ndim < 1:
        raise ValueError(f"logits must have at least 1 dimension (the classes), got shape {z.shape}")
    lab, _ = _sparse_labels(labels, z.shape, "labels", pred_name="logits")
    return -np.take_along_axis(_log_softmax(z), lab[..., None], axis=-1)[..., 0]


def naive_softmax_cross_entropy(labels, logits):
    """The textbook two-step form ``−Σ labels · log(e^z / Σ e^z)`` with no safeguard (for the demo).

    ``e^z`` overflows to inf for ``z > 709`` (float64; ``88.7`` in float32), giving
    ``inf/inf = nan``, and a tiny probability underflows to 0, giving ``log 0 = −inf``.
    Compare :func:`softmax_cross_entropy_with_logits`.
    """
    t, z = _pair(labels, logits, names=("labels", "logits"), min_ndim=1)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
        e = np.exp(z)
        p = e / np.sum(e, axis=-1, keepdims=True)
        return -np.sum(np.where(t != 0, t * np.log(p), 0), axis=-1)


def binary_focal_crossentropy(y_true, y_pred, apply_class_balancing=False, alpha=0.25, gamma=2.0,
                              from_logits=False, label_smoothing=0.0, axis=-1):
    """Binary focal loss (Lin, Goyal, Girshick, He & Dollár, "Focal Loss for Dense Object
    Detection", ICCV 2017), as ``keras.losses.binary_focal_crossentropy``.

    .. math:: \\mathrm{FL}(p_t) = -\\alpha_t (1 - p_t)^\\gamma \\log p_t,\\qquad
              p_t = y p + (1 - y)(1 - p)

    The factor ``(1 − p_t)^γ`` shrinks the loss of well-classified examples (``p_t → 1``);
    ``γ = 0`` is the cross-entropy. With ``apply_class_balancing``, ``α_t = α`` for class 1
    and ``1 − α`` for class 0; the mean runs over ``axis``. As in Keras (TensorFlow backend):
    from probabilities the cross-entropy uses clipped ``p``; from logits it is the fused
    ``tf.nn.sigmoid_cross_entropy_with_logits`` and only ``p_t`` goes through the sigmoid.

    Parameters
    ----------
    y_true, y_pred : array_like, same shape
    apply_class_balancing : bool
    alpha : float in [0, 1]
    gamma : float, >= 0
    from_logits : bool
    label_smoothing : float in [0, 1]
    axis : int
    """
    t, p = _pair(y_true, y_pred, min_ndim=1)
    balance = _check.flag(apply_class_balancing, "apply_class_balancing")
    a = _alpha(alpha, p.dtype)
    if a.ndim:
        raise TypeError(f"alpha must be a single number for the binary focal loss, got {alpha!r}")
    g = _c(_check.non_negative(gamma, "gamma"), p.dtype)
    from_logits = _check.flag(from_logits, "from_logits")
    s = _smooth(label_smoothing)
    axis = _check.axis(axis, p.ndim)
    if s:
        t = t * _c(1.0 - s, p.dtype) + _c(0.5 * s, p.dtype)
    if from_logits:  # Keras' TF backend recovers the logits of its sigmoid: the fused, exact form
        bce = _bce_from_logits(t, p)
        p = sigmoid(p)
    else:
        bce = _bce_probs(t, p)
    p_t = t * p + (1 - t) * (1 - p)
    focal = np.power(np.maximum(1 - p_t, 0), g) * bce
    if balance:
        focal = (t * a + (1 - t) * (1 - a)) * focal
    return np.mean(focal, axis=axis)


def categorical_focal_crossentropy(y_true, y_pred, alpha=0.25, gamma=2.0, from_logits=False,
                                   label_smoothing=0.0, axis=-1):
    """Categorical focal loss (Lin et al., ICCV 2017), as ``keras.losses.categorical_focal_crossentropy``.

    .. math:: \\mathrm{FL} = -\\sum_k \\alpha_k\\, y_k (1 - p_k)^\\gamma \\log p_k

    As in Keras: logits go through a softmax, probabilities are rescaled to sum to 1 and
    clipped to ``[ε, 1 − ε]``; ``alpha`` is a number or one weight per class. Label smoothing
    divides by the number of classes along ``axis``, as :func:`categorical_crossentropy` does
    (Keras 3.15 uses the last axis; fixed upstream in keras-team/keras#23437).
    """
    t, p = _pair(y_true, y_pred, min_ndim=1)
    a = _alpha(alpha, p.dtype)
    g = _c(_check.non_negative(gamma, "gamma"), p.dtype)
    from_logits = _check.flag(from_logits, "from_logits")
    s = _smooth(label_smoothing)
    axis = _check.axis(axis, p.ndim)
    if a.ndim and a.shape[-1] != p.shape[axis]:
        raise ValueError(f"alpha must be a number or one weight per class ({p.shape[axis]}), got {alpha!r}")
    if s:
        t = t * _c(1.0 - s, p.dtype) + _c(s, p.dtype) / _c(t.shape[axis], p.dtype)
    if from_logits:
        p = softmax(p, axis)
    p = _clip(p / np.sum(p, axis=axis, keepdims=True))
    if a.ndim and axis != p.ndim - 1:
        a = np.moveaxis(np.broadcast_to(a, p.shape[:axis] + p.shape[axis + 1:] + a.shape), -1, axis)
    return np.sum(a * np.power(1 - p, g) * (-t * np.log(p)), axis=axis)


# ----------------------------------------------------------------------------------------------
# boxes: IoU, GIoU, DIoU, CIoU
# ----------------------------------------------------------------------------------------------
def _boxes(b, name):
    a = _check.as_float(b, name)
    if a.ndim < 1 or a.shape[-1] != 4:
        raise ValueError(f"{name} must have shape [..., 4] (x1, y1, x2, y2), got shape {a.shape}")
    if not np.all(np.isfinite(a)):
        raise ValueError(f"{name} must hold finite coordinates")
    if np.any(a[..., 2] < a[..., 0]) or np.any(a[..., 3] < a[..., 1]):
        raise ValueError(f"{name} must have x2 >= x1 and y2 >= y1 in every box (x1, y1, x2, y2)")
    return a


def _box_pair(b1, b2, names):
    a, b = _boxes(b1, names[0]), _boxes(b2, names[1])
    try:
        np.broadcast_shapes(a.shape, b.shape)
    except ValueError:
        raise ValueError(f"{names[0]} and {names[1]} must broadcast together, got shapes "
                         f"{a.shape} and {b.shape}") from None
    dtype = np.result_type(a.dtype, b.dtype)
    return a.astype(np.float64), b.astype(np.float64), dtype


def _safe_div(num, den):
    out = np.zeros(np.broadcast_shapes(np.shape(num), np.shape(den)))
    np.divide(num, den, out=out, where=den > 0)
    return out


def _box_terms(a, b):
    """The first half of :func:`_similarities`: each pair mapped into its enclosing box scaled to unit
    size, and its IoU. Returns ``(iou, t)`` with ``t = (ax1, ay1, ax2, ay2, bx1, by1, bx2, by2, cw, ch,
    wa, ha, wb, hb, union)`` (``cw, ch``: the enclosing box; ``w*, h*``: the boxes' sides), which the
    GIoU/DIoU/CIoU terms use (also ``experiments.ch04_losses``, which needs each box's own term only).
    """
    a, b = np.broadcast_arrays(a, b)
    ax1, ay1, ax2, ay2 = (a[..., i] for i in range(4))
    bx1, by1, bx2, by2 = (b[..., i] for i in range(4))
    m = np.maximum(np.maximum(np.maximum(np.abs(ax1), np.abs(ay1)), np.maximum(np.abs(ax2), np.abs(ay2))),
                   np.maximum(np.maximum(np.abs(bx1), np.abs(by1)), np.maximum(np.abs(bx2), np.abs(by2))))
    m = np.where(m > 0, m, 1.0)
    ax1, ay1, ax2, ay2, bx1, by1, bx2, by2 = (v / m for v in (ax1, ay1, ax2, ay2, bx1, by1, bx2, by2))
    cx1, cy1 = np.minimum(ax1, bx1), np.minimum(ay1, by1)
    cw, ch = np.maximum(ax2, bx2) - cx1, np.maximum(ay2, by2) - cy1
    s = np.maximum(cw, ch)
    s = np.where(s > 0, s, 1.0)
    ax1, ax2, bx1, bx2 = ((v - cx1) / s for v in (ax1, ax2, bx1, bx2))
    ay1, ay2, by1, by2 = ((v - cy1) / s for v in (ay1, ay2, by1, by2))
    cw, ch = cw / s, ch / s
    wa, ha, wb, hb = ax2 - ax1, ay2 - ay1, bx2 - bx1, by2 - by1
    iw = np.maximum(np.minimum(ax2, bx2) - np.maximum(ax1, bx1), 0)
    ih = np.maximum(np.minimum(ay2, by2) - np.maximum(ay1, by1), 0)
    inter = iw * ih
    union = wa * ha + wb * hb - inter
    same = (ax1 == bx1) & (ay1 == by1) & (ax2 == bx2) & (ay2 == by2)
    iou_ = np.where(same, 1.0, _safe_div(inter, union))
    return iou_, (ax1, ay1, ax2, ay2, bx1, by1, bx2, by2, cw, ch, wa, ha, wb, hb, union)


def _similarities(a, b):
    """IoU, GIoU, DIoU and CIoU of float64 boxes (no checks), every division guarded.

    The unchecked kernel behind :func:`iou` … :func:`ciou` (the box-regression runs of
    ``experiments.ch04_losses`` call it on boxes they keep valid). All four are invariant to
    translation and scale, so each pair is first mapped into its enclosing box scaled to unit
    size (:func:`_box_terms`): no area can overflow, whatever the coordinates. Works on the four
    coordinates as separate arrays (reductions over an axis of 4 are slow).
    """
    iou_, (ax1, ay1, ax2, ay2, bx1, by1, bx2, by2, cw, ch, wa, ha, wb, hb, union) = _box_terms(a, b)
    area_c = cw * ch
    giou_ = iou_ - _safe_div(area_c - union, area_c)
    rho2 = ((ax1 + ax2 - bx1 - bx2) ** 2 + (ay1 + ay2 - by1 - by2) ** 2) / 4
    diou_ = iou_ - _safe_div(rho2, cw ** 2 + ch ** 2)
    v = (4 / math.pi ** 2) * (np.arctan2(wa, ha) - np.arctan2(wb, hb)) ** 2
    ciou_ = diou_ - _safe_div(v, (1 - iou_) + v) * v
    return iou_, giou_, diou_, ciou_


_KINDS = ("iou", "giou", "diou", "ciou")


def _similarity(kind, boxes1, boxes2, names=("boxes1", "boxes2")):
    a, b, dtype = _box_pair(boxes1, boxes2, names)
    out = _similarities(a, b)[_KINDS.index(kind)]
    return out.astype(dtype if dtype == np.float32 else np.float64)


def iou(boxes1, boxes2):
    """Intersection over union of boxes ``(x1, y1, x2, y2)``, paired element-wise with broadcasting.

    .. math:: \\mathrm{IoU} = \\frac{|A \\cap B|}{|A \\cup B|} \\in [0, 1]

    Two boxes of zero area have IoU 1 if they are the same box and 0 otherwise.

    Parameters
    ----------
    boxes1, boxes2 : array_like, shape ``[..., 4]``, broadcastable
        With ``x2 >= x1`` and ``y2 >= y1``.

    Returns
    -------
    ndarray, the broadcast shape without the last axis
    """
    return _similarity("iou", boxes1, boxes2)


def giou(boxes1, boxes2):
    """Generalized IoU (Rezatofighi et al., "Generalized Intersection over Union", CVPR 2019).

    .. math:: \\mathrm{GIoU} = \\mathrm{IoU} - \\frac{|C \\setminus (A \\cup B)|}{|C|} \\in (-1, 1]

    with ``C`` the smallest box enclosing both: still informative when the boxes are disjoint.
    """
    return _similarity("giou", boxes1, boxes2)


def diou(boxes1, boxes2):
    """Distance IoU (Zheng et al., "Distance-IoU Loss", AAAI 2020).

    .. math:: \\mathrm{DIoU} = \\mathrm{IoU} - \\frac{\\rho^2(b, b^{gt})}{c^2} \\in (-1, 1]

    ``ρ`` is the distance between the centres, ``c`` the diagonal of the enclosing box.
    """
    return _similarity("diou", boxes1, boxes2)


def ciou(boxes1, boxes2):
    """Complete IoU (Zheng et al., AAAI 2020): DIoU minus an aspect-ratio term.

    .. math:: \\mathrm{CIoU} = \\mathrm{DIoU} - \\alpha v,\\quad
              v = \\frac{4}{\\pi^2}\\Big(\\arctan\\frac{w^{gt}}{h^{gt}} - \\arctan\\frac{w}{h}\\Big)^2,\\quad
              \\alpha = \\frac{v}{(1 - \\mathrm{IoU}) + v}

    (the AAAI paper's α; ``α = 0`` where ``IoU = 1`` and ``v = 0``). Symmetric in the two boxes.
    """
    return _similarity("ciou", boxes1, boxes2)


def iou_loss(y_true, y_pred):
    """``1 − IoU``: in [0, 1]; constant 1 (no gradient) while the boxes do not overlap.

    The first IoU loss, UnitBox's (Yu, Jiang, Wang, Cao & Huang, "UnitBox: An Advanced Object
    Detection Network", ACM Multimedia 2016), is ``−ln IoU``: the same minimiser, a steeper
    slope at small overlaps, and infinite for disjoint boxes. We follow the later papers' ``1 − IoU``.
    """
    return 1 - _similarity("iou", y_true, y_pred, ("y_true", "y_pred"))


def giou_loss(y_true, y_pred):
    """``1 − GIoU`` (Rezatofighi et al. 2019): in [0, 2)."""
    return 1 - _similarity("giou", y_true, y_pred, ("y_true", "y_pred"))


def diou_loss(y_true, y_pred):
    """``1 − DIoU`` (Zheng et al. 2020): in [0, 2); the centre-distance term keeps a gradient for disjoint boxes."""
    return 1 - _similarity("diou", y_true, y_pred, ("y_true", "y_pred"))


def ciou_loss(y_true, y_pred):
    """``1 − CIoU`` (Zheng et al. 2020): DIoU loss plus the aspect-ratio penalty ``αv``."""
    return 1 - _similarity("ciou", y_true, y_pred, ("y_true", "y_pred"))


#: The four box losses by name, in the order of the papers.
BOX_LOSSES = {"IoU": iou_loss, "GIoU": giou_loss, "DIoU": diou_loss, "CIoU": ciou_loss}


def _kind_of(loss, name="loss"):
    """The index (0–3) of a box loss given by name ("GIoU" or "giou") or by function."""
    for i, f in enumerate((iou_loss, giou_loss, diou_loss, ciou_loss)):
        if loss is f or (isinstance(loss, str) and loss in (_KINDS[i], list(BOX_LOSSES)[i])):
            return i
    raise ValueError(f"{name} must be one of {list(BOX_LOSSES)} or their functions, got {loss!r}"[:300])


def _xywh_to_xyxy(b):
    """Boxes ``(cx, cy, w, h)`` as corners ``(x1, y1, x2, y2)`` (no checks)."""
    half_w, half_h = b[..., 2] / 2, b[..., 3] / 2
    return np.stack([b[..., 0] - half_w, b[..., 1] - half_h, b[..., 0] + half_w, b[..., 1] + half_h], axis=-1)


def box_loss_gradient(loss, y_true, y_pred, h=1e-6, param="xyxy"):
    """Gradient of a box loss with respect to ``y_pred`` by central differences.

    ``∂L/∂b_k ≈ (L(b + h e_k) − L(b − h e_k)) / 2h`` for each of the 4 coordinates, all
    boxes at once (one vectorised evaluation of 8 perturbed copies).

    Parameters
    ----------
    loss : {"IoU", "GIoU", "DIoU", "CIoU"} or one of the ``*_loss`` functions
    y_true, y_pred : array_like, shape ``[..., 4]``
        In the parametrisation ``param``.
    h : float, > 0
        The step.
    param : {"xyxy", "xywh"}
        Corners ``(x1, y1, x2, y2)`` or centre and size ``(cx, cy, w, h)``.

    Returns
    -------
    ndarray, float64, the broadcast shape ``[..., 4]``
    """
    k = _kind_of(loss)
    h = _check.positive(h, "h")
    param = _check.choice(param, "param", ("xyxy", "xywh"))
    t = _check.as_float(y_true, "y_true").astype(np.float64)
    p = _check.as_float(y_pred, "y_pred").astype(np.float64)
    for name, arr in (("y_true", t), ("y_pred", p)):
        if arr.ndim < 1 or arr.shape[-1] != 4:
            raise ValueError(f"{name} must have shape [..., 4], got {arr.shape}")
        if not np.all(np.isfinite(arr)):
            raise ValueError(f"{name} must hold finite coordinates")
    try:
        t, p = np.broadcast_arrays(t, p)
    except ValueError:
        raise ValueError(f"y_true and y_pred must broadcast together, got shapes {t.shape} and {p.shape}") from None
    steps = np.concatenate([np.eye(4), -np.eye(4)]) * h  # (8, 4)
    probes = p[None] + steps.reshape((8,) + (1,) * (p.ndim - 1) + (4,))
    if param == "xywh":
        probes, t = _xywh_to_xyxy(probes), _xywh_to_xyxy(t)
    val = 1 - _similarities(t[None], probes)[k]
    return np.moveaxis((val[:4] - val[4:]) / (2 * h), 0, -1)
