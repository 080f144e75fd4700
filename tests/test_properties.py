"""Issue 10, property-based tests the chapters' own test files do not have.

The chapters' files already check each invariant on small fixed-shape inputs (softmax sums to
1, IoU in [0, 1], losses >= 0, schedules never increase, small steps decrease a quadratic,
FLOPs grow with channels). Here the same invariants run on random *shapes* (empty batch,
one element, broadcasting), both float dtypes and extreme magnitudes, each compared with its
TensorFlow/Keras counterpart where one exists (IoU/GIoU have none in TensorFlow: they are
compared with a naive float64 formula on the unscaled boxes).
"""

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import course_lib
from course_lib.nn import activations as A
from course_lib.nn import losses as L
from course_lib.nn import optimizers as O
from course_lib.nn import schedules as S

tf = course_lib.import_tf()
import keras  # noqa: E402  (after import_tf, which silences TensorFlow)

PROPS = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FEW = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])

DTYPES = st.sampled_from([np.float32, np.float64])


def _tol(dtype):
    return dict(rtol=2e-5, atol=1e-6) if dtype == np.float32 else dict(rtol=1e-10, atol=1e-12)


def _floats(dtype, bound=None):
    """Finite floats of ``dtype`` up to ``bound`` (default: the dtype's whole range, tiny and huge)."""
    width = 32 if dtype == np.float32 else 64
    if bound is not None:
        bound = float(np.asarray(bound, dtype))  # a bound hypothesis can represent in that width
    return st.floats(-bound if bound else None, bound, allow_nan=False, allow_infinity=False, width=width)


def _batch_shape(max_dims=2):
    """Leading (batch) dimensions: () for one sample, sides from 0 (empty batch) to 4."""
    return hnp.array_shapes(min_dims=0, max_dims=max_dims, min_side=0, max_side=4)


# ----------------------------------------------------------------------------------------------
# activations: softmax
# ----------------------------------------------------------------------------------------------
@pytest.mark.filterwarnings("ignore:You are using a softmax over axis:UserWarning")  # Keras on a size-1 axis
@PROPS
@given(data=st.data(), dtype=DTYPES)
def test_softmax_sums_to_one_stays_finite_and_matches_keras(data, dtype):
    shape = data.draw(hnp.array_shapes(min_dims=1, max_dims=3, min_side=0, max_side=5), label="shape")
    x = data.draw(hnp.arrays(dtype, shape, elements=_floats(dtype)), label="x")
    axis = data.draw(st.integers(-len(shape), len(shape) - 1), label="axis")
    s = A.softmax(x, axis=axis)
    assert s.dtype == dtype and s.shape == x.shape
    assert np.all(np.isfinite(s)) and np.all((s >= 0) & (s <= 1))
    if s.size:
        np.testing.assert_allclose(s.sum(axis=axis), 1.0, rtol=1e-5 if dtype == np.float32 else 1e-12)
    theirs = np.asarray(keras.activations.softmax(tf.constant(x), axis=axis))
    np.testing.assert_allclose(s, theirs, **_tol(dtype))


# ----------------------------------------------------------------------------------------------
# losses: IoU family on batches, broadcasting, extreme scales
# ----------------------------------------------------------------------------------------------
def _naive_iou_giou(a, b):
    """IoU and GIoU of two boxes (x1, y1, x2, y2), straight from the definitions, in exact arithmetic."""
    a, b = [Fraction(float(v)) for v in a], [Fraction(float(v)) for v in b]
    area = lambda q: (q[2] - q[0]) * (q[3] - q[1])
    iw = max(0, min(a[2], b[2]) - max(a[0], b[0]))
    ih = max(0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = iw * ih
    union = area(a) + area(b) - inter
    iou = 1 if a == b else (inter / union if union > 0 else 0)
    c = (max(a[2], b[2]) - min(a[0], b[0])) * (max(a[3], b[3]) - min(a[1], b[1]))
    return float(iou), float(iou - (c - union) / c if c > 0 else iou)


def _unit_boxes(n):
    corner = st.floats(-1, 1)
    size = st.one_of(st.just(0.0), st.floats(0.05, 2))
    box = st.tuples(corner, corner, size, size).map(lambda t: [t[0], t[1], t[0] + t[2], t[1] + t[3]])
    return st.lists(box, min_size=n, max_size=n).map(lambda v: np.array(v, dtype=np.float64).reshape(n, 4))


PAIRINGS = {  # how boxes1 and boxes2 are laid out: same batch, one against many, all pairs
    "same": lambda a, b: (a, b),
    "one_vs_many": lambda a, b: (a[:1], b),
    "all_pairs": lambda a, b: (a[:, None, :], b[None, :, :]),
}


@PROPS
@given(data=st.data(), dtype=DTYPES, pairing=st.sampled_from(sorted(PAIRINGS)),
       scale=st.sampled_from([1.0, 1e-30, 1e-6, 1e6, 1e30, 1e300]))
def test_iou_in_0_1_and_giou_in_minus1_1_on_batches(data, dtype, pairing, scale):
    assume(not (dtype == np.float32 and scale == 1e300))  # not a float32 number
    n = data.draw(st.integers(0, 4), label="n") if pairing != "one_vs_many" else data.draw(st.integers(1, 4))
    a, b = data.draw(_unit_boxes(n), label="a"), data.draw(_unit_boxes(n), label="b")
    if n and data.draw(st.booleans(), label="one identical pair"):
        b[0] = a[0]
    a2, b2 = ((q * scale).astype(dtype) for q in PAIRINGS[pairing](a, b))
    i, g = L.iou(a2, b2), L.giou(a2, b2)
    assert i.shape == g.shape == np.broadcast_shapes(a2.shape, b2.shape)[:-1]
    assert i.dtype == g.dtype == dtype
    assert np.all((i >= 0) & (i <= 1)) and np.all((g >= -1) & (g <= 1))
    assert np.all(g <= i + 1e-12)  # GIoU <= IoU, up to round-off in the enclosing-box term
    # the formula, in exact arithmetic on the boxes as given
    A2, B2 = (np.asarray(q, np.float64) for q in np.broadcast_arrays(a2, b2))
    ref = np.array([_naive_iou_giou(p, q) for p, q in zip(A2.reshape(-1, 4), B2.reshape(-1, 4))]).reshape(
        i.shape + (2,))
    atol = 1e-6 if dtype == np.float32 else 1e-9
    np.testing.assert_allclose(i, ref[..., 0], atol=atol)
    np.testing.assert_allclose(g, ref[..., 1], atol=atol)
    if dtype == np.float64:  # open at -1 for boxes with an area (two points far apart have GIoU -1 exactly)
        has_area = lambda q: (q[..., 2] > q[..., 0]) & (q[..., 3] > q[..., 1])
        assert np.all(g[has_area(A2) & has_area(B2)] > -1)
    for f in (L.iou_loss, L.giou_loss, L.diou_loss, L.ciou_loss):
        v = f(a2, a2)
        assert np.all(v == 0)  # a perfect prediction costs nothing


# ----------------------------------------------------------------------------------------------
# losses: >= 0, 0 at a perfect prediction, equal to Keras, on random batch shapes
# ----------------------------------------------------------------------------------------------
def _probabilities(data, dtype, shape):
    z = data.draw(hnp.arrays(np.float64, shape, elements=st.floats(-30, 30)), label="logits for p")
    p = np.exp(z - z.max(-1, keepdims=True))
    return (p / p.sum(-1, keepdims=True)).astype(dtype)


@pytest.mark.filterwarnings("ignore:In loss:SyntaxWarning")  # Keras' remark on one class (k = 1 is tested on purpose)
@PROPS
@given(data=st.data(), dtype=DTYPES, batch=_batch_shape(), k=st.integers(1, 4))
def test_classification_losses_non_negative_zero_when_perfect_and_equal_to_keras(data, dtype, batch, k):
    shape = batch + (k,)
    labels = data.draw(hnp.arrays(np.int64, batch, elements=st.integers(0, k - 1)), label="labels")
    onehot = np.eye(k, dtype=dtype)[labels]
    p = _probabilities(data, dtype, shape)
    logits = data.draw(hnp.arrays(dtype, shape, elements=_floats(dtype, 1e30)), label="logits")
    kl = keras.losses
    cases = [
        (L.categorical_crossentropy(onehot, p), kl.categorical_crossentropy(onehot, p)),
        (L.categorical_crossentropy(onehot, logits, from_logits=True),
         kl.categorical_crossentropy(onehot, logits, from_logits=True)),
        (L.sparse_categorical_crossentropy(labels, p), kl.sparse_categorical_crossentropy(labels, p)),
        (L.binary_crossentropy(onehot, p), kl.binary_crossentropy(onehot, p)),
        (L.binary_crossentropy(onehot, logits, from_logits=True),
         kl.binary_crossentropy(onehot, logits, from_logits=True)),
        (L.categorical_focal_crossentropy(onehot, p), kl.categorical_focal_crossentropy(onehot, p)),
        (L.binary_focal_crossentropy(onehot, p, apply_class_balancing=True),
         kl.binary_focal_crossentropy(onehot, p, apply_class_balancing=True)),
        (L.softmax_cross_entropy_with_logits(onehot, logits), tf.nn.softmax_cross_entropy_with_logits(onehot, logits)),
    ]
    if batch:  # tf.nn's sparse op wants at least one batch axis
        cases.append((L.sparse_softmax_cross_entropy_with_logits(labels, logits),
                      tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits)))
    for ours, theirs in cases:
        theirs = np.asarray(theirs)
        assert ours.shape == theirs.shape == batch and ours.dtype == dtype
        assert np.all(np.isfinite(ours)) and np.all(ours >= 0)
        np.testing.assert_allclose(ours, theirs, rtol=1e-4 if dtype == np.float32 else 1e-9, atol=1e-6)
    # a perfect prediction: 0 (up to Keras' clipping of probabilities to [1e-7, 1 - 1e-7])
    assert np.all(L.categorical_crossentropy(onehot, onehot) <= 2e-7)
    assert np.all(L.softmax_cross_entropy_with_logits(onehot, 1e4 * onehot.astype(dtype)) == 0)


@PROPS
@given(data=st.data(), dtype=DTYPES, batch=_batch_shape(), k=st.integers(1, 4), delta=st.floats(0.01, 10))
def test_regression_losses_non_negative_zero_when_perfect_and_equal_to_keras(data, dtype, batch, k, delta):
    shape = batch + (k,)
    bound = 1e15  # squares stay finite in both dtypes
    t = data.draw(hnp.arrays(dtype, shape, elements=_floats(dtype, bound)), label="y_true")
    p = data.draw(hnp.arrays(dtype, shape, elements=_floats(dtype, bound)), label="y_pred")
    for ours, theirs in ((L.mean_squared_error(t, p), keras.losses.mean_squared_error(t, p)),
                         (L.huber(t, p, delta), keras.losses.huber(t, p, delta=delta))):
        theirs = np.asarray(theirs)
        assert ours.shape == theirs.shape == shape[:-1]
        assert np.all(np.isfinite(ours)) and np.all(ours >= 0)
        np.testing.assert_allclose(ours, theirs, rtol=1e-5 if dtype == np.float32 else 1e-12,
                                   atol=2 * np.finfo(dtype).tiny)  # TF flushes subnormals to zero
    for f in (L.mean_squared_error, L.huber, L.smooth_l1, L.yogurt_loss):
        assert np.all(f(t, p) >= 0) and np.all(f(t, t) == 0)


# ----------------------------------------------------------------------------------------------
# schedules: never increase, equal to Keras, whatever the shape of `step`
# ----------------------------------------------------------------------------------------------
STEP_SHAPES = st.sampled_from([(), (0,), (1,), (7,), (2, 3)])


def _schedule(name, data):
    lr0 = data.draw(st.floats(1e-4, 10.0), label="lr0")
    T = data.draw(st.integers(1, 500), label="decay_steps")
    if name == "exponential_decay":
        return dict(initial_learning_rate=lr0, decay_steps=T, decay_rate=data.draw(st.floats(0.01, 1.0)),
                    staircase=data.draw(st.booleans()))
    if name == "inverse_time_decay":
        return dict(initial_learning_rate=lr0, decay_steps=T, decay_rate=data.draw(st.floats(0.0, 10.0)),
                    staircase=data.draw(st.booleans()))
    if name == "polynomial_decay":
        return dict(initial_learning_rate=lr0, decay_steps=T, end_learning_rate=lr0 * data.draw(st.floats(0, 1)),
                    power=data.draw(st.floats(0.1, 3.0)))
    if name == "cosine_decay":
        return dict(initial_learning_rate=lr0, decay_steps=T, alpha=data.draw(st.floats(0, 1)))
    values = sorted(data.draw(st.lists(st.floats(1e-4, 1.0), min_size=2, max_size=4, unique=True)), reverse=True)
    return dict(boundaries=[int(b) for b in np.cumsum(data.draw(
        st.lists(st.integers(1, 200), min_size=len(values) - 1, max_size=len(values) - 1)))], values=values)


@PROPS
@given(data=st.data(), name=st.sampled_from(["exponential_decay", "inverse_time_decay", "polynomial_decay",
                                              "cosine_decay", "piecewise_constant_decay"]), shape=STEP_SHAPES)
def test_decay_schedules_never_increase_and_equal_keras_for_any_step_shape(data, name, shape):
    params = _schedule(name, data)
    steps = data.draw(hnp.arrays(np.float64, shape, elements=st.integers(0, 2000).map(float)), label="steps")
    lr = S.SCHEDULES[name](steps, **params)
    assert np.shape(lr) == shape and np.all(np.isfinite(lr)) and np.all(lr >= 0)
    grid = S.SCHEDULES[name](np.arange(0, 2001, 7), **params)
    assert np.all(np.diff(grid) <= 1e-15 * grid[0]), "a decay schedule went up"
    theirs = getattr(keras.optimizers.schedules, S.KERAS_NAMES[name])(**params)
    flat = np.asarray(steps, np.float64).reshape(-1)
    expected = np.array([float(theirs(int(s))) for s in flat[:3]])  # Keras computes in float32
    np.testing.assert_allclose(np.reshape(lr, -1)[:3], expected, rtol=2e-5, atol=1e-7)


# ----------------------------------------------------------------------------------------------
# optimizers: equal to Keras step for step on random shapes; small steps decrease a quadratic
# ----------------------------------------------------------------------------------------------
KERAS_TWINS = {
    "SGD": {"momentum": st.floats(0.0, 0.99), "nesterov": st.booleans()},
    "Adagrad": {"initial_accumulator_value": st.floats(0.01, 1.0)},
    "Adadelta": {"rho": st.floats(0.5, 0.99)},
    "RMSprop": {"rho": st.floats(0.5, 0.99), "momentum": st.floats(0, 0.9), "centered": st.booleans()},
    "Adam": {"beta_1": st.floats(0.5, 0.99), "beta_2": st.floats(0.9, 0.9999), "amsgrad": st.booleans()},
    "Nadam": {"beta_1": st.floats(0.5, 0.99), "beta_2": st.floats(0.9, 0.9999)},
}


@FEW
@given(data=st.data(), name=st.sampled_from(sorted(KERAS_TWINS)),
       shape=hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=4), lr=st.floats(1e-3, 0.5))
def test_optimizers_equal_keras_step_for_step_on_any_shape(data, name, shape, lr):
    kwargs = {k: data.draw(s, label=k) for k, s in KERAS_TWINS[name].items()}
    elements = st.floats(-10, 10, width=32)
    w0 = data.draw(hnp.arrays(np.float32, shape, elements=elements), label="w0")
    grads = [data.draw(hnp.arrays(np.float32, shape, elements=elements), label="g") for _ in range(3)]
    ours, w = getattr(O, name)(lr, **kwargs), w0.copy()
    theirs, v = getattr(keras.optimizers, name)(learning_rate=lr, **kwargs), keras.Variable(w0.copy())
    for g in grads:
        ours.apply_gradients([(g, w)])
        theirs.apply_gradients([(tf.constant(g), v)])
    np.testing.assert_allclose(w, np.asarray(v), rtol=1e-4, atol=1e-5)


@FEW
@given(data=st.data(), name=st.sampled_from(sorted(KERAS_TWINS) + ["CourseSGDM", "CourseAdagrad", "CourseRMSProp",
                                                                  "CourseAdam"]),
       dtype=DTYPES, scale=st.sampled_from([1e-3, 1.0, 1e3]))
def test_small_steps_decrease_a_convex_quadratic_of_any_size_and_scale(data, name, dtype, scale):
    n = data.draw(st.integers(1, 6), label="n")
    curv = data.draw(hnp.arrays(np.float64, n, elements=st.floats(0.1, 10)), label="curvatures")
    x = (data.draw(hnp.arrays(np.float64, n, elements=st.floats(0.5, 5)), label="|x0|") * scale).astype(dtype)
    f = lambda x: float(np.sum(curv * np.asarray(x, np.float64) ** 2))
    assume(name != "Adadelta" or scale == 1.0)  # its step is ~lr·sqrt(epsilon) whatever x: no scale to follow
    # the SGD family steps lr·g (stable below 1/curvature); the adaptive ones step about lr, so lr follows x
    lr = 1e-3 if name in ("SGD", "CourseSGDM") else 1e-2 if name == "Adadelta" else 1e-4 * scale
    opt = getattr(O, name)(lr)
    values = [f(x)]
    for _ in range(8):
        opt.apply_gradients([(2 * curv * x, x)])
        values.append(f(x))
    assert np.all(np.diff(values) < 0), values


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_softmax_and_losses_on_an_empty_batch(dtype):
    """The deterministic corners the strategies above may draw only rarely: a (0, k) batch works,
    an empty class axis (k = 0) is refused by the losses (nothing to average) and kept by softmax."""
    empty = np.zeros((0, 3), dtype)
    assert A.softmax(empty).shape == (0, 3) and A.softmax(np.zeros((2, 0), dtype)).shape == (2, 0)
    for f in (L.categorical_crossentropy, L.mean_squared_error, L.binary_crossentropy):
        assert f(empty, empty).shape == (0,)
    assert L.iou(np.zeros((0, 4), dtype), np.zeros((0, 4), dtype)).shape == (0,)
    no_class = np.zeros((2, 0), dtype)
    for f in (L.mean_squared_error, L.huber, L.smooth_l1, L.binary_crossentropy, L.binary_focal_crossentropy):
        with pytest.raises(ValueError, match="y_pred"):
            f(no_class, no_class)
    with pytest.raises(ValueError, match="logits"):
        L.softmax_cross_entropy_with_logits(no_class, no_class)
