"""Valid calls for the bad-input audit of ``course_lib.experiments.ch04_losses`` (see tests/test_api_audit.py)."""

import numpy as np  # noqa: F401

from ._common import C, _vector_target, fx  # noqa: F401

MODULE = "experiments.ch04_losses"


def calls():
    f = fx()
    x, y, w0 = f["yog_x"], f["yog_y"], f["w0"]
    w0t = tuple(float(v) for v in w0)
    return {
        "regression_curves": lambda: C(delta=1.0, span=4.0),
        "ce_stability_view": lambda: C(10.0, target="smallest", dtype="float64"),
        "yogurt_gd": lambda: C(x, y, w0, loss="custom", cost=1.0, profit=99.0, lr=0.002, epochs=3, every=1,
                               exact=True, fma=True),
        "least_squares": lambda: C(x, y),
        "yogurt_optimum": lambda: C(x, y, cost=1.0, profit=99.0),
        "yogurt_grid": lambda: C(w0t, values=(1, 2), epochs=3, every=1),
        "yogurt_view": lambda: C(1, 99, w0t, tail=5),
        "box_view": lambda: C(0.5, 0.0, 1.0, 1.0, target_w=2.0, target_h=1.0, span=6.0, iou=None),
        "box_regression_simulation": lambda: C(n_centers=1, scales=(1.0,), ratios=(1.0,), target_ratios=(1.0,),
                                               n_iter=3, lr=0.1, decay_at=(2,), radius=3.0, losses=("IoU",),
                                               track=(0,)),
        "box_case_paths": lambda: C(n_iter=5, lr=0.1, decay_at=(3,)),
        "box_simulation_view": lambda: C(10),
        "box_case_view": lambda: C("diagonal", 3),
        "focal_curve_data": lambda: C(gammas=(0, 2), n=10),
        "focal_toy": lambda: C(n_neg=20, n_pos=4, gammas=(0.0, 2.0), alphas=(0.25,), seed=4, tol=1e-8, max_iter=3),
        "focal_view": lambda: C(2.0, 0.25),
        "detector_toy": lambda: C(seed=0),
        "detector_loss_view": lambda: C(gamma=2.0, alpha=0.25, box_weight=1.0, box_loss="GIoU"),
    }


#: name -> the (argument, change) pairs that must raise: arguments meant to match, changed alone
MATCHING = {
    "yogurt_gd": _vector_target("x", "y"),
    "least_squares": _vector_target("x", "y"),
    "yogurt_optimum": _vector_target("x", "y"),
}
