"""Valid calls for the bad-input audit of ``course_lib.experiments.ch06_optimizers`` (see tests/test_api_audit.py)."""

import numpy as np

from ._common import C, _each, fx, mod

MODULE = "experiments.ch06_optimizers"


def calls():
    E = mod("experiments.ch06_optimizers")
    O = mod("nn.optimizers")
    f = fx()
    w1, b1 = E.iris_initial_weights()
    return {
        "adam_effective_step": lambda: C(steps=5, beta_1=0.9, beta_2=0.999, bias_correction=False),
        "Surface": lambda: C("q", lambda a, b: a * a + b * b, lambda a, b: np.array([2 * a, 2 * b]), (1.0, 1.0),
                             (-2.0, 2.0), (-2.0, 2.0), (0.0, 0.0), "f = x² + y²", preset={}),
        "trajectory": lambda: C(O.SGD(0.1), lambda a, b: np.array([2 * a, 2 * b]), (1.0, 1.0), 5, limit=1e6),
        "race": lambda: C(surface="quadratic", names=("SGD", "Adam"), lr=0.1, lr_adaptive=0.1, momentum=0.9,
                          beta_1=0.9, beta_2=0.999, rho=0.9, steps=5),
        "rotated_quadratic": lambda: C(dim=3, condition=10.0, seed=0),
        "tuned_race": lambda: C(dim=3, condition=10.0, steps=5, seed=0, n_lrs=2),
        "iris_initial_weights": lambda: C(),
        "IrisRun": lambda: C("r", np.ones(2), np.ones(2), np.ones(2), np.ones(8), w1, b1, 0.1),
        "fit_iris": lambda: C("sgd", 2, lr=0.1, batch_size=32, shuffle=True, seed=0, weights=(w1, b1), n_train=100,
                              switch=(1, "adam"), patience=5, monitor="loss", min_delta=0.0, name="r"),
        "iris_optimizers": lambda: C(names=("sgd", "adam"), epochs=2, lr=0.1, flush_to_zero=True),
        "iris_restarts": lambda: C("sgd", n_starts=1, epochs=2, lr=0.1, stddev=1.0, seed=0),
        "iris_forward_backward": lambda: C(f["iris_x"], f["iris_y1h"], w1, b1),
    }


#: name -> the (argument, change) pairs that must raise: arguments meant to match, changed alone
MATCHING = {
    "iris_forward_backward": _each(("x", "y_onehot")),
}
