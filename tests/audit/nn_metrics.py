"""Valid calls for the bad-input audit of ``course_lib.nn.metrics``."""

import numpy as np

from ._common import C, _extra_row, _first_row, mod

MODULE = "nn.metrics"


def calls():
    mod("nn.metrics")
    y, s = np.array([1.0, 0.0, 1.0, 0.0]), np.array([0.9, 0.8, 0.4, 0.2])
    return {
        "binary_accuracy": lambda: C(y, s, threshold=0.5),
        "roc_auc": lambda: C(y, s),
    }


MATCHING = {
    "binary_accuracy": [(n, c) for n in ("y_true", "y_pred") for c in (_extra_row, _first_row)],
    "roc_auc": [(n, c) for n in ("y_true", "y_score") for c in (_extra_row, _first_row)],
}
