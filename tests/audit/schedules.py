"""Valid calls for the bad-input audit of ``course_lib.schedules`` (see tests/test_api_audit.py)."""

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

MODULE = "schedules"


def calls():
    S = mod("schedules")
    steps = np.arange(6)

    def runs():
        return {"c": S.TrainingRun(np.array([0.5, 0.4]), np.full(4, 0.1), 2, 0.5)}

    return {
        "exponential_decay": lambda: C(steps, 0.1, 10, 0.9, staircase=False),
        "piecewise_constant_decay": lambda: C(steps, [2, 4], [0.1, 0.05, 0.01]),
        "inverse_time_decay": lambda: C(steps, 0.1, 10, 0.5, staircase=False),
        "polynomial_decay": lambda: C(steps, 0.1, 10, end_learning_rate=1e-4, power=1.0, cycle=False),
        "cosine_decay": lambda: C(steps, 0.1, 10, alpha=0.0, warmup_target=0.2, warmup_steps=2),
        "cosine_decay_restarts": lambda: C(steps, 0.1, 3, t_mul=2.0, m_mul=1.0, alpha=0.0),
        "reduce_lr_on_plateau": lambda: C([1.0, 0.9, 0.9, 0.9], 0.1, factor=0.1, patience=1, mode="min",
                                          min_delta=1e-4, cooldown=0, min_lr=0.0),
        "ReduceLROnPlateau": lambda: C(0.1, factor=0.1, patience=1, mode="min", min_delta=1e-4, cooldown=0,
                                       min_lr=0.0),
        "ReduceLROnPlateau.update": lambda: M(lambda: S.ReduceLROnPlateau(0.1), "update", 0.5),
        "Schedule": lambda: C("exponential_decay", initial_learning_rate=0.1, decay_steps=10, decay_rate=0.9),
        "Schedule.__call__": lambda: M(lambda: S.Schedule("cosine_decay", initial_learning_rate=0.1,
                                                          decay_steps=10), "__call__", steps),
        "make_schedule": lambda: C("exponential_decay", initial_learning_rate=0.1, decay_steps=10,
                                   decay_rate=0.9),
        "minimise_quadratic": lambda: C(0.1, epochs=3, w0=5.0, dtype="float32"),
        "course_lr_decay_table": lambda: C(dtype="float64"),
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
        "schedule_caption": lambda: C(S.schedule_view("cosine_decay", 10, initial_learning_rate=0.1,
                                                      decay_steps=10), at=(0, 5)),
        "training_caption": lambda: C(S.training_view(runs(), "c", baseline="c")),
        "plateau_caption": lambda: C(S.plateau_view([1.0, 0.9, 0.9, 0.9], patience=1)),
        "compare_with_keras": lambda: C(n_steps=10, losses=[1.0, 0.9, 0.9], plateau={"initial_learning_rate": 0.1,
                                                                                       "patience": 1}),
    }


#: name -> the (argument, change) pairs that must raise: arguments meant to match, changed alone
MATCHING = {

}
