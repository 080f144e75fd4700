"""Transitional: the figures moved to ``course_lib.figures`` (``_axes`` + one module per chapter).

Kept only while the chapters move to the new layout; import from ``course_lib.figures`` instead.
"""

from .figures._axes import *  # noqa: F401,F403
from .figures._axes import _decades, _round_up  # noqa: F401
from .figures.ch01_complexity import *  # noqa: F401,F403
from .figures.ch02_lr_policies import *  # noqa: F401,F403
from .figures.ch03_activations import *  # noqa: F401,F403
from .figures.ch04_losses import *  # noqa: F401,F403
from .figures.ch05_fitting import *  # noqa: F401,F403
from .figures.ch06_optimizers import *  # noqa: F401,F403
