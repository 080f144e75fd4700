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


def test_side_by_side_groups_equal_separate_runs():
    """Groups of other penalties, learning rates and hidden sizes trained in one loop = one train_mlp call each."""
    x, y = data.dots()
    groups = [{"lam": [0.0, 0.03], "seed": [1, 2]}, {"lam": 0.03, "kind": "l1", "seed": 3},
              {"lam": 0.01, "kind": "l1", "proximal": True, "seed": 4, "lr": 0.02}, {"hidden": 2, "seed": 5}]
    together = K.train_side_by_side(x, y, groups, epochs=6, x_val=x[:50], y_val=y[:50], record=True)
    assert len(together) == len(groups)
    for g, runs in zip(groups, together):
        alone = K.train_mlp(x, y, **g, epochs=6, x_val=x[:50], y_val=y[:50], record=True)
        assert (runs.kind, runs.proximal, runs.W1.shape) == (alone.kind, alone.proximal, alone.W1.shape)
        for k in ("W1", "b1", "W2", "b2", "loss", "train_mse", "val_mse"):
            np.testing.assert_allclose(getattr(runs, k), getattr(alone, k), rtol=1e-10, atol=1e-13, err_msg=k)
        for k in ("W1", "b1", "W2", "b2"):
            np.testing.assert_allclose(runs.snapshots[k], alone.snapshots[k], rtol=1e-10, atol=1e-13, err_msg=k)
    with pytest.raises(ValueError, match=r"groups\[1\]: proximal"):
        K.train_side_by_side(x, y, [{}, {"proximal": True}], epochs=1)
    with pytest.raises(ValueError, match="keys"):
        K.train_side_by_side(x, y, [{"lams": 0.1}], epochs=1)


def test_curves_false_changes_nothing_but_the_curves():
    x, y = data.dots()
    a = K.train_mlp(x, y, lam=[0.0, 0.03], seed=[1, 2], epochs=4, x_val=x[:50], y_val=y[:50])
    b = K.train_mlp(x, y, lam=[0.0, 0.03], seed=[1, 2], epochs=4, curves=False)
    for k in ("W1", "b1", "W2", "b2", "loss"):
        np.testing.assert_array_equal(getattr(a, k), getattr(b, k))
    assert a.train_mse.shape == a.val_mse.shape == (2, 4) and b.train_mse is None and b.val_mse is None


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
    view = X.heldout_view(0.03)
    assert view["course"]["probs"].shape == (2, 60, 60) and view["index"] == X.LAMBDAS.index(0.03)
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


def test_spread_view_holds_every_seed_and_the_course_numbers():
    d = REF.spread_view(3, 0.01)
    s = REF.seed_spread(20, 0.03, 0.01)
    assert d["no_l2"].shape == d["l2"].shape == (20, 381)
    np.testing.assert_array_equal(d["l2"][:, 380], s["l2"]["epoch380"])
    assert d["course"] is REF.COURSE_NUMBERS
    with pytest.raises(ValueError, match="seed"):
        REF.spread_view(20)


def test_grid_lookup_rejects_values_not_precomputed():
    with pytest.raises(ValueError, match="lam"):
        X.heldout_view(0.05)
    with pytest.raises(ValueError, match="seed"):
        X.heldout_view(0.03, seed=7)
    with pytest.raises(ValueError, match="lam"):
        X.lambda_choice_view(0.02)


# ---------------------------------------------------------------------------- held-out accuracy


def test_l2_helps_only_in_the_noisy_setting():
    """The lesson's claims: in the course's setting no λ > 0 beats λ = 0 on the test set by more than a point
    and the train-test gap is small; in the noisy setting a moderate λ raises test accuracy for every seed
    and shrinks the gap; the largest λ under-fits both."""
    c = X.heldout_curves()
    course, noisy = c["course"], c["noisy"]
    assert np.all(course["test"].mean(axis=1)[1:] <= course["test"].mean(axis=1)[0] + 0.01)
    assert abs(course["train"].mean(axis=1)[0] - course["test"].mean(axis=1)[0]) < 0.03
    i = X.LAMBDAS.index(0.03)
    assert np.all(noisy["test"][i] > noisy["test"][0] + 0.02)  # every seed
    gap = noisy["train"].mean(axis=1) - noisy["test"].mean(axis=1)
    assert gap[i] < gap[0] / 2
    assert noisy["test"].mean(axis=1)[-1] < noisy["test"].mean(axis=1)[0]
    assert course["test"].mean(axis=1)[-1] < 0.7


def test_flipped_labels_view_beside_the_true_circle():
    """The lesson's reading of the noisy setting: the λ = 0 networks score below the true circle on the training
    labels (they do not memorise them), reproduce more flipped labels than the best λ's networks, and agree
    less with the circle on the test points."""
    f = X.flipped_labels_view()
    (xt, yt), _ = data.noisy_dots(X.NOISY["n_train"], X.NOISY["flip"])
    truth = data.dots()[1][:X.NOISY["n_train"]]
    assert f["n_flipped"] == int(np.sum(yt != truth)) and f["n_flipped"] + f["n_clean"] == len(yt)
    assert f["circle"]["train"] == 1 - f["n_flipped"] / len(yt)
    c = X.heldout_curves()["noisy"]
    assert c["train"].mean(axis=1)[0] < f["circle"]["train"]
    i = X.LAMBDAS.index(0.03)
    assert f["flipped_kept"][i] < f["flipped_kept"][0] and f["clean_missed"][i] < f["clean_missed"][0]
    assert f["circle_agreement"][i] > f["circle_agreement"][0]
    # accuracy on the training labels = (flipped kept + clean right) / n, seed by seed averaged
    acc = (f["flipped_kept"] + f["n_clean"] - f["clean_missed"]) / len(yt)
    np.testing.assert_allclose(acc, c["train"].mean(axis=1))


def test_grids_train_once_whatever_the_spelling():
    assert X.dots_grid("l2") is X.dots_grid("l2", False, X.LAMBDAS) is X.dots_grid(kind="l2", seeds=list(X.GRID_SEEDS))
    runs = X.dots_grid("l2")
    assert runs.train_mse is None and runs.val_mse is None  # curves=False: only what the lesson reads
    p = X.grid_params("l2", 0.03, 43)
    np.testing.assert_array_equal(p["W1"], runs.W1[X.LAMBDAS.index(0.03) * len(X.GRID_SEEDS) + 1])
    with pytest.raises(ValueError, match="lam"):
        X.grid_params("l1", 0.0)


def test_choose_lambda_and_the_choice_view():
    assert X.choose_lambda((0.0, 0.01, 0.1), np.array([0.5, 0.7, 0.7])) == 0.1  # a tie: the larger λ
    assert X.choose_lambda([0.3], [0.2]) == 0.3
    lams, acc = X.noisy_validation_accuracy()
    assert lams == X.LAMBDAS and acc.shape == (len(lams),) and not acc.flags.writeable
    lam = X.choose_lambda(lams, acc)
    v = X.lambda_choice_view(lam)
    assert v["probs"].shape == (2, 60, 60) and 0.5 < v["test"][1] <= 1
    with pytest.raises(ValueError, match="val_accuracy"):
        X.choose_lambda((0.0, 0.1), [0.5])


def test_heldout_dots_share_points_and_flips():
    x0, y0 = data.heldout_dots(500, 0.0, seed=3)
    x1, y1 = data.heldout_dots(500, 0.2, seed=3)
    np.testing.assert_array_equal(x0, x1)
    np.testing.assert_array_equal(y0, (x0[:, 0] ** 2 + x0[:, 1] ** 2 < 2).astype(int))
    assert 0.15 < np.mean(y0 != y1) < 0.25
    with pytest.raises(ValueError, match="flip"):
        data.heldout_dots(10, 1.5)


def test_features_view_draws_the_circle_with_squares_only():
    base = X.features_view()
    squares = X.features_view(True, True, False)
    product = X.features_view(False, False, True)
    assert base["names"] == ("1", "x1", "x2") and squares["names"] == ("1", "x1", "x2", "x1²", "x2²")
    assert squares["accuracy"] > base["accuracy"] + 0.2
    assert product["accuracy"] < squares["accuracy"]
    x, y = data.dots()
    A = np.c_[np.ones(len(x)), x, x ** 2]
    np.testing.assert_allclose(squares["coef"], np.linalg.lstsq(A, y.astype(float), rcond=None)[0])
    with pytest.raises(TypeError, match="x1sq"):
        X.features_view(1)


# ---------------------------------------------------------------------------- early stopping


def test_early_stopping_epoch_matches_keras_on_the_chapters_runs(keras):
    """The chapter's own validation curves through Keras' EarlyStopping (replayed), several patiences."""
    runs = X.early_stopping_runs()
    for k in (0, 1, 5):
        for patience in (0, 5, 20, 100):
            cb = keras.callbacks.EarlyStopping(monitor="val_loss", patience=patience)
            _, stopped = replay_callback(cb, runs.val_mse[k], monitor="val_loss")
            assert early_stopping_epoch(runs.val_mse[k], patience) == (stopped, cb.best_epoch)


def test_keras_stop_and_the_accuracy_callback_match_the_numpy_rule(keras):
    """REF.keras_stop replays Keras' EarlyStopping like nn.callbacks does (val_loss, and val_accuracy with mode max)."""
    from course_lib.nn.callbacks import EarlyStopping

    runs = X.early_stopping_runs()
    for patience in (0, 5, 20):
        cb = keras.callbacks.EarlyStopping(monitor="val_loss", patience=patience)
        assert REF.keras_stop(cb, runs.val_mse[2]) == early_stopping_epoch(runs.val_mse[2], patience)
    acc = X.curves_view()["val_acc"]
    for patience in (1, 20):
        cb = REF.accuracy_early_stopping(patience)
        assert cb.monitor == "val_accuracy" and cb.restore_best_weights
        rule = EarlyStopping(patience, mode="max")
        for v in acc:
            if rule.update(v):
                break
        assert REF.keras_stop(cb, acc, "val_accuracy") == (rule.stopped_epoch, rule.best_epoch)
    with pytest.raises(TypeError, match="callback"):
        REF.keras_stop(object(), [0.1, 0.2])


def test_keras_fit_with_early_stopping_matches_the_numpy_run(tf, keras):
    """05a § 3: model.fit with EarlyStopping (float32) stops, restores and logs val_loss as the numpy run does."""
    (xt, yt), (xv, yv) = data.noisy_dots()
    seed, patience = course_lib.SEED + 7, 5
    init = train.init_mlp(2, 32, seed=seed, init="normal", bias=0.01)
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(32, activation="relu"), keras.layers.Dense(1)])
    model.set_weights([init[k] for k in ("W1", "b1", "W2", "b2")])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.02), loss="mse")
    tr = tf.data.Dataset.from_tensor_slices((xt, yt.reshape(-1, 1).astype(float))).batch(32)
    va = tf.data.Dataset.from_tensor_slices((xv, yv.reshape(-1, 1).astype(float))).batch(260)
    cb = keras.callbacks.EarlyStopping(monitor="val_loss", patience=patience, restore_best_weights=True)
    h = model.fit(tr, validation_data=va, epochs=200, callbacks=[cb], shuffle=False, verbose=0)
    runs = X.early_stopping_runs()
    k = X.ES_SEEDS.index(seed)
    assert (cb.stopped_epoch, cb.best_epoch) == early_stopping_epoch(runs.val_mse[k], patience)
    v = np.array(h.history["val_loss"])
    np.testing.assert_allclose(v, runs.val_mse[k, :len(v)], rtol=1e-4, atol=1e-5)
    for a, key in zip(model.get_weights(), ("W1", "b1", "W2", "b2")):
        np.testing.assert_allclose(a, runs.snapshots[key][k, cb.best_epoch], rtol=1e-4, atol=1e-5)


def test_feature_matrix_and_early_stopping_scores():
    x = np.array([[1.0, 2.0], [-3.0, 0.5]])
    np.testing.assert_array_equal(X.feature_matrix(x), x)
    np.testing.assert_allclose(X.feature_matrix(x, True, True, True),
                               [[1, 2, 1, 4, 2], [-3, 0.5, 9, 0.25, -1.5]])
    np.testing.assert_allclose(X.feature_matrix(x, x1x2=True)[:, 2], [2.0, -1.5])
    with pytest.raises(ValueError, match="x"):
        X.feature_matrix(np.ones((3, 3)))
    d = X.early_stopping_view(20)
    s = X.early_stopping_scores(d["seed"], d["best"])
    assert (s["test_mse"], s["test_acc"]) == (d["test_mse"][0], d["test_acc"][0])
    assert s["val_mse"] == d["val_best"]
    with pytest.raises(ValueError, match="seed"):
        X.early_stopping_scores(1, 0)
    with pytest.raises(ValueError, match="epoch"):
        X.early_stopping_scores(d["seed"], 1000)


def test_remedy_networks_are_the_grid_runs():
    """05a's two remedy networks, trained alone, equal 05b's grid run (λ = 0) and a 2-unit train_mlp run."""
    x, y = data.dots()
    small, big = X._remedy_networks(course_lib.SEED)
    grid = X.dots_grid("l2")
    i0 = X._grid_index(0.0, course_lib.SEED)
    np.testing.assert_allclose(big.W1[0], grid.W1[i0], rtol=1e-12, atol=1e-12)
    alone = K.train_mlp(x, y, hidden=2, seed=course_lib.SEED, curves=False)
    np.testing.assert_allclose(small.W2[0], alone.W2[0], rtol=1e-12, atol=1e-12)


def test_early_stopping_view_and_its_test_split():
    d = X.early_stopping_view(20)
    assert d["stopped"] is not None and d["epochs_run"] == d["stopped"] + 1 < d["epochs"] / 2
    assert d["val_best"] < d["val_end"]  # chosen on validation
    assert d["test_mse"][0] < d["test_mse"][1]  # the test set agrees on MSE, the monitored quantity...
    assert d["train_mse"][-1] < d["train_mse"][d["best"]]  # while training error keeps falling
    s = X.early_stopping_summary(20)
    assert s["mse_better"] >= 6 and s["acc_better"] <= 2  # ...but not on accuracy (the lesson's box)
    e42 = X.early_stopping_view(300, course_lib.SEED)  # the counter-example: even the largest patience stops
    assert e42["stopped"] is not None and e42["val_best"] > e42["val_end"]
    with pytest.raises(ValueError, match="seed"):
        X.early_stopping_view(20, seed=1)


def test_curves_view_accuracy_matches_the_runs():
    cv = X.curves_view()
    runs = X.early_stopping_runs()
    k = X.ES_SEEDS.index(cv["seed"])
    (xt, yt), (xv, yv) = data.noisy_dots()
    for epoch in (0, cv["best"], len(cv["train_acc"]) - 1):
        p = runs.predict(xv, epoch=epoch)[k]
        assert cv["val_acc"][epoch] == np.mean((p > 0.5) == (yv == 1))
    assert cv["gap_end"] > cv["gap_best"] > 0


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
    short = REF.ch05_vs_tensorflow()
    assert all(r[1].startswith("<") for r in short), short
    assert not any("EarlyStopping" in r[0] for r in short)  # 05a checks early stopping with model.fit
    full = REF.ch05_vs_tensorflow_full()
    assert all(r[3].startswith("<") or r[3] == "0" for r in full), full
    assert full[-1][1] == full[-1][2] and "EarlyStopping" in full[-1][0]


def test_compiled_course_loop_takes_the_eager_steps(tf):
    """tf_course_loop(compiled=True) takes the same steps as the eager loop and reports its seconds."""
    x, y = data.dots()
    init = _course_init(7)
    eager = REF.tf_course_loop(x, y, init, lam=0.03, kind="l1", epochs=3)
    graph = REF.tf_course_loop(x, y, init, lam=0.03, kind="l1", epochs=3, compiled=True)
    np.testing.assert_allclose(graph["loss"][-1], eager["loss"][-1], rtol=1e-12)
    for k in ("W1", "b1", "W2", "b2"):
        np.testing.assert_allclose(graph[k], eager[k], rtol=1e-12, atol=1e-14, err_msg=k)
    assert set(graph["seconds"]) == {"trace", "first_epoch", "per_step"} and "seconds" not in eager
    assert graph["seconds"]["per_step"] > 0
    w1, w2 = np.array([[1.0, -2.0]]), np.array([[0.5], [-0.5]])
    assert float(REF.course_regularization(w1, w2, "l1")) == 4.0
    assert float(REF.course_regularization(w1, w2)) == pytest.approx(2.75)  # tf.nn.l2_loss: (1 + 4 + 0.5) / 2


def test_the_l1_exercise_step_equals_its_numpy_twin(tf):
    """Exercise 4: course_l1_step (GradientTape, L1 list + reduce_sum, keras SGD.apply_gradients) in the course's
    loop equals train_mlp(kind="l1") – eager and compiled, a short last batch included – up to Keras' float32
    learning rate (0.01 -> 0.0099999998: a relative 2e-9 per step)."""
    x, y = data.dots()
    init = _course_init(42)
    for xs, ys, epochs, compiled in ((x[:80], y[:80], 2, False), (x, y, 40, True)):
        ours = K.train_mlp(xs, ys, init=init, lam=0.03, kind="l1", epochs=epochs)
        ref = REF.tf_step_loop(REF.course_l1_step, xs, ys, init, lam=0.03, epochs=epochs, compiled=compiled)
        for k in ("W1", "b1", "W2", "b2"):
            np.testing.assert_allclose(ref[k], getattr(ours, k)[0], rtol=1e-6, atol=1e-8, err_msg=k)
        assert ref["loss"] == pytest.approx(ours.loss[0, -1], rel=1e-6)
    # the grid run of the same seed is the exercise's numpy twin
    twin = X.grid_params("l1", 0.03, 42)
    full = K.train_mlp(x, y, init=init, lam=0.03, kind="l1", epochs=400)
    np.testing.assert_allclose(twin["W2"], full.W2[0], rtol=1e-9, atol=1e-12)  # 20 runs at once vs 1: round-off


def test_the_l1_step_names_bad_arguments(tf):
    import keras

    v = {k: tf.Variable(a) for k, a in _course_init(1).items()}
    opt = keras.optimizers.SGD(0.01)
    x, y = data.dots()
    xb, yb = x[:4], y[:4].reshape(-1, 1).astype(float)
    with pytest.raises(TypeError, match="w1"):
        REF.course_l1_step(xb, yb, v["W1"].numpy(), v["b1"], v["W2"], v["b2"], opt, 0.03)
    with pytest.raises(TypeError, match="optimizer"):
        REF.course_l1_step(xb, yb, v["W1"], v["b1"], v["W2"], v["b2"], "sgd", 0.03)
    with pytest.raises(ValueError, match="y_train"):
        REF.course_l1_step(xb, yb[:3], v["W1"], v["b1"], v["W2"], v["b2"], opt, 0.03)
    with pytest.raises(ValueError, match="x_train"):
        REF.course_l1_step(np.ones((4, 3)), yb, v["W1"], v["b1"], v["W2"], v["b2"], opt, 0.03)
    with pytest.raises(TypeError, match="step"):
        REF.tf_step_loop("step", x, y, _course_init(1))


# ---------------------------------------------------------------------------- figures


def test_every_figure_draws(tmp_path):
    from course_lib.figures import ch05_fitting as F
    from course_lib.figures import new_figure

    fig, axes = new_figure(1, 2)
    F.draw_capacity(X.poly_view(), axes)
    fig, axes = new_figure(2, 4)
    F.draw_remedies(X.remedies(), axes)
    fig, axes = new_figure(2, 2)
    F.draw_heldout(X.heldout_view(0.03), axes)
    fig, ax = new_figure()
    F.draw_features(X.features_view(True, True, True), ax)
    fig, ax = new_figure()
    F.draw_lambda_choice(X.lambda_choice_view(0.03), ax)
    fig, axes = new_figure(1, 2)
    F.draw_curves(X.curves_view(), axes)
    fig, axes = new_figure(1, 2)
    F.draw_seed_spread(REF.spread_view(0, 0.005), axes)
    fig, axes = new_figure(1, 2)
    F.draw_l1_l2(X.l1_l2_view(0.03), axes)
    fig, axes = new_figure(1, 2)
    F.draw_constraints(X.constraint_geometry(1.0), axes)
    fig, axes = new_figure(1, 2)
    F.draw_early_stopping(X.early_stopping_view(20), axes)
    fig.savefig(tmp_path / "x.png")
    import matplotlib.pyplot as plt

    plt.close("all")
