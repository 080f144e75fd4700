"""What the per-module audit tables share: the call objects, small inputs, shape changes."""

from __future__ import annotations

import functools
import importlib

import numpy as np


def mod(name):
    """``course_lib.<name>`` (a dotted path inside the package, e.g. ``"nn.activations"``)."""
    return importlib.import_module(f"course_lib.{name}")


class Call:
    """A valid call: ``fn(*args, **kwargs)``; ``fn`` defaults to the callable the entry names."""

    def __init__(self, *args, fn=None, **kwargs):
        self.fn, self.args, self.kwargs = fn, args, kwargs


C = Call  # C(*args, **kwargs): a valid call of the function the entry names


def M(make, method, *args, **kwargs):
    """A valid call of a method: ``make()`` builds a fresh object."""
    return Call(*args, fn=getattr(make(), method), **kwargs)


@functools.lru_cache(maxsize=None)
def fx():
    """Small inputs shared by the calls (built once)."""
    rng = np.random.default_rng(0)
    d = {}
    d["x34"] = np.linspace(-3.0, 3.0, 12).reshape(3, 4)
    d["t43"] = rng.normal(size=(4, 3))
    d["p43"] = rng.normal(size=(4, 3))
    d["y01"] = rng.integers(0, 2, size=(4, 3)).astype(float)
    d["prob"] = rng.uniform(0.05, 0.95, size=(4, 3))
    d["labels"] = np.array([0, 2, 1, 1])
    d["onehot"] = np.eye(3)[d["labels"]]
    d["boxes1"] = np.array([[0.0, 0.0, 2.0, 2.0], [1.0, 1.0, 3.0, 4.0], [0.0, 0.0, 1.0, 1.0]])
    d["boxes2"] = np.array([[1.0, 1.0, 3.0, 3.0], [0.0, 0.0, 2.0, 2.0], [2.0, 2.0, 3.0, 5.0]])
    X, y = mod("data").dots(n=16)
    d["dots_x"], d["dots_y"] = X, y
    d["yog_x"], d["yog_y"] = mod("data").yogurt(n=8)
    d["w0"] = np.array([0.5, -0.3], dtype=np.float32)
    (xi, yi), _ = mod("data").iris()
    d["iris_x"], d["iris_y1h"] = xi[:8], np.eye(3, dtype=np.float32)[yi[:8]]
    return d


@functools.lru_cache(maxsize=None)
def small_model():
    return mod("experiments.ch01_complexity").conv_stack_model(8, [2], units=3)


def _extra_row(a):
    a = np.asarray(a)
    return np.concatenate([a, a[:1]])


def _first_row(a):
    return np.asarray(a)[:1]


def _first_col(a):
    a = np.asarray(a)
    return a[..., :1] if a.ndim >= 2 else a[:, None]


def _column(a):
    return np.asarray(a)[..., None]


ALL = (_extra_row, _first_row, _first_col, _column)
NOT_BROADCASTABLE = (_extra_row,)  # for functions documented to broadcast (boxes)


def _each(names, changes=ALL):
    return [(n, c) for n in names for c in changes]


def _vector_target(x, y):
    """x (n, k) with y (n,) or (n, 1): neither may lose or gain rows, x may not gain an axis."""
    return _each((x,), (_extra_row, _first_row, _column)) + _each((y,), (_extra_row, _first_row))


