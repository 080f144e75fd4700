"""Valid calls for the bad-input audit of ``course_lib.tables``."""

from ._common import C

MODULE = "tables"


def calls():
    return {
        "format_table": lambda: C([(1, 0.5, None)], ("a", "b", "c"), fmt="{:.3g}"),
        "diff_text": lambda: C(1e-13, tol=1e-12),
    }


MATCHING = {}
