"""``python -m course_lib.student`` keeps working: the generator lives in :mod:`course_lib.build.student`."""

from .build.student import *  # noqa: F401,F403
from .build.student import main

if __name__ == "__main__":
    raise SystemExit(main())
