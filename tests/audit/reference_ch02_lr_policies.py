"""Valid calls for the bad-input audit of ``course_lib.reference.ch02_lr_policies``."""

import numpy as np  # noqa: F401

from ._common import C

MODULE = "reference.ch02_lr_policies"


def calls():
    return {
        "course_lr_decay_table": lambda: C(dtype="float64"),
        "course_loop_tf": lambda: C(epochs=3),
        "ch02_vs_tensorflow": lambda: C(n_steps=10, losses=[1.0, 0.9, 0.9], plateau={"initial_learning_rate": 0.1,
                                                                                       "patience": 1}),
        "restart_rows": lambda: C(initial_learning_rate=0.1, first_decay_steps=10, t_mul=3.0, m_mul=0.8, n_steps=50),
        "trainer_vs_fit": lambda: C(epochs=1, policies={"c": 0.5}, seed=0),
    }


#: name -> the (argument, change) pairs that must raise: arguments meant to match, changed alone
MATCHING = {}
