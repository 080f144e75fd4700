"""Valid calls for the bad-input audit of ``course_lib.activations`` (see tests/test_api_audit.py)."""

import numpy as np  # noqa: F401

from ._common import (  # noqa: F401
    ALL,
    NOT_BROADCASTABLE,
    C,
    M,
    _column,
    _each,
    _extra_row,
    _first_row,
    _vector_target,
    fx,
    mod,
    small_model,
)

MODULE = "activations"


def calls():
    A = mod("activations")
    f = fx()
    X = f["x34"]
    return {
        "sigmoid": lambda: C(X), "tanh": lambda: C(X), "softplus": lambda: C(X), "softsign": lambda: C(X),
        "relu": lambda: C(X, negative_slope=0.1, max_value=6.0, threshold=0.0),
        "leaky_relu": lambda: C(X, negative_slope=0.2),
        "prelu": lambda: C(X, alpha=0.25),
        "rrelu": lambda: C(X, lower=0.1, upper=0.3, training=True, seed=0),
        "elu": lambda: C(X, alpha=1.0),
        "softmax": lambda: C(X, axis=-1),
        "derivative": lambda: C("relu", X, negative_slope=0.1),
        "properties": lambda: C("tanh", n=101),
        "relu_features_fit": lambda: C(np.sin, 4, lo=-1.0, hi=1.0, n=20, seed=0, activation="relu"),
        "linear_stack_collapse": lambda: C(depth=3, width=4, seed=0),
        "curve_data": lambda: C("elu", param=0.5, lo=-2.0, hi=2.0, n=11),
        "softmax_temperature": lambda: C(X, 2.0),
        "mlp_init": lambda: C(3, 4, n_out=1, seed=0, scale="he"),
        "mlp_loss_and_grads": lambda: C(A.mlp_init(2, 4), f["dots_x"], f["dots_y"][:, None].astype(float),
                                        activation="relu"),
        "train_mlp": lambda: C(f["dots_x"], f["dots_y"], activation="relu", hidden=4, lr=0.1, epochs=2,
                               batch_size=8, seed=0, init_scale="he"),
        "gradient_norms": lambda: C("tanh", 2, width=4, batch=8, seed=0),
        "gradient_norm_table": lambda: C(max_depth=2, activations=("relu",), width=4, seed=0),
        "dead_relu_sweep": lambda: C(lrs=(0.3,), activations=("relu",), epochs=1, hidden=4, seed=0),
        "zero_centred_comparison": lambda: C(activations=("tanh",), seeds=(0,), lr=1.0, epochs=1, hidden=4),
        "properties_table": lambda: C(names=("tanh",)),
        "relative_cost": lambda: C(names=("tanh", "sigmoid"), n=1000, repeats=2, seed=0),
        "compare_with_keras": lambda: C(seed=0, n=20),
    }


#: name -> the (argument, change) pairs that must raise: arguments meant to match, changed alone
MATCHING = {
    "mlp_loss_and_grads": _each(("X",)) + _each(("y",), (_extra_row, _first_row, _column)),
    "train_mlp": _vector_target("X", "y"),
}
