"""Metrics (评价指标) a training run is watched with, besides its loss: accuracy and AUC.

* :func:`binary_accuracy` – ``keras.metrics.binary_accuracy``: the share of predictions on the
  right side of a threshold.
* :func:`roc_auc` – the area under the ROC curve, exactly: the probability that a random positive
  example scores higher than a random negative one (ties count one half), from the ranks
  (the Mann–Whitney U statistic; Hanley & McNeil, Radiology 1982). ``keras.metrics.AUC``
  approximates the same area with ``num_thresholds=200`` buckets, so the two differ by about
  1e-3 on a few hundred points.

Both take scores of any monotone scale (probabilities or logits), as 1-D arrays.
"""

from __future__ import annotations

import numpy as np

from .. import _check

__all__ = ["binary_accuracy", "roc_auc"]


def _pair(y_true, y_score, score_name):
    y = _check.real_array(y_true, "y_true")
    s = _check.real_array(y_score, score_name)
    if y.ndim != 1 or s.shape != y.shape:
        raise ValueError(f"y_true and {score_name} must be 1-D arrays of the same length, got shapes "
                         f"{y.shape} and {s.shape}")
    if not np.all((y == 0) | (y == 1)):
        raise ValueError("y_true must hold 0/1 labels")
    return y, s


def binary_accuracy(y_true, y_pred, threshold=0.5) -> float:
    """Share of ``(y_pred > threshold) == y_true`` (``keras.metrics.binary_accuracy``).

    For logits use ``threshold=0.0``.
    """
    y, p = _pair(y_true, y_pred, "y_pred")
    threshold = _check.number(threshold, "threshold")
    return float(np.mean((p > threshold) == (y == 1)))


def roc_auc(y_true, y_score) -> float:
    """Area under the ROC curve, exact: ``P(score of a positive > score of a negative)``.

    Computed from the ranks of the scores (average ranks for ties):
    ``AUC = (Σ ranks of the positives − n₊(n₊ + 1)/2) / (n₊·n₋)``. 0.5 is chance, 1 a perfect
    ranking. Needs at least one positive and one negative label.
    """
    y, s = _pair(y_true, y_score, "y_score")
    pos = y == 1
    n_pos, n_neg = int(pos.sum()), int((~pos).sum())
    if n_pos == 0 or n_neg == 0:
        raise ValueError("y_true must hold both classes (at least one 0 and one 1)")
    order = np.argsort(s, kind="mergesort")
    sorted_s = s[order]
    ranks = np.empty(len(s))
    ranks[order] = np.arange(1, len(s) + 1, dtype=np.float64)
    # ties: every member of a run of equal scores gets the run's average rank
    starts = np.flatnonzero(np.r_[True, sorted_s[1:] != sorted_s[:-1]])
    ends = np.r_[starts[1:], len(s)]
    if len(starts) < len(s):
        avg = (starts + ends + 1) / 2.0
        ranks[order] = np.repeat(avg, ends - starts)
    return float((ranks[pos].sum() - n_pos * (n_pos + 1) / 2.0) / (n_pos * n_neg))
