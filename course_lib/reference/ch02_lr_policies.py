"""Chapter 02 – learning-rate policies, checked against TensorFlow/Keras and the course's own code.

* :func:`ch02_vs_tensorflow` – the rows of the chapter's "checked against TensorFlow" table:
  every :data:`~course_lib.experiments.ch02_lr_policies.DEFAULTS` schedule against its
  ``keras.optimizers.schedules`` object, the course's ``(w + 1)**2`` loop against its own
  TensorFlow code, reduce-on-plateau against ``keras.callbacks.ReduceLROnPlateau``;
* :func:`course_loop_tf` – the course's class2 p10 loop, run in TensorFlow as written;
* :data:`COURSE_NUMBERS` and :func:`course_lr_decay_table` – what the course prints, beside ours.

TensorFlow is imported inside the functions, never at import time.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from .. import _check
from ..experiments.ch02_lr_policies import COURSE_LR_DECAY, DEFAULTS, minimise_quadratic
from ..nn.callbacks import reduce_lr_on_plateau
from ..nn.schedules import KERAS_NAMES, SCHEDULES, exponential_decay
from . import replay_callback

__all__ = ["COURSE_NUMBERS", "course_lr_decay_table", "course_loop_tf", "ch02_vs_tensorflow"]

#: What the course's exponential-decay example (class2 p10) prints, by epoch.
COURSE_NUMBERS = {0: {"w": 2.6, "loss": 36.0, "lr": 0.2}, 39: {"w": -0.999999, "lr": 0.135146}}


def _course_schedule(epoch):
    c = COURSE_LR_DECAY
    return exponential_decay(epoch, c["lr_base"], c["lr_step"], c["lr_decay"])


def course_lr_decay_table(dtype="float32"):
    """Rows ``(quantity, course, ours)`` for the numbers the course prints in its decay example.

    ``ours`` are computed by :func:`~course_lib.experiments.ch02_lr_policies.minimise_quadratic`
    with the course's schedule ``0.2 * 0.99 ** (epoch / 1)``, rounded as the course's ``%f`` prints them.
    Used in 02_lr_policies (the course's own numbers).
    """
    _check.choice(dtype, "dtype", ("float32", "float64"))
    c = COURSE_LR_DECAY
    run = minimise_quadratic(_course_schedule, epochs=c["epochs"], w0=c["w0"], dtype=dtype)
    rows = []
    for e, printed in COURSE_NUMBERS.items():
        for q, course in printed.items():
            rows.append((f"epoch {e} {q}", course, float(f"{run[q][e]:f}")))
    return rows


def course_loop_tf(epochs=40):
    """The course's class2 p10 loop, run in TensorFlow as written: ``w`` after each epoch."""
    from .. import import_tf

    epochs = _check.integer(epochs, "epochs", low=1)
    tf = import_tf()
    w = tf.Variable(tf.constant(5, dtype=tf.float32))
    out = []
    for epoch in range(epochs):
        lr = 0.2 * 0.99 ** (epoch / 1)
        with tf.GradientTape() as tape:
            loss = tf.square(w + 1)
        w.assign_sub(lr * tape.gradient(loss, w))
        out.append(float(w.numpy()))
    return np.array(out)


def _keras_values(name, params, steps):
    """A Keras schedule's float32 values on ``steps`` (its warm-up branch takes one scalar step at a time)."""
    from .. import import_tf

    tf = import_tf()
    import keras

    sched = getattr(keras.optimizers.schedules, KERAS_NAMES[name])(**params)
    if params.get("warmup_target") is not None:
        return np.asarray(tf.function(lambda s: tf.map_fn(sched, s, fn_output_signature=tf.float32))(
            tf.constant(steps, tf.float32)), dtype=np.float64)
    return np.asarray(sched(steps), dtype=np.float64)


def ch02_vs_tensorflow(n_steps=5000, losses=None, plateau=None):
    """Our values next to TensorFlow's: rows ``(what, keras counterpart, max |ours - theirs|)``.

    * every :data:`DEFAULTS` schedule on steps ``0..n_steps-1`` against its
      ``keras.optimizers.schedules`` object (Keras' default float32 arithmetic);
    * :func:`minimise_quadratic` against the course's own TensorFlow loop (``w`` per epoch);
    * given ``losses`` and ``plateau`` (keyword arguments of :func:`reduce_lr_on_plateau`), our
      learning rates against ``keras.callbacks.ReduceLROnPlateau`` fed the same losses.

    Used in 02_lr_policies (checked against TensorFlow).
    """
    steps = np.arange(_check.integer(n_steps, "n_steps", low=1))
    if losses is not None:  # checked here, before anything is computed
        if not isinstance(plateau, Mapping) or "initial_learning_rate" not in plateau:
            raise TypeError("plateau must be a dict of reduce_lr_on_plateau's arguments with initial_learning_rate, "
                            f"got {plateau!r}")
        reduce_lr_on_plateau(losses, **plateau)
    rows = []
    for key, (name, params) in DEFAULTS.items():
        diff = np.max(np.abs(SCHEDULES[name](steps, **params) - _keras_values(name, params, steps)))
        rows.append((key, f"schedules.{KERAS_NAMES[name]}", float(diff)))
    ours = minimise_quadratic(_course_schedule)["w"]
    rows.append(("course (w+1)^2 loop", "the course's tf code", float(np.max(np.abs(ours - course_loop_tf())))))
    if losses is not None:
        import keras

        kw = dict(plateau)
        lr0 = kw.pop("initial_learning_rate")
        logs, _ = replay_callback(keras.callbacks.ReduceLROnPlateau(monitor="loss", **kw), losses, "loss", lr0)
        theirs = np.array([log["learning_rate"] for log in logs])  # the rate epoch e trained with
        ours = reduce_lr_on_plateau(losses, lr0, **kw)
        rows.append(("reduce_lr_on_plateau", "callbacks.ReduceLROnPlateau", float(np.max(np.abs(ours - theirs)))))
    return rows
