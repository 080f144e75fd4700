"""course_lib.schedules against keras.optimizers.schedules and keras.callbacks.ReduceLROnPlateau."""

import math
from functools import partial

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import course_lib
from course_lib import schedules as S

tf = course_lib.import_tf()
import keras  # noqa: E402  (after import_tf, which silences TensorFlow)

K = keras.optimizers.schedules
RNG = np.random.default_rng(2024)
STEPS = np.arange(5000)
N_PARAM_SETS = 25
PROPS = settings(max_examples=60, deadline=None)


def f32(v):
    """A float exactly representable in float32: Keras casts Python-float parameters through float32."""
    return float(np.float32(v))


def _lr0():
    return f32(10 ** RNG.uniform(-4, 0.5))


def _random_params(name):
    lr0, T = _lr0(), int(RNG.integers(1, 600))
    if name == "exponential_decay":
        return dict(initial_learning_rate=lr0, decay_steps=T, decay_rate=f32(RNG.uniform(0.05, 1.2)),
                    staircase=bool(RNG.integers(2)))
    if name == "inverse_time_decay":
        return dict(initial_learning_rate=lr0, decay_steps=T, decay_rate=f32(RNG.uniform(0, 5)),
                    staircase=bool(RNG.integers(2)))
    if name == "polynomial_decay":
        return dict(initial_learning_rate=lr0, decay_steps=T, end_learning_rate=f32(lr0 * RNG.uniform(0, 1)),
                    power=f32(RNG.uniform(0.2, 3)), cycle=bool(RNG.integers(2)))
    if name == "cosine_decay":
        return dict(initial_learning_rate=lr0, decay_steps=T, alpha=f32(RNG.uniform(0, 0.5)))
    if name == "cosine_decay_restarts":
        return dict(initial_learning_rate=lr0, first_decay_steps=T,
                    t_mul=f32(RNG.choice([1.0, 1.5, 2.0, 3.0, RNG.uniform(1, 3)])),
                    m_mul=f32(RNG.uniform(0.3, 1)), alpha=f32(RNG.uniform(0, 0.5)))
    if name == "piecewise_constant_decay":
        n = int(RNG.integers(1, 6))
        return dict(boundaries=np.sort(RNG.choice(5000, n, replace=False)).tolist(),
                    values=[f32(v) for v in RNG.uniform(1e-3, 1, n + 1)])
    raise AssertionError(name)


def _keras(name, params, dtype):
    """Keras' value on every step of STEPS; dtype float64 makes Keras compute in float64."""
    p = dict(params)
    if name == "piecewise_constant_decay":
        p["values"] = [dtype(v) for v in p["values"]]
    else:
        p["initial_learning_rate"] = dtype(p["initial_learning_rate"])
    return np.asarray(getattr(K, S.KERAS_NAMES[name])(**p)(STEPS.astype(np.float64 if dtype is np.float64
                                                                          else np.int64)), dtype=np.float64)


def _restart_steps(T0, t_mul):
    """The steps at which cosine_decay_restarts restarts (within STEPS)."""
    out, start, length = [], 0.0, float(T0)
    while start < STEPS[-1]:
        start += length
        length *= t_mul
        out.append(start)
    return np.array(out)


def _compare(name, params, dtype):
    ours = S.SCHEDULES[name](STEPS, **params)
    theirs = _keras(name, params, dtype)
    scale = max(params.get("initial_learning_rate", 0), max(params.get("values", [0])))
    tol = 1e-12 if dtype is np.float64 else 3e-6  # relative to the value or the schedule's scale
    diff = np.abs(ours - theirs) / np.maximum(scale, np.abs(theirs))
    if name == "cosine_decay_restarts":
        # Keras finds the period with a float logarithm that can land just below an integer at an
        # exact restart step; it then gives the end of the old period (alpha) where we restart.
        bad = np.flatnonzero(diff > tol)
        restarts = _restart_steps(params["first_decay_steps"], params["t_mul"])
        for s in bad:
            assert np.min(np.abs(restarts - s)) < 1e-6 * s, (s, ours[s], theirs[s])
            lr0, a = params["initial_learning_rate"], params["alpha"]
            assert theirs[s] == pytest.approx(lr0 * a, rel=1e-5, abs=1e-12 * lr0)
            assert ours[s] > theirs[s]
        diff[bad] = 0
    assert diff.max() <= tol, (params, int(diff.argmax()), ours[diff.argmax()], theirs[diff.argmax()])


@pytest.mark.parametrize("name", sorted(S.SCHEDULES))
@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["keras_float64", "keras_float32"])
def test_schedules_match_keras_on_5000_steps(name, dtype):
    for _ in range(N_PARAM_SETS):
        _compare(name, _random_params(name), dtype)


def test_cosine_decay_with_warmup_matches_keras():
    # Keras' warm-up branch uses ops.cond, so it takes one scalar step at a time.
    for _ in range(8):
        T, W = int(RNG.integers(1, 300)), int(RNG.integers(0, 100))
        params = dict(initial_learning_rate=f32(RNG.choice([0.0, RNG.uniform(0, 0.01)])), decay_steps=T,
                      alpha=f32(RNG.uniform(0, 0.3)), warmup_target=f32(RNG.uniform(0.01, 1)), warmup_steps=W)
        sched = K.CosineDecay(**{**params, "initial_learning_rate": np.float64(params["initial_learning_rate"])})
        steps = sorted({0, 1, max(W - 1, 0), W, W + 1, W + T // 2, W + T - 1, W + T, W + T + 5,
                        *RNG.integers(0, W + T + 10, 40).tolist()})
        theirs = np.array([float(sched(np.float64(s))) for s in steps])
        np.testing.assert_allclose(S.cosine_decay(np.array(steps), **params), theirs, rtol=1e-12, atol=1e-15)


def test_restart_step_gets_the_restarted_rate():
    # t_mul = 1: Keras and we agree that the step at a restart already has the full rate.
    lr = S.cosine_decay_restarts(np.array([0, 9, 10, 20]), 1.0, 10, t_mul=1.0, m_mul=0.5)
    np.testing.assert_allclose(lr[[0, 2, 3]], [1.0, 0.5, 0.25])
    # t_mul = 3: restarts after 10, 40 and 130 steps, same convention.
    lr = S.cosine_decay_restarts(np.array([10, 40, 130]), 1.0, 10, t_mul=3.0, m_mul=0.5)
    np.testing.assert_allclose(lr, [0.5, 0.25, 0.125])
    np.testing.assert_allclose(S.cosine_decay_restarts(39.999, 1.0, 10, t_mul=3.0), 0.0, atol=1e-8)


# --------------------------------------------------------------------------------------------
# reduce on plateau
# --------------------------------------------------------------------------------------------
def _keras_plateau(losses, lr0, mode, **kw):
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(lr0), loss="mse")
    cb = keras.callbacks.ReduceLROnPlateau(monitor="loss", mode=mode, **kw)
    cb.set_model(model)
    cb.on_train_begin()
    out = []
    for e, v in enumerate(losses):
        logs = {"loss": float(v)}
        cb.on_epoch_end(e, logs)
        out.append(logs["learning_rate"])
    return np.array(out)


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
        ours = S.reduce_lr_on_plateau(losses, lr0, mode=mode, **kw)
        np.testing.assert_array_equal(ours, _keras_plateau(losses, lr0, mode, **kw), err_msg=str((kw, mode)))


def test_reduce_lr_on_plateau_worked_case():
    losses = [1.0, 0.5, 0.5, 0.5, 0.4, 0.4, 0.4, 0.4]
    lr = S.reduce_lr_on_plateau(losses, 1.0, factor=0.5, patience=2, min_delta=0.0)
    # improvement at epochs 0, 1, 4; two stalls (2, 3) cut after epoch 3; two more (5, 6) after epoch 6
    np.testing.assert_allclose(lr, [1, 1, 1, 1, 0.5, 0.5, 0.5, 0.25])


def test_reduce_lr_on_plateau_class_is_stateful_and_resets():
    p = S.ReduceLROnPlateau(0.1, factor=0.5, patience=0)
    assert [p.update(v) for v in (1.0, 1.0, 1.0)] == pytest.approx([0.1, 0.05, 0.025])
    p.reset()
    assert p.learning_rate == pytest.approx(0.1) and p.best is None


# --------------------------------------------------------------------------------------------
# shapes, dtypes, the callable forms
# --------------------------------------------------------------------------------------------
DEFAULT_PARAMS = {S.DEFAULTS[k][0]: S.DEFAULTS[k][1] for k in ("exponential", "piecewise", "inverse_time",
                                                               "polynomial", "cosine", "restarts")}


@pytest.mark.parametrize("name", sorted(S.SCHEDULES))
def test_scalar_array_and_step_dtypes(name):
    fn = partial(S.SCHEDULES[name], **DEFAULT_PARAMS[name])
    steps = np.arange(0, 300, 7)
    ref = fn(steps)
    assert ref.dtype == np.float64 and ref.shape == steps.shape
    for dtype in (np.int32, np.int64, np.float32, np.float64, np.uint16):
        np.testing.assert_array_equal(fn(steps.astype(dtype)), ref)
    grid = fn(steps[:42].reshape(6, 7))
    assert grid.shape == (6, 7)
    np.testing.assert_array_equal(grid.ravel(), ref[:42])
    one = fn(13)
    assert type(one) is float and one == fn(np.array([13]))[0] == fn(np.float32(13.0))
    assert fn(np.array([], dtype=int)).shape == (0,)


@pytest.mark.parametrize("name", sorted(S.SCHEDULES))
def test_make_schedule_binds_and_converts_to_keras(name):
    params = DEFAULT_PARAMS[name]
    sched = S.make_schedule(name, **params)
    steps = np.arange(200)
    np.testing.assert_array_equal(sched(steps), S.SCHEDULES[name](steps, **params))
    np.testing.assert_allclose(np.asarray(sched.to_keras()(steps)), sched(steps), rtol=2e-6, atol=1e-7)  # Keras: float32
    assert name in repr(sched) and sched == S.Schedule(name, **params)
    lam = lambda step: S.SCHEDULES[name](step, **params)
    np.testing.assert_array_equal(lam(steps), sched(steps))


def test_make_schedule_checks_at_construction():
    with pytest.raises(ValueError, match="name"):
        S.make_schedule("linear_decay", initial_learning_rate=0.1)
    with pytest.raises(ValueError, match="decay_steps"):
        S.make_schedule("cosine_decay", initial_learning_rate=0.1, decay_steps=0)
    with pytest.raises(TypeError):
        S.make_schedule("cosine_decay", initial_learning_rate=0.1)  # decay_steps missing


# --------------------------------------------------------------------------------------------
# bad input names the argument
# --------------------------------------------------------------------------------------------
BAD = [
    (S.exponential_decay, dict(initial_learning_rate=0.0, decay_steps=10, decay_rate=0.9), "initial_learning_rate"),
    (S.exponential_decay, dict(initial_learning_rate=-0.1, decay_steps=10, decay_rate=0.9), "initial_learning_rate"),
    (S.exponential_decay, dict(initial_learning_rate=0.1, decay_steps=0, decay_rate=0.9), "decay_steps"),
    (S.exponential_decay, dict(initial_learning_rate=0.1, decay_steps=-5, decay_rate=0.9), "decay_steps"),
    (S.exponential_decay, dict(initial_learning_rate=0.1, decay_steps=10, decay_rate=0.0), "decay_rate"),
    (S.exponential_decay, dict(initial_learning_rate=math.nan, decay_steps=10, decay_rate=0.9),
     "initial_learning_rate"),
    (S.inverse_time_decay, dict(initial_learning_rate=0.0, decay_steps=10, decay_rate=1.0), "initial_learning_rate"),
    (S.inverse_time_decay, dict(initial_learning_rate=0.1, decay_steps=0, decay_rate=1.0), "decay_steps"),
    (S.inverse_time_decay, dict(initial_learning_rate=0.1, decay_steps=1, decay_rate=-1.0), "decay_rate"),
    (S.polynomial_decay, dict(initial_learning_rate=-1.0, decay_steps=10), "initial_learning_rate"),
    (S.polynomial_decay, dict(initial_learning_rate=0.1, decay_steps=0), "decay_steps"),
    (S.polynomial_decay, dict(initial_learning_rate=0.1, decay_steps=10, end_learning_rate=-1e-3),
     "end_learning_rate"),
    (S.polynomial_decay, dict(initial_learning_rate=0.1, decay_steps=10, power=0.0), "power"),
    (S.cosine_decay, dict(initial_learning_rate=0.0, decay_steps=10), "initial_learning_rate"),
    (S.cosine_decay, dict(initial_learning_rate=0.1, decay_steps=0), "decay_steps"),
    (S.cosine_decay, dict(initial_learning_rate=0.1, decay_steps=10, alpha=1.5), "alpha"),
    (S.cosine_decay, dict(initial_learning_rate=-0.1, decay_steps=10, warmup_target=0.1, warmup_steps=5),
     "initial_learning_rate"),
    (S.cosine_decay, dict(initial_learning_rate=0.0, decay_steps=10, warmup_target=0.0, warmup_steps=5),
     "warmup_target"),
    (S.cosine_decay, dict(initial_learning_rate=0.0, decay_steps=10, warmup_target=0.1, warmup_steps=-1),
     "warmup_steps"),
    (S.cosine_decay_restarts, dict(initial_learning_rate=0.0, first_decay_steps=10), "initial_learning_rate"),
    (S.cosine_decay_restarts, dict(initial_learning_rate=0.1, first_decay_steps=0), "first_decay_steps"),
    (S.cosine_decay_restarts, dict(initial_learning_rate=0.1, first_decay_steps=10, t_mul=0.5), "t_mul"),
    (S.cosine_decay_restarts, dict(initial_learning_rate=0.1, first_decay_steps=10, m_mul=-1.0), "m_mul"),
    (S.piecewise_constant_decay, dict(boundaries=[10, 10], values=[0.1, 0.05, 0.01]), "boundaries"),
    (S.piecewise_constant_decay, dict(boundaries=[20, 10], values=[0.1, 0.05, 0.01]), "boundaries"),
    (S.piecewise_constant_decay, dict(boundaries=[10, 20], values=[0.1, 0.05]), "values"),
    (S.piecewise_constant_decay, dict(boundaries=[10], values=[0.1, 0.05, 0.01]), "values"),
    (S.piecewise_constant_decay, dict(boundaries=[10], values=[0.1, 0.0]), r"values\[1\]"),
]


@pytest.mark.parametrize("fn, kw, arg", BAD, ids=[f"{f.__name__}-{a}-{i}" for i, (f, _, a) in enumerate(BAD)])
def test_bad_arguments_raise_value_error_naming_them(fn, kw, arg):
    with pytest.raises(ValueError, match=arg):
        fn(np.arange(5), **kw)


@pytest.mark.parametrize("step", [-1, np.array([0, 3, -2]), np.inf, np.array([np.nan])])
def test_bad_step_raises(step):
    with pytest.raises(ValueError, match="step"):
        S.exponential_decay(step, 0.1, 10, 0.9)


def test_bad_types_raise_type_error_naming_them():
    with pytest.raises(TypeError, match="staircase"):
        S.exponential_decay(1, 0.1, 10, 0.9, staircase="yes")
    with pytest.raises(TypeError, match="cycle"):
        S.polynomial_decay(1, 0.1, 10, cycle=1)
    with pytest.raises(TypeError, match="initial_learning_rate"):
        S.cosine_decay(1, "0.1", 10)
    with pytest.raises(TypeError, match="step"):
        S.cosine_decay("3", 0.1, 10)
    with pytest.raises(TypeError, match="boundaries"):
        S.piecewise_constant_decay(1, 10, [0.1, 0.2])


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
        S.reduce_lr_on_plateau([1.0, 0.9], **kw)


def test_plateau_bad_losses_and_counts():
    with pytest.raises(ValueError, match="losses"):
        S.reduce_lr_on_plateau([[1.0]], 0.1)
    with pytest.raises(ValueError, match="losses"):
        S.reduce_lr_on_plateau([1.0, np.nan], 0.1)
    with pytest.raises(ValueError, match="patience"):
        S.reduce_lr_on_plateau([1.0], 0.1, patience=-1)
    with pytest.raises(TypeError, match="cooldown"):
        S.reduce_lr_on_plateau([1.0], 0.1, cooldown=1.5)


# --------------------------------------------------------------------------------------------
# properties (hypothesis)
# --------------------------------------------------------------------------------------------
lrs = st.floats(1e-6, 10.0)
horizons = st.floats(0.5, 1000.0)
step_arrays = st.lists(st.floats(0, 1e5), min_size=2, max_size=40).map(lambda v: np.sort(np.array(v)))


def _non_increasing(lr):
    return np.all(np.diff(lr) <= 1e-12 * np.abs(lr[:-1]) + 1e-300)


@PROPS
@given(lr0=lrs, T=horizons, r=st.floats(1e-3, 1.0), staircase=st.booleans(), steps=step_arrays)
def test_exponential_decay_never_increases_and_starts_at_lr0(lr0, T, r, staircase, steps):
    lr = S.exponential_decay(steps, lr0, T, r, staircase)
    assert _non_increasing(lr) and np.all(lr <= lr0)
    assert S.exponential_decay(0, lr0, T, r, staircase) == lr0
    assert np.all(S.exponential_decay(steps, lr0, T, r, True) >= S.exponential_decay(steps, lr0, T, r) * (1 - 1e-12))


@PROPS
@given(lr0=lrs, T=horizons, k=st.floats(0, 100.0), staircase=st.booleans(), steps=step_arrays)
def test_inverse_time_decay_never_increases_and_starts_at_lr0(lr0, T, k, staircase, steps):
    lr = S.inverse_time_decay(steps, lr0, T, k, staircase)
    assert _non_increasing(lr) and np.all((lr > 0) & (lr <= lr0))
    assert S.inverse_time_decay(0, lr0, T, k, staircase) == lr0


@PROPS
@given(lr0=lrs, T=horizons, frac=st.floats(0, 1), power=st.floats(0.1, 5), steps=step_arrays)
def test_polynomial_decay_stays_between_end_and_start(lr0, T, frac, power, steps):
    end = lr0 * frac
    lr = S.polynomial_decay(steps, lr0, T, end, power)
    assert _non_increasing(lr)
    assert np.all(lr >= end * (1 - 1e-12)) and np.all(lr <= lr0 * (1 + 1e-12))
    assert S.polynomial_decay(0, lr0, T, end, power) == pytest.approx(lr0, rel=1e-12)
    assert S.polynomial_decay(T + 1, lr0, T, end, power) == pytest.approx(end, rel=1e-12, abs=1e-300)
    cyc = S.polynomial_decay(steps, lr0, T, end, power, cycle=True)
    assert np.all(cyc >= end * (1 - 1e-12)) and np.all(cyc <= lr0 * (1 + 1e-12))


@PROPS
@given(lr0=lrs, T=horizons, alpha=st.floats(0, 1), steps=step_arrays)
def test_cosine_decay_never_increases_and_ends_at_alpha(lr0, T, alpha, steps):
    lr = S.cosine_decay(steps, lr0, T, alpha)
    assert _non_increasing(lr)
    assert np.all(lr >= alpha * lr0 * (1 - 1e-12)) and np.all(lr <= lr0 * (1 + 1e-12))
    assert S.cosine_decay(0, lr0, T, alpha) == pytest.approx(lr0, rel=1e-12)
    assert S.cosine_decay(T, lr0, T, alpha) == pytest.approx(alpha * lr0, rel=1e-9, abs=1e-15 * lr0)


@PROPS
@given(lr0=st.floats(0, 1.0), peak=st.floats(1e-3, 10.0), W=st.integers(1, 500), T=horizons, steps=step_arrays)
def test_warmup_rises_linearly_then_decays(lr0, peak, W, T, steps):
    lr = S.cosine_decay(steps, lr0, T, warmup_target=peak, warmup_steps=W)
    assert S.cosine_decay(0, lr0, T, warmup_target=peak, warmup_steps=W) == pytest.approx(lr0, abs=1e-12)
    assert S.cosine_decay(W, lr0, T, warmup_target=peak, warmup_steps=W) == pytest.approx(peak, rel=1e-12)
    warm = steps < W
    np.testing.assert_allclose(lr[warm], lr0 + (peak - lr0) * steps[warm] / W, rtol=1e-10, atol=1e-15)
    assert _non_increasing(lr[~warm])


@PROPS
@given(lr0=lrs, T0=st.integers(1, 300), t_mul=st.sampled_from([1.0, 1.5, 2.0, 3.0]), m_mul=st.floats(0, 1),
       alpha=st.floats(0, 1), steps=step_arrays)
def test_restarts_stay_in_range_and_restart_at_lr0_times_m_mul(lr0, T0, t_mul, m_mul, alpha, steps):
    lr = S.cosine_decay_restarts(steps, lr0, T0, t_mul, m_mul, alpha)
    assert np.all(lr >= alpha * lr0 * (1 - 1e-9)) and np.all(lr <= lr0 * (1 + 1e-12))
    assert S.cosine_decay_restarts(0, lr0, T0, t_mul, m_mul, alpha) == pytest.approx(lr0, rel=1e-12)
    second = S.cosine_decay_restarts(T0 * (1 + t_mul), lr0, T0, t_mul, m_mul, alpha)  # start of period 2
    assert second == pytest.approx(lr0 * ((1 - alpha) * m_mul ** 2 + alpha), rel=1e-9, abs=1e-15)


@PROPS
@given(st.lists(st.floats(1e-4, 1.0), min_size=2, max_size=6, unique=True), step_arrays)
def test_piecewise_takes_only_its_values_and_decays_when_they_do(values, steps):
    values = sorted(values, reverse=True)
    boundaries = list(np.cumsum(np.arange(1, len(values)) * 1000.0))
    lr = S.piecewise_constant_decay(steps, boundaries, values)
    assert set(np.unique(lr)) <= set(values)
    assert _non_increasing(lr)
    assert S.piecewise_constant_decay(0, boundaries, values) == values[0]
    assert S.piecewise_constant_decay(boundaries[0], boundaries, values) == values[0]  # "step <= boundary"


@PROPS
@given(st.lists(st.floats(1e-3, 10.0), min_size=1, max_size=60), st.floats(0.01, 0.99), st.integers(0, 5),
       st.integers(0, 3), st.sampled_from([0.0, 1e-4]))
def test_plateau_never_increases_and_respects_min_lr(losses, factor, patience, cooldown, min_lr):
    lr = S.reduce_lr_on_plateau(losses, 0.1, factor=factor, patience=patience, cooldown=cooldown, min_lr=min_lr)
    assert lr[0] == pytest.approx(0.1) and np.all(np.diff(lr) <= 0)
    assert np.all(lr >= np.float32(min_lr) * (1 - 1e-6))
    decreasing = np.sort(losses)[::-1] - np.arange(len(losses))  # strictly better every epoch: no cut
    assert np.all(S.reduce_lr_on_plateau(decreasing, 0.1, factor=factor, patience=patience) == lr[0])


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
    ours = S.minimise_quadratic(lambda e: S.exponential_decay(e, 0.2, 1, 0.99), epochs=40)
    np.testing.assert_array_equal(ours["w"], ws)
    np.testing.assert_array_equal(ours["loss"], losses)
    np.testing.assert_allclose(ours["lr"], [lr_fn(e) for e in range(40)], rtol=1e-15)


def test_course_table_reproduces_the_printed_numbers():
    for quantity, course, ours in S.course_lr_decay_table():
        assert ours == course, quantity


def test_minimise_quadratic_constant_rates():
    assert S.minimise_quadratic(0.5, epochs=1, dtype="float64")["w"][0] == -1.0  # lr = 1/2: one step to the optimum
    osc = S.minimise_quadratic(1.0, epochs=4, dtype="float64")["w_path"]
    np.testing.assert_array_equal(osc, [5, -7, 5, -7, 5])  # lr = 1: w + 1 flips sign forever
    with pytest.raises(ValueError, match="learning_rate"):
        S.minimise_quadratic(0.0)
    with pytest.raises(ValueError, match="dtype"):
        S.minimise_quadratic(0.1, dtype="float16")


def test_train_with_schedules_is_deterministic_and_follows_the_policy():
    cosine = S.make_schedule("cosine_decay", initial_learning_rate=1.0, decay_steps=80)
    plateau = S.ReduceLROnPlateau(1.0, factor=0.5, patience=1, min_delta=1e-2)
    pol = {"constant": 0.5, "cosine": cosine, "lambda": lambda step: 0.5, "plateau": plateau}
    a = S.train_with_schedules(pol, epochs=12, hidden=4)
    b = S.train_with_schedules(pol, epochs=12, hidden=4)
    for k in pol:
        np.testing.assert_array_equal(a[k].loss, b[k].loss)
    np.testing.assert_array_equal(a["constant"].loss, a["lambda"].loss)  # only the learning rate matters
    assert a["constant"].steps_per_epoch == 8 and len(a["cosine"].lr) == 96
    np.testing.assert_allclose(a["cosine"].lr, cosine(np.arange(96)), rtol=1e-6, atol=1e-7)
    # the plateau run used the learning rates the policy picks from its own losses
    spe = a["plateau"].steps_per_epoch
    np.testing.assert_allclose(a["plateau"].lr[::spe], S.reduce_lr_on_plateau(a["plateau"].loss, 1.0, factor=0.5,
                                                                            patience=1, min_delta=1e-2))
    assert plateau.best is None  # the caller's policy object is not consumed
    assert np.all(np.isfinite(a["cosine"].loss)) and 0 <= a["cosine"].test_accuracy <= 1


def test_train_with_schedules_bad_input():
    with pytest.raises(ValueError, match="schedules"):
        S.train_with_schedules({})
    with pytest.raises(ValueError, match="dataset"):
        S.train_with_schedules({"c": 0.1}, dataset="mnist")
    with pytest.raises(ValueError, match="learning_rate"):
        S.train_with_schedules({"c": -0.1})
    with pytest.raises(ValueError, match="schedules must give"):
        S.train_with_schedules({"c": lambda step: np.full(np.shape(step), np.nan)})


# --------------------------------------------------------------------------------------------
# the compute halves of the figures
# --------------------------------------------------------------------------------------------
def test_views_return_what_the_plots_draw():
    v = S.exponential_view(0.1, 10, 0.5)
    smooth, stair = v["curves"].values()
    assert len(v["steps"]) == 101 and np.all(stair >= smooth - 1e-15)
    assert S.piecewise_view(90, 20)["vlines"] == [90, 110]  # the second boundary past the plot is fine
    ov = S.overlay_view(**{k: True for k in S.DEFAULTS})
    assert set(ov["curves"]) == set(S.DEFAULTS)
    assert all(c[0] == pytest.approx(0.1) or k == "warmup_cosine" for k, c in ov["curves"].items())
    with pytest.raises(ValueError, match="show"):
        S.overlay_view(linear=True)
    q = S.quadratic_view(0.2, 0.99)
    assert len(q["runs"]) == 1 and len(q["reference"]) == 1
    assert S.schedule_view("piecewise_constant_decay", boundaries=[3], values=[1.0, 0.5])["steps_post"]
    pl = S.plateau_view([1.0] * 12, 0.1, factor=0.5, patience=2)
    np.testing.assert_array_equal(pl["cuts"], [3, 5, 7, 9, 11])  # a cut after every 2 stalls
    assert list(S.training_view({"constant": 1, "a": 2, "b": 3}, "b")["runs"]) == ["constant", "b"]
    assert list(S.training_view({"constant": 1, "a": 2, "b": 3}, "b", show_all=True)["runs"]) == ["constant", "a", "b"]
    with pytest.raises(ValueError, match="schedule"):
        S.training_view({"constant": None}, "b")
    with pytest.raises(ValueError, match="peak_learning_rate"):
        S.warmup_view({1.0: {}}, 2.0)


def test_compare_with_keras_rows():
    rows = S.compare_with_keras(n_steps=300, losses=[1.0, 0.9, 0.9, 0.9, 0.8],
                                plateau=dict(initial_learning_rate=0.1, patience=1, factor=0.5))
    assert [r[0] for r in rows] == [*S.DEFAULTS, "course (w+1)^2 loop", "reduce_lr_on_plateau"]
    assert all(d < 5e-8 for _, _, d in rows[:-2])  # float32 rounding of a 0.1-sized rate
    assert rows[-2][2] == 0 and rows[-1][2] == 0


def test_all_is_public_api_and_import_stays_light():
    for name in S.__all__:
        assert hasattr(S, name), name
    import subprocess
    import sys

    code = "import sys, course_lib.schedules; print('tensorflow' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_training_loop_is_what_model_fit_does():
    tr = S._trainer("dots", 4, 32, 3, 42)
    ours = tr.run(lr_table=np.full(3 * tr.steps_per_epoch, 0.5, np.float32)).loss
    model = keras.models.clone_model(tr.model)
    model.set_weights(tr.initial_weights)
    model.compile(optimizer=keras.optimizers.SGD(0.5), loss=keras.losses.BinaryCrossentropy())
    y = tr.y.reshape(-1, 1).astype(np.float32)
    fit = [model.fit(tr.x[p], y[p], batch_size=32, epochs=1, shuffle=False, verbose=0).history["loss"][0]
           for p in tr.perms]
    np.testing.assert_allclose(ours, fit, rtol=1e-5)
