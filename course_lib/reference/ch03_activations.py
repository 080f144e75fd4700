"""Chapter 03 – activations checked against TensorFlow/Keras, and timed in the same framework.

* :func:`ch03_vs_tensorflow` – every activation's value and derivative against
  ``keras.activations`` and ``tf.GradientTape`` (the chapter's "checked against TensorFlow" table);
* :func:`gradient_norms_tf` – the deep network of
  :func:`course_lib.experiments.ch03_activations.gradient_norms`, differentiated by ``tf.GradientTape``;
* :func:`activation_timings`, :func:`dense_layer_timings` – the cost of each activation measured
  fairly: TensorFlow and numpy side by side, both float32 (03_activations_appendix).

TensorFlow is imported inside each function (``course_lib.import_tf()``).
"""

from __future__ import annotations

import time

import numpy as np

from .. import _check
from ..nn import activations as _act

__all__ = ["RRELU_MEAN_SLOPE", "ch03_vs_tensorflow", "gradient_norms_tf", "activation_timings",
           "dense_layer_timings"]

#: RReLU in inference mode is a leaky ReLU with the mean slope of U(1/8, 1/3).
RRELU_MEAN_SLOPE = (1 / 8 + 1 / 3) / 2


def _tf():
    from .. import import_tf

    tf = import_tf()
    import keras

    return tf, keras


def _keras_twins(tf, keras):
    """name -> (TensorFlow's function, our parameters) for every activation of the chapter."""
    return {
        "sigmoid": (keras.activations.sigmoid, {}), "tanh": (keras.activations.tanh, {}),
        "relu": (keras.activations.relu, {}), "leaky_relu": (keras.activations.leaky_relu, {}),
        "prelu": (lambda t: keras.layers.PReLU(alpha_initializer=keras.initializers.Constant(0.25),
                                               dtype=t.dtype.name)(t), {"alpha": 0.25}),
        "rrelu": (lambda t: tf.nn.leaky_relu(t, RRELU_MEAN_SLOPE), {}),
        "elu": (keras.activations.elu, {}), "softplus": (keras.activations.softplus, {}),
        "softsign": (keras.activations.softsign, {}), "softmax": (keras.activations.softmax, {}),
    }


def ch03_vs_tensorflow(seed=0, n=1000, dtype="float64"):
    """Largest |ours − TensorFlow| for every activation's value and derivative on random inputs
    (used in 03_activations, "checked against TensorFlow", and in its appendix with float32).

    Values against ``keras.activations`` (PReLU: ``keras.layers.PReLU``; RReLU in inference:
    ``tf.nn.leaky_relu`` with the mean slope), derivatives (``*_grad``) against ``tf.GradientTape``
    (softmax: :func:`~course_lib.nn.activations.softmax_jacobian` against ``batch_jacobian``).
    Inputs are normal with standard deviation 4, in ``dtype``.

    Returns
    -------
    list of (name, max value difference, max derivative difference)
    """
    seed, n = _check.integer(seed, "seed"), _check.integer(n, "n", low=10)
    dtype = _check.choice(dtype, "dtype", ("float32", "float64"))
    tf, keras = _tf()
    x = np.random.default_rng(seed).normal(scale=4.0, size=(n // 10, 10)).astype(dtype)
    rows = []
    for name, (fn, params) in _keras_twins(tf, keras).items():
        t = tf.constant(x)
        with tf.GradientTape() as tape:
            tape.watch(t)
            y = fn(t)
        if name == "softmax":
            theirs_d = tape.batch_jacobian(y, t).numpy()
        else:
            theirs_d = tape.gradient(y, t).numpy()  # element-wise: d(sum y)/dx = f'(x)
        d_diff = np.max(np.abs(_act.GRADS[name](x, **params).astype(float) - theirs_d))
        v_diff = np.max(np.abs(_act.get(name)(x, **params).astype(float) - y.numpy()))
        rows.append((name, float(v_diff), float(d_diff)))
    return rows


def gradient_norms_tf(activation, depth, width=32, batch=64, seed=0, gain=1.0, dtype="float64"):
    """‖∂L/∂W_k‖ of :func:`course_lib.experiments.ch03_activations.gradient_norms`' network, by ``tf.GradientTape``.

    The same inputs, weights and targets (:func:`~course_lib.experiments.ch03_activations.deep_net`),
    cast to ``dtype``; the activation is TensorFlow's own (``tf.nn``).
    """
    from ..experiments import ch03_activations as _x

    activation = _check.choice(activation, "activation", _x.ELEMENTWISE)
    dtype = _check.choice(dtype, "dtype", ("float32", "float64"))
    x, Ws, v, t = _x.deep_net(depth, width, batch, seed, gain)
    tf, _ = _tf()
    act = {"sigmoid": tf.nn.sigmoid, "tanh": tf.nn.tanh, "relu": tf.nn.relu, "elu": tf.nn.elu,
           "softplus": tf.nn.softplus, "softsign": tf.nn.softsign,
           "leaky_relu": lambda z: tf.nn.leaky_relu(z, 0.2),
           "rrelu": lambda z: tf.nn.leaky_relu(z, RRELU_MEAN_SLOPE)}[activation]
    Ws = [tf.constant(W, dtype) for W in Ws]
    with tf.GradientTape() as tape:
        tape.watch(Ws)
        h = tf.constant(x, dtype)
        for W in Ws:
            h = act(h @ W)
        loss = tf.reduce_mean((h @ tf.constant(v, dtype) - tf.constant(t, dtype)) ** 2)
    return np.array([float(tf.norm(g)) for g in tape.gradient(loss, Ws)])


def _best_time(fn, repeats):
    """The fastest of ``repeats`` calls (as ``timeit`` advises: slower ones measure other processes)."""
    fn()  # warm up (TensorFlow builds its kernels on the first call)
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return float(np.min(times))


def activation_timings(names=("relu", "leaky_relu", "sigmoid", "tanh", "elu", "softplus", "softsign"), n=1_000_000,
                       repeats=25, seed=0):
    """Best time of ``repeats`` of each activation on ``n`` float32 numbers, in TensorFlow (``tf.nn``) and in numpy
    (the plain formula, no overflow guards), both relative to the same framework's ReLU
    (used in 03_activations_appendix; machine-dependent).

    Returns
    -------
    dict
        name -> (TensorFlow seconds, numpy seconds)
    """
    names = _check.choices(names, "names", _act.NAMES[:-1])  # softmax normalises vectors: not per element
    n, repeats = _check.integer(n, "n", low=1), _check.integer(repeats, "repeats", low=1)
    tf, _ = _tf()
    x = np.random.default_rng(_check.integer(seed, "seed")).normal(scale=4.0, size=n).astype(np.float32)
    t = tf.constant(x)
    a = np.float32(0.2)
    ours = {"relu": lambda: np.maximum(x, 0), "leaky_relu": lambda: np.maximum(x, a * x),
            "prelu": lambda: np.maximum(x, a * x), "rrelu": lambda: np.maximum(x, a * x),
            "sigmoid": lambda: 1 / (1 + np.exp(-x)),  # overflows to inf for x < -88: 1/inf = 0, right
            "tanh": lambda: np.tanh(x), "elu": lambda: np.where(x > 0, x, np.expm1(np.minimum(x, 0))),
            "softplus": lambda: np.logaddexp(0, x), "softsign": lambda: x / (1 + np.abs(x))}
    theirs = {"relu": tf.nn.relu, "leaky_relu": lambda z: tf.nn.leaky_relu(z, 0.2), "prelu":
              lambda z: tf.nn.leaky_relu(z, 0.25), "rrelu": lambda z: tf.nn.leaky_relu(z, RRELU_MEAN_SLOPE),
              "sigmoid": tf.nn.sigmoid, "tanh": tf.nn.tanh, "elu": tf.nn.elu, "softplus": tf.nn.softplus,
              "softsign": tf.nn.softsign}
    with np.errstate(over="ignore"):
        return {name: (_best_time(lambda f=theirs[name]: f(t).numpy(), repeats),
                       _best_time(ours[name], repeats)) for name in names}


def dense_layer_timings(fan_in=784, units=128, batch=256, names=("relu", "sigmoid", "tanh"), repeats=25, seed=0):
    """Best time of ``repeats`` of a float32 Dense layer's two parts in TensorFlow: the matrix product
    ``x @ W`` (batch × fan_in times fan_in × units) and each activation on its (batch, units) result
    (used in 03_activations_appendix; machine-dependent).

    Each part is timed on its own: the difference of two noisy timings would be noise. Returns
    ``{"matmul": seconds, name: seconds, ...}``; an activation's share of the layer is
    ``t[name] / (t["matmul"] + t[name])``.
    """
    fan_in, units, batch = (_check.integer(v, k, low=1) for v, k in ((fan_in, "fan_in"), (units, "units"),
                                                                      (batch, "batch")))
    names = _check.choices(names, "names", _act.NAMES[:-1])
    repeats = _check.integer(repeats, "repeats", low=1)
    tf, _ = _tf()
    rng = np.random.default_rng(_check.integer(seed, "seed"))
    x = tf.constant(rng.standard_normal((batch, fan_in)).astype(np.float32))
    W = tf.constant(rng.standard_normal((fan_in, units)).astype(np.float32) / np.float32(np.sqrt(fan_in)))
    z = x @ W
    act = {"relu": tf.nn.relu, "leaky_relu": lambda t: tf.nn.leaky_relu(t, 0.2),
           "prelu": lambda t: tf.nn.leaky_relu(t, 0.25), "rrelu": lambda t: tf.nn.leaky_relu(t, RRELU_MEAN_SLOPE),
           "sigmoid": tf.nn.sigmoid, "tanh": tf.nn.tanh, "elu": tf.nn.elu, "softplus": tf.nn.softplus,
           "softsign": tf.nn.softsign}
    out = {"matmul": _best_time(lambda: (x @ W).numpy(), repeats)}
    out.update({name: _best_time(lambda f=act[name]: f(z).numpy(), repeats) for name in names})
    return out
