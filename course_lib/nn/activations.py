"""Activation functions (激活函数), from scratch in numpy, each with its derivative beside it.

Names, arguments and defaults follow ``keras.activations``; where Keras has no such
function (PReLU as a function, RReLU) the docstring says whose convention we follow.
Every function is numerically safe: inputs of ±1000 give no overflow warning, inf or nan.
``float32`` in gives ``float32`` out (as TensorFlow does); any other numeric input gives float64.

``f_grad(x, ...)`` is f's derivative, with the value TensorFlow's autodiff uses at the kinks
(ReLU'(0) = 0, LeakyReLU'(0) = slope, ELU'(0) = α); :func:`derivative` looks one up by name.
"""

from __future__ import annotations

import inspect

import numpy as np

from .. import _check

__all__ = ["sigmoid", "sigmoid_grad", "tanh", "tanh_grad", "relu", "relu_grad", "leaky_relu", "leaky_relu_grad",
           "prelu", "prelu_grad", "rrelu", "rrelu_grad", "elu", "elu_grad", "softplus", "softplus_grad",
           "softsign", "softsign_grad", "softmax", "softmax_jacobian", "derivative", "get", "NAMES", "PARAMETERS",
           "GRADS"]

#: The ten activations of the chapter, in the order the notes present them.
NAMES = ("sigmoid", "tanh", "relu", "leaky_relu", "prelu", "rrelu", "elu", "softplus", "softsign", "softmax")

#: The one tunable parameter of each function (name, default), for sliders.
PARAMETERS = {"leaky_relu": ("negative_slope", 0.2), "prelu": ("alpha", 0.25), "elu": ("alpha", 1.0),
              "rrelu": ("upper", 1 / 3)}


def _param(value, name, *, low=None):
    """A finite scalar parameter (``low`` inclusive)."""
    return _check.number(value, name, low=low)


def _like(d, x):
    return d.astype(x.dtype, copy=False)


# -- sigmoid ---------------------------------------------------------------------------------------
def sigmoid(x):
    """Logistic sigmoid σ(x) = 1 / (1 + e^{-x}), range (0, 1).

    Computed as ``1/(1+e^{-|x|})`` or ``e^{-|x|}/(1+e^{-|x|})`` by the sign of x, so the
    exponential never overflows.
    """
    x = _check.as_float(x)
    e = np.exp(-np.abs(x))
    return _like(np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e)), x)


def sigmoid_grad(x):
    """σ'(x) = σ(x)(1 − σ(x)): the derivative from the value itself, at most 1/4 (at x = 0)."""
    s = sigmoid(x)
    return s * (1 - s)


# -- tanh ------------------------------------------------------------------------------------------
def tanh(x):
    """Hyperbolic tangent tanh(x) = (e^x − e^{-x}) / (e^x + e^{-x}) = 2σ(2x) − 1, range (−1, 1)."""
    return np.tanh(_check.as_float(x))


def tanh_grad(x):
    """tanh'(x) = 1 − tanh²(x), at most 1 (at x = 0)."""
    return 1 - np.tanh(_check.as_float(x)) ** 2


# -- ReLU ------------------------------------------------------------------------------------------
def _relu_args(negative_slope, max_value, threshold):
    negative_slope = _param(negative_slope, "negative_slope", low=0.0)
    threshold = _param(threshold, "threshold")
    if max_value is not None:
        max_value = _param(max_value, "max_value", low=0.0)
    return negative_slope, max_value, threshold


def relu(x, negative_slope=0.0, max_value=None, threshold=0.0):
    """Rectified linear unit, with Keras' optional slope, ceiling and threshold.

    f(x) = x for threshold < x (clipped at ``max_value`` if given),
    f(x) = negative_slope · (x − threshold) for x ≤ threshold.
    With the defaults: max(x, 0) (Nair & Hinton, ICML 2010).
    """
    x = _check.as_float(x)
    negative_slope, max_value, threshold = _relu_args(negative_slope, max_value, threshold)
    if not negative_slope and max_value is None and threshold == 0.0:
        return _like(np.maximum(x, 0.0), x)  # the common case, one vectorised pass
    y = np.where(x > threshold, x, 0.0)
    if max_value is not None:
        y = np.clip(y, 0.0, max_value)
    if negative_slope:
        y = y - negative_slope * np.maximum(threshold - x, 0.0)
    return _like(y, x)


def relu_grad(x, negative_slope=0.0, max_value=None, threshold=0.0):
    """ReLU'(x): 1 above ``threshold`` (0 from ``max_value`` on), ``negative_slope`` below; ReLU'(0) = 0."""
    x = _check.as_float(x)
    negative_slope, max_value, threshold = _relu_args(negative_slope, max_value, threshold)
    if not negative_slope and max_value is None and threshold == 0.0:
        return (x > 0).astype(x.dtype)  # the common case, one vectorised pass
    d = np.where(x > threshold, 1.0, negative_slope)
    if max_value is not None:
        d = np.where(x > threshold, np.where(x < max_value, 1.0, 0.0), d)
    return _like(d, x)


# -- Leaky ReLU ------------------------------------------------------------------------------------
def leaky_relu(x, negative_slope=0.2):
    """Leaky ReLU: f(x) = x for x > 0, ``negative_slope``·x otherwise (Maas et al., ICML 2013 workshop).

    Keras accepts a negative slope; we refuse it, since it would make f non-monotonic.
    (``max(x, a·x)`` is the same function only for a ≤ 1.)
    """
    x = _check.as_float(x)
    negative_slope = _param(negative_slope, "negative_slope", low=0.0)
    if negative_slope <= 1.0:  # then max(x, a·x) is the same function, in one vectorised pass
        return _like(np.maximum(x, negative_slope * x), x)
    return _like(np.where(x > 0, x, negative_slope * x), x)


def leaky_relu_grad(x, negative_slope=0.2):
    """Leaky ReLU'(x) = 1 for x > 0, ``negative_slope`` otherwise (x = 0 included, as TensorFlow)."""
    x = _check.as_float(x)
    negative_slope = _param(negative_slope, "negative_slope", low=0.0)
    return _like(np.where(x > 0, 1.0, negative_slope), x)


# -- PReLU -----------------------------------------------------------------------------------------
def _prelu_alpha(alpha, x):
    if isinstance(alpha, (list, tuple, np.ndarray)):
        a = _check.real_array(alpha, "alpha")
    else:
        a = _param(alpha, "alpha")
    try:
        np.broadcast_shapes(np.shape(a), x.shape)
    except ValueError:
        raise ValueError(f"alpha of shape {np.shape(a)} does not broadcast against x of shape {x.shape}") from None
    return a


def prelu(x, alpha):
    """Parametric ReLU: f(x) = x for x > 0, α·x otherwise, α learned (He et al., ICCV 2015).

    Keras has it only as the ``PReLU`` layer; this is that layer's call with its
    ``alpha`` weight given, broadcast against ``x`` (one α per channel is usual).
    """
    x = _check.as_float(x)
    alpha = _prelu_alpha(alpha, x)
    return _like(np.where(x > 0, x, alpha * x), x)


def prelu_grad(x, alpha):
    """PReLU'(x) = 1 for x > 0, α otherwise (with respect to x; the layer also learns ∂f/∂α = min(x, 0))."""
    x = _check.as_float(x)
    alpha = _prelu_alpha(alpha, x)
    return _like(np.where(x > 0, 1.0, alpha), x)


# -- RReLU -----------------------------------------------------------------------------------------
def _rrelu_slopes(shape, lower, upper, training, seed):
    lower = _param(lower, "lower", low=0.0)
    upper = _param(upper, "upper", low=0.0)
    if lower > upper:
        raise ValueError(f"lower must be <= upper, got lower={lower} > upper={upper}")
    training, seed = _check.flag(training, "training"), _check.seed(seed)
    if not training:
        return (lower + upper) / 2.0
    return np.random.default_rng(seed).uniform(lower, upper, size=shape)


def rrelu(x, lower=1 / 8, upper=1 / 3, training=False, seed=None):
    """Randomized leaky ReLU (Xu et al., 2015, "Empirical Evaluation of Rectified Activations").

    f(x) = x for x > 0, a·x otherwise, with a ~ U(lower, upper) drawn per element in
    training and fixed to the mean (lower + upper)/2 in inference. TensorFlow has no
    RReLU; the defaults are PyTorch's ``nn.RReLU`` (the paper's 1/8 and 1/3).

    Parameters
    ----------
    training : bool
        Draw random slopes (True) or use the mean slope (False).
    seed : int, optional
        Seed of the slopes drawn in training; the same seed gives the same slopes, so
        ``rrelu_grad(x, training=True, seed=s)`` matches the forward pass.
    """
    x = _check.as_float(x)
    a = _rrelu_slopes(x.shape, lower, upper, training, seed)
    return _like(np.where(x > 0, x, a * x), x)


def rrelu_grad(x, lower=1 / 8, upper=1 / 3, training=False, seed=None):
    """RReLU'(x) = 1 for x > 0, the element's slope a otherwise (same ``seed``, same slopes)."""
    x = _check.as_float(x)
    a = _rrelu_slopes(x.shape, lower, upper, training, seed)
    return _like(np.where(x > 0, 1.0, a), x)


# -- ELU -------------------------------------------------------------------------------------------
def elu(x, alpha=1.0):
    """Exponential linear unit: f(x) = x for x > 0, α(e^x − 1) otherwise (Clevert et al., ICLR 2016)."""
    x = _check.as_float(x)
    alpha = _param(alpha, "alpha", low=0.0)
    return _like(np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0.0))), x)


def elu_grad(x, alpha=1.0):
    """ELU'(x) = 1 for x > 0, α·e^x otherwise (α at x = 0, as TensorFlow)."""
    x = _check.as_float(x)
    alpha = _param(alpha, "alpha", low=0.0)
    return _like(np.where(x > 0, 1.0, alpha * np.exp(np.minimum(x, 0.0))), x)


# -- softplus, softsign ----------------------------------------------------------------------------
def softplus(x):
    """Softplus: f(x) = ln(1 + e^x), a smooth ReLU; computed as ``logaddexp(0, x)`` (no overflow)."""
    x = _check.as_float(x)
    with np.errstate(invalid="ignore"):  # nan in, nan out (quietly, as TensorFlow)
        return _like(np.logaddexp(0.0, x), x)


def softplus_grad(x):
    """softplus'(x) = σ(x)."""
    return sigmoid(x)


def softsign(x):
    """Softsign: f(x) = x / (1 + |x|), range (−1, 1), tails decay polynomially."""
    x = _check.as_float(x)
    with np.errstate(invalid="ignore"):  # ±inf / inf: the limit ±1 is put back below
        y = x / (1.0 + np.abs(x))
    return _like(np.where(np.isinf(x), np.sign(x), y), x)


def softsign_grad(x):
    """softsign'(x) = 1 / (1 + |x|)²."""
    x = _check.as_float(x)
    return (1.0 / (1.0 + np.abs(x))) ** 2


# -- softmax ---------------------------------------------------------------------------------------
def _softmax_axes(axis, ndim):
    if isinstance(axis, (tuple, list)):
        if not axis:
            raise ValueError("axis must name at least one axis, got ()")
        axes = tuple(_check.axis(a, ndim) for a in axis)
        if len(set(axes)) != len(axes):
            raise ValueError(f"axis must not repeat an axis, got {tuple(axis)!r}")
        return axes
    return _check.axis(axis, ndim)


def softmax(x, axis=-1):
    """Softmax along ``axis`` (an int or a tuple of ints, as Keras): e^{x_i} / Σ_j e^{x_j}.

    The maximum is subtracted first (it cancels in the ratio), so no exponential overflows.
    Over a tuple of axes the sum runs over all of them at once.
    """
    x = _check.as_float(x)
    if x.ndim == 0:
        raise ValueError("x must have at least one dimension for softmax, got a scalar")
    axis = _softmax_axes(axis, x.ndim)
    if x.size == 0:  # nothing to normalise (np.max would fail on an empty axis)
        return x.copy()
    with np.errstate(over="ignore"):  # (-1e308) - 1e308 = -inf, and exp(-inf) = 0 is right
        z = x - np.max(x, axis=axis, keepdims=True)
    e = np.exp(z)
    return e / np.sum(e, axis=axis, keepdims=True)


def softmax_jacobian(x, axis=-1):
    """The Jacobian of softmax over one ``axis``: J_ij = s_i (δ_ij − s_j).

    For an input of shape ``(..., n)`` (``axis`` moved last) the result has shape ``(..., n, n)``.
    """
    x = _check.as_float(x)
    if isinstance(axis, (tuple, list)):
        raise ValueError(f"axis must be one integer for the softmax Jacobian, got {axis!r}")
    s = np.moveaxis(softmax(x, axis=axis), axis, -1)
    return s[..., :, None] * (np.eye(s.shape[-1], dtype=s.dtype) - s[..., None, :])


#: name -> the function's derivative (softmax: its Jacobian)
GRADS = {"sigmoid": sigmoid_grad, "tanh": tanh_grad, "relu": relu_grad, "leaky_relu": leaky_relu_grad,
         "prelu": prelu_grad, "rrelu": rrelu_grad, "elu": elu_grad, "softplus": softplus_grad,
         "softsign": softsign_grad, "softmax": softmax_jacobian}


def get(name, *, arg: str = "name"):
    """The activation function called ``name`` (one of :data:`NAMES`); ``arg`` names the argument in errors."""
    return globals()[_check.choice(name, arg, NAMES)]


def _known_params(fn, name, params):
    allowed = [p for p in inspect.signature(fn).parameters if p != "x"]
    unknown = sorted(set(params) - set(allowed))
    if unknown:
        what = f"takes only {', '.join(allowed)}" if allowed else "takes no parameter"
        raise ValueError(f"{name} {what}, got {unknown}")


def derivative(name, x, **params):
    """The derivative of activation ``name`` at ``x``: ``GRADS[name](x, **params)``.

    For ``"softmax"`` it is the Jacobian over ``axis`` (default −1): for an input of shape
    ``(..., n)`` the result has shape ``(..., n, n)``.

    Parameters
    ----------
    name : str
        One of :data:`NAMES`.
    x : array_like
    **params
        The function's own parameters (e.g. ``negative_slope=0.1``).
    """
    grad = GRADS[_check.choice(name, "name", NAMES)]
    _known_params(grad, name, params)
    if name == "prelu" and "alpha" not in params:
        raise ValueError("alpha is required for prelu's derivative")
    return grad(x, **params)
