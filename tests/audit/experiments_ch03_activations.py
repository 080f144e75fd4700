"""Valid calls for the bad-input audit of ``course_lib.experiments.ch03_activations``."""

import numpy as np

from ._common import C, _vector_target, fx

MODULE = "experiments.ch03_activations"


def calls():
    f = fx()
    X = f["x34"]
    return {
        "curve_data": lambda: C("elu", param=0.5, lo=-2.0, hi=2.0, n=11),
        "softmax_temperature": lambda: C(X, 2.0),
        "linear_stack_collapse": lambda: C(depth=3, width=4, seed=0),
        "relu_features_fit": lambda: C(np.sin, 4, lo=-1.0, hi=1.0, n=20, seed=0, activation="relu"),
        "properties": lambda: C("tanh", n=101),
        "properties_table": lambda: C(names=("tanh",)),
        "train_classifier": lambda: C(f["dots_x"], f["dots_y"], activation="relu", hidden=4, lr=0.1, epochs=2,
                                      batch_size=8, seed=0, init="he"),
        "gradient_norms": lambda: C("tanh", 2, width=4, batch=8, seed=0),
        "gradient_norm_table": lambda: C(max_depth=2, activations=("relu",), width=4, seed=0),
        "dead_relu_sweep": lambda: C(lrs=(0.3,), activations=("relu",), epochs=1, hidden=4, seed=0),
        "zero_centred_comparison": lambda: C(activations=("tanh",), seeds=(0,), lr=1.0, epochs=1, hidden=4),
        "relative_cost": lambda: C(names=("tanh", "sigmoid"), n=1000, repeats=2, seed=0),
    }


#: name -> the (argument, change) pairs that must raise: arguments meant to match, changed alone
MATCHING = {
    "train_classifier": _vector_target("x", "y"),
}
