"""Chapter 03 – activations checked against TensorFlow/Keras.

* :func:`ch03_vs_tensorflow` – every activation's value and derivative against
  ``keras.activations`` and ``tf.GradientTape`` (the chapter's "checked against TensorFlow" table);
* :func:`gradient_norms_tf` – the deep network of
  :func:`course_lib.experiments.ch03_activations.gradient_norms`, differentiated by ``tf.GradientTape``.

TensorFlow is imported inside each function (``course_lib.import_tf()``).
"""

from __future__ import annotations

import numpy as np

from .. import _check
from ..nn import activations as _act

__all__ = ["ch03_vs_tensorflow", "gradient_norms_tf"]

#: RReLU in inference mode is a leaky ReLU with the mean slope of U(1/8, 1/3).
RRELU_MEAN_SLOPE = (1 / 8 + 1 / 3) / 2


def _keras_twins(tf, keras):
    """name -> (TensorFlow's function, our parameters) for every activation of the chapter."""
    return {
        "sigmoid": (keras.activations.sigmoid, {}), "tanh": (keras.activations.tanh, {}),
        "relu": (keras.activations.relu, {}), "leaky_relu": (keras.activations.leaky_relu, {}),
        "prelu": (lambda t: keras.layers.PReLU(alpha_initializer=keras.initializers.Constant(0.25),
                                               dtype="float64")(t), {"alpha": 0.25}),
        "rrelu": (lambda t: tf.nn.leaky_relu(t, RRELU_MEAN_SLOPE), {}),
        "elu": (keras.activations.elu, {}), "softplus": (keras.activations.softplus, {}),
        "softsign": (keras.activations.softsign, {}), "softmax": (keras.activations.softmax, {}),
    }


def ch03_vs_tensorflow(seed=0, n=1000):
    """Largest |ours − TensorFlow| for every activation's value and derivative on random inputs
    (used in 03_activations, "checked against TensorFlow").

    Values against ``keras.activations`` (PReLU: ``keras.layers.PReLU``; RReLU in inference:
    ``tf.nn.leaky_relu`` with the mean slope), derivatives against ``tf.GradientTape``
    (softmax: its ``batch_jacobian``). Inputs are float64, normal with standard deviation 4.

    Returns
    -------
    list of (name, max value difference, max derivative difference)
    """
    seed, n = _check.integer(seed, "seed"), _check.integer(n, "n", low=10)
    from .. import import_tf

    tf = import_tf()
    import keras

    x = np.random.default_rng(seed).normal(scale=4.0, size=(n // 10, 10))
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
        d_diff = np.max(np.abs(_act.derivative(name, x, **params) - theirs_d))
        v_diff = np.max(np.abs(_act.get(name)(x, **params) - y.numpy()))
        rows.append((name, float(v_diff), float(d_diff)))
    return rows


def gradient_norms_tf(activation, depth, width=32, batch=64, seed=0, dtype="float64"):
    """‖∂L/∂W_k‖ of :func:`course_lib.experiments.ch03_activations.gradient_norms`' network, by ``tf.GradientTape``.

    The same inputs and weights (drawn with numpy in the same order), cast to ``dtype``.
    """
    from ..experiments import ch03_activations as _x

    depth = _check.integer(depth, "depth", low=1)
    _check.choice(activation, "activation", _x.ELEMENTWISE)
    width, batch = _check.integer(width, "width", low=1), _check.integer(batch, "batch", low=1)
    seed = _check.integer(seed, "seed")
    _check.choice(dtype, "dtype", ("float32", "float64"))
    from .. import import_tf

    tf = import_tf()
    x, Ws, v = (tf.constant(a, dtype) if not isinstance(a, list) else [tf.constant(w, dtype) for w in a]
                for a in _x._deep_net(depth, width, batch, seed))
    act = {"sigmoid": tf.nn.sigmoid, "tanh": tf.nn.tanh, "relu": tf.nn.relu, "elu": tf.nn.elu,
           "softplus": tf.nn.softplus, "softsign": tf.nn.softsign,
           "leaky_relu": lambda t: tf.nn.leaky_relu(t, 0.2),
           "rrelu": lambda t: tf.nn.leaky_relu(t, RRELU_MEAN_SLOPE)}[activation]
    with tf.GradientTape() as tape:
        tape.watch(Ws)
        h = x
        for W in Ws:
            h = act(h @ W)
        loss = tf.reduce_mean((h @ v) ** 2)
    grads = tape.gradient(loss, Ws)
    return np.array([float(tf.norm(g)) for g in grads])
