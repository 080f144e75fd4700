"""Valid calls for the bad-input audit of ``course_lib.experiments.ch05_fitting``."""

import numpy as np  # noqa: F401

from ._common import C, _each, _extra_row, _first_row, fx, mod  # noqa: F401

MODULE = "experiments.ch05_fitting"


def calls():
    K = mod("experiments.ch05_dots_runs")
    f = fx()
    xd, yd = f["dots_x"], f["dots_y"].astype(float)
    xs = np.linspace(-1, 1, 8)
    ys = np.sin(xs)
    w = np.array([[0.5, -1.0], [0.0, 2.0]])
    return {
        "poly_features": lambda: C(xs, 3),
        "ridge_fit": lambda: C(xs, ys, 3, lam=0.1),
        "poly_predict": lambda: C(np.array([0.1, 0.2, 0.3]), xs),
        "capacity_curve": lambda: C(noise=0.2, n_train=10, lam=0.0, seed=1, max_degree=3, n_val=20),
        "poly_view": lambda: C(degree=3, noise=0.2, n_train=10, lam=0.0, seed=1),
        "decision_grid": lambda: C(K.train_mlp(xd, yd, hidden=3, epochs=2, record=True), step=0.5, lim=1.0, epoch=1),
        "dots_grid": lambda: C(kind="l2", proximal=False, lams=(0.0,), seeds=(1,)),
        "noisy_grid": lambda: C(lams=(0.0,), seeds=(1,)),
        "heldout_curves": lambda: C(),
        "heldout_view": lambda: C(lam=0.03, seed=42),
        "flipped_labels_view": lambda: C(),
        "grid_params": lambda: C(kind="l1", lam=0.03, seed=42, proximal=False),
        "noisy_validation_accuracy": lambda: C(seed=42),
        "choose_lambda": lambda: C((0.0, 0.1), np.array([0.5, 0.6])),
        "lambda_choice_view": lambda: C(lam=0.03, seed=42),
        "features_view": lambda: C(x1sq=True, x2sq=False, x1x2=True),
        "feature_matrix": lambda: C(xd[:5], x1sq=True, x2sq=False, x1x2=True),
        "early_stopping_scores": lambda: C(43, 102),
        "early_stopping_summary": lambda: C(patience=20),
        "curves_view": lambda: C(seed=43, patience=20),
        "remedies": lambda: C(seed=42),
        "weight_stats": lambda: C(w, tol=1e-3),
        "l1_l2_view": lambda: C(lam=0.03, tol=1e-3),
        "constraint_geometry": lambda: C(budget=1.0, center=(1.5, 1.0), n=11),
        "early_stopping_runs": lambda: C(epochs=1000),
        "early_stopping_view": lambda: C(patience=20, seed=43),
    }


#: name -> the (argument, change) pairs that must raise: arguments meant to match, changed alone
MATCHING = {
    "ridge_fit": _each(("x", "y")),
    "choose_lambda": [("val_accuracy", _extra_row), ("val_accuracy", _first_row)],
}
