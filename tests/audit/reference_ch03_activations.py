"""Valid calls for the bad-input audit of ``course_lib.reference.ch03_activations``."""

from ._common import C

MODULE = "reference.ch03_activations"


def calls():
    return {
        "ch03_vs_tensorflow": lambda: C(seed=0, n=20),
        "gradient_norms_tf": lambda: C("tanh", 2, width=4, batch=8, seed=0, dtype="float64"),
    }


MATCHING = {}
