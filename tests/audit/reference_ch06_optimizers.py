"""Valid calls for the bad-input audit of ``course_lib.reference.ch06_optimizers`` (see tests/test_api_audit.py)."""

from ._common import C

MODULE = "reference.ch06_optimizers"


def calls():
    return {
        "compare_with_keras": lambda: C(steps=2, seed=0, cases=(("SGD", "SGD", {"learning_rate": 0.1}),)),
        "ch06_vs_tensorflow": lambda: C(steps=2, seed=0),
        "iris_optimizers_course_tf": lambda: C(names=("sgd",), epochs=1, lr=0.1),
    }


MATCHING = {}
