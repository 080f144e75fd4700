"""Valid calls for the bad-input audit of ``course_lib.losses`` (see tests/test_api_audit.py)."""

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

MODULE = "losses"


def calls():
    f = fx()
    t, p, y01, prob, oh, lab = f["t43"], f["p43"], f["y01"], f["prob"], f["onehot"], f["labels"]
    b1, b2 = f["boxes1"], f["boxes2"]
    x, y, w0 = f["yog_x"], f["yog_y"], f["w0"]
    w0t = tuple(float(v) for v in w0)
    out = {
        "mean_squared_error": lambda: C(t, p),
        "huber": lambda: C(t, p, delta=1.0),
        "smooth_l1": lambda: C(t, p, beta=1.0),
        "yogurt_loss": lambda: C(t, p, cost=1.0, profit=99.0),
        "binary_crossentropy": lambda: C(y01, prob, from_logits=False, label_smoothing=0.1, axis=-1),
        "categorical_crossentropy": lambda: C(oh, prob, from_logits=False, label_smoothing=0.1, axis=-1),
        "sparse_categorical_crossentropy": lambda: C(lab, prob, from_logits=False, ignore_class=None, axis=-1),
        "softmax_cross_entropy_with_logits": lambda: C(oh, p, axis=-1),
        "sparse_softmax_cross_entropy_with_logits": lambda: C(lab, p),
        "naive_softmax_cross_entropy": lambda: C(oh, p),
        "binary_focal_crossentropy": lambda: C(y01, prob, apply_class_balancing=True, alpha=0.25, gamma=2.0,
                                               from_logits=False, label_smoothing=0.1, axis=-1),
        "categorical_focal_crossentropy": lambda: C(oh, prob, alpha=0.25, gamma=2.0, from_logits=False,
                                                    label_smoothing=0.1, axis=-1),
        "box_loss_gradient": lambda: C("GIoU", b1, b2, h=1e-6, param="xyxy"),
        "box_regression_simulation": lambda: C(n_centers=1, scales=(1.0,), ratios=(1.0,), target_ratios=(1.0,),
                                               n_iter=3, lr=0.1, decay_at=(2,), radius=3.0, losses=("IoU",),
                                               track=(0,)),
        "box_case_paths": lambda: C(n_iter=5, lr=0.1, decay_at=(3,)),
        "box_case_view": lambda: C("diagonal", 3),
        "course_initial_weights": lambda: C(),
        "course_yogurt_runs": lambda: C(w0),
        "yogurt_gd": lambda: C(x, y, w0, loss="custom", cost=1.0, profit=99.0, lr=0.002, epochs=3, every=1,
                               exact=True),
        "yogurt_gd_tf": lambda: C(x, y, w0, loss="custom", cost=1.0, profit=99.0, lr=0.002, epochs=2),
        "least_squares": lambda: C(x, y),
        "yogurt_optimum": lambda: C(x, y, cost=1.0, profit=99.0),
        "yogurt_grid": lambda: C(w0t, values=(1, 2), epochs=3, every=1),
        "yogurt_view": lambda: C(1, 99, w0t, tail=5),
        "regression_curves": lambda: C(delta=1.0, span=4.0),
        "compare_with_tf": lambda: C(n=20, seed=0),
        "course_comparison": lambda: C(w0),
        "ce_stability_view": lambda: C(10.0, target="smallest", dtype="float64"),
        "box_view": lambda: C(0.5, 0.0, 1.0, 1.0, target_w=2.0, target_h=1.0, span=6.0),
        "focal_curve_data": lambda: C(gammas=(0, 2), n=10),
        "focal_toy": lambda: C(n_neg=20, n_pos=4, gammas=(0.0, 2.0), alphas=(0.25,), lr=1.0, epochs=3, seed=4),
        "focal_view": lambda: C(2.0, 0.25),
    }
    for k in ("iou", "giou", "diou", "ciou"):
        out[k] = lambda: C(b1, b2)
        out[k + "_loss"] = lambda: C(b1, b2)
    return out


#: name -> the (argument, change) pairs that must raise: arguments meant to match, changed alone
MATCHING = {
    **{k: _each(("y_true", "y_pred")) for k in (
        "mean_squared_error", "huber", "smooth_l1", "yogurt_loss", "binary_crossentropy",
        "categorical_crossentropy", "binary_focal_crossentropy", "categorical_focal_crossentropy")},
    "sparse_categorical_crossentropy": _each(("y_true", "y_pred"), (_extra_row, _first_row)),
    "softmax_cross_entropy_with_logits": _each(("labels", "logits")),
    "naive_softmax_cross_entropy": _each(("labels", "logits")),
    "sparse_softmax_cross_entropy_with_logits": _each(("labels", "logits"), (_extra_row, _first_row)),
    **{f"{k}": _each(("boxes1", "boxes2"), NOT_BROADCASTABLE) for k in ("iou", "giou", "diou", "ciou")},
    **{f"{k}_loss": _each(("y_true", "y_pred"), NOT_BROADCASTABLE) for k in ("iou", "giou", "diou", "ciou")},
    "box_loss_gradient": _each(("y_true", "y_pred"), NOT_BROADCASTABLE),
    "yogurt_gd": _vector_target("x", "y"),
    "least_squares": _vector_target("x", "y"),
    "yogurt_optimum": _vector_target("x", "y"),
}
