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
    a = X.train_with_schedules(pol, epochs=12)
    b = X.train_with_schedules(pol, epochs=12)
    for k in pol:
        np.testing.assert_array_equal(a[k].loss, b[k].loss)
        np.testing.assert_array_equal(a[k].val_loss, b[k].val_loss)
    np.testing.assert_array_equal(a["constant"].loss, a["lambda"].loss)  # only the learning rate matters
    assert a["constant"].steps_per_epoch == 8 and len(a["cosine"].lr) == 96
    np.testing.assert_allclose(a["cosine"].lr, cosine(np.arange(96)), rtol=1e-6, atol=1e-7)
    # the plateau run used the learning rates the policy picks from its own held-out losses
    spe = a["plateau"].steps_per_epoch
    np.testing.assert_allclose(a["plateau"].lr[::spe], CB.reduce_lr_on_plateau(a["plateau"].val_loss, 1.0, factor=0.5,
                                                                               patience=1, min_delta=1e-2))
    on_loss = X.train_with_schedules({"plateau": plateau}, epochs=12, monitor="loss")["plateau"]
    np.testing.assert_allclose(on_loss.lr[::spe], CB.reduce_lr_on_plateau(on_loss.loss, 1.0, factor=0.5, patience=1,
                                                                          min_delta=1e-2))
    assert plateau.best is None  # the caller's policy object is not consumed
    r = a["cosine"]
    assert np.all(np.isfinite(r.loss)) and np.all((0 <= r.val_accuracy) & (r.val_accuracy <= 1))
    assert r.val_loss.shape == r.val_accuracy.shape == (12,) and 0 <= r.dead_units <= X.TASK["hidden"]


def test_a_huge_constant_rate_kills_every_relu_and_the_network_answers_one_class():
    run = X.train_with_schedules({"huge": 8.0}, epochs=100)["huge"]  # the peak-8 run of section 7
    (_, _), (_, y_test) = X.dots_task()
    share = max(np.mean(y_test == 0), np.mean(y_test == 1))
    assert run.dead_units == X.TASK["hidden"]
    assert abs(run.val_accuracy[-1] - share) < 0.01


def test_train_with_schedules_bad_input():
    with pytest.raises(ValueError, match="schedules"):
        X.train_with_schedules({})
    with pytest.raises(ValueError, match="monitor"):
        X.train_with_schedules({"c": 0.1}, monitor="val_accuracy")
    with pytest.raises(ValueError, match="learning_rate"):
        X.train_with_schedules({"c": -0.1})
    with pytest.raises(ValueError, match="schedules must give"):
        X.train_with_schedules({"c": lambda step: np.full(np.shape(step), np.nan)})


def test_dots_task_is_dots_split_standardised_by_the_training_set():
    (x, y), (xt, yt) = X.dots_task()
    (rx, ry), (rxt, ryt) = course_lib.data.dots_split(240, 1000)
    assert x.dtype == xt.dtype == y.dtype == np.float32 and x.shape == (240, 2) and xt.shape == (1000, 2)
    assert y.shape == (240, 1) and yt.shape == (1000, 1)
    np.testing.assert_allclose(x.mean(0), 0, atol=1e-6)
    np.testing.assert_allclose(x.std(0), 1, rtol=1e-5)
    mu, sd = rx.mean(0), rx.std(0)
    np.testing.assert_allclose(xt, (rxt - mu) / sd, rtol=1e-6, atol=1e-6)
    np.testing.assert_array_equal(yt[:, 0], ryt)
    x[0, 0] = 99.0  # a copy: the cached task is untouched
    assert X.dots_task()[0][0][0, 0] != 99.0


def test_comparison_policies_and_rows():
    pol = X.comparison_policies(3.0, 100, 8)
    assert list(pol)[:2] == ["constant", "small_constant"] and pol["small_constant"] == pytest.approx(0.3)
    assert pol["exponential"](160) == pytest.approx(1.5)  # halved after 20 epochs
    assert pol["warmup_cosine"](80) == pytest.approx(3.0) and pol["warmup_cosine"](0) == 0
    assert pol["piecewise"](320) == 3.0 and pol["piecewise"](321) == 0.75
    assert X.first_epoch_below([0.5, 0.2, 0.09, 0.2], 0.1) == 2 and X.first_epoch_below([0.5], 0.1) is None
    run = X.TrainingRun(np.array([0.5, 0.3, 0.4]), np.array([0.4, 0.05, 0.08]), np.array([0.5, 0.9, 0.8]),
                        np.full(6, 0.1), 2)
    assert X.comparison_rows({"a": run}, threshold=0.1, last=2) == [
        ("a", 1, pytest.approx(0.08), pytest.approx(0.03), pytest.approx(0.8), pytest.approx(0.3), 1)]
    with pytest.raises(ValueError, match="warmup_epochs"):
        X.warmup_policies(3.0, epochs=10, warmup_epochs=10)


def test_warmup_exponential_ramps_then_decays_and_matches_a_keras_schedule():
    steps = np.arange(0, 600)
    lr = X.warmup_exponential(steps, 3.0, 40, 160, 0.5)
    np.testing.assert_allclose(lr[:40], 3.0 * steps[:40] / 40)
    np.testing.assert_allclose(lr[40:], S.exponential_decay(steps[40:] - 40, 3.0, 160, 0.5))
    assert X.warmup_exponential(200, 3.0, 40, 160, 0.5) == pytest.approx(1.5)

    class WarmupExponential(keras.optimizers.schedules.LearningRateSchedule):  # the exercise's answer
        def __call__(self, step):
            t = keras.ops.cast(step, "float32")
            return keras.ops.where(t < 40, 3.0 * t / 40, 3.0 * keras.ops.power(0.5, (t - 40) / 160))

    np.testing.assert_allclose(np.asarray(WarmupExponential()(steps)), lr, rtol=1e-5, atol=1e-7)
    with pytest.raises(ValueError, match="step"):
        X.warmup_exponential(-1, 3.0, 40, 160, 0.5)


# --------------------------------------------------------------------------------------------
# the compute halves of the figures
# --------------------------------------------------------------------------------------------
def _run(val=(0.5, 0.4)):
    return X.TrainingRun(np.array([0.5, 0.4]), np.array(val), np.array([0.8, 0.9]), np.full(4, 0.1, np.float32), 2)


def test_views_return_what_the_plots_draw():
    v = X.exponential_view(0.1, 10, 0.5)
    smooth, stair = v["curves"].values()
    assert len(v["steps"]) == 101 and np.all(stair >= smooth - 1e-15)
    ov = X.overlay_view(**{k: True for k in X.DEFAULTS})
    assert set(ov["curves"]) == set(X.DEFAULTS)
    assert all(c[0] == pytest.approx(0.1) or k == "warmup_cosine" for k, c in ov["curves"].items())
    with pytest.raises(ValueError, match="show"):
        X.overlay_view(linear=True)
    q = X.quadratic_view(0.2, 0.99)
    assert len(q["runs"]) == 1 and len(q["reference"]) == 1
    assert "lr(25) = 0.01768" in X.schedule_caption(v)
    w = X.warmup_view({1.0: {"constant": _run()}}, 1.0)
    assert list(w["runs"]) == ["constant"] and "1" in w["title"]
    assert "held-out accuracy 0.900" in X.training_caption(w)
    with pytest.raises(ValueError, match="peak_learning_rate"):
        X.warmup_view({1.0: {}}, 2.0)


def test_ch02_vs_tensorflow_rows():
    rows = R.ch02_vs_tensorflow(n_steps=300, losses=[1.0, 0.9, 0.9, 0.9, 0.8],
                                plateau=dict(initial_learning_rate=0.1, patience=1, factor=0.5))
    assert [r[0] for r in rows] == [*X.DEFAULTS, "course (w+1)^2 loop", "reduce_lr_on_plateau"]
    assert all(d < 5e-8 for _, _, d in rows[:-2])  # float32 rounding of a 0.1-sized rate
    assert rows[-2][2] == 0 and rows[-1][2] == 0


def test_restart_rows_show_where_keras_misses_a_restart():
    rows = R.restart_rows(0.1, 10, 3.0, 0.8, n_steps=1000)
    assert [s for s, _, _ in rows] == [10, 40, 130, 400]
    for step, ours, theirs in rows:
        assert ours == pytest.approx(0.1 * 0.8 ** [10, 40, 130, 400].index(step) * 0.8)
        assert theirs == pytest.approx(ours, rel=1e-6) or theirs == 0.0  # Keras: the restart or the old period's end
    assert any(t == 0.0 for _, _, t in rows)


def test_fast_training_loop_is_what_model_fit_does():
    rows = R.trainer_vs_fit(epochs=3)  # a constant rate and exponential decay from 3.0, in compile
    assert [r[0] for r in rows] == list(R.FIT_POLICIES)
    for name, d_train, d_val in rows:
        assert d_train < 1e-5 and d_val < 1e-5, name
    with pytest.raises(TypeError, match="policies"):
        R.trainer_vs_fit(epochs=1, policies={"c": ("no_such_schedule", {})})


def test_fast_training_loop_is_the_readable_loop():
    """The batched numpy kernel = train.fit + train.mlp_loss_and_grads (bce) + nn.optimizers.SGD, run by run."""
    from course_lib import train
    from course_lib.nn import optimizers as O

    epochs, seed = 4, 3
    cosine = S.make_schedule("cosine_decay", initial_learning_rate=2.0, decay_steps=30)
    plateau = CB.ReduceLROnPlateau(1.0, factor=0.5, patience=1, min_delta=0.05)
    fast = X.train_with_schedules({"constant": 0.7, "cosine": cosine, "plateau": plateau}, epochs=epochs, seed=seed)
    (x, y), (xt, yt) = X.dots_task()
    orders = X.batch_orders(epochs, seed)
    for name, run in fast.items():
        params = X.initial_weights(seed)
        losses, val = [], []

        def loss_and_grads(p, xb, yb, losses=losses):
            loss, grads = train.mlp_loss_and_grads(p, xb, yb, loss="bce")
            losses.append(loss * len(xb))
            return loss, grads

        def on_epoch_end(epoch, p, _, val=val):
            val.append(train.mlp_loss_and_grads(p, xt, yt, loss="bce")[0])

        def batches(epoch):
            for a in range(0, len(x), 32):
                idx = orders[epoch][a:a + 32]
                yield x[idx].astype(float), y[idx].astype(float)

        step_lr = lambda t, r=run: float(r.lr[int(t)])  # the rates the run used (a plateau run's are decided online)
        train.fit(params, loss_and_grads, batches, O.SGD(step_lr), epochs, on_epoch_end=on_epoch_end)
        np.testing.assert_allclose(run.loss, np.add.reduceat(losses, np.arange(0, 8 * epochs, 8)) / len(x),
                                   rtol=1e-10, err_msg=name)
        np.testing.assert_allclose(run.val_loss, val, rtol=1e-10, err_msg=name)
        hidden = np.maximum(x @ params["W1"] + params["b1"], 0)
        assert run.dead_units == int(np.sum(np.all(hidden <= 0, axis=0)))


def test_initial_weights_are_keras_glorot_with_the_seeds_of_section_5():
    w = X.initial_weights(42)
    for key, k, shape in (("W1", 1, (2, 16)), ("W2", 2, (16, 1))):
        np.testing.assert_array_equal(w[key], np.asarray(keras.initializers.GlorotUniform(seed=42 + k)(shape)))
    assert not w["b1"].any() and not w["b2"].any()
    w["W1"][0, 0] = 99.0  # a copy: the cached weights are untouched
    assert X.initial_weights(42)["W1"][0, 0] != 99.0
    orders = X.batch_orders(3, 42)
    assert len(orders) == 3 and all(np.array_equal(np.sort(o), np.arange(240)) for o in orders)
    assert not np.array_equal(orders[0], orders[1])


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
    (x, y), (xt, yt) = course_lib.data.dots_split()
    X_all, y_all = course_lib.data.dots()
    np.testing.assert_array_equal(np.concatenate([x, xt]), X_all)
    np.testing.assert_array_equal(np.concatenate([y, yt]), y_all)
    assert len(x) == 240 and len(xt) == 60
    (x2, _), (xt2, _) = course_lib.data.dots_split(240, 1000)  # more test points: dot.csv's 60 come first
    np.testing.assert_array_equal(x2, x)
    np.testing.assert_array_equal(xt2[:60], xt)
    with pytest.raises(ValueError, match="n_test"):
        course_lib.data.dots_split(240, 0)
    with pytest.raises(TypeError, match="n_train"):
        course_lib.data.dots_split(24.0)


def test_figures_draw_every_view():
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax1, ax2) = plt.subplots(1, 2)
    F.draw_schedules(X.overlay_view(logy=True, **{k: True for k in X.DEFAULTS}), ax1)
    F.draw_schedules(X.exponential_view(), ax2)
    fig, axes = plt.subplots(1, 2)
    F.draw_constant_rates(X.quadratic_runs({"a": 0.1, "b": 1.2}), axes)
    fig, axes = plt.subplots(1, 2)
    F.draw_quadratic_runs(X.quadratic_view(), axes)
    fig, axes = plt.subplots(2, 2)
    F.draw_policy_grid({"constant": _run(), "b": _run((0.2, 0.1)), "c": _run()}, axes)
    assert not axes[1, 1].get_visible()
    fig, axes = plt.subplots(1, 2)
    F.draw_training_runs(X.warmup_view({1.0: {"constant": _run(), "b": _run()}}, 1.0), axes)
    plt.close("all")
