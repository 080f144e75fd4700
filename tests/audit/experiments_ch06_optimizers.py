"""Valid calls for the bad-input audit of ``course_lib.experiments.ch06_optimizers`` (see tests/test_api_audit.py)."""

import numpy as np  # noqa: F401

from ._common import (  # noqa: F401
    ALL,
    NOT_BROADCASTABLE,
    C,
    M,
    _each,
    _extra_row,
    _first_row,
    _vector_target,
    fx,
    mod,
    small_model,
)

MODULE = "experiments.ch06_optimizers"


def calls():
    E = mod("experiments.ch06_optimizers")
    f = fx()
    w1, b1 = E.iris_initial_weights()
    return {
        "iris_initial_weights": lambda: C(),
        "IrisRun": lambda: C("r", np.ones(2), np.ones(2), np.ones(2), np.ones(8), w1, b1, 0.1),
        "fit_iris": lambda: C("sgd", 2, lr=0.1, batch_size=32, shuffle=True, seed=0, weights=(w1, b1), n_train=100,
                              switch=(1, "adam"), patience=5, monitor="loss", min_delta=0.0, name="r"),
        "iris_optimizers": lambda: C(names=("sgd", "adam"), epochs=2, lr=0.1, flush_to_zero=True),
        "iris_restarts": lambda: C("sgd", n_starts=1, epochs=2, lr=0.1, stddev=1.0, seed=0),
        "iris_optimizers_course_tf": lambda: C(names=("sgd",), epochs=1, lr=0.1),
        "iris_forward_backward": lambda: C(f["iris_x"], f["iris_y1h"], w1, b1),
    }


#: name -> the (argument, change) pairs that must raise: arguments meant to match, changed alone
MATCHING = {
    "iris_forward_backward": _each(("x", "y_onehot")),
}
