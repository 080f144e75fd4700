"""The course's data sets: regenerated from their seeds exactly as the course's code does."""

import csv

import numpy as np
import pytest

from course_lib import data


def test_dots_has_the_course_counts():
    x, y = data.dots()
    assert x.shape == (300, 2) and y.shape == (300,)
    assert x.dtype == np.float64 and y.dtype == np.int64
    assert int(y.sum()) == 188
    np.testing.assert_array_equal(y, (x[:, 0] ** 2 + x[:, 1] ** 2 < 2).astype(int))


def test_shipped_dot_csv_equals_dots():
    with data.data_path("dot.csv").open() as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["x1", "x2", "y_c"]
    body = np.array(rows[1:], dtype=float)
    x, y = data.dots()
    np.testing.assert_array_equal(body[:, :2], x)  # written with full precision
    np.testing.assert_array_equal(body[:, 2].astype(int), y)
    # first rows of the course's own dot.csv (9 decimals)
    np.testing.assert_allclose(x[:2], [[-0.416757847, -0.056266827], [-2.136196096, 1.640270808]], atol=1e-9)


def test_dots_is_the_course_recipe_and_leaves_global_state_alone():
    state = np.random.get_state()
    x, _ = data.dots(50, seed=7)
    after = np.random.get_state()
    assert state[0] == after[0] and np.array_equal(state[1], after[1]) and state[2:] == after[2:]
    np.testing.assert_array_equal(x, np.random.RandomState(7).randn(50, 2))


def test_yogurt_follows_the_course_recipe():
    rdm = np.random.RandomState(23455)
    X = rdm.rand(32, 2)
    Y_ = [[x1 + x2 + (rdm.rand() / 10.0 - 0.05)] for (x1, x2) in X]  # the course's p19_mse.py
    x, y = data.yogurt()
    np.testing.assert_array_equal(x, X)
    np.testing.assert_array_equal(y, np.array(Y_))
    assert y.shape == (32, 1)
    noise = y[:, 0] - x.sum(axis=1)
    assert np.all(noise >= -0.05) and np.all(noise < 0.05)


def test_iris_shuffle_equals_the_course_global_seed_recipe():
    x_data, y_data = data.iris_raw()
    state = np.random.get_state()
    try:  # the course: np.random.seed(116); shuffle(x); np.random.seed(116); shuffle(y)
        xs, ys = x_data.copy(), y_data.copy()
        np.random.seed(116)
        np.random.shuffle(xs)
        np.random.seed(116)
        np.random.shuffle(ys)
    finally:
        np.random.set_state(state)
    (xt, yt), (xv, yv) = data.iris()
    np.testing.assert_array_equal(np.r_[xt, xv], xs)
    np.testing.assert_array_equal(np.r_[yt, yv], ys)
    assert xt.shape == (120, 4) and xv.shape == (30, 4)
    assert yt.dtype == np.int64 and set(np.unique(yt)) <= {0, 1, 2}


def test_iris_raw_is_fishers_table():
    x, y = data.iris_raw()
    assert x.shape == (150, 4)
    np.testing.assert_array_equal(np.bincount(y), [50, 50, 50])
    np.testing.assert_array_equal(x[0], [5.1, 3.5, 1.4, 0.2])
    np.testing.assert_array_equal(x[-1], [5.9, 3.0, 5.1, 1.8])
    np.testing.assert_allclose(x.mean(axis=0), [5.843333, 3.057333, 3.758, 1.199333], atol=1e-6)


@pytest.mark.parametrize("call,exc,arg", [
    (lambda: data.dots(0), ValueError, "n"),
    (lambda: data.dots(True), ValueError, "n"),
    (lambda: data.dots(10.0), ValueError, "n"),
    (lambda: data.dots(seed=-1), ValueError, "seed"),
    (lambda: data.yogurt(n=-5), ValueError, "n"),
    (lambda: data.yogurt(seed="1"), ValueError, "seed"),
    (lambda: data.iris(n_train=150), ValueError, "n_train"),
    (lambda: data.iris(n_train=0), ValueError, "n_train"),
    (lambda: data.iris(shuffle_seed=-1), ValueError, "seed"),
    (lambda: data.data_path("nope.csv"), ValueError, "name"),
])
def test_bad_inputs_name_the_argument(call, exc, arg):
    with pytest.raises(exc, match=arg):
        call()
