"""Chapter 03's experiments, figures and TensorFlow comparisons (course_lib.experiments/figures/reference.ch03_activations)."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import course_lib  # noqa: E402
from course_lib import train as T  # noqa: E402
from course_lib.data import dots  # noqa: E402
from course_lib.experiments import ch03_activations as X  # noqa: E402
from course_lib.figures import ch03_activations as F  # noqa: E402
from course_lib.nn import activations as A  # noqa: E402
from course_lib.reference import ch03_activations as R  # noqa: E402


def _xy():
    x, y = dots()
    return x, y.reshape(-1, 1).astype(float)


# -- the training runs: train_classifier is train.fit; train_many equals it --------------------------
@pytest.mark.parametrize("activation, lr", [("relu", 0.3), ("leaky_relu", 3.0), ("tanh", 1.0)])
def test_train_classifier_is_the_hand_written_sgd_loop(activation, lr):
    x, y = _xy()
    run = X.train_classifier(x, y, activation, hidden=8, lr=lr, epochs=5, seed=3)
    p = T.init_mlp(2, 8, seed=3, init="normal", bias=0.01)
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


@pytest.mark.parametrize("activation", ["relu", "leaky_relu", "tanh", "sigmoid"])
def test_train_many_equals_train_fit(activation):
    x, y = _xy()
    runs = [(0.3, 0), (3.0, 1), (1.0, 1)]
    inits = [T.init_mlp(2, 11, 1, seed=s, init="normal", bias=0.01) for _, s in runs]
    seen = []
    fast = X.train_many(x, y, activation, inits, [r[0] for r in runs], [r[1] for r in runs], 6,
                        on_epoch_end=lambda e, p: seen.append(e))
    assert seen == [-1, 0, 1, 2, 3, 4, 5]
    for k, (lr, s) in enumerate(runs):
        ref = X.train_classifier(x, y, activation, lr=lr, epochs=6, seed=s)["params"]
        for name in ref:
            np.testing.assert_allclose(fast[name][k].reshape(ref[name].shape), ref[name], rtol=1e-9, atol=1e-11)


def test_train_many_trains_the_variants_by_their_derivative():
    """A variant trains with its own (f, f'): σ − ½ runs like σ with the read-out bias moved."""
    x, y = _xy()
    init = T.init_mlp(2, 5, 1, seed=0, init="normal", bias=0.01)
    a = X.train_many(x, y, "sigmoid - 1/2", [init], [1.0], [0], 1)
    b = X.train_many(x, y, X.VARIANTS["sigmoid - 1/2"], [init], [1.0], [0], 1)
    for k in a:
        np.testing.assert_array_equal(a[k], b[k])


@pytest.mark.parametrize("name", sorted(X.VARIANTS))
def test_variants_derivatives_are_their_slopes(name):
    f, df = X.VARIANTS[name]
    x = np.linspace(-6, 6, 241)
    h = 1e-6
    np.testing.assert_allclose(df(x), (f(x + h) - f(x - h)) / (2 * h), rtol=1e-6, atol=1e-9)


def test_variants_are_what_their_names_say():
    x = np.linspace(-5, 5, 101)
    np.testing.assert_allclose(X.two_sigmoid_2x(x), np.tanh(x) + 1, atol=1e-15)
    np.testing.assert_allclose(X.centred_sigmoid(x), 2 * np.tanh(x / 2), atol=1e-15)
    assert X.centred_sigmoid(0.0) == 0 and X.centred_sigmoid_grad(0.0) == 1
    np.testing.assert_allclose(X.sigmoid_minus_half(x), A.sigmoid(x) - 0.5)


def test_lr_sweep_measures_what_it_says():
    sweep = X.lr_sweep(arms=(("relu", "normal"), ("leaky_relu", "normal")), lrs=(0.3, 3.0), seeds=(0, 1), epochs=6)
    relu, leaky = sweep[("relu", "normal")], sweep[("leaky_relu", "normal")]
    assert relu["loss"].shape == (2, 2, len([e for e in X.RECORDED if e <= 6]) + 1)
    assert relu["test_accuracy"].shape == (2, 2) and np.all(relu["finite"])
    assert np.all(leaky["dead"] == 0)  # Leaky ReLU's derivative is never 0
    assert np.all(relu["dead"] <= relu["negative"])  # a dead ReLU unit is negative on every sample
    np.testing.assert_array_equal(relu["dead"], relu["negative"])  # ...and for ReLU the two are the same
    assert np.all(leaky["zeros"] == 0) and np.all((relu["zeros"][..., 0] > 0.3) & (relu["zeros"][..., 0] < 0.7))
    run = X.train_classifier(*_xy(), "relu", lr=3.0, epochs=6, seed=1)
    assert relu["loss"][1, 1, -1] == pytest.approx(run["loss"][-1], rel=1e-9)
    xt, yt = X.held_out()
    _, _, out = T.mlp_forward(run["params"], xt, "relu")
    assert relu["test_accuracy"][1, 1] == np.mean((out > 0) == (yt > 0.5))


def test_live_zeros_split_the_exact_zeros():
    sweep = X.lr_sweep(arms=(("relu", "normal"), ("leaky_relu", "normal")), lrs=(5.0,), seeds=(0, 1), epochs=5)
    facts = X.dead_relu_facts(sweep)
    r = sweep[("relu", "normal")]
    zeros, dead = r["zeros"][0, :, 1], r["dead"][0, :, -1]
    assert np.any(dead > 0)
    assert facts[("relu", "normal")]["live_zeros"][0] == pytest.approx(np.mean((zeros - dead) / (1 - dead)))
    p = X.train_classifier(*_xy(), "relu", lr=5.0, epochs=5, seed=1)["params"]  # count by hand for seed 1
    z1 = _xy()[0] @ p["W1"] + p["b1"]
    alive = ~np.all(z1 <= 0, axis=0)
    assert np.mean(z1[:, alive] <= 0) == pytest.approx((zeros[1] - dead[1]) / (1 - dead[1]))
    assert facts[("leaky_relu", "normal")]["live_zeros"][0] == 0


def test_dead_relu_story_holds():
    facts = X.dead_relu_facts()
    relu, leaky = facts[("relu", "normal")], facts[("leaky_relu", "normal")]
    assert relu["dead"][0] == 0 and relu["dead"][-1] > 0.03 and relu["never_revive"]
    assert np.all(leaky["dead"] == 0) and leaky["accuracy"][-1] < relu["accuracy"][-1] - 0.05
    assert all(facts[a]["finite"] for a in facts if isinstance(a, tuple))
    assert "leaky_relu (normal) acc" in X.dead_relu_table()


def test_zero_centring_runs_shapes_and_story():
    runs = X.zero_centring_runs()
    med = {a: np.median(L, axis=0) for a, L in runs.items()}
    assert all(L.shape == (8, 41) for L in runs.values())
    assert med["tanh"][30] < med["sigmoid"][30]  # tanh is faster than sigmoid ...
    assert med["2 sigmoid(2x)"][30] <= med["tanh"][30]  # ... but not because it is centred


def test_zero_centring_grid_makes_the_same_runs():
    grid = X.zero_centring_grid((0.3, 3.0), seeds=(0, 1), epochs=3, activations=("sigmoid", "relu"))
    for lr in (0.3, 3.0):
        one = X.zero_centring_runs(lr, seeds=(0, 1), epochs=3, activations=("sigmoid", "relu"))
        assert set(grid[lr]) == {"sigmoid", "relu"}
        for a in one:
            np.testing.assert_allclose(grid[lr][a], one[a], rtol=1e-12)
    run = X.train_classifier(*_xy(), "relu", lr=3.0, epochs=3, seed=1)
    np.testing.assert_allclose(grid[3.0]["relu"][1], run["loss"], rtol=1e-9)


def test_output_range_table_verdicts():
    facts = X.output_range_facts(lrs=(1.0, 100.0), activations=("tanh", "relu"), seeds=(0, 1))
    assert facts["tanh"]["bounded"] and not facts["relu"]["bounded"]
    assert np.all(facts["tanh"]["max_abs_h"] <= 1) and list(facts["relu"]["blew_up"]) == [False, True]
    assert facts["relu"]["loss"].shape == facts["relu"]["accuracy"].shape == (2, 2)
    run = X.train_classifier(*_xy(), "tanh", lr=1.0, epochs=40, seed=1)
    assert facts["tanh"]["loss"][0, 1] == pytest.approx(run["loss"][-1], rel=1e-9)
    table = X.output_range_table(facts=facts)
    assert table == X.output_range_table(lrs=(1.0, 100.0), activations=("tanh", "relu"), seeds=(0, 1))
    tanh_row, relu_row = table.splitlines()[2:4]
    loss = facts["tanh"]["loss"][0]
    assert tanh_row.split()[2:5] == ["1", "1", f"{np.median(loss):.3f}"]
    assert tanh_row.split()[-1] == f"{facts['tanh']['accuracy'][0].min():.3f}"
    assert relu_row.split()[3:5] == ["blew", "up"]
    with pytest.raises(TypeError, match="facts"):
        X.output_range_table(facts={"tanh": 1})


# -- vanishing gradients: numpy back-propagation = tf.GradientTape = Keras ------------------------------
@pytest.mark.parametrize("activation", X.ELEMENTWISE)
def test_gradient_norms_equal_gradient_tape(activation):
    ours = X.gradient_norms(activation, 6, width=8, batch=16, seed=2, gain=1.3)
    theirs = R.gradient_norms_tf(activation, 6, width=8, batch=16, seed=2, gain=1.3)
    rtol = 3e-7 if activation in ("leaky_relu", "rrelu") else 1e-10  # TF keeps leaky slopes in float32
    np.testing.assert_allclose(ours, theirs, rtol=rtol)


def test_gradient_norms_equal_a_keras_sequential_model():
    """What the lesson's visible cell does: Dense layers with activation="tanh", weights from deep_net."""
    tf = course_lib.import_tf()
    import keras

    x, Ws, v, t = X.deep_net(5, 8, 16)
    model = keras.Sequential([keras.Input((8,))] + [keras.layers.Dense(8, activation="tanh", use_bias=False)
                                                    for _ in range(5)] + [keras.layers.Dense(1, use_bias=False)])
    model.set_weights(Ws + [v])
    with tf.GradientTape() as tape:
        loss = keras.losses.MeanSquaredError()(t, model(x))
    grads = tape.gradient(loss, model.trainable_weights)
    np.testing.assert_allclose([float(tf.norm(g)) for g in grads[:5]], X.gradient_norms("tanh", 5, 8, 16), rtol=1e-5)


def test_gradient_norms_take_a_pair_of_functions():
    np.testing.assert_array_equal(X.gradient_norms((A.tanh, A.tanh_grad), 4), X.gradient_norms("tanh", 4))
    with pytest.raises(TypeError, match="activation"):
        X.gradient_norms((A.tanh, "x"), 4)


def test_vanishing_story_holds():
    _, nums = X.vanishing_table(depth=10)
    ratio = {k: f / last for k, (f, last) in nums.items()}
    assert all(ratio[("sigmoid", g)] < 1e-2 for g in (0.5, 1.0, 2.0, 4.0))  # vanishes at every scale
    assert 0.1 < ratio[("tanh", 1.0)] < 10  # tanh at Glorot scale does not
    assert ratio[("tanh", 4.0)] > 10  # ... and explodes at 4x
    assert ratio[("sigmoid", 4.0)] > 0.25 ** 9  # 0.25^n bounds the derivative factors, not the gradient
    assert nums[("relu", 1.0)][1] < 0.1 < nums[("relu", 2 ** 0.5)][1]  # ReLU's level: Glorot low, He ~1


def test_vanishing_view_is_cached_and_fits_the_figure():
    a = X.vanishing_view(12, "0.5 x Glorot")
    assert a is X.vanishing_view(12, "0.5 x Glorot")
    lo, hi = F.GRADIENT_LIMITS
    for d in (2, 12):
        for init in X.INIT_SCALES:
            for g in X.vanishing_view(d, init).values():
                assert lo / 10 < g.min() and g.max() < hi


# -- § 1, § 2, § 3, § 8 -------------------------------------------------------------------------------
def test_linear_stack_is_one_linear_map():
    assert X.linear_stack_collapse(depth=5) < 1e-10
    lin = X.relu_features_fit(np.sin, 32, activation="linear")["rmse"]
    rel = X.relu_features_fit(np.sin, 32)["rmse"]
    assert rel < 0.05 < lin


def test_square_units_fit_no_better_than_a_quadratic():
    """x² is non-linear, but units (w x + b)² only span 1, x, x²: the best quadratic, whatever the width."""
    x = np.linspace(-np.pi, np.pi, 200)
    quad = np.polyval(np.polyfit(x, np.exp(x / 2), 2), x)
    best = float(np.sqrt(np.mean((quad - np.exp(x / 2)) ** 2)))
    for n in (3, 16, 64):
        assert X.relu_features_fit(lambda v: np.exp(v / 2), n, activation="square")["rmse"] == pytest.approx(best, rel=1e-6)
    # sin is odd: on a symmetric grid its best quadratic is its best straight line
    assert X.relu_features_fit(np.sin, 64, activation="square")["rmse"] == pytest.approx(
        X.relu_features_fit(np.sin, 64, activation="linear")["rmse"], rel=1e-9)


def test_properties_table_matches_the_notes():
    p = {n: X.properties(n) for n in A.NAMES}
    assert p["sigmoid"]["range"] == (0.0, 1.0) and p["sigmoid"]["attained"] == (False, False)
    assert p["tanh"]["zero_centred"] and p["tanh"]["identity_near_0"] and p["tanh"]["attained"] == (False, False)
    assert p["relu"]["range"] == (0.0, np.inf) and p["relu"]["attained"][0] and not p["relu"]["smooth"]
    assert all(v["monotonic"] for v in p.values())
    assert p["elu"]["range"][0] == -1.0 and p["elu"]["smooth"]
    lines = X.properties_table(("sigmoid", "relu")).splitlines()
    assert "(0, 1)" in lines[2] and "[0, inf)" in lines[3]


def test_convexity_check():
    cv = X.convexity_check()
    assert not cv["mse_convex_here"] and cv["bce_convex_here"]
    np.testing.assert_allclose(cv["mse"], (1 - A.sigmoid(np.array(cv["w"]))) ** 2)
    np.testing.assert_allclose(cv["bce"], -np.log(A.sigmoid(np.array(cv["w"]))))
    with pytest.raises(ValueError, match="w"):
        X.convexity_check(w=(0.0, 1.0, 3.0))


def test_cost_table():
    lines = X.cost_table(fan_ins=(2, 784), names=("relu", "sigmoid")).splitlines()
    assert lines[2].split() == ["relu", "0", "1", "20.0%", "0.1%"] and lines[3].split()[:3] == ["sigmoid", "1", "3"]


def test_curve_data_and_softmax_temperature():
    x, y, dy = X.curve_data("leaky_relu", 1.5, n=5)
    np.testing.assert_allclose(y, np.where(x > 0, x, 1.5 * x))
    _, s, ds = X.curve_data("softmax", n=3)
    np.testing.assert_allclose(s, A.sigmoid(np.linspace(-6, 6, 3)))
    np.testing.assert_allclose(ds, A.sigmoid_grad(np.linspace(-6, 6, 3)))
    p = X.softmax_temperature([2.0, 1.0, 0.1], 1e-3)
    np.testing.assert_allclose(p, [1, 0, 0], atol=1e-12)


@pytest.mark.parametrize("call, match", [
    (lambda: X.softmax_temperature([1.0, 2.0], 0), "temperature"),
    (lambda: X.relu_features_fit(np.sin, 0), "n_units"),
    (lambda: X.gradient_norms("relu", 0), "depth"),
    (lambda: X.gradient_norms("softmax", 3), "activation"),
    (lambda: X.train_classifier(np.ones((4, 2)), np.ones(4), lr=-1), "lr"),
    (lambda: X.curve_data("tanh", lo=1.0, hi=0.0), "lo"),
    (lambda: X.train_many(*_xy(), "relu", [T.init_mlp(2, 3)], [0.1, 0.2], [0], 1), "lrs"),
    (lambda: X.lr_sweep(arms=(("relu", "xavier"),)), "arms"),
])
def test_bad_input_names_the_argument(call, match):
    with pytest.raises(ValueError, match=match):
        call()


# -- reference: the chapter's "checked against TensorFlow" table, timings ------------------------------
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_ch03_vs_tensorflow_is_round_off(dtype):
    rows = R.ch03_vs_tensorflow(n=200, dtype=dtype)
    assert [r[0] for r in rows] == list(A.NAMES)
    for name, dv, dd in rows:
        tol = 1e-6 if dtype == "float32" else 1e-7 if name in ("leaky_relu", "rrelu") else 1e-13
        assert dv < tol and dd < tol, name


def test_timings_measure_every_function():
    t = R.activation_timings(names=("relu", "sigmoid"), n=1000, repeats=2)
    assert set(t) == {"relu", "sigmoid"} and all(a > 0 and b > 0 for a, b in t.values())
    d = R.dense_layer_timings(fan_in=8, units=4, batch=2, names=("tanh",), repeats=2)
    assert set(d) == {"matmul", "tanh"} and all(v > 0 for v in d.values())


# -- figures: each draw half draws what its compute half returns ----------------------------------------
def test_figures_draw():
    fig, axes = plt.subplots(1, 4)
    F.draw_activation(("tanh", *X.curve_data("tanh")), axes[0])
    F.draw_feature_fit({"relu": X.relu_features_fit(np.sin, 8),
                        "linear": X.relu_features_fit(np.sin, 8, activation="linear")}, axes[1])
    F.draw_gradient_norms(X.vanishing_view(4), axes[2])
    F.draw_softmax_bars((["a", "b"], np.array([0.3, 0.7]), 1.0), axes[3])
    fig2, axes2 = plt.subplots(1, 2)
    F.draw_dead_relu(X.lr_sweep(arms=(("relu", "normal"),), lrs=(0.3, 1.0), seeds=(0,), epochs=2), axes2)
    fig3, axes3 = plt.subplots(1, 2)
    F.draw_zero_centring(X.zero_centring_runs(seeds=(0,), epochs=2), axes3)
    assert axes2[1].get_title().startswith("dead units") and axes3[0].get_title() == "slope 1/4 at 0"
    plt.close("all")
