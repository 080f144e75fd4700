"""course_lib.nn.regularizers: L1 and L2 as TensorFlow and Keras write them, L1's proximal step, bad inputs."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from course_lib.nn import regularizers as R


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_l1_l2_match_tensorflow(tf, dtype):
    rng = np.random.default_rng(0)
    for shape in [(7,), (3, 5), (2, 3, 4)]:
        w = rng.normal(size=shape).astype(dtype)
        ours, theirs = R.l2_loss(w), tf.nn.l2_loss(tf.constant(w)).numpy()
        assert ours.dtype == dtype
        np.testing.assert_allclose(ours, theirs, rtol=1e-6 if dtype == np.float32 else 1e-13)
        np.testing.assert_allclose(R.l1_loss(w), tf.reduce_sum(tf.abs(w)).numpy(),
                                   rtol=1e-6 if dtype == np.float32 else 1e-13)
        assert R.l1_loss(w).dtype == dtype


def test_penalties_match_keras_regularizers(keras):
    rng = np.random.default_rng(1)
    ws = [rng.normal(size=(2, 11)), rng.normal(size=(11, 1))]
    lam = 0.03
    # Keras' L2 has no 1/2: the course's 0.03 * tf.nn.l2_loss equals keras.regularizers.L2(0.015)
    keras_l2 = sum(float(keras.regularizers.L2(lam / 2)(w)) for w in ws)
    keras_l1 = sum(float(keras.regularizers.L1(lam)(w)) for w in ws)
    np.testing.assert_allclose(R.penalty(ws, lam, "l2"), keras_l2, rtol=1e-6)
    np.testing.assert_allclose(R.penalty(ws, lam, "l1"), keras_l1, rtol=1e-6)
    np.testing.assert_allclose(float(keras.regularizers.L2(lam)(ws[0])), 2 * lam * R.l2_loss(ws[0]), rtol=1e-6)


def test_regularized_mse_is_the_course_formula(tf):
    rng = np.random.default_rng(2)
    y, yp = rng.normal(size=(32, 1)), rng.normal(size=(32, 1))
    w1, w2 = rng.normal(size=(2, 11)), rng.normal(size=(11, 1))
    expected = tf.reduce_mean(tf.square(y - yp)) + 0.03 * tf.reduce_sum([tf.nn.l2_loss(w1), tf.nn.l2_loss(w2)])
    np.testing.assert_allclose(R.regularized_mse(y, yp, [w1, w2], 0.03), expected.numpy(), rtol=1e-12)
    assert R.regularized_mse(y, yp, [w1, w2], 0.0) == pytest.approx(np.mean((y - yp) ** 2))


def test_hand_worked_values():
    assert R.l2_loss([3.0, 4.0]) == 12.5
    assert R.l1_loss([3.0, -4.0]) == 7.0
    assert R.l2_loss([1, 2]) == 2.5  # integers are read as float64
    assert R.l2_loss(np.zeros(0)) == 0.0
    np.testing.assert_array_equal(R.soft_threshold([-2.0, -0.5, 0.0, 0.3, 1.5], 1.0), [-1.0, 0.0, 0.0, 0.0, 0.5])


finite32 = st.floats(-1e3, 1e3, allow_nan=False, width=32)


@settings(max_examples=40, deadline=None)
@given(w=hnp.arrays(st.sampled_from([np.float32, np.float64]), hnp.array_shapes(max_dims=3, max_side=6),
                    elements=finite32),
       c=st.floats(-100, 100, allow_nan=False))
def test_l2_properties(w, c):
    v = R.l2_loss(w)
    assert v >= 0 and v.dtype == w.dtype
    w64 = w.astype(np.float64)
    np.testing.assert_allclose(R.l2_loss(c * w64), c * c * R.l2_loss(w64), rtol=1e-9, atol=1e-300)
    np.testing.assert_allclose(R.l1_loss(c * w64), abs(c) * R.l1_loss(w64), rtol=1e-9, atol=1e-300)
    # float32 agrees with float64 to float32 precision
    np.testing.assert_allclose(float(R.l2_loss(w)), R.l2_loss(w64), rtol=1e-5, atol=1e-30)
    assert R.l2_loss(w64) == 0 or R.l2_loss(w64) <= 0.5 * np.abs(w64).max() * R.l1_loss(w64) * (1 + 1e-12)


def _floats32(limit):
    limit = float(np.float32(limit))  # a bound hypothesis can represent in 32 bits
    return st.floats(-limit, limit, allow_nan=False, allow_infinity=False, width=32)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(w=hnp.arrays(st.sampled_from([np.float32, np.float64]),
                    hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=5), elements=_floats32(1e15)))
def test_weight_penalties_non_negative_and_equal_to_tensorflow(tf, w):
    """Moved here from tests/test_properties.py with the penalties."""
    l1, l2 = R.l1_loss(w), R.l2_loss(w)
    assert l1.dtype == l2.dtype == w.dtype and l1 >= 0 and l2 >= 0
    np.testing.assert_allclose(l2, float(tf.nn.l2_loss(w)), rtol=1e-5, atol=1e-30)  # TF flushes subnormals to zero
    np.testing.assert_allclose(l1, float(tf.reduce_sum(tf.abs(w))), rtol=1e-5, atol=1e-30)
    assert R.l1_loss(np.zeros_like(w)) == 0 and R.l2_loss(np.zeros_like(w)) == 0


@settings(max_examples=30, deadline=None)
@given(w=hnp.arrays(np.float64, st.integers(1, 20), elements=st.floats(-5, 5)), t=st.floats(0, 3))
def test_soft_threshold_is_the_l1_prox(w, t):
    """soft_threshold(w, t) minimises 0.5 * (u - w)^2 + t * |u| coordinate-wise."""
    u = R.soft_threshold(w, t)
    obj = lambda v: 0.5 * (v - w) ** 2 + t * np.abs(v)  # noqa: E731
    for eps in (1e-3, -1e-3):
        assert np.all(obj(u) <= obj(u + eps) + 1e-12)
    assert np.all(np.abs(u) <= np.abs(w))
    np.testing.assert_array_equal(R._soft_threshold(w, t), u)  # the unchecked kernel is the same formula


def test_bad_inputs_name_the_argument():
    with pytest.raises(TypeError, match="w"):
        R.l2_loss("abc")
    with pytest.raises(TypeError, match="w"):
        R.l1_loss(np.array([True, False]))
    with pytest.raises(TypeError, match="w"):
        R.l2_loss(None)
    with pytest.raises(ValueError, match="w"):
        R.l2_loss([1.0, np.nan])
    with pytest.raises(ValueError, match="lam"):
        R.penalty([np.ones(3)], -0.1)
    with pytest.raises(TypeError, match="lam"):
        R.penalty([np.ones(3)], "0.1")
    with pytest.raises(ValueError, match="kind"):
        R.penalty([np.ones(3)], 0.1, kind="l3")
    with pytest.raises(ValueError, match="weights"):
        R.penalty([], 0.1)
    with pytest.raises(TypeError, match="weights"):
        R.penalty({"w": 1}, 0.1)
    with pytest.raises(ValueError, match="y_pred"):
        R.regularized_mse(np.ones(3), np.ones(4), [np.ones(2)], 0.1)
    with pytest.raises(ValueError, match="t"):
        R.soft_threshold([1.0], -1)
