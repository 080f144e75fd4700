"""Chapter 06 – optimizers, checked against TensorFlow/Keras and against the course's own code and numbers.

* :func:`compare_with_keras` runs each of :data:`KERAS_CASES` with ours
  (:mod:`course_lib.nn.optimizers`) and with ``keras.optimizers`` on the same float32 variables
  and gradients; :func:`ch06_vs_tensorflow` turns it into the rows of the chapter's one
  "checked against TensorFlow" table.
* :func:`iris_optimizers_course_tf` is the course's own TF-eager iris loop (class2 p32–p40),
  line for line; :data:`COURSE_IRIS_RESULTS` what the course printed.

TensorFlow is imported inside the functions (``course_lib.import_tf()``), never at import time.
"""

from __future__ import annotations

import time

import numpy as np

from .. import _check
from .. import data as _data
from ..experiments import ch06_practice as _x
from ..nn import optimizers as _opt

__all__ = ["KERAS_CASES", "KERAS_OPTION_CASES", "compare_with_keras", "ch06_vs_tensorflow", "keras_path", "COURSE_IRIS_RESULTS",
           "iris_optimizers_course_tf", "iris_tf_epochs"]

#: One run per class and option, as ``(label, class name, kwargs)``, for :func:`compare_with_keras`.
KERAS_CASES = (
    ("SGD", "SGD", {"learning_rate": 0.1}),
    ("SGD momentum", "SGD", {"learning_rate": 0.05, "momentum": 0.9}),
    ("SGD nesterov (NAG)", "SGD", {"learning_rate": 0.05, "momentum": 0.9, "nesterov": True}),
    ("Adagrad", "Adagrad", {"learning_rate": 0.1}),
    ("Adadelta", "Adadelta", {"learning_rate": 1.0}),
    ("RMSprop", "RMSprop", {"learning_rate": 0.01}),
    ("RMSprop momentum centered", "RMSprop", {"learning_rate": 0.01, "momentum": 0.9, "centered": True}),
    ("Adam", "Adam", {"learning_rate": 0.05}),
    ("Adam amsgrad", "Adam", {"learning_rate": 0.05, "amsgrad": True}),
    ("Nadam", "Nadam", {"learning_rate": 0.05}),
)


#: Keras' common options, one run each: decoupled weight decay (and AdamW), gradient clipping, the
#: moving average of the weights. For :func:`compare_with_keras` (the 06d appendix).
KERAS_OPTION_CASES = (
    ("AdamW (weight_decay 0.004)", "AdamW", {"learning_rate": 0.05}),
    ("AdamW weight_decay 0.2 amsgrad", "AdamW", {"learning_rate": 0.05, "weight_decay": 0.2, "amsgrad": True}),
    ("SGD weight_decay", "SGD", {"learning_rate": 0.1, "weight_decay": 0.05}),
    ("SGD momentum clipnorm", "SGD", {"learning_rate": 0.05, "momentum": 0.9, "clipnorm": 1.0}),
    ("RMSprop clipvalue", "RMSprop", {"learning_rate": 0.01, "clipvalue": 0.5}),
    ("Adagrad global_clipnorm", "Adagrad", {"learning_rate": 0.1, "global_clipnorm": 1.5}),
    ("Adam use_ema", "Adam", {"learning_rate": 0.05, "use_ema": True}),
    ("Nadam use_ema overwrite every 4", "Nadam", {"learning_rate": 0.05, "use_ema": True, "ema_momentum": 0.9,
                                                  "ema_overwrite_frequency": 4}),
)


def compare_with_keras(steps=20, seed=0, cases=None):
    """Run each case with ours and with ``keras.optimizers`` on the same float32 variables and
    gradients; return ``[(label, max |w_ours − w_keras|, max |w|)]`` over all steps and variables.

    ``cases`` defaults to :data:`KERAS_CASES` (also :data:`KERAS_OPTION_CASES`). Imports TensorFlow.
    Used in the 06d appendix (every case) and, through :func:`ch06_vs_tensorflow`, in 06a's one table.
    """
    from .. import import_tf

    steps, seed = _check.integer(steps, "steps", low=1, high=10_000), _check.integer(seed, "seed")
    cases = KERAS_CASES if cases is None else _cases(cases)
    tf = import_tf()
    import keras

    rng = np.random.default_rng(seed)
    shapes = [(4, 3), (3,)]
    init = [rng.normal(size=sh).astype(np.float32) for sh in shapes]
    grads = [[rng.normal(size=sh).astype(np.float32) for sh in shapes] for _ in range(int(steps))]
    rows = []
    for label, cls, kwargs in cases:
        ours = getattr(_opt, cls)(**kwargs)
        theirs = getattr(keras.optimizers, cls)(**kwargs)
        ws = [a.copy() for a in init]
        ks = [keras.Variable(a.copy()) for a in init]
        diff = scale = 0.0
        for g in grads:
            ours.apply_gradients(zip(g, ws))
            theirs.apply_gradients(zip([tf.constant(x) for x in g], ks))
            for w, k in zip(ws, ks):
                diff = max(diff, float(np.max(np.abs(w - k.numpy()))))
                scale = max(scale, float(np.max(np.abs(w))))
        rows.append((label, diff, scale))
    return rows


def _cases(cases):
    if not isinstance(cases, (tuple, list)) or not cases:
        raise TypeError(f"cases must be a non-empty tuple of (label, class name, kwargs), got {cases!r}"[:200])
    out = []
    for c in cases:
        if not (isinstance(c, (tuple, list)) and len(c) == 3 and isinstance(c[0], str) and isinstance(c[2], dict)):
            raise TypeError(f"cases must hold (label, class name, kwargs) triples, got {c!r}"[:200])
        out.append((c[0], _check.choice(c[1], "cases", tuple(_opt.__all__)), c[2]))
    return tuple(out)


def ch06_vs_tensorflow(steps=10, seed=0):
    """Rows ``(what, max |difference|, max |w|)`` for the chapter's one "checked against TensorFlow"
    table: every Keras optimizer of the chapter, ``steps`` updates on the same float32 variables.
    Used in 06a § Checked against Keras."""
    return compare_with_keras(steps, seed)


def keras_path(optimizer, grad, x0, steps):
    """A Keras optimizer's path: ``optimizer.apply_gradients`` on a float32 ``tf.Variable`` started
    at ``x0``, the gradient ``grad(*x)`` computed in numpy at each step; returns ``(steps + 1, d)``.

    Used in 06a's Keras exercise (a custom optimizer against its numpy twin) and in
    06c_optimizers_monitoring's Keras exercise (``make_optimizer``). Imports TensorFlow.
    """
    from .. import import_tf

    grad = _check.function(grad, "grad")
    steps = _check.integer(steps, "steps", high=100_000)
    x0 = np.asarray(_check.real_array(x0, "x0"), dtype=np.float32).ravel()
    if not hasattr(optimizer, "apply_gradients"):
        raise TypeError(f"optimizer must be a Keras optimizer, got {type(optimizer).__name__}")
    try:
        g0 = np.asarray(grad(*x0.astype(np.float64)), dtype=np.float64)
    except TypeError as exc:
        raise TypeError(f"grad(*x0) failed ({exc}); x0 must have one coordinate per argument of grad") from None
    if g0.shape != x0.shape:
        raise ValueError(f"grad must return one number per coordinate of x0 (shape {x0.shape}), got shape {g0.shape}")
    tf = import_tf()
    v = tf.Variable(x0)
    path = [v.numpy().copy()]
    for _ in range(steps):
        g = np.asarray(grad(*v.numpy().astype(np.float64)), dtype=np.float32)
        optimizer.apply_gradients([(tf.constant(g), v)])
        path.append(v.numpy().copy())
    return np.array(path, dtype=np.float64)


#: What the course reports: final loss, test accuracy, and the three students' total times in
#: seconds. RMSProp's loss was NaN.
COURSE_IRIS_RESULTS = {
    "sgd": (0.032300276681780815, 1.0, (12.70, 12.68, 16.27)),
    "sgdm": (0.030630568508058786, 1.0, (10.62, 17.32, 12.10)),
    "adagrad": (0.03173917159438133, 1.0, (7.39, 13.08, 25.28)),
    "rmsprop": (float("nan"), 0.3667, (12.02, 16.43, 19.53)),
    "adam": (0.013926223502494395, 1.0, (8.11, 22.04, 43.83)),
}


def iris_optimizers_course_tf(names=("sgd", "sgdm", "adagrad", "rmsprop", "adam"), epochs=500, lr=0.1) -> dict:
    """The course's own TensorFlow-eager loop, line for line (slow: about the course's speed).

    For each optimizer, as the course's ``class2/p3x_*.py`` scripts do: ``tf.random.set_seed(116)``,
    ``w1, b1 = tf.Variable(tf.random.truncated_normal(..., stddev=0.1, seed=1))``,
    ``tf.data.Dataset.from_tensor_slices(...).batch(32)``, a ``tf.GradientTape`` per batch,
    the hand-written update with ``assign_sub``, ``loss_all += loss.numpy()``, and a test pass
    after every epoch. Resets TensorFlow's global seed to 116 (as the course does).
    Used in the 06d appendix (speed) and in tests (the numpy runs follow it).

    Returns
    -------
    dict
        ``name -> IrisRun`` (``step_loss`` holds the batch losses; ``w1``/``b1`` the final weights).
    """
    names = _check.choices(names, "names", _opt.COURSE_NAMES)
    epochs = _check.integer(epochs, "epochs", low=1)
    lr = _check.non_negative(lr, "lr")
    from .. import import_tf

    tf = import_tf()
    (x_train, y_train), (x_test, y_test) = _data.iris()
    x_train = tf.cast(x_train, tf.float32)
    x_test = tf.cast(x_test, tf.float32)
    train_db = tf.data.Dataset.from_tensor_slices((x_train, y_train)).batch(32)
    test_db = tf.data.Dataset.from_tensor_slices((x_test, y_test)).batch(32)
    return {n: _course_tf_run(tf, n, train_db, test_db, epochs, lr) for n in names}


def _course_tf_run(tf, name, train_db, test_db, epochs, lr):
    # The course's script, kept as written (one function, as the students read it).
    tf.random.set_seed(116)
    w1 = tf.Variable(tf.random.truncated_normal([4, 3], stddev=0.1, seed=1))
    b1 = tf.Variable(tf.random.truncated_normal([3], stddev=0.1, seed=1))
    train_loss_results, test_acc, step_losses = [], [], []
    loss_all = 0.0  # the course's `0` became float64 once a numpy float32 was added (numpy < 2)
    m_w, m_b, v_w, v_b = 0, 0, 0, 0
    beta, beta1, beta2 = 0.9, 0.9, 0.999
    global_step = 0
    now_time = time.time()
    for _epoch in range(epochs):
        for _step, (x_tr, y_tr) in enumerate(train_db):
            global_step += 1
            with tf.GradientTape() as tape:
                y = tf.matmul(x_tr, w1) + b1
                y = tf.nn.softmax(y)
                y_ = tf.one_hot(y_tr, depth=3)
                loss = tf.reduce_mean(tf.square(y_ - y))
                loss_all += float(loss.numpy())
                step_losses.append(loss.numpy())
            grads = tape.gradient(loss, [w1, b1])
            if name == "sgd":
                w1.assign_sub(lr * grads[0])
                b1.assign_sub(lr * grads[1])
            elif name == "sgdm":
                m_w = beta * m_w + (1 - beta) * grads[0]
                m_b = beta * m_b + (1 - beta) * grads[1]
                w1.assign_sub(lr * m_w)
                b1.assign_sub(lr * m_b)
            elif name == "adagrad":
                v_w += tf.square(grads[0])
                v_b += tf.square(grads[1])
                w1.assign_sub(lr * grads[0] / tf.sqrt(v_w))
                b1.assign_sub(lr * grads[1] / tf.sqrt(v_b))
            elif name == "rmsprop":
                v_w = beta * v_w + (1 - beta) * tf.square(grads[0])
                v_b = beta * v_b + (1 - beta) * tf.square(grads[1])
                w1.assign_sub(lr * grads[0] / tf.sqrt(v_w))
                b1.assign_sub(lr * grads[1] / tf.sqrt(v_b))
            else:  # adam
                m_w = beta1 * m_w + (1 - beta1) * grads[0]
                m_b = beta1 * m_b + (1 - beta1) * grads[1]
                v_w = beta2 * v_w + (1 - beta2) * tf.square(grads[0])
                v_b = beta2 * v_b + (1 - beta2) * tf.square(grads[1])
                m_w_correction = m_w / (1 - tf.pow(beta1, int(global_step)))
                m_b_correction = m_b / (1 - tf.pow(beta1, int(global_step)))
                v_w_correction = v_w / (1 - tf.pow(beta2, int(global_step)))
                v_b_correction = v_b / (1 - tf.pow(beta2, int(global_step)))
                w1.assign_sub(lr * m_w_correction / tf.sqrt(v_w_correction))
                b1.assign_sub(lr * m_b_correction / tf.sqrt(v_b_correction))
        train_loss_results.append(loss_all / 4)
        loss_all = 0.0
        total_correct, total_number = 0, 0
        for x_te, y_te in test_db:
            y = tf.matmul(x_te, w1) + b1
            y = tf.nn.softmax(y)
            pred = tf.argmax(y, axis=1)
            pred = tf.cast(pred, dtype=y_te.dtype)
            correct = tf.cast(tf.equal(pred, y_te), dtype=tf.int32)
            correct = tf.reduce_sum(correct)
            total_correct += int(correct)
            total_number += x_te.shape[0]
        test_acc.append(total_correct / total_number)
    total_time = time.time() - now_time
    return _x.IrisRun(_x.IRIS_NAMES[name], np.array(train_loss_results), np.array(test_acc), np.full(epochs, np.nan),
                      np.array(step_losses, dtype=np.float32), w1.numpy(), b1.numpy(), total_time)


def _iris_train_step(w1, b1, x, y, optimizer):
    """One step of the course's iris model in TensorFlow with a Keras optimizer: the forward pass
    (``softmax(x @ w1 + b1)``, MSE against ``one_hot(y, 3)``) under ``tf.GradientTape``, then
    ``optimizer.apply_gradients`` on the ``tf.Variable`` s ``w1``, ``b1``; returns the batch loss.

    The model answer of 06b_optimizers_practice's exercise 4 (:func:`iris_tf_epochs` runs it; tests check it against the numpy run).
    Imports TensorFlow.
    """
    from .. import import_tf

    tf = import_tf()
    with tf.GradientTape() as tape:
        p = tf.nn.softmax(tf.matmul(x, w1) + b1)
        loss = tf.reduce_mean(tf.square(tf.one_hot(y, depth=3) - p))
    grads = tape.gradient(loss, [w1, b1])
    optimizer.apply_gradients(zip(grads, [w1, b1]))
    return loss


def iris_tf_epochs(train_step, optimizer, epochs=2):
    """Run ``train_step(w1, b1, x, y, optimizer) -> loss`` over the course's iris batches (120
    training flowers, batches of 32 in order, the course's initial weights as float32
    ``tf.Variable`` s) for ``epochs`` epochs; return ``[epoch losses..., w1.ravel()..., b1...]``
    (one float64 vector, so a checker compares it with :func:`course_lib.experiments.ch06_practice.fit_iris`'s
    twin in one go). Used in 06b_optimizers_practice's exercise 4. Imports TensorFlow.
    """
    from .. import import_tf

    train_step = _check.function(train_step, "train_step")
    epochs = _check.integer(epochs, "epochs", low=1, high=1000)
    if not hasattr(optimizer, "apply_gradients"):
        raise TypeError(f"optimizer must be a Keras optimizer, got {type(optimizer).__name__}")
    tf = import_tf()
    (x_train, y_train), _ = _data.iris()
    w1_init, b1_init = _x.iris_initial_weights()
    w1, b1 = tf.Variable(w1_init), tf.Variable(b1_init)
    batches = [(tf.constant(x_train[s:s + 32], tf.float32), tf.constant(y_train[s:s + 32])) for s in range(0, 120, 32)]
    losses = []
    for _ in range(epochs):
        losses.append(np.mean([float(train_step(w1, b1, x, y, optimizer)) for x, y in batches]))
    return np.concatenate([losses, w1.numpy().ravel(), b1.numpy()]).astype(np.float64)
