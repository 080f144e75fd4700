"""Test-wide guards: every test (and every notebook kernel nbval starts) runs offline."""

import os

os.environ["NN_OPT_LAB_OFFLINE"] = "1"  # inherited by subprocesses and notebook kernels
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("MPLBACKEND", "Agg")

from course_lib.build import _offline  # noqa: E402

_offline.install()

# Hypothesis: random exploration on a developer's machine; in CI the same examples every run, so a
# submission's result never depends on luck (a failure found locally is kept in .hypothesis/).
from hypothesis import settings  # noqa: E402

settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


# TensorFlow and Keras for the tests that compare with them (imported once, lazily, quiet).
import pytest  # noqa: E402


@pytest.fixture(scope="module")
def tf():
    import course_lib

    return course_lib.import_tf()


@pytest.fixture(scope="module")
def keras(tf):
    import keras

    return keras
