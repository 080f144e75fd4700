"""Chapter 02 – learning-rate policies, checked against TensorFlow/Keras and the course's own code.

* :func:`ch02_vs_tensorflow` – the rows of the chapter's "checked against TensorFlow" table:
  every :data:`~course_lib.experiments.ch02_lr_policies.DEFAULTS` schedule against its
  ``keras.optimizers.schedules`` object, the course's ``(w + 1)**2`` loop against its own
  TensorFlow code, reduce-on-plateau against ``keras.callbacks.ReduceLROnPlateau``;
* :func:`course_loop_tf` – the course's class2 p10 loop, run in TensorFlow as written;
* :data:`COURSE_NUMBERS` and :func:`course_lr_decay_table` – what the course prints, beside ours;
* :func:`restart_rows` – where Keras' ``CosineDecayRestarts`` misplaces a restart (appendix);
* :func:`trainer_vs_fit` – the chapter's fast training loop against ``model.fit``, with a constant rate
  and with a schedule (:data:`FIT_POLICIES`; appendix).

TensorFlow is imported inside the functions, never at import time.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping

import numpy as np

from .. import _check
from ..experiments import ch02_lr_policies as _X
from ..experiments.ch02_lr_policies import COURSE_LR_DECAY, DEFAULTS, minimise_quadratic
from ..nn.callbacks import reduce_lr_on_plateau
from ..nn.schedules import KERAS_NAMES, SCHEDULES, cosine_decay_restarts, exponential_decay, make_schedule
from . import replay_callback

__all__ = ["COURSE_NUMBERS", "course_lr_decay_table", "course_loop_tf", "ch02_vs_tensorflow", "restart_rows",
           "FIT_POLICIES", "trainer_vs_fit"]

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


def restart_rows(initial_learning_rate=0.1, first_decay_steps=10, t_mul=3.0, m_mul=0.8, n_steps=5000):
    """Every restart step of ``CosineDecayRestarts`` within ``n_steps``: ``(step, ours, Keras in float64)``.

    Keras finds the period of step ``t`` as ``floor(log(1 - t/T0 * (1 - t_mul)) / log(t_mul))``;
    exactly at a restart the logarithm can land a hair below the integer, and Keras then gives
    the end of the old period (``alpha``, here 0) instead of the restarted rate. We compute the
    period so that a restart step always gets the restarted rate (as Keras does for ``t_mul = 1``).
    ``initial_learning_rate`` is passed to Keras as a float64 number, so Keras computes in float64.
    Used in the 02 appendix.
    """
    from .. import import_tf

    import_tf()
    import keras

    lr0 = _check.positive(initial_learning_rate, "initial_learning_rate")
    T0 = _check.positive(first_decay_steps, "first_decay_steps")
    tm = _check.number(t_mul, "t_mul", low=1.0, low_open=True)
    n = _check.integer(n_steps, "n_steps", low=1)
    starts, length, start = [], T0, T0
    while start < n:
        starts.append(int(round(start)))
        length *= tm
        start += length
    steps = np.array(starts, dtype=np.float64)
    ours = cosine_decay_restarts(steps, lr0, T0, tm, m_mul)
    theirs = np.asarray(keras.optimizers.schedules.CosineDecayRestarts(np.float64(lr0), T0, t_mul=tm, m_mul=m_mul)(
        steps), dtype=np.float64)
    return [(int(s), float(o), float(t)) for s, o, t in zip(steps, ours, theirs)]


#: The runs :func:`trainer_vs_fit` compares by default: a constant rate, and exponential decay from 3.0
#: halving every 2 epochs (16 steps), so the rate changes at every step of the comparison.
FIT_POLICIES = {"constant 0.5": 0.5,
                "exponential_decay": ("exponential_decay", {"initial_learning_rate": 3.0, "decay_steps": 16,
                                                            "decay_rate": 0.5})}


def _fit_policies(policies):
    if not isinstance(policies, Mapping) or not policies:
        raise TypeError(f"policies must be a non-empty dict of name -> learning rate or (schedule name, parameters), "
                        f"got {type(policies).__name__}")
    out = {}
    for name, pol in policies.items():
        if isinstance(pol, tuple) and len(pol) == 2 and pol[0] in KERAS_NAMES and isinstance(pol[1], Mapping):
            out[name] = pol
        else:
            try:
                out[name] = _check.positive(pol, "policies")
            except (TypeError, ValueError):
                raise TypeError(f"policies[{name!r}] must be a learning rate > 0 or a (schedule name, parameters) "
                                f"pair with a name of {sorted(KERAS_NAMES)}, got {pol!r}") from None
    return out


def trainer_vs_fit(epochs=3, policies=FIT_POLICIES, seed=42):
    """The chapter's fast loop (``train_with_schedules``) against ``model.fit`` on the same batches.

    For each policy (a constant learning rate, or ``(schedule name, parameters)`` of a schedule of
    :mod:`course_lib.nn.schedules`, given to ``fit`` as its ``keras.optimizers.schedules`` object in
    ``compile``): the same initial weights (:func:`~course_lib.experiments.ch02_lr_policies.initial_weights`),
    the same mini-batches in the same order (``batch_orders``), ``epochs`` epochs. Returns rows
    ``(name, max relative difference of the per-epoch training loss, of the per-epoch held-out loss)``.
    Used in the 02 appendix and the tests.
    """
    from .. import import_tf

    tf = import_tf()
    import keras

    epochs = _check.integer(epochs, "epochs", low=1)
    seed = _check.integer(seed, "seed")
    policies = _fit_policies(policies)
    ours = _X.train_with_schedules({name: pol if not isinstance(pol, tuple) else make_schedule(pol[0], **pol[1])
                                    for name, pol in policies.items()}, epochs=epochs, seed=seed)
    (x, y), (xt, yt) = _X.dots_task()
    orders, batch = _X.batch_orders(epochs, seed), _X.TASK["batch_size"]
    spe = -(-len(x) // batch)
    w0 = _X.initial_weights(seed)
    rel = lambda a, b: float(np.max(np.abs(np.asarray(a) - np.asarray(b)) / np.abs(np.asarray(b))))
    rows = []
    for name, pol in policies.items():
        lr = pol if not isinstance(pol, tuple) else getattr(keras.optimizers.schedules, KERAS_NAMES[pol[0]])(**pol[1])
        model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(_X.TASK["hidden"], activation="relu"),
                                  keras.layers.Dense(1, activation="sigmoid")])
        model.set_weights([w0[k].astype(np.float32) for k in ("W1", "b1", "W2", "b2")])
        model.compile(optimizer=keras.optimizers.SGD(learning_rate=lr), loss="binary_crossentropy")
        # every epoch's batches in our order, one epoch after the other (the last batch of an epoch is short);
        # with steps_per_epoch, fit keeps one iterator across epochs (tf.data: Keras' array adapter logs to stderr)
        train_db = functools.reduce(lambda a, b: a.concatenate(b), [
            tf.data.Dataset.from_tensor_slices((x[o], y[o])).batch(batch) for o in orders])
        h = model.fit(train_db, epochs=epochs, steps_per_epoch=spe, shuffle=False, verbose=0,
                      validation_data=tf.data.Dataset.from_tensor_slices((xt, yt)).batch(len(xt)))
        rows.append((name, rel(ours[name].loss, h.history["loss"]), rel(ours[name].val_loss, h.history["val_loss"])))
    return rows
