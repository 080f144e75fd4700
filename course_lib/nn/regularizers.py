"""Weight penalties (正则化项): L1 and L2 as TensorFlow and Keras write them, and L1's proximal step.

``l2_loss`` is ``tf.nn.l2_loss`` (half the squared norm, the course's convention); Keras'
``keras.regularizers.L2(l2)`` has no one-half, so the course's ``0.03 * l2_loss(w)`` is
``L2(0.015)``. Biases are not penalised (the course passes only ``w1`` and ``w2``).
"""

from __future__ import annotations

import numpy as np

from .. import _check

__all__ = ["l1_loss", "l2_loss", "penalty", "regularized_mse", "soft_threshold"]


def l1_loss(w) -> np.floating:
    r"""L1 norm of a weight array, :math:`\sum_i |w_i|`.

    The penalty of ``keras.regularizers.L1(l1)`` is ``l1 * l1_loss(w)``. Its gradient,
    ``sign(w)``, has the same size for every weight, so small weights are pushed all the
    way to zero: L1 makes a model sparse (Tibshirani, "Regression shrinkage and selection
    via the lasso", J. R. Stat. Soc. B 1996).

    Parameters
    ----------
    w : array_like of real numbers
        Any shape; integers are read as float64.

    Returns
    -------
    numpy floating scalar
        Of ``w``'s floating dtype (float32 stays float32, as in TensorFlow).
    """
    a = _check.real_array(w, "w")
    return a.dtype.type(np.sum(np.abs(a)))


def l2_loss(w) -> np.floating:
    r"""Half the squared L2 norm, :math:`\tfrac12\sum_i w_i^2`, exactly as ``tf.nn.l2_loss``.

    The course's penalty is ``REGULARIZER * sum(tf.nn.l2_loss(w) for w in weights)``.
    Keras' ``keras.regularizers.L2(l2)`` has no one-half: ``L2(l2)(w) = l2 * sum(w**2)``,
    so the course's ``0.03 * l2_loss`` is ``L2(0.015)``. Its gradient is ``w`` itself:
    large weights shrink fast, small ones slowly, and almost none reaches zero (weight
    decay; Krogh & Hertz, "A simple weight decay can improve generalization", NIPS 1991).

    ``w`` and the result as in :func:`l1_loss`: any shape of real numbers (integers read as
    float64); a numpy scalar of ``w``'s floating dtype.
    """
    a = _check.real_array(w, "w")
    return a.dtype.type(np.sum(a * a) / 2)


def _weight_list(weights):
    if isinstance(weights, np.ndarray) or np.isscalar(weights):
        return [_check.real_array(weights, "weights")]
    if not isinstance(weights, (list, tuple)):
        raise TypeError(f"weights must be an array or a list of arrays, got {type(weights).__name__}")
    if not weights:
        raise ValueError("weights must hold at least one array")
    return [_check.real_array(w, "weights") for w in weights]


def penalty(weights, lam: float, kind: str = "l2") -> float:
    r"""The regularisation term added to the loss, :math:`\lambda \sum_k \mathrm{loss}(w_k)`.

    ``kind="l2"`` uses :func:`l2_loss` (the course's ``tf.nn.l2_loss``), ``kind="l1"`` uses
    :func:`l1_loss`. Biases are not regularised (the course passes only ``w1`` and ``w2``).

    Parameters
    ----------
    weights : array or list of arrays
        The weight matrices to penalise.
    lam : float
        The regularisation strength λ (the course's ``REGULARIZER``), ``>= 0``.
    kind : {"l2", "l1"}

    Returns
    -------
    float
    """
    lam = _check.non_negative(lam, "lam")
    kind = _check.choice(kind, "kind", ("l2", "l1"))
    ws = _weight_list(weights)
    f = l2_loss if kind == "l2" else l1_loss
    return lam * float(sum(float(f(w)) for w in ws))


def regularized_mse(y_true, y_pred, weights, lam: float, kind: str = "l2") -> float:
    r"""The course's regularised loss: ``mean((y_true - y_pred)**2) + lam * sum(loss(w))``.

    .. math:: J = \frac1n\sum_i (y_i - \hat y_i)^2 + \lambda \sum_k \tfrac12\lVert w_k\rVert_2^2

    (with ``kind="l1"`` the second term is :math:`\lambda\sum_k\lVert w_k\rVert_1`).

    Parameters
    ----------
    y_true, y_pred : array_like
        Same shape.
    weights : array or list of arrays
    lam : float
        λ ``>= 0``.
    kind : {"l2", "l1"}
    """
    yt = _check.real_array(y_true, "y_true")
    yp = _check.real_array(y_pred, "y_pred")
    if yt.shape != yp.shape:
        raise ValueError(f"y_pred must have the shape of y_true {yt.shape}, got {yp.shape}")
    if yt.size == 0:
        raise ValueError("y_true must not be empty")
    return float(np.mean((yt.astype(np.float64) - yp) ** 2)) + penalty(weights, lam, kind)


def soft_threshold(w, t: float) -> np.ndarray:
    r"""The proximal step of an L1 penalty: :math:`\mathrm{sign}(w)\max(|w| - t, 0)`.

    Taking ``w - lr * grad(mse)`` and then ``soft_threshold(., lr * lam)`` minimises the
    L1-penalised loss exactly as ISTA does (Daubechies, Defrise & De Mol 2004); unlike the
    sub-gradient ``lam * sign(w)`` that TensorFlow's autodiff gives, it sets weights to
    *exactly* zero.
    """
    return _soft_threshold(_check.real_array(w, "w"), _check.non_negative(t, "t"))


def _soft_threshold(w, t):
    """:func:`soft_threshold` without the checks, for training loops."""
    return np.sign(w) * np.maximum(np.abs(w) - t, 0)

