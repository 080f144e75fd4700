"""Issue 10, bad-input audit: every public callable of the numeric modules fails politely.

The public API is discovered, not listed: every module of the ``course_lib`` package
(``pkgutil``) is either numeric (its ``__all__`` is audited) or infrastructure (not audited,
with the reason). A new module, or a new public function or class without a valid call in
the tables below (one per module, gathered in ``_TABLES``), fails
:func:`test_every_public_callable_has_a_valid_call`.

For every entry, :func:`test_bad_input_fails_politely` takes its valid call and replaces each
argument in turn (defaults included, ``**kwargs`` keys too) with a bad value (a string, None,
NaN, inf, -1, 0, a wrong-shape array, a list of strings, the valid array with a NaN in it).
The call must either work or raise ``ValueError``/``TypeError`` whose message names that
argument. Anything else (IndexError, AttributeError, ZeroDivisionError, an error from deep
inside numpy or TensorFlow, a RuntimeWarning, a hang) is a bug.

:func:`test_mismatched_shapes_raise` checks that arrays meant to match (``y_true``/``y_pred``,
``labels``/``logits``, ``x``/``y``...) are never silently broadcast.
"""

from __future__ import annotations

import functools
import importlib
import inspect
import pkgutil
import re
import signal
import time
import warnings

import numpy as np
import pytest

import course_lib

# ----------------------------------------------------------------------------------------------
# which modules are audited
# ----------------------------------------------------------------------------------------------
#: Modules with numeric functions: their whole ``__all__`` is audited (fitting: if it ever exists).
NUMERIC = ("activations", "complexity", "data", "schedules", "losses", "regularization", "optimizers",
           "experiments", "fitting")

#: Modules that are not audited, and why.
INFRASTRUCTURE = {
    "_cache": "functools.lru_cache that names an unhashable argument (used by the numeric modules)",
    "_validate": "the argument checks the numeric modules share (their errors are audited through them)",
    "_offline": "test-time network guard",
    "checks": "the exercise checker: compares a student's function with a reference, any input",
    "handouts": "build tool (python -m course_lib.handouts): slides and HTML pages from the notebooks",
    "notebooks": "build tool: executes and normalises notebooks",
    "plots": "draw halves of the figures: take a compute() result and a matplotlib Axes",
    "student": "build tool: generates chapters/ from solutions/",
    "widgets": "ipywidgets glue (sliders, LivePlot)",
}


def _modules():
    return sorted(m.name for m in pkgutil.iter_modules(course_lib.__path__))


def _public_callables():
    out = []
    for name in _modules():
        if name not in NUMERIC:
            continue
        mod = importlib.import_module(f"course_lib.{name}")
        assert hasattr(mod, "__all__"), f"course_lib.{name} has no __all__ (CONVENTIONS.md: it lists the public API)"
        out += [f"{name}.{n}" for n in mod.__all__ if callable(getattr(mod, n))]
    return out


# ----------------------------------------------------------------------------------------------
# one valid call per public callable
# ----------------------------------------------------------------------------------------------
class Call:
    """A valid call: ``fn(*args, **kwargs)``; ``fn`` defaults to the callable the entry names."""

    def __init__(self, *args, fn=None, **kwargs):
        self.fn, self.args, self.kwargs = fn, args, kwargs


C = Call


def M(make, method, *args, **kwargs):
    """A valid call of a method: ``make()`` builds a fresh object."""
    return Call(*args, fn=getattr(make(), method), **kwargs)


def _mod(name):
    return importlib.import_module(f"course_lib.{name}")


@functools.lru_cache(maxsize=None)
def fx():
    """Small inputs shared by the calls (built once)."""
    rng = np.random.default_rng(0)
    d = {}
    d["x34"] = np.linspace(-3.0, 3.0, 12).reshape(3, 4)
    d["t43"] = rng.normal(size=(4, 3))
    d["p43"] = rng.normal(size=(4, 3))
    d["y01"] = rng.integers(0, 2, size=(4, 3)).astype(float)
    d["prob"] = rng.uniform(0.05, 0.95, size=(4, 3))
    d["labels"] = np.array([0, 2, 1, 1])
    d["onehot"] = np.eye(3)[d["labels"]]
    d["boxes1"] = np.array([[0.0, 0.0, 2.0, 2.0], [1.0, 1.0, 3.0, 4.0], [0.0, 0.0, 1.0, 1.0]])
    d["boxes2"] = np.array([[1.0, 1.0, 3.0, 3.0], [0.0, 0.0, 2.0, 2.0], [2.0, 2.0, 3.0, 5.0]])
    X, y = _mod("data").dots(n=16)
    d["dots_x"], d["dots_y"] = X, y
    d["yog_x"], d["yog_y"] = _mod("data").yogurt(n=8)
    d["w0"] = np.array([0.5, -0.3], dtype=np.float32)
    (xi, yi), _ = _mod("data").iris()
    d["iris_x"], d["iris_y1h"] = xi[:8], np.eye(3, dtype=np.float32)[yi[:8]]
    return d


@functools.lru_cache(maxsize=None)
def small_model():
    return _mod("complexity").conv_stack_model(8, [2], units=3)


def _act():
    A = _mod("activations")
    f = fx()
    X = f["x34"]
    return {
        "sigmoid": lambda: C(X), "tanh": lambda: C(X), "softplus": lambda: C(X), "softsign": lambda: C(X),
        "relu": lambda: C(X, negative_slope=0.1, max_value=6.0, threshold=0.0),
        "leaky_relu": lambda: C(X, negative_slope=0.2),
        "prelu": lambda: C(X, alpha=0.25),
        "rrelu": lambda: C(X, lower=0.1, upper=0.3, training=True, seed=0),
        "elu": lambda: C(X, alpha=1.0),
        "softmax": lambda: C(X, axis=-1),
        "derivative": lambda: C("relu", X, negative_slope=0.1),
        "properties": lambda: C("tanh", n=101),
        "relu_features_fit": lambda: C(np.sin, 4, lo=-1.0, hi=1.0, n=20, seed=0, activation="relu"),
        "linear_stack_collapse": lambda: C(depth=3, width=4, seed=0),
        "curve_data": lambda: C("elu", param=0.5, lo=-2.0, hi=2.0, n=11),
        "softmax_temperature": lambda: C(X, 2.0),
        "mlp_init": lambda: C(3, 4, n_out=1, seed=0, scale="he"),
        "mlp_loss_and_grads": lambda: C(A.mlp_init(2, 4), f["dots_x"], f["dots_y"][:, None].astype(float),
                                        activation="relu"),
        "train_mlp": lambda: C(f["dots_x"], f["dots_y"], activation="relu", hidden=4, lr=0.1, epochs=2,
                               batch_size=8, seed=0, init_scale="he"),
        "gradient_norms": lambda: C("tanh", 2, width=4, batch=8, seed=0),
        "gradient_norm_table": lambda: C(max_depth=2, activations=("relu",), width=4, seed=0),
        "dead_relu_sweep": lambda: C(lrs=(0.3,), activations=("relu",), epochs=1, hidden=4, seed=0),
        "zero_centred_comparison": lambda: C(activations=("tanh",), seeds=(0,), lr=1.0, epochs=1, hidden=4),
        "properties_table": lambda: C(names=("tanh",)),
        "relative_cost": lambda: C(names=("tanh", "sigmoid"), n=1000, repeats=2, seed=0),
        "compare_with_keras": lambda: C(seed=0, n=20),
    }


def _cx():
    X = _mod("complexity")
    return {
        "LayerRow": lambda: C("d", "Dense", (4,), 20, 16, 36, 16),
        "LayerTable": lambda: C([X.LayerRow("d", "Dense", (4,), 20, 16, 36, 16)], title="t"),
        "conv_output_size": lambda: C(32, 3, strides=1, padding="valid", dilation_rate=1),
        "conv2d_complexity": lambda: C(8, 3, 4, 3, strides=1, padding="same", use_bias=True,
                                       bytes_per_element=4, name="c"),
        "dense_complexity": lambda: C(3, 4, use_bias=True, bytes_per_element=4, name="d"),
        "conv_stack": lambda: C(8, [4, 8], kernel_size=3, strides=1, depth=None, in_channels=3, padding="same",
                                use_bias=True, units=10, bytes_per_element=4),
        "conv_stack_model": lambda: C(8, [2], kernel_size=3, strides=1, depth=None, in_channels=3, padding="same",
                                      use_bias=True, units=3, activation="relu"),
        "count_params": lambda: C(small_model()),
        "count_macs": lambda: C(small_model()),
        "count_flops": lambda: C(small_model()),
        "feature_map_memory": lambda: C(small_model(), bytes_per_element=4),
        "layer_table": lambda: C(small_model(), bytes_per_element=4),
        "profiler_flops": lambda: C(small_model()),
        "measure_latency": lambda: C(small_model(), repeats=2, warmup=1, batch_size=1),
        "lenet5": lambda: C(input_shape=(32, 32, 3), classes=10),
        "vgg_style": lambda: C(input_shape=(8, 8, 3), filters=4, classes=3),
        "mobilenet_style": lambda: C(input_shape=(8, 8, 3), filters=4, classes=3),
        "mlp": lambda: C(input_shape=(4, 4, 1), hidden=(8,), classes=3),
    }


def _data():
    return {
        "dots": lambda: C(n=10, seed=2),
        "yogurt": lambda: C(n=8, seed=1),
        "iris": lambda: C(shuffle_seed=116, n_train=120),
        "iris_raw": lambda: C(),
        "data_path": lambda: C("dot.csv"),
    }


def _sched():
    S = _mod("schedules")
    steps = np.arange(6)

    def runs():
        return {"c": S.TrainingRun(np.array([0.5, 0.4]), np.full(4, 0.1), 2, 0.5)}

    return {
        "exponential_decay": lambda: C(steps, 0.1, 10, 0.9, staircase=False),
        "piecewise_constant_decay": lambda: C(steps, [2, 4], [0.1, 0.05, 0.01]),
        "inverse_time_decay": lambda: C(steps, 0.1, 10, 0.5, staircase=False),
        "polynomial_decay": lambda: C(steps, 0.1, 10, end_learning_rate=1e-4, power=1.0, cycle=False),
        "cosine_decay": lambda: C(steps, 0.1, 10, alpha=0.0, warmup_target=0.2, warmup_steps=2),
        "cosine_decay_restarts": lambda: C(steps, 0.1, 3, t_mul=2.0, m_mul=1.0, alpha=0.0),
        "reduce_lr_on_plateau": lambda: C([1.0, 0.9, 0.9, 0.9], 0.1, factor=0.1, patience=1, mode="min",
                                          min_delta=1e-4, cooldown=0, min_lr=0.0),
        "ReduceLROnPlateau": lambda: C(0.1, factor=0.1, patience=1, mode="min", min_delta=1e-4, cooldown=0,
                                       min_lr=0.0),
        "ReduceLROnPlateau.update": lambda: M(lambda: S.ReduceLROnPlateau(0.1), "update", 0.5),
        "Schedule": lambda: C("exponential_decay", initial_learning_rate=0.1, decay_steps=10, decay_rate=0.9),
        "Schedule.__call__": lambda: M(lambda: S.Schedule("cosine_decay", initial_learning_rate=0.1,
                                                          decay_steps=10), "__call__", steps),
        "make_schedule": lambda: C("exponential_decay", initial_learning_rate=0.1, decay_steps=10,
                                   decay_rate=0.9),
        "minimise_quadratic": lambda: C(0.1, epochs=3, w0=5.0, dtype="float32"),
        "course_lr_decay_table": lambda: C(dtype="float64"),
        "TrainingRun": lambda: C(np.array([0.5, 0.4]), np.full(4, 0.1), 2, 0.5),
        "train_with_schedules": lambda: C({"c": 0.1}, dataset="dots", epochs=1, batch_size=120, hidden=2, seed=0),
        "schedule_view": lambda: C("cosine_decay", n_steps=10, initial_learning_rate=0.1, decay_steps=10),
        "exponential_view": lambda: C(initial_learning_rate=0.1, decay_steps=10, decay_rate=0.8, n_steps=10),
        "piecewise_view": lambda: C(boundary_1=3, length_2=3, value_1=0.1, value_2=0.05, value_3=0.01, n_steps=10),
        "overlay_view": lambda: C(n_steps=10, logy=False, cosine=True),
        "quadratic_runs": lambda: C({"a": 0.1}, epochs=3, w0=5.0),
        "quadratic_view": lambda: C(learning_rate=0.2, decay_rate=0.99, epochs=3),
        "plateau_view": lambda: C([1.0, 0.9, 0.9, 0.9], initial_learning_rate=0.1, factor=0.5, patience=1,
                                  min_delta=1e-3, cooldown=0),
        "training_view": lambda: C(runs(), "c", show_all=False, baseline="c"),
        "warmup_view": lambda: C({0.1: runs()}, 0.1),
        "schedule_caption": lambda: C(S.schedule_view("cosine_decay", 10, initial_learning_rate=0.1,
                                                      decay_steps=10), at=(0, 5)),
        "training_caption": lambda: C(S.training_view(runs(), "c", baseline="c")),
        "plateau_caption": lambda: C(S.plateau_view([1.0, 0.9, 0.9, 0.9], patience=1)),
        "compare_with_keras": lambda: C(n_steps=10, losses=[1.0, 0.9, 0.9], plateau={"initial_learning_rate": 0.1,
                                                                                       "patience": 1}),
    }


def _loss():
    f = fx()
    t, p, y01, prob, oh, lab = f["t43"], f["p43"], f["y01"], f["prob"], f["onehot"], f["labels"]
    b1, b2 = f["boxes1"], f["boxes2"]
    x, y, w0 = f["yog_x"], f["yog_y"], f["w0"]
    w0t = tuple(float(v) for v in w0)
    out = {
        "mean_squared_error": lambda: C(t, p),
        "huber": lambda: C(t, p, delta=1.0),
        "smooth_l1": lambda: C(t, p, beta=1.0),
        "yogurt_loss": lambda: C(t, p, cost=1.0, profit=99.0),
        "binary_crossentropy": lambda: C(y01, prob, from_logits=False, label_smoothing=0.1, axis=-1),
        "categorical_crossentropy": lambda: C(oh, prob, from_logits=False, label_smoothing=0.1, axis=-1),
        "sparse_categorical_crossentropy": lambda: C(lab, prob, from_logits=False, ignore_class=None, axis=-1),
        "softmax_cross_entropy_with_logits": lambda: C(oh, p, axis=-1),
        "sparse_softmax_cross_entropy_with_logits": lambda: C(lab, p),
        "naive_softmax_cross_entropy": lambda: C(oh, p),
        "binary_focal_crossentropy": lambda: C(y01, prob, apply_class_balancing=True, alpha=0.25, gamma=2.0,
                                               from_logits=False, label_smoothing=0.1, axis=-1),
        "categorical_focal_crossentropy": lambda: C(oh, prob, alpha=0.25, gamma=2.0, from_logits=False,
                                                    label_smoothing=0.1, axis=-1),
        "box_loss_gradient": lambda: C("GIoU", b1, b2, h=1e-6, param="xyxy"),
        "box_regression_simulation": lambda: C(n_centers=1, scales=(1.0,), ratios=(1.0,), target_ratios=(1.0,),
                                               n_iter=3, lr=0.1, decay_at=(2,), radius=3.0, losses=("IoU",),
                                               track=(0,)),
        "box_case_paths": lambda: C(n_iter=5, lr=0.1, decay_at=(3,)),
        "box_case_view": lambda: C("diagonal", 3),
        "course_initial_weights": lambda: C(),
        "course_yogurt_runs": lambda: C(w0),
        "yogurt_gd": lambda: C(x, y, w0, loss="custom", cost=1.0, profit=99.0, lr=0.002, epochs=3, every=1,
                               exact=True),
        "yogurt_gd_tf": lambda: C(x, y, w0, loss="custom", cost=1.0, profit=99.0, lr=0.002, epochs=2),
        "least_squares": lambda: C(x, y),
        "yogurt_optimum": lambda: C(x, y, cost=1.0, profit=99.0),
        "yogurt_grid": lambda: C(w0t, values=(1, 2), epochs=3, every=1),
        "yogurt_view": lambda: C(1, 99, w0t, tail=5),
        "regression_curves": lambda: C(delta=1.0, span=4.0),
        "compare_with_tf": lambda: C(n=20, seed=0),
        "course_comparison": lambda: C(w0),
        "ce_stability_view": lambda: C(10.0, target="smallest", dtype="float64"),
        "box_view": lambda: C(0.5, 0.0, 1.0, 1.0, target_w=2.0, target_h=1.0, span=6.0),
        "focal_curve_data": lambda: C(gammas=(0, 2), n=10),
        "focal_toy": lambda: C(n_neg=20, n_pos=4, gammas=(0.0, 2.0), alphas=(0.25,), lr=1.0, epochs=3, seed=4),
        "focal_view": lambda: C(2.0, 0.25),
    }
    for k in ("iou", "giou", "diou", "ciou"):
        out[k] = lambda: C(b1, b2)
        out[k + "_loss"] = lambda: C(b1, b2)
    return out


def _reg():
    R = _mod("regularization")
    f = fx()
    X, y = f["dots_x"], f["dots_y"].astype(float)
    xs = np.linspace(-1, 1, 8)
    ys = np.sin(xs)
    w = np.array([[0.5, -1.0], [0.0, 2.0]])

    def runs():
        return R.train_mlp(X, y, hidden=3, epochs=2, record=True)

    return {
        "l1_loss": lambda: C(w), "l2_loss": lambda: C(w),
        "penalty": lambda: C([w, w], 0.1, kind="l2"),
        "regularized_mse": lambda: C(ys, ys + 0.1, [w], 0.1, kind="l1"),
        "soft_threshold": lambda: C(w, 0.5),
        "target_function": lambda: C(xs),
        "poly_data": lambda: C(10, noise=0.2, seed=1, stream=0),
        "poly_features": lambda: C(xs, 3),
        "ridge_fit": lambda: C(xs, ys, 3, lam=0.1),
        "poly_predict": lambda: C(np.array([0.1, 0.2, 0.3]), xs),
        "mse": lambda: C(ys, ys + 0.1),
        "capacity_curve": lambda: C(noise=0.2, n_train=10, lam=0.0, seed=1, max_degree=3, n_val=20),
        "poly_view": lambda: C(degree=3, noise=0.2, n_train=10, lam=0.0, seed=1),
        "lambda_curve": lambda: C(degree=5, noise=0.2, n_train=10, seed=1, n_lams=3),
        "select_lambda": lambda: C([0.0, 0.1], xs, ys, xs + 0.05, ys, 3),
        "MLPRuns": lambda: C(*[np.zeros(1)] * 6, "l2", False, np.zeros((1, 2)), np.zeros((1, 2))),
        "MLPRuns.predict": lambda: M(runs, "predict", X, epoch=1),
        "MLPRuns.accuracy": lambda: M(runs, "accuracy", X, y),
        "init_mlp": lambda: C(seed=1, hidden=3, n_in=2, dtype=np.float64),
        "mlp_loss_and_grads": lambda: C(R.init_mlp(1, 3), X, y, lam=0.1, kind="l2"),
        "train_mlp": lambda: C(X, y, lam=[0.0, 0.1], kind="l2", seed=1, hidden=3, lr=0.01, epochs=2,
                               batch_size=8, x_val=X[:4], y_val=y[:4], init=None, proximal=False, record=True,
                               dtype=np.float64),
        "tf_course_loop": lambda: C(X, y, R.init_mlp(1, 3), lam=0.1, kind="l2", lr=0.01, epochs=1,
                                    batch_size=8, dtype="float64"),
        "decision_grid": lambda: C(runs(), step=0.5, lim=1.0, epoch=1),
        "dots_grid": lambda: C(kind="l2", proximal=False, lams=(0.0,), seeds=(1,)),
        "dots_view": lambda: C(lam=0.03, seed=42, kind="l2"),
        "course_loss_table": lambda: C(seed=42, lam=0.03, every=100),
        "seed_spread": lambda: C(n_seeds=1, lam=0.03, lr=0.01),
        "course_spread_rows": lambda: C(n_seeds=1, lrs=(0.01,)),
        "format_table": lambda: C([(1, 0.5, None)], ("a", "b", "c"), fmt="{:.3g}"),
        "remedies": lambda: C(seed=42),
        "weight_stats": lambda: C(w, tol=1e-3),
        "l1_l2_view": lambda: C(lam=0.03, tol=1e-3),
        "constraint_geometry": lambda: C(budget=1.0, center=(1.5, 1.0), n=11),
        "compare_with_tensorflow": lambda: C(seed=42, patience=20),
        "noisy_dots": lambda: C(n_train=40, flip=0.2, seed=1),
        "early_stopping_epoch": lambda: C([1.0, 0.5, 0.6, 0.7], patience=1, min_delta=0.0),
        "early_stopping_runs": lambda: C(epochs=1000),
        "early_stopping_view": lambda: C(patience=20, seed=43),
    }


def _opt():
    O = _mod("optimizers")
    w, m, g = np.array([1.0, -2.0]), np.array([0.1, 0.0]), np.array([0.5, -0.5])

    def step(make):
        return lambda: M(make, "apply_gradients", [(np.array([0.5, -0.5]), np.array([1.0, -2.0]))])

    out = {
        "Optimizer": lambda: C(0.1),
        "SGD": lambda: C(learning_rate=0.1, momentum=0.9, nesterov=True),
        "Adagrad": lambda: C(learning_rate=0.1, initial_accumulator_value=0.1, epsilon=1e-7),
        "Adadelta": lambda: C(learning_rate=1.0, rho=0.95, epsilon=1e-7),
        "RMSprop": lambda: C(learning_rate=0.01, rho=0.9, momentum=0.5, epsilon=1e-7, centered=True),
        "Adam": lambda: C(learning_rate=0.01, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=True),
        "Nadam": lambda: C(learning_rate=0.01, beta_1=0.9, beta_2=0.999, epsilon=1e-7),
        "CourseSGDM": lambda: C(learning_rate=0.1, beta=0.9),
        "CourseAdagrad": lambda: C(learning_rate=0.1, epsilon=0.0, flush_to_zero=True),
        "CourseRMSProp": lambda: C(learning_rate=0.1, beta=0.9, epsilon=0.0, flush_to_zero=True),
        "CourseAdam": lambda: C(learning_rate=0.1, beta_1=0.9, beta_2=0.999, epsilon=0.0, bias_correction=True,
                                flush_to_zero=True),
        "Optimizer.current_learning_rate": lambda: M(lambda: O.SGD(lambda s: 0.1 / (1 + s)),
                                                     "current_learning_rate", 3),
        "get": lambda: C("adam", 0.01, course=False, beta_1=0.8),
        "sgd_momentum_step": lambda: C(w, m, g, learning_rate=0.01, momentum=0.9, nesterov=False),
        "ema_momentum_step": lambda: C(w, m, g, learning_rate=0.1, beta=0.9),
        "adam_step": lambda: C(w, m, m ** 2, g, 1, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7),
        "Surface": lambda: C("q", lambda a, b: a * a + b * b, lambda a, b: np.array([2 * a, 2 * b]), (1.0, 1.0),
                             (-2.0, 2.0), (-2.0, 2.0), (0.0, 0.0), "f = x² + y²", preset={}),
        "trajectory": lambda: C(O.SGD(0.1), lambda a, b: np.array([2 * a, 2 * b]), (1.0, 1.0), 5, limit=1e6),
        "race": lambda: C(surface="quadratic", names=("SGD", "Adam"), lr=0.1, lr_adaptive=0.1, momentum=0.9,
                          beta_1=0.9, beta_2=0.999, rho=0.9, steps=5),
        "adam_effective_step": lambda: C(steps=5, beta_1=0.9, beta_2=0.999, bias_correction=False),
        "rotated_quadratic": lambda: C(dim=3, condition=10.0, seed=0),
        "tuned_race": lambda: C(dim=3, condition=10.0, steps=5, seed=0, n_lrs=2),
        "compare_with_keras": lambda: C(steps=2, seed=0),
    }
    for name in ("SGD", "Adagrad", "Adadelta", "RMSprop", "Adam", "Nadam", "CourseSGDM", "CourseAdagrad",
                 "CourseRMSProp", "CourseAdam"):
        out[f"{name}.apply_gradients"] = step(lambda n=name: getattr(O, n)(0.01))
    return out


def _exp():
    E = _mod("experiments")
    f = fx()
    w1, b1 = E.iris_initial_weights()
    return {
        "iris_initial_weights": lambda: C(),
        "IrisRun": lambda: C("r", np.ones(2), np.ones(2), np.ones(2), np.ones(8), w1, b1, 0.1),
        "fit_iris": lambda: C("sgd", 2, lr=0.1, batch_size=32, shuffle=True, seed=0, weights=(w1, b1), n_train=100,
                              switch=(1, "adam"), patience=5, monitor="loss", min_delta=0.0, name="r"),
        "iris_optimizers": lambda: C(names=("sgd", "adam"), epochs=2, lr=0.1, flush_to_zero=True),
        "iris_restarts": lambda: C("sgd", n_starts=1, epochs=2, lr=0.1, stddev=1.0, seed=0),
        "iris_optimizers_course_tf": lambda: C(names=("sgd",), epochs=1, lr=0.1),
        "iris_forward_backward": lambda: C(f["iris_x"], f["iris_y1h"], w1, b1),
    }


_TABLES = {"activations": _act, "complexity": _cx, "data": _data, "schedules": _sched, "losses": _loss,
           "regularization": _reg, "optimizers": _opt, "experiments": _exp}

#: Every entry: "module.name" (or "module.Class.method") -> the name of its table.
ENTRIES = sorted(f"{m}.{k}" for m, table in _TABLES.items() for k in table())  # table() only builds lambdas


@functools.lru_cache(maxsize=None)
def _table(module):
    return _TABLES[module]()


def _build(entry):
    module, rest = entry.split(".", 1)
    call = _table(module)[rest]()
    if call.fn is None:
        obj = _mod(module)
        for part in rest.split("."):
            obj = getattr(obj, part)
        call.fn = obj
    return call


# ----------------------------------------------------------------------------------------------
# exemptions: (entry, argument) -> why a bad value there may fail otherwise. None is needed
# today; an exemption must say why the argument cannot be checked (and stay short).
# ----------------------------------------------------------------------------------------------
EXEMPT: dict[tuple[str, str], str] = {}

#: Entries whose bad inputs are not fuzzed at all (entry -> why). None today.
SKIP_FUZZ: dict[str, str] = {}


# ----------------------------------------------------------------------------------------------
# the fuzz
# ----------------------------------------------------------------------------------------------
class _Hang(BaseException):
    """Raised by the alarm: a bad value made the call run far too long (not caught by `except Exception`)."""


def _alarm(signum, frame):
    raise _Hang()


CALL_TIMEOUT = 20.0  # seconds; every valid call takes well under one


def _bad_values(valid):
    bad = {"a string": "abc", "None": None, "NaN": float("nan"), "inf": float("inf"), "-1": -1, "0": 0,
           "a wrong-shape array": np.full((2, 3, 5), 0.5), "a list of strings": ["a", "b"]}
    a = valid if isinstance(valid, np.ndarray) else None
    if a is None and isinstance(valid, list) and valid and all(isinstance(v, float) for v in valid):
        a = np.asarray(valid)
    if a is not None and a.dtype.kind == "f" and a.size:
        a = a.copy()
        a.flat[0] = np.nan
        bad["the valid array with a NaN"] = a
    return bad


def _names(name, text):
    return re.search(rf"(?<![A-Za-z0-9_]){re.escape(name)}(?![A-Za-z0-9_])", text) is not None


_TIMER = hasattr(signal, "setitimer")  # not on Windows: no time limit there


def _run(fn, args, kwargs):
    """``None`` if the call works, else the exception it raised (warnings are errors here)."""
    if _TIMER:
        old = signal.signal(signal.SIGALRM, _alarm)
        signal.setitimer(signal.ITIMER_REAL, CALL_TIMEOUT)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            # TensorFlow's and Keras' own deprecation notices are not the course's bugs
            warnings.filterwarnings("ignore", module=r"(keras|tensorflow|tf_keras|absl|google|h5py|ml_dtypes)")
            fn(*args, **kwargs)
    except _Hang:
        return TimeoutError(f"no answer within {CALL_TIMEOUT:.0f} s")
    except Exception as exc:  # noqa: BLE001 - judged by the caller
        return exc
    finally:
        if _TIMER:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, old)
    return None


def _variants(call):
    """``(argument, label, args, kwargs)`` for every argument and bad value."""
    sig = inspect.signature(call.fn)
    bound = sig.bind(*call.args, **call.kwargs)
    bound.apply_defaults()
    for pname, value in bound.arguments.items():
        kind = sig.parameters[pname].kind
        if kind is inspect.Parameter.VAR_POSITIONAL:
            continue
        if kind is inspect.Parameter.VAR_KEYWORD:
            targets = [(k, v, pname) for k, v in value.items()]
        else:
            targets = [(pname, value, None)]
        for arg, val, var_kw in targets:
            for label, bad in _bad_values(val).items():
                new = dict(bound.arguments)
                if var_kw is None:
                    new[arg] = bad
                else:
                    new[var_kw] = {**value, arg: bad}
                b = inspect.BoundArguments(sig, new)
                yield arg, label, b.args, b.kwargs


def _short(exc):
    return f"{type(exc).__name__}: {str(exc)[:160]}"


def test_every_module_is_classified():
    unknown = [m for m in _modules() if m not in NUMERIC and m not in INFRASTRUCTURE]
    assert not unknown, (f"course_lib modules neither numeric nor infrastructure: {unknown}; add each to NUMERIC "
                         "(and give its public callables a valid call in _TABLES) or to INFRASTRUCTURE with a reason")


def test_every_public_callable_has_a_valid_call():
    missing = sorted(set(_public_callables()) - set(ENTRIES))
    assert not missing, f"public callables without an entry in tests/test_api_audit.py: {missing}"
    stale = [e for e in ENTRIES if e.split(".")[0] not in _modules()]
    assert not stale, f"entries of modules that no longer exist: {stale}"
    assert not set(EXEMPT) - {(e, a) for e in ENTRIES for a in _argnames(e)}, "exemption of no argument"


def _argnames(entry):
    call = _build(entry)
    b = inspect.signature(call.fn).bind(*call.args, **call.kwargs)
    b.apply_defaults()
    params = inspect.signature(call.fn).parameters
    names = []
    for k, v in b.arguments.items():
        names += list(v) if params[k].kind is inspect.Parameter.VAR_KEYWORD else [k]
    return names


@pytest.mark.parametrize("entry", ENTRIES)
def test_bad_input_fails_politely(entry):
    if entry in SKIP_FUZZ:
        pytest.skip(SKIP_FUZZ[entry])
    call = _build(entry)
    exc = _run(call.fn, call.args, call.kwargs)
    assert exc is None, f"the valid call of {entry} fails: {_short(exc)}"
    failures = []
    for arg, label, args, kwargs in _variants(call):
        if (entry, arg) in EXEMPT:
            continue
        t0 = time.perf_counter()
        exc = _run(call.fn, args, kwargs)
        if exc is None:
            continue
        if isinstance(exc, (ValueError, TypeError)) and _names(arg, str(exc)) and not isinstance(
                exc, np.linalg.LinAlgError):
            continue
        failures.append(f"{arg}={label}: {_short(exc)} ({time.perf_counter() - t0:.1f} s)")
    assert not failures, f"{entry}: bad input not reported as ValueError/TypeError naming the argument:\n  " + \
        "\n  ".join(failures)


# ----------------------------------------------------------------------------------------------
# no silent broadcasting
# ----------------------------------------------------------------------------------------------
def _extra_row(a):
    a = np.asarray(a)
    return np.concatenate([a, a[:1]])


def _first_row(a):
    return np.asarray(a)[:1]


def _first_col(a):
    a = np.asarray(a)
    return a[..., :1] if a.ndim >= 2 else a[:, None]


def _column(a):
    return np.asarray(a)[..., None]


ALL = (_extra_row, _first_row, _first_col, _column)
NOT_BROADCASTABLE = (_extra_row,)  # for functions documented to broadcast (boxes)


def _each(names, changes=ALL):
    return [(n, c) for n in names for c in changes]


def _vector_target(x, y):
    """x (n, k) with y (n,) or (n, 1): neither may lose or gain rows, x may not gain an axis."""
    return _each((x,), (_extra_row, _first_row, _column)) + _each((y,), (_extra_row, _first_row))


#: entry -> the (argument, change) pairs that must raise: arguments meant to match, changed alone
MATCHING = {
    **{f"losses.{k}": _each(("y_true", "y_pred")) for k in (
        "mean_squared_error", "huber", "smooth_l1", "yogurt_loss", "binary_crossentropy",
        "categorical_crossentropy", "binary_focal_crossentropy", "categorical_focal_crossentropy")},
    "losses.sparse_categorical_crossentropy": _each(("y_true", "y_pred"), (_extra_row, _first_row)),
    "losses.softmax_cross_entropy_with_logits": _each(("labels", "logits")),
    "losses.naive_softmax_cross_entropy": _each(("labels", "logits")),
    "losses.sparse_softmax_cross_entropy_with_logits": _each(("labels", "logits"), (_extra_row, _first_row)),
    **{f"losses.{k}": _each(("boxes1", "boxes2"), NOT_BROADCASTABLE) for k in ("iou", "giou", "diou", "ciou")},
    **{f"losses.{k}_loss": _each(("y_true", "y_pred"), NOT_BROADCASTABLE) for k in ("iou", "giou", "diou", "ciou")},
    "losses.box_loss_gradient": _each(("y_true", "y_pred"), NOT_BROADCASTABLE),
    "losses.yogurt_gd": _vector_target("x", "y"),
    "losses.least_squares": _vector_target("x", "y"),
    "losses.yogurt_optimum": _vector_target("x", "y"),
    "regularization.regularized_mse": _each(("y_true", "y_pred")),
    "regularization.mse": _each(("y_true", "y_pred")),
    "regularization.ridge_fit": _each(("x", "y")),
    "regularization.mlp_loss_and_grads": _vector_target("x", "y"),
    "regularization.train_mlp": _vector_target("x", "y"),
    "regularization.tf_course_loop": _vector_target("x", "y"),
    "activations.mlp_loss_and_grads": _each(("X",)) + _each(("y",), (_extra_row, _first_row, _column)),
    "activations.train_mlp": _vector_target("X", "y"),
    "optimizers.sgd_momentum_step": _each(("w", "m", "g")),
    "optimizers.ema_momentum_step": _each(("w", "m", "g")),
    "optimizers.adam_step": _each(("w", "m", "v", "g")),
    "experiments.iris_forward_backward": _each(("x", "y_onehot")),
}


def _mismatch_cases():
    for entry, pairs in MATCHING.items():
        for name, change in pairs:
            yield pytest.param(entry, name, change, id=f"{entry}-{name}-{change.__name__[1:]}")


@pytest.mark.parametrize("entry,arg,change", list(_mismatch_cases()))
def test_mismatched_shapes_raise(entry, arg, change):
    call = _build(entry)
    sig = inspect.signature(call.fn)
    b = sig.bind(*call.args, **call.kwargs)
    b.apply_defaults()
    before = np.shape(b.arguments[arg])
    b.arguments[arg] = change(b.arguments[arg])
    assert np.shape(b.arguments[arg]) != before
    exc = _run(call.fn, b.args, b.kwargs)
    assert isinstance(exc, ValueError) and _names(arg, str(exc)), (
        f"{entry} with {arg} of shape {np.shape(b.arguments[arg])} instead of {before}: "
        f"{'no error (silent broadcasting)' if exc is None else _short(exc)}")

