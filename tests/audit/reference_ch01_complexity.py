"""Valid calls for the bad-input audit of ``course_lib.reference.ch01_complexity``."""

from ._common import C, small_model  # noqa: F401

MODULE = "reference.ch01_complexity"


def calls():
    return {
        "profiler_flops": lambda: C(small_model()),
        "model_rows": lambda: C({"a": small_model()}),
        "output_size_cases": lambda: C(sizes=range(1, 4), kernels=range(1, 3), strides=range(1, 3)),
        "ch01_vs_tensorflow": lambda: C({"a": small_model()}),
    }


MATCHING = {}
