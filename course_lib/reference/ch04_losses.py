"""Chapter 04 – loss functions checked against TensorFlow/Keras and against the course's own numbers.

* :func:`ch04_vs_tensorflow` – every loss of :mod:`course_lib.nn.losses` that Keras or ``tf.nn``
  also has, on random float64 inputs: the rows of the chapter's "checked against TensorFlow" table;
* :func:`box_loss_tf` – the four IoU losses written with TensorFlow ops, for its autodiff gradient;
* :func:`course_initial_weights`, :func:`yogurt_gd_tf` – the course's yogurt code (its initial
  weights, its ``GradientTape`` loop);
* :data:`COURSE_NUMBERS`, :func:`course_yogurt_runs`, :func:`course_comparison` – what the course
  printed, beside ours.

TensorFlow is imported lazily (``course_lib.import_tf()``) inside the functions that need it.
"""

from __future__ import annotations

import numpy as np

from .. import _check
from ..experiments import ch04_losses as _X
from ..nn import losses as _L

__all__ = ["COURSE_NUMBERS", "ch04_vs_tensorflow", "box_loss_tf", "course_initial_weights", "yogurt_gd_tf",
           "course_yogurt_runs", "course_comparison"]

#: What the original course printed (its class2 code and the students' notes), quoted, not computed.
COURSE_NUMBERS = {
    "ce_06": 0.5108256,
    "ce_08": 0.22314353,
    "ce_5x3": [1.68795487e-04, 1.03475622e-03, 6.58839038e-02, 2.58349207e+00, 5.49852354e-02],
    "yogurt_mse_15000": [1.0009792, 0.9977485],
    "yogurt_cost1_profit99_10000": [1.1626335, 1.1191947],
    "yogurt_cost99_profit1_10000": [0.9205433, 0.9186459],
}


def ch04_vs_tensorflow(n=1000, seed=0):
    """Our losses against Keras / ``tf.nn`` on ``n`` random float64 samples.

    Returns
    -------
    list of (what, TensorFlow's function, max |ours − TF|)
        One row per comparison, for the chapter's "checked against TensorFlow" table.
    """
    import course_lib

    n, seed = _check.integer(n, "n", low=1), _check.integer(seed, "seed")
    tf = course_lib.import_tf()
    import keras

    rng = np.random.default_rng(seed)
    t, p = rng.normal(size=(2, n, 5))
    y01 = rng.integers(0, 2, size=(n, 5)).astype(float)
    prob = rng.uniform(0.001, 0.999, size=(n, 5))
    z = rng.normal(scale=5, size=(n, 5))
    k = rng.integers(0, 5, size=n)
    onehot = np.eye(5)[k]
    kl = keras.losses
    rows = [
        ("mean_squared_error", "keras.losses.mean_squared_error",
         _L.mean_squared_error(t, p), kl.mean_squared_error(t, p)),
        ("huber", "keras.losses.huber", _L.huber(t, p, 0.7), kl.huber(t, p, delta=0.7)),
        ("binary_crossentropy", "keras.losses.binary_crossentropy",
         _L.binary_crossentropy(y01, prob), kl.binary_crossentropy(y01, prob)),
        ("binary_crossentropy, logits", "keras.losses.binary_crossentropy(from_logits=True)",
         _L.binary_crossentropy(y01, z, from_logits=True), kl.binary_crossentropy(y01, z, from_logits=True)),
        ("categorical_crossentropy", "keras.losses.categorical_crossentropy",
         _L.categorical_crossentropy(onehot, prob), kl.categorical_crossentropy(onehot, prob)),
        ("categorical_crossentropy, logits", "keras.losses.categorical_crossentropy(from_logits=True)",
         _L.categorical_crossentropy(onehot, z, from_logits=True),
         kl.categorical_crossentropy(onehot, z, from_logits=True)),
        ("sparse_categorical_crossentropy", "keras.losses.sparse_categorical_crossentropy",
         _L.sparse_categorical_crossentropy(k, prob), kl.sparse_categorical_crossentropy(k, prob)),
        ("softmax_cross_entropy_with_logits", "tf.nn.softmax_cross_entropy_with_logits",
         _L.softmax_cross_entropy_with_logits(onehot, z), tf.nn.softmax_cross_entropy_with_logits(onehot, z)),
        ("sparse_softmax_cross_entropy_with_logits", "tf.nn.sparse_softmax_cross_entropy_with_logits",
         _L.sparse_softmax_cross_entropy_with_logits(k, z),
         tf.nn.sparse_softmax_cross_entropy_with_logits(labels=k, logits=z)),
        ("binary_focal_crossentropy", "keras.losses.binary_focal_crossentropy",
         _L.binary_focal_crossentropy(y01, prob, True, 0.25, 2.0),
         kl.binary_focal_crossentropy(y01, prob, apply_class_balancing=True, alpha=0.25, gamma=2.0)),
        ("categorical_focal_crossentropy", "keras.losses.categorical_focal_crossentropy",
         _L.categorical_focal_crossentropy(onehot, prob), kl.categorical_focal_crossentropy(onehot, prob)),
    ]
    return [(what, theirs_name, float(np.max(np.abs(ours - np.asarray(theirs)))))
            for what, theirs_name, ours, theirs in rows]


def box_loss_tf(kind, y_true, y_pred):
    """``1 − IoU``, ``1 − GIoU``, ``1 − DIoU`` or ``1 − CIoU`` written with TensorFlow ops (boxes ``[..., 4]``).

    For ``tf.GradientTape``: the gradients of ``nn.losses.box_loss_gradient`` (central
    differences) and of the box-regression runs are checked against its autodiff. CIoU's α is
    differentiated too (the paper's α is a formula of the boxes). No guard for degenerate boxes.

    Parameters
    ----------
    kind : {"IoU", "GIoU", "DIoU", "CIoU"}
    y_true, y_pred : tensors or arrays, shape ``[..., 4]`` = (x1, y1, x2, y2)

    Returns
    -------
    tf.Tensor, shape ``[...]``
    """
    import math

    import course_lib

    kind = _check.choice(kind, "kind", tuple(_L.BOX_LOSSES))
    tf = course_lib.import_tf()

    def boxes(b, name):  # a tensor or variable is used as it is (autodiff), anything else is checked
        if tf.is_tensor(b) or isinstance(b, tf.Variable):
            if b.shape.rank is None or b.shape.rank < 1 or b.shape[-1] != 4:
                raise ValueError(f"{name} must have shape [..., 4] (x1, y1, x2, y2), got shape {b.shape}")
            return b
        return tf.constant(_L._boxes(b, name))

    t, p = boxes(y_true, "y_true"), boxes(y_pred, "y_pred")
    try:
        np.broadcast_shapes(tuple(t.shape), tuple(p.shape))
    except ValueError:
        raise ValueError(f"y_true and y_pred must broadcast together, got shapes {t.shape} and {p.shape}") from None
    if t.dtype != p.dtype:
        raise TypeError(f"y_true and y_pred must have one dtype, got {t.dtype.name} and {p.dtype.name}")
    tx1, ty1, tx2, ty2 = tf.unstack(t, axis=-1)
    px1, py1, px2, py2 = tf.unstack(p, axis=-1)
    iw = tf.maximum(tf.minimum(tx2, px2) - tf.maximum(tx1, px1), 0.0)
    ih = tf.maximum(tf.minimum(ty2, py2) - tf.maximum(ty1, py1), 0.0)
    inter = iw * ih
    union = (tx2 - tx1) * (ty2 - ty1) + (px2 - px1) * (py2 - py1) - inter
    iou_ = inter / union
    cw = tf.maximum(tx2, px2) - tf.minimum(tx1, px1)
    ch = tf.maximum(ty2, py2) - tf.minimum(ty1, py1)
    if kind == "IoU":
        return 1 - iou_
    if kind == "GIoU":
        return 1 - iou_ + (cw * ch - union) / (cw * ch)
    rho2 = ((tx1 + tx2 - px1 - px2) ** 2 + (ty1 + ty2 - py1 - py2) ** 2) / 4
    d = 1 - iou_ + rho2 / (cw ** 2 + ch ** 2)
    if kind == "DIoU":
        return d
    v = 4 / math.pi ** 2 * (tf.atan((tx2 - tx1) / (ty2 - ty1)) - tf.atan((px2 - px1) / (py2 - py1))) ** 2
    return d + v / (1 - iou_ + v) * v


def course_initial_weights():
    """The course's ``tf.random.normal([2, 1], stddev=1, seed=1)`` as a numpy ``(2,)`` float32 array.

    The course sets no global seed, so TensorFlow pairs the op seed 1 with its default
    graph seed 87654321. We draw with that pair (``tf.random.set_seed(87654321)`` also resets
    the op's state), then restore the notebook's global seed. Needs TensorFlow.
    """
    import course_lib

    tf = course_lib.import_tf()
    tf.random.set_seed(87654321)
    w = tf.random.normal([2, 1], stddev=1, seed=1).numpy()[:, 0]
    seed = course_lib.current_seed()
    tf.random.set_seed(course_lib.SEED if seed is None else seed)
    return w


def yogurt_gd_tf(x, y, w0, *, loss="custom", cost=1.0, profit=99.0, lr=0.002, epochs=500):
    """The course's own TensorFlow loop (``GradientTape``, ``assign_sub``); returns the final ``w`` (2,).

    Slow (about 0.7 ms per epoch): the notebooks run it briefly, to show numpy and TF agree.
    """
    import course_lib

    x, y, w0 = _X._yogurt_args(x, y, w0)
    loss = _check.choice(loss, "loss", ("mse", "custom"))
    cost = _check.non_negative(cost, "cost")
    profit = _check.non_negative(profit, "profit")
    lr = _check.positive(lr, "lr")
    epochs = _check.integer(epochs, "epochs")
    tf = course_lib.import_tf()
    xt = tf.cast(x, tf.float32)
    y_ = tf.constant(y[:, None], tf.float32)
    w1 = tf.Variable(np.asarray(w0, np.float32)[:, None])
    for _ in range(epochs):
        with tf.GradientTape() as tape:
            pred = tf.matmul(xt, w1)
            if loss == "custom":
                value = tf.reduce_sum(tf.where(tf.greater(pred, y_), (pred - y_) * cost, (y_ - pred) * profit))
            else:
                value = tf.reduce_mean(tf.square(y_ - pred))
        w1.assign_sub(lr * tape.gradient(value, w1))
    return w1.numpy()[:, 0]


def course_yogurt_runs(w0):
    """The course's three yogurt runs in TensorFlow's order of operations (numpy, one batch, ~1 s).

    MSE for 15000 epochs, the custom loss with (COST, PROFIT) = (1, 99) and (99, 1) for 10000,
    lr 0.002, from ``w0`` (:func:`course_initial_weights`). Returns ``{name: w (2,)}`` with the
    names of :data:`COURSE_NUMBERS`.
    """
    from ..data import yogurt

    x, y = yogurt()
    h = _X.yogurt_gd(x, y, w0, loss=["mse", "custom", "custom"], cost=[0, 1, 99], profit=[0, 99, 1],
                     epochs=15000, every=5000, exact=True)
    return {"yogurt_mse_15000": h[3, 0], "yogurt_cost1_profit99_10000": h[2, 1],
            "yogurt_cost99_profit1_10000": h[2, 2]}


def course_comparison(w0):
    """The course's printed numbers (:data:`COURSE_NUMBERS`) beside ours, with the differences.

    Returns a list of ``(label, course, ours, max |difference|, exact optimum or None)``; the yogurt
    runs come from :func:`course_yogurt_runs`, their optimum from
    ``experiments.ch04_losses.least_squares`` / ``yogurt_optimum``.
    """
    from ..data import yogurt

    labels = np.array([[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 0, 0], [0, 1, 0]], dtype=float)
    logits = np.array([[12, 3, 2], [3, 10, 1], [1, 2, 5], [4, 6.5, 1.2], [3, 6, 1]])
    ours = {"ce_06": _L.categorical_crossentropy([1.0, 0.0], [0.6, 0.4]),
            "ce_08": _L.categorical_crossentropy([1.0, 0.0], [0.8, 0.2]),
            "ce_5x3": _L.softmax_cross_entropy_with_logits(labels, logits)}
    ours.update(course_yogurt_runs(w0))
    x, y = yogurt()
    optimum = {"yogurt_mse_15000": _X.least_squares(x, y),
               "yogurt_cost1_profit99_10000": _X.yogurt_optimum(x, y, 1, 99)[0],
               "yogurt_cost99_profit1_10000": _X.yogurt_optimum(x, y, 99, 1)[0]}
    names = {"ce_06": "CE([1, 0], [0.6, 0.4])", "ce_08": "CE([1, 0], [0.8, 0.2])",
             "ce_5x3": "softmax + CE, 5x3 example", "yogurt_mse_15000": "yogurt, MSE, 15000 epochs",
             "yogurt_cost1_profit99_10000": "yogurt, COST 1 / PROFIT 99, 10000 epochs",
             "yogurt_cost99_profit1_10000": "yogurt, COST 99 / PROFIT 1, 10000 epochs"}
    rows = []
    for name, course in COURSE_NUMBERS.items():
        mine = np.asarray(ours[name])  # float32 for the yogurt weights, as the course printed them
        course = np.asarray(course, dtype=float)
        rows.append((names[name], course, mine, float(np.max(np.abs(mine.astype(float) - course))),
                     optimum.get(name)))
    return rows
