"""Valid calls for the bad-input audit of ``course_lib.train``."""

import numpy as np  # noqa: F401

from ._common import C, _vector_target, fx, mod

MODULE = "train"


def calls():
    T, O = mod("train"), mod("nn.optimizers")
    f = fx()
    X, y = f["dots_x"], f["dots_y"].astype(float)

    def loss_and_grads(p, xb, yb):
        return T.mlp_loss_and_grads(p, xb, yb, activation="relu")

    return {
        "init_mlp": lambda: C(2, 3, 1, seed=0, init="he", bias=0.01, dtype=np.float64),
        "mlp_forward": lambda: C(T.init_mlp(2, 3), X, activation="elu", alpha=0.5),
        "mlp_loss_and_grads": lambda: C(T.init_mlp(2, 3), X, y, activation="relu", loss="bce", lam=0.1, kind="l1"),
        "minibatches": lambda: C(X, y, 4, shuffle=True, seed=0),
        "fit": lambda: C(T.init_mlp(2, 3), loss_and_grads, T.minibatches(X, y, 8), O.SGD(0.1), 2,
                         on_epoch_end=None),
    }


MATCHING = {"mlp_loss_and_grads": _vector_target("x", "y")}
