"""Chapter 06's experiments, figures and reference: the 2-D races, the course's iris runs in numpy vs
TensorFlow and the course, the one-table check against Keras."""


import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import course_lib  # noqa: E402
from course_lib import data, train  # noqa: E402
from course_lib.experiments import ch06_optimizers as E  # noqa: E402
from course_lib.figures import ch06_optimizers as F  # noqa: E402
from course_lib.nn import optimizers as O  # noqa: E402
from course_lib.nn.callbacks import early_stopping_epoch  # noqa: E402
from course_lib.reference import ch06_optimizers as REF  # noqa: E402

tf = course_lib.import_tf()


# ---------------------------------------------------------------------------------------------
# surfaces, trajectories, races
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(E.SURFACES))
def test_surface_gradients_match_tf(name):
    s = E.SURFACES[name]
    rng = np.random.default_rng(1)
    pts = rng.uniform(-2, 2, size=(6, 2))
    for x, y in pts:
        xv, yv = tf.Variable(x), tf.Variable(y)
        with tf.GradientTape() as tape:
            f = s.f(xv, yv)
        want = [t.numpy() for t in tape.gradient(f, [xv, yv])]
        np.testing.assert_allclose(s.grad(x, y), want, rtol=1e-10, atol=1e-10)
    if s.minimum is not None:
        np.testing.assert_allclose(s.grad(*s.minimum), 0, atol=1e-12)


def test_trajectory_converges_or_is_cut_when_it_diverges():
    q = E.SURFACES["quadratic"]
    p = E.trajectory(O.SGD(0.4), q.grad, q.x0, 200)
    assert p.shape == (201, 2) and np.allclose(p[-1], 0, atol=1e-5)
    np.testing.assert_array_equal(p[0], q.x0)
    p = E.trajectory(O.SGD(0.6), q.grad, q.x0, 200)  # lr · 4 > 2: x2 oscillates and grows
    assert len(p) < 201 and np.all(np.isfinite(p))


def test_race_is_cached_and_reports_divergence():
    a = E.race("quadratic", ("SGD", "Adam"), lr=0.6, steps=100)
    assert E.race("quadratic", ("SGD", "Adam"), lr=0.6, steps=100) is a
    assert a["diverged"] == {"SGD": True, "Adam": False}
    assert set(a) >= {"paths", "losses", "steps", "surface"}
    for name in E.RACE_NAMES:
        d = E.race("beale", (name,), lr=0.001, lr_adaptive=0.05, steps=20)
        assert len(d["paths"][name]) == 21 and np.all(np.isfinite(d["losses"][name]))


@pytest.mark.parametrize("surface, lr", [("quadratic", 0.45), ("quadratic", 0.55), ("rosenbrock", 0.45)])
def test_a_shorter_race_is_a_prefix_of_a_longer_one(surface, lr):
    names, kw = ("SGD", "SGDM", "Adam"), dict(lr=lr, lr_adaptive=0.3, momentum=0.7)
    E.race(surface, names, steps=37, **kw)
    E.race(surface, names, steps=38, **kw)  # computes 74 steps, slices 38
    diverged_somewhere = False
    for steps in (38, 60, 74, 75, 5, 0):  # sliced from the cache, or computed longer
        got = E.race(surface, names, steps=steps, **kw)
        fresh = E._race_run(surface, names, *(float(kw[k]) for k in ("lr", "lr_adaptive", "momentum")),
                            0.9, 0.999, 0.9, steps)
        assert got["params"] == fresh["params"] and got["diverged"] == fresh["diverged"]
        diverged_somewhere = diverged_somewhere or any(got["diverged"].values())
        for part in ("paths", "losses", "steps"):
            for n in names:
                np.testing.assert_array_equal(got[part][n], fresh[part][n])
    if surface == "quadratic":
        assert diverged_somewhere == (lr > 0.5)  # SGD diverges on the quadratic when lr > 0.5, mid-run


def test_sgdm_overshoots_on_the_quadratic_and_sgd_does_not():
    d = E.race("quadratic", ("SGD", "SGDM"), lr=0.4, momentum=0.9, steps=60)
    assert d["paths"]["SGDM"][:, 0].max() > 0.5  # x1 starts at -5 and overshoots the optimum at 0
    assert d["paths"]["SGD"][:, 0].max() <= 0




def test_adam_effective_step():
    np.testing.assert_allclose(E.adam_effective_step(3, bias_correction=False)[0], 0.1 / np.sqrt(0.001))
    np.testing.assert_array_equal(E.adam_effective_step(3), 1.0)


def test_tuned_race_momentum_wins_on_the_rotated_quadratic():
    d = E.tuned_race(dim=4, condition=30.0, steps=60, seed=1, n_lrs=9)
    sgdm, adam = d["runs"]["SGD + momentum"], d["runs"]["Adam"]
    assert sgdm["best"]["final"] < adam["best"]["final"]
    assert len(sgdm["final"]) == 9 and len(sgdm["curve"]) == 61
    A, x0 = E.rotated_quadratic(4, 30.0, 1)
    np.testing.assert_allclose(A, A.T)
    np.testing.assert_allclose(np.linalg.eigvalsh(A)[[0, -1]], [1.0, 30.0])
    assert sgdm["curve"][0] == pytest.approx(0.5 * x0 @ A @ x0)


def test_race_and_trajectory_bad_input():
    with pytest.raises(ValueError, match="steps"):
        E.trajectory(O.SGD(), E.SURFACES["quadratic"].grad, (0, 0), -1)
    with pytest.raises(ValueError, match="surface"):
        E.race("himmelblau")
    with pytest.raises(ValueError, match="names"):
        E.race("quadratic", ("Lion",))
    with pytest.raises(TypeError, match="x0"):
        E.trajectory(O.SGD(), E.SURFACES["quadratic"].grad, (0.0, 0.0, 1.0), 3)
    with pytest.raises(ValueError, match="lr_adaptive"):
        E.race("quadratic", ("Adam",), lr_adaptive=-1.0)
    with pytest.raises(TypeError, match="optimizer"):
        E.trajectory("sgd", E.SURFACES["quadratic"].grad, (0.0, 0.0), 3)


# ---------------------------------------------------------------------------------------------
# the course's iris model
# ---------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def runs():
    return E.iris_optimizers()


def test_shipped_initial_weights_are_what_tensorflow_draws():
    tf.random.set_seed(116)
    w1 = tf.random.truncated_normal([4, 3], stddev=0.1, seed=1).numpy()
    b1 = tf.random.truncated_normal([3], stddev=0.1, seed=1).numpy()
    np.testing.assert_array_equal(E.IRIS_W1_INIT, w1)
    np.testing.assert_array_equal(E.IRIS_B1_INIT, b1)
    assert E.IRIS_W1_INIT.dtype == np.float32
    w, _ = E.iris_initial_weights()
    w[0, 0] = 99.0
    assert E.IRIS_W1_INIT[0, 0] != 99.0  # copies


@pytest.mark.parametrize("n", [32, 24, 5])
def test_gradient_matches_gradient_tape(n):
    (x, y), _ = data.iris()
    rng = np.random.default_rng(n)
    x = x[:n].astype(np.float32)
    y1 = np.eye(3, dtype=np.float32)[y[:n]]
    w1 = rng.normal(0, 0.5, (4, 3)).astype(np.float32)
    b1 = rng.normal(0, 0.5, 3).astype(np.float32)
    loss, gw, gb = E.iris_forward_backward(x, y1, w1, b1)
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
    ieee = E.iris_optimizers(("rmsprop",), flush_to_zero=False)["rmsprop"]
    assert np.all(np.isfinite(ieee.loss)) and ieee.final_acc == 1.0
    for name in ("sgd", "adam"):
        np.testing.assert_array_equal(E.iris_optimizers((name,), flush_to_zero=False)[name].loss, runs[name].loss)


def test_numpy_runs_are_deterministic(runs):
    # Speed is measured by `make bench` (benchmarks/RESULTS.md), not asserted here.
    again = E.iris_optimizers(("sgd", "adam"))
    for name in again:
        np.testing.assert_array_equal(again[name].loss, runs[name].loss)


def test_course_tf_loop_agrees_with_numpy_on_a_few_epochs():
    tf_runs = REF.iris_optimizers_course_tf(epochs=3)
    np_runs = E.iris_optimizers(epochs=3)
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
    course = E.fit_iris("sgdm", 50)
    keras_form = E.fit_iris(O.SGD(0.01, momentum=0.9), 50)
    np.testing.assert_allclose(course.loss, keras_form.loss, rtol=1e-5)


def test_fast_kernel_equals_the_readable_training_loop():
    """fit_iris's float32 kernel against train.fit driving iris_forward_backward, batch for batch."""
    (x, y), _ = data.iris()
    x = x.astype(np.float32)
    y1 = np.eye(3, dtype=np.float32)[y]
    for name in ("sgd", "adam", "rmsprop"):
        w1, b1 = E.iris_initial_weights()
        params = {"w1": w1, "b1": b1}

        def loss_and_grads(p, xb, yb):
            loss, gw, gb = E.iris_forward_backward(xb, yb, p["w1"], p["b1"])
            return loss, {"w1": gw, "b1": gb}

        losses = train.fit(params, loss_and_grads, train.minibatches(x, y1, 32), O.get(name, 0.1, course=True), 20)
        fast = E.fit_iris(name, 20)
        np.testing.assert_allclose(params["w1"], fast.w1, rtol=1e-5, atol=1e-6, err_msg=name)
        np.testing.assert_allclose(params["b1"], fast.b1, rtol=1e-5, atol=1e-6, err_msg=name)
        np.testing.assert_allclose(losses, fast.step_loss[3::4], rtol=1e-5, err_msg=name)


def test_fit_iris_options():
    base = E.fit_iris("sgd", 30)
    shuffled = E.fit_iris("sgd", 30, shuffle=True, seed=1)
    assert not np.array_equal(base.loss, shuffled.loss)
    np.testing.assert_array_equal(shuffled.loss, E.fit_iris("sgd", 30, shuffle=True, seed=1).loss)
    small = E.fit_iris("sgd", 30, n_train=32)
    assert small.info["batches_per_epoch"] == 1 and len(small.step_loss) == 30
    # switching at epoch 0 is the same as running the second optimizer
    np.testing.assert_array_equal(E.fit_iris("adam", 20, switch=(0, O.SGD(0.1))).loss, E.fit_iris("sgd", 20).loss)
    switched = E.fit_iris("adam", 40, switch=(20, O.SGD(0.1)))
    np.testing.assert_array_equal(switched.loss[:20], E.fit_iris("adam", 20).loss)
    # a schedule as learning rate
    decayed = E.fit_iris("sgd", 30, lr=lambda step: 0.1 * 0.5 ** (step // 40))
    assert decayed.final_loss > base.final_loss


def test_early_stopping_stops_and_restores_the_best_weights():
    r = E.fit_iris("sgd", 500, patience=5, min_delta=1e-3)
    assert r.stopped_epoch is not None and r.epochs == r.stopped_epoch + 1 < 500
    assert r.info["best_epoch"] == r.stopped_epoch - 5
    # the rule is nn.callbacks.EarlyStopping's: the same stop on the recorded losses
    full = E.fit_iris("sgd", 500)
    assert early_stopping_epoch(full.loss, 5, 1e-3) == (r.stopped_epoch, r.info["best_epoch"])
    np.testing.assert_array_equal(full.loss[:r.epochs], r.loss)
    r2 = E.fit_iris("adam", 500, patience=10, monitor="test_loss")
    assert r2.epochs <= 500
    best = r2.info["best_epoch"]
    np.testing.assert_allclose(r2.test_loss[best], r2.test_loss.min(), rtol=1e-6)


def test_restarts_are_reproducible_and_differ():
    a = E.iris_restarts("sgd", 3, 20, seed=4)
    b = E.iris_restarts("sgd", 3, 20, seed=4)
    assert [r.final_loss for r in a] == [r.final_loss for r in b]
    assert len({r.final_loss for r in a}) == 3


def test_bad_input():
    with pytest.raises(ValueError, match="names"):
        E.iris_optimizers(("sgd", "lion"))
    with pytest.raises(ValueError, match="epochs"):
        E.iris_optimizers(epochs=0)
    with pytest.raises(ValueError, match="n_train"):
        E.fit_iris("sgd", 1, n_train=121)
    with pytest.raises(ValueError, match="batch_size"):
        E.fit_iris("sgd", 1, batch_size=0)
    with pytest.raises(ValueError, match="monitor"):
        E.fit_iris("sgd", 1, patience=1, monitor="acc")
    with pytest.raises(ValueError, match="optimizer"):
        E.fit_iris("lion", 1)
    with pytest.raises(ValueError, match="lr"):
        E.fit_iris("sgd", 1, lr=-0.1)
    with pytest.raises(TypeError, match="weights"):
        E.fit_iris("sgd", 1, weights=np.zeros(15))
    with pytest.raises(TypeError, match="names"):
        E.iris_optimizers(names=None)
    with pytest.raises(TypeError, match="optimizer"):
        E.fit_iris(3, 1)
    with pytest.raises(ValueError, match="weights"):
        E.fit_iris("sgd", 1, weights=(np.zeros((3, 3)), np.zeros(3)))
    with pytest.raises(ValueError, match="shapes"):
        E.iris_forward_backward(np.zeros((2, 4)), np.zeros((3, 3)), np.zeros((4, 3)), np.zeros(3))
    with pytest.raises(ValueError, match="stddev"):
        E.iris_restarts(stddev=0)
    with pytest.raises(TypeError, match="flush_to_zero"):
        E.iris_optimizers(flush_to_zero="yes")


def test_public_api_exists():
    for name in E.__all__:
        assert hasattr(E, name), name


# ---------------------------------------------------------------------------------------------
# checked against Keras (the chapter's one table); the figures draw
# ---------------------------------------------------------------------------------------------
def test_compare_with_keras_table():
    rows = REF.ch06_vs_tensorflow(steps=10)
    assert [r[0] for r in rows] == [c[0] for c in REF.KERAS_CASES]
    for label, diff, scale in rows:
        assert diff <= 2e-6 * max(scale, 1.0), label
    with pytest.raises(TypeError, match="cases"):
        REF.compare_with_keras(2, cases=("SGD",))
    with pytest.raises(ValueError, match="cases"):
        REF.compare_with_keras(2, cases=(("x", "Lion", {}),))


def test_figures_draw():
    fig, axes = plt.subplots(1, 3)
    F.draw_optimizer_race(E.race("quadratic", ("SGD", "Adam"), steps=10), axes)
    fig, axes = plt.subplots(1, 2)
    F.draw_tuned_race(E.tuned_race(dim=3, condition=10.0, steps=5, n_lrs=3), axes)
    runs = {"sgd": E.fit_iris("sgd", 5, name="SGD"), "adam": E.fit_iris("adam", 5, name="Adam")}
    fig, axes = plt.subplots(1, 2)
    F.draw_iris_runs(runs, axes)
    fig, ax = plt.subplots()
    F.draw_curves({k: r.loss for k, r in runs.items()}, ax, logy=True)
    F.draw_step_losses(runs, ax)
    F.draw_loss_vs_updates(runs, ax)
    F.draw_restarts(list(runs.values()), ax)
    F.draw_adam_bias({"with": E.adam_effective_step(10)}, ax)
    plt.close("all")
