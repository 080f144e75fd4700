"""Chapters 06b/06c's experiments and figures (06b_optimizers_practice, 06c_optimizers_monitoring): the course's iris runs in numpy against TensorFlow and the course,
the sparse-feature race, the runs watched on validation data, the local-minima starts; the AUC metric."""

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import course_lib  # noqa: E402
from course_lib import data, train  # noqa: E402
from course_lib.experiments import ch06_optimizers as X  # noqa: E402
from course_lib.experiments import ch06_practice as P  # noqa: E402
from course_lib.figures import ch06_practice as F  # noqa: E402
from course_lib.nn import callbacks as CB  # noqa: E402
from course_lib.nn import metrics as M  # noqa: E402
from course_lib.nn import optimizers as O  # noqa: E402
from course_lib.nn.callbacks import early_stopping_epoch  # noqa: E402
from course_lib.reference import ch06_optimizers as REF  # noqa: E402

tf = course_lib.import_tf()
import keras  # noqa: E402


# ---------------------------------------------------------------------------------------------
# the course's iris model
# ---------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def runs():
    return P.iris_optimizers()


def test_shipped_initial_weights_are_what_tensorflow_draws():
    tf.random.set_seed(116)
    w1 = tf.random.truncated_normal([4, 3], stddev=0.1, seed=1).numpy()
    b1 = tf.random.truncated_normal([3], stddev=0.1, seed=1).numpy()
    np.testing.assert_array_equal(P.IRIS_W1_INIT, w1)
    np.testing.assert_array_equal(P.IRIS_B1_INIT, b1)
    assert P.IRIS_W1_INIT.dtype == np.float32
    w, _ = P.iris_initial_weights()
    w[0, 0] = 99.0
    assert P.IRIS_W1_INIT[0, 0] != 99.0  # copies


@pytest.mark.parametrize("n", [32, 24, 5])
def test_gradient_matches_gradient_tape(n):
    (x, y), _ = data.iris()
    rng = np.random.default_rng(n)
    x = x[:n].astype(np.float32)
    y1 = np.eye(3, dtype=np.float32)[y[:n]]
    w1 = rng.normal(0, 0.5, (4, 3)).astype(np.float32)
    b1 = rng.normal(0, 0.5, 3).astype(np.float32)
    loss, gw, gb = P.iris_forward_backward(x, y1, w1, b1)
    tw, tb = tf.Variable(w1), tf.Variable(b1)
    with tf.GradientTape() as tape:
        tl = tf.reduce_mean(tf.square(y1 - tf.nn.softmax(tf.matmul(x, tw) + tb)))
    want_w, want_b = tape.gradient(tl, [tw, tb])
    np.testing.assert_allclose(loss, tl.numpy(), rtol=1e-6)
    np.testing.assert_allclose(gw, want_w.numpy(), rtol=1e-5, atol=1e-8)
    np.testing.assert_allclose(gb, want_b.numpy(), rtol=1e-5, atol=1e-8)
    assert gw.dtype == np.float32


def test_final_losses_match_the_course(runs):
    for name in ("sgd", "sgdm", "adagrad", "adam"):
        course_loss, course_acc, _ = REF.COURSE_IRIS_RESULTS[name]
        assert abs(runs[name].final_loss - course_loss) < 1e-5, name
        assert runs[name].final_acc == course_acc
        assert runs[name].loss.shape == (500,) and runs[name].test_acc.shape == (500,)
        assert runs[name].step_loss.shape == (2000,)
    assert [r.name for r in runs.values()] == ["SGD", "SGDM", "Adagrad", "RMSProp", "Adam"]


def test_rmsprop_without_epsilon_ends_in_nan_as_in_the_course(runs):
    r = runs["rmsprop"]
    assert np.isnan(r.final_loss)
    assert r.final_acc == pytest.approx(REF.COURSE_IRIS_RESULTS["rmsprop"][1], abs=1e-4)
    first_nan = int(np.argmax(np.isnan(r.loss)))
    assert 300 < first_nan < 500
    assert np.all(np.isfinite(r.loss[:first_nan]))
    # IEEE arithmetic (subnormals kept) survives: the NaN comes from TensorFlow's flush-to-zero
    ieee = P.iris_optimizers(("rmsprop",), flush_to_zero=False)["rmsprop"]
    assert np.all(np.isfinite(ieee.loss)) and ieee.final_acc == 1.0
    for name in ("sgd", "adam"):
        np.testing.assert_array_equal(P.iris_optimizers((name,), flush_to_zero=False)[name].loss, runs[name].loss)


def test_numpy_runs_are_deterministic(runs):
    # Speed is measured by `make bench` (benchmarks/RESULTS.md), not asserted here.
    again = P.iris_optimizers(("sgd", "adam"))
    for name in again:
        np.testing.assert_array_equal(again[name].loss, runs[name].loss)


def test_course_tf_loop_agrees_with_numpy_on_a_few_epochs():
    tf_runs = REF.iris_optimizers_course_tf(epochs=3)
    np_runs = P.iris_optimizers(epochs=3)
    for name in tf_runs:
        a, b = tf_runs[name], np_runs[name]
        # RMSProp without epsilon divides by sqrt(v): float32 round-off (which differs run to run
        # with TF's threading) grows fastest there.
        rtol, atol = (1e-4, 1e-5) if name == "rmsprop" else (1e-5, 1e-6)
        np.testing.assert_allclose(a.step_loss, b.step_loss, rtol=rtol, err_msg=name)
        np.testing.assert_allclose(a.loss, b.loss, rtol=rtol, err_msg=name)
        np.testing.assert_array_equal(a.test_acc, b.test_acc)
        np.testing.assert_allclose(a.w1, b.w1, rtol=rtol, atol=atol, err_msg=name)
        np.testing.assert_allclose(a.b1, b.b1, rtol=rtol, atol=atol, err_msg=name)
        assert a.time_s > 0


def test_course_sgdm_run_is_keras_sgd_with_scaled_lr():
    course = P.fit_iris("sgdm", 50)
    keras_form = P.fit_iris(O.SGD(0.01, momentum=0.9), 50)
    np.testing.assert_allclose(course.loss, keras_form.loss, rtol=1e-5)


def test_fast_kernel_equals_the_readable_training_loop():
    """fit_iris's float32 kernel against train.fit driving iris_forward_backward, batch for batch."""
    (x, y), _ = data.iris()
    x = x.astype(np.float32)
    y1 = np.eye(3, dtype=np.float32)[y]
    for name in ("sgd", "adam", "rmsprop"):
        w1, b1 = P.iris_initial_weights()
        params = {"w1": w1, "b1": b1}

        def loss_and_grads(p, xb, yb):
            loss, gw, gb = P.iris_forward_backward(xb, yb, p["w1"], p["b1"])
            return loss, {"w1": gw, "b1": gb}

        losses = train.fit(params, loss_and_grads, train.minibatches(x, y1, 32), O.get(name, 0.1, course=True), 20)
        fast = P.fit_iris(name, 20)
        np.testing.assert_allclose(params["w1"], fast.w1, rtol=1e-5, atol=1e-6, err_msg=name)
        np.testing.assert_allclose(params["b1"], fast.b1, rtol=1e-5, atol=1e-6, err_msg=name)
        np.testing.assert_allclose(losses, fast.step_loss[3::4], rtol=1e-5, err_msg=name)


def test_fit_iris_options():
    base = P.fit_iris("sgd", 30)
    shuffled = P.fit_iris("sgd", 30, shuffle=True, seed=1)
    assert not np.array_equal(base.loss, shuffled.loss)
    np.testing.assert_array_equal(shuffled.loss, P.fit_iris("sgd", 30, shuffle=True, seed=1).loss)
    small = P.fit_iris("sgd", 30, n_train=32)
    assert small.info["batches_per_epoch"] == 1 and len(small.step_loss) == 30
    # switching at epoch 0 is the same as running the second optimizer
    np.testing.assert_array_equal(P.fit_iris("adam", 20, switch=(0, O.SGD(0.1))).loss, P.fit_iris("sgd", 20).loss)
    switched = P.fit_iris("adam", 40, switch=(20, O.SGD(0.1)))
    np.testing.assert_array_equal(switched.loss[:20], P.fit_iris("adam", 20).loss)
    # a schedule as learning rate
    decayed = P.fit_iris("sgd", 30, lr=lambda step: 0.1 * 0.5 ** (step // 40))
    assert decayed.final_loss > base.final_loss


def test_early_stopping_stops_and_restores_the_best_weights():
    r = P.fit_iris("sgd", 500, patience=5, min_delta=1e-3)
    assert r.stopped_epoch is not None and r.epochs == r.stopped_epoch + 1 < 500
    assert r.info["best_epoch"] == r.stopped_epoch - 5
    # the rule is nn.callbacks.EarlyStopping's: the same stop on the recorded losses
    full = P.fit_iris("sgd", 500)
    assert early_stopping_epoch(full.loss, 5, 1e-3) == (r.stopped_epoch, r.info["best_epoch"])
    np.testing.assert_array_equal(full.loss[:r.epochs], r.loss)
    r2 = P.fit_iris("adam", 500, patience=10, monitor="test_loss")
    assert r2.epochs <= 500
    best = r2.info["best_epoch"]
    np.testing.assert_allclose(r2.test_loss[best], r2.test_loss.min(), rtol=1e-6)


def test_restarts_are_reproducible_and_differ():
    a = P.iris_restarts("sgd", 3, 20, seed=4)
    b = P.iris_restarts("sgd", 3, 20, seed=4)
    assert [r.final_loss for r in a] == [r.final_loss for r in b]
    assert len({r.final_loss for r in a}) == 3


def test_bad_input():
    with pytest.raises(ValueError, match="names"):
        P.iris_optimizers(("sgd", "lion"))
    with pytest.raises(ValueError, match="epochs"):
        P.iris_optimizers(epochs=0)
    with pytest.raises(ValueError, match="n_train"):
        P.fit_iris("sgd", 1, n_train=121)
    with pytest.raises(ValueError, match="batch_size"):
        P.fit_iris("sgd", 1, batch_size=0)
    with pytest.raises(ValueError, match="monitor"):
        P.fit_iris("sgd", 1, patience=1, monitor="acc")
    with pytest.raises(ValueError, match="optimizer"):
        P.fit_iris("lion", 1)
    with pytest.raises(ValueError, match="lr"):
        P.fit_iris("sgd", 1, lr=-0.1)
    with pytest.raises(TypeError, match="weights"):
        P.fit_iris("sgd", 1, weights=np.zeros(15))
    with pytest.raises(TypeError, match="names"):
        P.iris_optimizers(names=None)
    with pytest.raises(TypeError, match="optimizer"):
        P.fit_iris(3, 1)
    with pytest.raises(ValueError, match="weights"):
        P.fit_iris("sgd", 1, weights=(np.zeros((3, 3)), np.zeros(3)))
    with pytest.raises(ValueError, match="shapes"):
        P.iris_forward_backward(np.zeros((2, 4)), np.zeros((3, 3)), np.zeros((4, 3)), np.zeros(3))
    with pytest.raises(ValueError, match="stddev"):
        P.iris_restarts(stddev=0)
    with pytest.raises(TypeError, match="flush_to_zero"):
        P.iris_optimizers(flush_to_zero="yes")


def test_class_sorted_order_and_its_effect():
    (_, y), _ = data.iris()
    by_class = P.fit_iris("sgd", 3, order="by_class")
    course = P.fit_iris("sgd", 3)
    assert not np.array_equal(by_class.step_loss, course.step_loss)
    sorted_runs = P.fit_iris("sgd", 200, order="by_class")
    assert sorted_runs.final_acc < P.fit_iris("sgd", 200, order="by_class", shuffle=True).final_acc
    with pytest.raises(ValueError, match="order"):
        P.fit_iris("sgd", 1, order="random")


def test_epoch_orders_are_fit_iris_shuffles_and_drive_it():
    o = P.epoch_orders(120, 6, seed=3)
    assert o.shape == (6, 120) and o.dtype.kind == "i"
    assert (np.sort(o, axis=1) == np.arange(120)).all() and not (o[0] == o[1]).all()
    np.testing.assert_array_equal(o, P.epoch_orders(120, 6, seed=3))
    once = P.epoch_orders(120, 6, seed=3, reshuffle=False)
    assert (once == once[0]).all()
    np.testing.assert_array_equal(once[0], o[0])                    # the same first draw
    np.testing.assert_array_equal(P.fit_iris("sgd", 6, shuffle=True, seed=3).loss, P.fit_iris("sgd", 6, orders=o).loss)
    fixed = np.tile(np.arange(120), (4, 1))                         # the course's order, given explicitly
    np.testing.assert_array_equal(P.fit_iris("adam", 4, orders=fixed).step_loss, P.fit_iris("adam", 4).step_loss)
    sub = P.epoch_orders(32, 2, seed=0)
    assert P.fit_iris("sgd", 2, n_train=32, orders=sub).info["batches_per_epoch"] == 1
    with pytest.raises(ValueError, match="orders"):
        P.fit_iris("sgd", 2, orders=P.epoch_orders(120, 3))
    with pytest.raises(ValueError, match="permutation"):
        P.fit_iris("sgd", 2, orders=np.zeros((2, 120), dtype=int))
    with pytest.raises(TypeError, match="orders"):
        P.fit_iris("sgd", 2, orders=np.zeros((2, 120)))
    with pytest.raises(ValueError, match="n"):
        P.epoch_orders(0, 2)
    with pytest.raises(TypeError, match="reshuffle"):
        P.epoch_orders(5, 2, reshuffle="yes")


@pytest.mark.parametrize("make, twin", [(lambda: keras.optimizers.Adam(learning_rate=0.1), lambda: O.Adam(0.1)),
                                        (lambda: keras.optimizers.SGD(0.1, momentum=0.9), lambda: O.SGD(0.1, momentum=0.9))])
def test_iris_train_step_in_tensorflow_follows_fit_iris(make, twin):
    got = REF.iris_tf_epochs(REF._iris_train_step, make(), 2)
    r = P.fit_iris(twin(), 2)
    np.testing.assert_allclose(got, np.concatenate([r.loss, r.w1.ravel(), r.b1]), rtol=1e-4, atol=1e-5)
    with pytest.raises(TypeError, match="optimizer"):
        REF.iris_tf_epochs(REF._iris_train_step, "adam", 1)
    with pytest.raises(TypeError, match="train_step"):
        REF.iris_tf_epochs("step", make(), 1)


# ---------------------------------------------------------------------------------------------
# sparse features
# ---------------------------------------------------------------------------------------------
def test_sparse_kernel_equals_the_optimizers():
    X_, y, w_star, p = P.sparse_problem(0.3, n=500)
    batches = np.random.default_rng(0).integers(0, len(X_), size=(40, 10))
    runs = [("SGD", 0.5), ("SGD", 1.0), ("Adagrad", 0.3), ("RMSprop", 0.01), ("Adam", 0.03), ("Adam", 0.1)]
    W, err = P._elementwise_runs(runs, X_, y, batches, (p < 0.5, w_star))
    make = {"SGD": O.SGD, "Adagrad": O.Adagrad, "RMSprop": O.RMSprop, "Adam": O.Adam}
    for i, (name, lr) in enumerate(runs):
        w, opt = np.zeros(X_.shape[1]), make[name](lr)
        for idx in batches:
            xb = X_[idx]
            opt.apply_gradients([(xb.T @ (xb @ w - y[idx]) / len(idx), w)])
        np.testing.assert_allclose(W[i], w, rtol=1e-10, atol=1e-12, err_msg=name)
        assert err[-1, i] == pytest.approx(np.abs(w - w_star)[p < 0.5].mean())


def test_sparse_race_sgd_falls_behind_as_features_get_rarer():
    d = P.sparse_race(scales=(1.0, 0.1), steps=300)
    assert d["zero_share"][0.1] > d["zero_share"][1.0]
    growth = {n: d["runs"][0.1][n]["rare"] / d["runs"][1.0][n]["rare"] for n in d["runs"][1.0]}
    assert max(growth, key=growth.get) == "SGD"
    assert all(len(r["rare_curve"]) == 300 for r in d["runs"][1.0].values())
    X_, y, w_star, p = P.sparse_problem()
    assert X_.shape == (4000, 30) and set(np.unique(X_)) <= {0.0, 1.0} and np.all(np.abs(w_star) == 1)


# ---------------------------------------------------------------------------------------------
# runs watched on validation data
# ---------------------------------------------------------------------------------------------
def test_noisy_dots_split_and_noise():
    (xt, yt), (xv, yv) = P.noisy_dots()
    assert xt.shape == (100, 2) and xv.shape == (200, 2)
    X_, y = data.dots(300, 2)
    flipped = 0
    for x_, y_ in ((xt, yt), (xv, yv)):
        for row, label in zip(x_, y_):
            flipped += int(label != y[np.flatnonzero((X_ == row).all(axis=1))[0]])
    assert 15 <= flipped <= 45  # about 10 % of 300


def test_dots_kernel_equals_the_readable_training_loop():
    (xt, yt), _ = P.noisy_dots()
    for opt_name, lam in (("adam", 0.0), ("sgd", 0.05)):
        r = P.dots_run(opt_name, 3, lr=0.05, lam=lam)
        params = train.init_mlp(2, 32, 1, seed=course_lib.SEED, init="he")
        opt = O.get(opt_name, 0.05)
        train.fit(params, lambda p, x, y, lam=lam: train.mlp_loss_and_grads(p, x, y, loss="bce", lam=lam),
                  train.minibatches(xt, yt, 20), opt, 3)
        for k in params:
            np.testing.assert_allclose(r.params[k], params[k], rtol=1e-10, atol=1e-12, err_msg=f"{opt_name} {k}")


def test_dots_history_against_keras_and_the_metrics():
    r = P.dots_run("adam", 5, lr=0.01)
    (xt, yt), (xv, yv) = P.noisy_dots()
    p = r.params
    z = (np.maximum(xv @ p["W1"] + p["b1"], 0) @ p["W2"] + p["b2"])[:, 0]
    assert r.history["val_auc"][-1] == pytest.approx(M.roc_auc(yv, z))
    assert r.history["val_accuracy"][-1] == pytest.approx(M.binary_accuracy(yv, z, 0.0))
    bce = keras.losses.BinaryCrossentropy(from_logits=True)(yv[:, None], z[:, None]).numpy()
    assert r.history["val_loss"][-1] == pytest.approx(bce, rel=1e-5)


def test_plateau_and_weight_decay_in_dots_runs():
    r = P.dots_run("adam", 80, lr=0.01, plateau=dict(factor=0.2, patience=10, min_lr=1e-4))
    lrs = CB.reduce_lr_on_plateau(r.history["val_loss"], 0.01, factor=0.2, patience=10, min_lr=1e-4)
    np.testing.assert_allclose(r.history["learning_rate"], lrs, rtol=1e-7)
    a = P.dots_run("sgd", 20, lr=0.1, lam=0.01)
    b = P.dots_run(O.SGD(0.1, weight_decay=0.01), 20)
    for k in a.params:
        np.testing.assert_allclose(a.params[k], b.params[k], rtol=1e-10, atol=1e-13)
    with pytest.raises(TypeError, match="plateau"):
        P.dots_run("adam", 2, plateau=3)
    with pytest.raises(ValueError, match="optimizer"):
        P.dots_run("lion", 2)


def test_early_stopping_view_applies_the_rule_to_the_record():
    r = P.dots_run("adam", 120, lr=0.01)
    v = P.early_stopping_view(r, 20)
    assert (v["marks"]["stop"], v["marks"]["restored"]) == early_stopping_epoch(r.history["val_loss"], 20)
    assert P.early_stopping_view(r, 1000)["marks"].keys() == {"restored"}
    assert "never stops" in P.early_stopping_view(r, 1000)["caption"]
    with pytest.raises(TypeError, match="run"):
        P.early_stopping_view("run")


def test_ranks_auc_handles_ties_like_roc_auc():
    rng = np.random.default_rng(0)
    y = (rng.random(40) < 0.5).astype(float)
    z = np.round(rng.normal(size=(5, 40)), 1)  # many ties
    np.testing.assert_allclose(P._ranks_auc(z, y), [M.roc_auc(y, row) for row in z])


# ---------------------------------------------------------------------------------------------
# local minima
# ---------------------------------------------------------------------------------------------
def test_abs_fit_starts_end_in_several_minima_and_the_convex_case_in_one():
    d = P.abs_fit_starts(n_starts=12, steps=400)
    assert len(set(np.round(d["final"], 3))) >= 2 and d["final"].min() < 1e-6
    assert np.ptp(d["convex_final"]) < 1e-4
    # one start of the vectorised kernel equals train.mlp_loss_and_grads with the same optimizer
    x = np.linspace(-1.0, 1.0, 21)[:, None]
    p = train.init_mlp(1, 2, 1, seed=course_lib.SEED, init="he")
    opt = O.SGD(0.1, momentum=0.9)
    for _ in range(400):
        loss, g = train.mlp_loss_and_grads(p, x, np.abs(x))
        opt.apply_gradients((g[k], p[k]) for k in p)
    assert d["curves"][0, -2] == pytest.approx(loss, rel=1e-8, abs=1e-14)


# ---------------------------------------------------------------------------------------------
# the AUC metric
# ---------------------------------------------------------------------------------------------
def test_roc_auc_is_the_pair_probability_and_matches_keras():
    rng = np.random.default_rng(3)
    y = (rng.random(60) < 0.4).astype(float)
    s = np.round(rng.normal(size=60) + y, 1)
    pos, neg = s[y == 1], s[y == 0]
    pairs = (pos[:, None] > neg[None]).mean() + 0.5 * (pos[:, None] == neg[None]).mean()
    assert M.roc_auc(y, s) == pytest.approx(pairs)
    auc = keras.metrics.AUC(num_thresholds=2001)
    auc.update_state(y, 1 / (1 + np.exp(-s)))
    assert M.roc_auc(y, s) == pytest.approx(float(auc.result()), abs=2e-3)
    assert M.roc_auc([1, 0, 1, 0], [0.9, 0.8, 0.4, 0.2]) == 0.75
    acc = keras.metrics.BinaryAccuracy(threshold=0.5)
    acc.update_state(y, 1 / (1 + np.exp(-s)))
    assert M.binary_accuracy(y, 1 / (1 + np.exp(-s))) == pytest.approx(float(acc.result()))
    with pytest.raises(ValueError, match="both classes"):
        M.roc_auc([1, 1], [0.1, 0.2])
    with pytest.raises(ValueError, match="0/1"):
        M.roc_auc([2, 0], [0.1, 0.2])


def test_figures_draw():
    runs = {"sgd": P.fit_iris("sgd", 5, name="SGD"), "adam": P.fit_iris("adam", 5, name="Adam")}
    fig, axes = plt.subplots(1, 2)
    F.draw_iris_runs(runs, axes)
    fig, ax = plt.subplots()
    F.draw_curves({k: r.loss for k, r in runs.items()}, ax, logy=True, title="t")
    F.draw_loss_vs_updates(runs, ax)
    F.draw_restarts(list(runs.values()), ax)
    fig, axes = plt.subplots(1, 2)
    F.draw_sparse_race(P.sparse_race(scales=(1.0, 0.3), steps=20), axes)
    d = P.dots_run("adam", 5)
    fig, axes = plt.subplots(1, 3)
    F.draw_monitor(d, axes, {"best": 2})
    fig, axes = plt.subplots(1, 2)
    F.draw_plateau({"a": d}, axes)
    F.draw_local_minima(P.abs_fit_starts(n_starts=3, steps=20), axes)
    F.draw_tuned_race(X.tuned_race(dim=3, condition=10.0, steps=5, n_lrs=3), axes)
    plt.close("all")


def test_public_api_exists():
    for module in (P, F, M):
        for name in module.__all__:
            assert hasattr(module, name), name


def test_stacked_restarts_equal_one_run_per_start():
    fast = P.iris_restarts("rmsprop", 3, 30, stddev=1.0, seed=5)          # a name: one stacked run
    slow = P.iris_restarts(O.get("rmsprop", 0.1, course=True), 3, 30, stddev=1.0, seed=5)  # one fit_iris per start
    for a, b in zip(fast, slow):
        assert a.name == b.name
        for f in ("loss", "test_acc", "test_loss", "step_loss", "w1", "b1"):
            np.testing.assert_array_equal(getattr(a, f), getattr(b, f))


@pytest.mark.parametrize("make", [lambda: "adam", lambda: "nag",
                                  lambda: X.step_optimizer(O.adamw_step, 0.01, weight_decay=0.1)])
def test_dots_run_packed_update_equals_four_variables(make, monkeypatch):
    a = P.dots_run(make(), 4, lam=0.01)
    assert P._packable(P._dots_optimizer(make(), None))
    monkeypatch.setattr(P, "_packable", lambda opt: False)
    b = P.dots_run(make(), 4, lam=0.01)
    for k in a.history:
        np.testing.assert_array_equal(a.history[k], b.history[k])
    for k in a.params:
        np.testing.assert_array_equal(a.params[k], b.params[k])
    assert not P._packable(O.AdamW(0.01))  # weight decay skips the biases: four variables
    assert not P._packable(O.SGD(0.1, clipnorm=1.0))


def test_dots_runs_side_by_side_equal_each_run_alone():
    """Stacked forward/backward, one optimizer per network: every number as dots_run alone, bit for bit."""
    plateau = dict(factor=0.2, patience=3, min_lr=1e-4)
    specs = {"adam": dict(optimizer="adam", lr=0.01),
             "nag": dict(optimizer="nag", lr=0.03),
             "plateau": dict(optimizer="adam", lr=0.01, plateau=plateau),
             "adamw": dict(optimizer=O.AdamW(0.01, weight_decay=0.1)),          # four variables (biases excluded)
             "l2": dict(optimizer="sgd", lr=0.1, lam=0.01),
             "decay": dict(optimizer=O.SGD(0.1, weight_decay=0.01)),
             "yours": dict(optimizer=X.step_optimizer(O.adamw_step, 0.01, weight_decay=0.1)),
             "rms, l2": dict(optimizer="rmsprop", lam=0.1)}
    together = P.dots_runs(specs, 25, n_train=60)
    for name, spec in specs.items():
        if isinstance(spec["optimizer"], O.Optimizer):  # a used optimizer instance holds its state: a fresh one
            spec = dict(spec, optimizer={"adamw": lambda: O.AdamW(0.01, weight_decay=0.1),
                                         "decay": lambda: O.SGD(0.1, weight_decay=0.01),
                                         "yours": lambda: X.step_optimizer(O.adamw_step, 0.01, weight_decay=0.1)}[name]())
        alone = P.dots_run(epochs=25, n_train=60, name=name, **spec)
        got = together[name]
        assert got.name == alone.name == name
        assert set(got.history) == set(alone.history)
        for k in alone.history:
            np.testing.assert_array_equal(got.history[k], alone.history[k], err_msg=f"{name} {k}")
        for k in alone.params:
            np.testing.assert_array_equal(got.params[k], alone.params[k], err_msg=f"{name} {k}")
    assert together["plateau"].history["learning_rate"][-1] < 0.01  # the plateau rule acted on its own network


def test_dots_runs_rejects_bad_specs():
    with pytest.raises(TypeError, match="runs must be a non-empty dict"):
        P.dots_runs({})
    with pytest.raises(TypeError, match="runs must map names"):
        P.dots_runs({"a": "adam"})
    with pytest.raises(ValueError, match="unknown argument"):
        P.dots_runs({"a": dict(optimizer="adam", momentum=0.9)})
    with pytest.raises(ValueError, match="lam"):
        P.dots_runs({"a": dict(lam=-1.0)})
