"""NN-Opt Lab's shared library: every chapter notebook imports it.

Nothing heavy happens at import time: not even numpy (imported by the functions that use it, so
``python -m course_lib`` runs on a bare interpreter before anything is installed). TensorFlow is
imported lazily through :func:`import_tf`, the one place that also silences its logs and applies the
course's seed.

Typical first cell of a notebook::

    import course_lib
    course_lib.setup()
"""

from __future__ import annotations

import os
import random

__all__ = ["SEED", "setup", "import_tf", "rng", "current_seed"]
__version__ = "0.1.0"

#: The seed every notebook uses unless it asks for another one.
SEED = 42

# TensorFlow writes C++ log lines to stderr at import; nbval compares stderr, so the
# variable must be set before anything imports TensorFlow, even indirectly.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

_state = {"seed": None}

if os.environ.get("NN_OPT_LAB_OFFLINE") == "1":  # test runs: prove nothing reaches the network
    from .build import _offline

    _offline.install()


def current_seed() -> int | None:
    """The seed given to the last :func:`setup` call (``None`` before any call)."""
    return _state["seed"]


def setup(seed: int = SEED, *, plots: bool = True) -> int:
    """Make a notebook reproducible and quiet; call once, in its first code cell.

    Seeds Python's ``random`` and numpy's global generator, silences TensorFlow's
    C++ and Python logging, enables op determinism and seeds TensorFlow (now if it is
    already imported, otherwise the moment :func:`import_tf` first imports it), and
    applies the course's plot style (a font every machine has, no CJK needed).

    Parameters
    ----------
    seed : int
        Non-negative integer seed.
    plots : bool
        Apply the course's matplotlib style.

    Returns
    -------
    int
        The seed, so a notebook can print what it used.
    """
    import numpy as np

    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    seed = int(seed)
    _state["seed"] = seed
    os.environ["TF_CPP_MIN_LOG_LEVEL"] = "2"
    os.environ["PYTHONHASHSEED"] = str(seed)
    random.seed(seed)
    np.random.seed(seed)
    import sys

    if "tensorflow" in sys.modules:
        _seed_tf(sys.modules["tensorflow"], seed)
    if plots:
        from .figures import _axes

        _axes.apply_style()
        _inline_png_settings()
    return seed


def _inline_png_settings() -> None:
    """In a notebook, save figures as drawn: no 'tight' crop, fast PNG compression.

    The inline backend's default ``bbox_inches="tight"`` draws every figure twice (once to
    measure it); the course's figures are laid out by matplotlib's constrained layout and fill
    their canvas already. Zlib level 1 instead of 6 halves the encoding time for a slightly
    larger picture. Together about a third of a static figure's cost.
    """
    try:
        from IPython import get_ipython
        from matplotlib_inline.config import InlineBackend
    except ImportError:  # not in IPython: nothing to configure
        return
    shell = get_ipython()
    if shell is None:
        return
    import warnings

    # The backend's own set-up reads this singleton later, or re-registers its formatter now
    # (through an old-style traitlets observer, which warns that it is deprecated).
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        InlineBackend.instance(parent=shell).print_figure_kwargs = {"bbox_inches": None,
                                                                    "pil_kwargs": {"compress_level": 1}}


def rng(seed: int | None = None) -> numpy.random.Generator:  # noqa: F821 (numpy is imported lazily)
    """A fresh numpy ``Generator`` seeded with ``seed`` (default: the notebook's seed)."""
    import numpy as np

    if seed is None:
        seed = SEED if _state["seed"] is None else _state["seed"]
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    return np.random.default_rng(seed)


def _seed_tf(tf, seed: int) -> None:
    import keras

    keras.utils.set_random_seed(seed)  # python, numpy and the backend in one call
    tf.get_logger().setLevel("ERROR")
    try:
        tf.config.experimental.enable_op_determinism()
    except Exception:  # pragma: no cover - older TF without the switch
        pass


class _quiet_stderr_fd:
    """Send file descriptor 2 to /dev/null for a moment.

    TensorFlow's C++ start-up lines (oneDNN, CUDA probing) are written before its log
    settings are read, straight to fd 2, which Jupyter forwards into cell outputs.
    """

    def __enter__(self):
        import sys

        try:
            sys.stderr.flush()
            self._saved = os.dup(2)
            self._null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(self._null, 2)
        except OSError:  # no real fd 2 (some embedded interpreters): nothing to hide
            self._saved = None
        return self

    def __exit__(self, *exc):
        if self._saved is not None:
            os.dup2(self._saved, 2)
            os.close(self._saved)
            os.close(self._null)
        return False


def _thread_cap() -> int | None:
    """``NN_OPT_LAB_THREADS=n``: TensorFlow's intra- and inter-op thread pools get ``n`` threads each.

    A JupyterHub node runs hundreds of kernels; left alone, each would size its pools to every
    core of the node. (numpy's BLAS threads follow ``OMP_NUM_THREADS`` / ``OPENBLAS_NUM_THREADS``,
    which must be set before Python starts: the spawner's environment.) Read and checked before
    TensorFlow is imported, so a typo fails at once rather than after the import's seconds.
    """
    value = os.environ.get("NN_OPT_LAB_THREADS", "").strip()
    if not value:
        return None
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f"NN_OPT_LAB_THREADS must be a positive integer, got {value!r}")
    return int(value)


def import_tf():
    """Import TensorFlow quietly and seeded; returns the ``tensorflow`` module.

    ``import tensorflow`` costs 2.5-4 s on 2 cores, so chapters that only need numpy
    never pay it. The first call applies the seed of the last :func:`setup` call and the
    thread cap of ``NN_OPT_LAB_THREADS`` (see :func:`_thread_cap`).
    """
    import sys

    first = "tensorflow" not in sys.modules
    os.environ["TF_CPP_MIN_LOG_LEVEL"] = "2"
    if first:
        threads = _thread_cap()
        with _quiet_stderr_fd():
            import tensorflow as tf

            if threads is not None:
                tf.config.threading.set_intra_op_parallelism_threads(threads)
                tf.config.threading.set_inter_op_parallelism_threads(threads)
            tf.constant(0.0) + 0.0  # initialises the devices, which logs once more
    import tensorflow as tf

    if first:
        import logging

        logging.getLogger("absl").setLevel(logging.ERROR)
        if _state["seed"] is not None:
            _seed_tf(tf, _state["seed"])
        else:
            tf.get_logger().setLevel("ERROR")
    return tf
