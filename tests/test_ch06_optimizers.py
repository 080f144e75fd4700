"""Chapter 06a's experiments, figures and reference: the 2-D races, Newton's method, the one-table check
against Keras, and the helpers the lesson's exercises use."""


import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import course_lib  # noqa: E402
from course_lib.experiments import ch06_optimizers as E  # noqa: E402
from course_lib.figures import ch06_optimizers as F  # noqa: E402
from course_lib.nn import optimizers as O  # noqa: E402
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


def test_race_summary_follows_the_race():
    d = E.race("quadratic", ("SGD", "Adagrad", "NAG"), lr=0.3, lr_adaptive=0.2, momentum=0.8, steps=50)
    lines = E.race_summary(d)
    assert lines[0].startswith("quadratic，50 步后") and "NAG" in lines[0]
    order = [n for n in ("NAG", "SGD", "Adagrad") if n in lines[0]]
    assert lines[0].index("NAG") < lines[0].index("SGD") < lines[0].index("Adagrad"), order
    assert "没有" in lines[1] and "比 SGD 低：NAG" in lines[2] and "比 SGD 高：Adagrad" in lines[2]
    dv = E.race("quadratic", ("SGD", "Adam"), lr=0.6, steps=100)
    assert "SGD" in E.race_summary(dv)[1]
    with pytest.raises(TypeError, match="race"):
        E.race_summary({"x": 1})


def test_largest_stable_lr_on_beale_is_smaller_with_momentum():
    grid = (0.001, 0.005, 0.01, 0.03, 0.05, 0.1)
    sgd, sgdm = E.largest_stable_lr("beale", "SGD", grid), E.largest_stable_lr("beale", "SGDM", grid)
    assert sgd is not None and sgdm is not None and sgdm < sgd
    assert E.race("beale", ("SGD",), **{**E.SURFACES["beale"].preset, "lr": sgd})["diverged"]["SGD"] is False


def test_newton_is_exact_on_the_quadratic_and_quadratic_on_rosenbrock():
    q = E.newton_path("quadratic", 2)
    np.testing.assert_allclose(q["path"][1], [0.0, 0.0], atol=1e-15)
    assert q["gap"][1] < 1e-20
    r = E.newton_path("rosenbrock", 8)
    assert r["gap"][-1] < 1e-12 and r["gap"][2] > r["gap"][0]  # it jumps out before it converges
    for name in ("quadratic", "rosenbrock"):  # the Hessians against TensorFlow's
        s = E.SURFACES[name]
        for x, y in [(-1.5, 2.0), (0.3, -0.7)]:
            v = tf.Variable([x, y], dtype=tf.float64)
            with tf.GradientTape() as outer:
                with tf.GradientTape() as inner:
                    f = s.f(v[0], v[1])
                g = inner.gradient(f, v)
            np.testing.assert_allclose(s.hess(x, y), outer.jacobian(g, v).numpy(), rtol=1e-12, atol=1e-12)
    with pytest.raises(ValueError, match="surface"):
        E.newton_path("saddle")


def test_hessian_cost_and_adagrad_slowdown():
    c = E.hessian_cost(1000, bytes_per_number=8, flops_per_second=1e9)
    assert c["hessian_bytes"] == 8e6 and c["grad_bytes"] == 8e3
    assert c["solve_seconds"] == pytest.approx(1e9 / 3 / 1e9)
    slow = E.adagrad_slowdown(0.4, 100)
    assert np.all(np.diff(slow["effective_lr"][:, 0]) < 0)
    assert slow["factor_adagrad"][0] == pytest.approx(slow["factor_sgd"])
    assert slow["f_adagrad"] > 1e3 * slow["f_sgd"]


def test_nadam_momentum_matches_the_optimizer_and_the_paper():
    mu = E.nadam_momentum(2000)
    assert mu["keras"][0] == pytest.approx(0.9 * (1 - 0.5 * 0.96))
    assert mu["dozat"][249] == pytest.approx(0.9 * (1 - 0.5 * 0.96))  # t = 250: the paper's first "unit"
    assert mu["keras"][199] > 0.899 and mu["dozat"][199] < 0.5


def test_tuned_race_surface_reaches_the_saddle_minimum():
    d = E.tuned_race_surface("saddle", steps=60, n_lrs=6, lr_range=(-4, 1))
    assert set(d) == {"SGD + momentum", "Adam"}
    for v in d.values():
        assert v["worst"] < 1e-8 and 0 <= v["final"] <= v["worst"] and not v["at_edge"]


def test_tuned_race_surface_ranks_by_the_worst_of_the_last_steps():
    s = E.SURFACES["saddle"]
    d = E.tuned_race_surface("saddle", steps=30, n_lrs=3, lr_range=(-2, 0), window=5)["Adam"]
    p = E.trajectory(O.Adam(d["learning_rate"], beta_1=d["beta_1"]), s.grad, s.x0, 30)
    tail = s.f(p[-5:, 0], p[-5:, 1]) - s.f(*s.minimum)
    assert d["worst"] == pytest.approx(tail.max()) and d["final"] == pytest.approx(tail[-1])
    edge = E.tuned_race_surface("saddle", steps=30, n_lrs=2, lr_range=(-4, -3))  # both rates far too small
    assert all(v["at_edge"] for v in edge.values())
    with pytest.raises(ValueError, match="lr_range"):
        E.tuned_race_surface("saddle", lr_range=(0.0, -1.0))
    with pytest.raises(ValueError, match="lr_range"):
        E.tuned_race_surface("saddle", lr_range=(0.0, 1.0, 2.0))


def test_step_optimizer_drives_a_pure_step_like_the_class():
    q = E.SURFACES["rosenbrock"]
    ours = E.trajectory(E.step_optimizer(O.adam_step, 0.1), q.grad, q.x0, 50)
    np.testing.assert_allclose(ours, E.trajectory(O.Adam(0.1), q.grad, q.x0, 50), rtol=1e-12, atol=1e-12)
    sgdm = E.trajectory(E.step_optimizer(O.sgd_momentum_step, 0.001, kind="sgdm", momentum=0.9), q.grad, q.x0, 50)
    np.testing.assert_allclose(sgdm, E.trajectory(O.SGD(0.001, momentum=0.9), q.grad, q.x0, 50), rtol=1e-12)

    def mutating(w, m, v, g, t, learning_rate):
        w -= learning_rate * g  # changes its input: the optimizer's state must not follow
        return w, m, v

    x = np.ones(2)
    E.step_optimizer(mutating, 0.1).apply_gradients([(np.ones(2), x)])
    np.testing.assert_allclose(x, 0.9)
    with pytest.raises(ValueError, match="kind"):
        E.step_optimizer(O.adam_step, 0.1, kind="lion")


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


def test_keras_path_follows_the_numpy_twin():
    q = E.SURFACES["quadratic"]
    import keras

    path = REF.keras_path(keras.optimizers.SGD(0.1, momentum=0.9), q.grad, q.x0, 20)
    np.testing.assert_allclose(path, E.trajectory(O.SGD(0.1, momentum=0.9), q.grad, q.x0, 20), rtol=1e-5, atol=1e-5)
    with pytest.raises(TypeError, match="optimizer"):
        REF.keras_path("sgd", q.grad, q.x0, 2)


def test_figures_draw():
    fig, axes = plt.subplots(1, 3)
    F.draw_optimizer_race(E.race("quadratic", ("SGD", "Adam"), steps=10), axes)
    fig, axes = plt.subplots(2, 4)
    F.draw_race_panels(E.race("quadratic", ("SGD", "SGDM", "NAG", "Adagrad", "RMSprop", "Adam", "Nadam"), steps=10),
                       axes)
    q, r = E.SURFACES["quadratic"], E.SURFACES["rosenbrock"]
    fig, axes = plt.subplots(1, 3)
    F.draw_newton({"quadratic": {"surface": q, "newton": E.newton_path("quadratic", 2)["path"],
                                 "gd": E.trajectory(O.SGD(0.4), q.grad, q.x0, 5), "gd_label": "GD"},
                   "rosenbrock": {"surface": r, "newton": E.newton_path("rosenbrock", 4)["path"],
                                  "gd": E.trajectory(O.SGD(0.001), r.grad, r.x0, 5), "gd_label": "GD"}}, axes)
    fig, axes = plt.subplots(1, 2)
    F.draw_adagrad_slowdown(E.adagrad_slowdown(0.4, 20), axes)
    fig, ax = plt.subplots()
    F.draw_adam_bias({"with": E.adam_effective_step(10)}, ax)
    F.draw_nadam_momentum(E.nadam_momentum(100), ax)
    plt.close("all")


def test_public_api_exists():
    for module in (E, F, REF):
        for name in module.__all__:
            assert hasattr(module, name), name


def test_tuned_race_grid_at_once_equals_one_optimizer_per_run():
    A, x0 = E.rotated_quadratic(6, 300.0, seed=2)
    lrs = np.logspace(-4, 0, 7)
    for name, (make, knobs, _) in E._TUNE_GRIDS.items():
        at_once = E._quadratic_runs(name, lrs, knobs, A, x0, 80)
        one_by_one = np.array([E._quadratic_run(make(float(lr), k), A, x0, 80) for lr in lrs for k in knobs])
        np.testing.assert_array_equal(at_once, one_by_one)
