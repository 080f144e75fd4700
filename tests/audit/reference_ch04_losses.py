"""Valid calls for the bad-input audit of ``course_lib.reference.ch04_losses`` (see tests/test_api_audit.py)."""

import numpy as np  # noqa: F401

from ._common import NOT_BROADCASTABLE, C, _each, _vector_target, fx  # noqa: F401

MODULE = "reference.ch04_losses"


def calls():
    f = fx()
    x, y, w0 = f["yog_x"], f["yog_y"], f["w0"]
    b1, b2 = f["boxes1"], f["boxes2"]
    return {
        "ch04_vs_tensorflow": lambda: C(n=20, seed=0),
        "box_loss_tf": lambda: C("GIoU", b1, b2),
        "course_initial_weights": lambda: C(),
        "yogurt_gd_tf": lambda: C(x, y, w0, loss="custom", cost=1.0, profit=99.0, lr=0.002, epochs=2),
        "course_yogurt_runs": lambda: C(w0),
        "course_comparison": lambda: C(w0),
    }


#: name -> the (argument, change) pairs that must raise: arguments meant to match, changed alone
MATCHING = {
    "yogurt_gd_tf": _vector_target("x", "y"),
    "box_loss_tf": _each(("y_true", "y_pred"), NOT_BROADCASTABLE),
}
