"""Valid calls for the bad-input audit of ``course_lib.data`` (see tests/test_api_audit.py)."""

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

MODULE = "data"


def calls():
    return {
        "dots": lambda: C(n=10, seed=2),
        "dots_split": lambda: C(n_train=240),
        "yogurt": lambda: C(n=8, seed=1),
        "iris": lambda: C(shuffle_seed=116, n_train=120),
        "iris_raw": lambda: C(),
        "data_path": lambda: C("dot.csv"),
        "noisy_dots": lambda: C(n_train=40, flip=0.2, seed=1),
        "target_function": lambda: C(np.linspace(-1, 1, 5)),
        "poly_data": lambda: C(10, noise=0.2, seed=1, stream=0),
    }


#: name -> the (argument, change) pairs that must raise: arguments meant to match, changed alone
MATCHING = {

}
