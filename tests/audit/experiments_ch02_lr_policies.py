"""Valid calls for the bad-input audit of ``course_lib.experiments.ch02_lr_policies``."""

import numpy as np  # noqa: F401

from ._common import C, mod

MODULE = "experiments.ch02_lr_policies"


def calls():
    X = mod("experiments.ch02_lr_policies")

    def runs():
        return {"c": X.TrainingRun(np.array([0.5, 0.4]), np.full(4, 0.1), 2, 0.5)}

    return {
        "minimise_quadratic": lambda: C(0.1, epochs=3, w0=5.0, dtype="float32"),
        "TrainingRun": lambda: C(np.array([0.5, 0.4]), np.full(4, 0.1), 2, 0.5),
        "train_with_schedules": lambda: C({"c": 0.1}, dataset="dots", epochs=1, batch_size=120, hidden=2, seed=0),
        "schedule_view": lambda: C("cosine_decay", n_steps=10, initial_learning_rate=0.1, decay_steps=10),
        "exponential_view": lambda: C(initial_learning_rate=0.1, decay_steps=10, decay_rate=0.8, n_steps=10),
        "piecewise_view": lambda: C(boundary_1=3, length_2=3, value_1=0.1, value_2=0.05, value_3=0.01, n_steps=10),
        "overlay_view": lambda: C(n_steps=10, logy=False, cosine=True),
        "quadratic_runs": lambda: C({"a": 0.1}, epochs=3, w0=5.0),
        "quadratic_view": lambda: C(learning_rate=0.2, decay_rate=0.99, epochs=3),
        "plateau_view": lambda: C([1.0, 0.9, 0.9, 0.9], initial_learning_rate=0.1, factor=0.5, patience=1,
                                  min_delta=1e-3, cooldown=0),
        "training_view": lambda: C(runs(), "c", show_all=False, baseline="c"),
        "warmup_view": lambda: C({0.1: runs()}, 0.1),
        "schedule_caption": lambda: C(X.schedule_view("cosine_decay", 10, initial_learning_rate=0.1,
                                                      decay_steps=10), at=(0, 5)),
        "training_caption": lambda: C(X.training_view(runs(), "c", baseline="c")),
        "plateau_caption": lambda: C(X.plateau_view([1.0, 0.9, 0.9, 0.9], patience=1)),
    }


#: name -> the (argument, change) pairs that must raise: arguments meant to match, changed alone
MATCHING = {}
