"""course_lib.experiments.ch04_losses and course_lib.reference.ch04_losses: the chapter's runs against
TensorFlow's autodiff and the course's own loop, the exact optima, the slider data, the course's numbers."""

import math

import numpy as np
import pytest

import course_lib
from course_lib.data import yogurt
from course_lib.experiments import ch04_losses as X
from course_lib.nn import losses as L
from course_lib.reference import ch04_losses as R

tf = course_lib.import_tf()
import keras  # noqa: E402  (after import_tf, which silences TensorFlow)

RNG = np.random.default_rng(2024)


def test_course_cross_entropy_numbers():
    N = R.COURSE_NUMBERS
    assert L.categorical_crossentropy([1, 0], [0.6, 0.4]) == pytest.approx(N["ce_06"], abs=5e-8)
    assert L.categorical_crossentropy([1, 0], [0.8, 0.2]) == pytest.approx(N["ce_08"], abs=5e-8)  # printed float32
    labels = np.array([[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 0, 0], [0, 1, 0]])
    logits = np.array([[12, 3, 2], [3, 10, 1], [1, 2, 5], [4, 6.5, 1.2], [3, 6, 1]])
    fused = L.softmax_cross_entropy_with_logits(labels, logits)
    two_step = L.categorical_crossentropy(labels, np.asarray(tf.nn.softmax(logits)))
    np.testing.assert_allclose(fused, N["ce_5x3"], rtol=5e-9)
    np.testing.assert_allclose(two_step, fused, rtol=1e-9)
    np.testing.assert_allclose(fused, tf.nn.softmax_cross_entropy_with_logits(labels, logits), rtol=1e-12)


def test_naive_form_fails_where_fused_form_does_not():
    right = X.ce_stability_view(800.0, "largest")["values"]
    assert np.isnan(right["naive"])  # e^800 = inf, inf/inf = nan
    assert right["fused"] == pytest.approx(math.exp(-800), abs=1e-300)
    wrong = X.ce_stability_view(400.0)["values"]
    assert wrong["naive"] == np.inf  # e^-800 underflows: log 0
    assert wrong["fused"] == pytest.approx(800.0)
    assert wrong["clipped"] == pytest.approx(-math.log(1e-7), rel=1e-6)  # finite but capped
    for target, exact in (("smallest", math.log(math.exp(3) + 1 + math.exp(-3)) + 3),
                          ("largest", math.log(1 + math.exp(-3) + math.exp(-6)))):
        for v in X.ce_stability_view(3.0, target)["values"].values():
            assert v == pytest.approx(exact, rel=1e-6)
    f32 = X.ce_stability_view(100.0, "smallest", "float32")["values"]
    assert f32["naive"] == np.inf and f32["fused"] == pytest.approx(200.0)
    assert np.isnan(X.ce_stability_view(100.0, "largest", "float32")["values"]["naive"])


def _random_boxes(n, spread=3.0):
    xy = RNG.uniform(-spread, spread, size=(n, 2))
    wh = RNG.uniform(0.3, 3.0, size=(n, 2))
    return np.concatenate([xy, xy + wh], axis=1)


def test_simulation_step_uses_the_autodiff_gradient():
    """One step of the simulation (forward differences in (x, y, w, h)) equals the update with TF's gradient."""
    t, p = _random_boxes(12), _random_boxes(12)
    to_xywh = lambda b: np.concatenate([(b[:, :2] + b[:, 2:]) / 2, b[:, 2:] - b[:, :2]], axis=1)
    A, T = to_xywh(p), to_xywh(t)
    for k, kind in enumerate(L.BOX_LOSSES):
        pv = tf.Variable(p)
        with tf.GradientTape() as tape:
            value = tf.reduce_sum(R.box_loss_tf(kind, tf.constant(t), pv))
        g = tape.gradient(value, pv).numpy()
        g_xywh = np.concatenate([g[:, :2] + g[:, 2:], (g[:, 2:] - g[:, :2]) / 2], axis=1)
        want = A - 0.1 * (2 - L.iou(t, p))[:, None] * g_xywh
        _, _, kept = X._regress(A, T, [k], n_iter=1, lr=0.1, decay_at=(), paths=True)
        np.testing.assert_allclose(kept[1, 0], np.maximum(want, np.r_[-np.inf, -np.inf, 1e-3, 1e-3]), atol=1e-6)


def test_box_regression_simulation_small():
    sim = X.box_regression_simulation(n_centers=2, n_iter=100, scales=(1.0,), ratios=(0.5, 2.0),
                                      target_ratios=(1.0,), decay_at=(), track=(0, 1))
    assert sim["n"] == 4  # 2 centres x 1 scale x 2 ratios x 1 target; both centres far: disjoint
    err = sim["error"]
    assert err["IoU"][0] == err["GIoU"][0] == err["DIoU"][0] == err["CIoU"][0]
    assert err["IoU"][-1] == err["IoU"][0]  # no gradient: the IoU loss never moves a disjoint box
    for kind in ("GIoU", "DIoU", "CIoU"):
        assert err[kind][-1] < 0.1 * err[kind][0]
    assert sim["paths"]["IoU"].shape == (101, 2, 4)
    cases = X.box_case_paths()
    for case in X.SIM_CASES:
        for kind in ("GIoU", "DIoU", "CIoU"):
            assert cases[case]["iou"][kind][-1] > 0.99
        assert cases[case]["iou"]["IoU"][-1] == 0
    assert X.box_case_view("diagonal", 10)["step"] == 10


def test_box_view_reports_losses_and_gradients():
    d = X.box_view(dx=3.0, dy=0.0, w=1.0, h=1.0)
    assert d["loss"]["IoU"] == 1.0 and np.all(d["grad"]["IoU"] == 0)
    assert d["similarity"]["GIoU"] == pytest.approx(float(L.giou(d["target"], d["pred"])))
    assert len(d["offsets"]) == len(d["curves"]["DIoU"])


# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("call,match", [
    (lambda: X.yogurt_gd(np.zeros((3, 2)), np.zeros(4), [0, 0], epochs=1), "y"),
    (lambda: X.yogurt_gd(np.zeros((3, 2)), np.zeros(3), [0, 0], loss="mae", epochs=1), "loss"),
    (lambda: X.yogurt_gd(np.zeros((3, 2)), np.zeros(3), [0, 0, 0], epochs=1), "w0"),
    (lambda: X.yogurt_optimum(*yogurt(), cost=0.0), "cost"),
    (lambda: X.yogurt_view(3, 99, (0.0, 0.0)), "cost"),
    (lambda: X.focal_view(3.0, 0.25), "gamma"),
])
def test_bad_input_names_the_argument(call, match):
    with pytest.raises(ValueError, match=match):
        call()


# ------------------------------------------------------------------------------------------------
# the yogurt example
# ------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def w0():
    return R.course_initial_weights()


def test_course_initial_weights_are_repeatable_and_restore_the_seed(w0):
    assert w0.shape == (2,) and w0.dtype == np.float32
    assert np.array_equal(w0, R.course_initial_weights())
    tf.random.set_seed(course_lib.SEED)
    a = tf.random.uniform([3]).numpy()
    R.course_initial_weights()  # leaves the global seed as the notebook set it (reset to its start)
    assert np.array_equal(a, tf.random.uniform([3]).numpy())


def test_course_initial_weights_equal_a_fresh_unseeded_program(w0):
    import subprocess
    import sys

    code = ("import os; os.environ['TF_CPP_MIN_LOG_LEVEL'] = '3'\n"
            "import tensorflow as tf\nprint(repr(tf.random.normal([2, 1], stddev=1, seed=1).numpy().ravel().tolist()))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert np.array_equal(np.array(eval(out.strip().splitlines()[-1]), np.float32), w0)


@pytest.mark.parametrize("kind,cost,profit", [("custom", 1, 99), ("custom", 99, 1), ("mse", 0, 0)])
def test_numpy_gradient_descent_follows_tf_to_float32_round_off(w0, kind, cost, profit):
    """Both numpy kernels against the course's TF loop, to a documented tolerance.

    Bit-for-bit equality holds only where TensorFlow's CPU kernel adds the 32 products in the
    order ``exact=True`` follows (sequentially, with or without fused multiply-add, depending on
    how TensorFlow was built for the CPU): on one machine ``fma=True`` matched, on another
    ``fma=False``. So the test asks for float32 round-off only: after 250 epochs the weights
    (about 1.2) differ by at most 2e-5 (measured: at most 7e-7 on both machines).
    """
    x, y = yogurt()
    want = R.yogurt_gd_tf(x, y, w0, loss=kind, cost=cost, profit=profit, epochs=250)
    for kw in ({"exact": True, "fma": True}, {"exact": True, "fma": False}, {}):
        got = X.yogurt_gd(x, y, w0, loss=kind, cost=cost, profit=profit, epochs=250, every=250, **kw)[-1, 0]
        np.testing.assert_allclose(got, want, atol=2e-5, err_msg=str(kw))


def _course_loss_and_grads(kind, cost, profit, n):
    """The yogurt model's loss and gradient, written for ``train.fit``: float32, sample after sample."""
    f32 = np.float32
    minus_two_inv_n = f32(-2.0) * f32(1.0 / n)

    def loss_and_grads(params, x, y):
        w = params["w"]
        pred = x[:, 0] * w[0] + x[:, 1] * w[1]
        if kind == "mse":
            g = (y - pred) * minus_two_inv_n
        else:
            g = np.where(pred > y, f32(cost), f32(-profit))
        grad = np.zeros(2, f32)
        for gi, xi in zip(g, x):
            grad = grad + gi * xi  # product rounded to float32, then added
        return float(L.yogurt_loss(y, pred, cost, profit)), {"w": grad}

    return loss_and_grads


@pytest.mark.parametrize("kind,cost,profit", [("custom", 1, 99), ("custom", 99, 1), ("mse", 0, 0)])
def test_exact_kernel_is_the_readable_loop_bit_for_bit(kind, cost, profit):
    """``exact=True, fma=False`` is ``train.fit`` + ``nn.optimizers.SGD`` exactly: IEEE float32 on any CPU."""
    from course_lib import train
    from course_lib.nn.optimizers import SGD

    x, y = yogurt()
    x32, y32 = x.astype(np.float32), y[:, 0].astype(np.float32)
    w0 = np.array([-0.8113182, 1.4845988], np.float32)
    params = {"w": w0.copy()}
    batches = lambda epoch: [(x32, y32)]  # noqa: E731  full batch
    train.fit(params, _course_loss_and_grads(kind, cost, profit, len(x)), batches, SGD(0.002), 60)
    got = X.yogurt_gd(x, y, w0, loss=kind, cost=cost, profit=profit, epochs=60, every=60, exact=True, fma=False)
    assert np.array_equal(got[-1, 0], params["w"])
    fast = X.yogurt_gd(x, y, w0, loss=kind, cost=cost, profit=profit, epochs=60, every=60)
    np.testing.assert_allclose(fast[-1, 0], params["w"], atol=2e-5)  # numpy's summation order


def test_sequential_sum_paths_give_the_same_bits():
    """``_sequential_sum_f32`` (exact=True, fma=True): the struct path for a few runs, the numpy path for many
    runs or on overflow, and a plain loop of numpy float32 roundings all agree bit for bit."""
    terms = RNG.normal(size=(32, 9, 2)) * 10.0 ** RNG.integers(-3, 4, size=(32, 9, 2))

    def plain(t):
        total = np.zeros(t.shape[1:], np.float32)
        for row in t:
            total = (row + total).astype(np.float32)
        return total

    for k in (1, 2, 8, 9):  # 2k <= 16 takes the struct path, 9 runs the numpy one
        np.testing.assert_array_equal(X._sequential_sum_f32(terms[:, :k]), plain(terms[:, :k]))
    big = np.full((3, 1, 2), 3e38)
    assert np.all(np.isinf(X._sequential_sum_f32(big)))  # beyond float32: inf, as numpy rounds it


def test_batched_runs_equal_single_runs(w0):
    x, y = yogurt()
    batch = X.yogurt_gd(x, y, w0, loss=["custom", "mse", "custom"], cost=[1, 0, 99], profit=[99, 0, 1],
                        epochs=120, every=40)
    for j, (kind, c, p) in enumerate([("custom", 1, 99), ("mse", 0, 0), ("custom", 99, 1)]):
        assert np.array_equal(batch[:, j], X.yogurt_gd(x, y, w0, loss=kind, cost=c, profit=p, epochs=120, every=40)[:, 0])
    assert batch.shape == (4, 3, 2) and np.array_equal(batch[0, 0], w0)


def test_course_yogurt_numbers_reproduced(w0):
    got = R.course_yogurt_runs(w0)
    for name, w in got.items():
        # the course's machine summed the gradient sample by sample without FMA: bit for bit, on any CPU
        np.testing.assert_array_equal(w, np.float32(R.COURSE_NUMBERS[name]))


def test_optima_are_optimal():
    x, y = yogurt()
    w_ls = X.least_squares(x, y)
    np.testing.assert_allclose(x.T @ (x @ w_ls - y[:, 0]), 0, atol=1e-12)  # the normal equations
    for cost, profit in ((1, 99), (99, 1), (1, 1), (5, 20)):
        w, best = X.yogurt_optimum(x, y, cost, profit)
        assert best == pytest.approx(L.yogurt_loss(y[:, 0], x @ w, cost, profit))
        # no point of a fine grid around it, nor random points, does better
        g = np.linspace(-0.05, 0.05, 41)
        W = w + np.stack(np.meshgrid(g, g), -1).reshape(-1, 2)
        W = np.concatenate([W, RNG.normal(1, 0.3, size=(500, 2))])
        r = W @ x.T - y[:, 0]
        assert np.all(np.sum(np.where(r > 0, r * cost, -r * profit), axis=1) >= best - 1e-12)
        # the quantile property: at most n·cost/(cost+profit) samples above the fit, plus the 2 on it
        under = np.sum(x @ w < y[:, 0] - 1e-12)
        assert under <= len(y) * cost / (cost + profit) + 2


def test_yogurt_view_reads_the_grid_and_weights_move_as_the_course_says(w0):
    hi = X.yogurt_view(1, 99, tuple(w0.tolist()))
    lo = X.yogurt_view(99, 1, tuple(w0.tolist()))
    assert np.all(hi["final"] > 1) and np.all(lo["final"] < 1)
    assert np.all(hi["optimum"] > 1) and np.all(lo["optimum"] < 1)
    assert hi["tau"] == pytest.approx(0.99)
    assert hi["path"].shape == (1001, 2)
    x, y = yogurt()
    np.testing.assert_array_equal(hi["final"], X.yogurt_gd(x, y, w0, cost=1, profit=99, epochs=10000, every=10000)[-1, 0])


# ------------------------------------------------------------------------------------------------
# focal loss toy
# ------------------------------------------------------------------------------------------------
def _keras_focal_sum(y, zv, alpha, gamma):
    """Keras' balanced focal loss of logits ``zv`` (a tf.Variable), summed: what the toy's z-derivatives are checked on."""
    return tf.reduce_sum(keras.losses.binary_focal_crossentropy(y[:, None], zv[:, None], apply_class_balancing=True,
                                                                alpha=alpha, gamma=gamma, from_logits=True))


def test_focal_logit_gradient_matches_tf_autodiff():
    y = RNG.integers(0, 2, size=50).astype(float)
    z = RNG.normal(scale=3, size=50)
    for gamma, alpha in ((0.0, 0.5), (2.0, 0.25), (0.5, 0.9)):
        zv = tf.Variable(z)
        with tf.GradientTape() as tape:
            v = _keras_focal_sum(y, zv, alpha, gamma)
        want = tape.gradient(v, zv).numpy()
        got = X._focal_grad_logit(y, z, alpha, 1 - alpha, gamma)
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-7)


def test_focal_view_shrinks_easy_examples_share():
    ce = X.focal_view(0.0, 0.5)
    fl = X.focal_view(2.0, 0.25)
    assert fl["easy_share_fl"] < ce["easy_share_ce"] / 100 and ce["easy_share_ce"] > 0.01
    assert ce["hist_ce"].sum() == pytest.approx(1.0) and fl["hist_fl"].sum() == pytest.approx(1.0)
    d = X.focal_curve_data()
    assert d["curves"][0] == pytest.approx(-np.log(d["p_t"]))
    assert np.all(d["curves"][5] <= d["curves"][2]) and np.all(d["curves"][2] <= d["curves"][0])


def test_focal_curvature_matches_tf_second_derivative():
    """``_focal_curvature`` (Newton's method in ``focal_toy``) is d²FL/dz² of Keras' focal loss."""
    y = RNG.integers(0, 2, size=50).astype(float)
    z = RNG.normal(scale=3, size=50)
    for gamma, alpha in ((0.0, 0.5), (2.0, 0.25), (5.0, 0.9)):
        zv = tf.Variable(z)
        with tf.GradientTape() as outer:
            with tf.GradientTape() as inner:
                v = _keras_focal_sum(y, zv, alpha, gamma)
            g = inner.gradient(v, zv)
        want = outer.gradient(g, zv).numpy()  # the Hessian is diagonal: each loss depends on its own z
        got = X._focal_curvature(y, z, alpha, 1 - alpha, gamma)
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-7)
        value = X._focal_value(y, z, alpha, 1 - alpha, gamma)
        np.testing.assert_allclose(value, keras.losses.binary_focal_crossentropy(
            y[:, None], z[:, None], apply_class_balancing=True, alpha=alpha, gamma=gamma, from_logits=True), rtol=1e-6)


def test_focal_toy_is_the_minimum_gradient_descent_reaches():
    """Every model of the grid is a stationary point (TF autodiff's gradient ≈ 0) and a minimum; the readable
    loop ``train.fit`` + ``nn.optimizers.SGD`` from zero ends there too, given enough steps."""
    from course_lib import train
    from course_lib.nn.optimizers import SGD

    d = X.focal_toy(n_neg=200, n_pos=10, gammas=(0.0, 2.0), alphas=(0.25,))
    assert d["grad_max"] < 1e-10 and d["iterations"] < 60
    Xb = np.concatenate([d["X"], np.ones((len(d["X"]), 1))], axis=1)
    y = d["y"]
    for gi, gamma in enumerate((0.0, 2.0)):
        w = d["W"][gi, 0]
        wv = tf.Variable(w)
        with tf.GradientTape() as tape:
            v = tf.reduce_mean(keras.losses.binary_focal_crossentropy(
                y[:, None], tf.linalg.matvec(tf.constant(Xb), wv)[:, None], apply_class_balancing=True, alpha=0.25,
                gamma=gamma, from_logits=True))
        assert np.abs(tape.gradient(v, wv).numpy()).max() < 1e-8
        f = lambda w, gamma=gamma: X._focal_value(y, Xb @ w, 0.25, 0.75, gamma).mean()  # noqa: E731
        assert all(f(w + 1e-3 * RNG.normal(size=3)) > f(w) for _ in range(20))
        params = {"w": np.zeros(3)}

        def loss_and_grads(params, xb, yb, gamma=gamma):
            z = xb @ params["w"]
            return 0.0, {"w": X._focal_grad_logit(yb, z, 0.25, 0.75, gamma) @ xb / len(xb)}

        train.fit(params, loss_and_grads, lambda epoch: [(Xb, y)], SGD(5.0), 20000)
        np.testing.assert_allclose(params["w"], w, atol=0.05 * np.abs(w).max())
    ce = X.focal_toy()
    assert np.array_equal(ce["W_ce"], ce["W"][X.FOCAL_GAMMAS.index(0.0), X.FOCAL_ALPHAS.index(0.5)])


# ------------------------------------------------------------------------------------------------
# slider data added for the lesson: MAE's flat minimum, a student's IoU, the yogurt gap, the detector
# ------------------------------------------------------------------------------------------------
def test_mae_is_flat_between_the_middle_values():
    d = X.regression_curves(1.0)
    assert d["mae_interval"] == (2.0, 2.5)  # six points: every c between the 3rd and 4th is optimal
    assert d["median"] == 2.25 and d["mean"] == pytest.approx(11 / 3)
    assert d["best"]["MSE"] == pytest.approx(3.67, abs=0.005)


def test_box_view_with_a_students_iou_equals_the_library():
    def my_iou(a, b):  # a plain, correct IoU
        a, b = np.asarray(a, float), np.asarray(b, float)
        iw = np.maximum(np.minimum(a[..., 2], b[..., 2]) - np.maximum(a[..., 0], b[..., 0]), 0)
        ih = np.maximum(np.minimum(a[..., 3], b[..., 3]) - np.maximum(a[..., 1], b[..., 1]), 0)
        inter = iw * ih
        area = lambda c: (c[..., 2] - c[..., 0]) * (c[..., 3] - c[..., 1])  # noqa: E731
        return inter / (area(a) + area(b) - inter)

    for dx in (0.3, 3.0):
        lib, own = X.box_view(dx, 0.2, 1.5, 1.0), X.box_view(dx, 0.2, 1.5, 1.0, iou=my_iou)
        assert own["similarity"]["IoU"] == pytest.approx(lib["similarity"]["IoU"], abs=1e-12)
        np.testing.assert_allclose(own["curves"]["IoU"], lib["curves"]["IoU"], atol=1e-12)
        assert own["slope"]["IoU"] == pytest.approx(lib["slope"]["IoU"], abs=1e-6)
    with pytest.raises(ValueError, match="iou"):
        X.box_view(1.0, 0.0, 1.0, 1.0, iou=lambda a, b: 0.5)  # one number for 481 pairs


def test_yogurt_view_gap_is_never_below_the_exact_minimum(w0):
    for cost, profit in ((1, 99), (99, 1), (10, 10)):
        d = X.yogurt_view(cost, profit, tuple(w0.tolist()))
        assert np.all(d["gap"] >= -1e-9)  # the LP optimum is the minimum
        assert d["gap"][-200:].min() > 1e-3  # gradient descent keeps oscillating above it
        assert d["tail_step"] > 0


def test_fast_yogurt_kernel_any_sample_count():
    x, y = yogurt()
    w0 = np.array([-0.8, 1.5], np.float32)
    for n in (32, 30, 17, 1):
        fast = X.yogurt_gd(x[:n], y[:n], w0, epochs=40, every=40)[-1, 0]
        exact = X.yogurt_gd(x[:n], y[:n], w0, epochs=40, every=40, exact=True, fma=False)[-1, 0]
        np.testing.assert_allclose(fast, exact, atol=1e-5)


def test_detector_loss_splits_as_the_formula_says():
    ce = X.detector_loss_view(0.0, 0.5, 1.0, "GIoU")
    d = X.detector_toy()
    used = d["positive"] | d["negative"]
    y = d["positive"].astype(float)
    want = keras.losses.binary_crossentropy(y[used, None], d["logits"][used, None], from_logits=True)
    cls = sum(v for k, v in ce["loss"].items() if k != "boxes")
    assert cls == pytest.approx(0.5 * float(np.sum(want)) / d["positive"].sum(), rel=1e-9)  # α = 0.5 halves CE
    assert ce["loss"]["boxes"] == pytest.approx(float(np.mean(L.giou_loss(d["target"][d["positive"]],
                                                                         d["boxes"][d["positive"]]))))
    assert sum(ce["grad_share"].values()) == pytest.approx(1.0)
    focal = X.detector_loss_view(2.0, 0.25, 1.0, "GIoU")
    assert focal["loss"]["easy negatives"] < 0.05 * ce["loss"]["easy negatives"]
    assert focal["grad_share"]["easy negatives"] < ce["grad_share"]["easy negatives"]
    assert X.detector_loss_view(2.0, 0.25, 5.0, "GIoU")["loss"]["boxes"] == pytest.approx(5 * focal["loss"]["boxes"])
    sl1 = X.detector_loss_view(2.0, 0.25, 1.0, "smooth L1")["loss"]["boxes"]
    assert 0 < sl1 and sl1 != focal["loss"]["boxes"]
    assert ce["counts"]["positives"] == 20 and ce["counts"]["easy negatives"] + ce["counts"]["hard negatives"] > 1900


def test_every_figure_draws_its_data_with_readable_text():
    import matplotlib

    matplotlib.use("Agg")
    from course_lib.figures import ch04_losses as F
    from course_lib.figures import new_figure

    w0t = (-0.8113182, 1.4845988)
    figures = [(F.draw_regression_losses, X.regression_curves(1.0), 2), (F.draw_ce_stability, X.ce_stability_view(400.0), 1),
               (F.draw_yogurt, X.yogurt_view(1, 99, w0t), 2), (F.draw_box_pair, X.box_view(3.0, 0.5, 2.0, 1.5), 2),
               (F.draw_box_cases, X.box_case_view("horizontal", 50), 4), (F.draw_focal_curves, X.focal_curve_data(), 1),
               (F.draw_focal_toy, X.focal_view(2.0, 0.25), 2), (F.draw_detector_loss, X.detector_loss_view(), 2),
               (F.draw_box_regression, X.box_regression_simulation(n_centers=1, n_iter=5), 1),
               (F.draw_box_simulation_step, X.box_simulation_view(60), 4)]
    for draw, data, n in figures:
        fig, axes = new_figure(1, n)
        draw(data, axes)
        fig.canvas.draw()
        sizes = [t.get_fontsize() for ax in fig.axes for t in ax.texts + [ax.title, ax.xaxis.label, ax.yaxis.label]
                 + ([lt for lt in ax.get_legend().get_texts()] if ax.get_legend() else []) if t.get_text()]
        assert min(sizes) >= 9, (draw.__name__, min(sizes))
        matplotlib.pyplot.close(fig)


def test_box_simulation_view_spreads_every_box():
    first, last = X.box_simulation_view(0), X.box_simulation_view(200)
    for d in (first, last):
        for shares in d["shares"].values():
            assert shares.sum() == pytest.approx(1.0)
    assert first["shares"]["IoU"][0] == last["shares"]["IoU"][0] > 0.5  # disjoint boxes never move under the IoU loss
    assert last["mean"]["CIoU"] > 0.99 and last["shares"]["GIoU"][0] == 0
    sim = X.box_regression_simulation()
    assert last["mean"]["DIoU"] == pytest.approx(sim["iou"]["DIoU"][-1], rel=1e-6)
