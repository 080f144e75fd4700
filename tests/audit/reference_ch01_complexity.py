"""Valid calls for the bad-input audit of ``course_lib.reference.ch01_complexity``."""

from ._common import C, small_model  # noqa: F401

MODULE = "reference.ch01_complexity"


def calls():
    return {
        "profiler_flops": lambda: C(small_model()),
    }


MATCHING = {}
