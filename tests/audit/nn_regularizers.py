"""Valid calls for the bad-input audit of ``course_lib.nn.regularizers``."""

import numpy as np  # noqa: F401

from ._common import C, M, _each, fx, mod  # noqa: F401

MODULE = "nn.regularizers"


def calls():
    w = np.array([[0.5, -1.0], [0.0, 2.0]])
    ys = np.sin(np.linspace(-1, 1, 8))
    return {
        "l1_loss": lambda: C(w), "l2_loss": lambda: C(w),
        "penalty": lambda: C([w, w], 0.1, kind="l2"),
        "regularized_mse": lambda: C(ys, ys + 0.1, [w], 0.1, kind="l1"),
        "soft_threshold": lambda: C(w, 0.5),
    }


MATCHING = {"regularized_mse": _each(("y_true", "y_pred"))}
