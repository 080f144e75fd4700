"""course_lib.experiments, chapter 06: the course's iris optimizer runs in numpy vs TensorFlow and the course."""


import numpy as np
import pytest

import course_lib
from course_lib import data
from course_lib.experiments import ch06_optimizers as E
from course_lib import optimizers as O

tf = course_lib.import_tf()


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
        course_loss, course_acc, _ = E.COURSE_IRIS_RESULTS[name]
        assert abs(runs[name].final_loss - course_loss) < 1e-5, name
        assert runs[name].final_acc == course_acc
        assert runs[name].loss.shape == (500,) and runs[name].test_acc.shape == (500,)
        assert runs[name].step_loss.shape == (2000,)
    assert [r.name for r in runs.values()] == ["SGD", "SGDM", "Adagrad", "RMSProp", "Adam"]


def test_rmsprop_without_epsilon_ends_in_nan_as_in_the_course(runs):
    r = runs["rmsprop"]
    assert np.isnan(r.final_loss)
    assert r.final_acc == pytest.approx(E.COURSE_IRIS_RESULTS["rmsprop"][1], abs=1e-4)
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
    tf_runs = E.iris_optimizers_course_tf(epochs=3)
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
