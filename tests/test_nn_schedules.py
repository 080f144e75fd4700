"""course_lib.nn.schedules against keras.optimizers.schedules: values, shapes, properties, bad input."""

import math
from functools import partial

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import course_lib
from course_lib.nn import schedules as S

tf = course_lib.import_tf()
import keras  # noqa: E402  (after import_tf, which silences TensorFlow)

K = keras.optimizers.schedules
RNG = np.random.default_rng(2024)
STEPS = np.arange(5000)
N_PARAM_SETS = 25
PROPS = settings(max_examples=60, deadline=None)

#: One comparable setting per schedule (the chapter's DEFAULTS, written out: nn/ tests need nothing above nn/).
DEFAULT_PARAMS = {
    "exponential_decay": dict(initial_learning_rate=0.1, decay_steps=10, decay_rate=0.8),
    "piecewise_constant_decay": dict(boundaries=[30, 60], values=[0.1, 0.05, 0.01]),
    "inverse_time_decay": dict(initial_learning_rate=0.1, decay_steps=10, decay_rate=1.0),
    "polynomial_decay": dict(initial_learning_rate=0.1, decay_steps=100, end_learning_rate=0.001, power=2.0),
    "cosine_decay": dict(initial_learning_rate=0.1, decay_steps=100),
    "cosine_decay_restarts": dict(initial_learning_rate=0.1, first_decay_steps=20, t_mul=2.0, m_mul=0.8),
}

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
# shapes, dtypes, the callable forms
# --------------------------------------------------------------------------------------------
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


def test_all_is_public_api():
    for name in S.__all__:
        assert hasattr(S, name), name
    assert set(S.SCHEDULES) == set(S.KERAS_NAMES) and all(hasattr(K, v) for v in S.KERAS_NAMES.values())
