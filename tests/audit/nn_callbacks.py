"""Valid calls for the bad-input audit of ``course_lib.nn.callbacks``."""

import numpy as np  # noqa: F401

from ._common import C, M, _each, fx, mod  # noqa: F401

MODULE = "nn.callbacks"


def calls():
    cb = mod("nn.callbacks")
    return {
        "Monitor": lambda: C(mode="min", min_delta=0.0),
        "Monitor.improved": lambda: M(lambda: cb.Monitor(), "improved", 0.5),
        "EarlyStopping": lambda: C(patience=1, min_delta=0.0, mode="min"),
        "EarlyStopping.update": lambda: M(lambda: cb.EarlyStopping(1), "update", 0.5),
        "early_stopping_epoch": lambda: C([1.0, 0.5, 0.6, 0.7], patience=1, min_delta=0.0),
        "reduce_lr_on_plateau": lambda: C([1.0, 0.9, 0.9, 0.9], 0.1, factor=0.1, patience=1, mode="min",
                                          min_delta=1e-4, cooldown=0, min_lr=0.0),
        "ReduceLROnPlateau": lambda: C(0.1, factor=0.1, patience=1, mode="min", min_delta=1e-4, cooldown=0,
                                       min_lr=0.0),
        "ReduceLROnPlateau.update": lambda: M(lambda: cb.ReduceLROnPlateau(0.1), "update", 0.5),
    }


MATCHING = {}
