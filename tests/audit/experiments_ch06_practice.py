"""Valid calls for the bad-input audit of ``course_lib.experiments.ch06_practice`` (see tests/test_api_audit.py)."""

import numpy as np

from ._common import C, _each, fx, mod

MODULE = "experiments.ch06_practice"


def _run():
    return mod("experiments.ch06_practice").dots_run("adam", 5, hidden=4)


def calls():
    P = mod("experiments.ch06_practice")
    f = fx()
    w1, b1 = P.iris_initial_weights()
    return {
        "iris_initial_weights": lambda: C(),
        "IrisRun": lambda: C("r", np.ones(2), np.ones(2), np.ones(2), np.ones(8), w1, b1, 0.1),
        "fit_iris": lambda: C("sgd", 2, lr=0.1, batch_size=32, shuffle=True, seed=0, weights=(w1, b1), n_train=100,
                              switch=(1, "adam"), patience=5, monitor="loss", min_delta=0.0, name="r",
                              order="by_class"),
        "epoch_orders": lambda: C(120, 3, seed=0, reshuffle=True),
        "iris_optimizers": lambda: C(names=("sgd", "adam"), epochs=2, lr=0.1, flush_to_zero=True),
        "iris_restarts": lambda: C("sgd", n_starts=1, epochs=2, lr=0.1, stddev=1.0, seed=0),
        "iris_forward_backward": lambda: C(f["iris_x"], f["iris_y1h"], w1, b1),
        "sparse_problem": lambda: C(0.5, d_dense=2, d_rare=3, n=20, noise=0.1, seed=0),
        "sparse_race": lambda: C(scales=(1.0,), steps=3, batch_size=4, seed=0, names=("SGD", "Adam")),
        "noisy_dots": lambda: C(n_train=50, flip=0.1, seed=0),
        "DotsRun": lambda: C("r", {"loss": np.ones(2)}, {}),
        "dots_run": lambda: C("adam", 2, lr=0.01, hidden=4, batch_size=20, lam=0.01,
                              plateau={"factor": 0.5, "patience": 1}, seed=0, name="r", n_train=50, flip=0.1),
        "dots_runs": lambda: C({"a": {"optimizer": "adam", "lr": 0.01, "lam": 0.01, "plateau": {"factor": 0.5}},
                                "b": {"optimizer": "sgd"}}, 2, hidden=4, batch_size=20, seed=0, n_train=50, flip=0.1),
        "early_stopping_view": lambda: C(_run(), patience=3),
        "abs_fit_starts": lambda: C(n_starts=2, hidden=2, steps=3, lr=0.1, momentum=0.9, seed=0),
    }


#: name -> the (argument, change) pairs that must raise: arguments meant to match, changed alone
MATCHING = {
    "iris_forward_backward": _each(("x", "y_onehot")),
}
