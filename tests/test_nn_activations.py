"""course_lib.nn.activations against keras.activations / tf.nn / tf.GradientTape.

Every value against Keras, every ``*_grad`` against ``tf.GradientTape`` (and against the
``derivative`` lookup), softmax over one axis and over a tuple of axes against
``keras.activations.softmax``, the kinks, extreme inputs, bad inputs.
"""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import course_lib
from course_lib.nn import activations as A
from course_lib.reference.ch03_activations import RRELU_MEAN_SLOPE

tf = course_lib.import_tf()
import keras  # noqa: E402  (after import_tf, which silences TensorFlow)

RNG = np.random.default_rng(1234)


def _random(shape=(7, 13), scale=4.0, dtype=np.float64):
    x = RNG.normal(scale=scale, size=shape).astype(dtype)
    x[np.abs(x) < 1e-3] = 0.5  # keep away from kinks, where "the" derivative is a convention
    return x


KERAS = {
    "sigmoid": (A.sigmoid, keras.activations.sigmoid, {}),
    "tanh": (A.tanh, keras.activations.tanh, {}),
    "relu": (A.relu, keras.activations.relu, {}),
    "leaky_relu": (A.leaky_relu, keras.activations.leaky_relu, {}),
    "leaky_relu_0.05": (A.leaky_relu, keras.activations.leaky_relu, {"negative_slope": 0.05}),
    "elu": (A.elu, keras.activations.elu, {}),
    "elu_0.5": (A.elu, keras.activations.elu, {"alpha": 0.5}),
    "softplus": (A.softplus, keras.activations.softplus, {}),
    "softsign": (A.softsign, keras.activations.softsign, {}),
    "softmax": (A.softmax, keras.activations.softmax, {}),
    "relu_slope": (A.relu, keras.activations.relu, {"negative_slope": 0.1}),
    "relu_max": (A.relu, keras.activations.relu, {"max_value": 2.5}),
    "relu_threshold": (A.relu, keras.activations.relu, {"threshold": 0.7, "negative_slope": 0.3}),
    "relu_all": (A.relu, keras.activations.relu, {"threshold": -0.4, "negative_slope": 0.2, "max_value": 3.0}),
}


@pytest.mark.parametrize("case", sorted(KERAS))
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_values_match_keras(case, dtype):
    ours, theirs, params = KERAS[case]
    x = _random(dtype=dtype)
    got = ours(x, **params)
    want = np.asarray(theirs(tf.constant(x), **params))
    assert got.dtype == dtype
    tol = 1e-6 if dtype == np.float32 else 1e-12
    if dtype == np.float64 and (case.startswith("leaky") or "negative_slope" in params):
        tol = 3e-8  # TF's LeakyRelu keeps its slope as a float32 attribute, even for float64 inputs
    np.testing.assert_allclose(got, want, rtol=tol, atol=tol)


def test_prelu_matches_keras_layer():
    x = _random((4, 5, 6)).astype(np.float32)
    alpha = RNG.uniform(0, 0.5, size=6).astype(np.float32)
    layer = keras.layers.PReLU(alpha_initializer=keras.initializers.Constant(alpha))
    want = np.asarray(layer(x))
    np.testing.assert_allclose(A.prelu(x, alpha), want, rtol=1e-6)


def test_rrelu_inference_is_leaky_relu_with_mean_slope():
    x = _random()
    want = np.asarray(tf.nn.leaky_relu(x, alpha=RRELU_MEAN_SLOPE))
    np.testing.assert_allclose(A.rrelu(x), want, rtol=3e-8)  # TF keeps the slope in float32


def test_rrelu_training_slopes_in_range_and_seeded():
    x = -np.ones((200, 50))
    y = A.rrelu(x, training=True, seed=3)
    slopes = -y
    assert slopes.min() >= 1 / 8 and slopes.max() <= 1 / 3
    assert abs(slopes.mean() - RRELU_MEAN_SLOPE) < 0.01  # uniform's mean, 10 000 draws
    np.testing.assert_array_equal(y, A.rrelu(x, training=True, seed=3))
    np.testing.assert_array_equal(A.rrelu(np.abs(x), training=True, seed=3), np.abs(x))  # x >= 0 untouched
    np.testing.assert_allclose(A.rrelu_grad(x, training=True, seed=3), slopes)
    np.testing.assert_allclose(A.derivative("rrelu", x, training=True, seed=3), slopes)


# -- every *_grad against tf.GradientTape --------------------------------------------------------
#: name -> (our parameters, TensorFlow's function with the same parameters)
TF_GRAD = {
    "sigmoid": ({}, tf.nn.sigmoid),
    "tanh": ({}, tf.nn.tanh),
    "relu": ({}, tf.nn.relu),
    "leaky_relu": ({"negative_slope": 0.1}, lambda t: tf.nn.leaky_relu(t, 0.1)),
    "elu": ({"alpha": 0.7}, lambda t: keras.activations.elu(t, alpha=0.7)),
    "softplus": ({}, tf.nn.softplus),
    "softsign": ({}, tf.nn.softsign),
    "prelu": ({"alpha": 0.3}, lambda t: tf.where(t > 0, t, 0.3 * t)),
    "rrelu": ({}, lambda t: tf.nn.leaky_relu(t, RRELU_MEAN_SLOPE)),
}


def _tape_grad(fn, x):
    t = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(t)
        y = fn(t)
    return tape.gradient(y, t).numpy()  # element-wise function: d(sum y)/dx = f'(x)


@pytest.mark.parametrize("name", sorted(TF_GRAD))
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_grad_functions_match_gradient_tape(name, dtype):
    params, fn = TF_GRAD[name]
    x = _random(dtype=dtype)
    want = _tape_grad(fn, x)
    got = A.GRADS[name](x, **params)
    assert got.dtype == dtype and got.shape == x.shape
    if dtype == np.float32:
        tol = dict(rtol=2e-6, atol=1e-6)  # 1 - tanh² near saturation: float32 round-off of a difference
    else:  # TF keeps leaky slopes in float32
        tol = dict(rtol=3e-8 if name in ("leaky_relu", "rrelu") else 1e-10, atol=1e-12)
    np.testing.assert_allclose(got, want, **tol)
    np.testing.assert_array_equal(A.derivative(name, x, **params), got)  # derivative() is the table lookup


def test_every_activation_has_its_grad_beside_it():
    assert set(A.GRADS) == set(A.NAMES)
    for name, grad in A.GRADS.items():
        assert grad.__name__ in (f"{name}_grad", "softmax_jacobian")
        assert A.get(name).__name__ == name


@pytest.mark.parametrize("params", [{}, {"negative_slope": 0.2, "threshold": 0.5}, {"max_value": 1.0}])
def test_relu_grad_with_keras_options(params):
    x = _random()
    want = _tape_grad(lambda t: keras.activations.relu(t, **params), x)
    np.testing.assert_allclose(A.relu_grad(x, **params), want, atol=1e-12)


def test_grads_equal_central_differences():
    """Away from the kinks each derivative is the slope of its function (no TensorFlow involved)."""
    x = _random((200,), scale=3.0)
    h = 1e-6
    for name in ("sigmoid", "tanh", "relu", "leaky_relu", "elu", "softplus", "softsign", "rrelu"):
        f = A.get(name)
        num = (f(x + h) - f(x - h)) / (2 * h)
        np.testing.assert_allclose(A.GRADS[name](x), num, rtol=1e-6, atol=1e-8, err_msg=name)


def test_sigmoid_grad_is_f_times_one_minus_f():
    x = _random()
    s = A.sigmoid(x)
    np.testing.assert_array_equal(A.sigmoid_grad(x), s * (1 - s))
    assert A.sigmoid_grad(0.0) == 0.25 and float(np.max(A.sigmoid_grad(np.linspace(-9, 9, 1001)))) == 0.25


@pytest.mark.parametrize("shape", [(5,), (3, 4), (2, 3, 6)])
def test_softmax_jacobian_matches_tf(shape):
    x = tf.constant(_random(shape))
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.nn.softmax(x)
    jac = tape.jacobian(y, x).numpy()  # shape + shape
    n = shape[-1]
    lead = int(np.prod(shape[:-1]))
    jac = jac.reshape(lead, n, lead, n)
    want = np.stack([jac[i, :, i, :] for i in range(lead)]).reshape(*shape[:-1], n, n)
    np.testing.assert_allclose(A.softmax_jacobian(x.numpy()), want, atol=1e-12)
    np.testing.assert_array_equal(A.derivative("softmax", x.numpy()), A.softmax_jacobian(x.numpy()))


def test_softmax_jacobian_other_axis():
    x = _random((3, 4, 5))
    moved = np.moveaxis(x, 1, -1)
    np.testing.assert_allclose(A.softmax_jacobian(x, axis=1), A.softmax_jacobian(moved), atol=1e-15)
    with pytest.raises(ValueError, match="axis"):
        A.softmax_jacobian(x, axis=(1, 2))


# -- softmax over one axis and over a tuple of axes, as keras.activations.softmax ------------------
def test_softmax_other_axis_matches_tf():
    x = _random((3, 4, 5))
    np.testing.assert_allclose(A.softmax(x, axis=1), tf.nn.softmax(x, axis=1).numpy(), atol=1e-12)


@pytest.mark.parametrize("axis", [(1, 2), (0, 2), (-1, -2), (0, 1, 2), [2, 0], (1,)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_softmax_over_a_tuple_of_axes_matches_keras(axis, dtype):
    x = _random((3, 4, 5), dtype=dtype)
    # Keras refuses negative axes in a tuple (it checks them for duplicates before normalising)
    want = np.asarray(keras.activations.softmax(tf.constant(x), axis=tuple(a % x.ndim for a in axis)))
    got = A.softmax(x, axis=axis)
    assert got.dtype == dtype
    tol = dict(rtol=2e-6, atol=1e-7) if dtype == np.float32 else dict(rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(got, want, **tol)
    np.testing.assert_allclose(got.sum(axis=tuple(axis)), 1.0, rtol=1e-5)


def test_softmax_over_a_tuple_of_axes_is_stable():
    x = np.array([[[1000.0, 999.0], [-1000.0, 998.0]]])
    s = A.softmax(x, axis=(1, 2))
    assert np.all(np.isfinite(s))
    np.testing.assert_allclose(s, A.softmax(x - 1000.0, axis=(1, 2)), atol=1e-15)
    np.testing.assert_allclose(s.reshape(1, 4), A.softmax(x.reshape(1, 4)), atol=1e-15)


@pytest.mark.parametrize("axis, match", [((), "at least one axis"), ((0, 0), "repeat"), ((1, -2), "repeat"),
                                         ((0, 3), "axis"), ((0, 1.5), "axis")])
def test_softmax_bad_axes(axis, match):
    with pytest.raises((ValueError, TypeError), match=match):
        A.softmax(np.ones((2, 3, 4)), axis=axis)


def test_kink_conventions_match_tf():
    """At x = 0 our derivative is the value TensorFlow's gradient uses."""
    x = np.array([0.0])
    for name, (params, fn) in TF_GRAD.items():
        want = _tape_grad(fn, x)[0]
        assert A.GRADS[name](x, **params)[0] == pytest.approx(want, rel=3e-8), name


@pytest.mark.parametrize("name", A.NAMES)
def test_extreme_inputs_stay_finite_without_warnings(name):
    x = np.array([-1e308, -1000.0, -50.0, 0.0, 50.0, 1000.0, 1e308])
    params = {"alpha": 0.3} if name == "prelu" else {}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y = A.get(name)(x, **params)
        d = A.derivative(name, x, **params)
    assert np.all(np.isfinite(y)) and np.all(np.isfinite(d))


@settings(max_examples=60, deadline=None)
@given(hnp.arrays(dtype=st.sampled_from([np.float32, np.float64]),
                  shape=hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=6),
                  elements=st.floats(-1e4, 1e4, width=32)))
def test_softmax_properties(x):
    s = A.softmax(x)
    assert s.dtype == x.dtype
    assert np.all(np.isfinite(s)) and np.all(s >= 0)
    np.testing.assert_allclose(s.sum(-1), 1.0, rtol=1e-5)
    np.testing.assert_allclose(s, A.softmax(x + 3.0), atol=1e-5)  # shift invariance


@settings(max_examples=60, deadline=None)
@given(hnp.arrays(dtype=np.float64, shape=hnp.array_shapes(max_dims=2, max_side=8),
                  elements=st.floats(-700, 700)))
def test_monotonic_functions_have_nonnegative_derivative(x):
    for name in ("sigmoid", "tanh", "relu", "leaky_relu", "elu", "softplus", "softsign", "rrelu"):
        assert np.all(A.GRADS[name](x) >= 0), name
    assert np.all((A.sigmoid(x) >= 0) & (A.sigmoid(x) <= 1))
    np.testing.assert_allclose(A.sigmoid(x) + A.sigmoid(-x), 1.0, atol=1e-12)


def test_empty_and_scalar_inputs():
    assert A.sigmoid(np.zeros((0, 3))).shape == (0, 3)
    assert A.relu(-2) == 0.0
    assert float(A.tanh(0.5)) == pytest.approx(np.tanh(0.5))
    assert A.derivative("softmax", np.zeros((0, 3))).shape == (0, 3, 3)


def test_leaky_relu_with_slope_above_one_is_not_max():
    """max(αx, x) is Leaky ReLU only for α ≤ 1: for α > 1 it would pick αx on the positive side."""
    x = np.array([-2.0, 3.0])
    np.testing.assert_array_equal(A.leaky_relu(x, negative_slope=1.5), [-3.0, 3.0])
    np.testing.assert_array_equal(np.asarray(keras.activations.leaky_relu(x, negative_slope=1.5)), [-3.0, 3.0])


@pytest.mark.parametrize("call, match", [
    (lambda: A.leaky_relu(1.0, negative_slope=-0.1), "negative_slope"),
    (lambda: A.relu(1.0, negative_slope=-1), "negative_slope"),
    (lambda: A.relu(1.0, max_value=-1), "max_value"),
    (lambda: A.elu(1.0, alpha=-1), "alpha"),
    (lambda: A.rrelu(1.0, lower=0.5, upper=0.1), "lower"),
    (lambda: A.rrelu(1.0, lower=-0.1), "lower"),
    (lambda: A.prelu(np.ones((2, 3)), np.ones(4)), "alpha"),
    (lambda: A.prelu(1.0, float("nan")), "alpha"),
    (lambda: A.derivative("swish", 1.0), "name"),
    (lambda: A.derivative("sigmoid", 1.0, alpha=2), "sigmoid takes no parameter"),
    (lambda: A.derivative("prelu", 1.0), "alpha"),
    (lambda: A.softmax(1.0), "x must have at least one dimension"),
    (lambda: A.softmax([1.0, 2.0], axis=3), "axis"),
])
def test_bad_input_names_the_argument(call, match):
    with pytest.raises(ValueError, match=match):
        call()


@pytest.mark.parametrize("bad", ["abc", None, [1, "a"], {"x": 1}])
def test_non_numeric_input_is_a_type_error(bad):
    with pytest.raises(TypeError, match="x must be"):
        A.sigmoid(bad)
