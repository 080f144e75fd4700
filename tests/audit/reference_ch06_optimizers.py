"""Valid calls for the bad-input audit of ``course_lib.reference.ch06_optimizers`` (see tests/test_api_audit.py)."""

import numpy as np

from ._common import C


def _keras_sgd():
    import keras

    return keras.optimizers.SGD(0.1)

def _iris_step():
    from course_lib.reference import ch06_optimizers as REF

    return REF._iris_train_step


MODULE = "reference.ch06_optimizers"


def calls():
    return {
        "compare_with_keras": lambda: C(steps=2, seed=0, cases=(("SGD", "SGD", {"learning_rate": 0.1}),)),
        "ch06_vs_tensorflow": lambda: C(steps=2, seed=0),
        "iris_optimizers_course_tf": lambda: C(names=("sgd",), epochs=1, lr=0.1),
        "keras_path": lambda: C(_keras_sgd(), lambda a, b: np.array([2 * a, 2 * b]), (1.0, 1.0), 2),
        "iris_tf_epochs": lambda: C(_iris_step(), _keras_sgd(), epochs=1),
    }


MATCHING = {}
