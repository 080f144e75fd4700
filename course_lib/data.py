"""The course's data sets, generated or shipped inside the package; nothing is downloaded.

* :func:`dots` – the course's ``dot.csv`` (regularisation chapter), regenerated from its seed;
  :func:`dots_split` splits it into training and test points.
* :func:`yogurt` – the yogurt-sales regression of the custom-loss example.
* :func:`iris` – Fisher's 150 iris flowers (the copy scikit-learn ships, BSD licence),
  shuffled and split exactly as the course does.
* :func:`noisy_dots` – the dots with flipped labels, split for over-fitting experiments (chapter 05).
* :func:`poly_data` – noisy samples of :func:`target_function` ``sin(pi x)`` for the
  polynomial capacity study (chapter 05).

Global random state is never touched: the course's ``np.random.seed(s); np.random.shuffle(a)``
is reproduced with ``np.random.RandomState(s).shuffle(a)``, which draws the same numbers.
"""

from __future__ import annotations

import csv
from importlib import resources

import numpy as np

from . import SEED, _check

__all__ = ["dots", "dots_split", "yogurt", "iris", "iris_raw", "IRIS_CLASSES", "IRIS_FEATURES", "data_path",
           "noisy_dots", "target_function", "poly_data"]

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


def dots_split(n_train: int = 240):
    """:func:`dots` split in order: the first ``n_train`` points to train, the rest to test.

    Returns
    -------
    (x_train, y_train), (x_test, y_test)
        As :func:`iris` returns them (float64 features, int64 labels).
    """
    if isinstance(n_train, bool) or not isinstance(n_train, (int, np.integer)):
        raise TypeError(f"n_train must be an integer, got {type(n_train).__name__} {n_train!r}")
    if not 0 < n_train < 300:
        raise ValueError(f"n_train must be an integer in 1..299, got {n_train!r}")
    X, y = dots()
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


def noisy_dots(n_train: int = 40, flip: float = 0.2, seed: int = SEED):
    """The dots with a share ``flip`` of labels flipped, split into train and validation.

    The course's 300 points (:func:`dots`); each label is flipped with probability ``flip``
    (``np.random.default_rng(seed)``), then the first ``n_train`` rows train and the rest
    validate (their labels are just as noisy). Few noisy points and a wide network: the
    recipe for over-fitting.

    Returns
    -------
    (x_train, y_train), (x_val, y_val)
    """
    n_train = _check.integer(n_train, "n_train", low=1, high=299)
    flip = _check.number(flip, "flip", low=0.0, high=1.0)
    seed = _check.integer(seed, "seed")
    x, y = dots()
    y = y.copy()
    mask = np.random.default_rng(seed).random(len(y)) < flip
    y[mask] = 1 - y[mask]
    return (x[:n_train], y[:n_train]), (x[n_train:], y[n_train:])


def target_function(x):
    """The curve behind the polynomial example, ``sin(pi x)`` on ``[-1, 1]``."""
    return np.sin(np.pi * _check.real_array(x, "x"))


def poly_data(n: int, noise: float = 0.2, seed: int = SEED, stream: int = 0):
    """``n`` points ``y = sin(pi x) + noise * eps`` with ``x`` spread over ``[-1, 1]``.

    ``x`` is stratified (one uniform draw in each of ``n`` equal bins) so a small sample
    still covers the interval; ``eps`` is standard normal. The same ``(seed, stream)``
    draws the same ``x`` and ``eps`` for every ``noise``, so a noise slider only rescales
    the noise. ``stream`` separates independent samples (0 train, 1 validation).

    Returns
    -------
    x, y : ndarray, shape (n,), sorted by x
    """
    n = _check.integer(n, "n", low=1)
    noise = _check.non_negative(noise, "noise")
    seed = _check.integer(seed, "seed")
    stream = _check.integer(stream, "stream")
    rng = np.random.default_rng([stream, seed])
    x = -1.0 + (np.arange(n) + rng.random(n)) * (2.0 / n)
    y = target_function(x) + noise * rng.standard_normal(n)
    return x, y
