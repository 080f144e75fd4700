"""Test-wide guards: every test (and every notebook kernel nbval starts) runs offline."""

import os

os.environ["NN_OPT_LAB_OFFLINE"] = "1"  # inherited by subprocesses and notebook kernels
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("MPLBACKEND", "Agg")

from course_lib import _offline  # noqa: E402

_offline.install()
