"""Chapter 03's experiments, figures and TensorFlow comparisons (course_lib.experiments/figures/reference.ch03_activations)."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course_lib import train as T  # noqa: E402
from course_lib.data import dots  # noqa: E402
from course_lib.experiments import ch03_activations as X  # noqa: E402
from course_lib.figures import ch03_activations as F  # noqa: E402
from course_lib.figures._axes import new_figure  # noqa: E402
from course_lib.nn import activations as A  # noqa: E402
from course_lib.reference import ch03_activations as R  # noqa: E402


# -- the training run: train.fit, checked against the loop written out by hand ----------------------
@pytest.mark.parametrize("activation, lr", [("relu", 0.3), ("leaky_relu", 3.0), ("tanh", 1.0)])
def test_train_classifier_is_the_hand_written_sgd_loop(activation, lr):
    x, y = dots()
    y = y.reshape(-1, 1).astype(float)
    run = X.train_classifier(x, y, activation, hidden=8, lr=lr, epochs=5, seed=3)
    p = T.init_mlp(2, 8, seed=3, init="he")
    rng = np.random.default_rng(4)
    losses = [T.mlp_loss_and_grads(p, x, y, activation=activation, loss="bce")[0]]
    for _ in range(5):
        order = rng.permutation(len(x))
        for s in range(0, len(x), 32):
            idx = order[s:s + 32]
            _, g = T.mlp_loss_and_grads(p, x[idx], y[idx], activation=activation, loss="bce")
            for k in p:
                p[k] -= lr * g[k]
        losses.append(T.mlp_loss_and_grads(p, x, y, activation=activation, loss="bce")[0])
    np.testing.assert_allclose(run["loss"], losses, rtol=1e-12)
    for k in p:
        np.testing.assert_allclose(run["params"][k], p[k], rtol=1e-12, atol=1e-14)
    z1, _, out = T.mlp_forward(p, x, activation)
    assert run["accuracy"][-1] == np.mean((out > 0) == (y > 0.5))
    assert run["dead"][-1] == np.mean(np.all(z1 <= 0, axis=0))


def test_a_diverging_run_stops_quietly_and_is_padded():
    x, y = dots()
    run = X.train_classifier(x, y, "leaky_relu", lr=20.0, epochs=40)
    assert np.isnan(run["loss"][-1]) and len(run["loss"]) == 41
    assert np.all(np.isfinite(run["loss"][:2]))


def test_dead_relu_story_holds():
    runs = X.dead_relu_sweep(lrs=(0.3, 10.0), epochs=20)
    assert runs[("relu", 0.3)]["dead"][-1] == 0.0
    assert runs[("relu", 10.0)]["dead"][-1] > 0.3  # a large step kills a good share of ReLUs


def test_zero_centred_comparison_shapes():
    curves = X.zero_centred_comparison(activations=("sigmoid", "tanh"), seeds=(0, 1), epochs=3, hidden=4)
    assert set(curves) == {"sigmoid", "tanh"} and all(c.shape == (4,) for c in curves.values())


# -- vanishing gradients: numpy back-propagation = tf.GradientTape ----------------------------------
@pytest.mark.parametrize("activation", X.ELEMENTWISE)
def test_gradient_norms_equal_gradient_tape(activation):
    ours = X.gradient_norms(activation, 6, width=8, batch=16, seed=2)
    theirs = R.gradient_norms_tf(activation, 6, width=8, batch=16, seed=2)
    rtol = 3e-7 if activation in ("leaky_relu", "rrelu") else 1e-10  # TF keeps leaky slopes in float32
    np.testing.assert_allclose(ours, theirs, rtol=rtol)


def test_gradient_norms_float32_tape_agrees_where_nothing_underflows():
    ours = X.gradient_norms("sigmoid", 10)
    theirs = R.gradient_norms_tf("sigmoid", 10, dtype="float32")
    np.testing.assert_allclose(ours, theirs, rtol=1e-4)


def test_vanishing_gradient_story_holds():
    sig = X.gradient_norms("sigmoid", 20)
    relu = X.gradient_norms("relu", 20)
    assert sig[0] / sig[-1] < 1e-6  # collapses towards the input
    assert 1e-2 < relu[0] / relu[-1] < 1e2  # ReLU keeps the same order of magnitude


def test_gradient_norm_table_is_cached():
    a = X.gradient_norm_table(max_depth=3, activations=("tanh",), width=4)
    assert a is X.gradient_norm_table(max_depth=3, activations=("tanh",), width=4)
    assert sorted(a) == [1, 2, 3] and a[3]["tanh"].shape == (3,)


# -- § 1, § 2, § 3, § 7 -----------------------------------------------------------------------------
def test_linear_stack_is_one_linear_map():
    assert X.linear_stack_collapse(depth=5) < 1e-10
    lin = X.relu_features_fit(np.sin, 32, activation="linear")["rmse"]
    rel = X.relu_features_fit(np.sin, 32)["rmse"]
    assert rel < 0.05 < lin


def test_properties_table_matches_the_notes():
    p = {n: X.properties(n) for n in A.NAMES}
    assert p["sigmoid"]["range"] == (0.0, 1.0) and not p["sigmoid"]["zero_centred"]
    assert p["tanh"]["zero_centred"] and p["tanh"]["identity_near_0"] and p["tanh"]["bounded"]
    assert p["relu"]["range"] == (0.0, np.inf) and not p["relu"]["smooth"]
    assert all(v["monotonic"] for v in p.values())
    assert p["elu"]["range"][0] == -1.0 and p["elu"]["smooth"]
    table = X.properties_table(("sigmoid", "relu"))
    assert table.splitlines()[0].split()[:2] == ["function", "range"] and "relu" in table


def test_curve_data_and_softmax_temperature():
    x, y, dy = X.curve_data("leaky_relu", 1.5, n=5)
    np.testing.assert_allclose(y, np.where(x > 0, x, 1.5 * x))
    _, s, ds = X.curve_data("softmax", n=3)
    np.testing.assert_allclose(s, A.sigmoid(np.linspace(-6, 6, 3)))
    np.testing.assert_allclose(ds, A.sigmoid_grad(np.linspace(-6, 6, 3)))
    p = X.softmax_temperature([2.0, 1.0, 0.1], 1e-3)
    np.testing.assert_allclose(p, [1, 0, 0], atol=1e-12)


def test_relative_cost_measures_every_function():
    cost = X.relative_cost(n=20_000, repeats=3)
    assert set(cost) == set(A.NAMES) and all(np.isfinite(v) and v > 0 for v in cost.values())


@pytest.mark.parametrize("call, match", [
    (lambda: X.softmax_temperature([1.0, 2.0], 0), "temperature"),
    (lambda: X.relu_features_fit(np.sin, 0), "n_units"),
    (lambda: X.gradient_norms("relu", 0), "depth"),
    (lambda: X.gradient_norms("softmax", 3), "activation"),
    (lambda: X.train_classifier(np.ones((4, 2)), np.ones(4), lr=-1), "lr"),
    (lambda: X.curve_data("tanh", lo=1.0, hi=0.0), "lo"),
])
def test_bad_input_names_the_argument(call, match):
    with pytest.raises(ValueError, match=match):
        call()


# -- the chapter's "checked against TensorFlow" table ----------------------------------------------
def test_ch03_vs_tensorflow_is_round_off():
    rows = R.ch03_vs_tensorflow(n=200)
    assert [r[0] for r in rows] == list(A.NAMES)
    for name, dv, dd in rows:
        tol = 1e-7 if name in ("leaky_relu", "rrelu") else 1e-13  # TF keeps leaky slopes in float32
        assert dv < tol and dd < tol, name


# -- figures: each draw half draws what its compute half returns ------------------------------------
def test_figures_draw():
    fig, axes = new_figure(1, 4)
    F.draw_activation(("tanh", *X.curve_data("tanh")), axes[0])
    F.draw_feature_fit({"relu": X.relu_features_fit(np.sin, 8),
                        "linear": X.relu_features_fit(np.sin, 8, activation="linear")}, axes[1])
    F.draw_gradient_norms(X.gradient_norm_table(max_depth=4)[4], axes[2])
    F.draw_softmax_bars((["a", "b"], np.array([0.3, 0.7]), 1.0), axes[3])
    fig2, axes = new_figure(1, 2)
    runs = X.dead_relu_sweep(lrs=(0.3,), epochs=2, hidden=4)
    F.draw_dead_units({"relu": runs[("relu", 0.3)], "leaky_relu": runs[("leaky_relu", 0.3)]}, axes)
    import matplotlib.pyplot as plt

    plt.close("all")
