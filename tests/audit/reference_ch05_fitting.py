"""Valid calls for the bad-input audit of ``course_lib.reference.ch05_fitting``."""

import numpy as np  # noqa: F401

from ._common import C, _vector_target, fx, mod  # noqa: F401

MODULE = "reference.ch05_fitting"


def _tf(call):
    """Import TensorFlow before the call is timed (its first import alone can take 20 s on a busy machine)."""
    import course_lib

    course_lib.import_tf()
    return call


def _l1_step_call(X, y):
    """A valid call of course_l1_step: float64 variables of a 2-3-1 network and a Keras SGD optimizer."""
    import course_lib

    tf = course_lib.import_tf()
    import keras

    init = mod("train").init_mlp(2, 3, seed=1, init="normal", bias=0.01)
    v = [tf.Variable(init[k]) for k in ("W1", "b1", "W2", "b2")]
    return C(X[:8], y[:8].reshape(-1, 1), *v, keras.optimizers.SGD(learning_rate=0.01), 0.03)


def calls():
    f = fx()
    X, y = f["dots_x"], f["dots_y"].astype(float)
    init = mod("train").init_mlp(2, 3, seed=1, init="normal", bias=0.01)
    return {
        "tf_course_loop": lambda: _tf(C(X, y, init, lam=0.1, kind="l2", lr=0.01, epochs=1, batch_size=8,
                                        dtype="float64", regularization=None, compiled=False)),
        "course_regularization": lambda: _tf(C(np.ones((2, 3)), np.ones((3, 1)), kind="l1")),
        "course_l1_step": lambda: _tf(_l1_step_call(X, y)),
        "tf_step_loop": lambda: _tf(C(mod("reference.ch05_fitting").course_l1_step, X[:40], y[:40], init, lam=0.03,
                                      lr=0.01, epochs=1, batch_size=16, compiled=False)),
        "ch05_vs_tensorflow": lambda: _tf(C(seed=42)),
        "keras_stop": lambda: _tf(C(mod("reference.ch05_fitting").accuracy_early_stopping(2),
                                    np.array([0.5, 0.6, 0.55, 0.5]), monitor="val_accuracy")),
        "accuracy_early_stopping": lambda: _tf(C(patience=3)),
        "ch05_vs_tensorflow_full": lambda: _tf(C(seed=42, patience=20)),
        "course_loss_table": lambda: C(seed=42, lam=0.03, every=100),
        "seed_spread": lambda: C(n_seeds=1, lam=0.03, lr=0.01),
        "spread_view": lambda: C(seed=0, lr=0.01, n_seeds=1),
        "course_spread_rows": lambda: C(n_seeds=1, lrs=(0.01,)),
    }


#: name -> the (argument, change) pairs that must raise: arguments meant to match, changed alone
MATCHING = {
    "tf_course_loop": _vector_target("x", "y"),
    "tf_step_loop": _vector_target("x", "y"),
}
