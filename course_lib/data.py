"""The course's data sets, generated or shipped inside the package; nothing is downloaded.

* :func:`dots` – the course's ``dot.csv`` (regularisation chapter), regenerated from its seed;
  :func:`dots_split` splits it into training and test points.
* :func:`yogurt` – the yogurt-sales regression of the custom-loss example.
* :func:`iris` – Fisher's 150 iris flowers (the copy scikit-learn ships, BSD licence),
  shuffled and split exactly as the course does.

Global random state is never touched: the course's ``np.random.seed(s); np.random.shuffle(a)``
is reproduced with ``np.random.RandomState(s).shuffle(a)``, which draws the same numbers.
"""

from __future__ import annotations

import csv
from importlib import resources

import numpy as np

__all__ = ["dots", "dots_split", "yogurt", "iris", "iris_raw", "IRIS_CLASSES", "IRIS_FEATURES", "data_path"]

IRIS_FEATURES = ("sepal_length", "sepal_width", "petal_length", "petal_width")
IRIS_CLASSES = ("setosa", "versicolor", "virginica")


def data_path(name: str):
    """Path of a file shipped in ``course_lib/data`` (e.g. ``"dot.csv"``)."""
    if not isinstance(name, str):
        raise TypeError(f"name must be a file name (a string), got {type(name).__name__}")
    p = resources.files("course_lib").joinpath("data", name)
    if not p.is_file():
        raise ValueError(f"name must be a file shipped in course_lib/data, got {name!r}")
    return p


def _check_n_seed(n, seed):
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n must be a positive integer, got {n!r}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")


def dots(n: int = 300, seed: int = 2):
    """The course's dot data set: points inside the circle x1² + x2² < 2 are class 1.

    ``X = np.random.RandomState(seed).randn(n, 2)``, ``y = int(x1² + x2² < 2)``; with the
    defaults it equals the course's ``dot.csv`` (shipped as ``data_path("dot.csv")``),
    188 positives out of 300.

    Returns
    -------
    X : ndarray, shape (n, 2), float64
    y : ndarray, shape (n,), int64
    """
    _check_n_seed(n, seed)
    X = np.random.RandomState(seed).randn(n, 2)
    y = (X[:, 0] ** 2 + X[:, 1] ** 2 < 2).astype(np.int64)
    return X, y


def dots_split(n_train: int = 240, n_test: int = 60):
    """:func:`dots` split in order: the first ``n_train`` points to train, the next ``n_test`` to test.

    The points are ``dots(n_train + n_test)``; the first 300 are the course's ``dot.csv``
    whatever the sizes (the generator draws them first), so the defaults split ``dot.csv``
    240 / 60 and a larger ``n_test`` adds fresh points from the same distribution.

    Returns
    -------
    (x_train, y_train), (x_test, y_test)
        As :func:`iris` returns them (float64 features, int64 labels).
    """
    for name, v in (("n_train", n_train), ("n_test", n_test)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
            raise TypeError(f"{name} must be an integer, got {type(v).__name__} {v!r}")
        if v < 1:
            raise ValueError(f"{name} must be an integer >= 1, got {v!r}")
    X, y = dots(n_train + n_test)
    return (X[:n_train], y[:n_train]), (X[n_train:], y[n_train:])


def yogurt(n: int = 32, seed: int = 23455):
    """The yogurt-sales data: ``y = x1 + x2 + noise``, noise uniform in [-0.05, 0.05).

    As in the course: ``rdm = np.random.RandomState(23455)``, ``x = rdm.rand(32, 2)``,
    then one ``rdm.rand()`` per sample for the noise (drawn after all of ``x``).

    Returns
    -------
    x : ndarray, shape (n, 2), float64
    y : ndarray, shape (n, 1), float64
    """
    _check_n_seed(n, seed)
    rdm = np.random.RandomState(seed)
    x = rdm.rand(n, 2)
    y = np.array([[x1 + x2 + (rdm.rand() / 10.0 - 0.05)] for (x1, x2) in x])
    return x, y


def iris_raw():
    """The 150 iris samples in their published order: ``(x (150, 4) float64, y (150,) int64)``."""
    with data_path("iris.csv").open() as f:
        rows = list(csv.reader(f))
    body = np.array(rows[1:], dtype=float)
    return body[:, :4].copy(), body[:, 4].astype(np.int64)


def iris(shuffle_seed: int = 116, n_train: int = 120):
    """Iris shuffled and split as the course does.

    The course runs ``np.random.seed(116); np.random.shuffle(x_data)`` and again for
    ``y_data`` (same seed, so the pairs stay matched), then keeps the first 120 samples
    for training and the last 30 for testing.

    Returns
    -------
    (x_train, y_train), (x_test, y_test)
        float64 features and int64 labels in 0..2.
    """
    if isinstance(shuffle_seed, bool) or not isinstance(shuffle_seed, (int, np.integer)) or shuffle_seed < 0:
        raise ValueError(f"shuffle_seed must be a non-negative integer, got {shuffle_seed!r}")
    if isinstance(n_train, bool) or not isinstance(n_train, (int, np.integer)) or not 0 < n_train < 150:
        raise ValueError(f"n_train must be an integer in 1..149, got {n_train!r}")
    x, y = iris_raw()
    np.random.RandomState(shuffle_seed).shuffle(x)
    np.random.RandomState(shuffle_seed).shuffle(y)
    return (x[:n_train], y[:n_train]), (x[n_train:], y[n_train:])
