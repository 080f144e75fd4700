"""Chapter 05: penalties against TensorFlow/Keras, the numpy dots trainer against the course's TF loop,
early stopping against Keras' callback, the capacity and remedy experiments, bad inputs."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import course_lib
from course_lib import regularization as R
from course_lib.data import dots


@pytest.fixture(scope="module")
def tf():
    return course_lib.import_tf()


@pytest.fixture(scope="module")
def keras(tf):
    import keras

    return keras


def test_public_api_exists():
    for name in R.__all__:
        assert hasattr(R, name), name


# ---------------------------------------------------------------------------- penalties


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


@settings(max_examples=30, deadline=None)
@given(w=hnp.arrays(np.float64, st.integers(1, 20), elements=st.floats(-5, 5)), t=st.floats(0, 3))
def test_soft_threshold_is_the_l1_prox(w, t):
    """soft_threshold(w, t) minimises 0.5 * (u - w)^2 + t * |u| coordinate-wise."""
    u = R.soft_threshold(w, t)
    obj = lambda v: 0.5 * (v - w) ** 2 + t * np.abs(v)
    for eps in (1e-3, -1e-3):
        assert np.all(obj(u) <= obj(u + eps) + 1e-12)
    assert np.all(np.abs(u) <= np.abs(w))


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


# ---------------------------------------------------------------------------- the dots network


def _random_params(seed, hidden=11):
    rng = np.random.default_rng(seed)
    return {"w1": rng.normal(size=(2, hidden)), "b1": rng.normal(size=hidden) * 0.1,
            "w2": rng.normal(size=(hidden, 1)), "b2": rng.normal(size=1) * 0.1}


@pytest.mark.parametrize("kind,lam", [("l2", 0.0), ("l2", 0.03), ("l1", 0.05)])
def test_gradients_match_gradient_tape(tf, kind, lam):
    x, y = dots()
    xb, yb = x[:32], y[:32].reshape(-1, 1).astype(float)
    p = _random_params(3)
    loss, grads = R.mlp_loss_and_grads(p, xb, yb, lam, kind)
    v = {k: tf.Variable(a) for k, a in p.items()}
    reg = tf.nn.l2_loss if kind == "l2" else (lambda w: tf.reduce_sum(tf.abs(w)))
    with tf.GradientTape() as tape:
        out = tf.matmul(tf.nn.relu(tf.matmul(xb, v["w1"]) + v["b1"]), v["w2"]) + v["b2"]
        tf_loss = tf.reduce_mean(tf.square(yb - out)) + lam * (reg(v["w1"]) + reg(v["w2"]))
    tg = tape.gradient(tf_loss, [v[k] for k in ("w1", "b1", "w2", "b2")])
    assert loss == pytest.approx(float(tf_loss), rel=1e-12)
    for k, g in zip(("w1", "b1", "w2", "b2"), tg):
        assert grads[k].shape == p[k].shape
        np.testing.assert_allclose(grads[k], g.numpy(), rtol=1e-10, atol=1e-12, err_msg=k)


@pytest.mark.parametrize("kind,lam,dtype,rtol", [("l2", 0.03, "float64", 1e-9), ("l2", 0.0, "float64", 1e-9),
                                                 ("l1", 0.03, "float64", 1e-9), ("l2", 0.03, "float32", 2e-4)])
def test_trajectory_matches_the_course_loop_step_for_step(tf, kind, lam, dtype, rtol):
    """Three epochs (30 SGD steps, a short last batch each epoch) of ours against the course's TF loop."""
    x, y = dots()
    init = {k: tf.random.stateless_normal(s, seed=[7, i], dtype=tf.float64).numpy()
            for i, (k, s) in enumerate((("w1", (2, 11)), ("w2", (11, 1))))}
    init.update(b1=np.full(11, 0.01), b2=np.full(1, 0.01))
    ref = R.tf_course_loop(x, y, init, lam=lam, kind=kind, epochs=3, dtype=dtype)
    ours = R.train_mlp(x, y, init=init, lam=lam, kind=kind, epochs=3, dtype=getattr(np, dtype))
    np.testing.assert_allclose(ours.loss[0], ref["loss"], rtol=rtol)
    for k in ("w1", "b1", "w2", "b2"):
        np.testing.assert_allclose(getattr(ours, k)[0], ref[k], rtol=rtol, atol=rtol * 1e-2, err_msg=k)


def test_batched_runs_equal_single_runs():
    x, y = dots()
    many = R.train_mlp(x, y, lam=[0.0, 0.03, 0.1], seed=[1, 2, 3], epochs=5)
    for k, (lam, seed) in enumerate([(0.0, 1), (0.03, 2), (0.1, 3)]):
        one = R.train_mlp(x, y, lam=lam, seed=seed, epochs=5)
        np.testing.assert_allclose(many.w1[k], one.w1[0], rtol=1e-10)
        np.testing.assert_allclose(many.loss[k], one.loss[0], rtol=1e-10)


def test_init_follows_the_course_scheme():
    p = R.init_mlp(5)
    assert p["w1"].shape == (2, 11) and p["w2"].shape == (11, 1)
    np.testing.assert_array_equal(p["b1"], np.full(11, 0.01))
    np.testing.assert_array_equal(p["b2"], [0.01])
    rng = np.random.default_rng(5)
    np.testing.assert_array_equal(p["w1"], rng.standard_normal((2, 11)))  # w1 first, then w2
    np.testing.assert_array_equal(p["w2"], rng.standard_normal((11, 1)))
    w = np.concatenate([R.init_mlp(s)["w1"].ravel() for s in range(300)])
    assert abs(w.mean()) < 0.05 and abs(w.std() - 1) < 0.05  # N(0, 1), like tf.random.normal


def test_proximal_l1_gives_exact_zeros_and_subgradient_does_not():
    x, y = dots()
    sub = R.train_mlp(x, y, lam=0.03, kind="l1", epochs=150)
    prox = R.train_mlp(x, y, lam=0.03, kind="l1", proximal=True, epochs=150)
    l2 = R.train_mlp(x, y, lam=0.03, kind="l2", epochs=150)
    assert R.weight_stats(sub.weights())["exact"] == 0
    assert R.weight_stats(sub.weights())["near"] > R.weight_stats(l2.weights())["near"]
    assert R.weight_stats(prox.weights())["exact"] > 5


def test_course_experiment_cached_and_consistent():
    runs = R.dots_grid("l2")
    assert len(runs) == len(R.LAMBDAS) * len(R.GRID_SEEDS)
    assert R.dots_grid("l2") is runs  # cached: sliders never retrain
    assert not runs.loss.flags.writeable
    x, y = dots()
    acc = runs.accuracy(x, y).reshape(len(R.LAMBDAS), -1)
    assert np.all(acc[0] > 0.9)  # the course's network fits the circle
    assert np.all(acc[-1] < acc[0])  # a large λ under-fits
    view = R.dots_view(0.03)
    assert view["probs"].shape == (2, 60, 60)
    rows = R.course_loss_table()
    assert [r[0] for r in rows] == list(range(0, 400, 20))
    assert rows[0][2] == 1.6902 and rows[-1][4] == 0.12349 and rows[1][2] is None
    # the penalty keeps the L2 run's loss above the unregularised one
    assert rows[-1][3] > rows[-1][1]
    table = R.format_table(rows, ["epoch", "a", "b", "c", "d"])
    assert table.count("\n") == len(rows) + 1


def test_seed_spread_brackets_the_course_without_l2():
    s = R.seed_spread(n_seeds=8)
    assert s["no_l2"]["epoch0"].shape == (8,)
    assert np.all(s["l2"]["epoch380"] > s["no_l2"]["epoch380"])


def test_grid_lookup_rejects_values_not_precomputed():
    with pytest.raises(ValueError, match="lam"):
        R.dots_view(0.05)
    with pytest.raises(ValueError, match="seed"):
        R.dots_view(0.03, seed=7)
    with pytest.raises(ValueError, match="kind"):
        R.dots_view(0.03, kind="l0")


def test_trainer_bad_inputs_name_the_argument():
    x, y = dots()
    with pytest.raises(ValueError, match="lr"):
        R.train_mlp(x, y, lr=0)
    with pytest.raises(ValueError, match="hidden"):
        R.train_mlp(x, y, hidden=0)
    with pytest.raises(ValueError, match="batch_size"):
        R.train_mlp(x, y, batch_size=0)
    with pytest.raises(ValueError, match="epochs"):
        R.train_mlp(x, y, epochs=0)
    with pytest.raises(ValueError, match="lam"):
        R.train_mlp(x, y, lam=[-1.0])
    with pytest.raises(ValueError, match="seed"):
        R.train_mlp(x, y, seed=-3)
    with pytest.raises(ValueError, match="lam and seed"):
        R.train_mlp(x, y, lam=[0.0, 0.1], seed=[1, 2, 3])
    with pytest.raises(ValueError, match="y"):
        R.train_mlp(x, y[:10])
    with pytest.raises(ValueError, match="x"):
        R.train_mlp(x[:, 0], y)
    with pytest.raises(ValueError, match="proximal"):
        R.train_mlp(x, y, proximal=True)
    with pytest.raises(ValueError, match="x_val"):
        R.train_mlp(x, y, x_val=x)
    with pytest.raises(ValueError, match="dtype"):
        R.train_mlp(x, y, dtype=np.float16)
    with pytest.raises(ValueError, match="params"):
        R.mlp_loss_and_grads({"w1": np.ones((2, 3))}, x, y)
    with pytest.raises(ValueError, match="init"):
        R.train_mlp(x, y, init={"w1": np.ones((3, 4)), "b1": np.ones(4), "w2": np.ones((4, 1)), "b2": np.ones(1)})


# ---------------------------------------------------------------------------- early stopping


def _keras_stop(keras, losses, patience, min_delta):
    cb = keras.callbacks.EarlyStopping(monitor="val_loss", patience=patience, min_delta=min_delta)
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    cb.set_model(model)
    model.stop_training = False
    cb.on_train_begin()
    for epoch, v in enumerate(losses):
        cb.on_epoch_end(epoch, {"val_loss": float(v)})
        if model.stop_training:
            return epoch, cb.best_epoch
    return None, cb.best_epoch


@settings(max_examples=25, deadline=None)
@given(losses=st.lists(st.floats(0, 1, allow_nan=False), min_size=1, max_size=30),
       patience=st.integers(0, 6), min_delta=st.sampled_from([0.0, 0.05]))
def test_early_stopping_matches_keras_callback(keras, losses, patience, min_delta):
    assert R.early_stopping_epoch(losses, patience, min_delta) == _keras_stop(keras, losses, patience, min_delta)


def test_early_stopping_hand_worked():
    v = [5, 4, 3, 3.5, 3.2, 3.1, 3.3, 2.0]
    assert R.early_stopping_epoch(v, patience=3) == (5, 2)  # best at 2, three epochs without improvement
    assert R.early_stopping_epoch(v, patience=5) == (None, 7)
    with pytest.raises(ValueError, match="patience"):
        R.early_stopping_epoch(v, patience=-1)
    with pytest.raises(ValueError, match="min_delta"):
        R.early_stopping_epoch(v, min_delta=-0.1)
    with pytest.raises(ValueError, match="val_loss"):
        R.early_stopping_epoch([])
    with pytest.raises(ValueError, match="val_loss"):
        R.early_stopping_epoch([1.0, np.nan])


def test_early_stopping_view_is_a_free_lunch():
    d = R.early_stopping_view(20)
    assert d["stopped"] is not None and d["epochs_run"] < d["epochs"] / 2
    assert d["val_best"] < d["val_end"]  # stopping early generalises better, with fewer epochs
    assert d["train_mse"][-1] < d["train_mse"][d["best"]]  # while training error keeps falling
    with pytest.raises(ValueError, match="seed"):
        R.early_stopping_view(20, seed=1)
    with pytest.raises(ValueError, match="n_train"):
        R.noisy_dots(n_train=300)
    with pytest.raises(ValueError, match="flip"):
        R.noisy_dots(flip=1.5)


# ---------------------------------------------------------------------------- capacity and remedies


def test_ridge_fit_solves_its_normal_equations():
    x, y = R.poly_data(20, 0.2, 3)
    c0 = R.ridge_fit(x, y, 5)
    np.testing.assert_allclose(c0, np.linalg.lstsq(R.poly_features(x, 5), y, rcond=None)[0])
    c = R.ridge_fit(x, y, 9, 0.01)
    P = R.poly_features(x, 9)
    grad = 2 / len(x) * P.T @ (P @ c - y) + 0.01 * c  # d/dc [mse + lam * l2_loss(c)]
    np.testing.assert_allclose(grad, 0, atol=1e-10)
    np.testing.assert_allclose(R.poly_predict(c, x), P @ c)


def test_capacity_curve_is_u_shaped():
    c = R.capacity_curve()
    assert np.all(np.diff(c["train_mse"]) <= 1e-12)  # nested models: training error never rises
    b = c["best_degree"]
    assert 2 < b < 10
    assert c["val_mse"][0] > c["val_mse"][b] < c["val_mse"][-1]
    assert c["val_mse"][-1] > 100 * c["val_mse"][b]
    noiseless = R.capacity_curve(noise=0.0)
    assert noiseless["best_degree"] >= 10  # without noise there is nothing to over-fit


def test_poly_data_shares_draws_across_noise():
    x1, y1 = R.poly_data(15, 0.1)
    x2, y2 = R.poly_data(15, 0.3)
    np.testing.assert_array_equal(x1, x2)
    np.testing.assert_allclose(y2 - R.target_function(x2), 3 * (y1 - R.target_function(x1)))
    assert np.all(np.diff(x1) > 0) and x1.min() >= -1 and x1.max() <= 1
    with pytest.raises(ValueError, match="noise"):
        R.poly_data(15, -0.1)
    with pytest.raises(ValueError, match="n"):
        R.poly_data(0)
    with pytest.raises(ValueError, match="degree"):
        R.poly_features(x1, -1)
    with pytest.raises(ValueError, match="degree"):
        R.poly_view(degree=15)


def test_every_remedy_helps():
    items = R.remedies()
    assert [r["remedy"] for r in items] == ["more features", "more parameters", "less regularisation",
                                            "cleaning data", "more data", "regularisation", "stronger regularisation"]
    for r in items:
        if r["problem"] == "under-fitting":
            better = r["train"][1] > r["train"][0] if r["metric"] == "train accuracy" else r["train"][1] < r["train"][0]
        else:
            better = r["val"][1] < r["val"][0]
        assert better, r["remedy"]


def test_lambda_curve_and_select_lambda_agree():
    d = R.lambda_curve()
    assert d["val_mse"][0] > d["val_mse"].min() < d["val_mse"][-1]  # U-shaped in λ as well
    x, y = R.poly_data(15, 0.2, course_lib.SEED, 0)
    xv, yv = R.poly_data(200, 0.2, course_lib.SEED, 1)
    assert R.select_lambda(d["lams"], x, y, xv, yv, 12) == pytest.approx(d["best"])
    assert R.select_lambda([0.5, 0.5], x, y, xv, yv, 3) == 0.5
    with pytest.raises(ValueError, match="lams"):
        R.select_lambda([-1.0], x, y, xv, yv, 3)


def test_l1_l2_view_and_geometry():
    v = R.l1_l2_view(0.03)
    assert v["stats"]["L2"]["exact"] == 0
    assert v["stats"]["L1 (proximal)"]["exact"] > v["stats"]["L2"]["near"]
    assert v["stats"]["L1 (SGD)"]["near"] > v["stats"]["L2"]["near"]
    g = R.constraint_geometry(1.0)
    o1, o2 = g["l1"]["optimum"], g["l2"]["optimum"]
    assert np.min(np.abs(o1)) == 0 and np.abs(o1).sum() == pytest.approx(1.0)  # a corner of the diamond
    assert np.min(np.abs(o2)) > 0.1 and np.hypot(*o2) == pytest.approx(1.0)
    inside = R.constraint_geometry(5.0)
    np.testing.assert_allclose(inside["l1"]["optimum"], inside["center"])
    with pytest.raises(ValueError, match="budget"):
        R.constraint_geometry(0.0)
    with pytest.raises(ValueError, match="center"):
        R.constraint_geometry(1.0, center=(1.0,))
    with pytest.raises(ValueError, match="tol"):
        R.weight_stats([1.0], tol=0)
