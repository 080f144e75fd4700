"""course_lib.activations against keras.activations / tf.nn / tf.GradientTape."""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import course_lib
from course_lib import activations as A

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
    mean = (1 / 8 + 1 / 3) / 2
    want = np.asarray(tf.nn.leaky_relu(x, alpha=mean))
    np.testing.assert_allclose(A.rrelu(x), want, rtol=3e-8)  # TF keeps the slope in float32


def test_rrelu_training_slopes_in_range_and_seeded():
    x = -np.ones((200, 50))
    y = A.rrelu(x, training=True, seed=3)
    slopes = -y
    assert slopes.min() >= 1 / 8 and slopes.max() <= 1 / 3
    assert abs(slopes.mean() - (1 / 8 + 1 / 3) / 2) < 0.01  # uniform's mean, 10 000 draws
    np.testing.assert_array_equal(y, A.rrelu(x, training=True, seed=3))
    np.testing.assert_array_equal(A.rrelu(np.abs(x), training=True, seed=3), np.abs(x))  # x >= 0 untouched
    np.testing.assert_allclose(A.derivative("rrelu", x, training=True, seed=3), slopes)


TF_GRAD = {
    "sigmoid": ({}, tf.nn.sigmoid),
    "tanh": ({}, tf.nn.tanh),
    "relu": ({}, tf.nn.relu),
    "leaky_relu": ({"negative_slope": 0.1}, lambda t: tf.nn.leaky_relu(t, 0.1)),
    "elu": ({"alpha": 0.7}, lambda t: keras.activations.elu(t, alpha=0.7)),
    "softplus": ({}, tf.nn.softplus),
    "softsign": ({}, tf.nn.softsign),
    "prelu": ({"alpha": 0.3}, lambda t: tf.where(t > 0, t, 0.3 * t)),
    "rrelu": ({}, lambda t: tf.nn.leaky_relu(t, (1 / 8 + 1 / 3) / 2)),
}


@pytest.mark.parametrize("name", sorted(TF_GRAD))
def test_derivative_matches_gradient_tape(name):
    params, fn = TF_GRAD[name]
    x = tf.constant(_random())
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = fn(x)
    want = tape.gradient(y, x).numpy()  # element-wise function: d(sum y)/dx = f'(x)
    rtol = 3e-8 if name in ("leaky_relu", "rrelu") else 1e-10  # TF keeps leaky slopes in float32
    np.testing.assert_allclose(A.derivative(name, x.numpy(), **params), want, rtol=rtol, atol=1e-12)


@pytest.mark.parametrize("params", [{}, {"negative_slope": 0.2, "threshold": 0.5}, {"max_value": 1.0}])
def test_relu_derivative_with_keras_options(params):
    x = tf.constant(_random())
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = keras.activations.relu(x, **params)
    np.testing.assert_allclose(A.derivative("relu", x.numpy(), **params), tape.gradient(y, x).numpy(), atol=1e-12)


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
    np.testing.assert_allclose(A.derivative("softmax", x.numpy()), want, atol=1e-12)


def test_softmax_other_axis_matches_tf():
    x = _random((3, 4, 5))
    np.testing.assert_allclose(A.softmax(x, axis=1), tf.nn.softmax(x, axis=1).numpy(), atol=1e-12)


def test_kink_conventions_match_tf():
    """At x = 0 our derivative is the value TensorFlow's gradient uses."""
    x = tf.constant([0.0], tf.float64)
    for name, (params, fn) in TF_GRAD.items():
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = fn(x)
        assert A.derivative(name, x.numpy(), **params)[0] == pytest.approx(tape.gradient(y, x).numpy()[0], rel=3e-8), name


@pytest.mark.parametrize("name", A.NAMES)
def test_extreme_inputs_stay_finite_without_warnings(name):
    x = np.array([-1e308, -1000.0, -50.0, 0.0, 50.0, 1000.0, 1e308])
    params = {"alpha": 0.3} if name == "prelu" else {}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y = A._apply(name, x, **params)
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
        assert np.all(A.derivative(name, x) >= 0), name
    assert np.all((A.sigmoid(x) >= 0) & (A.sigmoid(x) <= 1))
    np.testing.assert_allclose(A.sigmoid(x) + A.sigmoid(-x), 1.0, atol=1e-12)


def test_empty_and_scalar_inputs():
    assert A.sigmoid(np.zeros((0, 3))).shape == (0, 3)
    assert A.relu(-2) == 0.0
    assert float(A.tanh(0.5)) == pytest.approx(np.tanh(0.5))
    assert A.derivative("softmax", np.zeros((0, 3))).shape == (0, 3, 3)


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
    (lambda: A.softmax_temperature([1.0, 2.0], 0), "temperature"),
    (lambda: A.relu_features_fit(np.sin, 0), "n_units"),
    (lambda: A.gradient_norms("relu", 0), "depth"),
    (lambda: A.gradient_norms("softmax", 3), "activation"),
    (lambda: A.train_mlp(np.ones((4, 2)), np.ones(4), lr=-1), "lr"),
])
def test_bad_input_names_the_argument(call, match):
    with pytest.raises(ValueError, match=match):
        call()


@pytest.mark.parametrize("bad", ["abc", None, [1, "a"], {"x": 1}])
def test_non_numeric_input_is_a_type_error(bad):
    with pytest.raises(TypeError, match="x must be"):
        A.sigmoid(bad)


def test_properties_table_matches_the_notes():
    p = {n: A.properties(n) for n in A.NAMES}
    assert p["sigmoid"]["range"] == (0.0, 1.0) and not p["sigmoid"]["zero_centred"]
    assert p["tanh"]["zero_centred"] and p["tanh"]["identity_near_0"] and p["tanh"]["bounded"]
    assert p["relu"]["range"] == (0.0, np.inf) and not p["relu"]["smooth"]
    assert all(v["monotonic"] for v in p.values())
    assert p["elu"]["range"][0] == -1.0 and p["elu"]["smooth"]


def test_mlp_gradient_matches_gradient_tape():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(20, 2))
    y = (rng.random((20, 1)) > 0.5).astype(float)
    for act, fn in [("relu", tf.nn.relu), ("tanh", tf.nn.tanh), ("sigmoid", tf.nn.sigmoid)]:
        params = A.mlp_init(2, 5, seed=1)
        loss, grads, _ = A.mlp_loss_and_grads(params, X, y, act)
        tv = {k: tf.Variable(v) for k, v in params.items()}
        with tf.GradientTape() as tape:
            logits = fn(X @ tv["W1"] + tv["b1"]) @ tv["W2"] + tv["b2"]
            tl = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=y, logits=logits))
        tg = tape.gradient(tl, tv)
        assert loss == pytest.approx(float(tl), rel=1e-12)
        for k in params:
            np.testing.assert_allclose(grads[k], tg[k].numpy(), rtol=1e-9, atol=1e-12)


def test_dead_relu_story_holds():
    runs = A.dead_relu_sweep(lrs=(0.3, 10.0), epochs=20)
    assert runs[("relu", 0.3)]["dead"][-1] == 0.0
    assert runs[("relu", 10.0)]["dead"][-1] > 0.3  # a large step kills a good share of ReLUs


def test_vanishing_gradient_story_holds():
    sig = A.gradient_norms("sigmoid", 20)
    relu = A.gradient_norms("relu", 20)
    assert sig[0] / sig[-1] < 1e-6  # collapses towards the input
    assert 1e-2 < relu[0] / relu[-1] < 1e2  # ReLU keeps the same order of magnitude


def test_linear_stack_is_one_linear_map():
    assert A.linear_stack_collapse(depth=5) < 1e-10
    lin = A.relu_features_fit(np.sin, 32, activation="linear")["rmse"]
    rel = A.relu_features_fit(np.sin, 32)["rmse"]
    assert rel < 0.05 < lin


def test_relative_cost_measures_every_function():
    cost = A.relative_cost(n=20_000, repeats=3)
    assert set(cost) == set(A.NAMES) and all(np.isfinite(v) and v > 0 for v in cost.values())
