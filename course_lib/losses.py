"""Chapter 04 – loss functions (损失函数), from scratch in numpy.

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
  :func:`iou_loss`, :func:`giou_loss`, :func:`diou_loss`, :func:`ciou_loss`;
  :func:`box_loss_gradient` (central differences), :func:`box_regression_simulation` (the DIoU paper's
  simulation, scaled down), :func:`box_case_paths`
* the course's yogurt example: :func:`yogurt_gd` (numpy; ``exact=True`` is TF's float32 arithmetic bit
  for bit), :func:`yogurt_gd_tf`, :func:`course_initial_weights`, :func:`course_yogurt_runs`,
  :func:`least_squares`, :func:`yogurt_optimum` (the exact minimiser of the asymmetric loss), :func:`yogurt_grid`
* checks: :func:`compare_with_tf`, :func:`course_comparison` (beside :data:`COURSE_RESULTS`)
* slider data (``compute`` functions of the notebook's widgets): :func:`regression_curves`,
  :func:`ce_stability_view`, :func:`yogurt_view`, :func:`box_view`, :func:`box_case_view`,
  :func:`focal_curve_data`, :func:`focal_toy`, :func:`focal_view`

TensorFlow is imported (lazily, through :func:`course_lib.import_tf`) only by :func:`course_initial_weights`,
:func:`yogurt_gd_tf` and :func:`compare_with_tf`.
"""

from __future__ import annotations

import math

import numpy as np

from ._cache import lru_cache
from ._validate import as_float as _as_float
from ._validate import flag as _flag
from ._validate import integer as _int

__all__ = [
    # regression
    "mean_squared_error", "huber", "smooth_l1", "yogurt_loss",
    # classification
    "binary_crossentropy", "categorical_crossentropy", "sparse_categorical_crossentropy",
    "softmax_cross_entropy_with_logits", "sparse_softmax_cross_entropy_with_logits",
    "binary_focal_crossentropy", "categorical_focal_crossentropy", "naive_softmax_cross_entropy",
    "EPSILON",
    # boxes
    "iou", "giou", "diou", "ciou", "iou_loss", "giou_loss", "diou_loss", "ciou_loss", "BOX_LOSSES",
    "box_loss_gradient", "box_regression_simulation", "box_case_paths", "box_case_view", "SIM_CASES",
    "SIM_SCALES", "SIM_RATIOS",
    # yogurt
    "COURSE_RESULTS", "course_initial_weights", "course_yogurt_runs", "yogurt_gd", "yogurt_gd_tf",
    "least_squares", "yogurt_optimum", "yogurt_grid", "yogurt_view", "YOGURT_GRID",
    # checks and slider data
    "compare_with_tf", "course_comparison", "regression_curves", "ce_stability_view", "box_view",
    "focal_curve_data", "focal_toy", "focal_view", "FOCAL_GAMMAS", "FOCAL_ALPHAS",
]

#: Keras' fuzz factor ``keras.config.epsilon()``: probabilities are clipped to [ε, 1 − ε].
EPSILON = 1e-7

#: What the original course reports (``../shared/reference/course-results.md``), quoted, not computed.
COURSE_RESULTS = {
    "ce_06": 0.5108256,
    "ce_08": 0.22314353,
    "ce_5x3": [1.68795487e-04, 1.03475622e-03, 6.58839038e-02, 2.58349207e+00, 5.49852354e-02],
    "yogurt_mse_15000": [1.0009792, 0.9977485],
    "yogurt_cost1_profit99_10000": [1.1626335, 1.1191947],
    "yogurt_cost99_profit1_10000": [0.9205433, 0.9186459],
}


# ----------------------------------------------------------------------------------------------
# argument checks
# ----------------------------------------------------------------------------------------------
def _pair(y_true, y_pred, names=("y_true", "y_pred"), min_ndim=0):
    """Both arrays as floats of y_pred's dtype, with equal shapes."""
    p = _as_float(y_pred, names[1])
    t = _as_float(y_true, names[0]).astype(p.dtype, copy=False)
    if t.shape != p.shape:
        raise ValueError(f"{names[0]} and {names[1]} must have the same shape, got "
                         f"{names[0]}.shape={t.shape} and {names[1]}.shape={p.shape}")
    if p.ndim < min_ndim:
        raise ValueError(f"{names[1]} must have at least {min_ndim} dimension(s), got shape {p.shape}")
    if min_ndim and p.shape[-1] == 0:  # the axis the loss reduces: its mean or log-sum-exp needs a value
        raise ValueError(f"{names[1]} must have at least one value along its last axis, got shape {p.shape}")
    return t, p


def _scalar(value, name, *, low=None, high=None, low_open=False):
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a number, got {type(value).__name__}")
    v = float(value)
    if not math.isfinite(v):
        raise ValueError(f"{name} must be finite, got {value!r}")
    if low is not None and (v < low or (low_open and v == low)):
        raise ValueError(f"{name} must be {'>' if low_open else '>='} {low}, got {value!r}")
    if high is not None and v > high:
        raise ValueError(f"{name} must be <= {high}, got {value!r}")
    return v


def _axis(axis, ndim, name="axis"):
    if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)):
        raise TypeError(f"{name} must be an int, got {type(axis).__name__}")
    if not -ndim <= axis < ndim:
        raise ValueError(f"{name} must be in [{-ndim}, {ndim - 1}] for an array of {ndim} dimension(s), got {axis}")
    return int(axis)


def _floats(value, name, *, low=None, high=None, low_open=False, min_len=1):
    """A sequence (list, tuple, 1-D array) of finite numbers, as a tuple of floats."""
    if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple, np.ndarray)):
        raise TypeError(f"{name} must be a sequence of numbers, got {type(value).__name__}")
    try:
        a = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a sequence of numbers") from None
    if a.ndim != 1 or a.size < min_len:
        raise ValueError(f"{name} must be a flat sequence of at least {min_len} number(s), got shape {a.shape}")
    if not np.all(np.isfinite(a)):
        raise ValueError(f"{name} must hold finite numbers")
    if low is not None and np.any((a <= low) if low_open else (a < low)):
        raise ValueError(f"{name} must hold numbers {'>' if low_open else '>='} {low}")
    if high is not None and np.any(a > high):
        raise ValueError(f"{name} must hold numbers <= {high}")
    return tuple(float(v) for v in a)


def _ints(value, name, *, low=0, high=None):
    """A sequence of integers in [low, high), as a tuple (may be empty)."""
    if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple, np.ndarray)):
        raise TypeError(f"{name} must be a sequence of integers, got {type(value).__name__}")
    out = []
    for v in (value.tolist() if isinstance(value, np.ndarray) else value):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
            raise TypeError(f"{name} must be a sequence of integers, got an element {v!r}")
        if v < low or (high is not None and v >= high):
            raise ValueError(f"{name} must hold integers in [{low}, {high if high is not None else 'inf'}), got {v}")
        out.append(int(v))
    return tuple(out)


def _option(value, name, options):
    if not isinstance(value, str) or value not in options:
        raise ValueError(f"{name} must be one of {list(options)}, got {value!r}"[:300])
    return value


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
    return _scalar(label_smoothing, "label_smoothing", low=0.0, high=1.0)


def _c(value, dtype):
    """A Python constant in the working dtype (TF converts constants to the tensor's dtype)."""
    return np.asarray(value, dtype=dtype)


# ----------------------------------------------------------------------------------------------
# numerically safe building blocks
# ----------------------------------------------------------------------------------------------
def _sigmoid(z):
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e)).astype(z.dtype, copy=False)


def _log_softmax(z, axis=-1):
    m = np.max(z, axis=axis, keepdims=True)
    m = np.where(np.isfinite(m), m, 0)
    s = z - m
    return s - np.log(np.sum(np.exp(s), axis=axis, keepdims=True))


def _softmax(z, axis=-1):
    m = np.max(z, axis=axis, keepdims=True)
    e = np.exp(z - np.where(np.isfinite(m), m, 0))
    return e / np.sum(e, axis=axis, keepdims=True)


def _clip(p):
    eps = _c(EPSILON, p.dtype)
    return np.clip(p, eps, _c(1.0 - EPSILON, p.dtype))


def _bce_probs(t, p):
    """Keras' element-wise binary cross-entropy from probabilities (clipped to [ε, 1 − ε])."""
    p = _clip(p)
    return -(t * np.log(p) + (1 - t) * np.log(1 - p))


# ----------------------------------------------------------------------------------------------
# regression
# ----------------------------------------------------------------------------------------------
def mean_squared_error(y_true, y_pred):
    """Mean squared error over the last axis, as ``keras.losses.mean_squared_error``.

    .. math:: \\mathrm{MSE} = \\frac{1}{n}\\sum_i (y_i - \\hat y_i)^2

    Parameters
    ----------
    y_true, y_pred : array_like, same shape ``[..., n]``

    Returns
    -------
    ndarray, shape ``[...]`` (a scalar for 1-D input)
    """
    t, p = _pair(y_true, y_pred, min_ndim=1)
    return np.mean(np.square(t - p), axis=-1)


def huber(y_true, y_pred, delta=1.0):
    """Huber loss over the last axis, as ``keras.losses.huber`` (Huber 1964).

    .. math:: L_\\delta(e) = \\begin{cases} \\tfrac12 e^2 & |e| \\le \\delta \\\\
              \\delta |e| - \\tfrac12 \\delta^2 & |e| > \\delta \\end{cases},\\quad e = \\hat y - y

    averaged over the last axis: quadratic near zero, linear (robust to outliers) far away.

    Parameters
    ----------
    y_true, y_pred : array_like, same shape
    delta : float, >= 0
        Where the quadratic part turns linear.
    """
    t, p = _pair(y_true, y_pred, min_ndim=1)
    delta = _c(_scalar(delta, "delta", low=0.0), p.dtype)
    e = p - t
    a = np.abs(e)
    half = _c(0.5, p.dtype)
    return np.mean(np.where(a <= delta, half * np.square(e), delta * a - half * np.square(delta)), axis=-1)


def smooth_l1(y_true, y_pred, beta=1.0):
    """Smooth L1 loss of Fast R-CNN (Girshick 2015), mean over the last axis.

    .. math:: \\mathrm{smooth}_{L1}(x) = \\begin{cases} 0.5 x^2/\\beta & |x| < \\beta \\\\
              |x| - 0.5\\beta & \\text{otherwise} \\end{cases}

    It equals ``huber(y_true, y_pred, delta=beta) / beta``; ``beta = 0`` gives the L1 loss
    (the convention of ``torch.nn.functional.smooth_l1_loss``). Keras has no such function.

    Parameters
    ----------
    y_true, y_pred : array_like, same shape
    beta : float, >= 0
    """
    t, p = _pair(y_true, y_pred, min_ndim=1)
    b = _scalar(beta, "beta", low=0.0)
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
    quantile regression (Koenker & Bassett 1978): predictions sit above that share of the samples.

    Parameters
    ----------
    y_true, y_pred : array_like, same shape
    cost, profit : float, >= 0
        Price of one unit predicted too many / too few.
    """
    t, p = _pair(y_true, y_pred)
    cost = _c(_scalar(cost, "cost", low=0.0), p.dtype)
    profit = _c(_scalar(profit, "profit", low=0.0), p.dtype)
    return np.sum(np.where(p > t, (p - t) * cost, (t - p) * profit))


# ----------------------------------------------------------------------------------------------
# classification
# ----------------------------------------------------------------------------------------------
def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """Binary cross-entropy, mean over ``axis``, as ``keras.losses.binary_crossentropy``.

    .. math:: \\mathrm{BCE} = -\\big[y\\log p + (1-y)\\log(1-p)\\big]

    From probabilities, ``p`` is clipped to ``[ε, 1 − ε]`` (ε = 1e-7) as Keras does, so
    ``p = 0`` or ``1`` gives at most ``−log ε ≈ 16.1``. From logits ``z`` the fused form
    ``max(z, 0) − z·y + log(1 + e^{−|z|})`` (``tf.nn.sigmoid_cross_entropy_with_logits``)
    is exact for any ``z``.

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
    from_logits = _flag(from_logits, "from_logits")
    s = _smooth(label_smoothing)
    axis = _axis(axis, p.ndim)
    if s:
        t = t * _c(1.0 - s, p.dtype) + _c(0.5 * s, p.dtype)
    if from_logits:
        bce = np.maximum(p, 0) - p * t + np.log1p(np.exp(-np.abs(p)))
    else:
        bce = _bce_probs(t, p)
    return np.mean(bce, axis=axis)


def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """Categorical cross-entropy over ``axis``, as ``keras.losses.categorical_crossentropy``.

    .. math:: \\mathrm{CE}(y, p) = -\\sum_k y_k \\log p_k

    From probabilities, Keras first rescales ``p`` to sum to 1 along ``axis``, then clips to
    ``[ε, 1 − ε]``. From logits it is :func:`softmax_cross_entropy_with_logits`
    (log-softmax through the log-sum-exp trick: never inf or nan).

    Examples
    --------
    The course's numbers: ``CE([1, 0], [0.6, 0.4]) = −log 0.6 = 0.5108256``.
    """
    t, p = _pair(y_true, y_pred, min_ndim=1)
    from_logits = _flag(from_logits, "from_logits")
    s = _smooth(label_smoothing)
    axis = _axis(axis, p.ndim)
    if s:
        t = t * _c(1.0 - s, p.dtype) + _c(s, p.dtype) / _c(t.shape[-1], p.dtype)
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
    p = _as_float(y_pred, "y_pred")
    if p.ndim < 1:
        raise ValueError(f"y_pred must have at least 1 dimension (the classes), got shape {p.shape}")
    if _axis(axis, p.ndim) not in (-1, p.ndim - 1):
        raise ValueError(f"axis must be -1 (the class axis last), got {axis}")
    from_logits = _flag(from_logits, "from_logits")
    if ignore_class is not None and (isinstance(ignore_class, bool) or not isinstance(ignore_class, (int, np.integer))):
        raise TypeError(f"ignore_class must be an int or None, got {ignore_class!r}")
    lab, valid = _sparse_labels(y_true, p.shape, "y_true", ignore_class)
    logits = p if from_logits else np.log(_clip(p))
    out = -np.take_along_axis(_log_softmax(logits), np.where(valid, lab, 0)[..., None], axis=-1)[..., 0]
    return np.where(valid, out, _c(0.0, p.dtype))


def softmax_cross_entropy_with_logits(labels, logits, axis=-1):
    """``tf.nn.softmax_cross_entropy_with_logits``: ``−Σ_k labels_k · log softmax(logits)_k``.

    The log-softmax is computed as ``z − max z − log Σ e^{z − max z}`` (the log-sum-exp
    trick), so logits of ±1000 give exact, finite losses where
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
    axis = _axis(axis, z.ndim)
    return -np.sum(t * _log_softmax(z, axis), axis=axis)


def sparse_softmax_cross_entropy_with_logits(labels, logits):
    """``tf.nn.sparse_softmax_cross_entropy_with_logits``: ``−log softmax(logits)[labels]``.

    Parameters
    ----------
    labels : array_like of int, shape ``logits.shape[:-1]``
        Class ids in ``[0, n_classes)``.
    logits : array_like, shape ``[..., n_classes]``
    """
    z = _as_float(logits, "logits")
    if z.ndim < 1:
        raise ValueError(f"logits must have at least 1 dimension (the classes), got shape {z.shape}")
    lab, _ = _sparse_labels(labels, z.shape, "labels", pred_name="logits")
    if lab.shape != z.shape[:-1]:  # pragma: no cover - _sparse_labels already checks
        raise ValueError("labels has the wrong shape")
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
    """Binary focal loss (Lin et al., "Focal Loss for Dense Object Detection", ICCV 2017),
    as ``keras.losses.binary_focal_crossentropy``.

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
    balance = _flag(apply_class_balancing, "apply_class_balancing")
    a = _alpha(alpha, p.dtype)
    if a.ndim:
        raise TypeError(f"alpha must be a single number for the binary focal loss, got {alpha!r}")
    g = _c(_scalar(gamma, "gamma", low=0.0), p.dtype)
    from_logits = _flag(from_logits, "from_logits")
    s = _smooth(label_smoothing)
    axis = _axis(axis, p.ndim)
    if s:
        t = t * _c(1.0 - s, p.dtype) + _c(0.5 * s, p.dtype)
    if from_logits:  # Keras' TF backend recovers the logits of its sigmoid: the fused, exact form
        bce = np.maximum(p, 0) - p * t + np.log1p(np.exp(-np.abs(p)))
        p = _sigmoid(p)
    else:
        bce = _bce_probs(t, p)
    p_t = t * p + (1 - t) * (1 - p)
    focal = np.power(np.maximum(1 - p_t, 0), g) * bce
    if balance:
        focal = (t * a + (1 - t) * (1 - a)) * focal
    return np.mean(focal, axis=axis)


def categorical_focal_crossentropy(y_true, y_pred, alpha=0.25, gamma=2.0, from_logits=False,
                                   label_smoothing=0.0, axis=-1):
    """Categorical focal loss (Lin et al. 2017), as ``keras.losses.categorical_focal_crossentropy``.

    .. math:: \\mathrm{FL} = -\\sum_k \\alpha_k\\, y_k (1 - p_k)^\\gamma \\log p_k

    As in Keras: logits go through a softmax, probabilities are rescaled to sum to 1 and
    clipped to ``[ε, 1 − ε]``; ``alpha`` is a number or one weight per class.
    """
    t, p = _pair(y_true, y_pred, min_ndim=1)
    a = _alpha(alpha, p.dtype)
    g = _c(_scalar(gamma, "gamma", low=0.0), p.dtype)
    from_logits = _flag(from_logits, "from_logits")
    s = _smooth(label_smoothing)
    axis = _axis(axis, p.ndim)
    if a.ndim and a.shape[-1] != p.shape[axis]:
        raise ValueError(f"alpha must be a number or one weight per class ({p.shape[axis]}), got {alpha!r}")
    if s:
        t = t * _c(1.0 - s, p.dtype) + _c(s, p.dtype) / _c(t.shape[-1], p.dtype)
    if from_logits:
        p = _softmax(p, axis)
    p = _clip(p / np.sum(p, axis=axis, keepdims=True))
    if a.ndim and axis not in (-1, p.ndim - 1):
        a = np.moveaxis(np.broadcast_to(a, p.shape[:axis] + p.shape[axis + 1:] + a.shape), -1, axis)
    return np.sum(a * np.power(1 - p, g) * (-t * np.log(p)), axis=axis)


# ----------------------------------------------------------------------------------------------
# boxes: IoU, GIoU, DIoU, CIoU
# ----------------------------------------------------------------------------------------------
def _boxes(b, name):
    a = _as_float(b, name)
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


def _similarities(a, b):
    """IoU, GIoU, DIoU and CIoU of float64 boxes (no checks), every division guarded.

    All four are invariant to translation and scale, so each pair is first mapped into its
    enclosing box scaled to unit size: no area can overflow, whatever the coordinates.
    Works on the four coordinates as separate arrays (reductions over an axis of 4 are slow).
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
    """Generalized IoU (Rezatofighi et al., CVPR 2019).

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
    """``1 − IoU``: in [0, 1]; constant 1 (no gradient) while the boxes do not overlap."""
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
    for i, f in enumerate((iou_loss, giou_loss, diou_loss, ciou_loss)):
        if loss is f or (isinstance(loss, str) and loss in (_KINDS[i], list(BOX_LOSSES)[i])):
            return i
    raise ValueError(f"{name} must be one of {list(BOX_LOSSES)} or their functions, got {loss!r}"[:300])


def _xywh_to_xyxy(b):
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
    h = _scalar(h, "h", low=0.0, low_open=True)
    param = _option(param, "param", ("xyxy", "xywh"))
    t = _as_float(y_true, "y_true").astype(np.float64)
    p = _as_float(y_pred, "y_pred").astype(np.float64)
    for name, arr in (("y_true", t), ("y_pred", p)):
        if arr.ndim < 1 or arr.shape[-1] != 4:
            raise ValueError(f"{name} must have shape [..., 4], got {arr.shape}")
        if not np.all(np.isfinite(arr)):
            raise ValueError(f"{name} must hold finite coordinates")
    try:
        t, p = np.broadcast_arrays(t, p)
    except ValueError:
        raise ValueError(f"y_true and y_pred must broadcast together, got shapes {t.shape} and {p.shape}") from None
    return _fd_grad(k, t, p, h, param)


def _fd_grad(k, t, p, h, param):
    steps = np.concatenate([np.eye(4), -np.eye(4)]) * h  # (8, 4)
    probes = p[None] + steps.reshape((8,) + (1,) * (p.ndim - 1) + (4,))
    if param == "xywh":
        probes, t = _xywh_to_xyxy(probes), _xywh_to_xyxy(t)
    val = 1 - _similarities(t[None], probes)[k]
    return np.moveaxis((val[:4] - val[4:]) / (2 * h), 0, -1)


#: The DIoU paper's 7 anchor scales (areas relative to the target's) and 7 aspect ratios w/h.
SIM_SCALES = (0.5, 0.67, 0.75, 1.0, 1.33, 1.5, 2.0)
SIM_RATIOS = (1 / 4, 1 / 3, 1 / 2, 1.0, 2.0, 3.0, 4.0)


def _sunflower(n, radius):
    """``n`` points spread evenly over a disc (Vogel's spiral): a deterministic uniform sample."""
    k = np.arange(n) + 0.5
    r, th = radius * np.sqrt(k / n), k * math.pi * (3 - math.sqrt(5))
    return np.stack([r * np.cos(th), r * np.sin(th)], axis=-1)


def _regress(A, T, kinds, n_iter, lr, decay_at, track=(), paths=False):
    """Regress boxes ``A`` (n, 4) xywh to ``T`` with each loss of ``kinds``: the DIoU paper's update
    ``B ← B − η (2 − IoU) ∂L/∂B``, η multiplied by 0.1 at each epoch of ``decay_at``; gradients by
    forward differences (step 1e-7), all losses and boxes in one vectorised evaluation per step."""
    Tx = _xywh_to_xyxy(T)
    B = np.broadcast_to(A, (len(kinds),) + A.shape).copy()  # (L, n, 4)
    sel, own, h = np.asarray(kinds), np.arange(len(kinds)), 1e-7
    steps = np.eye(4) * h
    err = np.empty((n_iter + 1, len(kinds)))
    ious = np.empty((n_iter + 1, len(kinds)))
    track = list(track) if not paths else list(range(A.shape[0]))
    kept = np.empty((n_iter + 1, len(kinds), len(track), 4))
    for it in range(n_iter + 1):
        probes = np.concatenate([B[None], B[None] + steps[:, None, None, :]])  # (5, L, n, 4)
        sims = _similarities(Tx, _xywh_to_xyxy(probes))  # 4 arrays (5, L, n)
        iou_now = sims[0][0]  # (L, n)
        err[it] = np.abs(B - T).sum(-1).mean(-1)
        ious[it] = iou_now.mean(-1)
        kept[it] = B[:, track]
        if it == n_iter:
            break
        vals = 1 - np.stack(sims)[sel, :, own]  # (L, 5, n): each loss its own similarity
        grad = np.moveaxis((vals[:, 1:] - vals[:, :1]) / h, 1, -1)  # (L, n, 4)
        eta = lr * 0.1 ** sum(it >= d for d in decay_at)
        B = B - eta * (2 - iou_now)[..., None] * grad
        B[..., 2:] = np.maximum(B[..., 2:], 1e-3)  # a box keeps a positive size
    return err, ious, kept


def box_regression_simulation(n_centers=5, scales=SIM_SCALES, ratios=SIM_RATIOS, target_ratios=SIM_RATIOS,
                              n_iter=200, lr=0.1, decay_at=(160, 180), radius=3.0,
                              losses=("IoU", "GIoU", "DIoU", "CIoU"), track=()):
    """The DIoU paper's box-regression simulation (Zheng et al. 2020, Sec. 3.3), 1000× smaller.

    The paper: targets of area 1 and 7 aspect ratios at (10, 10); anchors at 5000 points of the
    disc of radius 3 around them, with 7 areas (``scales`` × the target's) and 7 aspect ratios:
    1 715 000 regressions, 200 steps of ``B ← B − η (2 − IoU) ∂L/∂B`` on ``B = (x, y, w, h)``,
    η = 0.1, then 0.01 from step 160 and 0.001 from 180. Here ``n_centers`` points (default 5:
    1715 regressions) spread evenly over the disc, and gradients are exact (forward differences),
    where the paper's MATLAB code derives them by hand.

    Returns
    -------
    dict
        ``error`` {loss: (n_iter + 1,) mean ℓ1 error of (x, y, w, h)}, ``iou`` {loss: mean IoU
        per step}, ``paths`` {loss: (n_iter + 1, len(track), 4)}, ``anchors``/``targets`` (n, 4)
        xywh of each regression, ``n`` their number, ``disjoint_share`` the share of anchors that
        start with no overlap (IoU 0).
    """
    n_centers, n_iter = _int(n_centers, "n_centers", 1), _int(n_iter, "n_iter", 1)
    scales = _floats(scales, "scales", low=0.0, low_open=True)
    ratios = _floats(ratios, "ratios", low=0.0, low_open=True)
    target_ratios = _floats(target_ratios, "target_ratios", low=0.0, low_open=True)
    lr = _scalar(lr, "lr", low=0.0, low_open=True)
    decay_at = _ints(decay_at, "decay_at")
    radius = _scalar(radius, "radius", low=0.0)
    if isinstance(losses, (str, bytes)) or not isinstance(losses, (list, tuple)) or not losses:
        raise TypeError(f"losses must be a non-empty list or tuple of {list(BOX_LOSSES)}, got {losses!r}"[:300])
    kinds = [_kind_of(name, "losses") for name in losses]
    n_regressions = n_centers * len(scales) * len(ratios) * len(target_ratios)
    track = _ints(track, "track", high=n_regressions)
    centers = 10 + _sunflower(n_centers, radius)
    rows, targets = [], []
    for q in target_ratios:
        for cx, cy in centers:
            for s in scales:
                for a in ratios:
                    rows.append([cx, cy, math.sqrt(s * a), math.sqrt(s / a)])
                    targets.append([10.0, 10.0, math.sqrt(q), 1 / math.sqrt(q)])
    A, T = np.array(rows), np.array(targets)
    err, ious, kept = _regress(A, T, kinds, n_iter, lr, decay_at, track=track)
    names = [list(BOX_LOSSES)[k] for k in kinds]
    return {"error": {n: err[:, i] for i, n in enumerate(names)},
            "iou": {n: ious[:, i] for i, n in enumerate(names)},
            "paths": {n: kept[:, i] for i, n in enumerate(names)},
            "anchors": A, "targets": T, "n": len(A),
            "disjoint_share": float(np.mean(_similarities(_xywh_to_xyxy(T), _xywh_to_xyxy(A))[0] == 0))}


#: The paper's three typical cases (its Fig. 1 and 4), as (anchor, target) in (x, y, w, h).
SIM_CASES = {
    "diagonal": ([13.0, 13.0, 1.0, 1.0], [10.0, 10.0, 2.0, 2.0]),
    "horizontal": ([13.5, 10.0, 1.0, 1.5], [10.0, 10.0, 2.0, 2.0]),
    "vertical": ([10.0, 13.5, 1.5, 1.0], [10.0, 10.0, 2.0, 2.0]),
}


@lru_cache(maxsize=2)
def box_case_paths(n_iter=200, lr=0.1, decay_at=(160, 180)):
    """The box of every step for the cases of :data:`SIM_CASES`, regressed with each of the four losses.

    Returns ``{case: {"target": (4,), "paths": {loss: (n_iter + 1, 4) xywh}, "iou": {loss: (n_iter + 1,)}}}``.
    """
    n_iter = _int(n_iter, "n_iter", 1)
    lr = _scalar(lr, "lr", low=0.0, low_open=True)
    decay_at = _ints(decay_at, "decay_at")
    A = np.array([a for a, _ in SIM_CASES.values()])
    T = np.array([t for _, t in SIM_CASES.values()])
    _, _, kept = _regress(A, T, [0, 1, 2, 3], n_iter, lr, decay_at, paths=True)  # (it, 4, n, 4)
    out = {}
    for j, case in enumerate(SIM_CASES):
        paths = {n: kept[:, i, j] for i, n in enumerate(BOX_LOSSES)}
        out[case] = {"target": T[j], "paths": paths,
                     "iou": {n: _similarities(_xywh_to_xyxy(T[j]), _xywh_to_xyxy(p))[0] for n, p in paths.items()}}
    return out


def box_case_view(case, step):
    """Slider data: each loss's box at ``step`` for one case of :data:`SIM_CASES` (precomputed)."""
    case = _option(case, "case", SIM_CASES)
    d = box_case_paths()
    n = len(next(iter(d[case]["paths"].values()))) - 1
    if isinstance(step, bool) or not isinstance(step, (int, np.integer)) or not 0 <= step <= n:
        raise ValueError(f"step must be an integer in [0, {n}], got {step!r}")
    c = d[case]
    return {"case": case, "step": int(step), "target": c["target"],
            "boxes": {k: p[step] for k, p in c["paths"].items()},
            "centres": {k: p[: step + 1, :2] for k, p in c["paths"].items()},
            "iou": {k: float(v[step]) for k, v in c["iou"].items()}}


# ----------------------------------------------------------------------------------------------
# the yogurt example
# ----------------------------------------------------------------------------------------------
def course_initial_weights():
    """The course's ``tf.random.normal([2, 1], stddev=1, seed=1)`` as a numpy ``(2,)`` float32 array.

    The course sets no global seed, so TensorFlow pairs the op seed 1 with its default
    graph seed 87654321. We draw with that pair (``tf.random.set_seed(87654321)`` also resets
    the op's state), then restore the notebook's global seed. Needs TensorFlow.
    """
    import course_lib

    tf = course_lib.import_tf()
    tf.random.set_seed(87654321)
    w = tf.random.normal([2, 1], stddev=1, seed=1).numpy()[:, 0]
    seed = course_lib.current_seed()
    tf.random.set_seed(course_lib.SEED if seed is None else seed)
    return w


def _yogurt_args(x, y, w0):
    x = _as_float(x, "x")
    y = _as_float(y, "y")
    if x.ndim != 2 or x.shape[1] != 2:
        raise ValueError(f"x must have shape (n, 2), got {x.shape}")
    y = y.reshape(-1) if y.ndim == 2 and y.shape[1] == 1 else y
    if y.shape != (x.shape[0],):
        raise ValueError(f"y must have shape (n,) or (n, 1) with n = len(x) = {x.shape[0]}, got {y.shape}")
    w0 = _as_float(w0, "w0").reshape(-1)
    if w0.shape != (2,):
        raise ValueError(f"w0 must hold 2 weights, got shape {w0.shape}")
    for name, a in (("x", x), ("y", y), ("w0", w0)):
        if not np.all(np.isfinite(a)):
            raise ValueError(f"{name} must hold finite numbers")
    return x, y, w0


def _costs(value, name):
    """cost or profit for :func:`yogurt_gd`: a number or a flat sequence of finite numbers >= 0."""
    if isinstance(value, (str, bytes, bool)) or value is None:
        raise TypeError(f"{name} must be a number or a sequence of numbers, got {value!r}")
    try:
        a = np.atleast_1d(np.asarray(value, dtype=np.float64))
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a number or a sequence of numbers") from None
    if a.ndim != 1 or not a.size:
        raise ValueError(f"{name} must be a number or a flat sequence of numbers, got shape {a.shape}")
    if np.any(~np.isfinite(a) | (a < 0)):
        raise ValueError(f"{name} must be finite and >= 0, got {value!r}")
    return a


def yogurt_gd(x, y, w0, *, loss="custom", cost=1.0, profit=99.0, lr=0.002, epochs=10000, every=1,
              exact=False):
    """The course's yogurt training (``y = x·w``, no bias, full batch, float32), in vectorised numpy.

    ``loss="mse"``: ``mean((y − x·w)²)``, gradient ``−(2/n) xᵀ(y − x·w)``;
    ``loss="custom"``: :func:`yogurt_loss`, gradient ``xᵀ g`` with ``g_i = COST`` where
    ``x_i·w > y_i`` and ``−PROFIT`` elsewhere. Update ``w ← w − lr·grad``.

    ``loss``, ``cost`` and ``profit`` may be sequences of one length ``k``: ``k`` runs at once.

    Parameters
    ----------
    exact : bool
        ``True``: TensorFlow's order of operations on a CPU – the prediction ``x1·w1 + x2·w2``
        unfused, the gradient ``xᵀ g`` accumulated sample after sample with a fused
        multiply-add – so the weights are bit for bit those of :func:`yogurt_gd_tf` (checked in
        the tests); about 65 µs per epoch. ``False``: numpy's own summation order, about
        10 µs per epoch for any ``k``; round-off differs in the last bits, which the oscillating
        custom-loss runs amplify to about 1e-5 over 10000 epochs.

    Returns
    -------
    ndarray, float32, shape ``(epochs // every + 1, k, 2)`` (``k = 1`` for scalar arguments)
        ``w`` before the first epoch and after every ``every`` epochs.
    """
    x, y, w0 = _yogurt_args(x, y, w0)
    for name, v in (("epochs", epochs), ("every", every)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < (0 if name == "epochs" else 1):
            raise ValueError(f"{name} must be a {'non-negative' if name == 'epochs' else 'positive'} integer, got {v!r}")
    lr = _scalar(lr, "lr", low=0.0, low_open=True)
    exact = _flag(exact, "exact")
    c, p = _costs(cost, "cost"), _costs(profit, "profit")
    if c.shape != p.shape:
        raise ValueError(f"cost and profit must be numbers or sequences of one length, got {c.shape} and {p.shape}")
    kinds = np.atleast_1d(np.asarray(loss, dtype=object))
    if kinds.ndim != 1 or not kinds.size or any(not isinstance(k, str) or k not in ("mse", "custom") for k in kinds):
        raise ValueError(f"loss must be 'mse' or 'custom' (or a sequence of them), got {loss!r}"[:300])
    if len(kinds) == 1:
        kinds = np.repeat(kinds, len(c))
    elif len(c) == 1:
        c, p = np.repeat(c, len(kinds)), np.repeat(p, len(kinds))
    if len(kinds) != len(c):
        raise ValueError(f"loss, cost and profit must have one length, got {len(kinds)} and {len(c)}")
    f32 = np.float32
    mse = (kinds == "mse")[:, None]
    x, y = x.astype(f32), y.astype(f32)
    c, neg_p = c.astype(f32)[:, None], (-p).astype(f32)[:, None]
    lr_, inv_n = f32(lr), f32(1.0 / x.shape[0])
    minus_two_inv_n = f32(-2.0) * inv_n
    x1, x2 = x[:, 0], x[:, 1]
    cols = x.astype(np.float64)  # exact products g·x in float64 emulate the fused multiply-add
    W = np.tile(w0.astype(f32), (len(c), 1))
    out = np.empty((epochs // every + 1, len(c), 2), dtype=f32)
    out[0] = W
    for e in range(1, epochs + 1):
        pred = W[:, :1] * x1 + W[:, 1:] * x2  # (k, n), element-wise: no BLAS kernel choice
        # (y − pred)·(−2/n) rounds exactly as −(1/n·(2·(y − pred))): scaling by 2 is exact
        g = np.where(mse, (y - pred) * minus_two_inv_n, np.where(pred > y, c, neg_p))
        if exact:
            prods = g.astype(np.float64)[:, :, None] * cols  # (k, n, 2), exact in float64
            grad = np.zeros((len(c), 2), dtype=f32)
            for i in range(x.shape[0]):  # grad = fma(g_i, x_i, grad): one rounding per step
                grad = (prods[:, i] + grad).astype(f32)
        else:
            grad = np.empty((len(c), 2), dtype=f32)  # filled column by column (np.stack costs more than a sum)
            np.sum(g * x1, axis=1, out=grad[:, 0])
            np.sum(g * x2, axis=1, out=grad[:, 1])
        W = W - lr_ * grad
        if e % every == 0:
            out[e // every] = W
    return out


def course_yogurt_runs(w0):
    """The course's three yogurt runs, bit for bit as TensorFlow computes them (one batch, ~1 s).

    MSE for 15000 epochs, the custom loss with (COST, PROFIT) = (1, 99) and (99, 1) for 10000,
    lr 0.002, from ``w0`` (:func:`course_initial_weights`). Returns ``{name: w (2,)}`` with the
    names of :data:`COURSE_RESULTS`.
    """
    from .data import yogurt

    x, y = yogurt()
    h = yogurt_gd(x, y, w0, loss=["mse", "custom", "custom"], cost=[0, 1, 99], profit=[0, 99, 1],
                  epochs=15000, every=5000, exact=True)
    return {"yogurt_mse_15000": h[3, 0], "yogurt_cost1_profit99_10000": h[2, 1],
            "yogurt_cost99_profit1_10000": h[2, 2]}


def yogurt_gd_tf(x, y, w0, *, loss="custom", cost=1.0, profit=99.0, lr=0.002, epochs=500):
    """The course's own TensorFlow loop (``GradientTape``, ``assign_sub``); returns the final ``w`` (2,).

    Slow (about 0.7 ms per epoch): the notebook runs it briefly, to show numpy and TF agree.
    """
    import course_lib

    x, y, w0 = _yogurt_args(x, y, w0)
    loss = _option(loss, "loss", ("mse", "custom"))
    cost = _scalar(cost, "cost", low=0.0)
    profit = _scalar(profit, "profit", low=0.0)
    lr = _scalar(lr, "lr", low=0.0, low_open=True)
    epochs = _int(epochs, "epochs", 0)
    tf = course_lib.import_tf()
    xt = tf.cast(x, tf.float32)
    y_ = tf.constant(y[:, None], tf.float32)
    w1 = tf.Variable(np.asarray(w0, np.float32)[:, None])
    for _ in range(epochs):
        with tf.GradientTape() as tape:
            pred = tf.matmul(xt, w1)
            if loss == "custom":
                value = tf.reduce_sum(tf.where(tf.greater(pred, y_), (pred - y_) * cost, (y_ - pred) * profit))
            else:
                value = tf.reduce_mean(tf.square(y_ - pred))
        w1.assign_sub(lr * tape.gradient(value, w1))
    return w1.numpy()[:, 0]


def least_squares(x, y):
    """The exact minimiser of the MSE without bias: ``argmin_w ‖x·w − y‖²`` (``numpy.linalg.lstsq``)."""
    x, y, _ = _yogurt_args(x, y, np.zeros(2))
    return np.linalg.lstsq(x, y, rcond=None)[0]


def yogurt_optimum(x, y, cost=1.0, profit=99.0):
    """The exact minimiser of :func:`yogurt_loss` for ``y ≈ x·w`` (2 weights, no bias).

    The loss is convex and piecewise linear in ``w``: a linear program (quantile regression,
    Koenker & Bassett 1978, with quantile ``τ = profit / (cost + profit)``). A minimum sits
    on a vertex, where two residuals are zero, so we solve every pair ``x_i·w = y_i``,
    ``x_j·w = y_j`` and keep the best (n(n−1)/2 = 496 candidates for 32 samples).

    Returns
    -------
    w : ndarray (2,)
    loss : float
        The minimum (in float64).
    """
    x, y, _ = _yogurt_args(x, y, np.zeros(2))
    cost = _scalar(cost, "cost", low=0.0, low_open=True)
    profit = _scalar(profit, "profit", low=0.0, low_open=True)
    i, j = np.triu_indices(len(x), 1)
    A = np.stack([x[i], x[j]], axis=1)  # (m, 2, 2)
    det = np.linalg.det(A)
    ok = np.abs(det) > 1e-12
    W = np.linalg.solve(A[ok], np.stack([y[i], y[j]], axis=1)[ok][..., None])[..., 0]  # (m, 2)
    r = W @ x.T - y  # prediction − truth
    losses = np.sum(np.where(r > 0, r * cost, -r * profit), axis=1)
    best = int(np.argmin(losses))
    return W[best], float(losses[best])


#: The COST/PROFIT values the yogurt sliders offer (precomputed on this grid).
YOGURT_GRID = (1, 2, 5, 10, 20, 50, 99)


@lru_cache(maxsize=4)
def yogurt_grid(w0, values=YOGURT_GRID, epochs=10000, every=10):
    """Every (COST, PROFIT) pair of ``values`` trained at once (vectorised), with its exact optimum.

    ``w0`` is a tuple (hashable: the result is cached). Returns a dict with ``pairs`` (k, 2),
    ``paths`` (epochs // every + 1, k, 2), ``final`` (k, 2) after exactly ``epochs`` epochs and
    ``optimum`` (k, 2).
    """
    from .data import yogurt

    if not isinstance(w0, tuple):
        raise TypeError(f"w0 must be a tuple of 2 numbers (yogurt_grid caches its results), got {type(w0).__name__}")
    w0 = _floats(w0, "w0")
    if len(w0) != 2:
        raise ValueError(f"w0 must hold 2 weights, got {len(w0)}")
    values = _floats(values, "values", low=0.0, low_open=True)
    epochs, every = _int(epochs, "epochs", 1), _int(every, "every", 1)
    x, y = yogurt()
    pairs = np.array([(c, p) for c in values for p in values], dtype=float)
    paths = yogurt_gd(x, y, np.asarray(w0), loss="custom", cost=pairs[:, 0], profit=pairs[:, 1],
                      epochs=epochs, every=every)
    optimum = np.array([yogurt_optimum(x, y, c, p)[0] for c, p in pairs])
    return {"pairs": pairs, "paths": paths, "final": paths[-1], "optimum": optimum, "every": every,
            "values": tuple(values), "x": x, "y": y[:, 0]}


def yogurt_view(cost, profit, w0, *, tail=200):
    """Slider data: the precomputed run of (``cost``, ``profit``), its optimum and the loss surface.

    Reads :func:`yogurt_grid` (never trains): ``cost`` and ``profit`` must be grid values.
    """
    cost, profit = _scalar(cost, "cost", low=0.0), _scalar(profit, "profit", low=0.0)
    tail = _int(tail, "tail", 1)
    w0 = _as_float(w0, "w0").ravel()
    if w0.shape != (2,) or not np.all(np.isfinite(w0)):
        raise ValueError(f"w0 must hold 2 finite weights, got shape {w0.shape}")
    g = yogurt_grid(tuple(float(v) for v in w0))
    hit = np.flatnonzero((g["pairs"][:, 0] == cost) & (g["pairs"][:, 1] == profit))
    if hit.size == 0:
        raise ValueError(f"cost and profit must be values of the grid {g['values']}, got cost={cost!r}, profit={profit!r}")
    k = int(hit[0])
    path = g["paths"][:, k].astype(float)
    opt = g["optimum"][k]
    x, y = g["x"], g["y"]
    w1s = np.linspace(0.6, 1.6, 81)
    w2s = np.linspace(0.6, 1.6, 81)
    W1, W2 = np.meshgrid(w1s, w2s)
    r = W1[..., None] * x[:, 0] + W2[..., None] * x[:, 1] - y
    surface = np.sum(np.where(r > 0, r * cost, -r * profit), axis=-1)
    final = path[-1]
    under = float(np.mean(x @ final < y))
    return {"cost": cost, "profit": profit, "path": path, "tail": path[-tail:], "optimum": opt,
            "final": final, "every": g["every"], "grid": (W1, W2, surface),
            "tau": profit / (cost + profit), "under_share": under,
            "under_share_opt": float(np.mean(x @ opt < y - 1e-12))}


# ----------------------------------------------------------------------------------------------
# slider data for the other figures
# ----------------------------------------------------------------------------------------------
def course_comparison(w0):
    """The course's reported numbers (:data:`COURSE_RESULTS`) beside ours, with the differences.

    Returns a list of ``(label, course, ours, max |difference|, exact optimum or None)``; the yogurt
    runs come from :func:`course_yogurt_runs` (TensorFlow's arithmetic, bit for bit), their
    optimum from :func:`least_squares` / :func:`yogurt_optimum`.
    """
    from .data import yogurt

    R = COURSE_RESULTS
    labels = np.array([[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 0, 0], [0, 1, 0]], dtype=float)
    logits = np.array([[12, 3, 2], [3, 10, 1], [1, 2, 5], [4, 6.5, 1.2], [3, 6, 1]])
    ours = {"ce_06": categorical_crossentropy([1.0, 0.0], [0.6, 0.4]),
            "ce_08": categorical_crossentropy([1.0, 0.0], [0.8, 0.2]),
            "ce_5x3": softmax_cross_entropy_with_logits(labels, logits)}
    ours.update(course_yogurt_runs(w0))
    x, y = yogurt()
    optimum = {"yogurt_mse_15000": least_squares(x, y),
               "yogurt_cost1_profit99_10000": yogurt_optimum(x, y, 1, 99)[0],
               "yogurt_cost99_profit1_10000": yogurt_optimum(x, y, 99, 1)[0]}
    labels_ = {"ce_06": "CE([1, 0], [0.6, 0.4])", "ce_08": "CE([1, 0], [0.8, 0.2])",
               "ce_5x3": "softmax + CE, 5x3 example", "yogurt_mse_15000": "yogurt, MSE, 15000 epochs",
               "yogurt_cost1_profit99_10000": "yogurt, COST 1 / PROFIT 99, 10000 epochs",
               "yogurt_cost99_profit1_10000": "yogurt, COST 99 / PROFIT 1, 10000 epochs"}
    rows = []
    for name, course in R.items():
        mine = np.asarray(ours[name])  # float32 for the yogurt weights, as the course printed them
        rows.append((labels_[name], np.asarray(course, dtype=float), mine,
                     float(np.max(np.abs(mine.astype(float) - np.asarray(course, dtype=float)))), optimum.get(name)))
    return rows


def regression_curves(delta=1.0, span=4.0):
    """Slider data: MSE, MAE, Huber(δ) and smooth L1(β = δ) of one error ``e = ŷ − y`` over ``[−span, span]``.

    Also the five losses of a small data set with one outlier, for each candidate constant
    prediction: the minimiser of MSE is the mean (dragged by the outlier), of MAE the median.
    """
    delta = _scalar(delta, "delta", low=0.0, low_open=True)
    span = _scalar(span, "span", low=0.0, low_open=True)
    e = np.linspace(-span, span, 401)
    zero = np.zeros_like(e)[:, None]
    curves = {"MSE": mean_squared_error(zero, e[:, None]), "MAE": np.abs(e),
              f"Huber δ={delta:g}": huber(zero, e[:, None], delta),
              f"smooth L1 β={delta:g}": smooth_l1(zero, e[:, None], delta)}
    data = np.array([1.0, 1.5, 2.0, 2.5, 3.0, 12.0])  # one outlier
    c = np.linspace(0, 13, 1301)
    targets = np.broadcast_to(data, (len(c), len(data)))
    preds = np.broadcast_to(c[:, None], targets.shape)
    fits = {"MSE": mean_squared_error(targets, preds), "MAE": np.mean(np.abs(targets - preds), axis=-1),
            f"Huber δ={delta:g}": huber(targets, preds, delta)}
    best = {k: float(c[np.argmin(v)]) for k, v in fits.items()}
    return {"e": e, "curves": curves, "delta": delta, "data": data, "c": c, "fits": fits, "best": best}


def compare_with_tf(n=1000, seed=0):
    """Our losses against Keras / ``tf.nn`` on ``n`` random float64 samples: ``[(name, max |difference|)]``.

    Needs TensorFlow (imported through :func:`course_lib.import_tf`).
    """
    import course_lib

    n, seed = _int(n, "n", 1), _int(seed, "seed", 0)
    course_lib.import_tf()
    import keras
    import tensorflow as tf

    rng = np.random.default_rng(seed)
    t, p = rng.normal(size=(2, n, 5))
    y01 = rng.integers(0, 2, size=(n, 5)).astype(float)
    prob = rng.uniform(0.001, 0.999, size=(n, 5))
    z = rng.normal(scale=5, size=(n, 5))
    k = rng.integers(0, 5, size=n)
    onehot = np.eye(5)[k]
    kl = keras.losses
    pairs = [
        ("mean_squared_error", mean_squared_error(t, p), kl.mean_squared_error(t, p)),
        ("huber", huber(t, p, 0.7), kl.huber(t, p, delta=0.7)),
        ("binary_crossentropy", binary_crossentropy(y01, prob), kl.binary_crossentropy(y01, prob)),
        ("binary_crossentropy, logits", binary_crossentropy(y01, z, from_logits=True),
         kl.binary_crossentropy(y01, z, from_logits=True)),
        ("categorical_crossentropy", categorical_crossentropy(onehot, prob), kl.categorical_crossentropy(onehot, prob)),
        ("categorical_crossentropy, logits", categorical_crossentropy(onehot, z, from_logits=True),
         kl.categorical_crossentropy(onehot, z, from_logits=True)),
        ("sparse_categorical_crossentropy", sparse_categorical_crossentropy(k, prob),
         kl.sparse_categorical_crossentropy(k, prob)),
        ("softmax_cross_entropy_with_logits", softmax_cross_entropy_with_logits(onehot, z),
         tf.nn.softmax_cross_entropy_with_logits(onehot, z)),
        ("sparse_softmax_cross_entropy_with_logits", sparse_softmax_cross_entropy_with_logits(k, z),
         tf.nn.sparse_softmax_cross_entropy_with_logits(labels=k, logits=z)),
        ("binary_focal_crossentropy", binary_focal_crossentropy(y01, prob, True, 0.25, 2.0),
         kl.binary_focal_crossentropy(y01, prob, apply_class_balancing=True, alpha=0.25, gamma=2.0)),
        ("categorical_focal_crossentropy", categorical_focal_crossentropy(onehot, prob),
         kl.categorical_focal_crossentropy(onehot, prob)),
    ]
    return [(name, float(np.max(np.abs(ours - np.asarray(theirs))))) for name, ours, theirs in pairs]


def ce_stability_view(z, target="smallest", dtype="float64"):
    """Slider data: cross-entropy of logits ``[z, 0, −z]`` computed three ways, over ``z ∈ [0, 1000]``.

    ``target="smallest"``: the label is the class of logit ``−z`` (a confident wrong answer), the
    true loss ``z + log(e^z + 1 + e^{−z}) ≈ 2z``; the naive form returns inf once ``e^{−z}/Σ``
    underflows to 0 (z > 372 in float64, 52 in float32). ``target="largest"``: the label is the
    class of logit ``z`` (a confident right answer), true loss ``log(1 + e^{−z} + e^{−2z}) ≈ 0``;
    the naive form returns nan once ``e^z`` overflows (``inf/inf``, z > 709 in float64, 88.7 in float32).

    The three forms: naive (:func:`naive_softmax_cross_entropy`), Keras' clipped form (softmax,
    then :func:`categorical_crossentropy` on probabilities: finite but capped at −log ε ≈ 16.1
    and flat there, so its gradient vanishes) and the fused :func:`softmax_cross_entropy_with_logits`.
    """
    z = _scalar(z, "z")
    target = _option(target, "target", ("smallest", "largest"))
    dtype = _option(dtype, "dtype", ("float32", "float64"))
    zs = np.unique(np.concatenate([np.linspace(0, 1000, 1001), [z]]).astype(dtype))
    logits = np.stack([zs, np.zeros_like(zs), -zs], axis=-1)
    labels = np.zeros_like(logits)
    labels[:, 2 if target == "smallest" else 0] = 1
    naive = naive_softmax_cross_entropy(labels, logits)
    clipped = categorical_crossentropy(labels, _softmax(logits))
    fused = softmax_cross_entropy_with_logits(labels, logits)
    i = int(np.flatnonzero(zs == np.asarray(z, dtype))[0])
    return {"z": zs.astype(float), "naive": naive.astype(float), "clipped": clipped.astype(float),
            "fused": fused.astype(float), "at": float(zs[i]), "dtype": dtype, "target": target,
            "values": {"naive": float(naive[i]), "clipped": float(clipped[i]), "fused": float(fused[i])}}


def box_view(dx, dy, w, h, target_w=2.0, target_h=1.0, span=6.0):
    """Slider data: a target box centred at the origin and a predicted box ``(dx, dy, w, h)`` (centre, size).

    Returns both boxes (x1, y1, x2, y2), the enclosing box, the four similarities and losses,
    and each loss as a function of the horizontal offset ``dx`` over ``[−span, span]``.
    """
    dx, dy = _scalar(dx, "dx"), _scalar(dy, "dy")
    w, h = _scalar(w, "w", low=0.0, low_open=True), _scalar(h, "h", low=0.0, low_open=True)
    target_w = _scalar(target_w, "target_w", low=0.0, low_open=True)
    target_h = _scalar(target_h, "target_h", low=0.0, low_open=True)
    span = _scalar(span, "span", low=0.0, low_open=True)
    target = np.array([-target_w / 2, -target_h / 2, target_w / 2, target_h / 2])
    pred = _xywh_to_xyxy(np.array([dx, dy, w, h], dtype=float))
    sims = [float(s) for s in _similarities(target, pred)]
    offsets = np.unique(np.concatenate([np.linspace(-span, span, 481), [dx]]))
    preds = _xywh_to_xyxy(np.stack([offsets, np.full_like(offsets, dy), np.full_like(offsets, w),
                                    np.full_like(offsets, h)], axis=-1))
    curves = {n: 1 - s for n, s in zip(BOX_LOSSES, _similarities(target, preds))}
    grads = {n: box_loss_gradient(n, target, pred) for n in BOX_LOSSES}
    enclosing = np.array([min(target[0], pred[0]), min(target[1], pred[1]),
                          max(target[2], pred[2]), max(target[3], pred[3])])
    return {"target": target, "pred": pred, "enclosing": enclosing,
            "similarity": dict(zip(BOX_LOSSES, sims)), "loss": {n: 1 - s for n, s in zip(BOX_LOSSES, sims)},
            "offsets": offsets, "curves": curves, "dx": dx, "grad": grads,
            "slope": {n: float(g[0] + g[2]) for n, g in grads.items()}}  # d loss / d dx (slide the box)


def focal_curve_data(gammas=(0, 0.5, 1, 2, 5), n=500):
    """The curves of Lin et al. 2017, Fig. 1: ``FL(p_t) = −(1 − p_t)^γ log p_t`` over ``p_t ∈ (0, 1]``."""
    gammas = _floats(gammas, "gammas", low=0.0)
    n = _int(n, "n", 2)
    pt = np.linspace(1 / n, 1, n)
    return {"p_t": pt, "curves": {g: -(1 - pt) ** g * np.log(pt) for g in gammas}}


def _focal_grad_logit(y, z, a_pos, a_neg, gamma):
    """dFL/dz of the binary focal loss (no clipping): ``α_t s (1 − p_t)^γ (γ p_t log p_t − (1 − p_t))``,
    ``s = +1`` for y = 1 and ``−1`` for y = 0, ``p_t = σ(s z)``, ``α_t = a_pos`` or ``a_neg``."""
    s = 2 * y - 1
    log_pt = -(np.maximum(-s * z, 0) + np.log1p(np.exp(-np.abs(z))))
    pt = np.exp(log_pt)
    a = np.where(y == 1, a_pos, a_neg)
    return a * s * (1 - pt) ** gamma * (gamma * pt * log_pt - (1 - pt))


#: The γ and α values of the focal-loss sliders (precomputed on this grid).
FOCAL_GAMMAS = (0.0, 0.5, 1.0, 2.0, 5.0)
FOCAL_ALPHAS = (0.1, 0.25, 0.5, 0.75, 0.9)


@lru_cache(maxsize=2)
def focal_toy(n_neg=2000, n_pos=40, gammas=FOCAL_GAMMAS, alphas=FOCAL_ALPHAS, lr=1.0, epochs=300, seed=4):
    """An imbalanced toy problem trained with the focal loss on a (γ, α) grid, all runs at once.

    Negatives ~ N((0, 0), I), positives ~ N((2.5, 2.5), 0.6²·I) (``n_pos / n_neg = 1/50``);
    logistic regression ``p = σ(w·x + b)`` by full-batch gradient descent on the mean
    class-balanced focal loss (``α`` for positives, ``1 − α`` for negatives) from zero, plus
    one run of the plain cross-entropy (γ = 0, no α) as the reference.

    Returns
    -------
    dict
        ``X``, ``y``, ``W`` (len(gammas), len(alphas), 3) = (w1, w2, b), ``W_ce`` (3,).
    """
    n_neg, n_pos = _int(n_neg, "n_neg", 1), _int(n_pos, "n_pos", 1)
    gammas = _floats(gammas, "gammas", low=0.0, high=10.0)
    alphas = _floats(alphas, "alphas", low=0.0, high=1.0)
    lr = _scalar(lr, "lr", low=0.0, low_open=True, high=100.0)
    epochs, seed = _int(epochs, "epochs", 0), _int(seed, "seed", 0)
    rng = np.random.default_rng(seed)
    X = np.concatenate([rng.normal(0, 1, (n_neg, 2)), rng.normal(2.5, 0.6, (n_pos, 2))])
    y = np.concatenate([np.zeros(n_neg), np.ones(n_pos)])
    G, A = np.meshgrid(np.asarray(gammas, float), np.asarray(alphas, float), indexing="ij")
    g = np.append(G.ravel(), 0.0)[:, None]
    a_pos = np.append(A.ravel(), 1.0)[:, None]
    a_neg = np.append(1 - A.ravel(), 1.0)[:, None]
    Xb = np.concatenate([X, np.ones((len(X), 1))], axis=1)
    W = np.zeros((g.shape[0], 3))
    for _ in range(epochs):
        W = W - lr * (_focal_grad_logit(y, W @ Xb.T, a_pos, a_neg, g) @ Xb) / len(X)
    return {"X": X, "y": y, "W": W[:-1].reshape(G.shape + (3,)), "W_ce": W[-1],
            "gammas": tuple(gammas), "alphas": tuple(alphas)}


def focal_view(gamma, alpha):
    """Slider data: the focal-trained model at (γ, α) beside plain cross-entropy (γ = 0, α = 0.5).

    Also where each loss comes from: on the cross-entropy model's predictions, the share of the
    total loss carried by the easy examples (``p_t > 0.9``) under CE and under FL(γ, α).
    """
    gamma, alpha = _scalar(gamma, "gamma"), _scalar(alpha, "alpha")
    d = focal_toy()
    if gamma not in d["gammas"]:
        raise ValueError(f"gamma must be a value of the grid {d['gammas']}, got {gamma!r}")
    if alpha not in d["alphas"]:
        raise ValueError(f"alpha must be a value of the grid {d['alphas']}, got {alpha!r}")
    X, y = d["X"], d["y"]
    W = d["W"][d["gammas"].index(gamma), d["alphas"].index(alpha)]
    W_ce = d["W_ce"]

    def stats(w):
        p = _sigmoid(X @ w[:2] + w[2])
        pred = p > 0.5
        tp = np.sum(pred & (y == 1))
        return {"recall": tp / np.sum(y == 1), "precision": tp / max(np.sum(pred), 1), "w": w}

    p_ce = _sigmoid(X @ W_ce[:2] + W_ce[2])
    p_t = np.where(y == 1, p_ce, 1 - p_ce)
    ce = binary_crossentropy(y[:, None], p_ce[:, None])
    fl = binary_focal_crossentropy(y[:, None], p_ce[:, None], apply_class_balancing=True, alpha=alpha, gamma=gamma)
    easy = p_t > 0.9
    bins = np.linspace(0, 1, 11)
    idx = np.clip(np.digitize(p_t, bins) - 1, 0, 9)
    return {"X": X, "y": y, "gamma": gamma, "alpha": alpha, "focal": stats(W), "ce": stats(W_ce),
            "easy_share_ce": float(ce[easy].sum() / ce.sum()), "easy_share_fl": float(fl[easy].sum() / fl.sum()),
            "bins": bins, "hist_ce": np.bincount(idx, ce, 10) / ce.sum(),
            "hist_fl": np.bincount(idx, fl, 10) / fl.sum(), "n_easy": int(easy.sum())}
