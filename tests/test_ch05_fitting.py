"""Chapter 05: the vectorised dots trainer against train.fit and the course's TF loop, early stopping against
Keras' callback, the capacity, remedy, L1/L2 and early-stopping experiments, the reference tables, bad inputs."""

import numpy as np
import pytest

import course_lib
from course_lib import data, train
from course_lib.experiments import ch05_dots_runs as K
from course_lib.experiments import ch05_fitting as X
from course_lib.nn import optimizers as O
from course_lib.nn import regularizers as R
from course_lib.nn.callbacks import early_stopping_epoch
from course_lib.reference import ch05_fitting as REF
from course_lib.reference import replay_callback
from course_lib.tables import format_table


@pytest.fixture(scope="module")
def tf():
    return course_lib.import_tf()


@pytest.fixture(scope="module")
def keras(tf):
    import keras

    return keras


def test_public_api_exists():
    for mod in (K, X, REF):
        for name in mod.__all__:
            assert hasattr(mod, name), (mod.__name__, name)


# ---------------------------------------------------------------------------- the vectorised trainer


def _course_init(seed, hidden=11):
    return train.init_mlp(2, hidden, seed=seed, init="normal", bias=0.01)


@pytest.mark.parametrize("kind,lam", [("l2", 0.0), ("l2", 0.03), ("l1", 0.05)])
def test_vectorised_trainer_equals_train_fit(kind, lam):
    """K = 1: the fast kernel and the readable loop (train.fit + mlp_loss_and_grads + SGD) agree to round-off."""
    x, y = data.dots()
    y = y.reshape(-1, 1).astype(float)
    params = _course_init(3)
    fast = K.train_mlp(x, y, init=params, lam=lam, kind=kind, epochs=5)
    losses = train.fit(params, lambda p, xb, yb: train.mlp_loss_and_grads(p, xb, yb, lam=lam, kind=kind),
                       train.minibatches(x, y, 32), O.SGD(0.01), epochs=5)
    np.testing.assert_allclose(fast.loss[0], losses, rtol=1e-10)
    for k in ("W1", "b1", "W2", "b2"):
        np.testing.assert_allclose(getattr(fast, k)[0], params[k], rtol=1e-9, atol=1e-12, err_msg=k)


def test_proximal_trainer_equals_a_readable_ista_loop():
    """L1 with the proximal step: a gradient step of the MSE, then nn.regularizers.soft_threshold."""
    x, y = data.dots()
    y = y.reshape(-1, 1).astype(float)
    lam, lr = 0.03, 0.01
    params = _course_init(5)
    fast = K.train_mlp(x, y, init=params, lam=lam, kind="l1", proximal=True, epochs=4)
    p = {k: v.copy() for k, v in params.items()}
    for _ in range(4):
        for xb, yb in train.minibatches(x, y, 32)(0):
            _, g = train.mlp_loss_and_grads(p, xb, yb)
            for k in p:
                p[k] -= lr * g[k]
            for k in ("W1", "W2"):
                p[k] = R.soft_threshold(p[k], lr * lam)
    for k in p:
        np.testing.assert_allclose(getattr(fast, k)[0], p[k], rtol=1e-9, atol=1e-12, err_msg=k)


@pytest.mark.parametrize("kind,lam,dtype,rtol", [("l2", 0.03, "float64", 1e-9), ("l2", 0.0, "float64", 1e-9),
                                                 ("l1", 0.03, "float64", 1e-9), ("l2", 0.03, "float32", 2e-4)])
def test_trajectory_matches_the_course_loop_step_for_step(tf, kind, lam, dtype, rtol):
    """Three epochs (30 SGD steps, a short last batch each epoch) of ours against the course's TF loop."""
    x, y = data.dots()
    init = {k: tf.random.stateless_normal(s, seed=[7, i], dtype=tf.float64).numpy()
            for i, (k, s) in enumerate((("W1", (2, 11)), ("W2", (11, 1))))}
    init.update(b1=np.full(11, 0.01), b2=np.full(1, 0.01))
    ref = REF.tf_course_loop(x, y, init, lam=lam, kind=kind, epochs=3, dtype=dtype)
    ours = K.train_mlp(x, y, init=init, lam=lam, kind=kind, epochs=3, dtype=getattr(np, dtype))
    np.testing.assert_allclose(ours.loss[0], ref["loss"], rtol=rtol)
    for k in ("W1", "b1", "W2", "b2"):
        np.testing.assert_allclose(getattr(ours, k)[0], ref[k], rtol=rtol, atol=rtol * 1e-2, err_msg=k)


def test_batched_runs_equal_single_runs():
    x, y = data.dots()
    many = K.train_mlp(x, y, lam=[0.0, 0.03, 0.1], seed=[1, 2, 3], epochs=5)
    for k, (lam, seed) in enumerate([(0.0, 1), (0.03, 2), (0.1, 3)]):
        one = K.train_mlp(x, y, lam=lam, seed=seed, epochs=5)
        np.testing.assert_allclose(many.W1[k], one.W1[0], rtol=1e-10)
        np.testing.assert_allclose(many.loss[k], one.loss[0], rtol=1e-10)


def test_seeded_runs_start_from_the_course_scheme():
    """seed=s starts from train.init_mlp(seed=s, init="normal", bias=0.01): weights N(0, 1), biases 0.01."""
    x, y = data.dots()
    a = K.train_mlp(x, y, seed=5, epochs=2)
    b = K.train_mlp(x, y, init=_course_init(5), epochs=2)
    np.testing.assert_array_equal(a.W1, b.W1)
    p = _course_init(5)
    np.testing.assert_array_equal(p["b1"], np.full(11, 0.01))
    rng = np.random.default_rng(5)
    np.testing.assert_array_equal(p["W1"], rng.standard_normal((2, 11)))  # W1 first, then W2
    np.testing.assert_array_equal(p["W2"], rng.standard_normal((11, 1)))


def test_proximal_l1_gives_exact_zeros_and_subgradient_does_not():
    x, y = data.dots()
    sub = K.train_mlp(x, y, lam=0.03, kind="l1", epochs=150)
    prox = K.train_mlp(x, y, lam=0.03, kind="l1", proximal=True, epochs=150)
    l2 = K.train_mlp(x, y, lam=0.03, kind="l2", epochs=150)
    assert X.weight_stats(sub.weights())["exact"] == 0
    assert X.weight_stats(sub.weights())["near"] > X.weight_stats(l2.weights())["near"]
    assert X.weight_stats(prox.weights())["exact"] > 5


def test_trainer_bad_inputs_name_the_argument():
    x, y = data.dots()
    for kwargs, match in [({"lr": 0}, "lr"), ({"hidden": 0}, "hidden"), ({"batch_size": 0}, "batch_size"),
                          ({"epochs": 0}, "epochs"), ({"lam": [-1.0]}, "lam"), ({"seed": -3}, "seed"),
                          ({"lam": [0.0, 0.1], "seed": [1, 2, 3]}, "lam and seed"), ({"proximal": True}, "proximal"),
                          ({"x_val": x}, "x_val"), ({"dtype": np.float16}, "dtype")]:
        with pytest.raises(ValueError, match=match):
            K.train_mlp(x, y, **kwargs)
    with pytest.raises(ValueError, match="y"):
        K.train_mlp(x, y[:10])
    with pytest.raises(ValueError, match="x"):
        K.train_mlp(x[:, 0], y)
    with pytest.raises(ValueError, match="init"):
        K.train_mlp(x, y, init={"W1": np.ones((3, 4)), "b1": np.ones(4), "W2": np.ones((4, 1)), "b2": np.ones(1)})
    with pytest.raises(ValueError, match="init"):
        K.train_mlp(x, y, init={"w1": np.ones((2, 4))})


# ---------------------------------------------------------------------------- the course's experiment


def test_course_experiment_cached_and_consistent():
    runs = X.dots_grid("l2")
    assert len(runs) == len(X.LAMBDAS) * len(X.GRID_SEEDS)
    assert X.dots_grid("l2") is runs  # cached: sliders never retrain
    assert not runs.loss.flags.writeable
    x, y = data.dots()
    acc = runs.accuracy(x, y).reshape(len(X.LAMBDAS), -1)
    assert np.all(acc[0] > 0.9)  # the course's network fits the circle
    assert np.all(acc[-1] < acc[0])  # a large λ under-fits
    view = X.dots_view(0.03)
    assert view["probs"].shape == (2, 60, 60)
    rows = REF.course_loss_table()
    assert [r[0] for r in rows] == list(range(0, 400, 20))
    assert rows[0][2] == 1.6902 and rows[-1][4] == 0.12349 and rows[1][2] is None
    assert rows[-1][3] > rows[-1][1]  # the penalty keeps the L2 run's loss above the unregularised one
    table = format_table(rows, ["epoch", "a", "b", "c", "d"])
    assert table.count("\n") == len(rows) + 1


def test_seed_spread_brackets_the_course_without_l2():
    s = REF.seed_spread(n_seeds=8)
    assert s["no_l2"]["epoch0"].shape == (8,)
    assert np.all(s["l2"]["epoch380"] > s["no_l2"]["epoch380"])
    rows = REF.course_spread_rows(n_seeds=8, lrs=(0.01,))
    assert [r[1] for r in rows] == ["no_l2", "l2"] and rows[1][5] == REF.COURSE_NUMBERS["l2"][380]


def test_grid_lookup_rejects_values_not_precomputed():
    with pytest.raises(ValueError, match="lam"):
        X.dots_view(0.05)
    with pytest.raises(ValueError, match="seed"):
        X.dots_view(0.03, seed=7)
    with pytest.raises(ValueError, match="kind"):
        X.dots_view(0.03, kind="l0")


# ---------------------------------------------------------------------------- early stopping


def test_early_stopping_epoch_matches_keras_on_the_chapters_runs(keras):
    """The chapter's own validation curves through Keras' EarlyStopping (replayed), several patiences."""
    runs = X.early_stopping_runs()
    for k in (0, 1, 5):
        for patience in (0, 5, 20, 100):
            cb = keras.callbacks.EarlyStopping(monitor="val_loss", patience=patience)
            _, stopped = replay_callback(cb, runs.val_mse[k], monitor="val_loss")
            assert early_stopping_epoch(runs.val_mse[k], patience) == (stopped, cb.best_epoch)


def test_early_stopping_view_is_a_free_lunch():
    d = X.early_stopping_view(20)
    assert d["stopped"] is not None and d["epochs_run"] < d["epochs"] / 2
    assert d["val_best"] < d["val_end"]  # stopping early generalises better, with fewer epochs
    assert d["train_mse"][-1] < d["train_mse"][d["best"]]  # while training error keeps falling
    with pytest.raises(ValueError, match="seed"):
        X.early_stopping_view(20, seed=1)


def test_noisy_dots_split_and_flip():
    (xt, yt), (xv, yv) = data.noisy_dots()
    x, y = data.dots()
    assert xt.shape == (40, 2) and xv.shape == (260, 2)
    np.testing.assert_array_equal(np.r_[xt, xv], x)
    flipped = np.r_[yt, yv] != y
    assert 0.1 < flipped.mean() < 0.3
    (_, yt0), _ = data.noisy_dots(flip=0.0)
    np.testing.assert_array_equal(yt0, y[:40])
    with pytest.raises(ValueError, match="n_train"):
        data.noisy_dots(n_train=300)
    with pytest.raises(ValueError, match="flip"):
        data.noisy_dots(flip=1.5)


# ---------------------------------------------------------------------------- capacity and remedies


def test_ridge_fit_solves_its_normal_equations():
    x, y = data.poly_data(20, 0.2, 3)
    c0 = X.ridge_fit(x, y, 5)
    np.testing.assert_allclose(c0, np.linalg.lstsq(X.poly_features(x, 5), y, rcond=None)[0])
    c = X.ridge_fit(x, y, 9, 0.01)
    P = X.poly_features(x, 9)
    grad = 2 / len(x) * P.T @ (P @ c - y) + 0.01 * c  # d/dc [mse + lam * l2_loss(c)]
    np.testing.assert_allclose(grad, 0, atol=1e-10)
    np.testing.assert_allclose(X.poly_predict(c, x), P @ c)


def test_capacity_curve_is_u_shaped():
    c = X.capacity_curve()
    assert np.all(np.diff(c["train_mse"]) <= 1e-12)  # nested models: training error never rises
    b = c["best_degree"]
    assert 2 < b < 10
    assert c["val_mse"][0] > c["val_mse"][b] < c["val_mse"][-1]
    assert c["val_mse"][-1] > 100 * c["val_mse"][b]
    noiseless = X.capacity_curve(noise=0.0)
    assert noiseless["best_degree"] >= 10  # without noise there is nothing to over-fit


def test_poly_data_shares_draws_across_noise():
    x1, y1 = data.poly_data(15, 0.1)
    x2, y2 = data.poly_data(15, 0.3)
    np.testing.assert_array_equal(x1, x2)
    np.testing.assert_allclose(y2 - data.target_function(x2), 3 * (y1 - data.target_function(x1)))
    assert np.all(np.diff(x1) > 0) and x1.min() >= -1 and x1.max() <= 1
    with pytest.raises(ValueError, match="noise"):
        data.poly_data(15, -0.1)
    with pytest.raises(ValueError, match="n"):
        data.poly_data(0)
    with pytest.raises(ValueError, match="degree"):
        X.poly_features(x1, -1)
    with pytest.raises(ValueError, match="degree"):
        X.poly_view(degree=15)


def test_every_remedy_helps():
    items = X.remedies()
    assert [r["remedy"] for r in items] == ["more features", "more parameters", "less regularisation",
                                            "cleaning data", "more data", "regularisation", "stronger regularisation"]
    for r in items:
        if r["problem"] == "under-fitting":
            better = r["train"][1] > r["train"][0] if r["metric"] == "train accuracy" else r["train"][1] < r["train"][0]
        else:
            better = r["val"][1] < r["val"][0]
        assert better, r["remedy"]


def test_lambda_curve_and_select_lambda_agree():
    d = X.lambda_curve()
    assert d["val_mse"][0] > d["val_mse"].min() < d["val_mse"][-1]  # U-shaped in λ as well
    x, y = data.poly_data(15, 0.2, course_lib.SEED, 0)
    xv, yv = data.poly_data(200, 0.2, course_lib.SEED, 1)
    assert X.select_lambda(d["lams"], x, y, xv, yv, 12) == pytest.approx(d["best"])
    assert X.select_lambda([0.5, 0.5], x, y, xv, yv, 3) == 0.5
    with pytest.raises(ValueError, match="lams"):
        X.select_lambda([-1.0], x, y, xv, yv, 3)


def test_l1_l2_view_and_geometry():
    v = X.l1_l2_view(0.03)
    assert v["stats"]["L2"]["exact"] == 0
    assert v["stats"]["L1 (proximal)"]["exact"] > v["stats"]["L2"]["near"]
    assert v["stats"]["L1 (SGD)"]["near"] > v["stats"]["L2"]["near"]
    g = X.constraint_geometry(1.0)
    o1, o2 = g["l1"]["optimum"], g["l2"]["optimum"]
    assert np.min(np.abs(o1)) == 0 and np.abs(o1).sum() == pytest.approx(1.0)  # a corner of the diamond
    assert np.min(np.abs(o2)) > 0.1 and np.hypot(*o2) == pytest.approx(1.0)
    inside = X.constraint_geometry(5.0)
    np.testing.assert_allclose(inside["l1"]["optimum"], inside["center"])
    with pytest.raises(ValueError, match="budget"):
        X.constraint_geometry(0.0)
    with pytest.raises(ValueError, match="center"):
        X.constraint_geometry(1.0, center=(1.0,))
    with pytest.raises(ValueError, match="tol"):
        X.weight_stats([1.0], tol=0)


# ---------------------------------------------------------------------------- the reference table


def test_ch05_vs_tensorflow_rows_are_round_off():
    rows = REF.ch05_vs_tensorflow()
    assert all(r[3].startswith("<") for r in rows), [r for r in rows if not r[3].startswith("<")]
    assert any("EarlyStopping" in r[0] for r in rows)


# ---------------------------------------------------------------------------- figures


def test_every_figure_draws(tmp_path):
    from course_lib.figures import ch05_fitting as F
    from course_lib.figures import new_figure

    fig, axes = new_figure(1, 2)
    F.draw_capacity(X.poly_view(), axes)
    fig, axes = new_figure(2, 4)
    F.draw_remedies(X.remedies(), axes)
    fig, axes = new_figure(1, 3)
    F.draw_dots_l2(X.dots_view(0.03), axes)
    fig, axes = new_figure(1, 2)
    F.draw_l1_l2(X.l1_l2_view(0.03), axes)
    fig, axes = new_figure(1, 2)
    F.draw_constraints(X.constraint_geometry(1.0), axes)
    fig, axes = new_figure(1, 2)
    F.draw_early_stopping(X.early_stopping_view(20), axes)
    fig, ax = new_figure()
    F.draw_lambda_curve(X.lambda_curve(), ax)
    fig.savefig(tmp_path / "x.png")
    import matplotlib.pyplot as plt

    plt.close("all")
