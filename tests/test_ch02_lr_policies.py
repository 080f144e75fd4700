"""Chapter 02's experiments, figures and reference (course_lib.experiments / figures / reference .ch02_lr_policies),
and the reduce-on-plateau policy it teaches (course_lib.nn.callbacks) against keras.callbacks.ReduceLROnPlateau."""

import subprocess
import sys

import matplotlib
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import course_lib
import course_lib.data
from course_lib.experiments import ch02_lr_policies as X
from course_lib.figures import ch02_lr_policies as F
from course_lib.nn import callbacks as CB
from course_lib.nn import schedules as S
from course_lib.reference import ch02_lr_policies as R
from course_lib.reference import replay_callback

tf = course_lib.import_tf()
import keras  # noqa: E402  (after import_tf, which silences TensorFlow)

RNG = np.random.default_rng(2024)
PROPS = settings(max_examples=60, deadline=None)


# --------------------------------------------------------------------------------------------
# reduce on plateau (the policy of § 7) against the Keras callback
# --------------------------------------------------------------------------------------------
def _keras_plateau(losses, lr0, mode, **kw):
    cb = keras.callbacks.ReduceLROnPlateau(monitor="loss", mode=mode, **kw)
    logs, _ = replay_callback(cb, losses, "loss", lr0)
    return np.array([log["learning_rate"] for log in logs])


@pytest.mark.filterwarnings("ignore:__array__ implementation:DeprecationWarning")  # inside Keras' callback
def test_reduce_lr_on_plateau_matches_keras_callback():
    for trial in range(30):
        n = 120
        losses = 1 / (1 + 0.05 * np.arange(n)) + RNG.normal(0, RNG.choice([1e-5, 1e-3, 1e-2]), n)
        if trial % 3 == 0:
            losses = np.round(losses, 3)  # ties: "no improvement"
        kw = dict(factor=float(RNG.uniform(0.1, 0.9)), patience=int(RNG.integers(0, 8)),
                  min_delta=float(RNG.choice([0, 1e-4, 1e-3, 1e-2])), cooldown=int(RNG.integers(0, 4)),
                  min_lr=float(RNG.choice([0, 1e-4, 1e-3])))
        mode = "max" if trial % 5 == 0 else "min"
        lr0 = float(10 ** RNG.uniform(-3, 0))
        ours = CB.reduce_lr_on_plateau(losses, lr0, mode=mode, **kw)
        np.testing.assert_array_equal(ours, _keras_plateau(losses, lr0, mode, **kw), err_msg=str((kw, mode)))


def test_reduce_lr_on_plateau_worked_case():
    losses = [1.0, 0.5, 0.5, 0.5, 0.4, 0.4, 0.4, 0.4]
    lr = CB.reduce_lr_on_plateau(losses, 1.0, factor=0.5, patience=2, min_delta=0.0)
    # improvement at epochs 0, 1, 4; two stalls (2, 3) cut after epoch 3; two more (5, 6) after epoch 6
    np.testing.assert_allclose(lr, [1, 1, 1, 1, 0.5, 0.5, 0.5, 0.25])


def test_reduce_lr_on_plateau_class_is_stateful_and_resets():
    p = CB.ReduceLROnPlateau(0.1, factor=0.5, patience=0)
    assert [p.update(v) for v in (1.0, 1.0, 1.0)] == pytest.approx([0.1, 0.05, 0.025])
    p.reset()
    assert p.learning_rate == pytest.approx(0.1) and p.best is None


@pytest.mark.parametrize("kw, arg", [
    (dict(initial_learning_rate=0.0), "initial_learning_rate"),
    (dict(initial_learning_rate=0.1, factor=1.0), "factor"),
    (dict(initial_learning_rate=0.1, factor=0.0), "factor"),
    (dict(initial_learning_rate=0.1, min_delta=-1.0), "min_delta"),
    (dict(initial_learning_rate=0.1, min_lr=-1.0), "min_lr"),
    (dict(initial_learning_rate=0.1, mode="up"), "mode"),
])
def test_plateau_bad_arguments(kw, arg):
    with pytest.raises(ValueError, match=arg):
        CB.reduce_lr_on_plateau([1.0, 0.9], **kw)


def test_plateau_bad_losses_and_counts():
    with pytest.raises(ValueError, match="losses"):
        CB.reduce_lr_on_plateau([[1.0]], 0.1)
    with pytest.raises(ValueError, match="losses"):
        CB.reduce_lr_on_plateau([1.0, np.nan], 0.1)
    with pytest.raises(ValueError, match="patience"):
        CB.reduce_lr_on_plateau([1.0], 0.1, patience=-1)
    with pytest.raises(TypeError, match="cooldown"):
        CB.reduce_lr_on_plateau([1.0], 0.1, cooldown=1.5)


@PROPS
@given(st.lists(st.floats(1e-3, 10.0), min_size=1, max_size=60), st.floats(0.01, 0.99), st.integers(0, 5),
       st.integers(0, 3), st.sampled_from([0.0, 1e-4]))
def test_plateau_never_increases_and_respects_min_lr(losses, factor, patience, cooldown, min_lr):
    lr = CB.reduce_lr_on_plateau(losses, 0.1, factor=factor, patience=patience, cooldown=cooldown, min_lr=min_lr)
    assert lr[0] == pytest.approx(0.1) and np.all(np.diff(lr) <= 0)
    assert np.all(lr >= np.float32(min_lr) * (1 - 1e-6))
    decreasing = np.sort(losses)[::-1] - np.arange(len(losses))  # strictly better every epoch: no cut
    assert np.all(CB.reduce_lr_on_plateau(decreasing, 0.1, factor=factor, patience=patience) == lr[0])


# --------------------------------------------------------------------------------------------
# the course's example and the training helper
# --------------------------------------------------------------------------------------------
def test_minimise_quadratic_is_the_course_loop_bit_for_bit():
    lr_fn = lambda e: 0.2 * 0.99 ** (e / 1)
    w = tf.Variable(tf.constant(5, dtype=tf.float32))
    ws, losses = [], []
    for epoch in range(40):  # the course's class2 p10 code
        with tf.GradientTape() as tape:
            loss = tf.square(w + 1)
        grads = tape.gradient(loss, w)
        w.assign_sub(lr_fn(epoch) * grads)
        ws.append(float(w.numpy()))
        losses.append(float(loss))
    ours = X.minimise_quadratic(lambda e: S.exponential_decay(e, 0.2, 1, 0.99), epochs=40)
    np.testing.assert_array_equal(ours["w"], ws)
    np.testing.assert_array_equal(ours["loss"], losses)
    np.testing.assert_allclose(ours["lr"], [lr_fn(e) for e in range(40)], rtol=1e-15)


def test_course_table_reproduces_the_printed_numbers():
    for quantity, course, ours in R.course_lr_decay_table():
        assert ours == course, quantity


def test_minimise_quadratic_constant_rates():
    assert X.minimise_quadratic(0.5, epochs=1, dtype="float64")["w"][0] == -1.0  # lr = 1/2: one step to the optimum
    osc = X.minimise_quadratic(1.0, epochs=4, dtype="float64")["w_path"]
    np.testing.assert_array_equal(osc, [5, -7, 5, -7, 5])  # lr = 1: w + 1 flips sign forever
    with pytest.raises(ValueError, match="learning_rate"):
        X.minimise_quadratic(0.0)
    with pytest.raises(ValueError, match="dtype"):
        X.minimise_quadratic(0.1, dtype="float16")


def test_train_with_schedules_is_deterministic_and_follows_the_policy():
    cosine = S.make_schedule("cosine_decay", initial_learning_rate=1.0, decay_steps=80)
    plateau = CB.ReduceLROnPlateau(1.0, factor=0.5, patience=1, min_delta=1e-2)
    pol = {"constant": 0.5, "cosine": cosine, "lambda": lambda step: 0.5, "plateau": plateau}
    a = X.train_with_schedules(pol, epochs=12, hidden=4)
    b = X.train_with_schedules(pol, epochs=12, hidden=4)
    for k in pol:
        np.testing.assert_array_equal(a[k].loss, b[k].loss)
    np.testing.assert_array_equal(a["constant"].loss, a["lambda"].loss)  # only the learning rate matters
    assert a["constant"].steps_per_epoch == 8 and len(a["cosine"].lr) == 96
    np.testing.assert_allclose(a["cosine"].lr, cosine(np.arange(96)), rtol=1e-6, atol=1e-7)
    # the plateau run used the learning rates the policy picks from its own losses
    spe = a["plateau"].steps_per_epoch
    np.testing.assert_allclose(a["plateau"].lr[::spe], CB.reduce_lr_on_plateau(a["plateau"].loss, 1.0, factor=0.5,
                                                                            patience=1, min_delta=1e-2))
    assert plateau.best is None  # the caller's policy object is not consumed
    assert np.all(np.isfinite(a["cosine"].loss)) and 0 <= a["cosine"].test_accuracy <= 1


def test_train_with_schedules_bad_input():
    with pytest.raises(ValueError, match="schedules"):
        X.train_with_schedules({})
    with pytest.raises(ValueError, match="dataset"):
        X.train_with_schedules({"c": 0.1}, dataset="mnist")
    with pytest.raises(ValueError, match="learning_rate"):
        X.train_with_schedules({"c": -0.1})
    with pytest.raises(ValueError, match="schedules must give"):
        X.train_with_schedules({"c": lambda step: np.full(np.shape(step), np.nan)})


# --------------------------------------------------------------------------------------------
# the compute halves of the figures
# --------------------------------------------------------------------------------------------
def test_views_return_what_the_plots_draw():
    v = X.exponential_view(0.1, 10, 0.5)
    smooth, stair = v["curves"].values()
    assert len(v["steps"]) == 101 and np.all(stair >= smooth - 1e-15)
    assert X.piecewise_view(90, 20)["vlines"] == [90, 110]  # the second boundary past the plot is fine
    ov = X.overlay_view(**{k: True for k in X.DEFAULTS})
    assert set(ov["curves"]) == set(X.DEFAULTS)
    assert all(c[0] == pytest.approx(0.1) or k == "warmup_cosine" for k, c in ov["curves"].items())
    with pytest.raises(ValueError, match="show"):
        X.overlay_view(linear=True)
    q = X.quadratic_view(0.2, 0.99)
    assert len(q["runs"]) == 1 and len(q["reference"]) == 1
    assert X.schedule_view("piecewise_constant_decay", boundaries=[3], values=[1.0, 0.5])["steps_post"]
    pl = X.plateau_view([1.0] * 12, 0.1, factor=0.5, patience=2)
    np.testing.assert_array_equal(pl["cuts"], [3, 5, 7, 9, 11])  # a cut after every 2 stalls
    assert list(X.training_view({"constant": 1, "a": 2, "b": 3}, "b")["runs"]) == ["constant", "b"]
    assert list(X.training_view({"constant": 1, "a": 2, "b": 3}, "b", show_all=True)["runs"]) == ["constant", "a", "b"]
    with pytest.raises(ValueError, match="schedule"):
        X.training_view({"constant": None}, "b")
    with pytest.raises(ValueError, match="peak_learning_rate"):
        X.warmup_view({1.0: {}}, 2.0)


def test_compare_with_keras_rows():
    rows = R.ch02_vs_tensorflow(n_steps=300, losses=[1.0, 0.9, 0.9, 0.9, 0.8],
                                plateau=dict(initial_learning_rate=0.1, patience=1, factor=0.5))
    assert [r[0] for r in rows] == [*X.DEFAULTS, "course (w+1)^2 loop", "reduce_lr_on_plateau"]
    assert all(d < 5e-8 for _, _, d in rows[:-2])  # float32 rounding of a 0.1-sized rate
    assert rows[-2][2] == 0 and rows[-1][2] == 0


@pytest.mark.parametrize("module", [X, F, R])
def test_all_is_public_api(module):
    for name in module.__all__:
        assert hasattr(module, name), name


def test_experiments_and_reference_import_without_tensorflow():
    code = ("import sys, course_lib.experiments.ch02_lr_policies, course_lib.reference.ch02_lr_policies; "
            "print('tensorflow' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_dots_split_is_dots_in_order():
    (x, y), (xt, yt) = course_lib.data.dots_split(240)
    X_all, y_all = course_lib.data.dots()
    np.testing.assert_array_equal(np.concatenate([x, xt]), X_all)
    np.testing.assert_array_equal(np.concatenate([y, yt]), y_all)
    assert len(x) == 240 and len(xt) == 60
    with pytest.raises(ValueError, match="n_train"):
        course_lib.data.dots_split(300)
    with pytest.raises(TypeError, match="n_train"):
        course_lib.data.dots_split(24.0)


def test_figures_draw_every_view():
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax1, ax2) = plt.subplots(1, 2)
    F.draw_schedules(X.overlay_view(logy=True, **{k: True for k in X.DEFAULTS}), ax1)
    F.draw_schedules(X.piecewise_view(), ax2)
    fig, axes = plt.subplots(1, 3)
    F.draw_quadratic_runs(X.quadratic_runs({"a": 0.1, "b": 0.9}), axes)
    fig, axes = plt.subplots(1, 2)
    F.draw_quadratic_runs(X.quadratic_view(), axes)
    run = X.TrainingRun(np.array([0.5, 0.4]), np.full(4, 0.1, np.float32), 2, 0.5)
    fig, axes = plt.subplots(1, 2)
    F.draw_training_runs(X.training_view({"constant": run, "b": run}, "b", show_all=True), axes)
    fig, axes = plt.subplots(1, 2)
    F.draw_plateau(X.plateau_view([1.0] * 12, 0.1, factor=0.5, patience=2), axes)
    plt.close("all")


def test_training_loop_is_what_model_fit_does():
    tr = X._trainer("dots", 4, 32, 3, 42)
    ours = tr.run(lr_table=np.full(3 * tr.steps_per_epoch, 0.5, np.float32)).loss
    model = keras.models.clone_model(tr.model)
    model.set_weights(tr.initial_weights)
    model.compile(optimizer=keras.optimizers.SGD(0.5), loss=keras.losses.BinaryCrossentropy())
    y = tr.y.reshape(-1, 1).astype(np.float32)
    fit = [model.fit(tr.x[p], y[p], batch_size=32, epochs=1, shuffle=False, verbose=0).history["loss"][0]
           for p in tr.perms]
    np.testing.assert_allclose(ours, fit, rtol=1e-5)
