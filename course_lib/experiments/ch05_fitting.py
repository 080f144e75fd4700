"""Chapter 05 – under-fitting, over-fitting and regularisation: what its lessons run (05a_fitting, 05b_regularization).

Pure numpy; every expensive result is cached (``course_lib._cache.lru_cache``) and returned
read-only, so a slider only looks runs up and never retrains. The draw halves are in
:mod:`course_lib.figures.ch05_fitting`; the comparisons with TensorFlow and with the course's
printed numbers in :mod:`course_lib.reference.ch05_fitting`.

* Capacity – a 1-D polynomial regression (``sin(pi x)`` plus noise, :func:`course_lib.data.poly_data`)
  fitted in closed form: :func:`poly_features`, :func:`ridge_fit`, :func:`poly_predict`,
  :func:`capacity_curve`, :func:`poly_view`.
* The course's dots network, trained on a grid of λ and seeds by the vectorised trainer of
  :mod:`course_lib.experiments.ch05_dots_runs`: :func:`dots_grid`, :func:`decision_grid`.
* Held-out accuracy, in the course's setting and in a noisy one where L2 helps (:data:`NOISY`):
  :func:`noisy_grid`, :func:`heldout_curves`, :func:`heldout_view`; what the noisy networks do with the
  flipped labels, beside the true circle: :func:`flipped_labels_view`; choosing λ on validation data:
  :func:`noisy_validation_accuracy`, :func:`choose_lambda`, :func:`lambda_choice_view`.
* Remedies for under- and over-fitting, each demonstrated with a run: :func:`remedies`; input
  features switched on and off as in TensorFlow Playground: :func:`feature_matrix`, :func:`features_view`.
* L1 against L2: :func:`weight_stats`, :func:`l1_l2_view`, :func:`constraint_geometry`.
* Early stopping with Keras' rule (``nn.callbacks.early_stopping_epoch``), the validation set
  choosing the epoch and a test set reporting: :func:`early_stopping_runs`, :func:`early_stopping_view`,
  :func:`early_stopping_summary`, :func:`early_stopping_scores`; training and validation curves:
  :func:`curves_view`.
"""

from __future__ import annotations

import numpy as np

from .. import SEED, _check
from .._cache import lru_cache  # functools.lru_cache that names an unhashable argument
from ..data import dots, heldout_dots, noisy_dots, poly_data, target_function
from ..nn.callbacks import early_stopping_epoch
from .ch05_dots_runs import MLPRuns, train_mlp, train_side_by_side

__all__ = [
    # polynomial capacity
    "poly_features", "ridge_fit", "poly_predict", "capacity_curve", "poly_view",
    # the dots network
    "LAMBDAS", "L1_LAMBDAS", "GRID_SEEDS", "decision_grid", "dots_grid", "grid_params",
    # held-out accuracy: the course's setting and a noisy one
    "NOISY", "N_TEST", "noisy_grid", "heldout_curves", "heldout_view", "flipped_labels_view",
    "noisy_validation_accuracy", "choose_lambda",
    "lambda_choice_view",
    # remedies, L1 vs L2, early stopping
    "remedies", "FEATURES", "feature_matrix", "features_view", "weight_stats", "l1_l2_view", "constraint_geometry",
    "ES_SEEDS", "early_stopping_runs", "early_stopping_view", "early_stopping_summary", "early_stopping_scores",
    "curves_view",
]


def _readonly(*arrays):
    for a in arrays:
        if isinstance(a, np.ndarray):
            a.setflags(write=False)


def _mse(y_true, y_pred) -> float:
    """``mean((y_true - y_pred)**2)`` of two arrays of one shape (no checks: internal)."""
    return float(np.mean((np.asarray(y_true, dtype=np.float64) - y_pred) ** 2))


# --------------------------------------------------------------------------------------
# 1-D polynomial regression: capacity, under- and over-fitting
# --------------------------------------------------------------------------------------


def poly_features(x, degree: int) -> np.ndarray:
    """Legendre features ``P_0(x) .. P_degree(x)``, shape ``(len(x), degree + 1)``.

    Legendre polynomials span the same functions as ``1, x, .., x**degree`` but stay well
    conditioned on ``[-1, 1]``, so a degree-14 fit is still numerically exact.
    Used by :func:`ridge_fit` (05a_fitting § 1 and § 2).
    """
    degree = _check.integer(degree, "degree")
    x = _check.real_array(x, "x")
    if x.ndim != 1:
        raise ValueError(f"x must be 1-D, got shape {x.shape}")
    return np.polynomial.legendre.legvander(x, degree)


def ridge_fit(x, y, degree: int, lam: float = 0.0) -> np.ndarray:
    r"""Coefficients minimising ``mean((Phi c - y)**2) + lam * l2_loss(c)``.

    Solved in closed form: :math:`(\tfrac2n\Phi^\top\Phi + \lambda I)\,c = \tfrac2n\Phi^\top y`;
    with ``lam = 0`` the least-squares solution (minimum norm when under-determined).
    Used in 05a_fitting § 1 and § 2.
    """
    x = _check.real_array(x, "x")
    y = _check.real_array(y, "y")
    if x.ndim != 1 or y.shape != x.shape:
        raise ValueError(f"y must be 1-D with the shape of x {x.shape}, got {y.shape}")
    lam = _check.non_negative(lam, "lam")
    P = poly_features(x, degree)
    if lam == 0.0:
        return np.linalg.lstsq(P, y, rcond=None)[0]
    n = len(x)
    return np.linalg.solve(2.0 / n * P.T @ P + lam * np.eye(P.shape[1]), 2.0 / n * P.T @ y)


def poly_predict(coef, x) -> np.ndarray:
    """Value of the Legendre series ``coef`` at ``x`` (05a_fitting § 1 and § 2)."""
    return np.polynomial.legendre.legval(_check.real_array(x, "x"), _check.real_array(coef, "coef"))


@lru_cache(maxsize=64)
def capacity_curve(noise: float = 0.2, n_train: int = 15, lam: float = 0.0, seed: int = SEED,
                   max_degree: int = 14, n_val: int = 200):
    """Training and validation MSE of the polynomial fit for every degree ``0..max_degree``.

    Training points: :func:`course_lib.data.poly_data` stream 0; validation points: stream 1
    (same noise). Used in 05a_fitting § 1 (the table under the capacity slider).

    Returns
    -------
    dict
        ``degrees``, ``train_mse``, ``val_mse`` (read-only arrays) and ``best_degree``
        (lowest validation error).
    """
    max_degree = _check.integer(max_degree, "max_degree")
    n_train, n_val = _check.integer(n_train, "n_train", low=1), _check.integer(n_val, "n_val", low=1)
    x, y = poly_data(n_train, noise, seed, 0)
    xv, yv = poly_data(n_val, noise, seed, 1)
    degrees = np.arange(max_degree + 1)
    tr, va = np.empty(len(degrees)), np.empty(len(degrees))
    for d in degrees:
        c = ridge_fit(x, y, int(d), lam)
        tr[d], va[d] = _mse(y, poly_predict(c, x)), _mse(yv, poly_predict(c, xv))
    _readonly(degrees, tr, va)
    return {"degrees": degrees, "train_mse": tr, "val_mse": va, "best_degree": int(np.argmin(va))}


@lru_cache(maxsize=256)
def poly_view(degree: int = 3, noise: float = 0.2, n_train: int = 15, lam: float = 0.0, seed: int = SEED):
    """Everything the capacity figure draws for one slider position (05a_fitting § 1).

    Returns
    -------
    dict
        ``x``, ``y`` (training points), ``grid``, ``truth``, ``fit`` (the curve of the
        fitted polynomial on ``grid``), ``degree``, ``train_mse``, ``val_mse`` and the
        whole :func:`capacity_curve` under ``curve``.
    """
    degree = _check.integer(degree, "degree", low=0, high=14)
    n_train = _check.integer(n_train, "n_train", low=1)
    x, y = poly_data(n_train, noise, seed, 0)
    curve = capacity_curve(noise, n_train, lam, seed)
    grid = np.linspace(-1, 1, 301)
    fit = poly_predict(ridge_fit(x, y, degree, lam), grid)
    truth = target_function(grid)
    _readonly(x, y, grid, fit, truth)
    return {"x": x, "y": y, "grid": grid, "truth": truth, "fit": fit, "degree": degree, "noise": noise,
            "train_mse": float(curve["train_mse"][degree]), "val_mse": float(curve["val_mse"][degree]),
            "curve": curve}


# --------------------------------------------------------------------------------------
# the course's dots network on a grid of λ and seeds
# --------------------------------------------------------------------------------------

#: λ values precomputed for the sliders (the course's 0.03 among them).
LAMBDAS = (0.0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3)
#: λ values precomputed for the L1-against-L2 slider (λ = 0 would be the same run for both).
L1_LAMBDAS = (0.001, 0.003, 0.01, 0.03, 0.1)
#: Seeds of the runs behind the sliders (the first is the notebook's seed).
GRID_SEEDS = (SEED, SEED + 1, SEED + 2, SEED + 3)


def decision_grid(runs: MLPRuns, step: float = 0.1, lim: float = 3.0, epoch: int | None = None):
    """The course's prediction grid ``np.mgrid[-lim:lim:step, -lim:lim:step]`` and each run's output on it.

    Used by every dots figure of 05a_fitting and 05b_regularization.

    Returns
    -------
    xx, yy : ndarray (m, m)
    probs : ndarray (K, m, m)
        Network output (the course contours it at 0.5).
    """
    if not isinstance(runs, MLPRuns):
        raise TypeError(f"runs must be the MLPRuns that train_mlp returns, got {type(runs).__name__}")
    step = _check.positive(step, "step")
    lim = _check.positive(lim, "lim")
    xx, yy = np.mgrid[-lim:lim:step, -lim:lim:step]
    grid = np.c_[xx.ravel(), yy.ravel()]
    probs = runs.predict(grid, epoch=epoch).reshape((len(runs),) + xx.shape)
    return xx, yy, probs


def dots_grid(kind: str = "l2", proximal: bool = False, lams: tuple = LAMBDAS, seeds: tuple = GRID_SEEDS) -> MLPRuns:
    """The course's experiment on the dots for every ``(lam, seed)`` pair, trained once and cached.

    Run ``i * len(seeds) + j`` has ``lams[i]`` and ``seeds[j]``. Course settings: 2 → 11 → 1,
    lr 0.01, 400 epochs, batch 32. Used in 05b_regularization § 2 and § 3.
    The arguments are normalised before the cache, so ``dots_grid("l2")`` and
    ``dots_grid("l2", False, LAMBDAS)`` are one training, not two.
    """
    kind = _check.choice(kind, "kind", ("l2", "l1"))
    proximal = _check.flag(proximal, "proximal")
    lams = _check.numbers(lams, "lams", low=0.0)
    if isinstance(seeds, (str, bytes)) or not isinstance(seeds, (tuple, list)) or not seeds:
        raise TypeError(f"seeds must be a non-empty tuple of integers, got {seeds!r}")
    seeds = _check.integers(seeds, "seeds")
    return _dots_grid(kind, proximal, lams, seeds)


def _grid_group(kind, proximal, lams, seeds):
    return {"kind": kind, "proximal": proximal, "lam": np.repeat(np.asarray(lams, float), len(seeds)),
            "seed": np.tile(np.asarray(seeds, np.int64), len(lams))}


#: The grids the chapter reads (L2 on LAMBDAS; L1 by sub-gradient and by the proximal step on L1_LAMBDAS).
_COURSE_GRIDS = (("l2", False, LAMBDAS, GRID_SEEDS), ("l1", False, L1_LAMBDAS, GRID_SEEDS),
                 ("l1", True, L1_LAMBDAS, GRID_SEEDS))


@lru_cache(maxsize=1)
def _course_runs():
    """Every run of the course's experiment on the dots 05b_regularization reads, trained side by side once.

    The three grids of :data:`_COURSE_GRIDS` share the data, the learning rate and the epochs: one
    vectorised loop over the batches trains all 68 networks (``train_side_by_side``), each as
    ``train_mlp`` would alone. (05a_fitting's remedies train only the two networks they show:
    :func:`_remedy_networks`.)
    """
    x, y = dots()
    runs = train_side_by_side(x, y, [_grid_group(*g) for g in _COURSE_GRIDS], curves=False)
    return dict(zip(_COURSE_GRIDS, runs))


@lru_cache(maxsize=2)
def _remedy_networks(seed):
    """The remedy "more parameters" of 05a_fitting § 2: the course's network with 2 and with 11 hidden units.

    Both without a penalty, from ``train.init_mlp(seed=seed)``, trained side by side (each as ``train_mlp``
    would alone; the 11-unit one is the λ = 0 run of :func:`dots_grid` for that seed). Only these two are
    trained here, so the lesson that shows the remedies does not pay for 05b's grids.
    """
    x, y = dots()
    return train_side_by_side(x, y, [{"hidden": 2, "seed": seed}, {"seed": seed}], curves=False)


@lru_cache(maxsize=8)
def _dots_grid(kind, proximal, lams, seeds):
    if (kind, proximal, lams, seeds) in _COURSE_GRIDS:
        return _course_runs()[(kind, proximal, lams, seeds)]
    x, y = dots()
    return train_mlp(x, y, **_grid_group(kind, proximal, lams, seeds), curves=False)


def _grid_index(lam, seed, lams=LAMBDAS, seeds=GRID_SEEDS) -> int:
    lam = _check.non_negative(lam, "lam")
    seed = _check.integer(seed, "seed")
    matches = [i for i, v in enumerate(lams) if np.isclose(v, lam, rtol=1e-9, atol=1e-12)]
    if not matches:
        raise ValueError(f"lam must be one of the precomputed values {lams}, got {lam!r}")
    if seed not in seeds:
        raise ValueError(f"seed must be one of the precomputed seeds {seeds}, got {seed!r}")
    return matches[0] * len(seeds) + seeds.index(seed)


def grid_params(kind: str = "l2", lam: float = 0.03, seed: int = SEED, proximal: bool = False) -> dict:
    """The final parameters (W1, b1, W2, b2, as ``train.init_mlp`` names them) of one run of :func:`dots_grid`.

    ``lam`` from :data:`LAMBDAS` (L2) or :data:`L1_LAMBDAS` (L1), ``seed`` from :data:`GRID_SEEDS`; the run
    started from ``train.init_mlp(2, 11, seed=seed, init="normal", bias=0.01)``. Used in 05b_regularization
    (exercise 4: the numpy twins of the student's TensorFlow loop).
    """
    kind = _check.choice(kind, "kind", ("l2", "l1"))
    proximal = _check.flag(proximal, "proximal")
    lams = LAMBDAS if kind == "l2" else L1_LAMBDAS
    runs = dots_grid(kind, proximal, lams)
    k = _grid_index(lam, seed, lams)
    return {key: getattr(runs, key)[k] for key in ("W1", "b1", "W2", "b2")}


#: The noisy setting where L2 helps (05b_regularization § 2 and its λ exercise), three changes from the course's:
#: fewer points (the first 150 of the dots, 20 % of their labels flipped), a wider network (32 hidden
#: units) trained faster and longer (lr 0.02, 500 epochs). Validation: the other 150 dots, just as noisy;
#: test: 2000 fresh points (``data.heldout_dots``), just as noisy.
NOISY = {"n_train": 150, "flip": 0.2, "hidden": 32, "lr": 0.02, "epochs": 500}
#: Size of the test set (``data.heldout_dots``): fresh points, labels by the circle, flipped like the training ones.
N_TEST = 2000


def _test_set(flip):
    return heldout_dots(N_TEST, flip)


@lru_cache(maxsize=2)
def noisy_grid(lams: tuple = LAMBDAS, seeds: tuple = GRID_SEEDS) -> MLPRuns:
    """The :data:`NOISY` setting for every ``(lam, seed)`` pair (run ``i * len(seeds) + j``), trained once.

    Used in 05b_regularization § 2 (the held-out slider) and exercise 3.
    """
    lams = _check.numbers(lams, "lams", low=0.0)
    seeds = _check.integers(seeds, "seeds", min_len=1)
    (xt, yt), _ = noisy_dots(NOISY["n_train"], NOISY["flip"])
    return train_mlp(xt, yt, lam=np.repeat(np.asarray(lams, float), len(seeds)),
                     seed=np.tile(np.asarray(seeds, np.int64), len(lams)), hidden=NOISY["hidden"],
                     lr=NOISY["lr"], epochs=NOISY["epochs"], curves=False)


def _setting(name):
    """Runs, training set and test set of one setting of :func:`heldout_view`."""
    if name == "course":
        x, y = dots()
        return dots_grid("l2"), (x, y), _test_set(0.0)
    (xt, yt), _ = noisy_dots(NOISY["n_train"], NOISY["flip"])
    return noisy_grid(), (xt, yt), _test_set(NOISY["flip"])


@lru_cache(maxsize=2)
def heldout_curves():
    """Training and test accuracy of every run of both settings, shape ``(len(LAMBDAS), len(GRID_SEEDS))``.

    ``"course"``: the course's experiment (300 clean dots, 11 units), tested on fresh points labelled
    by the circle; ``"noisy"``: the :data:`NOISY` setting, tested on fresh points with labels just as
    noisy as its training labels. Used in 05b_regularization § 2.
    """
    out = {}
    for name in ("course", "noisy"):
        runs, (x, y), (xte, yte) = _setting(name)
        shape = (len(LAMBDAS), len(GRID_SEEDS))
        train, test = runs.accuracy(x, y).reshape(shape), runs.accuracy(xte, yte).reshape(shape)
        _readonly(train, test)
        out[name] = {"train": train, "test": test}
    return out


@lru_cache(maxsize=16)
def heldout_view(lam: float = 0.03, seed: int = SEED):
    """Both settings at one λ: boundaries without and with L2, accuracies against λ (05b_regularization § 2 slider).

    Returns
    -------
    dict
        ``lams``, ``lam``, ``index`` (of ``lam`` in ``lams``), ``flip``, ``seed``; for ``"course"`` and ``"noisy"``:
        the training points ``x``, ``y``, the grid ``xx``, ``yy``, ``probs`` (2, m, m) of seed ``seed``
        without / with the penalty, and ``train``, ``test`` accuracies (mean over ``GRID_SEEDS``, one per λ).
    """
    lam, seed = _check.non_negative(lam, "lam"), _check.integer(seed, "seed")
    i0, i1 = _grid_index(0.0, seed), _grid_index(lam, seed)
    curves = heldout_curves()
    out = {"lams": LAMBDAS, "lam": float(lam), "index": i1 // len(GRID_SEEDS), "flip": NOISY["flip"], "seed": seed}
    for name in ("course", "noisy"):
        runs, (x, y), _ = _setting(name)
        xx, yy, probs = _decision_grid_cached(name)
        out[name] = {"x": x, "y": y, "xx": xx, "yy": yy, "probs": probs[[i0, i1]],
                     "train": curves[name]["train"].mean(axis=1), "test": curves[name]["test"].mean(axis=1)}
        _readonly(*[v for v in out[name].values() if isinstance(v, np.ndarray)])
    return out


@lru_cache(maxsize=1)
def flipped_labels_view():
    """What the :data:`NOISY` networks do with the flipped labels, beside the true circle (05b_regularization § 2).

    The true circle (the rule the labels came from, before the flips) is the best boundary there is;
    its accuracy on the noisy labels is what a network that learnt the rule and ignored the flips gets.

    Returns
    -------
    dict
        ``circle``: the true circle's accuracy on the noisy ``train`` and ``test`` labels; ``n_flipped``,
        ``n_clean``: the training points whose label was / was not flipped; and per λ of :data:`LAMBDAS`
        (mean over ``GRID_SEEDS``): ``flipped_kept`` (flipped training labels the network reproduces),
        ``clean_missed`` (correctly labelled training points it gets wrong) and ``circle_agreement``
        (share of the test points its boundary puts on the same side as the true circle does).
    """
    (xt, yt), _ = noisy_dots(NOISY["n_train"], NOISY["flip"])
    truth = dots()[1][:NOISY["n_train"]] == 1
    xte, yte = _test_set(NOISY["flip"])
    truth_te = _test_set(0.0)[1] == 1
    runs = noisy_grid()
    shape = (len(LAMBDAS), len(GRID_SEEDS))
    on_train, on_test = runs.predict(xt) > 0.5, runs.predict(xte) > 0.5
    flipped = (yt == 1) != truth
    out = {"circle": {"train": float(np.mean((yt == 1) == truth)), "test": float(np.mean((yte == 1) == truth_te))},
           "n_flipped": int(flipped.sum()), "n_clean": int((~flipped).sum()),
           "flipped_kept": (on_train[:, flipped] != truth[flipped]).sum(axis=1).reshape(shape).mean(axis=1),
           "clean_missed": (on_train[:, ~flipped] != truth[~flipped]).sum(axis=1).reshape(shape).mean(axis=1),
           "circle_agreement": (on_test == truth_te).mean(axis=1).reshape(shape).mean(axis=1)}
    _readonly(out["flipped_kept"], out["clean_missed"], out["circle_agreement"])
    return out


@lru_cache(maxsize=4)
def _decision_grid_cached(name):
    runs = dots_grid("l2") if name == "course" else noisy_grid()
    return decision_grid(runs)


@lru_cache(maxsize=2)
def noisy_validation_accuracy(seed: int = SEED):
    """``(LAMBDAS, validation accuracy of each λ's run)`` of one seed in the :data:`NOISY` setting.

    The numbers the λ exercise chooses from (05b_regularization, exercise 3).
    """
    seed = _check.integer(seed, "seed")
    _, (xv, yv) = noisy_dots(NOISY["n_train"], NOISY["flip"])
    acc = noisy_grid().accuracy(xv, yv)
    vals = np.array([acc[_grid_index(lam, seed)] for lam in LAMBDAS])
    _readonly(vals)
    return LAMBDAS, vals


def choose_lambda(lams, val_accuracy) -> float:
    """The λ with the highest validation accuracy; on a tie the largest such λ (the simpler model).

    The reference of 05b_regularization's exercise 3.
    """
    lams = _check.numbers(lams, "lams", low=0.0)
    acc = _check.real_array(val_accuracy, "val_accuracy")
    if acc.shape != (len(lams),):
        raise ValueError(f"val_accuracy must hold one number per λ ({len(lams)}), got shape {acc.shape}")
    best = acc.max()
    return float(max(lam for lam, a in zip(lams, acc) if a == best))


@lru_cache(maxsize=16)
def lambda_choice_view(lam: float = 0.03, seed: int = SEED):
    """The :data:`NOISY` run of ``seed`` at ``lam`` beside λ = 0, with its validation and test accuracy.

    What the λ exercise draws once a λ is chosen (05b_regularization, exercise 3).
    """
    lam, seed = _check.non_negative(lam, "lam"), _check.integer(seed, "seed")
    i0, i1 = _grid_index(0.0, seed), _grid_index(lam, seed)
    runs = noisy_grid()
    (xt, yt), (xv, yv) = noisy_dots(NOISY["n_train"], NOISY["flip"])
    xte, yte = _test_set(NOISY["flip"])
    xx, yy, probs = _decision_grid_cached("noisy")
    val, test = runs.accuracy(xv, yv), runs.accuracy(xte, yte)
    out = {"lam": float(lam), "seed": seed, "x": xt, "y": yt, "xx": xx, "yy": yy, "probs": probs[[i0, i1]],
           "val": (float(val[i0]), float(val[i1])), "test": (float(test[i0]), float(test[i1]))}
    _readonly(*[v for v in out.values() if isinstance(v, np.ndarray)])
    return out


# --------------------------------------------------------------------------------------
# remedies, each shown with a run
# --------------------------------------------------------------------------------------


def _linear_classifier(x, y, features):
    A = np.c_[np.ones(len(x)), features(x)]
    c = np.linalg.lstsq(A, y.astype(float), rcond=None)[0]
    return lambda g: np.c_[np.ones(len(g)), features(g)] @ c


def _remedies_dots(seed):
    """The two under-fitting remedies shown on the dots: more features, more parameters."""
    x, y = dots()
    xx, yy = np.mgrid[-3:3:.1, -3:3:.1]
    g = np.c_[xx.ravel(), yy.ravel()]
    lin = _linear_classifier(x, y, lambda a: a)
    sq = _linear_classifier(x, y, lambda a: np.c_[a, a ** 2])
    acc = [float(((f(x) > 0.5) == y).mean()) for f in (lin, sq)]
    out = [{"problem": "under-fitting", "remedy": "more features", "before": "features x1, x2",
            "after": "+ x1², x2²", "metric": "train accuracy", "train": tuple(acc), "val": None,
            "plot": {"kind": "dots", "x": x, "y": y, "xx": xx, "yy": yy,
                     "before": lin(g).reshape(xx.shape), "after": sq(g).reshape(xx.shape)}}]
    small, big = _remedy_networks(seed)
    acc = (float(small.accuracy(x, y)[0]), float(big.accuracy(x, y)[0]))
    _, _, p_small = decision_grid(small)
    _, _, p_big = decision_grid(big)
    out.append({"problem": "under-fitting", "remedy": "more parameters", "before": "2 hidden units",
                "after": "11 hidden units", "metric": "train accuracy", "train": acc, "val": None,
                "plot": {"kind": "dots", "x": x, "y": y, "xx": xx, "yy": yy,
                         "before": p_small[0], "after": p_big[0]}})
    return out


def _remedy_poly(problem, remedy, before, after, b, a, seed):
    """One polynomial remedy; ``b``, ``a``: dicts with degree, lam, x, y (the training points used)."""
    xv, yv = poly_data(200, 0.2, seed, 1)
    grid = np.linspace(-1, 1, 301)
    res, curves = [], []
    for s in (b, a):
        c = ridge_fit(s["x"], s["y"], s["degree"], s["lam"])
        res.append((_mse(s["y"], poly_predict(c, s["x"])), _mse(yv, poly_predict(c, xv))))
        curves.append(poly_predict(c, grid))
    return {"problem": problem, "remedy": remedy, "before": before, "after": after, "metric": "MSE",
            "train": (res[0][0], res[1][0]), "val": (res[0][1], res[1][1]),
            "plot": {"kind": "poly", "grid": grid, "truth": target_function(grid),
                     "before": curves[0], "after": curves[1], "x_before": b["x"], "y_before": b["y"],
                     "x_after": a["x"], "y_after": a["y"]}}


@lru_cache(maxsize=2)
def remedies(seed: int = SEED):
    """The notes' remedies, each trained before and after, on the chapter's two examples.

    Under-fitting (training error high): more features, more parameters, less
    regularisation. Over-fitting (validation error far above training error): cleaning
    the data, more data, regularisation, stronger regularisation. Used in 05a_fitting § 2.

    Returns
    -------
    list of dict
        One per remedy: ``problem``, ``remedy``, ``before``, ``after`` (what changed),
        ``metric`` (``"train accuracy"`` or ``"MSE"``), ``train`` and ``val`` as
        ``(before, after)`` pairs (``val`` is ``None`` for the dots), and what
        :func:`course_lib.figures.ch05_fitting.draw_remedy` draws under ``plot``.
    """
    seed = _check.integer(seed, "seed")
    out = _remedies_dots(seed)
    x15, y15 = poly_data(15, 0.2, seed, 0)
    d = {"x": x15, "y": y15}
    out.append(_remedy_poly("under-fitting", "less regularisation", "degree 12, λ=10", "degree 12, λ=0.01",
                            {**d, "degree": 12, "lam": 10.0}, {**d, "degree": 12, "lam": 0.01}, seed))
    # over-fitting 1: cleaning the data (three mislabelled points)
    xo, yo = np.r_[x15, [-0.5, 0.1, 0.7]], np.r_[y15, [2.0, -2.0, 2.5]]
    out.append(_remedy_poly("over-fitting", "cleaning data", "degree 5, 3 outliers", "degree 5, outliers removed",
                            {"x": xo, "y": yo, "degree": 5, "lam": 0.0}, {**d, "degree": 5, "lam": 0.0}, seed))
    # over-fitting 2: more data
    x200, y200 = poly_data(200, 0.2, seed, 2)
    out.append(_remedy_poly("over-fitting", "more data", "degree 12, 15 points", "degree 12, 200 points",
                            {**d, "degree": 12, "lam": 0.0}, {"x": x200, "y": y200, "degree": 12, "lam": 0.0}, seed))
    # over-fitting 3 and 4: regularisation, then a stronger one
    out.append(_remedy_poly("over-fitting", "regularisation", "degree 12, λ=0", "degree 12, λ=0.01",
                            {**d, "degree": 12, "lam": 0.0}, {**d, "degree": 12, "lam": 0.01}, seed))
    out.append(_remedy_poly("over-fitting", "stronger regularisation", "degree 12, λ=1e-4", "degree 12, λ=0.01",
                            {**d, "degree": 12, "lam": 1e-4}, {**d, "degree": 12, "lam": 0.01}, seed))
    for r in out:
        _readonly(*[v for v in r["plot"].values() if isinstance(v, np.ndarray)])
    return out


#: The extra input features of :func:`features_view`, as TensorFlow Playground names them.
FEATURES = {"x1²": lambda a: a[:, 0] ** 2, "x2²": lambda a: a[:, 1] ** 2, "x1·x2": lambda a: a[:, 0] * a[:, 1]}


def feature_matrix(x, x1sq: bool = False, x2sq: bool = False, x1x2: bool = False) -> np.ndarray:
    """The inputs ``(x1, x2)`` of each row with the chosen extra features appended, as TensorFlow Playground adds them.

    Columns: ``x1, x2``, then ``x1²``, ``x2²``, ``x1·x2`` for each one switched on, in that order (no constant
    column). The reference of 05a_fitting's exercise 2; :func:`features_view` fits a linear model on it.
    """
    x = _check.real_array(x, "x")
    if x.ndim != 2 or x.shape[1] != 2:
        raise ValueError(f"x must have shape (n, 2): one row (x1, x2) per point, got {x.shape}")
    on = (_check.flag(x1sq, "x1sq"), _check.flag(x2sq, "x2sq"), _check.flag(x1x2, "x1x2"))
    return np.column_stack([x] + [FEATURES[n](x) for n, o in zip(FEATURES, on) if o])


@lru_cache(maxsize=8)
def features_view(x1sq: bool = False, x2sq: bool = False, x1x2: bool = False):
    """A linear model on the dots with the input features switched on, as TensorFlow Playground shows them.

    The model has no hidden layer: ``out = c0 + c1 x1 + c2 x2 + (the chosen extra features)``, fitted
    by least squares (the course's MSE, solved in closed form), boundary at ``out = 0.5``.
    Used in 05a_fitting § 2 (the under-fitting remedy "增加输入特征项").

    Returns
    -------
    dict
        ``names`` (features used), ``coef`` (one per feature, the constant first), ``x``, ``y``,
        ``xx``, ``yy``, ``out`` (m, m) and ``accuracy`` (training accuracy).
    """
    on = (_check.flag(x1sq, "x1sq"), _check.flag(x2sq, "x2sq"), _check.flag(x1x2, "x1x2"))
    chosen = [name for name, o in zip(FEATURES, on) if o]

    def features(a):
        return np.column_stack([np.ones(len(a)), feature_matrix(a, *on)])

    x, y = dots()
    coef = np.linalg.lstsq(features(x), y.astype(float), rcond=None)[0]
    xx, yy = np.mgrid[-3:3:.1, -3:3:.1]
    out = (features(np.c_[xx.ravel(), yy.ravel()]) @ coef).reshape(xx.shape)
    acc = float(((features(x) @ coef > 0.5) == (y == 1)).mean())
    res = {"names": ("1", "x1", "x2", *chosen), "coef": coef, "x": x, "y": y, "xx": xx, "yy": yy, "out": out,
           "accuracy": acc}
    _readonly(coef, xx, yy, out)
    return res


# --------------------------------------------------------------------------------------
# L1 against L2
# --------------------------------------------------------------------------------------


def weight_stats(w, tol: float = 1e-3) -> dict:
    """How sparse a set of weights is: ``total``, ``exact`` zeros and ``near`` zeros (``|w| < tol``).

    Used in 05b_regularization § 3.
    """
    a = _check.real_array(w, "w").ravel()
    tol = _check.positive(tol, "tol")
    return {"total": int(a.size), "exact": int(np.sum(a == 0)), "near": int(np.sum(np.abs(a) < tol))}


@lru_cache(maxsize=16)
def l1_l2_view(lam: float = 0.03, tol: float = 1e-3):
    """The same network trained with L2, L1 (sub-gradient, as TensorFlow) and L1 (proximal step).

    Uses the runs of :func:`dots_grid` for every seed of ``GRID_SEEDS`` at ``lam`` (one of
    ``L1_LAMBDAS``). Used in 05b_regularization § 3 (the L1/L2 slider).

    Returns
    -------
    dict
        ``names``; ``weights`` (name -> all weights of the seeds, flattened); ``stats``
        (name -> :func:`weight_stats`); ``accuracy`` (name -> mean training accuracy).
    """
    lam, tol = _check.non_negative(lam, "lam"), _check.positive(tol, "tol")
    x, y = dots()
    out = {"lam": float(lam), "tol": tol, "names": ("L2", "L1 (SGD)", "L1 (proximal)"),
           "weights": {}, "stats": {}, "accuracy": {}}
    for name, kind, prox in (("L2", "l2", False), ("L1 (SGD)", "l1", False), ("L1 (proximal)", "l1", True)):
        lams = LAMBDAS if kind == "l2" else L1_LAMBDAS
        runs = dots_grid(kind, prox, lams)
        idx = [_grid_index(lam, s, lams) for s in GRID_SEEDS]
        w = runs.weights()[idx].ravel()
        out["weights"][name] = w
        out["stats"][name] = weight_stats(w, tol)
        out["accuracy"][name] = float(runs.accuracy(x, y)[idx].mean())
    return out


@lru_cache(maxsize=64)
def constraint_geometry(budget: float = 1.0, center: tuple = (1.5, 1.0), n: int = 4001):
    r"""The geometric picture: a quadratic loss minimised inside an L1 ball and inside an L2 ball.

    Loss :math:`(w - c)^\top A (w - c)` with an elongated ``A``; constraint
    :math:`|w_1| + |w_2| \le t` (a diamond) or :math:`w_1^2 + w_2^2 \le t^2` (a circle).
    When ``c`` lies outside the ball, the optimum is where the smallest loss contour
    touches the ball: usually a corner of the diamond (one weight exactly 0) but a
    generic point of the circle (both weights non-zero). Used in 05b_regularization § 3 (the budget slider).

    Returns
    -------
    dict
        ``W1, W2, Z`` (loss on a grid), ``center``, ``budget``, and for ``"l1"`` and ``"l2"``
        the ``boundary`` (n, 2), the constrained ``optimum`` (2,) and its ``level``.
    """
    budget = _check.positive(budget, "budget")
    n = _check.integer(n, "n", low=2)
    try:
        c = np.asarray(center, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"center must be two finite numbers, got {center!r}") from None
    if c.shape != (2,) or not np.all(np.isfinite(c)):
        raise ValueError(f"center must be two finite numbers, got {center!r}")
    A = np.array([[1.0, 0.45], [0.45, 0.6]])

    def loss(w):
        d = w - c
        return np.einsum("...i,ij,...j->...", d, A, d)

    t = np.linspace(0, 2 * np.pi, n)
    shapes = {"l1": budget * np.c_[np.cos(t), np.sin(t)] / (np.abs(np.cos(t)) + np.abs(np.sin(t)))[:, None],
              "l2": budget * np.c_[np.cos(t), np.sin(t)]}
    lim = max(2.5, 1.3 * budget, float(np.abs(c).max()) + 1.0)
    W1, W2 = np.meshgrid(np.linspace(-lim, lim, 121), np.linspace(-lim, lim, 121))
    out = {"W1": W1, "W2": W2, "Z": loss(np.stack([W1, W2], -1)), "center": c, "budget": budget}
    inside = {"l1": np.abs(c).sum() <= budget, "l2": np.hypot(*c) <= budget}
    for k, b in shapes.items():
        if k == "l1":  # the four corners are the candidates that matter: include them exactly
            b = np.r_[b, budget * np.array([[1, 0], [0, 1], [-1, 0], [0, -1]])]
        opt = c.copy() if inside[k] else b[np.argmin(loss(b))]
        out[k] = {"boundary": shapes[k], "optimum": opt, "level": float(loss(opt))}
    return out


# --------------------------------------------------------------------------------------
# early stopping
# --------------------------------------------------------------------------------------

#: Initialisation seeds of the early-stopping runs (the data's label noise always uses SEED).
ES_SEEDS = tuple(range(SEED, SEED + 8))


@lru_cache(maxsize=2)
def early_stopping_runs(epochs: int = 1000) -> MLPRuns:
    """A wide network (2 → 32 → 1, lr 0.02, batch 32) trained long on 40 noisy dots, once per seed
    of ``ES_SEEDS``; the parameters after every epoch are kept. Used in 05a_fitting § 3
    (the slider, the table, the Keras twin, the curves, exercises 3 and 4) and 05c_fitting_appendix § 5."""
    epochs = _check.integer(epochs, "epochs", low=1)
    (xt, yt), (xv, yv) = noisy_dots()
    return train_mlp(xt, yt, x_val=xv, y_val=yv, hidden=32, lr=0.02, epochs=epochs, seed=ES_SEEDS, record=True)


def _predict_one(runs, k, x, epoch):
    """Output of run ``k`` alone after ``epoch`` (``runs.predict(x, epoch)[k]`` without the other runs)."""
    W1, b1, W2, b2 = (runs.snapshots[key][k, epoch] for key in ("W1", "b1", "W2", "b2"))
    return (np.maximum(x @ W1 + b1, 0) @ W2)[:, 0] + b2


def _test_scores(runs, k, epoch, x, y):
    """Test MSE and accuracy of run ``k`` after ``epoch``."""
    p = _predict_one(runs, k, x, epoch)
    return _mse(y, p), float(((p > 0.5) == (y > 0.5)).mean())


@lru_cache(maxsize=512)
def early_stopping_view(patience: int = 20, seed: int = SEED + 1):
    """What the early-stopping figure draws for one ``patience`` and one run (05a_fitting § 3).

    The validation set (the other 260 dots, labels as noisy as the training ones) chooses the epoch,
    as ``keras.callbacks.EarlyStopping(monitor="val_loss", restore_best_weights=True)`` does; the
    test set (``data.heldout_dots``: 2000 fresh points, just as noisy) reports.

    Returns
    -------
    dict
        ``train_mse``, ``val_mse`` (epochs,) of the run, ``all_val`` (every seed's
        validation curve), ``stopped`` (epoch or None), ``best`` (the restored epoch),
        ``epochs_run``, the points, the decision grids ``probs`` (2, m, m) of the restored
        model and of the model trained to the end, their validation MSEs ``val_best``,
        ``val_end``, and on the test set ``test_mse`` and ``test_acc`` as (restored, end) pairs.
    """
    patience = _check.integer(patience, "patience")
    if seed not in ES_SEEDS:
        raise ValueError(f"seed must be one of the precomputed seeds {ES_SEEDS}, got {seed!r}")
    runs = early_stopping_runs()
    k = ES_SEEDS.index(seed)
    stopped, best = early_stopping_epoch(runs.val_mse[k], patience)
    last = runs.loss.shape[1] - 1
    (xt, yt), (xv, yv) = noisy_dots()
    xte, yte = _test_set(0.2)
    xx, yy = np.mgrid[-3:3:.1, -3:3:.1]  # decision_grid's grid, for run k only
    grid = np.c_[xx.ravel(), yy.ravel()]
    p_best, p_end = (_predict_one(runs, k, grid, e).reshape(xx.shape) for e in (best, last))  # Keras 3 restores
    t_best, t_end = _test_scores(runs, k, best, xte, yte), _test_scores(runs, k, last, xte, yte)
    out = {"train_mse": runs.train_mse[k], "val_mse": runs.val_mse[k], "all_val": runs.val_mse,
           "stopped": stopped, "best": best, "patience": patience, "seed": seed, "epochs": last + 1,
           "epochs_run": last + 1 if stopped is None else stopped + 1,
           "x_train": xt, "y_train": yt, "x_val": xv, "y_val": yv,
           "xx": xx, "yy": yy, "probs": np.stack([p_best, p_end]),
           "val_best": float(runs.val_mse[k, best]), "val_end": float(runs.val_mse[k, last]),
           "test_mse": (t_best[0], t_end[0]), "test_acc": (t_best[1], t_end[1])}
    _readonly(*[v for v in out.values() if isinstance(v, np.ndarray)])
    return out


@lru_cache(maxsize=8)
def early_stopping_summary(patience: int = 20):
    """Over every seed of ``ES_SEEDS``: does stopping early beat training to the end on the test set?

    Used in 05a_fitting § 3 (the box under the early-stopping table).

    Returns
    -------
    dict
        ``seeds``; ``test_mse`` and ``test_acc`` (len(seeds), 2) arrays (restored, end);
        ``mse_better`` and ``acc_better``: how many seeds end better with early stopping.
    """
    patience = _check.integer(patience, "patience")
    views = [early_stopping_view(patience, s) for s in ES_SEEDS]
    mse = np.array([v["test_mse"] for v in views])
    acc = np.array([v["test_acc"] for v in views])
    _readonly(mse, acc)
    return {"seeds": ES_SEEDS, "patience": patience, "test_mse": mse, "test_acc": acc,
            "mse_better": int(np.sum(mse[:, 0] < mse[:, 1])), "acc_better": int(np.sum(acc[:, 0] > acc[:, 1]))}


def early_stopping_scores(seed: int, epoch: int) -> dict:
    """The early-stopping run of ``seed`` with the weights of ``epoch``: its validation MSE, test MSE and accuracy.

    What restoring the weights of ``epoch`` would report; used in 05a_fitting's exercises 3 and 4 (the epoch
    the student's rule or callback restores, judged on the test set).
    """
    seed = _check.integer(seed, "seed")
    if seed not in ES_SEEDS:
        raise ValueError(f"seed must be one of the precomputed seeds {ES_SEEDS}, got {seed!r}")
    runs = early_stopping_runs()
    epoch = _check.integer(epoch, "epoch", low=0, high=runs.loss.shape[1] - 1)
    k = ES_SEEDS.index(seed)
    mse, acc = _test_scores(runs, k, epoch, *_test_set(0.2))
    return {"seed": seed, "epoch": epoch, "val_mse": float(runs.val_mse[k, epoch]), "test_mse": mse, "test_acc": acc}


@lru_cache(maxsize=8)
def curves_view(seed: int = SEED + 1, patience: int = 20):
    """Training and validation curves of one early-stopping run, read the CS231n way (05a_fitting § 3
    and its exercise 4).

    Per epoch: MSE and accuracy on the training set (40 noisy dots) and on the validation set (260),
    from the kept snapshots; with ``best`` (the epoch early stopping restores) and the gaps
    (training minus validation accuracy) there and at the end.
    """
    seed, patience = _check.integer(seed, "seed"), _check.integer(patience, "patience")
    if seed not in ES_SEEDS:
        raise ValueError(f"seed must be one of the precomputed seeds {ES_SEEDS}, got {seed!r}")
    runs = early_stopping_runs()
    k = ES_SEEDS.index(seed)
    (xt, yt), (xv, yv) = noisy_dots()
    snap = {key: v[k] for key, v in runs.snapshots.items()}

    def accuracy(x, y):
        h = np.maximum(x @ snap["W1"] + snap["b1"][:, None, :], 0)  # (epochs, n, hidden)
        p = (h @ snap["W2"])[..., 0] + snap["b2"]
        return ((p > 0.5) == (y > 0.5)).mean(axis=1)

    train_acc, val_acc = accuracy(xt, yt), accuracy(xv, yv)
    _, best = early_stopping_epoch(runs.val_mse[k], patience)
    last = len(train_acc) - 1
    out = {"seed": seed, "best": best, "train_mse": runs.train_mse[k], "val_mse": runs.val_mse[k],
           "train_acc": train_acc, "val_acc": val_acc,
           "gap_best": float(train_acc[best] - val_acc[best]), "gap_end": float(train_acc[last] - val_acc[last])}
    _readonly(train_acc, val_acc)
    return out
