"""Valid calls for the bad-input audit of ``course_lib.regularization`` (see tests/test_api_audit.py)."""

import numpy as np  # noqa: F401

from ._common import (  # noqa: F401
    ALL,
    NOT_BROADCASTABLE,
    C,
    M,
    _each,
    _extra_row,
    _first_row,
    _vector_target,
    fx,
    mod,
    small_model,
)

MODULE = "regularization"


def calls():
    R = mod("regularization")
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


#: name -> the (argument, change) pairs that must raise: arguments meant to match, changed alone
MATCHING = {
    "regularized_mse": _each(("y_true", "y_pred")),
    "mse": _each(("y_true", "y_pred")),
    "ridge_fit": _each(("x", "y")),
    "mlp_loss_and_grads": _vector_target("x", "y"),
    "train_mlp": _vector_target("x", "y"),
    "tf_course_loop": _vector_target("x", "y"),
}
