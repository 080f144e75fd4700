"""Valid calls for the bad-input audit of ``course_lib.nn.activations``."""

import numpy as np  # noqa: F401

from ._common import C, M, _each, fx, mod  # noqa: F401

MODULE = "nn.activations"


def calls():
    X = fx()["x34"]
    out = {
        "derivative": lambda: C("relu", X, negative_slope=0.1),
        "get": lambda: C("elu"),
        "relu": lambda: C(X, negative_slope=0.1, max_value=6.0, threshold=0.0),
        "relu_grad": lambda: C(X, negative_slope=0.1, max_value=6.0, threshold=0.0),
        "leaky_relu": lambda: C(X, negative_slope=0.2),
        "leaky_relu_grad": lambda: C(X, negative_slope=0.2),
        "prelu": lambda: C(X, alpha=0.25),
        "prelu_grad": lambda: C(X, alpha=0.25),
        "rrelu": lambda: C(X, lower=0.1, upper=0.3, training=True, seed=0),
        "rrelu_grad": lambda: C(X, lower=0.1, upper=0.3, training=True, seed=0),
        "elu": lambda: C(X, alpha=1.0),
        "elu_grad": lambda: C(X, alpha=1.0),
        "softmax": lambda: C(X, axis=(0, 1)),
        "softmax_jacobian": lambda: C(X, axis=-1),
    }
    for name in ("sigmoid", "tanh", "softplus", "softsign"):
        out[name] = lambda: C(X)
        out[name + "_grad"] = lambda: C(X)
    return out


MATCHING = {}
