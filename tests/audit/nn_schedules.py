"""Valid calls for the bad-input audit of ``course_lib.nn.schedules`` (see tests/test_api_audit.py)."""

import numpy as np  # noqa: F401

from ._common import C, M, mod

MODULE = "nn.schedules"


def calls():
    S = mod("nn.schedules")
    steps = np.arange(6)
    return {
        "exponential_decay": lambda: C(steps, 0.1, 10, 0.9, staircase=False),
        "piecewise_constant_decay": lambda: C(steps, [2, 4], [0.1, 0.05, 0.01]),
        "inverse_time_decay": lambda: C(steps, 0.1, 10, 0.5, staircase=False),
        "polynomial_decay": lambda: C(steps, 0.1, 10, end_learning_rate=1e-4, power=1.0, cycle=False),
        "cosine_decay": lambda: C(steps, 0.1, 10, alpha=0.0, warmup_target=0.2, warmup_steps=2),
        "cosine_decay_restarts": lambda: C(steps, 0.1, 3, t_mul=2.0, m_mul=1.0, alpha=0.0),
        "Schedule": lambda: C("exponential_decay", initial_learning_rate=0.1, decay_steps=10, decay_rate=0.9),
        "Schedule.__call__": lambda: M(lambda: S.Schedule("cosine_decay", initial_learning_rate=0.1,
                                                          decay_steps=10), "__call__", steps),
        "make_schedule": lambda: C("exponential_decay", initial_learning_rate=0.1, decay_steps=10,
                                   decay_rate=0.9),
    }


#: name -> the (argument, change) pairs that must raise: arguments meant to match, changed alone
MATCHING = {}
