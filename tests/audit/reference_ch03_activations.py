"""Valid calls for the bad-input audit of ``course_lib.reference.ch03_activations``."""

from ._common import C

MODULE = "reference.ch03_activations"


def calls():
    return {
        "ch03_vs_tensorflow": lambda: C(seed=0, n=20, dtype="float64"),
        "gradient_norms_tf": lambda: C("tanh", 2, width=4, batch=8, seed=0, gain=1.0, dtype="float64"),
        "activation_timings": lambda: C(names=("relu",), n=10, repeats=1, seed=0),
        "dense_layer_timings": lambda: C(fan_in=4, units=2, batch=2, names=("relu",), repeats=1, seed=0),
    }


MATCHING = {}
