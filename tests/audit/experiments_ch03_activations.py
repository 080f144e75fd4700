"""Valid calls for the bad-input audit of ``course_lib.experiments.ch03_activations``."""

import numpy as np

from ._common import C, _vector_target, fx, mod

MODULE = "experiments.ch03_activations"


def calls():
    f = fx()
    X = f["x34"]
    xy = (f["dots_x"], f["dots_y"])

    def init():
        return [mod("train").init_mlp(2, 3, 1, seed=0)]

    return {
        "sigmoid_minus_half": lambda: C(X), "two_sigmoid_2x": lambda: C(X), "two_sigmoid_2x_grad": lambda: C(X),
        "centred_sigmoid": lambda: C(X), "centred_sigmoid_grad": lambda: C(X),
        "activation_pair": lambda: C("tanh", arg="activation"),
        "curve_data": lambda: C("elu", param=0.5, lo=-2.0, hi=2.0, n=11),
        "softmax_temperature": lambda: C(X, 2.0),
        "linear_stack_collapse": lambda: C(depth=3, width=4, seed=0),
        "relu_features_fit": lambda: C(np.sin, 4, lo=-1.0, hi=1.0, n=20, seed=0, activation="relu"),
        "properties": lambda: C("tanh", n=101),
        "properties_table": lambda: C(names=("tanh",)),
        "convexity_check": lambda: C(x=1.0, y=1.0, w=(-6.0, -3.0, 0.0)),
        "cost_table": lambda: C(fan_ins=(2, 8), names=("relu", "tanh")),
        "held_out": lambda: C(n=10, seed=3),
        "train_classifier": lambda: C(*xy, activation="relu", hidden=3, lr=0.1, epochs=1, batch_size=8, seed=0,
                                      init="normal", bias=0.01),
        "train_many": lambda: C(*xy, "relu", init(), [0.1], [0], 1, batch_size=8, on_epoch_end=None),
        "forward_many": lambda: C(mod("experiments.ch03_activations").train_many(*xy, "relu", init(), [0.1], [0], 1),
                                  f["dots_x"], "relu"),
        "lr_sweep": lambda: C(arms=(("relu", "normal"),), lrs=(0.3,), seeds=(0,), epochs=1, hidden=3, bias=0.01),
        "dead_relu_table": lambda: C(mod("experiments.ch03_activations").lr_sweep(
            arms=(("relu", "normal"),), lrs=(0.3,), seeds=(0,), epochs=1, hidden=3)),
        "dead_relu_facts": lambda: C(mod("experiments.ch03_activations").lr_sweep(
            arms=(("relu", "normal"),), lrs=(0.3,), seeds=(0,), epochs=1, hidden=3)),
        "output_range_facts": lambda: C(lrs=(1.0,), activations=("tanh",), seeds=(0,)),
        "output_range_table": lambda: C(lrs=(1.0,), activations=("tanh",), seeds=(0,), facts=None),
        "zero_centring_runs": lambda: C(lr=1.0, seeds=(0,), epochs=1, hidden=3, activations=("tanh",)),
        "zero_centring_grid": lambda: C(lrs=(0.3, 1.0), seeds=(0,), epochs=1, hidden=3, activations=("tanh",)),
        "deep_net": lambda: C(3, width=4, batch=8, seed=0, gain=1.0),
        "gradient_norms": lambda: C("tanh", 2, width=4, batch=8, seed=0, gain=1.0),
        "vanishing_view": lambda: C(depth=3, init="Glorot (Keras default)", activations=("relu",)),
        "vanishing_table": lambda: C(depth=3, gains=(1.0,), activations=("relu",)),
    }


#: name -> the (argument, change) pairs that must raise: arguments meant to match, changed alone
MATCHING = {
    "train_classifier": _vector_target("x", "y"),
    "train_many": _vector_target("x", "y"),
}
