"""course_lib.nn.losses against keras.losses / tf.nn / tf.GradientTape, the papers' worked cases and invariants."""

import math
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import course_lib
from course_lib.data import yogurt
from course_lib.nn import losses as L
from course_lib.reference import ch04_losses as R

tf = course_lib.import_tf()
import keras  # noqa: E402  (after import_tf, which silences TensorFlow)

RNG = np.random.default_rng(2024)
PROPS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
TOL = {np.float32: 2e-5, np.float64: 1e-10}


def _probs(shape, dtype=np.float64):
    return RNG.uniform(0.01, 0.99, size=shape).astype(dtype)


def _onehot(n, k, dtype=np.float64):
    return np.eye(k, dtype=dtype)[RNG.integers(0, k, size=n)]


def _close(got, want, dtype):
    want = np.asarray(want)
    assert got.shape == want.shape
    assert got.dtype == dtype
    np.testing.assert_allclose(got, want, rtol=TOL[dtype], atol=TOL[dtype])


# ------------------------------------------------------------------------------------------------
# Keras and tf.nn on random inputs
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_regression_losses_match_keras(dtype):
    t, p = RNG.normal(size=(2, 6, 5)).astype(dtype) * 2
    _close(L.mean_squared_error(t, p), keras.losses.mean_squared_error(t, p), dtype)
    for delta in (1.0, 0.3, 2.5):
        _close(L.huber(t, p, delta=delta), keras.losses.huber(t, p, delta=delta), dtype)
    _close(L.huber(t, p), keras.losses.huber(t, p), dtype)


def test_smooth_l1_is_huber_over_beta_and_l1_at_zero():
    t, p = RNG.normal(size=(2, 4, 9)) * 2
    for beta in (0.5, 1.0, 3.0):
        np.testing.assert_allclose(L.smooth_l1(t, p, beta), L.huber(t, p, delta=beta) / beta, rtol=1e-12)
    np.testing.assert_allclose(L.smooth_l1(t, p, beta=0.0), keras.losses.mean_absolute_error(t, p), rtol=1e-12)
    # the Fast R-CNN formula at hand-picked errors: 0.5·x²/β inside, |x| − 0.5β outside
    np.testing.assert_allclose(L.smooth_l1([0.0, 0.0, 0.0], [0.5, -2.0, 1.0], beta=1.0), (0.125 + 1.5 + 0.5) / 3)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("smoothing", [0.0, 0.2])
def test_binary_crossentropy_matches_keras(dtype, smoothing):
    t = RNG.integers(0, 2, size=(5, 7)).astype(dtype)
    p = _probs((5, 7), dtype)
    z = RNG.normal(scale=4, size=(5, 7)).astype(dtype)
    kw = {"label_smoothing": smoothing}
    _close(L.binary_crossentropy(t, p, **kw), keras.losses.binary_crossentropy(t, p, **kw), dtype)
    _close(L.binary_crossentropy(t, z, from_logits=True, **kw),
           keras.losses.binary_crossentropy(t, z, from_logits=True, **kw), dtype)
    _close(L.binary_crossentropy(t, p, axis=0, **kw), keras.losses.binary_crossentropy(t, p, axis=0, **kw), dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("smoothing", [0.0, 0.1])
def test_categorical_crossentropy_matches_keras(dtype, smoothing):
    t = _onehot(6, 4, dtype)
    p = _probs((6, 4), dtype) * 3  # not normalised: Keras rescales, so must we
    z = RNG.normal(scale=3, size=(6, 4)).astype(dtype)
    kw = {"label_smoothing": smoothing}
    _close(L.categorical_crossentropy(t, p, **kw), keras.losses.categorical_crossentropy(t, p, **kw), dtype)
    _close(L.categorical_crossentropy(t, z, from_logits=True, **kw),
           keras.losses.categorical_crossentropy(t, z, from_logits=True, **kw), dtype)
    _close(L.categorical_crossentropy(t.T, p.T, axis=0), keras.losses.categorical_crossentropy(t.T, p.T, axis=0), dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sparse_categorical_crossentropy_matches_keras(dtype):
    labels = RNG.integers(0, 5, size=(3, 4))
    p = _probs((3, 4, 5), dtype)
    z = RNG.normal(scale=3, size=(3, 4, 5)).astype(dtype)
    _close(L.sparse_categorical_crossentropy(labels, p), keras.losses.sparse_categorical_crossentropy(labels, p), dtype)
    _close(L.sparse_categorical_crossentropy(labels, z, from_logits=True),
           keras.losses.sparse_categorical_crossentropy(labels, z, from_logits=True), dtype)
    _close(L.sparse_categorical_crossentropy(labels[..., None], p),
           keras.losses.sparse_categorical_crossentropy(labels[..., None], p), dtype)
    got = L.sparse_categorical_crossentropy(labels, z, from_logits=True, ignore_class=2)
    want = keras.losses.sparse_categorical_crossentropy(labels, z, from_logits=True, ignore_class=2)
    _close(got, want, dtype)
    assert np.all(got[labels == 2] == 0)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_tf_nn_cross_entropies_match(dtype):
    z = RNG.normal(scale=5, size=(8, 6)).astype(dtype)
    soft = _probs((8, 6), dtype)
    soft /= soft.sum(-1, keepdims=True)
    _close(L.softmax_cross_entropy_with_logits(soft, z), tf.nn.softmax_cross_entropy_with_logits(soft, z), dtype)
    _close(L.softmax_cross_entropy_with_logits(soft.T, z.T, axis=0),
           tf.nn.softmax_cross_entropy_with_logits(soft.T, z.T, axis=0), dtype)
    labels = RNG.integers(0, 6, size=8)
    _close(L.sparse_softmax_cross_entropy_with_logits(labels, z),
           tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=z), dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("balance", [False, True])
@pytest.mark.parametrize("gamma,alpha", [(2.0, 0.25), (0.0, 0.5), (0.5, 0.9), (5.0, 0.1)])
def test_binary_focal_matches_keras(dtype, balance, gamma, alpha):
    t = RNG.integers(0, 2, size=(4, 9)).astype(dtype)
    p = _probs((4, 9), dtype)
    z = RNG.normal(scale=3, size=(4, 9)).astype(dtype)
    kw = {"apply_class_balancing": balance, "alpha": alpha, "gamma": gamma}
    _close(L.binary_focal_crossentropy(t, p, **kw), keras.losses.binary_focal_crossentropy(t, p, **kw), dtype)
    _close(L.binary_focal_crossentropy(t, z, from_logits=True, **kw),
           keras.losses.binary_focal_crossentropy(t, z, from_logits=True, **kw), dtype)
    _close(L.binary_focal_crossentropy(t, p, label_smoothing=0.1, **kw),
           keras.losses.binary_focal_crossentropy(t, p, label_smoothing=0.1, **kw), dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("gamma,alpha", [(2.0, 0.25), (0.0, 1.0), (1.0, [0.2, 0.3, 0.5])])
def test_categorical_focal_matches_keras(dtype, gamma, alpha):
    t = _onehot(7, 3, dtype)
    p = _probs((7, 3), dtype)
    z = RNG.normal(scale=3, size=(7, 3)).astype(dtype)
    kw = {"alpha": alpha, "gamma": gamma}
    tol = 1e-7 if isinstance(alpha, list) and dtype == np.float64 else TOL[dtype]  # Keras: a list alpha is float32
    for z_or_p, logits in ((p, False), (z, True)):
        got = L.categorical_focal_crossentropy(t, z_or_p, from_logits=logits, **kw)
        want = keras.losses.categorical_focal_crossentropy(t, z_or_p, from_logits=logits, **kw)
        assert got.dtype == dtype
        np.testing.assert_allclose(got, np.asarray(want), rtol=tol, atol=tol)


def test_focal_with_gamma_zero_is_cross_entropy():
    t = RNG.integers(0, 2, size=(3, 5)).astype(float)
    p = _probs((3, 5))
    np.testing.assert_allclose(L.binary_focal_crossentropy(t, p, gamma=0.0), L.binary_crossentropy(t, p), rtol=1e-12)
    t3, p3 = _onehot(4, 3), _probs((4, 3))
    np.testing.assert_allclose(L.categorical_focal_crossentropy(t3, p3, alpha=1.0, gamma=0.0),
                               L.categorical_crossentropy(t3, p3), rtol=1e-12)


# ------------------------------------------------------------------------------------------------
# numerical safety
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_extreme_inputs_are_finite_and_equal_keras(dtype):
    z = np.array([[1000.0, -1000.0, 0.0], [-1000.0, 1000.0, 5.0]], dtype=dtype)
    onehot = np.array([[0, 1, 0], [1, 0, 0]], dtype=dtype)
    p01 = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]], dtype=dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow / divide-by-zero warning either
        cases = [
            (L.softmax_cross_entropy_with_logits(onehot, z), tf.nn.softmax_cross_entropy_with_logits(onehot, z)),
            (L.categorical_crossentropy(onehot, z, from_logits=True),
             keras.losses.categorical_crossentropy(onehot, z, from_logits=True)),
            (L.categorical_crossentropy(onehot, p01), keras.losses.categorical_crossentropy(onehot, p01)),
            (L.binary_crossentropy(onehot, z, from_logits=True),
             keras.losses.binary_crossentropy(onehot, z, from_logits=True)),
            (L.binary_crossentropy(onehot, p01), keras.losses.binary_crossentropy(onehot, p01)),
            (L.sparse_categorical_crossentropy([1, 0], z, from_logits=True),
             keras.losses.sparse_categorical_crossentropy(np.array([1, 0]), z, from_logits=True)),
            (L.sparse_categorical_crossentropy([1, 0], p01), keras.losses.sparse_categorical_crossentropy(np.array([1, 0]), p01)),
            (L.binary_focal_crossentropy(onehot, z, from_logits=True),
             keras.losses.binary_focal_crossentropy(onehot, z, from_logits=True)),
            (L.binary_focal_crossentropy(onehot, p01), keras.losses.binary_focal_crossentropy(onehot, p01)),
            (L.categorical_focal_crossentropy(onehot, z, from_logits=True),
             keras.losses.categorical_focal_crossentropy(onehot, z, from_logits=True)),
        ]
    for got, want in cases:
        assert np.all(np.isfinite(got))
        np.testing.assert_allclose(got, np.asarray(want), rtol=TOL[dtype] * 10, atol=1e-5)
    # the fused form is exact: −log softmax(z)_1 for z = (1000, −1000, 0) is 2000
    assert L.softmax_cross_entropy_with_logits(onehot, z)[0] == pytest.approx(2000.0)


def test_yogurt_loss_matches_the_course_expression():
    x, y = yogurt()
    w = RNG.normal(size=(2, 1)) + 1
    pred = x @ w
    for cost, profit in ((1, 99), (99, 1), (3, 3)):
        want = tf.reduce_sum(tf.where(tf.greater(pred, y), (pred - y) * cost, (y - pred) * profit))
        assert L.yogurt_loss(y, pred, cost, profit) == pytest.approx(float(want), rel=1e-12)
    assert L.yogurt_loss([1.0, 2.0], [1.5, 1.0], cost=2, profit=10) == pytest.approx(0.5 * 2 + 1.0 * 10)


def test_pinball_loss_is_the_scaled_yogurt_loss_and_a_tf_pinball():
    """``pinball_loss`` (exercise 5's reference) against the formula in TF ops, and ``yogurt_loss = (C + P) Σ ρ_τ``."""
    x, y = yogurt()
    pred = x @ (RNG.normal(size=(2, 1)) + 1)
    for cost, profit in ((1, 99), (99, 1), (3, 3)):
        tau = profit / (cost + profit)
        got = L.pinball_loss(y, pred, tau)
        assert got.shape == (len(y),)
        d = tf.constant(y - pred)
        want = tf.reduce_mean(tf.maximum(tau * d, (tau - 1) * d), axis=-1).numpy()
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-15)
        assert (cost + profit) * got.sum() == pytest.approx(L.yogurt_loss(y, pred, cost, profit), rel=1e-12)
    assert L.pinball_loss([[1.0, 2.0]], [[1.5, 1.0]], tau=0.25) == pytest.approx([(0.75 * 0.5 + 0.25 * 1.0) / 2])
    assert L.pinball_loss(np.zeros(3), np.zeros((3, 1)), 0.5).shape == (3,)  # ranks matched as in Keras
    with pytest.raises(ValueError, match="tau"):
        L.pinball_loss([1.0], [2.0], tau=1.5)


# ------------------------------------------------------------------------------------------------
# boxes: the papers' worked cases
# ------------------------------------------------------------------------------------------------
def _v(w1, h1, w2, h2):
    return 4 / math.pi ** 2 * (math.atan(w1 / h1) - math.atan(w2 / h2)) ** 2


BOX_CASES = {
    # name: (box1, box2, IoU, GIoU, DIoU, CIoU), worked by hand
    "identical": ([0, 0, 1, 1], [0, 0, 1, 1], 1, 1, 1, 1),
    "disjoint": ([0, 0, 1, 1], [2, 0, 3, 1], 0, -1 / 3, -4 / 10, -4 / 10),  # C = 3x1, ρ² = 4, c² = 10
    "touching": ([0, 0, 1, 1], [1, 0, 2, 1], 0, 0, -1 / 5, -1 / 5),  # C = U: GIoU 0
    "nested": ([0, 0, 4, 4], [1, 1, 3, 3], 0.25, 0.25, 0.25, 0.25),  # same centre, same shape
    "far apart": ([0, 0, 1, 1], [100, 0, 101, 1], 0, -99 / 101, -1e4 / (101 ** 2 + 1), -1e4 / (101 ** 2 + 1)),
    "half overlap": ([0, 0, 2, 2], [1, 0, 3, 2], 2 / 6, 2 / 6, 2 / 6 - 1 / 13, 2 / 6 - 1 / 13),  # ρ² = 1, c² = 13
}
# nested, different shape: IoU = 2/16, ρ² = 0.25, c² = 32, v from the aspect ratios, α = v / (1 − IoU + v)
_v_n = _v(4, 4, 2, 1)
BOX_CASES["nested, other shape"] = ([0, 0, 4, 4], [1, 1, 3, 2], 0.125, 0.125, 0.125 - 0.25 / 32,
                                    0.125 - 0.25 / 32 - _v_n / (0.875 + _v_n) * _v_n)


@pytest.mark.parametrize("case", sorted(BOX_CASES))
def test_box_similarities_worked_by_hand(case):
    a, b, *want = BOX_CASES[case]
    got = [L.iou(a, b), L.giou(a, b), L.diou(a, b), L.ciou(a, b)]
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose([L.iou_loss(a, b), L.giou_loss(a, b), L.diou_loss(a, b), L.ciou_loss(a, b)],
                               1 - np.array(want), rtol=1e-12, atol=1e-15)
    # symmetric, translation and scale invariant
    np.testing.assert_allclose([L.ciou(b, a), L.giou(b, a)], [want[3], want[1]], rtol=1e-12, atol=1e-15)
    shift = np.array([1e3, -7.0, 1e3, -7.0])
    np.testing.assert_allclose(L.ciou(np.add(a, shift) * 3.5, np.add(b, shift) * 3.5), want[3], rtol=1e-9, atol=1e-12)


def test_boxes_broadcast_and_keep_float32():
    a = RNG.uniform(0, 5, size=(4, 1, 4))
    a[..., 2:] += a[..., :2]
    b = np.array([[0.0, 0.0, 2.0, 2.0], [1.0, 1.0, 4.0, 3.0], [2.0, 0.0, 3.0, 9.0]])[None]
    got = L.giou(a, b)
    assert got.shape == (4, 3)
    for i in range(4):
        for j in range(3):
            assert got[i, j] == pytest.approx(float(L.giou(a[i, 0], b[0, j])))
    assert L.diou(a.astype(np.float32), b.astype(np.float32)).dtype == np.float32
    assert L.iou_loss(a, b).dtype == np.float64


def test_degenerate_boxes_are_defined():
    pt = [1.0, 1.0, 1.0, 1.0]
    assert [float(f(pt, pt)) for f in (L.iou, L.giou, L.diou, L.ciou)] == [1.0, 1.0, 1.0, 1.0]
    seg1, seg2 = [0.0, 0.0, 2.0, 0.0], [1.0, 0.0, 3.0, 0.0]  # zero-area, enclosing box of zero area
    assert all(np.isfinite(f(seg1, seg2)) for f in (L.iou, L.giou, L.diou, L.ciou))
    assert float(L.iou(seg1, seg2)) == 0.0


# gradients: central differences against TensorFlow's autodiff (reference.ch04_losses.box_loss_tf)
def _random_boxes(n, spread=3.0):
    xy = RNG.uniform(-spread, spread, size=(n, 2))
    wh = RNG.uniform(0.3, 3.0, size=(n, 2))
    return np.concatenate([xy, xy + wh], axis=1)


@pytest.mark.parametrize("kind", list(L.BOX_LOSSES))
def test_finite_difference_gradient_matches_tf_autodiff(kind):
    t, p = _random_boxes(40), _random_boxes(40)
    pv = tf.Variable(p)
    with tf.GradientTape() as tape:
        value = tf.reduce_sum(R.box_loss_tf(kind, tf.constant(t), pv))
    want = tape.gradient(value, pv).numpy()
    np.testing.assert_allclose(L.BOX_LOSSES[kind](t, p), R.box_loss_tf(kind, tf.constant(t), tf.constant(p)).numpy(),
                               rtol=1e-10, atol=1e-12)
    got = L.box_loss_gradient(kind, t, p)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    # the (cx, cy, w, h) parametrisation of the simulation: the chain rule of the corner gradient
    xywh = np.concatenate([(p[:, :2] + p[:, 2:]) / 2, p[:, 2:] - p[:, :2]], axis=1)
    txywh = np.concatenate([(t[:, :2] + t[:, 2:]) / 2, t[:, 2:] - t[:, :2]], axis=1)
    chain = np.concatenate([want[:, :2] + want[:, 2:], (want[:, 2:] - want[:, :2]) / 2], axis=1)
    np.testing.assert_allclose(L.box_loss_gradient(kind, txywh, xywh, param="xywh"), chain, rtol=1e-5, atol=1e-6)


def test_iou_loss_has_no_gradient_for_disjoint_boxes_giou_diou_do():
    t, p = [0.0, 0.0, 1.0, 1.0], [3.0, 0.5, 4.0, 1.5]
    assert np.all(L.box_loss_gradient("IoU", t, p) == 0)
    for kind in ("GIoU", "DIoU", "CIoU"):
        g = L.box_loss_gradient(kind, t, p)
        assert g[0] + g[2] > 0  # sliding the box left (towards the target) lowers the loss


# ------------------------------------------------------------------------------------------------
# hypothesis: invariants for all inputs
# ------------------------------------------------------------------------------------------------
coords = st.floats(-100, 100, allow_nan=False)
sizes = st.floats(0.01, 100, allow_nan=False)
box = st.tuples(coords, coords, sizes, sizes).map(lambda b: [b[0], b[1], b[0] + b[2], b[1] + b[3]])


@PROPS
@given(a=box, b=box, dtype=st.sampled_from([np.float32, np.float64]))
def test_box_similarity_ranges(a, b, dtype):
    a32, b32 = np.asarray(a, dtype), np.asarray(b, dtype)
    i, g, d, c = (f(a32, b32) for f in (L.iou, L.giou, L.diou, L.ciou))
    assert i.dtype == dtype
    assert 0 <= i <= 1
    eps = 1e-6 if dtype == np.float32 else 1e-12
    assert -1 <= g <= i + eps and -1 <= d <= i + eps and -1.5 < c <= d + eps
    if dtype == np.float64:
        assert g > -1 and d > -1  # open at −1 (in float32, −1 + 1e-9 rounds to −1)
    for f in (L.iou_loss, L.giou_loss, L.diou_loss, L.ciou_loss):
        v = f(a32, b32)
        assert np.isfinite(v) and v >= 0
        assert f(a32, a32) == 0


@PROPS
@given(a=box, b=box, scale=st.sampled_from([1e-30, 1e-8, 1e8, 1e30, 1e300]))
def test_boxes_at_extreme_scales_are_finite_and_scale_invariant(a, b, scale):
    a, b = np.asarray(a), np.asarray(b)
    for f in (L.iou, L.giou, L.diou, L.ciou):
        v = f(a * scale, b * scale)
        assert np.isfinite(v)
        assert v == pytest.approx(float(f(a, b)), abs=1e-6)


logit = st.floats(-1000, 1000, allow_nan=False)
prob = st.one_of(st.just(0.0), st.just(1.0), st.floats(0, 1))


@PROPS
@given(z=st.lists(logit, min_size=3, max_size=3), k=st.integers(0, 2), dtype=st.sampled_from([np.float32, np.float64]))
def test_logit_losses_finite_non_negative(z, k, dtype):
    z = np.asarray(z, dtype)
    onehot = np.eye(3, dtype=dtype)[k]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        values = [L.softmax_cross_entropy_with_logits(onehot, z), L.sparse_softmax_cross_entropy_with_logits(k, z),
                  L.categorical_crossentropy(onehot, z, from_logits=True),
                  L.binary_crossentropy(onehot, z, from_logits=True),
                  L.binary_focal_crossentropy(onehot, z, from_logits=True),
                  L.categorical_focal_crossentropy(onehot, z, from_logits=True)]
    for v in values:
        assert v.dtype == dtype and np.isfinite(v) and v >= 0


@PROPS
@given(p=st.lists(prob, min_size=3, max_size=3), k=st.integers(0, 2), dtype=st.sampled_from([np.float32, np.float64]))
def test_probability_losses_finite_non_negative(p, k, dtype):
    p = np.asarray(p, dtype)
    assume(p.sum() > 0)  # an all-zero "distribution" cannot be rescaled (Keras gives nan too)
    onehot = np.eye(3, dtype=dtype)[k]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        values = [L.categorical_crossentropy(onehot, p), L.sparse_categorical_crossentropy(k, p),
                  L.binary_crossentropy(onehot, p), L.binary_focal_crossentropy(onehot, p),
                  L.categorical_focal_crossentropy(onehot, p)]
    for v in values:
        assert np.isfinite(v) and v >= 0


@PROPS
@given(y=st.lists(st.floats(-1e6, 1e6), min_size=1, max_size=6), dtype=st.sampled_from([np.float32, np.float64]))
def test_regression_losses_zero_at_perfect_prediction(y, dtype):
    y = np.asarray(y, dtype)
    for f in (L.mean_squared_error, L.huber, L.smooth_l1, L.yogurt_loss, L.pinball_loss):
        assert f(y, y) == 0
        shifted = f(y, y + dtype(1))
        assert np.isfinite(shifted) and shifted > 0


def test_perfect_classification_gives_minimum():
    onehot = np.eye(4)
    assert np.allclose(L.categorical_crossentropy(onehot, onehot), -np.log(1 - 1e-7), atol=1e-9)  # Keras' clipping
    assert np.all(L.softmax_cross_entropy_with_logits(onehot, 1000 * onehot) == 0)


# ------------------------------------------------------------------------------------------------
# bad input
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("call,match", [
    (lambda: L.mean_squared_error([1, 2], [1, 2, 3]), "y_true"),
    (lambda: L.mean_squared_error(1.0, 2.0), "y_pred"),
    (lambda: L.huber([1, 2], [[1, 2]]), "y_true"),
    (lambda: L.categorical_crossentropy([[1, 0]], [[0.5, 0.25, 0.25]]), "y_true"),
    (lambda: L.softmax_cross_entropy_with_logits([[1, 0]], [[1.0, 2.0, 3.0]]), "labels"),
    (lambda: L.sparse_softmax_cross_entropy_with_logits([0, 1, 2], [[1.0, 2.0]] * 2), "labels"),
    (lambda: L.sparse_softmax_cross_entropy_with_logits([0, 3], [[1.0, 2.0, 0.0]] * 2), "labels"),
    (lambda: L.sparse_categorical_crossentropy([0, 1.5], [[0.5, 0.5]] * 2), "y_true"),
    (lambda: L.iou([0, 0, -1, 1], [0, 0, 1, 1]), "boxes1"),
    (lambda: L.giou([0, 0, 1, 1], [0, 2, 1, 1]), "boxes2"),
    (lambda: L.ciou_loss([0, 0, 1, 1], [0, 0, 1, 1, 5]), "y_pred"),
    (lambda: L.diou_loss([0, 0, 1, np.nan], [0, 0, 1, 1]), "y_true"),
    (lambda: L.iou(np.zeros((2, 4)), np.zeros((3, 4))), "boxes1"),
    (lambda: L.binary_focal_crossentropy([1.0], [0.5], gamma=-1.0), "gamma"),
    (lambda: L.categorical_focal_crossentropy([[1.0, 0]], [[0.5, 0.5]], gamma=-0.1), "gamma"),
    (lambda: L.binary_focal_crossentropy([1.0], [0.5], alpha=1.5), "alpha"),
    (lambda: L.categorical_focal_crossentropy([[1.0, 0]], [[0.5, 0.5]], alpha=-0.2), "alpha"),
    (lambda: L.categorical_focal_crossentropy([[1.0, 0]], [[0.5, 0.5]], alpha=[0.5, 0.2, 0.3]), "alpha"),
    (lambda: L.huber([1.0], [2.0], delta=-1.0), "delta"),
    (lambda: L.smooth_l1([1.0], [2.0], beta=-1.0), "beta"),
    (lambda: L.yogurt_loss([1.0], [2.0], cost=-1.0), "cost"),
    (lambda: L.yogurt_loss([1.0], [2.0], profit=float("inf")), "profit"),
    (lambda: L.binary_crossentropy([1.0], [0.5], label_smoothing=1.5), "label_smoothing"),
    (lambda: L.binary_crossentropy([1.0], [0.5], axis=3), "axis"),
    (lambda: L.sparse_categorical_crossentropy([0], [[0.5, 0.5]], axis=0), "axis"),
    (lambda: L.box_loss_gradient("L2", [0, 0, 1, 1], [0, 0, 1, 1]), "loss"),
    (lambda: L.box_loss_gradient("IoU", [0, 0, 1, 1], [0, 0, 1, 1], h=0), "h"),
])
def test_bad_input_names_the_argument(call, match):
    with pytest.raises(ValueError, match=match):
        call()


@pytest.mark.parametrize("call,match", [
    (lambda: L.mean_squared_error("abc", [1.0]), "y_true"),
    (lambda: L.binary_crossentropy([1.0], [0.5], from_logits="yes"), "from_logits"),
    (lambda: L.huber([1.0], [2.0], delta="1"), "delta"),
    (lambda: L.binary_focal_crossentropy([[1.0]], [[0.5]], alpha=[0.5, 0.5]), "alpha"),
])
def test_bad_types_name_the_argument(call, match):
    with pytest.raises(TypeError, match=match):
        call()


def test_all_names_exist():
    for name in L.__all__:
        assert hasattr(L, name), name


# ------------------------------------------------------------------------------------------------
# label smoothing along another axis, Keras' rank matching
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("from_logits", [False, True])
def test_label_smoothing_divides_by_the_classes_along_axis(from_logits):
    """3 classes along axis 0, 2 samples along the last axis: K = 3, not 2 (Keras 3.15 uses the last axis;
    fixed upstream in keras-team/keras#23437). The right value is Keras' own with the classes last."""
    t = np.array([[1.0, 0.0], [0.0, 0.0], [0.0, 1.0]])  # (classes, samples)
    p = np.array([[2.0, -1.0], [0.5, 0.3], [-1.0, 1.5]]) if from_logits else np.array([[0.7, 0.2], [0.2, 0.2], [0.1, 0.6]])
    s = 0.3
    kw = {"from_logits": from_logits, "label_smoothing": s}
    got = L.categorical_crossentropy(t, p, axis=0, **kw)
    right = keras.losses.categorical_crossentropy(t.T, p.T, **kw)  # the class axis last: Keras is right there
    np.testing.assert_allclose(got, np.asarray(right), rtol=1e-12)
    np.testing.assert_allclose(got, L.categorical_crossentropy(t.T, p.T, **kw), rtol=1e-12)
    # the buggy formula (s / size of the last axis) gives another value: the case tells them apart
    t_bug = t * (1 - s) + s / t.shape[-1]
    bug = L.categorical_crossentropy(t_bug, p, axis=0, from_logits=from_logits)
    assert np.all(np.abs(got - bug) > 1e-3)
    for alpha in (0.25, [0.2, 0.3, 0.5]):
        got_f = L.categorical_focal_crossentropy(t, p, alpha=alpha, axis=0, **kw)
        right_f = keras.losses.categorical_focal_crossentropy(t.T, p.T, alpha=alpha, **kw)
        np.testing.assert_allclose(got_f, np.asarray(right_f), rtol=1e-6)
        bug_f = L.categorical_focal_crossentropy(t_bug, p, alpha=alpha, axis=0, from_logits=from_logits)
        assert np.all(np.abs(got_f - bug_f) > 1e-4)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_regression_losses_match_ranks_as_keras_does(dtype):
    y = RNG.normal(size=7).astype(dtype)
    p = RNG.normal(size=(7, 1)).astype(dtype)
    Y = RNG.normal(size=(3, 5)).astype(dtype)
    P = RNG.normal(size=(3, 5, 1)).astype(dtype)
    for t_, p_ in ((y, p), (p, y), (Y, P), (P, Y)):
        got = L.mean_squared_error(t_, p_)
        want = keras.losses.mean_squared_error(t_, p_)
        assert got.shape == tuple(want.shape)
        _close(got, want, dtype)
        _close(L.huber(t_, p_, 0.5), keras.losses.huber(t_, p_, delta=0.5), dtype)
        np.testing.assert_allclose(L.smooth_l1(t_, p_, 0.5), np.asarray(L.huber(t_, p_, 0.5)) / 0.5, rtol=1e-5)
    # (n,) with (n, 1): one loss per sample, not the mean over an (n, n) matrix of every pair
    np.testing.assert_allclose(L.mean_squared_error(y, p), (y - p[:, 0]) ** 2, rtol=1e-6)
    assert np.mean((y - p) ** 2) != pytest.approx(float(np.mean(L.mean_squared_error(y, p))))


def test_shape_mismatch_says_how_to_fix_the_call():
    with pytest.raises(ValueError, match=r"reshape"):
        L.yogurt_loss(np.zeros(4), np.zeros((4, 1)))
    with pytest.raises(ValueError, match=r"same shape"):
        L.mean_squared_error(np.zeros((4, 3)), np.zeros((4, 1)))  # same rank: Keras would broadcast, we refuse
