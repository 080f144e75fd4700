"""Valid calls for the bad-input audit of ``course_lib.experiments.ch02_lr_policies``."""

import numpy as np  # noqa: F401

from ._common import C, mod

MODULE = "experiments.ch02_lr_policies"


def calls():
    X = mod("experiments.ch02_lr_policies")

    def run():
        return X.TrainingRun(np.array([0.5, 0.4]), np.array([0.5, 0.3]), np.array([0.8, 0.9]), np.full(4, 0.1), 2, 0)

    def runs():
        return {"c": run()}

    return {
        "minimise_quadratic": lambda: C(0.1, epochs=3, w0=5.0, dtype="float32"),
        "dots_task": lambda: C(),
        "TrainingRun": lambda: C(np.array([0.5, 0.4]), np.array([0.5, 0.3]), np.array([0.8, 0.9]), np.full(4, 0.1), 2,
                                 dead_units=0),
        "train_with_schedules": lambda: C({"c": 0.1}, epochs=1, seed=0, monitor="val_loss"),
        "initial_weights": lambda: C(seed=0),
        "batch_orders": lambda: C(2, seed=0),
        "comparison_policies": lambda: C(peak=3.0, epochs=20, steps_per_epoch=8),
        "first_epoch_below": lambda: C([0.5, 0.2, 0.05], 0.1),
        "comparison_rows": lambda: C(runs(), threshold=0.1, last=2),
        "warmup_policies": lambda: C(3.0, epochs=20, steps_per_epoch=8, warmup_epochs=2),
        "warmup_grid": lambda: C(peaks=(1.0,), epochs=2, seed=0, warmup_epochs=1),
        "warmup_exponential": lambda: C(np.arange(6), 3.0, 2, 4, 0.5),
        "exponential_view": lambda: C(initial_learning_rate=0.1, decay_steps=10, decay_rate=0.8, n_steps=10),
        "overlay_view": lambda: C(n_steps=10, logy=False, cosine=True),
        "quadratic_runs": lambda: C({"a": 0.1}, epochs=3, w0=5.0),
        "quadratic_view": lambda: C(learning_rate=0.2, decay_rate=0.99, epochs=3),
        "warmup_view": lambda: C({0.1: runs()}, 0.1),
        "schedule_caption": lambda: C(X.exponential_view(n_steps=10), at=(0, 5)),
        "training_caption": lambda: C(X.warmup_view({0.1: runs()}, 0.1)),
    }


#: name -> the (argument, change) pairs that must raise: arguments meant to match, changed alone
MATCHING = {}
