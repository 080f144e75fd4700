"""Valid calls for the bad-input audit of ``course_lib.nn.losses`` (see tests/test_api_audit.py)."""

import numpy as np  # noqa: F401

from ._common import NOT_BROADCASTABLE, C, _each, _extra_row, _first_col, _first_row, fx  # noqa: F401

MODULE = "nn.losses"


def calls():
    f = fx()
    t, p, y01, prob, oh, lab = f["t43"], f["p43"], f["y01"], f["prob"], f["onehot"], f["labels"]
    b1, b2 = f["boxes1"], f["boxes2"]
    out = {
        "mean_squared_error": lambda: C(t, p),
        "huber": lambda: C(t, p, delta=1.0),
        "smooth_l1": lambda: C(t, p, beta=1.0),
        "yogurt_loss": lambda: C(t, p, cost=1.0, profit=99.0),
        "pinball_loss": lambda: C(t, p, tau=0.3),
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
    }
    for k in ("iou", "giou", "diou", "ciou"):
        out[k] = lambda: C(b1, b2)
        out[k + "_loss"] = lambda: C(b1, b2)
    return out


#: name -> the (argument, change) pairs that must raise: arguments meant to match, changed alone
MATCHING = {
    # ranks that differ by one with a last axis of 1 are matched, as Keras does: (n, k) with (n, k, 1) is valid
    **{k: _each(("y_true", "y_pred"), (_extra_row, _first_row, _first_col)) for k in (
        "mean_squared_error", "huber", "smooth_l1", "pinball_loss")},
    **{k: _each(("y_true", "y_pred")) for k in (
        "yogurt_loss", "binary_crossentropy",
        "categorical_crossentropy", "binary_focal_crossentropy", "categorical_focal_crossentropy")},
    "sparse_categorical_crossentropy": _each(("y_true", "y_pred"), (_extra_row, _first_row)),
    "softmax_cross_entropy_with_logits": _each(("labels", "logits")),
    "naive_softmax_cross_entropy": _each(("labels", "logits")),
    "sparse_softmax_cross_entropy_with_logits": _each(("labels", "logits"), (_extra_row, _first_row)),
    **{f"{k}": _each(("boxes1", "boxes2"), NOT_BROADCASTABLE) for k in ("iou", "giou", "diou", "ciou")},
    **{f"{k}_loss": _each(("y_true", "y_pred"), NOT_BROADCASTABLE) for k in ("iou", "giou", "diou", "ciou")},
    "box_loss_gradient": _each(("y_true", "y_pred"), NOT_BROADCASTABLE),
}
