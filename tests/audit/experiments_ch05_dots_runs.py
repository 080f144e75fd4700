"""Valid calls for the bad-input audit of ``course_lib.experiments.ch05_dots_runs``."""

import numpy as np  # noqa: F401

from ._common import C, M, _vector_target, fx, mod  # noqa: F401

MODULE = "experiments.ch05_dots_runs"


def calls():
    K = mod("experiments.ch05_dots_runs")
    f = fx()
    X, y = f["dots_x"], f["dots_y"].astype(float)

    def runs():
        return K.train_mlp(X, y, hidden=3, epochs=2, record=True)

    return {
        "MLPRuns": lambda: C(*[np.zeros(1)] * 6, "l2", False, np.zeros((1, 2)), np.zeros((1, 2))),
        "MLPRuns.predict": lambda: M(runs, "predict", X, epoch=1),
        "MLPRuns.accuracy": lambda: M(runs, "accuracy", X, y),
        "train_mlp": lambda: C(X, y, lam=[0.0, 0.1], kind="l2", seed=1, hidden=3, lr=0.01, epochs=2,
                               batch_size=8, x_val=X[:4], y_val=y[:4], init=None, proximal=False, record=True,
                               dtype=np.float64),
        "train_side_by_side": lambda: C(X, y, [{"lam": [0.0, 0.1], "seed": 1, "hidden": 3},
                                               {"lam": 0.1, "kind": "l1", "proximal": True, "hidden": 2, "lr": 0.02}],
                                        lr=0.01, epochs=2, batch_size=8, x_val=X[:4], y_val=y[:4], record=True,
                                        curves=True, dtype=np.float64),
    }


#: name -> the (argument, change) pairs that must raise: arguments meant to match, changed alone
MATCHING = {
    "train_mlp": _vector_target("x", "y"),
    "train_side_by_side": _vector_target("x", "y"),
}
