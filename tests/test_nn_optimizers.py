"""course_lib.nn.optimizers against keras.optimizers, step for step; the course's variants; bad input."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import course_lib
from course_lib.nn import optimizers as O

tf = course_lib.import_tf()
import keras  # noqa: E402  (after import_tf, which silences TensorFlow)

# Every class and every option of the six Keras optimizers.
CASES = {
    "sgd": ("SGD", {}),
    "sgd_lr": ("SGD", {"learning_rate": 0.1}),
    "sgd_momentum": ("SGD", {"learning_rate": 0.05, "momentum": 0.9}),
    "sgd_nesterov": ("SGD", {"learning_rate": 0.05, "momentum": 0.9, "nesterov": True}),
    "sgd_momentum_1": ("SGD", {"momentum": 1.0}),
    "adagrad": ("Adagrad", {}),
    "adagrad_opts": ("Adagrad", {"learning_rate": 0.1, "initial_accumulator_value": 0.0, "epsilon": 1e-3}),
    "adadelta": ("Adadelta", {}),
    "adadelta_opts": ("Adadelta", {"learning_rate": 1.0, "rho": 0.9, "epsilon": 1e-6}),
    "rmsprop": ("RMSprop", {}),
    "rmsprop_momentum": ("RMSprop", {"learning_rate": 0.01, "momentum": 0.5}),
    "rmsprop_centered": ("RMSprop", {"learning_rate": 0.01, "centered": True, "rho": 0.8}),
    "rmsprop_all": ("RMSprop", {"learning_rate": 0.01, "momentum": 0.9, "centered": True, "epsilon": 1e-4}),
    "adam": ("Adam", {}),
    "adam_opts": ("Adam", {"learning_rate": 0.05, "beta_1": 0.5, "beta_2": 0.9, "epsilon": 1e-3}),
    "adam_amsgrad": ("Adam", {"learning_rate": 0.05, "amsgrad": True}),
    "nadam": ("Nadam", {}),
    "nadam_opts": ("Nadam", {"learning_rate": 0.05, "beta_1": 0.8, "beta_2": 0.99, "epsilon": 1e-4}),
    # Keras' common options: decoupled weight decay, gradient clipping, a moving average of the weights
    "adamw": ("AdamW", {}),
    "adamw_opts": ("AdamW", {"learning_rate": 0.05, "weight_decay": 0.2, "amsgrad": True}),
    "sgd_weight_decay": ("SGD", {"learning_rate": 0.1, "weight_decay": 0.05}),
    "sgdm_weight_decay_clipnorm": ("SGD", {"learning_rate": 0.05, "momentum": 0.9, "weight_decay": 0.01,
                                           "clipnorm": 1.0}),
    "adam_weight_decay": ("Adam", {"learning_rate": 0.05, "weight_decay": 0.1}),
    "adadelta_weight_decay": ("Adadelta", {"learning_rate": 1.0, "weight_decay": 0.1}),
    "rmsprop_clipvalue": ("RMSprop", {"learning_rate": 0.01, "clipvalue": 0.5}),
    "adagrad_global_clipnorm": ("Adagrad", {"learning_rate": 0.1, "global_clipnorm": 1.5}),
    "nadam_clipnorm": ("Nadam", {"learning_rate": 0.05, "clipnorm": 0.3}),
    "adam_ema": ("Adam", {"learning_rate": 0.05, "use_ema": True}),
    "nadam_ema_overwrite": ("Nadam", {"learning_rate": 0.05, "use_ema": True, "ema_momentum": 0.9,
                                      "ema_overwrite_frequency": 4}),
    "sgdm_ema_overwrite": ("SGD", {"learning_rate": 0.05, "momentum": 0.9, "use_ema": True,
                                   "ema_overwrite_frequency": 1}),
}

STEPS = 15
SHAPES = [(3, 4), (5,)]


def _data(dtype, steps=STEPS, seed=0):
    rng = np.random.default_rng(seed)
    init = [rng.normal(size=s).astype(dtype) for s in SHAPES]
    # gradients that shrink and change sign, with a few exact zeros (sparse features)
    grads = [[(rng.normal(size=s) * 0.9 ** k).astype(dtype) for s in SHAPES] for k in range(steps)]
    grads[3][0][0, :] = 0
    return init, grads


def _run_ours(opt, init, grads):
    vs = [a.copy() for a in init]
    path = []
    for g in grads:
        assert opt.apply_gradients(zip(g, vs)) == len(path) + 1
        path.append([v.copy() for v in vs])
    return path


def _run_keras(opt, init, grads, dtype):
    kv = [keras.Variable(a.copy(), dtype=np.dtype(dtype).name) for a in init]
    path = []
    for g in grads:
        opt.apply_gradients(zip([tf.constant(x) for x in g], kv))
        path.append([v.numpy() for v in kv])
    return path


def _compare(ours, theirs, rtol, atol):
    for k, (a_step, b_step) in enumerate(zip(ours, theirs)):
        for a, b in zip(a_step, b_step):
            np.testing.assert_allclose(a, b, rtol=rtol, atol=atol, err_msg=f"step {k + 1}")


# float32: Keras and we do the same float32 operations (a last-bit difference in pow() at most).
# float64: Keras keeps the learning rate in a float32 variable and casts some hyper-parameters
# through float32 (ops.cast of a Python float), while we keep float64: with 0.999 that alone
# changes Adam's first step by 6e-6. So the float64 runs use hyper-parameters that float32
# represents exactly (each one rounded to float32), and then agree to 1e-12.
TOL = {np.float32: (2e-5, 2e-6), np.float64: (1e-12, 1e-13)}


def _kwargs(cls, kwargs, dtype):
    if dtype == np.float32:
        return kwargs
    full = getattr(O, cls)(**kwargs).get_config()
    return {k: float(np.float32(v)) if isinstance(v, float) else v for k, v in full.items()}


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_trajectory_matches_keras(case, dtype):
    cls, kwargs = CASES[case]
    kwargs = _kwargs(cls, kwargs, dtype)
    init, grads = _data(dtype)
    ours = _run_ours(getattr(O, cls)(**kwargs), init, grads)
    theirs = _run_keras(getattr(keras.optimizers, cls)(**kwargs), init, grads, dtype)
    _compare(ours, theirs, *TOL[dtype])


@pytest.mark.parametrize("case", ["sgd_momentum", "adagrad_opts", "rmsprop_all", "adam", "nadam", "adadelta_opts",
                                  "adamw_opts", "sgd_weight_decay"])
def test_schedule_learning_rate_matches_keras(case):
    cls, kwargs = CASES[case]
    kwargs = {k: v for k, v in kwargs.items() if k != "learning_rate"}
    init, grads = _data(np.float32)
    ours = _run_ours(getattr(O, cls)(learning_rate=lambda step: 0.1 * 0.8 ** step, **kwargs), init, grads)
    schedule = keras.optimizers.schedules.ExponentialDecay(0.1, decay_steps=1, decay_rate=0.8)
    theirs = _run_keras(getattr(keras.optimizers, cls)(learning_rate=schedule, **kwargs), init, grads, np.float32)
    _compare(ours, theirs, 2e-5, 2e-6)


@pytest.mark.parametrize("case", ["adam_ema", "nadam_ema_overwrite"])
def test_finalize_variable_values_puts_the_moving_average_in_place_as_keras(case):
    cls, kwargs = CASES[case]
    init, grads = _data(np.float32)
    ours, ws = getattr(O, cls)(**kwargs), [a.copy() for a in init]
    theirs = getattr(keras.optimizers, cls)(**kwargs)
    ks = [keras.Variable(a.copy()) for a in init]
    for g in grads:
        ours.apply_gradients(zip(g, ws))
        theirs.apply_gradients(zip([tf.constant(x) for x in g], ks))
    ours.finalize_variable_values(ws)
    theirs.finalize_variable_values(ks)
    for w, k in zip(ws, ks):
        np.testing.assert_allclose(w, k.numpy(), rtol=2e-5, atol=2e-6)


def test_weight_decay_with_sgd_is_an_l2_penalty_and_with_adam_it_is_not():
    """Loshchilov & Hutter (2019): decoupled decay = L2 for SGD (λ/2·‖w‖² in the loss), not for Adam."""
    rng = np.random.default_rng(2)
    A = rng.normal(size=(6, 3))
    grad = lambda w: A.T @ (A @ w - 1.0)  # noqa: E731  a least-squares loss
    lam = 0.3
    paths = {}
    for label, make, decoupled in [("sgd", lambda wd: O.SGD(0.05, weight_decay=wd), True),
                                   ("sgd_l2", lambda wd: O.SGD(0.05), False),
                                   ("adam", lambda wd: O.Adam(0.05, weight_decay=wd), True),
                                   ("adam_l2", lambda wd: O.Adam(0.05), False)]:
        w = np.ones(3)
        opt = make(lam if decoupled else None)
        for _ in range(50):
            opt.apply_gradients([(grad(w) + (0.0 if decoupled else lam * w), w)])
        paths[label] = w
    np.testing.assert_allclose(paths["sgd"], paths["sgd_l2"], rtol=1e-12)
    assert np.max(np.abs(paths["adam"] - paths["adam_l2"])) > 1e-2


def test_clipping_options():
    g = np.array([3.0, 4.0])
    for kwargs, want in [({"clipnorm": 1.0}, [0.6, 0.8]), ({"clipvalue": 3.5}, [3.0, 3.5]),
                         ({"global_clipnorm": 2.5}, [1.5, 2.0]), ({"clipnorm": 10.0}, [3.0, 4.0])]:
        w = np.zeros(2)
        O.SGD(1.0, **kwargs).apply_gradients([(g, w)])
        np.testing.assert_allclose(-w, want)
    with pytest.raises(ValueError, match="Only one of clipnorm"):
        O.SGD(clipnorm=1.0, clipvalue=1.0)
    with pytest.raises(ValueError, match="weight_decay"):
        O.AdamW(weight_decay=None)
    with pytest.raises(ValueError, match="ema_momentum"):
        O.Adam(use_ema=True, ema_momentum=1.5)
    with pytest.raises(ValueError, match="var_list"):
        opt = O.SGD(0.1, use_ema=True)
        opt.apply_gradients([(g, np.zeros(2))])
        opt.finalize_variable_values([])


def test_keras_schedule_object_is_accepted_and_called_with_the_step():
    seen = []
    opt = O.SGD(learning_rate=lambda step: seen.append(step) or 0.5)
    w = np.ones(2)
    for _ in range(3):
        opt.apply_gradients([(np.ones(2), w)])
    assert seen == [0, 1, 2] and opt.iterations == 3
    np.testing.assert_allclose(w, -0.5)
    schedule = keras.optimizers.schedules.PiecewiseConstantDecay([1], [0.1, 0.01])
    opt = O.SGD(schedule)
    assert opt.current_learning_rate() == pytest.approx(0.1)
    assert opt.current_learning_rate(5) == pytest.approx(0.01)


def test_state_is_per_variable_and_in_place():
    w, b = np.zeros((2, 2)), np.zeros(2)
    opt = O.Adam(0.1)
    opt.apply_gradients([(np.ones((2, 2)), w), (-np.ones(2), b)])
    opt.apply_gradients([(np.ones((2, 2)), w), (-np.ones(2), b)])
    assert np.all(w < 0) and np.all(b > 0)
    assert len(opt._state) == 2
    assert opt.get_config() == {"learning_rate": 0.1, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7,
                                "amsgrad": False, "weight_decay": None, "clipnorm": None, "clipvalue": None,
                                "global_clipnorm": None, "use_ema": False, "ema_momentum": 0.99,
                                "ema_overwrite_frequency": None}
    assert repr(O.SGD()) == "SGD(learning_rate=0.01, momentum=0.0, nesterov=False)"
    assert repr(O.SGD(clipnorm=1.0)) == "SGD(learning_rate=0.01, momentum=0.0, nesterov=False, clipnorm=1.0)"


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_is_kept(dtype):
    for name in O.KERAS_NAMES:
        w = np.ones(3, dtype=dtype)
        O.get(name, 0.1).apply_gradients([(np.ones(3), w)])
        assert w.dtype == dtype


# ---------------------------------------------------------------------------------------------
# the course's variants and how they relate to Keras' forms
# ---------------------------------------------------------------------------------------------
def _path(opt, steps=40, dtype=np.float64):
    init, grads = _data(dtype, steps, seed=3)
    return _run_ours(opt, init, grads)


def test_ema_momentum_is_keras_momentum_with_a_rescaled_learning_rate():
    for lr, beta in [(0.1, 0.9), (0.3, 0.5), (0.02, 0.99)]:
        _compare(_path(O.CourseSGDM(lr, beta)), _path(O.SGD(lr * (1 - beta), momentum=beta)), 1e-10, 1e-12)


def test_course_rules_are_keras_rules_without_epsilon():
    _compare(_path(O.CourseAdagrad(0.1)), _path(O.Adagrad(0.1, initial_accumulator_value=0.0, epsilon=1e-300)),
             1e-10, 1e-12)
    _compare(_path(O.CourseRMSProp(0.01, beta=0.8)), _path(O.RMSprop(0.01, rho=0.8, epsilon=1e-300)), 1e-10, 1e-12)
    # Keras folds the bias correction into the step: same rule, different ε placement only
    _compare(_path(O.CourseAdam(0.05)), _path(O.Adam(0.05, epsilon=1e-300)), 1e-10, 1e-12)


def test_course_adam_without_bias_correction_takes_bigger_first_steps():
    w1, w2 = np.zeros(1), np.zeros(1)
    O.CourseAdam(0.01).apply_gradients([(np.ones(1), w1)])
    O.CourseAdam(0.01, bias_correction=False).apply_gradients([(np.ones(1), w2)])
    assert w1[0] == pytest.approx(-0.01)
    assert w2[0] == pytest.approx(-0.01 * 0.1 / np.sqrt(0.001))


def test_flush_to_zero_turns_subnormals_into_zero_division():
    tiny = np.float32(1e-39)  # subnormal in float32
    for flush, finite in [(False, True), (True, False)]:
        w = np.zeros(1, np.float32)
        opt = O.CourseRMSProp(0.1, flush_to_zero=flush)
        with np.errstate(all="ignore"):
            opt.apply_gradients([(np.array([1e-19], np.float32), w)])  # 0.1·g² is subnormal
            opt.apply_gradients([(np.array([tiny]), w)])
        assert np.isfinite(w[0]) == finite


def test_pure_steps_equal_the_classes():
    rng = np.random.default_rng(5)
    w, m, v, g = (rng.normal(size=4) for _ in range(4))
    v = np.abs(v)
    for nesterov in (False, True):
        opt = O.SGD(0.1, momentum=0.8, nesterov=nesterov)
        w2 = w.copy()
        opt._slots_for(w2)["momentum"][...] = m
        opt.apply_gradients([(g, w2)])
        nw, nm = O.sgd_momentum_step(w, m, g, 0.1, 0.8, nesterov)
        np.testing.assert_allclose(nw, w2)
        np.testing.assert_allclose(nm, opt._slots_for(w2)["momentum"])
    nw, nm = O.ema_momentum_step(w, m, g, 0.1, 0.9)
    np.testing.assert_allclose(nm, 0.9 * m + 0.1 * g)
    np.testing.assert_allclose(nw, w - 0.1 * nm)
    # Adam at step t = 3 against Keras' closed form
    t, lr, b1, b2, eps = 3, 0.01, 0.9, 0.999, 1e-7
    nw, nm, nv = O.adam_step(w, m, v, g, t, lr, b1, b2, eps)
    em, ev = b1 * m + (1 - b1) * g, b2 * v + (1 - b2) * g ** 2
    alpha = lr * np.sqrt(1 - b2 ** t) / (1 - b1 ** t)
    np.testing.assert_allclose(nm, em)
    np.testing.assert_allclose(nv, ev)
    np.testing.assert_allclose(nw, w - alpha * em / (np.sqrt(ev) + eps))
    np.testing.assert_array_equal(w, w.copy())  # inputs untouched
    # AdamW: the decay first, then Adam's step
    wd = 0.1
    nw, nm, nv = O.adamw_step(w, m, v, g, t, lr, wd, b1, b2, eps)
    np.testing.assert_allclose(nw, w * (1 - wd * lr) - alpha * em / (np.sqrt(ev) + eps))
    opt = O.AdamW(lr, weight_decay=wd)
    w2 = w.copy()
    opt.iterations = t - 1
    opt._slots_for(w2)["momentum"][...] = m
    opt._slots_for(w2)["velocity"][...] = v
    opt.apply_gradients([(g, w2)])
    np.testing.assert_allclose(nw, w2)


# ---------------------------------------------------------------------------------------------
# properties
# ---------------------------------------------------------------------------------------------
PROPERTY_OPTS = {
    "sgd": lambda lr: O.SGD(lr), "sgdm": lambda lr: O.SGD(lr, momentum=0.9),
    "nag": lambda lr: O.SGD(lr, momentum=0.9, nesterov=True), "adagrad": lambda lr: O.Adagrad(lr),
    "adadelta": lambda lr: O.Adadelta(lr * 100), "rmsprop": lambda lr: O.RMSprop(lr),
    "rmsprop_c": lambda lr: O.RMSprop(lr, momentum=0.5, centered=True), "adam": lambda lr: O.Adam(lr),
    "amsgrad": lambda lr: O.Adam(lr, amsgrad=True), "nadam": lambda lr: O.Nadam(lr),
    "course_sgdm": lambda lr: O.CourseSGDM(lr), "course_adagrad": lambda lr: O.CourseAdagrad(lr),
    "course_rmsprop": lambda lr: O.CourseRMSProp(lr), "course_adam": lambda lr: O.CourseAdam(lr),
}


@pytest.mark.parametrize("name", sorted(PROPERTY_OPTS))
@settings(max_examples=20, deadline=None)
@given(curv=st.lists(st.floats(0.1, 10.0), min_size=1, max_size=4), data=st.data(),
       dtype=st.sampled_from([np.float32, np.float64]), lr=st.floats(1e-4, 1e-3))
def test_small_steps_decrease_a_convex_quadratic(name, curv, data, dtype, lr):
    a = np.array(curv)
    x0 = np.array(data.draw(st.lists(st.floats(0.5, 5.0), min_size=len(a), max_size=len(a))))
    x0 *= np.array(data.draw(st.lists(st.sampled_from([-1.0, 1.0]), min_size=len(a), max_size=len(a))))
    x = x0.astype(dtype)
    f = lambda x: float(np.sum(a * np.asarray(x, np.float64) ** 2) / 2)
    opt = PROPERTY_OPTS[name](lr)
    values = [f(x)]
    for _ in range(10):
        opt.apply_gradients([(a * x, x)])
        assert x.dtype == dtype
        values.append(f(x))
    assert np.all(np.diff(values) < 0), values


@settings(max_examples=25, deadline=None)
@given(lr=st.floats(0.0, 1.0), mu=st.floats(0.0, 0.99))
def test_ema_momentum_never_steps_further_than_lr_times_max_gradient(lr, mu):
    w = np.zeros(3)
    opt = O.CourseSGDM(lr, beta=mu)
    rng = np.random.default_rng(0)
    for _ in range(20):
        before = w.copy()
        opt.apply_gradients([(rng.uniform(-1, 1, 3), w)])
        assert np.all(np.abs(w - before) <= lr * 1.0 + 1e-12)


# ---------------------------------------------------------------------------------------------
# bad input
# ---------------------------------------------------------------------------------------------
BAD = [
    (O.SGD, {"learning_rate": -0.1}, "learning_rate"),
    (O.Adam, {"learning_rate": -1}, "learning_rate"),
    (O.SGD, {"momentum": 1.5}, "momentum"),
    (O.SGD, {"momentum": -0.1}, "momentum"),
    (O.RMSprop, {"momentum": 2.0}, "momentum"),
    (O.RMSprop, {"rho": 1.0}, "rho"),
    (O.Adadelta, {"rho": -0.5}, "rho"),
    (O.Adam, {"beta_1": 1.0}, "beta_1"),
    (O.Adam, {"beta_2": 1.5}, "beta_2"),
    (O.Nadam, {"beta_1": 1.0}, "beta_1"),
    (O.Nadam, {"beta_2": -0.1}, "beta_2"),
    (O.CourseAdam, {"beta_1": 1.0}, "beta_1"),
    (O.CourseSGDM, {"beta": 1.0}, "beta"),
    (O.CourseRMSProp, {"beta": 1.2}, "beta"),
    (O.Adam, {"epsilon": 0.0}, "epsilon"),
    (O.Adagrad, {"epsilon": -1e-7}, "epsilon"),
    (O.Adadelta, {"epsilon": 0}, "epsilon"),
    (O.RMSprop, {"epsilon": 0.0}, "epsilon"),
    (O.Nadam, {"epsilon": -1.0}, "epsilon"),
    (O.CourseAdagrad, {"epsilon": -1.0}, "epsilon"),
    (O.Adagrad, {"initial_accumulator_value": -0.1}, "initial_accumulator_value"),
    (O.SGD, {"learning_rate": float("nan")}, "learning_rate"),
]


@pytest.mark.parametrize("cls,kwargs,arg", BAD, ids=[f"{c.__name__}-{a}-{list(k.values())[0]}" for c, k, a in BAD])
def test_bad_hyperparameters_raise_naming_the_argument(cls, kwargs, arg):
    with pytest.raises(ValueError, match=arg):
        cls(**kwargs)


def test_bad_types_and_calls():
    with pytest.raises(TypeError, match="nesterov"):
        O.SGD(momentum=0.9, nesterov="yes")
    with pytest.raises(TypeError, match="amsgrad"):
        O.Adam(amsgrad=1)
    with pytest.raises(TypeError, match="learning_rate"):
        O.SGD(learning_rate="0.1")
    with pytest.raises(TypeError, match="momentum"):
        O.SGD(momentum=None)
    opt = O.SGD(0.1)
    with pytest.raises(ValueError, match="grads_and_vars"):
        opt.apply_gradients([])
    with pytest.raises(ValueError, match="grads_and_vars"):
        opt.apply_gradients([(np.ones(3), np.ones(2))])
    with pytest.raises(TypeError, match="grads_and_vars"):
        opt.apply_gradients([(np.ones(2), [1.0, 2.0])])
    with pytest.raises(TypeError, match="grads_and_vars"):
        opt.apply_gradients([(np.ones(2), np.ones(2, dtype=int))])
    ro = np.ones(2)
    ro.flags.writeable = False
    with pytest.raises(ValueError, match="read-only"):
        opt.apply_gradients([(np.ones(2), ro)])
    with pytest.raises(ValueError, match="learning_rate"):
        O.SGD(lambda step: -1.0).apply_gradients([(np.ones(2), np.ones(2))])
    with pytest.raises(ValueError, match="name"):
        O.get("lion")
    with pytest.raises(ValueError, match="name"):
        O.get("nadam", course=True)
    with pytest.raises(ValueError, match="t must"):
        O.adam_step(0.0, 0.0, 0.0, 1.0, 0)
    with pytest.raises(ValueError, match="m has shape"):
        O.sgd_momentum_step(np.zeros(2), np.zeros(3), np.zeros(2))
    with pytest.raises(ValueError, match="v "):
        O.adam_step(0.0, 0.0, -1.0, 1.0, 1)
    with pytest.raises(TypeError, match="grads_and_vars"):
        opt.apply_gradients(None)


def test_get_builds_the_named_optimizers():
    assert isinstance(O.get("nag"), O.SGD) and O.get("nag").nesterov and O.get("nag").momentum == 0.9
    assert O.get("amsgrad").amsgrad
    assert isinstance(O.get("adamw"), O.AdamW) and O.get("adamw").weight_decay == 0.004
    assert O.get("adam", 0.1).learning_rate == 0.1
    assert isinstance(O.get("sgdm", course=True), O.CourseSGDM)
    assert repr(O.get("sgd", 0.1, course=True)) == "SGD(learning_rate=0.1, momentum=0.0, nesterov=False)"


def test_public_api_exists():
    for name in O.__all__:
        assert hasattr(O, name), name
